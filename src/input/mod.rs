//! What every reader shares: turning an export file into text (BOM, UTF-16, CRLF tolerant),
//! whole or streamed ([`stream`]), CSV rows with their lines ([`rows`]), and the record of input
//! problems (file, line, reason) that the summary counts.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::vocab::vocabulary;

pub(crate) mod paths;
mod rows;
pub(crate) mod stream;

pub(crate) use rows::{CsvStream, Tap, csv_column_order, read_csv_rows, read_strict_csv};
pub use stream::ReadError;
pub(crate) use stream::{Lines, SkipBom, TextFile};

/// A file that could not be read at all. Stops the run (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    // The I/O error is in the message, not a `source`: `{:#}` would print it twice.
    #[error("cannot read {path}: {error}")]
    Io { path: PathBuf, error: std::io::Error },
    #[error("{path}: {reason}")]
    Unrecognised { path: PathBuf, reason: String },
    /// A defect at a line of a file read strictly (the cause files, where a half-read file
    /// would give wrong causes): what was wrong there.
    #[error("{path}:{line}: {reason}")]
    AtLine { path: PathBuf, line: usize, reason: String },
    /// Culture-formatted dates whose day/month order the file does not tell (the error names it).
    #[error(transparent)]
    DateOrder(#[from] crate::timefmt::DateOrderError),
}

/// Reads a whole export as text. Windows tools write UTF-8 with or without a BOM, UTF-16 LE
/// (`Out-File` in Windows PowerShell) or ANSI; all are accepted. The BOM is removed. The same
/// path as the streamed exports' ([`TextFile`]): one decoder for every export file.
pub(crate) fn read_text(path: &Path) -> Result<String, InputError> {
    TextFile::open(path)?.text()
}

/// Decodes export bytes; see [`read_text`].
pub fn decode(bytes: Vec<u8>) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return utf8_or_latin1(rest.to_vec());
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let le = bytes[0] == 0xFF;
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| if le { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) })
            .collect();
        return String::from_utf16_lossy(&units);
    }
    // UTF-8 without a BOM, or an ANSI export (dnscmd, older PowerShell).
    utf8_or_latin1(bytes)
}

/// The text of bytes: UTF-8 when they are, else one char per byte (Latin-1), so that every
/// byte stays visible and none is dropped or replaced (files, and unescaped values).
pub(crate) fn utf8_or_latin1(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| e.as_bytes().iter().map(|&b| char::from(b)).collect())
}

vocabulary! {
    /// Why an input record was skipped. A closed vocabulary: the summary groups by it.
    pub(crate) SkipReason {
        /// An address that does not parse as IPv4/IPv6.
        BadAddress => "bad address",
        /// A time or duration that does not parse.
        BadTime => "bad time",
        /// A required field is absent or empty.
        MissingField => "missing field",
        /// The record ends early (cut-off line, unterminated block).
        Truncated => "truncated record",
        /// Anything else malformed in the record's syntax.
        Malformed => "malformed record",
        /// A record type the audit does not use (e.g. MX in a zone export); counted, not an error.
        UnusedType => "record type not used",
        /// A later record for the same key replaced this one.
        Superseded => "superseded by a later record",
        /// The source refused to let us read it (an AD zone without read rights).
        AccessDenied => "access denied",
        /// A record in a zone export that the zone is not authoritative for: outside its origin,
        /// or glue at or below a delegation (NS at a non-apex owner). Expected; counted, not kept.
        OutsideZone => "outside the zone",
        /// A source that gave no usable answer (unreachable, cut off) for an optional part,
        /// such as a Kea endpoint's `config-get`: counted, the run goes on without that part.
        NoAnswer => "no answer",
        /// A record owner's SID (or the forest's domains) that could not be resolved to an
        /// account: the owner is shown as the SID.
        UnresolvedOwner => "owner not resolved",
    }
}

