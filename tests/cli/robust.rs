//! Nothing lost under concurrency and interruption: one writer at a time per repository, a run
//! undone on SIGINT/SIGTERM/SIGHUP, git called for the repository written to, and a missing git
//! reported.

use std::collections::BTreeSet;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use assert_cmd::cargo::cargo_bin;

use crate::support::{files, new_repo, nixscaffold, scratch};

/// A child run of nixscaffold in `dir`, not waited for.
fn spawn(dir: &Path, args: &[&str]) -> Child {
    Command::new(cargo_bin("nixscaffold"))
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nixscaffold runs")
}

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?}: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

/// Every path under `root` but `.git`, directories too.
fn entries(root: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().strip_prefix(root).unwrap().display().to_string())
        .filter(|p| p != ".git" && !p.starts_with(".git/"))
        .collect()
}

fn temp_files(root: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".nixscaffold-"))
        .map(|e| e.into_path())
        .collect()
}

fn recorded(repo: &Path) -> nixscaffold::answers::Answers {
    nixscaffold::answers::AnswersFile::read(&repo.join(".nixscaffold.yaml"))
        .expect("valid YAML")
        .resolve("repo")
        .expect("valid answers")
}

#[test]
fn twenty_concurrent_adds_are_all_recorded_and_staged() {
    let scratch = scratch();
    nixscaffold(scratch.path())
        .args(["new", "repo", "--yes"])
        .assert()
        .success();
    let repo = scratch.path().join("repo");
    for (command, names) in [("add-host", "nixos/h"), ("add-user", "u")] {
        let children: Vec<Child> = (0..20)
            .map(|i| spawn(&repo, &[command, &format!("{names}{i}")]))
            .collect();
        for child in children {
            let output = child.wait_with_output().unwrap();
            assert!(output.status.success(), "{command}: {output:?}");
        }
    }
    let answers = recorded(&repo);
    let hosts: BTreeSet<String> = answers.hosts.iter().map(|h| h.name.clone()).collect();
    let users: BTreeSet<String> = answers.users.iter().cloned().collect();
    for i in 0..20 {
        assert!(hosts.contains(&format!("h{i}")), "h{i} lost: {hosts:?}");
        assert!(users.contains(&format!("u{i}")), "u{i} lost: {users:?}");
    }
    assert!(temp_files(&repo).is_empty(), "{:?}", temp_files(&repo));
    let staged = git(&repo, &["ls-files"]);
    for i in 0..20 {
        assert!(
            staged.contains(&format!("hosts/nixos/h{i}/default.nix")),
            "h{i} not in git"
        );
        assert!(
            staged.contains(&format!("home/u{i}/default.nix")),
            "u{i} not in git"
        );
    }
    nixscaffold(&repo).arg("check").assert().success();
}

/// Holds the lock a writer takes (an flock on the repository directory) while `f` runs.
fn while_locked<T>(repo: &Path, f: impl FnOnce() -> T) -> T {
    let dir = std::fs::File::open(repo).unwrap();
    // SAFETY: flock on a descriptor this test owns.
    assert_eq!(unsafe { libc::flock(dir.as_raw_fd(), libc::LOCK_EX) }, 0);
    let result = f();
    drop(dir);
    result
}

#[test]
fn a_second_writer_waits_a_bounded_time_then_changes_nothing() {
    let (_scratch, repo) = new_repo(&[]);
    let before = files(&repo);
    let output = while_locked(&repo, || {
        nixscaffold(&repo)
            .args(["add-user", "bob"])
            .env("NIXSCAFFOLD_LOCK_WAIT", "1")
            .output()
            .unwrap()
    });
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("waiting for another nixscaffold run"),
        "{stderr}"
    );
    assert!(
        stderr.contains("still changing") && stderr.contains("after 1 s"),
        "{stderr}"
    );
    assert_eq!(files(&repo), before);
    // A dry run only reads, and is not held up.
    while_locked(&repo, || {
        nixscaffold(&repo)
            .args(["add-user", "bob", "--dry-run"])
            .env("NIXSCAFFOLD_LOCK_WAIT", "0")
            .assert()
            .success()
    });
}

#[test]
fn temporary_files_of_a_killed_run_are_removed_by_the_next_writer() {
    let (_scratch, repo) = new_repo(&[]);
    // A process that has ended: its id names the leftovers of a run killed with SIGKILL.
    let mut gone = Command::new("true").spawn().unwrap();
    let pid = gone.id();
    gone.wait().unwrap();
    let stale = repo.join(format!(".nixscaffold-{pid}-3.new.tmp"));
    std::fs::write(&stale, "half").unwrap();
    let other = repo.join(".nixscaffold-notes.tmp");
    std::fs::write(&other, "not ours to judge").unwrap();
    nixscaffold(&repo)
        .args(["add-user", "bob"])
        .assert()
        .success();
    assert!(!stale.exists());
    assert!(other.exists(), "a name without a process id is left alone");
}

