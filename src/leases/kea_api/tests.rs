//! Canned Kea replies from the tests' one HTTP server (`test_support::http`): paging, agent vs
//! direct replies, errors.

use std::io::{BufReader, Write};
use std::net::TcpListener;

use serde_json::{Value, json};

use super::*;
use crate::test_support::http::{Log, read_request, reply, serve_raw};

/// Serves every request with `respond(body) -> (status, reply text)` (`Connection: close`), on
/// the tests' one HTTP server. Returns the base URL and the request log.
pub(super) fn serve(respond: impl Fn(&Value) -> (u16, String) + Send + Sync + 'static) -> (String, Log) {
    crate::test_support::http::serve(move |request| {
        let (status, text) = respond(&request.json());
        reply(status, &text)
    })
}

fn v4_lease(i: u32) -> Value {
    json!({
        "ip-address": format!("10.0.{}.{}", i / 250, i % 250 + 1),
        "hw-address": format!("02:00:00:00:{:02x}:{:02x}", i / 256, i % 256),
        "hostname": format!("host-{i}.corp.example.test."),
        "valid-lft": 3600, "cltt": 1_800_000_000u64 + u64::from(i), "subnet-id": 7,
        "state": 0, "fqdn-fwd": true, "fqdn-rev": i.is_multiple_of(2),
        "client-id": "01:02", "pool-id": 0
    })
}

/// A server of `n` v4 leases paging like Kea; `agent` wraps replies in an array; `v6` is the
/// reply for any lease6 command.
fn kea(n: u32, agent: bool, v6: Value) -> (String, Log) {
    let all: Vec<Value> = (0..n).map(v4_lease).collect();
    serve(move |req| {
        let wrap = |v: Value| if agent { json!([v]) } else { v };
        if req["command"] == "lease6-get-page" {
            return (200, wrap(v6.clone()).to_string());
        }
        let limit = req["arguments"]["limit"].as_u64().unwrap_or(1000) as usize;
        let start = match req["arguments"]["from"].as_str() {
            Some("start") => 0,
            Some(addr) => all.iter().position(|l| l["ip-address"] == addr).map_or(all.len(), |p| p + 1),
            None => all.len(),
        };
        let page: Vec<Value> = all.iter().skip(start).take(limit).cloned().collect();
        let reply = if page.is_empty() {
            json!({"result": 3, "text": "0 IPv4 lease(s) found.", "arguments": {"leases": [], "count": 0}})
        } else {
            json!({"result": 0, "text": format!("{} IPv4 lease(s) found.", page.len()), "arguments": {"count": page.len(), "leases": page}})
        };
        (200, wrap(reply).to_string())
    })
}

fn no_dhcp6_socket() -> Value {
    json!({"result": 1, "text": "forwarding socket is not configured for the server type dhcp6"})
}

fn access(page: usize) -> KeaAccess {
    KeaAccess { page_size: page, timeout: Duration::from_secs(5), ..KeaAccess::default() }
}

/// Reads `url` with `a`, the password (when `password` is given) as the settings pass it.
fn read(url: &str, a: &KeaAccess, password: Option<&str>) -> Result<(Vec<Lease>, Problems, KeaReport), KeaError> {
    let mut out = Vec::new();
    let mut problems = Problems::default();
    let a = KeaAccess { password: password.map(Secret::new).or_else(|| a.password.clone()), ..a.clone() };
    let report = read_urls(&[Endpoint::parse(url)?], &a, &Link::new(Arc::new(Live)), &mut out, &mut problems)?;
    Ok((out, problems, report))
}

