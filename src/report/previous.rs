//! Run over run (docs/report.md "Run over run"): reads the previous report (`--previous`), and judges
//! each finding against it: `first_seen` (when the lease, same `ip` and `fqdn`, was first
//! reported non-`ok` in an unbroken series) and `change` (`new`, `worse`, `better`, `same`,
//! `resolved`). Only the previous report's non-`ok` rows are kept: an `ok` row there and no row
//! at all judge alike.

use std::fmt::Write as _;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;

use super::{COLUMNS, folder};
use crate::audit::{Finding, Risk, Status};
use crate::vocab::vocabulary;

vocabulary! {
    /// `change`: the row against the previous report.
    pub(crate) Change {
        /// Non-`ok` now, not non-`ok` there.
        New => "new",
        Worse => "worse",
        Better => "better",
        Same => "same",
        /// `ok` now, non-`ok` there: written even without `--all`.
        Resolved => "resolved",
    }
}

/// `--previous`, resolved against the output.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PreviousChoice {
    /// `none`, or `auto` when the report goes to stdout.
    None,
    /// `auto`: the latest `ddns-audit-<timestamp>.csv` (or `.jsonl`) in `dir` before `before`
    /// (this report's own timestamp).
    Auto { dir: PathBuf, before: DateTime<Utc> },
    /// A report named on the command line or in the config.
    Path(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum PreviousError {
    // The I/O error is in the message, not a `source`: `{:#}` would print it twice.
    #[error("--previous {path}: cannot read the previous report: {error}")]
    Read { path: PathBuf, error: std::io::Error },
    #[error("--previous {path}: line {line}: {message}")]
    Malformed { path: PathBuf, line: u64, message: String },
    #[error("--previous {path}: {what}, not a regular file: give a report file of this tool")]
    NotAFile { path: PathBuf, what: &'static str },
    #[error("--previous {path}: larger than {} GiB: not a report of this tool", MAX_TOTAL >> 30)]
    TooLarge { path: PathBuf },
}

/// The longest line a previous report may have: a row of this tool is well under 4 KiB (host
/// names are at most 253 characters, the remediation a sentence), so 1 MiB is far from any
/// real row and bounds the memory a crafted file (a 2 GB line of NULs) can take.
pub(crate) const MAX_LINE: usize = 1 << 20;

/// The most read of a previous report: about ten million rows, more than any DHCP site has.
/// Reading stops there (a file growing without end, a device behind a link swapped in).
pub(crate) const MAX_TOTAL: u64 = 4 << 30;

/// Past [`MAX_LINE`] (on that 1-based line) or [`MAX_TOTAL`] (`None`): carried inside the
/// `io::Error` the bounded reader returns, told apart by [`over_limit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("over the limit")]
struct OverLimit(Option<u64>);

/// A reader that fails past [`MAX_LINE`] bytes in a line or [`MAX_TOTAL`] bytes in all.
struct Bounded<R> {
    inner: R,
    /// The 1-based line being read, and its bytes so far.
    line: u64,
    in_line: usize,
    total: u64,
    max_total: u64,
}

/// `inner` bounded by [`MAX_LINE`] and [`MAX_TOTAL`].
fn bounded<R>(inner: R) -> Bounded<R> {
    Bounded { inner, line: 1, in_line: 0, total: 0, max_total: MAX_TOTAL }
}

impl<R: std::io::Read> std::io::Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let data = buf.get(..n).unwrap_or_default();
        self.total = self.total.saturating_add(u64::try_from(n).unwrap_or(u64::MAX));
        if self.total > self.max_total {
            return Err(std::io::Error::other(OverLimit(None)));
        }
        let mut pieces = data.split(|&b| b == b'\n');
        if let Some(first) = pieces.next() {
            self.in_line = self.in_line.saturating_add(first.len());
        }
        for piece in pieces {
            if self.in_line > MAX_LINE {
                break;
            }
            self.line += 1;
            self.in_line = piece.len();
        }
        if self.in_line > MAX_LINE {
            return Err(std::io::Error::other(OverLimit(Some(self.line))));
        }
        Ok(n)
    }
}

/// The limit an I/O error from [`Bounded`] says was passed.
fn over_limit(e: &std::io::Error) -> Option<OverLimit> {
    e.get_ref().and_then(|i| i.downcast_ref::<OverLimit>()).copied()
}

