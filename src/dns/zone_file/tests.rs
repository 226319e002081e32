//! Unit tests of the `zone_file` reader.

use super::*;
use crate::test_support::reasons;
use crate::input::Problem;

const CORP: &str = include_str!("../../../tests/fixtures/dns/corp.example.test.dns");
const REVERSE: &str = include_str!("../../../tests/fixtures/dns/16.0.10.in-addr.arpa.dns");

fn read(text: &str, stem: Option<&str>) -> (DnsData, Vec<Problem>) {
    let mut data = DnsData::default();
    let mut problems = Problems::default();
    let source: Arc<str> = Arc::from("zone.dns");
    parse(text, &source, stem, &mut data, &mut problems).unwrap();
    (data, problems.list)
}

fn at(hours: u32) -> Option<DateTime<Utc>> {
    timefmt::from_dns_hours(hours)
}

fn addr(s: &str) -> RecordData {
    RecordData::Addr(s.parse().unwrap())
}

fn rec(name: &str, data: RecordData, ts: Option<DateTime<Utc>>, ttl: u32) -> DnsRecord {
    DnsRecord { name: name.into(), data, timestamp: ts, ttl: Some(ttl), zone: crate::dns::ZoneId::new(0), owner: None }
}

#[test]
fn dnscmd_forward_zone() {
    let (data, problems) = read(CORP, None);
    let zones: Vec<_> = data.zones.iter().map(|z| (z.name.as_str(), z.unusable)).collect();
    // _msdcs is delegated (NS below the apex): another zone, not held by this export.
    assert_eq!(zones, vec![("corp.example.test", false), ("_msdcs.corp.example.test", true)]);
    assert_eq!(&*data.zones[0].source, "zone.dns");
    assert_eq!(
        data.records,
        vec![
            rec("dc1.corp.example.test", addr("10.0.0.10"), None, 3600),
            rec("corp.example.test", addr("10.0.0.10"), at(3636304), 600),
            rec("pc1.corp.example.test", addr("10.0.16.21"), at(3636304), 1200),
            rec("pc1.corp.example.test", addr("2001:db8:1::21"), at(3636304), 1200),
            rec("printer1.corp.example.test", addr("10.0.16.5"), None, 3600),
            rec("laptop-7.corp.example.test", addr("10.0.16.40"), at(3642000), 1200),
            rec("www.corp.example.test", RecordData::Cname("web1.corp.example.test".into()), None, 3600),
            rec("web1.corp.example.test", addr("10.0.0.80"), None, 3600),
            rec("files.corp.example.test", RecordData::Cname("nas.other.example".into()), None, 3600),
        ]
    );
    assert_eq!(
        reasons(&problems),
        vec![
            // The SOA (6) and the NS records (17, _msdcs 25) are the zone's structure: not skipped.
            (30, SkipReason::UnusedType), // _ldap SRV
            (31, SkipReason::UnusedType), // MX
            (32, SkipReason::UnusedType), // TXT with a quoted ';'
        ]
    );
    assert_eq!(problems[0].detail, "SRV record");
}

#[test]
fn dnscmd_reverse_zone() {
    let (data, problems) = read(REVERSE, None);
    assert_eq!(data.zones[0].name, "16.0.10.in-addr.arpa");
    assert_eq!(
        data.records,
        vec![
            rec("21.16.0.10.in-addr.arpa", RecordData::Ptr("pc1.corp.example.test".into()), at(3636304), 1200),
            rec("5.16.0.10.in-addr.arpa", RecordData::Ptr("printer1.corp.example.test".into()), None, 3600),
            rec("40.16.0.10.in-addr.arpa", RecordData::Ptr("laptop-7.corp.example.test".into()), at(3642000), 1200),
            rec("99.16.0.10.in-addr.arpa", RecordData::Ptr("old-pc.corp.example.test".into()), at(3600000), 1200),
        ]
    );
    // Its SOA (6) and NS (15): the zone's structure, not skipped input.
    assert_eq!(reasons(&problems), vec![]);
}

