//! `nixscaffold check` against hostile repositories: nothing lost, nothing panics, nothing written.
//!
//! Each test plants one hostile thing in a clean repository and asserts the exit code, what the
//! human and JSON reports say about it, that `check` ends (every run has a timeout), and that the
//! tree is byte-for-byte what it was. The exit codes decided here:
//!
//! | hostile thing | exit | why |
//! |---|---|---|
//! | symbolic link (out of the tree, or a loop) | 0 | not followed, listed as skipped; a skip is not a finding |
//! | unreadable file or directory | 0 | listed as skipped with the OS's reason |
//! | `.nix` file that is not UTF-8, larger than 8 MiB, or nested/chained past the parser's limits | 0 | listed as skipped with the reason |
//! | a FIFO | 0 | listed as skipped, never opened (reading it would block) |
//! | `.nixscaffold.yaml` that is a link | 0 or 1 | not followed, listed as skipped; the shape is inferred |
//! | file name that is not UTF-8 | 1 | checked like any file; its bytes are written `\xNN` |
//! | empty `.nix` file, `flake.nix` that does not parse | 1 | NS000 (Nix rejects an empty file too) |
//! | bad `.nixscaffold.yaml` or `check:` section | 2 | usage error naming file, line and column |
//! | DIR missing, a file, or unreadable as a whole | 2 | usage or I/O error |

use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::cargo::cargo_bin;
use proptest::prelude::*;
use serde_json::Value;

use crate::support::*;

/// The human and the JSON report of `repo`; both must agree on the exit code, the JSON must parse.
fn check_both(repo: &Path) -> (Run, Value) {
    let human = check(repo, &[".", "--verbose"]);
    let json_run = check(repo, &[".", "--format", "json"]);
    assert_eq!(
        human.code, json_run.code,
        "{}\n{}",
        human.stdout, json_run.stdout
    );
    assert!(
        human.code == 0 || human.code == 1,
        "exit {}: {}",
        human.code,
        human.stderr
    );
    assert!(human.stderr.is_empty(), "{}", human.stderr);
    let json = json_of(&json_run);
    assert_eq!(
        json["summary"]["findings"].as_u64() == Some(0),
        human.code == 0,
        "exit 0 exactly when there is no finding"
    );
    (human, json)
}

/// Asserts that the human report lists `path` as skipped with `reason` under "Skipped:".
fn assert_human_skips(human: &Run, path: &str, reason: &str) {
    let section = human
        .stdout
        .split_once("\nSkipped:\n")
        .unwrap_or_else(|| panic!("no Skipped section:\n{}", human.stdout))
        .1;
    let line = format!("  {path}: {reason}");
    assert!(
        section.lines().any(|l| l == line),
        "{line:?} not in:\n{}",
        human.stdout
    );
}

/// A clean repository from `new` (every platform), and the hash of its tree.
fn clean_repo() -> (tempfile::TempDir, PathBuf) {
    let (scratch, repo) = new_repo(&[]);
    let (_, json) = check_both(&repo);
    assert_eq!(findings(&json), vec![], "new is clean");
    (scratch, repo)
}

const GETENV: &str = "{ x = builtins.getEnv \"HOME\"; }\n";

#[test]
fn a_link_out_of_the_repository_is_not_followed() {
    let (scratch, repo) = clean_repo();
    let outside = scratch.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.nix"), GETENV).unwrap();
    std::os::unix::fs::symlink(
        outside.join("secret.nix"),
        repo.join("modules/nixos/file.nix"),
    )
    .unwrap();
    std::os::unix::fs::symlink(&outside, repo.join("modules/home/dir")).unwrap();
    let before = tree_hash(&repo);

    let (human, json) = check_both(&repo);
    assert_eq!(human.code, 0, "{}", human.stdout);
    assert_eq!(
        findings(&json),
        vec![],
        "the getenv behind a link is not read"
    );
    let reason = "symbolic link, not followed";
    assert_eq!(
        skipped(&json),
        vec![
            ("modules/home/dir".to_string(), reason.to_string()),
            ("modules/nixos/file.nix".to_string(), reason.to_string()),
        ]
    );
    assert_human_skips(&human, "modules/home/dir", reason);
    assert_human_skips(&human, "modules/nixos/file.nix", reason);
    assert_eq!(tree_hash(&repo), before);
}

