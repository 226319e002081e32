//! Unit tests of the `windows_xml` reader.

use super::*;
use crate::input::Problem;
use crate::test_support::reasons;
use crate::timefmt::{self, InputZone};
use chrono::TimeDelta;

const EXPORT: &str = include_str!("../../../tests/fixtures/leases/windows-export.xml");

fn run(text: &str) -> (Vec<Lease>, Vec<Problem>) {
    run_with(text, &InputTimes::default()).unwrap()
}

fn run_with(text: &str, times: &InputTimes) -> Result<(Vec<Lease>, Vec<Problem>), String> {
    let mut out = Vec::new();
    let mut problems = Problems::default();
    parse(text, &Arc::from("dhcp.xml"), times, &mut out, &mut DhcpDnsSettings::default(), &mut problems).map_err(|e| e.to_string())?;
    Ok((out, problems.list))
}

fn zone(name: &str) -> InputTimes {
    InputTimes { date_order: None, zone: InputZone::from_name(name).unwrap() }
}

/// A scope of leases 10.0.16.1.. with these expiry times (`<Lease>` of the i-th at line
/// 9 + 5 * i, its `<LeaseExpiryTime>` at 12 + 5 * i).
fn file(times: &[&str]) -> String {
    let leases: String = times
        .iter()
        .enumerate()
        .map(|(i, t)| format!("<Lease>\n<IPAddress>10.0.16.{}</IPAddress>\n<AddressState>Active</AddressState>\n<LeaseExpiryTime>{t}</LeaseExpiryTime>\n</Lease>\n", i + 1))
        .collect();
    wrap(&leases)
}

fn expiries(text: &str, times: &InputTimes) -> Result<Vec<String>, String> {
    let (leases, problems) = run_with(text, times)?;
    assert!(problems.is_empty(), "{problems:?}");
    Ok(leases.iter().map(|l| l.expires.map(timefmt::rfc3339).unwrap_or_default()).collect())
}

#[test]
fn en_gb_and_german_exports_are_day_first_over_the_whole_file() {
    let utc = zone("UTC");
    // 10 January, not 1 October: the second lease's 28/11 proves the file day-first.
    assert_eq!(
        expiries(&file(&["10/01/2026 18:00:00", "28/11/2026 09:12:40"]), &utc),
        Ok(vec!["2026-01-10T18:00:00Z".to_string(), "2026-11-28T09:12:40Z".to_string()])
    );
    // de-DE: dots are day-first, even when every day is 12 or less.
    assert_eq!(
        expiries(&file(&["01.12.2026 06:00:00", "10.01.2026 18:00:00"]), &utc),
        Ok(vec!["2026-12-01T06:00:00Z".to_string(), "2026-01-10T18:00:00Z".to_string()])
    );
    // en-US (AM/PM) stays month-first; wall-clock times are in --input-time-zone.
    assert_eq!(
        expiries(&file(&["10/01/2026 6:00:00 PM", "28.11.2026 09:12:40"]), &zone("Europe/Berlin")),
        Err("dhcp.xml: the dates in LeaseExpiryTime disagree on the day/month order: line 12 (\"10/01/2026 6:00:00 PM\") is month-first, \
             line 17 (\"28.11.2026 09:12:40\") is day-first; pass --date-order dmy|mdy|ymd to say how the exporting server writes dates, \
             or export with the queries/windows scripts, which write ISO 8601 dates"
            .to_string())
    );
    assert_eq!(
        expiries(&file(&["28.11.2026 09:12:40", "01.07.2026 09:12:40", "2026-11-28T09:12:40Z"]), &zone("Europe/Berlin")),
        Ok(vec!["2026-11-28T08:12:40Z".to_string(), "2026-07-01T07:12:40Z".to_string(), "2026-11-28T09:12:40Z".to_string()])
    );
    // A date that does not exist in the proven order is a bad time, not a guess.
    let (leases, problems) = run_with(&file(&["31/02/2026 18:00:00", "28/11/2026 09:12:40"]), &utc).unwrap();
    assert_eq!(leases.len(), 1);
    assert_eq!(problems[0].to_string(), "dhcp.xml:9: bad time: LeaseExpiryTime \"31/02/2026 18:00:00\" is not a time");
}

