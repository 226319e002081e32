//! Lease reader: ISC DHCP `dhcpd.leases` (v4 `lease` blocks; v6 `ia-na`/`ia-ta` blocks).
//!
//! The file is read with a small lexer (words, quoted strings with `\"`, `\\`, `\NNN` octal
//! and `\xHH` escapes, `;`, `{`, `}`, `#` comments), so statements may span lines and strings
//! may hold `;`, `{`, `}` and `#`. dhcpd appends a block each time a lease changes: the last
//! block for an address wins.
//!
//! Per block (v4 `lease`, or each `iaaddr` of a v6 `ia-na`/`ia-ta`):
//! - `line` is the line of the `lease` (v4) or `iaaddr` (v6) keyword.
//! - `binding state`: `active` → active, `free` → free, `expired` → expired, `released` →
//!   released, `abandoned` → abandoned, `backup` → backup, `reset` (a failover peer freed it)
//!   → expired, `reserved` (failover reserved lease) → reservation, `bootp` → active.
//!   No `binding state` (dhcpd 3.0 and older) → active, with `abandoned;` → abandoned.
//!   Any other state skips the block as malformed.
//! - Times are UTC: `W YYYY/MM/DD HH:MM:SS`, `epoch <seconds>` (`db-time-format local`),
//!   or `never`. `expires` comes from `ends` (`never` or absent → `None`); `duration` is
//!   `ends − starts` (v4) or `max-life` (v6, `4294967295` infinite → `None`).
//! - `hostname`: `client-hostname`, else `set ddns-fwd-name` (a FQDN, kept as written).
//! - `mac`: `hardware <type> <address>` (v4); v6 blocks carry none.
//! - `dns_registration`: `forward;reverse`, `forward` or `reverse` from the presence of
//!   `set ddns-fwd-name` / `set ddns-rev-name`; `None` when neither. `scope`: `None`.
//!
//! Not leases, counted as an unused type: `ia-pd` delegated prefixes (one per `iaprefix`),
//! `host` declarations, and any other unknown top-level block or statement.
//! Ignored as file metadata: `server-duid`, `authoring-byte-order`, `lease-id-format`,
//! `failover peer` state blocks.
//! A block cut off (end of file, or a new `lease`/`ia-*`/`host` block starting inside it)
//! is skipped as truncated, reported at its first line.

use std::net::IpAddr;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

mod lexer;
mod v6;

use self::lexer::{Lexer, Tok, string, word};
use super::{Lease, LeaseState};
use crate::input::{Problems, SkipReason};

pub(crate) fn parse(text: &str, source: &Arc<str>, out: &mut Vec<Lease>, problems: &mut Problems) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let start_len = out.len();
    let mut p = Parser { lx: Lexer::new(text), stmt: Vec::with_capacity(16), stmt_line: 1, end_line: 1, restart: None, source, out, problems, interner: super::Interner::default() };
    p.run();
    super::keep_last_per_address(out, start_len, problems);
}

// ---------------------------------------------------------------------------------------------
// Parser

/// What ended a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Semi,
    Open,
    Close,
    Eof,
}

/// How a block's body ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    Closed,
    /// End of file inside the block.
    Eof,
    /// A new top-level block began inside this one; its header is in `stmt`.
    Interrupted,
}

struct Parser<'a, 'o> {
    lx: Lexer<'a>,
    /// The tokens of the statement just read, without its terminator.
    stmt: Vec<Tok<'a>>,
    /// Line of the statement's first token (or of its terminator when empty).
    stmt_line: usize,
    /// Line of the terminator.
    end_line: usize,
    /// The last token of `stmt` that is a top-level keyword first on its line, and that line:
    /// where a new block starts when the one being read was cut off.
    restart: Option<(usize, usize)>,
    source: &'o Arc<str>,
    out: &'o mut Vec<Lease>,
    problems: &'o mut Problems,
    interner: super::Interner,
}

/// Words that begin a top-level block; met inside a block, they mean it was cut off.
fn is_top_level(word: &str) -> bool {
    matches!(word, "lease" | "ia-na" | "ia-ta" | "ia-pd" | "host" | "failover")
}

