//! Issue #10, live AD: who owns each `dnsNode`, who those owners are, which DHCP servers are
//! authorized, and each zone's dynamic-update policy.
//!
//! The owner comes with the records: the zone's paged `dnsNode` search also asks for
//! `nTSecurityDescriptor` under the SD-flags control (owner only, which a plain user may
//! read), so no request is made per node. Each distinct owner SID is then resolved once:
//! well-known SIDs by table, domain SIDs by one search on `objectSid` in their domain (the
//! NetBIOS domain name from the `crossRef` under `CN=Partitions`), the domain RID table when
//! the search finds nothing. Administrators are the members, direct or nested (the account's
//! `tokenGroups`), of Administrators, Domain Admins and Enterprise Admins, plus the built-in
//! admin RIDs and domain controllers' accounts. Filters hold only escaped bytes of SIDs,
//! never a host name.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use ldap3::Scope;
use ldap3::controls::RawControl;

use super::search::{Entry, search_base};
use super::{AdClient, LdapError};
use crate::directory::Computer;
use crate::directory::dnsp::ZoneUpdates;
use crate::directory::security::{self, AuthorizedDhcp, Sid, SidKind, escape_filter_bytes};
use crate::input::{Problems, SkipReason};
use crate::dns::{AccountKind, DnsData, DynamicUpdates, RecordOwner};

/// LDAP_SERVER_SD_FLAGS_OID with OWNER_SECURITY_INFORMATION: BER `SEQUENCE { INTEGER 1 }`.
/// Not critical: a server that ignores it still answers the search (the owner then comes only
/// with read-control rights, or not at all, and the column stays empty).
pub(crate) fn sd_flags_owner() -> RawControl {
    RawControl { ctype: "1.2.840.113556.1.4.801".to_string(), crit: false, val: Some(vec![0x30, 0x03, 0x02, 0x01, 0x01]) }
}

/// userAccountControl SERVER_TRUST_ACCOUNT: a domain controller's computer account.
const UAC_SERVER_TRUST: u32 = 0x2000;
/// Domain RIDs whose account is an administrator whatever its group memberships.
const ADMIN_RIDS: [u32; 5] = [500, 512, 516, 518, 519];

/// What one owner SID is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SidInfo {
    /// `DOMAIN\sAMAccountName`, the well-known name, or the SID string when unresolved.
    pub(crate) display: String,
    pub(crate) sid: Sid,
    pub(crate) kind: SidKind,
    /// Administrator per `owner_kind` `admin` (docs/report.md "Columns").
    pub(crate) admin: bool,
    /// `sAMAccountName` (a computer's ends in `$`).
    pub(crate) sam: Option<String>,
    /// The computer account of an authorized DHCP server.
    pub(crate) dhcp_server: bool,
}

/// One authorized DHCP server and its computer account, when AD has one by that dNSHostName.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DhcpServerAccount {
    pub(crate) server: AuthorizedDhcp,
    /// `DOMAIN\NAME$`.
    pub(crate) account: Option<String>,
}

/// BUILTIN\Administrators, or Domain Admins / Enterprise Admins of a domain of the forest.
fn is_admin_group(g: &Sid, domains: &HashMap<Sid, Domain>) -> bool {
    if g.authority == 5 && g.subs == [32, 544] {
        return true;
    }
    g.domain_rid().is_some_and(|(d, rid)| matches!(rid, 512 | 519) && domains.contains_key(&d))
}

/// Everything issue #10 reads from live AD; [`AdOwners::apply_to`] puts it into the audit's data.
#[derive(Debug, Default)]
pub(crate) struct AdOwners {
    /// Per node (its FQDN, lowercase) the owner SID.
    pub(crate) node_owner: HashMap<String, Sid>,
    /// Every distinct owner SID, resolved once.
    pub(crate) sids: BTreeMap<Sid, SidInfo>,
    pub(crate) dhcp_servers: Vec<DhcpServerAccount>,
    /// Per zone (lowercase name) its dynamic-update policy.
    pub(crate) zone_updates: HashMap<String, ZoneUpdates>,
}

impl AdOwners {
    /// The resolved owner of a node, by FQDN.
    #[cfg(test)]
    pub(crate) fn owner_of(&self, fqdn: &str) -> Option<&SidInfo> {
        self.sids.get(self.node_owner.get(fqdn)?)
    }
}

