//! The `--config` TOML file read into [`AuditArgs`]: keys with `-` or `_`, errors placed at
//! their line and column without quoting the file, a mistyped key's nearest option.

use clap::CommandFactory;
use serde::Deserialize;

use super::{AuditArgs, Cli};

/// Parses the TOML config; keys may use `-` or `_`. An error says where (line, column) and
/// what kind of mistake, never the file's text: toml's own message quotes the offending line,
/// and `--config` given the password file by mistake would print the password. Public for
/// the fuzz target `config`.
pub fn parse_config(text: &str) -> Result<AuditArgs, String> {
    let at = |offset: usize| {
        let before = text.get(..offset).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("line {line}, column {column}")
    };
    let value: toml::Table = toml::from_str(text).map_err(|e| {
        let mut kind = format!("not valid TOML ({})", toml_syntax_kind(e.message()));
        // `"C:\exports\x.csv"`: the backslash starts an escape in a basic string. The line is
        // looked at, not shown (it may be a password file's).
        let line = e.span().map(|span| {
            let start = text.get(..span.start).and_then(|b| b.rfind('\n')).map_or(0, |i| i + 1);
            text.get(start..).and_then(|l| l.lines().next()).unwrap_or("")
        });
        if line.is_some_and(|l| l.contains('\\') && l.contains('"')) {
            kind.push_str(": a backslash in double quotes starts an escape; write Windows paths in single quotes ('C:\\exports\\leases.csv')");
        }
        match e.span() {
            Some(span) => format!("{}: {kind}", at(span.start)),
            None => kind,
        }
    })?;
    // The keys' positions, to place a key's error (deserializing a `Table` loses the spans).
    let spans: std::collections::BTreeMap<toml::Spanned<String>, serde::de::IgnoredAny> = toml::from_str(text).unwrap_or_default();
    let key_at = |key: &str| spans.keys().find(|k| k.get_ref() == key).map(|k| format!("{}: ", at(k.span().start))).unwrap_or_default();
    let mut normalised = toml::Table::new();
    for (k, v) in value {
        let name = k.replace('_', "-");
        // Each key alone, so that an error is placed at its key and worded without its value.
        let one: toml::Table = [(name.clone(), v.clone())].into_iter().collect();
        if let Err(e) = AuditArgs::deserialize(toml::Value::Table(one)) {
            let msg = e.message();
            return Err(if msg.starts_with("unknown field") {
                // The key is echoed only beside the option it is close to: a key far from every
                // option may be a secret (`--config` given the password file).
                let plain = name.len() <= 40 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
                match nearest_option(&name).filter(|_| plain) {
                    Some(near) => format!("{}{name} is not an option; did you mean {near}?", key_at(&k)),
                    None => format!("{}not an option (the keys are the long option names, `ddns-audit audit --help`)", key_at(&k)),
                }
            } else {
                // serde's message quotes the value; only the expected type is kept.
                let expected = msg.rsplit_once(", expected ").map(|(_, x)| format!(", expected {x}")).unwrap_or_default();
                let what = if msg.starts_with("invalid type") || msg.contains("did not match any variant") { "has the wrong type" } else { "is not valid" };
                format!("{}the value of {name} {what}{expected}", key_at(&k))
            });
        }
        normalised.insert(name, v);
    }
    AuditArgs::deserialize(toml::Value::Table(normalised)).map_err(|e| e.message().to_string())
}

/// The config key nearest to a mistyped one (the options' long names, the forecast's included),
/// when it is close: at most a third of its letters edited, as the command line suggests.
fn nearest_option(key: &str) -> Option<String> {
    let cmd = Cli::command();
    let names: Vec<String> = cmd
        .find_subcommand("forecast")
        .into_iter()
        .flat_map(|f| f.get_arguments())
        .filter_map(|a| a.get_long())
        .filter(|l| !matches!(*l, "help" | "config"))
        .map(str::to_string)
        .collect();
    let (d, best) = names.into_iter().map(|n| (edit_distance(key, &n), n)).min()?;
    (d > 0 && d <= key.chars().count().div_ceil(3)).then_some(best)
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The kind of a TOML syntax error. toml's parser messages are fixed phrases with the expected
/// tokens in backticks; one holding a quote might quote the input, so it is not shown.
fn toml_syntax_kind(message: &str) -> &str {
    let first = message.lines().next().unwrap_or("");
    if first.is_empty() || first.contains(['"', '\'']) { "syntax error" } else { first }
}
