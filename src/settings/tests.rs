use super::*;
use crate::forecast::{ForecastFailOn, ForecastOptions};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T06:00:00Z").unwrap().with_timezone(&Utc)
}

#[test]
fn cause_inputs_from_the_config_file() {
    let d = tempfile::tempdir().unwrap();
    let config = d.path().join("audit.toml");
    std::fs::write(&config, "leases = \"a.csv\"\nno-dns = true\nzones = \"zones.csv\"\ndhcp_settings = [\"d1.csv\", \"d2.csv\"]\ndhcp-account = ['CORP\\svc-dhcp', 'DHCP1']\n").unwrap();
    let args = AuditArgs { config: Some(config), ..AuditArgs::default() }.merge_config().unwrap();
    assert_eq!(args.zones, vec![d.path().join("zones.csv")]);
    assert_eq!(args.dhcp_settings, vec![d.path().join("d1.csv"), d.path().join("d2.csv")]);
    let s = args.into_settings(now()).unwrap();
    assert_eq!(s.audit.dhcp_accounts, vec![DhcpAccount::parse("corp\\SVC-DHCP").unwrap(), DhcpAccount::parse("dhcp1").unwrap()]);
}

#[test]
fn config_keys_take_dashes_or_underscores_and_cli_wins() {
    let file = parse_config("leases = \"a.csv\"\ndns_records = [\"z1.dns\", \"z2.dns\"]\nno-refresh = \"3d\"\nassume_aging = true\n").unwrap();
    assert_eq!(file.leases, vec![PathBuf::from("a.csv")]);
    assert_eq!(file.dns_records.len(), 2);
    assert_eq!(file.no_refresh.as_deref(), Some("3d"));
    assert!(file.assume_aging);
    assert_eq!(parse_config("qps = 1\nbogus = 1").unwrap_err(), "line 2, column 1: not an option (the keys are the long option names, `ddns-audit audit --help`)");
    assert_eq!(parse_config("qps = \"s3cret\"").unwrap_err(), "line 1, column 1: the value of qps has the wrong type, expected u32");
    assert_eq!(parse_config("\n  qps = -5").unwrap_err(), "line 2, column 3: the value of qps is not valid, expected u32");
    assert_eq!(parse_config("leases = 5").unwrap_err(), "line 1, column 1: the value of leases has the wrong type");
}

#[test]
fn validation_names_the_option() {
    let args = AuditArgs { leases: vec!["x".into()], dns_records: vec!["z.dns".into()], fail_on: Some("sometimes".into()), ..AuditArgs::default() };
    let e = args.into_settings(now()).unwrap_err().to_string();
    assert!(e.starts_with("--fail-on: 'sometimes'"), "{e}");
    let e = AuditArgs::default().into_settings(now()).unwrap_err().to_string();
    assert!(e.contains("no lease source"), "{e}");
}

#[test]
fn durations_over_ten_years_are_refused() {
    let with = |f: fn(&mut AuditArgs, String), v: &str| {
        let mut a = AuditArgs { leases: vec!["x".into()], dns_records: vec!["z.dns".into()], ..AuditArgs::default() };
        f(&mut a, v.to_string());
        a.into_settings(now()).map(|_| ()).map_err(|e| e.to_string())
    };
    assert_eq!(with(|a, v| a.no_refresh = Some(v), "100000000d"), Err("--no-refresh: '100000000d' is longer than ten years (3650d)".into()));
    assert_eq!(with(|a, v| a.refresh = Some(v), "3651d"), Err("--refresh: '3651d' is longer than ten years (3650d)".into()));
    assert_eq!(with(|a, v| a.scavenging_interval = Some(v), "522w"), Err("--scavenging-interval: '522w' is longer than ten years (3650d)".into()));
    assert_eq!(with(|a, v| a.timeout = Some(v), "315360001s"), Err("--timeout: '315360001s' is longer than ten years (3650d)".into()));
    assert_eq!(with(|a, v| a.no_refresh = Some(v), "3650d"), Ok(()));
    // The config file's values are validated as the options they fill.
    let file = parse_config("no_refresh = \"99999d\"\n").unwrap();
    let mut a = AuditArgs { leases: vec!["x".into()], dns_records: vec!["z.dns".into()], ..AuditArgs::default() };
    a.no_refresh = file.no_refresh;
    assert_eq!(a.into_settings(now()).unwrap_err().to_string(), "--no-refresh: '99999d' is longer than ten years (3650d)");
}