#[test]
fn an_ambiguous_export_is_an_error_unless_the_order_is_given() {
    let text = file(&["10/01/2026 18:00:00", "", "03/04/2026 07:00:00"]);
    assert_eq!(
        run_with(&text, &zone("UTC")).unwrap_err(),
        "dhcp.xml: cannot tell whether the dates in LeaseExpiryTime are day-first or month-first: every one reads both ways \
         (line 12: \"10/01/2026 18:00:00\"); pass --date-order dmy|mdy|ymd to say how the exporting server writes dates, \
         or export with the queries/windows scripts, which write ISO 8601 dates"
    );
    let forced = |order| InputTimes { date_order: Some(order), zone: InputZone::from_name("UTC").unwrap() };
    assert_eq!(
        expiries(&text, &forced(DateOrder::Dmy)),
        Ok(vec!["2026-01-10T18:00:00Z".to_string(), String::new(), "2026-04-03T07:00:00Z".to_string()])
    );
    assert_eq!(
        expiries(&text, &forced(DateOrder::Mdy)),
        Ok(vec!["2026-10-01T18:00:00Z".to_string(), String::new(), "2026-03-04T07:00:00Z".to_string()])
    );
    // Empty times, ISO dates and explicit offsets need no order.
    assert_eq!(
        expiries(&file(&["", "2026-11-28T09:12:40", "2026-11-28T09:12:40+01:00"]), &zone("UTC")),
        Ok(vec![String::new(), "2026-11-28T09:12:40Z".to_string(), "2026-11-28T08:12:40Z".to_string()])
    );
}

use crate::test_support::t as utc;

use crate::test_support::ip;

#[test]
fn export_fixture() {
    let (leases, problems) = run(EXPORT);
    assert_eq!(problems, vec![]);
    let summary: Vec<(String, LeaseState, usize)> =
        leases.iter().map(|l| (l.ip.to_string(), l.state, l.line)).collect();
    assert_eq!(
        summary,
        vec![
            ("10.0.16.21".to_string(), LeaseState::Active, 92),
            ("10.0.16.22".to_string(), LeaseState::Active, 106),
            ("10.0.16.5".to_string(), LeaseState::Reservation, 120),
            ("10.0.16.6".to_string(), LeaseState::Reservation, 77),
            ("2001:db8:1::1a2b".to_string(), LeaseState::Active, 166),
            ("2001:db8:1::10".to_string(), LeaseState::Reservation, 157),
        ]
    );

    let l = &leases[0];
    assert_eq!(l.hostname.as_deref(), Some("pc1.corp.example.test"));
    assert_eq!(l.mac.as_deref(), Some("00:15:5d:01:02:03"));
    assert_eq!(l.expires, Some(utc("2026-11-30T10:00:00Z")));
    assert_eq!(l.duration, Some(TimeDelta::days(8)));
    assert_eq!(l.scope(), Some("10.0.16.0"));
    assert_eq!(l.dns_registration(), Some("Complete"));
    assert_eq!(&**l.source(), "dhcp.xml");

    // en-US time and an escaped host name, stored verbatim.
    let l = &leases[1];
    assert_eq!(l.expires, timefmt::parse_time("11/24/2026 6:00:00 PM"));
    assert!(l.expires.is_some());
    assert_eq!(l.hostname.as_deref(), Some("o'brien<&>\"laptop\"-7"));
    assert_eq!(l.dns_registration(), Some("Pending"));

    // ActiveReservation lease: the <Lease> wins over its <Reservation>.
    let l = &leases[2];
    assert_eq!(l.hostname.as_deref(), Some("printer-2f.corp.example.test"));
    assert_eq!(l.expires, None);

    // A reservation with no lease: name from <Name>, MAC from <ClientId>.
    let l = &leases[3];
    assert_eq!(l.hostname.as_deref(), Some("spare-printer.corp.example.test"));
    assert_eq!(l.mac.as_deref(), Some("00:15:5d:0a:0b:0d"));
    assert_eq!(l.expires, None);
    assert_eq!(l.dns_registration(), None);
    assert_eq!(l.scope(), Some("10.0.16.0"));
    assert_eq!(l.duration, Some(TimeDelta::days(8)));

    let l = &leases[4];
    assert_eq!(l.hostname.as_deref(), Some("pc1.corp.example.test"));
    assert_eq!(l.mac, None);
    assert_eq!(l.scope(), Some("2001:db8:1::"));
    assert_eq!(l.expires, Some(utc("2026-11-24T18:00:00Z")));
    assert_eq!(l.duration, Some(TimeDelta::days(8)));

    let l = &leases[5];
    assert_eq!(l.hostname.as_deref(), Some("printer-2f"));
    assert_eq!(l.scope(), Some("2001:db8:1::"));
}

