//! The status colours every output shares: the HTML page's status cells and the spreadsheet's
//! fills are the same, so that a manager who has seen one reads the other. Pale fills under
//! near-black text (every pair well over WCAG's 4.5:1), and the word is always written in the
//! cell: colour is never the only cue.

use crate::audit::Status;

/// The fill of a cell of each audit `status` (RGB): ok green, missing red, stale orange,
/// at-risk amber, unknown grey.
pub(crate) const fn status_fill(s: Status) -> u32 {
    match s {
        Status::Ok => 0x00C6_EFCE,
        Status::Missing => 0x00FF_C7CE,
        Status::Stale => 0x00F8_CBAD,
        Status::AtRisk => 0x00FF_E699,
        Status::Unknown => 0x00D9_D9D9,
    }
}

/// The forecast colours its `verdict`: a live host's record deleted is what to act on (the
/// red of `missing`), a stale one's is what scavenging is for (the green of `ok`).
pub(crate) const fn verdict_fill(v: crate::forecast::Verdict) -> u32 {
    match v {
        crate::forecast::Verdict::Live => status_fill(Status::Missing),
        crate::forecast::Verdict::Stale => status_fill(Status::Ok),
    }
}

/// The text colour on every fill.
pub(crate) const INK: u32 = 0x0011_1111;

/// `#rrggbb`, for CSS.
pub(crate) fn css(rgb: u32) -> String {
    format!("#{rgb:06x}")
}
