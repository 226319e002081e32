//! The cause columns' rules (docs/report.md "Columns"): which kind of account owns a
//! lease's record (`owner_kind`); and [`Cause`], why a row is not `ok`, as the remediation
//! decides it (`remediation::decide`) and the fix list groups it (docs/report.md "Fix list").

use crate::directory::Computer;
use crate::dns::owner::split_account;
use crate::dns::{AccountKind, RecordOwner};
use crate::leases::dns_settings::ServerStop;
use crate::vocab::vocabulary;

/// Why a row is not `ok`: the one decision its remediation sentence is rendered from, typed so
/// that the fix list groups rows by it without reading the sentence. A row whose sentence has
/// several parts (a stale A and PTR, an unknown forward and reverse) has the first part's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Cause {
    /// The DHCP server's DNS setting for the lease stops its updates (its scope or Kea
    /// subnet, on its server: the lease's).
    DhcpSetting(ServerStop),
    /// The zone holding the record accepts no dynamic updates (`reverse`: the PTR's zone).
    ZoneNoUpdates { reverse: bool },
    /// A DHCP server's account owns the record, so no other updater can refresh it.
    DhcpServerOwner,
    /// Another computer, a user or an admin owns the record in a secure zone.
    OtherOwner(OwnerKind),
    /// The DHCP server's registration is `Pending`: its DNS settings or credentials.
    Pending,
    /// The server registered the record once (or the client relies on it): the client holds a
    /// cached Option 81 and no longer registers; a full DORA or the scope always updating fixes it.
    CachedOption81,
    /// The client does not register its A/AAAA record (`ipconfig /registerdns`).
    NotRegistering,
    /// The A/AAAA record is there, the PTR is not: the DHCP server does not register PTRs.
    NoPtrRegistration,
    /// A CNAME owns the lease's name.
    CnameConflict,
    /// The host name is not a valid DNS name.
    InvalidName,
    /// A record points elsewhere or there are records besides the right one.
    StaleRecords,
    /// A single-label host name and no `--domain`.
    NoSuffix,
    /// No DNS data covers the name.
    NoDnsData,
    /// No reverse zone holds the address.
    NoReverseZone,
    /// Live DNS lookups failed: not a verdict on the records.
    LookupFailed,
}

vocabulary! {
    /// The report's `owner_kind`.
    pub(crate) OwnerKind {
        /// The lease's own AD computer account.
        Own => "self",
        /// An account a DHCP server registers with.
        DhcpServer => "dhcp-server",
        OtherComputer => "other-computer",
        Admin => "admin",
        User => "user",
    }
}

/// An account DHCP servers register DNS records with: `--dhcp-account` (the DNS credentials of
/// `Set-DhcpServerDnsCredential`), and, from live AD, the computer accounts of the authorized
/// DHCP servers (`CN=NetServices`), which `directory::ldap` adds as `name$`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DhcpAccount {
    /// Lowercase; `None` matches an owner of any domain.
    domain: Option<String>,
    /// Lowercase.
    name: String,
}

impl DhcpAccount {
    /// `DOMAIN\name` or `name`; `None` for empty text.
    pub(crate) fn parse(text: &str) -> Option<DhcpAccount> {
        let (domain, name) = split_account(text);
        let name = name.to_ascii_lowercase();
        (!name.is_empty()).then(|| DhcpAccount { domain: domain.filter(|d| !d.is_empty()).map(str::to_ascii_lowercase), name })
    }

    /// Whether `owner` is this account: same name (a computer's `name$` also matches `name`),
    /// same domain when both say one.
    fn is(&self, owner: &RecordOwner) -> bool {
        let account = owner.account();
        let name_matches = account == self.name || account.strip_suffix('$') == Some(self.name.as_str());
        let domain_matches = match (&self.domain, owner.domain()) {
            (Some(a), Some(b)) => *a == b,
            _ => true,
        };
        name_matches && domain_matches
    }
}

