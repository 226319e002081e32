//! The passwords (LDAP bind, Kea): read here only, from a file's first line or an environment
//! variable, by the settings as they build each stage's configuration, and held in a type that
//! never prints its content; and URLs made safe to print ([`redact_url`]).

use std::path::{Path, PathBuf};

/// A password. Its `Debug` shows no content, so that printing a configuration cannot leak it.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    #[cfg(test)]
    pub(crate) fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The password itself, for the one place that sends it.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// A password file that could not be read; each stage words it for its own option.
#[derive(Debug, thiserror::Error)]
#[error("cannot read {path}: {error}")]
pub(crate) struct SecretError {
    pub(crate) path: PathBuf,
    pub(crate) error: std::io::Error,
}

/// The password of one source: `file`'s first line (empty if that line is; the file wins), else
/// the environment variable `env` when set and not empty, else none.
pub(crate) fn read(file: Option<&Path>, env: &str) -> Result<Option<Secret>, SecretError> {
    read_with(file, std::env::var(env).ok())
}

fn read_with(file: Option<&Path>, env_value: Option<String>) -> Result<Option<Secret>, SecretError> {
    match file {
        Some(path) => read_secret_line(path).map(|s| Some(Secret(s))).map_err(|error| SecretError { path: path.to_path_buf(), error }),
        None => Ok(env_value.filter(|v| !v.is_empty()).map(Secret)),
    }
}

/// The first line of a secret file (`--password-file`, `--kea-password-file`), without its
/// line ending; the rest of the file is ignored. Decoded like an export ([`crate::input::decode`]): Windows
/// PowerShell 5.1 writes a UTF-8 byte-order mark (`Set-Content -Encoding UTF8`) or UTF-16
/// (`Out-File`, `>`), and the mark is never part of the password.
fn read_secret_line(path: &Path) -> std::io::Result<String> {
    let text = crate::input::decode(std::fs::read(path)?);
    Ok(text.lines().next().unwrap_or("").trim_end_matches(['\r', '\n']).to_string())
}

/// A URL as the user typed it, made safe to print: everything between the scheme's `://` (or
/// the start, when there is no scheme) and the last `@` is dropped, so neither a user name nor a
/// password reaches a message, even when the URL is malformed (`user:secret@host` without a
/// scheme, a password with an unescaped `/` or `@`).
pub(crate) fn redact_url(raw: &str) -> String {
    let raw = raw.trim();
    let (scheme, rest) = match raw.split_once("://") {
        Some((s, rest)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')) => (Some(s), rest),
        _ => (None, raw),
    };
    let rest = rest.rsplit_once('@').map_or(rest, |(_, after)| after);
    match scheme {
        Some(s) => format!("{s}://{rest}"),
        None => rest.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_wins_over_the_environment_and_is_never_printed() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pw");
        std::fs::write(&p, "fromfile\r\nignored\n").unwrap();
        let s = read_with(Some(&p), Some("fromenv".into())).unwrap().unwrap();
        assert_eq!(s.expose(), "fromfile");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        std::fs::write(&p, "\n").unwrap();
        assert!(read_with(Some(&p), Some("fromenv".into())).unwrap().unwrap().is_empty());
        assert_eq!(read_with(None, Some("fromenv".into())).unwrap(), Some(Secret::new("fromenv")));
        assert_eq!(read_with(None, Some(String::new())).unwrap(), None);
        assert_eq!(read_with(None, None).unwrap(), None);
        let e = read_with(Some(&dir.path().join("absent")), None).unwrap_err();
        assert_eq!(e.path, dir.path().join("absent"));
        assert_eq!(e.error.kind(), std::io::ErrorKind::NotFound);
    }

    #[test]
    fn secret_files_written_by_windows_powershell_read_as_the_password() {
        let d = tempfile::tempdir().unwrap();
        let read = |bytes: &[u8]| {
            let p = d.path().join("pw");
            std::fs::write(&p, bytes).unwrap();
            read_secret_line(&p).unwrap()
        };
        assert_eq!(read(b"\xEF\xBB\xBFS3cret!\r\n"), "S3cret!");
        assert_eq!(read(&[0xFF, 0xFE, b'p', 0, b'w', 0, b'\r', 0, b'\n', 0]), "pw");
        assert_eq!(read(b"pw \nsecond line"), "pw ");
    }

    #[test]
    fn redacted_urls_keep_no_user_or_password() {
        assert_eq!(redact_url("user:secret@host"), "host");
        assert_eq!(redact_url("ldaps://admin:pa/ss@dc1:636"), "ldaps://dc1:636");
        assert_eq!(redact_url("http://u:p@ss@kea:8000/"), "http://kea:8000/");
        assert_eq!(redact_url(" https://kea:8000/ "), "https://kea:8000/");
        assert_eq!(redact_url("ldaps:admin:secret@dc1"), "dc1");
        assert_eq!(redact_url("dc1.corp.example.test"), "dc1.corp.example.test");
    }
}
