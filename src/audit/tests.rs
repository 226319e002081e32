//! Rule tests: every status, record status and risk boundary of docs/report.md "The report" and
//! "Scavenging risk", without any server.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};

use super::*;
use crate::directory::{Computer, Directory};
use crate::dns::{DnsData, DnsRecord, RecordData, ZoneId};
use crate::leases::dns_settings::{DhcpDnsSettings, Level, Updates};
use crate::leases::{Lease, LeaseOrigin, LeaseState};

use crate::test_support::t;

const AS_OF: &str = "2026-11-24T12:00:00Z";

use crate::test_support::audit_settings as settings;

fn lease(ip: &str, host: Option<&str>) -> Lease {
    Lease {
        ip: ip.parse().unwrap(),
        hostname: host.map(Into::into),
        mac: Some("00:15:5d:01:02:03".into()),
        state: LeaseState::Active,
        expires: Some(t("2026-11-30T00:00:00Z")),
        duration: None,
        origin: LeaseOrigin::new(&Arc::from("leases.csv"), Some("10.0.16.0"), None, None),
        line: 2,
    }
}

/// (status, a_status, ptr_status, age, remediation) of one finding.
type Row = (Status, RecordStatus, RecordStatus, Option<RecordAge>, Option<String>);

struct World {
    dns: DnsData,
}

impl World {
    fn new() -> World {
        let mut dns = DnsData::default();
        let s: Arc<str> = Arc::from("zones");
        dns.zone_id("corp.example.test", &s);
        dns.zone_id("16.0.10.in-addr.arpa", &s);
        World { dns }
    }

    fn add(&mut self, name: &str, data: RecordData, ts: Option<&str>) {
        let zone = self.dns.covering_zone(name).expect("test record outside the zones");
        self.dns.records.push(DnsRecord { name: name.into(), data, timestamp: ts.map(t), ttl: Some(1200), zone, owner: None });
    }

    fn a(&mut self, name: &str, ip: &str, ts: Option<&str>) -> &mut World {
        self.add(name, RecordData::Addr(ip.parse().unwrap()), ts);
        self
    }

    fn ptr(&mut self, ip: &str, target: &str, ts: Option<&str>) -> &mut World {
        let name = dns::reverse_name(ip.parse().unwrap());
        self.add(&name, RecordData::Ptr(target.into()), ts);
        self
    }

    fn audit_one(&self, l: Lease) -> Row {
        self.audit_with(vec![l], &settings()).remove(0)
    }

    fn audit_with(&self, leases: Vec<Lease>, s: &AuditSettings) -> Vec<Row> {
        let dir = Directory::default();
        audit(&leases, &dir, &self.dns, s)
            .into_iter()
            .map(|f| (f.status, f.a_status, f.ptr_status, f.age.clone(), f.remediation.clone()))
            .collect()
    }
}

const FQDN: &str = "pc1.corp.example.test";
const IP: &str = "10.0.16.21";

#[test]
fn fqdn_rules() {
    assert_eq!(fqdn(Some("PC1"), Some("corp.example.test")).as_deref(), Some(FQDN));
    assert_eq!(fqdn(Some("pc1.Corp.Example.Test."), Some("other.test")).as_deref(), Some(FQDN));
    assert_eq!(fqdn(Some("pc1"), None).as_deref(), Some("pc1"));
    assert_eq!(fqdn(Some("  "), None), None);
    assert_eq!(fqdn(None, Some("x")), None);
}

#[test]
fn fresh_dynamic_records_are_ok_and_low() {
    let mut w = World::new();
    w.a(FQDN, IP, Some("2026-11-23T12:00:00Z")).ptr(IP, FQDN, Some("2026-11-23T12:00:00Z"));
    let (status, a, p, age, rem) = w.audit_one(lease(IP, Some("pc1")));
    assert_eq!((status, a, p), (Status::Ok, RecordStatus::Ok, RecordStatus::Ok));
    let age = age.unwrap();
    assert_eq!((age.kind, age.risk), (RecordKind::Dynamic, Risk::Low));
    assert_eq!(age.scavenge_after, Some(t("2026-12-07T12:00:00Z")));
    assert_eq!(rem, None);
}

#[test]
fn static_records_have_no_risk() {
    let mut w = World::new();
    w.a(FQDN, IP, None).ptr(IP, FQDN, None);
    let (status, _, _, age, _) = w.audit_one(lease(IP, Some("pc1")));
    let age = age.unwrap();
    assert_eq!((status, age.kind, age.risk, age.timestamp, age.scavenge_after), (Status::Ok, RecordKind::Static, Risk::None, None, None));
}

#[test]
fn not_refreshed_boundary_is_strictly_greater_than_no_refresh_plus_slack() {
    // no-refresh 7d + slack 24h = 8d. Exactly 8d old: refreshed normally (low).
    let mut w = World::new();
    w.a(FQDN, IP, Some("2026-11-16T12:00:00Z")).ptr(IP, FQDN, None);
    let (_, _, _, age, _) = w.audit_one(lease(IP, Some("pc1")));
    assert_eq!(age.unwrap().risk, Risk::Low);
    // One second older: not being refreshed; scavenge_after 2026-11-30T12:00:00Z ≤ as_of + 7d: high.
    let mut w = World::new();
    w.a(FQDN, IP, Some("2026-11-16T11:59:59Z")).ptr(IP, FQDN, None);
    let (status, _, _, age, rem) = w.audit_one(lease(IP, Some("pc1")));
    let age = age.unwrap();
    assert_eq!((status, age.risk, age.is_ptr), (Status::AtRisk, Risk::High, false));
    assert_eq!(age.scavenge_after, Some(t("2026-11-30T11:59:59Z")));
    assert!(rem.unwrap().starts_with("pc1.corp.example.test's A record was last refreshed 2026-11-16T11:59:59Z"));
}

