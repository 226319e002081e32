//! The enumeration over a small pool of connections: the computers, each DNS container's zone
//! listing, each zone's records, then each owner SID and the authorized DHCP servers are jobs
//! that the connections take in turn, side by side (a DC serves several searches at once).
//! Every job's result is kept under a [`Key`] that sorts as the one-connection reader met
//! them, and merged in that order: the data, the problems and so the report are the same
//! whatever the number of connections. The first error ends the enumeration: the other
//! connections' searches are dropped with it (and their connections with the runtime).
//!
//! Connections beyond the first are opened when a job is waiting for them, each bound and
//! secured as the first ([`AdClient::connect`]).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, VecDeque};

use futures_util::future::try_join_all;
use crate::progress;
use tokio::sync::Notify;

use super::owners::{Domain, SidError, SidInfo};
use super::zones::{ListedZone, ZoneRead};
use super::{AdClient, LdapError};
use crate::directory::Computer;
use crate::directory::security::{AuthorizedDhcp, Sid};
use crate::input::Problems;

/// Connections to the DC by default. Three read the computers and the two DNS partitions side
/// by side (the bulk of the objects), while a DC serving its clients keeps most of its LDAP
/// threads (AD: 4 per core by default, MaxPoolThreads) free: polite to a production DC.
pub(crate) const DEFAULT_CONNECTIONS: usize = 3;
/// The most `--ldap-connections` accepted: more gains nothing on a DC and looks like abuse.
pub(crate) const MAX_CONNECTIONS: usize = 16;

/// Where a job's result goes in the merge; sorts as the one-connection reader met them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Key {
    Computers,
    /// The n-th DNS container's zone listing.
    Listing(usize),
    /// The zone listed m-th in the n-th container.
    Zone(usize, usize),
    /// The n-th owner SID.
    Sid(usize),
    Dhcp,
}

/// One search (or a few) done on one connection.
#[derive(Debug, Clone)]
pub(super) enum Job {
    Computers,
    Listing(usize, String),
    Zone(ListedZone),
    Sid(Sid),
    /// The authorized DHCP servers under this configuration NC.
    Dhcp(String),
}

/// What a job gave.
#[derive(Debug)]
pub(super) enum Output {
    Computers(Vec<Computer>, Problems),
    Listing(Problems),
    Zone(ListedZone, ZoneRead),
    Sid(Sid, Result<SidInfo, String>),
    Dhcp(Vec<AuthorizedDhcp>, Problems),
}

/// What the jobs share besides their queue: the forest's domains (for the SID jobs), the bars.
pub(super) struct Context<'a> {
    pub(super) domains: &'a HashMap<Sid, Domain>,
    pub(super) progress: &'a Progress,
}

/// Objects read, per partition (the computers, each DNS container), on a terminal only.
#[derive(Debug)]
pub(super) struct Progress {
    _group: progress::Group,
    computers: progress::Progress,
    containers: Vec<progress::Progress>,
    other: progress::Progress,
}

impl Progress {
    pub(super) fn new(base_dn: &str, containers: &[String]) -> Progress {
        let group = progress::Group::new(progress::Progress::wanted());
        const LINE: &str = "LDAP {spinner} {pos:>9} objects read: {prefix} [{elapsed}]";
        let computers = group.counter(LINE, format!("computers under {base_dn}"));
        let containers = containers.iter().map(|c| group.counter(LINE, format!("DNS {}", c.strip_prefix("CN=MicrosoftDNS,").unwrap_or(c)))).collect();
        Progress { _group: group, computers, containers, other: progress::Progress::hidden() }
    }

    /// No output at all (tests).
    #[cfg(test)]
    pub(super) fn hidden() -> Progress {
        Progress { _group: progress::Group::new(false), computers: progress::Progress::hidden(), containers: Vec::new(), other: progress::Progress::hidden() }
    }

    fn container(&self, i: usize) -> &progress::Progress {
        self.containers.get(i).unwrap_or(&self.other)
    }

    pub(super) fn finish(&self) {
        self.computers.finish();
        self.containers.iter().for_each(progress::Progress::finish);
    }
}

