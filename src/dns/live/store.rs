//! Answers that stream to the audit while the questions are still being resolved (issue #13):
//! [`Store`] holds one slot per question, in the audit's order, filled by the resolver (as a
//! [`Sink`]) on one thread and read by the audit (as a [`LiveLookup`]) on another, which waits
//! only for the answers of the lease at hand. The report is written while resolution goes on.
//!
//! No partial report: the only error live resolution has after it started is "no server
//! answered anything", and the first response rules it out. The writer waits behind
//! [`Store::wait_open`] until a server has answered (or the resolution ended well), so a failed
//! run never writes a row, to a file or to stdout.

use std::collections::hash_map::Entry;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use hickory_proto::rr::RecordType;
use rustc_hash::FxHashMap;

use super::{LiveError, Mode, Question, chosen, disagreement};
use crate::dns::DnsName;
use crate::dns::answers::{Answer, ForwardAnswers, LiveLookup, ReverseAnswers};

/// One thing live DNS is asked about, in the order the audit needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ask {
    /// A and AAAA of a name.
    Name(DnsName),
    /// PTR of an address.
    Address(IpAddr),
}

/// Where a resolver delivers its outcomes (see [`super::Resolve`]).
pub(crate) trait Sink: Sync {
    /// The outcome of `job` (the layout of [`super::Resolve::resolve`]), once per job.
    fn answer(&self, job: usize, answer: Answer);
    /// A server answered something: from now on the run cannot fail.
    fn responded(&self);
    /// The run's result is no longer wanted (the report could not be written): stop.
    fn cancelled(&self) -> bool;
}

/// How far behind the resolver the audit waits when it catches up: it sleeps until this many
/// more questions are settled (a wake-up per answer would cost more than the answer)...
const BATCH: usize = 1024;
/// ...or this long, when its own answer is in but one before the batch's end is slow (a
/// question being retried): a finding waits for its own answers, not for a slow neighbour's.
const RECHECK: Duration = Duration::from_millis(20);

/// The questions of a live run and their answers as they arrive (see the module doc).
pub(crate) struct Store {
    questions: Vec<Question>,
    /// A name's A question (its AAAA is the next one).
    names: FxHashMap<DnsName, u32>,
    /// An address's PTR question.
    addresses: FxHashMap<IpAddr, u32>,
    servers: Vec<SocketAddr>,
    mode: Mode,
    /// One per question, set once.
    answers: Vec<OnceLock<Answer>>,
    /// `--compare-servers` only (else empty): how the servers' answers to a question differ,
    /// set before its answer.
    notes: Vec<OnceLock<Option<String>>>,
    /// `--compare-servers` only: a name's A and AAAA notes in one, made when first read.
    name_notes: Vec<OnceLock<Option<String>>>,
    /// `--compare-servers` only: the servers' answers to a question until all are in.
    partial: Mutex<FxHashMap<usize, Vec<Option<Answer>>>>,
    state: Mutex<State>,
    changed: Condvar,
    cancel: AtomicBool,
}

#[derive(Debug, Default)]
struct State {
    /// Every question below this one is settled.
    settled: usize,
    /// The reader sleeps until `settled` reaches this.
    wanted: usize,
    responded: bool,
    /// Set when the resolution ended: how.
    closed: Option<Closed>,
}

/// How the resolution ended, as its reader learns it.
#[derive(Debug, Clone)]
enum Closed {
    Succeeded,
    /// With the resolver's error (the run's too, unless a server had answered before).
    Failed(Arc<LiveError>),
    /// The resolver panicked; its panic, on the resolving thread, is the run's end.
    Panicked,
}

