//! Stage 4, audit: the product's rules. A pure, synchronous function of the gathered leases,
//! computers and DNS evidence ([`Evidence`]: the data, or live answers with the data's ages),
//! the settings and the moment audited; it returns one [`Finding`] per audited lease. No I/O
//! here: everything is tested without servers.

mod cause;
mod evidence;
mod words;
mod refresh;
mod remediation;
mod risk;

use std::net::IpAddr;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};

pub(crate) use cause::{Cause, DhcpAccount, OwnerKind, owner_kind};
pub(crate) use evidence::{DataEvidence, DataRecord, Evidence, Family, Found, LiveEvidence, Lookup, Said};
pub(crate) use words::{FailOn, RecordKind, RecordStatus, Risk, Status};
pub(crate) use refresh::{Blocker, RefreshState, Updater, not_refreshed, refresh_of, slack};
pub(crate) use remediation::reverse_zone_hint;
pub(crate) use risk::RecordAge;

use crate::directory::{Computer, Directory};
use crate::dns::answers::Failure;
use crate::dns::live::Ask;
use crate::dns::{self, DnsName, DynamicUpdates, RecordOwner};
use crate::leases::dns_settings::DhcpDnsSetting;
use crate::leases::Lease;

/// What the rules need to know besides the data.
#[derive(Debug, Clone)]
pub(crate) struct AuditSettings {
    /// The moment audited (`--as-of`, default now).
    pub(crate) as_of: DateTime<Utc>,
    /// Suffix for host names without a dot (`--domain`), lowercase, no dots at either end.
    pub(crate) domain: Option<String>,
    /// Zone aging intervals where the data does not carry them.
    pub(crate) no_refresh: TimeDelta,
    pub(crate) refresh: TimeDelta,
    pub(crate) scavenging_interval: TimeDelta,
    /// Evaluate risk as if aging were on for every zone.
    pub(crate) assume_aging: bool,
    /// The accounts DHCP servers register records with (`--dhcp-account`; live AD adds the
    /// authorized DHCP servers' computer accounts): their records are `dhcp-server`.
    pub(crate) dhcp_accounts: Vec<DhcpAccount>,
}

/// The audit's verdict on one lease: every value of one report row, typed.
#[derive(Debug, Clone)]
pub(crate) struct Finding<'a> {
    pub(crate) status: Status,
    pub(crate) lease: &'a Lease,
    /// Lowercase, no trailing dot, with `.<domain>` appended to single labels; `None` without a hostname.
    pub(crate) fqdn: Option<String>,
    pub(crate) a_status: RecordStatus,
    /// The A/AAAA addresses found for `fqdn`.
    pub(crate) a_records: Vec<IpAddr>,
    pub(crate) ptr_status: RecordStatus,
    /// The PTR targets found for the lease address.
    pub(crate) ptr_records: Vec<String>,
    /// Age of the matching A/AAAA or PTR record at higher risk; `None` when neither exists.
    pub(crate) age: Option<RecordAge>,
    pub(crate) computer: Option<&'a Computer>,
    /// One sentence for every row that is not `ok`.
    pub(crate) remediation: Option<String>,
    /// Why the row is not `ok`, as the remediation decides it: what the fix list groups by.
    pub(crate) cause: Option<Cause>,
    /// The zone whose policy is the cause ([`Cause::ZoneNoUpdates`]: the name's zone, or the
    /// address's reverse zone), when the data names it; `None` for every other cause.
    pub(crate) cause_zone: Option<String>,
    /// The owner of the record that decides `age` (else of the name's, else of the address's
    /// PTR node): the report's `record_owner`, and its `owner_kind`.
    pub(crate) owner: Option<Arc<RecordOwner>>,
    pub(crate) owner_kind: Option<OwnerKind>,
    /// The dynamic-update policy of the zone holding `fqdn`.
    pub(crate) zone_dynamic_updates: Option<DynamicUpdates>,
    /// The DHCP server's effective DNS setting for the lease.
    pub(crate) dhcp_dns_setting: Option<DhcpDnsSetting>,
}

/// The audit over one set of gathered data: built once from the evidence, then yields one
/// finding per audited lease, in address order, without holding them all (a million-lease site
/// streams straight into the report).
pub(crate) struct Auditor<'a, 'e> {
    /// Audited leases, sorted by address (unique after the readers' de-duplication).
    leases: Vec<&'a Lease>,
    directory: &'a Directory,
    evidence: &'e dyn Evidence,
    settings: &'e AuditSettings,
}

impl<'a, 'e> Auditor<'a, 'e> {
    #[cfg(test)]
    pub(crate) fn new(leases: &'a [Lease], directory: &'a Directory, evidence: &'e dyn Evidence, settings: &'e AuditSettings) -> Auditor<'a, 'e> {
        Auditor::in_order(leases, &AuditOrder::new(leases, settings.as_of), directory, evidence, settings)
    }

