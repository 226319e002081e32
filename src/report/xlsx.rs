//! `--xlsx PATH`: the report as an Excel workbook (docs/report.md "The spreadsheet"), for the
//! audit and the forecast. Sheets: Fix list (groups by cause, from [`FixGroup`]s), Hosts (the
//! audit's rows; the forecast's is Records: every CSV column, dates as Excel dates in UTC),
//! Zones (per zone: counts, dynamic-update policy, aging) and Summary. The rows sheet is
//! written in the writer's constant-memory mode (each row goes to a temporary file as it
//! comes), so a million rows cost no more memory than ten, and on a thread of its own: the
//! report loop hands it the rows' cells in batches and goes on (issue 22: the cells and their
//! XML cost as much as the CSV). Values come from the typed
//! findings, never from the CSV's text; every text cell is written as a string, so a host name
//! starting with `=` is text, never a formula (xlsx types its cells: no `'` escaping needed).

use std::collections::BTreeMap;
use std::io::Seek;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender};
use std::thread::JoinHandle;

use chrono::NaiveDateTime;
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, Worksheet, XlsxError};
use rustc_hash::FxHashMap;

use super::row::{Cell, Row, Sink};
use super::{COLUMNS, FORECAST_COLUMNS, Kind, Outputs, StageError};
use super::palette;
use crate::audit::Status;
use crate::forecast::Verdict;
use crate::dns::Zone;

mod sheets;
#[cfg(test)]
mod tests;

pub(crate) use sheets::SummaryInfo;
use super::fixes::FixGroup;

/// Excel's rows per sheet.
const EXCEL_ROWS: u32 = 1_048_576;

/// The date format every date cell shows (the value is an Excel date, in UTC).
const DATE_FORMAT: &str = "yyyy-mm-dd hh:mm:ss";

#[derive(Debug, thiserror::Error)]
pub enum XlsxReportError {
    // The I/O errors are in the messages, not `source`s: `{:#}` would print them twice.
    #[error("cannot create the spreadsheet's directory {path}: {error}")]
    CreateDir { path: PathBuf, error: std::io::Error },
    #[error("cannot write the spreadsheet {path}: {error}")]
    Write { path: PathBuf, error: String },
}

/// The cell formats, made once.
#[derive(Debug)]
pub(super) struct Formats {
    pub(super) header: Format,
    pub(super) date: Format,
    pub(super) bold: Format,
    pub(super) wrap: Format,
    /// By status word (the audit's `status`, the forecast's `verdict`), in the colours of
    /// [`super::palette`].
    status: Vec<(&'static str, Format)>,
}

impl Formats {
    fn new(kind: Kind) -> Formats {
        let palette: Vec<(&'static str, u32)> = match kind {
            Kind::Audit => Status::ALL.iter().map(|s| (s.as_str(), palette::status_fill(*s))).collect(),
            Kind::Forecast => Verdict::ALL.iter().map(|v| (v.as_str(), palette::verdict_fill(*v))).collect(),
        };
        Formats {
            header: Format::new().set_bold().set_background_color(Color::RGB(0x00DD_EBF7)).set_border_bottom(FormatBorder::Thin),
            date: Format::new().set_num_format(DATE_FORMAT),
            bold: Format::new().set_bold(),
            wrap: Format::new().set_text_wrap(),
            status: palette.iter().map(|(w, c)| (*w, Format::new().set_background_color(Color::RGB(*c)))).collect(),
        }
    }

