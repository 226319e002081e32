//! `--xlsx PATH` (docs/report.md "The spreadsheet"), read back by an independent reader:
//! Python's openpyxl (`tests/xlsx/read.py`, Debian's python3-openpyxl, which `tests/run.sh`
//! installs). Every row of the rows sheet equals the CSV's of the same run, dates are dates,
//! host names are text (a name starting with `=` too), the header is frozen and filtered.
//! Without python3 and openpyxl these tests fail under CI or the lab (`CI`, `DDNS_AUDIT_LAB`)
//! and are skipped with a note elsewhere (and in the Windows build, run under Wine).
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns unwrap too

mod util;

use std::path::Path;

use serde_json::Value;
use util::{Run, csv_rows, ddns_audit, root, scratch};

const AS_OF: &str = "2026-11-20T12:00:00Z";

/// The audit's columns as the Hosts sheet heads them: `remediation` moved to after
/// `hostname`, the dates' columns saying UTC.
const HOSTS_HEADER: [&str; 28] = [
    "status",
    "ip",
    "hostname",
    "remediation",
    "fqdn",
    "mac",
    "lease_state",
    "lease_expires (UTC)",
    "scope",
    "a_status",
    "a_records",
    "ptr_status",
    "ptr_records",
    "record_kind",
    "record_timestamp (UTC)",
    "scavenge_after (UTC)",
    "scavenging_risk",
    "ad_computer",
    "ad_enabled",
    "ad_last_logon (UTC)",
    "dhcp_dns_registration",
    "source",
    "record_owner",
    "owner_kind",
    "zone_dynamic_updates",
    "dhcp_dns_setting",
    "first_seen (UTC)",
    "change",
];

/// A Python with openpyxl: Debian's (`/usr/bin/python3`, where python3-openpyxl installs), or
/// `PYTHON`. `None` (a skip, said on stderr) only outside CI and the lab.
fn python() -> Option<String> {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| if Path::new("/usr/bin/python3").exists() { "/usr/bin/python3".into() } else { "python3".into() });
    let ok = std::process::Command::new(&python).args(["-c", "import openpyxl"]).output().is_ok_and(|o| o.status.success());
    if ok {
        return Some(python);
    }
    // The Windows build's tests run under Wine in CI (tests/windows.sh), which cannot start
    // Debian's python3: the Linux run reads the workbook back.
    let must = (std::env::var_os("CI").is_some() || std::env::var_os("DDNS_AUDIT_LAB").is_some()) && !cfg!(windows);
    assert!(!must, "{python} with openpyxl is needed to read the spreadsheet back (apt-get install python3-openpyxl; tests/run.sh installs it)");
    eprintln!("skipped: no {python} with openpyxl (apt-get install python3-openpyxl)");
    None
}

/// The workbook's sheets as `tests/xlsx/read.py` dumps them.
fn read(python: &str, book: &Path) -> Vec<Value> {
    let out = std::process::Command::new(python).arg(root().join("tests/xlsx/read.py")).arg(book).output().unwrap();
    assert!(out.status.success(), "read.py failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice::<Value>(&out.stdout).unwrap().as_array().unwrap().clone()
}

fn sheet<'a>(book: &'a [Value], name: &str) -> &'a Value {
    book.iter().find(|s| s["name"] == name).unwrap_or_else(|| panic!("no sheet {name}"))
}

/// A sheet's cells as the CSV would write them: text as is, a date as RFC 3339 UTC, a number
/// as its digits, an empty cell empty.
fn as_csv(row: &Value) -> Vec<String> {
    row.as_array()
        .unwrap()
        .iter()
        .map(|c| match (c[0].as_str(), &c[1]) {
            (Some("s"), Value::String(s)) => s.clone(),
            (Some("d"), Value::String(s)) => format!("{s}Z"),
            (Some("n"), n) => n.to_string(),
            (None, _) => String::new(),
            other => panic!("unexpected cell {other:?}"),
        })
        .collect()
}

/// The CSV's cell with its formula escaping undone (docs/report.md: a leading `'`).
fn unescape(s: &str) -> String {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r', '\'']) => rest.to_string(),
        _ => s.to_string(),
    }
}

fn run(args: &[&str]) -> Run {
    let r = ddns_audit(args, &root());
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    r
}

