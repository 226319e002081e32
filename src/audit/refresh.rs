//! Whether a record's updater will refresh it before scavenging deletes it: the one rule behind
//! the forecast's `refresh` column and the audit's "not being refreshed" / "cannot be refreshed"
//! (docs/report.md "Scavenging risk" and "Before enabling scavenging"). Both commands call
//! [`refresh_of`]; neither has a copy of the rule.

use chrono::{DateTime, TimeDelta, Utc};

use super::OwnerKind;
use crate::dns::DynamicUpdates;
use crate::leases::Lease;
use crate::leases::dns_settings::{DhcpDnsSetting, ServerStop};
use crate::vocab::vocabulary;

vocabulary! {
    /// The forecast's `refresh`: the first that applies.
    pub(crate) RefreshState {
        /// Not refreshed within no-refresh + slack: its updater has already stopped.
        Frozen => "frozen",
        /// Refreshed in time so far, but a known cause stops its updater from refreshing it again.
        CannotRefresh => "cannot-refresh",
        /// Refreshed within its cycle, and nothing known stops the next refresh.
        Refreshing => "refreshing",
    }
}

/// Why a record's updater can no longer refresh it (the `cannot-refresh` causes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Blocker {
    /// Its zone accepts no dynamic updates: nothing can refresh it.
    ZoneNoUpdates,
    /// A DHCP server's account owns it and the lease's DHCP setting stops that server's updates.
    DhcpSetting(ServerStop),
    /// The zone is `secure` and another computer, a user or an admin owns the record: the
    /// host's own secure update is refused.
    SecureOwner(OwnerKind),
}

/// What is known of a record's updater; `None` where the inputs do not say (then the cause
/// that needs it does not apply).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Updater<'a> {
    /// The dynamic-update policy of the zone holding the record.
    pub(crate) zone: Option<DynamicUpdates>,
    /// The record owner's kind, against the host the record names.
    pub(crate) owner_kind: Option<OwnerKind>,
    /// The DHCP server's effective DNS setting for the lease on the record's name (A/AAAA) or
    /// address (PTR).
    pub(crate) dhcp: Option<&'a DhcpDnsSetting>,
}

/// The first cause that stops the record's updater, if any is known.
pub(crate) fn blocker(is_ptr: bool, u: &Updater<'_>) -> Option<Blocker> {
    if u.zone == Some(DynamicUpdates::None) {
        return Some(Blocker::ZoneNoUpdates);
    }
    if u.owner_kind == Some(OwnerKind::DhcpServer)
        && let Some(stop) = u.dhcp.and_then(|d| d.server_stop(is_ptr))
    {
        return Some(Blocker::DhcpSetting(stop));
    }
    match (u.zone, u.owner_kind) {
        (Some(DynamicUpdates::Secure), Some(kind @ (OwnerKind::OtherComputer | OwnerKind::User | OwnerKind::Admin))) => Some(Blocker::SecureOwner(kind)),
        _ => None,
    }
}

/// The slack before a record counts as not refreshed: the larger of 24 h and half the lease.
/// A client refreshes its registration when it renews (at half the lease), so a record may
/// legitimately lag the no-refresh interval by that much.
pub(crate) fn slack(lease: Option<&Lease>) -> TimeDelta {
    let day = TimeDelta::hours(24);
    match lease.and_then(|l| l.duration) {
        Some(d) if d / 2 > day => d / 2,
        _ => day,
    }
}

/// "Not being refreshed": `as_of − timestamp > no_refresh + slack` (strictly; sums that
/// overflow saturate, so a limit beyond chrono's range is never reached).
pub(crate) fn not_refreshed(ts: DateTime<Utc>, as_of: DateTime<Utc>, no_refresh: TimeDelta, slack: TimeDelta) -> bool {
    let allowed = no_refresh.checked_add(&slack).unwrap_or(TimeDelta::MAX);
    as_of.signed_duration_since(ts) > allowed
}