#[test]
fn high_versus_medium_depends_on_the_scavenging_interval() {
    let mut s = settings();
    s.no_refresh = TimeDelta::days(7);
    s.refresh = TimeDelta::days(14);
    // 9 days old: not refreshed (> 8d). scavenge_after = ts + 21d = as_of + 12d > as_of + 7d: medium.
    let mut w = World::new();
    w.a(FQDN, IP, Some("2026-11-15T12:00:00Z")).ptr(IP, FQDN, None);
    let r = w.audit_with(vec![lease(IP, Some("pc1"))], &s);
    assert_eq!(r[0].3.as_ref().unwrap().risk, Risk::Medium);
    // Exactly on the boundary: scavenge_after == as_of + interval is high.
    s.scavenging_interval = TimeDelta::days(12);
    let r = w.audit_with(vec![lease(IP, Some("pc1"))], &s);
    assert_eq!(r[0].3.as_ref().unwrap().risk, Risk::High);
}

#[test]
fn half_the_lease_widens_the_slack() {
    // An 8-day lease: slack 4d, so a 10-day-old record (≤ 7d + 4d) is refreshed normally.
    let mut w = World::new();
    w.a(FQDN, IP, Some("2026-11-14T12:00:00Z")).ptr(IP, FQDN, None);
    let mut l = lease(IP, Some("pc1"));
    l.duration = Some(TimeDelta::days(8));
    let (_, _, _, age, _) = w.audit_one(l.clone());
    assert_eq!(age.unwrap().risk, Risk::Low);
    l.duration = Some(TimeDelta::hours(8));
    let (_, _, _, age, _) = w.audit_one(l);
    assert_eq!(age.unwrap().risk, Risk::High);
}

#[test]
fn aging_off_means_no_risk_unless_assumed() {
    let mut w = World::new();
    w.dns.zones[0].aging.enabled = Some(false);
    w.dns.zones[1].aging.enabled = Some(false);
    w.a(FQDN, IP, Some("2026-10-01T12:00:00Z")).ptr(IP, FQDN, Some("2026-10-01T12:00:00Z"));
    let (status, _, _, age, _) = w.audit_one(lease(IP, Some("pc1")));
    let age = age.unwrap();
    assert_eq!((status, age.kind, age.risk, age.scavenge_after), (Status::Ok, RecordKind::Dynamic, Risk::None, None));
    let mut s = settings();
    s.assume_aging = true;
    let r = w.audit_with(vec![lease(IP, Some("pc1"))], &s);
    assert_eq!((r[0].0, r[0].3.as_ref().unwrap().risk), (Status::AtRisk, Risk::High));
}

#[test]
fn zone_intervals_override_the_defaults() {
    let mut w = World::new();
    w.dns.zones[0].aging = dns::ZoneAging { enabled: Some(true), no_refresh: Some(TimeDelta::days(3)), refresh: Some(TimeDelta::days(3)) };
    w.a(FQDN, IP, Some("2026-11-19T12:00:00Z")).ptr(IP, FQDN, None);
    let (_, _, _, age, _) = w.audit_one(lease(IP, Some("pc1")));
    let age = age.unwrap();
    assert_eq!((age.risk, age.scavenge_after), (Risk::High, Some(t("2026-11-25T12:00:00Z"))));
}

#[test]
fn higher_risk_of_a_and_ptr_wins_then_the_older() {
    let mut w = World::new();
    w.a(FQDN, IP, Some("2026-11-23T12:00:00Z")).ptr(IP, FQDN, Some("2026-11-01T12:00:00Z"));
    let (_, _, _, age, rem) = w.audit_one(lease(IP, Some("pc1")));
    let age = age.unwrap();
    assert_eq!((age.risk, age.is_ptr, age.timestamp), (Risk::High, true, Some(t("2026-11-01T12:00:00Z"))));
    assert!(rem.unwrap().starts_with("pc1.corp.example.test's PTR record"));
    // Tie (both low): the older one.
    let mut w = World::new();
    w.a(FQDN, IP, Some("2026-11-23T12:00:00Z")).ptr(IP, FQDN, Some("2026-11-22T12:00:00Z"));
    let (_, _, _, age, _) = w.audit_one(lease(IP, Some("pc1")));
    assert_eq!(age.unwrap().timestamp, Some(t("2026-11-22T12:00:00Z")));
}

#[test]
fn missing_a_and_ptr() {
    let w = World::new();
    let (status, a, p, age, rem) = w.audit_one(lease(IP, Some("pc1")));
    assert_eq!((status, a, p, age), (Status::Missing, RecordStatus::Missing, RecordStatus::Missing, None));
    assert!(rem.unwrap().starts_with("pc1.corp.example.test has neither an A record nor a PTR record for 10.0.16.21: run ipconfig /registerdns"));
}

#[test]
fn pending_registration_points_at_the_dhcp_server() {
    let mut w = World::new();
    w.ptr(IP, FQDN, None);
    let mut l = lease(IP, Some("pc1"));
    l.origin = LeaseOrigin::new(l.source(), l.scope(), Some(crate::leases::DnsRegistration::Windows("Pending".into())), None);
    let (status, a, p, _, rem) = w.audit_one(l);
    assert_eq!((status, a, p), (Status::Missing, RecordStatus::Missing, RecordStatus::Ok));
    assert!(rem.unwrap().contains("Set-DhcpServerDnsCredential"));
}

