//! Hostile and broken inputs for `new` and `add-*` (issue 5, "nothing lost, nothing panics"): path
//! traversal, links out of the repository and link loops, unreadable and misplaced files, text and
//! names that are not UTF-8, empty and malformed answers, huge files, a full disk. Each refusal exits
//! with 2, names the file or argument and the fix, and leaves the whole scratch directory byte for
//! byte as it was. Where the tool should cope instead, the test says so and checks it copes.

use std::ffi::OsStr;
use std::io::Write as _;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{symlink, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::support::*;

/// Runs nixscaffold in `cwd`, expects exit code 2 with every one of `messages` in stderr, and
/// `scratch` unchanged. Returns stderr.
fn refused(scratch: &Path, cwd: &Path, args: &[&OsStr], messages: &[&str]) -> String {
    let hash = tree_hash(scratch);
    let output = nixscaffold(cwd)
        .args(args)
        .output()
        .expect("nixscaffold runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
    for message in messages {
        assert!(
            stderr.contains(message),
            "{args:?}: expected {message:?} in: {stderr}"
        );
    }
    assert_eq!(
        tree_hash(scratch),
        hash,
        "{args:?} changed the scratch directory"
    );
    stderr
}

fn refuse(scratch: &Path, cwd: &Path, args: &[&str], messages: &[&str]) -> String {
    let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    refused(scratch, cwd, &args, messages)
}

/// Runs nixscaffold in `cwd` and expects success.
fn succeeds(cwd: &Path, args: &[&str]) -> String {
    let output = nixscaffold(cwd)
        .args(args)
        .output()
        .expect("nixscaffold runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
    stderr
}

/// Whether permission bits stop this process (they do not for root, as in CI).
fn permissions_enforced(scratch: &Path) -> bool {
    let probe = scratch.join("permission-probe");
    std::fs::create_dir(&probe).unwrap();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o555)).unwrap();
    let enforced = std::fs::write(probe.join("x"), "x").is_err();
    let _ = std::fs::remove_file(probe.join("x"));
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::remove_dir(&probe).unwrap();
    enforced
}

fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Temporary files the writer uses; none may survive a failure.
fn leftover_temp_files(root: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".nixscaffold-"))
        .map(|e| e.into_path())
        .collect()
}

/// Each add-* command with the word its argument starts with (none for add-user).
const ADDS: [(&str, &str); 4] = [
    ("add-module", "home/"),
    ("add-host", "nixos/"),
    ("add-user", ""),
    ("add-package", "custom/"),
];

#[test]
fn path_traversal_in_every_add_argument_is_refused() {
    let (scratch, repo) = new_repo(&[]);
    let traversals = [
        "../x",
        "a/../../x",
        "..",
        ".",
        "./x",
        "/etc/x",
        "/",
        "~",
        "~/x",
        "x/~",
        "$HOME",
        "x\\..\\y",
    ];
    for (command, prefix) in ADDS {
        for traversal in traversals {
            for arg in [traversal.to_string(), format!("{prefix}{traversal}")] {
                // Names the argument, and shows a correct one (or the words this repository has).
                let stderr = refuse(
                    scratch.path(),
                    &repo,
                    &[command, &arg],
                    &[&format!("`{arg}`")],
                );
                assert!(
                    stderr.contains(&format!("usage: nixscaffold {command}"))
                        || stderr.contains(": this repository has "),
                    "{arg:?}: {stderr}"
                );
            }
        }
    }
}

#[test]
fn path_traversal_in_the_answers_of_new_is_refused() {
    let scratch = scratch();
    let dir = scratch.path().join("repo");
    let dir = dir.to_str().unwrap();
    for (flag, value, message) in [
        ("--user", "../x", "`../x` is not a valid user name"),
        ("--user", "~", "`~` is not a valid user name"),
        ("--user", "/etc", "`/etc` is not a valid user name"),
        ("--user", "a/b", "`a/b` is not a valid user name"),
        ("--host", "nixos/../../x", "is not a valid host name"),
        ("--host", "nixos/a/b", "is not a valid host name"),
        ("--host", "/etc/x", "is not a machine platform"),
        ("--namespace", "../x", "namespace `../x` is not a valid"),
    ] {
        refuse(
            scratch.path(),
            scratch.path(),
            &["new", dir, "--yes", "--no-git", flag, value],
            &[message],
        );
    }
    let config = scratch.path().join("answers.yaml");
    std::fs::write(
        &config,
        "hosts: [nixos/../../etc]\nusers: [\"../../root\"]\n",
    )
    .unwrap();
    refuse(
        scratch.path(),
        scratch.path(),
        &[
            "new",
            dir,
            "--yes",
            "--no-git",
            "--config",
            config.to_str().unwrap(),
        ],
        &["is not a valid host name", "answers.yaml"],
    );
}

