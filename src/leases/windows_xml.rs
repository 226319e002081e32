//! Lease reader: `Export-DhcpServer -File x.xml -Leases` XML.
//!
//! `<DHCPServer>` holds `<IPv4>` and `<IPv6>`, each with `<Scopes><Scope>`; a scope has its
//! `ScopeId` (v4) or `Prefix` (v6), its `LeaseDuration` (.NET TimeSpan, `d.hh:mm:ss`; for v6
//! `ValidLifetime` when there is no `LeaseDuration`), `<Reservations><Reservation>` and
//! `<Leases><Lease>`. Every `<Lease>` becomes a [`Lease`]; every `<Reservation>` whose address
//! has no `<Lease>` in the same scope becomes one in state `Reservation` (name from `Name`,
//! no expiry). Only the direct children of `Lease`/`Reservation`/`Scope` are read, so the
//! nested option values, policies and classes of the export never leak into a record.
//!
//! The reader streams (quick-xml); malformed XML ends the file with one problem at its line,
//! keeping the records read before it.
//!
//! DNS settings (issue #10): the server keeps them as the DWORD value of option 81 (IPv4) or
//! 39 (IPv6), and the export writes that like any option value, `<OptionValues><OptionValue>
//! <OptionId>81</OptionId><Value>21</Value><VendorClass /><UserClass /></OptionValue>`, as a
//! direct child of `<IPv4>`/`<IPv6>` (server level), of a `<Scope>` or of a `<Reservation>`
//! (docs/inputs.md "Cause inputs" cites the real exports and the documentation this comes from). They
//! go into the [`DhcpDnsSettings`] table under the server key [`server_key`] of this file and
//! family, which is also every lease's `server`: an export's settings apply to its own
//! leases only. A value with a vendor or user class, or under a `<Policy>`, is not the
//! level's setting and is not read. A value that cannot be decoded, or an element named like
//! a DNS setting where such a value is expected, is a problem at its line and makes that
//! level's setting unknown ([`DhcpDnsSettings::add_unknown`]).
//!
//! `LeaseExpiryTime` (the only time read) is written in the exporting server's culture, as
//! in the CSV: the file's date order is decided from all its leases' expiry times first (a
//! first pass, [`DateOrderScan`], the rule of `timefmt`), or forced by `--date-order`; a file
//! whose dates cannot say stops the run. Times without a zone are in `--input-time-zone`.

use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::Arc;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;

use super::dns_settings::{self, DhcpDnsSetting, DhcpDnsSettings, Level};
use super::{Lease, LeaseState, address_state, clean_hostname, normalize_mac, windows_expiry, windows_ip};
use crate::input::{LineCounter, Problems, SkipReason, quote};
use crate::timefmt::{DateOrder, DateOrderError, DateOrderScan, InputTimes, parse_timespan};
use crate::vocab::vocabulary;

/// What an open element is, as far as this reader cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    /// `<IPv4>` (false) or `<IPv6>` (true): the server level of that family.
    Family(bool),
    /// `<OptionValues>` directly under a level.
    OptionValues(Owner),
    OptionValue,
    Scopes,
    Scope,
    Leases,
    Lease,
    Reservations,
    Reservation,
    Other,
}

/// The level an `<OptionValues>` belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Server,
    Scope,
    Reservation,
}

vocabulary! {
    /// The children of an `<OptionValue>`, by their names in any case.
    pub(crate) OptionField, any_case {
        OptionId => "OptionId",
        Value => "Value",
        VendorClass => "VendorClass",
        UserClass => "UserClass",
    }
}

impl OptionField {
    fn of_element(name: &[u8]) -> Option<OptionField> {
        std::str::from_utf8(name).ok().and_then(OptionField::from_name)
    }
}

/// Direct children of a level that look like DNS settings in a shape no real export shows
/// (the cmdlet's parameter names, or any `...DnsSetting...`): their level's setting is unknown.
fn dns_settings_like(name: &[u8]) -> bool {
    const NAMES: [&str; 5] = ["DynamicUpdates", "DeleteDnsRROnLeaseExpiry", "UpdateDnsRRForOlderClients", "DisableDnsPtrRRUpdate", "NameProtection"];
    NAMES.iter().any(|n| name.eq_ignore_ascii_case(n.as_bytes())) || name.windows(10).any(|w| w.eq_ignore_ascii_case(b"DnsSetting"))
}

