//! Stage 3, DNS: records with their aging timestamps and the zones' aging settings, from
//! offline exports (dnscmd zone files, the records CSV) here, and from AD or live resolution
//! later. Names are stored lowercase, absolute, without the trailing dot.

pub mod answers;
pub mod csv;
pub mod live;
pub mod zone_file;

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};

use crate::input::{self, InputError, Problems};

/// The data of a record the audit uses.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RecordData {
    /// An A or AAAA record.
    Addr(IpAddr),
    /// A PTR record's target (lowercase, no trailing dot).
    Ptr(String),
    /// A CNAME's target (lowercase, no trailing dot).
    Cname(String),
}

/// One resource record.
#[derive(Debug, Clone, PartialEq)]
pub struct DnsRecord {
    /// Owner name, lowercase, absolute, no trailing dot.
    pub name: String,
    pub data: RecordData,
    /// When the record was last registered or refreshed; `None` for a static record
    /// (no `[AGE:]`, empty CSV timestamp, MS-DNSP timestamp 0).
    pub timestamp: Option<DateTime<Utc>>,
    pub ttl: Option<u32>,
    /// Index into [`DnsData::zones`].
    pub zone: usize,
}

/// A zone's aging settings. `None` fields: the data does not say (the options' defaults apply).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ZoneAging {
    pub enabled: Option<bool>,
    pub no_refresh: Option<TimeDelta>,
    pub refresh: Option<TimeDelta>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// Lowercase, no trailing dot (`corp.example.test`, `16.0.10.in-addr.arpa`).
    pub name: String,
    pub aging: ZoneAging,
    /// Where the zone came from (file, or the AD partition).
    pub source: Arc<str>,
}

/// All DNS data gathered: zones and their records.
#[derive(Debug, Default)]
pub struct DnsData {
    pub zones: Vec<Zone>,
    pub records: Vec<DnsRecord>,
    zone_ids: HashMap<String, usize>,
}

impl DnsData {
    /// The index of a zone, adding it (with unknown aging) on first sight.
    pub fn zone_id(&mut self, name: &str, source: &Arc<str>) -> usize {
        let name = normalize_name(name);
        if let Some(&i) = self.zone_ids.get(&name) {
            return i;
        }
        let i = self.zones.len();
        self.zones.push(Zone { name: name.clone(), aging: ZoneAging::default(), source: Arc::clone(source) });
        self.zone_ids.insert(name, i);
        i
    }

    pub fn zone_by_name(&self, name: &str) -> Option<usize> {
        self.zone_ids.get(name).copied()
    }

    /// The most specific zone that holds `name` (longest matching suffix), if any.
    pub fn covering_zone(&self, name: &str) -> Option<usize> {
        let mut rest = name;
        loop {
            if let Some(&i) = self.zone_ids.get(rest) {
                return Some(i);
            }
            rest = rest.split_once('.')?.1;
        }
    }
}

/// Lowercase, without the trailing dot.
pub fn normalize_name(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// The reverse-lookup name of an address (`21.16.0.10.in-addr.arpa`, nibbles for IPv6).
pub fn reverse_name(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.{}.in-addr.arpa", o[3], o[2], o[1], o[0])
        }
        IpAddr::V6(v6) => {
            let mut s = String::with_capacity(72);
            for b in v6.octets().iter().rev() {
                for nib in [b & 0xF, b >> 4] {
                    s.push(char::from_digit(u32::from(nib), 16).unwrap_or('0'));
                    s.push('.');
                }
            }
            s.push_str("ip6.arpa");
            s
        }
    }
}

/// The export formats for DNS records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `dnscmd /ZoneExport` (RFC 1035 master file with `[AGE:]`).
    ZoneFile,
    /// `Get-DnsServerResourceRecord` CSV as `queries/` exports it.
    Csv,
}

/// The records CSV starts with its `ZoneName` header; anything else is read as a zone file.
pub fn detect(text: &str) -> Format {
    let first = input::numbered_lines(text).map(|(_, l)| l.trim()).find(|l| !l.is_empty() && !l.starts_with("#TYPE"));
    match first {
        Some(l) if l.trim_start_matches('"').to_ascii_lowercase().starts_with("zonename") => Format::Csv,
        _ => Format::ZoneFile,
    }
}

/// Reads one DNS export into `data`.
pub fn read_file(path: &Path, times: &crate::timefmt::InputTimes, data: &mut DnsData, problems: &mut Problems) -> Result<Format, InputError> {
    let text = input::read_text(path)?;
    let source = input::source_name(path);
    let format = detect(&text);
    match format {
        Format::Csv => csv::parse(&text, &source, times, data, problems)?,
        Format::ZoneFile => {
            let file_stem = path
                .file_name()
                .map(|f| f.to_string_lossy().to_string())
                .map(|f| f.strip_suffix(".dns").map(str::to_string).unwrap_or(f));
            zone_file::parse(&text, &source, file_stem.as_deref(), data, problems).map_err(|reason| {
                InputError::Unrecognised { path: path.to_path_buf(), reason }
            })?
        }
    }
    Ok(format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverse_names() {
        assert_eq!(reverse_name("10.0.16.21".parse().unwrap()), "21.16.0.10.in-addr.arpa");
        assert_eq!(
            reverse_name("2001:db8::1".parse().unwrap()),
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"
        );
    }

    #[test]
    fn covering_zone_is_most_specific() {
        let mut d = DnsData::default();
        let s: Arc<str> = Arc::from("t");
        let corp = d.zone_id("corp.example.test.", &s);
        let sub = d.zone_id("Lab.Corp.Example.Test", &s);
        assert_eq!(d.covering_zone("pc1.lab.corp.example.test"), Some(sub));
        assert_eq!(d.covering_zone("pc1.corp.example.test"), Some(corp));
        assert_eq!(d.covering_zone("corp.example.test"), Some(corp));
        assert_eq!(d.covering_zone("pc1.other.test"), None);
    }
}