#[test]
fn pacing_is_the_engines_own_with_its_defaults_written_once() {
    let pacing = |f: fn(&mut AuditArgs)| {
        let mut a = AuditArgs { leases: vec!["x".into()], dns_records: vec!["z.dns".into()], ..AuditArgs::default() };
        f(&mut a);
        a.into_settings(now()).map(|s| s.pacing).map_err(|e| e.to_string())
    };
    let polite = Pacing { concurrency: 32, qps: 500, timeout: std::time::Duration::from_secs(2), retries: 2 };
    assert_eq!(pacing(|_| {}), Ok(polite.clone()));
    assert_eq!(Pacing::default(), polite);
    assert_eq!(
        pacing(|a| (a.concurrency, a.qps, a.timeout, a.retries) = (Some(7), Some(9), Some("500ms".into()), Some(0))),
        Ok(Pacing { concurrency: 7, qps: 9, timeout: std::time::Duration::from_millis(500), retries: 0 })
    );
    assert_eq!(pacing(|a| a.concurrency = Some(0)), Err("--concurrency: must be at least 1".into()));
    assert_eq!(pacing(|a| a.qps = Some(0)), Err("--qps: must be at least 1".into()));
    assert_eq!(pacing(|a| a.timeout = Some("0s".into())), Err("--timeout: must be longer than zero".into()));
    // A malformed --timeout is told first, then --concurrency, --qps, a zero --timeout.
    let e = pacing(|a| (a.concurrency, a.timeout) = (Some(0), Some("soon".into()))).unwrap_err();
    assert!(e.starts_with("--timeout: "), "{e}");
    assert_eq!(pacing(|a| (a.qps, a.timeout) = (Some(0), Some("0s".into()))), Err("--qps: must be at least 1".into()));
    // The help shows the same defaults.
    let mut cli = Cli::command();
    let help = cli.find_subcommand_mut("audit").map(|c| c.render_long_help().to_string()).unwrap_or_default();
    for line in [
        "Queries in flight at once [default: 32]",
        "Queries per second, at most [default: 500]",
        "Per-query timeout [default: 2s]",
        "Retries after a failed query [default: 2]",
    ] {
        assert!(help.contains(line), "{line} not in\n{help}");
    }
}

#[test]
fn defaults() {
    let s = AuditArgs { leases: vec!["x".into()], dns_records: vec!["z.dns".into()], ..AuditArgs::default() }.into_settings(now()).unwrap();
    assert_eq!(s.audit.no_refresh, TimeDelta::days(7));
    assert_eq!(s.audit.as_of, now());
    assert_eq!(s.fail_on, FailOn::Never);
    assert_eq!(s.output, Destination::File(PathBuf::from("reports/ddns-audit-20261124T060000Z.csv")));
    assert_eq!(parse_server("10.0.0.1"), Some("10.0.0.1:53".parse().unwrap()));
    assert_eq!(parse_server("[::1]:5353"), Some("[::1]:5353".parse().unwrap()));
}

