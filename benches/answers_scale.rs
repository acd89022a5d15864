//! How `new --config`, `check` and `add-user` grow with the answers: for answers files of N users
//! and N hosts (N = 100 … 100,000), runs the release binary and prints each command's wall time
//! and peak memory (the child's maximum resident set, from `wait4`). Both should grow linearly.
//!
//!     cargo bench --bench answers_scale                      # N up to 100,000
//!     ANSWERS_BENCH_MAX=10000 cargo bench --bench answers_scale
//!
//! Not part of `cargo test`: the largest case writes 200,000 files (into /dev/shm when there is
//! one, so that the disk's fsync is not what is measured).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_nixscaffold");

/// `.nixscaffold.yaml` for `n` NixOS hosts and `n` home-manager users.
fn answers(n: usize) -> String {
    let mut text = String::from("name: bench\nplatforms: [nixos, home]\nhosts:\n");
    for i in 0..n {
        let _ = writeln!(text, "- nixos/h{i}");
    }
    text.push_str("users:\n");
    for i in 0..n {
        let _ = writeln!(text, "- u{i}");
    }
    text
}

/// Runs the binary with `args` in `dir`: wall time, peak resident memory in MiB, exit code.
// The child is reaped by wait4 (which also reports its peak memory), not by Child::wait.
#[allow(clippy::zombie_processes)]
fn measure(dir: &Path, args: &[&str]) -> (Duration, f64, i32) {
    let started = Instant::now();
    let child = Command::new(BINARY)
        .current_dir(dir)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the benchmark runs nixscaffold");
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for the child just spawned.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    // SAFETY: waits for our own child, writing into the two locals.
    unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = started.elapsed();
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (elapsed, usage.ru_maxrss as f64 / 1024.0, code)
}

fn scratch_parent() -> PathBuf {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}

fn main() {
    let max: usize = std::env::var("ANSWERS_BENCH_MAX")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    println!("| N users + N hosts | command | time | peak memory | exit |");
    println!("| ---: | --- | ---: | ---: | ---: |");
    for n in [100, 1_000, 10_000, 100_000]
        .into_iter()
        .filter(|n| *n <= max)
    {
        let scratch = tempfile::Builder::new()
            .prefix("nixscaffold-bench-")
            .tempdir_in(scratch_parent())
            .expect("a scratch directory");
        let config = scratch.path().join("answers.yaml");
        std::fs::write(&config, answers(n)).expect("the answers file is written");
        let config = config.display().to_string();
        let runs: [(&str, Vec<&str>); 3] = [
            (
                "new --config",
                vec!["new", "repo", "--config", &config, "--yes", "--no-git"],
            ),
            ("check", vec!["check", "repo", "--format", "json"]),
            (
                "add-user",
                vec!["add-user", "extra", "-C", "repo", "--no-git"],
            ),
        ];
        for (name, args) in runs {
            let (time, memory, code) = measure(scratch.path(), &args);
            println!(
                "| {n} | {name} | {:.2} s | {memory:.0} MiB | {code} |",
                time.as_secs_f64()
            );
        }
    }
}
