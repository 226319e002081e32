//! Tests of the DHCP DNS settings: the CSV reader, the Windows flags and the effective setting.

use super::*;
use crate::leases::LeaseState;

const HEADER: &str = "Server,ScopeId,DynamicUpdates,DeleteDnsRROnLeaseExpiry,UpdateDnsRRForOlderClients,DisableDnsPtrRRUpdate,NameProtection\n";

fn read(text: &str) -> (DhcpDnsSettings, Vec<String>) {
    let mut out = SettingsFiles::default();
    let errors = parse(text, &Arc::from("dhcp-dns.csv"), &mut out).err().map(|e| e.to_string()).into_iter().collect();
    (out.table, errors)
}

fn error(text: &str) -> String {
    read(text).1.join("")
}

fn lease(ip: &str, scope: &str, server: Option<&str>) -> Lease {
    Lease {
        ip: ip.parse().unwrap(),
        hostname: None,
        mac: None,
        state: LeaseState::Active,
        expires: None,
        duration: None,
        origin: crate::leases::LeaseOrigin::new(&Arc::from("x"), Some(scope), None, server),
        line: 0,
    }
}

fn rendered(s: &DhcpDnsSettings, l: &Lease) -> String {
    s.effective(l).map(|s| s.render()).unwrap_or_default()
}

#[test]
fn rendering_order_and_only_known_keys() {
    let all = DhcpDnsSetting {
        updates: Some(Updates::OnRequest),
        ptr: Some(false),
        older_clients: Some(true),
        delete_on_expiry: Some(true),
        name_protection: Some(false),
        send_updates: Some(true),
        override_client_update: Some(false),
        override_no_update: Some(false),
        update_on_renew: Some(false),
    };
    assert_eq!(
        all.render(),
        "updates=on-request;ptr=off;older-clients=on;delete-on-expiry=on;name-protection=off;send-updates=true;override-client-update=false;override-no-update=false;update-on-renew=false"
    );
    assert_eq!(DhcpDnsSetting { updates: Some(Updates::Never), ..Default::default() }.render(), "updates=never");
    assert_eq!(DhcpDnsSetting::default().render(), "");
}

#[test]
fn csv_rows_and_inheritance() {
    let text = format!(
        "#TYPE System.Management.Automation.PSCustomObject\n{HEADER}\
         \"10.0.0.11\",\"\",\"OnClientRequest\",\"True\",\"False\",\"False\",\"False\"\n\
         10.0.0.11,10.0.17.0,Never,,,,\n\
         ,,Always,False,False,True,True\n"
    );
    let (s, problems) = read(&text);
    assert!(problems.is_empty(), "{problems:?}");
    // Server level of the lease's server, over the any-server row.
    assert_eq!(rendered(&s, &lease("10.0.16.5", "10.0.16.0", Some("10.0.0.11"))), "updates=on-request;ptr=on;older-clients=off;delete-on-expiry=on;name-protection=off");
    // The scope's DynamicUpdates over the server's; the other keys inherited.
    assert_eq!(rendered(&s, &lease("10.0.17.5", "10.0.17.0", Some("10.0.0.11"))), "updates=never;ptr=on;older-clients=off;delete-on-expiry=on;name-protection=off");
    // Another server, or an unknown one: only the any-server row.
    assert_eq!(rendered(&s, &lease("10.0.17.5", "10.0.17.0", Some("10.0.0.12"))), "updates=always;ptr=off;older-clients=off;delete-on-expiry=off;name-protection=on");
    assert_eq!(rendered(&s, &lease("10.0.17.5", "10.0.17.0", None)), "updates=always;ptr=off;older-clients=off;delete-on-expiry=off;name-protection=on");
}

