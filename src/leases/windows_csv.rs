//! Lease reader: `Get-DhcpServerv4Lease` / `Get-DhcpServerv6Lease | Export-Csv`.
//!
//! An optional `#TYPE ...` first line, then a header row of property names (quoted or not, in any
//! order, matched case-insensitively), then one row per lease. Only `IPAddress` is required;
//! the columns read are `IPAddress`, `ScopeId`/`Prefix`, `ClientId` (v4), `HostName`,
//! `AddressState`, `LeaseExpiryTime` and `DnsRegistration`. Other columns (the CIM bookkeeping
//! columns of a plain `Export-Csv`, `DnsRR`, `ClientDuid` ...) are ignored.
//!
//! Rows are read as byte records into one reused buffer, from the file's text as a stream (never
//! held whole): only the values kept are allocated.

use std::io::Read;
use std::sync::Arc;

use super::{Interner, Lease, address_state, clean_hostname, normalize_mac, windows_expiry, windows_ip};
use crate::input::{CsvStream, Header, Problems, ReadError, SkipBom, SkipReason, Tap};
use crate::text::Text;
use chrono::{DateTime, Utc};
use crate::timefmt::{DateOrder, DateOrderScan, InputTimes, explicit_time};

/// The columns this reader uses, by index in the header.
#[derive(Debug)]
struct Columns {
    ip: Option<usize>,
    scope: Option<usize>,
    prefix: Option<usize>,
    client_id: Option<usize>,
    hostname: Option<usize>,
    state: Option<usize>,
    expiry: Option<usize>,
    dns_registration: Option<usize>,
    server: Option<usize>,
}

impl Columns {
    fn from_header(record: &csv::ByteRecord) -> Columns {
        let header = Header::new(record.iter().map(String::from_utf8_lossy));
        Columns {
            ip: header.find("ipaddress"),
            scope: header.find("scopeid"),
            prefix: header.find("prefix"),
            client_id: header.find("clientid"),
            hostname: header.find("hostname"),
            state: header.find("addressstate"),
            expiry: header.find("leaseexpirytime"),
            dns_registration: header.find("dnsregistration"),
            server: header.find("serverip"),
        }
    }
}

/// Parses a Windows lease CSV in memory; see [`read`].
pub(crate) fn parse(text: &str, source: &Arc<str>, times: &InputTimes, out: &mut Vec<Lease>, problems: &mut Problems) -> Result<(), ReadError> {
    read(text.as_bytes(), source, times, out, problems)
}

