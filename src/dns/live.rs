//! Live DNS resolution (`--dns-server`): asks the A and AAAA records of every audited name and
//! the PTR of every audited address, and classifies each outcome once, here, into an
//! [`Answer`]: records, NXDOMAIN, NODATA, or a [`Failure`] (timeout, SERVFAIL, REFUSED,
//! truncated-and-TCP-failed, anything else). Nothing past this module sees a DNS message.
//!
//! What it owns:
//! - [`Resolve`], the boundary: the real [`Engine`] and a [`Fixture`] for tests.
//! - [`Engine`]: a bulk stub resolver on tokio with hickory-proto for the wire format. Not
//!   hickory-resolver's `Resolver`, which binds a socket per query and has no cap on UDP
//!   queries in flight (notes/DNS-SPEED.md): the engine keeps one long-lived UDP socket per
//!   address family, random query IDs, matches replies on (source, ID, question), times out
//!   from a deadline queue, retries `--retries` times per server then moves to the next
//!   server, falls back to TCP on a truncated answer, caps queries in flight
//!   (`--concurrency`) and paces with a token bucket (`--qps`). Names are always asked
//!   absolute (no search list), each question once, with no cache.
//! - [`resolve_all`]: the questions of an audit in, [`LiveAnswers`] and [`Stats`] out,
//!   including the `--compare-servers` disagreements.

use std::collections::VecDeque;
use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::io::{ErrorKind, IsTerminal};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::{DNSClass, Label, Name, RData, RecordType};
use rustc_hash::FxHashMap;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};
use tokio::sync::mpsc;

use super::answers::{Answer, Failure, LiveAnswers};
use super::{RecordData, reverse_name};

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

/// How queries are paced (from `--concurrency`, `--qps`, `--timeout`, `--retries`).
#[derive(Debug, Clone)]
pub struct Pacing {
    /// Queries in flight at once, over all servers (clamped to [`MAX_IN_FLIGHT`]).
    pub concurrency: usize,
    /// Queries per second, at most, over all servers (retries and TCP included).
    pub qps: u32,
    /// How long to wait for one answer.
    pub timeout: Duration,
    /// How many times a query is re-sent to the same server after a timeout before the next
    /// server is tried.
    pub retries: u32,
}

/// The most queries the engine keeps in flight: far below the 65,536 query IDs per server,
/// so that a random free ID is found at once.
pub const MAX_IN_FLIGHT: usize = 16_384;

/// One question: an absolute name (lowercase, no trailing dot) and a type (A, AAAA, PTR).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Question {
    pub name: String,
    pub rtype: RecordType,
}

/// Which servers answer a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Each question goes to the first server; to the next one only when it fails there.
    Failover,
    /// Each question goes to every server (`--compare-servers`); no failover.
    Compare,
}

/// What a resolver gives back: one answer per job. A job is a question in [`Mode::Failover`]
/// (`answers[q]`), a (question, server) pair in [`Mode::Compare`] (`answers[q * servers + s]`).
#[derive(Debug, Default)]
pub struct Resolved {
    pub answers: Vec<Answer>,
    pub stats: Stats,
}

/// Counters of one live run, for the summary.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Stats {
    /// Questions asked (per server in compare mode).
    pub questions: u64,
    /// UDP datagrams sent, first tries and retries.
    pub sent: u64,
    /// Valid responses received (UDP and TCP), whatever their RCODE.
    pub responses: u64,
    /// Queries re-sent after a timeout, or sent to the next server after a failure.
    pub retries: u64,
    /// Attempts that got no answer in time.
    pub timeouts: u64,
    /// Truncated UDP answers asked again over TCP.
    pub tcp_fallbacks: u64,
    /// Responses dropped: from an unexpected source, an unknown ID, a question that does not
    /// match, or not parseable.
    pub dropped: u64,
    /// Final outcomes.
    pub records: u64,
    pub nxdomain: u64,
    pub nodata: u64,
    /// Final failures by kind (`timeout`, `SERVFAIL`, ...).
    pub failures: FxHashMap<String, u64>,
    /// Wall time of the resolution phase.
    pub elapsed: Duration,
}

impl Stats {
    pub fn failed(&self) -> u64 {
        self.failures.values().sum()
    }

    /// Responses per second over the resolution phase.
    pub fn rate(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 { self.responses as f64 / s } else { 0.0 }
    }

    fn count(&mut self, a: &Answer) {
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
        Failure::Other(s) => s.split(':').next().unwrap_or(s).to_string(),
    }
}

/// The boundary: anything that answers questions.
pub trait Resolve {
    /// Answers `questions` from `servers` in `mode` (see [`Resolved`] for the layout).
    fn resolve(&self, questions: &[Question], servers: &[SocketAddr], mode: Mode) -> Result<Resolved, LiveError>;
}

