//! Closed vocabularies: an enum whose every value has one name, written once in a table that
//! gives the enum, its names (`ALL`, `NAMES`), parsing (`from_name`, and `FromStr` with the
//! error an option gives) and display (`as_str`, `Display`). The report's words
//! (`audit::findings`), the option values (`--leases-format`, `--date-order`, `--fail-on`),
//! lease states, DNS registration flags, record types and skip reasons are declared with it.

/// Declares a closed vocabulary:
///
/// ```ignore
/// vocabulary! {
///     /// doc
///     Name {
///         Variant => "name" | "alias",
///     }
/// }
/// ```
///
/// `from_name` takes a name or an alias, exactly as written; `Name, any_case { ... }` also
/// takes it trimmed and in any ASCII case. Aliases are accepted, never displayed or listed.
macro_rules! vocabulary {
    ($(#[$m:meta])* $vis:vis $name:ident $(, $fold:ident)? {
        $($(#[$vm:meta])* $variant:ident => $text:literal $(| $alias:literal)*),+ $(,)?
    }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            /// Every value, in declaration order (the summary lists some vocabularies in full;
            /// the others need not).
            #[allow(dead_code)]
            $vis const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every value's name, in declaration order.
            $vis const NAMES: &'static [&'static str] = &[$($text),+];

            $vis fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The value of a name (or an alias); `None` for any other text.
            $vis fn from_name(s: &str) -> Option<$name> {
                let s = $crate::vocab::vocabulary!(@trim $($fold)? s);
                let is = |n: &str| -> bool { $crate::vocab::vocabulary!(@eq $($fold)? n, s) };
                $(
                    if [$text $(, $alias)*].into_iter().any(is) {
                        return Some($name::$variant);
                    }
                )+
                None
            }
        }

        /// As [`from_name`](Self::from_name), with the error an option gives: the value and the names.
        impl ::std::str::FromStr for $name {
            type Err = String;

            fn from_str(s: &str) -> Result<$name, String> {
                $name::from_name(s).ok_or_else(|| format!("'{s}' is not one of {}", $name::NAMES.join(", ")))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
    (@trim any_case $s:ident) => { $s.trim() };
    (@trim $s:ident) => { $s };
    (@eq any_case $n:ident, $s:ident) => { $n.eq_ignore_ascii_case($s) };
    (@eq $n:ident, $s:ident) => { $n == $s };
}

pub(crate) use vocabulary;

#[cfg(test)]
mod tests {
    vocabulary! {
        /// A test vocabulary.
        pub(crate) Exact { One => "one" | "1", TwoWords => "two-words" }
    }

    vocabulary! {
        /// A test vocabulary read in any case.
        pub(crate) Folded, any_case { Dmy => "dmy" }
    }

    #[test]
    fn names_parse_and_display_from_one_table() {
        assert_eq!((Exact::NAMES, Exact::ALL), (&["one", "two-words"][..], &[Exact::One, Exact::TwoWords][..]));
        assert_eq!((Exact::from_name("1"), Exact::from_name("two-words")), (Some(Exact::One), Some(Exact::TwoWords)));
        assert_eq!((Exact::from_name("One"), Exact::from_name(" one")), (None, None));
        assert_eq!(Exact::TwoWords.to_string(), "two-words");
        assert_eq!("two".parse::<Exact>(), Err("'two' is not one of one, two-words".to_string()));
        assert_eq!((Folded::from_name(" DMY "), Folded::from_name("ymd")), (Some(Folded::Dmy), None));
        assert_eq!((Folded::ALL, Folded::NAMES), (&[Folded::Dmy][..], &["dmy"][..]));
    }
}