impl Store {
    /// The questions of `asks` (A and AAAA of each name, PTR of each address), each once, in
    /// the order given; `servers` answer them, each of them every question when `compare` (the
    /// settings have checked that there are two servers then: `--compare-servers`).
    pub(crate) fn new(asks: Vec<Ask>, servers: &[SocketAddr], compare: bool) -> Store {
        let mut questions = Vec::with_capacity(asks.len() * 2);
        let mut names = FxHashMap::with_capacity_and_hasher(asks.len() / 2, Default::default());
        let mut addresses = FxHashMap::with_capacity_and_hasher(asks.len() / 2, Default::default());
        for ask in asks {
            let next = u32::try_from(questions.len()).unwrap_or(u32::MAX);
            match ask {
                Ask::Name(name) => {
                    if let Entry::Vacant(e) = names.entry(name) {
                        let name = e.key().clone();
                        e.insert(next);
                        questions.push(Question { name: name.clone(), rtype: RecordType::A });
                        questions.push(Question { name, rtype: RecordType::AAAA });
                    }
                }
                Ask::Address(ip) => {
                    if let Entry::Vacant(e) = addresses.entry(ip) {
                        e.insert(next);
                        questions.push(Question { name: DnsName::reverse(ip), rtype: RecordType::PTR });
                    }
                }
            }
        }
        let n = questions.len();
        let per_question = |on: bool| if on { (0..n).map(|_| OnceLock::new()).collect() } else { Vec::new() };
        Store {
            answers: (0..n).map(|_| OnceLock::new()).collect(),
            notes: per_question(compare),
            name_notes: per_question(compare),
            questions,
            names,
            addresses,
            servers: servers.to_vec(),
            mode: if compare { Mode::Compare } else { Mode::Failover },
            partial: Mutex::default(),
            state: Mutex::default(),
            changed: Condvar::new(),
            cancel: AtomicBool::new(false),
        }
    }

    pub(crate) fn questions(&self) -> &[Question] {
        &self.questions
    }

    pub(crate) fn servers(&self) -> &[SocketAddr] {
        &self.servers
    }

    pub(crate) fn mode(&self) -> Mode {
        self.mode
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panicking holder leaves plain counters behind: still consistent.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn wait<'g>(&self, guard: MutexGuard<'g, State>) -> MutexGuard<'g, State> {
        self.changed.wait(guard).unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Ends the resolution (the first ending stands). Readers waiting for an answer that never
    /// came get none.
    fn close(&self, how: Closed) {
        let mut st = self.state();
        if st.closed.is_none() {
            st.closed = Some(how);
        }
        self.changed.notify_all();
    }

