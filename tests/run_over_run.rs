//! Run over run (docs/report.md "Run over run"), JSON Lines and `--keep`, with the real binary: three
//! runs of the example site with its exports edited between them, each run finding the one
//! before in the reports folder (`--previous auto`).
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns unwrap too

mod util;

use std::path::{Path, PathBuf};

use util::{csv_rows, ddns_audit, root, scratch};

/// A copy of `examples/offline` in `dir`, without `all = true` and the pinned as-of (each run
/// gives its own).
fn copy_example(dir: &Path) -> PathBuf {
    let site = dir.join("site");
    copy_dir(&root().join("examples/offline"), &site);
    let config = site.join("audit.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let text: String = text.lines().filter(|l| !l.starts_with("all =") && !l.starts_with("as-of =")).map(|l| format!("{l}\n")).collect();
    std::fs::write(&config, text).unwrap();
    site
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    let edited = f(text.clone());
    assert_ne!(edited, text, "{} unchanged", path.display());
    std::fs::write(path, edited).unwrap();
}

/// One audit of the copied site as of `as_of`, its report named for that time in `reports/`.
fn run(dir: &Path, as_of: &str, extra: &[&str]) -> (util::Run, Vec<Vec<String>>) {
    let stamp = as_of.replace(['-', ':'], "");
    run_to(dir, as_of, &format!("reports/ddns-audit-{stamp}.csv"), extra)
}

fn run_to(dir: &Path, as_of: &str, output: &str, extra: &[&str]) -> (util::Run, Vec<Vec<String>>) {
    let mut args = vec!["audit", "--config", "site/audit.toml", "--as-of", as_of, "--output", &output];
    args.extend_from_slice(extra);
    let r = ddns_audit(&args, dir);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv_rows(&std::fs::read_to_string(dir.join(output)).unwrap());
    (r, rows)
}

/// `status, first_seen, change` of the row for `ip`; `None` when no row.
fn row_of(rows: &[Vec<String>], ip: &str) -> Option<[String; 3]> {
    rows.iter().find(|r| r[1] == ip).map(|r| [r[0].clone(), r[26].clone(), r[27].clone()])
}

fn expect(status: &str, first_seen: &str, change: &str) -> Option<[String; 3]> {
    Some([status.to_string(), first_seen.to_string(), change.to_string()])
}

const T1: &str = "2026-11-20T12:00:00Z";
const T2: &str = "2026-11-20T13:00:00Z";
const T3: &str = "2026-11-20T14:00:00Z";
const NEW_LEASE: &str = "\"10.0.16.40\",\"10.0.16.0\",\"Active\",\"00-15-5d-10-16-40\",\"Dhcp\",\"pc-new-01.corp.example.test\",\"2026-11-27T10:00:00Z\",\"AandPTR\",\"Complete\",\"10.0.0.11\"\n";
const FIN05_A: &str = "pc-fin-05               [AGE:3733188] 1200 A\t10.0.16.25\n";
const FIN05_PTR: &str = "25                      [AGE:3733188] 1200 PTR\tpc-fin-05.corp.example.test.\n";

#[test]
fn three_runs_of_the_example_site() {
    let d = scratch();
    let site = copy_example(d.path());
    let (corp, rev, leases) = (site.join("dns/corp.example.test.dns"), site.join("dns/16.0.10.in-addr.arpa.dns"), site.join("leases/dhcp1-v4.csv"));
    // The formula-like host name, escaped in the CSV ('=hyperlink...), is the same lease every run.
    let formula = "10.0.16.34";

    // Run 1: no previous report. Every finding is first seen now; change is empty.
    let (r, rows) = run(d.path(), T1, &[]);
    assert!(r.stderr.contains("\n  previous report: none\n"), "{}", r.stderr);
    assert_eq!(row_of(&rows, "10.0.16.24"), expect("missing", T1, ""));
    assert_eq!(row_of(&rows, "10.0.16.25"), expect("missing", T1, ""));
    assert_eq!(row_of(&rows, "10.0.16.33"), expect("at-risk", T1, ""));
    assert_eq!(rows.iter().find(|r| r[1] == formula).map(|r| r[3].as_str()), Some("'=hyperlink(\"http://evil.example/x\",\"click\")"));
    assert_eq!(row_of(&rows, "10.0.16.21"), None, "ok rows only with --all");
    // pc-wh-01's PTR cannot be refreshed (its reverse zone takes no dynamic updates): at risk.
    assert_eq!(row_of(&rows, "10.0.20.51"), expect("at-risk", T1, ""));
    assert_eq!(rows.len(), 1 + 18);

    // Run 2: pc-fin-05 fixed (its A and PTR registered), pc-new-01 leased without any record,
    // pc-hr-05's A record a week older (risk medium to high), the rest unchanged.
    edit(&corp, |t| t.replace("pc-hr-05                [AGE:3732996]", "pc-hr-05                [AGE:3732756]") + FIN05_A);
    edit(&rev, |t| t + FIN05_PTR);
    edit(&leases, |t| t + NEW_LEASE);
    edit(&site.join("dns/corp-owners.csv"), |t| t.replace("\"pc-hr-05\",\"A\",\"2026-11-10T12:00:00Z\"", "\"pc-hr-05\",\"A\",\"2026-10-31T12:00:00Z\""));
    let (r, rows) = run(d.path(), T2, &["--html", "reports/run2.html"]);
    assert!(
        r.stderr.contains(&util::native("\n  previous report: reports/ddns-audit-20261120T120000Z.csv: new 1, worse 1, better 0, same 16, resolved 1, no longer leased 0\n")),
        "{}",
        r.stderr
    );
    // The HTML report's chart of changes draws the same counts (a bar per non-zero change).
    let page = std::fs::read_to_string(d.path().join("reports/run2.html")).unwrap();
    let chart = page.split(r#"<svg id="chart-changes""#).nth(1).unwrap().split("</svg>").next().unwrap();
    for (change, n) in [("new", 1), ("worse", 1), ("same", 16), ("resolved", 1)] {
        assert!(chart.contains(&format!(r#"data-group="{change}" data-series="{change}" data-value="{n}""#)), "{change}: {chart}");
    }
    assert_eq!(chart.matches(r#"<rect class="bar""#).count(), 4, "{chart}");
    // Fixed: written without --all, as resolved.
    assert_eq!(row_of(&rows, "10.0.16.25"), expect("ok", "", "resolved"));
    assert_eq!(row_of(&rows, "10.0.16.40"), expect("missing", T2, "new"));
    assert_eq!(row_of(&rows, "10.0.16.33"), expect("at-risk", T1, "worse"));
    assert_eq!(rows.iter().find(|r| r[1] == "10.0.16.33").map(|r| r[15].as_str()), Some("high"));
    assert_eq!(row_of(&rows, "10.0.16.24"), expect("missing", T1, "same"));
    assert_eq!(row_of(&rows, formula), expect("missing", T1, "same"));
    assert_eq!(row_of(&rows, "10.0.16.21"), None);
    assert_eq!(row_of(&rows, "10.0.20.51"), expect("at-risk", T1, "same"));
    assert_eq!(rows.len(), 1 + 19);

    // Run 3: pc-fin-05 broken again (a new series starts), pc-new-01's lease gone, pc-fin-04's
    // A record back but old (missing to at-risk).
    edit(&corp, |t| t.replace(FIN05_A, "") + "pc-fin-04               [AGE:3732756] 1200 A\t10.0.16.24\n");
    edit(&rev, |t| t.replace(FIN05_PTR, ""));
    edit(&leases, |t| t.replace(NEW_LEASE, ""));
    let (r, rows) = run(d.path(), T3, &[]);
    assert!(
        r.stderr.contains(&util::native("\n  previous report: reports/ddns-audit-20261120T130000Z.csv: new 1, worse 0, better 1, same 16, resolved 0, no longer leased 1\n")),
        "{}",
        r.stderr
    );
    assert_eq!(row_of(&rows, "10.0.16.25"), expect("missing", T3, "new"));
    assert_eq!(row_of(&rows, "10.0.16.40"), None, "no longer leased: not written");
    assert_eq!(row_of(&rows, "10.0.16.24"), expect("at-risk", T1, "better"));
    assert_eq!(row_of(&rows, "10.0.16.33"), expect("at-risk", T1, "same"));
    assert_eq!(row_of(&rows, formula), expect("missing", T1, "same"));
    assert_eq!(rows.len(), 1 + 18);

    // The same run read from a JSON Lines previous report gives the same rows.
    let (r, jsonl_rows) = {
        // Run 2 again, as JSON Lines, over the same inputs.
        edit(&corp, |t| t.replace("pc-fin-04               [AGE:3732756] 1200 A\t10.0.16.24\n", "") + FIN05_A);
        edit(&rev, |t| t + FIN05_PTR);
        edit(&leases, |t| t + NEW_LEASE);
        let args = ["audit", "--config", "site/audit.toml", "--as-of", T2, "--format", "jsonl", "--previous", "reports/ddns-audit-20261120T120000Z.csv"];
        let r2 = ddns_audit(&[&args[..], &["--output", "reports/ddns-audit-20261120T130000Z.jsonl"]].concat(), d.path());
        assert_eq!(r2.code, 0, "{}", r2.stderr);
        edit(&corp, |t| t.replace(FIN05_A, "") + "pc-fin-04               [AGE:3732756] 1200 A\t10.0.16.24\n");
        edit(&rev, |t| t.replace(FIN05_PTR, ""));
        edit(&leases, |t| t.replace(NEW_LEASE, ""));
        run_to(d.path(), T3, "reports/third.csv", &["--previous", "reports/ddns-audit-20261120T130000Z.jsonl"])
    };
    assert!(r.stderr.contains(&util::native("previous report: reports/ddns-audit-20261120T130000Z.jsonl: new 1, worse 0, better 1, same 16, resolved 0, no longer leased 1\n")), "{}", r.stderr);
    assert_eq!(jsonl_rows, rows);

    // `--previous none`: no comparison.
    let (r, rows) = run(d.path(), T3, &["--previous", "none"]);
    assert!(r.stderr.contains("\n  previous report: none\n"), "{}", r.stderr);
    assert_eq!(row_of(&rows, "10.0.16.24"), expect("at-risk", T3, ""));
}

#[test]
fn a_previous_report_with_other_columns_is_ignored_and_an_unreadable_one_named_is_an_error() {
    let d = scratch();
    copy_example(d.path());
    std::fs::create_dir(d.path().join("reports")).unwrap();
    // An older version's 26 columns, found by auto and named by path: ignored with a note.
    let old = "status,ip,hostname,fqdn,mac,lease_state,lease_expires,scope,a_status,a_records,ptr_status,ptr_records,record_kind,record_timestamp,scavenge_after,scavenging_risk,ad_computer,ad_enabled,ad_last_logon,dhcp_dns_registration,remediation,source,record_owner,owner_kind,zone_dynamic_updates,dhcp_dns_setting\r\n";
    std::fs::write(d.path().join("reports/ddns-audit-20261113T120000Z.csv"), old).unwrap();
    let note = util::native("\n  previous report: none (reports/ddns-audit-20261113T120000Z.csv ignored: its columns are not this version's 28 (26 columns: an older ddns-audit's report, a forecast or another file))\n");
    for extra in [&[][..], &["--previous", "reports/ddns-audit-20261113T120000Z.csv"][..]] {
        let (r, rows) = run(d.path(), T1, extra);
        assert!(r.stderr.contains(&note), "{}", r.stderr);
        assert_eq!(row_of(&rows, "10.0.16.24"), expect("missing", T1, ""));
    }
    // Named but unreadable: exit 2, naming it. With auto: a note, and the run goes on.
    let r = ddns_audit(&["audit", "--config", "site/audit.toml", "--output", "-", "--previous", "reports/absent.csv"], d.path());
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains(&util::native("--previous reports/absent.csv: cannot read the previous report: ")), "{}", r.stderr);
    let broken = "reports/ddns-audit-20261120T120000Z.csv";
    let mut text = std::fs::read_to_string(d.path().join(broken)).unwrap();
    let mut bad = vec![""; 28];
    (bad[0], bad[1], bad[3], bad[26]) = ("missing", "10.0.16.999", "x.corp.example.test", T1);
    text.push_str(&(bad.join(",") + "\r\n"));
    std::fs::write(d.path().join(broken), &text).unwrap();
    let r = ddns_audit(&["audit", "--config", "site/audit.toml", "--output", "-", "--previous", broken], d.path());
    assert_eq!(r.code, 2);
    let shown = util::native(broken);
    assert!(r.stderr.contains(&format!("--previous {shown}: line 20: ip '10.0.16.999' is not an address")), "{}", r.stderr);
    let (r, _) = run(d.path(), T2, &[]);
    assert!(r.stderr.contains(&format!("\n  previous report: none (ignored {shown}: line 20: ip '10.0.16.999' is not an address)\n")), "{}", r.stderr);
}

/// `--format jsonl`: every line parses, its keys are the CSV's columns in order, and its values
/// are the CSV's cells (lists as arrays, empty as null, no formula escaping).
#[test]
fn json_lines_equal_the_csv_rows() {
    let csv = ddns_audit(&["audit", "--config", "examples/offline/audit.toml", "--output", "-"], &root());
    let jsonl = ddns_audit(&["audit", "--config", "examples/offline/audit.toml", "--output", "-", "--format", "jsonl"], &root());
    assert_eq!((csv.code, jsonl.code), (0, 0), "{}", jsonl.stderr);
    let rows = csv_rows(&csv.stdout);
    let header = &rows[0];
    assert!(!jsonl.stdout.contains('\r'), "LF line ends");
    let lines: Vec<&str> = jsonl.stdout.lines().collect();
    assert_eq!(lines.len(), rows.len() - 1);
    let unescape = |s: &str| -> String {
        match s.as_bytes() {
            [b'\'', b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\'', ..] => s[1..].to_string(),
            _ => s.to_string(),
        }
    };
    for (line, row) in lines.iter().zip(&rows[1..]) {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        let object = value.as_object().unwrap();
        // Keys in column order, as written.
        let keys: Vec<String> = line.trim_start_matches('{').split(",\"").filter_map(|p| p.trim_start_matches('"').split_once("\":").map(|(k, _)| k.to_string())).filter(|k| header.contains(k)).collect();
        assert_eq!(&keys, header);
        for (name, cell) in header.iter().zip(row) {
            let v = &object[name];
            let text = match v {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(items) => {
                    assert!(["a_records", "ptr_records", "dhcp_dns_setting"].contains(&name.as_str()), "{name} is an array");
                    items.iter().map(|i| i.as_str().unwrap().to_string()).collect::<Vec<_>>().join(";")
                }
                other => panic!("{name}: {other}"),
            };
            assert_eq!(text, unescape(cell), "{name} in {line}");
            assert!(!(v.is_string() && text.is_empty()), "{name}: empty is null");
        }
    }
    // The formula-like host name as the client sent it, and a list.
    let evil = lines.iter().find(|l| l.contains("\"ip\":\"10.0.16.34\"")).unwrap();
    assert!(evil.contains("\"fqdn\":\"=hyperlink(\\\"http://evil.example/x\\\",\\\"click\\\")\""), "{evil}");
    let fin01 = lines.iter().find(|l| l.contains("\"ip\":\"10.0.16.21\"")).unwrap();
    assert!(fin01.contains("\"a_records\":[\"10.0.16.21\",\"2001:db8:16::21\"]") && fin01.contains("\"first_seen\":null,\"change\":null}"), "{fin01}");

    // The default name ends in .jsonl; the forecast takes --format too.
    let d = scratch();
    let config = root().join("examples/offline/audit.toml");
    let r = ddns_audit(&["audit", "--config", config.to_str().unwrap(), "--format", "jsonl"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let written: Vec<String> = std::fs::read_dir(d.path().join("reports")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(written.len() == 1 && written[0].starts_with("ddns-audit-") && written[0].ends_with(".jsonl"), "{written:?}");
    let f = ddns_audit(&["forecast", "--config", "examples/offline/audit.toml", "--output", "-", "--format", "jsonl"], &root());
    assert_eq!(f.code, 0, "{}", f.stderr);
    let first: serde_json::Value = serde_json::from_str(f.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["name"], "28.16.0.10.in-addr.arpa");
    assert_eq!(first["evidence"], serde_json::Value::Null);
    assert!(f.stdout.lines().any(|l| l.contains("\"evidence\":[\"lease\",\"ad-logon\"]")));
    let r = ddns_audit(&["audit", "--config", "examples/offline/audit.toml", "--output", "-", "--format", "xml"], &root());
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--format: 'xml' is not one of csv, jsonl"), "{}", r.stderr);
}

#[test]
fn keep_removes_only_older_reports_of_the_same_kind() {
    let d = scratch();
    copy_example(d.path());
    let reports = d.path().join("reports");
    std::fs::create_dir(&reports).unwrap();
    let names = [
        "ddns-audit-20261101T120000Z.csv",
        "ddns-audit-20261101T120000Z.html",
        "ddns-audit-20261108T120000Z.jsonl",
        "ddns-audit-20261115T120000Z.csv",
        "ddns-audit-forecast-20261101T120000Z.csv",
        "ddns-audit-20261101T120000Z.csv.bak",
        "my-notes.csv",
    ];
    for n in names {
        std::fs::write(reports.join(n), "x").unwrap();
    }
    // This run and the newest older one stay (the 15th's is not a readable report: a note).
    let (r, _) = run(d.path(), T1, &["--keep", "2"]);
    assert!(r.stderr.contains("\n  --keep: removed 2 older report(s) (3 file(s))\n"), "{}", r.stderr);
    let mut left: Vec<String> = std::fs::read_dir(&reports).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    left.sort();
    assert_eq!(
        left,
        [
            "ddns-audit-20261101T120000Z.csv.bak",
            "ddns-audit-20261115T120000Z.csv",
            "ddns-audit-20261120T120000Z.csv",
            "ddns-audit-forecast-20261101T120000Z.csv",
            "my-notes.csv",
        ]
    );
    // The forecast prunes its own kind only.
    let r = ddns_audit(&["forecast", "--config", "site/audit.toml", "--as-of", T1, "--output", "reports/ddns-audit-forecast-20261120T120000Z.csv", "--keep", "1"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("\n  --keep: removed 1 older report(s) (1 file(s))\n"), "{}", r.stderr);
    assert!(!reports.join("ddns-audit-forecast-20261101T120000Z.csv").exists());
    assert!(reports.join("ddns-audit-20261115T120000Z.csv").exists());
    let r = ddns_audit(&["audit", "--config", "site/audit.toml", "--output", "-", "--keep", "0"], d.path());
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--keep: must be at least 1 (the report just written is one of them)"), "{}", r.stderr);
}
