use super::*;
use crate::input::{decode, numbered_lines};

/// The text of `bytes` streamed with `block`-byte reads.
fn streamed(bytes: &[u8], block: usize) -> String {
    let encoding = Encoding::sniff(bytes, block).unwrap();
    let mut text = String::new();
    Decoder::new(bytes, encoding, block).read_to_string(&mut text).unwrap();
    text
}

/// A reader that fails after `n` bytes.
pub(crate) struct FailAfter<'a>(pub(crate) &'a [u8], pub(crate) usize);

impl Read for FailAfter<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.1 == 0 {
            return Err(io::Error::other("disk gone"));
        }
        let n = buf.len().min(self.1).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        self.1 -= n;
        Ok(n)
    }
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut b = if big_endian { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
    for u in text.encode_utf16() {
        b.extend(if big_endian { u.to_be_bytes() } else { u.to_le_bytes() });
    }
    b
}

#[test]
fn streamed_text_is_decodes_for_every_block_size() {
    let late_latin1 = [b"a,b\r\n".repeat(40).as_slice(), b"caf\xE9\r\n"].concat();
    let mut samples: Vec<Vec<u8>> = vec![
        Vec::new(),
        vec![0xFF],
        vec![0xEF, 0xBB],
        b"\xEF\xBB\xBFa,b\r\n".to_vec(),
        b"\xEF\xBB\xBF\xEF\xBB\xBFtwo boms".to_vec(),
        b"\xEF\xBB\xBFcaf\xE9".to_vec(),
        "é€😀 x\r\n\"q\r\nr\"".as_bytes().to_vec(),
        "ends cut \u{20ac}".as_bytes()[..11].to_vec(),
        late_latin1.clone(),
        utf16("a,b\r\npc-😀,é\r\n", false),
        utf16("😀😀😀 big", true),
        [utf16("odd", false), vec![b'x']].concat(),
        // Unpaired surrogates: a high one at the end, a high one before a plain unit, a low one.
        [utf16("x", false), vec![0x3D, 0xD8]].concat(),
        [utf16("x", false), vec![0x3D, 0xD8, b'y', 0, 0x00, 0xDE, b'z', 0]].concat(),
    ];
    samples.push([b"\xEF\xBB\xBF".as_slice(), &late_latin1].concat());
    for bytes in &samples {
        for block in (1..=9).chain([BLOCK]) {
            assert_eq!(streamed(bytes, block), decode(bytes.clone()), "{bytes:?} in blocks of {block}");
        }
    }
    // The values a user sees.
    assert_eq!(streamed(&late_latin1, 3).lines().last(), Some("café"));
    assert_eq!(streamed(&utf16("pc-😀", false), 1), "pc-😀");
    assert_eq!(streamed(&[utf16("x", false), vec![0x3D, 0xD8, b'y', 0]].concat(), 1), "x\u{FFFD}y");
}

#[test]
fn the_encoding_is_the_whole_files() {
    let sniff = |b: &[u8]| Encoding::sniff(b, 4).unwrap();
    assert_eq!(sniff(b"plain"), Encoding::Utf8 { bom: false });
    assert_eq!(sniff(b"\xEF\xBB\xBFcaf\xC3\xA9"), Encoding::Utf8 { bom: true });
    assert_eq!(sniff(&[b"x".repeat(1000).as_slice(), b"\xE9"].concat()), Encoding::Latin1 { bom: false });
    assert_eq!(sniff(&[0xFE, 0xFF, 0, b'a']), Encoding::Utf16 { big_endian: true });
}

#[test]
fn a_read_error_part_way_is_an_error() {
    let bytes = b"a,b\n".repeat(100);
    let e = Encoding::sniff(FailAfter(&bytes, 50), 8).unwrap_err();
    assert_eq!(e.to_string(), "disk gone");
    let mut text = String::new();
    let e = Decoder::new(FailAfter(&bytes, 50), Encoding::Utf8 { bom: false }, 8).read_to_string(&mut text).unwrap_err();
    assert_eq!(e.to_string(), "disk gone");
    assert_eq!(ReadError::Io(e).at(Path::new("leases.csv")).to_string(), "cannot read leases.csv: disk gone");
}

