//! Stage 3, DNS: records with their aging timestamps and the zones' aging settings, from
//! offline exports (dnscmd zone files, the records CSV) here and from AD (`directory::ldap`);
//! live resolution ([`live`]); record de-duplication ([`index`]). Names are stored lowercase,
//! absolute, without the trailing dot (`name.rs`: the normal form, which names DNS can carry,
//! and [`DnsName`], a name checked at its birth).

pub(crate) mod answers;
pub(crate) mod index;
pub mod csv;
pub(crate) mod live;
mod name;
pub(crate) mod owner;
pub mod zones_csv;
pub(crate) mod rtype;
pub mod zone_file;

pub(crate) use index::RecordIndex;
pub(crate) use name::{DnsName, address_of_reverse, invalid_name, normalize_name, reverse_name};
pub(crate) use owner::{AccountKind, DynamicUpdates, RecordOwner};

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};

use crate::input::{self, InputError, Problems, SkipReason};

/// The data of a record the audit uses.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum RecordData {
    /// An A or AAAA record.
    Addr(IpAddr),
    /// A PTR record's target (lowercase, no trailing dot). Inline when short, like the
    /// owner: a million PTR records would otherwise hold a million small allocations.
    Ptr(crate::text::Text),
    /// A CNAME's target (lowercase, no trailing dot).
    Cname(crate::text::Text),
}

/// One resource record.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DnsRecord {
    /// Owner name, lowercase, absolute, no trailing dot.
    pub(crate) name: crate::text::Text,
    pub(crate) data: RecordData,
    /// When the record was last registered or refreshed; `None` for a static record
    /// (no `[AGE:]`, empty CSV timestamp, MS-DNSP timestamp 0).
    pub(crate) timestamp: Option<DateTime<Utc>>,
    pub(crate) ttl: Option<u32>,
    /// Which of [`DnsData::zones`].
    pub(crate) zone: ZoneId,
    /// The owner of the record's `dnsNode` (shared by the node's records); `None` when the
    /// source does not say (no `Owner` column, zone files; live AD fills it from the node's
    /// security descriptor).
    pub(crate) owner: Option<Arc<RecordOwner>>,
}

/// A zone's index in [`DnsData::zones`]: four bytes, held by every one of millions of records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct ZoneId(u32);

impl ZoneId {
    /// The zone at index `i` (four billion zones would not fit in memory: the last id is kept).
    pub(crate) fn new(i: usize) -> ZoneId {
        ZoneId(u32::try_from(i).unwrap_or(u32::MAX))
    }

    pub(crate) fn index(self) -> usize {
        self.0 as usize
    }
}

/// A zone's aging settings. `None` fields: the data does not say (the options' defaults apply).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ZoneAging {
    pub(crate) enabled: Option<bool>,
    pub(crate) no_refresh: Option<TimeDelta>,
    pub(crate) refresh: Option<TimeDelta>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Zone {
    /// Lowercase, no trailing dot (`corp.example.test`, `16.0.10.in-addr.arpa`).
    pub(crate) name: String,
    pub(crate) aging: ZoneAging,
    /// The zone's dynamic-update policy, when a source says (the zones CSV; live AD: the
    /// zone's `dNSProperty` allow-update value).
    pub(crate) dynamic_updates: Option<DynamicUpdates>,
    /// Where the zone came from (file, or the AD partition).
    pub(crate) source: Arc<str>,
    /// The data holds no record at the zone's own apex (every real zone has its SOA and NS
    /// there): the zone was not read, so its names are `unknown`, never `missing`.
    pub(crate) unusable: bool,
    /// Some source held the apex.
    apex_read: bool,
}

/// All DNS data gathered: zones and their records.
#[derive(Debug, Default)]
pub struct DnsData {
    pub(crate) zones: Vec<Zone>,
    pub(crate) records: Vec<DnsRecord>,
    zone_ids: rustc_hash::FxHashMap<String, usize>,
    /// Zone settings from a zones listing (`--zones`), by zone name: kept apart from
    /// [`DnsData::zones`] (a listed zone whose records were not read must stay uncovered, never
    /// make its names `missing`) and applied by [`DnsData::apply_zone_settings`].
    pub(crate) zone_settings: HashMap<String, ZoneSettings>,
    /// The moment audited, once known: readers report record timestamps outside
    /// [`plausible_timestamp`] against it.
    pub(crate) as_of: Option<DateTime<Utc>>,
}

