//! `new`, `add-*` and `check` agree about the shape: each test here is a case where one of them
//! once read the shape or `.nixscaffold.yaml` differently from the others.

use std::path::Path;

use predicates::str::contains;

use crate::support::*;

/// `check --format json` of `repo`: the exit code and the report.
fn check_json(repo: &Path) -> (i32, serde_json::Value) {
    let output = nixscaffold(repo)
        .args(["check", "--format", "json"])
        .arg(repo)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap(), json)
}

fn names_and_files(json: &serde_json::Value) -> Vec<(String, String)> {
    findings(json)
        .into_iter()
        .map(|(name, file, _, _)| (name, file))
        .collect()
}

/// A module directory's default.nix that only *mentions* scanPaths in a comment does not
/// auto-import: add-module warns as the README promises, and check then agrees (the new file is
/// an orphan). Before, the word in the comment was taken for the call: no warning, exit 0, and
/// check reported the orphan add-module had said needed no edit.
#[test]
fn a_module_directory_that_does_not_auto_import_gets_the_promised_warning() {
    let (_scratch, repo) = new_repo(&["--platform", "nixos"]);
    nixscaffold(&repo)
        .args(["add-module", "nixos/services/web", "--as-dir"])
        .assert()
        .success();
    let web = std::fs::read_to_string(repo.join("modules/nixos/services/web/default.nix")).unwrap();
    assert!(web.contains("scanPaths"), "the template's comment names it");
    nixscaffold(&repo)
        .args(["add-module", "nixos/services/web/extra"])
        .assert()
        .success()
        .stderr(contains(
            "warning: modules/nixos/services/web/default.nix does not auto-import its directory",
        ))
        .stderr(contains("import the new file from it by hand"));
    let (code, json) = check_json(&repo);
    assert_eq!(code, 1);
    assert_eq!(
        names_and_files(&json),
        vec![(
            "orphan-file".to_string(),
            "modules/nixos/services/web/extra.nix".to_string()
        )]
    );
}

/// A directory that does auto-import gets no warning, and check stays clean.
#[test]
fn a_module_directory_that_auto_imports_needs_no_warning() {
    let (_scratch, repo) = new_repo(&["--platform", "nixos"]);
    nixscaffold(&repo)
        .args(["add-module", "nixos/services/db"])
        .assert()
        .success();
    nixscaffold(&repo)
        .args(["add-module", "nixos/services/web"])
        .assert()
        .success()
        .stderr(predicates::str::is_empty());
    let (code, json) = check_json(&repo);
    assert_eq!((code, names_and_files(&json)), (0, vec![]));
}

/// A `.nixscaffold.yaml` with only a `check:` section records no answers: add-user is refused
/// (before, it wrote home/bob into a NixOS-only flake with every default), and check keeps
/// inferring the shape (before, it demanded the defaults: Darwin and pypi package directories).
#[test]
fn a_file_with_only_a_check_section_records_no_answers() {
    let (_scratch, repo) = new_repo(&["--platform", "nixos", "--overlay", "custom"]);
    let answers = repo.join(".nixscaffold.yaml");
    std::fs::write(&answers, "check:\n  rules:\n    getenv: off\n").unwrap();
    let before = tree_hash(&repo);
    nixscaffold(&repo)
        .args(["add-user", "bob"])
        .assert()
        .code(2)
        .stderr(contains(".nixscaffold.yaml: it records nothing"))
        .stderr(contains("only settings such as `check:`"))
        .stderr(contains("`platforms` and `namespace`"));
    assert_eq!(tree_hash(&repo), before, "nothing was written");
    assert!(!repo.join("home").exists());

    let (code, json) = check_json(&repo);
    assert_eq!(json["shape"]["source"], "inferred");
    assert_eq!(json["shape"]["platforms"], serde_json::json!(["nixos"]));
    assert_eq!(json["shape"]["overlays"], serde_json::json!(["custom"]));
    assert_eq!((code, names_and_files(&json)), (0, vec![]));
}

/// The `check:` section still applies when it is all the file holds.
#[test]
fn a_check_section_alone_still_configures_check() {
    let (_scratch, repo) = new_repo(&["--platform", "nixos"]);
    std::fs::write(
        repo.join("modules/nixos/env.nix"),
        "{ x = builtins.getEnv \"HOME\"; }\n",
    )
    .unwrap();
    let answers = repo.join(".nixscaffold.yaml");
    std::fs::write(&answers, "check:\n  rules:\n    getenv: error\n").unwrap();
    let (code, json) = check_json(&repo);
    assert_eq!(code, 1);
    let severities: Vec<(&str, &str)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap(), f["severity"].as_str().unwrap()))
        .collect();
    assert_eq!(severities, vec![("getenv", "error")]);
}

