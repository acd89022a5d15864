//! A repository a user can switch to on day one: machines with a hardware placeholder and an
//! account, state versions set once, home-manager inside the machines, CI, linters.

use crate::support::*;

fn read(repo: &std::path::Path, path: &str) -> String {
    std::fs::read_to_string(repo.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn add(repo: &std::path::Path, args: &[&str]) -> assert_cmd::assert::Assert {
    nixscaffold(repo).args(args).arg("--no-git").assert()
}

#[test]
fn the_workflow_is_yaml_with_the_expected_steps() {
    let (_scratch, repo) = new_repo(&["--lint", "deadnix"]);
    let text = read(&repo, ".github/workflows/check.yml");
    let workflow: serde_json::Value = serde_saphyr::from_str(&text).expect("valid YAML");
    assert_eq!(workflow["name"], "check");
    assert!(workflow["on"].get("push").is_some() && workflow["on"].get("pull_request").is_some());
    let steps = workflow["jobs"]["check"]["steps"]
        .as_array()
        .expect("steps");
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    assert!(uses.iter().any(|u| u.starts_with("actions/checkout@")));
    assert!(uses
        .iter()
        .any(|u| u.starts_with("cachix/install-nix-action@")));
    assert!(runs.contains(&"nix flake check"), "{runs:?}");
    assert!(
        runs.contains(&"nixscaffold check --format github"),
        "{runs:?}"
    );
    // Evaluation cost is gated once a baseline is committed.
    let eval = steps
        .iter()
        .find(|s| s["run"] == "nixscaffold eval --format github")
        .expect("an eval step");
    assert_eq!(eval["if"], "hashFiles('.nixscaffold-eval.json') != ''");
    // The flake check runs before the audit.
    let position = |run: &str| runs.iter().position(|r| *r == run).unwrap();
    assert!(position("nix flake check") < position("nixscaffold check --format github"));
}

#[test]
fn ci_none_writes_no_workflow_and_lint_adds_the_checks() {
    let (_scratch, repo) = new_repo(&["--ci", "none", "--lint", "statix"]);
    assert!(!repo.join(".github").exists());
    let checks = read(&repo, "flake/checks.nix");
    assert!(checks.contains("statix check") && !checks.contains("deadnix"));
    let answers = nixscaffold::answers::Answers::read(&repo).unwrap().unwrap();
    assert_eq!(answers.ci, nixscaffold::answers::Ci::None);
    assert_eq!(answers.lint, vec![nixscaffold::answers::Lint::Statix]);
    let (_scratch, repo) = new_repo(&[]);
    let checks = read(&repo, "flake/checks.nix");
    assert!(!checks.contains("statix") && !checks.contains("deadnix"));
}

#[test]
fn nixos_hosts_import_a_marked_placeholder_and_create_the_user_in_wheel() {
    let (scratch, repo) = new_repo(&["--platform", "nixos", "--user", "alice"]);
    let host = read(&repo, "hosts/nixos/nixos/default.nix");
    assert!(
        host.contains("imports = [ ./hardware-configuration.nix ];"),
        "{host}"
    );
    assert!(host.contains("users.users.alice = {"), "{host}");
    assert!(host.contains("isNormalUser = true;") && host.contains("[ \"wheel\" ]"));
    assert!(host.contains("system.stateVersion = \"26.11\";"));
    assert!(host.contains("never bump"));
    let hardware = read(&repo, "hosts/nixos/nixos/hardware-configuration.nix");
    assert!(hardware.starts_with("# PLACEHOLDER"), "{hardware}");
    assert!(hardware.contains("nixos-generate-config --show-hardware-config > hosts/nixos/nixos/hardware-configuration.nix"));
    // The placeholder is a module that evaluates: a function of lib giving boot and fileSystems.
    let expr = format!(
        "let m = import {}; lib = {{ mkDefault = x: x; }}; in builtins.attrNames (m {{ inherit lib; }})",
        repo.join("hosts/nixos/nixos/hardware-configuration.nix").display()
    );
    assert_eq!(
        nix_eval_json(scratch.path(), &expr),
        r#"["boot","fileSystems"]"#
    );
    let yaml = read(&repo, ".nixscaffold.yaml");
    assert!(yaml.contains("set once, never bump it\n"), "{yaml}");
    assert!(yaml.contains("state_version: \"26.11\""), "{yaml}");
}

#[test]
fn darwin_hosts_set_the_primary_user() {
    let (_scratch, repo) = new_repo(&["--platform", "darwin", "--user", "bob"]);
    let host = read(&repo, "hosts/darwin/mac/default.nix");
    assert!(host.contains("primaryUser = \"bob\";"), "{host}");
    assert!(
        host.contains("users.users.bob.home = \"/Users/bob\";"),
        "{host}"
    );
    assert!(host.contains("stateVersion = 7;"));
}

#[test]
fn state_version_is_recorded_and_add_host_takes_its_own() {
    let (_scratch, repo) = new_repo(&["--state-version", "24.05"]);
    assert!(read(&repo, "hosts/nixos/nixos/default.nix").contains("stateVersion = \"24.05\""));
    assert!(read(&repo, "home/user/default.nix").contains("stateVersion = \"24.05\""));
    let answers = nixscaffold::answers::Answers::read(&repo).unwrap().unwrap();
    assert_eq!(answers.state_version, "24.05");

    add(
        &repo,
        &["add-host", "nixos/old", "--state-version", "22.11"],
    )
    .success();
    assert!(read(&repo, "hosts/nixos/old/default.nix").contains("stateVersion = \"22.11\""));
    assert!(repo
        .join("hosts/nixos/old/hardware-configuration.nix")
        .is_file());
    add(
        &repo,
        &["add-host", "darwin/oldmac", "--state-version", "4"],
    )
    .success();
    assert!(read(&repo, "hosts/darwin/oldmac/default.nix").contains("stateVersion = 4;"));
    // Without the flag, the recorded release.
    add(&repo, &["add-host", "nixos/new"]).success();
    assert!(read(&repo, "hosts/nixos/new/default.nix").contains("stateVersion = \"24.05\""));
    // A value of the wrong kind for the platform is refused, nothing written.
    let hash = tree_hash(&repo);
    add(&repo, &["add-host", "darwin/x", "--state-version", "24.05"])
        .code(2)
        .stderr(predicates::str::contains("not a nix-darwin state version"));
    add(&repo, &["add-host", "nixos/x", "--state-version", "5"])
        .code(2)
        .stderr(predicates::str::contains("not a NixOS release"));
    assert_eq!(tree_hash(&repo), hash);
}

#[test]
fn homes_for_one_machine_are_accepted_and_recorded() {
    let (scratch, repo) = new_repo(&["--user", "alice@nixos"]);
    let home = read(&repo, "home/alice@nixos/default.nix");
    assert!(
        home.contains("username = lib.mkDefault \"alice\";"),
        "{home}"
    );
    assert!(home.contains("\"/Users/alice\"") && home.contains("\"/home/alice\""));
    // The machines' account is the name before `@`.
    assert!(read(&repo, "hosts/nixos/nixos/default.nix").contains("users.users.alice = {"));
    add(&repo, &["add-user", "bob@mac"]).success();
    assert!(repo.join("home/bob@mac/default.nix").is_file());
    let answers = nixscaffold::answers::Answers::read(&repo).unwrap().unwrap();
    assert_eq!(answers.users, vec!["alice@nixos", "bob@mac"]);
    assert_all_nix_valid(scratch.path(), &repo);
}

#[test]
fn home_manager_as_a_module_is_wired_into_the_machines() {
    let (_scratch, repo) = new_repo(&["--home-manager", "module"]);
    let configurations = read(&repo, "flake/configurations.nix");
    assert!(configurations.contains("inputs.home-manager.nixosModules.home-manager"));
    assert!(configurations.contains("inputs.home-manager.darwinModules.home-manager"));
    assert!(configurations.contains("users = homesOn host;"));
    assert!(
        !configurations.contains("homeConfigurations"),
        "{configurations}"
    );
    assert!(!configurations.contains("withSystem"));
    let (_scratch, repo) = new_repo(&["--platform", "home"]);
    let configurations = read(&repo, "flake/configurations.nix");
    assert!(configurations.contains("homeConfigurations"));
    // A home-only repository has no machine settings to leave unused.
    assert!(
        !configurations.contains("nixpkgsSettings"),
        "{configurations}"
    );
}

#[test]
fn add_package_warns_when_it_shadows_a_well_known_nixpkgs_package() {
    let (_scratch, repo) = new_repo(&["--platform", "nixos"]);
    let run = add(&repo, &["add-package", "custom/hello"]).success();
    let stderr = String::from_utf8(run.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("warning: `hello` replaces nixpkgs' pkgs.hello"),
        "{stderr}"
    );
    assert!(stderr.contains("e.g. my-hello"), "{stderr}");
    // The file is still written: a warning, not a refusal.
    assert!(repo.join("pkgs/custom/hello/package.nix").is_file());
    for quiet in ["custom/my-hello", "pypi/hello"] {
        let run = add(&repo, &["add-package", quiet]).success();
        let stderr = String::from_utf8(run.get_output().stderr.clone()).unwrap();
        assert!(!stderr.contains("warning"), "{quiet}: {stderr}");
    }
    let run = add(&repo, &["add-package", "pypi/requests"]).success();
    let stderr = String::from_utf8(run.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("pkgs.python3Packages.requests"), "{stderr}");
}

#[test]
fn check_finds_stale_answers_and_add_host_tells_what_is_recorded() {
    let (_scratch, repo) = new_repo(&[
        "--platform",
        "nixos",
        "--host",
        "nixos/server",
        "--host",
        "nixos/pi@aarch64-linux",
    ]);
    std::fs::remove_dir_all(repo.join("hosts/nixos/server")).unwrap();
    std::fs::rename(
        repo.join("hosts/nixos/pi"),
        repo.join("hosts/nixos/raspberry"),
    )
    .unwrap();
    let run = check(&repo, &["--format", "json"]);
    assert_eq!(run.code, 1);
    let found: Vec<(String, String)> = findings(&json_of(&run))
        .into_iter()
        .map(|(name, file, _, _)| (name, file))
        .collect();
    let stale = |file: &str| ("stale-answers".to_string(), file.to_string());
    assert_eq!(
        found,
        vec![
            stale(".nixscaffold.yaml"),
            stale(".nixscaffold.yaml"),
            stale("hosts/nixos/raspberry/"),
        ]
    );
    assert!(run
        .stdout
        .contains("records `nixos/pi@aarch64-linux` under `hosts`"));

    // add-host of a recorded machine keeps its recorded system and says it is recorded.
    let run = add(&repo, &["add-host", "nixos/pi"]).success();
    let out = run.get_output();
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(
        stdout.contains(".nixscaffold.yaml already lists nixos/pi@aarch64-linux under `hosts`"),
        "{stdout}"
    );
    assert!(String::from_utf8(out.stderr.clone()).unwrap().is_empty());
    assert!(read(&repo, "hosts/nixos/pi/default.nix").contains("\"aarch64-linux\""));
    // Given another system, it says the record differs.
    let run = add(&repo, &["add-host", "nixos/server@aarch64-linux"]).success();
    let stderr = String::from_utf8(run.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains(
            "records nixos/server@x86_64-linux under `hosts`, but the new machine is built for aarch64-linux"
        ),
        "{stderr}"
    );
}

/// A consumer's view of a module tree, in builtins only (CI has no nixpkgs): a stand-in for the
/// module system that applies each module to a lib WITHOUT `custom`, follows `imports`, and lists the
/// options declared. `TREE` is replaced by the module to load.
const CONSUMER: &str = r#"
let
  lib = {
    mkEnableOption = description: { _type = "option"; inherit description; };
    mkIf = _: value: value;
  };
  args = { inherit lib; config = { }; options = { }; pkgs = { }; };
  load = m: if builtins.isPath m || builtins.isString m then import m else m;
  apply = m: let v = load m; in if builtins.isFunction v || v ? __functor then v args else v;
  optionPaths = prefix: set:
    if set._type or null == "option" then [ prefix ]
    else builtins.concatMap (n: optionPaths (if prefix == "" then n else "${prefix}.${n}") set.${n})
      (builtins.attrNames set);
  collect = m: let v = apply m; in optionPaths "" (v.options or { }) ++ builtins.concatMap collect (v.imports or [ ]);
in
builtins.sort builtins.lessThan (collect (TREE))
"#;

#[test]
fn exported_modules_work_in_a_consumer_without_lib_custom() {
    let (scratch, repo) = new_repo(&["--platform", "home", "--name", "first"]);
    for module in ["home/tools/editor", "home/services/web/proxy", "home/shell"] {
        add(&repo, &["add-module", module]).success();
    }
    let root = repo.display().to_string();
    // modules/default.nix exposes `default` through exportModule (read here as the registry says).
    let registry = read(&repo, "modules/default.nix");
    assert!(
        registry.contains("default = lib.custom.exportModule ./home;"),
        "{registry}"
    );
    let exported = CONSUMER.replace(
        "TREE",
        &format!("(import {root}/lib).exportModule {root}/modules/home"),
    );
    assert_eq!(
        nix_eval_json(scratch.path(), &exported),
        r#"["first.services.web.proxy.enable","first.shell.enable","first.tools.editor.enable"]"#
    );
    // The plain path needs lib.custom, which the consumer does not have.
    let plain = CONSUMER.replace("TREE", &format!("{root}/modules/home"));
    let output = nix_instantiate(scratch.path())
        .args(["--eval", "--strict", "--json", "--expr", &plain])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("attribute 'custom' missing"), "{stderr}");
}
