//! What every integration test needs: the binary, temporary repositories, whole-tree snapshots and
//! hashes, and the real Nix tools (which must be installed: a missing `nix-instantiate` fails loudly).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::cargo_bin;

/// The nixscaffold binary, run in `dir`, with a predictable environment.
pub fn nixscaffold(dir: &Path) -> assert_cmd::Command {
    let mut command = assert_cmd::Command::new(cargo_bin("nixscaffold"));
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("USER", "tester")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid");
    command
}

/// A scratch directory, removed when dropped.
pub fn scratch() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("nixscaffold-test-")
        .tempdir()
        .expect("a temporary directory")
}

/// Runs `nixscaffold new <scratch>/repo --yes --no-git <args>` and returns the scratch dir and the repo path.
pub fn new_repo(args: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let scratch = scratch();
    let repo = scratch.path().join("repo");
    nixscaffold(scratch.path())
        .arg("new")
        .arg(&repo)
        .args(["--yes", "--no-git"])
        .args(args)
        .assert()
        .success();
    (scratch, repo)
}

/// Every file under `root` (but .git), relative path to bytes, in a stable order.
pub fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.expect("a readable tree");
        let relative = entry
            .path()
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if relative == ".git" || relative.starts_with(".git/") {
            continue;
        }
        if entry.file_type().is_file() {
            out.insert(relative, std::fs::read(entry.path()).unwrap());
        }
    }
    out
}

/// The whole tree as text: a file list, then each file's contents. What the snapshots pin.
pub fn tree_text(root: &Path) -> String {
    let files = files(root);
    let mut text = String::from("# files\n");
    for path in files.keys() {
        text.push_str(path);
        text.push('\n');
    }
    for (path, bytes) in &files {
        text.push_str(&format!("\n# ==== {path} ====\n"));
        text.push_str(&String::from_utf8_lossy(bytes));
    }
    text
}

/// A fingerprint of everything under `root` (.git included): names, kinds, modes, contents, links.
pub fn tree_hash(root: &Path) -> String {
    use std::hash::{Hash, Hasher};
    use std::os::unix::fs::PermissionsExt;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.expect("a readable tree");
        let meta = std::fs::symlink_metadata(entry.path()).unwrap();
        entry.path().strip_prefix(root).unwrap().hash(&mut hasher);
        meta.permissions().mode().hash(&mut hasher);
        if meta.file_type().is_symlink() {
            std::fs::read_link(entry.path()).unwrap().hash(&mut hasher);
        } else if meta.is_file() {
            std::fs::read(entry.path()).unwrap().hash(&mut hasher);
        }
    }
    format!("{:016x}", hasher.finish())
}

/// Pins `value` as the named snapshot under the top-level `snapshots/` folder.
pub fn snapshot(name: &str, value: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, value));
}

/// Path of a Nix tool. Tests that need real Nix fail here, loudly, when it is missing.
pub fn nix_tool(name: &str) -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!("`{name}` is not installed; these tests need real Nix: apt-get install -y nix-bin")
    })
}

/// `nix-instantiate` with a private store and state under the scratch folder, so tests need no
/// daemon and no root.
pub fn nix_instantiate(scratch: &Path) -> Command {
    let mut command = Command::new(nix_tool("nix-instantiate"));
    let state = scratch.join(".nix-state");
    command
        .env("NIX_STATE_DIR", state.join("var"))
        .env("NIX_LOG_DIR", state.join("log"))
        .env("NIX_CONF_DIR", state.join("conf"))
        .env("HOME", &state)
        .env("XDG_CACHE_HOME", state.join("cache"))
        .env("NIX_CONFIG", "experimental-features = nix-command flakes");
    command
}

/// Every `.nix` file under `root`, relative.
pub fn nix_files(root: &Path) -> Vec<String> {
    files(root)
        .into_keys()
        .filter(|p| p.ends_with(".nix"))
        .collect()
}

