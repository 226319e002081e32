//! The live Active Directory source: a small pool of LDAP connections (`pool.rs`; LDAPS, or
//! LDAP with StartTLS; never a password in clear), each bound (simple, or Kerberos with the
//! `kerberos` cargo feature), the RootDSE, then paged searches for computer objects and for the AD-integrated DNS zones
//! (`dnsZone` with aging from `dNSProperty`) and their records (`dnsNode`/`dnsRecord`, decoded
//! by [`super::dnsp`]). Produces the same [`Computer`] and [`DnsData`] values as the offline
//! readers. Errors are [`LdapError`], each saying what to do; a zone the account may not read
//! is a problem in the summary, not a failure.
//!
//! No value taken from the data or the command line is ever put into a search filter: the
//! filters are constants (the computers filter is `queries/ldap/computers.filter`, embedded at
//! build time) and bases are DNs the server itself returned.
//!
//! Here: the configuration ([`LdapSettings`] as given, [`LdapConfig`] validated, the password
//! handed in by the settings), [`read_ad`] and the [`ReadAd`] trait the gathering reads it
//! through (`fixture.rs`: a DC from a table, for tests); `connect` opens, secures and binds the
//! connection, `search` runs the paged searches and parses entries and computers, `zones`
//! reads the DNS zones and their records.

mod connect;
#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
mod lab_tests;
pub(crate) mod owners;
mod pool;
mod search;
mod zones;

pub(crate) use pool::{DEFAULT_CONNECTIONS, MAX_CONNECTIONS};

pub(crate) use connect::AdClient;

use std::path::PathBuf;
use std::time::Duration;

use super::Computer;
use crate::dns::DnsData;
use crate::input::Problems;
use crate::secret::{Secret, SecretError};

/// AD's default MaxPageSize.
pub(crate) const PAGE_SIZE: i32 = 1000;
/// TCP connect plus TLS handshake (and StartTLS).
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// One LDAP operation or one page of a search (AD's MaxQueryDuration is 120 s).
pub(crate) const OPERATION_TIMEOUT: Duration = Duration::from_secs(120);
/// The environment variable that may hold the bind password.
pub(crate) const PASSWORD_ENV: &str = "DDNS_AUDIT_LDAP_PASSWORD";

/// The computers search filter, from `queries/ldap/computers.filter`.
pub(crate) const COMPUTERS_FILTER: &str = include_str!("../../../queries/ldap/computers.filter");
/// The attributes read from computer objects, one per line, from `queries/ldap/computers.attributes`.
pub(crate) const COMPUTERS_ATTRIBUTES: &str = include_str!("../../../queries/ldap/computers.attributes");

/// LDAP result codes the messages distinguish (RFC 4511).
const RC_NO_SUCH_OBJECT: u32 = 32;
const RC_STRONGER_AUTH_REQUIRED: u32 = 8;
const RC_INSUFFICIENT_ACCESS: u32 = 50;
const RC_INVALID_CREDENTIALS: u32 = 49;

/// Why the directory could not be read. Each message says what to change.
/// Where the Kerberos bind's ticket comes from: on Windows the logon of the account running
/// ddns-audit (SSPI), elsewhere the ticket cache.
const KERBEROS_TICKET: &str = if cfg!(windows) {
    "run it as a domain account, such as the scheduled task's gMSA: `klist` in its session shows its tickets"
} else {
    "run kinit"
};

