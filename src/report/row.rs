//! The report's rows, typed until a writer renders them (docs/report.md "The report"): a
//! [`Row`] holds the audit's [`Finding`] with its run-over-run [`Judged`], or a forecast row;
//! its [`Cell`]s, in column order, keep times as times and lists as lists. Every output is a
//! [`Sink`] that takes the rows as they stream: the CSV and JSON Lines writers, the HTML page
//! (and a spreadsheet writer). A writer renders text only at the last moment
//! ([`Cell::write_text`]), so no output reads another's text back.

use std::borrow::Cow;
use std::net::IpAddr;

use chrono::{DateTime, SubsecRound, Utc};

use super::previous::{Change, Judged};
use crate::audit::{Finding, RefreshState};
use crate::forecast::Verdict;
use crate::dns::RecordData;
use crate::timefmt::rfc3339_bytes;

/// One row of either report, as the writers take it.
#[derive(Debug, Clone)]
pub(crate) enum Row<'a> {
    /// The audit's row for one lease ([`super::COLUMNS`]).
    Audit(Finding<'a>, Judged),
    /// The forecast's row for one record scavenging deletes ([`super::FORECAST_COLUMNS`]).
    Forecast(crate::forecast::Row<'a>),
}

/// One cell, typed: its text form (the CSV's, the HTML table's) is [`Cell::write_text`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell<'r> {
    /// Text as the data holds it (empty: no value).
    Text(Cow<'r, str>),
    /// An address.
    Ip(IpAddr),
    /// A time, written RFC 3339 UTC to the second; `None`: no value.
    Time(Option<DateTime<Utc>>),
    /// A list (`;` between items in text; an array in JSON Lines); empty: no value.
    List(Vec<Cow<'r, str>>),
    /// A list held as one word of a closed vocabulary whose items are `;`-separated
    /// (`lease;ad-logon`): no allocation per row for the forecast's millions.
    Words(&'static str),
}

impl Cell<'_> {
    /// Appends the cell's text, unescaped.
    pub(crate) fn write_text(&self, out: &mut String) {
        match self {
            Cell::Text(s) => out.push_str(s),
            Cell::Ip(ip) => {
                use std::fmt::Write as _;
                let _ = write!(out, "{ip}");
            }
            Cell::Time(Some(t)) => out.push_str(std::str::from_utf8(&rfc3339_bytes(*t)).unwrap_or_default()),
            Cell::Time(None) => {}
            Cell::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(';');
                    }
                    out.push_str(item);
                }
            }
            Cell::Words(w) => out.push_str(w),
        }
    }

    /// The items of a list cell (`None` for the other kinds).
    pub(crate) fn items(&self) -> Option<Vec<&str>> {
        match self {
            Cell::List(items) => Some(items.iter().map(AsRef::as_ref).collect()),
            Cell::Words("") => Some(Vec::new()),
            Cell::Words(w) => Some(w.split(';').collect()),
            _ => None,
        }
    }

    /// Whether the cell holds no value (written empty, or `null` in JSON Lines).
    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Cell::Text(s) => s.is_empty(),
            Cell::Ip(_) => false,
            Cell::Time(t) => t.is_none(),
            // As its text: no item, or one empty item.
            Cell::List(items) => items.iter().map(|i| i.len()).sum::<usize>() + items.len() <= 1,
            Cell::Words(w) => w.is_empty(),
        }
    }
}

fn text<'r>(s: &'r str) -> Cell<'r> {
    Cell::Text(Cow::Borrowed(s))
}

fn owned<'r>(s: String) -> Cell<'r> {
    Cell::Text(Cow::Owned(s))
}

impl<'a> Row<'a> {
    /// The cells, in column order ([`super::COLUMNS`], [`super::FORECAST_COLUMNS`]), unescaped.
    pub(crate) fn cells(&self) -> Vec<Cell<'_>> {
        match self {
            Row::Audit(f, judged) => audit_cells(f, judged),
            Row::Forecast(r) => forecast_cells(r),
        }
    }

    /// The category the HTML page filters and charts by: the audit's `status`; the forecast's
    /// series (`live frozen`, `live cannot-refresh`, `stale`, `refreshing`).
    pub(crate) fn category(&self) -> &'static str {
        match self {
            Row::Audit(f, _) => f.status.as_str(),
            Row::Forecast(r) => forecast_series(r.verdict(), r.refresh),
        }
    }

    /// The group the charts count by: the lease's scope (audit), the record's zone (forecast).
    pub(crate) fn group(&self) -> &str {
        match self {
            Row::Audit(f, _) => f.lease.scope().unwrap_or(""),
            Row::Forecast(r) => r.zone.name.as_str(),
        }
    }

    /// `scavenge_after`, to the second (as the report writes it).
    pub(crate) fn scavenge_after(&self) -> Option<DateTime<Utc>> {
        match self {
            Row::Audit(f, _) => f.age.as_ref().and_then(|a| a.scavenge_after),
            Row::Forecast(r) => Some(r.scavenge_after),
        }
        .map(|t| t.trunc_subsecs(0))
    }

    /// The run-over-run `change` (the audit's only).
    pub(crate) fn change(&self) -> Option<Change> {
        match self {
            Row::Audit(_, j) => j.change,
            Row::Forecast(_) => None,
        }
    }
}

