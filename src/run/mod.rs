//! The application layer: gathers every input the settings name, runs the audit, writes the
//! report, and returns the summary and the exit status for `main` to print and return.

use chrono::{DateTime, Utc};

use crate::audit;
use crate::directory::{self, Directory};
use crate::dns;
use crate::input::InputError;
use crate::leases;
use crate::report::{self, ReportError, Summary};
use crate::forecast;
use crate::settings::{AuditArgs, ForecastArgs, ForecastSettings, Settings, SettingsError};

mod gather;
mod info;

pub(crate) use gather::Servers;
use gather::{Gathered, gather};

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
    // Not `#[from]` (a source): `{:#}` would print the message twice. Shared: the resolver
    // and the audit waiting on it both hold it.
    #[error("live DNS: {0}")]
    Live(std::sync::Arc<dns::live::LiveError>),
    #[error(transparent)]
    Kea(#[from] leases::kea_api::KeaError),
    #[error(transparent)]
    Html(#[from] report::html::HtmlError),
    #[error(transparent)]
    Xlsx(#[from] report::xlsx::XlsxReportError),
    /// Issue #19: leases were read but none is audited at `--as-of`; a report of no rows would
    /// read as "nothing wrong". The sentence says what was read.
    #[error("{0}")]
    NothingAudited(String),
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
    run_with(&settings, &|p| Box::new(dns::live::Engine::new(p)), &Servers::live())
}

/// Builds the live resolver from the pacing (the engine in the binary; tests may pass a fixture).
pub(crate) type MakeResolver<'r> = dyn Fn(&dns::live::Pacing) -> Box<dyn dns::live::Resolve> + 'r;

/// Puts the staged outputs in place, then does the planned cleanup (`--keep`, stale temporary
/// files). The summary rendered by `render` says what was planned (the HTML page, staged before,
/// holds that text); it is rendered again in the rare case the removals did otherwise.
fn commit(outputs: report::Outputs, cleanup: report::Cleanup, planned: (report::Pruned, usize), render: impl FnOnce((report::Pruned, usize)) -> String, text: String) -> Result<String, RunError> {
    outputs.commit().map_err(ReportError::from)?;
    let (done, failures) = cleanup.execute();
    let mut text = if done == planned { text } else { render(done) };
    text.push_str(&failures);
    Ok(text)
}

/// The inputs' notes ([`Gathered::notes`]) as summary lines.
fn render_notes(notes: &[String]) -> String {
    notes.iter().map(|n| format!("ddns-audit: {n}\n")).collect()
}

/// Runs the audit from validated settings: every input (files, AD), live DNS when
/// `--dns-server` is given, then the report.
pub(crate) fn run_with(settings: &Settings, make_resolver: &MakeResolver<'_>, servers: &Servers) -> Result<Outcome, RunError> {
    let mut clock = PhaseClock::from_env();
    // The previous report first: a bad `--previous PATH` fails before a long enumeration.
    let previous = report::RunOverRun::load(&settings.previous, settings.audit.as_of)?;
    let (audited, live) = if settings.dns_servers.is_empty() {
        let gathered = gather(settings, servers, &mut |_, _| {})?;
        clock.lap("gather");
        let audited = audit_gathered(settings, gathered, previous, None)?;
        clock.lap("audit+write");
        (audited, None)
    } else {
        let (audited, live) = live_audit(settings, make_resolver, servers, previous, &mut clock)?;
        (audited, Some(live))
    };
    clock.report();
    let Audited { mut summary, problems, kea, notes, html, scopes, xlsx, previous, tripped, outputs } = audited;
    summary.live = live;
    summary.previous = previous.summary();
    // Nothing is removed before the outputs are in place: what will be, for the summary.
    let cleanup = report::Cleanup::plan(&settings.output, settings.html.as_deref(), settings.xlsx.as_deref(), report::Kind::Audit, settings.keep);
    let planned = cleanup.planned();
    (summary.pruned, summary.stale_temp_removed) = planned;
    let ending = Ending { kea: &kea, notes: &notes, problems: &problems, cleanup, planned, tripped };
    finish(&mut summary, ending, outputs, |summary, text, outputs| {
        let wanted = html.is_some() || xlsx.is_some();
        let page = wanted.then(|| report::html::audit_page(summary, &problems, text));
        finish_pages(page, html, scopes, xlsx, summary.as_of, outputs)
    })
}

/// The HTML page and the spreadsheet finished from one `page` (the summary as both show it,
/// made once: its fix list too); the workbook's zip runs on its own thread while the page is
/// finished. What each wrote, by name.
fn finish_pages(
    page: Option<report::html::Page<'_>>,
    html: Option<report::html::HtmlReport>,
    scopes: Option<report::html::Breakdown>,
    xlsx: Option<Spreadsheet>,
    as_of: Option<DateTime<Utc>>,
    outputs: &mut report::Outputs,
) -> Result<Vec<(&'static str, std::path::PathBuf)>, RunError> {
    let mut written = Vec::new();
    let Some(page) = page else { return Ok(written) };
    let saving = xlsx.map(|(x, info)| x.save(&xlsx_info(&info, &page, as_of), &page.fixes)).transpose()?;
    if let Some(h) = html {
        written.push(("HTML report", h.finish(page, scopes, outputs)?));
    }
    if let Some(s) = saving {
        written.push(("Spreadsheet", s.stage(outputs)?));
    }
    Ok(written)
}

/// The spreadsheet's Summary sheet: the page's sections (the stderr summary's counts), with
/// the run's facts as the HTML page's header has them (`info`: the time, the version, the
/// inputs with what each gave, the options).
fn xlsx_info(info: &report::html::RunInfo, page: &report::html::Page<'_>, as_of: Option<DateTime<Utc>>) -> report::xlsx::SummaryInfo {
    let mut sections = Vec::new();
    for s in &page.sections {
        let mut lines: Vec<(String, String)> = s.figures.iter().map(|f| (f.label.clone(), f.value.clone())).collect();
        lines.extend(s.notes.iter().map(|n| (String::new(), n.clone())));
        sections.push((s.title.to_string(), lines));
    }
    report::xlsx::SummaryInfo {
        title: page.title.clone(),
        as_of,
        ran_at: info.ran_at.map(|t| chrono::SubsecRound::trunc_subsecs(t, 0)),
        version: info.version.clone(),
        inputs: info.inputs.clone(),
        options: info.options.clone(),
        sections,
    }
}

/// What a run ends with besides its summary: the text before the summary (Kea's report, the
/// notes), the problems, the planned cleanup and whether a row reached `--fail-on`.
struct Ending<'e> {
    kea: &'e leases::kea_api::KeaReport,
    notes: &'e [String],
    problems: &'e crate::input::Problems,
    cleanup: report::Cleanup,
    planned: (report::Pruned, usize),
    tripped: bool,
}

/// A command's summary, as [`finish`] renders it.
trait RunSummary {
    fn render(&self, problems: &crate::input::Problems) -> String;
    /// What the cleanup removed (`--keep`, stale temporary files).
    fn set_removed(&mut self, removed: (report::Pruned, usize));
}

impl RunSummary for Summary {
    fn render(&self, problems: &crate::input::Problems) -> String {
        Summary::render(self, problems)
    }
    fn set_removed(&mut self, (pruned, stale): (report::Pruned, usize)) {
        (self.pruned, self.stale_temp_removed) = (pruned, stale);
    }
}

impl RunSummary for report::ForecastSummary<'_> {
    fn render(&self, problems: &crate::input::Problems) -> String {
        report::ForecastSummary::render(self, problems)
    }
    fn set_removed(&mut self, (pruned, stale): (report::Pruned, usize)) {
        (self.pruned, self.stale_temp_removed) = (pruned, stale);
    }
}

