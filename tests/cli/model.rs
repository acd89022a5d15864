//! The repository model behind `check`'s graph rules (orphan-file, duplicate-import, import-cycle,
//! deep-imports): one small repository per cause under tests/fixtures/model/, each asserting
//! exactly what those rules report, and which references check says it could not follow.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::nixscaffold;

const GRAPH_RULES: &[&str] = &[
    "orphan-file",
    "duplicate-import",
    "import-cycle",
    "deep-imports",
];

/// A graph rule's finding: rule, file, and the files it stands for.
type Found = (String, String, Vec<String>);
/// An unresolved reference: file, line, the directory it may load from.
type NotFollowed = (String, u64, String);

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/model")
        .join(name)
}

/// The graph rules' findings (rule, file, files it stands for) and the unresolved references
/// (file, line, directory) of fixture `name`.
fn model_of(name: &str) -> (Vec<Found>, Vec<NotFollowed>) {
    let output = nixscaffold(&fixture(name))
        .args(["check", "--format", "json", "."])
        .output()
        .expect("nixscaffold runs");
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON output");
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let findings = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| GRAPH_RULES.contains(&f["name"].as_str().unwrap_or_default()))
        .map(|f| {
            let files = f["files"]
                .as_array()
                .map(|a| a.iter().map(text).collect())
                .unwrap_or_default();
            (text(&f["name"]), text(&f["file"]), files)
        })
        .collect();
    let unresolved = json["unresolved"]
        .as_array()
        .expect("unresolved")
        .iter()
        .map(|u| {
            (
                text(&u["file"]),
                u["line"].as_u64().unwrap_or(0),
                text(&u["reaches"]),
            )
        })
        .collect();
    (findings, unresolved)
}

fn orphans(files: &[&str]) -> Vec<Found> {
    files
        .iter()
        .map(|f| ("orphan-file".to_string(), f.to_string(), Vec::new()))
        .collect()
}

fn assert_model(name: &str, orphan_files: &[&str], unresolved: &[(&str, u64, &str)]) {
    let (found, not_followed) = model_of(name);
    assert_eq!(found, orphans(orphan_files), "{name}: findings");
    let expected: Vec<NotFollowed> = unresolved
        .iter()
        .map(|(f, l, d)| (f.to_string(), *l, d.to_string()))
        .collect();
    assert_eq!(not_followed, expected, "{name}: unresolved");
}

#[test]
fn a_let_bound_path_is_followed_where_it_is_used() {
    // `parts = ./parts; … parts + "/a.nix"`: a.nix is reached, the rest of parts/ is not.
    assert_model("let-bound-path", &["modules/parts/stray.nix"], &[]);
}

#[test]
fn a_let_bound_string_with_self_is_followed() {
    assert_model("let-bound-string-self", &["system/core/stray.nix"], &[]);
}

#[test]
fn interpolation_in_the_middle_of_a_path_is_a_pattern() {
    // `./${name} + /home.nix` reaches homes/alice/home.nix (and what it imports), and
    // `./presets/${slug}/colors.nix` with `slug = "dark"` reaches only colors.nix.
    assert_model(
        "interpolation-in-the-middle",
        &["homes/alice/unused.nix", "homes/presets/dark/other.nix"],
        &[],
    );
}

#[test]
fn read_dir_of_a_bound_path_discovers_its_modules() {
    assert_model("readdir-of-a-bound-path", &["shells/b/helper.nix"], &[]);
}

#[test]
fn snowfall_loads_each_default_nix_under_its_root() {
    // `snowfall.root = ./nix;` moves the conventions; a file beside a system's default.nix that
    // it does not import is an orphan.
    assert_model("snowfall", &["nix/systems/x86_64-linux/box/stray.nix"], &[]);
}

#[test]
fn blueprint_loads_its_folder_structure() {
    assert_model("blueprint", &["hosts/box/stray.nix"], &[]);
}

#[test]
fn nixos_unified_autowires_configurations_and_modules() {
    assert_model("nixos-unified", &["modules/nixos/common/stray.nix"], &[]);
}

#[test]
fn ez_configs_loads_its_six_directories() {
    assert_model("ez-configs", &["nixos-configurations/box/stray.nix"], &[]);
}

#[test]
fn clan_core_loads_each_machines_files() {
    assert_model("clan-core", &["machines/box/modules/stray.nix"], &[]);
}

#[test]
fn a_partition_flake_is_its_own_root() {
    assert_model("partitions", &["dev/parts/treefmt.nix"], &[]);
}

#[test]
fn nested_flakes_and_templates_are_roots() {
    // templates/ is copied, not evaluated: all of it counts. dev/flake.nix is a root with the
    // files beside it; dev/parts/ is reached by nothing.
    assert_model("nested-flakes", &["dev/parts/stray.nix"], &[]);
}

