//! The binary run on small inputs: exit codes, error messages, CSV safety, atomic writes.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns unwrap too

mod util;

use std::fs;

use util::{ZONE, csv_rows, ddns_audit, scratch, write};

const HEADER: &str = "status,ip,hostname,fqdn,mac,lease_state,lease_expires,scope,a_status,a_records,ptr_status,ptr_records,record_kind,record_timestamp,scavenge_after,scavenging_risk,ad_computer,ad_enabled,ad_last_logon,dhcp_dns_registration,remediation,source,record_owner,owner_kind,zone_dynamic_updates,dhcp_dns_setting,first_seen,change";


const LEASES: &str = "\"IPAddress\",\"ScopeId\",\"AddressState\",\"ClientId\",\"HostName\",\"LeaseExpiryTime\",\"DnsRegistration\"\r\n\
\"10.0.16.21\",\"10.0.16.0\",\"Active\",\"00-15-5d-01-02-03\",\"pc1.corp.example.test\",\"2026-11-30T00:00:00Z\",\"Complete\"\r\n\
\"10.0.16.22\",\"10.0.16.0\",\"Active\",\"00-15-5d-01-02-04\",\"-2+3\",\"2026-11-30T00:00:00Z\",\"Complete\"\r\n";

#[test]
fn writes_the_header_and_escapes_formulas() {
    let d = scratch();
    let leases = write(d.path(), "leases.csv", LEASES);
    let zone = write(d.path(), "corp.dns", ZONE);
    let r = ddns_audit(&["audit", "--leases", &leases, "--dns-records", &zone, "--domain", "corp.example.test", "--as-of", "2026-11-20T12:00:00Z", "--output", "-"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let first = r.stdout.split("\r\n").next().unwrap();
    assert_eq!(first, HEADER);
    let rows = csv_rows(&r.stdout);
    // pc1's PTR is unknown (no reverse zone in the data); "-2+3" has no A record in a zone we hold.
    assert_eq!(rows.len(), 3, "{}", r.stdout);
    assert_eq!(rows[1][0..4], ["unknown", "10.0.16.21", "pc1.corp.example.test", "pc1.corp.example.test"]);
    assert_eq!(rows[2][0..4], ["missing", "10.0.16.22", "'-2+3", "'-2+3.corp.example.test"]);
    assert!(rows[2][20].starts_with("'-2+3.corp.example.test has no A record for 10.0.16.22: the name is not a valid DNS name"));
    assert!(r.stderr.contains("status: missing 1, stale 0, at-risk 0, unknown 1, ok 0"), "{}", r.stderr);
}

#[test]
fn fail_on_sets_exit_code_one() {
    let d = scratch();
    let leases = write(d.path(), "leases.csv", LEASES);
    let zone = write(d.path(), "corp.dns", "$ORIGIN corp.example.test.\r\n@ SOA dc1 hostmaster 1 2 3 4 5\r\n");
    let rev = write(d.path(), "rev.dns", "$ORIGIN 16.0.10.in-addr.arpa.\r\n@ SOA dc1.corp.example.test. hostmaster 1 2 3 4 5\r\n");
    let base = ["audit", "--leases", &leases, "--dns-records", &zone, "--dns-records", &rev, "--as-of", "2026-11-20T12:00:00Z", "--output", "-"];
    assert_eq!(ddns_audit(&base, d.path()).code, 0);
    let with = |level: &str| {
        let mut a = base.to_vec();
        a.extend(["--fail-on", level]);
        ddns_audit(&a, d.path()).code
    };
    assert_eq!(with("missing"), 1);
    assert_eq!(with("never"), 0);
    assert_eq!(with("bogus"), 2);
}

#[test]
fn unreadable_or_unrecognised_input_exits_two_naming_the_file() {
    let d = scratch();
    let r = ddns_audit(&["audit", "--no-dns", "--leases", "nope.csv"], d.path());
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot read nope.csv"), "{}", r.stderr);
    let junk = write(d.path(), "junk.txt", "hello world\n");
    let r = ddns_audit(&["audit", "--no-dns", "--leases", &junk], d.path());
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("junk.txt: not a lease export"), "{}", r.stderr);
    let r = ddns_audit(&["audit"], d.path());
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no lease source"), "{}", r.stderr);
}

#[test]
fn bad_records_are_reported_with_file_and_line_and_the_run_goes_on() {
    let d = scratch();
    let text = format!("{LEASES}\"10.0.16.300\",\"10.0.16.0\",\"Active\",\"00-15-5d-01-02-05\",\"pc3\",\"2026-11-30T00:00:00Z\",\"Complete\"\r\n");
    let leases = write(d.path(), "leases.csv", &text);
    let r = ddns_audit(&["audit", "--no-dns", "--leases", &leases, "--as-of", "2026-11-20T12:00:00Z", "--output", "-"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("skipped input records: 1 (bad address 1)"), "{}", r.stderr);
    assert!(r.stderr.contains("leases.csv:4: bad address"), "{}", r.stderr);
}

#[test]
fn report_file_is_written_atomically_into_its_directory() {
    let d = scratch();
    let leases = write(d.path(), "leases.csv", LEASES);
    let r = ddns_audit(&["audit", "--no-dns", "--leases", &leases, "--as-of", "2026-11-20T12:00:00Z", "--all"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let files: Vec<String> = fs::read_dir(d.path().join("reports")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].starts_with("ddns-audit-") && files[0].ends_with("Z.csv"), "{files:?}");
    let text = fs::read_to_string(d.path().join("reports").join(&files[0])).unwrap();
    assert_eq!(csv_rows(&text).len(), 3);
}

/// `--output /dev/null` (or a FIFO a consumer reads) is written in place: the atomic rename
/// would otherwise replace the special file with a regular one. Tested with a FIFO, so that a
/// regression cannot damage the machine's /dev/null.
#[cfg(unix)]
#[test]
fn output_to_a_fifo_is_written_in_place() {
    use std::os::unix::fs::FileTypeExt;
    let d = scratch();
    let leases = write(d.path(), "leases.csv", LEASES);
    let fifo = d.path().join("report.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
    };
    let r = ddns_audit(&["audit", "--no-dns", "--leases", &leases, "--as-of", "2026-11-20T12:00:00Z", "--all", "--output", fifo.to_str().unwrap()], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Checked before joining: had the FIFO been replaced, the reader would wait forever.
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO was replaced");
    let text = reader.join().unwrap();
    assert_eq!(csv_rows(&text).len(), 3);
}

/// The `lease_expires` cell of the report row for one address.
fn expiry_of(report: &str, ip: &str) -> Option<String> {
    csv_rows(report).into_iter().find(|r| r.get(1).map(String::as_str) == Some(ip)).map(|r| r[6].clone())
}

#[test]
fn culture_dates_in_windows_exports_give_the_same_report_times() {
    let d = scratch();
    for culture in ["en-US", "en-GB", "fr-FR", "de-DE", "ja-JP", "nl-NL", "sv-SE"] {
        let leases = util::root().join(format!("tests/fixtures/leases/windows-v4-{culture}.csv")).display().to_string();
        let r = ddns_audit(
            &["audit", "--no-dns", "--leases", &leases, "--input-time-zone", "Europe/Berlin", "--as-of", "2026-11-20T00:00:00Z", "--all", "--output", "-"],
            d.path(),
        );
        assert_eq!(r.code, 0, "{culture}: {}", r.stderr);
        assert_eq!(expiry_of(&r.stdout, "10.0.16.21").as_deref(), Some("2026-11-28T08:12:40Z"), "{culture}");
        assert_eq!(expiry_of(&r.stdout, "10.0.16.22").as_deref(), Some("2026-12-01T17:00:00Z"), "{culture}");
        assert_eq!(expiry_of(&r.stdout, "10.0.16.5").as_deref(), Some(""), "{culture}");
        assert!(!r.stderr.contains("bad time"), "{culture}: {}", r.stderr);
    }
}

const CULTURE_HEAD: &str = "#TYPE Microsoft.Management.Infrastructure.CimInstance#root/Microsoft/Windows/DHCP/DhcpServerv4Lease\r\n\
\"IPAddress\",\"ScopeId\",\"AddressState\",\"HostName\",\"LeaseExpiryTime\"\r\n";

#[test]
fn a_uk_export_is_read_day_first_and_an_ambiguous_one_stops() {
    let d = scratch();
    // 10 January 2026 (day-first, proven by 28/11), not 1 October.
    let uk = format!(
        "{CULTURE_HEAD}\"10.0.16.21\",\"10.0.16.0\",\"Active\",\"pc1\",\"10/01/2026 18:00:00\"\r\n\
         \"10.0.16.22\",\"10.0.16.0\",\"Active\",\"pc2\",\"28/11/2026 09:12:40\"\r\n"
    );
    let uk = write(d.path(), "uk.csv", &uk);
    let base = ["audit", "--no-dns", "--leases", &uk, "--input-time-zone", "UTC", "--as-of", "2026-01-05T00:00:00Z", "--all", "--output", "-"];
    let r = ddns_audit(&base, d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(expiry_of(&r.stdout, "10.0.16.21").as_deref(), Some("2026-01-10T18:00:00Z"));
    assert_eq!(expiry_of(&r.stdout, "10.0.16.22").as_deref(), Some("2026-11-28T09:12:40Z"));
    // On 20 November the UK lease has long expired: not audited.
    let mut later = base.to_vec();
    later[6] = "2026-11-20T00:00:00Z";
    let r = ddns_audit(&later, d.path());
    assert_eq!(expiry_of(&r.stdout, "10.0.16.21"), None);

    // Every date reads both ways: exit 2 naming the file; --date-order (or the config) decides.
    let amb = format!("{CULTURE_HEAD}\"10.0.16.21\",\"10.0.16.0\",\"Active\",\"pc1\",\"10/01/2026 18:00:00\"\r\n");
    let amb = write(d.path(), "amb.csv", &amb);
    let args = ["audit", "--no-dns", "--leases", &amb, "--input-time-zone", "UTC", "--as-of", "2026-01-05T00:00:00Z", "--all", "--output", "-"];
    let r = ddns_audit(&args, d.path());
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        format!(
            "ddns-audit: error: {amb}: cannot tell whether the dates in LeaseExpiryTime are day-first or month-first: every one reads both ways \
             (line 3: \"10/01/2026 18:00:00\"); pass --date-order dmy|mdy|ymd to say how the exporting server writes dates, \
             or export with the queries/windows scripts, which write ISO 8601 dates\n"
        )
    );
    let mut dmy = args.to_vec();
    dmy.extend(["--date-order", "dmy"]);
    let r = ddns_audit(&dmy, d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(expiry_of(&r.stdout, "10.0.16.21").as_deref(), Some("2026-01-10T18:00:00Z"));
    let config = write(d.path(), "c.toml", "date-order = \"mdy\"\ninput_time_zone = \"America/New_York\"\n");
    let r = ddns_audit(&["audit", "--no-dns", "--config", &config, "--leases", &amb, "--as-of", "2025-12-05T00:00:00Z", "--all", "--output", "-"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(expiry_of(&r.stdout, "10.0.16.21").as_deref(), Some("2026-10-01T22:00:00Z"));

    // Day-first and month-first in one file: exit 2 naming both lines.
    let mixed = format!(
        "{CULTURE_HEAD}\"10.0.16.21\",\"10.0.16.0\",\"Active\",\"pc1\",\"28/11/2026 09:12:40\"\r\n\
         \"10.0.16.22\",\"10.0.16.0\",\"Active\",\"pc2\",\"11/29/2026 09:12:40\"\r\n"
    );
    let mixed = write(d.path(), "mixed.csv", &mixed);
    let r = ddns_audit(&["audit", "--no-dns", "--leases", &mixed, "--output", "-"], d.path());
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(&format!(
            "{mixed}: the dates in LeaseExpiryTime disagree on the day/month order: line 3 (\"28/11/2026 09:12:40\") is day-first, \
             line 4 (\"11/29/2026 09:12:40\") is month-first"
        )),
        "{}",
        r.stderr
    );
}

#[test]
fn a_german_export_is_read_and_time_zones_are_checked() {
    let d = scratch();
    let de = util::root().join("tests/fixtures/leases/windows-v4-de-DE.csv").display().to_string();
    let run = |zone: &str| ddns_audit(&["audit", "--no-dns", "--leases", &de, "--input-time-zone", zone, "--as-of", "2026-11-20T00:00:00Z", "--all", "--output", "-"], d.path());
    let r = run("America/New_York");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(expiry_of(&r.stdout, "10.0.16.21").as_deref(), Some("2026-11-28T14:12:40Z"));
    assert_eq!(expiry_of(&r.stdout, "10.0.16.22").as_deref(), Some("2026-12-01T23:00:00Z"));
    let r = run("Mars/Olympus");
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "ddns-audit: error: --input-time-zone: 'Mars/Olympus' is not an IANA time zone name (such as Europe/Berlin, America/New_York or UTC)\n"
    );
    let r = ddns_audit(&["audit", "--no-dns", "--leases", &de, "--date-order", "ydm"], d.path());
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr, "ddns-audit: error: --date-order: 'ydm' is not one of dmy, mdy, ymd\n");
}

/// An `Export-DhcpServer -Leases` XML whose leases expire at these times (10.0.16.21..; the
/// i-th `<LeaseExpiryTime>` at line 7 + i).
fn dhcp_xml(times: &[&str]) -> String {
    let mut s = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<DHCPServer>\r\n<IPv4>\r\n<Scopes>\r\n<Scope>\r\n<ScopeId>10.0.16.0</ScopeId>\r\n<Leases>\r\n".to_string();
    for (i, t) in times.iter().enumerate() {
        s.push_str(&format!(
            "<Lease><IPAddress>10.0.16.{}</IPAddress><AddressState>Active</AddressState><HostName>pc{i}</HostName><LeaseExpiryTime>{t}</LeaseExpiryTime></Lease>\r\n",
            21 + i
        ));
    }
    s.push_str("</Leases>\r\n</Scope>\r\n</Scopes>\r\n</IPv4>\r\n</DHCPServer>\r\n");
    s
}

#[test]
fn xml_exports_follow_the_files_date_order() {
    let d = scratch();
    let run = |file: &str, extra: &[&str]| {
        let mut args = vec!["audit", "--no-dns", "--leases", file, "--as-of", "2026-01-05T00:00:00Z", "--all", "--output", "-"];
        args.extend_from_slice(if extra.is_empty() { &["--input-time-zone", "UTC"] } else { extra });
        ddns_audit(&args, d.path())
    };
    // en-GB: 10 January (day-first, proven by 28/11), not 1 October.
    let uk = write(d.path(), "uk.xml", &dhcp_xml(&["10/01/2026 18:00:00", "28/11/2026 09:12:40"]));
    let r = run(&uk, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(expiry_of(&r.stdout, "10.0.16.21").as_deref(), Some("2026-01-10T18:00:00Z"));
    assert_eq!(expiry_of(&r.stdout, "10.0.16.22").as_deref(), Some("2026-11-28T09:12:40Z"));
    // de-DE, wall-clock time in --input-time-zone.
    let de = write(d.path(), "de.xml", &dhcp_xml(&["10.01.2026 18:00:00", "01.12.2026 06:00:00"]));
    let r = run(&de, &["--input-time-zone", "Europe/Berlin"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(expiry_of(&r.stdout, "10.0.16.21").as_deref(), Some("2026-01-10T17:00:00Z"));
    assert_eq!(expiry_of(&r.stdout, "10.0.16.22").as_deref(), Some("2026-12-01T05:00:00Z"));
    // Every date reads both ways: exit 2 naming the file and the line; --date-order decides.
    let amb = write(d.path(), "amb.xml", &dhcp_xml(&["10/01/2026 18:00:00", "03/04/2026 07:00:00"]));
    let r = run(&amb, &[]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        format!(
            "ddns-audit: error: {amb}: cannot tell whether the dates in LeaseExpiryTime are day-first or month-first: every one reads both ways \
             (line 8: \"10/01/2026 18:00:00\"); pass --date-order dmy|mdy|ymd to say how the exporting server writes dates, \
             or export with the queries/windows scripts, which write ISO 8601 dates\n"
        )
    );
    let r = run(&amb, &["--date-order", "mdy", "--input-time-zone", "UTC"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(expiry_of(&r.stdout, "10.0.16.21").as_deref(), Some("2026-10-01T18:00:00Z"));
    assert_eq!(expiry_of(&r.stdout, "10.0.16.22").as_deref(), Some("2026-03-04T07:00:00Z"));
}

/// A symbolic link at the report's path (e.g. `reports/ddns-audit-<time>.csv -> /dev/sdX`,
/// planted by anyone who can write the folder) is replaced by the report, never written
/// through: not to a FIFO (standing in for a device), not to a regular file.
#[cfg(unix)]
#[test]
fn a_symlink_at_the_output_path_is_replaced_not_written_through() {
    use std::os::unix::fs::{FileTypeExt, symlink};
    let d = scratch();
    let leases = write(d.path(), "leases.csv", LEASES);
    let fifo = d.path().join("device.fifo");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo").success());
    // Held open read-write (Linux never blocks on that), so that a writer that follows the
    // link cannot hang the test: it fills the pipe and the assertions below fail instead.
    let _hold = fs::OpenOptions::new().read(true).write(true).open(&fifo).unwrap();
    let link = d.path().join("to-fifo.csv");
    symlink(&fifo, &link).unwrap();
    let victim = write(d.path(), "victim.txt", "keep me\n");
    let link2 = d.path().join("to-file.csv");
    symlink(&victim, &link2).unwrap();
    for l in [&link, &link2] {
        let r = ddns_audit(&["audit", "--no-dns", "--leases", &leases, "--as-of", "2026-11-20T12:00:00Z", "--all", "--output", l.to_str().unwrap()], d.path());
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(fs::symlink_metadata(l).unwrap().file_type().is_file(), "{} is still a link", l.display());
        assert_eq!(csv_rows(&fs::read_to_string(l).unwrap()).len(), 3);
    }
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(fs::read_to_string(&victim).unwrap(), "keep me\n");
}

/// The mode a plain file gets here: 0666 under the current umask.
#[cfg(unix)]
fn plain_file_mode(dir: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    let p = dir.join("umask-probe");
    fs::File::create(&p).unwrap();
    let mode = fs::metadata(&p).unwrap().permissions().mode() & 0o777;
    fs::remove_file(&p).unwrap();
    mode
}

/// A new report has the mode any program gives a new file (0666 under the umask), not
/// tempfile's 0600; a report replacing an existing file keeps that file's mode.
#[cfg(unix)]
#[test]
fn report_mode_is_the_usual_one_and_an_existing_files_mode_is_kept() {
    use std::os::unix::fs::PermissionsExt;
    let d = scratch();
    let leases = write(d.path(), "leases.csv", LEASES);
    let expected = plain_file_mode(d.path());
    let r = ddns_audit(&["audit", "--no-dns", "--leases", &leases, "--as-of", "2026-11-20T12:00:00Z", "--output", "new.csv"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(fs::metadata(d.path().join("new.csv")).unwrap().permissions().mode() & 0o777, expected);
    for mode in [0o644, 0o640, 0o600] {
        let existing = d.path().join("existing.csv");
        fs::write(&existing, "old").unwrap();
        fs::set_permissions(&existing, fs::Permissions::from_mode(mode)).unwrap();
        let r = ddns_audit(&["audit", "--no-dns", "--leases", &leases, "--as-of", "2026-11-20T12:00:00Z", "--output", "existing.csv"], d.path());
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(fs::metadata(&existing).unwrap().permissions().mode() & 0o777, mode, "mode {mode:o}");
        assert!(fs::read_to_string(&existing).unwrap().starts_with(HEADER));
    }
}

/// A killed run leaves `.ddns-audit-*.tmp`; the next run into that folder removes those not
/// modified for 24 hours, and leaves a recent one (a run writing now) and every other file.
#[test]
fn stale_temporary_files_of_killed_runs_are_removed() {
    let d = scratch();
    let leases = write(d.path(), "leases.csv", LEASES);
    let reports = d.path().join("reports");
    fs::create_dir(&reports).unwrap();
    let day_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(25 * 3600);
    for name in [".ddns-audit-AbC123.tmp", ".ddns-audit-old.csv", "notes.tmp"] {
        let f = fs::File::create(reports.join(name)).unwrap();
        f.set_modified(day_ago).unwrap();
    }
    fs::write(reports.join(".ddns-audit-live99.tmp"), "a run writing now").unwrap();
    let r = ddns_audit(&["audit", "--no-dns", "--leases", &leases, "--as-of", "2026-11-20T12:00:00Z", "--output", "reports/r.csv"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.ends_with(&format!("  report: {} (2 rows)\n  removed 1 temporary report file(s) left by interrupted runs (.ddns-audit-*.tmp unchanged for 24 h)\n", util::native("reports/r.csv"))), "{}", r.stderr);
    let mut files: Vec<String> = fs::read_dir(&reports).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    files.sort();
    assert_eq!(files, [".ddns-audit-live99.tmp", ".ddns-audit-old.csv", "notes.tmp", "r.csv"]);
    // Nothing removed, nothing said.
    let r = ddns_audit(&["audit", "--no-dns", "--leases", &leases, "--as-of", "2026-11-20T12:00:00Z", "--output", "reports/r.csv"], d.path());
    assert!(r.stderr.ends_with(&util::native("  report: reports/r.csv (2 rows)\n")), "{}", r.stderr);
}

/// OS errors are printed once (`Is a directory (os error 21)`, not twice), and a failed
/// write leaves no temporary file behind.
#[cfg(target_os = "linux")]
#[test]
fn os_errors_are_printed_once_and_a_failed_write_leaves_no_temp_file() {
    let d = scratch();
    let leases = write(d.path(), "leases.csv", LEASES);
    fs::create_dir(d.path().join("out")).unwrap();
    let r = ddns_audit(&["audit", "--no-dns", "--leases", "out"], d.path());
    // A folder given as an input is read file by file (docs/inputs.md "Folders and wildcards"):
    // an empty one is said so, not an OS error.
    assert_eq!((r.code, r.stderr.as_str()), (2, "ddns-audit: error: --leases: out: the folder holds no input file\n"));
    let r = ddns_audit(&["audit", "--no-dns", "--leases", &leases, "--as-of", "2026-11-20T12:00:00Z", "--output", "out"], d.path());
    assert_eq!((r.code, r.stderr.as_str()), (2, "ddns-audit: error: cannot write the report out: a directory is there\n"));
    let r = ddns_audit(&["audit", "--config", "out"], d.path());
    assert_eq!((r.code, r.stderr.as_str()), (2, "ddns-audit: error: cannot read the config file out: Is a directory (os error 21)\n"));
    let r = ddns_audit(&["audit", "--no-dns", "--kea-url", "http://127.0.0.1:9/", "--kea-password-file", "out"], d.path());
    assert_eq!((r.code, r.stderr.as_str()), (2, "ddns-audit: error: --kea-password-file out: Is a directory (os error 21)\n"));
    let left: Vec<_> = fs::read_dir(d.path()).unwrap().map(|e| e.unwrap().file_name()).filter(|n| n.to_string_lossy().ends_with(".tmp")).collect();
    assert!(left.is_empty(), "{left:?}");
}

/// `--config` given the password file by mistake, or a URL with credentials typed without a
/// scheme: the error says where and what, and never prints the secret.
#[test]
fn secrets_are_not_echoed_in_errors() {
    let d = scratch();
    for (text, expected) in [
        ("hunter2\n", "line 1, column 8: not valid TOML (key with no value, expected `=`)"),
        ("Pa55=w0rd\n", "line 1, column 6: not valid TOML (string values must be quoted, expected literal string)"),
        ("hunter2=\"x\"\n", "line 1, column 1: not an option (the keys are the long option names, `ddns-audit audit --help`)"),
        ("qps = \"hunter2\"\n", "line 1, column 1: the value of qps has the wrong type, expected u32"),
    ] {
        let pw = write(d.path(), "ldap.pass", text);
        let r = ddns_audit(&["audit", "--config", &pw], d.path());
        assert_eq!((r.code, r.stderr.clone()), (2, format!("ddns-audit: error: config file {pw}: {expected}\n")), "{text}");
    }
    let r = ddns_audit(&["audit", "--leases", "x.csv", "--ldap-url", "administrator:hunter2@dc1.corp.example.test"], d.path());
    assert_eq!((r.code, r.stderr.as_str()), (2, "ddns-audit: error: --ldap-url 'dc1.corp.example.test': expected ldaps://host or ldap://host\n"));
    let r = ddns_audit(&["audit", "--leases", "x.csv", "--ldap-url", "ldaps://administrator:hun/ter2@dc1"], d.path());
    assert_eq!(r.code, 2);
    assert!(r.stderr.starts_with("ddns-audit: error: --ldap-url 'ldaps://dc1': ") && !r.stderr.contains("ter2"), "{}", r.stderr);
    let r = ddns_audit(&["audit", "--no-dns", "--kea-url", "kea:hunter2@127.0.0.1:8000"], d.path());
    assert_eq!((r.code, r.stderr.as_str()), (2, "ddns-audit: error: --kea-url 127.0.0.1:8000: expected http://host:port/ or https://host:port/\n"));
    let r = ddns_audit(&["audit", "--no-dns", "--kea-url", "http://kea:hun/ter2@127.0.0.1:8000/"], d.path());
    assert_eq!(r.code, 2);
    assert!(!r.stderr.contains("ter2"), "{}", r.stderr);
}

/// A password file given as an input by mistake: whatever reader is forced on it, nothing it
/// prints quotes the secret (issue #8, secrets echoed after an operator mistake).
#[test]
fn a_secret_file_given_as_input_is_never_echoed() {
    let d = scratch();
    for secret in ["hunter2", "hunter2 s3cret", "hunter2;", "hunter2 {"] {
        let pw = write(d.path(), "pw.txt", &format!("{secret}\n"));
        let mut runs: Vec<Vec<&str>> = ["windows-csv", "windows-xml", "dhcpd", "kea-csv", "dnsmasq"]
            .iter()
            .map(|f| vec!["audit", "--no-dns", "--leases", pw.as_str(), "--leases-format", *f, "--output", "-"])
            .collect();
        runs.push(vec!["audit", "--no-dns", "--leases", pw.as_str(), "--output", "-"]);
        runs.push(vec!["audit", "--no-dns", "--leases", pw.as_str(), "--leases-format", "dnsmasq", "--computers", pw.as_str(), "--output", "-"]);
        runs.push(vec!["audit", "--leases", pw.as_str(), "--leases-format", "dnsmasq", "--dns-records", pw.as_str(), "--output", "-"]);
        runs.push(vec!["audit", "--config", pw.as_str()]);
        for args in runs {
            let r = ddns_audit(&args, d.path());
            assert!(!r.stderr.contains("hunter2") && !r.stdout.contains("hunter2"), "{args:?} {secret:?}:\n{}{}", r.stdout, r.stderr);
        }
    }
}

/// The cause inputs from the command line: a zones CSV's empty value leaves the column empty,
/// and a bad value stops the run naming the file and line (issue #19); the records CSV's Owner
/// column, --dhcp-account and --dhcp-settings.
#[test]
fn cause_inputs_fill_the_four_columns() {
    let d = scratch();
    let leases = write(d.path(), "leases.csv", "\"IPAddress\",\"ScopeId\",\"AddressState\",\"ClientId\",\"HostName\",\"LeaseExpiryTime\",\"DnsRegistration\",\"ServerIP\"\r\n\
        \"10.0.16.21\",\"10.0.16.0\",\"Active\",\"00-15-5d-01-02-03\",\"pc1\",\"2026-11-30T00:00:00Z\",\"Complete\",\"10.0.0.11\"\r\n\
        \"10.0.17.21\",\"10.0.17.0\",\"Active\",\"00-15-5d-01-02-04\",\"pc2.other.test\",\"2026-11-30T00:00:00Z\",\"Complete\",\"10.0.0.12\"\r\n");
    let records = write(d.path(), "records.csv", "ZoneName,HostName,RecordType,Timestamp,TimeToLive,RecordData,Owner\r\n\
        corp.example.test,@,SOA,,3600,x,NT AUTHORITY\\SYSTEM\r\n\
        corp.example.test,pc1,A,2026-11-01T00:00:00Z,1200,10.0.16.21,CORP\\DHCP1$\r\n\
        other.test,@,SOA,,3600,x,\r\n\
        other.test,pc2,A,2026-11-19T00:00:00Z,1200,10.0.17.21,\r\n");
    let zones = write(d.path(), "zones.csv", "ZoneName,ZoneType,DynamicUpdate,AgingEnabled,NoRefreshInterval,RefreshInterval,ScavengeServers\r\n\
        corp.example.test,Primary,Secure,True,7.00:00:00,7.00:00:00,\r\n\
        other.test,Primary,,True,7.00:00:00,7.00:00:00,\r\n");
    let dhcp = write(d.path(), "dhcp.csv", "Server,ScopeId,DynamicUpdates,DeleteDnsRROnLeaseExpiry,UpdateDnsRRForOlderClients,DisableDnsPtrRRUpdate,NameProtection\r\n\
        10.0.0.11,,Always,True,False,False,True\r\n");
    let args = ["audit", "--leases", &leases, "--dns-records", &records, "--zones", &zones, "--dhcp-settings", &dhcp, "--dhcp-account", "corp\\dhcp1",
        "--domain", "corp.example.test", "--as-of", "2026-11-20T12:00:00Z", "--all", "--output", "-"];
    let r = ddns_audit(&args, d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv_rows(&r.stdout);
    assert_eq!(rows[1][22..26], ["CORP\\DHCP1$", "dhcp-server", "secure", "updates=always;ptr=on;older-clients=off;delete-on-expiry=on;name-protection=on"]);
    assert_eq!(rows[2][22..26], ["", "", "", ""]);
    let bad_zones = write(d.path(), "bad-zones.csv", "ZoneName,ZoneType,DynamicUpdate,AgingEnabled,NoRefreshInterval,RefreshInterval,ScavengeServers\r\n\
        corp.example.test,Primary,Secure,True,7.00:00:00,7.00:00:00,\r\n\
        other.test,Primary,Sometimes,True,7.00:00:00,7.00:00:00,\r\n");
    let mut bad = args.to_vec();
    bad[6] = &bad_zones;
    let r = ddns_audit(&bad, d.path());
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    assert_eq!(r.stderr, format!("ddns-audit: error: {bad_zones}:3: zone other.test: DynamicUpdate \"Sometimes\" is not None, NonsecureAndSecure or Secure\n"));

    let mut bad = args.to_vec();
    bad[10] = " ";
    let r = ddns_audit(&bad, d.path());
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--dhcp-account: must name an account (DOMAIN\\name or name)"), "{}", r.stderr);
}

/// The DNS settings inside an `Export-DhcpServer` XML (option 81's value at each level): the
/// server's `never`, a scope that overrides it, a reservation that overrides its scope, and a
/// scope whose value cannot be read (counted; the column stays empty).
#[test]
fn xml_export_dns_settings_fill_dhcp_dns_setting() {
    let d = scratch();
    let leases = util::root().join("tests/fixtures/leases/windows-export-dns.xml").display().to_string();
    // Every A record last refreshed 20 days before --as-of: past its scavenging date.
    let records = write(d.path(), "records.csv", "ZoneName,HostName,RecordType,Timestamp,TimeToLive,RecordData\r\n\
        corp.example.test,@,SOA,,3600,x\r\n\
        corp.example.test,pc1,A,2026-10-31T12:00:00Z,1200,10.0.16.21\r\n\
        corp.example.test,printer-2f,A,2026-10-31T12:00:00Z,1200,10.0.16.5\r\n\
        corp.example.test,pc2,A,2026-10-31T12:00:00Z,1200,10.0.17.21\r\n\
        corp.example.test,scanner-3f,A,2026-10-31T12:00:00Z,1200,10.0.17.50\r\n\
        corp.example.test,pc3,A,2026-10-31T12:00:00Z,1200,10.0.18.21\r\n");
    let r = ddns_audit(&["audit", "--leases", &leases, "--dns-records", &records, "--domain", "corp.example.test", "--input-time-zone", "UTC",
        "--as-of", "2026-11-20T12:00:00Z", "--all", "--output", "-"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv_rows(&r.stdout);
    let row = |ip: &str| rows.iter().find(|r| r[1] == ip).unwrap_or_else(|| panic!("no row for {ip}: {}", r.stdout)).clone();
    let cells: Vec<(String, String)> = ["10.0.16.21", "10.0.16.5", "10.0.17.21", "10.0.17.50", "10.0.18.21", "2001:db8:1::1a2b"]
        .iter()
        .map(|ip| (ip.to_string(), row(ip)[25].clone()))
        .collect();
    let expected = [
        ("10.0.16.21", "updates=never;ptr=on;older-clients=off;delete-on-expiry=on;name-protection=off"),
        ("10.0.16.5", "updates=always;ptr=on;older-clients=off;delete-on-expiry=on;name-protection=off"),
        ("10.0.17.21", "updates=on-request;ptr=on;older-clients=off;delete-on-expiry=on;name-protection=off"),
        ("10.0.17.50", "updates=never;ptr=off;older-clients=off;delete-on-expiry=on;name-protection=off"),
        ("10.0.18.21", ""),
        ("2001:db8:1::1a2b", "updates=always;delete-on-expiry=on;name-protection=off"),
    ];
    assert_eq!(cells, expected.map(|(a, b)| (a.to_string(), b.to_string())));
    let cause = "the DHCP server now has updates=never for this lease, so it no longer registers or refreshes the record while the client still relies on it (Option 81); change it in the DHCP server's DNS tab (IPv4/IPv6, scope or reservation Properties > DNS: \"Enable DNS dynamic updates\"; Set-DhcpServerv4DnsSetting -DynamicUpdates), then renew the lease (ipconfig /release then ipconfig /renew)";
    let pc1 = row("10.0.16.21");
    assert_eq!(pc1[0], "at-risk");
    assert_eq!(pc1[20], format!("pc1.corp.example.test's A record was last refreshed 2026-10-31T12:00:00Z and is already past its scavenging date (2026-11-14T12:00:00Z) although the lease is held: {cause}"));
    assert!(row("10.0.17.50")[20].ends_with(cause), "{:?}", row("10.0.17.50"));
    // On request, and unknown: no cause is named.
    assert!(!row("10.0.17.21")[20].contains("updates="), "{:?}", row("10.0.17.21"));
    assert!(!row("10.0.18.21")[20].contains("updates="), "{:?}", row("10.0.18.21"));
    assert!(
        r.stderr.contains(&format!("{}:201: malformed record: scope 10.0.18.0: option 81 (the DNS settings) value \"Always\" is not a number; the DHCP DNS setting there is unknown", util::native(&leases))),
        "{}",
        r.stderr
    );
}

/// Issue #13: the sources are read side by side, and a failing one ends the run at once. A
/// lease file that does not parse, while the domain controller accepts the connection and
/// never answers (its TLS handshake would wait 15 s): exit 2 with the lease file's message,
/// promptly, and no report.
#[test]
fn a_failing_source_ends_the_run_without_waiting_for_ldap() {
    let d = scratch();
    // Connections complete in the kernel's backlog; nothing ever answers them.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("ldaps://127.0.0.1:{}", silent.local_addr().unwrap().port());
    fs::write(d.path().join("leases.txt"), "this is not a lease export\n").unwrap();
    fs::write(d.path().join("pw"), "secret\n").unwrap();
    let start = std::time::Instant::now();
    let r = ddns_audit(
        &["audit", "--leases", "leases.txt", "--ldap-url", &url, "--bind-dn", "audit@corp.test", "--password-file", "pw", "--output", "report.csv"],
        d.path(),
    );
    let took = start.elapsed();
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            2,
            "ddns-audit: error: leases.txt: not a lease export this tool recognises (expected one of: windows-csv, windows-xml, dhcpd, kea-csv, dnsmasq; use --leases-format to force one)\n"
        )
    );
    assert!(took < std::time::Duration::from_secs(5), "took {took:?}");
    assert!(!d.path().join("report.csv").exists());
}

/// Of two failing files read side by side, the message is the one read first in turn (the
/// leases before the computers), whichever thread fails first.
#[test]
fn of_two_failing_files_the_first_in_reading_order_is_told() {
    let d = scratch();
    fs::write(d.path().join("leases.txt"), "this is not a lease export\n").unwrap();
    fs::write(d.path().join("computers.txt"), "nor a computers export\n").unwrap();
    for _ in 0..5 {
        let r = ddns_audit(&["audit", "--no-dns", "--leases", "leases.txt", "--computers", "computers.txt", "--output", "-"], d.path());
        assert_eq!(r.code, 2);
        assert!(r.stderr.starts_with("ddns-audit: error: leases.txt: not a lease export"), "{}", r.stderr);
    }
}

/// `--ldap-connections` from 1 to 16.
#[test]
fn ldap_connections_bounds() {
    let d = scratch();
    for n in ["0", "17"] {
        let r = ddns_audit(&["audit", "--no-dns", "--leases", "x.csv", "--ldap-connections", n], d.path());
        assert_eq!((r.code, r.stderr.as_str()), (2, "ddns-audit: error: --ldap-connections: must be from 1 to 16\n"), "{n}");
    }
}
