//! What a migration changes, computed in memory: the files removed, created, renamed and edited,
//! and the module trees' files before and after, to compare.

use std::collections::{BTreeMap, BTreeSet};

use super::edit;
use super::model::{is_nix, parent, Files, Model};
use crate::layout::auto_import::left_out;
use crate::layout::{Backend, FLAKE_DIR};

/// The changes, on paths relative to the repository.
#[derive(Debug, Default)]
pub struct Changes {
    /// Auto-import `default.nix` files that go.
    pub remove: Vec<String>,
    /// Files and directories renamed (with a `_` prefix), from and to.
    pub rename: Vec<(String, String)>,
    /// New files and their contents.
    pub create: Vec<(String, String)>,
    /// Files whose text changes, by their path after the renames: before and after.
    pub edit: BTreeMap<String, (String, String)>,
    /// What the user should know that is not a change.
    pub notes: Vec<String>,
    /// Why the migration cannot be made as it is: nothing is written.
    pub blockers: Vec<String>,
}

impl Changes {
    /// The trees' files after the changes.
    pub fn apply(&self, files: &Files) -> Files {
        let mut out = files.clone();
        for path in &self.remove {
            out.0.remove(path);
        }
        for (from, to) in &self.rename {
            let moved: Vec<String> = std::iter::once(from.clone())
                .chain(files.below(from).cloned())
                .filter(|p| out.0.contains_key(p))
                .collect();
            for path in moved {
                let text = out.0.remove(&path).unwrap_or_default();
                out.0.insert(format!("{to}{}", &path[from.len()..]), text);
            }
        }
        for (path, text) in &self.create {
            out.0.insert(path.clone(), Some(text.clone()));
        }
        for (path, (_, after)) in &self.edit {
            if out.0.contains_key(path) {
                out.0.insert(path.clone(), Some(after.clone()));
            }
        }
        out
    }

    /// Every path the changes touch, as it is now and as it will be.
    pub fn touched(&self) -> BTreeSet<String> {
        let mut paths: BTreeSet<String> = self.remove.iter().cloned().collect();
        for (from, to) in &self.rename {
            paths.insert(from.clone());
            paths.insert(to.clone());
        }
        paths.extend(self.create.iter().map(|(path, _)| path.clone()));
        paths.extend(self.edit.keys().map(|path| self.before_rename(path)));
        paths.extend(self.edit.keys().cloned());
        paths
    }

    /// Where a path (after the renames) was before them.
    pub fn before_rename(&self, path: &str) -> String {
        for (from, to) in &self.rename {
            if let Some(rest) = path.strip_prefix(to.as_str()) {
                if rest.is_empty() || rest.starts_with('/') {
                    return format!("{from}{rest}");
                }
            }
        }
        path.to_string()
    }

    /// Records an edit of `path` (the path before the renames).
    pub fn edit(&mut self, path: &str, before: String, after: String) {
        if before != after {
            let at = self.after_rename(path);
            self.edit.insert(at, (before, after));
        }
    }

    fn after_rename(&self, path: &str) -> String {
        for (from, to) in &self.rename {
            if let Some(rest) = path.strip_prefix(from.as_str()) {
                if rest.is_empty() || rest.starts_with('/') {
                    return format!("{to}{rest}");
                }
            }
        }
        path.to_string()
    }
}

/// The module trees of a repository: each platform's, and the flake-parts modules when they are
/// auto-imported (`flake`).
pub fn trees(platform_roots: Vec<String>, flake: bool) -> Vec<String> {
    let mut trees = platform_roots;
    if flake {
        trees.push(FLAKE_DIR.to_string());
    }
    trees
}

/// To import-tree: every auto-import `default.nix` in the trees goes; what import-tree would import
/// although scanPaths did not is renamed with a `_` prefix (the topmost directory or file that holds
/// nothing imported).
pub fn remove_and_rename(model: &Model, trees: &[String], changes: &mut Changes) {
    for root in trees {
        let scanned = model.imported(root, Backend::Scanpaths);
        let before = &scanned.modules;
        changes.remove.extend(scanned.plumbing.iter().cloned());
        let newly: Vec<&String> = model
            .files
            .below(root)
            .filter(|path| !left_out(&path[root.len() + 1..]))
            .filter(|path| is_nix(path) && !before.contains(*path))
            .filter(|path| !scanned.plumbing.contains(*path))
            .collect();
        let keeps = |dir: &str| model.files.below(dir).any(|p| before.contains(p));
        let mut renamed: BTreeSet<String> = BTreeSet::new();
        for path in newly {
            // The topmost directory below the root that holds nothing imported, else the file.
            let mut target = path.clone();
            let mut dir = parent(path);
            while dir.len() > root.len() && !keeps(dir) {
                target = dir.to_string();
                dir = parent(dir);
            }
            renamed.insert(target);
        }
        for from in renamed {
            let (dir, name) = from.rsplit_once('/').unwrap_or(("", &from));
            let to = format!("{dir}/_{name}");
            if model.files.has(&to) || model.files.is_dir(&to) {
                changes.blockers.push(format!(
                    "{from} must not be imported by import-tree, but {to} (its name with a `_` prefix) \
                     is taken: move one of them, then run this again"
                ));
            }
            changes.rename.push((from, to));
        }
    }
}

/// To scanPaths: a `default.nix` that auto-imports in every directory scanPaths reaches (the tree's
/// root and its subdirectories, not inside a directory whose own `default.nix` is a module). A
/// directory with no `.nix` file below it (data) gets a `_` prefix instead: scanPaths would import it.
pub fn create_defaults(model: &Model, trees: &[String], auto_import: &str, changes: &mut Changes) {
    for root in trees {
        let mut pending = vec![root.clone()];
        while let Some(dir) = pending.pop() {
            let default = format!("{dir}/default.nix");
            if model.files.has(&default) {
                if !model.is_auto_import(&default) {
                    continue; // a module directory: its default.nix decides
                }
            } else {
                changes.create.push((default, auto_import.to_string()));
            }
            let (_, dirs) = model.files.children(&dir);
            for sub in dirs.into_iter().filter(|name| !name.starts_with('_')) {
                let path = format!("{dir}/{sub}");
                if model.files.below(&path).any(|p| is_nix(p)) {
                    pending.push(path);
                } else {
                    changes.rename.push((path, format!("{dir}/_{sub}")));
                }
            }
        }
    }
    changes.create.sort();
}

/// The references to each renamed path in the repository's `.nix` files, rewritten.
pub fn rewrite_references(nix_files: &BTreeMap<String, String>, changes: &mut Changes) {
    let renames = changes.rename.clone();
    for (path, text) in nix_files {
        let mut current = text.clone();
        for (from, to) in &renames {
            if let Some(edited) = edit::rename_references(&current, parent(path), from, to) {
                current = edited;
            }
        }
        changes.edit(path, text.clone(), current);
    }
}

/// The differences between what each tree imports before and after, as lines to show, with the
/// paths they name.
pub fn differences(
    before: &Model,
    from: Backend,
    after: &Model,
    to: Backend,
    trees: &[String],
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for root in trees {
        let (old, new) = (before.imported(root, from), after.imported(root, to));
        for path in old.modules.difference(&new.modules) {
            out.push((path.clone(), format!("{path}: imported now, not after")));
        }
        for path in new.modules.difference(&old.modules) {
            out.push((path.clone(), format!("{path}: imported after, not now")));
        }
        for dir in new.broken.difference(&old.broken) {
            out.push((
                dir.clone(),
                format!("{dir}/: imported after, but has no default.nix (the import fails)"),
            ));
        }
    }
    out
}
