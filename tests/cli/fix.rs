//! `nixscaffold check --fix`: every fix keeps the meaning (the files each configuration reaches,
//! by the check model, and what Nix evaluates, before and after), `--dry-run` and the refusals
//! write nothing (the tree hashed before and after).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use nixscaffold::check::Repo;

use crate::fixture::Fixture;
use crate::support::*;

/// The files each root of the repository (flake.nix, …) reaches, by the check model's graph.
pub fn reached_per_root(root: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let texts: Vec<(String, String)> = files(root)
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8_lossy(&bytes).into_owned()))
        .collect();
    let borrowed: Vec<(&str, &str)> = texts
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let repo = Repo::in_memory(&borrowed);
    let graph = &repo.graph;
    let mut out = BTreeMap::new();
    for &start in graph.roots() {
        let mut seen = BTreeSet::new();
        let mut stack = vec![start];
        while let Some(file) = stack.pop() {
            if !seen.insert(file) {
                continue;
            }
            stack.extend(graph.imports_of(file).map(|edge| edge.to));
        }
        let names = seen
            .into_iter()
            .map(|i| repo.files[i].path.clone())
            .collect();
        out.insert(repo.files[start].path.clone(), names);
    }
    out
}

/// A git work tree with everything committed.
pub fn commit_all(root: &Path) {
    for args in [
        &["init", "-q"][..],
        &["add", "-A"],
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@e.invalid",
            "commit",
            "-qm",
            "fixture",
        ],
    ] {
        let status = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }
}

/// The option names every exported module declares, evaluated by Nix with builtins only: each
/// output loaded as the module system does (a path is imported, a function called).
fn declared_options(scratch: &Path, repo: &Path) -> String {
    let expr = format!(
        r#"let
  flake = import {repo}/flake.nix;
  outputs = flake.outputs {{ self = outputs; nixpkgs = {{ lib.nixosSystem = x: x; }}; }};
  load = m: let v = if builtins.isPath m then import m else m; in
    if builtins.isFunction v then v {{ config = {{ }}; lib = {{ }}; pkgs = {{ }}; }} else v;
  names = set: builtins.mapAttrs (_: m: builtins.attrNames (load m).options.my) set;
in {{ nixos = names outputs.nixosModules; home = names outputs.homeManagerModules; }}"#,
        repo = repo.display()
    );
    nix_eval_json(scratch, &expr)
}