    /// [`Auditor::new`] with the leases' order found already (for the live questions).
    pub(crate) fn in_order(leases: &'a [Lease], order: &AuditOrder, directory: &'a Directory, evidence: &'e dyn Evidence, settings: &'e AuditSettings) -> Auditor<'a, 'e> {
        Auditor { leases: order.of(leases), directory, evidence, settings }
    }

    /// The findings, in address order. Audited in chunks; when the evidence can be shared
    /// between threads (the data's, not live answers), each chunk's two halves are audited on
    /// two cores (the lookups wait on memory: a million leases probe tables of hundreds of MB).
    pub(crate) fn findings(&self) -> impl Iterator<Item = Finding<'a>> + '_ {
        const CHUNK: usize = 8192;
        let mut pos = 0;
        let mut buffer = std::collections::VecDeque::new();
        std::iter::from_fn(move || {
            if buffer.is_empty() {
                let rest = self.leases.get(pos..).unwrap_or_default();
                let chunk = rest.get(..CHUNK).unwrap_or(rest);
                pos += chunk.len();
                buffer.extend(self.audit_chunk(chunk));
            }
            buffer.pop_front()
        })
    }

    fn audit_chunk(&self, chunk: &[&'a Lease]) -> Vec<Finding<'a>> {
        let judge = |evidence| Judge { leases: &self.leases, directory: self.directory, evidence, settings: self.settings };
        match self.evidence.shared() {
            Some(evidence) if chunk.len() > 1 => {
                let judge = Judge { leases: &self.leases, directory: self.directory, evidence, settings: self.settings };
                let (first, second) = chunk.split_at(chunk.len() / 2);
                std::thread::scope(|s| {
                    let judge = &judge;
                    let other = s.spawn(move || second.iter().map(|l| judge.audit_one(l)).collect::<Vec<_>>());
                    let mut out: Vec<Finding<'a>> = first.iter().map(|l| judge.audit_one(l)).collect();
                    out.extend(other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
                    out
                })
            }
            _ => {
                let judge = judge(self.evidence);
                chunk.iter().map(|l| judge.audit_one(l)).collect()
            }
        }
    }
}

/// What auditing one lease reads: the audited leases, the computers, the evidence, the settings.
struct Judge<'r, 'a, E: ?Sized> {
    leases: &'r [&'a Lease],
    directory: &'a Directory,
    evidence: &'r E,
    settings: &'r AuditSettings,
}

impl<'a, E: Evidence + ?Sized> Judge<'_, 'a, E> {
    /// Whether `ip` is leased (audited) to the host name `name`: such an address in DNS is a
    /// multi-homed host's other interface, not a stale record.
    fn leased_to(&self, ip: IpAddr, name: &str) -> bool {
        let start = self.leases.partition_point(|l| l.ip < ip);
        self.leases
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(|l| l.ip == ip)
            .any(|l| fqdn(l.hostname.as_deref(), self.settings.domain.as_deref()).as_deref() == Some(name))
    }

    #[allow(clippy::too_many_lines, reason = "one lease's verdict read top to bottom: its name, the forward and reverse halves, the age, the status, the cause and the sentence")]
    fn audit_one(&self, lease: &'a Lease) -> Finding<'a> {
        let settings = self.settings;
        let Some(name) = fqdn(lease.hostname.as_deref(), settings.domain.as_deref()) else {
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
                cause: None,
                cause_zone: None,
                owner: None,
                owner_kind: None,
                zone_dynamic_updates: None,
                dhcp_dns_setting: self.evidence.dhcp_setting(lease),
            };
        };
        // A single label (no --domain, no suffix from AD) cannot be checked in DNS: both sides
        // are unknown, and the remediation asks for the suffix, rather than calling records
        // missing or a correct PTR stale.
        let qualified = name.contains('.');
        let computer = self.directory.find(&name);
        let dhcp_dns_setting = self.evidence.dhcp_setting(lease);
        // Each record's updater, for the "cannot be refreshed" rule: its zone's policy, its
        // owner's kind against this host, the DHCP setting of this lease.
        let assess = |record: &dns::DnsRecord, zone: &dns::Zone| {
            let updater = Updater {
                zone: zone.dynamic_updates,
                owner_kind: record.owner.as_deref().map(|o| owner_kind(o, &name, computer, &settings.dhcp_accounts, |n| self.directory.is_domain_controller(n))),
                dhcp: dhcp_dns_setting.as_ref(),
            };
            risk::assess(record, zone, lease, settings, &updater)
        };

        // Forward: A/AAAA of the name (through CNAMEs), compared within the lease's family;
        // another address leased to the same host name is not stale.
        let Lookup { said, found, cname, disagreement } = self.evidence.addresses(&name, Family::of(lease.ip));
        let mut a = check(
            &said,
            found,
            &Half {
                expected: &lease.ip,
                compared: &|a: &IpAddr| a.is_ipv4() == lease.ip.is_ipv4(),
                leased_to: &|a: &IpAddr| self.leased_to(*a, &name),
                lease_record: &|a: &IpAddr| *a == lease.ip,
            },
            qualified,
            &assess,
        );
        // A name DNS cannot carry has no record anywhere and cannot get one: `missing`,
        // whatever the data says (it is not looked up; the remediation says to rename the device).
        if dns::invalid_name(&name).is_some() {
            (a.status, a.failure) = (RecordStatus::Missing, None);
        }

        // Reverse: PTR of the address against the name.
        let reverse = self.evidence.pointers(lease.ip);
        let ptr = check(
            &reverse.said,
            reverse.found,
            &Half {
                expected: &name,
                compared: &|_: &String| true,
                leased_to: &|_: &String| false,
                // A single label is never the lease's own PTR target (the row's age ignores it).
                lease_record: &|t: &String| qualified && *t == name,
            },
            qualified,
            &assess,
        );

        let age = risk::worse(a.age.clone(), ptr.age.clone());
        let status = status_of(a.status, ptr.status, age.as_ref().map(|a| a.risk));
        // The owner is the dnsNode's: every record of a name shares it.
        let owner = age.as_ref().and_then(|a| a.owner.clone()).or_else(|| a.node_owner.clone()).or_else(|| ptr.node_owner.clone());
        let owner_kind = owner.as_deref().map(|o| owner_kind(o, &name, computer, &settings.dhcp_accounts, |n| self.directory.is_domain_controller(n)));
        let zone_dynamic_updates = if qualified { self.evidence.dynamic_updates(&name) } else { None };
        let mut finding = Finding {
            status,
            lease,
            fqdn: Some(name),
            a_status: a.status,
            a_records: a.values,
            ptr_status: ptr.status,
            ptr_records: ptr.values,
            age,
            computer,
            remediation: None,
            cause: None,
            cause_zone: None,
            owner,
            owner_kind,
            zone_dynamic_updates,
            dhcp_dns_setting,
        };
        let ctx = remediation::Context {
            cname: cname.as_deref(),
            forward_covered: qualified && a.covered,
            reverse_covered: !qualified || ptr.covered,
            a_failure: a.failure,
            ptr_failure: ptr.failure,
            disagreement: disagreement.or(reverse.disagreement),
            a_age: a.age.as_ref(),
            ptr_age: ptr.age.as_ref(),
            not_leased: &a.not_leased,
        };
        finding.cause = remediation::decide(&finding, &ctx);
        if let Some(Cause::ZoneNoUpdates { reverse }) = finding.cause {
            let on = if reverse { dns::reverse_name(lease.ip) } else { finding.fqdn.clone().unwrap_or_default() };
            finding.cause_zone = self.evidence.policy_zone(&on);
        }
        finding.remediation = remediation::sentence(&finding, finding.cause, &ctx, settings);
        finding
    }
}

/// The leases audited at `as_of` (active or reserved, unexpired), sorted by address: their
/// positions, found once per run for the live questions and the auditor alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuditOrder(Vec<usize>);

impl AuditOrder {
    pub(crate) fn new(leases: &[Lease], as_of: DateTime<Utc>) -> AuditOrder {
        let mut order: Vec<usize> = leases.iter().enumerate().filter(|(_, l)| l.is_audited(as_of)).map(|(i, _)| i).collect();
        // Stable: leases with the same address and name keep the order they were read in.
        order.sort_by(|&a, &b| {
            let (a, b) = (&leases[a], &leases[b]);
            a.ip.cmp(&b.ip).then_with(|| a.hostname.cmp(&b.hostname))
        });
        AuditOrder(order)
    }