/// Runs one job on one connection; returns its output and the jobs it found (a listing's zones).
async fn run_job(client: &mut AdClient, key: Key, job: Job, ctx: &Context<'_>) -> Result<(Output, Vec<(Key, Job)>), LdapError> {
    Ok(match job {
        Job::Computers => {
            let mut problems = Problems::default();
            let computers = client.read_computers(&ctx.progress.computers, &mut problems).await?;
            (Output::Computers(computers, problems), Vec::new())
        }
        Job::Listing(n, container) => {
            let mut problems = Problems::default();
            let zones = client.list_zones(&container, ctx.progress.container(n), &mut problems).await?;
            let jobs = zones.into_iter().enumerate().map(|(m, z)| (Key::Zone(n, m), Job::Zone(z))).collect();
            (Output::Listing(problems), jobs)
        }
        Job::Zone(zone) => {
            let bar = match key {
                Key::Zone(n, _) => ctx.progress.container(n),
                _ => &ctx.progress.other,
            };
            let part = client.read_zone(&zone, bar).await?;
            (Output::Zone(zone, part), Vec::new())
        }
        Job::Sid(sid) => match client.resolve_sid(&sid, ctx.domains).await {
            // A connection lost mid-answer: the worker runs the job again on a new connection.
            Err(SidError::Lost(e)) => return Err(e),
            Err(SidError::Unresolved(reason)) => (Output::Sid(sid, Err(reason)), Vec::new()),
            Ok(info) => (Output::Sid(sid, Ok(info)), Vec::new()),
        },
        Job::Dhcp(config) => {
            let mut problems = Problems::default();
            let servers = client.authorized_dhcp(&config, &mut problems).await;
            (Output::Dhcp(servers, problems), Vec::new())
        }
    })
}

/// The jobs waiting, how many are running, and the outputs by key.
#[derive(Default)]
struct Board {
    queue: VecDeque<(Key, Job)>,
    running: usize,
    done: BTreeMap<Key, Output>,
}

