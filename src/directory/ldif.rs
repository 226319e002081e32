//! Computers reader: LDIF as `ldifde` or `ldapsearch` writes it (`queries/ldap/export-computers.sh`).
//! Part of stage 2 ([`crate::directory`]).
//!
//! Rules:
//! - Entries are separated by blank lines; a line starting with one space continues the line
//!   before; `#` lines are comments; `version: 1` is skipped; attribute names are
//!   case-insensitive and their options (`;range=...`) ignored.
//! - `attr:: base64` values are decoded (bytes that are not UTF-8 become U+FFFD). A value given
//!   by URL (`attr:< file://...`) is not read: an entry needing it is skipped with a problem.
//! - name = `cn`, else `name`, else `sAMAccountName` without `$`, else the first RDN of `dn`.
//!   `enabled` = bit 0x2 (ACCOUNTDISABLE) of `userAccountControl` not set. `lastLogonTimestamp`
//!   is a FILETIME (0: never).
//! - An entry whose `objectClass` lacks `computer` is counted as unused. ldapsearch's trailers
//!   (`search:`/`result:`/`ref:`/`control:` blocks) are not entries; a `result:` other than
//!   `0` (say `4 Size limit exceeded`) means the export is incomplete and is reported.
//! - Each computer and each problem of an entry carries the line of its `dn:`; the detail
//!   names the line of the offending value.

use std::borrow::Cow;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::Computer;
use crate::dns::normalize_name;
use crate::input::{self, Problems, SkipReason};
use crate::timefmt;

/// Attributes of ldapsearch's non-entry blocks (search result, reference, paging control).
const TRAILER: [&str; 7] = ["version", "search", "result", "ref", "control", "matcheddn", "text"];

pub fn parse(text: &str, source: &Arc<str>, out: &mut Vec<Computer>, problems: &mut Problems) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = input::numbered_lines(text).peekable();
    let mut entry: Vec<Attr<'_>> = Vec::new();
    loop {
        let Some((line_no, line)) = lines.next() else {
            finish(&mut entry, source, out, problems);
            break;
        };
        if line.trim().is_empty() {
            finish(&mut entry, source, out, problems);
            continue;
        }
        // Fold continuation lines.
        let mut logical = Cow::Borrowed(line);
        while let Some((_, more)) = lines.next_if(|(_, l)| l.starts_with(' ')) {
            logical.to_mut().push_str(more.get(1..).unwrap_or(""));
        }
        if logical.starts_with('#') {
            continue;
        }
        if logical.starts_with(' ') {
            problems.push(source, line_no, SkipReason::Malformed, "continuation line without a line before it");
            continue;
        }
        match logical.find(':') {
            Some(colon) if colon > 0 => entry.push(Attr { line: line_no, text: logical, colon }),
            _ => entry.push(Attr { line: line_no, text: logical, colon: 0 }),
        }
    }
}

/// One `attr: value` line (continuations folded). `colon` 0: not an attribute line.
struct Attr<'a> {
    line: usize,
    text: Cow<'a, str>,
    colon: usize,
}

enum Value<'s> {
    Text(&'s str),
    Base64(&'s str),
    Url(&'s str),
}

impl Attr<'_> {
    /// The attribute's name without options (`member;range=0-1499` is `member`).
    fn name(&self) -> &str {
        let n = self.text.get(..self.colon).unwrap_or("");
        n.split(';').next().unwrap_or(n).trim()
    }

    fn is(&self, name: &str) -> bool {
        self.colon > 0 && self.name().eq_ignore_ascii_case(name)
    }

    fn raw(&self) -> Value<'_> {
        let rest = self.text.get(self.colon + 1..).unwrap_or("");
        if let Some(b) = rest.strip_prefix(':') {
            Value::Base64(b.trim())
        } else if let Some(u) = rest.strip_prefix('<') {
            Value::Url(u.trim())
        } else {
            Value::Text(rest.trim_start_matches(' '))
        }
    }

    /// The value as text, or why it cannot be read.
    fn value(&self) -> Result<Cow<'_, str>, (SkipReason, String)> {
        match self.raw() {
            Value::Text(t) => Ok(Cow::Borrowed(t)),
            Value::Base64(b) => match STANDARD.decode(b) {
                // The readers' one rule for bytes that are not UTF-8 (input::utf8_or_latin1).
                Ok(bytes) => Ok(Cow::Owned(input::utf8_or_latin1(bytes))),
                Err(e) => Err((
                    SkipReason::Malformed,
                    format!("{} (line {}) is not valid base64: {e}", self.name(), self.line),
                )),
            },
            Value::Url(u) => Err((
                SkipReason::Malformed,
                format!("{} (line {}) is given by URL ({u}), which is not read; export without -t", self.name(), self.line),
            )),
        }
    }
}

