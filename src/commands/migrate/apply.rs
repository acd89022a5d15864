//! Making the changes on disk, all or nothing: renames, removals and edits are each undone when a
//! later step fails (a removed file waits in a backup beside it until the end; an edit replaces its
//! file atomically and is undone with the old text), and new files are written by the same
//! transaction as every other command's.

use std::path::{Path, PathBuf};

use super::plan::Changes;
use crate::answers::record::replace_file;
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
    /// `path` was replaced; `before` was its text.
    Edited { path: PathBuf, before: String },
}

struct Undo {
    steps: Vec<Done>,
    committed: bool,
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
                Done::Saved { backup, .. } => {
                    let _ = std::fs::remove_file(backup);
                }
                Done::Edited { path, before } if !self.committed => {
                    let _ = replace_file(path, before);
                }
                Done::Renamed { .. } | Done::Edited { .. } => {}
            }
        }
    }
}

/// Makes the changes in `repo`.
pub fn apply(repo: &Path, changes: &Changes) -> Result<()> {
    let mut undo = Undo {
        steps: Vec::new(),
        committed: false,
    };
    let at = |path: &str| safe_relative(path).map(|relative| repo.join(relative));
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
    for path in &changes.remove {
        let original = at(path)?;
        let backup = save(&original)?;
        undo.steps.push(Done::Saved { original, backup });
    }
    for (path, (before, after)) in &changes.edit {
        let path = at(path)?;
        replace_file(&path, after)?;
        undo.steps.push(Done::Edited {
            path,
            before: before.clone(),
        });
    }
    let mut transaction = Transaction::new(repo);
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

/// Moves a file aside to a backup beside it; refuses a link.
fn save(original: &Path) -> Result<PathBuf> {
    let meta =
        std::fs::symlink_metadata(original).map_err(|e| Error::io("inspect", original, e))?;
    if !meta.is_file() {
        return Err(Error::usage(format!(
            "{} is not a regular file (a link?); nixscaffold does not change links; nothing was changed",
            original.display()
        )));
    }
    let name = original
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let backup = original.with_file_name(format!(".{name}.nixscaffold-migrate"));
    if std::fs::symlink_metadata(&backup).is_ok() {
        return Err(Error::usage(format!(
            "{} is in the way (left by an interrupted migrate?): remove it and run this again",
            backup.display()
        )));
    }
    std::fs::rename(original, &backup).map_err(|e| Error::io("move aside", original, e))?;
    Ok(backup)
}
