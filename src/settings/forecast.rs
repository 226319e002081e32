//! `ddns-audit forecast`'s command line: the audit's options less its own ([`AUDIT_ONLY`],
//! hidden and refused), plus the horizon and the logon window, validated into
//! [`ForecastSettings`].

use chrono::{DateTime, TimeDelta, Utc};
use clap::Args;

use super::{AuditArgs, Settings, SettingsError, duration_option, invalid};
use crate::forecast::{ForecastFailOn, ForecastOptions};
use crate::report::{self, Destination, PreviousChoice};

/// The audit's options that the forecast does not use, with why: on its command line they are
/// refused (naming the option); in a config file shared with the audit they are ignored.
const AUDIT_ONLY: [(&str, &str); 8] = [
    ("scavenging_interval", "the forecast dates when each record becomes deletable, whichever scavenging run deletes it"),
    ("previous", "a forecast has no run-over-run columns"),
    ("dns_server", "the forecast does not ask live DNS: its records are dated by their timestamps, which live answers lack"),
    ("compare_servers", "the forecast does not ask live DNS"),
    ("concurrency", "the forecast does not ask live DNS"),
    ("qps", "the forecast does not ask live DNS"),
    ("timeout", "the forecast does not ask live DNS"),
    ("retries", "the forecast does not ask live DNS"),
];

/// `ddns-audit forecast` options: the audit's inputs and options, plus the horizon and the
/// logon window (both also read from `--config`, where the audit ignores them). The audit's
/// own options ([`AUDIT_ONLY`]) are hidden, and refused when given.
#[derive(Debug, Args)]
#[command(mut_arg("fail_on", |a| a.help("Exit 1 when a live record is deleted: live, never [default: never]").long_help(None::<&str>)))]
#[command(mut_arg("output", |a| a.help("The report; `-` is stdout [default: reports/ddns-audit-forecast-<time>.csv]").long_help(None::<&str>)))]
#[command(mut_arg("keep", |a| a.help("Keep the newest N forecasts in the output's folder [default: all]").long_help(None::<&str>)))]
#[command(mut_arg("all", |a| a.help("Also list the due records that are refreshed in time (not deleted)")))]
#[command(mut_arg("previous", |a| a.hide(true)))]
#[command(mut_arg("scavenging_interval", |a| a.hide(true)))]
#[command(mut_arg("dns_server", |a| a.hide(true)))]
#[command(mut_arg("compare_servers", |a| a.hide(true)))]
#[command(mut_arg("concurrency", |a| a.hide(true)))]
#[command(mut_arg("qps", |a| a.hide(true)))]
#[command(mut_arg("timeout", |a| a.hide(true)))]
#[command(mut_arg("retries", |a| a.hide(true)))]
pub struct ForecastArgs {
    #[command(flatten)]
    pub common: AuditArgs,
    /// Forecast deletions up to this long after --as-of [default: 28d]
    #[arg(long, value_name = "DUR", allow_hyphen_values = true, help_heading = "Aging and time")]
    pub(crate) horizon: Option<String>,
    /// A computer logged on this long before --as-of is live [default: 30d]
    ///
    /// An enabled AD computer whose lastLogonTimestamp is at or after --as-of minus this.
    /// lastLogonTimestamp replicates up to 14 days late: keep it at 30 days or more.
    #[arg(long, value_name = "DUR", allow_hyphen_values = true, help_heading = "Aging and time")]
    pub(crate) logon_window: Option<String>,
}

impl ForecastArgs {
    /// The first audit-only option given on the command line, as `--name`, with why.
    fn audit_only_given(&self) -> Option<(String, &'static str)> {
        let c = &self.common;
        let given = |field: &str| match field {
            "scavenging_interval" => c.scavenging_interval.is_some(),
            "previous" => c.previous.is_some(),
            "dns_server" => !c.dns_server.is_empty(),
            "compare_servers" => c.compare_servers,
            "concurrency" => c.concurrency.is_some(),
            "qps" => c.qps.is_some(),
            "timeout" => c.timeout.is_some(),
            "retries" => c.retries.is_some(),
            _ => false,
        };
        AUDIT_ONLY.iter().find(|(f, _)| given(f)).map(|(f, why)| (format!("--{}", f.replace('_', "-")), *why))
    }
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
        if let Some((option, why)) = self.audit_only_given() {
            return Err(SettingsError::NotForecast { option, why });
        }
        let all = self.common.all;
        let mut common = self.common.merge_config()?;
        // A config file shared with the audit: its audit-only keys are the audit's, ignored here.
        common.scavenging_interval = None;
        common.previous = None;
        common.dns_server.clear();
        common.compare_servers = false;
        (common.concurrency, common.qps, common.timeout, common.retries) = (None, None, None, None);
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
