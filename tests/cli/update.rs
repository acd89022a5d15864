//! `nixscaffold update`: a repository made by the previous release (0.1.0, through the binary's own
//! store of released templates) is carried to this version; the user's edits survive.

use std::path::{Path, PathBuf};

use crate::support::*;

/// Runs git in `repo`, which must succeed.
fn git(repo: &Path, args: &[&str]) -> String {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// A repository made by nixscaffold 0.1.0 in `<scratch>/old/repo`, committed; and what this
/// version's `new` writes for the same answers, in `<scratch>/new/repo`.
fn old_and_new(args: &[&str]) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let scratch = scratch();
    let old = scratch.path().join("old/repo");
    let new = scratch.path().join("new/repo");
    nixscaffold(scratch.path())
        .arg("new")
        .arg(&old)
        .args(["--yes", "--as-version", "0.1.0"])
        .args(args)
        .assert()
        .success();
    git(&old, &["commit", "--quiet", "-m", "made by 0.1.0"]);
    nixscaffold(scratch.path())
        .arg("new")
        .arg(&new)
        .args(["--yes", "--no-git"])
        .args(args)
        .assert()
        .success();
    (scratch, old, new)
}

fn update(repo: &Path, args: &[&str]) -> Run {
    let output = nixscaffold(repo)
        .arg("update")
        .args(args)
        .timeout(TIMEOUT)
        .output();
    finish(output, "update")
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The first line the template changed between 0.1.0 and this version in `file`, as (0.1.0's
/// line, this version's line): where a user's edit meets the template's.
fn changed_line(old: &Path, new: &Path, file: &str) -> (String, String) {
    let (before, after) = (read(old.join(file)), read(new.join(file)));
    before
        .lines()
        .zip(after.lines())
        .find(|(a, b)| a != b)
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .unwrap_or_else(|| panic!("{file}: the template did not change it since 0.1.0"))
}

/// Every file under `root` as text, by path.
fn texts(root: &Path) -> Vec<(String, String)> {
    files(root)
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
        .collect()
}

/// This version: what `update` carries a repository to.
const VERSION: &str = env!("CARGO_PKG_VERSION");

const AGENIX: &str = "    agenix.url = \"github:ryantm/agenix\";\n";

#[test]
fn update_merges_the_templates_changes_with_the_users_and_marks_the_conflict() {
    let (scratch, repo, new) = old_and_new(&[]);
    // The user: a hand edit in a managed file, an input of their own, and a comment the template
    // also changed.
    let managed = "flake/pkgs.nix";
    let managed_text = format!("# my note\n{}", read(repo.join(managed)));
    std::fs::write(repo.join(managed), &managed_text).unwrap();
    let (template_line, new_line) = changed_line(&repo, &new, "flake.nix");
    let old_flake = scratch.path().join("flake-0.1.0.nix");
    std::fs::copy(repo.join("flake.nix"), &old_flake).unwrap();
    let my_line = "  # Binary caches: my own words about them.";
    let flake = read(repo.join("flake.nix"))
        .replace("  inputs = {\n", &format!("  inputs = {{\n{AGENIX}"))
        .replacen(&template_line, my_line, 1);
    std::fs::write(repo.join("flake.nix"), &flake).unwrap();
    git(&repo, &["commit", "--quiet", "-am", "my edits"]);

    let run = update(&repo, &[]);
    assert_eq!(
        run.code, 1,
        "a conflict exits 1:\n{}{}",
        run.stdout, run.stderr
    );
    assert!(run.stdout.contains("CONFLICT  flake.nix"), "{}", run.stdout);
    assert!(
        run.stdout.contains("1 conflict(s) to resolve"),
        "{}",
        run.stdout
    );

    // Untouched files are this version's rendering; the version is recorded.
    for (path, text) in texts(&new) {
        if path != "flake.nix" && path != managed {
            assert_eq!(read(repo.join(&path)), text, "{path}");
        }
    }
    assert!(read(repo.join(".nixscaffold.yaml")).contains(&format!("\nversion: \"{VERSION}\"\n")));
    // The user's edits are kept.
    assert_eq!(read(repo.join(managed)), managed_text);
    let merged = read(repo.join("flake.nix"));
    assert!(merged.contains(AGENIX), "{merged}");
    assert_eq!(merged.matches("<<<<<<<").count(), 1, "{merged}");
    let between = |from: &str, to: &str| {
        let start = merged.find(from).unwrap() + from.len();
        merged[start..start + merged[start..].find(to).unwrap()].to_string()
    };
    let (ours_side, base_side, theirs_side) = (
        between("<<<<<<< ours\n", "||||||| base\n"),
        between("||||||| base\n", "=======\n"),
        between("=======\n", ">>>>>>> theirs\n"),
    );
    assert!(ours_side.starts_with(&format!("{my_line}\n")), "{merged}");
    assert!(
        base_side.starts_with(&format!("{template_line}\n")),
        "{merged}"
    );
    assert!(read(old_flake).contains(&base_side), "{merged}");
    assert!(
        theirs_side.starts_with(&format!("{new_line}\n")),
        "{merged}"
    );

    // Resolved by taking the template's side: the flake is this version's plus the user's input.
    let start = merged.find("<<<<<<< ours\n").unwrap();
    let end = merged.find(">>>>>>> theirs\n").unwrap() + ">>>>>>> theirs\n".len();
    let resolved = format!("{}{theirs_side}{}", &merged[..start], &merged[end..]);
    std::fs::write(repo.join("flake.nix"), &resolved).unwrap();
    assert_eq!(
        resolved,
        read(new.join("flake.nix")).replace("  inputs = {\n", &format!("  inputs = {{\n{AGENIX}"))
    );
    assert_all_nix_valid(scratch.path(), &repo);
    // check: clean but for the user's own hand edit of a managed file.
    let checked = check(&repo, &["--format", "json"]);
    let found: Vec<(String, String)> = findings(&json_of(&checked))
        .into_iter()
        .map(|(name, file, _, _)| (name, file))
        .collect();
    assert_eq!(
        found,
        vec![("managed-drift".to_string(), managed.to_string())]
    );

    // Updating again is a no-op.
    git(&repo, &["commit", "--quiet", "-am", "resolved"]);
    let before = tree_hash(&repo);
    let again = update(&repo, &[]);
    assert_eq!(again.code, 0, "{}{}", again.stdout, again.stderr);
    assert!(
        again
            .stdout
            .contains(&format!("Up to date with nixscaffold {VERSION}")),
        "{}",
        again.stdout
    );
    assert_eq!(tree_hash(&repo), before);
}

#[test]
fn an_untouched_repository_becomes_this_versions_rendering() {
    for args in [
        &["--platform", "nixos"][..],
        &["--platform", "darwin", "--platform", "home"],
    ] {
        let (_scratch, repo, new) = old_and_new(args);
        let run = update(&repo, &[]);
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
        assert!(run.stdout.contains("replaced  flake.nix"), "{}", run.stdout);
        assert_eq!(texts(&repo), texts(&new), "{args:?}");
        let checked = check(&repo, &["--format", "json"]);
        assert_eq!(findings(&json_of(&checked)), vec![], "{}", checked.stdout);
        let again = update(&repo, &["--allow-dirty"]);
        assert_eq!((again.code, texts(&repo)), (0, texts(&new)));
    }
}

#[test]
fn dry_run_shows_the_diffs_and_changes_nothing() {
    let (_scratch, repo, _new) = old_and_new(&[]);
    let before = tree_hash(&repo);
    let run = update(&repo, &["--dry-run"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("--- flake.nix (repository)\n+++ flake.nix (updated)\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(&format!("-version: \"0.1.0\"\n+version: \"{VERSION}\"\n")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("(dry run: nothing was written)"),
        "{}",
        run.stdout
    );
    assert_eq!(tree_hash(&repo), before);
}

#[test]
fn check_says_whether_an_update_is_available() {
    let (_scratch, repo, _new) = old_and_new(&[]);
    let before = tree_hash(&repo);
    let run = update(&repo, &["--check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["update_available"], true);
    assert_eq!(json["recorded_version"], "0.1.0");
    assert_eq!(json["tool"]["version"], VERSION);
    let files: Vec<(&str, &str)> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["action"].as_str().unwrap()))
        .collect();
    // 0.2.0 changed flake.nix's cache comment, the README and the scanPaths helper, and brought the
    // day-one files (hardware placeholder, accounts, state versions, CI, module outputs for other
    // flakes).
    assert_eq!(
        files,
        vec![
            ("flake.nix", "replaced"),
            ("lib/default.nix", "replaced"),
            ("flake/configurations.nix", "replaced"),
            ("flake/checks.nix", "replaced"),
            ("modules/default.nix", "replaced"),
            ("hosts/nixos/nixos/default.nix", "replaced"),
            ("hosts/nixos/nixos/hardware-configuration.nix", "created"),
            ("hosts/darwin/mac/default.nix", "replaced"),
            ("home/user/default.nix", "replaced"),
            (".github/workflows/check.yml", "created"),
            ("README.md", "replaced")
        ]
    );
    let schema: serde_json::Value = serde_json::from_str(&read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/update-schema.json"),
    ))
    .unwrap();
    assert_conforms(&json, &schema, &schema, "");
    assert_eq!(tree_hash(&repo), before, "--check writes nothing");

    assert_eq!(update(&repo, &[]).code, 0);
    let run = update(&repo, &["--check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        run.stdout,
        format!("Up to date with nixscaffold {VERSION}.\n")
    );
}

#[test]
fn a_file_with_uncommitted_changes_stops_the_update_unless_allowed() {
    let (_scratch, repo, new) = old_and_new(&[]);
    let flake =
        read(repo.join("flake.nix")).replace("  inputs = {\n", &format!("  inputs = {{\n{AGENIX}"));
    std::fs::write(repo.join("flake.nix"), &flake).unwrap();
    let before = tree_hash(&repo);
    let run = update(&repo, &[]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("uncommitted changes"), "{}", run.stderr);
    assert!(run.stderr.contains(" M flake.nix"), "{}", run.stderr);
    assert_eq!(tree_hash(&repo), before, "nothing was written");

    let run = update(&repo, &["--allow-dirty"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("merged    flake.nix"), "{}", run.stdout);
    let expected =
        read(new.join("flake.nix")).replace("  inputs = {\n", &format!("  inputs = {{\n{AGENIX}"));
    assert_eq!(read(repo.join("flake.nix")), expected);
}

#[test]
fn reject_keeps_the_users_lines_and_writes_the_templates_hunk_beside_them() {
    let (scratch, repo, new) = old_and_new(&[]);
    let (template_line, new_line) = changed_line(&repo, &new, "flake.nix");
    let mine = read(repo.join("flake.nix")).replacen(&template_line, "  # mine", 1);
    std::fs::write(repo.join("flake.nix"), &mine).unwrap();
    git(&repo, &["commit", "--quiet", "-am", "mine"]);
    let run = update(&repo, &["--reject"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("the template's in flake.nix.rej"),
        "{}",
        run.stdout
    );
    let kept = read(repo.join("flake.nix"));
    assert!(
        kept.contains("  # mine\n") && !kept.contains("<<<<<<<"),
        "{kept}"
    );
    let rejected = read(repo.join("flake.nix.rej"));
    assert!(
        rejected.starts_with("--- flake.nix (base)\n+++ flake.nix (theirs)\n@@ -4,"),
        "{rejected}"
    );
    assert!(
        rejected.contains(&format!("-{template_line}\n")),
        "{rejected}"
    );
    assert!(rejected.contains(&format!("+{new_line}\n")), "{rejected}");
    assert_all_nix_valid(scratch.path(), &repo);
}

#[test]
fn a_starter_file_the_user_changed_is_kept_and_listed() {
    let (_scratch, repo, _new) = old_and_new(&[]);
    let readme = format!("{}\nMy notes.\n", read(repo.join("README.md")));
    std::fs::write(repo.join("README.md"), &readme).unwrap();
    git(&repo, &["commit", "--quiet", "-am", "notes"]);
    let run = update(&repo, &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("kept      README.md"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("--- README.md (recorded version)\n+++ README.md (this version)\n"),
        "the template's change to a kept file is shown, as no later run shows it:\n{}",
        run.stdout
    );
    assert_eq!(read(repo.join("README.md")), readme);
}

#[test]
fn what_update_cannot_do_is_a_clear_error() {
    let (_scratch, repo, _new) = old_and_new(&[]);
    let answers = read(repo.join(".nixscaffold.yaml"));
    for (version, says) in [
        ("9.0.0", "newer than this one"),
        ("0.0.1", "whose templates this nixscaffold does not have"),
        ("one", "is not a version"),
    ] {
        let text = answers.replace("version: \"0.1.0\"", &format!("version: {version}"));
        std::fs::write(repo.join(".nixscaffold.yaml"), text).unwrap();
        let run = update(&repo, &[]);
        assert_eq!(run.code, 2, "{version}: {}", run.stdout);
        assert!(run.stderr.contains(says), "{version}: {}", run.stderr);
    }
    std::fs::remove_file(repo.join(".nixscaffold.yaml")).unwrap();
    let run = update(&repo, &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("has no .nixscaffold.yaml"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_recorded_templates_folder_renders_both_versions() {
    let scratch = scratch();
    let templates = scratch.path().join("my-templates");
    std::fs::create_dir_all(templates.join("flake")).unwrap();
    let mine = "# my lib module\n{ lib, ... }:\n{\n  flake.lib = lib.custom;\n}\n";
    std::fs::write(templates.join("flake/lib.nix"), mine).unwrap();
    let repo = scratch.path().join("repo");
    nixscaffold(scratch.path())
        .arg("new")
        .arg(&repo)
        .args(["--yes", "--as-version", "0.1.0", "--template"])
        .arg(&templates)
        .assert()
        .success();
    git(&repo, &["commit", "--quiet", "-m", "made by 0.1.0"]);
    let run = update(&repo, &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(read(repo.join("flake/lib.nix")), mine);
    assert!(run.stdout.contains("replaced  flake.nix"), "{}", run.stdout);
    let checked = check(&repo, &["--format", "json"]);
    assert_eq!(findings(&json_of(&checked)), vec![], "{}", checked.stdout);
}

/// Outside a git work tree there is nothing to compare with: the update goes ahead. A file the
/// user removed is not written again, even when the template changed it.
#[test]
fn outside_git_a_removed_file_stays_removed() {
    let scratch = scratch();
    let repo = scratch.path().join("repo");
    nixscaffold(scratch.path())
        .arg("new")
        .arg(&repo)
        .args(["--yes", "--no-git", "--as-version", "0.1.0"])
        .assert()
        .success();
    std::fs::remove_file(repo.join("README.md")).unwrap();
    let run = finish(
        nixscaffold(scratch.path())
            .args(["update", "-C"])
            .arg(&repo)
            .timeout(TIMEOUT)
            .output(),
        "update",
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("removed   README.md"), "{}", run.stdout);
    assert!(run.stdout.contains("replaced  flake.nix"), "{}", run.stdout);
    assert!(!repo.join("README.md").exists());
    assert!(!repo.join(".git").exists(), "no repository was made");
}