#[test]
fn link_loops_end() {
    let (_scratch, repo) = clean_repo();
    std::os::unix::fs::symlink(".", repo.join("a")).unwrap();
    std::os::unix::fs::symlink("b", repo.join("modules/nixos/a")).unwrap();
    std::os::unix::fs::symlink("a", repo.join("modules/nixos/b")).unwrap();
    std::os::unix::fs::symlink("self.nix", repo.join("modules/nixos/self.nix")).unwrap();
    let before = tree_hash(&repo);

    let (human, json) = check_both(&repo);
    assert_eq!(human.code, 0, "{}", human.stdout);
    let reason = "symbolic link, not followed".to_string();
    assert_eq!(
        skipped(&json),
        [
            "a",
            "modules/nixos/a",
            "modules/nixos/b",
            "modules/nixos/self.nix"
        ]
        .map(|p| (p.to_string(), reason.clone()))
    );
    assert_human_skips(&human, "modules/nixos/self.nix", &reason);
    assert_eq!(tree_hash(&repo), before);
}

/// How the unreadable cases read: as root, mode bits stop no read, so `check` runs as `nobody`
/// through `setpriv` when it can; otherwise the test says on stderr that it asserts less.
enum Reader {
    Owner,
    Nobody,
    Root,
}

fn reader(scratch: &Path, repo: &Path) -> Reader {
    let uid = std::fs::metadata("/proc/self")
        .map(|m| m.uid())
        .unwrap_or(0);
    if uid != 0 {
        return Reader::Owner;
    }
    // nobody must be able to run the binary itself: a clone under /root (0700) is out of its reach.
    let works = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(cargo_bin("nixscaffold"))
        .arg("--version")
        .current_dir("/")
        .output()
        .is_ok_and(|o| o.status.success());
    if works {
        // nobody must reach the repository through the scratch directory (0700 by default) and
        // read every file but the one the test hides.
        chmod(scratch, 0o755);
        for entry in walkdir::WalkDir::new(repo) {
            let entry = entry.unwrap();
            chmod(
                entry.path(),
                if entry.file_type().is_dir() {
                    0o755
                } else {
                    0o644
                },
            );
        }
        Reader::Nobody
    } else {
        // Past the test harness's capture, so that it shows in a passing run too.
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "hostile_check: running as root without a working `setpriv`: permission bits stop no \
             read, so this test only asserts that check ends and writes nothing"
        );
        Reader::Root
    }
}

