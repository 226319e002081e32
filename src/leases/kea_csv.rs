//! Lease reader: Kea memfile CSV (`kea-leases4.csv`, `kea-leases6.csv`).
//!
//! Columns are read by the names in the header (any case, the first of a name wins; see
//! `input::Header`), so every Kea 2.x schema works:
//! - lease4: `address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context[,pool_id]`
//! - lease6: `address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context[,hwtype,hwaddr_source[,pool_id]]`
//!
//! Only `address`, `valid_lifetime` and `expire` are required; a missing `state` column (Kea 1.x)
//! means every lease is in the default state. Kea does not quote: it writes a comma inside
//! a value (host name, user context) as `&#x2c`, which is undone here.
//!
//! - `expire` is the end of the lease in Unix seconds (UTC); `valid_lifetime` (seconds) is the
//!   lease's `duration`; a lifetime of `4294967295` is infinite (`expires` and `duration` `None`).
//! - `state`: `0` default → active, `1` declined, `2` expired-reclaimed → expired,
//!   `3` released (Kea 2.5+); any other value skips the row as malformed.
//! - `scope` is the `subnet_id`; `dns_registration` is `forward;reverse`, `forward` or `reverse`
//!   from `fqdn_fwd`/`fqdn_rev` (`1`/`true`), empty when neither.
//! - lease6 rows with `lease_type` 2 (prefix delegation) are skipped as an unused type.
//! - Kea appends a row each time a lease changes: the last row for an address wins.
//!   A header line met again (concatenated files) starts a new column layout.
//! - Mixed schemas, as Kea's own `VersionedCSVFile` reads them: a file whose header is an older
//!   schema (a prefix of the newest lease4/lease6 column list) may hold rows a newer Kea appended
//!   with more columns; such a row is read by the newest schema's column positions. A row with
//!   more columns than the newest schema (or than a header that is not such a prefix) is malformed.

use std::borrow::Cow;
use std::io::Read;
use std::net::IpAddr;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta};

use super::{Lease, LeaseState};
use crate::input::stream::{Lines, ReadError};
use crate::input::{Header, Problems, SkipReason};

/// Kea's value for an infinite lifetime.
const INFINITE: u64 = 0xffff_ffff;

/// The newest lease4 schema (Kea `csv_lease_file4.cc`); every older one is a prefix of it.
const SCHEMA4: [&str; 12] = [
    "address", "hwaddr", "client_id", "valid_lifetime", "expire", "subnet_id", "fqdn_fwd", "fqdn_rev", "hostname", "state",
    "user_context", "pool_id",
];
/// The newest lease6 schema (Kea `csv_lease_file6.cc`); every older one is a prefix of it.
const SCHEMA6: [&str; 18] = [
    "address", "duid", "valid_lifetime", "expire", "subnet_id", "pref_lifetime", "lease_type", "iaid", "prefix_len", "fqdn_fwd",
    "fqdn_rev", "hostname", "hwaddr", "state", "user_context", "hwtype", "hwaddr_source", "pool_id",
];

/// The newest schema whose prefix the header is, when it is one (an older Kea's header).
fn newer_schema(header: &[&str]) -> Option<&'static [&'static str]> {
    [&SCHEMA4[..], &SCHEMA6[..]].into_iter().find(|schema| {
        header.len() <= schema.len() && header.iter().zip(schema.iter()).all(|(h, s)| h.trim() == *s)
    })
}

/// Column positions of one header.
struct Columns {
    count: usize,
    /// The first required column the header lacks.
    missing: Option<&'static str>,
    address: Option<usize>,
    hwaddr: Option<usize>,
    client_id: Option<usize>,
    duid: Option<usize>,
    valid_lifetime: Option<usize>,
    expire: Option<usize>,
    subnet_id: Option<usize>,
    lease_type: Option<usize>,
    fqdn_fwd: Option<usize>,
    fqdn_rev: Option<usize>,
    hostname: Option<usize>,
    state: Option<usize>,
    pool_id: Option<usize>,
}

