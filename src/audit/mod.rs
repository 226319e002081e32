//! Stage 4, audit: the product's rules. A pure, synchronous function of the gathered leases,
//! computers and DNS data, the settings and the moment audited; it returns one [`Finding`] per
//! audited lease. No I/O here: everything is tested without servers.

mod findings;
mod remediation;
mod risk;

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use chrono::{DateTime, TimeDelta, Utc};

pub use findings::{FailOn, RecordKind, RecordStatus, Risk, Status};
pub use risk::RecordAge;

use crate::directory::{Computer, Directory};
use crate::dns::{self, DnsData, DnsRecord, RecordData};
use crate::leases::Lease;

/// What the rules need to know besides the data.
#[derive(Debug, Clone)]
pub struct AuditSettings {
    /// The moment audited (`--as-of`, default now).
    pub as_of: DateTime<Utc>,
    /// Suffix for host names without a dot (`--domain`), lowercase, no dots at either end.
    pub domain: Option<String>,
    /// Zone aging intervals where the data does not carry them.
    pub no_refresh: TimeDelta,
    pub refresh: TimeDelta,
    pub scavenging_interval: TimeDelta,
    /// Evaluate risk as if aging were on for every zone.
    pub assume_aging: bool,
}

/// The audit's verdict on one lease: every value of one report row, typed.
#[derive(Debug, Clone)]
pub struct Finding<'a> {
    pub status: Status,
    pub lease: &'a Lease,
    /// Lowercase, no trailing dot, with `.<domain>` appended to single labels; `None` without a hostname.
    pub fqdn: Option<String>,
    pub a_status: RecordStatus,
    /// The A/AAAA addresses found for `fqdn`.
    pub a_records: Vec<IpAddr>,
    pub ptr_status: RecordStatus,
    /// The PTR targets found for the lease address.
    pub ptr_records: Vec<String>,
    /// Age of the matching A/AAAA or PTR record at higher risk; `None` when neither exists.
    pub age: Option<RecordAge>,
    pub computer: Option<&'a Computer>,
    /// One sentence for every row that is not `ok`.
    pub remediation: Option<String>,
}

/// Audits every lease that is active or reserved and unexpired at `settings.as_of`,
/// returning findings sorted by address.
pub fn audit<'a>(leases: &'a [Lease], directory: &'a Directory, dns: &DnsData, settings: &AuditSettings) -> Vec<Finding<'a>> {
    let audited: Vec<&Lease> = leases.iter().filter(|l| l.is_audited(settings.as_of)).collect();
    let fqdns: Vec<Option<String>> = audited.iter().map(|l| fqdn(l.hostname.as_deref(), settings.domain.as_deref())).collect();

    // Which addresses each host name holds a lease on: an A record for any of them is legitimate.
    let mut leased_to: HashMap<&str, HashSet<IpAddr>> = HashMap::new();
    for (lease, name) in audited.iter().zip(&fqdns) {
        if let Some(name) = name {
            leased_to.entry(name.as_str()).or_default().insert(lease.ip);
        }
    }
    let index = RecordIndex::new(dns);

    let mut findings: Vec<Finding<'a>> = audited
        .iter()
        .zip(&fqdns)
        .map(|(lease, name)| {
            let lease: &'a Lease = lease;
            audit_one(lease, name.clone(), &leased_to, &index, dns, directory, settings)
        })
        .collect();
    findings.sort_by(|a, b| a.lease.ip.cmp(&b.lease.ip).then_with(|| a.fqdn.cmp(&b.fqdn)));
    findings
}

/// SPEC's `fqdn`: lowercase, without trailing dot, `.<domain>` appended when it has no dot.
pub fn fqdn(hostname: Option<&str>, domain: Option<&str>) -> Option<String> {
    let name = dns::normalize_name(hostname?);
    if name.is_empty() {
        return None;
    }
    match domain {
        Some(d) if !name.contains('.') && !d.is_empty() => Some(format!("{name}.{d}")),
        _ => Some(name),
    }
}