/// `check` of `repo` as [`reader`] says, human and JSON.
fn check_as(reader: &Reader, repo: &Path) -> (Run, Value) {
    let run = |args: &[&str]| {
        let output = match reader {
            Reader::Nobody => {
                let mut command = assert_cmd::Command::new("setpriv");
                command
                    .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
                    .arg(cargo_bin("nixscaffold"))
                    .arg("check")
                    .arg(repo)
                    .args(args)
                    .current_dir("/")
                    .env("NO_COLOR", "1")
                    .timeout(TIMEOUT);
                command.output()
            }
            _ => nixscaffold(repo)
                .arg("check")
                .arg(repo)
                .args(args)
                .timeout(TIMEOUT)
                .output(),
        };
        finish(output, "check")
    };
    let human = run(&["--verbose"]);
    let json_run = run(&["--format", "json"]);
    assert_eq!(human.code, json_run.code);
    assert!(human.stderr.is_empty(), "{}", human.stderr);
    let json = json_of(&json_run);
    (human, json)
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn an_unreadable_file_is_skipped_with_the_reason() {
    let (scratch, repo) = clean_repo();
    let secret = repo.join("modules/nixos/secret.nix");
    std::fs::write(&secret, "{ }\n").unwrap();
    let reader = reader(scratch.path(), &repo);
    let before = tree_hash(&repo);
    chmod(&secret, 0o000);
    let (human, json) = check_as(&reader, &repo);
    chmod(&secret, 0o644);
    assert_eq!(
        tree_hash(&repo),
        before,
        "check changed nothing, modes included"
    );

    assert_eq!(human.code, 0, "{}", human.stdout);
    assert_eq!(findings(&json), vec![]);
    let skips = skipped(&json);
    match reader {
        Reader::Root => assert!(skips.is_empty(), "{skips:?}"),
        Reader::Owner | Reader::Nobody => {
            let reason = "unreadable: Permission denied (os error 13)";
            assert_eq!(
                skips,
                vec![("modules/nixos/secret.nix".to_string(), reason.to_string())]
            );
            assert_human_skips(&human, "modules/nixos/secret.nix", reason);
        }
    }
}

#[test]
fn an_unreadable_directory_is_skipped_and_not_judged() {
    let (scratch, repo) = clean_repo();
    // scanPaths imports this directory; what it holds cannot be seen, so nothing is said about it
    // (not even that it lacks a default.nix) but that it was skipped.
    let private = repo.join("modules/nixos/private");
    std::fs::create_dir_all(&private).unwrap();
    std::fs::write(private.join("default.nix"), GETENV).unwrap();
    let reader = reader(scratch.path(), &repo);
    let before = tree_hash(&repo);
    chmod(&private, 0o000);
    let (human, json) = check_as(&reader, &repo);
    chmod(&private, 0o755);
    assert_eq!(
        tree_hash(&repo),
        before,
        "check changed nothing, modes included"
    );

    match reader {
        Reader::Root => {
            assert_eq!(human.code, 1);
            let found = findings(&json);
            assert_eq!(found.len(), 1, "{found:?}");
            assert_eq!(found[0].0, "getenv");
        }
        Reader::Owner | Reader::Nobody => {
            assert_eq!(human.code, 0, "{}", human.stdout);
            assert_eq!(findings(&json), vec![], "{}", human.stdout);
            let reason = "unreadable: Permission denied (os error 13)";
            assert_eq!(
                skipped(&json),
                vec![("modules/nixos/private".to_string(), reason.to_string())]
            );
            assert_human_skips(&human, "modules/nixos/private", reason);
        }
    }
}

#[test]
fn an_unreadable_repository_is_an_error() {
    let (scratch, repo) = clean_repo();
    let reader = reader(scratch.path(), &repo);
    // The answers file stays readable (0644 from here on): the walk itself must fail.
    chmod(&repo.join(".nixscaffold.yaml"), 0o644);
    let before = tree_hash(&repo);
    let modules = repo.join("modules");
    chmod(&repo, 0o311);
    let run = match reader {
        Reader::Nobody | Reader::Owner => Some(check_as_raw(&reader, &repo)),
        Reader::Root => None,
    };
    chmod(&repo, 0o755);
    assert!(modules.is_dir());
    assert_eq!(tree_hash(&repo), before);
    if let Some(run) = run {
        assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains("cannot read"), "{}", run.stderr);
        assert!(run.stderr.contains("Permission denied"), "{}", run.stderr);
    }
}

/// Like [`check_as`], human only, any exit code.
fn check_as_raw(reader: &Reader, repo: &Path) -> Run {
    let output = match reader {
        Reader::Nobody => assert_cmd::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(cargo_bin("nixscaffold"))
            .arg("check")
            .arg(repo)
            .current_dir("/")
            .env("NO_COLOR", "1")
            .timeout(TIMEOUT)
            .output(),
        _ => nixscaffold(Path::new("/"))
            .arg("check")
            .arg(repo)
            .timeout(TIMEOUT)
            .output(),
    };
    finish(output, "check")
}

#[test]
fn a_nix_file_that_is_not_utf8_is_skipped() {
    let (_scratch, repo) = clean_repo();
    std::fs::write(
        repo.join("modules/nixos/latin1.nix"),
        b"{ x = \"caf\xe9\"; }\n",
    )
    .unwrap();
    let before = tree_hash(&repo);
    let (human, json) = check_both(&repo);
    assert_eq!(human.code, 0, "{}", human.stdout);
    let reason = "not UTF-8 text, not parsed";
    assert_eq!(
        skipped(&json),
        vec![("modules/nixos/latin1.nix".to_string(), reason.to_string())]
    );
    assert_human_skips(&human, "modules/nixos/latin1.nix", reason);
    assert_eq!(tree_hash(&repo), before);
}

#[test]
fn file_names_that_are_not_utf8_are_checked_and_kept_apart() {
    let (_scratch, repo) = clean_repo();
    let dir = repo.join("modules/nixos");
    for byte in [0xe9u8, 0xff] {
        let name = [b"caf".as_slice(), &[byte], b".nix"].concat();
        std::fs::write(dir.join(std::ffi::OsStr::from_bytes(&name)), GETENV).unwrap();
    }
    let before = tree_hash(&repo);
    let (human, json) = check_both(&repo);
    assert_eq!(human.code, 1);
    assert_eq!(
        findings(&json),
        vec![
            ("getenv".into(), "modules/nixos/caf\\xe9.nix".into(), 1, 7),
            ("getenv".into(), "modules/nixos/caf\\xff.nix".into(), 1, 7),
        ],
        "two names are two files, each named by its bytes"
    );
    assert!(
        human.stdout.contains("modules/nixos/caf\\xff.nix"),
        "{}",
        human.stdout
    );
    assert_eq!(skipped(&json), vec![]);
    assert_eq!(tree_hash(&repo), before);
}

