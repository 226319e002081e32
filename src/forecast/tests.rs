//! Rule tests: every boundary of docs/forecast.md "Before enabling scavenging" (horizon, logon window,
//! aging off / on / assumed, static vs dynamic, unknown ages, the PTR's lease, AD-only hosts,
//! zone intervals from the data), asserted on the cells a user reads.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};

use super::*;
use crate::dns::{DnsData, DnsRecord, RecordData, ZoneAging};
use crate::leases::LeaseState;

use crate::test_support::t;

const AS_OF: &str = "2026-11-24T12:00:00Z";
const FWD: &str = "corp.example.test";
const REV: &str = "16.0.10.in-addr.arpa";

use crate::test_support::audit_settings as settings;

fn options() -> ForecastOptions {
    ForecastOptions { horizon: TimeDelta::days(28), logon_window: TimeDelta::days(30) }
}

fn lease(ip: &str, host: &str) -> Lease {
    Lease {
        ip: ip.parse().unwrap(),
        hostname: Some(host.into()),
        mac: None,
        state: LeaseState::Active,
        expires: Some(t("2026-11-30T00:00:00Z")),
        duration: None,
        origin: crate::leases::LeaseOrigin::new(&Arc::from("leases.csv"), None, None, None),
        line: 2,
    }
}

fn computer(name: &str, fqdn: &str, enabled: Option<bool>, logon: Option<&str>) -> Computer {
    Computer {
        name: name.into(),
        dns_host_name: Some(fqdn.into()),
        enabled,
        last_logon: logon.map(t),
        operating_system: None,
        dn: None,
        domain_controller: None,
        source: Arc::from("computers.ldif"),
        line: 1,
    }
}

#[derive(Default)]
struct World {
    dns: DnsData,
    leases: Vec<Lease>,
    computers: Vec<Computer>,
    dhcp: DhcpDnsSettings,
}

impl World {
    fn new() -> World {
        let mut w = World::default();
        let s: Arc<str> = Arc::from("zones");
        w.dns.zone_id(FWD, &s);
        w.dns.zone_id(REV, &s);
        w
    }

    fn aging(&mut self, zone: &str, aging: ZoneAging) -> &mut World {
        let i = self.dns.zone_by_name(zone).unwrap();
        self.dns.zones[i.index()].aging = aging;
        self
    }

    fn add(&mut self, name: &str, data: RecordData, ts: Option<DateTime<Utc>>) -> &mut World {
        let zone = self.dns.covering_zone(name).expect("test record outside the zones");
        self.dns.records.push(DnsRecord { name: name.into(), data, timestamp: ts, ttl: Some(1200), zone, owner: None });
        self
    }

    fn a(&mut self, name: &str, ip: &str, ts: &str) -> &mut World {
        self.add(name, RecordData::Addr(ip.parse().unwrap()), Some(t(ts)))
    }

    fn ptr(&mut self, ip: &str, target: &str, ts: &str) -> &mut World {
        self.add(&crate::dns::reverse_name(ip.parse().unwrap()), RecordData::Ptr(target.into()), Some(t(ts)))
    }

    fn run_with(&self, s: &AuditSettings, o: ForecastOptions) -> (Vec<[String; 17]>, Vec<(NotForecast, usize)>) {
        let directory = Directory::new(self.computers.clone());
        let (rows, not) = forecast(&self.leases, &directory, &self.dns, &self.dhcp, s, o);
        (rows.into_iter().map(|r| crate::report::texts(&crate::report::Row::Forecast(r)).try_into().unwrap()).collect(), not.into_iter().collect())
    }

    fn rows(&self) -> Vec<[String; 17]> {
        self.run_with(&settings(), options()).0
    }
}

/// (scavenge_after, name, type, data, verdict, evidence, lease_ip, ad_computer) of each row.
fn brief(rows: &[[String; 17]]) -> Vec<[&str; 8]> {
    rows.iter().map(|r| [&*r[0], &*r[2], &*r[3], &*r[4], &*r[8], &*r[10], &*r[11], &*r[14]]).collect()
}

const PC1: &str = "pc1.corp.example.test";

