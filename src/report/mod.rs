//! Stage 5, report: renders findings as the CSV of docs/report.md "The report" (column order, RFC 3339 UTC, `;` lists,
//! formula escaping) or as JSON Lines, judges them against the previous report (run over run),
//! writes it atomically, prunes old reports (`--keep`), and renders the stderr summary. Only
//! this layer and `main` write output.

mod commit;
pub(crate) mod fixes;
mod folder;
mod forecast;
mod jsonl;
pub(crate) mod palette;
mod previous;
pub(crate) mod html;
mod row;
mod summary;
pub(crate) mod xlsx;

use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};

pub(crate) use forecast::{FORECAST_COLUMNS, ForecastSummary, duration_text};
pub(crate) use row::{Cell, Row, Sink};
#[cfg(test)]
pub(crate) use row::texts;
pub(crate) use commit::{CommitError, Outputs, StageError};
pub(crate) use folder::{Kind, Pruned, STAMP, dir_of, parse_name, same_file};
pub(crate) use previous::{Change, Judged, PreviousChoice, PreviousError, RunOverRun};
pub(crate) use summary::{LiveSummary, Summary};

use crate::audit::{Finding, RecordStatus, Status};
use crate::vocab::vocabulary;

vocabulary! {
    /// `--format`: the report file's format.
    pub(crate) Format {
        Csv => "csv",
        Jsonl => "jsonl",
    }
}

impl Format {
    /// The default output's extension.
    pub(crate) fn extension(self) -> &'static str {
        self.as_str()
    }
}

/// The report's columns, in the order of docs/report.md "The report".
pub(crate) const COLUMNS: [&str; 28] = [
    "status",
    "ip",
    "hostname",
    "fqdn",
    "mac",
    "lease_state",
    "lease_expires",
    "scope",
    "a_status",
    "a_records",
    "ptr_status",
    "ptr_records",
    "record_kind",
    "record_timestamp",
    "scavenge_after",
    "scavenging_risk",
    "ad_computer",
    "ad_enabled",
    "ad_last_logon",
    "dhcp_dns_registration",
    "remediation",
    "source",
    "record_owner",
    "owner_kind",
    "zone_dynamic_updates",
    "dhcp_dns_setting",
    "first_seen",
    "change",
];

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    // The I/O errors are in the messages, not `source`s: `{:#}` would print them twice.
    #[error("cannot create the report directory {path}: {error}")]
    CreateDir { path: PathBuf, error: std::io::Error },
    #[error("cannot write the report {path}: {error}")]
    Write { path: PathBuf, error: std::io::Error },
    #[error("cannot write the report to stdout: {0}")]
    Stdout(std::io::Error),
    #[error(transparent)]
    Commit(#[from] CommitError),
}

/// Whether a finding becomes a row: non-`ok` rows always; `ok` rows and leases without a
/// host name only with `--all`; a `resolved` row always (run over run).
pub(crate) fn is_written(f: &Finding<'_>, judged: &Judged, all: bool) -> bool {
    all || (f.status != Status::Ok && f.a_status != RecordStatus::NotApplicable) || judged.change == Some(Change::Resolved)
}

/// A cell a spreadsheet will not evaluate: a value starting with `=`, `+`, `-`, `@`, tab or
/// CR gets a leading `'`. Host names come from DHCP clients and are attacker-controlled. A
/// value starting with `'` gets one too, so that a reader (`--previous`) can undo it exactly.
pub(crate) fn escape_cell(s: &str) -> Cow<'_, str> {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\'') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// Writes the CSV to `w`: the header, then each row given to [`CsvWriter`]'s `row`. Every cell
/// is formula-escaped. Lines end in CRLF (RFC 4180), which every spreadsheet and `Import-Csv`
/// read. Shared by every report kind (the audit's, the forecast's).
pub(crate) struct CsvWriter<W: Write> {
    out: csv::Writer<W>,
    cell: String,
    rows: usize,
}

impl<W: Write> CsvWriter<W> {
    pub(crate) fn new(w: W, columns: &[&str]) -> std::io::Result<CsvWriter<W>> {
        let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(w);
        out.write_record(columns).map_err(into_io)?;
        Ok(CsvWriter { out, cell: String::with_capacity(256), rows: 0 })
    }

