//! `nixscaffold add-*`: each kind added to a fresh repository (snapshot, real-Nix validity, scanPaths
//! sees it, a second add fails and changes nothing), every bad input refused with exit code 2 and the
//! tree untouched, `.nixscaffold.yaml` edited in place, and git work trees left as the user had them.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

use predicates::prelude::*;
use predicates::str::contains;

use crate::support::*;

/// What an add changed: the files it created and, as a diff, the files it edited; then its output.
fn changes(before: &BTreeMap<String, Vec<u8>>, root: &Path, stdout: &str) -> String {
    let after = files(root);
    let mut text = String::from("# created\n");
    for path in after.keys().filter(|p| !before.contains_key(*p)) {
        text.push_str(path);
        text.push('\n');
    }
    assert!(
        before.keys().all(|p| after.contains_key(p)),
        "an add never removes a file"
    );
    for (path, bytes) in &after {
        match before.get(path) {
            None => {
                text.push_str(&format!("\n# ==== {path} ====\n"));
                text.push_str(&String::from_utf8_lossy(bytes));
            }
            Some(old) if old != bytes => {
                let old = String::from_utf8_lossy(old);
                let new = String::from_utf8_lossy(bytes);
                text.push_str(&format!("\n# ==== {path} (changed) ====\n"));
                text.push_str(
                    &similar::TextDiff::from_lines(&old, &new)
                        .unified_diff()
                        .context_radius(1)
                        .to_string(),
                );
            }
            Some(_) => {}
        }
    }
    let shown = stdout.replace(&root.display().to_string(), "[REPO]");
    text.push_str(&format!("\n# ==== stdout ====\n{shown}"));
    text
}

/// Runs `nixscaffold <args>` inside `repo` (so the repository is found by walking up).
fn add(repo: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    nixscaffold(repo).args(args).assert()
}

/// The names scanPaths (the repository's own lib) finds in `dir`, as JSON.
fn scan(scratch: &Path, repo: &Path, dir: &str) -> String {
    nix_eval_json(
        scratch,
        &format!(
            "map (p: baseNameOf (toString p)) ((import {0}/lib).scanPaths {0}/{dir})",
            repo.display()
        ),
    )
}

/// The whole promise for one addition: it succeeds, its files are pinned, every .nix is valid,
/// scanPaths on `scanned` lists `entry`, and the same add again fails with nothing changed.
fn adds(new_args: &[&str], args: &[&str], name: &str, scanned: &str, entry: &str) -> TestRepo {
    let (scratch, repo) = new_repo(new_args);
    let before = files(&repo);
    let output = add(&repo, args).success().get_output().stdout.clone();
    let stdout = String::from_utf8(output).unwrap();
    snapshot(name, &changes(&before, &repo, &stdout));
    assert_all_nix_valid(scratch.path(), &repo);
    let listed = scan(scratch.path(), &repo, scanned);
    assert!(
        listed.contains(&format!("\"{entry}\"")),
        "scanPaths {scanned} = {listed}, without {entry}"
    );

    let hash = tree_hash(&repo);
    add(&repo, args)
        .code(2)
        .stderr(contains("already exists"))
        .stderr(contains("never overwrites"));
    assert_eq!(
        tree_hash(&repo),
        hash,
        "a second add changed the repository"
    );
    TestRepo { scratch, repo }
}

struct TestRepo {
    scratch: tempfile::TempDir,
    repo: std::path::PathBuf,
}

impl TestRepo {
    fn eval(&self, expr: &str) -> String {
        nix_eval_json(
            self.scratch.path(),
            &expr.replace("REPO", &self.repo.display().to_string()),
        )
    }
}

