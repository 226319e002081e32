//! Stage 2, directory: AD computer objects, from offline exports (LDIF, CSV) and from live
//! LDAP ([`ldap`], which also reads the AD-integrated DNS zones). Produces typed [`Computer`]
//! records and the lookups the audit joins on.

pub mod csv;
pub mod dnsp;
pub(crate) mod ldap;
pub mod ldif;
pub mod security;

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::input::{self, InputError, Problems};
use crate::text::Text;

/// One AD computer object.
#[derive(Debug, Clone, PartialEq)]
pub struct Computer {
    /// `cn`/`name` (or `sAMAccountName` without `$`), as written in AD.
    pub name: Text,
    /// `dNSHostName`, lowercase, without trailing dot.
    pub(crate) dns_host_name: Option<Text>,
    /// From `userAccountControl` bit 0x2 (ACCOUNTDISABLE) or the CSV's `Enabled`.
    pub(crate) enabled: Option<bool>,
    /// A domain controller's account: `userAccountControl` bit 0x2000 (SERVER_TRUST_ACCOUNT);
    /// `None` where the input does not carry it (the CSV). Records it owns are `admin`.
    pub(crate) domain_controller: Option<bool>,
    /// `lastLogonTimestamp` (replicated, up to ~14 days behind the real last logon).
    pub(crate) last_logon: Option<DateTime<Utc>>,
    pub(crate) operating_system: Option<Text>,
    pub(crate) dn: Option<String>,
    pub(crate) source: Arc<str>,
    pub(crate) line: usize,
}

/// The export formats for computers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Ldif,
    Csv,
}

/// Recognises LDIF (`dn:` / `version:` lines) or the CSV with a `Name` column.
pub fn detect(text: &str) -> Option<Format> {
    for (_, l) in input::numbered_lines(text) {
        let l = l.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let lower = l.to_ascii_lowercase();
        if lower.starts_with("dn:") || lower.starts_with("version:") {
            return Some(Format::Ldif);
        }
        let first = lower.split(',').next().unwrap_or("").trim_matches('"');
        if lower.contains(',') && matches!(first, "name" | "dnshostname" | "cn") {
            return Some(Format::Csv);
        }
        return None;
    }
    None
}

/// Reads a computers export (LDIF or CSV) into `out`.
pub(crate) fn read_file(path: &Path, times: &crate::timefmt::InputTimes, out: &mut Vec<Computer>, problems: &mut Problems) -> Result<(), InputError> {
    let file = input::TextFile::open(path)?;
    let source = input::source_name(path);
    let head = file.head()?;
    if head.trim().is_empty() {
        return Ok(());
    }
    match detect(&head) {
        Some(Format::Ldif) => ldif::parse(&file.text()?, &source, out, problems),
        // Parsed as it is read (twice: the date order, then the rows).
        Some(Format::Csv) => csv::read(|| file.reader(), &source, times, out, problems).map_err(|e| e.at(path))?,
        None => {
            return Err(InputError::Unrecognised {
                path: path.to_path_buf(),
                reason: "not a computers export (expected LDIF with dn: lines, or CSV with Name,DNSHostName,Enabled,LastLogonTimestamp,OperatingSystem)".into(),
            });
        }
    }
    Ok(())
}

/// Computers indexed for the join with lease host names: two sorted index arrays (by
/// `dNSHostName`, by name without case) rather than maps of copied strings, so that a
/// large forest costs a few bytes per computer beyond the records themselves.
#[derive(Debug, Default)]
pub struct Directory {
    pub computers: Vec<Computer>,
    by_fqdn: Vec<u32>,
    by_name: Vec<u32>,
}

// On bytes: the names are `Text`, whose `str` view pays a UTF-8 check at every probe.
fn cmp_ignore_case(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    a.iter().map(u8::to_ascii_lowercase).cmp(b.iter().map(u8::to_ascii_lowercase))
}

fn fqdn_of(c: &Computer) -> Option<&[u8]> {
    c.dns_host_name.as_ref().map(Text::as_bytes)
}

impl Directory {
    pub fn new(computers: Vec<Computer>) -> Directory {
        let n = u32::try_from(computers.len()).unwrap_or(u32::MAX);
        let mut by_fqdn: Vec<u32> = (0..n).filter(|&i| computers[i as usize].dns_host_name.is_some()).collect();
        // Stable sorts: the first computer in the input wins among duplicates.
        by_fqdn.sort_by(|&a, &b| computers[a as usize].dns_host_name.cmp(&computers[b as usize].dns_host_name));
        let mut by_name: Vec<u32> = (0..n).collect();
        by_name.sort_by(|&a, &b| cmp_ignore_case(computers[a as usize].name.as_bytes(), computers[b as usize].name.as_bytes()));
        Directory { computers, by_fqdn, by_name }
    }

    /// The computer for a host: by `dNSHostName` first; else by name when the first label
    /// matches exactly one computer (a host name is not unique across domains of a forest).
    pub fn find(&self, fqdn: &str) -> Option<&Computer> {
        let c = &self.computers;
        let i = self.by_fqdn.partition_point(|&i| fqdn_of(&c[i as usize]) < Some(fqdn.as_bytes()));
        if let Some(&j) = self.by_fqdn.get(i)
            && fqdn_of(&c[j as usize]) == Some(fqdn.as_bytes())
        {
            return Some(&c[j as usize]);
        }
        let label = fqdn.split('.').next()?;
        let i = self.by_name.partition_point(|&i| cmp_ignore_case(c[i as usize].name.as_bytes(), label.as_bytes()).is_lt());
        let same: Vec<&Computer> = self.by_name[i..]
            .iter()
            .map(|&j| &c[j as usize])
            .take_while(|x| x.name.as_bytes().eq_ignore_ascii_case(label.as_bytes()))
            .take(2)
            .collect();
        match same.as_slice() {
            [only] => match &only.dns_host_name {
                // A computer whose dNSHostName says another domain is not this host.
                Some(d) if fqdn.contains('.') && d != fqdn => None,
                _ => Some(only),
            },
            _ => None,
        }
    }

    /// Whether any computer named `name` (its `cn`, any case; an account's `name$` without
    /// the `$`) is a domain controller.
    pub(crate) fn is_domain_controller(&self, name: &str) -> bool {
        let c = &self.computers;
        let i = self.by_name.partition_point(|&i| cmp_ignore_case(c[i as usize].name.as_bytes(), name.as_bytes()).is_lt());
        self.by_name[i..].iter().map(|&j| &c[j as usize]).take_while(|x| x.name.eq_ignore_ascii_case(name)).any(|x| x.domain_controller == Some(true))
    }
}