#[test]
fn new_refuses_a_directory_that_is_a_link_or_lies_under_a_file() {
    let scratch = scratch();
    let outside = scratch.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    symlink(&outside, scratch.path().join("link")).unwrap();
    refuse(
        scratch.path(),
        scratch.path(),
        &["new", "link", "--yes", "--no-git"],
        &["link is a symbolic link", "give the real directory instead"],
    );
    symlink(
        scratch.path().join("missing"),
        scratch.path().join("dangling"),
    )
    .unwrap();
    refuse(
        scratch.path(),
        scratch.path(),
        &["new", "dangling", "--yes", "--no-git"],
        &["dangling is a symbolic link"],
    );
    std::fs::write(scratch.path().join("afile"), "mine").unwrap();
    refuse(
        scratch.path(),
        scratch.path(),
        &["new", "afile/repo", "--yes", "--no-git"],
        &["afile/repo", "is a file, not a directory"],
    );
    refuse(
        scratch.path(),
        scratch.path(),
        &["new", "afile", "--yes", "--no-git"],
        &["afile exists and is not a directory"],
    );
}

/// Replaces `relative` in `repo` with a link to `outside`, runs `args` expecting a refusal, puts it back.
fn refused_through_link(scratch: &Path, repo: &Path, relative: &str, args: &[&str]) {
    let outside = scratch.join("outside");
    let real = repo.join(relative);
    let moved = scratch.join("moved-away");
    std::fs::rename(&real, &moved).unwrap();
    symlink(&outside, &real).unwrap();
    let stderr = refuse(
        scratch,
        repo,
        args,
        &[
            &format!("{} is a symbolic link", real.display()),
            "Replace the link with the directory itself",
        ],
    );
    assert_eq!(
        std::fs::read_dir(&outside).unwrap().count(),
        0,
        "{args:?} wrote outside: {stderr}"
    );
    std::fs::remove_file(&real).unwrap();
    std::fs::rename(&moved, &real).unwrap();
}

#[test]
fn links_out_of_the_repository_are_never_followed() {
    let (scratch, repo) = new_repo(&[]);
    let outside = scratch.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    // A whole module tree, a platform's hosts, all hosts, the homes, a package set: each a link.
    for (relative, args) in [
        ("modules/nixos", &["add-module", "nixos/x"][..]),
        ("modules/home", &["add-module", "home/a/b"]),
        ("modules", &["add-module", "darwin/x"]),
        ("hosts/nixos", &["add-host", "nixos/x"]),
        ("hosts", &["add-host", "darwin/x"]),
        ("home", &["add-user", "bob"]),
        ("pkgs/custom", &["add-package", "custom/x"]),
        ("pkgs", &["add-package", "pypi/x"]),
    ] {
        refused_through_link(scratch.path(), &repo, relative, args);
    }
    // A link deeper in a module tree, also when the outside holds what looks like a module tree.
    std::fs::write(
        outside.join("default.nix"),
        "{ lib, ... }: { imports = lib.custom.scanPaths ./.; }\n",
    )
    .unwrap();
    symlink(&outside, repo.join("modules/home/linked")).unwrap();
    let hash = tree_hash(&outside);
    refuse(
        scratch.path(),
        &repo,
        &["add-module", "home/linked/x"],
        &["modules/home/linked is a symbolic link"],
    );
    assert_eq!(tree_hash(&outside), hash);
}

