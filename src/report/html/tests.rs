use super::*;

use crate::report::{Change, Judged};
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
    assert_eq!(g.groups[NO_GROUP], vec![0, 0, 1, 0]);
    assert_eq!(g.groups["zone00"], vec![1, 0, 0, 0]);
}

/// A page of the audit's rows (status, scope, `scavenge_after`, change), as the run makes
/// it; its text.
fn page_of(rows: &[(Status, &str, Option<&str>, Option<Change>)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.html");
    let mut outputs = crate::report::Outputs::default();
    let mut h = HtmlReport::new(&path, Kind::Audit, &crate::report::COLUMNS, t("2026-11-20T12:00:00Z"), TimeDelta::days(28), &mut outputs).unwrap();
    let leases: Vec<crate::leases::Lease> = rows.iter().enumerate().map(|(i, (_, scope, _, _))| crate::test_support::lease(&format!("10.0.16.{i}"), Some("pc"), Some(scope))).collect();
    for (l, (status, _, scavenge, change)) in leases.iter().zip(rows) {
        let f = crate::test_support::finding(l, *status, *scavenge);
        h.row(&Row::Audit(f, Judged { first_seen: None, change: *change })).unwrap();
    }
    let page = Page { title: "t".into(), sections: vec![], summary_text: "", csv: "r.csv".into() };
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
    assert!(!page.contains("no previous report"));
    // No change anywhere (no previous report found).
    let empty = rows.map(|(a, b, c, _)| (a, b, c, None));
    assert!(page_of(&empty).contains(r#"<p class="empty" id="no-previous">no previous report</p>"#));
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
    write_row(&mut v, &row, &mut text, true).unwrap();
    write_row(&mut v, &row, &mut text, false).unwrap();
    let line = "[\"missing\",\"10.0.16.5\",\"\\u003cb\\u003e\",\"\\u003cb\\u003e.corp.example.test\",\"00:15:5d:01:02:03\",\"active\",\"2026-11-30T00:00:00Z\",\"\",\"ok\",\"\",\"ok\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"leases.csv:2\",\"\",\"\",\"\",\"\",\"\",\"\"]";
    assert_eq!(String::from_utf8(v).unwrap(), format!("{line},\n{line}"));
}
