//! The `remediation` column: one sentence for every row that is not `ok`, naming the host
//! and saying what an administrator does next. [`decide`] says why (the row's [`Cause`], which
//! the fix list groups by); the sentence is rendered from that decision.

use std::net::IpAddr;

use super::{AuditSettings, Blocker, Cause, Finding, OwnerKind, RecordAge, RecordStatus, RefreshState, Risk, Status};
use crate::dns::DynamicUpdates;
use crate::leases::{DdnsUpdates, DnsRegistration};
use crate::dns::answers::Failure;
use crate::timefmt::rfc3339;

/// Facts the sentence needs beyond the finding itself.
pub(crate) struct Context<'a> {
    /// The target of the CNAME at the lease's name: the alias owns the name, so the client
    /// cannot register its own A/AAAA record there.
    pub(crate) cname: Option<&'a str>,
    pub(crate) forward_covered: bool,
    pub(crate) reverse_covered: bool,
    /// Why the live A/AAAA or PTR lookup failed, when it did.
    pub(crate) a_failure: Option<Failure>,
    pub(crate) ptr_failure: Option<Failure>,
    /// With `--compare-servers`: how the servers' answers for this host differ.
    pub(crate) disagreement: Option<&'a str>,
    pub(crate) a_age: Option<&'a RecordAge>,
    pub(crate) ptr_age: Option<&'a RecordAge>,
    /// Addresses of the name (lease family) not leased to this host name: the `extra` ones.
    pub(crate) not_leased: &'a [IpAddr],
}

/// The reverse zone an administrator would create for an address (`16.0.10.in-addr.arpa`
/// for a /24; the /64's nibble zone for IPv6).
pub(crate) fn reverse_zone_hint(ip: IpAddr) -> String {
    let full = crate::dns::reverse_name(ip);
    match ip {
        IpAddr::V4(_) => full.split_once('.').map_or(full.as_str(), |x| x.1).to_string(),
        // 16 nibbles of interface id, each "x." (2 chars).
        IpAddr::V6(_) => full.get(32..).unwrap_or(&full).to_string(),
    }
}

/// The DHCP server's registration state: `Pending`, or the server having taken charge of the
/// forward update.
struct Registration {
    pending: bool,
    /// Windows `Complete`, or Kea/ISC having done the forward update: the server, not the
    /// client, owns the record (the Option 81 arrangement). A Windows text that begins with
    /// "forward" counts as the forward update, as it always has.
    server_registers: bool,
}

fn registration(f: &Finding<'_>) -> Registration {
    let registration = f.lease.origin.dns_registration.as_ref();
    Registration {
        pending: matches!(registration, Some(DnsRegistration::Windows(r)) if r.eq_ignore_ascii_case("pending")),
        server_registers: match registration {
            Some(DnsRegistration::Windows(r)) => r.eq_ignore_ascii_case("complete") || r.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("forward")),
            Some(DnsRegistration::Ddns(u)) => matches!(u, DdnsUpdates::Forward | DdnsUpdates::ForwardReverse),
            None => false,
        },
    }
}