#[test]
fn the_horizon_is_inclusive_and_one_second_later_is_not_forecast() {
    // Horizon 10d: as_of + 10d = 2026-12-04T12:00:00Z; stamps 14 days before it and one second later.
    let o = ForecastOptions { horizon: TimeDelta::days(10), ..options() };
    let mut w = World::new();
    w.a(PC1, "10.0.16.21", "2026-11-20T12:00:00Z").a("pc2.corp.example.test", "10.0.16.22", "2026-11-20T12:00:01Z");
    let (rows, not) = w.run_with(&settings(), o);
    assert_eq!(brief(&rows), vec![["2026-12-04T12:00:00Z", PC1, "A", "10.0.16.21", "stale", "", "", ""]]);
    assert_eq!(not, vec![(NotForecast::AfterHorizon, 1)]);
    // Horizon zero: only what is due by the as-of itself (overdue records included).
    let o = ForecastOptions { horizon: TimeDelta::zero(), ..options() };
    w.a("old.corp.example.test", "10.0.16.23", "2026-10-01T00:00:00Z");
    let (rows, _) = w.run_with(&settings(), o);
    assert_eq!(brief(&rows), vec![["2026-10-15T00:00:00Z", "old.corp.example.test", "A", "10.0.16.23", "stale", "", "", ""]]);
}

#[test]
fn static_records_and_unknown_ages_are_counted_not_forecast() {
    let mut w = World::new();
    w.add(PC1, RecordData::Addr("10.0.16.21".parse().unwrap()), None)
        .add("bad.corp.example.test", RecordData::Addr("10.0.16.22".parse().unwrap()), Some(crate::dns::UNREADABLE_TIMESTAMP))
        // More than a day after the as-of: no DNS server wrote it.
        .a("future.corp.example.test", "10.0.16.23", "2026-11-25T12:00:01Z")
        // A day after is clock skew: dated.
        .a("skew.corp.example.test", "10.0.16.24", "2026-11-25T12:00:00Z")
        // CNAMEs are not forecast, nor counted.
        .add("alias.corp.example.test", RecordData::Cname(PC1.into()), Some(t("2026-11-01T00:00:00Z")));
    let (rows, not) = w.run_with(&settings(), options());
    assert_eq!(brief(&rows), vec![["2026-12-09T12:00:00Z", "skew.corp.example.test", "A", "10.0.16.24", "stale", "", "", ""]]);
    assert_eq!(not, vec![(NotForecast::Static, 1), (NotForecast::UnknownAge, 2)]);
}

#[test]
fn aging_as_the_data_says_or_assumed() {
    let mut w = World::new();
    w.a(PC1, "10.0.16.21", "2026-11-10T00:00:00Z").ptr("10.0.16.21", PC1, "2026-11-10T00:00:00Z");
    // Offline zones (aging unknown) count as aging.
    assert_eq!(w.rows().len(), 2);
    // AD says aging is off on the forward zone: its record is never scavenged.
    w.aging(FWD, ZoneAging { enabled: Some(false), ..ZoneAging::default() });
    let (rows, not) = w.run_with(&settings(), options());
    assert_eq!(brief(&rows), vec![["2026-11-24T00:00:00Z", "21.16.0.10.in-addr.arpa", "PTR", PC1, "stale", "", "", ""]]);
    assert_eq!(not, vec![(NotForecast::AgingOff, 1)]);
    // --assume-aging: what enabling it would delete.
    let assumed = AuditSettings { assume_aging: true, ..settings() };
    assert_eq!(w.run_with(&assumed, options()).0.len(), 2);
    // Aging on explicitly.
    w.aging(FWD, ZoneAging { enabled: Some(true), ..ZoneAging::default() });
    assert_eq!(w.rows().len(), 2);
}

