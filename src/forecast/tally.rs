//! The summary's counts: per week from the as-of (week 1 = [as_of, as_of + 7d), ...; records
//! already past their date before the as-of are "overdue", deleted by the next scavenging run),
//! how many `live` and `stale` records scavenging deletes, per zone.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};

use super::{Row, Verdict};

/// live and stale counts, by week and zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tally<'a> {
    pub(crate) as_of: DateTime<Utc>,
    /// How many weeks the horizon spans (at least one; the last one ends at the horizon, inclusive).
    pub(crate) weeks: u32,
    /// (week, zone) → (live, stale); week 0 is overdue.
    pub(crate) cells: BTreeMap<(u32, &'a str), (usize, usize)>,
    pub(crate) live: usize,
    pub(crate) stale: usize,
}

const WEEK_SECONDS: i64 = 7 * 24 * 3600;

impl<'a> Tally<'a> {
    pub(crate) fn new(as_of: DateTime<Utc>, horizon: TimeDelta) -> Tally<'a> {
        let weeks = (horizon.num_seconds().max(0) + WEEK_SECONDS - 1) / WEEK_SECONDS;
        Tally { as_of, weeks: u32::try_from(weeks.max(1)).unwrap_or(u32::MAX), cells: BTreeMap::new(), live: 0, stale: 0 }
    }

    /// The week of a date: 0 before the as-of, else 1 + whole weeks since it, at most `weeks`.
    pub(crate) fn week_of(&self, t: DateTime<Utc>) -> u32 {
        if t < self.as_of {
            return 0;
        }
        let k = t.signed_duration_since(self.as_of).num_seconds() / WEEK_SECONDS + 1;
        u32::try_from(k).unwrap_or(u32::MAX).min(self.weeks)
    }

    pub(crate) fn add(&mut self, row: &Row<'a>) {
        let week = self.week_of(row.scavenge_after);
        let cell = self.cells.entry((week, row.zone.name.as_str())).or_default();
        match row.verdict() {
            Verdict::Live => {
                cell.0 += 1;
                self.live += 1;
            }
            Verdict::Stale => {
                cell.1 += 1;
                self.stale += 1;
            }
        }
    }
}
