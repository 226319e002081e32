//! The DHCP servers' DNS-update settings from the Kea control API (`config-get`), for the
//! `dhcp_dns_setting` column (docs/report.md "Columns"; issue #10).
//!
//! For each `--kea-url`, `config-get` is sent for `dhcp4` and `dhcp6` through the same client as
//! the lease paging (authentication, TLS, timeouts, bounded body). A Kea 2.x control agent
//! answers with an array holding the `Dhcp4`/`Dhcp6` configuration; a Kea 3 daemon's own socket
//! answers one object with its own daemon's configuration, whatever service is named, so it is
//! asked once. A family the agent has no socket for is a note, as for leases.
//!
//! The effective value of each of the four keys for a subnet (`id`, the leases' `subnet-id`) is
//! the subnet's own, else its shared network's, else the global one, else Kea's default
//! (Kea 2.x `GLOBAL4_DEFAULTS`/`GLOBAL6_DEFAULTS`: `ddns-send-updates` true, the three others
//! false). Nothing here fails the run: an endpoint that refuses `config-get`, answers a
//! configuration of an unknown shape or a non-boolean value is one counted problem, and that
//! endpoint has no settings at all (never a guessed one).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::{Client, Endpoint, Family, KeaAccess, KeaError, Link, RESULT_SUCCESS, snippet};
use crate::input::{Problems, SkipReason};
use crate::leases::dns_settings::{self, DhcpDnsSetting, DhcpDnsSettings};

/// The four keys read, in the order of `dhcp_dns_setting`'s tokens (docs/report.md "Columns").
const KEYS: [&str; 4] = ["ddns-send-updates", "ddns-override-client-update", "ddns-override-no-update", "ddns-update-on-renew"];

/// One subnet's effective DNS-update setting: every value known (inheritance and Kea's defaults
/// applied).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeaDdnsSetting {
    pub send_updates: bool,
    pub override_client_update: bool,
    pub override_no_update: bool,
    pub update_on_renew: bool,
}

impl KeaDdnsSetting {
    /// Kea 2.x's defaults when no level sets a key (`simple_parser4.cc`/`simple_parser6.cc`).
    pub const KEA_DEFAULT: KeaDdnsSetting = KeaDdnsSetting { send_updates: true, override_client_update: false, override_no_update: false, update_on_renew: false };
}

/// The `dhcp_dns_setting` cell: `send-updates=..;override-client-update=..;override-no-update=..;update-on-renew=..`.
impl fmt::Display for KeaDdnsSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "send-updates={};override-client-update={};override-no-update={};update-on-renew={}",
            self.send_updates, self.override_client_update, self.override_no_update, self.update_on_renew
        )
    }
}

/// The keys one level (global, shared network, subnet) sets; `None`: inherited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Level([Option<bool>; 4]);

impl Level {
    /// The keys `obj` sets; a key that is not a JSON boolean is an error naming it (`at`: where).
    fn read(obj: &Map<String, Value>, at: &str) -> Result<Level, String> {
        let mut level = Level::default();
        for (slot, key) in level.0.iter_mut().zip(KEYS) {
            *slot = match obj.get(key) {
                None => None,
                Some(Value::Bool(b)) => Some(*b),
                Some(other) => return Err(format!("{at}: \"{key}\" is {}, not true or false", snippet(&other.to_string()))),
            };
        }
        Ok(level)
    }

    /// This level's keys, the `parent`'s where this one sets none.
    fn over(self, parent: Level) -> Level {
        let mut out = self;
        for (mine, theirs) in out.0.iter_mut().zip(parent.0) {
            *mine = mine.or(theirs);
        }
        out
    }

    /// The effective setting: Kea's default for a key no level sets.
    fn resolve(self) -> KeaDdnsSetting {
        let d = KeaDdnsSetting::KEA_DEFAULT;
        let [s, c, n, r] = self.0;
        KeaDdnsSetting {
            send_updates: s.unwrap_or(d.send_updates),
            override_client_update: c.unwrap_or(d.override_client_update),
            override_no_update: n.unwrap_or(d.override_no_update),
            update_on_renew: r.unwrap_or(d.update_on_renew),
        }
    }
}

/// One endpoint's settings: subnet id → effective setting, per family.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointDdns {
    pub v4: BTreeMap<u32, KeaDdnsSetting>,
    pub v6: BTreeMap<u32, KeaDdnsSetting>,
}

/// The settings of every endpoint that answered `config-get`, keyed by the URL as the leases'
/// `source` shows it (without credentials); notes for the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeaDdnsSettings {
    pub endpoints: BTreeMap<String, EndpointDdns>,
    /// One line per endpoint read: subnets per family, families absent and why.
    pub notes: Vec<String>,
}

