//! The import graph, built once for the whole repository: which file reaches which, how, and from
//! where, and what evaluation starts from. Every rule that asks "is this imported?" reads it
//! through its accessors (`imports_of`, `importers_of`, `is_reached` …).
//!
//! References come from [`super::references`]; this module resolves them against the files that
//! exist ([`resolve`]) and walks the result. A reference the model cannot follow precisely (a
//! directory handed to an unknown function, `dir + name`, import-tree with a `filter`) still names
//! the part of the tree it may reach: nothing there is an orphan, and [`Graph::unresolved`] says
//! which references those were.

use std::collections::{BTreeSet, HashMap};

use super::conventions::{self, import_tree_ignores, SOURCE_FUNCTIONS};
use super::pattern::{PathPattern, Place};
use super::references::RawRef;
pub use super::references::RefKind;

/// Joins a path literal to the directory of the file it is written in; `None` when it leaves the
/// repository or is absolute.
pub fn join(dir: &str, literal: &str) -> Option<String> {
    if literal.starts_with('/') || literal.starts_with('~') {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in literal.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// The directory of a relative file path (`""` for the root).
pub fn parent_dir(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// An edge of the graph: file `from` reaches file `to`.
#[derive(Clone, Debug)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub kind: RefKind,
    pub offset: usize,
    pub import_call: bool,
    pub applied: bool,
    pub module_list: bool,
    pub binding: Option<usize>,
}

/// A reference the model could not follow to files: a part of the tree it may reach.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    pub from: usize,
    pub offset: usize,
    /// The directory (relative; `""` is the root) whose files it may load.
    pub dir: String,
    /// Loaded through import-tree: paths with a component starting `_` are not among them.
    pub skips_underscore: bool,
}

/// The import graph over the repository's `.nix` files (indices into `Repo::files`).
#[derive(Default)]
pub struct Graph {
    edges: Vec<Edge>,
    /// Edge indices leaving each file.
    outgoing: Vec<Vec<usize>>,
    /// Edge indices arriving at each file.
    incoming: Vec<Vec<usize>>,
    /// Files evaluation starts from: entry points, and what flake frameworks load by convention
    /// (see [`conventions`]).
    roots: Vec<usize>,
    /// Whether some root reaches the file (or a region it may be loaded from holds it).
    reached: Vec<bool>,
    /// Regions (references not followed to files) leaving each file.
    regions: Vec<Region>,
    /// Regions a reached file holds that reach files nothing else reaches: why those files are
    /// not orphans.
    unresolved: Vec<usize>,
    /// Directories whose modules an `imports` binding discovers (`imports = scanPaths ./.;`), with
    /// the file that does it: each of their subdirectories is imported and needs a default.nix.
    pub scanned: Vec<(String, usize)>,
}

/// What the graph needs to know about the tree.
pub struct Tree<'a> {
    pub index: &'a HashMap<String, usize>,
    pub nix_files: &'a BTreeSet<String>,
    pub dirs: &'a BTreeSet<String>,
}

fn dir_prefix(dir: &str) -> String {
    if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    }
}

impl Tree<'_> {
    /// The `.nix` files under `dir` (all of them for the root), with their paths.
    fn under<'t>(&'t self, dir: &str) -> impl Iterator<Item = &'t String> + 't {
        let prefix = dir_prefix(dir);
        self.nix_files
            .range(prefix.clone()..)
            .take_while(move |p| p.starts_with(&prefix))
    }

    /// The modules of a directory, as scanPaths sees them.
    fn modules_of(&self, dir: &str) -> Vec<usize> {
        let prefix = dir_prefix(dir);
        self.under(dir)
            .filter(|path| match path[prefix.len()..].split_once('/') {
                None => &path[prefix.len()..] != "default.nix",
                Some((_, rest)) => rest == "default.nix",
            })
            .filter_map(|p| self.index.get(p).copied())
            .collect()
    }

    fn matching(&self, pattern: &PathPattern) -> Vec<usize> {
        self.under(&pattern.fixed_prefix())
            .filter(|p| pattern.matches(p))
            .filter_map(|p| self.index.get(p).copied())
            .collect()
    }

    fn all_under(&self, dir: &str) -> Vec<usize> {
        self.under(dir)
            .filter_map(|p| self.index.get(p).copied())
            .collect()
    }

    /// What import-tree loads from `dir`: paths below it with a component starting `_` are left out.
    fn import_tree(&self, dir: &str) -> Vec<usize> {
        let prefix = dir_prefix(dir);
        self.under(dir)
            .filter(|p| !import_tree_ignores(&p[prefix.len()..]))
            .filter_map(|p| self.index.get(p).copied())
            .collect()
    }

    fn is_dir(&self, path: &str) -> bool {
        path.is_empty() || self.dirs.contains(path)
    }

    fn default_nix(&self, dir: &str) -> Option<usize> {
        self.index
            .get(&format!("{}default.nix", dir_prefix(dir)))
            .copied()
    }
}

