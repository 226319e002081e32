//! Live DNS answers, classified once at the resolver boundary: records, NXDOMAIN, NODATA, or
//! a failure. The audit reads only these types; failures become `unknown`, never `missing`.

use std::fmt;
use std::net::IpAddr;

#[cfg(test)]
use rustc_hash::FxHashMap;

use super::RecordData;

/// Why a question got no usable answer after every retry and server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// No answer within the timeout (including answers dropped by rate limiting).
    Timeout,
    ServFail,
    Refused,
    /// The UDP answer was truncated and the TCP retry failed.
    Truncated,
    /// A reply to the question whose records do not answer it (another name, type or class,
    /// a CNAME loop): re-asked like a timeout, never taken as NODATA.
    Malformed(String),
    /// Never asked: a name DNS cannot carry (the audit does not ask it), or a job the resolver
    /// did not reach.
    NotAsked,
    /// Any other response code or transport error, as text.
    Other(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Timeout => f.write_str("timeout"),
            Failure::ServFail => f.write_str("SERVFAIL"),
            Failure::Refused => f.write_str("REFUSED"),
            Failure::Truncated => f.write_str("truncated answer, TCP retry failed"),
            Failure::Malformed(s) => write!(f, "malformed answer: {s}"),
            Failure::NotAsked => f.write_str("not asked"),
            Failure::Other(s) => f.write_str(s),
        }
    }
}

/// The outcome of one question (name and type) after retries.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Answer {
    /// The records of the asked type (A/AAAA as `Addr`, PTR as `Ptr`), CNAMEs already followed.
    Records(Vec<RecordData>),
    /// The name does not exist.
    NxDomain,
    /// The name exists, without records of this type.
    NoData,
    Failed(Failure),
}

/// Live answers as the audit reads them: the streaming store of a run
/// (`dns::live::Store`, which waits for an answer still on its way), or a table
/// ([`LiveAnswers`], for tests). `None`: the question was not asked (a name DNS cannot carry).
pub(crate) trait LiveLookup: Sync {
    /// The A and AAAA answers of `name` (lowercase, no trailing dot).
    fn forward(&self, name: &str) -> ForwardAnswers<'_>;
    /// The PTR answer of `ip`.
    fn reverse(&self, ip: IpAddr) -> ReverseAnswers<'_>;
}

/// What live DNS said of a name.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct ForwardAnswers<'a> {
    pub(crate) a: Option<&'a Answer>,
    pub(crate) aaaa: Option<&'a Answer>,
    /// With `--compare-servers`: how the servers' answers differ (A's and AAAA's in one).
    pub(crate) disagreement: Option<&'a str>,
}

/// What live DNS said of an address.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct ReverseAnswers<'a> {
    pub(crate) ptr: Option<&'a Answer>,
    pub(crate) disagreement: Option<&'a str>,
}

/// Every answer of a live run, keyed by the question (a table, for tests).
#[cfg(test)]
#[derive(Debug, Default)]
pub(crate) struct LiveAnswers {
    /// A records by name (lowercase, no trailing dot).
    pub(crate) a: FxHashMap<String, Answer>,
    /// AAAA records by name.
    pub(crate) aaaa: FxHashMap<String, Answer>,
    /// PTR records by address.
    pub(crate) ptr: FxHashMap<IpAddr, Answer>,
    /// With `--compare-servers`: the names (or reverse names) whose answers differ between
    /// servers, with a short description (`10.0.0.1: 10.0.16.21; 10.0.0.2: NXDOMAIN`).
    pub(crate) disagreements: FxHashMap<String, String>,
}

#[cfg(test)]
impl LiveLookup for LiveAnswers {
    fn forward(&self, name: &str) -> ForwardAnswers<'_> {
        ForwardAnswers { a: self.a.get(name), aaaa: self.aaaa.get(name), disagreement: self.disagreements.get(name).map(String::as_str) }
    }

    fn reverse(&self, ip: IpAddr) -> ReverseAnswers<'_> {
        let rname = super::reverse_name(ip);
        ReverseAnswers { ptr: self.ptr.get(&ip), disagreement: self.disagreements.get(&rname).map(String::as_str) }
    }
}