#[test]
fn an_empty_nix_file_is_a_parse_error() {
    let (_scratch, repo) = clean_repo();
    std::fs::write(repo.join("modules/nixos/empty.nix"), "").unwrap();
    let before = tree_hash(&repo);
    let (human, json) = check_both(&repo);
    assert_eq!(human.code, 1);
    assert_eq!(
        findings(&json),
        vec![("parse-error".into(), "modules/nixos/empty.nix".into(), 1, 1)]
    );
    assert!(
        human.stdout.contains("1:1  error  NS000 parse-error"),
        "{}",
        human.stdout
    );
    assert_eq!(tree_hash(&repo), before);
}

#[test]
fn a_50_mb_nix_file_is_skipped_quickly() {
    let (_scratch, repo) = clean_repo();
    let big = repo.join("pkgs/custom/big.nix");
    let line = "  \"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\"\n";
    let mut text = String::with_capacity(50 * 1024 * 1024 + 64);
    text.push_str("[\n");
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(line);
    }
    text.push_str("]\n");
    std::fs::write(&big, &text).unwrap();
    drop(text);
    let before = tree_hash(&repo);
    let started = Instant::now();
    let (human, json) = check_both(&repo);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(30), "two checks took {took:?}");
    assert_eq!(human.code, 0, "{}", human.stdout);
    let reason = "larger than 8 MiB, not parsed";
    assert_eq!(
        skipped(&json),
        vec![("pkgs/custom/big.nix".to_string(), reason.to_string())]
    );
    assert_human_skips(&human, "pkgs/custom/big.nix", reason);
    assert_eq!(tree_hash(&repo), before);
}

/// `check` of `repo` must stop with exit 2 and a message on stderr that contains each of `parts`.
fn assert_usage_error(repo: &Path, parts: &[&str]) {
    let before = tree_hash(repo);
    for format in ["human", "json"] {
        let run = check(repo, &[".", "--format", format]);
        assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        for part in parts {
            assert!(run.stderr.contains(part), "{part:?} not in {}", run.stderr);
        }
    }
    assert_eq!(tree_hash(repo), before);
}

fn append_answers(repo: &Path, text: &str) {
    let path = repo.join(".nixscaffold.yaml");
    let mut answers = std::fs::read_to_string(&path).unwrap();
    answers.push_str(text);
    std::fs::write(&path, answers).unwrap();
}

/// The line number (from 1) the appended text starts at.
fn next_line(repo: &Path) -> usize {
    std::fs::read_to_string(repo.join(".nixscaffold.yaml"))
        .unwrap()
        .lines()
        .count()
        + 1
}

#[test]
fn malformed_answers_are_a_usage_error_with_line_and_column() {
    let (_scratch, repo) = clean_repo();
    let line = next_line(&repo);
    append_answers(&repo, "check: [unclosed\n");
    assert_usage_error(
        &repo,
        &[".nixscaffold.yaml", &format!("line {line} column 8")],
    );
}

#[test]
fn wrong_typed_answers_are_a_usage_error_with_line_and_column() {
    let (_scratch, repo) = clean_repo();
    let line = next_line(&repo);
    append_answers(&repo, "check:\n  max-import-depth: deep\n");
    assert_usage_error(
        &repo,
        &[
            ".nixscaffold.yaml",
            &format!("line {}", line + 1),
            "column 21",
        ],
    );
}

#[test]
fn an_unknown_rule_is_a_usage_error_with_line_and_column() {
    let (_scratch, repo) = clean_repo();
    let line = next_line(&repo);
    append_answers(
        &repo,
        "check:\n  rules:\n    NS008: error\n    no-such-rule: off\n",
    );
    assert_usage_error(
        &repo,
        &[
            ".nixscaffold.yaml",
            "no rule `no-such-rule`",
            "nixscaffold explain",
            &format!("line {} column 5", line + 3),
        ],
    );
}

