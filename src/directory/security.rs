//! Who owns an AD object: the owner SID of a self-relative SECURITY_DESCRIPTOR (MS-DTYP 2.4.6)
//! as AD returns `nTSecurityDescriptor` under the SD-flags control, the SID itself (MS-DTYP
//! 2.4.2.2), the well-known SIDs and domain RIDs by table, and the authorized DHCP servers'
//! `dhcpServers` values (MS-DHCPE 7.3). Every offset and length is checked: a truncated or
//! hostile descriptor is an [`SdError`], never a panic and never a wrong owner.

use std::fmt;

/// Why a security descriptor gave no owner.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SdError {
    #[error("security descriptor truncated: {what} needs {need} bytes, {have} present")]
    Truncated { what: &'static str, need: usize, have: usize },
    #[error("security descriptor revision {0} (expected 1)")]
    BadRevision(u8),
    #[error("security descriptor is not self-relative (control 0x{0:04x})")]
    NotSelfRelative(u16),
    #[error("security descriptor has no owner (the SD-flags control was not honoured?)")]
    NoOwner,
    #[error("owner offset {offset} points inside the 20-byte header")]
    OffsetInHeader { offset: u32 },
    #[error("owner offset {offset} is past the end of the {len}-byte descriptor")]
    OffsetPastEnd { offset: u32, len: usize },
    #[error("owner SID revision {0} (expected 1)")]
    SidRevision(u8),
    #[error("owner SID has {0} sub-authorities (at most 15)")]
    TooManySubAuthorities(u8),
}

/// A security identifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sid {
    /// IdentifierAuthority, 48 bits.
    pub authority: u64,
    /// SubAuthority values (at most 15).
    pub subs: Vec<u32>,
}

const SD_HEADER_LEN: usize = 20;
const SE_SELF_RELATIVE: u16 = 0x8000;
const SID_MAX_SUBS: u8 = 15;

/// `bytes[at..at + n]`, or a [`SdError::Truncated`].
fn take<'a>(bytes: &'a [u8], at: usize, n: usize, what: &'static str) -> Result<&'a [u8], SdError> {
    let end = at.checked_add(n).ok_or(SdError::Truncated { what, need: usize::MAX, have: bytes.len() })?;
    bytes.get(at..end).ok_or(SdError::Truncated { what, need: end, have: bytes.len() })
}

fn u32_at(bytes: &[u8], at: usize, what: &'static str) -> Result<u32, SdError> {
    let b = take(bytes, at, 4, what)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

impl Sid {
    /// Parses a binary SID (as `objectSid` or inside a descriptor); trailing bytes are ignored.
    pub fn parse(bytes: &[u8]) -> Result<Sid, SdError> {
        let head = take(bytes, 0, 8, "SID header")?;
        if head[0] != 1 {
            return Err(SdError::SidRevision(head[0]));
        }
        let count = head[1];
        if count > SID_MAX_SUBS {
            return Err(SdError::TooManySubAuthorities(count));
        }
        let authority = head[2..8].iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let subs = (0..usize::from(count)).map(|i| u32_at(bytes, 8 + 4 * i, "SID sub-authorities")).collect::<Result<Vec<_>, _>>()?;
        Ok(Sid { authority, subs })
    }

    /// The binary form (for an `objectSid` filter).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = vec![1u8, u8::try_from(self.subs.len()).unwrap_or(SID_MAX_SUBS)];
        v.extend_from_slice(&self.authority.to_be_bytes()[2..]);
        for s in self.subs.iter().take(usize::from(SID_MAX_SUBS)) {
            v.extend_from_slice(&s.to_le_bytes());
        }
        v
    }

    /// The last sub-authority of a domain account SID (`S-1-5-21-a-b-c-RID`).
    pub fn domain_rid(&self) -> Option<(Sid, u32)> {
        let (rid, prefix) = self.subs.split_last()?;
        (self.authority == 5 && prefix.len() >= 4 && prefix.first() == Some(&21)).then(|| (Sid { authority: 5, subs: prefix.to_vec() }, *rid))
    }

    /// `prefix` followed by `rid`.
    pub fn with_rid(&self, rid: u32) -> Sid {
        let mut subs = self.subs.clone();
        subs.push(rid);
        Sid { authority: self.authority, subs }
    }
}

impl fmt::Display for Sid {
    /// `S-1-5-21-…`; an authority of 2^32 or more in hex, as MS-DTYP 2.4.2.1 says.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.authority >= 1 << 32 { write!(f, "S-1-0x{:012X}", self.authority)? } else { write!(f, "S-1-{}", self.authority)? }
        for s in &self.subs {
            write!(f, "-{s}")?;
        }
        Ok(())
    }
}

