//! Kea control API replies (`--kea-url`). First byte: even `lease4-get-page`, odd
//! `lease6-get-page`; the rest is the HTTP body, mapped as one page is.
use ddns_audit::input::Problems;
use ddns_audit::leases::kea_api;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let Some((&selector, bytes)) = data.split_first() else { return };
        // ureq reads the body as UTF-8 text; so does serde_json.
        let Ok(body) = std::str::from_utf8(bytes) else { return };
        let (mut out, mut problems) = (Vec::new(), Problems::default());
        let _ = kea_api::parse_page(body, selector % 2 == 1, &mut out, &mut problems);
    });
}