/// A folder of templates with a managed template changed.
fn changed_templates(scratch: &Path) -> std::path::PathBuf {
    let templates = scratch.join("mine");
    std::fs::create_dir_all(templates.join("flake")).unwrap();
    std::fs::create_dir_all(templates.join("add")).unwrap();
    std::fs::write(
        templates.join("flake/lib.nix"),
        "# our own lib output\n{ lib, ... }:\n{\n  flake.lib = lib.custom;\n}\n",
    )
    .unwrap();
    std::fs::write(
        templates.join("add/module.nix"),
        "# house style: {{entry.path}}\n{ ... }:\n{ }\n",
    )
    .unwrap();
    templates
}

/// `new --template DIR` records DIR, so check compares managed files with what DIR renders
/// (before: managed-drift on the changed managed template at once) and add-* renders DIR's
/// templates (before: always the built-in ones).
#[test]
fn the_template_folder_new_used_is_the_one_check_and_add_use() {
    let scratch = scratch();
    let templates = changed_templates(scratch.path());
    let repo = scratch.path().join("repo");
    nixscaffold(scratch.path())
        .args(["new", "repo", "--yes", "--no-git", "--platform", "nixos"])
        .arg("--template")
        .arg(&templates)
        .assert()
        .success();
    let recorded = std::fs::read_to_string(repo.join(".nixscaffold.yaml")).unwrap();
    let canonical = std::fs::canonicalize(&templates).unwrap();
    assert!(
        recorded.contains(&format!("templates: {}", canonical.display())),
        "{recorded}"
    );
    let (code, json) = check_json(&repo);
    assert_eq!((code, names_and_files(&json)), (0, vec![]));

    nixscaffold(&repo)
        .args(["add-module", "nixos/web"])
        .assert()
        .success();
    let module = std::fs::read_to_string(repo.join("modules/nixos/web.nix")).unwrap();
    assert_eq!(module, "# house style: web\n{ ... }:\n{ }\n");
}

/// When the recorded folder is gone, check and add-* stop with exit 2 and say which key to fix,
/// rather than report every managed file as drifted.
#[test]
fn a_recorded_template_folder_that_is_gone_is_named_with_its_fix() {
    let scratch = scratch();
    let templates = changed_templates(scratch.path());
    let repo = scratch.path().join("repo");
    nixscaffold(scratch.path())
        .args(["new", "repo", "--yes", "--no-git", "--platform", "nixos"])
        .arg("--template")
        .arg(&templates)
        .assert()
        .success();
    std::fs::remove_dir_all(&templates).unwrap();
    let expected = [
        ".nixscaffold.yaml: `templates: ",
        "is not a directory any more",
        "remove the key to use the built-in templates",
    ];
    let check = nixscaffold(&repo).arg("check").arg(&repo).output().unwrap();
    let add = nixscaffold(&repo)
        .args(["add-module", "nixos/web"])
        .output()
        .unwrap();
    for output in [check, add] {
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        for part in expected {
            assert!(stderr.contains(part), "{part:?} not in {stderr}");
        }
    }
}

/// One check renders each template once: the expected model is built once per run, and no rule
/// renders again (before: missing-part and managed-drift each rendered the whole repository and
/// scanpaths-drift lib/default.nix once more: 51 renders for this repository).
#[test]
fn check_renders_each_template_once() {
    let (_scratch, repo) = new_repo(&[]);
    let output = nixscaffold(&repo)
        .env("NIXSCAFFOLD_TIMINGS", "1")
        .arg("check")
        .arg(&repo)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let rendered: usize = stderr
        .lines()
        .find_map(|line| line.strip_prefix("timing: templates rendered: "))
        .unwrap_or_else(|| panic!("no count of rendered templates in {stderr}"))
        .parse()
        .unwrap();
    // The managed files of a repository with the three platforms: lib/default.nix,
    // flake/{default,pkgs,overlays,lib}.nix, modules/default.nix, modules/{nixos,darwin,home}/default.nix.
    assert_eq!(rendered, 9, "{stderr}");
}

/// A `templates` folder written by hand as a relative path is relative to the repository, wherever
/// the command runs.
#[test]
fn a_relative_template_folder_is_relative_to_the_repository() {
    let (scratch, repo) = new_repo(&["--platform", "nixos"]);
    let tpl = scratch.path().join("tpl");
    std::fs::create_dir_all(tpl.join("add")).unwrap();
    std::fs::write(tpl.join("add/module.nix"), "# ours: {{entry.path}}\n{ }\n").unwrap();
    let answers = repo.join(".nixscaffold.yaml");
    let mut text = std::fs::read_to_string(&answers).unwrap();
    text.push_str("templates: ../tpl\n");
    std::fs::write(&answers, text).unwrap();
    let elsewhere = scratch.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    nixscaffold(&elsewhere)
        .args(["add-module", "nixos/web", "--repo"])
        .arg(&repo)
        .assert()
        .success();
    let module = std::fs::read_to_string(repo.join("modules/nixos/web.nix")).unwrap();
    assert_eq!(module, "# ours: web\n{ }\n");
    let (code, json) = check_json(&repo);
    assert_eq!((code, names_and_files(&json)), (0, vec![]));
}
