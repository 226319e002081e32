//! What the audit knows of DNS, behind one interface: [`Evidence`] answers "what records does
//! this name (A/AAAA) or this address (PTR) have", with each record's age where the data knows
//! it. Two implementations: [`DataEvidence`] (AD or offline exports) and [`LiveEvidence`] (live
//! answers decide what exists, the data gives the ages). Both are built before the
//! [`super::Auditor`], which never knows which one it reads.

use std::net::IpAddr;

use chrono::{DateTime, Utc};

use crate::dns::answers::{Answer, Failure, LiveLookup};
use crate::dns::index::Forward;
use crate::dns::{self, DnsData, DnsRecord, DynamicUpdates, RecordData, RecordIndex, Zone};
use crate::leases::Lease;
use crate::leases::dns_settings::{DhcpDnsSetting, DhcpDnsSettings};

/// The evidence the audit reads. The cause columns (issue #10): a record's owner is on the
/// data's copy of the record ([`DnsRecord::owner`], through [`DataRecord`]); a zone's
/// dynamic-update policy and the DHCP server's DNS settings for a lease have methods of their
/// own. Live DNS answers carry neither: both implementations read them from the data.
pub(crate) trait Evidence {
    /// The A and AAAA records of `name` (lowercase, no trailing dot), through CNAMEs. `said`
    /// is the verdict on `family`'s record type (the one compared with the lease); `found`
    /// holds both families (the report lists them all).
    fn addresses(&self, name: &str, family: Family) -> Lookup<'_, IpAddr>;
    /// The PTR records of `ip`.
    fn pointers(&self, ip: IpAddr) -> Lookup<'_, String>;
    /// The dynamic-update policy of the zone holding `name`, when known.
    fn dynamic_updates(&self, name: &str) -> Option<DynamicUpdates>;
    /// The name of that zone (the fix list's title for a zone's policy), when known.
    fn policy_zone(&self, _name: &str) -> Option<String> {
        None
    }
    /// The DHCP server's effective DNS setting for `lease`, when known.
    fn dhcp_setting(&self, lease: &Lease) -> Option<DhcpDnsSetting>;
    /// This evidence, when it can be read from several threads at once (the auditor then
    /// uses two cores); `None` by default.
    fn shared(&self) -> Option<&(dyn Evidence + Sync)> {
        None
    }
}

/// An address family: which of A and AAAA is asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    V4,
    V6,
}

impl Family {
    pub(crate) fn of(ip: IpAddr) -> Family {
        if ip.is_ipv4() { Family::V4 } else { Family::V6 }
    }
}

/// What the evidence says of one name or address.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Lookup<'e, T> {
    pub(crate) said: Said,
    /// The records found, in the evidence's order (possibly repeated).
    pub(crate) found: Vec<Found<'e, T>>,
    /// The target of the name's own CNAME, when the name is an alias (forward lookups only).
    pub(crate) cname: Option<String>,
    /// With `--compare-servers`: how the servers' answers differ.
    pub(crate) disagreement: Option<&'e str>,
}

/// The verdict of a lookup.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Said {
    /// The evidence covers the question: `found` is the whole answer (empty: no record).
    Answered,
    /// NXDOMAIN or NODATA from live DNS: no record.
    Absent,
    /// The live lookup failed (or was not asked): nothing is known.
    Failed(Failure),
    /// No zone in the data holds the name (or the zone was not read): nothing is known.
    NotCovered,
}

/// One record found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Found<'e, T> {
    pub(crate) value: T,
    /// The data's copy of the record, where the data holds one (its age); `None` for a record
    /// live DNS serves that the data does not hold.
    pub(crate) record: Option<DataRecord<'e>>,
}

/// A record as the data holds it, with its zone (aging settings).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct DataRecord<'e> {
    pub(crate) record: &'e DnsRecord,
    pub(crate) zone: &'e Zone,
}

/// The DNS data (AD or exports) as evidence: what it holds exists, with its age.
pub(crate) struct DataEvidence<'d> {
    dns: &'d DnsData,
    index: RecordIndex<'d>,
    dhcp: Option<&'d DhcpDnsSettings>,
}

