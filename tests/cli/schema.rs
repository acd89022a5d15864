//! `nixscaffold schema`: the JSON Schema of `.nixscaffold.yaml`. Every answers file `new` and
//! `add-*` write validates against it, the answers files the other tests feed `new --config` are
//! judged as the program judges them, and the committed copy in docs/ is up to date.

use std::path::Path;

use serde_json::Value;

use crate::json_schema::violations;
use crate::support::{new_repo, nixscaffold, scratch, NEW_CONFIGURATIONS};

fn schema() -> Value {
    let output = nixscaffold(Path::new(env!("CARGO_MANIFEST_DIR")))
        .arg("schema")
        .output()
        .expect("nixscaffold schema runs");
    assert!(output.status.success());
    serde_json::from_slice(&output.stdout).expect("the schema is JSON")
}

/// YAML as an editor's YAML 1.2 language server sees it: `off` is a string, not a boolean.
fn yaml(text: &str) -> Value {
    let options = serde_saphyr::options! { strict_booleans: true };
    serde_saphyr::from_str_with_options::<Value>(text, options)
        .unwrap_or_else(|e| panic!("not YAML ({e}):\n{text}"))
}

#[test]
fn the_committed_schema_is_what_nixscaffold_schema_prints() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/nixscaffold-yaml.schema.json");
    let committed = std::fs::read_to_string(&path).expect("docs/nixscaffold-yaml.schema.json");
    let printed = nixscaffold(Path::new(env!("CARGO_MANIFEST_DIR")))
        .arg("schema")
        .output()
        .unwrap()
        .stdout;
    assert!(
        committed.as_bytes() == printed.as_slice(),
        "docs/nixscaffold-yaml.schema.json is stale: run `cargo run -- schema > docs/nixscaffold-yaml.schema.json`"
    );
}

#[test]
fn every_answers_file_new_and_add_write_validates() {
    let schema = schema();
    for args in NEW_CONFIGURATIONS {
        let (_scratch, repo) = new_repo(args);
        let text = std::fs::read_to_string(repo.join(".nixscaffold.yaml")).unwrap();
        let found = violations(&schema, &yaml(&text));
        assert!(found.is_empty(), "new {args:?}:\n{text}\n{found:#?}");
    }
    let (_scratch, repo) = new_repo(&[]);
    for add in [
        &["add-host", "nixos/pi@aarch64-linux"][..],
        &["add-user", "alice"],
        &["add-host", "darwin/mbp"],
    ] {
        nixscaffold(&repo)
            .args(add)
            .arg("--no-git")
            .assert()
            .success();
        let text = std::fs::read_to_string(repo.join(".nixscaffold.yaml")).unwrap();
        assert!(
            violations(&schema, &yaml(&text)).is_empty(),
            "after {add:?}:\n{text}"
        );
    }
}

/// The answers files the suite writes by hand (here and in new.rs, hostile.rs, add.rs), and more:
/// `(text, whether the schema accepts it, whether `new --config` accepts it)`. Where they differ,
/// the program knows more than a schema can say (a host given twice).
const FILES: &[(&str, bool, bool)] = &[
    ("platforms: [nixos]\nhosts: [nixos/box]\nname: from-file\n", true, true),
    ("platforms: [home]\nusers: [alice, bob]\nsystems: [aarch64-darwin]\n", true, true),
    (
        "caches: [nix-community, \"https://c.example.org=c.example.org-1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"]\n",
        true,
        true,
    ),
    ("hosts: [nixos/pi@aarch64-linux, darwin/mac@aarch64-darwin]\n", true, true),
    ("namespace: my_cfg\noverlays: [custom, customPypi]\ndescription: My machines\n", true, true),
    ("check:\n  rules: { orphan-file: off, NS008: error }\n  ignore: [\"vendor/**\"]\n  max-import-depth: 8\n", true, true),
    ("hosts: [nixos/a, nixos/a]\n", true, false),
    (
        "eval:\n  budgets: { thunks: \"+5%\", cpu: \"+0.5\", bytes: off }\n  configurations:\n    nixosConfigurations.big: { thunks: \"+10%\" }\n",
        true,
        true,
    ),
    ("eval:\n  budgets: { thunk: \"+5%\" }\n", false, false),
    ("eval:\n  budgets: { thunks: \"five\" }\n", false, false),
    // Wrong ones: the schema and the program both refuse them.
    ("platforms: [nixos]\nhostz: [nixos/box]\n", false, false),
    ("user: [alice]\n", false, false),
    ("platforms: [nixso]\n", false, false),
    ("platforms: []\n", false, false),
    ("hosts: [nixos/../../etc]\nusers: [\"../../root\"]\n", false, false),
    ("hosts: [\"nixos/my.laptop\"]\n", false, false),
    ("hosts: [nixos/pi@aarch64-darwinx]\n", false, false),
    ("users: [let]\n", false, false),
    ("namespace: let\n", false, false),
    ("systems: [x86_64-windows]\n", false, false),
    ("caches: [nixcommunity]\n", false, false),
    ("description: \"say \\\"hi\\\"\"\n", false, false),

    ("check:\n  rules: { NS004: loud }\n", false, false),
    // `new` leaves the `check:` settings to `check`, which refuses an unknown rule and a depth of 0.
    ("check:\n  rules: { orphan-files: off }\n", false, true),
    ("check:\n  max-import-depth: 0\n", false, true),
];

#[test]
fn answers_files_are_judged_by_the_schema_as_by_new() {
    let schema = schema();
    let scratch = scratch();
    let config = scratch.path().join("answers.yaml");
    for (i, (text, schema_ok, new_ok)) in FILES.iter().enumerate() {
        let found = violations(&schema, &yaml(text));
        assert_eq!(
            found.is_empty(),
            *schema_ok,
            "schema on {text:?}: {found:#?}"
        );
        std::fs::write(&config, text).unwrap();
        let output = nixscaffold(scratch.path())
            .args([
                "new",
                &format!("r{i}"),
                "--yes",
                "--no-git",
                "--dry-run",
                "--config",
            ])
            .arg(&config)
            .output()
            .unwrap();
        let accepted = output.status.success();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(accepted, *new_ok, "new --config on {text:?}: {stderr}");
    }
}

#[test]
fn every_answers_file_among_the_fixtures_validates() {
    let schema = schema();
    let fixtures = crate::fixture::fixtures_dir();
    let mut seen = 0;
    for entry in walkdir::WalkDir::new(&fixtures) {
        let entry = entry.unwrap();
        if entry.file_name() != ".nixscaffold.yaml" {
            continue;
        }
        seen += 1;
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let found = violations(&schema, &yaml(&text));
        assert!(found.is_empty(), "{}:\n{found:#?}", entry.path().display());
    }
    assert!(seen > 0, "no answers file under {}", fixtures.display());
}
