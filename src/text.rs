//! [`Text`]: an immutable string kept inline when short, for the values held once per record
//! by the million (DNS owner names, lease host names and hardware addresses). A `String` costs
//! 24 bytes plus a heap block of at least 32 (48 for a 27-character FQDN); a `Text` of up to
//! [`INLINE`] bytes costs its 32 bytes and no allocation.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

/// A bidirectional formatting character (U+202A-U+202E embeddings and overrides, U+2066-U+2069
/// isolates, U+200E/U+200F marks, U+061C the Arabic letter mark): in a name it makes the name
/// display as another (`moc.elpmaxe` reversed) and, shown raw, reverses the text around it.
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// The longest text kept inline: most host names and FQDNs, every `aa:bb:cc:dd:ee:ff`, every
/// IPv4 reverse name (`4.3.2.10.in-addr.arpa` is at most 29).
pub const INLINE: usize = 30;

/// An immutable string, inline up to [`INLINE`] bytes. Compares, hashes, orders and prints
/// as the `str` it holds.
#[derive(Clone)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    Inline { len: u8, buf: [u8; INLINE] },
    Heap(Box<str>),
}

impl Text {
    /// The bytes, without the UTF-8 check `as_str` pays (no `unsafe` here): what comparisons
    /// and the record index hash use, in the hot loops.
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline { len, buf } => buf.get(..usize::from(*len)).unwrap_or_default(),
            Repr::Heap(s) => s.as_bytes(),
        }
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Always valid: the bytes were copied whole from a `str`.
            Repr::Inline { len, buf } => buf.get(..usize::from(*len)).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or_default(),
            Repr::Heap(s) => s,
        }
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        let mut buf = [0u8; INLINE];
        match (buf.get_mut(..s.len()), u8::try_from(s.len())) {
            (Some(dst), Ok(len)) => {
                dst.copy_from_slice(s.as_bytes());
                Text(Repr::Inline { len, buf })
            }
            _ => Text(Repr::Heap(Box::from(s))),
        }
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        if s.len() <= INLINE { Text::from(s.as_str()) } else { Text(Repr::Heap(s.into_boxed_str())) }
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Text {
        Text::from(s.as_str())
    }
}

impl From<Text> for String {
    fn from(t: Text) -> String {
        t.as_str().to_string()
    }
}

impl Default for Text {
    fn default() -> Text {
        Text::from("")
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

// Byte comparisons: equal to comparing the `str`s, without the UTF-8 check.
impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}

impl Hash for Text {
    // As `str` hashes: `Borrow<str>` lookups in maps keyed by `Text` need it.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> Ordering {
        // `str` orders by bytes too.
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_heap_read_back_the_same() {
        for s in ["", "pc1", "00:15:5d:01:02:03", "pc0000001.corp.example.test", &"x".repeat(INLINE), &"é".repeat(20), &"y".repeat(300)] {
            let t = Text::from(s);
            assert_eq!((t.as_str(), t.len(), format!("{t}"), format!("{t:?}")), (s, s.len(), s.to_string(), format!("{s:?}")));
            assert_eq!(Text::from(s.to_string()), t);
        }
        assert_eq!(size_of::<Text>(), 32);
        assert_eq!(size_of::<Option<Text>>(), 32);
        let (a, b) = (Text::from("a"), Text::from("b"));
        assert!(a < b && b == "b" && b.as_bytes() == b"b");
    }
}