/// The audit's questions in, its [`LiveAnswers`] out: A and AAAA of every name, PTR of every
/// address; in compare mode, the answers of the first server that gave a definitive answer
/// (records, NXDOMAIN, NODATA), in `--dns-server` order, and every difference between the
/// servers' definitive answers in `disagreements`. Failures are not disagreements (they are
/// counted as errors).
pub fn resolve_all(
    resolver: &dyn Resolve,
    names: &[String],
    ips: &[IpAddr],
    servers: &[SocketAddr],
    compare: bool,
) -> Result<(LiveAnswers, Stats), LiveError> {
    if compare && servers.len() < 2 {
        return Err(LiveError::CompareNeedsTwo);
    }
    let mut questions = Vec::with_capacity(names.len() * 2 + ips.len());
    for n in names {
        let name = super::normalize_name(n);
        questions.push(Question { name: name.clone(), rtype: RecordType::A });
        questions.push(Question { name, rtype: RecordType::AAAA });
    }
    for ip in ips {
        questions.push(Question { name: reverse_name(*ip), rtype: RecordType::PTR });
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
    for n in names {
        let name = super::normalize_name(n);
        let a = take(&name, &mut disagreements);
        let aaaa = take(&name, &mut disagreements);
        live.a.insert(name.clone(), a);
        live.aaaa.insert(name, aaaa);
    }
    for ip in ips {
        let rname = reverse_name(*ip);
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
    first_failure.unwrap_or(Answer::Failed(Failure::Other("not asked".into())))
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

/// A resolver from a table, per server, for tests: a question missing from a server's table
/// is NXDOMAIN there. Failover and compare behave as the engine's.
#[derive(Debug, Default)]
pub struct Fixture {
    pub servers: Vec<FxHashMap<Question, Answer>>,
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

/// The real resolver (see the module doc).
#[derive(Debug, Clone)]
pub struct Engine {
    pub pacing: Pacing,
    /// Show an indicatif progress bar (only when stderr is a terminal).
    pub progress: bool,
}

impl Engine {
    pub fn new(pacing: Pacing) -> Engine {
        Engine { pacing, progress: std::io::stderr().is_terminal() }
    }
}

impl Resolve for Engine {
    fn resolve(&self, questions: &[Question], servers: &[SocketAddr], mode: Mode) -> Result<Resolved, LiveError> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(LiveError::Runtime)?;
        rt.block_on(async {
            let mut run = Run::new(questions, servers, mode, &self.pacing, self.progress)?;
            run.go().await;
            Ok(run.finish())
        })
    }
}

// ---- the engine ----

const NO_SLOT: u32 = u32::MAX;
/// EDNS payload size advertised (the DNS Flag Day 2020 value, as hickory's default).
const EDNS_PAYLOAD: u16 = 1232;
const RECV_BUF: usize = 4096;
/// Non-blocking receive tries before the engine sleeps.
const SPIN: usize = 64;

/// One question in flight (or waiting to be re-sent).
struct Slot {
    job: u32,
    /// Position in the job's server list.
    server_pos: u32,
    /// Attempts at the current server.
    attempt: u32,
    /// Bumped on every send and at the end: deadlines and TCP results of older sends are stale.
    generation: u32,
    /// The IDs this slot holds, with the server index each was sent to (earlier attempts'
    /// answers are still accepted: a late answer is as good as a retry's).
    ids: Vec<(u32, u16)>,
    /// The encoded query; the ID is patched per send.
    wire: Vec<u8>,
    qname: Name,
    /// The last failure seen, the outcome if no server answers.
    last_failure: Option<Failure>,
    over_tcp: bool,
    /// Waiting in `ready` for a (re)send.
    queued: bool,
}

struct Run<'q> {
    questions: &'q [Question],
    servers: &'q [SocketAddr],
    mode: Mode,
    pacing: Pacing,
    /// One UDP socket per server, connected to it (the kernel then delivers only that
    /// server's datagrams, and a send skips the route lookup).
    sockets: Vec<UdpSocket>,
    slots: Vec<Slot>,
    free: Vec<u32>,
    /// Per server, query ID -> slot.
    ids: Vec<Vec<u32>>,
    in_use: usize,
    next_job: usize,
    jobs: usize,
    /// Slots to (re)send.
    ready: VecDeque<u32>,
    /// (deadline, slot, generation), in send order: all share one timeout, so it is sorted.
    deadlines: VecDeque<(Instant, u32, u32)>,
    answers: Vec<Option<Answer>>,
    done: usize,
    stats: Stats,
    bucket: TokenBucket,
    random: IdSource,
    tcp_tx: mpsc::UnboundedSender<(u32, u32, Result<Vec<u8>, String>)>,
    tcp_rx: mpsc::UnboundedReceiver<(u32, u32, Result<Vec<u8>, String>)>,
    progress: Option<indicatif::ProgressBar>,
    started: Instant,
}

impl<'q> Run<'q> {
    fn new(questions: &'q [Question], servers: &'q [SocketAddr], mode: Mode, pacing: &Pacing, progress: bool) -> Result<Run<'q>, LiveError> {
        let open = |server: SocketAddr| -> Result<UdpSocket, LiveError> {
            let any = if server.is_ipv4() { SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0) } else { SocketAddr::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), 0) };
            let domain = if any.is_ipv4() { socket2::Domain::IPV4 } else { socket2::Domain::IPV6 };
            let s = socket2::Socket::new(domain, socket2::Type::DGRAM, Some(socket2::Protocol::UDP)).map_err(LiveError::Socket)?;
            // Large buffers: a burst of answers must not overflow the receive queue (a drop
            // there would look like a lost answer and cost a timeout). Best effort.
            let _ = s.set_recv_buffer_size(8 << 20);
            let _ = s.set_send_buffer_size(4 << 20);
            s.set_nonblocking(true).map_err(LiveError::Socket)?;
            s.bind(&any.into()).map_err(LiveError::Socket)?;
            s.connect(&server.into()).map_err(LiveError::Socket)?;
            UdpSocket::from_std(s.into()).map_err(LiveError::Socket)
        };
        let sockets = servers.iter().map(|s| open(*s)).collect::<Result<Vec<_>, _>>()?;
        let jobs = match mode {
            Mode::Failover => questions.len(),
            Mode::Compare => questions.len() * servers.len(),
        };
        let mut pacing = pacing.clone();
        pacing.concurrency = pacing.concurrency.clamp(1, MAX_IN_FLIGHT);
        let (tcp_tx, tcp_rx) = mpsc::unbounded_channel();
        let progress = progress.then(|| {
            let bar = indicatif::ProgressBar::with_draw_target(Some(jobs as u64), indicatif::ProgressDrawTarget::stderr());
            bar.set_style(
                indicatif::ProgressStyle::with_template("DNS {bar:30} {pos}/{len} queries, {msg} [{elapsed}, ETA {eta}]")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        let stats = Stats { questions: jobs as u64, ..Stats::default() };
        Ok(Run {
            questions,
            servers,
            mode,
            bucket: TokenBucket::new(pacing.qps, pacing.concurrency),
            pacing,
            sockets,
            slots: Vec::new(),
            free: Vec::new(),
            ids: vec![vec![NO_SLOT; 65_536]; servers.len()],
            in_use: 0,
            next_job: 0,
            jobs,
            ready: VecDeque::new(),
            deadlines: VecDeque::new(),
            answers: vec![None; jobs],
            done: 0,
            stats,
            random: IdSource::new(),
            tcp_tx,
            tcp_rx,
            progress,
            started: Instant::now(),
        })
    }

    fn finish(mut self) -> Resolved {
        self.stats.elapsed = self.started.elapsed();
        if let Some(p) = &self.progress {
            p.finish_and_clear();
        }
        let answers = self.answers.into_iter().map(|a| a.unwrap_or(Answer::Failed(Failure::Other("not asked".into())))).collect();
        Resolved { answers, stats: self.stats }
    }

    /// The servers a job may use, in order, and its question.
    fn job(&self, job: u32) -> (&'q Question, std::ops::Range<usize>) {
        match self.mode {
            Mode::Failover => (&self.questions[job as usize], 0..self.servers.len()),
            Mode::Compare => {
                let n = self.servers.len();
                let s = job as usize % n;
                (&self.questions[job as usize / n], s..s + 1)
            }
        }
    }

    fn server_of(&self, slot: u32) -> usize {
        let s = &self.slots[slot as usize];
        self.job(s.job).1.start + s.server_pos as usize
    }

    async fn go(&mut self) {
        if self.servers.is_empty() {
            for j in 0..self.jobs {
                self.answers[j] = Some(Answer::Failed(Failure::Other("no DNS server".into())));
            }
            return;
        }
        let mut buf = vec![0u8; RECV_BUF];
        let mut last_progress = Instant::now();
        while self.done < self.jobs {
            self.send_what_we_may().await;
            // Drain every answer already queued on the sockets, without waiting.
            self.drain(&mut buf);
            while let Ok((slot, generation, result)) = self.tcp_rx.try_recv() {
                self.on_tcp(slot, generation, result);
            }
            let now = Instant::now();
            self.expire(now);
            if let Some(p) = &self.progress
                && now.duration_since(last_progress) >= Duration::from_millis(100)
            {
                last_progress = now;
                p.set_position(self.done as u64);
                let secs = self.started.elapsed().as_secs_f64().max(1e-3);
                p.set_message(format!("{:.0} answers/s, {} timeouts, {} errors", self.stats.responses as f64 / secs, self.stats.timeouts, self.stats.failed()));
            }
            if self.done >= self.jobs {
                break;
            }
            if self.can_send_now() {
                continue;
            }
            // Answers arriving back to back: poll a little before sleeping (a sleep and a
            // wake-up per datagram would cost more than the datagram).
            if self.in_use > 0 && self.spin(&mut buf) {
                continue;
            }
            // Wait for an answer, a TCP result, the next deadline or the next token.
            let mut wake = self.deadlines.front().map(|d| d.0).unwrap_or(now + Duration::from_millis(100));
            if self.wants_to_send() {
                wake = wake.min(self.bucket.next_token(now));
            }
            let wake = tokio::time::Instant::from_std(wake.max(now));
            tokio::select! {
                _ = readable(&self.sockets) => {}
                Some((slot, generation, result)) = self.tcp_rx.recv() => self.on_tcp(slot, generation, result),
                _ = tokio::time::sleep_until(wake) => {}
            }
        }
    }

    /// Polls the sockets for up to [`SPIN`] tries; whether something arrived.
    fn spin(&mut self, buf: &mut [u8]) -> bool {
        let before = self.stats.responses + self.stats.dropped;
        for _ in 0..SPIN {
            self.drain(buf);
            if self.stats.responses + self.stats.dropped != before {
                return true;
            }
            std::hint::spin_loop();
        }
        false
    }

    fn wants_to_send(&self) -> bool {
        !self.ready.is_empty() || (self.next_job < self.jobs && self.in_use < self.pacing.concurrency)
    }

    fn can_send_now(&mut self) -> bool {
        self.wants_to_send() && self.bucket.available(Instant::now())
    }

    /// Sends re-tries first, then new questions, while the cap and the token bucket allow.
    async fn send_what_we_may(&mut self) {
        let mut now = Instant::now();
        loop {
            let slot = if let Some(&s) = self.ready.front() {
                s
            } else if self.next_job < self.jobs && self.in_use < self.pacing.concurrency {
                let job = self.next_job as u32;
                self.next_job += 1;
                let s = self.take_slot(job);
                self.ready.push_front(s);
                s
            } else {
                return;
            };
            if !self.bucket.take(now) {
                return;
            }
            self.ready.pop_front();
            self.slots[slot as usize].queued = false;
            match self.send(slot, now).await {
                Ok(()) => {}
                Err(e) => self.fail_attempt(slot, Failure::Other(format!("send error: {e}"))),
            }
            now = Instant::now();
        }
    }

    fn take_slot(&mut self, job: u32) -> u32 {
        let (q, _) = self.job(job);
        let (qname, wire) = encode(q);
        self.in_use += 1;
        let slot = Slot {
            job,
            server_pos: 0,
            attempt: 0,
            generation: 0,
            ids: Vec::new(),
            wire,
            qname,
            last_failure: None,
            over_tcp: false,
            queued: true,
        };
        match self.free.pop() {
            Some(i) => {
                // Generations go on across reuse, so that an old deadline never matches.
                let generation = self.slots[i as usize].generation.wrapping_add(1);
                self.slots[i as usize] = Slot { generation, ..slot };
                i
            }
            None => {
                self.slots.push(slot);
                (self.slots.len() - 1) as u32
            }
        }
    }

    async fn send(&mut self, slot: u32, now: Instant) -> std::io::Result<()> {
        let server = self.server_of(slot);
        let id = loop {
            let id = self.random.next();
            if self.ids[server][id as usize] == NO_SLOT {
                break id;
            }
        };
        self.ids[server][id as usize] = slot;
        let s = &mut self.slots[slot as usize];
        s.ids.push((server as u32, id));
        s.generation = s.generation.wrapping_add(1);
        let generation = s.generation;
        if s.wire.len() < 2 {
            return Err(std::io::Error::other("empty query"));
        }
        s.wire[..2].copy_from_slice(&id.to_be_bytes());
        let sock = &self.sockets[server];
        loop {
            match sock.try_send(&s.wire) {
                Ok(_) => break,
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    sock.writable().await?;
                }
                // A previous datagram's ICMP error surfacing here is not this send's failure.
                Err(e) if e.kind() == ErrorKind::ConnectionRefused => {}
                Err(e) => return Err(e),
            }
        }
        self.stats.sent += 1;
        self.deadlines.push_back((now + self.pacing.timeout, slot, generation));
        Ok(())
    }

    fn drain(&mut self, buf: &mut [u8]) {
        for server in 0..self.sockets.len() {
            loop {
                match self.sockets[server].try_recv(buf) {
                    Ok(n) => self.on_datagram(&buf[..n], server),
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                    // ICMP port unreachable and the like: the attempt will time out.
                    Err(_) => continue,
                }
            }
        }
    }

    /// A datagram on the socket connected to `server` (the kernel checked its source).
    fn on_datagram(&mut self, data: &[u8], server: usize) {
        if data.len() < 12 {
            self.stats.dropped += 1;
            return;
        }
        let id = u16::from_be_bytes([data[0], data[1]]);
        let slot = self.ids[server][id as usize];
        if slot == NO_SLOT || self.slots[slot as usize].over_tcp {
            self.stats.dropped += 1;
            return;
        }
        let Ok(msg) = Message::from_vec(data) else {
            self.stats.dropped += 1;
            return;
        };
        let (q, _) = self.job(self.slots[slot as usize].job);
        if !matches_question(&msg, &self.slots[slot as usize].qname, q.rtype) {
            self.stats.dropped += 1;
            return;
        }
        self.stats.responses += 1;
        if msg.metadata.truncation {
            self.stats.tcp_fallbacks += 1;
            self.start_tcp(slot, server);
            return;
        }
        self.on_response(slot, &msg, q);
    }

    /// Classifies a validated response: an outcome for the job, or a failure for this server.
    fn on_response(&mut self, slot: u32, msg: &Message, q: &Question) {
        match classify(msg, q) {
            Ok(answer) => self.complete(slot, answer),
            // Garbled by a middlebox or a confused server: worth asking the same server again.
            Err(failure @ Failure::Malformed(_)) => self.fail_attempt(slot, failure),
            Err(failure) => self.next_server(slot, failure),
        }
    }

    fn start_tcp(&mut self, slot: u32, server: usize) {
        let s = &mut self.slots[slot as usize];
        s.over_tcp = true;
        s.generation = s.generation.wrapping_add(1);
        let generation = s.generation;
        let wire = s.wire.clone();
        let addr = self.servers[server];
        let timeout = self.pacing.timeout;
        let tx = self.tcp_tx.clone();
        tokio::spawn(async move {
            let result = match tokio::time::timeout(timeout, tcp_query(addr, &wire)).await {
                Ok(Ok(v)) => Ok(v),
                Ok(Err(e)) => Err(e.to_string()),
                Err(_) => Err("TCP timeout".to_string()),
            };
            let _ = tx.send((slot, generation, result));
        });
    }

    fn on_tcp(&mut self, slot: u32, generation: u32, result: Result<Vec<u8>, String>) {
        let Some(s) = self.slots.get_mut(slot as usize) else { return };
        if s.generation != generation || !s.over_tcp {
            return;
        }
        s.over_tcp = false;
        let job = s.job;
        let qname = s.qname.clone();
        let (q, _) = self.job(job);
        let msg = match result {
            Ok(data) => match Message::from_vec(&data) {
                Ok(m) if matches_question(&m, &qname, q.rtype) && m.metadata.id == u16::from_be_bytes([data[0], data[1]]) => Some(m),
                _ => None,
            },
            Err(_) => None,
        };
        match msg {
            Some(m) => {
                self.stats.responses += 1;
                self.on_response(slot, &m, q);
            }
            None => self.next_server(slot, Failure::Truncated),
        }
    }

    fn expire(&mut self, now: Instant) {
        while let Some(&(deadline, slot, generation)) = self.deadlines.front() {
            if deadline > now {
                break;
            }
            self.deadlines.pop_front();
            let s = &self.slots[slot as usize];
            if s.generation != generation || s.over_tcp || self.answers[s.job as usize].is_some() {
                continue;
            }
            self.stats.timeouts += 1;
            self.fail_attempt(slot, Failure::Timeout);
        }
    }

    /// A failed attempt at the current server: again (up to `--retries`), else the next server.
    fn fail_attempt(&mut self, slot: u32, failure: Failure) {
        let s = &mut self.slots[slot as usize];
        if s.attempt < self.pacing.retries {
            s.attempt += 1;
            s.generation = s.generation.wrapping_add(1);
            self.stats.retries += 1;
            if !s.queued {
                s.queued = true;
                self.ready.push_back(slot);
            }
        } else {
            self.next_server(slot, failure);
        }
    }

    /// This server cannot answer: the next server, or the job fails.
    fn next_server(&mut self, slot: u32, failure: Failure) {
        let (_, range) = self.job(self.slots[slot as usize].job);
        let s = &mut self.slots[slot as usize];
        s.generation = s.generation.wrapping_add(1);
        s.last_failure = Some(failure);
        if (s.server_pos as usize) + 1 < range.len() {
            s.server_pos += 1;
            s.attempt = 0;
            self.stats.retries += 1;
            if !s.queued {
                s.queued = true;
                self.ready.push_back(slot);
            }
        } else {
            let f = s.last_failure.take().unwrap_or(Failure::Timeout);
            self.complete(slot, Answer::Failed(f));
        }
    }

    fn complete(&mut self, slot: u32, answer: Answer) {
        let s = &mut self.slots[slot as usize];
        s.generation = s.generation.wrapping_add(1);
        s.over_tcp = false;
        for &(server, id) in &s.ids {
            if self.ids[server as usize][id as usize] == slot {
                self.ids[server as usize][id as usize] = NO_SLOT;
            }
        }
        s.ids.clear();
        let job = s.job as usize;
        // A slot queued for a re-send (a late answer to an earlier attempt) leaves the queue.
        if s.queued {
            s.queued = false;
            self.ready.retain(|&r| r != slot);
        }
        self.stats.count(&answer);
        self.answers[job] = Some(answer);
        self.done += 1;
        self.in_use -= 1;
        self.free.push(slot);
    }
}

