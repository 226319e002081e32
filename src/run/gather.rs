//! Gathering: every source the settings name read side by side, each on a thread of its own,
//! and merged in the order of a one-after-another read (issue #13).

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

/// The live AD's part and the DNS data built on it: AD, then the DNS exports and the zones
/// listings added to AD's zones (a zone read twice is one zone), on one thread.
struct DirectoryPart {
    ad_problems: crate::input::Problems,
    computers: Vec<directory::Computer>,
    domain: Option<String>,
    dhcp_accounts: Vec<String>,
    dns: dns::DnsData,
    dns_problems: crate::input::Problems,
}

/// What one source's thread hands back.
enum Part {
    /// The AD domain from the RootDSE, before the enumeration.
    Domain(Option<String>),
    Directory(Box<DirectoryPart>),
    /// A lease file's leases, the DHCP DNS settings inside it (an `Export-DhcpServer` XML's),
    /// its problems.
    LeaseFile(Vec<leases::Lease>, leases::dns_settings::DhcpDnsSettings, crate::input::Problems),
    Kea(Vec<leases::Lease>, leases::kea_api::KeaReport, crate::input::Problems),
    Computers(Vec<directory::Computer>, crate::input::Problems),
    KeaConfig(leases::kea_api::KeaDdnsSettings, crate::input::Problems),
    DhcpSettings(leases::dns_settings::SettingsFiles),
}

/// A source thread's message: a part, its error ranked by [`Rank`], or its panic.
enum Body {
    Part(Part),
    Failed(Rank, RunError),
    Panicked(Box<dyn std::any::Any + Send>),
}

/// Which error wins when several sources have failed: the order the sources were read in one
/// after another, so that the message is the same as then.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    Ldap,
    LeaseFile(usize),
    Kea,
    Computers,
    DnsRecords,
    Zones,
    DhcpSettings,
}

/// Called once the leases (de-duplicated) and the domain (`--domain`, else AD's RootDSE) are
/// known, while the other sources may still be read: the DNS phase can start from them.
pub(crate) type OnLeases<'a> = dyn FnMut(&[leases::Lease], Option<&str>) + 'a;

/// Where a source reads: local files (waited for after another source failed) or a server
/// (LDAP, Kea: given a short grace, then abandoned).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    Files,
    Network,
}

/// What a source's thread does: reads, and sends its part (or its failure) through `send`.
type Read = Box<dyn FnOnce(&Settings, &dyn Fn(Body)) + Send>;

/// One source: where it reads, whether its part holds leases (merged, in the sources' order,
/// as soon as every such part is in), and what its thread does.
struct Source {
    reach: Reach,
    leases: bool,
    read: Read,
}

/// The sources' threads, in the order of their parts in the merge.
fn sources(settings: &Settings) -> Vec<Source> {
    let mut out: Vec<Source> = Vec::new();
    let as_of = settings.audit.as_of;
    out.push(Source {
        reach: if settings.ldap.is_some() { Reach::Network } else { Reach::Files },
        leases: false,
        read: Box::new(move |s, send| match read_directory(s, as_of, send) {
            Ok(d) => send(Body::Part(Part::Directory(Box::new(d)))),
            Err((rank, e)) => send(Body::Failed(rank, e)),
        }),
    });
    for i in 0..settings.leases.len() {
        out.push(Source {
            reach: Reach::Files,
            leases: true,
            read: Box::new(move |s, send| {
                let Some(path) = s.leases.get(i) else { return };
                let (mut leases, mut problems) = (Vec::new(), crate::input::Problems::default());
                let mut table = leases::dns_settings::DhcpDnsSettings::default();
                send(match leases::read_file(path, s.leases_format, &s.input_times, &mut leases, &mut table, &mut problems) {
                    Ok(_) => Body::Part(Part::LeaseFile(leases, table, problems)),
                    Err(e) => Body::Failed(Rank::LeaseFile(i), e.into()),
                });
            }),
        });
    }
    out.push(Source {
        reach: Reach::Network,
        leases: true,
        read: Box::new(|s, send| {
            let (mut leases, mut problems) = (Vec::new(), crate::input::Problems::default());
            send(match leases::kea_api::read_urls(&s.kea_urls, &s.kea, &mut leases, &mut problems) {
                Ok(kea) => Body::Part(Part::Kea(leases, kea, problems)),
                Err(e) => Body::Failed(Rank::Kea, e.into()),
            });
        }),
    });
    out.push(Source {
        reach: Reach::Files,
        leases: false,
        read: Box::new(|s, send| {
            let (mut computers, mut problems) = (Vec::new(), crate::input::Problems::default());
            let read = match &s.computers {
                Some(path) => directory::read_file(path, &s.input_times, &mut computers, &mut problems),
                None => Ok(()),
            };
            send(match read {
                Ok(()) => Body::Part(Part::Computers(computers, problems)),
                Err(e) => Body::Failed(Rank::Computers, e.into()),
            });
        }),
    });
    // Kea's effective DNS-update settings per subnet (`config-get`); what cannot be read is a
    // counted problem, never a failed run.
    out.push(Source {
        reach: Reach::Network,
        leases: false,
        read: Box::new(|s, send| {
            let mut problems = crate::input::Problems::default();
            let kea = leases::kea_api::config::read_ddns_settings(&s.kea_urls, &s.kea, &mut problems);
            send(Body::Part(Part::KeaConfig(kea, problems)));
        }),
    });
    out.push(Source {
        reach: Reach::Files,
        leases: false,
        read: Box::new(|s, send| {
            send(match leases::dns_settings::read_files(&s.dhcp_settings) {
                Ok(files) => Body::Part(Part::DhcpSettings(files)),
                Err(e) => Body::Failed(Rank::DhcpSettings, e.into()),
            });
        }),
    });
    out
}