impl<'d> DataEvidence<'d> {
    /// Indexes the records; of duplicate copies, the better one at `as_of` is kept.
    pub(crate) fn new(dns: &'d DnsData, as_of: DateTime<Utc>) -> DataEvidence<'d> {
        DataEvidence { dns, index: RecordIndex::new(dns, as_of), dhcp: None }
    }

    /// With the DHCP servers' DNS settings (`--dhcp-settings`, the XML exports, Kea).
    pub(crate) fn with_dhcp_settings(self, dhcp: &'d DhcpDnsSettings) -> DataEvidence<'d> {
        DataEvidence { dhcp: Some(dhcp), ..self }
    }

    fn found(&self, record: &'d DnsRecord) -> Option<DataRecord<'d>> {
        self.dns.zones.get(record.zone.index()).map(|zone| DataRecord { record, zone })
    }

    /// The records found, with the values `value_of` extracts, in index order.
    fn lookup<T>(
        &self,
        said: Said,
        records: impl IntoIterator<Item = &'d DnsRecord>,
        cname: Option<String>,
        value_of: impl Fn(&RecordData) -> Option<T>,
    ) -> Lookup<'d, T> {
        let found = records.into_iter().filter_map(|r| Some(Found { value: value_of(&r.data)?, record: self.found(r) })).collect();
        Lookup { said, found, cname, disagreement: None }
    }

    fn forward(&self, name: &str) -> Forward<'d> {
        // A name DNS cannot carry is in no zone: not looked up.
        if dns::invalid_name(name).is_some() {
            return Forward { records: Vec::new(), cname: None, covered: false };
        }
        self.index.addresses(name, self.dns)
    }

    fn ptr_records(&self, rname: &str) -> Vec<&'d DnsRecord> {
        self.index.get(rname).filter(|r| matches!(r.data, RecordData::Ptr(_))).collect()
    }

    /// The data's copy of a record of `records` with this value, if it holds one.
    fn record_with(&self, records: &[&'d DnsRecord], data: &RecordData) -> Option<DataRecord<'d>> {
        records.iter().find(|r| r.data == *data).and_then(|r| self.found(r))
    }
}

impl Evidence for DataEvidence<'_> {
    fn addresses(&self, name: &str, _family: Family) -> Lookup<'_, IpAddr> {
        let forward = self.forward(name);
        let said = if forward.covered { Said::Answered } else { Said::NotCovered };
        self.lookup(said, forward.records, forward.cname, addr_of)
    }

    fn pointers(&self, ip: IpAddr) -> Lookup<'_, String> {
        let rname = dns::reverse_name(ip);
        let said = if self.dns.holds(&rname) { Said::Answered } else { Said::NotCovered };
        // PTR records only: `ptr_of` skips the others.
        self.lookup(said, self.index.get(&rname), None, |d| ptr_of(d).map(str::to_string))
    }

    fn dynamic_updates(&self, name: &str) -> Option<DynamicUpdates> {
        self.dns.dynamic_updates(name)
    }

    fn policy_zone(&self, name: &str) -> Option<String> {
        self.dns.policy_zone(name).map(|(z, _)| z.to_string())
    }

    fn dhcp_setting(&self, lease: &Lease) -> Option<DhcpDnsSetting> {
        self.dhcp?.effective(lease)
    }

    fn shared(&self) -> Option<&(dyn Evidence + Sync)> {
        Some(self)
    }
}

/// Live DNS answers as evidence: what DNS serves exists; its age is the data's copy's, unknown
/// when the data does not hold it. A record the data holds but DNS does not serve is absent.
/// The answers may still be arriving: a lookup waits for its own (see `dns::live::Store`).
pub(crate) struct LiveEvidence<'e> {
    answers: &'e dyn LiveLookup,
    data: DataEvidence<'e>,
}

impl<'e> LiveEvidence<'e> {
    pub(crate) fn new(answers: &'e dyn LiveLookup, data: DataEvidence<'e>) -> LiveEvidence<'e> {
        LiveEvidence { answers, data }
    }
}