/// Until any of the sockets has a datagram.
async fn readable(sockets: &[UdpSocket]) {
    std::future::poll_fn(|cx| {
        for s in sockets {
            if s.poll_recv_ready(cx).is_ready() {
                return std::task::Poll::Ready(());
            }
        }
        std::task::Poll::Pending
    })
    .await
}

/// One query over TCP (RFC 1035 4.2.2: two-byte length prefix).
async fn tcp_query(addr: SocketAddr, wire: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let len = u16::try_from(wire.len()).map_err(|_| std::io::Error::other("query too long"))?;
    let mut out = Vec::with_capacity(wire.len() + 2);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(wire);
    stream.write_all(&out).await?;
    let mut len = [0u8; 2];
    stream.read_exact(&mut len).await?;
    let n = u16::from_be_bytes(len) as usize;
    if n < 12 {
        return Err(std::io::Error::other("short TCP answer"));
    }
    let mut buf = vec![0u8; n];
    stream.read_exact(&mut buf).await?;
    if buf[..2] != wire[..2] {
        return Err(std::io::Error::other("TCP answer with another query ID"));
    }
    Ok(buf)
}

/// The query message for a question: absolute name, recursion desired, EDNS(0).
fn encode(q: &Question) -> (Name, Vec<u8>) {
    // Each label as its bytes: a UTF-8 name (`café-pc`, as Windows DNS stores it) goes on the
    // wire as its UTF-8 octets, not escaped nor punycode. Names the wire cannot carry are
    // never asked (the audit filters them), so the root fallback is not reached.
    let labels: Result<Vec<Label>, _> = q.name.split('.').filter(|l| !l.is_empty()).map(|l| Label::from_raw_bytes(l.as_bytes())).collect();
    let name = labels.and_then(Name::from_labels).unwrap_or_else(|_| Name::root());
    let mut msg = Message::new(0, MessageType::Query, OpCode::Query);
    msg.metadata.recursion_desired = true;
    msg.add_query(Query::query(name.clone(), q.rtype));
    let mut edns = Edns::new();
    edns.set_max_payload(EDNS_PAYLOAD);
    msg.set_edns(edns);
    let wire = msg.to_vec().unwrap_or_default();
    (name, wire)
}

