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
//! Speed and memory: the file is read as a stream, never whole; a record's lines are copied
//! into one reused buffer that its tokens point into, so the only allocations per record are
//! the names that are stored.

use std::io::{self, Read};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::rtype::RecordType;
use super::{DnsData, DnsRecord, RecordData};
use crate::input::{self, Lines, Problems, ReadError, SkipReason};
use crate::timefmt;

/// Parses a zone file in memory; see [`read`]. Errs with the reason.
pub fn parse(text: &str, source: &Arc<str>, file_stem: Option<&str>, data: &mut DnsData, problems: &mut Problems) -> Result<(), String> {
    read(|| Ok(text.as_bytes()), source, file_stem, data, problems).map_err(|e| e.to_string())
}

/// Reads a zone file from the text streams `open` gives, each from the start: the lines before
/// the first record for the origin, then the records. `file_stem` is the file name without
/// `.dns`, the origin of last resort. Errs when no origin can be determined, when the file
/// holds no SOA at the apex, or on a read error.
// One pass over the stream with the state every line kind updates (origin, $TTL, the last
// owner, parentheses, delegations); the per-record work is in helpers below.
#[allow(clippy::too_many_lines, reason = "one pass with the zone file's line state")]
pub(crate) fn read<R: Read>(
    open: impl Fn() -> io::Result<R>,
    source: &Arc<str>,
    file_stem: Option<&str>,
    data: &mut DnsData,
    problems: &mut Problems,
) -> Result<(), ReadError> {
    let zone_name = zone_origin(Lines::new(open()?), file_stem)?;
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
    let mut toks: Vec<Tok> = Vec::with_capacity(16);
    // The record's physical lines (more than one inside parentheses), which tokens point into.
    let mut rec = String::new();
    let mut lines = Lines::new(open()?);

    loop {
        rec.clear();
        let Some(line_no) = lines.next_into(&mut rec)? else { break };
        toks.clear();
        let mut st = TokState::default();
        tokenize(&rec, 0, &mut toks, &mut st);
        while st.depth > 0 {
            let from = rec.len();
            match lines.next_into(&mut rec)? {
                Some(_) => tokenize(&rec, from, &mut toks, &mut st),
                None => {
                    st.eof = true;
                    break;
                }
            }
        }
        let text = |t: &Tok| rec.get(t.start..t.end).unwrap_or("");
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
        let blank_owner = rec.starts_with([' ', '\t']);

        // Directives.
        if !blank_owner && !toks[0].quoted && text(&toks[0]).starts_with('$') {
            let arg = toks.get(1).map(text);
            let d = text(&toks[0]);
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
                        problems.push(source, line_no, SkipReason::BadTime, format!("$TTL {} is not a TTL", input::quote(a)))
                    }
                    None => problems.push(source, line_no, SkipReason::Malformed, "$TTL without a value"),
                }
            } else if d.eq_ignore_ascii_case("$INCLUDE") {
                problems.push(
                    source,
                    line_no,
                    SkipReason::Malformed,
                    format!("$INCLUDE {} is not followed; export that file separately", input::quote(arg.unwrap_or(""))),
                );
            } else {
                problems.push(source, line_no, SkipReason::Malformed, format!("unknown directive {}", input::quote(d)));
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
                problems.push(source, line_no, SkipReason::Malformed, format!("quoted owner name {}", input::quote(text(&toks[0]))));
                continue;
            }
            absolute_into(text(&toks[0]), &origin, &mut owner);
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
            let s = text(t);
            if t.quoted {
                problems.push(source, line_no, SkipReason::Malformed, format!("unexpected quoted string {}", input::quote(s)));
                bad = true;
                break;
            }
            if s.starts_with('[') {
                match parse_age(s) {
                    Ok(ts) => timestamp = ts,
                    Err(SkipReason::BadTime) => {
                        // An aged record whose age is unreadable still exists: dropping it would
                        // make its host `missing`. Kept as dynamic with an age nobody can know.
                        problems.push(source, line_no, SkipReason::BadTime, format!("{} is not an [AGE:hours] stamp: the record's age is unknown", input::quote(s)));
                        timestamp = Some(super::UNREADABLE_TIMESTAMP);
                    }
                    Err(reason) => {
                        problems.push(source, line_no, reason, format!("{} is not an [AGE:hours] stamp", input::quote(s)));
                        bad = true;
                        break;
                    }
                }
            } else if s.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
                match parse_ttl(s) {
                    Some(v) => ttl = Some(v),
                    None => {
                        problems.push(source, line_no, SkipReason::BadTime, format!("TTL {} is not a TTL", input::quote(s)));
                        bad = true;
                        break;
                    }
                }
            } else if s.eq_ignore_ascii_case("IN") {
            } else if ["CS", "CH", "HS"].iter().any(|c| s.eq_ignore_ascii_case(c)) {
                problems.push(source, line_no, SkipReason::UnusedType, format!("class {} record", input::name_shown(s)));
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
            problems.push(source, line_no, SkipReason::OutsideZone, format!("{} is outside the zone {}", input::name_shown(&owner), input::name_shown(&zone_name)));
            continue;
        }
        if rtype.eq_ignore_ascii_case("NS") && owner != zone_name {
            delegations.insert(owner.clone());
        }
        if let Some(detail) = data.check_timestamp(timestamp) {
            problems.push(source, line_no, SkipReason::BadTime, format!("{}: {detail}", input::name_shown(&owner)));
        }
        let rdata = &toks[i..];
        let record = |data: RecordData| DnsRecord {
            name: crate::text::Text::from(owner.as_str()),
            data,
            timestamp,
            ttl: ttl.or(default_ttl),
            zone,
            owner: None,
        };
        let Some(kind) = RecordType::from_name(rtype) else {
            // The zone's own structure (SOA, its name servers) is read above for completeness and
            // delegations: every zone export has it, so it is not skipped input.
            if !super::is_zone_structure(rtype) {
                problems.push(source, line_no, SkipReason::UnusedType, format!("{} record", input::name_shown(&rtype.to_ascii_uppercase())));
            }
            continue;
        };
        let value = match rdata {
            [] => {
                problems.push(source, line_no, SkipReason::Truncated, format!("{} record without data", input::name_shown(rtype)));
                continue;
            }
            [v] if !v.quoted => text(v),
            _ => {
                problems.push(source, line_no, SkipReason::Malformed, format!("{} record with unexpected data", input::name_shown(rtype)));
                continue;
            }
        };
        let parsed = kind.data(value, |value| {
            let mut target = String::new();
            absolute_into(value, &origin, &mut target);
            target.shrink_to_fit();
            target
        });
        match parsed {
            Ok(d) => {
                data.records.push(record(d));
                record_lines.push(line_no);
            }
            Err(detail) => problems.push(source, line_no, SkipReason::BadAddress, detail),
        }
    }
    // dnscmd always writes the SOA first: a file without one at the apex is not a zone export
    // (an empty or damaged file), and reading it as an empty zone would call every name missing.
    if !soa_at_apex {
        data.records.truncate(first_record);
        return Err(ReadError::Unrecognised(format!("no SOA record for {} at the zone's apex: not a zone export (dnscmd /ZoneExport always writes it); export the zone again", input::name_shown(&zone_name))));
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
                Some(cut) => problems.push(source, line_no, SkipReason::OutsideZone, format!("{} is glue below the delegation of {}, not the zone's data", input::name_shown(&r.name), input::name_shown(cut))),
                None => kept.push(r),
            }
        }
        data.records.extend(kept);
    }
    // Grown as read (no reservation from the file's size): give back the spare room.
    data.records.shrink_to_fit();
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

