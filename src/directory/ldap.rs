//! The live Active Directory source: one LDAP connection (LDAPS, or LDAP with StartTLS; never a
//! password in clear), one bind (simple, or Kerberos with the `kerberos` cargo feature), the
//! RootDSE, then paged searches for computer objects and for the AD-integrated DNS zones
//! (`dnsZone` with aging from `dNSProperty`) and their records (`dnsNode`/`dnsRecord`, decoded
//! by [`super::dnsp`]). Produces the same [`Computer`] and [`DnsData`] values as the offline
//! readers. Errors are [`LdapError`], each saying what to do; a zone the account may not read
//! is a problem in the summary, not a failure.
//!
//! No value taken from the data or the command line is ever put into a search filter: the
//! filters are constants (the computers filter is `queries/ldap/computers.filter`, embedded at
//! build time) and bases are DNs the server itself returned.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ldap3::adapters::{Adapter, EntriesOnly, PagedResults};
use ldap3::{Ldap, LdapConnAsync, LdapConnSettings, ResultEntry, Scope, StdStream};
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};

use super::Computer;
use super::dnsp::{self, RecordValue};
use super::ldap_tls::Presented;
use crate::dns::{DnsData, DnsRecord, RecordData, normalize_name};
use crate::input::{Problems, SkipReason};
use crate::settings::LdapSettings;
use crate::timefmt::{from_dns_hours, from_filetime};

/// AD's default MaxPageSize.
pub const PAGE_SIZE: i32 = 1000;
/// TCP connect plus TLS handshake (and StartTLS).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// One LDAP operation or one page of a search (AD's MaxQueryDuration is 120 s).
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(120);
/// The environment variable that may hold the bind password.
pub const PASSWORD_ENV: &str = "DDNS_AUDIT_LDAP_PASSWORD";

/// The computers search filter, from `queries/ldap/computers.filter`.
pub const COMPUTERS_FILTER: &str = include_str!("../../queries/ldap/computers.filter");
/// The attributes read from computer objects, one per line, from `queries/ldap/computers.attributes`.
pub const COMPUTERS_ATTRIBUTES: &str = include_str!("../../queries/ldap/computers.attributes");

const ZONE_FILTER: &str = "(objectClass=dnsZone)";
const ZONE_ATTRIBUTES: [&str; 2] = ["name", "dNSProperty"];
const NODE_FILTER: &str = "(objectClass=dnsNode)";
const NODE_ATTRIBUTES: [&str; 3] = ["name", "dnsRecord", "dNSTombstoned"];
/// Zones every AD DNS partition has that hold no host data.
const SKIPPED_ZONES: [&str; 2] = ["rootdnsservers", "..trustanchors"];

/// LDAP result codes the messages distinguish (RFC 4511).
const RC_NO_SUCH_OBJECT: u32 = 32;
const RC_STRONGER_AUTH_REQUIRED: u32 = 8;
const RC_INSUFFICIENT_ACCESS: u32 = 50;
const RC_INVALID_CREDENTIALS: u32 = 49;

/// Why the directory could not be read. Each message says what to change.
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
    #[error("Kerberos bind to {addr} as SPN ldap/{server_name} failed: {reason} (run kinit; the SPN needs the DC's FQDN: use a host name in --ldap-url or give --ldap-server-name; a DC that wants sign/seal refuses GSSAPI inside ldaps://: use ldap:// with --kerberos, which seals with Kerberos)")]
    Kerberos { addr: String, server_name: String, reason: String },
    #[error("{addr} did not say its defaultNamingContext in the RootDSE; give --base-dn")]
    NoNamingContext { addr: String },
    #[error("insufficient access rights {doing} on {addr} ({diag}); the bind account needs read access")]
    Access { doing: String, addr: String, diag: String },
    #[error("{doing} on {addr} failed: {reason}")]
    Operation { doing: String, addr: String, reason: String },
    #[error("cannot start the LDAP client's runtime: {0}")]
    Runtime(std::io::Error),
}

/// A password that never shows in debug output or logs.
#[derive(Clone)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// How to bind.
#[derive(Debug, Clone)]
pub enum Auth {
    Simple { bind_dn: String, password: Password },
    /// SASL GSSAPI with the caller's ticket cache.
    Kerberos,
}

/// A validated LDAP source: where, how to trust it, how to bind.
#[derive(Debug, Clone)]
pub struct LdapConfig {
    pub scheme: Scheme,
    /// The host to connect to, from the URL.
    pub host: String,
    pub port: u16,
    /// The DC's name for TLS verification and the Kerberos SPN: `--ldap-server-name`, else the URL's host.
    pub server_name: String,
    pub base_dn: Option<String>,
    pub auth: Auth,
    pub ca_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `ldaps://`, TLS from the first byte (port 636).
    Ldaps,
    /// `ldap://` upgraded with StartTLS before anything else (port 389).
    StartTls,
}

impl LdapConfig {
    /// Validates the settings and reads the password (`--password-file` first line, else
    /// `env_password`, normally `DDNS_AUDIT_LDAP_PASSWORD`).
    pub fn from_settings(s: &LdapSettings, env_password: Option<String>) -> Result<LdapConfig, LdapError> {
        let bad = |reason: &str| LdapError::BadUrl { url: crate::input::redact_url(&s.url), reason: reason.to_string() };
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
                let password = match &s.password_file {
                    Some(path) => read_password_file(path)?,
                    None => env_password.filter(|p| !p.is_empty()).ok_or_else(|| LdapError::NoPassword { bind_dn: dn.clone() })?,
                };
                Auth::Simple { bind_dn: dn.clone(), password: Password(password) }
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
        })
    }

    /// `host:port` for messages.
    pub fn addr(&self) -> String {
        if self.host.contains(':') { format!("[{}]:{}", self.host, self.port) } else { format!("{}:{}", self.host, self.port) }
    }

    /// The URL as the `source` of every record read (no credentials).
    pub fn source(&self) -> String {
        let scheme = match self.scheme {
            Scheme::Ldaps => "ldaps",
            Scheme::StartTls => "ldap",
        };
        format!("{scheme}://{}", self.addr())
    }
}

/// The first line of a password file, without its line ending.
pub fn read_password_file(path: &Path) -> Result<String, LdapError> {
    let first = crate::input::read_secret_line(path)
        .map_err(|e| LdapError::PasswordFile { path: path.to_path_buf(), reason: e.to_string() })?;
    if first.is_empty() {
        return Err(LdapError::PasswordFile { path: path.to_path_buf(), reason: "its first line is empty".into() });
    }
    Ok(first)
}


