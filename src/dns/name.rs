//! Domain names: the text form every stage compares (lowercase ASCII, no trailing dot), the
//! rule for which names DNS can carry, and [`DnsName`], a name checked against that rule.
//! Only a [`DnsName`] is ever asked of live DNS, so the wire encoder never meets a name it
//! cannot write.

use std::borrow::Borrow;
use std::fmt;
use std::net::IpAddr;

/// A name DNS can carry, normalized: lowercase ASCII (non-ASCII kept as is, as Windows DNS
/// stores it), no trailing dot, at most 253 octets, labels of 1 to 63 octets, characters as
/// [`invalid_name`] allows. Built only by [`DnsName::parse`] and [`DnsName::reverse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct DnsName(Box<str>);

/// Why a text is not a [`DnsName`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid DNS name ({reason})")]
pub(crate) struct InvalidName {
    /// As [`invalid_name`] words it (`an empty label`).
    pub(crate) reason: &'static str,
}

impl DnsName {
    /// Normalizes `text` (see [`normalize_name`]) and checks it.
    pub(crate) fn parse(text: &str) -> Result<DnsName, InvalidName> {
        let name = normalize_name(text);
        match invalid_name(&name) {
            Some(reason) => Err(InvalidName { reason }),
            None => Ok(DnsName(name.into_boxed_str())),
        }
    }

    /// The reverse-lookup name of an address: valid by construction (digits, hex nibbles,
    /// at most 72 octets).
    pub(crate) fn reverse(ip: IpAddr) -> DnsName {
        DnsName(reverse_name(ip).into_boxed_str())
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// The labels, each 1 to 63 octets.
    pub(crate) fn labels(&self) -> impl Iterator<Item = &[u8]> {
        self.0.split('.').map(str::as_bytes)
    }
}

impl fmt::Display for DnsName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Borrow<str> for DnsName {
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// Why `name` (lowercase, no trailing dot) cannot be registered, if it cannot. The wire
/// format forbids an empty label, a label over 63 octets and a name over 253 octets written
/// out (255 on the wire). Characters follow Windows DNS's default name checking (Multibyte
/// UTF-8): any non-ASCII UTF-8 character is accepted (`café-pc`), ASCII is limited to letters,
/// digits, hyphens and underscores, and control characters are refused, as are bidirectional
/// formatting characters ([`crate::text::is_bidi_control`]: a name holding them displays as
/// another host's name).
pub(crate) fn invalid_name(name: &str) -> Option<&'static str> {
    if name.len() > 253 {
        return Some("longer than 253 characters");
    }
    // One pass over the bytes (it runs several times per lease on a million-lease site); the
    // reasons keep their order: labels first, then control characters, then other ASCII.
    let (mut label, mut control, mut other_ascii, mut non_ascii) = (0usize, false, false, false);
    for &b in name.as_bytes() {
        if b == b'.' {
            if label == 0 {
                return Some("an empty label");
            }
            label = 0;
            continue;
        }
        label += 1;
        if label > 63 {
            return Some("a label longer than 63 octets");
        }
        if !b.is_ascii() {
            non_ascii = true;
        } else if b.is_ascii_control() {
            control = true;
        } else if !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            other_ascii = true;
        }
    }
    if label == 0 {
        return Some("an empty label");
    }
    // C1 controls (U+0080..U+009F) are non-ASCII: only then are the characters decoded.
    if control || (non_ascii && name.chars().any(char::is_control)) {
        return Some("a control character");
    }
    if non_ascii && name.chars().any(crate::text::is_bidi_control) {
        return Some("a bidirectional formatting character");
    }
    if other_ascii {
        return Some("ASCII characters other than letters, digits, hyphens and underscores");
    }
    None
}

/// Lowercase, without the trailing dot.
pub(crate) fn normalize_name(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// The reverse-lookup name of an address (`21.16.0.10.in-addr.arpa`, nibbles for IPv6).
pub(crate) fn reverse_name(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.{}.in-addr.arpa", o[3], o[2], o[1], o[0])
        }
        IpAddr::V6(v6) => {
            let mut s = String::with_capacity(72);
            for b in v6.octets().iter().rev() {
                for nib in [b & 0xF, b >> 4] {
                    s.push(char::from_digit(u32::from(nib), 16).unwrap_or('0'));
                    s.push('.');
                }
            }
            s.push_str("ip6.arpa");
            s
        }
    }
}

