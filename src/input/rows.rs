//! CSV rows read from a text stream, with the physical line each starts on. The csv crate's own
//! line count drifts after comment lines and CRLF endings, so lines are counted here from its
//! byte offsets, over a window of the bytes read since the last record ([`Tap`]) instead of
//! the whole text.

use std::io::{self, Read};
use std::sync::Arc;

use super::stream::{ReadError, SkipBom, read_some};
use super::{Header, Problems, SkipReason};
use crate::timefmt::{DateOrder, DateOrderScan, InputTimes};

/// Bytes a [`Tap`] reads ahead at a time, and the least it forgets at once.
const TAP_BLOCK: usize = 64 * 1024;

/// A `Read` that keeps the bytes it has read since the last [`Tap::release`], so that the
/// lines before an offset can be counted; it reads ahead when asked for a byte not yet read.
/// Offsets count from the first byte the reader is handed.
pub(crate) struct Tap<R> {
    inner: R,
    /// The bytes from offset `base` on: read ahead, or handed out and not yet released.
    window: Vec<u8>,
    base: u64,
    /// Bytes handed to the reader so far.
    given: u64,
    eof: bool,
    /// A read error met while reading ahead: the reader gets it on its next read.
    error: Option<io::Error>,
}

impl<R: Read> Tap<R> {
    pub(crate) fn new(inner: R) -> Tap<R> {
        Tap { inner, window: Vec::new(), base: 0, given: 0, eof: false, error: None }
    }

    fn end(&self) -> u64 {
        self.base + self.window.len() as u64
    }

    /// Reads one more block into the window: false at the end or on an error.
    fn more(&mut self) -> bool {
        if self.eof || self.error.is_some() {
            return false;
        }
        let old = self.window.len();
        self.window.resize(old + TAP_BLOCK, 0);
        let read = read_some(&mut self.inner, &mut self.window[old..]);
        let got = match read {
            Ok(n) => n,
            Err(e) => {
                self.error = Some(e);
                0
            }
        };
        self.window.truncate(old + got);
        self.eof |= got == 0 && self.error.is_none();
        got > 0
    }

    /// The byte at offset `at`: `None` past the end (or when it cannot be read, or was released).
    pub(crate) fn byte(&mut self, at: u64) -> Option<u8> {
        while at >= self.end() {
            if !self.more() {
                return None;
            }
        }
        let i = usize::try_from(at.checked_sub(self.base)?).ok()?;
        self.window.get(i).copied()
    }

    /// How many line feeds lie in `from..to` (up to the end of the text).
    pub(crate) fn newlines(&mut self, from: u64, to: u64) -> usize {
        while to > self.end() && self.more() {}
        let at = |o: u64| usize::try_from(o.clamp(self.base, self.end()) - self.base).unwrap_or(0);
        let (lo, hi) = (at(from), at(to));
        self.window.get(lo..hi).map_or(0, |s| s.iter().filter(|&&b| b == b'\n').count())
    }

    /// Forgets the bytes before offset `at` (never ones not yet handed out). The window is
    /// compacted only when at least half of it is forgotten, so each byte moves O(1) times.
    pub(crate) fn release(&mut self, at: u64) {
        let forget = usize::try_from(at.min(self.given).saturating_sub(self.base)).unwrap_or(0);
        if forget >= TAP_BLOCK && forget * 2 >= self.window.len() {
            self.window.copy_within(forget.., 0);
            self.window.truncate(self.window.len() - forget);
            self.base += forget as u64;
        }
    }

    /// Drops the text before offset `at` for good, so that `at` becomes offset 0 (a `#TYPE`
    /// line before the CSV proper). Only before anything is handed out.
    pub(crate) fn restart_at(&mut self, at: u64) {
        while at > self.end() && self.more() {}
        let cut = usize::try_from(at.saturating_sub(self.base)).unwrap_or(usize::MAX).min(self.window.len());
        self.window.drain(..cut);
        self.base = 0;
        self.given = 0;
    }

    /// The read error met while reading ahead, if any.
    pub(crate) fn take_error(&mut self) -> Option<io::Error> {
        self.error.take()
    }
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, dst: &mut [u8]) -> io::Result<usize> {
        // csv drops a UTF-8 BOM at the start only when its first read holds all 3 bytes (and
        // takes a read of nothing more as the end): it gets at least 4, as from a whole text,
        // whatever the blocks.
        while self.given == 0 && self.end() < 4 && self.more() {}
        if self.given >= self.end() && !self.more() {
            return match self.error.take() {
                Some(e) => Err(e),
                None => Ok(0),
            };
        }
        let from = usize::try_from(self.given - self.base).unwrap_or(usize::MAX);
        let ready = self.window.get(from..).unwrap_or(&[]);
        let n = ready.len().min(dst.len());
        dst[..n].copy_from_slice(&ready[..n]);
        self.given += n as u64;
        Ok(n)
    }
}