#[test]
fn a_repository_reached_through_a_link_is_written_where_the_link_points() {
    // The repository is the directory the link names: --repo and the current directory resolve.
    let (scratch, repo) = new_repo(&[]);
    let link = scratch.path().join("link");
    symlink(&repo, &link).unwrap();
    succeeds(
        scratch.path(),
        &["add-module", "home/x", "--repo", link.to_str().unwrap()],
    );
    assert!(repo.join("modules/home/x.nix").is_file());
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn link_loops_inside_the_tree_are_refused_or_left_alone() {
    let (scratch, repo) = new_repo(&[]);
    symlink("loop", repo.join("modules/home/loop")).unwrap();
    symlink("b", repo.join("modules/home/a")).unwrap();
    symlink("a", repo.join("modules/home/b")).unwrap();
    symlink("self", repo.join("hosts/nixos/self")).unwrap();
    refuse(
        scratch.path(),
        &repo,
        &["add-module", "home/loop/x"],
        &["modules/home/loop is a symbolic link"],
    );
    refuse(
        scratch.path(),
        &repo,
        &["add-module", "home/a/deeper/x"],
        &["modules/home/a is a symbolic link"],
    );
    // The loop's own name is taken; a name beside it is fine and leaves the loops as they were.
    refuse(
        scratch.path(),
        &repo,
        &["add-host", "nixos/self"],
        &["hosts/nixos/self already exists", "never overwrites"],
    );
    succeeds(&repo, &["add-module", "home/x"]);
    succeeds(&repo, &["add-host", "nixos/other"]);
    assert_eq!(
        std::fs::read_link(repo.join("modules/home/loop")).unwrap(),
        Path::new("loop")
    );
    // `new` into a directory holding only a loop: it is not empty.
    let dir = scratch.path().join("looped");
    std::fs::create_dir(&dir).unwrap();
    symlink("x", dir.join("x")).unwrap();
    refuse(
        scratch.path(),
        scratch.path(),
        &["new", "looped", "--yes", "--no-git"],
        &["looped is not empty (it has x)"],
    );
}

#[test]
fn unreadable_places_are_reported_not_mistaken_for_missing_ones() {
    // Root-proof stand-ins for "cannot read": a directory where a file is read. Before the fix the
    // module tree's default.nix as a directory was reported as missing, with advice to adopt.
    let (scratch, repo) = new_repo(&[]);
    let answers = repo.join(".nixscaffold.yaml");
    let saved = std::fs::read(&answers).unwrap();
    std::fs::remove_file(&answers).unwrap();
    std::fs::create_dir(&answers).unwrap();
    for (command, prefix) in ADDS {
        refuse(
            scratch.path(),
            &repo,
            &[command, &format!("{prefix}x")],
            &[
                "cannot read",
                ".nixscaffold.yaml",
                "it is a directory where a file belongs",
            ],
        );
    }
    std::fs::remove_dir(&answers).unwrap();
    std::fs::write(&answers, &saved).unwrap();

    let tree = repo.join("modules/home/default.nix");
    let saved = std::fs::read(&tree).unwrap();
    std::fs::remove_file(&tree).unwrap();
    std::fs::create_dir(&tree).unwrap();
    let stderr = refuse(
        scratch.path(),
        &repo,
        &["add-module", "home/x"],
        &[
            "cannot read",
            "modules/home/default.nix",
            "it is a directory",
        ],
    );
    assert!(!stderr.contains("is missing"), "{stderr}");
    std::fs::remove_dir(&tree).unwrap();
    std::fs::write(&tree, &saved).unwrap();

    // new --config given a directory.
    std::fs::create_dir(scratch.path().join("answers.yaml")).unwrap();
    refuse(
        scratch.path(),
        scratch.path(),
        &[
            "new",
            "fresh",
            "--yes",
            "--no-git",
            "--config",
            "answers.yaml",
        ],
        &[
            "cannot read answers.yaml",
            "it is a directory where a file belongs",
        ],
    );

    std::fs::create_dir_all(repo.join("modules/home/shell/default.nix")).unwrap();
    let stderr = refuse(
        scratch.path(),
        &repo,
        &["add-module", "home/shell/zsh"],
        &["cannot read", "modules/home/shell/default.nix"],
    );
    assert!(!stderr.contains("already exists"), "{stderr}");
}

#[test]
fn permission_denied_is_reported_with_the_file_and_the_fix() {
    let (scratch, repo) = new_repo(&[]);
    let enforced = permissions_enforced(scratch.path());
    if !enforced {
        // Straight to stderr: the test harness captures eprintln!, and this must be seen.
        let _ = writeln!(
            std::io::stderr(),
            "permission_denied_is_reported_with_the_file_and_the_fix: permission bits do not stop \
             this process (root?), so only the weaker promise is checked: nixscaffold reads and \
             writes as allowed and keeps every mode as it was"
        );
    }
    let mode = |path: &Path, bits: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(bits)).unwrap()
    };
    let answers = repo.join(".nixscaffold.yaml");
    let modules = repo.join("modules/home");
    for (path, bits, args, message) in [
        (
            &answers,
            0o000,
            &["add-user", "bob"][..],
            ".nixscaffold.yaml",
        ),
        (&modules, 0o000, &["add-module", "home/x"], "modules/home"),
        (&modules, 0o555, &["add-module", "home/y"], "modules/home"),
    ] {
        // Hashed with the usual modes: a tree that cannot be read cannot be hashed.
        let before = tree_hash(scratch.path());
        let usual = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        mode(path, bits);
        let output = nixscaffold(&repo).args(args).output().unwrap();
        let kept = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        mode(path, usual);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            kept,
            bits,
            "{args:?} changed the mode of {}",
            path.display()
        );
        if enforced {
            assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
            for expected in [message, "Permission denied", "check its permissions"] {
                assert!(
                    stderr.contains(expected),
                    "{args:?}: {expected:?} in {stderr}"
                );
            }
            assert_eq!(
                tree_hash(scratch.path()),
                before,
                "{args:?} changed the tree"
            );
        } else {
            assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        }
    }
}

