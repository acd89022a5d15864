//! Every command writes through one output path: a reader that went away (`nixscaffold … | head
//! -c0`) is never a panic (exit 101) and never turns a report into an error; `check` still exits
//! with what it found.

use std::path::Path;
use std::process::{Output, Stdio};

use crate::fixture::Fixture;
use crate::support::*;

/// A pipe whose reading end is already closed: every write to it fails with a broken pipe, at
/// once and every time (a `| head -c0` in a shell closes it only at some point).
fn closed_pipe() -> Stdio {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    writer.into()
}

/// Runs `nixscaffold ARGS` in `cwd` with standard output and error going to `stdout` and `stderr`.
fn run_into(cwd: &Path, args: &[&str], stdout: Stdio, stderr: Stdio) -> Output {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("nixscaffold"))
        .current_dir(cwd)
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(stdout)
        .stderr(stderr)
        .output()
        .expect("nixscaffold runs")
}

/// Runs `nixscaffold ARGS` in `cwd` with standard output (or, with `stderr_closed`, standard
/// error) going into a closed pipe.
fn into_closed_pipe(cwd: &Path, args: &[&str], stderr_closed: bool) -> Output {
    if stderr_closed {
        run_into(cwd, args, Stdio::piped(), closed_pipe())
    } else {
        run_into(cwd, args, closed_pipe(), Stdio::piped())
    }
}

#[test]
fn a_document_into_a_closed_pipe_is_no_panic_and_no_error() {
    let (base, getenv) = (Fixture::load("check/_base"), Fixture::load("check/getenv"));
    let clean = base.root().to_string_lossy().into_owned();
    let with_findings = getenv.root().to_string_lossy().into_owned();
    let cases: &[(&[&str], i32)] = &[
        (&["completions", "bash"], 0),
        (&["completions", "zsh"], 0),
        (&["completions", "fish"], 0),
        (&["manpage"], 0),
        (&["explain"], 0),
        (&["explain", "getenv"], 0),
        (&["templates"], 0),
        (&["check", &clean, "--format", "json"], 0),
        (&["check", &with_findings, "--format", "json"], 1),
        (&["check", &with_findings], 1),
        (&["check", &with_findings, "--format", "github"], 1),
    ];
    let scratch = scratch();
    for (args, code) in cases {
        let output = into_closed_pipe(scratch.path(), args, false);
        assert_eq!(
            output.status.code(),
            Some(*code),
            "nixscaffold {args:?} | head -c0: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            output.stderr.is_empty(),
            "nixscaffold {args:?} | head -c0 complained: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn new_into_a_closed_pipe_still_does_its_work() {
    let scratch = scratch();
    let repo = scratch.path().join("repo");
    let output = into_closed_pipe(
        scratch.path(),
        &["new", "repo", "--yes", "--no-git", "--platform", "nixos"],
        false,
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(repo.join("flake.nix").is_file(), "new stopped halfway");
}

#[test]
fn an_error_into_a_closed_stderr_keeps_its_exit_code() {
    let scratch = scratch();
    let output = into_closed_pipe(scratch.path(), &["check", "does-not-exist"], true);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
}

#[test]
fn a_document_that_cannot_be_written_is_an_io_error() {
    // A full disk behind `>` loses what the user asked for: exit 2, naming standard output.
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // not Linux: nothing to test against
    };
    let scratch = scratch();
    for args in [&["manpage"][..], &["completions", "bash"], &["explain"]] {
        let output = run_into(
            scratch.path(),
            args,
            full.try_clone().unwrap().into(),
            Stdio::piped(),
        );
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with("error: cannot write standard output"),
            "{args:?}: {stderr}"
        );
    }
}
