//! Input paths as an admin gives them (docs/inputs.md "Folders and wildcards"): a folder stands
//! for the files in it, and on Windows a wildcard the program expanded (the `wild` crate, in main)
//! that matched nothing is named, not reported as an unreadable file.

use std::path::{Path, PathBuf};

use super::InputError;

/// Each path as given, but a folder replaced by its input files ([`folder_files`]). The format
/// of each file is then decided as for a file given by name (by content, or the option that
/// forces it).
pub(crate) fn expand(paths: Vec<PathBuf>) -> Result<Vec<PathBuf>, InputError> {
    let mut out = Vec::with_capacity(paths.len());
    for path in paths {
        if path.is_dir() {
            out.extend(folder_files(&path)?);
        } else {
            unmatched_wildcard(&path)?;
            out.push(path);
        }
    }
    Ok(out)
}

/// The one file an option that takes a single file reads (`--computers`): the path, or the one
/// input file of a folder; a folder of several is an error naming how many.
pub(crate) fn expand_one(path: PathBuf) -> Result<PathBuf, InputError> {
    let mut files = expand(vec![path.clone()])?;
    match files.len() {
        1 => Ok(files.remove(0)),
        n => Err(InputError::Unrecognised { path, reason: format!("a folder of {n} files; this option reads one file: name it") }),
    }
}

/// The input files of a folder: its files (not its subfolders: not recursive), sorted by name
/// so that a run reads them in the same order everywhere, without the ones no export is:
/// hidden (`.name`), Office's lock files (`~$name`, beside an export open in Excel), editors'
/// backups (`name~`) and temporary files (`.tmp`). A folder without one is an error: a run
/// that read nothing would look all clear.
fn folder_files(dir: &Path) -> Result<Vec<PathBuf>, InputError> {
    let io = |error| InputError::Io { path: dir.to_path_buf(), error };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let path = entry.path();
        // A link to a file counts as the file (`is_file` follows links).
        if !path.is_file() || skipped(&entry.file_name().to_string_lossy()) {
            continue;
        }
        files.push(path);
    }
    if files.is_empty() {
        return Err(InputError::Unrecognised { path: dir.to_path_buf(), reason: "the folder holds no input file".into() });
    }
    files.sort();
    Ok(files)
}

/// Names in a folder that are not exports ([`folder_files`]).
fn skipped(name: &str) -> bool {
    name.starts_with('.') || name.starts_with("~$") || name.ends_with('~') || name.to_ascii_lowercase().ends_with(".tmp")
}

/// On Windows, `*` and `?` cannot be in a file name: a path holding one is a pattern the
/// program expanded and that matched nothing (wild passes such a pattern on as written).
/// Elsewhere the shell expanded the patterns, and `*` is a name's character.
fn unmatched_wildcard(path: &Path) -> Result<(), InputError> {
    #[cfg(windows)]
    if path.to_string_lossy().contains(['*', '?']) && !path.exists() {
        return Err(InputError::Unrecognised { path: path.to_path_buf(), reason: "no file matches this pattern".into() });
    }
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(paths: &[PathBuf], dir: &Path) -> Vec<String> {
        paths.iter().map(|p| p.strip_prefix(dir).unwrap().to_string_lossy().into_owned()).collect()
    }

    #[test]
    fn a_folder_is_its_export_files_in_name_order() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["dhcp2.csv", "dhcp1.csv", "DHCP0.xml", ".hidden.csv", "~$dhcp1.csv", "dhcp1.csv~", "export.TMP"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        std::fs::create_dir(dir.path().join("old")).unwrap();
        std::fs::write(dir.path().join("old").join("dhcp0.csv"), "x").unwrap();
        let one = dir.path().join("one.leases");
        let got = expand(vec![one.clone(), dir.path().to_path_buf()]).unwrap();
        assert_eq!(got[0], one);
        assert_eq!(names(&got[1..], dir.path()), ["DHCP0.xml", "dhcp1.csv", "dhcp2.csv"]);
    }

    #[test]
    fn an_empty_folder_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".keep"), "").unwrap();
        let e = expand(vec![dir.path().to_path_buf()]).unwrap_err();
        assert_eq!(e.to_string(), format!("{}: the folder holds no input file", dir.path().display()));
    }

    #[test]
    fn one_file_options_take_a_folder_of_one_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("computers.ldif"), "x").unwrap();
        assert_eq!(expand_one(dir.path().to_path_buf()).unwrap(), dir.path().join("computers.ldif"));
        std::fs::write(dir.path().join("computers.csv"), "x").unwrap();
        let e = expand_one(dir.path().to_path_buf()).unwrap_err();
        assert_eq!(e.to_string(), format!("{}: a folder of 2 files; this option reads one file: name it", dir.path().display()));
    }

    #[test]
    fn a_name_with_a_star_is_a_pattern_on_windows_only() {
        let path = PathBuf::from("exports").join("*.csv");
        let got = expand(vec![path.clone()]);
        if cfg!(windows) {
            assert_eq!(got.unwrap_err().to_string(), format!("{}: no file matches this pattern", path.display()));
        } else {
            // The shell expanded it: a literal `*` in a Unix name, read (or not found) as given.
            assert_eq!(got.unwrap(), [path]);
        }
    }
}
