//! Computers reader: the CSV `queries/windows/export-computers.ps1` writes
//! (`Get-ADComputer ... | Select Name,DNSHostName,Enabled,LastLogonTimestamp,OperatingSystem | Export-Csv`).
//! Part of stage 2 ([`crate::directory`]).
//!
//! Rules:
//! - Header by name, case-insensitive, any order; an optional `#TYPE` first line. `Name` (or
//!   `CN`) is required; `DNSHostName`, `Enabled`, `LastLogonTimestamp` (or `LastLogonDate`),
//!   `OperatingSystem`, `SamAccountName` and `DistinguishedName` are read when present.
//! - A row with an empty name falls back to `SamAccountName` without its `$`.
//! - `Enabled` is `True`/`False` (any case), empty when unknown.
//! - `LastLogonTimestamp` is a FILETIME integer (0: never) or a time: ISO 8601 or the
//!   exporting machine's culture format, in the file's date order, wall-clock time in
//!   `--input-time-zone` when it has no zone (see [`timefmt::DateOrderScan`]); empty when never.
//! - A row with a bad value is skipped with a problem on its physical line.

use std::io::{self, Read};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::Computer;
use crate::dns::normalize_name;
use crate::input::{self, Header, Problems, ReadError, SkipReason};
use crate::timefmt::{self, DateOrder, InputTimes};

/// Parses a computers CSV in memory; see [`read`].
pub fn parse(text: &str, source: &Arc<str>, times: &InputTimes, out: &mut Vec<Computer>, problems: &mut Problems) -> Result<(), ReadError> {
    read(|| Ok(text.as_bytes()), source, times, out, problems)
}

/// Reads a computers CSV from the text streams `open` gives, each from the start: one pass
/// for the date order (unless forced), one for the rows.
pub(crate) fn read<R: Read>(
    open: impl Fn() -> io::Result<R>,
    source: &Arc<str>,
    times: &InputTimes,
    out: &mut Vec<Computer>,
    problems: &mut Problems,
) -> Result<(), ReadError> {
    let order = input::csv_column_order(&open, &["lastlogontimestamp", "lastlogondate"], is_filetime, times, source, "LastLogonTimestamp")?;
    let columns = |header: &Header| {
        Columns::from_header(header).map(|c| (c, header.width())).ok_or_else(|| "the header has no Name column; no computer read".to_string())
    };
    input::read_csv_rows(open()?, source, problems, columns, |row, c, line, problems| match computer(row, c, line, source, times, order) {
        Ok(computer) => out.push(computer),
        Err((reason, detail)) => problems.push(source, line, reason, detail),
    })?;
    // Grown as read (no reservation from the file's size): give back the spare room.
    out.shrink_to_fit();
    Ok(())
}

/// Column positions.
struct Columns {
    name: Option<usize>,
    sam: Option<usize>,
    dns_host_name: Option<usize>,
    enabled: Option<usize>,
    last_logon: Option<usize>,
    os: Option<usize>,
    dn: Option<usize>,
}

impl Columns {
    fn from_header(header: &Header) -> Option<Columns> {
        let find = |names: &[&str]| header.find_any(names);
        let c = Columns {
            name: find(&["name", "cn"]),
            sam: find(&["samaccountname"]),
            dns_host_name: find(&["dnshostname"]),
            enabled: find(&["enabled"]),
            last_logon: find(&["lastlogontimestamp", "lastlogondate"]),
            os: find(&["operatingsystem"]),
            dn: find(&["distinguishedname"]),
        };
        c.name.or(c.sam).map(|_| c)
    }
}

