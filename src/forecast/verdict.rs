//! Whether a record's host is in use (README "Before enabling scavenging", `verdict`): an
//! audited lease whose fqdn is the host (for a PTR, a lease on its address whose fqdn is its
//! target), or an enabled AD computer whose `dNSHostName` is the host with a last logon within
//! the logon window before the as-of.

use std::hash::{Hash, Hasher};
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use rustc_hash::FxHasher;

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
}

/// The indexes the verdict reads: the audited leases by address, and by a hash of their fqdn
/// (16 bytes a lease rather than a copy of every name: a million leases stay cheap).
pub(crate) struct Liveness<'a> {
    /// Audited leases, sorted by address, then host name.
    leases: Vec<&'a Lease>,
    /// (hash of the fqdn, index into `leases`), sorted.
    by_fqdn: Vec<(u64, u32)>,
    directory: &'a Directory,
    domain: Option<String>,
    /// The earliest last logon that counts: `as_of − logon_window`.
    logon_since: DateTime<Utc>,
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
        let domain = s.domain.as_deref();
        let mut by_fqdn: Vec<(u64, u32)> = audited
            .iter()
            .enumerate()
            .filter_map(|(i, l)| Some((hash(&fqdn(l.hostname.as_deref(), domain)?), u32::try_from(i).ok()?)))
            .collect();
        // Stable on the index: among leases of one name, the lowest address comes first.
        by_fqdn.sort_unstable();
        let logon_since = s.as_of.checked_sub_signed(options.logon_window).unwrap_or(DateTime::<Utc>::MIN_UTC);
        Liveness { leases: audited, by_fqdn, directory, domain: s.domain.clone(), logon_since }
    }

    fn fqdn_of(&self, l: &Lease) -> Option<String> {
        fqdn(l.hostname.as_deref(), self.domain.as_deref())
    }

    /// The audited leases whose fqdn is `name`, lowest address first.
    fn leases_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'a Lease> + 's {
        let h = hash(name);
        let start = self.by_fqdn.partition_point(|&(x, _)| x < h);
        self.by_fqdn
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(move |&&(x, _)| x == h)
            .filter_map(|&(_, i)| self.leases.get(i as usize).copied())
            .filter(move |l| self.fqdn_of(l).as_deref() == Some(name))
    }

    /// The audited leases on `ip`.
    fn leases_on(&self, ip: IpAddr) -> impl Iterator<Item = &'a Lease> + '_ {
        let start = self.leases.partition_point(|l| l.ip < ip);
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
                let lease = dns::address_of_reverse(&record.name)
                    .and_then(|ip| self.leases_on(ip).find(|l| self.fqdn_of(l).as_deref() == Some(target.as_str())));
                (target.as_str(), lease)
            }
            RecordData::Cname(_) => return Judged::default(),
        };
        // The computer that is evidence, else the first of that dNSHostName (shown, so that an
        // admin sees why it is not: disabled, or an old logon).
        let mut computers = self.directory.with_dns_host_name(host).peekable();
        let first = computers.peek().copied();
        let live = computers.find(|c| self.logged_on(c));
        Judged { lease, ad_logon: live.is_some(), computer: live.or(first) }
    }

    /// Enabled, and last logged on at or after `as_of − logon_window` (a logon after the as-of,
    /// when forecasting from a past as-of, counts too: the host was in use then).
    fn logged_on(&self, c: &Computer) -> bool {
        c.enabled == Some(true) && c.last_logon.is_some_and(|t| t >= self.logon_since)
    }
}
