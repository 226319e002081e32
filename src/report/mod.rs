//! Stage 5, report: renders findings as the CSV of SPEC (column order, RFC 3339 UTC, `;` lists,
//! formula escaping), writes it atomically, and renders the stderr summary. Only this layer
//! and `main` write output.

mod summary;

use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};

pub use summary::{LiveSummary, Summary};

use crate::audit::{Finding, RecordStatus, Status};
use crate::timefmt::rfc3339;

/// The report's columns, in SPEC's order.
pub const COLUMNS: [&str; 22] = [
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
];

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    // Causes are `source()`, not in the messages: `main` prints the chain once.
    #[error("cannot create the report directory {path}")]
    CreateDir { path: PathBuf, source: std::io::Error },
    #[error("cannot write the report {path}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot write the report to stdout")]
    Stdout(#[source] std::io::Error),
}

/// Whether a finding becomes a row: non-`ok` rows always; `ok` rows and leases without a
/// host name only with `--all`.
pub fn is_written(f: &Finding<'_>, all: bool) -> bool {
    all || (f.status != Status::Ok && f.a_status != RecordStatus::NotApplicable)
}

/// A cell a spreadsheet will not evaluate: a value starting with `=`, `+`, `-`, `@`, tab or
/// CR gets a leading `'`. Host names come from DHCP clients and are attacker-controlled.
pub fn escape_cell(s: &str) -> Cow<'_, str> {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// The row for one finding, unescaped, in [`COLUMNS`] order.
pub fn row(f: &Finding<'_>) -> [String; 22] {
    let l = f.lease;
    let opt_time = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(rfc3339).unwrap_or_default();
    let age = f.age.as_ref();
    let list = |v: Vec<String>| v.join(";");
    [
        f.status.to_string(),
        l.ip.to_string(),
        l.hostname.clone().unwrap_or_default(),
        f.fqdn.clone().unwrap_or_default(),
        l.mac.clone().unwrap_or_default(),
        l.state.to_string(),
        opt_time(l.expires),
        l.scope.clone().unwrap_or_default(),
        f.a_status.to_string(),
        list(f.a_records.iter().map(ToString::to_string).collect()),
        f.ptr_status.to_string(),
        list(f.ptr_records.clone()),
        age.map(|a| a.kind.to_string()).unwrap_or_default(),
        opt_time(age.and_then(|a| a.timestamp)),
        opt_time(age.and_then(|a| a.scavenge_after)),
        age.map(|a| a.risk.to_string()).unwrap_or_default(),
        f.computer.map(|c| c.name.clone()).unwrap_or_default(),
        f.computer.and_then(|c| c.enabled).map(|e| e.to_string()).unwrap_or_default(),
        opt_time(f.computer.and_then(|c| c.last_logon)),
        l.dns_registration.clone().unwrap_or_default(),
        f.remediation.clone().unwrap_or_default(),
        if l.line > 0 { format!("{}:{}", l.source, l.line) } else { l.source.to_string() },
    ]
}

/// Writes the CSV (header, then the written rows) to `w`; returns the number of rows.
/// Every finding, written or not, is shown to `observe` (the summary counts them).
/// Lines end in CRLF (RFC 4180), which every spreadsheet and `Import-Csv` read.
pub fn write_csv<'a, W: Write>(
    w: W,
    findings: impl Iterator<Item = Finding<'a>>,
    all: bool,
    mut observe: impl FnMut(&Finding<'a>),
) -> std::io::Result<usize> {
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(w);
    out.write_record(COLUMNS).map_err(into_io)?;
    let mut n = 0;
    for f in findings {
        observe(&f);
        if !is_written(&f, all) {
            continue;
        }
        let cells = row(&f);
        out.write_record(cells.iter().map(|c| escape_cell(c).into_owned())).map_err(into_io)?;
        n += 1;
    }
    out.flush()?;
    Ok(n)
}

fn into_io(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// Where the report goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Destination {
    Stdout,
    File(PathBuf),
}

/// The default report path: `reports/ddns-audit-<UTC timestamp>.csv` (no colons: Windows-safe).
pub fn default_path(now: chrono::DateTime<chrono::Utc>) -> PathBuf {
    Path::new("reports").join(format!("ddns-audit-{}.csv", now.format("%Y%m%dT%H%M%SZ")))
}

/// Writes the report: to stdout, or atomically to a file (a temporary file in the same
/// directory, then a rename), so a scheduled consumer never sees half a report.
pub fn write<'a>(
    dest: &Destination,
    findings: impl Iterator<Item = Finding<'a>>,
    all: bool,
    observe: impl FnMut(&Finding<'a>),
) -> Result<usize, ReportError> {
    match dest {
        Destination::Stdout => {
            let stdout = std::io::stdout();
            write_csv(std::io::BufWriter::new(stdout.lock()), findings, all, observe).map_err(ReportError::Stdout)
        }
        Destination::File(path) if is_device(path) => {
            // `/dev/null`, a FIFO, Windows `NUL`: written in place. Renaming a file over them
            // would replace the device with a regular file.
            let werr = |source| ReportError::Write { path: path.clone(), source };
            let file = std::fs::OpenOptions::new().write(true).open(path).map_err(werr)?;
            write_csv(std::io::BufWriter::new(file), findings, all, observe).map_err(werr)
        }
        Destination::File(path) => {
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            std::fs::create_dir_all(&dir).map_err(|source| ReportError::CreateDir { path: dir.clone(), source })?;
            let werr = |source| ReportError::Write { path: path.clone(), source };
            let mut tmp = tempfile::Builder::new().prefix(".ddns-audit-").suffix(".tmp").tempfile_in(&dir).map_err(werr)?;
            let n = write_csv(std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut()), findings, all, observe).map_err(werr)?;
            tmp.as_file().sync_all().map_err(werr)?;
            tmp.persist(path).map_err(|e| werr(e.error))?;
            Ok(n)
        }
    }
}

/// Whether the output path names something that is not a regular file or directory (a
/// device, a FIFO), or one of Windows' reserved device names.
fn is_device(path: &Path) -> bool {
    if cfg!(windows) {
        let stem = path.file_stem().map(|s| s.to_string_lossy().to_ascii_uppercase()).unwrap_or_default();
        if matches!(stem.as_str(), "NUL" | "CON" | "PRN" | "AUX") {
            return true;
        }
    }
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
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
    fn formula_cells_are_escaped() {
        for bad in ["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(escape_cell(bad), format!("'{bad}"));
        }
        assert_eq!(escape_cell("pc1.corp.example.test"), "pc1.corp.example.test");
        assert_eq!(escape_cell(""), "");
    }
}
