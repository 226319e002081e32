//! The command line and the `--config` TOML file, merged (the command line wins) and
//! validated into one [`Settings`] value: past this point nothing holds a raw string where a
//! typed value belongs.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeDelta, Utc};
use clap::{Args, Parser, Subcommand};
use serde::Deserialize;

use crate::audit::{AuditSettings, DhcpAccount, FailOn};
use crate::directory::ldap::{self, LdapConfig, LdapError, LdapSettings};
use crate::dns::live::Pacing;
use crate::forecast::{ForecastFailOn, ForecastOptions};
use crate::leases::{self, kea_api::{self, KeaAccess, KeaError}};
use crate::secret;
use crate::report::{self, Destination, Format, PreviousChoice};
use crate::timefmt::{DateOrder, InputTimes, InputZone, parse_duration};

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    // The I/O error is in the message, not a `source`: `{:#}` would print it twice.
    #[error("cannot read the config file {path}: {error}")]
    ConfigRead { path: PathBuf, error: std::io::Error },
    #[error("config file {path}: {message}")]
    ConfigParse { path: PathBuf, message: String },
    #[error("{option}: {message}")]
    Invalid { option: &'static str, message: String },
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

#[derive(Debug, Parser)]
#[command(name = "ddns-audit", version, about = "Finds leased hosts whose DNS records are missing, wrong, or about to be scavenged.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit DHCP leases against DNS records and AD computers; write the CSV report.
    Audit(AuditArgs),
    /// Before enabling scavenging: every dynamic A, AAAA and PTR record scavenging deletes
    /// within --horizon, and whether its host is live.
    Forecast(ForecastArgs),
}

/// `ddns-audit forecast` options: the audit's inputs and options, plus the horizon and the
/// logon window (both also read from `--config`, where the audit ignores them).
#[derive(Debug, Args)]
#[command(mut_arg("fail_on", |a| a.help("Exit 1 when a live row exists: live, never [default: never]")))]
#[command(mut_arg("output", |a| a.help("The report; `-` is stdout [default: reports/ddns-audit-forecast-<UTC timestamp>.csv, or .jsonl]")))]
#[command(mut_arg("keep", |a| a.help("After a successful run, remove all but the newest N forecasts in the output's folder (ddns-audit-forecast-<UTC timestamp> .csv/.jsonl/.html) [default: keep all]")))]
#[command(mut_arg("previous", |a| a.hide(true)))]
pub struct ForecastArgs {
    #[command(flatten)]
    pub common: AuditArgs,
    /// Forecast the records scavenging deletes up to this long after --as-of [default: 28d].
    #[arg(long, value_name = "DUR")]
    pub(crate) horizon: Option<String>,
    /// An enabled AD computer that logged on within this long before --as-of is live [default: 30d].
    #[arg(long, value_name = "DUR")]
    pub(crate) logon_window: Option<String>,
}

