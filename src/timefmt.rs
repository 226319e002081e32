//! Time formats found in the inputs (ISO 8601, culture-formatted `Export-Csv` dates, FILETIME,
//! hours since 1601) and in the options (durations such as `7d`), and the one output form:
//! RFC 3339 UTC.

use std::sync::Arc;

use crate::vocab::vocabulary;
use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc};

/// Seconds between 1601-01-01 (the Windows epoch) and 1970-01-01.
const SECS_1601_TO_1970: i64 = 11_644_473_600;

/// The longest interval anything takes (`--no-refresh` and the other duration options, the
/// config file, a `--zones` listing's intervals): ten years. No aging or pacing interval is
/// meaningful beyond it, and time sums with a longer one could overflow.
pub(crate) const MAX_DURATION: TimeDelta = TimeDelta::days(3650);

/// The one duration parser (options, config file, cause files): `7d`, `36h`, `90m`, `2s`,
/// `500ms`, `1w`, or the .NET TimeSpan form `7.00:00:00` (`d.hh:mm:ss`, what
/// `Get-DnsServerZoneAging` prints; [`parse_timespan`]). A bare number is refused: `7` could
/// be seconds or days, and a guess is a wrong interval. Never negative; at most
/// [`MAX_DURATION`] (the error says so).
pub(crate) fn parse_duration(s: &str) -> Result<TimeDelta, String> {
    let s = s.trim();
    // `-7d` reaches here (the options take values that start with `-`) to be told plainly.
    if s.starts_with('-') && s.len() > 1 && !s.contains(':') {
        return Err(format!("'{s}' is negative: a duration is positive (7d, 36h)"));
    }
    let d = if s.contains(':') {
        match parse_timespan(s) {
            Some(d) if d < TimeDelta::zero() => return Err(format!("'{s}' is negative")),
            Some(d) => d,
            None => return Err(format!("'{s}' is not a duration (expected d.hh:mm:ss, like 7.00:00:00, or a number and a unit, like 7d, 36h, 90m, 2s, 500ms)")),
        }
    } else {
        parse_unit_duration(s)?
    };
    if d > MAX_DURATION {
        return Err(format!("'{s}' is longer than ten years (3650d)"));
    }
    Ok(d)
}

/// `--as-of`: an RFC 3339 time, a date (`2026-11-20`: its midnight UTC, the same moment on
/// every machine, as a scheduled report's date should be) or `now` (the clock, `now`).
pub(crate) fn parse_as_of(s: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        // A date of four-digit year only: `%Y` also takes `+12345-01-01`.
        Ok(d) if s.len() == 10 => Ok(d.and_time(NaiveTime::MIN).and_utc()),
        _ => Err(format!("'{s}' is not a time: give an RFC 3339 time (2026-11-24T06:00:00Z), a date (2026-11-24, midnight UTC) or now")),
    }
}

/// `7d`, `36h`, `90m`, `2s`, `500ms`, `1w`: a number and a unit.
fn parse_unit_duration(s: &str) -> Result<TimeDelta, String> {
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: i64 = num
        .parse()
        .map_err(|_| format!("'{s}' is not a duration (expected a number and a unit, like 7d, 36h, 90m, 2s, 500ms, or d.hh:mm:ss, like 7.00:00:00)"))?;
    let d = match unit.trim() {
        "w" => TimeDelta::try_weeks(n),
        "d" => TimeDelta::try_days(n),
        "h" => TimeDelta::try_hours(n),
        "m" => TimeDelta::try_minutes(n),
        "s" => TimeDelta::try_seconds(n),
        "ms" => TimeDelta::try_milliseconds(n),
        "" => return Err(format!("'{s}' has no unit: add one, like {n}d (days), {n}h, {n}m, {n}s or {n}ms")),
        other => return Err(format!("'{s}': unknown unit '{other}' (use w, d, h, m, s or ms, or d.hh:mm:ss)")),
    };
    // Out of chrono's range is longer than any bound.
    d.ok_or_else(|| format!("'{s}' is longer than ten years (3650d)"))
}