/// Reads a Windows lease CSV from a text stream; see the module documentation. `LeaseExpiryTime`
/// is read as `Export-Csv` wrote it, in the exporting machine's culture: the file's date order
/// is decided from all its dates first ([`DateOrderScan`]); a file that cannot say is an error,
/// as is a read error part-way.
// One pass that reads the rows and decides the date order at once: the rows, the deferred
// culture dates, the scan and the problems found are state the whole loop shares.
#[allow(clippy::too_many_lines, reason = "one pass sharing the rows, the deferred dates and the scan")]
pub(crate) fn read(text: impl Read, source: &Arc<str>, times: &InputTimes, out: &mut Vec<Lease>, problems: &mut Problems) -> Result<(), ReadError> {
    let mut tap = Tap::new(SkipBom::new(text));
    // `Export-Csv` without -NoTypeInformation (Windows PowerShell) writes `#TYPE <class>` first.
    let first: Vec<u8> = (0..5).map_while(|i| tap.byte(i)).collect();
    let line_offset = if first == b"#TYPE" || first == b"#type" {
        let mut nl = 5;
        loop {
            match tap.byte(nl) {
                Some(b'\n') => break,
                Some(_) => nl += 1,
                None => return tap.take_error().map_or(Ok(()), |e| Err(e.into())),
            }
        }
        tap.restart_at(nl + 1);
        1
    } else {
        0
    };

    // csv's own line numbers are off after blank lines and CRLF; count from byte offsets.
    let mut reader = CsvStream::new(csv::ReaderBuilder::new().has_headers(false).flexible(true), tap, 1 + line_offset);
    let mut record = csv::ByteRecord::new();

    // Header: the first non-empty record.
    let columns = match reader.read(&mut record)? {
        Ok(true) => Columns::from_header(&record),
        Ok(false) => return Ok(()),
        Err(e) => {
            problems.push(source, 1 + line_offset, SkipReason::Malformed, format!("unreadable CSV header: {e}"));
            return Ok(());
        }
    };
    let header_line = reader.of(&record);
    let width = record.len();
    let Some(ip_col) = columns.ip else {
        problems.push(
            source,
            header_line,
            SkipReason::Malformed,
            "header has no IPAddress column (expected the Export-Csv of Get-DhcpServerv4Lease or Get-DhcpServerv6Lease)",
        );
        return Ok(());
    };
    // One pass: the file's date order is decided from all its `LeaseExpiryTime` values (of
    // rows of the header's width) while the rows are read; a culture date waits in `deferred`
    // until the order is known. The rows' problems are pushed at the end, in line order.
    let forced = times.date_order;
    let scanning = forced.is_none() && columns.expiry.is_some();
    let mut scan = DateOrderScan::default();
    let start = out.len();
    let mut interner = Interner::default();
    let mut deferred: Vec<(usize, usize, Box<str>)> = Vec::new();
    let mut found: Vec<(usize, SkipReason, String)> = Vec::new();

    loop {
        let read = match reader.read(&mut record) {
            Ok(read) => read,
            Err(e) => {
                out.truncate(start);
                return Err(e.into());
            }
        };
        match read {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                // Byte records with flexible rows: I/O errors are taken out above, so nothing
                // should get here; but never panic on input.
                let line = e.position().map_or(0, |p| reader.record_line(p.byte()));
                found.push((line, SkipReason::Malformed, format!("unreadable CSV record: {e}")));
                break;
            }
        }
        let line = reader.of(&record);
        if record.len() < width {
            found.push((line, SkipReason::Truncated, format!("row has {} of the header's {} fields", record.len(), width)));
            continue;
        }
        if record.len() > width {
            found.push((line, SkipReason::Malformed, format!("row has {} fields, the header {} (unquoted comma?)", record.len(), width)));
            continue;
        }
        // The expiry with its own zone is read once here; only the others are date-order evidence.
        let value = columns.expiry.and_then(|c| record.get(c)).and_then(|b| std::str::from_utf8(b).ok()).map(str::trim).unwrap_or("");
        let explicit = explicit_time(value);
        if scanning && explicit.is_none() {
            scan.add(value, line);
        }
        match row(&record, &columns, ip_col, times, (forced, explicit), scanning, source, line, &mut interner) {
            Ok((lease, culture)) => {
                if let Some(value) = culture {
                    deferred.push((out.len(), line, value));
                }
                out.push(lease);
            }
            Err((reason, detail)) => found.push((line, reason, detail)),
        }
    }
    if let Some(e) = reader.take_error() {
        out.truncate(start);
        return Err(e.into());
    }
    let order = match scan.finish(forced, source, "LeaseExpiryTime") {
        Ok(order) => order,
        Err(e) => {
            out.truncate(start);
            return Err(e.into());
        }
    };
    // The culture dates, read in the file's order; a row whose date does not exist in it is
    // a bad time, as if read so in the first place.
    let mut dropped: Vec<usize> = Vec::new();
    for (i, line, value) in deferred {
        match windows_expiry(&value, times, order) {
            Ok(expires) => {
                if let Some(l) = out.get_mut(i) {
                    l.expires = expires;
                }
            }
            Err((reason, detail)) => {
                dropped.push(i);
                found.push((line, reason, detail));
            }
        }
    }
    if !dropped.is_empty() {
        let mut dropped = dropped.into_iter().peekable();
        let mut pos = 0usize;
        out.retain(|_| {
            let keep = dropped.peek() != Some(&pos);
            if !keep {
                dropped.next();
            }
            pos += 1;
            keep
        });
        // Each row has at most one problem, so the line orders them as the rows were.
        found.sort_by_key(|p| p.0);
    }
    for (line, reason, detail) in found {
        problems.push(source, line, reason, detail);
    }
    // Grown as read (no reservation from the file's size): give back the spare room.
    out.shrink_to_fit();
    Ok(())
}