/// A zone whose dynamic-update policy is a finding of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ZoneFinding {
    /// Anyone can take over its names.
    Nonsecure,
    /// Its dynamic records can never be refreshed, and aging scavenges them.
    NoUpdatesWithAging,
}

impl std::fmt::Display for ZoneFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ZoneFinding::Nonsecure => "accepts nonsecure dynamic updates: anyone on the network can take over its names; set it to Secure only",
            ZoneFinding::NoUpdatesWithAging => {
                "accepts no dynamic updates but ages its records: its dynamic records can never be refreshed, so scavenging deletes them all; allow secure dynamic updates or turn aging off"
            }
        })
    }
}

/// What a zones listing says of one zone.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ZoneSettings {
    pub(crate) dynamic_updates: Option<DynamicUpdates>,
    pub(crate) aging: ZoneAging,
}

impl DnsData {
    /// Gives every zone read the settings a zones listing holds for it (the listing is the
    /// server's configuration: what it says wins over a zone file's); call after all inputs.
    pub(crate) fn apply_zone_settings(&mut self) {
        for zone in &mut self.zones {
            let Some(s) = self.zone_settings.get(&zone.name) else { continue };
            zone.dynamic_updates = s.dynamic_updates.or(zone.dynamic_updates);
            zone.aging.enabled = s.aging.enabled.or(zone.aging.enabled);
            zone.aging.no_refresh = s.aging.no_refresh.or(zone.aging.no_refresh);
            zone.aging.refresh = s.aging.refresh.or(zone.aging.refresh);
        }
    }

    /// The zones whose policy is a finding (docs/report.md "Columns"), once per zone,
    /// sorted by name: `nonsecure`, and `none` with aging on (or `--assume-aging`).
    pub(crate) fn zone_findings(&self, assume_aging: bool) -> Vec<(String, ZoneFinding)> {
        let mut all: HashMap<&str, (Option<DynamicUpdates>, Option<bool>)> = HashMap::new();
        for z in &self.zones {
            all.insert(&z.name, (z.dynamic_updates, z.aging.enabled));
        }
        for (name, s) in &self.zone_settings {
            let e = all.entry(name).or_default();
            *e = (s.dynamic_updates.or(e.0), s.aging.enabled.or(e.1));
        }
        let mut findings: Vec<(String, ZoneFinding)> = all
            .into_iter()
            .filter_map(|(name, (policy, aging))| match policy? {
                DynamicUpdates::Nonsecure => Some((name.to_string(), ZoneFinding::Nonsecure)),
                DynamicUpdates::None if assume_aging || aging == Some(true) => Some((name.to_string(), ZoneFinding::NoUpdatesWithAging)),
                _ => None,
            })
            .collect();
        findings.sort();
        findings
    }

    /// The dynamic-update policy of the most specific zone (read or listed) holding `name`.
    pub(crate) fn dynamic_updates(&self, name: &str) -> Option<DynamicUpdates> {
        self.policy_zone(name).and_then(|(_, p)| p)
    }

