//! The DHCP servers' DNS-update settings (issue #10): what a server does now for a lease's
//! registration, the report's `dhcp_dns_setting`. Offline sources: `--dhcp-settings PATH` (the
//! CSV `queries/windows/export-dhcp-dns-settings.ps1` writes from `Get-DhcpServerv4DnsSetting`
//! / `v6`, columns `Server,ScopeId,DynamicUpdates,DeleteDnsRROnLeaseExpiry,
//! UpdateDnsRRForOlderClients,DisableDnsPtrRRUpdate,NameProtection`), and the DNS settings
//! inside an `Export-DhcpServer` XML: the DWORD value of option 81 (IPv4) or 39 (IPv6) at the
//! server, scope and reservation levels, decoded here by [`decode_dns_flags`] (`windows_xml`
//! finds the values; README "Cause inputs" says where the shape comes from). Live: `kea_api`
//! adds the effective
//! `config-get` values per subnet with [`DhcpDnsSettings::add`] at [`Level::Scope`] (the subnet
//! id, which is a Kea lease's `scope`) and its URL as the server.
//!
//! Rules:
//! - The effective setting for a lease is, key by key, the reservation's (the lease's address)
//!   over its scope's over its server's. An entry's server matches a lease's server
//!   case-insensitively; an entry without a server matches every lease; a lease whose server is
//!   not known matches only entries without a server.
//! - CSV header by name, case-insensitive, any order; `ScopeId` empty is the server level;
//!   `DynamicUpdates` `Always|OnClientRequest|Never`; booleans `True|False`; empty: not known.
//!   A bad value is a counted problem with its line, and that key stays unknown.
//! - A level whose settings the source gives in a shape that cannot be read (an XML option 81
//!   value that is not a number or has unknown bits) is added with [`DhcpDnsSettings::add_unknown`]:
//!   it hides the less specific levels, so that the lease shows only what more specific levels
//!   say (usually nothing), never the server's value that this level overrides.

use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

use super::Lease;
use crate::input::{self, Header, InputError, Problems, SkipReason};
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

    /// The report's `dhcp_dns_setting`: `;`-separated `key=value` tokens in the README's
    /// order, only the known keys.
    pub(crate) fn render(&self) -> String {
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
        tokens.iter().filter_map(|(k, v)| v.map(|v| format!("{k}={v}"))).collect::<Vec<_>>().join(";")
    }

    /// The setting that stops the server from registering or refreshing the lease's records,
    /// as the report writes it (`updates=never`), with where it is set; `None` when none does.
    /// For the audit's inferred cause of a frozen record; `ptr=off` is not one (the A record
    /// is still updated).
    pub(crate) fn freeze(&self) -> Option<(&'static str, &'static str)> {
        self.server_stop(false).map(|s| (s.as_str(), s.place()))
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Level {
    Server,
    /// A scope: Windows `ScopeId` / v6 prefix, or a Kea subnet id (compared with the lease's `scope`).
    Scope(String),
    /// A reservation: its address (from an `Export-DhcpServer` XML).
    Reservation(IpAddr),
}

/// One setting as a source gives it.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    /// Lowercase; `None` applies to every server.
    server: Option<String>,
    level: Level,
    setting: DhcpDnsSetting,
    /// The level's settings are not known: the less specific levels do not show through.
    hides_below: bool,
}

/// Every DHCP DNS setting gathered, at every level.
#[derive(Debug, Default)]
pub(crate) struct DhcpDnsSettings {
    entries: Vec<Entry>,
}

impl DhcpDnsSettings {
    /// Adds a setting at `level` for `server` (`None`: any server). A later setting at the same
    /// place is merged over the earlier one.
    pub(crate) fn add(&mut self, server: Option<&str>, level: Level, setting: DhcpDnsSetting) {
        let server = server.map(str::trim).filter(|s| !s.is_empty()).map(str::to_ascii_lowercase);
        match self.entries.iter_mut().find(|e| e.server == server && e.level == level) {
            Some(e) => e.setting = setting.over(e.setting),
            None => self.entries.push(Entry { server, level, setting, hides_below: false }),
        }
    }

    /// Records that `server`'s settings at `level` exist but could not be read: for the leases
    /// there, the less specific levels no longer apply (they are overridden by what is unknown).
    pub(crate) fn add_unknown(&mut self, server: Option<&str>, level: Level) {
        self.add(server, level.clone(), DhcpDnsSetting::default());
        let server = server.map(str::trim).filter(|s| !s.is_empty()).map(str::to_ascii_lowercase);
        if let Some(e) = self.entries.iter_mut().find(|e| e.server == server && e.level == level) {
            e.hides_below = true;
        }
    }