#[derive(Debug, thiserror::Error)]
pub enum LdapError {
    #[error("--ldap-url '{url}': {reason}")]
    BadUrl { url: String, reason: String },
    #[error("--ldap-url needs credentials: --bind-dn with --password-file (or {PASSWORD_ENV}), or --kerberos")]
    NoCredentials,
    #[error("--bind-dn and --kerberos both given; choose one")]
    BothBinds,
    #[error("--bind-dn {bind_dn} needs a password: --password-file FILE or the {PASSWORD_ENV} environment variable")]
    NoPassword { bind_dn: String },
    #[error("cannot read the password file {path}: {reason}")]
    PasswordFile { path: PathBuf, reason: String },
    #[error("--ca-file {path}: {reason}")]
    CaFile { path: PathBuf, reason: String },
    #[error("cannot reach the domain controller at {addr}: {reason} (check the host name, port and firewall)")]
    Unreachable { addr: String, reason: String },
    #[error("timed out {doing} with {addr} (no answer within {secs} s)")]
    Timeout { doing: &'static str, addr: String, secs: u64 },
    #[error("TLS with {addr} failed: {reason}")]
    Tls { addr: String, reason: String },
    #[error("{addr} refused StartTLS ({reason}); use ldaps:// (port 636), or give the DC a certificate")]
    StartTls { addr: String, reason: String },
    #[error("bind as '{bind_dn}' rejected by {addr}: wrong user name or password, or the account is locked or disabled (invalidCredentials, 49{diag})")]
    InvalidCredentials { bind_dn: String, addr: String, diag: String },
    #[error("{addr} requires stronger authentication (strongerAuthRequired, 8{diag}); use ldaps://, ldap:// with StartTLS, or --kerberos")]
    StrongerAuthRequired { addr: String, diag: String },
    #[error("--kerberos needs ddns-audit built with the `kerberos` feature (cargo build --features kerberos; needs the system's GSSAPI/Kerberos libraries, libkrb5-dev on Debian)")]
    KerberosUnavailable,
    #[error("Kerberos bind to {addr} as SPN ldap/{server_name} failed: {reason} ({}; the SPN needs the DC's FQDN: use a host name in --ldap-url or give --ldap-server-name; a DC that wants sign/seal refuses GSSAPI inside ldaps://: use ldap:// with --kerberos, which seals with Kerberos)", KERBEROS_TICKET)]
    Kerberos { addr: String, server_name: String, reason: String },
    #[error("{addr} did not say its defaultNamingContext in the RootDSE; give --base-dn")]
    NoNamingContext { addr: String },
    #[error("insufficient access rights {doing} on {addr} ({diag}); the bind account needs read access")]
    Access { doing: String, addr: String, diag: String },
    #[error("{doing} on {addr} failed: {reason}")]
    Operation { doing: String, addr: String, reason: String },
    /// The connection ended in the middle of an answer; the job is tried again once.
    #[error("{doing} on {addr} failed: the connection closed in the middle of the answer (premature end of search stream)")]
    ConnectionLost { doing: String, addr: String },
    #[error("cannot start the LDAP client's runtime: {0}")]
    Runtime(std::io::Error),
}

/// The live AD source as given (`--ldap-url` and its companions); [`LdapConfig::from_settings`]
/// validates it.
#[derive(Debug, Clone)]
pub struct LdapSettings {
    pub url: String,
    pub base_dn: Option<String>,
    pub bind_dn: Option<String>,
    pub password_file: Option<PathBuf>,
    pub kerberos: bool,
    pub ca_file: Option<PathBuf>,
    pub server_name: Option<String>,
}

/// How to bind.
#[derive(Debug, Clone)]
pub(crate) enum Auth {
    Simple { bind_dn: String, password: Secret },
    /// SASL GSSAPI with the caller's ticket cache.
    Kerberos,
}

/// A validated LDAP source: where, how to trust it, how to bind.
#[derive(Debug, Clone)]
pub(crate) struct LdapConfig {
    pub(crate) scheme: Scheme,
    /// The host to connect to, from the URL.
    pub(crate) host: String,
    pub(crate) port: u16,
    /// The DC's name for TLS verification and the Kerberos SPN: `--ldap-server-name`, else the URL's host.
    pub(crate) server_name: String,
    pub(crate) base_dn: Option<String>,
    pub(crate) auth: Auth,
    pub(crate) ca_file: Option<PathBuf>,
    /// Connections read side by side (`--ldap-connections`), at least 1.
    pub(crate) connections: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    /// `ldaps://`, TLS from the first byte (port 636).
    Ldaps,
    /// `ldap://` upgraded with StartTLS before anything else (port 389).
    StartTls,
}

impl LdapConfig {
    /// Validates the settings. `password` gives the bind password (`--password-file`'s first
    /// line, else `DDNS_AUDIT_LDAP_PASSWORD`: [`crate::secret::read`]); it is called only for a
    /// simple bind, after the URL and the choice of bind are found valid, so that a Kerberos
    /// bind reads no password and a wrong URL is said first.
    pub(crate) fn from_settings(s: &LdapSettings, password: impl FnOnce() -> Result<Option<Secret>, SecretError>) -> Result<LdapConfig, LdapError> {
        let bad = |reason: &str| LdapError::BadUrl { url: crate::secret::redact_url(&s.url), reason: reason.to_string() };
        // Without `://`, `user:secret@host` parses as scheme `user`: say what is expected
        // instead of naming a "scheme" that is really the start of the credentials.
        if !s.url.contains("://") {
            return Err(bad("expected ldaps://host or ldap://host"));
        }
        let url = url::Url::parse(s.url.trim()).map_err(|e| bad(&format!("not a URL ({e})")))?;
        let scheme = match url.scheme() {
            "ldaps" => Scheme::Ldaps,
            "ldap" => Scheme::StartTls,
            other => return Err(bad(&format!("scheme '{other}' is not ldaps:// or ldap://"))),
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad("credentials do not belong in the URL; use --bind-dn and --password-file"));
        }
        let host = match url.host() {
            Some(url::Host::Domain(d)) if !d.is_empty() => d.to_string(),
            Some(url::Host::Ipv4(a)) => a.to_string(),
            Some(url::Host::Ipv6(a)) => a.to_string(),
            _ => return Err(bad("no host (write ldaps://dc1.corp.example.test)")),
        };
        if !matches!(url.path(), "" | "/") || url.query().is_some() {
            return Err(bad("only scheme, host and port are used; give the base DN with --base-dn"));
        }
        let port = url.port().unwrap_or(match scheme {
            Scheme::Ldaps => 636,
            Scheme::StartTls => 389,
        });
        let server_name = s
            .server_name
            .as_deref()
            .map(|n| n.trim().trim_end_matches('.').to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| host.clone());
        let auth = match (&s.bind_dn, s.kerberos) {
            (Some(_), true) => return Err(LdapError::BothBinds),
            (None, false) => return Err(LdapError::NoCredentials),
            (None, true) => Auth::Kerberos,
            (Some(dn), false) => {
                let password = password().map_err(|e| LdapError::PasswordFile { path: e.path, reason: e.error.to_string() })?;
                let password = match (password, &s.password_file) {
                    (Some(p), Some(path)) if p.is_empty() => {
                        return Err(LdapError::PasswordFile { path: path.clone(), reason: "its first line is empty".into() });
                    }
                    (Some(p), _) => p,
                    (None, _) => return Err(LdapError::NoPassword { bind_dn: dn.clone() }),
                };
                Auth::Simple { bind_dn: dn.clone(), password }
            }
        };
        Ok(LdapConfig {
            scheme,
            host,
            port,
            server_name,
            base_dn: s.base_dn.clone().filter(|b| !b.trim().is_empty()),
            auth,
            ca_file: s.ca_file.clone(),
            connections: DEFAULT_CONNECTIONS,
        })
    }

