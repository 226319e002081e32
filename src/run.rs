//! The application layer: gathers every input the settings name, runs the audit, writes the
//! report, and returns the summary and the exit status for `main` to print and return.

use chrono::{DateTime, Utc};

use crate::audit;
use crate::directory::{self, Directory};
use crate::dns;
use crate::input::InputError;
use crate::leases;
use crate::report::{self, Destination, ReportError, Summary};
use crate::forecast;
use crate::settings::{AuditArgs, ForecastArgs, ForecastSettings, Settings, SettingsError};

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Previous(#[from] report::PreviousError),
    #[error(transparent)]
    Ldap(#[from] directory::ldap::LdapError),
    // Not `#[from]` (a source): `{:#}` would print the message twice.
    #[error("live DNS: {0}")]
    Live(dns::live::LiveError),
    #[error(transparent)]
    Kea(#[from] leases::kea_api::KeaError),
    #[error(transparent)]
    Html(#[from] report::html::HtmlError),
    /// A source's thread ended without a word (cannot happen: each sends before it ends).
    #[error("an input source ended without its data")]
    SourceLost,
}

impl From<dns::live::LiveError> for RunError {
    fn from(e: dns::live::LiveError) -> RunError {
        RunError::Live(e)
    }
}

/// How the audit ended: [`ExitStatus::Done`], or [`ExitStatus::Findings`] when a row reached
/// `--fail-on`.
#[derive(Debug)]
pub struct Outcome {
    pub summary: String,
    pub tripped: bool,
}

impl Outcome {
    pub fn status(&self) -> ExitStatus {
        if self.tripped { ExitStatus::Findings } else { ExitStatus::Done }
    }
}

/// The process's exit codes, written once (README, "Exit codes"); scripts and schedulers
/// branch on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// The audit completed and no row reached `--fail-on`.
    Done = 0,
    /// The audit completed and a row is at or above `--fail-on`.
    Findings = 1,
    /// The audit could not complete: a bad option or config, an unreadable input, a failing server.
    Failed = 2,
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> std::process::ExitCode {
        std::process::ExitCode::from(status as u8)
    }
}

/// Runs `ddns-audit audit`. `now` is the clock value; nothing below reads the clock.
pub fn audit(args: AuditArgs, now: DateTime<Utc>) -> Result<Outcome, RunError> {
    let settings = args.merge_config()?.into_settings(now)?;
    run_with(&settings, &|p| Box::new(dns::live::Engine::new(p)))
}

/// Builds the live resolver from the pacing (the engine in the binary; tests may pass a fixture).
pub(crate) type MakeResolver<'r> = dyn Fn(&dns::live::Pacing) -> Box<dyn dns::live::Resolve> + 'r;

/// Every input the settings name, read once: the same for the audit and the forecast.
struct Gathered {
    leases: Vec<leases::Lease>,
    directory: Directory,
    dns: dns::DnsData,
    /// The DHCP servers' DNS settings (`--dhcp-settings`, Kea `config-get`).
    dhcp_settings: leases::dns_settings::DhcpDnsSettings,
    problems: crate::input::Problems,
    kea: leases::kea_api::KeaReport,
    /// The audit's settings with `--domain` defaulting to the AD domain.
    audit: audit::AuditSettings,
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
    DhcpSettings(leases::dns_settings::DhcpDnsSettings, crate::input::Problems),
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

/// One source's thread: whether it reads over the network (LDAP, Kea), and what it does.
type Source = (bool, Box<dyn FnOnce(&Settings, &dyn Fn(Body)) + Send>);

/// The sources' threads, in the order of their parts in the merge.
fn sources(settings: &Settings) -> Vec<Source> {
    let mut out: Vec<Source> = Vec::new();
    let as_of = settings.audit.as_of;
    out.push((
        settings.ldap.is_some(),
        Box::new(move |s, send| match read_directory(s, as_of, send) {
            Ok(d) => send(Body::Part(Part::Directory(Box::new(d)))),
            Err((rank, e)) => send(Body::Failed(rank, e)),
        }),
    ));
    for i in 0..settings.leases.len() {
        out.push((
            false,
            Box::new(move |s, send| {
                let Some(path) = s.leases.get(i) else { return };
                let (mut leases, mut problems) = (Vec::new(), crate::input::Problems::default());
                let mut table = leases::dns_settings::DhcpDnsSettings::default();
                send(match leases::read_file(path, s.leases_format, &s.input_times, &mut leases, &mut table, &mut problems) {
                    Ok(_) => Body::Part(Part::LeaseFile(leases, table, problems)),
                    Err(e) => Body::Failed(Rank::LeaseFile(i), e.into()),
                });
            }),
        ));
    }
    out.push((
        true,
        Box::new(|s, send| {
            let (mut leases, mut problems) = (Vec::new(), crate::input::Problems::default());
            send(match leases::kea_api::read_urls(&s.kea_urls, &s.kea, &mut leases, &mut problems) {
                Ok(kea) => Body::Part(Part::Kea(leases, kea, problems)),
                Err(e) => Body::Failed(Rank::Kea, e.into()),
            });
        }),
    ));
    out.push((
        false,
        Box::new(|s, send| {
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
    ));
    // Kea's effective DNS-update settings per subnet (`config-get`); what cannot be read is a
    // counted problem, never a failed run.
    out.push((
        true,
        Box::new(|s, send| {
            let mut problems = crate::input::Problems::default();
            let kea = leases::kea_api::config::read_ddns_settings(&s.kea_urls, &s.kea, &mut problems);
            send(Body::Part(Part::KeaConfig(kea, problems)));
        }),
    ));
    out.push((
        false,
        Box::new(|s, send| {
            let (mut table, mut problems) = (leases::dns_settings::DhcpDnsSettings::default(), crate::input::Problems::default());
            send(match s.dhcp_settings.iter().try_for_each(|path| leases::dns_settings::read_file(path, &mut table, &mut problems)) {
                Ok(()) => Body::Part(Part::DhcpSettings(table, problems)),
                Err(e) => Body::Failed(Rank::DhcpSettings, e.into()),
            });
        }),
    ));
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
    for path in &s.zones {
        dns::zones_csv::read_file(path, &mut ad.dns, &mut dns_problems).map_err(|e| (Rank::Zones, e.into()))?;
    }
    ad.dns.apply_zone_settings();
    Ok(DirectoryPart { ad_problems: ad.problems, computers: ad.computers, domain: ad.domain, dhcp_accounts, dns: ad.dns, dns_problems })
}

/// Reads every input, each source on a thread of its own ([`sources`]), and merges them in
/// the order they were read one after another: the same data, problems and report.
///
/// A failing source ends the gathering at once (exit 2): the other file sources are waited
/// for (local files, bounded: of two failing files the message is the same as when read in
/// turn), the network sources still running (LDAP, Kea) get a second (a refused connection
/// fails within it), then are abandoned on their threads. Of the errors known then, the first
/// in [`Rank`] order is returned.
fn gather(settings: &Settings, on_leases: &mut OnLeases<'_>) -> Result<Gathered, RunError> {
    use std::sync::mpsc;
    let shared = std::sync::Arc::new(settings.clone());
    let (tx, rx) = mpsc::channel::<(usize, Body)>();
    let mut network = Vec::new();
    for (id, (is_network, body)) in sources(settings).into_iter().enumerate() {
        network.push(is_network);
        let (s, tx) = (std::sync::Arc::clone(&shared), tx.clone());
        // Detached: an abandoned source does not hold the run, and leaving the process ends it.
        std::thread::spawn(move || {
            let send = |b: Body| {
                let _ = tx.send((id, b));
            };
            if let Err(panic) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(&s, &send))) {
                send(Body::Panicked(panic));
            }
        });
    }
    drop(tx);

    let mut done = vec![false; network.len()];
    let mut parts: Vec<Option<Part>> = (0..network.len()).map(|_| None).collect();
    let mut errors: Vec<(Rank, RunError)> = Vec::new();
    let mut domain = settings.audit.domain.clone();
    let mut domain_known = domain.is_some() || settings.ldap.is_none();
    let lease_ids = 1..settings.leases.len() + 2;
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
        if errors.is_empty() && leases.is_none() && lease_ids.clone().all(|i| done.get(i) == Some(&true)) {
            // The lease files in order, then Kea, de-duplicated across them.
            let mut all = Vec::new();
            let mut problems = crate::input::Problems::default();
            for p in parts.get_mut(lease_ids.clone()).into_iter().flatten() {
                match p.take() {
                    Some(Part::LeaseFile(l, table, pr)) => {
                        all.extend(l);
                        problems.list.extend(pr.list);
                        xml_settings.absorb(table);
                    }
                    Some(Part::Kea(l, kea, pr)) => {
                        all.extend(l);
                        problems.list.extend(pr.list);
                        *p = Some(Part::Kea(Vec::new(), kea, crate::input::Problems::default()));
                    }
                    other => *p = other,
                }
            }
            let mut dedupe_problems = crate::input::Problems::default();
            let all = leases::dedupe_across_sources(all, &mut dedupe_problems);
            problems.list.extend(dedupe_problems.list);
            leases = Some((all, problems));
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
            Part::DhcpSettings(t, pr) => dhcp_files = Some((t, pr)),
            Part::Domain(_) | Part::LeaseFile(..) => {}
        }
    }
    let d = *directory_part.ok_or(RunError::SourceLost)?;
    let (kea_dns, kea_dns_problems) = kea_dns.ok_or(RunError::SourceLost)?;
    let (dhcp_table, dhcp_problems) = dhcp_files.ok_or(RunError::SourceLost)?;

    let mut audit_settings = settings.audit.clone();
    audit_settings.dhcp_accounts.extend(d.dhcp_accounts.iter().filter_map(|a| audit::DhcpAccount::parse(a)));
    if audit_settings.domain.is_none() {
        audit_settings.domain = d.domain;
    }
    // The problems in the order of a one-after-another read.
    let mut problems = d.ad_problems;
    for list in [lease_problems, computer_problems, d.dns_problems, kea_dns_problems, dhcp_problems] {
        problems.list.extend(list.list);
    }
    let mut all_computers = d.computers;
    all_computers.extend(computers);
    // The DHCP servers' DNS settings: an Export-DhcpServer XML's first (read with its leases),
    // then Kea's and the --dhcp-settings CSVs'.
    let mut dhcp_settings = xml_settings;
    kea_dns.fill(&mut dhcp_settings);
    dhcp_settings.absorb(dhcp_table);
    Ok(Gathered { leases, directory: Directory::new(all_computers), dns: d.dns, dhcp_settings, problems, kea, audit: audit_settings })
}

/// `--keep N`, once the report is written: the older reports of this kind in its folder go.
/// Nothing to do when the report goes to stdout.
fn prune(settings: &Settings, kind: report::Kind) -> report::Pruned {
    match (&settings.output, settings.keep) {
        (Destination::File(path), Some(keep)) => report::prune(&report::dir_of(path), kind, keep),
        _ => report::Pruned::default(),
    }
}

fn destination_text(d: &Destination) -> String {
    match d {
        Destination::Stdout => "stdout".to_string(),
        Destination::File(p) => p.display().to_string(),
    }
}

/// Runs the audit from validated settings: every input (files, AD), live DNS when
/// `--dns-server` is given, then the report.
pub(crate) fn run_with(settings: &Settings, make_resolver: &MakeResolver<'_>) -> Result<Outcome, RunError> {
    let mut clock = PhaseClock::from_env();
    // The previous report first: a bad `--previous PATH` fails before a long enumeration.
    let previous = report::RunOverRun::load(&settings.previous, settings.audit.as_of)?;
    let (audited, live) = if settings.dns_servers.is_empty() {
        let gathered = gather(settings, &mut |_, _| {})?;
        clock.lap("gather");
        let audited = audit_gathered(settings, gathered, previous, None)?;
        clock.lap("audit+write");
        (audited, None)
    } else {
        live_audit(settings, make_resolver, previous, &mut clock)?
    };
    clock.report();
    // A live run whose resolution failed has returned its error: every run here audited.
    let Some(Audited { mut summary, problems, kea, html, scopes, previous, tripped }) = audited else {
        return Err(RunError::SourceLost);
    };
    summary.live = live;
    summary.previous = previous.summary();
    summary.pruned = prune(settings, report::Kind::Audit);
    let mut text = kea.render() + &summary.render(&problems);
    if let Some(h) = html {
        let path = h.finish(report::html::audit_page(&summary, &problems, &text), scopes)?;
        text.push_str(&format!("  HTML report: {}\n", path.display()));
    }
    Ok(Outcome { summary: text, tripped })
}

/// The audit with live DNS (`--dns-server`): the audit's de-duplicated questions, each asked
/// once, in the audit's order, resolved on this thread as soon as the leases and the domain
/// are known ([`OnLeases`]), while the other sources are still read (an LDAP enumeration,
/// the DNS exports) on another thread, which then audits and writes the report, each finding
/// waiting only for its own lease's answers (issue #13). Nothing is written until the run can
/// no longer fail: a failed run leaves no partial report, in a file or on stdout.
fn live_audit(
    settings: &Settings,
    make_resolver: &MakeResolver<'_>,
    previous: report::RunOverRun,
    clock: &mut PhaseClock,
) -> Result<(Option<Audited>, Option<report::LiveSummary>), RunError> {
    // `--compare-servers` with one server is refused before anything is read.
    dns::live::Store::new(Vec::new(), &settings.dns_servers, settings.compare_servers)?;
    let resolver = make_resolver(&settings.pacing);
    // Set by this thread once the questions are known: `None` when the store could not be made.
    let store_cell: std::sync::OnceLock<Option<dns::live::Store>> = std::sync::OnceLock::new();
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::channel::<Vec<dns::live::Ask>>();
        let store_cell = &store_cell;
        let gathering = scope.spawn(move || -> Result<Option<Audited>, RunError> {
            let mut tx = Some(tx);
            let questions = |leases: &[leases::Lease], domain: Option<&str>| {
                let mut audit_settings = settings.audit.clone();
                if audit_settings.domain.is_none() {
                    audit_settings.domain = domain.map(str::to_string);
                }
                audit::questions(leases, &audit_settings)
            };
            let gathered = gather(settings, &mut |leases, domain| {
                if let Some(tx) = tx.take() {
                    let _ = tx.send(questions(leases, domain));
                }
            });
            let gathered = match gathered {
                Ok(g) => g,
                Err(e) => {
                    // Resolving started for nothing: stop it.
                    if tx.is_none()
                        && let Some(store) = store_cell.wait()
                    {
                        store.abandon();
                    }
                    return Err(e);
                }
            };
            if let Some(tx) = tx.take() {
                let _ = tx.send(audit::questions(&gathered.leases, &gathered.audit));
            }
            let Some(store) = store_cell.wait() else { return Ok(None) };
            let audited = audit_gathered(settings, gathered, previous, Some(store));
            if audited.is_err() {
                // No report: the answers are no longer wanted.
                store.abandon();
            }
            audited
        });
        let join = |h: std::thread::ScopedJoinHandle<'_, Result<Option<Audited>, RunError>>| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        // The questions; none when the gathering failed before the leases were known.
        let Ok(asks) = rx.recv() else {
            return join(gathering).map(|a| (a, None));
        };
        clock.lap("gather: leases and domain");
        let store = match dns::live::Store::new(asks, &settings.dns_servers, settings.compare_servers) {
            Ok(s) => s,
            Err(e) => {
                let _ = store_cell.set(None);
                return Err(e.into());
            }
        };
        let store = store_cell.get_or_init(|| Some(store));
        let Some(store) = store else { return Err(RunError::SourceLost) };
        let resolved = dns::live::resolve_into(resolver.as_ref(), store);
        clock.lap("resolve (gather, audit+write alongside)");
        let audited = join(gathering);
        clock.lap("rest of gather, audit+write");
        // A source that failed, or a report that could not be written, wins: either stopped
        // the resolution.
        let audited = audited?;
        let stats = resolved?;
        let live = report::LiveSummary::new(&stats, &store.disagreements(), settings.compare_servers);
        Ok((audited, Some(live)))
    })
}

