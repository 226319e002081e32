//! `--html PATH` (docs/html-report.md "Reading the HTML report"): one self-contained page (styles, script
//! and SVG charts inline; no network resource at all) with the summary's counts, the charts and
//! the rows in a table that sorts, filters and pages.
//!
//! It streams: as a [`Sink`], it sees each row as the report's writer takes it, writes it as compact JSON to an anonymous temporary file and keeps only counters
//! (per group and category, per day, per change); [`HtmlReport::finish`] assembles the page
//! around those rows and renames it into place, as the CSV is ([`super::write`]).

mod escape;
mod svg;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Seek, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeDelta, Utc};

use self::escape::{html, write_json_string};
use self::svg::Series;
use super::{ForecastSummary, Row, Sink, Summary};
use crate::audit::{Finding, Risk, Status};
use crate::input::{Problems, SkipReason};
use crate::timefmt::rfc3339;

/// The table holds the written rows, the first this many: a browser pages through 100,000
/// rows comfortably (about 30 MB of page); past that the CSV is the place to look, and the
/// page says how many rows it left out. The counts and charts always cover every row.
pub(crate) const TABLE_ROWS: usize = 100_000;

/// How many groups (scopes, zones) the per-group chart draws: the largest ones.
const CHART_GROUPS: usize = 40;

/// The day chart's bins are days up to this horizon, weeks beyond it.
const DAILY_UP_TO: i64 = 92;

#[derive(Debug, thiserror::Error)]
pub enum HtmlError {
    // The I/O errors are in the messages, not `source`s: `{:#}` would print them twice.
    #[error("cannot create the HTML report's directory {path}: {error}")]
    CreateDir { path: PathBuf, error: std::io::Error },
    #[error("cannot write the HTML report {path}: {error}")]
    Write { path: PathBuf, error: std::io::Error },
    #[error("cannot write the HTML report's rows to a temporary file in {dir}: {error}")]
    Rows { dir: PathBuf, error: std::io::Error },
}

/// Which report the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Audit,
    Forecast,
}

/// The forecast's chart series: `live` split by why scavenging deletes it, then `stale`, then
/// the `refreshing` records (rows only with `--all`: not deleted).
const FORECAST_SERIES: [Series; 4] = [
    svg::VERMILLION.named("live frozen"),
    svg::ORANGE.named("live cannot-refresh"),
    svg::SKY.named("stale"),
    svg::GREEN.named("refreshing"),
];

impl Kind {
    /// The column the status select filters by, and the series the per-group chart stacks.
    fn category(self) -> (&'static str, Vec<Series>) {
        match self {
            Kind::Audit => ("status", Status::ALL.iter().map(|s| status_series(*s)).collect()),
            Kind::Forecast => ("verdict", FORECAST_SERIES.to_vec()),
        }
    }

    fn group_column(self) -> &'static str {
        match self {
            Kind::Audit => "scope",
            Kind::Forecast => "zone",
        }
    }
}

fn status_series(s: Status) -> Series {
    let base = match s {
        Status::Missing => svg::VERMILLION,
        Status::Stale => svg::ORANGE,
        Status::AtRisk => svg::PURPLE,
        Status::Unknown => svg::GREY,
        Status::Ok => svg::GREEN,
    };
    base.named(s.as_str())
}

/// The change column's values (the run-over-run comparison), in the chart's order.
const CHANGES: [Series; 5] = [
    svg::VERMILLION.named("new"),
    svg::ORANGE.named("worse"),
    svg::GREEN.named("better"),
    svg::GREY.named("same"),
    svg::BLUE.named("resolved"),
];

/// Counts per group (scope, zone) and category (status, verdict): the per-group chart.
#[derive(Debug)]
pub(crate) struct GroupTally {
    series: Vec<Series>,
    groups: BTreeMap<String, Vec<usize>>,
}

/// The group of rows without one (a lease with no scope).
const NO_GROUP: &str = "(none)";

impl GroupTally {
    pub(crate) fn new(kind: Kind) -> GroupTally {
        GroupTally { series: kind.category().1, groups: BTreeMap::new() }
    }