#[test]
fn zone_intervals_from_the_data_win_over_the_defaults() {
    let mut w = World::new();
    w.a(PC1, "10.0.16.21", "2026-11-10T00:00:00Z").ptr("10.0.16.21", PC1, "2026-11-10T00:00:00Z");
    w.aging(REV, ZoneAging { enabled: Some(true), no_refresh: Some(TimeDelta::days(3)), refresh: Some(TimeDelta::hours(36)) });
    let s = AuditSettings { no_refresh: TimeDelta::days(2), refresh: TimeDelta::days(2), ..settings() };
    let (rows, _) = w.run_with(&s, options());
    // PTR: the zone's 3d + 36h; A: the options' 2d + 2d (its zone does not say).
    assert_eq!(brief(&rows), vec![
        ["2026-11-14T00:00:00Z", PC1, "A", "10.0.16.21", "stale", "", "", ""],
        ["2026-11-14T12:00:00Z", "21.16.0.10.in-addr.arpa", "PTR", PC1, "stale", "", "", ""],
    ]);
    // One interval from the data, the other from the options.
    w.aging(REV, ZoneAging { enabled: None, no_refresh: Some(TimeDelta::days(1)), refresh: None });
    let (rows, _) = w.run_with(&s, options());
    assert_eq!((&*rows[0][0], &*rows[0][3]), ("2026-11-13T00:00:00Z", "PTR"));
}

#[test]
fn a_ptr_is_kept_alive_only_by_a_lease_on_its_address_naming_its_target() {
    let mut w = World::new();
    w.ptr("10.0.16.21", PC1, "2026-11-10T00:00:00Z")
        .ptr("10.0.16.22", PC1, "2026-11-10T00:00:00Z")
        .ptr("10.0.16.23", "pc3.corp.example.test", "2026-11-10T00:00:00Z");
    // pc1 holds .21 (a single-label host name, qualified with --domain); .22 is pc1's old
    // address; .23 is leased to another host.
    w.leases = vec![lease("10.0.16.21", "PC1"), lease("10.0.16.23", "pc9.corp.example.test")];
    let rows = w.rows();
    assert_eq!(brief(&rows), vec![
        ["2026-11-24T00:00:00Z", "21.16.0.10.in-addr.arpa", "PTR", PC1, "live", "lease", "10.0.16.21", ""],
        ["2026-11-24T00:00:00Z", "22.16.0.10.in-addr.arpa", "PTR", PC1, "stale", "", "", ""],
        ["2026-11-24T00:00:00Z", "23.16.0.10.in-addr.arpa", "PTR", "pc3.corp.example.test", "stale", "", "", ""],
    ]);
    // The lease columns describe the lease.
    assert_eq!(&rows[0][11..14], ["10.0.16.21", "PC1", "2026-11-30T00:00:00Z"]);
}

#[test]
fn an_a_record_is_live_by_a_lease_on_its_name_preferring_its_own_address() {
    let mut w = World::new();
    w.a(PC1, "10.0.16.21", "2026-11-10T00:00:00Z").a(PC1, "10.0.16.50", "2026-11-10T00:00:00Z").a("gone.corp.example.test", "10.0.16.22", "2026-11-10T00:00:00Z");
    let mut expired = lease("10.0.16.22", "gone");
    expired.expires = Some(t("2026-11-24T11:59:59Z"));
    let mut released = lease("10.0.16.40", "gone");
    released.state = LeaseState::Released;
    w.leases = vec![lease("10.0.16.50", "pc1"), lease("10.0.16.21", "pc1.corp.example.test"), expired, released];
    assert_eq!(brief(&w.rows()), vec![
        // Only audited leases count: expired or released ones do not.
        ["2026-11-24T00:00:00Z", "gone.corp.example.test", "A", "10.0.16.22", "stale", "", "", ""],
        ["2026-11-24T00:00:00Z", PC1, "A", "10.0.16.21", "live", "lease", "10.0.16.21", ""],
        ["2026-11-24T00:00:00Z", PC1, "A", "10.0.16.50", "live", "lease", "10.0.16.50", ""],
    ]);
    // A record of the host on an address it no longer holds: the host is live (lowest address shown).
    let mut w2 = World::new();
    w2.a(PC1, "10.0.16.99", "2026-11-10T00:00:00Z");
    w2.leases = vec![lease("10.0.16.50", "pc1"), lease("10.0.16.21", "pc1")];
    assert_eq!(brief(&w2.rows()), vec![["2026-11-24T00:00:00Z", PC1, "A", "10.0.16.99", "live", "lease", "10.0.16.21", ""]]);
}

