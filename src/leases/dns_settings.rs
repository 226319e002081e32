//! The DHCP servers' DNS-update settings (issue #10): what a server does now for a lease's
//! registration, the report's `dhcp_dns_setting`. Offline sources: `--dhcp-settings PATH` (the
//! CSV `queries/windows/export-dhcp-dns-settings.ps1` writes from `Get-DhcpServerv4DnsSetting`
//! / `v6`, columns `Server,ScopeId,DynamicUpdates,DeleteDnsRROnLeaseExpiry,
//! UpdateDnsRRForOlderClients,DisableDnsPtrRRUpdate,NameProtection`), and the DNS settings
//! inside an `Export-DhcpServer` XML: the DWORD value of option 81 (IPv4) or 39 (IPv6) at the
//! server, scope and reservation levels, decoded here by [`decode_dns_flags`] (`windows_xml`
//! finds the values; docs/inputs.md "Cause inputs" says where the shape comes from). Live: `kea_api`
//! adds the effective
//! `config-get` values per subnet with [`DhcpDnsSettings::add`] at [`Level::Scope`] (the subnet
//! id, which is a Kea lease's `scope`) and its URL as the server.
//!
//! Rules:
//! - The effective setting for a lease is, key by key, the reservation's (the lease's address)
//!   over its scope's over its server's. An entry's server matches a lease's server
//!   case-insensitively; an entry without a server matches every lease; a lease whose server is
//!   not known matches only entries without a server.
//! - CSV read strictly (issue #19; [`crate::input::read_strict_csv`]): every defect stops the
//!   run naming the file and line, since a skipped row would show a lease a less specific
//!   level's value. Header by name, case-insensitive, any order; `Server` and `ScopeId` are
//!   required (without `ScopeId` every row would read as server level), and at least one
//!   setting column. `ScopeId` empty is the server level, else an IPv4 network address
//!   (`10.0.16.0`; `10.000.016.000` is the same address) or an IPv6 prefix, with an optional
//!   `/length` when the address is that prefix's network (`10.0.16.0/24` is scope 10.0.16.0;
//!   `10.0.16.5/24` is refused). `DynamicUpdates` `Always|OnClientRequest|Never`; booleans
//!   `True|False`; empty: not known; any other value is an error. One server and scope given
//!   twice (in one file or two) with other values is an error naming both lines.
//! - Scopes are compared as addresses ([`scope_key`]), and the table is indexed by server and
//!   level once: a lease's setting is a few map look-ups, O(rows + leases) in all (issue #19).
//! - A level whose settings the source gives in a shape that cannot be read (an XML option 81
//!   value that is not a number or has unknown bits) is added with [`DhcpDnsSettings::add_unknown`]:
//!   it hides the less specific levels, so that the lease shows only what more specific levels
//!   say (usually nothing), never the server's value that this level overrides.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

use super::Lease;
use crate::input::{self, Header, InputError};
use crate::vocab::vocabulary;

vocabulary! {
    /// Windows `DynamicUpdates`: when the server registers the client's records. Read from the
    /// cmdlet's words (`Always`, `OnClientRequest`, `Never`) in any case.
    pub(crate) Updates, any_case {
        Always => "always",
        OnRequest => "on-request" | "onclientrequest",
        Never => "never",
    }
}

/// A DHCP server's DNS-update setting at one level, or effective for a lease: `None` for each
/// key its source does not say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DhcpDnsSetting {
    /// Windows `DynamicUpdates`.
    pub(crate) updates: Option<Updates>,
    /// Windows PTR updates: the inverse of `DisableDnsPtrRRUpdate`.
    pub(crate) ptr: Option<bool>,
    /// Windows `UpdateDnsRRForOlderClients`.
    pub(crate) older_clients: Option<bool>,
    /// Windows `DeleteDnsRROnLeaseExpiry`.
    pub(crate) delete_on_expiry: Option<bool>,
    /// Windows `NameProtection` (DHCID records).
    pub(crate) name_protection: Option<bool>,
    /// Kea `ddns-send-updates`.
    pub(crate) send_updates: Option<bool>,
    /// Kea `ddns-override-client-update`.
    pub(crate) override_client_update: Option<bool>,
    /// Kea `ddns-override-no-update`.
    pub(crate) override_no_update: Option<bool>,
    /// Kea `ddns-update-on-renew`.
    pub(crate) update_on_renew: Option<bool>,
}

