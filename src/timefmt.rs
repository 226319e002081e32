//! Time formats found in the inputs (ISO 8601, en-US `M/d/yyyy h:mm:ss tt`, FILETIME,
//! hours since 1601) and in the options (durations such as `7d`), and the one output form:
//! RFC 3339 UTC.

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc};

/// Seconds between 1601-01-01 (the Windows epoch) and 1970-01-01.
const SECS_1601_TO_1970: i64 = 11_644_473_600;

/// Parses `7d`, `36h`, `90m`, `2s`, `500ms` (and `1w`); a bare number is seconds.
pub fn parse_duration(s: &str) -> Result<TimeDelta, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: i64 = num
        .parse()
        .map_err(|_| format!("'{s}' is not a duration (expected a number and a unit, like 7d, 36h, 90m, 2s, 500ms)"))?;
    let d = match unit.trim() {
        "w" => TimeDelta::try_weeks(n),
        "d" => TimeDelta::try_days(n),
        "h" => TimeDelta::try_hours(n),
        "m" => TimeDelta::try_minutes(n),
        "s" | "" => TimeDelta::try_seconds(n),
        "ms" => TimeDelta::try_milliseconds(n),
        other => return Err(format!("'{s}': unknown unit '{other}' (use d, h, m, s or ms)")),
    };
    d.ok_or_else(|| format!("'{s}' is out of range"))
}

/// Renders a duration the way the options take it (`7d`, `36h`, `90m`, `2s`).
pub fn format_duration(d: TimeDelta) -> String {
    let s = d.num_seconds();
    if d.subsec_nanos() != 0 {
        format!("{}ms", d.num_milliseconds())
    } else if s != 0 && s % 86_400 == 0 {
        format!("{}d", s / 86_400)
    } else if s != 0 && s % 3_600 == 0 {
        format!("{}h", s / 3_600)
    } else if s != 0 && s % 60 == 0 {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

/// The one output form: RFC 3339 in UTC, whole seconds (`2026-11-24T06:00:00Z`). RFC 3339 has
/// four-digit years only, so a time outside years 0000..=9999 (no real server writes one) is
/// clamped to the nearest end: `9999-12-31T23:59:59Z` is also .NET's `DateTime.MaxValue`, so a
/// spreadsheet or `Import-Csv` still reads it as "far future", where chrono's `+10000-...`
/// would be unreadable text.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    let first = NaiveDate::from_ymd_opt(0, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc());
    let last = NaiveDate::from_ymd_opt(9999, 12, 31).and_then(|d| d.and_hms_opt(23, 59, 59)).map(|t| t.and_utc());
    let t = match (first, last) {
        (Some(first), _) if t < first => first,
        (_, Some(last)) if t > last => last,
        _ => t,
    };
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A FILETIME (100 ns ticks since 1601-01-01 UTC), as in `lastLogonTimestamp`. 0 means never.
pub fn from_filetime(ticks: i64) -> Option<DateTime<Utc>> {
    if ticks <= 0 {
        return None;
    }
    let secs = ticks / 10_000_000 - SECS_1601_TO_1970;
    let nanos = (ticks % 10_000_000) * 100;
    DateTime::from_timestamp(secs, nanos as u32)
}

/// Hours since 1601-01-01 UTC, the DNS record timestamp of MS-DNSP and dnscmd's `[AGE:]`.
pub fn from_dns_hours(hours: u32) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(i64::from(hours) * 3_600 - SECS_1601_TO_1970, 0)
}

/// The inverse of [`from_dns_hours`], rounding down to the hour (the record's resolution).
pub fn to_dns_hours(t: DateTime<Utc>) -> i64 {
    (t.timestamp() + SECS_1601_TO_1970).div_euclid(3_600)
}

/// Parses the times Windows and the other exports write:
/// RFC 3339 / ISO 8601 with `Z` or an offset; ISO 8601 without a zone and the en-US
/// `M/d/yyyy h:mm:ss tt` form (`Export-Csv` of a DateTime) are local time of this machine,
/// which is how PowerShell wrote them. Fractional seconds are accepted.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
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
pub fn parse_time_utc(s: &str) -> Option<DateTime<Utc>> {
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

fn local(t: NaiveDateTime) -> Option<DateTime<Utc>> {
    // An ambiguous local time (the hour repeated when DST ends) takes the earlier instant.
    Local.from_local_datetime(&t).earliest().map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("7d").unwrap(), TimeDelta::days(7));
        assert_eq!(parse_duration("36h").unwrap(), TimeDelta::hours(36));
        assert_eq!(parse_duration("90m").unwrap(), TimeDelta::minutes(90));
        assert_eq!(parse_duration("2s").unwrap(), TimeDelta::seconds(2));
        assert_eq!(parse_duration("500ms").unwrap(), TimeDelta::milliseconds(500));
        assert!(parse_duration("7 days").is_err());
        assert!(parse_duration("d").is_err());
        assert!(parse_duration("").is_err());
        assert_eq!(format_duration(TimeDelta::days(7)), "7d");
        assert_eq!(format_duration(TimeDelta::hours(36)), "36h");
        assert_eq!(format_duration(TimeDelta::milliseconds(500)), "500ms");
    }

    #[test]
    fn windows_epochs() {
        // 3636304 hours since 1601 is 2015-10-30T16:00:00Z.
        assert_eq!(from_dns_hours(3_636_304), Some(utc("2015-10-30T16:00:00Z")));
        assert_eq!(to_dns_hours(utc("2015-10-30T16:59:59Z")), 3_636_304);
        assert_eq!(from_filetime(133_000_000_000_000_000), Some(utc("2022-06-18T04:26:40Z")));
        assert_eq!(from_filetime(0), None);
    }

    #[test]
    fn input_times() {
        assert_eq!(parse_time("2026-11-24T06:00:00Z"), Some(utc("2026-11-24T06:00:00Z")));
        assert_eq!(parse_time("2026-11-24T07:00:00.1234567+01:00"), Some(utc("2026-11-24T06:00:00.1234567Z")));
        assert_eq!(parse_time_utc("2026-11-24 06:00:00"), Some(utc("2026-11-24T06:00:00Z")));
        assert_eq!(parse_time("not a time"), None);
        assert_eq!(parse_time(""), None);
        assert_eq!(rfc3339(utc("2026-11-24T06:00:00.9Z")), "2026-11-24T06:00:00Z");
    }

    #[test]
    fn output_years_stay_four_digits() {
        let far = DateTime::from_timestamp(253_402_300_800, 0).unwrap(); // 10000-01-01T00:00:00Z
        assert_eq!(rfc3339(far), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339(utc("9999-12-31T23:59:59.5Z")), "9999-12-31T23:59:59Z");
        let before = DateTime::from_timestamp(-62_167_219_201, 0).unwrap(); // 0000-01-01 minus 1 s
        assert_eq!(rfc3339(before), "0000-01-01T00:00:00Z");
    }
}