impl AdOwners {
    /// Puts what live AD says of the causes into the audit's data: each AD record's owner (its
    /// node's, resolved; one shared value per SID) and each AD zone's dynamic-update policy.
    /// Returns the authorized DHCP servers' accounts (`DOMAIN\NAME$`), which are `dhcp-server`
    /// owners as `--dhcp-account` names are.
    pub(crate) fn apply_to(&self, dns: &mut DnsData) -> Vec<String> {
        let mut shared: HashMap<&Sid, Arc<RecordOwner>> = HashMap::new();
        for r in &mut dns.records {
            let Some(sid) = self.node_owner.get(r.name.as_str()) else { continue };
            let Some(info) = self.sids.get(sid) else { continue };
            let owner = shared.entry(sid).or_insert_with(|| Arc::new(info.record_owner()));
            r.owner = Some(Arc::clone(owner));
        }
        for z in &mut dns.zones {
            if let Some(u) = self.zone_updates.get(&z.name) {
                z.dynamic_updates = Some(match u {
                    ZoneUpdates::None => DynamicUpdates::None,
                    ZoneUpdates::Nonsecure => DynamicUpdates::Nonsecure,
                    ZoneUpdates::Secure => DynamicUpdates::Secure,
                });
            }
        }
        self.dhcp_servers.iter().filter_map(|d| d.account.clone()).collect()
    }
}

impl SidInfo {
    /// The report's owner: the resolved name (or the SID), the account's kind and admin flag.
    fn record_owner(&self) -> RecordOwner {
        let kind = match self.kind {
            SidKind::Computer => AccountKind::Computer,
            SidKind::Group => AccountKind::Group,
            SidKind::WellKnown => AccountKind::WellKnown,
            // An unresolved SID is not known to be a computer, a group or an administrator.
            SidKind::User | SidKind::Unresolved => AccountKind::User,
        };
        RecordOwner { display: self.display.clone(), sid: Some(self.sid.to_string()), kind, admin: self.admin }
    }
}

