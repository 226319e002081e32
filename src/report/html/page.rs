//! What the page says around its rows: the header (when, which build, as of, the inputs and
//! what each gave, the options that change results), the one-line verdict, the summary's
//! figures, the breakdown per scope and zone, the charts; and the page's frame (the CSP, the
//! styles with the shared status colours, the table's controls).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, TimeDelta, Utc};

use super::escape::html;
use super::svg::{self, Series};
use super::tally::{Days, GroupTally};
use super::{CHANGES, CHART_GROUPS, Kind, TABLE_ROWS};
use crate::audit::{Risk, Status};
use crate::input::{Problems, SkipReason};
use crate::report::palette;
use crate::report::{ForecastSummary, Summary};
use crate::timefmt::rfc3339;

/// What the header says of the run besides the counts. Made by the run (which knows the
/// options), not from them here: the report layer takes facts, not settings.
#[derive(Debug, Clone, Default)]
pub(crate) struct RunInfo {
    /// When the run started.
    pub(crate) ran_at: Option<DateTime<Utc>>,
    /// As `--version` prints it after the name: `0.1.0 (commit e36e1f8e5b)`.
    pub(crate) version: String,
    pub(crate) inputs: Vec<Input>,
    /// The options that change what the report says (`--all`, `--domain`, aging intervals,
    /// `--no-dns`, DNS servers, ...), as `--name value` words.
    pub(crate) options: Vec<String>,
}

/// One input: what it is, where it came from, what it gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Input {
    pub(crate) what: &'static str,
    pub(crate) from: String,
    pub(crate) gave: String,
}

/// The counters the writer kept, for the page.
#[derive(Debug)]
pub(super) struct Counters<'c> {
    /// Per-group tallies, each with its group's word (`scope`, `zone`).
    pub(super) groups: &'c [(&'static str, GroupTally)],
    pub(super) days: &'c Days,
    pub(super) changes: &'c BTreeMap<&'static str, usize>,
    pub(super) table_rows: usize,
    pub(super) left_out: usize,
}

/// One figure of the summary: `key` (`section:label`) is the element's `data-figure`, for a
/// reader's scripts and the browser test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Figure {
    pub(crate) label: String,
    pub(crate) value: String,
}

/// A block of the summary: its figures, then notes (zone findings, skipped records listed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Section {
    pub(crate) id: &'static str,
    pub(crate) title: &'static str,
    pub(crate) figures: Vec<Figure>,
    pub(crate) notes: Vec<String>,
}

impl Section {
    fn new(id: &'static str, title: &'static str) -> Section {
        Section { id, title, figures: Vec::new(), notes: Vec::new() }
    }

    fn figure(mut self, label: impl Into<String>, value: impl ToString) -> Section {
        self.figures.push(Figure { label: label.into(), value: value.to_string() });
        self
    }
}

/// What the page says besides the rows and charts.
#[derive(Debug)]
pub(crate) struct Page<'a> {
    pub(crate) title: String,
    pub(crate) sections: Vec<Section>,
    /// The stderr summary, word for word.
    pub(crate) summary_text: &'a str,
    /// Where the CSV went.
    pub(crate) csv: String,
    /// The one-line verdict the page opens with.
    pub(crate) verdict: String,
    /// The forecast's live records deleted by zone and week, as a table (the audit: none).
    pub(crate) by_week: Option<String>,
    /// The audit's fix list, in its order (the forecast: none).
    pub(crate) fixes: Vec<crate::report::fixes::FixGroup>,
}

/// The skipped input records: the total, per reason, and the defects listed (as on stderr).
fn skipped_section(problems: &Problems) -> Section {
    let mut by_reason: BTreeMap<SkipReason, usize> = BTreeMap::new();
    for p in &problems.list {
        *by_reason.entry(p.reason).or_default() += 1;
    }
    let mut s = Section::new("skipped", "Skipped input records").figure("total", problems.len());
    for (r, n) in by_reason {
        s = s.figure(r.as_str(), n);
    }
    let defects: Vec<String> = problems.list.iter().filter(|p| p.reason.is_defect()).map(ToString::to_string).collect();
    let listed = 20;
    s.notes = defects.iter().take(listed).cloned().collect();
    if defects.len() > listed {
        s.notes.push(format!("... and {} more", defects.len() - listed));
    }
    s
}

