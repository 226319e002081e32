//! Kea `config-get`: inheritance, defaults, reply shapes, refusals and hostile configurations.

use std::time::Duration;

use serde_json::{Value, json};

use super::super::first_object;
use super::super::tests::serve;
use super::*;

const KEA_DEFAULT: &str = "send-updates=true;override-client-update=false;override-no-update=false;update-on-renew=false";

/// A `Dhcp4` configuration setting the keys at every level, as `config-get` returns it (Kea
/// fills the globals with its defaults; subnets and shared networks carry only what is set).
fn dhcp4() -> Value {
    json!({
        "dhcp-ddns": { "enable-updates": true, "server-ip": "127.0.0.1", "server-port": 53001 },
        "ddns-send-updates": true, "ddns-override-client-update": true, "ddns-override-no-update": false,
        "ddns-update-on-renew": false, "ddns-qualifying-suffix": "corp.example.test",
        "valid-lifetime": 7200,
        "subnet4": [
            { "id": 1, "subnet": "10.0.1.0/24", "pools": [ { "pool": "10.0.1.10 - 10.0.1.99" } ] },
            { "id": 2, "subnet": "10.0.2.0/24", "ddns-send-updates": false, "ddns-update-on-renew": true }
        ],
        "shared-networks": [ {
            "name": "floor-3", "ddns-update-on-renew": true, "ddns-override-client-update": false,
            "subnet4": [
                { "id": 31, "subnet": "10.0.31.0/24" },
                { "id": 32, "subnet": "10.0.32.0/24", "ddns-update-on-renew": false, "ddns-override-no-update": true }
            ]
        } ]
    })
}

fn reply(key: &str, config: Value) -> Value {
    json!({ "result": 0, "arguments": { key: config, "hash": "4D3FA9BE2B4F3B1C3B4E4F7A5D3C8B8E9E1F0A2B3C4D5E6F7A8B9C0D1E2F3A4B" } })
}

/// Maps one reply body (asking for `v6`) as the endpoint reader does, without HTTP.
fn map(body: &Value, v6: bool) -> Result<EndpointDdns, Unread> {
    let client = Client::offline().expect("offline client");
    let (reply, via_agent) = first_object(body.clone()).map_err(|d| (SkipReason::Malformed, d))?;
    let mut found = EndpointDdns::default();
    match client.config_reply(if v6 { Family::V6 } else { Family::V4 }, &reply, via_agent)? {
        ConfigReply::Config(Family::V4, m) => found.v4 = m.settings,
        ConfigReply::Config(Family::V6, m) => found.v6 = m.settings,
        ConfigReply::Absent(why) => return Err((SkipReason::UnusedType, why)),
    }
    Ok(found)
}

/// Each subnet's rendered setting.
fn rendered(m: &BTreeMap<u32, KeaDdnsSetting>) -> Vec<(u32, String)> {
    m.iter().map(|(id, s)| (*id, s.to_string())).collect()
}

/// The one problem a bad config gives (reason, detail).
fn unread(config: Value) -> (SkipReason, String) {
    map(&json!([reply("Dhcp4", config)]), false).expect_err("a problem")
}

fn access() -> KeaAccess {
    KeaAccess { timeout: Duration::from_secs(5), ..KeaAccess::default() }
}

fn read_one(url: &str) -> (KeaDdnsSettings, Vec<String>) {
    let mut problems = Problems::default();
    let s = read_ddns_settings(&[Endpoint::parse(url).expect("a URL")], &access(), &Link::new(Arc::new(super::super::Live)), &mut problems);
    (s, problems.list.iter().map(ToString::to_string).collect())
}

