//! The real resolver: a bulk stub resolver on tokio, hickory-proto reading the replies. Not
//! hickory-resolver's `Resolver`, which binds a socket per query and has no cap on UDP queries
//! in flight: the engine keeps one long-lived UDP socket per server, random query IDs, matches
//! replies on (server, ID, question), times out from a deadline queue, retries `--retries`
//! times per server then moves to the next server, falls back to TCP on a truncated answer,
//! caps queries in flight (`--concurrency`) and paces with a token bucket (`--qps`). What goes
//! on the wire and how a reply is read is [`super::wire`]'s.

use std::collections::VecDeque;
use std::hash::{BuildHasher, RandomState};
use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

use hickory_proto::op::Message;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};
use tokio::sync::mpsc;

use super::wire::{classify, encode, matches_question};
use super::{LiveError, Mode, Pacing, Question, Resolve, Sink, Stats};
use crate::dns::answers::{Answer, Failure};
use crate::progress::Progress;

/// The most queries the engine keeps in flight: far below the 65,536 query IDs per server,
/// so that a random free ID is found at once.
pub(crate) const MAX_IN_FLIGHT: usize = 16_384;

/// The real resolver (see the module doc).
#[derive(Debug, Clone)]
pub(crate) struct Engine {
    pub(crate) pacing: Pacing,
    /// Show an indicatif progress bar (only when stderr is a terminal).
    pub(crate) progress: bool,
}

impl Engine {
    pub(crate) fn new(pacing: &Pacing) -> Engine {
        Engine { pacing: pacing.clone(), progress: Progress::wanted() }
    }
}

impl Resolve for Engine {
    fn resolve(&self, questions: &[Question], servers: &[SocketAddr], mode: Mode, sink: &dyn Sink) -> Result<Stats, LiveError> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(LiveError::Runtime)?;
        rt.block_on(async {
            let mut run = Run::new(questions, servers, mode, &self.pacing, self.progress, sink)?;
            run.go().await;
            Ok(run.finish())
        })
    }
}

const NO_SLOT: u32 = u32::MAX;
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
    /// Where each job's outcome goes as it completes.
    sink: &'q dyn Sink,
    /// Which jobs have their outcome.
    completed: Vec<bool>,
    done: usize,
    stats: Stats,
    bucket: TokenBucket,
    random: IdSource,
    tcp_tx: mpsc::UnboundedSender<(u32, u32, Result<Vec<u8>, String>)>,
    tcp_rx: mpsc::UnboundedReceiver<(u32, u32, Result<Vec<u8>, String>)>,
    progress: Progress,
    started: Instant,
}

impl<'q> Run<'q> {
    fn new(questions: &'q [Question], servers: &'q [SocketAddr], mode: Mode, pacing: &Pacing, progress: bool, sink: &'q dyn Sink) -> Result<Run<'q>, LiveError> {
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
        let progress = Progress::bar(progress, jobs as u64, "DNS {bar:30} {pos}/{len} queries, {msg} [{elapsed}, ETA {eta}]");
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
            sink,
            completed: vec![false; jobs],
            done: 0,
            stats,
            random: IdSource::new(),
            tcp_tx,
            tcp_rx,
            progress,
            started: Instant::now(),
        })
    }

    fn finish(mut self) -> Stats {
        self.stats.elapsed = self.started.elapsed();
        self.progress.finish();
        // Jobs never reached (a cancelled run) are not asked: no reader waits for them.
        for (job, done) in self.completed.iter().enumerate() {
            if !done {
                self.sink.answer(job, Answer::Failed(Failure::NotAsked));
            }
        }
        self.stats
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
                self.completed[j] = true;
                self.sink.answer(j, Answer::Failed(Failure::Other("no DNS server".into())));
            }
            return;
        }
        let mut buf = vec![0u8; RECV_BUF];
        let mut last_progress = Instant::now();
        while self.done < self.jobs {
            if self.sink.cancelled() {
                break;
            }
            self.send_what_we_may().await;
            // Drain every answer already queued on the sockets, without waiting.
            self.drain(&mut buf);
            while let Ok((slot, generation, result)) = self.tcp_rx.try_recv() {
                self.on_tcp(slot, generation, result);
            }
            let now = Instant::now();
            self.expire(now);
            if self.progress.is_shown() && now.duration_since(last_progress) >= Duration::from_millis(100) {
                last_progress = now;
                self.progress.set_position(self.done as u64);
                let secs = self.started.elapsed().as_secs_f64().max(1e-3);
                self.progress.set_message(format!("{:.0} answers/s, {} timeouts, {} errors", self.stats.responses as f64 / secs, self.stats.timeouts, self.stats.failed()));
            }
            if self.done >= self.jobs || self.sink.cancelled() {
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
            // Wait for an answer, a TCP result, the next deadline or the next token; at most
            // 100 ms, so that a cancelled run (a source failed, the report cannot be written)
            // stops within it, not at the next timeout.
            let tick = now + Duration::from_millis(100);
            let mut wake = self.deadlines.front().map_or(tick, |d| d.0.min(tick));
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
        let wire = encode(q);
        self.in_use += 1;
        let slot = Slot {
            job,
            server_pos: 0,
            attempt: 0,
            generation: 0,
            ids: Vec::new(),
            wire,
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
        let Some(id_field) = s.wire.get_mut(..2) else { return Err(std::io::Error::other("empty query")) };
        id_field.copy_from_slice(&id.to_be_bytes());
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
        if !matches_question(&msg, q) {
            self.stats.dropped += 1;
            return;
        }
        self.responded();
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
        let (q, _) = self.job(job);
        let msg = match result {
            Ok(data) => match Message::from_vec(&data) {
                Ok(m) if matches_question(&m, q) && m.metadata.id == u16::from_be_bytes([data[0], data[1]]) => Some(m),
                _ => None,
            },
            Err(_) => None,
        };
        match msg {
            Some(m) => {
                self.responded();
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
            if s.generation != generation || s.over_tcp || self.completed.get(s.job as usize).copied().unwrap_or(true) {
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
            self.retry(slot);
        } else {
            self.next_server(slot, failure);
        }
    }

    /// Counts a retry and puts the job back in the send queue (once).
    fn retry(&mut self, slot: u32) {
        self.stats.retries += 1;
        let s = &mut self.slots[slot as usize];
        if !s.queued {
            s.queued = true;
            self.ready.push_back(slot);
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
            self.retry(slot);
        } else {
            let f = s.last_failure.take().unwrap_or(Failure::Timeout);
            self.complete(slot, Answer::Failed(f));
        }
    }

    /// Counts a valid response; the first tells the sink that the run can no longer fail.
    fn responded(&mut self) {
        self.stats.responses += 1;
        if self.stats.responses == 1 {
            self.sink.responded();
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
        if let Some(done) = self.completed.get_mut(job) {
            *done = true;
        }
        self.sink.answer(job, answer);
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

#[cfg(test)]
mod tests {
    use super::*;

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