/// The job runner: one connection per slot (an empty slot is connected when it first takes
/// a job), all taking jobs from one queue until it is empty and nothing runs that could add
/// to it. On the first error the others' searches are dropped and the error returned.
pub(super) async fn run<C, F>(slots: &mut [Option<C>], jobs: Vec<(Key, Job)>, connect: &F, ctx: &Context<'_>) -> Result<BTreeMap<Key, Output>, LdapError>
where
    C: JobRunner,
    F: AsyncFn() -> Result<C, LdapError>,
{
    let board = RefCell::new(Board { queue: jobs.into(), ..Board::default() });
    let wake = Notify::new();
    let workers = slots.iter_mut().map(|slot| worker(slot, &board, &wake, connect, ctx));
    try_join_all(workers).await?;
    Ok(board.into_inner().done)
}

/// What runs jobs: a bound connection; a fake one in the tests.
pub(super) trait JobRunner {
    async fn run(&mut self, key: Key, job: Job, ctx: &Context<'_>) -> Result<(Output, Vec<(Key, Job)>), LdapError>;
}

impl JobRunner for AdClient {
    async fn run(&mut self, key: Key, job: Job, ctx: &Context<'_>) -> Result<(Output, Vec<(Key, Job)>), LdapError> {
        run_job(self, key, job, ctx).await
    }
}

async fn worker<C, F>(slot: &mut Option<C>, board: &RefCell<Board>, wake: &Notify, connect: &F, ctx: &Context<'_>) -> Result<(), LdapError>
where
    C: JobRunner,
    F: AsyncFn() -> Result<C, LdapError>,
{
    loop {
        // One task polls every worker, so nothing runs between this look and the wait below.
        let next = {
            let mut b = board.borrow_mut();
            match b.queue.pop_front() {
                Some(job) => {
                    b.running += 1;
                    Some(job)
                }
                None if b.running == 0 => return Ok(()),
                None => None,
            }
        };
        let Some((key, job)) = next else {
            wake.notified().await;
            continue;
        };
        let client = match slot {
            Some(c) => c,
            None => slot.insert(connect().await?),
        };
        let (output, found) = match client.run(key, job.clone(), ctx).await {
            Ok(done) => done,
            // The connection closed in the middle of an answer (seen now and then on
            // Kerberos-sealed connections under load): the job again, once, on a new
            // connection. A search only reads, so nothing is done twice.
            Err(e) if e.is_connection_lost() => {
                *slot = None;
                let client = slot.insert(connect().await?);
                client.run(key, job, ctx).await?
            }
            Err(e) => return Err(e),
        };
        let mut b = board.borrow_mut();
        b.running -= 1;
        b.done.insert(key, output);
        b.queue.extend(found);
        drop(b);
        // New jobs for idle workers, or the end for all of them.
        wake.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::sync::Arc;
    use std::time::Duration;

    /// A connection that answers each job after a delay given by the test, so that the jobs
    /// finish out of order; a listing finds two zones.
    struct Fake<'a> {
        id: usize,
        log: &'a RefCell<Vec<(usize, Key)>>,
        fail: Option<Key>,
        /// Its first attempt loses the connection.
        lose: Option<Key>,
    }

    fn delay(key: Key) -> Duration {
        // Later keys finish first.
        Duration::from_millis(match key {
            Key::Computers => 40,
            Key::Listing(n) => 30 - 5 * n as u64,
            Key::Zone(n, m) => 20 - 5 * n as u64 - m as u64,
            _ => 1,
        })
    }

    impl JobRunner for Fake<'_> {
        async fn run(&mut self, key: Key, job: Job, _ctx: &Context<'_>) -> Result<(Output, Vec<(Key, Job)>), LdapError> {
            self.log.borrow_mut().push((self.id, key));
            tokio::time::sleep(delay(key)).await;
            if self.fail == Some(key) {
                return Err(LdapError::Operation { doing: format!("job {key:?}"), addr: "dc1:636".into(), reason: "busy (51)".into() });
            }
            if self.lose == Some(key) && self.log.borrow().iter().filter(|(_, k)| *k == key).count() == 1 {
                return Err(LdapError::ConnectionLost { doing: format!("job {key:?}"), addr: "dc1:636".into() });
            }
            let src: Arc<str> = Arc::from("fake");
            let mut p = Problems::default();
            p.push(&src, 0, crate::input::SkipReason::Malformed, format!("{key:?}"));
            Ok(match job {
                Job::Listing(n, _) => {
                    let zones = (0..2).map(|m| (Key::Zone(n, m), Job::Zone(ListedZone { dn: format!("z{n}{m}"), name: format!("z{n}{m}"), props: Vec::new() }))).collect();
                    (Output::Listing(p), zones)
                }
                Job::Zone(z) => (Output::Zone(z, ZoneRead::default()), Vec::new()),
                _ => (Output::Computers(Vec::new(), p), Vec::new()),
            })
        }
    }

    fn jobs() -> Vec<(Key, Job)> {
        let mut j = vec![(Key::Computers, Job::Computers)];
        j.extend((0..3).map(|n| (Key::Listing(n), Job::Listing(n, format!("c{n}")))));
        j
    }

    /// The keys merged (or the error), which connection ran which job, connections opened.
    type Trial = (Result<Vec<Key>, String>, Vec<(usize, Key)>, usize);

    fn run_with(n: usize, fail: Option<Key>) -> Trial {
        run_losing(n, fail, None)
    }

    fn run_losing(n: usize, fail: Option<Key>, lose: Option<Key>) -> Trial {
        let log = RefCell::new(Vec::new());
        let opened = Cell::new(0);
        let domains = HashMap::new();
        let progress = Progress::hidden();
        let ctx = Context { domains: &domains, progress: &progress };
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let connect = async || {
            opened.set(opened.get() + 1);
            Ok(Fake { id: opened.get(), log: &log, fail, lose })
        };
        let mut slots: Vec<Option<Fake<'_>>> = (0..n).map(|_| None).collect();
        let r = rt.block_on(run(&mut slots, jobs(), &connect, &ctx));
        let r = r.map(|done| done.into_keys().collect()).map_err(|e| e.to_string());
        drop(slots);
        (r, log.into_inner(), opened.get())
    }

    /// The outputs come back in the one-connection order whatever the finishing order, and
    /// the jobs were spread over every connection.
    #[test]
    fn merged_in_the_sequential_order() {
        let expected = vec![
            Key::Computers,
            Key::Listing(0),
            Key::Listing(1),
            Key::Listing(2),
            Key::Zone(0, 0),
            Key::Zone(0, 1),
            Key::Zone(1, 0),
            Key::Zone(1, 1),
            Key::Zone(2, 0),
            Key::Zone(2, 1),
        ];
        for n in [1, 3, 16] {
            let (r, log, opened) = run_with(n, None);
            assert_eq!(r.unwrap(), expected, "{n} connections");
            // A connection is opened only for a job waiting: with 16 allowed, at least the four
            // first jobs' (computers, three listings) and never more than there were jobs (how
            // many zones wait at once depends on the timing), and every one opened is used.
            if n == 16 {
                assert!((4..=10).contains(&opened), "16 connections: {opened} opened");
            } else {
                assert_eq!(opened, n, "{n} connections");
            }
            let used: std::collections::BTreeSet<usize> = log.iter().map(|(id, _)| *id).collect();
            assert_eq!(used.len(), opened, "{n} connections: {log:?}");
        }
    }

    /// An error on one connection ends the run with its message; the others' jobs stop (no
    /// zone of a listing that had not finished is read).
    #[test]
    fn an_error_cancels_the_other_connections() {
        let start = std::time::Instant::now();
        let (r, log, _) = run_with(3, Some(Key::Listing(2)));
        assert_eq!(r.unwrap_err(), "job Listing(2) on dc1:636 failed: busy (51)");
        assert!(start.elapsed() < Duration::from_secs(5));
        assert!(!log.iter().any(|(_, k)| matches!(k, Key::Zone(2, _))), "{log:?}");
    }

    /// A connection that closes in the middle of an answer: the job runs again, once, on a
    /// new connection in the same slot, and the run completes as if nothing happened.
    #[test]
    fn a_lost_connection_is_replaced_and_the_job_tried_again() {
        let (r, log, opened) = run_losing(1, None, Some(Key::Listing(1)));
        assert_eq!(r.unwrap().len(), 10);
        assert_eq!(opened, 2);
        let tries: Vec<usize> = log.iter().filter(|(_, k)| *k == Key::Listing(1)).map(|(id, _)| *id).collect();
        assert_eq!(tries, [1, 2]);
    }
}