#[test]
fn text_that_is_not_utf8_is_refused_with_its_position() {
    let (scratch, repo) = new_repo(&[]);
    let answers = repo.join(".nixscaffold.yaml");
    let saved = std::fs::read(&answers).unwrap();
    std::fs::write(&answers, b"name: repo\nnamespace: r\xffx\n").unwrap();
    for (command, prefix) in ADDS {
        refuse(
            scratch.path(),
            &repo,
            &[command, &format!("{prefix}x")],
            &[
                ".nixscaffold.yaml: line 2 column 13",
                "not UTF-8",
                "save it as UTF-8",
            ],
        );
    }
    std::fs::write(&answers, &saved).unwrap();
    // A directory's default.nix that is not text: before the fix, "already exists".
    std::fs::create_dir(repo.join("modules/home/shell")).unwrap();
    std::fs::write(repo.join("modules/home/shell/default.nix"), b"\xfe\xff{}").unwrap();
    refuse(
        scratch.path(),
        &repo,
        &["add-module", "home/shell/zsh"],
        &[
            "modules/home/shell/default.nix: line 1 column 1",
            "not UTF-8",
        ],
    );
    // new --config and a --template file.
    let config = scratch.path().join("answers.yaml");
    std::fs::write(&config, b"users: [al\xc3]\n").unwrap();
    refuse(
        scratch.path(),
        scratch.path(),
        &[
            "new",
            "fresh",
            "--yes",
            "--no-git",
            "--config",
            "answers.yaml",
        ],
        &["answers.yaml: line 1 column 11", "not UTF-8"],
    );
    let templates = scratch.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(templates.join("auto-import.nix"), b"\x80").unwrap();
    refuse(
        scratch.path(),
        scratch.path(),
        &[
            "new",
            "fresh",
            "--yes",
            "--no-git",
            "--template",
            "templates",
        ],
        &["auto-import.nix: line 1 column 1", "not UTF-8"],
    );
}

#[test]
fn names_that_are_not_utf8() {
    let (scratch, repo) = new_repo(&[]);
    // As an argument of every add-* (on unix any bytes can be an argument).
    for (command, prefix) in ADDS {
        let mut arg = prefix.as_bytes().to_vec();
        arg.extend(b"na\xffme");
        refused(
            scratch.path(),
            &repo,
            &[OsStr::new(command), OsStr::from_bytes(&arg)],
            &["is not valid UTF-8", "letters, digits"],
        );
    }
    // As a file name inside a module tree: add-* does not trip over it and leaves it alone.
    let odd = repo.join(OsStr::from_bytes(b"modules/home/\xff\xfe.nix"));
    std::fs::write(&odd, "{ }\n").unwrap();
    succeeds(&repo, &["add-module", "home/x"]);
    assert_eq!(std::fs::read(&odd).unwrap(), b"{ }\n");
    // As the directory of `new`: the name cannot come from it, so --name must say it. Before the
    // fix the repository was silently named with a replacement character.
    let bad = OsStr::from_bytes(b"caf\xe9");
    refused(
        scratch.path(),
        scratch.path(),
        &[
            OsStr::new("new"),
            bad,
            OsStr::new("--yes"),
            OsStr::new("--no-git"),
        ],
        &["is not UTF-8", "give one with --name NAME"],
    );
    nixscaffold(scratch.path())
        .arg("new")
        .arg(bad)
        .args(["--yes", "--no-git", "--name", "cafe"])
        .assert()
        .success();
    let recorded = std::fs::read_to_string(scratch.path().join(bad).join(".nixscaffold.yaml"));
    assert!(recorded.unwrap().contains("name: cafe"));
    // A non-UTF-8 value of a flag is clap's usage error.
    refused(
        scratch.path(),
        scratch.path(),
        &[
            OsStr::new("new"),
            OsStr::new("x"),
            OsStr::new("--user"),
            OsStr::from_bytes(b"\xff"),
        ],
        &["invalid UTF-8"],
    );
}

