//! What the audit knows of DNS, behind one interface: [`Evidence`] answers "what records does
//! this name (A/AAAA) or this address (PTR) have", with each record's age where the data knows
//! it. Two implementations: [`DataEvidence`] (AD or offline exports) and [`LiveEvidence`] (live
//! answers decide what exists, the data gives the ages). Both are built before the
//! [`super::Auditor`], which never knows which one it reads.

use std::net::IpAddr;

use chrono::{DateTime, Utc};

use crate::dns::answers::{Answer, Failure, LiveLookup};
use crate::dns::{self, DnsData, DnsRecord, DynamicUpdates, RecordData, Zone};
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

    /// Every record once, as its index in [`DnsData::records`]: of duplicate copies (the same
    /// zone from two sources), the one the audit uses. In no particular order.
    pub(crate) fn record_ids(&self) -> impl Iterator<Item = u32> + '_ {
        self.index.heads().flat_map(move |first| {
            let mut cur = first;
            std::iter::from_fn(move || {
                let id = (cur != END).then_some(cur)?;
                cur = self.index.next.get(cur as usize).copied().unwrap_or(END);
                Some(id)
            })
        })
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

/// The records of each owner name, de-duplicated (the same zone exported twice, or from two
/// DCs, keeps the most recently refreshed copy). An open-addressing table of each name's first
/// record and a chain through the rest: 4 bytes a slot and no allocation per name (a map of
/// `&str` keys took 24 bytes a bucket, ~100 MB at 1.9 M records, and a cache miss more per probe).
struct RecordIndex<'d> {
    /// Linear probing, at most half full: each slot holds the first record of one name, or [`END`].
    slots: Vec<u32>,
    /// For each record, the next record of the same name (`u32::MAX` ends the chain);
    /// a record replaced by a newer duplicate is unlinked.
    next: Vec<u32>,
    records: &'d [DnsRecord],
}

const END: u32 = u32::MAX;

struct Forward<'d> {
    records: Vec<&'d DnsRecord>,
    /// The target of the name's own CNAME, when the name is an alias.
    cname: Option<String>,
    /// Whether any zone in the data holds the name (or the CNAME chain's last name).
    covered: bool,
}

/// The slot a name starts probing at, in a table of `1 << bits` slots: the Fx hash spread by a
/// Fibonacci multiplication, its top bits taken (Fx's low bits vary little between names that
/// differ in a few digits, and linear probing would cluster on them).
fn name_slot(name: &[u8], bits: u32) -> usize {
    use std::hash::BuildHasher;
    let h = rustc_hash::FxBuildHasher.hash_one(name).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    // `bits` is at least 4 (16 slots) and below 64; truncation keeps the top `bits` bits.
    (h >> (64 - bits)) as usize
}

impl<'d> RecordIndex<'d> {
    fn new(dns: &'d DnsData, as_of: DateTime<Utc>) -> RecordIndex<'d> {
        // More records than u32 ids can name are not indexed (four billion records would not
        // fit in memory anyway); `END` is never an id.
        let records = dns.records.get(..dns.records.len().min(END as usize)).unwrap_or_default();
        let size = records.len().saturating_mul(2).max(16).checked_next_power_of_two().unwrap_or(usize::MAX / 2 + 1);
        let mut index = RecordIndex { slots: vec![END; size], next: vec![END; records.len()], records };
        for (i, r) in records.iter().enumerate() {
            let i = i as u32;
            let slot = match index.slot(r.name.as_bytes()) {
                Err(empty) => {
                    index.slots[empty] = i;
                    continue;
                }
                Ok(slot) => slot,
            };
            let first = index.slots[slot];
            // A duplicate of a record already indexed: keep the better copy in its place.
            let mut prev = END;
            let mut cur = first;
            let mut duplicate = false;
            while cur != END {
                let o = &records[cur as usize];
                if o.data == r.data {
                    duplicate = true;
                    // Of equal copies (a zone file and a records CSV of the same zone), the one
                    // that knows its node's owner.
                    let knows_owner = o.owner.is_none() && r.owner.is_some() && !newer(o, r, as_of);
                    if newer(r, o, as_of) || knows_owner {
                        index.next[i as usize] = index.next[cur as usize];
                        if prev == END {
                            index.slots[slot] = i;
                        } else {
                            index.next[prev as usize] = i;
                        }
                    }
                    break;
                }
                prev = cur;
                cur = index.next[cur as usize];
            }
            if !duplicate {
                index.next[i as usize] = first;
                index.slots[slot] = i;
            }
        }
        index
    }

    /// The slot holding `name`'s first record (`Ok`), or the empty slot where it would go.
    fn slot(&self, name: &[u8]) -> Result<usize, usize> {
        // `slots.len()` is a power of two and never full, so the probe ends.
        let mask = self.slots.len() - 1;
        let mut s = name_slot(name, self.slots.len().trailing_zeros()) & mask;
        loop {
            let id = self.slots[s];
            if id == END {
                return Err(s);
            }
            if self.records.get(id as usize).is_some_and(|r| r.name.as_bytes() == name) {
                return Ok(s);
            }
            s = (s + 1) & mask;
        }
    }

    /// Every name's first record.
    fn heads(&self) -> impl Iterator<Item = u32> + '_ {
        self.slots.iter().copied().filter(|&id| id != END)
    }

    fn get<'s>(&'s self, name: &str) -> impl Iterator<Item = &'d DnsRecord> + 's {
        let mut cur = self.slot(name.as_bytes()).map_or(END, |s| self.slots[s]);
        std::iter::from_fn(move || {
            if cur == END {
                return None;
            }
            let r = &self.records[cur as usize];
            cur = self.next[cur as usize];
            Some(r)
        })
    }

    /// A/AAAA records of `name`, following up to 8 CNAMEs as a resolver would. One walk of
    /// each name's records: its CNAME, else its addresses.
    fn addresses(&self, name: &str, dns: &DnsData) -> Forward<'d> {
        let mut current = name;
        let mut cname = None;
        let mut records = Vec::new();
        for _ in 0..8 {
            let mut target = None;
            for r in self.get(current) {
                match &r.data {
                    RecordData::Cname(t) => {
                        target = Some(t.as_str());
                        break;
                    }
                    RecordData::Addr(_) => records.push(r),
                    RecordData::Ptr(_) => {}
                }
            }
            let Some(target) = target else {
                return Forward { records, cname, covered: dns.holds(current) };
            };
            records.clear();
            cname.get_or_insert_with(|| target.to_string());
            current = target;
        }
        // A CNAME loop or an absurd chain: what a resolver would fail on.
        Forward { records: Vec::new(), cname, covered: false }
    }
}

/// Static records (no timestamp) are kept over dynamic copies; a plausible timestamp over an
/// implausible one (a crafted copy must not hide the real one); otherwise the later timestamp.
fn newer(candidate: &DnsRecord, current: &DnsRecord, as_of: DateTime<Utc>) -> bool {
    match (candidate.timestamp, current.timestamp) {
        (None, Some(_)) => true,
        (Some(c), Some(o)) => match (dns::plausible_timestamp(c, as_of), dns::plausible_timestamp(o, as_of)) {
            (true, false) => true,
            (false, true) => false,
            _ => c > o,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
use crate::dns::answers::LiveAnswers;

    const AS_OF: &str = "2026-11-24T12:00:00Z";

    fn t(s: &str) -> DateTime<Utc> {
        crate::timefmt::parse_time_utc(s).unwrap()
    }

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

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

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
        assert_eq!(e.record_ids().count(), 3 + 2000);
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
