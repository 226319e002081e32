//! DNS exports. First byte: `byte % 4` = 0 zone file (zone name from the file name
//! `corp.example.test`), 1 zone file without a file-name zone, 2 records CSV, 3 detection as
//! `--dns-records` does; the rest is the file's bytes.
use std::sync::Arc;

use ddns_audit::dns::{self, DnsData, Format};
use ddns_audit::input::{self, Problems};

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let Some((&selector, bytes)) = data.split_first() else { return };
        let text = input::decode(bytes.to_vec());
        let source: Arc<str> = Arc::from("fuzz");
        let (mut data, mut problems) = (DnsData::default(), Problems::default());
        let (format, stem) = match selector % 4 {
            0 => (Format::ZoneFile, Some("corp.example.test")),
            1 => (Format::ZoneFile, None),
            2 => (Format::Csv, None),
            _ => (dns::detect(&text), Some("corp.example.test")),
        };
        match format {
            Format::Csv => { let _ = dns::csv::parse(&text, &source, &ddns_audit::timefmt::InputTimes::default(), &mut data, &mut problems); }
            Format::ZoneFile => {
                let _ = dns::zone_file::parse(&text, &source, stem, &mut data, &mut problems);
            }
        }
    });
}