    /// Counts one (group, category); a category outside the series is not counted.
    pub(crate) fn add(&mut self, group: &str, category: &str) {
        let Some(i) = self.series.iter().position(|s| s.name == category) else { return };
        let group = if group.is_empty() { NO_GROUP } else { group };
        // No allocation for a group already seen: millions of rows, a few hundred scopes.
        let counts = match self.groups.get_mut(group) {
            Some(c) => c,
            None => self.groups.entry(group.to_string()).or_insert_with(|| vec![0; self.series.len()]),
        };
        if let Some(c) = counts.get_mut(i) {
            *c += 1;
        }
    }

    /// The audit counts every finding, written or not: the chart agrees with the summary.
    pub(crate) fn add_finding(&mut self, f: &Finding<'_>) {
        self.add(f.lease.scope().unwrap_or(""), f.status.as_str());
    }

    /// The groups drawn: all when few, else the [`CHART_GROUPS`] largest; by name. And how
    /// many were left out.
    fn drawn(&self) -> (Vec<(String, Vec<usize>)>, usize) {
        let mut all: Vec<(&String, &Vec<usize>)> = self.groups.iter().collect();
        let left_out = all.len().saturating_sub(CHART_GROUPS);
        if left_out > 0 {
            all.sort_by_key(|(name, c)| (std::cmp::Reverse(c.iter().sum::<usize>()), (*name).clone()));
            all.truncate(CHART_GROUPS);
            all.sort_by(|a, b| a.0.cmp(b.0));
        }
        (all.into_iter().map(|(n, c)| (n.clone(), c.clone())).collect(), left_out)
    }
}

/// Records reaching `scavenge_after` per day (per week past [`DAILY_UP_TO`] days) from the
/// as-of over the horizon, per series; before the as-of is "overdue".
#[derive(Debug)]
struct Days {
    as_of: DateTime<Utc>,
    horizon: TimeDelta,
    bin: TimeDelta,
    bins: Vec<Vec<usize>>,
    overdue: Vec<usize>,
    /// Scavengeable after the horizon: counted for the note under the chart.
    later: usize,
}

impl Days {
    fn new(as_of: DateTime<Utc>, horizon: TimeDelta, series: usize) -> Days {
        let bin = if horizon <= TimeDelta::days(DAILY_UP_TO) { TimeDelta::days(1) } else { TimeDelta::days(7) };
        let n = (horizon.num_seconds().max(1) + bin.num_seconds() - 1) / bin.num_seconds().max(1);
        let n = usize::try_from(n.max(1)).unwrap_or(1);
        Days { as_of, horizon, bin, bins: vec![vec![0; series]; n], overdue: vec![0; series], later: 0 }
    }

    fn add(&mut self, t: DateTime<Utc>, series: usize) {
        let secs = t.signed_duration_since(self.as_of).num_seconds();
        let slot = if secs < 0 {
            self.overdue.get_mut(series)
        } else if secs > self.horizon.num_seconds() {
            self.later += 1;
            None
        } else {
            // The horizon's end itself is in the last bin (the forecast's horizon is inclusive).
            let i = usize::try_from(secs / self.bin.num_seconds().max(1)).unwrap_or(usize::MAX).min(self.bins.len().saturating_sub(1));
            self.bins.get_mut(i).and_then(|b| b.get_mut(series))
        };
        if let Some(c) = slot {
            *c += 1;
        }
    }

    /// The chart's bins: label, title, counts; the overdue one first when it has any.
    fn drawn(&self) -> Vec<(String, String, Vec<usize>)> {
        let mut out = Vec::new();
        if self.overdue.iter().any(|&c| c > 0) {
            out.push(("overdue".to_string(), format!("already scavengeable before {}", rfc3339(self.as_of)), self.overdue.clone()));
        }
        let daily = self.bin == TimeDelta::days(1);
        for (i, counts) in self.bins.iter().enumerate() {
            let start = i32::try_from(i).ok().and_then(|k| self.bin.checked_mul(k)).and_then(|d| self.as_of.checked_add_signed(d)).unwrap_or(DateTime::<Utc>::MAX_UTC);
            let title = if daily { format!("24 h from {}", rfc3339(start)) } else { format!("7 days from {}", rfc3339(start)) };
            out.push((start.format("%m-%d").to_string(), title, counts.clone()));
        }
        out
    }
}