/// The response is to this question: a response, one question, same name (any case), type
/// and class.
fn matches_question(msg: &Message, qname: &Name, rtype: RecordType) -> bool {
    msg.metadata.message_type == MessageType::Response
        && msg.queries.len() == 1
        && msg.queries[0].query_type() == rtype
        && msg.queries[0].query_class() == DNSClass::IN
        && msg.queries[0].name() == qname
}

/// The outcome of a response, or a failure (the same server again for a malformed answer,
/// else the next server). Only records that answer the question count: class IN, at the
/// question's name or along the CNAME chain from it (names compared case-insensitively).
/// Records of other names, types or classes are never read as NODATA: a reply whose answer
/// section holds records, none of them answering, is malformed (unknown, never missing).
fn classify(msg: &Message, q: &Question) -> Result<Answer, Failure> {
    match msg.metadata.response_code {
        ResponseCode::NoError => {}
        ResponseCode::NXDomain => {
            // An NXDOMAIN may carry the CNAME (DNAME) chain to the missing name (RFC 6604),
            // starting at the question's name, and nothing else.
            let chain = msg.answers.iter().any(|r| r.dns_class == DNSClass::IN && same_name(&r.name, &q.name) && matches!(r.data, RData::CNAME(_)));
            let only_aliases = msg.answers.iter().all(|r| r.dns_class == DNSClass::IN && matches!(r.record_type(), RecordType::CNAME | RecordType::DNAME));
            let well_formed = msg.answers.is_empty() || (chain && only_aliases);
            if !well_formed {
                return Err(Failure::Malformed(format!("NXDOMAIN with records that do not answer the question ({})", excerpt(msg))));
            }
            return Ok(Answer::NxDomain);
        }
        ResponseCode::ServFail => return Err(Failure::ServFail),
        ResponseCode::Refused => return Err(Failure::Refused),
        other => return Err(Failure::Other(format!("{other}"))),
    }
    // Follow the CNAME chain in the answer section; the records of the asked type at its end.
    let mut current = q.name.clone();
    let mut seen: Vec<String> = Vec::new();
    for _ in 0..16 {
        let mut found = Vec::new();
        let mut cname = None;
        for r in &msg.answers {
            if r.dns_class != DNSClass::IN || !same_name(&r.name, &current) {
                continue;
            }
            match (&r.data, q.rtype) {
                (RData::A(a), RecordType::A) => found.push(RecordData::Addr(IpAddr::V4(a.0))),
                (RData::AAAA(a), RecordType::AAAA) => found.push(RecordData::Addr(IpAddr::V6(a.0))),
                (RData::PTR(p), RecordType::PTR) => found.push(RecordData::Ptr(name_text(&p.0))),
                (RData::CNAME(c), _) => cname = Some(name_text(&c.0)),
                _ => {}
            }
        }
        if !found.is_empty() {
            return Ok(Answer::Records(found));
        }
        seen.push(current.clone());
        match cname {
            Some(next) if seen.iter().any(|s| s.eq_ignore_ascii_case(&next)) => {
                return Err(Failure::Malformed(format!("CNAME loop at {next}")));
            }
            Some(next) => current = next,
            // The chain ends without an answer: a record beside it (another name, type or
            // class; the CNAMEs of the chain and a DNAME that made them aside) is not NODATA.
            None if msg.answers.iter().any(|r| !on_chain(r, &seen)) => {
                return Err(Failure::Malformed(format!("no record answers {} {} ({})", q.name, q.rtype, excerpt(msg))));
            }
            None if current == q.name => {
                // Nothing for the name itself: NODATA, unless this is a referral from a
                // server that is neither authoritative nor recursive.
                let has_ns = msg.authorities.iter().any(|r| matches!(r.data, RData::NS(_)));
                let has_soa = msg.authorities.iter().any(|r| matches!(r.data, RData::SOA(_)));
                if has_ns && !has_soa && !msg.metadata.authoritative {
                    return Err(Failure::Other("referral: the server neither holds the zone nor recurses".into()));
                }
                return Ok(Answer::NoData);
            }
            None => {
                // A CNAME chain the server did not follow to its end (out of its zones, no
                // recursion): the records may well exist; unknown, not missing.
                if msg.metadata.authoritative && msg.authorities.iter().any(|r| matches!(r.data, RData::SOA(_))) {
                    return Ok(Answer::NoData);
                }
                return Err(Failure::Other(format!("CNAME chain to {current} not followed by the server")));
            }
        }
    }
    Err(Failure::Other("CNAME chain too long".into()))
}

