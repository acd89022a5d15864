//! Writing files safely: never over an existing file, never through a symbolic link, each file
//! whole or not at all (temp file, then a no-clobber rename), and on any failure, or a SIGINT,
//! SIGTERM or SIGHUP, everything this run created is removed and every file it replaced is put
//! back, so the user's tree is as it was. Each step is recorded in [`crate::undo`] before it is
//! visible. On commit, the directories that changed are fsynced, so their entries survive a power
//! loss.

use std::collections::{BTreeSet, HashSet};
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};
use crate::generate::PlannedFile;
use crate::undo;

/// A set of files written into `root`, undone on failure.
pub struct Transaction {
    root: PathBuf,
    id: u64,
    /// Directories known to be real directories inside the root (checked or created here), so a
    /// deep tree is not re-walked from the root for every file.
    known_dirs: HashSet<PathBuf>,
    /// Directories whose entries changed: fsynced on commit.
    touched_dirs: BTreeSet<PathBuf>,
    committed: bool,
}

impl Transaction {
    pub fn new(root: &Path) -> Transaction {
        Transaction {
            root: root.to_path_buf(),
            id: undo::begin(),
            known_dirs: HashSet::new(),
            touched_dirs: BTreeSet::new(),
            committed: false,
        }
    }

    /// Creates `root` itself when it is missing, and remembers to remove it on failure.
    pub fn create_root(&mut self) -> Result<()> {
        let mut missing = Vec::new();
        let mut dir = self.root.as_path();
        while !dir.as_os_str().is_empty() && std::fs::symlink_metadata(dir).is_err() {
            missing.push(dir.to_path_buf());
            match dir.parent() {
                Some(parent) => dir = parent,
                None => break,
            }
        }
        for dir in missing.into_iter().rev() {
            self.create_dir(&dir)?;
        }
        Ok(())
    }

    /// `mkdir`, recorded before anyone can see it.
    fn create_dir(&mut self, dir: &Path) -> Result<()> {
        let mut open = undo::pending();
        std::fs::create_dir(dir).map_err(|e| Error::io("create directory", dir, e))?;
        if let Some(undo) = open.get_mut(&self.id) {
            undo.dirs.push(dir.to_path_buf());
        }
        drop(open);
        self.touch_parent(dir);
        self.known_dirs.insert(dir.to_path_buf());
        Ok(())
    }

