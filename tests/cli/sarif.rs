//! `check --format sarif`: a SARIF 2.1.0 log that validates, with the registry's rules and one
//! result per finding, at the same places as the JSON report.

use std::path::Path;

use serde_json::Value;

use crate::fixture::Fixture;
use crate::json_schema::{assert_valid, violations};
use crate::support::{check, findings, json_of};

fn required_schema() -> Value {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-2.1.0-required.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Validates against our schema of what SARIF requires, and, when NIXSCAFFOLD_SARIF_SCHEMA names
/// the standard's own schema file (sarif-schema-2.1.0.json), against that too.
fn assert_sarif(log: &Value) {
    assert_valid(&required_schema(), log, "the SARIF log");
    if let Some(path) = std::env::var_os("NIXSCAFFOLD_SARIF_SCHEMA") {
        let official: Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert_valid(
            &official,
            log,
            "the SARIF log (against the standard's schema)",
        );
    }
}

fn sarif_of(cwd: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--format", "sarif"];
    all.extend_from_slice(args);
    let run = check(cwd, &all);
    assert_eq!(run.code, 1, "findings exit 1: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", run.stdout))
}

#[test]
fn sarif_lists_every_rule_and_a_result_at_each_finding() {
    let fixture = Fixture::load("check/parse-error-and-more");
    // A name that must be percent-encoded in a URI.
    std::fs::write(fixture.root().join("lib/my stray#1.nix"), "{ }\n").unwrap();
    let log = sarif_of(fixture.parent(), &["parse-error-and-more"]);
    assert_sarif(&log);
    assert_eq!(log["version"], "2.1.0");

    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let registry: Vec<&str> = nixscaffold::rules::registry()
        .iter()
        .map(|r| r.info().id)
        .collect();
    assert_eq!(ids, registry);
    for rule in rules {
        for field in ["shortDescription", "fullDescription", "help"] {
            assert!(!rule[field]["text"].as_str().unwrap().is_empty(), "{rule}");
        }
    }

    let json = json_of(&check(
        fixture.parent(),
        &["parse-error-and-more", "--format", "json"],
    ));
    let expected: Vec<(String, String, u64, u64)> = findings(&json);
    let results = run["results"].as_array().unwrap();
    let got: Vec<(String, String, u64, u64)> = results
        .iter()
        .map(|r| {
            let index = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(
                rules[index]["id"], r["ruleId"],
                "ruleIndex points at ruleId"
            );
            let place = &r["locations"][0]["physicalLocation"];
            let uri = place["artifactLocation"]["uri"].as_str().unwrap();
            (
                rules[index]["name"].as_str().unwrap().to_string(),
                uri.replace("%20", " ").replace("%23", "#"),
                place["region"]["startLine"].as_u64().unwrap(),
                place["region"]["startColumn"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, expected);
    assert!(
        results.iter().any(
            |r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                == "lib/my%20stray%231.nix"
        ),
        "{results:#?}"
    );
    let levels: Vec<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert!(levels.contains(&"error"), "{levels:?}");
}

#[test]
fn a_clean_repository_is_an_empty_sarif_run_and_exit_0() {
    let fixture = Fixture::load("check/_base");
    let run = check(&fixture.root(), &["--format", "sarif"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_sarif(&log);
    assert_eq!(log["runs"][0]["results"], Value::Array(Vec::new()));
}

#[test]
fn the_required_schema_rejects_what_sarif_forbids() {
    let fixture = Fixture::load("check/orphan-file");
    let log = sarif_of(&fixture.root(), &[]);
    let schema = required_schema();
    let mut wrong = log.clone();
    wrong["runs"][0]["results"][0]["level"] = "fatal".into();
    wrong["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    wrong["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        "/abs/path.nix".into();
    wrong["runs"][0]["tool"]["driver"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    assert_eq!(
        violations(&schema, &wrong).len(),
        4,
        "{:#?}",
        violations(&schema, &wrong)
    );
}
