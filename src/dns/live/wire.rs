//! The wire: the query message for a [`Question`], whether a reply is to it, and what the reply
//! says ([`classify`]: records, NXDOMAIN, NODATA, or a [`Failure`]), with names read from
//! replies in the audit's text form ([`name_text`]).

use std::net::IpAddr;

use hickory_proto::op::{Message, MessageType, ResponseCode};
use hickory_proto::rr::{DNSClass, Name, RData, RecordType};

use super::Question;
use crate::dns::answers::{Answer, Failure};
use crate::dns::{DnsName, RecordData};

/// EDNS payload size advertised (the DNS Flag Day 2020 value, as hickory's default).
const EDNS_PAYLOAD: u16 = 1232;

/// The query message for a question (ID 0, patched per send): recursion desired, one
/// question, class IN, an EDNS(0) OPT record. Written here rather than through hickory's
/// `Name`, whose constructors can fail: a [`DnsName`] always fits the wire, so this cannot.
/// Each label goes as its bytes: a UTF-8 name (`café-pc`, as Windows DNS stores it) as its
/// UTF-8 octets, not escaped nor punycode.
pub(super) fn encode(q: &Question) -> Vec<u8> {
    let name: &DnsName = &q.name;
    let mut wire = Vec::with_capacity(12 + name.as_str().len() + 2 + 4 + 11);
    // Header: ID, flags (RD), QDCOUNT 1, ANCOUNT 0, NSCOUNT 0, ARCOUNT 1 (the OPT record).
    wire.extend_from_slice(&[0, 0, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1]);
    for label in name.labels() {
        // 1 to 63 octets: a `DnsName` holds no other label.
        wire.push(label.len() as u8);
        wire.extend_from_slice(label);
    }
    wire.push(0);
    wire.extend_from_slice(&u16::from(q.rtype).to_be_bytes());
    wire.extend_from_slice(&u16::from(DNSClass::IN).to_be_bytes());
    // OPT: root owner, type 41, the payload size as class, TTL 0 (version 0, no DO bit), no data.
    wire.extend_from_slice(&[0, 0, 41]);
    wire.extend_from_slice(&EDNS_PAYLOAD.to_be_bytes());
    wire.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    wire
}

/// The response is to this question: a response, one question, same name (ASCII case
/// folded, as [`same_name`]), type and class.
pub(super) fn matches_question(msg: &Message, q: &Question) -> bool {
    msg.metadata.message_type == MessageType::Response
        && msg.queries.len() == 1
        && msg.queries[0].query_type() == q.rtype
        && msg.queries[0].query_class() == DNSClass::IN
        && same_name(msg.queries[0].name(), q.name.as_str())
}