    /// Adds every setting of `later` as if its rows had been added here after this table's:
    /// the same table as reading its sources one after another (`over` is field by field).
    pub(crate) fn absorb(&mut self, later: DhcpDnsSettings) {
        for e in later.entries {
            self.add(e.server.as_deref(), e.level.clone(), e.setting);
            // A level whose settings could not be read still hides the levels below it.
            if e.hides_below {
                self.add_unknown(e.server.as_deref(), e.level);
            }
        }
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The effective setting for `lease` (see the module rules); `None` when nothing is known.
    pub(crate) fn effective(&self, lease: &Lease) -> Option<DhcpDnsSetting> {
        let server = lease.server().map(str::trim);
        let matches = |e: &&Entry| match (&e.server, server) {
            (None, _) => true,
            (Some(s), Some(l)) => s.eq_ignore_ascii_case(l),
            (Some(_), None) => false,
        };
        let scope = lease.scope().map(str::trim);
        // Least specific first, so that each later level goes over the earlier ones; at a
        // level, an entry for the lease's server goes over one for any server.
        let rank = |e: &Entry| -> Option<u8> {
            let level = match &e.level {
                Level::Server => 0,
                Level::Scope(s) if scope.is_some_and(|l| l.eq_ignore_ascii_case(s)) => 2,
                Level::Reservation(ip) if *ip == lease.ip => 4,
                _ => return None,
            };
            Some(level + u8::from(e.server.is_some()))
        };
        let mut found: Vec<(u8, &Entry)> = self.entries.iter().filter(matches).filter_map(|e| Some((rank(e)?, e))).collect();
        found.sort_by_key(|(r, _)| *r);
        let effective = found.into_iter().fold(DhcpDnsSetting::default(), |acc, (_, e)| {
            let base = if e.hides_below { DhcpDnsSetting::default() } else { acc };
            e.setting.over(base)
        });
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

/// Reads a `--dhcp-settings` CSV into `out`.
pub(crate) fn read_file(path: &Path, out: &mut DhcpDnsSettings, problems: &mut Problems) -> Result<(), InputError> {
    let text = input::read_text(path)?;
    parse(&text, &input::source_name(path), out, problems);
    Ok(())
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

pub(crate) fn parse(text: &str, source: &Arc<str>, out: &mut DhcpDnsSettings, problems: &mut Problems) {
    let columns = |header: &Header| {
        let c = Columns {
            server: header.find("server"),
            scope: header.find("scopeid"),
            updates: header.find("dynamicupdates"),
            delete: header.find("deletednsrronleaseexpiry"),
            older: header.find("updatednsrrforolderclients"),
            disable_ptr: header.find("disablednsptrrrupdate"),
            protection: header.find("nameprotection"),
        };
        let all = [c.server, c.scope, c.updates, c.delete, c.older, c.disable_ptr, c.protection];
        if c.updates.is_none() && c.delete.is_none() && c.older.is_none() && c.disable_ptr.is_none() && c.protection.is_none() {
            return Err("the header has none of the columns DynamicUpdates, DeleteDnsRROnLeaseExpiry, UpdateDnsRRForOlderClients, DisableDnsPtrRRUpdate, NameProtection; no setting read".to_string());
        }
        let width = all.into_iter().flatten().max().unwrap_or(0) + 1;
        Ok((c, width))
    };
    input::read_csv_text(text, source, problems, columns, |row, c, line, problems| {
        let field = |i: Option<usize>| i.and_then(|i| row.get(i)).unwrap_or("").trim();
        let scope = field(c.scope);
        let place = if scope.is_empty() { "server level".to_string() } else { format!("scope {scope}") };
        let mut bad = |what: &str, v: &str, expected: &str| {
            problems.push(source, line, SkipReason::Malformed, format!("{place}: {what} '{v}' is not {expected}; that setting is unknown"));
        };
        let mut s = DhcpDnsSetting::default();
        let v = field(c.updates);
        if !v.is_empty() {
            s.updates = Updates::from_name(v);
            if s.updates.is_none() {
                bad("DynamicUpdates", v, "Always, OnClientRequest or Never");
            }
        }
        for (what, col, slot, invert) in [
            ("DeleteDnsRROnLeaseExpiry", c.delete, &mut s.delete_on_expiry, false),
            ("UpdateDnsRRForOlderClients", c.older, &mut s.older_clients, false),
            ("DisableDnsPtrRRUpdate", c.disable_ptr, &mut s.ptr, true),
            ("NameProtection", c.protection, &mut s.name_protection, false),
        ] {
            let v = field(col);
            if v.is_empty() {
                continue;
            }
            match windows_bool(v) {
                Ok(b) => *slot = Some(b != invert),
                Err(()) => bad(what, v, "True or False"),
            }
        }
        let level = if scope.is_empty() { Level::Server } else { Level::Scope(scope.to_string()) };
        out.add(Some(field(c.server)), level, s);
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Problem;
    use crate::input::test_support::reasons;
    use crate::leases::LeaseState;

    const HEADER: &str = "Server,ScopeId,DynamicUpdates,DeleteDnsRROnLeaseExpiry,UpdateDnsRRForOlderClients,DisableDnsPtrRRUpdate,NameProtection\n";

    fn read(text: &str) -> (DhcpDnsSettings, Vec<Problem>) {
        let mut out = DhcpDnsSettings::default();
        let mut problems = Problems::default();
        parse(text, &Arc::from("dhcp-dns.csv"), &mut out, &mut problems);
        (out, problems.list)
    }

    fn lease(ip: &str, scope: &str, server: Option<&str>) -> Lease {
        Lease {
            ip: ip.parse().unwrap(),
            hostname: None,
            mac: None,
            state: LeaseState::Active,
            expires: None,
            duration: None,
            origin: crate::leases::LeaseOrigin::new(&Arc::from("x"), Some(scope), None, server),
            line: 0,
        }
    }

    fn rendered(s: &DhcpDnsSettings, l: &Lease) -> String {
        s.effective(l).map(|s| s.render()).unwrap_or_default()
    }

    #[test]
    fn rendering_order_and_only_known_keys() {
        let all = DhcpDnsSetting {
            updates: Some(Updates::OnRequest),
            ptr: Some(false),
            older_clients: Some(true),
            delete_on_expiry: Some(true),
            name_protection: Some(false),
            send_updates: Some(true),
            override_client_update: Some(false),
            override_no_update: Some(false),
            update_on_renew: Some(false),
        };
        assert_eq!(
            all.render(),
            "updates=on-request;ptr=off;older-clients=on;delete-on-expiry=on;name-protection=off;send-updates=true;override-client-update=false;override-no-update=false;update-on-renew=false"
        );
        assert_eq!(DhcpDnsSetting { updates: Some(Updates::Never), ..Default::default() }.render(), "updates=never");
        assert_eq!(DhcpDnsSetting::default().render(), "");
    }

    #[test]
    fn csv_rows_and_inheritance() {
        let text = format!(
            "#TYPE System.Management.Automation.PSCustomObject\n{HEADER}\
             \"10.0.0.11\",\"\",\"OnClientRequest\",\"True\",\"False\",\"False\",\"False\"\n\
             10.0.0.11,10.0.17.0,Never,,,,\n\
             ,,Always,False,False,True,True\n"
        );
        let (s, problems) = read(&text);
        assert!(problems.is_empty(), "{problems:?}");
        // Server level of the lease's server, over the any-server row.
        assert_eq!(rendered(&s, &lease("10.0.16.5", "10.0.16.0", Some("10.0.0.11"))), "updates=on-request;ptr=on;older-clients=off;delete-on-expiry=on;name-protection=off");
        // The scope's DynamicUpdates over the server's; the other keys inherited.
        assert_eq!(rendered(&s, &lease("10.0.17.5", "10.0.17.0", Some("10.0.0.11"))), "updates=never;ptr=on;older-clients=off;delete-on-expiry=on;name-protection=off");
        // Another server, or an unknown one: only the any-server row.
        assert_eq!(rendered(&s, &lease("10.0.17.5", "10.0.17.0", Some("10.0.0.12"))), "updates=always;ptr=off;older-clients=off;delete-on-expiry=off;name-protection=on");
        assert_eq!(rendered(&s, &lease("10.0.17.5", "10.0.17.0", None)), "updates=always;ptr=off;older-clients=off;delete-on-expiry=off;name-protection=on");
    }

    #[test]
    fn reservation_over_scope_over_server() {
        let mut s = DhcpDnsSettings::default();
        let set = |u| DhcpDnsSetting { updates: Some(u), ..Default::default() };
        s.add(Some("DHCP2"), Level::Server, DhcpDnsSetting { ptr: Some(true), ..set(Updates::Always) });
        s.add(Some("dhcp2"), Level::Scope("10.0.18.0".into()), set(Updates::OnRequest));
        s.add(Some("dhcp2"), Level::Reservation("10.0.18.50".parse().unwrap()), set(Updates::Never));
        assert_eq!(rendered(&s, &lease("10.0.18.50", "10.0.18.0", Some("dhcp2"))), "updates=never;ptr=on");
        assert_eq!(rendered(&s, &lease("10.0.18.51", "10.0.18.0", Some("dhcp2"))), "updates=on-request;ptr=on");
        assert_eq!(rendered(&s, &lease("10.0.19.5", "10.0.19.0", Some("dhcp2"))), "updates=always;ptr=on");
        assert_eq!(s.effective(&lease("10.0.19.5", "10.0.19.0", Some("dhcp9"))), None);
    }

    /// Issue #13: a table read on its own thread and absorbed after Kea's is the table of
    /// the rows added one after another.
    #[test]
    fn absorbed_as_if_added_in_turn() {
        let set = |u| DhcpDnsSetting { updates: Some(u), ..Default::default() };
        let kea = |t: &mut DhcpDnsSettings| {
            t.add(Some("dhcp2"), Level::Server, DhcpDnsSetting { ptr: Some(true), ..set(Updates::Always) });
            t.add(Some("dhcp2"), Level::Scope("10.0.18.0".into()), DhcpDnsSetting { older_clients: Some(true), ..Default::default() });
        };
        let file = |t: &mut DhcpDnsSettings| {
            t.add(Some("DHCP2"), Level::Scope("10.0.18.0".into()), set(Updates::OnRequest));
            t.add(Some("dhcp2"), Level::Scope("10.0.18.0".into()), DhcpDnsSetting { ptr: Some(false), ..Default::default() });
            t.add(None, Level::Server, set(Updates::Never));
        };
        let mut in_turn = DhcpDnsSettings::default();
        kea(&mut in_turn);
        file(&mut in_turn);
        let (mut absorbed, mut later) = (DhcpDnsSettings::default(), DhcpDnsSettings::default());
        kea(&mut absorbed);
        file(&mut later);
        absorbed.absorb(later);
        for l in [lease("10.0.18.5", "10.0.18.0", Some("dhcp2")), lease("10.0.19.5", "10.0.19.0", Some("dhcp2")), lease("10.0.19.5", "10.0.19.0", Some("x"))] {
            assert_eq!(rendered(&absorbed, &l), rendered(&in_turn, &l));
        }
        assert_eq!(rendered(&absorbed, &lease("10.0.18.5", "10.0.18.0", Some("dhcp2"))), "updates=on-request;ptr=off;older-clients=on");
    }

    #[test]
    fn bad_values_truncated_empty_bom_crlf() {
        let (s, problems) = read(&format!("{HEADER}srv,10.0.16.0,Sometimes,Yes,,,\nsrv,10.0.16.0\n"));
        assert_eq!(reasons(&problems), vec![(2, SkipReason::Malformed), (2, SkipReason::Malformed), (3, SkipReason::Truncated)]);
        assert_eq!(problems[0].detail, "scope 10.0.16.0: DynamicUpdates 'Sometimes' is not Always, OnClientRequest or Never; that setting is unknown");
        assert_eq!(problems[1].detail, "scope 10.0.16.0: DeleteDnsRROnLeaseExpiry 'Yes' is not True or False; that setting is unknown");
        assert_eq!(s.effective(&lease("10.0.16.5", "10.0.16.0", Some("srv"))), None);
        let (s, problems) = read("");
        assert!(s.is_empty() && problems.is_empty());
        let (_, problems) = read("Server,ScopeId\nx,\n");
        assert_eq!(problems[0].detail, "the header has none of the columns DynamicUpdates, DeleteDnsRROnLeaseExpiry, UpdateDnsRRForOlderClients, DisableDnsPtrRRUpdate, NameProtection; no setting read");
        let plain = format!("{HEADER}srv,,Never,False,False,False,False\n");
        let (s, problems) = read(&format!("\u{feff}{}", plain.replace('\n', "\r\n")));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(rendered(&s, &lease("10.0.16.5", "10.0.16.0", Some("SRV"))), "updates=never;ptr=on;older-clients=off;delete-on-expiry=off;name-protection=off");
    }

    #[test]
    fn dns_flag_bits() {
        let v4 = |n: u32| decode_dns_flags(n, false).map(|s| s.render());
        let v6 = |n: u32| decode_dns_flags(n, true).map(|s| s.render());
        // Windows' default when nothing is set: enabled, on request, delete on expiry.
        assert_eq!(v4(0x05).as_deref(), Ok("updates=on-request;ptr=on;older-clients=off;delete-on-expiry=on;name-protection=off"));
        // Every IPv4 bit: always, older clients, no PTR, name protection (and a policy's suffix flag).
        assert_eq!(v4(0xF7).as_deref(), Ok("updates=always;ptr=off;older-clients=on;delete-on-expiry=on;name-protection=on"));
        // Without DNS_FLAG_ENABLED the server registers nothing, whatever the other bits say.
        assert_eq!(v4(0x00).as_deref(), Ok("updates=never;ptr=on;older-clients=off;delete-on-expiry=off;name-protection=off"));
        assert_eq!(v4(0x14).as_deref(), Ok("updates=never;ptr=on;older-clients=off;delete-on-expiry=on;name-protection=off"));
        assert_eq!(v4(0x08), Err("8 (0x8) has bits 0x8 that are not DNS_FLAG_* bits of an IPv4 server".to_string()));
        assert_eq!(v4(0x8000_0001), Err("2147483649 (0x80000001) has bits 0x80000000 that are not DNS_FLAG_* bits of an IPv4 server".to_string()));
        // IPv6 (option 39): no older clients, no PTR switch, no suffix flag.
        assert_eq!(v6(0x35).as_deref(), Ok("updates=always;delete-on-expiry=on;name-protection=on"));
        assert_eq!(v6(0x01).as_deref(), Ok("updates=on-request;delete-on-expiry=off;name-protection=off"));
        for bad in [0x02, 0x40, 0x80] {
            assert!(v6(bad).is_err(), "{bad:#x}");
        }
        assert_eq!(parse_dns_flags(" 215 "), Ok(215));
        assert_eq!(parse_dns_flags("0xD7"), Ok(215));
        assert_eq!(parse_dns_flags("4294967296"), Err("\"4294967296\" is not a number".to_string()));
        assert_eq!(parse_dns_flags("Never"), Err("\"Never\" is not a number".to_string()));
        assert_eq!((dns_option_id(false), dns_option_id(true)), (81, 39));
    }

    #[test]
    fn an_unknown_level_hides_the_levels_below_it() {
        let mut s = DhcpDnsSettings::default();
        let never = DhcpDnsSetting { updates: Some(Updates::Never), ptr: Some(true), ..Default::default() };
        s.add(Some("x.xml IPv4"), Level::Server, never);
        s.add_unknown(Some("x.xml IPv4"), Level::Scope("10.0.18.0".into()));
        s.add(Some("x.xml IPv4"), Level::Reservation("10.0.18.50".parse().unwrap()), DhcpDnsSetting { updates: Some(Updates::Always), ..Default::default() });
        // Unknown at the scope: the server's never does not show through.
        assert_eq!(s.effective(&lease("10.0.18.21", "10.0.18.0", Some("x.xml IPv4"))), None);
        // A more specific level still says what it sets.
        assert_eq!(rendered(&s, &lease("10.0.18.50", "10.0.18.0", Some("x.xml IPv4"))), "updates=always");
        assert_eq!(rendered(&s, &lease("10.0.19.21", "10.0.19.0", Some("x.xml IPv4"))), "updates=never;ptr=on");
        // An any-server row at the same scope is hidden too (it ranks below the server's own).
        s.add(None, Level::Scope("10.0.18.0".into()), DhcpDnsSetting { updates: Some(Updates::OnRequest), ..Default::default() });
        assert_eq!(s.effective(&lease("10.0.18.21", "10.0.18.0", Some("x.xml IPv4"))), None);
    }

    #[test]
    fn freeze_causes() {
        let s = |f: fn(&mut DhcpDnsSetting)| {
            let mut s = DhcpDnsSetting::default();
            f(&mut s);
            s.freeze().map(|(k, _)| k)
        };
        assert_eq!(s(|s| s.updates = Some(Updates::Never)), Some("updates=never"));
        assert_eq!(s(|s| s.updates = Some(Updates::Always)), None);
        assert_eq!(s(|s| s.send_updates = Some(false)), Some("send-updates=false"));
        assert_eq!(s(|s| s.update_on_renew = Some(false)), Some("update-on-renew=false"));
        assert_eq!(s(|s| s.update_on_renew = Some(true)), None);
    }
}