/// The record's `refresh` and, for `cannot-refresh`, its cause. A frozen record may have a
/// known cause too (returned, so that the audit's sentence can name it).
pub(crate) fn refresh_of(frozen: bool, is_ptr: bool, u: &Updater<'_>) -> (RefreshState, Option<Blocker>) {
    let blocked = blocker(is_ptr, u);
    match (frozen, blocked) {
        (true, b) => (RefreshState::Frozen, b),
        (false, Some(b)) => (RefreshState::CannotRefresh, Some(b)),
        (false, None) => (RefreshState::Refreshing, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leases::dns_settings::Updates;

    fn updater(zone: Option<DynamicUpdates>, owner_kind: Option<OwnerKind>, dhcp: Option<&DhcpDnsSetting>) -> Updater<'_> {
        Updater { zone, owner_kind, dhcp }
    }

    fn refresh(is_ptr: bool, u: &Updater<'_>) -> &'static str {
        refresh_of(false, is_ptr, u).0.as_str()
    }

    #[test]
    fn a_zone_without_dynamic_updates_refreshes_nothing_whoever_owns_the_record() {
        for kind in [None, Some(OwnerKind::Own), Some(OwnerKind::DhcpServer)] {
            let u = updater(Some(DynamicUpdates::None), kind, None);
            assert_eq!(refresh_of(false, false, &u), (RefreshState::CannotRefresh, Some(Blocker::ZoneNoUpdates)));
            assert_eq!(refresh_of(false, true, &u), (RefreshState::CannotRefresh, Some(Blocker::ZoneNoUpdates)));
        }
    }

    #[test]
    fn a_dhcp_server_owned_record_whose_scope_stopped_sending_updates_cannot_be_refreshed() {
        let never = DhcpDnsSetting { updates: Some(Updates::Never), ..DhcpDnsSetting::default() };
        let send = DhcpDnsSetting { send_updates: Some(false), ..DhcpDnsSetting::default() };
        let renew = DhcpDnsSetting { update_on_renew: Some(false), ..DhcpDnsSetting::default() };
        let ptr_off = DhcpDnsSetting { updates: Some(Updates::Always), ptr: Some(false), ..DhcpDnsSetting::default() };
        let dhcp = Some(OwnerKind::DhcpServer);
        for zone in [Some(DynamicUpdates::Secure), Some(DynamicUpdates::Nonsecure), None] {
            assert_eq!(refresh_of(false, false, &updater(zone, dhcp, Some(&never))), (RefreshState::CannotRefresh, Some(Blocker::DhcpSetting(ServerStop::UpdatesNever))));
            assert_eq!(refresh_of(false, true, &updater(zone, dhcp, Some(&send))), (RefreshState::CannotRefresh, Some(Blocker::DhcpSetting(ServerStop::SendUpdatesFalse))));
            assert_eq!(refresh_of(false, false, &updater(zone, dhcp, Some(&renew))), (RefreshState::CannotRefresh, Some(Blocker::DhcpSetting(ServerStop::UpdateOnRenewFalse))));
            // ptr=off stops the server's PTR updates only.
            assert_eq!(refresh_of(false, true, &updater(zone, dhcp, Some(&ptr_off))), (RefreshState::CannotRefresh, Some(Blocker::DhcpSetting(ServerStop::PtrOff))));
            assert_eq!(refresh(false, &updater(zone, dhcp, Some(&ptr_off))), "refreshing");
        }
        // The setting only matters when the server is the record's updater.
        for kind in [None, Some(OwnerKind::Own)] {
            assert_eq!(refresh(false, &updater(Some(DynamicUpdates::Secure), kind, Some(&never))), "refreshing");
        }
        // A setting that still sends updates, or none known: the rule does not apply.
        let on = DhcpDnsSetting { updates: Some(Updates::OnRequest), ptr: Some(true), send_updates: Some(true), update_on_renew: Some(true), ..DhcpDnsSetting::default() };
        assert_eq!(refresh(true, &updater(Some(DynamicUpdates::Secure), dhcp, Some(&on))), "refreshing");
        assert_eq!(refresh(true, &updater(Some(DynamicUpdates::Secure), dhcp, Some(&DhcpDnsSetting::default()))), "refreshing");
        assert_eq!(refresh(true, &updater(Some(DynamicUpdates::Secure), dhcp, None)), "refreshing");
    }

    #[test]
    fn in_a_secure_zone_another_owner_blocks_the_hosts_update() {
        for kind in [OwnerKind::OtherComputer, OwnerKind::User, OwnerKind::Admin] {
            let u = updater(Some(DynamicUpdates::Secure), Some(kind), None);
            assert_eq!(refresh_of(false, false, &u), (RefreshState::CannotRefresh, Some(Blocker::SecureOwner(kind))));
            // In a nonsecure zone, or a zone whose policy is unknown, ownership stops nothing known.
            assert_eq!(refresh(false, &updater(Some(DynamicUpdates::Nonsecure), Some(kind), None)), "refreshing");
            assert_eq!(refresh(false, &updater(None, Some(kind), None)), "refreshing");
        }
        assert_eq!(refresh(false, &updater(Some(DynamicUpdates::Secure), Some(OwnerKind::Own), None)), "refreshing");
        // A DHCP server's account in a secure zone refreshes its own records.
        assert_eq!(refresh(false, &updater(Some(DynamicUpdates::Secure), Some(OwnerKind::DhcpServer), None)), "refreshing");
        // Unknown owner: the rule does not apply.
        assert_eq!(refresh(false, &updater(Some(DynamicUpdates::Secure), None, None)), "refreshing");
    }

    #[test]
    fn frozen_comes_first_and_keeps_its_cause() {
        let u = updater(Some(DynamicUpdates::None), None, None);
        assert_eq!(refresh_of(true, false, &u), (RefreshState::Frozen, Some(Blocker::ZoneNoUpdates)));
        assert_eq!(refresh_of(true, false, &Updater::default()), (RefreshState::Frozen, None));
        assert_eq!(refresh_of(false, false, &Updater::default()), (RefreshState::Refreshing, None));
    }

    #[test]
    fn the_slack_boundary_is_strict_with_and_without_a_lease_duration() {
        let as_of = DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z").unwrap().with_timezone(&Utc);
        let week = TimeDelta::days(7);
        let at = |d: TimeDelta| as_of - d;
        // No lease, or no duration: 24 h.
        assert_eq!(slack(None), TimeDelta::hours(24));
        assert!(!not_refreshed(at(TimeDelta::days(8)), as_of, week, slack(None)));
        assert!(not_refreshed(at(TimeDelta::days(8) + TimeDelta::seconds(1)), as_of, week, slack(None)));
        // A known duration: half of it, when that is more than 24 h.
        let mut lease = Lease {
            ip: "10.0.16.21".parse().unwrap(),
            hostname: None,
            mac: None,
            state: crate::leases::LeaseState::Active,
            expires: None,
            duration: Some(TimeDelta::days(8)),
            origin: crate::leases::LeaseOrigin::new(&std::sync::Arc::from("leases.csv"), None, None, None),
            line: 2,
        };
        assert_eq!(slack(Some(&lease)), TimeDelta::days(4));
        assert!(!not_refreshed(at(TimeDelta::days(11)), as_of, week, slack(Some(&lease))));
        assert!(not_refreshed(at(TimeDelta::days(11) + TimeDelta::seconds(1)), as_of, week, slack(Some(&lease))));
        lease.duration = Some(TimeDelta::hours(8));
        assert_eq!(slack(Some(&lease)), TimeDelta::hours(24));
        assert!(!not_refreshed(as_of, as_of, TimeDelta::MAX, TimeDelta::MAX));
    }
}
