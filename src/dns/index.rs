//! Record de-duplication, for the audit and the forecast alike: [`RecordIndex`] keeps one copy
//! of each record (the same zone from two sources or two DCs) and finds a name's records, and
//! its addresses through CNAMEs, without a map (the table is [`crate::slots::Slots`]).

use chrono::{DateTime, Utc};

use super::{DnsData, DnsRecord, RecordData};
use crate::slots::{EMPTY as END, Slots};

/// The records of each owner name, de-duplicated (the same zone exported twice, or from two
/// DCs, keeps the most recently refreshed copy). A table of each name's first record and a
/// chain through the rest: 4 bytes a slot and no allocation per name (a map of `&str` keys
/// took 24 bytes a bucket, ~100 MB at 1.9 M records, and a cache miss more per probe).
pub(crate) struct RecordIndex<'d> {
    /// Each slot holds the first record of one name.
    slots: Slots,
    /// For each record, the next record of the same name ([`END`] ends the chain); a record
    /// replaced by a newer duplicate is unlinked.
    next: Vec<u32>,
    records: &'d [DnsRecord],
}

/// A name's A/AAAA records, through its CNAMEs.
pub(crate) struct Forward<'d> {
    pub(crate) records: Vec<&'d DnsRecord>,
    /// The target of the name's own CNAME, when the name is an alias.
    pub(crate) cname: Option<String>,
    /// Whether any zone in the data holds the name (or the CNAME chain's last name).
    pub(crate) covered: bool,
}

impl<'d> RecordIndex<'d> {
    /// Indexes the records; of duplicate copies, the better one at `as_of` is kept.
    pub(crate) fn new(dns: &'d DnsData, as_of: DateTime<Utc>) -> RecordIndex<'d> {
        // More records than u32 ids can name are not indexed (four billion records would not
        // fit in memory anyway); `END` is never an id.
        let records = dns.records.get(..dns.records.len().min(END as usize)).unwrap_or_default();
        let mut index = RecordIndex { slots: Slots::with_room_for(records.len()), next: vec![END; records.len()], records };
        for (i, r) in records.iter().enumerate() {
            let i = i as u32;
            let slot = match index.slot(r.name.as_bytes()) {
                Err(empty) => {
                    index.slots.set(empty, i);
                    continue;
                }
                Ok(slot) => slot,
            };
            index.link(slot, i, as_of);
        }
        index
    }

    /// Links record `i` into the chain of the name in `slot`, or, when it duplicates a record
    /// already there, keeps the better copy in its place.
    fn link(&mut self, slot: usize, i: u32, as_of: DateTime<Utc>) {
        let records = self.records;
        let r = &records[i as usize];
        let first = self.slots.get(slot);
        let mut prev = END;
        let mut cur = first;
        while cur != END {
            let o = &records[cur as usize];
            if o.data == r.data {
                // Of equal copies (a zone file and a records CSV of the same zone), the one
                // that knows its node's owner.
                let knows_owner = o.owner.is_none() && r.owner.is_some() && !newer(o, r, as_of);
                if newer(r, o, as_of) || knows_owner {
                    self.next[i as usize] = self.next[cur as usize];
                    if prev == END {
                        self.slots.set(slot, i);
                    } else {
                        self.next[prev as usize] = i;
                    }
                }
                return;
            }
            prev = cur;
            cur = self.next[cur as usize];
        }
        self.next[i as usize] = first;
        self.slots.set(slot, i);
    }

    /// The slot holding `name`'s first record (`Ok`), or the empty slot where it would go.
    fn slot(&self, name: &[u8]) -> Result<usize, usize> {
        self.slots.find(name, |id| self.records.get(id as usize).is_some_and(|r| r.name.as_bytes() == name))
    }

    /// Every record once, as its index in [`DnsData::records`]: of duplicate copies (the same
    /// zone from two sources), the one kept. In no particular order.
    pub(crate) fn record_ids(&self) -> impl Iterator<Item = u32> + '_ {
        self.slots.ids().flat_map(move |first| {
            let mut cur = first;
            std::iter::from_fn(move || {
                let id = (cur != END).then_some(cur)?;
                cur = self.next.get(cur as usize).copied().unwrap_or(END);
                Some(id)
            })
        })
    }

    /// The records of `name`, of every type.
    pub(crate) fn get<'s>(&'s self, name: &str) -> impl Iterator<Item = &'d DnsRecord> + 's {
        let mut cur = self.slot(name.as_bytes()).map_or(END, |s| self.slots.get(s));
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
    pub(crate) fn addresses(&self, name: &str, dns: &DnsData) -> Forward<'d> {
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
        (Some(c), Some(o)) => match (super::plausible_timestamp(c, as_of), super::plausible_timestamp(o, as_of)) {
            (true, false) => true,
            (false, true) => false,
            _ => c > o,
        },
        _ => false,
    }
}

