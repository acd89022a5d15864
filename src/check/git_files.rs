//! The files a flake sees. In a git work tree, a flake is built from what git shows: the tracked
//! files, plus (with a warning from nix) the untracked ones git does not ignore. So `check` takes
//! its list from git itself (`git ls-files --cached --others --exclude-standard`), which applies
//! exactly git's rules: `.gitignore` files inside the repository, `.git/info/exclude` and the user's
//! `core.excludesFile`; never a `.gitignore` above the repository, nor a `.ignore` file; and a
//! tracked file is shown even when a pattern matches it (`git add -f`). Outside a work tree (or
//! without git) there is no list to take, and [`super::walk`] reads every file.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// The paths, relative to `root`, of the files git shows under `root`, sorted and each once; `None`
/// when `root` is not in a git work tree or git cannot be run.
pub fn listed(root: &Path) -> Option<Vec<PathBuf>> {
    let output = crate::git::command(root)
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
            "--",
            ".",
        ])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let mut paths: Vec<PathBuf> = output
        .stdout
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| PathBuf::from(OsStr::from_bytes(p)))
        .collect();
    // A file in conflict is listed once per stage.
    paths.sort();
    paths.dedup();
    Some(paths)
}
