//! `ddns-audit forecast` run as a binary on small inputs: the report's exact rows, the
//! summary, `--fail-on live`, and the errors for bad options (exit 2, naming the option).
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns unwrap too

mod util;

use std::fs;

use util::{csv_rows, ddns_audit, scratch, write};

const HEADER: &str = "scavenge_after,zone,name,type,data,record_timestamp,record_owner,owner_kind,verdict,refresh,evidence,lease_ip,lease_hostname,lease_expires,ad_computer,ad_enabled,ad_last_logon";


const LEASES: &str = "\"IPAddress\",\"ScopeId\",\"AddressState\",\"ClientId\",\"HostName\",\"LeaseExpiryTime\",\"DnsRegistration\"\r\n\
\"10.0.16.21\",\"10.0.16.0\",\"Active\",\"00-15-5d-01-02-03\",\"pc1.corp.example.test\",\"2026-11-30T00:00:00Z\",\"Complete\"\r\n";

// pc1 refreshed 2026-11-20T12:00Z (live by its lease); =cmd's record is a formula, never leased;
// static records are not forecast.
const ZONE: &str = "$ORIGIN corp.example.test.\r\n@ 3600 SOA dc1 hostmaster 1 900 600 86400 3600\r\n\
pc1 [AGE:3733236] 1200 A 10.0.16.21\r\n\
-cmd [AGE:3733000] 1200 A 10.0.16.66\r\n\
printer 1200 A 10.0.16.5\r\n";

fn site() -> (tempfile::TempDir, Vec<String>) {
    let d = scratch();
    let leases = write(d.path(), "leases.csv", LEASES);
    let zone = write(d.path(), "corp.dns", ZONE);
    let args = ["forecast", "--leases", &leases, "--dns-records", &zone, "--domain", "corp.example.test", "--as-of", "2026-11-20T12:00:00Z"];
    (d, args.iter().map(ToString::to_string).collect())
}

fn run(args: &[String], extra: &[&str], dir: &std::path::Path) -> util::Run {
    let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
    a.extend(extra);
    ddns_audit(&a, dir)
}