/// A .NET `TimeSpan` as `TimeSpan.ToString()` writes it, `[-][d.]hh:mm:ss[.fffffff]` (the
/// Windows exports' `LeaseDuration`, `TimeToLive`), also without seconds (`hh:mm`). Digits
/// only; minutes and seconds 0-59; hours 0-23 after a day part, any number without one
/// (`25:00:00`, as totals are sometimes written); up to 7 fraction digits (100 ns ticks,
/// kept to the microsecond).
pub(crate) fn parse_timespan(s: &str) -> Option<TimeDelta> {
    let s = s.trim();
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let mut parts = s.split(':');
    let (first, minutes, seconds) = (parts.next()?, parts.next()?, parts.next().unwrap_or("0"));
    if parts.next().is_some() {
        return None;
    }
    let (days, hours) = match first.split_once('.') {
        Some((d, h)) => (digits(d)?, digits(h).filter(|&h| h <= 23)?),
        None => (0, digits(first)?),
    };
    let minutes = digits(minutes)?;
    let (secs, frac) = match seconds.split_once('.') {
        Some((s, f)) => (digits(s)?, f),
        None => (digits(seconds)?, ""),
    };
    if minutes > 59 || secs > 59 || frac.len() > 7 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let ticks: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<7}").parse().ok()? };
    let total = TimeDelta::try_days(days)?
        .checked_add(&TimeDelta::try_hours(hours)?)?
        .checked_add(&TimeDelta::try_minutes(minutes)?)?
        .checked_add(&TimeDelta::try_seconds(secs)?)?
        .checked_add(&TimeDelta::microseconds(ticks / 10))?;
    Some(if negative { -total } else { total })
}

/// A DNS TTL as whole seconds: plain seconds (`1200`) or a non-negative [`parse_timespan`]
/// (`00:20:00`, `1.00:00:00`; a fraction of a second is dropped), at most `u32::MAX`.
pub(crate) fn parse_ttl(s: &str) -> Option<u32> {
    if let Ok(v) = s.trim().parse::<u32>() {
        return Some(v);
    }
    if s.trim_start().starts_with('-') {
        return None;
    }
    u32::try_from(parse_timespan(s)?.num_seconds()).ok()
}

/// A non-empty run of ASCII digits.
fn digits(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// The one output form: RFC 3339 in UTC, whole seconds (`2026-11-24T06:00:00Z`). RFC 3339 has
/// four-digit years only, so a time outside years 0000..=9999 (no real server writes one) is
/// clamped to the nearest end: `9999-12-31T23:59:59Z` is also .NET's `DateTime.MaxValue`, so a
/// spreadsheet or `Import-Csv` still reads it as "far future", where chrono's `+10000-...`
/// would be unreadable text.
pub(crate) fn rfc3339(t: DateTime<Utc>) -> String {
    String::from_utf8_lossy(&rfc3339_bytes(t)).into_owned()
}

/// [`rfc3339`] into a fixed buffer: the forecast writes millions of time cells, and an
/// allocation and a `format!` per cell was a measurable part of its run.
pub(crate) fn rfc3339_bytes(t: DateTime<Utc>) -> [u8; 20] {
    let first = NaiveDate::from_ymd_opt(0, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc());
    let last = NaiveDate::from_ymd_opt(9999, 12, 31).and_then(|d| d.and_hms_opt(23, 59, 59)).map(|t| t.and_utc());
    let t = match (first, last) {
        (Some(first), _) if t < first => first,
        (_, Some(last)) if t > last => last,
        _ => t,
    };
    // Written field by field: chrono's `format` parses its pattern on every call, and this
    // runs for several cells of every row of a million-row report.
    use chrono::{Datelike, Timelike};
    let mut out = *b"0000-00-00T00:00:00Z";
    // The year is 0..=9999 after the clamp; `rem_euclid` keeps even a wrong value a digit.
    let digits = |out: &mut [u8; 20], at: usize, width: usize, mut v: u32| {
        for i in (at..at + width).rev() {
            if let Some(b) = out.get_mut(i) {
                *b = b'0' + u8::try_from(v % 10).unwrap_or(0);
            }
            v /= 10;
        }
    };
    digits(&mut out, 0, 4, u32::try_from(t.year().rem_euclid(10_000)).unwrap_or(0));
    digits(&mut out, 5, 2, t.month());
    digits(&mut out, 8, 2, t.day());
    digits(&mut out, 11, 2, t.hour());
    digits(&mut out, 14, 2, t.minute());
    digits(&mut out, 17, 2, t.second());
    out
}

/// A FILETIME (100 ns ticks since 1601-01-01 UTC), as in `lastLogonTimestamp`. 0 means never.
pub(crate) fn from_filetime(ticks: i64) -> Option<DateTime<Utc>> {
    if ticks <= 0 {
        return None;
    }
    let secs = ticks / 10_000_000 - SECS_1601_TO_1970;
    let nanos = (ticks % 10_000_000) * 100;
    DateTime::from_timestamp(secs, nanos as u32)
}

/// Hours since 1601-01-01 UTC, the DNS record timestamp of MS-DNSP and dnscmd's `[AGE:]`.
pub(crate) fn from_dns_hours(hours: u32) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(i64::from(hours) * 3_600 - SECS_1601_TO_1970, 0)
}

