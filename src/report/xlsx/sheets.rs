//! The spreadsheet's small sheets: Fix list, Zones and Summary, written once the rows are in.

use chrono::{DateTime, Utc};
use rust_xlsxwriter::{Worksheet, XlsxError};

use super::{Formats, Kind, ZoneTally, categories};
use crate::report::fixes::FixGroup;
use crate::report::html::Input;

/// What the Summary sheet says: the title, the as-of and run time, the version, the inputs
/// and options as the HTML page's header lists them, then sections of labelled values (the
/// counts), as the stderr summary has them.
#[derive(Debug, Clone, Default)]
pub(crate) struct SummaryInfo {
    pub(crate) title: String,
    pub(crate) as_of: Option<DateTime<Utc>>,
    pub(crate) ran_at: Option<DateTime<Utc>>,
    /// The program's version, with its commit.
    pub(crate) version: String,
    /// Each input: what it is, where from, what it gave.
    pub(crate) inputs: Vec<Input>,
    /// The options that change the results, as `--name value` words.
    pub(crate) options: Vec<String>,
    pub(crate) sections: Vec<(String, Vec<(String, String)>)>,
}

/// How many rows the rows sheet was given and left out, for the Summary.
pub(super) struct RowCounts<'a> {
    pub(super) given: usize,
    pub(super) left_out: usize,
    pub(super) note: Option<&'a str>,
}

/// A cell holds at most this many characters (Excel's limit is 32,767).
const CELL_CHARS: usize = 32_000;

/// The note in the rows sheet's last row, and on Summary, when rows did not fit.
pub(super) fn left_out_note(left_out: usize, limit: u32) -> String {
    format!("{left_out} more rows left out: a sheet holds {limit} rows; the CSV has every row, and the Zones and Summary counts include them")
}

