//! DNS records reader: zone files as `dnscmd /ZoneExport` writes them (RFC 1035 master-file
//! syntax, with `[AGE:<hours since 1601>]` before the TTL of an aged record). Part of stage 3
//! ([`crate::dns`]): turns one file into [`DnsRecord`]s of one zone, plus problems.
//!
//! Rules:
//! - The zone (and the first origin) is the first `$ORIGIN` before any record; else the zone
//!   named by dnscmd's `;  Database file X.dns for ZONE zone.` header; else the file name
//!   without `.dns`.
//! - The file must hold the zone's SOA at its apex (dnscmd always writes it); else it is not a
//!   zone export and reading fails. Records outside the zone, and at or below a delegation
//!   (NS at a non-apex owner), are glue: counted as `OutsideZone`, not kept; the delegated
//!   child is registered as a zone without data (its names are `unknown`).
//! - A record timestamp that is implausible at `as_of` is reported as `bad time`; the record
//!   is kept, and the audit gives it an unknown age.
//! - `$TTL` sets the TTL of records that state none; without either the TTL is unknown (`None`).
//!   `$INCLUDE` is not followed (a problem); later `$ORIGIN`s change how relative names read.
//! - A record without `[AGE:]`, or with `[AGE:0]`, is static (no timestamp).
//! - A, AAAA, PTR and CNAME are kept; other types are counted as unused.
//!
//! Speed: tokens borrow from the text and one token buffer is reused, so the only allocations
//! per record are the names that are stored.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{DnsData, DnsRecord, RecordData};
use crate::input::{self, Problems, SkipReason};
use crate::timefmt;

