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

/// With `--ldap-url`: computers and DNS data from AD (read before any file, so that the
/// offline inputs add to them), and the AD domain as the default `--domain`.
fn read_live_directory(settings: &Settings) -> Result<directory::ldap::AdData, RunError> {
    match &settings.ldap {
        Some(ldap) => Ok(directory::ldap::read_ad(ldap, |_| {})?),
        None => Ok(directory::ldap::AdData::default()),
    }
}

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

/// Reads every input: AD (first, so that the offline inputs add to it), the lease files and
/// Kea endpoints, the computers and the DNS exports.
fn gather(settings: &Settings) -> Result<Gathered, RunError> {
    let mut ad = read_live_directory(settings)?;
    // Live AD's causes (owners, zone policies) go into its DNS data; its authorized DHCP
    // servers' accounts are `dhcp-server` owners like the `--dhcp-account` names.
    let ad_dhcp_accounts = ad.owners.apply_to(&mut ad.dns);
    let mut problems = ad.problems;
    let mut audit_settings = settings.audit.clone();
    audit_settings.dhcp_accounts.extend(ad_dhcp_accounts.iter().filter_map(|a| audit::DhcpAccount::parse(a)));
    if audit_settings.domain.is_none() {
        audit_settings.domain = ad.domain;
    }

    // The DNS exports (the largest input) are read on a second core while this one reads the
    // leases and computers; their problems are listed after the others', as when read in turn,
    // and an error in the leases or computers still wins over one in the DNS exports.
    let as_of = audit_settings.as_of;
    let mut dns_data = ad.dns;
    let (others, dns_read) = std::thread::scope(|scope| {
        let dns_thread = scope.spawn(move || -> Result<(dns::DnsData, crate::input::Problems), RunError> {
            let mut dns_problems = crate::input::Problems::default();
            dns_data.set_as_of(as_of, &mut dns_problems);
            for path in &settings.dns_records {
                dns::read_file(path, &settings.input_times, &mut dns_data, &mut dns_problems)?;
            }
            Ok((dns_data, dns_problems))
        });
        let others = (|| -> Result<_, RunError> {
            let mut leases = Vec::new();
            for path in &settings.leases {
                leases::read_file(path, settings.leases_format, &settings.input_times, &mut leases, &mut problems)?;
            }
            let kea = leases::kea_api::read_urls(&settings.kea_urls, &settings.kea, &mut leases, &mut problems)?;
            let leases = leases::dedupe_across_sources(leases, &mut problems);
            let mut computers = ad.computers;
            if let Some(path) = &settings.computers {
                directory::read_file(path, &settings.input_times, &mut computers, &mut problems)?;
            }
            Ok((leases, kea, Directory::new(computers)))
        })();
        (others, dns_thread.join())
    });
    let (leases, kea, directory) = others?;
    let (mut dns_data, dns_problems) = dns_read.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    problems.list.extend(dns_problems.list);
    for path in &settings.zones {
        dns::zones_csv::read_file(path, &mut dns_data, &mut problems)?;
    }
    dns_data.apply_zone_settings();
    let mut dhcp_settings = leases::dns_settings::DhcpDnsSettings::default();
    // Kea's effective DNS-update settings per subnet (`config-get`); what cannot be read is a
    // counted problem, never a failed run.
    let kea_dns = leases::kea_api::config::read_ddns_settings(&settings.kea_urls, &settings.kea, &mut problems);
    kea_dns.fill(&mut dhcp_settings);
    for path in &settings.dhcp_settings {
        leases::dns_settings::read_file(path, &mut dhcp_settings, &mut problems)?;
    }
    Ok(Gathered { leases, directory, dns: dns_data, dhcp_settings, problems, kea, audit: audit_settings })
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
    let Gathered { leases, directory, dns: dns_data, dhcp_settings, problems, kea, audit: audit_settings } = gather(settings)?;

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
    let Gathered { leases, directory, dns: dns_data, problems, kea, audit: audit_settings, .. } = gather(settings)?;
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

    /// The codes scripts branch on (README, "Exit codes") never move.
    #[test]
    fn exit_codes() {
        let code = |tripped| Outcome { summary: String::new(), tripped }.status() as u8;
        assert_eq!((code(false), code(true), ExitStatus::Failed as u8), (0, 1, 2));
    }
}
