//! The AD-integrated DNS zones: listed under each `CN=MicrosoftDNS` container, with aging from
//! `dNSProperty`, and their `dnsNode` records decoded by [`crate::directory::dnsp`].
//!
//! Listing a container and reading a zone are separate jobs (run side by side over the
//! connection pool, [`super::pool`]); [`merge_zone`] puts each zone's part into the audit's
//! data in the order the zones were listed, so the result is the same as one zone after another.

use std::sync::Arc;

use crate::progress::Progress;
use ldap3::Scope;

use super::owners::{self, AdOwners};
use super::search::Entry;
use super::{AdClient, LdapError};
use crate::directory::dnsp::{self, RecordValue};
use crate::dns::{DnsData, DnsRecord, RecordData, normalize_name};
use crate::input::{Problems, SkipReason};
use crate::timefmt::from_dns_hours;

const ZONE_FILTER: &str = "(objectClass=dnsZone)";
const ZONE_ATTRIBUTES: [&str; 2] = ["name", "dNSProperty"];
const NODE_FILTER: &str = "(objectClass=dnsNode)";
/// With the owner from `nTSecurityDescriptor` (the SD-flags control asks for the owner only).
const NODE_ATTRIBUTES: [&str; 4] = ["name", "dnsRecord", "dNSTombstoned", "nTSecurityDescriptor"];
/// Zones every AD DNS partition has that hold no host data.
const SKIPPED_ZONES: [&str; 2] = ["rootdnsservers", "..trustanchors"];

/// A zone as its container lists it.
#[derive(Debug, Clone)]
pub(super) struct ListedZone {
    pub(super) dn: String,
    /// Normalized (lowercase, no trailing dot).
    pub(super) name: String,
    pub(super) props: Vec<Vec<u8>>,
}

/// One zone's records as read, before they join the audit's data.
#[derive(Debug, Default)]
pub(super) struct ZoneRead {
    /// The account may not search the zone: the server's diagnostic.
    denied: Option<String>,
    /// Whether the apex (`@`) is among the visible nodes; whether any node is.
    apex_visible: bool,
    no_node: bool,
    /// The records, their zone index to be set by the merge.
    records: Vec<DnsRecord>,
    /// The nodes' problems, in node order.
    problems: Problems,
    /// The nodes' owners (only `node_owner` is filled).
    owners: AdOwners,
}

impl AdClient {
    /// The zones under one `CN=MicrosoftDNS` container, in the server's order, without those
    /// that hold no host data; a container the account may not list is a problem.
    pub(super) async fn list_zones(&mut self, container: &str, bar: &Progress, problems: &mut Problems) -> Result<Vec<ListedZone>, LdapError> {
        let mut zones = Vec::new();
        let doing = format!("listing DNS zones under '{container}'");
        let result = self
            .paged(container, Scope::OneLevel, ZONE_FILTER, ZONE_ATTRIBUTES.to_vec(), &doing, |mut e| {
                bar.inc(1);
                let name = normalize_name(&e.first_str("name").unwrap_or_default());
                if name.is_empty() || SKIPPED_ZONES.contains(&name.as_str()) || name.starts_with("..") {
                    return;
                }
                let props = e.attrs.remove("dnsproperty").unwrap_or_default();
                zones.push(ListedZone { dn: e.dn, name, props });
            })
            .await;
        match result {
            Ok(_) => {}
            Err(LdapError::Access { diag, .. }) => {
                problems.push(&self.source, 0, SkipReason::AccessDenied, format!("{container}: cannot list its DNS zones: insufficient access rights ({diag})"));
            }
            Err(e) => return Err(e),
        }
        Ok(zones)
    }