    /// The leases at these positions, in this order.
    fn of<'a>(&self, leases: &'a [Lease]) -> Vec<&'a Lease> {
        self.0.iter().filter_map(|&i| leases.get(i)).collect()
    }
}

/// What live DNS must answer for these leases, in the order the audit reads it (so that the
/// findings can follow the answers as they arrive): for each audited lease in address order,
/// the fqdn of its host name (A and AAAA), then its address (PTR). Each address once; a name
/// as often as it is leased (the live store asks it once).
pub(crate) fn questions(leases: &[Lease], order: &AuditOrder, settings: &AuditSettings) -> Vec<Ask> {
    let audited = order.of(leases);
    let mut asks = Vec::with_capacity(audited.len() * 2);
    let mut last_ip = None;
    for lease in audited {
        // Names DNS cannot carry are not asked (their rows are `missing` without asking).
        if let Some(name) = fqdn(lease.hostname.as_deref(), settings.domain.as_deref()).and_then(|n| DnsName::parse(&n).ok()) {
            asks.push(Ask::Name(name));
        }
        // Sorted by address: a repeated address follows its first.
        if last_ip != Some(lease.ip) {
            last_ip = Some(lease.ip);
            asks.push(Ask::Address(lease.ip));
        }
    }
    asks
}

/// Audits every lease that is active or reserved and unexpired at `settings.as_of` against the
/// DNS data, returning findings sorted by address (for tests; the run streams them with [`Auditor`]).
#[cfg(test)]
pub(crate) fn audit<'a>(leases: &'a [Lease], directory: &'a Directory, dns: &dns::DnsData, settings: &AuditSettings) -> Vec<Finding<'a>> {
    let evidence = DataEvidence::new(dns, settings.as_of);
    Auditor::new(leases, directory, &evidence, settings).findings().collect()
}