    pub(super) fn status(&self, word: &str) -> Option<&Format> {
        self.status.iter().find(|(w, _)| *w == word).map(|(_, f)| f)
    }
}

/// Per zone: the rows by status (verdict, for the forecast), and the zone's settings.
#[derive(Debug, Default)]
pub(super) struct ZoneTally {
    /// Zone name to index in `zones`.
    by_name: FxHashMap<String, usize>,
    pub(super) zones: Vec<ZoneRow>,
    /// Rows in no known zone.
    pub(super) outside: BTreeMap<&'static str, usize>,
}

#[derive(Debug)]
pub(super) struct ZoneRow {
    pub(super) name: String,
    pub(super) dynamic_updates: String,
    pub(super) aging: String,
    pub(super) counts: BTreeMap<&'static str, usize>,
}

impl ZoneTally {
    fn new(zones: &[Zone]) -> ZoneTally {
        let mut t = ZoneTally::default();
        for z in zones {
            if t.by_name.contains_key(&z.name) {
                continue;
            }
            t.by_name.insert(z.name.clone(), t.zones.len());
            t.zones.push(ZoneRow {
                name: z.name.clone(),
                dynamic_updates: z.dynamic_updates.map(|d| d.to_string()).unwrap_or_default(),
                aging: aging_text(z),
                counts: BTreeMap::new(),
            });
        }
        t
    }

    /// Counts a row of `word` in the zone holding `name` (the longest zone that is a suffix).
    fn add(&mut self, name: Option<&str>, word: &'static str) {
        let mut at = name;
        let zone = loop {
            let Some(n) = at.filter(|n| !n.is_empty()) else { break None };
            if let Some(&i) = self.by_name.get(n) {
                break Some(i);
            }
            at = n.split_once('.').map(|(_, rest)| rest);
        };
        let counts = match zone.and_then(|i| self.zones.get_mut(i)) {
            Some(z) => &mut z.counts,
            None => &mut self.outside,
        };
        *counts.entry(word).or_default() += 1;
    }
}

/// A zone's aging as the Zones sheet says it: `on (no-refresh 7d, refresh 7d)`, `off`, or
/// empty where the data does not say.
fn aging_text(z: &Zone) -> String {
    let a = &z.aging;
    let d = |t: Option<chrono::TimeDelta>| t.map(super::forecast::duration_text);
    let periods = match (d(a.no_refresh), d(a.refresh)) {
        (Some(n), Some(r)) => format!(" (no-refresh {n}, refresh {r})"),
        (Some(n), None) => format!(" (no-refresh {n})"),
        (None, Some(r)) => format!(" (refresh {r})"),
        (None, None) => String::new(),
    };
    match a.enabled {
        Some(true) => format!("on{periods}"),
        Some(false) => format!("off{periods}"),
        None => periods.trim_start().to_string(),
    }
}

/// The spreadsheet being written: the rows sheet streams, on its writer thread
/// ([`write_batches`]); the others are written by [`XlsxReport::finish`].
pub(crate) struct XlsxReport {
    path: PathBuf,
    kind: Kind,
    /// Per report column (in the CSV's order), its column in the rows sheet: the CSV's, but
    /// for the audit's `remediation`, right after `hostname` ([`sheet_columns`]).
    place: Vec<u16>,
    /// Rows a sheet may hold (Excel's; smaller in tests).
    limit: u32,
    /// Rows given, and rows left out past the limit.
    rows: usize,
    left_out: usize,
    zones: ZoneTally,
    /// The rows not yet sent to the writer.
    batch: Batch,
    batch_rows: usize,
    /// `None` once the writer has stopped (its error, or its panic, is `finish`'s to report).
    to_writer: Option<SyncSender<Batch>>,
    /// The writer's emptied batches, to fill again: no allocation per batch (a fresh megabyte
    /// each time, grown by copying and freed on the other thread, cost more than the cells).
    emptied: Receiver<Batch>,
    /// The writer thread: it gives the workbook back once the rows are written.
    writer: JoinHandle<Result<(Workbook, Formats), XlsxError>>,
}

impl std::fmt::Debug for XlsxReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XlsxReport").field("path", &self.path).field("rows", &self.rows).finish_non_exhaustive()
    }
}

/// Rows a batch carries to the writer thread (a few hundred KB of text), and batches in flight: the report loop runs at most this far ahead of
/// the writer, so memory stays flat.
const BATCH_ROWS: usize = 256;
const BATCHES_IN_FLIGHT: usize = 8;