/// The error for an I/O error reading `path`: a passed limit, or the error itself.
fn read_error(path: &Path, error: std::io::Error) -> PreviousError {
    match over_limit(&error) {
        Some(limit) => limit_error(path, limit),
        None => PreviousError::Read { path: path.to_path_buf(), error },
    }
}

fn limit_error(path: &Path, limit: OverLimit) -> PreviousError {
    let path = path.to_path_buf();
    match limit {
        OverLimit(Some(line)) => PreviousError::Malformed { path, line, message: format!("a line longer than {} MiB: not a report of this tool", MAX_LINE >> 20) },
        OverLimit(None) => PreviousError::TooLarge { path },
    }
}

/// What a file that is not a regular file is, in words.
fn what_it_is(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "something other than a file"
}

/// A lease across reports: its address and `fqdn` (empty without a host name).
type Key = (IpAddr, String);

/// A non-`ok` row of the previous report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Was {
    pub(crate) status: Status,
    /// `scavenging_risk`; `None` when empty.
    pub(crate) risk: Option<Risk>,
    pub(crate) first_seen: Option<DateTime<Utc>>,
}

/// `first_seen` and `change` of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Judged {
    pub(crate) first_seen: Option<DateTime<Utc>>,
    pub(crate) change: Option<Change>,
}

/// The rule. `previous` is `None` without a previous report, `Some(None)` when it has no
/// non-`ok` row for this lease.
pub(crate) fn judge(previous: Option<Option<&Was>>, status: Status, risk: Option<Risk>, as_of: DateTime<Utc>) -> Judged {
    let ok = status == Status::Ok;
    let Some(was) = previous else {
        return Judged { first_seen: (!ok).then_some(as_of), change: None };
    };
    match (was, ok) {
        (Some(_), true) => Judged { first_seen: None, change: Some(Change::Resolved) },
        // An `ok` row that was not a finding: nothing changed.
        (None, true) => Judged { first_seen: None, change: Some(Change::Same) },
        (None, false) => Judged { first_seen: Some(as_of), change: Some(Change::New) },
        (Some(w), false) => {
            // Status is ordered most severe first; risk least severe first, empty below all.
            let change = match status.cmp(&w.status).then_with(|| w.risk.cmp(&risk)) {
                std::cmp::Ordering::Less => Change::Worse,
                std::cmp::Ordering::Greater => Change::Better,
                std::cmp::Ordering::Equal => Change::Same,
            };
            Judged { first_seen: Some(w.first_seen.unwrap_or(as_of)), change: Some(change) }
        }
    }
}

/// Undoes the writer's formula escaping ([`super::escape_cell`]): a `'` before `=`, `+`, `-`,
/// `@`, tab, CR or `'`.
pub(crate) fn unescape_cell(s: &str) -> &str {
    match s.as_bytes() {
        [b'\'', b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\'', ..] => s.get(1..).unwrap_or(s),
        _ => s,
    }
}

/// The previous report as read, and the changes counted so far.
#[derive(Debug, Default)]
pub(crate) struct RunOverRun {
    as_of: Option<DateTime<Utc>>,
    /// The report compared with; `None` when there is none (then `change` is empty).
    used: Option<PathBuf>,
    /// Why no previous report is used, when one was there.
    note: Option<String>,
    /// Its non-`ok` rows, and whether this run has the lease.
    rows: FxHashMap<Key, (Was, bool)>,
    duplicates: usize,
    counts: [usize; 5],
}

/// What the summary says of the run over run.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct PreviousSummary {
    pub(crate) used: Option<PathBuf>,
    pub(crate) note: Option<String>,
    /// new, worse, better, same, resolved.
    pub(crate) counts: [usize; 5],
    /// Non-`ok` rows there whose lease (address and `fqdn`) is not audited now.
    pub(crate) no_longer_leased: usize,
    pub(crate) duplicates: usize,
}

