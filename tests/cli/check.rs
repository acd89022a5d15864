//! `nixscaffold check` and `explain`: one fixture repository per rule (exactly its finding, at the
//! right place, with human and JSON snapshots), clean `new` repositories, the JSON schema, the
//! configuration, the formats, and the promise never to write.

use std::path::{Path, PathBuf};

use serde_json::Value;

use nixscaffold::rules::registry;

use crate::fixture::{fixtures_dir, Fixture};
use crate::json_schema::assert_valid;
use crate::support::*;

fn fixtures() -> PathBuf {
    fixtures_dir().join("check")
}

/// Checks fixture `name` (materialised from tests/fixtures/check: check never writes, and the test
/// proves it), asserts exactly `expected`, validates the JSON against the schema, and snapshots both
/// outputs.
fn assert_fixture(name: &str, expected: &[(&str, &str, u64, u64)]) {
    let fixture = Fixture::load(&format!("check/{name}"));
    let root = fixture.parent();
    let before = tree_hash(&fixture.root());
    let json_run = check(root, &[name, "--format", "json"]);
    let json = json_of(&json_run);
    let expected: Vec<(String, String, u64, u64)> = expected
        .iter()
        .map(|(n, f, l, c)| (n.to_string(), f.to_string(), *l, *c))
        .collect();
    assert_eq!(findings(&json), expected, "{name}: {}", json_run.stdout);
    assert_eq!(json_run.code, if expected.is_empty() { 0 } else { 1 });
    assert_valid(&schema(), &json, "the JSON report");

    let human = check(root, &[name]);
    assert_eq!(human.code, json_run.code);
    assert!(human.stderr.is_empty(), "{}", human.stderr);
    assert!(
        !human.stdout.contains('\x1b'),
        "no color when NO_COLOR is set"
    );
    snapshot(&format!("check-{name}-human"), &human.stdout);
    snapshot(
        &format!("check-{name}-json"),
        &without_version(&json_run.stdout),
    );
    assert_eq!(
        tree_hash(&fixture.root()),
        before,
        "check wrote into {name}"
    );
}

/// The JSON with the tool's version blanked, so that a release does not churn every snapshot.
fn without_version(text: &str) -> String {
    let mut json: Value = serde_json::from_str(text).expect("JSON");
    json["tool"]["version"] = Value::String("[version]".into());
    serde_json::to_string_pretty(&json).expect("JSON") + "\n"
}

#[test]
fn the_base_fixture_is_clean() {
    assert_fixture("_base", &[]);
}

#[test]
fn parse_error() {
    assert_fixture(
        "parse-error",
        &[("parse-error", "modules/nixos/broken.nix", 5, 28)],
    );
}

#[test]
fn a_syntax_error_does_not_stop_the_rest() {
    assert_fixture(
        "parse-error-and-more",
        &[
            ("parse-error", "modules/nixos/broken.nix", 5, 28),
            ("getenv", "modules/nixos/user.nix", 2, 32),
        ],
    );
}

#[test]
fn missing_part() {
    assert_fixture(
        "missing-part",
        &[("missing-part", "modules/nixos/wallpapers/default.nix", 1, 1)],
    );
}

#[test]
fn hand_listed_imports() {
    assert_fixture(
        "hand-listed-imports",
        &[("hand-listed-imports", "modules/nixos/default.nix", 2, 3)],
    );
}

#[test]
fn orphan_file() {
    assert_fixture(
        "orphan-file",
        &[("orphan-file", "modules/printing.nix", 1, 1)],
    );
}

#[test]
fn duplicate_import() {
    assert_fixture(
        "duplicate-import",
        &[("duplicate-import", "modules/nixos/server.nix", 3, 15)],
    );
}

#[test]
fn imported_module_output() {
    assert_fixture(
        "imported-module-output",
        &[("imported-module-output", "modules/default.nix", 5, 21)],
    );
}

#[test]
fn readdir_in_loop() {
    assert_fixture(
        "readdir-in-loop",
        &[("readdir-in-loop", "modules/nixos/motd/default.nix", 7, 15)],
    );
}

