//! Live DNS (`--dns-server`) end to end: the binary against a fake DNS server in this test
//! (SERVFAIL, silence, truncation with and without a working TCP answer) and, for the tests
//! marked ignored, against the real NSD that `tests/lab/nsd.sh up` starts (`tests/run.sh`
//! does), directly and through a UDP relay that drops 30% of the datagrams each way.
//! The NSD tests fail, not skip, when NSD is not answering.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns unwrap too

mod util;

use std::fs;
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use util::{csv_rows, ddns_audit, scratch};

const FAR: u64 = 4_102_444_800; // 2100-01-01: leases that have not expired

/// A dnsmasq lease file: (ip, hostname) per lease.
fn leases(dir: &std::path::Path, hosts: &[(&str, &str)]) -> String {
    let text: String = hosts.iter().enumerate().map(|(i, (ip, h))| format!("{FAR} 02:00:00:00:00:{i:02x} {ip} {h} *\n")).collect();
    let p = dir.join("dnsmasq.leases");
    fs::write(&p, text).unwrap();
    p.display().to_string()
}

/// The report's key columns: status, ip, fqdn, a_status, a_records, ptr_status, ptr_records,
/// record_kind, scavenging_risk.
fn key_rows(stdout: &str) -> Vec<String> {
    csv_rows(stdout).iter().skip(1).map(|r| [0, 1, 3, 8, 9, 10, 11, 12, 15].iter().map(|&i| r[i].as_str()).collect::<Vec<_>>().join(",")).collect()
}

fn nsd() -> String {
    std::env::var("DDNS_AUDIT_NSD").unwrap_or_else(|_| "127.0.0.1:53530".into())
}

fn nsd_stale() -> String {
    let a: SocketAddr = nsd().parse().expect("DDNS_AUDIT_NSD is ADDR:PORT");
    SocketAddr::new(a.ip(), a.port() + 1).to_string()
}

/// Panics (the test fails) unless NSD answers pc1.live.example.test.
fn require_nsd(server: &str) {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
    let q = query_bytes(0x4242, "pc1.live.example.test", 1);
    for _ in 0..3 {
        s.send_to(&q, server).unwrap();
        let mut buf = [0u8; 512];
        if let Ok((n, _)) = s.recv_from(&mut buf)
            && n > 12
            && buf[..2] == [0x42, 0x42]
        {
            return;
        }
    }
    panic!("NSD is not answering on {server}: run tests/lab/nsd.sh up (tests/run.sh does)");
}

