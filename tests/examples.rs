//! The example site end to end: `ddns-audit audit --config examples/offline/audit.toml`
//! must give exactly the reviewed report in `tests/fixtures/expected/example-offline.csv`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns unwrap too

mod util;

use util::{csv_rows, ddns_audit, root};

#[test]
fn example_site_gives_the_reviewed_report() {
    let r = ddns_audit(&["audit", "--config", "examples/offline/audit.toml", "--output", "-"], &root());
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The `source` column in the platform's separator.
    let expected = std::fs::read_to_string(root().join("tests/fixtures/expected/example-offline.csv")).unwrap().replace("examples/offline/leases/", &util::native("examples/offline/leases/"));
    let (got, want) = (csv_rows(&r.stdout), csv_rows(&expected));
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g, w);
    }
    assert_eq!(got.len(), want.len());
    assert_eq!(r.stdout, expected, "byte-for-byte (CRLF line ends)");
}

#[test]
fn example_site_summary_and_statuses() {
    let r = ddns_audit(&["audit", "--config", "examples/offline/audit.toml", "--output", "-", "--fail-on", "stale"], &root());
    assert_eq!(r.code, 1, "stale rows exist: {}", r.stderr);
    assert!(r.stderr.contains("31 leases audited as of 2026-11-20T12:00:00Z (34 read; not audited: 1 declined, 2 expired)"), "{}", r.stderr);
    assert!(r.stderr.contains("status: missing 6, stale 3, at-risk 7, unknown 2, ok 13"), "{}", r.stderr);
    assert!(r.stderr.contains("scavenging risk: high 6, medium 3, unknown 0, low 14, none 3"), "{}", r.stderr);
    assert!(r.stderr.contains(&util::native("examples/offline/leases/dhcp1-v4.csv:21: bad address: IPAddress \"10.0.16.300\"")), "{}", r.stderr);
    // Every status appears in the example, and every row that is not ok says what to do.
    let rows = csv_rows(&r.stdout);
    for status in ["missing", "stale", "at-risk", "unknown", "ok"] {
        assert!(rows.iter().any(|row| row[0] == status), "no {status} row");
    }
    for row in rows.iter().skip(1).filter(|row| row[0] != "ok") {
        assert!(!row[20].is_empty(), "no remediation for {row:?}");
    }
}