/// The fields gathered from one lease (v4) or address (v6) block.
#[derive(Default)]
struct Fields {
    state: Option<LeaseState>,
    abandoned: bool,
    starts: Option<DateTime<Utc>>,
    ends: Option<DateTime<Utc>>,
    max_life: Option<u64>,
    hostname: Option<crate::text::Text>,
    fwd_name: Option<crate::text::Text>,
    rev: bool,
    mac: Option<crate::text::Text>,
    /// The first defect found: the block is skipped for it.
    error: Option<(SkipReason, String)>,
}

impl Fields {
    fn fail(&mut self, reason: SkipReason, detail: String) {
        if self.error.is_none() {
            self.error = Some((reason, detail));
        }
    }
}

/// The top-level words of dhcpd.leases (ISC dhcpd's and dhclient's), named in problem details.
const KEYWORDS: &[&str] = &[
    "lease", "host", "ia-na", "ia-ta", "ia-pd", "failover", "server-duid", "authoring-byte-order", "lease-id-format",
    "class", "subclass", "group", "option", "deleted", "dynamic", "interface", "shared-network", "subnet", "pool",
];

impl<'a> Parser<'a, '_> {
    /// Reads one statement into `stmt`.
    fn read(&mut self) -> End {
        self.stmt.clear();
        self.restart = None;
        let mut first = true;
        loop {
            let (tok, line, bol) = self.lx.next();
            if first {
                self.stmt_line = line;
                first = false;
            }
            let end = match tok {
                Tok::Semi => End::Semi,
                Tok::Open => End::Open,
                Tok::Close => End::Close,
                Tok::Eof => End::Eof,
                t => {
                    if let Tok::Word(w) = t
                        && bol
                        && is_top_level(w)
                    {
                        self.restart = Some((self.stmt.len(), line));
                    }
                    self.stmt.push(t);
                    continue;
                }
            };
            self.end_line = line;
            return end;
        }
    }

    fn problem(&mut self, line: usize, reason: SkipReason, detail: impl Into<String>) {
        self.problems.push(self.source, line, reason, detail);
    }

    fn run(&mut self) {
        let mut end = self.read();
        loop {
            let line = self.stmt_line;
            let kw = word(self.stmt.first());
            // Named in messages only when it is dhcpd.leases's own word: a file given by mistake
            // (a password file) must not have its text printed.
            let shown = if KEYWORDS.contains(&kw) { format!("'{kw}'") } else { "an unknown".to_string() };
            let body = match end {
                End::Eof => {
                    if !self.stmt.is_empty() {
                        self.problem(line, SkipReason::Truncated, format!("{shown} statement cut off at end of file"));
                    }
                    return;
                }
                End::Semi => {
                    match kw {
                        "" | "server-duid" | "authoring-byte-order" | "lease-id-format" => {}
                        _ => self.problem(line, SkipReason::UnusedType, format!("top-level {shown} statement is not a lease")),
                    }
                    Body::Closed
                }
                End::Close => {
                    self.problem(self.end_line, SkipReason::Malformed, "'}' without a block to close");
                    Body::Closed
                }
                End::Open => match kw {
                    "lease" => self.lease_v4(line),
                    "ia-na" | "ia-ta" => self.ia(),
                    "ia-pd" => self.ia_pd(line),
                    "failover" => self.skip_block(),
                    _ => {
                        let what = if kw == "host" { "host declaration" } else { "block" };
                        let name = match self.stmt.get(1) {
                            Some(Tok::Word(w)) | Some(Tok::Str(w)) => *w,
                            _ => "",
                        };
                        let detail = if KEYWORDS.contains(&kw) { format!("{what} '{kw} {name}' is not a lease") } else { "an unknown block is not a lease".to_string() };
                        let body = self.skip_block();
                        if body != Body::Eof {
                            self.problem(line, SkipReason::UnusedType, detail);
                        }
                        body
                    }
                },
            };
            match body {
                Body::Closed => end = self.read(),
                Body::Eof => {
                    self.problem(line, SkipReason::Truncated, format!("{shown} block cut off at end of file"));
                    return;
                }
                Body::Interrupted => {
                    self.problem(line, SkipReason::Truncated, format!("{shown} block cut off by the block on line {}", self.stmt_line));
                    // The statement that interrupted it is already read: handle it next.
                    end = End::Open;
                }
            }
        }
    }

    /// Whether the block header just read (ending in `{`) starts a new top-level block on a
    /// line of its own, inside the block being read: that one was cut off. If so, `stmt`
    /// is left holding the new header.
    fn interrupted(&mut self) -> bool {
        let Some((k, line)) = self.restart else {
            return false;
        };
        self.stmt.drain(..k);
        self.stmt_line = line;
        true
    }

    /// Skips a nested block whose `{` was just read.
    fn skip_block(&mut self) -> Body {
        let mut depth = 1usize;
        loop {
            match self.lx.next().0 {
                Tok::Open => depth += 1,
                Tok::Close => {
                    depth -= 1;
                    if depth == 0 {
                        return Body::Closed;
                    }
                }
                Tok::Eof => return Body::Eof,
                _ => {}
            }
        }
    }

    /// Reads the statements of a lease or iaaddr body into `f`, skipping nested blocks
    /// (`on expiry { ... }`). In a top-level body, a new top-level block means a cut-off one.
    fn body(&mut self, f: &mut Fields, top_level: bool) -> Body {
        loop {
            match self.read() {
                End::Semi => {
                    if !self.stmt.is_empty() {
                        self.statement(f);
                    }
                }
                End::Close => {
                    // A last statement without `;` is taken as it is.
                    if !self.stmt.is_empty() {
                        self.statement(f);
                    }
                    return Body::Closed;
                }
                End::Eof => return Body::Eof,
                End::Open => {
                    if top_level && self.interrupted() {
                        return Body::Interrupted;
                    }
                    if self.skip_block() == Body::Eof {
                        return Body::Eof;
                    }
                }
            }
        }
    }

    /// One `;`-terminated statement of a lease or iaaddr block.
    fn statement(&mut self, f: &mut Fields) {
        let t = &self.stmt;
        match word(t.first()) {
            "starts" => match time(t.get(1..).unwrap_or(&[])) {
                Ok(v) => f.starts = v,
                Err(s) => f.fail(SkipReason::BadTime, format!("starts '{s}' is not a dhcpd time")),
            },
            "ends" => match time(t.get(1..).unwrap_or(&[])) {
                Ok(v) => f.ends = v,
                Err(s) => f.fail(SkipReason::BadTime, format!("ends '{s}' is not a dhcpd time")),
            },
            "binding" if word(t.get(1)) == "state" => {
                let s = word(t.get(2));
                match binding_state(s) {
                    Some(state) => f.state = Some(state),
                    None => f.fail(SkipReason::Malformed, format!("unknown binding state '{s}'")),
                }
            }
            "abandoned" => f.abandoned = true,
            "max-life" => {
                let s = word(t.get(1));
                match s.parse::<u64>() {
                    Ok(v) => f.max_life = Some(v),
                    Err(_) => f.fail(SkipReason::BadTime, format!("max-life '{s}' is not a number of seconds")),
                }
            }
            "hardware" => f.mac = super::normalize_mac(word(t.get(2))),
            "client-hostname" => f.hostname = string(t.get(1)).map(Into::into),
            "set" if word(t.get(2)) == "=" => match word(t.get(1)) {
                "ddns-fwd-name" => f.fwd_name = string(t.get(3)).map(Into::into),
                "ddns-rev-name" => f.rev = true,
                _ => {}
            },
            _ => {}
        }
    }

    /// A v4 `lease ADDR {` block; its header is in `stmt`.
    fn lease_v4(&mut self, line: usize) -> Body {
        let addr = word(self.stmt.get(1));
        let ip = addr.parse::<IpAddr>();
        let mut f = Fields::default();
        let body = self.body(&mut f, true);
        if body != Body::Closed {
            return body;
        }
        let ip = match ip {
            Ok(ip) => ip,
            Err(_) => {
                self.problem(line, SkipReason::BadAddress, format!("lease '{addr}': not an IP address"));
                return body;
            }
        };
        let duration = match (f.starts, f.ends) {
            (Some(s), Some(e)) if e >= s => Some(e - s),
            _ => None,
        };
        self.finish(ip, line, f, duration);
        body
    }

    /// Turns a complete block's fields into a lease, or records why it is skipped.
    fn finish(&mut self, ip: IpAddr, line: usize, f: Fields, duration: Option<TimeDelta>) {
        if let Some((reason, detail)) = f.error {
            self.problem(line, reason, format!("{ip}: {detail}"));
            return;
        }
        let state = match f.state {
            Some(s) => s,
            None if f.abandoned => LeaseState::Abandoned,
            None => LeaseState::Active,
        };
        let dns_registration = super::Registration::Ddns(super::ddns_updates(f.fwd_name.is_some(), f.rev));
        let origin = self.interner.origin(self.source, "", dns_registration, "");
        self.out.push(Lease {
            ip,
            hostname: f.hostname.or(f.fwd_name),
            mac: f.mac,
            state,
            expires: f.ends,
            duration,
            origin,
            line,
        });
    }
}