/// The server key of an export's leases and settings: its file and family.
pub(crate) fn server_key(source: &str, v6: bool) -> String {
    format!("{source} {}", if v6 { "IPv6" } else { "IPv4" })
}

/// Whether `key` is [`server_key`] of `source`: a key, not a server's name.
pub(crate) fn is_server_key(key: &str, source: &str) -> bool {
    key.strip_prefix(source).is_some_and(|family| matches!(family, " IPv4" | " IPv6"))
}

/// What the export says of one level's DNS settings.
#[derive(Debug, Clone, Copy)]
enum DnsAt {
    Known(DhcpDnsSetting),
    /// Present but unreadable (already reported).
    Unknown,
}

/// An `<OptionValue>` being read.
struct OptionState {
    owner: Owner,
    line: usize,
    id: String,
    values: Vec<String>,
    vendor: String,
    user: String,
    /// The first child that is not one of [`OptionField`].
    unknown: Option<String>,
}

vocabulary! {
    /// The child elements read, of a record or of a scope, by their names in any case.
    pub(crate) Field, any_case {
        IpAddress => "IPAddress",
        ScopeId => "ScopeId",
        Prefix => "Prefix",
        ClientId => "ClientId",
        HostName => "HostName",
        Name => "Name",
        AddressState => "AddressState",
        LeaseExpiryTime => "LeaseExpiryTime",
        DnsRegistration => "DnsRegistration",
        LeaseDuration => "LeaseDuration",
        ValidLifetime => "ValidLifetime",
    }
}

impl Field {
    /// The field an element's local name stands for.
    fn of_element(name: &[u8]) -> Option<Field> {
        std::str::from_utf8(name).ok().and_then(Field::from_name)
    }
}

/// The text of the fields read from one element's children.
#[derive(Debug, Default)]
struct Values {
    ip: Option<String>,
    scope_id: Option<String>,
    prefix: Option<String>,
    client_id: Option<String>,
    host_name: Option<String>,
    name: Option<String>,
    state: Option<String>,
    expiry: Option<String>,
    dns_registration: Option<String>,
    lease_duration: Option<String>,
    valid_lifetime: Option<String>,
}

impl Values {
    fn set(&mut self, field: Field, text: String) {
        let slot = match field {
            Field::IpAddress => &mut self.ip,
            Field::ScopeId => &mut self.scope_id,
            Field::Prefix => &mut self.prefix,
            Field::ClientId => &mut self.client_id,
            Field::HostName => &mut self.host_name,
            Field::Name => &mut self.name,
            Field::AddressState => &mut self.state,
            Field::LeaseExpiryTime => &mut self.expiry,
            Field::DnsRegistration => &mut self.dns_registration,
            Field::LeaseDuration => &mut self.lease_duration,
            Field::ValidLifetime => &mut self.valid_lifetime,
        };
        *slot = Some(text);
    }
}

/// A `<Lease>` or `<Reservation>` being read.
struct Record {
    reservation: bool,
    line: usize,
    /// The line of its `<LeaseExpiryTime>`, for the date-order error.
    expiry_line: usize,
    /// Depth of the element (its children are at `depth + 1`).
    depth: usize,
    values: Values,
    /// A reservation's own DNS settings.
    dns: Option<DnsAt>,
}

/// A `<Scope>` being read.
struct ScopeState {
    depth: usize,
    values: Values,
    dns: Option<DnsAt>,
}

/// Where the text being collected goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Record(Field),
    Scope(Field),
    Option(OptionField),
}

/// What a pass over the file does with its leases.
enum Pass<'a> {
    /// Only gathers the `LeaseExpiryTime` values, to decide the file's date order.
    Scan(DateOrderScan),
    /// Builds the leases, reading times in the decided order.
    Read { times: &'a InputTimes, order: Option<DateOrder> },
}

struct State<'a> {
    source: &'a Arc<str>,
    pass: Pass<'a>,
    stack: Vec<Tag>,
    record: Option<Record>,
    scope: Option<ScopeState>,
    /// Index in `out` of the first lease of the current scope (or of the file outside scopes).
    group_start: usize,
    /// Reservations of the current group, emitted at its end unless a lease has their address.
    reservations: Vec<Lease>,
    capture: Option<(Target, usize)>,
    text: String,
    /// The family of the `<IPv4>`/`<IPv6>` being read.
    family: Option<bool>,
    option: Option<OptionState>,
    /// The DNS settings found (read pass only): family, level, what it says.
    dns: Vec<(bool, Level, DnsAt)>,
    /// The leases' shared origins.
    interner: super::Interner,
}