fn wrap(leases: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<DHCPServer>\n<IPv4>\n<Scopes>\n<Scope>\n<ScopeId>10.0.16.0</ScopeId>\n<LeaseDuration>1.12:00:00</LeaseDuration>\n<Leases>\n{leases}</Leases>\n</Scope>\n</Scopes>\n</IPv4>\n</DHCPServer>\n"
    )
}

#[test]
fn truncated_lease() {
    let text = wrap("<Lease><IPAddress>10.0.16.21</IPAddress><AddressState>Active</AddressState></Lease>\n");
    let cut = &text[..text.find("</AddressState>").unwrap()];
    let (leases, problems) = run(cut);
    assert!(leases.is_empty());
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].reason, SkipReason::Truncated);
    assert_eq!(problems[0].line, 9);

    // Cut between records: the first is kept, with its scope's duration.
    let text = wrap("<Lease><IPAddress>10.0.16.21</IPAddress><AddressState>Active</AddressState></Lease>\n<Lease>\n");
    let cut = &text[..text.find("</Leases>").unwrap()];
    let (leases, problems) = run(cut);
    assert_eq!(leases.len(), 1);
    assert_eq!(leases[0].duration, Some(TimeDelta::hours(36)));
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].reason, SkipReason::Truncated);
    assert_eq!(problems[0].line, 10);
}

#[test]
fn bad_address_time_state() {
    let text = wrap(
        "<Lease>\n<IPAddress>10.0.16.300</IPAddress>\n<AddressState>Active</AddressState>\n</Lease>\n\
         <Lease><IPAddress>10.0.16.30</IPAddress><LeaseExpiryTime>soon</LeaseExpiryTime></Lease>\n\
         <Lease><IPAddress>10.0.16.31</IPAddress><AddressState>Weird</AddressState></Lease>\n\
         <Lease><HostName>x</HostName></Lease>\n\
         <Lease><IPAddress>10.0.16.32</IPAddress><HostName>ok</HostName></Lease>\n",
    );
    let (leases, problems) = run(&text);
    assert_eq!(leases.len(), 1);
    assert_eq!(leases[0].hostname.as_deref(), Some("ok"));
    assert_eq!(leases[0].line, 16);
    let got = crate::test_support::details(&problems);
    assert_eq!(
        got,
        vec![
            (9, SkipReason::BadAddress, "IPAddress \"10.0.16.300\" is not an IPv4 or IPv6 address"),
            (13, SkipReason::BadTime, "LeaseExpiryTime \"soon\" is not a time"),
            (14, SkipReason::Malformed, "AddressState \"Weird\" is not a known lease state"),
            (15, SkipReason::MissingField, "Lease has no IPAddress"),
        ]
    );
}

#[test]
fn malformed_xml_stops_and_keeps_earlier_records() {
    let text = wrap(
        "<Lease><IPAddress>10.0.16.21</IPAddress></Lease>\n\
         <Lease><IPAddress>10.0.16.22</IPAddress></Leese>\n\
         <Lease><IPAddress>10.0.16.23</IPAddress></Lease>\n",
    );
    let (leases, problems) = run(&text);
    assert_eq!(leases.len(), 1);
    assert_eq!(leases[0].ip, ip("10.0.16.21"));
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].reason, SkipReason::Malformed);
    assert_eq!(problems[0].line, 10);

    let text = wrap("<Lease><IPAddress>10.0.16.21</IPAddress><HostName>a&nbsp;b</HostName></Lease>\n");
    let (leases, problems) = run(&text);
    assert!(leases.is_empty());
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].reason, SkipReason::Malformed);
    assert_eq!(problems[0].line, 9);
    assert!(problems[0].detail.contains("&nbsp;"), "{}", problems[0].detail);
}