#[test]
fn mismatch_and_extra() {
    let mut w = World::new();
    w.a(FQDN, "10.0.16.99", None).ptr(IP, "old.corp.example.test", None);
    let (status, a, p, age, rem) = w.audit_one(lease(IP, Some("pc1")));
    assert_eq!((status, a, p, age), (Status::Stale, RecordStatus::Mismatch, RecordStatus::Mismatch, None));
    assert_eq!(
        rem.unwrap(),
        "pc1.corp.example.test resolves to 10.0.16.99 instead of its lease address 10.0.16.21: delete the stale A record and run ipconfig /registerdns on the client (and have the DHCP server discard A and PTR records when leases are deleted); the PTR record of 10.0.16.21 names old.corp.example.test instead of pc1.corp.example.test: delete it and re-register the host"
    );

    let mut w = World::new();
    w.a(FQDN, IP, None).a(FQDN, "10.0.16.99", None).ptr(IP, FQDN, None).ptr(IP, "old.corp.example.test", None);
    let (status, a, p, _, _) = w.audit_one(lease(IP, Some("pc1")));
    assert_eq!((status, a, p), (Status::Stale, RecordStatus::Extra, RecordStatus::Extra));
}

#[test]
fn multi_homed_hosts_are_not_extra() {
    // Two leases (wired and wireless) for the same host, both registered: both ok.
    let mut w = World::new();
    w.a(FQDN, IP, None).a(FQDN, "10.0.16.22", None).ptr(IP, FQDN, None).ptr("10.0.16.22", FQDN, None);
    let r = w.audit_with(vec![lease(IP, Some("pc1")), lease("10.0.16.22", Some("PC1"))], &settings());
    assert_eq!(r.iter().map(|r| (r.0, r.1, r.2)).collect::<Vec<_>>(), vec![(Status::Ok, RecordStatus::Ok, RecordStatus::Ok); 2]);
    // The second lease expired: its address in DNS is now extra for the first.
    let mut second = lease("10.0.16.22", Some("pc1"));
    second.expires = Some(t("2026-11-20T00:00:00Z"));
    let r = w.audit_with(vec![lease(IP, Some("pc1")), second], &settings());
    assert_eq!(r.len(), 1);
    assert_eq!((r[0].0, r[0].1), (Status::Stale, RecordStatus::Extra));
}

#[test]
fn other_family_records_do_not_count() {
    let mut w = World::new();
    w.a(FQDN, IP, None).a(FQDN, "2001:db8::21", None).ptr(IP, FQDN, None);
    let (status, a, _, _, _) = w.audit_one(lease(IP, Some("pc1")));
    assert_eq!((status, a), (Status::Ok, RecordStatus::Ok));
}

#[test]
fn uncovered_names_are_unknown_never_missing() {
    let mut w = World::new();
    w.a(FQDN, "10.0.99.5", None);
    let (status, a, p, _, rem) = w.audit_one(lease("10.0.99.5", Some("pc1")));
    assert_eq!((status, a, p), (Status::Unknown, RecordStatus::Ok, RecordStatus::Unknown));
    assert_eq!(
        rem.unwrap(),
        "No reverse zone holds 10.0.99.5: create 99.0.10.in-addr.arpa (or add its export) so the PTR record of pc1.corp.example.test can be registered and checked"
    );
    let (status, a, _, _, rem) = w.audit_one(lease("10.0.99.6", Some("laptop.elsewhere.test")));
    assert_eq!((status, a), (Status::Unknown, RecordStatus::Unknown));
    assert!(rem.unwrap().starts_with("No DNS data covers laptop.elsewhere.test"));
}

#[test]
fn single_label_names_without_a_domain_are_unknown_not_stale() {
    // No --domain: "pc1" cannot be checked; its correct PTR must not be called stale.
    let mut w = World::new();
    w.a(FQDN, IP, None).ptr(IP, FQDN, None);
    let mut s = settings();
    s.domain = None;
    let r = w.audit_with(vec![lease(IP, Some("pc1"))], &s);
    assert_eq!((r[0].0, r[0].1, r[0].2, r[0].3.clone()), (Status::Unknown, RecordStatus::Unknown, RecordStatus::Unknown, None));
    assert_eq!(r[0].4.as_deref(), Some("pc1 has no DNS suffix: set --domain so its records can be checked"));
}

#[test]
fn missing_outranks_stale_outranks_at_risk_outranks_unknown() {
    use RecordStatus as R;
    assert_eq!(status_of(R::Missing, R::Mismatch, Some(Risk::High)), Status::Missing);
    assert_eq!(status_of(R::Ok, R::Missing, None), Status::Missing);
    assert_eq!(status_of(R::Extra, R::Unknown, Some(Risk::High)), Status::Stale);
    assert_eq!(status_of(R::Ok, R::Unknown, Some(Risk::Medium)), Status::AtRisk);
    assert_eq!(status_of(R::Ok, R::Unknown, Some(Risk::Low)), Status::Unknown);
    assert_eq!(status_of(R::Ok, R::Ok, Some(Risk::Unknown)), Status::Ok);
    assert_eq!(status_of(R::NotApplicable, R::NotApplicable, None), Status::Ok);
}

#[test]
fn leases_without_hostname_are_na_and_expired_leases_are_not_audited() {
    let w = World::new();
    let (status, a, p, _, rem) = w.audit_one(lease(IP, None));
    assert_eq!((status, a, p, rem), (Status::Ok, RecordStatus::NotApplicable, RecordStatus::NotApplicable, None));
    let mut gone = lease(IP, Some("pc1"));
    gone.expires = Some(t(AS_OF));
    let mut free = lease("10.0.16.30", Some("pc2"));
    free.state = LeaseState::Free;
    let mut reserved = lease("10.0.16.31", Some("pc3"));
    reserved.state = LeaseState::Reservation;
    reserved.expires = None;
    let r = w.audit_with(vec![gone, free, reserved], &settings());
    assert_eq!(r.len(), 1);
}

#[test]
fn cname_is_followed() {
    let mut w = World::new();
    w.add(FQDN, RecordData::Cname("real.corp.example.test".into()), None);
    w.a("real.corp.example.test", IP, Some("2026-11-23T12:00:00Z")).ptr(IP, FQDN, None);
    let (status, a, _, _, _) = w.audit_one(lease(IP, Some("pc1")));
    assert_eq!((status, a), (Status::Ok, RecordStatus::Ok));
}

