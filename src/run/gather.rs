//! Gathering: every source the settings name read side by side, each on a thread of its own,
//! and merged in the order of a one-after-another read (issue #13).

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::RunError;
use crate::audit;
use crate::directory::{self, Directory};
use crate::dns;
use crate::leases;
use crate::settings::Settings;

/// Every input the settings name, read once: the same for the audit and the forecast.
pub(super) struct Gathered {
    pub(super) leases: Vec<leases::Lease>,
    pub(super) directory: Directory,
    pub(super) dns: dns::DnsData,
    /// The DHCP servers' DNS settings (`--dhcp-settings`, Kea `config-get`).
    pub(super) dhcp_settings: leases::dns_settings::DhcpDnsSettings,
    pub(super) problems: crate::input::Problems,
    pub(super) kea: leases::kea_api::KeaReport,
    /// The audit's settings with `--domain` defaulting to the AD domain.
    pub(super) audit: audit::AuditSettings,
    /// Summary lines about the inputs (Kea `config-get`, `--dhcp-settings` scopes no lease is
    /// in), each printed as `ddns-audit: <note>`.
    pub(super) notes: Vec<String>,
}

/// The live AD's part: its computers, domain, authorized DHCP servers' accounts and DNS data
/// (the DNS exports and zones listings are added to it when merged: a zone read twice is one
/// zone).
#[derive(Default)]
struct DirectoryPart {
    ad_problems: crate::input::Problems,
    computers: Vec<directory::Computer>,
    domain: Option<String>,
    dhcp_accounts: Vec<String>,
    dns: dns::DnsData,
    /// AD's records' implausible timestamps, found once the moment audited is set.
    dns_problems: crate::input::Problems,
}

/// What a source's thread tells the gathering; its part (or its error) is the thread's result,
/// joined in the table's order.
enum Event {
    /// The AD domain from the RootDSE, before the enumeration.
    Domain(Option<String>),
    /// The source ended with its part.
    Ended,
    /// The source ended with its error (or panicked): joined at once, for the error (or the panic).
    Failed,
}

/// A source's thread's result: its part, or its error. When several sources have failed, the
/// error of the first in the table wins: the table is in the order the sources were read one
/// after another, so the message is the same as then.
type Outcome<T> = Result<T, RunError>;

/// The servers the gathering reads: the live ones in the binary ([`Servers::live`]), fixtures
/// in the tests (`directory::ldap::fixture::Ad`, `leases::kea_api::fixture::Agent`).
#[derive(Clone)]
pub(crate) struct Servers {
    pub(crate) ad: Arc<dyn directory::ldap::ReadAd>,
    pub(crate) kea: Arc<dyn leases::kea_api::Connect>,
}

impl Servers {
    /// AD over LDAP, Kea over HTTP.
    pub(crate) fn live() -> Servers {
        Servers { ad: Arc::new(directory::ldap::Live), kea: Arc::new(leases::kea_api::Live) }
    }
}

/// Called once the leases (de-duplicated) and the domain are known (`--domain`, else AD's, given
/// here when read: [`Settings::audit_with_ad`]), while the other sources may still be read: the
/// DNS phase can start from them.
pub(crate) type OnLeases<'a> = dyn FnMut(&[leases::Lease], Option<&str>) + 'a;

/// Where a source reads: local files (waited for after another source failed) or a server
/// (LDAP, Kea: given a short grace, then abandoned).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    Files,
    Network,
}

/// Every source's part, each merged in as its thread is joined, in the table's order.
#[derive(Default)]
struct Merged {
    /// The lease files' and Kea's leases, de-duplicated across them once all are in.
    leases: Vec<leases::Lease>,
    lease_problems: crate::input::Problems,
    /// The DNS settings inside the lease files (Export-DhcpServer XML), in the files' order.
    xml_settings: leases::dns_settings::DhcpDnsSettings,
    directory: DirectoryPart,
    kea: leases::kea_api::KeaReport,
    computers: Vec<directory::Computer>,
    computer_problems: crate::input::Problems,
    /// The DNS exports and zones listings, added to AD's DNS data when assembled.
    dns_exports: dns::DnsData,
    dns_export_problems: crate::input::Problems,
    kea_dns: leases::kea_api::KeaDdnsSettings,
    kea_dns_problems: crate::input::Problems,
    dhcp_files: leases::dns_settings::SettingsFiles,
}

impl Merged {
    /// The first part is moved, not copied: a million leases are 190 MB.
    fn add_leases(&mut self, leases: Vec<leases::Lease>, problems: crate::input::Problems) {
        if self.leases.is_empty() { self.leases = leases } else { self.leases.extend(leases) }
        self.lease_problems.append(problems);
    }
}