#[test]
fn empty_inputs() {
    for text in ["", "\u{feff}", "<?xml version=\"1.0\"?>\n<DHCPServer/>\n", &wrap("")] {
        let (leases, problems) = run(text);
        assert!(leases.is_empty(), "{text:?}");
        assert!(problems.is_empty(), "{text:?}");
    }
}

#[test]
fn bom_crlf_and_en_us_time() {
    let text = format!(
        "\u{feff}{}",
        wrap("<Lease>\n<IPAddress>10.0.16.21</IPAddress>\n<HostName>pc1&#46;corp</HostName>\n<LeaseExpiryTime>11/24/2026 6:00:00 PM</LeaseExpiryTime>\n</Lease>\n<Lease>\n<IPAddress>bad</IPAddress>\n</Lease>\n")
    )
    .replace('\n', "\r\n");
    let (leases, problems) = run(&text);
    assert_eq!(leases.len(), 1);
    assert_eq!(leases[0].line, 9);
    assert_eq!(leases[0].hostname.as_deref(), Some("pc1.corp"));
    assert_eq!(leases[0].expires, timefmt::parse_time("11/24/2026 6:00:00 PM"));
    assert!(leases[0].expires.is_some());
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].reason, SkipReason::BadAddress);
    assert_eq!(problems[0].line, 14);
}

#[test]
fn nested_elements_are_not_fields() {
    // <Name> of a nested option value or policy must not become the host name.
    let text = wrap(
        "<Lease><IPAddress>10.0.16.21</IPAddress><Extra><HostName>wrong</HostName></Extra></Lease>\n",
    )
    .replace("<Leases>", "<OptionValues><OptionValue><Name>Router</Name><LeaseDuration>9.00:00:00</LeaseDuration></OptionValue></OptionValues>\n<Leases>");
    let (leases, problems) = run(&text);
    assert!(problems.is_empty());
    assert_eq!(leases[0].hostname, None);
    assert_eq!(leases[0].duration, Some(TimeDelta::hours(36)));
}

const DNS_EXPORT: &str = include_str!("../../../tests/fixtures/leases/windows-export-dns.xml");

/// Reads `text` as `dhcp.xml`, keeping its DNS settings.
fn run_dns(text: &str) -> (Vec<Lease>, DhcpDnsSettings, Vec<Problem>) {
    let mut out = Vec::new();
    let mut settings = DhcpDnsSettings::default();
    let mut problems = Problems::default();
    parse(text, &Arc::from("dhcp.xml"), &InputTimes::default(), &mut out, &mut settings, &mut problems).unwrap();
    (out, settings, problems.list)
}

/// Each lease's address and its effective `dhcp_dns_setting` cell.
fn cells(leases: &[Lease], settings: &DhcpDnsSettings) -> Vec<(String, String)> {
    leases.iter().map(|l| (l.ip.to_string(), settings.effective(l).map(|s| s.render()).unwrap_or_default())).collect()
}