#[test]
fn a_name_kept_alive_only_by_ad_needs_an_enabled_computer_with_a_recent_logon() {
    // The window is 30 days before the as-of: 2026-10-25T12:00:00Z counts, a second earlier does not.
    let cases: [(Option<bool>, Option<&str>, &str, &str); 6] = [
        (Some(true), Some("2026-10-25T12:00:00Z"), "live", "ad-logon"),
        (Some(true), Some("2026-10-25T11:59:59Z"), "stale", ""),
        (Some(true), Some("2026-11-24T12:00:00Z"), "live", "ad-logon"),
        (Some(false), Some("2026-11-24T00:00:00Z"), "stale", ""),
        (None, Some("2026-11-24T00:00:00Z"), "stale", ""),
        (Some(true), None, "stale", ""),
    ];
    for (enabled, logon, verdict, evidence) in cases {
        let mut w = World::new();
        w.a(PC1, "10.0.16.21", "2026-11-10T00:00:00Z").ptr("10.0.16.21", PC1, "2026-11-10T00:00:00Z");
        w.computers = vec![computer("PC1", PC1, enabled, logon)];
        let rows = w.rows();
        for r in &rows {
            assert_eq!((&*r[8], &*r[10]), (verdict, evidence), "{enabled:?} {logon:?}: {r:?}");
            // The computer is shown either way, so that a stale row says why.
            assert_eq!(r[14], "PC1");
            assert_eq!(r[15], enabled.map(|e| e.to_string()).unwrap_or_default());
            assert_eq!(r[16], logon.unwrap_or(""));
        }
        assert_eq!(rows.len(), 2);
    }
    // A --logon-window of 60d lets the older logon count.
    let mut w = World::new();
    w.a(PC1, "10.0.16.21", "2026-11-10T00:00:00Z");
    w.computers = vec![computer("PC1", PC1, Some(true), Some("2026-10-01T00:00:00Z"))];
    assert_eq!(w.rows()[0][8], "stale");
    assert_eq!(w.run_with(&settings(), ForecastOptions { logon_window: TimeDelta::days(60), ..options() }).0[0][10], "ad-logon");
}

#[test]
fn ad_matches_by_dns_host_name_only_and_prefers_the_computer_that_is_evidence() {
    let mut w = World::new();
    w.a(PC1, "10.0.16.21", "2026-11-10T00:00:00Z").a("pc2.corp.example.test", "10.0.16.22", "2026-11-10T00:00:00Z");
    w.leases = vec![lease("10.0.16.21", "pc1")];
    w.computers = vec![
        // Two objects with one dNSHostName: the disabled old one first.
        computer("PC1-OLD", PC1, Some(false), Some("2026-11-20T00:00:00Z")),
        computer("PC1", PC1, Some(true), Some("2026-11-20T00:00:00Z")),
        // The name matches pc2's first label, the dNSHostName does not: not pc2's computer.
        computer("PC2", "pc2.other.test", Some(true), Some("2026-11-20T00:00:00Z")),
    ];
    assert_eq!(brief(&w.rows()), vec![
        ["2026-11-24T00:00:00Z", PC1, "A", "10.0.16.21", "live", "lease;ad-logon", "10.0.16.21", "PC1"],
        ["2026-11-24T00:00:00Z", "pc2.corp.example.test", "A", "10.0.16.22", "stale", "", "", ""],
    ]);
}

