//! The run's facts, from the settings and what the inputs gave: the HTML page's header and the
//! spreadsheet's Summary sheet list them, both from the one [`RunInfo`] made here, so that the
//! report layer takes facts, never the settings.

use std::collections::BTreeMap;
use std::path::Path;

use crate::directory::Directory;
use crate::dns::DnsData;
use crate::leases::Lease;
use crate::report::html::{Input, RunInfo};
use crate::settings::Settings;

fn shown(p: &Path) -> String {
    p.display().to_string()
}

/// The inputs, each with what it gave, and the options that change the report's findings.
/// `all`: the command's `--all` (the forecast's is its own); `scavenging`: whether
/// `--scavenging-interval` applies (the audit's); `extra`: the command's own options (the forecast's horizon).
pub(super) fn run_info(settings: &Settings, leases: &[Lease], directory: &Directory, dns: &DnsData, (all, scavenging): (bool, bool), extra: &[String]) -> RunInfo {
    let mut per_source: BTreeMap<&str, usize> = BTreeMap::new();
    for l in leases {
        *per_source.entry(l.source()).or_default() += 1;
    }
    let count = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut inputs = Vec::new();
    // The lease files in the order given, then the Kea endpoints (a source that gave no lease says 0).
    let mut sources: Vec<String> = settings.leases.iter().map(|p| shown(p)).collect();
    sources.extend(settings.kea_urls.iter().map(|e| e.given.clone()));
    for s in &sources {
        let n = per_source.get(s.as_str()).copied().unwrap_or(0);
        inputs.push(Input { what: "leases", from: s.clone(), gave: count(n, "lease", "leases") });
    }
    let computers = count(directory.computers.len(), "computer", "computers");
    if let Some(c) = &settings.computers {
        inputs.push(Input { what: "computers", from: shown(c), gave: computers.clone() });
    }
    if let Some(l) = &settings.ldap {
        inputs.push(Input { what: "Active Directory", from: format!("{}://{}:{}", if matches!(l.scheme, crate::directory::ldap::Scheme::Ldaps) { "ldaps" } else { "ldap" }, l.host, l.port), gave: computers });
    }
    if !settings.dns_records.is_empty() || settings.ldap.is_some() {
        let from: Vec<String> = settings.dns_records.iter().map(|p| shown(p)).collect();
        let from = if from.is_empty() { "Active Directory".to_string() } else { from.join(", ") };
        let gave = format!("{} in {}", count(dns.records.len(), "record", "records"), count(dns.zones.len(), "zone", "zones"));
        inputs.push(Input { what: "DNS records", from, gave });
    }
    for z in &settings.zones {
        inputs.push(Input { what: "zone settings", from: shown(z), gave: count(dns.zone_settings.len(), "zone", "zones") });
    }
    for d in &settings.dhcp_settings {
        inputs.push(Input { what: "DHCP DNS settings", from: shown(d), gave: "the servers' and scopes' DNS settings".to_string() });
    }
    if !settings.dns_servers.is_empty() {
        let servers: Vec<String> = settings.dns_servers.iter().map(ToString::to_string).collect();
        inputs.push(Input { what: "live DNS", from: servers.join(", "), gave: "the records that exist (ages from the data)".to_string() });
    }

    let a = &settings.audit;
    let mut options = Vec::new();
    if settings.dns_records.is_empty() && settings.ldap.is_none() && settings.dns_servers.is_empty() {
        options.push("--no-dns".to_string());
    }
    if let Some(d) = &a.domain {
        options.push(format!("--domain {d}"));
    }
    options.push(format!("--no-refresh {}", crate::report::duration_text(a.no_refresh)));
    options.push(format!("--refresh {}", crate::report::duration_text(a.refresh)));
    // The forecast dates by whichever scavenging run deletes a record: not its option.
    if scavenging {
        options.push(format!("--scavenging-interval {}", crate::report::duration_text(a.scavenging_interval)));
    }
    if a.assume_aging {
        options.push("--assume-aging".to_string());
    }
    if all {
        options.push("--all".to_string());
    }
    if settings.compare_servers {
        options.push("--compare-servers".to_string());
    }
    if let crate::report::PreviousChoice::Path(p) = &settings.previous {
        options.push(format!("--previous {}", p.display()));
    }
    options.extend(extra.iter().cloned());
    RunInfo { ran_at: Some(settings.now), version: env!("DDNS_AUDIT_VERSION").to_string(), inputs, options }
}