#[test]
fn reservation_over_scope_over_server() {
    let mut s = DhcpDnsSettings::default();
    let set = |u| DhcpDnsSetting { updates: Some(u), ..Default::default() };
    s.add(Some("DHCP2"), Level::Server, DhcpDnsSetting { ptr: Some(true), ..set(Updates::Always) });
    s.add(Some("dhcp2"), Level::Scope("10.0.18.0".into()), set(Updates::OnRequest));
    s.add(Some("dhcp2"), Level::Reservation("10.0.18.50".parse().unwrap()), set(Updates::Never));
    assert_eq!(rendered(&s, &lease("10.0.18.50", "10.0.18.0", Some("dhcp2"))), "updates=never;ptr=on");
    assert_eq!(rendered(&s, &lease("10.0.18.51", "10.0.18.0", Some("dhcp2"))), "updates=on-request;ptr=on");
    assert_eq!(rendered(&s, &lease("10.0.19.5", "10.0.19.0", Some("dhcp2"))), "updates=always;ptr=on");
    assert_eq!(s.effective(&lease("10.0.19.5", "10.0.19.0", Some("dhcp9"))), None);
}

/// Issue #13: a table read on its own thread and absorbed after Kea's is the table of
/// the rows added one after another.
#[test]
fn absorbed_as_if_added_in_turn() {
    let set = |u| DhcpDnsSetting { updates: Some(u), ..Default::default() };
    let kea = |t: &mut DhcpDnsSettings| {
        t.add(Some("dhcp2"), Level::Server, DhcpDnsSetting { ptr: Some(true), ..set(Updates::Always) });
        t.add(Some("dhcp2"), Level::Scope("10.0.18.0".into()), DhcpDnsSetting { older_clients: Some(true), ..Default::default() });
    };
    let file = |t: &mut DhcpDnsSettings| {
        t.add(Some("DHCP2"), Level::Scope("10.0.18.0".into()), set(Updates::OnRequest));
        t.add(Some("dhcp2"), Level::Scope("10.0.18.0".into()), DhcpDnsSetting { ptr: Some(false), ..Default::default() });
        t.add(None, Level::Server, set(Updates::Never));
    };
    let mut in_turn = DhcpDnsSettings::default();
    kea(&mut in_turn);
    file(&mut in_turn);
    let (mut absorbed, mut later) = (DhcpDnsSettings::default(), DhcpDnsSettings::default());
    kea(&mut absorbed);
    file(&mut later);
    absorbed.absorb(later);
    for l in [lease("10.0.18.5", "10.0.18.0", Some("dhcp2")), lease("10.0.19.5", "10.0.19.0", Some("dhcp2")), lease("10.0.19.5", "10.0.19.0", Some("x"))] {
        assert_eq!(rendered(&absorbed, &l), rendered(&in_turn, &l));
    }
    assert_eq!(rendered(&absorbed, &lease("10.0.18.5", "10.0.18.0", Some("dhcp2"))), "updates=on-request;ptr=off;older-clients=on");
}

