//! Stage 1, leases: reads DHCP lease exports into typed [`Lease`] records.
//!
//! One file per format, all behind one contract: each format's `parse(text, source, .., out,
//! problems)` appends the good records to `out` and records every skipped one in `problems`
//! with its line and reason (the Windows formats also take the `InputTimes`, and the XML the
//! DNS settings it carries); [`parse_with_settings`] dispatches on the [`Format`], detected from
//! content ([`detect`]) unless forced. The Kea API client is [`kea_api`].

pub(crate) mod dnsmasq;
pub(crate) mod isc;
pub mod kea_api;
pub(crate) mod kea_csv;
pub(crate) mod windows_csv;
pub(crate) mod windows_xml;
pub(crate) mod dns_settings;

use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};

use crate::input::{self, InputError, Problems, ReadError, SkipReason, TextFile};
use crate::slots::Slots;
use crate::text::Text;
use crate::vocab::vocabulary;
use crate::timefmt::{DateOrder, InputTimes};

/// One DHCP lease (or reservation), as every format is normalised to.
#[derive(Debug, Clone, PartialEq)]
pub struct Lease {
    pub ip: IpAddr,
    /// The client's host name as the server recorded it (trimmed, original case), if any.
    pub hostname: Option<Text>,
    /// Hardware address, lowercase `aa:bb:cc:dd:ee:ff` (see [`normalize_mac`]).
    pub mac: Option<Text>,
    pub(crate) state: LeaseState,
    /// End of the lease; `None` for reservations and infinite leases.
    pub expires: Option<DateTime<Utc>>,
    /// The lease's length when the export tells it (ISC starts/ends, Kea valid_lifetime,
    /// the scope's LeaseDuration in Windows XML). Widens the "not being refreshed" slack.
    pub(crate) duration: Option<TimeDelta>,
    /// The file, scope, server and registration state: one shared copy for the many leases
    /// that have the same ([`Interner::origin`]), a pointer where four were 64 bytes a lease.
    pub(crate) origin: Arc<LeaseOrigin>,
    /// The record's line in its file (0 when none).
    pub(crate) line: usize,
}

/// What a lease shares with the others of its export: where it came from, and what the
/// export says around it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LeaseOrigin {
    /// The file (or URL) the lease came from.
    pub(crate) source: Arc<str>,
    /// Windows ScopeId / prefix, Kea subnet id; `None` where the format has none.
    pub(crate) scope: Option<Arc<str>>,
    /// What the DHCP server says of its DNS registration for this lease.
    pub(crate) dns_registration: Option<DnsRegistration>,
    /// The DHCP server that holds the lease, as the export names it (Windows CSV `ServerIP`;
    /// `kea_api` may set its URL): which server's DNS settings apply. `None` when not known.
    pub(crate) server: Option<Arc<str>>,
}

impl LeaseOrigin {
    /// An origin of its own (not shared): for the few leases built outside a reader.
    pub(crate) fn new(source: &Arc<str>, scope: Option<&str>, dns_registration: Option<DnsRegistration>, server: Option<&str>) -> Arc<LeaseOrigin> {
        Arc::new(LeaseOrigin { source: Arc::clone(source), scope: scope.map(Arc::from), dns_registration, server: server.map(Arc::from) })
    }
}

/// What a DHCP server says of its DNS registration for a lease (the report's
/// `dhcp_dns_registration`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum DnsRegistration {
    /// Windows `DnsRegistration` as exported: `Complete`, `Pending`, `NotApplicable`.
    Windows(Arc<str>),
    /// The DNS updates a Kea or ISC server made.
    Ddns(DdnsUpdates),
}

impl DnsRegistration {
    /// As the export says it (Windows), or the update's word (Kea, ISC).
    pub(crate) fn as_str(&self) -> &str {
        match self {
            DnsRegistration::Windows(s) => s,
            DnsRegistration::Ddns(u) => u.as_str(),
        }
    }
}

