//! Nothing panics on any input: every reader is fed every fixture (and the example site's
//! exports) cut at many points and with bytes changed, under every format, and must return
//! records and problems, never panic. Deterministic (a fixed pseudo-random sequence).

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