/// The first records of the answer section, `name type class`, for a malformed-answer note
/// (bounded: a hostile server chooses how many records it sends).
fn excerpt(msg: &Message) -> String {
    let mut parts: Vec<String> = msg
        .answers
        .iter()
        .take(3)
        .map(|r| {
            let name: String = name_text(&r.name).chars().take(80).collect();
            if r.dns_class == DNSClass::IN { format!("{name} {}", r.record_type()) } else { format!("{name} {} {}", r.dns_class, r.record_type()) }
        })
        .collect();
    if msg.answers.len() > 3 {
        parts.push(format!("and {} more", msg.answers.len() - 3));
    }
    format!("answer: {}", parts.join(", "))
}

/// A CNAME of the chain followed (owner among `chain`), or a DNAME (the source of a
/// synthesized CNAME).
fn on_chain(r: &hickory_proto::rr::Record, chain: &[String]) -> bool {
    r.dns_class == DNSClass::IN
        && match r.record_type() {
            RecordType::CNAME => chain.iter().any(|c| same_name(&r.name, c)),
            RecordType::DNAME => true,
            _ => false,
        }
}

/// Whether an answer's name is `lower_no_dot` (a question name or a chain link, in
/// [`name_text`]'s form): byte-exact on the UTF-8 labels, case-insensitive for ASCII only
/// (RFC 4343; the audit folds non-ASCII nowhere either).
fn same_name(n: &Name, lower_no_dot: &str) -> bool {
    name_text(n).eq_ignore_ascii_case(lower_no_dot)
}

