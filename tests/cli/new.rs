//! `nixscaffold new`: the generated trees, their validity under real Nix, and the safety promises.

use std::path::Path;

use crate::support::*;

#[test]
fn snapshot_all_platforms() {
    let (_scratch, repo) = new_repo(ALL_PLATFORMS);
    snapshot("new_all_platforms", &tree_text(&repo));
}

#[test]
fn snapshot_darwin_and_home() {
    let (_scratch, repo) = new_repo(DARWIN_AND_HOME);
    snapshot("new_darwin_and_home", &tree_text(&repo));
}

#[test]
fn snapshot_nixos_two_hosts() {
    let (_scratch, repo) = new_repo(NIXOS_TWO_HOSTS);
    snapshot("new_nixos_two_hosts", &tree_text(&repo));
}

#[test]
fn snapshot_import_tree() {
    let (_scratch, repo) = new_repo(IMPORT_TREE_ALL);
    snapshot("new_import_tree", &tree_text(&repo));
}

#[test]
fn with_import_tree_the_registry_loads_each_tree_and_no_default_nix_is_written() {
    let (scratch, repo) = new_repo(IMPORT_TREE_HOME);
    let all: Vec<String> = files(&repo).into_keys().collect();
    let defaults: Vec<&String> = all
        .iter()
        .filter(|p| {
            p.ends_with("/default.nix") && (p.starts_with("modules/") || p.starts_with("flake/"))
        })
        .collect();
    assert_eq!(defaults, vec!["modules/default.nix"], "{all:?}");
    assert!(all.contains(&"modules/home/README.md".to_string()));
    // The registry hands each tree's directory to import-tree (a stand-in here: CI's Nix 2.8
    // cannot run the real one, which needs builtins.readFileType).
    let expr = format!(
        "let it = dir: {{ tree = baseNameOf (toString dir); }}; \
         in (import {}/modules {{ inputs.import-tree = it; }}).flake",
        repo.display()
    );
    assert_eq!(
        nix_eval_json(scratch.path(), &expr),
        r#"{"homeManagerModules":{"all":{"tree":"home"},"default":{"tree":"home"}}}"#
    );
    let flake = std::fs::read_to_string(repo.join("flake.nix")).unwrap();
    assert!(
        flake.contains("import-tree.url = \"github:vic/import-tree\";"),
        "{flake}"
    );
    assert!(flake.contains("(inputs.import-tree ./flake)"), "{flake}");
    let answers = std::fs::read_to_string(repo.join(".nixscaffold.yaml")).unwrap();
    assert!(answers.contains("auto-import: import-tree"), "{answers}");
}

#[test]
fn snapshot_home_manager_both() {
    let (_scratch, repo) = new_repo(HOME_MANAGER_BOTH);
    snapshot("new_home_manager_both", &tree_text(&repo));
}

#[test]
fn snapshot_darwin_module_no_ci() {
    let (_scratch, repo) = new_repo(DARWIN_MODULE_NO_CI);
    snapshot("new_darwin_module_no_ci", &tree_text(&repo));
}

#[test]
fn every_configuration_parses_with_rnix_and_nix_and_is_nixfmt_clean() {
    for args in NEW_CONFIGURATIONS {
        let (scratch, repo) = new_repo(args);
        assert_all_nix_valid(scratch.path(), &repo);
    }
}

/// A module tree with files, subdirectories and things that are not modules.
fn grow_module_tree(tree: &Path) {
    std::fs::write(tree.join("zsh.nix"), "{ }\n").unwrap();
    std::fs::create_dir_all(tree.join("services/web")).unwrap();
    std::fs::write(tree.join("services/web/default.nix"), "{ }\n").unwrap();
    std::fs::write(tree.join("notes.md"), "not a module\n").unwrap();
    std::fs::write(tree.join("nix"), "no suffix\n").unwrap();
}