#[test]
fn an_empty_answers_file_is_refused_not_taken_for_defaults() {
    let (scratch, repo) = new_repo(&["--platform", "nixos", "--namespace", "mine"]);
    let answers = repo.join(".nixscaffold.yaml");
    for text in ["", "\n\n", "# only a comment\n", "---\n", "~\n", "{}\n"] {
        std::fs::write(&answers, text).unwrap();
        for (command, prefix) in ADDS {
            refuse(
                scratch.path(),
                &repo,
                &[command, &format!("{prefix}x")],
                &[
                    ".nixscaffold.yaml: it records nothing",
                    "git checkout -- .nixscaffold.yaml",
                    "`platforms` and `namespace`",
                ],
            );
        }
    }
    // For `new`, an empty --config is simply no answers: every default.
    std::fs::write(scratch.path().join("empty.yaml"), "").unwrap();
    succeeds(
        scratch.path(),
        &[
            "new",
            "fresh",
            "--yes",
            "--no-git",
            "--config",
            "empty.yaml",
        ],
    );
}

#[test]
fn malformed_or_wrong_typed_answers_show_line_and_column() {
    let (scratch, repo) = new_repo(&[]);
    let answers = repo.join(".nixscaffold.yaml");
    for (text, messages) in [
        (
            "platforms: 5\n",
            &["line 1 column 12", "expected sequence"][..],
        ),
        ("name: x\nhosts: {a: b}\n", &["line 2 column 8"]),
        (
            "name: x\nplatfrom: [nixos]\n",
            &[
                "line 2 column 1",
                "unknown field `platfrom`",
                "expected one of",
            ],
        ),
        (
            "platforms: [nixos, bsd]\n",
            &["line 1 column 20", "unknown variant `bsd`"],
        ),
        ("name: [unclosed\n", &["line 1 column 7"]),
        (
            "name: x\nname: y\n",
            &[
                "line 2 column 1",
                "duplicate mapping key: name; keep one of them",
            ],
        ),
        ("users: *nowhere\n", &["line 1"]),
    ] {
        std::fs::write(&answers, text).unwrap();
        let stderr = refuse(
            scratch.path(),
            &repo,
            &["add-module", "home/x"],
            &[&format!("{}: ", answers.display())],
        );
        for message in messages {
            assert!(
                stderr.contains(message),
                "{text:?}: {message:?} in {stderr}"
            );
        }
        assert!(
            !stderr.contains("yaml: error:"),
            "one `error:` is enough: {stderr}"
        );
    }
}

#[test]
fn a_flake_nix_that_does_not_parse_does_not_stop_add() {
    // add-* never reads flake.nix (it only marks the repository's top), so a broken one is no
    // reason to refuse; it is left exactly as it was.
    let (_scratch, repo) = new_repo(&[]);
    let broken = b"{ inputs = { (((\n\xff not even text";
    std::fs::write(repo.join("flake.nix"), broken).unwrap();
    for args in [
        &["add-module", "home/x"][..],
        &["add-host", "nixos/x"],
        &["add-user", "x"],
        &["add-package", "custom/x"],
    ] {
        succeeds(&repo, args);
    }
    assert_eq!(std::fs::read(repo.join("flake.nix")).unwrap(), broken);
    // A flake.nix that is a directory is no flake.nix.
    let (scratch, repo) = new_repo(&[]);
    std::fs::remove_file(repo.join("flake.nix")).unwrap();
    std::fs::create_dir(repo.join("flake.nix")).unwrap();
    refuse(
        scratch.path(),
        scratch.path(),
        &["add-user", "x", "--repo", repo.to_str().unwrap()],
        &["there is no flake.nix there"],
    );
}