/// The end of both commands: the summary text, the HTML page finished with it (`page`, given
/// the summary, the text and the outputs; the page's path when there is one), the outputs put in place and
/// the planned cleanup done (the text rendered again if it did otherwise than planned).
fn finish<S: RunSummary>(
    summary: &mut S,
    ending: Ending<'_>,
    mut outputs: report::Outputs,
    page: impl FnOnce(&S, &str, &mut report::Outputs) -> Result<Vec<(&'static str, std::path::PathBuf)>, RunError>,
) -> Result<Outcome, RunError> {
    let Ending { kea, notes, problems, cleanup, planned, tripped } = ending;
    let text = kea.render() + &render_notes(notes) + &summary.render(problems);
    let written = page(summary, &text, &mut outputs)?;
    let render = |done| {
        summary.set_removed(done);
        kea.render() + &render_notes(notes) + &summary.render(problems)
    };
    let mut text = commit(outputs, cleanup, planned, render, text)?;
    for (what, path) in written {
        text.push_str(&format!("  {what}: {}\n", path.display()));
    }
    Ok(Outcome { summary: text, tripped })
}

/// The audit with live DNS (`--dns-server`): the audit's de-duplicated questions, each asked
/// once, in the audit's order, resolved on a thread of their own as soon as the leases and the
/// domain are known ([`gather::OnLeases`]), while the other sources are still read (an LDAP
/// enumeration, the DNS exports); this thread then audits and writes the report, each finding
/// waiting only for its own lease's answers (issue #13). Nothing is written until the run can
/// no longer fail: a failed run leaves no partial report, in a file or on stdout.
fn live_audit(
    settings: &Settings,
    make_resolver: &MakeResolver<'_>,
    servers: &Servers,
    previous: report::RunOverRun,
    clock: &mut PhaseClock,
) -> Result<(Audited, report::LiveSummary), RunError> {
    let resolver = make_resolver(&settings.pacing);
    let resolver = resolver.as_ref();
    // Set once the questions are known.
    let store_cell: std::sync::OnceLock<dns::live::Store> = std::sync::OnceLock::new();
    std::thread::scope(|scope| {
        let start = |asks: Vec<dns::live::Ask>| {
            let store = store_cell.get_or_init(|| dns::live::Store::new(asks, &settings.dns_servers, settings.compare_servers));
            (store, scope.spawn(move || dns::live::resolve_into(resolver, store)))
        };
        let (mut resolving, mut order) = (None, None);
        let gathered = gather(settings, servers, &mut |leases, ad_domain| {
            if resolving.is_none() {
                clock.lap("gather: leases and domain");
                let audit_settings = settings.audit_with_ad(ad_domain, &[]);
                let audited = audit::AuditOrder::new(leases, audit_settings.as_of);
                resolving = Some(start(audit::questions(leases, &audited, &audit_settings)));
                order = Some(audited);
            }
        });
        let gathered = match gathered {
            Ok(g) => g,
            Err(e) => {
                // Resolving started for nothing: stop it.
                if let Some((store, _)) = &resolving {
                    store.abandon();
                }
                return Err(e);
            }
        };
        // Known only now when the domain came last: resolving starts here.
        let order = order.unwrap_or_else(|| audit::AuditOrder::new(&gathered.leases, gathered.audit.as_of));
        let (store, resolving) = resolving.unwrap_or_else(|| start(audit::questions(&gathered.leases, &order, &gathered.audit)));
        let audited = audit_gathered(settings, gathered, previous, Some((store, order)));
        if audited.is_err() {
            // No report: the answers are no longer wanted.
            store.abandon();
        }
        clock.lap("rest of gather, audit+write (resolve alongside)");
        let resolved = resolving.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        clock.lap("rest of resolve");
        // A source that failed, or a report that could not be written, wins: either stopped
        // the resolution.
        let audited = audited?;
        let stats = resolved.map_err(RunError::Live)?;
        Ok((audited, report::LiveSummary::new(&stats, &store.disagreements(), settings.compare_servers)))
    })
}

/// What the audit leaves for the summary once the report is written.
struct Audited {
    summary: Summary,
    problems: crate::input::Problems,
    kea: leases::kea_api::KeaReport,
    /// [`Gathered::notes`].
    notes: Vec<String>,
    html: Option<report::html::HtmlReport>,
    scopes: Option<report::html::Breakdown>,
    xlsx: Option<Spreadsheet>,
    previous: report::RunOverRun,
    tripped: bool,
    /// The report (and later the page) staged, not yet in place.
    outputs: report::Outputs,
}

/// Audits the gathered data against the DNS data, or against the live answers in `live` (with
/// the data's ages; the leases' order found for its questions), and writes the report; nothing
/// is written when the live resolution failed before any server answered (its error is returned).
fn audit_gathered(settings: &Settings, gathered: Gathered, mut previous: report::RunOverRun, live: Option<(&dns::live::Store, audit::AuditOrder)>) -> Result<Audited, RunError> {
    let Gathered { leases, directory, dns: dns_data, dhcp_settings, problems, kea, audit: audit_settings, notes } = gathered;
    let mut summary = Summary::new(&leases, audit_settings.as_of);
    if summary.leases_read == summary.not_audited.values().sum::<usize>() {
        return Err(RunError::NothingAudited(nothing_audited(settings, &summary, &leases)));
    }
    summary.computers_read = directory.computers.len();
    summary.zones_read = dns_data.zones.len();
    summary.dns_records_read = dns_data.records.len();
    summary.zone_findings = dns_data.zone_findings(audit_settings.assume_aging);

    // The HTML report (`--html`) takes the same rows as the report's writer, and counts every
    // finding per scope.
    let mut outputs = report::Outputs::default();
    let info = || info::run_info(settings, &leases, &directory, &dns_data, (settings.all, true), &[]);
    let (mut html, mut xlsx) = pages(settings, report::Kind::Audit, &report::COLUMNS, (audit_settings.as_of, chrono::TimeDelta::days(28)), info, &dns_data.zones, &mut outputs)?;
    let mut scopes = html.is_some().then(|| report::html::Breakdown::new(dns_data.zones.iter().map(|z| z.name.clone())));

    let data = audit::DataEvidence::new(&dns_data, audit_settings.as_of).with_dhcp_settings(&dhcp_settings);
    let mut out = ReportOut { summary: &mut summary, previous: &mut previous, html: &mut html, scopes: &mut scopes, xlsx: &mut xlsx, outputs: &mut outputs };
    let tripped = match live {
        None => {
            let order = audit::AuditOrder::new(&leases, audit_settings.as_of);
            write_report(settings, (&leases, &order), &directory, &data, &audit_settings, &mut out)?
        }
        Some((store, order)) => {
            store.wait_open().map_err(RunError::Live)?;
            let evidence = audit::LiveEvidence::new(store, data);
            write_report(settings, (&leases, &order), &directory, &evidence, &audit_settings, &mut out)?
        }
    };
    Ok(Audited { summary, problems, kea, notes, html, scopes, xlsx, previous, tripped, outputs })
}

/// The sentence for a run whose leases are all expired or not held at `--as-of`.
fn nothing_audited(settings: &Settings, summary: &Summary, leases: &[leases::Lease]) -> String {
    if leases.is_empty() {
        // Files that give no lease stop the run as they are read: only Kea is left.
        let urls: Vec<&str> = settings.kea_urls.iter().map(|e| e.given.as_str()).collect();
        return format!("no lease read: the Kea endpoint(s) {} hold no lease; nothing would be audited and the report would look all clear", urls.join(", "));
    }
    let mut sources: Vec<&str> = Vec::new();
    for l in leases {
        if !sources.contains(&&**l.source()) {
            sources.push(l.source());
        }
    }
    let why: Vec<String> = summary.not_audited.iter().map(|(k, v)| format!("{v} {k}")).collect();
    format!(
        "no lease to audit as of {}: the {} lease(s) read from {} are none of them active or reserved and unexpired ({}); nothing would be audited and the report would look all clear (check the export, or --as-of)",
        crate::timefmt::rfc3339(summary.as_of.unwrap_or_default()),
        summary.leases_read,
        sources.join(", "),
        why.join(", ")
    )
}

/// Where the audit's findings go besides the report: the counts, the run-over-run state and
/// the HTML report's writer.
struct ReportOut<'o> {
    summary: &'o mut Summary,
    previous: &'o mut report::RunOverRun,
    html: &'o mut Option<report::html::HtmlReport>,
    scopes: &'o mut Option<report::html::Breakdown>,
    xlsx: &'o mut Option<Spreadsheet>,
    outputs: &'o mut report::Outputs,
}