    fn touch_parent(&mut self, path: &Path) {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            self.touched_dirs.insert(parent.to_path_buf());
        }
    }

    /// Writes one new file. Refuses when it exists or when any directory on the way is a link.
    pub fn write(&mut self, file: &PlannedFile) -> Result<PathBuf> {
        let relative = safe_relative(&file.path)?;
        let target = self.root.join(&relative);
        let parent = target.parent().unwrap_or(&self.root).to_path_buf();
        self.ensure_dir(&parent)?;
        if std::fs::symlink_metadata(&target).is_ok() {
            return Err(Error::usage(format!(
                "{} already exists; nixscaffold never overwrites a file (move it away or choose another name)",
                target.display()
            )));
        }
        let mut open = undo::pending();
        let temp = self.write_temp(&mut open, &target, &file.contents, None)?;
        temp.persist_noclobber(&target).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                Error::usage(format!(
                    "{} already exists; nixscaffold never overwrites a file",
                    target.display()
                ))
            } else {
                Error::io("write", &target, e.error)
            }
        })?;
        if let Some(undo) = open.get_mut(&self.id) {
            undo.files.push(target.clone());
        }
        drop(open);
        self.touched_dirs.insert(parent);
        undo::after_write();
        Ok(target)
    }

    /// Replaces an existing file with `file`'s contents ([`Self::replace_path`]); on failure of
    /// the transaction its old contents are put back. Refuses links on the way, as [`Self::write`].
    pub fn replace(&mut self, file: &PlannedFile) -> Result<PathBuf> {
        let relative = safe_relative(&file.path)?;
        if let Some(parent) = Path::new(&file.path).parent() {
            if !parent.as_os_str().is_empty() {
                refuse_links(&self.root, &parent.to_string_lossy())?;
            }
        }
        let target = self.root.join(&relative);
        self.replace_path(&target, &file.contents)?;
        Ok(target)
    }

    /// Replaces the regular file `path` with `contents`, atomically, keeping its owner, group and
    /// mode as far as the system allows; undone (the original renamed back, the same file) on
    /// failure or a signal. Refuses a symbolic link: the rename would replace the link.
    pub fn replace_path(&mut self, path: &Path, contents: &str) -> Result<()> {
        let meta = std::fs::symlink_metadata(path).map_err(|e| Error::io("inspect", path, e))?;
        if meta.file_type().is_symlink() || !meta.is_file() {
            return Err(Error::usage(format!(
                "{} is not a regular file; nixscaffold does not replace links",
                path.display()
            )));
        }
        let parent = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let mut open = undo::pending();
        // The original stays reachable under a second name until the run is done.
        let original = undo::temp_name(&parent, "orig");
        if let Some(undo) = open.get_mut(&self.id) {
            undo.temps.push(original.clone());
        }
        std::fs::hard_link(path, &original)
            .or_else(|_| std::fs::copy(path, &original).map(drop))
            .map_err(|e| Error::io("keep a copy of", path, e))?;
        let temp = self.write_temp(&mut open, path, contents, Some(&meta))?;
        temp.persist(path)
            .map_err(|e| Error::io("replace", path, e.error))?;
        if let Some(undo) = open.get_mut(&self.id) {
            undo.temps.retain(|t| t != &original);
            undo.replaced.push((path.to_path_buf(), original));
        }
        drop(open);
        self.touched_dirs.insert(parent);
        undo::after_write();
        Ok(())
    }

    /// A temporary file beside `target` holding `contents`, synced; with `like`'s mode and owner,
    /// else 0o666 less the umask, like any file the user creates (a temp file is 0o600 by default).
    fn write_temp(
        &self,
        open: &mut std::sync::MutexGuard<'static, std::collections::BTreeMap<u64, undo::Undo>>,
        target: &Path,
        contents: &str,
        like: Option<&std::fs::Metadata>,
    ) -> Result<tempfile::NamedTempFile> {
        let dir = target.parent().unwrap_or(Path::new("."));
        let name = undo::temp_name(dir, "new");
        if let Some(undo) = open.get_mut(&self.id) {
            undo.temps.push(name.clone());
        }
        let file_name = name.file_name().unwrap_or_default();
        let mode = like.map_or(0o666, |meta| meta.permissions().mode() & 0o7777);
        let mut temp = tempfile::Builder::new()
            .prefix(file_name)
            .rand_bytes(0)
            .permissions(std::fs::Permissions::from_mode(mode))
            .tempfile_in(dir)
            .map_err(|e| Error::io("create a temporary file in", dir, e))?;
        if let Some(meta) = like {
            // Root editing a user's file must not hand it to root; without the right, it is kept
            // as the system allows (a user can only own what they write).
            let _ = std::os::unix::fs::fchown(temp.as_file(), Some(meta.uid()), Some(meta.gid()));
            let _ = temp.as_file().set_permissions(meta.permissions());
        }
        temp.write_all(contents.as_bytes())
            .and_then(|()| temp.as_file().sync_all())
            .map_err(|e| Error::io("write", target, e))?;
        Ok(temp)
    }

    fn ensure_dir(&mut self, dir: &Path) -> Result<()> {
        if self.known_dirs.contains(dir) {
            return Ok(());
        }
        // Below the deepest directory already known: a deep tree, written top down, is not
        // re-walked from the root for every file.
        let start = dir
            .ancestors()
            .find(|a| *a == self.root || self.known_dirs.contains(*a))
            .unwrap_or(&self.root)
            .to_path_buf();
        let rest = dir
            .strip_prefix(&start)
            .unwrap_or(Path::new(""))
            .to_path_buf();
        let mut current = start;
        for component in rest.components() {
            current.push(component);
            match std::fs::symlink_metadata(&current) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    return Err(Error::usage(format!(
                        "{} is a symbolic link; nixscaffold does not write through links (it could leave the repository): replace the link with the directory itself, or add the file by hand",
                        current.display()
                    )))
                }
                Ok(meta) if meta.is_dir() => {
                    self.known_dirs.insert(current.clone());
                }
                Ok(_) => {
                    return Err(Error::usage(format!(
                        "{} is a file where a directory is needed; move it away or choose another name",
                        current.display()
                    )))
                }
                Err(_) => self.create_dir(&current)?,
            }
        }
        Ok(())
    }

    /// Keeps what was written: the changed directories are fsynced first, then the originals of
    /// replaced files and every temporary file are removed. Returns the files created.
    pub fn commit(mut self) -> Vec<PathBuf> {
        for dir in &self.touched_dirs {
            if let Ok(handle) = std::fs::File::open(dir) {
                let _ = handle.sync_all();
            }
        }
        self.committed = true;
        undo::end(self.id, true)
    }
}

impl Drop for Transaction {
    fn drop(&mut self) {
        if !self.committed {
            // Undo in reverse: files first, then the directories this run made (only if left empty).
            undo::end(self.id, false);
        }
    }
}

/// Replaces `path` with `contents` atomically (a temporary file beside it, then a rename), keeping
/// its owner and mode. Refuses a symbolic link: the rename would replace the link, not its target.
pub fn replace_file(path: &Path, contents: &str) -> Result<()> {
    let parent = path.parent().unwrap_or(Path::new("."));
    let mut transaction = Transaction::new(parent);
    transaction.replace_path(path, contents)?;
    transaction.commit();
    Ok(())
}