/// The rows sheet equals the CSV: same rows in the same order, each cell equal, the dates'
/// cells dates; with `moved` (audit) the CSV's `remediation` (column 20) is the sheet's fourth.
fn assert_rows_equal(rows: &Value, csv: &[Vec<String>], moved: bool) {
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), csv.len(), "rows (header included)");
    for (i, (r, c)) in rows.iter().zip(csv).enumerate().skip(1) {
        let mut cells = as_csv(r);
        if moved {
            let remediation = cells.remove(3);
            cells.insert(20, remediation);
        }
        let want: Vec<String> = c.iter().map(|s| unescape(s)).collect();
        assert_eq!(cells, want, "row {i}");
        for (j, cell) in r.as_array().unwrap().iter().enumerate() {
            let at = match j {
                3 if moved => 20,
                _ if moved && j > 3 && j <= 20 => j - 1,
                _ => j,
            };
            let head = csv[0][at].as_str();
            if cell[0].is_string() && ["lease_expires", "record_timestamp", "scavenge_after", "ad_last_logon", "first_seen"].contains(&head) {
                assert_eq!(cell[0], "d", "row {i} {head} is a date");
            }
        }
    }
}

#[test]
fn example_site_spreadsheet_equals_the_csv() {
    let Some(python) = python() else { return };
    let dir = scratch();
    let (csv, xlsx) = (dir.path().join("ex.csv"), dir.path().join("ex.xlsx"));
    let r = run(&["audit", "--config", "examples/offline/audit.toml", "--output", csv.to_str().unwrap(), "--xlsx", xlsx.to_str().unwrap()]);
    assert!(r.stderr.ends_with(&format!("  Spreadsheet: {}\n", xlsx.display())), "{}", r.stderr);
    let book = read(&python, &xlsx);
    let names: Vec<&str> = book.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Fix list", "Hosts", "Zones", "Summary"]);
    let csv = csv_rows(&std::fs::read_to_string(&csv).unwrap());
    assert_eq!(csv.len(), 32);
    let hosts = sheet(&book, "Hosts");
    let header: Vec<String> = as_csv(&hosts["rows"][0]);
    assert_eq!(header, HOSTS_HEADER);
    assert_eq!(hosts["freeze"], "A2");
    assert_eq!(hosts["autofilter"], "A1:AB32");
    assert_eq!(hosts["date_formats"], serde_json::json!(["yyyy-mm-dd hh:mm:ss"]));
    assert_rows_equal(&hosts["rows"], &csv, true);
    // The first row's lease_expires, a date in UTC.
    assert_eq!(hosts["rows"][1][7], serde_json::json!(["d", "2026-11-28T09:12:40", null]));
    // Status cells coloured by status, from the one palette.
    let fills: Vec<(String, String)> = hosts["rows"].as_array().unwrap()[1..].iter().map(|r| (r[0][1].as_str().unwrap().to_string(), r[0][2].as_str().unwrap_or("").to_string())).collect();
    for (status, fill) in [("ok", "C6EFCE"), ("missing", "FFC7CE"), ("stale", "F8CBAD"), ("at-risk", "FFE699"), ("unknown", "D9D9D9")] {
        assert!(fills.iter().any(|(s, _)| s == status), "{status}");
        assert!(fills.iter().filter(|(s, _)| s == status).all(|(_, f)| f == fill), "{status}: {fills:?}");
    }
    // Zones: the example's forward zone counts its rows by status; every row is in some line.
    let zones = sheet(&book, "Zones");
    assert_eq!(as_csv(&zones["rows"][0]), ["zone", "dynamic_updates", "aging", "missing", "stale", "at-risk", "unknown", "ok", "rows"]);
    let corp = zones["rows"].as_array().unwrap().iter().map(as_csv).find(|r| r[0] == "corp.example.test").unwrap();
    assert_eq!(corp, ["corp.example.test", "secure", "on (no-refresh 7d, refresh 7d)", "5", "3", "7", "1", "11", "27"]);
    let total: u64 = zones["rows"].as_array().unwrap()[1..].iter().map(|r| r[8][1].as_u64().unwrap()).sum();
    assert_eq!(total, 31);
    // Summary: the as-of a date, the version with its commit, the counts of the stderr summary.
    let summary: Vec<Vec<String>> = sheet(&book, "Summary")["rows"].as_array().unwrap().iter().map(as_csv).collect();
    let value = |label: &str| summary.iter().find(|r| r.first().is_some_and(|l| l == label)).map(|r| r[1].clone()).unwrap_or_else(|| panic!("no {label}: {summary:?}"));
    assert_eq!(summary[0][0], "ddns-audit: audit as of 2026-11-20T12:00:00Z");
    assert_eq!(value("as of (UTC)"), "2026-11-20T12:00:00Z");
    assert!(value("version").starts_with(env!("CARGO_PKG_VERSION")), "{}", value("version"));
    assert_eq!((value("missing"), value("stale"), value("at-risk"), value("unknown"), value("ok")), ("6".into(), "3".into(), "7".into(), "2".into(), "13".into()));
    assert_eq!((value("rows"), value("rows left out (sheet full)")), ("31".into(), "0".into()));
    // The inputs and options as the HTML page's header lists them: each input with what it gave.
    let row = |label: &str| summary.iter().find(|r| r.first().is_some_and(|l| l == label)).cloned().unwrap_or_else(|| panic!("no {label}: {summary:?}"));
    assert_eq!(row("leases"), ["leases", "examples/offline/leases/dhcp1-v4.csv", "18 leases"]);
    assert_eq!(row("computers"), ["computers", "examples/offline/computers.ldif", "17 computers"]);
    assert_eq!(row("zone settings"), ["zone settings", "examples/offline/dns/zones.csv", "6 zones"]);
    let dns = row("DNS records");
    assert!(dns[1].starts_with("examples/offline/dns/corp.example.test.dns, ") && dns[2] == "62 records in 7 zones", "{dns:?}");
    let options: Vec<&str> = summary.iter().skip_while(|r| r[0] != "Options that change results").skip(1).take_while(|r| !r[0].is_empty()).map(|r| r[0].as_str()).collect();
    assert_eq!(options, ["--domain corp.example.test", "--no-refresh 7d", "--refresh 7d", "--scavenging-interval 1d", "--all"]);
    // The fix list: the summary's groups, in its order, with the same titles, host counts and
    // actions (stderr shows the first five; the sheet has every group).
    let fixes: Vec<Vec<String>> = sheet(&book, "Fix list")["rows"].as_array().unwrap().iter().map(as_csv).collect();
    assert_eq!(fixes[0], ["cause", "hosts", "missing", "stale", "at-risk", "unknown", "at-risk high", "action", "host names"]);
    let groups: usize = r.stderr.split_once("  fix list: ").unwrap().1.split(' ').next().unwrap().parse().unwrap();
    assert_eq!(fixes.len() - 1, groups);
    let lines: Vec<&str> = r.stderr.lines().skip_while(|l| !l.starts_with("  fix list: ")).skip(1).take(10).collect();
    for (i, pair) in lines.chunks(2).enumerate() {
        let numbered = pair[0].trim_start().strip_prefix(&format!("{}. ", i + 1)).unwrap_or_else(|| panic!("{pair:?}"));
        let mut parts = numbered.rsplitn(3, ": ");
        let (_, hosts, title) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
        let row = &fixes[i + 1];
        assert_eq!(row[0], title);
        assert_eq!(format!("{} {}", row[1], if row[1] == "1" { "host" } else { "hosts" }), hosts);
        assert_eq!(pair[1].trim_start().strip_prefix("fix: ").unwrap(), row[7]);
        let counted: u64 = row[2..6].iter().map(|n| n.parse::<u64>().unwrap()).sum();
        assert_eq!(counted.to_string(), row[1]);
    }
}