/// The signal for the Nth case, so that each is exercised.
fn signal(n: usize) -> (&'static str, i32) {
    [("INT", 130), ("TERM", 143), ("HUP", 129)][n % 3]
}

/// Runs `args` in `cwd` with a signal at the Nth write, for every N the run reaches; each leaves
/// `root` exactly as before, without a temporary file.
fn interrupted_at_every_write(cwd: &Path, root: &Path, args: &[&str]) -> usize {
    let before = (entries(root), files(root));
    let mut n = 1;
    loop {
        let (name, code) = signal(n);
        let output = nixscaffold(cwd)
            .args(args)
            .env("NIXSCAFFOLD_TEST_SIGNAL_AT_WRITE", n.to_string())
            .env("NIXSCAFFOLD_TEST_SIGNAL", name)
            .output()
            .unwrap();
        if output.status.code() == Some(0) {
            return n - 1;
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(code),
            "{args:?} at write {n}: {stderr}"
        );
        assert!(stderr.contains("interrupted"), "{stderr}");
        assert_eq!(
            (entries(root), files(root)),
            before,
            "{args:?}, SIG{name} at write {n}"
        );
        assert!(temp_files(root).is_empty(), "{args:?} at write {n}");
        n += 1;
    }
}

#[test]
fn a_signal_at_any_write_of_new_leaves_nothing_and_a_rerun_succeeds() {
    let scratch = scratch();
    let writes = interrupted_at_every_write(
        scratch.path(),
        scratch.path(),
        &["new", "repo", "--yes", "--no-git"],
    );
    assert!(writes > 20, "new writes every file: {writes}");
    // Into an existing empty directory: the directory stays.
    std::fs::create_dir(scratch.path().join("empty")).unwrap();
    let args = ["new", "empty", "--yes", "--no-git"];
    interrupted_at_every_write(scratch.path(), scratch.path(), &args);
    assert!(scratch.path().join("empty").is_dir());
    // The completed run of the loop above is the re-run that succeeds.
    assert!(scratch.path().join("repo/flake.nix").is_file());
    assert!(scratch.path().join("empty/flake.nix").is_file());
}

#[test]
fn a_signal_at_any_write_of_each_add_leaves_the_tree_as_before() {
    let (_scratch, repo) = new_repo(&[]);
    for args in [
        ["add-host", "nixos/web"],
        ["add-user", "bob"],
        ["add-module", "nixos/services/deep/web"],
        ["add-package", "custom/tool"],
    ] {
        let mut args = args.to_vec();
        args.push("--no-git");
        let writes = interrupted_at_every_write(&repo, &repo, &args);
        assert!(writes >= 1, "{args:?}");
        let text = std::fs::read_to_string(repo.join(".nixscaffold.yaml")).unwrap();
        if args[0] == "add-host" || args[0] == "add-user" {
            assert!(
                text.contains("web") || text.contains("bob"),
                "the re-run recorded it"
            );
        }
    }
    nixscaffold(&repo).arg("check").assert().success();
}

#[test]
fn git_writes_to_the_repository_it_is_called_for_whatever_the_environment() {
    let scratch = scratch();
    nixscaffold(scratch.path())
        .args(["new", "repo", "--yes"])
        .assert()
        .success();
    let repo = scratch.path().join("repo");
    let other = scratch.path().join("other");
    std::fs::create_dir(&other).unwrap();
    git(&other, &["init", "--quiet"]);
    let output = nixscaffold(scratch.path())
        .args(["add-host", "nixos/web", "-C"])
        .arg(&repo)
        .env("GIT_DIR", other.join(".git"))
        .env("GIT_WORK_TREE", &other)
        .env("GIT_INDEX_FILE", other.join(".git/index"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!(
            "git repository {}",
            repo.canonicalize().unwrap().display()
        )),
        "{stdout}"
    );
    assert!(git(&repo, &["ls-files"]).contains("hosts/nixos/web/default.nix"));
    assert_eq!(
        git(&other, &["ls-files"]),
        "",
        "nothing staged in the other repository"
    );
}