#[test]
fn as_of_forecast_moves_records_into_risk() {
    // Six and a half days later, with nothing refreshed, pc-fin-01's records (refreshed on the
    // 18th) are past no-refresh + slack: at risk, scavengeable on 2026-12-02 (medium: after
    // the next daily scavenging run).
    let r = ddns_audit(
        &["audit", "--config", "examples/offline/audit.toml", "--output", "-", "--as-of", "2026-11-27T00:00:00Z"],
        &root(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv_rows(&r.stdout);
    let fin01 = rows.iter().find(|row| row[1] == "10.0.16.21").unwrap();
    assert_eq!(fin01[0], "at-risk");
    assert_eq!(fin01[15], "medium");
    assert_eq!(fin01[14], "2026-12-02T12:00:00Z");
}

/// The example site shows every owner_kind, the zone policies and the DHCP settings, and the
/// zone findings once per zone (docs/report.md "Columns").
#[test]
fn example_site_shows_the_causes() {
    let r = ddns_audit(&["audit", "--config", "examples/offline/audit.toml", "--output", "-"], &root());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv_rows(&r.stdout);
    assert_eq!(rows[0][22..], ["record_owner", "owner_kind", "zone_dynamic_updates", "dhcp_dns_setting", "first_seen", "change"]);
    for kind in ["self", "dhcp-server", "other-computer", "admin", "user"] {
        assert!(rows.iter().any(|row| row[23] == kind), "no {kind} row");
    }
    for policy in ["secure", "nonsecure"] {
        assert!(rows.iter().any(|row| row[24] == policy), "no {policy} row");
    }
    let wh02 = rows.iter().find(|row| row[1] == "10.0.20.52").unwrap();
    assert_eq!(wh02[25], "updates=never;ptr=off;older-clients=off;delete-on-expiry=off;name-protection=off");
    assert!(wh02[20].contains("although the lease is held: the DHCP server now has updates=never for this lease"), "{}", wh02[20]);
    assert!(r.stderr.contains(
        "  zone findings: 3\n    zone 17.0.10.in-addr.arpa accepts nonsecure dynamic updates: anyone on the network can take over its names; set it to Secure only\n    zone 20.0.10.in-addr.arpa accepts no dynamic updates but ages its records: its dynamic records can never be refreshed, so scavenging deletes them all; allow secure dynamic updates or turn aging off\n    zone partner.example accepts nonsecure"
    ), "{}", r.stderr);
}

/// `ddns-audit forecast` on the example site, with the audit's own config: every row reviewed
/// by hand (docs/forecast.md "Before enabling scavenging"): only the records scavenging deletes are rows,
/// the `frozen` ones (refreshed before 2026-11-11T12:00:00Z, 7d + 24 h before the as-of; not
/// kea-br-01, whose 8-day Kea lease gives it 4 days of slack) and the two `cannot-refresh` ones
/// refreshed on the 18th: pc-wh-01's PTR (20.0.10.in-addr.arpa accepts no dynamic updates) and
/// pc-hr-01's old A record 10.0.16.99 (owned by CORP\PC-OLD-07$ in the secure zone). The 28
/// healthy records due in the horizon (pc-fin-01's among them) are counted, not listed.
#[test]
fn example_site_forecast_gives_the_reviewed_report() {
    let r = ddns_audit(&["forecast", "--config", "examples/offline/audit.toml", "--output", "-", "--fail-on", "live"], &root());
    assert_eq!(r.code, 1, "live rows exist: {}", r.stderr);
    let expected = std::fs::read_to_string(root().join("tests/fixtures/expected/example-forecast.csv")).unwrap();
    let (got, want) = (csv_rows(&r.stdout), csv_rows(&expected));
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g, w);
    }
    assert_eq!(got.len(), want.len());
    assert_eq!(r.stdout, expected, "byte-for-byte (CRLF line ends)");
    assert!(!got.iter().any(|row| row[2] == "pc-fin-01.corp.example.test"), "a healthy host is not listed");
    for line in [
        "ddns-audit: forecast as of 2026-11-20T12:00:00Z to 2026-12-18T12:00:00Z (horizon 28d): scavenging deletes 19 records: live 16 (frozen 14, cannot-refresh 2), stale 3\n",
        "  refreshing: 28 more due records are refreshed in time by their updaters, so scavenging does not delete them (not listed; --all lists them)\n",
        "  overdue (scavengeable before the as-of): live 11 (frozen 11, cannot-refresh 0), stale 3, refreshing 0\n",
        "  week 1 (2026-11-20T12:00:00Z to 2026-11-27T12:00:00Z): live 3 (frozen 3, cannot-refresh 0), stale 0, refreshing 2\n",
        "  week 2 (2026-11-27T12:00:00Z to 2026-12-04T12:00:00Z): live 2 (frozen 0, cannot-refresh 2), stale 0, refreshing 26\n",
        "    20.0.10.in-addr.arpa: live 1 (frozen 0, cannot-refresh 1), stale 0, refreshing 0\n",
        "    6.1.0.0.8.b.d.0.1.0.0.2.ip6.arpa: live 0 (frozen 0, cannot-refresh 0), stale 0, refreshing 1\n",
        "  not forecast: 8 A/AAAA/PTR records (static 8, aging off 0, unknown age 0, due after the horizon 0)\n",
        "    examples/offline/leases/dhcp1-v4.csv:21: bad address: IPAddress \"10.0.16.300\" is not an IPv4 or IPv6 address\n",
        "  report: stdout (19 rows)\n",
    ] {
        let line = line.replace("examples/offline/leases/", &util::native("examples/offline/leases/"));
        assert!(r.stderr.contains(&line), "{line} not in\n{}", r.stderr);
    }
    // With --all (on the command line; the config's `all` is the audit's) every due record is a
    // row: the 28 refreshing ones too, in their places; the counts and --fail-on are the same.
    let r = ddns_audit(&["forecast", "--config", "examples/offline/audit.toml", "--output", "-", "--all", "--fail-on", "live"], &root());
    assert_eq!(r.code, 1, "{}", r.stderr);
    let rows = csv_rows(&r.stdout);
    assert_eq!(rows.len(), 1 + 47);
    assert_eq!(rows.iter().filter(|row| row[9] == "refreshing").count(), 28);
    let fin01 = rows.iter().find(|row| row[2] == "pc-fin-01.corp.example.test" && row[3] == "A").unwrap();
    assert_eq!([&*fin01[0], &*fin01[7], &*fin01[8], &*fin01[9]], ["2026-12-02T12:00:00Z", "self", "live", "refreshing"]);
    let listed: Vec<&Vec<String>> = rows.iter().skip(1).filter(|row| row[9] != "refreshing").collect();
    assert_eq!(listed, want.iter().skip(1).collect::<Vec<_>>(), "without the refreshing rows, the same rows");
    assert!(r.stderr.contains("scavenging deletes 19 records: live 16 (frozen 14, cannot-refresh 2), stale 3\n"), "{}", r.stderr);
    assert!(r.stderr.contains("(listed with --all)\n"), "{}", r.stderr);
    // A shorter horizon leaves the later records out and counts them.
    let r = ddns_audit(&["forecast", "--config", "examples/offline/audit.toml", "--output", "-", "--horizon", "7d"], &root());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(csv_rows(&r.stdout).len(), 1 + 14 + 3);
    assert!(r.stderr.contains("due after the horizon 28)"), "{}", r.stderr);
}