/// A forecast row's chart series: `live` split by why scavenging deletes it, `stale`, and the
/// `refreshing` records (any verdict: not deleted).
fn forecast_series(verdict: Verdict, refresh: RefreshState) -> &'static str {
    match (verdict, refresh) {
        (_, RefreshState::Refreshing) => "refreshing",
        (Verdict::Stale, _) => "stale",
        (_, RefreshState::CannotRefresh) => "live cannot-refresh",
        (Verdict::Live, RefreshState::Frozen) => "live frozen",
    }
}

/// The audit's cells, in [`super::COLUMNS`] order.
fn audit_cells<'r>(f: &'r Finding<'_>, judged: &Judged) -> Vec<Cell<'r>> {
    let l = f.lease;
    let age = f.age.as_ref();
    let word = |w: Option<&'static str>| text(w.unwrap_or(""));
    vec![
        text(f.status.as_str()),
        Cell::Ip(l.ip),
        text(l.hostname.as_deref().unwrap_or_default()),
        text(f.fqdn.as_deref().unwrap_or_default()),
        text(l.mac.as_deref().unwrap_or_default()),
        text(l.state.as_str()),
        Cell::Time(l.expires),
        text(l.scope().unwrap_or_default()),
        text(f.a_status.as_str()),
        Cell::List(f.a_records.iter().map(|a| Cow::Owned(a.to_string())).collect()),
        text(f.ptr_status.as_str()),
        Cell::List(f.ptr_records.iter().map(|p| Cow::Borrowed(p.as_str())).collect()),
        word(age.map(|a| a.kind.as_str())),
        Cell::Time(age.and_then(|a| a.timestamp)),
        Cell::Time(age.and_then(|a| a.scavenge_after)),
        word(age.map(|a| a.risk.as_str())),
        text(f.computer.map(|c| c.name.as_str()).unwrap_or_default()),
        word(f.computer.and_then(|c| c.enabled).map(|e| if e { "true" } else { "false" })),
        Cell::Time(f.computer.and_then(|c| c.last_logon)),
        text(l.dns_registration().unwrap_or_default()),
        text(f.remediation.as_deref().unwrap_or_default()),
        if l.line > 0 { owned(format!("{}:{}", l.source(), l.line)) } else { text(l.source()) },
        text(f.owner.as_ref().map(|o| o.display.as_str()).unwrap_or_default()),
        word(f.owner_kind.map(|k| k.as_str())),
        word(f.zone_dynamic_updates.map(|z| z.as_str())),
        Cell::List(f.dhcp_dns_setting.map(|d| d.tokens()).unwrap_or_default().into_iter().map(Cow::Owned).collect()),
        Cell::Time(judged.first_seen),
        word(judged.change.map(|c| c.as_str())),
    ]
}

/// The forecast's cells, in [`super::FORECAST_COLUMNS`] order; borrowed where the data holds
/// the text (millions of rows: no copy of every name).
fn forecast_cells<'r>(r: &'r crate::forecast::Row<'_>) -> Vec<Cell<'r>> {
    let record = r.record;
    let data = match &record.data {
        RecordData::Addr(a) => Cell::Ip(*a),
        RecordData::Ptr(t) | RecordData::Cname(t) => text(t.as_str()),
    };
    let lease = r.lease;
    let computer = r.computer;
    vec![
        Cell::Time(Some(r.scavenge_after)),
        text(r.zone.name.as_str()),
        text(record.name.as_str()),
        text(r.rtype().as_str()),
        data,
        Cell::Time(record.timestamp),
        text(record.owner.as_deref().map_or("", |o| o.display.as_str())),
        text(r.owner_kind.map_or("", |k| k.as_str())),
        text(r.verdict().as_str()),
        text(r.refresh.as_str()),
        Cell::Words(r.evidence().map_or("", crate::forecast::Evidence::as_str)),
        lease.map_or(text(""), |l| Cell::Ip(l.ip)),
        text(lease.and_then(|l| l.hostname.as_deref()).unwrap_or("")),
        Cell::Time(lease.and_then(|l| l.expires)),
        text(computer.map_or("", |c| c.name.as_str())),
        text(match computer.and_then(|c| c.enabled) {
            Some(true) => "true",
            Some(false) => "false",
            None => "",
        }),
        Cell::Time(computer.and_then(|c| c.last_logon)),
    ]
}

