//! A resolver from a table, for the tests of [`super::resolve_into`] (and of anything built on
//! it) without a server.

use std::net::SocketAddr;

use rustc_hash::FxHashMap;

use super::{LiveError, Mode, Question, Resolve, Sink, Stats};
use crate::dns::answers::{Answer, Failure};

/// Answers per server from a table: a question missing from a server's table
/// is NXDOMAIN there. Failover and compare behave as the engine's; the jobs are answered
/// in the order `order` gives (default: in turn), and with `fail_after` the resolver
/// returns `error` after that many answers (without responding, as the engine's only error
/// after start, no server answering, is).
#[derive(Debug, Default, Clone)]
pub(crate) struct Fixture {
    pub(crate) servers: Vec<FxHashMap<Question, Answer>>,
    /// The jobs in the order they are answered (default: in turn).
    pub(crate) order: Option<Vec<usize>>,
    /// Answers delivered before the run fails with [`LiveError::NoServerAnswered`].
    pub(crate) fail_after: Option<usize>,
    /// A pause before each answer (the reader then catches up and waits).
    pub(crate) pace: Option<std::time::Duration>,
    /// Counts the answers delivered (a cancelled run stops delivering).
    pub(crate) delivered: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Resolve for Fixture {
    fn resolve(&self, questions: &[Question], servers: &[SocketAddr], mode: Mode, sink: &dyn Sink) -> Result<Stats, LiveError> {
        let mut out = Out::default();
        let ask = |s: usize, q: &Question| self.servers.get(s).map(|t| t.get(q).cloned().unwrap_or(Answer::NxDomain));
        for q in questions {
            match mode {
                Mode::Failover => {
                    let mut last = Answer::Failed(Failure::Timeout);
                    for s in 0..servers.len() {
                        out.stats.sent += 1;
                        let Some(a) = ask(s, q) else { continue };
                        out.stats.responses += 1;
                        last = a;
                        if !matches!(last, Answer::Failed(_)) {
                            break;
                        }
                    }
                    out.stats.questions += 1;
                    out.stats.count(&last);
                    out.answers.push(last);
                }
                Mode::Compare => {
                    for s in 0..servers.len() {
                        let a = ask(s, q).unwrap_or(Answer::Failed(Failure::Timeout));
                        out.stats.questions += 1;
                        out.stats.sent += 1;
                        out.stats.responses += 1;
                        out.stats.count(&a);
                        out.answers.push(a);
                    }
                }
            }
        }
        let order = self.order.clone().unwrap_or_else(|| (0..out.answers.len()).collect());
        let mut answers: Vec<Option<Answer>> = out.answers.into_iter().map(Some).collect();
        for (n, job) in order.into_iter().enumerate() {
            if self.fail_after == Some(n) {
                return Err(LiveError::NoServerAnswered { queries: out.stats.sent, servers: String::new() });
            }
            if self.fail_after.is_none() && n == 0 && out.stats.responses > 0 {
                sink.responded();
            }
            if let Some(pause) = self.pace {
                std::thread::sleep(pause);
            }
            if sink.cancelled() {
                break;
            }
            if let Some(a) = answers.get_mut(job).and_then(Option::take) {
                sink.answer(job, a);
                self.delivered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }
        Ok(out.stats)
    }
}

#[derive(Default)]
struct Out {
    answers: Vec<Answer>,
    stats: Stats,
}