/// The address a reverse-lookup name stands for (the inverse of [`reverse_name`]): four
/// decimal octets under `in-addr.arpa`, 32 hex nibbles under `ip6.arpa`; `None` for any other
/// name (a classless `0/25.2.77.10.in-addr.arpa` delegation's own names, a zone's apex).
pub(crate) fn address_of_reverse(name: &str) -> Option<IpAddr> {
    if let Some(rest) = name.strip_suffix(".in-addr.arpa") {
        // As `reverse_name` writes them: decimal, no leading zero (`021` is another name).
        let octet = |s: Option<&str>| match s? {
            s if s.is_empty() || s.len() > 3 || !s.bytes().all(|c| c.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0')) => None,
            s => s.parse::<u8>().ok(),
        };
        let mut labels = rest.split('.');
        let (d, c, b, a) = (octet(labels.next())?, octet(labels.next())?, octet(labels.next())?, octet(labels.next())?);
        return labels.next().is_none().then(|| IpAddr::from([a, b, c, d]));
    }
    let rest = name.strip_suffix(".ip6.arpa")?;
    let mut octets = [0u8; 16];
    let mut count = 0usize;
    // Nibbles are written least significant first.
    for (k, label) in rest.split('.').enumerate() {
        let mut chars = label.chars();
        let (Some(ch), None) = (chars.next(), chars.next()) else { return None };
        let nibble = u8::try_from(ch.to_digit(16)?).ok()?;
        let index = 15usize.checked_sub(k / 2)?;
        let o = octets.get_mut(index)?;
        *o |= if k % 2 == 0 { nibble } else { nibble << 4 };
        count += 1;
    }
    (count == 32).then(|| IpAddr::from(octets))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverse_names_read_back() {
        for ip in ["10.0.16.21", "0.0.0.0", "255.255.255.255", "fd00:77::2:131", "::1"] {
            let ip: IpAddr = ip.parse().unwrap();
            assert_eq!(address_of_reverse(&reverse_name(ip)), Some(ip));
        }
        for bad in ["16.0.10.in-addr.arpa", "256.16.0.10.in-addr.arpa", "0/25.2.77.10.in-addr.arpa", "+1.16.0.10.in-addr.arpa", "021.16.0.10.in-addr.arpa", "1.21.16.0.10.in-addr.arpa", "x.ip6.arpa", "in-addr.arpa", "pc1.corp.test"] {
            assert_eq!(address_of_reverse(bad), None, "{bad}");
        }
    }

    #[test]
    fn reverse_names() {
        assert_eq!(reverse_name("10.0.16.21".parse().unwrap()), "21.16.0.10.in-addr.arpa");
        assert_eq!(
            reverse_name("2001:db8::1".parse().unwrap()),
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"
        );
        let v6 = DnsName::reverse("2001:db8::1".parse().unwrap());
        assert_eq!(DnsName::parse(v6.as_str()), Ok(v6));
    }

    #[test]
    fn names_dns_cannot_carry() {
        assert_eq!(invalid_name("café-pc.corp.test"), None);
        assert_eq!(invalid_name("_msdcs.corp.test"), None);
        assert_eq!(invalid_name("a.".repeat(127).trim_end_matches('.')), None); // 253
        assert_eq!(invalid_name(&"a.".repeat(128)), Some("longer than 253 characters"));
        assert_eq!(invalid_name(&"é".repeat(32)), Some("a label longer than 63 octets")); // 64 octets
        assert_eq!(invalid_name("pc\u{85}"), Some("a control character"));
        for bidi in ['\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}'] {
            assert_eq!(invalid_name(&format!("pc{bidi}1.corp.test")), Some("a bidirectional formatting character"), "{bidi:?}");
        }
        assert_eq!(invalid_name("pc\u{202F}1.corp.test"), None);
        assert_eq!(invalid_name("pc 1"), Some("ASCII characters other than letters, digits, hyphens and underscores"));
    }

    #[test]
    fn a_dns_name_is_normalized_and_checked_where_it_is_born() {
        let n = DnsName::parse(" Café-PC.Corp.Test. ").unwrap();
        assert_eq!(n.as_str(), "café-pc.corp.test");
        assert_eq!(n.labels().collect::<Vec<_>>(), vec!["café-pc".as_bytes(), b"corp", b"test"]);
        // Every way a host name can be unfit for the wire is refused here, never encoded.
        assert_eq!(DnsName::parse("").unwrap_err().to_string(), "not a valid DNS name (an empty label)");
        assert_eq!(DnsName::parse(".").unwrap_err().reason, "an empty label");
        assert_eq!(DnsName::parse("pc..corp.test").unwrap_err().reason, "an empty label");
        assert_eq!(DnsName::parse(&format!("{}.t", "x".repeat(64))).unwrap_err().reason, "a label longer than 63 octets");
        assert_eq!(DnsName::parse(&"a.".repeat(127)).map(|n| n.as_str().len()), Ok(253));
        assert_eq!(DnsName::parse(&"a.".repeat(128)).unwrap_err().reason, "longer than 253 characters");
        assert_eq!(DnsName::parse("pc\\1.t").unwrap_err().reason, "ASCII characters other than letters, digits, hyphens and underscores");
        assert_eq!(DnsName::parse("pc\u{0}.t").unwrap_err().reason, "a control character");
    }
}
