use super::*;

/// Issue #13: the sources are read on threads of their own, and their problems listed in
/// the order of a one-after-another read (lease files in order, then the computers), the
/// leases in file order, whatever thread finishes first.
#[test]
fn gathered_in_the_reading_order() {
    let d = tempfile::tempdir().unwrap();
    let file = |name: &str, text: String| {
        let p = d.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    // A big first file, so that the second and the computers usually finish first.
    let mut big = String::new();
    for i in 0..20_000 {
        big.push_str(&format!("4102444800 02:00:00:00:{:02x}:{:02x} 10.1.{}.{} h{i} *\n", i / 256, i % 256, i / 250, i % 250 + 1));
    }
    big.push_str("4102444800 02:00:00:00:ff:ff not-an-address bad1 *\n");
    let leases = vec![
        file("a.leases", big),
        file("b.leases", "4102444800 02:00:00:01:00:01 10.2.0.1 b1 *\n4102444800 02:00:00:01:00:02 bogus bad2 *\n".into()),
    ];
    let computers = file("c.csv", "Name,DNSHostName,Enabled,LastLogonTimestamp,OperatingSystem\nPC1,pc1.corp.test,True,,\nPC2,pc2.corp.test,Maybe,,\n".into());
    let args = AuditArgs { leases, computers: Some(computers), domain: Some("corp.test".into()), no_dns: true, ..Default::default() };
    let settings = args.into_settings(Utc::now()).unwrap();
    for _ in 0..3 {
        let mut early = None;
        // The domain as the audit takes it: `--domain` (no AD here).
        let g = gather(&settings, &mut |l, ad_domain| early = Some((l.len(), settings.audit_with_ad(ad_domain, &[]).domain))).unwrap();
        let sources: Vec<String> = g.problems.list.iter().map(|p| p.source.rsplit(['/', '\\']).next().unwrap_or_default().to_string()).collect();
        assert_eq!(sources, ["a.leases", "b.leases", "c.csv"]);
        assert_eq!(g.leases.len(), 20_001);
        assert_eq!((g.leases[0].hostname.as_deref(), g.leases[20_000].hostname.as_deref()), (Some("h0"), Some("b1")));
        assert_eq!(early, Some((20_001, Some("corp.test".to_string()))));
    }
}

/// The codes scripts branch on (README, "Exit codes") never move.
#[test]
fn exit_codes() {
    let code = |tripped| Outcome { summary: String::new(), tripped }.status() as u8;
    assert_eq!((code(false), code(true), ExitStatus::Failed as u8), (0, 1, 2));
}

mod live {
    use std::path::Path;

    use clap::Parser;
    use hickory_proto::rr::RecordType;
    use rustc_hash::FxHashMap;

    use super::*;
    use crate::dns::RecordData;
    use crate::dns::answers::Answer;
    use crate::dns::live::{Fixture, Question};
    use crate::settings::{Cli, Command};

    /// The audit of `leases` (dnsmasq lines) against `fx` at 127.0.0.1:53, written to
    /// `out`: the outcome, or the error's text.
    fn run(dir: &Path, leases: &str, fx: &Fixture, out: &Path) -> Result<Outcome, String> {
        let path = dir.join("leases");
        std::fs::write(&path, leases).unwrap();
        let (path, out) = (path.display().to_string(), out.display().to_string());
        let argv = ["ddns-audit", "audit", "--leases", &path, "--domain", "corp.test", "--dns-server", "127.0.0.1", "--as-of", "2026-11-24T00:00:00Z", "--all", "--output", &out];
        let Command::Audit(args) = Cli::try_parse_from(argv).unwrap().command else { panic!("not an audit") };
        let settings = args.merge_config().unwrap().into_settings(Utc::now()).unwrap();
        run_with(&settings, &|_| Box::new(fx.clone())).map_err(|e| e.to_string())
    }

    fn q(name: &str, rtype: RecordType) -> Question {
        Question { name: dns::DnsName::parse(name).unwrap(), rtype }
    }

    /// pc1 twice (a second interface: its name's questions were asked by the first
    /// lease), pc2 with a stale PTR, pc3 unknown to DNS; 60 more hosts, so that the
    /// answers arriving in reverse cross the reader's batches.
    fn site() -> (String, Fixture) {
        let mut leases = String::new();
        let mut table = FxHashMap::default();
        let addr = |ips: &[&str]| Answer::Records(ips.iter().map(|i| RecordData::Addr(i.parse().unwrap())).collect());
        let ptr = |t: &str| Answer::Records(vec![RecordData::Ptr(t.into())]);
        for (ip, host) in [("10.0.16.21", "pc1"), ("10.0.16.22", "pc1"), ("10.0.16.23", "pc2"), ("10.0.16.24", "pc3")] {
            leases.push_str(&format!("4102444800 02:00:00:00:00:{} {ip} {host} *\n", &ip[8..]));
        }
        table.insert(q("pc1.corp.test", RecordType::A), addr(&["10.0.16.21", "10.0.16.22"]));
        table.insert(q("21.16.0.10.in-addr.arpa", RecordType::PTR), ptr("pc1.corp.test"));
        table.insert(q("22.16.0.10.in-addr.arpa", RecordType::PTR), ptr("pc1.corp.test"));
        table.insert(q("pc2.corp.test", RecordType::A), addr(&["10.0.16.23"]));
        table.insert(q("23.16.0.10.in-addr.arpa", RecordType::PTR), ptr("old.corp.test"));
        for i in 0..60 {
            let (ip, host) = (format!("10.0.17.{i}"), format!("h{i}"));
            leases.push_str(&format!("4102444800 02:00:00:00:01:{i:02x} {ip} {host} *\n"));
            table.insert(q(&format!("{host}.corp.test"), RecordType::A), addr(&[&ip]));
            table.insert(q(&dns::reverse_name(ip.parse().unwrap()), RecordType::PTR), ptr(&format!("{host}.corp.test")));
        }
        (leases, Fixture { servers: vec![table], ..Fixture::default() })
    }

    /// However the answers arrive, the report and the summary are those of the answers
    /// given in turn, and the rows are the ones a user sees for each case.
    #[test]
    fn the_report_is_the_same_whatever_order_the_answers_arrive_in() {
        let dir = tempfile::tempdir().unwrap();
        let (leases, fx) = site();
        let in_turn = dir.path().join("in-turn.csv");
        let first = run(dir.path(), &leases, &fx, &in_turn).unwrap();
        let reversed = dir.path().join("reversed.csv");
        let jobs = (4 + 60) * 3 - 2; // pc1's A and AAAA once
        let second = run(dir.path(), &leases, &Fixture { order: Some((0..jobs).rev().collect()), pace: Some(std::time::Duration::from_micros(50)), ..fx }, &reversed).unwrap();
        let report = std::fs::read_to_string(&in_turn).unwrap();
        assert_eq!(report, std::fs::read_to_string(&reversed).unwrap());
        assert_eq!(first.summary, second.summary.replace("reversed.csv", "in-turn.csv"));
        let mut csv = csv::Reader::from_reader(report.as_bytes());
        let header = csv.headers().unwrap().clone();
        let shown = ["status", "ip", "fqdn", "a_status", "a_records", "ptr_status", "ptr_records"].map(|c| header.iter().position(|h| h == c).unwrap());
        let rows: Vec<Vec<String>> = csv.records().take(4).map(|r| shown.iter().map(|&i| r.as_ref().unwrap()[i].to_string()).collect()).collect();
        assert_eq!(
            rows,
            [
                ["ok", "10.0.16.21", "pc1.corp.test", "ok", "10.0.16.21;10.0.16.22", "ok", "pc1.corp.test"],
                ["ok", "10.0.16.22", "pc1.corp.test", "ok", "10.0.16.21;10.0.16.22", "ok", "pc1.corp.test"],
                ["stale", "10.0.16.23", "pc2.corp.test", "ok", "10.0.16.23", "mismatch", "old.corp.test"],
                ["missing", "10.0.16.24", "pc3.corp.test", "missing", "", "missing", ""],
            ]
        );
    }

    /// A report that cannot be written stops the resolution (it would be asked for
    /// nothing), and its error is the run's.
    #[test]
    fn a_report_that_cannot_be_written_stops_the_resolution() {
        let dir = tempfile::tempdir().unwrap();
        let (leases, fx) = site();
        let blocker = dir.path().join("not-a-directory");
        std::fs::write(&blocker, "").unwrap();
        let fx = Fixture { pace: Some(std::time::Duration::from_millis(5)), ..fx };
        let err = run(dir.path(), &leases, &fx, &blocker.join("report.csv")).unwrap_err();
        assert!(err.starts_with(&format!("cannot create the report directory {}", blocker.display())), "{err}");
        let delivered = fx.delivered.load(std::sync::atomic::Ordering::Relaxed);
        assert!(delivered < 100, "{delivered} of 190 answers delivered after the report failed");
    }

    /// Answers that arrived before the run failed are never written: no report replaces
    /// the previous one, and no temporary file is left.
    #[test]
    fn a_run_failing_after_some_answers_writes_no_report() {
        let dir = tempfile::tempdir().unwrap();
        let (leases, fx) = site();
        let out = dir.path().join("report.csv");
        std::fs::write(&out, "the previous report\n").unwrap();
        let err = run(dir.path(), &leases, &Fixture { fail_after: Some(100), ..fx }, &out).unwrap_err();
        assert_eq!(err, "live DNS: no DNS server answered any of 190 queries (): check --dns-server, the port and the firewall");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "the previous report\n");
        let names: Vec<String> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    }
}
