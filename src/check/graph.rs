//! The import graph, built once for the whole repository: which file reaches which, how, and from
//! where. Every rule that asks "is this imported?" reads it.
//!
//! A reference is a path in a file's syntax tree: `import ./x.nix`, `./x` in an `imports` list, a
//! directory handed to `scanPaths` or `readDir` (its modules are discovered), a directory handed to
//! `packagesFromDirectoryRecursive` (everything under it), an interpolated `../hosts/${name}`
//! (every entry of `../hosts/`), or `self + "/x.nix"`.

use std::collections::{BTreeSet, HashMap};

use rnix::SyntaxKind::*;
use rnix::SyntaxNode;

use crate::nix::syntax::{
    apply_parts, callee_name, dotted_name, in_module_binding, is_builtin, module_binding,
    parent_skipping_parens, path_literal, string_parts, unparen, PathLiteral, StringPart,
};

/// How a file refers to a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefKind {
    /// `import P`, or `P` in an `imports` / `modules` list: a module or expression is loaded.
    Import,
    /// Any other use of the path: `callPackage ./x.nix`, `all = ./nixos;`, `src = ./.`.
    Value,
    /// The modules of a directory: its `.nix` files but `default.nix`, and its subdirectories'
    /// `default.nix` (what `scanPaths`, `readDir` or `../hosts/${name}` reach).
    Discover,
    /// Every `.nix` file under a directory (`packagesFromDirectoryRecursive`, `listFilesRecursive`).
    DiscoverAll,
    /// The files an interpolated path can name (`../hosts/${name}`): chosen by a value, not all
    /// imported at once.
    Pattern,
}

/// A reference as written, before it is matched against the files that exist.
#[derive(Clone, Debug)]
pub struct RawRef {
    pub kind: RefKind,
    /// Normalized, relative to the repository root (`""` is the root).
    pub path: String,
    pub offset: usize,
    /// Written as `import P` (a value import: the module loses its identity).
    pub import_call: bool,
    /// `import P args`: the imported function is called, its result is what is used.
    pub applied: bool,
    /// Sits in an `imports` or `modules` list.
    pub module_list: bool,
    /// Where that `imports` / `modules` binding starts: references in one binding load together.
    pub binding: Option<usize>,
    /// For an interpolated path, the files it can name.
    pub pattern: Option<PathPattern>,
    /// The innermost function the path is handed to (`toString` aside), if any.
    pub callee: Option<String>,
}

/// Functions that import every module of a directory they are given.
fn discovers(name: &str) -> bool {
    name.to_ascii_lowercase().contains("scan")
        || matches!(
            name,
            "readDir"
                | "listDirectory"
                | "importDir"
                | "importDirectory"
                | "importModules"
                | "listModules"
                | "umport"
        )
}

/// Flake frameworks that wire directories by convention, with those directories: a file there is
/// loaded without any import naming it.
pub const FRAMEWORKS: &[(&str, &[&str])] = &[
    (
        "nixos-unified",
        &["configurations", "modules", "overlays", "packages"],
    ),
    (
        "snowfall-lib",
        &[
            "systems", "homes", "modules", "packages", "overlays", "lib", "shells", "checks",
        ],
    ),
    (
        "blueprint",
        &["hosts", "modules", "packages", "devshells", "checks", "lib"],
    ),
    ("ez-configs", &["hosts", "users", "modules"]),
];

/// The frameworks a flake.nix names (as an input or in an expression).
pub fn frameworks(flake: &SyntaxNode) -> Vec<&'static str> {
    let mut found = Vec::new();
    for node in flake.descendants() {
        let name = match node.kind() {
            NODE_IDENT => node.text().to_string(),
            NODE_STRING => match crate::nix::syntax::static_string(&node) {
                Some(text) => text,
                None => continue,
            },
            _ => continue,
        };
        for (framework, _) in FRAMEWORKS {
            if (name == *framework || name.ends_with(&format!("/{framework}")))
                && !found.contains(framework)
            {
                found.push(*framework);
            }
        }
    }
    found
}