/// One token of a record: a word, or the inside of a quoted string; `start..end` of the
/// record's text.
struct Tok {
    start: usize,
    end: usize,
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

/// Splits one physical line, `text[from..]`, into tokens, dropping the `;` comment and
/// tracking parentheses.
fn tokenize(text: &str, from: usize, toks: &mut Vec<Tok>, st: &mut TokState) {
    let b = text.as_bytes().get(from..).unwrap_or(&[]);
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
                    toks.push(Tok { start: from + start, end: from + len, quoted: true });
                    i = len;
                } else {
                    toks.push(Tok { start: from + start, end: from + j, quoted: true });
                    i = j + 1;
                }
            }
            _ => {
                let start = i;
                while i < len && !matches!(b[i], b' ' | b'\t' | b'\r' | b';' | b'(' | b')' | b'"') {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                let end = i.min(len);
                toks.push(Tok { start: from + start, end: from + end, quoted: false });
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

/// The zone's name: see the module documentation. Reads `lines` up to the first record.
fn zone_origin(mut lines: Lines<impl Read>, file_stem: Option<&str>) -> Result<String, ReadError> {
    let mut header = None;
    let mut line = String::new();
    loop {
        line.clear();
        if lines.next_into(&mut line)?.is_none() {
            break;
        }
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
        None => Err(ReadError::Unrecognised("cannot tell the zone's name: no $ORIGIN, no dnscmd header ('Database file X.dns for ZONE zone.'), \
                     and no file name to take it from"
            .to_string())),
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
mod tests;
