//! Scavenging risk of one record: docs/report.md "Scavenging risk" (not being refreshed, or cannot be
//! refreshed, by [`super::refresh`]'s rule), and the scavenging date from the zone's aging intervals.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::refresh::{self, Blocker, RefreshState, Updater};
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
    /// The forecast's `refresh` of the record; `None` where it has no risk to judge (static,
    /// aging off, unknown age).
    pub(crate) refresh: Option<RefreshState>,
    /// What stops its updater, when a known cause does (the remediation names it).
    pub(crate) blocker: Option<Blocker>,
}

impl RecordAge {
    /// A record live DNS serves but no timestamp data covers.
    pub(crate) fn unknown() -> RecordAge {
        RecordAge { kind: RecordKind::Unknown, timestamp: None, scavenge_after: None, risk: Risk::Unknown, is_ptr: false, owner: None, refresh: None, blocker: None }
    }
}

/// Assesses a record found in the data; `updater` is what is known of who refreshes it.
pub(crate) fn assess(record: &DnsRecord, zone: &Zone, lease: &Lease, settings: &AuditSettings, updater: &Updater<'_>) -> RecordAge {
    RecordAge { owner: record.owner.clone(), ..age(record, zone, lease, settings, updater) }
}

fn age(record: &DnsRecord, zone: &Zone, lease: &Lease, settings: &AuditSettings, updater: &Updater<'_>) -> RecordAge {
    let is_ptr = matches!(record.data, crate::dns::RecordData::Ptr(_));
    let Some(ts) = record.timestamp else {
        return RecordAge { kind: RecordKind::Static, timestamp: None, scavenge_after: None, risk: Risk::None, is_ptr, owner: None, refresh: None, blocker: None };
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
        return RecordAge { kind: RecordKind::Dynamic, timestamp: Some(ts), scavenge_after: None, risk: Risk::None, is_ptr, owner: None, refresh: None, blocker: None };
    }
    let no_refresh = zone.aging.no_refresh.unwrap_or(settings.no_refresh);
    let refresh = zone.aging.refresh.unwrap_or(settings.refresh);
    // Checked: the intervals come from AD or the options, the lease duration from the input.
    let Some(scavenge_after) = ts.checked_add_signed(no_refresh).and_then(|t| t.checked_add_signed(refresh)) else {
        return RecordAge { is_ptr, ..RecordAge::unknown() };
    };
    let frozen = refresh::not_refreshed(ts, settings.as_of, no_refresh, refresh::slack(Some(lease)));
    let (state, blocker) = refresh::refresh_of(frozen, is_ptr, updater);
    let risk = risk_of(state, scavenge_after, settings);
    RecordAge { kind: RecordKind::Dynamic, timestamp: Some(ts), scavenge_after: Some(scavenge_after), risk, is_ptr, owner: None, refresh: Some(state), blocker }
}

/// docs/report.md "Scavenging risk": a record not being refreshed (`frozen`) or that cannot be
/// refreshed is `high` when `scavenge_after ≤ as_of + scavenging_interval`, else `medium`; one
/// refreshed normally is `low`. A sum that overflows saturates: a limit beyond chrono's range
/// is never reached.
pub(crate) fn risk_of(state: RefreshState, scavenge_after: DateTime<Utc>, s: &AuditSettings) -> Risk {
    let horizon = s.as_of.checked_add_signed(s.scavenging_interval).unwrap_or(DateTime::<Utc>::MAX_UTC);
    if state == RefreshState::Refreshing {
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
