//! Live DNS resolution (`--dns-server`): asks the A and AAAA records of every audited name and
//! the PTR of every audited address, and classifies each outcome once, here, into an
//! [`Answer`]: records, NXDOMAIN, NODATA, or a [`Failure`] (timeout, SERVFAIL, REFUSED,
//! truncated-and-TCP-failed, anything else). Nothing past this module sees a DNS message.
//! Names are always asked absolute (no search list), each question once, with no cache.
//!
//! One thing per file:
//! - here, the orchestration: [`Resolve`], the boundary, and [`resolve_all`], the questions of
//!   an audit in, [`LiveAnswers`] and [`Stats`] out, including the `--compare-servers`
//!   disagreements; [`Pacing`], the engine's configuration with its defaults;
//! - `engine.rs`: [`Engine`], the real resolver (sockets, deadlines, retries, pacing);
//! - `wire.rs`: the query message, and reading a reply into an [`Answer`];
//! - `stats.rs`: the counters of a run, for the summary;
//! - `fixture.rs` (tests only): a resolver from a table.

mod engine;
#[cfg(test)]
mod fixture;
mod stats;
mod wire;

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hickory_proto::rr::RecordType;
use rustc_hash::FxHashMap;

pub(crate) use engine::Engine;
#[cfg(test)]
pub(crate) use fixture::Fixture;
pub(crate) use stats::Stats;

use super::answers::{Answer, Failure, LiveAnswers};
use super::{DnsName, RecordData};

/// Errors that stop live resolution as a whole (a single question never does: it fails into
/// [`Answer::Failed`]).
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("cannot open a UDP socket for DNS: {0}")]
    Socket(std::io::Error),
    #[error("cannot start the DNS runtime: {0}")]
    Runtime(std::io::Error),
    #[error("no DNS server answered any of {queries} queries ({servers}): check --dns-server, the port and the firewall")]
    NoServerAnswered { queries: u64, servers: String },
    #[error("--compare-servers needs at least two --dns-server")]
    CompareNeedsTwo,
}

/// How queries are paced (`--concurrency`, `--qps`, `--timeout`, `--retries`): built by the
/// settings, validated there (each at least 1, the timeout above zero). The defaults, written
/// once here, are what the help and the code both use; they are polite to a domain controller.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pacing {
    /// Queries in flight at once, over all servers (clamped to [`MAX_IN_FLIGHT`]).
    pub(crate) concurrency: usize,
    /// Queries per second, at most, over all servers (retries and TCP included).
    pub(crate) qps: u32,
    /// How long to wait for one answer.
    pub(crate) timeout: Duration,
    /// How many times a query is re-sent to the same server after a timeout before the next
    /// server is tried.
    pub(crate) retries: u32,
}

impl Pacing {
    pub(crate) const DEFAULT_CONCURRENCY: usize = 32;
    pub(crate) const DEFAULT_QPS: u32 = 500;
    /// Whole seconds (the help writes it in seconds).
    pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);
    pub(crate) const DEFAULT_RETRIES: u32 = 2;
}

impl Default for Pacing {
    fn default() -> Pacing {
        Pacing {
            concurrency: Pacing::DEFAULT_CONCURRENCY,
            qps: Pacing::DEFAULT_QPS,
            timeout: Pacing::DEFAULT_TIMEOUT,
            retries: Pacing::DEFAULT_RETRIES,
        }
    }
}

/// One question: a name DNS can carry and a type (A, AAAA, PTR).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Question {
    pub(crate) name: DnsName,
    pub(crate) rtype: RecordType,
}

/// Which servers answer a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Each question goes to the first server; to the next one only when it fails there.
    Failover,
    /// Each question goes to every server (`--compare-servers`); no failover.
    Compare,
}

/// What a resolver gives back: one answer per job. A job is a question in [`Mode::Failover`]
/// (`answers[q]`), a (question, server) pair in [`Mode::Compare`] (`answers[q * servers + s]`).
#[derive(Debug, Default)]
pub(crate) struct Resolved {
    pub(crate) answers: Vec<Answer>,
    pub(crate) stats: Stats,
}

/// The boundary: anything that answers questions.
pub(crate) trait Resolve {
    /// Answers `questions` from `servers` in `mode` (see [`Resolved`] for the layout).
    fn resolve(&self, questions: &[Question], servers: &[SocketAddr], mode: Mode) -> Result<Resolved, LiveError>;
}

