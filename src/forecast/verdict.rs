//! Whether a record's host is in use (docs/forecast.md "Before enabling scavenging", `verdict`): an
//! audited lease whose fqdn is the host (for a PTR, a lease on its address whose fqdn is its
//! target), or an enabled AD computer whose `dNSHostName` is the host with a last logon within
//! the logon window before the as-of.

use std::hash::{Hash, Hasher};
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use rustc_hash::{FxHashMap, FxHasher};

use super::ForecastOptions;
use crate::audit::{AuditSettings, fqdn};
use crate::directory::{Computer, Directory};
use crate::dns::{self, DnsRecord, RecordData};
use crate::leases::Lease;

/// What says a record's host is live.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Judged<'a> {
    pub(crate) lease: Option<&'a Lease>,
    pub(crate) ad_logon: bool,
    pub(crate) computer: Option<&'a Computer>,
    /// The lease on the record's name (A/AAAA: `lease`) or address (PTR: `lease`, else any
    /// audited lease there): whose DHCP setting and duration the `refresh` rule reads.
    pub(crate) updater_lease: Option<&'a Lease>,
}

/// The indexes the verdict reads, hashed so that each record costs a probe or two rather than
/// binary searches through pointers (millions of records, each looked up once): the audited
/// leases by address and by a hash of their fqdn (no copy of the names), and for each
/// `dNSHostName` the computer that is evidence, if any, else its first.
pub(crate) struct Liveness<'a> {
    /// Audited leases, sorted by address, then host name.
    leases: Vec<&'a Lease>,
    /// Address → index of its first lease in `leases`.
    by_ip: FxHashMap<IpAddr, u32>,
    /// (hash of the fqdn, index into `leases`), sorted; and hash → its first position here.
    by_fqdn: Vec<(u64, u32)>,
    fqdn_start: FxHashMap<u64, u32>,
    /// `dNSHostName` → (the computer, whether it is evidence).
    computers: FxHashMap<&'a str, (&'a Computer, bool)>,
    domain: Option<String>,
}

fn hash(name: &str) -> u64 {
    let mut h = FxHasher::default();
    name.hash(&mut h);
    h.finish()
}