impl DhcpDnsSetting {
    /// `self` (the more specific level) over `base`, key by key.
    pub(crate) fn over(self, base: DhcpDnsSetting) -> DhcpDnsSetting {
        DhcpDnsSetting {
            updates: self.updates.or(base.updates),
            ptr: self.ptr.or(base.ptr),
            older_clients: self.older_clients.or(base.older_clients),
            delete_on_expiry: self.delete_on_expiry.or(base.delete_on_expiry),
            name_protection: self.name_protection.or(base.name_protection),
            send_updates: self.send_updates.or(base.send_updates),
            override_client_update: self.override_client_update.or(base.override_client_update),
            override_no_update: self.override_no_update.or(base.override_no_update),
            update_on_renew: self.update_on_renew.or(base.update_on_renew),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        *self == DhcpDnsSetting::default()
    }

    /// The report's `dhcp_dns_setting` as the CSV writes it: `;`-separated [`DhcpDnsSetting::tokens`].
    #[cfg(test)]
    pub(crate) fn render(&self) -> String {
        self.tokens().join(";")
    }

    /// The `key=value` tokens in the README's order, only the known keys (a list in the
    /// report: `;`-separated in the CSV, an array in JSON Lines).
    pub(crate) fn tokens(&self) -> Vec<String> {
        let on = |b: bool| if b { "on" } else { "off" };
        let tf = |b: bool| if b { "true" } else { "false" };
        let tokens: [(&str, Option<&str>); 9] = [
            ("updates", self.updates.map(Updates::as_str)),
            ("ptr", self.ptr.map(on)),
            ("older-clients", self.older_clients.map(on)),
            ("delete-on-expiry", self.delete_on_expiry.map(on)),
            ("name-protection", self.name_protection.map(on)),
            ("send-updates", self.send_updates.map(tf)),
            ("override-client-update", self.override_client_update.map(tf)),
            ("override-no-update", self.override_no_update.map(tf)),
            ("update-on-renew", self.update_on_renew.map(tf)),
        ];
        tokens.iter().filter_map(|(k, v)| v.map(|v| format!("{k}={v}"))).collect()
    }

    /// The first setting, in the README's order, that stops the DHCP server from refreshing
    /// the lease's A/AAAA record (`is_ptr` false) or its PTR record (`ptr=off` stops only that).
    pub(crate) fn server_stop(&self, is_ptr: bool) -> Option<ServerStop> {
        if self.updates == Some(Updates::Never) {
            Some(ServerStop::UpdatesNever)
        } else if self.send_updates == Some(false) {
            Some(ServerStop::SendUpdatesFalse)
        } else if self.update_on_renew == Some(false) {
            Some(ServerStop::UpdateOnRenewFalse)
        } else if is_ptr && self.ptr == Some(false) {
            Some(ServerStop::PtrOff)
        } else {
            None
        }
    }
}

vocabulary! {
    /// A DHCP DNS setting that stops the server's updates, as `dhcp_dns_setting` writes it.
    pub(crate) ServerStop {
        UpdatesNever => "updates=never",
        SendUpdatesFalse => "send-updates=false",
        UpdateOnRenewFalse => "update-on-renew=false",
        PtrOff => "ptr=off",
    }
}

impl ServerStop {
    /// Where an administrator changes it.
    pub(crate) fn place(self) -> &'static str {
        match self {
            ServerStop::UpdatesNever => "the DHCP server's DNS tab (IPv4/IPv6, scope or reservation Properties > DNS: \"Enable DNS dynamic updates\"; Set-DhcpServerv4DnsSetting -DynamicUpdates)",
            ServerStop::SendUpdatesFalse => "Kea's ddns-send-updates (global, shared network or subnet; set it to true)",
            ServerStop::UpdateOnRenewFalse => "Kea's ddns-update-on-renew (global, shared network or subnet; set it to true so that renewals refresh the records)",
            ServerStop::PtrOff => "the DHCP server's DNS tab (scope Properties > DNS: \"Disable dynamic updates for DNS PTR records\" cleared; Set-DhcpServerv4DnsSetting -DisableDnsPtrRRUpdate $false)",
        }
    }
}

