//! Progress on a terminal, for the phases that can take more than a second (Kea paging, live
//! DNS; LDAP enumeration). A thin wrapper over indicatif that draws on stderr only when stderr
//! is a terminal, and is a no-op otherwise: a scheduled task's log, a pipe or a CI job gets
//! the summary and nothing else (docs/scheduled.md "Progress").
//!
//! Every phase shows one line and clears it when done; the summary then says what was read.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often a spinner redraws while waiting (a slow page still shows the clock moving).
const TICK: Duration = Duration::from_millis(100);

/// One phase's progress line; hidden (and free) when stderr is not a terminal.
#[derive(Debug)]
pub(crate) struct Progress(Option<ProgressBar>);

impl Progress {
    /// Whether progress is drawn at all: stderr is a terminal.
    pub(crate) fn wanted() -> bool {
        std::io::stderr().is_terminal()
    }

    /// Nothing drawn.
    pub(crate) fn hidden() -> Progress {
        Progress(None)
    }

    /// A spinner with a running count of unknown total: `template` is an indicatif template
    /// (`{human_pos}` the count, `{prefix}` and `{msg}` set by the caller, `msg` the first
    /// message). Hidden unless `show`.
    pub(crate) fn counter(show: bool, template: &str, prefix: impl Into<String>, msg: impl Into<String>) -> Progress {
        if !show {
            return Progress::hidden();
        }
        Progress::spinner(ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()), template, prefix, msg)
    }

    fn spinner(bar: ProgressBar, template: &str, prefix: impl Into<String>, msg: impl Into<String>) -> Progress {
        bar.set_style(ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner()));
        bar.set_prefix(prefix.into());
        bar.set_message(msg.into());
        bar.enable_steady_tick(TICK);
        Progress(Some(bar))
    }

    /// A bar towards a known total `len`: `template` as for [`Progress::counter`] (`{bar}`,
    /// `{pos}`, `{len}`, `{eta}`). Hidden unless `show`.
    pub(crate) fn bar(show: bool, len: u64, template: &str) -> Progress {
        if !show {
            return Progress::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
        bar.set_style(ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()));
        Progress(Some(bar))
    }

    /// Whether anything is drawn (callers skip building messages otherwise).
    pub(crate) fn is_shown(&self) -> bool {
        self.0.is_some()
    }

    pub(crate) fn inc(&self, n: u64) {
        if let Some(b) = &self.0 {
            b.inc(n);
        }
    }

    pub(crate) fn set_position(&self, pos: u64) {
        if let Some(b) = &self.0 {
            b.set_position(pos);
        }
    }

    pub(crate) fn set_message(&self, msg: impl Into<String>) {
        if let Some(b) = &self.0 {
            b.set_message(msg.into());
        }
    }

    /// Clears the line (the summary reports the totals).
    pub(crate) fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

/// Several lines drawn together, one per part read side by side (the LDAP partitions);
/// hidden unless shown, like [`Progress`].
#[derive(Debug)]
pub(crate) struct Group(Option<MultiProgress>);

impl Group {
    pub(crate) fn new(show: bool) -> Group {
        Group(show.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr())))
    }

    /// A line of the group counting with no known total, as [`Progress::counter`].
    pub(crate) fn counter(&self, template: &str, prefix: impl Into<String>) -> Progress {
        match &self.0 {
            Some(multi) => Progress::spinner(multi.add(ProgressBar::no_length()), template, prefix, ""),
            None => Progress::hidden(),
        }
    }
}

impl Drop for Progress {
    /// A phase that stops on an error clears its line too, so the error message starts clean.
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hidden_progress_counts_nothing_and_shows_nothing() {
        let p = Progress::counter(false, "{human_pos}", "x", "m");
        assert!(!p.is_shown());
        p.inc(5);
        p.set_message("m");
        p.finish();
        let p = Progress::bar(false, 10, "{pos}/{len}");
        assert!(!p.is_shown());
        p.set_position(3);
    }

    #[test]
    fn a_shown_counter_counts() {
        let p = Progress::counter(true, "{prefix}: {human_pos} leases read", "http://kea/", "dhcp4");
        p.inc(1000);
        p.inc(500);
        assert_eq!(p.0.as_ref().map(ProgressBar::position), Some(1500));
        assert_eq!(p.0.as_ref().map(ProgressBar::prefix).as_deref(), Some("http://kea/"));
    }
}
