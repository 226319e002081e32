//! The forecast's report (docs/forecast.md "Before enabling scavenging"): its columns, one row per record
//! scavenging deletes (its cells are [`super::Row`]'s), and its stderr summary (per week, live
//! and stale, per zone). Written through the same writers as the audit's ([`super::write`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, TimeDelta, Utc};

use super::summary::{count, render_problems, render_pruned};
use crate::forecast::{Counts, MANY_HOSTS, NotForecast, Tally};
use crate::input::Problems;
use crate::timefmt::rfc3339;

/// The forecast's columns, in the order of docs/forecast.md "Before enabling scavenging".
pub(crate) const FORECAST_COLUMNS: [&str; 17] = [
    "scavenge_after",
    "zone",
    "name",
    "type",
    "data",
    "record_timestamp",
    "record_owner",
    "owner_kind",
    "verdict",
    "refresh",
    "evidence",
    "lease_ip",
    "lease_hostname",
    "lease_expires",
    "ad_computer",
    "ad_enabled",
    "ad_last_logon",
];

/// What the forecast read and found, for stderr.
#[derive(Debug)]
pub(crate) struct ForecastSummary<'a> {
    pub(crate) horizon: TimeDelta,
    /// `--all`: the `refreshing` records are rows too.
    pub(crate) all: bool,
    pub(crate) tally: Tally<'a>,
    pub(crate) not_forecast: BTreeMap<NotForecast, usize>,
    pub(crate) leases_read: usize,
    pub(crate) leases_audited: usize,
    pub(crate) computers_read: usize,
    pub(crate) dns_records_read: usize,
    pub(crate) zones_read: usize,
    pub(crate) destination: super::Destination,
    pub(crate) rows_written: usize,
    pub(crate) stale_temp_removed: usize,
    /// Old forecasts removed by `--keep`.
    pub(crate) pruned: super::Pruned,
}

/// `28d`, `36h`, `90m`, `2s`: the largest unit that divides the duration.
pub(crate) fn duration_text(d: TimeDelta) -> String {
    let s = d.num_seconds();
    match s {
        0 => "0s".to_string(),
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

impl ForecastSummary<'_> {
    pub(crate) fn render(&self, problems: &Problems) -> String {
        let mut o = String::new();
        let t = &self.tally;
        let end = t.as_of.checked_add_signed(self.horizon).unwrap_or(DateTime::<Utc>::MAX_UTC);
        let _ = writeln!(
            o,
            "ddns-audit: forecast as of {} to {} (horizon {}): scavenging deletes {}: live {} (frozen {}, cannot-refresh {}), stale {}",
            rfc3339(t.as_of),
            rfc3339(end),
            duration_text(self.horizon),
            count(t.total.deleted(), "record", "records"),
            t.total.live(),
            t.total.frozen,
            t.total.cannot_refresh,
            t.total.stale
        );
        let _ = writeln!(
            o,
            "  refreshing: {} {} refreshed in time by their updaters, so scavenging does not delete them ({})",
            count(t.total.refreshing, "more due record", "more due records"),
            if t.total.refreshing == 1 { "is" } else { "are" },
            if self.all { "listed with --all" } else { "not listed; --all lists them" }
        );
        let _ = writeln!(
            o,
            "  inputs: {} audited ({} read), {}, {} in {}",
            count(self.leases_audited, "lease", "leases"),
            self.leases_read,
            count(self.computers_read, "computer", "computers"),
            count(self.dns_records_read, "DNS record", "DNS records"),
            count(self.zones_read, "zone", "zones")
        );
        let week = TimeDelta::days(7);
        for w in 0..=t.weeks {
            let title = if w == 0 {
                "overdue (scavengeable before the as-of)".to_string()
            } else {
                let from = i32::try_from(w - 1).ok().and_then(|k| week.checked_mul(k)).and_then(|d| t.as_of.checked_add_signed(d)).unwrap_or(DateTime::<Utc>::MAX_UTC);
                let to = if w == t.weeks { end } else { from.checked_add_signed(week).unwrap_or(DateTime::<Utc>::MAX_UTC) };
                format!("week {w} ({} to {}{})", rfc3339(from), rfc3339(to), if w == t.weeks { " inclusive" } else { "" })
            };
            let zones: Vec<(&str, Counts)> = t.cells.range((w, "")..).take_while(|((k, _), _)| *k == w).map(|((_, z), c)| (*z, *c)).collect();
            // An empty overdue line is noise; empty weeks are shown (a quiet week is news too).
            if w == 0 && zones.is_empty() {
                continue;
            }
            let sum = zones.iter().fold(Counts::default(), |mut a, (_, c)| {
                a.frozen += c.frozen;
                a.cannot_refresh += c.cannot_refresh;
                a.stale += c.stale;
                a.refreshing += c.refreshing;
                a
            });
            let _ = writeln!(o, "  {title}: {}", sum.text());
            for (zone, c) in zones {
                let _ = writeln!(o, "    {zone}: {}", c.text());
            }
        }
        // Without `--dhcp-account`, a DHCP server's DNS credentials look like any user, and
        // the records they own cannot be told `cannot-refresh` by the scope's setting.
        for user in t.busy_users() {
            let _ = writeln!(
                o,
                "  {user} (user) owns the records of {MANY_HOSTS} or more hosts: most likely a DHCP server's DNS credentials; if so, pass --dhcp-account '{user}' so that its records count as dhcp-server"
            );
        }
        let total: usize = self.not_forecast.values().sum();
        let parts: Vec<String> = NotForecast::ALL.iter().map(|r| format!("{r} {}", self.not_forecast.get(r).unwrap_or(&0))).collect();
        let _ = writeln!(o, "  not forecast: {} ({})", count(total, "A/AAAA/PTR record", "A/AAAA/PTR records"), parts.join(", "));
        render_problems(&mut o, problems);
        let _ = writeln!(o, "  report: {} ({})", self.destination, count(self.rows_written, "row", "rows"));
        if self.stale_temp_removed > 0 {
            let _ = writeln!(o, "  removed {} temporary report file(s) left by interrupted runs (.ddns-audit-*.tmp unchanged for 24 h)", self.stale_temp_removed);
        }
        render_pruned(&mut o, self.pruned);
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_dictionary_template_lists_every_column_in_order() {
        let text = include_str!("../../reports/templates/forecast-columns.csv");
        let names: Vec<&str> = text.lines().skip(1).filter_map(|l| l.split(',').next()).collect();
        assert_eq!(names, FORECAST_COLUMNS);
    }

    #[test]
    fn durations_are_written_in_their_largest_whole_unit() {
        let texts: Vec<String> = [TimeDelta::days(28), TimeDelta::hours(36), TimeDelta::minutes(90), TimeDelta::seconds(61), TimeDelta::zero()].into_iter().map(duration_text).collect();
        assert_eq!(texts, ["28d", "36h", "90m", "61s", "0s"]);
    }
}
