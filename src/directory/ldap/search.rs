//! The searches: paged searches with their result codes, the RootDSE, entries parsed without
//! panicking, and computer objects as [`Computer`]s.

use std::collections::HashMap;
use std::sync::Arc;

use ldap3::adapters::{Adapter, EntriesOnly, PagedResults};
use ldap3::{Ldap, ResultEntry, Scope};

use super::{
    AdClient, COMPUTERS_ATTRIBUTES, COMPUTERS_FILTER, LdapError, OPERATION_TIMEOUT, PAGE_SIZE, RC_INSUFFICIENT_ACCESS, RC_NO_SUCH_OBJECT,
    op_error, result_text,
};
use crate::directory::Computer;
use crate::dns::normalize_name;
use crate::input::{Problems, SkipReason};
use crate::timefmt::from_filetime;

impl AdClient {
    /// Runs a paged search, calling `each` for every entry. `Ok(false)` when the base does not
    /// exist; insufficient access comes back as [`LdapError::Access`].
    pub(super) async fn paged(
        &mut self,
        base: &str,
        scope: Scope,
        filter: &str,
        attrs: Vec<&'static str>,
        doing: &str,
        each: impl FnMut(Entry),
    ) -> Result<bool, LdapError> {
        self.paged_with(base, scope, filter, attrs, Vec::new(), doing, each).await
    }

    /// [`Self::paged`] with request controls, kept on every page.
    #[allow(clippy::too_many_arguments, reason = "the LDAP search request's own parts (base, scope, filter, attributes, controls), plus what it is for and the sink")]
    pub(super) async fn paged_with(
        &mut self,
        base: &str,
        scope: Scope,
        filter: &str,
        attrs: Vec<&'static str>,
        controls: Vec<ldap3::controls::RawControl>,
        doing: &str,
        mut each: impl FnMut(Entry),
    ) -> Result<bool, LdapError> {
        let adapters: Vec<Box<dyn Adapter<'static, &'static str, Vec<&'static str>>>> =
            vec![Box::new(EntriesOnly::new()), Box::new(PagedResults::new(PAGE_SIZE))];
        let mut ldap = self.ldap.clone();
        if !controls.is_empty() {
            ldap.with_controls(controls);
        }
        let mut stream = ldap
            .with_timeout(OPERATION_TIMEOUT)
            .streaming_search_with(adapters, base, scope, filter, attrs)
            .await
            .map_err(|e| op_error(e, doing, &self.addr))?;
        let mut failed = None;
        loop {
            match stream.next().await {
                Ok(Some(re)) => match parse_entry(re) {
                    Some(e) => each(e),
                    None => {
                        failed = Some(LdapError::Operation {
                            doing: doing.to_string(),
                            addr: self.addr.clone(),
                            reason: "the server sent an entry that is not a well-formed SearchResultEntry".into(),
                        });
                        break;
                    }
                },
                Ok(None) => break,
                Err(e) => {
                    failed = Some(op_error(e, doing, &self.addr));
                    break;
                }
            }
        }
        let res = stream.finish().await;
        if let Some(e) = failed {
            return Err(e);
        }
        match res.rc {
            0 => Ok(true),
            RC_NO_SUCH_OBJECT => Ok(false),
            RC_INSUFFICIENT_ACCESS => Err(LdapError::Access { doing: doing.to_string(), addr: self.addr.clone(), diag: result_text(res.rc, &res.text) }),
            rc => Err(LdapError::Operation { doing: doing.to_string(), addr: self.addr.clone(), reason: result_text(rc, &res.text) }),
        }
    }
}

impl AdClient {
    /// The AD domain's DNS name, from `defaultNamingContext`.
    pub(crate) fn domain(&self) -> Option<String> {
        domain_of_dn(&self.default_nc)
    }

    /// Every computer object under the base DN, in the server's order; an object without a
    /// name is a problem.
    pub(super) async fn read_computers(&mut self, bar: &crate::progress::Progress, problems: &mut Problems) -> Result<Vec<Computer>, LdapError> {
        let attrs: Vec<&'static str> = COMPUTERS_ATTRIBUTES.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
        let base = self.base_dn.clone();
        let source = Arc::clone(&self.source);
        let doing = format!("searching computers under '{base}'");
        let mut out = Vec::new();
        let found = self
            .paged(&base, Scope::Subtree, COMPUTERS_FILTER.trim(), attrs, &doing, |e| {
                bar.inc(1);
                match computer_from_entry(&e, &source) {
                    Some(c) => out.push(c),
                    None => problems.push(&source, 0, SkipReason::MissingField, format!("{}: no cn or sAMAccountName", e.dn)),
                }
            })
            .await?;
        if !found {
            return Err(LdapError::Operation { doing, addr: self.addr.clone(), reason: "no such object: check --base-dn".into() });
        }
        Ok(out)
    }
}

/// One search result entry: DN and attributes (names lowercase, options such as `;binary`
/// removed), every value as raw bytes.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Entry {
    pub(crate) dn: String,
    pub(crate) attrs: HashMap<String, Vec<Vec<u8>>>,
}