#[test]
fn origin_ttl_and_names() {
    let text = "$TTL 1h\n$ORIGIN Lab.Example.Test.\n\
                @ IN SOA ns1 host ( 1 2 3 4 5 )\n\
                Host1 IN 300 A 192.0.2.1\n\
                \t[AGE:3636304] IN AAAA 2001:db8::1\n\
                other.test. A 192.0.2.2\n\
                $ORIGIN sub\n\
                h2 A 192.0.2.3\n\
                alias CNAME h2\n\
                rev PTR @\n";
    let (data, problems) = read(text, Some("ignored"));
    assert_eq!(data.zones[0].name, "lab.example.test");
    let got: Vec<_> = data.records.iter().map(|r| (r.name.as_str(), r.ttl, r.zone.index())).collect();
    assert_eq!(
        got,
        vec![
            ("host1.lab.example.test", Some(300), 0),
            ("host1.lab.example.test", Some(3600), 0),
            ("h2.sub.lab.example.test", Some(3600), 0),
            ("alias.sub.lab.example.test", Some(3600), 0),
            ("rev.sub.lab.example.test", Some(3600), 0),
        ]
    );
    assert_eq!(data.records[1].timestamp, at(3636304));
    assert_eq!(data.records[3].data, RecordData::Cname("h2.sub.lab.example.test".into()));
    assert_eq!(data.records[4].data, RecordData::Ptr("sub.lab.example.test".into()));
    assert_eq!(reasons(&problems), vec![(6, SkipReason::OutsideZone)]);
    assert_eq!(problems[0].detail, "other.test is outside the zone lab.example.test");
}

#[test]
fn origin_from_file_stem_or_error() {
    let (data, _) = read("pc1 A 10.0.0.1\n@ SOA ns. host. 1 2 3 4 5\n", Some("Corp.Example.Test"));
    assert_eq!(data.zones[0].name, "corp.example.test");
    assert_eq!(data.records[0].name, "pc1.corp.example.test");
    assert_eq!(data.records[0].ttl, None);
    let mut data = DnsData::default();
    let err = parse("pc1 A 10.0.0.1\n", &Arc::from("x"), None, &mut data, &mut Problems::default()).unwrap_err();
    assert!(err.starts_with("cannot tell the zone's name"), "{err}");
}

#[test]
fn truncated_records() {
    let text = ";  Database file z.dns for z.test zone.\n\
                @ 3600 SOA ns. host. 1 2 3 4 5\n\
                pc1 [AGE:3636304] 1200 A\n\
                pc2 [AGE:3636304] 1200\n\
                pc3 1200 A 10.0.0.3\n\
                @ 3600 NS ns. (\n  1 2 3\n";
    let (data, problems) = read(text, None);
    assert_eq!(data.records.len(), 1);
    assert_eq!(data.records[0].name, "pc3.z.test");
    assert_eq!(
        reasons(&problems),
        vec![(3, SkipReason::Truncated), (4, SkipReason::Truncated), (6, SkipReason::Truncated)]
    );
}

#[test]
fn bad_address_age_and_syntax() {
    let text = "$ORIGIN z.test.\n\
                pc1 A 10.0.0.300\n\
                pc2 AAAA 10.0.0.2\n\
                pc3 [AGE:soon] A 10.0.0.3\n\
                pc4 [AGE:99999999999] A 10.0.0.4\n\
                pc5 A 10.0.0.5 extra\n\
                pc6 A \"10.0.0.6\n\
                $INCLUDE other.dns\n\
                $GENERATE 1-9 h$ A 10.0.0.$\n\
                pc7 ) A 10.0.0.7\n\
                pc8 [AGE:3636304] 1200 A 10.0.0.8\n\
                @ SOA ns. host. 1 2 3 4 5\n";
    let (data, problems) = read(text, None);
    // pc3 and pc4 are kept with an unknown age: they exist, whatever their stamp says.
    let names: Vec<_> = data.records.iter().map(|r| (r.name.as_str(), r.timestamp == Some(crate::dns::UNREADABLE_TIMESTAMP))).collect();
    assert_eq!(names, vec![("pc3.z.test", true), ("pc4.z.test", true), ("pc8.z.test", false)]);
    assert_eq!(
        reasons(&problems),
        vec![
            (2, SkipReason::BadAddress),
            (3, SkipReason::BadAddress),
            (4, SkipReason::BadTime),
            (5, SkipReason::BadTime),
            (6, SkipReason::Malformed),
            (7, SkipReason::Malformed),
            (8, SkipReason::Malformed),
            (9, SkipReason::Malformed),
            (10, SkipReason::Malformed),
        ]
    );
    assert_eq!(problems[0].detail, "\"10.0.0.300\" is not an IPv4 address");
}

