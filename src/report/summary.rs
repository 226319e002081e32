//! The stderr summary: what was read, what was audited, counts per status and per risk,
//! and every input record skipped, with why.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use crate::audit::{Finding, Risk, Status};
use crate::input::{Problems, SkipReason};
use crate::leases::Lease;
use crate::timefmt::rfc3339;

/// How many skipped records are listed one by one before the rest are only counted.
const LISTED_PROBLEMS: usize = 20;

#[derive(Debug, Default)]
pub struct Summary {
    pub as_of: Option<DateTime<Utc>>,
    pub leases_read: usize,
    /// Leases read but not audited, by why (`expired`, or the lease state).
    pub not_audited: BTreeMap<String, usize>,
    pub audited: usize,
    pub by_status: BTreeMap<Status, usize>,
    pub by_risk: BTreeMap<Risk, usize>,
    pub computers_read: usize,
    pub zones_read: usize,
    pub dns_records_read: usize,
    pub rows_written: usize,
    pub destination: String,
}

impl Summary {
    /// Starts the summary with what was read; findings are counted with [`Summary::add`].
    pub fn new(leases: &[Lease], as_of: DateTime<Utc>) -> Summary {
        let mut s = Summary { as_of: Some(as_of), leases_read: leases.len(), ..Summary::default() };
        for l in leases.iter().filter(|l| !l.is_audited(as_of)) {
            let why = if l.state.is_held() { "expired" } else { l.state.as_str() };
            *s.not_audited.entry(why.to_string()).or_default() += 1;
        }
        s
    }

    pub fn add(&mut self, f: &Finding<'_>) {
        self.audited += 1;
        *self.by_status.entry(f.status).or_default() += 1;
        if let Some(a) = &f.age {
            *self.by_risk.entry(a.risk).or_default() += 1;
        }
    }

    /// The text for stderr.
    pub fn render(&self, problems: &Problems) -> String {
        let mut o = String::new();
        let as_of = self.as_of.map(rfc3339).unwrap_or_default();
        let _ = writeln!(o, "ddns-audit: {} leases audited as of {as_of} ({} read", self.audited, self.leases_read);
        o.pop();
        if !self.not_audited.is_empty() {
            let parts: Vec<String> = self.not_audited.iter().map(|(k, v)| format!("{v} {k}")).collect();
            let _ = write!(o, "; not audited: {}", parts.join(", "));
        }
        let _ = writeln!(o, ")");
        let _ = writeln!(
            o,
            "  inputs: {} computers, {} DNS records in {} zones",
            self.computers_read, self.dns_records_read, self.zones_read
        );
        let statuses: Vec<String> = Status::ALL.iter().map(|s| format!("{s} {}", self.by_status.get(s).unwrap_or(&0))).collect();
        let _ = writeln!(o, "  status: {}", statuses.join(", "));
        let risks: Vec<String> = Risk::ALL.iter().rev().map(|r| format!("{r} {}", self.by_risk.get(r).unwrap_or(&0))).collect();
        let _ = writeln!(o, "  scavenging risk: {}", risks.join(", "));

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
        let _ = writeln!(o, "  report: {} ({} rows)", self.destination, self.rows_written);
        o
    }
}
