//! Stage 4, audit: the product's rules. A pure, synchronous function of the gathered leases,
//! computers and DNS data, the settings and the moment audited; it returns one [`Finding`] per
//! audited lease. No I/O here: everything is tested without servers.

mod findings;
mod remediation;
mod risk;

use std::net::IpAddr;

use chrono::{DateTime, TimeDelta, Utc};
use rustc_hash::FxHashMap;

pub use findings::{FailOn, RecordKind, RecordStatus, Risk, Status};
pub use risk::RecordAge;

use crate::directory::{Computer, Directory};
use crate::dns::answers::{Answer, Failure, LiveAnswers};
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

/// The audit over one set of gathered data: built once (indexes), then yields one finding per
/// audited lease, in address order, without holding them all (a million-lease site streams
/// straight into the report).
pub struct Auditor<'a, 'd> {
    /// Audited leases, sorted by address (unique after the readers' de-duplication).
    leases: Vec<&'a Lease>,
    directory: &'a Directory,
    dns: &'d DnsData,
    index: RecordIndex<'d>,
    live: Option<&'d LiveAnswers>,
    settings: &'d AuditSettings,
}

impl<'a, 'd> Auditor<'a, 'd> {
    /// `live`: answers from live DNS (`--dns-server`); they decide `a_status`/`ptr_status`
    /// while ages still come from `dns`.
    pub fn new(
        leases: &'a [Lease],
        directory: &'a Directory,
        dns: &'d DnsData,
        live: Option<&'d LiveAnswers>,
        settings: &'d AuditSettings,
    ) -> Auditor<'a, 'd> {
        let mut audited: Vec<&'a Lease> = leases.iter().filter(|l| l.is_audited(settings.as_of)).collect();
        audited.sort_by(|a, b| a.ip.cmp(&b.ip).then_with(|| a.hostname.cmp(&b.hostname)));
        Auditor { leases: audited, directory, dns, index: RecordIndex::new(dns, settings.as_of), live, settings }
    }

    /// Lets live DNS answers decide `a_status`/`ptr_status` (the ages still come from the data).
    pub fn use_live(&mut self, live: &'d LiveAnswers) {
        self.live = Some(live);
    }

    /// How many leases are audited (active or reserved, unexpired).
    pub fn len(&self) -> usize {
        self.leases.len()
    }

    pub fn is_empty(&self) -> bool {
        self.leases.is_empty()
    }

    /// The findings, in address order.
    pub fn findings(&self) -> impl Iterator<Item = Finding<'a>> + '_ {
        self.leases.iter().map(move |lease| {
            let name = fqdn(lease.hostname.as_deref(), self.settings.domain.as_deref());
            let view = View { index: &self.index, dns: self.dns, live: self.live, directory: self.directory, settings: self.settings };
            audit_one(lease, name, &|ip, name| self.leased_to(ip, name), &view)
        })
    }

    /// The questions live DNS must answer: the fqdn of every audited lease with a host name
    /// (A and AAAA), and every audited address (PTR). De-duplicated, in a stable order.
    pub fn questions(&self) -> (Vec<String>, Vec<IpAddr>) {
        // Names DNS cannot carry are not asked (their rows are `missing` without asking).
        let mut names: Vec<String> = self
            .leases
            .iter()
            .filter_map(|l| fqdn(l.hostname.as_deref(), self.settings.domain.as_deref()))
            .filter(|n| dns::invalid_name(n).is_none())
            .collect();
        names.sort_unstable();
        names.dedup();
        let mut ips: Vec<IpAddr> = self.leases.iter().map(|l| l.ip).collect();
        ips.dedup();
        (names, ips)
    }

