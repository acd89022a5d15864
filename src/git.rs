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
