//! DNS records reader: the CSV `queries/windows/export-dns-records.ps1` writes from
//! `Get-DnsServerResourceRecord`, columns `ZoneName,HostName,RecordType,Timestamp,TimeToLive,RecordData`.
//! Part of stage 3 ([`crate::dns`]).
//!
//! Rules:
//! - Header by name, case-insensitive, any order; an optional `#TYPE` first line. `TimeToLive`
//!   may be absent; the other columns are required. An optional `Owner` column holds the owner
//!   of the record's `dnsNode` (`DOMAIN\name` as `Get-Acl` writes it; empty: not known).
//! - `HostName` is relative to `ZoneName` (`@` is the apex) unless it ends with a dot (absolute)
//!   or already equals the zone name or ends with `.` + the zone name (taken as written).
//! - `Timestamp` is ISO 8601 or the exporting machine's culture format (in the file's date
//!   order, see [`timefmt::DateOrderScan`]), UTC when it carries no zone; empty means a static record.
//! - `TimeToLive` is seconds (`1200`) or a .NET TimeSpan (`00:20:00`, `1.00:00:00`).
//! - A zone with no row at its apex (`@`, any type; the cmdlet always returns the SOA and NS)
//!   is a partial export: reported, and the zone is unusable (its names are `unknown`).
//! - `RecordData` is the address of an A/AAAA record, the target of a PTR/CNAME (trailing
//!   dot optional, always absolute). Other record types are counted as unused.

use std::collections::HashMap;
use std::io::{self, Read};
use std::sync::Arc;

use super::rtype::RecordType;
use super::{DnsData, DnsRecord, RecordOwner, normalize_name};
use crate::input::{self, Header, MissingColumns, Problems, ReadError, SkipReason};
use crate::timefmt;

/// Parses a DNS records CSV in memory; see [`read`].
pub fn parse(text: &str, source: &Arc<str>, times: &timefmt::InputTimes, data: &mut DnsData, problems: &mut Problems) -> Result<(), ReadError> {
    read(|| Ok(text.as_bytes()), source, times, data, problems)
}

/// Reads a DNS records CSV from the text streams `open` gives, each from the start: one pass
/// for the date order (unless forced), one for the rows.
pub(crate) fn read<R: Read>(
    open: impl Fn() -> io::Result<R>,
    source: &Arc<str>,
    times: &timefmt::InputTimes,
    data: &mut DnsData,
    problems: &mut Problems,
) -> Result<(), ReadError> {
    let order = input::csv_column_order(&open, &["timestamp"], str::is_empty, times, source, "Timestamp")?;
    // This format's times without a zone are UTC, whatever --input-time-zone says.
    let utc = timefmt::InputTimes { date_order: order, zone: timefmt::InputZone::Named(chrono_tz::UTC) };
    // Each zone named in the file, and whether a row (of any type) sits at its apex.
    let mut apex: Vec<(String, bool)> = Vec::new();
    // One shared owner per distinct `Owner` text: a zone has few owners and many records.
    let mut owners: HashMap<String, Arc<RecordOwner>> = HashMap::new();
    let columns = |header: &Header| {
        Columns::from_header(header).map_err(|missing| format!("the header lacks the column(s) {missing}; no record read"))
    };
    input::read_csv_rows(open()?, source, problems, columns, |row, c, line, problems| {
        note_apex(row, c, &mut apex);
        if let Some(mut rec) = record(row, c, line, source, &utc, data, problems) {
            let text = c.owner.and_then(|i| row.get(i)).map(str::trim).unwrap_or("");
            rec.owner = match owners.get(text) {
                Some(o) => Some(Arc::clone(o)),
                None => RecordOwner::from_name(text).map(Arc::new).inspect(|o| {
                    owners.insert(text.to_string(), Arc::clone(o));
                }),
            };
            data.records.push(rec);
        }
    })?;
    data.records.shrink_to_fit();
    // Get-DnsServerResourceRecord always lists the apex's SOA and NS: a zone without them was
    // exported partly (filtered by type or name), so its absent names prove nothing.
    for (zone_name, seen) in apex {
        let zone = data.zone_id(&zone_name, source);
        if !seen {
            problems.push(source, 0, SkipReason::MissingField, format!(
                "zone {}: no record at its apex (@), not even the SOA: the export is partial, so its names are reported unknown",
                input::name_shown(&zone_name)
            ));
        }
        data.apex_seen(zone, seen);
    }
    Ok(())
}