/// The owners as plain text, for the lab tests (`lab_tests.rs`): what the live path resolved.
#[cfg(test)]
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct OwnersView {
    /// Per node FQDN: `(display, kind, admin, dhcp_server)`, kind one of
    /// `computer|user|group|well-known|unresolved`.
    pub(crate) nodes: BTreeMap<String, (String, &'static str, bool, bool)>,
    /// Per node FQDN the owner SID string.
    pub(crate) node_sids: BTreeMap<String, String>,
    /// Per zone its policy, `secure|nonsecure|none`.
    pub(crate) zones: BTreeMap<String, &'static str>,
    /// `(server name, ip, DOMAIN\ACCOUNT$)`.
    pub(crate) dhcp_servers: Vec<(String, Option<String>, Option<String>)>,
    /// The problems' details.
    pub(crate) problems: Vec<String>,
}

#[cfg(test)]
impl OwnersView {
    pub(crate) fn new(o: &AdOwners, problems: &Problems) -> OwnersView {
        let kind = |k: SidKind| match k {
            SidKind::Computer => "computer",
            SidKind::User => "user",
            SidKind::Group => "group",
            SidKind::WellKnown => "well-known",
            SidKind::Unresolved => "unresolved",
        };
        OwnersView {
            nodes: o
                .node_owner
                .keys()
                .filter_map(|n| o.owner_of(n).map(|i| (n.clone(), (i.display.clone(), kind(i.kind), i.admin, i.dhcp_server))))
                .collect(),
            node_sids: o.node_owner.iter().map(|(n, s)| (n.clone(), s.to_string())).collect(),
            zones: o.zone_updates.iter().map(|(z, p)| (z.clone(), p.as_str())).collect(),
            dhcp_servers: o.dhcp_servers.iter().map(|d| (d.server.name.clone(), d.server.ip.clone(), d.account.clone())).collect(),
            problems: problems.list.iter().map(|p| p.detail.clone()).collect(),
        }
    }
}

/// A domain of the forest: its NetBIOS name and naming context.
#[derive(Debug, Clone)]
pub(super) struct Domain {
    netbios: String,
    nc: String,
}

/// The NetBIOS name of the domain whose naming context is `default_nc`.
pub(super) fn netbios_of(domains: &HashMap<Sid, Domain>, default_nc: &str) -> Option<String> {
    domains.values().find(|d| d.nc.eq_ignore_ascii_case(default_nc)).map(|d| d.netbios.clone())
}

/// The distinct owner SIDs the zone reads collected, each to be resolved once.
pub(super) fn owner_sids(owners: &AdOwners) -> Vec<Sid> {
    owners.node_owner.values().cloned().collect::<HashSet<_>>().into_iter().collect()
}

/// Why a SID was not resolved.
#[derive(Debug)]
pub(super) enum SidError {
    /// It resolves to nothing (the reason, a counted problem).
    Unresolved(String),
    /// The connection closed in the middle of an answer: the job is run again on a new
    /// connection ([`super::pool`]), not reported as an unresolved owner.
    Lost(LdapError),
}

/// Records what one owner SID resolved to; an unresolved one is a problem and shows as the SID.
pub(super) fn record_sid(owners: &mut AdOwners, sid: Sid, resolved: Result<SidInfo, String>, problems: &mut Problems, source: &Arc<str>) {
    let info = match resolved {
        Ok(info) => info,
        Err(reason) => {
            problems.push(source, 0, SkipReason::UnresolvedOwner, format!("owner {sid}: {reason}"));
            SidInfo { display: sid.to_string(), sid: sid.clone(), kind: SidKind::Unresolved, admin: false, sam: None, dhcp_server: false }
        }
    };
    owners.sids.insert(sid, info);
}

/// Matches the authorized DHCP servers with their computer accounts (`DOMAIN\NAME$`), and
/// marks those accounts' SIDs as DHCP servers.
pub(super) fn attach_dhcp_servers(owners: &mut AdOwners, mut servers: Vec<AuthorizedDhcp>, computers: &[Computer], default_netbios: Option<&str>) {
    // The directory's order is not stable: by name.
    servers.sort_by(|a, b| a.name.cmp(&b.name));
    for server in servers {
        let account = computers
            .iter()
            .find(|c| c.dns_host_name.as_deref() == Some(server.name.as_str()) || (!server.name.contains('.') && c.name.eq_ignore_ascii_case(&server.name)))
            .map(|c| format!("{}$", c.name));
        if let Some(sam) = &account {
            for info in owners.sids.values_mut() {
                if info.kind == SidKind::Computer && info.sam.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(sam)) {
                    info.dhcp_server = true;
                }
            }
        }
        let account = account.map(|sam| match default_netbios {
            Some(d) => format!("{d}\\{sam}"),
            None => sam,
        });
        owners.dhcp_servers.push(DhcpServerAccount { server, account });
    }
}

impl AdClient {
    /// Domain SID → NetBIOS name and NC, from the crossRefs under `CN=Partitions`.
    pub(super) async fn forest_domains(&mut self, config: &str, problems: &mut Problems) -> HashMap<Sid, Domain> {
        let source = Arc::clone(&self.source);
        let base = format!("CN=Partitions,{config}");
        let mut refs = Vec::new();
        let doing = format!("listing the domains under '{base}'");
        let filter = "(&(objectClass=crossRef)(nETBIOSName=*))";
        if let Err(e) = self.paged(&base, Scope::OneLevel, filter, vec!["nCName", "nETBIOSName"], &doing, |e| refs.push(e)).await {
            problems.push(&source, 0, SkipReason::UnresolvedOwner, format!("{e} (owners show as SIDs)"));
        }
        let mut out = HashMap::new();
        for r in refs {
            let (Some(nc), Some(netbios)) = (r.first_str("ncname"), r.first_str("netbiosname")) else { continue };
            match search_base(&mut self.ldap, &nc, &["objectSid"], &self.addr).await {
                Ok(attrs) => {
                    if let Some(sid) = attrs.get("objectsid").and_then(|v| v.first()).and_then(|b| Sid::parse(b).ok()) {
                        out.insert(sid, Domain { netbios: netbios.to_ascii_uppercase(), nc });
                    }
                }
                Err(e) => problems.push(&source, 0, SkipReason::UnresolvedOwner, format!("domain {netbios}: {e}")),
            }
        }
        out
    }