/// Functions that take a directory as source code to copy or filter, not as modules to load.
const SOURCE_FUNCTIONS: &[&str] = &[
    "cleanSource",
    "cleanSourceWith",
    "filterSource",
    "path",
    "toSource",
    "gitTracked",
    "fileFilter",
    "unions",
    "union",
    "difference",
    "intersection",
    "maybeMissing",
    "sourceByRegex",
    "sourceFilesBySuffices",
    "readFile",
    "readFileType",
    "pathExists",
    "hashFile",
    "copyPathToStore",
    "append",
];

/// Functions that reach every file under a directory.
fn discovers_all(name: &str) -> bool {
    matches!(
        name,
        "packagesFromDirectoryRecursive"
            | "listFilesRecursive"
            | "rakeLeaves"
            | "flattenTree"
            | "importTree"
            | "import-tree"
            | "load"
            | "loadModules"
            | "callDirectory"
    )
}

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

fn is_self(node: &SyntaxNode) -> bool {
    matches!(dotted_name(node).as_deref(),
        Some([s]) if s == "self")
        || matches!(dotted_name(node).as_deref(),
        Some([i, s]) if i == "inputs" && s == "self")
}

/// Every path reference in a file.
pub fn references(file: &str, text: &str, root: &SyntaxNode) -> Vec<RawRef> {
    let dir = parent_dir(file);
    // Literal pre-filters (the decision is still made on the tree).
    let may_use_self = text.contains("self");
    let may_use_root_helper = ROOT_HELPERS.iter().any(|h| text.contains(h));
    let mut refs = Vec::new();
    for node in root.descendants() {
        let offset = usize::from(node.text_range().start());
        match node.kind() {
            NODE_PATH_REL => {
                if is_lhs_of_string_append(&node) {
                    continue; // `./. + "/x.nix"`: the whole sum is handled below
                }
                match path_literal(&node) {
                    Some(PathLiteral::Static(text)) => {
                        if let Some(path) = join(dir, &text) {
                            refs.push(classify(&node, path, offset));
                        }
                    }
                    Some(PathLiteral::Interpolated(_)) => {
                        let text = holed_text(&node);
                        if let Some(pattern) = PathPattern::new(dir, &text) {
                            refs.push(discover(&node, pattern, offset));
                        }
                    }
                    None => {}
                }
            }
            NODE_BIN_OP => {
                let mut children = node.children();
                let (Some(lhs), Some(rhs)) = (children.next(), children.next()) else {
                    continue;
                };
                if !is_plus(&node) || unparen(&rhs).kind() != NODE_STRING {
                    continue;
                }
                let lhs = unparen(&lhs);
                let base = if is_self(&lhs) {
                    Some(String::new())
                } else if let Some(PathLiteral::Static(text)) = path_literal(&lhs) {
                    join(dir, &text)
                } else {
                    None
                };
                if let Some(base) = base {
                    push_appended(
                        &mut refs,
                        &node,
                        &base,
                        &string_parts(&unparen(&rhs)),
                        offset,
                    );
                }
            }
            NODE_STRING if may_use_self || may_use_root_helper => {
                let parts = string_parts(&node);
                if let Some(StringPart::Interpolation(first)) = parts.first() {
                    if is_self(first) {
                        push_appended(&mut refs, &node, "", &parts[1..], offset);
                    }
                } else if may_use_root_helper && under_root_helper(&node) {
                    // `mylib.relativeToRoot "hosts/x"`, `map mylib.relativeToRoot [ "a.nix" ]`.
                    let mut rooted = vec![StringPart::Text("/".into())];
                    rooted.extend(parts);
                    push_appended(&mut refs, &node, "", &rooted, offset);
                }
            }
            _ => {}
        }
    }
    refs
}

/// A path literal's text with a hole for each interpolation.
fn holed_text(node: &SyntaxNode) -> String {
    let mut text = String::new();
    for element in node.children_with_tokens() {
        match element {
            rnix::NodeOrToken::Token(token) => text.push_str(token.text()),
            rnix::NodeOrToken::Node(_) => text.push(HOLE),
        }
    }
    text
}

