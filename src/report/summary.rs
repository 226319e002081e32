//! The stderr summary: what was read, what was audited, counts per status and per risk,
//! and every input record skipped, with why.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;

use crate::audit::{FailOn, Finding, Risk, Status};
use crate::dns::live::Stats;
use crate::input::{Problems, SkipReason};
use crate::leases::Lease;
use crate::timefmt::rfc3339;

/// How many skipped records are listed one by one before the rest are only counted.
const LISTED_PROBLEMS: usize = 20;

#[derive(Debug, Default)]
pub(crate) struct Summary {
    pub(crate) as_of: Option<DateTime<Utc>>,
    pub(crate) leases_read: usize,
    /// Leases read but not audited, by why (`expired`, or the lease state).
    pub(crate) not_audited: BTreeMap<String, usize>,
    pub(crate) audited: usize,
    pub(crate) by_status: BTreeMap<Status, usize>,
    pub(crate) by_risk: BTreeMap<Risk, usize>,
    pub(crate) computers_read: usize,
    pub(crate) zones_read: usize,
    pub(crate) dns_records_read: usize,
    pub(crate) rows_written: usize,
    pub(crate) destination: super::Destination,
    /// `.ddns-audit-*.tmp` files of killed runs removed from the report's directory.
    pub(crate) stale_temp_removed: usize,
    /// Live DNS (`--dns-server`), when used.
    pub(crate) live: Option<LiveSummary>,
    /// Zones whose dynamic-update policy is a finding, once per zone, sorted.
    pub(crate) zone_findings: Vec<(String, crate::dns::ZoneFinding)>,
    /// Run over run: the previous report and the changes.
    pub(crate) previous: super::previous::PreviousSummary,
    /// Old reports removed by `--keep`.
    pub(crate) pruned: super::Pruned,
    /// The fix list: every finding that is not `ok`, by cause (docs/report.md "Fix list").
    pub(crate) fixes: super::fixes::FixTally,
}

/// How many groups of the fix list the stderr summary shows (the HTML page and the
/// spreadsheet show them all).
const LISTED_FIXES: usize = 5;

/// How many names with disagreeing answers are listed before the rest are only counted.
const LISTED_DISAGREEMENTS: usize = 5;

/// What live resolution did: counters, the rate, and the `--compare-servers` disagreements.
#[derive(Debug, Default, Clone)]
pub(crate) struct LiveSummary {
    pub(crate) stats: Stats,
    pub(crate) compared: bool,
    /// The names (or reverse names) whose servers disagree, sorted.
    pub(crate) disagreements: Vec<String>,
}

impl LiveSummary {
    pub(crate) fn new(stats: &Stats, disagreements: &FxHashMap<String, String>, compared: bool) -> LiveSummary {
        let mut names: Vec<String> = disagreements.keys().cloned().collect();
        names.sort_unstable();
        LiveSummary { stats: stats.clone(), compared, disagreements: names }
    }

    fn render(&self, o: &mut String) {
        let s = &self.stats;
        let _ = writeln!(
            o,
            "  live DNS: {} questions, {} queries sent, {} responses in {:.2} s ({:.0} responses/s)",
            s.questions,
            s.sent,
            s.responses,
            s.elapsed.as_secs_f64(),
            s.rate()
        );
        let _ = writeln!(o, "  live DNS answers: records {}, NXDOMAIN {}, NODATA {}, failed {}", s.records, s.nxdomain, s.nodata, s.failed());
        let mut failures: Vec<(&String, &u64)> = s.failures.iter().collect();
        failures.sort();
        let failures: Vec<String> = failures.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let _ = writeln!(
            o,
            "  live DNS errors: {} (timeouts {}, retries {}, TCP fallbacks {}, dropped responses {}){}",
            s.failed(),
            s.timeouts,
            s.retries,
            s.tcp_fallbacks,
            s.dropped,
            if failures.is_empty() { String::new() } else { format!(": {}", failures.join(", ")) }
        );
        if self.compared {
            let mut line = format!("  DNS disagreements between servers: {}", self.disagreements.len());
            if !self.disagreements.is_empty() {
                let listed: Vec<&str> = self.disagreements.iter().take(LISTED_DISAGREEMENTS).map(String::as_str).collect();
                line.push_str(&format!(" ({}", listed.join(", ")));
                if self.disagreements.len() > LISTED_DISAGREEMENTS {
                    line.push_str(&format!(", and {} more", self.disagreements.len() - LISTED_DISAGREEMENTS));
                }
                line.push(')');
            }
            let _ = writeln!(o, "{line}");
        }
    }
}

impl Summary {
    /// Starts the summary with what was read; findings are counted with [`Summary::add`].
    pub(crate) fn new(leases: &[Lease], as_of: DateTime<Utc>) -> Summary {
        let mut s = Summary { as_of: Some(as_of), leases_read: leases.len(), ..Summary::default() };
        for l in leases.iter().filter(|l| !l.is_audited(as_of)) {
            let why = if l.state.is_held() { "expired" } else { l.state.as_str() };
            *s.not_audited.entry(why.to_string()).or_default() += 1;
        }
        s
    }

