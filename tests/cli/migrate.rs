//! `nixscaffold migrate`: a round trip between the backends keeps every tree's imported files, a
//! difference stops it unless accepted, and it writes nothing it was not asked to.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use crate::support::*;

fn git(repo: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(status.status.success(), "git {args:?}: {status:?}");
}

fn commit(repo: &Path) {
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "--allow-empty", "-m", "step"]);
}

fn write(repo: &Path, path: &str, text: &str) {
    let path = repo.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn migrate(repo: &Path, args: &[&str]) -> Run {
    let output = nixscaffold(repo)
        .arg("migrate")
        .args(args)
        .timeout(TIMEOUT)
        .output();
    finish(output, "migrate")
}

fn imported(repo: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let answers = nixscaffold::answers::Answers::read(repo).unwrap().unwrap();
    nixscaffold::commands::migrate::imported_files(repo, &answers).unwrap()
}

/// What the module system loads from `modules/TREE` under scanPaths, evaluated by Nix (builtins
/// only): the closure of `imports` from the tree's root, each module called with a stub lib.
fn nix_closure(scratch: &Path, repo: &Path, tree: &str) -> String {
    let expr = format!(
        r#"let
          lib = {{ custom = import {repo}/lib; }};
          file = p: if builtins.pathExists (p + "/default.nix") then p + "/default.nix" else p;
          value = p: let m = import (file p); in if builtins.isFunction m then m {{ inherit lib; config = {{ }}; pkgs = {{ }}; }} else m;
          step = p: map (q: {{ key = toString (file q); path = q; }}) ((value p).imports or [ ]);
          all = builtins.genericClosure {{ startSet = [ {{ key = toString (file {repo}/modules/{tree}); path = {repo}/modules/{tree}; }} ]; operator = e: step e.path; }};
        in builtins.sort builtins.lessThan (map (e: builtins.substring (builtins.stringLength "{repo}/") 999 e.key) all)"#,
        repo = repo.display()
    );
    nix_eval_json(scratch, &expr)
}

/// A repository with nested modules, a module directory with a file it imports by hand (not a
/// module) and a data folder, and files that must not be imported (`_`).
fn grown_repo() -> (tempfile::TempDir, std::path::PathBuf) {
    let (scratch, repo) = new_repo(&["--platform", "nixos", "--platform", "home"]);
    for args in [
        &["add-module", "nixos/tools/editor"][..],
        &["add-module", "nixos/services/web", "--as-dir"],
        &["add-module", "home/shell/zsh"],
    ] {
        nixscaffold(&repo)
            .args(args)
            .arg("--no-git")
            .assert()
            .success();
    }
    let web = "modules/nixos/services/web";
    let module = std::fs::read_to_string(repo.join(web).join("default.nix")).unwrap();
    let module = module.replacen(
        "let\n",
        "let\n  settings = import ./settings.nix;\n  page = ./assets/page.html;\n",
        1,
    );
    write(&repo, &format!("{web}/default.nix"), &module);
    write(&repo, &format!("{web}/settings.nix"), "{ port = 80; }\n");
    write(&repo, &format!("{web}/assets/page.html"), "<p>hi</p>\n");
    write(&repo, &format!("{web}/assets/render.nix"), "text: text\n");
    write(
        &repo,
        "modules/nixos/_secrets.nix",
        "throw \"not a module\"\n",
    );
    write(&repo, "modules/home/_data/keys.nix", "[ ]\n");
    git(&repo, &["init", "-q"]);
    commit(&repo);
    (scratch, repo)
}

#[test]
fn a_round_trip_keeps_every_trees_imported_files() {
    let (scratch, repo) = grown_repo();
    let start = imported(&repo);
    let nixos = &start["modules/nixos"];
    assert!(
        nixos.contains("modules/nixos/services/web/default.nix"),
        "{nixos:?}"
    );
    assert!(
        !nixos.contains("modules/nixos/services/web/settings.nix"),
        "{nixos:?}"
    );
    let closure = nix_closure(scratch.path(), &repo, "nixos");
    assert!(
        closure.contains("modules/nixos/tools/editor.nix"),
        "{closure}"
    );
    assert!(!closure.contains("_secrets"), "{closure}");

    let there = migrate(&repo, &["--to", "import-tree"]);
    assert_eq!(there.code, 0, "{}{}", there.stdout, there.stderr);
    assert!(
        there.stdout.contains("the same before and after"),
        "{}",
        there.stdout
    );
    // What import-tree would import but scanPaths did not is renamed: the hand-imported file and
    // the data folder; the paths that name them follow.
    let web = repo.join("modules/nixos/services/web");
    assert!(web.join("_settings.nix").is_file() && web.join("_assets/render.nix").is_file());
    let module = std::fs::read_to_string(web.join("default.nix")).unwrap();
    assert!(module.contains("import ./_settings.nix") && module.contains("./_assets/page.html"));
    assert!(!repo.join("modules/nixos/default.nix").exists());
    assert!(!repo.join("flake/default.nix").exists());
    assert_eq!(
        imported(&repo).values().collect::<Vec<_>>(),
        start.values().collect::<Vec<_>>()
    );
    assert_all_nix_valid(scratch.path(), &repo);
    commit(&repo);

    let back = migrate(&repo, &["--to", "scanpaths"]);
    assert_eq!(back.code, 0, "{}{}", back.stdout, back.stderr);
    assert_eq!(imported(&repo), start);
    assert_eq!(nix_closure(scratch.path(), &repo, "nixos"), closure);
    assert_all_nix_valid(scratch.path(), &repo);
    for file in [
        "flake.nix",
        "modules/default.nix",
        "lib/default.nix",
        ".nixscaffold.yaml",
    ] {
        git(&repo, &["diff", "--quiet", "HEAD~1", "--", file]);
    }
}

#[test]
fn a_generated_repository_migrates_to_what_new_writes() {
    let (scratch, repo) = new_repo(&["--platform", "home"]);
    let run = migrate(&repo, &["--to", "import-tree"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let reference = scratch.path().join("reference");
    nixscaffold(scratch.path())
        .args(["new", "reference", "--name", "repo", "--yes", "--no-git"])
        .args(["--platform", "home", "--auto-import", "import-tree"])
        .assert()
        .success();
    // Every file but the README (the user's, which migrate leaves alone) is what `new` writes.
    let (ours, theirs) = (files(&repo), files(&reference));
    let differ: Vec<&String> = ours
        .keys()
        .chain(theirs.keys())
        .filter(|path| ours.get(*path) != theirs.get(*path))
        .collect();
    assert_eq!(differ, vec!["README.md", "README.md"]);
}

#[test]
fn dry_run_shows_the_diffs_and_changes_nothing() {
    let (_scratch, repo) = grown_repo();
    let before = tree_hash(&repo);
    let run = migrate(&repo, &["--to", "import-tree", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("  remove  modules/nixos/default.nix  (auto-import)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("+      all = inputs.import-tree ./nixos;"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("(dry run: nothing was changed)"));
    assert_eq!(tree_hash(&repo), before);
}

#[test]
fn a_difference_stops_it_unless_accepted() {
    let (_scratch, repo) = new_repo(&["--platform", "nixos", "--auto-import", "import-tree"]);
    // import-tree imports both; scanPaths would import the directory's default.nix only.
    write(&repo, "modules/nixos/web/default.nix", "{ }\n");
    write(&repo, "modules/nixos/web/extra.nix", "{ }\n");
    git(&repo, &["init", "-q"]);
    commit(&repo);
    let before = tree_hash(&repo);
    let run = migrate(&repo, &["--to", "scanpaths"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("modules/nixos/web/extra.nix: imported now, not after"),
        "{}",
        run.stderr
    );
    assert_eq!(tree_hash(&repo), before);
    let run = migrate(
        &repo,
        &[
            "--to",
            "scanpaths",
            "--accept",
            "modules/nixos/web/extra.nix",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("accepted: modules/nixos/web/extra.nix"),
        "{}",
        run.stdout
    );
    assert!(repo.join("modules/nixos/default.nix").is_file());
    // web/ is a module directory: its own default.nix stays, none is written over it.
    let web = std::fs::read_to_string(repo.join("modules/nixos/web/default.nix")).unwrap();
    assert_eq!(web, "{ }\n");
}

#[test]
fn uncommitted_changes_in_touched_files_are_refused() {
    let (_scratch, repo) = grown_repo();
    write(
        &repo,
        "modules/default.nix",
        "# mine\n{ flake.nixosModules.all = ./nixos; }\n",
    );
    let before = tree_hash(&repo);
    let run = migrate(&repo, &["--to", "import-tree"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("modules/default.nix"), "{}", run.stderr);
    assert_eq!(tree_hash(&repo), before);
    let run = migrate(&repo, &["--to", "import-tree", "--allow-dirty"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // A registry of the user's own is edited on its syntax tree: the comment stays.
    let registry = std::fs::read_to_string(repo.join("modules/default.nix")).unwrap();
    assert!(
        registry.starts_with("# mine\n{ inputs, ... }:"),
        "{registry}"
    );
    assert!(
        registry.contains("inputs.import-tree ./nixos"),
        "{registry}"
    );
}

#[test]
fn nothing_to_do_and_not_adopted() {
    let (scratch, repo) = new_repo(&["--platform", "home"]);
    let before = tree_hash(&repo);
    let run = migrate(&repo, &["--to", "scanpaths"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("already uses scanpaths"),
        "{}",
        run.stdout
    );
    assert_eq!(tree_hash(&repo), before);
    std::fs::remove_file(repo.join(".nixscaffold.yaml")).unwrap();
    let run = migrate(&repo, &["--to", "import-tree"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("has no .nixscaffold.yaml"),
        "{}",
        run.stderr
    );
    drop(scratch);
}

#[test]
fn to_scanpaths_a_data_folder_gets_a_prefix_and_a_hand_written_flake_dir_stays() {
    let (scratch, repo) = new_repo(&["--platform", "nixos", "--auto-import", "import-tree"]);
    write(&repo, "modules/nixos/files/wallpaper.png", "png\n");
    write(
        &repo,
        "modules/nixos/desktop.nix",
        "{ ... }:\n{\n  environment.etc.wallpaper.source = ./files/wallpaper.png;\n}\n",
    );
    git(&repo, &["init", "-q"]);
    commit(&repo);
    let start = imported(&repo);
    let run = migrate(&repo, &["--to", "scanpaths"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("rename  modules/nixos/files -> modules/nixos/_files"),
        "{}",
        run.stdout
    );
    assert!(repo.join("modules/nixos/_files/wallpaper.png").is_file());
    let desktop = std::fs::read_to_string(repo.join("modules/nixos/desktop.nix")).unwrap();
    assert!(desktop.contains("./_files/wallpaper.png"), "{desktop}");
    assert_eq!(imported(&repo), start);
    assert_all_nix_valid(scratch.path(), &repo);
    commit(&repo);

    // flake/default.nix written by hand (a list, not the auto-import file): not a tree to migrate.
    let listed = "{ imports = [ ./systems.nix ./pkgs.nix ./overlays.nix ./lib.nix ./configurations.nix ./formatter.nix ./devshell.nix ./checks.nix ]; }\n";
    write(&repo, "flake/default.nix", listed);
    commit(&repo);
    let run = migrate(&repo, &["--to", "import-tree"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        std::fs::read_to_string(repo.join("flake/default.nix")).unwrap(),
        listed
    );
    let flake = std::fs::read_to_string(repo.join("flake.nix")).unwrap();
    assert!(flake.contains("          ./flake\n"), "{flake}");
    assert!(!imported(&repo).contains_key("flake"));
}