/// Turns the gathered entry into a computer or a problem, and clears it.
fn finish(entry: &mut Vec<Attr<'_>>, source: &Arc<str>, out: &mut Vec<Computer>, problems: &mut Problems) {
    if entry.is_empty() {
        return;
    }
    // `version: 1` may share the first entry's block.
    let dn_at = entry.iter().position(|a| a.is("dn"));
    let attrs = match dn_at {
        Some(i) => entry.get(i..).unwrap_or_default(),
        None => &entry[..],
    };
    if dn_at.is_none() && attrs.iter().all(|a| TRAILER.iter().any(|t| a.is(t))) {
        // ldapsearch's `result: N text` trailer: anything but 0 means the export is incomplete.
        for a in attrs.iter().filter(|a| a.is("result")) {
            if let Ok(v) = a.value()
                && v.split_whitespace().next() != Some("0")
            {
                problems.push(
                    source,
                    a.line,
                    SkipReason::Truncated,
                    format!("ldapsearch ended with result '{}': the export is incomplete", v.trim()),
                );
            }
        }
        entry.clear();
        return;
    }
    let line = attrs.first().map_or(0, |a| a.line);
    match computer(attrs, source, line) {
        Ok(c) => out.push(c),
        Err((reason, detail)) => problems.push(source, line, reason, detail),
    }
    entry.clear();
}

fn computer(attrs: &[Attr<'_>], source: &Arc<str>, line: usize) -> Result<Computer, (SkipReason, String)> {
    if let Some(bad) = attrs.iter().find(|a| a.colon == 0) {
        let shown: String = bad.text.chars().take(60).collect();
        return Err((SkipReason::Malformed, format!("line {} is not 'attribute: value': '{shown}'", bad.line)));
    }
    let first = |name: &str| -> Result<Option<Cow<'_, str>>, (SkipReason, String)> {
        match attrs.iter().find(|a| a.is(name)) {
            Some(a) => a.value().map(|v| Some(v).filter(|v| !v.trim().is_empty())),
            None => Ok(None),
        }
    };
    let dn = first("dn")?.map(|d| d.trim().to_string());
    let who = dn.as_deref().unwrap_or("entry without dn");

    let classes: Vec<Cow<'_, str>> =
        attrs.iter().filter(|a| a.is("objectClass")).map(Attr::value).collect::<Result<_, _>>()?;
    if !classes.is_empty() && !classes.iter().any(|c| c.trim().eq_ignore_ascii_case("computer")) {
        let class = classes.last().map_or("", |c| c.trim());
        return Err((SkipReason::UnusedType, format!("{who}: not a computer (objectClass {class})")));
    }

    let name = match (first("cn")?, first("name")?, first("sAMAccountName")?) {
        (Some(n), _, _) | (None, Some(n), _) => Some(n.trim().to_string()),
        (None, None, Some(s)) => Some(s.trim().strip_suffix('$').unwrap_or(s.trim()).to_string()),
        (None, None, None) => dn.as_deref().and_then(first_rdn_value),
    };
    let name = name.filter(|n| !n.is_empty()).ok_or_else(|| {
        (SkipReason::MissingField, format!("{who}: no cn, name, sAMAccountName or dn to name the computer"))
    })?;

    let uac = match first("userAccountControl")? {
        None => None,
        Some(v) => match v.trim().parse::<i64>() {
            Ok(uac) => Some(uac),
            Err(_) => {
                return Err((SkipReason::Malformed, format!("{who}: userAccountControl '{}' is not a number", v.trim())));
            }
        },
    };
    let last_logon = match first("lastLogonTimestamp")? {
        None => None,
        Some(v) => {
            let v = v.trim();
            match v.parse::<i64>() {
                Ok(t) if t <= 0 => None,
                Ok(t) => match timefmt::from_filetime(t) {
                    Some(t) => Some(t),
                    None => return Err((SkipReason::BadTime, format!("{who}: lastLogonTimestamp '{v}' is out of range"))),
                },
                Err(_) => {
                    return Err((SkipReason::BadTime, format!("{who}: lastLogonTimestamp '{v}' is not a FILETIME")));
                }
            }
        }
    };
    Ok(Computer {
        name: name.into(),
        dns_host_name: first("dNSHostName")?.map(|d| normalize_name(&d)).filter(|d| !d.is_empty()).map(Into::into),
        enabled: uac.map(|u| u & 0x2 == 0),
        domain_controller: uac.map(|u| u & 0x2000 != 0),
        last_logon,
        operating_system: first("operatingSystem")?.map(|o| o.trim().into()),
        dn,
        source: Arc::clone(source),
        line,
    })
}

