//! The reports folder: the names the default output gives (`ddns-audit-<UTC timestamp>.csv`,
//! `ddns-audit-forecast-<UTC timestamp>.csv`, with `.jsonl`/`.html` siblings of the same stem),
//! finding the previous report there (`--previous auto`) and pruning old ones (`--keep N`).
//! Only names of exactly that form are ever read or removed.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};

/// The timestamp in report names: UTC, no colons (Windows-safe).
pub(crate) const STAMP: &str = "%Y%m%dT%H%M%SZ";

/// The extensions a report and its siblings have.
const EXTENSIONS: [&str; 3] = ["csv", "jsonl", "html"];

/// Which report series a name belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Audit,
    Forecast,
}

impl Kind {
    pub(crate) fn prefix(self) -> &'static str {
        match self {
            Kind::Audit => "ddns-audit-",
            Kind::Forecast => "ddns-audit-forecast-",
        }
    }
}

/// The timestamp and extension of a file named `<kind prefix><timestamp>.<ext>` (ext one of
/// csv, jsonl, html); `None` for any other name. `ddns-audit-forecast-…` is not an audit name:
/// `forecast-…` is no timestamp.
pub(crate) fn parse_name(name: &str, kind: Kind) -> Option<(DateTime<Utc>, &str)> {
    let rest = name.strip_prefix(kind.prefix())?;
    let (stamp, ext) = rest.split_once('.')?;
    if !EXTENSIONS.contains(&ext) || stamp.len() != 16 {
        return None;
    }
    let t = NaiveDateTime::parse_from_str(stamp, STAMP).ok()?.and_utc();
    Some((t, ext))
}

/// The directory a report file is in (`.` for a bare name).
pub(crate) fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The regular files (not links, not directories) in `dir` named as reports of `kind`, with
/// their timestamps and extensions. An unreadable folder has none.
fn reports_in(dir: &Path, kind: Kind) -> Vec<(DateTime<Utc>, String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some((t, ext)) = parse_name(name, kind) else { continue };
        // `DirEntry::file_type` does not follow links.
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            found.push((t, ext.to_string(), entry.path()));
        }
    }
    found
}

/// `--previous auto`: the audit report (`.csv`, else `.jsonl` of the same timestamp) in `dir`
/// with the latest timestamp before `before`.
pub(crate) fn latest_before(dir: &Path, before: DateTime<Utc>) -> Option<PathBuf> {
    reports_in(dir, Kind::Audit)
        .into_iter()
        .filter(|(t, ext, _)| *t < before && ext != "html")
        // Latest first; at one timestamp the CSV ("csv" < "jsonl").
        .min_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)))
        .map(|(_, _, p)| p)
}

/// What `--keep` removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pruned {
    /// Reports (timestamps) removed.
    pub(crate) reports: usize,
    /// Files removed (a report and its siblings).
    pub(crate) files: usize,
}