#[test]
fn fifty_megabytes_of_nix_in_the_tree_are_no_trouble() {
    let (_scratch, repo) = new_repo(&[]);
    let shell = repo.join("modules/home/shell");
    std::fs::create_dir(&shell).unwrap();
    let mut big = b"{ lib, ... }: { imports = lib.custom.scanPaths ./.; }\n".to_vec();
    big.extend(std::iter::repeat_n(b"# padding padding padding padding\n", 1_500_000).flatten());
    assert!(big.len() > 50_000_000);
    std::fs::write(shell.join("default.nix"), &big).unwrap();
    std::fs::write(repo.join("modules/home/big.nix"), &big).unwrap();
    let started = std::time::Instant::now();
    succeeds(&repo, &["add-module", "home/shell/zsh"]);
    succeeds(&repo, &["add-module", "home/other"]);
    // A guard against a hang or a quadratic pass, not a timing: a debug build on a loaded 2-core
    // machine takes about 15 s here (the auto-import test parses the 50 MB default.nix).
    assert!(
        started.elapsed() < std::time::Duration::from_secs(120),
        "two adds beside 100 MB took {:?}",
        started.elapsed()
    );
    assert!(shell.join("zsh.nix").is_file());
    assert_eq!(
        std::fs::read(shell.join("default.nix")).unwrap().len(),
        big.len()
    );
}

#[test]
fn a_file_where_a_directory_belongs_is_refused_with_the_fix() {
    // Root-proof stand-in for a read-only target: the parent of the target is a regular file.
    let (scratch, repo) = new_repo(&[]);
    std::fs::write(repo.join("modules/home/shell"), "mine").unwrap();
    std::fs::remove_dir_all(repo.join("hosts/darwin")).unwrap();
    std::fs::write(repo.join("hosts/darwin"), "mine").unwrap();
    std::fs::remove_dir_all(repo.join("pkgs/pypi")).unwrap();
    std::fs::write(repo.join("pkgs/pypi"), "mine").unwrap();
    for (args, file) in [
        (&["add-module", "home/shell/zsh"][..], "modules/home/shell"),
        (&["add-module", "home/shell/a/b"], "modules/home/shell"),
        (&["add-host", "darwin/mbp"], "hosts/darwin"),
        (&["add-package", "pypi/x"], "pkgs/pypi"),
    ] {
        refuse(
            scratch.path(),
            &repo,
            args,
            &[
                &format!("{file} is a file where a directory is needed"),
                "move it away",
            ],
        );
    }
}

#[test]
fn a_module_file_cannot_also_become_a_directory_in_either_order() {
    // Before the fix, home/a then home/a/b made both a.nix and a/ (the module `a` twice over),
    // while home/a/b then home/a was refused: the outcome hung on the order.
    let (scratch, repo) = new_repo(&[]);
    succeeds(&repo, &["add-module", "home/a"]);
    refuse(
        scratch.path(),
        &repo,
        &["add-module", "home/a/b"],
        &[
            "modules/home/a.nix already exists",
            "move it to modules/home/a/default.nix first",
        ],
    );
    succeeds(&repo, &["add-module", "home/c/d"]);
    refuse(
        scratch.path(),
        &repo,
        &["add-module", "home/c"],
        &["modules/home/c already exists"],
    );
}

/// A command that may write at most `limit` bytes into any one file, as on a full disk: the
/// kernel answers a bigger write with EFBIG (SIGXFSZ is ignored, so the process is not killed).
fn with_file_size_limit(cwd: &Path, limit: u64, args: &[&str]) -> std::process::Output {
    use std::os::unix::process::CommandExt;
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("nixscaffold"));
    command.current_dir(cwd).args(args).env("NO_COLOR", "1");
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let rlimit = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &rlimit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    command.output().expect("nixscaffold runs")
}