#[test]
fn pages_through_the_agent_until_a_short_page() {
    let (url, log) = kea(25, true, no_dhcp6_socket());
    let (leases, problems, report) = read(&url, &access(10), None).expect("read");
    assert_eq!(leases.len(), 25);
    assert!(problems.is_empty(), "{problems:?}");
    let seen = log.lock().expect("log").clone();
    // 10 + 10 + 5 (short page ends it), then one lease6 request.
    assert_eq!(seen.len(), 4, "{seen:?}");
    assert_eq!(seen[0].json()["arguments"]["from"], "start");
    assert_eq!(seen[0].json()["service"], json!(["dhcp4"]));
    assert_eq!(seen[1].json()["arguments"]["from"], "10.0.0.10");
    assert_eq!(seen[2].json()["arguments"]["from"], "10.0.0.20");
    assert_eq!(seen[3].json()["command"], "lease6-get-page");
    assert_eq!(seen[3].json()["service"], json!(["dhcp6"]));
    assert!(seen.iter().all(|s| s.authorization.is_none()));
    let note = report.render();
    assert!(note.contains("25 v4 lease(s)") && note.contains("no dhcp6 (the control agent has no dhcp6 socket)"), "{note}");

    let l = &leases[0];
    assert_eq!(l.ip, "10.0.0.1".parse::<IpAddr>().expect("ip"));
    assert_eq!(l.hostname.as_deref(), Some("host-0.corp.example.test."));
    assert_eq!(l.mac.as_deref(), Some("02:00:00:00:00:00"));
    assert_eq!(l.state, LeaseState::Active);
    assert_eq!(l.expires, DateTime::from_timestamp(1_800_003_600, 0));
    assert_eq!(l.duration, Some(TimeDelta::seconds(3600)));
    assert_eq!(l.scope(), Some("7"));
    assert_eq!(l.dns_registration(), Some("forward;reverse"));
    assert_eq!(leases[1].dns_registration(), Some("forward"));
    assert_eq!(&**l.source(), url.as_str());
    assert_eq!(l.line, 0);
}

#[test]
fn a_full_last_page_ends_with_result_3() {
    let (url, log) = kea(20, true, no_dhcp6_socket());
    let (leases, _, _) = read(&url, &access(10), None).expect("read");
    assert_eq!(leases.len(), 20);
    // 10, 10, then the empty page (result 3), then lease6.
    assert_eq!(log.lock().expect("log").len(), 4);
}

#[test]
fn direct_kea3_replies_are_single_objects() {
    let v6 = json!({"result": 2, "text": "'lease6-get-page' command not supported."});
    let (url, _) = kea(3, false, v6);
    let (leases, _, report) = read(&url, &access(1000), None).expect("read");
    assert_eq!(leases.len(), 3);
    assert!(report.render().contains("no dhcp6 (this endpoint does not answer lease6-get-page"), "{}", report.render());
}

#[test]
fn v6_leases_map_and_prefixes_are_skipped() {
    let v6 = json!({"result": 0, "text": "2 IPv6 lease(s) found.", "arguments": {"count": 2, "leases": [
        {"ip-address": "2001:db8::10", "duid": "00:01:00:01:2c:4d:1a:2b:00:15:5d:00:00:10", "iaid": 7, "type": "IA_NA",
         "hostname": "v6-host.corp.example.test", "valid-lft": 7200, "cltt": 1_800_000_000u64, "subnet-id": 3,
         "state": 0, "fqdn-fwd": false, "fqdn-rev": true, "preferred-lft": 3600, "prefix-len": 128},
        {"ip-address": "2001:db8:1::", "type": "IA_PD", "prefix-len": 56, "valid-lft": 7200, "cltt": 1_800_000_000u64, "subnet-id": 3, "state": 0}
    ]}});
    let (url, _) = kea(0, true, v6);
    let (leases, problems, report) = read(&url, &access(1000), None).expect("read");
    assert_eq!(leases.len(), 1);
    assert_eq!(leases[0].ip, "2001:db8::10".parse::<IpAddr>().expect("ip"));
    assert_eq!(leases[0].dns_registration(), Some("reverse"));
    assert_eq!(leases[0].mac, None);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems.list[0].reason, SkipReason::UnusedType);
    assert!(problems.list[0].detail.contains("2001:db8:1::"), "{:?}", problems.list[0]);
    let note = report.render();
    assert!(note.contains("0 v4 lease(s)") && note.contains("2 v6 lease(s)"), "{note}");
}