    /// One zone's `dnsNode`s, decoded into records; the account's lack of rights is noted in
    /// the part, not an error.
    pub(super) async fn read_zone(&mut self, zone: &ListedZone, bar: &Progress) -> Result<ZoneRead, LdapError> {
        let doing = format!("reading zone {}", zone.name);
        let mut nodes = Vec::new();
        let result = self
            .paged_with(&zone.dn, Scope::OneLevel, NODE_FILTER, NODE_ATTRIBUTES.to_vec(), vec![owners::sd_flags_owner()], &doing, |e| {
                bar.inc(1);
                nodes.push(e);
            })
            .await;
        let mut part = ZoneRead::default();
        match result {
            Ok(_) => {}
            Err(LdapError::Access { diag, .. }) => {
                part.denied = Some(diag);
                return Ok(part);
            }
            Err(e) => return Err(e),
        }
        // Every zone has at least its apex (`@`, SOA and NS). AD does not refuse a search the
        // account may not read: it hides the entries. A zone whose apex is not visible is
        // therefore unusable (as a zone export without its SOA), so that its names come out
        // `unknown`, never `missing`.
        part.apex_visible = nodes.iter().any(|n| n.first_str("name").is_some_and(|l| l == "@"));
        part.no_node = nodes.is_empty();
        for node in nodes {
            add_node(node, &zone.name, crate::dns::ZoneId::new(0), &mut part.records, &mut part.problems, &self.source, &mut part.owners);
        }
        Ok(part)
    }
}

/// Puts one zone's part into the audit's data, with the problems in the order a zone-by-zone
/// read gives them: its `dNSProperty`, then its rights or apex, then its nodes.
pub(super) fn merge_zone(zone: ListedZone, part: ZoneRead, data: &mut DnsData, problems: &mut Problems, owners: &mut AdOwners, source: &Arc<str>) {
    let zone_name = zone.name;
    let zone_source: Arc<str> = Arc::from(format!("{}/{}", source, zone.dn));
    let (aging, errors) = dnsp::zone_aging(zone.props.iter().map(Vec::as_slice));
    for e in errors {
        problems.push(source, 0, SkipReason::Malformed, format!("zone {zone_name}: dNSProperty: {e}"));
    }
    let (policy, errors) = dnsp::zone_allow_update(zone.props.iter().map(Vec::as_slice));
    for e in errors {
        problems.push(source, 0, SkipReason::Malformed, format!("zone {zone_name}: dNSProperty: {e}"));
    }
    if let Some(p) = policy {
        owners.zone_updates.entry(zone_name.clone()).or_insert(p);
    }
    if let Some(diag) = part.denied {
        problems.push(source, 0, SkipReason::AccessDenied, format!("zone {zone_name}: its records cannot be read: insufficient access rights ({diag})"));
        return;
    }
    if !part.apex_visible {
        let what = if part.no_node { "no record is visible" } else { "its apex (@) is not visible" };
        problems.push(source, 0, SkipReason::AccessDenied, format!(
            "zone {zone_name}: {what}, not even its SOA at @: the bind account probably may not read it (its names are reported unknown)"
        ));
    }
    let id = data.zone_id(&zone_name, &zone_source);
    data.apex_seen(id, part.apex_visible);
    if let Some(z) = data.zones.get_mut(id.index())
        && z.aging == crate::dns::ZoneAging::default()
    {
        z.aging = aging;
    }
    data.records.extend(part.records.into_iter().map(|r| DnsRecord { zone: id, ..r }));
    problems.append(part.problems);
    owners.node_owner.extend(part.owners.node_owner);
}