impl RunOverRun {
    /// Reads the previous report `choice` names. A report whose columns are not these is
    /// ignored with a note; one that cannot be read (or is not a readable report) is an error
    /// when named, a note with `auto`.
    pub(crate) fn load(choice: &PreviousChoice, as_of: DateTime<Utc>) -> Result<RunOverRun, PreviousError> {
        let mut run = RunOverRun { as_of: Some(as_of), ..RunOverRun::default() };
        let (path, named) = match choice {
            PreviousChoice::None => return Ok(run),
            PreviousChoice::Auto { dir, before } => match folder::latest_before(dir, *before) {
                Some(p) => (p, false),
                None => return Ok(run),
            },
            PreviousChoice::Path(p) => (p.clone(), true),
        };
        match read(&path, as_of) {
            Ok(Read::Rows(rows, duplicates)) => {
                run.rows = rows.into_iter().map(|(k, w)| (k, (w, false))).collect();
                run.duplicates = duplicates;
                run.used = Some(path);
            }
            Ok(Read::OtherColumns(n)) => {
                run.note = Some(format!(
                    "{} ignored: its columns are not this version's {} ({n} columns: an older ddns-audit's report, a forecast or another file)",
                    path.display(),
                    COLUMNS.len()
                ));
            }
            Err(e) if named => return Err(e),
            Err(e) => {
                let e = e.to_string();
                run.note = Some(format!("ignored {}", e.strip_prefix("--previous ").unwrap_or(&e)));
            }
        }
        Ok(run)
    }

    /// `first_seen` and `change` of this finding; counts the change.
    pub(crate) fn judge(&mut self, f: &Finding<'_>) -> Judged {
        let Some(as_of) = self.as_of else { return Judged::default() };
        let risk = f.age.as_ref().map(|a| a.risk);
        let judged = if self.used.is_some() {
            let key: Key = (f.lease.ip, f.fqdn.clone().unwrap_or_default());
            let was = self.rows.get_mut(&key).map(|(w, seen)| {
                *seen = true;
                &*w
            });
            judge(Some(was), f.status, risk, as_of)
        } else {
            judge(None, f.status, risk, as_of)
        };
        // Counted: the findings and the resolved rows (an `ok` row staying `ok` is not news).
        if let Some(c) = judged.change
            && (f.status != Status::Ok || c == Change::Resolved)
            && let Some(n) = self.counts.get_mut(c as usize)
        {
            *n += 1;
        }
        judged
    }

    /// The summary's part, once every finding is judged.
    pub(crate) fn summary(&self) -> PreviousSummary {
        PreviousSummary {
            used: self.used.clone(),
            note: self.note.clone(),
            counts: self.counts,
            no_longer_leased: self.rows.values().filter(|(_, seen)| !seen).count(),
            duplicates: self.duplicates,
        }
    }
}

impl PreviousSummary {
    pub(crate) fn render(&self, o: &mut String) {
        let Some(used) = &self.used else {
            let _ = writeln!(o, "  previous report: none{}", self.note.as_ref().map(|n| format!(" ({n})")).unwrap_or_default());
            return;
        };
        let counts: Vec<String> = Change::ALL.iter().zip(self.counts).map(|(c, n)| format!("{c} {n}")).collect();
        let _ = write!(o, "  previous report: {}: {}, no longer leased {}", used.display(), counts.join(", "), self.no_longer_leased);
        if self.duplicates > 0 {
            let _ = write!(o, " ({} duplicate rows ignored: the first row of a lease counts)", self.duplicates);
        }
        o.push('\n');
    }
}

enum Read {
    /// The non-`ok` rows by lease, and how many later rows repeated a lease.
    Rows(FxHashMap<Key, Was>, usize),
    /// The header (or first object) has other columns; how many.
    OtherColumns(usize),
}