#[test]
fn import_built_outputs_become_paths_and_keep_their_meaning() {
    let fixture = Fixture::load("fix/registry");
    let repo = fixture.root();
    commit_all(&repo);
    let reached = reached_per_root(&repo);
    let options = declared_options(fixture.parent(), &repo);

    let run = check(&repo, &["--fix"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        reached_per_root(&repo),
        reached,
        "the same files are reached"
    );
    assert_eq!(declared_options(fixture.parent(), &repo), options);
    snapshot("fix-registry-stdout", &run.stdout);
    snapshot("fix-registry-tree", &tree_text(&repo));
    let again = check(&repo, &["--format", "json"]);
    assert!(findings(&json_of(&again)).is_empty(), "{}", again.stdout);
}

#[test]
fn dry_run_prints_the_diff_and_writes_nothing() {
    let fixture = Fixture::load("fix/registry");
    let repo = fixture.root();
    commit_all(&repo);
    let before = tree_hash(&repo);
    let run = check(&repo, &["--fix", "--dry-run"]);
    assert_eq!(run.code, 1, "the findings stay");
    assert_eq!(tree_hash(&repo), before);
    assert!(
        run.stdout.contains("+  ssh = ./nixos/ssh.nix;"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("--- a/flake.nix\n+++ b/flake.nix"));
}

#[test]
fn uncommitted_changes_in_a_file_to_edit_are_refused_unless_allowed() {
    let fixture = Fixture::load("fix/registry");
    let repo = fixture.root();
    commit_all(&repo);
    let flake = std::fs::read_to_string(repo.join("flake.nix")).unwrap();
    std::fs::write(repo.join("flake.nix"), format!("# mine\n{flake}")).unwrap();
    let before = tree_hash(&repo);
    let run = check(&repo, &["--fix"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("--allow-dirty"), "{}", run.stderr);
    assert!(run.stderr.contains("flake.nix"), "{}", run.stderr);
    assert_eq!(tree_hash(&repo), before, "nothing was written");

    let allowed = check(&repo, &["--fix", "--allow-dirty"]);
    assert_eq!(allowed.code, 0, "{}", allowed.stdout);
    let fixed = std::fs::read_to_string(repo.join("flake.nix")).unwrap();
    assert!(fixed.starts_with("# mine\n") && fixed.contains("= ./modules/home/git.nix;"));
}

#[test]
fn a_file_that_does_not_parse_is_never_written() {
    let fixture = Fixture::load("fix/registry");
    let repo = fixture.root();
    let flake = std::fs::read_to_string(repo.join("flake.nix")).unwrap();
    let broken = flake.replace(
        "# Every NixOS module",
        "broken = ;\n      # Every NixOS module",
    );
    std::fs::write(repo.join("flake.nix"), &broken).unwrap();
    commit_all(&repo);
    let run = check(&repo, &["--fix"]);
    assert!(
        run.stdout
            .contains("not fixed: flake.nix: it does not parse now"),
        "{}",
        run.stdout
    );
    assert_eq!(
        std::fs::read_to_string(repo.join("flake.nix")).unwrap(),
        broken
    );

    // The tree as a whole: a dry run over the broken file changes nothing either.
    let before = tree_hash(&repo);
    check(&repo, &["--fix", "--dry-run"]);
    assert_eq!(tree_hash(&repo), before);
}

/// The names of the files a module directory's `default.nix` imports, evaluated by Nix with the
/// repository's own helper library (builtins only), sorted.
fn imported_names(scratch: &Path, repo: &Path, dir: &str) -> String {
    let expr = format!(
        r#"let
  lib = {{ custom = import {repo}/lib/default.nix; }};
  module = import {repo}/{dir}/default.nix;
  value = if builtins.isFunction module then module {{ inherit lib; config = {{ }}; }} else module;
in builtins.sort builtins.lessThan (map (p: baseNameOf (toString p)) value.imports)"#,
        repo = repo.display()
    );
    nix_eval_json(scratch, &expr)
}

#[test]
fn a_hand_list_becomes_the_auto_import_only_when_it_names_exactly_what_the_helper_imports() {
    let (scratch, repo) = new_repo(&["--platform", "nixos", "--platform", "home"]);
    let tree = repo.join("modules/nixos");
    std::fs::create_dir_all(tree.join("desktop")).unwrap();
    std::fs::write(tree.join("ssh.nix"), "{ options.my.ssh = { }; }\n").unwrap();
    std::fs::write(
        tree.join("desktop/default.nix"),
        "{ imports = [ ./x.nix ./y.nix ]; }\n",
    )
    .unwrap();
    std::fs::write(tree.join("desktop/x.nix"), "{ }\n").unwrap();
    std::fs::write(tree.join("desktop/y.nix"), "{ }\n").unwrap();
    let hand =
        "# kept\n{ config, ... }:\n{\n  imports = [\n    ./ssh.nix # ssh\n    ./desktop\n  ];\n}\n";
    std::fs::write(tree.join("default.nix"), hand).unwrap();
    // A data folder beside the modules: scanPaths would import it, so this list stays.
    std::fs::create_dir_all(repo.join("modules/home/data")).unwrap();
    std::fs::write(repo.join("modules/home/data/bg.png"), "png").unwrap();
    std::fs::write(repo.join("modules/home/a.nix"), "{ }\n").unwrap();
    std::fs::write(repo.join("modules/home/b.nix"), "{ }\n").unwrap();
    let kept = "{ ... }: { imports = [ ./a.nix ./b.nix ]; }\n";
    std::fs::write(repo.join("modules/home/default.nix"), kept).unwrap();

    let before = imported_names(scratch.path(), &repo, "modules/nixos");
    let reached = reached_per_root(&repo);
    let run = check(&repo, &["--fix"]);
    assert!(
        run.stdout.contains("fixed modules/nixos/default.nix"),
        "{}",
        run.stdout
    );
    let fixed = std::fs::read_to_string(tree.join("default.nix")).unwrap();
    assert_eq!(
        fixed,
        "# kept\n{ lib, config, ... }:\n{\n  imports = lib.custom.scanPaths ./.;\n}\n"
    );
    assert_eq!(
        imported_names(scratch.path(), &repo, "modules/nixos"),
        before
    );
    assert_eq!(reached_per_root(&repo), reached);
    // desktop/ is a bare set (no `lib` to call the helper with) and modules/home sits beside a
    // data folder: both keep their lists.
    assert_eq!(
        std::fs::read_to_string(tree.join("desktop/default.nix")).unwrap(),
        "{ imports = [ ./x.nix ./y.nix ]; }\n"
    );
    assert_eq!(
        std::fs::read_to_string(repo.join("modules/home/default.nix")).unwrap(),
        kept
    );
}
