#![cfg(test)]
//! Helpers the unit tests share (compiled for tests only): times and addresses from literals,
//! the audit settings the audit's and the forecast's tests start from, what the readers'
//! tests assert of their problems, and the fake HTTP server of the Kea tests (`http`).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests panic on a bad literal

use std::net::IpAddr;

/// The tests' one fake HTTP server, shared with the end-to-end tests (`tests/util/http.rs`).
#[path = "../tests/util/http.rs"]
#[allow(dead_code, reason = "the end-to-end tests use what the unit tests do not")]
pub(crate) mod http;

use chrono::{DateTime, TimeDelta, Utc};

use crate::audit::AuditSettings;
use crate::input::{Problem, SkipReason};

/// An RFC 3339 time (`2026-11-20T12:00:00Z`).
pub(crate) fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// [`t`], as the optional time a record field holds.
pub(crate) fn some_t(s: &str) -> Option<DateTime<Utc>> {
    Some(t(s))
}

/// An IPv4 or IPv6 address.
pub(crate) fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// (line, reason) of each problem: what the readers' tests assert.
pub(crate) fn reasons(p: &[Problem]) -> Vec<(usize, SkipReason)> {
    p.iter().map(|p| (p.line, p.reason)).collect()
}

/// The audit settings of the rules' tests: as of 2026-11-24T12:00:00Z, domain
/// `corp.example.test`, 7-day aging intervals and scavenging period.
pub(crate) fn audit_settings() -> AuditSettings {
    AuditSettings {
        as_of: t("2026-11-24T12:00:00Z"),
        domain: Some("corp.example.test".into()),
        no_refresh: TimeDelta::days(7),
        refresh: TimeDelta::days(7),
        scavenging_interval: TimeDelta::days(7),
        assume_aging: false,
        dhcp_accounts: Vec::new(),
    }
}

/// (line, reason, detail) of each problem: what the readers' tests of bad rows assert.
pub(crate) fn details(p: &[Problem]) -> Vec<(usize, SkipReason, &str)> {
    p.iter().map(|p| (p.line, p.reason, p.detail.as_str())).collect()
}

/// A lease of `ip` named `host` in `scope`, active until 2026-11-30, from `leases.csv` line 2.
pub(crate) fn lease(ip_text: &str, host: Option<&str>, scope: Option<&str>) -> crate::leases::Lease {
    crate::leases::Lease {
        ip: ip(ip_text),
        hostname: host.map(Into::into),
        mac: Some("00:15:5d:01:02:03".into()),
        state: crate::leases::LeaseState::Active,
        expires: some_t("2026-11-30T00:00:00Z"),
        duration: None,
        origin: crate::leases::LeaseOrigin::new(&std::sync::Arc::from("leases.csv"), scope, None, None),
        line: 2,
    }
}

/// A finding of `status` for `lease`, nothing else known; a record age when `scavenge_after`
/// is given (risk high).
pub(crate) fn finding<'a>(lease: &'a crate::leases::Lease, status: crate::audit::Status, scavenge_after: Option<&str>) -> crate::audit::Finding<'a> {
    use crate::audit::{RecordAge, RecordKind, RecordStatus, Risk};
    crate::audit::Finding {
        status,
        lease,
        fqdn: lease.hostname.as_deref().map(|h| format!("{h}.corp.example.test")),
        a_status: RecordStatus::Ok,
        a_records: Vec::new(),
        ptr_status: RecordStatus::Ok,
        ptr_records: Vec::new(),
        age: scavenge_after.map(|s| RecordAge { kind: RecordKind::Dynamic, timestamp: None, scavenge_after: some_t(s), risk: Risk::High, is_ptr: false, owner: None, refresh: None, blocker: None }),
        computer: None,
        remediation: None,
        cause: None,
        cause_zone: None,
        owner: None,
        owner_kind: None,
        zone_dynamic_updates: None,
        dhcp_dns_setting: None,
    }
}
