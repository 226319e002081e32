//! Stage 4b, forecast (`ddns-audit forecast`, docs/forecast.md "Before enabling scavenging"): every
//! dynamic A, AAAA and PTR record that scavenging deletes within the horizon, in the order it
//! goes, each with whether its host is `live` (a lease or a recent AD logon says it is in use)
//! or `stale`, and whether its updater refreshes it in time (`refresh`, the audit's own rule:
//! [`crate::audit::refresh_of`]). A pure, synchronous function of the gathered leases, computers, DNS data, the
//! settings and the moment forecast; no I/O here. One file per concern: `due.rs` which records
//! go and when, `verdict.rs` whether the host is live, `tally.rs` the weekly counts.

mod due;
mod tally;
mod verdict;

use chrono::{DateTime, TimeDelta, Utc};

pub(crate) use due::{NotForecast, Plan, plan};
use due::data_record;
pub(crate) use tally::{Counts, MANY_HOSTS, Tally};
pub(crate) use verdict::Liveness;

use crate::audit::{AuditSettings, DhcpAccount, OwnerKind, RefreshState, Updater, not_refreshed, owner_kind, refresh_of, slack};
use crate::directory::{Computer, Directory};
use crate::dns::rtype::RecordType;
use crate::dns::{DnsData, DnsRecord, RecordData, Zone};
use crate::leases::Lease;
use crate::leases::dns_settings::DhcpDnsSettings;
use crate::vocab::vocabulary;

/// The forecast's own settings; the rest (as-of, aging defaults, `--assume-aging`, domain) are
/// the audit's [`AuditSettings`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ForecastOptions {
    /// Records with `scavenge_after ≤ as_of + horizon` are forecast (`--horizon`, 28d).
    pub(crate) horizon: TimeDelta,
    /// An enabled computer that logged on at or after `as_of − logon_window` is live (`--logon-window`, 30d).
    pub(crate) logon_window: TimeDelta,
}

vocabulary! {
    /// `verdict`: whether something says the record's host is in use.
    pub(crate) Verdict {
        Live => "live",
        Stale => "stale",
    }
}

vocabulary! {
    /// `evidence`: what says the host is live (none for a `stale` row).
    pub(crate) Evidence {
        LeaseAndLogon => "lease;ad-logon",
        Lease => "lease",
        AdLogon => "ad-logon",
    }
}

vocabulary! {
    /// forecast's `--fail-on`: exit 1 when a `live` row exists, or never.
    pub(crate) ForecastFailOn {
        Live => "live",
        Never => "never",
    }
}

impl ForecastFailOn {
    /// The forecast's exit-code policy, from its counts: only a live record scavenging deletes
    /// trips it (a refreshing one is not deleted).
    pub(crate) fn trips(self, total: &Counts) -> bool {
        self == ForecastFailOn::Live && total.live() > 0
    }
}

/// One row of the forecast: a record scavenging deletes, when, and what says its host is live.
#[derive(Debug, Clone)]
pub(crate) struct Row<'a> {
    pub(crate) scavenge_after: DateTime<Utc>,
    pub(crate) record: &'a DnsRecord,
    pub(crate) zone: &'a Zone,
    /// The audited lease whose fqdn is the host (on the PTR's address, for a PTR).
    pub(crate) lease: Option<&'a Lease>,
    /// Whether `computer` is evidence: enabled, with a last logon within the window.
    pub(crate) ad_logon: bool,
    /// The AD computer whose `dNSHostName` is the host (the one that is evidence, when one is).
    pub(crate) computer: Option<&'a Computer>,
    /// The record owner's kind, against the host and its computer (as the audit's column).
    pub(crate) owner_kind: Option<OwnerKind>,
    /// Whether its updater refreshes it in time.
    pub(crate) refresh: RefreshState,
}

impl<'a> Row<'a> {
    pub(crate) fn verdict(&self) -> Verdict {
        if self.lease.is_some() || self.ad_logon { Verdict::Live } else { Verdict::Stale }
    }

    /// `evidence`: `lease`, `ad-logon`, `lease;ad-logon`, or none for `stale`.
    pub(crate) fn evidence(&self) -> Option<Evidence> {
        match (self.lease.is_some(), self.ad_logon) {
            (true, true) => Some(Evidence::LeaseAndLogon),
            (true, false) => Some(Evidence::Lease),
            (false, true) => Some(Evidence::AdLogon),
            (false, false) => None,
        }
    }

    /// The host the record names: its owner name, or a PTR's target.
    pub(crate) fn host(&self) -> &'a str {
        match &self.record.data {
            RecordData::Ptr(t) => t.as_str(),
            _ => self.record.name.as_str(),
        }
    }

    /// Whether the row is written without `--all`: scavenging deletes the record.
    pub(crate) fn listed(&self) -> bool {
        self.refresh != RefreshState::Refreshing
    }

    /// `type`: `A`, `AAAA` or `PTR`.
    pub(crate) fn rtype(&self) -> RecordType {
        record_type(self.record)
    }
}

