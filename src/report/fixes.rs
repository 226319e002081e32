//! The fix list (docs/report.md "Fix list"): every finding that is not `ok`, grouped by its
//! cause (the audit's [`Cause`], decided with the remediation), each group with its hosts by
//! status and one action, in the order an administrator works through them. Pure: counted as
//! the findings stream past ([`FixTally::add`], from the summary's count), sorted at the end
//! ([`FixTally::list`]); every output (the stderr summary, the HTML page, a spreadsheet)
//! renders the same [`FixGroup`]s.

use std::collections::HashMap;
use std::net::IpAddr;

use crate::leases::{DnsRegistration, Lease};
use crate::audit::{Cause, Finding, Risk, Status};
use crate::leases::dns_settings::ServerStop;

/// How many hosts a group keeps by name (the first in address order); its counts cover all.
pub(crate) const HOSTS_KEPT: usize = 1000;

/// One host of a group, as the fix list names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FixHost {
    /// The fqdn (the host name when it has none).
    pub(crate) name: String,
    pub(crate) ip: IpAddr,
    pub(crate) status: Status,
}

/// One group of the fix list: the findings with the same cause on the same thing (a DHCP
/// server's scope, a zone, an owner account...), and what to do about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FixGroup {
    /// The audit's cause, shared by every host of the group.
    pub(crate) cause: Cause,
    /// Names the cause and what it is on: `scope 10.0.16.0 on dhcp1: DNS dynamic updates set
    /// to Never (updates=never)`.
    pub(crate) title: String,
    /// Hosts by status (`missing`, `stale`, `at-risk`, `unknown`; never `ok`).
    pub(crate) missing: usize,
    pub(crate) stale: usize,
    pub(crate) at_risk: usize,
    pub(crate) unknown: usize,
    /// Of the `at-risk` hosts, those at risk `high`.
    pub(crate) at_risk_high: usize,
    /// The first [`HOSTS_KEPT`] hosts, in address order.
    pub(crate) hosts: Vec<FixHost>,
    /// The one action: a command to run or the setting to change, where the tool knows it.
    pub(crate) action: String,
}

impl FixGroup {
    /// Every host of the group.
    pub(crate) fn total(&self) -> usize {
        self.missing + self.stale + self.at_risk + self.unknown
    }

    /// The hosts at risk, the list's first order: `missing` plus `at-risk` high (a record
    /// gone, or about to be scavenged while its lease is held).
    pub(crate) fn hosts_at_risk(&self) -> usize {
        self.missing + self.at_risk_high
    }

    /// `14 hosts: missing 3, at-risk 11 (9 high)`: the counts that are not zero.
    pub(crate) fn counts_text(&self) -> String {
        let mut parts = Vec::new();
        for (word, n) in [("missing", self.missing), ("stale", self.stale), ("at-risk", self.at_risk), ("unknown", self.unknown)] {
            if n > 0 {
                let high = if word == "at-risk" && self.at_risk_high > 0 { format!(" ({} high)", self.at_risk_high) } else { String::new() };
                parts.push(format!("{word} {n}{high}"));
            }
        }
        format!("{}: {}", super::summary::count(self.total(), "host", "hosts"), parts.join(", "))
    }
}

/// What a group is on, besides its cause: the lease's DHCP server and scope, a zone, an
/// owner account, a reverse zone, a domain; empty where the cause is one group.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    cause: Cause,
    on: Vec<String>,
    dhcp: Dhcp,
}

/// Which DHCP server's setting an action changes: Windows (PowerShell), Kea (its config), or
/// another (ISC dhcpd, dnsmasq: said in words). For causes not about the DHCP server, `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Dhcp {
    Windows,
    Kea,
    Other,
}

impl Dhcp {
    /// The lease's server: Windows exports carry its `DnsRegistration` text; Kea gives a subnet
    /// id (a number) for a scope.
    fn of(f: &Finding<'_>, cause: Cause) -> Dhcp {
        let about_dhcp = matches!(cause, Cause::DhcpSetting(_) | Cause::CachedOption81 | Cause::NoPtrRegistration | Cause::StaleRecords | Cause::Pending);
        match (&f.lease.origin.dns_registration, f.lease.scope()) {
            _ if !about_dhcp => Dhcp::Other,
            (Some(DnsRegistration::Windows(_)), _) => Dhcp::Windows,
            (_, Some(id)) if Lease::is_kea_subnet(id) => Dhcp::Kea,
            _ => Dhcp::Other,
        }
    }
}