/// A lease's registration as a reader finds it, before [`Interner::origin`] shares it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Registration<'a> {
    /// Windows `DnsRegistration` text (empty: none).
    Windows(&'a str),
    Ddns(Option<DdnsUpdates>),
}

vocabulary! {
    /// The lease's state, normalised across servers.
    pub(crate) LeaseState {
        Active => "active",
        /// A reservation whose client holds the address (Windows `ActiveReservation`, Kea/ISC host reservation).
        Reservation => "reservation",
        /// A reservation not currently taken by its client (Windows `InactiveReservation`).
        InactiveReservation => "inactive-reservation",
        Offered => "offered",
        Expired => "expired",
        Released => "released",
        Declined => "declined",
        Free => "free",
        Abandoned => "abandoned",
        Backup => "backup",
    }
}

impl LeaseState {
    /// Active leases and reservations are audited (when not expired).
    pub(crate) fn is_held(self) -> bool {
        matches!(self, LeaseState::Active | LeaseState::Reservation | LeaseState::InactiveReservation)
    }
}

impl Lease {
    /// The file (or URL) the lease came from.
    pub fn source(&self) -> &Arc<str> {
        &self.origin.source
    }

    pub(crate) fn scope(&self) -> Option<&str> {
        self.origin.scope.as_deref()
    }

    pub fn dns_registration(&self) -> Option<&str> {
        self.origin.dns_registration.as_ref().map(DnsRegistration::as_str)
    }

    /// The key of the lease's DHCP server: its name, or for an export that does not name its
    /// server (Export-DhcpServer's XML) the file and family ([`windows_xml::server_key`]).
    pub(crate) fn server(&self) -> Option<&str> {
        self.origin.server.as_deref()
    }

    /// Whether a scope is a Kea subnet id (Kea's memfile and API give a number; Windows a
    /// network address).
    pub(crate) fn is_kea_subnet(scope: &str) -> bool {
        !scope.is_empty() && scope.bytes().all(|b| b.is_ascii_digit())
    }

    /// The DHCP server's name, when the source gives one: the export's (Windows CSV
    /// `ServerIP`), a Kea endpoint's key (its URL and family: `http://kea1:8000/ dhcp4`); not
    /// the key of an Export-DhcpServer XML, which names only its file.
    pub(crate) fn server_name(&self) -> Option<&str> {
        self.server().filter(|s| !windows_xml::is_server_key(s, self.source()))
    }

    /// The file name of the lease's source (for an export that does not name its server).
    pub(crate) fn source_file_name(&self) -> String {
        Path::new(&**self.source()).file_name().map_or_else(|| self.source().to_string(), |f| f.to_string_lossy().into_owned())
    }

    /// docs/inputs.md "Inputs and formats": a lease is audited when it is active or a reservation and not expired at `as_of`.
    pub(crate) fn is_audited(&self, as_of: DateTime<Utc>) -> bool {
        self.state.is_held() && self.expires.is_none_or(|e| e > as_of)
    }
}

vocabulary! {
    /// The lease export formats (`--leases-format`; `isc` and `kea` are accepted too).
    pub Format {
        /// `Get-DhcpServerv4Lease` / `Get-DhcpServerv6Lease | Export-Csv`.
        WindowsCsv => "windows-csv",
        /// `Export-DhcpServer -Leases` XML.
        WindowsXml => "windows-xml",
        /// ISC `dhcpd.leases` (v4 and v6).
        Isc => "dhcpd" | "isc",
        /// Kea memfile lease4/lease6 CSV.
        KeaCsv => "kea-csv" | "kea",
        /// dnsmasq lease file.
        Dnsmasq => "dnsmasq",
    }
}