    /// Whether `ip` is leased (audited) to the host name `name`: such an address in DNS is a
    /// multi-homed host's other interface, not a stale record.
    fn leased_to(&self, ip: IpAddr, name: &str) -> bool {
        let start = self.leases.partition_point(|l| l.ip < ip);
        self.leases[start..]
            .iter()
            .take_while(|l| l.ip == ip)
            .any(|l| fqdn(l.hostname.as_deref(), self.settings.domain.as_deref()).as_deref() == Some(name))
    }
}

/// Audits every lease that is active or reserved and unexpired at `settings.as_of`,
/// returning findings sorted by address. (The run streams them with [`Auditor`].)
pub fn audit<'a>(leases: &'a [Lease], directory: &'a Directory, dns: &DnsData, settings: &AuditSettings) -> Vec<Finding<'a>> {
    Auditor::new(leases, directory, dns, None, settings).findings().collect()
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

/// What one lease is audited against.
struct View<'v, 'a> {
    index: &'v RecordIndex<'v>,
    dns: &'v DnsData,
    live: Option<&'v LiveAnswers>,
    directory: &'a Directory,
    settings: &'v AuditSettings,
}

fn audit_one<'a>(lease: &'a Lease, fqdn: Option<String>, leased_to: &dyn Fn(IpAddr, &str) -> bool, v: &View<'_, 'a>) -> Finding<'a> {
    let View { index, dns, live, directory, settings } = *v;
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

    // Forward: A/AAAA of the name (through CNAMEs), from live answers when there are any,
    // else from the data; compared within the lease's address family.
    let forward = if dns::invalid_name(&name).is_none() {
        index.addresses(&name, dns)
    } else {
        Forward { records: Vec::new(), cname: None, covered: false }
    };
    let (mut a_records, a_answer) = match live {
        Some(live) => {
            let family = if lease.ip.is_ipv4() { &live.a } else { &live.aaaa };
            let addrs: Vec<IpAddr> = [live.a.get(&name), live.aaaa.get(&name)]
                .into_iter()
                .flatten()
                .flat_map(answer_records)
                .filter_map(|d| match d {
                    RecordData::Addr(a) => Some(*a),
                    _ => None,
                })
                .collect();
            (addrs, Some(family.get(&name)))
        }
        None => (forward.records.iter().filter_map(|r| addr_of(r)).collect(), None),
    };
    // Listed in address order (IPv4 first), whatever order the answers had.
    a_records.sort_unstable();
    a_records.dedup();
    let same_family: Vec<IpAddr> = a_records.iter().copied().filter(|a| a.is_ipv4() == lease.ip.is_ipv4()).collect();
    // Addresses of the name that are neither this lease's nor leased to the same host name.
    let not_leased: Vec<IpAddr> =
        same_family.iter().copied().filter(|a| *a != lease.ip && !leased_to(*a, &name)).collect();
    // A single label (no --domain, no suffix from AD) cannot be checked in DNS: both sides are
    // unknown, and the remediation asks for the suffix, rather than calling records missing
    // or a correct PTR stale.
    let qualified = name.contains('.');
    // A name DNS cannot carry has no record anywhere and cannot get one: `missing`, whatever
    // the data says (it is not looked up; the remediation says to rename the device).
    let valid = dns::invalid_name(&name).is_none();
    let (a_status, a_failure) = if !valid {
        (RecordStatus::Missing, None)
    } else if qualified {
        side_status(a_answer, forward.covered, || compare(&same_family, &lease.ip, |a| !not_leased.contains(a)))
    } else {
        (RecordStatus::Unknown, None)
    };
    let has_a = same_family.contains(&lease.ip);
    let matching_a = forward.records.iter().copied().find(|r| addr_of(r) == Some(lease.ip));

    // Reverse: PTR of the address against the name.
    let rname = dns::reverse_name(lease.ip);
    let ptrs: Vec<&DnsRecord> = index.get(&rname).filter(|r| matches!(r.data, RecordData::Ptr(_))).collect();
    let (mut ptr_records, ptr_answer): (Vec<String>, _) = match live {
        Some(live) => {
            let answer = live.ptr.get(&lease.ip);
            let targets = answer
                .into_iter()
                .flat_map(answer_records)
                .filter_map(|d| match d {
                    RecordData::Ptr(t) => Some(t.clone()),
                    _ => None,
                })
                .collect();
            (targets, Some(answer))
        }
        None => (ptrs.iter().filter_map(|r| ptr_of(r).map(str::to_string)).collect(), None),
    };
    ptr_records.sort_unstable();
    ptr_records.dedup();
    let reverse_covered = dns.holds(&rname);
    let (ptr_status, ptr_failure) = if qualified {
        side_status(ptr_answer, reverse_covered, || compare(&ptr_records, &name, |_| false))
    } else {
        (RecordStatus::Unknown, None)
    };
    let has_ptr = qualified && ptr_records.contains(&name);
    let matching_ptr = ptrs.iter().copied().find(|r| qualified && ptr_of(r) == Some(name.as_str()));

    // Ages come from the data (AD or exports). With live answers, a record DNS serves that the
    // data does not hold has an unknown age; one the data holds but DNS does not serve has none.
    let age_of = |served: bool, record: Option<&DnsRecord>| match (live.is_some(), served, record) {
        (true, false, _) => None,
        (_, _, Some(r)) => Some(risk::assess(r, &dns.zones[r.zone], lease, settings)),
        (true, true, None) => Some(RecordAge::unknown()),
        (false, _, None) => None,
    };
    let ages = [age_of(has_a, matching_a), age_of(has_ptr, matching_ptr)];
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
    let disagreement = live.and_then(|l| l.disagreements.get(finding.fqdn.as_deref().unwrap_or_default()).or_else(|| l.disagreements.get(&rname)));
    // The CNAME that owns the lease's name: from the live answer when it carries one, else
    // from the data (the live engine returns the chain's addresses only).
    let live_cname = match live {
        Some(live) => [live.a.get(finding.fqdn.as_deref().unwrap_or_default()), live.aaaa.get(finding.fqdn.as_deref().unwrap_or_default())]
            .into_iter()
            .flatten()
            .flat_map(answer_records)
            .find_map(|d| match d {
                RecordData::Cname(t) => Some(t.clone()),
                _ => None,
            }),
        None => None,
    };
    let cname = live_cname.or_else(|| forward.cname.clone());
    let ctx = remediation::Context {
        cname: cname.as_deref(),
        forward_covered: qualified && (forward.covered || live.is_some()),
        reverse_covered: !qualified || reverse_covered || live.is_some(),
        a_failure,
        ptr_failure,
        disagreement: disagreement.map(String::as_str),
        a_age: ages[0].as_ref(),
        ptr_age: ages[1].as_ref(),
        not_leased: &not_leased,
    };
    finding.remediation = remediation::sentence(&finding, &ctx, settings);
    finding
}