/// Parses a zone file. `file_stem` is the file name without `.dns`, the origin of last resort.
/// Errs (with the reason) only when no origin can be determined.
pub fn parse(
    text: &str,
    source: &Arc<str>,
    file_stem: Option<&str>,
    data: &mut DnsData,
    problems: &mut Problems,
) -> Result<(), String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let zone_name = zone_origin(text, file_stem)?;
    let zone = data.zone_id(&zone_name, source);
    let first_record = data.records.len();
    // The line of each record kept, for the glue found below a delegation afterwards.
    let mut record_lines: Vec<usize> = Vec::new();
    // Owners of NS records below the apex: delegations; what lies at or below them is glue.
    let mut delegations: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut soa_at_apex = false;
    let mut origin = zone_name.clone();
    let mut default_ttl: Option<u32> = None;
    // The last owner written out, absolute; blank-owner lines reuse it.
    let mut owner = String::new();
    let mut have_owner = false;
    let mut toks: Vec<Tok<'_>> = Vec::with_capacity(16);
    let mut lines = input::numbered_lines(text);

    while let Some((line_no, line)) = lines.next() {
        toks.clear();
        let mut st = TokState::default();
        tokenize(line, &mut toks, &mut st);
        while st.depth > 0 {
            match lines.next() {
                Some((_, more)) => tokenize(more, &mut toks, &mut st),
                None => {
                    st.eof = true;
                    break;
                }
            }
        }
        if st.eof {
            problems.push(source, line_no, SkipReason::Truncated, "'(' not closed before the end of the file");
            continue;
        }
        if toks.is_empty() {
            if let Some(e) = st.err {
                problems.push(source, line_no, SkipReason::Malformed, e);
            }
            continue;
        }
        if let Some(e) = st.err {
            problems.push(source, line_no, SkipReason::Malformed, e);
            continue;
        }
        let blank_owner = line.starts_with([' ', '\t']);

        // Directives.
        if !blank_owner && !toks[0].quoted && toks[0].text.starts_with('$') {
            let arg = toks.get(1).map(|t| t.text);
            let d = toks[0].text;
            if d.eq_ignore_ascii_case("$ORIGIN") {
                match arg {
                    Some(a) => {
                        let mut o = String::new();
                        absolute_into(a, &origin, &mut o);
                        origin = o;
                    }
                    None => problems.push(source, line_no, SkipReason::Malformed, "$ORIGIN without a name"),
                }
            } else if d.eq_ignore_ascii_case("$TTL") {
                match arg.map(|a| (a, parse_ttl(a))) {
                    Some((_, Some(t))) => default_ttl = Some(t),
                    Some((a, None)) => {
                        problems.push(source, line_no, SkipReason::BadTime, format!("$TTL '{a}' is not a TTL"))
                    }
                    None => problems.push(source, line_no, SkipReason::Malformed, "$TTL without a value"),
                }
            } else if d.eq_ignore_ascii_case("$INCLUDE") {
                problems.push(
                    source,
                    line_no,
                    SkipReason::Malformed,
                    format!("$INCLUDE {} is not followed; export that file separately", arg.unwrap_or("")),
                );
            } else {
                problems.push(source, line_no, SkipReason::Malformed, format!("unknown directive '{d}'"));
            }
            continue;
        }

        // Owner.
        let mut i = 0;
        if blank_owner {
            if !have_owner {
                problems.push(source, line_no, SkipReason::Malformed, "record without an owner name and no previous owner");
                continue;
            }
        } else {
            if toks[0].quoted {
                problems.push(source, line_no, SkipReason::Malformed, format!("quoted owner name \"{}\"", toks[0].text));
                continue;
            }
            absolute_into(toks[0].text, &origin, &mut owner);
            have_owner = true;
            i = 1;
        }

        // [AGE:], TTL and class, in any order, then the type.
        let mut ttl = None;
        let mut timestamp: Option<DateTime<Utc>> = None;
        let mut rtype = None;
        let mut bad = false;
        while let Some(t) = toks.get(i) {
            i += 1;
            let s = t.text;
            if t.quoted {
                problems.push(source, line_no, SkipReason::Malformed, format!("unexpected quoted string \"{s}\""));
                bad = true;
                break;
            }
            if s.starts_with('[') {
                match parse_age(s) {
                    Ok(ts) => timestamp = ts,
                    Err(SkipReason::BadTime) => {
                        // An aged record whose age is unreadable still exists: dropping it would
                        // make its host `missing`. Kept as dynamic with an age nobody can know.
                        problems.push(source, line_no, SkipReason::BadTime, format!("'{s}' is not an [AGE:hours] stamp: the record's age is unknown"));
                        timestamp = Some(super::UNREADABLE_TIMESTAMP);
                    }
                    Err(reason) => {
                        problems.push(source, line_no, reason, format!("'{s}' is not an [AGE:hours] stamp"));
                        bad = true;
                        break;
                    }
                }
            } else if s.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
                match parse_ttl(s) {
                    Some(v) => ttl = Some(v),
                    None => {
                        problems.push(source, line_no, SkipReason::BadTime, format!("TTL '{s}' is not a TTL"));
                        bad = true;
                        break;
                    }
                }
            } else if s.eq_ignore_ascii_case("IN") {
            } else if ["CS", "CH", "HS"].iter().any(|c| s.eq_ignore_ascii_case(c)) {
                problems.push(source, line_no, SkipReason::UnusedType, format!("class {s} record"));
                bad = true;
                break;
            } else {
                rtype = Some(s);
                break;
            }
        }
        if bad {
            continue;
        }
        let Some(rtype) = rtype else {
            problems.push(source, line_no, SkipReason::Truncated, "record without a type");
            continue;
        };
        if rtype.eq_ignore_ascii_case("SOA") && owner == zone_name {
            soa_at_apex = true;
        }
        if !in_zone(&owner, &zone_name) {
            problems.push(source, line_no, SkipReason::OutsideZone, format!("{owner} is outside the zone {zone_name}"));
            continue;
        }
        if rtype.eq_ignore_ascii_case("NS") && owner != zone_name {
            delegations.insert(owner.clone());
        }
        if let Some(detail) = data.check_timestamp(timestamp).filter(|_| timestamp != Some(super::UNREADABLE_TIMESTAMP)) {
            problems.push(source, line_no, SkipReason::BadTime, format!("{owner}: {detail}"));
        }
        let rdata = &toks[i..];
        let record = |data: RecordData| DnsRecord {
            name: owner.clone(),
            data,
            timestamp,
            ttl: ttl.or(default_ttl),
            zone,
        };
        let kind = if rtype.eq_ignore_ascii_case("A") {
            Kind::V4
        } else if rtype.eq_ignore_ascii_case("AAAA") {
            Kind::V6
        } else if rtype.eq_ignore_ascii_case("PTR") {
            Kind::Ptr
        } else if rtype.eq_ignore_ascii_case("CNAME") {
            Kind::Cname
        } else {
            problems.push(source, line_no, SkipReason::UnusedType, format!("{} record", rtype.to_ascii_uppercase()));
            continue;
        };
        let value = match rdata {
            [] => {
                problems.push(source, line_no, SkipReason::Truncated, format!("{rtype} record without data"));
                continue;
            }
            [v] if !v.quoted => v.text,
            _ => {
                problems.push(source, line_no, SkipReason::Malformed, format!("{rtype} record with unexpected data"));
                continue;
            }
        };
        let parsed = match kind {
            Kind::V4 => value.parse::<Ipv4Addr>().ok().map(|a| RecordData::Addr(IpAddr::V4(a))),
            Kind::V6 => value.parse::<Ipv6Addr>().ok().map(|a| RecordData::Addr(IpAddr::V6(a))),
            Kind::Ptr | Kind::Cname => {
                let mut target = String::new();
                absolute_into(value, &origin, &mut target);
                target.shrink_to_fit();
                Some(if kind == Kind::Ptr { RecordData::Ptr(target) } else { RecordData::Cname(target) })
            }
        };
        match parsed {
            Some(d) => {
                data.records.push(record(d));
                record_lines.push(line_no);
            }
            None => problems.push(
                source,
                line_no,
                SkipReason::BadAddress,
                format!("'{value}' is not an IPv{} address", if kind == Kind::V4 { 4 } else { 6 }),
            ),
        }
    }
    // dnscmd always writes the SOA first: a file without one at the apex is not a zone export
    // (an empty or damaged file), and reading it as an empty zone would call every name missing.
    if !soa_at_apex {
        data.records.truncate(first_record);
        return Err(format!("no SOA record for {zone_name} at the zone's apex: not a zone export (dnscmd /ZoneExport always writes it); export the zone again"));
    }
    data.apex_seen(zone, true);
    // A delegated child is another zone, which this export does not hold: its names are
    // `unknown` (unless its own export is read too), as for a zone without its apex.
    for cut in &delegations {
        let child = data.zone_id(cut, source);
        data.apex_seen(child, false);
    }
    if !delegations.is_empty() {
        let mut kept = Vec::with_capacity(record_lines.len());
        let tail = data.records.split_off(first_record);
        for (r, line_no) in tail.into_iter().zip(record_lines) {
            match delegation_of(&r.name, &zone_name, &delegations) {
                Some(cut) => problems.push(source, line_no, SkipReason::OutsideZone, format!("{} is glue below the delegation of {cut}, not the zone's data", r.name)),
                None => kept.push(r),
            }
        }
        data.records.extend(kept);
    }
    Ok(())
}

