//! Progress through the binary: a Kea endpoint on loopback that pages slowly; the run shows
//! "leases read" on a terminal (a pseudo-terminal made by `script`, util-linux/bsdutils) and
//! nothing when stderr is a pipe (docs/scheduled.md "Progress").
#![cfg(unix)] // script(1) makes the pseudo-terminal
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns unwrap too

mod util;

use std::process::Command;
use std::time::Duration;

use util::{ddns_audit, scratch};

/// A Kea control agent on loopback: 1000 v4 leases on the first page, 500 on the second, no
/// v6 leases, no `config-get`; every reply 300 ms late (a spinner ticks every 100 ms).
fn slow_kea() -> String {
    let (url, _) = util::http::serve(|request| {
        std::thread::sleep(Duration::from_millis(300));
        util::http::reply(200, &answer(&request.body))
    });
    url
}

fn answer(request: &str) -> String {
    let leases = |range: std::ops::Range<u32>| -> String {
        let v: Vec<String> = range
            .map(|i| format!(r#"{{"ip-address": "10.1.{}.{}", "valid-lft": 3600, "cltt": 1800000000, "state": 0, "subnet-id": 1, "hostname": "h{i}"}}"#, i / 200, i % 200 + 1))
            .collect();
        v.join(",")
    };
    if request.contains("lease4-get-page") {
        let page = if request.contains(r#""from":"start""#) { 0..1000 } else { 1000..1500 };
        let n = page.len();
        format!(r#"[{{"result": 0, "text": "{n} IPv4 lease(s) found.", "arguments": {{"count": {n}, "leases": [{}]}}}}]"#, leases(page))
    } else if request.contains("lease6-get-page") {
        r#"[{"result": 3, "text": "0 IPv6 lease(s) found."}]"#.to_string()
    } else {
        r#"[{"result": 2, "text": "'config-get' command not supported."}]"#.to_string()
    }
}

const AS_OF: &str = "2027-01-15T08:00:00Z";

#[test]
fn no_progress_text_when_stderr_is_not_a_terminal() {
    let url = slow_kea();
    let d = scratch();
    let r = ddns_audit(&["audit", "--no-dns", "--kea-url", &url, "--as-of", AS_OF, "--output", "out.csv"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains(&format!("ddns-audit: kea: {url}: 1500 v4 lease(s); 0 v6 lease(s)\n")), "{}", r.stderr);
    assert!(!r.stderr.contains("leases read"), "{}", r.stderr);
    // No terminal control sequences (a spinner's redraws) either.
    assert!(!r.stderr.contains('\u{1b}') && !r.stderr.contains('\r'), "{:?}", r.stderr);
}

#[test]
fn a_terminal_shows_the_leases_read_per_endpoint() {
    let url = slow_kea();
    let d = scratch();
    let bin = env!("CARGO_BIN_EXE_ddns-audit");
    // `script` runs the command on a new pseudo-terminal (stdin, stdout and stderr) and copies
    // what it draws to our stdout; -e returns the command's exit code.
    let cmd = format!("{bin} audit --no-dns --kea-url {url} --as-of {AS_OF} --output out.csv");
    let out = Command::new("script")
        .args(["-qfec", &cmd, "/dev/null"])
        .current_dir(d.path())
        .env("TERM", "xterm")
        .env_remove("DDNS_AUDIT_KEA_PASSWORD")
        .output()
        .expect("run script(1) from util-linux (bsdutils): it makes the pseudo-terminal");
    let seen = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{seen}");
    // The first page's count while the second is awaited, then the total while v6 is asked.
    assert!(seen.contains(&format!("Kea {url}: 1,000 leases read (dhcp4)")), "{seen:?}");
    assert!(seen.contains(&format!("Kea {url}: 1,500 leases read (dhcp6)")), "{seen:?}");
    // The line is cleared; the summary says the same.
    assert!(seen.contains(&format!("ddns-audit: kea: {url}: 1500 v4 lease(s); 0 v6 lease(s)")), "{seen:?}");
}

/// Runs ddns-audit on a pseudo-terminal made by `script`; what it drew, and its exit code.
fn on_a_terminal(args: &[&str], cwd: &std::path::Path) -> (String, Option<i32>) {
    let bin = env!("CARGO_BIN_EXE_ddns-audit");
    let cmd = std::iter::once(bin).chain(args.iter().copied()).collect::<Vec<_>>().join(" ");
    let out = Command::new("script")
        .args(["-qfec", &cmd, "/dev/null"])
        .current_dir(cwd)
        .env("TERM", "xterm")
        .output()
        .expect("run script(1) from util-linux (bsdutils): it makes the pseudo-terminal");
    (String::from_utf8_lossy(&out.stdout).into_owned(), out.status.code())
}

#[test]
fn the_dns_phase_draws_its_bar_on_a_terminal_only() {
    // A DNS server on loopback that never answers: each query waits out --timeout, and the run
    // stops (exit 2) once none of its queries was answered.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let server = silent.local_addr().unwrap().to_string();
    let d = scratch();
    std::fs::write(
        d.path().join("leases.csv"),
        "\"IPAddress\",\"ScopeId\",\"AddressState\",\"ClientId\",\"HostName\",\"LeaseExpiryTime\"\r\n\"10.0.16.21\",\"10.0.16.0\",\"Active\",\"00-15-5d-01-02-03\",\"pc1.corp.example.test\",\"2027-01-16T00:00:00Z\"\r\n",
    )
    .unwrap();
    let args = ["audit", "--leases", "leases.csv", "--dns-server", &server, "--timeout", "400ms", "--retries", "1", "--as-of", AS_OF, "--output", "out.csv"];
    let (seen, code) = on_a_terminal(&args, d.path());
    assert_eq!(code, Some(2), "{seen}");
    // A, AAAA and PTR for the one lease.
    assert!(seen.contains("DNS ") && seen.contains(" 0/3 queries, ") && seen.contains(" timeouts, "), "{seen:?}");
    let r = ddns_audit(&args, d.path());
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stderr, format!("ddns-audit: error: live DNS: no DNS server answered any of 6 queries ({server}): check --dns-server, the port and the firewall\n"));
}