/// What one reference resolves to.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Resolution {
    pub targets: Vec<usize>,
    pub kind: Option<RefKind>,
    /// Directories it may load files from, without the model knowing which.
    pub regions: Vec<String>,
    /// Those directories are import-tree's (its filters narrow it further): no `_` path is loaded.
    pub skips_underscore: bool,
}

/// Resolves a reference of a file in `own_dir` against the tree: the decision table of what each
/// kind of reference loads.
pub fn resolve(raw: &RawRef, tree: &Tree<'_>, own_dir: &str) -> Resolution {
    let found = |targets: Vec<usize>, kind: RefKind| Resolution {
        targets,
        kind: Some(kind),
        ..Resolution::default()
    };
    let region = |dir: &str| Resolution {
        regions: (!dir.is_empty() && tree.is_dir(dir))
            .then(|| dir.to_string())
            .into_iter()
            .collect(),
        ..Resolution::default()
    };
    let path = match &raw.place {
        Place::Pattern(pattern) => return resolve_pattern(raw, pattern, tree),
        Place::Under(dir) => return region(dir),
        Place::Arg { .. } => return Resolution::default(), // see `Graph::build`
        Place::Exact(path) => path.as_str(),
    };
    if let Some(&file) = tree.index.get(path) {
        return found(vec![file], raw.kind);
    }
    if raw.option_dir && (path.is_empty() || tree.is_dir(path)) {
        // `someFramework.root = ./.;`: a module the model does not know may load any of it.
        return Resolution {
            regions: vec![path.to_string()],
            ..Resolution::default()
        };
    }
    if !tree.is_dir(path) {
        return Resolution::default();
    }
    if raw.filtered {
        // import-tree narrowed by a predicate the model cannot run; `_` paths stay out.
        return Resolution {
            skips_underscore: true,
            ..region(path)
        };
    }
    let flake = format!("{}flake.nix", dir_prefix(path));
    if let (RefKind::Value, Some(&file)) = (raw.kind, tree.index.get(&flake)) {
        // `extraInputsFlake = ./dev;`, `templates.x.path = ./t;`: a flake of its own.
        return found(vec![file], raw.kind);
    }
    let own_tree_loader =
        raw.kind == RefKind::Value && raw.callee.is_some() && path == own_dir && !path.is_empty();
    if own_tree_loader && (raw.module_list || raw.call_in_imports) {
        // `imports = mkModules { path = ./.; }`: a file hands its own directory to a loader
        // whose result it imports.
        return found(tree.all_under(path), RefKind::DiscoverAll);
    }
    match (raw.kind, tree.default_nix(path)) {
        (RefKind::Discover, _) => found(tree.modules_of(path), raw.kind),
        (RefKind::DiscoverAll, _) => found(tree.all_under(path), raw.kind),
        (RefKind::ImportTree, _) => found(tree.import_tree(path), raw.kind),
        (RefKind::Import | RefKind::Value, Some(file)) => found(vec![file], raw.kind),
        (RefKind::Import, None) | (RefKind::Pattern, _) => Resolution::default(),
        // `mapModules ./. import`: a file hands its own directory to a loader.
        (RefKind::Value, None) if own_tree_loader => {
            found(tree.all_under(path), RefKind::DiscoverAll)
        }
        (RefKind::Value, None) => match raw.callee.as_deref() {
            Some(name) if SOURCE_FUNCTIONS.contains(&name) => Resolution::default(),
            // A directory without default.nix handed to some function, or bound to a name,
            // away from the file's own tree (`modulePath = ../modules;`): something may load
            // any of it.
            _ if !is_ancestor_or_self(path, own_dir) => region(path),
            _ => Resolution::default(),
        },
    }
}