/// (Tests: the expected times of the Windows readers' fixtures, in this machine's zone.)
/// Parses the times Windows and the other exports write:
/// RFC 3339 / ISO 8601 with `Z` or an offset; ISO 8601 without a zone and the en-US
/// `M/d/yyyy h:mm:ss tt` form (`Export-Csv` of a DateTime) are local time of this machine,
/// which is how PowerShell wrote them. Fractional seconds are accepted.
#[cfg(test)]
pub(crate) fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    // ISO 8601 with an offset but a space separator, or a 7-digit fraction (.NET's "o").
    for fmt in ["%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%.fZ"] {
        if let Ok(t) = DateTime::parse_from_str(s, fmt) {
            return Some(t.with_timezone(&Utc));
        }
        if fmt.ends_with('Z')
            && let Ok(t) = NaiveDateTime::parse_from_str(s, fmt)
        {
            return Some(t.and_utc());
        }
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%m/%d/%Y %I:%M:%S %p",
        "%m/%d/%Y %H:%M:%S",
        "%m/%d/%Y %I:%M %p",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return local(t);
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return local(d.and_hms_opt(0, 0, 0)?);
    }
    None
}

/// Parses a time that the format defines as UTC when it has no zone (the DNS records CSV).
#[cfg(test)]
pub(crate) fn parse_time_utc(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(t.and_utc());
        }
    }
    parse_time(s)
}

vocabulary! {
    /// The order of the numbers in a culture-formatted date (`--date-order`), named in any case.
    pub(crate) DateOrder, any_case {
        /// en-GB, fr-FR, de-DE, nl-NL: `28/11/2026`, `28.11.2026`, `28-11-2026`.
        Dmy => "dmy",
        /// en-US: `11/28/2026`.
        Mdy => "mdy",
        /// ja-JP, sv-SE, en-CA: `2026/11/28`, `2026-11-28`.
        Ymd => "ymd",
    }
}

impl DateOrder {
    fn describe(self) -> &'static str {
        match self {
            DateOrder::Dmy => "day-first",
            DateOrder::Mdy => "month-first",
            DateOrder::Ymd => "year-first",
        }
    }
}

/// The zone of input times written without one (`--input-time-zone`): the exporting server's.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) enum InputZone {
    /// This machine's zone.
    #[default]
    Local,
    Named(chrono_tz::Tz),
}

impl InputZone {
    /// An IANA zone name such as `Europe/Berlin`.
    pub(crate) fn from_name(s: &str) -> Result<InputZone, String> {
        s.trim().parse::<chrono_tz::Tz>().map(InputZone::Named).map_err(|_| {
            format!("'{s}' is not an IANA time zone name (such as Europe/Berlin, America/New_York or UTC)")
        })
    }

    /// The instant a wall-clock time in this zone names. At a DST change an ambiguous time (the
    /// repeated hour) takes the earlier instant; a time that does not exist (the skipped hour)
    /// is read with the offset before the change, which moves it forward by the gap.
    pub(crate) fn to_utc(self, t: NaiveDateTime) -> Option<DateTime<Utc>> {
        match self {
            InputZone::Local => wall_clock(&Local, t),
            InputZone::Named(tz) => wall_clock(&tz, t),
        }
    }
}

fn wall_clock<Z: TimeZone>(zone: &Z, t: NaiveDateTime) -> Option<DateTime<Utc>> {
    if let Some(at) = zone.from_local_datetime(&t).earliest() {
        return Some(at.with_timezone(&Utc));
    }
    // In a gap: the offset in force a few hours before it (gaps are at most a few hours long).
    let before = t.checked_sub_signed(TimeDelta::hours(3))?;
    let offset = zone.offset_from_local_datetime(&before).earliest()?;
    let secs = i64::from(chrono::Offset::fix(&offset).local_minus_utc());
    t.checked_sub_signed(TimeDelta::seconds(secs)).map(|u| u.and_utc())
}

/// How to read the times in the inputs: the date order (forced, or `None` to decide it per file
/// from the file's own dates) and the zone of times written without one.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct InputTimes {
    pub(crate) date_order: Option<DateOrder>,
    pub(crate) zone: InputZone,
}

/// A date and time as `Export-Csv` writes a DateTime: the exporting machine's short date
/// (`d/M/yyyy`, `M/d/yyyy`, `d.M.yyyy`, `d-M-yyyy`, `yyyy/M/d`, `yyyy-M-d`) then its long time
/// (`H:mm:ss`, or `h:mm:ss tt` with AM/PM), or ISO 8601 without a zone (`T` separator).
#[derive(Debug, Clone, Copy, PartialEq)]
struct CultureTime {
    /// The three numbers of the date in the order written.
    n: [u32; 3],
    year_first: bool,
    dot: bool,
    twelve_hour: bool,
    time: NaiveTime,
}

