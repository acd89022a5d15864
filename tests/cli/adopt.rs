//! `nixscaffold adopt`: fixture repositories shaped like real configurations are adopted (their
//! own choices recorded) and fixed, so that a following `check` is clean; the fixes keep the files
//! each configuration reaches; `add-module` follows the repository's own layout.

use std::path::Path;

use crate::fix::{commit_all, reached_per_root};
use crate::fixture::Fixture;
use crate::support::*;

fn adopt(repo: &Path, args: &[&str]) -> Run {
    let output = nixscaffold(repo)
        .arg("adopt")
        .args(args)
        .timeout(TIMEOUT)
        .output();
    finish(output, "adopt")
}

/// The names of the findings of a `check --format json` run.
fn names(repo: &Path) -> Vec<String> {
    findings(&json_of(&check(repo, &["--format", "json"])))
        .into_iter()
        .map(|(name, file, ..)| format!("{name} {file}"))
        .collect()
}

/// Adopts fixture `name`, checks what is left before the fixes, fixes, proves the reached files
/// unchanged and the following check clean; snapshots the recorded answers and what was fixed.
fn adopt_and_fix(name: &str, before_fix: &[&str]) {
    let fixture = Fixture::load(&format!("adopt/{name}"));
    let repo = fixture.root();
    commit_all(&repo);

    let hash = tree_hash(&repo);
    let dry = adopt(&repo, &["--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert_eq!(tree_hash(&repo), hash, "adopt --dry-run wrote");

    let run = adopt(&repo, &["--no-git"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let recorded = std::fs::read_to_string(repo.join(".nixscaffold.yaml")).unwrap();
    assert_eq!(
        recorded, dry.stdout,
        "--dry-run shows the file adopt writes"
    );
    snapshot(&format!("adopt-{name}-answers"), &recorded);
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/nixscaffold-yaml.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let as_json: serde_json::Value = serde_saphyr::from_str(&recorded).unwrap();
    crate::json_schema::assert_valid(&schema, &as_json, &format!("adopt/{name}"));
    assert_eq!(names(&repo), before_fix, "{name}: findings after adopt");

    commit_all(&repo);
    let reached = reached_per_root(&repo);
    let fixed = check(&repo, &["--fix"]);
    assert_eq!(fixed.code, 0, "{}\n{}", fixed.stdout, fixed.stderr);
    snapshot(&format!("adopt-{name}-fix"), &fixed.stdout);
    let after = reached_per_root(&repo);
    for (root, files) in &reached {
        assert!(
            after[root].is_superset(files),
            "{root} reaches less after the fix: {files:?} → {:?}",
            after[root]
        );
    }
    assert!(names(&repo).is_empty(), "a following check is clean");
}

#[test]
fn a_hand_listed_repository_with_a_registry_and_a_missing_key() {
    adopt_and_fix(
        "hand-lists",
        &[
            "cache-keys flake.nix",
            "imported-module-output flake.nix",
            "imported-module-output modules/registry.nix",
            "imported-module-output modules/registry.nix",
        ],
    );
}

#[test]
fn a_repository_with_its_own_modified_scan_helper() {
    adopt_and_fix(
        "own-helper",
        &[
            "missing-part modules/nixos/net/default.nix",
            "orphan-file modules/nixos/net/wifi.nix",
        ],
    );
}

#[test]
fn an_import_tree_repository() {
    adopt_and_fix("import-tree", &[]);
}

#[test]
fn adopt_never_replaces_answers_without_force() {
    let fixture = Fixture::load("adopt/hand-lists");
    let repo = fixture.root();
    std::fs::write(
        repo.join(".nixscaffold.yaml"),
        "check:\n  ignore: [ \"x/**\" ]\n",
    )
    .unwrap();
    let hash = tree_hash(&repo);
    let refused = adopt(&repo, &["--no-git"]);
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    assert_eq!(tree_hash(&repo), hash);
    let forced = adopt(&repo, &["--no-git", "--force"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    let text = std::fs::read_to_string(repo.join(".nixscaffold.yaml")).unwrap();
    assert!(text.contains("imports: hand"), "{text}");
}

#[test]
fn add_module_goes_where_the_repository_keeps_its_modules() {
    let fixture = Fixture::load("adopt/own-helper");
    let repo = fixture.root();
    assert_eq!(adopt(&repo, &["--no-git"]).code, 0);
    nixscaffold(&repo)
        .args(["add-module", "home/tools/fzf", "--no-git"])
        .assert()
        .success();
    // The home tree is home/modules; the new directory auto-imports with the repository's helper.
    let made = std::fs::read_to_string(repo.join("home/modules/tools/default.nix")).unwrap();
    let own = std::fs::read_to_string(repo.join("home/modules/default.nix")).unwrap();
    assert_eq!(made, own);
    assert!(repo.join("home/modules/tools/fzf.nix").is_file());
    assert!(names(&repo)
        .iter()
        .all(|n| !n.contains("home/modules/tools")));

    let hand = Fixture::load("adopt/hand-lists");
    let repo = hand.root();
    assert_eq!(adopt(&repo, &["--no-git"]).code, 0);
    let output = nixscaffold(&repo)
        .args(["add-module", "nixos/vpn", "--no-git"])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(repo.join("modules/nixos/vpn.nix").is_file());
    assert!(!repo.join("modules/nixos/default.nix.orig").exists());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("lists its modules by hand"), "{stderr}");
}
