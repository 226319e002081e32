//! The binary on DNS exports that are empty, damaged, crafted or real-world odd (issue #8):
//! exit codes, the rows a user sees and the problems reported.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns unwrap too

mod util;

use std::time::{Duration, Instant};

use util::{csv_rows, ddns_audit, scratch, write};


const AS_OF: &str = "2026-11-20T12:00:00Z";

fn leases(hosts: &[(&str, &str)]) -> String {
    let mut s = String::from("\"IPAddress\",\"ScopeId\",\"AddressState\",\"ClientId\",\"HostName\",\"LeaseExpiryTime\",\"DnsRegistration\"\r\n");
    for (i, (ip, host)) in hosts.iter().enumerate() {
        s.push_str(&format!("\"{ip}\",\"10.0.16.0\",\"Active\",\"00-15-5d-01-02-{i:02}\",\"{host}\",\"2026-11-30T00:00:00Z\",\"\"\r\n"));
    }
    s
}

const CORP: &str = "$ORIGIN corp.example.test.\r\n@ 3600 SOA dc1 hostmaster 1 900 600 86400 3600\r\n@ NS dc1\r\n";
const REV: &str = "$ORIGIN 16.0.10.in-addr.arpa.\r\n@ 3600 SOA dc1.corp.example.test. hostmaster.corp.example.test. 1 900 600 86400 3600\r\n";

fn run(dir: &std::path::Path, leases_text: &str, zones: &[&str], extra: &[&str]) -> util::Run {
    let l = write(dir, "leases.csv", leases_text.as_bytes());
    let mut args = vec!["audit", "--leases", &l, "--as-of", AS_OF, "--output", "-", "--all"];
    for z in zones {
        args.extend(["--dns-records", z]);
    }
    // A run without zones and without live DNS asks for it (issue #19).
    if zones.is_empty() && !extra.contains(&"--dns-server") {
        args.push("--no-dns");
    }
    args.extend(extra);
    ddns_audit(&args, dir)
}