/// The level a setting is made at.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Level {
    Server,
    /// A scope: Windows `ScopeId` / v6 prefix, or a Kea subnet id (compared with the lease's
    /// `scope`, both through [`scope_key`]).
    Scope(String),
    /// A reservation: its address (from an `Export-DhcpServer` XML).
    Reservation(IpAddr),
}

impl Level {
    /// The level as the index keys it: a scope by [`scope_key`].
    fn key(self) -> Level {
        match self {
            Level::Scope(s) => Level::Scope(scope_key(&s)),
            other => other,
        }
    }
}

/// A scope as compared: an address scope (`10.0.16.0`, `10.000.016.000`, `10.0.16.0/24`,
/// `2001:db8:1::/64`) as its canonical network address, anything else (a Kea subnet id)
/// trimmed and lowercase. The same for a setting's scope and a lease's, so that the forms the
/// exports write meet.
pub(crate) fn scope_key(s: &str) -> String {
    let s = s.trim();
    match parse_scope(s) {
        Ok(Some(ip)) => ip.to_string(),
        _ => s.to_ascii_lowercase(),
    }
}

/// A scope written as an address: `Ok(Some(network))`; `Ok(None)` when it is no address form
/// at all (a Kea subnet id); `Err` when it is an address form that names no network (a host
/// address under its `/length`, a bad length or octet).
pub(crate) fn parse_scope(s: &str) -> Result<Option<IpAddr>, String> {
    let s = s.trim();
    let (addr, len) = match s.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (s, None),
    };
    let ip = if let Some(v4) = parse_v4_octets(addr) {
        IpAddr::V4(v4)
    } else if let Ok(v6) = addr.parse::<std::net::Ipv6Addr>() {
        IpAddr::V6(v6)
    } else if addr.contains(['.', ':']) || len.is_some() {
        return Err(format!("{} is not an IPv4 network address (10.0.16.0) or an IPv6 prefix", input::quote(s)));
    } else {
        return Ok(None);
    };
    if let Some(len) = len {
        let max = if ip.is_ipv4() { 32 } else { 128 };
        let bits: u32 = len.parse().ok().filter(|&b| b <= max).ok_or_else(|| format!("{}: the prefix length is not 0 to {max}", input::quote(s)))?;
        let host_bits = match ip {
            IpAddr::V4(v4) => u128::from(u32::from(v4) & u32::MAX.checked_shr(bits).unwrap_or(0)),
            IpAddr::V6(v6) => u128::from(v6) & u128::MAX.checked_shr(bits).unwrap_or(0),
        };
        if host_bits != 0 {
            return Err(format!("{} is a host address, not its scope's network address", input::quote(s)));
        }
    }
    Ok(Some(ip))
}

/// Four dot-separated decimal octets of 1 to 3 digits each, leading zeros allowed (as
/// `10.000.016.000` is written by some tools: decimal, never octal).
fn parse_v4_octets(s: &str) -> Option<std::net::Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut parts = s.split('.');
    for o in &mut octets {
        let p = parts.next()?;
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *o = p.parse().ok()?;
    }
    parts.next().is_none().then(|| std::net::Ipv4Addr::from(octets))
}

/// One setting as a source gives it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Entry {
    setting: DhcpDnsSetting,
    /// The level's settings are not known: the less specific levels do not show through.
    hides_below: bool,
}

/// Every DHCP DNS setting gathered, at every level, indexed by (server lowercase, `None` for
/// any server; level with its scope as [`scope_key`]).
#[derive(Debug, Default)]
pub(crate) struct DhcpDnsSettings {
    entries: rustc_hash::FxHashMap<(Option<String>, Level), Entry>,
}

fn server_key(server: Option<&str>) -> Option<String> {
    server.map(str::trim).filter(|s| !s.is_empty()).map(str::to_ascii_lowercase)
}

impl DhcpDnsSettings {
    /// Adds a setting at `level` for `server` (`None`: any server). A later setting at the same
    /// place is merged over the earlier one.
    pub(crate) fn add(&mut self, server: Option<&str>, level: Level, setting: DhcpDnsSetting) {
        let e = self.entries.entry((server_key(server), level.key())).or_insert(Entry { setting: DhcpDnsSetting::default(), hides_below: false });
        e.setting = setting.over(e.setting);
    }