    /// `host:port` for messages.
    pub(crate) fn addr(&self) -> String {
        if self.host.contains(':') { format!("[{}]:{}", self.host, self.port) } else { format!("{}:{}", self.host, self.port) }
    }

    /// The URL as the `source` of every record read (no credentials).
    pub(crate) fn source(&self) -> String {
        let scheme = match self.scheme {
            Scheme::Ldaps => "ldaps",
            Scheme::StartTls => "ldap",
        };
        format!("{scheme}://{}", self.addr())
    }
}

/// What the live directory gave.
#[derive(Debug, Default)]
pub(crate) struct AdData {
    pub(crate) computers: Vec<Computer>,
    pub(crate) dns: DnsData,
    pub(crate) problems: Problems,
    /// The AD domain's DNS name (from `defaultNamingContext`), the default `--domain`.
    pub(crate) domain: Option<String>,
    /// Record owners, authorized DHCP servers and zone update policies (issue #10).
    pub(crate) owners: owners::AdOwners,
}

/// The edge at the domain controllers, as [`crate::dns::live::Resolve`] is at the DNS
/// servers: everything the gathering reads of live AD (computers, zones and their records,
/// owners, authorized DHCP servers, the RootDSE's domain). [`Live`] reads over LDAP
/// ([`read_ad`]); `fixture::Ad` gives what it holds, so that the gathering and a whole run are
/// tested without a DC.
pub(crate) trait ReadAd: Send + Sync {
    /// AD as [`read_ad`] reads it; `on_domain` is called with the domain before the rest.
    fn read_ad(&self, config: &LdapConfig, on_domain: &mut dyn FnMut(Option<&str>)) -> Result<AdData, LdapError>;
}