#[test]
fn a_write_that_fails_midway_leaves_nothing_behind() {
    // new: the first files (flake.nix, lib/default.nix, …) fit, flake/configurations.nix does not;
    // all of it is rolled back.
    let scratch = scratch();
    let hash = tree_hash(scratch.path());
    let output = with_file_size_limit(scratch.path(), 1500, &["new", "repo", "--yes", "--no-git"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("File too large"), "{stderr}");
    assert!(stderr.contains("free some space"), "{stderr}");
    assert_eq!(tree_hash(scratch.path()), hash, "new left something behind");

    // add-user: home/bob/default.nix (about 300 bytes) is written, then the edited
    // .nixscaffold.yaml (over 500) is not; the new file is removed again and the answers kept.
    let (scratch, repo) = new_repo(&[]);
    let answers_len = std::fs::metadata(repo.join(".nixscaffold.yaml"))
        .unwrap()
        .len();
    assert!(
        answers_len > 450,
        "the test needs a .nixscaffold.yaml bigger than the limit"
    );
    let hash = tree_hash(scratch.path());
    let output = with_file_size_limit(&repo, answers_len, &["add-user", "bob"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(".nixscaffold.yaml"), "{stderr}");
    assert_eq!(
        tree_hash(scratch.path()),
        hash,
        "add-user left something behind"
    );
    assert!(leftover_temp_files(scratch.path()).is_empty());
}

/// A tiny tmpfs, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Tmpfs {
        std::fs::create_dir_all(at).unwrap();
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .status()
            .expect("mount runs");
        assert!(
            status.success(),
            "running as root, yet `mount -t tmpfs` failed: this test needs it (a container without \
             CAP_SYS_ADMIN?)"
        );
        Tmpfs(at.to_path_buf())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_leaves_nothing_behind() {
    if !running_as_root() {
        // Straight to stderr: the test harness captures eprintln!, and this must be seen.
        let _ = writeln!(
            std::io::stderr(),
            "a_full_disk_leaves_nothing_behind: not root, so no tmpfs can be mounted; \
             a_write_that_fails_midway_leaves_nothing_behind covers a failing write instead"
        );
        return;
    }
    let scratch = scratch();
    // new into a 64 KiB tmpfs: each file takes a 4 KiB page, so the disk fills up midway.
    let small = Tmpfs::mount(&scratch.path().join("small"), "64k");
    let hash = tree_hash(scratch.path());
    let output = nixscaffold(scratch.path())
        .args(["new", "small/repo", "--yes", "--no-git"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(stderr.contains("free some space"), "{stderr}");
    assert_eq!(tree_hash(scratch.path()), hash, "new left something behind");
    drop(small);

    // add-module into a repository whose disk has just filled up.
    let roomy = Tmpfs::mount(&scratch.path().join("roomy"), "1m");
    nixscaffold(scratch.path())
        .args(["new", "roomy/repo", "--yes", "--no-git"])
        .assert()
        .success();
    let filler = scratch.path().join("roomy/filler");
    let mut file = std::fs::File::create(&filler).unwrap();
    let page = vec![0u8; 4096];
    while std::io::Write::write_all(&mut file, &page).is_ok() {}
    drop(file);
    let hash = tree_hash(scratch.path());
    let stderr = refuse(
        scratch.path(),
        &scratch.path().join("roomy/repo"),
        &["add-module", "home/shell/zsh"],
        &["No space left on device", "free some space"],
    );
    assert!(leftover_temp_files(scratch.path()).is_empty(), "{stderr}");
    assert_eq!(tree_hash(scratch.path()), hash);
    drop(roomy);
}

/// Runs nixscaffold with stderr (and stdout) a pipe nobody reads: every write to it fails.
fn with_closed_output(cwd: &Path, args: &[&str]) -> std::process::ExitStatus {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    std::process::Command::new(assert_cmd::cargo::cargo_bin("nixscaffold"))
        .current_dir(cwd)
        .args(args)
        .stdout(writer.try_clone().unwrap())
        .stderr(writer)
        .status()
        .expect("nixscaffold runs")
}

#[test]
fn a_closed_stderr_turns_no_error_or_warning_into_a_panic() {
    // Before the fix, `nixscaffold add-user ../x 2>&1 | head -c0` panicked (exit 101) on the error
    // message, and a warning could stop an add before it wrote anything.
    let (scratch, repo) = new_repo(&[]);
    let hash = tree_hash(scratch.path());
    let status = with_closed_output(&repo, &["add-user", "../x"]);
    assert_eq!(status.code(), Some(2), "{status:?}");
    assert_eq!(tree_hash(scratch.path()), hash);
    // A warning (this default.nix does not auto-import), then the add goes on.
    std::fs::write(
        repo.join("modules/home/default.nix"),
        "{ imports = [ ]; }\n",
    )
    .unwrap();
    let status = with_closed_output(&repo, &["add-module", "home/x"]);
    assert_eq!(status.code(), Some(0), "{status:?}");
    assert!(repo.join("modules/home/x.nix").is_file());
}