/// The audit's questions in, its [`LiveAnswers`] out: A and AAAA of every name, PTR of every
/// address; in compare mode, the answers of the first server that gave a definitive answer
/// (records, NXDOMAIN, NODATA), in `--dns-server` order, and every difference between the
/// servers' definitive answers in `disagreements`. Failures are not disagreements (they are
/// counted as errors).
pub(crate) fn resolve_all(
    resolver: &dyn Resolve,
    names: &[DnsName],
    ips: &[IpAddr],
    servers: &[SocketAddr],
    compare: bool,
) -> Result<(LiveAnswers, Stats), LiveError> {
    if compare && servers.len() < 2 {
        return Err(LiveError::CompareNeedsTwo);
    }
    let mut questions = Vec::with_capacity(names.len() * 2 + ips.len());
    for name in names {
        questions.push(Question { name: name.clone(), rtype: RecordType::A });
        questions.push(Question { name: name.clone(), rtype: RecordType::AAAA });
    }
    for ip in ips {
        questions.push(Question { name: DnsName::reverse(*ip), rtype: RecordType::PTR });
    }
    let mode = if compare { Mode::Compare } else { Mode::Failover };
    let resolved = resolver.resolve(&questions, servers, mode)?;
    let per = if compare { servers.len() } else { 1 };
    let mut live = LiveAnswers::default();
    live.a.reserve(names.len());
    live.aaaa.reserve(names.len());
    live.ptr.reserve(ips.len());
    let mut answers = resolved.answers.into_iter();
    let mut take = |key: &str, out: &mut FxHashMap<String, String>| -> Answer {
        let these: Vec<Answer> = answers.by_ref().take(per).collect();
        if per > 1
            && let Some(d) = disagreement(&these, servers)
        {
            match out.get_mut(key) {
                // A and AAAA of one name: one note.
                Some(prev) => {
                    prev.push_str(" | ");
                    prev.push_str(&d);
                }
                None => {
                    out.insert(key.to_string(), d);
                }
            }
        }
        chosen(these)
    };
    let mut disagreements = FxHashMap::default();
    for name in names {
        let a = take(name.as_str(), &mut disagreements);
        let aaaa = take(name.as_str(), &mut disagreements);
        live.a.insert(name.to_string(), a);
        live.aaaa.insert(name.to_string(), aaaa);
    }
    for ip in ips {
        let rname = super::reverse_name(*ip);
        let p = take(&rname, &mut disagreements);
        live.ptr.insert(*ip, p);
    }
    live.disagreements = disagreements;
    let stats = resolved.stats;
    if stats.responses == 0 && stats.questions > 0 {
        return Err(LiveError::NoServerAnswered {
            queries: stats.sent,
            servers: servers.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
        });
    }
    Ok((live, stats))
}

/// The first definitive answer, else the first failure.
fn chosen(answers: Vec<Answer>) -> Answer {
    let mut first_failure = None;
    for a in answers {
        if matches!(a, Answer::Failed(_)) {
            first_failure.get_or_insert(a);
        } else {
            return a;
        }
    }
    first_failure.unwrap_or(Answer::Failed(Failure::NotAsked))
}

/// `10.0.0.1: 10.0.16.21; 10.0.0.2: NXDOMAIN` when the servers' definitive answers differ.
fn disagreement(answers: &[Answer], servers: &[SocketAddr]) -> Option<String> {
    let definitive: Vec<(usize, String)> =
        answers.iter().enumerate().filter(|(_, a)| !matches!(a, Answer::Failed(_))).map(|(i, a)| (i, describe(a))).collect();
    if definitive.windows(2).all(|w| w[0].1 == w[1].1) {
        return None;
    }
    let parts: Vec<String> = answers
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let server = servers.get(i).map(|s| if s.port() == 53 { s.ip().to_string() } else { s.to_string() }).unwrap_or_default();
            format!("{server}: {}", describe(a))
        })
        .collect();
    Some(parts.join("; "))
}