#[test]
fn inheritance_at_every_level_through_a_kea2_agent() {
    let dhcp6 = json!({
        "dhcp-ddns": { "enable-updates": true },
        "ddns-update-on-renew": true,
        "subnet6": [ { "id": 60, "subnet": "2001:db8:60::/64" } ],
        "shared-networks": [ { "name": "v6-net", "ddns-send-updates": false,
            "subnet6": [ { "id": 61, "subnet": "2001:db8:61::/64", "ddns-override-no-update": true } ] } ]
    });
    let (url, log) = serve(move |req| {
        let config = if req["service"][0] == "dhcp6" { reply("Dhcp6", dhcp6.clone()) } else { reply("Dhcp4", dhcp4()) };
        (200, json!([config]).to_string())
    });
    let (s, problems) = read_one(&url);
    assert_eq!(problems, Vec::<String>::new());
    let e = &s.endpoints[&url];
    assert_eq!(
        rendered(&e.v4),
        vec![
            // Global only.
            (1, "send-updates=true;override-client-update=true;override-no-update=false;update-on-renew=false".to_string()),
            // The subnet's own over the global.
            (2, "send-updates=false;override-client-update=true;override-no-update=false;update-on-renew=true".to_string()),
            // The shared network's over the global.
            (31, "send-updates=true;override-client-update=false;override-no-update=false;update-on-renew=true".to_string()),
            // The subnet's over its shared network's over the global.
            (32, "send-updates=true;override-client-update=false;override-no-update=true;update-on-renew=false".to_string()),
        ]
    );
    assert_eq!(
        rendered(&e.v6),
        vec![
            // Kea's defaults where no level sets a key.
            (60, "send-updates=true;override-client-update=false;override-no-update=false;update-on-renew=true".to_string()),
            (61, "send-updates=false;override-client-update=false;override-no-update=true;update-on-renew=true".to_string()),
        ]
    );
    assert_eq!(s.get(&url, false, 2), Some(KeaDdnsSetting { send_updates: false, override_client_update: true, override_no_update: false, update_on_renew: true }));
    assert_eq!(s.get(&url, true, 2), None);
    assert_eq!(s.get("http://elsewhere/", false, 2), None);
    assert_eq!(s.notes, vec![format!("{url}: config-get: DNS settings of 4 v4 and 2 v6 subnet(s)")]);
    let seen: Vec<Value> = log.lock().expect("log").iter().map(|r| r.json()).collect();
    assert_eq!(seen, vec![json!({"command": "config-get", "service": ["dhcp4"]}), json!({"command": "config-get", "service": ["dhcp6"]})]);
}

#[test]
fn a_kea3_socket_is_asked_once_and_its_direct_reply_read() {
    let (url, log) = serve(|_| (200, reply("Dhcp4", dhcp4()).to_string()));
    let (s, problems) = read_one(&url);
    assert_eq!(problems, Vec::<String>::new());
    assert_eq!(s.endpoints[&url].v4.len(), 4);
    assert!(s.endpoints[&url].v6.is_empty());
    assert_eq!(log.lock().expect("log").len(), 1);
    assert_eq!(s.notes, vec![format!("{url}: config-get: DNS settings of 4 v4 and 0 v6 subnet(s)")]);
    // A DHCPv6 daemon's socket: its config is v6, even though dhcp4 was named.
    let (url, _) = serve(|_| (200, reply("Dhcp6", json!({"dhcp-ddns": {"enable-updates": true}, "subnet6": [{"id": 5}]})).to_string()));
    let (s, _) = read_one(&url);
    assert_eq!(rendered(&s.endpoints[&url].v6), vec![(5, KEA_DEFAULT.to_string())]);
}

#[test]
fn an_agent_without_a_dhcp6_socket_is_a_note() {
    let (url, _) = serve(|req| {
        if req["service"][0] == "dhcp6" {
            return (200, json!([{"result": 1, "text": "forwarding socket is not configured for the server type dhcp6"}]).to_string());
        }
        (200, json!([reply("Dhcp4", dhcp4())]).to_string())
    });
    let (s, problems) = read_one(&url);
    assert_eq!(problems, Vec::<String>::new());
    assert_eq!(s.notes, vec![format!("{url}: config-get: DNS settings of 4 v4 and 0 v6 subnet(s); no dhcp6 (the control agent has no dhcp6 socket)")]);
}

#[test]
fn kea_defaults_when_no_level_sets_a_key() {
    let m = map(&reply("Dhcp4", json!({"dhcp-ddns": {"enable-updates": true}, "subnet4": [{"id": 7, "subnet": "10.7.0.0/16"}]})), false).expect("read");
    assert_eq!(rendered(&m.v4), vec![(7, KEA_DEFAULT.to_string())]);
    assert_eq!(KeaDdnsSetting::KEA_DEFAULT.to_string(), KEA_DEFAULT);
    // No subnet at all: nothing, and no problem.
    assert_eq!(map(&reply("Dhcp4", json!({})), false).expect("read"), EndpointDdns::default());
}

#[test]
fn without_enabled_dhcp_ddns_no_update_is_sent() {
    let mut off = dhcp4();
    off["dhcp-ddns"]["enable-updates"] = json!(false);
    let m = map(&reply("Dhcp4", off), false).expect("read");
    assert!(m.v4.values().all(|s| !s.send_updates));
    // The other keys stay as configured.
    assert_eq!(m.v4[&31].to_string(), "send-updates=false;override-client-update=false;override-no-update=false;update-on-renew=true");
    // Absent `dhcp-ddns`: Kea's D2 client is disabled.
    let m = map(&reply("Dhcp4", json!({"ddns-send-updates": true, "subnet4": [{"id": 1}]})), false).expect("read");
    assert_eq!(m.v4[&1].to_string(), "send-updates=false;override-client-update=false;override-no-update=false;update-on-renew=false");
}