impl CultureTime {
    fn parse(s: &str) -> Option<CultureTime> {
        let s = s.trim();
        // split_once steps over the separator whatever its width (U+00A0, U+0085 are
        // whitespace too: slicing one byte past them panicked on fuzzed input).
        let (date, rest) = match s.split_once(|c: char| c == 'T' || c.is_whitespace()) {
            Some((date, rest)) => (date, rest.trim()),
            None => (s, ""),
        };
        let sep = date.chars().find(|c| !c.is_ascii_digit())?;
        if !matches!(sep, '/' | '.' | '-') {
            return None;
        }
        let mut parts = date.split(sep);
        let mut n = [0u32; 3];
        let mut lens = [0usize; 3];
        for i in 0..3 {
            let p = parts.next()?;
            if p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            n[i] = p.parse().ok()?;
            lens[i] = p.len();
        }
        if parts.next().is_some() {
            return None;
        }
        let year_first = lens[0] == 4 && lens[1] <= 2 && lens[2] <= 2;
        let year_last = lens[2] == 4 && lens[0] <= 2 && lens[1] <= 2;
        if !(year_first || year_last) {
            return None;
        }
        let (time, twelve_hour) = parse_clock(rest)?;
        Some(CultureTime { n, year_first, dot: sep == '.', twelve_hour, time })
    }

    /// What this value alone proves of its file's date order; two answers when it contradicts
    /// itself (`11.28.2026`). Year-first dates prove nothing of the others: they are unambiguous.
    fn evidence(&self) -> [Option<DateOrder>; 2] {
        if self.year_first {
            return [None, None];
        }
        let by_value = if self.n[0] > 12 {
            Some(DateOrder::Dmy)
        } else if self.n[1] > 12 {
            Some(DateOrder::Mdy)
        } else {
            None
        };
        let by_form = if self.dot {
            Some(DateOrder::Dmy)
        } else if self.twelve_hour {
            // AM/PM with a slash date is en-US's `M/d/yyyy h:mm:ss tt`.
            Some(DateOrder::Mdy)
        } else {
            None
        };
        [by_value, by_form]
    }

    fn to_naive(self, order: Option<DateOrder>) -> Option<NaiveDateTime> {
        let [a, b, c] = self.n;
        let (y, m, d) = match (self.year_first, order) {
            (true, _) => (a, b, c),
            (false, Some(DateOrder::Dmy)) => (c, b, a),
            (false, Some(DateOrder::Mdy)) => (c, a, b),
            (false, Some(DateOrder::Ymd) | None) => return None,
        };
        Some(NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)?.and_time(self.time))
    }
}

/// `H:mm[:ss[.fffffff]]` with an optional AM/PM designator (`AM`, `pm`, `a.m.`); empty is
/// midnight. Returns the time and whether it was a 12-hour clock.
fn parse_clock(s: &str) -> Option<(NaiveTime, bool)> {
    let s = s.trim();
    if s.is_empty() {
        return Some((NaiveTime::MIN, false));
    }
    let lower = s.to_ascii_lowercase();
    let mut pm = None;
    let mut clock = lower.as_str();
    for (suffix, is_pm) in [("a.m.", false), ("p.m.", true), ("am", false), ("pm", true)] {
        if let Some(rest) = clock.strip_suffix(suffix) {
            pm = Some(is_pm);
            clock = rest.trim_end();
            break;
        }
    }
    let t = ["%H:%M:%S%.f", "%H:%M"].iter().find_map(|f| NaiveTime::parse_from_str(clock, f).ok())?;
    match pm {
        None => Some((t, false)),
        Some(pm) => {
            let h = chrono::Timelike::hour(&t);
            if h == 0 || h > 12 {
                return None;
            }
            let h24 = (h % 12) + if pm { 12 } else { 0 };
            Some((chrono::Timelike::with_hour(&t, h24)?, true))
        }
    }
}

/// A time with its own `Z` or offset: the options say nothing about it.
pub(crate) fn explicit_time(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%.f%z"] {
        if let Ok(t) = DateTime::parse_from_str(s, fmt) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for fmt in ["%Y-%m-%d %H:%M:%S%.fZ", "%Y-%m-%dT%H:%M:%S%.fZ"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(t.and_utc());
        }
    }
    None
}