fn read_err(text: &str, stem: Option<&str>) -> (DnsData, String) {
    let mut data = DnsData::default();
    let err = parse(text, &Arc::from("zone.dns"), stem, &mut data, &mut Problems::default()).unwrap_err();
    (data, err)
}

#[test]
fn empty_or_garbage_file_is_not_a_zone_export() {
    let want = "no SOA record for z.test at the zone's apex: not a zone export (dnscmd /ZoneExport always writes it); export the zone again";
    assert_eq!(read_err("", Some("z.test")).1, want);
    // Random bytes read as text: whatever parses as records is not kept.
    let garbage = "\u{1}\u{7f}x A 10.0.0.1\n\u{fffd}\u{fffd} ;\n@@@ ((\n";
    let (data, err) = read_err(garbage, Some("z.test"));
    assert_eq!(err, want);
    assert!(data.records.is_empty());
    // A SOA below the apex is not the zone's.
    assert_eq!(read_err("$ORIGIN z.test.\nsub SOA ns. host. 1 2 3 4 5\npc A 10.0.0.1\n", None).1, want);
}

#[test]
fn glue_outside_the_zone_and_below_delegations_is_not_kept() {
    let text = "$ORIGIN corp.example.test.\n\
                @ SOA ns1 host 1 2 3 4 5\n\
                @ NS ns1\n\
                ns1 A 10.0.0.53\n\
                ns1.other.example. A 192.0.2.1\n\
                lab NS ns.lab\n\
                ns.lab A 10.1.0.53\n\
                pc.sub.lab A 10.1.0.9\n\
                lab A 10.1.0.1\n\
                laboratory A 10.0.0.7\n\
                corp.example.test.evil. A 10.9.9.9\n";
    let (data, problems) = read(text, None);
    let got: Vec<_> = data.records.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(got, vec!["ns1.corp.example.test", "laboratory.corp.example.test"]);
    let skipped: Vec<_> =
        problems.iter().filter(|p| p.reason == SkipReason::OutsideZone).map(|p| (p.line, p.detail.as_str())).collect();
    assert_eq!(
        skipped,
        vec![
            (5, "ns1.other.example is outside the zone corp.example.test"),
            (11, "corp.example.test.evil is outside the zone corp.example.test"),
            (7, "ns.lab.corp.example.test is glue below the delegation of lab.corp.example.test, not the zone's data"),
            (8, "pc.sub.lab.corp.example.test is glue below the delegation of lab.corp.example.test, not the zone's data"),
            (9, "lab.corp.example.test is glue below the delegation of lab.corp.example.test, not the zone's data"),
        ]
    );
    assert!(!SkipReason::OutsideZone.is_defect());
    assert!(data.holds("laboratory.corp.example.test"));
    assert!(!data.holds("pc.sub.lab.corp.example.test") && !data.holds("lab.corp.example.test"));
}