/// An answer in a few words, records sorted (so that equal sets compare equal).
fn describe(a: &Answer) -> String {
    match a {
        Answer::Records(r) => {
            let mut v: Vec<String> = r
                .iter()
                .map(|d| match d {
                    RecordData::Addr(a) => a.to_string(),
                    RecordData::Ptr(t) | RecordData::Cname(t) => t.clone(),
                })
                .collect();
            v.sort_unstable();
            v.join(",")
        }
        Answer::NxDomain => "NXDOMAIN".into(),
        Answer::NoData => "NODATA".into(),
        Answer::Failed(f) => f.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn srv(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    fn q(name: &str, t: RecordType) -> Question {
        Question { name: DnsName::parse(name).unwrap(), rtype: t }
    }

    fn names(v: &[&str]) -> Vec<DnsName> {
        v.iter().map(|n| DnsName::parse(n).unwrap()).collect()
    }

    fn addrs(v: &[&str]) -> Answer {
        Answer::Records(v.iter().map(|a| RecordData::Addr(a.parse().unwrap())).collect())
    }

    #[test]
    fn compare_reports_differences_and_prefers_definitive_answers() {
        let mut dc1 = FxHashMap::default();
        let mut dc2 = FxHashMap::default();
        dc1.insert(q("pc1.corp.test", RecordType::A), addrs(&["10.0.16.21"]));
        dc2.insert(q("pc1.corp.test", RecordType::A), addrs(&["10.0.16.21"]));
        dc1.insert(q("pc2.corp.test", RecordType::A), addrs(&["10.0.16.22"]));
        // pc2 missing on dc2: NXDOMAIN there (replication lag).
        dc1.insert(q("21.16.0.10.in-addr.arpa", RecordType::PTR), Answer::Failed(Failure::Timeout));
        dc2.insert(q("21.16.0.10.in-addr.arpa", RecordType::PTR), Answer::Records(vec![RecordData::Ptr("pc1.corp.test".into())]));
        let fx = Fixture { servers: vec![dc1, dc2] };
        let servers = [srv("10.0.0.1:53"), srv("10.0.0.2:53")];
        let names = names(&["pc1.corp.test", "PC2.corp.test."]);
        let ips = vec!["10.0.16.21".parse().unwrap()];
        let (live, stats) = resolve_all(&fx, &names, &ips, &servers, true).unwrap();
        assert_eq!(live.a["pc1.corp.test"], addrs(&["10.0.16.21"]));
        assert_eq!(live.a["pc2.corp.test"], addrs(&["10.0.16.22"]));
        assert_eq!(live.aaaa["pc2.corp.test"], Answer::NxDomain);
        // A failure on one server is not a disagreement; the definitive answer is used.
        assert_eq!(live.ptr[&"10.0.16.21".parse::<IpAddr>().unwrap()], Answer::Records(vec![RecordData::Ptr("pc1.corp.test".into())]));
        assert_eq!(live.disagreements.len(), 1, "{:?}", live.disagreements);
        assert_eq!(live.disagreements["pc2.corp.test"], "10.0.0.1: 10.0.16.22; 10.0.0.2: NXDOMAIN");
        assert_eq!(stats.questions, 10);
        assert_eq!(stats.failures.get("timeout"), Some(&1));
        assert!(matches!(resolve_all(&Fixture::default(), &names, &ips, &servers[..1], true), Err(LiveError::CompareNeedsTwo)));
    }

    #[test]
    fn a_question_nobody_answered_is_not_asked_in_words_and_in_the_counts() {
        let none = chosen(Vec::new());
        assert_eq!(none, Answer::Failed(Failure::NotAsked));
        assert_eq!(describe(&none), "not asked");
        let mut stats = Stats::default();
        stats.count(&none);
        stats.count(&Answer::Failed(Failure::Other("referral: the server neither holds the zone nor recurses".into())));
        assert_eq!(stats.failures.get("not asked"), Some(&1));
        assert_eq!(stats.failures.get("referral"), Some(&1));
    }

    #[test]
    fn failover_uses_the_next_server_only_on_failure() {
        let mut dc1 = FxHashMap::default();
        let mut dc2 = FxHashMap::default();
        dc1.insert(q("a.t", RecordType::A), Answer::Failed(Failure::ServFail));
        dc2.insert(q("a.t", RecordType::A), addrs(&["10.0.0.9"]));
        dc2.insert(q("b.t", RecordType::A), addrs(&["10.0.0.8"]));
        let fx = Fixture { servers: vec![dc1, dc2] };
        let servers = [srv("10.0.0.1:53"), srv("10.0.0.2:53")];
        let (live, _) = resolve_all(&fx, &names(&["a.t", "b.t"]), &[], &servers, false).unwrap();
        assert_eq!(live.a["a.t"], addrs(&["10.0.0.9"]));
        assert_eq!(live.a["b.t"], Answer::NxDomain, "dc1's NXDOMAIN is definitive");
        assert!(live.disagreements.is_empty());
    }
}