/// AD (with `--ldap-url`; its domain sent as soon as the RootDSE is read), then the DNS
/// exports and zones listings, which add to AD's DNS data.
fn read_directory(s: &Settings, as_of: DateTime<Utc>, send: &dyn Fn(Body)) -> Result<DirectoryPart, (Rank, RunError)> {
    let mut ad = match &s.ldap {
        Some(ldap) => directory::ldap::read_ad(ldap, |d| send(Body::Part(Part::Domain(d.map(str::to_string))))).map_err(|e| (Rank::Ldap, e.into()))?,
        None => directory::ldap::AdData::default(),
    };
    // Live AD's causes (owners, zone policies) go into its own DNS data, before the exports
    // add theirs; its authorized DHCP servers' accounts are `dhcp-server` owners like the
    // `--dhcp-account` names.
    let dhcp_accounts = ad.owners.apply_to(&mut ad.dns);
    let mut dns_problems = crate::input::Problems::default();
    ad.dns.set_as_of(as_of, &mut dns_problems);
    for path in &s.dns_records {
        dns::read_file(path, &s.input_times, &mut ad.dns, &mut dns_problems).map_err(|e| (Rank::DnsRecords, e.into()))?;
    }
    dns::zones_csv::read_files(&s.zones, &mut ad.dns).map_err(|e| (Rank::Zones, e.into()))?;
    ad.dns.apply_zone_settings();
    Ok(DirectoryPart { ad_problems: ad.problems, computers: ad.computers, domain: ad.domain, dhcp_accounts, dns: ad.dns, dns_problems })
}

/// Starts every source's thread ([`sources`]); their messages, tagged with the source's
/// position, whether each source reads over the network, and the positions of the sources
/// that give leases.
fn spawn(settings: &Settings) -> (std::sync::mpsc::Receiver<(usize, Body)>, Vec<bool>, Vec<usize>) {
    let shared = std::sync::Arc::new(settings.clone());
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Body)>();
    let (mut network, mut lease_ids) = (Vec::new(), Vec::new());
    for (id, Source { reach, leases, read }) in sources(settings).into_iter().enumerate() {
        network.push(reach == Reach::Network);
        if leases {
            lease_ids.push(id);
        }
        let (s, tx) = (std::sync::Arc::clone(&shared), tx.clone());
        // Detached: an abandoned source does not hold the run, and leaving the process ends it.
        std::thread::spawn(move || {
            let send = |b: Body| {
                let _ = tx.send((id, b));
            };
            if let Err(panic) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read(&s, &send))) {
                send(Body::Panicked(panic));
            }
        });
    }
    (rx, network, lease_ids)
}