/// The domain controller itself, over LDAP.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Live;

impl ReadAd for Live {
    fn read_ad(&self, config: &LdapConfig, on_domain: &mut dyn FnMut(Option<&str>)) -> Result<AdData, LdapError> {
        read_ad(config, on_domain)
    }
}

/// Connects, binds, reads everything over `config.connections` connections, unbinds. Runs its
/// own runtime so that the rest of the program stays synchronous. `on_domain` is called with
/// the AD domain as soon as the RootDSE has been read, before the enumeration (the DNS phase
/// needs only it and the leases).
pub(crate) fn read_ad(config: &LdapConfig, on_domain: impl FnOnce(Option<&str>)) -> Result<AdData, LdapError> {
    // Two threads: the connections' TLS and BER decoding beside the entries' parsing and merge.
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().map_err(LdapError::Runtime)?;
    let out = rt.block_on(read_all(config, on_domain));
    // The connections' tasks are dropped on the runtime's threads, and with `--kerberos` that
    // releases GSSAPI contexts inside MIT krb5: wait for it (bounded: an error leaves searches
    // in flight on the other connections), so that no thread is still in krb5 when the
    // process exits and krb5's own destructor runs (seen: `k5_mutex_lock: Assertion r == 0
    // failed`, an abort after the report was written, with `shutdown_background`).
    rt.shutdown_timeout(Duration::from_secs(5));
    out
}

async fn read_all(config: &LdapConfig, on_domain: impl FnOnce(Option<&str>)) -> Result<AdData, LdapError> {
    use pool::{Job, Key, Output};
    let first = AdClient::connect(config).await?;
    let domain = first.domain();
    on_domain(domain.as_deref());
    let source = std::sync::Arc::clone(&first.source);
    let (default_nc, root_nc) = (first.default_nc.clone(), first.root_nc.clone());
    let progress = pool::Progress::new(&first.base_dn, &first.dns_containers);
    let mut jobs = vec![(Key::Computers, Job::Computers)];
    jobs.extend(first.dns_containers.iter().enumerate().map(|(n, c)| (Key::Listing(n), Job::Listing(n, c.clone()))));
    let mut slots: Vec<Option<AdClient>> = std::iter::once(Some(first)).chain((1..config.connections.max(1)).map(|_| None)).collect();
    let connect = async || AdClient::connect(config).await;
    let no_domains = std::collections::HashMap::new();

    let mut out = AdData { domain, ..AdData::default() };
    let done = pool::run(&mut slots, jobs, &connect, &pool::Context { domains: &no_domains, progress: &progress }).await;
    progress.finish();
    for output in done?.into_values() {
        match output {
            Output::Computers(computers, problems) => {
                out.computers = computers;
                out.problems.append(problems);
            }
            Output::Listing(problems) => out.problems.append(problems),
            Output::Zone(zone, part) => zones::merge_zone(zone, part, &mut out.dns, &mut out.problems, &mut out.owners, &source),
            Output::Sid(..) | Output::Dhcp(..) => {}
        }
    }

    // Issue #10: the forest's domains, then each distinct owner SID and the authorized DHCP
    // servers, side by side.
    let config_nc = format!("CN=Configuration,{root_nc}");
    let domains = match slots.first_mut().and_then(Option::as_mut) {
        Some(client) => client.forest_domains(&config_nc, &mut out.problems).await,
        None => std::collections::HashMap::new(),
    };
    let mut jobs: Vec<(Key, Job)> = owners::owner_sids(&out.owners).into_iter().enumerate().map(|(n, sid)| (Key::Sid(n), Job::Sid(sid))).collect();
    jobs.push((Key::Dhcp, Job::Dhcp(config_nc)));
    let done = pool::run(&mut slots, jobs, &connect, &pool::Context { domains: &domains, progress: &progress }).await?;
    let mut servers = Vec::new();
    for output in done.into_values() {
        match output {
            Output::Sid(sid, resolved) => owners::record_sid(&mut out.owners, sid, resolved, &mut out.problems, &source),
            Output::Dhcp(found, problems) => {
                servers = found;
                out.problems.append(problems);
            }
            Output::Computers(..) | Output::Listing(..) | Output::Zone(..) => {}
        }
    }
    let netbios = owners::netbios_of(&domains, &default_nc);
    owners::attach_dhcp_servers(&mut out.owners, servers, &out.computers, netbios.as_deref());
    for client in slots.into_iter().flatten() {
        client.close().await;
    }
    Ok(out)
}

