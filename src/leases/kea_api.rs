//! Lease reader: the Kea control API (`--kea-url`).
//!
//! Reads every lease with `lease4-get-page` and `lease6-get-page` (the `lease_cmds` hook),
//! paging with `"from": "start"`, then `"from": <the last address of the previous page>`,
//! until a page holds fewer leases than the limit or the server answers result 3 (empty).
//!
//! Two kinds of endpoint answer the same JSON:
//! - the Kea 2.x **control agent** (`kea-ctrl-agent`): the command carries `"service": ["dhcp4"]`
//!   (or `dhcp6`) and the reply is a JSON **array**, one object per service;
//! - a Kea 3 daemon's own **HTTP control socket**: the reply is a single object. The
//!   `service` entry is sent anyway (Kea 3 daemons ignore it), so one request fits both.
//!
//! Either family may be absent: many sites run DHCPv4 only, and Debian's default agent
//! configuration names a dhcp6 socket whether or not kea-dhcp6 runs. A family whose server is
//! not configured, not running, or (on a Kea 3 daemon's socket) not that daemon's family is
//! skipped with a note in the summary; the run stops (exit 2) only when no family could be read,
//! or when a running server cannot be read: the `lease_cmds` hook is not loaded, the server
//! answers an error, the credentials are refused.
//!
//! Leases map as in the memfile CSV (`kea_csv`): `expires` = `cltt` + `valid-lft` (4294967295 is
//! infinite), `duration` = `valid-lft`, `state` 0 active, 1 declined, 2 expired-reclaimed,
//! 3 released; `scope` = `subnet-id`; `dns_registration` from `fqdn-fwd`/`fqdn-rev`
//! (`forward;reverse`, `forward`, `reverse`); v6 `IA_PD` leases are skipped as an unused type.
//! The `source` of each lease is the URL without credentials; a skipped lease goes to the
//! problems with that source, line 0, and a detail naming the lease.
//!
//! Authentication: HTTP basic, user from the URL (`http://user@host:8000/`) or `--kea-user`,
//! password from `DDNS_AUDIT_KEA_PASSWORD` or `--kea-password-file` (first line); a password in
//! the URL is refused, so it never sits on a command line. TLS (`https://`) verifies against the
//! system's certificate store plus the `--ca-file` certificates (as LDAPS does); the bundled web
//! PKI roots only when the system has no store. The commands go through the [`Control`] edge
//! (`http.rs`: over HTTP(S) live; `fixture.rs`: a control agent from tables, for tests).

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta};
use serde_json::{Map, Value, json};

use super::{Lease, LeaseState};
use crate::input::{Problems, SkipReason};
use crate::progress::Progress;
use crate::secret::Secret;

pub(crate) mod config;
#[cfg(test)]
pub(crate) mod fixture;
mod http;
pub(crate) use http::{Connect, Control, Link, Live};
pub use config::{KeaDdnsSetting, KeaDdnsSettings, ddns_settings_of};

/// Kea's value for an infinite lifetime.
const INFINITE: u64 = 0xffff_ffff;
/// Leases asked for per page.
pub(crate) const PAGE_SIZE: usize = 1000;
/// The environment variable holding the Kea password.
pub(crate) const PASSWORD_ENV: &str = "DDNS_AUDIT_KEA_PASSWORD";
/// The most bytes read of one reply. A page of 1000 leases is about half a megabyte; this leaves
/// room for 16 KiB of user context per lease, and bounds what a broken endpoint can make the
/// tool hold: parsed, the worst JSON (`[0,0,0,...]`) is some 16 times its size in memory.
pub(crate) const MAX_REPLY_BYTES: u64 = 16 * 1024 * 1024;
/// The most leases read per family from one endpoint: far above any site's DHCP scope, and a
/// bound on memory should an endpoint page on forever with ever-new addresses.
pub(crate) const MAX_LEASES: usize = 5_000_000;
/// Kea's control results.
const RESULT_SUCCESS: i64 = 0;
const RESULT_UNSUPPORTED: i64 = 2;
const RESULT_EMPTY: i64 = 3;