/// An interpolated path (`"${presetsRoot}/${preset}"`): the files it can name; handed to a loader
/// (`listFilesRecursive`, `readDir`), what that loader takes from each directory it can name;
/// handed to some other function, each directory it can name is a region.
fn resolve_pattern(raw: &RawRef, pattern: &PathPattern, tree: &Tree<'_>) -> Resolution {
    let dirs = || -> Vec<&String> {
        let prefix = dir_prefix(&pattern.fixed_prefix());
        tree.dirs
            .range(prefix.clone()..)
            .take_while(|d| d.starts_with(&prefix))
            .filter(|d| pattern.matches(d))
            .collect()
    };
    let each_dir = |load: &dyn Fn(&str) -> Vec<usize>| -> Vec<usize> {
        let mut targets: Vec<usize> = dirs().into_iter().flat_map(|d| load(d)).collect();
        targets.extend(tree.matching(pattern));
        targets.sort_unstable();
        targets.dedup();
        targets
    };
    let targets = match raw.kind {
        RefKind::Discover => each_dir(&|d| tree.modules_of(d)),
        RefKind::DiscoverAll => each_dir(&|d| tree.all_under(d)),
        RefKind::ImportTree => each_dir(&|d| tree.import_tree(d)),
        _ => tree.matching(pattern),
    };
    let to_a_loader = raw.kind == RefKind::Value
        && raw
            .callee
            .as_deref()
            .is_some_and(|name| !SOURCE_FUNCTIONS.contains(&name));
    Resolution {
        targets,
        kind: Some(RefKind::Pattern),
        regions: if to_a_loader && pattern.ends_with_hole() {
            dirs().into_iter().cloned().collect()
        } else {
            Vec::new()
        },
        skips_underscore: false,
    }
}

impl Graph {
    /// Resolves every file's references against the tree and finds what the roots reach.
    /// `frameworks` are the frameworks each flake uses.
    pub fn build(
        paths: &[String],
        refs: &[Vec<RawRef>],
        tree: &Tree<'_>,
        frameworks: &[conventions::Uses],
        module_args: &HashMap<String, String>,
        stand_alone: &[usize],
    ) -> Graph {
        let n = paths.len();
        let mut graph = Graph {
            outgoing: vec![Vec::new(); n],
            incoming: vec![Vec::new(); n],
            reached: vec![false; n],
            ..Graph::default()
        };
        for (from, file_refs) in refs.iter().enumerate() {
            let own_dir = parent_dir(&paths[from]);
            for raw in file_refs {
                let bound;
                let raw = match &raw.place {
                    Place::Arg { name, rest } => {
                        let Some(place) = module_args
                            .get(name)
                            .and_then(|root| Place::new(&format!("{root}/{rest}")))
                        else {
                            continue;
                        };
                        bound = RawRef {
                            place,
                            ..raw.clone()
                        };
                        &bound
                    }
                    _ => raw,
                };
                if let (RefKind::Discover, Place::Exact(dir), true) =
                    (raw.kind, &raw.place, raw.module_list)
                {
                    if tree.is_dir(dir) {
                        graph.scanned.push((dir.clone(), from));
                    }
                }
                let resolution = resolve(raw, tree, own_dir);
                let framework_root = |dir: &String| frameworks.iter().any(|u| &u.root == dir);
                for dir in resolution
                    .regions
                    .into_iter()
                    .filter(|d| !framework_root(d))
                {
                    graph.regions.push(Region {
                        from,
                        offset: raw.offset,
                        dir,
                        skips_underscore: resolution.skips_underscore,
                    });
                }
                let Some(kind) = resolution.kind else {
                    continue;
                };
                for to in resolution.targets {
                    if to == from && kind == RefKind::DiscoverAll {
                        continue; // a loader over the file's own tree does not load the file again
                    }
                    graph.add_edge(Edge {
                        from,
                        to,
                        kind,
                        offset: raw.offset,
                        import_call: raw.import_call,
                        applied: raw.applied,
                        module_list: raw.module_list,
                        binding: raw.binding,
                    });
                }
            }
        }
        graph.roots = roots(paths, frameworks);
        graph.roots.extend_from_slice(stand_alone);
        graph.reach(tree);
        graph
    }

