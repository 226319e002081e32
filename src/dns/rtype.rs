//! The record types the DNS exports are read for, shared by the zone-file and records-CSV
//! readers: which types are kept, and how a kept record's data is read.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::RecordData;
use crate::vocab::vocabulary;

vocabulary! {
    /// A record type the audit reads, named in any case (`A`, `aaaa`); other types are
    /// counted as not used.
    pub(crate) RecordType, any_case {
        A => "A",
        Aaaa => "AAAA",
        Ptr => "PTR",
        Cname => "CNAME",
    }
}

impl RecordType {
    /// The record's data from its one value: the address of an A/AAAA record, or the target
    /// of a PTR/CNAME as `target` makes it absolute. A bad address gives the problem's detail.
    pub(crate) fn data(self, value: &str, target: impl FnOnce(&str) -> String) -> Result<RecordData, String> {
        let ip = match self {
            RecordType::A => value.parse::<Ipv4Addr>().map(IpAddr::V4),
            RecordType::Aaaa => value.parse::<Ipv6Addr>().map(IpAddr::V6),
            RecordType::Ptr => return Ok(RecordData::Ptr(target(value).into())),
            RecordType::Cname => return Ok(RecordData::Cname(target(value).into())),
        };
        let version = if self == RecordType::A { 4 } else { 6 };
        ip.map(RecordData::Addr).map_err(|_| format!("{} is not an IPv{version} address", crate::input::quote(value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_types_and_their_data() {
        assert_eq!(RecordType::from_name("aaaa"), Some(RecordType::Aaaa));
        assert_eq!(RecordType::from_name("MX"), None);
        let name = |v: &str| format!("{v}.z.test");
        assert_eq!(RecordType::A.data("10.0.0.1", name), Ok(RecordData::Addr("10.0.0.1".parse().unwrap())));
        assert_eq!(RecordType::Cname.data("web", name), Ok(RecordData::Cname("web.z.test".into())));
        assert_eq!(RecordType::Ptr.data("pc1", name), Ok(RecordData::Ptr("pc1.z.test".into())));
        assert_eq!(RecordType::Aaaa.data("10.0.0.3", name), Err("\"10.0.0.3\" is not an IPv6 address".into()));
        assert_eq!(RecordType::A.data("10.0.0.256", name), Err("\"10.0.0.256\" is not an IPv4 address".into()));
    }
}