/// What the audit leaves for the summary once the report is written.
struct Audited {
    summary: Summary,
    problems: crate::input::Problems,
    kea: leases::kea_api::KeaReport,
    html: Option<report::html::HtmlReport>,
    scopes: Option<report::html::GroupTally>,
    previous: report::RunOverRun,
    tripped: bool,
}

/// Audits the gathered data against the DNS data, or against the live answers in `live` (with
/// the data's ages), and writes the report. `None` when the live resolution failed before any
/// server answered: nothing is written then.
fn audit_gathered(settings: &Settings, gathered: Gathered, mut previous: report::RunOverRun, live: Option<&dns::live::Store>) -> Result<Option<Audited>, RunError> {
    let Gathered { leases, directory, dns: dns_data, dhcp_settings, problems, kea, audit: audit_settings } = gathered;
    let mut summary = Summary::new(&leases, audit_settings.as_of);
    summary.computers_read = directory.computers.len();
    summary.zones_read = dns_data.zones.len();
    summary.dns_records_read = dns_data.records.len();
    summary.zone_findings = dns_data.zone_findings(audit_settings.assume_aging);

    // The HTML report (`--html`) takes the same rows as the report's writer, and counts every
    // finding per scope.
    let mut html = html_report(settings, report::html::Kind::Audit, &report::COLUMNS, audit_settings.as_of, chrono::TimeDelta::days(28))?;
    let mut scopes = html.is_some().then(|| report::html::GroupTally::new(report::html::Kind::Audit));

    let data = audit::DataEvidence::new(&dns_data, audit_settings.as_of).with_dhcp_settings(&dhcp_settings);
    let mut out = ReportOut { summary: &mut summary, previous: &mut previous, html: &mut html, scopes: &mut scopes };
    let tripped = match live {
        None => write_report(settings, &leases, &directory, &data, &audit_settings, &mut out)?,
        Some(store) => {
            if !store.wait_open() {
                return Ok(None);
            }
            let evidence = audit::LiveEvidence::new(store, data);
            write_report(settings, &leases, &directory, &evidence, &audit_settings, &mut out)?
        }
    };
    Ok(Some(Audited { summary, problems, kea, html, scopes, previous, tripped }))
}

