//! The AD-integrated DNS zones: listed under each `CN=MicrosoftDNS` container, with aging from
//! `dNSProperty`, and their `dnsNode` records decoded by [`crate::directory::dnsp`].

use std::sync::Arc;

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

impl AdClient {
    /// Adds every AD-integrated zone (with aging) and its records to `data`; a zone or
    /// container the account may not read is a problem, not a failure.
    pub(super) async fn read_zones(&mut self, data: &mut DnsData, problems: &mut Problems) -> Result<(), LdapError> {
        let source = Arc::clone(&self.source);
        let mut zones: Vec<(String, String, Vec<Vec<u8>>)> = Vec::new();
        for container in self.dns_containers.clone() {
            let doing = format!("listing DNS zones under '{container}'");
            let result = self
                .paged(&container, Scope::OneLevel, ZONE_FILTER, ZONE_ATTRIBUTES.to_vec(), &doing, |mut e| {
                    let name = e.first_str("name").unwrap_or_default();
                    let props = e.attrs.remove("dnsproperty").unwrap_or_default();
                    zones.push((e.dn, name, props));
                })
                .await;
            match result {
                Ok(_) => {}
                Err(LdapError::Access { diag, .. }) => {
                    problems.push(&source, 0, SkipReason::AccessDenied, format!("{container}: cannot list its DNS zones: insufficient access rights ({diag})"));
                }
                Err(e) => return Err(e),
            }
        }
        for (zone_dn, name, props) in zones {
            let zone_name = normalize_name(&name);
            if zone_name.is_empty() || SKIPPED_ZONES.contains(&zone_name.as_str()) || zone_name.starts_with("..") {
                continue;
            }
            let zone_source: Arc<str> = Arc::from(format!("{}/{}", self.source, zone_dn));
            let (aging, errors) = dnsp::zone_aging(props.iter().map(Vec::as_slice));
            for e in errors {
                problems.push(&source, 0, SkipReason::Malformed, format!("zone {zone_name}: dNSProperty: {e}"));
            }
            let (policy, errors) = dnsp::zone_allow_update(props.iter().map(Vec::as_slice));
            for e in errors {
                problems.push(&source, 0, SkipReason::Malformed, format!("zone {zone_name}: dNSProperty: {e}"));
            }
            if let Some(p) = policy {
                self.owners.zone_updates.entry(zone_name.clone()).or_insert(p);
            }
            let doing = format!("reading zone {zone_name}");
            let mut nodes = Vec::new();
            let result = self
                .paged_with(&zone_dn, Scope::OneLevel, NODE_FILTER, NODE_ATTRIBUTES.to_vec(), vec![owners::sd_flags_owner()], &doing, |e| nodes.push(e))
                .await;
            match result {
                Ok(_) => {}
                Err(LdapError::Access { diag, .. }) => {
                    problems.push(&source, 0, SkipReason::AccessDenied, format!("zone {zone_name}: its records cannot be read: insufficient access rights ({diag})"));
                    continue;
                }
                Err(e) => return Err(e),
            }
            // Every zone has at least its apex (`@`, SOA and NS). AD does not refuse a search the
            // account may not read: it hides the entries. A zone whose apex is not visible is
            // therefore unusable (as a zone export without its SOA), so that its names come out
            // `unknown`, never `missing`.
            let apex_visible = nodes.iter().any(|n| n.first_str("name").is_some_and(|l| l == "@"));
            if !apex_visible {
                let what = if nodes.is_empty() { "no record is visible" } else { "its apex (@) is not visible" };
                problems.push(&source, 0, SkipReason::AccessDenied, format!(
                    "zone {zone_name}: {what}, not even its SOA at @: the bind account probably may not read it (its names are reported unknown)"
                ));
            }
            let zone = data.zone_id(&zone_name, &zone_source);
            data.apex_seen(zone, apex_visible);
            if let Some(z) = data.zones.get_mut(zone)
                && z.aging == crate::dns::ZoneAging::default()
            {
                z.aging = aging;
            }
            for node in nodes {
                add_node(node, &zone_name, zone, data, problems, &source, &mut self.owners);
            }
        }
        Ok(())
    }
}

/// Decodes one `dnsNode` into records.
fn add_node(node: Entry, zone_name: &str, zone: usize, data: &mut DnsData, problems: &mut Problems, source: &Arc<str>, owners: &mut AdOwners) {
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
            RecordValue::Ptr(t) => RecordData::Ptr(normalize_name(&t)),
            RecordValue::Cname(t) => RecordData::Cname(normalize_name(&t)),
            RecordValue::Tombstone { .. } => {
                problems.push(source, 0, SkipReason::UnusedType, format!("{owner}: tombstone record (deleted)"));
                continue;
            }
            RecordValue::Other => {
                problems.push(source, 0, SkipReason::UnusedType, format!("{owner}: type {} record", r.rtype));
                continue;
            }
        };
        let timestamp = if r.timestamp_hours == 0 { None } else { from_dns_hours(r.timestamp_hours) };
        data.records.push(DnsRecord { name: owner.as_str().into(), data: rdata, timestamp, ttl: Some(r.ttl_seconds), zone, owner: None });
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
        add_node(node("PC1", vec![rec(DNS_TYPE_A, 3_636_304, &[10, 0, 16, 21]), rec(33, 0, &[0; 8])], false), "corp.test", zone, &mut data, &mut problems, &src, &mut AdOwners::default());
        add_node(node("@", vec![rec(DNS_TYPE_A, 0, &[10, 0, 0, 1])], false), "corp.test", zone, &mut data, &mut problems, &src, &mut AdOwners::default());
        add_node(node("old", vec![rec(0, 0, &[0; 8])], true), "corp.test", zone, &mut data, &mut problems, &src, &mut AdOwners::default());
        add_node(node("bad", vec![rec(DNS_TYPE_A, 0, &[10, 0])], false), "corp.test", zone, &mut data, &mut problems, &src, &mut AdOwners::default());
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