/// `ddns-audit audit` options. All optional here so that the config file can supply them.
#[allow(rustdoc::invalid_html_tags)] // the doc comments are the `--help` text, not HTML
#[derive(Debug, Args, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct AuditArgs {
    /// TOML file with any of these options (same names, `-` or `_`); the command line wins.
    #[arg(long, value_name = "FILE")]
    #[serde(skip)]
    pub(crate) config: Option<PathBuf>,

    /// DHCP lease export (repeatable); format detected from content.
    #[arg(long, value_name = "PATH")]
    #[serde(default, deserialize_with = "one_or_many")]
    pub leases: Vec<PathBuf>,
    /// Force the lease format: windows-csv, windows-xml, dhcpd, kea-csv, dnsmasq.
    #[arg(long, value_name = "FORMAT")]
    pub(crate) leases_format: Option<String>,
    /// Kea control endpoint (repeatable): the Kea 2.x control agent or a Kea 3 daemon's HTTP socket.
    #[arg(long, value_name = "URL")]
    #[serde(default, deserialize_with = "one_or_many")]
    pub(crate) kea_url: Vec<String>,
    /// User for HTTP basic authentication to Kea (a user in the URL wins); the password comes from --kea-password-file or DDNS_AUDIT_KEA_PASSWORD.
    #[arg(long, value_name = "USER")]
    pub(crate) kea_user: Option<String>,
    /// File holding the Kea password (first line).
    #[arg(long, value_name = "FILE")]
    pub(crate) kea_password_file: Option<PathBuf>,

    /// Offline AD computers: LDIF or CSV.
    #[arg(long, value_name = "PATH")]
    pub(crate) computers: Option<PathBuf>,
    /// Live AD over LDAP (ldaps://, or ldap:// with StartTLS).
    #[arg(long, value_name = "URL")]
    pub(crate) ldap_url: Option<String>,
    /// Base DN (default: from the RootDSE).
    #[arg(long, value_name = "DN")]
    pub(crate) base_dn: Option<String>,
    /// DN (or user@domain) for a simple bind; the password comes from --password-file or DDNS_AUDIT_LDAP_PASSWORD.
    #[arg(long, value_name = "DN")]
    pub(crate) bind_dn: Option<String>,
    /// File holding the LDAP password (first line).
    #[arg(long, value_name = "FILE")]
    pub(crate) password_file: Option<PathBuf>,
    /// Bind with Kerberos (GSSAPI) using the caller's ticket cache.
    #[arg(long)]
    #[serde(default)]
    pub(crate) kerberos: bool,
    /// CA certificate (PEM) to trust for LDAPS/StartTLS and Kea TLS.
    #[arg(long, value_name = "FILE")]
    pub(crate) ca_file: Option<PathBuf>,
    /// The domain controller's FQDN for TLS name checks and the Kerberos SPN (ldap/NAME), when
    /// --ldap-url names it by address [default: the URL's host].
    #[arg(long, value_name = "FQDN")]
    pub(crate) ldap_server_name: Option<String>,
    #[arg(long, value_name = "N", help = format!("Live AD: connections read side by side, 1 to {} [default: {}]", ldap::MAX_CONNECTIONS, ldap::DEFAULT_CONNECTIONS))]
    pub(crate) ldap_connections: Option<usize>,

    /// Offline DNS data with aging timestamps: dnscmd zone export or records CSV (repeatable).
    #[arg(long, value_name = "PATH")]
    #[serde(default, deserialize_with = "one_or_many")]
    pub(crate) dns_records: Vec<PathBuf>,
    /// Zones listing CSV (Get-DnsServerZone + Get-DnsServerZoneAging): each listed zone's
    /// dynamic-update policy and aging (repeatable).
    #[arg(long, value_name = "PATH")]
    #[serde(default, deserialize_with = "one_or_many")]
    pub(crate) zones: Vec<PathBuf>,
    /// DHCP servers' DNS settings CSV (Get-DhcpServerv4DnsSetting / v6 per server and scope; repeatable).
    #[arg(long, value_name = "PATH")]
    #[serde(default, deserialize_with = "one_or_many")]
    pub(crate) dhcp_settings: Vec<PathBuf>,
    /// An account DHCP servers register DNS records with, DOMAIN\name or name (repeatable):
    /// records it owns are `dhcp-server`.
    #[arg(long, value_name = "NAME")]
    #[serde(default, deserialize_with = "one_or_many")]
    pub(crate) dhcp_account: Vec<String>,
    /// DNS server for live A/AAAA/PTR resolution (repeatable).
    #[arg(long, value_name = "ADDR[:PORT]")]
    #[serde(default, deserialize_with = "one_or_many")]
    pub(crate) dns_server: Vec<String>,
    /// Ask every --dns-server every question and report the names whose answers differ.
    #[arg(long)]
    #[serde(default)]
    pub(crate) compare_servers: bool,
    /// Audit without any DNS data (no --dns-records, --dns-server or --ldap-url): every row's
    /// DNS columns are then unknown. Without it, a run with no DNS source is refused.
    #[arg(long)]
    #[serde(default)]
    pub(crate) no_dns: bool,
    /// DNS suffix for lease host names without a dot.
    #[arg(long, value_name = "SUFFIX")]
    pub(crate) domain: Option<String>,

    /// Zone no-refresh interval where the data does not carry it [default: 7d].
    #[arg(long, value_name = "DUR")]
    pub(crate) no_refresh: Option<String>,
    /// Zone refresh interval where the data does not carry it [default: 7d].
    #[arg(long, value_name = "DUR")]
    pub(crate) refresh: Option<String>,
    /// How often scavenging runs [default: 7d].
    #[arg(long, value_name = "DUR")]
    pub(crate) scavenging_interval: Option<String>,
    /// Evaluate risk as if aging were enabled on every zone.
    #[arg(long)]
    #[serde(default)]
    pub(crate) assume_aging: bool,
    /// Day/month order of culture-formatted dates in Export-Csv files (leases, computers, DNS
    /// records) and Export-DhcpServer XML (both write the exporting server's culture): dmy, mdy
    /// or ymd [default: decided per file from its dates].
    #[arg(long, value_name = "ORDER")]
    pub(crate) date_order: Option<String>,
    /// IANA time zone (e.g. Europe/Berlin) of input times written without a zone: the exporting
    /// server's [default: this machine's zone].
    #[arg(long, value_name = "ZONE")]
    pub(crate) input_time_zone: Option<String>,
    /// The moment audited, RFC 3339 [default: now].
    #[arg(long, value_name = "TIME")]
    pub(crate) as_of: Option<String>,

    /// The report; `-` is stdout [default: reports/ddns-audit-<UTC timestamp>.csv, or .jsonl].
    #[arg(long, value_name = "PATH")]
    pub(crate) output: Option<PathBuf>,
    /// The report's format: csv or jsonl (JSON Lines) [default: csv].
    #[arg(long, value_name = "FORMAT")]
    pub(crate) format: Option<String>,
    /// The previous report to compare with (first_seen, change): a path, auto (the latest
    /// ddns-audit-<UTC timestamp>.csv or .jsonl before this one in the output's folder) or none
    /// [default: auto].
    #[arg(long, value_name = "PATH|auto|none")]
    pub(crate) previous: Option<String>,
    /// After a successful run, remove all but the newest N reports of this kind in the output's
    /// folder (ddns-audit-<UTC timestamp> .csv/.jsonl/.html) [default: keep all].
    #[arg(long, value_name = "N")]
    pub(crate) keep: Option<usize>,
    /// Also write an HTML report here: one self-contained page with the summary, charts and
    /// the rows in a table that sorts and filters.
    #[arg(long, value_name = "PATH")]
    pub(crate) html: Option<PathBuf>,
    /// Also write ok rows and leases without a host name.
    #[arg(long)]
    #[serde(default)]
    pub(crate) all: bool,
    /// Exit 1 when a row at or above this level exists: missing, stale, at-risk, never [default: never].
    #[arg(long, value_name = "LEVEL")]
    pub(crate) fail_on: Option<String>,

    // The pacing defaults are `Pacing`'s; the help shows them from there.
    #[arg(long, value_name = "N", help = format!("Live DNS: queries in flight at once [default: {}]", Pacing::DEFAULT_CONCURRENCY))]
    pub(crate) concurrency: Option<usize>,
    #[arg(long, value_name = "N", help = format!("Live DNS: queries per second, at most [default: {}]", Pacing::DEFAULT_QPS))]
    pub(crate) qps: Option<u32>,
    #[arg(long, value_name = "DUR", help = format!("Live DNS: per-query timeout [default: {}s]", Pacing::DEFAULT_TIMEOUT.as_secs()))]
    pub(crate) timeout: Option<String>,
    #[arg(long, value_name = "N", help = format!("Live DNS: retries after a failed query [default: {}]", Pacing::DEFAULT_RETRIES))]
    pub(crate) retries: Option<u32>,

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