/// Recognises a lease export from its first meaningful lines.
pub fn detect(text: &str) -> Option<Format> {
    let mut lines = input::numbered_lines(text).map(|(_, l)| l.trim()).filter(|l| !l.is_empty());
    let first = lines.next()?;
    if first.starts_with('<') {
        return Some(Format::WindowsXml);
    }
    let header = |l: &str| l.trim_start_matches('"').to_ascii_lowercase();
    if first.starts_with("#TYPE") || header(first).starts_with("ipaddress") || first.contains("\"IPAddress\"") {
        return Some(Format::WindowsCsv);
    }
    let h = header(first);
    if h.starts_with("address,hwaddr") || h.starts_with("address,duid") {
        return Some(Format::KeaCsv);
    }
    // dhcpd.leases: comments, then `lease`, `ia-na`, `server-duid`, `authoring-byte-order` ...
    for l in std::iter::once(first).chain(lines.take(50)) {
        if l.starts_with('#') {
            continue;
        }
        let word = l.split_whitespace().next().unwrap_or("");
        if matches!(word, "lease" | "ia-na" | "ia-ta" | "ia-pd" | "server-duid" | "authoring-byte-order" | "failover" | "host") {
            return Some(Format::Isc);
        }
        // dnsmasq: `<expiry epoch> <mac|iaid> <ip> <name> <client-id>` or `duid <duid>`.
        if word == "duid" || (word.bytes().all(|b| b.is_ascii_digit()) && l.split_whitespace().count() >= 4) {
            return Some(Format::Dnsmasq);
        }
        break;
    }
    None
}

/// Parses a lease export already read as text. Only a Windows CSV or XML export whose date
/// order cannot be told fails as a whole. The DNS settings an export carries are dropped (see
/// [`parse_with_settings`]).
pub fn parse(
    format: Format,
    text: &str,
    source: &Arc<str>,
    times: &InputTimes,
    out: &mut Vec<Lease>,
    problems: &mut Problems,
) -> Result<(), ReadError> {
    parse_with_settings(format, text, source, times, out, &mut dns_settings::DhcpDnsSettings::default(), problems)
}

/// [`parse`], keeping the DHCP DNS settings the export carries (an `Export-DhcpServer` XML's)
/// in `settings`.
pub(crate) fn parse_with_settings(
    format: Format,
    text: &str,
    source: &Arc<str>,
    times: &InputTimes,
    out: &mut Vec<Lease>,
    settings: &mut dns_settings::DhcpDnsSettings,
    problems: &mut Problems,
) -> Result<(), ReadError> {
    match format {
        Format::WindowsCsv => return windows_csv::parse(text, source, times, out, problems),
        Format::WindowsXml => return Ok(windows_xml::parse(text, source, times, out, settings, problems)?),
        Format::Isc => isc::parse(text, source, out, problems),
        Format::KeaCsv => return kea_csv::parse(text, source, out, problems),
        Format::Dnsmasq => dnsmasq::parse(text, source, out, problems),
    }
    Ok(())
}