/// Why the row is not `ok`: the first that applies, in the order the sentence reads (the
/// README's table). `None` for an `ok` row (and a row without a name).
pub(crate) fn decide(f: &Finding<'_>, ctx: &Context<'_>) -> Option<Cause> {
    let fqdn = f.fqdn.as_deref()?;
    let reg = registration(f);
    let a_missing = f.a_status == RecordStatus::Missing;
    Some(match f.status {
        Status::Ok => return None,
        Status::Missing => {
            if a_missing && ctx.cname.is_some() {
                Cause::CnameConflict
            } else if crate::dns::invalid_name(fqdn).is_some() {
                Cause::InvalidName
            } else if reg.pending {
                Cause::Pending
            } else if let Some(cause) = a_missing.then(|| known_cause(f, false)).flatten() {
                cause
            } else if a_missing && reg.server_registers {
                Cause::CachedOption81
            } else if a_missing {
                Cause::NotRegistering
            } else {
                Cause::NoPtrRegistration
            }
        }
        Status::Stale => match (f.a_status, ctx.cname) {
            (RecordStatus::Mismatch | RecordStatus::Extra, Some(_)) => Cause::CnameConflict,
            (RecordStatus::Mismatch, None) => blocking_owner_kind(f).map_or(Cause::StaleRecords, Cause::OtherOwner),
            _ => Cause::StaleRecords,
        },
        Status::AtRisk => {
            let age = f.age.as_ref()?;
            let blocker = age.blocker.map(|b| blocker_kind(b, age));
            if let (Some(RefreshState::CannotRefresh), Some(b), Some(_), Some(_)) = (age.refresh, blocker, age.timestamp, age.scavenge_after) {
                b
            } else if reg.pending {
                Cause::Pending
            } else {
                known_cause(f, true).or(blocker).unwrap_or(Cause::CachedOption81)
            }
        }
        Status::Unknown => {
            if f.a_status == RecordStatus::Unknown && !ctx.forward_covered {
                if fqdn.contains('.') { Cause::NoDnsData } else { Cause::NoSuffix }
            } else if f.ptr_status == RecordStatus::Unknown && !ctx.reverse_covered {
                Cause::NoReverseZone
            } else {
                Cause::LookupFailed
            }
        }
    })
}

/// The cause a [`Blocker`] is.
fn blocker_kind(blocker: Blocker, age: &RecordAge) -> Cause {
    match blocker {
        Blocker::ZoneNoUpdates => Cause::ZoneNoUpdates { reverse: age.is_ptr },
        Blocker::DhcpSetting(stop) => Cause::DhcpSetting(stop),
        Blocker::SecureOwner(kind) => Cause::OtherOwner(kind),
    }
}

/// The remediation for the row whose cause is `cause` ([`decide`]), with a `dns_disagreement`
/// note appended when servers disagree.
pub(crate) fn sentence(f: &Finding<'_>, cause: Option<Cause>, ctx: &Context<'_>, s: &AuditSettings) -> Option<String> {
    let main = cause.and_then(|c| main_sentence(f, c, ctx, s));
    match (main, ctx.disagreement) {
        (m, None) => m,
        (Some(m), Some(d)) => Some(format!("{m}; dns_disagreement: the DNS servers answer differently ({d}), so check replication or a stale DC")),
        (None, Some(d)) => Some(format!(
            "dns_disagreement: the DNS servers answer differently for {} ({d}): check replication or a stale DC",
            f.fqdn.as_deref().unwrap_or_default()
        )),
    }
}

