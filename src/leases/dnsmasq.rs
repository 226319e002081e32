//! Lease reader: the dnsmasq lease file (`dnsmasq.leases`, `--dhcp-leasefile`).
//!
//! One lease per line, fields separated by single spaces, as `lease.c` writes them:
//! - IPv4: `<expiry> <hwaddr> <ipv4> <hostname|*> <client-id|*>`
//! - `duid <server duid>`: starts the IPv6 part (not a lease; ignored)
//! - IPv6: `<expiry> [T]<iaid> <ipv6> <hostname|*> <client duid|*>`
//!
//! `expiry` is the end of the lease in Unix seconds (UTC); `0` means an infinite lease
//! (`expires` = `None`). dnsmasq keeps only current leases, so every record is `Active`;
//! the file tells no lease length (`duration` = `None`) and no scope. The hardware address
//! is `aa:bb:...`, prefixed with `<hwtype>-` for non-Ethernet types (the prefix is dropped).
//! A dnsmasq built with `HAVE_BROKEN_RTC` writes the lease length instead of the expiry;
//! such files are not supported. Should an address appear twice, the later line wins.

use std::net::IpAddr;
use std::sync::Arc;

use chrono::DateTime;

use super::{Lease, LeaseState};
use crate::input::{Problems, SkipReason, numbered_lines};

pub(crate) fn parse(text: &str, source: &Arc<str>, out: &mut Vec<Lease>, problems: &mut Problems) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let start_len = out.len();
    // dnsmasq says nothing of scopes, servers or registrations: one origin for the file.
    let origin = super::LeaseOrigin::new(source, None, None, None);
    // One lease per line: reserving up front spares the copies of a growing vector.
    out.reserve(text.bytes().filter(|&b| b == b'\n').count());
    for (line_no, line) in numbered_lines(text) {
        let mut fields = [""; 6];
        let mut n = 0;
        for f in line.split_ascii_whitespace() {
            if n < fields.len() {
                fields[n] = f;
            }
            n += 1;
        }
        if n == 0 || fields[0].starts_with('#') {
            continue;
        }
        if fields[0] == "duid" {
            // The server's own DUID, written before the IPv6 leases.
            continue;
        }
        if n < 4 {
            problems.push(source, line_no, SkipReason::Truncated, format!("expected 5 fields, found {n}"));
            continue;
        }
        if n > 5 {
            problems.push(source, line_no, SkipReason::Malformed, format!("expected 5 fields, found {n}"));
            continue;
        }
        let [expiry, hw_or_iaid, addr, name, ..] = fields;
        let ip: IpAddr = match addr.parse() {
            Ok(ip) => ip,
            Err(_) => {
                problems.push(source, line_no, SkipReason::BadAddress, format!("'{addr}' is not an IP address"));
                continue;
            }
        };
        let expires = match expiry.parse::<i64>() {
            Ok(0) => None,
            Ok(secs) => match DateTime::from_timestamp(secs, 0) {
                Some(t) => Some(t),
                None => {
                    problems.push(source, line_no, SkipReason::BadTime, format!("expiry '{expiry}' is out of range"));
                    continue;
                }
            },
            Err(_) => {
                problems.push(source, line_no, SkipReason::BadTime, format!("expiry '{expiry}' is not a Unix time"));
                continue;
            }
        };
        let mac = match ip {
            IpAddr::V4(_) => hwaddr(hw_or_iaid),
            // The second field of an IPv6 line is the IAID, not a hardware address.
            IpAddr::V6(_) => None,
        };
        let hostname = if name == "*" || name.is_empty() { None } else { Some(name.into()) };
        out.push(Lease {
            ip,
            hostname,
            mac,
            state: LeaseState::Active,
            expires,
            duration: None,
            origin: Arc::clone(&origin),
            line: line_no,
        });
    }
    // dnsmasq rewrites the whole file, so an address appears once; should it appear twice
    // (a hand-merged file), the later line wins like in the other formats.
    super::keep_last_per_address(out, start_len, problems);
}