fn query_bytes(id: u16, name: &str, qtype: u16) -> Vec<u8> {
    let mut q = id.to_be_bytes().to_vec();
    q.extend_from_slice(&[0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
    for l in name.split('.') {
        q.push(l.len() as u8);
        q.extend_from_slice(l.as_bytes());
    }
    q.extend_from_slice(&[0, (qtype >> 8) as u8, qtype as u8, 0, 1]);
    q
}

// ---- a fake DNS server ----

/// What the fake server does for a name (first label decides; reverse names by last octet).
#[derive(Clone, Copy, PartialEq, Debug)]
enum Act {
    ServFail,
    Silent,
    /// TC over UDP; the TCP connection is closed without an answer.
    TcFail,
    /// TC over UDP; the answer over TCP.
    TcOk,
    NxDomain,
    /// Hostile: `other.example A 10.9.9.9` for any question.
    OtherName,
    /// Hostile: a TXT record at the question's name.
    Txt,
    /// Hostile: an A record at the question's name, class CH.
    Chaos,
    /// Hostile: name CNAME loopb.fake.test, loopb.fake.test CNAME name.
    Loop,
    /// Hostile: NXDOMAIN with `other.example A 10.9.9.9` in the answer.
    NxJunk,
    /// Hostile: the answer `other.example A 10.9.9.9` to the question other.example.
    WrongQuestion,
    /// A UTF-8 name as Windows DNS holds it: `café-pc.fake.test A 10.0.16.70` (owner written
    /// out, not compressed), no AAAA; PTR of .70 and .71 -> `café-pc.fake.test`. Any other
    /// case of the name (`CAFÉ-PC`) is NXDOMAIN: this server compares non-ASCII byte-exact.
    Utf8,
}

fn act_for(name: &str) -> Act {
    let first = name.split('.').next().unwrap_or("");
    match first {
        "servfail" | "61" => Act::ServFail,
        "silent" | "62" => Act::Silent,
        "tc" | "63" => Act::TcFail,
        "tcpok" | "60" => Act::TcOk,
        "othername" | "64" => Act::OtherName,
        "txt" | "65" => Act::Txt,
        "chaos" | "66" => Act::Chaos,
        "loop" | "67" => Act::Loop,
        "nxjunk" | "68" => Act::NxJunk,
        "wrongq" | "69" => Act::WrongQuestion,
        "café-pc" | "70" | "71" => Act::Utf8,
        _ => Act::NxDomain,
    }
}

/// (qname lowercase without dot, qtype, end of question) of a query.
fn parse_question(q: &[u8]) -> Option<(String, u16, usize)> {
    let mut i = 12;
    let mut labels = Vec::new();
    loop {
        let len = *q.get(i)? as usize;
        i += 1;
        if len == 0 {
            break;
        }
        labels.push(String::from_utf8_lossy(q.get(i..i + len)?).to_ascii_lowercase());
        i += len;
    }
    let qtype = u16::from_be_bytes([*q.get(i)?, *q.get(i + 1)?]);
    Some((labels.join("."), qtype, i + 4))
}

/// The response to `q`: header flags, the question, and for `with_answer` the record of
/// tcpok (A 10.0.16.60; PTR tcpok.fake.test; nothing for AAAA: NODATA).
fn response(q: &[u8], rcode: u8, tc: bool, with_answer: bool) -> Option<Vec<u8>> {
    let (_, qtype, end) = parse_question(q)?;
    let mut r = q[..2].to_vec();
    r.push(0x84 | if tc { 0x02 } else { 0 } | (q[2] & 0x01));
    r.push(rcode);
    let mut answer = Vec::new();
    if with_answer {
        match qtype {
            1 => answer.extend_from_slice(&[0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 16, 60]),
            12 => {
                let target = b"\x05tcpok\x04fake\x04test\x00";
                answer.extend_from_slice(&[0xC0, 0x0C, 0, 12, 0, 1, 0, 0, 0, 60, 0, target.len() as u8]);
                answer.extend_from_slice(target);
            }
            _ => {}
        }
    }
    let ancount: u16 = if answer.is_empty() { 0 } else { 1 };
    r.extend_from_slice(&[0, 1]);
    r.extend_from_slice(&ancount.to_be_bytes());
    r.extend_from_slice(&[0, 0, 0, 0]);
    r.extend_from_slice(&q[12..end]);
    r.extend_from_slice(&answer);
    Some(r)
}

fn wire_name(name: &str) -> Vec<u8> {
    let mut w = Vec::new();
    for l in name.split('.') {
        w.push(l.len() as u8);
        w.extend_from_slice(l.as_bytes());
    }
    w.push(0);
    w
}

/// A record: owner (wire), type, class, TTL 60, rdata.
fn record(owner: &[u8], rtype: u16, class: u16, rdata: &[u8]) -> Vec<u8> {
    let mut r = owner.to_vec();
    r.extend_from_slice(&rtype.to_be_bytes());
    r.extend_from_slice(&class.to_be_bytes());
    r.extend_from_slice(&[0, 0, 0, 60]);
    r.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
    r.extend_from_slice(rdata);
    r
}

/// The reply of a hostile server: answer records that do not answer the question.
fn hostile(q: &[u8], act: Act) -> Option<Vec<u8>> {
    const QNAME: [u8; 2] = [0xC0, 0x0C];
    let (_, _, end) = parse_question(q)?;
    let other = record(&wire_name("other.example"), 1, 1, &[10, 9, 9, 9]);
    let loopb = wire_name("loopb.fake.test");
    let (rcode, answers) = match act {
        Act::OtherName => (0, vec![other]),
        Act::Txt => (0, vec![record(&QNAME, 16, 1, b"\x05hello")]),
        Act::Chaos => (0, vec![record(&QNAME, 1, 3, &[10, 0, 16, 66])]),
        Act::Loop => (0, vec![record(&QNAME, 5, 1, &loopb), record(&loopb, 5, 1, &QNAME)]),
        Act::NxJunk => (3, vec![other.clone()]),
        Act::WrongQuestion => (0, vec![other]),
        Act::Utf8 => {
            let (qname, qtype, _) = parse_question(q)?;
            let cafe = wire_name("café-pc.fake.test");
            match qtype {
                1 if qname == "café-pc.fake.test" => (0, vec![record(&cafe, 1, 1, &[10, 0, 16, 70])]),
                12 => (0, vec![record(&QNAME, 12, 1, &cafe)]),
                _ => (0, vec![]),
            }
        }
        _ => return None,
    };
    let mut r = q[..2].to_vec();
    r.push(0x84 | (q[2] & 0x01));
    r.push(rcode);
    r.extend_from_slice(&[0, 1]);
    r.extend_from_slice(&(answers.len() as u16).to_be_bytes());
    r.extend_from_slice(&[0, 0, 0, 0]);
    if act == Act::WrongQuestion {
        r.extend_from_slice(&wire_name("other.example"));
        r.extend_from_slice(&q[end - 4..end]);
    } else {
        r.extend_from_slice(&q[12..end]);
    }
    for a in answers {
        r.extend_from_slice(&a);
    }
    Some(r)
}

struct Fake {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// Starts the fake server on a UDP and a TCP socket of the same port. `everything_silent`:
/// never answer anything (a dead server).
fn fake_server(everything_silent: bool) -> Fake {
    let (udp, tcp) = loop {
        let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = udp.local_addr().unwrap().port();
        if let Ok(tcp) = TcpListener::bind(("127.0.0.1", port)) {
            break (udp, tcp);
        }
    };
    let addr = udp.local_addr().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    udp.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    let s1 = Arc::clone(&stop);
    thread::spawn(move || {
        let mut buf = [0u8; 1500];
        while !s1.load(Ordering::SeqCst) {
            let Ok((n, from)) = udp.recv_from(&mut buf) else { continue };
            let q = &buf[..n];
            let Some((name, _, _)) = parse_question(q) else { continue };
            if everything_silent {
                continue;
            }
            let r = match act_for(&name) {
                Act::Silent => None,
                Act::ServFail => response(q, 2, false, false),
                Act::TcFail | Act::TcOk => response(q, 0, true, false),
                Act::NxDomain => response(q, 3, false, false),
                hostile_act => hostile(q, hostile_act),
            };
            if let Some(r) = r {
                let _ = udp.send_to(&r, from);
            }
        }
    });
    tcp.set_nonblocking(true).unwrap();
    let s2 = Arc::clone(&stop);
    thread::spawn(move || {
        use std::io::{Read, Write};
        while !s2.load(Ordering::SeqCst) {
            let Ok((mut conn, _)) = tcp.accept() else {
                thread::sleep(Duration::from_millis(5));
                continue;
            };
            let _ = conn.set_nonblocking(false);
            let _ = conn.set_read_timeout(Some(Duration::from_secs(1)));
            let mut len = [0u8; 2];
            if conn.read_exact(&mut len).is_err() {
                continue;
            }
            let mut q = vec![0u8; u16::from_be_bytes(len) as usize];
            if conn.read_exact(&mut q).is_err() {
                continue;
            }
            let Some((name, _, _)) = parse_question(&q) else { continue };
            if act_for(&name) != Act::TcOk {
                continue; // closed without an answer
            }
            if let Some(r) = response(&q, 0, false, true) {
                let mut out = (r.len() as u16).to_be_bytes().to_vec();
                out.extend_from_slice(&r);
                let _ = conn.write_all(&out);
            }
        }
    });
    Fake { addr, stop }
}

#[test]
fn errors_are_unknown_never_missing_and_tcp_fallback_works() {
    let fake = fake_server(false);
    let d = scratch();
    let l = leases(d.path(), &[("10.0.16.60", "tcpok"), ("10.0.16.61", "servfail"), ("10.0.16.62", "silent"), ("10.0.16.63", "tc")]);
    let server = fake.addr.to_string();
    let r = ddns_audit(
        &["audit", "--leases", &l, "--domain", "fake.test", "--dns-server", &server, "--timeout", "200ms", "--retries", "1", "--as-of", "2026-11-24T00:00:00Z", "--all", "--output", "-"],
        d.path(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        key_rows(&r.stdout),
        [
            "ok,10.0.16.60,tcpok.fake.test,ok,10.0.16.60,ok,tcpok.fake.test,unknown,unknown",
            "unknown,10.0.16.61,servfail.fake.test,unknown,,unknown,,,",
            "unknown,10.0.16.62,silent.fake.test,unknown,,unknown,,,",
            "unknown,10.0.16.63,tc.fake.test,unknown,,unknown,,,",
        ]
    );
    let rows = csv_rows(&r.stdout);
    assert!(rows[2][20].contains("SERVFAIL"), "{}", rows[2][20]);
    assert!(rows[3][20].contains("timeout"), "{}", rows[3][20]);
    assert!(r.stderr.contains("live DNS: 12 questions"), "{}", r.stderr);
    assert!(r.stderr.contains("live DNS answers: records 2, NXDOMAIN 0, NODATA 1, failed 9"), "{}", r.stderr);
    assert!(r.stderr.contains("SERVFAIL 3, timeout 3, truncated+TCP failed 3"), "{}", r.stderr);
    // silent: 3 questions x 2 attempts time out.
    assert!(r.stderr.contains("(timeouts 6, retries 3, TCP fallbacks 6,"), "{}", r.stderr);
    assert!(r.stderr.contains("status: missing 0, stale 0, at-risk 0, unknown 3, ok 1"), "{}", r.stderr);
}

#[test]
fn answers_for_another_name_type_or_class_are_unknown_never_missing() {
    let fake = fake_server(false);
    let d = scratch();
    let l = leases(
        d.path(),
        &[("10.0.16.64", "othername"), ("10.0.16.65", "txt"), ("10.0.16.66", "chaos"), ("10.0.16.67", "loop"), ("10.0.16.68", "nxjunk"), ("10.0.16.69", "wrongq")],
    );
    let server = fake.addr.to_string();
    let r = ddns_audit(
        &["audit", "--leases", &l, "--domain", "fake.test", "--dns-server", &server, "--timeout", "200ms", "--retries", "1", "--as-of", "2026-11-24T00:00:00Z", "--all", "--output", "-"],
        d.path(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        key_rows(&r.stdout),
        [
            "unknown,10.0.16.64,othername.fake.test,unknown,,unknown,,,",
            "unknown,10.0.16.65,txt.fake.test,unknown,,unknown,,,",
            "unknown,10.0.16.66,chaos.fake.test,unknown,,unknown,,,",
            "unknown,10.0.16.67,loop.fake.test,unknown,,unknown,,,",
            "unknown,10.0.16.68,nxjunk.fake.test,unknown,,unknown,,,",
            // A reply to another question is dropped: the query times out.
            "unknown,10.0.16.69,wrongq.fake.test,unknown,,unknown,,,",
        ]
    );
    let rows = csv_rows(&r.stdout);
    assert!(rows[1][20].contains("malformed answer: no record answers othername.fake.test A (answer: other.example A)"), "{}", rows[1][20]);
    assert!(rows[2][20].contains("malformed answer: no record answers txt.fake.test A (answer: txt.fake.test TXT)"), "{}", rows[2][20]);
    assert!(rows[3][20].contains("malformed answer: no record answers chaos.fake.test A (answer: chaos.fake.test CH A)"), "{}", rows[3][20]);
    assert!(rows[4][20].contains("malformed answer: CNAME loop at loop.fake.test"), "{}", rows[4][20]);
    assert!(rows[5][20].contains("malformed answer: NXDOMAIN with records that do not answer the question (answer: other.example A)"), "{}", rows[5][20]);
    assert!(rows[6][20].contains("timeout"), "{}", rows[6][20]);
    // 18 questions, each asked twice (--retries 1): never NODATA or NXDOMAIN.
    assert!(r.stderr.contains("live DNS answers: records 0, NXDOMAIN 0, NODATA 0, failed 18"), "{}", r.stderr);
    assert!(r.stderr.contains("live DNS errors: 18 (timeouts 6, retries 18, TCP fallbacks 0, dropped responses 6): malformed answer 15, timeout 3"), "{}", r.stderr);
    assert!(r.stderr.contains("status: missing 0, stale 0, at-risk 0, unknown 6, ok 0"), "{}", r.stderr);
}

#[test]
fn a_server_that_never_answers_is_exit_two() {
    let fake = fake_server(true);
    let d = scratch();
    let l = leases(d.path(), &[("10.0.16.21", "pc1")]);
    let server = fake.addr.to_string();
    let r = ddns_audit(&["audit", "--leases", &l, "--domain", "x.test", "--dns-server", &server, "--timeout", "100ms", "--retries", "0", "--output", "-"], d.path());
    assert_eq!(r.code, 2, "{}", r.stderr);
    // Said once (the error chain used to repeat it).
    assert_eq!(
        r.stderr,
        format!("ddns-audit: error: live DNS: no DNS server answered any of 3 queries ({server}): check --dns-server, the port and the firewall\n")
    );
    // The report is written while resolution goes on (issue #13), yet a failed run writes
    // no row: not on stdout, and an earlier report file is left as it was, without a temp file.
    assert_eq!(r.stdout, "");
    let report = d.path().join("report.csv");
    fs::write(&report, "the previous report\n").unwrap();
    let out = report.display().to_string();
    let r = ddns_audit(&["audit", "--leases", &l, "--domain", "x.test", "--dns-server", &server, "--timeout", "100ms", "--retries", "0", "--output", &out], d.path());
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(fs::read_to_string(&report).unwrap(), "the previous report\n");
    let mut names: Vec<String> = fs::read_dir(d.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn compare_servers_needs_two() {
    let d = scratch();
    let l = leases(d.path(), &[("10.0.16.21", "pc1")]);
    let r = ddns_audit(&["audit", "--leases", &l, "--dns-server", "127.0.0.1:9", "--compare-servers", "--output", "-"], d.path());
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--compare-servers: needs at least two --dns-server"), "{}", r.stderr);
}

const LAB_HOSTS: &[(&str, &str)] = &[
    ("10.0.16.21", "pc1"),
    ("10.0.16.22", "v6only"),
    ("10.0.16.23", "gone"),
    ("10.0.16.24", "alias"),
    ("10.0.16.25", "multi"),
    ("10.0.16.26", "moved"),
    ("10.0.16.27", "wrongptr"),
    ("10.0.16.28", "Both"),
    ("10.0.16.30", "outside"),
    ("10.0.17.5", "host.notserved.test"),
];

#[test]
#[ignore = "needs the lab: tests/run.sh starts it"]
fn every_outcome_against_nsd() {
    let server = nsd();
    require_nsd(&server);
    let d = scratch();
    let l = leases(d.path(), LAB_HOSTS);
    let r = ddns_audit(
        &["audit", "--leases", &l, "--domain", "live.example.test", "--dns-server", &server, "--as-of", "2026-11-24T00:00:00Z", "--all", "--output", "-"],
        d.path(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        key_rows(&r.stdout),
        [
            "ok,10.0.16.21,pc1.live.example.test,ok,10.0.16.21,ok,pc1.live.example.test,unknown,unknown",
            // A is NODATA (AAAA only): missing, with the AAAA listed.
            "missing,10.0.16.22,v6only.live.example.test,missing,fd00:16::22,ok,v6only.live.example.test,unknown,unknown",
            // NXDOMAIN both ways.
            "missing,10.0.16.23,gone.live.example.test,missing,,missing,,,",
            // CNAME chain alias -> www -> pc4.
            "ok,10.0.16.24,alias.live.example.test,ok,10.0.16.24,ok,alias.live.example.test,unknown,unknown",
            "stale,10.0.16.25,multi.live.example.test,extra,10.0.16.25;10.0.16.99,ok,multi.live.example.test,unknown,unknown",
            "stale,10.0.16.26,moved.live.example.test,mismatch,10.0.16.50,ok,moved.live.example.test,unknown,unknown",
            "stale,10.0.16.27,wrongptr.live.example.test,ok,10.0.16.27,mismatch,other.live.example.test,unknown,unknown",
            // Mixed-case PTR target, A and AAAA.
            "ok,10.0.16.28,both.live.example.test,ok,10.0.16.28;fd00:16::28,ok,both.live.example.test,unknown,unknown",
            // A CNAME out of the server's zones, not followed: unknown; no PTR: missing.
            "missing,10.0.16.30,outside.live.example.test,unknown,,missing,,,",
            // Zones NSD does not serve: REFUSED.
            "unknown,10.0.17.5,host.notserved.test,unknown,,unknown,,,",
        ]
    );
    assert!(r.stderr.contains("live DNS answers: records 15, NXDOMAIN 4, NODATA 6, failed 5"), "{}", r.stderr);
    assert!(r.stderr.contains("REFUSED 3"), "{}", r.stderr);
    let rows = csv_rows(&r.stdout);
    assert!(rows[10][20].contains("REFUSED"), "{}", rows[10][20]);
}

#[test]
#[ignore = "needs the lab: tests/run.sh starts it"]
fn a_dead_first_server_fails_over_to_the_next() {
    let server = nsd();
    require_nsd(&server);
    let dead = fake_server(true);
    let dead = dead.addr.to_string();
    let d = scratch();
    let l = leases(d.path(), &LAB_HOSTS[..2]);
    let r = ddns_audit(
        &["audit", "--leases", &l, "--domain", "live.example.test", "--dns-server", &dead, "--dns-server", &server, "--timeout", "100ms", "--retries", "1", "--all", "--output", "-"],
        d.path(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = key_rows(&r.stdout);
    assert!(rows[0].starts_with("ok,10.0.16.21,"), "{rows:?}");
    assert!(rows[1].starts_with("missing,10.0.16.22,v6only.live.example.test,missing,fd00:16::22,ok"), "{rows:?}");
    // 6 questions x 2 attempts at the dead server, then the next server.
    assert!(r.stderr.contains("(timeouts 12, retries 12,"), "{}", r.stderr);
}

#[test]
#[ignore = "needs the lab: tests/run.sh starts it"]
fn compare_servers_reports_a_lagging_server() {
    let server = nsd();
    require_nsd(&server);
    let stale = nsd_stale();
    require_nsd(&stale);
    let d = scratch();
    let l = leases(d.path(), LAB_HOSTS);
    let r = ddns_audit(
        &["audit", "--leases", &l, "--domain", "live.example.test", "--dns-server", &server, "--dns-server", &stale, "--compare-servers", "--all", "--output", "-"],
        d.path(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("DNS disagreements between servers: 2 (moved.live.example.test, pc1.live.example.test)"), "{}", r.stderr);
    let rows = csv_rows(&r.stdout);
    let pc1 = rows.iter().find(|r| r[3] == "pc1.live.example.test").unwrap();
    assert_eq!(pc1[0], "ok", "the first server's answer decides");
    assert_eq!(
        pc1[20],
        format!("dns_disagreement: the DNS servers answer differently for pc1.live.example.test ({server}: 10.0.16.21; {stale}: NXDOMAIN | {server}: NODATA; {stale}: NXDOMAIN): check replication or a stale DC")
    );
    let moved = rows.iter().find(|r| r[3] == "moved.live.example.test").unwrap();
    assert!(moved[20].contains(&format!("dns_disagreement: the DNS servers answer differently ({server}: 10.0.16.50; {stale}: 10.0.16.26)")), "{}", moved[20]);
    // 10 names x 2 types + 10 addresses, at both servers.
    assert!(r.stderr.contains("live DNS: 60 questions"), "{}", r.stderr);
}

/// A UDP relay between the client and `upstream` that drops `percent` of the datagrams in
/// each direction (deterministically).
fn lossy_relay(upstream: SocketAddr, percent: u64) -> Fake {
    let front = UdpSocket::bind("127.0.0.1:0").unwrap();
    let back = UdpSocket::bind("127.0.0.1:0").unwrap();
    back.connect(upstream).unwrap();
    let addr = front.local_addr().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    front.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
    back.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
    let client: Arc<std::sync::Mutex<Option<SocketAddr>>> = Arc::default();
    let drop_it = move |state: &mut u64| {
        // xorshift64
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state % 100 < percent
    };
    {
        let (front, back, stop, client) = (front.try_clone().unwrap(), back.try_clone().unwrap(), Arc::clone(&stop), Arc::clone(&client));
        thread::spawn(move || {
            let mut st = 0x9E37_79B9_7F4A_7C15u64;
            let mut buf = [0u8; 4096];
            while !stop.load(Ordering::SeqCst) {
                let Ok((n, from)) = front.recv_from(&mut buf) else { continue };
                *client.lock().unwrap() = Some(from);
                if !drop_it(&mut st) {
                    let _ = back.send(&buf[..n]);
                }
            }
        });
    }
    {
        let stop = Arc::clone(&stop);
        thread::spawn(move || {
            let mut st = 0x2545_F491_4F6C_DD1Du64;
            let mut buf = [0u8; 4096];
            while !stop.load(Ordering::SeqCst) {
                let Ok(n) = back.recv(&mut buf) else { continue };
                let to = *client.lock().unwrap();
                if let Some(to) = to
                    && !drop_it(&mut st)
                {
                    let _ = front.send_to(&buf[..n], to);
                }
            }
        });
    }
    Fake { addr, stop }
}

#[test]
#[ignore = "needs the lab: tests/run.sh starts it"]
fn thirty_percent_loss_gives_unknown_never_missing() {
    let server = nsd();
    require_nsd(&server);
    let relay = lossy_relay(server.parse().unwrap(), 30);
    let relay = relay.addr.to_string();
    let d = scratch();
    let hosts: Vec<(String, String)> = (0..200).map(|i| (format!("10.0.20.{i}"), format!("h{i:03}"))).collect();
    let hosts: Vec<(&str, &str)> = hosts.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let l = leases(d.path(), &hosts);
    let run = |retries: &str| {
        ddns_audit(
            &["audit", "--leases", &l, "--domain", "live.example.test", "--dns-server", &relay, "--timeout", "100ms", "--retries", retries, "--qps", "5000", "--all", "--output", "-"],
            d.path(),
        )
    };
    // Few retries: some questions fail; each such host is unknown, none is missing.
    let r = run("1");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv_rows(&r.stdout);
    assert_eq!(rows.len(), 201);
    let unknown = rows.iter().skip(1).filter(|r| r[0] == "unknown").count();
    for row in rows.iter().skip(1) {
        assert!(row[0] == "ok" || row[0] == "unknown", "{row:?}");
        assert!(row[8] == "ok" || row[8] == "unknown", "{row:?}");
        assert!(row[10] == "ok" || row[10] == "unknown", "{row:?}");
    }
    assert!(unknown > 0, "with 1 retry at 51% loss per attempt some lookups must fail");
    assert!(r.stderr.contains(&format!("status: missing 0, stale 0, at-risk 0, unknown {unknown}, ok {}", 200 - unknown)), "{}", r.stderr);
    assert!(r.stderr.contains("timeout "), "{}", r.stderr);
    // The AAAA questions are NODATA whenever they get through: never NXDOMAIN.
    assert!(r.stderr.contains("NXDOMAIN 0,"), "{}", r.stderr);

    // Enough retries: a question fails with (0.51)^21 < 1e-6, so all 600 questions resolve
    // with overwhelming odds (8 retries, 0.51^9 ~ 0.2%, failed a few questions in CI).
    let r = run("20");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv_rows(&r.stdout);
    let missing = rows.iter().skip(1).filter(|r| r[0] == "missing").count();
    let ok = rows.iter().skip(1).filter(|r| r[0] == "ok").count();
    assert_eq!(missing, 0, "{}", r.stderr);
    assert!(ok >= 198, "{ok} ok: {}", r.stderr);
}

#[test]
fn utf8_names_resolve_and_their_ptr_targets_match() {
    let fake = fake_server(false);
    let d = scratch();
    let l = leases(d.path(), &[("10.0.16.70", "café-pc"), ("10.0.16.71", "CAFÉ-PC")]);
    let server = fake.addr.to_string();
    let r = ddns_audit(
        &["audit", "--leases", &l, "--domain", "fake.test", "--dns-server", &server, "--timeout", "200ms", "--retries", "1", "--as-of", "2026-11-24T00:00:00Z", "--all", "--output", "-"],
        d.path(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The answer's owner and the PTR target are the UTF-8 name, equal to the question and the
    // lease's fqdn. Case folding is ASCII-only (RFC 4343): `CAFÉ-PC` is another name than
    // `café-pc`, as this server (byte-exact on non-ASCII, like NSD and BIND) says.
    assert_eq!(
        key_rows(&r.stdout),
        [
            "ok,10.0.16.70,café-pc.fake.test,ok,10.0.16.70,ok,café-pc.fake.test,unknown,unknown",
            "missing,10.0.16.71,cafÉ-pc.fake.test,missing,,mismatch,café-pc.fake.test,,",
        ]
    );
    assert!(r.stderr.contains("live DNS answers: records 3, NXDOMAIN 2, NODATA 1, failed 0"), "{}", r.stderr);
}