/// Joins a source's thread (resuming its panic) and merges its part, or returns its error.
type Join = Box<dyn FnOnce(&mut Merged) -> Outcome<()>>;

/// One source, its thread started: where it reads, whether its part holds leases (merged, in
/// the sources' order, as soon as every such part is in), and its join.
struct Source {
    reach: Reach,
    leases: bool,
    join: Join,
}

/// The table of sources being built: each added is started on a thread of its own, its
/// messages tagged with its position.
struct Table {
    settings: Arc<Settings>,
    tx: std::sync::mpsc::Sender<(usize, Event)>,
    sources: Vec<Source>,
}

impl Table {
    /// Starts `read` (given the settings and where to send the domain) on a thread; its part
    /// goes into [`Merged`] through `merge` when joined.
    fn add<T: Send + 'static>(
        &mut self,
        reach: Reach,
        leases: bool,
        read: impl FnOnce(&Settings, &dyn Fn(Event)) -> Outcome<T> + Send + 'static,
        merge: impl FnOnce(T, &mut Merged) + 'static,
    ) {
        let id = self.sources.len();
        let (s, tx) = (Arc::clone(&self.settings), self.tx.clone());
        // Detached unless joined: an abandoned source does not hold the run, and leaving the
        // process ends it. It sends before it ends, even on a panic.
        let handle = std::thread::spawn(move || {
            let send = |e: Event| {
                let _ = tx.send((id, e));
            };
            let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read(&s, &send)));
            send(if matches!(out, Ok(Ok(_))) { Event::Ended } else { Event::Failed });
            out.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        let join: Join = Box::new(move |m| {
            merge(handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))?, m);
            Ok(())
        });
        self.sources.push(Source { reach, leases, join });
    }
}

/// The table of sources: each one's thread started, in the order of a one-after-another read
/// (which decides whose error is said when several fail, and the order of their parts and
/// problems); their messages go to `tx`. A new input source is one entry here.
fn sources(settings: &Settings, servers: &Servers, tx: std::sync::mpsc::Sender<(usize, Event)>) -> Vec<Source> {
    let mut t = Table { settings: Arc::new(settings.clone()), tx, sources: Vec::new() };
    let as_of = settings.audit.as_of;
    let reach = if settings.ldap.is_some() { Reach::Network } else { Reach::Files };
    let ad = Arc::clone(&servers.ad);
    t.add(reach, false, move |s, send| read_directory(s, ad.as_ref(), as_of, send), |d, m| m.directory = d);
    for path in &settings.leases {
        let path = path.clone();
        let read = move |s: &Settings, _: &dyn Fn(Event)| {
            let (mut leases, mut problems) = (Vec::new(), crate::input::Problems::default());
            let mut table = leases::dns_settings::DhcpDnsSettings::default();
            leases::read_file(&path, s.leases_format, &s.input_times, &mut leases, &mut table, &mut problems)?;
            Ok((leases, table, problems))
        };
        t.add(Reach::Files, true, read, |(leases, table, problems), m| {
            m.add_leases(leases, problems);
            m.xml_settings.absorb(table);
        });
    }
    // Kea's control, made once for its two sources (the trust roots loaded once per run).
    let link = Arc::new(leases::kea_api::Link::new(Arc::clone(&servers.kea)));
    let kea = Arc::clone(&link);
    let read = move |s: &Settings, _: &dyn Fn(Event)| {
        let (mut leases, mut problems) = (Vec::new(), crate::input::Problems::default());
        let kea = leases::kea_api::read_urls(&s.kea_urls, &s.kea, &kea, &mut leases, &mut problems)?;
        Ok((leases, kea, problems))
    };
    t.add(Reach::Network, true, read, |(leases, kea, problems), m| {
        m.add_leases(leases, problems);
        m.kea = kea;
    });
    let read = |s: &Settings, _: &dyn Fn(Event)| {
        let (mut computers, mut problems) = (Vec::new(), crate::input::Problems::default());
        if let Some(path) = &s.computers {
            directory::read_file(path, &s.input_times, &mut computers, &mut problems)?;
        }
        Ok((computers, problems))
    };
    t.add(Reach::Files, false, read, |(c, p), m| (m.computers, m.computer_problems) = (c, p));
    let read = move |s: &Settings, _: &dyn Fn(Event)| {
        let (mut data, mut problems) = (dns::DnsData::default(), crate::input::Problems::default());
        data.set_as_of(as_of, &mut problems);
        for path in &s.dns_records {
            dns::read_file(path, &s.input_times, &mut data, &mut problems)?;
        }
        dns::zones_csv::read_files(&s.zones, &mut data)?;
        Ok((data, problems))
    };
    t.add(Reach::Files, false, read, |(d, p), m| (m.dns_exports, m.dns_export_problems) = (d, p));
    // Kea's effective DNS-update settings per subnet (`config-get`); what cannot be read is a
    // counted problem, never a failed run.
    let read = move |s: &Settings, _: &dyn Fn(Event)| {
        let mut problems = crate::input::Problems::default();
        Ok((leases::kea_api::config::read_ddns_settings(&s.kea_urls, &s.kea, &link, &mut problems), problems))
    };
    t.add(Reach::Network, false, read, |(k, p), m| (m.kea_dns, m.kea_dns_problems) = (k, p));
    let read = |s: &Settings, _: &dyn Fn(Event)| Ok(leases::dns_settings::read_files(&s.dhcp_settings)?);
    t.add(Reach::Files, false, read, |files, m| m.dhcp_files = files);
    t.sources
}