/// Asserts that every `.nix` file under `root` parses with rnix and with `nix-instantiate --parse`,
/// and is already in the official Nix style (nixfmt_rs changes nothing).
pub fn assert_all_nix_valid(scratch: &Path, root: &Path) {
    let files = nix_files(root);
    assert!(!files.is_empty(), "no .nix files under {}", root.display());
    for relative in &files {
        let path = root.join(relative);
        let text = std::fs::read_to_string(&path).unwrap();
        let parsed = rnix::Root::parse(&text);
        assert!(
            parsed.errors().is_empty(),
            "{relative}: rnix: {:?}",
            parsed.errors()
        );
        let formatted =
            nixfmt_rs::format(&text).unwrap_or_else(|e| panic!("{relative}: nixfmt: {e:?}"));
        assert_eq!(
            formatted, text,
            "{relative} is not in the official Nix style"
        );
    }
    let output = nix_instantiate(scratch)
        .arg("--parse")
        .args(files.iter().map(|f| root.join(f)))
        .output()
        .expect("nix-instantiate runs");
    assert!(
        output.status.success(),
        "nix-instantiate --parse failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Evaluates `expr` with `nix-instantiate --eval --strict --json` and returns the JSON text.
pub fn nix_eval_json(scratch: &Path, expr: &str) -> String {
    let output = nix_instantiate(scratch)
        .args(["--eval", "--strict", "--json", "--expr", expr])
        .output()
        .expect("nix-instantiate runs");
    assert!(
        output.status.success(),
        "nix-instantiate --eval failed for {expr}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Long enough for a debug build on a slow CI machine, short enough to catch a loop.
pub const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// What a run of the binary printed, and its exit code.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// The [`Run`] of a finished command; `what` names it if it did not finish (a timeout).
pub fn finish(output: std::io::Result<std::process::Output>, what: &str) -> Run {
    let output = output.unwrap_or_else(|e| panic!("{what} did not finish: {e}"));
    Run {
        stdout: String::from_utf8(output.stdout).expect("the report is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("the messages are UTF-8"),
        code: output.status.code().expect("an exit code, not a signal"),
    }
}

/// `nixscaffold check ARGS` in `cwd`, killed (and failed) after [`TIMEOUT`].
pub fn check(cwd: &Path, args: &[&str]) -> Run {
    let output = nixscaffold(cwd)
        .arg("check")
        .args(args)
        .timeout(TIMEOUT)
        .output();
    finish(output, "check")
}

/// The JSON report a `check --format json` run printed.
pub fn json_of(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", run.stdout))
}

/// `(path, reason)` of every file a `check --format json` report skipped.
pub fn skipped(json: &serde_json::Value) -> Vec<(String, String)> {
    json["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .map(|s| (text(&s["path"]), text(&s["reason"])))
        .collect()
}

/// `(name, file, line, column)` of every finding in a `check --format json` report.
pub fn findings(json: &serde_json::Value) -> Vec<(String, String, u64, u64)> {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let number = |key: &str| f[key].as_u64().unwrap_or_else(|| panic!("{key} in {f}"));
            (
                text(&f["name"]),
                text(&f["file"]),
                number("line"),
                number("column"),
            )
        })
        .collect()
}

/// A string field of a report.
fn text(value: &serde_json::Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("{value} is not a string"))
        .to_string()
}

/// `new` with all platforms and a named user.
pub const ALL_PLATFORMS: &[&str] = &["--user", "alice"];
/// `new` for a Mac with home-manager and two caches.
pub const DARWIN_AND_HOME: &[&str] = &[
    "--platform",
    "darwin",
    "--platform",
    "home",
    "--host",
    "darwin/mbp",
    "--user",
    "alice",
    "--cache",
    "nix-community",
    "--cache",
    "lix",
];
/// `new` for two NixOS machines, one of them ARM.
pub const NIXOS_TWO_HOSTS: &[&str] = &[
    "--platform",
    "nixos",
    "--host",
    "nixos/laptop",
    "--host",
    "nixos/server@aarch64-linux",
    "--cache",
    "numtide",
];

/// `new` with every platform, modules loaded by import-tree.
pub const IMPORT_TREE_ALL: &[&str] = &["--user", "alice", "--auto-import", "import-tree"];
/// `new` for home-manager only, with import-tree.
pub const IMPORT_TREE_HOME: &[&str] = &[
    "--platform",
    "home",
    "--overlay",
    "custom",
    "--auto-import",
    "import-tree",
];
/// `new` with home-manager both standalone and inside the machines, a home for one machine only,
/// and both linters.
pub const HOME_MANAGER_BOTH: &[&str] = &[
    "--home-manager",
    "both",
    "--user",
    "alice",
    "--user",
    "alice@nixos",
    "--lint",
    "deadnix,statix",
];
/// `new` for a Mac set up before, home-manager inside it, no CI.
pub const DARWIN_MODULE_NO_CI: &[&str] = &[
    "--platform",
    "darwin",
    "--platform",
    "home",
    "--home-manager",
    "module",
    "--ci",
    "none",
    "--state-version",
    "24.05",
    "--user",
    "bob",
];

/// Every `new` configuration the suite tests: each must parse, be formatted, stay clean under
/// `check`, and stay clean after every `add-*`. One list, so no test checks fewer than the others.
pub const NEW_CONFIGURATIONS: &[&[&str]] = &[
    &[],
    HOME_MANAGER_BOTH,
    DARWIN_MODULE_NO_CI,
    &["--platform", "nixos", "--user", "bob", "--lint", "deadnix"],
    ALL_PLATFORMS,
    IMPORT_TREE_ALL,
    IMPORT_TREE_HOME,
    &[
        "--platform",
        "nixos",
        "--host",
        "nixos/a",
        "--auto-import",
        "import-tree",
    ],
    DARWIN_AND_HOME,
    NIXOS_TWO_HOSTS,
    &["--platform", "home"],
    &["--platform", "darwin", "--platform", "home"],
    &[
        "--platform",
        "home",
        "--user",
        "a",
        "--user",
        "b",
        "--system",
        "aarch64-darwin",
    ],
    &[
        "--platform",
        "home",
        "--user",
        "alice",
        "--user",
        "bob",
        "--overlay",
        "custom",
    ],
    &["--platform", "home", "--cache", "lix", "--cache", "numtide"],
    &["--platform", "nixos", "--overlay", "custom"],
    &[
        "--platform",
        "nixos",
        "--host",
        "nixos/a",
        "--host",
        "nixos/b",
        "--overlay",
        "custom",
    ],
    &[
        "--platform",
        "nixos",
        "--platform",
        "darwin",
        "--overlay",
        "customDarwin",
    ],
    &[
        "--cache",
        "nix-community",
        "--cache",
        "numtide",
        "--cache",
        "lix",
        "--cache",
        "garnix",
    ],
    &[
        "--platform",
        "darwin",
        "--cache",
        "https://c.example.org=c.example.org-1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ],
    &[
        "--platform",
        "nixos",
        "--platform",
        "darwin",
        "--system",
        "x86_64-linux",
        "--system",
        "aarch64-darwin",
        "--host",
        "nixos/a",
        "--host",
        "darwin/b",
    ],
];

/// Asserts that `value` has every field `schema` requires and no field it does not declare, all the
/// way down (a small check of a docs/*-schema.json's object structure, `$ref`s followed).
pub fn assert_conforms(
    value: &serde_json::Value,
    schema: &serde_json::Value,
    root: &serde_json::Value,
    at: &str,
) {
    let schema = match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.strip_prefix("#/$defs/").expect("a local $ref");
            &root["$defs"][name]
        }
        None => schema,
    };
    if let Some(object) = value.as_object() {
        let properties = schema["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{at}: no properties"));
        for key in object.keys() {
            assert!(
                properties.contains_key(key),
                "{at}.{key} is not in the schema"
            );
            assert_conforms(&object[key], &properties[key], root, &format!("{at}.{key}"));
        }
        for required in schema["required"].as_array().into_iter().flatten() {
            let key = required.as_str().unwrap();
            assert!(
                object.contains_key(key),
                "{at}.{key} is required by the schema"
            );
        }
    } else if let Some(items) = value.as_array() {
        for (i, item) in items.iter().enumerate() {
            assert_conforms(item, &schema["items"], root, &format!("{at}[{i}]"));
        }
    }
    if let Some(allowed) = schema["enum"].as_array() {
        assert!(
            allowed.contains(value),
            "{at} = {value} is not one of {allowed:?}"
        );
    }
}
