//! Zones listing (`--zones PATH`): the CSV `queries/windows/export-zone-settings.ps1` writes
//! from `Get-DnsServerZone` + `Get-DnsServerZoneAging`, columns `ZoneName,ZoneType,
//! DynamicUpdate,AgingEnabled,NoRefreshInterval,RefreshInterval,ScavengeServers`. Part of
//! stage 3 ([`crate::dns`]).
//!
//! Rules:
//! - Header by name, case-insensitive, any order; an optional `#TYPE` first line. `ZoneName`
//!   is required; the others may be absent (then that setting is not known).
//! - `DynamicUpdate` is `None`, `NonsecureAndSecure` or `Secure` (any case); `AgingEnabled`
//!   `True`/`False`; the intervals are .NET TimeSpans (`7.00:00:00`). An empty cell is not known.
//! - A bad value is a counted problem with its line, and that setting stays unknown (the rest
//!   of the row is kept): never a wrong value.
//! - `ZoneType` and `ScavengeServers` are not used.

use std::path::Path;
use std::sync::Arc;

use super::{DnsData, DynamicUpdates, ZoneSettings, normalize_name};
use crate::input::{self, Header, InputError, Problems, SkipReason};
use crate::timefmt;

/// Reads a zones listing file into `data.zone_settings`.
pub(crate) fn read_file(path: &Path, data: &mut DnsData, problems: &mut Problems) -> Result<(), InputError> {
    let text = input::read_text(path)?;
    parse(&text, &input::source_name(path), data, problems);
    Ok(())
}

struct Columns {
    zone: usize,
    dynamic_update: Option<usize>,
    aging: Option<usize>,
    no_refresh: Option<usize>,
    refresh: Option<usize>,
}

pub(crate) fn parse(text: &str, source: &Arc<str>, data: &mut DnsData, problems: &mut Problems) {
    let columns = |header: &Header| {
        let [zone] = header
            .required(["zonename"])
            .map_err(|missing| format!("the header lacks the column(s) {missing}; no zone read"))?;
        let c = Columns {
            zone,
            dynamic_update: header.find("dynamicupdate"),
            aging: header.find("agingenabled"),
            no_refresh: header.find("norefreshinterval"),
            refresh: header.find("refreshinterval"),
        };
        let width = [Some(c.zone), c.dynamic_update, c.aging, c.no_refresh, c.refresh].into_iter().flatten().max().unwrap_or(0) + 1;
        Ok((c, width))
    };
    input::read_csv_text(text, source, problems, columns, |row, c, line, problems| {
        let field = |i: Option<usize>| i.and_then(|i| row.get(i)).unwrap_or("").trim();
        let zone = normalize_name(field(Some(c.zone)));
        if zone.is_empty() {
            problems.push(source, line, SkipReason::MissingField, "empty ZoneName");
            return;
        }
        let mut bad = |what: &str, v: &str, expected: &str| {
            problems.push(source, line, SkipReason::Malformed, format!("zone {}: {what} {} is not {expected}; that setting is unknown", input::name_shown(&zone), input::quote(v)));
        };
        let mut s = ZoneSettings::default();
        let v = field(c.dynamic_update);
        if !v.is_empty() {
            s.dynamic_updates = DynamicUpdates::from_name(v);
            if s.dynamic_updates.is_none() {
                bad("DynamicUpdate", v, "None, NonsecureAndSecure or Secure");
            }
        }
        let v = field(c.aging);
        if !v.is_empty() {
            s.aging.enabled = match v.to_ascii_lowercase().as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            };
            if s.aging.enabled.is_none() {
                bad("AgingEnabled", v, "True or False");
            }
        }
        for (what, col, slot) in [("NoRefreshInterval", c.no_refresh, &mut s.aging.no_refresh), ("RefreshInterval", c.refresh, &mut s.aging.refresh)] {
            let v = field(col);
            if v.is_empty() {
                continue;
            }
            // A negative or zero interval is no aging setting a server accepts.
            *slot = timefmt::parse_timespan(v).filter(|d| *d > chrono::TimeDelta::zero());
            if slot.is_none() {
                bad(what, v, "a positive interval (d.hh:mm:ss)");
            }
        }
        data.zone_settings.insert(zone, s);
    });
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;
    use crate::input::Problem;
    use crate::input::test_support::reasons;

    const HEADER: &str = "ZoneName,ZoneType,DynamicUpdate,AgingEnabled,NoRefreshInterval,RefreshInterval,ScavengeServers\n";

    fn read(text: &str) -> (DnsData, Vec<Problem>) {
        let mut data = DnsData::default();
        let mut problems = Problems::default();
        parse(text, &Arc::from("zones.csv"), &mut data, &mut problems);
        (data, problems.list)
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

    #[test]
    fn bad_values_are_counted_and_stay_unknown() {
        let text = format!("{HEADER}z.test,Primary,Sometimes,Yes,7 days,-1.00:00:00,\n");
        let (d, problems) = read(&text);
        let z = settings(&d, "z.test");
        assert_eq!(z, ZoneSettings::default());
        assert_eq!(reasons(&problems), vec![(2, SkipReason::Malformed); 4]);
        let details: Vec<&str> = problems.iter().map(|p| p.detail.as_str()).collect();
        assert_eq!(details, [
            "zone z.test: DynamicUpdate \"Sometimes\" is not None, NonsecureAndSecure or Secure; that setting is unknown",
            "zone z.test: AgingEnabled \"Yes\" is not True or False; that setting is unknown",
            "zone z.test: NoRefreshInterval \"7 days\" is not a positive interval (d.hh:mm:ss); that setting is unknown",
            "zone z.test: RefreshInterval \"-1.00:00:00\" is not a positive interval (d.hh:mm:ss); that setting is unknown",
        ]);
    }

    #[test]
    fn truncated_empty_bom_crlf() {
        let (d, problems) = read(&format!("{HEADER}z.test,Primary,Secure\n"));
        assert!(d.zone_settings.is_empty());
        assert_eq!(reasons(&problems), vec![(2, SkipReason::Truncated)]);
        let (d, problems) = read("");
        assert!(d.zone_settings.is_empty() && problems.is_empty());
        let (d, problems) = read("ZoneType\nPrimary\n");
        assert!(d.zone_settings.is_empty());
        assert_eq!(problems[0].detail, "the header lacks the column(s) zonename; no zone read");
        let plain = format!("{HEADER}z.test,Primary,Secure,True,7.00:00:00,7.00:00:00,\n");
        let (d, problems) = read(&format!("\u{feff}{}", plain.replace('\n', "\r\n")));
        assert!(problems.is_empty(), "{problems:?}");
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
