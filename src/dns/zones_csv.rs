//! Zones listing (`--zones PATH`): the CSV `queries/windows/export-zone-settings.ps1` writes
//! from `Get-DnsServerZone` + `Get-DnsServerZoneAging`, columns `ZoneName,ZoneType,
//! DynamicUpdate,AgingEnabled,NoRefreshInterval,RefreshInterval,ScavengeServers`. Part of
//! stage 3 ([`crate::dns`]).
//!
//! Rules (issue #19: the listing is the servers' configuration, read strictly, every defect
//! stops the run naming the file and line: a zone half-read would age or judge its records by
//! a wrong setting):
//! - Header by name, case-insensitive, any order; an optional `#TYPE` first line. `ZoneName`
//!   is required (its absence is an error naming it); the others may be absent (then that
//!   setting is not known). A row with more or fewer fields than the header is an error.
//! - `DynamicUpdate` is `None`, `NonsecureAndSecure` or `Secure` (any case); `AgingEnabled`
//!   `True`/`False`; the intervals are durations read by the options' one parser
//!   ([`timefmt::parse_duration`]: `7.00:00:00` as the script writes them, or `7d`), positive
//!   and at most ten years, the options' bound. An empty cell is not known; any other value
//!   is an error.
//! - A zone listed twice (in one file or two) with the same settings is one zone; with other
//!   settings it is an error naming both lines (which one the server has cannot be told).
//! - `ZoneType` and `ScavengeServers` are not used.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{DnsData, DynamicUpdates, ZoneSettings, normalize_name};
use crate::input::{self, Header, InputError};
use crate::timefmt;

/// Where each zone was listed first: its file and line, and the settings read there.
pub(crate) type Listed = HashMap<String, (Arc<str>, usize, ZoneSettings)>;

/// Reads the zones listing files, in order, into `data.zone_settings`.
pub(crate) fn read_files(paths: &[PathBuf], data: &mut DnsData) -> Result<(), InputError> {
    let mut listed = Listed::new();
    for path in paths {
        read_file(path, data, &mut listed)?;
    }
    Ok(())
}

/// Reads one zones listing file into `data.zone_settings`; `listed` holds the zones of the
/// files read before.
pub(crate) fn read_file(path: &Path, data: &mut DnsData, listed: &mut Listed) -> Result<(), InputError> {
    let text = input::read_text(path)?;
    parse(&text, &input::source_name(path), data, listed)
}

struct Columns {
    zone: Option<usize>,
    dynamic_update: Option<usize>,
    aging: Option<usize>,
    no_refresh: Option<usize>,
    refresh: Option<usize>,
}