#[test]
fn lines_are_numbered_lines() {
    for text in ["", "a", "a\n", "a\r\nb\n\nc", "a\r\r\nb\r", "\u{feff}x\ny", "\n\n", "x\r"] {
        let mut lines = Lines::new(text.as_bytes());
        let (mut got, mut line) = (Vec::new(), String::new());
        while let Some(n) = lines.next_into(&mut line).unwrap() {
            got.push((n, std::mem::take(&mut line)));
        }
        let want: Vec<(usize, String)> = numbered_lines(text.strip_prefix('\u{feff}').unwrap_or(text)).map(|(n, l)| (n, l.to_string())).collect();
        assert_eq!(got, want, "{text:?}");
    }
}

#[test]
fn the_head_is_the_first_lines_with_content() {
    let text = format!("#TYPE x\n\n{}", "a,b\r\n".repeat(100));
    let h = head(text.as_bytes()).unwrap();
    assert_eq!((h.lines().count(), h.ends_with("a,b\r\n")), (66, true));
    assert_eq!(head("short\nfile".as_bytes()).unwrap(), "short\nfile");
    assert_eq!(head(&b"\n \n"[..]).unwrap(), "\n \n");
}

/// Issue #19 item 6: a file that shrinks (log rotation, an export rewritten) or grows between
/// the pass at open and a later pass, or during one, stops the reading with the same sentence
/// as a file that stops being UTF-8: never half a file read as the whole.
#[test]
fn a_file_that_changes_size_while_it_is_read_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("zone.dns");
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&format!("host{i} [AGE:3636304] 1200 A 10.0.{}.{}\n", i / 250, i % 250 + 1));
    }
    let read_all = |f: &TextFile| f.reader().and_then(|mut r| r.read_to_string(&mut String::new())).map_err(|e| e.to_string());
    // Shrunk after the open: the later pass reads fewer bytes than were there.
    std::fs::write(&p, &text).unwrap();
    let f = TextFile::open(&p).unwrap();
    let len = text.len();
    std::fs::write(&p, &text[..len / 2]).unwrap();
    assert_eq!(read_all(&f), Err(format!("the file changed while it was read ({len} bytes when opened, {} now)", len / 2)));
    // Shrunk during a pass: what the reader has taken so far is not the file.
    std::fs::write(&p, &text).unwrap();
    let f = TextFile::open(&p).unwrap();
    let mut r = f.reader().unwrap();
    let mut first = vec![0u8; 1000];
    r.read_exact(&mut first).unwrap();
    std::fs::OpenOptions::new().write(true).open(&p).unwrap().set_len(100_000).unwrap();
    let e = r.read_to_string(&mut String::new()).unwrap_err().to_string();
    assert_eq!(e, format!("the file changed while it was read ({len} bytes when opened, 100000 now)"));
    // Grown: appended records are not read as if they had been there.
    std::fs::write(&p, &text).unwrap();
    let f = TextFile::open(&p).unwrap();
    std::fs::write(&p, format!("{text}late 1200 A 10.9.9.9\n")).unwrap();
    assert_eq!(read_all(&f), Err(format!("the file changed while it was read ({len} bytes when opened, {} now)", len + "late 1200 A 10.9.9.9\n".len())));
    // Unchanged: read as often as needed.
    std::fs::write(&p, &text).unwrap();
    let f = TextFile::open(&p).unwrap();
    assert_eq!((read_all(&f), read_all(&f)), (Ok(len), Ok(len)));
    // Through the run's error: the file is named.
    let f = TextFile::open(&p).unwrap();
    std::fs::write(&p, "").unwrap();
    assert_eq!(f.text().unwrap_err().to_string(), format!("cannot read {}: the file changed while it was read ({len} bytes when opened, 0 now)", p.display()));
}

/// Issue #19 item 10: a UTF-16 export with one byte inserted reads every later line ending as
/// U+0A00: an error saying where, not every later row run into one "truncated record".
#[test]
fn a_misaligned_utf16_file_is_an_error() {
    let mut bytes = utf16("IPAddress,HostName\r\n10.0.16.21,pc1\r\n10.0.16.22,pc2\r\n10.0.16.23,pc3\r\n", false);
    bytes.insert(40, b'x');
    let encoding = Encoding::sniff(bytes.as_slice(), BLOCK).unwrap();
    for block in [1, 3, 64, BLOCK] {
        let e = Decoder::new(bytes.as_slice(), encoding, block).read_to_string(&mut String::new()).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert!(e.to_string().starts_with("the UTF-16 text is misaligned near byte 7"), "{block}: {e}");
        assert!(e.to_string().ends_with("(a byte inserted or lost there: its line ends no longer read as line ends); export the file again"), "{e}");
    }
    // Aligned, it reads.
    let good = utf16("a\r\nb\n", true);
    assert_eq!(streamed(&good, 3), "a\r\nb\n");
}
