//! The `dhcpd.leases` lexer: words, quoted strings (with their escapes), `;`, `{`, `}`, `#`
//! comments; and the unescaping of a string's value.

use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tok<'a> {
    Word(&'a str),
    /// A quoted string's raw content, escapes still in (see [`unescape`]).
    Str(&'a str),
    Semi,
    Open,
    Close,
    Eof,
}

/// Bytes that end a word: white space and the lexer's punctuation.
static ENDS_WORD: [bool; 256] = {
    let mut t = [false; 256];
    let ends = b" \t\r\n\x0b\x0c;{}\"#=";
    let mut i = 0;
    while i < ends.len() {
        t[ends[i] as usize] = true;
        i += 1;
    }
    t
};

pub(super) struct Lexer<'a> {
    s: &'a str,
    pos: usize,
    line: usize,
    /// No token yet on the current line.
    bol: bool,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(s: &'a str) -> Lexer<'a> {
        Lexer { s, pos: 0, line: 1, bol: true }
    }

    /// The next token, the line it starts on, and whether it is the first on its line.
    /// An unterminated string is end of file.
    pub(super) fn next(&mut self) -> (Tok<'a>, usize, bool) {
        let (tok, line) = self.token();
        let bol = self.bol;
        self.bol = false;
        (tok, line, bol)
    }

    fn token(&mut self) -> (Tok<'a>, usize) {
        let b = self.s.as_bytes();
        loop {
            let Some(&c) = b.get(self.pos) else {
                return (Tok::Eof, self.line);
            };
            match c {
                b'\n' => {
                    self.line += 1;
                    self.pos += 1;
                    self.bol = true;
                }
                b' ' | b'\t' | b'\r' | b'\x0b' | b'\x0c' => {
                    self.pos += 1;
                    while self.pos < b.len() && b[self.pos] == b' ' {
                        self.pos += 1;
                    }
                }
                b'#' => {
                    self.pos += b[self.pos..].iter().position(|&c| c == b'\n').unwrap_or(b.len() - self.pos);
                }
                b';' => {
                    self.pos += 1;
                    return (Tok::Semi, self.line);
                }
                b'{' => {
                    self.pos += 1;
                    return (Tok::Open, self.line);
                }
                b'}' => {
                    self.pos += 1;
                    return (Tok::Close, self.line);
                }
                b'"' => {
                    let line = self.line;
                    let start = self.pos + 1;
                    let mut i = start;
                    while i < b.len() {
                        match b[i] {
                            b'"' => break,
                            b'\\' => {
                                if b.get(i + 1) == Some(&b'\n') {
                                    self.line += 1;
                                }
                                i += 2;
                            }
                            b'\n' => {
                                self.line += 1;
                                i += 1;
                            }
                            _ => i += 1,
                        }
                    }
                    if i >= b.len() {
                        self.pos = b.len();
                        return (Tok::Eof, line);
                    }
                    self.pos = i + 1;
                    // Quotes are ASCII, so the slice is on char boundaries.
                    return (Tok::Str(self.s.get(start..i).unwrap_or("")), line);
                }
                b'=' => {
                    self.pos += 1;
                    return (Tok::Word("="), self.line);
                }
                _ => {
                    let start = self.pos;
                    while self.pos < b.len() && !ENDS_WORD[usize::from(b[self.pos])] {
                        self.pos += 1;
                    }
                    return (Tok::Word(self.s.get(start..self.pos).unwrap_or("")), self.line);
                }
            }
        }
    }
}

/// The word a token is, or `""`.
pub(super) fn word<'a>(t: Option<&Tok<'a>>) -> &'a str {
    match t {
        Some(Tok::Word(w)) => w,
        _ => "",
    }
}

/// A quoted (or bare) value as a host name: unescaped, trimmed; empty → `None`.
pub(super) fn string(t: Option<&Tok<'_>>) -> Option<String> {
    let raw = match t {
        Some(Tok::Str(s)) | Some(Tok::Word(s)) => *s,
        _ => return None,
    };
    let s = unescape(raw);
    let trimmed = s.trim();
    if trimmed.is_empty() {
        None
    } else if trimmed.len() == s.len() {
        Some(s.into_owned())
    } else {
        Some(trimmed.to_string())
    }
}

/// Undoes dhcpd's string escapes: `\NNN` octal, `\xHH` hex, `\t` `\r` `\n` `\b`, and `\c` → `c`.
/// Bytes that do not form UTF-8 are kept one char per byte (Latin-1), never dropped.
pub(super) fn unescape(raw: &str) -> Cow<'_, str> {
    if !raw.contains('\\') {
        return Cow::Borrowed(raw);
    }
    let b = raw.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' || i + 1 >= b.len() {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let c = b[i + 1];
        i += 2;
        match c {
            b'0'..=b'7' => {
                let mut v: u32 = u32::from(c - b'0');
                let mut n = 1;
                while n < 3 && i < b.len() && (b'0'..=b'7').contains(&b[i]) {
                    v = v * 8 + u32::from(b[i] - b'0');
                    i += 1;
                    n += 1;
                }
                out.push((v & 0xff) as u8);
            }
            b'x' => {
                let mut v: u32 = 0;
                let mut n = 0;
                while n < 2 && i < b.len() && b[i].is_ascii_hexdigit() {
                    v = v * 16 + (b[i] as char).to_digit(16).unwrap_or(0);
                    i += 1;
                    n += 1;
                }
                if n == 0 {
                    out.push(b'x');
                } else {
                    out.push(v as u8);
                }
            }
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'n' => out.push(b'\n'),
            b'b' => out.push(8),
            other => out.push(other),
        }
    }
    Cow::Owned(crate::input::utf8_or_latin1(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_escapes() {
        assert_eq!(unescape(r#"a\"b\\c"#), "a\"b\\c");
        assert_eq!(unescape(r"\101\x42\t"), "AB\t");
        assert_eq!(unescape(r"\303\251"), "\u{e9}");
        assert_eq!(unescape(r"\351"), "\u{e9}"); // not UTF-8: one char per byte
        assert_eq!(unescape("trailing\\"), "trailing\\");
    }
}