/// Audits every lease audited (in their `order`) against `evidence` and writes the report; the
/// findings stream from the audit into the report, only the counts are kept (in
/// `out.summary`). Whether a row reached `--fail-on`.
fn write_report(
    settings: &Settings,
    (leases, order): (&[leases::Lease], &audit::AuditOrder),
    directory: &Directory,
    evidence: &dyn audit::Evidence,
    audit_settings: &audit::AuditSettings,
    out: &mut ReportOut<'_>,
) -> Result<bool, ReportError> {
    let auditor = audit::Auditor::in_order(leases, order, directory, evidence, audit_settings);
    let ReportOut { summary, previous, html, scopes, xlsx, outputs } = out;
    let rows = report::audit_rows(auditor.findings(), settings.all, previous, |f| {
        summary.add(f);
        if let Some(s) = scopes.as_mut() {
            s.add_finding(f);
        }
    });
    let mut also = report::sinks(html.as_mut(), xlsx.as_mut().map(|(x, _)| x));
    summary.rows_written = report::write(&settings.output, settings.format, &report::COLUMNS, rows, &mut also, outputs)?;
    summary.destination = settings.output.clone();
    // The exit-code policy: a function of the counts, once every finding is counted.
    Ok(summary.trips(settings.fail_on))
}

/// The spreadsheet's writer, with the run's facts its Summary sheet lists.
type Spreadsheet = (report::xlsx::XlsxReport, report::html::RunInfo);