/// AD (with `--ldap-url`; its domain sent as soon as the RootDSE is read).
fn read_directory(s: &Settings, ad: &dyn directory::ldap::ReadAd, as_of: DateTime<Utc>, send: &dyn Fn(Event)) -> Outcome<DirectoryPart> {
    let mut ad = match &s.ldap {
        Some(ldap) => ad.read_ad(ldap, &mut |d| send(Event::Domain(d.map(str::to_string))))?,
        None => directory::ldap::AdData::default(),
    };
    // Live AD's causes (owners, zone policies) go into its own DNS data, before the exports
    // add theirs; its authorized DHCP servers' accounts are `dhcp-server` owners like the
    // `--dhcp-account` names.
    let dhcp_accounts = ad.owners.apply_to(&mut ad.dns);
    let mut dns_problems = crate::input::Problems::default();
    ad.dns.set_as_of(as_of, &mut dns_problems);
    Ok(DirectoryPart { ad_problems: ad.problems, computers: ad.computers, domain: ad.domain, dhcp_accounts, dns: ad.dns, dns_problems })
}

/// Reads every input, each source on a thread of its own ([`sources`]), and merges them in
/// the order they were read one after another: the same data, problems and report.
///
/// A failing source ends the gathering at once (exit 2): the other file sources are waited
/// for (local files, bounded: of two failing files the message is the same as when read in
/// turn), the network sources still running (LDAP, Kea) get a second (a refused connection
/// fails within it), then are abandoned on their threads. Of the errors known then, that of
/// the first source in the table is returned.
pub(super) fn gather(settings: &Settings, servers: &Servers, on_leases: &mut OnLeases<'_>) -> Result<Gathered, RunError> {
    use std::sync::mpsc;
    let (tx, rx) = mpsc::channel::<(usize, Event)>();
    let sources = sources(settings, servers, tx);
    let network: Vec<bool> = sources.iter().map(|s| s.reach == Reach::Network).collect();
    let lease_ids: Vec<usize> = sources.iter().enumerate().filter(|(_, s)| s.leases).map(|(i, _)| i).collect();
    // Each taken when joined: a failed source at once, the lease sources once all are in, the
    // rest at the end.
    let mut joins: Vec<Option<Join>> = sources.into_iter().map(|s| Some(s.join)).collect();
    let mut done = vec![false; network.len()];
    let mut merged = Merged::default();
    // Each with its source's place in the table.
    let mut errors: Vec<(usize, RunError)> = Vec::new();
    // AD's domain, known once its RootDSE is read; not waited for when `--domain` is given.
    let mut ad_domain: Option<String> = None;
    let mut domain_known = settings.audit.domain.is_some() || settings.ldap.is_none();
    let mut leases_merged = false;
    let mut told = false;
    // After the first error, the network sources still running get a short grace: one that
    // fails at once too (a refused connection) is among the errors ranked, so the message does
    // not depend on which thread lost the race; a long enumeration is not waited for.
    const GRACE: std::time::Duration = std::time::Duration::from_secs(1);
    let mut failed_at: Option<std::time::Instant> = None;
    // Until every source has ended; after an error, every file source, and the network ones
    // within the grace.
    loop {
        let in_grace = failed_at.is_none_or(|t| t.elapsed() < GRACE);
        let files_left = done.iter().zip(&network).any(|(&d, &net)| !d && !net);
        let network_left = done.iter().zip(&network).any(|(&d, &net)| !d && net);
        if !(files_left || (network_left && in_grace)) {
            break;
        }
        // Every thread sends before it ends, even on a panic: a closed channel means none is left.
        let received = match failed_at {
            Some(t) if !files_left => match rx.recv_timeout(GRACE.saturating_sub(t.elapsed())) {
                Ok(m) => Ok(m),
                Err(mpsc::RecvTimeoutError::Timeout) => continue,
                Err(mpsc::RecvTimeoutError::Disconnected) => Err(()),
            },
            _ => rx.recv().map_err(|_| ()),
        };
        let Ok((id, event)) = received else { break };
        match event {
            Event::Domain(d) => (ad_domain, domain_known) = (d, true),
            Event::Ended => done[id] = true,
            Event::Failed => {
                done[id] = true;
                // Its error; a panic is resumed here.
                if let Some(Err(e)) = joins.get_mut(id).and_then(Option::take).map(|join| join(&mut merged)) {
                    errors.push((id, e));
                }
                failed_at.get_or_insert_with(std::time::Instant::now);
            }
        }
        if errors.is_empty() && !leases_merged && lease_ids.iter().all(|&i| done.get(i) == Some(&true)) {
            leases_merged = true;
            errors.extend(merge_leases(&mut joins, &lease_ids, &mut merged).err());
        }
        if !told && domain_known && leases_merged {
            told = true;
            on_leases(&merged.leases, ad_domain.as_deref());
        }
    }
    if let Some((_, e)) = errors.into_iter().min_by_key(|(id, _)| *id) {
        return Err(e);
    }
    // Every source ended with its part: the others merged, in the table's order.
    for join in joins.into_iter().flatten() {
        join(&mut merged)?;
    }
    Ok(assemble(settings, merged))
}

