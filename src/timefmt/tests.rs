//! Tests of the time and duration readers.

use super::*;

use crate::test_support::t as utc;

/// Found by the fuzzer: a wide whitespace character (U+0085, U+00A0) between the date and
/// the time made the reader slice inside it and panic.
#[test]
fn wide_whitespace_between_date_and_time_is_no_panic() {
    assert!(CultureTime::parse("2026\u{85}11-27T11:25:00Z").is_none());
    assert!(CultureTime::parse("pc-01.cor\u{85}example.test.").is_none());
    let t = CultureTime::parse("28.11.2026\u{a0}09:12:40").map(|c| c.time);
    assert_eq!(t, NaiveTime::from_hms_opt(9, 12, 40));
}

#[test]
fn timespans_of_the_dhcp_xml() {
    assert_eq!(parse_timespan("8.00:00:00"), Some(TimeDelta::days(8)));
    assert_eq!(parse_timespan("01:30:00"), Some(TimeDelta::minutes(90)));
    assert_eq!(parse_timespan(" 01:30 "), Some(TimeDelta::minutes(90)));
    assert_eq!(parse_timespan("00:00:01.5"), Some(TimeDelta::milliseconds(1500)));
    assert_eq!(parse_timespan("-1.02:00:00"), Some(-TimeDelta::hours(26)));
    assert_eq!(parse_timespan("25:00:00"), Some(TimeDelta::hours(25)));
    assert_eq!(parse_timespan("10675199.02:48:05.4775807").map(|d| d.num_days()), Some(10_675_199));
    for bad in ["8", "P8D", "1.25:00:00", "", "00:60:00", "00:00:60", "00:00:01.12345678", "00:00:01.x", "+01:00:00", "1:2:3:4"] {
        assert_eq!(parse_timespan(bad), None, "{bad}");
    }
}

#[test]
fn ttls_of_the_dns_csv() {
    assert_eq!(parse_ttl("1200"), Some(1200));
    assert_eq!(parse_ttl("+1200"), Some(1200));
    assert_eq!(parse_ttl("00:20:00"), Some(1200));
    assert_eq!(parse_ttl("00:20"), Some(1200));
    assert_eq!(parse_ttl("1.00:00:00"), Some(86_400));
    assert_eq!(parse_ttl("01:00:00.5000000"), Some(3600));
    assert_eq!(parse_ttl("25:00:00"), Some(90_000));
    assert_eq!(parse_ttl("49710.06:28:15"), Some(u32::MAX));
    for bad in ["00:61:00", "20m", "-1", "-00:00:00", "49710.06:28:16", ""] {
        assert_eq!(parse_ttl(bad), None, "{bad}");
    }
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
}

/// Issue #19 item 9: no unit is an error that says to add one; the TimeSpan form that
/// Get-DnsServerZoneAging prints is a duration too; one bound for every interval.
#[test]
fn durations_need_a_unit_and_take_the_timespan_form() {
    assert_eq!(parse_duration("7"), Err("'7' has no unit: add one, like 7d (days), 7h, 7m, 7s or 7ms".to_string()));
    assert_eq!(parse_duration(" 7.00:00:00 "), Ok(TimeDelta::days(7)));
    assert_eq!(parse_duration("4.12:00:00"), Ok(TimeDelta::hours(108)));
    assert_eq!(parse_duration("00:00:02"), Ok(TimeDelta::seconds(2)));
    assert_eq!(parse_duration("3650.00:00:00"), Ok(TimeDelta::days(3650)));
    assert_eq!(parse_duration("3650d"), Ok(TimeDelta::days(3650)));
    assert_eq!(parse_duration("3651.00:00:00"), Err("'3651.00:00:00' is longer than ten years (3650d)".to_string()));
    assert_eq!(parse_duration("99999999999.00:00:00"), Err("'99999999999.00:00:00' is longer than ten years (3650d)".to_string()));
    assert_eq!(parse_duration("99999999999999999d"), Err("'99999999999999999d' is longer than ten years (3650d)".to_string()));
    assert_eq!(parse_duration("-1.00:00:00"), Err("'-1.00:00:00' is negative".to_string()));
    assert_eq!(
        parse_duration("7.25:00:00"),
        Err("'7.25:00:00' is not a duration (expected d.hh:mm:ss, like 7.00:00:00, or a number and a unit, like 7d, 36h, 90m, 2s, 500ms)".to_string())
    );
    assert_eq!(parse_duration("7x"), Err("'7x': unknown unit 'x' (use w, d, h, m, s or ms, or d.hh:mm:ss)".to_string()));
}