#[test]
fn an_empty_or_garbage_zone_export_stops_the_run_naming_the_file() {
    let d = scratch();
    let l = leases(&[("10.0.16.21", "pc1.corp.example.test")]);
    let empty = write(d.path(), "corp.example.test.dns", b"");
    let r = run(d.path(), &l, &[&empty], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!("ddns-audit: error: {empty}: no SOA record for corp.example.test at the zone's apex: not a zone export (dnscmd /ZoneExport always writes it); export the zone again\n")
    );
    // 300 pseudo-random bytes as a reverse zone.
    let mut x: u32 = 12345;
    let junk: Vec<u8> = (0..300)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8
        })
        .collect();
    let corp = write(d.path(), "corp.example.test.dns", CORP.as_bytes());
    let rev = write(d.path(), "16.0.10.in-addr.arpa.dns", &junk);
    let r = run(d.path(), &l, &[&corp, &rev], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains(&rev), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[test]
fn a_records_csv_zone_without_its_apex_gives_unknown_not_missing() {
    let d = scratch();
    let l = leases(&[("10.0.16.21", "pc1.corp.example.test")]);
    let csv = "ZoneName,HostName,RecordType,Timestamp,TimeToLive,RecordData\r\n\
               corp.example.test,@,SOA,,3600,x\r\n\
               16.0.10.in-addr.arpa,99,PTR,,1200,old.corp.example.test.\r\n";
    let f = write(d.path(), "records.csv", csv.as_bytes());
    let r = run(d.path(), &l, &[&f], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv_rows(&r.stdout);
    assert_eq!(rows[1][0..12], ["missing", "10.0.16.21", "pc1.corp.example.test", "pc1.corp.example.test", "00:15:5d:01:02:00", "active", "2026-11-30T00:00:00Z", "10.0.16.0", "missing", "", "unknown", ""]);
    assert!(r.stderr.contains("records.csv: missing field: zone 16.0.10.in-addr.arpa: no record at its apex (@), not even the SOA: the export is partial, so its names are reported unknown"), "{}", r.stderr);
}

#[test]
fn crafted_timestamps_are_bad_time_and_the_audit_goes_on() {
    let d = scratch();
    let l = leases(&[("10.0.16.21", "pc1.corp.example.test"), ("10.0.16.22", "pc2.corp.example.test")]);
    let corp = write(d.path(), "corp.dns", format!("{CORP}pc1 [AGE:2283864263] 1200 A 10.0.16.21\r\npc2 [AGE:3733236] 1200 A 10.0.16.22\r\n").as_bytes());
    let rev = write(d.path(), "rev.dns", format!("{REV}21 PTR pc1.corp.example.test.\r\n22 PTR pc2.corp.example.test.\r\n").as_bytes());
    let r = run(d.path(), &l, &[&corp, &rev], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv_rows(&r.stdout);
    // status, a_status, ptr_status, record_kind, record_timestamp, scavenge_after, scavenging_risk
    let cols = |row: &Vec<String>| [0, 8, 10, 12, 13, 14, 15].map(|i| row[i].clone());
    assert_eq!(cols(&rows[1]), ["ok", "ok", "ok", "unknown", "", "", "unknown"].map(String::from));
    assert_eq!(cols(&rows[2])[..4], ["ok", "ok", "ok", "dynamic"].map(String::from));
    assert!(
        r.stderr.contains("corp.dns:4: bad time: pc1.corp.example.test: timestamp +262142-12-31T23:00:00Z is after --as-of 2026-11-20T12:00:00Z plus a day: the record's age is unknown"),
        "{}",
        r.stderr
    );
    let csv = "ZoneName,HostName,RecordType,Timestamp,TimeToLive,RecordData\r\n\
               corp.example.test,@,SOA,,3600,x\r\n\
               corp.example.test,pc1,A,+262142-12-31T23:00:00,1200,10.0.16.21\r\n";
    let f = write(d.path(), "records.csv", csv.as_bytes());
    let r = run(d.path(), &l, &[&f, &rev], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(cols(&csv_rows(&r.stdout)[1]), ["ok", "ok", "ok", "unknown", "", "", "unknown"].map(String::from));
    assert!(r.stderr.contains("records.csv:3: bad time: Timestamp \"+262142-12-31T23:00:00\" is not a time: the record's age is unknown"), "{}", r.stderr);
}

#[test]
fn durations_over_ten_years_exit_two_naming_the_option() {
    let d = scratch();
    let l = leases(&[("10.0.16.21", "pc1.corp.example.test")]);
    let r = run(d.path(), &l, &[], &["--no-refresh", "100000000d"]);
    assert_eq!((r.code, r.stderr.as_str()), (2, "ddns-audit: error: --no-refresh: '100000000d' is longer than ten years (3650d)\n"));
    let cfg = write(d.path(), "audit.toml", b"scavenging_interval = \"4000d\"\n");
    let r = run(d.path(), &l, &[], &["--config", &cfg]);
    assert_eq!((r.code, r.stderr.as_str()), (2, "ddns-audit: error: --scavenging-interval: '4000d' is longer than ten years (3650d)\n"));
}

#[test]
fn a_multi_megabyte_host_name_is_invalid_and_fast() {
    let d = scratch();
    let huge = "a".repeat(3_000_000) + ".b".repeat(500_000).as_str() + ".corp.example.test";
    let l = leases(&[("10.0.16.21", &huge)]);
    let corp = write(d.path(), "corp.dns", CORP.as_bytes());
    let rev = write(d.path(), "rev.dns", REV.as_bytes());
    let started = Instant::now();
    let r = run(d.path(), &l, &[&corp, &rev], &[]);
    assert!(started.elapsed() < Duration::from_secs(30), "{:?}", started.elapsed());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv_rows(&r.stdout);
    assert_eq!([&rows[1][0], &rows[1][8], &rows[1][10]], ["missing", "missing", "missing"]);
    assert!(rows[1][20].ends_with(".corp.example.test has neither an A record nor a PTR record for 10.0.16.21: the name is not a valid DNS name (longer than 253 characters), so it cannot be registered; rename the device"));
}

#[test]
fn glue_and_cnames_in_a_real_zone() {
    let d = scratch();
    let l = leases(&[("10.0.16.21", "pc1.corp.example.test"), ("10.0.16.22", "ns1.other.example"), ("10.0.16.23", "pc3.lab.corp.example.test")]);
    let zone = format!(
        "{CORP}pc1 CNAME web1\r\nweb1 A 10.0.0.80\r\nns1.other.example. A 10.0.16.22\r\nlab NS ns.lab\r\nns.lab A 10.0.16.53\r\npc3.lab A 10.0.16.23\r\n"
    );
    let corp = write(d.path(), "corp.dns", zone.as_bytes());
    let rev = write(d.path(), "rev.dns", format!("{REV}21 PTR pc1.corp.example.test.\r\n22 PTR ns1.other.example.\r\n23 PTR pc3.lab.corp.example.test.\r\n").as_bytes());
    let r = run(d.path(), &l, &[&corp, &rev], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv_rows(&r.stdout);
    assert_eq!([&rows[1][0], &rows[1][8], &rows[1][9]], ["stale", "mismatch", "10.0.0.80"]);
    assert_eq!(
        rows[1][20],
        "pc1.corp.example.test is a CNAME to web1.corp.example.test, which resolves to 10.0.0.80: the CNAME owns the name, so the client cannot register its own A record for 10.0.16.21; remove the CNAME (or repoint it), then run ipconfig /registerdns on the client"
    );
    // Glue outside the zone and below the delegation of lab: not the zone's data, so the
    // names are in no zone the data holds (unknown, with no address listed).
    for row in &rows[2..4] {
        assert_eq!([&row[0], &row[8], &row[9]], ["unknown", "unknown", ""], "{row:?}");
    }
    // The delegated child counts as a zone read without its data.
    assert!(r.stderr.contains("5 DNS records in 3 zones"), "{}", r.stderr);
    assert!(r.stderr.contains("outside the zone 3"), "{}", r.stderr);
}

/// Issue #13: resolution starts once the leases and the domain are known, while the other
/// sources are still read. A DNS export that fails meanwhile stops it: exit 2 with the
/// export's message at once (not after the silent server's timeouts), and nothing on stdout.
#[test]
fn a_source_failing_while_resolving_stops_the_resolution() {
    let d = scratch();
    // Bound, never read: every query times out.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let server = silent.local_addr().unwrap().to_string();
    let hosts: Vec<(String, String)> = (1..=200).map(|i| (format!("10.0.16.{}", i % 250 + 1), format!("pc{i}"))).collect();
    let hosts: Vec<(&str, &str)> = hosts.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    // Long enough to be read after the leases (so resolution has started), without its SOA.
    let mut zone = String::from("$ORIGIN corp.example.test.\r\n");
    for i in 0..60_000 {
        zone.push_str(&format!("host{i} [AGE:3733188] 1200 A 10.1.{}.{}\r\n", i / 250, i % 250 + 1));
    }
    let bad = write(d.path(), "corp.example.test.dns", zone.as_bytes());
    let start = Instant::now();
    let r = run(
        d.path(),
        &leases(&hosts),
        &[&bad],
        &["--domain", "corp.example.test", "--dns-server", &server, "--timeout", "3s", "--retries", "2"],
    );
    let took = start.elapsed();
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (2, format!("ddns-audit: error: {bad}: no SOA record for corp.example.test at the zone's apex: not a zone export (dnscmd /ZoneExport always writes it); export the zone again\n").as_str())
    );
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert_eq!(r.stdout, "", "no partial report on stdout");
    drop(silent);
}
