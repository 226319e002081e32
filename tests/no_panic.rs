//! Nothing panics on any input: every reader is fed every fixture (and the example site's
//! exports) cut at many points and with bytes changed, under every format, and must return
//! records and problems, never panic. Deterministic (a fixed pseudo-random sequence).
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns unwrap too

use std::path::Path;
use std::sync::Arc;

use ddns_audit::dns::DnsData;
use ddns_audit::input::{self, Problems};
use ddns_audit::{directory, dns, leases};

/// Runs every reader on one text.
fn read_all_ways(text: &str) {
    let source: Arc<str> = Arc::from("fuzz");
    for name in leases::Format::NAMES {
        let format = leases::Format::from_name(name).expect("known format");
        let (mut out, mut problems) = (Vec::new(), Problems::default());
        // A Windows CSV whose date order cannot be told is an error, not a panic.
        let _ = leases::parse(format, text, &source, &ddns_audit::timefmt::InputTimes::default(), &mut out, &mut problems);
    }
    let (mut out, mut problems) = (Vec::new(), Problems::default());
    directory::ldif::parse(text, &source, &mut out, &mut problems);
    let times = ddns_audit::timefmt::InputTimes::default();
    let _ = directory::csv::parse(text, &source, &times, &mut out, &mut problems);
    let mut data = DnsData::default();
    let _ = dns::csv::parse(text, &source, &times, &mut data, &mut problems);
    let _ = dns::zone_file::parse(text, &source, Some("fuzz.test"), &mut data, &mut problems);
}

/// xorshift: enough to pick positions and bytes reproducibly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn inputs() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["tests/fixtures/leases", "tests/fixtures/computers", "tests/fixtures/dns", "examples/offline/leases", "examples/offline/dns", "examples/offline"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("fixture dir") {
            let path = entry.expect("entry").path();
            if path.is_file() && path.extension().is_none_or(|e| e != "toml") {
                files.push(std::fs::read(&path).expect("fixture"));
            }
        }
    }
    files
}

#[test]
fn truncated_inputs_never_panic() {
    for bytes in inputs() {
        // Cut at ~60 points spread over the file, including inside multi-byte characters.
        let step = (bytes.len() / 60).max(1);
        for cut in (0..=bytes.len()).step_by(step) {
            read_all_ways(&input::decode(bytes[..cut].to_vec()));
        }
    }
}

#[test]
fn mutated_inputs_never_panic() {
    let specials = [b'\0', b'\n', b'\r', b'"', b',', b'{', b'}', b';', b'(', b')', b'[', b']', b'<', b'>', b'&', b':', b'.', b' ', 0xFF, 0xC3, b'9'];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for bytes in inputs() {
        if bytes.is_empty() {
            continue;
        }
        for _ in 0..40 {
            let mut b = bytes.clone();
            for _ in 0..1 + rng.next() % 8 {
                let at = (rng.next() % b.len() as u64) as usize;
                b[at] = specials[(rng.next() % specials.len() as u64) as usize];
            }
            read_all_ways(&input::decode(b));
        }
    }
}

/// Feeds one input to the reader a fuzz target (`fuzz/fuzz_targets/<target>.rs`) calls, with
/// the same first-byte dispatch, so that every crash the fuzzer found stays fixed.
fn replay(target: &str, data: &[u8]) {
    use ddns_audit::directory::dnsp;
    let source: Arc<str> = Arc::from("fuzz");
    let (mut problems, mut leases, mut computers, mut dns_data) = (Problems::default(), Vec::new(), Vec::new(), DnsData::default());
    if target == "config" {
        if let Ok(args) = std::str::from_utf8(data).map_err(|e| e.to_string()).and_then(ddns_audit::settings::parse_config) {
            let _ = args.into_settings(chrono::DateTime::from_timestamp(1_795_000_000, 0).expect("time"));
        }
        return;
    }
    let Some((&selector, bytes)) = data.split_first() else { return };
    let text = input::decode(bytes.to_vec());
    match target {
        "leases" => {
            let format = match leases::Format::NAMES.get(usize::from(selector) % 6) {
                Some(name) => leases::Format::from_name(name),
                None => leases::detect(&text),
            };
            if let Some(format) = format {
                let _ = leases::parse(format, &text, &source, &ddns_audit::timefmt::InputTimes::default(), &mut leases, &mut problems);
            }
            let _ = leases::dedupe_across_sources(leases, &mut problems);
        }
        "computers" => {
            match (selector % 3, directory::detect(&text)) {
                (0, _) | (2, Some(directory::Format::Ldif)) => directory::ldif::parse(&text, &source, &mut computers, &mut problems),
                (1, _) | (2, Some(directory::Format::Csv)) => { let _ = directory::csv::parse(&text, &source, &ddns_audit::timefmt::InputTimes::default(), &mut computers, &mut problems); }
                _ => {}
            }
            let _ = directory::Directory::new(computers);
        }
        "dns_records" => match (selector % 4, dns::detect(&text)) {
            (2, _) | (3, dns::Format::Csv) => { let _ = dns::csv::parse(&text, &source, &ddns_audit::timefmt::InputTimes::default(), &mut dns_data, &mut problems); }
            (1, _) => drop(dns::zone_file::parse(&text, &source, None, &mut dns_data, &mut problems)),
            _ => drop(dns::zone_file::parse(&text, &source, Some("corp.example.test"), &mut dns_data, &mut problems)),
        },
        "dnsp" => match selector % 4 {
            0 => drop(dnsp::decode_record(bytes)),
            1 => drop(dnsp::decode_property(bytes).map(|p| p.scalar())),
            2 => drop(dnsp::zone_aging(split_ff_fe(bytes))),
            _ => drop(dnsp::decode_count_name(bytes)),
        },
        "kea_api" => {
            if let Ok(body) = std::str::from_utf8(bytes) {
                let _ = leases::kea_api::parse_page(body, selector % 2 == 1, &mut leases, &mut problems);
            }
        }
        other => panic!("tests/fixtures/fuzz/{other}: no such fuzz target"),
    }
}

