//! The page's counters, kept as the rows stream: per group (scope, zone) and category (status,
//! verdict), and per day of `scavenge_after`. The groups are named as an admin reads them:
//! "scope 10.0.16.0 on 10.0.0.11", "Kea subnet 3", "no scope (lab-dhcpd.leases)", a zone's name.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use rustc_hash::{FxHashMap, FxHashSet};

use super::svg::Series;
use super::{CHART_GROUPS, DAILY_UP_TO, Kind};
use crate::audit::Finding;
use crate::leases::Lease;
use crate::timefmt::rfc3339;

/// Counts per group (scope, zone) and category (status, verdict): the per-group chart.
#[derive(Debug)]
pub(crate) struct GroupTally {
    pub(super) series: Vec<Series>,
    pub(super) groups: BTreeMap<String, Vec<usize>>,
}

impl GroupTally {
    pub(crate) fn new(kind: Kind) -> GroupTally {
        GroupTally { series: kind.category().1, groups: BTreeMap::new() }
    }

    /// Counts one (group, category); a category outside the series is not counted.
    pub(crate) fn add(&mut self, group: &str, category: &str) {
        let Some(i) = self.series.iter().position(|s| s.name == category) else { return };
        // No allocation for a group already seen: millions of rows, a few hundred scopes.
        let counts = match self.groups.get_mut(group) {
            Some(c) => c,
            None => self.groups.entry(group.to_string()).or_insert_with(|| vec![0; self.series.len()]),
        };
        if let Some(c) = counts.get_mut(i) {
            *c += 1;
        }
    }

    /// The groups drawn: all when few, else the [`CHART_GROUPS`] largest; by name. And how
    /// many were left out.
    pub(super) fn drawn(&self) -> (Vec<(String, Vec<usize>)>, usize) {
        let mut all: Vec<(&String, &Vec<usize>)> = self.groups.iter().collect();
        let left_out = all.len().saturating_sub(CHART_GROUPS);
        if left_out > 0 {
            all.sort_by_key(|(name, c)| (std::cmp::Reverse(c.iter().sum::<usize>()), (*name).clone()));
            all.truncate(CHART_GROUPS);
            all.sort_by(|a, b| a.0.cmp(b.0));
        }
        (all.into_iter().map(|(n, c)| (n.clone(), c.clone())).collect(), left_out)
    }
}

/// A lease's scope as a person names it: a Windows scope or v6 prefix with the server that
/// holds it, a Kea subnet id said to be one, and a lease whose export has no scope by its file.
pub(crate) fn scope_label(l: &Lease) -> String {
    let file = || l.source_file_name();
    // An export that does not name its server (Export-DhcpServer's XML) is keyed by its file
    // and family: said as the file, not as a server called "dhcp2-export.xml IPv4".
    let on = match (l.server_name(), l.server()) {
        (Some(s), _) => format!(" on {s}"),
        (None, Some(_)) => format!(" ({})", file()),
        (None, None) => String::new(),
    };
    match l.scope() {
        Some(s) if Lease::is_kea_subnet(s) => format!("Kea subnet {s}{on}"),
        Some(s) if !s.is_empty() => format!("scope {s}{on}"),
        _ => format!("no scope ({})", file()),
    }
}

/// The audit's breakdown of every finding (written or not: the counts agree with the summary)
/// by scope and by the zone that holds the host's name.
#[derive(Debug)]
pub(crate) struct Breakdown {
    pub(super) scopes: GroupTally,
    pub(super) zones: GroupTally,
    /// The forward zones read, by name: a finding's zone is the longest that holds its name.
    zone_names: FxHashSet<String>,
    /// Scope labels by the lease's shared origin: one label made per scope, not per lease.
    labels: FxHashMap<usize, String>,
}

/// The zone group of a lease without a host name, and of a name no zone read holds.
const NO_NAME: &str = "no host name";
const NO_ZONE: &str = "not in a zone read";

