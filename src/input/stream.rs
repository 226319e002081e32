//! Export files as decoded text, read from the start as often as a reader needs and a block at
//! a time: the large exports are parsed from this stream, never held whole (issue #13). The
//! text is exactly [`super::decode`]'s: a UTF-8 BOM removed, UTF-16 with a BOM decoded, else
//! UTF-8 when the whole file is UTF-8, else Latin-1 (decided by a validating pass at open).

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use super::InputError;
use crate::timefmt::DateOrderError;

/// Bytes read from a file at a time.
pub(crate) const BLOCK: usize = 64 * 1024;

/// Lines with content (not blank, not `#`) that [`TextFile::head`] reads: more than any
/// format detection looks at.
const HEAD_LINES: usize = 64;

/// Why a streamed reader stopped. [`ReadError::at`] names the file.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file failed to read part-way.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// Culture-formatted dates whose day/month order the file does not tell.
    #[error(transparent)]
    DateOrder(#[from] DateOrderError),
    /// Not the format it was read as; the reason.
    #[error("{0}")]
    Unrecognised(String),
}

impl ReadError {
    /// The run's error for this failure of the file at `path`.
    pub(crate) fn at(self, path: &Path) -> InputError {
        match self {
            ReadError::Io(error) => InputError::Io { path: path.to_path_buf(), error },
            ReadError::DateOrder(e) => InputError::DateOrder(e),
            ReadError::Unrecognised(reason) => InputError::Unrecognised { path: path.to_path_buf(), reason },
        }
    }
}

/// How a file's bytes become text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// UTF-8, after a 3-byte BOM when `bom`.
    Utf8 { bom: bool },
    /// One char per byte: a file (after its UTF-8 BOM, if any) that is not wholly UTF-8.
    Latin1 { bom: bool },
    /// UTF-16 after its 2-byte BOM.
    Utf16 { big_endian: bool },
}

const UTF8_BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

impl Encoding {
    fn bom_len(self) -> usize {
        match self {
            Encoding::Utf8 { bom: true } | Encoding::Latin1 { bom: true } => 3,
            Encoding::Utf16 { .. } => 2,
            Encoding::Utf8 { bom: false } | Encoding::Latin1 { bom: false } => 0,
        }
    }

    /// The encoding [`super::decode`] would read a stream's bytes with. Reads the stream to
    /// its end (unless it is UTF-16 or a byte proves it is not UTF-8), `block` bytes at a time,
    /// carrying a UTF-8 sequence cut by a block's end over to the next.
    pub(crate) fn sniff(mut r: impl Read, block: usize) -> io::Result<Encoding> {
        let block = block.max(1);
        let mut buf = vec![0u8; block + 3];
        let mut carry = read_full(&mut r, &mut buf[..3])?;
        let bom = buf[..carry] == UTF8_BOM;
        if bom {
            carry = 0;
        } else if carry >= 2 && matches!(buf[..2], [0xFF, 0xFE] | [0xFE, 0xFF]) {
            return Ok(Encoding::Utf16 { big_endian: buf[0] == 0xFE });
        }
        loop {
            let got = read_some(&mut r, &mut buf[carry..carry + block])?;
            let len = carry + got;
            let Some(bytes) = buf.get(..len) else { return Ok(Encoding::Latin1 { bom }) };
            carry = match std::str::from_utf8(bytes) {
                Ok(_) => 0,
                // A sequence cut by the block's end, unless the file ends there.
                Err(e) if e.error_len().is_none() && got > 0 => {
                    buf.copy_within(e.valid_up_to()..len, 0);
                    len - e.valid_up_to()
                }
                Err(_) => return Ok(Encoding::Latin1 { bom }),
            };
            if got == 0 {
                return Ok(Encoding::Utf8 { bom });
            }
        }
    }
}

