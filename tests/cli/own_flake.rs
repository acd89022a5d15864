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
