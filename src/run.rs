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
        Some(ldap) => Ok(directory::ldap::read_ad(ldap)?),
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
    // The DHCP servers' DNS settings: an Export-DhcpServer XML's first (read with its leases),
    // then Kea's and the --dhcp-settings CSVs'.
    let mut dhcp_settings = leases::dns_settings::DhcpDnsSettings::default();
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
                leases::read_file(path, settings.leases_format, &settings.input_times, &mut leases, &mut dhcp_settings, &mut problems)?;
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
    // Kea's effective DNS-update settings per subnet (`config-get`); what cannot be read is a
    // counted problem, never a failed run.
    let kea_dns = leases::kea_api::config::read_ddns_settings(&settings.kea_urls, &settings.kea, &mut problems);
    kea_dns.fill(&mut dhcp_settings);
    for path in &settings.dhcp_settings {
        leases::dns_settings::read_file(path, &mut dhcp_settings, &mut problems)?;
    }
    Ok(Gathered { leases, directory, dns: dns_data, dhcp_settings, problems, kea, audit: audit_settings })
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
    let mut previous = report::RunOverRun::load(&settings.previous, settings.audit.as_of)?;
    let Gathered { leases, directory, dns: dns_data, dhcp_settings, problems, kea, audit: audit_settings } = gather(settings)?;
    clock.lap("gather");

    let mut summary = Summary::new(&leases, audit_settings.as_of);
    summary.computers_read = directory.computers.len();
    summary.zones_read = dns_data.zones.len();
    summary.dns_records_read = dns_data.records.len();
    summary.zone_findings = dns_data.zone_findings(audit_settings.assume_aging);

    // The HTML report (`--html`) takes the same rows as the report's writer, and counts every
    // finding per scope.
    let mut html = html_report(settings, report::html::Kind::Audit, &report::COLUMNS, audit_settings.as_of, chrono::TimeDelta::days(28))?;
    let mut scopes = html.is_some().then(|| report::html::GroupTally::new(report::html::Kind::Audit));

    // The evidence: the DNS data, or the live answers with the data's ages.
    let data = || audit::DataEvidence::new(&dns_data, audit_settings.as_of).with_dhcp_settings(&dhcp_settings);
    let tripped = if settings.dns_servers.is_empty() {
        let mut out = ReportOut { summary: &mut summary, previous: &mut previous, html: &mut html, scopes: &mut scopes };
        let tripped = write_report(settings, &leases, &directory, &data(), &audit_settings, &mut out)?;
        clock.lap("audit+write");
        tripped
    } else {
        // Live DNS (`--dns-server`): the audit's de-duplicated questions, each asked once, in
        // the audit's order. They are resolved on this thread while the audit and the report
        // run on another, each finding waiting only for its own lease's answers, so reading
        // the answers, auditing and writing overlap resolution (issue #13).
        let store = dns::live::Store::new(audit::questions(&leases, &audit_settings), &settings.dns_servers, settings.compare_servers)?;
        clock.lap("questions");
        let resolver = make_resolver(&settings.pacing);
        let (resolved, written) = std::thread::scope(|scope| {
            let mut out = ReportOut { summary: &mut summary, previous: &mut previous, html: &mut html, scopes: &mut scopes };
            let (store, leases, directory, audit_settings) = (&store, &leases, &directory, &audit_settings);
            let writer = scope.spawn(move || -> Result<Option<bool>, ReportError> {
                // Nothing is written until the run can no longer fail: a failed run leaves no
                // partial report, in a file or on stdout.
                if !store.wait_open() {
                    return Ok(None);
                }
                let evidence = audit::LiveEvidence::new(store, data());
                let written = write_report(settings, leases, directory, &evidence, audit_settings, &mut out);
                if written.is_err() {
                    // No report: the answers are no longer wanted.
                    store.abandon();
                }
                written.map(Some)
            });
            let resolved = dns::live::resolve_into(resolver.as_ref(), store);
            clock.lap("resolve (audit+write alongside)");
            let written = writer.join();
            clock.lap("rest of audit+write");
            (resolved, written)
        });
        let written = written.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        // A report that could not be written wins: it cancelled the resolution.
        let tripped = written?;
        let stats = resolved?;
        summary.live = Some(report::LiveSummary::new(&stats, &store.disagreements(), settings.compare_servers));
        // The writer waits until the resolution succeeded or a server answered, and the
        // resolution fails only before that: a successful one always lets it write.
        tripped.unwrap_or_default()
    };
    clock.report();
    summary.previous = previous.summary();
    summary.pruned = prune(settings, report::Kind::Audit);
    let mut text = kea.render() + &summary.render(&problems);
    if let Some(h) = html {
        let path = h.finish(report::html::audit_page(&summary, &problems, &text), scopes)?;
        text.push_str(&format!("  HTML report: {}\n", path.display()));
    }
    Ok(Outcome { summary: text, tripped })
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
    let Gathered { leases, directory, dns: dns_data, problems, kea, audit: audit_settings, .. } = gather(settings)?;
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