#[test]
fn rows_are_in_scavenging_order_then_zone_name_type_data_and_duplicates_are_one() {
    let mut w = World::new();
    let ts = "2026-11-10T00:00:00Z";
    w.a("b.corp.example.test", "10.0.16.10", ts)
        .a("b.corp.example.test", "10.0.16.9", ts)
        .add("b.corp.example.test", RecordData::Addr("2001:db8::1".parse().unwrap()), Some(t(ts)))
        .a("a.corp.example.test", "10.0.16.8", ts)
        .ptr("10.0.16.8", "a.corp.example.test", ts)
        .a("z.corp.example.test", "10.0.16.7", "2026-11-01T00:00:00Z")
        // The same record from a second export, refreshed later: the later copy is the one.
        .a("z.corp.example.test", "10.0.16.7", "2026-11-09T00:00:00Z");
    let rows = w.rows();
    let got: Vec<(&str, &str, &str, &str)> = rows.iter().map(|r| (&*r[0], &*r[2], &*r[3], &*r[4])).collect();
    assert_eq!(got, vec![
        ("2026-11-23T00:00:00Z", "z.corp.example.test", "A", "10.0.16.7"),
        ("2026-11-24T00:00:00Z", "8.16.0.10.in-addr.arpa", "PTR", "a.corp.example.test"),
        ("2026-11-24T00:00:00Z", "a.corp.example.test", "A", "10.0.16.8"),
        ("2026-11-24T00:00:00Z", "b.corp.example.test", "A", "10.0.16.9"),
        ("2026-11-24T00:00:00Z", "b.corp.example.test", "A", "10.0.16.10"),
        ("2026-11-24T00:00:00Z", "b.corp.example.test", "AAAA", "2001:db8::1"),
    ]);
    // Zone and timestamp columns; the owner columns empty: these records carry no owner.
    assert_eq!([&*rows[1][1], &*rows[1][5], &*rows[1][6], &*rows[1][7]], [REV, "2026-11-10T00:00:00Z", "", ""]);
}

#[test]
fn weeks_count_from_the_as_of_and_the_last_ends_at_the_horizon() {
    let as_of = t(AS_OF);
    let tally = Tally::new(as_of, TimeDelta::days(28));
    assert_eq!(tally.weeks, 4);
    let week = |s: &str| tally.week_of(t(s));
    assert_eq!(week("2026-11-24T11:59:59Z"), 0);
    assert_eq!(week(AS_OF), 1);
    assert_eq!(week("2026-12-01T11:59:59Z"), 1);
    assert_eq!(week("2026-12-01T12:00:00Z"), 2);
    assert_eq!(week("2026-12-22T12:00:00Z"), 4);
    assert_eq!(Tally::new(as_of, TimeDelta::days(10)).weeks, 2);
    assert_eq!(Tally::new(as_of, TimeDelta::zero()).weeks, 1);
}

/// (name, type, verdict, refresh) of each row.
fn refreshes(rows: &[[String; 17]]) -> Vec<[&str; 4]> {
    rows.iter().map(|r| [&*r[2], &*r[3], &*r[8], &*r[9]]).collect()
}

impl World {
    fn owned(&mut self, owner: &str) -> &mut World {
        if let Some(r) = self.dns.records.last_mut() {
            r.owner = crate::dns::RecordOwner::from_name(owner).map(Arc::new);
        }
        self
    }

    fn policy(&mut self, zone: &str, policy: crate::dns::DynamicUpdates) -> &mut World {
        let i = self.dns.zone_by_name(zone).unwrap();
        self.dns.zones[i.index()].dynamic_updates = Some(policy);
        self
    }
}

/// docs/forecast.md "Before enabling scavenging", `refresh`: frozen by the audit's rule, the slack 24 h
/// without a lease duration and half of it with one (the lease on the name; on the address for
/// a PTR), the boundary itself still refreshing.
#[test]
fn frozen_is_the_audits_rule_with_its_slack() {
    let mut w = World::new();
    // No lease: 7d + 24 h. Exactly 8 days old: refreshing; one second more: frozen.
    w.a("a.corp.example.test", "10.0.16.31", "2026-11-16T12:00:00Z").a("b.corp.example.test", "10.0.16.32", "2026-11-16T11:59:59Z");
    // An 8-day lease: 7d + 4d. 11 days: refreshing; one second more: frozen (A by its name, PTR by its address).
    w.a("c.corp.example.test", "10.0.16.33", "2026-11-13T12:00:00Z").ptr("10.0.16.34", "d.corp.example.test", "2026-11-13T11:59:59Z");
    // A 1-hour lease: 24 h still (the larger).
    w.a("e.corp.example.test", "10.0.16.35", "2026-11-16T11:59:59Z");
    for (ip, host, hours) in [("10.0.16.33", "c", 192), ("10.0.16.34", "d", 192), ("10.0.16.35", "e", 1)] {
        let mut l = lease(ip, host);
        l.duration = Some(TimeDelta::hours(hours));
        w.leases.push(l);
    }
    let rows = w.rows();
    assert_eq!(refreshes(&rows), vec![
        ["34.16.0.10.in-addr.arpa", "PTR", "live", "frozen"],
        ["c.corp.example.test", "A", "live", "refreshing"],
        ["b.corp.example.test", "A", "stale", "frozen"],
        ["e.corp.example.test", "A", "live", "frozen"],
        ["a.corp.example.test", "A", "stale", "refreshing"],
    ]);
}

