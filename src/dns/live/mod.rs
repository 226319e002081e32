//! Live DNS resolution (`--dns-server`): asks the A and AAAA records of every audited name and
//! the PTR of every audited address, and classifies each outcome once, here, into an
//! [`Answer`]: records, NXDOMAIN, NODATA, or a [`Failure`] (timeout, SERVFAIL, REFUSED,
//! truncated-and-TCP-failed, anything else). Nothing past this module sees a DNS message.
//! Names are always asked absolute (no search list), each question once, with no cache.
//!
//! One thing per file:
//! - here, the orchestration: [`Resolve`], the boundary, and [`resolve_into`], the questions
//!   of an audit in, their answers streamed into a [`Store`] and [`Stats`] out, including the
//!   `--compare-servers` disagreements; [`Pacing`], the engine's configuration with its defaults;
//! - `store.rs`: [`Store`], the questions in the audit's order and their answers as they
//!   arrive, read by the audit on another thread while resolution goes on;
//! - `engine.rs`: [`Engine`], the real resolver (sockets, deadlines, retries, pacing);
//! - `wire.rs`: the query message, and reading a reply into an [`Answer`];
//! - `stats.rs`: the counters of a run, for the summary;
//! - `fixture.rs` (tests only): a resolver from a table.

mod engine;
#[cfg(test)]
mod fixture;
mod stats;
mod store;
mod wire;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hickory_proto::rr::RecordType;
pub(crate) use engine::Engine;
#[cfg(test)]
pub(crate) use fixture::Fixture;
pub(crate) use stats::Stats;
pub(crate) use store::{Ask, Sink, Store};

use super::{DnsName, RecordData};
use super::answers::{Answer, Failure};

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

/// The boundary: anything that answers questions (on a thread of its own: `Sync`).
pub(crate) trait Resolve: Sync {
    /// Answers `questions` from `servers` in `mode` into `sink`, one answer per job, as each
    /// completes, in any order. A job is a question in [`Mode::Failover`] (job `q`), a
    /// (question, server) pair in [`Mode::Compare`] (job `q * servers + s`). Calls
    /// [`Sink::responded`] at the first response of any server; an error is returned only
    /// before it (the audit writes its report from then on). Stops early when
    /// [`Sink::cancelled`].
    fn resolve(&self, questions: &[Question], servers: &[SocketAddr], mode: Mode, sink: &dyn Sink) -> Result<Stats, LiveError>;
}

/// The audit's questions (in `store`) answered into `store` as they complete, while the audit
/// reads them on another thread: A and AAAA of every name, PTR of every address; in compare
/// mode, the answer of the first server that gave a definitive answer (records, NXDOMAIN,
/// NODATA), in `--dns-server` order, and every difference between the servers' definitive
/// answers as a note ([`Store::disagreements`]). Failures are not disagreements (they are
/// counted as errors). The store is closed with the outcome when this returns (its reader
/// gets the error too: [`Store::wait_open`]), as panicked when the resolver panics.
pub(crate) fn resolve_into(resolver: &dyn Resolve, store: &Store) -> Result<Stats, Arc<LiveError>> {
    let closing = store::CloseOnDrop(store);
    let outcome = resolve_checked(resolver, store).map_err(Arc::new);
    closing.ended(&outcome);
    outcome
}

