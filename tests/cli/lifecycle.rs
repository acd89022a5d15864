//! The three jobs together: a repository made by `new` and grown by every `add-*` stays clean under
//! `check`, whatever the configuration.

use crate::support::*;

fn assert_check_clean(repo: &std::path::Path, moment: &str) {
    let run = check(repo, &["--format", "json"]);
    assert_eq!(run.code, 0, "check is not clean {moment}:\n{}", run.stdout);
    assert_eq!(findings(&json_of(&run)), vec![], "{moment}: {}", run.stdout);
}

fn add(repo: &std::path::Path, args: &[&str]) {
    nixscaffold(repo)
        .args(args)
        .arg("--no-git")
        .assert()
        .success();
}

#[test]
fn new_then_every_addition_stays_clean_under_check() {
    for args in NEW_CONFIGURATIONS {
        let (scratch, repo) = new_repo(args);
        assert_check_clean(&repo, &format!("after new {args:?}"));
        let answers = nixscaffold::answers::Answers::read(&repo).unwrap().unwrap();
        use nixscaffold::answers::{OverlaySet, Platform};
        for platform in &answers.platforms {
            add(&repo, &["add-module", &format!("{platform}/tools/editor")]);
            add(
                &repo,
                &[
                    "add-module",
                    &format!("{platform}/services/web"),
                    "--as-dir",
                ],
            );
        }
        if answers.has(Platform::Nixos) {
            add(&repo, &["add-host", "nixos/extra"]);
            add(
                &repo,
                &["add-host", "nixos/old", "--state-version", "23.11"],
            );
        }
        if answers.has(Platform::Darwin) {
            add(&repo, &["add-host", "darwin/extra"]);
            add(&repo, &["add-host", "darwin/old", "--state-version", "4"]);
        }
        if answers.has(Platform::Home) {
            add(&repo, &["add-user", "extra"]);
            add(&repo, &["add-user", "extra@old"]);
        }
        for set in OverlaySet::ALL {
            let word = set.row().word;
            if answers.has_overlay(set) {
                add(&repo, &["add-package", &format!("{word}/thing")]);
                add(
                    &repo,
                    &["add-package", &format!("{word}/small"), "--as-file"],
                );
            }
        }
        assert_check_clean(&repo, &format!("after the additions to {args:?}"));
        assert_all_nix_valid(scratch.path(), &repo);
    }
}