    fn add_edge(&mut self, edge: Edge) {
        let id = self.edges.len();
        self.outgoing[edge.from].push(id);
        self.incoming[edge.to].push(id);
        self.edges.push(edge);
    }

    /// Marks what the roots reach: first through edges only, then through regions too. A region
    /// that adds files is listed in `unresolved`.
    fn reach(&mut self, tree: &Tree<'_>) {
        let mut stack = self.roots.clone();
        self.walk(&mut stack);
        let mut by_file: Vec<Vec<usize>> = vec![Vec::new(); self.reached.len()];
        for (i, region) in self.regions.iter().enumerate() {
            by_file[region.from].push(i);
        }
        let mut pending: Vec<usize> = (0..self.regions.len()).collect();
        loop {
            let mut progress = false;
            pending.retain(|&r| {
                let region = &self.regions[r];
                if !self.reached[region.from] {
                    return true;
                }
                let files = if region.skips_underscore {
                    tree.import_tree(&region.dir)
                } else {
                    tree.all_under(&region.dir)
                };
                let new: Vec<usize> = files.into_iter().filter(|&f| !self.reached[f]).collect();
                if !new.is_empty() {
                    self.unresolved.push(r);
                    let mut stack = new;
                    self.walk(&mut stack);
                    progress = true;
                }
                false
            });
            if !progress {
                break;
            }
        }
        self.unresolved
            .sort_by_key(|&r| (self.regions[r].from, self.regions[r].offset));
    }

    fn walk(&mut self, stack: &mut Vec<usize>) {
        while let Some(file) = stack.pop() {
            if std::mem::replace(&mut self.reached[file], true) {
                continue;
            }
            for &edge in &self.outgoing[file] {
                let to = self.edges[edge].to;
                if !self.reached[to] {
                    stack.push(to);
                }
            }
        }
    }

    /// Every edge.
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    /// The edges leaving `file`, in the order they are written.
    pub fn imports_of(&self, file: usize) -> impl Iterator<Item = &Edge> + '_ {
        self.outgoing[file].iter().map(|&e| &self.edges[e])
    }

    /// The edges arriving at `file`.
    pub fn importers_of(&self, file: usize) -> impl Iterator<Item = &Edge> + '_ {
        self.incoming[file].iter().map(|&e| &self.edges[e])
    }

    /// The module loads leaving `file` (see [`Graph::is_load`]).
    pub fn loads_of(&self, file: usize) -> impl Iterator<Item = &Edge> + '_ {
        self.imports_of(file).filter(|e| self.is_load(e))
    }

    /// Whether something loads `file` as a module.
    pub fn is_loaded(&self, file: usize) -> bool {
        self.importers_of(file).any(|e| self.is_load(e))
    }

    /// Files evaluation starts from.
    pub fn roots(&self) -> &[usize] {
        &self.roots
    }

    /// Whether evaluation can reach `file`.
    pub fn is_reached(&self, file: usize) -> bool {
        self.reached.get(file).copied().unwrap_or(false)
    }

    /// References not followed to files whose region holds files nothing else reaches, in file
    /// and position order.
    pub fn unresolved(&self) -> impl Iterator<Item = &Region> + '_ {
        self.unresolved.iter().map(|&r| &self.regions[r])
    }

    /// Whether an edge loads modules (the edges cycles and depth are about): a path in an
    /// `imports` / `modules` binding, `import` and scanPaths there included. An `import` in any
    /// other place is an expression Nix evaluates lazily, once per file, and is not a load.
    pub fn is_load(&self, edge: &Edge) -> bool {
        edge.module_list
    }
}