/// How to reach the Kea endpoints.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct KeaAccess {
    /// `--kea-user` (a user in the URL wins).
    pub(crate) user: Option<String>,
    /// `--kea-password-file`'s first line, else `DDNS_AUDIT_KEA_PASSWORD`, as the settings read it.
    pub(crate) password: Option<Secret>,
    /// `--ca-file`: PEM certificates to trust for `https://`.
    pub(crate) ca_file: Option<PathBuf>,
    /// Per-request timeout.
    pub(crate) timeout: Duration,
    /// Leases per page.
    pub(crate) page_size: usize,
}

impl KeaAccess {
    pub(crate) fn new(user: Option<String>, password: Option<Secret>, ca_file: Option<PathBuf>) -> KeaAccess {
        KeaAccess { user, password, ca_file, timeout: Duration::from_secs(30), page_size: PAGE_SIZE }
    }
}

/// Why a Kea endpoint could not be read. Stops the run (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum KeaError {
    #[error("--kea-url {url}: {reason}")]
    BadUrl { url: String, reason: String },
    // The I/O error is in the message, not a `source`: `{:#}` would print it twice.
    #[error("--kea-password-file {path}: {error}")]
    PasswordFile { path: PathBuf, error: std::io::Error },
    #[error("--ca-file {path}: {reason}")]
    CaFile { path: PathBuf, reason: String },
    /// No connection: refused, unreachable, the name does not resolve, or no connection in time.
    #[error("{url}: cannot reach the Kea control endpoint at {host_port}: {detail}")]
    Unreachable { url: String, host_port: String, detail: String },
    /// Connected, but no complete answer in time.
    #[error("{url}: the Kea control endpoint at {host_port} timed out: no complete answer within {secs} s")]
    TimedOut { url: String, host_port: String, secs: u64 },
    /// Connected, and the connection ended before a complete answer.
    #[error("{url}: the Kea control endpoint at {host_port} closed the connection before a complete answer ({detail})")]
    Closed { url: String, host_port: String, detail: String },
    #[error("{url}: TLS with {host_port} failed: {detail}")]
    Tls { url: String, host_port: String, detail: String },
    #[error("{url}: HTTP {status}: the Kea endpoint refused the credentials{hint}")]
    Auth { url: String, status: u16, hint: &'static str },
    #[error("{url}: HTTP {status}: {detail}")]
    Status { url: String, status: u16, detail: String },
    #[error("{url}: {command}: the lease_cmds hook is not loaded in the Kea {service} server (Kea answered: {text}); add libdhcp_lease_cmds.so to its hooks-libraries")]
    NoLeaseCmds { url: String, command: &'static str, service: &'static str, text: String },
    #[error("{url}: {command} failed (Kea result {result}): {text}")]
    Command { url: String, command: &'static str, result: i64, text: String },
    #[error("{url}: no lease could be read: {detail}")]
    NothingServed { url: String, detail: String },
    /// The endpoint answered, but not a Kea control reply (or not a sane one).
    #[error("{url}: the Kea control endpoint answered garbage: {detail}")]
    BadReply { url: String, detail: String },
    /// A page that does not move past the previous one: reading on would loop forever.
    #[error("{url}: {command}: paging does not advance: {detail}; stopped (Kea pages in address order)")]
    NoProgress { url: String, command: &'static str, detail: String },
    #[error("{url}: {command}: more than {max} leases; stopped (is the endpoint paging correctly?)")]
    TooMany { url: String, command: &'static str, max: usize },
}

/// Address family of a lease command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    V4,
    V6,
}

impl Family {
    fn command(self) -> &'static str {
        match self {
            Family::V4 => "lease4-get-page",
            Family::V6 => "lease6-get-page",
        }
    }
    fn service(self) -> &'static str {
        match self {
            Family::V4 => "dhcp4",
            Family::V6 => "dhcp6",
        }
    }
}

/// A `--kea-url` taken apart, once, in the settings: what is requested, what is shown, who
/// authenticates.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Endpoint {
    /// The URL as given, without the user info (`--kea-url` in the report's header and the
    /// spreadsheet's Summary).
    pub(crate) given: String,
    /// The URL without user info, as the user spelled its host and path: requested, and shown
    /// in messages and the `source` column.
    pub(crate) url: String,
    /// `host:port` (default port filled in), for "cannot reach" messages.
    pub(crate) host_port: String,
    pub(crate) user: Option<String>,
    pub(crate) https: bool,
}