/// A field as text (empty when the column is absent).
fn field(record: &csv::ByteRecord, col: Option<usize>) -> Result<&str, (SkipReason, String)> {
    let Some(bytes) = col.and_then(|c| record.get(c)) else {
        return Ok("");
    };
    std::str::from_utf8(bytes).map_err(|_| (SkipReason::Malformed, "field is not valid UTF-8".to_string()))
}

/// A row's lease, with its culture date when that waits for the file's order.
type RowLease = (Lease, Option<Box<str>>);

/// One row as a lease. With `deferred` (the file's date order not yet known), a culture date
/// is not read: the lease comes without its expiry, and the date is returned to read later.
#[allow(clippy::too_many_arguments, reason = "the hot loop's per-file state passed by reference, not bundled, so each row costs no struct")]
fn row(
    record: &csv::ByteRecord,
    columns: &Columns,
    ip_col: usize,
    times: &InputTimes,
    (order, explicit): (Option<DateOrder>, Option<DateTime<Utc>>),
    deferred: bool,
    source: &Arc<str>,
    line: usize,
    interner: &mut Interner,
) -> Result<RowLease, (SkipReason, String)> {
    let ip_text = field(record, Some(ip_col))?.trim();
    if ip_text.is_empty() {
        return Err((SkipReason::MissingField, "IPAddress is empty".to_string()));
    }
    let ip = windows_ip(ip_text)?;

    let state = address_state(field(record, columns.state)?)?;

    let expiry = field(record, columns.expiry)?.trim();
    let (expires, culture) = if let Some(t) = explicit {
        (Some(t), None)
    } else if deferred && !expiry.is_empty() {
        (None, Some(Box::from(expiry)))
    } else {
        (windows_expiry(expiry, times, order)?, None)
    };

    let scope = match field(record, columns.scope)?.trim() {
        "" => field(record, columns.prefix)?.trim(),
        s => s,
    };
    let dns_registration = field(record, columns.dns_registration)?.trim();

    let lease = Lease {
        ip,
        hostname: clean_hostname(field(record, columns.hostname)?),
        // ClientId is the v4 hardware address; v6 exports carry a DUID, not a MAC.
        mac: mac(field(record, columns.client_id)?.trim()),
        state,
        expires,
        duration: None,
        origin: interner.origin(source, scope, super::Registration::Windows(dns_registration), field(record, columns.server)?.trim()),
        line,
    };
    Ok((lease, culture))
}

/// [`normalize_mac`], with a fast path for the `00-15-5d-01-02-03` form Windows writes.
fn mac(s: &str) -> Option<Text> {
    let b = s.as_bytes();
    let windows_form = b.len() == 17
        && b.iter().enumerate().all(|(i, c)| if i % 3 == 2 { *c == b'-' } else { c.is_ascii_hexdigit() });
    if windows_form {
        // Rewritten on the stack: the result is stored inline, without an allocation.
        let mut out = [0u8; 17];
        for (o, c) in out.iter_mut().zip(b) {
            *o = if *c == b'-' { b':' } else { c.to_ascii_lowercase() };
        }
        std::str::from_utf8(&out).ok().map(Text::from)
    } else {
        normalize_mac(s)
    }
}