#[test]
fn host_names_starting_with_formula_characters_stay_text() {
    let Some(python) = python() else { return };
    let dir = scratch();
    let leases = util::write(
        dir.path(),
        "h.leases",
        "1795230000 3c:22:fb:19:00:05 10.0.19.5 =cmd|'/Ccalc'!A0 *\n1795230000 3c:22:fb:19:00:06 10.0.19.6 @SUM(A1) *\n1795230000 3c:22:fb:19:00:07 10.0.19.7 +1+1 *\n1795230000 3c:22:fb:19:00:08 10.0.19.8 -2 *\n",
    );
    let (csv, xlsx) = (dir.path().join("h.csv"), dir.path().join("h.xlsx"));
    run(&["audit", "--no-dns", "--leases", &leases, "--as-of", AS_OF, "--output", csv.to_str().unwrap(), "--xlsx", xlsx.to_str().unwrap()]);
    let book = read(&python, &xlsx);
    let hosts = sheet(&book, "Hosts");
    let names: Vec<&Value> = hosts["rows"].as_array().unwrap()[1..].iter().map(|r| &r[2]).collect();
    assert_eq!(
        names,
        [
            &serde_json::json!(["s", "=cmd|'/Ccalc'!A0", null]),
            &serde_json::json!(["s", "@SUM(A1)", null]),
            &serde_json::json!(["s", "+1+1", null]),
            &serde_json::json!(["s", "-2", null]),
        ]
    );
    // No cell anywhere is a formula.
    for s in &book {
        assert!(!s["rows"].as_array().unwrap().iter().flat_map(|r| r.as_array().unwrap()).any(|c| c[0] == "f"), "{}", s["name"]);
    }
    assert_rows_equal(&hosts["rows"], &csv_rows(&std::fs::read_to_string(&csv).unwrap()), true);
}