#[test]
fn bad_leases_are_problems_naming_the_lease() {
    let (url, _) = serve(|req| {
        if req["command"] == "lease6-get-page" {
            return (200, json!([no_dhcp6_socket()]).to_string());
        }
        let leases = json!([
            {"ip-address": "10.1.1.1", "valid-lft": 60, "cltt": 1_800_000_000u64, "state": 9},
            {"ip-address": "10.1.1.x", "valid-lft": 60, "cltt": 1_800_000_000u64},
            {"ip-address": "10.1.1.3", "cltt": 1_800_000_000u64},
            {"ip-address": "10.1.1.4", "valid-lft": 4_294_967_295u64, "cltt": 1_800_000_000u64, "hostname": ""}
        ]);
        (200, json!([{"result": 0, "text": "4", "arguments": {"count": 4, "leases": leases}}]).to_string())
    });
    let (leases, problems, _) = read(&url, &access(1000), None).expect("read");
    assert_eq!(leases.len(), 1);
    assert_eq!(leases[0].expires, None);
    assert_eq!(leases[0].hostname, None);
    let details: Vec<String> = problems.list.iter().map(|p| format!("{}|{}|{}", p.line, p.reason, p.detail)).collect();
    assert_eq!(details, vec![
        "0|malformed record|lease 10.1.1.1: unknown state 9".to_string(),
        "0|bad address|lease '10.1.1.x': not an IP address".to_string(),
        "0|bad time|lease 10.1.1.3: no numeric \"valid-lft\"".to_string(),
    ]);
}

#[test]
fn missing_lease_cmds_hook_is_named() {
    let (url, _) = serve(|req| {
        let cmd = req["command"].as_str().unwrap_or("").to_string();
        (200, json!([{"result": 2, "text": format!("'{cmd}' command not supported.")}]).to_string())
    });
    let e = read(&url, &access(1000), None).expect_err("must fail").to_string();
    assert!(e.contains("the lease_cmds hook is not loaded in the Kea dhcp4 server"), "{e}");
    assert!(e.contains("libdhcp_lease_cmds.so"), "{e}");
}

#[test]
fn direct_endpoint_without_the_hook_reads_nothing() {
    let (url, _) = serve(|req| {
        let cmd = req["command"].as_str().unwrap_or("").to_string();
        (200, json!({"result": 2, "text": format!("'{cmd}' command not supported.")}).to_string())
    });
    let e = read(&url, &access(1000), None).expect_err("must fail").to_string();
    assert!(e.contains("no lease could be read") && e.contains("lease_cmds"), "{e}");
}

#[test]
fn agent_that_reaches_no_server_is_an_error() {
    let (url, _) = serve(|req| {
        let svc = if req["command"] == "lease4-get-page" { "dhcp4" } else { "dhcp6" };
        let text = format!("unable to forward command to the {svc} service: No such file or directory. The server is likely to be offline");
        (200, json!([{"result": 1, "text": text}]).to_string())
    });
    let e = read(&url, &access(1000), None).expect_err("must fail").to_string();
    assert!(e.contains("no lease could be read") && e.contains("could not reach the dhcp4 server"), "{e}");
}

#[test]
fn other_error_results_quote_kea() {
    let (url, _) = serve(|_| (200, json!([{"result": 1, "text": "lease database is unavailable"}]).to_string()));
    let e = read(&url, &access(1000), None).expect_err("must fail").to_string();
    assert!(e.ends_with("lease4-get-page failed (Kea result 1): lease database is unavailable"), "{e}");
}

#[test]
fn kea_text_is_quoted_safely() {
    let (url, _) = serve(|_| (200, json!([{"result": 1, "text": format!("bad\u{1b}]0;pwned\u{7}\n{}", "y".repeat(300))}]).to_string()));
    let e = read(&url, &access(1000), None).expect_err("must fail").to_string();
    assert_eq!(e, format!("{url}: lease4-get-page failed (Kea result 1): bad\\u{{1b}}]0;pwned\\u{{7}} {}...", "y".repeat(186)));
}

#[test]
fn http_401_talks_about_credentials_and_basic_auth_is_sent() {
    let (url, log) = serve(|_| (401, "<html>Unauthorized</html>".to_string()));
    let e = read(&url, &access(1000), None).expect_err("must fail").to_string();
    assert!(e.contains("HTTP 401") && e.contains("--kea-user"), "{e}");

    let with_user = url.replace("http://", "http://kea-reader@");
    let e = read(&with_user, &access(1000), Some("s3cret")).expect_err("must fail").to_string();
    assert!(e.contains("HTTP 401") && e.contains("check the user"), "{e}");
    assert!(!e.contains("kea-reader@"), "credentials leak into the message: {e}");
    let seen = log.lock().expect("log").clone();
    // "kea-reader:s3cret"
    assert_eq!(seen[1].authorization.as_deref(), Some("Basic a2VhLXJlYWRlcjpzM2NyZXQ="));
}

