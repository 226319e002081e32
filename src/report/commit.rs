//! A run's output files (the report, the HTML page) put in place together (docs/guarantees.md "What the
//! tool guarantees"): each is written in full to a temporary `.ddns-audit-*.tmp` file in its
//! own directory ([`Outputs::stage`]); only when every one is written are they renamed into
//! place ([`Outputs::commit`]), and only then does `--keep` prune. A failure before that point
//! leaves the folders as they were: the temporary files go, and so do the directories this run
//! created. A rename failing part-way through the commit puts back what the earlier renames
//! replaced.

use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use super::{TEMP_PREFIX, TEMP_SUFFIX, dir_of, is_device};

#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    // The I/O errors are in the messages, not `source`s: `{:#}` would print them twice.
    #[error("cannot put {path} in place: {error}; the folder is as it was before the run{}", held_open_hint(error))]
    Rename { path: PathBuf, error: std::io::Error },
    #[error("cannot put {path} in place: {error}; and restoring the previous {restore} failed: {restore_error}")]
    Restore { path: PathBuf, error: std::io::Error, restore: PathBuf, restore_error: std::io::Error },
}

/// On Windows a file another program holds open (a report open in Excel) cannot be replaced:
/// the error then says so, and what to do. Elsewhere such a file is replaced; nothing to add.
pub(crate) fn held_open_hint(error: &std::io::Error) -> &'static str {
    // ERROR_ACCESS_DENIED (5, what Excel's lock gives a rename), ERROR_SHARING_VIOLATION (32),
    // ERROR_LOCK_VIOLATION (33).
    if cfg!(windows) && matches!(error.raw_os_error(), Some(5 | 32 | 33)) {
        "; another program may have it open (a report open in Excel): close it there and run again, or leave out --output so that the run writes a new timestamped report"
    } else {
        ""
    }
}

/// Where [`Outputs::stage`] failed.
#[derive(Debug)]
pub(crate) enum StageError {
    /// Creating the file's directory.
    CreateDir(PathBuf, std::io::Error),
    /// Creating, writing or syncing the temporary file, or a directory at the path.
    Write(std::io::Error),
}

/// One output written, not yet in place.
#[derive(Debug)]
struct Staged {
    path: PathBuf,
    /// `None` for a device (`/dev/null`, a FIFO, Windows `NUL`): written in place, since renaming
    /// a file over it would replace the device with a regular file; nothing to commit.
    tmp: Option<NamedTempFile>,
}

/// The run's outputs, staged; dropped without [`Outputs::commit`], they leave no trace.
#[derive(Debug, Default)]
pub(crate) struct Outputs {
    staged: Vec<Staged>,
    /// The directories this run created, outermost first.
    created: Vec<PathBuf>,
    committed: bool,
}

/// A step of the commit, for the tests' injected failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Keeping a copy of the file the `n`th output replaces.
    Backup(usize),
    /// Renaming the `n`th output into place.
    Rename(usize),
}

impl Outputs {
    /// Creates `dir` and any missing parent, remembering those it created.
    pub(crate) fn create_dir(&mut self, dir: &Path) -> std::io::Result<()> {
        let mut missing = Vec::new();
        let mut at = Some(dir);
        while let Some(d) = at.filter(|d| !d.as_os_str().is_empty()) {
            if std::fs::symlink_metadata(d).is_ok() {
                break;
            }
            missing.push(d.to_path_buf());
            at = d.parent();
        }
        for d in missing.into_iter().rev() {
            match std::fs::create_dir(&d) {
                Ok(()) => self.created.push(d),
                // Another run made it meanwhile: not ours to remove.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && d.is_dir() => {}
                Err(e) => return Err(e),
            }
        }
        // A file where the directory should be.
        std::fs::read_dir(dir).map(|_| ())
    }

    /// Writes the output for `path` as `body` writes it, to a temporary file beside it (a
    /// device: in place). Nothing is in place until [`Outputs::commit`].
    pub(crate) fn stage<T>(&mut self, path: &Path, body: impl FnOnce(&mut dyn Write) -> std::io::Result<T>) -> Result<T, StageError> {
        if is_device(path) {
            let file = std::fs::OpenOptions::new().write(true).open(path).map_err(StageError::Write)?;
            let mut w = std::io::BufWriter::new(file);
            let value = body(&mut w).map_err(StageError::Write)?;
            w.flush().map_err(StageError::Write)?;
            self.staged.push(Staged { path: path.to_path_buf(), tmp: None });
            return Ok(value);
        }
        refuse_directory(path).map_err(StageError::Write)?;
        let dir = dir_of(path);
        self.create_dir(&dir).map_err(|e| StageError::CreateDir(dir.clone(), e))?;
        let mut builder = tempfile::Builder::new();
        builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
        // A report is an ordinary file: 0666 under the umask as any program creates one
        // (tempfile's default, 0600, would hide it from a consumer under another account).
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        // On error or panic the temporary file is removed when `tmp` drops.
        let mut tmp = builder.tempfile_in(&dir).map_err(StageError::Write)?;
        keep_mode_of(path, tmp.as_file()).map_err(StageError::Write)?;
        let value = {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
            let value = body(&mut w).map_err(StageError::Write)?;
            w.flush().map_err(StageError::Write)?;
            value
        };
        tmp.as_file().sync_all().map_err(StageError::Write)?;
        self.staged.push(Staged { path: path.to_path_buf(), tmp: Some(tmp) });
        Ok(value)
    }

