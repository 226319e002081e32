//! The report folder's guarantees (docs/guarantees.md "What the tool guarantees", issue 19), with the real
//! binary: nothing in the folder changes unless the run succeeds; `--keep` never removes the
//! report just written nor anything not named exactly as the tool names its reports;
//! `--html` and `--output` cannot be one file; `--previous` reads only a bounded regular file.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns unwrap too

mod util;

use std::fs;
use std::path::Path;

use util::{ZONE, ddns_audit, scratch};

const AS_OF: &str = "2026-11-20T12:00:00Z";

const LEASES: &str = "\"IPAddress\",\"ScopeId\",\"AddressState\",\"ClientId\",\"HostName\",\"LeaseExpiryTime\",\"DnsRegistration\"\r\n\
\"10.0.16.21\",\"10.0.16.0\",\"Active\",\"00-15-5d-01-02-03\",\"pc1.corp.example.test\",\"2026-11-30T00:00:00Z\",\"Complete\"\r\n\
\"10.0.16.22\",\"10.0.16.0\",\"Active\",\"00-15-5d-01-02-04\",\"pc2.corp.example.test\",\"2026-11-30T00:00:00Z\",\"Complete\"\r\n";

/// The inputs (a lease file, a zone export) in `dir/in`.
fn inputs(dir: &Path) {
    fs::create_dir_all(dir.join("in")).unwrap();
    fs::write(dir.join("in/leases.csv"), LEASES).unwrap();
    fs::write(dir.join("in/corp.dns"), ZONE).unwrap();
}

/// An audit of the inputs as of `as_of`, with `extra` options.
fn audit(dir: &Path, as_of: &str, extra: &[&str]) -> util::Run {
    let mut args = vec!["audit", "--leases", "in/leases.csv", "--dns-records", "in/corp.dns", "--as-of", as_of];
    args.extend_from_slice(extra);
    ddns_audit(&args, dir)
}

/// Every file and directory under `dir`, with each file's content: what "as it was" compares.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))] // its tests are Linux's
fn snapshot(dir: &Path) -> Vec<(String, Option<Vec<u8>>)> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        let t = e.file_type().unwrap();
        if t.is_dir() {
            out.push((format!("{name}/"), None));
            out.extend(snapshot(&e.path()).into_iter().map(|(n, c)| (format!("{name}/{n}"), c)));
        } else {
            out.push((name, fs::read(e.path()).ok()));
        }
    }
    out.sort();
    out
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