    /// Records that `server`'s settings at `level` exist but could not be read: for the leases
    /// there, the less specific levels no longer apply (they are overridden by what is unknown).
    pub(crate) fn add_unknown(&mut self, server: Option<&str>, level: Level) {
        let e = self.entries.entry((server_key(server), level.key())).or_insert(Entry { setting: DhcpDnsSetting::default(), hides_below: false });
        e.hides_below = true;
    }

    /// Adds every setting of `later` as if its rows had been added here after this table's:
    /// the same table as reading its sources one after another (`over` is field by field, and
    /// each place is merged on its own).
    pub(crate) fn absorb(&mut self, later: DhcpDnsSettings) {
        for ((server, level), e) in later.entries {
            let mine = self.entries.entry((server, level)).or_insert(Entry { setting: DhcpDnsSetting::default(), hides_below: false });
            mine.setting = e.setting.over(mine.setting);
            // A level whose settings could not be read still hides the levels below it.
            mine.hides_below |= e.hides_below;
        }
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether any source gave settings for this scope (any server).
    pub(crate) fn has_scope(&self, scope: &str) -> bool {
        let key = Level::Scope(scope_key(scope));
        self.entries.keys().any(|(_, l)| *l == key)
    }

    /// The effective setting for `lease` (see the module rules); `None` when nothing is known.
    /// At most six look-ups: (any server, the lease's server) at each level.
    pub(crate) fn effective(&self, lease: &Lease) -> Option<DhcpDnsSetting> {
        if self.entries.is_empty() {
            return None;
        }
        let server = server_key(lease.server());
        let scope = lease.scope().map(scope_key);
        // Least specific first, so that each later level goes over the earlier ones; at a
        // level, an entry for the lease's server goes over one for any server.
        let mut levels = vec![Level::Server];
        if let Some(s) = scope {
            levels.push(Level::Scope(s));
        }
        levels.push(Level::Reservation(lease.ip));
        let mut effective = DhcpDnsSetting::default();
        for level in levels {
            let mut key = (None, level);
            for with_server in [false, true] {
                if with_server {
                    let Some(s) = &server else { continue };
                    key.0 = Some(s.clone());
                }
                if let Some(e) = self.entries.get(&key) {
                    let base = if e.hides_below { DhcpDnsSetting::default() } else { effective };
                    effective = e.setting.over(base);
                }
            }
        }
        (!effective.is_empty()).then_some(effective)
    }
}

/// The `DNS_FLAG_*` bits of Microsoft's `dhcpsapi.h`: the DWORD a Windows DHCP server keeps its
/// DNS settings in, as the value of option 81 (IPv4) or 39 (IPv6) at the server, scope or
/// reservation level ([MS-DHCPM] 3.3.1 and 3.3.2; `Set-DhcpServerv4DnsSetting` writes it).
mod dns_flag {
    pub(super) const ENABLED: u32 = 0x01;
    pub(super) const UPDATE_DOWNLEVEL: u32 = 0x02;
    pub(super) const CLEANUP_EXPIRED: u32 = 0x04;
    pub(super) const UPDATE_BOTH_ALWAYS: u32 = 0x10;
    pub(super) const UPDATE_DHCID: u32 = 0x20;
    pub(super) const DISABLE_PTR_UPDATE: u32 = 0x40;
    /// A policy's DNS suffix is set; no key of ours.
    pub(super) const HAS_DNS_SUFFIX: u32 = 0x80;
}

/// The option that carries the DNS settings: 81 on IPv4, 39 on IPv6 ([MS-DHCPM] 3.3).
pub(crate) fn dns_option_id(v6: bool) -> u32 {
    if v6 { 39 } else { 81 }
}

/// Reads the option's `<Value>` text: a decimal DWORD (as `Export-DhcpServer` writes DWord
/// options, e.g. option 51's `691200`), or `0x` hex.
pub(crate) fn parse_dns_flags(text: &str) -> Result<u32, String> {
    let t = text.trim();
    let parsed = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => t.parse::<u32>(),
    };
    parsed.map_err(|_| format!("{} is not a number", input::quote(t)))
}