fn col(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

fn row(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// Writes a bold header row at row 0, with column widths.
fn header(sheet: &mut Worksheet, names: &[(&str, f64)], formats: &Formats) -> Result<(), XlsxError> {
    for (i, (name, width)) in names.iter().enumerate() {
        sheet.set_column_width(col(i), *width)?;
        sheet.write_string_with_format(0, col(i), *name, &formats.header)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    // Printed: landscape, one page wide.
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// The Fix list ([`FixGroup`]s, in the fix list's order): one row per group, its counts by
/// status (coloured), the action (wrapped) and the hosts. No group: a line saying so.
pub(super) fn fix_list(sheet: &mut Worksheet, groups: &[FixGroup], formats: &Formats) -> Result<(), XlsxError> {
    const WORDS: [&str; 4] = ["missing", "stale", "at-risk", "unknown"];
    let mut names: Vec<(&str, f64)> = vec![("cause", 50.0), ("hosts", 8.0)];
    names.extend(WORDS.iter().map(|w| (*w, 10.0)));
    names.extend([("at-risk high", 12.0), ("action", 80.0), ("host names", 60.0)]);
    header(sheet, &names, formats)?;
    if groups.is_empty() {
        sheet.write_string(1, 0, "No fix list in this report.")?;
        return Ok(());
    }
    for (r, g) in groups.iter().enumerate() {
        let r = row(r + 1);
        sheet.write_string_with_format(r, 0, &g.title, &formats.wrap)?;
        sheet.write_number(r, 1, g.total() as f64)?;
        for (i, (w, n)) in WORDS.iter().zip([g.missing, g.stale, g.at_risk, g.unknown]).enumerate() {
            let c = col(i + 2);
            match formats.status(w) {
                Some(fmt) if n > 0 => sheet.write_number_with_format(r, c, n as f64, fmt)?,
                _ => sheet.write_number(r, c, n as f64)?,
            };
        }
        sheet.write_number(r, 6, g.at_risk_high as f64)?;
        sheet.write_string_with_format(r, 7, &g.action, &formats.wrap)?;
        let hosts: Vec<String> = g.hosts.iter().map(|h| format!("{} ({}, {})", h.name, h.ip, h.status)).collect();
        sheet.write_string_with_format(r, 8, hosts_text(&hosts, g.total()), &formats.wrap)?;
    }
    sheet.autofilter(0, 0, row(groups.len()), col(names.len() - 1))?;
    Ok(())
}

/// The hosts, `; `-separated, cut to what a cell holds, with how many more of `total` (the
/// fix list keeps the first hosts of a large group; its counts cover every host).
fn hosts_text(hosts: &[String], total: usize) -> String {
    let mut text = String::new();
    for (i, h) in hosts.iter().enumerate() {
        let more = format!(" ... and {} more", total - i);
        if text.len() + h.len() + 2 + more.len() > CELL_CHARS {
            text.push_str(&more);
            return text;
        }
        if i > 0 {
            text.push_str("; ");
        }
        text.push_str(h);
    }
    if total > hosts.len() {
        text.push_str(&format!(" ... and {} more", total - hosts.len()));
    }
    text
}

/// Zones: per zone, its policy and aging, and the rows in it by status (verdict); then the
/// rows in no zone the data holds.
pub(super) fn zones(sheet: &mut Worksheet, tally: &ZoneTally, kind: Kind, formats: &Formats) -> Result<(), XlsxError> {
    let words = categories(kind);
    let mut names: Vec<(&str, f64)> = vec![("zone", 34.0), ("dynamic_updates", 16.0), ("aging", 34.0)];
    names.extend(words.iter().map(|w| (*w, 10.0)));
    names.push(("rows", 10.0));
    header(sheet, &names, formats)?;
    let mut r = 1;
    let lines = tally.zones.iter().map(|z| (z.name.as_str(), z.dynamic_updates.as_str(), z.aging.as_str(), &z.counts));
    let outside = (!tally.outside.is_empty()).then_some(("(in no zone read)", "", "", &tally.outside));
    for (name, policy, aging, counts) in lines.chain(outside) {
        sheet.write_string(r, 0, name)?;
        sheet.write_string(r, 1, policy)?;
        sheet.write_string(r, 2, aging)?;
        for (i, w) in words.iter().enumerate() {
            let n = counts.get(w).copied().unwrap_or(0);
            match formats.status(w) {
                Some(fmt) if n > 0 => sheet.write_number_with_format(r, col(i + 3), n as f64, fmt)?,
                _ => sheet.write_number(r, col(i + 3), n as f64)?,
            };
        }
        sheet.write_number(r, col(words.len() + 3), counts.values().sum::<usize>() as f64)?;
        r += 1;
    }
    sheet.autofilter(0, 0, r.saturating_sub(1).max(1), col(names.len() - 1))?;
    Ok(())
}

/// A titled block of text rows after a blank row, each value a string in its column; nothing
/// when there is no row. Returns the next free row.
fn text_block(sheet: &mut Worksheet, mut r: u32, title: &str, rows: &[Vec<&str>], formats: &Formats) -> Result<u32, XlsxError> {
    if rows.is_empty() {
        return Ok(r);
    }
    r += 1;
    sheet.write_string_with_format(r, 0, title, &formats.bold)?;
    for row in rows {
        r += 1;
        for (col, value) in (0u16..).zip(row) {
            sheet.write_string(r, col, *value)?;
        }
    }
    Ok(r + 1)
}

/// Summary: the title, the as-of and run time (dates), the version, the rows sheet's counts,
/// the inputs (what, from where, what each gave: three columns) and options, then `info`'s
/// sections.
pub(super) fn summary(sheet: &mut Worksheet, info: &SummaryInfo, rows: &RowCounts<'_>, formats: &Formats) -> Result<(), XlsxError> {
    sheet.set_column_width(0, 34.0)?;
    sheet.set_column_width(1, 60.0)?;
    sheet.set_column_width(2, 34.0)?;
    sheet.set_print_fit_to_pages(1, 0);
    sheet.write_string_with_format(0, 0, &info.title, &formats.bold)?;
    let mut r = 2;
    for (label, t) in [("as of (UTC)", info.as_of), ("run at (UTC)", info.ran_at)] {
        sheet.write_string(r, 0, label)?;
        if let Some(t) = t {
            sheet.write_datetime_with_format(r, 1, t.naive_utc(), &formats.date)?;
        }
        r += 1;
    }
    sheet.write_string(r, 0, "version")?;
    sheet.write_string(r, 1, &info.version)?;
    r += 2;
    sheet.write_string_with_format(r, 0, "Spreadsheet", &formats.bold)?;
    r += 1;
    for (label, n) in [("rows", rows.given), ("rows in the sheet", rows.given - rows.left_out), ("rows left out (sheet full)", rows.left_out)] {
        sheet.write_string(r, 0, label)?;
        sheet.write_number(r, 1, n as f64)?;
        r += 1;
    }
    if let Some(note) = rows.note {
        sheet.write_string(r, 1, note)?;
        r += 1;
    }
    let inputs: Vec<Vec<&str>> = info.inputs.iter().map(|i| vec![i.what, &i.from, &i.gave]).collect();
    r = text_block(sheet, r, "Inputs given", &inputs, formats)?;
    let options: Vec<Vec<&str>> = info.options.iter().map(|o| vec![o.as_str()]).collect();
    r = text_block(sheet, r, "Options that change results", &options, formats)?;
    for (title, lines) in &info.sections {
        r += 1;
        sheet.write_string_with_format(r, 0, title, &formats.bold)?;
        r += 1;
        for (label, value) in lines {
            sheet.write_string(r, 0, label)?;
            // A count is a number; anything else (a path, a word) stays text.
            match value.parse::<u64>() {
                Ok(n) if value.len() < 15 => sheet.write_number(r, 1, n as f64)?,
                _ => sheet.write_string(r, 1, value)?,
            };
            r += 1;
        }
    }
    Ok(())
}
