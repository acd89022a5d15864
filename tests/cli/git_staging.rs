//! `add-*` stages what it creates with `git add`: a plain `git commit -m` commits the new module,
//! and `git checkout -- .` cannot empty it.

use std::path::Path;
use std::process::Command;

use predicates::prelude::*;

use crate::support::{nixscaffold, scratch};

fn git(repo: &Path, args: &[&str]) -> (bool, String) {
    let output = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
        .args(args)
        .output()
        .expect("git runs");
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

#[test]
fn git_commit_after_add_module_commits_the_new_file() {
    let scratch = scratch();
    let repo = scratch.path().join("repo");
    nixscaffold(scratch.path())
        .args(["new", "repo", "--yes"])
        .assert()
        .success();
    assert!(git(&repo, &["commit", "--quiet", "-m", "new"]).0);

    nixscaffold(&repo.join("hosts"))
        .args(["add-module", "nixos/foo"])
        .assert()
        .success()
        .stdout(predicates::str::contains("Staged the new files"))
        .stdout(predicates::str::contains("git add"));
    let (ok, out) = git(&repo, &["commit", "--quiet", "-m", "add foo module"]);
    assert!(ok, "git commit: {out}");
    let (_, committed) = git(&repo, &["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(committed.trim(), "modules/nixos/foo.nix");
    let (_, status) = git(&repo, &["status", "--porcelain"]);
    assert_eq!(status, "", "everything is committed");

    // A habit that empties an intent-to-add file leaves a committed one alone.
    let text = std::fs::read_to_string(repo.join("modules/nixos/foo.nix")).unwrap();
    assert!(git(&repo, &["checkout", "--", "."]).0);
    assert_eq!(
        std::fs::read_to_string(repo.join("modules/nixos/foo.nix")).unwrap(),
        text
    );
}

#[test]
fn no_git_leaves_the_new_files_untracked_and_says_nothing_of_git() {
    let scratch = scratch();
    let repo = scratch.path().join("repo");
    nixscaffold(scratch.path())
        .args(["new", "repo", "--yes"])
        .assert()
        .success();
    nixscaffold(&repo)
        .args(["add-package", "custom/hello", "--no-git"])
        .assert()
        .success()
        .stdout(predicates::str::contains("Staged").not());
    let (_, status) = git(&repo, &["status", "--porcelain", "--untracked-files=all"]);
    assert!(
        status.contains("?? pkgs/custom/hello/package.nix"),
        "{status}"
    );
}