/// Whether `name` is `zone` or below it.
fn in_zone(name: &str, zone: &str) -> bool {
    zone.is_empty() || name == zone || name.strip_suffix(zone).is_some_and(|head| head.ends_with('.'))
}

/// The delegation point at or above `name` within `zone`, if any.
fn delegation_of<'s>(name: &str, zone: &str, delegations: &'s std::collections::BTreeSet<String>) -> Option<&'s str> {
    let mut rest = name;
    while rest.len() > zone.len() {
        if let Some(cut) = delegations.get(rest) {
            return Some(cut);
        }
        rest = rest.split_once('.')?.1;
    }
    None
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    V4,
    V6,
    Ptr,
    Cname,
}

/// One token of a record: a word, or the inside of a quoted string.
struct Tok<'a> {
    text: &'a str,
    quoted: bool,
}

#[derive(Default)]
struct TokState {
    /// Open parentheses: the record continues on the next line.
    depth: u32,
    /// The first syntax error seen in the record.
    err: Option<&'static str>,
    /// The file ended inside parentheses.
    eof: bool,
}

/// Splits one physical line into tokens, dropping the `;` comment and tracking parentheses.
fn tokenize<'a>(line: &'a str, toks: &mut Vec<Tok<'a>>, st: &mut TokState) {
    let b = line.as_bytes();
    let len = b.len();
    let mut i = 0;
    while i < len {
        match b[i] {
            b' ' | b'\t' | b'\r' => i += 1,
            b';' => break,
            b'(' => {
                st.depth += 1;
                i += 1;
            }
            b')' => {
                if st.depth == 0 {
                    st.err.get_or_insert("')' without '('");
                } else {
                    st.depth -= 1;
                }
                i += 1;
            }
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < len && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                if j >= len {
                    st.err.get_or_insert("quoted string not closed on its line");
                    toks.push(Tok { text: line.get(start..).unwrap_or(""), quoted: true });
                    i = len;
                } else {
                    toks.push(Tok { text: line.get(start..j).unwrap_or(""), quoted: true });
                    i = j + 1;
                }
            }
            _ => {
                let start = i;
                while i < len && !matches!(b[i], b' ' | b'\t' | b'\r' | b';' | b'(' | b')' | b'"') {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                let end = i.min(len);
                toks.push(Tok { text: line.get(start..end).unwrap_or(""), quoted: false });
            }
        }
    }
}

/// Writes `name` made absolute against `origin` into `out`: lowercase, no trailing dot.
fn absolute_into(name: &str, origin: &str, out: &mut String) {
    out.clear();
    if name == "@" {
        out.push_str(origin);
        return;
    }
    if let Some(abs) = name.strip_suffix('.') {
        out.push_str(abs);
    } else {
        out.reserve(name.len() + 1 + origin.len());
        out.push_str(name);
        if !origin.is_empty() {
            out.push('.');
            out.push_str(origin);
        }
    }
    out.make_ascii_lowercase();
}

