//! The reports folder: the names the default output gives (`ddns-audit-<UTC timestamp>.csv`,
//! `ddns-audit-forecast-<UTC timestamp>.csv`, with `.jsonl`/`.html`/`.xlsx` siblings of the same stem),
//! finding the previous report there (`--previous auto`) and pruning old ones (`--keep N`).
//! Only names of exactly that form are ever read or removed, and never the report a run has
//! just written. Also where a path names a file ([`same_file`]): `--html` and `--output` must
//! not be one file under two spellings.

use std::path::{Component, Path, PathBuf};

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

/// The timestamp in report names: UTC, no colons (Windows-safe).
pub(crate) const STAMP: &str = "%Y%m%dT%H%M%SZ";

/// The extensions a report and its siblings have.
const EXTENSIONS: [&str; 4] = ["csv", "jsonl", "html", "xlsx"];

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
/// csv, jsonl, html, xlsx); `None` for any other name. `ddns-audit-forecast-…` is not an audit name:
/// `forecast-…` is no timestamp.
pub(crate) fn parse_name(name: &str, kind: Kind) -> Option<(DateTime<Utc>, &str)> {
    let rest = name.strip_prefix(kind.prefix())?;
    let (stamp, ext) = rest.split_once('.')?;
    if !EXTENSIONS.contains(&ext) {
        return None;
    }
    Some((parse_stamp(stamp)?, ext))
}