#[test]
fn getenv() {
    assert_fixture("getenv", &[("getenv", "modules/nixos/user.nix", 2, 32)]);
}

#[test]
fn import_cycle() {
    assert_fixture("import-cycle", &[("import-cycle", "parts/a.nix", 2, 15)]);
}

#[test]
fn deep_imports() {
    assert_fixture("deep-imports", &[("deep-imports", "flake.nix", 19, 11)]);
}

#[test]
fn legacy_packages() {
    assert_fixture(
        "legacy-packages",
        // Not the template flake's dev shell (its own root), not the host's nixpkgs.config.
        &[("legacy-packages", "parts/pkgs.nix", 11, 42)],
    );
}

#[test]
fn nixpkgs_import() {
    assert_fixture(
        "nixpkgs-import",
        &[("nixpkgs-import", "parts/pkgs.nix", 6, 27)],
    );
}

#[test]
fn cache_keys() {
    // A typo'd key and its cache: one finding. Not the iog pair (names differ), the mirror, the
    // `++ lib.optional` list or a machine's key; the template flake's own missing key is found.
    assert_fixture(
        "cache-keys",
        &[
            ("cache-keys", "flake.nix", 7, 7),
            ("cache-keys", "modules/nixos/caches.nix", 7, 5),
            ("cache-keys", "templates/dev/flake.nix", 5, 36),
        ],
    );
}

#[test]
fn scanpaths_drift() {
    assert_fixture(
        "scanpaths-drift",
        &[("scanpaths-drift", "lib/default.nix", 3, 3)],
    );
}

#[test]
fn platform_overlay() {
    assert_fixture(
        // customDarwin, composed into `default`; not darwinFonts, applied only in darwinConfigurations.
        "platform-overlay",
        &[("platform-overlay", "overlays/default.nix", 5, 3)],
    );
}

#[test]
fn scattered_module_outputs() {
    assert_fixture(
        "scattered-module-outputs",
        &[("scattered-module-outputs", "flake.nix", 18, 15)],
    );
}

#[test]
fn stale_answers() {
    assert_fixture(
        "stale-answers",
        &[
            ("stale-answers", ".nixscaffold.yaml", 1, 1),
            ("stale-answers", ".nixscaffold.yaml", 1, 1),
            ("stale-answers", "home/carol/", 1, 1),
            ("stale-answers", "hosts/nixos/raspberry/", 1, 1),
        ],
    );
}

#[test]
fn fixture_syntax_errors_are_real_nix_syntax_errors() {
    let scratch = scratch();
    let broken = fixtures().join("parse-error/modules/nixos/broken.nix");
    let output = nix_instantiate(scratch.path())
        .arg("--parse")
        .arg(&broken)
        .output()
        .expect("nix-instantiate runs");
    assert!(!output.status.success(), "Nix parses the broken fixture");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(":5:28"),
        "Nix places the error elsewhere: {stderr}"
    );
}

#[test]
fn managed_drift_shows_a_diff() {
    let (scratch, repo) = new_repo(&[]);
    let pkgs = repo.join("flake/pkgs.nix");
    let text = std::fs::read_to_string(&pkgs).unwrap();
    std::fs::write(
        &pkgs,
        text.replace(
            "overlays = [ inputs.self.overlays.default ];",
            "overlays = [ ];",
        ),
    )
    .unwrap();
    let run = check(scratch.path(), &["repo", "--format", "json"]);
    let json = json_of(&run);
    assert_eq!(
        findings(&json),
        vec![(
            "managed-drift".to_string(),
            "flake/pkgs.nix".to_string(),
            12,
            1
        )]
    );
    assert_eq!(run.code, 1);
    assert_valid(&schema(), &json, "the JSON report");
    let diff = json["findings"][0]["diff"].as_str().expect("a diff");
    assert!(
        diff.contains("-        overlays = [ inputs.self.overlays.default ];"),
        "{diff}"
    );
    assert!(diff.contains("+        overlays = [ ];"), "{diff}");
    let human = check(scratch.path(), &["repo"]);
    snapshot("check-managed-drift-human", &human.stdout);
}