/// Reads a previous report of this tool: CSV, or JSON Lines (told by its first character or
/// its name). Streamed: a million-row report is never held whole, only its non-`ok` rows' keys.
/// Only a regular file is read (a FIFO would block the run, `/dev/zero` never ends), at most
/// [`MAX_TOTAL`] bytes and lines of at most [`MAX_LINE`]; a `first_seen` later than this run's
/// `as_of` is refused (a report from a later run or a wrong clock: copied, it would date a
/// finding from the future).
fn read(path: &Path, as_of: DateTime<Utc>) -> Result<Read, PreviousError> {
    use std::io::BufRead;
    let read_err = |error| read_error(path, error);
    let not_a_file = |meta: &std::fs::Metadata| PreviousError::NotAFile { path: path.to_path_buf(), what: what_it_is(meta) };
    // Looked at before it is opened: opening a FIFO waits for a writer.
    let meta = std::fs::metadata(path).map_err(read_err)?;
    if !meta.is_file() {
        return Err(not_a_file(&meta));
    }
    let file = std::fs::File::open(path).map_err(read_err)?;
    let meta = file.metadata().map_err(read_err)?;
    if !meta.is_file() {
        return Err(not_a_file(&meta));
    }
    let mut input = std::io::BufReader::with_capacity(1 << 16, bounded(file));
    // A UTF-8 BOM (a report saved again by a spreadsheet) is skipped.
    if input.fill_buf().map_err(read_err)?.starts_with(b"\xEF\xBB\xBF") {
        input.consume(3);
    }
    let starts_with_brace = input.fill_buf().map_err(read_err)?.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    let bad = |line: u64, message: String| PreviousError::Malformed { path: path.to_path_buf(), line, message };
    let mut rows = FxHashMap::default();
    let mut duplicates = 0;
    let mut add = |line: u64, cells: &[&str]| -> Result<(), PreviousError> {
        if let Some((key, was)) = parse_row(cells, as_of).map_err(|m| bad(line, m))? {
            match rows.entry(key) {
                std::collections::hash_map::Entry::Occupied(_) => duplicates += 1,
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(was);
                }
            }
        }
        Ok(())
    };
    // JSON Lines by content, or by name: a run without rows writes an empty `.jsonl` file.
    let jsonl = starts_with_brace || path.extension().is_some_and(|e| e.eq_ignore_ascii_case("jsonl"));
    if jsonl {
        let mut first = true;
        for (i, line) in input.lines().enumerate() {
            let line = line.map_err(read_err)?;
            let line = line.as_str();
            let n = u64::try_from(i).unwrap_or(u64::MAX).saturating_add(1);
            if line.trim().is_empty() {
                continue;
            }
            let cells = super::jsonl::read_line(line, &COLUMNS).map_err(|m| bad(n, m))?;
            let was_first = std::mem::replace(&mut first, false);
            match cells {
                Some(cells) => add(n, &cells.iter().map(String::as_str).collect::<Vec<_>>())?,
                None if was_first => return Ok(Read::OtherColumns(serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(line).map_or(0, |m| m.len()))),
                None => return Err(bad(n, "its keys are not the report's columns".to_string())),
            }
        }
    } else {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(input);
        let mut records = reader.records();
        let header = match records.next() {
            Some(h) => h.map_err(|e| csv_error(path, 1, &e))?,
            None => return Ok(Read::OtherColumns(0)),
        };
        if !header.iter().eq(COLUMNS.iter().copied()) {
            return Ok(Read::OtherColumns(header.len()));
        }
        // csv's positions count the record's start line from 0 after the header's; as shown, 1-based.
        let line_of = |p: Option<&csv::Position>| p.map_or(0, |p| p.line().saturating_add(1));
        for record in records {
            let record = record.map_err(|e| csv_error(path, line_of(e.position()), &e))?;
            let line = line_of(record.position());
            let cells: Vec<&str> = record.iter().map(unescape_cell).collect();
            add(line, &cells)?;
        }
    }
    Ok(Read::Rows(rows, duplicates))
}

/// A CSV reader's error on `line`: a passed limit as [`read_error`] says it, else what was wrong.
fn csv_error(path: &Path, line: u64, e: &csv::Error) -> PreviousError {
    if let csv::ErrorKind::Io(io) = e.kind()
        && let Some(limit) = over_limit(io)
    {
        return limit_error(path, limit);
    }
    PreviousError::Malformed { path: path.to_path_buf(), line, message: csv_reason(e) }
}

fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { len, expected_len, .. } => format!("{len} cells, not {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "not UTF-8".to_string(),
        _ => e.to_string(),
    }
}

