//! Which files a module tree imports, under either backend, computed on the files in memory so that
//! the state after a migration can be asked before anything is written. A file is imported when the
//! tree's loader reaches it, or when an imported file lists it in `imports` (a static path). The
//! auto-import `default.nix` files are plumbing, not modules: they are not in the set, what they
//! import is.

use std::collections::{BTreeMap, BTreeSet};

use rnix::SyntaxKind::{self, *};
use rnix::SyntaxNode;

use crate::layout::auto_import::left_out;
use crate::layout::Backend;
use crate::nix::syntax::{binding, path_literal, significant_tokens, unparen, PathLiteral};

/// The files of the module trees: path (relative to the repository) to text (`None`: not UTF-8).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Files(pub BTreeMap<String, Option<String>>);

impl Files {
    pub fn text(&self, path: &str) -> Option<&str> {
        self.0.get(path).and_then(|text| text.as_deref())
    }

    pub fn has(&self, path: &str) -> bool {
        self.0.contains_key(path)
    }

    /// Whether some file lies below `dir`.
    pub fn is_dir(&self, dir: &str) -> bool {
        let prefix = format!("{dir}/");
        self.0
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(path, _)| path.starts_with(&prefix))
    }

    /// Every file below `dir`, at any depth.
    pub fn below<'a>(&'a self, dir: &str) -> impl Iterator<Item = &'a String> + 'a {
        let prefix = format!("{dir}/");
        self.0
            .range(prefix.clone()..)
            .map(|(path, _)| path)
            .take_while(move |path| path.starts_with(&prefix))
    }

    /// The names of the files and of the subdirectories directly in `dir`.
    pub fn children(&self, dir: &str) -> (Vec<String>, Vec<String>) {
        let (mut files, mut dirs) = (Vec::new(), Vec::new());
        for path in self.below(dir) {
            let rest = &path[dir.len() + 1..];
            match rest.split_once('/') {
                None => files.push(rest.to_string()),
                Some((sub, _)) if dirs.last() != Some(&sub.to_string()) => dirs.push(sub.into()),
                Some(_) => {}
            }
        }
        (files, dirs)
    }
}

/// What a tree imports: the module files, the directories it imports that have no `default.nix`
/// (the import fails there), and the auto-import files on the way.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Imported {
    pub modules: BTreeSet<String>,
    pub broken: BTreeSet<String>,
    /// The auto-import `default.nix` files that were followed.
    pub plumbing: BTreeSet<String>,
}

/// How to read the trees: the auto-import file's meaning and the helper's rule for `_`.
pub struct Model<'a> {
    pub files: &'a Files,
    /// The significant tokens of the auto-import `default.nix` (`imports = lib.custom.scanPaths ./.;`).
    pub auto_import: &'a [(SyntaxKind, String)],
    /// Whether the repository's scanPaths leaves out names starting with `_` (today's helper does).
    pub scan_skips_underscore: bool,
}

impl Model<'_> {
    /// Whether the file at `path` is only the auto-import plumbing.
    pub fn is_auto_import(&self, path: &str) -> bool {
        path.rsplit('/').next() == Some("default.nix")
            && self.files.text(path).is_some_and(|text| {
                significant_tokens(&rnix::Root::parse(text).syntax()) == self.auto_import
            })
    }

    /// What the tree at `root` imports with `backend`.
    pub fn imported(&self, root: &str, backend: Backend) -> Imported {
        let mut walk = Walk {
            model: self,
            seen: BTreeSet::new(),
            out: Imported::default(),
        };
        match backend {
            Backend::Scanpaths => walk.directory(root),
            Backend::ImportTree => {
                let reached: Vec<String> = self
                    .files
                    .below(root)
                    .filter(|path| is_nix(path) && !left_out(&path[root.len() + 1..]))
                    .cloned()
                    .collect();
                for path in reached {
                    walk.module(&path);
                }
            }
        }
        walk.out
    }
}

struct Walk<'m, 'a> {
    model: &'m Model<'a>,
    seen: BTreeSet<String>,
    out: Imported,
}

impl Walk<'_, '_> {
    /// A directory imported as a path: its `default.nix`.
    fn directory(&mut self, dir: &str) {
        let default = format!("{dir}/default.nix");
        if self.model.files.has(&default) {
            self.module(&default);
        } else {
            self.out.broken.insert(dir.to_string());
        }
    }

    /// What scanPaths lists in `dir`: its `.nix` files but `default.nix`, its subdirectories.
    fn scan(&mut self, dir: &str) {
        let (files, dirs) = self.model.files.children(dir);
        let skip = |name: &str| self.model.scan_skips_underscore && name.starts_with('_');
        for name in dirs.iter().filter(|name| !skip(name)) {
            self.directory(&format!("{dir}/{name}"));
        }
        let modules = files
            .iter()
            .filter(|name| !skip(name) && *name != "default.nix" && is_nix(name));
        for name in modules.cloned().collect::<Vec<_>>() {
            self.module(&format!("{dir}/{name}"));
        }
    }