#[cfg(test)]
mod stream_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leases::LeaseState;
    use std::net::IpAddr;
    use crate::input::Problem;
    use crate::timefmt::{self, InputZone};

    fn src() -> Arc<str> {
        Arc::from("leases.csv")
    }

    fn run(text: &str) -> (Vec<Lease>, Vec<Problem>) {
        run_with(text, &InputTimes::default()).unwrap()
    }

    fn run_with(text: &str, times: &InputTimes) -> Result<(Vec<Lease>, Vec<Problem>), String> {
        let mut out = Vec::new();
        let mut problems = Problems::default();
        parse(text, &src(), times, &mut out, &mut problems).map_err(|e| e.to_string())?;
        Ok((out, problems.list))
    }

    fn zone(name: &str) -> InputTimes {
        InputTimes { date_order: None, zone: InputZone::from_name(name).unwrap() }
    }

    /// The expiry times of a file read with `times`, as RFC 3339.
    fn expiries(text: &str, times: &InputTimes) -> Result<Vec<String>, String> {
        let (leases, problems) = run_with(text, times)?;
        assert_eq!(problems, vec![]);
        Ok(leases.iter().map(|l| l.expires.map(timefmt::rfc3339).unwrap_or_default()).collect())
    }

    /// One fixture per culture `Export-Csv` writes: 28 Nov 2026 09:12:40 and 1 Dec 2026 18:00:00
    /// on a server in Berlin (CET, UTC+1), then a reservation without an expiry.
    #[test]
    fn every_culture_reads_the_same_instants() {
        let berlin = zone("Europe/Berlin");
        for (culture, text) in [
            ("en-US", include_str!("../../tests/fixtures/leases/windows-v4-en-US.csv")),
            ("en-GB", include_str!("../../tests/fixtures/leases/windows-v4-en-GB.csv")),
            ("fr-FR", include_str!("../../tests/fixtures/leases/windows-v4-fr-FR.csv")),
            ("de-DE", include_str!("../../tests/fixtures/leases/windows-v4-de-DE.csv")),
            ("ja-JP", include_str!("../../tests/fixtures/leases/windows-v4-ja-JP.csv")),
            ("nl-NL", include_str!("../../tests/fixtures/leases/windows-v4-nl-NL.csv")),
            ("sv-SE", include_str!("../../tests/fixtures/leases/windows-v4-sv-SE.csv")),
        ] {
            assert_eq!(
                expiries(text, &berlin),
                Ok(vec!["2026-11-28T08:12:40Z".to_string(), "2026-12-01T17:00:00Z".to_string(), String::new()]),
                "{culture}"
            );
        }
    }

    const HEAD: &str = "#TYPE Microsoft.Management.Infrastructure.CimInstance#root/Microsoft/Windows/DHCP/DhcpServerv4Lease\n\
                        \"IPAddress\",\"AddressState\",\"LeaseExpiryTime\"\n";

    fn file(times: &[&str]) -> String {
        let mut s = HEAD.to_string();
        for (i, t) in times.iter().enumerate() {
            s.push_str(&format!("\"10.0.16.{}\",\"Active\",\"{t}\"\n", i + 1));
        }
        s
    }

    #[test]
    fn a_uk_date_is_day_first_when_the_file_proves_it() {
        // 10 January, not 1 October: line 4's 28/11 proves the file day-first.
        let utc = zone("UTC");
        assert_eq!(
            expiries(&file(&["10/01/2026 18:00:00", "28/11/2026 09:12:40"]), &utc),
            Ok(vec!["2026-01-10T18:00:00Z".to_string(), "2026-11-28T09:12:40Z".to_string()])
        );
        // AM/PM is en-US: month-first.
        assert_eq!(
            expiries(&file(&["10/01/2026 6:00:00 PM", "10/2/2026 12:30:00 AM", "1/2/2026 12:00 PM"]), &utc),
            Ok(vec!["2026-10-01T18:00:00Z".to_string(), "2026-10-02T00:30:00Z".to_string(), "2026-01-02T12:00:00Z".to_string()])
        );
        // Dots are day-first even when every day is 12 or less.
        assert_eq!(expiries(&file(&["10.01.2026 18:00:00"]), &utc), Ok(vec!["2026-01-10T18:00:00Z".to_string()]));
        // A date that does not exist in the proven order is a bad time, not a guess.
        let (leases, problems) = run_with(&file(&["31/02/2026 18:00:00", "28/11/2026 09:12:40"]), &utc).unwrap();
        assert_eq!(leases.len(), 1);
        assert_eq!(problems[0].to_string(), "leases.csv:3: bad time: LeaseExpiryTime \"31/02/2026 18:00:00\" is not a time");
    }

    /// The file is read once: culture dates wait for the file's order, and the problems of
    /// every kind still come out in line order, the leases in file order.
    #[test]
    fn deferred_dates_keep_problems_in_line_order() {
        let text = "IPAddress,AddressState,LeaseExpiryTime,ScopeId\n\
                    10.0.16.1,Active,31/02/2026 18:00:00,10.0.16.0\n\
                    10.0.16.300,Active,2026-11-24T18:00:00Z,10.0.16.0\n\
                    10.0.16.3,Active,28/11/2026 09:12:40,10.0.16.0\n\
                    10.0.16.4,Active\n\
                    10.0.16.5,Active,2026-11-24T18:00:00Z,10.0.16.0\n\
                    10.0.16.6,Active,30/02/2026 01:00:00,10.0.16.0\n\
                    10.0.16.7,Active,01/12/2026 18:00:00,10.0.16.0\n";
        let (leases, problems) = run_with(text, &zone("UTC")).unwrap();
        let got: Vec<(usize, String)> = leases.iter().map(|l| (l.line, l.expires.map(timefmt::rfc3339).unwrap_or_default())).collect();
        assert_eq!(
            got,
            vec![(4, "2026-11-28T09:12:40Z".to_string()), (6, "2026-11-24T18:00:00Z".to_string()), (8, "2026-12-01T18:00:00Z".to_string())]
        );
        let got: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            vec![
                "leases.csv:2: bad time: LeaseExpiryTime \"31/02/2026 18:00:00\" is not a time",
                "leases.csv:3: bad address: IPAddress \"10.0.16.300\" is not an IPv4 or IPv6 address",
                "leases.csv:5: truncated record: row has 2 of the header's 4 fields",
                "leases.csv:7: bad time: LeaseExpiryTime \"30/02/2026 01:00:00\" is not a time",
            ]
        );
        // One shared copy of a value every row repeats.
        assert!(leases.windows(2).all(|w| Arc::ptr_eq(&w[0].origin, &w[1].origin)));
    }

    #[test]
    fn an_ambiguous_file_is_an_error_unless_the_order_is_given() {
        let text = file(&["10/01/2026 18:00:00", "", "03/04/2026 07:00:00"]);
        assert_eq!(
            run_with(&text, &zone("UTC")).unwrap_err(),
            "leases.csv: cannot tell whether the dates in LeaseExpiryTime are day-first or month-first: every one reads both ways \
             (line 3: \"10/01/2026 18:00:00\"); pass --date-order dmy|mdy|ymd to say how the exporting server writes dates, \
             or export with the queries/windows scripts, which write ISO 8601 dates"
        );
        let forced = |order| InputTimes { date_order: Some(order), zone: InputZone::from_name("UTC").unwrap() };
        assert_eq!(
            expiries(&text, &forced(DateOrder::Dmy)),
            Ok(vec!["2026-01-10T18:00:00Z".to_string(), String::new(), "2026-04-03T07:00:00Z".to_string()])
        );
        assert_eq!(
            expiries(&text, &forced(DateOrder::Mdy)),
            Ok(vec!["2026-10-01T18:00:00Z".to_string(), String::new(), "2026-03-04T07:00:00Z".to_string()])
        );
        // The order given wins over the file's own evidence.
        let (leases, problems) = run_with(&file(&["28/11/2026 09:12:40", "10/01/2026 18:00:00"]), &forced(DateOrder::Mdy)).unwrap();
        assert_eq!(leases.len(), 1);
        assert_eq!(leases[0].expires.map(timefmt::rfc3339).as_deref(), Some("2026-10-01T18:00:00Z"));
        assert_eq!(problems[0].line, 3);
        // Empty times, ISO dates and explicit offsets need no order.
        assert_eq!(
            expiries(&file(&["", "2026-11-28T09:12:40", "2026-11-28T09:12:40+01:00"]), &zone("UTC")),
            Ok(vec![String::new(), "2026-11-28T09:12:40Z".to_string(), "2026-11-28T08:12:40Z".to_string()])
        );
    }

    #[test]
    fn conflicting_dates_are_an_error_naming_both_lines() {
        let text = file(&["10/01/2026 18:00:00", "28/11/2026 09:12:40", "", "11/28/2026 09:12:40"]);
        assert_eq!(
            run_with(&text, &InputTimes::default()).unwrap_err(),
            "leases.csv: the dates in LeaseExpiryTime disagree on the day/month order: line 4 (\"28/11/2026 09:12:40\") is day-first, \
             line 6 (\"11/28/2026 09:12:40\") is month-first; pass --date-order dmy|mdy|ymd to say how the exporting server writes dates, \
             or export with the queries/windows scripts, which write ISO 8601 dates"
        );
        // AM/PM (en-US) with a day over 12.
        let e = run_with(&file(&["28/11/2026 9:12:40 AM"]), &InputTimes::default()).unwrap_err();
        assert!(e.contains("line 3 (\"28/11/2026 9:12:40 AM\") is day-first, line 3 (\"28/11/2026 9:12:40 AM\") is month-first"), "{e}");
    }

    #[test]
    fn input_time_zone_says_whose_wall_clock() {
        let text = file(&["28.11.2026 09:12:40", "01.07.2026 09:12:40", "2026-11-28T09:12:40Z"]);
        assert_eq!(
            expiries(&text, &zone("Europe/Berlin")),
            Ok(vec!["2026-11-28T08:12:40Z".to_string(), "2026-07-01T07:12:40Z".to_string(), "2026-11-28T09:12:40Z".to_string()])
        );
        assert_eq!(
            expiries(&text, &zone("America/New_York")),
            Ok(vec!["2026-11-28T14:12:40Z".to_string(), "2026-07-01T13:12:40Z".to_string(), "2026-11-28T09:12:40Z".to_string()])
        );
        // DST: 29 March 2026 02:30 does not exist in Berlin (shifted forward: 03:30 CEST);
        // 25 October 2026 02:30 happens twice (the earlier, CEST).
        assert_eq!(
            expiries(&file(&["29.03.2026 02:30:00", "25.10.2026 02:30:00"]), &zone("Europe/Berlin")),
            Ok(vec!["2026-03-29T01:30:00Z".to_string(), "2026-10-25T00:30:00Z".to_string()])
        );
        assert!(InputZone::from_name("Mars/Olympus").is_err());
    }

    use crate::test_support::t as utc;

    const V4: &str = include_str!("../../tests/fixtures/leases/windows-v4.csv");
    const V6: &str = include_str!("../../tests/fixtures/leases/windows-v6.csv");

    #[test]
    fn v4_fixture() {
        let (leases, problems) = run(V4);
        assert_eq!(problems, vec![]);
        assert_eq!(leases.len(), 6);

        let l = &leases[0];
        assert_eq!(l.ip, "10.0.16.21".parse::<IpAddr>().unwrap());
        assert_eq!(l.hostname.as_deref(), Some("pc1.corp.example.test"));
        assert_eq!(l.mac.as_deref(), Some("00:15:5d:01:02:03"));
        assert_eq!(l.state, LeaseState::Active);
        // en-US time as Windows PowerShell writes a DateTime: local time of the exporting machine.
        assert_eq!(l.expires, timefmt::parse_time("11/24/2026 6:00:00 PM"));
        assert!(l.expires.is_some());
        assert_eq!(l.duration, None);
        assert_eq!(l.scope(), Some("10.0.16.0"));
        assert_eq!(l.dns_registration(), Some("Complete"));
        // The server holding the lease: which --dhcp-settings rows apply.
        assert_eq!(l.server(), Some("10.0.0.2"));
        assert_eq!(&**l.source(), "leases.csv");
        assert_eq!(l.line, 3);

        let l = &leases[1];
        assert_eq!(l.hostname.as_deref(), Some("LAPTOP-7Q2K"));
        assert_eq!(l.dns_registration(), Some("Pending"));
        assert_eq!(l.line, 4);

        // ActiveReservation: no expiry.
        let l = &leases[2];
        assert_eq!(l.ip, "10.0.16.5".parse::<IpAddr>().unwrap());
        assert_eq!(l.state, LeaseState::Reservation);
        assert_eq!(l.expires, None);
        assert_eq!(l.hostname.as_deref(), Some("printer-2f.corp.example.test"));
        assert_eq!(l.line, 5);

        let l = &leases[3];
        assert_eq!(l.state, LeaseState::InactiveReservation);
        assert_eq!(l.hostname, None);
        assert_eq!(l.dns_registration(), Some("NotApplicable"));

        let l = &leases[4];
        assert_eq!(l.state, LeaseState::Expired);
        assert_eq!(l.scope(), Some("10.0.17.0"));

        // A host name with a comma and a quote is stored verbatim.
        let l = &leases[5];
        assert_eq!(l.state, LeaseState::Declined);
        assert_eq!(l.hostname.as_deref(), Some("evil,\"name\";rm -rf"));
        assert_eq!(l.line, 8);
    }

    #[test]
    fn v6_fixture() {
        let (leases, problems) = run(V6);
        assert_eq!(problems, vec![]);
        assert_eq!(leases.len(), 3);
        let l = &leases[0];
        assert_eq!(l.ip, "2001:db8:1::1a2b".parse::<IpAddr>().unwrap());
        assert_eq!(l.hostname.as_deref(), Some("pc1.corp.example.test"));
        assert_eq!(l.mac, None);
        assert_eq!(l.state, LeaseState::Active);
        assert_eq!(l.expires, Some(utc("2026-11-24T18:00:00Z")));
        assert_eq!(l.scope(), Some("2001:db8:1::"));
        assert_eq!(l.dns_registration(), None);
        assert_eq!(l.line, 2);
        // An empty AddressState (a v6 export without it) is an active lease.
        assert_eq!(leases[1].state, LeaseState::Active);
        assert_eq!(leases[1].expires, Some(utc("2026-11-25T06:30:15.5Z")));
        assert_eq!(leases[2].state, LeaseState::Reservation);
        assert_eq!(leases[2].expires, None);
        assert_eq!(leases[2].line, 4);
    }

    #[test]
    fn truncated_row() {
        let text = "#TYPE Microsoft.Management.Infrastructure.CimInstance#root/Microsoft/Windows/DHCP/DhcpServerv4Lease\n\
                    \"IPAddress\",\"ScopeId\",\"AddressState\",\"HostName\",\"LeaseExpiryTime\"\n\
                    \"10.0.16.21\",\"10.0.16.0\",\"Active\",\"pc1\",\"2026-11-24T18:00:00Z\"\n\
                    \"10.0.16.22\",\"10.0.16.0\",\"Act";
        let (leases, problems) = run(text);
        assert_eq!(leases.len(), 1);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].reason, SkipReason::Truncated);
        assert_eq!(problems[0].line, 4);
        assert_eq!(problems[0].detail, "row has 3 of the header's 5 fields");
    }

    #[test]
    fn bad_address_and_time_and_state() {
        let text = "IPAddress,AddressState,LeaseExpiryTime,HostName\n\
                    10.0.16.300,Active,2026-11-24T18:00:00Z,a\n\
                    10.0.16.30,Active,tomorrow,b\n\
                    \n\
                    10.0.16.31,Bogus,,c\n\
                    ,Active,,d\n\
                    10.0.16.32,Active,2026-11-24T18:00:00Z,e,extra\n\
                    10.0.16.33,Active,2026-11-24T18:00:00Z,ok\n";
        let (leases, problems) = run(text);
        assert_eq!(leases.len(), 1);
        assert_eq!(leases[0].hostname.as_deref(), Some("ok"));
        assert_eq!(leases[0].line, 8);
        let got = crate::test_support::details(&problems);
        assert_eq!(
            got,
            vec![
                (2, SkipReason::BadAddress, "IPAddress \"10.0.16.300\" is not an IPv4 or IPv6 address"),
                (3, SkipReason::BadTime, "LeaseExpiryTime \"tomorrow\" is not a time"),
                (5, SkipReason::Malformed, "AddressState \"Bogus\" is not a known lease state"),
                (6, SkipReason::MissingField, "IPAddress is empty"),
                (7, SkipReason::Malformed, "row has 5 fields, the header 4 (unquoted comma?)"),
            ]
        );
    }

    #[test]
    fn missing_ip_column() {
        let text = "#TYPE Selected.Microsoft.Management.Infrastructure.CimInstance\n\"ScopeId\",\"HostName\"\n\"10.0.16.0\",\"pc1\"\n";
        let (leases, problems) = run(text);
        assert!(leases.is_empty());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].reason, SkipReason::Malformed);
        assert_eq!(problems[0].line, 2);
    }

    #[test]
    fn empty_inputs() {
        for text in ["", "\n", "\u{feff}", "#TYPE Microsoft.Management.Infrastructure.CimInstance", "IPAddress,HostName\n"] {
            let (leases, problems) = run(text);
            assert!(leases.is_empty(), "{text:?}");
            assert!(problems.is_empty(), "{text:?}");
        }
    }

    #[test]
    fn bom_crlf_and_header_case() {
        let text = "\u{feff}#TYPE Microsoft.Management.Infrastructure.CimInstance\r\n\
                    \"hostname\",\"ipaddress\",\"addressSTATE\",\"LeaseExpiryTime\"\r\n\
                    \"pc1\",\"10.0.16.21\",\"Active\",\"11/24/2026 6:00:00 PM\"\r\n\
                    \"pc2\",\"10.0.16.x\",\"Active\",\"11/24/2026 6:00:00 PM\"\r\n\
                    \"pc3\",\"10.0.16.23\",\"Active\",\"11/24/2026 6:00:00 PM\"\r\n";
        let (leases, problems) = run(text);
        assert_eq!(leases.len(), 2);
        assert_eq!(leases[0].hostname.as_deref(), Some("pc1"));
        assert_eq!(leases[0].line, 3);
        assert_eq!(leases[0].expires, timefmt::parse_time("11/24/2026 6:00:00 PM"));
        assert_eq!(leases[1].hostname.as_deref(), Some("pc3"));
        assert_eq!(leases[1].line, 5);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 4);
        assert_eq!(problems[0].reason, SkipReason::BadAddress);
    }

    #[test]
    fn quoted_multiline_field_keeps_line_numbers() {
        let text = "IPAddress,Description,HostName\n10.0.0.1,\"two\nlines\",a\n10.0.0.2,,b\n";
        let (leases, problems) = run(text);
        assert!(problems.is_empty());
        assert_eq!(leases[0].line, 2);
        assert_eq!(leases[1].line, 4);
    }

    #[test]
    fn macs_match_normalize_mac() {
        for s in ["00-15-5D-01-02-03", "00-15-5d-01-02-0g", "001122334455", "01-00-15-5d-01-02-03", "", "00:15:5d:01:02:03"] {
            assert_eq!(mac(s), normalize_mac(s), "{s}");
        }
    }

    #[test]
    fn states() {
        assert_eq!(address_state("ActiveReservation"), Ok(LeaseState::Reservation));
        assert_eq!(address_state("InactiveReservation"), Ok(LeaseState::InactiveReservation));
        assert_eq!(address_state("DeclinedReservation"), Ok(LeaseState::Reservation));
        assert_eq!(address_state("Released"), Ok(LeaseState::Released));
        assert_eq!(address_state("Offered"), Ok(LeaseState::Offered));
        assert!(address_state("Nonsense").is_err());
    }

}
