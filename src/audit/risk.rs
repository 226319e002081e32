//! Scavenging risk of one record: the "not being refreshed" rule of README "Scavenging risk",
//! with its slack, and the scavenging date from the zone's aging intervals.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};

use super::{AuditSettings, RecordKind, Risk};
use crate::dns::{DnsRecord, RecordOwner, Zone};
use crate::leases::Lease;

/// `record_kind`, `record_timestamp`, `scavenge_after` and `scavenging_risk` for one record.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RecordAge {
    pub(crate) kind: RecordKind,
    pub(crate) timestamp: Option<DateTime<Utc>>,
    /// Empty for static records and where aging is off (the record is never scavenged).
    pub(crate) scavenge_after: Option<DateTime<Utc>>,
    pub(crate) risk: Risk,
    /// Whether this is the PTR (rather than the A/AAAA) record; for the remediation sentence.
    pub(crate) is_ptr: bool,
    /// The owner of the record's `dnsNode`, when the data says: the report's `record_owner`.
    pub(crate) owner: Option<Arc<RecordOwner>>,
}

impl RecordAge {
    /// A record live DNS serves but no timestamp data covers.
    pub(crate) fn unknown() -> RecordAge {
        RecordAge { kind: RecordKind::Unknown, timestamp: None, scavenge_after: None, risk: Risk::Unknown, is_ptr: false, owner: None }
    }
}

/// The slack before a record counts as not refreshed: the larger of 24 h and half the lease.
/// A client refreshes its registration when it renews (at half the lease), so a record may
/// legitimately lag the no-refresh interval by that much.
pub(crate) fn slack(lease: &Lease) -> TimeDelta {
    let day = TimeDelta::hours(24);
    match lease.duration {
        Some(d) if d / 2 > day => d / 2,
        _ => day,
    }
}

/// Assesses a record found in the data.
pub(crate) fn assess(record: &DnsRecord, zone: &Zone, lease: &Lease, settings: &AuditSettings) -> RecordAge {
    RecordAge { owner: record.owner.clone(), ..age(record, zone, lease, settings) }
}

fn age(record: &DnsRecord, zone: &Zone, lease: &Lease, settings: &AuditSettings) -> RecordAge {
    let is_ptr = matches!(record.data, crate::dns::RecordData::Ptr(_));
    let Some(ts) = record.timestamp else {
        return RecordAge { kind: RecordKind::Static, timestamp: None, scavenge_after: None, risk: Risk::None, is_ptr, owner: None };
    };
    // A timestamp no DNS server could have written (the reader reported it as `bad time`):
    // the record exists, but nothing is known of its age.
    if !crate::dns::plausible_timestamp(ts, settings.as_of) {
        return RecordAge { is_ptr, ..RecordAge::unknown() };
    }
    // Offline exports do not say whether aging is on: records carrying timestamps are taken as
    // aging on (README); AD's dNSProperty says it exactly.
    let aging = settings.assume_aging || zone.aging.enabled.unwrap_or(true);
    if !aging {
        return RecordAge { kind: RecordKind::Dynamic, timestamp: Some(ts), scavenge_after: None, risk: Risk::None, is_ptr, owner: None };
    }
    let no_refresh = zone.aging.no_refresh.unwrap_or(settings.no_refresh);
    let refresh = zone.aging.refresh.unwrap_or(settings.refresh);
    // Checked: the intervals come from AD or the options, the lease duration from the input.
    let Some(scavenge_after) = ts.checked_add_signed(no_refresh).and_then(|t| t.checked_add_signed(refresh)) else {
        return RecordAge { is_ptr, ..RecordAge::unknown() };
    };
    let risk = risk_of(ts, scavenge_after, no_refresh, slack(lease), settings);
    RecordAge { kind: RecordKind::Dynamic, timestamp: Some(ts), scavenge_after: Some(scavenge_after), risk, is_ptr, owner: None }
}

/// README "Scavenging risk": not being refreshed when `as_of − timestamp > no_refresh + slack`; then `high` when
/// `scavenge_after ≤ as_of + scavenging_interval`, else `medium`; refreshed normally is `low`.
/// Sums that overflow saturate: a limit beyond chrono's range is never reached.
pub(crate) fn risk_of(ts: DateTime<Utc>, scavenge_after: DateTime<Utc>, no_refresh: TimeDelta, slack: TimeDelta, s: &AuditSettings) -> Risk {
    let allowed = no_refresh.checked_add(&slack).unwrap_or(TimeDelta::MAX);
    let horizon = s.as_of.checked_add_signed(s.scavenging_interval).unwrap_or(DateTime::<Utc>::MAX_UTC);
    if s.as_of.signed_duration_since(ts) <= allowed {
        Risk::Low
    } else if scavenge_after <= horizon {
        Risk::High
    } else {
        Risk::Medium
    }
}

/// Of the matching A/AAAA and PTR records, the one at higher risk; the older on a tie
/// (a static record counts as oldest).
pub(crate) fn worse(a: Option<RecordAge>, b: Option<RecordAge>) -> Option<RecordAge> {
    match (a, b) {
        (Some(a), Some(b)) => {
            if b.risk > a.risk || (b.risk == a.risk && older(&b, &a)) {
                Some(b)
            } else {
                Some(a)
            }
        }
        (a, b) => a.or(b),
    }
}

fn older(x: &RecordAge, y: &RecordAge) -> bool {
    match (x.timestamp, y.timestamp) {
        (None, Some(_)) => true,
        (Some(tx), Some(ty)) => tx < ty,
        _ => false,
    }
}