impl Entry {
    /// The first value of `attr` (lowercase name) as text, if any.
    pub(crate) fn first_str(&self, attr: &str) -> Option<String> {
        self.attrs.get(attr)?.first().map(|v| String::from_utf8_lossy(v).trim().to_string())
    }
}

/// Parses a SearchResultEntry without panicking (ldap3's `SearchEntry::construct` panics on
/// malformed input and splits values by UTF-8 validity). `None` when malformed.
pub(crate) fn parse_entry(re: ResultEntry) -> Option<Entry> {
    let mut parts = re.0.match_id(4)?.expect_constructed()?.into_iter();
    let dn = String::from_utf8(parts.next()?.expect_primitive()?).ok()?;
    let mut attrs: HashMap<String, Vec<Vec<u8>>> = HashMap::new();
    for a in parts.next()?.expect_constructed()? {
        let mut pa = a.expect_constructed()?.into_iter();
        let name = String::from_utf8(pa.next()?.expect_primitive()?).ok()?;
        let key = name.split(';').next().unwrap_or_default().to_ascii_lowercase();
        let values = pa.next()?.expect_constructed()?.into_iter().map(|t| t.expect_primitive()).collect::<Option<Vec<_>>>()?;
        attrs.entry(key).or_default().extend(values);
    }
    Some(Entry { dn, attrs })
}

/// A computer object as [`Computer`]; `None` without a usable name.
pub(crate) fn computer_from_entry(e: &Entry, source: &Arc<str>) -> Option<Computer> {
    let name = e
        .first_str("cn")
        .filter(|n| !n.is_empty())
        .or_else(|| e.first_str("samaccountname").map(|s| s.trim_end_matches('$').to_string()).filter(|n| !n.is_empty()))?;
    let uac = e.first_str("useraccountcontrol").and_then(|v| v.parse::<i64>().ok());
    Some(Computer {
        name: name.into(),
        dns_host_name: e.first_str("dnshostname").map(|d| normalize_name(&d)).filter(|d| !d.is_empty()).map(Into::into),
        enabled: uac.map(|u| u & 0x2 == 0),
        domain_controller: uac.map(|u| u & 0x2000 != 0),
        last_logon: e.first_str("lastlogontimestamp").and_then(|v| v.parse::<i64>().ok()).and_then(from_filetime),
        operating_system: e.first_str("operatingsystem").filter(|o| !o.is_empty()).map(Into::into),
        dn: Some(e.dn.clone()),
        source: Arc::clone(source),
        line: 0,
    })
}

/// `DC=corp,DC=example,DC=test` → `corp.example.test` (the `DC=` components, in order).
pub(crate) fn domain_of_dn(dn: &str) -> Option<String> {
    let labels: Vec<String> = dn
        .split(',')
        .filter_map(|rdn| {
            let (k, v) = rdn.split_once('=')?;
            k.trim().eq_ignore_ascii_case("dc").then(|| v.trim().to_ascii_lowercase())
        })
        .collect();
    if labels.is_empty() { None } else { Some(labels.join(".")) }
}

/// The `CN=MicrosoftDNS` containers of the domain and forest DNS application partitions (as
/// the RootDSE lists them, else by their usual names) and the legacy one in the domain NC.
pub(crate) fn dns_containers(default_nc: &str, root_nc: &str, naming_contexts: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let has_prefix = |nc: &str, p: &str| nc.len() > p.len() && nc.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
    let mut seen_domain = false;
    let mut seen_forest = false;
    for nc in naming_contexts {
        if has_prefix(nc, "DC=DomainDnsZones,") {
            seen_domain = true;
            out.push(format!("CN=MicrosoftDNS,{nc}"));
        } else if has_prefix(nc, "DC=ForestDnsZones,") {
            seen_forest = true;
            out.push(format!("CN=MicrosoftDNS,{nc}"));
        }
    }
    if !seen_domain {
        out.push(format!("CN=MicrosoftDNS,DC=DomainDnsZones,{default_nc}"));
    }
    if !seen_forest {
        out.push(format!("CN=MicrosoftDNS,DC=ForestDnsZones,{root_nc}"));
    }
    out.push(format!("CN=MicrosoftDNS,CN=System,{default_nc}"));
    out
}