/// The summary's fix list (docs/report.md "Fix list"): the first five groups of the example
/// site's findings by cause, most hosts at risk first, each with its counts and its action.
#[test]
fn example_site_fix_list_on_stderr() {
    let r = ddns_audit(&["audit", "--config", "examples/offline/audit.toml", "--output", "-"], &root());
    let start = r.stderr.find("  fix list:").expect("a fix list");
    let end = r.stderr.find("  zone findings:").expect("zone findings after it");
    assert_eq!(
        &r.stderr[start..end],
        concat!(
            "  fix list: 15 groups by cause, most hosts at risk first\n",
            "    1. host names DNS cannot carry: 2 hosts: missing 2\n",
            "       fix: rename the devices: a DNS name is letters, digits and hyphens\n",
            "    2. DHCP server not named in the leases: clients stopped registering (the server no longer updates for a cached Option 81): 2 hosts: at-risk 2 (1 high)\n",
            "       fix: have the DHCP server update DNS for these clients (ISC dhcpd: ddns-update-style standard with ignore client-updates; dnsmasq cannot) or have each client register itself (ipconfig /registerdns), then check the records' timestamps move\n",
            "    3. DHCP server 10.0.0.11: registrations Pending (its DNS credentials or settings): 1 host: missing 1\n",
            "       fix: Set-DhcpServerDnsCredential -ComputerName 10.0.0.11 -Credential (Get-Credential), check its DNS dynamic-update settings, then renew the leases\n",
            "    4. Kea subnet 3: clients stopped registering (the server no longer updates for a cached Option 81): 1 host: at-risk 1 (1 high)\n",
            "       fix: in kea-dhcp4.conf, set \"ddns-send-updates\": true and \"ddns-override-client-update\": true in subnet 3 (or where it is set: its shared network or the global level), reload the configuration (config-reload), then renew the leases\n",
            "    5. records owned by the DHCP server account CORP\\svc-dhcpdns: 1 host: at-risk 1 (1 high)\n",
            "       fix: add the DHCP servers to DnsUpdateProxy (Add-ADGroupMember DnsUpdateProxy -Members <server>$), give them dedicated DNS credentials (Set-DhcpServerDnsCredential), then delete the records so they are registered again\n",
            "    ... and 10 more groups\n",
        )
    );
}

/// docs/inputs.md "Folders and wildcards": the example site's lease and DNS folders given as
/// folders read each file in them, each file's format detected on its own, and give the
/// reviewed report (the rows do not depend on the files' order); the files that are no export
/// (an Excel lock file, a subfolder's) are not read.
#[test]
fn example_site_from_its_folders() {
    let dir = util::scratch();
    for sub in ["leases", "dns"] {
        let to = dir.path().join("examples/offline").join(sub);
        std::fs::create_dir_all(to.join("old")).unwrap();
        for entry in std::fs::read_dir(root().join("examples/offline").join(sub)).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            // The zones listing is no DNS records file: --zones, below.
            if sub == "dns" && name == "zones.csv" {
                continue;
            }
            std::fs::copy(entry.path(), to.join(&name)).unwrap();
        }
        std::fs::write(to.join("~$dhcp1-v4.csv"), "not an export").unwrap();
        std::fs::write(to.join("old").join("broken.csv"), "not an export").unwrap();
    }
    let o = root().join("examples/offline");
    let (computers, zones, settings) = (o.join("computers.ldif"), o.join("dns/zones.csv"), o.join("dhcp-dns-settings.csv"));
    let args = [
        "audit", "--leases", "examples/offline/leases", "--dns-records", "examples/offline/dns", "--computers", computers.to_str().unwrap(), "--zones", zones.to_str().unwrap(),
        "--dhcp-settings", settings.to_str().unwrap(), "--dhcp-account", r"CORP\svc-dhcpdns", "--domain", "corp.example.test", "--no-refresh", "7d", "--refresh", "7d",
        "--scavenging-interval", "1d", "--as-of", "2026-11-20T12:00:00Z", "--all", "--output", "-",
    ];
    let r = ddns_audit(&args, dir.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let expected = std::fs::read_to_string(root().join("tests/fixtures/expected/example-offline.csv")).unwrap().replace("examples/offline/leases/", &util::native("examples/offline/leases/"));
    assert_eq!(csv_rows(&r.stdout), csv_rows(&expected));
}