/// `YYYYMMDDTHHMMSSZ` exactly as [`STAMP`] writes it: 16 characters, ASCII digits where digits
/// go, a date that exists, hour 0-23, minute and second 0-59. Not chrono's parser: it skips
/// spaces before a number and reads second 60 (`2026 101T000000Z` would be a report's name).
fn parse_stamp(stamp: &str) -> Option<DateTime<Utc>> {
    let b = stamp.as_bytes();
    if b.len() != 16 || b.get(8) != Some(&b'T') || b.get(15) != Some(&b'Z') {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<u32> {
        b.get(from..to)?.iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(number(0, 4)?).ok()?, number(4, 6)?, number(6, 8)?)?;
    let time = NaiveTime::from_hms_opt(number(9, 11)?, number(11, 13)?, number(13, 15)?)?;
    Some(date.and_time(time).and_utc())
}

/// The directory a report file is in (`.` for a bare name).
pub(crate) fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Where `path` names a file: its directory made absolute and canonical (links, `.` and `..`
/// resolved; a part that does not exist yet, such as a reports folder the run will create, is
/// resolved from its deepest existing ancestor) and its own name, not followed: a report
/// replaces a link at its path, never the link's target.
pub(crate) fn location(path: &Path) -> PathBuf {
    let Some(name) = path.file_name() else { return canonical_dir(path) };
    let mut at = canonical_dir(&dir_of(path));
    at.push(name);
    at
}

fn canonical_dir(dir: &Path) -> PathBuf {
    let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let parts: Vec<Component<'_>> = abs.components().collect();
    for i in (1..=parts.len()).rev() {
        let Some(existing) = parts.get(..i) else { continue };
        let Ok(mut at) = existing.iter().collect::<PathBuf>().canonicalize() else { continue };
        // What does not exist is no link: its `..` is lexical.
        for part in parts.get(i..).unwrap_or_default() {
            match part {
                Component::ParentDir => {
                    at.pop();
                }
                Component::Normal(n) => at.push(n),
                _ => {}
            }
        }
        return at;
    }
    abs
}

/// Whether two output paths name one file: the same [`location`] (case-insensitively where
/// the file system usually is: Windows, macOS), or, where both exist, the same file itself
/// (device and inode; elsewhere their canonical paths).
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    let (la, lb) = (location(a), location(b));
    let same = if cfg!(any(windows, target_os = "macos")) {
        la.to_string_lossy().to_lowercase() == lb.to_string_lossy().to_lowercase()
    } else {
        la == lb
    };
    same || matches!((identity(a), identity(b)), (Some(x), Some(y)) if x == y)
}

/// The file's identity when it exists: device and inode, of the path itself (not a link's target).
#[cfg(unix)]
fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// Without inodes: the canonical path of an existing file.
#[cfg(not(unix))]
fn identity(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(path).ok()
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
        .filter(|(t, ext, _)| *t < before && matches!(ext.as_str(), "csv" | "jsonl"))
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

/// `--keep N`: the files to remove so that the reports of `kind` in `dir` are those of the
/// newest `keep` timestamps, with their same-stem siblings. `own` are the files this run writes,
/// the report first (then the HTML page and the spreadsheet): they, and every sibling of the report (its timestamp,
/// when its name has one), always stay and the report counts as one of the `keep`, whatever
/// other names are there (a report named for 2099 must not make every run remove its own).
/// Only regular files named exactly so are candidates.
pub(crate) fn prune_plan(dir: &Path, kind: Kind, keep: usize, own: &[PathBuf]) -> PrunePlan {
    let found = reports_in(dir, kind);
    let own_at: Vec<PathBuf> = own.iter().map(|p| location(p)).collect();
    let own_stamps: Vec<DateTime<Utc>> = own
        .first()
        .filter(|p| location(&dir_of(p)) == location(dir))
        .and_then(|p| parse_name(p.file_name()?.to_str()?, kind))
        .map(|(t, _)| t)
        .into_iter()
        .collect();
    let mut others: Vec<DateTime<Utc>> = found.iter().map(|(t, _, _)| *t).filter(|t| !own_stamps.contains(t)).collect();
    others.sort_unstable_by(|a, b| b.cmp(a));
    others.dedup();
    let kept_others = if own_stamps.is_empty() { keep } else { keep.saturating_sub(1) };
    let kept: Vec<DateTime<Utc>> = others.into_iter().take(kept_others).collect();
    let files: Vec<(DateTime<Utc>, PathBuf)> = found
        .into_iter()
        .filter(|(t, _, p)| !own_stamps.contains(t) && !kept.contains(t) && !own_at.contains(&location(p)))
        .map(|(t, _, p)| (t, p))
        .collect();
    PrunePlan { files }
}

/// What `--keep` will remove, decided before the run's outputs are put in place.
#[derive(Debug, Default)]
pub(crate) struct PrunePlan {
    files: Vec<(DateTime<Utc>, PathBuf)>,
}

impl PrunePlan {
    /// The counts the summary gives before the removal.
    pub(crate) fn planned(&self) -> Pruned {
        let mut stamps: Vec<DateTime<Utc>> = self.files.iter().map(|(t, _)| *t).collect();
        stamps.sort_unstable();
        stamps.dedup();
        Pruned { reports: stamps.len(), files: self.files.len() }
    }

    /// Removes the files; what was removed is counted. A file gone meanwhile (another run
    /// removed it) or no longer a regular file is passed over; a file that could not be removed
    /// (on Windows, another program holds it open) is not counted and is returned with the error.
    pub(crate) fn execute(self) -> (Pruned, Vec<(PathBuf, std::io::Error)>) {
        let mut pruned = Pruned::default();
        let mut removed: Vec<DateTime<Utc>> = Vec::new();
        let mut failed = Vec::new();
        for (t, path) in self.files {
            // Still a regular file, not a link put there since the plan.
            let regular = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file());
            if !regular {
                continue;
            }
            match std::fs::remove_file(&path) {
                Ok(()) => {
                    pruned.files += 1;
                    if !removed.contains(&t) {
                        removed.push(t);
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => failed.push((path, e)),
            }
        }
        pruned.reports = removed.len();
        (pruned, failed)
    }
}

/// `--keep N` at once: [`prune_plan`], executed.
#[cfg(test)]
pub(crate) fn prune(dir: &Path, kind: Kind, keep: usize, own: &[PathBuf]) -> Pruned {
    prune_plan(dir, kind, keep, own).execute().0
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_support::t;

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
            // Only the exact form: digits where digits go, a real date and time.
            "ddns-audit-2026 101T000000Z.csv",
            "ddns-audit- 2026101T000000Z.csv",
            "ddns-audit-2026\t101T000000Z.csv",
            "ddns-audit-20261101T\n00000Z.csv",
            "ddns-audit-20261101T00000\u{0}Z.csv",
            "ddns-audit-20261120T120060Z.csv",
            "ddns-audit-20261120T126000Z.csv",
            "ddns-audit-20261120T240000Z.csv",
            "ddns-audit-20260229T120000Z.csv",
            "ddns-audit-20261131T120000Z.csv",
            "ddns-audit-20261300T120000Z.csv",
            "ddns-audit-20261100T120000Z.csv",
            "ddns-audit-20261120t120000Z.csv",
            "ddns-audit-20261120T120000z.csv",
            "ddns-audit-20261120T120000Z.CSV",
            "ddns-audit-２0261120T120000Z.csv",
        ] {
            assert_eq!(parse_name(other, Kind::Audit), None, "{other}");
        }
        assert_eq!(parse_name("ddns-audit-20261120T120000Z.csv", Kind::Forecast), None);
        assert_eq!(parse_name("ddns-audit-20280229T235959Z.csv", Kind::Audit), Some((t("2028-02-29T23:59:59Z"), "csv")));
    }

    /// Issue 19: one report named for 2099 made every `--keep` run remove its own report.
    #[test]
    fn keep_never_removes_the_report_just_written_nor_its_siblings() {
        let d = tempfile::tempdir().unwrap();
        let names = |d: &Path| {
            let mut v: Vec<String> = std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
            v.sort();
            v
        };
        for name in [
            "ddns-audit-20991231T000000Z.csv",
            "ddns-audit-20261101T000000Z.csv",
            "ddns-audit-20261120T120000Z.csv",
            "ddns-audit-20261120T120000Z.html",
            "ddns-audit-20261120T120000Z.jsonl",
        ] {
            std::fs::write(d.path().join(name), "x").unwrap();
        }
        let own = [d.path().join("ddns-audit-20261120T120000Z.csv"), d.path().join("ddns-audit-20261120T120000Z.html")];
        // Kept: this run's report with its siblings, and the newest other one (2099).
        assert_eq!(prune(d.path(), Kind::Audit, 2, &own), Pruned { reports: 1, files: 1 });
        assert_eq!(names(d.path()), ["ddns-audit-20261120T120000Z.csv", "ddns-audit-20261120T120000Z.html", "ddns-audit-20261120T120000Z.jsonl", "ddns-audit-20991231T000000Z.csv"]);
        // Keep 1: this run's only.
        assert_eq!(prune(d.path(), Kind::Audit, 1, &own), Pruned { reports: 1, files: 1 });
        assert_eq!(names(d.path()), ["ddns-audit-20261120T120000Z.csv", "ddns-audit-20261120T120000Z.html", "ddns-audit-20261120T120000Z.jsonl"]);
        // A report named otherwise (weekly.csv) with its page named as a report: the page stays,
        // and it does not count as a report of its own timestamp.
        std::fs::write(d.path().join("ddns-audit-20200101T000000Z.html"), "x").unwrap();
        std::fs::write(d.path().join("weekly.csv"), "x").unwrap();
        let own = [d.path().join("weekly.csv"), d.path().join("./ddns-audit-20200101T000000Z.html")];
        assert_eq!(prune(d.path(), Kind::Audit, 1, &own), Pruned::default());
        assert_eq!(names(d.path()).len(), 5);
    }

    #[test]
    fn one_file_under_two_spellings() {
        let d = tempfile::tempdir().unwrap();
        let g = d.path().join("g");
        // Before the folder exists, and after, with the file there.
        for exists in [false, true] {
            if exists {
                std::fs::create_dir(&g).unwrap();
                std::fs::write(g.join("r.csv"), "x").unwrap();
            }
            assert!(same_file(&g.join("r.csv"), &d.path().join("./g/r.csv")));
            assert!(same_file(&g.join("r.csv"), &d.path().join("g/../g/r.csv")));
            assert!(same_file(&g.join("r.csv"), &d.path().join("h/../g/./r.csv")));
            assert!(!same_file(&g.join("r.csv"), &g.join("r.html")));
            assert!(!same_file(&g.join("r.csv"), &d.path().join("r.csv")));
        }
        #[cfg(unix)]
        {
            // A link to the folder names the same file; a link to the file does not (a report
            // replaces a link, never its target), but a hard link is the file itself.
            std::os::unix::fs::symlink(&g, d.path().join("link")).unwrap();
            assert!(same_file(&g.join("r.csv"), &d.path().join("link/r.csv")));
            std::os::unix::fs::symlink(g.join("r.csv"), d.path().join("r-link.csv")).unwrap();
            assert!(!same_file(&g.join("r.csv"), &d.path().join("r-link.csv")));
            std::fs::hard_link(g.join("r.csv"), d.path().join("hard.csv")).unwrap();
            assert!(same_file(&g.join("r.csv"), &d.path().join("hard.csv")));
        }
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
        assert_eq!(prune(d.path(), Kind::Audit, 2, &[]), Pruned { reports: 2, files: 3 });
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
        assert_eq!(prune(d.path(), Kind::Audit, 2, &[]), Pruned::default());
        assert_eq!(prune(d.path(), Kind::Forecast, 1, &[]), Pruned::default());
        assert_eq!(prune(&d.path().join("absent"), Kind::Audit, 1, &[]), Pruned::default());
    }
}