/// The audit's page: the same counts as its stderr summary ([`Summary::render`]).
pub(crate) fn audit_page<'a>(s: &Summary, problems: &Problems, summary_text: &'a str) -> Page<'a> {
    let as_of = s.as_of.map(rfc3339).unwrap_or_default();
    let mut inputs = Section::new("inputs", "Inputs")
        .figure("leases audited", s.audited)
        .figure("leases read", s.leases_read);
    for (why, n) in &s.not_audited {
        inputs = inputs.figure(format!("not audited: {why}"), n);
    }
    inputs = inputs.figure("computers", s.computers_read).figure("DNS records", s.dns_records_read).figure("zones", s.zones_read);
    let mut status = Section::new("status", "Status");
    for st in Status::ALL {
        status = status.figure(st.as_str(), s.by_status.get(st).copied().unwrap_or(0));
    }
    let mut risk = Section::new("risk", "Scavenging risk");
    for r in Risk::ALL.iter().rev() {
        risk = risk.figure(r.as_str(), s.by_risk.get(r).copied().unwrap_or(0));
    }
    let mut zones = Section::new("zone-findings", "Zone findings").figure("zones", s.zone_findings.len());
    zones.notes = s.zone_findings.iter().map(|(z, f)| format!("zone {} {f}", crate::input::name_shown(z))).collect();
    let mut sections = vec![status, risk, inputs, skipped_section(problems), zones];
    if let Some(live) = &s.live {
        let t = &live.stats;
        let mut l = Section::new("live", "Live DNS")
            .figure("questions", t.questions)
            .figure("queries sent", t.sent)
            .figure("responses", t.responses)
            .figure("records", t.records)
            .figure("NXDOMAIN", t.nxdomain)
            .figure("NODATA", t.nodata)
            .figure("failed", t.failed())
            .figure("timeouts", t.timeouts)
            .figure("retries", t.retries)
            .figure("TCP fallbacks", t.tcp_fallbacks)
            .figure("dropped responses", t.dropped);
        if live.compared {
            l = l.figure("disagreements between servers", live.disagreements.len());
            l.notes = live.disagreements.clone();
        }
        sections.push(l);
    }
    sections.push(Section::new("report", "Report").figure("CSV", &s.destination).figure("rows", s.rows_written));
    Page { title: format!("ddns-audit: audit as of {as_of}"), sections, summary_text, csv: s.destination.to_string(), verdict: audit_verdict(s), by_week: None, fixes: s.fixes.list() }
}

/// The forecast's page: the same counts as its stderr summary ([`ForecastSummary::render`]).
pub(crate) fn forecast_page<'a>(s: &ForecastSummary<'_>, problems: &Problems, summary_text: &'a str) -> Page<'a> {
    let t = &s.tally;
    let end = t.as_of.checked_add_signed(s.horizon).unwrap_or(DateTime::<Utc>::MAX_UTC);
    let deleted = Section::new("deleted", "Deleted by scavenging within the horizon")
        .figure("records", t.total.deleted())
        .figure("live", t.total.live())
        .figure("live frozen", t.total.frozen)
        .figure("live cannot-refresh", t.total.cannot_refresh)
        .figure("stale", t.total.stale)
        .figure("refreshing (not deleted)", t.total.refreshing)
        .figure("horizon", crate::report::duration_text(s.horizon))
        .figure("to", rfc3339(end));
    let inputs = Section::new("inputs", "Inputs")
        .figure("leases audited", s.leases_audited)
        .figure("leases read", s.leases_read)
        .figure("computers", s.computers_read)
        .figure("DNS records", s.dns_records_read)
        .figure("zones", s.zones_read);
    let mut not = Section::new("not-forecast", "Not forecast (A/AAAA/PTR records)").figure("total", s.not_forecast.values().sum::<usize>());
    for r in crate::forecast::NotForecast::ALL {
        not = not.figure(r.as_str(), s.not_forecast.get(r).copied().unwrap_or(0));
    }
    let report = Section::new("report", "Report").figure("CSV", &s.destination).figure("rows", s.rows_written);
    Page {
        title: format!("ddns-audit: forecast as of {}", rfc3339(t.as_of)),
        sections: vec![deleted, not, inputs, skipped_section(problems), report],
        summary_text,
        csv: s.destination.to_string(),
        verdict: forecast_verdict(s),
        by_week: Some(by_zone_and_week(s)),
        fixes: Vec::new(),
    }
}

