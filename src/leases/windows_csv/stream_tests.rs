#![cfg(test)]
//! The Windows lease CSV read as a stream: the same leases and problem lines in any block
//! size and encoding, and a read error part-way is the file's error.

use std::path::Path;

use super::*;
use crate::input::stream::tests::FailAfter;
use crate::input::stream::{Decoder, Encoding};

/// `#TYPE`, CRLF, a quoted line break, a blank line, and a non-ASCII host name late in the file.
const TEXT: &str = "#TYPE Microsoft.Management.Infrastructure.CimInstance\r\n\
                    \"IPAddress\",\"HostName\",\"AddressState\",\"Description\"\r\n\
                    \"10.0.0.1\",\"pc1\",\"Active\",\"two\r\nlines\"\r\n\
                    \r\n\
                    \"10.0.0.x\",\"pc2\",\"Active\",\"\"\r\n\
                    \"10.0.0.3\",\"café\",\"Active\",\"\"\r\n\
                    \"10.0.0.4\",\"pc4\",\"Bogus\"\r\n";

type Seen = (Vec<(String, Option<String>, usize)>, Vec<(usize, SkipReason, String)>);

fn read_bytes(bytes: &[u8], block: usize) -> Seen {
    let encoding = Encoding::sniff(bytes, block).unwrap();
    let (mut out, mut problems) = (Vec::new(), Problems::default());
    read(Decoder::new(bytes, encoding, block), &Arc::from("leases.csv"), &InputTimes::default(), &mut out, &mut problems).unwrap();
    let leases = out.iter().map(|l| (l.ip.to_string(), l.hostname.as_deref().map(str::to_string), l.line)).collect();
    (leases, problems.list.into_iter().map(|p| (p.line, p.reason, p.detail)).collect())
}

#[test]
fn any_block_size_and_encoding_reads_the_same_rows_and_lines() {
    let want: Seen = (
        vec![("10.0.0.1".into(), Some("pc1".into()), 3), ("10.0.0.3".into(), Some("café".into()), 7)],
        vec![
            (6, SkipReason::BadAddress, "IPAddress \"10.0.0.x\" is not an IPv4 or IPv6 address".into()),
            (8, SkipReason::Truncated, "row has 3 of the header's 4 fields".into()),
        ],
    );
    let utf8_bom = [b"\xEF\xBB\xBF".as_slice(), TEXT.as_bytes()].concat();
    let latin1: Vec<u8> = TEXT.chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect();
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(TEXT.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    for bytes in [TEXT.as_bytes(), &utf8_bom, &latin1, &utf16] {
        for block in (1..=7).chain([64 * 1024]) {
            assert_eq!(read_bytes(bytes, block), want, "blocks of {block}: {bytes:?}");
        }
    }
}

#[test]
fn a_read_error_part_way_is_the_files_error() {
    let text = TEXT.to_string() + &"\"10.0.1.1\",\"pc\",\"Active\",\"\"\r\n".repeat(100);
    let (mut out, mut problems) = (Vec::new(), Problems::default());
    let e = read(FailAfter(text.as_bytes(), 1000), &Arc::from("leases.csv"), &InputTimes::default(), &mut out, &mut problems).unwrap_err();
    assert_eq!(e.at(Path::new("leases.csv")).to_string(), "cannot read leases.csv: disk gone");
    // No lease of a file that failed, and its I/O error is no malformed record.
    assert!(out.is_empty());
    assert!(problems.list.iter().all(|p| p.reason != SkipReason::Malformed), "{problems:?}");
}