// One match over the row's status, each arm the sentence for one case read top to bottom
// against the README's table; split by status, each part would take the same inputs.
#[allow(clippy::too_many_lines, reason = "one arm per status, each a sentence")]
fn main_sentence(f: &Finding<'_>, cause: Cause, ctx: &Context<'_>, s: &AuditSettings) -> Option<String> {
    let fqdn = f.fqdn.as_deref()?;
    let ip = f.lease.ip;
    let rr = if ip.is_ipv4() { "A" } else { "AAAA" };
    let text = match f.status {
        Status::Ok => return None,
        Status::Missing => {
            let what = match (f.a_status == RecordStatus::Missing, f.ptr_status == RecordStatus::Missing) {
                (true, true) => format!("{fqdn} has neither an {rr} record nor a PTR record for {ip}"),
                (true, false) => format!("{fqdn} has no {rr} record for {ip}"),
                _ => format!("{ip} has no PTR record for {fqdn}"),
            };
            match (cause, ctx.cname, crate::dns::invalid_name(fqdn)) {
                (Cause::CnameConflict, Some(target), _) => format!(
                    "{fqdn} is a CNAME to {target}, which has no {rr} record: the CNAME owns the name, so the client cannot register its own; remove the CNAME (or repoint it to a name that has {ip}), then run ipconfig /registerdns on the client"
                ),
                (Cause::InvalidName, _, Some(bad)) => format!("{what}: the name is not a valid DNS name ({bad}), so it cannot be registered; rename the device"),
                (Cause::Pending, _, _) => format!(
                    "{what}: the DHCP server's registration is still Pending, so check its DNS dynamic-update settings and the credentials it registers with (Set-DhcpServerDnsCredential), then renew the lease"
                ),
                (Cause::CachedOption81, _, _) => format!(
                    "{what}: the DHCP server took charge of the registration ({}), so the record was probably scavenged while the client still trusts a cached Option 81; run ipconfig /release then ipconfig /renew on it (a full DORA) so the server registers it again",
                    f.lease.dns_registration().unwrap_or_default()
                ),
                (Cause::NotRegistering, _, _) => format!(
                    "{what}: run ipconfig /registerdns on the client, and if it still relies on a cached Option 81 from the DHCP server, ipconfig /release then ipconfig /renew (a full DORA) so the server registers it"
                ),
                (Cause::NoPtrRegistration, _, _) => format!(
                    "{what}: have the DHCP server register PTR records as well (Dynamically update DNS A and PTR records), or run ipconfig /registerdns on the client"
                ),
                (known, _, _) => format!("{what}: {}", known_text(f, known)?),
            }
        }
        Status::Stale => {
            let mut parts = Vec::new();
            match (f.a_status, ctx.cname) {
                (RecordStatus::Mismatch | RecordStatus::Extra, Some(target)) => parts.push(format!(
                    "{fqdn} is a CNAME to {target}, which resolves to {}: the CNAME owns the name, so the client cannot register its own {rr} record for {ip}; remove the CNAME (or repoint it), then run ipconfig /registerdns on the client",
                    join(&f.a_records)
                )),
                (RecordStatus::Mismatch, None) => match blocking_owner(f) {
                    Some(owner) => parts.push(format!(
                        "{fqdn} resolves to {} instead of its lease address {ip}, and {owner}: delete the stale {rr} record so that the host registers it again under its own account (ipconfig /registerdns)",
                        join(&f.a_records)
                    )),
                    None => parts.push(format!(
                        "{fqdn} resolves to {} instead of its lease address {ip}: delete the stale {rr} record and run ipconfig /registerdns on the client (and have the DHCP server discard A and PTR records when leases are deleted)",
                        join(&f.a_records)
                    )),
                },
                (RecordStatus::Extra, None) => {
                    parts.push(format!(
                        "{fqdn} also resolves to {}, not leased to it: delete the stale {rr} record (and have the DHCP server discard A and PTR records when leases are deleted)",
                        join(ctx.not_leased)
                    ));
                }
                _ => {}
            }
            match f.ptr_status {
                RecordStatus::Mismatch => parts.push(format!(
                    "the PTR record of {ip} names {} instead of {fqdn}: delete it and re-register the host",
                    f.ptr_records.join(", ")
                )),
                RecordStatus::Extra => {
                    let others: Vec<&str> = f.ptr_records.iter().map(String::as_str).filter(|t| *t != fqdn).collect();
                    parts.push(format!("{ip} also has PTR records for {}: delete them", others.join(", ")));
                }
                _ => {}
            }
            capitalise(parts.join("; "))
        }
        Status::AtRisk => {
            let age = f.age.as_ref()?;
            let which = if age.is_ptr { "PTR" } else { rr };
            // Refreshed in time so far, but its updater has stopped: the cause, not the client.
            if let (Some(RefreshState::CannotRefresh), Some(blocker), Some(ts), Some(sa)) = (age.refresh, age.blocker, age.timestamp, age.scavenge_after) {
                debug_assert_eq!(cause, blocker_kind(blocker, age));
                let verb = if age.risk == Risk::High { "becomes scavengeable" } else { "will be scavengeable" };
                return Some(format!(
                    "{fqdn}'s {which} record was last refreshed {} but cannot be refreshed again, so it {verb} after {} although the lease is held: {}",
                    rfc3339(ts),
                    rfc3339(sa),
                    blocker_cause(blocker, age)
                ));
            }
            let when = match (age.timestamp, age.scavenge_after) {
                (Some(ts), Some(sa)) => {
                    let verb = if age.risk == Risk::High {
                        if sa <= s.as_of { "is already past its scavenging date" } else { "becomes scavengeable" }
                    } else {
                        "will be scavengeable"
                    };
                    if sa <= s.as_of && age.risk == Risk::High {
                        format!("was last refreshed {} and {verb} ({})", rfc3339(ts), rfc3339(sa))
                    } else {
                        format!("was last refreshed {} and {verb} after {}", rfc3339(ts), rfc3339(sa))
                    }
                }
                _ => "is not being refreshed".to_string(),
            };
            let other_too = matches!((ctx.a_age, ctx.ptr_age), (Some(a), Some(p)) if a.risk >= Risk::Medium && p.risk >= Risk::Medium);
            let subject = if other_too { format!("{fqdn}'s {rr} and PTR records are not being refreshed: the {which} record") } else { format!("{fqdn}'s {which} record") };
            let known = || known_cause(f, true).and_then(|c| known_text(f, c)).or_else(|| age.blocker.map(|b| blocker_cause(b, age)));
            match (cause, known()) {
                (Cause::Pending, _) => format!(
                    "{subject} {when}, and the DHCP server's registration is Pending: fix its DNS dynamic-update settings or credentials (Set-DhcpServerDnsCredential), then renew the lease"
                ),
                (Cause::CachedOption81, _) | (_, None) => format!(
                    "{subject} {when} although the lease is held: the client probably relies on a cached Option 81 that the DHCP server no longer honours, so run ipconfig /release then ipconfig /renew on it (a full DORA) or have the server always update DNS for it, then check the timestamp moves"
                ),
                (_, Some(text)) => format!("{subject} {when} although the lease is held: {text}"),
            }
        }
        Status::Unknown => {
            let mut parts = Vec::new();
            if f.a_status == RecordStatus::Unknown && !ctx.forward_covered {
                if !fqdn.contains('.') {
                    parts.push(format!("{fqdn} has no DNS suffix: set --domain so its records can be checked"));
                } else {
                    parts.push(format!("no DNS data covers {fqdn}: add the export of its zone (--dns-records) or query a DNS server"));
                }
            }
            if f.ptr_status == RecordStatus::Unknown && !ctx.reverse_covered {
                parts.push(format!(
                    "no reverse zone holds {ip}: create {} (or add its export) so the PTR record of {fqdn} can be registered and checked",
                    reverse_zone_hint(ip)
                ));
            }
            let failures: Vec<String> = [(&ctx.a_failure, rr), (&ctx.ptr_failure, "PTR")]
                .into_iter()
                .filter_map(|(fail, what)| fail.as_ref().map(|e| format!("{what} lookup: {e}")))
                .collect();
            if !failures.is_empty() {
                parts.push(format!(
                    "the DNS lookups for {fqdn} failed after retries ({}): not a verdict on the records; check the DNS server's load or rate limiting and run the audit again",
                    failures.join(", ")
                ));
            }
            if parts.is_empty() {
                parts.push(format!("the DNS lookups for {fqdn} failed: check the DNS server and run the audit again"));
            }
            capitalise(parts.join("; "))
        }
    };
    Some(text)
}