/// The text of a stream of bytes in a known [`Encoding`], as UTF-8 bytes, decoded a block at a
/// time (a UTF-16 surrogate pair or odd byte cut by a block's end carried over to the next).
pub(crate) struct Decoder<R> {
    inner: R,
    encoding: Encoding,
    /// Bytes read: the carried-over ones first, then a block.
    raw: Vec<u8>,
    /// How many bytes at the start of `raw` wait for the rest of their character.
    carry: usize,
    /// A UTF-16 high surrogate waiting for its low half.
    high: Option<u16>,
    /// Bytes decoded so far after the BOM (UTF-16), to say where a misalignment is.
    consumed: u64,
    /// Decoded text not yet handed out, from `pos` on.
    out: Vec<u8>,
    pos: usize,
    started: bool,
    done: bool,
}

impl<R: Read> Decoder<R> {
    pub(crate) fn new(inner: R, encoding: Encoding, block: usize) -> Decoder<R> {
        let block = block.max(1);
        Decoder { inner, encoding, raw: vec![0; block + 3], carry: 0, high: None, consumed: 0, out: Vec::new(), pos: 0, started: false, done: false }
    }

    /// Decodes the next block into `out`; at the end, what is left.
    fn fill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.pos = 0;
        if !self.started {
            self.started = true;
            let mut bom = [0u8; 3];
            let n = self.encoding.bom_len();
            read_full(&mut self.inner, &mut bom[..n])?;
        }
        let block = self.raw.len() - 3;
        let got = read_some(&mut self.inner, &mut self.raw[self.carry..self.carry + block])?;
        let len = self.carry + got;
        if got == 0 {
            self.done = true;
        }
        let raw = self.raw.get(..len).unwrap_or(&[]);
        match self.encoding {
            Encoding::Latin1 { .. } => {
                for &b in raw {
                    push_char(&mut self.out, char::from(b));
                }
                self.carry = 0;
            }
            Encoding::Utf8 { .. } => {
                let valid = match std::str::from_utf8(raw) {
                    Ok(_) => len,
                    Err(e) if e.error_len().is_none() && got > 0 => e.valid_up_to(),
                    // Validated at open: the file changed since.
                    Err(_) => return Err(io::Error::new(io::ErrorKind::InvalidData, "the file changed while it was read (it is no longer UTF-8)")),
                };
                self.out.extend_from_slice(raw.get(..valid).unwrap_or(&[]));
                self.raw.copy_within(valid..len, 0);
                self.carry = len - valid;
            }
            Encoding::Utf16 { big_endian } => {
                for (i, pair) in raw.chunks_exact(2).enumerate() {
                    let pair = [pair[0], pair[1]];
                    let unit = if big_endian { u16::from_be_bytes(pair) } else { u16::from_le_bytes(pair) };
                    // A line feed read through pairs shifted by one byte (a byte inserted or
                    // lost): U+0A00 is unassigned, and every later line would run into one
                    // record. Stop rather than read the rest as one "truncated record".
                    if unit == 0x0A00 {
                        let at = self.consumed + 2 * i as u64 + self.encoding.bom_len() as u64;
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            format!("the UTF-16 text is misaligned near byte {at} (a byte inserted or lost there: its line ends no longer read as line ends); export the file again"),
                        ));
                    }
                    utf16_unit(unit, &mut self.high, &mut self.out);
                }
                // An odd byte waits for its pair; at the end it is dropped, as by `decode`.
                self.consumed += (len - len % 2) as u64;
                self.carry = len % 2;
                self.raw.copy_within(len - self.carry..len, 0);
                if self.done {
                    if self.high.take().is_some() {
                        push_char(&mut self.out, char::REPLACEMENT_CHARACTER);
                    }
                    self.carry = 0;
                }
            }
        }
        Ok(())
    }

}