/// Reads one lease file: decodes it, detects (or takes) the format, parses it (its DNS
/// settings, if it carries any, into `settings`).
/// An unrecognisable file is an error naming it; so is one that gives no lease at all (issue
/// #19: a run that read nothing must not look like all clear): an empty file, or one whose
/// every record was rejected or is not a lease (the wrong `--leases-format`, a broken export).
pub(crate) fn read_file(
    path: &Path,
    forced: Option<Format>,
    times: &InputTimes,
    out: &mut Vec<Lease>,
    settings: &mut dns_settings::DhcpDnsSettings,
    problems: &mut Problems,
) -> Result<Format, InputError> {
    let file = TextFile::open(path)?;
    let source = input::source_name(path);
    let head = file.head()?;
    let nothing = |reason: String| InputError::Unrecognised { path: path.to_path_buf(), reason };
    if head.trim().is_empty() {
        return Err(nothing("the file is empty: no lease read (an export that failed or was cut off?)".to_string()));
    }
    let format = match forced.or_else(|| detect(&head)) {
        Some(f) => f,
        None => {
            return Err(nothing(format!(
                "not a lease export this tool recognises (expected one of: {}; use --leases-format to force one)",
                Format::NAMES.join(", ")
            )));
        }
    };
    // A CSV export of its header alone is a server that holds no lease: no record to reject.
    // The audit still stops when no lease at all is audited (`run`); a forecast may go on.
    let header_only = matches!(format, Format::WindowsCsv | Format::KeaCsv)
        && head.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).count() == 1;
    drop(head);
    let (leases_before, problems_before) = (out.len(), problems.len());
    // The large formats are parsed as they are read; the others from their whole text.
    let read = match format {
        Format::WindowsCsv => file.reader().map_err(ReadError::from).and_then(|r| windows_csv::read(r, &source, times, out, problems)),
        Format::KeaCsv => file.reader().map_err(ReadError::from).and_then(|r| kea_csv::read(r, &source, out, problems)),
        _ => parse_with_settings(format, &file.text()?, &source, times, out, settings, problems),
    };
    read.map_err(|e| e.at(path))?;
    if out.len() == leases_before && !(header_only && problems.len() == problems_before) {
        let rejected = problems.list.get(problems_before..).unwrap_or(&[]);
        let how = if forced.is_some() { "read as --leases-format" } else { "detected as" };
        return Err(nothing(match rejected.first() {
            Some(first) => format!(
                "no lease read: all {} record(s) were rejected ({how} {format}; the first: line {}: {}: {}); is it a {format} export?",
                rejected.len(),
                first.line,
                first.reason,
                first.detail
            ),
            None => format!("no lease read: the file holds no {format} lease record ({how} {format}); is it a {format} export?"),
        }));
    }
    Ok(format)
}

/// Keeps the last record per address within one file (ISC and Kea append as leases change):
/// earlier ones are counted as superseded.
pub(crate) fn keep_last_per_address(leases: &mut Vec<Lease>, start: usize, problems: &mut Problems) {
    if leases.len() <= start + 1 {
        return;
    }
    // Sorting (address, position) pairs is an order of magnitude faster than a HashMap for a
    // million leases; equal addresses sort by position, so all but the last are superseded.
    let mut order: Vec<(IpAddr, usize)> = leases[start..].iter().enumerate().map(|(i, l)| (l.ip, i)).collect();
    order.sort_unstable();
    let mut superseded = vec![false; leases.len() - start];
    let mut any = false;
    for w in order.windows(2) {
        if w[0].0 == w[1].0 {
            superseded[w[0].1] = true;
            any = true;
        }
    }
    if !any {
        return;
    }
    let mut i = 0;
    leases.retain(|l| {
        let keep = i < start || !superseded[i - start];
        if !keep {
            problems.push(l.source(), l.line, SkipReason::Superseded, format!("lease for {} replaced by a later record", l.ip));
        }
        i += 1;
        keep
    });
}

/// Keeps one lease per address across files (a failover pair exports the same scopes twice):
/// a held lease over a free one, then the later expiry (a reservation's none counts as
/// latest), then the later file. The others are counted as superseded.
pub fn dedupe_across_sources(leases: Vec<Lease>, problems: &mut Problems) -> Vec<Lease> {
    let rank = |l: &Lease| (l.state.is_held(), l.expires.is_none(), l.expires);
    // The shared probing table of lease indices: 4 bytes a slot, where a map from address to
    // index took 32 (64 MB at a million leases, at the run's peak).
    let Ok(n) = u32::try_from(leases.len()) else { return leases };
    let mut slots = Slots::with_room_for(leases.len());
    let mut distinct = 0usize;
    for (i, l) in (0..n).zip(&leases) {
        match slots.find(&l.ip, |j| leases[j as usize].ip == l.ip) {
            Err(empty) => {
                slots.set(empty, i);
                distinct += 1;
            }
            Ok(s) => {
                if rank(&leases[slots.get(s) as usize]) <= rank(l) {
                    slots.set(s, i);
                }
            }
        }
    }
    if distinct == leases.len() {
        return leases;
    }
    let mut best = vec![false; leases.len()];
    for i in slots.ids() {
        best[i as usize] = true;
    }
    drop(slots);
    leases
        .into_iter()
        .zip(best)
        .filter_map(|(l, best)| {
            if best {
                Some(l)
            } else {
                problems.push(l.source(), l.line, SkipReason::Superseded, format!("lease for {} also in another export; kept the more current one", l.ip));
                None
            }
        })
        .collect()
}