#[test]
fn forecast_writes_its_rows_and_summary() {
    let (d, args) = site();
    let r = run(&args, &["--output", "-"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.split("\r\n").next(), Some(HEADER));
    let rows = csv_rows(&r.stdout);
    // pc1 was refreshed at the as-of by a working updater: not deleted, not listed.
    let cmd = ["2026-11-24T16:00:00Z", "corp.example.test", "'-cmd.corp.example.test", "A", "10.0.16.66", "2026-11-10T16:00:00Z", "", "", "stale", "frozen", "", "", "", "", "", "", ""];
    let pc1 = ["2026-12-04T12:00:00Z", "corp.example.test", "pc1.corp.example.test", "A", "10.0.16.21", "2026-11-20T12:00:00Z", "", "", "live", "refreshing", "lease", "10.0.16.21", "pc1.corp.example.test", "2026-11-30T00:00:00Z", "", "", ""];
    assert_eq!(rows[1..], [cmd]);
    for line in [
        "ddns-audit: forecast as of 2026-11-20T12:00:00Z to 2026-12-18T12:00:00Z (horizon 28d): scavenging deletes 1 record: live 0 (frozen 0, cannot-refresh 0), stale 1\n",
        "  refreshing: 1 more due record is refreshed in time by their updaters, so scavenging does not delete them (not listed; --all lists them)\n",
        "  week 1 (2026-11-20T12:00:00Z to 2026-11-27T12:00:00Z): live 0 (frozen 0, cannot-refresh 0), stale 1, refreshing 0\n    corp.example.test: live 0 (frozen 0, cannot-refresh 0), stale 1, refreshing 0\n",
        "  week 2 (2026-11-27T12:00:00Z to 2026-12-04T12:00:00Z): live 0 (frozen 0, cannot-refresh 0), stale 0, refreshing 0\n  week 3 (2026-12-04T12:00:00Z to 2026-12-11T12:00:00Z): live 0 (frozen 0, cannot-refresh 0), stale 0, refreshing 1\n    corp.example.test: live 0 (frozen 0, cannot-refresh 0), stale 0, refreshing 1\n",
        "  week 4 (2026-12-11T12:00:00Z to 2026-12-18T12:00:00Z inclusive): live 0 (frozen 0, cannot-refresh 0), stale 0, refreshing 0\n",
        "  not forecast: 1 A/AAAA/PTR record (static 1, aging off 0, unknown age 0, due after the horizon 0)\n",
        "  report: stdout (1 row)\n",
    ] {
        assert!(r.stderr.contains(line), "{line} not in\n{}", r.stderr);
    }
    // --all lists the refreshing record too; the counts are the same.
    let r = run(&args, &["--output", "-", "--all"], d.path());
    assert_eq!(csv_rows(&r.stdout)[1..], [cmd, pc1]);
    assert!(r.stderr.contains("scavenging deletes 1 record: live 0 (frozen 0, cannot-refresh 0), stale 1\n"), "{}", r.stderr);
    // A healthy site forecasts no live deletion: --fail-on live does not trip, even with --all.
    assert_eq!(run(&args, &["--output", "-", "--fail-on", "live"], d.path()).code, 0);
    assert_eq!(run(&args, &["--output", "-", "--fail-on", "live", "--all"], d.path()).code, 0);
    // The zone stops taking dynamic updates: pc1 cannot be refreshed, and --fail-on live trips
    // on it, also when the horizon ends exactly at its date; not when the horizon ends before it.
    let zones = write(d.path(), "zones.csv", "ZoneName,ZoneType,DynamicUpdate,AgingEnabled,NoRefreshInterval,RefreshInterval,ScavengeServers\r\ncorp.example.test,Primary,None,True,7.00:00:00,7.00:00:00,\r\n");
    let r = run(&args, &["--output", "-", "--zones", &zones, "--fail-on", "live"], d.path());
    assert_eq!(r.code, 1, "{}", r.stderr);
    let mut frozen_out = pc1;
    frozen_out[9] = "cannot-refresh";
    assert_eq!(csv_rows(&r.stdout)[1..], [cmd, frozen_out]);
    assert!(r.stderr.contains("scavenging deletes 2 records: live 1 (frozen 0, cannot-refresh 1), stale 1\n"), "{}", r.stderr);
    assert_eq!(run(&args, &["--output", "-", "--zones", &zones, "--fail-on", "live", "--horizon", "14d"], d.path()).code, 1);
    assert_eq!(run(&args, &["--output", "-", "--zones", &zones, "--fail-on", "live", "--horizon", "335h"], d.path()).code, 0);
    assert_eq!(run(&args, &["--output", "-", "--zones", &zones, "--fail-on", "never"], d.path()).code, 0);
    // A config file's `all` is the audit's (also the ok rows): the forecast still lists only
    // what scavenging deletes.
    let config = write(d.path(), "all.toml", "all = true\n");
    assert_eq!(csv_rows(&run(&args, &["--config", &config, "--output", "-"], d.path()).stdout).len(), 2);
}

#[test]
fn the_default_report_is_a_forecast_file_written_atomically() {
    let (d, args) = site();
    let r = run(&args, &[], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let reports: Vec<String> = fs::read_dir(d.path().join("reports")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(reports[0].starts_with("ddns-audit-forecast-") && reports[0].ends_with("Z.csv"), "{reports:?}");
    let text = fs::read_to_string(d.path().join("reports").join(&reports[0])).unwrap();
    assert_eq!(text.matches("\r\n").count(), 2);
}

#[test]
fn bad_forecast_options_exit_two_naming_the_option() {
    let (d, args) = site();
    let error = |extra: &[&str]| {
        let r = run(&args, extra, d.path());
        (r.code, r.stderr.trim_end().to_string())
    };
    assert_eq!(error(&["--fail-on", "missing"]), (2, "ddns-audit: error: --fail-on: 'missing' is not one of live, never (forecast's levels; missing, stale and at-risk are the audit's)".into()));
    assert_eq!(error(&["--fail-on", "at-risk"]).0, 2);
    assert_eq!(error(&["--horizon", "soon"]), (2, "ddns-audit: error: --horizon: 'soon' is not a duration (expected a number and a unit, like 7d, 36h, 90m, 2s, 500ms, or d.hh:mm:ss, like 7.00:00:00)".into()));
    // Issue #19: a bare number is no duration; the TimeSpan form is one.
    assert_eq!(error(&["--horizon", "28"]), (2, "ddns-audit: error: --horizon: '28' has no unit: add one, like 28d (days), 28h, 28m, 28s or 28ms".into()));
    assert_eq!(error(&["--horizon", "28.00:00:00"]).0, 0);
    assert_eq!(error(&["--horizon", "3651d"]), (2, "ddns-audit: error: --horizon: '3651d' is longer than ten years (3650d)".into()));
    assert_eq!(error(&["--logon-window", "0s"]), (2, "ddns-audit: error: --logon-window: must be longer than zero".into()));
    // The audit does not take the forecast's options on its command line.
    let r = ddns_audit(&["audit", "--horizon", "7d"], d.path());
    assert_eq!(r.code, 2);
    // ... but one config file serves both: the audit ignores horizon and logon-window.
    let config = write(d.path(), "site.toml", "horizon = \"7d\"\nlogon-window = \"60d\"\nfail-on = \"missing\"\n");
    let audit: Vec<String> = args.iter().skip(1).cloned().collect();
    let mut a = vec!["audit".to_string(), "--config".into(), config.clone(), "--output".into(), "-".into()];
    a.extend(audit);
    let r = ddns_audit(&a.iter().map(String::as_str).collect::<Vec<_>>(), d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The forecast reads the horizon from it (pc1, due on 2026-12-04, is beyond 7d).
    let r = run(&args, &["--config", &config, "--output", "-", "--fail-on", "never"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("(horizon 7d): scavenging deletes 1 record: live 0 (frozen 0, cannot-refresh 0), stale 1"), "{}", r.stderr);
}
