use super::*;

use crate::input::Problems;
use crate::report::{Change, Judged, Summary};
use crate::test_support::t;

#[test]
fn days_bin_from_the_as_of_with_overdue_and_the_horizon_inclusive() {
    let mut d = Days::new(t("2026-11-20T12:00:00Z"), TimeDelta::days(28), 2);
    assert_eq!((d.bin, d.bins.len()), (TimeDelta::days(1), 28));
    d.add(t("2026-11-20T11:59:59Z"), 0); // overdue
    d.add(t("2026-11-20T12:00:00Z"), 0); // day 1
    d.add(t("2026-11-21T11:59:59Z"), 1); // still day 1
    d.add(t("2026-11-21T12:00:00Z"), 1); // day 2
    d.add(t("2026-12-18T12:00:00Z"), 0); // the horizon's end: the last day
    d.add(t("2026-12-18T12:00:01Z"), 0); // after it
    d.add(t("2026-11-22T00:00:00Z"), 7); // no such series: not counted
    let drawn = d.drawn();
    assert_eq!(drawn.len(), 29);
    assert_eq!(drawn[0], ("overdue".to_string(), "already scavengeable before 2026-11-20T12:00:00Z".to_string(), vec![1, 0]));
    assert_eq!(drawn[1], ("11-20".to_string(), "24 h from 2026-11-20T12:00:00Z".to_string(), vec![1, 1]));
    assert_eq!(drawn[2].2, vec![0, 1]);
    assert_eq!(drawn[28], ("12-17".to_string(), "24 h from 2026-12-17T12:00:00Z".to_string(), vec![1, 0]));
    assert_eq!(d.later, 1);
}

#[test]
fn long_horizons_bin_by_week() {
    let mut d = Days::new(t("2026-01-01T00:00:00Z"), TimeDelta::days(365), 1);
    assert_eq!((d.bin, d.bins.len()), (TimeDelta::days(7), 53));
    d.add(t("2026-01-15T00:00:00Z"), 0);
    let drawn = d.drawn();
    assert_eq!(drawn.len(), 53, "no overdue bin when nothing is overdue");
    assert_eq!(drawn[2], ("01-15".to_string(), "7 days from 2026-01-15T00:00:00Z".to_string(), vec![1]));
    // A zero horizon: one bin, for what is due at the as-of itself.
    assert_eq!(Days::new(t("2026-01-01T00:00:00Z"), TimeDelta::zero(), 1).bins.len(), 1);
}

#[test]
fn many_groups_draw_the_largest_by_name() {
    let mut g = GroupTally::new(Kind::Forecast);
    for i in 0..45 {
        for _ in 0..=i {
            g.add(&format!("zone{i:02}"), "live frozen");
        }
    }
    g.add("", "stale");
    g.add("zone00", "neither");
    let (drawn, left_out) = g.drawn();
    assert_eq!((drawn.len(), left_out), (40, 6));
    assert_eq!(drawn[0], ("zone05".to_string(), vec![6, 0, 0, 0]));
    assert_eq!(drawn[39], ("zone44".to_string(), vec![45, 0, 0, 0]));
    assert_eq!(g.groups[""], vec![0, 0, 1, 0]);
    assert_eq!(g.groups["zone00"], vec![1, 0, 0, 0]);
}

