//! The passwords (LDAP bind, Kea): read here only, from a file's first line or an environment
//! variable, by the settings as they build each stage's configuration, and held in a type that
//! never prints its content.

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
        Some(path) => crate::input::read_secret_line(path).map(|s| Some(Secret(s))).map_err(|error| SecretError { path: path.to_path_buf(), error }),
        None => Ok(env_value.filter(|v| !v.is_empty()).map(Secret)),
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
}
