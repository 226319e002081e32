//! The fix list on the page (docs/html-report.md "Reading the HTML report"): the report's groups
//! ([`FixGroup`], computed once for every output by `report::fixes`) rendered in their order,
//! each with its cause, its hosts by status (coloured, with the word), the one action as a
//! command to copy, and the hosts it names, the first [`HOSTS_SHOWN`] and "and N more".

use std::fmt::Write as _;

use super::escape::html;
use super::page::cell_class;
use crate::audit::Status;
use crate::report::fixes::FixGroup;

/// How many hosts a group names on the page; the rest are counted ("and N more"), and every
/// one is a row of the table and the CSV.
pub(super) const HOSTS_SHOWN: usize = 8;

/// The fix list's section; nothing when no finding needs a fix (no empty section).
pub(super) fn section(o: &mut String, groups: &[FixGroup]) {
    if groups.is_empty() {
        return;
    }
    let n = groups.len();
    let _ = write!(
        o,
        r#"<section id="fix-list"><h2>Fix list: {n} {}, most hosts at risk first</h2><ol class="fixes">"#,
        if n == 1 { "cause" } else { "causes" }
    );
    for g in groups {
        let _ = write!(o, r#"<li class="fix"><h3 class="fix-title">{}</h3><p class="fix-counts"><span class="fix-total">{}</span>"#, html(&g.title), host_count(g.total()));
        for (st, count) in [(Status::Missing, g.missing), (Status::Stale, g.stale), (Status::AtRisk, g.at_risk), (Status::Unknown, g.unknown)] {
            if count == 0 {
                continue;
            }
            let high = if st == Status::AtRisk && g.at_risk_high > 0 { format!(" ({} high)", g.at_risk_high) } else { String::new() };
            let _ = write!(o, r#" <span class="count {}" data-status="{st}">{st} {count}{high}</span>"#, cell_class(st.as_str()));
        }
        let _ = write!(o, r#"</p><p class="fix-action">Fix: <code class="action">{}</code></p><p class="fix-hosts">"#, html(&g.action));
        let shown: Vec<String> = g.hosts.iter().take(HOSTS_SHOWN).map(|h| format!("{} ({}, {})", if h.name.is_empty() { "(no name)" } else { &h.name }, h.ip, h.status)).collect();
        let _ = write!(o, "Hosts: {}", html(&shown.join(", ")));
        let more = g.total().saturating_sub(shown.len());
        if more > 0 {
            let _ = write!(o, r#" <span class="more">and {more} more</span>"#);
        }
        o.push_str("</p></li>");
    }
    o.push_str("</ol></section>\n");
}

fn host_count(n: usize) -> String {
    format!("{n} {}", if n == 1 { "host" } else { "hosts" })
}
