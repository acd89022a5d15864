//! Every command that takes a repository finds its root upwards from the current directory, and
//! takes `-C/--repo`: `check` from a subdirectory reports what it reports from the root.

use std::path::Path;
use std::process::Command;

use crate::fixture::Fixture;
use crate::support::{check, findings, json_of, Run};

fn report(run: &Run) -> (Vec<(String, String, u64, u64)>, serde_json::Value) {
    let json = json_of(run);
    (findings(&json), json["summary"].clone())
}

fn git_init(dir: &Path) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["init", "--quiet"])
        .status()
        .expect("git runs");
    assert!(status.success());
}

#[test]
fn check_from_a_subdirectory_reports_the_same_as_from_the_root() {
    let fixture = Fixture::load("check/getenv");
    let root = fixture.root();
    let from_root = check(&root, &["--format", "json"]);
    assert_eq!(from_root.code, 1, "{}", from_root.stderr);
    let expected = report(&from_root);
    assert!(!expected.0.is_empty());

    let deep = root.join("modules/nixos");
    for cwd in [deep.clone(), root.join("modules")] {
        let run = check(&cwd, &["--format", "json"]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert_eq!(report(&run), expected, "from {}", cwd.display());
    }
    // The human report names the root as the user would reach it.
    let human = check(&deep, &[]);
    assert!(
        human.stdout.starts_with("Checking ../.. ("),
        "{}",
        human.stdout
    );
    assert!(!human.stdout.contains("NS001"), "{}", human.stdout);

    // In a git work tree too.
    git_init(&root);
    assert_eq!(report(&check(&deep, &["--format", "json"])), expected);
}

#[test]
fn check_takes_the_repository_with_dash_c_or_as_dir_but_not_both() {
    let fixture = Fixture::load("check/getenv");
    let expected = report(&check(&fixture.root(), &["--format", "json"]));
    let elsewhere = fixture.parent();
    assert_eq!(
        report(&check(elsewhere, &["-C", "getenv", "--format", "json"])),
        expected
    );
    assert_eq!(
        report(&check(elsewhere, &["--repo", "getenv", "--format", "json"])),
        expected
    );
    assert_eq!(
        report(&check(elsewhere, &["getenv", "--format", "json"])),
        expected
    );
    let both = check(elsewhere, &["getenv", "-C", "getenv"]);
    assert_eq!(both.code, 2);
    assert!(
        both.stderr.contains("cannot be used with"),
        "{}",
        both.stderr
    );
}

#[test]
fn a_flake_nested_in_a_git_repository_belongs_to_the_outer_repository() {
    let fixture = Fixture::load("check/getenv");
    let root = fixture.root();
    git_init(&root);
    let expected = report(&check(&root, &["--format", "json"]));
    // A flake template inside the repository: checking from inside it checks the repository.
    let template = root.join("templates/default");
    std::fs::create_dir_all(template.join("modules")).unwrap();
    std::fs::write(template.join("flake.nix"), "{ outputs = _: { }; }\n").unwrap();
    let run = check(&template.join("modules"), &["--format", "json"]);
    assert_eq!(json_of(&run)["root"], "../../..", "{}", run.stdout);
    assert_eq!(report(&run).0, expected.0);
}

#[test]
fn eval_takes_the_repository_with_dash_c_too() {
    let scratch = crate::support::scratch();
    let run = crate::support::nixscaffold(scratch.path())
        .args(["eval", "a", "-C", "b"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("cannot be used with"));
    // -C names a directory without a flake: the error names it, as DIR's does.
    let run = crate::support::nixscaffold(scratch.path())
        .args(["eval", "-C", "."])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("there is no flake.nix there"),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}