impl Columns {
    fn from_header(fields: &[&str]) -> Columns {
        let header = Header::new(fields);
        Columns {
            count: header.width(),
            missing: header.required(["address", "valid_lifetime", "expire"]).err().map(|m| m.first()),
            address: header.find("address"),
            hwaddr: header.find("hwaddr"),
            client_id: header.find("client_id"),
            duid: header.find("duid"),
            valid_lifetime: header.find("valid_lifetime"),
            expire: header.find("expire"),
            subnet_id: header.find("subnet_id"),
            lease_type: header.find("lease_type"),
            fqdn_fwd: header.find("fqdn_fwd"),
            fqdn_rev: header.find("fqdn_rev"),
            hostname: header.find("hostname"),
            state: header.find("state"),
            pool_id: header.find("pool_id"),
        }
    }
}

pub(crate) fn parse(text: &str, source: &Arc<str>, out: &mut Vec<Lease>, problems: &mut Problems) -> Result<(), ReadError> {
    read(text.as_bytes(), source, out, problems)
}

/// Reads a Kea lease CSV from a text stream, a line at a time (a busy server's memfile holds
/// a million leases); see the module documentation. A read error part-way is the error.
pub(crate) fn read(text: impl Read, source: &Arc<str>, out: &mut Vec<Lease>, problems: &mut Problems) -> Result<(), ReadError> {
    let start_len = out.len();
    // The header's columns, its line, and the newest schema it is a prefix of (if any).
    let mut cols: Option<(Columns, usize, Option<&'static [&'static str]>)> = None;
    let mut interner = super::Interner::default();
    // The lines of rows with valid_lifetime 0 (see below).
    let mut erase_lines = std::collections::HashSet::new();
    let mut lines = Lines::new(text);
    let mut line = String::new();
    loop {
        line.clear();
        let line_no = match lines.next_into(&mut line) {
            Ok(Some(n)) => n,
            Ok(None) => break,
            Err(e) => {
                // A file that failed gives no lease.
                out.truncate(start_len);
                return Err(e.into());
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').collect();
        if fields[0].trim() == "address" {
            cols = Some((Columns::from_header(&fields), line_no, newer_schema(&fields)));
            continue;
        }
        let Some((c, header_line, schema)) = &cols else {
            problems.push(source, line_no, SkipReason::MissingField, "row before the Kea CSV header (address,...)");
            continue;
        };
        if let Some(name) = c.missing {
            problems.push(source, line_no, SkipReason::MissingField, format!("the header on line {header_line} has no '{name}' column"));
            continue;
        }
        // A longer row under an older schema's header: a newer Kea appended it (see above).
        let newer;
        let c = match schema {
            Some(schema) if fields.len() > c.count && fields.len() <= schema.len() => {
                newer = Columns::from_header(schema.get(..fields.len()).unwrap_or(schema));
                &newer
            }
            _ => c,
        };
        if fields.len() != c.count {
            let (reason, detail) = if fields.len() < c.count {
                (SkipReason::Truncated, format!("expected {} fields as in the header, found {}", c.count, fields.len()))
            } else if let Some(schema) = schema {
                (
                    SkipReason::Malformed,
                    format!("found {} fields, more than the {} of the newest Kea schema (unescaped comma?)", fields.len(), schema.len()),
                )
            } else {
                (SkipReason::Malformed, format!("expected {} fields as in the header, found {}", c.count, fields.len()))
            };
            problems.push(source, line_no, reason, detail);
            continue;
        }
        match row(&fields, c, source, line_no, &mut interner, problems) {
            Some(Row::Lease(lease)) => out.push(lease),
            Some(Row::Erase(lease)) => {
                erase_lines.insert(lease.line);
                out.push(lease);
            }
            None => {}
        }
    }
    super::keep_last_per_address(out, start_len, problems);
    // Kea's loader (`lease_file_loader.h`): a row with valid_lifetime 0 removes the lease for
    // its address; the earlier rows are superseded above, the erasing row is not a lease.
    if !erase_lines.is_empty() {
        let mut i = 0;
        out.retain(|l| {
            let keep = i < start_len || !erase_lines.contains(&l.line);
            if !keep {
                problems.push(source, l.line, SkipReason::Superseded, format!("lease for {} removed: valid_lifetime 0 is how Kea records a deleted lease", l.ip));
            }
            i += 1;
            keep
        });
    }
    out.shrink_to_fit();
    Ok(())
}

/// A row Kea's loader accepts: a lease, or (valid_lifetime 0) the removal of its address's lease.
enum Row {
    Lease(Lease),
    Erase(Lease),
}

/// Whether `text` is an identifier Kea's `IdentifierType::fromText` reads
/// (`util::str::decodeFormattedHexString`), and its length within `min..=max` octets: octets
/// of one or two hex digits separated by `:` (or by spaces), or a run of hex digits (an
/// optional `0x`; an odd count has a `0` prepended). The octets, when valid.
fn kea_identifier(text: &str, min: usize, max: usize) -> Result<Vec<u8>, String> {
    let octets: Option<Vec<u8>> = if let Some(sep) = [':', ' '].into_iter().find(|&c| text.contains(c)) {
        text.split(sep).map(|p| (!p.is_empty() && p.len() <= 2).then(|| u8::from_str_radix(p, 16).ok()).flatten()).collect()
    } else {
        let digits = text.strip_prefix("0x").filter(|_| text.len() > 2).unwrap_or(text);
        let padded = if digits.len() % 2 == 1 { format!("0{digits}") } else { digits.to_string() };
        (0..padded.len()).step_by(2).map(|i| padded.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect()
    };
    let octets = octets.ok_or_else(|| format!("'{text}' is not hexadecimal octets"))?;
    if octets.len() < min || octets.len() > max {
        return Err(format!("'{text}' is {} octet(s), not {min} to {max}", octets.len()));
    }
    Ok(octets)
}

/// Whether `text` is a hardware address Kea's `HWAddr::fromText` reads
/// (`util::str::decodeColonSeparatedHexString`): octets of one or two hex digits separated by
/// `:`, at most `HWAddr::MAX_HWADDR_LEN` (20) of them. Unlike the identifiers, no other
/// separator and no bare run of digits.
fn kea_hwaddr(text: &str) -> Result<(), String> {
    if text.split(':').any(|p| p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_hexdigit())) {
        return Err(format!("'{text}' is not colon-separated hexadecimal octets"));
    }
    let octets = text.split(':').count();
    if octets > 20 {
        return Err(format!("'{text}' is {octets} octets, more than 20"));
    }
    Ok(())
}

/// The rows Kea's own loader rejects (`csv_lease_file4.cc`, `csv_lease_file6.cc`): a v4
/// lease with neither hwaddr nor client_id that is not declined; a v6 lease whose DUID is not
/// 3 to 130 hex octets, or is the empty DUID (`00:00:00`) and not declined; a v4 hwaddr that is not colon-separated hex octets. `None` when Kea
/// takes the row.
fn kea_rejects(f: &[&str], c: &Columns, ip: IpAddr, declined: bool) -> Option<String> {
    let get = |col: Option<usize>| col.and_then(|i| f.get(i)).map_or("", |s| s.trim());
    if c.duid.is_some() {
        return match kea_identifier(get(c.duid), 3, 130) {
            Err(e) => Some(format!("{ip}: duid {e} (Kea's loader rejects the row)")),
            Ok(d) if d == [0, 0, 0] && !declined => Some(format!("{ip}: the empty DUID is valid only for a declined lease (Kea's loader rejects the row)")),
            Ok(_) => None,
        };
    }
    let (hw, id) = (get(c.hwaddr), get(c.client_id));
    if let Some(e) = (!hw.is_empty()).then(|| kea_hwaddr(hw).err()).flatten() {
        return Some(format!("{ip}: hwaddr {e} (Kea's loader rejects the row)"));
    }
    if let Some(e) = (!id.is_empty()).then(|| kea_identifier(id, 2, 255).err()).flatten() {
        return Some(format!("{ip}: client_id {e} (Kea's loader rejects the row)"));
    }
    if hw.is_empty() && id.is_empty() && !declined {
        return Some(format!("{ip}: neither hwaddr nor client_id, and not declined (Kea's loader rejects the row)"));
    }
    None
}

fn row(f: &[&str], c: &Columns, source: &Arc<str>, line: usize, interner: &mut super::Interner, problems: &mut Problems) -> Option<Row> {
    // Columns are in range: the row has as many fields as the header.
    let get = |col: Option<usize>| col.and_then(|i| f.get(i)).map_or("", |s| s.trim());
    let address = get(c.address);
    let Ok(ip) = address.parse::<IpAddr>() else {
        problems.push(source, line, SkipReason::BadAddress, format!("'{address}' is not an IP address"));
        return None;
    };
    let lease_type = get(c.lease_type);
    match lease_type {
        "" | "0" | "1" => {}
        "2" => {
            problems.push(source, line, SkipReason::UnusedType, format!("{ip}: delegated prefix (IA_PD)"));
            return None;
        }
        other => {
            problems.push(source, line, SkipReason::Malformed, format!("{ip}: unknown lease_type '{other}'"));
            return None;
        }
    }
    let state = match get(c.state) {
        "" if c.state.is_none() => LeaseState::Active,
        n if let Some(state) = n.parse::<u64>().ok().and_then(super::kea_state) => state,
        other => {
            problems.push(source, line, SkipReason::Malformed, format!("{ip}: unknown state '{other}'"));
            return None;
        }
    };
    // Not used, but a value Kea would reject (it is a number) means the row is not what it seems.
    let pool_id = get(c.pool_id);
    if !pool_id.is_empty() && pool_id.parse::<u32>().is_err() {
        problems.push(source, line, SkipReason::Malformed, format!("{ip}: pool_id '{pool_id}' is not a number"));
        return None;
    }
    if let Some(why) = kea_rejects(f, c, ip, state == LeaseState::Declined) {
        problems.push(source, line, SkipReason::Malformed, why);
        return None;
    }
    let lifetime_s = get(c.valid_lifetime);
    let Ok(lifetime) = lifetime_s.parse::<u64>() else {
        problems.push(source, line, SkipReason::BadTime, format!("{ip}: valid_lifetime '{lifetime_s}' is not a number of seconds"));
        return None;
    };
    let expire_s = get(c.expire);
    let expire = expire_s.parse::<i64>().ok().and_then(|s| DateTime::from_timestamp(s, 0));
    let Some(expire) = expire else {
        problems.push(source, line, SkipReason::BadTime, format!("{ip}: expire '{expire_s}' is not a Unix time"));
        return None;
    };
    let (expires, duration) = if lifetime >= INFINITE {
        (None, None)
    } else {
        // lifetime < 2^32 s: always representable.
        (Some(expire), TimeDelta::try_seconds(lifetime as i64))
    };
    let hostname = get(c.hostname);
    let hostname = if hostname.is_empty() { None } else { Some(unescape(hostname).as_ref().into()) };
    let scope = get(c.subnet_id);
    let fwd = flag(get(c.fqdn_fwd));
    let rev = flag(get(c.fqdn_rev));
    let lease = Lease {
        ip,
        hostname,
        mac: super::normalize_mac(get(c.hwaddr)),
        state,
        expires,
        duration,
        origin: interner.origin(source, scope, super::Registration::Ddns(super::ddns_updates(fwd, rev)), ""),
        line,
    };
    Some(if lifetime == 0 { Row::Erase(lease) } else { Row::Lease(lease) })
}

fn flag(s: &str) -> bool {
    s == "1" || s.eq_ignore_ascii_case("true")
}

/// Undoes Kea's CSV escaping: `&#xHH` is the byte `HH` (Kea writes `&#x2c` for a comma).
/// An `&#x` not followed by two hex digits stays as it is.
fn unescape(s: &str) -> Cow<'_, str> {
    if !s.contains("&#x") {
        return Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut bytes = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"&#x")
            && i + 5 <= b.len()
            && let (Some(hi), Some(lo)) = (hex(b[i + 3]), hex(b[i + 4]))
        {
            bytes.push(hi << 4 | lo);
            i += 5;
            continue;
        }
        bytes.push(b[i]);
        i += 1;
    }
    // An escaped byte that breaks UTF-8 stays visible.
    Cow::Owned(crate::input::utf8_or_latin1(bytes))
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    const V4: &str = include_str!("../../tests/fixtures/leases/kea-leases4.csv");
    const V4_POOL: &str = include_str!("../../tests/fixtures/leases/kea-leases4-pool.csv");
    const V6: &str = include_str!("../../tests/fixtures/leases/kea-leases6.csv");
    const H4: &str = "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context\n";

    fn run(text: &str) -> (Vec<Lease>, Problems) {
        let src: Arc<str> = Arc::from("kea-leases.csv");
        let mut out = Vec::new();
        let mut problems = Problems::default();
        parse(text, &src, &mut out, &mut problems).unwrap();
        (out, problems)
    }

    /// What a test compares of a read: each lease's address, host name and line, each problem.
    type Seen = (Vec<(IpAddr, Option<String>, usize)>, Vec<(usize, SkipReason, String)>);

    fn seen(out: &[Lease], problems: Problems) -> Seen {
        (out.iter().map(|l| (l.ip, l.hostname.as_deref().map(str::to_string), l.line)).collect(), problems.list.into_iter().map(|p| (p.line, p.reason, p.detail)).collect())
    }

    #[test]
    fn streamed_in_any_block_size_and_encoding_the_same_leases_and_lines() {
        use crate::input::stream::{Decoder, Encoding};
        // The fixture with CRLF, a blank line, a bad row, a later row for an address, and a
        // non-ASCII host name at the end.
        let text = V4.replace('\n', "\r\n") + "\r\n10.0.0.x,,,3600,1700000000,1,0,0,bad,0,\r\n192.0.2.200,00:11:22:33:44:55,,3600,1700000000,1,0,0,café,0,\r\n";
        let (out, problems) = run(&text);
        let want = seen(&out, problems);
        assert!(want.0.iter().any(|(_, h, _)| h.as_deref() == Some("café")) && !want.1.is_empty());
        let utf8_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        let latin1: Vec<u8> = text.chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect();
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        for bytes in [text.as_bytes(), &utf8_bom, &latin1, &utf16] {
            for block in (1..=7).chain([64 * 1024]) {
                let encoding = Encoding::sniff(bytes, block).unwrap();
                let (mut out, mut problems) = (Vec::new(), Problems::default());
                read(Decoder::new(bytes, encoding, block), &Arc::from("kea-leases.csv"), &mut out, &mut problems).unwrap();
                assert_eq!(seen(&out, problems), want, "blocks of {block}");
            }
        }
    }

    #[test]
    fn a_read_error_part_way_is_the_files_error() {
        use crate::input::stream::tests::FailAfter;
        let text = H4.to_string() + &"192.0.2.10,00:11:22:33:44:55,,3600,1700000000,1,0,0,pc,0,\n".repeat(100);
        let (mut out, mut problems) = (Vec::new(), Problems::default());
        let e = read(FailAfter(text.as_bytes(), 1000), &Arc::from("kea-leases.csv"), &mut out, &mut problems).unwrap_err();
        assert_eq!(e.at(std::path::Path::new("kea-leases.csv")).to_string(), "cannot read kea-leases.csv: disk gone");
        assert!(out.is_empty() && problems.is_empty(), "{out:?} {problems:?}");
    }

    fn at(secs: i64) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(secs, 0)
    }

    use crate::test_support::reasons;

    use crate::test_support::ip;

    #[test]
    fn lease4_file() {
        let (leases, problems) = run(V4);
        // The first row for 192.0.2.10 is replaced by the last one.
        assert_eq!(reasons(&problems.list), vec![(2, SkipReason::Superseded)]);
        assert_eq!(leases.len(), 5);
        let pi = &leases[0];
        assert_eq!(pi.ip, ip("192.0.2.11"));
        assert_eq!(pi.hostname.as_deref(), Some("pi-lab"));
        assert_eq!(pi.mac.as_deref(), Some("b8:27:eb:12:34:56"));
        assert_eq!(pi.state, LeaseState::Active);
        assert_eq!(pi.expires, at(1_795_590_000));
        assert_eq!(pi.duration, Some(TimeDelta::seconds(86_400)));
        assert_eq!(pi.scope(), Some("1"));
        assert_eq!(pi.dns_registration(), Some("forward"));
        assert_eq!(pi.line, 3);
        assert_eq!(&**pi.source(), "kea-leases.csv");

        let declined = &leases[1];
        assert_eq!((declined.state, declined.hostname.as_deref(), declined.dns_registration()), (LeaseState::Declined, None, None));
        assert_eq!(declined.scope(), Some("2"));

        let reclaimed = &leases[2];
        assert_eq!(reclaimed.state, LeaseState::Expired);
        assert_eq!(reclaimed.hostname.as_deref(), Some("old,box"));
        assert_eq!(reclaimed.dns_registration(), Some("reverse"));

        let infinite = &leases[3];
        assert_eq!((infinite.expires, infinite.duration), (None, None));
        assert_eq!(infinite.mac, None);
        assert_eq!(infinite.dns_registration(), None);

        let last = &leases[4];
        assert_eq!(last.ip, ip("192.0.2.10"));
        assert_eq!(last.line, 7);
        assert_eq!(last.hostname.as_deref(), Some("laptop-ana.corp.example.test."));
        assert_eq!(last.expires, at(1_795_507_200));
        assert_eq!(last.duration, Some(TimeDelta::seconds(3600)));
        assert_eq!(last.dns_registration(), Some("forward;reverse"));
        assert_eq!(last.mac.as_deref(), Some("3c:22:fb:0a:1b:2c"));
    }

    #[test]
    fn lease4_with_pool_id() {
        let (leases, problems) = run(V4_POOL);
        assert!(problems.is_empty(), "{:?}", problems.list);
        assert_eq!(leases.len(), 2);
        assert_eq!(leases[0].hostname.as_deref(), Some("build-07.corp.example.test"));
        assert_eq!(leases[0].scope(), Some("20"));
        assert_eq!(leases[0].duration, Some(TimeDelta::seconds(7200)));
        assert_eq!(leases[1].state, LeaseState::Released);
        assert_eq!(leases[1].line, 3);
    }

    #[test]
    fn lease6_file() {
        let (leases, problems) = run(V6);
        assert_eq!(reasons(&problems.list), vec![(4, SkipReason::UnusedType)]);
        assert_eq!(leases.len(), 3);
        let a = &leases[0];
        assert_eq!(a.ip, ip("2001:db8:1::10"));
        assert_eq!(a.hostname.as_deref(), Some("laptop-ana.corp.example.test."));
        assert_eq!(a.mac.as_deref(), Some("3c:22:fb:0a:1b:2c"));
        assert_eq!(a.state, LeaseState::Active);
        assert_eq!(a.expires, at(1_795_507_200));
        assert_eq!(a.duration, Some(TimeDelta::seconds(7200)));
        assert_eq!(a.scope(), Some("1"));
        assert_eq!(a.dns_registration(), Some("forward;reverse"));
        assert_eq!(a.line, 2);
        // IA_TA lease, no hardware address
        assert_eq!((leases[1].mac.as_deref(), leases[1].hostname.as_deref()), (None, None));
        assert_eq!(leases[2].state, LeaseState::Declined);
        assert_eq!(leases[2].line, 5);
    }

    #[test]
    fn truncated_bad_rows() {
        let text = format!(
            "{H4}192.0.2.10,3c:22:fb:0a:1b:2c,,3600,1795507200,1,1,1,a,0,\n\
             192.0.2.11,3c:22:fb:0a:1b:2d,,3600,17955\n\
             192.0.2.300,3c:22:fb:0a:1b:2e,,3600,1795507200,1,1,1,b,0,\n\
             192.0.2.12,3c:22:fb:0a:1b:2f,,3600,soon,1,1,1,c,0,\n\
             192.0.2.13,3c:22:fb:0a:1b:30,,1h,1795507200,1,1,1,c,0,\n\
             192.0.2.14,3c:22:fb:0a:1b:31,,3600,1795507200,1,1,1,d,9,\n\
             192.0.2.15,3c:22:fb:0a:1b:32,,3600,1795507200,1,1,1,d,0,,extra\n\
             192.0.2.16,3c:22:fb:0a:1b:33,,3600,1795507200,1,1,1,d,0,,7,extra\n"
        );
        let (leases, problems) = run(&text);
        assert_eq!(leases.len(), 1);
        assert_eq!(
            reasons(&problems.list),
            vec![
                (3, SkipReason::Truncated),
                (4, SkipReason::BadAddress),
                (5, SkipReason::BadTime),
                (6, SkipReason::BadTime),
                (7, SkipReason::Malformed),
                (8, SkipReason::Malformed),
                (9, SkipReason::Malformed)
            ]
        );
        let details: Vec<&str> = problems.list.iter().map(|p| p.detail.as_str()).collect();
        // The 12th field is pool_id (Kea 2.6 schema), which must be a number.
        assert_eq!(details[5], "192.0.2.15: pool_id 'extra' is not a number");
        assert_eq!(details[6], "found 13 fields, more than the 12 of the newest Kea schema (unescaped comma?)");
    }

    /// Kea's own `CSVLeaseFile4Test.mixedSchemaload`: a schema 1.0 header, then rows of
    /// schema 1.0, 2.0 (state) and 2.1 (user context), all read.
    #[test]
    fn mixed_schema_lease4_as_kea_reads_it() {
        let text = "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname\n\
                    192.0.2.1,06:07:08:09:1a:bc,,200,200,8,1,1,one.example.com\n\
                    192.0.2.2,06:07:08:09:2a:bc,,200,200,8,1,1,two.example.com,1\n\
                    192.0.2.3,06:07:08:09:3a:bc,,200,200,8,1,1,three.example.com,2,{ \"foobar\": true }\n\
                    192.0.2.4,06:07:08:09:4a:bc,,200,200,8,1,0,four.example.com,0,,5\n\
                    192.0.2.5,06:07:08:09:5a:bc,,200,200,8,1,0,five.example.com,0,,5,x\n";
        let (leases, problems) = run(text);
        let got: Vec<_> = leases
            .iter()
            .map(|l| (l.ip, l.hostname.as_deref(), l.mac.as_deref(), l.state, l.expires, l.scope(), l.line))
            .collect();
        assert_eq!(
            got,
            vec![
                (ip("192.0.2.1"), Some("one.example.com"), Some("06:07:08:09:1a:bc"), LeaseState::Active, at(200), Some("8"), 2),
                (ip("192.0.2.2"), Some("two.example.com"), Some("06:07:08:09:2a:bc"), LeaseState::Declined, at(200), Some("8"), 3),
                (ip("192.0.2.3"), Some("three.example.com"), Some("06:07:08:09:3a:bc"), LeaseState::Expired, at(200), Some("8"), 4),
                (ip("192.0.2.4"), Some("four.example.com"), Some("06:07:08:09:4a:bc"), LeaseState::Active, at(200), Some("8"), 5),
            ]
        );
        assert_eq!(leases[3].dns_registration(), Some("forward"));
        let got: Vec<String> = problems.list.iter().map(ToString::to_string).collect();
        assert_eq!(got, vec!["kea-leases.csv:6: malformed record: found 13 fields, more than the 12 of the newest Kea schema (unescaped comma?)"]);
    }

    /// Kea's own `CSVLeaseFile6Test.mixedSchemaLoad`: a schema 1.0 header, then rows of
    /// schema 1.0, 2.0 (hwaddr), 3.0 (state) and 3.1 (user context).
    #[test]
    fn mixed_schema_lease6_as_kea_reads_it() {
        let text = "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname\n\
                    2001:db8:1::1,00:01:02:03:04:05:06:0a:0b:0c:0d:0e:01,200,200,8,100,0,7,0,1,1,one.example.com\n\
                    2001:db8:1::2,00:01:02:03:04:05:06:0a:0b:0c:0d:0e:02,200,200,8,100,0,7,0,1,1,two.example.com,01:02:03:04:05\n\
                    2001:db8:1::3,00:01:02:03:04:05:06:0a:0b:0c:0d:0e:03,200,200,8,100,0,7,0,1,1,three.example.com,0a:0b:0c:0d:0e,1\n\
                    2001:db8:1::4,00:01:02:03:04:05:06:0a:0b:0c:0d:0e:03,200,200,8,100,0,7,0,1,1,three.example.com,0a:0b:0c:0d:0e,1,{ \"foobar\": true }\n";
        let (leases, problems) = run(text);
        assert!(problems.is_empty(), "{:?}", problems.list);
        let got: Vec<_> =
            leases.iter().map(|l| (l.ip, l.hostname.as_deref(), l.mac.as_deref(), l.state, l.expires, l.line)).collect();
        assert_eq!(
            got,
            vec![
                (ip("2001:db8:1::1"), Some("one.example.com"), None, LeaseState::Active, at(200), 2),
                (ip("2001:db8:1::2"), Some("two.example.com"), Some("01:02:03:04:05"), LeaseState::Active, at(200), 3),
                (ip("2001:db8:1::3"), Some("three.example.com"), Some("0a:0b:0c:0d:0e"), LeaseState::Declined, at(200), 4),
                (ip("2001:db8:1::4"), Some("three.example.com"), Some("0a:0b:0c:0d:0e"), LeaseState::Declined, at(200), 5),
            ]
        );
    }

    #[test]
    fn header_without_address() {
        let (leases, problems) = run("addr,hwaddr\n1.2.3.4,aa:bb\n");
        assert!(leases.is_empty());
        assert_eq!(reasons(&problems.list), vec![(1, SkipReason::MissingField), (2, SkipReason::MissingField)]);
        let (_, problems) = run("address,hwaddr\n1.2.3.4,aa:bb\n");
        assert_eq!(reasons(&problems.list), vec![(2, SkipReason::MissingField)]);
    }

    #[test]
    fn empty_file() {
        for text in ["", "\n", H4] {
            let (leases, problems) = run(text);
            assert!(leases.is_empty() && problems.is_empty(), "{text:?}");
        }
    }

    #[test]
    fn bom_and_crlf() {
        let text = format!("\u{feff}{}", V4.replace('\n', "\r\n"));
        let (leases, problems) = run(&text);
        assert_eq!(leases, run(V4).0);
        assert_eq!(reasons(&problems.list), vec![(2, SkipReason::Superseded)]);
        // CRLF does not leak into the last column.
        let (leases, _) = run(&V6.replace('\n', "\r\n"));
        assert_eq!(leases[0].duration, Some(TimeDelta::seconds(7200)));
    }

    #[test]
    fn last_wins_and_repeated_header() {
        let text = format!(
            "{H4}192.0.2.10,3c:22:fb:0a:1b:2c,,3600,1795507200,1,1,1,first,0,\n\
             {H4}192.0.2.10,3c:22:fb:0a:1b:2c,,3600,1795510800,1,1,1,second,0,\n"
        );
        let (leases, problems) = run(&text);
        assert_eq!(leases.len(), 1);
        assert_eq!(leases[0].hostname.as_deref(), Some("second"));
        assert_eq!(leases[0].line, 4);
        assert_eq!(reasons(&problems.list), vec![(2, SkipReason::Superseded)]);
    }

    #[test]
    fn header_names_in_any_case_the_first_of_a_name_wins() {
        let text = "address,HWADDR,client_id,Valid_Lifetime,EXPIRE,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,hostname\n\
                    192.0.2.10,3c:22:fb:0a:1b:2c,,3600,1795507200,1,1,1,first,0,,second\n";
        let (leases, problems) = run(text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(leases[0].mac.as_deref(), Some("3c:22:fb:0a:1b:2c"));
        assert_eq!(leases[0].hostname.as_deref(), Some("first"));
        assert_eq!(leases[0].duration, Some(TimeDelta::seconds(3600)));
    }

    #[test]
    fn unescaping() {
        assert_eq!(unescape("a&#x2cb&#x2cc"), "a,b,c");
        assert_eq!(unescape("plain"), "plain");
        assert_eq!(unescape("odd&#x2"), "odd&#x2");
        assert_eq!(unescape("odd&#xzz"), "odd&#xzz");
        assert_eq!(unescape("&#xe9t&#xe9"), "\u{e9}t\u{e9}");
    }

}

/// Issue #19 item 12: the rows Kea's own loader rejects or erases are not leases here either.
#[cfg(test)]
mod loader_rules;
