//! Escaping for the two contexts the page puts data in: HTML text and attributes, and JSON
//! strings inside a `<script>` block. Host names come from DHCP clients and are
//! attacker-controlled: `<script>`, quotes and `</script>` must come out inert, and
//! bidirectional formatting characters ([`is_bidi_control`]) visible, as `\u{202e}`, so that
//! no value displays as another or reverses the page's own sentences.

use std::borrow::Cow;
use std::io::Write;

use crate::text::is_bidi_control;

/// Text safe in HTML content and in a double- or single-quoted attribute; a bidirectional
/// formatting character shown as `\u{202e}` (the page's script shows the rows' cells alike).
pub(crate) fn html(s: &str) -> Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) && !s.chars().any(is_bidi_control) {
        return Cow::Borrowed(s);
    }
    let mut o = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c if is_bidi_control(c) => o.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => o.push(c),
        }
    }
    Cow::Owned(o)
}

/// Writes `s` as a JSON string that is also inert inside `<script type="application/json">`:
/// `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026` (so neither `</script>` nor `<!--` can
/// end or change the block), control characters and U+2028/U+2029 as escapes too.
pub(crate) fn write_json_string<W: Write + ?Sized>(w: &mut W, s: &str) -> std::io::Result<()> {
    w.write_all(b"\"")?;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let esc: Option<Cow<'static, str>> = match c {
            '"' => Some(Cow::Borrowed("\\\"")),
            '\\' => Some(Cow::Borrowed("\\\\")),
            '\n' => Some(Cow::Borrowed("\\n")),
            '\r' => Some(Cow::Borrowed("\\r")),
            '\t' => Some(Cow::Borrowed("\\t")),
            // Bidirectional controls too: the page's file holds none raw (the script shows them).
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => Some(Cow::Owned(format!("\\u{:04x}", u32::from(c)))),
            c if is_bidi_control(c) => Some(Cow::Owned(format!("\\u{:04x}", u32::from(c)))),
            c if u32::from(c) < 0x20 || c == '\u{7f}' => Some(Cow::Owned(format!("\\u{:04x}", u32::from(c)))),
            _ => None,
        };
        if let Some(e) = esc {
            w.write_all(s.as_bytes().get(start..i).unwrap_or_default())?;
            w.write_all(e.as_bytes())?;
            start = i + c.len_utf8();
        }
    }
    w.write_all(s.as_bytes().get(start..).unwrap_or_default())?;
    w.write_all(b"\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(s: &str) -> String {
        let mut v = Vec::new();
        write_json_string(&mut v, s).unwrap();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn hostile_text_is_inert_in_html() {
        assert_eq!(html("pc1.corp.example.test"), "pc1.corp.example.test");
        assert_eq!(html(r#"<script>alert("x")</script>"#), "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
        assert_eq!(html("a'b&c"), "a&#39;b&amp;c");
        // Visible, not obeyed: the name does not display reversed, nor the text after it.
        assert_eq!(html("pc\u{202E}lmth.exe\u{2066}x\u{200F}\u{061C}"), "pc\\u{202e}lmth.exe\\u{2066}x\\u{200f}\\u{61c}");
    }

    #[test]
    fn hostile_text_cannot_leave_the_json_block() {
        let hostile = "</script><script>alert('x')</script>\"\\\n\u{1}\u{2028}<!--";
        let out = json(hostile);
        assert_eq!(out, r#""\u003c/script\u003e\u003cscript\u003ealert('x')\u003c/script\u003e\"\\\n\u0001\u2028\u003c!--""#);
        assert!(!out.contains('<') && !out.contains('>'));
        // And it is still JSON for the same text.
        let back: String = serde_json::from_str(&out).unwrap();
        assert_eq!(back, hostile);
        assert_eq!(json("héllo wörld"), "\"héllo wörld\"");
        assert_eq!(json("a\u{202E}b"), "\"a\\u202eb\"");
        assert_eq!(serde_json::from_str::<String>(&json("a\u{202E}b")).unwrap(), "a\u{202E}b");
        assert_eq!(json(""), "\"\"");
    }
}