impl Endpoint {
    /// Parses `http[s]://[user@]host[:port][/path]`. A password in the URL is refused; what
    /// is left must be a URL the `url` crate accepts (a port that is a number, a host without
    /// spaces), so that a typo is said before anything is read, not as a failed connection.
    pub(crate) fn parse(raw: &str) -> Result<Endpoint, KeaError> {
        let bad = |reason: &str| KeaError::BadUrl { url: crate::secret::redact_url(raw), reason: reason.to_string() };
        let raw_t = raw.trim();
        let (scheme, rest) = raw_t.split_once("://").ok_or_else(|| bad("expected http://host:port/ or https://host:port/"))?;
        let https = match scheme.to_ascii_lowercase().as_str() {
            "http" => false,
            "https" => true,
            _ => return Err(bad("only http:// and https:// are supported")),
        };
        // The user info ends at the last `@`, even past a `/`: a password typed with an
        // unescaped `/` must be refused, not taken for the host and printed.
        let (userinfo, rest) = match rest.rsplit_once('@') {
            Some((u, after)) => (Some(u), after),
            None => (None, rest),
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (hostport, path) = rest.split_at(end);
        let user = match userinfo {
            Some(u) if u.contains(':') => {
                return Err(bad(&format!("do not put the password in the URL: use {PASSWORD_ENV} or --kea-password-file")));
            }
            Some("") => None,
            Some(u) => Some(percent_decode(u)),
            None => None,
        };
        if hostport.is_empty() {
            return Err(bad("no host"));
        }
        let has_port = if let Some(v6) = hostport.strip_prefix('[') {
            v6.split_once(']').is_some_and(|(_, after)| after.starts_with(':'))
        } else {
            hostport.contains(':')
        };
        let host_port = if has_port { hostport.to_string() } else { format!("{hostport}:{}", if https { 443 } else { 80 }) };
        let path = if path.is_empty() { "/" } else { path };
        let url = format!("{}://{hostport}{path}", if https { "https" } else { "http" });
        url::Url::parse(&url).map_err(|e| bad(&format!("not a URL ({e})")))?;
        Ok(Endpoint { given: crate::secret::redact_url(raw), url, host_port, user, https })
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = b.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What reading all URLs left for the summary.
#[derive(Debug, Default)]
pub(crate) struct KeaReport {
    /// One line per endpoint: leases read per family, families skipped and why.
    pub(crate) notes: Vec<String>,
}

impl KeaReport {
    /// The notes as summary lines (`ddns-audit: kea: ...`).
    pub(crate) fn render(&self) -> String {
        self.notes.iter().map(|n| format!("ddns-audit: kea: {n}\n")).collect()
    }
}

/// Reads every lease from every `--kea-url`.
pub(crate) fn read_urls(endpoints: &[Endpoint], access: &KeaAccess, link: &Link, out: &mut Vec<Lease>, problems: &mut Problems) -> Result<KeaReport, KeaError> {
    let mut report = KeaReport::default();
    if endpoints.is_empty() {
        return Ok(report);
    }
    let control = link.control(endpoints, access)?;
    for endpoint in endpoints {
        let client = Client::new(endpoint.clone(), control.as_ref(), access.page_size);
        report.notes.push(client.read_all(out, problems)?);
    }
    Ok(report)
}

/// What one family's paging ended with.
enum FamilyOutcome {
    Read(usize),
    /// The family is not served here; the reason is for the note.
    Absent(String),
}

/// What one page said: the family's end (or absence), or leases to continue after.
enum Page {
    End(FamilyOutcome),
    Leases { count: usize, last: Option<IpAddr> },
}

/// One endpoint's reader: its commands go through `control`.
struct Client<'c> {
    endpoint: Endpoint,
    control: &'c dyn Control,
    page_size: usize,
    source: Arc<str>,
    /// The leases' shared origins (one per subnet and registration state).
    interner: std::cell::RefCell<super::Interner>,
}

impl<'c> Client<'c> {
    fn new(endpoint: Endpoint, control: &'c dyn Control, page_size: usize) -> Client<'c> {
        let source: Arc<str> = Arc::from(endpoint.url.as_str());
        Client { endpoint, control, page_size: page_size.max(1), source, interner: Default::default() }
    }

    /// A client that sends nothing: for mapping replies without HTTP (fuzzing, tests).
    fn offline() -> Result<Client<'static>, KeaError> {
        Ok(Client::new(Endpoint::parse("http://fuzz/")?, &http::Offline, PAGE_SIZE))
    }

    /// Sends one command; the (first) reply object and whether an agent answered (an array).
    fn post(&self, body: &Value) -> Result<(Map<String, Value>, bool), KeaError> {
        self.control.post(&self.endpoint, body)
    }

    /// Reads both families; returns the note for the summary.
    fn read_all(&self, out: &mut Vec<Lease>, problems: &mut Problems) -> Result<String, KeaError> {
        // One line per endpoint, both families counted on it (cleared when done or on an error).
        let progress = Progress::counter(Progress::wanted(), "{spinner} Kea {prefix}: {human_pos} leases read ({msg}) [{elapsed}]", self.endpoint.url.as_str(), Family::V4.service());
        let v4 = self.read_family(Family::V4, out, problems, &progress)?;
        let v6 = self.read_family(Family::V6, out, problems, &progress)?;
        progress.finish();
        let part = |f: Family, o: &FamilyOutcome| match o {
            FamilyOutcome::Read(n) => format!("{n} {} lease(s)", if f == Family::V4 { "v4" } else { "v6" }),
            FamilyOutcome::Absent(why) => format!("no {} ({why})", f.service()),
        };
        if let (FamilyOutcome::Absent(a), FamilyOutcome::Absent(b)) = (&v4, &v6) {
            return Err(KeaError::NothingServed { url: self.endpoint.url.clone(), detail: format!("dhcp4: {a}; dhcp6: {b}") });
        }
        Ok(format!("{}: {}; {}", self.endpoint.url, part(Family::V4, &v4), part(Family::V6, &v6)))
    }

    fn read_family(&self, family: Family, out: &mut Vec<Lease>, problems: &mut Problems, progress: &Progress) -> Result<FamilyOutcome, KeaError> {
        let command = family.command();
        progress.set_message(family.service());
        // The last address read: the next page must start after it (None: from the start).
        let mut from: Option<IpAddr> = None;
        let mut read = 0usize;
        loop {
            let body = json!({
                "command": command,
                "service": [family.service()],
                "arguments": { "from": from.map_or_else(|| Value::from("start"), |a| Value::from(a.to_string())), "limit": self.page_size },
            });
            let (reply, via_agent) = self.post(&body)?;
            let (count, last) = match self.read_page(family, &reply, via_agent, from, read, out, problems)? {
                Page::End(outcome) => return Ok(outcome),
                Page::Leases { count, last } => (count, last),
            };
            read = read.saturating_add(count);
            progress.inc(count as u64);
            if read > MAX_LEASES {
                return Err(KeaError::TooMany { url: self.endpoint.url.clone(), command, max: MAX_LEASES });
            }
            // A short page is the last one.
            if count < self.page_size {
                return Ok(FamilyOutcome::Read(read));
            }
            if last == from {
                let detail = format!("a full page of {count} leases without a valid \"ip-address\" to continue from");
                return Err(KeaError::NoProgress { url: self.endpoint.url.clone(), command, detail });
            }
            from = last;
        }
    }

    /// One reply of `lease4/6-get-page`: its leases into `out`, after `from` (the previous
    /// page's last address), `read` leases having been read before it.
    #[allow(clippy::too_many_arguments, reason = "a page is read against the paging state (from, read) into the reader's two outputs; a struct for one call would only rename them")]
    fn read_page(
        &self,
        family: Family,
        reply: &Map<String, Value>,
        via_agent: bool,
        from: Option<IpAddr>,
        read: usize,
        out: &mut Vec<Lease>,
        problems: &mut Problems,
    ) -> Result<Page, KeaError> {
        let command = family.command();
        let result = reply.get("result").and_then(Value::as_i64).ok_or_else(|| self.bad_reply(&format!("the reply has no numeric \"result\": {}", snippet(&Value::Object(reply.clone()).to_string()))))?;
        // Kea's text is quoted in messages: bounded and without control characters.
        let text = snippet(reply.get("text").and_then(Value::as_str).unwrap_or(""));
        match result {
            RESULT_SUCCESS => {}
            RESULT_EMPTY => return Ok(Page::End(FamilyOutcome::Read(read))),
            _ => return self.failure(family, result, text, via_agent, read).map(Page::End),
        }
        let args = reply.get("arguments").and_then(Value::as_object).ok_or_else(|| self.bad_reply("a successful reply without \"arguments\""))?;
        let leases = args.get("leases").and_then(Value::as_array).ok_or_else(|| self.bad_reply("a successful reply without \"arguments.leases\""))?;
        if leases.len() > self.page_size {
            return Err(self.bad_reply(&format!("{command} returned {} leases, more than the {} asked", leases.len(), self.page_size)));
        }
        // Addresses must rise strictly, within the page and from the last page: a repeated
        // page or lease would otherwise be read again and again, without end.
        let mut last = from;
        for l in leases {
            let addr = l.get("ip-address").and_then(Value::as_str).and_then(|a| a.trim().parse::<IpAddr>().ok());
            if let (Some(a), Some(prev)) = (addr, last)
                && a <= prev
            {
                let detail = if a == prev { format!("after {prev} the endpoint answered {a} again") } else { format!("after {prev} the endpoint answered {a}, which comes before it") };
                return Err(KeaError::NoProgress { url: self.endpoint.url.clone(), command, detail });
            }
            last = addr.or(last);
            if let Some(lease) = self.map_lease(family, l, problems) {
                out.push(lease);
            }
        }
        Ok(Page::Leases { count: leases.len(), last })
    }

    /// A non-success result: a family not served here (note) or an error (stop).
    fn failure(&self, family: Family, result: i64, text: String, via_agent: bool, read: usize) -> Result<FamilyOutcome, KeaError> {
        let lower = text.to_ascii_lowercase();
        let url = self.endpoint.url.clone();
        let command = family.command();
        if read == 0 && via_agent && (lower.contains("not configured for the server type") || lower.contains("forwarding socket is not configured")) {
            return Ok(FamilyOutcome::Absent(format!("the control agent has no {} socket", family.service())));
        }
        if read == 0 && via_agent && lower.contains("unable to forward command") {
            return Ok(FamilyOutcome::Absent(format!("the control agent could not reach the {} server: {text}", family.service())));
        }
        let unsupported = result == RESULT_UNSUPPORTED || lower.contains("not supported");
        if unsupported && read == 0 {
            if !via_agent {
                // A Kea 3 daemon's socket: the other family's daemon answers lease6 (or lease4)
                // with "not supported"; if neither family works, read_all says so.
                return Ok(FamilyOutcome::Absent(format!("this endpoint does not answer {command} (a {} daemon's socket, or no lease_cmds hook): {text}", if family == Family::V4 { "DHCPv6" } else { "DHCPv4" })));
            }
            return Err(KeaError::NoLeaseCmds { url, command, service: family.service(), text });
        }
        Err(KeaError::Command { url, command, result, text })
    }

    fn bad_reply(&self, detail: &str) -> KeaError {
        KeaError::BadReply { url: self.endpoint.url.clone(), detail: detail.to_string() }
    }

    fn map_lease(&self, family: Family, l: &Value, problems: &mut Problems) -> Option<Lease> {
        let src = &self.source;
        let str_of = |k: &str| l.get(k).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
        let num_of = |k: &str| l.get(k).and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok())));
        let Some(addr) = str_of("ip-address") else {
            problems.push(src, 0, SkipReason::MissingField, format!("{}: a lease without \"ip-address\": {}", family.command(), snippet(&l.to_string())));
            return None;
        };
        let Ok(ip) = addr.parse::<IpAddr>() else {
            problems.push(src, 0, SkipReason::BadAddress, format!("lease '{addr}': not an IP address"));
            return None;
        };
        if family == Family::V6 {
            match str_of("type") {
                None | Some("IA_NA") | Some("IA_TA") => {}
                Some("IA_PD") => {
                    problems.push(src, 0, SkipReason::UnusedType, format!("lease {ip}: delegated prefix (IA_PD)"));
                    return None;
                }
                Some(other) => {
                    problems.push(src, 0, SkipReason::Malformed, format!("lease {ip}: unknown type '{other}'"));
                    return None;
                }
            }
        }
        let state = match num_of("state").map(|n| (n, super::kea_state(n))) {
            None => LeaseState::Active,
            Some((_, Some(state))) => state,
            Some((other, None)) => {
                problems.push(src, 0, SkipReason::Malformed, format!("lease {ip}: unknown state {other}"));
                return None;
            }
        };
        let Some(lifetime) = num_of("valid-lft") else {
            problems.push(src, 0, SkipReason::BadTime, format!("lease {ip}: no numeric \"valid-lft\""));
            return None;
        };
        let Some(cltt) = num_of("cltt").and_then(|c| i64::try_from(c).ok()) else {
            problems.push(src, 0, SkipReason::BadTime, format!("lease {ip}: no numeric \"cltt\""));
            return None;
        };
        let (expires, duration) = if lifetime >= INFINITE {
            (None, None)
        } else {
            // lifetime < 2^32 s.
            let end = cltt.checked_add(lifetime as i64).and_then(|s| DateTime::from_timestamp(s, 0));
            let Some(end) = end else {
                problems.push(src, 0, SkipReason::BadTime, format!("lease {ip}: cltt {cltt} + valid-lft {lifetime} is not a time"));
                return None;
            };
            (Some(end), TimeDelta::try_seconds(lifetime as i64))
        };
        let flag = |k: &str| l.get(k).is_some_and(|v| v.as_bool().unwrap_or(false) || v.as_u64() == Some(1));
        let registration = super::Registration::Ddns(super::ddns_updates(flag("fqdn-fwd"), flag("fqdn-rev")));
        let scope = match l.get("subnet-id") {
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::String(s)) => s.trim().to_string(),
            _ => String::new(),
        };
        Some(Lease {
            ip,
            hostname: str_of("hostname").and_then(super::clean_hostname),
            mac: str_of("hw-address").and_then(super::normalize_mac),
            state,
            expires,
            duration,
            origin: self.interner.borrow_mut().origin(src, &scope, registration, &config::server_key(src, family == Family::V6)),
            line: 0,
        })
    }
}