/// The owner SID of a self-relative security descriptor.
pub fn owner_sid(sd: &[u8]) -> Result<Sid, SdError> {
    let head = take(sd, 0, SD_HEADER_LEN, "header")?;
    if head[0] != 1 {
        return Err(SdError::BadRevision(head[0]));
    }
    let control = u16::from_le_bytes([head[2], head[3]]);
    if control & SE_SELF_RELATIVE == 0 {
        return Err(SdError::NotSelfRelative(control));
    }
    let offset = u32_at(sd, 4, "owner offset")?;
    if offset == 0 {
        return Err(SdError::NoOwner);
    }
    let at = usize::try_from(offset).map_err(|_| SdError::OffsetPastEnd { offset, len: sd.len() })?;
    if at < SD_HEADER_LEN {
        return Err(SdError::OffsetInHeader { offset });
    }
    if at >= sd.len() {
        return Err(SdError::OffsetPastEnd { offset, len: sd.len() });
    }
    // Lengths in the descriptor's terms, not the SID's.
    Sid::parse(sd.get(at..).unwrap_or_default()).map_err(|e| match e {
        SdError::Truncated { what, need, .. } => SdError::Truncated { what, need: need.saturating_add(at), have: sd.len() },
        e => e,
    })
}

/// What kind of account a SID is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SidKind {
    Computer,
    User,
    Group,
    WellKnown,
    Unresolved,
}

/// A well-known SID outside any domain: its display name and whether it counts as an
/// administrator (docs/report.md "Columns", `owner_kind` `admin`: SYSTEM, Administrators, the
/// domain controllers).
pub fn well_known(sid: &Sid) -> Option<(&'static str, bool)> {
    let t = match (sid.authority, sid.subs.as_slice()) {
        (0, [0]) => ("NULL SID", false),
        (1, [0]) => ("Everyone", false),
        (3, [0]) => ("CREATOR OWNER", false),
        (3, [1]) => ("CREATOR GROUP", false),
        (5, [7]) => ("NT AUTHORITY\\ANONYMOUS LOGON", false),
        (5, [9]) => ("NT AUTHORITY\\ENTERPRISE DOMAIN CONTROLLERS", true),
        (5, [10]) => ("NT AUTHORITY\\SELF", false),
        (5, [11]) => ("NT AUTHORITY\\Authenticated Users", false),
        (5, [15]) => ("NT AUTHORITY\\This Organization", false),
        (5, [18]) => ("NT AUTHORITY\\SYSTEM", true),
        (5, [19]) => ("NT AUTHORITY\\LOCAL SERVICE", false),
        (5, [20]) => ("NT AUTHORITY\\NETWORK SERVICE", false),
        (5, [32, 544]) => ("BUILTIN\\Administrators", true),
        (5, [32, 545]) => ("BUILTIN\\Users", false),
        (5, [32, 546]) => ("BUILTIN\\Guests", false),
        (5, [32, 548]) => ("BUILTIN\\Account Operators", false),
        (5, [32, 549]) => ("BUILTIN\\Server Operators", false),
        (5, [32, 550]) => ("BUILTIN\\Print Operators", false),
        (5, [32, 551]) => ("BUILTIN\\Backup Operators", false),
        (5, [32, 554]) => ("BUILTIN\\Pre-Windows 2000 Compatible Access", false),
        _ => return None,
    };
    Some(t)
}

/// A well-known RID of a domain: the account's usual sAMAccountName, its kind and whether it
/// counts as an administrator. Used when the search by `objectSid` finds nothing.
pub fn domain_rid(rid: u32) -> Option<(&'static str, SidKind, bool)> {
    let t = match rid {
        498 => ("Enterprise Read-only Domain Controllers", SidKind::Group, false),
        500 => ("Administrator", SidKind::User, true),
        501 => ("Guest", SidKind::User, false),
        502 => ("krbtgt", SidKind::User, false),
        512 => ("Domain Admins", SidKind::Group, true),
        513 => ("Domain Users", SidKind::Group, false),
        514 => ("Domain Guests", SidKind::Group, false),
        515 => ("Domain Computers", SidKind::Group, false),
        516 => ("Domain Controllers", SidKind::Group, true),
        517 => ("Cert Publishers", SidKind::Group, false),
        518 => ("Schema Admins", SidKind::Group, true),
        519 => ("Enterprise Admins", SidKind::Group, true),
        520 => ("Group Policy Creator Owners", SidKind::Group, false),
        521 => ("Read-only Domain Controllers", SidKind::Group, false),
        553 => ("RAS and IAS Servers", SidKind::Group, false),
        _ => return None,
    };
    Some(t)
}

/// RFC 4515 escaping of every byte (`\XX`), for a binary value in a filter.
pub fn escape_filter_bytes(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("\\{b:02x}")).collect()
}

