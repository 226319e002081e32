//! The binary run on small inputs: exit codes, error messages, CSV safety, atomic writes.

mod util;

use std::fs;

use util::{csv_rows, ddns_audit, scratch};

const HEADER: &str = "status,ip,hostname,fqdn,mac,lease_state,lease_expires,scope,a_status,a_records,ptr_status,ptr_records,record_kind,record_timestamp,scavenge_after,scavenging_risk,ad_computer,ad_enabled,ad_last_logon,dhcp_dns_registration,remediation,source";

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p.display().to_string()
}

const LEASES: &str = "\"IPAddress\",\"ScopeId\",\"AddressState\",\"ClientId\",\"HostName\",\"LeaseExpiryTime\",\"DnsRegistration\"\r\n\
\"10.0.16.21\",\"10.0.16.0\",\"Active\",\"00-15-5d-01-02-03\",\"pc1.corp.example.test\",\"2026-11-30T00:00:00Z\",\"Complete\"\r\n\
\"10.0.16.22\",\"10.0.16.0\",\"Active\",\"00-15-5d-01-02-04\",\"-2+3\",\"2026-11-30T00:00:00Z\",\"Complete\"\r\n";

const ZONE: &str = "$ORIGIN corp.example.test.\r\n@ 3600 SOA dc1 hostmaster 1 900 600 86400 3600\r\npc1 [AGE:3733236] 1200 A 10.0.16.21\r\n";

#[test]
fn writes_the_header_and_escapes_formulas() {
    let d = scratch();
    let leases = write(d.path(), "leases.csv", LEASES);
    let zone = write(d.path(), "corp.dns", ZONE);
    let r = ddns_audit(&["audit", "--leases", &leases, "--dns-records", &zone, "--domain", "corp.example.test", "--as-of", "2026-11-20T12:00:00Z", "--output", "-"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let first = r.stdout.split("\r\n").next().unwrap();
    assert_eq!(first, HEADER);
    let rows = csv_rows(&r.stdout);
    // pc1's PTR is unknown (no reverse zone in the data); "-2+3" has no A record in a zone we hold.
    assert_eq!(rows.len(), 3, "{}", r.stdout);
    assert_eq!(rows[1][0..4], ["unknown", "10.0.16.21", "pc1.corp.example.test", "pc1.corp.example.test"]);
    assert_eq!(rows[2][0..4], ["missing", "10.0.16.22", "'-2+3", "'-2+3.corp.example.test"]);
    assert!(rows[2][20].starts_with("'-2+3.corp.example.test has no A record for 10.0.16.22: the name is not a valid DNS name"));
    assert!(r.stderr.contains("status: missing 1, stale 0, at-risk 0, unknown 1, ok 0"), "{}", r.stderr);
}

#[test]
fn fail_on_sets_exit_code_one() {
    let d = scratch();
    let leases = write(d.path(), "leases.csv", LEASES);
    let zone = write(d.path(), "corp.dns", "$ORIGIN corp.example.test.\r\n@ SOA dc1 hostmaster 1 2 3 4 5\r\n");
    let rev = write(d.path(), "rev.dns", "$ORIGIN 16.0.10.in-addr.arpa.\r\n@ SOA dc1.corp.example.test. hostmaster 1 2 3 4 5\r\n");
    let base = ["audit", "--leases", &leases, "--dns-records", &zone, "--dns-records", &rev, "--as-of", "2026-11-20T12:00:00Z", "--output", "-"];
    assert_eq!(ddns_audit(&base, d.path()).code, 0);
    let with = |level: &str| {
        let mut a = base.to_vec();
        a.extend(["--fail-on", level]);
        ddns_audit(&a, d.path()).code
    };
    assert_eq!(with("missing"), 1);
    assert_eq!(with("never"), 0);
    assert_eq!(with("bogus"), 2);
}

#[test]
fn unreadable_or_unrecognised_input_exits_two_naming_the_file() {
    let d = scratch();
    let r = ddns_audit(&["audit", "--leases", "nope.csv"], d.path());
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot read nope.csv"), "{}", r.stderr);
    let junk = write(d.path(), "junk.txt", "hello world\n");
    let r = ddns_audit(&["audit", "--leases", &junk], d.path());
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("junk.txt: not a lease export"), "{}", r.stderr);
    let r = ddns_audit(&["audit"], d.path());
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no lease source"), "{}", r.stderr);
}

#[test]
fn bad_records_are_reported_with_file_and_line_and_the_run_goes_on() {
    let d = scratch();
    let text = format!("{LEASES}\"10.0.16.300\",\"10.0.16.0\",\"Active\",\"00-15-5d-01-02-05\",\"pc3\",\"2026-11-30T00:00:00Z\",\"Complete\"\r\n");
    let leases = write(d.path(), "leases.csv", &text);
    let r = ddns_audit(&["audit", "--leases", &leases, "--as-of", "2026-11-20T12:00:00Z", "--output", "-"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("skipped input records: 1 (bad address 1)"), "{}", r.stderr);
    assert!(r.stderr.contains("leases.csv:4: bad address"), "{}", r.stderr);
}

#[test]
fn report_file_is_written_atomically_into_its_directory() {
    let d = scratch();
    let leases = write(d.path(), "leases.csv", LEASES);
    let r = ddns_audit(&["audit", "--leases", &leases, "--as-of", "2026-11-20T12:00:00Z", "--all"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let files: Vec<String> = fs::read_dir(d.path().join("reports")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].starts_with("ddns-audit-") && files[0].ends_with("Z.csv"), "{files:?}");
    let text = fs::read_to_string(d.path().join("reports").join(&files[0])).unwrap();
    assert_eq!(csv_rows(&text).len(), 3);
}

/// `--output /dev/null` (or a FIFO a consumer reads) is written in place: the atomic rename
/// would otherwise replace the special file with a regular one. Tested with a FIFO, so that a
/// regression cannot damage the machine's /dev/null.
#[cfg(unix)]
#[test]
fn output_to_a_fifo_is_written_in_place() {
    use std::os::unix::fs::FileTypeExt;
    let d = scratch();
    let leases = write(d.path(), "leases.csv", LEASES);
    let fifo = d.path().join("report.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
    };
    let r = ddns_audit(&["audit", "--leases", &leases, "--as-of", "2026-11-20T12:00:00Z", "--all", "--output", fifo.to_str().unwrap()], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Checked before joining: had the FIFO been replaced, the reader would wait forever.
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO was replaced");
    let text = reader.join().unwrap();
    assert_eq!(csv_rows(&text).len(), 3);
}