/// `[AGE:3636304]` (dnscmd /ZoneExport) or `[Aging:3636304]` (dnscmd /ZonePrint). 0 is static.
fn parse_age(s: &str) -> Result<Option<DateTime<Utc>>, SkipReason> {
    let inner = s.strip_prefix('[').and_then(|r| r.strip_suffix(']')).ok_or(SkipReason::Malformed)?;
    let (key, hours) = inner.split_once(':').ok_or(SkipReason::Malformed)?;
    if !(key.eq_ignore_ascii_case("AGE") || key.eq_ignore_ascii_case("AGING")) {
        return Err(SkipReason::Malformed);
    }
    let hours: u32 = hours.trim().parse().map_err(|_| SkipReason::BadTime)?;
    if hours == 0 {
        return Ok(None);
    }
    timefmt::from_dns_hours(hours).map(Some).ok_or(SkipReason::BadTime)
}

/// A TTL in seconds, or in BIND's units (`1h30m`, `2d`, `1w`).
fn parse_ttl(s: &str) -> Option<u32> {
    if let Ok(v) = s.parse::<u32>() {
        return Some(v);
    }
    let mut total: u64 = 0;
    let mut n: Option<u64> = None;
    for c in s.chars() {
        if let Some(d) = c.to_digit(10) {
            n = Some(n.unwrap_or(0).checked_mul(10)?.checked_add(u64::from(d))?);
            continue;
        }
        let unit = match c.to_ascii_lowercase() {
            'w' => 604_800,
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        total = total.checked_add(n.take()?.checked_mul(unit)?)?;
    }
    if n.is_some() {
        return None;
    }
    u32::try_from(total).ok()
}

/// The zone's name: see the module documentation.
fn zone_origin(text: &str, file_stem: Option<&str>) -> Result<String, String> {
    let mut header = None;
    for (_, line) in input::numbered_lines(text) {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(comment) = t.strip_prefix(';') {
            if header.is_none() {
                header = dnscmd_header(comment);
            }
            continue;
        }
        if t.starts_with('$') {
            let mut parts = t.split_whitespace();
            if parts.next().is_some_and(|d| d.eq_ignore_ascii_case("$ORIGIN"))
                && let Some(o) = parts.next().map(super::normalize_name).filter(|o| !o.is_empty())
            {
                return Ok(o);
            }
            continue;
        }
        break;
    }
    if let Some(h) = header {
        return Ok(h);
    }
    match file_stem.map(super::normalize_name).filter(|s| !s.is_empty()) {
        Some(s) => Ok(s),
        None => Err("cannot tell the zone's name: no $ORIGIN, no dnscmd header ('Database file X.dns for ZONE zone.'), \
                     and no file name to take it from"
            .to_string()),
    }
}

/// The zone of dnscmd's `Database file corp.example.test.dns for corp.example.test zone.`
fn dnscmd_header(comment: &str) -> Option<String> {
    let rest = comment.trim().strip_prefix("Database file ")?;
    let (_, zone) = rest.rsplit_once(" for ")?;
    let zone = zone.trim_end();
    let zone = zone.strip_suffix("zone.").or_else(|| zone.strip_suffix("zone"))?;
    let zone = super::normalize_name(zone);
    (!zone.is_empty()).then_some(zone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::test_support::reasons;
    use crate::input::Problem;

    const CORP: &str = include_str!("../../tests/fixtures/dns/corp.example.test.dns");
    const REVERSE: &str = include_str!("../../tests/fixtures/dns/16.0.10.in-addr.arpa.dns");

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
        DnsRecord { name: name.into(), data, timestamp: ts, ttl: Some(ttl), zone: 0 }
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
                (6, SkipReason::UnusedType),  // SOA
                (17, SkipReason::UnusedType), // NS
                (25, SkipReason::UnusedType), // _msdcs NS
                (30, SkipReason::UnusedType), // _ldap SRV
                (31, SkipReason::UnusedType), // MX
                (32, SkipReason::UnusedType), // TXT with a quoted ';'
            ]
        );
        assert_eq!(problems[0].detail, "SOA record");
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
        assert_eq!(reasons(&problems), vec![(6, SkipReason::UnusedType), (15, SkipReason::UnusedType)]);
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
        let got: Vec<_> = data.records.iter().map(|r| (r.name.as_str(), r.ttl, r.zone)).collect();
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
        assert_eq!(reasons(&problems), vec![(3, SkipReason::UnusedType), (6, SkipReason::OutsideZone)]);
        assert_eq!(problems[1].detail, "other.test is outside the zone lab.example.test");
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
            vec![(2, SkipReason::UnusedType), (3, SkipReason::Truncated), (4, SkipReason::Truncated), (6, SkipReason::Truncated)]
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
                (12, SkipReason::UnusedType),
            ]
        );
        assert_eq!(problems[0].detail, "'10.0.0.300' is not an IPv4 address");
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

}