/// A name from an answer as the audit writes names: labels joined by `.`, no trailing dot,
/// ASCII lowercased, a UTF-8 label as its text (`café-pc`, as Windows DNS stores it), so that
/// it compares with a lease's fqdn. A label that is not UTF-8, or that holds a `.`, a `\`,
/// a space or a control character, is written with `\DDD` decimal escapes (RFC 1035
/// presentation) for those bytes: such a label is never a valid host name (the audit
/// rejects those characters), so it never equals a lease's name, and it is still shown
/// unambiguously in notes. Not hickory's `to_ascii`, which escapes every non-ASCII byte
/// (so `café-pc` would never match its own question).
fn name_text(n: &Name) -> String {
    let mut out = String::new();
    for (i, label) in n.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        match std::str::from_utf8(label) {
            Ok(text) if !text.chars().any(|c| c == '.' || c == '\\' || c.is_ascii_whitespace() || c.is_control()) => {
                out.push_str(&text.to_ascii_lowercase());
            }
            _ => {
                for &b in label {
                    if b.is_ascii_graphic() && b != b'.' && b != b'\\' {
                        out.push(char::from(b.to_ascii_lowercase()));
                    } else {
                        out.push_str(&format!("\\{b:03}"));
                    }
                }
            }
        }
    }
    out
}

/// Query IDs: SipHash (random keys from the OS) of a counter.
struct IdSource {
    state: RandomState,
    counter: u64,
}

impl IdSource {
    fn new() -> IdSource {
        IdSource { state: RandomState::new(), counter: 0 }
    }
    fn next(&mut self) -> u16 {
        self.counter += 1;
        self.state.hash_one(self.counter) as u16
    }
}