/// What the live directory gave.
#[derive(Debug, Default)]
pub struct AdData {
    pub computers: Vec<Computer>,
    pub dns: DnsData,
    pub problems: Problems,
    /// The AD domain's DNS name (from `defaultNamingContext`), the default `--domain`.
    pub domain: Option<String>,
}

/// The boundary the run calls: computers and DNS data from a directory.
#[allow(async_fn_in_trait)]
pub trait DirectorySource {
    /// The AD domain's DNS name, if known.
    fn domain(&self) -> Option<String>;
    /// Appends every computer object to `out`.
    async fn computers(&mut self, out: &mut Vec<Computer>, problems: &mut Problems) -> Result<(), LdapError>;
    /// Adds every AD-integrated zone (with aging) and its A/AAAA/PTR/CNAME records to `data`.
    async fn dns(&mut self, data: &mut DnsData, problems: &mut Problems) -> Result<(), LdapError>;
}

/// Connects, binds, reads everything, unbinds. Runs its own single-threaded runtime so that
/// the rest of the program stays synchronous.
pub fn read_ad(settings: &LdapSettings) -> Result<AdData, LdapError> {
    let config = LdapConfig::from_settings(settings, std::env::var(PASSWORD_ENV).ok())?;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(LdapError::Runtime)?;
    rt.block_on(async {
        let mut client = AdClient::connect(&config).await?;
        let mut out = AdData { domain: client.domain(), ..AdData::default() };
        client.computers(&mut out.computers, &mut out.problems).await?;
        client.dns(&mut out.dns, &mut out.problems).await?;
        client.close().await;
        Ok(out)
    })
}

/// A bound connection to a domain controller, with what its RootDSE said.
pub struct AdClient {
    ldap: Ldap,
    addr: String,
    source: Arc<str>,
    base_dn: String,
    default_nc: String,
    /// `CN=MicrosoftDNS,...` containers to read zones from.
    dns_containers: Vec<String>,
}

impl AdClient {
    /// Opens the TLS connection, binds and reads the RootDSE.
    pub async fn connect(config: &LdapConfig) -> Result<AdClient, LdapError> {
        let addr = config.addr();
        let capture = Arc::new(Mutex::new(None));
        let tls = tls_config(config.ca_file.as_deref(), Arc::clone(&capture))?;
        let stream = tcp_connect(config).await?;
        let settings = LdapConnSettings::new()
            .set_conn_timeout(CONNECT_TIMEOUT)
            .set_config(tls)
            .set_starttls(config.scheme == Scheme::StartTls && !matches!(config.auth, Auth::Kerberos))
            .set_std_stream(StdStream::Tcp(stream));
        // Kerberos on ldap:// skips StartTLS: ldap3 then negotiates GSSAPI sealing (privacy),
        // which AD and Samba accept on port 389, while Samba refuses GSSAPI without sign/seal
        // inside TLS. No password is ever sent with Kerberos.
        // The URL's host is what ldap3 verifies the certificate against: the server name.
        let scheme = if config.scheme == Scheme::Ldaps { "ldaps" } else { "ldap" };
        let name = if config.server_name.contains(':') { format!("[{}]", config.server_name) } else { config.server_name.clone() };
        let url = format!("{scheme}://{name}:{}", config.port);
        let (conn, mut ldap) = LdapConnAsync::with_settings(settings, &url)
            .await
            .map_err(|e| connect_error(e, config, &capture))?;
        ldap3::drive!(conn);

        match &config.auth {
            Auth::Simple { bind_dn, password } => {
                let res = ldap
                    .with_timeout(OPERATION_TIMEOUT)
                    .simple_bind(bind_dn, &password.0)
                    .await
                    .map_err(|e| op_error(e, "binding", &addr))?;
                match res.rc {
                    0 => {}
                    RC_INVALID_CREDENTIALS => {
                        return Err(LdapError::InvalidCredentials { bind_dn: bind_dn.clone(), addr, diag: diag(&res.text) });
                    }
                    RC_STRONGER_AUTH_REQUIRED => return Err(LdapError::StrongerAuthRequired { addr, diag: diag(&res.text) }),
                    rc => {
                        return Err(LdapError::Operation { doing: format!("binding as '{bind_dn}'"), addr, reason: result_text(rc, &res.text) });
                    }
                }
            }
            Auth::Kerberos => kerberos_bind(&mut ldap, config).await?,
        }

        let root = search_base(&mut ldap, "", &["defaultNamingContext", "rootDomainNamingContext", "namingContexts"], &addr).await?;
        let first = |k: &str| root.get(k).and_then(|v| v.first()).map(|v| String::from_utf8_lossy(v).to_string());
        let default_nc = first("defaultnamingcontext").ok_or_else(|| LdapError::NoNamingContext { addr: addr.clone() })?;
        let root_nc = first("rootdomainnamingcontext").unwrap_or_else(|| default_nc.clone());
        let ncs: Vec<String> = root
            .get("namingcontexts")
            .map(|v| v.iter().map(|b| String::from_utf8_lossy(b).to_string()).collect())
            .unwrap_or_default();
        let dns_containers = dns_containers(&default_nc, &root_nc, &ncs);
        let base_dn = config.base_dn.clone().unwrap_or_else(|| default_nc.clone());
        Ok(AdClient { ldap, addr, source: Arc::from(config.source()), base_dn, default_nc, dns_containers })
    }

    /// Unbinds; errors here change nothing.
    pub async fn close(mut self) {
        let _ = self.ldap.unbind().await;
    }

    /// Runs a paged search, calling `each` for every entry. `Ok(false)` when the base does not
    /// exist; insufficient access comes back as [`LdapError::Access`].
    async fn paged(
        &mut self,
        base: &str,
        scope: Scope,
        filter: &str,
        attrs: Vec<&'static str>,
        doing: &str,
        mut each: impl FnMut(Entry),
    ) -> Result<bool, LdapError> {
        let adapters: Vec<Box<dyn Adapter<'static, &'static str, Vec<&'static str>>>> =
            vec![Box::new(EntriesOnly::new()), Box::new(PagedResults::new(PAGE_SIZE))];
        let mut stream = self
            .ldap
            .with_timeout(OPERATION_TIMEOUT)
            .streaming_search_with(adapters, base, scope, filter, attrs)
            .await
            .map_err(|e| op_error(e, doing, &self.addr))?;
        let mut failed = None;
        loop {
            match stream.next().await {
                Ok(Some(re)) => match parse_entry(re) {
                    Some(e) => each(e),
                    None => {
                        failed = Some(LdapError::Operation {
                            doing: doing.to_string(),
                            addr: self.addr.clone(),
                            reason: "the server sent an entry that is not a well-formed SearchResultEntry".into(),
                        });
                        break;
                    }
                },
                Ok(None) => break,
                Err(e) => {
                    failed = Some(op_error(e, doing, &self.addr));
                    break;
                }
            }
        }
        let res = stream.finish().await;
        if let Some(e) = failed {
            return Err(e);
        }
        match res.rc {
            0 => Ok(true),
            RC_NO_SUCH_OBJECT => Ok(false),
            RC_INSUFFICIENT_ACCESS => Err(LdapError::Access { doing: doing.to_string(), addr: self.addr.clone(), diag: result_text(res.rc, &res.text) }),
            rc => Err(LdapError::Operation { doing: doing.to_string(), addr: self.addr.clone(), reason: result_text(rc, &res.text) }),
        }
    }
}