/// The cause of a record that is not registered or refreshed, when the data names it; `None`
/// leaves today's inference (a cached Option 81). The first that applies: the zone takes no
/// dynamic updates; the DHCP server's setting stops its updates; (with `owner`, for a record
/// that exists) an account that is not the client's owns it, so the client's secure update fails.
fn known_cause(f: &Finding<'_>, owner: bool) -> Option<Cause> {
    if f.zone_dynamic_updates == Some(DynamicUpdates::None) {
        return Some(Cause::ZoneNoUpdates { reverse: false });
    }
    if let Some(stop) = f.dhcp_dns_setting.as_ref().and_then(|d| d.server_stop(false)) {
        return Some(Cause::DhcpSetting(stop));
    }
    if !owner {
        return None;
    }
    if f.owner_kind == Some(OwnerKind::DhcpServer) && f.owner.is_some() {
        return Some(Cause::DhcpServerOwner);
    }
    blocking_owner_kind(f).map(Cause::OtherOwner)
}

/// The clause after the row's first words for a [`known_cause`].
fn known_text(f: &Finding<'_>, cause: Cause) -> Option<String> {
    Some(match cause {
        Cause::ZoneNoUpdates { .. } => "its zone accepts no dynamic updates (zone_dynamic_updates=none), so nothing can register or refresh its records; allow secure dynamic updates on the zone (DNS Manager, the zone's Properties, General, Dynamic updates: Secure only; or Set-DnsServerPrimaryZone -DynamicUpdate Secure), or make the record static".to_string(),
        Cause::DhcpSetting(stop) => format!(
            "the DHCP server now has {} for this lease, so it no longer registers or refreshes the record while the client still relies on it (Option 81); change it in {}, then renew the lease (ipconfig /release then ipconfig /renew)",
            stop.as_str(),
            stop.place()
        ),
        Cause::DhcpServerOwner => format!(
            "the record is owned by {}, a DHCP server's account, so neither the client nor another DHCP server can refresh it (a migration or failover change); add the DHCP servers to DnsUpdateProxy and give them dedicated DNS credentials (Set-DhcpServerDnsCredential), then delete the record so it is registered again",
            f.owner.as_ref()?
        ),
        Cause::OtherOwner(_) => format!("{}; delete the record so that the host registers it again under its own account (ipconfig /registerdns)", blocking_owner(f)?),
        _ => return None,
    })
}