/// Where the audit's findings go besides the report: the counts, the run-over-run state and
/// the HTML report's writer.
struct ReportOut<'o> {
    summary: &'o mut Summary,
    previous: &'o mut report::RunOverRun,
    html: &'o mut Option<report::html::HtmlReport>,
    scopes: &'o mut Option<report::html::GroupTally>,
}

/// Audits every lease against `evidence` and writes the report; the findings stream from the
/// audit into the report, only the counts are kept (in `out.summary`). Whether a row reached
/// `--fail-on`.
fn write_report(
    settings: &Settings,
    leases: &[leases::Lease],
    directory: &Directory,
    evidence: &dyn audit::Evidence,
    audit_settings: &audit::AuditSettings,
    out: &mut ReportOut<'_>,
) -> Result<bool, ReportError> {
    let auditor = audit::Auditor::new(leases, directory, evidence, audit_settings);
    let mut tripped = false;
    let ReportOut { summary, previous, html, scopes } = out;
    let rows = report::audit_rows(auditor.findings(), settings.all, previous, |f| {
        summary.add(f);
        tripped |= settings.fail_on.trips(f.status);
        if let Some(s) = scopes.as_mut() {
            s.add_finding(f);
        }
    })
    .inspect(|r| {
        if let Some(h) = html.as_mut() {
            h.add(r);
        }
    });
    let written = report::write(&settings.output, settings.format, &report::COLUMNS, rows)?;
    summary.rows_written = written.rows;
    summary.stale_temp_removed = written.stale_removed;
    summary.destination = destination_text(&settings.output);
    Ok(tripped)
}