    /// Flushes; the number of rows written.
    pub(crate) fn finish(mut self) -> std::io::Result<usize> {
        self.out.flush()?;
        Ok(self.rows)
    }
}

impl<'a, W: Write> Sink<'a> for CsvWriter<W> {
    fn row(&mut self, _: &Row<'a>, cells: &[Cell<'_>]) -> std::io::Result<()> {
        for c in cells {
            self.cell.clear();
            c.write_text(&mut self.cell);
            let field = escape_cell(&self.cell);
            self.out.write_field(field.as_bytes()).map_err(into_io)?;
        }
        self.out.write_record(None::<&[u8]>).map_err(into_io)?;
        self.rows += 1;
        Ok(())
    }
}

/// The audit's rows: every finding is shown to `observe` (the summary counts them) and judged
/// against the previous report, the written ones ([`is_written`]) kept.
pub(crate) fn audit_rows<'a, 'r>(
    findings: impl Iterator<Item = Finding<'a>> + 'r,
    all: bool,
    previous: &'r mut RunOverRun,
    mut observe: impl FnMut(&Finding<'a>) + 'r,
) -> impl Iterator<Item = Row<'a>> + 'r {
    findings.filter_map(move |f| {
        observe(&f);
        let judged = previous.judge(&f);
        is_written(&f, &judged, all).then_some(Row::Audit(f, judged))
    })
}

/// Writes the rows in `format` (the CSV, or JSON Lines), each also given to every sink in
/// `also` (the HTML page, a spreadsheet), in the same order; the number of rows.
fn write_as<'a, W: Write>(w: W, format: Format, columns: &[&str], rows: impl Iterator<Item = Row<'a>>, also: &mut [&mut dyn Sink<'a>]) -> std::io::Result<usize> {
    fn each<'a>(main: &mut dyn Sink<'a>, rows: impl Iterator<Item = Row<'a>>, also: &mut [&mut dyn Sink<'a>]) -> std::io::Result<()> {
        for r in rows {
            // The cells once, for every sink.
            let cells = r.cells();
            main.row(&r, &cells)?;
            for s in also.iter_mut() {
                s.row(&r, &cells)?;
            }
        }
        Ok(())
    }
    match format {
        Format::Csv => {
            let mut csv = CsvWriter::new(w, columns)?;
            each(&mut csv, rows, also)?;
            csv.finish()
        }
        Format::Jsonl => {
            let mut jsonl = jsonl::JsonlWriter::new(w, columns);
            each(&mut jsonl, rows, also)?;
            jsonl.finish()
        }
    }
}

fn into_io(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// Where the report goes.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) enum Destination {
    #[default]
    Stdout,
    File(PathBuf),
}

/// As the summary and the HTML page name it: `stdout`, or the path.
impl std::fmt::Display for Destination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Destination::Stdout => f.write_str("stdout"),
            Destination::File(p) => write!(f, "{}", p.display()),
        }
    }
}

/// The default report path: `reports/ddns-audit-<UTC timestamp>.<csv|jsonl>` (no colons: Windows-safe).
pub(crate) fn default_path(now: chrono::DateTime<chrono::Utc>, format: Format) -> PathBuf {
    default_path_of(Kind::Audit, now, format)
}

/// `reports/<kind>-<UTC timestamp>.<ext>`: `ddns-audit-` for the audit, `ddns-audit-forecast-` for the forecast.
pub(crate) fn default_path_of(kind: Kind, now: chrono::DateTime<chrono::Utc>, format: Format) -> PathBuf {
    Path::new("reports").join(format!("{}{}.{}", kind.prefix(), now.format(STAMP), format.extension()))
}

/// The temporary report file's name is `.ddns-audit-<random>.tmp`.
const TEMP_PREFIX: &str = ".ddns-audit-";
const TEMP_SUFFIX: &str = ".tmp";

/// A temporary report file not modified for this long belongs to a run that is dead: a live
/// run writes its rows as they are computed (a 64 KiB buffer at a time) and renames the file
/// within seconds of creating it, so its modification time is always recent.
pub(crate) const STALE_TEMP_AGE: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// The pages and files beside the report that take its rows ([`write`]'s `also`): the HTML
/// page and the spreadsheet, when asked for.
pub(crate) fn sinks<'s, 'a>(html: Option<&'s mut html::HtmlReport>, xlsx: Option<&'s mut xlsx::XlsxReport>) -> Vec<&'s mut dyn Sink<'a>> {
    let mut also: Vec<&'s mut dyn Sink<'a>> = Vec::new();
    if let Some(h) = html {
        also.push(h);
    }
    if let Some(x) = xlsx {
        also.push(x);
    }
    also
}