/// The audit's verdict, as an admin reads it first: how many hosts need action and why, then
/// the rest. Every count is the summary's (every audited lease, written or not).
pub(crate) fn audit_verdict(s: &Summary) -> String {
    let n = |st: Status| s.by_status.get(&st).copied().unwrap_or(0);
    let need = n(Status::Missing) + n(Status::Stale) + n(Status::AtRisk);
    let reasons: Vec<String> = [(Status::Missing, "missing from DNS"), (Status::Stale, "with a stale record"), (Status::AtRisk, "at risk of scavenging")]
        .iter()
        .filter(|(st, _)| n(*st) > 0)
        .map(|(st, why)| format!("{} {why}", n(*st)))
        .collect();
    let mut rest = vec![format!("{} ok", n(Status::Ok))];
    if n(Status::Unknown) > 0 {
        rest.push(format!("{} not checked (no DNS data for them)", n(Status::Unknown)));
    }
    match need {
        0 => format!("No host needs action: {}.", rest.join(", ")),
        1 => format!("1 host needs action: {}; {}.", reasons.join(", "), rest.join(", ")),
        _ => format!("{need} hosts need action: {}; {}.", reasons.join(", "), rest.join(", ")),
    }
}

/// The forecast's verdict: the live hosts' records scavenging deletes (why, where most, when
/// first), then the stale ones it deletes as it should.
pub(crate) fn forecast_verdict(s: &ForecastSummary<'_>) -> String {
    let t = &s.tally;
    let end = t.as_of.checked_add_signed(s.horizon).unwrap_or(DateTime::<Utc>::MAX_UTC);
    let by = end.format("%Y-%m-%d");
    let live = t.total.live();
    let stale = match t.total.stale {
        0 => String::new(),
        1 => " It also deletes 1 stale record (a host no longer in use: as intended).".to_string(),
        n => format!(" It also deletes {n} stale records (hosts no longer in use: as intended)."),
    };
    if live == 0 {
        return format!("Scavenging deletes no live host's record by {by}.{stale}");
    }
    let mut why = Vec::new();
    if t.total.frozen > 0 {
        why.push(format!("{} frozen (nothing refreshes them)", t.total.frozen));
    }
    if t.total.cannot_refresh > 0 {
        why.push(format!("{} whose host cannot refresh them", t.total.cannot_refresh));
    }
    let mut zones: BTreeMap<&str, usize> = BTreeMap::new();
    let mut weeks: BTreeMap<u32, usize> = BTreeMap::new();
    for ((week, zone), c) in &t.cells {
        *zones.entry(zone).or_default() += c.live();
        *weeks.entry(*week).or_default() += c.live();
    }
    let most = zones.iter().max_by_key(|(z, n)| (**n, std::cmp::Reverse(**z))).map(|(z, n)| format!("; most in {z} ({n})")).unwrap_or_default();
    // The earliest: what is already overdue, else the first week with any.
    let first = weeks.iter().find(|(_, n)| **n > 0).map(|(w, n)| if *w == 0 { format!(" ({n} already overdue)") } else { format!(" (the first {n} in week {w})") }).unwrap_or_default();
    let records = if live == 1 { "record" } else { "records" };
    format!("Scavenging deletes {live} live hosts' {records} by {by}{first}: {}{most}.{stale}", why.join(", "))
}