#[test]
fn a_dangling_cname_owns_the_name() {
    let mut w = World::new();
    w.add(FQDN, RecordData::Cname("gone.corp.example.test".into()), None);
    w.ptr(IP, FQDN, None);
    let (status, a, p, _, rem) = w.audit_one(lease(IP, Some("pc1")));
    assert_eq!((status, a, p), (Status::Missing, RecordStatus::Missing, RecordStatus::Ok));
    assert_eq!(
        rem.as_deref(),
        Some("pc1.corp.example.test is a CNAME to gone.corp.example.test, which has no A record: the CNAME owns the name, so the client cannot register its own; remove the CNAME (or repoint it to a name that has 10.0.16.21), then run ipconfig /registerdns on the client")
    );
}

#[test]
fn a_cname_pointing_elsewhere_is_removed_not_an_a_record() {
    let mut w = World::new();
    w.add(FQDN, RecordData::Cname("web1.corp.example.test".into()), None);
    w.a("web1.corp.example.test", "10.0.0.80", None).ptr(IP, FQDN, None);
    let (status, a, _, _, rem) = w.audit_one(lease(IP, Some("pc1")));
    assert_eq!((status, a), (Status::Stale, RecordStatus::Mismatch));
    assert_eq!(
        rem.as_deref(),
        Some("pc1.corp.example.test is a CNAME to web1.corp.example.test, which resolves to 10.0.0.80: the CNAME owns the name, so the client cannot register its own A record for 10.0.16.21; remove the CNAME (or repoint it), then run ipconfig /registerdns on the client")
    );
}

#[test]
fn implausible_timestamps_give_an_unknown_age_not_a_crash() {
    // [AGE:2283864263] (year 262142), a time before 1990, and more than a day after as-of.
    for ts in ["+262142-12-31T23:00:00Z", "1601-01-01T01:00:00Z", "2026-11-25T12:00:01Z"] {
        let mut w = World::new();
        let t = DateTime::parse_from_rfc3339(ts).map(|t| t.with_timezone(&Utc)).ok();
        let t = t.or_else(|| crate::timefmt::from_dns_hours(2_283_864_263));
        w.dns.records.push(DnsRecord { name: FQDN.into(), data: RecordData::Addr(IP.parse().unwrap()), timestamp: t, ttl: None, zone: ZoneId::new(0), owner: None });
        w.ptr(IP, FQDN, None);
        let mut l = lease(IP, Some("pc1"));
        l.duration = Some(TimeDelta::MAX);
        let (status, a, p, age, rem) = w.audit_one(l);
        let age = age.unwrap();
        assert_eq!((status, a, p, rem), (Status::Ok, RecordStatus::Ok, RecordStatus::Ok, None), "{ts}");
        assert_eq!((age.kind, age.risk, age.timestamp, age.scavenge_after), (RecordKind::Unknown, Risk::Unknown, None, None), "{ts}");
    }
    // A day after as-of is still plausible (clock skew between DCs).
    let mut w = World::new();
    w.a(FQDN, IP, Some("2026-11-25T12:00:00Z")).ptr(IP, FQDN, None);
    assert_eq!(w.audit_one(lease(IP, Some("pc1"))).3.unwrap().kind, RecordKind::Dynamic);
}

#[test]
fn a_crafted_copy_does_not_hide_the_real_record() {
    // The same A record from two DCs' exports, one copy with a crafted future timestamp.
    let mut w = World::new();
    w.a(FQDN, IP, Some("2026-11-01T12:00:00Z")).a(FQDN, IP, Some("2999-01-01T00:00:00Z")).ptr(IP, FQDN, None);
    let age = w.audit_one(lease(IP, Some("pc1"))).3.unwrap();
    assert_eq!((age.kind, age.risk, age.timestamp), (RecordKind::Dynamic, Risk::High, Some(t("2026-11-01T12:00:00Z"))));
}

#[test]
fn extreme_settings_and_lease_durations_do_not_overflow() {
    let mut w = World::new();
    w.a(FQDN, IP, Some("2026-11-01T12:00:00Z")).ptr(IP, FQDN, None);
    let mut s = settings();
    s.no_refresh = TimeDelta::MAX;
    s.scavenging_interval = TimeDelta::MAX;
    let mut l = lease(IP, Some("pc1"));
    l.duration = Some(TimeDelta::MAX);
    let rows = w.audit_with(vec![l], &s);
    assert_eq!(rows[0].3.as_ref().map(|a| (a.kind, a.risk)), Some((RecordKind::Unknown, Risk::Unknown)));
    s.no_refresh = TimeDelta::days(7);
    let rows = w.audit_with(vec![lease(IP, Some("pc1"))], &s);
    assert_eq!(rows[0].3.as_ref().map(|a| a.risk), Some(Risk::High));
}

#[test]
fn names_in_a_zone_without_its_apex_are_unknown_never_missing() {
    let mut w = World::new();
    w.dns.apex_seen(ZoneId::new(1), false); // the reverse zone came without its SOA
    w.a(FQDN, IP, None);
    let (status, a, p, _, rem) = w.audit_one(lease(IP, Some("pc1")));
    assert_eq!((status, a, p), (Status::Unknown, RecordStatus::Ok, RecordStatus::Unknown));
    assert_eq!(
        rem.as_deref(),
        Some("No reverse zone holds 10.0.16.21: create 16.0.10.in-addr.arpa (or add its export) so the PTR record of pc1.corp.example.test can be registered and checked")
    );
}

