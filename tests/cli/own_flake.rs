//! nixscaffold's own flake.nix: it parses with rnix and with Nix, is in the official Nix style, and
//! builds the package from Cargo.lock with flake-parts (checked on the syntax tree, not the text).

use std::path::Path;

use rnix::SyntaxKind;

use crate::support::{nix_instantiate, scratch};

fn flake() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("flake.nix"))
        .expect("nixscaffold's flake.nix")
}

/// The identifiers and paths of the flake, read from its syntax tree.
fn tokens(text: &str, kind: SyntaxKind) -> Vec<String> {
    let parsed = rnix::Root::parse(text);
    assert!(parsed.errors().is_empty(), "rnix: {:?}", parsed.errors());
    parsed
        .syntax()
        .descendants_with_tokens()
        .filter_map(|element| element.into_token())
        .filter(|token| token.kind() == kind)
        .map(|token| token.text().to_string())
        .collect()
}

#[test]
fn own_flake_parses_with_nix_and_is_in_the_official_style() {
    let scratch = scratch();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("flake.nix");
    let output = nix_instantiate(scratch.path())
        .arg("--parse")
        .arg(&path)
        .output()
        .expect("nix-instantiate runs");
    assert!(
        output.status.success(),
        "nix-instantiate --parse flake.nix: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = flake();
    let formatted = nixfmt_rs::format(&text).expect("nixfmt parses the flake");
    assert_eq!(
        formatted, text,
        "flake.nix is not in the official Nix style"
    );
}

#[test]
fn own_flake_builds_the_package_from_cargo_lock_with_flake_parts() {
    let text = flake();
    let idents = tokens(&text, SyntaxKind::TOKEN_IDENT);
    for wanted in [
        "mkFlake",
        "buildRustPackage",
        "cargoLock",
        "lockFile",
        "mainProgram",
        "devShells",
        "checks",
        "cargo",
        "clippy",
        "rustfmt",
        "nix",
    ] {
        assert!(
            idents.iter().any(|i| i == wanted),
            "flake.nix has no `{wanted}`"
        );
    }
    let paths = tokens(&text, SyntaxKind::TOKEN_PATH_REL);
    assert!(
        paths.iter().any(|p| p == "./Cargo.lock"),
        "paths: {paths:?}"
    );
    // Every path the flake names exists, so `nix build` finds its sources.
    for path in &paths {
        let on_disk = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        assert!(on_disk.exists(), "flake.nix names {path}, which is missing");
    }
}

/// The flake's outputs evaluated by Nix with stand-ins for flake-parts and nixpkgs (tests run
/// offline): the package is built from this Cargo.lock, named and versioned from Cargo.toml, and
/// runs as `nixscaffold`; the dev shell and the checks are there.
#[test]
fn own_flake_outputs_evaluate_with_stand_in_inputs() {
    let scratch = scratch();
    let root = env!("CARGO_MANIFEST_DIR");
    let expr = format!(
        r#"
let
  flake = import {root}/flake.nix;
  id = x: x;
  pkgs = {{
    lib = {{
      fileset = {{ toSource = a: a.root; unions = id; }};
      optionalString = c: s: if c then s else "";
      licenses.mit = "mit";
    }};
    stdenv = {{ buildPlatform.canExecute = _: true; hostPlatform = null; }};
    rustPlatform.buildRustPackage = a: a // {{ overrideAttrs = f: a // f a; }};
    runCommand = name: env: script: {{ inherit name; }};
    mkShell = a: a;
    installShellFiles = "installShellFiles"; nix = "nix"; git = "git"; util-linux = "util-linux";
    cargo = "cargo"; clippy = "clippy"; rustfmt = "rustfmt"; rust-analyzer = "rust-analyzer";
    nixfmt-tree = "nixfmt-tree";
  }};
  flake-parts.lib.mkFlake = _: module:
    let self' = {{ packages = ps; }}; ps = (module.perSystem {{ inherit pkgs self'; }}).packages;
    in module // {{ perSystem = module.perSystem {{ inherit pkgs self'; }}; }};
  out = flake.outputs {{ inherit flake-parts; self = {{ }}; nixpkgs = {{ }}; }};
  p = out.perSystem.packages.default;
in {{
  inputs = builtins.attrNames flake.inputs;
  follows = flake.inputs.flake-parts.inputs.nixpkgs-lib.follows;
  systems = out.systems;
  pname = p.pname;
  version = p.version;
  lock = baseNameOf (toString p.cargoLock.lockFile);
  main = p.meta.mainProgram;
  shell = map (x: x) out.perSystem.devShells.default.packages;
  checks = builtins.attrNames out.perSystem.checks;
  clippy = out.perSystem.checks.clippy.buildPhase;
}}
"#
    );
    let json = crate::support::nix_eval_json(scratch.path(), &expr);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(
        value["inputs"],
        serde_json::json!(["flake-parts", "nixpkgs"])
    );
    assert_eq!(value["follows"], "nixpkgs");
    assert_eq!(value["pname"], "nixscaffold");
    assert_eq!(value["version"], version);
    assert_eq!(value["lock"], "Cargo.lock");
    assert_eq!(value["main"], "nixscaffold");
    for tool in ["cargo", "clippy", "rustfmt", "nix"] {
        assert!(
            value["shell"].as_array().unwrap().contains(&tool.into()),
            "{value}"
        );
    }
    assert_eq!(
        value["checks"],
        serde_json::json!(["clippy", "fmt", "tests"])
    );
    assert!(value["clippy"].as_str().unwrap().contains("-D warnings"));
    assert!(value["systems"]
        .as_array()
        .unwrap()
        .contains(&"x86_64-linux".into()));
}

/// `check` on nixscaffold's own repository reads the flake like any other: nothing about it is a
/// finding (the repository's findings are in its deliberately broken test fixtures and its
/// templates, which are not Nix yet, the stored templates of released versions included).
#[test]
fn check_of_nixscaffolds_own_repository_has_nothing_to_say_about_its_flake() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = crate::support::check(root, &["--format", "json"]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let json = crate::support::json_of(&run);
    for (name, file, line, _) in crate::support::findings(&json) {
        assert!(
            file.starts_with("tests/")
                || file.starts_with("templates/")
                || file.starts_with("templates-history/"),
            "{name} in {file}:{line}"
        );
    }
}