#[test]
fn dns_settings_at_server_scope_and_reservation() {
    let (leases, settings, problems) = run_dns(DNS_EXPORT);
    let never = "updates=never;ptr=on;older-clients=off;delete-on-expiry=on;name-protection=off";
    assert_eq!(
        cells(&leases, &settings),
        [
            // Scope 10.0.16.0 sets nothing: the server's 4 (cleanup only, updates off). Its
            // policy's option 81 (215) is not a level of ours and is not read.
            ("10.0.16.21", never),
            // The reservation's 21 (0x15: enabled, cleanup, always) over the server's.
            ("10.0.16.5", "updates=always;ptr=on;older-clients=off;delete-on-expiry=on;name-protection=off"),
            // Scope 10.0.17.0's 5 (enabled, cleanup: on request) over the server's.
            ("10.0.17.21", "updates=on-request;ptr=on;older-clients=off;delete-on-expiry=on;name-protection=off"),
            // The reservation's 68 (0x44: cleanup, no PTR, updates off) over its scope's.
            ("10.0.17.50", "updates=never;ptr=off;older-clients=off;delete-on-expiry=on;name-protection=off"),
            // Scope 10.0.18.0's value cannot be read: unknown, not the server's never.
            ("10.0.18.21", ""),
            // IPv6: option 39's 21, without the IPv4-only keys; not the IPv4 server's setting.
            ("2001:db8:1::1a2b", "updates=always;delete-on-expiry=on;name-protection=off"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(leases[0].server(), Some("dhcp.xml IPv4"));
    assert_eq!(leases[5].server(), Some("dhcp.xml IPv6"));
    assert_eq!(reasons(&problems), vec![(201, SkipReason::Malformed)]);
    assert_eq!(problems[0].detail, "scope 10.0.18.0: option 81 (the DNS settings) value \"Always\" is not a number; the DHCP DNS setting there is unknown");
}

/// A scope of `wrap` whose `<OptionValues>` holds `option` (line 8).
fn scope_option(option: &str) -> String {
    wrap("<Lease>\n<IPAddress>10.0.16.21</IPAddress>\n<AddressState>Active</AddressState>\n</Lease>\n")
        .replace("<Leases>", &format!("<OptionValues>{option}</OptionValues>\n<Leases>"))
}

/// `text` with an IPv4 server-level option 81 of 0 (line 3).
fn with_server_never(text: &str) -> String {
    text.replace("<IPv4>\n", "<IPv4>\n<OptionValues><OptionValue><OptionId>81</OptionId><Value>0</Value></OptionValue></OptionValues>")
}

/// The lease's cell and the problems, under a server at 0 and a scope with `option`.
fn server_and_scope(option: &str) -> (String, Vec<Problem>) {
    let (leases, settings, problems) = run_dns(&with_server_never(&scope_option(option)));
    let cell = cells(&leases, &settings).pop().map(|(_, c)| c).unwrap_or_default();
    (cell, problems)
}

#[test]
fn dns_settings_of_unknown_shape_are_counted_and_hide_the_server_level() {
    let opt = |id: &str, body: &str| format!("<OptionValue><OptionId>{id}</OptionId>{body}<VendorClass /><UserClass /></OptionValue>");
    // The server's 0 alone: updates off, every other bit off.
    let (cell, problems) = server_and_scope("");
    assert_eq!(cell, "updates=never;ptr=on;older-clients=off;delete-on-expiry=off;name-protection=off");
    assert!(problems.is_empty());
    // Hex is read too.
    assert_eq!(server_and_scope(&opt("81", "<Value>0x15</Value>")).0, "updates=always;ptr=on;older-clients=off;delete-on-expiry=on;name-protection=off");
    for (body, detail) in [
        ("<Value>8</Value>", "value 8 (0x8) has bits 0x8 that are not DNS_FLAG_* bits of an IPv4 server"),
        ("<Value>257</Value>", "value 257 (0x101) has bits 0x100 that are not DNS_FLAG_* bits of an IPv4 server"),
        ("<Value>-1</Value>", "value \"-1\" is not a number"),
        ("<Value></Value>", "value \"\" is not a number"),
        ("<Value>5</Value><Value>4</Value>", "has 2 <Value> elements, not one"),
        ("", "has no <Value>"),
        ("<Values><Value>5</Value></Values>", "has an element <Values> an option value does not have"),
    ] {
        let (cell, problems) = server_and_scope(&opt("81", body));
        assert_eq!(cell, "", "{body}");
        assert_eq!(reasons(&problems), vec![(8, SkipReason::Malformed)], "{body}");
        assert_eq!(problems[0].detail, format!("scope 10.0.16.0: option 81 (the DNS settings) {detail}; the DHCP DNS setting there is unknown"));
    }
    // A settings element where only option values were ever seen: counted, unknown there.
    let text = scope_option("").replace("<Leases>", "<DnsSettings><DynamicUpdates>Always</DynamicUpdates></DnsSettings>\n<Leases>");
    let (leases, settings, problems) = run_dns(&text);
    assert_eq!(cells(&leases, &settings), [("10.0.16.21".to_string(), String::new())]);
    assert_eq!(reasons(&problems), vec![(9, SkipReason::Malformed)]);
    assert_eq!(problems[0].detail, "scope 10.0.16.0: <DnsSettings> is not a shape of DNS settings this reader knows (a server keeps them as option 81's value); the DHCP DNS setting there is unknown");
}

#[test]
fn option_values_that_are_not_the_levels_dns_settings_are_not_read() {
    for option in [
        // A class's value, IPv6's option id on IPv4 (Keepalive Garbage), another option.
        "<OptionValue><OptionId>81</OptionId><Value>5</Value><VendorClass /><UserClass>Default BOOTP Class</UserClass></OptionValue>",
        "<OptionValue><OptionId>81</OptionId><Value>5</Value><VendorClass>Microsoft Options</VendorClass><UserClass /></OptionValue>",
        "<OptionValue><OptionId>39</OptionId><Value>0x01</Value><VendorClass /><UserClass /></OptionValue>",
        "<OptionValue><OptionId>3</OptionId><Value>10.0.16.1</Value><Extra /></OptionValue>",
    ] {
        let (cell, problems) = server_and_scope(option);
        assert_eq!(cell, "updates=never;ptr=on;older-clients=off;delete-on-expiry=off;name-protection=off", "{option}");
        assert!(problems.is_empty(), "{option}: {problems:?}");
    }
    // An export's settings apply to its own leases, not to another export's.
    let (leases, settings, _) = run_dns(&with_server_never(&scope_option("")));
    assert!(settings.effective(&leases[0]).is_some());
    let mut other = leases[0].clone();
    other.origin = crate::leases::LeaseOrigin::new(other.source(), other.scope(), None, Some(&server_key("other.xml", false)));
    assert_eq!(settings.effective(&other), None);
}

#[test]
fn ipv6_dns_flags_are_the_documented_ones_only() {
    let text = format!(
        "<DHCPServer>\n<IPv6>\n<OptionValues><OptionValue><OptionId>39</OptionId><Value>{}</Value></OptionValue></OptionValues>\n<Scopes><Scope><Prefix>2001:db8:1::</Prefix><Leases>\n<Lease><IPAddress>2001:db8:1::5</IPAddress><AddressState>Active</AddressState></Lease>\n</Leases></Scope></Scopes>\n</IPv6>\n</DHCPServer>\n",
        0x41
    );
    let (leases, settings, problems) = run_dns(&text);
    assert_eq!(cells(&leases, &settings), [("2001:db8:1::5".to_string(), String::new())]);
    assert_eq!(problems[0].line, 3);
    assert_eq!(problems[0].detail, "IPv6 server level: option 39 (the DNS settings) value 65 (0x41) has bits 0x40 that are not DNS_FLAG_* bits of an IPv6 server; the DHCP DNS setting there is unknown");
}

#[test]
fn settings_elements_at_server_and_reservation_levels_are_counted() {
    // A settings block at the server level, and a reservation's settings as an element: both
    // unknown; the reservation's lease shows neither the scope's nor the server's value.
    let text = wrap(
        "<Lease>\n<IPAddress>10.0.16.21</IPAddress>\n<AddressState>Active</AddressState>\n</Lease>\n",
    )
    .replace("<IPv4>\n", "<IPv4>\n<DhcpDnsSettings><DynamicUpdates>Never</DynamicUpdates></DhcpDnsSettings>\n")
    .replace(
        "<Leases>",
        "<OptionValues><OptionValue><OptionId>81</OptionId><Value>5</Value></OptionValue></OptionValues>\n<Reservations><Reservation><IPAddress>10.0.16.50</IPAddress>\n<nameprotection>True</nameprotection>\n</Reservation></Reservations>\n<Leases>",
    );
    let (leases, settings, problems) = run_dns(&text);
    assert_eq!(
        cells(&leases, &settings),
        [
            ("10.0.16.21".to_string(), "updates=on-request;ptr=on;older-clients=off;delete-on-expiry=on;name-protection=off".to_string()),
            ("10.0.16.50".to_string(), String::new()),
        ]
    );
    let details: Vec<(usize, &str)> = problems.iter().map(|p| (p.line, p.detail.as_str())).collect();
    assert_eq!(
        details,
        [
            (4, "IPv4 server level: <DhcpDnsSettings> is not a shape of DNS settings this reader knows (a server keeps them as option 81's value); the DHCP DNS setting there is unknown"),
            (11, "reservation 10.0.16.50: <nameprotection> is not a shape of DNS settings this reader knows (a server keeps them as option 81's value); the DHCP DNS setting there is unknown"),
        ]
    );
}