/// `owner_kind` of a record owned by `owner`, for the lease whose fqdn is `fqdn` and whose AD
/// computer (if found) is `computer`. The first that applies: `self` (the owner is the
/// computer's account, `name$` against its name; without an AD computer, against the fqdn's
/// first label), `dhcp-server`, `admin` (also a domain controller's account: `is_dc` says
/// whether a computer account's name is a DC's), `other-computer`, `user`.
pub(crate) fn owner_kind(
    owner: &RecordOwner,
    fqdn: &str,
    computer: Option<&Computer>,
    dhcp_accounts: &[DhcpAccount],
    is_dc: impl Fn(&str) -> bool,
) -> OwnerKind {
    let account = owner.account();
    let own_name = computer.map_or_else(|| fqdn.split('.').next().unwrap_or(fqdn), |c| c.name.as_str());
    if owner.kind == AccountKind::Computer && account.strip_suffix('$').is_some_and(|a| a.eq_ignore_ascii_case(own_name.trim_end_matches('$'))) {
        OwnerKind::Own
    } else if dhcp_accounts.iter().any(|a| a.is(owner)) {
        OwnerKind::DhcpServer
    } else if owner.admin || (owner.kind == AccountKind::Computer && account.strip_suffix('$').is_some_and(&is_dc)) {
        OwnerKind::Admin
    } else if owner.kind == AccountKind::Computer {
        OwnerKind::OtherComputer
    } else {
        OwnerKind::User
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn kind(owner: &str, computer: Option<&str>, accounts: &[&str]) -> &'static str {
        let owner = RecordOwner::from_name(owner).unwrap();
        let computer = computer.map(|name| Computer {
            name: name.into(),
            domain_controller: None,
            dns_host_name: None,
            enabled: Some(true),
            last_logon: None,
            operating_system: None,
            dn: None,
            source: Arc::from("c"),
            line: 0,
        });
        let accounts: Vec<DhcpAccount> = accounts.iter().filter_map(|a| DhcpAccount::parse(a)).collect();
        owner_kind(&owner, "pc-fin-01.corp.example.test", computer.as_ref(), &accounts, |name| name == "dc1").as_str()
    }

    #[test]
    fn every_kind() {
        assert_eq!(kind("CORP\\PC-FIN-01$", Some("PC-FIN-01"), &[]), "self");
        assert_eq!(kind("corp\\pc-fin-01$", None, &[]), "self");
        // The computer found in AD decides, not the host name.
        assert_eq!(kind("CORP\\PC-FIN-01$", Some("PC-OLD"), &[]), "other-computer");
        assert_eq!(kind("CORP\\PC-FIN-02$", Some("PC-FIN-01"), &[]), "other-computer");
        // A user named like the host is not its computer account.
        assert_eq!(kind("CORP\\pc-fin-01", Some("PC-FIN-01"), &[]), "user");
        assert_eq!(kind("CORP\\DHCP1$", None, &["dhcp1"]), "dhcp-server");
        assert_eq!(kind("CORP\\svc-dhcpdns", None, &["CORP\\SVC-DHCPDNS"]), "dhcp-server");
        assert_eq!(kind("OTHER\\svc-dhcpdns", None, &["CORP\\svc-dhcpdns"]), "user");
        assert_eq!(kind("CORP\\DHCP1$", None, &[]), "other-computer");
        assert_eq!(kind("CORP\\Domain Admins", None, &[]), "admin");
        assert_eq!(kind("NT AUTHORITY\\SYSTEM", None, &[]), "admin");
        assert_eq!(kind("BUILTIN\\Administrators", None, &[]), "admin");
        assert_eq!(kind("CORP\\Administrator", None, &[]), "admin");
        // A domain controller's account (userAccountControl 0x2000 in the computers input).
        assert_eq!(kind("CORP\\DC1$", None, &[]), "admin");
        assert_eq!(kind("CORP\\DC2$", None, &[]), "other-computer");
        assert_eq!(kind("CORP\\jdoe", None, &[]), "user");
        assert_eq!(kind("S-1-5-21-1-2-3-1105", None, &[]), "user");
        assert_eq!(DhcpAccount::parse(" "), None);
    }
}
