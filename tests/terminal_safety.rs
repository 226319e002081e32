//! Terminal and page safety (issue 19, items 13 and 14), with the real binary: values from the
//! cause and records inputs reach stderr escaped and cut as lease problems do; a host name with
//! bidirectional formatting characters is an invalid name, and no such character reaches the
//! HTML page (or stderr) raw.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns unwrap too

mod util;

use std::fs;

use util::{ZONE, csv_rows, ddns_audit, scratch};

const AS_OF: &str = "2026-11-20T12:00:00Z";

const LEASES: &str = "\"IPAddress\",\"ScopeId\",\"AddressState\",\"ClientId\",\"HostName\",\"LeaseExpiryTime\",\"DnsRegistration\"\r\n\
\"10.0.16.21\",\"10.0.16.0\",\"Active\",\"00-15-5d-01-02-03\",\"pc1.corp.example.test\",\"2026-11-30T00:00:00Z\",\"Complete\"\r\n";

/// The characters that must never reach a terminal or the page raw.
fn raw_controls(s: &str) -> Vec<char> {
    s.chars().filter(|&c| (c.is_control() && c != '\n' && c != '\r' && c != '\t') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')).collect()
}

#[test]
fn values_from_the_cause_and_records_inputs_reach_stderr_escaped_and_cut() {
    let d = scratch();
    let osc = "\u{1b}]0;pwned\u{7}";
    let huge = "y".repeat(20 << 20);
    fs::write(d.path().join("leases.csv"), LEASES).unwrap();
    fs::write(d.path().join("corp.dns"), ZONE).unwrap();
    const ZONES_HEADER: &str = "ZoneName,ZoneType,DynamicUpdate,AgingEnabled,NoRefreshInterval,RefreshInterval,ScavengeServers\n";
    const DHCP_HEADER: &str = "Server,ScopeId,DynamicUpdates,DeleteDnsRROnLeaseExpiry,UpdateDnsRRForOlderClients,DisableDnsPtrRRUpdate,NameProtection\n";
    let files = [
        ("zones-osc.csv", format!("{ZONES_HEADER}evil{osc}.test,Primary,{osc},True,,,\n")),
        ("zones-huge.csv", format!("{ZONES_HEADER}evil{osc}.test,Primary,Secure,{huge},,,\n")),
        ("zones-bidi.csv", format!("{ZONES_HEADER}bidi\u{202E}.test,Primary,NonsecureAndSecure,True,,,\n")),
        ("dhcp-scope.csv", format!("{DHCP_HEADER}srv,10.0.16.0{osc},Never,,,,\n")),
        ("dhcp-value.csv", format!("{DHCP_HEADER}srv,10.0.16.0,{huge},{osc},,,\n")),
        ("records.csv", format!("ZoneName,HostName,RecordType,Timestamp,TimeToLive,RecordData\n\"z{osc}.test\",pc2,A,{osc},{huge},10.0.16.22\nz.test,\"h{osc}\",A,{huge},,10.0.16.23\nz.test,@,SOA,,,x\nz.test,pc4,{osc},,,x\n")),
    ];
    for (name, text) in &files {
        fs::write(d.path().join(name), text).unwrap();
    }
    // A bad value in a cause file stops the run (issue 19, items 7 and 8); its sentence shows
    // the value escaped and cut. Problems of the records CSV are counted and shown the same way.
    for (extra, code, expected) in [
        (["--zones", "zones-osc.csv"], 2, "zones-osc.csv:2: zone \"evil\\u{1b}]0;pwned\\u{7}.test\": DynamicUpdate \"\\u{1b}]0;pwned\\u{7}\" is not None, NonsecureAndSecure or Secure".to_string()),
        (["--zones", "zones-huge.csv"], 2, format!("zones-huge.csv:2: zone \"evil\\u{{1b}}]0;pwned\\u{{7}}.test\": AgingEnabled \"{}\"... is not True or False", "y".repeat(80))),
        (["--zones", "zones-bidi.csv"], 0, "    zone \"bidi\\u{202e}.test\" accepts nonsecure dynamic updates".to_string()),
        (["--dhcp-settings", "dhcp-scope.csv"], 2, "dhcp-scope.csv:2: ScopeId \"10.0.16.0\\u{1b}]0;pwned\\u{7}\" is not an IPv4 network address".to_string()),
        (["--dhcp-settings", "dhcp-value.csv"], 2, format!("dhcp-value.csv:2: scope 10.0.16.0: DynamicUpdates \"{}\"... is not Always, OnClientRequest or Never", "y".repeat(80))),
        (["--dns-records", "records.csv"], 0, "records.csv:2: bad time: Timestamp \"\\u{1b}]0;pwned\\u{7}\" is not a time".to_string()),
        (["--dns-records", "records.csv"], 0, "records.csv: missing field: zone \"z\\u{1b}]0;pwned\\u{7}.test\": no record at its apex".to_string()),
    ] {
        let mut args = vec!["audit", "--leases", "leases.csv", "--dns-records", "corp.dns", "--as-of", AS_OF, "--output", "-"];
        args.extend(extra);
        let r = ddns_audit(&args, d.path());
        assert_eq!(r.code, code, "{extra:?}: {}", r.stderr);
        assert_eq!(raw_controls(&r.stderr), Vec::<char>::new(), "{}", r.stderr);
        assert!(r.stderr.len() < 8 << 10, "{extra:?}: {} bytes of stderr", r.stderr.len());
        assert!(r.stderr.contains(&expected), "{expected}\n{}", r.stderr);
    }
}

/// U+202E in a host name made it display as another host's name in the HTML table: such a
/// name is invalid (missing, "rename the device"), shown visibly escaped, and each cell isolated.
#[test]
fn a_host_name_with_bidirectional_controls_is_invalid_and_shown_escaped() {
    let d = scratch();
    let name = "pc\u{202E}1.corp.example.test";
    fs::write(d.path().join("leases.csv"), LEASES.replace("pc1.corp.example.test", name)).unwrap();
    fs::write(d.path().join("corp.dns"), ZONE).unwrap();
    let r = ddns_audit(&["audit", "--leases", "leases.csv", "--dns-records", "corp.dns", "--as-of", AS_OF, "--output", "r.csv", "--html", "r.html"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(raw_controls(&r.stderr), Vec::<char>::new(), "{}", r.stderr);
    let rows = csv_rows(&fs::read_to_string(d.path().join("r.csv")).unwrap());
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[1][0].as_str(), rows[1][3].as_str()), ("missing", name));
    assert!(rows[1][20].contains("the name is not a valid DNS name (a bidirectional formatting character), so it cannot be registered; rename the device"), "{}", rows[1][20]);
    let page = fs::read_to_string(d.path().join("r.html")).unwrap();
    assert_eq!(raw_controls(&page), Vec::<char>::new());
    // The row's data escaped in the JSON block; the table's cells isolated, the controls shown.
    assert!(page.contains("\"pc\\u202e1.corp.example.test\""), "{page}");
    assert!(page.contains("createElement(\"bdi\")") && page.contains("unicode-bidi:isolate"));
    assert!(page.contains(r#"return "\\u{" + ch.charCodeAt(0).toString(16) + "}";"#));
}
