//! MS-DNSP decoding of the two binary attributes that AD-integrated DNS keeps in the directory:
//! `dnsRecord` on `dnsNode` objects (MS-DNSP 2.3.2.2) and `dNSProperty` on `dnsZone` objects
//! (MS-DNSP 2.3.2.1). Pure functions over bytes, no I/O; every length is checked, so a
//! truncated or inconsistent value comes back as a [`DecodeError`], never a panic.
//!
//! Layouts, as MS-DNSP and Samba's `librpc/idl/dnsp.idl` define them:
//!
//! `dnsRecord` (little-endian except where noted):
//! ```text
//! 0  DataLength u16   length of Data
//! 2  Type       u16   DNS_RECORD_TYPE (0 = tombstone)
//! 4  Version    u8    always 5
//! 5  Rank       u8
//! 6  Flags      u16   unused
//! 8  Serial     u32
//! 12 TtlSeconds u32   BIG-endian
//! 16 Reserved   u32
//! 20 TimeStamp  u32   hours since 1601-01-01 UTC; 0 = static record
//! 24 Data       DataLength bytes
//! ```
//! Data: A is 4 address bytes in network order, AAAA 16; PTR/CNAME/NS are a DNS_COUNT_NAME
//! (Length u8 = bytes of the raw name including its terminating 0, LabelCount u8, then
//! LabelCount × (len u8, bytes), then 0); a tombstone holds the FILETIME of its deletion.
//!
//! `dNSProperty`: DataLength u32, NameLength u32, Flag u32, Version u32 (1), Id u32, Data
//! (DataLength bytes), Name (1 byte per MS-DNSP, 4 bytes as Samba writes it; not read).
//! The property ids used here (MS-DNSP 2.3.2.1.1, same values in Samba's dnsp.idl):
//! DSPROPERTY_ZONE_NOREFRESH_INTERVAL 0x10 and DSPROPERTY_ZONE_REFRESH_INTERVAL 0x20 (hours),
//! DSPROPERTY_ZONE_AGING_STATE 0x40 (boolean). Windows may store these scalars in fewer than
//! four little-endian bytes; 1 to 4 bytes are accepted and zero-extended.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use chrono::TimeDelta;

use crate::dns::ZoneAging;

pub(crate) const DNS_TYPE_TOMBSTONE: u16 = 0;
pub(crate) const DNS_TYPE_A: u16 = 1;
pub(crate) const DNS_TYPE_CNAME: u16 = 5;
pub(crate) const DNS_TYPE_PTR: u16 = 12;
pub(crate) const DNS_TYPE_AAAA: u16 = 28;

/// DSPROPERTY_ZONE_ALLOW_UPDATE (MS-DNSP 2.3.2.1.1): 0 none, 1 nonsecure and secure, 2 secure only.
pub(crate) const DSPROPERTY_ZONE_ALLOW_UPDATE: u32 = 0x02;
pub(crate) const DSPROPERTY_ZONE_NOREFRESH_INTERVAL: u32 = 0x10;
pub(crate) const DSPROPERTY_ZONE_REFRESH_INTERVAL: u32 = 0x20;
pub(crate) const DSPROPERTY_ZONE_AGING_STATE: u32 = 0x40;

/// The fixed part of a `dnsRecord` value.
pub(crate) const RECORD_HEADER_LEN: usize = 24;
/// The fixed part of a `dNSProperty` value (before Data).
pub(crate) const PROPERTY_HEADER_LEN: usize = 20;