/// A csv result with its I/O errors taken out: those stop the reading of the file (they are
/// not a malformed record).
fn split_io<T>(r: Result<T, csv::Error>) -> io::Result<Result<T, csv::Error>> {
    match r {
        Err(e) if e.is_io_error() => Err(match e.into_kind() {
            csv::ErrorKind::Io(io) => io,
            other => io::Error::other(format!("{other:?}")),
        }),
        r => Ok(r),
    }
}

/// Byte records of a CSV stream with their physical lines ([`super::LineCounter`] for a stream).
pub(crate) struct CsvStream<R> {
    reader: csv::Reader<Tap<R>>,
    /// Bytes before `pos` are counted; `line` is the line `pos` is on.
    pos: u64,
    line: usize,
}

impl<R: Read> CsvStream<R> {
    /// `first_line` is the number of the stream's first line.
    pub(crate) fn new(builder: &csv::ReaderBuilder, tap: Tap<R>, first_line: usize) -> CsvStream<R> {
        CsvStream { reader: builder.from_reader(tap), pos: 0, line: first_line }
    }

    /// The next record: `Ok(false)` at the end; a malformed one is the inner error.
    pub(crate) fn read(&mut self, record: &mut csv::ByteRecord) -> io::Result<Result<bool, csv::Error>> {
        split_io(self.reader.read_byte_record(record))
    }

    /// The 1-based line the byte at `at` is on; offsets only move forward.
    fn line_at(&mut self, at: u64) -> usize {
        if at > self.pos {
            self.line += self.reader.get_mut().newlines(self.pos, at);
            self.pos = at;
            self.reader.get_mut().release(at);
        }
        self.line
    }