/// The groups as the findings stream past.
#[derive(Debug, Default)]
pub(crate) struct FixTally {
    groups: HashMap<Key, FixGroup>,
}

impl FixTally {
    /// Counts one finding (every finding, written or not: as the summary counts them).
    pub(crate) fn add(&mut self, f: &Finding<'_>) {
        let Some(cause) = f.cause else { return };
        if f.status == Status::Ok {
            return;
        }
        // Values from the inputs reach the terminal in the title and the action: made safe once.
        let on: Vec<String> = subject(f, cause).iter().map(|s| safe(s)).collect();
        let dhcp = Dhcp::of(f, cause);
        let group = self.groups.entry(Key { cause, on, dhcp }).or_insert_with_key(|k| FixGroup {
            cause,
            title: title(cause, &k.on),
            missing: 0,
            stale: 0,
            at_risk: 0,
            unknown: 0,
            at_risk_high: 0,
            hosts: Vec::new(),
            action: action(cause, &k.on, k.dhcp, f.lease.ip),
        });
        match f.status {
            Status::Missing => group.missing += 1,
            Status::Stale => group.stale += 1,
            Status::AtRisk => {
                group.at_risk += 1;
                if f.age.as_ref().is_some_and(|a| a.risk == Risk::High) {
                    group.at_risk_high += 1;
                }
            }
            Status::Unknown => group.unknown += 1,
            Status::Ok => {}
        }
        if group.hosts.len() < HOSTS_KEPT {
            let name = f.fqdn.clone().or_else(|| f.lease.hostname.as_deref().map(str::to_string)).unwrap_or_default();
            group.hosts.push(FixHost { name, ip: f.lease.ip, status: f.status });
        }
    }

    /// The groups in the fix list's order: most hosts at risk ([`FixGroup::hosts_at_risk`])
    /// first, then most hosts, then by title (each title is unique: deterministic).
    pub(crate) fn list(&self) -> Vec<FixGroup> {
        let mut list: Vec<FixGroup> = self.groups.values().cloned().collect();
        list.sort_by(|a, b| b.hosts_at_risk().cmp(&a.hosts_at_risk()).then_with(|| b.total().cmp(&a.total())).then_with(|| a.title.cmp(&b.title)));
        list
    }
}

/// What the group is on, for this finding's cause.
fn subject(f: &Finding<'_>, cause: Cause) -> Vec<String> {
    let l = f.lease;
    // An export that does not name its server: a placeholder the admin fills in, naming the file.
    let server = || match (l.server_name(), l.server()) {
        (Some(s), _) => s.to_string(),
        (None, Some(_)) => format!("<the server {} was exported from>", l.source_file_name()),
        (None, None) => String::new(),
    };
    let scope = || l.scope().unwrap_or("").to_string();
    match cause {
        Cause::DhcpSetting(_) | Cause::CachedOption81 | Cause::NoPtrRegistration | Cause::StaleRecords => vec![server(), scope()],
        Cause::Pending => vec![server()],
        Cause::ZoneNoUpdates { .. } => vec![f.cause_zone.clone().unwrap_or_default()],
        Cause::DhcpServerOwner | Cause::OtherOwner(_) => vec![f.owner.as_ref().map(|o| o.display.clone()).unwrap_or_default()],
        Cause::NoReverseZone => vec![crate::audit::reverse_zone_hint(l.ip), network(l.ip)],
        Cause::NoDnsData => vec![f.fqdn.as_deref().and_then(|n| n.split_once('.')).map(|(_, d)| d.to_string()).unwrap_or_default()],
        Cause::NotRegistering | Cause::CnameConflict | Cause::InvalidName | Cause::NoSuffix | Cause::LookupFailed => Vec::new(),
    }
}