#[test]
fn a_missing_git_is_a_warning_that_the_flake_will_not_see_the_files() {
    let scratch = scratch();
    nixscaffold(scratch.path())
        .args(["new", "repo", "--yes"])
        .assert()
        .success();
    let repo = scratch.path().join("repo");
    let empty_path = scratch.path().join("bin");
    std::fs::create_dir(&empty_path).unwrap();
    let output = nixscaffold(&repo)
        .args(["add-user", "bob"])
        .env("PATH", &empty_path)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("git was not found"), "{stderr}");
    assert!(stderr.contains("will not see the new files"), "{stderr}");
    assert!(stderr.contains("add -- home/bob/default.nix"), "{stderr}");
    assert!(!String::from_utf8_lossy(&output.stdout).contains("not in a git work tree"));
    // `new` says so too.
    let output = nixscaffold(scratch.path())
        .args(["new", "fresh", "--yes"])
        .env("PATH", &empty_path)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("git was not found"));
}

#[test]
fn a_busy_git_index_is_retried_then_reported_with_the_command_to_run() {
    let scratch = scratch();
    nixscaffold(scratch.path())
        .args(["new", "repo", "--yes"])
        .assert()
        .success();
    let repo = scratch.path().join("repo");
    std::fs::write(repo.join(".git/index.lock"), "").unwrap();
    let started = std::time::Instant::now();
    let output = nixscaffold(&repo)
        .args(["add-user", "bob"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(
        started.elapsed().as_millis() >= 1000,
        "retried before giving up"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("index.lock"), "{stderr}");
    assert!(stderr.contains("add -- home/bob/default.nix"), "{stderr}");
    // Once the other git is done, the run's own lock is gone too: the user's command works.
    std::fs::remove_file(repo.join(".git/index.lock")).unwrap();
    git(&repo, &["add", "--", "home/bob/default.nix"]);
}

#[test]
fn host_names_nixos_would_refuse_are_refused() {
    let (_scratch, repo) = new_repo(&[]);
    let before = files(&repo);
    let long = "a".repeat(64);
    for name in ["_", "_a", "a-", "a_", long.as_str()] {
        let output = nixscaffold(&repo)
            .args(["add-host", &format!("nixos/{name}")])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains("not a valid host name"), "{name}: {stderr}");
        let scratch = scratch();
        let output = nixscaffold(scratch.path())
            .args(["new", "repo", "--yes", "--no-git", "--host"])
            .arg(format!("nixos/{name}"))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "new --host nixos/{name}");
        assert!(!scratch.path().join("repo").exists());
    }
    assert_eq!(files(&repo), before);
    let longest = "a".repeat(63);
    nixscaffold(&repo)
        .args(["add-host", &format!("nixos/{longest}"), "--no-git"])
        .assert()
        .success();
    nixscaffold(&repo)
        .args(["add-host", "nixos/a_b", "--no-git"])
        .assert()
        .success();
}

#[test]
fn users_named_like_yaml_nulls_and_booleans_are_recorded_quoted_and_read_back() {
    let (_scratch, repo) = new_repo(&[]);
    for user in ["null", "yes", "true", "off", "y"] {
        let output = nixscaffold(&repo)
            .args(["add-user", user, "--no-git"])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{user}: {output:?}");
        assert!(
            stdout.contains(&format!("Recorded {user} under `users`")),
            "{stdout}"
        );
    }
    let text = std::fs::read_to_string(repo.join(".nixscaffold.yaml")).unwrap();
    for user in ["null", "yes", "true", "off", "y"] {
        assert!(
            text.contains(&format!("- \"{user}\"")),
            "{user} quoted: {text}"
        );
    }
    let users = recorded(&repo).users;
    for user in ["null", "yes", "true", "off", "y"] {
        assert!(users.contains(&user.to_string()), "{user}: {users:?}");
    }
    // Every later command still reads the file, and `new --config` rebuilds every home.
    nixscaffold(&repo).arg("check").assert().success();
    nixscaffold(&repo)
        .args(["add-user", "after", "--no-git"])
        .assert()
        .success();
    let rebuilt = repo.parent().unwrap().join("rebuilt");
    nixscaffold(&repo)
        .args(["new", "--yes", "--no-git", "--config", ".nixscaffold.yaml"])
        .arg(&rebuilt)
        .assert()
        .success();
    for user in ["null", "yes", "true", "off", "y", "after"] {
        assert!(
            rebuilt.join(format!("home/{user}/default.nix")).is_file(),
            "{user}"
        );
    }
}