impl DirectorySource for AdClient {
    fn domain(&self) -> Option<String> {
        domain_of_dn(&self.default_nc)
    }

    async fn computers(&mut self, out: &mut Vec<Computer>, problems: &mut Problems) -> Result<(), LdapError> {
        let attrs: Vec<&'static str> = COMPUTERS_ATTRIBUTES.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
        let base = self.base_dn.clone();
        let source = Arc::clone(&self.source);
        let doing = format!("searching computers under '{base}'");
        let found = self
            .paged(&base, Scope::Subtree, COMPUTERS_FILTER.trim(), attrs, &doing, |e| match computer_from_entry(&e, &source) {
                Some(c) => out.push(c),
                None => problems.push(&source, 0, SkipReason::MissingField, format!("{}: no cn or sAMAccountName", e.dn)),
            })
            .await?;
        if !found {
            return Err(LdapError::Operation { doing, addr: self.addr.clone(), reason: "no such object: check --base-dn".into() });
        }
        Ok(())
    }

    async fn dns(&mut self, data: &mut DnsData, problems: &mut Problems) -> Result<(), LdapError> {
        let source = Arc::clone(&self.source);
        let mut zones: Vec<(String, String, Vec<Vec<u8>>)> = Vec::new();
        for container in self.dns_containers.clone() {
            let doing = format!("listing DNS zones under '{container}'");
            let result = self
                .paged(&container, Scope::OneLevel, ZONE_FILTER, ZONE_ATTRIBUTES.to_vec(), &doing, |mut e| {
                    let name = e.first_str("name").unwrap_or_default();
                    let props = e.attrs.remove("dnsproperty").unwrap_or_default();
                    zones.push((e.dn, name, props));
                })
                .await;
            match result {
                Ok(_) => {}
                Err(LdapError::Access { diag, .. }) => {
                    problems.push(&source, 0, SkipReason::AccessDenied, format!("{container}: cannot list its DNS zones: insufficient access rights ({diag})"));
                }
                Err(e) => return Err(e),
            }
        }
        for (zone_dn, name, props) in zones {
            let zone_name = normalize_name(&name);
            if zone_name.is_empty() || SKIPPED_ZONES.contains(&zone_name.as_str()) || zone_name.starts_with("..") {
                continue;
            }
            let zone_source: Arc<str> = Arc::from(format!("{}/{}", self.source, zone_dn));
            let (aging, errors) = dnsp::zone_aging(props.iter().map(Vec::as_slice));
            for e in errors {
                problems.push(&source, 0, SkipReason::Malformed, format!("zone {zone_name}: dNSProperty: {e}"));
            }
            let doing = format!("reading zone {zone_name}");
            let mut nodes = Vec::new();
            let result = self
                .paged(&zone_dn, Scope::OneLevel, NODE_FILTER, NODE_ATTRIBUTES.to_vec(), &doing, |e| nodes.push(e))
                .await;
            match result {
                Ok(_) => {}
                Err(LdapError::Access { diag, .. }) => {
                    problems.push(&source, 0, SkipReason::AccessDenied, format!("zone {zone_name}: its records cannot be read: insufficient access rights ({diag})"));
                    continue;
                }
                Err(e) => return Err(e),
            }
            // Every zone has at least its apex (`@`, SOA and NS). AD does not refuse a search the
            // account may not read: it hides the entries. A zone whose apex is not visible is
            // therefore unusable (as a zone export without its SOA), so that its names come out
            // `unknown`, never `missing`.
            let apex_visible = nodes.iter().any(|n| n.first_str("name").is_some_and(|l| l == "@"));
            if !apex_visible {
                let what = if nodes.is_empty() { "no record is visible" } else { "its apex (@) is not visible" };
                problems.push(&source, 0, SkipReason::AccessDenied, format!(
                    "zone {zone_name}: {what}, not even its SOA at @: the bind account probably may not read it (its names are reported unknown)"
                ));
            }
            let zone = data.zone_id(&zone_name, &zone_source);
            data.apex_seen(zone, apex_visible);
            if let Some(z) = data.zones.get_mut(zone)
                && z.aging == crate::dns::ZoneAging::default()
            {
                z.aging = aging;
            }
            for node in nodes {
                add_node(node, &zone_name, zone, data, problems, &source);
            }
        }
        Ok(())
    }
}

/// Decodes one `dnsNode` into records.
fn add_node(node: Entry, zone_name: &str, zone: usize, data: &mut DnsData, problems: &mut Problems, source: &Arc<str>) {
    let label = node.first_str("name").unwrap_or_default();
    let owner = if label == "@" || label.is_empty() { zone_name.to_string() } else { normalize_name(&format!("{label}.{zone_name}")) };
    if node.first_str("dnstombstoned").is_some_and(|t| t.eq_ignore_ascii_case("TRUE")) {
        problems.push(source, 0, SkipReason::UnusedType, format!("{owner}: tombstoned node (deleted record)"));
        return;
    }
    for bytes in node.attrs.get("dnsrecord").map(Vec::as_slice).unwrap_or_default() {
        let r = match dnsp::decode_record(bytes) {
            Ok(r) => r,
            Err(e) => {
                problems.push(source, 0, SkipReason::Malformed, format!("{owner}: dnsRecord: {e}"));
                continue;
            }
        };
        let rdata = match r.value {
            RecordValue::A(a) => RecordData::Addr(a.into()),
            RecordValue::Aaaa(a) => RecordData::Addr(a.into()),
            RecordValue::Ptr(t) => RecordData::Ptr(normalize_name(&t)),
            RecordValue::Cname(t) => RecordData::Cname(normalize_name(&t)),
            RecordValue::Tombstone { .. } => {
                problems.push(source, 0, SkipReason::UnusedType, format!("{owner}: tombstone record (deleted)"));
                continue;
            }
            RecordValue::Other => {
                problems.push(source, 0, SkipReason::UnusedType, format!("{owner}: type {} record", r.rtype));
                continue;
            }
        };
        let timestamp = if r.timestamp_hours == 0 { None } else { from_dns_hours(r.timestamp_hours) };
        data.records.push(DnsRecord { name: owner.clone(), data: rdata, timestamp, ttl: Some(r.ttl_seconds), zone });
    }
}