/// Decodes one `dnsNode` into records of zone `zone`.
fn add_node(node: Entry, zone_name: &str, zone: crate::dns::ZoneId, records: &mut Vec<DnsRecord>, problems: &mut Problems, source: &Arc<str>, owners: &mut AdOwners) {
    let label = node.first_str("name").unwrap_or_default();
    let owner = if label == "@" || label.is_empty() { zone_name.to_string() } else { normalize_name(&format!("{label}.{zone_name}")) };
    if node.first_str("dnstombstoned").is_some_and(|t| t.eq_ignore_ascii_case("TRUE")) {
        problems.push(source, 0, SkipReason::UnusedType, format!("{owner}: tombstoned node (deleted record)"));
        return;
    }
    owners::node_owner(&node, &owner, owners, problems, source);
    for bytes in node.attrs.get("dnsrecord").map(Vec::as_slice).unwrap_or_default() {
        let r = match dnsp::decode_record(bytes) {
            Ok(r) => r,
            Err(e) => {
                problems.push(source, 0, SkipReason::Malformed, format!("{owner}: dnsRecord: {e}"));
                continue;
            }
        };
        let rdata = match r.value {
            RecordValue::A(a) => RecordData::Addr(a.into()),
            RecordValue::Aaaa(a) => RecordData::Addr(a.into()),
            RecordValue::Ptr(t) => RecordData::Ptr(normalize_name(&t).into()),
            RecordValue::Cname(t) => RecordData::Cname(normalize_name(&t).into()),
            RecordValue::Tombstone { .. } => {
                problems.push(source, 0, SkipReason::UnusedType, format!("{owner}: tombstone record (deleted)"));
                continue;
            }
            // SOA (6) and NS (2): the zone's own structure, in every zone, not skipped input.
            RecordValue::Other if matches!(r.rtype, 2 | 6) => continue,
            RecordValue::Other => {
                problems.push(source, 0, SkipReason::UnusedType, format!("{owner}: type {} record", r.rtype));
                continue;
            }
        };
        let timestamp = if r.timestamp_hours == 0 { None } else { from_dns_hours(r.timestamp_hours) };
        records.push(DnsRecord { name: owner.as_str().into(), data: rdata, timestamp, ttl: Some(r.ttl_seconds), zone, owner: None });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn nodes_become_records() {
        use crate::directory::dnsp::DNS_TYPE_A;
        let rec = |t: u16, ts: u32, data: &[u8]| {
            let mut v = Vec::new();
            v.extend_from_slice(&u16::try_from(data.len()).unwrap().to_le_bytes());
            v.extend_from_slice(&t.to_le_bytes());
            v.extend_from_slice(&[5, 0xF0, 0, 0, 1, 0, 0, 0, 0, 0, 0x04, 0xB0, 0, 0, 0, 0]);
            v.extend_from_slice(&ts.to_le_bytes());
            v.extend_from_slice(data);
            v
        };
        let src: Arc<str> = Arc::from("ldaps://dc1:636");
        let mut data = DnsData::default();
        let mut problems = Problems::default();
        let zone = data.zone_id("corp.test", &src);
        let node = |name: &str, recs: Vec<Vec<u8>>, tomb: bool| Entry {
            dn: format!("DC={name},DC=corp.test,CN=MicrosoftDNS"),
            attrs: HashMap::from([
                ("name".to_string(), vec![name.as_bytes().to_vec()]),
                ("dnsrecord".to_string(), recs),
                ("dnstombstoned".to_string(), vec![if tomb { b"TRUE".to_vec() } else { b"FALSE".to_vec() }]),
            ]),
        };
        add_node(node("PC1", vec![rec(DNS_TYPE_A, 3_636_304, &[10, 0, 16, 21]), rec(33, 0, &[0; 8])], false), "corp.test", zone, &mut data.records, &mut problems, &src, &mut AdOwners::default());
        add_node(node("@", vec![rec(DNS_TYPE_A, 0, &[10, 0, 0, 1])], false), "corp.test", zone, &mut data.records, &mut problems, &src, &mut AdOwners::default());
        add_node(node("old", vec![rec(0, 0, &[0; 8])], true), "corp.test", zone, &mut data.records, &mut problems, &src, &mut AdOwners::default());
        add_node(node("bad", vec![rec(DNS_TYPE_A, 0, &[10, 0])], false), "corp.test", zone, &mut data.records, &mut problems, &src, &mut AdOwners::default());
        assert_eq!(data.records.len(), 2);
        assert_eq!(data.records[0].name, "pc1.corp.test");
        assert_eq!(data.records[0].timestamp, from_dns_hours(3_636_304));
        assert_eq!(data.records[0].ttl, Some(1200));
        assert_eq!(data.records[1].name, "corp.test");
        assert_eq!(data.records[1].timestamp, None);
        let reasons: Vec<SkipReason> = problems.list.iter().map(|p| p.reason).collect();
        assert_eq!(reasons, vec![SkipReason::UnusedType, SkipReason::UnusedType, SkipReason::Malformed]);
    }
}