pub(crate) fn parse(text: &str, source: &Arc<str>, data: &mut DnsData, listed: &mut Listed) -> Result<(), InputError> {
    let columns = |header: &Header| Columns {
        zone: header.find("zonename"),
        dynamic_update: header.find("dynamicupdate"),
        aging: header.find("agingenabled"),
        no_refresh: header.find("norefreshinterval"),
        refresh: header.find("refreshinterval"),
    };
    input::read_strict_csv(text, source, &["ZoneName"], columns, |row, c, line| {
        let field = |i: Option<usize>| i.and_then(|i| row.get(i)).unwrap_or("").trim();
        let zone = normalize_name(field(c.zone));
        if zone.is_empty() {
            return Err("empty ZoneName".to_string());
        }
        let bad = |what: &str, v: &str, expected: &str| format!("zone {}: {what} {} is not {expected}", input::name_shown(&zone), input::quote(v));
        let mut s = ZoneSettings::default();
        let v = field(c.dynamic_update);
        if !v.is_empty() {
            s.dynamic_updates = Some(DynamicUpdates::from_name(v).ok_or_else(|| bad("DynamicUpdate", v, "None, NonsecureAndSecure or Secure"))?);
        }
        let v = field(c.aging);
        if !v.is_empty() {
            s.aging.enabled = Some(match v.to_ascii_lowercase().as_str() {
                "true" => true,
                "false" => false,
                _ => return Err(bad("AgingEnabled", v, "True or False")),
            });
        }
        for (what, col, slot) in [("NoRefreshInterval", c.no_refresh, &mut s.aging.no_refresh), ("RefreshInterval", c.refresh, &mut s.aging.refresh)] {
            let v = field(col);
            if v.is_empty() {
                continue;
            }
            // The options' parser and bound: one rule for an interval wherever it is given.
            let d = timefmt::parse_duration(v).map_err(|m| format!("zone {zone}: {what} {m}"))?;
            // A zero interval is no aging setting a server accepts.
            if d <= chrono::TimeDelta::zero() {
                return Err(bad(what, v, "a positive interval (d.hh:mm:ss)"));
            }
            *slot = Some(d);
        }
        if let Some((first, first_line, before)) = listed.get(&zone) {
            if *before != s {
                return Err(format!("zone {zone} is listed again with other settings (first at {first}:{first_line}); keep one row per zone"));
            }
            return Ok(());
        }
        listed.insert(zone.clone(), (Arc::clone(source), line, s.clone()));
        data.zone_settings.insert(zone, s);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;

    const HEADER: &str = "ZoneName,ZoneType,DynamicUpdate,AgingEnabled,NoRefreshInterval,RefreshInterval,ScavengeServers\n";

    fn read(text: &str) -> (DnsData, Vec<String>) {
        let mut data = DnsData::default();
        let errors = parse(text, &Arc::from("zones.csv"), &mut data, &mut Listed::new()).err().map(|e| e.to_string()).into_iter().collect();
        (data, errors)
    }

    fn error(text: &str) -> String {
        read(text).1.join("")
    }

    fn settings(d: &DnsData, zone: &str) -> ZoneSettings {
        d.zone_settings.get(zone).cloned().unwrap_or_default()
    }

    #[test]
    fn valid_rows() {
        let text = format!(
            "#TYPE Selected.System.Management.Automation.PSCustomObject\n{HEADER}\
             \"Corp.Example.Test.\",\"Primary\",\"Secure\",\"True\",\"7.00:00:00\",\"7.00:00:00\",\"\"\n\
             legacy.example.test,Primary,NonsecureAndSecure,False,,,\n\
             16.0.10.in-addr.arpa,Primary,None,True,3.00:00:00,4.12:00:00,10.0.0.10\n"
        );
        let (d, problems) = read(&text);
        assert!(problems.is_empty(), "{problems:?}");
        let corp = settings(&d, "corp.example.test");
        assert_eq!(corp.dynamic_updates, Some(DynamicUpdates::Secure));
        assert_eq!((corp.aging.enabled, corp.aging.no_refresh, corp.aging.refresh), (Some(true), Some(TimeDelta::days(7)), Some(TimeDelta::days(7))));
        let legacy = settings(&d, "legacy.example.test");
        assert_eq!((legacy.dynamic_updates, legacy.aging.enabled, legacy.aging.no_refresh), (Some(DynamicUpdates::Nonsecure), Some(false), None));
        let rev = settings(&d, "16.0.10.in-addr.arpa");
        assert_eq!((rev.dynamic_updates, rev.aging.refresh), (Some(DynamicUpdates::None), Some(TimeDelta::hours(108))));
    }

    /// Issue #19 item 8: every bad value stops the run naming the file, line and value.
    #[test]
    fn bad_values_are_errors_naming_the_line() {
        for (row, expected) in [
            ("z.test,Primary,Sometimes,True,,,", "zones.csv:2: zone z.test: DynamicUpdate \"Sometimes\" is not None, NonsecureAndSecure or Secure"),
            ("z.test,Primary,Secure,Yes,,,", "zones.csv:2: zone z.test: AgingEnabled \"Yes\" is not True or False"),
            ("z.test,Primary,Secure,True,7 days,,", "zones.csv:2: zone z.test: NoRefreshInterval '7 days': unknown unit 'days' (use w, d, h, m, s or ms, or d.hh:mm:ss)"),
            ("z.test,Primary,Secure,True,,-1.00:00:00,", "zones.csv:2: zone z.test: RefreshInterval '-1.00:00:00' is negative"),
            ("z.test,Primary,Secure,True,00:00:00,,", "zones.csv:2: zone z.test: NoRefreshInterval \"00:00:00\" is not a positive interval (d.hh:mm:ss)"),
            ("z.test,Primary,Secure,True,7,,", "zones.csv:2: zone z.test: NoRefreshInterval '7' has no unit: add one, like 7d (days), 7h, 7m, 7s or 7ms"),
            // The options' ten-year bound, not a wrap into `unknown` timestamps.
            ("z.test,Primary,Secure,True,99999999999.00:00:00,,", "zones.csv:2: zone z.test: NoRefreshInterval '99999999999.00:00:00' is longer than ten years (3650d)"),
            ("z.test,Primary,Secure,True,3651.00:00:00,,", "zones.csv:2: zone z.test: NoRefreshInterval '3651.00:00:00' is longer than ten years (3650d)"),
            (",Primary,Secure,True,,,", "zones.csv:2: empty ZoneName"),
            ("z.test,Primary,Secure,True,,,,extra", "zones.csv:2: 8 fields where the header has 7: a value holds an unquoted comma, or the row is not of this file"),
            ("z.test,Primary,Secure", "zones.csv:2: 3 fields where the header has 7: the row is cut off"),
        ] {
            assert_eq!(error(&format!("{HEADER}{row}\n")), expected, "{row}");
        }
        // Intervals in the options' form are the same durations.
        let (d, errors) = read(&format!("{HEADER}z.test,Primary,Secure,True,7d,168h,\n"));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(settings(&d, "z.test").aging.no_refresh, Some(TimeDelta::days(7)));
        assert_eq!(settings(&d, "z.test").aging.refresh, Some(TimeDelta::days(7)));
    }

    /// Issue #19 item 8: a zone listed twice with other settings is an error naming both
    /// lines, in one file or across two; listed twice alike, it is one zone.
    #[test]
    fn conflicting_duplicates_name_both_lines() {
        let text = format!("{HEADER}z.test,Primary,Secure,True,7.00:00:00,7.00:00:00,\nother.test,Primary,None,False,,,\nZ.Test.,Primary,NonsecureAndSecure,True,7.00:00:00,7.00:00:00,\n");
        assert_eq!(error(&text), "zones.csv:4: zone z.test is listed again with other settings (first at zones.csv:2); keep one row per zone");
        let text = format!("{HEADER}z.test,Primary,Secure,True,7.00:00:00,7.00:00:00,\nz.test,Primary,Secure,True,7d,7d,dc2\n");
        let (d, errors) = read(&text);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(settings(&d, "z.test").dynamic_updates, Some(DynamicUpdates::Secure));
        let mut data = DnsData::default();
        let mut listed = Listed::new();
        parse(&format!("{HEADER}z.test,Primary,Secure,True,,,\n"), &Arc::from("a.csv"), &mut data, &mut listed).unwrap();
        let e = parse(&format!("{HEADER}\nz.test,Primary,Secure,False,,,\n"), &Arc::from("b.csv"), &mut data, &mut listed).unwrap_err();
        assert_eq!(e.to_string(), "b.csv:3: zone z.test is listed again with other settings (first at a.csv:2); keep one row per zone");
    }

    #[test]
    fn empty_bom_crlf_and_the_required_column() {
        let (d, errors) = read("");
        assert!(d.zone_settings.is_empty() && errors.is_empty());
        assert_eq!(error("ZoneType\nPrimary\n"), "zones.csv:1: the header lacks the required column(s) ZoneName");
        let plain = format!("{HEADER}z.test,Primary,Secure,True,7.00:00:00,7.00:00:00,\n");
        let (d, errors) = read(&format!("\u{feff}{}", plain.replace('\n', "\r\n")));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(settings(&d, "z.test"), read(&plain).0.zone_settings.get("z.test").cloned().unwrap_or_default());
        assert_eq!(settings(&d, "z.test").dynamic_updates, Some(DynamicUpdates::Secure));
    }

    #[test]
    fn applied_to_read_zones_and_looked_up_by_suffix() {
        let (mut d, _) = read(&format!("{HEADER}z.test,Primary,NonsecureAndSecure,False,2.00:00:00,,\nother.test,Primary,None,True,,,\n"));
        let src: Arc<str> = Arc::from("z.dns");
        let z = d.zone_id("z.test", &src);
        d.apply_zone_settings();
        let zone = &d.zones[z.index()];
        assert_eq!((zone.dynamic_updates, zone.aging.enabled, zone.aging.no_refresh), (Some(DynamicUpdates::Nonsecure), Some(false), Some(TimeDelta::days(2))));
        assert_eq!(d.dynamic_updates("pc1.z.test"), Some(DynamicUpdates::Nonsecure));
        // A listed zone whose records were not read still gives its policy, and is no zone read.
        assert_eq!(d.dynamic_updates("pc1.other.test"), Some(DynamicUpdates::None));
        assert!(!d.holds("pc1.other.test"));
        assert_eq!(d.dynamic_updates("pc1.elsewhere.test"), None);
        // Findings once per zone: z.test is nonsecure; other.test takes no updates with aging on.
        let f: Vec<String> = d.zone_findings(false).iter().map(|(z, f)| format!("zone {z} {f}")).collect();
        assert_eq!(f, [
            "zone other.test accepts no dynamic updates but ages its records: its dynamic records can never be refreshed, so scavenging deletes them all; allow secure dynamic updates or turn aging off",
            "zone z.test accepts nonsecure dynamic updates: anyone on the network can take over its names; set it to Secure only",
        ]);
    }

    #[test]
    fn a_none_zone_without_aging_is_no_finding() {
        let (d, _) = read(&format!("{HEADER}z.test,Primary,None,False,,,\ny.test,Primary,None,,,,\nx.test,Primary,Secure,True,,,\n"));
        assert!(d.zone_findings(false).is_empty());
        assert_eq!(d.zone_findings(true).len(), 2);
    }
}