/// One search result entry: DN and attributes (names lowercase, options such as `;binary`
/// removed), every value as raw bytes.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Entry {
    pub dn: String,
    pub attrs: HashMap<String, Vec<Vec<u8>>>,
}

impl Entry {
    /// The first value of `attr` (lowercase name) as text, if any.
    pub fn first_str(&self, attr: &str) -> Option<String> {
        self.attrs.get(attr)?.first().map(|v| String::from_utf8_lossy(v).trim().to_string())
    }
}

/// Parses a SearchResultEntry without panicking (ldap3's `SearchEntry::construct` panics on
/// malformed input and splits values by UTF-8 validity). `None` when malformed.
pub fn parse_entry(re: ResultEntry) -> Option<Entry> {
    let mut parts = re.0.match_id(4)?.expect_constructed()?.into_iter();
    let dn = String::from_utf8(parts.next()?.expect_primitive()?).ok()?;
    let mut attrs: HashMap<String, Vec<Vec<u8>>> = HashMap::new();
    for a in parts.next()?.expect_constructed()? {
        let mut pa = a.expect_constructed()?.into_iter();
        let name = String::from_utf8(pa.next()?.expect_primitive()?).ok()?;
        let key = name.split(';').next().unwrap_or_default().to_ascii_lowercase();
        let values = pa.next()?.expect_constructed()?.into_iter().map(|t| t.expect_primitive()).collect::<Option<Vec<_>>>()?;
        attrs.entry(key).or_default().extend(values);
    }
    Some(Entry { dn, attrs })
}

/// A computer object as [`Computer`]; `None` without a usable name.
pub fn computer_from_entry(e: &Entry, source: &Arc<str>) -> Option<Computer> {
    let name = e
        .first_str("cn")
        .filter(|n| !n.is_empty())
        .or_else(|| e.first_str("samaccountname").map(|s| s.trim_end_matches('$').to_string()).filter(|n| !n.is_empty()))?;
    let uac = e.first_str("useraccountcontrol").and_then(|v| v.parse::<i64>().ok());
    Some(Computer {
        name,
        dns_host_name: e.first_str("dnshostname").map(|d| normalize_name(&d)).filter(|d| !d.is_empty()),
        enabled: uac.map(|u| u & 0x2 == 0),
        last_logon: e.first_str("lastlogontimestamp").and_then(|v| v.parse::<i64>().ok()).and_then(from_filetime),
        operating_system: e.first_str("operatingsystem").filter(|o| !o.is_empty()),
        dn: Some(e.dn.clone()),
        source: Arc::clone(source),
        line: 0,
    })
}

/// `DC=corp,DC=example,DC=test` → `corp.example.test` (the `DC=` components, in order).
pub fn domain_of_dn(dn: &str) -> Option<String> {
    let labels: Vec<String> = dn
        .split(',')
        .filter_map(|rdn| {
            let (k, v) = rdn.split_once('=')?;
            k.trim().eq_ignore_ascii_case("dc").then(|| v.trim().to_ascii_lowercase())
        })
        .collect();
    if labels.is_empty() { None } else { Some(labels.join(".")) }
}

/// The `CN=MicrosoftDNS` containers of the domain and forest DNS application partitions (as
/// the RootDSE lists them, else by their usual names) and the legacy one in the domain NC.
pub fn dns_containers(default_nc: &str, root_nc: &str, naming_contexts: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let has_prefix = |nc: &str, p: &str| nc.len() > p.len() && nc.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
    let mut seen_domain = false;
    let mut seen_forest = false;
    for nc in naming_contexts {
        if has_prefix(nc, "DC=DomainDnsZones,") {
            seen_domain = true;
            out.push(format!("CN=MicrosoftDNS,{nc}"));
        } else if has_prefix(nc, "DC=ForestDnsZones,") {
            seen_forest = true;
            out.push(format!("CN=MicrosoftDNS,{nc}"));
        }
    }
    if !seen_domain {
        out.push(format!("CN=MicrosoftDNS,DC=DomainDnsZones,{default_nc}"));
    }
    if !seen_forest {
        out.push(format!("CN=MicrosoftDNS,DC=ForestDnsZones,{root_nc}"));
    }
    out.push(format!("CN=MicrosoftDNS,CN=System,{default_nc}"));
    out
}

/// A base-scope read of one object (the RootDSE with `base` = "").
async fn search_base(ldap: &mut Ldap, base: &str, attrs: &[&str], addr: &str) -> Result<HashMap<String, Vec<Vec<u8>>>, LdapError> {
    let doing = if base.is_empty() { "reading the RootDSE".to_string() } else { format!("reading '{base}'") };
    let res = ldap
        .with_timeout(OPERATION_TIMEOUT)
        .search(base, Scope::Base, "(objectClass=*)", attrs.to_vec())
        .await
        .map_err(|e| op_error(e, &doing, addr))?;
    let (entries, result) = (res.0, res.1);
    if result.rc != 0 {
        return Err(LdapError::Operation { doing, addr: addr.to_string(), reason: result_text(result.rc, &result.text) });
    }
    Ok(entries.into_iter().find_map(parse_entry).map(|e| e.attrs).unwrap_or_default())
}

#[cfg(feature = "kerberos")]
async fn kerberos_bind(ldap: &mut Ldap, config: &LdapConfig) -> Result<(), LdapError> {
    let fail = |reason: String| LdapError::Kerberos { addr: config.addr(), server_name: config.server_name.clone(), reason };
    let res = ldap.with_timeout(OPERATION_TIMEOUT).sasl_gssapi_bind(&config.server_name).await.map_err(|e| fail(e.to_string()))?;
    if res.rc != 0 {
        return Err(fail(result_text(res.rc, &res.text)));
    }
    Ok(())
}

#[cfg(not(feature = "kerberos"))]
async fn kerberos_bind(_ldap: &mut Ldap, _config: &LdapConfig) -> Result<(), LdapError> {
    Err(LdapError::KerberosUnavailable)
}