/// The value of a DN's first RDN (`CN=PC1,OU=...` gives `PC1`), with `\,` and `\2C` escapes undone.
fn first_rdn_value(dn: &str) -> Option<String> {
    let (_, rest) = dn.split_once('=')?;
    let mut bytes = Vec::new();
    let mut it = rest.bytes().peekable();
    while let Some(b) = it.next() {
        match b {
            b',' | b'+' => break,
            b'\\' => {
                let Some(n) = it.next() else { break };
                let hex = |c: u8| (c as char).to_digit(16);
                match (hex(n), it.peek().copied().and_then(hex)) {
                    (Some(h), Some(l)) => {
                        it.next();
                        bytes.push((h * 16 + l) as u8);
                    }
                    _ => bytes.push(n),
                }
            }
            _ => bytes.push(b),
        }
    }
    let v = input::utf8_or_latin1(bytes).trim().to_string();
    (!v.is_empty()).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::reasons;
    use crate::input::Problem;

    const FIXTURE: &str = include_str!("../../tests/fixtures/computers/computers.ldif");

    fn read(text: &str) -> (Vec<Computer>, Vec<Problem>) {
        let mut out = Vec::new();
        let mut problems = Problems::default();
        parse(text, &Arc::from("computers.ldif"), &mut out, &mut problems);
        (out, problems.list)
    }

    use crate::test_support::some_t as utc;

    #[test]
    fn ldapsearch_export() {
        let (out, problems) = read(FIXTURE);
        let got: Vec<_> = out
            .iter()
            .map(|c| (c.name.as_str(), c.dns_host_name.as_deref(), c.enabled, c.last_logon, c.operating_system.as_deref(), c.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("DC1", Some("dc1.corp.example.test"), Some(true), utc("2026-11-20T06:13:20Z"), Some("Windows Server 2022 Standard"), 11),
                ("PC1", Some("pc1.corp.example.test"), Some(true), utc("2022-06-18T04:26:40Z"), Some("Windows 11 Enterprise"), 24),
                ("LAPTOP-7", Some("laptop-7.corp.example.test"), Some(false), None, Some("Windows 10 Pro"), 34),
                ("KÜCHE-PC", Some("kueche-pc.corp.example.test"), Some(true), None, Some("Windows 11 Pro"), 43),
                ("NAS01", None, None, None, Some("Samba Édition"), 51),
            ]
        );
        assert_eq!(out[0].dn.as_deref(), Some("CN=DC1,OU=Domain Controllers,DC=corp,DC=example,DC=test"));
        assert_eq!(
            out[1].dn.as_deref(),
            Some("CN=PC1,OU=Workstations,OU=Headquarters Building,DC=corp,DC=example,DC=test")
        );
        assert_eq!(&*out[0].source, "computers.ldif");
        // The user entry is counted, the search result trailer is not a problem.
        assert_eq!(reasons(&problems), vec![(56, SkipReason::UnusedType)]);
        assert_eq!(problems[0].detail, "CN=alice,CN=Users,DC=corp,DC=example,DC=test: not a computer (objectClass user)");
    }

    #[test]
    fn ldifde_export_and_names() {
        let text = "version: 1\n\
                    dn: CN=SRV1,CN=Computers,DC=corp,DC=example,DC=test\n\
                    changetype: add\n\
                    objectClass: computer\n\
                    SAMACCOUNTNAME: SRV1$\n\
                    \n\
                    dn: CN=Smith\\, John's PC,CN=Computers,DC=corp,DC=example,DC=test\n\
                    \n\
                    dn:: Q049UEMyLENOPUNvbXB1dGVycw==\n\
                    name: PC2\n";
        let (out, problems) = read(text);
        assert!(problems.is_empty(), "{problems:?}");
        let names: Vec<_> = out.iter().map(|c| (c.name.as_str(), c.line)).collect();
        assert_eq!(names, vec![("SRV1", 2), ("Smith, John's PC", 7), ("PC2", 9)]);
        assert_eq!(out[2].dn.as_deref(), Some("CN=PC2,CN=Computers"));
    }

    #[test]
    fn truncated_and_bad_entries() {
        let text = "dn: CN=PC1,DC=t\n\
                    cn: PC1\n\
                    lastLogonTimestamp: 13300000000000000x\n\
                    \n\
                    dn: CN=PC2,DC=t\n\
                    userAccountControl: lots\n\
                    \n\
                    dn: CN=PC3,DC=t\n\
                    operatingSystem:: ***\n\
                    \n\
                    dn: CN=PC4,DC=t\n\
                    jpegPhoto:< file:///tmp/photo\n\
                    dNSHostName:< file:///tmp/name\n\
                    \n\
                    dn:\n\
                    objectClass: computer\n\
                    \n\
                    dn: CN=PC6,DC=t\n\
                    this line has no colon\n\n\x20orphan\n\
                    # search result\n\
                    search: 3\n\
                    result: 4 Size limit exceeded\n\
                    \n\
                    dn: CN=PC7,DC=t\n\
                    cn: PC7\n\
                    userAccountControl: 4098\n\
                    lastLogonTimestamp: 0\n\
                    dNSHostName: pc7.t";
        let (out, problems) = read(text);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!((out[0].name.as_str(), out[0].enabled, out[0].last_logon, out[0].line), ("PC7", Some(false), None, 26));
        assert_eq!(out[0].domain_controller, Some(false));
        assert_eq!(out[0].dns_host_name.as_deref(), Some("pc7.t"));
        assert_eq!(
            reasons(&problems),
            vec![
                (1, SkipReason::BadTime),
                (5, SkipReason::Malformed),
                (8, SkipReason::Malformed),
                (11, SkipReason::Malformed),
                (15, SkipReason::MissingField),
                (18, SkipReason::Malformed),
                (21, SkipReason::Malformed),
                (24, SkipReason::Truncated),
            ]
        );
        assert_eq!(problems[0].detail, "CN=PC1,DC=t: lastLogonTimestamp '13300000000000000x' is not a FILETIME");
        assert_eq!(problems[5].detail, "line 19 is not 'attribute: value': 'this line has no colon'");
    }

    #[test]
    fn empty_file() {
        assert_eq!(read(""), (vec![], vec![]));
        assert_eq!(read("version: 1\n\n# numEntries: 0\n"), (vec![], vec![]));
    }

    #[test]
    fn bom_and_crlf() {
        let (plain, plain_problems) = read(FIXTURE);
        let (out, problems) = read(&format!("\u{feff}{}", FIXTURE.replace('\n', "\r\n")));
        assert_eq!(out, plain);
        assert_eq!(problems, plain_problems);
    }

    #[test]
    fn rdn_values() {
        assert_eq!(first_rdn_value("CN=PC1,OU=x").as_deref(), Some("PC1"));
        assert_eq!(first_rdn_value("cn=a\\2Cb+sn=c,dc=t").as_deref(), Some("a,b"));
        assert_eq!(first_rdn_value("CN=,DC=t"), None);
        assert_eq!(first_rdn_value("nodn"), None);
    }

    #[test]
    fn domain_controllers_from_user_account_control() {
        // 532480 = SERVER_TRUST_ACCOUNT (0x2000) | TRUSTED_FOR_DELEGATION: a DC's account.
        let (out, problems) = read("dn: CN=DC1,OU=Domain Controllers,DC=t\ncn: DC1\nuserAccountControl: 532480\n\ndn: CN=PC1,DC=t\ncn: PC1\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(out.iter().map(|c| c.domain_controller).collect::<Vec<_>>(), [Some(true), None]);
        let dir = crate::directory::Directory::new(out);
        assert!(dir.is_domain_controller("dc1"));
        assert!(!dir.is_domain_controller("PC1"));
        assert!(!dir.is_domain_controller("dc2"));
    }
}