#[test]
fn implausible_age_is_bad_time_and_kept() {
    let text = "$ORIGIN z.test.\n@ SOA ns. host. 1 2 3 4 5\n\
                pc [AGE:2283864263] 1200 A 10.0.0.1\n\
                old [AGE:1] 1200 A 10.0.0.2\n\
                ok [AGE:3636304] 1200 A 10.0.0.3\n";
    let mut data = DnsData { as_of: timefmt::parse_time_utc("2026-11-20T12:00:00Z"), ..DnsData::default() };
    let mut problems = Problems::default();
    parse(text, &Arc::from("zone.dns"), None, &mut data, &mut problems).unwrap();
    assert_eq!(data.records.len(), 3);
    let bad: Vec<_> = problems.list.iter().filter(|p| p.reason == SkipReason::BadTime).map(|p| (p.line, p.detail.as_str())).collect();
    assert_eq!(
        bad,
        vec![
            (3, "pc.z.test: timestamp +262142-12-31T23:00:00Z is after --as-of 2026-11-20T12:00:00Z plus a day: the record's age is unknown"),
            (4, "old.z.test: timestamp 1601-01-01T01:00:00Z is before 1990: the record's age is unknown"),
        ]
    );
}

#[test]
fn bom_and_crlf() {
    let crlf = format!("\u{feff}{}", CORP.replace('\n', "\r\n"));
    let (data, problems) = read(&crlf, None);
    let (plain, plain_problems) = read(CORP, None);
    assert_eq!(data.zones[0].name, "corp.example.test");
    assert_eq!(data.records, plain.records);
    assert_eq!(problems, plain_problems);
}

#[test]
fn ttl_forms() {
    assert_eq!(parse_ttl("1200"), Some(1200));
    assert_eq!(parse_ttl("1h30m"), Some(5400));
    assert_eq!(parse_ttl("1W"), Some(604_800));
    assert_eq!(parse_ttl("1h3"), None);
    assert_eq!(parse_ttl("99999999999"), None);
}

/// A zone file with CRLF, a record in parentheses over three lines, comments and bad records,
/// and a non-ASCII byte late in the file (an ANSI export: Latin-1).
const STREAMED: &str = ";  Database file z.dns for z.test zone.\r\n\
                        @ 3600 SOA ns1.z.test. admin.z.test. (\r\n\
                        \t1 ; serial\r\n\
                        \t900 600 86400 3600 )\r\n\
                        \r\n\
                        pc1 [AGE:3636304] 1200 A 10.0.0.1\r\n\
                        pc2 1200 A 10.0.0.300\r\n\
                        ; café\r\n\
                        pc3 A 10.0.0.3\r\n\
                        pc4 ( A\r\n";

#[test]
fn streamed_in_any_block_size_and_encoding_reads_the_same_records_and_lines() {
    use crate::input::stream::{Decoder, Encoding};
    let latin1: Vec<u8> = STREAMED.chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect();
    let utf16: Vec<u8> = [0xFE, 0xFF].into_iter().chain(STREAMED.encode_utf16().flat_map(u16::to_be_bytes)).collect();
    for bytes in [STREAMED.as_bytes(), &latin1, &utf16] {
        for block in (1..=7).chain([64 * 1024]) {
            let encoding = Encoding::sniff(bytes, block).unwrap();
            let (mut data, mut problems) = (DnsData::default(), Problems::default());
            super::read(|| Ok(Decoder::new(bytes, encoding, block)), &Arc::from("z.dns"), None, &mut data, &mut problems).unwrap();
            let names: Vec<_> = data.records.iter().map(|r| r.name.to_string()).collect();
            assert_eq!((data.zones[0].name.as_str(), names), ("z.test", vec!["pc1.z.test".to_string(), "pc3.z.test".to_string()]));
            assert_eq!(
                reasons(&problems.list),
                vec![(7, SkipReason::BadAddress), (10, SkipReason::Truncated)],
                "blocks of {block}: {bytes:?}"
            );
        }
    }
}

#[test]
fn a_read_error_part_way_is_the_files_error() {
    use crate::input::stream::tests::FailAfter;
    let text = STREAMED.to_string() + &"pc A 10.0.0.9\n".repeat(100);
    for n in [20, 300] {
        let (mut data, mut problems) = (DnsData::default(), Problems::default());
        let e = super::read(|| Ok(FailAfter(text.as_bytes(), n)), &Arc::from("z.dns"), None, &mut data, &mut problems).unwrap_err();
        assert_eq!(e.at(std::path::Path::new("z.dns")).to_string(), "cannot read z.dns: disk gone");
    }
}