#[test]
fn scan_paths_evaluates_to_the_modules_of_a_directory() {
    let (scratch, repo) = new_repo(&[]);
    let tree = repo.join("modules/nixos");
    grow_module_tree(&tree);
    let expr = format!(
        "map (p: baseNameOf (toString p)) ((import {}/lib).scanPaths {})",
        repo.display(),
        tree.display()
    );
    assert_eq!(
        nix_eval_json(scratch.path(), &expr),
        r#"["services","zsh.nix"]"#
    );
}

#[test]
fn scan_paths_lists_auto_imported_subdirectories_in_place_and_leaves_out_underscores() {
    let (scratch, repo) = new_repo(&[]);
    let tree = repo.join("modules/nixos");
    let auto_import = std::fs::read_to_string(tree.join("default.nix")).unwrap();
    std::fs::create_dir_all(tree.join("shell/zsh")).unwrap();
    std::fs::create_dir_all(tree.join("web")).unwrap();
    std::fs::create_dir_all(tree.join("_data")).unwrap();
    for (path, text) in [
        ("shell/default.nix", auto_import.as_str()),
        ("shell/zsh/default.nix", auto_import.as_str()),
        ("shell/zsh/prompt.nix", "{ }\n"),
        ("shell/bash.nix", "{ }\n"),
        ("shell/_helpers.nix", "throw \"not a module\"\n"),
        ("web/default.nix", "{ imports = [ ./server.nix ]; }\n"),
        ("web/server.nix", "{ }\n"),
        ("_data/keys.nix", "throw \"data\"\n"),
        ("a.nix", "{ }\n"),
        ("x", "no suffix\n"),
    ] {
        std::fs::write(tree.join(path), text).unwrap();
    }
    let names = |dir: &str| {
        let dir = if dir.is_empty() {
            tree.clone()
        } else {
            tree.join(dir)
        };
        let expr = format!(
            "map (p: builtins.substring (builtins.stringLength \"{0}/\") 99 (toString p)) \
             ((import {1}/lib).scanPaths {0})",
            dir.display(),
            repo.display()
        );
        nix_eval_json(scratch.path(), &expr)
    };
    // The auto-imported shell/ and shell/zsh/ are listed in place (no module for their
    // default.nix); web/ has its own default.nix, so it is one module.
    assert_eq!(
        names(""),
        r#"["a.nix","shell/bash.nix","shell/zsh/prompt.nix","web"]"#
    );
    // Each directory stays importable on its own.
    assert_eq!(names("shell"), r#"["bash.nix","zsh/prompt.nix"]"#);
}

#[test]
fn scan_paths_of_an_empty_tree_is_empty() {
    let (scratch, repo) = new_repo(&[]);
    let expr = format!(
        "(import {0}/lib).scanPaths {0}/modules/home",
        repo.display()
    );
    assert_eq!(nix_eval_json(scratch.path(), &expr), "[]");
}

#[test]
fn auto_import_default_nix_imports_its_siblings_through_lib_custom() {
    let (scratch, repo) = new_repo(&[]);
    grow_module_tree(&repo.join("modules/darwin"));
    let expr = format!(
        "let lib = {{ custom = import {0}/lib; }}; \
         in map (p: baseNameOf (toString p)) (import {0}/modules/darwin/default.nix {{ inherit lib; }}).imports",
        repo.display()
    );
    assert_eq!(
        nix_eval_json(scratch.path(), &expr),
        r#"["services","zsh.nix"]"#
    );

    let expr = format!(
        "map (p: baseNameOf (toString p)) (import {0}/flake/default.nix {{ lib.custom = import {0}/lib; }}).imports",
        repo.display()
    );
    assert_eq!(
        nix_eval_json(scratch.path(), &expr),
        r#"["checks.nix","configurations.nix","devshell.nix","formatter.nix","lib.nix","overlays.nix","pkgs.nix","systems.nix"]"#
    );
}

#[test]
fn registry_exposes_each_module_tree_as_a_path() {
    let (scratch, repo) = new_repo(&["--platform", "nixos", "--platform", "home"]);
    // `all` is the tree's path; `default` the same tree through exportModule, keyed by that path.
    let expr = format!(
        "let r = import {0}/modules {{ lib.custom = import {0}/lib; }}; \
         check = p: o: builtins.isPath o.all && builtins.pathExists o.all && o.default.key == toString o.all; \
         in builtins.mapAttrs check r.flake",
        repo.display()
    );
    assert_eq!(
        nix_eval_json(scratch.path(), &expr),
        r#"{"homeManagerModules":true,"nixosModules":true}"#
    );
}

#[test]
fn overlays_are_the_chosen_sets_and_default() {
    let (scratch, repo) = new_repo(&[]);
    let expr = format!(
        "builtins.attrNames (import {}/overlays {{ lib = throw \"lazy\"; }})",
        repo.display()
    );
    assert_eq!(
        nix_eval_json(scratch.path(), &expr),
        r#"["custom","customDarwin","customPypi","default"]"#
    );
    let (scratch, repo) = new_repo(&["--platform", "nixos"]);
    let expr = format!(
        "builtins.attrNames (import {}/overlays {{ lib = throw \"lazy\"; }})",
        repo.display()
    );
    assert_eq!(
        nix_eval_json(scratch.path(), &expr),
        r#"["custom","customPypi","default"]"#
    );
}

#[test]
fn flake_inputs_follow_nixpkgs_and_every_cache_has_its_key() {
    let (scratch, repo) = new_repo(DARWIN_AND_HOME);
    let flake = format!("(import {}/flake.nix)", repo.display());
    let follows = format!(
        "builtins.mapAttrs (_: i: i.inputs.nixpkgs.follows or i.inputs.nixpkgs-lib.follows or null) {flake}.inputs"
    );
    assert_eq!(
        nix_eval_json(scratch.path(), &follows),
        r#"{"flake-parts":"nixpkgs","home-manager":"nixpkgs","nix-darwin":"nixpkgs","nixpkgs":null}"#
    );
    let caches = format!("{flake}.nixConfig");
    assert_eq!(
        nix_eval_json(scratch.path(), &caches),
        r#"{"extra-substituters":["https://nix-community.cachix.org","https://cache.lix.systems"],"extra-trusted-public-keys":["nix-community.cachix.org-1:mB9FSh9qf2dCimDSUo8Zy7bkq5CX+/rkCWyvRCYg3Fs=","cache.lix.systems:aBnZUw8zA7H35Cz2RyKFVs3H4PlGTLawyY5KRbvJR8o="]}"#
    );
}

#[test]
fn systems_follow_the_platforms() {
    let (scratch, repo) = new_repo(&["--platform", "darwin"]);
    let expr = format!("(import {}/flake/systems.nix).systems", repo.display());
    assert_eq!(
        nix_eval_json(scratch.path(), &expr),
        r#"["aarch64-darwin"]"#
    );
}

#[test]
fn refuses_a_non_empty_directory_and_changes_nothing() {
    let scratch = scratch();
    let repo = scratch.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    std::fs::write(repo.join("flake.nix"), "my own flake\n").unwrap();
    let before = tree_hash(scratch.path());
    nixscaffold(scratch.path())
        .args(["new", "repo", "--yes"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "repo is not empty (it has flake.nix)",
        ));
    assert_eq!(tree_hash(scratch.path()), before);
    assert_eq!(
        std::fs::read_to_string(repo.join("flake.nix")).unwrap(),
        "my own flake\n"
    );
}

#[test]
fn a_second_run_fails_and_leaves_the_first_alone() {
    let (scratch, repo) = new_repo(&[]);
    let before = tree_hash(&repo);
    nixscaffold(scratch.path())
        .arg("new")
        .arg(&repo)
        .args(["--yes", "--no-git"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is not empty"));
    assert_eq!(tree_hash(&repo), before);
}

#[test]
fn a_directory_with_only_git_is_accepted() {
    let scratch = scratch();
    let repo = scratch.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    nixscaffold(scratch.path())
        .args(["new", "repo", "--yes", "--no-git"])
        .assert()
        .success();
    assert!(repo.join("flake.nix").is_file());
}

#[test]
fn dry_run_writes_nothing_and_lists_the_files() {
    let scratch = scratch();
    let before = tree_hash(scratch.path());
    nixscaffold(scratch.path())
        .args(["new", "repo", "--yes", "--dry-run"])
        .assert()
        .success()
        .stdout(predicates::str::contains("modules/default.nix"))
        .stdout(predicates::str::contains("nothing was written"));
    assert_eq!(tree_hash(scratch.path()), before);
    assert!(!scratch.path().join("repo").exists());
}

#[test]
fn without_a_terminal_it_never_prompts() {
    // No --yes and stdin is not a terminal: defaults, no hang.
    let scratch = scratch();
    nixscaffold(scratch.path())
        .args(["new", "repo", "--no-git"])
        .write_stdin("")
        .timeout(std::time::Duration::from_secs(30))
        .assert()
        .success();
    assert!(scratch
        .path()
        .join("repo/hosts/nixos/nixos/default.nix")
        .is_file());
}

#[test]
fn answers_are_recorded_and_reproduce_the_repository() {
    let (scratch, repo) = new_repo(NIXOS_TWO_HOSTS);
    let answers = std::fs::read_to_string(repo.join(".nixscaffold.yaml")).unwrap();
    assert!(answers.contains(&format!("version: \"{}\"", env!("CARGO_PKG_VERSION"))));
    assert!(answers.contains("- nixos/server@aarch64-linux"));
    let again = scratch.path().join("again");
    nixscaffold(scratch.path())
        .arg("new")
        .arg(&again)
        .args(["--yes", "--no-git", "--name", "repo", "--config"])
        .arg(repo.join(".nixscaffold.yaml"))
        .assert()
        .success();
    assert_eq!(files(&again), files(&repo));
}

#[test]
fn flags_override_the_config_file() {
    let scratch = scratch();
    std::fs::write(
        scratch.path().join("answers.yaml"),
        "platforms: [nixos]\nhosts: [nixos/box]\nname: from-file\n",
    )
    .unwrap();
    nixscaffold(scratch.path())
        .args([
            "new",
            "repo",
            "--yes",
            "--no-git",
            "--config",
            "answers.yaml",
            "--host",
            "nixos/other",
        ])
        .assert()
        .success();
    let repo = scratch.path().join("repo");
    assert!(repo.join("hosts/nixos/other/default.nix").is_file());
    assert!(!repo.join("hosts/nixos/box").exists());
    assert!(std::fs::read_to_string(repo.join("README.md"))
        .unwrap()
        .starts_with("# from-file\n"));
}

#[test]
fn a_malformed_config_file_names_the_file_and_position() {
    let scratch = scratch();
    std::fs::write(
        scratch.path().join("answers.yaml"),
        "platforms: [nixos]\nhostz: [nixos/box]\n",
    )
    .unwrap();
    nixscaffold(scratch.path())
        .args(["new", "repo", "--yes", "--config", "answers.yaml"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("answers.yaml"))
        .stderr(predicates::str::contains("hostz"))
        .stderr(predicates::str::contains("line 2"));
    assert!(!scratch.path().join("repo").exists());
}

#[test]
fn bad_answers_are_usage_errors_that_name_the_value() {
    let cases: &[(&[&str], &str)] = &[
        (&["--host", "nixos"], "is not PLATFORM/NAME"),
        (&["--host", "home/x"], "is not a machine platform"),
        (&["--host", "nixos/let"], "Nix keyword"),
        (&["--host", "nixos/a b"], "not a valid host name"),
        (&["--host", "nixos/../../etc"], "not a valid host name"),
        (
            &["--host", "nixos/x@aarch64-darwin"],
            "nixos does not run on aarch64-darwin",
        ),
        (&["--host", "nixos/a", "--host", "nixos/a"], "given twice"),
        (
            &["--system", "x86_64-windows"],
            "not a system nixscaffold knows",
        ),
        (
            &["--platform", "darwin", "--system", "x86_64-linux"],
            "no system runs it",
        ),
        (
            &["--platform", "nixos", "--host", "darwin/mac"],
            "needs the darwin platform",
        ),
        (&["--user", "root/x"], "not a valid user name"),
        (
            &["--platform", "nixos", "--home-manager", "module"],
            "choose the home platform and a machine platform",
        ),
        (
            &["--platform", "home", "--home-manager", "both"],
            "choose the home platform and a machine platform",
        ),
        (&["--state-version", "26.10"], "is not a NixOS release"),
        (&["--user", "alice@"], "is not a valid host name"),
        (&["--cache", "cachix-of-mine"], "neither a known cache"),
        (&["--cache", "ftp://x=k:AAAA"], "must start with https://"),
        (&["--cache", "https://x.org=nokey"], "NAME:BASE64"),
        (&["--name", "a\"b"], "name `a\"b` cannot be used"),
        (&["--namespace", "in"], "namespace `in`"),
        (
            &["--namespace", "nix"],
            "`nix` is a top-level option of NixOS, nix-darwin or home-manager",
        ),
        (&["--namespace", "config"], "is a section of every module"),
    ];
    for (args, message) in cases {
        let scratch = scratch();
        nixscaffold(scratch.path())
            .args(["new", "repo", "--yes"])
            .args(*args)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(*message));
        assert!(
            !scratch.path().join("repo").exists(),
            "{args:?} wrote something"
        );
    }
}

#[test]
fn a_directory_named_like_a_top_level_option_gets_the_safe_namespace() {
    for dir in ["config", "nix", "home", "system"] {
        let scratch = scratch();
        nixscaffold(scratch.path())
            .args(["new", dir, "--yes", "--no-git", "--platform", "home"])
            .assert()
            .success();
        let answers = nixscaffold::answers::Answers::read(&scratch.path().join(dir))
            .unwrap()
            .unwrap();
        assert_eq!(answers.name, dir);
        assert_eq!(answers.namespace, "my", "{dir}");
    }
    // An ordinary name is still the namespace.
    let (_scratch, repo) = new_repo(&["--name", "dotfiles", "--platform", "home"]);
    let answers = nixscaffold::answers::Answers::read(&repo).unwrap().unwrap();
    assert_eq!(answers.namespace, "dotfiles");
}

#[test]
fn unknown_flag_values_are_rejected_by_the_parser_with_exit_2() {
    let scratch = scratch();
    nixscaffold(scratch.path())
        .args(["new", "repo", "--platform", "windows"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "possible values: nixos, darwin, home",
        ));
}

#[test]
fn a_template_folder_replaces_built_in_templates_file_by_file() {
    let scratch = scratch();
    let templates = scratch.path().join("mine");
    std::fs::create_dir_all(templates.join("flake")).unwrap();
    std::fs::write(
        templates.join("flake/systems.nix"),
        "{ systems = [ \"{{systems.[0]}}\" ]; }\n",
    )
    .unwrap();
    nixscaffold(scratch.path())
        .args([
            "new",
            "repo",
            "--yes",
            "--no-git",
            "--platform",
            "nixos",
            "--template",
            "mine",
        ])
        .assert()
        .success();
    let systems = std::fs::read_to_string(scratch.path().join("repo/flake/systems.nix")).unwrap();
    assert_eq!(systems, "{ systems = [ \"x86_64-linux\" ]; }\n");
    // The others are the built-in ones.
    assert!(
        std::fs::read_to_string(scratch.path().join("repo/lib/default.nix"))
            .unwrap()
            .contains("scanPaths")
    );
}

#[test]
fn a_broken_template_is_reported_with_its_file_and_nothing_is_written() {
    let scratch = scratch();
    let templates = scratch.path().join("mine");
    std::fs::create_dir_all(templates.join("flake")).unwrap();
    std::fs::write(
        templates.join("flake/systems.nix"),
        "{ systems = [ \"{{no_such_variable}}\" ]; }\n",
    )
    .unwrap();
    nixscaffold(scratch.path())
        .args(["new", "repo", "--yes", "--template", "mine"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("mine/flake/systems.nix"));
    std::fs::write(templates.join("flake/systems.nix"), "{ systems = [ ; }\n").unwrap();
    nixscaffold(scratch.path())
        .args(["new", "repo", "--yes", "--template", "mine"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("does not parse"));
    assert!(!scratch.path().join("repo").exists());
}

#[test]
fn makes_a_git_repository_with_the_files_staged() {
    let scratch = scratch();
    nixscaffold(scratch.path())
        .args(["new", "repo", "--yes"])
        .assert()
        .success()
        .stdout(predicates::str::contains("a flake sees only tracked files"));
    let status = std::process::Command::new("git")
        .args(["-C", "repo", "status", "--porcelain"])
        .current_dir(scratch.path())
        .output()
        .expect("git runs");
    let status = String::from_utf8(status.stdout).unwrap();
    assert!(status.contains("A  flake.nix"), "{status}");
    assert!(status.contains("A  modules/nixos/default.nix"), "{status}");
}

#[test]
fn inside_an_existing_work_tree_it_only_adds_its_files() {
    let scratch = scratch();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(scratch.path())
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "--quiet"]);
    std::fs::write(scratch.path().join("mine.txt"), "untracked and mine\n").unwrap();
    nixscaffold(scratch.path())
        .args(["new", "nix", "--yes"])
        .assert()
        .success()
        .stdout(predicates::str::contains("--intent-to-add"));
    assert!(!scratch.path().join("nix/.git").exists());
    let status = std::process::Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(scratch.path())
        .output()
        .unwrap();
    let status = String::from_utf8(status.stdout).unwrap();
    assert!(status.contains(" A nix/flake.nix"), "{status}");
    assert!(status.contains("?? mine.txt"), "{status}");
}

#[test]
fn completions_and_help_answer_questions() {
    let scratch = scratch();
    nixscaffold(scratch.path())
        .arg("manpage")
        .assert()
        .success()
        .stdout(predicates::str::contains(".TH nixscaffold 1"))
        .stdout(predicates::str::contains("add\\-module"));
    nixscaffold(scratch.path())
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicates::str::contains("nixscaffold"));
    nixscaffold(scratch.path())
        .args(["new", "--help"])
        .assert()
        .success()
        .stdout(predicates::str::contains("--dry-run"))
        .stdout(predicates::str::contains("Exit codes"));
    nixscaffold(scratch.path())
        .arg("--help")
        .assert()
        .success()
        .stdout(predicates::str::contains("2  usage or I/O error"));
}

#[test]
fn a_closed_stdout_does_not_stop_it_halfway() {
    // `nixscaffold new … | head -c0`: the report hits a closed pipe; the repository must still be
    // complete and in git.
    let scratch = scratch();
    let status = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; '{}' new repo --yes | head -c0",
            assert_cmd::cargo::cargo_bin("nixscaffold").display()
        ))
        .current_dir(scratch.path())
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_COMMITTER_NAME", "t")
        .status()
        .expect("bash runs");
    assert!(status.success(), "{status:?}");
    assert!(scratch.path().join("repo/.nixscaffold.yaml").is_file());
    assert!(scratch.path().join("repo/.git").is_dir());
}