/// One authorized DHCP server from a `dhcpServers` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizedDhcp {
    /// The `s` field (else the `r` field's name), lowercase, no trailing dot.
    pub name: String,
    /// The `i` field as written (255.0.0.1 for a DHCPv6-only server).
    pub ip: Option<String>,
}

/// Parses a `dhcpServers` value, `i<ip>$rcn=<relative name>$f<flags>$s<server name>$`
/// (MS-DHCPE 7.3; fields may come in any order, unknown ones are skipped). `None` when it
/// names no server.
pub fn parse_dhcp_servers_value(value: &str) -> Option<AuthorizedDhcp> {
    let mut ip = None;
    let mut server = None;
    let mut relative = None;
    for field in value.split('$') {
        let mut chars = field.chars();
        let Some(tag) = chars.next() else { continue };
        let rest = chars.as_str().trim();
        match tag {
            'i' | 'I' if !rest.is_empty() => ip = Some(rest.to_string()),
            's' | 'S' if !rest.is_empty() => server = Some(rest.to_string()),
            'r' | 'R' => {
                // `cn=name`; some writers drop the `=` (`rcdhcp1...`).
                let name = rest.get(3..).filter(|_| rest.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("cn=")));
                let name = name.or_else(|| rest.get(1..).filter(|_| rest.starts_with(['c', 'C'])));
                relative = name.map(str::to_string).filter(|n| !n.is_empty());
            }
            _ => {}
        }
    }
    let name = server.or(relative)?.trim_end_matches('.').to_ascii_lowercase();
    if name.is_empty() { None } else { Some(AuthorizedDhcp { name, ip }) }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// S-1-5-21-1-2-3-1105 in binary.
    pub(crate) fn sid_bytes(subs: &[u32]) -> Vec<u8> {
        Sid { authority: 5, subs: subs.to_vec() }.to_bytes()
    }

    /// A self-relative descriptor with the owner (and nothing else) after the header, as AD
    /// returns it under SD flags = OWNER_SECURITY_INFORMATION.
    pub(crate) fn sd_with_owner(owner: &[u8]) -> Vec<u8> {
        let mut v = vec![1, 0];
        v.extend_from_slice(&(SE_SELF_RELATIVE | 0x0004).to_le_bytes());
        v.extend_from_slice(&20u32.to_le_bytes());
        v.extend_from_slice(&[0; 12]);
        v.extend_from_slice(owner);
        v
    }

    #[test]
    fn owner_of_a_valid_descriptor() {
        let sd = sd_with_owner(&sid_bytes(&[21, 2673337018, 4040016530, 4013786738, 1110]));
        let sid = owner_sid(&sd).unwrap();
        assert_eq!(sid.to_string(), "S-1-5-21-2673337018-4040016530-4013786738-1110");
        let (dom, rid) = sid.domain_rid().unwrap();
        assert_eq!((dom.to_string().as_str(), rid), ("S-1-5-21-2673337018-4040016530-4013786738", 1110));
        assert_eq!(dom.with_rid(1110), sid);
        assert_eq!(Sid::parse(&sid.to_bytes()).unwrap(), sid);
        // The owner placed after a DACL, as Windows writes a full descriptor.
        let mut full = sd_with_owner(&[0xAA; 8]);
        let owner = sid_bytes(&[18]);
        let at = u32::try_from(full.len()).unwrap();
        full[4..8].copy_from_slice(&at.to_le_bytes());
        full.extend_from_slice(&owner);
        assert_eq!(owner_sid(&full).unwrap().to_string(), "S-1-5-18");
        // A 48-bit authority is written in hex.
        assert_eq!(Sid { authority: 1 << 40, subs: vec![7] }.to_string(), "S-1-0x010000000000-7");
    }

    #[test]
    fn truncated_at_every_length() {
        let sd = sd_with_owner(&sid_bytes(&[21, 1, 2, 3, 500]));
        for n in 0..sd.len() {
            let e = owner_sid(&sd[..n]).unwrap_err();
            assert!(matches!(e, SdError::Truncated { .. } | SdError::OffsetPastEnd { .. }), "{n}: {e:?}");
        }
        assert_eq!(owner_sid(&sd[..30]).unwrap_err().to_string(), "security descriptor truncated: SID sub-authorities needs 32 bytes, 30 present");
        assert_eq!(owner_sid(&sd[..19]).unwrap_err().to_string(), "security descriptor truncated: header needs 20 bytes, 19 present");
    }

    #[test]
    fn hostile_descriptors() {
        let good = sd_with_owner(&sid_bytes(&[18]));
        let with = |at: usize, bytes: &[u8]| {
            let mut v = good.clone();
            v[at..at + bytes.len()].copy_from_slice(bytes);
            owner_sid(&v).unwrap_err()
        };
        assert_eq!(with(0, &[2]), SdError::BadRevision(2));
        assert_eq!(with(2, &[4, 0]), SdError::NotSelfRelative(4));
        assert_eq!(with(4, &0u32.to_le_bytes()), SdError::NoOwner);
        assert_eq!(with(4, &4u32.to_le_bytes()), SdError::OffsetInHeader { offset: 4 });
        assert_eq!(with(4, &u32::MAX.to_le_bytes()), SdError::OffsetPastEnd { offset: u32::MAX, len: 32 });
        assert_eq!(with(4, &32u32.to_le_bytes()).to_string(), "owner offset 32 is past the end of the 32-byte descriptor");
        assert_eq!(with(4, &28u32.to_le_bytes()), SdError::Truncated { what: "SID header", need: 36, have: 32 });
        assert_eq!(with(20, &[3]), SdError::SidRevision(3));
        // A count that claims more sub-authorities than present.
        assert!(matches!(with(21, &[2]), SdError::Truncated { what: "SID sub-authorities", .. }));
        // 16 and 255 sub-authorities are refused before any is read.
        let mut many = sd_with_owner(&[1, 16, 0, 0, 0, 0, 0, 5]);
        many.extend_from_slice(&[0; 64]);
        assert_eq!(owner_sid(&many).unwrap_err(), SdError::TooManySubAuthorities(16));
        assert_eq!(with(21, &[255]), SdError::TooManySubAuthorities(255));
        // Exactly 15 is valid.
        let fifteen: Vec<u32> = (1..=15).collect();
        assert_eq!(owner_sid(&sd_with_owner(&sid_bytes(&fifteen))).unwrap().subs.len(), 15);
    }

    #[test]
    fn sid_tables() {
        let s = |a: u64, subs: &[u32]| Sid { authority: a, subs: subs.to_vec() };
        assert_eq!(well_known(&s(5, &[18])), Some(("NT AUTHORITY\\SYSTEM", true)));
        assert_eq!(well_known(&s(5, &[32, 544])), Some(("BUILTIN\\Administrators", true)));
        assert_eq!(well_known(&s(5, &[9])), Some(("NT AUTHORITY\\ENTERPRISE DOMAIN CONTROLLERS", true)));
        assert_eq!(well_known(&s(5, &[11])), Some(("NT AUTHORITY\\Authenticated Users", false)));
        assert_eq!(well_known(&s(3, &[0])), Some(("CREATOR OWNER", false)));
        assert_eq!(well_known(&s(5, &[10])), Some(("NT AUTHORITY\\SELF", false)));
        assert_eq!(well_known(&s(5, &[21, 1, 2, 3, 500])), None);
        assert_eq!(domain_rid(500), Some(("Administrator", SidKind::User, true)));
        assert_eq!(domain_rid(512), Some(("Domain Admins", SidKind::Group, true)));
        assert_eq!(domain_rid(519), Some(("Enterprise Admins", SidKind::Group, true)));
        assert_eq!(domain_rid(516), Some(("Domain Controllers", SidKind::Group, true)));
        assert_eq!(domain_rid(513), Some(("Domain Users", SidKind::Group, false)));
        assert_eq!(domain_rid(1105), None);
        // Not a domain account SID: no RID split.
        assert_eq!(s(5, &[32, 544]).domain_rid(), None);
        assert_eq!(s(5, &[21, 1, 2]).domain_rid(), None);
    }

    #[test]
    fn filter_escaping() {
        assert_eq!(escape_filter_bytes(&[1, 0x2a, 0xff]), "\\01\\2a\\ff");
    }

    #[test]
    fn dhcp_servers_values() {
        let v = parse_dhcp_servers_value("i10.0.0.5$rcn=dhcp1.corp.example.test$f0x00000000$sdhcp1.corp.example.test$").unwrap();
        assert_eq!(v, AuthorizedDhcp { name: "dhcp1.corp.example.test".into(), ip: Some("10.0.0.5".into()) });
        let v = parse_dhcp_servers_value("i10.0.0.6$rcDHCP2.Corp.Example.Test.$f0x00000000$").unwrap();
        assert_eq!((v.name.as_str(), v.ip.as_deref()), ("dhcp2.corp.example.test", Some("10.0.0.6")));
        let v = parse_dhcp_servers_value("sDHCP3$i255.0.0.1$").unwrap();
        assert_eq!((v.name.as_str(), v.ip.as_deref()), ("dhcp3", Some("255.0.0.1")));
        assert_eq!(parse_dhcp_servers_value("i10.0.0.7$f0x0$"), None);
        assert_eq!(parse_dhcp_servers_value(""), None);
        assert_eq!(parse_dhcp_servers_value("$$$s$"), None);
        assert_eq!(parse_dhcp_servers_value("r\u{e9}$"), None);
    }
}