#[test]
fn add_module_nested_in_home() {
    let t = adds(
        &[],
        &["add-module", "home/shell/zsh"],
        "add_module_home_shell_zsh",
        "modules/home/shell",
        "zsh.nix",
    );
    // The new directory auto-imports like its parent, which lists its modules in place.
    assert!(scan(t.scratch.path(), &t.repo, "modules/home").contains("\"zsh.nix\""));
    // The module declares its option under the repository's namespace (lib stubbed: no nixpkgs).
    let option = t.eval(
        "(import REPO/modules/home/shell/zsh.nix { config = { }; \
         lib = { mkEnableOption = d: d; mkIf = _: v: v; }; }).options.repo.shell.zsh.enable",
    );
    assert_eq!(option, r#""the shell.zsh module""#);
}

#[test]
fn add_module_as_a_directory_in_darwin() {
    adds(
        &[],
        &["add-module", "darwin/dock", "--as-dir"],
        "add_module_darwin_dock_as_dir",
        "modules/darwin",
        "dock",
    );
}

#[test]
fn add_module_uses_the_recorded_namespace() {
    let t = adds(
        &["--platform", "nixos", "--namespace", "acme"],
        &["add-module", "nixos/services/web"],
        "add_module_nixos_namespace_acme",
        "modules/nixos/services",
        "web.nix",
    );
    let option = t.eval(
        "builtins.attrNames (import REPO/modules/nixos/services/web.nix { config = { }; \
         lib = { mkEnableOption = d: d; mkIf = _: v: v; }; }).options.acme.services.web",
    );
    assert_eq!(option, r#"["enable"]"#);
}

#[test]
fn add_host_nixos_is_discovered_and_recorded() {
    let t = adds(
        &[],
        &["add-host", "nixos/server"],
        "add_host_nixos_server",
        "hosts/nixos",
        "server",
    );
    // The recorded answers reproduce the host byte for byte: add-host writes what new writes.
    let copy = t.scratch.path().join("copy");
    nixscaffold(t.scratch.path())
        .arg("new")
        .arg(&copy)
        .args(["--yes", "--no-git", "--name", "repo", "--config"])
        .arg(t.repo.join(".nixscaffold.yaml"))
        .assert()
        .success();
    let host = "hosts/nixos/server/default.nix";
    assert_eq!(
        std::fs::read(t.repo.join(host)).unwrap(),
        std::fs::read(copy.join(host)).unwrap()
    );
}

#[test]
fn add_host_darwin_with_a_system() {
    adds(
        &[],
        &["add-host", "darwin/mbp@x86_64-darwin"],
        "add_host_darwin_mbp",
        "hosts/darwin",
        "mbp",
    );
}

#[test]
fn add_user_is_discovered_and_recorded() {
    let t = adds(
        &[],
        &["add-user", "alice"],
        "add_user_alice",
        "home",
        "alice",
    );
    let copy = t.scratch.path().join("copy");
    nixscaffold(t.scratch.path())
        .arg("new")
        .arg(&copy)
        .args(["--yes", "--no-git", "--name", "repo", "--config"])
        .arg(t.repo.join(".nixscaffold.yaml"))
        .assert()
        .success();
    let home = "home/alice/default.nix";
    assert_eq!(
        std::fs::read(t.repo.join(home)).unwrap(),
        std::fs::read(copy.join(home)).unwrap()
    );
}

/// A callPackage with stand-ins for what the skeletons take, enough to evaluate their attributes.
const STUB_CALL: &str = "let \
    fix = f: let r = f r; in r; \
    lib = { fakeHash = \"\"; licenses.mit = \"mit\"; platforms = { all = \"all\"; darwin = \"darwin\"; }; }; \
    args = { inherit lib; stdenv.mkDerivation = fix; fetchFromGitHub = a: a; \
             buildPythonPackage = a: a; fetchPypi = a: a; setuptools = \"setuptools\"; }; \
    call = path: let f = import path; in f (builtins.intersectAttrs (builtins.functionArgs f) args); \
  in";

#[test]
fn add_package_custom_is_a_call_package_derivation() {
    let t = adds(
        &[],
        &["add-package", "custom/hello"],
        "add_package_custom_hello",
        "pkgs/custom",
        "hello",
    );
    let drv = t.eval(&format!(
        "{STUB_CALL} let d = call REPO/pkgs/custom/hello/package.nix; in \
         {{ inherit (d) pname version; tag = d.src.tag; platforms = d.meta.platforms; }}"
    ));
    assert_eq!(
        drv,
        r#"{"platforms":"all","pname":"hello","tag":"v0.1.0","version":"0.1.0"}"#
    );
}

#[test]
fn add_package_darwin_only_builds_on_darwin() {
    let t = adds(
        &[],
        &["add-package", "darwin/mac-tool"],
        "add_package_darwin_mac_tool",
        "pkgs/darwin",
        "mac-tool",
    );
    let platforms = t.eval(&format!(
        "{STUB_CALL} (call REPO/pkgs/darwin/mac-tool/package.nix).meta.platforms"
    ));
    assert_eq!(platforms, r#""darwin""#);
}

#[test]
fn add_package_pypi_is_a_python_package() {
    let t = adds(
        &[],
        &["add-package", "pypi/fancy-lib"],
        "add_package_pypi_fancy_lib",
        "pkgs/pypi",
        "fancy-lib",
    );
    let drv = t.eval(&format!(
        "{STUB_CALL} let d = call REPO/pkgs/pypi/fancy-lib/package.nix; in \
         {{ inherit (d) pname pythonImportsCheck build-system; }}"
    ));
    assert_eq!(
        drv,
        r#"{"build-system":["setuptools"],"pname":"fancy-lib","pythonImportsCheck":["fancy_lib"]}"#
    );
}

#[test]
fn add_package_as_a_single_file() {
    adds(
        &[],
        &["add-package", "custom/tiny", "--as-file"],
        "add_package_custom_tiny_as_file",
        "pkgs/custom",
        "tiny.nix",
    );
}

#[test]
fn the_other_layout_of_the_same_name_counts_as_existing() {
    let (_scratch, repo) = new_repo(&[]);
    add(&repo, &["add-module", "home/git"]).success();
    let hash = tree_hash(&repo);
    add(&repo, &["add-module", "home/git", "--as-dir"])
        .code(2)
        .stderr(contains("modules/home/git.nix already exists"));
    add(&repo, &["add-user", "user"])
        .code(2)
        .stderr(contains("home/user already exists"));
    add(&repo, &["add-host", "nixos/nixos@aarch64-linux"])
        .code(2)
        .stderr(contains("hosts/nixos/nixos already exists"));
    assert_eq!(tree_hash(&repo), hash);
}

#[test]
fn dry_run_lists_the_files_and_writes_nothing() {
    let (_scratch, repo) = new_repo(&[]);
    let hash = tree_hash(&repo);
    add(&repo, &["add-module", "nixos/a/b/c", "--dry-run"])
        .success()
        .stdout(contains(
            "modules/nixos/a/default.nix  (auto-imports its directory)",
        ))
        .stdout(contains("modules/nixos/a/b/c.nix"))
        .stdout(contains("nothing was written"));
    add(&repo, &["add-host", "nixos/pi@aarch64-linux", "--dry-run"])
        .success()
        .stdout(contains(
            "Would add nixos/pi@aarch64-linux to `hosts` in .nixscaffold.yaml",
        ));
    assert_eq!(tree_hash(&repo), hash);
}

#[test]
fn found_from_a_subdirectory_or_given_with_repo() {
    let (scratch, repo) = new_repo(&[]);
    nixscaffold(&repo.join("modules/home"))
        .args(["add-module", "home/from-inside"])
        .assert()
        .success();
    assert!(repo.join("modules/home/from-inside.nix").is_file());
    nixscaffold(scratch.path())
        .args(["add-module", "home/from-outside", "-C"])
        .arg(&repo)
        .assert()
        .success();
    assert!(repo.join("modules/home/from-outside.nix").is_file());
}

/// Runs a bad add and asserts exit code 2, the message, and that the repository is unchanged.
fn refused(repo: &Path, args: &[&OsStr], message: &str) {
    let hash = tree_hash(repo);
    nixscaffold(repo)
        .args(args)
        .assert()
        .code(2)
        .stderr(contains(message));
    assert_eq!(tree_hash(repo), hash, "{args:?} changed the repository");
}

fn refuse(repo: &Path, args: &[&str], message: &str) {
    let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    refused(repo, &args, message);
}

#[test]
fn bad_paths_are_refused_with_exit_2_and_nothing_written() {
    let (_scratch, repo) = new_repo(&[]);
    for (args, message) in [
        (
            &["add-module", "foo/bar"][..],
            "unknown platform `foo` in `foo/bar`: this repository has nixos, darwin, home",
        ),
        (
            &["add-module", "/etc/nixos/x"],
            "`/etc/nixos/x` is an absolute path",
        ),
        (&["add-module", "home/../../x"], "contains `.` or `..`"),
        (&["add-module", "home/./x"], "contains `.` or `..`"),
        (&["add-module", "home//x"], "has an empty segment"),
        (&["add-module", "home/x/"], "has an empty segment"),
        (&["add-module", ""], "the PLATFORM/PATH is empty"),
        (
            &["add-module", "home"],
            "it needs the platform before a `/`",
        ),
        (&["add-module", "home/let"], "`let` is a Nix keyword"),
        (&["add-module", "home/a/in/b"], "`in` is a Nix keyword"),
        (&["add-module", "home/2fast"], "must start with a letter"),
        (&["add-module", "home/a.b"], "is not a valid module name"),
        (&["add-module", "home/x.nix"], "leave out `.nix`"),
        (&["add-module", "home/default"], "`default` is reserved"),
        (&["add-module", "home/a b"], "is not a valid module name"),
        (&["add-module", "home/x$y"], "is not a valid module name"),
        (&["add-module", "home/ünï"], "is not a valid module name"),
        (&["add-module", "home/a\nb"], "is not a valid module name"),
        (
            &["add-host", "home/x"],
            "unknown machine platform `home` in `home/x`: this repository has nixos, darwin",
        ),
        (&["add-host", "nixos/a/b"], "a host is one NAME, not a path"),
        (
            &["add-host", "nixos/a@aarch64-darwin"],
            "nixos does not run on aarch64-darwin",
        ),
        (
            &["add-host", "nixos/a@sparc-linux"],
            "not a system nixscaffold knows",
        ),
        (&["add-host", "darwin/with"], "`with` is a Nix keyword"),
        (&["add-user", "a/b"], "a user is one NAME, not a path"),
        (&["add-user", "/root"], "is an absolute path"),
        (&["add-user", "rec"], "`rec` is a Nix keyword"),
        (
            &["add-package", "npm/x"],
            "unknown package set `npm` in `npm/x`: this repository has custom, darwin, pypi",
        ),
        (
            &["add-package", "custom/a/b"],
            "a package is one NAME, not a path",
        ),
        (&["add-package", "custom/if"], "`if` is a Nix keyword"),
        (
            &["add-module", "home/x", "--as-file", "--as-dir"],
            "cannot be used with",
        ),
    ] {
        refuse(&repo, args, message);
    }
}

#[cfg(unix)]
#[test]
fn non_utf8_arguments_are_refused_without_panicking() {
    use std::os::unix::ffi::OsStrExt;
    let (_scratch, repo) = new_repo(&[]);
    for kind in ["add-module", "add-host", "add-user", "add-package"] {
        let bad = OsStr::from_bytes(b"home/\xff\xfe");
        refused(&repo, &[OsStr::new(kind), bad], "is not valid UTF-8");
    }
}

#[test]
fn platforms_and_sets_the_repository_lacks_are_named() {
    let (_scratch, repo) = new_repo(&["--platform", "home", "--overlay", "custom"]);
    refuse(
        &repo,
        &["add-module", "nixos/x"],
        "`nixos` is not a platform of this repository: it has home",
    );
    refuse(
        &repo,
        &["add-host", "darwin/mac"],
        "`darwin` is not a machine platform of this repository: it has none",
    );
    refuse(
        &repo,
        &["add-package", "pypi/x"],
        "`pypi` is not a package set of this repository: it has custom",
    );
    let (_scratch, repo) = new_repo(&["--platform", "nixos"]);
    refuse(
        &repo,
        &["add-user", "alice"],
        "this repository does not have the home platform",
    );
}

#[test]
fn a_repository_not_made_by_new_is_refused_with_how_to_adopt_it() {
    let scratch = scratch();
    let repo = scratch.path().join("theirs");
    std::fs::create_dir_all(repo.join("modules")).unwrap();
    std::fs::write(repo.join("flake.nix"), "{ outputs = _: { }; }\n").unwrap();
    for args in [
        &["add-module", "nixos/x"][..],
        &["add-host", "nixos/x"],
        &["add-user", "x"],
        &["add-package", "custom/x"],
    ] {
        refuse(&repo, args, "was not made by `nixscaffold new`");
        refuse(&repo, args, "Run `nixscaffold adopt` first");
    }
}

#[test]
fn malformed_answers_are_refused_with_the_file_named() {
    let (_scratch, repo) = new_repo(&[]);
    std::fs::write(repo.join(".nixscaffold.yaml"), "platforms: [nixos\n").unwrap();
    refuse(&repo, &["add-module", "nixos/x"], ".nixscaffold.yaml:");
    std::fs::write(repo.join(".nixscaffold.yaml"), "namespace: let\n").unwrap();
    refuse(
        &repo,
        &["add-module", "nixos/x"],
        "namespace `let` is not a valid Nix attribute name",
    );
}

#[test]
fn a_missing_module_tree_is_refused_with_how_to_adopt_it() {
    let (_scratch, repo) = new_repo(&[]);
    std::fs::remove_file(repo.join("modules/darwin/default.nix")).unwrap();
    refuse(
        &repo,
        &["add-module", "darwin/x"],
        "has no darwin module tree: modules/darwin/default.nix is missing",
    );
    refuse(
        &repo,
        &["add-module", "darwin/x"],
        "Run `nixscaffold adopt` first",
    );
}

#[test]
fn outside_any_flake_or_with_a_wrong_repo_nothing_happens() {
    let scratch = scratch();
    refuse(scratch.path(), &["add-user", "x"], "no flake.nix in");
    refuse(
        scratch.path(),
        &["add-user", "x", "--repo", "missing"],
        "--repo missing: not a directory",
    );
    refuse(
        scratch.path(),
        &["add-user", "x", "--repo", "."],
        "there is no flake.nix there",
    );
}

#[test]
fn never_writes_through_a_symbolic_link() {
    let (scratch, repo) = new_repo(&[]);
    let outside = scratch.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, repo.join("modules/home/linked")).unwrap();
    refuse(&repo, &["add-module", "home/linked/x"], "symbolic link");
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
}

#[test]
fn the_answers_file_keeps_the_users_edits_and_mode() {
    use std::os::unix::fs::PermissionsExt;
    let (_scratch, repo) = new_repo(&[]);
    let answers = repo.join(".nixscaffold.yaml");
    let text = std::fs::read_to_string(&answers).unwrap().replace(
        "users:\n- user\n",
        "# my people\nusers: [user] # flow style\n",
    ) + "# trailing note\n";
    std::fs::write(&answers, &text).unwrap();
    std::fs::set_permissions(&answers, std::fs::Permissions::from_mode(0o640)).unwrap();
    add(&repo, &["add-user", "bob"]).success();
    let after = std::fs::read_to_string(&answers).unwrap();
    assert_eq!(
        after,
        text.replace(
            "users: [user] # flow style",
            "users: [user, bob] # flow style"
        )
    );
    let mode = std::fs::metadata(&answers).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[test]
fn an_answers_list_it_cannot_edit_safely_is_left_alone_with_a_warning() {
    let (_scratch, repo) = new_repo(&[]);
    let answers = repo.join(".nixscaffold.yaml");
    let text = std::fs::read_to_string(&answers)
        .unwrap()
        .replace("users:\n- user\n", "users: !!seq [user]\n");
    std::fs::write(&answers, &text).unwrap();
    add(&repo, &["add-user", "bob"])
        .success()
        .stderr(contains("Add `bob` to it by hand"));
    assert_eq!(std::fs::read_to_string(&answers).unwrap(), text);
    assert!(repo.join("home/bob/default.nix").is_file());
}

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?}: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn in_a_git_work_tree_user_edits_stay_and_new_files_are_staged() {
    let scratch = scratch();
    let repo = scratch.path().join("repo");
    nixscaffold(scratch.path())
        .args(["new", "repo", "--yes"])
        .assert()
        .success();
    git(&repo, &["commit", "--quiet", "-m", "new"]);
    // The user's work in progress: an unstaged edit, a staged edit and an untracked file.
    let readme = std::fs::read_to_string(repo.join("README.md")).unwrap() + "my notes\n";
    std::fs::write(repo.join("README.md"), &readme).unwrap();
    std::fs::write(
        repo.join("nixpkgs-config.nix"),
        "{ allowUnfree = false; }\n",
    )
    .unwrap();
    git(&repo, &["add", "nixpkgs-config.nix"]);
    std::fs::write(repo.join("scratch.txt"), "mine\n").unwrap();

    add(&repo, &["add-module", "home/shell/zsh"])
        .success()
        .stdout(contains("Staged the new files"));
    add(&repo, &["add-user", "alice"]).success();

    let status = git(&repo, &["status", "--porcelain"]);
    for line in [
        " M README.md",
        "M  nixpkgs-config.nix",
        "?? scratch.txt",
        "A  modules/home/shell/default.nix",
        "A  modules/home/shell/zsh.nix",
        "A  home/alice/default.nix",
        " M .nixscaffold.yaml",
    ] {
        assert!(
            status.lines().any(|l| l == line),
            "no `{line}` in:\n{status}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(repo.join("README.md")).unwrap(),
        readme
    );
    assert_eq!(
        std::fs::read_to_string(repo.join("nixpkgs-config.nix")).unwrap(),
        "{ allowUnfree = false; }\n"
    );
}

#[test]
fn no_git_adds_nothing_to_the_index() {
    let scratch = scratch();
    let repo = scratch.path().join("repo");
    nixscaffold(scratch.path())
        .args(["new", "repo", "--yes"])
        .assert()
        .success();
    add(&repo, &["add-module", "nixos/x", "--no-git"])
        .success()
        .stdout(contains("Staged").not());
    let status = git(&repo, &["status", "--porcelain"]);
    assert!(status.contains("?? modules/nixos/x.nix"), "{status}");
}

#[test]
fn help_documents_examples_and_exit_codes() {
    let scratch = scratch();
    for kind in ["add-module", "add-host", "add-user", "add-package"] {
        nixscaffold(scratch.path())
            .args([kind, "--help"])
            .assert()
            .success()
            .stdout(contains("Examples:"))
            .stdout(contains("Exit codes:"))
            .stdout(contains("--repo <REPO>"))
            .stdout(contains("--dry-run"));
    }
    nixscaffold(scratch.path())
        .args(["add-module", "--help"])
        .assert()
        .success()
        .stdout(contains("--as-dir"));
}

#[test]
fn with_import_tree_add_module_writes_the_module_only() {
    let (_scratch, repo) = new_repo(IMPORT_TREE_HOME);
    let before: Vec<String> = files(&repo).into_keys().collect();
    let run = nixscaffold(&repo)
        .args(["add-module", "home/shell/zsh", "--no-git"])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&run.get_output().stdout).into_owned();
    assert!(
        stdout.contains("modules/default.nix loads the whole home tree with import-tree"),
        "{stdout}"
    );
    let added: Vec<String> = files(&repo)
        .into_keys()
        .filter(|path| !before.contains(path))
        .collect();
    assert_eq!(added, vec!["modules/home/shell/zsh.nix"]);
    let module = std::fs::read_to_string(repo.join("modules/home/shell/zsh.nix")).unwrap();
    assert!(
        module.contains("import-tree loads it with its tree"),
        "{module}"
    );
    nixscaffold(&repo)
        .args(["add-module", "home/_private", "--no-git"])
        .assert()
        .code(2);
}