/// The outcome of a response, or a failure (the same server again for a malformed answer,
/// else the next server). Only records that answer the question count: class IN, at the
/// question's name or along the CNAME chain from it (names compared case-insensitively).
/// Records of other names, types or classes are never read as NODATA: a reply whose answer
/// section holds records, none of them answering, is malformed (unknown, never missing).
pub(super) fn classify(msg: &Message, q: &Question) -> Result<Answer, Failure> {
    match msg.metadata.response_code {
        ResponseCode::NoError => {}
        ResponseCode::NXDomain => {
            // An NXDOMAIN may carry the CNAME (DNAME) chain to the missing name (RFC 6604),
            // starting at the question's name, and nothing else.
            let chain = msg.answers.iter().any(|r| r.dns_class == DNSClass::IN && same_name(&r.name, q.name.as_str()) && matches!(r.data, RData::CNAME(_)));
            let only_aliases = msg.answers.iter().all(|r| r.dns_class == DNSClass::IN && matches!(r.record_type(), RecordType::CNAME | RecordType::DNAME));
            let well_formed = msg.answers.is_empty() || (chain && only_aliases);
            if !well_formed {
                return Err(Failure::Malformed(format!("NXDOMAIN with records that do not answer the question ({})", excerpt(msg))));
            }
            return Ok(Answer::NxDomain);
        }
        ResponseCode::ServFail => return Err(Failure::ServFail),
        ResponseCode::Refused => return Err(Failure::Refused),
        other => return Err(Failure::Other(format!("{other}"))),
    }
    // Follow the CNAME chain in the answer section; the records of the asked type at its end.
    let mut current = q.name.to_string();
    let mut seen: Vec<String> = Vec::new();
    for _ in 0..16 {
        let mut found = Vec::new();
        let mut cname = None;
        for r in &msg.answers {
            if r.dns_class != DNSClass::IN || !same_name(&r.name, &current) {
                continue;
            }
            match (&r.data, q.rtype) {
                (RData::A(a), RecordType::A) => found.push(RecordData::Addr(IpAddr::V4(a.0))),
                (RData::AAAA(a), RecordType::AAAA) => found.push(RecordData::Addr(IpAddr::V6(a.0))),
                (RData::PTR(p), RecordType::PTR) => found.push(RecordData::Ptr(name_text(&p.0).into())),
                (RData::CNAME(c), _) => cname = Some(name_text(&c.0)),
                _ => {}
            }
        }
        if !found.is_empty() {
            return Ok(Answer::Records(found));
        }
        seen.push(current.clone());
        match cname {
            Some(next) if seen.iter().any(|s| s.eq_ignore_ascii_case(&next)) => {
                return Err(Failure::Malformed(format!("CNAME loop at {next}")));
            }
            Some(next) => current = next,
            // The chain ends without an answer: a record beside it (another name, type or
            // class; the CNAMEs of the chain and a DNAME that made them aside) is not NODATA.
            None if msg.answers.iter().any(|r| !on_chain(r, &seen)) => {
                return Err(Failure::Malformed(format!("no record answers {} {} ({})", q.name, q.rtype, excerpt(msg))));
            }
            None if current == q.name.as_str() => {
                // Nothing for the name itself: NODATA, unless this is a referral from a
                // server that is neither authoritative nor recursive.
                let has_ns = msg.authorities.iter().any(|r| matches!(r.data, RData::NS(_)));
                let has_soa = msg.authorities.iter().any(|r| matches!(r.data, RData::SOA(_)));
                if has_ns && !has_soa && !msg.metadata.authoritative {
                    return Err(Failure::Other("referral: the server neither holds the zone nor recurses".into()));
                }
                return Ok(Answer::NoData);
            }
            None => {
                // A CNAME chain the server did not follow to its end (out of its zones, no
                // recursion): the records may well exist; unknown, not missing.
                if msg.metadata.authoritative && msg.authorities.iter().any(|r| matches!(r.data, RData::SOA(_))) {
                    return Ok(Answer::NoData);
                }
                return Err(Failure::Other(format!("CNAME chain not followed by the server: to {current}")));
            }
        }
    }
    Err(Failure::Other("CNAME chain too long".into()))
}

/// The first records of the answer section, `name type class`, for a malformed-answer note
/// (bounded: a hostile server chooses how many records it sends).
fn excerpt(msg: &Message) -> String {
    let mut parts: Vec<String> = msg
        .answers
        .iter()
        .take(3)
        .map(|r| {
            let name: String = name_text(&r.name).chars().take(80).collect();
            if r.dns_class == DNSClass::IN { format!("{name} {}", r.record_type()) } else { format!("{name} {} {}", r.dns_class, r.record_type()) }
        })
        .collect();
    if msg.answers.len() > 3 {
        parts.push(format!("and {} more", msg.answers.len() - 3));
    }
    format!("answer: {}", parts.join(", "))
}

/// A CNAME of the chain followed (owner among `chain`), or a DNAME (the source of a
/// synthesized CNAME).
fn on_chain(r: &hickory_proto::rr::Record, chain: &[String]) -> bool {
    r.dns_class == DNSClass::IN
        && match r.record_type() {
            RecordType::CNAME => chain.iter().any(|c| same_name(&r.name, c)),
            RecordType::DNAME => true,
            _ => false,
        }
}