#[test]
fn names_dns_cannot_carry_are_missing_without_a_lookup() {
    let w = World::new();
    // A multi-megabyte name: refused before any lookup, in linear time.
    let huge = "a.".repeat(2_000_000) + "corp.example.test";
    let started = std::time::Instant::now();
    let (status, a, p, _, rem) = w.audit_one(lease(IP, Some(&huge)));
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!((status, a, p), (Status::Missing, RecordStatus::Missing, RecordStatus::Missing));
    let rem = rem.unwrap();
    assert!(rem.starts_with("a.a.a."), "{}", &rem[..40]);
    assert!(rem.ends_with(".corp.example.test has neither an A record nor a PTR record for 10.0.16.21: the name is not a valid DNS name (longer than 253 characters), so it cannot be registered; rename the device"));
    for (name, why) in [
        (format!("{}.corp.example.test", "x".repeat(64)), "a label longer than 63 octets"),
        ("pc..corp.example.test".to_string(), "an empty label"),
        ("pc\u{0}1".to_string(), "a control character"),
        // Shows as `pc1.corp.example.test-gpj` reversed: another host's name on the page.
        ("pc\u{202E}1.corp.example.test".to_string(), "a bidirectional formatting character"),
        ("john's iphone".to_string(), "ASCII characters other than letters, digits, hyphens and underscores"),
    ] {
        let rem = w.audit_one(lease(IP, Some(&name))).4.unwrap();
        assert!(rem.contains(&format!("the name is not a valid DNS name ({why})")), "{rem}");
    }
    // UTF-8 names are valid in Windows DNS (the default name checking is Multibyte UTF-8).
    let mut w = World::new();
    w.a("café-pc.corp.example.test", IP, None).ptr(IP, "café-pc.corp.example.test", None);
    let (status, a, p, _, _) = w.audit_one(lease(IP, Some("Café-PC")));
    assert_eq!((status, a, p), (Status::Ok, RecordStatus::Ok, RecordStatus::Ok));
}

#[test]
fn computer_join_by_dns_host_name_then_name() {
    let c = |name: &str, dns: Option<&str>| Computer {
        name: name.into(),
        domain_controller: None,
        dns_host_name: dns.map(Into::into),
        enabled: Some(true),
        last_logon: None,
        operating_system: None,
        dn: None,
        source: Arc::from("c"),
        line: 1,
    };
    let d = Directory::new(vec![c("PC1", Some(FQDN)), c("PC2", None), c("PC3", Some("pc3.other.test"))]);
    assert_eq!(d.find(FQDN).map(|c| c.name.as_str()), Some("PC1"));
    assert_eq!(d.find("pc2.corp.example.test").map(|c| c.name.as_str()), Some("PC2"));
    assert_eq!(d.find("pc3.corp.example.test"), None);
}

mod live {
    use super::*;
    use crate::dns::answers::{Answer, Failure, LiveAnswers};

    fn run(w: &World, live: &LiveAnswers) -> Vec<Row> {
        let dir = Directory::default();
        let leases = vec![lease(IP, Some("pc1"))];
        let s = settings();
        let evidence = LiveEvidence::new(live, DataEvidence::new(&w.dns, s.as_of));
        Auditor::new(&leases, &dir, &evidence, &s)
            .findings()
            .map(|f| (f.status, f.a_status, f.ptr_status, f.age.clone(), f.remediation.clone()))
            .collect()
    }

    fn answers(a: Answer, ptr: Answer) -> LiveAnswers {
        let mut l = LiveAnswers::default();
        l.a.insert(FQDN.into(), a);
        l.aaaa.insert(FQDN.into(), Answer::NoData);
        l.ptr.insert(IP.parse().unwrap(), ptr);
        l
    }

    fn addr(ip: &str) -> Answer {
        Answer::Records(vec![RecordData::Addr(ip.parse().unwrap())])
    }

    fn ptr(t: &str) -> Answer {
        Answer::Records(vec![RecordData::Ptr(t.into())])
    }

    #[test]
    fn failures_are_unknown_never_missing() {
        let w = World::new();
        let r = run(&w, &answers(Answer::Failed(Failure::Timeout), Answer::Failed(Failure::ServFail)));
        assert_eq!((r[0].0, r[0].1, r[0].2), (Status::Unknown, RecordStatus::Unknown, RecordStatus::Unknown));
        assert_eq!(
            r[0].4.as_deref(),
            Some("The DNS lookups for pc1.corp.example.test failed after retries (A lookup: timeout, PTR lookup: SERVFAIL): not a verdict on the records; check the DNS server's load or rate limiting and run the audit again")
        );
    }

    #[test]
    fn nxdomain_and_nodata_are_missing() {
        let w = World::new();
        let r = run(&w, &answers(Answer::NxDomain, Answer::NoData));
        assert_eq!((r[0].0, r[0].1, r[0].2), (Status::Missing, RecordStatus::Missing, RecordStatus::Missing));
    }

    #[test]
    fn live_answers_decide_status_and_data_gives_the_age() {
        // The data holds a frozen A record; DNS serves it; the PTR is served but not in the data.
        let mut w = World::new();
        w.a(FQDN, IP, Some("2026-11-01T12:00:00Z"));
        let r = run(&w, &answers(addr(IP), ptr(FQDN)));
        let age = r[0].3.clone().unwrap();
        assert_eq!((r[0].0, r[0].1, r[0].2), (Status::AtRisk, RecordStatus::Ok, RecordStatus::Ok));
        assert_eq!((age.kind, age.risk, age.is_ptr), (RecordKind::Dynamic, Risk::High, false));
    }

    #[test]
    fn without_timestamp_data_kind_and_risk_are_unknown() {
        let w = World::new();
        let r = run(&w, &answers(addr(IP), ptr(FQDN)));
        let age = r[0].3.clone().unwrap();
        assert_eq!((r[0].0, age.kind, age.risk), (Status::Ok, RecordKind::Unknown, Risk::Unknown));
    }

