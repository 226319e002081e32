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