/// `A`, `AAAA`, `PTR` (`CNAME` for the records the forecast leaves out).
pub(crate) fn record_type(r: &DnsRecord) -> RecordType {
    match &r.data {
        RecordData::Addr(a) if a.is_ipv4() => RecordType::A,
        RecordData::Addr(_) => RecordType::Aaaa,
        RecordData::Ptr(_) => RecordType::Ptr,
        RecordData::Cname(_) => RecordType::Cname,
    }
}

/// The forecast over one set of gathered data: the plan (the due records, sorted) and the
/// liveness indexes; rows are judged one at a time as they stream into the report.
pub(crate) struct Forecaster<'a> {
    dns: &'a DnsData,
    plan: Plan,
    liveness: Liveness<'a>,
    directory: &'a Directory,
    dhcp_accounts: Vec<DhcpAccount>,
    /// The DHCP servers' DNS settings, for the `cannot-refresh` rule.
    dhcp: &'a DhcpDnsSettings,
    as_of: DateTime<Utc>,
    default_no_refresh: TimeDelta,
}

impl<'a> Forecaster<'a> {
    /// From a plan made first (so that the index it was made from can be dropped before the
    /// liveness indexes are built: the peak memory is the larger of the two, not their sum).
    pub(crate) fn new(
        dns: &'a DnsData,
        plan: Plan,
        leases: &'a [Lease],
        directory: &'a Directory,
        dhcp: &'a DhcpDnsSettings,
        settings: &AuditSettings,
        options: ForecastOptions,
    ) -> Forecaster<'a> {
        let dhcp_accounts = settings.dhcp_accounts.clone();
        Forecaster {
            dns,
            plan,
            liveness: Liveness::new(leases, directory, settings, options),
            directory,
            dhcp_accounts,
            dhcp,
            as_of: settings.as_of,
            default_no_refresh: settings.no_refresh,
        }
    }

    /// The records not forecast, by why.
    pub(crate) fn not_forecast(&self) -> &std::collections::BTreeMap<NotForecast, usize> {
        &self.plan.not_forecast
    }

    /// The rows, in `scavenge_after` order (ties: zone, name, type, data).
    pub(crate) fn rows(&self) -> impl Iterator<Item = Row<'a>> + '_ {
        self.plan.due.iter().filter_map(move |d| {
            let r = data_record(self.dns, d.record)?;
            let judged = self.liveness.judge(r.record);
            // The host the record names: its owner name, or a PTR's target.
            let host = match &r.record.data {
                RecordData::Ptr(t) => t.as_str(),
                _ => r.record.name.as_str(),
            };
            let owner_kind = r.record.owner.as_deref().map(|o| {
                owner_kind(o, host, judged.computer, &self.dhcp_accounts, |n| self.directory.is_domain_controller(n))
            });
            // The audit's rule, with the lease on the record's name (A/AAAA) or address (PTR):
            // its duration widens the slack, its DHCP setting may stop the server's updates.
            let is_ptr = matches!(r.record.data, RecordData::Ptr(_));
            let frozen = r.record.timestamp.is_some_and(|ts| {
                let no_refresh = r.zone.aging.no_refresh.unwrap_or(self.default_no_refresh);
                not_refreshed(ts, self.as_of, no_refresh, slack(judged.updater_lease))
            });
            let setting = judged.updater_lease.and_then(|l| self.dhcp.effective(l));
            let updater = Updater { zone: r.zone.dynamic_updates, owner_kind, dhcp: setting.as_ref() };
            let (refresh, _) = refresh_of(frozen, is_ptr, &updater);
            Some(Row {
                scavenge_after: d.scavenge_after,
                record: r.record,
                zone: r.zone,
                lease: judged.lease,
                ad_logon: judged.ad_logon,
                computer: judged.computer,
                owner_kind,
                refresh,
            })
        })
    }
}

/// Forecasts from the DNS data (for tests; the run streams with [`Forecaster`]).
#[cfg(test)]
pub(crate) fn forecast<'a>(
    leases: &'a [Lease],
    directory: &'a Directory,
    dns: &'a DnsData,
    dhcp: &'a DhcpDnsSettings,
    settings: &AuditSettings,
    options: ForecastOptions,
) -> (Vec<Row<'a>>, std::collections::BTreeMap<NotForecast, usize>) {
    let plan = plan(dns, crate::dns::RecordIndex::new(dns, settings.as_of).record_ids(), settings, options);
    let f = Forecaster::new(dns, plan, leases, directory, dhcp, settings, options);
    (f.rows().collect(), f.not_forecast().clone())
}

#[cfg(test)]
mod tests;
