//! The cause data DNS holds (issue #10): who owns a record's AD object (`dnsNode`) and a zone's
//! dynamic-update policy. Offline they come from the records CSV's `Owner` column and the zones
//! CSV; live AD (`directory::ldap`) fills the same types from `nTSecurityDescriptor` (owner SID,
//! resolved once each) and the zone's `dNSProperty` allow-update value.

use std::fmt;

use crate::vocab::vocabulary;

/// What is known of an owner account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AccountKind {
    /// A computer account (`name$`).
    Computer,
    /// A user (or any account that is not a computer, when only its name is known).
    User,
    Group,
    /// A well-known principal (`NT AUTHORITY\SYSTEM`, `BUILTIN\Administrators`).
    WellKnown,
}

/// The owner of a record's `dnsNode`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RecordOwner {
    /// `DOMAIN\sAMAccountName`, or the SID string when it does not resolve: the report's `record_owner`.
    pub(crate) display: String,
    /// The owner's SID, when the source gives it (live AD; the offline `Owner` column does not).
    pub(crate) sid: Option<String>,
    pub(crate) kind: AccountKind,
    /// An administrative account (see [`RecordOwner::from_name`]); live AD also sets it for
    /// members of Administrators, Domain Admins and Enterprise Admins.
    pub(crate) admin: bool,
}

/// Account names that are administrative whatever their domain (compared lowercase).
const ADMIN_ACCOUNTS: [&str; 4] = ["administrators", "domain admins", "enterprise admins", "administrator"];
/// Well-known principals' domains (compared lowercase).
const WELL_KNOWN_DOMAINS: [&str; 2] = ["builtin", "nt authority"];

impl RecordOwner {
    /// An owner known only by its `DOMAIN\name` text (the records CSV's `Owner` column, as
    /// `Get-Acl` writes it), classified from the name alone: `name$` is a computer;
    /// `BUILTIN\...` and `NT AUTHORITY\...` are well-known (SYSTEM and Administrators admin);
    /// `Administrator`, `Domain Admins`, `Enterprise Admins`, `Administrators` are admin; an
    /// `S-1-...` string is an unresolved SID (kind unknown: taken as a user, not admin).
    /// Membership of admin groups cannot be seen offline. `None` for empty text.
    pub(crate) fn from_name(text: &str) -> Option<RecordOwner> {
        let display = text.trim();
        if display.is_empty() {
            return None;
        }
        let (domain, name) = split_account(display);
        let (domain_l, name_l) = (domain.map(str::to_ascii_lowercase), name.to_ascii_lowercase());
        let well_known = domain_l.as_deref().is_some_and(|d| WELL_KNOWN_DOMAINS.contains(&d));
        let sid = display.to_ascii_uppercase().starts_with("S-1-").then(|| display.to_string());
        let kind = if name_l.ends_with('$') {
            AccountKind::Computer
        } else if well_known {
            AccountKind::WellKnown
        } else if name_l.ends_with(" admins") || name_l == "administrators" {
            AccountKind::Group
        } else {
            AccountKind::User
        };
        let admin = ADMIN_ACCOUNTS.contains(&name_l.as_str()) || (well_known && name_l == "system");
        Some(RecordOwner { display: display.to_string(), sid, kind, admin })
    }

    /// The account name without its domain, lowercase (`pc-fin-01$`).
    pub(crate) fn account(&self) -> String {
        split_account(&self.display).1.to_ascii_lowercase()
    }

    /// The domain part, lowercase, when the display form has one.
    pub(crate) fn domain(&self) -> Option<String> {
        split_account(&self.display).0.map(str::to_ascii_lowercase)
    }
}

/// `DOMAIN\name` split at its first backslash; `name@domain` is taken as `domain\name`.
pub(crate) fn split_account(s: &str) -> (Option<&str>, &str) {
    if let Some((d, n)) = s.split_once('\\') {
        return (Some(d.trim()), n.trim());
    }
    if let Some((n, d)) = s.split_once('@') {
        return (Some(d.split('.').next().unwrap_or(d).trim()), n.trim());
    }
    (None, s.trim())
}

impl fmt::Display for RecordOwner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display)
    }
}

vocabulary! {
    /// A zone's dynamic-update policy: the report's `zone_dynamic_updates`.
    /// Read from `Get-DnsServerZone`'s `DynamicUpdate` (`None`, `NonsecureAndSecure`,
    /// `Secure`) in any case, or this tool's own words.
    pub(crate) DynamicUpdates, any_case {
        Secure => "secure",
        Nonsecure => "nonsecure" | "nonsecureandsecure",
        None => "none",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(s: &str) -> RecordOwner {
        RecordOwner::from_name(s).unwrap()
    }

    #[test]
    fn classification_from_the_name_alone() {
        let o = owner("CORP\\PC-FIN-01$");
        assert_eq!((o.kind, o.admin, o.account(), o.domain()), (AccountKind::Computer, false, "pc-fin-01$".into(), Some("corp".into())));
        assert_eq!(owner("CORP\\jdoe").kind, AccountKind::User);
        assert!(!owner("CORP\\jdoe").admin);
        for admin in ["BUILTIN\\Administrators", "NT AUTHORITY\\SYSTEM", "CORP\\Domain Admins", "corp\\enterprise admins", "CORP\\Administrator"] {
            assert!(owner(admin).admin, "{admin}");
        }
        assert_eq!(owner("NT AUTHORITY\\SYSTEM").kind, AccountKind::WellKnown);
        assert!(!owner("NT AUTHORITY\\Authenticated Users").admin);
        let sid = owner("S-1-5-21-1-2-3-1105");
        assert_eq!((sid.sid.as_deref(), sid.admin), (Some("S-1-5-21-1-2-3-1105"), false));
        assert_eq!(RecordOwner::from_name("  "), None);
        assert_eq!(owner(" CORP\\x$ ").to_string(), "CORP\\x$");
    }

    #[test]
    fn dynamic_update_words() {
        assert_eq!(DynamicUpdates::from_name("NonsecureAndSecure"), Some(DynamicUpdates::Nonsecure));
        assert_eq!(DynamicUpdates::from_name("secure"), Some(DynamicUpdates::Secure));
        assert_eq!(DynamicUpdates::from_name("None"), Some(DynamicUpdates::None));
        assert_eq!(DynamicUpdates::from_name("Sometimes"), None);
        assert_eq!(DynamicUpdates::None.to_string(), "none");
    }
}