    #[test]
    fn a_record_in_the_data_but_not_served_is_missing() {
        let mut w = World::new();
        w.a(FQDN, IP, Some("2026-11-23T12:00:00Z")).ptr(IP, FQDN, None);
        let r = run(&w, &answers(Answer::NxDomain, ptr(FQDN)));
        assert_eq!((r[0].0, r[0].1), (Status::Missing, RecordStatus::Missing));
        assert_eq!(r[0].3.as_ref().map(|a| a.kind), Some(RecordKind::Static), "only the served PTR has an age");
    }

    #[test]
    fn disagreement_is_noted() {
        let w = World::new();
        let mut l = answers(addr(IP), ptr(FQDN));
        l.disagreements.insert(FQDN.into(), "10.0.0.1: 10.0.16.21; 10.0.0.2: NXDOMAIN".into());
        let r = run(&w, &l);
        assert_eq!(
            r[0].4.as_deref(),
            Some("dns_disagreement: the DNS servers answer differently for pc1.corp.example.test (10.0.0.1: 10.0.16.21; 10.0.0.2: NXDOMAIN): check replication or a stale DC")
        );
    }
}

#[test]
fn questions_are_the_audited_leases_names_and_addresses_once_each() {
    let mut expired = lease("10.0.16.30", Some("old"));
    expired.expires = Some(t("2026-11-01T00:00:00Z"));
    let leases = vec![
        lease("10.0.16.22", Some("PC2")),
        lease("10.0.16.21", Some("pc1")),
        lease("10.0.16.21", Some("pc1.corp.example.test.")),
        lease("10.0.16.23", Some("john's iphone")),
        lease("10.0.16.24", None),
        expired,
    ];
    // In the audit's order (by address), so that findings follow the answers as they arrive.
    let asks: Vec<String> = questions(&leases, &AuditOrder::new(&leases, settings().as_of), &settings())
        .into_iter()
        .map(|a| match a {
            Ask::Name(n) => n.to_string(),
            Ask::Address(ip) => ip.to_string(),
        })
        .collect();
    assert_eq!(asks, ["pc1.corp.example.test", "10.0.16.21", "pc1.corp.example.test", "pc2.corp.example.test", "10.0.16.22", "10.0.16.23", "10.0.16.24"]);
}

/// The cause columns and remediation of one finding over `w`, with the record of `FQDN` owned
/// by `owner`, the zone's policy `policy` and the DHCP setting `dhcp`.
fn causes(owner: Option<&str>, policy: Option<DynamicUpdates>, dhcp: Option<DhcpDnsSetting>, ts: &str) -> [String; 5] {
    let row = causes_row(owner, policy, dhcp, ts, "2026-11-23T12:00:00Z");
    [row[22].clone(), row[23].clone(), row[24].clone(), row[25].clone(), row[20].clone()]
}

/// The whole report row of that finding, the PTR refreshed at `ptr_ts`.
fn causes_row(owner: Option<&str>, policy: Option<DynamicUpdates>, dhcp: Option<DhcpDnsSetting>, ts: &str, ptr_ts: &str) -> Vec<String> {
    let mut w = World::new();
    w.a(FQDN, IP, Some(ts)).ptr(IP, FQDN, Some(ptr_ts));
    let owner = owner.and_then(RecordOwner::from_name).map(Arc::new);
    if let Some(r) = w.dns.records.first_mut() {
        r.owner = owner;
    }
    if let Some(z) = w.dns.zones.first_mut() {
        z.dynamic_updates = policy;
    }
    let mut settings_table = DhcpDnsSettings::default();
    if let Some(d) = dhcp {
        settings_table.add(None, Level::Server, d);
    }
    let mut s = settings();
    s.dhcp_accounts = vec![DhcpAccount::parse("CORP\\svc-dhcpdns").unwrap()];
    let leases = vec![lease(IP, Some("pc1"))];
    let dir = Directory::default();
    let evidence = DataEvidence::new(&w.dns, s.as_of).with_dhcp_settings(&settings_table);
    let f = Auditor::new(&leases, &dir, &evidence, &s).findings().next().unwrap();
    crate::report::texts(&crate::report::Row::Audit(f, crate::report::Judged::default()))
}