/// A base-scope read of one object (the RootDSE with `base` = "").
pub(super) async fn search_base(ldap: &mut Ldap, base: &str, attrs: &[&str], addr: &str) -> Result<HashMap<String, Vec<Vec<u8>>>, LdapError> {
    let doing = if base.is_empty() { "reading the RootDSE".to_string() } else { format!("reading '{base}'") };
    let res = ldap
        .with_timeout(OPERATION_TIMEOUT)
        .search(base, Scope::Base, "(objectClass=*)", attrs.to_vec())
        .await
        .map_err(|e| op_error(e, &doing, addr))?;
    let (entries, result) = (res.0, res.1);
    if result.rc != 0 {
        return Err(LdapError::Operation { doing, addr: addr.to_string(), reason: result_text(result.rc, &result.text) });
    }
    Ok(entries.into_iter().find_map(parse_entry).map(|e| e.attrs).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ldap3::asn1::{PL, StructureTag, TagClass};

    #[test]
    fn domains_and_containers() {
        assert_eq!(domain_of_dn("DC=Corp,DC=Example,DC=Test").as_deref(), Some("corp.example.test"));
        assert_eq!(domain_of_dn("OU=x,DC=corp,dc=test").as_deref(), Some("corp.test"));
        assert_eq!(domain_of_dn("CN=Configuration"), None);
        let ncs = vec![
            "DC=corp,DC=example,DC=test".to_string(),
            "CN=Configuration,DC=corp,DC=example,DC=test".to_string(),
            "DC=DomainDnsZones,DC=corp,DC=example,DC=test".to_string(),
            "DC=ForestDnsZones,DC=corp,DC=example,DC=test".to_string(),
        ];
        assert_eq!(
            dns_containers("DC=corp,DC=example,DC=test", "DC=corp,DC=example,DC=test", &ncs),
            vec![
                "CN=MicrosoftDNS,DC=DomainDnsZones,DC=corp,DC=example,DC=test",
                "CN=MicrosoftDNS,DC=ForestDnsZones,DC=corp,DC=example,DC=test",
                "CN=MicrosoftDNS,CN=System,DC=corp,DC=example,DC=test",
            ]
        );
        let c = dns_containers("DC=child,DC=corp,DC=test", "DC=corp,DC=test", &[]);
        assert_eq!(c[1], "CN=MicrosoftDNS,DC=ForestDnsZones,DC=corp,DC=test");
    }

    fn prim(id: u64, bytes: &[u8]) -> StructureTag {
        StructureTag { class: TagClass::Universal, id, payload: PL::P(bytes.to_vec()) }
    }

    fn cons(class: TagClass, id: u64, inner: Vec<StructureTag>) -> StructureTag {
        StructureTag { class, id, payload: PL::C(inner) }
    }

    fn entry_tag(dn: &str, attrs: &[(&str, Vec<Vec<u8>>)]) -> StructureTag {
        let attrs = attrs
            .iter()
            .map(|(n, vs)| {
                cons(TagClass::Universal, 16, vec![prim(4, n.as_bytes()), cons(TagClass::Universal, 17, vs.iter().map(|v| prim(4, v)).collect())])
            })
            .collect();
        cons(TagClass::Application, 4, vec![prim(4, dn.as_bytes()), cons(TagClass::Universal, 16, attrs)])
    }

    #[test]
    fn entries_parse_without_panics() {
        let e = parse_entry(ResultEntry::new(entry_tag(
            "CN=PC1,CN=Computers,DC=corp,DC=test",
            &[
                ("cn", vec![b"PC1".to_vec()]),
                ("dNSHostName", vec![b"PC1.Corp.Test.".to_vec()]),
                ("userAccountControl", vec![b"4098".to_vec()]),
                ("lastLogonTimestamp", vec![b"133000000000000000".to_vec()]),
                ("dnsRecord;binary", vec![vec![0xFF, 0x00], b"ok".to_vec()]),
            ],
        )))
        .unwrap();
        assert_eq!(e.attrs["dnsrecord"], vec![vec![0xFF, 0x00], b"ok".to_vec()]);
        let src: Arc<str> = Arc::from("ldaps://dc1:636");
        let c = computer_from_entry(&e, &src).unwrap();
        assert_eq!(c.name, "PC1");
        assert_eq!(c.dns_host_name.as_deref(), Some("pc1.corp.test"));
        assert_eq!(c.enabled, Some(false));
        assert_eq!(c.last_logon, from_filetime(133_000_000_000_000_000));
        assert_eq!((c.line, &*c.source), (0, "ldaps://dc1:636"));

        let sam = Entry { dn: "x".into(), attrs: HashMap::from([("samaccountname".into(), vec![b"WS7$".to_vec()])]) };
        assert_eq!(computer_from_entry(&sam, &src).unwrap().name, "WS7");
        assert_eq!(computer_from_entry(&Entry::default(), &src), None);

        // Malformed shapes: a primitive where a sequence belongs, missing parts, wrong tag.
        assert_eq!(parse_entry(ResultEntry::new(prim(4, b"x"))), None);
        assert_eq!(parse_entry(ResultEntry::new(cons(TagClass::Application, 4, vec![]))), None);
        assert_eq!(parse_entry(ResultEntry::new(cons(TagClass::Application, 5, vec![prim(4, b"dn")]))), None);
        let bad_attr = cons(TagClass::Application, 4, vec![prim(4, b"dn"), cons(TagClass::Universal, 16, vec![prim(4, b"cn")])]);
        assert_eq!(parse_entry(ResultEntry::new(bad_attr)), None);
    }
}