    /// Whether the object at `dn` is a member, direct or nested, of Administrators, Domain
    /// Admins or Enterprise Admins: its `tokenGroups` (every group SID, nested included, which
    /// AD and Samba compute on a base read), one read per distinct owner rather than a search
    /// for every admin's members over the whole domain. Unreadable: not known to be an admin.
    async fn in_admin_groups(&mut self, dn: &str, domains: &HashMap<Sid, Domain>) -> Result<bool, SidError> {
        let attrs = match search_base(&mut self.ldap, dn, &["tokenGroups"], &self.addr).await {
            Ok(attrs) => attrs,
            Err(e) if e.is_connection_lost() => return Err(SidError::Lost(e)),
            // Not readable (a low-privilege bind): not known to be an administrator.
            Err(_) => return Ok(false),
        };
        Ok(attrs.get("tokengroups").into_iter().flatten().filter_map(|b| Sid::parse(b).ok()).any(|g| is_admin_group(&g, domains)))
    }

    /// One object by `objectSid` under `nc`.
    async fn find_sid(&mut self, sid: &Sid, nc: &str, attrs: Vec<&'static str>) -> Result<Option<Entry>, LdapError> {
        let filter = format!("(objectSid={})", escape_filter_bytes(&sid.to_bytes()));
        let doing = format!("looking up {sid}");
        let mut found = None;
        self.paged(nc, Scope::Subtree, &filter, attrs, &doing, |e| {
            if found.is_none() {
                found = Some(e);
            }
        })
        .await?;
        Ok(found)
    }

    /// What one SID is; [`SidError::Unresolved`] (the reason) when it resolves to nothing.
    pub(super) async fn resolve_sid(&mut self, sid: &Sid, domains: &HashMap<Sid, Domain>) -> Result<SidInfo, SidError> {
        let unresolved = |reason: &str| SidError::Unresolved(reason.to_string());
        if let Some((name, admin)) = security::well_known(sid) {
            return Ok(SidInfo { display: name.to_string(), sid: sid.clone(), kind: SidKind::WellKnown, admin, sam: None, dhcp_server: false });
        }
        let Some((dsid, rid)) = sid.domain_rid() else { return Err(unresolved("not a well-known SID nor a domain account")) };
        let Some(domain) = domains.get(&dsid).cloned() else { return Err(unresolved("its domain is not in this forest")) };
        let found = self
            .find_sid(sid, &domain.nc, vec!["sAMAccountName", "objectClass", "userAccountControl"])
            .await
            .map_err(|e| if e.is_connection_lost() { SidError::Lost(e) } else { SidError::Unresolved(e.to_string()) })?;
        let info = match found {
            Some(e) => {
                let sam = e.first_str("samaccountname").filter(|s| !s.is_empty());
                let classes: Vec<String> = e.attrs.get("objectclass").map(|v| v.iter().map(|c| String::from_utf8_lossy(c).to_ascii_lowercase()).collect()).unwrap_or_default();
                let kind = if classes.iter().any(|c| c == "computer") {
                    SidKind::Computer
                } else if classes.iter().any(|c| c == "group") {
                    SidKind::Group
                } else {
                    SidKind::User
                };
                let uac: u32 = e.first_str("useraccountcontrol").and_then(|u| u.parse().ok()).unwrap_or(0);
                let admin = ADMIN_RIDS.contains(&rid) || uac & UAC_SERVER_TRUST != 0 || self.in_admin_groups(&e.dn, domains).await?;
                let Some(sam) = sam else { return Err(SidError::Unresolved(format!("{} has no sAMAccountName", e.dn))) };
                SidInfo { display: format!("{}\\{sam}", domain.netbios), sid: sid.clone(), kind, admin, sam: Some(sam), dhcp_server: false }
            }
            None => match security::domain_rid(rid) {
                Some((name, kind, admin)) => {
                    SidInfo { display: format!("{}\\{name}", domain.netbios), sid: sid.clone(), kind, admin, sam: Some(name.to_string()), dhcp_server: false }
                }
                None => return Err(SidError::Unresolved(format!("no object with this SID in {} (deleted account?)", domain.nc))),
            },
        };
        Ok(info)
    }