#[test]
fn a_flake_that_does_not_parse_does_not_stop_the_rest() {
    let (_scratch, repo) = clean_repo();
    let flake = repo.join("flake.nix");
    let mut text = std::fs::read_to_string(&flake).unwrap();
    text.insert_str(text.find("outputs").unwrap(), "broken = ;\n  ");
    let line = text[..text.find("broken").unwrap()].lines().count() as u64;
    std::fs::write(&flake, text).unwrap();
    std::fs::write(repo.join("modules/nixos/env.nix"), GETENV).unwrap();
    let before = tree_hash(&repo);
    let (human, json) = check_both(&repo);
    assert_eq!(human.code, 1);
    let found = findings(&json);
    assert!(
        found.contains(&("parse-error".into(), "flake.nix".into(), line, 12)),
        "{found:?}"
    );
    assert!(
        found.contains(&("getenv".into(), "modules/nixos/env.nix".into(), 1, 7)),
        "the rest is still checked: {found:?}"
    );
    assert!(
        human
            .stdout
            .contains(&format!("{line}:12  error  NS000 parse-error")),
        "{}",
        human.stdout
    );
    assert_eq!(tree_hash(&repo), before);
}

#[test]
fn a_dir_that_is_missing_or_a_file_is_a_usage_error() {
    let scratch = scratch();
    let run = check(scratch.path(), &["no-such-dir"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr
            .contains("cannot read no-such-dir: No such file or directory"),
        "{}",
        run.stderr
    );
    std::fs::write(scratch.path().join("flake.nix"), "{ }\n").unwrap();
    let before = tree_hash(scratch.path());
    let run = check(scratch.path(), &["flake.nix", "--format", "json"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr
            .contains("flake.nix is not a directory; give the repository's directory"),
        "{}",
        run.stderr
    );
    assert_eq!(tree_hash(scratch.path()), before);
}

/// Nix-ish tokens: enough structure to reach every rule, enough noise to break every parser path.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "=",
    ";",
    ":",
    ",",
    ".",
    "...",
    "?",
    "@",
    "import",
    "./a.nix",
    "./b",
    "../c.nix",
    "./.",
    "builtins.readDir",
    "builtins.getEnv",
    "\"x\"",
    "\"${",
    "''",
    "${x}",
    "let",
    "in",
    "rec",
    "inherit",
    "map",
    "(x: x)",
    "imports",
    "modules",
    "lib",
    "lib.custom.scanPaths",
    "nixosModules",
    "inputs.nixpkgs.legacyPackages",
    "nixConfig",
    "substituters",
    "if",
    "then",
    "else",
    "with",
    "assert",
    "# c\n",
    "/*",
    "*/",
    "\n",
    "é",
    "+",
    "//",
    "x",
    "1",
];

const PLACES: &[&str] = &[
    "flake.nix",
    "modules/default.nix",
    "modules/nixos/default.nix",
    "modules/nixos/a.nix",
    "lib/default.nix",
    "overlays/default.nix",
];

fn nixish() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(TOKENS), 0..60)
        .prop_map(|tokens| tokens.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, failure_persistence: None, ..ProptestConfig::default() })]

    /// Random Nix-ish files, in memory and on disk: never a panic, always a report whose JSON
    /// parses, nothing written.
    #[test]
    fn random_nixish_sources_never_break_check(
        sources in proptest::collection::vec((proptest::sample::select(PLACES), nixish()), 1..5)
    ) {
        // One text per path, the last one given, as on disk.
        let sources: std::collections::BTreeMap<&str, String> = sources.into_iter().collect();
        let files: Vec<(&str, &str)> = sources.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let in_memory = nixscaffold::check::check_sources(&files);
        for finding in &in_memory {
            prop_assert!(finding.line >= 1 && finding.column >= 1, "{finding:?}");
        }

        let scratch = scratch();
        let repo = scratch.path();
        for (path, text) in &sources {
            let path = repo.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let before = tree_hash(repo);
        let run = check(repo, &[".", "--format", "json"]);
        prop_assert!(run.code == 0 || run.code == 1, "exit {}: {}", run.code, run.stderr);
        let json = json_of(&run);
        prop_assert_eq!(
            json["findings"].as_array().unwrap().len(),
            in_memory.len(),
            "the binary and check_sources agree"
        );
        prop_assert_eq!(tree_hash(repo), before);
    }
}