impl<'a> Liveness<'a> {
    pub(crate) fn new(leases: &'a [Lease], directory: &'a Directory, s: &AuditSettings, options: ForecastOptions) -> Liveness<'a> {
        let mut audited: Vec<&Lease> = leases.iter().filter(|l| l.is_audited(s.as_of)).collect();
        audited.sort_by(|a, b| a.ip.cmp(&b.ip).then_with(|| a.hostname.cmp(&b.hostname)));
        let mut by_ip: FxHashMap<IpAddr, u32> = FxHashMap::default();
        by_ip.reserve(audited.len());
        for (i, l) in audited.iter().enumerate() {
            let Ok(i) = u32::try_from(i) else { break };
            by_ip.entry(l.ip).or_insert(i);
        }
        let domain = s.domain.as_deref();
        let mut by_fqdn: Vec<(u64, u32)> = audited
            .iter()
            .enumerate()
            .filter_map(|(i, l)| Some((hash(&fqdn(l.hostname.as_deref(), domain)?), u32::try_from(i).ok()?)))
            .collect();
        // Among leases of one name, the lowest address comes first.
        by_fqdn.sort_unstable();
        let mut fqdn_start: FxHashMap<u64, u32> = FxHashMap::default();
        fqdn_start.reserve(by_fqdn.len());
        for (pos, &(h, _)) in by_fqdn.iter().enumerate() {
            let Ok(pos) = u32::try_from(pos) else { break };
            fqdn_start.entry(h).or_insert(pos);
        }
        let since = s.as_of.checked_sub_signed(options.logon_window).unwrap_or(DateTime::<Utc>::MIN_UTC);
        // Enabled, and last logged on at or after `as_of − logon_window` (a logon after the
        // as-of, when forecasting from a past as-of, counts too: the host was in use then).
        let logged_on = |c: &Computer| c.enabled == Some(true) && c.last_logon.is_some_and(|t| t >= since);
        let mut computers: FxHashMap<&'a str, (&'a Computer, bool)> = FxHashMap::default();
        for c in &directory.computers {
            let Some(host) = c.dns_host_name.as_deref() else { continue };
            let live = logged_on(c);
            // The first computer that is evidence, else the first of that name (shown, so that
            // an admin sees why it is not: disabled, or an old logon).
            let e = computers.entry(host).or_insert((c, live));
            if live && !e.1 {
                *e = (c, true);
            }
        }
        Liveness { leases: audited, by_ip, by_fqdn, fqdn_start, computers, domain: s.domain.clone() }
    }

    /// Whether the lease's fqdn (as [`fqdn`] makes it) is `name`, a normalised (lowercase) name,
    /// without building the fqdn: this runs for every record.
    fn named(&self, l: &Lease, name: &str) -> bool {
        let Some(h) = l.hostname.as_deref().map(|h| h.trim().trim_end_matches('.')).filter(|h| !h.is_empty()) else { return false };
        match self.domain.as_deref() {
            Some(d) if !h.contains('.') && !d.is_empty() => {
                name.len() == h.len() + 1 + d.len()
                    && name.get(..h.len()).is_some_and(|x| x.eq_ignore_ascii_case(h))
                    && name.get(h.len()..h.len() + 1) == Some(".")
                    && name.get(h.len() + 1..) == Some(d)
            }
            _ => h.eq_ignore_ascii_case(name),
        }
    }

    /// The audited leases whose fqdn is `name`, lowest address first.
    fn leases_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'a Lease> + 's {
        let h = hash(name);
        let start = self.fqdn_start.get(&h).map_or(self.by_fqdn.len(), |&p| p as usize);
        self.by_fqdn
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(move |&&(x, _)| x == h)
            .filter_map(|&(_, i)| self.leases.get(i as usize).copied())
            .filter(move |l| self.named(l, name))
    }

    /// The audited leases on `ip`.
    fn leases_on(&self, ip: IpAddr) -> impl Iterator<Item = &'a Lease> + '_ {
        let start = self.by_ip.get(&ip).map_or(self.leases.len(), |&i| i as usize);
        self.leases.get(start..).unwrap_or_default().iter().copied().take_while(move |l| l.ip == ip)
    }

    /// The verdict's evidence for one record.
    pub(crate) fn judge(&self, record: &DnsRecord) -> Judged<'a> {
        let (host, lease) = match &record.data {
            // The host is the owner; of its leases, the one on the record's own address first.
            RecordData::Addr(ip) => {
                let mut named = self.leases_named(&record.name).peekable();
                let first = named.peek().copied();
                let own = named.find(|l| l.ip == *ip);
                (record.name.as_str(), own.or(first))
            }
            // The host is the target; only a lease on the PTR's own address counts.
            RecordData::Ptr(target) => {
                let ip = dns::address_of_reverse(&record.name);
                let lease = ip.and_then(|ip| self.leases_on(ip).find(|l| self.named(l, target)));
                let (host, lease, any) = (target.as_str(), lease, ip.and_then(|ip| self.leases_on(ip).next()));
                let (computer, ad_logon) = self.computer_of(host);
                return Judged { lease, ad_logon, computer, updater_lease: lease.or(any) };
            }
            RecordData::Cname(_) => return Judged::default(),
        };
        let (computer, ad_logon) = self.computer_of(host);
        Judged { lease, ad_logon, computer, updater_lease: lease }
    }

    /// The computer whose `dNSHostName` is `host`, and whether it is evidence.
    fn computer_of(&self, host: &str) -> (Option<&'a Computer>, bool) {
        self.computers.get(host).map_or((None, false), |&(c, live)| (Some(c), live))
    }
}