    /// Renames every staged file into place. A failing rename undoes the earlier ones: each
    /// file an output replaces is kept (a hard link, else a copy) until every rename is done.
    pub(crate) fn commit(self) -> Result<(), CommitError> {
        self.commit_with(&|_| Ok(()))
    }

    fn commit_with(mut self, inject: &dyn Fn(Step) -> std::io::Result<()>) -> Result<(), CommitError> {
        let staged = std::mem::take(&mut self.staged);
        let several = staged.iter().filter(|s| s.tmp.is_some()).count() > 1;
        // A copy of each file replaced, when a later rename could still fail.
        let mut backups: Vec<Option<NamedTempFile<()>>> = Vec::new();
        for (i, s) in staged.iter().enumerate() {
            let backup = match (&s.tmp, several) {
                (Some(_), true) => {
                    let made = inject(Step::Backup(i)).and_then(|()| backup_of(&s.path));
                    made.map_err(|error| CommitError::Rename { path: s.path.clone(), error })?
                }
                _ => None,
            };
            backups.push(backup);
        }
        let mut done: Vec<(PathBuf, Option<NamedTempFile<()>>)> = Vec::new();
        for (i, (s, backup)) in staged.into_iter().zip(backups).enumerate() {
            let Some(tmp) = s.tmp else { continue };
            // The rename replaces a symbolic link at `path` itself, never its target.
            let renamed = inject(Step::Rename(i)).and_then(|()| tmp.persist(&s.path).map(|_| ()).map_err(|e| e.error));
            if let Err(error) = renamed {
                // Undo, latest first: the previous file back, or the new one removed.
                for (path, backup) in done.into_iter().rev() {
                    let restored = match backup {
                        Some(b) => b.persist(&path).map(|_| ()).map_err(|e| e.error),
                        None => std::fs::remove_file(&path),
                    };
                    if let Err(restore_error) = restored {
                        return Err(CommitError::Restore { path: s.path, error, restore: path, restore_error });
                    }
                }
                return Err(CommitError::Rename { path: s.path, error });
            }
            done.push((s.path, backup));
        }
        // The backups go when `done` drops.
        self.committed = true;
        Ok(())
    }
}

impl Drop for Outputs {
    /// Not committed: the temporary files go (each `NamedTempFile` removes itself), then the
    /// directories this run created, innermost first, if they are empty.
    fn drop(&mut self) {
        self.staged.clear();
        if !self.committed {
            for d in self.created.iter().rev() {
                let _ = std::fs::remove_dir(d);
            }
        }
    }
}

/// A directory at an output's path is refused before anything is written: the rename at the
/// commit would fail after the other outputs had replaced their files.
fn refuse_directory(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => Err(std::io::Error::new(std::io::ErrorKind::IsADirectory, "a directory is there")),
        _ => Ok(()),
    }
}

/// A copy of the regular file at `path` under a temporary name beside it (removed when
/// dropped); `None` when there is none. A hard link where the file system has them, else a copy.
fn backup_of(path: &Path) -> std::io::Result<Option<NamedTempFile<()>>> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() => {}
        _ => return Ok(None),
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
    let dir = dir_of(path);
    let linked = builder.make_in(&dir, |p| std::fs::hard_link(path, p));
    let backup = match linked {
        Ok(b) => b,
        Err(_) => builder.make_in(&dir, |p| {
            let mut to = std::fs::OpenOptions::new().write(true).create_new(true).open(p)?;
            std::io::copy(&mut std::fs::File::open(path)?, &mut to)?;
            to.sync_all()
        })?,
    };
    Ok(Some(backup))
}

/// A report replacing an existing regular file keeps that file's permission bits (a report
/// someone made group-readable stays so). A symbolic link is replaced, so its target's mode
/// does not matter.
#[cfg(unix)]
fn keep_mode_of(path: &Path, tmp: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() => tmp.set_permissions(std::fs::Permissions::from_mode(m.permissions().mode() & 0o777)),
        _ => Ok(()),
    }
}

