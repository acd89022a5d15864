//! Making the changes on disk, all or nothing: removals and renames are each undone when a later
//! step fails (a removed file waits in a temporary directory of the repository until the end); edits
//! and new files go through the same transaction as every other command's writes.

use std::path::{Path, PathBuf};

use super::plan::Changes;
use crate::error::{Error, Result};
use crate::generate::PlannedFile;
use crate::layout::Ownership;
use crate::write::{safe_relative, Transaction};

/// One step done, and how to take it back.
enum Done {
    /// `to` was renamed from `from`.
    Renamed { from: PathBuf, to: PathBuf },
    /// `original` waits in `backup`.
    Saved { original: PathBuf, backup: PathBuf },
}

struct Undo {
    steps: Vec<Done>,
    committed: bool,
}

/// A directory in the repository that holds the removed files until the end (then it goes).
fn staging(repo: &Path) -> Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix(".nixscaffold-migrate-")
        .tempdir_in(repo)
        .map_err(|e| Error::io("create a temporary directory in", repo, e))
}

impl Drop for Undo {
    fn drop(&mut self) {
        for step in self.steps.iter().rev() {
            match step {
                Done::Renamed { from, to } if !self.committed => {
                    let _ = std::fs::rename(to, from);
                }
                Done::Saved { original, backup } if !self.committed => {
                    let _ = std::fs::rename(backup, original);
                }
                _ => {}
            }
        }
    }
}

/// Makes the changes in `repo`.
pub fn apply(repo: &Path, changes: &Changes) -> Result<()> {
    // Declared first, dropped last: the removed files are restored before it goes.
    let staged = staging(repo)?;
    let mut undo = Undo {
        steps: Vec::new(),
        committed: false,
    };
    let at = |path: &str| safe_relative(path).map(|relative| repo.join(relative));
    for (index, path) in changes.remove.iter().enumerate() {
        let original = at(path)?;
        let backup = staged.path().join(index.to_string());
        save(&original, &backup)?;
        undo.steps.push(Done::Saved { original, backup });
    }
    for (from, to) in &changes.rename {
        let (from, to) = (at(from)?, at(to)?);
        if std::fs::symlink_metadata(&to).is_ok() {
            return Err(Error::usage(format!(
                "{} already exists; nothing was changed",
                to.display()
            )));
        }
        std::fs::rename(&from, &to).map_err(|e| Error::io("rename", &from, e))?;
        undo.steps.push(Done::Renamed { from, to });
    }
    // Edits and new files: the transaction of every other command, undone before the steps above.
    let mut transaction = Transaction::new(repo);
    for (path, (_, after)) in &changes.edit {
        transaction.replace(&PlannedFile {
            path: path.clone(),
            contents: after.clone(),
            ownership: Ownership::Starter,
        })?;
    }
    for (path, contents) in &changes.create {
        transaction.write(&PlannedFile {
            path: path.clone(),
            contents: contents.clone(),
            ownership: Ownership::Managed,
        })?;
    }
    transaction.commit();
    undo.committed = true;
    Ok(())
}

/// Moves a file aside to `backup`; refuses a link.
fn save(original: &Path, backup: &Path) -> Result<()> {
    let meta =
        std::fs::symlink_metadata(original).map_err(|e| Error::io("inspect", original, e))?;
    if !meta.is_file() {
        return Err(Error::usage(format!(
            "{} is not a regular file (a link?); nixscaffold does not change links; nothing was changed",
            original.display()
        )));
    }
    std::fs::rename(original, backup).map_err(|e| Error::io("move aside", original, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_step_undoes_the_steps_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path();
        for (path, text) in [
            ("a/default.nix", "auto"),
            ("a/x.nix", "x"),
            ("b.nix", "old"),
            ("c.nix", "in the way"),
        ] {
            std::fs::create_dir_all(repo.join(path).parent().unwrap()).unwrap();
            std::fs::write(repo.join(path), text).unwrap();
        }
        let mut changes = Changes::default();
        changes.remove.push("a/default.nix".into());
        changes.rename.push(("a/x.nix".into(), "a/_x.nix".into()));
        changes
            .edit
            .insert("b.nix".into(), ("old".into(), "new".into()));
        changes
            .create
            .push(("c.nix".into(), "never written".into()));
        assert!(apply(repo, &changes).is_err());
        let read = |path: &str| std::fs::read_to_string(repo.join(path)).unwrap();
        assert_eq!(read("a/default.nix"), "auto");
        assert_eq!(read("a/x.nix"), "x");
        assert!(!repo.join("a/_x.nix").exists());
        assert_eq!(read("b.nix"), "old");
        assert_eq!(read("c.nix"), "in the way");
        let left: Vec<_> = std::fs::read_dir(repo)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 3, "no staging directory is left: {left:?}");

        changes.create[0].0 = "d.nix".into();
        apply(repo, &changes).unwrap();
        assert!(!repo.join("a/default.nix").exists() && repo.join("a/_x.nix").is_file());
        assert_eq!(
            (read("b.nix"), read("d.nix")),
            ("new".into(), "never written".into())
        );
        let left = std::fs::read_dir(repo).unwrap().count();
        assert_eq!(left, 4, "the staging directory is gone");
    }
}