/// Decodes the DNS-settings DWORD into the keys it sets (all the Windows keys of its family):
/// `updates` is `never` without DNS_FLAG_ENABLED, else `always` with DNS_FLAG_UPDATE_BOTH_ALWAYS,
/// else `on-request`; `ptr` is the inverse of DNS_FLAG_DISABLE_PTR_UPDATE. IPv6 has only the
/// bits [MS-DHCPM] 3.3.2 lists (no older clients, no PTR switch). A bit outside those is an
/// `Err`: a value we cannot read is never turned into a wrong setting.
pub(crate) fn decode_dns_flags(value: u32, v6: bool) -> Result<DhcpDnsSetting, String> {
    use dns_flag::*;
    let known = if v6 {
        ENABLED | CLEANUP_EXPIRED | UPDATE_BOTH_ALWAYS | UPDATE_DHCID
    } else {
        ENABLED | UPDATE_DOWNLEVEL | CLEANUP_EXPIRED | UPDATE_BOTH_ALWAYS | UPDATE_DHCID | DISABLE_PTR_UPDATE | HAS_DNS_SUFFIX
    };
    let unknown = value & !known;
    if unknown != 0 {
        return Err(format!("{value} (0x{value:x}) has bits 0x{unknown:x} that are not DNS_FLAG_* bits of an IPv{} server", if v6 { 6 } else { 4 }));
    }
    let has = |bit: u32| value & bit != 0;
    let updates = if !has(ENABLED) {
        Updates::Never
    } else if has(UPDATE_BOTH_ALWAYS) {
        Updates::Always
    } else {
        Updates::OnRequest
    };
    Ok(DhcpDnsSetting {
        updates: Some(updates),
        ptr: (!v6).then_some(!has(DISABLE_PTR_UPDATE)),
        older_clients: (!v6).then_some(has(UPDATE_DOWNLEVEL)),
        delete_on_expiry: Some(has(CLEANUP_EXPIRED)),
        name_protection: Some(has(UPDATE_DHCID)),
        ..DhcpDnsSetting::default()
    })
}

/// A scope row of a `--dhcp-settings` file: where it is, for the note on a scope no lease is in.
#[derive(Debug, Clone)]
pub(crate) struct ScopeRow {
    source: Arc<str>,
    line: usize,
    /// Lowercase; `None` for any server.
    server: Option<String>,
    /// As [`scope_key`] gives it.
    scope: String,
}

/// Where a server and level was given first: the file, the line, the values.
type FirstRow = (Arc<str>, usize, DhcpDnsSetting);

/// What the `--dhcp-settings` files hold: the settings, and their scope rows.
#[derive(Debug, Default)]
pub(crate) struct SettingsFiles {
    pub(crate) table: DhcpDnsSettings,
    pub(crate) scope_rows: Vec<ScopeRow>,
    /// Each server and level's first row: its file, line and values (duplicates are checked
    /// against it).
    first: HashMap<(Option<String>, Level), FirstRow>,
}

/// Reads the `--dhcp-settings` CSVs, in order.
pub(crate) fn read_files(paths: &[std::path::PathBuf]) -> Result<SettingsFiles, InputError> {
    let mut out = SettingsFiles::default();
    for path in paths {
        read_file(path, &mut out)?;
    }
    Ok(out)
}

/// Reads one `--dhcp-settings` CSV into `out`.
pub(crate) fn read_file(path: &Path, out: &mut SettingsFiles) -> Result<(), InputError> {
    let text = input::read_text(path)?;
    parse(&text, &input::source_name(path), out)
}

struct Columns {
    server: Option<usize>,
    scope: Option<usize>,
    updates: Option<usize>,
    delete: Option<usize>,
    older: Option<usize>,
    disable_ptr: Option<usize>,
    protection: Option<usize>,
}

/// A Windows boolean (`True`/`False`, any case); `Err` for other text.
pub(crate) fn windows_bool(v: &str) -> Result<bool, ()> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(()),
    }
}

/// The setting columns, one of which a file must have.
const SETTING_COLUMNS: [&str; 5] = ["DynamicUpdates", "DeleteDnsRROnLeaseExpiry", "UpdateDnsRRForOlderClients", "DisableDnsPtrRRUpdate", "NameProtection"];