#[test]
fn forecast_spreadsheet_equals_the_csv() {
    let Some(python) = python() else { return };
    let dir = scratch();
    let (csv, xlsx) = (dir.path().join("f.csv"), dir.path().join("f.xlsx"));
    run(&["forecast", "--config", "examples/offline/audit.toml", "--output", csv.to_str().unwrap(), "--xlsx", xlsx.to_str().unwrap()]);
    let book = read(&python, &xlsx);
    let names: Vec<&str> = book.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Fix list", "Records", "Zones", "Summary"]);
    let csv = csv_rows(&std::fs::read_to_string(&csv).unwrap());
    let records = sheet(&book, "Records");
    assert_eq!(records["freeze"], "A2");
    assert_eq!(as_csv(&records["rows"][0])[0], "scavenge_after (UTC)");
    assert_rows_equal(&records["rows"], &csv, false);
    let verdicts: Vec<(String, String)> = records["rows"].as_array().unwrap()[1..].iter().map(|r| (r[8][1].as_str().unwrap().to_string(), r[8][2].as_str().unwrap_or("").to_string())).collect();
    assert!(verdicts.iter().any(|(v, _)| v == "live"));
    assert!(verdicts.iter().all(|(v, f)| (v == "live" && f == "FFC7CE") || (v == "stale" && f == "C6EFCE")), "{verdicts:?}");
    let zones = sheet(&book, "Zones");
    assert_eq!(as_csv(&zones["rows"][0]), ["zone", "dynamic_updates", "aging", "live", "stale", "rows"]);
    let total: u64 = zones["rows"].as_array().unwrap()[1..].iter().map(|r| r[5][1].as_u64().unwrap()).sum();
    assert_eq!(total as usize, csv.len() - 1);
}

#[test]
fn spreadsheet_path_of_another_output_is_refused() {
    let dir = scratch();
    let csv = dir.path().join("r.csv");
    for (other, option) in [("--output", "--output"), ("--html", "--html")] {
        let mut args = vec!["audit", "--no-dns", "--leases", "tests/fixtures/leases/dnsmasq.leases", "--as-of", AS_OF, "--xlsx", csv.to_str().unwrap()];
        if other == "--html" {
            args.extend(["--output", "-", "--html", csv.to_str().unwrap()]);
        } else {
            args.extend(["--output", csv.to_str().unwrap()]);
        }
        let r = ddns_audit(&args, &root());
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert_eq!(r.stderr, format!("ddns-audit: error: --xlsx: '{}' is the {option} file; give the spreadsheet a path of its own\n", csv.display()));
        assert!(!csv.exists());
    }
}

#[test]
fn keep_counts_the_spreadsheet_as_a_report_sibling() {
    let dir = scratch();
    let reports = dir.path().join("reports");
    std::fs::create_dir(&reports).unwrap();
    for name in ["ddns-audit-20261101T000000Z.csv", "ddns-audit-20261101T000000Z.xlsx"] {
        std::fs::write(reports.join(name), "x").unwrap();
    }
    let csv = reports.join("ddns-audit-20261120T120000Z.csv");
    let xlsx = reports.join("ddns-audit-20261120T120000Z.xlsx");
    let r = run(&[
        "audit", "--no-dns", "--leases", "tests/fixtures/leases/dnsmasq.leases", "--as-of", AS_OF, "--output", csv.to_str().unwrap(), "--xlsx",
        xlsx.to_str().unwrap(), "--keep", "1", "--previous", "none",
    ]);
    let mut left: Vec<String> = std::fs::read_dir(&reports).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    left.sort();
    assert_eq!(left, ["ddns-audit-20261120T120000Z.csv", "ddns-audit-20261120T120000Z.xlsx"], "{}", r.stderr);
}