fn audit_one<'a>(
    lease: &'a Lease,
    fqdn: Option<String>,
    leased_to: &HashMap<&str, HashSet<IpAddr>>,
    index: &RecordIndex<'_>,
    dns: &DnsData,
    directory: &'a Directory,
    settings: &AuditSettings,
) -> Finding<'a> {
    let Some(name) = fqdn else {
        return Finding {
            status: Status::Ok,
            lease,
            fqdn: None,
            a_status: RecordStatus::NotApplicable,
            a_records: Vec::new(),
            ptr_status: RecordStatus::NotApplicable,
            ptr_records: Vec::new(),
            age: None,
            computer: None,
            remediation: None,
        };
    };

    // Forward: A/AAAA of the name (through CNAMEs), compared within the lease's address family.
    let forward = index.addresses(&name, dns);
    let a_records: Vec<IpAddr> = forward.records.iter().filter_map(|r| addr_of(r)).collect();
    let same_family: Vec<IpAddr> = a_records.iter().copied().filter(|a| a.is_ipv4() == lease.ip.is_ipv4()).collect();
    let empty = HashSet::new();
    let legit = leased_to.get(name.as_str()).unwrap_or(&empty);
    let a_status = if !forward.covered {
        RecordStatus::Unknown
    } else {
        compare(&same_family, &lease.ip, |a| legit.contains(a))
    };
    let matching_a = forward.records.iter().copied().find(|r| addr_of(r) == Some(lease.ip));

    // Reverse: PTR of the address against the name.
    let rname = dns::reverse_name(lease.ip);
    let ptrs: Vec<&DnsRecord> = index.get(&rname).filter(|r| matches!(r.data, RecordData::Ptr(_))).collect();
    let ptr_records: Vec<String> = ptrs.iter().filter_map(|r| ptr_of(r).map(str::to_string)).collect();
    let ptr_status = if dns.covering_zone(&rname).is_none() {
        RecordStatus::Unknown
    } else {
        compare(&ptr_records, &name, |_| false)
    };
    let matching_ptr = ptrs.iter().copied().find(|r| ptr_of(r) == Some(name.as_str()));

    let ages = [matching_a, matching_ptr].map(|r| r.map(|r| risk::assess(r, &dns.zones[r.zone], lease, settings)));
    let age = risk::worse(ages[0].clone(), ages[1].clone());

    let status = status_of(a_status, ptr_status, age.as_ref().map(|a| a.risk));
    let computer = directory.find(&name);
    let mut finding = Finding {
        status,
        lease,
        fqdn: Some(name),
        a_status,
        a_records,
        ptr_status,
        ptr_records,
        age,
        computer,
        remediation: None,
    };
    let ctx = remediation::Context {
        forward_covered: forward.covered,
        reverse_covered: dns.covering_zone(&rname).is_some(),
        reverse_zone_hint: remediation::reverse_zone_hint(lease.ip),
        a_age: ages[0].as_ref(),
        ptr_age: ages[1].as_ref(),
        legit,
    };
    finding.remediation = remediation::sentence(&finding, &ctx, settings);
    finding
}

/// `ok` / `extra` / `mismatch` / `missing` for a set of found values against the expected one.
/// `also_legit` marks other values that are not stale (another address leased to the same host).
fn compare<T: PartialEq>(found: &[T], expected: &T, also_legit: impl Fn(&T) -> bool) -> RecordStatus {
    if found.is_empty() {
        RecordStatus::Missing
    } else if !found.contains(expected) {
        RecordStatus::Mismatch
    } else if found.iter().any(|v| v != expected && !also_legit(v)) {
        RecordStatus::Extra
    } else {
        RecordStatus::Ok
    }
}

/// SPEC's `status`: the first that applies.
pub fn status_of(a: RecordStatus, ptr: RecordStatus, risk: Option<Risk>) -> Status {
    use RecordStatus as R;
    if a == R::Missing || ptr == R::Missing {
        Status::Missing
    } else if matches!(a, R::Mismatch | R::Extra) || matches!(ptr, R::Mismatch | R::Extra) {
        Status::Stale
    } else if matches!(risk, Some(Risk::High | Risk::Medium)) {
        Status::AtRisk
    } else if a == R::Unknown || ptr == R::Unknown {
        Status::Unknown
    } else {
        Status::Ok
    }
}

fn addr_of(r: &DnsRecord) -> Option<IpAddr> {
    match r.data {
        RecordData::Addr(a) => Some(a),
        _ => None,
    }
}

fn ptr_of(r: &DnsRecord) -> Option<&str> {
    match &r.data {
        RecordData::Ptr(t) => Some(t),
        _ => None,
    }
}

/// The records of each owner name, de-duplicated (the same zone exported twice, or from two
/// DCs, keeps the most recently refreshed copy).
struct RecordIndex<'d> {
    by_name: HashMap<&'d str, Vec<&'d DnsRecord>>,
}

struct Forward<'d> {
    records: Vec<&'d DnsRecord>,
    /// Whether any zone in the data holds the name (or the CNAME chain's last name).
    covered: bool,
}

impl<'d> RecordIndex<'d> {
    fn new(dns: &'d DnsData) -> RecordIndex<'d> {
        let mut by_name: HashMap<&'d str, Vec<&'d DnsRecord>> = HashMap::with_capacity(dns.records.len());
        for r in &dns.records {
            let v = by_name.entry(r.name.as_str()).or_default();
            match v.iter_mut().find(|o| o.data == r.data) {
                Some(o) => {
                    if newer(r, o) {
                        *o = r;
                    }
                }
                None => v.push(r),
            }
        }
        RecordIndex { by_name }
    }

    fn get(&self, name: &str) -> impl Iterator<Item = &'d DnsRecord> + '_ {
        self.by_name.get(name).into_iter().flatten().copied()
    }

    /// A/AAAA records of `name`, following up to 8 CNAMEs as a resolver would.
    fn addresses(&self, name: &str, dns: &DnsData) -> Forward<'d> {
        let mut current = name.to_string();
        for _ in 0..8 {
            let here: Vec<&'d DnsRecord> = self.get(&current).collect();
            if let Some(target) = here.iter().find_map(|r| match &r.data {
                RecordData::Cname(t) => Some(t.clone()),
                _ => None,
            }) {
                current = target;
                continue;
            }
            let records = here.into_iter().filter(|r| matches!(r.data, RecordData::Addr(_))).collect();
            return Forward { records, covered: dns.covering_zone(&current).is_some() };
        }
        // A CNAME loop or an absurd chain: what a resolver would fail on.
        Forward { records: Vec::new(), covered: false }
    }
}

/// Static records (no timestamp) are kept over dynamic copies; otherwise the later timestamp.
fn newer(candidate: &DnsRecord, current: &DnsRecord) -> bool {
    match (candidate.timestamp, current.timestamp) {
        (None, Some(_)) => true,
        (Some(c), Some(o)) => c > o,
        _ => false,
    }
}

#[cfg(test)]
mod tests;