/// The resolver's outcome; a run in which no server answered a question is an error.
fn resolve_checked(resolver: &dyn Resolve, store: &Store) -> Result<Stats, LiveError> {
    let stats = resolver.resolve(store.questions(), store.servers(), store.mode(), store)?;
    if stats.responses == 0 && stats.questions > 0 {
        return Err(LiveError::NoServerAnswered {
            queries: stats.sent,
            servers: store.servers().iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
        });
    }
    Ok(stats)
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
                    RecordData::Ptr(t) | RecordData::Cname(t) => t.to_string(),
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

    use rustc_hash::FxHashMap;

    use super::*;
    use crate::dns::answers::LiveLookup;

    fn srv(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    fn q(name: &str, t: RecordType) -> Question {
        Question { name: DnsName::parse(name).unwrap(), rtype: t }
    }

    fn name(n: &str) -> Ask {
        Ask::Name(DnsName::parse(n).unwrap())
    }

    fn address(ip: &str) -> Ask {
        Ask::Address(ip.parse().unwrap())
    }

    use crate::test_support::ip;

    fn addrs(v: &[&str]) -> Answer {
        Answer::Records(v.iter().map(|a| RecordData::Addr(a.parse().unwrap())).collect())
    }

    fn ptr(t: &str) -> Answer {
        Answer::Records(vec![RecordData::Ptr(t.into())])
    }

    /// Resolves `asks` with `fx` (on this thread, before anything is read).
    fn resolve(fx: &Fixture, asks: Vec<Ask>, servers: &[SocketAddr], compare: bool) -> (Store, Result<Stats, Arc<LiveError>>) {
        let store = Store::new(asks, servers, compare);
        let stats = resolve_into(fx, &store);
        (store, stats)
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
        dc2.insert(q("21.16.0.10.in-addr.arpa", RecordType::PTR), ptr("pc1.corp.test"));
        let fx = Fixture { servers: vec![dc1, dc2], ..Fixture::default() };
        let servers = [srv("10.0.0.1:53"), srv("10.0.0.2:53")];
        let asks = || vec![name("pc1.corp.test"), address("10.0.16.21"), name("PC2.corp.test.")];
        let (live, stats) = resolve(&fx, asks(), &servers, true);
        let stats = stats.unwrap();
        assert_eq!(live.forward("pc1.corp.test").a, Some(&addrs(&["10.0.16.21"])));
        let pc2 = live.forward("pc2.corp.test");
        assert_eq!((pc2.a, pc2.aaaa), (Some(&addrs(&["10.0.16.22"])), Some(&Answer::NxDomain)));
        assert_eq!(pc2.disagreement, Some("10.0.0.1: 10.0.16.22; 10.0.0.2: NXDOMAIN"));
        // A failure on one server is not a disagreement; the definitive answer is used.
        let r = live.reverse(ip("10.0.16.21"));
        assert_eq!((r.ptr, r.disagreement), (Some(&ptr("pc1.corp.test")), None));
        let disagreements = live.disagreements();
        assert_eq!(disagreements.len(), 1, "{disagreements:?}");
        assert_eq!(disagreements["pc2.corp.test"], "10.0.0.1: 10.0.16.22; 10.0.0.2: NXDOMAIN");
        assert_eq!(stats.questions, 10);
        assert_eq!(stats.failures.get("timeout"), Some(&1));
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
        let fx = Fixture { servers: vec![dc1, dc2], ..Fixture::default() };
        let servers = [srv("10.0.0.1:53"), srv("10.0.0.2:53")];
        let (live, stats) = resolve(&fx, vec![name("a.t"), name("b.t")], &servers, false);
        stats.unwrap();
        assert_eq!(live.forward("a.t").a, Some(&addrs(&["10.0.0.9"])));
        assert_eq!(live.forward("b.t").a, Some(&Answer::NxDomain), "dc1's NXDOMAIN is definitive");
        assert!(live.disagreements().is_empty());
    }

    /// `n` hosts h0000.t.. at 10.1.x.y, each with its A record and its PTR.
    fn hosts(n: usize) -> (Fixture, Vec<Ask>) {
        let mut table = FxHashMap::default();
        let mut asks = Vec::new();
        for i in 0..n {
            let (host, addr) = (format!("h{i:04}.t"), format!("10.1.{}.{}", i / 256, i % 256));
            table.insert(q(&host, RecordType::A), addrs(&[&addr]));
            table.insert(q(&crate::dns::reverse_name(ip(&addr)), RecordType::PTR), ptr(&host));
            asks.extend([name(&host), address(&addr)]);
        }
        (Fixture { servers: vec![table], ..Fixture::default() }, asks)
    }

    /// The audit reads in its order on another thread while the answers arrive in another
    /// order (here the reverse, the worst case): each lease gets exactly its own answers.
    #[test]
    fn answers_arriving_out_of_order_reach_the_reader_waiting_for_them() {
        let n = 3000; // several times the reader's batch of 1,024 questions
        let (mut fx, asks) = hosts(n);
        fx.order = Some((0..n * 3).rev().collect());
        fx.pace = Some(Duration::from_micros(20));
        let store = Store::new(asks, &[srv("127.0.0.1:53")], false);
        let (stats, read) = std::thread::scope(|scope| {
            let reader = scope.spawn(|| {
                assert!(store.wait_open().is_ok());
                (0..n)
                    .map(|i| {
                        let (host, addr) = (format!("h{i:04}.t"), format!("10.1.{}.{}", i / 256, i % 256));
                        let f = store.forward(&host);
                        let r = store.reverse(ip(&addr));
                        (f.a == Some(&addrs(&[&addr])) && f.aaaa == Some(&Answer::NxDomain) && r.ptr == Some(&ptr(&host))) as usize
                    })
                    .sum::<usize>()
            });
            (resolve_into(&fx, &store), reader.join().unwrap())
        });
        assert_eq!((stats.unwrap().questions, read), (n as u64 * 3, n));
    }

    /// A finding waits for its own answers, not for a slow question further on (one being
    /// retried): the reader that caught up is not held until the slow one is settled.
    #[test]
    fn a_reader_is_not_held_by_a_slow_question_after_its_own() {
        let (_, asks) = hosts(2000);
        let store = Store::new(asks, &[srv("127.0.0.1:53")], false);
        store.responded();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let a = store.forward("h0000.t").a.cloned();
                tx.send(a).unwrap();
            });
            // The reader is waiting for h0000's answers; all come but question 5's.
            std::thread::sleep(Duration::from_millis(50));
            for job in (0..6000).filter(|&j| j != 5) {
                store.answer(job, Answer::NxDomain);
            }
            let got = rx.recv_timeout(Duration::from_secs(5));
            store.answer(5, Answer::NxDomain);
            assert_eq!(got, Ok(Some(Answer::NxDomain)), "the reader waited for question 5");
        });
    }

    /// A run that fails part-way (no server answered) opens nothing to the writer (it gets the
    /// resolver's error), and a reader waiting for an answer that never comes gets none
    /// instead of waiting forever.
    #[test]
    fn an_error_mid_way_releases_the_reader_without_answers() {
        let (mut fx, asks) = hosts(10);
        fx.fail_after = Some(4);
        let store = Store::new(asks, &[srv("127.0.0.1:53")], false);
        let (stats, seen) = std::thread::scope(|scope| {
            let reader = scope.spawn(|| {
                let waiting = store.forward("h0009.t").a.cloned();
                (store.wait_open().map_err(|e| e.to_string()), waiting, store.forward("h0000.t").a.cloned())
            });
            (resolve_into(&fx, &store), reader.join().unwrap())
        });
        let lost = "no DNS server answered any of 30 queries (): check --dns-server, the port and the firewall".to_string();
        assert_eq!(stats.unwrap_err().to_string(), lost);
        // The first answers arrived before the failure; the last never did.
        assert_eq!(seen, (Err(lost), None, Some(addrs(&["10.1.0.0"]))));
    }

    /// A name or an address asked by an earlier lease is asked once: a later lease whose
    /// questions were all asked before reads the same answers without waiting.
    #[test]
    fn a_lease_whose_questions_were_all_asked_before_reads_the_same_answers() {
        let (fx, mut asks) = hosts(3);
        // A second interface of h0000 (its name again), then h0002's address again.
        asks.extend([name("h0000.t"), address("10.1.0.9"), name("h0001.t"), address("10.1.0.2")]);
        let (live, stats) = resolve(&fx, asks, &[srv("127.0.0.1:53")], false);
        assert_eq!(stats.unwrap().questions, 3 * 3 + 1, "h0000's and 10.1.0.2's questions once each");
        assert_eq!(live.forward("h0000.t").a, Some(&addrs(&["10.1.0.0"])));
        assert_eq!(live.reverse(ip("10.1.0.2")).ptr, Some(&ptr("h0002.t")));
        assert_eq!(live.reverse(ip("10.1.0.9")).ptr, Some(&Answer::NxDomain));
        // Never asked (a name DNS cannot carry is not): no answer, a failure for the audit.
        assert_eq!(live.forward("h0009.t").a, None);
    }
}
