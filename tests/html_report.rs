//! `--html PATH` (README "Reading the HTML report"): the page holds the summary's counts, its
//! charts their bars, and hostile host names stay text. `example_site_html_in_a_browser` opens
//! the example site's page in headless Chromium (driven over the DevTools protocol by
//! `tests/browser/cdp.py`) and checks what a person sees; it is `#[ignore]`d like the lab tests
//! (`tests/run.sh` runs it) and fails, never skips, when Chromium is missing.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns unwrap too

mod util;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{DateTime, Utc};
use util::{Run, csv_rows, ddns_audit, root, scratch};

const AS_OF: &str = "2026-11-20T12:00:00Z";

/// The example site's audit with `--html`; the run, the CSV's rows and the page's text.
fn example_run(dir: &Path) -> (Run, Vec<Vec<String>>, String) {
    let (csv, html) = (dir.join("ex.csv"), dir.join("ex.html"));
    let r = ddns_audit(
        &["audit", "--config", "examples/offline/audit.toml", "--output", csv.to_str().unwrap(), "--html", html.to_str().unwrap()],
        &root(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv_rows(&std::fs::read_to_string(&csv).unwrap());
    let page = std::fs::read_to_string(&html).unwrap();
    (r, rows, page)
}

/// `name 1, other name 2` → {name: 1, other name: 2}.
fn counts(list: &str) -> Vec<(String, String)> {
    list.split(", ").filter_map(|p| p.rsplit_once(' ')).map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// The figures of the stderr summary, keyed as the page's `data-figure`s (`section:label`).
fn summary_figures(stderr: &str) -> BTreeMap<String, String> {
    let mut f = BTreeMap::new();
    let mut put = |section: &str, label: &str, value: &str| f.insert(format!("{section}:{label}"), value.to_string());
    put("zone-findings", "zones", "0");
    for line in stderr.lines() {
        let line = line.trim();
        if let Some((audited, rest)) = line.strip_prefix("ddns-audit: ").and_then(|l| l.split_once(" leases audited as of ")) {
            put("inputs", "leases audited", audited);
            let inner = rest.split_once(" (").unwrap().1.trim_end_matches(')');
            let (read, not) = inner.split_once(" read").unwrap();
            put("inputs", "leases read", read);
            // `1 declined, 2 expired`: the count first here.
            for (n, why) in not.strip_prefix("; not audited: ").into_iter().flat_map(|l| l.split(", ")).filter_map(|p| p.split_once(' ')) {
                put("inputs", &format!("not audited: {why}"), n);
            }
        } else if let Some(rest) = line.strip_prefix("inputs: ") {
            let (computers, rest) = rest.split_once(" computers, ").unwrap();
            let (records, zones) = rest.split_once(" DNS records in ").unwrap();
            put("inputs", "computers", computers);
            put("inputs", "DNS records", records);
            put("inputs", "zones", zones.trim_end_matches(" zones"));
        } else if let Some(list) = line.strip_prefix("status: ") {
            counts(list).iter().for_each(|(k, v)| _ = put("status", k, v));
        } else if let Some(list) = line.strip_prefix("scavenging risk: ") {
            counts(list).iter().for_each(|(k, v)| _ = put("risk", k, v));
        } else if let Some(rest) = line.strip_prefix("skipped input records: ") {
            let (total, list) = rest.split_once(" (").unwrap_or((rest, ""));
            put("skipped", "total", total);
            counts(list.trim_end_matches(')')).iter().for_each(|(k, v)| _ = put("skipped", k, v));
        } else if let Some(n) = line.strip_prefix("zone findings: ") {
            put("zone-findings", "zones", n);
        } else if let Some(rest) = line.strip_prefix("report: ") {
            let (path, rows) = rest.rsplit_once(" (").unwrap();
            put("report", "CSV", path);
            put("report", "rows", rows.trim_end_matches(" rows)"));
        }
    }
    f
}

/// The page's `data-figure`s, read from its source.
fn page_figures(page: &str) -> BTreeMap<String, String> {
    page.split(r#"<tr data-figure=""#)
        .skip(1)
        .map(|s| {
            let (key, rest) = s.split_once('"').unwrap();
            let row = rest.split("</tr>").next().unwrap();
            let value = row.rsplit_once("<td>").unwrap().1.trim_end_matches("</td>");
            (key.to_string(), value.to_string())
        })
        .collect()
}

/// What the charts must show, from the CSV (the example writes every row, `all = true`):
/// (scope, status) cells and per-day bins of `scavenge_after` over 28 days from the as-of.
fn expected_charts(rows: &[Vec<String>]) -> (BTreeSet<(String, String)>, BTreeMap<String, usize>, Option<BTreeMap<String, usize>>) {
    let col = |name: &str| rows[0].iter().position(|c| c == name);
    let (status, scope, scav) = (col("status").unwrap(), col("scope").unwrap(), col("scavenge_after").unwrap());
    let as_of: DateTime<Utc> = AS_OF.parse().unwrap();
    let mut cells = BTreeSet::new();
    let mut days = BTreeMap::new();
    let mut changes: BTreeMap<String, usize> = BTreeMap::new();
    for r in &rows[1..] {
        let g = if r[scope].is_empty() { "(none)" } else { &r[scope] };
        cells.insert((g.to_string(), r[status].clone()));
        if let Ok(t) = r[scav].parse::<DateTime<Utc>>() {
            let secs = (t - as_of).num_seconds();
            let bin = if secs < 0 {
                "overdue".to_string()
            } else if secs <= 28 * 86_400 {
                (as_of + chrono::TimeDelta::days((secs / 86_400).min(27))).format("%m-%d").to_string()
            } else {
                continue;
            };
            *days.entry(bin).or_default() += 1;
        }
        if let Some(c) = col("change").filter(|&c| !r[c].is_empty()) {
            *changes.entry(r[c].clone()).or_default() += 1;
        }
    }
    (cells, days, (!changes.is_empty()).then_some(changes))
}

#[test]
fn html_report_holds_the_summary_and_nothing_from_the_network() {
    let dir = scratch();
    let (r, rows, page) = example_run(dir.path());
    let want = summary_figures(&r.stderr);
    let got = page_figures(&page);
    assert_eq!(want.get("status:missing").map(String::as_str), Some("6"), "{}", r.stderr);
    assert_eq!(want.get("zone-findings:zones").map(String::as_str), Some("3"));
    for (k, v) in &want {
        assert_eq!(got.get(k), Some(v), "figure {k}: page {got:?}");
    }
    assert!(r.stderr.contains(&format!("  HTML report: {}\n", dir.path().join("ex.html").display())), "{}", r.stderr);
    // Self-contained: nothing to fetch, and the policy forbids fetching anyway.
    for bad in ["src=", "@import", "url(", "<link rel=\"stylesheet", "<iframe", "<img"] {
        assert!(!page.contains(bad), "{bad} in the page");
    }
    assert!(page.contains("content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\""));
    assert!(page.contains("@page{size:A4") && page.contains("@media print"));
    // Every (scope, status) cell is one labelled bar; the rows' JSON holds every row.
    let (cells, days, _) = expected_charts(&rows);
    let groups = page.split(r#"<svg id="chart-groups""#).nth(1).unwrap().split("</svg>").next().unwrap();
    assert_eq!(groups.matches(r#"<rect class="bar""#).count(), cells.len());
    for (scope, status) in &cells {
        assert!(groups.contains(&format!(r#"data-group="{scope}" data-series="{status}""#)), "{scope} {status}");
    }
    let day_chart = page.split(r#"<svg id="chart-days""#).nth(1).unwrap().split("</svg>").next().unwrap();
    assert_eq!(day_chart.matches(r#"<rect class="bar""#).count(), days.len());
    for (bin, n) in &days {
        assert!(day_chart.contains(&format!(r#"data-group="{bin}" data-series="records" data-value="{n}""#)), "{bin} {n}: {day_chart}");
    }
    let json = page.split(r#"<script type="application/json" id="rows-data">"#).nth(1).unwrap().split("</script>").next().unwrap();
    let data: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(data["rows"].as_array().unwrap().len(), rows.len() - 1);
    assert_eq!(data["rows"][0].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect::<Vec<_>>(), rows[1]);
}

#[test]
fn hostile_host_names_stay_text_in_the_html_report() {
    let dir = scratch();
    let html = dir.path().join("h.html");
    let r = ddns_audit(
        &[
            "audit", "--leases", "tests/fixtures/leases/hostile-names.leases", "--as-of", AS_OF,
            "--output", dir.path().join("h.csv").to_str().unwrap(), "--html", html.to_str().unwrap(),
        ],
        &root(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = std::fs::read_to_string(&html).unwrap();
    // Only the page's own two script blocks end; the names are escaped in the JSON block.
    assert_eq!(page.matches("</script>").count(), 2);
    assert_eq!(page.matches("<script").count(), 2);
    assert!(page.contains(r#""\u003c/script\u003e\u003cscript\u003ealert(\"x\")\u003c/script\u003e""#), "{page}");
    assert!(page.contains(r#""O'Brien\"\u0026\u003cb\u003e--\u003e""#));
    // In the summary's text (stderr, word for word) they are HTML-escaped.
    assert!(!page.contains("<b>"));
}

#[test]
fn forecast_html_report_has_its_columns_and_zones() {
    let dir = scratch();
    let html = dir.path().join("f.html");
    let r = ddns_audit(
        &["forecast", "--config", "examples/offline/audit.toml", "--output", dir.path().join("f.csv").to_str().unwrap(), "--html", html.to_str().unwrap()],
        &root(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = std::fs::read_to_string(&html).unwrap();
    let fig = page_figures(&page);
    assert!(r.stderr.contains("scavenging deletes 47 records: live 41, stale 6"), "{}", r.stderr);
    assert_eq!((fig["deleted:records"].as_str(), fig["deleted:live"].as_str(), fig["deleted:stale"].as_str()), ("47", "41", "6"));
    assert!(page.contains(r#"{"columns":["scavenge_after","zone","name","type","data","record_timestamp""#));
    // Per zone: 25 records of corp.example.test, 22 live and 3 stale; per day, live and stale.
    assert!(page.contains(r#"<tr><th scope="row">corp.example.test</th><td>22</td><td>3</td><td>25</td></tr>"#), "{page}");
    let day_chart = page.split(r#"<svg id="chart-days""#).nth(1).unwrap().split("</svg>").next().unwrap();
    let total: usize = day_chart.split(r#"data-value=""#).skip(1).map(|s| s.split('"').next().unwrap().parse::<usize>().unwrap()).sum();
    assert_eq!(total, 47);
    assert!(day_chart.contains(r#"data-series="live""#) && day_chart.contains(r#"data-series="stale""#));
    assert!(page.contains(r#"<p class="empty" id="no-previous">no previous report</p>"#));
}
