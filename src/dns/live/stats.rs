//! The counters of one live run ([`Stats`]), as the summary prints them.

use std::fmt;
use std::time::Duration;

use rustc_hash::FxHashMap;

use crate::dns::answers::{Answer, Failure};

/// Counters of one live run, for the summary.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Stats {
    /// Questions asked (per server in compare mode).
    pub(crate) questions: u64,
    /// UDP datagrams sent, first tries and retries.
    pub(crate) sent: u64,
    /// Valid responses received (UDP and TCP), whatever their RCODE.
    pub(crate) responses: u64,
    /// Queries re-sent after a timeout, or sent to the next server after a failure.
    pub(crate) retries: u64,
    /// Attempts that got no answer in time.
    pub(crate) timeouts: u64,
    /// Truncated UDP answers asked again over TCP.
    pub(crate) tcp_fallbacks: u64,
    /// Responses dropped: from an unexpected source, an unknown ID, a question that does not
    /// match, or not parseable.
    pub(crate) dropped: u64,
    /// Final outcomes.
    pub(crate) records: u64,
    pub(crate) nxdomain: u64,
    pub(crate) nodata: u64,
    /// Final failures by kind (`timeout`, `SERVFAIL`, ...).
    pub(crate) failures: FxHashMap<String, u64>,
    /// Wall time of the resolution phase.
    pub(crate) elapsed: Duration,
}

impl Stats {
    pub(crate) fn failed(&self) -> u64 {
        self.failures.values().sum()
    }

    /// Responses per second over the resolution phase.
    pub(crate) fn rate(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 { self.responses as f64 / s } else { 0.0 }
    }

    pub(super) fn count(&mut self, a: &Answer) {
        match a {
            Answer::Records(_) => self.records += 1,
            Answer::NxDomain => self.nxdomain += 1,
            Answer::NoData => self.nodata += 1,
            Answer::Failed(f) => *self.failures.entry(failure_kind(f)).or_default() += 1,
        }
    }
}

fn failure_kind(f: &Failure) -> String {
    match f {
        Failure::Timeout => "timeout".into(),
        Failure::ServFail => "SERVFAIL".into(),
        Failure::Refused => "REFUSED".into(),
        Failure::Truncated => "truncated+TCP failed".into(),
        Failure::Malformed(_) => "malformed answer".into(),
        Failure::NotAsked => "not asked".into(),
        Failure::Other(s) => s.split(':').next().unwrap_or(s).to_string(),
    }
}

impl fmt::Display for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} questions, {} queries sent, {} responses in {:.2} s ({:.0} responses/s), {} timeouts, {} retries, {} TCP fallbacks, {} dropped",
            self.questions,
            self.sent,
            self.responses,
            self.elapsed.as_secs_f64(),
            self.rate(),
            self.timeouts,
            self.retries,
            self.tcp_fallbacks,
            self.dropped
        )
    }
}
