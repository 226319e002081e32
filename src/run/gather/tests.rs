//! The gathering through the AD and Kea fixtures: what it gathers, in which order, and which
//! error wins, without a server.

use std::sync::Arc;

use serde_json::{Value, json};

use super::*;
use crate::directory::ldap::fixture::Ad;
use crate::directory::ldap::{AdData, LdapError};
use crate::input::{Problems, SkipReason};
use crate::leases::kea_api::fixture::{Agent, Served};
use crate::settings::AuditArgs;

const DC: &str = "ldaps://dc1.corp.example.test:636";
const KEA: &str = "http://kea1.corp.example.test:8000/";

/// What the DC holds: two computers (one a bad row), the zone with pc1's A record, a zone it
/// could not read, the domain.
pub(crate) fn ad() -> AdData {
    let source: Arc<str> = Arc::from(DC);
    let mut ad = AdData { domain: Some("corp.example.test".into()), ..AdData::default() };
    let computers = "Name,DNSHostName,Enabled,LastLogonTimestamp,OperatingSystem\nPC1,pc1.corp.example.test,True,,\nPC9,pc9.corp.example.test,Maybe,,\n";
    directory::csv::parse(computers, &source, &Default::default(), &mut ad.computers, &mut ad.problems).unwrap();
    let zone = "$ORIGIN corp.example.test.\n@ 3600 SOA dc1 hostmaster 1 900 600 86400 3600\npc1 [AGE:3733236] 1200 A 10.0.16.21\n";
    dns::zone_file::parse(zone, &source, None, &mut ad.dns, &mut ad.problems).unwrap();
    ad.problems.push(&source, 0, SkipReason::AccessDenied, "zone restricted.example.test: insufficient access");
    ad
}

/// A Kea v4 lease as `lease4-get-page` gives it.
fn kea_lease(ip: &str, host: &str, subnet: u32) -> Value {
    json!({"ip-address": ip, "hw-address": "02:00:00:00:00:99", "hostname": host, "valid-lft": 3600, "cltt": 4_102_440_000_u64, "subnet-id": subnet, "state": 0, "fqdn-fwd": true, "fqdn-rev": true})
}

/// The agent at [`KEA`]: two good leases and one without an address (three read), no dhcp6 socket, a
/// subnet that sends no DNS updates.
pub(crate) fn agent() -> Agent {
    let v4 = vec![kea_lease("10.0.17.2", "kea2", 1), kea_lease("10.0.17.1", "kea1", 1), json!({"hostname": "noaddr", "valid-lft": 3600, "cltt": 1})];
    let config4 = json!({"dhcp-ddns": {"enable-updates": true}, "subnet4": [{"id": 1, "subnet": "10.0.17.0/24", "ddns-send-updates": false}]});
    let served = Served { v4: Some(v4), config4, ..Served::default() };
    Agent { endpoints: [(KEA.to_string(), served)].into(), ..Agent::default() }
}

/// The arguments of a run reading a dnsmasq lease file, the DC and [`KEA`], in `dir`.
pub(crate) fn args(dir: &std::path::Path, domain: Option<&str>) -> AuditArgs {
    let leases = dir.join("dnsmasq.leases");
    std::fs::write(&leases, "4102444800 02:00:00:00:00:01 10.0.16.21 pc1 *\n4102444800 02:00:00:00:00:02 bogus bad *\n").unwrap();
    let password = dir.join("pw");
    std::fs::write(&password, "s3cret\n").unwrap();
    AuditArgs {
        leases: vec![leases],
        ldap_url: Some("ldaps://dc1.corp.example.test".into()),
        bind_dn: Some("CN=audit,CN=Users,DC=corp,DC=example,DC=test".into()),
        password_file: Some(password),
        kea_url: vec![KEA.into()],
        domain: domain.map(str::to_string),
        as_of: Some("2026-11-24T12:00:00Z".into()),
        ..AuditArgs::default()
    }
}

fn settings(dir: &std::path::Path, domain: Option<&str>) -> Settings {
    args(dir, domain).into_settings(Utc::now()).unwrap()
}

