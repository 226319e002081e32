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
//! PKI roots only when the system has no store.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta};
use serde_json::{Map, Value, json};

use super::{Lease, LeaseState};
use crate::input::{Problems, SkipReason};

/// Kea's value for an infinite lifetime.
const INFINITE: u64 = 0xffff_ffff;
/// Leases asked for per page.
pub const PAGE_SIZE: usize = 1000;
/// The environment variable holding the Kea password.
pub const PASSWORD_ENV: &str = "DDNS_AUDIT_KEA_PASSWORD";
/// Kea's control results.
const RESULT_SUCCESS: i64 = 0;
const RESULT_UNSUPPORTED: i64 = 2;
const RESULT_EMPTY: i64 = 3;

/// How to reach the Kea endpoints; no secret is held here (the password is read when used).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeaAccess {
    /// `--kea-user` (a user in the URL wins).
    pub user: Option<String>,
    /// `--kea-password-file`.
    pub password_file: Option<PathBuf>,
    /// `--ca-file`: PEM certificates to trust for `https://`.
    pub ca_file: Option<PathBuf>,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Leases per page.
    pub page_size: usize,
}

impl KeaAccess {
    pub fn new(user: Option<String>, password_file: Option<PathBuf>, ca_file: Option<PathBuf>) -> KeaAccess {
        KeaAccess { user, password_file, ca_file, timeout: Duration::from_secs(30), page_size: PAGE_SIZE }
    }
}

/// Why a Kea endpoint could not be read. Stops the run (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum KeaError {
    #[error("--kea-url {url}: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("--kea-password-file {path}: {source}")]
    PasswordFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("--ca-file {path}: {reason}")]
    CaFile { path: PathBuf, reason: String },
    #[error("{url}: cannot reach the Kea control endpoint at {host_port}: {detail}")]
    Unreachable { url: String, host_port: String, detail: String },
    #[error("{url}: TLS with {host_port} failed: {detail} (is --ca-file the CA that issued the endpoint's certificate?)")]
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
    #[error("{url}: not a Kea control reply: {detail}")]
    BadReply { url: String, detail: String },
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

/// A URL taken apart: what is requested, what is shown, who authenticates.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// The URL without user info: requested, and shown in messages and the `source` column.
    pub url: String,
    /// `host:port` (default port filled in), for "cannot reach" messages.
    pub host_port: String,
    pub user: Option<String>,
    pub https: bool,
}