impl Breakdown {
    pub(crate) fn new(zones: impl IntoIterator<Item = String>) -> Breakdown {
        Breakdown {
            scopes: GroupTally::new(Kind::Audit),
            zones: GroupTally::new(Kind::Audit),
            zone_names: zones.into_iter().filter(|z| !z.ends_with(".arpa")).collect(),
            labels: FxHashMap::default(),
        }
    }

    pub(crate) fn add_finding(&mut self, f: &Finding<'_>) {
        let key = std::sync::Arc::as_ptr(&f.lease.origin) as usize;
        let label = self.labels.entry(key).or_insert_with(|| scope_label(f.lease));
        self.scopes.add(label, f.status.as_str());
        let zone = match f.fqdn.as_deref() {
            None | Some("") => NO_NAME,
            Some(name) => zone_of(&self.zone_names, name).unwrap_or(NO_ZONE),
        };
        self.zones.add(zone, f.status.as_str());
    }
}

/// The longest zone in `zones` that holds `name` (itself or a parent).
fn zone_of<'z>(zones: &'z FxHashSet<String>, name: &str) -> Option<&'z str> {
    let mut rest = name;
    loop {
        if let Some(z) = zones.get(rest) {
            return Some(z.as_str());
        }
        rest = rest.split_once('.')?.1;
    }
}

/// Records reaching `scavenge_after` per day (per week past [`DAILY_UP_TO`] days) from the
/// as-of over the horizon, per series; before the as-of is "overdue".
#[derive(Debug)]
pub(super) struct Days {
    as_of: DateTime<Utc>,
    pub(super) horizon: TimeDelta,
    pub(super) bin: TimeDelta,
    pub(super) bins: Vec<Vec<usize>>,
    overdue: Vec<usize>,
    /// Scavengeable after the horizon: counted for the note under the chart.
    pub(super) later: usize,
}

impl Days {
    pub(super) fn new(as_of: DateTime<Utc>, horizon: TimeDelta, series: usize) -> Days {
        let bin = if horizon <= TimeDelta::days(DAILY_UP_TO) { TimeDelta::days(1) } else { TimeDelta::days(7) };
        let n = (horizon.num_seconds().max(1) + bin.num_seconds() - 1) / bin.num_seconds().max(1);
        let n = usize::try_from(n.max(1)).unwrap_or(1);
        Days { as_of, horizon, bin, bins: vec![vec![0; series]; n], overdue: vec![0; series], later: 0 }
    }

    pub(super) fn add(&mut self, t: DateTime<Utc>, series: usize) {
        let secs = t.signed_duration_since(self.as_of).num_seconds();
        let slot = if secs < 0 {
            self.overdue.get_mut(series)
        } else if secs > self.horizon.num_seconds() {
            self.later += 1;
            None
        } else {
            // The horizon's end itself is in the last bin (the forecast's horizon is inclusive).
            let i = usize::try_from(secs / self.bin.num_seconds().max(1)).unwrap_or(usize::MAX).min(self.bins.len().saturating_sub(1));
            self.bins.get_mut(i).and_then(|b| b.get_mut(series))
        };
        if let Some(c) = slot {
            *c += 1;
        }
    }

    /// The chart's bins: label, title, counts; the overdue one first when it has any.
    pub(super) fn drawn(&self) -> Vec<(String, String, Vec<usize>)> {
        let mut out = Vec::new();
        if self.overdue.iter().any(|&c| c > 0) {
            out.push(("overdue".to_string(), format!("already scavengeable before {}", rfc3339(self.as_of)), self.overdue.clone()));
        }
        let daily = self.bin == TimeDelta::days(1);
        for (i, counts) in self.bins.iter().enumerate() {
            let start = i32::try_from(i).ok().and_then(|k| self.bin.checked_mul(k)).and_then(|d| self.as_of.checked_add_signed(d)).unwrap_or(DateTime::<Utc>::MAX_UTC);
            let title = if daily { format!("24 h from {}", rfc3339(start)) } else { format!("7 days from {}", rfc3339(start)) };
            out.push((start.format("%m-%d").to_string(), title, counts.clone()));
        }
        out
    }
}
