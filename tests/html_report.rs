//! `--html PATH` (docs/html-report.md "Reading the HTML report"): the page holds the summary's counts, its
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

/// (scope, status) cells, bars per (day, status), counts per change value.
type Charts = (BTreeSet<(String, String)>, BTreeMap<(String, String), usize>, Option<BTreeMap<String, usize>>);

/// The example site's scopes as the page names them: the Windows scope with its server, the
/// Kea subnet id said to be one, the XML export (which names no server) by its file, and the
/// exports without scopes by their files.
fn scope_label(scope: &str, source: &str) -> String {
    // The source column has the platform's separator (`\` on Windows).
    let file = source.split(':').next().unwrap().rsplit(['/', '\\']).next().unwrap();
    match scope {
        "" => format!("no scope ({file})"),
        "10.0.16.0" => "scope 10.0.16.0 on 10.0.0.11".to_string(),
        "10.0.20.0" => "scope 10.0.20.0 (dhcp2-export.xml)".to_string(),
        "3" => "Kea subnet 3".to_string(),
        other => format!("scope {other}"),
    }
}

/// What the charts must show, from the CSV (the example writes every row, `all = true`):
/// (scope, status) cells and per-day bins of `scavenge_after` over 28 days from the as-of.
fn expected_charts(rows: &[Vec<String>]) -> Charts {
    let col = |name: &str| rows[0].iter().position(|c| c == name);
    let (status, scope, scav, source) = (col("status").unwrap(), col("scope").unwrap(), col("scavenge_after").unwrap(), col("source").unwrap());
    let as_of: DateTime<Utc> = AS_OF.parse().unwrap();
    let mut cells = BTreeSet::new();
    let mut days = BTreeMap::new();
    let mut changes: BTreeMap<String, usize> = BTreeMap::new();
    for r in &rows[1..] {
        cells.insert((scope_label(&r[scope], &r[source]), r[status].clone()));
        if let Ok(t) = r[scav].parse::<DateTime<Utc>>() {
            let secs = (t - as_of).num_seconds();
            let bin = if secs < 0 {
                "overdue".to_string()
            } else if secs <= 28 * 86_400 {
                (as_of + chrono::TimeDelta::days((secs / 86_400).min(27))).format("%m-%d").to_string()
            } else {
                continue;
            };
            *days.entry((bin, r[status].clone())).or_default() += 1;
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
    let groups = page.split(r#"<svg id="chart-scopes""#).nth(1).unwrap().split("</svg>").next().unwrap();
    assert_eq!(groups.matches(r#"<rect class="bar""#).count(), cells.len());
    for (scope, status) in &cells {
        assert!(groups.contains(&format!(r#"data-group="{scope}" data-series="{status}""#)), "{scope} {status}");
    }
    let day_chart = page.split(r#"<svg id="chart-days""#).nth(1).unwrap().split("</svg>").next().unwrap();
    assert_eq!(day_chart.matches(r#"<rect class="bar""#).count(), days.len());
    for ((bin, status), n) in &days {
        assert!(day_chart.contains(&format!(r#"data-group="{bin}" data-series="{status}" data-value="{n}""#)), "{bin} {status} {n}: {day_chart}");
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
            "audit", "--no-dns", "--leases", "tests/fixtures/leases/hostile-names.leases", "--as-of", AS_OF,
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
    assert!(r.stderr.contains("scavenging deletes 19 records: live 16 (frozen 14, cannot-refresh 2), stale 3"), "{}", r.stderr);
    let figures = ["records", "live", "live frozen", "live cannot-refresh", "stale", "refreshing (not deleted)"].map(|k| fig[&format!("deleted:{k}")].as_str());
    assert_eq!(figures, ["19", "16", "14", "2", "3", "28"]);
    assert!(page.contains(r#"{"columns":["scavenge_after","zone","name","type","data","record_timestamp","record_owner","owner_kind","verdict","refresh","evidence""#));
    // Per zone, of the rows: corp.example.test 8 live frozen, 1 live cannot-refresh (pc-hr-01's
    // 10.0.16.99), 1 stale (pc-old-01), no refreshing row without --all.
    assert!(page.contains(r#"<tr><th scope="row">corp.example.test</th><td>8</td><td>1</td><td>1</td><td>0</td><td>10</td></tr>"#), "{page}");
    let day_chart = page.split(r#"<svg id="chart-days""#).nth(1).unwrap().split("</svg>").next().unwrap();
    let total: usize = day_chart.split(r#"data-value=""#).skip(1).map(|s| s.split('"').next().unwrap().parse::<usize>().unwrap()).sum();
    assert_eq!(total, 19);
    for series in ["live frozen", "live cannot-refresh", "stale"] {
        assert!(day_chart.contains(&format!(r#"data-series="{series}""#)), "{series}");
    }
    // Its own verdict, then the live records by zone and week.
    assert!(page.contains(concat!(
        r#"<p id="verdict" class="verdict">Scavenging deletes 16 live hosts&#39; records by 2026-12-18 (11 already overdue): "#,
        "14 frozen (nothing refreshes them), 2 whose host cannot refresh them; most in corp.example.test (9). ",
        "It also deletes 3 stale records (hosts no longer in use: as intended).</p>"
    )));
    assert!(page.contains(concat!(
        r#"<tr><th scope="row">corp.example.test</th><td title="frozen 6, cannot-refresh 0">6</td><td title="frozen 2, cannot-refresh 0">2</td>"#,
        r#"<td title="frozen 0, cannot-refresh 1">1</td><td title="frozen 0, cannot-refresh 0">0</td><td title="frozen 0, cannot-refresh 0">0</td><td>9</td></tr>"#
    )));
    // The forecast's options: its horizon, not the audit's --scavenging-interval (it dates by whichever run deletes a record).
    assert!(page.contains(r#"<code>--refresh 7d</code>, <code>--horizon 28d</code>, <code>--logon-window 30d</code></p>"#));
    // No fix list (the audit's), and no "changes since the previous report" (no such column).
    assert!(!page.contains("fix-list"));
    // A forecast has no run-over-run column: no "changes since the previous report" at all.
    assert!(!page.contains("no-previous") && !page.contains("Changes since the previous report") && !page.contains("chart-changes"));
}

/// Runs `tests/browser/cdp.py` on `page` with these JavaScript steps; its JSON answer.
fn in_browser(page: &Path, steps: &[&str], screenshot: Option<&str>) -> serde_json::Value {
    // Debian's python3 has python3-websocket; a python3 of its own (pyenv) earlier in PATH may not.
    let python = std::env::var("PYTHON").unwrap_or_else(|_| if Path::new("/usr/bin/python3").exists() { "/usr/bin/python3".into() } else { "python3".into() });
    let mut cmd = std::process::Command::new(python);
    cmd.arg(root().join("tests/browser/cdp.py")).arg(page);
    if let Some(s) = screenshot {
        cmd.args(["--screenshot", s]);
    }
    let mut child = cmd.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap();
    serde_json::to_writer(child.stdin.take().unwrap(), steps).unwrap();
    let out = child.wait_with_output().unwrap();
    // No Chromium (or no websocket module) is a failure, never a skip.
    assert!(out.status.success(), "the browser run failed: {}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["exceptions"], serde_json::json!([]), "script errors in the page");
    // The page asks for nothing but itself.
    let url = format!("file://{}", std::fs::canonicalize(page).unwrap().display());
    assert_eq!(v["requests"], serde_json::json!([url]), "network requests");
    v
}

/// The page's header, verdict and fix list as shown.
const HEADER_AND_FIXES: &str = "({ran: document.getElementById('ran-at').textContent, version: document.getElementById('version').textContent, \
    inputs: [...document.querySelectorAll('#inputs tr')].map(tr => [...tr.children].map(c => c.textContent)), \
    input_paths: [...document.querySelectorAll('#inputs .input')].map(i => i.title), \
    options: [...document.querySelectorAll('#options code')].map(c => c.textContent), verdict: document.getElementById('verdict').textContent, \
    fixes: [...document.querySelectorAll('#fix-list li.fix')].map(li => [li.querySelector('.fix-title').textContent, li.querySelector('.fix-total').textContent, \
        [...li.querySelectorAll('.count')].map(c => c.textContent).join(', '), li.querySelector('code.action').textContent, li.querySelector('.fix-hosts').textContent])})";

/// The table's visible columns, where the action starts and whether it wraps; then "show all columns" clicked.
const TOGGLE: &str = "{ const vis = () => [...document.querySelectorAll('#table thead th')].filter(th => getComputedStyle(th).display !== 'none').map(th => th.textContent); \
    const before = {cols: vis(), action_x: Math.round(document.querySelector('#table thead th.action').getBoundingClientRect().left), \
        table_w: Math.round(document.getElementById('table').getBoundingClientRect().width), wrap: getComputedStyle(document.querySelector('#table tbody td.action')).whiteSpace}; \
    document.getElementById('toggle-columns').click(); \
    ({before, after: vis(), pressed: document.getElementById('toggle-columns').getAttribute('aria-pressed')}) }";

/// The visible table: the pager's text and the cells of every shown row.
const TABLE: &str = "window.t = () => ({info: document.getElementById('page-info').textContent, \
    rows: [...document.querySelectorAll('#table tbody tr')].map(tr => [...tr.cells].map(c => c.textContent))}); t()";

/// The example site's header, verdict and fix list as the browser shows them (`HEADER_AND_FIXES`).
fn header_verdict_and_fixes(h: &serde_json::Value, stderr: &str) {
    // When it ran (this run: within the test's minute), by which build (as --version says), from what.
    let ran: DateTime<Utc> = h["ran"].as_str().unwrap().parse().unwrap();
    assert!((Utc::now() - ran).num_seconds().abs() < 600, "{ran}");
    let version = ddns_audit(&["--version"], &root()).stdout;
    assert_eq!(h["version"].as_str(), Some(version.trim()));
    assert!(version.starts_with("ddns-audit 0.1.0 (commit "), "{version}");
    // Each source by its file name (the path in its title), with what it gave.
    assert_eq!(
        h["inputs"],
        serde_json::json!([
            ["leases", "dhcp1-v4.csv: 18 leases; dhcp1-v6.csv: 2 leases; dhcp2-export.xml: 3 leases; lab-dhcpd.leases: 4 leases; kea-leases4.csv: 5 leases; guest-dnsmasq.leases: 2 leases"],
            ["computers", "computers.ldif: 17 computers"],
            ["DNS records", "corp.example.test.dns, 16.0.10.in-addr.arpa.dns, 17.0.10.in-addr.arpa.dns, 18.0.10.in-addr.arpa.dns, 20.0.10.in-addr.arpa.dns, records-v6.csv, corp-owners.csv: 62 records in 7 zones"],
            ["zone settings", "zones.csv: 6 zones"],
            ["DHCP DNS settings", "dhcp-dns-settings.csv: the servers' and scopes' DNS settings"],
        ])
    );
    assert_eq!(h["input_paths"][0].as_str(), Some("examples/offline/leases/dhcp1-v4.csv"));
    assert_eq!(h["options"], serde_json::json!(["--domain corp.example.test", "--no-refresh 7d", "--refresh 7d", "--scavenging-interval 1d", "--all"]));
    assert_eq!(h["verdict"].as_str(), Some("16 hosts need action: 6 missing from DNS, 3 with a stale record, 7 at risk of scavenging; 13 ok, 2 not checked (no DNS data for them)."));

    // The fix list: every group, in the fix list's order (the summary's first five are the same, word for word).
    let fixes = h["fixes"].as_array().unwrap();
    let titles: Vec<&str> = fixes.iter().map(|f| f[0].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        [
            "host names DNS cannot carry",
            "DHCP server not named in the leases: clients stopped registering (the server no longer updates for a cached Option 81)",
            "DHCP server 10.0.0.11: registrations Pending (its DNS credentials or settings)",
            "Kea subnet 3: clients stopped registering (the server no longer updates for a cached Option 81)",
            "records owned by the DHCP server account CORP\\svc-dhcpdns",
            "scope 10.0.16.0 on 10.0.0.11: PTR records not registered",
            "scope 10.0.16.0 on 10.0.0.11: clients stopped registering (the server no longer updates for a cached Option 81)",
            "scope 10.0.20.0 on <the server dhcp2-export.xml was exported from>: DNS dynamic updates set to Never (updates=never)",
            "scope 2001:db8:16::: PTR records not registered",
            "scope 10.0.16.0 on 10.0.0.11: stale records (wrong or extra addresses)",
            "no DNS data covers partner.example",
            "no reverse zone for 10.0.19.0/24 (19.0.10.in-addr.arpa)",
            "records owned by CORP\\PC-OLD-07$ (other-computer), which the hosts cannot update",
            "records owned by CORP\\jdoe (user), which the hosts cannot update",
            "reverse zone 20.0.10.in-addr.arpa accepts no dynamic updates",
        ]
    );
    assert!(stderr.contains("  fix list: 15 groups by cause, most hosts at risk first\n"), "{stderr}");
    for (i, f) in fixes.iter().take(5).enumerate() {
        let [title, total, counts, action] = [0, 1, 2, 3].map(|k| f[k].as_str().unwrap());
        let listed = format!("    {}. {title}: {total}: {counts}\n       fix: {action}\n", i + 1);
        assert!(stderr.contains(&listed), "{listed} not in {stderr}");
    }
    assert_eq!(
        fixes[2],
        serde_json::json!([
            "DHCP server 10.0.0.11: registrations Pending (its DNS credentials or settings)",
            "1 host",
            "missing 1",
            "Set-DhcpServerDnsCredential -ComputerName 10.0.0.11 -Credential (Get-Credential), check its DNS dynamic-update settings, then renew the leases",
            "Hosts: pc-fin-05.corp.example.test (10.0.16.25, missing)",
        ])
    );
    assert_eq!(
        fixes[9],
        serde_json::json!([
            "scope 10.0.16.0 on 10.0.0.11: stale records (wrong or extra addresses)",
            "2 hosts",
            "stale 2",
            "delete the stale records (Remove-DnsServerResourceRecord), then Set-DhcpServerv4DnsSetting -ComputerName 10.0.0.11 -ScopeId 10.0.16.0 -DeleteDnsRROnLeaseExpiry $true so that records go with their leases",
            "Hosts: pc-hr-02.corp.example.test (10.0.16.27, stale), pc-hr-03.corp.example.test (10.0.16.28, stale)",
        ])
    );
    assert_eq!(fixes[1][2].as_str(), Some("at-risk 2 (1 high)"));
}

#[test]
#[ignore = "needs headless Chromium and python3-websocket (tests/run.sh installs them)"]
#[allow(clippy::too_many_lines, reason = "one browser session: each check reads the page as the one before left it")]
fn example_site_html_in_a_browser() {
    let dir = scratch();
    let (r, rows, _) = example_run(dir.path());
    let v = in_browser(
        &dir.path().join("ex.html"),
        &[
            "Object.fromEntries([...document.querySelectorAll('[data-figure]')].map(e => [e.dataset.figure, e.querySelector('td').textContent]))",
            "[...document.querySelectorAll('svg.chart')].map(s => { const bars = [...s.querySelectorAll('rect.bar')]; return {id: s.id, bars: bars.length, \
                titled: bars.filter(b => (b.querySelector('title') || {}).textContent).length, \
                sum: bars.reduce((a, b) => a + Number(b.dataset.value), 0), \
                labels: [...s.querySelectorAll('text.bar-label, text.total')].map(t => t.textContent), \
                shown: s.getBoundingClientRect().width > 0}; })",
            "(document.getElementById('no-previous') || {}).textContent || null",
            TABLE,
            "[...document.querySelectorAll('#table thead button')].find(b => b.textContent === 'hostname').click(); \
                Object.assign(t(), {sort: document.querySelectorAll('#table thead th')[1].getAttribute('aria-sort')})",
            "[...document.querySelectorAll('#table thead button')].find(b => b.textContent === 'hostname').click(); \
                Object.assign(t(), {sort: document.querySelectorAll('#table thead th')[1].getAttribute('aria-sort')})",
            "{ const i = document.getElementById('filter-text'); i.value = 'FIN'; i.dispatchEvent(new Event('input')); t() }",
            "{ const i = document.getElementById('filter-text'); i.value = ''; i.dispatchEvent(new Event('input')); \
                const s = document.getElementById('filter-category'); s.value = 'missing'; s.dispatchEvent(new Event('change')); t() }",
            "{ const i = document.getElementById('filter-text'); i.value = 'fin'; i.dispatchEvent(new Event('input')); t() }",
            // Printed: A4 pages (595 x 842 points), without the controls.
            r#"cdp:{"method": "Page.printToPDF", "params": {"preferCSSPageSize": true}}"#,
            r#"cdp:{"method": "Emulation.setEmulatedMedia", "params": {"media": "print"}}"#,
            "[getComputedStyle(document.querySelector('.controls')).display, getComputedStyle(document.getElementById('chart-scopes')).display]",
            r#"cdp:{"method": "Emulation.setEmulatedMedia", "params": {"media": ""}}"#,
            HEADER_AND_FIXES,
            // Every filter off again; a cell of each status, as the browser paints it.
            "{ const i = document.getElementById('filter-text'); i.value = ''; i.dispatchEvent(new Event('input')); \
                const s = document.getElementById('filter-category'); s.value = ''; s.dispatchEvent(new Event('change')); \
                Object.fromEntries(['ok', 'missing', 'stale', 'at-risk', 'unknown'].map(s => { const td = document.querySelector('#table tbody td.st-' + s); \
                const c = getComputedStyle(td); return [s, [c.backgroundColor, c.color, td.textContent]]; })) }",
            TOGGLE,
        ],
        std::env::var("DDNS_AUDIT_SCREENSHOT").ok().as_deref(),
    );
    let res = &v["results"];

    // The counts a person reads equal the stderr summary's.
    let want = summary_figures(&r.stderr);
    for (k, val) in &want {
        assert_eq!(res[0][k].as_str(), Some(val.as_str()), "figure {k}: {}", res[0]);
    }

    // Every chart has its bars, each with its title; the counts are written on them.
    let (cells, days, changes) = expected_charts(&rows);
    let charts: BTreeMap<String, &serde_json::Value> = res[1].as_array().unwrap().iter().map(|c| (c["id"].as_str().unwrap().to_string(), c)).collect();
    let g = charts["chart-scopes"];
    assert_eq!((g["bars"].as_u64(), g["titled"].as_u64(), g["sum"].as_u64(), g["shown"].as_bool()), (Some(cells.len() as u64), Some(cells.len() as u64), Some(31), Some(true)));
    // A total at the end of every scope's bar, by name: Kea subnet 3, no scope (guest-dnsmasq.leases),
    // no scope (lab-dhcpd.leases), scope 10.0.16.0 on 10.0.0.11, scope 10.0.20.0 (dhcp2-export.xml), scope 2001:db8:16::.
    // Each bar's segments with their counts (missing, stale, at-risk, unknown, ok), then its total.
    let labels = ["1", "2", "3", "1", "1", "2", "2", "2", "4", "5", "3", "2", "1", "6", "17", "2", "1", "3", "1", "1", "2"];
    assert_eq!(g["labels"], serde_json::json!(labels));
    let d = charts["chart-days"];
    assert_eq!((d["bars"].as_u64(), d["titled"].as_u64()), (Some(days.len() as u64), Some(days.len() as u64)));
    assert_eq!(d["sum"].as_u64(), Some(days.values().sum::<usize>() as u64));
    let mut day_labels: Vec<String> = d["labels"].as_array().unwrap().iter().map(|l| l.as_str().unwrap().to_string()).collect();
    let mut per_bin: BTreeMap<&str, usize> = BTreeMap::new();
    for ((bin, _), n) in &days {
        *per_bin.entry(bin).or_default() += n;
    }
    let mut want_labels: Vec<String> = per_bin.values().map(ToString::to_string).collect();
    day_labels.sort();
    want_labels.sort();
    assert_eq!(day_labels, want_labels);
    match changes {
        // Without a previous report (or no change): no such section at all.
        None => {
            assert_eq!(res[2], serde_json::Value::Null);
            assert!(!charts.contains_key("chart-changes"));
        }
        Some(changes) => {
            let c = charts["chart-changes"];
            assert_eq!((c["bars"].as_u64(), c["sum"].as_u64()), (Some(changes.len() as u64), Some(changes.values().sum::<usize>() as u64)));
        }
    }

    // The table: all 31 rows; sorted by host name, up then down.
    let table_col = |t: &serde_json::Value, i: usize| -> Vec<String> { t["rows"].as_array().unwrap().iter().map(|r| r[i].as_str().unwrap().to_string()).collect() };
    assert_eq!(res[3]["info"].as_str(), Some("rows 1–31 of 31"));
    // Shown first: status, host, address, action.
    assert_eq!(table_col(&res[3], 2), rows[1..].iter().map(|r| r[1].clone()).collect::<Vec<_>>(), "the CSV's order");
    assert_eq!(res[4]["sort"].as_str(), Some("ascending"));
    let up = table_col(&res[4], 1);
    assert_eq!(&up[..8], ["", "", "=HYPERLINK(\"http://evil.example/x\",\"click\")", "guest-laptop", "John's iPhone", "kea-br-01.corp.example.test.", "kea-br-02.corp.example.test.", "lab-01"]);
    assert_eq!(res[5]["sort"].as_str(), Some("descending"));
    let down = table_col(&res[5], 1);
    assert_eq!(down.len(), 31);
    assert_eq!(&down[..3], ["tablet-07.partner.example", "scan-wh-01.corp.example.test", "prn-fin-01.corp.example.test"]);

    // Filtering by text keeps the rows holding it in any column, any case (still sorted by
    // host name, down: compared as sets).
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let holding: Vec<String> = rows[1..].iter().filter(|r| r.iter().any(|c| c.to_lowercase().contains("fin"))).map(|r| r[1].clone()).collect();
    assert_eq!(res[6]["info"].as_str().unwrap(), format!("rows 1–{n} of {n} (filtered from 31)", n = holding.len()));
    assert_eq!(sorted(table_col(&res[6], 2)), sorted(holding));
    // By status: the 6 missing rows of the summary.
    assert_eq!(res[7]["info"].as_str(), Some("rows 1–6 of 6 (filtered from 31)"));
    assert!(table_col(&res[7], 0).iter().all(|s| s == "missing"));
    // Both.
    let both: Vec<String> = rows[1..].iter().filter(|r| r[0] == "missing" && r.iter().any(|c| c.to_lowercase().contains("fin"))).map(|r| r[1].clone()).collect();
    assert_eq!(sorted(table_col(&res[8], 2)), sorted(both.clone()));
    assert!(!both.is_empty());

    let pages = res[9]["pages"].as_array().unwrap();
    assert!(!pages.is_empty() && pages.iter().all(|p| *p == serde_json::json!([595, 842])), "{pages:?}");
    assert_eq!(res[11], serde_json::json!(["none", "inline"]));
    header_verdict_and_fixes(&res[13], &r.stderr);

    // Each status's cell in its colour (the palette's: ok green, missing red, stale orange,
    // at-risk amber, unknown grey), near-black text, and the word itself.
    let ink = "rgb(17, 17, 17)";
    assert_eq!(
        res[14],
        serde_json::json!({
            "ok": ["rgb(198, 239, 206)", ink, "ok"],
            "missing": ["rgb(255, 199, 206)", ink, "missing"],
            "stale": ["rgb(248, 203, 173)", ink, "stale"],
            "at-risk": ["rgb(255, 230, 153)", ink, "at-risk"],
            "unknown": ["rgb(217, 217, 217)", ink, "unknown"],
        })
    );
    // Four columns first, the action among them and wrapped; all 28 one click away.
    let t = &res[15];
    assert_eq!(t["before"]["cols"], serde_json::json!(["status", "hostname", "ip", "remediation"]));
    assert_eq!(t["before"]["wrap"].as_str(), Some("normal"));
    assert!(t["before"]["action_x"].as_u64().unwrap() < 600 && t["before"]["table_w"].as_u64().unwrap() <= 1000, "{t}");
    assert_eq!(t["after"].as_array().unwrap().len(), 28);
    assert_eq!(t["after"].as_array().unwrap()[..4], t["before"]["cols"].as_array().unwrap()[..]);
    assert_eq!(t["pressed"].as_str(), Some("true"));
}

#[test]
#[ignore = "needs headless Chromium and python3-websocket (tests/run.sh installs them)"]
fn hostile_host_names_are_text_in_the_browser() {
    let dir = scratch();
    let html = dir.path().join("h.html");
    let r = ddns_audit(
        &["audit", "--no-dns", "--leases", "tests/fixtures/leases/hostile-names.leases", "--as-of", AS_OF, "--output", "-", "--html", html.to_str().unwrap()],
        &root(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = in_browser(&html, &["document.scripts.length", TABLE], None);
    assert_eq!(v["results"][0].as_u64(), Some(2), "no script of the data's");
    let names: Vec<&str> = v["results"][1]["rows"].as_array().unwrap().iter().map(|r| r[1].as_str().unwrap()).collect();
    assert_eq!(names, ["</script><script>alert(\"x\")</script>", "O'Brien\"&<b>-->"]);
}

#[test]
fn html_path_that_cannot_be_written_stops_the_run() {
    let dir = scratch();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let html = file.join("report.html");
    let csv = dir.path().join("r.csv");
    let r = ddns_audit(
        &["audit", "--no-dns", "--leases", "tests/fixtures/leases/dnsmasq.leases", "--output", csv.to_str().unwrap(), "--html", html.to_str().unwrap()],
        &root(),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.starts_with(&format!("ddns-audit: error: cannot create the HTML report's directory {}: ", file.display())), "{}", r.stderr);
    assert!(!csv.exists(), "no CSV either: the run stopped before the report");
}

#[test]
fn html_path_in_the_config_file_is_relative_to_it() {
    let dir = scratch();
    let leases = root().join("tests/fixtures/leases/dnsmasq.leases");
    std::fs::write(dir.path().join("c.toml"), format!("leases = {:?}\nno-dns = true\nhtml = \"out/page.html\"\noutput = \"out/r.csv\"\nas-of = \"{AS_OF}\"\n", leases.to_str().unwrap())).unwrap();
    let r = ddns_audit(&["audit", "--config", dir.path().join("c.toml").to_str().unwrap()], &root());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = dir.path().join("out/page.html");
    assert!(r.stderr.ends_with(&format!("  HTML report: {}\n", util::native(&page.display().to_string()))), "{}", r.stderr);
    assert!(std::fs::read_to_string(&page).unwrap().starts_with("<!DOCTYPE html>"));
    // Nothing left behind but the two reports.
    let mut left: Vec<String> = std::fs::read_dir(dir.path().join("out")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    left.sort();
    assert_eq!(left, ["page.html", "r.csv"]);
}

/// An audit of 100,005 leases (dnsmasq, no DNS data: every row `unknown` and written) with
/// `--html`; the page's path and text.
fn big_run(dir: &Path) -> (std::path::PathBuf, String) {
    let mut leases = String::new();
    for i in 0..100_005u32 {
        let [_, a, b, c] = i.to_be_bytes();
        leases.push_str(&format!("1795230000 02:00:00:{a:02x}:{b:02x}:{c:02x} 10.{a}.{b}.{c} host-{i:06} *\n"));
    }
    std::fs::write(dir.join("big.leases"), leases).unwrap();
    let html = dir.join("big.html");
    let r = ddns_audit(
        &["audit", "--no-dns", "--leases", dir.join("big.leases").to_str().unwrap(), "--as-of", AS_OF, "--output", dir.join("big.csv").to_str().unwrap(), "--html", html.to_str().unwrap()],
        &root(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("(100005 rows)"), "{}", r.stderr);
    let page = std::fs::read_to_string(&html).unwrap();
    (html, page)
}

#[test]
fn the_table_holds_the_first_100000_rows_and_says_so() {
    let dir = scratch();
    let (_, page) = big_run(dir.path());
    assert!(page.contains("The table holds the first 100000 rows; 5 more are in the CSV only (the counts and charts include them)."));
    let json = page.split(r#"<script type="application/json" id="rows-data">"#).nth(1).unwrap().split("</script>").next().unwrap();
    let data: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(data["rows"].as_array().unwrap().len(), 100_000);
    assert_eq!(page_figures(&page)["status:unknown"], "100005");
}

#[test]
#[ignore = "needs headless Chromium and python3-websocket (tests/run.sh installs them)"]
fn a_page_of_100000_rows_pages_sorts_and_filters_in_the_browser() {
    let dir = scratch();
    let (html, _) = big_run(dir.path());
    let v = in_browser(
        &html,
        &[
            TABLE,
            "document.getElementById('page-next').click(); t()",
            "{ const s = performance.now(); [...document.querySelectorAll('#table thead button')].find(b => b.textContent === 'hostname').click(); \
                [...document.querySelectorAll('#table thead button')].find(b => b.textContent === 'hostname').click(); \
                Object.assign(t(), {ms: performance.now() - s}) }",
            "{ const s = performance.now(); const i = document.getElementById('filter-text'); i.value = 'host-0999'; i.dispatchEvent(new Event('input')); \
                Object.assign(t(), {ms: performance.now() - s}) }",
        ],
        None,
    );
    let res = &v["results"];
    let first = |i: usize, col: usize| res[i]["rows"][0][col].as_str().unwrap().to_string();
    assert_eq!((res[0]["info"].as_str(), res[0]["rows"].as_array().unwrap().len()), (Some("rows 1–100 of 100000"), 100));
    assert_eq!((res[1]["info"].as_str(), first(1, 1)), (Some("rows 101–200 of 100000"), "host-000100".to_string()));
    // Sorted down by host name, back to the first page; quick enough to click (two sorts).
    assert_eq!((res[2]["info"].as_str(), first(2, 1)), (Some("rows 1–100 of 100000"), "host-099999".to_string()));
    assert!(res[2]["ms"].as_f64().unwrap() < 5000.0, "{}", res[2]["ms"]);
    assert_eq!((res[3]["info"].as_str(), first(3, 1)), (Some("rows 1–100 of 100 (filtered from 100000)"), "host-099999".to_string()));
    assert!(res[3]["ms"].as_f64().unwrap() < 5000.0, "{}", res[3]["ms"]);
}

#[test]
fn html_path_must_not_be_the_csv() {
    let r = ddns_audit(&["audit", "--no-dns", "--leases", "tests/fixtures/leases/dnsmasq.leases", "--output", "r.csv", "--html", "r.csv"], &root());
    assert_eq!((r.code, r.stderr.as_str()), (2, "ddns-audit: error: --html: 'r.csv' is the --output file; give the HTML report a path of its own\n"));
}