/// A live answer's records (none for NXDOMAIN, NODATA or a failure).
fn answer_records(a: &Answer) -> &[RecordData] {
    match a {
        Answer::Records(r) => r,
        _ => &[],
    }
}

/// `a_status`/`ptr_status` from a live answer (`Some`), or from the data (`None`): a failed or
/// missing lookup, or a name no zone in the data covers, is `unknown`; NXDOMAIN and NODATA
/// are `missing`; records are compared.
fn side_status(live: Option<Option<&Answer>>, covered: bool, compare: impl FnOnce() -> RecordStatus) -> (RecordStatus, Option<Failure>) {
    match live {
        Some(None) => (RecordStatus::Unknown, Some(Failure::Other("not asked".into()))),
        Some(Some(Answer::Failed(f))) => (RecordStatus::Unknown, Some(f.clone())),
        Some(Some(Answer::NxDomain | Answer::NoData)) => (RecordStatus::Missing, None),
        Some(Some(Answer::Records(_))) => (compare(), None),
        None if !covered => (RecordStatus::Unknown, None),
        None => (compare(), None),
    }
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
/// DCs, keeps the most recently refreshed copy). A map from name to the first record and a
/// chain through the rest: no allocation per name, which matters at millions of records.
struct RecordIndex<'d> {
    head: FxHashMap<&'d str, u32>,
    /// For each record, the next record of the same name (`u32::MAX` ends the chain);
    /// a record replaced by a newer duplicate is unlinked.
    next: Vec<u32>,
    records: &'d [DnsRecord],
}