    /// One file imported as a module, and what its `imports` name.
    fn module(&mut self, path: &str) {
        if !self.seen.insert(path.to_string()) {
            return;
        }
        let dir = parent(path);
        if self.model.is_auto_import(path) {
            self.out.plumbing.insert(path.to_string());
            self.scan(dir);
            return;
        }
        self.out.modules.insert(path.to_string());
        let Some(text) = self.model.files.text(path) else {
            return;
        };
        for target in hand_imports(text, dir) {
            if self.model.files.is_dir(&target) {
                self.directory(&target);
            } else if self.model.files.has(&target) {
                self.module(&target);
            }
        }
    }
}

pub fn is_nix(name: &str) -> bool {
    name.rsplit('/')
        .next()
        .is_some_and(|base| base.len() > 4 && base.ends_with(".nix"))
}

/// The directory of a path (`""` at the top).
pub fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// The static relative paths a file lists in its `imports`, resolved against its directory.
pub fn hand_imports(text: &str, dir: &str) -> Vec<String> {
    let root = rnix::Root::parse(text).syntax();
    let mut out = Vec::new();
    for node in root.descendants() {
        let Some((names, value)) = binding(&node) else {
            continue;
        };
        if names.last().is_some_and(|name| name == "imports") {
            collect_paths(&value, dir, &mut out);
        }
    }
    out
}

/// Path literals in a list, a `++` or parentheses.
fn collect_paths(value: &SyntaxNode, dir: &str, out: &mut Vec<String>) {
    let value = unparen(value);
    match value.kind() {
        NODE_LIST | NODE_BIN_OP => {
            for child in value.children() {
                collect_paths(&child, dir, out);
            }
        }
        _ => {
            if let Some(PathLiteral::Static(text)) = path_literal(&value) {
                out.extend(resolve(dir, &text));
            }
        }
    }
}

/// `text` (a relative path literal) from `dir`, normalized; `None` when it leaves the repository.
pub fn resolve(dir: &str, text: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for segment in text.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            name => parts.push(name),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const AUTO: &str = "{ lib, ... }: { imports = lib.custom.scanPaths ./.; }";

    fn files(list: &[(&str, &str)]) -> Files {
        Files(
            list.iter()
                .map(|(p, t)| (p.to_string(), Some(t.to_string())))
                .collect(),
        )
    }

    fn names(set: &BTreeSet<String>) -> Vec<&str> {
        set.iter().map(String::as_str).collect()
    }

    #[test]
    fn the_two_backends_read_the_same_tree_differently() {
        let files = files(&[
            ("m/default.nix", AUTO),
            ("m/a.nix", "{ }"),
            ("m/_b.nix", "{ }"),
            ("m/sub/default.nix", "# the same, reformatted\n{ lib, ... }:\n{\n  imports = lib.custom.scanPaths ./.;\n}\n"),
            ("m/sub/c.nix", "{ }"),
            ("m/web/default.nix", "{ imports = [ ./server.nix ]; x = import ./lib.nix; }"),
            ("m/web/server.nix", "{ }"),
            ("m/web/lib.nix", "1"),
            ("m/data/notes.md", "text"),
            ("m/_data/x.nix", "{ }"),
        ]);
        let tokens = significant_tokens(&rnix::Root::parse(AUTO).syntax());
        let model = Model {
            files: &files,
            auto_import: &tokens,
            scan_skips_underscore: true,
        };
        let scan = model.imported("m", Backend::Scanpaths);
        assert_eq!(
            names(&scan.modules),
            vec![
                "m/a.nix",
                "m/sub/c.nix",
                "m/web/default.nix",
                "m/web/server.nix"
            ]
        );
        // data/ has no default.nix: scanPaths imports it, and the import fails.
        assert_eq!(names(&scan.broken), vec!["m/data"]);
        let tree = model.imported("m", Backend::ImportTree);
        assert_eq!(
            names(&tree.modules),
            vec![
                "m/a.nix",
                "m/sub/c.nix",
                "m/web/default.nix",
                "m/web/lib.nix",
                "m/web/server.nix"
            ]
        );
        let old = Model {
            scan_skips_underscore: false,
            ..model
        };
        let scan = old.imported("m", Backend::Scanpaths);
        assert!(scan.modules.contains("m/_b.nix") && scan.broken.contains("m/_data"));
    }

    #[test]
    fn paths_resolve_inside_the_repository() {
        assert_eq!(resolve("a/b", "./c.nix").as_deref(), Some("a/b/c.nix"));
        assert_eq!(resolve("a/b", "../c").as_deref(), Some("a/c"));
        assert_eq!(resolve("a", "../../c"), None);
        assert_eq!(
            hand_imports("{ imports = [ ./x.nix (./y) ] ++ [ ../z ]; }", "m/d"),
            vec!["m/d/x.nix", "m/d/y", "m/z"]
        );
    }
}