/// TCP to the URL's host and port, with the connect timeout. Done here (not by ldap3) so that
/// the TLS name can differ from the address (`--ldap-server-name`).
async fn tcp_connect(config: &LdapConfig) -> Result<std::net::TcpStream, LdapError> {
    let addr = config.addr();
    let target = (config.host.as_str(), config.port);
    let stream = match tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::TcpStream::connect(target)).await {
        Err(_) => return Err(LdapError::Timeout { doing: "connecting", addr, secs: CONNECT_TIMEOUT.as_secs() }),
        Ok(Err(e)) => return Err(LdapError::Unreachable { addr, reason: e.to_string() }),
        Ok(Ok(s)) => s,
    };
    stream.into_std().map_err(|e| LdapError::Unreachable { addr, reason: e.to_string() })
}

/// Maps a failure while opening the connection (TLS handshake, StartTLS).
fn connect_error(e: ldap3::LdapError, config: &LdapConfig, capture: &Arc<Mutex<Option<Presented>>>) -> LdapError {
    let addr = config.addr();
    let presented = capture.lock().ok().and_then(|mut c| c.take());
    match e {
        ldap3::LdapError::Io { source } => {
            if let Some(tls) = source.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                return tls_error(tls, &addr, &config.server_name, presented);
            }
            LdapError::Unreachable { addr, reason: source.to_string() }
        }
        ldap3::LdapError::Timeout { .. } => LdapError::Timeout { doing: "opening the TLS session", addr, secs: CONNECT_TIMEOUT.as_secs() },
        ldap3::LdapError::DNSName { source } => {
            LdapError::Tls { addr, reason: format!("'{}' cannot be a TLS server name ({source}); give --ldap-server-name", config.server_name) }
        }
        ldap3::LdapError::LdapResult { result } => LdapError::StartTls { addr, reason: result_text(result.rc, &result.text) },
        other => LdapError::Tls { addr, reason: other.to_string() },
    }
}

