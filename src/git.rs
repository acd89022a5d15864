//! A flake inside a git repository sees only the files git tracks, so what we create must be added.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The top of the git work tree that contains `dir`, if any (and if git is installed).
pub fn work_tree(dir: &Path) -> Option<PathBuf> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--show-toplevel"])
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let top = String::from_utf8(output.stdout).ok()?;
    Some(PathBuf::from(top.trim_end()))
}

/// Stages `files` (relative to `dir`) with `git add`, as `add-*` do, and says so: the next
/// `git commit` takes them, and `git checkout -- .` cannot empty them. `what` names the files in
/// the message. Outside a work tree nothing is added. Failing git is a warning, never an error.
pub fn report_added(dir: &Path, files: &[PathBuf], what: &str) {
    let Some(top) = work_tree(dir) else {
        say!("(not in a git work tree: nothing was added to git)");
        return;
    };
    match add(dir, files, false) {
        Ok(()) => say!(
            "Staged {what} in the git repository {} (git add; --no-git skips this): a flake sees \
             only tracked files, and `git commit` takes them.",
            top.display()
        ),
        Err(why) => tell!(
            "warning: {why}\n         The files are written, but a flake sees only files git tracks: \
             `git add` them."
        ),
    }
}

/// Adds the files of a new repository to git and says what happened: with `git add
/// --intent-to-add` inside an existing work tree, else in a new repository (`git init`) with the
/// files staged. Failing git is a warning, never an error.
pub fn report_created(dir: &Path, files: &[PathBuf]) {
    let outcome = match work_tree(dir) {
        Some(top) => add(dir, files, true).map(|()| {
            format!(
                "Added the files to the git index of {} (git add --intent-to-add): a flake sees only \
                 tracked files.",
                top.display()
            )
        }),
        None => init(dir).and_then(|()| add(dir, files, false)).map(|()| {
            "Initialized a git repository and staged the files: a flake sees only tracked files."
                .to_string()
        }),
    };
    match outcome {
        Ok(message) => say!("{message}"),
        Err(why) => tell!(
            "warning: {why}\n         The files are written, but a flake sees only files git tracks: \
             run `git init && git add .` in {}.",
            dir.display()
        ),
    }
}

/// The paths among `files` (relative to `dir`) that git reports as changed, staged or untracked:
/// `git status --porcelain`'s lines for them. Empty outside a work tree; `Err` when git fails.
pub fn dirty(dir: &Path, files: &[PathBuf]) -> Result<Vec<String>, String> {
    if files.is_empty() || work_tree(dir).is_none() {
        return Ok(Vec::new());
    }
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["status", "--porcelain=v1", "--untracked-files=all", "--"])
        .args(files)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "git status failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect())
}

pub fn init(dir: &Path) -> Result<(), String> {
    run(dir, &["init", "--quiet"], &[])
}

/// `git add` of `files`, relative to `dir` (or `git add --intent-to-add`, which records the files without staging their content).
pub fn add(dir: &Path, files: &[PathBuf], intent_to_add: bool) -> Result<(), String> {
    let mut args = vec!["add"];
    if intent_to_add {
        args.push("--intent-to-add");
    }
    args.push("--");
    run(dir, &args, files)
}

fn run(dir: &Path, args: &[&str], files: &[PathBuf]) -> Result<(), String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .args(files)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// Stages a change of files in the index: `present` added, `gone` removed from it.
pub fn stage(dir: &Path, present: &[PathBuf], gone: &[PathBuf]) -> Result<(), String> {
    if !gone.is_empty() {
        run(
            dir,
            &["rm", "-r", "--cached", "--quiet", "--ignore-unmatch", "--"],
            gone,
        )?;
    }
    if !present.is_empty() {
        run(dir, &["add", "--"], present)?;
    }
    Ok(())
}