/// A page of the audit's rows (status, scope, `scavenge_after`, change), as the run makes
/// it; its text.
fn page_of(rows: &[(Status, &str, Option<&str>, Option<Change>)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.html");
    let mut outputs = crate::report::Outputs::default();
    let mut h = HtmlReport::new(&path, Kind::Audit, &crate::report::COLUMNS, t("2026-11-20T12:00:00Z"), TimeDelta::days(28), RunInfo::default(), &mut outputs).unwrap();
    let leases: Vec<crate::leases::Lease> = rows.iter().enumerate().map(|(i, (_, scope, _, _))| crate::test_support::lease(&format!("10.0.16.{i}"), Some("pc"), Some(scope))).collect();
    for (l, (status, _, scavenge, change)) in leases.iter().zip(rows) {
        let f = crate::test_support::finding(l, *status, *scavenge);
        let row = Row::Audit(f, Judged { first_seen: None, change: *change });
        h.row(&row, &row.cells()).unwrap();
    }
    let page = Page { title: "t".into(), sections: vec![], summary_text: "", csv: "r.csv".into(), verdict: "v".into(), by_week: None, fixes: Vec::new() };
    assert_eq!(h.finish(page, None, &mut outputs).unwrap(), path);
    outputs.commit().unwrap();
    std::fs::read_to_string(&path).unwrap()
}

#[test]
fn changes_are_counted_from_the_change_column_when_there_is_one() {
    let rows = [
        (Status::Missing, "s1", Some("2026-11-21T00:00:00Z"), Some(Change::New)),
        (Status::Missing, "s1", None, Some(Change::New)),
        (Status::Stale, "s2", None, Some(Change::Worse)),
        (Status::Ok, "s2", None, Some(Change::Resolved)),
        (Status::Ok, "s2", None, None),
    ];
    let page = page_of(&rows);
    let chart = page.split(r#"<svg id="chart-changes""#).nth(1).unwrap().split("</svg>").next().unwrap();
    assert_eq!(chart.matches(r#"<rect class="bar""#).count(), 3);
    assert!(chart.contains(r#"data-group="new" data-series="new" data-value="2""#), "{chart}");
    assert!(chart.contains(r#"data-group="worse" data-series="worse" data-value="1""#));
    assert!(chart.contains(r#"data-group="resolved" data-series="resolved" data-value="1""#));
    // No change anywhere (no previous report found): no such chart, no empty section.
    let empty = rows.map(|(a, b, c, _)| (a, b, c, None));
    let page = page_of(&empty);
    assert!(!page.contains("chart-changes") && !page.contains("Changes since the previous report"), "{page}");
    // The day chart: one series per status that has a record (a frozen record and a refreshed one are never one bar).
    assert!(page.contains(r#"data-group="11-20" data-series="missing" data-value="1""#), "{page}");
}

/// The live DNS figures, when any, are the summary's (the counters it prints).
#[test]
fn live_dns_figures_are_the_summarys() {
    use crate::dns::live::Stats;
    let mut stats = Stats { questions: 10, sent: 13, responses: 11, records: 7, nxdomain: 2, nodata: 1, timeouts: 2, retries: 3, tcp_fallbacks: 1, dropped: 4, ..Stats::default() };
    stats.failures.insert("SERVFAIL".into(), 1);
    let summary = Summary {
        as_of: Some(t("2026-11-20T12:00:00Z")),
        live: Some(super::super::LiveSummary { stats, compared: true, disagreements: vec!["pc1.corp.example.test".into()] }),
        ..Summary::default()
    };
    let problems = Problems::default();
    let text = summary.render(&problems);
    assert!(text.contains("  live DNS: 10 questions, 13 queries sent, 11 responses in"), "{text}");
    assert!(text.contains("  live DNS answers: records 7, NXDOMAIN 2, NODATA 1, failed 1"), "{text}");
    assert!(text.contains("  live DNS errors: 1 (timeouts 2, retries 3, TCP fallbacks 1, dropped responses 4): SERVFAIL 1"), "{text}");
    assert!(text.contains("  DNS disagreements between servers: 1 (pc1.corp.example.test)"), "{text}");
    let page = audit_page(&summary, &problems, &text);
    let live = page.sections.iter().find(|s| s.id == "live").unwrap();
    let figures: Vec<(&str, &str)> = live.figures.iter().map(|f| (f.label.as_str(), f.value.as_str())).collect();
    assert_eq!(
        figures,
        [
            ("questions", "10"),
            ("queries sent", "13"),
            ("responses", "11"),
            ("records", "7"),
            ("NXDOMAIN", "2"),
            ("NODATA", "1"),
            ("failed", "1"),
            ("timeouts", "2"),
            ("retries", "3"),
            ("TCP fallbacks", "1"),
            ("dropped responses", "4"),
            ("disagreements between servers", "1"),
        ]
    );
    assert_eq!(live.notes, ["pc1.corp.example.test"]);
    // Without live DNS, no such block.
    assert!(audit_page(&Summary::default(), &problems, "").sections.iter().all(|s| s.id != "live"));
}

#[test]
fn rows_are_compact_json_lines() {
    let l = crate::test_support::lease("10.0.16.5", Some("<b>"), None);
    let row = Row::Audit(crate::test_support::finding(&l, Status::Missing, None), Judged::default());
    let mut v = Vec::new();
    let mut text = String::new();
    write_row(&mut v, &row.cells(), &mut text, true).unwrap();
    write_row(&mut v, &row.cells(), &mut text, false).unwrap();
    let line = "[\"missing\",\"10.0.16.5\",\"\\u003cb\\u003e\",\"\\u003cb\\u003e.corp.example.test\",\"00:15:5d:01:02:03\",\"active\",\"2026-11-30T00:00:00Z\",\"\",\"ok\",\"\",\"ok\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"leases.csv:2\",\"\",\"\",\"\",\"\",\"\",\"\"]";
    assert_eq!(String::from_utf8(v).unwrap(), format!("{line},\n{line}"));
}

#[test]
fn the_audit_verdict_says_who_needs_action_and_why() {
    let mut s = Summary::default();
    assert_eq!(page::audit_verdict(&s), "No host needs action: 0 ok.");
    s.by_status.insert(Status::Ok, 41);
    s.by_status.insert(Status::Missing, 3);
    s.by_status.insert(Status::AtRisk, 9);
    assert_eq!(page::audit_verdict(&s), "12 hosts need action: 3 missing from DNS, 9 at risk of scavenging; 41 ok.");
    s.by_status.insert(Status::Missing, 0);
    s.by_status.insert(Status::AtRisk, 1);
    s.by_status.insert(Status::Unknown, 2);
    assert_eq!(page::audit_verdict(&s), "1 host needs action: 1 at risk of scavenging; 41 ok, 2 not checked (no DNS data for them).");
}

#[test]
fn scopes_are_named_as_an_admin_reads_them() {
    use crate::leases::LeaseOrigin;
    use std::sync::Arc;
    let with = |scope: Option<&str>, server: Option<&str>, source: &str| {
        let mut l = crate::test_support::lease("10.0.16.5", Some("pc"), None);
        l.origin = LeaseOrigin::new(&Arc::from(source), scope, None, server);
        tally::scope_label(&l)
    };
    assert_eq!(with(Some("10.0.16.0"), Some("10.0.0.11"), "x/dhcp1-v4.csv"), "scope 10.0.16.0 on 10.0.0.11");
    assert_eq!(with(Some("3"), None, "x/kea-leases4.csv"), "Kea subnet 3");
    assert_eq!(with(None, None, "examples/offline/leases/lab-dhcpd.leases"), "no scope (lab-dhcpd.leases)");
    assert_eq!(with(Some("10.0.20.0"), Some("x/dhcp2-export.xml IPv4"), "x/dhcp2-export.xml"), "scope 10.0.20.0 (dhcp2-export.xml)");
}

#[test]
fn a_finding_counts_under_its_scope_and_the_longest_zone_holding_its_name() {
    let mut b = Breakdown::new(["corp.example.test".to_string(), "hr.corp.example.test".to_string(), "16.0.10.in-addr.arpa".to_string()]);
    let leases = [
        crate::test_support::lease("10.0.16.5", Some("pc1.hr"), Some("10.0.16.0")),
        crate::test_support::lease("10.0.16.6", Some("pc2"), Some("10.0.16.0")),
        crate::test_support::lease("10.0.16.7", Some("pc3.other.example"), None),
    ];
    for (l, st) in leases.iter().zip([Status::Missing, Status::Ok, Status::Unknown]) {
        let mut f = crate::test_support::finding(l, st, None);
        if st == Status::Unknown {
            f.fqdn = Some("pc3.other.example".into());
        }
        b.add_finding(&f);
    }
    let zones: Vec<(&str, usize)> = b.zones.groups.iter().map(|(k, v)| (k.as_str(), v.iter().sum())).collect();
    assert_eq!(zones, [("corp.example.test", 1), ("hr.corp.example.test", 1), ("not in a zone read", 1)]);
    let scopes: Vec<&str> = b.scopes.groups.keys().map(String::as_str).collect();
    assert_eq!(scopes, ["no scope (leases.csv)", "scope 10.0.16.0"]);
}

#[test]
fn the_fix_list_names_each_group_its_counts_action_and_some_hosts() {
    use crate::report::fixes::{FixGroup, FixHost};
    let hosts: Vec<FixHost> = (0..10).map(|i| FixHost { name: format!("pc{i}.corp.example.test"), ip: format!("10.0.16.{i}").parse().unwrap(), status: Status::Missing }).collect();
    let g = FixGroup {
        cause: crate::audit::Cause::Pending,
        title: "DHCP server <dhcp1>: registrations Pending".into(),
        missing: 9,
        stale: 0,
        at_risk: 3,
        unknown: 0,
        at_risk_high: 2,
        hosts,
        action: "Set-DhcpServerDnsCredential -ComputerName dhcp1 -Credential (Get-Credential)".into(),
    };
    let mut o = String::new();
    fixes::section(&mut o, std::slice::from_ref(&g));
    assert!(o.starts_with(r#"<section id="fix-list"><h2>Fix list: 1 cause, most hosts at risk first</h2><ol class="fixes"><li class="fix"><h3 class="fix-title">DHCP server &lt;dhcp1&gt;: registrations Pending</h3>"#), "{o}");
    assert!(o.contains(r#"<span class="fix-total">12 hosts</span> <span class="count st-missing" data-status="missing">missing 9</span> <span class="count st-at-risk" data-status="at-risk">at-risk 3 (2 high)</span>"#), "{o}");
    assert!(o.contains(r#"<code class="action">Set-DhcpServerDnsCredential -ComputerName dhcp1 -Credential (Get-Credential)</code>"#), "{o}");
    assert!(o.contains("pc7.corp.example.test (10.0.16.7, missing) <span class=\"more\">and 4 more</span>"), "{o}");
    assert!(!o.contains("pc8."));
    let mut none = String::new();
    fixes::section(&mut none, &[]);
    assert_eq!(none, "", "no fix: no section");
}
