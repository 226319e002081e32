//! Lease exports. First byte: `byte % 6` picks the reader, 0..=4 the formats of
//! `leases::Format::NAMES` forced (as `--leases-format` does), 5 detection as `--leases` does;
//! the rest is the file's bytes. Then the cross-source de-duplication the run applies.
use std::sync::Arc;

use ddns_audit::input::{self, Problems};
use ddns_audit::leases::{self, Format};

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let Some((&selector, bytes)) = data.split_first() else { return };
        let text = input::decode(bytes.to_vec());
        let source: Arc<str> = Arc::from("fuzz");
        let format = match Format::NAMES.get(usize::from(selector) % (Format::NAMES.len() + 1)) {
            Some(name) => Format::from_name(name),
            None => leases::detect(&text),
        };
        let (mut out, mut problems) = (Vec::new(), Problems::default());
        if let Some(format) = format {
            let _ = leases::parse(format, &text, &source, &ddns_audit::timefmt::InputTimes::default(), &mut out, &mut problems);
        }
        let _ = leases::dedupe_across_sources(out, &mut problems);
    });
}