/// `forecast`'s validated settings: the audit's (inputs, aging, output) and its own.
#[derive(Debug, Clone)]
pub struct ForecastSettings {
    pub(crate) base: Settings,
    pub(crate) forecast: ForecastOptions,
    pub(crate) fail_on: ForecastFailOn,
    /// `--all` on the forecast's command line: the `refreshing` records are rows too. A config
    /// file's `all` is the audit's ("also the ok rows") and does not apply: a shared config
    /// would otherwise list every healthy record as a deletion.
    pub(crate) all: bool,
}

impl ForecastArgs {
    /// Reads the config file, then validates into [`ForecastSettings`]. `--fail-on` takes
    /// forecast's levels (`live`, `never`); the audit's are refused, naming the valid ones.
    pub fn into_settings(self, now: DateTime<Utc>) -> Result<ForecastSettings, SettingsError> {
        let all = self.common.all;
        let mut common = self.common.merge_config()?;
        let fail_on = common
            .fail_on
            .take()
            .map(|s| s.parse::<ForecastFailOn>())
            .transpose()
            .map_err(|m| invalid("--fail-on", format!("{m} (forecast's levels; missing, stale and at-risk are the audit's)")))?
            .unwrap_or(ForecastFailOn::Never);
        let horizon = duration_option("--horizon", self.horizon.as_ref().or(common.horizon.as_ref()), TimeDelta::days(28))?;
        let logon_window = duration_option("--logon-window", self.logon_window.as_ref().or(common.logon_window.as_ref()), TimeDelta::days(30))?;
        if logon_window <= TimeDelta::zero() {
            return Err(invalid("--logon-window", "must be longer than zero"));
        }
        let default_output = common.output.is_none();
        let mut base = common.into_settings(now)?;
        if default_output {
            base.output = Destination::File(report::default_path_of(report::Kind::Forecast, now, base.format));
        }
        // The forecast has no run-over-run columns.
        base.previous = PreviousChoice::None;
        Ok(ForecastSettings { base, forecast: ForecastOptions { horizon, logon_window }, fail_on, all })
    }
}

