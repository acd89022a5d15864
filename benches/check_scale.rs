//! How long `check` takes on a large repository: generates a synthetic tree in the recommended
//! shape (N module files in auto-imported directories, with hosts and a few hand-written imports),
//! then times, each as the median of three runs: reading every file (the floor any checker has),
//! the `nixscaffold check` binary (walk, read, parse, graph, every rule) with its peak memory, and
//! deadnix on the same tree when it is installed.
//!
//!     cargo bench --bench check_scale                   # 40,000 files
//!     CHECK_BENCH_FILES=5000 cargo bench --bench check_scale
//!     CHECK_BENCH_KEEP=1 cargo bench --bench check_scale   # and keep the tree to profile
//!
//! Not part of `cargo test`: it writes tens of thousands of files into a temporary directory.

use std::path::Path;
use std::time::{Duration, Instant};

const MODULE: &str = r#"{ config, lib, pkgs, ... }:
let
  cfg = config.bench.GROUP.NAME;
in
{
  options.bench.GROUP.NAME = {
    enable = lib.mkEnableOption "NAME";
    package = lib.mkOption {
      type = lib.types.package;
      default = pkgs.hello;
      description = "The package NAME runs.";
    };
  };
  config = lib.mkIf cfg.enable {
    environment.systemPackages = [ cfg.package ];
    systemd.services.NAME = {
      wantedBy = [ "multi-user.target" ];
      serviceConfig.ExecStart = "${lib.getExe cfg.package}";
    };
  };
}
"#;

const AUTO_IMPORT: &str = "{ lib, ... }:\n{\n  imports = lib.custom.scanPaths ./.;\n}\n";

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create directory");
    }
    std::fs::write(path, text).expect("write file");
}

/// The helper library as `new` writes it (the template holds handlebars, so it is rendered).
fn rendered_lib() -> String {
    let answers = nixscaffold::answers::AnswersFile::default()
        .resolve("bench")
        .expect("default answers");
    let renderer = nixscaffold::render::Renderer::new(None).expect("templates");
    nixscaffold::generate::plan_new(&answers, &renderer)
        .expect("a plan")
        .into_iter()
        .find(|file| file.path == "lib/default.nix")
        .expect("lib/default.nix is part of the shape")
        .contents
}

fn generate(root: &Path, files: usize) {
    write(root, "lib/default.nix", &rendered_lib());
    write(
        root,
        "flake.nix",
        "{\n  outputs = inputs: inputs.flake-parts.lib.mkFlake { inherit inputs; } { imports = [ ./modules ./hosts.nix ]; flake.lib = import ./lib; };\n}\n",
    );
    write(
        root,
        "modules/default.nix",
        "{ flake.nixosModules.all = ./nixos; }\n",
    );
    write(root, "modules/nixos/default.nix", AUTO_IMPORT);
    let per_group = 100;
    let groups = files.div_ceil(per_group);
    let mut written = 4;
    for g in 0..groups {
        let group = format!("g{g:04}");
        write(
            root,
            &format!("modules/nixos/{group}/default.nix"),
            AUTO_IMPORT,
        );
        written += 1;
        for m in 0..per_group {
            if written >= files {
                break;
            }
            let name = format!("m{m:03}");
            let text = MODULE.replace("GROUP", &group).replace("NAME", &name);
            write(root, &format!("modules/nixos/{group}/{name}.nix"), &text);
            written += 1;
        }
    }
    let hosts: String = (0..20)
        .map(|h| format!("    h{h} = ./hosts/h{h};\n"))
        .collect();
    write(
        root,
        "hosts.nix",
        &format!("{{\n  flake.hosts = {{\n{hosts}  }};\n}}\n"),
    );
    for h in 0..20 {
        write(
            root,
            &format!("hosts/h{h}/default.nix"),
            "{ imports = [ ./hardware.nix ]; bench.g0000.m000.enable = true; }\n",
        );
        write(
            root,
            &format!("hosts/h{h}/hardware.nix"),
            "{ boot.loader.grub.device = \"nodev\"; }\n",
        );
    }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: run small then.
    let benching = std::env::args().any(|a| a == "--bench");
    let files: usize = std::env::var("CHECK_BENCH_FILES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if benching { 40_000 } else { 200 });
    let dir = tempfile::Builder::new()
        .prefix("nixscaffold-bench-")
        .tempdir()
        .expect("a temporary directory");
    let started = Instant::now();
    generate(dir.path(), files);
    println!("generated {files} .nix files in {:.2?}", started.elapsed());

    let outcome = nixscaffold::check::check_dir(dir.path()).expect("check runs");
    println!(
        "{} files checked, {} findings",
        outcome.files_checked,
        outcome.findings.len()
    );
    for finding in outcome.findings.iter().take(3) {
        println!(
            "  {}:{} {} {}",
            finding.file, finding.line, finding.name, finding.message
        );
    }
    drop(outcome);

    let read = median(|| {
        let bytes = read_every_file(dir.path());
        assert!(bytes > 0);
    });
    println!("read every file (the floor): median {read:.2?}");
    // The binary, as a user runs it: its time and its peak memory (the children's maximum RSS).
    let binary = env!("CARGO_BIN_EXE_nixscaffold");
    let check = median(|| {
        let status = std::process::Command::new(binary)
            .args(["check", "--format", "json"])
            .arg(dir.path())
            .stdout(std::process::Stdio::null())
            .status()
            .expect("nixscaffold runs");
        assert!(
            status.code().is_some_and(|c| c <= 1),
            "check failed: {status}"
        );
    });
    let peak_mib = children_peak_kib() as f64 / 1024.0;
    println!("check of {files} files: median {check:.2?}, peak memory {peak_mib:.0} MiB");
    println!(
        "check / read every file: {:.1}x",
        check.as_secs_f64() / read.as_secs_f64()
    );
    compare_with_deadnix(dir.path());
    if std::env::var_os("CHECK_BENCH_KEEP").is_some() {
        println!("kept the tree at {}", dir.keep().display());
    }
}

/// The median of three timed runs.
fn median(mut run: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..3)
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[1]
}

/// Reads every file under `root` (one thread, as `cat` would): what any checker must at least do.
fn read_every_file(root: &Path) -> usize {
    let mut bytes = 0;
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read directory") {
            let entry = entry.expect("directory entry");
            let kind = entry.file_type().expect("file type");
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                bytes += std::fs::read(entry.path()).expect("read file").len();
            }
        }
    }
    bytes
}

/// The largest resident set of any child process waited for so far, in KiB.
fn children_peak_kib() -> i64 {
    // SAFETY: getrusage only writes into the zeroed struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let result = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    if result == 0 {
        usage.ru_maxrss
    } else {
        0
    }
}

/// The same tree through deadnix (a Rust linter for Nix on rnix, the usual yardstick), when it is
/// installed (`cargo install deadnix`): parse-and-lint time of a mature tool next to ours.
fn compare_with_deadnix(root: &Path) {
    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let Ok(status) = std::process::Command::new("deadnix")
            .arg("--fail")
            .arg(root)
            .stdout(std::process::Stdio::null())
            .status()
        else {
            println!("deadnix is not installed: no comparison (cargo install deadnix)");
            return;
        };
        times.push(started.elapsed());
        let _ = status;
    }
    times.sort();
    println!(
        "deadnix on the same tree: median {:.2?}",
        times[times.len() / 2]
    );
}