/// The lease and its finding from a row in [`COLUMNS`] order; `None` for an `ok` row. A
/// `first_seen` after `as_of` is refused.
fn parse_row(cells: &[&str], as_of: DateTime<Utc>) -> Result<Option<(Key, Was)>, String> {
    let cell = |name: &str| -> &str { COLUMNS.iter().position(|c| *c == name).and_then(|i| cells.get(i)).copied().unwrap_or("") };
    let status = cell("status").parse::<Status>().map_err(|m| format!("status {m}"))?;
    if status == Status::Ok {
        return Ok(None);
    }
    let ip = cell("ip").parse::<IpAddr>().map_err(|_| format!("ip '{}' is not an address", cell("ip")))?;
    let risk = match cell("scavenging_risk") {
        "" => None,
        r => Some(r.parse::<Risk>().map_err(|m| format!("scavenging_risk {m}"))?),
    };
    let first_seen = match cell("first_seen") {
        "" => None,
        t => Some(
            DateTime::parse_from_rfc3339(t)
                .map_err(|_| format!("first_seen '{t}' is not an RFC 3339 time"))?
                .with_timezone(&Utc),
        ),
    };
    if let Some(t) = first_seen.filter(|t| *t > as_of) {
        return Err(format!(
            "first_seen {} is later than this run's as-of {}: a report of a later run or of a wrong clock; name an earlier report or --previous none",
            crate::timefmt::rfc3339(t),
            crate::timefmt::rfc3339(as_of)
        ));
    }
    Ok(Some(((ip, cell("fqdn").to_string()), Was { status, risk, first_seen })))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_support::t;

    const AS_OF: &str = "2026-11-27T12:00:00Z";
    const SEEN: &str = "2026-11-13T12:00:00Z";

    fn was(status: Status, risk: Option<Risk>) -> Was {
        Was { status, risk, first_seen: Some(t(SEEN)) }
    }

    fn change(w: Option<Was>, status: Status, risk: Option<Risk>) -> (Option<String>, Option<Change>) {
        let j = judge(Some(w.as_ref()), status, risk, t(AS_OF));
        (j.first_seen.map(crate::timefmt::rfc3339), j.change)
    }

    #[test]
    fn without_a_previous_report_change_is_empty_and_first_seen_is_the_as_of() {
        assert_eq!(judge(None, Status::Missing, None, t(AS_OF)), Judged { first_seen: Some(t(AS_OF)), change: None });
        assert_eq!(judge(None, Status::Ok, Some(Risk::Low), t(AS_OF)), Judged::default());
    }

    #[test]
    fn new_resolved_and_ok_rows() {
        let seen = Some(SEEN.to_string());
        let as_of = Some(AS_OF.to_string());
        assert_eq!(change(None, Status::Unknown, None), (as_of.clone(), Some(Change::New)));
        assert_eq!(change(None, Status::Ok, Some(Risk::Low)), (None, Some(Change::Same)));
        assert_eq!(change(Some(was(Status::Unknown, None)), Status::Ok, None), (None, Some(Change::Resolved)));
        // A finding carries the first date of the series.
        assert_eq!(change(Some(was(Status::Stale, None)), Status::Stale, None), (seen, Some(Change::Same)));
        // A non-ok row there without a first_seen (edited by hand) starts the series now.
        let j = judge(Some(Some(&Was { status: Status::Stale, risk: None, first_seen: None })), Status::Stale, None, t(AS_OF));
        assert_eq!(j, Judged { first_seen: Some(t(AS_OF)), change: Some(Change::Same) });
    }

    #[test]
    fn every_status_step_is_worse_one_way_and_better_the_other() {
        let order = [Status::Missing, Status::Stale, Status::AtRisk, Status::Unknown];
        for (i, worse) in order.iter().enumerate() {
            for better in order.iter().skip(i + 1) {
                // The status decides even against the risk.
                assert_eq!(change(Some(was(*better, Some(Risk::High))), *worse, None).1, Some(Change::Worse), "{better} -> {worse}");
                assert_eq!(change(Some(was(*worse, None)), *better, Some(Risk::High)).1, Some(Change::Better), "{worse} -> {better}");
            }
            assert_eq!(change(Some(was(*worse, Some(Risk::Low))), *worse, Some(Risk::Low)).1, Some(Change::Same));
        }
    }

    #[test]
    fn at_an_equal_status_every_risk_step_decides() {
        // high > medium > unknown > low > none > empty.
        let order = [Some(Risk::High), Some(Risk::Medium), Some(Risk::Unknown), Some(Risk::Low), Some(Risk::None), None];
        for (i, worse) in order.iter().enumerate() {
            for better in order.iter().skip(i + 1) {
                assert_eq!(change(Some(was(Status::Missing, *better)), Status::Missing, *worse).1, Some(Change::Worse), "{better:?} -> {worse:?}");
                assert_eq!(change(Some(was(Status::Missing, *worse)), Status::Missing, *better).1, Some(Change::Better), "{worse:?} -> {better:?}");
            }
            assert_eq!(change(Some(was(Status::AtRisk, *worse)), Status::AtRisk, *worse).1, Some(Change::Same));
        }
    }

    #[test]
    fn the_writers_escaping_is_undone_exactly() {
        for s in ["=cmd|' /C calc'!A0", "+1", "-2+3.corp.example.test", "@SUM(A1)", "\tx", "\rx", "'=x", "'quoted", "pc1", "", "'"] {
            assert_eq!(unescape_cell(&super::super::escape_cell(s)), s);
        }
    }

    #[test]
    fn rows_read_and_refused() {
        let mut cells = vec![""; COLUMNS.len()];
        cells[0] = "stale";
        cells[1] = "2001:db8::1";
        cells[3] = "-x.corp.example.test";
        cells[15] = "medium";
        cells[26] = SEEN;
        let ip: IpAddr = "2001:db8::1".parse().unwrap();
        assert_eq!(
            parse_row(&cells, t(AS_OF)),
            Ok(Some(((ip, "-x.corp.example.test".to_string()), Was { status: Status::Stale, risk: Some(Risk::Medium), first_seen: Some(t(SEEN)) })))
        );
        cells[0] = "ok";
        assert_eq!(parse_row(&cells, t(AS_OF)), Ok(None));
        cells[0] = "bad";
        assert_eq!(parse_row(&cells, t(AS_OF)), Err("status 'bad' is not one of missing, stale, at-risk, unknown, ok".to_string()));
        cells[0] = "missing";
        cells[26] = "yesterday";
        assert_eq!(parse_row(&cells, t(AS_OF)), Err("first_seen 'yesterday' is not an RFC 3339 time".to_string()));
        cells[1] = "10.0.0.300";
        assert_eq!(parse_row(&cells, t(AS_OF)), Err("ip '10.0.0.300' is not an address".to_string()));
    }
}