/// The page being made: the rows so far (in a temporary file) and the counters.
#[derive(Debug)]
pub(crate) struct HtmlReport {
    path: PathBuf,
    kind: Kind,
    columns: &'static [&'static str],
    /// Forecast: the per-zone counts come from the rows (every forecast row is written).
    groups: Option<GroupTally>,
    series: Vec<Series>,
    days: Days,
    changes: BTreeMap<&'static str, usize>,
    rows: BufWriter<File>,
    /// A cell's text, reused from row to row.
    cell: String,
    rows_dir: PathBuf,
    table_rows: usize,
    left_out: usize,
    /// The first error writing the rows (the row iterator cannot return it); reported by `finish`.
    error: Option<std::io::Error>,
}

impl HtmlReport {
    /// Starts the page at `path` for rows of `columns`; its directory is created now (in
    /// `outputs`, removed again if the run fails), and a directory at `path` refused, so that
    /// a path that cannot be written stops the run before the work.
    pub(crate) fn new(
        path: &Path,
        kind: Kind,
        columns: &'static [&'static str],
        as_of: DateTime<Utc>,
        horizon: TimeDelta,
        outputs: &mut super::Outputs,
    ) -> Result<HtmlReport, HtmlError> {
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
            let error = std::io::Error::new(std::io::ErrorKind::IsADirectory, "a directory is there");
            return Err(HtmlError::Write { path: path.to_path_buf(), error });
        }
        let dir = super::dir_of(path);
        outputs.create_dir(&dir).map_err(|error| HtmlError::CreateDir { path: dir.clone(), error })?;
        // Anonymous: no name to clean up after a crash.
        let file = tempfile::tempfile_in(&dir).map_err(|error| HtmlError::Rows { dir: dir.clone(), error })?;
        let series = kind.category().1;
        let day_series = match kind {
            Kind::Audit => 1,
            Kind::Forecast => series.len(),
        };
        Ok(HtmlReport {
            path: path.to_path_buf(),
            kind,
            columns,
            groups: (kind == Kind::Forecast).then(|| GroupTally::new(kind)),
            series,
            days: Days::new(as_of, horizon, day_series),
            changes: BTreeMap::new(),
            rows: BufWriter::with_capacity(1 << 16, file),
            cell: String::new(),
            rows_dir: dir,
            table_rows: 0,
            left_out: 0,
            error: None,
        })
    }

    /// Assembles the page around the rows, staged in `outputs` to be put in place with the
    /// report. `groups` is the audit's per-scope tally of every finding (the forecast's comes
    /// from its rows).
    pub(crate) fn finish(mut self, page: Page<'_>, groups: Option<GroupTally>, outputs: &mut super::Outputs) -> Result<PathBuf, HtmlError> {
        let rows_err = |error| HtmlError::Rows { dir: self.rows_dir.clone(), error };
        if let Some(e) = self.error.take() {
            return Err(rows_err(e));
        }
        self.rows.flush().map_err(rows_err)?;
        let mut rows = self.rows.into_inner().map_err(|e| HtmlError::Rows { dir: self.rows_dir.clone(), error: e.into_error() })?;
        rows.rewind().map_err(|error| HtmlError::Rows { dir: self.rows_dir.clone(), error })?;
        let groups = groups.or(self.groups.take()).unwrap_or_else(|| GroupTally::new(self.kind));
        let charts = charts(self.kind, &groups, &self.days, &self.series, &self.changes, self.kind == Kind::Audit);
        let (head, tail) = page_text(&page, &charts, self.kind, self.table_rows, self.left_out);
        let columns = self.columns;
        let category = self.kind.category().0;
        stage(outputs, &self.path, |w| {
            w.write_all(head.as_bytes())?;
            w.write_all(b"<script type=\"application/json\" id=\"rows-data\">{\"columns\":[")?;
            for (i, c) in columns.iter().enumerate() {
                if i > 0 {
                    w.write_all(b",")?;
                }
                write_json_string(w, c)?;
            }
            w.write_all(b"],\"category\":")?;
            write_json_string(w, category)?;
            w.write_all(b",\"rows\":[\n")?;
            std::io::copy(&mut rows, w)?;
            w.write_all(b"\n]}</script>\n")?;
            w.write_all(tail.as_bytes())
        })?;
        Ok(self.path)
    }
}