/// Why a value could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The value ends before a field it must hold.
    Truncated { what: &'static str, need: usize, have: usize },
    /// `dnsRecord` Version is not 5 (the DNS server ignores such a record).
    BadVersion(u8),
    /// The data length does not fit the record type.
    BadDataLength { rtype: u16, len: usize },
    /// A DNS_COUNT_NAME that is inconsistent (label overruns, no terminator, bad UTF-8).
    BadName(&'static str),
    /// DSPROPERTY_ZONE_ALLOW_UPDATE holds a value MS-DNSP does not define.
    BadAllowUpdate(u32),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Truncated { what, need, have } => {
                write!(f, "truncated {what}: needs {need} bytes, has {have}")
            }
            DecodeError::BadVersion(v) => write!(f, "dnsRecord version {v} (expected 5)"),
            DecodeError::BadDataLength { rtype, len } => {
                write!(f, "record type {rtype} with {len} data bytes")
            }
            DecodeError::BadName(why) => write!(f, "bad DNS name in record data: {why}"),
            DecodeError::BadAllowUpdate(v) => write!(f, "allow-update property {v} (expected 0 none, 1 nonsecure, 2 secure)"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// The data of a decoded `dnsRecord`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RecordValue {
    A(Ipv4Addr),
    Aaaa(Ipv6Addr),
    /// PTR target, as stored (no trailing dot).
    Ptr(String),
    /// CNAME target, as stored (no trailing dot).
    Cname(String),
    /// The record was deleted; FILETIME of the deletion. Not a live record.
    Tombstone { deleted_filetime: u64 },
    /// A record type this audit does not use (SOA, NS, SRV, MX, TXT, ...).
    Other,
}

/// One decoded `dnsRecord` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsRecordValue {
    pub(crate) rtype: u16,
    pub(crate) rank: u8,
    pub(crate) serial: u32,
    pub(crate) ttl_seconds: u32,
    /// Hours since 1601-01-01 UTC; 0 for a static record.
    pub(crate) timestamp_hours: u32,
    pub(crate) value: RecordValue,
}

fn need(what: &'static str, bytes: &[u8], n: usize) -> Result<(), DecodeError> {
    if bytes.len() < n {
        return Err(DecodeError::Truncated { what, need: n, have: bytes.len() });
    }
    Ok(())
}

fn u16_le(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_le(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn u32_be(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Decodes one `dnsRecord` value. Bytes after `24 + DataLength` are ignored (padding).
pub fn decode_record(bytes: &[u8]) -> Result<DnsRecordValue, DecodeError> {
    need("dnsRecord header", bytes, RECORD_HEADER_LEN)?;
    let data_len = usize::from(u16_le(bytes, 0));
    let rtype = u16_le(bytes, 2);
    let version = bytes[4];
    let rank = bytes[5];
    let serial = u32_le(bytes, 8);
    let ttl_seconds = u32_be(bytes, 12);
    let timestamp_hours = u32_le(bytes, 20);
    if version != 5 {
        return Err(DecodeError::BadVersion(version));
    }
    need("dnsRecord data", bytes, RECORD_HEADER_LEN + data_len)?;
    let data = &bytes[RECORD_HEADER_LEN..RECORD_HEADER_LEN + data_len];
    let bad_len = || DecodeError::BadDataLength { rtype, len: data_len };
    let value = match rtype {
        DNS_TYPE_A => {
            let o: [u8; 4] = data.try_into().map_err(|_| bad_len())?;
            RecordValue::A(Ipv4Addr::from(o))
        }
        DNS_TYPE_AAAA => {
            let o: [u8; 16] = data.try_into().map_err(|_| bad_len())?;
            RecordValue::Aaaa(Ipv6Addr::from(o))
        }
        DNS_TYPE_PTR => RecordValue::Ptr(decode_count_name(data)?),
        DNS_TYPE_CNAME => RecordValue::Cname(decode_count_name(data)?),
        DNS_TYPE_TOMBSTONE => {
            let t: [u8; 8] = data.try_into().map_err(|_| bad_len())?;
            RecordValue::Tombstone { deleted_filetime: u64::from_le_bytes(t) }
        }
        _ => RecordValue::Other,
    };
    Ok(DnsRecordValue { rtype, rank, serial, ttl_seconds, timestamp_hours, value })
}

/// Decodes a DNS_COUNT_NAME (MS-DNSP 2.2.2.2.2) into dotted form without a trailing dot.
/// Padding after the terminator, within Length, is allowed (as Samba allows it).
pub fn decode_count_name(data: &[u8]) -> Result<String, DecodeError> {
    need("DNS_COUNT_NAME", data, 2)?;
    let raw_len = usize::from(data[0]);
    let count = usize::from(data[1]);
    let end = 2 + raw_len;
    if data.len() < end {
        return Err(DecodeError::BadName("Length runs past the record data"));
    }
    let raw = &data[2..end];
    let mut at = 0usize;
    let mut labels: Vec<&str> = Vec::with_capacity(count);
    for _ in 0..count {
        let Some(&l) = raw.get(at) else {
            return Err(DecodeError::BadName("label count runs past Length"));
        };
        let l = usize::from(l);
        let Some(label) = raw.get(at + 1..at + 1 + l) else {
            return Err(DecodeError::BadName("label runs past Length"));
        };
        let label = std::str::from_utf8(label).map_err(|_| DecodeError::BadName("label is not UTF-8"))?;
        labels.push(label);
        at += 1 + l;
    }
    match raw.get(at) {
        Some(0) => Ok(labels.join(".")),
        Some(_) => Err(DecodeError::BadName("not terminated by a zero byte")),
        None => Err(DecodeError::BadName("terminator runs past Length")),
    }
}

/// One decoded `dNSProperty` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsProperty {
    pub(crate) id: u32,
    pub(crate) data: Vec<u8>,
}

impl DnsProperty {
    /// The data as a little-endian scalar of 1 to 4 bytes (zero-extended); `None` when the
    /// data is empty or longer than 4 bytes.
    pub fn scalar(&self) -> Option<u32> {
        if self.data.is_empty() || self.data.len() > 4 {
            return None;
        }
        let mut b = [0u8; 4];
        b[..self.data.len()].copy_from_slice(&self.data);
        Some(u32::from_le_bytes(b))
    }
}

/// Decodes one `dNSProperty` value.
pub fn decode_property(bytes: &[u8]) -> Result<DnsProperty, DecodeError> {
    need("dNSProperty header", bytes, PROPERTY_HEADER_LEN)?;
    let data_len = u32_le(bytes, 0);
    let id = u32_le(bytes, 16);
    let data_len = usize::try_from(data_len).map_err(|_| DecodeError::Truncated {
        what: "dNSProperty data",
        need: usize::MAX,
        have: bytes.len(),
    })?;
    let end = PROPERTY_HEADER_LEN.checked_add(data_len).ok_or(DecodeError::Truncated {
        what: "dNSProperty data",
        need: usize::MAX,
        have: bytes.len(),
    })?;
    need("dNSProperty data", bytes, end)?;
    Ok(DnsProperty { id, data: bytes[PROPERTY_HEADER_LEN..end].to_vec() })
}

/// A zone's aging settings from its `dNSProperty` values. Properties that do not decode are
/// returned as errors (the caller reports them); the others still count.
pub fn zone_aging<'a>(values: impl IntoIterator<Item = &'a [u8]>) -> (ZoneAging, Vec<DecodeError>) {
    let mut aging = ZoneAging::default();
    let mut errors = Vec::new();
    for v in values {
        let p = match decode_property(v) {
            Ok(p) => p,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let bad = |p: &DnsProperty| DecodeError::BadDataLength { rtype: 0, len: p.data.len() };
        match p.id {
            DSPROPERTY_ZONE_AGING_STATE => match p.scalar() {
                Some(v) => aging.enabled = Some(v != 0),
                None => errors.push(bad(&p)),
            },
            DSPROPERTY_ZONE_NOREFRESH_INTERVAL => match p.scalar() {
                Some(h) => aging.no_refresh = Some(TimeDelta::hours(i64::from(h))),
                None => errors.push(bad(&p)),
            },
            DSPROPERTY_ZONE_REFRESH_INTERVAL => match p.scalar() {
                Some(h) => aging.refresh = Some(TimeDelta::hours(i64::from(h))),
                None => errors.push(bad(&p)),
            },
            _ => {}
        }
    }
    (aging, errors)
}

/// A zone's dynamic-update policy (MS-DNSP 2.2.2.1, `fAllowUpdate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneUpdates {
    /// ZONE_UPDATE_OFF: nothing can refresh the zone's records.
    None,
    /// ZONE_UPDATE_UNSECURE: nonsecure and secure; anyone can take over a name.
    Nonsecure,
    /// ZONE_UPDATE_SECURE: only the record's owner may update it.
    Secure,
}

impl ZoneUpdates {
    /// The report's spelling (`zone_dynamic_updates`).
    pub fn as_str(self) -> &'static str {
        match self {
            ZoneUpdates::None => "none",
            ZoneUpdates::Nonsecure => "nonsecure",
            ZoneUpdates::Secure => "secure",
        }
    }
}

/// A zone's dynamic-update policy from its `dNSProperty` values (`None` when the property is
/// absent). Only the allow-update property's own problems are returned: values that do not
/// decode at all are already reported by [`zone_aging`].
pub fn zone_allow_update<'a>(values: impl IntoIterator<Item = &'a [u8]>) -> (Option<ZoneUpdates>, Vec<DecodeError>) {
    let mut policy = None;
    let mut errors = Vec::new();
    for p in values.into_iter().filter_map(|v| decode_property(v).ok()) {
        if p.id != DSPROPERTY_ZONE_ALLOW_UPDATE {
            continue;
        }
        match p.scalar() {
            Some(0) => policy = Some(ZoneUpdates::None),
            Some(1) => policy = Some(ZoneUpdates::Nonsecure),
            Some(2) => policy = Some(ZoneUpdates::Secure),
            Some(v) => errors.push(DecodeError::BadAllowUpdate(v)),
            None => errors.push(DecodeError::BadDataLength { rtype: 0, len: p.data.len() }),
        }
    }
    (policy, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Encodes a `dnsRecord` the way Samba's NDR push does (TTL big-endian, rank zone).
    pub(super) fn encode_record(rtype: u16, ttl: u32, timestamp_hours: u32, data: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&u16::try_from(data.len()).unwrap().to_le_bytes());
        v.extend_from_slice(&rtype.to_le_bytes());
        v.push(5);
        v.push(0xF0);
        v.extend_from_slice(&0u16.to_le_bytes());
        v.extend_from_slice(&7u32.to_le_bytes());
        v.extend_from_slice(&ttl.to_be_bytes());
        v.extend_from_slice(&0u32.to_le_bytes());
        v.extend_from_slice(&timestamp_hours.to_le_bytes());
        v.extend_from_slice(data);
        v
    }

    /// DNS_COUNT_NAME as Samba's ndr_push_dnsp_name writes it.
    fn count_name(name: &str) -> Vec<u8> {
        let labels: Vec<&str> = name.trim_end_matches('.').split('.').collect();
        let raw_len: usize = labels.iter().map(|l| l.len() + 1).sum::<usize>() + 1;
        let mut v = vec![u8::try_from(raw_len).unwrap(), u8::try_from(labels.len()).unwrap()];
        for l in labels {
            v.push(u8::try_from(l.len()).unwrap());
            v.extend_from_slice(l.as_bytes());
        }
        v.push(0);
        v
    }

    fn encode_property(id: u32, data: &[u8], samba_name: bool) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
        v.extend_from_slice(&0u32.to_le_bytes());
        v.extend_from_slice(&0u32.to_le_bytes());
        v.extend_from_slice(&1u32.to_le_bytes());
        v.extend_from_slice(&id.to_le_bytes());
        v.extend_from_slice(data);
        if samba_name {
            v.extend_from_slice(&0u32.to_le_bytes());
        } else {
            v.push(0);
        }
        v
    }

    fn samples() -> Vec<Vec<u8>> {
        vec![
            encode_record(DNS_TYPE_A, 1200, 3_636_304, &[10, 0, 16, 21]),
            encode_record(DNS_TYPE_AAAA, 900, 0, &"2001:db8::15".parse::<Ipv6Addr>().unwrap().octets()),
            encode_record(DNS_TYPE_PTR, 3600, 3_636_305, &count_name("pc1.corp.example.test")),
            encode_record(DNS_TYPE_CNAME, 3600, 0, &count_name("pc1.corp.example.test.")),
            encode_record(DNS_TYPE_TOMBSTONE, 0, 0, &133_000_000_000_000_000u64.to_le_bytes()),
            encode_record(33, 900, 0, &[0, 0, 0, 100, 0, 88, 4, 2, 3, b'd', b'c', b'1', 0]),
        ]
    }

    #[test]
    fn a_record_with_big_endian_ttl_and_timestamp() {
        // A record written by Samba: TTL 1200 = 0x000004B0 stored as 00 00 04 B0.
        let bytes = samples().remove(0);
        assert_eq!(&bytes[12..16], &[0x00, 0x00, 0x04, 0xB0]);
        let r = decode_record(&bytes).unwrap();
        assert_eq!(r.rtype, DNS_TYPE_A);
        assert_eq!(r.ttl_seconds, 1200);
        assert_eq!(r.timestamp_hours, 3_636_304);
        assert_eq!(r.rank, 0xF0);
        assert_eq!(r.serial, 7);
        assert_eq!(r.value, RecordValue::A(Ipv4Addr::new(10, 0, 16, 21)));
    }

    #[test]
    fn literal_samba_bytes() {
        // A static A record 10.77.0.50, TTL 900, rank zone, serial 1, written out byte by byte.
        let bytes: [u8; 28] = [
            0x04, 0x00, 0x01, 0x00, 0x05, 0xF0, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x84,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0A, 0x4D, 0x00, 0x32,
        ];
        let r = decode_record(&bytes).unwrap();
        assert_eq!(r.ttl_seconds, 900);
        assert_eq!(r.timestamp_hours, 0);
        assert_eq!(r.value, RecordValue::A(Ipv4Addr::new(10, 77, 0, 50)));
    }

    #[test]
    fn aaaa_ptr_cname_tombstone_other() {
        let s = samples();
        let r = decode_record(&s[1]).unwrap();
        assert_eq!(r.value, RecordValue::Aaaa("2001:db8::15".parse().unwrap()));
        assert_eq!(r.timestamp_hours, 0, "static record");
        assert_eq!(decode_record(&s[2]).unwrap().value, RecordValue::Ptr("pc1.corp.example.test".into()));
        assert_eq!(decode_record(&s[3]).unwrap().value, RecordValue::Cname("pc1.corp.example.test".into()));
        assert_eq!(
            decode_record(&s[4]).unwrap().value,
            RecordValue::Tombstone { deleted_filetime: 133_000_000_000_000_000 }
        );
        let srv = decode_record(&s[5]).unwrap();
        assert_eq!((srv.rtype, srv.value), (33, RecordValue::Other));
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        for s in samples() {
            for n in 0..s.len() {
                assert!(decode_record(&s[..n]).is_err(), "prefix {n} of {s:?} decoded");
            }
            assert!(decode_record(&s).is_ok());
        }
    }

    #[test]
    fn inconsistent_values_are_errors() {
        // DataLength says 3 for an A record.
        let mut a = encode_record(DNS_TYPE_A, 1, 1, &[10, 0, 0]);
        assert_eq!(decode_record(&a), Err(DecodeError::BadDataLength { rtype: 1, len: 3 }));
        // Version other than 5.
        a = encode_record(DNS_TYPE_A, 1, 1, &[10, 0, 0, 1]);
        a[4] = 0;
        assert_eq!(decode_record(&a), Err(DecodeError::BadVersion(0)));
        // Name label overruns Length; missing terminator; label count too high.
        let mut n = count_name("a.b");
        n[2] = 9;
        assert!(matches!(decode_record(&encode_record(DNS_TYPE_PTR, 1, 1, &n)), Err(DecodeError::BadName(_))));
        let mut n = count_name("a.b");
        let last = n.len() - 1;
        n[last] = 7;
        assert!(matches!(decode_record(&encode_record(DNS_TYPE_PTR, 1, 1, &n)), Err(DecodeError::BadName(_))));
        let mut n = count_name("a.b");
        n[1] = 5;
        assert!(matches!(decode_record(&encode_record(DNS_TYPE_PTR, 1, 1, &n)), Err(DecodeError::BadName(_))));
        // Length larger than the data.
        let mut n = count_name("a.b");
        n[0] = 40;
        assert!(matches!(decode_record(&encode_record(DNS_TYPE_PTR, 1, 1, &n)), Err(DecodeError::BadName(_))));
        // Every byte value in every position of a PTR name: never a panic.
        let base = encode_record(DNS_TYPE_PTR, 1, 1, &count_name("pc1.corp.test"));
        for i in RECORD_HEADER_LEN..base.len() {
            for b in 0..=255u8 {
                let mut m = base.clone();
                m[i] = b;
                let _ = decode_record(&m);
            }
        }
    }

    #[test]
    fn name_padding_within_length_is_allowed() {
        let mut n = count_name("a.b");
        n[0] += 2;
        n.extend_from_slice(&[0, 0]);
        assert_eq!(decode_count_name(&n).unwrap(), "a.b");
    }

    #[test]
    fn trailing_padding_after_data_is_ignored() {
        let mut a = encode_record(DNS_TYPE_A, 1, 1, &[10, 0, 0, 1]);
        a.extend_from_slice(&[0, 0, 0]);
        assert_eq!(decode_record(&a).unwrap().value, RecordValue::A(Ipv4Addr::new(10, 0, 0, 1)));
    }

    #[test]
    fn zone_aging_from_properties() {
        let props = [
            encode_property(0x01, &1u32.to_le_bytes(), true), // zone type: ignored
            encode_property(DSPROPERTY_ZONE_NOREFRESH_INTERVAL, &168u32.to_le_bytes(), true),
            encode_property(DSPROPERTY_ZONE_REFRESH_INTERVAL, &72u32.to_le_bytes(), false),
            encode_property(DSPROPERTY_ZONE_AGING_STATE, &[1], false), // Windows' one-byte form
            encode_property(0x12, &0u32.to_le_bytes(), true),
        ];
        let (aging, errors) = zone_aging(props.iter().map(Vec::as_slice));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(aging.enabled, Some(true));
        assert_eq!(aging.no_refresh, Some(TimeDelta::hours(168)));
        assert_eq!(aging.refresh, Some(TimeDelta::hours(72)));

        let off = [encode_property(DSPROPERTY_ZONE_AGING_STATE, &0u32.to_le_bytes(), true)];
        let (aging, _) = zone_aging(off.iter().map(Vec::as_slice));
        assert_eq!(aging.enabled, Some(false));
        assert_eq!(aging.no_refresh, None);
    }

    #[test]
    fn property_truncations_and_bad_lengths() {
        let p = encode_property(DSPROPERTY_ZONE_AGING_STATE, &1u32.to_le_bytes(), true);
        for n in 0..PROPERTY_HEADER_LEN + 4 {
            assert!(decode_property(&p[..n]).is_err(), "prefix {n}");
            let (aging, errors) = zone_aging([&p[..n]]);
            assert_eq!(aging, ZoneAging::default());
            assert_eq!(errors.len(), 1);
        }
        // Name byte(s) are not required.
        assert!(decode_property(&p[..PROPERTY_HEADER_LEN + 4]).is_ok());
        // Huge DataLength.
        let mut h = p.clone();
        h[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(decode_property(&h).is_err());
        // An 8-byte interval is not a scalar.
        let wide = encode_property(DSPROPERTY_ZONE_REFRESH_INTERVAL, &[1, 0, 0, 0, 0, 0, 0, 0], true);
        let (aging, errors) = zone_aging([wide.as_slice()]);
        assert_eq!((aging.refresh, errors.len()), (None, 1));
        // An empty property (DataLength 0) is not an error for unknown ids.
        let empty = encode_property(0x00, &[], true);
        assert!(zone_aging([empty.as_slice()]).1.is_empty());
    }

    #[test]
    fn allow_update_policy() {
        let one = |data: &[u8]| zone_allow_update([encode_property(DSPROPERTY_ZONE_ALLOW_UPDATE, data, true).as_slice()]);
        assert_eq!(one(&0u32.to_le_bytes()), (Some(ZoneUpdates::None), vec![]));
        assert_eq!(one(&1u32.to_le_bytes()), (Some(ZoneUpdates::Nonsecure), vec![]));
        assert_eq!(one(&2u32.to_le_bytes()), (Some(ZoneUpdates::Secure), vec![]));
        assert_eq!(one(&[2]), (Some(ZoneUpdates::Secure), vec![])); // Windows' one-byte form
        assert_eq!(one(&3u32.to_le_bytes()), (None, vec![DecodeError::BadAllowUpdate(3)]));
        assert_eq!(one(&3u32.to_le_bytes()).1[0].to_string(), "allow-update property 3 (expected 0 none, 1 nonsecure, 2 secure)");
        assert_eq!(one(&[]), (None, vec![DecodeError::BadDataLength { rtype: 0, len: 0 }]));
        assert_eq!(one(&[0; 8]).0, None);
        // Absent, or beside aging properties, or after an undecodable value.
        assert_eq!(zone_allow_update([]), (None, vec![]));
        let props = [
            encode_property(DSPROPERTY_ZONE_AGING_STATE, &[1], false),
            vec![1, 2, 3],
            encode_property(DSPROPERTY_ZONE_ALLOW_UPDATE, &1u32.to_le_bytes(), false),
        ];
        assert_eq!(zone_allow_update(props.iter().map(Vec::as_slice)), (Some(ZoneUpdates::Nonsecure), vec![]));
        assert_eq!(ZoneUpdates::Nonsecure.as_str(), "nonsecure");
    }
}