    /// The reader gives up (the report cannot be written): the resolver stops.
    pub(crate) fn abandon(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Waits until the run can no longer fail (a server answered, or the resolution succeeded),
    /// or returns the resolver's error when it failed before any answer. A panicked resolver
    /// leaves the reader nothing to write: it panics too.
    pub(crate) fn wait_open(&self) -> Result<(), Arc<LiveError>> {
        let mut st = self.state();
        loop {
            if st.responded {
                return Ok(());
            }
            match &st.closed {
                Some(Closed::Succeeded) => return Ok(()),
                Some(Closed::Failed(e)) => return Err(Arc::clone(e)),
                Some(Closed::Panicked) => panic!("the DNS resolution panicked"),
                None => st = self.wait(st),
            }
        }
    }

    /// The answer of question `q`, waiting for it; `None` when the resolution ended without it.
    fn settled(&self, q: usize) -> Option<&Answer> {
        let slot = self.answers.get(q)?;
        if let Some(a) = slot.get() {
            return Some(a);
        }
        let mut st = self.state();
        loop {
            if let Some(a) = slot.get() {
                return Some(a);
            }
            if st.closed.is_some() {
                return None;
            }
            // Another reader's nearer wish stands (each re-arms its own when woken).
            let target = (q + BATCH).min(self.answers.len());
            st.wanted = if st.wanted == 0 { target } else { st.wanted.min(target) };
            st = self.changed.wait_timeout(st, RECHECK).map(|(st, _)| st).unwrap_or_else(|poisoned| poisoned.into_inner().0);
        }
    }

    fn settle(&self, q: usize, answer: Answer, note: Option<String>) {
        if let Some(slot) = self.notes.get(q) {
            let _ = slot.set(note);
        }
        let Some(slot) = self.answers.get(q) else { return };
        if slot.set(answer).is_err() {
            return;
        }
        let mut st = self.state();
        while self.answers.get(st.settled).is_some_and(|a| a.get().is_some()) {
            st.settled += 1;
        }
        if st.wanted > 0 && st.settled >= st.wanted {
            st.wanted = 0;
            self.changed.notify_all();
        }
    }

    fn note(&self, q: usize) -> Option<&str> {
        self.notes.get(q).and_then(|n| n.get()).and_then(|n| n.as_deref())
    }

    /// With `--compare-servers`: the names (and reverse names) whose servers disagree, with
    /// their notes (A and AAAA of a name in one).
    pub(crate) fn disagreements(&self) -> FxHashMap<String, String> {
        let mut out = FxHashMap::default();
        if self.mode == Mode::Failover {
            return out;
        }
        for (q, question) in self.questions.iter().enumerate() {
            let note = match question.rtype {
                RecordType::A => self.name_note(q).map(str::to_string),
                RecordType::PTR => self.note(q).map(str::to_string),
                _ => None,
            };
            if let Some(note) = note {
                out.insert(question.name.to_string(), note);
            }
        }
        out
    }

    /// A name's notes, A's then AAAA's, in one (`q` is its A question).
    fn name_note(&self, q: usize) -> Option<&str> {
        let slot = self.name_notes.get(q)?;
        slot.get_or_init(|| {
            let both: Vec<&str> = [self.note(q), self.note(q + 1)].into_iter().flatten().collect();
            (!both.is_empty()).then(|| both.join(" | "))
        })
        .as_deref()
    }
}

impl Sink for Store {
    fn answer(&self, job: usize, answer: Answer) {
        let per = match self.mode {
            Mode::Failover => return self.settle(job, answer, None),
            Mode::Compare => self.servers.len().max(1),
        };
        let (q, server) = (job / per, job % per);
        let complete = {
            let mut partial = self.partial.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let these = partial.entry(q).or_insert_with(|| vec![None; per]);
            if let Some(slot) = these.get_mut(server) {
                *slot = Some(answer);
            }
            if these.iter().all(Option::is_some) { partial.remove(&q) } else { None }
        };
        if let Some(these) = complete {
            let these: Vec<Answer> = these.into_iter().flatten().collect();
            let note = disagreement(&these, &self.servers);
            self.settle(q, chosen(these), note);
        }
    }

    fn responded(&self) {
        let mut st = self.state();
        if !st.responded {
            st.responded = true;
            self.changed.notify_all();
        }
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

impl LiveLookup for Store {
    fn forward(&self, name: &str) -> ForwardAnswers<'_> {
        let Some(&q) = self.names.get(name) else { return ForwardAnswers::default() };
        let q = q as usize;
        ForwardAnswers { a: self.settled(q), aaaa: self.settled(q + 1), disagreement: self.name_note(q) }
    }

    fn reverse(&self, ip: IpAddr) -> ReverseAnswers<'_> {
        let Some(&q) = self.addresses.get(&ip) else { return ReverseAnswers::default() };
        let q = q as usize;
        ReverseAnswers { ptr: self.settled(q), disagreement: self.settled(q).and(self.note(q)) }
    }
}

/// Closes the store with the resolution's outcome ([`CloseOnDrop::ended`]), or as panicked
/// when dropped before (the resolver panicked), so that no reader waits forever.
pub(crate) struct CloseOnDrop<'s>(pub(crate) &'s Store);

impl CloseOnDrop<'_> {
    pub(crate) fn ended<T>(self, outcome: &Result<T, Arc<LiveError>>) {
        self.0.close(match outcome {
            Ok(_) => Closed::Succeeded,
            Err(e) => Closed::Failed(Arc::clone(e)),
        });
    }
}

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close(Closed::Panicked);
    }
}