/// A relative path that stays inside the repository: no root, no `..`, no empty segment.
pub fn safe_relative(path: &str) -> Result<PathBuf> {
    let candidate = Path::new(path);
    let inside = !path.is_empty()
        && !path.split('/').any(str::is_empty)
        && candidate
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if inside {
        Ok(candidate.to_path_buf())
    } else {
        Err(Error::Internal(format!(
            "refusing to write outside the repository: `{path}`"
        )))
    }
}

/// Whether `relative` exists (as anything, a dangling link too). A file where a directory on the
/// way should be counts as absent here: writing then stops at that file, with its own message.
pub fn present(repo: &Path, relative: &str) -> Result<bool> {
    let path = repo.join(relative);
    match std::fs::symlink_metadata(&path) {
        Ok(_) => Ok(true),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(false)
        }
        Err(e) => Err(Error::io("inspect", &path, e)),
    }
}

/// The text of `relative`, `None` when it does not exist. Any other failure (not UTF-8, a
/// directory, no permission) is an error: such a file is neither missing nor safe to write over.
pub fn read_if_present(repo: &Path, relative: &str) -> Result<Option<String>> {
    if !present(repo, relative)? {
        return Ok(None);
    }
    crate::text::read_text(&repo.join(relative)).map(Some)
}

/// Refuses when `relative` (a directory path inside `repo`) or any directory above it inside the
/// repository is a symbolic link: a tree behind a link may be outside the repository.
pub fn refuse_links(repo: &Path, relative: &str) -> Result<()> {
    let mut path = repo.to_path_buf();
    for segment in relative.split('/') {
        path.push(segment);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let points_to = std::fs::read_link(&path)
                    .map(|target| format!(" (it points to {})", target.display()))
                    .unwrap_or_default();
                return Err(Error::usage(format!(
                    "{} is a symbolic link{points_to}; nixscaffold does not read or write through links, \
                     as the files could land outside the repository. Replace the link with the directory \
                     itself, or add the file by hand",
                    path.display()
                )));
            }
            Ok(_) => {}
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

/// Replaces the regular file `relative` under `root` with `contents`, atomically: a temporary file
/// beside it (with the file's permissions), then a rename over it. Never through a link.
pub fn replace(root: &Path, relative: &str, contents: &str) -> Result<PathBuf> {
    let target = root.join(safe_relative(relative)?);
    refuse_links(root, relative)?;
    let meta = std::fs::metadata(&target).map_err(|e| Error::io("inspect", &target, e))?;
    if !meta.is_file() {
        return Err(Error::usage(format!(
            "{} is not a regular file; nixscaffold only rewrites regular files",
            target.display()
        )));
    }
    let parent = target.parent().unwrap_or(root).to_path_buf();
    let mut temp = tempfile::Builder::new()
        .prefix(".nixscaffold-")
        .suffix(".tmp")
        .permissions(meta.permissions())
        .tempfile_in(&parent)
        .map_err(|e| Error::io("create a temporary file in", &parent, e))?;
    temp.write_all(contents.as_bytes())
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| Error::io("write", &target, e))?;
    temp.persist(&target)
        .map_err(|e| Error::io("write", &target, e.error))?;
    Ok(target)
}

