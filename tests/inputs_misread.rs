//! Issue #19, "inputs misread silently": a run that read nothing, or read its cause files
//! wrong, stops with exit 2 and a sentence naming the file, instead of a report that looks
//! all clear.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns unwrap too

mod util;

use util::{ddns_audit, root, scratch, write};

const AS_OF: &str = "2026-11-20T00:00:00Z";

fn fixture(name: &str) -> String {
    // As the tool prints it: in the platform's separator.
    util::native(&root().join("tests/fixtures/leases").join(name).display().to_string())
}


#[test]
fn a_lease_source_that_gives_no_lease_exits_two_naming_the_file() {
    let d = scratch();
    let empty = write(d.path(), "empty.csv", b"");
    let r = ddns_audit(&["audit", "--no-dns", "--leases", &empty, "--as-of", AS_OF, "--output", "-"], d.path());
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    assert_eq!(r.stderr, format!("ddns-audit: error: {empty}: the file is empty: no lease read (an export that failed or was cut off?)\n"));

    let win = fixture("windows-v4.csv");
    let r = ddns_audit(&["audit", "--no-dns", "--leases", &win, "--leases-format", "kea", "--as-of", AS_OF, "--output", "-"], d.path());
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    assert_eq!(
        r.stderr,
        format!("ddns-audit: error: {win}: no lease read: all 8 record(s) were rejected (read as --leases-format kea-csv; the first: line 1: missing field: row before the Kea CSV header (address,...)); is it a kea-csv export?\n")
    );

    let dnsmasq = fixture("dnsmasq.leases");
    let r = ddns_audit(&["audit", "--no-dns", "--leases", &dnsmasq, "--leases-format", "windows-xml", "--as-of", AS_OF, "--output", "-"], d.path());
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    assert_eq!(r.stderr, format!("ddns-audit: error: {dnsmasq}: no lease read: the file holds no windows-xml lease record (read as --leases-format windows-xml); is it a windows-xml export?\n"));

    // A UTF-16 export with one byte inserted: an error, not one "truncated record".
    let mut utf16: Vec<u8> = vec![0xFF, 0xFE];
    let text = "\"IPAddress\",\"ScopeId\",\"AddressState\",\"HostName\",\"LeaseExpiryTime\"\r\n\"10.0.16.21\",\"10.0.16.0\",\"Active\",\"pc1\",\"2026-11-30T00:00:00Z\"\r\n\"10.0.16.22\",\"10.0.16.0\",\"Active\",\"pc2\",\"2026-11-30T00:00:00Z\"\r\n";
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut shifted = utf16.clone();
    shifted.insert(200, b'x');
    let shifted = write(d.path(), "shifted.csv", &shifted);
    let r = ddns_audit(&["audit", "--no-dns", "--leases", &shifted, "--as-of", AS_OF, "--output", "-"], d.path());
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.starts_with(&format!("ddns-audit: error: cannot read {shifted}: the UTF-16 text is misaligned near byte ")), "{}", r.stderr);
    let good = write(d.path(), "good.csv", &utf16);
    let r = ddns_audit(&["audit", "--no-dns", "--leases", &good, "--as-of", AS_OF, "--output", "-"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.starts_with("ddns-audit: 2 leases audited"), "{}", r.stderr);
}

