//! Fixture repositories under tests/fixtures/, materialised into a scratch directory. The rule
//! (also in tests/fixtures/README.md): a folder holding a file named `BASE` is its parent's
//! `_base/` folder, plus the folder's own files on top (each replaces the base file at the same
//! path), minus the base files `BASE` lists; any other folder is self-contained and copied as it is.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The marker of a fixture built on `_base`; it lists the base files the case deletes.
const MARKER: &str = "BASE";

/// The folder all fixtures live in.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A fixture repository in a scratch directory: `parent()/name` is the repository, so that
/// `check NAME` run in `parent()` reports the same relative paths as a fixture checked in place.
pub struct Fixture {
    scratch: tempfile::TempDir,
    name: String,
}

impl Fixture {
    /// Materialises `tests/fixtures/<relative>` (e.g. `check/getenv`).
    pub fn load(relative: &str) -> Fixture {
        let source = fixtures_dir().join(relative);
        assert!(source.is_dir(), "no fixture {}", source.display());
        let name = source.file_name().unwrap().to_string_lossy().into_owned();
        let fixture = Fixture {
            scratch: crate::support::scratch(),
            name,
        };
        materialise(&source, &fixture.root());
        fixture
    }

    /// The directory that holds the repository: where to run `check NAME`.
    pub fn parent(&self) -> &Path {
        self.scratch.path()
    }

    /// The repository.
    pub fn root(&self) -> PathBuf {
        self.scratch.path().join(&self.name)
    }
}

/// Writes the repository of fixture folder `source` into `root`, by the rule above.
fn materialise(source: &Path, root: &Path) {
    std::fs::create_dir(root).unwrap();
    if source.join(MARKER).is_file() {
        let base = source.parent().unwrap().join("_base");
        copy_tree(&base, root);
        overlay(&base, source, root);
        delete_listed(&source.join(MARKER), root);
    } else {
        copy_tree(source, root);
    }
}

/// Every file under `root`, relative, in a stable order; fixtures hold no links.
fn relative_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.expect("a readable fixture");
        assert!(
            !entry.path_is_symlink(),
            "{}: fixtures hold no links; make them in the test",
            entry.path().display()
        );
        if entry.file_type().is_file() {
            files.push(entry.path().strip_prefix(root).unwrap().to_path_buf());
        }
    }
    files
}

fn copy_file(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(from, to).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
}

fn copy_tree(from: &Path, to: &Path) {
    for file in relative_files(from) {
        copy_file(&from.join(&file), &to.join(&file));
    }
}

/// Copies the case's files over the base. A case file identical to the base file is refused: a
/// case holds only what makes it differ, so that a change to `_base` reaches every case.
fn overlay(base: &Path, case: &Path, to: &Path) {
    for file in relative_files(case) {
        if file == Path::new(MARKER) {
            continue;
        }
        let (ours, theirs) = (case.join(&file), base.join(&file));
        assert!(
            !theirs.is_file() || std::fs::read(&ours).unwrap() != std::fs::read(&theirs).unwrap(),
            "{} is a copy of {}: delete it, the case gets it from _base",
            ours.display(),
            theirs.display()
        );
        copy_file(&ours, &to.join(&file));
    }
}

/// Deletes the base files the marker lists (one relative path a line; `#` comments, blank lines).
fn delete_listed(marker: &Path, root: &Path) {
    let text = std::fs::read_to_string(marker).unwrap();
    let listed: BTreeSet<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    for path in listed {
        let target = root.join(path);
        assert!(
            target.is_file(),
            "{}: {path} is not a base file, so it cannot be deleted",
            marker.display()
        );
        std::fs::remove_file(&target).unwrap();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn a_case_replaces_adds_and_deletes_base_files_and_a_plain_folder_is_copied() {
        let scratch = crate::support::scratch();
        let group = scratch.path().join("group");
        write(&group.join("_base/flake.nix"), "base flake");
        write(&group.join("_base/lib/default.nix"), "base lib");
        write(&group.join("_base/modules/a.nix"), "base a");
        write(&group.join("case/flake.nix"), "case flake");
        write(&group.join("case/modules/b.nix"), "case b");
        write(&group.join("case/BASE"), "# comment\n\nlib/default.nix\n");
        write(&group.join("plain/flake.nix"), "own flake");

        let built = scratch.path().join("built");
        materialise(&group.join("case"), &built);
        let files = crate::support::files(&built);
        let names: Vec<&str> = files.keys().map(String::as_str).collect();
        assert_eq!(names, ["flake.nix", "modules/a.nix", "modules/b.nix"]);
        assert_eq!(files["flake.nix"], b"case flake");
        assert_eq!(files["modules/a.nix"], b"base a");

        let copied = scratch.path().join("copied");
        materialise(&group.join("plain"), &copied);
        let files = crate::support::files(&copied);
        assert_eq!(files.keys().collect::<Vec<_>>(), ["flake.nix"]);
    }

    #[test]
    #[should_panic(expected = "is a copy of")]
    fn a_case_file_identical_to_its_base_file_is_refused() {
        let scratch = crate::support::scratch();
        let group = scratch.path().join("group");
        write(&group.join("_base/flake.nix"), "same");
        write(&group.join("case/flake.nix"), "same");
        write(&group.join("case/BASE"), "");
        materialise(&group.join("case"), &scratch.path().join("built"));
    }
}