fn binding_state(s: &str) -> Option<LeaseState> {
    Some(match s {
        "active" => LeaseState::Active,
        "free" => LeaseState::Free,
        "expired" => LeaseState::Expired,
        "released" => LeaseState::Released,
        "abandoned" => LeaseState::Abandoned,
        "backup" => LeaseState::Backup,
        "reset" => LeaseState::Expired,
        "reserved" => LeaseState::Reservation,
        "bootp" => LeaseState::Active,
        _ => return None,
    })
}

/// A dhcpd time: `W YYYY/MM/DD HH:MM:SS` (UTC), `epoch N`, or `never` (`None`).
/// On error, the offending text.
fn time(t: &[Tok<'_>]) -> Result<Option<DateTime<Utc>>, String> {
    let w = |i: usize| word(t.get(i));
    let bad = || t.iter().map(|x| word(Some(x))).collect::<Vec<_>>().join(" ");
    match (t.len(), w(0)) {
        (1, "never") => Ok(None),
        (2, "epoch") => w(1).parse::<i64>().ok().and_then(|s| DateTime::from_timestamp(s, 0)).map(Some).ok_or_else(bad),
        (3, wd) if wd.len() == 1 && wd.as_bytes()[0].is_ascii_digit() => date_time(w(1), w(2)).map(Some).ok_or_else(bad),
        // The weekday is optional for the parser dhcpd uses.
        (2, _) => date_time(w(0), w(1)).map(Some).ok_or_else(bad),
        _ => Err(bad()),
    }
}

fn date_time(date: &str, time: &str) -> Option<DateTime<Utc>> {
    let mut d = date.split('/');
    let y: i32 = d.next()?.parse().ok()?;
    let m: u32 = d.next()?.parse().ok()?;
    let day: u32 = d.next()?.parse().ok()?;
    let mut t = time.split(':');
    let h: u32 = t.next()?.parse().ok()?;
    let mi: u32 = t.next()?.parse().ok()?;
    let s: u32 = t.next()?.parse().ok()?;
    if d.next().is_some() || t.next().is_some() {
        return None;
    }
    Some(NaiveDate::from_ymd_opt(y, m, day)?.and_hms_opt(h, mi, s)?.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    const V4: &str = include_str!("../../../tests/fixtures/leases/dhcpd.leases");
    const V6: &str = include_str!("../../../tests/fixtures/leases/dhcpd6.leases");

    fn run(text: &str) -> (Vec<Lease>, Problems) {
        let src: Arc<str> = Arc::from("dhcpd.leases");
        let mut out = Vec::new();
        let mut problems = Problems::default();
        parse(text, &src, &mut out, &mut problems);
        (out, problems)
    }

    use crate::test_support::some_t as utc;

    use crate::test_support::reasons;

    use crate::test_support::ip;

    #[test]
    fn v4_file() {
        let (leases, problems) = run(V4);
        assert_eq!(reasons(&problems.list), vec![(55, SkipReason::UnusedType), (14, SkipReason::Superseded)]);
        assert_eq!(leases.len(), 4);

        let quoted = &leases[0];
        assert_eq!(quoted.ip, ip("10.0.0.6"));
        assert_eq!(quoted.line, 31);
        assert_eq!(quoted.hostname.as_deref(), Some("Ana's \"laptop\"; {x} #1\u{e9}"));
        assert_eq!(quoted.mac.as_deref(), Some("3c:22:fb:0a:1b:2c"));
        assert_eq!(quoted.state, LeaseState::Active);
        assert_eq!(quoted.expires, utc("2026-11-24T18:00:00Z"));
        assert_eq!(quoted.duration, Some(TimeDelta::hours(12)));
        assert_eq!(quoted.dns_registration(), None);
        assert_eq!(quoted.scope(), None);

        let never = &leases[1];
        assert_eq!(never.ip, ip("10.0.0.7"));
        assert_eq!(never.hostname.as_deref(), Some("pi-lab.corp.example.test."));
        assert_eq!((never.expires, never.duration), (None, None));
        assert_eq!(never.dns_registration(), Some("forward"));

        let free = &leases[2];
        assert_eq!((free.ip, free.state, free.hostname.as_deref()), (ip("10.0.0.8"), LeaseState::Free, None));

        let last = &leases[3];
        assert_eq!(last.ip, ip("10.0.0.5"));
        assert_eq!(last.line, 60);
        assert_eq!(last.hostname.as_deref(), Some("pc1"));
        assert_eq!(last.mac.as_deref(), Some("00:11:22:33:44:55"));
        assert_eq!(last.state, LeaseState::Active);
        assert_eq!(last.expires, utc("2026-11-25T08:00:00Z"));
        assert_eq!(last.duration, Some(TimeDelta::days(1)));
        assert_eq!(last.dns_registration(), Some("forward;reverse"));
        assert_eq!(&**last.source(), "dhcpd.leases");
    }

    #[test]
    fn v6_file() {
        let (leases, problems) = run(V6);
        assert_eq!(reasons(&problems.list), vec![(34, SkipReason::UnusedType)]);
        assert_eq!(leases.len(), 4);
        let a = &leases[0];
        assert_eq!(a.ip, ip("2001:db8:1::10"));
        assert_eq!(a.line, 11);
        assert_eq!(a.hostname.as_deref(), Some("pc6.corp.example.test"));
        assert_eq!(a.mac, None);
        assert_eq!(a.state, LeaseState::Active);
        assert_eq!(a.expires, utc("2026-11-24T08:00:00Z"));
        assert_eq!(a.duration, Some(TimeDelta::seconds(7200)));
        assert_eq!(a.dns_registration(), Some("forward;reverse"));
        assert_eq!(a.scope(), None);

        let ta = &leases[1];
        assert_eq!((ta.ip, ta.line, ta.expires, ta.duration, ta.hostname.as_deref()), (ip("2001:db8:1::99"), 24, None, None, None));

        assert_eq!((leases[2].ip, leases[2].state, leases[2].line), (ip("2001:db8:1::20"), LeaseState::Expired, 44));
        assert_eq!((leases[3].state, leases[3].hostname.as_deref(), leases[3].line), (LeaseState::Released, Some("old6"), 50));
    }

    #[test]
    fn truncated_at_end_of_file() {
        let text = "lease 10.0.0.5 {\n  starts 2 2026/11/24 06:00:00;\n  ends 3 2026/11/25 06:00:00;\n}\nlease 10.0.0.6 {\n  starts 2 2026/11/24 06:00:00;\n  ends 3 2026/";
        let (leases, problems) = run(text);
        assert_eq!(leases.len(), 1);
        assert_eq!(reasons(&problems.list), vec![(5, SkipReason::Truncated)]);
        // Cut inside a quoted string, or inside a nested block.
        let (_, problems) = run("lease 10.0.0.6 {\n  client-hostname \"pc");
        assert_eq!(reasons(&problems.list), vec![(1, SkipReason::Truncated)]);
        let (_, problems) = run("\nlease 10.0.0.6 {\n  on expiry {\n");
        assert_eq!(reasons(&problems.list), vec![(2, SkipReason::Truncated)]);
        let (_, problems) = run("ia-na \"x\" {\n  iaaddr 2001:db8::1 {\n    binding state active;\n  }\n");
        assert_eq!(reasons(&problems.list), vec![(1, SkipReason::Truncated)]);
        let (_, problems) = run("lease 10.0.0.6");
        assert_eq!(reasons(&problems.list), vec![(1, SkipReason::Truncated)]);
    }

    #[test]
    fn truncated_by_next_block() {
        // A crash mid-write, then dhcpd appended again.
        let text = "lease 10.0.0.5 {\n  starts 2 2026/11/24 06:00:00;\n  ends 3 20\nlease 10.0.0.6 {\n  binding state active;\n}\n";
        let (leases, problems) = run(text);
        assert_eq!(reasons(&problems.list), vec![(1, SkipReason::Truncated)]);
        assert_eq!(leases.len(), 1);
        assert_eq!((leases[0].ip, leases[0].line), (ip("10.0.0.6"), 4));
    }

    #[test]
    fn bad_address_time_state() {
        let text = "lease 10.0.0.300 {\n  binding state active;\n}\n\
                    lease 10.0.0.6 {\n  starts 2 2026/13/24 06:00:00;\n}\n\
                    lease 10.0.0.7 {\n  ends epoch soon;\n}\n\
                    lease 10.0.0.8 {\n  binding state dancing;\n}\n\
                    ia-na \"x\" {\n  iaaddr 2001:db8::zz {\n    binding state active;\n  }\n  iaaddr 2001:db8::2 {\n    max-life forever;\n  }\n}\n\
                    lease 10.0.0.9 {\n}\n";
        let (leases, problems) = run(text);
        assert_eq!(
            reasons(&problems.list),
            vec![
                (1, SkipReason::BadAddress),
                (4, SkipReason::BadTime),
                (7, SkipReason::BadTime),
                (10, SkipReason::Malformed),
                (14, SkipReason::BadAddress),
                (17, SkipReason::BadTime),
            ]
        );
        assert_eq!(leases.len(), 1);
        // No binding state (dhcpd 3.0): active, judged by its end time.
        assert_eq!((leases[0].ip, leases[0].state, leases[0].line), (ip("10.0.0.9"), LeaseState::Active, 21));
    }

    #[test]
    fn stray_brace_and_unknown_statement() {
        let (leases, problems) = run("}\nsubclass \"x\" 1:2:3;\nlease 10.0.0.5 {\n abandoned;\n}\n");
        assert_eq!(reasons(&problems.list), vec![(1, SkipReason::Malformed), (2, SkipReason::UnusedType)]);
        assert_eq!(leases[0].state, LeaseState::Abandoned);
    }

    #[test]
    fn empty_file() {
        for text in ["", "\n", "# only a comment\n", "authoring-byte-order little-endian;\n"] {
            let (leases, problems) = run(text);
            assert!(leases.is_empty() && problems.is_empty(), "{text:?}");
        }
    }

    #[test]
    fn bom_and_crlf() {
        let (leases, problems) = run(&format!("\u{feff}{}", V4.replace('\n', "\r\n")));
        assert_eq!(leases, run(V4).0);
        assert_eq!(reasons(&problems.list), vec![(55, SkipReason::UnusedType), (14, SkipReason::Superseded)]);
        let (leases, _) = run(&V6.replace('\n', "\r\n"));
        assert_eq!(leases, run(V6).0);
    }

    #[test]
    fn last_wins_v6() {
        let block = |ends: &str| format!("ia-na \"a\" {{\n  iaaddr 2001:db8::1 {{\n    binding state active;\n    ends {ends};\n  }}\n}}\n");
        let text = format!("{}{}", block("2 2026/11/24 06:00:00"), block("2 2026/11/24 07:00:00"));
        let (leases, problems) = run(&text);
        assert_eq!(reasons(&problems.list), vec![(2, SkipReason::Superseded)]);
        assert_eq!((leases[0].line, leases[0].expires), (8, utc("2026-11-24T07:00:00Z")));
    }

    #[test]
    fn statements_across_lines_and_odd_spacing() {
        let (leases, problems) = run("lease\n10.0.0.5\n{ starts 2\n 2026/11/24 06:00:00 ; ends 3 2026/11/25 06:00:00;set ddns-fwd-name=\"a.b\";client-hostname \"\" }");
        assert!(problems.is_empty(), "{:?}", problems.list);
        assert_eq!(leases[0].line, 1);
        assert_eq!(leases[0].hostname.as_deref(), Some("a.b"));
        assert_eq!(leases[0].duration, Some(TimeDelta::days(1)));
    }

}