/// Records the row's zone, and whether the row is at the zone's apex.
fn note_apex(row: &csv::StringRecord, c: &Columns, apex: &mut Vec<(String, bool)>) {
    let field = |i: usize| row.get(i).unwrap_or("").trim();
    let (zone_name, host) = (field(c.zone), field(c.host));
    if zone_name.is_empty() || host.is_empty() {
        return;
    }
    let zone = normalize_name(zone_name);
    let at_apex = owner_name(host, &zone) == zone;
    // Exports hold a handful of zones: a list beats a map.
    match apex.iter_mut().find(|(z, _)| *z == zone) {
        Some((_, seen)) => *seen |= at_apex,
        None => apex.push((zone, at_apex)),
    }
}

/// Column positions.
struct Columns {
    zone: usize,
    host: usize,
    rtype: usize,
    timestamp: usize,
    data: usize,
    ttl: Option<usize>,
    /// The optional `Owner` column (the node's ACL owner, `DOMAIN\name`).
    owner: Option<usize>,
}

impl Columns {
    /// The columns, and the fields a complete row has (up to the last column read).
    fn from_header(header: &Header) -> Result<(Columns, usize), MissingColumns> {
        let [zone, host, rtype, timestamp, data] = header.required(["zonename", "hostname", "recordtype", "timestamp", "recorddata"])?;
        let ttl = header.find("timetolive");
        let owner = header.find("owner");
        let width = [zone, host, rtype, timestamp, data, ttl.unwrap_or(0), owner.unwrap_or(0)].into_iter().max().unwrap_or(0) + 1;
        Ok((Columns { zone, host, rtype, timestamp, data, ttl, owner }, width))
    }
}

fn record(
    row: &csv::StringRecord,
    c: &Columns,
    line: usize,
    source: &Arc<str>,
    utc: &timefmt::InputTimes,
    data: &mut DnsData,
    problems: &mut Problems,
) -> Option<DnsRecord> {
    let field = |i: usize| row.get(i).unwrap_or("").trim();
    let (zone_name, host, rtype, value) = (field(c.zone), field(c.host), field(c.rtype), field(c.data));
    for (what, v) in [("ZoneName", zone_name), ("HostName", host), ("RecordType", rtype)] {
        if v.is_empty() {
            problems.push(source, line, SkipReason::MissingField, format!("empty {what}"));
            return None;
        }
    }
    let Some(kind) = RecordType::from_name(rtype) else {
        // The zone's SOA and name servers: its structure (the SOA tells the export is whole),
        // in every export, so not skipped input.
        if !super::is_zone_structure(rtype) {
            problems.push(source, line, SkipReason::UnusedType, format!("{} record", input::name_shown(&rtype.to_ascii_uppercase())));
        }
        return None;
    };
    if value.is_empty() {
        problems.push(source, line, SkipReason::MissingField, format!("{kind} record with an empty RecordData"));
        return None;
    }
    let stamp = field(c.timestamp);
    let timestamp = if stamp.is_empty() {
        None
    } else {
        match utc.parse(stamp, utc.date_order) {
            Some(t) => Some(t),
            None => {
                // The record exists whatever its stamp says: dropping it would make its host
                // `missing`. Kept as dynamic with an age nobody can know.
                problems.push(source, line, SkipReason::BadTime, format!("Timestamp {} is not a time: the record's age is unknown", input::quote(stamp)));
                Some(super::UNREADABLE_TIMESTAMP)
            }
        }
    };
    let ttl = match c.ttl.map(field).filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => match timefmt::parse_ttl(t) {
            Some(v) => Some(v),
            None => {
                problems.push(source, line, SkipReason::BadTime, format!("TimeToLive {} is not a TTL", input::quote(t)));
                return None;
            }
        },
    };
    let rdata = match kind.data(value, normalize_name) {
        Ok(rdata) => rdata,
        Err(detail) => {
            problems.push(source, line, SkipReason::BadAddress, detail);
            return None;
        }
    };
    let zone_norm = normalize_name(zone_name);
    let name = owner_name(host, &zone_norm);
    let zone = data.zone_id(&zone_norm, source);
    if let Some(detail) = data.check_timestamp(timestamp) {
        problems.push(source, line, SkipReason::BadTime, format!("{}: {detail}", input::name_shown(&name)));
    }
    Some(DnsRecord { name: name.into(), data: rdata, timestamp, ttl, zone, owner: None })
}