/// The files evaluation starts from: entry points, and what the frameworks load.
fn roots(paths: &[String], frameworks: &[conventions::Uses]) -> Vec<usize> {
    let flake_dirs: Vec<&str> = paths
        .iter()
        .filter(|p| p.as_str() == "flake.nix" || p.ends_with("/flake.nix"))
        .map(|p| parent_dir(p))
        .collect();
    paths
        .iter()
        .enumerate()
        .filter(|(_, path)| {
            conventions::is_entry_point(path, &flake_dirs)
                || frameworks.iter().any(|uses| {
                    let rest = if uses.root.is_empty() {
                        Some(path.as_str())
                    } else {
                        path.strip_prefix(uses.root.as_str())
                            .and_then(|r| r.strip_prefix('/'))
                    };
                    let Some(framework) = conventions::FRAMEWORKS
                        .iter()
                        .find(|f| f.name == uses.framework)
                    else {
                        return false;
                    };
                    rest.is_some_and(|rest| {
                        !(framework.skips_underscore && import_tree_ignores(rest))
                            && framework
                                .loads
                                .iter()
                                .any(|glob| conventions::glob_matches(glob, rest))
                    })
                })
        })
        .map(|(i, _)| i)
        .collect()
}

impl Graph {
    /// Whether `from` loads `to`, directly or through other files.
    pub fn loads(&self, from: usize, to: usize) -> bool {
        let mut seen = vec![false; self.outgoing.len()];
        let mut stack = vec![from];
        while let Some(file) = stack.pop() {
            if std::mem::replace(&mut seen[file], true) {
                continue;
            }
            for edge in self.loads_of(file) {
                if edge.to == to {
                    return true;
                }
                stack.push(edge.to);
            }
        }
        false
    }

    /// The strongly connected components over the load edges (iterative Tarjan), each listed
    /// after every component it reaches: successors first.
    pub fn components(&self) -> Vec<Vec<usize>> {
        const UNSEEN: usize = usize::MAX;
        let n = self.outgoing.len();
        let mut index = vec![UNSEEN; n];
        let mut low = vec![0; n];
        let mut on_stack = vec![false; n];
        let mut stack = Vec::new();
        let mut components = Vec::new();
        let mut counter = 0;
        for start in 0..n {
            if index[start] != UNSEEN {
                continue;
            }
            let mut calls: Vec<(usize, usize)> = vec![(start, 0)];
            index[start] = counter;
            low[start] = counter;
            counter += 1;
            stack.push(start);
            on_stack[start] = true;
            while let Some(top) = calls.len().checked_sub(1) {
                let (v, position) = calls[top];
                if let Some(&edge_id) = self.outgoing[v].get(position) {
                    calls[top].1 += 1;
                    let edge = &self.edges[edge_id];
                    if !self.is_load(edge) {
                        continue;
                    }
                    let w = edge.to;
                    if index[w] == UNSEEN {
                        index[w] = counter;
                        low[w] = counter;
                        counter += 1;
                        stack.push(w);
                        on_stack[w] = true;
                        calls.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(index[w]);
                    }
                } else {
                    calls.pop();
                    if let Some(&(u, _)) = calls.last() {
                        low[u] = low[u].min(low[v]);
                    }
                    if low[v] == index[v] {
                        let mut component = Vec::new();
                        while let Some(w) = stack.pop() {
                            on_stack[w] = false;
                            component.push(w);
                            if w == v {
                                break;
                            }
                        }
                        components.push(component);
                    }
                }
            }
        }
        components
    }
}

fn is_ancestor_or_self(dir: &str, of: &str) -> bool {
    dir.is_empty() || of == dir || of.starts_with(&format!("{dir}/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_stay_inside() {
        assert_eq!(join("a/b", "../c.nix").as_deref(), Some("a/c.nix"));
        assert_eq!(join("a", "./.").as_deref(), Some("a"));
        assert_eq!(join("", "../x"), None);
        assert_eq!(join("a", "/etc/x"), None);
    }
}