/// dnsmasq's hardware address: `aa:bb:..`, or `<type>-aa:bb:..` for a non-Ethernet type
/// (and `<type>-` alone when the client sent none).
fn hwaddr(s: &str) -> Option<crate::text::Text> {
    let s = match s.as_bytes() {
        [a, b, b'-', ..] if a.is_ascii_hexdigit() && b.is_ascii_hexdigit() && !s[3..].contains('-') => &s[3..],
        _ => s,
    };
    if s == "*" {
        return None;
    }
    super::normalize_mac(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    const FIXTURE: &str = include_str!("../../tests/fixtures/leases/dnsmasq.leases");

    fn run(text: &str) -> (Vec<Lease>, Problems) {
        let src: Arc<str> = Arc::from("dnsmasq.leases");
        let mut out = Vec::new();
        let mut problems = Problems::default();
        parse(text, &src, &mut out, &mut problems);
        (out, problems)
    }

    fn at(secs: i64) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(secs, 0)
    }

    #[test]
    fn valid_file() {
        let (leases, problems) = run(FIXTURE);
        assert!(problems.is_empty(), "{:?}", problems.list);
        assert_eq!(leases.len(), 5);
        let l = &leases[0];
        assert_eq!(l.ip, "192.168.10.23".parse::<IpAddr>().unwrap());
        assert_eq!(l.hostname.as_deref(), Some("laptop-ana"));
        assert_eq!(l.mac.as_deref(), Some("3c:22:fb:0a:1b:2c"));
        assert_eq!(l.state, LeaseState::Active);
        assert_eq!(l.expires, at(1_795_507_200));
        assert_eq!(l.duration, None);
        assert_eq!(l.scope(), None);
        assert_eq!(l.dns_registration(), None);
        assert_eq!(&**l.source(), "dnsmasq.leases");
        assert_eq!(l.line, 1);
        // `*` hostname, infinite lease
        assert_eq!(leases[1].hostname, None);
        assert_eq!(leases[1].expires, None);
        assert_eq!(leases[1].mac.as_deref(), Some("b8:27:eb:12:34:56"));
        // non-Ethernet hardware type prefix dropped
        assert_eq!(leases[2].mac.as_deref(), Some("00:11:22:33:44:55"));
        assert_eq!(leases[2].hostname.as_deref(), Some("printer-2f.lan"));
        // IPv6 after the duid line
        let v6 = &leases[3];
        assert_eq!(v6.ip, "fd00:10::1a2b".parse::<IpAddr>().unwrap());
        assert_eq!(v6.hostname.as_deref(), Some("nas"));
        assert_eq!(v6.mac, None);
        assert_eq!(v6.expires, at(1_795_510_800));
        assert_eq!(v6.line, 5);
        assert_eq!(leases[4].hostname, None);
        assert_eq!(leases[4].line, 6);
    }

    #[test]
    fn truncated_bad_address_bad_time() {
        let text = "1795507200 3c:22:fb:0a:1b:2c 192.168.10.23 a *\n\
                    1795507200 3c:22:fb:0a:1b:2d 192.168.10\n\
                    1795507200 3c:22:fb:0a:1b:2e 192.168.10.300 b *\n\
                    soon 3c:22:fb:0a:1b:2f 192.168.10.25 c *\n\
                    1795507200 3c:22:fb:0a:1b:2f 192.168.10.26 c * extra\n";
        let (leases, problems) = run(text);
        assert_eq!(leases.len(), 1);
        let got: Vec<_> = problems.list.iter().map(|p| (p.line, p.reason)).collect();
        assert_eq!(
            got,
            vec![(2, SkipReason::Truncated), (3, SkipReason::BadAddress), (4, SkipReason::BadTime), (5, SkipReason::Malformed)]
        );
    }

    #[test]
    fn empty_file() {
        let (leases, problems) = run("");
        assert!(leases.is_empty() && problems.is_empty());
        let (leases, problems) = run("\n\n");
        assert!(leases.is_empty() && problems.is_empty());
    }

    #[test]
    fn bom_and_crlf() {
        let text = format!("\u{feff}{}", FIXTURE.replace('\n', "\r\n"));
        let (leases, problems) = run(&text);
        assert!(problems.is_empty(), "{:?}", problems.list);
        assert_eq!(leases, run(FIXTURE).0);
        assert_eq!(leases[4].hostname, None);
    }

    #[test]
    fn four_fields_accepted() {
        // Old dnsmasq versions wrote no client id.
        let (leases, problems) = run("1795507200 3c:22:fb:0a:1b:2c 192.168.10.23 a\n");
        assert!(problems.is_empty());
        assert_eq!(leases[0].hostname.as_deref(), Some("a"));
    }

    #[test]
    fn last_wins() {
        let (leases, problems) = run("0 3c:22:fb:0a:1b:2c 192.168.10.23 a *\n0 3c:22:fb:0a:1b:2d 192.168.10.24 b *\n0 3c:22:fb:0a:1b:2e 192.168.10.23 c *\n");
        assert_eq!(leases.len(), 2);
        assert_eq!(leases[0].hostname.as_deref(), Some("b"));
        assert_eq!(leases[1].hostname.as_deref(), Some("c"));
        assert_eq!(leases[1].line, 3);
        let got: Vec<_> = problems.list.iter().map(|p| (p.line, p.reason)).collect();
        assert_eq!(got, vec![(1, SkipReason::Superseded)]);
    }

}