#[test]
fn password_file_and_kea_user() {
    let (url, log) = kea(1, true, no_dhcp6_socket());
    let dir = tempfile::tempdir().expect("tmp");
    let pw = dir.path().join("kea.pass");
    std::fs::write(&pw, "fromfile\r\nignored\n").expect("write");
    // The settings read the password (the file wins over the environment: `crate::secret`).
    let password = crate::secret::read(Some(&pw), PASSWORD_ENV).expect("password");
    let a = KeaAccess { user: Some("admin".into()), password, ..access(1000) };
    let (leases, _, _) = read(&url, &a, None).expect("read");
    assert_eq!(leases.len(), 1);
    // "admin:fromfile"
    assert_eq!(log.lock().expect("log")[0].authorization.as_deref(), Some("Basic YWRtaW46ZnJvbWZpbGU="));
}

#[test]
fn other_http_status_and_non_json() {
    let (url, _) = serve(|_| (500, "{\"result\": 1, \"text\": \"internal\"}".to_string()));
    let e = read(&url, &access(1000), None).expect_err("must fail").to_string();
    assert_eq!(e, format!("{url}: HTTP 500: internal"));
    let (url, _) = serve(|_| (500, "<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n\t<body>oops</body></html>".to_string()));
    let e = read(&url, &access(1000), None).expect_err("must fail").to_string();
    assert_eq!(e, format!("{url}: HTTP 500: <html> <head><title>500 Internal Server Error</title></head> <body>oops</body></html>"));
    let (url, _) = serve(|_| (200, "hello".to_string()));
    let e = read(&url, &access(1000), None).expect_err("must fail").to_string();
    assert_eq!(e, format!("{url}: the Kea control endpoint answered garbage: not JSON (expected value at line 1 column 1): hello"));
    // Terminal escapes are shown escaped, and the excerpt is bounded.
    let (url, _) = serve(|_| (200, format!("\u{1b}[2J{}", "x".repeat(500))));
    let e = read(&url, &access(1000), None).expect_err("must fail").to_string();
    assert_eq!(e, format!("{url}: the Kea control endpoint answered garbage: not JSON (expected value at line 1 column 1): \\u{{1b}}[2J{}...", "x".repeat(196)));
    let (url, _) = serve(|_| (200, String::new()));
    let e = read(&url, &access(1000), None).expect_err("must fail").to_string();
    assert_eq!(e, format!("{url}: the Kea control endpoint answered garbage: not JSON (EOF while parsing a value at line 1 column 0): an empty body"));
}

#[test]
fn json_of_the_wrong_shape_is_garbage() {
    for (reply, detail) in [
        ("{\"foo\": 1}", "the reply has no numeric \"result\": {\"foo\":1}"),
        ("[1, 2]", "the reply array does not hold an object"),
        ("[]", "an empty reply array"),
        ("\"ok\"", "neither a JSON object nor an array"),
        ("{\"result\": 0, \"arguments\": {\"leases\": 5}}", "a successful reply without \"arguments.leases\""),
    ] {
        let (url, _) = serve(move |_| (200, reply.to_string()));
        let e = read(&url, &access(1000), None).expect_err("must fail").to_string();
        assert_eq!(e, format!("{url}: the Kea control endpoint answered garbage: {detail}"));
    }
}

/// A page of v4 leases for these addresses (full pages when `addrs.len()` is the limit).
fn page_of(addrs: &[&str]) -> String {
    let leases: Vec<Value> = addrs.iter().map(|a| json!({"ip-address": a, "valid-lft": 3600, "cltt": 1_800_000_000u64, "subnet-id": 1})).collect();
    json!([{"result": 0, "text": "leases", "arguments": {"count": leases.len(), "leases": leases}}]).to_string()
}