/// `HostName` made absolute: see the module documentation.
fn owner_name(host: &str, zone: &str) -> String {
    if host == "@" {
        return zone.to_string();
    }
    if host.ends_with('.') {
        return normalize_name(host);
    }
    let host = host.to_ascii_lowercase();
    let is_absolute = host == zone
        || (host.len() > zone.len() && host.ends_with(zone) && host.as_bytes()[host.len() - zone.len() - 1] == b'.');
    if is_absolute || zone.is_empty() { host } else { format!("{host}.{zone}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::RecordData;
    use crate::test_support::reasons;
    use crate::input::Problem;
    use chrono::{DateTime, Utc};

    const FIXTURE: &str = include_str!("../../tests/fixtures/dns/records.csv");

    fn read(text: &str) -> (DnsData, Vec<Problem>) {
        read_with(text, &timefmt::InputTimes::default()).unwrap()
    }

    fn read_with(text: &str, times: &timefmt::InputTimes) -> Result<(DnsData, Vec<Problem>), String> {
        let mut data = DnsData::default();
        let mut problems = Problems::default();
        parse(text, &Arc::from("records.csv"), times, &mut data, &mut problems).map_err(|e| e.to_string())?;
        Ok((data, problems.list))
    }

    #[test]
    fn culture_timestamps_follow_the_file_order_and_stay_utc() {
        let text = "ZoneName,HostName,RecordType,Timestamp,TimeToLive,RecordData\n\
                    corp.example.test,a,A,10/01/2026 18:00:00,1200,10.0.16.1\n\
                    corp.example.test,b,A,28/11/2026 09:12:40,1200,10.0.16.2\n\
                    corp.example.test,c,A,,1200,10.0.16.3\n\
                    corp.example.test,@,NS,,3600,dc1.corp.example.test.\n";
        let berlin = timefmt::InputTimes { date_order: None, zone: timefmt::InputZone::from_name("Europe/Berlin").unwrap() };
        let (data, problems) = read_with(text, &berlin).unwrap();
        // The apex NS is read only as proof of a whole export.
        assert!(problems.iter().all(|p| p.reason == SkipReason::UnusedType), "{problems:?}");
        let got: Vec<_> = data.records.iter().map(|r| r.timestamp.map(timefmt::rfc3339)).collect();
        assert_eq!(got, vec![Some("2026-01-10T18:00:00Z".into()), Some("2026-11-28T09:12:40Z".into()), None]);
        // Alone, 10/01 could be either: 11/28 makes the file month-first.
        let (data, _) = read_with(&text.replace("28/11/2026", "11/28/2026"), &berlin).unwrap();
        assert_eq!(data.records[0].timestamp.map(timefmt::rfc3339).as_deref(), Some("2026-10-01T18:00:00Z"));
        let e = read_with(&text.replace("10/01/2026", "13/01/2026").replace("28/11/2026", "11/28/2026"), &berlin).unwrap_err();
        assert!(e.starts_with("records.csv: the dates in Timestamp disagree on the day/month order: line 2 (\"13/01/2026 18:00:00\") is day-first"), "{e}");
    }

    use crate::test_support::some_t as utc;

    fn rec(name: &str, data: RecordData, ts: Option<DateTime<Utc>>, ttl: u32, zone: usize) -> DnsRecord {
        DnsRecord { name: name.into(), data, timestamp: ts, ttl: Some(ttl), zone: crate::dns::ZoneId::new(zone), owner: None }
    }

    fn addr(s: &str) -> RecordData {
        RecordData::Addr(s.parse().unwrap())
    }

    /// The fixture streamed in blocks of 1 to 7 bytes as UTF-16 with CRLF: the records and
    /// problem lines of the text read whole.
    #[test]
    fn streamed_in_any_block_size() {
        use crate::input::stream::{Decoder, Encoding};
        let crlf = FIXTURE.replace('\n', "\r\n");
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(crlf.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let (whole, whole_problems) = read(FIXTURE);
        for block in 1..=7 {
            let (mut data, mut problems) = (DnsData::default(), Problems::default());
            let open = || Ok(Decoder::new(utf16.as_slice(), Encoding::Utf16 { big_endian: false }, block));
            super::read(open, &Arc::from("records.csv"), &timefmt::InputTimes::default(), &mut data, &mut problems).unwrap();
            assert_eq!((data.records, problems.list), (whole.records.clone(), whole_problems.clone()), "blocks of {block}");
        }
    }

    #[test]
    fn valid_export() {
        let (data, problems) = read(FIXTURE);
        let zones: Vec<_> = data.zones.iter().map(|z| z.name.as_str()).collect();
        assert_eq!(zones, vec!["corp.example.test", "16.0.10.in-addr.arpa"]);
        assert_eq!(
            data.records,
            vec![
                rec("corp.example.test", addr("10.0.0.10"), utc("2015-10-30T16:00:00Z"), 600, 0),
                rec("pc1.corp.example.test", addr("10.0.16.21"), utc("2015-10-30T16:00:00Z"), 1200, 0),
                rec("pc1.corp.example.test", addr("2001:db8:1::21"), utc("2015-10-30T16:00:00Z"), 1200, 0),
                rec("printer1.corp.example.test", addr("10.0.16.5"), None, 3600, 0),
                rec("laptop-7.corp.example.test", addr("10.0.16.40"), utc("2016-06-22T00:00:00Z"), 1200, 0),
                rec("www.corp.example.test", RecordData::Cname("web1.corp.example.test".into()), None, 3600, 0),
                rec("dc1.corp.example.test", addr("10.0.0.10"), None, 86_400, 0),
                rec("lab-pc.corp.example.test", addr("10.0.16.60"), utc("2026-11-20T08:00:00Z"), 1200, 0),
                rec("21.16.0.10.in-addr.arpa", RecordData::Ptr("pc1.corp.example.test".into()), utc("2015-10-30T16:00:00Z"), 1200, 1),
                rec("5.16.0.10.in-addr.arpa", RecordData::Ptr("printer1.corp.example.test".into()), None, 3600, 1),
            ]
        );
        assert_eq!(
            reasons(&problems),
            // The NS (8, 9) and SOA (14, 15) rows: the zones' structure, not skipped input.
            vec![]
        );
        assert!(data.zones.iter().all(|z| !z.unusable));
    }

    #[test]
    fn header_any_order_without_type_line_or_ttl() {
        let text = "recorddata,RECORDTYPE,hostname,zonename,timestamp\n10.0.0.1,a,PC9,Z.Test,\nns.,NS,@,z.test,\n";
        let (data, problems) = read(text);
        assert_eq!(reasons(&problems), vec![]);
        assert_eq!(data.records, vec![DnsRecord { name: "pc9.z.test".into(), data: addr("10.0.0.1"), timestamp: None, ttl: None, zone: crate::dns::ZoneId::new(0), owner: None }]);
    }

    #[test]
    fn truncated_and_bad_rows() {
        let text = "ZoneName,HostName,RecordType,Timestamp,TimeToLive,RecordData\n\
                    z.test,pc1,A,2026-11-20T08:00:00Z,1200\n\
                    z.test,pc2,A,,1200,10.0.0.256\n\
                    z.test,pc3,AAAA,,1200,10.0.0.3\n\
                    z.test,pc4,A,yesterday,1200,10.0.0.4\n\
                    z.test,pc5,A,,20 minutes,10.0.0.5\n\
                    z.test,,A,,1200,10.0.0.6\n\
                    z.test,pc7,A,,1200,\n\
                    z.test,pc8,A,,00:20:00,10.0.0.8\n\
                    z.test,@,NS,,1200,ns.\n\
                    z.test,\"pc9,A,,1200,10.0.0.9\n";
        let (data, problems) = read(text);
        // pc4's unreadable stamp is reported, but the record is kept (dynamic, age unknown).
        let names: Vec<_> = data.records.iter().map(|r| (r.name.as_str(), r.timestamp)).collect();
        assert_eq!(names, vec![("pc4.z.test", Some(crate::dns::UNREADABLE_TIMESTAMP)), ("pc8.z.test", None)]);
        assert_eq!(data.records[1].ttl, Some(1200));
        assert_eq!(
            reasons(&problems),
            vec![
                (2, SkipReason::Truncated),
                (3, SkipReason::BadAddress),
                (4, SkipReason::BadAddress),
                (5, SkipReason::BadTime),
                (6, SkipReason::BadTime),
                (7, SkipReason::MissingField),
                (8, SkipReason::MissingField),
                (11, SkipReason::Truncated),
            ]
        );
        assert_eq!(problems[1].detail, "\"10.0.0.256\" is not an IPv4 address");
    }

    #[test]
    fn zone_without_apex_is_unusable() {
        // Only the reverse zone's PTR rows: a partial export (filtered by type or name).
        let text = "ZoneName,HostName,RecordType,Timestamp,TimeToLive,RecordData\n\
                    z.test,@,SOA,,3600,x\n\
                    z.test,pc1,A,,1200,10.0.0.1\n\
                    0.10.in-addr.arpa,1.0,PTR,,1200,pc1.z.test.\n";
        let (data, problems) = read(text);
        let zones: Vec<_> = data.zones.iter().map(|z| (z.name.as_str(), z.unusable)).collect();
        assert_eq!(zones, vec![("z.test", false), ("0.10.in-addr.arpa", true)]);
        assert!(data.holds("pc1.z.test") && !data.holds("1.0.0.10.in-addr.arpa"));
        assert_eq!(problems.last().map(|p| (p.line, p.reason, p.detail.as_str())), Some((0, SkipReason::MissingField,
            "zone 0.10.in-addr.arpa: no record at its apex (@), not even the SOA: the export is partial, so its names are reported unknown")));
    }

    #[test]
    fn implausible_timestamp_is_bad_time_and_kept() {
        let text = "ZoneName,HostName,RecordType,Timestamp,TimeToLive,RecordData\n\
                    z.test,@,SOA,,3600,x\n\
                    z.test,pc1,A,2999-12-31T23:00:00,1200,10.0.0.1\n";
        let mut data = DnsData { as_of: utc("2026-11-20T12:00:00Z"), ..DnsData::default() };
        let mut problems = Problems::default();
        parse(text, &Arc::from("records.csv"), &timefmt::InputTimes::default(), &mut data, &mut problems).unwrap();
        assert_eq!(data.records.len(), 1);
        let p = problems.list.last().unwrap();
        assert_eq!((p.line, p.reason), (3, SkipReason::BadTime));
        assert_eq!(p.detail, "pc1.z.test: timestamp 2999-12-31T23:00:00Z is after --as-of 2026-11-20T12:00:00Z plus a day: the record's age is unknown");
    }

    #[test]
    fn missing_columns() {
        let (data, problems) = read("#TYPE Foo\nZoneName,HostName,RecordData\nz.test,pc1,10.0.0.1\n");
        assert!(data.records.is_empty());
        assert_eq!(reasons(&problems), vec![(2, SkipReason::MissingField)]);
        assert_eq!(problems[0].detail, "the header lacks the column(s) recordtype, timestamp; no record read");
    }

    #[test]
    fn empty_file() {
        let (data, problems) = read("");
        assert!(data.records.is_empty() && data.zones.is_empty() && problems.is_empty());
        let (data, problems) = read("ZoneName,HostName,RecordType,Timestamp,TimeToLive,RecordData\r\n");
        assert!(data.records.is_empty() && problems.is_empty());
    }

    #[test]
    fn bom_and_crlf() {
        let (plain, plain_problems) = read(FIXTURE);
        let (data, problems) = read(&format!("\u{feff}{}", FIXTURE.replace('\n', "\r\n")));
        assert_eq!(data.records, plain.records);
        assert_eq!(problems, plain_problems);
    }

    #[test]
    fn host_names() {
        assert_eq!(owner_name("@", "z.test"), "z.test");
        assert_eq!(owner_name("PC1", "z.test"), "pc1.z.test");
        assert_eq!(owner_name("pc1.z.test", "z.test"), "pc1.z.test");
        assert_eq!(owner_name("Z.Test", "z.test"), "z.test");
        assert_eq!(owner_name("pc1.other.", "z.test"), "pc1.other");
        assert_eq!(owner_name("pc1.xz.test", "z.test"), "pc1.xz.test.z.test");
        assert_eq!(owner_name("pc1.sub", "z.test"), "pc1.sub.z.test");
    }

    #[test]
    fn owner_column() {
        let text = "ZoneName,HostName,RecordType,Timestamp,TimeToLive,RecordData,Owner\n\
                    z.test,@,SOA,,3600,x,NT AUTHORITY\\SYSTEM\n\
                    z.test,pc1,A,2026-11-01T00:00:00Z,1200,10.0.0.1,CORP\\PC1$\n\
                    z.test,pc2,A,2026-11-01T00:00:00Z,1200,10.0.0.2,\n";
        let (data, problems) = read(text);
        assert!(problems.iter().all(|p| p.reason == SkipReason::UnusedType), "{problems:?}");
        let owners: Vec<Option<String>> = data.records.iter().map(|r| r.owner.as_ref().map(|o| o.display.clone())).collect();
        assert_eq!(owners, [Some("CORP\\PC1$".to_string()), None]);
        assert_eq!(data.records[0].owner.as_ref().map(|o| o.kind), Some(crate::dns::AccountKind::Computer));
        // Without the column, no owner.
        let (data, _) = read(FIXTURE);
        assert!(data.records.iter().all(|r| r.owner.is_none()));
    }
}