#[cfg(not(unix))]
fn keep_mode_of(_path: &Path, _tmp: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file under `dir` with its content, and every directory: what "as it was" means.
    fn snapshot(dir: &Path) -> Vec<(String, Option<String>)> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let name = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            if e.file_type().unwrap().is_dir() {
                out.push((format!("{name}/"), None));
                out.extend(snapshot(&e.path()).into_iter().map(|(n, c)| (format!("{name}/{n}"), c)));
            } else {
                out.push((name, Some(std::fs::read_to_string(e.path()).unwrap())));
            }
        }
        out.sort();
        out
    }

    fn write(text: &'static str) -> impl FnOnce(&mut dyn Write) -> std::io::Result<()> {
        move |w| w.write_all(text.as_bytes())
    }

    #[test]
    fn a_failure_at_any_step_leaves_the_folder_as_it_was() {
        let d = tempfile::tempdir().unwrap();
        let reports = d.path().join("reports");
        std::fs::create_dir(&reports).unwrap();
        std::fs::write(reports.join("r.csv"), "old csv").unwrap();
        std::fs::write(reports.join("keep.txt"), "x").unwrap();
        // The page goes to a folder that does not exist yet, two levels deep.
        let (csv, page) = (reports.join("r.csv"), d.path().join("web/audit/r.html"));
        let before = snapshot(d.path());

        // Dropped after staging (a later step of the run failed): nothing changes.
        {
            let mut o = Outputs::default();
            o.stage(&csv, write("new csv")).unwrap();
            o.stage(&page, write("new page")).unwrap();
        }
        assert_eq!(snapshot(d.path()), before);
        // The second output's writer fails.
        {
            let mut o = Outputs::default();
            o.stage(&csv, write("new csv")).unwrap();
            assert!(matches!(o.stage(&page, |_| Err::<(), _>(std::io::Error::other("disk full"))), Err(StageError::Write(_))));
        }
        assert_eq!(snapshot(d.path()), before);
        // Each step of the commit fails in turn.
        for step in [Step::Backup(0), Step::Rename(0), Step::Rename(1)] {
            let mut o = Outputs::default();
            o.stage(&csv, write("new csv")).unwrap();
            o.stage(&page, write("new page")).unwrap();
            let e = o.commit_with(&|s| if s == step { Err(std::io::Error::other("injected")) } else { Ok(()) }).unwrap_err();
            assert!(matches!(e, CommitError::Rename { .. }), "{step:?}: {e}");
            assert_eq!(snapshot(d.path()), before, "{step:?}");
        }
        // The page's path replaces an existing page too: both put back.
        std::fs::create_dir_all(page.parent().unwrap()).unwrap();
        std::fs::write(&page, "old page").unwrap();
        let before = snapshot(d.path());
        for step in [Step::Backup(1), Step::Rename(1)] {
            let mut o = Outputs::default();
            o.stage(&csv, write("new csv")).unwrap();
            o.stage(&page, write("new page")).unwrap();
            assert!(o.commit_with(&|s| if s == step { Err(std::io::Error::other("injected")) } else { Ok(()) }).is_err());
            assert_eq!(snapshot(d.path()), before, "{step:?}");
        }
        // And without a failure, both are in place and nothing else is there.
        let mut o = Outputs::default();
        o.stage(&csv, write("new csv")).unwrap();
        o.stage(&page, write("new page")).unwrap();
        o.commit().unwrap();
        assert_eq!(
            snapshot(d.path()),
            [
                ("reports/".to_string(), None),
                ("reports/keep.txt".to_string(), Some("x".to_string())),
                ("reports/r.csv".to_string(), Some("new csv".to_string())),
                ("web/".to_string(), None),
                ("web/audit/".to_string(), None),
                ("web/audit/r.html".to_string(), Some("new page".to_string())),
            ]
        );
    }

    #[test]
    fn a_directory_at_an_output_path_is_refused_before_writing() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("page.html")).unwrap();
        let mut o = Outputs::default();
        let called = std::cell::Cell::new(false);
        let e = o.stage(&d.path().join("page.html"), |_| {
            called.set(true);
            Ok(())
        });
        assert!(matches!(e, Err(StageError::Write(e)) if e.to_string() == "a directory is there"));
        assert!(!called.get());
        // A file where the directory should be.
        std::fs::write(d.path().join("file"), "x").unwrap();
        assert!(matches!(o.stage(&d.path().join("file/r.csv"), write("x")), Err(StageError::CreateDir(..))));
        drop(o);
        let mut left: Vec<String> = std::fs::read_dir(d.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        left.sort();
        assert_eq!(left, ["file", "page.html"]);
    }
}