/// A TLS failure in a sentence: [`crate::tls::describe`]'s (what fixes it; `--ca-file` only
/// where a CA file is the fix), except for a name mismatch, which LDAP judges by its own rule
/// (the CN counts when there is no DNS SAN, [`super::ldap_tls`]): that sentence names what the
/// certificate is valid for under that rule, not webpki's SAN-only list. The certificate the
/// DC presented (subject, issuer) follows, when the verifier saw one.
fn tls_error(e: &rustls::Error, addr: &str, server_name: &str, presented: Option<Presented>) -> LdapError {
    use rustls::CertificateError as C;
    let name_error = matches!(e, rustls::Error::InvalidCertificate(C::NotValidForName | C::NotValidForNameContext { .. }));
    let mut reason = match (&presented, name_error) {
        (Some(p), true) => {
            // An address is never matched against the CN: say so, as that is the surprise.
            let address = if server_name.parse::<std::net::IpAddr>().is_ok() { " (an address matches only an address in the subjectAltName, never the Common Name)" } else { "" };
            format!(
                "the certificate does not match the name {server_name}{address}: it is valid for {}; connect with a name the certificate holds (in --ldap-url, or --ldap-server-name FQDN when connecting by address; a CA file does not change this)",
                p.valid_for
            )
        }
        _ => crate::tls::describe(e),
    };
    if let Some(p) = presented {
        reason.push_str("; the domain controller presented ");
        reason.push_str(&p.summary);
    }
    LdapError::Tls { addr: addr.to_string(), reason }
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
        other => LdapError::Operation { doing: doing.to_string(), addr: addr.to_string(), reason: other.to_string() },
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

/// The client TLS configuration: the system's trusted roots plus `--ca-file`, verified
/// strictly (no way to turn verification off), the name by LDAP's rule (SAN, or the CN of a
/// certificate without DNS SAN: [`super::ldap_tls`]). On a failed verification, `capture`
/// receives the presented certificate's subject and issuer for the error message.
pub fn tls_config(ca_file: Option<&Path>, capture: Arc<Mutex<Option<Presented>>>) -> Result<Arc<ClientConfig>, LdapError> {
    let mut roots = RootCertStore::empty();
    for cert in crate::tls::system_roots() {
        let _ = roots.add(cert);
    }
    if let Some(path) = ca_file {
        let ca_err = |reason: String| LdapError::CaFile { path: path.to_path_buf(), reason };
        for cert in crate::tls::ca_file_certificates(path).map_err(ca_err)? {
            roots.add(cert).map_err(|e| ca_err(format!("certificate not usable as a trust anchor ({e})")))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls_err = |e: rustls::Error| LdapError::Tls { addr: String::new(), reason: e.to_string() };
    let verifier = super::ldap_tls::LdapVerifier::new(Arc::new(roots), &provider, capture, describe_cert)
        .map_err(|e| LdapError::Tls { addr: String::new(), reason: format!("no trusted certificates: give --ca-file ({e})") })?;
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_err)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Subject and issuer of a certificate, and the names it is valid for by LDAP's rule
/// ([`super::ldap_tls`]): its `dNSName` SANs, or, when it has none, its most specific Common
/// Name; then its `iPAddress` SANs. For messages.
fn describe_cert(der: &CertificateDer<'_>) -> Presented {
    use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};
    let Ok((_, cert)) = X509Certificate::from_der(der.as_ref()) else {
        return Presented { summary: "a certificate that does not parse".into(), valid_for: "no name this tool can read (the certificate does not parse)".into() };
    };
    let (mut dns, mut ips) = (Vec::new(), Vec::new());
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for n in &san.value.general_names {
            match n {
                GeneralName::DNSName(d) => dns.push(d.to_string()),
                GeneralName::IPAddress(ip) => match ip.len() {
                    4 => ips.extend(<[u8; 4]>::try_from(*ip).ok().map(|o| std::net::Ipv4Addr::from(o).to_string())),
                    16 => ips.extend(<[u8; 16]>::try_from(*ip).ok().map(|o| std::net::Ipv6Addr::from(o).to_string())),
                    _ => {}
                },
                _ => {}
            }
        }
    }
    if dns.is_empty()
        && let Some(cn) = cert.subject().iter_common_name().last().and_then(|c| c.as_str().ok())
    {
        dns.push(format!("{cn} (its Common Name: it has no DNS name in its subjectAltName, so LDAP reads the CN)"));
    }
    let names: Vec<String> = dns.into_iter().chain(ips).collect();
    let valid_for = match names.as_slice() {
        [] => "no name (it has neither a subjectAltName nor a Common Name)".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    };
    Presented { summary: format!("subject '{}', issuer '{}'", cert.subject(), cert.issuer()), valid_for }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ldap3::asn1::{PL, StructureTag, TagClass};

    fn settings() -> LdapSettings {
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
        let c = LdapConfig::from_settings(&settings(), Some("s3cret".into())).unwrap();
        assert_eq!((c.scheme, c.port, c.host.as_str(), c.server_name.as_str()), (Scheme::Ldaps, 636, "dc1.corp.example.test", "dc1.corp.example.test"));
        assert_eq!(c.source(), "ldaps://dc1.corp.example.test:636");
        assert!(!format!("{c:?}").contains("s3cret"), "password in Debug output");

        let s = LdapSettings { url: "ldap://10.77.0.2".into(), server_name: Some("DC1.corp.example.test.".into()), ..settings() };
        let c = LdapConfig::from_settings(&s, Some("x".into())).unwrap();
        assert_eq!((c.scheme, c.port, c.server_name.as_str()), (Scheme::StartTls, 389, "DC1.corp.example.test"));

        let e = LdapConfig::from_settings(&settings(), None).unwrap_err().to_string();
        assert!(e.contains("needs a password"), "{e}");
        let e = LdapConfig::from_settings(&LdapSettings { url: "http://x".into(), ..settings() }, Some("x".into())).unwrap_err().to_string();
        assert!(e.contains("scheme 'http'"), "{e}");
        let e = LdapConfig::from_settings(&LdapSettings { url: "ldaps://u:pw@dc1".into(), ..settings() }, Some("x".into())).unwrap_err().to_string();
        assert!(e.contains("credentials do not belong") && !e.contains("pw"), "{e}");
        // No scheme: `user:secret@host` would parse as scheme `user`; nothing before `@` is shown.
        let e = LdapConfig::from_settings(&LdapSettings { url: "admin:s3cret@dc1".into(), ..settings() }, Some("x".into())).unwrap_err().to_string();
        assert_eq!(e, "--ldap-url 'dc1': expected ldaps://host or ldap://host");
        let e = LdapConfig::from_settings(&LdapSettings { url: "ldaps://admin:s3/cret@dc1".into(), ..settings() }, Some("x".into())).unwrap_err().to_string();
        assert!(e.starts_with("--ldap-url 'ldaps://dc1': ") && !e.contains("s3"), "{e}");
        let e = LdapConfig::from_settings(&LdapSettings { bind_dn: None, ..settings() }, None).unwrap_err().to_string();
        assert!(e.contains("--kerberos"), "{e}");
        let e = LdapConfig::from_settings(&LdapSettings { kerberos: true, ..settings() }, None).unwrap_err().to_string();
        assert!(e.contains("choose one"), "{e}");
        let k = LdapConfig::from_settings(&LdapSettings { bind_dn: None, kerberos: true, ..settings() }, None).unwrap();
        assert!(matches!(k.auth, Auth::Kerberos));
    }

    #[test]
    fn password_file_first_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pw");
        std::fs::write(&p, "p@ss word\r\nsecond\n").unwrap();
        assert_eq!(read_password_file(&p).unwrap(), "p@ss word");
        std::fs::write(&p, "\n").unwrap();
        assert!(read_password_file(&p).is_err());
        let s = LdapSettings { password_file: Some(p.clone()), ..settings() };
        std::fs::write(&p, "fromfile").unwrap();
        let c = LdapConfig::from_settings(&s, Some("fromenv".into())).unwrap();
        assert!(matches!(c.auth, Auth::Simple { ref password, .. } if password.0 == "fromfile"));
    }

    #[test]
    fn domains_and_containers() {
        assert_eq!(domain_of_dn("DC=Corp,DC=Example,DC=Test").as_deref(), Some("corp.example.test"));
        assert_eq!(domain_of_dn("OU=x,DC=corp,dc=test").as_deref(), Some("corp.test"));
        assert_eq!(domain_of_dn("CN=Configuration"), None);
        let ncs = vec![
            "DC=corp,DC=example,DC=test".to_string(),
            "CN=Configuration,DC=corp,DC=example,DC=test".to_string(),
            "DC=DomainDnsZones,DC=corp,DC=example,DC=test".to_string(),
            "DC=ForestDnsZones,DC=corp,DC=example,DC=test".to_string(),
        ];
        assert_eq!(
            dns_containers("DC=corp,DC=example,DC=test", "DC=corp,DC=example,DC=test", &ncs),
            vec![
                "CN=MicrosoftDNS,DC=DomainDnsZones,DC=corp,DC=example,DC=test",
                "CN=MicrosoftDNS,DC=ForestDnsZones,DC=corp,DC=example,DC=test",
                "CN=MicrosoftDNS,CN=System,DC=corp,DC=example,DC=test",
            ]
        );
        let c = dns_containers("DC=child,DC=corp,DC=test", "DC=corp,DC=test", &[]);
        assert_eq!(c[1], "CN=MicrosoftDNS,DC=ForestDnsZones,DC=corp,DC=test");
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

    #[test]
    fn ca_file_must_hold_a_certificate() {
        let none = Arc::new(Mutex::new(None));
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ca.pem");
        std::fs::write(&p, "not a certificate\n").unwrap();
        let e = tls_config(Some(&p), Arc::clone(&none)).unwrap_err().to_string();
        assert!(e.contains("no PEM certificate"), "{e}");
        let e = tls_config(Some(&dir.path().join("absent.pem")), none).unwrap_err().to_string();
        assert!(e.starts_with("--ca-file"), "{e}");
    }

    #[test]
    fn closed_port_is_unreachable_naming_host_and_port() {
        // A port on loopback that nothing listens on: bind, note the port, close.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let s = LdapSettings { url: format!("ldaps://127.0.0.1:{port}"), ..settings() };
        let c = LdapConfig::from_settings(&s, Some("x".into())).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let e = rt.block_on(AdClient::connect(&c)).err().unwrap().to_string();
        assert!(e.contains(&format!("cannot reach the domain controller at 127.0.0.1:{port}")), "{e}");
    }

    #[test]
    fn a_server_that_is_not_tls_fails_cleanly() {
        // Accepts, reads a little, answers garbage: the TLS handshake must fail with an error.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let t = std::thread::spawn(move || {
            use std::io::{Read, Write};
            if let Ok((mut s, _)) = listener.accept() {
                let mut b = [0u8; 512];
                let _ = s.read(&mut b);
                let _ = s.write_all(b"HTTP/1.0 400 Bad Request\r\n\r\n");
            }
        });
        let s = LdapSettings { url: format!("ldaps://127.0.0.1:{port}"), ..settings() };
        let c = LdapConfig::from_settings(&s, Some("x".into())).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let e = rt.block_on(AdClient::connect(&c)).err().unwrap().to_string();
        assert!(e.contains("127.0.0.1") && e.contains("TLS"), "{e}");
        let _ = t.join();
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
        let ad = read_ad(&s).unwrap();
        assert_eq!(ad.domain.as_deref(), Some("corp.example.test"));
        let pc = |n: &str| ad.computers.iter().find(|c| c.name.eq_ignore_ascii_case(n)).unwrap_or_else(|| panic!("no computer {n}"));
        assert_eq!(pc("FRESH-01").enabled, Some(true));
        assert_eq!(pc("FRESH-01").dns_host_name.as_deref(), Some("fresh-01.corp.example.test"));
        assert_eq!(pc("FRESH-01").last_logon, from_filetime(134_395_632_000_000_000));
        assert_eq!(pc("DISABLED-01").enabled, Some(false));
        let zone = |n: &str| ad.dns.zone_by_name(n).map(|i| &ad.dns.zones[i]).unwrap_or_else(|| panic!("no zone {n}"));
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

    fn prim(id: u64, bytes: &[u8]) -> StructureTag {
        StructureTag { class: TagClass::Universal, id, payload: PL::P(bytes.to_vec()) }
    }

    fn cons(class: TagClass, id: u64, inner: Vec<StructureTag>) -> StructureTag {
        StructureTag { class, id, payload: PL::C(inner) }
    }

    fn entry_tag(dn: &str, attrs: &[(&str, Vec<Vec<u8>>)]) -> StructureTag {
        let attrs = attrs
            .iter()
            .map(|(n, vs)| {
                cons(TagClass::Universal, 16, vec![prim(4, n.as_bytes()), cons(TagClass::Universal, 17, vs.iter().map(|v| prim(4, v)).collect())])
            })
            .collect();
        cons(TagClass::Application, 4, vec![prim(4, dn.as_bytes()), cons(TagClass::Universal, 16, attrs)])
    }

    #[test]
    fn entries_parse_without_panics() {
        let e = parse_entry(ResultEntry::new(entry_tag(
            "CN=PC1,CN=Computers,DC=corp,DC=test",
            &[
                ("cn", vec![b"PC1".to_vec()]),
                ("dNSHostName", vec![b"PC1.Corp.Test.".to_vec()]),
                ("userAccountControl", vec![b"4098".to_vec()]),
                ("lastLogonTimestamp", vec![b"133000000000000000".to_vec()]),
                ("dnsRecord;binary", vec![vec![0xFF, 0x00], b"ok".to_vec()]),
            ],
        )))
        .unwrap();
        assert_eq!(e.attrs["dnsrecord"], vec![vec![0xFF, 0x00], b"ok".to_vec()]);
        let src: Arc<str> = Arc::from("ldaps://dc1:636");
        let c = computer_from_entry(&e, &src).unwrap();
        assert_eq!(c.name, "PC1");
        assert_eq!(c.dns_host_name.as_deref(), Some("pc1.corp.test"));
        assert_eq!(c.enabled, Some(false));
        assert_eq!(c.last_logon, from_filetime(133_000_000_000_000_000));
        assert_eq!((c.line, &*c.source), (0, "ldaps://dc1:636"));

        let sam = Entry { dn: "x".into(), attrs: HashMap::from([("samaccountname".into(), vec![b"WS7$".to_vec()])]) };
        assert_eq!(computer_from_entry(&sam, &src).unwrap().name, "WS7");
        assert_eq!(computer_from_entry(&Entry::default(), &src), None);

        // Malformed shapes: a primitive where a sequence belongs, missing parts, wrong tag.
        assert_eq!(parse_entry(ResultEntry::new(prim(4, b"x"))), None);
        assert_eq!(parse_entry(ResultEntry::new(cons(TagClass::Application, 4, vec![]))), None);
        assert_eq!(parse_entry(ResultEntry::new(cons(TagClass::Application, 5, vec![prim(4, b"dn")]))), None);
        let bad_attr = cons(TagClass::Application, 4, vec![prim(4, b"dn"), cons(TagClass::Universal, 16, vec![prim(4, b"cn")])]);
        assert_eq!(parse_entry(ResultEntry::new(bad_attr)), None);
    }

    #[test]
    fn nodes_become_records() {
        use super::super::dnsp::DNS_TYPE_A;
        let rec = |t: u16, ts: u32, data: &[u8]| {
            let mut v = Vec::new();
            v.extend_from_slice(&u16::try_from(data.len()).unwrap().to_le_bytes());
            v.extend_from_slice(&t.to_le_bytes());
            v.extend_from_slice(&[5, 0xF0, 0, 0, 1, 0, 0, 0, 0, 0, 0x04, 0xB0, 0, 0, 0, 0]);
            v.extend_from_slice(&ts.to_le_bytes());
            v.extend_from_slice(data);
            v
        };
        let src: Arc<str> = Arc::from("ldaps://dc1:636");
        let mut data = DnsData::default();
        let mut problems = Problems::default();
        let zone = data.zone_id("corp.test", &src);
        let node = |name: &str, recs: Vec<Vec<u8>>, tomb: bool| Entry {
            dn: format!("DC={name},DC=corp.test,CN=MicrosoftDNS"),
            attrs: HashMap::from([
                ("name".to_string(), vec![name.as_bytes().to_vec()]),
                ("dnsrecord".to_string(), recs),
                ("dnstombstoned".to_string(), vec![if tomb { b"TRUE".to_vec() } else { b"FALSE".to_vec() }]),
            ]),
        };
        add_node(node("PC1", vec![rec(DNS_TYPE_A, 3_636_304, &[10, 0, 16, 21]), rec(33, 0, &[0; 8])], false), "corp.test", zone, &mut data, &mut problems, &src);
        add_node(node("@", vec![rec(DNS_TYPE_A, 0, &[10, 0, 0, 1])], false), "corp.test", zone, &mut data, &mut problems, &src);
        add_node(node("old", vec![rec(0, 0, &[0; 8])], true), "corp.test", zone, &mut data, &mut problems, &src);
        add_node(node("bad", vec![rec(DNS_TYPE_A, 0, &[10, 0])], false), "corp.test", zone, &mut data, &mut problems, &src);
        assert_eq!(data.records.len(), 2);
        assert_eq!(data.records[0].name, "pc1.corp.test");
        assert_eq!(data.records[0].timestamp, from_dns_hours(3_636_304));
        assert_eq!(data.records[0].ttl, Some(1200));
        assert_eq!(data.records[1].name, "corp.test");
        assert_eq!(data.records[1].timestamp, None);
        let reasons: Vec<SkipReason> = problems.list.iter().map(|p| p.reason).collect();
        assert_eq!(reasons, vec![SkipReason::UnusedType, SkipReason::UnusedType, SkipReason::Malformed]);
    }

    /// A certificate signed by a throwaway CA "Lab CA": subject CN(s), these SANs.
    fn cert(cns: &[&str], sans: Vec<rcgen::SanType>) -> CertificateDer<'static> {
        use rcgen::{BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair};
        let mut ca = CertificateParams::default();
        ca.distinguished_name = DistinguishedName::new();
        ca.distinguished_name.push(DnType::CommonName, "Lab CA");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_key = KeyPair::generate().unwrap();
        let issuer = Issuer::new(ca, ca_key);
        let mut p = CertificateParams::default();
        p.distinguished_name = DistinguishedName::new();
        p.distinguished_name.push(DnType::OrganizationName, "Samba Administration");
        for cn in cns {
            p.distinguished_name.push(DnType::CommonName, *cn);
        }
        p.subject_alt_names = sans;
        p.signed_by(&KeyPair::generate().unwrap(), &issuer).unwrap().der().clone()
    }

    fn name_error() -> rustls::Error {
        rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForName)
    }

    #[test]
    fn a_name_error_says_what_the_certificate_is_valid_for_by_ldaps_rule() {
        use rcgen::SanType;
        // Samba's own certificate: CN only, which LDAP accepts.
        let samba = describe_cert(&cert(&["DC1.corp.example.test"], vec![]));
        assert_eq!(samba.summary, "subject 'O=Samba Administration, CN=DC1.corp.example.test', issuer 'CN=Lab CA'");
        assert_eq!(
            tls_error(&name_error(), "10.77.0.2:636", "10.77.0.2", Some(samba.clone())).to_string(),
            "TLS with 10.77.0.2:636 failed: the certificate does not match the name 10.77.0.2 (an address matches only an address in the subjectAltName, \
             never the Common Name): it is valid for DC1.corp.example.test (its Common Name: it has no DNS name in its subjectAltName, so LDAP reads the CN); \
             connect with a name the certificate holds (in --ldap-url, or --ldap-server-name FQDN when connecting by address; a CA file does not change this); \
             the domain controller presented subject 'O=Samba Administration, CN=DC1.corp.example.test', issuer 'CN=Lab CA'"
        );
        // With DNS SANs the CN does not count; address SANs are listed too.
        let sans = vec![SanType::DnsName("ldap.corp.example.test".try_into().unwrap()), SanType::DnsName("dc2.corp.example.test".try_into().unwrap()), SanType::IpAddress("10.77.0.3".parse().unwrap())];
        let p = describe_cert(&cert(&["DC1.corp.example.test"], sans));
        assert_eq!(p.valid_for, "ldap.corp.example.test, dc2.corp.example.test or 10.77.0.3");
        assert_eq!(
            tls_error(&name_error(), "dc1.corp.example.test:636", "dc1.corp.example.test", Some(p)).to_string(),
            "TLS with dc1.corp.example.test:636 failed: the certificate does not match the name dc1.corp.example.test: \
             it is valid for ldap.corp.example.test, dc2.corp.example.test or 10.77.0.3; connect with a name the certificate holds \
             (in --ldap-url, or --ldap-server-name FQDN when connecting by address; a CA file does not change this); \
             the domain controller presented subject 'O=Samba Administration, CN=DC1.corp.example.test', issuer 'CN=Lab CA'"
        );
        // A CN-only certificate with an address SAN; one with no name at all; one that does not parse.
        let p = describe_cert(&cert(&["a.t", "dc1.t"], vec![SanType::IpAddress("10.77.0.2".parse().unwrap())]));
        assert_eq!(p.valid_for, "dc1.t (its Common Name: it has no DNS name in its subjectAltName, so LDAP reads the CN) or 10.77.0.2");
        assert_eq!(describe_cert(&cert(&[], vec![])).valid_for, "no name (it has neither a subjectAltName nor a Common Name)");
        assert_eq!(
            describe_cert(&CertificateDer::from(b"junk".to_vec())),
            Presented { summary: "a certificate that does not parse".into(), valid_for: "no name this tool can read (the certificate does not parse)".into() }
        );
    }

    #[test]
    fn other_tls_errors_are_sentences_not_rustls_names() {
        use rustls::CertificateError as C;
        let presented = || Some(Presented { summary: "subject 'CN=dc1.t', issuer 'CN=Other CA'".into(), valid_for: "dc1.t".into() });
        let text = |e: rustls::Error, p: Option<Presented>| tls_error(&e, "dc1.t:636", "dc1.t", p).to_string();
        assert_eq!(
            text(rustls::Error::InvalidCertificate(C::UnknownIssuer), presented()),
            "TLS with dc1.t:636 failed: the certificate is issued by a CA that is not trusted here: give that CA's certificate (PEM) with --ca-file; \
             the domain controller presented subject 'CN=dc1.t', issuer 'CN=Other CA'"
        );
        assert_eq!(
            text(rustls::Error::InvalidCertificate(C::BadSignature), presented()),
            "TLS with dc1.t:636 failed: the certificate's signature does not verify (a corrupted or forged certificate, or the wrong CA in --ca-file); \
             the domain controller presented subject 'CN=dc1.t', issuer 'CN=Other CA'"
        );
        assert_eq!(
            text(rustls::Error::InvalidCertificate(C::InvalidPurpose), presented()),
            "TLS with dc1.t:636 failed: the certificate is not for TLS servers (its extended key usage lacks serverAuth); \
             the domain controller presented subject 'CN=dc1.t', issuer 'CN=Other CA'"
        );
        assert_eq!(
            text(rustls::Error::InvalidCertificate(C::Expired), presented()),
            "TLS with dc1.t:636 failed: the certificate has expired: the server needs a renewed certificate; \
             the domain controller presented subject 'CN=dc1.t', issuer 'CN=Other CA'"
        );
        assert_eq!(
            text(rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType), None),
            "TLS with dc1.t:636 failed: the server does not speak TLS on this port (plain HTTP or LDAP there? then use http:// or ldap://)"
        );
        // Without the certificate (not captured), a name error still says what to do.
        assert_eq!(
            text(name_error(), None),
            "TLS with dc1.t:636 failed: the certificate does not match the name connected to; connect with a name the certificate holds (a CA file does not change this)"
        );
    }
}