#[test]
fn new_then_check_is_clean() {
    for args in NEW_CONFIGURATIONS {
        let (scratch, repo) = new_repo(args);
        let before = tree_hash(&repo);
        let run = check(scratch.path(), &["repo"]);
        assert_eq!(run.code, 0, "new {args:?} then check:\n{}", run.stdout);
        assert!(run.stdout.contains("no findings"), "{}", run.stdout);
        assert!(
            run.stdout.contains("shape from .nixscaffold.yaml"),
            "{}",
            run.stdout
        );
        assert_eq!(tree_hash(&repo), before, "check wrote into the repository");
    }
}

#[test]
fn without_answers_the_shape_is_inferred_and_said() {
    let (scratch, repo) = new_repo(&["--platform", "nixos", "--platform", "home"]);
    std::fs::remove_file(repo.join(".nixscaffold.yaml")).unwrap();
    let run = check(scratch.path(), &["repo"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("no .nixscaffold.yaml; inferred platform nixos (from modules/nixos/, hosts/nixos/); platform home (from modules/home/, home/)"),
        "{}",
        run.stdout
    );
    let json = json_of(&check(scratch.path(), &["repo", "--format", "json"]));
    assert_eq!(json["shape"]["source"], "inferred");
    assert_eq!(
        json["shape"]["platforms"],
        serde_json::json!(["nixos", "home"])
    );
}

#[test]
fn rules_can_be_turned_off_rated_and_paths_ignored() {
    let (scratch, repo) = new_repo(&["--platform", "nixos"]);
    std::fs::create_dir_all(repo.join("vendor")).unwrap();
    std::fs::write(
        repo.join("vendor/old.nix"),
        "{ x = builtins.getEnv \"HOME\"; }\n",
    )
    .unwrap();
    std::fs::write(
        repo.join("modules/nixos/env.nix"),
        "{ x = builtins.getEnv \"HOME\"; }\n",
    )
    .unwrap();
    let json = json_of(&check(scratch.path(), &["repo", "--format", "json"]));
    let names: Vec<_> = findings(&json).into_iter().map(|f| (f.0, f.1)).collect();
    assert_eq!(
        names,
        vec![
            ("getenv".to_string(), "modules/nixos/env.nix".to_string()),
            ("orphan-file".to_string(), "vendor/old.nix".to_string()),
            ("getenv".to_string(), "vendor/old.nix".to_string()),
        ]
    );

    let answers = repo.join(".nixscaffold.yaml");
    let mut text = std::fs::read_to_string(&answers).unwrap();
    text.push_str("check:\n  rules:\n    NS008: error\n    orphan-file: off\n  ignore:\n    - \"vendor/**\"\n");
    std::fs::write(&answers, text).unwrap();
    let run = check(scratch.path(), &["repo", "--format", "json"]);
    let json = json_of(&run);
    assert_eq!(
        findings(&json),
        vec![(
            "getenv".to_string(),
            "modules/nixos/env.nix".to_string(),
            1,
            7
        )]
    );
    assert_eq!(json["findings"][0]["severity"], "error");
    assert_eq!(run.code, 1);
}

#[test]
fn a_bad_check_section_is_a_usage_error_naming_the_file() {
    let (scratch, repo) = new_repo(&["--platform", "home"]);
    let answers = repo.join(".nixscaffold.yaml");
    let mut text = std::fs::read_to_string(&answers).unwrap();
    text.push_str("check:\n  rules:\n    no-such-rule: off\n");
    std::fs::write(&answers, text).unwrap();
    let run = check(scratch.path(), &["repo"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains(".nixscaffold.yaml"), "{}", run.stderr);
    assert!(
        run.stderr.contains("no rule `no-such-rule`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nixscaffold explain"), "{}", run.stderr);
}

#[test]
fn io_and_usage_errors_exit_2() {
    let scratch = scratch();
    let run = check(scratch.path(), &["does-not-exist"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("does-not-exist"), "{}", run.stderr);
    std::fs::write(scratch.path().join("file.nix"), "{ }").unwrap();
    assert_eq!(check(scratch.path(), &["file.nix"]).code, 2);
    assert_eq!(check(scratch.path(), &[".", "--format", "xml"]).code, 2);
}

#[test]
fn symbolic_links_are_not_followed_and_are_reported() {
    let fixture = Fixture::load("check/_base");
    let outside = fixture.parent().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(
        outside.join("secret.nix"),
        "{ x = builtins.getEnv \"HOME\"; }",
    )
    .unwrap();
    let repo = fixture.root();
    std::os::unix::fs::symlink(&outside, repo.join("modules/nixos/linked")).unwrap();
    let json = json_of(&check(fixture.parent(), &["_base", "--format", "json"]));
    assert_eq!(findings(&json), vec![]);
    assert_eq!(
        json["skipped"],
        serde_json::json!([{ "path": "modules/nixos/linked", "reason": "symbolic link, not followed" }])
    );
    // A person reads a count grouped by reason; --verbose lists each path.
    std::os::unix::fs::symlink(&outside, repo.join("modules/nixos/again")).unwrap();
    std::os::unix::fs::symlink(&outside, repo.join("modules/nixos/gone.nix")).unwrap();
    std::fs::remove_dir_all(&outside).unwrap();
    let human = check(fixture.parent(), &["_base"]);
    assert_eq!(human.code, 0, "{}", human.stdout);
    assert!(
        human.stdout.contains(
            "\nSkipped 3 paths (`--verbose` lists them): symbolic link, not followed (3)\n"
        ),
        "{}",
        human.stdout
    );
    assert!(
        !human.stdout.contains("modules/nixos/linked"),
        "{}",
        human.stdout
    );
    let verbose = check(fixture.parent(), &["_base", "--verbose"]);
    assert!(
        verbose.stdout.contains(
            "\nSkipped:\n  modules/nixos/again: symbolic link, not followed\n  modules/nixos/gone.nix: symbolic link, not followed\n  modules/nixos/linked: symbolic link, not followed\n"
        ),
        "{}",
        verbose.stdout
    );
}

#[test]
fn github_annotations() {
    let fixture = Fixture::load("check/parse-error-and-more");
    let run = check(
        fixture.parent(),
        &["parse-error-and-more", "--format", "github"],
    );
    assert_eq!(run.code, 1);
    snapshot("check-github", &run.stdout);
    let first = run.stdout.lines().next().unwrap();
    assert!(
        first.starts_with("::error file=parse-error-and-more/modules/nixos/broken.nix,line=5,col=28,title=NS000 parse-error::"),
        "{first}"
    );
}

#[test]
fn a_repository_that_did_not_adopt_the_shape_gets_its_distance_not_findings() {
    // A plain flake: no lib/ helper, no modules/default.nix registry, a hand-listed import list.
    let fixture = Fixture::load("check/distance");
    let run = check(fixture.parent(), &["distance", "--format", "json"]);
    let json = json_of(&run);
    assert_eq!(run.code, 0, "shape findings fail nothing: {}", run.stdout);
    assert_eq!(findings(&json), vec![]);
    assert_valid(&schema(), &json, "the JSON report");
    let distance = &json["distance"];
    assert_eq!(
        distance["summary"],
        "missing lib/default.nix, modules/default.nix; 1 hand-listed import list in modules/nixos/default.nix"
    );
    let rules: Vec<&str> = distance["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["missing-part", "hand-listed-imports"]);
    let human = check(fixture.parent(), &["distance"]);
    assert_eq!(human.code, 0);
    snapshot("check-distance-human", &human.stdout);
    let github = check(fixture.parent(), &["distance", "--format", "github"]);
    assert_eq!(github.code, 0);
    assert!(
        github
            .stdout
            .starts_with("::notice title=distance to the shape::missing lib/default.nix"),
        "{}",
        github.stdout
    );

    // An explicit severity wins: the rule reports findings in a repository that did not adopt.
    let repo = fixture.root();
    std::fs::write(
        repo.join(".nixscaffold.yaml"),
        "check:\n  rules:\n    hand-listed-imports: error\n",
    )
    .unwrap();
    let run = check(fixture.parent(), &["distance", "--format", "json"]);
    let json = json_of(&run);
    assert_eq!(run.code, 1);
    assert_eq!(
        findings(&json),
        vec![(
            "hand-listed-imports".to_string(),
            "modules/nixos/default.nix".to_string(),
            2,
            3
        )]
    );
    assert_eq!(json["findings"][0]["severity"], "error");
    assert_eq!(json["findings"][0]["kind"], "shape");
    assert_eq!(
        json["distance"]["summary"],
        "missing lib/default.nix, modules/default.nix"
    );
    // Once the answers are recorded, the repository adopted the shape: no distance, findings.
    std::fs::write(repo.join(".nixscaffold.yaml"), "platforms: [nixos]\n").unwrap();
    let json = json_of(&check(fixture.parent(), &["distance", "--format", "json"]));
    assert_eq!(json["distance"], Value::Null);
    let names: Vec<String> = findings(&json).into_iter().map(|f| f.0).collect();
    assert!(names.contains(&"missing-part".to_string()), "{names:?}");
    assert!(
        names.contains(&"hand-listed-imports".to_string()),
        "{names:?}"
    );
}

/// `nixscaffold explain ARGS`, which must succeed.
fn explain(args: &[&str]) -> String {
    let output = nixscaffold(&fixtures())
        .arg("explain")
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "explain {args:?}: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

/// The words of `text`, one space apart: what wrapping at any width leaves unchanged.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn explain_lists_and_explains_every_rule() {
    let list = explain(&[]);
    snapshot("explain-list", &list);
    let listed: Vec<&str> = list
        .lines()
        .filter(|l| l.trim_start().starts_with("NS"))
        .collect();
    assert_eq!(listed.len(), registry().len(), "{list}");
    for (line, rule) in listed.iter().zip(registry()) {
        let info = rule.info();
        let columns: Vec<&str> = line.split_whitespace().take(4).collect();
        assert_eq!(
            columns,
            [
                info.id,
                info.name,
                info.severity.as_str(),
                info.kind.as_str()
            ],
            "{line}"
        );
        let text = explain(&[info.id]);
        assert_eq!(explain(&[info.name]), text, "by name and by id differ");
        let heading = format!("{} {}: {}\n", info.id, info.name, info.summary);
        assert!(text.starts_with(&heading), "{text}");
        let severity = format!("Default severity: {}\n", info.severity.as_str());
        assert!(text.contains(&severity), "{text}");
        let (explanation, fix) = text.split_once("\nFix:\n").expect("a Fix section");
        assert!(
            words(explanation).ends_with(&words(info.explanation)),
            "{text}"
        );
        assert_eq!(words(fix), words(info.fix), "{text}");
    }
    snapshot("explain-orphan-file", &explain(&["orphan-file"]));
    let unknown = nixscaffold(&fixtures())
        .args(["explain", "NS999"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
}

/// The cells of the README's rule table row for `id` (`| NS008 | `getenv` | warning | … |`).
fn readme_row<'a>(readme: &'a str, id: &str) -> Vec<&'a str> {
    let rows: Vec<Vec<&str>> = readme
        .lines()
        .filter_map(|line| line.trim().strip_prefix('|')?.strip_suffix('|'))
        .map(|row| row.split('|').map(str::trim).collect::<Vec<_>>())
        .filter(|cells| cells.first() == Some(&id))
        .collect();
    assert_eq!(
        rows.len(),
        1,
        "README.md has {} table rows for {id}",
        rows.len()
    );
    rows.into_iter().next().unwrap()
}

#[test]
fn every_rule_has_a_fixture_and_a_readme_table_row() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for rule in registry() {
        let info = rule.info();
        let row = readme_row(&readme, info.id);
        let name = format!("`{}`", info.name);
        assert!(
            row.contains(&name.as_str()) && row.contains(&info.severity.as_str()),
            "README.md's row for {} does not name {name} and {}: {row:?}",
            info.id,
            info.severity.as_str()
        );
        if info.name != "managed-drift" {
            assert!(
                fixtures().join(info.name).is_dir(),
                "no fixture for {}",
                info.name
            );
        }
    }
}

fn schema() -> Value {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/check-schema.json"),
    )
    .expect("docs/check-schema.json");
    serde_json::from_str(&text).expect("the schema is JSON")
}