#[test]
fn leases_read_but_none_audited_exit_two() {
    let d = scratch();
    let win = fixture("windows-v4.csv");
    // Ten years on, every lease of the export has expired.
    let r = ddns_audit(&["audit", "--no-dns", "--leases", &win, "--as-of", "2036-11-20T00:00:00Z", "--output", "-"], d.path());
    assert_eq!(r.code, 0, "reservations have no expiry: {}", r.stderr);
    let leases = write(d.path(), "old.csv", b"\"IPAddress\",\"ScopeId\",\"AddressState\",\"HostName\",\"LeaseExpiryTime\"\r\n\"10.0.16.21\",\"10.0.16.0\",\"Active\",\"pc1\",\"2026-11-30T00:00:00Z\"\r\n\"10.0.16.22\",\"10.0.16.0\",\"Released\",\"pc2\",\"2026-11-30T00:00:00Z\"\r\n");
    let r = ddns_audit(&["audit", "--no-dns", "--leases", &leases, "--as-of", "2027-01-01T00:00:00Z", "--output", "-"], d.path());
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    assert_eq!(
        r.stderr,
        format!("ddns-audit: error: no lease to audit as of 2027-01-01T00:00:00Z: the 2 lease(s) read from {leases} are none of them active or reserved and unexpired (1 expired, 1 released); nothing would be audited and the report would look all clear (check the export, or --as-of)\n")
    );
    // A header-only export is a server with no lease: no rejected file, but nothing audited.
    let header = write(d.path(), "header.csv", b"\"IPAddress\",\"ScopeId\",\"AddressState\",\"HostName\",\"LeaseExpiryTime\"\r\n");
    let r = ddns_audit(&["audit", "--no-dns", "--leases", &header, "--leases", &leases, "--as-of", AS_OF, "--output", "-"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn no_dns_source_is_refused_unless_asked_for() {
    let d = scratch();
    let win = fixture("windows-v4.csv");
    let r = ddns_audit(&["audit", "--leases", &win, "--as-of", AS_OF, "--output", "-"], d.path());
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    assert_eq!(
        r.stderr,
        "ddns-audit: error: --dns-records: no DNS source: give --dns-records PATH, --dns-server ADDR or --ldap-url URL (or set them in --config); to audit without DNS data (every row's DNS status unknown), pass --no-dns\n"
    );
    let r = ddns_audit(&["audit", "--no-dns", "--leases", &win, "--as-of", AS_OF, "--output", "-"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let config = write(d.path(), "c.toml", b"no-dns = true\n");
    let r = ddns_audit(&["audit", "--config", &config, "--leases", &win, "--as-of", AS_OF, "--output", "-"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn durations_need_a_unit_and_take_the_timespan_form() {
    let d = scratch();
    let win = fixture("windows-v4.csv");
    let run = |extra: &[&str]| {
        let mut args = vec!["audit", "--no-dns", "--leases", &win, "--as-of", AS_OF, "--output", "-"];
        args.extend_from_slice(extra);
        ddns_audit(&args, d.path())
    };
    let r = run(&["--no-refresh", "7"]);
    assert_eq!((r.code, r.stderr.as_str()), (2, "ddns-audit: error: --no-refresh: '7' has no unit: add one, like 7d (days), 7h, 7m, 7s or 7ms\n"));
    assert_eq!(run(&["--no-refresh", "7.00:00:00", "--refresh", "3.12:00:00"]).code, 0);
    let config = write(d.path(), "c.toml", b"scavenging-interval = \"1.00:00:00\"\nrefresh = \"14\"\n");
    let r = run(&["--config", &config]);
    assert_eq!((r.code, r.stderr.as_str()), (2, "ddns-audit: error: --refresh: '14' has no unit: add one, like 14d (days), 14h, 14m, 14s or 14ms\n"));
}

/// `--dhcp-settings`: ScopeIds in other forms match; a scope no lease is in is a note; a
/// conflicting duplicate stops the run naming both lines.
#[test]
fn dhcp_settings_scopes_match_as_addresses_and_unmatched_ones_are_noted() {
    let d = scratch();
    let win = fixture("windows-v4.csv");
    let header = "Server,ScopeId,DynamicUpdates,DeleteDnsRROnLeaseExpiry,UpdateDnsRRForOlderClients,DisableDnsPtrRRUpdate,NameProtection\r\n";
    let settings = write(d.path(), "dhcp.csv", format!("{header}10.0.0.2,10.000.016.000,Never,,,,\r\n10.0.0.2,10.0.99.0/24,Always,,,,\r\n").as_bytes());
    let r = ddns_audit(&["audit", "--no-dns", "--leases", &win, "--dhcp-settings", &settings, "--as-of", AS_OF, "--all", "--output", "-"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = util::csv_rows(&r.stdout);
    let pc1 = rows.iter().find(|row| row[1] == "10.0.16.21").unwrap();
    assert_eq!(pc1[25], "updates=never");
    assert!(
        r.stderr.contains(&format!("ddns-audit: {settings}:3: --dhcp-settings scope 10.0.99.0 (server 10.0.0.2) matches no lease read and no scope of the other inputs; check its ScopeId, or give that scope's leases\n")),
        "{}",
        r.stderr
    );
    let settings = write(d.path(), "dup.csv", format!("{header}10.0.0.2,10.0.16.0,Never,,,,\r\n10.0.0.2,10.0.16.0,Always,,,,\r\n").as_bytes());
    let r = ddns_audit(&["audit", "--no-dns", "--leases", &win, "--dhcp-settings", &settings, "--as-of", AS_OF, "--output", "-"], d.path());
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    assert_eq!(r.stderr, format!("ddns-audit: error: {settings}:3: server 10.0.0.2, scope 10.0.16.0 is given again with other values (first at {settings}:2); keep one row per server and scope\n"));
    let settings = write(d.path(), "noscope.csv", b"Server,DynamicUpdates\r\n10.0.0.2,Never\r\n");
    let r = ddns_audit(&["audit", "--no-dns", "--leases", &win, "--dhcp-settings", &settings, "--as-of", AS_OF, "--output", "-"], d.path());
    assert_eq!(r.stderr, format!("ddns-audit: error: {settings}:1: the header lacks the required column(s) ScopeId\n"));
}

/// Issue #19 item 11: a records CSV shaped exactly as `queries/windows/export-dns-records.ps1`
/// writes it (Windows PowerShell 5.1 `Export-Csv -NoTypeInformation -Encoding UTF8`: a UTF-8
/// byte-order mark, CRLF, the header and every field double-quoted, the object's columns in
/// order, an empty Owner and Timestamp as `""`) with the SOA row the script now exports: the
/// zones are whole, so the names are judged (`ok`), never `unknown` for a partial export.
#[test]
fn the_records_csv_as_the_script_writes_it_is_read_whole() {
    let d = scratch();
    let leases = write(d.path(), "leases.csv", b"\"IPAddress\",\"ScopeId\",\"AddressState\",\"HostName\",\"LeaseExpiryTime\"\r\n\"10.0.16.21\",\"10.0.16.0\",\"Active\",\"pc1.corp.example.test\",\"2026-11-30T00:00:00Z\"\r\n");
    let rows = [
        ("corp.example.test", "@", "SOA", "", "3600", "dc1.corp.example.test.", ""),
        ("corp.example.test", "pc1", "A", "2026-11-19T00:00:00Z", "1200", "10.0.16.21", "CORP\\PC1$"),
        ("16.0.10.in-addr.arpa", "@", "SOA", "", "3600", "dc1.corp.example.test.", ""),
        ("16.0.10.in-addr.arpa", "21", "PTR", "2026-11-19T00:00:00Z", "1200", "pc1.corp.example.test.", ""),
    ];
    let mut text = String::from("\"ZoneName\",\"HostName\",\"RecordType\",\"Timestamp\",\"TimeToLive\",\"RecordData\",\"Owner\"\r\n");
    for (z, h, t, ts, ttl, data, owner) in rows {
        text.push_str(&format!("\"{z}\",\"{h}\",\"{t}\",\"{ts}\",\"{ttl}\",\"{data}\",\"{owner}\"\r\n"));
    }
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend(text.as_bytes());
    let records = write(d.path(), "dns-records.csv", &bytes);
    let r = ddns_audit(&["audit", "--leases", &leases, "--dns-records", &records, "--as-of", AS_OF, "--all", "--output", "-"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = util::csv_rows(&r.stdout);
    assert_eq!((rows[1][0].as_str(), rows[1][8].as_str(), rows[1][10].as_str(), rows[1][22].as_str()), ("ok", "ok", "ok", "CORP\\PC1$"), "{}", r.stdout);
    assert!(r.stderr.contains("2 DNS records in 2 zones") || r.stderr.contains("in 2 zones"), "{}", r.stderr);
    assert!(!r.stderr.contains("no record at its apex"), "{}", r.stderr);
    // The script before issue #19 wrote no SOA: each zone is then a partial export, said so.
    let old: Vec<&str> = text.lines().filter(|l| !l.contains("\"SOA\"")).collect();
    let old = write(d.path(), "old.csv", format!("{}\r\n", old.join("\r\n")).as_bytes());
    let r = ddns_audit(&["audit", "--leases", &leases, "--dns-records", &old, "--as-of", AS_OF, "--all", "--output", "-"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("no record at its apex"), "{}", r.stderr);
}