#[test]
fn a_repeated_page_stops_instead_of_looping() {
    // Every request answers the same full page, whatever "from" says.
    let (url, log) = serve(|_| (200, page_of(&["10.0.0.1", "10.0.0.2"])));
    let e = read(&url, &access(2), None).expect_err("must fail").to_string();
    assert_eq!(
        e,
        format!("{url}: lease4-get-page: paging does not advance: after 10.0.0.2 the endpoint answered 10.0.0.1, which comes before it; stopped (Kea pages in address order)")
    );
    assert_eq!(log.lock().expect("log").len(), 2);
    // A page that repeats only its last lease.
    let (url, _) = serve(|req| match req["arguments"]["from"].as_str() {
        Some("start") => (200, page_of(&["10.0.0.1", "10.0.0.2"])),
        _ => (200, page_of(&["10.0.0.2", "10.0.0.3"])),
    });
    let e = read(&url, &access(2), None).expect_err("must fail").to_string();
    assert!(e.ends_with("lease4-get-page: paging does not advance: after 10.0.0.2 the endpoint answered 10.0.0.2 again; stopped (Kea pages in address order)"), "{e}");
    // v6, addresses compared as addresses (not as text: "2001:db8::10" < "2001:db8::9" as text).
    let v6 = |addrs: &[&str]| {
        let leases: Vec<Value> = addrs.iter().map(|a| json!({"ip-address": a, "type": "IA_NA", "valid-lft": 3600, "cltt": 1_800_000_000u64})).collect();
        json!({"result": 0, "text": "x", "arguments": {"count": leases.len(), "leases": leases}}).to_string()
    };
    let (url, _) = serve(move |req| {
        if req["command"] == "lease4-get-page" {
            return (200, json!({"result": 3, "text": "0 IPv4 lease(s) found.", "arguments": {"leases": [], "count": 0}}).to_string());
        }
        match req["arguments"]["from"].as_str() {
            Some("start") => (200, v6(&["2001:db8::9", "2001:db8::10"])),
            Some("2001:db8::10") => (200, v6(&["2001:db8::11"])),
            _ => (200, v6(&["2001:db8::9", "2001:db8::10"])),
        }
    });
    let (leases, _, report) = read(&url, &access(2), None).expect("read");
    assert_eq!(leases.len(), 3);
    assert!(report.render().contains("0 v4 lease(s); 3 v6 lease(s)"), "{}", report.render());
    // A page that keeps coming back for v6.
    let (url, _) = serve(move |req| {
        if req["command"] == "lease4-get-page" {
            return (200, json!({"result": 3, "text": "0", "arguments": {"leases": [], "count": 0}}).to_string());
        }
        (200, v6(&["2001:db8::9", "2001:db8::10"]))
    });
    let e = read(&url, &access(2), None).expect_err("must fail").to_string();
    assert_eq!(
        e,
        format!("{url}: lease6-get-page: paging does not advance: after 2001:db8::10 the endpoint answered 2001:db8::9, which comes before it; stopped (Kea pages in address order)")
    );
}

#[test]
fn a_full_page_without_addresses_or_larger_than_asked_stops() {
    let (url, _) = serve(|_| (200, json!([{"result": 0, "text": "x", "arguments": {"count": 2, "leases": [{"hostname": "a"}, {"hostname": "b"}]}}]).to_string()));
    let e = read(&url, &access(2), None).expect_err("must fail").to_string();
    assert_eq!(
        e,
        format!("{url}: lease4-get-page: paging does not advance: a full page of 2 leases without a valid \"ip-address\" to continue from; stopped (Kea pages in address order)")
    );
    let (url, _) = serve(|_| (200, page_of(&["10.0.0.1", "10.0.0.2", "10.0.0.3"])));
    let e = read(&url, &access(2), None).expect_err("must fail").to_string();
    assert_eq!(e, format!("{url}: the Kea control endpoint answered garbage: lease4-get-page returned 3 leases, more than the 2 asked"));
}