/// The report's `fqdn` (docs/report.md "The report"): lowercase, without trailing dot, `.<domain>` appended when it has no dot.
pub(crate) fn fqdn(hostname: Option<&str>, domain: Option<&str>) -> Option<String> {
    let name = dns::normalize_name(hostname?);
    if name.is_empty() {
        return None;
    }
    match domain {
        Some(d) if !name.contains('.') && !d.is_empty() => Some(format!("{name}.{d}")),
        _ => Some(name),
    }
}

/// What differs between the forward and the reverse half of a lease's audit.
struct Half<'r, T> {
    /// The value the lease should find: its address (forward), its name (reverse).
    expected: &'r T,
    /// Whether a value found is compared with the lease (the lease's address family).
    compared: &'r dyn Fn(&T) -> bool,
    /// Whether another value is legitimately there (an address leased to the same host name).
    leased_to: &'r dyn Fn(&T) -> bool,
    /// Whether a value is the lease's own record, whose age the row reports.
    lease_record: &'r dyn Fn(&T) -> bool,
}

/// One half's verdict.
struct Checked<T> {
    status: RecordStatus,
    /// Why the live lookup failed, when it did.
    failure: Option<Failure>,
    /// Every value found, sorted (IPv4 first), de-duplicated, whatever order the answers had.
    values: Vec<T>,
    /// Compared values that are neither expected nor leased to the host: the `extra` ones.
    not_leased: Vec<T>,
    /// Whether the evidence covers the question (live DNS always does).
    covered: bool,
    /// The age of the lease's own record: the data's, unknown for one served live that the
    /// data does not hold; `None` when the evidence has no such record.
    age: Option<RecordAge>,
    /// The owner of the node found (the lease's own record's first, else any record's).
    node_owner: Option<Arc<RecordOwner>>,
}

/// `a_status`/`ptr_status` and the age of one half: a failed or missing lookup, or a name no
/// zone in the data covers, is `unknown`; NXDOMAIN and NODATA are `missing`; records are
/// compared. `qualified`: the name has a suffix, so it can be checked in DNS at all.
fn check<T: Ord + Clone>(said: &Said, found: Vec<Found<'_, T>>, half: &Half<'_, T>, qualified: bool, assess: &dyn Fn(&dns::DnsRecord, &dns::Zone) -> RecordAge) -> Checked<T> {
    let age = found.iter().find(|f| (half.lease_record)(&f.value)).map(|f| match f.record {
        Some(r) => assess(r.record, r.zone),
        None => RecordAge::unknown(),
    });
    let owner_of = |f: &Found<'_, T>| f.record.and_then(|r| r.record.owner.clone());
    let node_owner = found.iter().filter(|f| (half.lease_record)(&f.value)).chain(found.iter()).find_map(owner_of);
    let mut values: Vec<T> = found.into_iter().map(|f| f.value).collect();
    values.sort_unstable();
    values.dedup();
    let compared: Vec<&T> = values.iter().filter(|v| (half.compared)(v)).collect();
    let not_leased = compared.iter().filter(|v| **v != half.expected && !(half.leased_to)(v)).map(|v| (*v).clone()).collect();
    let (status, failure) = match said {
        _ if !qualified => (RecordStatus::Unknown, None),
        Said::Failed(f) => (RecordStatus::Unknown, Some(f.clone())),
        Said::NotCovered => (RecordStatus::Unknown, None),
        Said::Absent => (RecordStatus::Missing, None),
        Said::Answered => (compare(&compared, &half.expected, |v| (half.leased_to)(v)), None),
    };
    Checked { status, failure, values, not_leased, covered: *said != Said::NotCovered, age, node_owner }
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

/// The report's `status` (docs/report.md "The report"): the first that applies.
pub(crate) fn status_of(a: RecordStatus, ptr: RecordStatus, risk: Option<Risk>) -> Status {
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

#[cfg(test)]
mod tests;