impl KeaDdnsSettings {
    /// The effective setting for a lease from `source` (its `source` column) in subnet
    /// `subnet_id` (its `scope`); `None` when that endpoint's settings are not known.
    pub fn get(&self, source: &str, v6: bool, subnet_id: u32) -> Option<KeaDdnsSetting> {
        let e = self.endpoints.get(source)?;
        if v6 { e.v6.get(&subnet_id) } else { e.v4.get(&subnet_id) }.copied()
    }
}

impl KeaDdnsSettings {
    /// Puts every subnet's effective setting into the audit's table, where a Kea lease finds
    /// it: by its endpoint and family ([`server_key`]) and its subnet id (the lease's `scope`).
    pub(crate) fn fill(&self, table: &mut DhcpDnsSettings) {
        for (url, e) in &self.endpoints {
            for (v6, subnets) in [(false, &e.v4), (true, &e.v6)] {
                let server = server_key(url, v6);
                for (id, k) in subnets {
                    let setting = DhcpDnsSetting {
                        send_updates: Some(k.send_updates),
                        override_client_update: Some(k.override_client_update),
                        override_no_update: Some(k.override_no_update),
                        update_on_renew: Some(k.update_on_renew),
                        ..DhcpDnsSetting::default()
                    };
                    table.add(Some(&server), dns_settings::Level::Scope(id.to_string()), setting);
                }
            }
        }
    }
}

/// The `server` of a lease read from a Kea endpoint: its URL (as `source` shows it) and the
/// family, since DHCPv4 and DHCPv6 number their subnets apart.
pub(crate) fn server_key(url: &str, v6: bool) -> String {
    format!("{url} {}", if v6 { "dhcp6" } else { "dhcp4" })
}