impl SkipReason {
    /// Whether this skip is a defect in the input (warned about) rather than expected filtering.
    pub(crate) fn is_defect(self) -> bool {
        !matches!(self, SkipReason::UnusedType | SkipReason::Superseded | SkipReason::OutsideZone)
    }
}

/// One skipped input record: where it was and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// The file (or URL) as the user named it.
    pub(crate) source: Arc<str>,
    /// 1-based line of the record's start; 0 when the source has no lines.
    pub(crate) line: usize,
    pub(crate) reason: SkipReason,
    /// What exactly was wrong, quoting the offending value.
    pub(crate) detail: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}: {}", self.source, self.line, self.reason, self.detail)
        } else {
            write!(f, "{}: {}: {}", self.source, self.reason, self.detail)
        }
    }
}

/// Problems gathered by a reader; the run goes on and the summary counts them.
#[derive(Debug, Default, Clone)]
pub struct Problems {
    pub(crate) list: Vec<Problem>,
}

impl Problems {
    pub(crate) fn push(&mut self, source: &Arc<str>, line: usize, reason: SkipReason, detail: impl Into<String>) {
        self.list.push(Problem { source: Arc::clone(source), line, reason, detail: detail.into() });
    }

    /// Moves `other`'s problems to the end of these, in their order.
    pub(crate) fn append(&mut self, mut other: Problems) {
        self.list.append(&mut other.list);
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }
}

/// Iterates the lines of a text with their 1-based numbers, without the line ending (LF or CRLF).
pub(crate) fn numbered_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
}

/// A source name for problems and the `source` column: the path as the user wrote it.
pub(crate) fn source_name(path: &Path) -> Arc<str> {
    Arc::from(path.display().to_string())
}

/// A CSV header row: column positions by name, matched trimmed (spaces and a stray BOM) and
/// ASCII case-insensitively; the first column of a name wins.
pub(crate) struct Header {
    names: Vec<String>,
}

impl Header {
    pub(crate) fn new<S: AsRef<str>>(fields: impl IntoIterator<Item = S>) -> Header {
        let names = fields
            .into_iter()
            .map(|f| f.as_ref().trim().trim_start_matches('\u{feff}').trim().to_ascii_lowercase())
            .collect();
        Header { names }
    }

    /// How many fields the header has.
    pub(crate) fn width(&self) -> usize {
        self.names.len()
    }

    /// The column named `name`.
    pub(crate) fn find(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n.eq_ignore_ascii_case(name))
    }

    /// The column of the first of `names` (in that order of preference) the header has.
    pub(crate) fn find_any(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| self.find(n))
    }

    /// The columns of `names`, all required: their positions, or the ones the header lacks.
    pub(crate) fn required<const N: usize>(&self, names: [&'static str; N]) -> Result<[usize; N], MissingColumns> {
        let mut cols = [0; N];
        let mut missing = Vec::new();
        for (slot, name) in cols.iter_mut().zip(names) {
            match self.find(name) {
                Some(i) => *slot = i,
                None => missing.push(name),
            }
        }
        if missing.is_empty() { Ok(cols) } else { Err(MissingColumns(missing)) }
    }
}

/// Required columns a CSV header lacks, in the order they were asked for; displayed as the
/// list `a, b` that the readers' "missing column(s)" problems quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MissingColumns(pub(crate) Vec<&'static str>);

impl MissingColumns {
    /// The first column missing.
    pub(crate) fn first(&self) -> &'static str {
        self.0.first().copied().unwrap_or("")
    }
}

impl fmt::Display for MissingColumns {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(", "))
    }
}

/// Physical line numbers from byte offsets in a whole text, counted incrementally (offsets
/// mostly move forward); [`CsvStream`] counts them in a stream.
pub(crate) struct LineCounter<'a> {
    text: &'a [u8],
    /// Bytes before `pos` are counted; `line` is the line `pos` is on.
    pos: usize,
    line: usize,
    first_line: usize,
}