/// The live records scavenging deletes, per zone (rows) and week (columns: overdue, week 1,
/// ...), each cell's title saying frozen and cannot-refresh apart. Zones with none are left out.
fn by_zone_and_week(s: &ForecastSummary<'_>) -> String {
    let t = &s.tally;
    let mut zones: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    let weeks = usize::try_from(t.weeks).unwrap_or(0) + 1;
    for ((week, zone), c) in &t.cells {
        if c.live() == 0 {
            continue;
        }
        let row = zones.entry(zone).or_insert_with(|| vec![(0, 0); weeks]);
        if let Some(cell) = usize::try_from(*week).ok().and_then(|w| row.get_mut(w)) {
            *cell = (cell.0 + c.frozen, cell.1 + c.cannot_refresh);
        }
    }
    if zones.is_empty() {
        return String::new();
    }
    let mut o = String::from(r#"<table class="counts" id="live-by-week"><caption>Live hosts' records deleted, by zone and week (frozen + cannot-refresh)</caption><thead><tr><th scope="col">zone</th><th scope="col">overdue</th>"#);
    for w in 1..weeks {
        let _ = write!(o, r#"<th scope="col">week {w}</th>"#);
    }
    o.push_str(r#"<th scope="col">total</th></tr></thead><tbody>"#);
    for (zone, row) in &zones {
        let _ = write!(o, r#"<tr><th scope="row">{}</th>"#, html(zone));
        for (frozen, cannot) in row {
            let _ = write!(o, r#"<td title="frozen {frozen}, cannot-refresh {cannot}">{}</td>"#, frozen + cannot);
        }
        let _ = write!(o, "<td>{}</td></tr>", row.iter().map(|(a, b)| a + b).sum::<usize>());
    }
    o.push_str("</tbody></table>");
    o
}

/// The per-group charts and tables (`#breakdown`): per scope and per zone (audit), per zone (forecast).
fn breakdown(o: &mut String, kind: Kind, groups: &[(&'static str, GroupTally)]) {
    o.push_str(r#"<section id="breakdown"><h2>Breakdown</h2>"#);
    for (word, tally) in groups {
        if tally.groups.is_empty() {
            continue;
        }
        let title = match (kind, *word) {
            (Kind::Audit, "scope") => "Status per scope (every audited lease)",
            (Kind::Audit, _) => "Status per zone of the host's name (every audited lease)",
            (Kind::Forecast, _) => "Due records per zone: live (frozen, cannot-refresh), stale, refreshing",
        };
        let id = format!("chart-{word}s");
        let _ = write!(o, r#"<figure><figcaption>{}</figcaption>"#, html(title));
        let (drawn, left_out) = tally.drawn();
        o.push_str(&svg::stacked_bars(&id, title, &tally.series, &drawn));
        if left_out > 0 {
            let _ = write!(o, r#"<p class="note">The {CHART_GROUPS} largest are drawn; {left_out} more are in the table below.</p>"#);
        }
        o.push_str("</figure>");
        let _ = write!(o, r#"<table class="counts" id="{word}-counts"><caption>{}</caption><thead><tr><th scope="col">{word}</th>"#, html(title));
        for s in &tally.series {
            // The audit's statuses in their colours; the forecast's series are not verdict words.
            let class = if kind == Kind::Audit { format!(r#" class="{}""#, cell_class(s.name)) } else { String::new() };
            let _ = write!(o, r#"<th scope="col"{class}>{}</th>"#, html(s.name));
        }
        o.push_str(r#"<th scope="col">total</th></tr></thead><tbody>"#);
        for (name, counts) in &tally.groups {
            let _ = write!(o, r#"<tr><th scope="row">{}</th>"#, html(name));
            for c in counts {
                let _ = write!(o, "<td>{c}</td>");
            }
            let _ = write!(o, "<td>{}</td></tr>", counts.iter().sum::<usize>());
        }
        o.push_str("</tbody></table>");
    }
    o.push_str("</section>\n");
}

/// The day chart and, when there was a previous report with changes, the changes chart.
fn charts(o: &mut String, kind: Kind, days: &Days, changes: &BTreeMap<&'static str, usize>) {
    let series = kind.category().1;
    let day_title = match kind {
        Kind::Audit => "Records reaching scavenge_after per day, next 28 days (the report's rows), by status: ok records are refreshed before then, at-risk ones are frozen and will be deleted".to_string(),
        Kind::Forecast => format!(
            "Due records per {} over the horizon ({}): live (frozen, cannot-refresh), stale, refreshing",
            if days.bin == TimeDelta::days(1) { "day" } else { "week" },
            crate::report::duration_text(days.horizon)
        ),
    };
    let bins = days.drawn();
    let any = bins.iter().any(|(_, _, c)| c.iter().any(|&n| n > 0));
    let has_changes = changes.values().any(|&n| n > 0);
    if !any && !has_changes {
        return;
    }
    o.push_str(r#"<section id="charts"><h2>When records become scavengeable</h2>"#);
    if any {
        let _ = write!(o, r#"<figure><figcaption>{}</figcaption>"#, html(&day_title));
        // Only the series that have a record: a legend of empty series says nothing.
        let used: Vec<usize> = (0..series.len()).filter(|&i| bins.iter().any(|(_, _, c)| c.get(i).is_some_and(|&n| n > 0))).collect();
        let shown: Vec<Series> = used.iter().filter_map(|&i| series.get(i).copied()).collect();
        let shown_bins: Vec<(String, String, Vec<usize>)> =
            bins.into_iter().map(|(l, t, c)| (l, t, used.iter().map(|&i| c.get(i).copied().unwrap_or(0)).collect())).collect();
        o.push_str(&svg::columns("chart-days", &day_title, &shown, &shown_bins));
        if days.later > 0 {
            let _ = write!(o, r#"<p class="note">{} more after the horizon.</p>"#, days.later);
        }
        o.push_str("</figure>");
    }
    // Only with a previous report that changed something: no empty "changes" section.
    if has_changes {
        let counted: Vec<(String, Vec<usize>)> = CHANGES
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut v = vec![0; CHANGES.len()];
                if let Some(c) = v.get_mut(i) {
                    *c = changes.get(s.name).copied().unwrap_or(0);
                }
                (s.name.to_string(), v)
            })
            .collect();
        o.push_str("<figure><figcaption>Changes since the previous report</figcaption>");
        o.push_str(&svg::stacked_bars("chart-changes", "Changes since the previous report", &CHANGES, &counted));
        o.push_str("</figure>");
    }
    o.push_str("</section>\n");
}

/// The CSS class of a status (verdict) word's cell: `st-at-risk`, `st-live`; the words are a
/// closed vocabulary of letters and hyphens.
pub(super) fn cell_class(word: &str) -> String {
    let w: String = word.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    format!("st-{w}")
}

/// The status colours as CSS rules, from the shared palette ([`palette`]): the rows' status and
/// verdict cells, the breakdown's headers and the fix list's counts.
fn status_css() -> String {
    let mut o = String::new();
    let ink = palette::css(palette::INK);
    for s in Status::ALL {
        let _ = write!(o, ".{}{{background:{};color:{ink}}}", cell_class(s.as_str()), palette::css(palette::status_fill(*s)));
    }
    // A class of its own: the verdict `stale` is not the status `stale`.
    for v in crate::forecast::Verdict::ALL {
        let _ = write!(o, ".vd-{}{{background:{};color:{ink}}}", v.as_str(), palette::css(palette::verdict_fill(*v)));
    }
    o
}

/// The header: title, when and by which build, as of, the inputs and the options.
fn header(h: &mut String, page: &Page<'_>, info: &RunInfo, kind: Kind) {
    let _ = write!(h, "<header id=\"run\"><h1>{}</h1><p class=\"run-line\">", html(&page.title));
    if let Some(t) = info.ran_at {
        let _ = write!(h, "Run <time id=\"ran-at\">{}</time> · ", rfc3339(t));
    }
    let what = if kind == Kind::Audit { "audit" } else { "forecast" };
    let _ = write!(h, "<span id=\"version\">ddns-audit {}</span> · {what} · the CSV: <code>{}</code></p>", html(&info.version), html(&page.csv));
    if !info.inputs.is_empty() {
        // One line per kind of input; each source by its file name (the whole path in its
        // title), then what it gave.
        h.push_str(r#"<table class="inputs" id="inputs"><caption>Inputs</caption><tbody>"#);
        let mut kinds: Vec<&str> = Vec::new();
        for i in &info.inputs {
            if !kinds.contains(&i.what) {
                kinds.push(i.what);
            }
        }
        for what in kinds {
            let _ = write!(h, r#"<tr><th scope="row">{}</th><td>"#, html(what));
            for (k, i) in info.inputs.iter().filter(|i| i.what == what).enumerate() {
                let short: Vec<&str> = i.from.split(", ").map(|f| f.rsplit(['/', '\\']).next().unwrap_or(f)).collect();
                let _ = write!(h, r#"{}<span class="input" title="{}"><code>{}</code>: {}</span>"#, if k > 0 { "; " } else { "" }, html(&i.from), html(&short.join(", ")), html(&i.gave));
            }
            h.push_str("</td></tr>");
        }
        h.push_str("</tbody></table>");
    }
    if !info.options.is_empty() {
        h.push_str(r#"<p id="options">Options that change results: "#);
        for (i, o) in info.options.iter().enumerate() {
            let _ = write!(h, "{}<code>{}</code>", if i > 0 { ", " } else { "" }, html(o));
        }
        h.push_str("</p>");
    }
    h.push_str("</header>\n");
}

/// The page before the rows' JSON block, and after it.
pub(super) fn page_text(page: &Page<'_>, info: &RunInfo, kind: Kind, counters: &Counters<'_>) -> (String, String) {
    let mut h = String::new();
    let _ = write!(
        h,
        concat!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
            // Nothing may be fetched: the page is the whole report.
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"icon\" href=\"data:,\">",
            "<title>{title}</title><style>{css}{status}</style></head><body>\n"
        ),
        title = html(&page.title),
        css = include_str!("page.css"),
        status = status_css(),
    );
    header(&mut h, page, info, kind);
    h.push_str("<main>\n");
    let _ = writeln!(h, "<p id=\"verdict\" class=\"verdict\">{}</p>", html(&page.verdict));
    if let Some(t) = page.by_week.as_deref().filter(|t| !t.is_empty()) {
        h.push_str(t);
    }
    super::fixes::section(&mut h, &page.fixes);
    h.push_str("<section id=\"summary\"><h2>Summary</h2><div class=\"figures\">");
    for s in &page.sections {
        let _ = write!(h, r#"<div class="block" id="fig-{}"><h3>{}</h3><table class="figures">"#, s.id, html(s.title));
        for f in &s.figures {
            let key = format!("{}:{}", s.id, f.label);
            let class = if s.id == "status" { format!(r#" class="{}""#, cell_class(&f.label)) } else { String::new() };
            let _ = write!(h, r#"<tr data-figure="{}"><th scope="row"{class}>{}</th><td>{}</td></tr>"#, html(&key), html(&f.label), html(&f.value));
        }
        h.push_str("</table>");
        if !s.notes.is_empty() {
            h.push_str("<ul class=\"notes\">");
            for n in &s.notes {
                let _ = write!(h, "<li>{}</li>", html(n));
            }
            h.push_str("</ul>");
        }
        h.push_str("</div>");
    }
    let _ = writeln!(
        h,
        "</div><details><summary>The run's summary, as printed on stderr</summary><pre id=\"summary-text\">{}</pre></details></section>",
        html(page.summary_text)
    );
    breakdown(&mut h, kind, counters.groups);
    charts(&mut h, kind, counters.days, counters.changes);
    let which = match kind {
        Kind::Audit => "the rows of the CSV",
        Kind::Forecast => "the forecast's rows (the CSV's)",
    };
    let (table_rows, left_out) = (counters.table_rows, counters.left_out);
    let cut = if left_out > 0 {
        format!(" The table holds the first {TABLE_ROWS} rows; {left_out} more are in the CSV only (the counts and charts include them).")
    } else {
        String::new()
    };
    let _ = write!(
        h,
        concat!(
            "<section id=\"rows\"><h2>Rows</h2><p>{which}: <span id=\"row-count\">{n}</span> rows, 100 per page. Click a column's name to sort by it (again to reverse); ",
            "type to keep the rows containing the text in any column.{cut}</p>",
            "<noscript><p class=\"note\">The table needs JavaScript, which is off: the summary and charts above do not. The rows are in the CSV, <code>{csv}</code>.</p></noscript>",
            "<div class=\"controls\"><label>Filter <input type=\"search\" id=\"filter-text\" autocomplete=\"off\"></label> ",
            "<label>{category} <select id=\"filter-category\"><option value=\"\">all</option></select></label> ",
            "<button type=\"button\" id=\"toggle-columns\" aria-pressed=\"false\">show all columns</button> ",
            "<button type=\"button\" id=\"page-prev\">previous 100</button> <button type=\"button\" id=\"page-next\">next 100</button> <span id=\"page-info\" aria-live=\"polite\"></span></div>",
            "<div class=\"scroll\"><table id=\"table\" class=\"lead-only\"><thead></thead><tbody></tbody></table></div></section>\n</main>\n"
        ),
        which = which,
        n = table_rows,
        cut = html(&cut),
        csv = html(&page.csv),
        category = kind.category().0
    );
    let tail = format!("<script>{}</script>\n</body></html>\n", include_str!("page.js"));
    (h, tail)
}
