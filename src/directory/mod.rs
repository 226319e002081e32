//! Stage 2, directory: AD computer objects, from offline exports (LDIF, CSV) here and from
//! live LDAP later. Produces typed [`Computer`] records and the lookups the audit joins on.

pub mod csv;
pub mod dnsp;
pub mod ldap;
pub mod ldif;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::input::{self, InputError, Problems};

/// One AD computer object.
#[derive(Debug, Clone, PartialEq)]
pub struct Computer {
    /// `cn`/`name` (or `sAMAccountName` without `$`), as written in AD.
    pub name: String,
    /// `dNSHostName`, lowercase, without trailing dot.
    pub dns_host_name: Option<String>,
    /// From `userAccountControl` bit 0x2 (ACCOUNTDISABLE) or the CSV's `Enabled`.
    pub enabled: Option<bool>,
    /// `lastLogonTimestamp` (replicated, up to ~14 days behind the real last logon).
    pub last_logon: Option<DateTime<Utc>>,
    pub operating_system: Option<String>,
    pub dn: Option<String>,
    pub source: Arc<str>,
    pub line: usize,
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
pub fn read_file(path: &Path, out: &mut Vec<Computer>, problems: &mut Problems) -> Result<(), InputError> {
    let text = input::read_text(path)?;
    let source = input::source_name(path);
    if text.trim().is_empty() {
        return Ok(());
    }
    match detect(&text) {
        Some(Format::Ldif) => ldif::parse(&text, &source, out, problems),
        Some(Format::Csv) => csv::parse(&text, &source, out, problems),
        None => {
            return Err(InputError::Unrecognised {
                path: path.to_path_buf(),
                reason: "not a computers export (expected LDIF with dn: lines, or CSV with Name,DNSHostName,Enabled,LastLogonTimestamp,OperatingSystem)".into(),
            });
        }
    }
    Ok(())
}

/// Computers indexed for the join with lease host names.
#[derive(Debug, Default)]
pub struct Directory {
    pub computers: Vec<Computer>,
    by_fqdn: HashMap<String, usize>,
    by_name: HashMap<String, Vec<usize>>,
}

impl Directory {
    pub fn new(computers: Vec<Computer>) -> Directory {
        let mut by_fqdn = HashMap::new();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, c) in computers.iter().enumerate() {
            if let Some(f) = &c.dns_host_name {
                by_fqdn.entry(f.clone()).or_insert(i);
            }
            by_name.entry(c.name.to_ascii_lowercase()).or_default().push(i);
        }
        Directory { computers, by_fqdn, by_name }
    }

    /// The computer for a host: by `dNSHostName` first; else by name when the first label
    /// matches exactly one computer (a host name is not unique across domains of a forest).
    pub fn find(&self, fqdn: &str) -> Option<&Computer> {
        if let Some(&i) = self.by_fqdn.get(fqdn) {
            return Some(&self.computers[i]);
        }
        let label = fqdn.split('.').next()?;
        match self.by_name.get(label).map(Vec::as_slice) {
            Some([i]) => {
                let c = &self.computers[*i];
                // A computer whose dNSHostName says another domain is not this host.
                match &c.dns_host_name {
                    Some(d) if fqdn.contains('.') && d != fqdn => None,
                    _ => Some(c),
                }
            }
            _ => None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.computers.is_empty()
    }
}