/// Stands for an interpolation in a path's text.
const HOLE: char = '\u{0}';

/// A path with holes where interpolations were, from the root: `../hosts/${name}` written in
/// `flake/x.nix` is `hosts/*`; `../users/${u}/${os}.nix` is `users/*/*.nix`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathPattern {
    segments: Vec<Segment>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Name(String),
    Hole { prefix: String, suffix: String },
}

impl PathPattern {
    /// `None` when the pattern leaves the repository or climbs out of a hole.
    fn new(dir: &str, text: &str) -> Option<PathPattern> {
        if text.starts_with('/') || text.starts_with('~') {
            return None;
        }
        let mut segments: Vec<Segment> = dir
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| Segment::Name(s.to_string()))
            .collect();
        for part in text.split('/') {
            match part {
                "" | "." => {}
                ".." => match segments.pop() {
                    Some(Segment::Name(_)) => {}
                    _ => return None,
                },
                p => match p.split_once(HOLE) {
                    Some((prefix, rest)) => segments.push(Segment::Hole {
                        prefix: prefix.to_string(),
                        suffix: rest.rsplit(HOLE).next().unwrap_or("").to_string(),
                    }),
                    None => segments.push(Segment::Name(p.to_string())),
                },
            }
        }
        Some(PathPattern { segments })
    }

    /// The directory before the first hole.
    fn fixed_prefix(&self) -> String {
        self.segments
            .iter()
            .map_while(|s| match s {
                Segment::Name(n) => Some(n.as_str()),
                Segment::Hole { .. } => None,
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    fn matches(&self, path: &str) -> bool {
        let parts: Vec<&str> = path.split('/').collect();
        let fits = |parts: &[&str]| {
            parts.len() == self.segments.len()
                && parts.iter().zip(&self.segments).all(|(p, s)| match s {
                    Segment::Name(n) => n == p,
                    Segment::Hole { prefix, suffix } => {
                        p.len() >= prefix.len() + suffix.len()
                            && p.starts_with(prefix.as_str())
                            && p.ends_with(suffix.as_str())
                    }
                })
        };
        fits(&parts) || (parts.last() == Some(&"default.nix") && fits(&parts[..parts.len() - 1]))
    }
}

/// Helpers that turn a string into a path from the repository's root.
const ROOT_HELPERS: &[&str] = &["relativeToRoot", "fromRoot", "rootPath"];

/// Whether a string is handed to a root helper, directly or through `map helper [ … ]`.
fn under_root_helper(node: &SyntaxNode) -> bool {
    let mut child = node.clone();
    for ancestor in node.ancestors().skip(1).take(4) {
        if ancestor.kind() == NODE_LAMBDA || ancestor.kind() == NODE_ATTRPATH_VALUE {
            return false;
        }
        if ancestor.kind() == NODE_APPLY && ancestor.children().nth(1).as_ref() == Some(&child) {
            if let Some((function, args)) = apply_parts(&ancestor) {
                let named = |n: &SyntaxNode| {
                    callee_name(n).is_some_and(|name| ROOT_HELPERS.contains(&name.as_str()))
                };
                if named(&function) || args.iter().any(named) {
                    return true;
                }
            }
        }
        child = ancestor;
    }
    false
}

fn is_plus(node: &SyntaxNode) -> bool {
    node.children_with_tokens()
        .any(|e| e.as_token().is_some_and(|t| t.kind() == TOKEN_ADD))
}

fn is_lhs_of_string_append(node: &SyntaxNode) -> bool {
    let Some((parent, child)) = parent_skipping_parens(node) else {
        return false;
    };
    parent.kind() == NODE_BIN_OP
        && is_plus(&parent)
        && parent.first_child().as_ref() == Some(&child)
        && parent
            .children()
            .nth(1)
            .is_some_and(|rhs| unparen(&rhs).kind() == NODE_STRING)
}

/// `base + "/a/b.nix"` or `"${self}/a/${x}"`: a path when the rest is static, else its directory.
fn push_appended(
    refs: &mut Vec<RawRef>,
    node: &SyntaxNode,
    base: &str,
    rest: &[StringPart],
    offset: usize,
) {
    let mut text = String::new();
    let mut interpolated = false;
    for part in rest {
        match part {
            StringPart::Text(t) => text.push_str(t),
            StringPart::Interpolation(_) => {
                interpolated = true;
                break;
            }
        }
    }
    if !(text.starts_with('/') || text.is_empty() && interpolated) {
        return;
    }
    let literal = text.trim_start_matches('/');
    if interpolated {
        let mut holed = String::new();
        for part in rest {
            match part {
                StringPart::Text(t) => holed.push_str(t),
                StringPart::Interpolation(_) => holed.push(HOLE),
            }
        }
        if let Some(pattern) = PathPattern::new(base, holed.trim_start_matches('/')) {
            refs.push(discover(node, pattern, offset));
        }
    } else if let Some(path) = join(base, literal) {
        refs.push(classify(node, path, offset));
    }
}

fn discover(node: &SyntaxNode, pattern: PathPattern, offset: usize) -> RawRef {
    let all = enclosing_callees(node).iter().any(|n| discovers_all(n));
    RawRef {
        kind: if all {
            RefKind::DiscoverAll
        } else {
            RefKind::Discover
        },
        path: pattern.fixed_prefix(),
        pattern: (!all).then_some(pattern),
        offset,
        import_call: false,
        applied: false,
        module_list: in_module_binding(node),
        binding: module_binding(node).map(|b| b.text_range().start().into()),
        callee: None,
    }
}

/// The names of the functions `node` is (part of) an argument of, innermost first, within the
/// same function body.
fn enclosing_callees(node: &SyntaxNode) -> Vec<String> {
    let mut names = Vec::new();
    let mut child = node.clone();
    for ancestor in node.ancestors().skip(1) {
        if ancestor.kind() == NODE_LAMBDA || names.len() >= 3 {
            break;
        }
        if ancestor.kind() == NODE_APPLY {
            let is_argument = ancestor.children().nth(1).as_ref() == Some(&child);
            if is_argument {
                if let Some((function, _)) = apply_parts(&ancestor) {
                    if let Some(name) = callee_name(&function) {
                        names.push(name);
                    }
                }
            }
        }
        child = ancestor;
    }
    names
}

fn classify(node: &SyntaxNode, path: String, offset: usize) -> RawRef {
    let mut effective = node.clone();
    let mut import_call = false;
    let mut applied = false;
    if let Some((parent, child)) = parent_skipping_parens(node) {
        if parent.kind() == NODE_APPLY && parent.children().nth(1).as_ref() == Some(&child) {
            if let Some(function) = parent.first_child() {
                if is_builtin(&function, "import") {
                    import_call = true;
                    effective = parent;
                    applied = parent_skipping_parens(&effective).is_some_and(|(up, child)| {
                        up.kind() == NODE_APPLY && up.first_child() == Some(child)
                    });
                }
            }
        }
    }
    let binding = module_binding(&effective).map(|b| b.text_range().start().into());
    let module_list = binding.is_some();
    let callees = enclosing_callees(node);
    let kind = if import_call {
        RefKind::Import
    } else if callees.iter().any(|n| discovers_all(n)) {
        RefKind::DiscoverAll
    } else if callees.iter().any(|n| discovers(n)) {
        RefKind::Discover
    } else if module_list && callees.is_empty() {
        RefKind::Import
    } else {
        // Handed to some other function (`mapModulesRec' ./modules import`) or used as a value.
        RefKind::Value
    };
    let callee = callees.into_iter().find(|name| name != "toString");
    RawRef {
        kind,
        path,
        offset,
        import_call,
        applied,
        module_list,
        binding,
        pattern: None,
        callee,
    }
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

/// The import graph over the repository's `.nix` files (indices into `Repo::files`).
#[derive(Default)]
pub struct Graph {
    pub edges: Vec<Edge>,
    /// Edge indices leaving each file.
    pub outgoing: Vec<Vec<usize>>,
    /// Edge indices arriving at each file.
    pub incoming: Vec<Vec<usize>>,
    /// Files evaluation starts from: the root's `.nix` files, every `flake.nix`, agenix's
    /// `secrets.nix`, and the directories a flake framework wires by convention.
    pub roots: Vec<usize>,
    /// Whether some root reaches the file.
    pub reached: Vec<bool>,
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

impl Tree<'_> {
    /// The modules of a directory, as scanPaths sees them.
    fn modules_of(&self, dir: &str) -> Vec<usize> {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut out = Vec::new();
        for path in self.nix_files.range(prefix.clone()..) {
            let Some(rest) = path.strip_prefix(&prefix) else {
                break;
            };
            match rest.split_once('/') {
                None if rest != "default.nix" => out.extend(self.index.get(path)),
                Some((_, "default.nix")) => out.extend(self.index.get(path)),
                _ => {}
            }
        }
        out
    }

    fn matching(&self, pattern: &PathPattern) -> Vec<usize> {
        let fixed = pattern.fixed_prefix();
        let prefix = if fixed.is_empty() {
            String::new()
        } else {
            format!("{fixed}/")
        };
        self.nix_files
            .range(prefix.clone()..)
            .take_while(|p| p.starts_with(&prefix))
            .filter(|p| pattern.matches(p))
            .filter_map(|p| self.index.get(p).copied())
            .collect()
    }

    fn all_under(&self, dir: &str) -> Vec<usize> {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        self.nix_files
            .range(prefix.clone()..)
            .take_while(|p| p.starts_with(&prefix))
            .filter_map(|p| self.index.get(p).copied())
            .collect()
    }

    fn is_dir(&self, path: &str) -> bool {
        path.is_empty() || self.dirs.contains(path)
    }

    fn default_nix(&self, dir: &str) -> Option<usize> {
        let path = if dir.is_empty() {
            "default.nix".to_string()
        } else {
            format!("{dir}/default.nix")
        };
        self.index.get(&path).copied()
    }
}

impl Graph {
    /// Resolves every file's references against the tree and finds what the roots reach.
    pub fn build(
        paths: &[String],
        refs: &[Vec<RawRef>],
        tree: &Tree<'_>,
        conventional_dirs: &[&str],
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
                if raw.kind == RefKind::Discover
                    && raw.pattern.is_none()
                    && raw.module_list
                    && tree.is_dir(&raw.path)
                {
                    graph.scanned.push((raw.path.clone(), from));
                }
                let (targets, kind): (Vec<usize>, RefKind) = if let Some(pattern) = &raw.pattern {
                    (tree.matching(pattern), RefKind::Pattern)
                } else if let Some(&file) = tree.index.get(&raw.path) {
                    (vec![file], raw.kind)
                } else if raw.kind == RefKind::Value
                    && raw.callee.is_some()
                    && raw.path == own_dir
                    && !raw.path.is_empty()
                {
                    // `mapModules ./. import`: a file hands its own directory to a loader.
                    (tree.all_under(&raw.path), RefKind::DiscoverAll)
                } else if tree.is_dir(&raw.path) {
                    match (raw.kind, tree.default_nix(&raw.path)) {
                        (RefKind::Discover, _) => (tree.modules_of(&raw.path), raw.kind),
                        (RefKind::DiscoverAll, _) => (tree.all_under(&raw.path), raw.kind),
                        (RefKind::Import | RefKind::Value, Some(file)) => (vec![file], raw.kind),
                        (RefKind::Import, None) => (Vec::new(), raw.kind),
                        // A directory without default.nix handed to a function other than a source
                        // filter (`mapModules ./. import`), or used as a value away from the
                        // file's own tree: something (a loader) takes all of it.
                        (RefKind::Value, None) => match raw.callee.as_deref() {
                            Some(name) if SOURCE_FUNCTIONS.contains(&name) => {
                                (Vec::new(), raw.kind)
                            }
                            Some(_) if !is_ancestor_or_self(&raw.path, own_dir) => {
                                (tree.all_under(&raw.path), RefKind::DiscoverAll)
                            }
                            Some(_) => (Vec::new(), raw.kind),
                            None if !is_ancestor_or_self(&raw.path, own_dir) => {
                                (tree.all_under(&raw.path), RefKind::DiscoverAll)
                            }
                            None => (Vec::new(), raw.kind),
                        },
                        (RefKind::Pattern, _) => (Vec::new(), raw.kind),
                    }
                } else {
                    (Vec::new(), raw.kind)
                };
                for to in targets {
                    if to == from && kind == RefKind::DiscoverAll {
                        continue; // a loader over the file's own tree does not load the file again
                    }
                    let id = graph.edges.len();
                    graph.edges.push(Edge {
                        from,
                        to,
                        kind,
                        offset: raw.offset,
                        import_call: raw.import_call,
                        applied: raw.applied,
                        module_list: raw.module_list,
                        binding: raw.binding,
                    });
                    graph.outgoing[from].push(id);
                    graph.incoming[to].push(id);
                }
            }
        }
        graph.roots = paths
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                !p.contains('/')
                    || p.ends_with("/flake.nix")
                    // Read by tools, not imported: agenix's rules.
                    || p.as_str() == "secrets.nix"
                    || p.ends_with("/secrets.nix")
                    || conventional_dirs
                        .iter()
                        .any(|d| p.starts_with(d) && p.as_bytes().get(d.len()) == Some(&b'/'))
            })
            .map(|(i, _)| i)
            .collect();
        let mut stack = graph.roots.clone();
        while let Some(file) = stack.pop() {
            if std::mem::replace(&mut graph.reached[file], true) {
                continue;
            }
            for &edge in &graph.outgoing[file] {
                let to = graph.edges[edge].to;
                if !graph.reached[to] {
                    stack.push(to);
                }
            }
        }
        graph
    }

    /// Whether an edge loads modules (the edges cycles and depth are about): a path in an
    /// `imports` / `modules` binding, `import` and scanPaths there included. An `import` in any
    /// other place is an expression Nix evaluates lazily, once per file, and is not a load.
    pub fn is_load(&self, edge: &Edge) -> bool {
        edge.module_list
    }
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
            for &edge_id in &self.outgoing[file] {
                let edge = &self.edges[edge_id];
                if !self.is_load(edge) {
                    continue;
                }
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

    fn refs_of(file: &str, text: &str) -> Vec<(RefKind, String)> {
        let root = rnix::Root::parse(text).syntax();
        references(file, text, &root)
            .into_iter()
            .map(|r| (r.kind, r.path))
            .collect()
    }

    #[test]
    fn kinds_of_references() {
        assert_eq!(
            refs_of(
                "m/default.nix",
                "{ lib, ... }: { imports = lib.custom.scanPaths ./.; }"
            ),
            vec![(RefKind::Discover, "m".into())]
        );
        assert_eq!(
            refs_of(
                "m/default.nix",
                "{ imports = [ ./a.nix (import ./b.nix) ]; }"
            ),
            vec![
                (RefKind::Import, "m/a.nix".into()),
                (RefKind::Import, "m/b.nix".into())
            ]
        );
        assert_eq!(
            refs_of(
                "f/c.nix",
                "{ x = n: ../hosts/${n}; y = self + \"/z/w.nix\"; }"
            ),
            vec![
                (RefKind::Discover, "hosts".into()),
                (RefKind::Value, "z/w.nix".into())
            ]
        );
        assert_eq!(
            refs_of(
                "o/d.nix",
                "lib.packagesFromDirectoryRecursive { directory = ../pkgs; }"
            ),
            vec![(RefKind::DiscoverAll, "pkgs".into())]
        );
    }
}
