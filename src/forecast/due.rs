//! Which records scavenging deletes and when: `scavenge_after = timestamp + no-refresh +
//! refresh` of the record's zone, for dynamic A, AAAA and PTR records in zones that age
//! (docs/forecast.md "Before enabling scavenging"), sorted in the order they go.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{ForecastOptions, record_type};
use crate::audit::{AuditSettings, DataRecord};
use crate::dns::{self, DnsData, DnsRecord, RecordData, Zone};
use crate::vocab::vocabulary;

vocabulary! {
    /// Why an A, AAAA or PTR record is not a row, in the summary's order.
    pub(crate) NotForecast {
        /// No timestamp: scavenging never deletes it.
        Static => "static",
        /// Its zone does not age (AD's `dNSProperty`) and `--assume-aging` is not given.
        AgingOff => "aging off",
        /// A timestamp no DNS server wrote (reported as `bad time`): it cannot be dated.
        UnknownAge => "unknown age",
        /// Scavengeable, but after `as_of + horizon`.
        AfterHorizon => "due after the horizon",
    }
}

/// A record scavenging deletes within the horizon: 28 bytes, as there may be millions. The
/// zone's rank and the first bytes of the owner name decide most ties of the sort without
/// reaching into the records (a million dates alike is the usual case).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Due {
    pub(crate) scavenge_after: DateTime<Utc>,
    /// Index in [`DnsData::records`].
    pub(crate) record: u32,
    /// The zone's place among the zones sorted by name.
    zone_rank: u32,
    /// The owner name's first 8 bytes (zero-padded): byte order is the names' order.
    prefix: [u8; 8],
}

/// The due records, sorted, and the count of the others by why.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    pub(crate) due: Vec<Due>,
    pub(crate) not_forecast: BTreeMap<NotForecast, usize>,
}

/// When scavenging may delete `record`: its timestamp plus its zone's no-refresh and refresh
/// intervals (the data's, else `--no-refresh`/`--refresh`). Aging as the data says (offline
/// zones count as aging: docs/inputs.md "Aging in offline data"), or on everywhere with `--assume-aging`.
pub(crate) fn scavenge_after(record: &DnsRecord, zone: &Zone, s: &AuditSettings) -> Result<DateTime<Utc>, NotForecast> {
    let ts = record.timestamp.ok_or(NotForecast::Static)?;
    if !(s.assume_aging || zone.aging.enabled.unwrap_or(true)) {
        return Err(NotForecast::AgingOff);
    }
    // Covers `UNREADABLE_TIMESTAMP` too: it is before 1990.
    if !dns::plausible_timestamp(ts, s.as_of) {
        return Err(NotForecast::UnknownAge);
    }
    let no_refresh = zone.aging.no_refresh.unwrap_or(s.no_refresh);
    let refresh = zone.aging.refresh.unwrap_or(s.refresh);
    ts.checked_add_signed(no_refresh).and_then(|t| t.checked_add_signed(refresh)).ok_or(NotForecast::UnknownAge)
}

/// The due records of `records` (A, AAAA and PTR; CNAMEs are not forecast and not counted),
/// sorted by `scavenge_after`, then zone, name, type and data (addresses in address order).
pub(crate) fn plan(dns: &DnsData, ids: impl Iterator<Item = u32>, s: &AuditSettings, options: ForecastOptions) -> Plan {
    let limit = s.as_of.checked_add_signed(options.horizon).unwrap_or(DateTime::<Utc>::MAX_UTC);
    let mut plan = Plan::default();
    let mut by_name: Vec<usize> = (0..dns.zones.len()).collect();
    by_name.sort_by(|&a, &b| dns.zones.get(a).map(|z| &z.name).cmp(&dns.zones.get(b).map(|z| &z.name)));
    let mut zone_rank = vec![0u32; dns.zones.len()];
    for (rank, &z) in by_name.iter().enumerate() {
        if let Some(r) = zone_rank.get_mut(z) {
            *r = u32::try_from(rank).unwrap_or(u32::MAX);
        }
    }
    for id in ids {
        let Some(r) = data_record(dns, id) else { continue };
        if matches!(r.record.data, RecordData::Cname(_)) {
            continue;
        }
        match scavenge_after(r.record, r.zone, s) {
            Ok(t) if t <= limit => {
                let mut prefix = [0u8; 8];
                for (p, b) in prefix.iter_mut().zip(r.record.name.bytes()) {
                    *p = b;
                }
                let zone_rank = zone_rank.get(r.record.zone.index()).copied().unwrap_or(u32::MAX);
                plan.due.push(Due { scavenge_after: t, record: id, zone_rank, prefix });
            }
            Ok(_) => *plan.not_forecast.entry(NotForecast::AfterHorizon).or_default() += 1,
            Err(why) => *plan.not_forecast.entry(why).or_default() += 1,
        }
    }
    plan.due.sort_unstable_by(|a, b| order(dns, a, b));
    plan
}

/// A record of the data with its zone, by index.
pub(crate) fn data_record(dns: &DnsData, id: u32) -> Option<DataRecord<'_>> {
    let record = dns.records.get(id as usize)?;
    Some(DataRecord { record, zone: dns.zones.get(record.zone.index())? })
}

fn order(dns: &DnsData, a: &Due, b: &Due) -> Ordering {
    let quick = a.scavenge_after.cmp(&b.scavenge_after).then(a.zone_rank.cmp(&b.zone_rank)).then(a.prefix.cmp(&b.prefix));
    if quick != Ordering::Equal {
        return quick;
    }
    let (Some(da), Some(db)) = (data_record(dns, a.record), data_record(dns, b.record)) else { return a.record.cmp(&b.record) };
    let (ra, rb) = (da.record, db.record);
    ra.name
        .cmp(&rb.name)
        // By the type's name, as the report has always sorted (`CNAME` before `PTR`).
        .then_with(|| record_type(ra).as_str().cmp(record_type(rb).as_str()))
        .then_with(|| match (&ra.data, &rb.data) {
            (RecordData::Addr(x), RecordData::Addr(y)) => x.cmp(y),
            (RecordData::Ptr(x), RecordData::Ptr(y)) => x.cmp(y),
            _ => Ordering::Equal,
        })
}