    /// The most specific zone (read or listed) holding `name`: its name and its dynamic-update
    /// policy (a listing's over the data's), the zone [`DnsData::dynamic_updates`] reads.
    pub(crate) fn policy_zone<'n>(&self, name: &'n str) -> Option<(&'n str, Option<DynamicUpdates>)> {
        if invalid_name(name).is_some() {
            return None;
        }
        let mut rest = name;
        loop {
            let read = self.zone_ids.get(rest).and_then(|&i| self.zones.get(i)).map(|z| z.dynamic_updates);
            let listed = self.zone_settings.get(rest).map(|s| s.dynamic_updates);
            if read.is_some() || listed.is_some() {
                return Some((rest, listed.flatten().or(read.flatten())));
            }
            rest = rest.split_once('.')?.1;
        }
    }

    /// The index of a zone, adding it (with unknown aging) on first sight.
    pub(crate) fn zone_id(&mut self, name: &str, source: &Arc<str>) -> ZoneId {
        let name = normalize_name(name);
        if let Some(&i) = self.zone_ids.get(&name) {
            return ZoneId::new(i);
        }
        let i = self.zones.len();
        self.zones.push(Zone { name: name.clone(), aging: ZoneAging::default(), dynamic_updates: None, source: Arc::clone(source), unusable: false, apex_read: false });
        self.zone_ids.insert(name, i);
        ZoneId::new(i)
    }

    #[cfg(test)]
    pub(crate) fn zone_by_name(&self, name: &str) -> Option<ZoneId> {
        self.zone_ids.get(name).copied().map(ZoneId::new)
    }

    /// The most specific zone that holds `name` (longest matching suffix), if any. A name DNS
    /// cannot carry is in no zone; for the others the walk is bounded (at most 128 labels of
    /// at most 255 octets), so a hostile name costs nothing.
    pub(crate) fn covering_zone(&self, name: &str) -> Option<ZoneId> {
        if invalid_name(name).is_some() {
            return None;
        }
        let mut rest = name;
        loop {
            if let Some(&i) = self.zone_ids.get(rest) {
                return Some(ZoneId::new(i));
            }
            rest = rest.split_once('.')?.1;
        }
    }

    /// Whether `name` lies in a zone whose data was read: a covering zone that is usable
    /// (see [`Zone::unusable`]). Names outside, or in an unusable zone, are `unknown`.
    pub(crate) fn holds(&self, name: &str) -> bool {
        self.covering_zone(name).and_then(|i| self.zones.get(i.index())).is_some_and(|z| !z.unusable)
    }

    /// Marks a zone whose source holds no record at its apex as unusable (see
    /// [`Zone::unusable`]); the same zone read with its apex from another source stays usable.
    pub(crate) fn apex_seen(&mut self, zone: ZoneId, seen: bool) {
        if let Some(z) = self.zones.get_mut(zone.index()) {
            z.unusable = if seen { false } else { z.unusable || !z.apex_read };
            z.apex_read |= seen;
        }
    }

    /// Adds the data a source read on its own (the DNS exports, read beside live AD) as if it
    /// had been read into this data after this data's own sources: a zone in both is one zone
    /// (with this data's source), its records come after this data's, its zones listings win.
    pub(crate) fn absorb(&mut self, other: DnsData) {
        let DnsData { zones, mut records, zone_settings, as_of, .. } = other;
        let ids: Vec<ZoneId> = zones
            .into_iter()
            .map(|z| {
                let id = self.zone_id(&z.name, &z.source);
                if let Some(mine) = self.zones.get_mut(id.index()) {
                    // What `apex_seen` leaves after both sources' reads, in turn.
                    mine.apex_read |= z.apex_read;
                    mine.unusable = !mine.apex_read && (mine.unusable || z.unusable);
                    mine.dynamic_updates = z.dynamic_updates.or(mine.dynamic_updates);
                    mine.aging.enabled = z.aging.enabled.or(mine.aging.enabled);
                    mine.aging.no_refresh = z.aging.no_refresh.or(mine.aging.no_refresh);
                    mine.aging.refresh = z.aging.refresh.or(mine.aging.refresh);
                }
                id
            })
            .collect();
        if ids.iter().enumerate().any(|(i, id)| id.index() != i) {
            for r in &mut records {
                r.zone = ids.get(r.zone.index()).copied().unwrap_or(r.zone);
            }
        }
        // Moved, not copied, when this data has no record: a million records are 100 MB.
        if self.records.is_empty() {
            self.records = records;
        } else {
            self.records.append(&mut records);
        }
        self.zone_settings.extend(zone_settings);
        self.as_of = self.as_of.or(as_of);
    }

    /// The `bad time` detail for a record timestamp, when it is implausible at `as_of`.
    /// An unreadable stamp ([`UNREADABLE_TIMESTAMP`]) was reported by its reader already.
    pub(crate) fn check_timestamp(&self, ts: Option<DateTime<Utc>>) -> Option<String> {
        let (ts, as_of) = (ts.filter(|t| *t != UNREADABLE_TIMESTAMP)?, self.as_of?);
        (!plausible_timestamp(ts, as_of)).then(|| implausible_detail(ts, as_of))
    }

    /// Sets the moment audited and reports the implausible timestamps of the records read so
    /// far (those from live AD, read before the moment was known), naming each node's DN.
    pub(crate) fn set_as_of(&mut self, as_of: DateTime<Utc>, problems: &mut Problems) {
        self.as_of = Some(as_of);
        for r in &self.records {
            let Some(detail) = self.check_timestamp(r.timestamp) else { continue };
            let Some(zone) = self.zones.get(r.zone.index()) else { continue };
            // An AD zone's source is `<ldap url>/<zone DN>`; its nodes are `DC=<label>,<zone DN>`.
            let zone_dn = zone.source.find("/DC=").and_then(|p| zone.source.get(p + 1..)).unwrap_or(&zone.source);
            let label = r.name.strip_suffix(zone.name.as_str()).map(|l| l.trim_end_matches('.')).filter(|l| !l.is_empty()).unwrap_or("@");
            problems.push(&zone.source, 0, SkipReason::BadTime, format!("node DC={label},{zone_dn}: {detail}"));
        }
    }
}