/// Takes each written row as the report's writer does: counted, and kept for the table.
/// An error writing the table's temporary file is kept for [`HtmlReport::finish`] (it names
/// the page, not the report the row loop writes).
impl<'a> Sink<'a> for HtmlReport {
    fn row(&mut self, row: &Row<'a>) -> std::io::Result<()> {
        let category = row.category();
        if let Some(g) = &mut self.groups {
            g.add(row.group(), category);
        }
        if let Some(t) = row.scavenge_after() {
            let series = match self.kind {
                Kind::Audit => Some(0),
                Kind::Forecast => self.series.iter().position(|s| s.name == category),
            };
            if let Some(s) = series {
                self.days.add(t, s);
            }
        }
        if let Some(change) = row.change() {
            *self.changes.entry(change.as_str()).or_default() += 1;
        }
        if self.table_rows >= TABLE_ROWS {
            self.left_out += 1;
            return Ok(());
        }
        if self.error.is_none()
            && let Err(e) = write_row(&mut self.rows, row, &mut self.cell, self.table_rows == 0)
        {
            self.error = Some(e);
        }
        self.table_rows += 1;
        Ok(())
    }
}

/// Writes the page as the CSV is written ([`super::Outputs::stage`]: a device in place, else a
/// temporary file beside it, renamed with the report's), so that nobody opens half a page.
fn stage(outputs: &mut super::Outputs, path: &Path, body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), HtmlError> {
    outputs.stage(path, body).map_err(|e| match e {
        super::StageError::CreateDir(path, error) => HtmlError::CreateDir { path, error },
        super::StageError::Write(error) => HtmlError::Write { path: path.to_path_buf(), error },
    })
}

/// One row as a compact JSON array of its cells' texts (the CSV's, unescaped), a line of its own.
fn write_row<W: Write>(w: &mut W, row: &Row<'_>, text: &mut String, first: bool) -> std::io::Result<()> {
    w.write_all(if first { b"[" } else { b",\n[" })?;
    for (i, c) in row.cells().iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        text.clear();
        c.write_text(text);
        write_json_string(w, text)?;
    }
    w.write_all(b"]")
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
    Page { title: format!("ddns-audit: audit as of {as_of}"), sections, summary_text, csv: s.destination.to_string() }
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
        .figure("horizon", super::forecast::duration_text(s.horizon))
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
    }
}