#[test]
fn windows_epochs() {
    // 3636304 hours since 1601 is 2015-10-30T16:00:00Z.
    assert_eq!(from_dns_hours(3_636_304), Some(utc("2015-10-30T16:00:00Z")));
    assert_eq!(from_filetime(133_000_000_000_000_000), Some(utc("2022-06-18T04:26:40Z")));
    assert_eq!(from_filetime(0), None);
}

#[test]
fn culture_forms() {
    let utc = InputTimes { date_order: None, zone: InputZone::from_name("UTC").unwrap() };
    let at = |s: &str, o| utc.parse(s, o).map(rfc3339);
    let d = Some(DateOrder::Dmy);
    let m = Some(DateOrder::Mdy);
    assert_eq!(at("2026-11-28 9:12:40 a.m.", None).as_deref(), Some("2026-11-28T09:12:40Z"));
    assert_eq!(at("2026/11/28 12:00:00 p.m.", None).as_deref(), Some("2026-11-28T12:00:00Z"));
    assert_eq!(at("11/28/2026 12:05:00 AM", m).as_deref(), Some("2026-11-28T00:05:00Z"));
    assert_eq!(at("28.11.2026 09:12:40.5", d).as_deref(), Some("2026-11-28T09:12:40Z"));
    assert_eq!(at("28.11.2026", d).as_deref(), Some("2026-11-28T00:00:00Z"));
    assert_eq!(at("28/11/2026 09:12", d).as_deref(), Some("2026-11-28T09:12:00Z"));
    // Without an order a day/month date is not read; impossible values never are.
    assert_eq!(at("10/01/2026 18:00:00", None), None);
    assert_eq!(at("11/28/2026 13:00:00 PM", m), None);
    assert_eq!(at("11/28/26 09:00:00", m), None);
    assert_eq!(at("11/28/2026 25:00:00", m), None);
    assert_eq!(at("1/2/3/2026", m), None);
    assert_eq!(DateOrder::from_name("DMY"), Some(DateOrder::Dmy));
    assert_eq!(DateOrder::from_name("ydm"), None);
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

/// `--as-of` and the duration forms of the options.
mod as_of {
    use super::*;

    #[test]
    fn as_of_takes_a_time_a_date_or_now() {
        let now = DateTime::parse_from_rfc3339("2026-11-20T12:34:56Z").unwrap().with_timezone(&Utc);
        assert_eq!(parse_as_of("2026-11-24T06:00:00+01:00", now).unwrap().to_rfc3339(), "2026-11-24T05:00:00+00:00");
        assert_eq!(parse_as_of("2026-11-24", now).unwrap().to_rfc3339(), "2026-11-24T00:00:00+00:00");
        assert_eq!(parse_as_of(" now ", now).unwrap(), now);
        assert_eq!(parse_as_of("NOW", now).unwrap(), now);
        for bad in ["2026-02-30", "24.11.2026", "yesterday", "", "+2026-11-24"] {
            assert_eq!(
                parse_as_of(bad, now).unwrap_err(),
                format!("'{}' is not a time: give an RFC 3339 time (2026-11-24T06:00:00Z), a date (2026-11-24, midnight UTC) or now", bad.trim())
            );
        }
    }

    #[test]
    fn a_negative_duration_is_said_to_be_negative() {
        assert_eq!(parse_duration("-7d").unwrap_err(), "'-7d' is negative: a duration is positive (7d, 36h)");
        assert_eq!(parse_duration("-1.00:00:00").unwrap_err(), "'-1.00:00:00' is negative");
    }
}