/// Issue #19 item 7: every defect stops the run naming the file and line.
#[test]
fn bad_values_and_rows_are_errors_naming_the_line() {
    for (row, expected) in [
        ("srv,10.0.16.0,Sometimes,,,,", "dhcp-dns.csv:2: scope 10.0.16.0: DynamicUpdates \"Sometimes\" is not Always, OnClientRequest or Never"),
        ("srv,10.0.16.0,Never,Yes,,,", "dhcp-dns.csv:2: scope 10.0.16.0: DeleteDnsRROnLeaseExpiry \"Yes\" is not True or False"),
        ("srv,,Never,,,,maybe", "dhcp-dns.csv:2: server level: NameProtection \"maybe\" is not True or False"),
        ("srv,10.0.16", "dhcp-dns.csv:2: 2 fields where the header has 7: the row is cut off"),
        ("srv,10.0.16.0,Never,,,,,x", "dhcp-dns.csv:2: 8 fields where the header has 7: a value holds an unquoted comma, or the row is not of this file"),
        ("srv,scope1,Never,,,,", "dhcp-dns.csv:2: ScopeId \"scope1\" is not an IPv4 network address (10.0.16.0) or an IPv6 prefix"),
        ("srv,10.0.16.5/24,Never,,,,", "dhcp-dns.csv:2: ScopeId \"10.0.16.5/24\" is a host address, not its scope's network address"),
        ("srv,10.0.16.0/33,Never,,,,", "dhcp-dns.csv:2: ScopeId \"10.0.16.0/33\": the prefix length is not 0 to 32"),
        ("srv,10.0.256.0,Never,,,,", "dhcp-dns.csv:2: ScopeId \"10.0.256.0\" is not an IPv4 network address (10.0.16.0) or an IPv6 prefix"),
    ] {
        assert_eq!(error(&format!("{HEADER}{row}\n")), expected, "{row}");
    }
    // A bad later row never leaves the earlier one in force: the run stops.
    assert_eq!(error(&format!("{HEADER}srv,10.0.16.0,Never,,,,\nsrv,10.0.16.0,Sometimes,,,,\n")), "dhcp-dns.csv:3: scope 10.0.16.0: DynamicUpdates \"Sometimes\" is not Always, OnClientRequest or Never");
    let (s, errors) = read("");
    assert!(s.is_empty() && errors.is_empty());
    let plain = format!("{HEADER}srv,,Never,False,False,False,False\n");
    let (s, errors) = read(&format!("\u{feff}{}", plain.replace('\n', "\r\n")));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(rendered(&s, &lease("10.0.16.5", "10.0.16.0", Some("SRV"))), "updates=never;ptr=on;older-clients=off;delete-on-expiry=off;name-protection=off");
}

/// Issue #19 item 7: without ScopeId (or Server) every row would be read at server level
/// (or for every server): the missing columns are named; a file of no setting column too.
#[test]
fn required_columns_are_named() {
    assert_eq!(error("Server,DynamicUpdates\nsrv,Never\n"), "dhcp-dns.csv:1: the header lacks the required column(s) ScopeId");
    assert_eq!(error("DynamicUpdates\nNever\n"), "dhcp-dns.csv:1: the header lacks the required column(s) Server, ScopeId");
    assert_eq!(
        error("Server,ScopeId\nx,\n"),
        "dhcp-dns.csv:2: the header has none of the setting columns DynamicUpdates, DeleteDnsRROnLeaseExpiry, UpdateDnsRRForOlderClients, DisableDnsPtrRRUpdate, NameProtection"
    );
}

/// Issue #19 item 7: one server and scope twice with other values is an error naming both
/// lines (in one file or two); twice alike is one row.
#[test]
fn conflicting_duplicates_name_both_lines() {
    let text = format!("{HEADER}srv,10.0.16.0,Never,,,,\nsrv,10.0.17.0,Always,,,,\nSRV,10.000.016.000,Always,,,,\n");
    assert_eq!(error(&text), "dhcp-dns.csv:4: server srv, scope 10.0.16.0 is given again with other values (first at dhcp-dns.csv:2); keep one row per server and scope");
    assert_eq!(error(&format!("{HEADER},,Never,,,,\n,,Always,,,,\n")), "dhcp-dns.csv:3: any server, server level is given again with other values (first at dhcp-dns.csv:2); keep one row per server and scope");
    let (s, errors) = read(&format!("{HEADER}srv,10.0.16.0,Never,,,,\nsrv,10.0.16.0/24,Never,,,,\n"));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(rendered(&s, &lease("10.0.16.5", "10.0.16.0", Some("srv"))), "updates=never");
    let mut files = SettingsFiles::default();
    parse(&format!("{HEADER}srv,10.0.16.0,Never,,,,\n"), &Arc::from("a.csv"), &mut files).unwrap();
    let e = parse(&format!("{HEADER}srv,10.0.16.0,,True,,,\n"), &Arc::from("b.csv"), &mut files).unwrap_err();
    assert_eq!(e.to_string(), "b.csv:2: server srv, scope 10.0.16.0 is given again with other values (first at a.csv:2); keep one row per server and scope");
}