/// `--qps`: tokens refill continuously; a burst is at most a tenth of a second's worth
/// (at least one query, at most the concurrency).
struct TokenBucket {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    fn new(qps: u32, concurrency: usize) -> TokenBucket {
        let rate = f64::from(qps.max(1));
        let burst = (rate / 10.0).clamp(1.0, concurrency.max(1) as f64);
        TokenBucket { rate, burst, tokens: 1.0, last: Instant::now() }
    }
    fn refill(&mut self, now: Instant) {
        let dt = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + dt * self.rate).min(self.burst);
    }
    fn available(&mut self, now: Instant) -> bool {
        self.refill(now);
        self.tokens >= 1.0
    }
    fn take(&mut self, now: Instant) -> bool {
        if self.tokens < 1.0 {
            self.refill(now);
        }
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
    fn next_token(&self, now: Instant) -> Instant {
        let missing = (1.0 - self.tokens).max(0.0);
        now + Duration::from_secs_f64(missing / self.rate)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn srv(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    fn q(name: &str, t: RecordType) -> Question {
        Question { name: name.into(), rtype: t }
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
        let names = vec!["pc1.corp.test".to_string(), "PC2.corp.test.".to_string()];
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
    fn failover_uses_the_next_server_only_on_failure() {
        let mut dc1 = FxHashMap::default();
        let mut dc2 = FxHashMap::default();
        dc1.insert(q("a.t", RecordType::A), Answer::Failed(Failure::ServFail));
        dc2.insert(q("a.t", RecordType::A), addrs(&["10.0.0.9"]));
        dc2.insert(q("b.t", RecordType::A), addrs(&["10.0.0.8"]));
        let fx = Fixture { servers: vec![dc1, dc2] };
        let servers = [srv("10.0.0.1:53"), srv("10.0.0.2:53")];
        let (live, _) = resolve_all(&fx, &["a.t".into(), "b.t".into()], &[], &servers, false).unwrap();
        assert_eq!(live.a["a.t"], addrs(&["10.0.0.9"]));
        assert_eq!(live.a["b.t"], Answer::NxDomain, "dc1's NXDOMAIN is definitive");
        assert!(live.disagreements.is_empty());
    }

    fn response(q: &Question, rcode: ResponseCode, answers: Vec<hickory_proto::rr::Record>, aa: bool) -> Message {
        let mut m = Message::new(7, MessageType::Response, OpCode::Query);
        m.metadata.response_code = rcode;
        m.metadata.authoritative = aa;
        m.add_query(Query::query(Name::from_ascii(format!("{}.", q.name)).unwrap(), q.rtype));
        m.add_answers(answers);
        m
    }

    fn rec(name: &str, data: RData) -> hickory_proto::rr::Record {
        hickory_proto::rr::Record::from_rdata(Name::from_ascii(name).unwrap(), 60, data)
    }

    #[test]
    fn classify_follows_cnames_and_sorts_outcomes() {
        use hickory_proto::rr::rdata::{A, CNAME, PTR};
        let qa = q("alias.t", RecordType::A);
        let chain = vec![
            rec("ALIAS.t.", RData::CNAME(CNAME(Name::from_ascii("www.t.").unwrap()))),
            rec("www.t.", RData::CNAME(CNAME(Name::from_ascii("pc4.t.").unwrap()))),
            rec("pc4.t.", RData::A(A("10.0.0.4".parse().unwrap()))),
        ];
        assert_eq!(classify(&response(&qa, ResponseCode::NoError, chain, true), &qa), Ok(addrs(&["10.0.0.4"])));
        assert_eq!(classify(&response(&qa, ResponseCode::NoError, vec![], true), &qa), Ok(Answer::NoData));
        assert_eq!(classify(&response(&qa, ResponseCode::NXDomain, vec![], true), &qa), Ok(Answer::NxDomain));
        assert_eq!(classify(&response(&qa, ResponseCode::ServFail, vec![], false), &qa), Err(Failure::ServFail));
        assert_eq!(classify(&response(&qa, ResponseCode::Refused, vec![], false), &qa), Err(Failure::Refused));
        // A chain out of the server's zones, not followed: unknown, never NODATA.
        let out = vec![rec("alias.t.", RData::CNAME(CNAME(Name::from_ascii("x.other.").unwrap())))];
        assert!(matches!(classify(&response(&qa, ResponseCode::NoError, out, true), &qa), Err(Failure::Other(_))));
        let qp = q("21.16.0.10.in-addr.arpa", RecordType::PTR);
        let ptr = vec![rec("21.16.0.10.in-addr.arpa.", RData::PTR(PTR(Name::from_ascii("PC1.Corp.Test.").unwrap())))];
        assert_eq!(classify(&response(&qp, ResponseCode::NoError, ptr, true), &qp), Ok(Answer::Records(vec![RecordData::Ptr("pc1.corp.test".into())])));
    }

    #[test]
    fn records_that_do_not_answer_the_question_are_malformed_never_nodata() {
        use hickory_proto::rr::rdata::{A, CNAME, SOA, TXT};
        let qa = q("pc1.t", RecordType::A);
        let other = vec![rec("other.example.", RData::A(A("10.9.9.9".parse().unwrap())))];
        assert_eq!(
            classify(&response(&qa, ResponseCode::NoError, other.clone(), true), &qa),
            Err(Failure::Malformed("no record answers pc1.t A (answer: other.example A)".into()))
        );
        let txt = vec![rec("pc1.t.", RData::TXT(TXT::new(vec!["x".into()])))];
        assert_eq!(classify(&response(&qa, ResponseCode::NoError, txt, true), &qa), Err(Failure::Malformed("no record answers pc1.t A (answer: pc1.t TXT)".into())));
        let mut chaos = rec("PC1.t.", RData::A(A("10.0.0.1".parse().unwrap())));
        chaos.dns_class = DNSClass::CH;
        assert_eq!(classify(&response(&qa, ResponseCode::NoError, vec![chaos], true), &qa), Err(Failure::Malformed("no record answers pc1.t A (answer: pc1.t CH A)".into())));
        let many: Vec<_> = (0..5).map(|i| rec(&format!("x{i}.t."), RData::A(A("10.9.9.9".parse().unwrap())))).collect();
        assert_eq!(
            classify(&response(&qa, ResponseCode::NoError, many, true), &qa),
            Err(Failure::Malformed("no record answers pc1.t A (answer: x0.t A, x1.t A, x2.t A, and 2 more)".into()))
        );
        let lp = vec![
            rec("pc1.t.", RData::CNAME(CNAME(Name::from_ascii("b.t.").unwrap()))),
            rec("B.t.", RData::CNAME(CNAME(Name::from_ascii("PC1.t.").unwrap()))),
        ];
        assert_eq!(classify(&response(&qa, ResponseCode::NoError, lp, true), &qa), Err(Failure::Malformed("CNAME loop at pc1.t".into())));
        assert_eq!(
            classify(&response(&qa, ResponseCode::NXDomain, other, true), &qa),
            Err(Failure::Malformed("NXDOMAIN with records that do not answer the question (answer: other.example A)".into()))
        );
        // The right records among junk: only those count.
        let mixed = vec![rec("other.example.", RData::A(A("10.9.9.9".parse().unwrap()))), rec("Pc1.T.", RData::A(A("10.0.0.1".parse().unwrap())))];
        assert_eq!(classify(&response(&qa, ResponseCode::NoError, mixed, true), &qa), Ok(addrs(&["10.0.0.1"])));
        // NOERROR, empty answer, SOA in authority: NODATA; an NXDOMAIN with the CNAME chain.
        let mut nodata = response(&qa, ResponseCode::NoError, vec![], true);
        let soa = SOA::new(Name::from_ascii("ns.t.").unwrap(), Name::from_ascii("h.t.").unwrap(), 1, 60, 60, 60, 60);
        nodata.add_authority(rec("t.", RData::SOA(soa)));
        assert_eq!(classify(&nodata, &qa), Ok(Answer::NoData));
        let to_gone = vec![rec("pc1.t.", RData::CNAME(CNAME(Name::from_ascii("gone.t.").unwrap())))];
        assert_eq!(classify(&response(&qa, ResponseCode::NXDomain, to_gone.clone(), true), &qa), Ok(Answer::NxDomain));
        // A chain ending at a name holding only another type, or with a stray record beside
        // it: malformed even from an authoritative server with an SOA.
        let mut end_txt = response(&qa, ResponseCode::NoError, vec![to_gone[0].clone(), rec("gone.t.", RData::TXT(TXT::new(vec!["x".into()])))], true);
        end_txt.add_authority(rec("t.", RData::SOA(SOA::new(Name::from_ascii("ns.t.").unwrap(), Name::from_ascii("h.t.").unwrap(), 1, 60, 60, 60, 60))));
        assert_eq!(classify(&end_txt, &qa), Err(Failure::Malformed("no record answers pc1.t A (answer: pc1.t CNAME, gone.t TXT)".into())));
        let stray = vec![to_gone[0].clone(), rec("other.example.", RData::A(A("10.9.9.9".parse().unwrap())))];
        assert_eq!(
            classify(&response(&qa, ResponseCode::NXDomain, stray.clone(), true), &qa),
            Err(Failure::Malformed("NXDOMAIN with records that do not answer the question (answer: pc1.t CNAME, other.example A)".into()))
        );
        assert_eq!(classify(&response(&qa, ResponseCode::NoError, stray, true), &qa), Err(Failure::Malformed("no record answers pc1.t A (answer: pc1.t CNAME, other.example A)".into())));
        // The chain alone, from an authoritative server with the SOA: the target has no A.
        let mut chain_only = response(&qa, ResponseCode::NoError, to_gone, true);
        chain_only.add_authority(rec("t.", RData::SOA(SOA::new(Name::from_ascii("ns.t.").unwrap(), Name::from_ascii("h.t.").unwrap(), 1, 60, 60, 60, 60))));
        assert_eq!(classify(&chain_only, &qa), Ok(Answer::NoData));
    }

    #[test]
    fn questions_must_match() {
        let qa = q("pc1.t", RecordType::A);
        let m = response(&qa, ResponseCode::NoError, vec![], true);
        assert!(matches_question(&m, &Name::from_ascii("PC1.T.").unwrap(), RecordType::A));
        assert!(!matches_question(&m, &Name::from_ascii("pc2.t.").unwrap(), RecordType::A));
        assert!(!matches_question(&m, &Name::from_ascii("pc1.t.").unwrap(), RecordType::AAAA));
        let (_, wire) = encode(&qa);
        let parsed = Message::from_vec(&wire).unwrap();
        assert_eq!(parsed.queries[0].name().to_ascii(), "pc1.t.");
        assert!(parsed.metadata.recursion_desired);
    }

    #[test]
    fn utf8_names_go_on_the_wire_as_their_octets() {
        let (name, wire) = encode(&q("café-pc.corp.test", RecordType::A));
        assert!(!name.is_root());
        let parsed = Message::from_vec(&wire).unwrap();
        let labels: Vec<&[u8]> = parsed.queries[0].name().iter().collect();
        assert_eq!(labels, vec!["café-pc".as_bytes(), b"corp", b"test"]);
    }

    /// A name from raw label bytes, as a server's answer carries it.
    fn raw(name: &str) -> Name {
        Name::from_labels(name.split('.').map(|l| Label::from_raw_bytes(l.as_bytes()).unwrap())).unwrap()
    }

    fn raw_rec(name: &str, data: RData) -> hickory_proto::rr::Record {
        hickory_proto::rr::Record::from_rdata(raw(name), 60, data)
    }

    fn utf8_response(q: &Question, answers: Vec<hickory_proto::rr::Record>) -> Message {
        let mut m = Message::new(7, MessageType::Response, OpCode::Query);
        m.metadata.authoritative = true;
        m.add_query(Query::query(raw(&q.name), q.rtype));
        m.add_answers(answers);
        m
    }

    #[test]
    fn utf8_names_compare_byte_exact_with_ascii_case_folding() {
        use hickory_proto::rr::rdata::{A, CNAME, PTR};
        let qa = q("café-pc.corp.test", RecordType::A);
        // Owner written with ASCII in another case: the same name (RFC 4343).
        let a = vec![raw_rec("Café-PC.corp.TEST", RData::A(A("10.0.0.70".parse().unwrap())))];
        assert_eq!(classify(&utf8_response(&qa, a), &qa), Ok(addrs(&["10.0.0.70"])));
        // Non-ASCII is never folded: `CAFÉ-PC` is another name.
        let upper = vec![raw_rec("CAFÉ-PC.corp.test", RData::A(A("10.0.0.70".parse().unwrap())))];
        assert_eq!(
            classify(&utf8_response(&qa, upper), &qa),
            Err(Failure::Malformed("no record answers café-pc.corp.test A (answer: cafÉ-pc.corp.test A)".into()))
        );
        // A CNAME chain through UTF-8 names.
        let qb = q("alias-ü.corp.test", RecordType::A);
        let chain = vec![
            raw_rec("alias-ü.corp.test", RData::CNAME(CNAME(raw("café-pc.corp.test")))),
            raw_rec("café-pc.corp.test", RData::A(A("10.0.0.70".parse().unwrap()))),
        ];
        assert_eq!(classify(&utf8_response(&qb, chain), &qb), Ok(addrs(&["10.0.0.70"])));
        // A PTR target is the UTF-8 name, ASCII lowercased.
        let qp = q("70.0.0.10.in-addr.arpa", RecordType::PTR);
        let ptr = vec![raw_rec("70.0.0.10.in-addr.arpa", RData::PTR(PTR(raw("Café-PC.Corp.test"))))];
        assert_eq!(classify(&utf8_response(&qp, ptr), &qp), Ok(Answer::Records(vec![RecordData::Ptr("café-pc.corp.test".into())])));
        // The question of a reply matches byte-exact too.
        let m = utf8_response(&qa, vec![]);
        assert!(matches_question(&m, &raw("CAFé-pc.corp.test"), RecordType::A));
        assert!(!matches_question(&m, &raw("cafÉ-pc.corp.test"), RecordType::A));
    }

    #[test]
    fn labels_that_are_not_host_names_keep_decimal_escapes() {
        let bad = Name::from_labels(vec![Label::from_raw_bytes(b"caf\xc3").unwrap(), Label::from_raw_bytes(b"a.b c").unwrap(), Label::from_raw_bytes(b"t").unwrap()]).unwrap();
        assert_eq!(name_text(&bad), "caf\\195.a\\046b\\032c.t");
        // A truncated UTF-8 sequence never equals the name it was cut from.
        assert!(!same_name(&bad, "caf\u{c3}"));
        assert_eq!(name_text(&raw("Ünïcode-PC.t")), "Ünïcode-pc.t");
    }

    #[test]
    fn token_bucket_paces() {
        let mut b = TokenBucket::new(10, 32);
        let t0 = Instant::now();
        assert!(b.take(t0));
        assert!(!b.take(t0));
        assert!(b.take(t0 + Duration::from_millis(101)));
        assert!(b.next_token(t0) > t0);
    }
}
