//! `--html PATH` (docs/html-report.md "Reading the HTML report"): one self-contained page (styles, script
//! and SVG charts inline; no network resource at all) with the summary's counts, the charts and
//! the rows in a table that sorts, filters and pages.
//!
//! It streams: as a [`Sink`], it sees each row as the report's writer takes it, writes it as compact JSON to an anonymous temporary file and keeps only counters
//! (per group and category, per day, per change); [`HtmlReport::finish`] assembles the page
//! around those rows and renames it into place, as the CSV is ([`super::write`]).

mod escape;
mod fixes;
mod page;
mod svg;
mod tally;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Seek, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeDelta, Utc};

use self::escape::write_json_string;
use self::page::{Counters, page_text};
pub(crate) use self::page::{Input, Page, RunInfo, audit_page, forecast_page};
use self::svg::Series;
pub(crate) use self::tally::{Breakdown, GroupTally};
use self::tally::Days;
use super::{Cell, Row, Sink};
use crate::audit::Status;

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

/// Which report the page shows: the report's own kind.
pub(crate) use super::Kind;

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

    /// The columns the table shows first, in this order; the others are one click away.
    fn lead_columns(self) -> &'static [&'static str] {
        match self {
            Kind::Audit => &["status", "hostname", "ip", "remediation"],
            Kind::Forecast => &["verdict", "name", "data", "scavenge_after", "zone"],
        }
    }
}

fn status_series(s: Status) -> Series {
    let base = match s {
        Status::Missing => svg::VERMILLION,
        Status::Stale => svg::ORANGE,
        Status::AtRisk => svg::YELLOW,
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

/// The page being made: the rows so far (in a temporary file) and the counters.
#[derive(Debug)]
pub(crate) struct HtmlReport {
    path: PathBuf,
    kind: Kind,
    columns: &'static [&'static str],
    /// The header's facts: when, which build, from what, with which options.
    info: RunInfo,
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
        info: RunInfo,
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
        Ok(HtmlReport {
            path: path.to_path_buf(),
            kind,
            columns,
            info,
            groups: (kind == Kind::Forecast).then(|| GroupTally::new(kind)),
            days: Days::new(as_of, horizon, series.len()),
            series,
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
    /// report. `breakdown` is the audit's tally of every finding by scope and zone (the
    /// forecast's per-zone counts come from its rows).
    pub(crate) fn finish(mut self, page: Page<'_>, breakdown: Option<Breakdown>, outputs: &mut super::Outputs) -> Result<PathBuf, HtmlError> {
        let rows_err = |error| HtmlError::Rows { dir: self.rows_dir.clone(), error };
        if let Some(e) = self.error.take() {
            return Err(rows_err(e));
        }
        self.rows.flush().map_err(rows_err)?;
        let mut rows = self.rows.into_inner().map_err(|e| HtmlError::Rows { dir: self.rows_dir.clone(), error: e.into_error() })?;
        rows.rewind().map_err(|error| HtmlError::Rows { dir: self.rows_dir.clone(), error })?;
        let groups: Vec<(&'static str, GroupTally)> = match breakdown {
            Some(b) => vec![("scope", b.scopes), ("zone", b.zones)],
            None => vec![("zone", self.groups.take().unwrap_or_else(|| GroupTally::new(self.kind)))],
        };
        let counters = Counters { groups: &groups, days: &self.days, changes: &self.changes, table_rows: self.table_rows, left_out: self.left_out };
        let (head, tail) = page_text(&page, &self.info, self.kind, &counters);
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
            // The columns the table shows first (status, host, address, action); the rest are a click away.
            w.write_all(b"],\"lead\":[")?;
            for (i, c) in self.kind.lead_columns().iter().enumerate() {
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
    fn row(&mut self, row: &Row<'a>, cells: &[Cell<'_>]) -> std::io::Result<()> {
        let category = row.category();
        if let Some(g) = &mut self.groups {
            g.add(row.group(), category);
        }
        if let Some(t) = row.scavenge_after() {
            // By status (verdict): a record that will be refreshed and a frozen one are never one bar.
            if let Some(s) = self.series.iter().position(|s| s.name == category) {
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
            && let Err(e) = write_row(&mut self.rows, cells, &mut self.cell, self.table_rows == 0)
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
fn write_row<W: Write>(w: &mut W, cells: &[Cell<'_>], text: &mut String, first: bool) -> std::io::Result<()> {
    w.write_all(if first { b"[" } else { b",\n[" })?;
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        text.clear();
        c.write_text(text);
        write_json_string(w, text)?;
    }
    w.write_all(b"]")
}

#[cfg(test)]
mod tests;