/// Each cause of `cannot-refresh`, for records refreshed two days before the as-of; an unknown
/// owner, policy or setting leaves the record `refreshing`.
#[test]
fn cannot_refresh_has_each_known_cause_and_only_those() {
    use crate::dns::DynamicUpdates as P;
    use crate::leases::dns_settings::{DhcpDnsSetting, Level, Updates};
    const FRESH: &str = "2026-11-22T12:00:00Z";
    let mut s = settings();
    s.dhcp_accounts = vec![DhcpAccount::parse("CORP\\svc-dhcpdns").unwrap()];
    let run = |w: &World| -> Vec<[String; 4]> {
        w.run_with(&s, options()).0.iter().map(|r| [r[2].clone(), r[3].clone(), r[7].clone(), r[9].clone()]).collect()
    };
    // A zone without dynamic updates: nothing refreshes its records, whoever owns them.
    let mut w = World::new();
    w.policy(REV, P::None).ptr("10.0.16.21", PC1, FRESH).owned("CORP\\PC1$");
    assert_eq!(run(&w), [["21.16.0.10.in-addr.arpa", "PTR", "self", "cannot-refresh"].map(String::from)]);

    // A DHCP server's record: its lease's setting (on the name for A, on the address for PTR).
    for (setting, a, ptr) in [
        (DhcpDnsSetting { updates: Some(Updates::Never), ..Default::default() }, "cannot-refresh", "cannot-refresh"),
        (DhcpDnsSetting { send_updates: Some(false), ..Default::default() }, "cannot-refresh", "cannot-refresh"),
        (DhcpDnsSetting { send_updates: Some(true), update_on_renew: Some(false), ..Default::default() }, "cannot-refresh", "cannot-refresh"),
        (DhcpDnsSetting { updates: Some(Updates::Always), ptr: Some(false), ..Default::default() }, "refreshing", "cannot-refresh"),
        (DhcpDnsSetting { updates: Some(Updates::Always), ptr: Some(true), ..Default::default() }, "refreshing", "refreshing"),
        (DhcpDnsSetting::default(), "refreshing", "refreshing"),
    ] {
        let mut w = World::new();
        w.policy(FWD, P::Secure).policy(REV, P::Secure);
        w.a(PC1, "10.0.16.21", FRESH).owned("CORP\\svc-dhcpdns").ptr("10.0.16.21", PC1, FRESH).owned("CORP\\svc-dhcpdns");
        w.leases.push(lease("10.0.16.21", "pc1"));
        w.dhcp.add(None, Level::Server, setting);
        assert_eq!(run(&w), [
            ["21.16.0.10.in-addr.arpa", "PTR", "dhcp-server", ptr].map(String::from),
            [PC1, "A", "dhcp-server", a].map(String::from),
        ], "{setting:?}");
    }
    // The setting of a lease on the PTR's address counts even when it names another host;
    // without any lease there, the setting is unknown.
    let mut w = World::new();
    w.ptr("10.0.16.22", "gone.corp.example.test", FRESH).owned("CORP\\svc-dhcpdns").ptr("10.0.16.23", "gone2.corp.example.test", FRESH).owned("CORP\\svc-dhcpdns");
    w.leases.push(lease("10.0.16.22", "pc2"));
    w.dhcp.add(None, Level::Server, DhcpDnsSetting { updates: Some(Updates::Never), ..Default::default() });
    assert_eq!(run(&w), [
        ["22.16.0.10.in-addr.arpa", "PTR", "dhcp-server", "cannot-refresh"].map(String::from),
        ["23.16.0.10.in-addr.arpa", "PTR", "dhcp-server", "refreshing"].map(String::from),
    ]);
    // The setting stops only the DHCP server: a record the client owns is still refreshed.
    let mut w = World::new();
    w.a(PC1, "10.0.16.21", FRESH).owned("CORP\\PC1$");
    w.leases.push(lease("10.0.16.21", "pc1"));
    w.dhcp.add(None, Level::Server, DhcpDnsSetting { updates: Some(Updates::Never), ..Default::default() });
    assert_eq!(run(&w)[0][3], "refreshing");

    // A secure zone: another computer's, a user's or an admin's record refuses the host's update.
    for (owner, kind, secure, other) in [
        ("CORP\\PC7$", "other-computer", "cannot-refresh", "refreshing"),
        ("CORP\\jdoe", "user", "cannot-refresh", "refreshing"),
        ("CORP\\Domain Admins", "admin", "cannot-refresh", "refreshing"),
        ("CORP\\PC1$", "self", "refreshing", "refreshing"),
    ] {
        for (policy, want) in [(Some(P::Secure), secure), (Some(P::Nonsecure), other), (None, other)] {
            let mut w = World::new();
            if let Some(p) = policy {
                w.policy(FWD, p);
            }
            w.a(PC1, "10.0.16.21", FRESH).owned(owner);
            assert_eq!(run(&w), [[PC1, "A", kind, want].map(String::from)], "{owner} {policy:?}");
        }
    }
    // Unknown owner in a secure zone: the rule does not apply.
    let mut w = World::new();
    w.policy(FWD, P::Secure).a(PC1, "10.0.16.21", FRESH);
    assert_eq!(run(&w), [[PC1, "A", "", "refreshing"].map(String::from)]);
}