/// Issue #19 item 7: scope ids are network addresses, whatever form they are written in;
/// a scope no lease is in is a note.
#[test]
fn scopes_compare_as_addresses_and_unmatched_ones_are_noted() {
    let mut files = SettingsFiles::default();
    let text = format!("{HEADER}srv,10.000.016.000,Never,,,,\nsrv,10.0.17.0/24,Always,,,,\n,2001:db8:1:0::/64,Never,,,,\nsrv,10.0.99.0,Never,,,,\n,10.0.98.0,Never,,,,\n");
    parse(&text, &Arc::from("d.csv"), &mut files).unwrap();
    let leases = [lease("10.0.16.5", "10.0.16.0", Some("srv")), lease("10.0.17.5", " 10.0.17.0 ", Some("SRV")), lease("2001:db8:1::5", "2001:db8:1::", None), lease("10.0.99.5", "10.0.99.0", Some("other"))];
    assert_eq!(rendered(&files.table, &leases[0]), "updates=never");
    assert_eq!(rendered(&files.table, &leases[1]), "updates=always");
    assert_eq!(rendered(&files.table, &leases[2]), "updates=never");
    let mut others = DhcpDnsSettings::default();
    others.add(Some("x.xml IPv4"), Level::Scope("10.0.98.0".into()), DhcpDnsSetting::default());
    assert_eq!(files.unmatched_scope_notes(&leases, &others), [
        "d.csv:5: --dhcp-settings scope 10.0.99.0 (server srv) matches no lease read and no scope of the other inputs; check its ScopeId, or give that scope's leases"
    ]);
    assert_eq!(scope_key("10.000.016.000"), "10.0.16.0");
    assert_eq!(scope_key(" 5 "), "5");
    assert_eq!(parse_scope("2001:db8:1::1/64"), Err("\"2001:db8:1::1/64\" is a host address, not its scope's network address".to_string()));
    assert_eq!(parse_scope("0.0.0.0/0"), Ok(Some("0.0.0.0".parse().unwrap())));
}

/// Issue #19 item 15: the look-up is a few map probes a lease, whatever the rows: 40,000
/// rows and 100,000 leases take well under a second (the list scan took minutes).
#[test]
fn lookup_cost_does_not_grow_with_rows_times_leases() {
    let mut text = String::from(HEADER);
    for i in 0..40_000u32 {
        text.push_str(&format!("srv{},10.{}.{}.0,Never,,,,\n", i % 4, (i >> 8) & 0xff, i & 0xff));
    }
    let start = std::time::Instant::now();
    let mut files = SettingsFiles::default();
    parse(&text, &Arc::from("big.csv"), &mut files).unwrap();
    let leases: Vec<Lease> = (0..100_000u32).map(|i| lease(&format!("10.{}.{}.9", (i >> 8) & 0xff, i & 0xff), &format!("10.{}.{}.0", (i >> 8) & 0xff, i & 0xff), Some("srv1"))).collect();
    let found = leases.iter().filter(|l| files.table.effective(l).is_some()).count();
    assert_eq!(found, 18_616);
    assert!(start.elapsed() < std::time::Duration::from_secs(20), "{:?}", start.elapsed());
}