/// The charts' section: per group, per day, changes; with a table of the per-group counts.
fn charts(kind: Kind, groups: &GroupTally, days: &Days, series: &[Series], changes: &BTreeMap<&'static str, usize>, has_change: bool) -> String {
    let mut o = String::new();
    let (drawn, left_out) = groups.drawn();
    let (group_title, day_title) = match kind {
        Kind::Audit => ("Status per scope (every audited lease)", "Records reaching scavenge_after per day, next 28 days (the report's rows)".to_string()),
        Kind::Forecast => (
            "Due records per zone: live (frozen, cannot-refresh), stale, refreshing",
            format!("Due records per {} over the horizon ({}): live (frozen, cannot-refresh), stale, refreshing", if days.bin == TimeDelta::days(1) { "day" } else { "week" }, super::forecast::duration_text(days.horizon)),
        ),
    };
    let _ = write!(o, r#"<figure><figcaption>{}</figcaption>"#, html(group_title));
    if drawn.is_empty() {
        o.push_str(r#"<p class="empty">nothing to draw</p>"#);
    } else {
        o.push_str(&svg::stacked_bars("chart-groups", group_title, &groups.series, &drawn));
    }
    if left_out > 0 {
        let _ = write!(o, r#"<p class="note">The {CHART_GROUPS} largest are drawn; {left_out} more are in the table below.</p>"#);
    }
    o.push_str("</figure>");

    let day_series: Vec<Series> = match kind {
        Kind::Audit => vec![svg::BLUE.named("records")],
        Kind::Forecast => series.to_vec(),
    };
    let _ = write!(o, r#"<figure><figcaption>{}</figcaption>"#, html(&day_title));
    o.push_str(&svg::columns("chart-days", &day_title, &day_series, &days.drawn()));
    if days.later > 0 {
        let _ = write!(o, r#"<p class="note">{} more after the horizon.</p>"#, days.later);
    }
    o.push_str("</figure>");

    // The forecast has no run-over-run column: no such section at all, rather than an empty one.
    if kind == Kind::Forecast {
        push_group_table(&mut o, kind, group_title, groups);
        return o;
    }
    o.push_str("<figure><figcaption>Changes since the previous report</figcaption>");
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
    if !has_change || changes.is_empty() {
        o.push_str(r#"<p class="empty" id="no-previous">no previous report</p>"#);
    } else {
        o.push_str(&svg::stacked_bars("chart-changes", "Changes since the previous report", &CHANGES, &counted));
    }
    o.push_str("</figure>");
    push_group_table(&mut o, kind, group_title, groups);
    o
}

/// The per-group counts as a table: exact figures, and every group.
fn push_group_table(o: &mut String, kind: Kind, group_title: &str, groups: &GroupTally) {
    let _ = write!(o, r#"<table class="counts" id="group-counts"><caption>{}</caption><thead><tr><th scope="col">{}</th>"#, html(group_title), kind.group_column());
    for s in &groups.series {
        let _ = write!(o, r#"<th scope="col">{}</th>"#, html(s.name));
    }
    o.push_str(r#"<th scope="col">total</th></tr></thead><tbody>"#);
    for (name, counts) in &groups.groups {
        let _ = write!(o, r#"<tr><th scope="row">{}</th>"#, html(name));
        for c in counts {
            let _ = write!(o, "<td>{c}</td>");
        }
        let _ = write!(o, "<td>{}</td></tr>", counts.iter().sum::<usize>());
    }
    o.push_str("</tbody></table>");
}

/// The page before the rows' JSON block, and after it.
fn page_text(page: &Page<'_>, charts: &str, kind: Kind, table_rows: usize, left_out: usize) -> (String, String) {
    let mut h = String::new();
    let _ = write!(
        h,
        concat!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
            // Nothing may be fetched: the page is the whole report.
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"icon\" href=\"data:,\">",
            "<title>{title}</title><style>{css}</style></head><body>\n<header><h1>{title}</h1><p>The CSV: <code>{csv}</code></p></header>\n<main>\n"
        ),
        title = html(&page.title),
        css = include_str!("page.css"),
        csv = html(&page.csv)
    );
    h.push_str("<section id=\"summary\"><h2>Summary</h2><div class=\"figures\">");
    for s in &page.sections {
        let _ = write!(h, r#"<div class="block" id="fig-{}"><h3>{}</h3><table class="figures">"#, s.id, html(s.title));
        for f in &s.figures {
            let key = format!("{}:{}", s.id, f.label);
            let swatch = Status::ALL
                .iter()
                .find(|st| s.id == "status" && st.as_str() == f.label)
                .map(|st| format!(r#"<span class="swatch" style="background:{}"></span>"#, status_series(*st).fill))
                .unwrap_or_default();
            let _ = write!(h, r#"<tr data-figure="{}"><th scope="row">{swatch}{}</th><td>{}</td></tr>"#, html(&key), html(&f.label), html(&f.value));
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
    let _ = writeln!(h, "<section id=\"charts\"><h2>Charts</h2>{charts}</section>");
    let which = match kind {
        Kind::Audit => "the rows of the CSV",
        Kind::Forecast => "the forecast's rows (the CSV's)",
    };
    let cut = if left_out > 0 {
        format!(" The table holds the first {table_rows} rows; {left_out} more are in the CSV only (the counts and charts include them).")
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
            "<button type=\"button\" id=\"page-prev\">previous 100</button> <button type=\"button\" id=\"page-next\">next 100</button> <span id=\"page-info\" aria-live=\"polite\"></span></div>",
            "<div class=\"scroll\"><table id=\"table\"><thead></thead><tbody></tbody></table></div></section>\n</main>\n"
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

#[cfg(test)]
mod tests;