/// Maps a failed operation after the connection is up.
fn op_error(e: ldap3::LdapError, doing: &str, addr: &str) -> LdapError {
    match e {
        ldap3::LdapError::Timeout { .. } => LdapError::Timeout {
            doing: if doing.starts_with("binding") { "binding" } else { "waiting for a search reply" },
            addr: addr.to_string(),
            secs: OPERATION_TIMEOUT.as_secs(),
        },
        ldap3::LdapError::LdapResult { result } if result.rc == RC_STRONGER_AUTH_REQUIRED => {
            LdapError::StrongerAuthRequired { addr: addr.to_string(), diag: diag(&result.text) }
        }
        ldap3::LdapError::LdapResult { result } if result.rc == RC_INSUFFICIENT_ACCESS => {
            LdapError::Access { doing: doing.to_string(), addr: addr.to_string(), diag: result_text(result.rc, &result.text) }
        }
        ldap3::LdapError::EndOfStream => LdapError::ConnectionLost { doing: doing.to_string(), addr: addr.to_string() },
        other => LdapError::Operation { doing: doing.to_string(), addr: addr.to_string(), reason: other.to_string() },
    }
}

impl LdapError {
    /// Whether the connection itself failed mid-answer (not the DC's verdict on the request):
    /// worth one more try on a new connection.
    pub(crate) fn is_connection_lost(&self) -> bool {
        matches!(self, LdapError::ConnectionLost { .. })
    }
}

fn diag(text: &str) -> String {
    let t = text.trim().trim_end_matches('\0');
    if t.is_empty() { String::new() } else { format!(": {t}") }
}