/// Rows on their way to the writer thread, owned: the text cells' texts end to end, and per
/// cell where it goes.
#[derive(Debug, Default)]
struct Batch {
    text: String,
    cells: Vec<Put>,
}

/// One cell of a [`Batch`].
#[derive(Debug)]
enum Put {
    /// The batch's text from the previous text cell's `end` to this one's; `status`: the cell
    /// coloured by its word.
    Text { row: u32, col: u16, end: usize, status: bool },
    /// A date (UTC).
    Time { row: u32, col: u16, at: NaiveDateTime },
}

/// The writer thread: writes each batch's cells into the rows sheet until the report loop
/// hangs up, then gives back the workbook and its formats. Stops at the first error (the loop
/// then sees the channel closed and stops sending). Text is always written as a string (a
/// host name `=cmd|...` is never a formula); times as dates.
fn write_batches(mut workbook: Workbook, formats: Formats, batches: Receiver<Batch>, emptied: &SyncSender<Batch>) -> Result<(Workbook, Formats), XlsxError> {
    let sheet = workbook.worksheet_from_index(ROWS_SHEET)?;
    for mut batch in batches {
        let mut start = 0;
        for put in &batch.cells {
            match *put {
                Put::Text { row, col, end, status } => {
                    let text = batch.text.get(start..end).unwrap_or_default();
                    start = end;
                    match status.then(|| formats.status(text)).flatten() {
                        Some(fmt) => sheet.write_string_with_format(row, col, text, fmt)?,
                        None => sheet.write_string(row, col, text)?,
                    };
                }
                Put::Time { row, col, at } => {
                    sheet.write_datetime_with_format(row, col, at, &formats.date)?;
                }
            }
        }
        batch.text.clear();
        batch.cells.clear();
        // Full (the loop has enough) or gone (it stopped): dropped either way.
        let _ = emptied.try_send(batch);
    }
    Ok((workbook, formats))
}

/// A panic's message, for the error that replaces it.
fn panic_text(panic: &(dyn std::any::Any + Send)) -> &str {
    panic.downcast_ref::<&str>().copied().or_else(|| panic.downcast_ref::<String>().map(String::as_str)).unwrap_or("no message")
}

/// The audit column the rows sheet moves: `remediation`, right after `hostname`, so that what
/// to do is beside the host (a copy there would double the sheet's largest text).
const HOSTNAME: usize = 2;
const REMEDIATION: usize = 20;
const _: () = assert!(matches!(COLUMNS[HOSTNAME].as_bytes(), b"hostname") && matches!(COLUMNS[REMEDIATION].as_bytes(), b"remediation"));

/// Per report column, its column in the rows sheet: the same but for the audit's
/// `remediation`, moved right after `hostname` (the columns between move one right).
fn sheet_columns(kind: Kind, count: usize) -> Vec<u16> {
    let mut order: Vec<usize> = (0..count).collect();
    if kind == Kind::Audit && REMEDIATION < count {
        let remediation = order.remove(REMEDIATION);
        order.insert(HOSTNAME + 1, remediation);
    }
    let mut place = vec![0; count];
    for (col, &i) in order.iter().enumerate() {
        place[i] = u16::try_from(col).unwrap_or(u16::MAX);
    }
    place
}

/// The sheets, in the order the workbook shows them.
const FIX_SHEET: usize = 0;
const ROWS_SHEET: usize = 1;
const ZONES_SHEET: usize = 2;
const SUMMARY_SHEET: usize = 3;

/// The rows sheet's columns whose cells are dates.
fn is_time_column(name: &str) -> bool {
    matches!(name, "lease_expires" | "record_timestamp" | "scavenge_after" | "ad_last_logon" | "first_seen")
}