/// Reads the settings of every `--kea-url`; what cannot be read is a problem, never an error.
/// `run.rs` puts the result into the audit's table ([`KeaDdnsSettings::fill`]), where it
/// becomes the `dhcp_dns_setting` column of Kea leases.
pub(crate) fn read_ddns_settings(endpoints: &[Endpoint], access: &KeaAccess, link: &Link, problems: &mut Problems) -> KeaDdnsSettings {
    let mut out = KeaDdnsSettings::default();
    if endpoints.is_empty() {
        return out;
    }
    let control = match link.control(endpoints, access) {
        Ok(c) => c,
        Err(e) => {
            let e = KeaError::from(e);
            for endpoint in endpoints {
                problems.push(&Arc::from(endpoint.given.as_str()), 0, SkipReason::NoAnswer, format!("config-get: {e}; this endpoint's DHCP DNS settings are not known"));
            }
            return out;
        }
    };
    // One thread per endpoint (issue #19): three slow endpoints cost the slowest, not the sum.
    // Merged in the URLs' order, so the notes and problems are those of a read in turn.
    let results: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = endpoints
            .iter()
            .map(|endpoint| {
                let control = control.as_ref();
                scope.spawn(move || {
                    let client = Client::new(endpoint.clone(), control, access.page_size);
                    match client.read_ddns() {
                        Ok((found, note)) => Ok((client.endpoint.url.clone(), found, note)),
                        Err((reason, detail)) => Err((Arc::clone(&client.source), reason, format!("{detail}; this endpoint's DHCP DNS settings are not known"))),
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    for r in results {
        match r {
            Ok((url, found, note)) => {
                out.notes.push(note);
                out.endpoints.insert(url, found);
            }
            Err((source, reason, detail)) => problems.push(&source, 0, reason, detail),
        }
    }
    out
}

/// Reads one endpoint's settings as the run will: the entry point of the lab test
/// (`tests/lab_kea.rs`) and the hostile-endpoint tests. The password as `--kea-password-file`
/// (else `DDNS_AUDIT_KEA_PASSWORD`) gives it. Returns the problems as the summary words them.
pub fn ddns_settings_of(url: &str, user: Option<String>, password_file: Option<&Path>, ca_file: Option<PathBuf>) -> (KeaDdnsSettings, Vec<String>) {
    let mut problems = Problems::default();
    let settings = match (Endpoint::parse(url), crate::secret::read(password_file, super::PASSWORD_ENV)) {
        (Ok(endpoint), Ok(password)) => read_ddns_settings(&[endpoint], &KeaAccess::new(user, password, ca_file), &Link::new(Arc::new(super::Live)), &mut problems),
        (Err(e), _) => {
            problems.push(&Arc::from(crate::secret::redact_url(url)), 0, SkipReason::Malformed, format!("config-get: {e}"));
            KeaDdnsSettings::default()
        }
        (_, Err(e)) => {
            problems.push(&Arc::from(crate::secret::redact_url(url)), 0, SkipReason::NoAnswer, format!("config-get: --kea-password-file {e}"));
            KeaDdnsSettings::default()
        }
    };
    (settings, problems.list.iter().map(ToString::to_string).collect())
}

/// A problem's reason and detail.
type Unread = (SkipReason, String);

/// What one `config-get` reply held.
enum ConfigReply {
    /// The family's configuration (the family the reply names), subnet id → setting.
    Config(Family, Subnets),
    /// The agent serves no such family; the reason is for the note.
    Absent(String),
}

impl Client<'_> {
    /// `config-get` for both families; the settings found and the note for the summary.
    fn read_ddns(&self) -> Result<(EndpointDdns, String), Unread> {
        let mut found = EndpointDdns::default();
        let mut absent = Vec::new();
        let mut per_pool = 0usize;
        for family in [Family::V4, Family::V6] {
            let body = json!({ "command": "config-get", "service": [family.service()] });
            let (reply, via_agent) = self.post(&body).map_err(|e| self.unread(e))?;
            match self.config_reply(family, &reply, via_agent)? {
                ConfigReply::Config(Family::V4, subnets) => {
                    per_pool = per_pool.saturating_add(subnets.per_pool);
                    found.v4 = subnets.settings;
                }
                ConfigReply::Config(Family::V6, subnets) => {
                    per_pool = per_pool.saturating_add(subnets.per_pool);
                    found.v6 = subnets.settings;
                }
                ConfigReply::Absent(why) => absent.push(format!("no {} ({why})", family.service())),
            }
            // A Kea 3 daemon's socket answers with its own configuration whatever the service:
            // asking again would only read the same one.
            if !via_agent {
                break;
            }
        }
        let mut note = format!("{}: config-get: DNS settings of {} v4 and {} v6 subnet(s)", self.endpoint.url, found.v4.len(), found.v6.len());
        if per_pool > 0 {
            note.push_str(&format!("; {per_pool} subnet(s) left unknown: their pools set DNS updates of their own"));
        }
        for a in absent {
            note.push_str("; ");
            note.push_str(&a);
        }
        Ok((found, note))
    }

    fn config_reply(&self, family: Family, reply: &Map<String, Value>, via_agent: bool) -> Result<ConfigReply, Unread> {
        let malformed = |d: String| (SkipReason::Malformed, format!("config-get: {d}"));
        let result = reply
            .get("result")
            .and_then(Value::as_i64)
            .ok_or_else(|| malformed(format!("the reply has no numeric \"result\": {}", snippet(&Value::Object(reply.clone()).to_string()))))?;
        let text = snippet(reply.get("text").and_then(Value::as_str).unwrap_or(""));
        if result != RESULT_SUCCESS {
            let lower = text.to_ascii_lowercase();
            if via_agent && (lower.contains("not configured for the server type") || lower.contains("forwarding socket is not configured")) {
                return Ok(ConfigReply::Absent(format!("the control agent has no {} socket", family.service())));
            }
            if via_agent && lower.contains("unable to forward command") {
                return Ok(ConfigReply::Absent(format!("the control agent could not reach the {} server: {text}", family.service())));
            }
            return Err((SkipReason::AccessDenied, format!("config-get ({}) refused (Kea result {result}): {text}", family.service())));
        }
        let args = reply.get("arguments").and_then(Value::as_object).ok_or_else(|| malformed("a successful reply without \"arguments\"".into()))?;
        let (found, key) = match (args.get("Dhcp4"), args.get("Dhcp6")) {
            (Some(c), None) => ((Family::V4, c), "Dhcp4"),
            (None, Some(c)) => ((Family::V6, c), "Dhcp6"),
            _ => return Err(malformed(format!("the arguments hold not exactly one of \"Dhcp4\" and \"Dhcp6\" (keys: {})", snippet(&args.keys().cloned().collect::<Vec<_>>().join(", "))))),
        };
        let (found_family, config) = found;
        // An agent forwards to the socket of the service named: any other answer is not Kea's.
        if via_agent && found_family != family {
            return Err(malformed(format!("asked for the {} configuration, the agent answered \"{key}\"", family.service())));
        }
        let config = config.as_object().ok_or_else(|| malformed(format!("\"{key}\" is not an object")))?;
        let map = effective_settings(found_family, config).map_err(|d| malformed(format!("{key}: {d}")))?;
        Ok(ConfigReply::Config(found_family, map))
    }

    /// A transport or HTTP failure as a problem: refused (401/403, HTTP errors), garbage, or no answer.
    fn unread(&self, e: KeaError) -> Unread {
        let reason = match e {
            KeaError::Auth { .. } | KeaError::Status { .. } => SkipReason::AccessDenied,
            KeaError::BadReply { .. } => SkipReason::Malformed,
            _ => SkipReason::NoAnswer,
        };
        // The problem's source is the URL already.
        let text = e.to_string();
        let prefix = format!("{}: ", self.endpoint.url);
        (reason, format!("config-get: {}", text.strip_prefix(&prefix).unwrap_or(&text)))
    }
}

/// What one `Dhcp4`/`Dhcp6` configuration gives.
#[derive(Debug, Default)]
struct Subnets {
    /// Subnet id → effective setting.
    settings: BTreeMap<u32, KeaDdnsSetting>,
    /// Subnets left out because a pool of theirs sets one of the keys (Kea 3 reads the DDNS
    /// parameters per pool): one value per subnet would be wrong for some of its leases.
    per_pool: usize,
}

/// The effective setting of every subnet of one `Dhcp4`/`Dhcp6` configuration, by subnet id.
fn effective_settings(family: Family, config: &Map<String, Value>) -> Result<Subnets, String> {
    let subnets_key = if family == Family::V4 { "subnet4" } else { "subnet6" };
    let global = Level::read(config, "global")?;
    // Without `dhcp-ddns.enable-updates: true` (Kea's D2 client; absent means disabled) the
    // server sends no update for any subnet, whatever the subnets say: shown as
    // `send-updates=false`, the other keys as configured.
    let enabled = match config.get("dhcp-ddns") {
        None => false,
        Some(Value::Object(d)) => match d.get("enable-updates") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => return Err(format!("\"dhcp-ddns\": \"enable-updates\" is {}, not true or false", snippet(&other.to_string()))),
        },
        Some(other) => return Err(format!("\"dhcp-ddns\" is {}, not an object", snippet(&other.to_string()))),
    };
    let mut out = Subnets::default();
    for (i, subnet) in objects(config, subnets_key, "")?.into_iter().enumerate() {
        add_subnet(&mut out, subnet, global, &format!("{subnets_key}[{i}]"))?;
    }
    for (i, network) in objects(config, "shared-networks", "")?.into_iter().enumerate() {
        let name = network.get("name").and_then(Value::as_str).map_or_else(String::new, |n| format!(" \"{}\"", snippet(n)));
        let at = format!("shared-networks[{i}]{name}");
        let level = Level::read(network, &at)?.over(global);
        for (j, subnet) in objects(network, subnets_key, &at)?.into_iter().enumerate() {
            add_subnet(&mut out, subnet, level, &format!("{at}: {subnets_key}[{j}]"))?;
        }
    }
    if !enabled {
        for s in out.settings.values_mut() {
            s.send_updates = false;
        }
    }
    Ok(out)
}

/// The objects of the array `obj[key]` (absent: none); anything else is an error.
fn objects<'a>(obj: &'a Map<String, Value>, key: &str, at: &str) -> Result<Vec<&'a Map<String, Value>>, String> {
    let at = if at.is_empty() { String::new() } else { format!("{at}: ") };
    match obj.get(key) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| v.as_object().ok_or_else(|| format!("{at}{key}[{i}] is {}, not an object", snippet(&v.to_string()))))
            .collect(),
        Some(other) => Err(format!("{at}\"{key}\" is {}, not an array", snippet(&other.to_string()))),
    }
}

fn add_subnet(out: &mut Subnets, subnet: &Map<String, Value>, parent: Level, at: &str) -> Result<(), String> {
    let id = subnet
        .get("id")
        .and_then(Value::as_u64)
        .and_then(|id| u32::try_from(id).ok())
        .ok_or_else(|| format!("{at}: no subnet \"id\" from 0 to 4294967295 ({})", subnet.get("id").map_or_else(|| "absent".to_string(), |v| snippet(&v.to_string()))))?;
    let setting = Level::read(subnet, at)?.over(parent).resolve();
    // Kea refuses a configuration with a repeated id: one that has it is not what Kea runs.
    if out.settings.contains_key(&id) {
        return Err(format!("{at}: subnet id {id} appears twice"));
    }
    let mut per_pool = false;
    for pools in ["pools", "pd-pools"] {
        for (k, pool) in objects(subnet, pools, at)?.into_iter().enumerate() {
            per_pool |= Level::read(pool, &format!("{at}: {pools}[{k}]"))? != Level::default();
        }
    }
    if per_pool {
        out.per_pool = out.per_pool.saturating_add(1);
    } else {
        out.settings.insert(id, setting);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