/// The summary's counts: live split by frozen and cannot-refresh, stale, and the refreshing
/// records (not deleted); a user owning the records of three hosts is named.
#[test]
fn the_tally_counts_what_scavenging_deletes_and_the_refreshing_apart() {
    let mut w = World::new();
    w.policy(FWD, crate::dns::DynamicUpdates::Secure);
    w.a(PC1, "10.0.16.21", "2026-11-01T12:00:00Z") // live, frozen
        .a("pc2.corp.example.test", "10.0.16.22", "2026-11-22T12:00:00Z").owned("CORP\\svc-x") // live, cannot-refresh (a user's, secure zone)
        .a("pc3.corp.example.test", "10.0.16.23", "2026-11-22T12:00:00Z").owned("CORP\\svc-x") // stale (no lease), cannot-refresh
        .a("pc4.corp.example.test", "10.0.16.24", "2026-11-22T12:00:00Z").owned("CORP\\svc-x") // live, cannot-refresh
        .a("pc5.corp.example.test", "10.0.16.25", "2026-11-22T12:00:00Z"); // live, refreshing
    for (ip, host) in [("10.0.16.21", "pc1"), ("10.0.16.22", "pc2"), ("10.0.16.24", "pc4"), ("10.0.16.25", "pc5")] {
        w.leases.push(lease(ip, host));
    }
    let directory = Directory::new(Vec::new());
    let (rows, _) = forecast(&w.leases, &directory, &w.dns, &w.dhcp, &settings(), options());
    let mut tally = Tally::new(t(AS_OF), TimeDelta::days(28));
    for r in &rows {
        tally.add(r);
    }
    assert_eq!(tally.total, Counts { frozen: 1, cannot_refresh: 2, stale: 1, refreshing: 1 });
    assert_eq!(tally.total.text(), "live 3 (frozen 1, cannot-refresh 2), stale 1, refreshing 1");
    assert_eq!(rows.iter().filter(|r| r.listed()).count(), 4);
    assert_eq!(tally.busy_users().collect::<Vec<_>>(), ["CORP\\svc-x"]);
}