/// Reads every input, each source on a thread of its own ([`sources`]), and merges them in
/// the order they were read one after another: the same data, problems and report.
///
/// A failing source ends the gathering at once (exit 2): the other file sources are waited
/// for (local files, bounded: of two failing files the message is the same as when read in
/// turn), the network sources still running (LDAP, Kea) get a second (a refused connection
/// fails within it), then are abandoned on their threads. Of the errors known then, the first
/// in [`Rank`] order is returned.
pub(super) fn gather(settings: &Settings, on_leases: &mut OnLeases<'_>) -> Result<Gathered, RunError> {
    use std::sync::mpsc;
    let (rx, network, lease_ids) = spawn(settings);
    let mut done = vec![false; network.len()];
    let mut parts: Vec<Option<Part>> = (0..network.len()).map(|_| None).collect();
    let mut errors: Vec<(Rank, RunError)> = Vec::new();
    let mut domain = settings.audit.domain.clone();
    let mut domain_known = domain.is_some() || settings.ldap.is_none();
    let mut leases: Option<(Vec<leases::Lease>, crate::input::Problems)> = None;
    // The DNS settings inside the lease files (Export-DhcpServer XML), in the files' order.
    let mut xml_settings = leases::dns_settings::DhcpDnsSettings::default();
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
        let Ok((id, body)) = received else { break };
        match body {
            Body::Panicked(panic) => std::panic::resume_unwind(panic),
            Body::Failed(rank, e) => {
                errors.push((rank, e));
                done[id] = true;
                failed_at.get_or_insert_with(std::time::Instant::now);
            }
            Body::Part(Part::Domain(d)) => {
                if !domain_known {
                    (domain, domain_known) = (d, true);
                }
            }
            Body::Part(p) => {
                if let Some(slot) = parts.get_mut(id) {
                    *slot = Some(p);
                }
                done[id] = true;
            }
        }
        if errors.is_empty() && leases.is_none() && lease_ids.iter().all(|&i| done.get(i) == Some(&true)) {
            leases = Some(merge_leases(&mut parts, &lease_ids, &mut xml_settings));
        }
        if !told && domain_known && let Some((l, _)) = &leases {
            told = true;
            on_leases(l, domain.as_deref());
        }
    }
    if let Some((_, e)) = errors.into_iter().min_by_key(|(rank, _)| *rank) {
        return Err(e);
    }
    let (leases, lease_problems) = leases.unwrap_or_default();
    assemble(settings, parts, leases, lease_problems, xml_settings)
}

/// The parts at `ids` (the lease files in order, then Kea), de-duplicated across them: the
/// leases and their problems. The files' DNS settings (Export-DhcpServer XML) go into
/// `xml_settings`, in the files' order; Kea's part keeps its report.
fn merge_leases(parts: &mut [Option<Part>], ids: &[usize], xml_settings: &mut leases::dns_settings::DhcpDnsSettings) -> (Vec<leases::Lease>, crate::input::Problems) {
    let mut all = Vec::new();
    let mut problems = crate::input::Problems::default();
    for &i in ids {
        let Some(p) = parts.get_mut(i) else { continue };
        match p.take() {
            Some(Part::LeaseFile(l, table, pr)) => {
                // The first part is moved, not copied: a million leases are 190 MB.
                if all.is_empty() { all = l } else { all.extend(l) }
                problems.append(pr);
                xml_settings.absorb(table);
            }
            Some(Part::Kea(l, kea, pr)) => {
                if all.is_empty() { all = l } else { all.extend(l) }
                problems.append(pr);
                *p = Some(Part::Kea(Vec::new(), kea, crate::input::Problems::default()));
            }
            other => *p = other,
        }
    }
    let mut dedupe_problems = crate::input::Problems::default();
    let all = leases::dedupe_across_sources(all, &mut dedupe_problems);
    problems.append(dedupe_problems);
    (all, problems)
}

/// The gathered inputs from the sources' parts, once every source has ended well: the
/// problems in the order of a one-after-another read, AD's computers then the file's, the
/// DHCP servers' DNS settings, the notes, and the audit's settings with AD's domain and
/// authorized DHCP servers.
fn assemble(
    settings: &Settings,
    parts: Vec<Option<Part>>,
    leases: Vec<leases::Lease>,
    lease_problems: crate::input::Problems,
    xml_settings: leases::dns_settings::DhcpDnsSettings,
) -> Result<Gathered, RunError> {
    let mut kea = leases::kea_api::KeaReport::default();
    let (mut computers, mut computer_problems) = (Vec::new(), crate::input::Problems::default());
    let mut kea_dns = None;
    let mut dhcp_files = None;
    let mut directory_part = None;
    for p in parts.into_iter().flatten() {
        match p {
            Part::Directory(d) => directory_part = Some(d),
            Part::Kea(_, report, _) => kea = report,
            Part::Computers(c, pr) => (computers, computer_problems) = (c, pr),
            Part::KeaConfig(k, pr) => kea_dns = Some((k, pr)),
            Part::DhcpSettings(files) => dhcp_files = Some(files),
            Part::Domain(_) | Part::LeaseFile(..) => {}
        }
    }
    let d = *directory_part.ok_or(RunError::SourceLost)?;
    let (kea_dns, kea_dns_problems) = kea_dns.ok_or(RunError::SourceLost)?;
    let dhcp_files = dhcp_files.ok_or(RunError::SourceLost)?;

    let mut audit_settings = settings.audit.clone();
    audit_settings.dhcp_accounts.extend(d.dhcp_accounts.iter().filter_map(|a| audit::DhcpAccount::parse(a)));
    if audit_settings.domain.is_none() {
        audit_settings.domain = d.domain;
    }
    // The problems in the order of a one-after-another read.
    let mut problems = d.ad_problems;
    for list in [lease_problems, computer_problems, d.dns_problems, kea_dns_problems] {
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
    Ok(Gathered { leases, directory: Directory::new(all_computers), dns: d.dns, dhcp_settings, problems, kea, audit: audit_settings, notes })
}