/// The HTML report's writer when `--html` is given, the spreadsheet's when `--xlsx` is: both
/// list the run's facts (`info`, made once: the inputs with what each gave, the options).
/// `zones`: the DNS data's, for the spreadsheet's Zones sheet.
fn pages(
    settings: &Settings,
    kind: report::Kind,
    columns: &'static [&'static str],
    (as_of, horizon): (DateTime<Utc>, chrono::TimeDelta),
    info: impl FnOnce() -> report::html::RunInfo,
    zones: &[dns::Zone],
    outputs: &mut report::Outputs,
) -> Result<(Option<report::html::HtmlReport>, Option<Spreadsheet>), RunError> {
    let info = (settings.html.is_some() || settings.xlsx.is_some()).then(info);
    let html = settings.html.as_deref().zip(info.clone()).map(|(p, info)| report::html::HtmlReport::new(p, kind, columns, as_of, horizon, info, outputs)).transpose()?;
    let xlsx = settings.xlsx.as_deref().zip(info).map(|(p, info)| report::xlsx::XlsxReport::new(p, kind, zones, outputs).map(|x| (x, info))).transpose()?;
    Ok((html, xlsx))
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
    forecast_with(&args.into_settings(now)?, &Servers::live())
}

/// Runs the forecast from validated settings: the same inputs as the audit, then the records
/// scavenging deletes within the horizon, judged one at a time as they stream into the report.
/// Live DNS is not asked: it carries no record timestamps, which are all a forecast dates by.
pub(crate) fn forecast_with(fs: &ForecastSettings, servers: &Servers) -> Result<Outcome, RunError> {
    let settings = &fs.base;
    let Gathered { leases, directory, dns: dns_data, problems, kea, audit: audit_settings, notes, dhcp_settings, .. } = gather(settings, servers, &mut |_, _| {})?;
    // The records de-duplicated as the audit sees them (one copy of a record read twice);
    // the index is dropped once the plan is made.
    let plan = forecast::plan(&dns_data, dns::RecordIndex::new(&dns_data, audit_settings.as_of).record_ids(), &audit_settings, fs.forecast);
    let forecaster = forecast::Forecaster::new(&dns_data, plan, &leases, &directory, &dhcp_settings, &audit_settings, fs.forecast);

    let mut tally = forecast::Tally::new(audit_settings.as_of, fs.forecast.horizon);
    let mut outputs = report::Outputs::default();
    let extra = [format!("--horizon {}", report::duration_text(fs.forecast.horizon)), format!("--logon-window {}", report::duration_text(fs.forecast.logon_window))];
    let info = || info::run_info(settings, &leases, &directory, &dns_data, (fs.all, false), &extra);
    let (mut html, mut xlsx) = pages(settings, report::Kind::Forecast, &report::FORECAST_COLUMNS, (audit_settings.as_of, fs.forecast.horizon), info, &dns_data.zones, &mut outputs)?;
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
        // Every due record is counted; a `refreshing` one is written only with `--all`.
        let rows = rx.into_iter().flatten().filter_map(|r| {
            tally.add(&r);
            (fs.all || r.listed()).then_some(report::Row::Forecast(r))
        });
        let mut also = report::sinks(html.as_mut(), xlsx.as_mut().map(|(x, _)| x));
        report::write(&settings.output, settings.format, &report::FORECAST_COLUMNS, rows, &mut also, &mut outputs)
    })?;
    let cleanup = report::Cleanup::plan(&settings.output, settings.html.as_deref(), settings.xlsx.as_deref(), report::Kind::Forecast, settings.keep);
    let planned = cleanup.planned();
    let (pruned, stale_temp_removed) = planned;
    // Only a live record scavenging deletes trips it: a refreshing one is not deleted.
    let tripped = fs.fail_on.trips(&tally.total);
    let mut summary = report::ForecastSummary {
        horizon: fs.forecast.horizon,
        all: fs.all,
        not_forecast: forecaster.not_forecast().clone(),
        leases_read: leases.len(),
        leases_audited: leases.iter().filter(|l| l.is_audited(audit_settings.as_of)).count(),
        computers_read: directory.computers.len(),
        dns_records_read: dns_data.records.len(),
        zones_read: dns_data.zones.len(),
        destination: settings.output.clone(),
        rows_written: written,
        stale_temp_removed,
        pruned,
        tally,
    };
    let ending = Ending { kea: &kea, notes: &notes, problems: &problems, cleanup, planned, tripped };
    finish(&mut summary, ending, outputs, |summary, text, outputs| {
        let wanted = html.is_some() || xlsx.is_some();
        let page = wanted.then(|| report::html::forecast_page(summary, &problems, text));
        finish_pages(page, html, None, xlsx, Some(summary.tally.as_of), outputs)
    })
}

#[cfg(test)]
mod tests;