/// One UTF-16 code unit, decoded as `String::from_utf16_lossy` does: an unpaired surrogate is
/// U+FFFD, and the unit after an unpaired high one is read on its own.
fn utf16_unit(u: u16, high: &mut Option<u16>, out: &mut Vec<u8>) {
    if let Some(h) = high.take() {
        if (0xDC00..0xE000).contains(&u) {
            let c = 0x10000 + ((u32::from(h) - 0xD800) << 10) + (u32::from(u) - 0xDC00);
            push_char(out, char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
            return;
        }
        push_char(out, char::REPLACEMENT_CHARACTER);
    }
    if (0xD800..0xDC00).contains(&u) {
        *high = Some(u);
    } else {
        push_char(out, char::from_u32(u32::from(u)).unwrap_or(char::REPLACEMENT_CHARACTER));
    }
}

fn push_char(out: &mut Vec<u8>, c: char) {
    let mut b = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
}

impl<R: Read> Read for Decoder<R> {
    fn read(&mut self, dst: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.out.len() {
            if self.done {
                return Ok(0);
            }
            self.fill()?;
        }
        let ready = self.out.get(self.pos..).unwrap_or(&[]);
        let n = ready.len().min(dst.len());
        dst[..n].copy_from_slice(&ready[..n]);
        self.pos += n;
        Ok(n)
    }
}

/// A file opened as decoded text; each [`TextFile::reader`] reads it from the start.
#[derive(Debug)]
pub(crate) struct TextFile {
    path: PathBuf,
    encoding: Encoding,
    /// The bytes of a file that cannot be read twice (a pipe, `<(...)`), read once at open.
    bytes: Option<Vec<u8>>,
    /// A regular file's length at open: every pass must read exactly this many bytes.
    len: u64,
}

impl TextFile {
    /// Opens `path` and decides its encoding (a pass over the file, see [`Encoding::sniff`]).
    pub(crate) fn open(path: &Path) -> Result<TextFile, InputError> {
        let io = |error| InputError::Io { path: path.to_path_buf(), error };
        let mut file = File::open(path).map_err(io)?;
        let meta = file.metadata().map_err(io)?;
        if meta.is_file() {
            let len = meta.len();
            let encoding = Encoding::sniff(Checked::new(file, len), BLOCK).map_err(io)?;
            return Ok(TextFile { path: path.to_path_buf(), encoding, bytes: None, len });
        }
        // A second open of a pipe would read nothing: keep its bytes.
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io)?;
        let encoding = Encoding::sniff(bytes.as_slice(), BLOCK).map_err(io)?;
        let len = bytes.len() as u64;
        Ok(TextFile { path: path.to_path_buf(), encoding, bytes: Some(bytes), len })
    }

    /// The text from its start.
    pub(crate) fn reader(&self) -> io::Result<Decoder<Source<'_>>> {
        let source = match &self.bytes {
            Some(bytes) => Source::Memory(bytes),
            None => Source::File(Checked::new(File::open(&self.path)?, self.len)),
        };
        Ok(Decoder::new(source, self.encoding, BLOCK))
    }

    /// The whole text: for the formats read whole.
    pub(crate) fn text(&self) -> Result<String, InputError> {
        let mut text = String::new();
        self.reader().and_then(|mut r| r.read_to_string(&mut text)).map_err(|error| self.error(error))?;
        Ok(text)
    }

    /// The text's first lines, for format detection: see [`head`].
    pub(crate) fn head(&self) -> Result<String, InputError> {
        self.reader().and_then(head).map_err(|error| self.error(error))
    }

    fn error(&self, error: io::Error) -> InputError {
        InputError::Io { path: self.path.clone(), error }
    }
}

/// A regular file read to its end only when it still has the length it had at open: a file
/// rewritten, cut (log rotation, an export being rewritten) or appended to while it is read
/// stops the run, rather than giving half its records, or records of two versions (issue
/// #19). Checked as the bytes come (more than at open) and at the end (fewer, and the
/// file's length then).
pub(crate) struct Checked<R> {
    inner: R,
    expected: u64,
    read: u64,
}

impl<R> Checked<R> {
    pub(crate) fn new(inner: R, expected: u64) -> Checked<R> {
        Checked { inner, expected, read: 0 }
    }

    fn changed(&self, now: u64) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, format!("the file changed while it was read ({} bytes when opened, {now} now)", self.expected))
    }
}

impl Checked<File> {
    /// The file's length now, for the message (what was read when it cannot be asked).
    fn len_now(&self) -> u64 {
        self.inner.metadata().map_or(self.read, |m| m.len())
    }
}

