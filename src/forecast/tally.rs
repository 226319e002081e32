//! The summary's counts: per week from the as-of (week 1 = [as_of, as_of + 7d), ...; records
//! already past their date before the as-of are "overdue", deleted by the next scavenging run),
//! per zone: the `live` records scavenging deletes, split by `frozen` and `cannot-refresh`, the
//! `stale` ones, and the due records that are `refreshing` (their updater refreshes them in
//! time: not deleted, not listed without `--all`). Also the user accounts that own the records
//! of many hosts (most likely a DHCP server's DNS credentials).

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};

use super::{Row, Verdict};
use crate::audit::{OwnerKind, RefreshState};

/// One cell's counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    /// `live` and `frozen`.
    pub(crate) frozen: usize,
    /// `live` and `cannot-refresh`.
    pub(crate) cannot_refresh: usize,
    /// `stale` and not `refreshing`.
    pub(crate) stale: usize,
    /// Due but `refreshing` (live or stale): scavenging does not delete them.
    pub(crate) refreshing: usize,
}

impl Counts {
    /// The `live` records scavenging deletes.
    pub(crate) fn live(&self) -> usize {
        self.frozen + self.cannot_refresh
    }

    /// The records scavenging deletes.
    pub(crate) fn deleted(&self) -> usize {
        self.live() + self.stale
    }

    fn add(&mut self, o: &Counts) {
        self.frozen += o.frozen;
        self.cannot_refresh += o.cannot_refresh;
        self.stale += o.stale;
        self.refreshing += o.refreshing;
    }

    /// `live 3 (frozen 2, cannot-refresh 1), stale 0, refreshing 4`: the summary's words.
    pub(crate) fn text(&self) -> String {
        format!(
            "live {} (frozen {}, cannot-refresh {}), stale {}, refreshing {}",
            self.live(),
            self.frozen,
            self.cannot_refresh,
            self.stale,
            self.refreshing
        )
    }
}

/// A user account that owns the records of at least this many hosts is named in the summary.
pub(crate) const MANY_HOSTS: usize = 3;

/// Counts by week and zone, and the user accounts owning the records of many hosts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tally<'a> {
    pub(crate) as_of: DateTime<Utc>,
    /// How many weeks the horizon spans (at least one; the last one ends at the horizon, inclusive).
    pub(crate) weeks: u32,
    /// (week, zone) → counts; week 0 is overdue.
    pub(crate) cells: BTreeMap<(u32, &'a str), Counts>,
    pub(crate) total: Counts,
    /// User owner → the first [`MANY_HOSTS`] distinct hosts it owns records of (no more kept:
    /// a DHCP server's credentials may own a million).
    user_hosts: BTreeMap<&'a str, Vec<&'a str>>,
}

const WEEK_SECONDS: i64 = 7 * 24 * 3600;

impl<'a> Tally<'a> {
    pub(crate) fn new(as_of: DateTime<Utc>, horizon: TimeDelta) -> Tally<'a> {
        let weeks = (horizon.num_seconds().max(0) + WEEK_SECONDS - 1) / WEEK_SECONDS;
        Tally { as_of, weeks: u32::try_from(weeks.max(1)).unwrap_or(u32::MAX), cells: BTreeMap::new(), total: Counts::default(), user_hosts: BTreeMap::new() }
    }

    /// The week of a date: 0 before the as-of, else 1 + whole weeks since it, at most `weeks`.
    pub(crate) fn week_of(&self, t: DateTime<Utc>) -> u32 {
        if t < self.as_of {
            return 0;
        }
        let k = t.signed_duration_since(self.as_of).num_seconds() / WEEK_SECONDS + 1;
        u32::try_from(k).unwrap_or(u32::MAX).min(self.weeks)
    }

    /// Counts one due record (every one, listed or not).
    pub(crate) fn add(&mut self, row: &Row<'a>) {
        let week = self.week_of(row.scavenge_after);
        let mut one = Counts::default();
        match (row.refresh, row.verdict()) {
            (RefreshState::Refreshing, _) => one.refreshing = 1,
            (_, Verdict::Stale) => one.stale = 1,
            (RefreshState::Frozen, Verdict::Live) => one.frozen = 1,
            (RefreshState::CannotRefresh, Verdict::Live) => one.cannot_refresh = 1,
        }
        self.cells.entry((week, row.zone.name.as_str())).or_default().add(&one);
        self.total.add(&one);
        if row.owner_kind == Some(OwnerKind::User)
            && let Some(owner) = row.record.owner.as_deref()
        {
            let hosts = self.user_hosts.entry(owner.display.as_str()).or_default();
            let host = row.host();
            if hosts.len() < MANY_HOSTS && !hosts.contains(&host) {
                hosts.push(host);
            }
        }
    }

    /// The user accounts owning the records of [`MANY_HOSTS`] hosts or more, sorted.
    pub(crate) fn busy_users(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.user_hosts.iter().filter(|(_, h)| h.len() >= MANY_HOSTS).map(|(o, _)| *o)
    }
}