const END: u32 = u32::MAX;

struct Forward<'d> {
    records: Vec<&'d DnsRecord>,
    /// The target of the name's own CNAME, when the name is an alias.
    cname: Option<String>,
    /// Whether any zone in the data holds the name (or the CNAME chain's last name).
    covered: bool,
}

impl<'d> RecordIndex<'d> {
    fn new(dns: &'d DnsData, as_of: DateTime<Utc>) -> RecordIndex<'d> {
        let records = dns.records.as_slice();
        let mut head: FxHashMap<&'d str, u32> = FxHashMap::default();
        head.reserve(records.len());
        let mut next = vec![END; records.len()];
        for (i, r) in records.iter().enumerate() {
            let i = i as u32;
            let Some(&first) = head.get(r.name.as_str()) else {
                head.insert(r.name.as_str(), i);
                continue;
            };
            // A duplicate of a record already indexed: keep the better copy in its place.
            let mut prev = END;
            let mut cur = first;
            let mut duplicate = false;
            while cur != END {
                let o = &records[cur as usize];
                if o.data == r.data {
                    duplicate = true;
                    if newer(r, o, as_of) {
                        next[i as usize] = next[cur as usize];
                        if prev == END {
                            head.insert(r.name.as_str(), i);
                        } else {
                            next[prev as usize] = i;
                        }
                    }
                    break;
                }
                prev = cur;
                cur = next[cur as usize];
            }
            if !duplicate {
                next[i as usize] = first;
                head.insert(r.name.as_str(), i);
            }
        }
        RecordIndex { head, next, records }
    }

    fn get<'s>(&'s self, name: &str) -> impl Iterator<Item = &'d DnsRecord> + 's {
        let mut cur = self.head.get(name).copied().unwrap_or(END);
        std::iter::from_fn(move || {
            if cur == END {
                return None;
            }
            let r = &self.records[cur as usize];
            cur = self.next[cur as usize];
            Some(r)
        })
    }

    /// A/AAAA records of `name`, following up to 8 CNAMEs as a resolver would.
    fn addresses(&self, name: &str, dns: &DnsData) -> Forward<'d> {
        let mut current = name.to_string();
        let mut cname = None;
        for _ in 0..8 {
            if let Some(target) = self.get(&current).find_map(|r| match &r.data {
                RecordData::Cname(t) => Some(t.clone()),
                _ => None,
            }) {
                cname.get_or_insert_with(|| target.clone());
                current = target;
                continue;
            }
            let records = self.get(&current).filter(|r| matches!(r.data, RecordData::Addr(_))).collect();
            return Forward { records, cname, covered: dns.holds(&current) };
        }
        // A CNAME loop or an absurd chain: what a resolver would fail on.
        Forward { records: Vec::new(), cname, covered: false }
    }
}

/// Static records (no timestamp) are kept over dynamic copies; a plausible timestamp over an
/// implausible one (a crafted copy must not hide the real one); otherwise the later timestamp.
fn newer(candidate: &DnsRecord, current: &DnsRecord, as_of: DateTime<Utc>) -> bool {
    match (candidate.timestamp, current.timestamp) {
        (None, Some(_)) => true,
        (Some(c), Some(o)) => match (dns::plausible_timestamp(c, as_of), dns::plausible_timestamp(o, as_of)) {
            (true, false) => true,
            (false, true) => false,
            _ => c > o,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests;