/// A duration option (`--no-refresh` and the others, also from the config file): the one
/// parser and bound of [`parse_duration`], the error naming the option.
fn duration_option(option: &'static str, v: Option<&String>, default: TimeDelta) -> Result<TimeDelta, SettingsError> {
    match v {
        Some(s) => parse_duration(s).map_err(|m| invalid(option, m)),
        None => Ok(default),
    }
}

/// Everything the run needs, validated.
#[derive(Debug, Clone)]
pub struct Settings {
    pub(crate) leases: Vec<PathBuf>,
    pub(crate) leases_format: Option<leases::Format>,
    pub(crate) kea_urls: Vec<String>,
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
    pub(crate) all: bool,
    pub(crate) fail_on: FailOn,
    pub(crate) pacing: Pacing,
    /// How to read input times without a zone, and culture-formatted dates.
    pub(crate) input_times: InputTimes,
}

impl AuditArgs {
    /// Reads the config file (if any) and fills every option the command line left unset.
    /// Relative paths in the config file are taken from the config file's directory.
    pub(crate) fn merge_config(mut self) -> Result<AuditArgs, SettingsError> {
        let Some(path) = self.config.clone() else { return Ok(self) };
        let text = std::fs::read_to_string(&path).map_err(|error| SettingsError::ConfigRead { path: path.clone(), error })?;
        let file = parse_config(&text).map_err(|message| SettingsError::ConfigParse { path: path.clone(), message })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let rel = |p: PathBuf| if p.is_absolute() || p == Path::new("-") { p } else { base.join(p) };

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
        fill_path!(computers, kea_password_file, password_file, ca_file, output, html);
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

    /// Validates into [`Settings`]. `now` is the clock value (the default `--as-of`).
    pub fn into_settings(self, now: DateTime<Utc>) -> Result<Settings, SettingsError> {
        let duration = |option: &'static str, v: &Option<String>, default: TimeDelta| duration_option(option, v.as_ref(), default);
        let week = TimeDelta::days(7);
        let as_of = match &self.as_of {
            Some(s) => DateTime::parse_from_rfc3339(s.trim())
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| invalid("--as-of", format!("'{s}' is not an RFC 3339 time such as 2026-11-24T06:00:00Z ({e})")))?,
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
        let kea_password = if self.kea_url.is_empty() {
            None
        } else {
            secret::read(self.kea_password_file.as_deref(), kea_api::PASSWORD_ENV).map_err(|e| KeaError::PasswordFile { path: e.path, error: e.error })?
        };
        let kea = KeaAccess::new(self.kea_user, kea_password, self.ca_file);
        Ok(Settings {
            leases: self.leases,
            leases_format,
            kea,
            kea_urls: self.kea_url,
            computers: self.computers,
            ldap,
            dns_records: self.dns_records,
            zones: self.zones,
            dhcp_settings: self.dhcp_settings,
            dns_servers,
            compare_servers: self.compare_servers,
            audit,
            output,
            format,
            previous,
            keep: self.keep,
            html: self.html,
            all: self.all,
            fail_on,
            pacing,
            input_times: InputTimes { date_order, zone },
        })
    }
}

/// Parses the TOML config; keys may use `-` or `_`. An error says where (line, column) and
/// what kind of mistake, never the file's text: toml's own message quotes the offending line,
/// and `--config` given the password file by mistake would print the password. Public for
/// the fuzz target `config`.
pub fn parse_config(text: &str) -> Result<AuditArgs, String> {
    let at = |offset: usize| {
        let before = text.get(..offset).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("line {line}, column {column}")
    };
    let value: toml::Table = toml::from_str(text).map_err(|e| {
        let kind = format!("not valid TOML ({})", toml_syntax_kind(e.message()));
        match e.span() {
            Some(span) => format!("{}: {kind}", at(span.start)),
            None => kind,
        }
    })?;
    // The keys' positions, to place a key's error (deserializing a `Table` loses the spans).
    let spans: std::collections::BTreeMap<toml::Spanned<String>, serde::de::IgnoredAny> = toml::from_str(text).unwrap_or_default();
    let key_at = |key: &str| spans.keys().find(|k| k.get_ref() == key).map(|k| format!("{}: ", at(k.span().start))).unwrap_or_default();
    let mut normalised = toml::Table::new();
    for (k, v) in value {
        let name = k.replace('_', "-");
        // Each key alone, so that an error is placed at its key and worded without its value.
        let one: toml::Table = [(name.clone(), v.clone())].into_iter().collect();
        if let Err(e) = AuditArgs::deserialize(toml::Value::Table(one)) {
            let msg = e.message();
            return Err(if msg.starts_with("unknown field") {
                format!("{}not an option (the keys are the long option names, `ddns-audit audit --help`)", key_at(&k))
            } else {
                // serde's message quotes the value; only the expected type is kept.
                let expected = msg.rsplit_once(", expected ").map(|(_, x)| format!(", expected {x}")).unwrap_or_default();
                let what = if msg.starts_with("invalid type") || msg.contains("did not match any variant") { "has the wrong type" } else { "is not valid" };
                format!("{}the value of {name} {what}{expected}", key_at(&k))
            });
        }
        normalised.insert(name, v);
    }
    AuditArgs::deserialize(toml::Value::Table(normalised)).map_err(|e| e.message().to_string())
}

/// The kind of a TOML syntax error. toml's parser messages are fixed phrases with the expected
/// tokens in backticks; one holding a quote might quote the input, so it is not shown.
fn toml_syntax_kind(message: &str) -> &str {
    let first = message.lines().next().unwrap_or("");
    if first.is_empty() || first.contains(['"', '\'']) { "syntax error" } else { first }
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