/// `--keep N`: removes every report of `kind` in `dir` but those of the newest `keep`
/// timestamps, with their same-stem siblings. Only regular files named exactly so; a failed
/// removal (another run removed it, Windows holds it open) is ignored.
pub(crate) fn prune(dir: &Path, kind: Kind, keep: usize) -> Pruned {
    let found = reports_in(dir, kind);
    let mut stamps: Vec<DateTime<Utc>> = found.iter().map(|(t, _, _)| *t).collect();
    stamps.sort_unstable_by(|a, b| b.cmp(a));
    stamps.dedup();
    let Some(&oldest_kept) = stamps.get(keep.saturating_sub(1)) else { return Pruned::default() };
    let mut pruned = Pruned::default();
    let mut removed: Vec<DateTime<Utc>> = Vec::new();
    for (t, _, path) in found.into_iter().filter(|(t, _, _)| *t < oldest_kept) {
        if std::fs::remove_file(&path).is_ok() {
            pruned.files += 1;
            if !removed.contains(&t) {
                removed.push(t);
            }
        }
    }
    pruned.reports = removed.len();
    pruned
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn names() {
        assert_eq!(parse_name("ddns-audit-20261120T120000Z.csv", Kind::Audit), Some((t("2026-11-20T12:00:00Z"), "csv")));
        assert_eq!(parse_name("ddns-audit-20261120T120000Z.jsonl", Kind::Audit), Some((t("2026-11-20T12:00:00Z"), "jsonl")));
        assert_eq!(parse_name("ddns-audit-forecast-20261120T120000Z.html", Kind::Forecast), Some((t("2026-11-20T12:00:00Z"), "html")));
        for other in [
            "ddns-audit-forecast-20261120T120000Z.csv",
            "ddns-audit-20261120T120000Z.csv.bak",
            "ddns-audit-20261120T120000Z.txt",
            "ddns-audit-20261120T120000.csv",
            "ddns-audit-20261320T120000Z.csv",
            "xddns-audit-20261120T120000Z.csv",
            "ddns-audit-20261120T120000Z-2.csv",
            "ddns-audit-+2026112T120000Z.csv",
        ] {
            assert_eq!(parse_name(other, Kind::Audit), None, "{other}");
        }
        assert_eq!(parse_name("ddns-audit-20261120T120000Z.csv", Kind::Forecast), None);
    }

    #[test]
    fn latest_before_and_prune() {
        let d = tempfile::tempdir().unwrap();
        let touch = |name: &str| std::fs::write(d.path().join(name), "x").unwrap();
        for name in [
            "ddns-audit-20261101T000000Z.csv",
            "ddns-audit-20261101T000000Z.html",
            "ddns-audit-20261108T000000Z.jsonl",
            "ddns-audit-20261115T000000Z.csv",
            "ddns-audit-20261115T000000Z.jsonl",
            "ddns-audit-20261122T000000Z.csv",
            "ddns-audit-forecast-20261101T000000Z.csv",
            "ddns-audit-20261101T000000Z.csv.bak",
            "notes.txt",
        ] {
            touch(name);
        }
        std::fs::create_dir(d.path().join("ddns-audit-20261001T000000Z.csv")).unwrap();
        // A link named as an old report: neither it nor its target is touched.
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("precious.csv"), "x").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(outside.path().join("precious.csv"), d.path().join("ddns-audit-20261002T000000Z.csv")).unwrap();
        let at = |s: &str| latest_before(d.path(), t(s)).map(|p| p.file_name().unwrap().to_string_lossy().into_owned());
        assert_eq!(at("2026-11-22T00:00:00Z").as_deref(), Some("ddns-audit-20261115T000000Z.csv"));
        assert_eq!(at("2026-11-22T00:00:01Z").as_deref(), Some("ddns-audit-20261122T000000Z.csv"));
        assert_eq!(at("2026-11-15T00:00:00Z").as_deref(), Some("ddns-audit-20261108T000000Z.jsonl"));
        assert_eq!(at("2026-11-01T00:00:00Z"), None);

        // Keep the newest two timestamps (22nd, 15th): the 8th and the 1st go with their siblings.
        assert_eq!(prune(d.path(), Kind::Audit, 2), Pruned { reports: 2, files: 3 });
        let mut left: Vec<String> = std::fs::read_dir(d.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        left.sort();
        #[cfg(unix)]
        assert!(d.path().join("ddns-audit-20261002T000000Z.csv").symlink_metadata().is_ok());
        left.retain(|n| n != "ddns-audit-20261002T000000Z.csv");
        assert!(outside.path().join("precious.csv").exists());
        assert_eq!(
            left,
            [
                "ddns-audit-20261001T000000Z.csv",
                "ddns-audit-20261101T000000Z.csv.bak",
                "ddns-audit-20261115T000000Z.csv",
                "ddns-audit-20261115T000000Z.jsonl",
                "ddns-audit-20261122T000000Z.csv",
                "ddns-audit-forecast-20261101T000000Z.csv",
                "notes.txt",
            ]
        );
        assert_eq!(prune(d.path(), Kind::Audit, 2), Pruned::default());
        assert_eq!(prune(d.path(), Kind::Forecast, 1), Pruned::default());
        assert_eq!(prune(&d.path().join("absent"), Kind::Audit, 1), Pruned::default());
    }
}