/// The clause naming what stops a record's updater ([`super::refresh`]'s causes) and what to
/// change: the zone's policy, the DHCP setting, or the owner.
fn blocker_cause(blocker: Blocker, age: &RecordAge) -> String {
    let owner = age.owner.as_ref().map_or_else(|| "another account".to_string(), |o| o.display.clone());
    match blocker {
        Blocker::ZoneNoUpdates => {
            let zone = if age.is_ptr { "its reverse zone" } else { "its zone" };
            format!(
                "{zone} accepts no dynamic updates, so nothing can refresh its records; allow secure dynamic updates on the zone (DNS Manager, the zone's Properties, General, Dynamic updates: Secure only; or Set-DnsServerPrimaryZone -DynamicUpdate Secure), or make the record static"
            )
        }
        Blocker::DhcpSetting(stop) => format!(
            "the record is owned by {owner}, the DHCP server's account that registers it, and the DHCP server now has {stop} for this lease, so it will not refresh the record (and the client's own update cannot take it over); change it in {}, then renew the lease (ipconfig /release then ipconfig /renew)",
            stop.place()
        ),
        Blocker::SecureOwner(kind) => format!(
            "the record is owned by {owner} ({kind}) in a secure zone, so the host's own secure update is refused and nothing refreshes it; delete the record so that the host registers it again under its own account (ipconfig /registerdns), or make it static if it was created by hand on purpose"
        ),
    }
}

/// "the record is owned by X (kind), so the client's secure update cannot change it", for an
/// owner that blocks the client: another computer or a user (not in a `nonsecure` zone, where
/// ownership does not stop an update).
fn blocking_owner(f: &Finding<'_>) -> Option<String> {
    let kind = blocking_owner_kind(f)?;
    let o = f.owner.as_ref()?;
    Some(format!("the record is owned by {o} ({kind}), so the client's secure update cannot change it"))
}

/// The kind of an owner that blocks the client ([`blocking_owner`]), when the row names the owner.
fn blocking_owner_kind(f: &Finding<'_>) -> Option<OwnerKind> {
    if f.zone_dynamic_updates == Some(DynamicUpdates::Nonsecure) || f.owner.is_none() {
        return None;
    }
    f.owner_kind.filter(|k| matches!(k, OwnerKind::OtherComputer | OwnerKind::User))
}

fn join(addrs: &[impl std::fmt::Display]) -> String {
    addrs.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

/// Capitalises a sentence that starts with one of our own words; never a host name.
fn capitalise(s: String) -> String {
    if s.starts_with("the ") || s.starts_with("no ") {
        let mut c = s.chars();
        c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
    } else {
        s
    }
}