impl InputTimes {
    /// Reads a time from an `Export-Csv` file whose date order `order` was decided for the file
    /// ([`DateOrderScan`]). A time with `Z` or an offset is that instant; any other is wall-clock
    /// time in the input zone. `None` when it is not a time (or a date that does not exist).
    pub(crate) fn parse(&self, s: &str, order: Option<DateOrder>) -> Option<DateTime<Utc>> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        if let Some(t) = explicit_time(s) {
            return Some(t);
        }
        let t = CultureTime::parse(s)?.to_naive(order)?;
        self.zone.to_utc(t)
    }
}

/// The file could not say how to read its dates: stops the run (exit 2), never a guess.
/// Boxed: it is rare, and keeps the readers' results small.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(transparent)]
pub struct DateOrderError(Box<DateOrderProblem>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum DateOrderProblem {
    #[error(
        "{file}: cannot tell whether the dates in {column} are day-first or month-first: every one reads both ways (line {line}: {value:?}); \
         pass --date-order dmy|mdy|ymd to say how the exporting server writes dates, or export with the queries/windows scripts, which write ISO 8601 dates"
    )]
    Ambiguous { file: Arc<str>, column: &'static str, line: usize, value: String },
    #[error(
        "{file}: the dates in {column} disagree on the day/month order: line {line1} ({value1:?}) is {order1}, line {line2} ({value2:?}) is {order2}; \
         pass --date-order dmy|mdy|ymd to say how the exporting server writes dates, or export with the queries/windows scripts, which write ISO 8601 dates"
    )]
    Conflict {
        file: Arc<str>,
        column: &'static str,
        line1: usize,
        value1: String,
        order1: &'static str,
        line2: usize,
        value2: String,
        order2: &'static str,
    },
}

/// Decides one file's date order from its values (`Export-Csv` writes every date of a file in
/// one culture): a first number over 12, or `.` separators, prove day-first; a second number
/// over 12, or AM/PM, prove month-first. Empty values and year-first dates are no evidence.
#[derive(Debug, Default)]
pub(crate) struct DateOrderScan {
    dmy: Option<(usize, String)>,
    mdy: Option<(usize, String)>,
    ambiguous: Option<(usize, String)>,
}

impl DateOrderScan {
    pub(crate) fn add(&mut self, value: &str, line: usize) {
        let value = value.trim();
        if value.is_empty() || explicit_time(value).is_some() {
            return;
        }
        let Some(t) = CultureTime::parse(value) else { return };
        if t.year_first {
            return;
        }
        let mut any = false;
        // A value proving both orders (`11.28.2026`) conflicts with itself.
        for order in t.evidence().into_iter().flatten() {
            any = true;
            let slot = if order == DateOrder::Dmy { &mut self.dmy } else { &mut self.mdy };
            slot.get_or_insert_with(|| (line, value.to_string()));
        }
        if !any {
            self.ambiguous.get_or_insert_with(|| (line, value.to_string()));
        }
    }

    /// The order to read the file with: the forced one, else the one its dates prove. `None`
    /// when the file has no day/month dates at all.
    pub(crate) fn finish(self, forced: Option<DateOrder>, file: &Arc<str>, column: &'static str) -> Result<Option<DateOrder>, DateOrderError> {
        if forced.is_some() {
            return Ok(forced);
        }
        match (self.dmy, self.mdy) {
            (Some(d), Some(m)) => {
                // Earlier line first.
                let ((line1, value1, order1), (line2, value2, order2)) = if d.0 <= m.0 {
                    ((d.0, d.1, DateOrder::Dmy), (m.0, m.1, DateOrder::Mdy))
                } else {
                    ((m.0, m.1, DateOrder::Mdy), (d.0, d.1, DateOrder::Dmy))
                };
                Err(DateOrderError(Box::new(DateOrderProblem::Conflict {
                    file: Arc::clone(file),
                    column,
                    line1,
                    value1,
                    order1: order1.describe(),
                    line2,
                    value2,
                    order2: order2.describe(),
                })))
            }
            (Some(_), None) => Ok(Some(DateOrder::Dmy)),
            (None, Some(_)) => Ok(Some(DateOrder::Mdy)),
            (None, None) => match self.ambiguous {
                Some((line, value)) => {
                    Err(DateOrderError(Box::new(DateOrderProblem::Ambiguous { file: Arc::clone(file), column, line, value })))
                }
                None => Ok(None),
            },
        }
    }
}

#[cfg(test)]
fn local(t: NaiveDateTime) -> Option<DateTime<Utc>> {
    // An ambiguous local time (the hour repeated when DST ends) takes the earlier instant.
    Local.from_local_datetime(&t).earliest().map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests;
