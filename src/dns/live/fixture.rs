//! A resolver from a table, for the tests of [`super::resolve_all`] (and of anything built on
//! it) without a server.

use std::net::SocketAddr;

use rustc_hash::FxHashMap;

use super::{LiveError, Mode, Question, Resolve, Resolved};
use crate::dns::answers::{Answer, Failure};

/// Answers per server from a table: a question missing from a server's table
/// is NXDOMAIN there. Failover and compare behave as the engine's.
#[derive(Debug, Default)]
pub(crate) struct Fixture {
    pub(crate) servers: Vec<FxHashMap<Question, Answer>>,
}

impl Resolve for Fixture {
    fn resolve(&self, questions: &[Question], servers: &[SocketAddr], mode: Mode) -> Result<Resolved, LiveError> {
        let mut out = Resolved::default();
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
        Ok(out)
    }
}