/// A column's width, in characters.
fn width(name: &str) -> f64 {
    match name {
        "remediation" => 90.0,
        "hostname" | "fqdn" | "name" | "lease_hostname" | "ad_computer" | "record_owner" | "source" | "data" | "zone" => 28.0,
        "ip" | "lease_ip" | "a_records" | "ptr_records" | "dhcp_dns_setting" => 20.0,
        n if is_time_column(n) => 21.0,
        _ => 13.0,
    }
}

impl XlsxReport {
    /// Starts the workbook for `path`; its directory is created now (in `outputs`, removed if
    /// the run fails) and a directory at `path` refused, so that a path that cannot be written
    /// stops the run before the work. `zones`: the DNS data's, for the Zones sheet.
    pub(crate) fn new(path: &Path, kind: Kind, zones: &[Zone], outputs: &mut Outputs) -> Result<XlsxReport, XlsxReportError> {
        let write_err = |error: String| XlsxReportError::Write { path: path.to_path_buf(), error };
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
            return Err(write_err("a directory is there".to_string()));
        }
        let dir = super::dir_of(path);
        outputs.create_dir(&dir).map_err(|error| XlsxReportError::CreateDir { path: dir.clone(), error })?;
        let mut workbook = Workbook::new();
        // The fastest compression: a million rows compress in a second instead of several, for
        // a file about a third larger.
        workbook.set_zip_compression_level(1);
        // The rows' temporary file beside the output, as the HTML page's rows.
        workbook.set_tempdir(&dir).map_err(|e| write_err(e.to_string()))?;
        let columns: &[&str] = match kind {
            Kind::Audit => &COLUMNS,
            Kind::Forecast => &FORECAST_COLUMNS,
        };
        let place = sheet_columns(kind, columns.len());
        let mut header = vec![String::new(); columns.len()];
        for (c, &col) in columns.iter().zip(&place) {
            header[usize::from(col)] = (*c).to_string();
        }
        let formats = Formats::new(kind);
        let names = ["Fix list", if kind == Kind::Audit { "Hosts" } else { "Records" }, "Zones", "Summary"];
        for (i, name) in names.iter().enumerate() {
            let sheet = if i == ROWS_SHEET { workbook.add_worksheet_with_constant_memory().map_err(|e| write_err(e.to_string()))? } else { workbook.add_worksheet() };
            sheet.set_name(*name).map_err(|e| write_err(e.to_string()))?;
        }
        let sheet = workbook.worksheet_from_index(ROWS_SHEET).map_err(|e| write_err(e.to_string()))?;
        write_header(sheet, &header, &formats).map_err(|e| write_err(e.to_string()))?;
        let (to_writer, batches) = std::sync::mpsc::sync_channel(BATCHES_IN_FLIGHT);
        let (give_back, emptied) = std::sync::mpsc::sync_channel(BATCHES_IN_FLIGHT);
        let writer = std::thread::Builder::new()
            .name("xlsx rows".to_string())
            .spawn(move || write_batches(workbook, formats, batches, &give_back))
            .map_err(|e| write_err(format!("cannot start its writer thread: {e}")))?;
        Ok(XlsxReport {
            path: path.to_path_buf(),
            kind,
            place,
            limit: EXCEL_ROWS,
            rows: 0,
            left_out: 0,
            zones: ZoneTally::new(zones),
            batch: Batch::default(),
            batch_rows: 0,
            to_writer: Some(to_writer),
            emptied,
            writer,
        })
    }

    /// A smaller sheet, to test what happens past Excel's limit without a million rows.
    #[cfg(test)]
    pub(super) fn with_limit(mut self, limit: u32) -> XlsxReport {
        self.limit = limit;
        self
    }

    /// The sheet row for the next data row, or `None` past the limit (one row is kept for the
    /// note that says how many were left out).
    fn next_row(&mut self) -> Option<u32> {
        self.rows += 1;
        let row = u32::try_from(self.rows).ok().filter(|r| *r + 1 < self.limit);
        if row.is_none() {
            self.left_out += 1;
        }
        row
    }

    /// Adds a cell to the batch: its text (none when empty) or its date.
    fn put(&mut self, row: u32, col: u16, cell: &Cell<'_>, status: bool) {
        match cell {
            Cell::Time(Some(t)) => self.batch.cells.push(Put::Time { row, col, at: t.naive_utc() }),
            c if c.is_empty() => {}
            c => {
                c.write_text(&mut self.batch.text);
                self.batch.cells.push(Put::Text { row, col, end: self.batch.text.len(), status });
            }
        }
    }

    /// Sends the batch to the writer thread (waiting while it is [`BATCHES_IN_FLIGHT`] behind).
    fn send(&mut self) {
        let batch = std::mem::replace(&mut self.batch, self.emptied.try_recv().unwrap_or_default());
        self.batch_rows = 0;
        // A closed channel: the writer stopped, and `finish` reports why.
        if let Some(tx) = &self.to_writer
            && tx.send(batch).is_err()
        {
            self.to_writer = None;
        }
    }

    /// Writes the other sheets (the fix list as given: `fix_list`, which may be empty; the
    /// zones; `info` on Summary) and stages the workbook in `outputs`, to be put in place with
    /// the run's other outputs. Returns its path.
    #[cfg(test)]
    pub(crate) fn finish(self, info: &SummaryInfo, fix_list: &[FixGroup], outputs: &mut Outputs) -> Result<PathBuf, XlsxReportError> {
        self.save(info, fix_list)?.stage(outputs)
    }

    /// Waits for the rows sheet, writes the other sheets (the fix list as given: `fix_list`,
    /// which may be empty; the zones; `info` on Summary), and starts saving the workbook on a
    /// thread: its zip (the rows sheet's XML deflated, most of a second for a million leases)
    /// runs while the caller finishes the HTML page. [`XlsxSaving::stage`] takes it from there.
    pub(crate) fn save(mut self, info: &SummaryInfo, fix_list: &[FixGroup]) -> Result<XlsxSaving, XlsxReportError> {
        let path = self.path.clone();
        let write_err = |e: XlsxError| XlsxReportError::Write { path: path.clone(), error: e.to_string() };
        // The last rows, then the hang-up that ends the writer's loop.
        self.send();
        self.to_writer = None;
        let (mut workbook, formats) = match self.writer.join() {
            Ok(written) => written.map_err(write_err)?,
            Err(panic) => return Err(XlsxReportError::Write { path: path.clone(), error: format!("its writer thread failed: {}", panic_text(panic.as_ref())) }),
        };
        let shown = u32::try_from(self.rows - self.left_out).unwrap_or(u32::MAX);
        let last_col = u16::try_from(self.place.len().saturating_sub(1)).unwrap_or(0);
        let note = (self.left_out > 0).then(|| sheets::left_out_note(self.left_out, self.limit));
        {
            let sheet = workbook.worksheet_from_index(ROWS_SHEET).map_err(write_err)?;
            if let Some(note) = &note {
                sheet.write_string_with_format(shown + 1, 0, note, &formats.bold).map_err(write_err)?;
            }
            sheet.autofilter(0, 0, shown.max(1), last_col).map_err(write_err)?;
        }
        let kind = self.kind;
        sheets::fix_list(workbook.worksheet_from_index(FIX_SHEET).map_err(write_err)?, fix_list, &formats).map_err(write_err)?;
        sheets::zones(workbook.worksheet_from_index(ZONES_SHEET).map_err(write_err)?, &self.zones, kind, &formats).map_err(write_err)?;
        let rows = sheets::RowCounts { given: self.rows, left_out: self.left_out, note: note.as_deref() };
        sheets::summary(workbook.worksheet_from_index(SUMMARY_SHEET).map_err(write_err)?, info, &rows, &formats).map_err(write_err)?;
        // The writer needs a `Send` writer (the staged file's is not): the workbook goes to an
        // anonymous file beside the output, then into the staged one.
        let dir = super::dir_of(&path);
        let saving = std::thread::Builder::new()
            .name("xlsx save".to_string())
            .spawn(move || -> std::io::Result<std::fs::File> {
                let mut tmp = tempfile::tempfile_in(dir)?;
                workbook.save_to_writer(&mut tmp).map_err(|e| std::io::Error::other(e.to_string()))?;
                tmp.rewind()?;
                Ok(tmp)
            })
            .map_err(|e| XlsxReportError::Write { path: path.clone(), error: format!("cannot start its writer thread: {e}") })?;
        Ok(XlsxSaving { path, saving })
    }
}