/// A record refreshed two days ago (fine by its timestamp) whose updater can no longer refresh
/// it is at risk now (docs/report.md "Scavenging risk": cannot be refreshed), and the remediation names
/// the cause, not the client. scavenge_after 2026-12-06T12:00:00Z > as_of + 7d: medium.
#[test]
fn a_fresh_record_whose_updater_stopped_is_at_risk_with_its_cause() {
    const FRESH: &str = "2026-11-22T12:00:00Z";
    let lead = "pc1.corp.example.test's A record was last refreshed 2026-11-22T12:00:00Z but cannot be refreshed again, so it will be scavengeable after 2026-12-06T12:00:00Z although the lease is held: ";
    let verdict = |owner: Option<&str>, policy, dhcp| {
        let row = causes_row(owner, policy, dhcp, FRESH, FRESH);
        [row[0].clone(), row[15].clone(), row[20].clone()]
    };
    let secure = Some(DynamicUpdates::Secure);
    assert_eq!(
        verdict(None, Some(DynamicUpdates::None), None),
        ["at-risk".to_string(), "medium".into(), format!("{lead}its zone accepts no dynamic updates, so nothing can refresh its records; allow secure dynamic updates on the zone (DNS Manager, the zone's Properties, General, Dynamic updates: Secure only; or Set-DnsServerPrimaryZone -DynamicUpdate Secure), or make the record static")]
    );
    for (setting, token, place) in [
        (DhcpDnsSetting { updates: Some(Updates::Never), ..Default::default() }, "updates=never", "the DHCP server's DNS tab (IPv4/IPv6, scope or reservation Properties > DNS: \"Enable DNS dynamic updates\"; Set-DhcpServerv4DnsSetting -DynamicUpdates)"),
        (DhcpDnsSetting { send_updates: Some(false), ..Default::default() }, "send-updates=false", "Kea's ddns-send-updates (global, shared network or subnet; set it to true)"),
        (DhcpDnsSetting { send_updates: Some(true), update_on_renew: Some(false), ..Default::default() }, "update-on-renew=false", "Kea's ddns-update-on-renew (global, shared network or subnet; set it to true so that renewals refresh the records)"),
    ] {
        assert_eq!(
            verdict(Some("CORP\\svc-dhcpdns"), secure, Some(setting)),
            ["at-risk".to_string(), "medium".into(), format!("{lead}the record is owned by CORP\\svc-dhcpdns, the DHCP server's account that registers it, and the DHCP server now has {token} for this lease, so it will not refresh the record (and the client's own update cannot take it over); change it in {place}, then renew the lease (ipconfig /release then ipconfig /renew)")]
        );
    }
    for (owner, kind) in [("CORP\\PC7$", "other-computer"), ("CORP\\jdoe", "user"), ("CORP\\Domain Admins", "admin")] {
        assert_eq!(
            verdict(Some(owner), secure, None),
            ["at-risk".to_string(), "medium".into(), format!("{lead}the record is owned by {owner} ({kind}) in a secure zone, so the host's own secure update is refused and nothing refreshes it; delete the record so that the host registers it again under its own account (ipconfig /registerdns), or make it static if it was created by hand on purpose")]
        );
    }
    // ptr=off stops only the server's PTR updates: the A record is still refreshed.
    let ptr_off = DhcpDnsSetting { updates: Some(Updates::Always), ptr: Some(false), ..Default::default() };
    assert_eq!(verdict(Some("CORP\\svc-dhcpdns"), secure, Some(ptr_off))[..2], ["ok", "low"]);
    // Unknown owner, policy or setting, the client's own record, or a nonsecure zone: the rule
    // does not apply, and the record is refreshed normally.
    let never = DhcpDnsSetting { updates: Some(Updates::Never), ..Default::default() };
    for (owner, policy, dhcp) in [
        (None, secure, Some(never)),
        (Some("CORP\\PC1$"), secure, Some(never)),
        (Some("CORP\\svc-dhcpdns"), secure, None),
        (Some("CORP\\PC7$"), None, None),
        (Some("CORP\\PC7$"), Some(DynamicUpdates::Nonsecure), None),
    ] {
        assert_eq!(verdict(owner, policy, dhcp)[..2], ["ok", "low"], "{owner:?} {policy:?} {dhcp:?}");
    }
    // Within the scavenging interval of its date: high.
    let mut w = World::new();
    w.a(FQDN, IP, Some("2026-11-17T12:00:00Z")).ptr(IP, FQDN, Some("2026-11-17T12:00:00Z"));
    w.dns.zones[0].dynamic_updates = Some(DynamicUpdates::None);
    let (status, _, _, age, rem) = w.audit_one(lease(IP, Some("pc1")));
    let age = age.unwrap();
    assert_eq!((status, age.risk, age.refresh, age.blocker), (Status::AtRisk, Risk::High, Some(RefreshState::CannotRefresh), Some(Blocker::ZoneNoUpdates)));
    assert!(rem.unwrap().starts_with("pc1.corp.example.test's A record was last refreshed 2026-11-17T12:00:00Z but cannot be refreshed again, so it becomes scavengeable after 2026-12-01T12:00:00Z although the lease is held: its zone accepts"));
}

/// A PTR in a reverse zone without dynamic updates decides the row when the A record is fine.
#[test]
fn a_ptr_that_cannot_be_refreshed_decides_the_row() {
    let mut w = World::new();
    w.a(FQDN, IP, Some("2026-11-22T12:00:00Z")).ptr(IP, FQDN, Some("2026-11-22T12:00:00Z"));
    w.dns.zones[1].dynamic_updates = Some(DynamicUpdates::None);
    let (status, _, _, age, rem) = w.audit_one(lease(IP, Some("pc1")));
    let age = age.unwrap();
    assert_eq!((status, age.risk, age.is_ptr), (Status::AtRisk, Risk::Medium, true));
    assert_eq!(rem.unwrap(), "pc1.corp.example.test's PTR record was last refreshed 2026-11-22T12:00:00Z but cannot be refreshed again, so it will be scavengeable after 2026-12-06T12:00:00Z although the lease is held: its reverse zone accepts no dynamic updates, so nothing can refresh its records; allow secure dynamic updates on the zone (DNS Manager, the zone's Properties, General, Dynamic updates: Secure only; or Set-DnsServerPrimaryZone -DynamicUpdate Secure), or make the record static");
}

const FROZEN: &str = "2026-11-01T12:00:00Z";

#[test]
fn cause_columns_are_filled_from_the_data() {
    let never = DhcpDnsSetting { updates: Some(Updates::Never), ptr: Some(true), ..Default::default() };
    let [owner, kind, zone, dhcp, _] = causes(Some("CORP\\PC1$"), Some(DynamicUpdates::Secure), Some(never), "2026-11-23T12:00:00Z");
    assert_eq!([owner.as_str(), &kind, &zone, &dhcp], ["CORP\\PC1$", "self", "secure", "updates=never;ptr=on"]);
    let [owner, kind, zone, dhcp, rem] = causes(None, None, None, "2026-11-23T12:00:00Z");
    assert_eq!([owner, kind, zone, dhcp, rem], ["", "", "", "", ""].map(String::from));
    assert_eq!(causes(Some("CORP\\svc-dhcpdns"), None, None, FROZEN)[1], "dhcp-server");
    assert_eq!(causes(Some("CORP\\PC7$"), None, None, FROZEN)[1], "other-computer");
    assert_eq!(causes(Some("CORP\\Domain Admins"), None, None, FROZEN)[1], "admin");
    assert_eq!(causes(Some("CORP\\jdoe"), None, None, FROZEN)[1], "user");
}

