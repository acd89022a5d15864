//! What a user reads: a man page per command with every flag, help texts in each command's terms,
//! the template variables, and a wrong template variable named with its file and line.

use clap::CommandFactory;
use predicates::prelude::*;

use crate::support::{nixscaffold, scratch};

#[test]
fn manpage_dir_writes_a_page_per_command_with_every_flag() {
    let scratch = scratch();
    let dir = scratch.path().join("man1");
    std::fs::create_dir(&dir).unwrap();
    nixscaffold(scratch.path())
        .args(["manpage", "--dir"])
        .arg(&dir)
        .assert()
        .success();
    let command = nixscaffold::cli::Cli::command();
    let main = std::fs::read_to_string(dir.join("nixscaffold.1")).unwrap();
    // Hidden commands and flags (`release-shape`, `new --as-version`: for the release step and
    // the tests) have no page and are in none.
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        let name = sub.get_name();
        let file = dir.join(format!("nixscaffold-{name}.1"));
        let page =
            std::fs::read_to_string(&file).unwrap_or_else(|_| panic!("no page {}", file.display()));
        assert!(
            main.contains(&name.replace('-', "\\-")),
            "main page lacks {name}"
        );
        for arg in sub.get_arguments().filter(|arg| !arg.is_hide_set()) {
            if let Some(long) = arg.get_long() {
                let roff = format!("\\-\\-{}", long.replace('-', "\\-"));
                assert!(page.contains(&roff), "{name}'s page lacks --{long}");
            }
        }
    }
    let check = std::fs::read_to_string(dir.join("nixscaffold-check.1")).unwrap();
    for flag in ["\\-\\-format", "\\-\\-repo", "sarif"] {
        assert!(check.contains(flag), "check's page lacks {flag}");
    }
    // Without --dir: the main page on standard output, as before.
    nixscaffold(scratch.path())
        .arg("manpage")
        .assert()
        .success()
        .stdout(predicate::str::starts_with(".ie"));
}

#[test]
fn layout_flags_are_described_in_each_commands_terms() {
    let scratch = scratch();
    let help = |command: &str| {
        let output = nixscaffold(scratch.path())
            .args([command, "--help"])
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    let module = help("add-module");
    let as_dir = module
        .split("--as-dir")
        .nth(1)
        .expect("add-module --help has --as-dir");
    let as_dir = &as_dir[..as_dir.find("\n  -").unwrap_or(as_dir.len())];
    assert!(
        as_dir.contains("modules/PLATFORM/PATH/default.nix"),
        "{as_dir}"
    );
    assert!(!module.contains("package.nix"), "{module}");
    let package = help("add-package");
    assert!(package.contains("pkgs/SET/NAME/package.nix"), "{package}");
    assert!(!package.contains("default.nix"), "{package}");
    let check = help("check");
    assert!(
        check.contains("sarif") && check.contains("--repo"),
        "{check}"
    );
}

#[test]
fn templates_vars_lists_what_the_renderer_really_provides() {
    let scratch = scratch();
    let output = nixscaffold(scratch.path())
        .args(["templates", "--vars"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    for row in [
        "name ",
        "namespace ",
        "platforms.darwin ",
        "hosts.[].system ",
        "caches.[].key ",
        "Only in hosts/nixos.nix, hosts/hardware-configuration.nix, hosts/darwin.nix:",
        "host.name ",
        "user.home_directory ",
        "set.directory ",
    ] {
        assert!(text.contains(row), "no `{row}` in:\n{text}");
    }
    // A variable the list names renders; a made-up one is refused.
    let tpl = scratch.path().join("tpl/hosts");
    std::fs::create_dir_all(&tpl).unwrap();
    std::fs::write(
        tpl.join("nixos.nix"),
        "{ ... }:\n{\n  networking.hostName = \"{{host.name}}-{{namespace}}\";\n}\n",
    )
    .unwrap();
    nixscaffold(scratch.path())
        .args(["new", "ok", "--yes", "--no-git", "--template", "tpl"])
        .assert()
        .success();
    let host =
        std::fs::read_to_string(scratch.path().join("ok/hosts/nixos/nixos/default.nix")).unwrap();
    assert!(
        host.contains("networking.hostName = \"nixos-ok\";"),
        "{host}"
    );
}

#[test]
fn a_wrong_template_variable_is_named_with_its_file_and_line() {
    let scratch = scratch();
    let tpl = scratch.path().join("tpl/hosts");
    std::fs::create_dir_all(&tpl).unwrap();
    std::fs::write(
        tpl.join("nixos.nix"),
        "{ ... }:\n{\n  networking.hostName = \"{{nonexistent.var}}\";\n}\n",
    )
    .unwrap();
    nixscaffold(scratch.path())
        .args(["new", "bad", "--yes", "--no-git", "--template", "tpl"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "tpl/hosts/nixos.nix: line 3, column",
        ))
        .stderr(predicate::str::contains(
            "there is no template variable `nonexistent.var`",
        ))
        .stderr(predicate::str::contains("nixscaffold templates --vars"))
        .stderr(predicate::str::contains("Some(").not());
    assert!(!scratch.path().join("bad").exists());
}

fn repository_file(name: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn the_readme_opens_with_the_two_set_up_commands_then_tells_users_how_to_install() {
    let readme = repository_file("README.md");
    let first_block = readme
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a first sh block");
    let lines: Vec<&str> = first_block.lines().collect();
    assert_eq!(lines.len(), 2, "{first_block}");
    assert!(
        lines[0].starts_with("cargo run --release -- new "),
        "{}",
        lines[0]
    );
    assert!(lines[1].contains("cargo test --locked"), "{}", lines[1]);
    for needle in [
        "nix run github:OWNER/nixscaffold -- new",
        "nix profile install github:OWNER/nixscaffold",
        "cargo install --path .",
        "--format sarif",
        "--format github",
        "id: nixscaffold-check",
        "(docs/check-schema.json)",
    ] {
        assert!(readme.contains(needle), "README.md lacks `{needle}`");
    }
}

#[test]
fn the_pre_commit_hook_runs_check_once_for_the_repository() {
    let hooks: serde_json::Value =
        serde_saphyr::from_str(&repository_file(".pre-commit-hooks.yaml"))
            .expect(".pre-commit-hooks.yaml is YAML");
    let hook = hooks
        .as_array()
        .and_then(|hooks| hooks.iter().find(|h| h["id"] == "nixscaffold-check"))
        .expect("a nixscaffold-check hook");
    assert_eq!(hook["entry"], "nixscaffold check");
    assert_eq!(hook["pass_filenames"], false);
    assert!(["system", "rust"].contains(&hook["language"].as_str().unwrap()));
}