pub(crate) fn parse(text: &str, source: &Arc<str>, out: &mut SettingsFiles) -> Result<(), InputError> {
    let columns = |header: &Header| Columns {
        server: header.find("server"),
        scope: header.find("scopeid"),
        updates: header.find("dynamicupdates"),
        delete: header.find("deletednsrronleaseexpiry"),
        older: header.find("updatednsrrforolderclients"),
        disable_ptr: header.find("disablednsptrrrupdate"),
        protection: header.find("nameprotection"),
    };
    input::read_strict_csv(text, source, &["Server", "ScopeId"], columns, |row, c, line| {
        if [c.updates, c.delete, c.older, c.disable_ptr, c.protection].iter().all(Option::is_none) {
            return Err(format!("the header has none of the setting columns {}", SETTING_COLUMNS.join(", ")));
        }
        let field = |i: Option<usize>| i.and_then(|i| row.get(i)).unwrap_or("").trim();
        let raw_scope = field(c.scope);
        let scope = if raw_scope.is_empty() {
            None
        } else {
            match parse_scope(raw_scope) {
                Ok(Some(ip)) => Some(ip.to_string()),
                Ok(None) => return Err(format!("ScopeId {} is not an IPv4 network address (10.0.16.0) or an IPv6 prefix", input::quote(raw_scope))),
                Err(e) => return Err(format!("ScopeId {e}")),
            }
        };
        let place = scope.as_ref().map_or("server level".to_string(), |s| format!("scope {s}"));
        let bad = |what: &str, v: &str, expected: &str| format!("{place}: {what} {} is not {expected}", input::quote(v));
        let mut s = DhcpDnsSetting::default();
        let v = field(c.updates);
        if !v.is_empty() {
            s.updates = Some(Updates::from_name(v).ok_or_else(|| bad("DynamicUpdates", v, "Always, OnClientRequest or Never"))?);
        }
        for (what, col, slot, invert) in [
            ("DeleteDnsRROnLeaseExpiry", c.delete, &mut s.delete_on_expiry, false),
            ("UpdateDnsRRForOlderClients", c.older, &mut s.older_clients, false),
            ("DisableDnsPtrRRUpdate", c.disable_ptr, &mut s.ptr, true),
            ("NameProtection", c.protection, &mut s.name_protection, false),
        ] {
            let v = field(col);
            if !v.is_empty() {
                *slot = Some(windows_bool(v).map_err(|()| bad(what, v, "True or False"))? != invert);
            }
        }
        let server = server_key(Some(field(c.server)));
        let level = scope.clone().map_or(Level::Server, Level::Scope);
        let key = (server.clone(), level.clone());
        if let Some((first, first_line, before)) = out.first.get(&key) {
            if *before != s {
                let who = server.as_deref().map_or("any server".to_string(), |s| format!("server {s}"));
                return Err(format!("{who}, {place} is given again with other values (first at {first}:{first_line}); keep one row per server and scope"));
            }
            return Ok(());
        }
        out.first.insert(key, (Arc::clone(source), line, s));
        if let Some(scope) = scope {
            out.scope_rows.push(ScopeRow { source: Arc::clone(source), line, server: server.clone(), scope });
        }
        out.table.add(server.as_deref(), level, s);
        Ok(())
    })
}

impl SettingsFiles {
    /// A note for each scope row that no lease is in (its server's, or any server's for a row
    /// without one) and no other source knows (an `Export-DhcpServer` XML's scopes, Kea's
    /// subnets in `others`): a mistyped `ScopeId`, or a scope whose leases were not given.
    pub(crate) fn unmatched_scope_notes(&self, leases: &[Lease], others: &DhcpDnsSettings) -> Vec<String> {
        if self.scope_rows.is_empty() {
            return Vec::new();
        }
        let mut seen: HashMap<String, Vec<Option<String>>> = HashMap::new();
        for l in leases {
            let Some(scope) = l.scope() else { continue };
            let servers = seen.entry(scope_key(scope)).or_default();
            let server = server_key(l.server());
            if !servers.contains(&server) {
                servers.push(server);
            }
        }
        self.scope_rows
            .iter()
            .filter(|r| {
                let leased = seen.get(&r.scope).is_some_and(|servers| r.server.is_none() || servers.contains(&r.server));
                !leased && !others.has_scope(&r.scope)
            })
            .map(|r| {
                let who = r.server.as_deref().map_or(String::new(), |s| format!(" (server {s})"));
                format!("{}:{}: --dhcp-settings scope {}{who} matches no lease read and no scope of the other inputs; check its ScopeId, or give that scope's leases", r.source, r.line, r.scope)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
