//! `nixscaffold eval` with real Nix on the fixture flake tests/fixtures/eval/basic: three
//! configurations built from module trees by a tiny local lib, no inputs, no network. Nix runs with
//! its store and state under the test's scratch directory, so the tests need no daemon and no root.
//! A missing `nix` fails these tests loudly.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::fixture::Fixture;
use crate::support::{assert_conforms, finish, nix_tool, nixscaffold, Run, TIMEOUT};

/// The fixture in a scratch directory, with a place for Nix's store and state beside it.
struct Flake {
    fixture: Fixture,
}

impl Flake {
    fn load() -> Flake {
        nix_tool("nix");
        Flake {
            fixture: Fixture::load("eval/basic"),
        }
    }

    fn root(&self) -> PathBuf {
        self.fixture.root()
    }

    /// `nixscaffold eval ARGS`, run inside the flake, Nix's store under the scratch directory.
    fn eval(&self, args: &[&str]) -> Run {
        let state = self.fixture.parent().join(".nix");
        let output = nixscaffold(&self.root())
            .arg("eval")
            .args(args)
            .env(
                "NIX_CONFIG",
                format!("store = {}", state.join("store").display()),
            )
            .env("NIX_STATE_DIR", state.join("var"))
            .env("NIX_LOG_DIR", state.join("log"))
            .env("NIX_CONF_DIR", state.join("conf"))
            .env("HOME", &state)
            .env("XDG_CACHE_HOME", state.join("cache"))
            .timeout(TIMEOUT)
            .output();
        finish(output, "eval")
    }

    fn eval_json(&self, args: &[&str]) -> (Value, i32) {
        let run = self.eval(&[&["--format", "json"], args].concat());
        let json = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", run.stdout, run.stderr));
        (json, run.code)
    }

    fn write(&self, relative: &str, text: &str) {
        std::fs::write(self.root().join(relative), text).unwrap();
    }

    /// Adds `n` modules to the big configuration's tree (modules/extra, which it scans).
    fn add_modules(&self, n: usize) -> Vec<String> {
        (1..=n)
            .map(|i| {
                let relative = format!("modules/extra/generated-{i:03}.nix");
                self.write(
                    &relative,
                    &format!("{{ ... }}:\n{{\n  settings.generated{i} = builtins.genList (x: x * {i}) 10;\n}}\n"),
                );
                relative
            })
            .collect()
    }
}

/// The configuration with this id in a JSON report.
fn configuration<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["configurations"]
        .as_array()
        .expect("configurations")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {json:#}"))
}