#[test]
fn previous_format_and_keep() {
    let base = || AuditArgs { leases: vec!["x".into()], dns_records: vec!["z.dns".into()], ..AuditArgs::default() };
    let previous = |a: AuditArgs| a.into_settings(now()).map(|s| s.previous).map_err(|e| e.to_string());
    // auto: in the output's folder, before this report's own timestamp (its name's, else the clock).
    assert_eq!(previous(base()), Ok(PreviousChoice::Auto { dir: PathBuf::from("reports"), before: now() }));
    let t = DateTime::parse_from_rfc3339("2026-11-13T12:00:00Z").unwrap().with_timezone(&Utc);
    let named = |o: &str| AuditArgs { output: Some(o.into()), ..base() };
    assert_eq!(previous(named("/r/ddns-audit-20261113T120000Z.jsonl")), Ok(PreviousChoice::Auto { dir: PathBuf::from("/r"), before: t }));
    assert_eq!(previous(named("weekly.csv")), Ok(PreviousChoice::Auto { dir: PathBuf::from("."), before: now() }));
    assert_eq!(previous(named("-")), Ok(PreviousChoice::None));
    assert_eq!(previous(AuditArgs { previous: Some("none".into()), ..base() }), Ok(PreviousChoice::None));
    assert_eq!(previous(AuditArgs { previous: Some("last.csv".into()), ..named("-") }), Ok(PreviousChoice::Path("last.csv".into())));
    assert_eq!(previous(AuditArgs { previous: Some(" ".into()), ..base() }), Err("--previous: give a path, auto or none".into()));
    // From the config file: a path is relative to it, the words are words.
    let d = tempfile::tempdir().unwrap();
    let config = d.path().join("audit.toml");
    std::fs::write(&config, "previous = \"old/last.csv\"\nformat = \"jsonl\"\nkeep = 4\n").unwrap();
    let s = AuditArgs { config: Some(config.clone()), ..base() }.merge_config().unwrap().into_settings(now()).unwrap();
    assert_eq!((s.previous, s.format, s.keep), (PreviousChoice::Path(d.path().join("old/last.csv")), Format::Jsonl, Some(4)));
    assert_eq!(s.output, Destination::File(PathBuf::from("reports/ddns-audit-20261124T060000Z.jsonl")));
    std::fs::write(&config, "previous = \"none\"\n").unwrap();
    let s = AuditArgs { config: Some(config), ..base() }.merge_config().unwrap().into_settings(now()).unwrap();
    assert_eq!(s.previous, PreviousChoice::None);
    assert_eq!(AuditArgs { keep: Some(0), ..base() }.into_settings(now()).unwrap_err().to_string(), "--keep: must be at least 1 (the report just written is one of them)");
    assert_eq!(AuditArgs { format: Some("JSON".into()), ..base() }.into_settings(now()).unwrap_err().to_string(), "--format: 'JSON' is not one of csv, jsonl");
    // The forecast: its own default name, no previous report (`--previous` is the audit's).
    let f = ForecastArgs { common: AuditArgs { format: Some("jsonl".into()), previous: Some("last.csv".into()), ..base() }, horizon: None, logon_window: None };
    assert_eq!(f.into_settings(now()).unwrap_err().to_string(), "--previous is an audit option, not the forecast's: a forecast has no run-over-run columns");
    let f = ForecastArgs { common: AuditArgs { format: Some("jsonl".into()), ..base() }, horizon: None, logon_window: None };
    let f = f.into_settings(now()).unwrap();
    assert_eq!(f.base.output, Destination::File(PathBuf::from("reports/ddns-audit-forecast-20261124T060000Z.jsonl")));
    assert_eq!(f.base.previous, PreviousChoice::None);
}

#[test]
fn forecast_defaults_and_its_own_fail_on() {
    let args = |f: fn(&mut ForecastArgs)| {
        let mut a = ForecastArgs { common: AuditArgs { leases: vec!["x".into()], dns_records: vec!["z.dns".into()], ..AuditArgs::default() }, horizon: None, logon_window: None };
        f(&mut a);
        a.into_settings(now()).map_err(|e| e.to_string())
    };
    let s = args(|_| {}).unwrap();
    assert_eq!(s.forecast, ForecastOptions { horizon: TimeDelta::days(28), logon_window: TimeDelta::days(30) });
    assert_eq!(s.fail_on, ForecastFailOn::Never);
    assert_eq!(s.base.output, Destination::File(PathBuf::from("reports/ddns-audit-forecast-20261124T060000Z.csv")));
    // The command line wins over the config's value (here set as the config would).
    let s = args(|a| (a.horizon, a.common.horizon, a.common.logon_window) = (Some("14d".into()), Some("7d".into()), Some("45d".into()))).unwrap();
    assert_eq!(s.forecast, ForecastOptions { horizon: TimeDelta::days(14), logon_window: TimeDelta::days(45) });
    assert_eq!(args(|a| a.common.fail_on = Some("LIVE".into())).map(|s| s.fail_on), Err("--fail-on: 'LIVE' is not one of live, never (forecast's levels; missing, stale and at-risk are the audit's)".into()));
    assert_eq!(args(|a| a.common.fail_on = Some("live".into())).map(|s| s.fail_on), Ok(ForecastFailOn::Live));
    assert_eq!(args(|a| a.horizon = Some("0s".into())).map(|s| s.forecast.horizon), Ok(TimeDelta::zero()));
    assert_eq!(args(|a| a.logon_window = Some("3651d".into())).map(|_| ()), Err("--logon-window: '3651d' is longer than ten years (3650d)".into()));
    // The audit keeps its own default name and levels.
    let audit = AuditArgs { leases: vec!["x".into()], dns_records: vec!["z.dns".into()], fail_on: Some("live".into()), ..AuditArgs::default() };
    assert!(audit.into_settings(now()).unwrap_err().to_string().starts_with("--fail-on: 'live' is not one of missing, stale, at-risk, never"));
}