/// The HTML report's writer when `--html` is given.
fn html_report(
    settings: &Settings,
    kind: report::html::Kind,
    columns: &'static [&'static str],
    as_of: DateTime<Utc>,
    horizon: chrono::TimeDelta,
) -> Result<Option<report::html::HtmlReport>, RunError> {
    Ok(settings.html.as_deref().map(|p| report::html::HtmlReport::new(p, kind, columns, as_of, horizon)).transpose()?)
}

/// With `DDNS_AUDIT_TIMINGS` set, the wall time of each phase of a run on stderr (for the
/// benchmarks: where a whole run's time goes). Not part of the summary: timings are not
/// reproducible output.
struct PhaseClock {
    laps: Option<Vec<(&'static str, std::time::Duration)>>,
    start: std::time::Instant,
    last: std::time::Instant,
}

impl PhaseClock {
    fn from_env() -> PhaseClock {
        let now = std::time::Instant::now();
        PhaseClock { laps: std::env::var_os("DDNS_AUDIT_TIMINGS").map(|_| Vec::new()), start: now, last: now }
    }

    /// Ends the phase `name` now.
    fn lap(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        if let Some(laps) = &mut self.laps {
            laps.push((name, now.duration_since(self.last)));
        }
        self.last = now;
    }

    fn report(&self) {
        if let Some(laps) = &self.laps {
            let parts: Vec<String> = laps.iter().map(|(n, d)| format!("{n} {:.3} s", d.as_secs_f64())).collect();
            eprintln!("timings: {}; total {:.3} s", parts.join(", "), self.start.elapsed().as_secs_f64());
        }
    }
}

/// Runs `ddns-audit forecast`. `now` is the clock value; nothing below reads the clock.
pub fn forecast(args: ForecastArgs, now: DateTime<Utc>) -> Result<Outcome, RunError> {
    forecast_with(&args.into_settings(now)?)
}

/// Runs the forecast from validated settings: the same inputs as the audit, then the records
/// scavenging deletes within the horizon, judged one at a time as they stream into the report.
/// Live DNS is not asked: it carries no record timestamps, which are all a forecast dates by.
pub(crate) fn forecast_with(fs: &ForecastSettings) -> Result<Outcome, RunError> {
    let settings = &fs.base;
    let Gathered { leases, directory, dns: dns_data, problems, kea, audit: audit_settings, .. } = gather(settings, &mut |_, _| {})?;
    // The records through the audit's de-duplicated view (one copy of a record read twice);
    // its index is dropped once the plan is made.
    let plan = {
        let data = audit::DataEvidence::new(&dns_data, audit_settings.as_of);
        forecast::plan(&dns_data, data.record_ids(), &audit_settings, fs.forecast)
    };
    let forecaster = forecast::Forecaster::new(&dns_data, plan, &leases, &directory, &audit_settings, fs.forecast);

    let mut tally = forecast::Tally::new(audit_settings.as_of, fs.forecast.horizon);
    let mut html = html_report(settings, report::html::Kind::Forecast, &report::FORECAST_COLUMNS, audit_settings.as_of, fs.forecast.horizon)?;
    // The verdicts are judged on a second core, in batches, while this one renders and writes
    // the rows: the two halves cost about the same. Bounded, so memory stays flat.
    const BATCH: usize = 4096;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<forecast::Row<'_>>>(4);
    let written = std::thread::scope(|scope| {
        let forecaster = &forecaster;
        scope.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH);
            for r in forecaster.rows() {
                batch.push(r);
                // A closed channel: the writer failed and returns its error.
                if batch.len() == BATCH && tx.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))).is_err() {
                    return;
                }
            }
            let _ = tx.send(batch);
        });
        let rows = rx.into_iter().flatten().map(|r| {
            tally.add(&r);
            let row = report::forecast_row(&r);
            if let Some(h) = &mut html {
                h.add(&row);
            }
            row
        });
        report::write(&settings.output, settings.format, &report::FORECAST_COLUMNS, rows)
    })?;
    let pruned = prune(settings, report::Kind::Forecast);
    let tripped = fs.fail_on == forecast::ForecastFailOn::Live && tally.live > 0;
    let summary = report::ForecastSummary {
        horizon: fs.forecast.horizon,
        not_forecast: forecaster.not_forecast().clone(),
        leases_read: leases.len(),
        leases_audited: leases.iter().filter(|l| l.is_audited(audit_settings.as_of)).count(),
        computers_read: directory.computers.len(),
        dns_records_read: dns_data.records.len(),
        zones_read: dns_data.zones.len(),
        destination: destination_text(&settings.output),
        rows_written: written.rows,
        stale_temp_removed: written.stale_removed,
        pruned,
        tally,
    };
    let mut text = kea.render() + &summary.render(&problems);
    if let Some(h) = html {
        let path = h.finish(report::html::forecast_page(&summary, &problems, &text), None)?;
        text.push_str(&format!("  HTML report: {}\n", path.display()));
    }
    Ok(Outcome { summary: text, tripped })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue #13: the sources are read on threads of their own, and their problems listed in
    /// the order of a one-after-another read (lease files in order, then the computers), the
    /// leases in file order, whatever thread finishes first.
    #[test]
    fn gathered_in_the_reading_order() {
        let d = tempfile::tempdir().unwrap();
        let file = |name: &str, text: String| {
            let p = d.path().join(name);
            std::fs::write(&p, text).unwrap();
            p
        };
        // A big first file, so that the second and the computers usually finish first.
        let mut big = String::new();
        for i in 0..20_000 {
            big.push_str(&format!("4102444800 02:00:00:00:{:02x}:{:02x} 10.1.{}.{} h{i} *\n", i / 256, i % 256, i / 250, i % 250 + 1));
        }
        big.push_str("4102444800 02:00:00:00:ff:ff not-an-address bad1 *\n");
        let leases = vec![
            file("a.leases", big),
            file("b.leases", "4102444800 02:00:00:01:00:01 10.2.0.1 b1 *\n4102444800 02:00:00:01:00:02 bogus bad2 *\n".into()),
        ];
        let computers = file("c.csv", "Name,DNSHostName,Enabled,LastLogonTimestamp,OperatingSystem\nPC1,pc1.corp.test,True,,\nPC2,pc2.corp.test,Maybe,,\n".into());
        let args = AuditArgs { leases, computers: Some(computers), domain: Some("corp.test".into()), ..Default::default() };
        let settings = args.into_settings(Utc::now()).unwrap();
        for _ in 0..3 {
            let mut early = None;
            let g = gather(&settings, &mut |l, domain| early = Some((l.len(), domain.map(str::to_string)))).unwrap();
            let sources: Vec<String> = g.problems.list.iter().map(|p| p.source.rsplit('/').next().unwrap_or_default().to_string()).collect();
            assert_eq!(sources, ["a.leases", "b.leases", "c.csv"]);
            assert_eq!(g.leases.len(), 20_001);
            assert_eq!((g.leases[0].hostname.as_deref(), g.leases[20_000].hostname.as_deref()), (Some("h0"), Some("b1")));
            assert_eq!(early, Some((20_001, Some("corp.test".to_string()))));
        }
    }

    /// The codes scripts branch on (README, "Exit codes") never move.
    #[test]
    fn exit_codes() {
        let code = |tripped| Outcome { summary: String::new(), tripped }.status() as u8;
        assert_eq!((code(false), code(true), ExitStatus::Failed as u8), (0, 1, 2));
    }

    mod live {
        use std::path::Path;

        use clap::Parser;
        use hickory_proto::rr::RecordType;
        use rustc_hash::FxHashMap;

        use super::*;
        use crate::dns::RecordData;
        use crate::dns::answers::Answer;
        use crate::dns::live::{Fixture, Question};
        use crate::settings::{Cli, Command};

        /// The audit of `leases` (dnsmasq lines) against `fx` at 127.0.0.1:53, written to
        /// `out`: the outcome, or the error's text.
        fn run(dir: &Path, leases: &str, fx: &Fixture, out: &Path) -> Result<Outcome, String> {
            let path = dir.join("leases");
            std::fs::write(&path, leases).unwrap();
            let (path, out) = (path.display().to_string(), out.display().to_string());
            let argv = ["ddns-audit", "audit", "--leases", &path, "--domain", "corp.test", "--dns-server", "127.0.0.1", "--as-of", "2026-11-24T00:00:00Z", "--all", "--output", &out];
            let Command::Audit(args) = Cli::try_parse_from(argv).unwrap().command else { panic!("not an audit") };
            let settings = args.merge_config().unwrap().into_settings(Utc::now()).unwrap();
            run_with(&settings, &|_| Box::new(fx.clone())).map_err(|e| e.to_string())
        }

        fn q(name: &str, rtype: RecordType) -> Question {
            Question { name: dns::DnsName::parse(name).unwrap(), rtype }
        }

        /// pc1 twice (a second interface: its name's questions were asked by the first
        /// lease), pc2 with a stale PTR, pc3 unknown to DNS; 60 more hosts, so that the
        /// answers arriving in reverse cross the reader's batches.
        fn site() -> (String, Fixture) {
            let mut leases = String::new();
            let mut table = FxHashMap::default();
            let addr = |ips: &[&str]| Answer::Records(ips.iter().map(|i| RecordData::Addr(i.parse().unwrap())).collect());
            let ptr = |t: &str| Answer::Records(vec![RecordData::Ptr(t.into())]);
            for (ip, host) in [("10.0.16.21", "pc1"), ("10.0.16.22", "pc1"), ("10.0.16.23", "pc2"), ("10.0.16.24", "pc3")] {
                leases.push_str(&format!("4102444800 02:00:00:00:00:{} {ip} {host} *\n", &ip[8..]));
            }
            table.insert(q("pc1.corp.test", RecordType::A), addr(&["10.0.16.21", "10.0.16.22"]));
            table.insert(q("21.16.0.10.in-addr.arpa", RecordType::PTR), ptr("pc1.corp.test"));
            table.insert(q("22.16.0.10.in-addr.arpa", RecordType::PTR), ptr("pc1.corp.test"));
            table.insert(q("pc2.corp.test", RecordType::A), addr(&["10.0.16.23"]));
            table.insert(q("23.16.0.10.in-addr.arpa", RecordType::PTR), ptr("old.corp.test"));
            for i in 0..60 {
                let (ip, host) = (format!("10.0.17.{i}"), format!("h{i}"));
                leases.push_str(&format!("4102444800 02:00:00:00:01:{i:02x} {ip} {host} *\n"));
                table.insert(q(&format!("{host}.corp.test"), RecordType::A), addr(&[&ip]));
                table.insert(q(&dns::reverse_name(ip.parse().unwrap()), RecordType::PTR), ptr(&format!("{host}.corp.test")));
            }
            (leases, Fixture { servers: vec![table], ..Fixture::default() })
        }

        /// However the answers arrive, the report and the summary are those of the answers
        /// given in turn, and the rows are the ones a user sees for each case.
        #[test]
        fn the_report_is_the_same_whatever_order_the_answers_arrive_in() {
            let dir = tempfile::tempdir().unwrap();
            let (leases, fx) = site();
            let in_turn = dir.path().join("in-turn.csv");
            let first = run(dir.path(), &leases, &fx, &in_turn).unwrap();
            let reversed = dir.path().join("reversed.csv");
            let jobs = (4 + 60) * 3 - 2; // pc1's A and AAAA once
            let second = run(dir.path(), &leases, &Fixture { order: Some((0..jobs).rev().collect()), pace: Some(std::time::Duration::from_micros(50)), ..fx }, &reversed).unwrap();
            let report = std::fs::read_to_string(&in_turn).unwrap();
            assert_eq!(report, std::fs::read_to_string(&reversed).unwrap());
            assert_eq!(first.summary, second.summary.replace("reversed.csv", "in-turn.csv"));
            let mut csv = csv::Reader::from_reader(report.as_bytes());
            let header = csv.headers().unwrap().clone();
            let shown = ["status", "ip", "fqdn", "a_status", "a_records", "ptr_status", "ptr_records"].map(|c| header.iter().position(|h| h == c).unwrap());
            let rows: Vec<Vec<String>> = csv.records().take(4).map(|r| shown.iter().map(|&i| r.as_ref().unwrap()[i].to_string()).collect()).collect();
            assert_eq!(
                rows,
                [
                    ["ok", "10.0.16.21", "pc1.corp.test", "ok", "10.0.16.21;10.0.16.22", "ok", "pc1.corp.test"],
                    ["ok", "10.0.16.22", "pc1.corp.test", "ok", "10.0.16.21;10.0.16.22", "ok", "pc1.corp.test"],
                    ["stale", "10.0.16.23", "pc2.corp.test", "ok", "10.0.16.23", "mismatch", "old.corp.test"],
                    ["missing", "10.0.16.24", "pc3.corp.test", "missing", "", "missing", ""],
                ]
            );
        }

        /// A report that cannot be written stops the resolution (it would be asked for
        /// nothing), and its error is the run's.
        #[test]
        fn a_report_that_cannot_be_written_stops_the_resolution() {
            let dir = tempfile::tempdir().unwrap();
            let (leases, fx) = site();
            let blocker = dir.path().join("not-a-directory");
            std::fs::write(&blocker, "").unwrap();
            let fx = Fixture { pace: Some(std::time::Duration::from_millis(5)), ..fx };
            let err = run(dir.path(), &leases, &fx, &blocker.join("report.csv")).unwrap_err();
            assert!(err.starts_with(&format!("cannot create the report directory {}", blocker.display())), "{err}");
            let delivered = fx.delivered.load(std::sync::atomic::Ordering::Relaxed);
            assert!(delivered < 100, "{delivered} of 190 answers delivered after the report failed");
        }

        /// Answers that arrived before the run failed are never written: no report replaces
        /// the previous one, and no temporary file is left.
        #[test]
        fn a_run_failing_after_some_answers_writes_no_report() {
            let dir = tempfile::tempdir().unwrap();
            let (leases, fx) = site();
            let out = dir.path().join("report.csv");
            std::fs::write(&out, "the previous report\n").unwrap();
            let err = run(dir.path(), &leases, &Fixture { fail_after: Some(100), ..fx }, &out).unwrap_err();
            assert_eq!(err, "live DNS: no DNS server answered any of 190 queries (): check --dns-server, the port and the firewall");
            assert_eq!(std::fs::read_to_string(&out).unwrap(), "the previous report\n");
            let names: Vec<String> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
            assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
        }
    }
}