/// The network a reverse zone is made for: the /24 of an IPv4 address, the /64 of an IPv6 one.
fn network(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(a) => {
            let [o1, o2, o3, _] = a.octets();
            format!("{o1}.{o2}.{o3}.0/24")
        }
        IpAddr::V6(a) => {
            let s = a.segments();
            let net = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
            format!("{net}/64")
        }
    }
}

/// A value from the inputs as a title shows it: as it is, or quoted and escaped when it holds
/// a control character (a title reaches the terminal).
fn safe(s: &str) -> String {
    if s.chars().any(char::is_control) { crate::input::quote(s) } else { s.to_string() }
}

/// `scope 10.0.16.0 on 10.0.0.5`, `Kea subnet 3`, `server 10.0.0.5`, or what is known of it.
fn scope_text(on: &[String]) -> String {
    let server = on.first().map(String::as_str).unwrap_or("");
    let scope = on.get(1).map(String::as_str).unwrap_or("");
    let scope = match scope {
        "" => None,
        id if Lease::is_kea_subnet(id) => Some(format!("Kea subnet {id}")),
        net => Some(format!("scope {net}")),
    };
    match (scope, server.is_empty()) {
        (Some(scope), false) => format!("{scope} on {server}"),
        (Some(scope), true) => scope,
        (None, false) => format!("server {server}"),
        (None, true) => "DHCP server not named in the leases".to_string(),
    }
}

fn first(on: &[String]) -> &str {
    on.first().map_or("", String::as_str)
}

/// The group's title: the cause and what it is on.
fn title(cause: Cause, on: &[String]) -> String {
    let shown = |s: &str, none: &str| if s.is_empty() { none.to_string() } else { s.to_string() };
    match cause {
        Cause::DhcpSetting(stop) => format!("{}: {} ({})", scope_text(on), stop_words(stop), stop.as_str()),
        Cause::CachedOption81 => format!("{}: clients stopped registering (the server no longer updates for a cached Option 81)", scope_text(on)),
        Cause::NoPtrRegistration => format!("{}: PTR records not registered", scope_text(on)),
        Cause::StaleRecords => format!("{}: stale records (wrong or extra addresses)", scope_text(on)),
        Cause::Pending => format!("DHCP server {}: registrations Pending (its DNS credentials or settings)", shown(first(on), "(not named)")),
        Cause::ZoneNoUpdates { reverse } => {
            format!("{} {} accepts no dynamic updates", if reverse { "reverse zone" } else { "zone" }, shown(first(on), "(not named)"))
        }
        Cause::DhcpServerOwner => format!("records owned by the DHCP server account {}", shown(first(on), "(not named)")),
        Cause::OtherOwner(kind) => format!("records owned by {} ({kind}), which the hosts cannot update", shown(first(on), "(not named)")),
        Cause::NoReverseZone => format!("no reverse zone for {} ({})", on.get(1).map_or("", String::as_str), first(on)),
        Cause::NoDnsData => format!("no DNS data covers {}", shown(first(on), "(no domain)")),
        Cause::NotRegistering => "clients that do not register their A/AAAA record".to_string(),
        Cause::CnameConflict => "names held by a CNAME".to_string(),
        Cause::InvalidName => "host names DNS cannot carry".to_string(),
        Cause::NoSuffix => "single-label host names (no DNS suffix)".to_string(),
        Cause::LookupFailed => "DNS lookups that failed (not a verdict on the records)".to_string(),
    }
}

fn stop_words(stop: ServerStop) -> &'static str {
    match stop {
        ServerStop::UpdatesNever => "DNS dynamic updates set to Never",
        ServerStop::SendUpdatesFalse => "Kea does not send DNS updates",
        ServerStop::UpdateOnRenewFalse => "Kea does not update DNS on renewals",
        ServerStop::PtrOff => "PTR updates disabled",
    }
}

/// `Set-DhcpServerv4DnsSetting -ComputerName S -ScopeId X` (v6: `-Prefix`), with what is known.
fn dns_setting_cmd(on: &[String]) -> String {
    let server = first(on);
    let scope = on.get(1).map_or("", String::as_str);
    let v6 = scope.contains(':');
    let mut cmd = format!("Set-DhcpServerv{}DnsSetting", if v6 { 6 } else { 4 });
    if !server.is_empty() {
        cmd.push_str(&format!(" -ComputerName {server}"));
    }
    if !scope.is_empty() {
        cmd.push_str(&format!(" {} {scope}", if v6 { "-Prefix" } else { "-ScopeId" }));
    }
    cmd
}