impl<'a> LineCounter<'a> {
    /// `first_line` is the number of the text's first line.
    pub(crate) fn new(text: &'a str, first_line: usize) -> Self {
        LineCounter { text: text.as_bytes(), pos: 0, line: first_line, first_line }
    }

    /// The 1-based line the byte at `byte` is on.
    pub(crate) fn line_at(&mut self, byte: u64) -> usize {
        let at = usize::try_from(byte).unwrap_or(usize::MAX).min(self.text.len());
        if at < self.pos {
            self.pos = 0;
            self.line = self.first_line;
        }
        self.line += self.text[self.pos..at].iter().filter(|&&b| b == b'\n').count();
        self.pos = at;
        self.line
    }
}

/// Quotes an input value for a problem's detail: escaped (no control characters reach the
/// terminal) and cut to a readable length.
pub(crate) fn quote(s: &str) -> String {
    const MAX: usize = 80;
    match s.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{:?}...", &s[..cut]),
        None => format!("{s:?}"),
    }
}

/// A name (a zone, a record's owner, a record type) as a problem or the summary shows it: as
/// it is when it is a valid DNS name (nothing there can reach the terminal as a control), else
/// through [`quote`], escaped and cut like every other input value.
pub(crate) fn name_shown(s: &str) -> std::borrow::Cow<'_, str> {
    match crate::dns::invalid_name(s) {
        None => std::borrow::Cow::Borrowed(s),
        Some(_) => std::borrow::Cow::Owned(quote(s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_boms_and_ansi() {
        assert_eq!(decode(b"\xEF\xBB\xBFa,b\r\n".to_vec()), "a,b\r\n");
        assert_eq!(decode(vec![0xFF, 0xFE, b'h', 0, b'i', 0]), "hi");
        assert_eq!(decode(vec![0xFE, 0xFF, 0, b'h', 0, b'i']), "hi");
        assert_eq!(decode(b"caf\xE9".to_vec()), "café");
    }

    #[test]
    fn header_columns_by_name() {
        let h = Header::new([" ZoneName ", "\u{feff}HostName", "hostname", "Data"]);
        assert_eq!((h.width(), h.find("zonename"), h.find("HOSTNAME"), h.find("ttl")), (4, Some(0), Some(1), None));
        assert_eq!(h.find_any(&["cn", "data", "zonename"]), Some(3));
        assert_eq!(h.required(["hostname", "zonename"]), Ok([1, 0]));
        let missing = h.required(["zonename", "recordtype", "timestamp"]).unwrap_err();
        assert_eq!((missing.to_string().as_str(), missing.first()), ("recordtype, timestamp", "recordtype"));
    }

    /// Values from the inputs reach stderr escaped and cut (issue 19: an OSC escape in a zone
    /// name set the terminal's title; 20 MiB cells gave 126 MB of stderr).
    #[test]
    fn values_and_names_are_shown_escaped_and_cut() {
        assert_eq!(quote("\u{1b}]0;pwned\u{7}"), "\"\\u{1b}]0;pwned\\u{7}\"");
        assert_eq!(quote("pc\u{202E}1"), "\"pc\\u{202e}1\"");
        let huge = "x".repeat(20 << 20);
        assert_eq!(quote(&huge), format!("{:?}...", "x".repeat(80)));
        assert_eq!(name_shown("corp.example.test"), "corp.example.test");
        assert_eq!(name_shown("café.test"), "café.test");
        assert_eq!(name_shown("evil\u{1b}]0;x\u{7}.test"), "\"evil\\u{1b}]0;x\\u{7}.test\"");
        assert_eq!(name_shown("pc\u{202E}1.test"), "\"pc\\u{202e}1.test\"");
        assert_eq!(name_shown(&huge).len(), 85);
    }

    #[test]
    fn numbered_lines_strip_crlf() {
        let v: Vec<_> = numbered_lines("a\r\nb\nc").collect();
        assert_eq!(v, vec![(1, "a"), (2, "b"), (3, "c")]);
    }
}