#[test]
fn silent_closed_non_http_and_huge_replies_are_named() {
    let a = KeaAccess { timeout: Duration::from_secs(1), ..access(1000) };
    // Connected, never answers.
    let url = serve_raw(|s| {
        read_request(&mut BufReader::new(&s));
        std::thread::sleep(Duration::from_secs(3));
    });
    let e = read(&url, &a, None).expect_err("must fail").to_string();
    let host_port = url.trim_start_matches("http://").trim_end_matches('/');
    assert_eq!(e, format!("{url}: the Kea control endpoint at {host_port} timed out: no complete answer within 1 s"));
    // Not HTTP at all.
    let url = serve_raw(|mut s| {
        read_request(&mut BufReader::new(&s));
        let _ = s.write_all(b"SSH-2.0-OpenSSH_9.6\r\n");
    });
    let e = read(&url, &a, None).expect_err("must fail").to_string();
    assert!(e.starts_with(&format!("{url}: the Kea control endpoint answered garbage: not an HTTP reply (")), "{e}");
    // Closes the connection without a word.
    let url = serve_raw(|s| {
        read_request(&mut BufReader::new(&s));
        drop(s);
    });
    let e = read(&url, &a, None).expect_err("must fail").to_string();
    let host_port = url.trim_start_matches("http://").trim_end_matches('/');
    assert!(e.starts_with(&format!("{url}: the Kea control endpoint at {host_port} closed the connection before a complete answer (")), "{e}");
    // A reply bigger than the bound: stopped after MAX_REPLY_BYTES, not read to the end.
    let url = serve_raw(|mut s| {
        read_request(&mut BufReader::new(&s));
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n[");
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..1000 {
            if s.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    let e = read(&url, &KeaAccess { timeout: Duration::from_secs(20), ..a }, None).expect_err("must fail").to_string();
    assert_eq!(e, format!("{url}: the Kea control endpoint answered garbage: a reply larger than 16 MiB"));
}

#[test]
fn unreachable_names_host_and_port() {
    // Bind then drop: nothing listens on that port any more.
    let port = TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let e = read(&format!("http://127.0.0.1:{port}/"), &access(1000), None).expect_err("must fail").to_string();
    let expected = format!("http://127.0.0.1:{port}/: cannot reach the Kea control endpoint at 127.0.0.1:{port}: ");
    assert!(e.starts_with(&expected), "{e}");
    // The OS's words, once (not "io: ..." nor the error twice).
    if cfg!(target_os = "linux") {
        assert_eq!(e, format!("{expected}{}", std::io::Error::from_raw_os_error(111)), "{e}");
    }
}

#[test]
fn urls() {
    let e = Endpoint::parse("http://kea@10.77.0.2:8000/").expect("parse");
    assert_eq!(e.url, "http://10.77.0.2:8000/");
    assert_eq!(e.user.as_deref(), Some("kea"));
    assert_eq!(e.host_port, "10.77.0.2:8000");
    let e = Endpoint::parse("https://kea.corp.example.test").expect("parse");
    assert_eq!((e.url.as_str(), e.host_port.as_str(), e.https), ("https://kea.corp.example.test/", "kea.corp.example.test:443", true));
    let e = Endpoint::parse("http://[2001:db8::1]/api").expect("parse");
    assert_eq!(e.host_port, "[2001:db8::1]:80");
    let e = Endpoint::parse("http://d%40m@h:1/").expect("parse");
    assert_eq!(e.user.as_deref(), Some("d@m"));
    let err = Endpoint::parse("http://kea:hunter2@10.77.0.2:8000/").expect_err("password").to_string();
    assert!(err.contains("do not put the password in the URL") && !err.contains("hunter2"), "{err}");
    // A password with an unescaped `/` is still refused, and printed nowhere.
    let err = Endpoint::parse("http://kea:hun/ter2@10.77.0.2:8000/").expect_err("password").to_string();
    assert_eq!(err, "--kea-url http://10.77.0.2:8000/: do not put the password in the URL: use DDNS_AUDIT_KEA_PASSWORD or --kea-password-file");
    let err = Endpoint::parse("kea:hunter2@10.77.0.2:8000").expect_err("no scheme").to_string();
    assert_eq!(err, "--kea-url 10.77.0.2:8000: expected http://host:port/ or https://host:port/");
    assert!(Endpoint::parse("ftp://x/").is_err());
    assert!(Endpoint::parse("10.77.0.2:8000").is_err());
    // What the url crate refuses is said when the settings are read, not as a failed connection.
    let err = Endpoint::parse("http://kea1:80OO/").expect_err("port").to_string();
    assert_eq!(err, "--kea-url http://kea1:80OO/: not a URL (invalid port number)");
    let err = Endpoint::parse("http://kea 1:8000/").expect_err("space").to_string();
    assert_eq!(err, "--kea-url http://kea 1:8000/: not a URL (invalid international domain name)");
    // What is shown keeps the user's spelling, without the user.
    let e = Endpoint::parse(" http://kea@Kea1.Corp:8000/api ").expect("parse");
    assert_eq!((e.given.as_str(), e.url.as_str()), ("http://Kea1.Corp:8000/api", "http://Kea1.Corp:8000/api"));
}

#[test]
fn ca_file_must_hold_a_certificate() {
    let dir = tempfile::tempdir().expect("tmp");
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, "not a certificate\n").expect("write");
    let a = KeaAccess { ca_file: Some(ca), ..access(1000) };
    let e = read("https://127.0.0.1:1/", &a, None).expect_err("must fail").to_string();
    assert!(e.starts_with("--ca-file") && e.contains("no CERTIFICATE"), "{e}");
}