/// The `dnsp` target's split of a zone's property values: at every `0xFF 0xFE` pair.
fn split_ff_fe(bytes: &[u8]) -> Vec<&[u8]> {
    let (mut values, mut start, mut i) = (Vec::new(), 0, 0);
    while i + 1 < bytes.len() {
        if bytes[i] == 0xFF && bytes[i + 1] == 0xFE {
            values.push(&bytes[start..i]);
            start = i + 2;
            i += 2;
        } else {
            i += 1;
        }
    }
    values.push(&bytes[start..]);
    values
}

/// The fuzz targets (`fuzz/`), on every input the fuzzer crashed or hung a reader with
/// (`tests/fixtures/fuzz/<target>/`, replayed in under 2 s each; none in the runs so far), and
/// on every fixture under every selector byte.
#[test]
fn fuzz_findings_never_panic() {
    const TARGETS: [&str; 6] = ["leases", "computers", "dns_records", "dnsp", "kea_api", "config"];
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    for target in TARGETS {
        let Ok(files) = std::fs::read_dir(root.join(target)) else { continue };
        for file in files {
            let path = file.expect("entry").path();
            let started = std::time::Instant::now();
            replay(target, &std::fs::read(&path).expect("finding"));
            assert!(started.elapsed() < std::time::Duration::from_secs(2), "{}: took {:?}", path.display(), started.elapsed());
        }
    }
    for bytes in inputs() {
        for target in TARGETS {
            for selector in 0..6 {
                replay(target, &[&[selector], bytes.as_slice()].concat());
            }
        }
    }
}

/// The fuzz targets' entry points read what the live paths read.
#[test]
fn kea_reply_page_maps_leases_and_errors() {
    let (mut out, mut problems) = (Vec::new(), Problems::default());
    let body = r#"[{"result":0,"arguments":{"count":2,"leases":[
        {"ip-address":"10.0.16.21","hw-address":"00:15:5D:01:02:03","hostname":"pc-21.corp.example.test","valid-lft":86400,"cltt":1795000000,"subnet-id":1,"state":0,"fqdn-fwd":true,"fqdn-rev":true},
        {"ip-address":"10.0.16.300","valid-lft":1,"cltt":1}]}}]"#;
    assert_eq!(leases::kea_api::parse_page(body, false, &mut out, &mut problems).expect("page"), 2);
    assert_eq!(out.len(), 1);
    let l = &out[0];
    assert_eq!(l.ip.to_string(), "10.0.16.21");
    assert_eq!(l.hostname.as_deref(), Some("pc-21.corp.example.test"));
    assert_eq!(l.mac.as_deref(), Some("00:15:5d:01:02:03"));
    assert_eq!(l.expires.map(|t| t.to_rfc3339()).as_deref(), Some("2026-11-19T11:06:40+00:00"));
    assert_eq!(l.dns_registration(), Some("forward;reverse"));
    assert_eq!(&**l.source(), "http://fuzz/");
    assert_eq!(problems.len(), 1);
    let err = leases::kea_api::parse_page(r#"{"result":1,"text":"boom"}"#, true, &mut out, &mut problems).expect_err("error result");
    assert_eq!(err.to_string(), "http://fuzz/: lease6-get-page failed (Kea result 1): boom");
    let err = leases::kea_api::parse_page("[]", false, &mut out, &mut problems).expect_err("empty array");
    assert_eq!(err.to_string(), "http://fuzz/: the Kea control endpoint answered garbage: an empty reply array");
}

#[test]
fn config_entry_point_reads_the_example_config() {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/offline/audit.toml")).expect("example config");
    let args = ddns_audit::settings::parse_config(&text).expect("example config parses");
    assert!(!args.leases.is_empty());
    let err = ddns_audit::settings::parse_config("no_such_option = 1").expect_err("unknown key");
    assert_eq!(err, "line 1, column 1: not an option (the keys are the long option names, `ddns-audit audit --help`)");
}