pub(crate) fn servers(ad: Result<AdData, LdapError>, agent: Agent) -> Servers {
    Servers { ad: Arc::new(Ad::new(ad)), kea: Arc::new(agent) }
}

/// (source, line, reason, detail) of each problem, in order.
fn problems(p: &Problems) -> Vec<(&str, usize, SkipReason, &str)> {
    p.list.iter().map(|p| (&*p.source, p.line, p.reason, p.detail.as_str())).collect()
}

#[test]
fn ad_kea_and_a_file_gathered_in_the_reading_order() {
    let dir = tempfile::tempdir().unwrap();
    let settings = settings(dir.path(), None);
    let agent = agent();
    let mut early = None;
    let g = gather(&settings, &servers(Ok(ad()), agent.clone()), &mut |l, domain| early = Some((l.len(), domain.map(str::to_string)))).unwrap();
    // The file's leases, then Kea's in address order (Kea pages by address).
    let leases: Vec<(String, Option<&str>, &str)> = g.leases.iter().map(|l| (l.ip.to_string(), l.hostname.as_deref(), &**l.source())).collect();
    let file = settings.leases[0].display().to_string();
    assert_eq!(leases, [("10.0.16.21".into(), Some("pc1"), file.as_str()), ("10.0.17.1".into(), Some("kea1"), KEA), ("10.0.17.2".into(), Some("kea2"), KEA)]);
    assert_eq!(early, Some((3, Some("corp.example.test".to_string()))));
    // AD's problems first, then the leases' (the file's, then Kea's).
    assert_eq!(
        problems(&g.problems),
        [
            (DC, 3, SkipReason::Malformed, "PC9: Enabled 'Maybe' is not True or False"),
            (DC, 0, SkipReason::AccessDenied, "zone restricted.example.test: insufficient access"),
            (file.as_str(), 2, SkipReason::BadAddress, "'bogus' is not an IP address"),
            (KEA, 0, SkipReason::MissingField, "lease4-get-page: a lease without \"ip-address\": {\"cltt\":1,\"hostname\":\"noaddr\",\"valid-lft\":3600}"),
        ]
    );
    let computers: Vec<&str> = g.directory.computers.iter().map(|c| &*c.name).collect();
    assert_eq!(computers, ["PC1"]);
    assert_eq!((g.dns.zones.len(), g.dns.records.len()), (1, 1));
    assert_eq!(g.audit.domain.as_deref(), Some("corp.example.test"));
    assert_eq!(g.kea.render(), format!("ddns-audit: kea: {KEA}: 3 v4 lease(s); no dhcp6 (the control agent has no dhcp6 socket)\n"));
    assert_eq!(g.notes, [format!("kea: {KEA}: config-get: DNS settings of 1 v4 and 0 v6 subnet(s); no dhcp6 (the control agent has no dhcp6 socket)")]);
    let kea1 = &g.leases[1];
    assert_eq!(g.dhcp_settings.effective(kea1).map(|s| s.render()).as_deref(), Some("send-updates=false;override-client-update=false;override-no-update=false;update-on-renew=false"));
    // One control for both Kea sources (the trust roots loaded once); each family's lease
    // pages and its config-get, once each.
    assert_eq!(agent.connects.load(std::sync::atomic::Ordering::Relaxed), 1);
    let sent = agent.sent.lock().unwrap().clone();
    let commands = |c: &str| sent.iter().filter(|(_, cmd, _)| cmd == c).map(|(_, _, svc)| svc.as_str()).collect::<Vec<_>>();
    assert_eq!((commands("lease4-get-page"), commands("lease6-get-page"), commands("config-get")), (vec!["dhcp4"], vec!["dhcp6"], vec!["dhcp4", "dhcp6"]));
}

#[test]
fn the_domain_given_wins_over_ads() {
    let dir = tempfile::tempdir().unwrap();
    let settings = settings(dir.path(), Some("other.example.test"));
    let mut early = None;
    let g = gather(&settings, &servers(Ok(ad()), agent()), &mut |_, domain| early = Some(settings.audit_with_ad(domain, &[]).domain)).unwrap();
    assert_eq!(early, Some(Some("other.example.test".to_string())));
    assert_eq!(g.audit.domain.as_deref(), Some("other.example.test"));
}

