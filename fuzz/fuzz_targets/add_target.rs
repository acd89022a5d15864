//! Any bytes as the argument of an `add-*` command, run for real against one generated repository:
//! an error (never an internal one) or files written, and never anything outside the repository.
//! After each run, what it created is removed again so every input meets the same repository.
//!
//! Input: byte 0 picks the kind (module, host, user, package), byte 1 its flags (bit 0 `--as-file`,
//! bit 1 `--as-dir`, bit 2 `--dry-run`), the rest is the PLATFORM/PATH argument as raw bytes.
#![no_main]

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use nixscaffold::layout::growth::KINDS;
use nixscaffold::commands::add::{add_quietly, Request};
use nixscaffold::error::Error;

/// What a path is, for comparing trees: a file's bytes, a directory, a link's target.
#[derive(Debug, PartialEq)]
enum Entry {
    File(Vec<u8>),
    Dir,
    Link(PathBuf),
}

struct Fixture {
    /// Holds `repo/` and `outside/`; nothing else may appear in it.
    top: PathBuf,
    repo: PathBuf,
    outside: PathBuf,
    before: BTreeMap<PathBuf, Entry>,
}

/// Every path under `dir`, links not followed.
fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, Entry>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let meta = std::fs::symlink_metadata(&path).expect("stat");
        if meta.file_type().is_symlink() {
            out.insert(path.clone(), Entry::Link(std::fs::read_link(&path).expect("link")));
        } else if meta.is_dir() {
            out.insert(path.clone(), Entry::Dir);
            walk(&path, out);
        } else {
            out.insert(path.clone(), Entry::File(std::fs::read(&path).expect("read")));
        }
    }
}

fn tree(top: &Path) -> BTreeMap<PathBuf, Entry> {
    let mut out = BTreeMap::new();
    walk(top, &mut out);
    out
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        // tmpfs when there is one: every add syncs its files, which is slow on a disk.
        let base = [Path::new("/dev/shm"), &std::env::temp_dir()]
            .into_iter()
            .find(|dir| dir.is_dir())
            .map(Path::to_path_buf)
            .expect("a temporary directory");
        // Fixtures of earlier runs whose process is gone (libFuzzer exits without a hook to clean up).
        for entry in std::fs::read_dir(&base).into_iter().flatten().flatten() {
            let name = entry.file_name();
            let stale = name
                .to_str()
                .and_then(|n| n.strip_prefix("nixscaffold-fuzz-add-"))
                .is_some_and(|pid| !Path::new("/proc").join(pid).exists());
            if stale {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let top = base.join(format!("nixscaffold-fuzz-add-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&top);
        std::fs::create_dir_all(&top).expect("create the fixture");
        let top = std::fs::canonicalize(&top).expect("canonical");
        let repo = top.join("repo");
        let outside = top.join("outside");
        std::fs::create_dir(&outside).expect("create outside");
        let args: Vec<OsString> = ["nixscaffold", "new"]
            .iter()
            .map(OsString::from)
            .chain([repo.clone().into_os_string()])
            .chain(["--yes", "--no-git"].iter().map(OsString::from))
            .collect();
        assert_eq!(nixscaffold::run(args), 0, "new makes the fixture");
        // Links out of the repository, where a careless writer would follow them.
        std::os::unix::fs::symlink(&outside, repo.join("modules/home/escape")).expect("link");
        std::os::unix::fs::symlink(&outside, repo.join("pkgs/custom/escape")).expect("link");
        std::os::unix::fs::symlink(&outside, repo.join("hosts/nixos/escape")).expect("link");
        std::os::unix::fs::symlink("loop", repo.join("modules/nixos/loop")).expect("link");
        let before = tree(&top);
        Fixture {
            top,
            repo,
            outside,
            before,
        }
    })
}

/// Undoes a successful add: removes what it created, restores what it edited.
fn restore(fixture: &Fixture, after: &BTreeMap<PathBuf, Entry>) {
    for (path, entry) in after.iter().rev() {
        match (fixture.before.get(path), entry) {
            (None, Entry::Dir) => std::fs::remove_dir(path).expect("remove a created directory"),
            (None, _) => std::fs::remove_file(path).expect("remove a created file"),
            (Some(Entry::File(old)), Entry::File(new)) if old != new => {
                std::fs::write(path, old).expect("restore an edited file")
            }
            _ => {}
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let fixture = fixture();
    let (Some(&kind), Some(&flags)) = (data.first(), data.get(1)) else {
        return;
    };
    let kind = KINDS[usize::from(kind) % KINDS.len()];
    let target = OsStr::from_bytes(&data[2..]);
    let result = add_quietly(&Request {
        kind,
        target,
        repo: Some(&fixture.repo),
        as_file: flags & 1 != 0,
        as_dir: flags & 2 != 0,
        dry_run: flags & 4 != 0,
        no_git: true,
        state_version: None,
    });
    let after = tree(&fixture.top);
    if let Err(Error::Internal(message)) = &result {
        panic!("internal error for {target:?}: {message}");
    }
    if result.is_err() || flags & 4 != 0 {
        assert!(
            after == fixture.before,
            "{} {target:?} failed or was a dry run, yet changed the tree",
            kind.command
        );
        return;
    }
    for (path, entry) in &after {
        match fixture.before.get(path) {
            Some(old) if old == entry => {}
            Some(_) => assert!(
                path == &fixture.repo.join(".nixscaffold.yaml"),
                "{} {target:?} changed {}",
                kind.command,
                path.display()
            ),
            None => {
                assert!(
                    path.starts_with(&fixture.repo) && !path.starts_with(&fixture.outside),
                    "{} {target:?} wrote outside the repository: {}",
                    kind.command,
                    path.display()
                );
                assert!(
                    !path.to_string_lossy().ends_with(".tmp"),
                    "a temporary file was left: {}",
                    path.display()
                );
            }
        }
    }
    assert!(
        fixture.before.keys().all(|p| after.contains_key(p)),
        "{} {target:?} removed a file",
        kind.command
    );
    restore(fixture, &after);
});