/// Writes every planned file under `root`, all or nothing. Returns the absolute paths written.
pub fn write_all(root: &Path, files: &[PlannedFile]) -> Result<Vec<PathBuf>> {
    let mut transaction = Transaction::new(root);
    transaction.create_root()?;
    for file in files {
        transaction.write(file)?;
    }
    Ok(transaction.commit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Ownership;

    fn planned(path: &str, contents: &str) -> PlannedFile {
        PlannedFile {
            path: path.into(),
            contents: contents.into(),
            ownership: Ownership::Starter,
        }
    }

    #[test]
    fn a_failure_midway_removes_everything_this_run_created_and_keeps_the_rest() {
        let scratch = tempfile::tempdir().unwrap();
        let root = scratch.path().join("repo");
        std::fs::create_dir_all(root.join("keep")).unwrap();
        std::fs::write(root.join("keep/mine.nix"), "mine").unwrap();
        let files = [
            planned("a/b/one.nix", "1"),
            planned("two.nix", "2"),
            planned("keep/mine.nix", "would overwrite"),
        ];
        let error = write_all(&root, &files).unwrap_err();
        assert!(error.to_string().contains("already exists"), "{error}");
        assert!(!root.join("a").exists(), "created directories are removed");
        assert!(!root.join("two.nix").exists(), "created files are removed");
        assert_eq!(
            std::fs::read_to_string(root.join("keep/mine.nix")).unwrap(),
            "mine"
        );
        let leftovers: Vec<_> = walkdir::WalkDir::new(&root)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(
            leftovers.is_empty(),
            "no temporary file is left: {leftovers:?}"
        );
    }

    #[test]
    fn a_failure_puts_back_what_the_run_replaced() {
        use std::os::unix::fs::PermissionsExt;
        let scratch = tempfile::tempdir().unwrap();
        let root = scratch.path();
        std::fs::write(root.join("a.nix"), "mine").unwrap();
        std::fs::set_permissions(root.join("a.nix"), PermissionsExt::from_mode(0o640)).unwrap();
        std::fs::write(root.join("b.nix"), "exists").unwrap();
        let mut transaction = Transaction::new(root);
        transaction.replace(&planned("a.nix", "merged")).unwrap();
        assert_eq!(
            std::fs::read_to_string(root.join("a.nix")).unwrap(),
            "merged"
        );
        assert!(transaction.write(&planned("b.nix", "new")).is_err());
        drop(transaction);
        assert_eq!(std::fs::read_to_string(root.join("a.nix")).unwrap(), "mine");
        let mode = std::fs::metadata(root.join("a.nix"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640, "the file's mode is kept");
        let outside = scratch.path().join("link");
        std::os::unix::fs::symlink(root.join("b.nix"), &outside).unwrap();
        let error = Transaction::new(root)
            .replace(&planned("link", "x"))
            .unwrap_err();
        assert!(
            error.to_string().contains("does not replace links"),
            "{error}"
        );
    }

    #[test]
    fn files_get_the_usual_mode_not_a_temp_files_0600() {
        use std::os::unix::fs::PermissionsExt;
        let scratch = tempfile::tempdir().unwrap();
        let root = scratch.path().join("repo");
        write_all(&root, &[planned("flake.nix", "{ }\n")]).unwrap();
        let mode = std::fs::metadata(root.join("flake.nix"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        // Whatever the umask, group and others may read unless it forbids them; 0o600 was the bug.
        let umask_allows_read = mode & 0o044 != 0 || current_umask() & 0o044 == 0o044;
        assert!(mode & 0o600 == 0o600 && umask_allows_read, "mode {mode:o}");
    }

    /// The process umask, read from /proc (setting it would race with other tests).
    fn current_umask() -> u32 {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("Umask:"))
                    .map(|l| l[6..].trim().to_string())
            })
            .and_then(|u| u32::from_str_radix(&u, 8).ok())
            .unwrap_or(0o022)
    }

    #[test]
    fn never_writes_through_a_symbolic_link() {
        let scratch = tempfile::tempdir().unwrap();
        let outside = scratch.path().join("outside");
        let root = scratch.path().join("repo");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::create_dir_all(&root).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("modules")).unwrap();
        let error = write_all(&root, &[planned("modules/x.nix", "x")]).unwrap_err();
        assert!(error.to_string().contains("symbolic link"), "{error}");
        assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
    }

    #[test]
    fn refuses_paths_that_leave_the_repository() {
        for path in ["../x", "/etc/x", "a//b", "", "a/../../x", "./x"] {
            assert!(safe_relative(path).is_err(), "{path:?}");
        }
        assert!(safe_relative("a/b.nix").is_ok());
    }

    #[test]
    fn a_replaced_file_keeps_its_mode_and_owner_and_comes_back_when_undone() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let scratch = tempfile::tempdir().unwrap();
        let path = scratch.path().join(".nixscaffold.yaml");
        std::fs::write(&path, "old\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        // As root (CI), hand the file to another user: a root-run edit must not take it.
        let owner = if std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0) {
            std::os::unix::fs::chown(&path, Some(4321), Some(4321)).unwrap();
            4321
        } else {
            std::fs::metadata(&path).unwrap().uid()
        };
        let mut transaction = Transaction::new(scratch.path());
        transaction.replace_path(&path, "new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        drop(transaction);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n", "undone");

        let mut transaction = Transaction::new(scratch.path());
        transaction.replace_path(&path, "new\n").unwrap();
        transaction.commit();
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        assert_eq!(meta.permissions().mode() & 0o777, 0o640);
        assert_eq!(meta.uid(), owner, "the owner is kept");
        let names: Vec<_> = std::fs::read_dir(scratch.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names.len(),
            1,
            "no backup or temporary file is left: {names:?}"
        );
    }

    #[test]
    fn a_deep_tree_is_not_rewalked_for_every_file() {
        let scratch = tempfile::tempdir().unwrap();
        let root = scratch.path().join("repo");
        let mut path = String::from("m");
        let mut files = Vec::new();
        for _ in 0..1_000 {
            files.push(planned(&format!("{path}/default.nix"), "{ }"));
            path.push_str("/m");
        }
        let started = std::time::Instant::now();
        assert_eq!(write_all(&root, &files).unwrap().len(), 1_000);
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    }
}