fn result_text(rc: u32, text: &str) -> String {
    let name = match rc {
        1 => "operationsError",
        2 => "protocolError",
        3 => "timeLimitExceeded",
        4 => "sizeLimitExceeded",
        8 => "strongerAuthRequired",
        10 => "referral",
        11 => "adminLimitExceeded",
        32 => "noSuchObject",
        49 => "invalidCredentials",
        50 => "insufficientAccessRights",
        51 => "busy",
        52 => "unavailable",
        53 => "unwillingToPerform",
        _ => "result",
    };
    format!("{name} ({rc}){}", diag(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::RecordData;
    use crate::timefmt::{from_dns_hours, from_filetime};

    /// A bind password given by the settings.
    pub(super) fn pw(p: &'static str) -> impl FnOnce() -> Result<Option<Secret>, SecretError> {
        move || Ok(Some(Secret::new(p)))
    }

    fn no_pw() -> Result<Option<Secret>, SecretError> {
        Ok(None)
    }

    /// The password as the settings read it: `--password-file`, else the environment.
    fn read_pw(s: &LdapSettings) -> impl FnOnce() -> Result<Option<Secret>, SecretError> + '_ {
        || crate::secret::read(s.password_file.as_deref(), PASSWORD_ENV)
    }

    pub(super) fn settings() -> LdapSettings {
        LdapSettings {
            url: "ldaps://dc1.corp.example.test".into(),
            base_dn: None,
            bind_dn: Some("CN=audit,CN=Users,DC=corp,DC=example,DC=test".into()),
            password_file: None,
            kerberos: false,
            ca_file: None,
            server_name: None,
        }
    }

    #[test]
    fn config_from_settings() {
        let c = LdapConfig::from_settings(&settings(), pw("s3cret")).unwrap();
        assert_eq!((c.scheme, c.port, c.host.as_str(), c.server_name.as_str()), (Scheme::Ldaps, 636, "dc1.corp.example.test", "dc1.corp.example.test"));
        assert_eq!(c.source(), "ldaps://dc1.corp.example.test:636");
        assert!(!format!("{c:?}").contains("s3cret"), "password in Debug output");

        let s = LdapSettings { url: "ldap://10.77.0.2".into(), server_name: Some("DC1.corp.example.test.".into()), ..settings() };
        let c = LdapConfig::from_settings(&s, pw("x")).unwrap();
        assert_eq!((c.scheme, c.port, c.server_name.as_str()), (Scheme::StartTls, 389, "DC1.corp.example.test"));

        let e = LdapConfig::from_settings(&settings(), no_pw).unwrap_err().to_string();
        assert!(e.contains("needs a password"), "{e}");
        let e = LdapConfig::from_settings(&LdapSettings { url: "http://x".into(), ..settings() }, pw("x")).unwrap_err().to_string();
        assert!(e.contains("scheme 'http'"), "{e}");
        let e = LdapConfig::from_settings(&LdapSettings { url: "ldaps://u:pw@dc1".into(), ..settings() }, pw("x")).unwrap_err().to_string();
        assert!(e.contains("credentials do not belong") && !e.contains("pw"), "{e}");
        // No scheme: `user:secret@host` would parse as scheme `user`; nothing before `@` is shown.
        let e = LdapConfig::from_settings(&LdapSettings { url: "admin:s3cret@dc1".into(), ..settings() }, pw("x")).unwrap_err().to_string();
        assert_eq!(e, "--ldap-url 'dc1': expected ldaps://host or ldap://host");
        let e = LdapConfig::from_settings(&LdapSettings { url: "ldaps://admin:s3/cret@dc1".into(), ..settings() }, pw("x")).unwrap_err().to_string();
        assert!(e.starts_with("--ldap-url 'ldaps://dc1': ") && !e.contains("s3"), "{e}");
        let e = LdapConfig::from_settings(&LdapSettings { bind_dn: None, ..settings() }, no_pw).unwrap_err().to_string();
        assert!(e.contains("--kerberos"), "{e}");
        let e = LdapConfig::from_settings(&LdapSettings { kerberos: true, ..settings() }, no_pw).unwrap_err().to_string();
        assert!(e.contains("choose one"), "{e}");
        let k = LdapConfig::from_settings(&LdapSettings { bind_dn: None, kerberos: true, ..settings() }, no_pw).unwrap();
        assert!(matches!(k.auth, Auth::Kerberos));
    }

    #[test]
    fn password_file_first_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pw");
        let s = LdapSettings { password_file: Some(p.clone()), ..settings() };
        let password = |s: &LdapSettings| match LdapConfig::from_settings(s, read_pw(s)).map(|c| c.auth) {
            Ok(Auth::Simple { password, .. }) => Ok(password.expose().to_string()),
            Ok(Auth::Kerberos) => Ok("kerberos".into()),
            Err(e) => Err(e.to_string()),
        };
        std::fs::write(&p, "p@ss word\r\nsecond\n").unwrap();
        assert_eq!(password(&s).unwrap(), "p@ss word");
        std::fs::write(&p, "\n").unwrap();
        assert!(password(&s).is_err());
        std::fs::write(&p, "fromfile").unwrap();
        assert_eq!(password(&s).unwrap(), "fromfile");
        // A Kerberos bind reads no password file, not even a missing one.
        let k = LdapSettings { bind_dn: None, kerberos: true, password_file: Some(dir.path().join("absent")), ..settings() };
        assert_eq!(password(&k).unwrap(), "kerberos");
    }

    #[test]
    fn filter_and_attributes_are_embedded() {
        assert_eq!(COMPUTERS_FILTER.trim(), "(&(objectCategory=computer)(objectClass=computer))");
        assert!(ldap3::parse_filter(COMPUTERS_FILTER.trim()).is_ok());
        let attrs: Vec<&str> = COMPUTERS_ATTRIBUTES.lines().collect();
        assert!(attrs.contains(&"dNSHostName") && attrs.contains(&"lastLogonTimestamp"));
        // No value from the data goes into a filter; if one ever does, it must be escaped:
        assert_eq!(ldap3::ldap_escape("pc*)(cn=x\\"), "pc\\2a\\29\\28cn=x\\5c");
    }

    /// Against the Samba AD lab (tests/lab/up.sh): checks what plant.py planted. Ignored by
    /// plain `cargo test`; tests/run.sh runs it with the lab up, and fails it without.
    #[test]
    #[ignore = "needs the lab: tests/run.sh starts it"]
    fn lab_reads_the_planted_world() {
        let env = |k: &str| std::env::var(k).ok();
        let (Some(url), Some(dn), Some(pw), Some(ca)) = (env("LAB_LDAPS_URL"), env("LAB_BIND_DN"), env("LAB_PASSWORD_FILE"), env("LAB_CA_FILE")) else {
            panic!("the lab is not up: LAB_LDAPS_URL, LAB_BIND_DN, LAB_PASSWORD_FILE or LAB_CA_FILE unset (run tests/run.sh)");
        };
        let s = LdapSettings { url, bind_dn: Some(dn), password_file: Some(pw.into()), ca_file: Some(ca.into()), ..settings() };
        let ad = read_ad(&LdapConfig::from_settings(&s, read_pw(&s)).unwrap(), |_| {}).unwrap();
        assert_eq!(ad.domain.as_deref(), Some("corp.example.test"));
        let pc = |n: &str| ad.computers.iter().find(|c| c.name.eq_ignore_ascii_case(n)).unwrap_or_else(|| panic!("no computer {n}"));
        assert_eq!(pc("FRESH-01").enabled, Some(true));
        assert_eq!(pc("FRESH-01").dns_host_name.as_deref(), Some("fresh-01.corp.example.test"));
        assert_eq!(pc("FRESH-01").last_logon, from_filetime(134_395_632_000_000_000));
        assert_eq!(pc("DISABLED-01").enabled, Some(false));
        let zone = |n: &str| ad.dns.zone_by_name(n).map(|i| &ad.dns.zones[i.index()]).unwrap_or_else(|| panic!("no zone {n}"));
        assert_eq!(zone("corp.example.test").aging.enabled, Some(true));
        assert_eq!(zone("corp.example.test").aging.no_refresh, Some(chrono::TimeDelta::hours(168)));
        assert_eq!(zone("78.10.in-addr.arpa").aging.enabled, Some(false));
        zone("forest.example.test");
        zone("7.7.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
        let recs = |n: &str| ad.dns.records.iter().filter(|r| r.name == n).collect::<Vec<_>>();
        let frozen = recs("frozen-01.corp.example.test");
        assert_eq!(frozen.len(), 1);
        assert_eq!(frozen[0].data, RecordData::Addr("10.77.1.20".parse().unwrap()));
        assert_eq!(frozen[0].timestamp, from_dns_hours(3_732_756));
        assert_eq!(frozen[0].ttl, Some(1200));
        assert_eq!(recs("static-01.corp.example.test")[0].timestamp, None);
        assert!(recs("tomb-01.corp.example.test").is_empty());
        assert_eq!(recs("20.1.77.10.in-addr.arpa")[0].data, RecordData::Ptr("frozen-01.corp.example.test".into()));
        assert_eq!(recs("v6-01.corp.example.test")[0].data, RecordData::Addr("2001:db8:77::10".parse().unwrap()));
        assert_eq!(recs("forest-01.forest.example.test").len(), 1);
        // The Administrator reads the zone that the lab's auditor user is denied (world.md, "Rights").
        zone("restricted.example.test");
        assert_eq!(recs("secret-01.restricted.example.test").len(), 1);
        assert!(ad.problems.list.iter().any(|p| p.detail.contains("tomb-01") && p.detail.contains("tombstoned")));
    }
}