/// `dns_registration` for servers that record which DNS updates they made for a lease
/// (Kea `fqdn_fwd`/`fqdn_rev`, ISC `ddns-fwd-name`/`ddns-rev-name`): `forward;reverse`,
/// `forward`, `reverse`, or none.
pub(crate) fn ddns_updates(forward: bool, reverse: bool) -> Option<DdnsUpdates> {
    let updates = match (forward, reverse) {
        (true, true) => DdnsUpdates::ForwardReverse,
        (true, false) => DdnsUpdates::Forward,
        (false, true) => DdnsUpdates::Reverse,
        (false, false) => return None,
    };
    Some(updates)
}

/// One shared copy of each value a lease export repeats on every row (scope, server,
/// registration state) and of each [`LeaseOrigin`], so that a lease holds one pointer.
#[derive(Debug, Default)]
pub(crate) struct Interner {
    texts: rustc_hash::FxHashSet<Arc<str>>,
    origins: rustc_hash::FxHashSet<Arc<LeaseOrigin>>,
    /// The origin given last: rows of one scope come together, so most rows reuse it.
    last: Option<Arc<LeaseOrigin>>,
}

impl Interner {
    /// The shared origin of a lease from `source` with these values (empty text: none).
    pub(crate) fn origin(&mut self, source: &Arc<str>, scope: &str, dns_registration: Registration<'_>, server: &str) -> Arc<LeaseOrigin> {
        if let Some(last) = &self.last {
            let same = |a: &Option<Arc<str>>, b: &str| a.as_deref().unwrap_or("") == b;
            let same_registration = match (&last.dns_registration, dns_registration) {
                (None, Registration::Windows("") | Registration::Ddns(None)) => true,
                (Some(DnsRegistration::Windows(a)), Registration::Windows(b)) => **a == *b,
                (Some(DnsRegistration::Ddns(a)), Registration::Ddns(Some(b))) => *a == b,
                _ => false,
            };
            if Arc::ptr_eq(&last.source, source) && same(&last.scope, scope) && same_registration && same(&last.server, server) {
                return Arc::clone(last);
            }
        }
        let dns_registration = match dns_registration {
            Registration::Windows(s) => self.get(s).map(DnsRegistration::Windows),
            Registration::Ddns(u) => u.map(DnsRegistration::Ddns),
        };
        let origin = LeaseOrigin { source: Arc::clone(source), scope: self.get(scope), dns_registration, server: self.get(server) };
        self.share(origin)
    }

    /// The shared copy of `origin`.
    pub(crate) fn share(&mut self, origin: LeaseOrigin) -> Arc<LeaseOrigin> {
        let o = match self.origins.get(&origin) {
            Some(o) => Arc::clone(o),
            None => {
                let o = Arc::new(origin);
                self.origins.insert(Arc::clone(&o));
                o
            }
        };
        self.last = Some(Arc::clone(&o));
        o
    }

    /// The shared copy of `s`; `None` for empty text.
    pub(crate) fn get(&mut self, s: &str) -> Option<Arc<str>> {
        if s.is_empty() {
            return None;
        }
        if let Some(a) = self.texts.get(s) {
            return Some(Arc::clone(a));
        }
        let a: Arc<str> = Arc::from(s);
        self.texts.insert(Arc::clone(&a));
        Some(a)
    }
}

vocabulary! {
    /// The DNS updates a Kea or ISC server says it made for a lease (`dns_registration`).
    pub(crate) DdnsUpdates {
        ForwardReverse => "forward;reverse",
        Forward => "forward",
        Reverse => "reverse",
    }
}