#[test]
fn passwords_are_read_where_used_after_the_other_errors() {
    let dir = tempfile::tempdir().unwrap();
    let absent = dir.path().join("absent");
    let io = std::fs::read_to_string(&absent).unwrap_err();
    let base = || AuditArgs { leases: vec!["x".into()], dns_records: vec!["z.dns".into()], ..AuditArgs::default() };
    let ldap = |url: &str| AuditArgs { ldap_url: Some(url.into()), bind_dn: Some("CN=audit,DC=corp,DC=test".into()), password_file: Some(absent.clone()), ..base() };
    let kea = |a: AuditArgs| AuditArgs { kea_url: vec!["http://127.0.0.1:9/".into()], kea_password_file: Some(absent.clone()), ..a };
    let error = |a: AuditArgs| a.into_settings(now()).unwrap_err().to_string();
    // The Kea password file only with a --kea-url; LDAP's not for a Kerberos bind.
    assert!(AuditArgs { kea_password_file: Some(absent.clone()), ..base() }.into_settings(now()).is_ok());
    let k = AuditArgs { bind_dn: None, kerberos: true, ..ldap("ldaps://dc1.corp.test") }.into_settings(now()).unwrap();
    assert!(matches!(k.ldap.map(|c| c.auth), Some(ldap::Auth::Kerberos)));
    assert_eq!(error(kea(base())), format!("--kea-password-file {}: {io}", absent.display()));
    assert_eq!(error(ldap("ldaps://dc1.corp.test")), format!("cannot read the password file {}: {io}", absent.display()));
    // Said first: the other options, the LDAP URL, then LDAP's password, then Kea's.
    assert_eq!(error(AuditArgs { fail_on: Some("sometimes".into()), ..kea(ldap("ldaps://dc1")) }).split(':').next(), Some("--fail-on"));
    assert_eq!(error(kea(ldap("http://dc1"))), "--ldap-url 'http://dc1': scheme 'http' is not ldaps:// or ldap://");
    assert_eq!(error(kea(ldap("ldaps://dc1"))), format!("cannot read the password file {}: {io}", absent.display()));
    // Read, the password is in the stage's configuration and never in its debug form.
    let pw = dir.path().join("pw");
    std::fs::write(&pw, "s3cret\n").unwrap();
    let s = AuditArgs { password_file: Some(pw.clone()), kea_password_file: Some(pw), ..kea(ldap("ldaps://dc1")) }.into_settings(now()).unwrap();
    assert!(matches!(s.ldap.as_ref().map(|c| &c.auth), Some(ldap::Auth::Simple { password, .. }) if password.expose() == "s3cret"));
    assert_eq!(s.kea.password.as_ref().map(secret::Secret::expose), Some("s3cret"));
    assert!(!format!("{s:?}").contains("s3cret"), "a password in the settings' debug form");
}

/// Issue #19 item 10: a run with no DNS source would write every row `unknown`, which reads
/// as "nothing missing": refused unless asked for with --no-dns (which no DNS source may
/// contradict).
#[test]
fn no_dns_source_is_refused_unless_asked_for() {
    let base = || AuditArgs { leases: vec!["x".into()], ..AuditArgs::default() };
    assert_eq!(
        base().into_settings(now()).unwrap_err().to_string(),
        "--dns-records: no DNS source: give --dns-records PATH, --dns-server ADDR or --ldap-url URL (or set them in --config); to audit without DNS data (every row's DNS status unknown), pass --no-dns"
    );
    assert!(AuditArgs { no_dns: true, ..base() }.into_settings(now()).is_ok());
    assert!(AuditArgs { dns_server: vec!["127.0.0.1".into()], ..base() }.into_settings(now()).is_ok());
    assert_eq!(
        AuditArgs { no_dns: true, dns_records: vec!["z.dns".into()], ..base() }.into_settings(now()).unwrap_err().to_string(),
        "--no-dns: contradicts --dns-records: give one or the other"
    );
    assert!(parse_config("no-dns = true").unwrap().no_dns);
}

/// Issue #19 item 9: a duration option without a unit is refused, saying to add one; the
/// TimeSpan form is taken.
#[test]
fn duration_options_need_a_unit() {
    let base = || AuditArgs { leases: vec!["x".into()], no_dns: true, ..AuditArgs::default() };
    assert_eq!(
        AuditArgs { no_refresh: Some("7".into()), ..base() }.into_settings(now()).unwrap_err().to_string(),
        "--no-refresh: '7' has no unit: add one, like 7d (days), 7h, 7m, 7s or 7ms"
    );
    let s = AuditArgs { refresh: Some("7.00:00:00".into()), scavenging_interval: Some("1.12:00:00".into()), ..base() }.into_settings(now()).unwrap();
    assert_eq!((s.audit.refresh, s.audit.scavenging_interval), (TimeDelta::days(7), TimeDelta::hours(36)));
}