fn ids(json: &Value) -> Vec<&str> {
    json["configurations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect()
}

fn file_names(configuration: &Value) -> Vec<&str> {
    configuration["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect()
}

fn exceeded(configuration: &Value) -> Vec<&str> {
    configuration["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["exceeded"] == true)
        .map(|c| c["figure"].as_str().unwrap())
        .collect()
}

fn nix_version() -> String {
    let output = std::process::Command::new(nix_tool("nix"))
        .arg("--version")
        .output()
        .unwrap();
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .trim()
        .to_string()
}

#[test]
fn figures_are_collected_for_every_configuration_and_own_files_are_named() {
    let flake = Flake::load();
    let (json, code) = flake.eval_json(&[]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["evaluator"], nix_version());
    assert_eq!(json["baseline"]["state"], "none");
    assert_eq!(
        ids(&json),
        [
            "nixosConfigurations.big",
            "nixosConfigurations.small",
            "homeConfigurations.alice"
        ]
    );
    let small = configuration(&json, "nixosConfigurations.small");
    assert_eq!(
        small["attr"],
        "nixosConfigurations.small.config.system.build.toplevel.drvPath"
    );
    assert_eq!(small["status"], "measured");
    for figure in [
        "function-calls",
        "thunks",
        "values",
        "sets",
        "envs",
        "bytes",
        "gc-heap",
    ] {
        assert!(
            small["figures"][figure].as_u64().unwrap() > 0,
            "{figure}: {small:#}"
        );
    }
    assert!(small["figures"]["cpu"].as_f64().unwrap() > 0.0);
    let big = configuration(&json, "nixosConfigurations.big");
    assert!(
        big["figures"]["function-calls"].as_u64() > small["figures"]["function-calls"].as_u64(),
        "big has more modules"
    );
    // The repository's own files, by their path in it; never Nix's internals or a store path.
    let files = file_names(small);
    for own in [
        "lib/default.nix",
        "modules/base/networking.nix",
        "flake.nix",
    ] {
        assert!(files.contains(&own), "{own} in {files:?}");
    }
    assert!(
        !files.contains(&"modules/extra/editors.nix"),
        "not small's: {files:?}"
    );
    assert!(file_names(big).contains(&"modules/extra/editors.nix"));
    let alice = configuration(&json, "homeConfigurations.alice");
    assert!(file_names(alice).contains(&"modules/home/shell.nix"));
    for c in json["configurations"].as_array().unwrap() {
        for file in file_names(c) {
            assert!(
                !file.starts_with('/') && !file.contains("builtin"),
                "{file}"
            );
        }
    }

    let human = flake.eval(&[]);
    assert_eq!(human.code, 0, "{}", human.stderr);
    assert!(human.stdout.contains("configuration"), "{}", human.stdout);
    assert!(human.stdout.contains("function-calls"), "{}", human.stdout);
    assert!(
        human
            .stdout
            .contains("nixosConfigurations.small: own files that cost the most"),
        "{}",
        human.stdout
    );
}

#[test]
fn a_baseline_round_trips_and_an_unchanged_flake_is_within_budget() {
    let flake = Flake::load();
    let saved = flake.eval(&["--save-baseline"]);
    assert_eq!(saved.code, 0, "{}", saved.stderr);
    assert!(saved
        .stdout
        .contains("saved the figures to .nixscaffold-eval.json"));
    let baseline: Value = serde_json::from_str(
        &std::fs::read_to_string(flake.root().join(".nixscaffold-eval.json")).unwrap(),
    )
    .unwrap();
    let ours = &baseline["evaluators"][nix_version()]["configurations"];
    let small = &ours["nixosConfigurations.small"];
    assert!(
        small["figures"]["thunks"].as_u64().unwrap() > 0,
        "{baseline:#}"
    );
    assert!(
        small["files"]["lib/default.nix"]["function-calls"]
            .as_u64()
            .unwrap()
            > 0
    );

    let (json, code) = flake.eval_json(&[]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["baseline"]["state"], "compared");
    for c in json["configurations"].as_array().unwrap() {
        assert_eq!(c["status"], "within-budget", "{c:#}");
        for change in c["changes"].as_array().unwrap() {
            if change["figure"] != "cpu" {
                assert_eq!(
                    change["before"], change["now"],
                    "counts are exact: {change:#}"
                );
            }
        }
        assert_eq!(c["file-changes"], Value::Array(vec![]));
    }
    let saved_small = configuration(&json, "nixosConfigurations.small");
    assert_eq!(saved_small["figures"]["thunks"], small["figures"]["thunks"]);
}

#[test]
fn two_hundred_new_modules_exceed_the_budget_and_removing_them_passes_again() {
    let flake = Flake::load();
    assert_eq!(flake.eval(&["--save-baseline"]).code, 0);
    let added = flake.add_modules(200);

    let run = flake.eval(&[]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("nixosConfigurations.big: OVER BUDGET"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("modules/extra/generated-001.nix: +11 calls (new)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("1 configuration over budget"),
        "{}",
        run.stdout
    );

    let (json, code) = flake.eval_json(&[]);
    assert_eq!(code, 1);
    let big = configuration(&json, "nixosConfigurations.big");
    assert_eq!(big["status"], "over-budget");
    assert!(exceeded(big).contains(&"function-calls"), "{big:#}");
    assert!(exceeded(big).contains(&"thunks"), "{big:#}");
    assert!(
        !exceeded(big).contains(&"cpu"),
        "time is not gated by default"
    );
    let grown: Vec<&str> = big["file-changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["before"] == 0)
        .map(|g| g["file"].as_str().unwrap())
        .collect();
    let mut expected: Vec<&str> = added.iter().map(String::as_str).collect();
    expected.sort();
    let mut grown_sorted = grown.clone();
    grown_sorted.sort();
    assert_eq!(
        grown_sorted, expected,
        "every new file, and only those, is new"
    );
    for other in ["nixosConfigurations.small", "homeConfigurations.alice"] {
        let c = configuration(&json, other);
        assert_eq!(c["status"], "within-budget", "{c:#}");
        assert_eq!(c["file-changes"], Value::Array(vec![]), "{c:#}");
    }

    let github = flake.eval(&["--format", "github"]);
    assert_eq!(github.code, 1);
    let errors: Vec<&str> = github
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", github.stdout);
    assert!(
        errors[0].contains("nixosConfigurations.big over budget"),
        "{}",
        errors[0]
    );
    assert!(
        github
            .stdout
            .contains("::warning file=modules/extra/generated-001.nix,"),
        "{}",
        github.stdout
    );

    for file in &added {
        std::fs::remove_file(flake.root().join(file)).unwrap();
    }
    let run = flake.eval(&[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("every configuration is within its budgets"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_configuration_that_fails_is_reported_with_nix_error_and_the_others_are_measured() {
    let flake = Flake::load();
    assert_eq!(flake.eval(&["--save-baseline"]).code, 0);
    flake.write(
        "modules/extra/broken.nix",
        "{ ... }:\n{\n  settings.broken = throw \"the broken module fails on purpose\";\n}\n",
    );
    let before = std::fs::read(flake.root().join(".nixscaffold-eval.json")).unwrap();

    let run = flake.eval(&["--save-baseline"]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("nixosConfigurations.big: Nix could not evaluate it:"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("the broken module fails on purpose"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("was not saved"), "{}", run.stderr);
    let after = std::fs::read(flake.root().join(".nixscaffold-eval.json")).unwrap();
    assert_eq!(
        before, after,
        "a failed run does not overwrite the baseline"
    );

    let (json, code) = flake.eval_json(&[]);
    assert_eq!(code, 2);
    let big = configuration(&json, "nixosConfigurations.big");
    assert_eq!(big["status"], "failed");
    assert!(big["error"]
        .as_str()
        .unwrap()
        .contains("the broken module fails on purpose"));
    for other in ["nixosConfigurations.small", "homeConfigurations.alice"] {
        let c = configuration(&json, other);
        assert_eq!(c["status"], "within-budget", "{c:#}");
        assert!(c["figures"]["thunks"].as_u64().unwrap() > 0);
    }
}

#[test]
fn budgets_in_the_answers_file_replace_the_defaults_per_configuration() {
    let flake = Flake::load();
    assert_eq!(flake.eval(&["--save-baseline"]).code, 0);
    flake.add_modules(1);
    let run = flake.eval(&[]);
    assert_eq!(
        run.code, 1,
        "one module is more than 5% of this small flake"
    );

    let generous = "eval:\n  budgets:\n    bytes: off\n  configurations:\n    \
        nixosConfigurations.big:\n      function-calls: \"+50%\"\n      primop-calls: off\n      \
        thunks: off\n      values: off\n      sets: off\n      envs: off\n      list-elements: off\n      \
        lookups: off\n";
    flake.write(".nixscaffold.yaml", generous);
    let run = flake.eval(&[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("(budget +50%)"), "{}", run.stdout);

    flake.write(
        ".nixscaffold.yaml",
        &generous.replace("function-calls: \"+50%\"", "function-calls: +1"),
    );
    let (json, code) = flake.eval_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(
        exceeded(configuration(&json, "nixosConfigurations.big")),
        ["function-calls"]
    );
}

#[test]
fn budget_mistakes_are_reported_at_their_line_and_column() {
    let flake = Flake::load();
    flake.write(
        ".nixscaffold.yaml",
        "eval:\n  budgets:\n    thunk: \"+5%\"\n",
    );
    let run = flake.eval(&[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains(".nixscaffold.yaml"), "{}", run.stderr);
    assert!(
        run.stderr.contains("there is no figure `thunk`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("line 3"), "{}", run.stderr);
    assert!(run.stderr.contains("column 5"), "{}", run.stderr);
    assert!(run.stdout.is_empty());

    flake.write(".nixscaffold.yaml", "eval:\n  budgets:\n    cpu: fast\n");
    let run = flake.eval(&[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("budget `fast`"), "{}", run.stderr);
    assert!(run.stderr.contains("line 3"), "{}", run.stderr);
}

#[test]
fn attr_measures_only_what_it_names_and_arguments_after_dashes_reach_nix() {
    let flake = Flake::load();
    let (json, code) = flake.eval_json(&["--attr", "nixosConfigurations.small", "--repeat", "3"]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(ids(&json), ["nixosConfigurations.small"]);

    let run = flake.eval(&[
        "--attr",
        "nixosConfigurations.small",
        "--",
        "--no-such-nix-flag",
    ]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(
        format!("{}{}", run.stdout, run.stderr).contains("no-such-nix-flag"),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
}

#[test]
fn a_missing_nix_is_one_clear_message() {
    let flake = Flake::load();
    let empty = flake.fixture.parent().join("empty-path");
    std::fs::create_dir(&empty).unwrap();
    let output = nixscaffold(&flake.root())
        .arg("eval")
        .env("PATH", &empty)
        .timeout(TIMEOUT)
        .output();
    let run = finish(output, "eval");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`nix` is not installed"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
}

#[test]
fn a_directory_without_a_flake_is_a_usage_error() {
    let scratch = crate::support::scratch();
    let run = finish(
        nixscaffold(scratch.path())
            .arg("eval")
            .timeout(TIMEOUT)
            .output(),
        "eval",
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no flake.nix"), "{}", run.stderr);
    let run = finish(
        nixscaffold(Path::new("/"))
            .arg("eval")
            .arg(scratch.path())
            .timeout(TIMEOUT)
            .output(),
        "eval",
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("there is no flake.nix there"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_json_report_follows_its_documented_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/eval-schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let flake = Flake::load();
    let (first, _) = flake.eval_json(&["--save-baseline"]);
    assert_conforms(&first, &schema, &schema, "");
    flake.add_modules(3);
    flake.write(
        "modules/home/broken.nix",
        "{ ... }:\n{\n  settings.broken = throw \"no\";\n}\n",
    );
    let (compared, code) = flake.eval_json(&[]);
    assert_eq!(code, 2);
    let statuses: Vec<&str> = compared["configurations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["over-budget", "within-budget", "failed"]);
    assert_conforms(&compared, &schema, &schema, "");
}

#[test]
fn arguments_after_dashes_reach_nix_and_an_overridden_input_is_measured() {
    nix_tool("nix");
    let flake = Flake {
        fixture: Fixture::load("eval/with-input"),
    };
    let run = flake.eval(&["--save-baseline"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        flake.root().join("flake.lock").is_file(),
        "nix locked the input"
    );

    let heavy = flake.root().join("settings-heavy");
    let override_arg = format!("path:{}", heavy.display());
    let (json, code) = flake.eval_json(&["--", "--override-input", "settings", &override_arg]);
    assert_eq!(code, 1, "{json:#}");
    let host = configuration(&json, "nixosConfigurations.host");
    assert!(exceeded(host).contains(&"function-calls"), "{host:#}");
    // The input is copied to a store path of its own: its files are not the repository's.
    assert_eq!(file_names(host), ["flake.nix"]);
}

#[test]
fn a_flake_without_configurations_asks_for_attr() {
    let flake = Flake::load();
    flake.write("flake.nix", "{\n  outputs = { self }: { };\n}\n");
    let run = flake.eval(&[]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("has no nixosConfigurations, darwinConfigurations or homeConfigurations"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--attr"), "{}", run.stderr);
}
