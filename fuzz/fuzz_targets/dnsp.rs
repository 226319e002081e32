//! MS-DNSP binary attributes as read from AD. First byte: `byte % 4` = 0 one `dnsRecord`
//! value, 1 one `dNSProperty` value, 2 a zone's `dNSProperty` values (the rest split at each
//! `0xFF 0xFE` pair), 3 a DNS_COUNT_NAME; the rest is the value's bytes.
use ddns_audit::directory::dnsp;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let Some((&selector, bytes)) = data.split_first() else { return };
        match selector % 4 {
            0 => {
                let _ = dnsp::decode_record(bytes);
            }
            1 => {
                if let Ok(p) = dnsp::decode_property(bytes) {
                    let _ = p.scalar();
                }
            }
            2 => {
                let values = split(bytes);
                let _ = dnsp::zone_aging(values.iter().copied());
            }
            _ => {
                let _ = dnsp::decode_count_name(bytes);
            }
        }
    });
}

/// Splits at every `0xFF 0xFE` pair (rare in the values themselves).
fn split(bytes: &[u8]) -> Vec<&[u8]> {
    let mut values = Vec::new();
    let mut start = 0;
    let mut i = 0;
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