/// Kea's lease state numbers, the same in the memfile CSV and the API: 0 default (active),
/// 1 declined, 2 expired-reclaimed, 3 released (Kea 2.5+). Others are unknown here.
pub(crate) fn kea_state(n: u64) -> Option<LeaseState> {
    match n {
        0 => Some(LeaseState::Active),
        1 => Some(LeaseState::Declined),
        2 => Some(LeaseState::Expired),
        3 => Some(LeaseState::Released),
        _ => None,
    }
}

/// A Windows export's `IPAddress` (the CSV and the XML export), not empty.
pub(crate) fn windows_ip(text: &str) -> Result<IpAddr, (SkipReason, String)> {
    text.parse()
        .map_err(|_| (SkipReason::BadAddress, format!("IPAddress {} is not an IPv4 or IPv6 address", input::quote(text))))
}

/// A Windows export's `LeaseExpiryTime` (the CSV and the XML export) in the file's date
/// order; empty is no expiry.
pub(crate) fn windows_expiry(
    text: &str,
    times: &InputTimes,
    order: Option<DateOrder>,
) -> Result<Option<DateTime<Utc>>, (SkipReason, String)> {
    if text.is_empty() {
        return Ok(None);
    }
    match times.parse(text, order) {
        Some(t) => Ok(Some(t)),
        None => Err((SkipReason::BadTime, format!("LeaseExpiryTime {} is not a time", input::quote(text)))),
    }
}

/// Maps a Windows `AddressState` (the CSV and the XML export) to a [`LeaseState`].
///
/// `Active`, `Offered`, `Declined`, `Expired`, `Released` map to themselves; `ActiveReservation`
/// and any other state naming a reservation map to `Reservation`, except `InactiveReservation`.
/// An empty state (the column absent, or a v6 export without it) is `Active`: the cmdlets list
/// only current leases unless `-AllLeases` is given, and that export carries the state.
pub(crate) fn address_state(s: &str) -> Result<LeaseState, (SkipReason, String)> {
    const STATES: [(&str, LeaseState); 8] = [
        ("", LeaseState::Active),
        ("active", LeaseState::Active),
        ("activereservation", LeaseState::Reservation),
        ("inactivereservation", LeaseState::InactiveReservation),
        ("declined", LeaseState::Declined),
        ("expired", LeaseState::Expired),
        ("offered", LeaseState::Offered),
        ("released", LeaseState::Released),
    ];
    let s = s.trim();
    match STATES.iter().find(|(name, _)| name.eq_ignore_ascii_case(s)) {
        Some(&(_, state)) => Ok(state),
        None if s.to_ascii_lowercase().contains("reservation") => Ok(LeaseState::Reservation),
        None => Err((SkipReason::Malformed, format!("AddressState {} is not a known lease state", input::quote(s)))),
    }
}

/// Normalises a hardware address or client id written with `-`, `:`, `.` or no separators
/// to lowercase `aa:bb:...`. Returns `None` for an empty or non-hex value.
pub(crate) fn normalize_mac(s: &str) -> Option<Text> {
    // Fast path (one allocation) for the common `aa:bb:..` form in any case.
    let b = s.as_bytes();
    if b.len() >= 2
        && (b.len() + 1).is_multiple_of(3)
        && b.iter().enumerate().all(|(i, c)| if i % 3 == 2 { *c == b':' } else { c.is_ascii_hexdigit() })
    {
        return Some(Text::from(s.to_ascii_lowercase()));
    }
    let hex: String = s.chars().filter(|c| !matches!(c, '-' | ':' | '.' | ' ')).collect();
    if hex.is_empty() || !hex.len().is_multiple_of(2) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let lower = hex.to_ascii_lowercase();
    let pairs: Vec<&str> = (0..lower.len()).step_by(2).map(|i| &lower[i..i + 2]).collect();
    Some(Text::from(pairs.join(":")))
}

/// A host name as recorded, or `None` when the server recorded none (empty, `*`).
pub(crate) fn clean_hostname(s: &str) -> Option<Text> {
    let s = s.trim().trim_matches('"').trim();
    if s.is_empty() || s == "*" {
        None
    } else {
        Some(Text::from(s))
    }
}

#[cfg(test)]
mod tests;