/// Writes the report: to stdout, or staged in `outputs` ([`Outputs::stage`]) to be put in
/// place with the run's other outputs, so a scheduled consumer never sees half a report and a
/// failed run changes no file. Each row is also given to the sinks in `also` (the HTML page),
/// finished by the caller with the summary. Returns the rows written.
pub(crate) fn write<'a>(
    dest: &Destination,
    format: Format,
    columns: &[&str],
    rows: impl Iterator<Item = Row<'a>>,
    also: &mut [&mut dyn Sink<'a>],
    outputs: &mut Outputs,
) -> Result<usize, ReportError> {
    match dest {
        Destination::Stdout => {
            let stdout = std::io::stdout();
            write_as(std::io::BufWriter::new(stdout.lock()), format, columns, rows, also).map_err(ReportError::Stdout)
        }
        Destination::File(path) => outputs.stage(path, |w| write_as(w, format, columns, rows, also)).map_err(|e| match e {
            StageError::CreateDir(path, error) => ReportError::CreateDir { path, error },
            StageError::Write(error) => ReportError::Write { path: path.clone(), error },
        }),
    }
}

/// What happens to the folders once the outputs are in place: `--keep`'s removals and the
/// temporary files of killed runs. Decided before the commit (the HTML page's copy of the
/// summary says it), done after it: nothing is removed by a run that fails.
#[derive(Debug, Default)]
pub(crate) struct Cleanup {
    prune: folder::PrunePlan,
    stale: Vec<PathBuf>,
}

impl Cleanup {
    /// The plan for the report at `output` (of `kind`, `--keep` as given), the page at `html`
    /// and the spreadsheet at `xlsx`.
    pub(crate) fn plan(output: &Destination, html: Option<&Path>, xlsx: Option<&Path>, kind: Kind, keep: Option<usize>) -> Cleanup {
        let mut own: Vec<PathBuf> = Vec::new();
        if let Destination::File(p) = output {
            own.push(p.clone());
        }
        own.extend(html.map(Path::to_path_buf));
        own.extend(xlsx.map(Path::to_path_buf));
        let prune = match (output, keep) {
            (Destination::File(path), Some(keep)) => folder::prune_plan(&dir_of(path), kind, keep, &own),
            _ => folder::PrunePlan::default(),
        };
        let mut dirs: Vec<PathBuf> = Vec::new();
        for p in &own {
            let d = folder::location(&dir_of(p));
            if !dirs.contains(&d) {
                dirs.push(d);
            }
        }
        let now = std::time::SystemTime::now();
        Cleanup { prune, stale: dirs.iter().flat_map(|d| stale_temp_files(d, now)).collect() }
    }

    /// What the plan removes: `--keep`'s reports, and the stale temporary files.
    pub(crate) fn planned(&self) -> (Pruned, usize) {
        (self.prune.planned(), self.stale.len())
    }

    /// Removes them, once the outputs are in place; what was removed, and a line for each
    /// report file `--keep` could not remove (a stale temporary file that stays is no news).
    pub(crate) fn execute(self) -> ((Pruned, usize), String) {
        let stale = self.stale.iter().filter(|p| std::fs::remove_file(p).is_ok()).count();
        let (pruned, failed) = self.prune.execute();
        let mut lines = String::new();
        for (path, error) in failed {
            lines.push_str(&format!("  --keep: cannot remove {}: {error}; it stays{}\n", path.display(), keep_hint(&error)));
        }
        ((pruned, stale), lines)
    }
}

/// Why `--keep` could not remove a file, when the error tells (Windows: another program has it open).
fn keep_hint(error: &std::io::Error) -> &'static str {
    if commit::held_open_hint(error).is_empty() { "" } else { " (another program may have it open: close it there; the next run removes it)" }
}