/// The timestamp kept for a record whose stamp could not be read: the record exists (dropping
/// it would make its host `missing`), dynamic, with an age nobody can know (implausible, so the
/// audit says `unknown`).
pub(crate) const UNREADABLE_TIMESTAMP: DateTime<Utc> = DateTime::<Utc>::MIN_UTC;

/// A zone's own structure, its SOA and name servers: in every zone export, read for
/// completeness and delegations, never counted as a skipped input record.
pub(crate) fn is_zone_structure(rtype: &str) -> bool {
    rtype.eq_ignore_ascii_case("SOA") || rtype.eq_ignore_ascii_case("NS")
}

/// The earliest record timestamp taken as real: Windows DNS aging dates from 2000, and the
/// MS-DNSP hour count makes anything before 1990 a corrupted or crafted value.
pub(crate) fn earliest_timestamp() -> DateTime<Utc> {
    DateTime::from_timestamp(631_152_000, 0).unwrap_or(DateTime::<Utc>::MIN_UTC) // 1990-01-01T00:00:00Z
}

/// Whether a record timestamp could have been written by a DNS server before `as_of`: from
/// 1990 to a day after `as_of` (clock skew between DCs and the audit host). Others are
/// reported as `bad time` and the record's age is `unknown`.
pub(crate) fn plausible_timestamp(ts: DateTime<Utc>, as_of: DateTime<Utc>) -> bool {
    let latest = as_of.checked_add_signed(TimeDelta::days(1)).unwrap_or(DateTime::<Utc>::MAX_UTC);
    ts >= earliest_timestamp() && ts <= latest
}