#[test]
fn a_subnet_whose_pools_set_dns_updates_is_left_unknown() {
    // Kea 3 reads the DDNS parameters per pool: one value for the subnet would be wrong.
    let config = json!({
        "dhcp-ddns": {"enable-updates": true},
        "subnet4": [
            {"id": 1, "pools": [{"pool": "10.1.0.10 - 10.1.0.20"}, {"pool": "10.1.0.30 - 10.1.0.40", "ddns-send-updates": false}]},
            {"id": 2, "pools": [{"pool": "10.2.0.10 - 10.2.0.20", "option-data": []}]}
        ],
        "subnet6": [{"id": 3, "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 56, "delegated-len": 64, "ddns-update-on-renew": true}]}]
    });
    let c4 = config.clone();
    let (url, _) = serve(move |_| (200, reply("Dhcp4", c4.clone()).to_string()));
    let (s, problems) = read_one(&url);
    assert_eq!(problems, Vec::<String>::new());
    assert_eq!(rendered(&s.endpoints[&url].v4), vec![(2, KEA_DEFAULT.to_string())]);
    assert_eq!(s.notes, vec![format!("{url}: config-get: DNS settings of 1 v4 and 0 v6 subnet(s); 1 subnet(s) left unknown: their pools set DNS updates of their own")]);
    let m = map(&reply("Dhcp6", config), true).expect("read");
    assert!(m.v6.is_empty());
    // A pool's non-boolean value is a problem like any other.
    assert_eq!(
        unread(json!({"subnet4": [{"id": 1, "pools": [{"ddns-send-updates": "no"}]}]})),
        (SkipReason::Malformed, "config-get: Dhcp4: subnet4[0]: pools[0]: \"ddns-send-updates\" is \"no\", not true or false".to_string())
    );
}

#[test]
fn a_refused_config_get_is_a_problem_and_no_settings() {
    for (status, body, expected) in [
        (200, json!([{"result": 1, "text": "'config-get' command not allowed"}]), "access denied: config-get (dhcp4) refused (Kea result 1): 'config-get' command not allowed"),
        (200, json!({"result": 2, "text": "'config-get' command not supported."}), "access denied: config-get (dhcp4) refused (Kea result 2): 'config-get' command not supported."),
        (200, json!([{"result": 3, "text": "empty"}]), "access denied: config-get (dhcp4) refused (Kea result 3): empty"),
        (403, json!({"result": 403, "text": "Forbidden"}), "access denied: config-get: HTTP 403: the Kea endpoint refused the credentials (it wants HTTP basic authentication: give a user in the URL or --kea-user, the password in DDNS_AUDIT_KEA_PASSWORD or --kea-password-file)"),
        (500, json!({"result": 1, "text": "Internal Server Error"}), "access denied: config-get: HTTP 500: Internal Server Error"),
    ] {
        let text = body.to_string();
        let (url, _) = serve(move |_| (status, text.clone()));
        let (s, problems) = read_one(&url);
        assert_eq!(problems, vec![format!("{url}: {expected}; this endpoint's DHCP DNS settings are not known")]);
        assert_eq!(s, KeaDdnsSettings::default());
    }
}

#[test]
fn an_endpoint_that_does_not_answer_is_a_problem() {
    let (s, problems) = read_one("http://127.0.0.1:9/");
    assert_eq!(problems.len(), 1);
    assert!(problems[0].starts_with("http://127.0.0.1:9/: no answer: config-get: cannot reach the Kea control endpoint at 127.0.0.1:9: "), "{problems:?}");
    assert_eq!(s, KeaDdnsSettings::default());
}

#[test]
fn values_of_the_wrong_type_are_problems_never_guesses() {
    let cases: Vec<(Value, &str)> = vec![
        (json!({"ddns-send-updates": "yes", "subnet4": [{"id": 1}]}), "Dhcp4: global: \"ddns-send-updates\" is \"yes\", not true or false"),
        (json!({"subnet4": [{"id": 1, "ddns-update-on-renew": 1}]}), "Dhcp4: subnet4[0]: \"ddns-update-on-renew\" is 1, not true or false"),
        (
            json!({"shared-networks": [{"name": "n", "ddns-override-no-update": null, "subnet4": []}]}),
            "Dhcp4: shared-networks[0] \"n\": \"ddns-override-no-update\" is null, not true or false",
        ),
        (json!({"dhcp-ddns": {"enable-updates": "true"}}), "Dhcp4: \"dhcp-ddns\": \"enable-updates\" is \"true\", not true or false"),
        (json!({"dhcp-ddns": true}), "Dhcp4: \"dhcp-ddns\" is true, not an object"),
        (json!({"subnet4": {"id": 1}}), "Dhcp4: \"subnet4\" is {\"id\":1}, not an array"),
        (json!({"subnet4": [7]}), "Dhcp4: subnet4[0] is 7, not an object"),
        (json!({"subnet4": [{"subnet": "10.0.0.0/8"}]}), "Dhcp4: subnet4[0]: no subnet \"id\" from 0 to 4294967295 (absent)"),
        (json!({"subnet4": [{"id": 4_294_967_296u64}]}), "Dhcp4: subnet4[0]: no subnet \"id\" from 0 to 4294967295 (4294967296)"),
        (json!({"subnet4": [{"id": -1}]}), "Dhcp4: subnet4[0]: no subnet \"id\" from 0 to 4294967295 (-1)"),
        (json!({"subnet4": [{"id": 3}], "shared-networks": [{"subnet4": [{"id": 3}]}]}), "Dhcp4: shared-networks[0]: subnet4[0]: subnet id 3 appears twice"),
        (json!({"shared-networks": [{"name": "x", "subnet4": "none"}]}), "Dhcp4: shared-networks[0] \"x\": \"subnet4\" is \"none\", not an array"),
    ];
    for (config, detail) in cases {
        assert_eq!(unread(config), (SkipReason::Malformed, format!("config-get: {detail}")));
    }
    // The v6 keys are read for v6: a subnet4 list in a Dhcp6 config is not a v6 subnet.
    let m = map(&reply("Dhcp6", json!({"subnet4": [{"id": 1}], "subnet6": [{"id": 2}]})), true).expect("read");
    assert_eq!(m.v6.keys().copied().collect::<Vec<_>>(), vec![2]);
}

#[test]
fn replies_of_an_unknown_shape_are_problems() {
    let malformed = |d: &str| Err((SkipReason::Malformed, format!("config-get: {d}")));
    assert_eq!(map(&json!({"arguments": {}}), false), malformed("the reply has no numeric \"result\": {\"arguments\":{}}"));
    assert_eq!(map(&json!({"result": 0}), false), malformed("a successful reply without \"arguments\""));
    assert_eq!(map(&json!({"result": 0, "arguments": {"hash": "x"}}), false), malformed("the arguments hold not exactly one of \"Dhcp4\" and \"Dhcp6\" (keys: hash)"));
    assert_eq!(
        map(&json!({"result": 0, "arguments": {"Dhcp4": {}, "Dhcp6": {}}}), false),
        malformed("the arguments hold not exactly one of \"Dhcp4\" and \"Dhcp6\" (keys: Dhcp4, Dhcp6)")
    );
    assert_eq!(map(&json!({"result": 0, "arguments": {"Dhcp4": [1]}}), false), malformed("\"Dhcp4\" is not an object"));
    // An agent asked for dhcp6 that answers the Dhcp4 configuration.
    assert_eq!(map(&json!([reply("Dhcp4", json!({}))]), true), malformed("asked for the dhcp6 configuration, the agent answered \"Dhcp4\""));
}

#[test]
fn hostile_bodies_are_bounded_problems() {
    // Deep nesting: serde_json's recursion limit, not the stack.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let (url, _) = serve(move |_| (200, deep.clone()));
    let (s, problems) = read_one(&url);
    assert_eq!(problems, vec![format!("{url}: malformed record: config-get: the Kea control endpoint answered garbage: not JSON (recursion limit exceeded at line 1 column 128): {}...; this endpoint's DHCP DNS settings are not known", "[".repeat(200))]);
    assert_eq!(s, KeaDdnsSettings::default());
    // A huge array of subnets: the reply's size bound, not memory.
    let huge = format!(r#"{{"result": 0, "arguments": {{"Dhcp4": {{"subnet4": [{}]}}}}}}"#, vec![r#"{"id": 1}"#; 2_000_000].join(","));
    let (url, _) = serve(move |_| (200, huge.clone()));
    let (s, problems) = read_one(&url);
    assert_eq!(problems, vec![format!("{url}: malformed record: config-get: the Kea control endpoint answered garbage: a reply larger than 16 MiB; this endpoint's DHCP DNS settings are not known")]);
    assert_eq!(s, KeaDdnsSettings::default());
}
