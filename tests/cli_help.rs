//! The command line explains itself: `-h` fits a screen, `--help` has the groups, examples and
//! exit codes; `forecast` takes only its own options; completions and the man page come from
//! the same definition; the input conveniences (`--as-of` dates, `-7d`, config typos).
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns unwrap too

mod util;

use util::{Run, ddns_audit, ddns_audit_env, root, scratch};

/// Help as a 100-column terminal shows it.
fn help(args: &[&str]) -> Run {
    let r = ddns_audit_env(args, &root(), &[("COLUMNS", "100")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r
}

const GROUPS: [&str; 7] = ["Inputs:", "Cause inputs:", "Aging and time:", "Live AD:", "Live DNS:", "Kea:", "Report:"];

#[test]
fn short_help_fits_a_screen_with_the_groups_and_the_exit_codes() {
    let r = help(&["audit", "-h"]);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(lines.len() <= 52, "{} lines:\n{}", lines.len(), r.stdout);
    assert!(lines.iter().all(|l| l.chars().count() <= 100), "{}", r.stdout);
    for g in GROUPS {
        assert!(lines.contains(&g), "{g} not in\n{}", r.stdout);
    }
    assert!(r.stdout.ends_with("Exit codes: 0 done, 1 a row reached --fail-on, 2 could not complete.\n'--help' shows every option, with examples; docs/options.md has them all.\n"), "{}", r.stdout);
    // The pacing knobs are in --help only.
    assert!(!r.stdout.contains("--qps"), "{}", r.stdout);
}

#[test]
fn long_help_has_every_option_examples_and_exit_codes() {
    let r = help(&["audit", "--help"]);
    assert!(r.stdout.lines().all(|l| l.chars().count() <= 100), "{}", r.stdout);
    for g in GROUPS {
        assert!(r.stdout.lines().any(|l| l == g), "{g} not in\n{}", r.stdout);
    }
    for o in ["--qps", "--previous", "--keep", "--ldap-connections", "--date-order"] {
        assert!(r.stdout.contains(o), "{o} not in --help");
    }
    assert!(r.stdout.contains("\nExamples:\n  The example site, from the repository root (the report goes to reports/):\n    ddns-audit audit --config examples/offline/audit.toml --html reports/example.html\n"), "{}", r.stdout);
    assert!(
        r.stdout.ends_with(
            "Exit codes:\n  0  the audit completed and no row reached --fail-on\n  1  a row at or above --fail-on exists (missing > stale > at-risk)\n  2  the audit could not complete (bad option or config, unreadable input, unreachable server)\n"
        ),
        "{}",
        r.stdout
    );
}

/// The first example of each `--help` is the example site, and it runs.
#[test]
fn the_first_help_example_runs() {
    let d = scratch();
    let examples = root().join("examples").join("offline").join("audit.toml");
    let r = ddns_audit(&["audit", "--config", examples.to_str().unwrap(), "--html", "reports/example.html"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(d.path().join("reports/example.html").is_file());
}

#[test]
fn forecast_shows_and_takes_only_its_own_options() {
    let r = help(&["forecast", "--help"]);
    for o in ["--qps", "--dns-server", "--scavenging-interval", "--previous", "--concurrency", "--timeout", "--retries", "--compare-servers"] {
        assert!(!r.stdout.lines().any(|l| l.trim_start().starts_with(o)), "{o} in forecast --help");
    }
    for o in ["--horizon", "--logon-window", "--leases", "--fail-on"] {
        assert!(r.stdout.contains(o), "{o} not in forecast --help");
    }
    let d = scratch();
    for (args, option, why) in [
        (&["--qps", "5"][..], "--qps", "the forecast does not ask live DNS"),
        (&["--dns-server", "10.0.0.1"][..], "--dns-server", "the forecast does not ask live DNS: its records are dated by their timestamps, which live answers lack"),
        (&["--scavenging-interval", "1d"][..], "--scavenging-interval", "the forecast dates when each record becomes deletable, whichever scavenging run deletes it"),
        (&["--previous", "none"][..], "--previous", "a forecast has no run-over-run columns"),
    ] {
        let mut a = vec!["forecast", "--leases", "x.csv", "--no-dns"];
        a.extend(args);
        let r = ddns_audit(&a, d.path());
        assert_eq!((r.code, r.stderr), (2, format!("ddns-audit: error: {option} is an audit option, not the forecast's: {why}\n")));
    }
}

/// One config file serves both commands: the forecast ignores the audit's own keys in it.
#[test]
fn a_config_shared_with_the_audit_serves_the_forecast() {
    let d = scratch();
    let site = root().join("examples/offline");
    let text = format!(
        "leases = '{}'\ndns-records = '{}'\ndomain = \"corp.example.test\"\nas-of = \"2026-11-20\"\nscavenging-interval = \"1d\"\nprevious = \"none\"\ndns-server = \"192.0.2.1\"\nqps = 5\nhorizon = \"7d\"\n",
        site.join("leases/dhcp1-v4.csv").display(),
        site.join("dns/corp.example.test.dns").display()
    );
    std::fs::write(d.path().join("site.toml"), text).unwrap();
    let r = ddns_audit(&["forecast", "--config", "site.toml", "--output", "-"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.starts_with("ddns-audit: forecast as of 2026-11-20T00:00:00Z to 2026-11-27T00:00:00Z (horizon 7d): "), "{}", r.stderr);
}

#[test]
fn as_of_takes_a_date_and_now() {
    let r = ddns_audit(&["audit", "--config", "examples/offline/audit.toml", "--output", "-", "--as-of", "2026-11-20"], &root());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains(" audited as of 2026-11-20T00:00:00Z ("), "{}", r.stderr);
    let r = ddns_audit(&["forecast", "--config", "examples/offline/audit.toml", "--output", "-", "--as-of", "now"], &root());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = ddns_audit(&["audit", "--config", "examples/offline/audit.toml", "--output", "-", "--as-of", "20.11.2026"], &root());
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (2, "ddns-audit: error: --as-of: '20.11.2026' is not a time: give an RFC 3339 time (2026-11-24T06:00:00Z), a date (2026-11-24, midnight UTC) or now\n")
    );
}

/// `-7d` reaches the option (not taken for an option itself) and is told to be negative.
#[test]
fn a_negative_duration_is_the_options_value() {
    for (option, value) in [("--horizon", "-7d"), ("--no-refresh", "-1d"), ("--logon-window", "-30d")] {
        let r = ddns_audit(&["forecast", "--config", "examples/offline/audit.toml", "--output", "-", option, value], &root());
        assert_eq!((r.code, r.stderr), (2, format!("ddns-audit: error: {option}: '{value}' is negative: a duration is positive (7d, 36h)\n")));
    }
}

#[test]
fn config_mistakes_are_explained() {
    let d = scratch();
    for (text, expected) in [
        ("leases = 'a.csv'\ndns-record = ['b.dns']\n", "line 2, column 1: dns-record is not an option; did you mean dns-records?"),
        ("logon_windw = \"30d\"\n", "line 1, column 1: logon-windw is not an option; did you mean logon-window?"),
        (
            "leases = \"C:\\exports\\leases.csv\"\n",
            "line 1, column 22: not valid TOML (syntax error): a backslash in double quotes starts an escape; write Windows paths in single quotes ('C:\\exports\\leases.csv')",
        ),
        (
            "leases = \"C:\\users\\leases.csv\"\n",
            "line 1, column 15: not valid TOML (too few unicode value digits, expected unicode hexadecimal value): a backslash in double quotes starts an escape; write Windows paths in single quotes ('C:\\exports\\leases.csv')",
        ),
    ] {
        std::fs::write(d.path().join("site.toml"), text).unwrap();
        let r = ddns_audit(&["audit", "--config", "site.toml"], d.path());
        assert_eq!((r.code, r.stderr), (2, format!("ddns-audit: error: config file site.toml: {expected}\n")), "{text}");
    }
}

#[test]
fn completions_for_each_shell_and_a_man_page() {
    let d = scratch();
    for (shell, marker) in [("bash", "complete -F _ddns__audit"), ("zsh", "#compdef ddns-audit"), ("fish", "complete -c ddns-audit"), ("powershell", "Register-ArgumentCompleter")] {
        let r = ddns_audit(&["completions", shell], d.path());
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        assert!(r.stdout.contains(marker), "{shell}: {marker} not in the script");
        assert!(r.stdout.contains("leases") && r.stdout.contains("horizon"), "{shell}: options missing");
    }
    let r = ddns_audit(&["completions", "tcsh"], d.path());
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("invalid value 'tcsh'"), "{}", r.stderr);
    let r = ddns_audit(&["man"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    for part in [".TH ddns-audit 1", ".TH ddns-audit-audit 1", ".TH ddns-audit-forecast 1", "\\-\\-leases", "\\-\\-horizon"] {
        assert!(r.stdout.contains(part), "{part} not in the man page");
    }
}