#[test]
fn stand_alone_entry_points_are_roots() {
    // default.nix and shell.nix beside a flake, tests/*.nix and tests/*/default.nix, shell.nix
    // and secrets.nix anywhere.
    assert_model("entry-points", &["modules/stray.nix"], &[]);
}

#[test]
fn an_import_that_cannot_be_followed_is_said_once_and_hides_no_orphan() {
    // `./extra + name`: somewhere under extra/; nothing there is an orphan, and the report says why.
    assert_model("unresolved-import", &[], &[("module.nix", 3, "extra")]);
}

#[test]
fn a_bare_directory_reference_marks_the_files_below_it() {
    assert_model(
        "bare-directory",
        &["unused/x.nix"],
        &[("lib/paths.nix", 2, "modules")],
    );
}

#[test]
fn import_tree_leaves_underscore_paths_out() {
    let (found, unresolved) = model_of("import-tree");
    assert_eq!(
        found,
        vec![
            ("orphan-file".into(), "modules/_disabled.nix".into(), vec![]),
            (
                "orphan-file".into(),
                "modules/_lib".into(),
                vec!["modules/_lib/one.nix".into(), "modules/_lib/two.nix".into()]
            ),
        ]
    );
    assert!(unresolved.is_empty());
}

#[test]
fn orphans_filling_a_directory_are_one_finding() {
    let (found, _) = model_of("grouped-orphans");
    assert_eq!(
        found,
        vec![
            ("orphan-file".into(), "modules/lone.nix".into(), vec![]),
            (
                "orphan-file".into(),
                "old".into(),
                vec![
                    "old/deeper/three.nix".into(),
                    "old/one.nix".into(),
                    "old/two.nix".into()
                ]
            ),
        ]
    );
    let human = nixscaffold(&fixture("grouped-orphans"))
        .args(["check", "."])
        .output()
        .expect("nixscaffold runs");
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("no import reaches anything in old/: its 3 .nix files (deeper/three.nix, one.nix, two.nix)"),
        "{text}"
    );
}

#[test]
fn module_arguments_that_hold_the_root_are_followed() {
    // `_module.args.flakeRoot = ./.;` then `flakeRoot + /packages`; `flake = self` handed on, then
    // `"${flake}/presets"` read with readDir and listFilesRecursive, and
    // `"darwin-config=${flake}/compat/darwin"` embedded in a string.
    assert_model("module-arguments", &["stray.d/x.nix"], &[]);
}

#[test]
fn functions_loaders_of_their_own_tree_and_flake_compat_shims() {
    // `mkModule /modules/a` with `mkModule = path: if … then self + path else throw …`;
    // `imports = collect { path = ./.; }` takes the file's own tree; compat/default.nix calls
    // flake-compat, so nix-build runs it stand-alone.
    assert_model("functions-and-shims", &["modules/b/default.nix"], &[]);
}

#[test]
fn a_bound_path_interpolated_in_a_command_string_is_reached() {
    // `repl = ../lib/repl.nix;` then `'' nix repl --expr 'import ${repl} { }' ''`: the place
    // ends where the word does, so lib/repl.nix is reached; lib/stray.nix is not.
    assert_model("path-in-a-string", &["lib/stray.nix"], &[]);
}

#[test]
fn ez_configs_options_that_move_its_directories_are_read() {
    // A flake-parts module (not flake.nix) sets `ezConfigs.root = ../nix;` and
    // `nixos.configurationsDirectory = configRoot + "/nixos"` with `configRoot =
    // config.ezConfigs.root + "/configurations"`: each named directory's files and default.nix
    // files are roots; a file beside them, or below a configuration, is not.
    assert_model(
        "ez-configs-options",
        &[
            "nix/configurations/nixos/box/stray.nix",
            "nix/configurations/stray.nix",
        ],
        &[],
    );
}

#[test]
fn a_directory_given_to_an_unknown_frameworks_option_is_a_region() {
    // `imports = [ inputs.wiring.flakeModules.default ]; wiring.root = ./.;`: a module the model
    // does not know may load anything in the repository: no orphan, said once.
    assert_model("unknown-framework-root", &[], &[("flake.nix", 9, "")]);
    // `wiring.hostsDir = ./hosts;` reaches hosts/ only; a derivation's `src = ./.;` in a module
    // that imports the same flake module is copied content, not imports, and a formatter's
    // `treefmt.projectRoot = ./.;` loads nothing.
    assert_model(
        "unknown-framework-derivation",
        &["parts/stray.nix"],
        &[("flake.nix", 7, "hosts")],
    );
}

#[test]
fn a_loader_of_each_subdirectory_default_nix_reaches_only_those() {
    // `map (n: import (dir + "/${n}")) (attrNames (filterAttrs (_: t: t == "directory")
    // (readDir dir)))`: each m/<sub>/default.nix and what it imports are reached; a test file
    // nothing imports, and a file beside a default.nix, are not.
    assert_model(
        "readdir-subdirectory-defaults",
        &["m/a/tests/x-test.nix", "m/b/other.nix"],
        &[],
    );
}
