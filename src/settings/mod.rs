//! The command line and the `--config` TOML file, merged (the command line wins) and
//! validated into one [`Settings`] value: past this point nothing holds a raw string where a
//! typed value belongs.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeDelta, Utc};
use clap::{Args, CommandFactory, Parser, Subcommand};
use serde::Deserialize;

use crate::audit::{AuditSettings, DhcpAccount, FailOn};
use crate::directory::ldap::{self, LdapConfig, LdapError, LdapSettings};
use crate::dns::live::Pacing;
use crate::leases::{self, kea_api::{self, KeaAccess, KeaError}};
use crate::input;
use crate::secret;
use crate::report::{self, Destination, Format, PreviousChoice};
use crate::timefmt::{DateOrder, InputTimes, InputZone, parse_duration};

mod config;
mod forecast;

pub use config::parse_config;
pub use forecast::{ForecastArgs, ForecastSettings};

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    // The I/O error is in the message, not a `source`: `{:#}` would print it twice.
    #[error("cannot read the config file {path}: {error}")]
    ConfigRead { path: PathBuf, error: std::io::Error },
    #[error("config file {path}: {message}")]
    ConfigParse { path: PathBuf, message: String },
    #[error("{option}: {message}")]
    Invalid { option: &'static str, message: String },
    /// An audit option on the forecast's command line.
    #[error("{option} is an audit option, not the forecast's: {why}")]
    NotForecast { option: String, why: &'static str },
    /// `--ldap-url` and its companions, validated by the LDAP stage (its password read here).
    #[error(transparent)]
    Ldap(#[from] LdapError),
    /// The Kea password file.
    #[error(transparent)]
    Kea(#[from] KeaError),
}

fn invalid(option: &'static str, message: impl Into<String>) -> SettingsError {
    SettingsError::Invalid { option, message: message.into() }
}

/// `-h`'s last lines: where the examples are, and the exit codes.
const AFTER_HELP: &str = "Exit codes: 0 done, 1 a row reached --fail-on, 2 could not complete.\n'--help' shows every option, with examples; docs/options.md has them all.";

const AUDIT_EXAMPLES: &str = "Examples:
  The example site, from the repository root (the report goes to reports/):
    ddns-audit audit --config examples/offline/audit.toml --html reports/example.html
  Your exports, failing the run when a leased host has no record:
    ddns-audit audit --leases leases-v4.csv --computers computers.csv \\
      --dns-records dns-records.csv --zones zones.csv --domain corp.example.com --fail-on missing
  Live AD and DNS (the password from a file, never the command line):
    ddns-audit audit --leases leases-v4.csv --ldap-url ldaps://dc1.corp.example.com \\
      --bind-dn audit@corp.example.com --password-file ldap.pass --dns-server 10.0.0.10

Exit codes:
  0  the audit completed and no row reached --fail-on
  1  a row at or above --fail-on exists (missing > stale > at-risk)
  2  the audit could not complete (bad option or config, unreadable input, unreachable server)";

const FORECAST_EXAMPLES: &str = "Examples:
  The example site, from the repository root:
    ddns-audit forecast --config examples/offline/audit.toml --output -
  The day scavenging will be switched on, failing when a host in use would lose a record:
    ddns-audit forecast --config site.toml --as-of 2026-12-01 --fail-on live
  What enabling aging everywhere would delete within 8 weeks, from live AD:
    ddns-audit forecast --leases leases-v4.csv --ldap-url ldaps://dc1.corp.example.com \\
      --bind-dn audit@corp.example.com --password-file ldap.pass --assume-aging --horizon 56d

A config file shared with the audit works: forecast ignores the audit's own keys there.

Exit codes:
  0  the forecast completed and no live record is deleted (or --fail-on never)
  1  --fail-on live and a record of a live host is deleted
  2  the forecast could not complete (bad option or config, unreadable input, unreachable server)";

#[derive(Debug, Parser)]
#[command(name = "ddns-audit", version = env!("DDNS_AUDIT_VERSION"), about = "Finds leased hosts whose DNS records are missing, wrong, or about to be scavenged.")]
#[command(after_help = "Start with `ddns-audit audit --help`; the README and docs/ say more.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit DHCP leases against DNS records and AD computers; write the report.
    #[command(after_help = AFTER_HELP, after_long_help = AUDIT_EXAMPLES)]
    Audit(AuditArgs),
    /// Before enabling scavenging: the dynamic records it deletes, and whether their hosts are live.
    ///
    /// Every dynamic A, AAAA and PTR record scavenging deletes within --horizon, and whether
    /// its host is live (a lease, or a recent AD logon).
    #[command(after_help = AFTER_HELP, after_long_help = FORECAST_EXAMPLES)]
    Forecast(ForecastArgs),
    /// Print a shell completion script: bash, zsh, fish or powershell.
    ///
    /// bash: `ddns-audit completions bash > /etc/bash_completion.d/ddns-audit`; PowerShell:
    /// `ddns-audit completions powershell | Out-String | Invoke-Expression` in $PROFILE.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout: `ddns-audit man > ddns-audit.1`.
    Man,
}

/// `ddns-audit audit` options. All optional here so that the config file can supply them.
#[allow(rustdoc::invalid_html_tags)] // the doc comments are the `--help` text, not HTML
#[derive(Debug, Args, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct AuditArgs {
    /// TOML file with any of these options; the command line wins
    ///
    /// Keys are the long option names, with `-` or `_`; lists for the repeatable ones. Relative
    /// paths are taken from the config file's folder. Write Windows paths in single quotes. One
    /// file may serve audit and forecast: each ignores the other's own keys.
    #[arg(long, value_name = "FILE", help_heading = "Inputs")]
    #[serde(skip)]
    pub(crate) config: Option<PathBuf>,

    /// DHCP lease export (repeatable); format detected
    ///
    /// Windows Export-Csv (Get-DhcpServerv4Lease/v6), Export-DhcpServer XML, ISC dhcpd.leases,
    /// Kea memfile CSV or dnsmasq.leases.
    #[arg(long, value_name = "PATH", help_heading = "Inputs")]
    #[serde(default, deserialize_with = "one_or_many")]
    pub leases: Vec<PathBuf>,
    /// Force the lease format: windows-csv, windows-xml, dhcpd, kea-csv, dnsmasq
    #[arg(long, hide_short_help = true, value_name = "FORMAT", help_heading = "Inputs")]
    pub(crate) leases_format: Option<String>,
    /// Offline AD computers: LDIF or CSV
    #[arg(long, value_name = "PATH", help_heading = "Inputs")]
    pub(crate) computers: Option<PathBuf>,
    /// DNS records with aging: zone export or CSV (repeatable)
    ///
    /// `dnscmd /ZoneExport` files (queries/windows/export-zones.ps1) or the records CSV of
    /// queries/windows/export-dns-records.ps1.
    #[arg(long, value_name = "PATH", help_heading = "Inputs")]
    #[serde(default, deserialize_with = "one_or_many")]
    pub(crate) dns_records: Vec<PathBuf>,
    /// Audit without DNS data (DNS statuses unknown)
    ///
    /// Without it, a run with no --dns-records, --dns-server or --ldap-url is refused.
    #[arg(long, help_heading = "Inputs")]
    #[serde(default)]
    pub(crate) no_dns: bool,
    /// DNS suffix for lease host names without a dot
    #[arg(long, value_name = "SUFFIX", help_heading = "Inputs")]
    pub(crate) domain: Option<String>,

    /// Zones' update policy and aging, CSV (repeatable)
    ///
    /// Get-DnsServerZone + Get-DnsServerZoneAging, as queries/windows/export-zone-settings.ps1
    /// writes it. Without it every zone in offline data counts as aging with --no-refresh and
    /// --refresh.
    #[arg(long, value_name = "PATH", help_heading = "Cause inputs")]
    #[serde(default, deserialize_with = "one_or_many")]
    pub(crate) zones: Vec<PathBuf>,
    /// DHCP servers' DNS settings, CSV (repeatable)
    ///
    /// Get-DhcpServerv4DnsSetting / v6, as queries/windows/export-dhcp-dns-settings.ps1
    /// writes it.
    #[arg(long, value_name = "PATH", help_heading = "Cause inputs")]
    #[serde(default, deserialize_with = "one_or_many")]
    pub(crate) dhcp_settings: Vec<PathBuf>,
    /// Account DHCP servers register DNS with (repeatable)
    ///
    /// DOMAIN\name or name (Set-DhcpServerDnsCredential): records it owns are `dhcp-server`.
    #[arg(long, value_name = "NAME", help_heading = "Cause inputs")]
    #[serde(default, deserialize_with = "one_or_many")]
    pub(crate) dhcp_account: Vec<String>,

    /// The moment audited: RFC 3339 time, date or now [default: now]
    ///
    /// A date (2026-11-20) is its midnight UTC.
    #[arg(long, value_name = "TIME", help_heading = "Aging and time")]
    pub(crate) as_of: Option<String>,
    /// No-refresh interval where the data lacks it [default: 7d]
    #[arg(long, value_name = "DUR", allow_hyphen_values = true, help_heading = "Aging and time")]
    pub(crate) no_refresh: Option<String>,
    /// Refresh interval where the data lacks it [default: 7d]
    #[arg(long, value_name = "DUR", allow_hyphen_values = true, help_heading = "Aging and time")]
    pub(crate) refresh: Option<String>,
    /// How often scavenging runs [default: 7d]
    #[arg(long, value_name = "DUR", allow_hyphen_values = true, help_heading = "Aging and time")]
    pub(crate) scavenging_interval: Option<String>,
    /// Evaluate risk as if every zone aged its records
    #[arg(long, help_heading = "Aging and time")]
    #[serde(default)]
    pub(crate) assume_aging: bool,
    /// Day/month order of culture dates: dmy, mdy, ymd [default: per file]
    ///
    /// For Export-Csv files (leases, computers, DNS records) and Export-DhcpServer XML, which
    /// write the exporting server's culture; decided per file from its dates unless given.
    #[arg(long, hide_short_help = true, value_name = "ORDER", help_heading = "Aging and time")]
    pub(crate) date_order: Option<String>,
    /// IANA zone of input times without one [default: this machine's]
    ///
    /// The exporting server's zone, e.g. Europe/Berlin.
    #[arg(long, hide_short_help = true, value_name = "ZONE", help_heading = "Aging and time")]
    pub(crate) input_time_zone: Option<String>,

    /// Live AD: ldaps://dc, or ldap://dc with StartTLS
    #[arg(long, value_name = "URL", help_heading = "Live AD")]
    pub(crate) ldap_url: Option<String>,
    /// Base DN [default: from the RootDSE]
    #[arg(long, hide_short_help = true, value_name = "DN", help_heading = "Live AD")]
    pub(crate) base_dn: Option<String>,
    /// DN or user@domain for a simple bind
    ///
    /// The password comes from --password-file or DDNS_AUDIT_LDAP_PASSWORD.
    #[arg(long, value_name = "DN", help_heading = "Live AD")]
    pub(crate) bind_dn: Option<String>,
    /// File holding the LDAP password (first line)
    #[arg(long, value_name = "FILE", help_heading = "Live AD")]
    pub(crate) password_file: Option<PathBuf>,
    /// Bind with Kerberos (the caller's ticket)
    #[arg(long, help_heading = "Live AD")]
    #[serde(default)]
    pub(crate) kerberos: bool,
    /// CA certificate (PEM) to trust for LDAP and Kea TLS
    #[arg(long, value_name = "FILE", help_heading = "Live AD")]
    pub(crate) ca_file: Option<PathBuf>,
    /// The DC's FQDN when --ldap-url names an address
    ///
    /// Used for the certificate's name check and the Kerberos SPN (ldap/NAME) [default: the
    /// URL's host].
    #[arg(long, hide_short_help = true, value_name = "FQDN", help_heading = "Live AD")]
    pub(crate) ldap_server_name: Option<String>,
    #[arg(long, hide_short_help = true, value_name = "N", help_heading = "Live AD", help = format!("Connections read side by side, 1 to {} [default: {}]", ldap::MAX_CONNECTIONS, ldap::DEFAULT_CONNECTIONS))]
    pub(crate) ldap_connections: Option<usize>,

    /// DNS server to ask A/AAAA/PTR (repeatable)
    #[arg(long, value_name = "ADDR[:PORT]", help_heading = "Live DNS")]
    #[serde(default, deserialize_with = "one_or_many")]
    pub(crate) dns_server: Vec<String>,
    /// Ask every --dns-server; report names whose answers differ
    #[arg(long, hide_short_help = true, help_heading = "Live DNS")]
    #[serde(default)]
    pub(crate) compare_servers: bool,
    // The pacing defaults are `Pacing`'s; the help shows them from there.
    #[arg(long, hide_short_help = true, value_name = "N", help_heading = "Live DNS", help = format!("Queries in flight at once [default: {}]", Pacing::DEFAULT_CONCURRENCY))]
    pub(crate) concurrency: Option<usize>,
    #[arg(long, hide_short_help = true, value_name = "N", help_heading = "Live DNS", help = format!("Queries per second, at most [default: {}]", Pacing::DEFAULT_QPS))]
    pub(crate) qps: Option<u32>,
    #[arg(long, hide_short_help = true, value_name = "DUR", allow_hyphen_values = true, help_heading = "Live DNS", help = format!("Per-query timeout [default: {}s]", Pacing::DEFAULT_TIMEOUT.as_secs()))]
    pub(crate) timeout: Option<String>,
    #[arg(long, hide_short_help = true, value_name = "N", help_heading = "Live DNS", help = format!("Retries after a failed query [default: {}]", Pacing::DEFAULT_RETRIES))]
    pub(crate) retries: Option<u32>,

    /// Kea control endpoint (repeatable)
    ///
    /// The Kea 2.x control agent or a Kea 3 daemon's HTTP socket.
    #[arg(long, value_name = "URL", help_heading = "Kea")]
    #[serde(default, deserialize_with = "one_or_many")]
    pub(crate) kea_url: Vec<String>,
    /// User for HTTP basic authentication to Kea
    ///
    /// A user in the URL wins; the password comes from --kea-password-file or
    /// DDNS_AUDIT_KEA_PASSWORD.
    #[arg(long, value_name = "USER", help_heading = "Kea")]
    pub(crate) kea_user: Option<String>,
    /// File holding the Kea password (first line)
    #[arg(long, value_name = "FILE", help_heading = "Kea")]
    pub(crate) kea_password_file: Option<PathBuf>,

    /// The report; `-` is stdout [default: reports/ddns-audit-<time>.csv]
    ///
    /// The default ends in .jsonl with --format jsonl.
    #[arg(long, value_name = "PATH", help_heading = "Report")]
    pub(crate) output: Option<PathBuf>,
    /// The report's format: csv or jsonl (JSON Lines) [default: csv]
    #[arg(long, hide_short_help = true, value_name = "FORMAT", help_heading = "Report")]
    pub(crate) format: Option<String>,
    /// Also write an HTML page: summary, charts, rows
    ///
    /// One self-contained page with the summary, charts and the rows in a table that sorts and
    /// filters.
    #[arg(long, value_name = "PATH", help_heading = "Report")]
    pub(crate) html: Option<PathBuf>,
    /// Also write an Excel workbook (.xlsx): fix list, rows, zones, summary
    ///
    /// Dates are Excel dates (UTC), status cells coloured, the header frozen and filtered;
    /// docs/report.md "The spreadsheet".
    #[arg(long, value_name = "PATH", help_heading = "Report")]
    pub(crate) xlsx: Option<PathBuf>,
    /// Also write ok rows and leases without a host name
    #[arg(long, help_heading = "Report")]
    #[serde(default)]
    pub(crate) all: bool,
    /// Exit 1 when a row reaches: missing, stale, at-risk, never
    ///
    /// missing > stale > at-risk; unknown rows never count [default: never].
    #[arg(long, value_name = "LEVEL", help_heading = "Report")]
    pub(crate) fail_on: Option<String>,
    /// The previous report to compare with: PATH, auto, none [default: auto]
    ///
    /// auto: the latest ddns-audit-<UTC time>.csv or .jsonl before this one in the output's
    /// folder. It fills the first_seen and change columns.
    #[arg(long, hide_short_help = true, value_name = "PATH|auto|none", help_heading = "Report")]
    pub(crate) previous: Option<String>,
    /// Keep the newest N reports in the output's folder [default: all]
    ///
    /// After a successful run, removes all but the newest N reports of this kind
    /// (ddns-audit-<UTC time> .csv/.jsonl/.html/.xlsx), never the one just written.
    #[arg(long, hide_short_help = true, value_name = "N", help_heading = "Report")]
    pub(crate) keep: Option<usize>,

    // `forecast`'s own options, here so that one config file serves both commands; on the
    // command line only `forecast` takes them (`ForecastArgs`).
    #[arg(skip)]
    pub(crate) horizon: Option<String>,
    #[arg(skip)]
    pub(crate) logon_window: Option<String>,
}

fn one_or_many<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany<T> {
        One(T),
        Many(Vec<T>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(v) => vec![v],
        OneOrMany::Many(v) => v,
    })
}