#[test]
fn of_two_failing_servers_ads_error_wins() {
    let dir = tempfile::tempdir().unwrap();
    let settings = settings(dir.path(), None);
    let refused = || LdapError::InvalidCredentials { bind_dn: "CN=audit".into(), addr: "dc1.corp.example.test:636".into(), diag: String::new() };
    // Kea unreachable (no endpoint in the agent) and AD refusing the bind: AD's, read first.
    let e = gather(&settings, &servers(Err(refused()), Agent::default()), &mut |_, _| {}).err().map(|e| e.to_string());
    assert_eq!(e.as_deref(), Some("bind as 'CN=audit' rejected by dc1.corp.example.test:636: wrong user name or password, or the account is locked or disabled (invalidCredentials, 49)"));
    // AD well, Kea unreachable: Kea's.
    let e = gather(&settings, &servers(Ok(ad()), Agent::default()), &mut |_, _| {}).err().map(|e| e.to_string());
    assert_eq!(e.as_deref(), Some(format!("{KEA}: cannot reach the Kea control endpoint at kea1.corp.example.test:8000: Connection refused (os error 111)").as_str()));
}

#[test]
fn dns_exports_join_ads_zones() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("corp.csv");
    std::fs::write(&export, "ZoneName,HostName,RecordType,Timestamp,TimeToLive,RecordData\ncorp.example.test,@,SOA,0,3600,x\ncorp.example.test,pc2,A,0,1200,10.0.16.22\nother.test,@,SOA,0,3600,x\n").unwrap();
    let settings = AuditArgs { dns_records: vec![export], ..args(dir.path(), None) }.into_settings(Utc::now()).unwrap();
    let g = gather(&settings, &servers(Ok(ad()), agent()), &mut |_, _| {}).unwrap();
    // AD's zone and the export's are one zone, AD's (its source, its record first); then the
    // export's own zone.
    let zones: Vec<(&str, &str)> = g.dns.zones.iter().map(|z| (z.name.as_str(), &*z.source)).collect();
    let export = settings.dns_records[0].display().to_string();
    assert_eq!(zones, [("corp.example.test", DC), ("other.test", export.as_str())]);
    let records: Vec<(&str, usize)> = g.dns.records.iter().filter(|r| r.name.starts_with("pc")).map(|r| (r.name.as_str(), r.zone.index())).collect();
    assert_eq!(records, [("pc1.corp.example.test", 0), ("pc2.corp.example.test", 0)]);
}

/// Whose error is said when several sources fail: the first in the table (the order of a
/// one-after-another read), whichever thread failed first.
#[test]
fn of_failing_files_the_first_in_the_table_wins() {
    let dir = tempfile::tempdir().unwrap();
    let (leases, export) = (dir.path().join("bad.leases"), dir.path().join("bad.dns"));
    std::fs::write(&leases, "not a lease file\n").unwrap();
    std::fs::write(&export, "not a zone export\n").unwrap();
    let base = || AuditArgs { ldap_url: None, bind_dn: None, kea_url: Vec::new(), dns_records: vec![export.clone()], ..args(dir.path(), None) };
    let export_error = gather(&base().into_settings(Utc::now()).unwrap(), &servers(Ok(ad()), agent()), &mut |_, _| {}).err().map(|e| e.to_string()).unwrap();
    // The export alone fails with its own message; with a broken lease file too (read before
    // the exports), the lease file's.
    assert!(export_error.contains("bad.dns"), "{export_error}");
    let both = AuditArgs { leases: vec![leases.clone()], ..base() }.into_settings(Utc::now()).unwrap();
    for _ in 0..5 {
        let e = gather(&both, &servers(Ok(ad()), agent()), &mut |_, _| {}).err().map(|e| e.to_string()).unwrap();
        assert!(e.contains("bad.leases") && !e.contains("bad.dns"), "{e}");
    }
}