/// The lease sources' parts (at `ids`: the lease files in order, then Kea) merged, then
/// de-duplicated across them.
fn merge_leases(joins: &mut [Option<Join>], ids: &[usize], merged: &mut Merged) -> Result<(), (usize, RunError)> {
    for &i in ids {
        if let Some(join) = joins.get_mut(i).and_then(Option::take) {
            join(merged).map_err(|e| (i, e))?;
        }
    }
    let mut dedupe_problems = crate::input::Problems::default();
    merged.leases = leases::dedupe_across_sources(std::mem::take(&mut merged.leases), &mut dedupe_problems);
    merged.lease_problems.append(dedupe_problems);
    Ok(())
}

/// The gathered inputs from the sources' parts, once every source has ended well: the
/// problems in the order of a one-after-another read, AD's computers then the file's, the
/// DHCP servers' DNS settings, the notes, and the audit's settings with AD's domain and
/// authorized DHCP servers.
fn assemble(settings: &Settings, merged: Merged) -> Gathered {
    let Merged { leases, lease_problems, xml_settings, directory: mut d, kea, computers, computer_problems, dns_exports, dns_export_problems, kea_dns, kea_dns_problems, dhcp_files } =
        merged;
    let audit_settings = settings.audit_with_ad(d.domain.as_deref(), &d.dhcp_accounts);
    // The DNS exports and zones listings added to AD's DNS data.
    d.dns.absorb(dns_exports);
    d.dns.apply_zone_settings();
    // The problems in the order of a one-after-another read.
    let mut problems = d.ad_problems;
    for list in [lease_problems, computer_problems, d.dns_problems, dns_export_problems, kea_dns_problems] {
        problems.append(list);
    }
    // AD's computers, then the file's; moved, not copied, when one of them is empty.
    let mut all_computers = d.computers;
    if all_computers.is_empty() {
        all_computers = computers;
    } else {
        all_computers.extend(computers);
    }
    // The DHCP servers' DNS settings: an Export-DhcpServer XML's first (read with its leases),
    // then Kea's and the --dhcp-settings CSVs'.
    let mut dhcp_settings = xml_settings;
    kea_dns.fill(&mut dhcp_settings);
    // Kea's computed notes (subnets whose pools set the keys, families without a socket),
    // then the --dhcp-settings scopes no lease and no other source knows.
    let mut notes: Vec<String> = kea_dns.notes.iter().map(|n| format!("kea: {n}")).collect();
    notes.extend(dhcp_files.unmatched_scope_notes(&leases, &dhcp_settings));
    dhcp_settings.absorb(dhcp_files.table);
    Gathered { leases, directory: Directory::new(all_computers), dns: d.dns, dhcp_settings, problems, kea, audit: audit_settings, notes }
}

#[cfg(test)]
pub(super) mod tests;