/// Parses an `Export-DhcpServer -Leases` file, its leases into `out` and its DNS settings into
/// `settings`; see the module documentation. Fails only when the file's date order cannot be
/// told.
pub(crate) fn parse(
    text: &str,
    source: &Arc<str>,
    times: &InputTimes,
    out: &mut Vec<Lease>,
    settings: &mut DhcpDnsSettings,
    problems: &mut Problems,
) -> Result<(), DateOrderError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let order = match times.date_order {
        Some(order) => Some(order),
        None => {
            // The scan pass's problems are the read pass's too: reported once, by the read.
            let scanned = pass(text, source, Pass::Scan(DateOrderScan::default()), &mut Vec::new(), &mut Vec::new(), &mut Problems::default());
            match scanned {
                Some(scan) => scan.finish(None, source, "LeaseExpiryTime")?,
                None => None,
            }
        }
    };
    let mut dns = Vec::new();
    pass(text, source, Pass::Read { times, order }, out, &mut dns, problems);
    for (v6, level, at) in dns {
        let server = server_key(source, v6);
        match at {
            DnsAt::Known(s) => settings.add(Some(&server), level, s),
            DnsAt::Unknown => settings.add_unknown(Some(&server), level),
        }
    }
    Ok(())
}

/// One pass over the file; gives back the scan of a [`Pass::Scan`]. The read pass gives the
/// DNS settings found in `dns`.
fn pass(text: &str, source: &Arc<str>, mode: Pass<'_>, out: &mut Vec<Lease>, dns: &mut Vec<(bool, Level, DnsAt)>, problems: &mut Problems) -> Option<DateOrderScan> {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().expand_empty_elements = true;
    let mut lines = LineCounter::new(text, 1);
    let mut st = State {
        source,
        pass: mode,
        stack: Vec::new(),
        record: None,
        scope: None,
        group_start: out.len(),
        reservations: Vec::new(),
        capture: None,
        text: String::new(),
        family: None,
        option: None,
        dns: Vec::new(),
        interner: super::Interner::default(),
    };

    loop {
        let pos = reader.buffer_position();
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let line = lines.line_at(reader.error_position());
                problems.push(source, line, SkipReason::Malformed, format!("malformed XML, rest of file skipped: {e}"));
                break;
            }
        };
        match event {
            Event::Start(e) => {
                let line = lines.line_at(pos);
                st.start(e.local_name().as_ref().as_bytes(), line, out.len(), problems);
            }
            // Not produced with expand_empty_elements, but an empty element is a start and an end.
            Event::Empty(e) => {
                let line = lines.line_at(pos);
                st.start(e.local_name().as_ref().as_bytes(), line, out.len(), problems);
                st.end(out, problems);
            }
            Event::End(_) => st.end(out, problems),
            Event::Text(t) => {
                if st.capture.is_some() {
                    st.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if st.capture.is_some() {
                    st.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten()
                } else {
                    resolve_predefined_entity(&r).and_then(|s| s.chars().next())
                };
                match resolved {
                    Some(c) => {
                        if st.capture.is_some() {
                            st.text.push(c);
                        }
                    }
                    None => {
                        let line = lines.line_at(pos);
                        problems.push(
                            source,
                            line,
                            SkipReason::Malformed,
                            format!("malformed XML, rest of file skipped: unknown entity {}", quote(&format!("&{};", &*r))),
                        );
                        break;
                    }
                }
            }
            Event::Eof => {
                if let Some(record) = st.record.take() {
                    let what = if record.reservation { "Reservation" } else { "Lease" };
                    problems.push(source, record.line, SkipReason::Truncated, format!("file ends inside this <{what}>"));
                } else if !st.stack.is_empty() {
                    let line = lines.line_at(text.len() as u64);
                    problems.push(source, line, SkipReason::Truncated, "file ends before the export's closing tags (cut-off file?)");
                }
                break;
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    // Keep what was read before an error or a cut: the open scope's reservations and durations.
    st.finish_group(out);
    dns.append(&mut st.dns);
    match st.pass {
        Pass::Scan(scan) => Some(scan),
        Pass::Read { .. } => None,
    }
}

impl State<'_> {
    fn start(&mut self, name: &[u8], line: usize, out_len: usize, problems: &mut Problems) {
        let parent = self.stack.last().copied();
        let depth = self.stack.len() + 1;
        let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
        let tag = if let Some(tag) = self.dns_start(name, parent, depth, line, problems) {
            tag
        } else if self.record.is_some() {
            // Inside a record: only its direct children are read.
            if let Some(r) = &mut self.record
                && depth == r.depth + 1
                && let Some(f) = Field::of_element(name)
            {
                if f == Field::LeaseExpiryTime {
                    r.expiry_line = line;
                }
                self.begin_capture(Target::Record(f), depth);
            }
            Tag::Other
        } else if is("Scopes") {
            Tag::Scopes
        } else if is("Scope") && parent == Some(Tag::Scopes) && self.scope.is_none() {
            self.group_start = out_len;
            self.scope = Some(ScopeState { depth, values: Values::default(), dns: None });
            Tag::Scope
        } else if is("Leases") {
            Tag::Leases
        } else if is("Reservations") {
            Tag::Reservations
        } else if is("Lease") && parent == Some(Tag::Leases) {
            self.record = Some(Record { reservation: false, line, expiry_line: line, depth, values: Values::default(), dns: None });
            Tag::Lease
        } else if is("Reservation") && parent == Some(Tag::Reservations) {
            self.record = Some(Record { reservation: true, line, expiry_line: line, depth, values: Values::default(), dns: None });
            Tag::Reservation
        } else {
            if let Some(s) = &self.scope
                && depth == s.depth + 1
                && let Some(f) = Field::of_element(name)
            {
                self.begin_capture(Target::Scope(f), depth);
            }
            Tag::Other
        };
        self.stack.push(tag);
    }

    /// The tags of the DNS settings' elements (and `<IPv4>`/`<IPv6>`); `None` for the others.
    fn dns_start(&mut self, name: &[u8], parent: Option<Tag>, depth: usize, line: usize, problems: &mut Problems) -> Option<Tag> {
        let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
        if (is("IPv4") || is("IPv6")) && self.family.is_none() && self.scope.is_none() && self.record.is_none() {
            let v6 = is("IPv6");
            self.family = Some(v6);
            return Some(Tag::Family(v6));
        }
        // Only the read pass gathers settings (the scan pass would report every problem twice).
        if !matches!(self.pass, Pass::Read { .. }) {
            return None;
        }
        if parent == Some(Tag::OptionValue) {
            if let Some(o) = &mut self.option {
                match OptionField::of_element(name) {
                    Some(f) => self.begin_capture(Target::Option(f), depth),
                    None => {
                        if o.unknown.is_none() {
                            o.unknown = Some(String::from_utf8_lossy(name).into_owned());
                        }
                    }
                }
            }
            return Some(Tag::Other);
        }
        if let Some(Tag::OptionValues(owner)) = parent {
            if is("OptionValue") {
                self.option = Some(OptionState { owner, line, id: String::new(), values: Vec::new(), vendor: String::new(), user: String::new(), unknown: None });
                return Some(Tag::OptionValue);
            }
            return None;
        }
        let owner = match parent {
            Some(Tag::Family(_)) => Owner::Server,
            Some(Tag::Scope) => Owner::Scope,
            Some(Tag::Reservation) => Owner::Reservation,
            _ => return None,
        };
        if is("OptionValues") {
            return Some(Tag::OptionValues(owner));
        }
        if dns_settings_like(name) {
            let element = String::from_utf8_lossy(name);
            let place = self.place(owner);
            problems.push(
                self.source,
                line,
                SkipReason::Malformed,
                format!("{place}: <{element}> is not a shape of DNS settings this reader knows (a server keeps them as option {}'s value); the DHCP DNS setting there is unknown", dns_settings::dns_option_id(self.family == Some(true))),
            );
            self.set_dns(owner, DnsAt::Unknown);
            return Some(Tag::Other);
        }
        None
    }

    /// Where a level is, for a problem's detail.
    fn place(&self, owner: Owner) -> String {
        let family = if self.family == Some(true) { "IPv6" } else { "IPv4" };
        match owner {
            Owner::Server => format!("{family} server level"),
            Owner::Scope => match self.scope.as_ref().and_then(|s| s.values.scope_id.as_deref().or(s.values.prefix.as_deref())) {
                Some(id) => format!("scope {}", quote(id).trim_matches('"')),
                None => "a scope".to_string(),
            },
            Owner::Reservation => match self.record.as_ref().and_then(|r| r.values.ip.as_deref()) {
                Some(ip) => format!("reservation {}", quote(ip).trim_matches('"')),
                None => "a reservation".to_string(),
            },
        }
    }

    /// Gives a level its DNS settings; an unreadable value at a level stays unknown there.
    fn set_dns(&mut self, owner: Owner, at: DnsAt) {
        let slot = match owner {
            Owner::Server => {
                if let Some(v6) = self.family {
                    self.dns.push((v6, Level::Server, at));
                }
                return;
            }
            Owner::Scope => self.scope.as_mut().map(|s| &mut s.dns),
            Owner::Reservation => self.record.as_mut().map(|r| &mut r.dns),
        };
        if let Some(slot) = slot
            && !matches!(slot, Some(DnsAt::Unknown))
        {
            *slot = Some(at);
        }
    }

    /// Ends an `<OptionValue>`: the level's DNS settings when it is their option.
    fn finish_option(&mut self, problems: &mut Problems) {
        let (Some(o), Some(v6)) = (self.option.take(), self.family) else { return };
        let owner = o.owner;
        let id = dns_settings::dns_option_id(v6);
        if o.id.trim().parse::<u32>().ok() != Some(id) {
            return;
        }
        // A class's value of the option is not the level's DNS setting.
        if !o.vendor.trim().is_empty() || !o.user.trim().is_empty() {
            return;
        }
        let read = match (&o.unknown, o.values.as_slice()) {
            (Some(element), _) => Err(format!("has an element <{element}> an option value does not have")),
            (None, [v]) => dns_settings::parse_dns_flags(v).and_then(|n| dns_settings::decode_dns_flags(n, v6)).map_err(|e| format!("value {e}")),
            (None, []) => Err("has no <Value>".to_string()),
            (None, values) => Err(format!("has {} <Value> elements, not one", values.len())),
        };
        let at = match read {
            Ok(s) => DnsAt::Known(s),
            Err(reason) => {
                let place = self.place(owner);
                problems.push(self.source, o.line, SkipReason::Malformed, format!("{place}: option {id} (the DNS settings) {reason}; the DHCP DNS setting there is unknown"));
                DnsAt::Unknown
            }
        };
        self.set_dns(owner, at);
    }

    fn begin_capture(&mut self, target: Target, depth: usize) {
        self.capture = Some((target, depth));
        self.text.clear();
    }

    fn end(&mut self, out: &mut Vec<Lease>, problems: &mut Problems) {
        let depth = self.stack.len();
        let tag = self.stack.pop();
        if let Some((target, d)) = self.capture
            && d == depth
        {
            self.capture = None;
            let value = self.text.trim().to_string();
            match target {
                Target::Record(f) => {
                    if let Some(r) = &mut self.record {
                        r.values.set(f, value);
                    }
                }
                Target::Scope(f) => {
                    if let Some(s) = &mut self.scope {
                        s.values.set(f, value);
                    }
                }
                Target::Option(f) => {
                    if let Some(o) = &mut self.option {
                        match f {
                            OptionField::OptionId => o.id = value,
                            OptionField::Value => o.values.push(value),
                            OptionField::VendorClass => o.vendor = value,
                            OptionField::UserClass => o.user = value,
                        }
                    }
                }
            }
        }
        match tag {
            Some(Tag::OptionValue) => self.finish_option(problems),
            Some(Tag::Family(_)) => self.family = None,
            Some(Tag::Lease | Tag::Reservation) => {
                if let Some(record) = self.record.take() {
                    if let Pass::Scan(scan) = &mut self.pass {
                        // Reservations have no expiry; a lease's is evidence of the order.
                        if let Some(expiry) = &record.values.expiry {
                            scan.add(expiry, record.expiry_line);
                        }
                        return;
                    }
                    let reservation = record.reservation;
                    let dns = record.dns;
                    match self.build(record) {
                        Ok(lease) if reservation => {
                            if let Some(at) = dns
                                && let Some(v6) = self.family
                            {
                                self.dns.push((v6, Level::Reservation(lease.ip), at));
                            }
                            self.reservations.push(lease);
                        }
                        Ok(lease) => out.push(lease),
                        Err((line, reason, detail)) => problems.push(self.source, line, reason, detail),
                    }
                }
            }
            Some(Tag::Scope) => self.finish_group(out),
            _ => {}
        }
    }

    fn build(&mut self, record: Record) -> Result<Lease, (usize, SkipReason, String)> {
        let Record { reservation, line, values: v, .. } = record;
        let what = if reservation { "Reservation" } else { "Lease" };
        let err = |reason, detail: String| (line, reason, detail);
        let ip_text = v.ip.as_deref().unwrap_or("");
        if ip_text.is_empty() {
            return Err(err(SkipReason::MissingField, format!("{what} has no IPAddress")));
        }
        let ip = windows_ip(ip_text).map_err(|(r, d)| err(r, d))?;
        fn trimmed(s: &Option<String>) -> Option<&str> {
            s.as_deref().map(str::trim).filter(|s| !s.is_empty())
        }
        let scope = trimmed(&v.scope_id).or_else(|| trimmed(&v.prefix)).unwrap_or("");
        let server = server_key(self.source, ip.is_ipv6());
        let mac = v.client_id.as_deref().and_then(normalize_mac);
        if reservation {
            return Ok(Lease {
                ip,
                hostname: v.name.as_deref().and_then(clean_hostname),
                mac,
                state: LeaseState::Reservation,
                expires: None,
                duration: None,
                origin: self.interner.origin(self.source, scope, super::Registration::Windows(""), &server),
                line,
            });
        }
        let state = address_state(v.state.as_deref().unwrap_or("")).map_err(|(r, d)| err(r, d))?;
        let expiry = v.expiry.as_deref().unwrap_or("");
        let (times, order) = match &self.pass {
            Pass::Read { times, order } => (*times, *order),
            // Not reached: a scan builds nothing.
            Pass::Scan(_) => return Err(err(SkipReason::BadTime, "LeaseExpiryTime read before the date order is known".into())),
        };
        let expires = windows_expiry(expiry, times, order).map_err(|(r, d)| err(r, d))?;
        Ok(Lease {
            ip,
            hostname: v.host_name.as_deref().and_then(clean_hostname),
            mac,
            state,
            expires,
            duration: None,
            origin: self.interner.origin(self.source, scope, super::Registration::Windows(trimmed(&v.dns_registration).unwrap_or("")), &server),
            line,
        })
    }

    /// Ends a scope (or the file): gives its leases the scope's id and lease duration, and
    /// emits the reservations no lease covers.
    fn finish_group(&mut self, out: &mut Vec<Lease>) {
        let scope = self.scope.take();
        let (scope_id, duration) = match &scope {
            Some(s) => (
                non_empty(s.values.scope_id.as_deref()).or_else(|| non_empty(s.values.prefix.as_deref())),
                s.values
                    .lease_duration
                    .as_deref()
                    .or(s.values.valid_lifetime.as_deref())
                    .and_then(parse_timespan),
            ),
            None => (None, None),
        };
        if let (Some(at), Some(id), Some(v6)) = (scope.as_ref().and_then(|s| s.dns), &scope_id, self.family) {
            self.dns.push((v6, Level::Scope(id.to_string()), at));
        }
        let start = self.group_start.min(out.len());
        let leased: HashSet<IpAddr> = if self.reservations.is_empty() {
            HashSet::new()
        } else {
            out[start..].iter().map(|l| l.ip).collect()
        };
        for r in self.reservations.drain(..) {
            if !leased.contains(&r.ip) {
                out.push(r);
            }
        }
        for l in &mut out[start..] {
            if l.origin.scope.is_none() && scope_id.is_some() {
                l.origin = self.interner.share(super::LeaseOrigin { scope: scope_id.clone(), ..(*l.origin).clone() });
            }
            if l.duration.is_none() {
                l.duration = duration;
            }
        }
        self.group_start = out.len();
    }
}

fn non_empty(s: Option<&str>) -> Option<Arc<str>> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(Arc::from)
}

#[cfg(test)]
mod tests;