#[cfg(test)]
mod file_tests {
    use super::*;

    use crate::test_support::t;

    fn header() -> String {
        COLUMNS.join(",")
    }

    #[test]
    fn only_a_regular_file_is_read_and_a_long_line_is_refused_by_its_line() {
        let d = tempfile::tempdir().unwrap();
        let as_of = t("2026-11-27T12:00:00Z");
        let err = |p: &Path| read(p, as_of).err().map(|e| e.to_string());
        assert_eq!(err(d.path()), Some(format!("--previous {}: a directory, not a regular file: give a report file of this tool", d.path().display())));
        #[cfg(unix)]
        assert_eq!(err(Path::new("/dev/zero")), Some("--previous /dev/zero: a device, not a regular file: give a report file of this tool".to_string()));
        // A line of NULs over the limit, after a good header: named by its line, in CSV and JSON Lines.
        let p = d.path().join("big.csv");
        let mut text = format!("{}\r\n", header()).into_bytes();
        text.extend(std::iter::repeat_n(0u8, MAX_LINE + 1));
        std::fs::write(&p, &text).unwrap();
        assert_eq!(err(&p), Some(format!("--previous {}: line 2: a line longer than 1 MiB: not a report of this tool", p.display())));
        let p = d.path().join("big.jsonl");
        std::fs::write(&p, vec![b'x'; MAX_LINE + 1]).unwrap();
        assert_eq!(err(&p), Some(format!("--previous {}: line 1: a line longer than 1 MiB: not a report of this tool", p.display())));
        // A line of exactly the limit is read (and then judged on its content).
        let mut row = vec![""; COLUMNS.len()];
        row[0] = "ok";
        // "ok", 27 commas, the filler and the CR: exactly the limit.
        let filler = "x".repeat(MAX_LINE - (COLUMNS.len() - 1) - 2 - 1);
        row[20] = &filler;
        let line = row.join(",");
        assert_eq!(line.len() + 1, MAX_LINE);
        std::fs::write(p.with_extension("csv"), format!("{}\r\n{line}\r\n", header())).unwrap();
        assert!(matches!(read(&p.with_extension("csv"), as_of), Ok(Read::Rows(rows, 0)) if rows.is_empty()));
    }