    /// The authorized DHCP servers: `dhcpServers` of the `dHCPClass` objects under
    /// `CN=NetServices,CN=Services` (`DhcpRoot` lists all, each server's own object itself).
    pub(super) async fn authorized_dhcp(&mut self, config: &str, problems: &mut Problems) -> Vec<AuthorizedDhcp> {
        let source = Arc::clone(&self.source);
        let base = format!("CN=NetServices,CN=Services,{config}");
        let doing = format!("listing the authorized DHCP servers under '{base}'");
        let mut values: Vec<Vec<u8>> = Vec::new();
        let result = self
            .paged(&base, Scope::OneLevel, "(objectClass=dHCPClass)", vec!["dhcpServers"], &doing, |mut e| {
                values.extend(e.attrs.remove("dhcpservers").unwrap_or_default());
            })
            .await;
        if let Err(e) = result {
            problems.push(&source, 0, SkipReason::AccessDenied, e.to_string());
        }
        let mut out: Vec<AuthorizedDhcp> = Vec::new();
        for v in values {
            let text = String::from_utf8_lossy(&v);
            match security::parse_dhcp_servers_value(&text) {
                Some(s) if !out.iter().any(|o| o.name == s.name) => out.push(s),
                Some(_) => {}
                None => problems.push(&source, 0, SkipReason::Malformed, format!("{base}: dhcpServers value names no server: {text}")),
            }
        }
        out
    }
}

/// Records a node's owner from its `nTSecurityDescriptor`; a descriptor that does not parse
/// is a problem naming the node, and the node has no owner.
pub(super) fn node_owner(node: &Entry, fqdn: &str, owners: &mut AdOwners, problems: &mut Problems, source: &Arc<str>) {
    let Some(sd) = node.attrs.get("ntsecuritydescriptor").and_then(|v| v.first()) else { return };
    match security::owner_sid(sd) {
        Ok(sid) => {
            owners.node_owner.insert(fqdn.to_string(), sid);
        }
        Err(e) => problems.push(source, 0, SkipReason::Malformed, format!("{fqdn}: nTSecurityDescriptor: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::security::tests::{sd_with_owner, sid_bytes};

    #[test]
    fn node_owners_and_bad_descriptors() {
        let src: Arc<str> = Arc::from("ldaps://dc1:636");
        let mut owners = AdOwners::default();
        let mut problems = Problems::default();
        let node = |sd: Vec<u8>| Entry { dn: "DC=pc1".into(), attrs: HashMap::from([("ntsecuritydescriptor".to_string(), vec![sd])]) };
        node_owner(&node(sd_with_owner(&sid_bytes(&[21, 1, 2, 3, 1105]))), "pc1.corp.test", &mut owners, &mut problems, &src);
        node_owner(&node(sd_with_owner(&sid_bytes(&[18]))[..22].to_vec()), "pc2.corp.test", &mut owners, &mut problems, &src);
        node_owner(&Entry::default(), "pc3.corp.test", &mut owners, &mut problems, &src);
        assert_eq!(owners.node_owner.len(), 1);
        assert_eq!(owners.node_owner["pc1.corp.test"].to_string(), "S-1-5-21-1-2-3-1105");
        assert_eq!(problems.list.len(), 1);
        assert_eq!(problems.list[0].reason, SkipReason::Malformed);
        assert_eq!(problems.list[0].detail, "pc2.corp.test: nTSecurityDescriptor: security descriptor truncated: SID header needs 28 bytes, 22 present");
        assert_eq!(sd_flags_owner().val, Some(vec![0x30, 0x03, 0x02, 0x01, 0x01]));
    }

    #[test]
    fn admin_groups() {
        let dom = Sid { authority: 5, subs: vec![21, 1, 2, 3] };
        let domains = HashMap::from([(dom.clone(), Domain { netbios: "CORP".into(), nc: "DC=corp".into() })]);
        assert!(is_admin_group(&Sid { authority: 5, subs: vec![32, 544] }, &domains));
        assert!(is_admin_group(&dom.with_rid(512), &domains));
        assert!(is_admin_group(&dom.with_rid(519), &domains));
        assert!(!is_admin_group(&dom.with_rid(513), &domains));
        assert!(!is_admin_group(&Sid { authority: 5, subs: vec![21, 9, 9, 9, 512] }, &domains));
        assert!(!is_admin_group(&Sid { authority: 5, subs: vec![32, 545] }, &domains));
    }
}