impl Evidence for LiveEvidence<'_> {
    fn addresses(&self, name: &str, family: Family) -> Lookup<'_, IpAddr> {
        let forward = self.data.forward(name);
        let live = self.answers.forward(name);
        let (a, aaaa) = (live.a, live.aaaa);
        let asked = match family {
            Family::V4 => a,
            Family::V6 => aaaa,
        };
        let records: Vec<&RecordData> = [a, aaaa].into_iter().flatten().flat_map(answer_records).collect();
        let found = records
            .iter()
            .filter_map(|d| Some(Found { value: addr_of(d)?, record: self.data.record_with(&forward.records, d) }))
            .collect();
        // The live answer's CNAME when it carries one, else the data's (the live engine
        // returns the chain's addresses only).
        let cname = records.iter().find_map(|d| match d {
            RecordData::Cname(t) => Some(t.to_string()),
            _ => None,
        });
        Lookup {
            said: said_live(asked),
            found,
            cname: cname.or(forward.cname),
            disagreement: live.disagreement,
        }
    }

    fn pointers(&self, ip: IpAddr) -> Lookup<'_, String> {
        let rname = dns::reverse_name(ip);
        let data = self.data.ptr_records(&rname);
        let live = self.answers.reverse(ip);
        let answer = live.ptr;
        let found = answer
            .into_iter()
            .flat_map(answer_records)
            .filter_map(|d| Some(Found { value: ptr_of(d)?.to_string(), record: self.data.record_with(&data, d) }))
            .collect();
        Lookup { said: said_live(answer), found, cname: None, disagreement: live.disagreement }
    }

    fn dynamic_updates(&self, name: &str) -> Option<DynamicUpdates> {
        self.data.dynamic_updates(name)
    }

    fn policy_zone(&self, name: &str) -> Option<String> {
        self.data.policy_zone(name)
    }

    fn dhcp_setting(&self, lease: &Lease) -> Option<DhcpDnsSetting> {
        self.data.dhcp_setting(lease)
    }
}

/// A live answer's verdict: a question without an answer was not asked (an invalid name).
fn said_live(answer: Option<&Answer>) -> Said {
    match answer {
        None => Said::Failed(Failure::NotAsked),
        Some(Answer::Failed(f)) => Said::Failed(f.clone()),
        Some(Answer::NxDomain | Answer::NoData) => Said::Absent,
        Some(Answer::Records(_)) => Said::Answered,
    }
}

/// A live answer's records (none for NXDOMAIN, NODATA or a failure).
fn answer_records(a: &Answer) -> &[RecordData] {
    match a {
        Answer::Records(r) => r,
        _ => &[],
    }
}

fn addr_of(d: &RecordData) -> Option<IpAddr> {
    match d {
        RecordData::Addr(a) => Some(*a),
        _ => None,
    }
}