/// The `bad time` detail for an implausible timestamp.
pub(crate) fn implausible_detail(ts: DateTime<Utc>, as_of: DateTime<Utc>) -> String {
    // Unclamped: the message must show the value as read, even past year 9999.
    let t = ts.format("%Y-%m-%dT%H:%M:%SZ");
    if ts < earliest_timestamp() {
        format!("timestamp {t} is before 1990: the record's age is unknown")
    } else {
        format!("timestamp {t} is after --as-of {} plus a day: the record's age is unknown", crate::timefmt::rfc3339(as_of))
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
pub(crate) fn read_file(path: &Path, times: &crate::timefmt::InputTimes, data: &mut DnsData, problems: &mut Problems) -> Result<Format, InputError> {
    let file = input::TextFile::open(path)?;
    let source = input::source_name(path);
    let format = detect(&file.head()?);
    // Both formats are parsed as they are read, each pass from the start.
    let open = || file.reader();
    let read = match format {
        Format::Csv => csv::read(open, &source, times, data, problems),
        Format::ZoneFile => {
            let file_stem = path
                .file_name()
                .map(|f| f.to_string_lossy().to_string())
                .map(|f| f.strip_suffix(".dns").map(str::to_string).unwrap_or(f));
            zone_file::read(open, &source, file_stem.as_deref(), data, problems)
        }
    };
    read.map_err(|e| e.at(path))?;
    Ok(format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implausible_ad_timestamps_name_the_node() {
        let mut d = DnsData::default();
        let s: Arc<str> = Arc::from("ldaps://dc1:636/DC=corp.test,CN=MicrosoftDNS,DC=DomainDnsZones,DC=corp,DC=test");
        let z = d.zone_id("corp.test", &s);
        let ts = crate::timefmt::from_dns_hours(2_283_864_263);
        d.records.push(DnsRecord { name: "pc.corp.test".into(), data: RecordData::Addr("10.0.0.1".parse().unwrap()), timestamp: ts, ttl: None, zone: z, owner: None });
        d.records.push(DnsRecord { name: "corp.test".into(), data: RecordData::Addr("10.0.0.2".parse().unwrap()), timestamp: crate::timefmt::from_dns_hours(1), ttl: None, zone: z, owner: None });
        let mut problems = Problems::default();
        d.set_as_of(crate::timefmt::parse_time_utc("2026-11-20T12:00:00Z").unwrap(), &mut problems);
        let got: Vec<String> = problems.list.iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            vec![
                "ldaps://dc1:636/DC=corp.test,CN=MicrosoftDNS,DC=DomainDnsZones,DC=corp,DC=test: bad time: node DC=pc,DC=corp.test,CN=MicrosoftDNS,DC=DomainDnsZones,DC=corp,DC=test: timestamp +262142-12-31T23:00:00Z is after --as-of 2026-11-20T12:00:00Z plus a day: the record's age is unknown",
                "ldaps://dc1:636/DC=corp.test,CN=MicrosoftDNS,DC=DomainDnsZones,DC=corp,DC=test: bad time: node DC=@,DC=corp.test,CN=MicrosoftDNS,DC=DomainDnsZones,DC=corp,DC=test: timestamp 1601-01-01T01:00:00Z is before 1990: the record's age is unknown",
            ]
        );
    }

    /// Two exports read apart and absorbed are the data of both read into one, in turn.
    #[test]
    fn absorbed_data_is_the_data_read_in_turn() {
        let times = crate::timefmt::InputTimes::default();
        let a = "HostName,RecordType,Timestamp,TimeToLive,RecordData,ZoneName\n@,SOA,0,3600,x,a.test\npc1,A,0,1200,10.0.0.1,a.test\npc2,A,0,1200,10.0.0.2,b.test\n";
        let b = "HostName,RecordType,Timestamp,TimeToLive,RecordData,ZoneName\npc3,A,0,1200,10.0.0.3,c.test\n@,SOA,0,3600,x,b.test\npc4,A,0,1200,10.0.0.4,a.test\n";
        let read = |text: &str, data: &mut DnsData| {
            let mut problems = Problems::default();
            csv::parse(text, &Arc::from("f"), &times, data, &mut problems).unwrap();
        };
        let mut in_turn = DnsData::default();
        read(a, &mut in_turn);
        read(b, &mut in_turn);
        let (mut first, mut second) = (DnsData::default(), DnsData::default());
        read(a, &mut first);
        read(b, &mut second);
        first.absorb(second);
        assert_eq!((&first.zones, &first.records), (&in_turn.zones, &in_turn.records));
        // b.test's apex came from the second export only; c.test has none.
        let unusable: Vec<_> = first.zones.iter().map(|z| (z.name.as_str(), z.unusable)).collect();
        assert_eq!(unusable, vec![("a.test", false), ("b.test", false), ("c.test", true)]);
    }

    #[test]
    fn hostile_names_are_in_no_zone() {
        let mut d = DnsData::default();
        d.zone_id("corp.test", &Arc::from("t"));
        assert_eq!(d.covering_zone(&("x.".repeat(1_000_000) + "corp.test")), None);
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