/// Whether an answer's name is `lower_no_dot` (a question name or a chain link, in
/// [`name_text`]'s form): byte-exact on the UTF-8 labels, case-insensitive for ASCII only
/// (RFC 4343; the audit folds non-ASCII nowhere either).
fn same_name(n: &Name, lower_no_dot: &str) -> bool {
    name_text(n).eq_ignore_ascii_case(lower_no_dot)
}

/// A name from an answer as the audit writes names: labels joined by `.`, no trailing dot,
/// ASCII lowercased, a UTF-8 label as its text (`café-pc`, as Windows DNS stores it), so that
/// it compares with a lease's fqdn. A label that is not UTF-8, or that holds a `.`, a `\`,
/// a space or a control character, is written with `\DDD` decimal escapes (RFC 1035
/// presentation) for those bytes: such a label is never a valid host name (the audit
/// rejects those characters), so it never equals a lease's name, and it is still shown
/// unambiguously in notes. Not hickory's `to_ascii`, which escapes every non-ASCII byte
/// (so `café-pc` would never match its own question).
fn name_text(n: &Name) -> String {
    let mut out = String::new();
    for (i, label) in n.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        match std::str::from_utf8(label) {
            Ok(text) if !text.chars().any(|c| c == '.' || c == '\\' || c.is_ascii_whitespace() || c.is_control()) => {
                out.push_str(&text.to_ascii_lowercase());
            }
            _ => {
                for &b in label {
                    if b.is_ascii_graphic() && b != b'.' && b != b'\\' {
                        out.push(char::from(b.to_ascii_lowercase()));
                    } else {
                        out.push_str(&format!("\\{b:03}"));
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use hickory_proto::op::{Edns, OpCode, Query};
    use hickory_proto::rr::Label;

    use super::*;

    fn q(name: &str, t: RecordType) -> Question {
        Question { name: DnsName::parse(name).unwrap(), rtype: t }
    }

    fn addrs(v: &[&str]) -> Answer {
        Answer::Records(v.iter().map(|a| RecordData::Addr(a.parse().unwrap())).collect())
    }

    fn response(q: &Question, rcode: ResponseCode, answers: Vec<hickory_proto::rr::Record>, aa: bool) -> Message {
        let mut m = Message::new(7, MessageType::Response, OpCode::Query);
        m.metadata.response_code = rcode;
        m.metadata.authoritative = aa;
        m.add_query(Query::query(Name::from_ascii(format!("{}.", q.name)).unwrap(), q.rtype));
        m.add_answers(answers);
        m
    }

    fn rec(name: &str, data: RData) -> hickory_proto::rr::Record {
        hickory_proto::rr::Record::from_rdata(Name::from_ascii(name).unwrap(), 60, data)
    }

    #[test]
    fn classify_follows_cnames_and_sorts_outcomes() {
        use hickory_proto::rr::rdata::{A, CNAME, PTR};
        let qa = q("alias.t", RecordType::A);
        let chain = vec![
            rec("ALIAS.t.", RData::CNAME(CNAME(Name::from_ascii("www.t.").unwrap()))),
            rec("www.t.", RData::CNAME(CNAME(Name::from_ascii("pc4.t.").unwrap()))),
            rec("pc4.t.", RData::A(A("10.0.0.4".parse().unwrap()))),
        ];
        assert_eq!(classify(&response(&qa, ResponseCode::NoError, chain, true), &qa), Ok(addrs(&["10.0.0.4"])));
        assert_eq!(classify(&response(&qa, ResponseCode::NoError, vec![], true), &qa), Ok(Answer::NoData));
        assert_eq!(classify(&response(&qa, ResponseCode::NXDomain, vec![], true), &qa), Ok(Answer::NxDomain));
        assert_eq!(classify(&response(&qa, ResponseCode::ServFail, vec![], false), &qa), Err(Failure::ServFail));
        assert_eq!(classify(&response(&qa, ResponseCode::Refused, vec![], false), &qa), Err(Failure::Refused));
        // A chain out of the server's zones, not followed: unknown, never NODATA.
        let out = vec![rec("alias.t.", RData::CNAME(CNAME(Name::from_ascii("x.other.").unwrap())))];
        assert!(matches!(classify(&response(&qa, ResponseCode::NoError, out, true), &qa), Err(Failure::Other(_))));
        let qp = q("21.16.0.10.in-addr.arpa", RecordType::PTR);
        let ptr = vec![rec("21.16.0.10.in-addr.arpa.", RData::PTR(PTR(Name::from_ascii("PC1.Corp.Test.").unwrap())))];
        assert_eq!(classify(&response(&qp, ResponseCode::NoError, ptr, true), &qp), Ok(Answer::Records(vec![RecordData::Ptr("pc1.corp.test".into())])));
    }

    #[test]
    fn records_that_do_not_answer_the_question_are_malformed_never_nodata() {
        use hickory_proto::rr::rdata::{A, CNAME, SOA, TXT};
        let qa = q("pc1.t", RecordType::A);
        let other = vec![rec("other.example.", RData::A(A("10.9.9.9".parse().unwrap())))];
        assert_eq!(
            classify(&response(&qa, ResponseCode::NoError, other.clone(), true), &qa),
            Err(Failure::Malformed("no record answers pc1.t A (answer: other.example A)".into()))
        );
        let txt = vec![rec("pc1.t.", RData::TXT(TXT::new(vec!["x".into()])))];
        assert_eq!(classify(&response(&qa, ResponseCode::NoError, txt, true), &qa), Err(Failure::Malformed("no record answers pc1.t A (answer: pc1.t TXT)".into())));
        let mut chaos = rec("PC1.t.", RData::A(A("10.0.0.1".parse().unwrap())));
        chaos.dns_class = DNSClass::CH;
        assert_eq!(classify(&response(&qa, ResponseCode::NoError, vec![chaos], true), &qa), Err(Failure::Malformed("no record answers pc1.t A (answer: pc1.t CH A)".into())));
        let many: Vec<_> = (0..5).map(|i| rec(&format!("x{i}.t."), RData::A(A("10.9.9.9".parse().unwrap())))).collect();
        assert_eq!(
            classify(&response(&qa, ResponseCode::NoError, many, true), &qa),
            Err(Failure::Malformed("no record answers pc1.t A (answer: x0.t A, x1.t A, x2.t A, and 2 more)".into()))
        );
        let lp = vec![
            rec("pc1.t.", RData::CNAME(CNAME(Name::from_ascii("b.t.").unwrap()))),
            rec("B.t.", RData::CNAME(CNAME(Name::from_ascii("PC1.t.").unwrap()))),
        ];
        assert_eq!(classify(&response(&qa, ResponseCode::NoError, lp, true), &qa), Err(Failure::Malformed("CNAME loop at pc1.t".into())));
        assert_eq!(
            classify(&response(&qa, ResponseCode::NXDomain, other, true), &qa),
            Err(Failure::Malformed("NXDOMAIN with records that do not answer the question (answer: other.example A)".into()))
        );
        // The right records among junk: only those count.
        let mixed = vec![rec("other.example.", RData::A(A("10.9.9.9".parse().unwrap()))), rec("Pc1.T.", RData::A(A("10.0.0.1".parse().unwrap())))];
        assert_eq!(classify(&response(&qa, ResponseCode::NoError, mixed, true), &qa), Ok(addrs(&["10.0.0.1"])));
        // NOERROR, empty answer, SOA in authority: NODATA; an NXDOMAIN with the CNAME chain.
        let mut nodata = response(&qa, ResponseCode::NoError, vec![], true);
        let soa = SOA::new(Name::from_ascii("ns.t.").unwrap(), Name::from_ascii("h.t.").unwrap(), 1, 60, 60, 60, 60);
        nodata.add_authority(rec("t.", RData::SOA(soa)));
        assert_eq!(classify(&nodata, &qa), Ok(Answer::NoData));
        let to_gone = vec![rec("pc1.t.", RData::CNAME(CNAME(Name::from_ascii("gone.t.").unwrap())))];
        assert_eq!(classify(&response(&qa, ResponseCode::NXDomain, to_gone.clone(), true), &qa), Ok(Answer::NxDomain));
        // A chain ending at a name holding only another type, or with a stray record beside
        // it: malformed even from an authoritative server with an SOA.
        let mut end_txt = response(&qa, ResponseCode::NoError, vec![to_gone[0].clone(), rec("gone.t.", RData::TXT(TXT::new(vec!["x".into()])))], true);
        end_txt.add_authority(rec("t.", RData::SOA(SOA::new(Name::from_ascii("ns.t.").unwrap(), Name::from_ascii("h.t.").unwrap(), 1, 60, 60, 60, 60))));
        assert_eq!(classify(&end_txt, &qa), Err(Failure::Malformed("no record answers pc1.t A (answer: pc1.t CNAME, gone.t TXT)".into())));
        let stray = vec![to_gone[0].clone(), rec("other.example.", RData::A(A("10.9.9.9".parse().unwrap())))];
        assert_eq!(
            classify(&response(&qa, ResponseCode::NXDomain, stray.clone(), true), &qa),
            Err(Failure::Malformed("NXDOMAIN with records that do not answer the question (answer: pc1.t CNAME, other.example A)".into()))
        );
        assert_eq!(classify(&response(&qa, ResponseCode::NoError, stray, true), &qa), Err(Failure::Malformed("no record answers pc1.t A (answer: pc1.t CNAME, other.example A)".into())));
        // The chain alone, from an authoritative server with the SOA: the target has no A.
        let mut chain_only = response(&qa, ResponseCode::NoError, to_gone, true);
        chain_only.add_authority(rec("t.", RData::SOA(SOA::new(Name::from_ascii("ns.t.").unwrap(), Name::from_ascii("h.t.").unwrap(), 1, 60, 60, 60, 60))));
        assert_eq!(classify(&chain_only, &qa), Ok(Answer::NoData));
    }

    #[test]
    fn questions_must_match() {
        let qa = q("pc1.t", RecordType::A);
        assert!(matches_question(&response(&qa, ResponseCode::NoError, vec![], true), &qa));
        assert!(matches_question(&reply_to(Name::from_ascii("PC1.T.").unwrap(), RecordType::A), &qa));
        assert!(!matches_question(&reply_to(Name::from_ascii("pc2.t.").unwrap(), RecordType::A), &qa));
        assert!(!matches_question(&reply_to(Name::from_ascii("pc1.t.").unwrap(), RecordType::AAAA), &qa));
        let wire = encode(&qa);
        let parsed = Message::from_vec(&wire).unwrap();
        assert_eq!(parsed.queries[0].name().to_ascii(), "pc1.t.");
        assert!(parsed.metadata.recursion_desired);
    }

    /// A reply carrying `name` as its question.
    fn reply_to(name: Name, rtype: RecordType) -> Message {
        let mut m = Message::new(7, MessageType::Response, OpCode::Query);
        m.add_query(Query::query(name, rtype));
        m
    }

    #[test]
    fn queries_are_the_bytes_hickory_would_write() {
        for (name, rtype) in [("pc1.t", RecordType::A), ("café-pc.corp.test", RecordType::AAAA), ("21.16.0.10.in-addr.arpa", RecordType::PTR)] {
            let question = q(name, rtype);
            let mut msg = Message::new(0, MessageType::Query, OpCode::Query);
            msg.metadata.recursion_desired = true;
            let labels = name.split('.').map(|l| Label::from_raw_bytes(l.as_bytes()).unwrap());
            msg.add_query(Query::query(Name::from_labels(labels).unwrap(), rtype));
            let mut edns = Edns::new();
            edns.set_max_payload(EDNS_PAYLOAD);
            msg.set_edns(edns);
            assert_eq!(encode(&question), msg.to_vec().unwrap(), "{name} {rtype}");
        }
        // The longest name DNS carries (253 octets written out, 255 on the wire) fits too.
        let longest = q(&["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61)].join("."), RecordType::A);
        let wire = encode(&longest);
        assert_eq!(wire.len(), 12 + 255 + 4 + 11, "header, name, type and class, OPT");
        assert_eq!(Message::from_vec(&wire).unwrap().queries[0].name().num_labels(), 4);
    }

    #[test]
    fn utf8_names_go_on_the_wire_as_their_octets() {
        let wire = encode(&q("café-pc.corp.test", RecordType::A));
        let parsed = Message::from_vec(&wire).unwrap();
        let labels: Vec<&[u8]> = parsed.queries[0].name().iter().collect();
        assert_eq!(labels, vec!["café-pc".as_bytes(), b"corp", b"test"]);
    }

    /// A name from raw label bytes, as a server's answer carries it.
    fn raw(name: &str) -> Name {
        Name::from_labels(name.split('.').map(|l| Label::from_raw_bytes(l.as_bytes()).unwrap())).unwrap()
    }

    fn raw_rec(name: &str, data: RData) -> hickory_proto::rr::Record {
        hickory_proto::rr::Record::from_rdata(raw(name), 60, data)
    }

    fn utf8_response(q: &Question, answers: Vec<hickory_proto::rr::Record>) -> Message {
        let mut m = Message::new(7, MessageType::Response, OpCode::Query);
        m.metadata.authoritative = true;
        m.add_query(Query::query(raw(q.name.as_str()), q.rtype));
        m.add_answers(answers);
        m
    }

    #[test]
    fn utf8_names_compare_byte_exact_with_ascii_case_folding() {
        use hickory_proto::rr::rdata::{A, CNAME, PTR};
        let qa = q("café-pc.corp.test", RecordType::A);
        // Owner written with ASCII in another case: the same name (RFC 4343).
        let a = vec![raw_rec("Café-PC.corp.TEST", RData::A(A("10.0.0.70".parse().unwrap())))];
        assert_eq!(classify(&utf8_response(&qa, a), &qa), Ok(addrs(&["10.0.0.70"])));
        // Non-ASCII is never folded: `CAFÉ-PC` is another name.
        let upper = vec![raw_rec("CAFÉ-PC.corp.test", RData::A(A("10.0.0.70".parse().unwrap())))];
        assert_eq!(
            classify(&utf8_response(&qa, upper), &qa),
            Err(Failure::Malformed("no record answers café-pc.corp.test A (answer: cafÉ-pc.corp.test A)".into()))
        );
        // A CNAME chain through UTF-8 names.
        let qb = q("alias-ü.corp.test", RecordType::A);
        let chain = vec![
            raw_rec("alias-ü.corp.test", RData::CNAME(CNAME(raw("café-pc.corp.test")))),
            raw_rec("café-pc.corp.test", RData::A(A("10.0.0.70".parse().unwrap()))),
        ];
        assert_eq!(classify(&utf8_response(&qb, chain), &qb), Ok(addrs(&["10.0.0.70"])));
        // A PTR target is the UTF-8 name, ASCII lowercased.
        let qp = q("70.0.0.10.in-addr.arpa", RecordType::PTR);
        let ptr = vec![raw_rec("70.0.0.10.in-addr.arpa", RData::PTR(PTR(raw("Café-PC.Corp.test"))))];
        assert_eq!(classify(&utf8_response(&qp, ptr), &qp), Ok(Answer::Records(vec![RecordData::Ptr("café-pc.corp.test".into())])));
        // The question of a reply matches byte-exact too.
        assert!(matches_question(&reply_to(raw("CAFé-pc.corp.test"), RecordType::A), &qa));
        assert!(!matches_question(&reply_to(raw("cafÉ-pc.corp.test"), RecordType::A), &qa));
    }

    #[test]
    fn labels_that_are_not_host_names_keep_decimal_escapes() {
        let bad = Name::from_labels(vec![Label::from_raw_bytes(b"caf\xc3").unwrap(), Label::from_raw_bytes(b"a.b c").unwrap(), Label::from_raw_bytes(b"t").unwrap()]).unwrap();
        assert_eq!(name_text(&bad), "caf\\195.a\\046b\\032c.t");
        // A truncated UTF-8 sequence never equals the name it was cut from.
        assert!(!same_name(&bad, "caf\u{c3}"));
        assert_eq!(name_text(&raw("Ünïcode-PC.t")), "Ünïcode-pc.t");
    }
}