    pub(crate) fn add(&mut self, f: &Finding<'_>) {
        self.audited += 1;
        *self.by_status.entry(f.status).or_default() += 1;
        if let Some(a) = &f.age {
            *self.by_risk.entry(a.risk).or_default() += 1;
        }
        self.fixes.add(f);
    }

    /// The audit's exit-code policy, from the counts of every finding (written or not):
    /// whether a finding reached `--fail-on`.
    pub(crate) fn trips(&self, fail_on: FailOn) -> bool {
        self.by_status.iter().any(|(s, n)| *n > 0 && fail_on.trips(*s))
    }

    /// The text for stderr.
    pub(crate) fn render(&self, problems: &Problems) -> String {
        let mut o = String::new();
        let as_of = self.as_of.map(rfc3339).unwrap_or_default();
        let _ = writeln!(o, "ddns-audit: {} audited as of {as_of} ({} read", count(self.audited, "lease", "leases"), self.leases_read);
        o.pop();
        if !self.not_audited.is_empty() {
            let parts: Vec<String> = self.not_audited.iter().map(|(k, v)| format!("{v} {k}")).collect();
            let _ = write!(o, "; not audited: {}", parts.join(", "));
        }
        let _ = writeln!(o, ")");
        let _ = writeln!(
            o,
            "  inputs: {}, {} in {}",
            count(self.computers_read, "computer", "computers"),
            count(self.dns_records_read, "DNS record", "DNS records"),
            count(self.zones_read, "zone", "zones")
        );
        if let Some(live) = &self.live {
            live.render(&mut o);
        }
        let statuses: Vec<String> = Status::ALL.iter().map(|s| format!("{s} {}", self.by_status.get(s).unwrap_or(&0))).collect();
        let _ = writeln!(o, "  status: {}", statuses.join(", "));
        let risks: Vec<String> = Risk::ALL.iter().rev().map(|r| format!("{r} {}", self.by_risk.get(r).unwrap_or(&0))).collect();
        let _ = writeln!(o, "  scavenging risk: {}", risks.join(", "));
        self.previous.render(&mut o);
        render_fixes(&mut o, &self.fixes.list());
        if !self.zone_findings.is_empty() {
            let _ = writeln!(o, "  zone findings: {}", self.zone_findings.len());
            for (zone, finding) in &self.zone_findings {
                let _ = writeln!(o, "    zone {} {finding}", crate::input::name_shown(zone));
            }
        }

        render_problems(&mut o, problems);
        let _ = writeln!(o, "  report: {} ({})", self.destination, count(self.rows_written, "row", "rows"));
        if self.stale_temp_removed > 0 {
            let _ = writeln!(o, "  removed {} temporary report file(s) left by interrupted runs (.ddns-audit-*.tmp unchanged for 24 h)", self.stale_temp_removed);
        }
        render_pruned(&mut o, self.pruned);
        o
    }
}

/// The fix list's first [`LISTED_FIXES`] groups: title and counts, then the action; nothing
/// when every finding is `ok`.
fn render_fixes(o: &mut String, groups: &[super::fixes::FixGroup]) {
    if groups.is_empty() {
        return;
    }
    let _ = writeln!(o, "  fix list: {} by cause, most hosts at risk first", count(groups.len(), "group", "groups"));
    for (i, g) in groups.iter().take(LISTED_FIXES).enumerate() {
        let _ = writeln!(o, "    {}. {}: {}", i + 1, g.title, g.counts_text());
        let _ = writeln!(o, "       fix: {}", g.action);
    }
    if groups.len() > LISTED_FIXES {
        let more = groups.len() - LISTED_FIXES;
        let _ = writeln!(o, "    ... and {more} more {}", if more == 1 { "group" } else { "groups" });
    }
}

/// What `--keep` removed, when it removed anything. Shared by the audit's and the forecast's summaries.
pub(crate) fn render_pruned(o: &mut String, pruned: super::Pruned) {
    if pruned.reports > 0 {
        let _ = writeln!(o, "  --keep: removed {} older report(s) ({} file(s))", pruned.reports, pruned.files);
    }
}

/// The skipped input records: counts by reason, then the defects one by one (the first
/// [`LISTED_PROBLEMS`]). Shared by the audit's and the forecast's summaries.
pub(crate) fn render_problems(o: &mut String, problems: &Problems) {
    let mut by_reason: BTreeMap<SkipReason, usize> = BTreeMap::new();
    for p in &problems.list {
        *by_reason.entry(p.reason).or_default() += 1;
    }
    if by_reason.is_empty() {
        let _ = writeln!(o, "  skipped input records: 0");
    } else {
        let parts: Vec<String> = by_reason.iter().map(|(r, n)| format!("{r} {n}")).collect();
        let _ = writeln!(o, "  skipped input records: {} ({})", problems.len(), parts.join(", "));
        let defects: Vec<_> = problems.list.iter().filter(|p| p.reason.is_defect()).collect();
        for p in defects.iter().take(LISTED_PROBLEMS) {
            let _ = writeln!(o, "    {p}");
        }
        if defects.len() > LISTED_PROBLEMS {
            let _ = writeln!(o, "    ... and {} more", defects.len() - LISTED_PROBLEMS);
        }
    }
}

/// `1 lease`, `2 leases`: a count with its noun in the right number.
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