/// A workbook being saved ([`XlsxReport::save`]).
#[derive(Debug)]
pub(crate) struct XlsxSaving {
    path: PathBuf,
    saving: JoinHandle<std::io::Result<std::fs::File>>,
}

impl XlsxSaving {
    /// Waits for the saved workbook and stages it in `outputs`, to be put in place with the
    /// run's other outputs. Returns its path.
    pub(crate) fn stage(self, outputs: &mut Outputs) -> Result<PathBuf, XlsxReportError> {
        let path = self.path;
        let write_err = |error: String| XlsxReportError::Write { path: path.clone(), error };
        let mut saved = match self.saving.join() {
            Ok(saved) => saved.map_err(|e| write_err(e.to_string()))?,
            Err(panic) => return Err(write_err(format!("its writer thread failed: {}", panic_text(panic.as_ref())))),
        };
        outputs
            .stage(&path, |w| {
                std::io::copy(&mut saved, w)?;
                w.flush()
            })
            .map_err(|e| match e {
                StageError::CreateDir(path, error) => XlsxReportError::CreateDir { path, error },
                StageError::Write(error) => write_err(error.to_string()),
            })?;
        Ok(path)
    }
}

/// The rows sheet's header row: bold on a fill, dates' columns saying UTC; frozen, with widths.
fn write_header(sheet: &mut Worksheet, header: &[String], formats: &Formats) -> Result<(), XlsxError> {
    for (i, name) in header.iter().enumerate() {
        let col = u16::try_from(i).unwrap_or(u16::MAX);
        sheet.set_column_width(col, width(name))?;
        let title = if is_time_column(name) { format!("{name} (UTC)") } else { name.clone() };
        sheet.write_string_with_format(0, col, &title, &formats.header)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    // Printed: landscape, the header on every page.
    sheet.set_landscape();
    sheet.set_repeat_rows(0, 0)?;
    Ok(())
}

/// `status` as the Zones sheet counts it.
pub(super) fn categories(kind: Kind) -> Vec<&'static str> {
    match kind {
        Kind::Audit => Status::ALL.iter().map(|s| s.as_str()).collect(),
        Kind::Forecast => Verdict::ALL.iter().map(|v| v.as_str()).collect(),
    }
}

impl<'a> Sink<'a> for XlsxReport {
    /// One row: the report's cells, typed ([`Row::cells`]); the audit's `remediation` right
    /// after `hostname`, next to the host; batched for the writer thread.
    /// Its errors are kept for [`XlsxReport::finish`].
    fn row(&mut self, row: &Row<'a>, cells: &[Cell<'_>]) -> std::io::Result<()> {
        let (zone, word, status_col) = match row {
            Row::Audit(f, _) => (f.fqdn.as_deref(), f.status.as_str(), 0),
            Row::Forecast(r) => (Some(r.zone.name.as_str()), r.verdict().as_str(), 8),
        };
        self.zones.add(zone, word);
        let Some(at) = self.next_row() else { return Ok(()) };
        if self.to_writer.is_none() {
            return Ok(());
        }
        for (i, cell) in cells.iter().enumerate() {
            let Some(&col) = self.place.get(i) else { continue };
            self.put(at, col, cell, i == status_col);
        }
        self.batch_rows += 1;
        if self.batch_rows == BATCH_ROWS {
            self.send();
        }
        Ok(())
    }
}