#[test]
fn remediation_names_the_cause_when_known() {
    let at_risk = "pc1.corp.example.test's A record was last refreshed 2026-11-01T12:00:00Z and is already past its scavenging date (2026-11-15T12:00:00Z) although the lease is held: ";
    let never = DhcpDnsSetting { updates: Some(Updates::Never), ..Default::default() };
    assert_eq!(causes(None, None, Some(never), FROZEN)[4], format!("{at_risk}the DHCP server now has updates=never for this lease, so it no longer registers or refreshes the record while the client still relies on it (Option 81); change it in the DHCP server's DNS tab (IPv4/IPv6, scope or reservation Properties > DNS: \"Enable DNS dynamic updates\"; Set-DhcpServerv4DnsSetting -DynamicUpdates), then renew the lease (ipconfig /release then ipconfig /renew)"));
    let kea = DhcpDnsSetting { send_updates: Some(true), update_on_renew: Some(false), ..Default::default() };
    assert!(causes(None, None, Some(kea), FROZEN)[4].contains("the DHCP server now has update-on-renew=false for this lease"));
    assert_eq!(causes(None, Some(DynamicUpdates::None), Some(never), FROZEN)[4], format!("{at_risk}its zone accepts no dynamic updates (zone_dynamic_updates=none), so nothing can register or refresh its records; allow secure dynamic updates on the zone (DNS Manager, the zone's Properties, General, Dynamic updates: Secure only; or Set-DnsServerPrimaryZone -DynamicUpdate Secure), or make the record static"));
    assert_eq!(causes(Some("CORP\\PC7$"), Some(DynamicUpdates::Secure), None, FROZEN)[4], format!("{at_risk}the record is owned by CORP\\PC7$ (other-computer), so the client's secure update cannot change it; delete the record so that the host registers it again under its own account (ipconfig /registerdns)"));
    assert!(causes(Some("CORP\\jdoe"), None, None, FROZEN)[4].contains("the record is owned by CORP\\jdoe (user), so the client's secure update"));
    assert_eq!(causes(Some("CORP\\svc-dhcpdns"), None, None, FROZEN)[4], format!("{at_risk}the record is owned by CORP\\svc-dhcpdns, a DHCP server's account, so neither the client nor another DHCP server can refresh it (a migration or failover change); add the DHCP servers to DnsUpdateProxy and give them dedicated DNS credentials (Set-DhcpServerDnsCredential), then delete the record so it is registered again"));
    // In a nonsecure zone the owner blocks nothing; the client's own record, an admin's, or
    // no cause data: today's inference.
    for (owner, policy) in [(Some("CORP\\PC7$"), Some(DynamicUpdates::Nonsecure)), (Some("CORP\\PC1$"), None), (Some("CORP\\Administrator"), None), (None, None)] {
        let rem = &causes(owner, policy, None, FROZEN)[4];
        assert!(rem.starts_with(&format!("{at_risk}the client probably relies on a cached Option 81")), "{owner:?}: {rem}");
    }
}

#[test]
fn missing_record_names_the_frozen_dhcp_setting() {
    let mut w = World::new();
    w.ptr(IP, FQDN, Some("2026-11-23T12:00:00Z"));
    let mut table = DhcpDnsSettings::default();
    table.add(None, Level::Scope("10.0.16.0".into()), DhcpDnsSetting { updates: Some(Updates::Never), ..Default::default() });
    let s = settings();
    let mut l = lease(IP, Some("pc1"));
    l.origin = LeaseOrigin::new(l.source(), l.scope(), Some(crate::leases::DnsRegistration::Windows("Complete".into())), None);
    let leases = vec![l];
    let dir = Directory::default();
    let evidence = DataEvidence::new(&w.dns, s.as_of).with_dhcp_settings(&table);
    let f = Auditor::new(&leases, &dir, &evidence, &s).findings().next().unwrap();
    assert_eq!(f.remediation.as_deref(), Some("pc1.corp.example.test has no A record for 10.0.16.21: the DHCP server now has updates=never for this lease, so it no longer registers or refreshes the record while the client still relies on it (Option 81); change it in the DHCP server's DNS tab (IPv4/IPv6, scope or reservation Properties > DNS: \"Enable DNS dynamic updates\"; Set-DhcpServerv4DnsSetting -DynamicUpdates), then renew the lease (ipconfig /release then ipconfig /renew)"));
}

/// Audited in chunks on two threads: every lease once, in address order, each with its own
/// verdict (every third host has its A record, the others are missing).
#[test]
fn chunks_audited_in_parallel_keep_address_order() {
    let mut w = World::new();
    let mut leases = Vec::new();
    for i in (0..20_000u32).rev() {
        let ip = format!("10.0.{}.{}", i / 250, i % 250 + 1);
        if i % 3 == 0 {
            w.a(&format!("pc{i}.corp.example.test"), &ip, None);
        }
        leases.push(lease(&ip, Some(&format!("pc{i}"))));
    }
    let (dir, s) = (Directory::default(), settings());
    let evidence = DataEvidence::new(&w.dns, s.as_of);
    let got: Vec<(IpAddr, RecordStatus)> = Auditor::new(&leases, &dir, &evidence, &s).findings().map(|f| (f.lease.ip, f.a_status)).collect();
    let want: Vec<(IpAddr, RecordStatus)> = (0..20_000u32)
        .map(|i| (format!("10.0.{}.{}", i / 250, i % 250 + 1).parse().unwrap(), if i % 3 == 0 { RecordStatus::Ok } else { RecordStatus::Missing }))
        .collect();
    assert_eq!(got, want);
}