fn computer(
    row: &csv::StringRecord,
    c: &Columns,
    line: usize,
    source: &Arc<str>,
    times: &InputTimes,
    order: Option<DateOrder>,
) -> Result<Computer, (SkipReason, String)> {
    let field = |i: Option<usize>| i.and_then(|i| row.get(i)).map(str::trim).filter(|v| !v.is_empty());
    let name = field(c.name)
        .or_else(|| field(c.sam).map(|s| s.strip_suffix('$').unwrap_or(s)))
        .filter(|n| !n.is_empty())
        .ok_or((SkipReason::MissingField, "empty Name".to_string()))?;
    let enabled = match field(c.enabled) {
        None => None,
        Some(v) if v.eq_ignore_ascii_case("true") => Some(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Some(false),
        Some(v) => return Err((SkipReason::Malformed, format!("{name}: Enabled '{v}' is not True or False"))),
    };
    let last_logon = match field(c.last_logon) {
        None => None,
        Some(v) => last_logon(v, times, order).map_err(|()| {
            (SkipReason::BadTime, format!("{name}: LastLogonTimestamp '{v}' is not a FILETIME or a time"))
        })?,
    };
    Ok(Computer {
        dns_host_name: field(c.dns_host_name).map(normalize_name).filter(|d| !d.is_empty()).map(Into::into),
        enabled,
        domain_controller: None,
        last_logon,
        operating_system: field(c.os).map(Into::into),
        dn: field(c.dn).map(str::to_string),
        name: name.into(),
        source: Arc::clone(source),
        line,
    })
}

fn is_filetime(v: &str) -> bool {
    v.bytes().all(|b| b.is_ascii_digit() || b == b'-')
}

/// A FILETIME integer (0 or less: never) or a time.
fn last_logon(v: &str, times: &InputTimes, order: Option<DateOrder>) -> Result<Option<DateTime<Utc>>, ()> {
    if is_filetime(v) {
        let ticks: i64 = v.parse().map_err(|_| ())?;
        if ticks <= 0 {
            return Ok(None);
        }
        return timefmt::from_filetime(ticks).map(Some).ok_or(());
    }
    times.parse(v, order).map(Some).ok_or(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::reasons;
    use crate::input::Problem;

    const FIXTURE: &str = include_str!("../../tests/fixtures/computers/computers.csv");

    fn read(text: &str) -> (Vec<Computer>, Vec<Problem>) {
        read_with(text, &InputTimes::default()).unwrap()
    }

    fn read_with(text: &str, times: &InputTimes) -> Result<(Vec<Computer>, Vec<Problem>), String> {
        let mut out = Vec::new();
        let mut problems = Problems::default();
        parse(text, &Arc::from("computers.csv"), times, &mut out, &mut problems).map_err(|e| e.to_string())?;
        Ok((out, problems.list))
    }

    /// Streamed in blocks of 1 to 7 bytes, UTF-16 or ANSI (a late non-ASCII byte): the same
    /// computers and problem lines, and a conflict of date orders found by the first pass names
    /// the lines of a file with CRLF, `#TYPE`, a quoted line break and blank lines.
    #[test]
    fn streamed_in_any_block_size_and_encoding() {
        use crate::input::stream::tests::FailAfter;
        use crate::input::stream::{Decoder, Encoding};
        let text = "#TYPE Selected.Microsoft.ActiveDirectory.Management.ADComputer\r\n\
                    Name,Enabled,LastLogonDate,Description\r\n\
                    PC1,True,28/11/2026 09:12:40,\"two\r\nlines\"\r\n\
                    \r\n\
                    PC2,Maybe,,\r\n\
                    Café,False,01/12/2026 18:00:00,\r\n";
        let latin1: Vec<u8> = text.chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect();
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let utc = InputTimes { date_order: None, zone: timefmt::InputZone::from_name("UTC").unwrap() };
        for bytes in [text.as_bytes(), &latin1, &utf16] {
            for block in (1..=7).chain([64 * 1024]) {
                let encoding = Encoding::sniff(bytes, block).unwrap();
                let open = || Ok(Decoder::new(bytes, encoding, block));
                let (mut out, mut problems) = (Vec::new(), Problems::default());
                super::read(open, &Arc::from("computers.csv"), &utc, &mut out, &mut problems).unwrap();
                let got: Vec<_> = out.iter().map(|c| (c.name.to_string(), c.line, c.last_logon.map(timefmt::rfc3339))).collect();
                assert_eq!(
                    got,
                    vec![("PC1".into(), 3, Some("2026-11-28T09:12:40Z".into())), ("Café".into(), 7, Some("2026-12-01T18:00:00Z".into()))],
                    "blocks of {block}"
                );
                assert_eq!(reasons(&problems.list), vec![(6, SkipReason::Malformed)]);
            }
        }
        let mdy = text.replace("01/12/2026", "12/13/2026");
        let e = super::read(|| Ok(Decoder::new(mdy.as_bytes(), Encoding::Utf8 { bom: false }, 3)), &Arc::from("computers.csv"), &utc, &mut Vec::new(), &mut Problems::default()).unwrap_err();
        assert!(e.to_string().contains("line 3 (\"28/11/2026 09:12:40\") is day-first, line 7 (\"12/13/2026 18:00:00\") is month-first"), "{e}");
        let e = super::read(|| Ok(FailAfter(text.as_bytes(), 100)), &Arc::from("computers.csv"), &utc, &mut Vec::new(), &mut Problems::default()).unwrap_err();
        assert_eq!(e.at(std::path::Path::new("computers.csv")).to_string(), "cannot read computers.csv: disk gone");
    }

    #[test]
    fn culture_dates_follow_the_file_order() {
        let berlin = InputTimes { date_order: None, zone: timefmt::InputZone::from_name("Europe/Berlin").unwrap() };
        // LastLogonDate as Export-Csv writes it on a de-DE machine; FILETIMEs are no evidence.
        let text = "Name,LastLogonDate
PC1,10.01.2026 18:00:00
PC2,133000000000000000
PC3,28/11/2026 09:12:40
";
        let (out, problems) = read_with(text, &berlin).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        let got: Vec<_> = out.iter().map(|c| c.last_logon.map(timefmt::rfc3339)).collect();
        assert_eq!(
            got,
            vec![Some("2026-01-10T17:00:00Z".into()), Some("2022-06-18T04:26:40Z".into()), Some("2026-11-28T08:12:40Z".into())]
        );
        assert_eq!(
            read_with("Name,LastLogonDate\nPC1,10/01/2026 18:00:00\n", &berlin).unwrap_err(),
            "computers.csv: cannot tell whether the dates in LastLogonTimestamp are day-first or month-first: every one reads both ways \
             (line 2: \"10/01/2026 18:00:00\"); pass --date-order dmy|mdy|ymd to say how the exporting server writes dates, \
             or export with the queries/windows scripts, which write ISO 8601 dates"
        );
    }

    use crate::test_support::some_t as utc;

    fn pc(name: &str, fqdn: Option<&str>, enabled: Option<bool>, last: Option<DateTime<Utc>>, os: Option<&str>, line: usize) -> Computer {
        Computer {
            name: name.into(),
            domain_controller: None,
            dns_host_name: fqdn.map(Into::into),
            enabled,
            last_logon: last,
            operating_system: os.map(Into::into),
            dn: None,
            source: Arc::from("computers.csv"),
            line,
        }
    }

    #[test]
    fn valid_export() {
        let (out, problems) = read(FIXTURE);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            out,
            vec![
                pc("DC1", Some("dc1.corp.example.test"), Some(true), utc("2026-11-20T06:13:20Z"), Some("Windows Server 2022 Standard"), 3),
                pc("PC1", Some("pc1.corp.example.test"), Some(true), utc("2022-06-18T04:26:40Z"), Some("Windows 11 Enterprise"), 4),
                pc("LAPTOP-7", Some("laptop-7.corp.example.test"), Some(false), utc("2025-01-15T09:30:00Z"), Some("Windows 10 Pro"), 5),
                pc("NEWPC", None, Some(true), None, None, 6),
                pc("OLD-PC", Some("old-pc.corp.example.test"), Some(false), None, Some("Windows 7 Professional, SP1"), 7),
            ]
        );
    }

    #[test]
    fn any_order_and_sam_fallback() {
        let text = "operatingsystem,SamAccountName,NAME,lastlogontimestamp,DnsHostName,enabled\n\
                    Linux,SRV9$,,2026-11-20T08:00:00+01:00,SRV9.Corp.Example.Test.,TRUE\n";
        let (out, problems) = read(text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(out, vec![pc("SRV9", Some("srv9.corp.example.test"), Some(true), utc("2026-11-20T07:00:00Z"), Some("Linux"), 2)]);
    }

    #[test]
    fn truncated_and_bad_rows() {
        let text = "Name,DNSHostName,Enabled,LastLogonTimestamp,OperatingSystem\n\
                    PC1,pc1.corp.example.test,True\n\
                    PC2,pc2.corp.example.test,True,13300000000000000x,Windows 11\n\
                    PC3,pc3.corp.example.test,True,99999999999999999999,Windows 11\n\
                    PC4,pc4.corp.example.test,Yes,,Windows 11\n\
                    ,pc5.corp.example.test,True,,Windows 11\n\
                    PC6,pc6.corp.example.test,True,0,Windows 11\n";
        let (out, problems) = read(text);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].name, "PC6");
        assert_eq!(out[0].last_logon, None);
        assert_eq!(
            reasons(&problems),
            vec![
                (2, SkipReason::Truncated),
                (3, SkipReason::BadTime),
                (4, SkipReason::BadTime),
                (5, SkipReason::Malformed),
                (6, SkipReason::MissingField),
            ]
        );
        assert_eq!(problems[1].detail, "PC2: LastLogonTimestamp '13300000000000000x' is not a FILETIME or a time");
    }

    #[test]
    fn header_without_name() {
        let (out, problems) = read("#TYPE Selected.Microsoft.ActiveDirectory.Management.ADComputer\nDNSHostName,Enabled\nx,True\n");
        assert!(out.is_empty());
        assert_eq!(reasons(&problems), vec![(2, SkipReason::MissingField)]);
    }

    #[test]
    fn empty_file() {
        assert_eq!(read(""), (vec![], vec![]));
        assert_eq!(read("\"Name\",\"DNSHostName\",\"Enabled\",\"LastLogonTimestamp\",\"OperatingSystem\"\n"), (vec![], vec![]));
    }

    #[test]
    fn bom_and_crlf() {
        let (plain, plain_problems) = read(FIXTURE);
        let (out, problems) = read(&format!("\u{feff}{}", FIXTURE.replace('\n', "\r\n")));
        assert_eq!(out, plain);
        assert_eq!(problems, plain_problems);
    }
}