impl Endpoint {
    /// Parses `http[s]://[user@]host[:port][/path]`. A password in the URL is refused.
    pub fn parse(raw: &str) -> Result<Endpoint, KeaError> {
        let bad = |reason: &str| KeaError::BadUrl { url: redact(raw), reason: reason.to_string() };
        let raw_t = raw.trim();
        let (scheme, rest) = raw_t.split_once("://").ok_or_else(|| bad("expected http://host:port/ or https://host:port/"))?;
        let https = match scheme.to_ascii_lowercase().as_str() {
            "http" => false,
            "https" => true,
            _ => return Err(bad("only http:// and https:// are supported")),
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(end);
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
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
        Ok(Endpoint { url: format!("{}://{hostport}{path}", if https { "https" } else { "http" }), host_port, user, https })
    }
}

/// The URL with any user info removed, for messages about a URL that did not parse.
fn redact(raw: &str) -> String {
    match raw.split_once("://") {
        Some((scheme, rest)) => {
            let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let (authority, path) = rest.split_at(end);
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            format!("{scheme}://{host}{path}")
        }
        None => raw.rsplit_once('@').map_or(raw, |(_, h)| h).to_string(),
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
pub struct KeaReport {
    /// One line per endpoint: leases read per family, families skipped and why.
    pub notes: Vec<String>,
}

impl KeaReport {
    /// The notes as summary lines (`ddns-audit: kea: ...`).
    pub fn render(&self) -> String {
        self.notes.iter().map(|n| format!("ddns-audit: kea: {n}\n")).collect()
    }
}

/// Reads every lease from every `--kea-url`. `env_password` is `DDNS_AUDIT_KEA_PASSWORD`'s value.
pub fn read_urls(urls: &[String], access: &KeaAccess, env_password: Option<String>, out: &mut Vec<Lease>, problems: &mut Problems) -> Result<KeaReport, KeaError> {
    let mut report = KeaReport::default();
    if urls.is_empty() {
        return Ok(report);
    }
    let password = match (&access.password_file, env_password) {
        (Some(path), _) => Some(read_password_file(path)?),
        (None, Some(p)) if !p.is_empty() => Some(p),
        _ => None,
    };
    // Trust, for https:// only: the system's store plus --ca-file (as for LDAPS).
    let roots = if urls.iter().any(|u| u.trim_start().to_ascii_lowercase().starts_with("https:")) {
        let mut ders = crate::tls::system_roots();
        if let Some(path) = &access.ca_file {
            ders.extend(crate::tls::ca_file_certificates(path).map_err(|reason| KeaError::CaFile { path: path.clone(), reason })?);
        }
        let certs: Vec<ureq::tls::Certificate<'static>> =
            ders.iter().map(|c| ureq::tls::Certificate::from_der(c.as_ref()).to_owned()).collect();
        if certs.is_empty() { None } else { Some(Arc::new(certs)) }
    } else {
        None
    };
    for raw in urls {
        let endpoint = Endpoint::parse(raw)?;
        let client = Client::new(endpoint, access, password.clone(), roots.clone());
        report.notes.push(client.read_all(out, problems)?);
    }
    Ok(report)
}

fn read_password_file(path: &Path) -> Result<String, KeaError> {
    crate::input::read_secret_line(path).map_err(|source| KeaError::PasswordFile { path: path.to_path_buf(), source })
}

/// What one family's paging ended with.
enum FamilyOutcome {
    Read(usize),
    /// The family is not served here; the reason is for the note.
    Absent(String),
}

struct Client {
    endpoint: Endpoint,
    agent: ureq::Agent,
    authorization: Option<String>,
    page_size: usize,
    source: Arc<str>,
}

impl Client {
    fn new(endpoint: Endpoint, access: &KeaAccess, password: Option<String>, roots: Option<Arc<Vec<ureq::tls::Certificate<'static>>>>) -> Client {
        use base64::Engine;
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(certs) = roots {
            tls = tls.root_certs(ureq::tls::RootCerts::Specific(certs));
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(access.timeout))
            .timeout_connect(Some(access.timeout.min(Duration::from_secs(10))))
            .max_redirects(0)
            .tls_config(tls.build())
            .build()
            .into();
        let user = endpoint.user.clone().or_else(|| access.user.clone());
        let authorization = user.map(|u| {
            let pair = format!("{u}:{}", password.unwrap_or_default());
            format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair))
        });
        let source: Arc<str> = Arc::from(endpoint.url.as_str());
        Client { endpoint, agent, authorization, page_size: access.page_size.max(1), source }
    }

    /// Reads both families; returns the note for the summary.
    fn read_all(&self, out: &mut Vec<Lease>, problems: &mut Problems) -> Result<String, KeaError> {
        let v4 = self.read_family(Family::V4, out, problems)?;
        let v6 = self.read_family(Family::V6, out, problems)?;
        let part = |f: Family, o: &FamilyOutcome| match o {
            FamilyOutcome::Read(n) => format!("{n} {} lease(s)", if f == Family::V4 { "v4" } else { "v6" }),
            FamilyOutcome::Absent(why) => format!("no {} ({why})", f.service()),
        };
        if let (FamilyOutcome::Absent(a), FamilyOutcome::Absent(b)) = (&v4, &v6) {
            return Err(KeaError::NothingServed { url: self.endpoint.url.clone(), detail: format!("dhcp4: {a}; dhcp6: {b}") });
        }
        Ok(format!("{}: {}; {}", self.endpoint.url, part(Family::V4, &v4), part(Family::V6, &v6)))
    }

    fn read_family(&self, family: Family, out: &mut Vec<Lease>, problems: &mut Problems) -> Result<FamilyOutcome, KeaError> {
        let mut from = Value::from("start");
        let mut read = 0usize;
        loop {
            let body = json!({
                "command": family.command(),
                "service": [family.service()],
                "arguments": { "from": from, "limit": self.page_size },
            });
            let (reply, via_agent) = self.post(&body)?;
            let result = reply.get("result").and_then(Value::as_i64).ok_or_else(|| self.bad_reply("the reply has no numeric \"result\""))?;
            let text = reply.get("text").and_then(Value::as_str).unwrap_or("").to_string();
            match result {
                RESULT_SUCCESS => {}
                RESULT_EMPTY => return Ok(FamilyOutcome::Read(read)),
                _ => return self.failure(family, result, text, via_agent, read),
            }
            let args = reply.get("arguments").and_then(Value::as_object).ok_or_else(|| self.bad_reply("a successful reply without \"arguments\""))?;
            let leases = args.get("leases").and_then(Value::as_array).ok_or_else(|| self.bad_reply("a successful reply without \"arguments.leases\""))?;
            let count = args.get("count").and_then(Value::as_u64).map_or(leases.len(), |c| c as usize);
            for l in leases {
                if let Some(lease) = self.map_lease(family, l, problems) {
                    out.push(lease);
                }
            }
            read += leases.len();
            let last = leases.last().and_then(|l| l.get("ip-address")).and_then(Value::as_str);
            match last {
                Some(addr) if count >= self.page_size && !leases.is_empty() => from = Value::from(addr),
                _ => return Ok(FamilyOutcome::Read(read)),
            }
        }
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

    /// POSTs a command; returns the (first) reply object and whether it came from an agent (array).
    fn post(&self, body: &Value) -> Result<(Map<String, Value>, bool), KeaError> {
        let url = &self.endpoint.url;
        let mut req = self.agent.post(url.as_str()).header("Content-Type", "application/json");
        if let Some(a) = &self.authorization {
            req = req.header("Authorization", a.as_str());
        }
        let mut resp = req.send(body.to_string()).map_err(|e| self.transport_error(e))?;
        let status = resp.status().as_u16();
        let text = resp.body_mut().with_config().limit(256 * 1024 * 1024).read_to_string().map_err(|e| self.transport_error(e))?;
        if status == 401 || status == 403 {
            let hint = if self.authorization.is_some() {
                " (check the user and the password in DDNS_AUDIT_KEA_PASSWORD or --kea-password-file)"
            } else {
                " (it wants HTTP basic authentication: give a user in the URL or --kea-user, the password in DDNS_AUDIT_KEA_PASSWORD or --kea-password-file)"
            };
            return Err(KeaError::Auth { url: url.clone(), status, hint });
        }
        let parsed: Result<Value, _> = serde_json::from_str(&text);
        if !(200..300).contains(&status) {
            // Kea answers some errors with a JSON body ({"result": 1, "text": ...}); show its text.
            let detail = parsed
                .ok()
                .and_then(|v| first_object(v).ok().map(|o| o.0))
                .and_then(|o| o.get("text").and_then(Value::as_str).map(str::to_string))
                .unwrap_or_else(|| snippet(&text));
            return Err(KeaError::Status { url: url.clone(), status, detail });
        }
        let value = parsed.map_err(|e| self.bad_reply(&format!("not JSON ({e}): {}", snippet(&text))))?;
        first_object(value).map_err(|d| self.bad_reply(&d))
    }

    fn transport_error(&self, e: ureq::Error) -> KeaError {
        let url = self.endpoint.url.clone();
        let host_port = self.endpoint.host_port.clone();
        match e {
            ureq::Error::Tls(_) | ureq::Error::Pem(_) | ureq::Error::Rustls(_) => KeaError::Tls { url, host_port, detail: e.to_string() },
            ureq::Error::Io(ref io) if io.to_string().contains("certificate") || io.to_string().contains("InvalidCertificate") => {
                KeaError::Tls { url, host_port, detail: e.to_string() }
            }
            ureq::Error::BodyExceedsLimit(_) => KeaError::BadReply { url, detail: e.to_string() },
            other => KeaError::Unreachable { url, host_port, detail: other.to_string() },
        }
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
        let registration = super::ddns_updates(flag("fqdn-fwd"), flag("fqdn-rev"));
        let scope = l.get("subnet-id").and_then(|v| match v {
            Value::Number(n) => Some(n.to_string()),
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            _ => None,
        });
        Some(Lease {
            ip,
            hostname: str_of("hostname").and_then(super::clean_hostname),
            mac: str_of("hw-address").and_then(super::normalize_mac),
            state,
            expires,
            duration,
            scope,
            dns_registration: registration,
            source: Arc::clone(src),
            line: 0,
        })
    }
}

/// Maps one `lease4-get-page` (`v6`: `lease6-get-page`) reply body as `read_family` maps a
/// page, without HTTP: the entry point of the fuzz target `kea_api` (`fuzz/`). Returns the
/// leases in the page.
pub fn parse_page(body: &str, v6: bool, out: &mut Vec<Lease>, problems: &mut Problems) -> Result<usize, KeaError> {
    let family = if v6 { Family::V6 } else { Family::V4 };
    let endpoint = Endpoint::parse("http://fuzz/")?;
    let source: Arc<str> = Arc::from(endpoint.url.as_str());
    let client = Client { endpoint, agent: ureq::Agent::new_with_defaults(), authorization: None, page_size: PAGE_SIZE, source };
    let value: Value = serde_json::from_str(body).map_err(|e| client.bad_reply(&format!("not JSON ({e}): {}", snippet(body))))?;
    let (reply, via_agent) = first_object(value).map_err(|d| client.bad_reply(&d))?;
    let result = reply.get("result").and_then(Value::as_i64).ok_or_else(|| client.bad_reply("the reply has no numeric \"result\""))?;
    let text = reply.get("text").and_then(Value::as_str).unwrap_or("").to_string();
    match result {
        RESULT_SUCCESS => {}
        RESULT_EMPTY => return Ok(0),
        _ => return client.failure(family, result, text, via_agent, 0).map(|_| 0),
    }
    let args = reply.get("arguments").and_then(Value::as_object).ok_or_else(|| client.bad_reply("a successful reply without \"arguments\""))?;
    let leases = args.get("leases").and_then(Value::as_array).ok_or_else(|| client.bad_reply("a successful reply without \"arguments.leases\""))?;
    for l in leases {
        out.extend(client.map_lease(family, l, problems));
    }
    Ok(leases.len())
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

fn snippet(s: &str) -> String {
    let s = s.trim();
    match s.char_indices().nth(200) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests;