/// Maps one `lease4-get-page` (`v6`: `lease6-get-page`) reply body as `read_family` maps a
/// page, without HTTP: the entry point of the fuzz target `kea_api` (`fuzz/`). Returns the
/// leases in the page.
pub fn parse_page(body: &str, v6: bool, out: &mut Vec<Lease>, problems: &mut Problems) -> Result<usize, KeaError> {
    let family = if v6 { Family::V6 } else { Family::V4 };
    let client = Client::offline()?;
    let value: Value = serde_json::from_str(body).map_err(|e| client.bad_reply(&format!("not JSON ({e}): {}", snippet(body))))?;
    let (reply, via_agent) = first_object(value).map_err(|d| client.bad_reply(&d))?;
    match client.read_page(family, &reply, via_agent, None, 0, out, problems)? {
        Page::End(_) => Ok(0),
        Page::Leases { count, .. } => Ok(count),
    }
}

/// The reply object: the first element of an agent's array, or the object itself.
fn first_object(v: Value) -> Result<(Map<String, Value>, bool), String> {
    match v {
        Value::Array(items) => match items.into_iter().next() {
            Some(Value::Object(o)) => Ok((o, true)),
            Some(_) => Err("the reply array does not hold an object".to_string()),
            None => Err("an empty reply array".to_string()),
        },
        Value::Object(o) => Ok((o, false)),
        _ => Err("neither a JSON object nor an array".to_string()),
    }
}

/// A short, printable excerpt of what an endpoint sent: whitespace runs (newlines included)
/// as one space, other control characters (terminal escapes) as `\u{..}`, at most 200 characters.
fn snippet(s: &str) -> String {
    let mut out = String::new();
    let mut chars = 0;
    let mut space = false;
    for c in s.trim().chars() {
        if chars >= 200 {
            out.push_str("...");
            break;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space {
            out.push(' ');
            chars += 1;
            space = false;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
        chars += 1;
    }
    out
}

#[cfg(test)]
mod tests;