/// The `.ddns-audit-*.tmp` files in `dir` that a killed run left: regular files (not links)
/// not modified for [`STALE_TEMP_AGE`]. A run writing into the same directory at the same
/// moment is never touched: its file is recent.
fn stale_temp_files(dir: &Path, now: std::time::SystemTime) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut stale = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) || name.len() <= TEMP_PREFIX.len() + TEMP_SUFFIX.len() {
            continue;
        }
        // `DirEntry::metadata` does not follow links.
        let Ok(meta) = entry.metadata() else { continue };
        let old = meta.modified().ok().and_then(|m| now.duration_since(m).ok()).is_some_and(|age| age >= STALE_TEMP_AGE);
        if meta.is_file() && old {
            stale.push(entry.path());
        }
    }
    stale
}

/// Removes the stale temporary files in `dir` ([`stale_temp_files`]); failures are ignored
/// (Windows refuses to delete a file another process holds open; another run may have removed
/// it first). How many went.
#[cfg(test)]
fn remove_stale_temp_files(dir: &Path, now: std::time::SystemTime) -> usize {
    stale_temp_files(dir, now).iter().filter(|p| std::fs::remove_file(p).is_ok()).count()
}

/// Whether the output path itself (not a link's target) is something that is not a regular
/// file or directory (a device, a FIFO), or one of Windows' reserved device names. A link to a
/// device is not followed: anyone who can write the report folder could plant
/// `reports/ddns-audit-<time>.csv -> /dev/sda` and make a root run write into the disk.
fn is_device(path: &Path) -> bool {
    if cfg!(windows) {
        let stem = path.file_stem().map(|s| s.to_string_lossy().to_ascii_uppercase()).unwrap_or_default();
        let stem = stem.trim_end_matches([' ', '.']);
        let numbered = |p: &str| stem.strip_prefix(p).is_some_and(|d| matches!(d, "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9"));
        if matches!(stem, "NUL" | "CON" | "PRN" | "AUX" | "CONIN$" | "CONOUT$") || numbered("COM") || numbered("LPT") {
            return true;
        }
    }
    std::fs::symlink_metadata(path).is_ok_and(|m| {
        let t = m.file_type();
        !t.is_file() && !t.is_dir() && !t.is_symlink()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_dictionary_template_lists_every_column_in_order() {
        let text = include_str!("../../reports/templates/columns.csv");
        let names: Vec<&str> = text.lines().skip(1).filter_map(|l| l.split(',').next()).collect();
        assert_eq!(names, COLUMNS);
    }

    #[test]
    fn only_old_temporary_report_files_are_removed() {
        let d = tempfile::tempdir().unwrap();
        let now = std::time::SystemTime::now();
        let touch = |name: &str| std::fs::write(d.path().join(name), "x").unwrap();
        for name in [".ddns-audit-a1.tmp", ".ddns-audit-.tmp", "ddns-audit-a2.tmp", ".ddns-audit-a3.csv"] {
            touch(name);
        }
        std::fs::create_dir(d.path().join(".ddns-audit-dir.tmp")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(d.path().join("ddns-audit-a2.tmp"), d.path().join(".ddns-audit-link.tmp")).unwrap();
        // Not yet 24 hours old: kept.
        assert_eq!(remove_stale_temp_files(d.path(), now + STALE_TEMP_AGE - std::time::Duration::from_secs(60)), 0);
        // A day later only the real temporary file goes; the oddly named, the directory and the link stay.
        assert_eq!(remove_stale_temp_files(d.path(), now + STALE_TEMP_AGE + std::time::Duration::from_secs(60)), 1);
        assert!(!d.path().join(".ddns-audit-a1.tmp").exists());
        let mut left: Vec<String> = std::fs::read_dir(d.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        left.sort();
        let mut expected = vec![".ddns-audit-.tmp", ".ddns-audit-a3.csv", ".ddns-audit-dir.tmp", "ddns-audit-a2.tmp"];
        if cfg!(unix) {
            expected.insert(3, ".ddns-audit-link.tmp");
        }
        assert_eq!(left, expected);
        assert_eq!(remove_stale_temp_files(&d.path().join("absent"), now), 0);
    }

    #[test]
    fn formula_cells_are_escaped() {
        for bad in ["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(escape_cell(bad), format!("'{bad}"));
        }
        assert_eq!(escape_cell("pc1.corp.example.test"), "pc1.corp.example.test");
        assert_eq!(escape_cell(""), "");
        assert_eq!(escape_cell("'quoted"), "''quoted");
    }
}