#[test]
fn dns_flag_bits() {
    let v4 = |n: u32| decode_dns_flags(n, false).map(|s| s.render());
    let v6 = |n: u32| decode_dns_flags(n, true).map(|s| s.render());
    // Windows' default when nothing is set: enabled, on request, delete on expiry.
    assert_eq!(v4(0x05).as_deref(), Ok("updates=on-request;ptr=on;older-clients=off;delete-on-expiry=on;name-protection=off"));
    // Every IPv4 bit: always, older clients, no PTR, name protection (and a policy's suffix flag).
    assert_eq!(v4(0xF7).as_deref(), Ok("updates=always;ptr=off;older-clients=on;delete-on-expiry=on;name-protection=on"));
    // Without DNS_FLAG_ENABLED the server registers nothing, whatever the other bits say.
    assert_eq!(v4(0x00).as_deref(), Ok("updates=never;ptr=on;older-clients=off;delete-on-expiry=off;name-protection=off"));
    assert_eq!(v4(0x14).as_deref(), Ok("updates=never;ptr=on;older-clients=off;delete-on-expiry=on;name-protection=off"));
    assert_eq!(v4(0x08), Err("8 (0x8) has bits 0x8 that are not DNS_FLAG_* bits of an IPv4 server".to_string()));
    assert_eq!(v4(0x8000_0001), Err("2147483649 (0x80000001) has bits 0x80000000 that are not DNS_FLAG_* bits of an IPv4 server".to_string()));
    // IPv6 (option 39): no older clients, no PTR switch, no suffix flag.
    assert_eq!(v6(0x35).as_deref(), Ok("updates=always;delete-on-expiry=on;name-protection=on"));
    assert_eq!(v6(0x01).as_deref(), Ok("updates=on-request;delete-on-expiry=off;name-protection=off"));
    for bad in [0x02, 0x40, 0x80] {
        assert!(v6(bad).is_err(), "{bad:#x}");
    }
    assert_eq!(parse_dns_flags(" 215 "), Ok(215));
    assert_eq!(parse_dns_flags("0xD7"), Ok(215));
    assert_eq!(parse_dns_flags("4294967296"), Err("\"4294967296\" is not a number".to_string()));
    assert_eq!(parse_dns_flags("Never"), Err("\"Never\" is not a number".to_string()));
    assert_eq!((dns_option_id(false), dns_option_id(true)), (81, 39));
}

#[test]
fn an_unknown_level_hides_the_levels_below_it() {
    let mut s = DhcpDnsSettings::default();
    let never = DhcpDnsSetting { updates: Some(Updates::Never), ptr: Some(true), ..Default::default() };
    s.add(Some("x.xml IPv4"), Level::Server, never);
    s.add_unknown(Some("x.xml IPv4"), Level::Scope("10.0.18.0".into()));
    s.add(Some("x.xml IPv4"), Level::Reservation("10.0.18.50".parse().unwrap()), DhcpDnsSetting { updates: Some(Updates::Always), ..Default::default() });
    // Unknown at the scope: the server's never does not show through.
    assert_eq!(s.effective(&lease("10.0.18.21", "10.0.18.0", Some("x.xml IPv4"))), None);
    // A more specific level still says what it sets.
    assert_eq!(rendered(&s, &lease("10.0.18.50", "10.0.18.0", Some("x.xml IPv4"))), "updates=always");
    assert_eq!(rendered(&s, &lease("10.0.19.21", "10.0.19.0", Some("x.xml IPv4"))), "updates=never;ptr=on");
    // An any-server row at the same scope is hidden too (it ranks below the server's own).
    s.add(None, Level::Scope("10.0.18.0".into()), DhcpDnsSetting { updates: Some(Updates::OnRequest), ..Default::default() });
    assert_eq!(s.effective(&lease("10.0.18.21", "10.0.18.0", Some("x.xml IPv4"))), None);
}

#[test]
fn freeze_causes() {
    let s = |f: fn(&mut DhcpDnsSetting)| {
        let mut s = DhcpDnsSetting::default();
        f(&mut s);
        s.server_stop(false).map(ServerStop::as_str)
    };
    assert_eq!(s(|s| s.updates = Some(Updates::Never)), Some("updates=never"));
    assert_eq!(s(|s| s.updates = Some(Updates::Always)), None);
    assert_eq!(s(|s| s.send_updates = Some(false)), Some("send-updates=false"));
    assert_eq!(s(|s| s.update_on_renew = Some(false)), Some("update-on-renew=false"));
    assert_eq!(s(|s| s.update_on_renew = Some(true)), None);
}