impl Read for Checked<File> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.expected {
            return Err(self.changed(self.len_now().max(self.read)));
        }
        // The end before the length seen at open, or a file cut and refilled behind the
        // reader: its length now is not the one at open.
        if n == 0 && (self.read != self.expected || self.len_now() != self.expected) {
            return Err(self.changed(self.len_now()));
        }
        Ok(n)
    }
}

/// Where a [`TextFile`]'s bytes come from.
pub(crate) enum Source<'a> {
    File(Checked<File>),
    Memory(&'a [u8]),
}

impl Read for Source<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Source::File(f) => f.read(buf),
            Source::Memory(b) => b.read(buf),
        }
    }
}

/// The first whole lines of a text, up to [`HEAD_LINES`] with content (and the blank and `#`
/// lines among them), or all of a shorter text: what the `detect` functions look at.
pub(crate) fn head(r: impl Read) -> io::Result<String> {
    let mut r = BufReader::new(r);
    let mut head = Vec::new();
    let mut content = 0;
    while content < HEAD_LINES {
        let start = head.len();
        if r.read_until(b'\n', &mut head)? == 0 {
            break;
        }
        let line = head.get(start..).and_then(|l| std::str::from_utf8(l).ok()).map_or("", str::trim);
        if !line.is_empty() && !line.starts_with('#') {
            content += 1;
        }
    }
    String::from_utf8(head).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// The physical lines of a text stream, numbered from 1, as [`super::numbered_lines`] gives
/// them (without LF, CRLF, or a last CR); a leading U+FEFF is dropped.
pub(crate) struct Lines<R> {
    reader: BufReader<SkipBom<R>>,
    number: usize,
}

impl<R: Read> Lines<R> {
    pub(crate) fn new(r: R) -> Lines<R> {
        Lines { reader: BufReader::with_capacity(BLOCK, SkipBom::new(r)), number: 0 }
    }

    /// Appends the next line to `out`: its number, or `None` at the end.
    pub(crate) fn next_into(&mut self, out: &mut String) -> io::Result<Option<usize>> {
        let start = out.len();
        if self.reader.read_line(out)? == 0 {
            return Ok(None);
        }
        // `str::lines` strips `\n` and then `\r`; `numbered_lines` one more `\r`.
        if out.ends_with('\n') {
            out.pop();
            if out.len() > start && out.ends_with('\r') {
                out.pop();
            }
        }
        if out.len() > start && out.ends_with('\r') {
            out.pop();
        }
        self.number += 1;
        Ok(Some(self.number))
    }
}

/// A text stream without its leading U+FEFF, if it has one (the readers drop it as they did
/// from a whole text).
pub(crate) struct SkipBom<R> {
    inner: R,
    head: [u8; 3],
    /// `head[pos..len]` is still to be handed out.
    pos: usize,
    len: usize,
    started: bool,
}

impl<R: Read> SkipBom<R> {
    pub(crate) fn new(inner: R) -> SkipBom<R> {
        SkipBom { inner, head: [0; 3], pos: 0, len: 0, started: false }
    }
}

impl<R: Read> Read for SkipBom<R> {
    fn read(&mut self, dst: &mut [u8]) -> io::Result<usize> {
        if !self.started {
            self.started = true;
            let n = read_full(&mut self.inner, &mut self.head)?;
            self.len = if self.head[..n] == UTF8_BOM { 0 } else { n };
        }
        if self.pos < self.len {
            let ready = self.head.get(self.pos..self.len).unwrap_or(&[]);
            let n = ready.len().min(dst.len());
            dst[..n].copy_from_slice(&ready[..n]);
            self.pos += n;
            return Ok(n);
        }
        self.inner.read(dst)
    }
}

/// Reads until `buf` is full or the stream ends: how many bytes were read.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match read_some(r, &mut buf[n..])? {
            0 => break,
            got => n += got,
        }
    }
    Ok(n)
}

/// One `read`, retried when interrupted.
pub(crate) fn read_some(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            other => return other,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