/// A duration option (`--no-refresh` and the others, also from the config file): the one
/// parser and bound of [`parse_duration`], the error naming the option.
fn duration_option(option: &'static str, v: Option<&String>, default: TimeDelta) -> Result<TimeDelta, SettingsError> {
    match v {
        Some(s) => parse_duration(s).map_err(|m| invalid(option, m)),
        None => Ok(default),
    }
}

/// `path` with the platform's separator throughout, as the tool prints it (the `source` column,
/// messages, the HTML). On Windows `/` separates too, so `examples/offline/audit.toml` and its
/// config-relative `leases/dhcp1-v4.csv` would print mixed (`examples/offline\leases/...`):
/// there every `/` becomes `\` (but in `\\?\` paths, where `/` is a name's character).
/// Elsewhere the path is returned as given (`\` is a name's character there).
pub(crate) fn native_path(path: PathBuf) -> PathBuf {
    #[cfg(windows)]
    if let Some(s) = path.to_str()
        && s.contains('/')
        && !s.starts_with(r"\\?\")
    {
        return PathBuf::from(s.replace('/', "\\"));
    }
    path
}

/// Everything the run needs, validated.
#[derive(Debug, Clone)]
pub struct Settings {
    pub(crate) leases: Vec<PathBuf>,
    pub(crate) leases_format: Option<leases::Format>,
    /// `--kea-url`s, parsed and validated.
    pub(crate) kea_urls: Vec<kea_api::Endpoint>,
    pub(crate) kea: KeaAccess,
    pub(crate) computers: Option<PathBuf>,
    /// Present when `--ldap-url` is given.
    pub(crate) ldap: Option<LdapConfig>,
    pub(crate) dns_records: Vec<PathBuf>,
    pub(crate) zones: Vec<PathBuf>,
    pub(crate) dhcp_settings: Vec<PathBuf>,
    pub(crate) dns_servers: Vec<SocketAddr>,
    pub(crate) compare_servers: bool,
    pub(crate) audit: AuditSettings,
    pub(crate) output: Destination,
    pub(crate) format: Format,
    /// The previous report (the audit's `first_seen`, `change`).
    pub(crate) previous: PreviousChoice,
    /// `--keep N`: at least 1.
    pub(crate) keep: Option<usize>,
    /// `--html PATH`: the HTML report, besides the CSV.
    pub(crate) html: Option<PathBuf>,
    /// `--xlsx PATH`: the spreadsheet, besides the CSV.
    pub(crate) xlsx: Option<PathBuf>,
    pub(crate) all: bool,
    pub(crate) fail_on: FailOn,
    pub(crate) pacing: Pacing,
    /// How to read input times without a zone, and culture-formatted dates.
    pub(crate) input_times: InputTimes,
    /// When the run started (the clock value): the HTML page's header and the spreadsheet's
    /// Summary say it.
    pub(crate) now: DateTime<Utc>,
}

impl Settings {
    /// The audit's settings once AD is read: `--domain`, else AD's domain (the one place of
    /// that rule, for the live questions and the audit alike), and after the `--dhcp-account`
    /// names, AD's authorized DHCP servers' accounts.
    pub(crate) fn audit_with_ad(&self, ad_domain: Option<&str>, ad_dhcp_accounts: &[String]) -> AuditSettings {
        let mut audit = self.audit.clone();
        audit.dhcp_accounts.extend(ad_dhcp_accounts.iter().filter_map(|a| DhcpAccount::parse(a)));
        if audit.domain.is_none() {
            audit.domain = ad_domain.map(str::to_string);
        }
        audit
    }
}

impl AuditArgs {
    /// Reads the config file (if any) and fills every option the command line left unset.
    /// Relative paths in the config file are taken from the config file's directory.
    /// Every path, from the command line or the config file, is made [`native_path`].
    pub(crate) fn merge_config(mut self) -> Result<AuditArgs, SettingsError> {
        self.native_paths();
        let Some(path) = self.config.clone() else { return Ok(self) };
        let text = std::fs::read_to_string(&path).map_err(|error| SettingsError::ConfigRead { path: path.clone(), error })?;
        let file = parse_config(&text).map_err(|message| SettingsError::ConfigParse { path: path.clone(), message })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let rel = |p: PathBuf| native_path(if p.is_absolute() || p == Path::new("-") { p } else { base.join(p) });

        macro_rules! fill {
            ($($f:ident),*) => { $( if self.$f.is_none() { self.$f = file.$f; } )* };
        }
        macro_rules! fill_path {
            ($($f:ident),*) => { $( if self.$f.is_none() { self.$f = file.$f.map(rel); } )* };
        }
        macro_rules! fill_list {
            ($($f:ident),*) => { $( if self.$f.is_empty() { self.$f = file.$f; } )* };
        }
        fill!(leases_format, date_order, input_time_zone, kea_user, ldap_url, base_dn, bind_dn, ldap_server_name, ldap_connections, domain, no_refresh, refresh, scavenging_interval, as_of, fail_on, concurrency, qps, timeout, retries, horizon, logon_window, format, keep);
        // `auto` and `none` are words; a path is taken from the config file's directory.
        if self.previous.is_none() {
            self.previous = file.previous.map(|p| if matches!(p.trim(), "auto" | "none") { p } else { rel(PathBuf::from(p)).to_string_lossy().into_owned() });
        }
        fill_path!(computers, kea_password_file, password_file, ca_file, output, html, xlsx);
        fill_list!(kea_url, dns_server);
        if self.leases.is_empty() {
            self.leases = file.leases.into_iter().map(rel).collect();
        }
        if self.dns_records.is_empty() {
            self.dns_records = file.dns_records.into_iter().map(rel).collect();
        }
        if self.zones.is_empty() {
            self.zones = file.zones.into_iter().map(rel).collect();
        }
        if self.dhcp_settings.is_empty() {
            self.dhcp_settings = file.dhcp_settings.into_iter().map(rel).collect();
        }
        fill_list!(dhcp_account);
        self.kerberos |= file.kerberos;
        self.assume_aging |= file.assume_aging;
        self.all |= file.all;
        self.compare_servers |= file.compare_servers;
        self.no_dns |= file.no_dns;
        Ok(self)
    }

    /// The command line's paths with the platform's separator ([`native_path`]).
    fn native_paths(&mut self) {
        for p in [&mut self.config, &mut self.computers, &mut self.password_file, &mut self.ca_file, &mut self.kea_password_file, &mut self.output, &mut self.html, &mut self.xlsx] {
            *p = p.take().map(native_path);
        }
        for list in [&mut self.leases, &mut self.dns_records, &mut self.zones, &mut self.dhcp_settings] {
            for p in list.iter_mut() {
                *p = native_path(std::mem::take(p));
            }
        }
        if let Some(p) = self.previous.take() {
            self.previous = Some(if matches!(p.trim(), "auto" | "none") { p } else { native_path(PathBuf::from(p)).to_string_lossy().into_owned() });
        }
    }

    /// Validates into [`Settings`]. `now` is the clock value (the default `--as-of`).
    // One validation per option, in the help's order, each a few lines naming its flag; the
    // stages' own configurations are built by their constructors.
    #[allow(clippy::too_many_lines, reason = "one short validation per option, in the help's order")]
    pub fn into_settings(self, now: DateTime<Utc>) -> Result<Settings, SettingsError> {
        let duration = |option: &'static str, v: &Option<String>, default: TimeDelta| duration_option(option, v.as_ref(), default);
        let week = TimeDelta::days(7);
        let as_of = match &self.as_of {
            Some(s) => crate::timefmt::parse_as_of(s, now).map_err(|m| invalid("--as-of", m))?,
            None => now,
        };
        let domain = self.domain.as_deref().map(|d| crate::dns::normalize_name(d).trim_start_matches('.').to_string()).filter(|d| !d.is_empty());
        let leases_format = self.leases_format.as_deref().map(str::parse::<leases::Format>).transpose().map_err(|m| invalid("--leases-format", m))?;
        let date_order = self.date_order.as_deref().map(str::parse::<DateOrder>).transpose().map_err(|m| invalid("--date-order", m))?;
        let zone = match &self.input_time_zone {
            Some(z) => InputZone::from_name(z).map_err(|m| invalid("--input-time-zone", m))?,
            None => InputZone::Local,
        };
        let fail_on = self.fail_on.as_deref().map_or(Ok(FailOn::Never), str::parse).map_err(|m| invalid("--fail-on", m))?;
        let dns_servers = self
            .dns_server
            .iter()
            .map(|s| parse_server(s).ok_or_else(|| invalid("--dns-server", format!("'{s}' is not an address or address:port"))))
            .collect::<Result<Vec<_>, _>>()?;
        // A malformed --timeout is reported before a zero --concurrency or --qps.
        let timeout = self.timeout.as_ref().map(|_| duration("--timeout", &self.timeout, TimeDelta::zero())).transpose()?;
        let concurrency = self.concurrency.unwrap_or(Pacing::DEFAULT_CONCURRENCY);
        if concurrency == 0 {
            return Err(invalid("--concurrency", "must be at least 1"));
        }
        let connections = self.ldap_connections.unwrap_or(ldap::DEFAULT_CONNECTIONS);
        if !(1..=ldap::MAX_CONNECTIONS).contains(&connections) {
            return Err(invalid("--ldap-connections", format!("must be from 1 to {}", ldap::MAX_CONNECTIONS)));
        }
        let qps = self.qps.unwrap_or(Pacing::DEFAULT_QPS);
        if qps == 0 {
            return Err(invalid("--qps", "must be at least 1"));
        }
        let timeout = match timeout.map(|t| t.to_std()) {
            None => Pacing::DEFAULT_TIMEOUT,
            Some(Ok(t)) if !t.is_zero() => t,
            Some(_) => return Err(invalid("--timeout", "must be longer than zero")),
        };
        let pacing = Pacing { concurrency, qps, timeout, retries: self.retries.unwrap_or(Pacing::DEFAULT_RETRIES) };
        if self.compare_servers && dns_servers.len() < 2 {
            return Err(invalid("--compare-servers", "needs at least two --dns-server"));
        }
        let audit = AuditSettings {
            as_of,
            domain,
            no_refresh: duration("--no-refresh", &self.no_refresh, week)?,
            refresh: duration("--refresh", &self.refresh, week)?,
            scavenging_interval: duration("--scavenging-interval", &self.scavenging_interval, week)?,
            assume_aging: self.assume_aging,
            dhcp_accounts: self
                .dhcp_account
                .iter()
                .map(|a| DhcpAccount::parse(a).ok_or_else(|| invalid("--dhcp-account", "must name an account (DOMAIN\\name or name)")))
                .collect::<Result<_, _>>()?,
        };
        for (option, d) in [("--no-refresh", audit.no_refresh), ("--refresh", audit.refresh), ("--scavenging-interval", audit.scavenging_interval)] {
            if d <= TimeDelta::zero() {
                return Err(invalid(option, "must be longer than zero"));
            }
        }
        if self.leases.is_empty() && self.kea_url.is_empty() {
            return Err(invalid("--leases", "no lease source: give --leases PATH or --kea-url URL (or set them in --config)"));
        }
        // Issue #19: without DNS data every row is `unknown`, which a scheduled job reads as
        // "nothing missing"; such a run must be asked for.
        let dns_sources = [("--dns-records", !self.dns_records.is_empty()), ("--dns-server", !self.dns_server.is_empty()), ("--ldap-url", self.ldap_url.is_some())];
        match (self.no_dns, dns_sources.iter().find(|(_, given)| *given)) {
            (false, None) => {
                return Err(invalid(
                    "--dns-records",
                    "no DNS source: give --dns-records PATH, --dns-server ADDR or --ldap-url URL (or set them in --config); to audit without DNS data (every row's DNS status unknown), pass --no-dns",
                ));
            }
            (true, Some((option, _))) => return Err(invalid("--no-dns", format!("contradicts {option}: give one or the other"))),
            _ => {}
        }
        let format = self.format.as_deref().map_or(Ok(Format::Csv), str::parse).map_err(|m| invalid("--format", m))?;
        let output = match self.output {
            Some(p) if p == Path::new("-") => Destination::Stdout,
            Some(p) => Destination::File(p),
            None => Destination::File(report::default_path(now, format)),
        };
        let previous = match (self.previous.as_deref().map(str::trim), &output) {
            (Some(""), _) => return Err(invalid("--previous", "give a path, auto or none")),
            (Some("none"), _) | (None | Some("auto"), Destination::Stdout) => PreviousChoice::None,
            // This report's own time: its name's timestamp, else the clock.
            (None | Some("auto"), Destination::File(p)) => PreviousChoice::Auto {
                dir: report::dir_of(p),
                before: p.file_name().and_then(|n| n.to_str()).and_then(|n| report::parse_name(n, report::Kind::Audit)).map_or(now, |(t, _)| t),
            },
            (Some(path), _) => PreviousChoice::Path(PathBuf::from(path)),
        };
        if self.keep == Some(0) {
            return Err(invalid("--keep", "must be at least 1 (the report just written is one of them)"));
        }
        // The page renamed over the CSV would leave one report where the user asked for two:
        // compared by where they are (`./r.csv`, `g/../r.csv`, an absolute path, a link to the
        // folder), not by spelling.
        if let (Some(html), Destination::File(csv)) = (&self.html, &output)
            && report::same_file(html, csv)
        {
            let other = if html == csv { String::new() } else { format!(" ('{}')", csv.display()) };
            return Err(invalid("--html", format!("'{}' is the --output file{other}; give the HTML report a path of its own", html.display())));
        }
        // The same for the spreadsheet, against the report and the page.
        if let Some(xlsx) = &self.xlsx {
            let others = [("--output", if let Destination::File(csv) = &output { Some(csv) } else { None }), ("--html", self.html.as_ref())];
            if let Some((option, other)) = others.into_iter().find_map(|(o, p)| p.filter(|p| report::same_file(xlsx, p)).map(|p| (o, p))) {
                let spelled = if xlsx == other { String::new() } else { format!(" ('{}')", other.display()) };
                return Err(invalid("--xlsx", format!("'{}' is the {option} file{spelled}; give the spreadsheet a path of its own", xlsx.display())));
            }
        }
        // A folder given as an input reads each file in it (crate::input::paths).
        let files = |option: &'static str, paths: Vec<PathBuf>| input::paths::expand(paths).map_err(|e| invalid(option, e.to_string()));
        let (leases, dns_records, zones, dhcp_settings) =
            (files("--leases", self.leases)?, files("--dns-records", self.dns_records)?, files("--zones", self.zones)?, files("--dhcp-settings", self.dhcp_settings)?);
        let computers = self.computers.map(input::paths::expand_one).transpose().map_err(|e| invalid("--computers", e.to_string()))?;
        // The stages' own configurations, with the passwords: the one place a secret is read,
        // last, so that every other mistake is said first, in the order the run used to meet them
        // (LDAP, then Kea), and only where the secret is used.
        let ldap = match self.ldap_url {
            Some(url) => {
                let s = LdapSettings {
                    url,
                    base_dn: self.base_dn,
                    bind_dn: self.bind_dn,
                    password_file: self.password_file,
                    kerberos: self.kerberos,
                    ca_file: self.ca_file.clone(),
                    server_name: self.ldap_server_name,
                };
                let mut config = LdapConfig::from_settings(&s, || secret::read(s.password_file.as_deref(), ldap::PASSWORD_ENV))?;
                config.connections = connections;
                Some(config)
            }
            None => None,
        };
        let kea_urls = self.kea_url.iter().map(|u| kea_api::Endpoint::parse(u)).collect::<Result<Vec<_>, _>>()?;
        let kea_password = if kea_urls.is_empty() {
            None
        } else {
            secret::read(self.kea_password_file.as_deref(), kea_api::PASSWORD_ENV).map_err(|e| KeaError::PasswordFile { path: e.path, error: e.error })?
        };
        let kea = KeaAccess::new(self.kea_user, kea_password, self.ca_file);
        Ok(Settings {
            leases,
            leases_format,
            kea,
            kea_urls,
            computers,
            ldap,
            dns_records,
            zones,
            dhcp_settings,
            dns_servers,
            compare_servers: self.compare_servers,
            audit,
            output,
            format,
            previous,
            keep: self.keep,
            html: self.html,
            xlsx: self.xlsx,
            all: self.all,
            fail_on,
            pacing,
            input_times: InputTimes { date_order, zone },
            now,
        })
    }
}

/// `ddns-audit completions SHELL`: the completion script, generated from the clap definition.
pub fn write_completions(shell: clap_complete::Shell, out: &mut dyn std::io::Write) {
    clap_complete::generate(shell, &mut Cli::command(), "ddns-audit", out);
}

/// `ddns-audit man`: the man page (roff), from the clap definition, with each subcommand's
/// options (its long help) after the main page.
pub fn write_man(out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let cmd = Cli::command();
    clap_mangen::Man::new(cmd.clone()).render(out)?;
    for (name, title) in [("audit", "ddns-audit-audit"), ("forecast", "ddns-audit-forecast")] {
        if let Some(sub) = cmd.find_subcommand(name) {
            clap_mangen::Man::new(sub.clone().name(title)).render(out)?;
        }
    }
    Ok(())
}

/// `ADDR` or `ADDR:PORT` (IPv6 as `[ADDR]:PORT`); port 53 by default.
fn parse_server(s: &str) -> Option<SocketAddr> {
    let s = s.trim();
    if let Ok(a) = s.parse::<SocketAddr>() {
        return Some(a);
    }
    s.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>().ok().map(|ip| SocketAddr::new(ip, 53))
}

#[cfg(test)]
mod tests;
