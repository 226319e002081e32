//! The forecast's report (README "Before enabling scavenging"): its columns, one row per record
//! scavenging deletes, and its stderr summary (per week, live and stale, per zone). Written
//! through the same CSV writer as the audit's ([`super::write`]).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, TimeDelta, Utc};

use super::summary::render_problems;
use crate::dns::RecordData;
use crate::forecast::{NotForecast, Row, Tally};
use crate::input::Problems;
use crate::timefmt::rfc3339;

/// The forecast's columns, in the order of README "Before enabling scavenging".
pub(crate) const FORECAST_COLUMNS: [&str; 16] = [
    "scavenge_after",
    "zone",
    "name",
    "type",
    "data",
    "record_timestamp",
    "record_owner",
    "owner_kind",
    "verdict",
    "evidence",
    "lease_ip",
    "lease_hostname",
    "lease_expires",
    "ad_computer",
    "ad_enabled",
    "ad_last_logon",
];

/// The cells of one row, unescaped, in [`FORECAST_COLUMNS`] order; borrowed where the data
/// holds the text (millions of rows: no copy of every name).
pub(crate) fn forecast_row<'a>(r: &Row<'a>) -> [Cow<'a, str>; 16] {
    let opt_time = |t: Option<DateTime<Utc>>| t.map_or(Cow::Borrowed(""), |t| Cow::Owned(rfc3339(t)));
    let record = r.record;
    let data = match &record.data {
        RecordData::Addr(a) => Cow::Owned(a.to_string()),
        RecordData::Ptr(t) | RecordData::Cname(t) => Cow::Borrowed(t.as_str()),
    };
    let lease = r.lease;
    let computer = r.computer;
    [
        Cow::Owned(rfc3339(r.scavenge_after)),
        Cow::Borrowed(r.zone.name.as_str()),
        Cow::Borrowed(record.name.as_str()),
        Cow::Borrowed(r.rtype()),
        data,
        opt_time(record.timestamp),
        record.owner.as_deref().map_or(Cow::Borrowed(""), |o| Cow::Borrowed(o.display.as_str())),
        r.owner_kind.map_or(Cow::Borrowed(""), |k| Cow::Borrowed(k.as_str())),
        Cow::Borrowed(r.verdict().as_str()),
        Cow::Borrowed(r.evidence()),
        lease.map_or(Cow::Borrowed(""), |l| Cow::Owned(l.ip.to_string())),
        lease.and_then(|l| l.hostname.as_deref()).map_or(Cow::Borrowed(""), Cow::Borrowed),
        opt_time(lease.and_then(|l| l.expires)),
        computer.map_or(Cow::Borrowed(""), |c| Cow::Borrowed(c.name.as_str())),
        Cow::Borrowed(match computer.and_then(|c| c.enabled) {
            Some(true) => "true",
            Some(false) => "false",
            None => "",
        }),
        opt_time(computer.and_then(|c| c.last_logon)),
    ]
}

/// What the forecast read and found, for stderr.
#[derive(Debug)]
pub(crate) struct ForecastSummary<'a> {
    pub(crate) horizon: TimeDelta,
    pub(crate) tally: Tally<'a>,
    pub(crate) not_forecast: BTreeMap<NotForecast, usize>,
    pub(crate) leases_read: usize,
    pub(crate) leases_audited: usize,
    pub(crate) computers_read: usize,
    pub(crate) dns_records_read: usize,
    pub(crate) zones_read: usize,
    pub(crate) destination: String,
    pub(crate) rows_written: usize,
    pub(crate) stale_temp_removed: usize,
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
            "ddns-audit: forecast as of {} to {} (horizon {}): scavenging deletes {} records: live {}, stale {}",
            rfc3339(t.as_of),
            rfc3339(end),
            duration_text(self.horizon),
            t.live + t.stale,
            t.live,
            t.stale
        );
        let _ = writeln!(
            o,
            "  inputs: {} leases audited ({} read), {} computers, {} DNS records in {} zones",
            self.leases_audited, self.leases_read, self.computers_read, self.dns_records_read, self.zones_read
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
            let zones: Vec<(&str, (usize, usize))> = t.cells.range((w, "")..).take_while(|((k, _), _)| *k == w).map(|((_, z), c)| (*z, *c)).collect();
            // An empty overdue line is noise; empty weeks are shown (a quiet week is news too).
            if w == 0 && zones.is_empty() {
                continue;
            }
            let (live, stale) = zones.iter().fold((0, 0), |(l, s), (_, (a, b))| (l + a, s + b));
            let _ = writeln!(o, "  {title}: live {live}, stale {stale}");
            for (zone, (l, s)) in zones {
                let _ = writeln!(o, "    {zone}: live {l}, stale {s}");
            }
        }
        let total: usize = self.not_forecast.values().sum();
        let parts: Vec<String> = NotForecast::ALL.iter().map(|r| format!("{r} {}", self.not_forecast.get(r).unwrap_or(&0))).collect();
        let _ = writeln!(o, "  not forecast: {total} A/AAAA/PTR records ({})", parts.join(", "));
        render_problems(&mut o, problems);
        let _ = writeln!(o, "  report: {} ({} rows)", self.destination, self.rows_written);
        if self.stale_temp_removed > 0 {
            let _ = writeln!(o, "  removed {} temporary report file(s) left by interrupted runs (.ddns-audit-*.tmp unchanged for 24 h)", self.stale_temp_removed);
        }
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
