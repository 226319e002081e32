//! The forecast's report (docs/forecast.md "Before enabling scavenging"): its columns, one row per record
//! scavenging deletes, and its stderr summary (per week, live and stale, per zone). Written
//! through the same CSV writer as the audit's ([`super::write`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::net::IpAddr;

use chrono::{DateTime, TimeDelta, Utc};

use super::summary::{count, render_problems, render_pruned};
use crate::dns::RecordData;
use crate::forecast::{Counts, MANY_HOSTS, NotForecast, Row, Tally};
use crate::input::Problems;
use crate::timefmt::{rfc3339, rfc3339_bytes};

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

/// One cell of a forecast row: text the data holds, or a short text (a time, an address)
/// rendered into the cell itself, so that millions of rows cost no allocation per cell.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cell<'a> {
    Text(&'a str),
    Short { buf: [u8; SHORT], len: u8 },
}

/// Room for any time (20 bytes) or address (an IPv6 address is at most 45 characters).
const SHORT: usize = 46;

impl<'a> Cell<'a> {
    fn time(t: DateTime<Utc>) -> Cell<'a> {
        let mut buf = [0u8; SHORT];
        let text = rfc3339_bytes(t);
        for (b, c) in buf.iter_mut().zip(text) {
            *b = c;
        }
        Cell::Short { buf, len: 20 }
    }

    fn opt_time(t: Option<DateTime<Utc>>) -> Cell<'a> {
        t.map_or(Cell::Text(""), Cell::time)
    }

    fn ip(ip: IpAddr) -> Cell<'a> {
        let mut buf = [0u8; SHORT];
        let mut rest: &mut [u8] = &mut buf;
        // Cannot fail: the longest address fits.
        let _ = write!(rest, "{ip}");
        let len = SHORT.saturating_sub(rest.len());
        Cell::Short { buf, len: u8::try_from(len).unwrap_or(0) }
    }
}

impl AsRef<str> for Cell<'_> {
    fn as_ref(&self) -> &str {
        match self {
            Cell::Text(s) => s,
            Cell::Short { buf, len } => buf.get(..usize::from(*len)).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or(""),
        }
    }
}

/// The cells of one row, unescaped, in [`FORECAST_COLUMNS`] order; borrowed where the data
/// holds the text (millions of rows: no copy of every name).
pub(crate) fn forecast_row<'a>(r: &Row<'a>) -> [Cell<'a>; 17] {
    let record = r.record;
    let data = match &record.data {
        RecordData::Addr(a) => Cell::ip(*a),
        RecordData::Ptr(t) | RecordData::Cname(t) => Cell::Text(t.as_str()),
    };
    let lease = r.lease;
    let computer = r.computer;
    [
        Cell::time(r.scavenge_after),
        Cell::Text(r.zone.name.as_str()),
        Cell::Text(record.name.as_str()),
        Cell::Text(r.rtype().as_str()),
        data,
        Cell::opt_time(record.timestamp),
        Cell::Text(record.owner.as_deref().map_or("", |o| o.display.as_str())),
        Cell::Text(r.owner_kind.map_or("", |k| k.as_str())),
        Cell::Text(r.verdict().as_str()),
        Cell::Text(r.refresh.as_str()),
        Cell::Text(r.evidence().map_or("", crate::forecast::Evidence::as_str)),
        lease.map_or(Cell::Text(""), |l| Cell::ip(l.ip)),
        Cell::Text(lease.and_then(|l| l.hostname.as_deref()).unwrap_or("")),
        Cell::opt_time(lease.and_then(|l| l.expires)),
        Cell::Text(computer.map_or("", |c| c.name.as_str())),
        Cell::Text(match computer.and_then(|c| c.enabled) {
            Some(true) => "true",
            Some(false) => "false",
            None => "",
        }),
        Cell::opt_time(computer.and_then(|c| c.last_logon)),
    ]
}

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
    fn short_cells_hold_any_address_and_time() {
        let texts: Vec<String> = ["10.1.2.3", "::ffff:255.255.255.255", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fd00::1:2"]
            .into_iter()
            .map(|a| Cell::ip(a.parse().unwrap()).as_ref().to_string())
            .collect();
        assert_eq!(texts, ["10.1.2.3", "::ffff:255.255.255.255", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fd00::1:2"]);
        let t = DateTime::parse_from_rfc3339("2026-02-03T04:05:06.9Z").unwrap().with_timezone(&Utc);
        assert_eq!(Cell::time(t).as_ref(), "2026-02-03T04:05:06Z");
        assert_eq!(Cell::time(DateTime::<Utc>::MAX_UTC).as_ref(), "9999-12-31T23:59:59Z");
        assert_eq!(Cell::time(DateTime::<Utc>::MIN_UTC).as_ref(), "0000-01-01T00:00:00Z");
        assert_eq!(Cell::opt_time(None).as_ref(), "");
    }

    #[test]
    fn durations_are_written_in_their_largest_whole_unit() {
        let texts: Vec<String> = [TimeDelta::days(28), TimeDelta::hours(36), TimeDelta::minutes(90), TimeDelta::seconds(61), TimeDelta::zero()].into_iter().map(duration_text).collect();
        assert_eq!(texts, ["28d", "36h", "90m", "61s", "0s"]);
    }
}
