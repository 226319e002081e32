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
    Ldap(#[from] directory::ldap::LdapError),
    // Not `#[from]` (a source): `{:#}` would print the message twice.
    #[error("live DNS: {0}")]
    Live(dns::live::LiveError),
    #[error(transparent)]
    Kea(#[from] leases::kea_api::KeaError),
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
    LeaseFile(Vec<leases::Lease>, crate::input::Problems),
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
                send(match leases::read_file(path, s.leases_format, &s.input_times, &mut leases, &mut problems) {
                    Ok(_) => Body::Part(Part::LeaseFile(leases, problems)),
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
/// turn), the network sources still running (LDAP, Kea) are abandoned on their threads. Of the
/// errors known then, the first in [`Rank`] order is returned.
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
    let mut told = false;
    // Until every source has ended; after an error, every file source.
    while done.iter().zip(&network).any(|(&d, &net)| !d && (errors.is_empty() || !net)) {
        // Every thread sends before it ends, even on a panic: a closed channel means none is left.
        let Ok((id, body)) = rx.recv() else { break };
        match body {
            Body::Panicked(panic) => std::panic::resume_unwind(panic),
            Body::Failed(rank, e) => {
                errors.push((rank, e));
                done[id] = true;
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
                    Some(Part::LeaseFile(l, pr)) => {
                        all.extend(l);
                        problems.list.extend(pr.list);
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
    let mut dhcp_settings = leases::dns_settings::DhcpDnsSettings::default();
    kea_dns.fill(&mut dhcp_settings);
    dhcp_settings.absorb(dhcp_table);
    Ok(Gathered { leases, directory: Directory::new(all_computers), dns: d.dns, dhcp_settings, problems, kea, audit: audit_settings })
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
    let Gathered { leases, directory, dns: dns_data, dhcp_settings, problems, kea, audit: audit_settings } = gather(settings, &mut |_, _| {})?;

    let mut summary = Summary::new(&leases, audit_settings.as_of);
    summary.computers_read = directory.computers.len();
    summary.zones_read = dns_data.zones.len();
    summary.dns_records_read = dns_data.records.len();
    summary.zone_findings = dns_data.zone_findings(audit_settings.assume_aging);

    // Live DNS (`--dns-server`): the audit's de-duplicated questions, each asked once.
    let answers = if settings.dns_servers.is_empty() {
        None
    } else {
        let (names, ips) = audit::questions(&leases, &audit_settings);
        let resolver = make_resolver(&settings.pacing);
        let (answers, stats) = dns::live::resolve_all(resolver.as_ref(), &names, &ips, &settings.dns_servers, settings.compare_servers)?;
        summary.live = Some(report::LiveSummary::new(&stats, &answers.disagreements, settings.compare_servers));
        Some(answers)
    };

    // The evidence: the DNS data, or the live answers with the data's ages.
    let data = audit::DataEvidence::new(&dns_data, audit_settings.as_of).with_dhcp_settings(&dhcp_settings);
    let evidence: Box<dyn audit::Evidence + '_> = match &answers {
        Some(answers) => Box::new(audit::LiveEvidence::new(answers, data)),
        None => Box::new(data),
    };
    let auditor = audit::Auditor::new(&leases, &directory, evidence.as_ref(), &audit_settings);

    // Findings stream from the audit into the report; only the counts are kept.
    let mut tripped = false;
    let rows = report::audit_rows(auditor.findings(), settings.all, |f| {
        summary.add(f);
        tripped |= settings.fail_on.trips(f.status);
    });
    let written = report::write(&settings.output, &report::COLUMNS, rows)?;
    summary.rows_written = written.rows;
    summary.stale_temp_removed = written.stale_removed;
    summary.destination = destination_text(&settings.output);
    Ok(Outcome { summary: kea.render() + &summary.render(&problems), tripped })
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
            report::forecast_row(&r)
        });
        report::write(&settings.output, &report::FORECAST_COLUMNS, rows)
    })?;
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
        tally,
    };
    Ok(Outcome { summary: kea.render() + &summary.render(&problems), tripped })
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
}