    /// The line of the record that csv says starts at `byte`: the first byte that is not a
    /// line ending from there on (csv counts a skipped blank line or the LF of a CRLF as part
    /// of the next record).
    pub(crate) fn record_line(&mut self, byte: u64) -> usize {
        let mut start = byte;
        while matches!(self.reader.get_mut().byte(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        self.line_at(start)
    }

    /// The line a csv record starts on.
    pub(crate) fn of(&mut self, record: &csv::ByteRecord) -> usize {
        record.position().map_or(0, |p| self.record_line(p.byte()))
    }

    /// A read error met while counting lines (reading ahead), if any.
    pub(crate) fn take_error(&mut self) -> Option<io::Error> {
        self.reader.get_mut().take_error()
    }
}

/// The rows of a PowerShell `Export-Csv` file with the physical line each starts on.
/// Strips a leading U+FEFF and skips `#` lines (`#TYPE`).
pub(crate) struct Rows<R> {
    reader: csv::Reader<Tap<SkipBom<R>>>,
    /// Byte offset where the next row, or the blank and comment lines before it, begins.
    cursor: u64,
    /// The 1-based line of `cursor`.
    line: usize,
}

impl<R: Read> Rows<R> {
    pub(crate) fn new(text: R) -> Rows<R> {
        let tap = Tap::new(SkipBom::new(text));
        let reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).comment(Some(b'#')).from_reader(tap);
        Rows { reader, cursor: 0, line: 1 }
    }

    /// Reads the next row into `row`: `None` at the end, else the row's first line and
    /// whether it was read. An I/O error is the error.
    pub(crate) fn next(&mut self, row: &mut csv::StringRecord) -> io::Result<Option<(usize, Result<(), csv::Error>)>> {
        let result = match split_io(self.reader.read_record(row))? {
            Ok(false) => return Ok(None),
            Ok(true) => Ok(()),
            Err(e) => Err(e),
        };
        let end = self.reader.position().byte();
        let tap = self.reader.get_mut();
        // Move past what the reader skipped: line ends, blank lines, comment lines.
        let mut i = self.cursor;
        loop {
            match tap.byte(i) {
                Some(b'\n') => {
                    self.line += 1;
                    i += 1;
                }
                Some(b'\r') => i += 1,
                Some(b'#') if i == 0 || tap.byte(i - 1) == Some(b'\n') => {
                    while tap.byte(i).is_some_and(|c| c != b'\n') {
                        i += 1;
                    }
                }
                _ => break,
            }
        }
        let start_line = self.line;
        let end = end.max(i);
        self.line += tap.newlines(i, end);
        self.cursor = end;
        // The byte before the cursor tells whether a `#` there starts a line.
        tap.release(end.saturating_sub(1));
        if let Some(e) = tap.take_error() {
            return Err(e);
        }
        Ok(Some((start_line, result)))
    }
}

/// Reads the rows of an `Export-Csv` text (see [`Rows`]) under its header: `columns` maps the
/// header to the reader's columns and the width a complete row has, or gives the detail of the
/// missing-field problem that ends the file; `each` reads every complete row, with its line.
/// Unreadable rows are malformed, shorter rows truncated, blank rows passed over.
pub(crate) fn read_csv_rows<C>(
    text: impl Read,
    source: &Arc<str>,
    problems: &mut Problems,
    columns: impl FnOnce(&Header) -> Result<(C, usize), String>,
    mut each: impl FnMut(&csv::StringRecord, &C, usize, &mut Problems),
) -> io::Result<()> {
    let mut rows = Rows::new(text);
    let mut row = csv::StringRecord::new();
    let mut columns = Some(columns);
    let mut cols: Option<(C, usize)> = None;
    while let Some((line, read)) = rows.next(&mut row)? {
        if let Err(e) = read {
            problems.push(source, line, SkipReason::Malformed, format!("unreadable CSV row: {e}"));
            continue;
        }
        let Some((c, width)) = &cols else {
            match columns.take().map(|map| map(&Header::new(&row))) {
                Some(Ok(c)) => cols = Some(c),
                Some(Err(detail)) => {
                    problems.push(source, line, SkipReason::MissingField, detail);
                    return Ok(());
                }
                None => return Ok(()),
            }
            continue;
        };
        if row.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if row.len() < *width {
            problems.push(source, line, SkipReason::Truncated, format!("{} of {} fields", row.len(), width));
            continue;
        }
        each(&row, c, line, problems);
    }
    Ok(())
}

/// Reads a small cause CSV (`--zones`, `--dhcp-settings`) strictly: every defect stops the
/// run naming the file and line, because a row skipped or half-read there would give a lease
/// a wrong cause, not just fewer rows. The header must have every column of `required`
/// (the error names the ones it lacks); a row must have as many fields as the header (fewer:
/// cut off; more: an unquoted comma or another file's row); `each` reads a row or says what is
/// wrong with it. Blank rows and `#` lines are passed over; an empty file has no rows.
pub(crate) fn read_strict_csv<C>(
    text: &str,
    source: &Arc<str>,
    required: &[&'static str],
    columns: impl FnOnce(&Header) -> C,
    mut each: impl FnMut(&csv::StringRecord, &C, usize) -> Result<(), String>,
) -> Result<(), super::InputError> {
    let at = |line: usize, reason: String| super::InputError::AtLine { path: std::path::PathBuf::from(&**source), line, reason };
    let mut rows = Rows::new(text.as_bytes());
    let mut row = csv::StringRecord::new();
    let mut columns = Some(columns);
    let mut cols: Option<(C, usize)> = None;
    // A slice gives no I/O error.
    while let Some((line, read)) = rows.next(&mut row).unwrap_or(None) {
        if let Err(e) = read {
            return Err(at(line, format!("unreadable CSV row: {e}")));
        }
        let Some((c, width)) = &cols else {
            let header = Header::new(&row);
            let missing: Vec<&str> = required.iter().copied().filter(|n| header.find(n).is_none()).collect();
            if !missing.is_empty() {
                return Err(at(line, format!("the header lacks the required column(s) {}", missing.join(", "))));
            }
            let Some(map) = columns.take() else { return Ok(()) };
            cols = Some((map(&header), header.width()));
            continue;
        };
        if row.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if row.len() < *width {
            return Err(at(line, format!("{} fields where the header has {}: the row is cut off", row.len(), width)));
        }
        if row.len() > *width {
            return Err(at(line, format!("{} fields where the header has {}: a value holds an unquoted comma, or the row is not of this file", row.len(), width)));
        }
        each(&row, c, line).map_err(|reason| at(line, reason))?;
    }
    Ok(())
}

/// The date order of one time column of a PowerShell `Export-Csv` file (the computers and DNS
/// records CSVs): the forced one, else decided from the column's values as [`DateOrderScan`]
/// does, in a pass over the text `open` gives. `column` lists the header names the column may
/// have; values for which `skip` is true (FILETIME integers) are not dates.
pub(crate) fn csv_column_order<R: Read>(
    open: impl FnOnce() -> io::Result<R>,
    column: &[&str],
    skip: fn(&str) -> bool,
    times: &InputTimes,
    file: &Arc<str>,
    label: &'static str,
) -> Result<Option<DateOrder>, ReadError> {
    if times.date_order.is_some() {
        return Ok(times.date_order);
    }
    let mut rows = Rows::new(open()?);
    let mut row = csv::StringRecord::new();
    let mut col = None;
    let mut scan = DateOrderScan::default();
    while let Some((line, read)) = rows.next(&mut row)? {
        if read.is_err() {
            continue;
        }
        let Some(c) = col else {
            col = Some(Header::new(&row).find_any(column));
            continue;
        };
        if let Some(v) = c.and_then(|c| row.get(c)).filter(|v| !skip(v.trim())) {
            scan.add(v, line);
        }
    }
    Ok(scan.finish(None, file, label)?)
}

#[cfg(test)]
mod tests;
