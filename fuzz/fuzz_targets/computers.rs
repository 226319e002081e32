//! AD computer exports. First byte: `byte % 3` = 0 LDIF, 1 CSV, 2 detection as `--computers`
//! does; the rest is the file's bytes. Then the index the audit joins on.
use std::sync::Arc;

use ddns_audit::directory::{self, Directory, Format};
use ddns_audit::input::{self, Problems};

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let Some((&selector, bytes)) = data.split_first() else { return };
        let text = input::decode(bytes.to_vec());
        let source: Arc<str> = Arc::from("fuzz");
        let format = match selector % 3 {
            0 => Some(Format::Ldif),
            1 => Some(Format::Csv),
            _ => directory::detect(&text),
        };
        let (mut out, mut problems) = (Vec::new(), Problems::default());
        match format {
            Some(Format::Ldif) => directory::ldif::parse(&text, &source, &mut out, &mut problems),
            Some(Format::Csv) => { let _ = directory::csv::parse(&text, &source, &ddns_audit::timefmt::InputTimes::default(), &mut out, &mut problems); }
            None => {}
        }
        let dir = Directory::new(out);
        if let Some(c) = dir.computers.first() {
            let _ = dir.find(&c.name);
        }
    });
}
