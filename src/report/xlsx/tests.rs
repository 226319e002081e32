#![cfg(test)]
//! Past the rows a sheet holds (a small limit injected: not a million rows), the rows sheet
//! says how many it left out in its last row, and the counts cover every row.

use std::io::Read;
use std::sync::Arc;

use super::*;
use crate::directory::Directory;
use crate::dns::DnsData;
use crate::leases::{Lease, LeaseOrigin, LeaseState};
use crate::test_support::{audit_settings, t};

fn lease(i: u8) -> Lease {
    Lease {
        ip: format!("10.0.16.{i}").parse().unwrap(),
        hostname: Some(format!("pc{i}").into()),
        mac: None,
        state: LeaseState::Active,
        expires: Some(t("2026-11-30T00:00:00Z")),
        duration: None,
        origin: LeaseOrigin::new(&Arc::from("leases.csv"), Some("10.0.16.0"), None, None),
        line: 0,
    }
}

/// A file of the workbook, as text.
fn part(book: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(book).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

#[test]
fn rows_past_the_sheet_limit_are_counted_and_said() {
    let leases: Vec<Lease> = (1..=10).map(lease).collect();
    let mut s = audit_settings();
    s.as_of = t("2026-11-20T12:00:00Z");
    s.domain = Some("corp.example.test".into());
    let mut dns = DnsData::default();
    dns.zone_id("corp.example.test", &Arc::from("zones"));
    let directory = Directory::default();
    let findings = crate::audit::audit(&leases, &directory, &dns, &s);
    assert_eq!(findings.len(), 10);

    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("r.xlsx");
    let mut outputs = Outputs::default();
    // A sheet of 6 rows: the header, 4 rows, the note.
    let mut x = XlsxReport::new(&path, Kind::Audit, &dns.zones, &mut outputs).unwrap().with_limit(6);
    for f in &findings {
        let row = Row::Audit(f.clone(), crate::report::Judged::default());
        x.row(&row, &row.cells()).unwrap();
    }
    let info = SummaryInfo { title: "t".into(), ..SummaryInfo::default() };
    x.finish(&info, &[], &mut outputs).unwrap();
    outputs.commit().unwrap();

    let hosts = part(&path, "xl/worksheets/sheet2.xml");
    // Rows 1 (header) to 5 (4 hosts), then the note in row 6, the last.
    let rows: Vec<&str> = hosts.split("<row r=\"").skip(1).map(|r| r.split('"').next().unwrap()).collect();
    assert_eq!(rows, ["1", "2", "3", "4", "5", "6"]);
    assert!(hosts.contains("pc4") && !hosts.contains("pc5"), "{hosts}");
    let note = "6 more rows left out: a sheet holds 6 rows; the CSV has every row, and the Zones and Summary counts include them";
    assert!(hosts.contains(note), "{hosts}");
    assert!(hosts.contains("<autoFilter ref=\"A1:AB5\"/>"), "{hosts}");
    // Zones: all 10 rows, in the zone.
    let zones = part(&path, "xl/worksheets/sheet3.xml");
    assert!(zones.contains("<c r=\"I2\" t=\"n\"><v>10</v></c>") || zones.contains("<c r=\"I2\"><v>10</v></c>"), "{zones}");
    // Summary: 10 rows, 4 in the sheet, 6 left out, and the note.
    let summary = part(&path, "xl/worksheets/sheet4.xml");
    let strings = part(&path, "xl/sharedStrings.xml");
    for (n, label) in [(10, "rows"), (4, "rows in the sheet"), (6, "rows left out (sheet full)")] {
        assert!(strings.contains(&format!(">{label}<")), "{label}");
        assert!(summary.contains(&format!("<v>{n}</v>")), "{n}: {summary}");
    }
    assert!(strings.contains(note));
}

#[test]
fn aging_as_the_zones_sheet_says_it() {
    let mut dns = DnsData::default();
    dns.zone_id("z", &Arc::from("s"));
    let z = &mut dns.zones[0];
    assert_eq!(aging_text(z), "");
    z.aging.enabled = Some(true);
    assert_eq!(aging_text(z), "on");
    z.aging.no_refresh = Some(chrono::TimeDelta::days(7));
    z.aging.refresh = Some(chrono::TimeDelta::days(14));
    assert_eq!(aging_text(z), "on (no-refresh 7d, refresh 14d)");
    z.aging.enabled = Some(false);
    assert_eq!(aging_text(z), "off (no-refresh 7d, refresh 14d)");
}

/// An error on the writer thread (here a cell longer than Excel's 32,767 characters) stops it;
/// the rows after it are still taken, and `finish` reports it as every write error is.
#[test]
fn an_error_on_the_writer_thread_is_finish_s_error() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("r.xlsx");
    let mut outputs = Outputs::default();
    let mut x = XlsxReport::new(&path, Kind::Audit, &[], &mut outputs).unwrap();
    let long = "x".repeat(40_000);
    x.put(1, 0, &Cell::Text(long.as_str().into()), false);
    x.send();
    // More batches than the channel holds: none blocks once the writer has stopped.
    for r in 2..(2 + (BATCHES_IN_FLIGHT + 2) as u32) {
        x.put(r, 0, &Cell::Text("pc1".into()), false);
        x.send();
    }
    let info = SummaryInfo { title: "t".into(), ..SummaryInfo::default() };
    let e = x.finish(&info, &[], &mut outputs).unwrap_err();
    assert_eq!(e.to_string(), format!("cannot write the spreadsheet {}: {}", path.display(), XlsxError::MaxStringLengthExceeded));
}

#[test]
fn a_panic_s_message_is_kept() {
    let panic = std::panic::catch_unwind(|| panic!("disk {}", "full")).unwrap_err();
    assert_eq!(panic_text(panic.as_ref()), "disk full");
    let panic = std::panic::catch_unwind(|| std::panic::panic_any(7)).unwrap_err();
    assert_eq!(panic_text(panic.as_ref()), "no message");
}

/// The audit's `remediation` sits right after `hostname`, the columns between one right; the
/// forecast's columns stay in the CSV's order.
#[test]
fn remediation_moves_next_to_the_host() {
    let place = sheet_columns(Kind::Audit, COLUMNS.len());
    assert_eq!((place[HOSTNAME], place[REMEDIATION], place[HOSTNAME + 1], place[REMEDIATION - 1], place[REMEDIATION + 1]), (2, 3, 4, 20, 21));
    let mut seen = place.clone();
    seen.sort_unstable();
    assert_eq!(seen, (0..COLUMNS.len()).map(|c| u16::try_from(c).unwrap()).collect::<Vec<_>>());
    let forecast = sheet_columns(Kind::Forecast, FORECAST_COLUMNS.len());
    assert!(forecast.iter().enumerate().all(|(i, &c)| usize::from(c) == i));
}