#[test]
fn an_edited_answers_file_keeps_its_line_endings_mode_and_owner() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let (_scratch, repo) = new_repo(&[]);
    let path = repo.join(".nixscaffold.yaml");
    let crlf = std::fs::read_to_string(&path)
        .unwrap()
        .replace('\n', "\r\n");
    std::fs::write(&path, &crlf).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    if root {
        std::os::unix::fs::chown(&path, Some(4321), Some(4321)).unwrap();
    }
    let owner = std::fs::metadata(&path).unwrap().uid();
    nixscaffold(&repo)
        .args(["add-user", "bob", "--no-git"])
        .assert()
        .success();
    nixscaffold(&repo)
        .args(["add-host", "nixos/web", "--no-git"])
        .assert()
        .success();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("- bob\r\n") && text.contains("web"), "{text}");
    assert!(
        !text.replace("\r\n", "").contains('\n'),
        "one line ending throughout: {text:?}"
    );
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o640);
    assert_eq!(
        meta.uid(),
        owner,
        "a root-run add-user leaves the owner alone"
    );
}

#[test]
fn a_module_hundreds_of_directories_deep_costs_linear_file_system_calls() {
    // 400, not the 1,000 of the report: a debug build formats the module's 400-segment option
    // name slowly (in nixfmt), and 400 is enough to tell n from n² (160,000).
    const DEPTH: usize = 400;
    let (_scratch, repo) = new_repo(&[]);
    let path = format!("nixos/{}leaf", "d/".repeat(DEPTH - 1));
    let deepest = repo.join(format!("modules/nixos/{}leaf.nix", "d/".repeat(DEPTH - 1)));
    let counts = repo.parent().unwrap().join("strace.txt");
    // Counted, not timed: each new file used to re-inspect every directory from the root (at
    // 1,000 deep, 505,508 statx). Without strace, the addition is still checked.
    let strace = Command::new("strace")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    let mut command = if strace {
        let mut command = Command::new("strace");
        command
            .args(["-f", "-c", "-o"])
            .arg(&counts)
            .arg(cargo_bin("nixscaffold"));
        command
    } else {
        eprintln!("strace is not installed: the system calls are not counted");
        Command::new(cargo_bin("nixscaffold"))
    };
    let output = command
        .current_dir(&repo)
        .args(["add-module", &path, "--no-git"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(deepest.is_file(), "{}", deepest.display());
    if strace {
        let table = std::fs::read_to_string(&counts).unwrap();
        let calls = |name: &str| -> u64 {
            table
                .lines()
                .filter(|line| line.split_whitespace().last() == Some(name))
                .filter_map(|line| line.split_whitespace().nth(3)?.parse::<u64>().ok())
                .sum()
        };
        let inspections = calls("statx") + calls("newfstatat") + calls("lstat") + calls("stat");
        assert!(
            inspections < 10 * DEPTH as u64,
            "{inspections} inspections for {DEPTH} directories:\n{table}"
        );
    }
}

/// `check --format json` in `repo`: exit code, .nix files checked, findings' names.
fn checked(repo: &Path) -> (i32, u64, Vec<String>) {
    let run = crate::support::check(repo, &["--format", "json"]);
    let json = crate::support::json_of(&run);
    let names = crate::support::findings(&json)
        .into_iter()
        .map(|(name, file, _, _)| format!("{name} {file}"))
        .collect();
    (
        run.code,
        json["summary"]["files_checked"].as_u64().unwrap(),
        names,
    )
}

/// A repository made by `new`, in git, committed; and how many .nix files it has.
fn committed_repo() -> (tempfile::TempDir, PathBuf, u64) {
    let scratch = scratch();
    nixscaffold(scratch.path())
        .args(["new", "repo", "--yes"])
        .assert()
        .success();
    let repo = scratch.path().join("repo");
    git(
        &repo,
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "new",
        ],
    );
    let (code, count, findings) = checked(&repo);
    assert_eq!((code, &findings), (0, &Vec::new()));
    (scratch, repo, count)
}

#[test]
fn check_ignores_a_gitignore_above_the_repository_as_git_does() {
    let (scratch, repo, count) = committed_repo();
    std::fs::write(scratch.path().join(".gitignore"), "*\n").unwrap();
    assert_eq!(checked(&repo), (0, count, Vec::new()));
}

#[test]
fn check_ignores_a_dot_ignore_file_which_git_does_not_read() {
    let (_scratch, repo, count) = committed_repo();
    std::fs::write(repo.join(".ignore"), "*.nix\nflake.nix\n").unwrap();
    assert_eq!(checked(&repo), (0, count, Vec::new()));
}

#[test]
fn check_sees_tracked_files_a_gitignore_pattern_matches() {
    let (_scratch, repo, count) = committed_repo();
    std::fs::write(repo.join(".gitignore"), "*.nix\nmodules/\n").unwrap();
    assert_eq!(
        checked(&repo),
        (0, count, Vec::new()),
        "every file is tracked"
    );
    // A new file the pattern matches is not shown by git, so not by check; forced in, it is.
    let extra = repo.join("modules/nixos/extra.nix");
    std::fs::write(&extra, "{ }\n").unwrap();
    assert_eq!(
        checked(&repo).1,
        count,
        "ignored and untracked: a flake does not see it"
    );
    git(&repo, &["add", "-f", "modules/nixos/extra.nix"]);
    assert_eq!(checked(&repo).1, count + 1, "tracked despite the pattern");
}

#[test]
fn check_sees_untracked_files_git_does_not_ignore() {
    let (_scratch, repo, count) = committed_repo();
    std::fs::write(repo.join("modules/nixos/new.nix"), "{ }\n").unwrap();
    std::fs::write(repo.join(".gitignore"), "result*\n").unwrap();
    std::fs::write(repo.join("result.nix"), "{ }\n").unwrap();
    assert_eq!(
        checked(&repo).1,
        count + 1,
        "new.nix counts, the ignored result.nix does not"
    );
}

#[test]
fn outside_git_check_reads_every_file_whatever_ignore_files_say() {
    let (scratch, repo) = new_repo(&[]);
    let (code, count, _) = checked(&repo);
    assert_eq!(code, 0);
    std::fs::write(scratch.path().join(".gitignore"), "*\n").unwrap();
    std::fs::write(repo.join(".gitignore"), "modules/\n").unwrap();
    std::fs::write(repo.join(".ignore"), "*.nix\n").unwrap();
    assert_eq!(checked(&repo), (0, count, Vec::new()));
    // Hidden files too: a flake from a plain directory copies them.
    std::fs::create_dir(repo.join(".hidden")).unwrap();
    std::fs::write(repo.join(".hidden/x.nix"), "{ }\n").unwrap();
    assert_eq!(checked(&repo).1, count + 1);
}

mod sizes {
    //! What the fuzz targets reach by expanding their inputs (fuzz/fuzz_targets/check_file.rs and
    //! answers_file.rs), as properties that run in every `cargo test`: long runs of one character
    //! and large lists of hosts and users stay linear.

    use std::fmt::Write as _;

    use nixscaffold::answers::AnswersFile;
    use nixscaffold::check::Repo;
    use nixscaffold::generate::plan_new;
    use nixscaffold::nix::within_parse_limits;
    use nixscaffold::render::Renderer;
    use proptest::prelude::*;

    fn answers(count: usize, stem: &str, repeat: bool) -> String {
        let mut text = String::from("platforms: [nixos, home]\nhosts:\n");
        for i in 0..count {
            let _ = writeln!(text, "- nixos/{stem}{i}");
        }
        text.push_str("users:\n");
        for i in 0..count {
            let _ = writeln!(text, "- {stem}{i}");
        }
        if repeat && count > 0 {
            let _ = writeln!(text, "- {stem}0");
        }
        text
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

        #[test]
        fn a_long_run_of_one_character_is_decided_quickly(
            c in proptest::sample::select(b"-.+_a1 \t\n[{(\"'$/\\*#=;:@<>".to_vec()),
            count in 1usize..3_000_000,
            prefix in "[ -~]{0,20}",
            suffix in "[ -~]{0,20}",
        ) {
            let text = format!("{prefix}{}{suffix}", char::from(c).to_string().repeat(count));
            let started = std::time::Instant::now();
            let verdict = within_parse_limits(&text);
            prop_assert!(started.elapsed().as_secs() < 10, "{:?} for {count} {:?}", started.elapsed(), char::from(c));
            if verdict.is_ok() && count < 20_000 {
                // What check then does with it: never a panic.
                let _ = Repo::in_memory(&[("modules/nixos/x.nix", &text)]).check();
            }
        }

        #[test]
        fn large_answers_resolve_in_linear_time(
            count in 1usize..20_000,
            stem in "[a-z][a-z0-9]{0,6}",
            repeat in any::<bool>(),
        ) {
            let text = answers(count, &stem, repeat);
            let file: AnswersFile = serde_saphyr::from_str(&text).unwrap();
            let started = std::time::Instant::now();
            let resolved = file.resolve("repo");
            prop_assert!(started.elapsed().as_secs() < 10, "{:?} for {count}", started.elapsed());
            match resolved {
                Ok(answers) => {
                    prop_assert!(!repeat);
                    prop_assert_eq!(answers.users.len(), count);
                    if count <= 150 {
                        plan_new(&answers, &Renderer::new(None).unwrap()).unwrap();
                    }
                }
                Err(message) => prop_assert!(repeat && message.contains("given twice"), "{}", message),
            }
        }
    }
}