/// An output that takes the rows as they stream: the report file's writer (CSV, JSON Lines),
/// the HTML page, a spreadsheet. Each row is given to every sink in the same order; a sink
/// that can fail per row keeps the first error for its end (the row loop is the report
/// file's, whose own errors stop it). Each finishes in its own way, not through this trait:
/// the report file's writer before the summary exists (its row count is in it), the page and
/// the spreadsheet after, from the summary in the form each shows (the spreadsheet's zip
/// running while the page is finished). `cells` are the row's ([`Row::cells`]), made once for
/// every sink.
pub(crate) trait Sink<'a> {
    fn row(&mut self, row: &Row<'a>, cells: &[Cell<'_>]) -> std::io::Result<()>;
}

/// The texts of a row's cells, unescaped, in column order: for the tests, which compare rows
/// as the CSV shows them.
#[cfg(test)]
pub(crate) fn texts(row: &Row<'_>) -> Vec<String> {
    row.cells()
        .iter()
        .map(|c| {
            let mut s = String::new();
            c.write_text(&mut s);
            s
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(c: &Cell<'_>) -> String {
        let mut s = String::new();
        c.write_text(&mut s);
        s
    }

    #[test]
    fn cells_render_any_address_and_time() {
        let texts: Vec<String> = ["10.1.2.3", "::ffff:255.255.255.255", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fd00::1:2"]
            .into_iter()
            .map(|a| shown(&Cell::Ip(a.parse().unwrap())))
            .collect();
        assert_eq!(texts, ["10.1.2.3", "::ffff:255.255.255.255", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fd00::1:2"]);
        let t = DateTime::parse_from_rfc3339("2026-02-03T04:05:06.9Z").unwrap().with_timezone(&Utc);
        assert_eq!(shown(&Cell::Time(Some(t))), "2026-02-03T04:05:06Z");
        assert_eq!(shown(&Cell::Time(Some(DateTime::<Utc>::MAX_UTC))), "9999-12-31T23:59:59Z");
        assert_eq!(shown(&Cell::Time(Some(DateTime::<Utc>::MIN_UTC))), "0000-01-01T00:00:00Z");
        assert_eq!(shown(&Cell::Time(None)), "");
    }

    /// A forecast row's series: live split by its `refresh`, stale, and the refreshing (any verdict).
    #[test]
    fn forecast_rows_chart_by_verdict_and_refresh() {
        use RefreshState::{CannotRefresh, Frozen, Refreshing};
        let cases = [(Verdict::Live, Frozen), (Verdict::Live, CannotRefresh), (Verdict::Live, Refreshing), (Verdict::Stale, Frozen), (Verdict::Stale, CannotRefresh), (Verdict::Stale, Refreshing)];
        let got: Vec<&str> = cases.iter().map(|(v, r)| forecast_series(*v, *r)).collect();
        assert_eq!(got, ["live frozen", "live cannot-refresh", "refreshing", "stale", "stale", "refreshing"]);
    }

    #[test]
    fn lists_are_items_and_text() {
        let list = Cell::List(vec![Cow::Borrowed("10.0.16.21"), Cow::Borrowed("2001:db8::1")]);
        assert_eq!((shown(&list), list.items(), list.is_empty()), ("10.0.16.21;2001:db8::1".to_string(), Some(vec!["10.0.16.21", "2001:db8::1"]), false));
        let words = Cell::Words("lease;ad-logon");
        assert_eq!((shown(&words), words.items()), ("lease;ad-logon".to_string(), Some(vec!["lease", "ad-logon"])));
        assert!(Cell::List(Vec::new()).is_empty() && Cell::Words("").is_empty() && Cell::Text(Cow::Borrowed("")).is_empty());
        assert_eq!(Cell::Text(Cow::Borrowed("x")).items(), None);
    }
}