fn ptr_of(d: &RecordData) -> Option<&str> {
    match d {
        RecordData::Ptr(t) => Some(t),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
use crate::dns::answers::LiveAnswers;

    const AS_OF: &str = "2026-11-24T12:00:00Z";

    use crate::test_support::t;

    /// `corp.test` and `0.10.in-addr.arpa` with: pc1 (dynamic A), alias CNAME to pc1,
    /// a PTR of 10.0.0.1 to pc1 (static).
    fn data() -> DnsData {
        let mut d = DnsData::default();
        let s: Arc<str> = Arc::from("zones");
        let fwd = d.zone_id("corp.test", &s);
        let rev = d.zone_id("0.10.in-addr.arpa", &s);
        let mut add = |name: &str, data: RecordData, ts: Option<&str>, zone| {
            d.records.push(DnsRecord { name: name.into(), data, timestamp: ts.map(t), ttl: None, zone, owner: None });
        };
        add("pc1.corp.test", RecordData::Addr("10.0.0.1".parse().unwrap()), Some("2026-11-20T00:00:00Z"), fwd);
        add("alias.corp.test", RecordData::Cname("pc1.corp.test".into()), None, fwd);
        add("1.0.0.10.in-addr.arpa", RecordData::Ptr("pc1.corp.test".into()), None, rev);
        d
    }

    /// The data record's timestamp and zone name.
    type Held = Option<(Option<DateTime<Utc>>, String)>;

    /// (value, [`Held`]) of each record found.
    fn found<T: Clone>(l: &Lookup<'_, T>) -> Vec<(T, Held)> {
        l.found.iter().map(|f| (f.value.clone(), f.record.map(|r| (r.record.timestamp, r.zone.name.clone())))).collect()
    }

    use crate::test_support::ip;

    #[test]
    fn data_evidence_follows_cnames_and_gives_ages() {
        let dns = data();
        let e = DataEvidence::new(&dns, t(AS_OF));
        let l = e.addresses("alias.corp.test", Family::V4);
        assert_eq!((l.said.clone(), l.cname.as_deref(), l.disagreement), (Said::Answered, Some("pc1.corp.test"), None));
        assert_eq!(found(&l), vec![(ip("10.0.0.1"), Some((Some(t("2026-11-20T00:00:00Z")), "corp.test".to_string())))]);
        let l = e.pointers(ip("10.0.0.1"));
        assert_eq!(l.said, Said::Answered);
        assert_eq!(found(&l), vec![("pc1.corp.test".to_string(), Some((None, "0.10.in-addr.arpa".to_string())))]);
    }

    /// Many names in a table that wraps around: every name found with its own records, the
    /// duplicate copies once each, the newer copy kept.
    #[test]
    fn index_finds_every_name_once() {
        let mut d = data();
        let z = d.zone_by_name("corp.test").unwrap();
        for i in 0..2000u32 {
            let ip = IpAddr::from([10, 1, (i / 256) as u8, (i % 256) as u8]);
            for ts in ["2026-11-01T00:00:00Z", "2026-11-10T00:00:00Z"] {
                d.records.push(DnsRecord { name: format!("h{i}.corp.test").into(), data: RecordData::Addr(ip), timestamp: Some(t(ts)), ttl: None, zone: z, owner: None });
            }
        }
        let e = DataEvidence::new(&d, t(AS_OF));
        for i in 0..2000u32 {
            let l = e.addresses(&format!("h{i}.corp.test"), Family::V4);
            let ip = IpAddr::from([10, 1, (i / 256) as u8, (i % 256) as u8]);
            assert_eq!(found(&l), vec![(ip, Some((Some(t("2026-11-10T00:00:00Z")), "corp.test".to_string())))]);
        }
        assert_eq!(RecordIndex::new(&d, t(AS_OF)).record_ids().count(), 3 + 2000);
    }

    #[test]
    fn data_evidence_tells_no_record_from_no_data() {
        let dns = data();
        let e = DataEvidence::new(&dns, t(AS_OF));
        // In a zone the data holds, without records: answered, nothing found (`missing`).
        let l = e.addresses("pc2.corp.test", Family::V4);
        assert_eq!((l.said, l.found.len()), (Said::Answered, 0));
        // Outside every zone, or a name DNS cannot carry: nothing is known (`unknown`).
        assert_eq!(e.addresses("pc1.other.test", Family::V4).said, Said::NotCovered);
        assert_eq!(e.addresses("pc 1.corp.test", Family::V4).said, Said::NotCovered);
        assert_eq!(e.pointers(ip("10.1.0.1")).said, Said::NotCovered);
    }

    #[test]
    fn live_evidence_decides_presence_and_data_gives_ages() {
        let dns = data();
        let mut answers = LiveAnswers::default();
        answers.a.insert(
            "pc1.corp.test".into(),
            Answer::Records(vec![RecordData::Addr(ip("10.0.0.1")), RecordData::Addr(ip("10.0.0.9"))]),
        );
        answers.aaaa.insert("pc1.corp.test".into(), Answer::NoData);
        answers.a.insert("alias.corp.test".into(), Answer::Records(vec![RecordData::Cname("other.corp.test".into()), RecordData::Addr(ip("10.0.0.1"))]));
        answers.aaaa.insert("alias.corp.test".into(), Answer::Failed(Failure::Timeout));
        answers.ptr.insert(ip("10.0.0.1"), Answer::NxDomain);
        answers.disagreements.insert("1.0.0.10.in-addr.arpa".into(), "10.0.0.53: NXDOMAIN; 10.0.0.54: pc1.corp.test".into());
        let e = LiveEvidence::new(&answers, DataEvidence::new(&dns, t(AS_OF)));

        // Served and held: the data's age; served only: no age; the data's CNAME when the answer has none.
        let l = e.addresses("pc1.corp.test", Family::V4);
        assert_eq!((l.said.clone(), l.cname.as_deref()), (Said::Answered, None));
        assert_eq!(found(&l), vec![(ip("10.0.0.1"), Some((Some(t("2026-11-20T00:00:00Z")), "corp.test".to_string()))), (ip("10.0.0.9"), None)]);
        assert_eq!(e.addresses("pc1.corp.test", Family::V6).said, Said::Absent);
        // The answer's CNAME wins over the data's; the verdict is the asked family's.
        let l = e.addresses("alias.corp.test", Family::V6);
        assert_eq!((l.said.clone(), l.cname.as_deref()), (Said::Failed(Failure::Timeout), Some("other.corp.test")));
        // A question never asked is a failure, never `missing`.
        assert_eq!(e.addresses("pc2.corp.test", Family::V4).said, Said::Failed(Failure::NotAsked));
        // A PTR the data holds but DNS does not serve is absent.
        let l = e.pointers(ip("10.0.0.1"));
        assert_eq!((l.said.clone(), l.found.len()), (Said::Absent, 0));
        assert_eq!(l.disagreement, Some("10.0.0.53: NXDOMAIN; 10.0.0.54: pc1.corp.test"));
    }
}