/// One planted `ddns-audit-20991231T000000Z.csv` (or one run under a wrong clock) made every
/// `--keep` run delete the report it had just written.
#[test]
fn keep_never_removes_the_report_just_written() {
    let d = scratch();
    inputs(d.path());
    let reports = d.path().join("reports");
    fs::create_dir(&reports).unwrap();
    for name in ["ddns-audit-20991231T000000Z.csv", "ddns-audit-20261101T120000Z.csv", "ddns-audit-20261101T120000Z.html"] {
        fs::write(reports.join(name), "x").unwrap();
    }
    let r = audit(d.path(), AS_OF, &["--output", "reports/ddns-audit-20261120T120000Z.csv", "--html", "reports/ddns-audit-20261120T120000Z.html", "--keep", "2"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("\n  --keep: removed 1 older report(s) (2 file(s))\n"), "{}", r.stderr);
    assert_eq!(names(&reports), ["ddns-audit-20261120T120000Z.csv", "ddns-audit-20261120T120000Z.html", "ddns-audit-20991231T000000Z.csv"]);
    // The next scheduled run finds this one (--previous auto), keeps itself and the newest other.
    let r = audit(d.path(), "2026-11-20T13:00:00Z", &["--output", "reports/ddns-audit-20261120T130000Z.csv", "--keep", "2"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains(&format!("\n  previous report: {}: ", util::native("reports/ddns-audit-20261120T120000Z.csv"))), "{}", r.stderr);
    assert_eq!(names(&reports), ["ddns-audit-20261120T130000Z.csv", "ddns-audit-20991231T000000Z.csv"]);
    // --keep 1: this run's report (and its page) only.
    let r = audit(d.path(), "2026-11-20T14:00:00Z", &["--output", "reports/ddns-audit-20261120T140000Z.csv", "--html", "reports/ddns-audit-20261120T140000Z.html", "--keep", "1"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(names(&reports), ["ddns-audit-20261120T140000Z.csv", "ddns-audit-20261120T140000Z.html"]);
    // A report named otherwise, its page named as an old report: both stay.
    let r = audit(d.path(), "2026-11-20T15:00:00Z", &["--output", "reports/weekly.csv", "--html", "reports/ddns-audit-20200101T000000Z.html", "--keep", "1"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(names(&reports), ["ddns-audit-20200101T000000Z.html", "ddns-audit-20261120T140000Z.csv", "ddns-audit-20261120T140000Z.html", "weekly.csv"]);
}

/// Only `ddns-audit-YYYYMMDDTHHMMSSZ.<csv|jsonl|html>` with a real date and time is a report:
/// `--keep` removes nothing else and `--previous auto` reads nothing else.
#[cfg(unix)] // tabs and newlines in file names
#[test]
fn keep_and_previous_auto_count_only_names_of_the_exact_form() {
    let d = scratch();
    inputs(d.path());
    let reports = d.path().join("reports");
    fs::create_dir(&reports).unwrap();
    // A real report's text under names that are not a report's.
    let report = audit(d.path(), "2026-11-19T12:00:00Z", &["--output", "-"]);
    assert_eq!(report.code, 0, "{}", report.stderr);
    let planted = [
        "ddns-audit-2026 119T000000Z.csv",
        "ddns-audit- 20261119T00000Z.csv",
        "ddns-audit-20261119T\t20000Z.csv",
        "ddns-audit-20261119T12000\nZ.csv",
        "ddns-audit-20261120T115960Z.csv",
        "ddns-audit-20261120T116000Z.jsonl",
        "ddns-audit-20261131T120000Z.csv",
        "ddns-audit-20261119T120000Z.csv.bak",
        "ddns-audit-20261119T120000Z.CSV",
    ];
    for name in planted {
        fs::write(reports.join(name), &report.stdout).unwrap();
    }
    let r = audit(d.path(), AS_OF, &["--output", "reports/ddns-audit-20261120T120000Z.csv", "--keep", "1"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("\n  previous report: none\n"), "{}", r.stderr);
    assert!(!r.stderr.contains("--keep: removed"), "{}", r.stderr);
    let mut expected: Vec<String> = planted.iter().map(|s| s.to_string()).chain(["ddns-audit-20261120T120000Z.csv".to_string()]).collect();
    expected.sort();
    assert_eq!(names(&reports), expected);
}

/// A failure before the outputs are put in place (the page cannot be written, a directory at
/// a path) leaves the folders exactly as they were: the old report, the older reports `--keep`
/// would remove, a killed run's temporary file, no new directory. Exit 2.
#[cfg(target_os = "linux")] // /dev/full, and the OS's wording
#[test]
fn a_failure_before_the_commit_leaves_the_folder_as_it_was() {
    let d = scratch();
    inputs(d.path());
    let reports = d.path().join("reports");
    fs::create_dir(&reports).unwrap();
    for name in ["ddns-audit-20261101T120000Z.csv", "ddns-audit-20261108T120000Z.csv", "ddns-audit-20261120T120000Z.csv"] {
        fs::write(reports.join(name), format!("old {name}")).unwrap();
    }
    let f = fs::File::create(reports.join(".ddns-audit-killed.tmp")).unwrap();
    f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(25 * 3600)).unwrap();
    fs::create_dir(reports.join("page.html")).unwrap();
    fs::write(d.path().join("file"), "a file, not a folder").unwrap();
    let before = snapshot(d.path());
    let out = "reports/ddns-audit-20261120T120000Z.csv";
    for (extra, message) in [
        (&["--output", out, "--html", "/dev/full"][..], "cannot write the HTML report /dev/full: No space left on device (os error 28)"),
        (&["--output", out, "--html", "reports/page.html"][..], "cannot write the HTML report reports/page.html: a directory is there"),
        (&["--output", out, "--html", "file/page.html"][..], "cannot create the HTML report's directory file: Not a directory (os error 20)"),
        (&["--output", "new/sub/r.csv", "--html", "/dev/full"][..], "cannot write the HTML report /dev/full: No space left on device (os error 28)"),
        (&["--output", "new/sub/r.csv", "--html", "new/page.html/x/../"][..], "cannot write the HTML report new/page.html/x/../: a directory is there"),
        (&["--output", "reports/page.html", "--html", "new/r.html"][..], "cannot write the report reports/page.html: a directory is there"),
        (&["--output", "file/r.csv"][..], "cannot create the report directory file: Not a directory (os error 20)"),
    ] {
        let r = audit(d.path(), AS_OF, &[extra, &["--keep", "1"]].concat());
        assert_eq!((r.code, r.stderr.as_str()), (2, format!("ddns-audit: error: {message}\n").as_str()), "{extra:?}");
        assert_eq!(snapshot(d.path()), before, "{extra:?}");
    }
    // The forecast the same.
    let r = ddns_audit(
        &["forecast", "--leases", "in/leases.csv", "--dns-records", "in/corp.dns", "--as-of", AS_OF, "--output", "reports/ddns-audit-forecast-20261120T120000Z.csv", "--html", "/dev/full", "--keep", "1"],
        d.path(),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(snapshot(d.path()), before);
    // And once it succeeds: the report replaced, --keep and the stale file done after.
    let r = audit(d.path(), AS_OF, &["--output", out, "--html", "reports/r.html", "--keep", "1"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(names(&reports), ["ddns-audit-20261120T120000Z.csv", "page.html", "r.html"]);
    assert!(fs::read_to_string(reports.join("ddns-audit-20261120T120000Z.csv")).unwrap().starts_with("status,"));
}

/// `--html` and `--output` naming one file under two spellings: refused before anything is
/// read (the page would have replaced the CSV).
#[test]
fn html_and_output_naming_one_file_are_refused() {
    let d = scratch();
    inputs(d.path());
    fs::create_dir(d.path().join("g")).unwrap();
    fs::write(d.path().join("g/r.csv"), "keep me").unwrap();
    let abs = d.path().join("g/r.csv").display().to_string();
    #[cfg_attr(not(unix), allow(unused_mut))] // a symbolic link is added on Unix
    let mut pairs = vec![
        ("g/r.csv", "./g/r.csv".to_string()),
        ("g/r.csv", abs.clone()),
        ("g/r.csv", "g/../g/r.csv".to_string()),
        ("./g/r.csv", "g/./r.csv".to_string()),
        ("new/r.csv", "new/../new/r.csv".to_string()),
    ];
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("g", d.path().join("link")).unwrap();
        pairs.push(("g/r.csv", "link/r.csv".to_string()));
    }
    for (output, html) in &pairs {
        let r = audit(d.path(), AS_OF, &["--output", output, "--html", html]);
        let (html, output) = (util::native(html), util::native(output));
        let expected = format!("ddns-audit: error: --html: '{html}' is the --output file ('{output}'); give the HTML report a path of its own\n");
        assert_eq!((r.code, r.stderr.as_str()), (2, expected.as_str()), "{output} {html}");
    }
    // In the config file, relative to it.
    fs::write(d.path().join("g/c.toml"), "output = \"r.csv\"\nhtml = \"../g/r.csv\"\n").unwrap();
    let r = audit(d.path(), AS_OF, &["--config", "g/c.toml"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is the --output file"), "{}", r.stderr);
    assert_eq!(fs::read_to_string(d.path().join("g/r.csv")).unwrap(), "keep me");
    assert!(!d.path().join("new").exists());
    // Two files of their own are fine.
    let r = audit(d.path(), AS_OF, &["--output", "g/r.csv", "--html", "./g/r.html"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// `--previous PATH`: what is not a regular file is refused at once (a FIFO would block the
/// run, `/dev/zero` never ends), a line over 1 MiB is an error naming the file and line, and a
/// `first_seen` after the run's as-of is refused (named: exit 2; found by auto: a note).
#[cfg(unix)]
#[test]
fn previous_refuses_what_is_not_a_bounded_report_file() {
    let d = scratch();
    inputs(d.path());
    fs::create_dir(d.path().join("reports")).unwrap();
    let fifo = d.path().join("fifo");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    for (path, what) in [("reports", "a directory"), ("fifo", "a FIFO"), ("/dev/zero", "a device")] {
        let r = audit(d.path(), AS_OF, &["--output", "-", "--previous", path]);
        assert_eq!((r.code, r.stderr.as_str()), (2, format!("ddns-audit: error: --previous {path}: {what}, not a regular file: give a report file of this tool\n").as_str()));
    }
    // A report from a later run (as of 13:00) given to a run as of 12:00.
    let later = audit(d.path(), "2026-11-20T13:00:00Z", &["--output", "reports/later.csv"]);
    assert_eq!(later.code, 0, "{}", later.stderr);
    let text = fs::read_to_string(d.path().join("reports/later.csv")).unwrap();
    assert!(text.contains(",2026-11-20T13:00:00Z,"), "{text}");
    let why = "line 2: first_seen 2026-11-20T13:00:00Z is later than this run's as-of 2026-11-20T12:00:00Z: a report of a later run or of a wrong clock; name an earlier report or --previous none";
    let r = audit(d.path(), AS_OF, &["--output", "-", "--previous", "reports/later.csv"]);
    assert_eq!((r.code, r.stderr.as_str()), (2, format!("ddns-audit: error: --previous reports/later.csv: {why}\n").as_str()));
    fs::rename(d.path().join("reports/later.csv"), d.path().join("reports/ddns-audit-20261120T110000Z.csv")).unwrap();
    let r = audit(d.path(), AS_OF, &["--output", "reports/ddns-audit-20261120T120000Z.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains(&format!("\n  previous report: none (ignored reports/ddns-audit-20261120T110000Z.csv: {why})\n")), "{}", r.stderr);
    // 2 MiB of NULs after the header: named by its line, read no further.
    let mut big = text.lines().next().unwrap().as_bytes().to_vec();
    big.extend_from_slice(b"\r\n");
    big.extend(std::iter::repeat_n(0u8, 2 << 20));
    fs::write(d.path().join("big.csv"), big).unwrap();
    let r = audit(d.path(), AS_OF, &["--output", "-", "--previous", "big.csv"]);
    assert_eq!((r.code, r.stderr.as_str()), (2, "ddns-audit: error: --previous big.csv: line 2: a line longer than 1 MiB: not a report of this tool\n"));
}

/// Windows: a report another program holds open (Excel opens a CSV without FILE_SHARE_DELETE)
/// cannot be replaced nor removed. The run that would replace it fails and says why and what
/// to do, the old file intact; `--keep` names each file it could not remove, and counts only
/// what it removed.
#[cfg(windows)]
#[test]
fn a_report_held_open_in_another_program_is_named() {
    use std::os::windows::fs::OpenOptionsExt;
    const FILE_SHARE_READ: u32 = 1;
    let d = scratch();
    inputs(d.path());
    fs::create_dir(d.path().join("reports")).unwrap();
    fs::write(d.path().join("reports/r.csv"), "old").unwrap();
    let excel = fs::OpenOptions::new().read(true).share_mode(FILE_SHARE_READ).open(d.path().join("reports/r.csv")).unwrap();
    let r = audit(d.path(), AS_OF, &["--output", "reports/r.csv"]);
    let denied = std::io::Error::from_raw_os_error(5);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (2, format!("ddns-audit: error: cannot put reports\\r.csv in place: {denied}; the folder is as it was before the run; another program may have it open (a report open in Excel): close it there and run again, or leave out --output so that the run writes a new timestamped report\n").as_str())
    );
    drop(excel);
    assert_eq!(fs::read_to_string(d.path().join("reports/r.csv")).unwrap(), "old");

    for old in ["ddns-audit-20261101T000000Z.csv", "ddns-audit-20261102T000000Z.csv"] {
        fs::write(d.path().join("reports").join(old), "x").unwrap();
    }
    let held = d.path().join("reports/ddns-audit-20261101T000000Z.csv");
    // Removing a file open without FILE_SHARE_DELETE: ERROR_SHARING_VIOLATION.
    let sharing = std::io::Error::from_raw_os_error(32);
    let excel = fs::OpenOptions::new().read(true).share_mode(FILE_SHARE_READ).open(&held).unwrap();
    let r = audit(d.path(), AS_OF, &["--output", "reports/ddns-audit-20261120T120000Z.csv", "--keep", "1"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.ends_with(&format!(
            "  --keep: removed 1 older report(s) (1 file(s))\n  --keep: cannot remove reports\\ddns-audit-20261101T000000Z.csv: {sharing}; it stays (another program may have it open: close it there; the next run removes it)\n"
        )),
        "{}",
        r.stderr
    );
    drop(excel);
    assert!(held.exists());
    assert!(!d.path().join("reports/ddns-audit-20261102T000000Z.csv").exists());
}