#[test]
fn pathological_nix_is_skipped_not_a_crash_or_a_hang() {
    let (_scratch, repo) = clean_repo();
    let dir = repo.join("pkgs/custom");
    let files = [
        // Each used to overflow the stack (abort, exit 134) or run for minutes.
        ("nested.nix", "[".repeat(100_000) + &"]".repeat(100_000)),
        ("sum.nix", format!("x: x{}", " + x".repeat(300_000))),
        ("apply.nix", format!("f: f{}", " f".repeat(300_000))),
        ("dotted.nix", format!("x: x{}", ".a".repeat(300_000))),
    ];
    for (name, text) in &files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let before = tree_hash(&repo);
    let started = Instant::now();
    let (human, json) = check_both(&repo);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(human.code, 0, "{}", human.stdout);
    let skips = skipped(&json);
    let expected = [
        (
            "pkgs/custom/apply.nix",
            "an expression chain of more than 4096 tokens, not parsed",
        ),
        (
            "pkgs/custom/dotted.nix",
            "long runs of operators or `.`-joined names without a space, not parsed",
        ),
        (
            "pkgs/custom/nested.nix",
            "nested more than 1000 levels deep, not parsed",
        ),
        (
            "pkgs/custom/sum.nix",
            "an expression chain of more than 4096 tokens, not parsed",
        ),
    ]
    .map(|(p, r)| (p.to_string(), r.to_string()));
    assert_eq!(skips, expected);
    for (path, reason) in &expected {
        assert_human_skips(&human, path, reason);
    }
    assert_eq!(tree_hash(&repo), before);
}

#[test]
fn deep_but_ordinary_nix_is_still_checked() {
    let (_scratch, repo) = clean_repo();
    let text = format!(
        "{{ x = {}builtins.getEnv \"HOME\"{}; }}\n",
        "[ ".repeat(300),
        " ]".repeat(300)
    );
    std::fs::write(repo.join("modules/nixos/deep.nix"), text).unwrap();
    let (human, json) = check_both(&repo);
    assert_eq!(human.code, 1);
    assert_eq!(
        findings(&json),
        vec![("getenv".into(), "modules/nixos/deep.nix".into(), 1, 607)]
    );
    assert_eq!(skipped(&json), vec![]);
}

#[test]
fn a_fifo_is_skipped_not_read() {
    let (_scratch, repo) = clean_repo();
    let fifo = repo.join("modules/nixos/pipe.nix");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let before = tree_hash(&repo);
    let (human, json) = check_both(&repo);
    assert_eq!(human.code, 0, "{}", human.stdout);
    let reason = "not a regular file, not read";
    assert_eq!(
        skipped(&json),
        vec![("modules/nixos/pipe.nix".to_string(), reason.to_string())]
    );
    assert_human_skips(&human, "modules/nixos/pipe.nix", reason);
    assert_eq!(tree_hash(&repo), before);
}

#[test]
fn linked_answers_are_not_read_and_say_so() {
    let (scratch, repo) = clean_repo();
    let elsewhere = scratch.path().join("answers.yaml");
    std::fs::rename(repo.join(".nixscaffold.yaml"), &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, repo.join(".nixscaffold.yaml")).unwrap();
    let before = tree_hash(&repo);
    let (human, json) = check_both(&repo);
    assert_eq!(json["shape"]["source"], "inferred");
    let reason = "symbolic link, not followed; the shape is inferred";
    assert_eq!(
        skipped(&json),
        vec![(".nixscaffold.yaml".to_string(), reason.to_string())]
    );
    assert_human_skips(&human, ".nixscaffold.yaml", reason);
    assert_eq!(tree_hash(&repo), before);
}

#[test]
fn a_newline_in_a_file_name_cannot_forge_report_lines() {
    let (_scratch, repo) = clean_repo();
    std::fs::write(
        repo.join("modules/nixos/a.nix\n  flake.nix:1:1  error  NS000 parse-error  forged.nix"),
        GETENV,
    )
    .unwrap();
    let before = tree_hash(&repo);
    let (human, json) = check_both(&repo);
    assert_eq!(human.code, 1);
    let found = findings(&json);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].1,
        "modules/nixos/a.nix\\x0a  flake.nix:1:1  error  NS000 parse-error  forged.nix"
    );
    assert!(
        !human.stdout.contains("\n  flake.nix:1:1"),
        "{}",
        human.stdout
    );
    assert_eq!(tree_hash(&repo), before);
}