    #[test]
    fn the_total_read_is_bounded() {
        // The product's reader is `bounded` with MAX_TOTAL; the same reader with a small total.
        let mut b = Bounded { max_total: 10 << 20, ..bounded(std::io::repeat(b'\n')) };
        assert_eq!(bounded(std::io::empty()).max_total, MAX_TOTAL);
        let mut sink = vec![0u8; 1 << 20];
        let e = loop {
            if let Err(e) = std::io::Read::read(&mut b, &mut sink) {
                break e;
            }
        };
        assert_eq!(over_limit(&e), Some(OverLimit(None)));
        assert_eq!(b.total, (10 << 20) + (1 << 20));
    }

    #[test]
    fn a_first_seen_after_the_as_of_is_refused_by_its_line() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("prev.csv");
        let mut row = vec![""; COLUMNS.len()];
        (row[0], row[1], row[26]) = ("missing", "10.0.0.1", "2026-11-27T12:00:01Z");
        std::fs::write(&p, format!("{}\r\n{}\r\n", header(), row.join(","))).unwrap();
        assert_eq!(
            read(&p, t("2026-11-27T12:00:00Z")).err().map(|e| e.to_string()),
            Some(format!(
                "--previous {}: line 2: first_seen 2026-11-27T12:00:01Z is later than this run's as-of 2026-11-27T12:00:00Z: a report of a later run or of a wrong clock; name an earlier report or --previous none",
                p.display()
            ))
        );
        // At the as-of itself: a report of this very moment, read.
        assert!(matches!(read(&p, t("2026-11-27T12:00:01Z")), Ok(Read::Rows(rows, 0)) if rows.len() == 1));
    }

    #[test]
    fn a_bad_row_is_named_by_its_line() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("prev.csv");
        let mut row = vec![""; COLUMNS.len()];
        row[0] = "missing";
        row[1] = "10.0.0.1";
        let good = row.join(",");
        row[1] = "x";
        let bad = row.join(",");
        std::fs::write(&p, format!("{}\r\n{good}\r\n{good}\r\n{bad}\r\n", COLUMNS.join(","))).unwrap();
        assert_eq!(read(&p, t("2026-11-27T12:00:00Z")).err().map(|e| e.to_string()), Some(format!("--previous {}: line 4: ip 'x' is not an address", p.display())));
        // A cell over two lines.
        let mut two = vec![""; COLUMNS.len()];
        two[0] = "ok";
        two[20] = "\"a\r\nb\"";
        std::fs::write(&p, format!("{}\r\n{}\r\n{bad}\r\n", COLUMNS.join(","), two.join(","))).unwrap();
        assert_eq!(read(&p, t("2026-11-27T12:00:00Z")).err().map(|e| e.to_string()), Some(format!("--previous {}: line 4: ip 'x' is not an address", p.display())));
        // A BOM (saved again by a spreadsheet) is skipped; duplicates count once, the first wins.
        row[1] = "10.0.0.1";
        row[0] = "stale";
        std::fs::write(&p, format!("\u{feff}{}\r\n{good}\r\n{}\r\n", COLUMNS.join(","), row.join(","))).unwrap();
        let Ok(Read::Rows(rows, 1)) = read(&p, t("2026-11-27T12:00:00Z")) else { panic!("not read") };
        let key: Key = ("10.0.0.1".parse().unwrap(), String::new());
        assert_eq!(rows.get(&key).map(|w| w.status), Some(Status::Missing));
        // An empty JSON Lines report (a run without rows) is a report; an empty CSV is not.
        let empty = d.path().join("ddns-audit-20261120T120000Z.jsonl");
        std::fs::write(&empty, "").unwrap();
        assert!(matches!(read(&empty, t("2026-11-27T12:00:00Z")), Ok(Read::Rows(rows, 0)) if rows.is_empty()));
        std::fs::write(&p, "").unwrap();
        assert!(matches!(read(&p, t("2026-11-27T12:00:00Z")), Ok(Read::OtherColumns(0))));
        std::fs::write(&p, format!("{}\r\n{good},\r\n", COLUMNS.join(","))).unwrap();
        assert_eq!(read(&p, t("2026-11-27T12:00:00Z")).err().map(|e| e.to_string()), Some(format!("--previous {}: line 2: 29 cells, not 28", p.display())));
    }
}