/// The group's one action.
fn action(cause: Cause, on: &[String], dhcp: Dhcp, ip: IpAddr) -> String {
    let kea_file = if ip.is_ipv4() { "kea-dhcp4.conf" } else { "kea-dhcp6.conf" };
    let subnet = on.get(1).filter(|s| !s.is_empty()).map_or_else(|| "the subnet".to_string(), |s| format!("subnet {s}"));
    match (cause, dhcp) {
        // Kea's counterpart of `-DynamicUpdates Always`: the server updates DNS whatever the
        // client's FQDN option asks.
        (Cause::CachedOption81, Dhcp::Kea) => {
            return format!(
                "in {kea_file}, set \"ddns-send-updates\": true and \"ddns-override-client-update\": true in {subnet} (or where it is set: its shared network or the global level), reload the configuration (config-reload), then renew the leases"
            );
        }
        (Cause::NoPtrRegistration, Dhcp::Kea) => {
            return format!("have Kea update PTR records for {subnet}: its reverse zone in kea-dhcp-ddns.conf (reverse-ddns), \"ddns-send-updates\": true in {kea_file}, then renew the leases");
        }
        (Cause::StaleRecords, Dhcp::Kea) => {
            return "delete the stale records (Remove-DnsServerResourceRecord); Kea removes the records of the leases it releases or reclaims when it updates DNS (ddns-send-updates)".to_string();
        }
        (Cause::CachedOption81 | Cause::NoPtrRegistration | Cause::StaleRecords | Cause::Pending, Dhcp::Other) => {
            return "have the DHCP server update DNS for these clients (ISC dhcpd: ddns-update-style standard with ignore client-updates; dnsmasq cannot) or have each client register itself (ipconfig /registerdns), then check the records' timestamps move".to_string();
        }
        _ => {}
    }
    match cause {
        // `Always`, not `OnClientRequest`: these records were registered by the server (or the
        // clients rely on it through Option 81), so the server must refresh them whatever the
        // client asks; with `OnClientRequest` a Windows client keeps its A record to itself,
        // and in a secure zone it cannot take over a record the server's account owns.
        Cause::DhcpSetting(ServerStop::UpdatesNever) | Cause::CachedOption81 => format!(
            "{} -DynamicUpdates Always, then renew the leases (ipconfig /release then ipconfig /renew)",
            dns_setting_cmd(on)
        ),
        Cause::DhcpSetting(ServerStop::PtrOff) => format!("{} -DisableDnsPtrRRUpdate $false, then renew the leases", dns_setting_cmd(on)),
        Cause::DhcpSetting(ServerStop::SendUpdatesFalse) => format!(
            "in {kea_file}, set \"ddns-send-updates\": true in {subnet} (or where it is set: its shared network or the global level), reload the configuration (config-reload), then renew the leases"
        ),
        Cause::DhcpSetting(ServerStop::UpdateOnRenewFalse) => format!(
            "in {kea_file}, set \"ddns-update-on-renew\": true in {subnet} (or where it is set: its shared network or the global level), then reload the configuration (config-reload)"
        ),
        Cause::NoPtrRegistration => format!("{} -DynamicUpdates Always (A and PTR records), or ipconfig /registerdns on each host", dns_setting_cmd(on)),
        Cause::StaleRecords => format!(
            "delete the stale records (Remove-DnsServerResourceRecord), then {} -DeleteDnsRROnLeaseExpiry $true so that records go with their leases",
            dns_setting_cmd(on)
        ),
        Cause::Pending => {
            let server = if first(on).is_empty() { String::new() } else { format!(" -ComputerName {}", first(on)) };
            format!("Set-DhcpServerDnsCredential{server} -Credential (Get-Credential), check its DNS dynamic-update settings, then renew the leases")
        }
        Cause::ZoneNoUpdates { .. } => {
            let zone = if first(on).is_empty() { "<zone>" } else { first(on) };
            format!("Set-DnsServerPrimaryZone -Name {zone} -DynamicUpdate Secure (or make the records static)")
        }
        Cause::DhcpServerOwner => "add the DHCP servers to DnsUpdateProxy (Add-ADGroupMember DnsUpdateProxy -Members <server>$), give them dedicated DNS credentials (Set-DhcpServerDnsCredential), then delete the records so they are registered again".to_string(),
        Cause::OtherOwner(_) => {
            "delete the records (Remove-DnsServerResourceRecord) so that each host registers its own (ipconfig /registerdns); keep them static if made by hand on purpose".to_string()
        }
        Cause::NoReverseZone => {
            let net = on.get(1).map_or("", String::as_str);
            format!("Add-DnsServerPrimaryZone -NetworkId \"{net}\" -ReplicationScope Domain -DynamicUpdate Secure")
        }
        Cause::NoDnsData => "add the export of its zone (--dns-records) or query a DNS server (--dns-server)".to_string(),
        Cause::NotRegistering => "ipconfig /registerdns on each host; if it relies on a cached Option 81, ipconfig /release then ipconfig /renew".to_string(),
        Cause::CnameConflict => "remove the CNAME (or repoint it), then ipconfig /registerdns on the host".to_string(),
        Cause::InvalidName => "rename the devices: a DNS name is letters, digits and hyphens".to_string(),
        Cause::NoSuffix => "set --domain so that their records can be checked".to_string(),
        Cause::LookupFailed => "check the DNS server's load or rate limiting, then run the audit again".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::audit::OwnerKind;
    use crate::leases::{Lease, LeaseOrigin};
    use crate::test_support::finding;

    fn lease(ip: &str, host: &str, scope: &str, server: &str) -> Lease {
        let mut l = crate::test_support::lease(ip, Some(host), Some(scope));
        l.origin = LeaseOrigin::new(&Arc::from("leases.csv"), Some(scope), None, Some(server));
        l
    }

    #[test]
    fn groups_by_cause_ordered_by_hosts_at_risk_then_count_then_title() {
        let leases = [
            lease("10.0.16.10", "pc1", "10.0.16.0", "dhcp1"),
            lease("10.0.16.11", "pc2", "10.0.16.0", "dhcp1"),
            lease("10.0.16.12", "pc3", "10.0.16.0", "dhcp1"),
            lease("10.0.99.5", "pc4", "10.0.99.0", "dhcp1"),
            lease("10.0.17.1", "pc5", "10.0.17.0", "dhcp2"),
            lease("10.0.17.2", "pc6", "10.0.17.0", "dhcp2"),
            lease("10.0.17.3", "pc7", "10.0.17.0", "dhcp2"),
        ];
        let mut tally = FixTally::default();
        let mut add = |l: &Lease, status: Status, high: bool, cause: Cause, owner: Option<&str>| {
            let mut f = finding(l, status, high.then_some("2026-11-21T00:00:00Z"));
            f.cause = Some(cause);
            f.owner = owner.map(|o| Arc::new(crate::dns::RecordOwner::from_name(o).unwrap()));
            tally.add(&f);
        };
        add(&leases[0], Status::Missing, false, Cause::DhcpSetting(ServerStop::UpdatesNever), None);
        add(&leases[1], Status::AtRisk, true, Cause::DhcpSetting(ServerStop::UpdatesNever), None);
        add(&leases[2], Status::Stale, false, Cause::OtherOwner(OwnerKind::User), Some("CORP\\jdoe"));
        add(&leases[3], Status::Unknown, false, Cause::NoReverseZone, None);
        add(&leases[4], Status::Missing, false, Cause::NotRegistering, None);
        add(&leases[5], Status::Missing, false, Cause::NotRegistering, None);
        // An ok row has no group, whatever it carries.
        add(&leases[6], Status::Ok, false, Cause::NotRegistering, None);
        let list = tally.list();
        let shown: Vec<(&str, String, &str)> = list.iter().map(|g| (g.title.as_str(), g.counts_text(), g.action.as_str())).collect();
        assert_eq!(
            shown,
            [
                (
                    "clients that do not register their A/AAAA record",
                    "2 hosts: missing 2".to_string(),
                    "ipconfig /registerdns on each host; if it relies on a cached Option 81, ipconfig /release then ipconfig /renew"
                ),
                (
                    "scope 10.0.16.0 on dhcp1: DNS dynamic updates set to Never (updates=never)",
                    "2 hosts: missing 1, at-risk 1 (1 high)".to_string(),
                    "Set-DhcpServerv4DnsSetting -ComputerName dhcp1 -ScopeId 10.0.16.0 -DynamicUpdates Always, then renew the leases (ipconfig /release then ipconfig /renew)"
                ),
                (
                    "no reverse zone for 10.0.99.0/24 (99.0.10.in-addr.arpa)",
                    "1 host: unknown 1".to_string(),
                    "Add-DnsServerPrimaryZone -NetworkId \"10.0.99.0/24\" -ReplicationScope Domain -DynamicUpdate Secure"
                ),
                (
                    "records owned by CORP\\jdoe (user), which the hosts cannot update",
                    "1 host: stale 1".to_string(),
                    "delete the records (Remove-DnsServerResourceRecord) so that each host registers its own (ipconfig /registerdns); keep them static if made by hand on purpose"
                ),
            ]
        );
        assert_eq!(list[1].hosts_at_risk(), 2);
        assert_eq!(
            list[1].hosts,
            [
                FixHost { name: "pc1.corp.example.test".into(), ip: "10.0.16.10".parse().unwrap(), status: Status::Missing },
                FixHost { name: "pc2.corp.example.test".into(), ip: "10.0.16.11".parse().unwrap(), status: Status::AtRisk },
            ]
        );
    }

    #[test]
    fn kea_v6_and_unnamed_actions() {
        let on = |a: &str, b: &str| vec![a.to_string(), b.to_string()];
        assert_eq!(
            action(Cause::DhcpSetting(ServerStop::SendUpdatesFalse), &on("http://kea:8000/", "3"), Dhcp::Kea, "10.0.18.5".parse().unwrap()),
            "in kea-dhcp4.conf, set \"ddns-send-updates\": true in subnet 3 (or where it is set: its shared network or the global level), reload the configuration (config-reload), then renew the leases"
        );
        assert_eq!(title(Cause::DhcpSetting(ServerStop::SendUpdatesFalse), &on("", "3")), "Kea subnet 3: Kea does not send DNS updates (send-updates=false)");
        assert_eq!(
            action(Cause::CachedOption81, &on("", "2001:db8:1::"), Dhcp::Windows, "2001:db8:1::5".parse().unwrap()),
            "Set-DhcpServerv6DnsSetting -Prefix 2001:db8:1:: -DynamicUpdates Always, then renew the leases (ipconfig /release then ipconfig /renew)"
        );
        // The same cause on Kea's subnet is Kea's setting; on a server the tool cannot name, words.
        assert_eq!(
            action(Cause::CachedOption81, &on("", "3"), Dhcp::Kea, "10.0.18.5".parse().unwrap()),
            "in kea-dhcp4.conf, set \"ddns-send-updates\": true and \"ddns-override-client-update\": true in subnet 3 (or where it is set: its shared network or the global level), reload the configuration (config-reload), then renew the leases"
        );
        assert!(action(Cause::CachedOption81, &on("", ""), Dhcp::Other, "10.0.17.5".parse().unwrap()).starts_with("have the DHCP server update DNS for these clients (ISC dhcpd: "));
        assert_eq!(network("2001:db8:1:2:3:4:5:6".parse().unwrap()), "2001:db8:1:2::/64");
        assert_eq!(title(Cause::ZoneNoUpdates { reverse: true }, &["20.0.10.in-addr.arpa".to_string()]), "reverse zone 20.0.10.in-addr.arpa accepts no dynamic updates");
        assert_eq!(action(Cause::ZoneNoUpdates { reverse: false }, &[String::new()], Dhcp::Other, "10.0.0.1".parse().unwrap()), "Set-DnsServerPrimaryZone -Name <zone> -DynamicUpdate Secure (or make the records static)");
        assert_eq!(safe("a\u{1b}[2Jb"), "\"a\\u{1b}[2Jb\"");
    }
}
