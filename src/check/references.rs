//! Reference extraction: the paths a file's syntax tree names, each with how it is used. A
//! reference is an expression the abstract evaluation ([`super::eval`]) finds to be a place in
//! the repository: `import ./x.nix`, `./x` in an `imports` list, a directory handed to
//! `scanPaths`, `readDir` or import-tree, `hostsDir + "/${name}"` with `hostsDir = ../hosts;`,
//! `"${self}/system"`, `mylib.relativeToRoot "hosts/x"`.

use std::collections::HashMap;

use rnix::SyntaxKind::*;
use rnix::{SyntaxNode, WalkEvent};

use super::conventions::{
    discovers, discovers_all, imports_input_module, is_directory_option, IMPORT_TREE,
    IMPORT_TREE_FILTERS, ROOT_HELPERS,
};
use super::eval::{Eval, Value};
use super::pattern::{PathPattern, Place};
use crate::nix::syntax::{
    apply_parts, callee_name, is_builtin, module_binding, parent_skipping_parens, unparen,
};

/// How a file refers to a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefKind {
    /// `import P`, or `P` in an `imports` / `modules` list: a module or expression is loaded.
    Import,
    /// Any other use of the path: `callPackage ./x.nix`, `all = ./nixos;`, `src = ./.`.
    Value,
    /// The modules of a directory: its `.nix` files but `default.nix`, and its subdirectories'
    /// `default.nix` (what `scanPaths` or `readDir` reach).
    Discover,
    /// Every `.nix` file under a directory (`packagesFromDirectoryRecursive`, `listFilesRecursive`).
    DiscoverAll,
    /// import-tree: every `.nix` file under a directory but paths with a component starting `_`.
    ImportTree,
    /// The files an interpolated path can name (`../hosts/${name}`): chosen by a value, not all
    /// imported at once.
    Pattern,
}

/// A reference as written, before it is matched against the files that exist.
#[derive(Clone, Debug)]
pub struct RawRef {
    pub kind: RefKind,
    /// What the expression names.
    pub place: Place,
    pub offset: usize,
    /// Written as `import P` (a value import: the module loses its identity).
    pub import_call: bool,
    /// `import P args`: the imported function is called, its result is what is used.
    pub applied: bool,
    /// Sits in an `imports` or `modules` list.
    pub module_list: bool,
    /// Where that `imports` / `modules` binding starts: references in one binding load together.
    pub binding: Option<usize>,
    /// The innermost function the path is handed to (`toString` aside), if any.
    pub callee: Option<String>,
    /// Handed to a loader whose choice the model cannot follow (import-tree's `filter`).
    pub filtered: bool,
    /// Handed to a function whose result an `imports` / `modules` binding loads
    /// (`imports = mkModules { path = ./.; };`).
    pub call_in_imports: bool,
    /// The value of a directory-like option (`someFramework.root = ./.;`) outside any call, in a
    /// file that imports an input's flake module: a framework the model does not know may load
    /// anything below it (see `conventions::is_directory_option`).
    pub option_dir: bool,
}

impl RawRef {
    /// The path when it is known entirely, else the directory before its first unknown part.
    pub fn path(&self) -> String {
        match &self.place {
            Place::Exact(path) | Place::Under(path) => path.clone(),
            Place::Pattern(pattern) => pattern.fixed_prefix(),
            Place::Arg { .. } => String::new(),
        }
    }

    pub fn pattern(&self) -> Option<&PathPattern> {
        match &self.place {
            Place::Pattern(pattern) => Some(pattern),
            _ => None,
        }
    }
}

/// Every path reference in a file, in the order they are written; `None` when its syntax tree is
/// deeper than `max_depth` (see `check::MAX_TREE_DEPTH`). One walk over the tree: a name is known
/// as bound from its binding on (a `let`'s bindings and a function's defaults come before the body
/// that uses them).
pub fn references(
    file: &str,
    text: &str,
    root: &SyntaxNode,
    max_depth: usize,
) -> Option<Vec<RawRef>> {
    let dir = super::graph::parent_dir(file);
    let eval = Eval { dir };
    let may_use_root_helper = ROOT_HELPERS.iter().any(|h| text.contains(h));
    let mut uses: HashMap<String, usize> = HashMap::new();
    let mut depth = 0usize;
    let mut refs = Vec::new();
    // References that are the value of a binding (`hostsDir = ../hosts;`): followed where the name
    // is used, so kept only when it is never used.
    let mut bound_refs: Vec<(String, RawRef)> = Vec::new();
    let mut walk = root.preorder();
    while let Some(event) = walk.next() {
        let node = match event {
            WalkEvent::Enter(node) => node,
            WalkEvent::Leave(_) => {
                depth -= 1;
                continue;
            }
        };
        depth += 1;
        if depth > max_depth {
            return None;
        }
        if matches!(node.kind(), NODE_ATTRPATH_VALUE | NODE_PAT_ENTRY) {
            if let Some(name) = bound_name(&node) {
                uses.entry(name).or_insert(0);
            }
        }
        count_use(&node, &mut uses);
        if !is_candidate(&node, &uses, may_use_root_helper) {
            continue;
        }
        let value = match eval.value(&node) {
            Value::Text(text)
                if node.kind() == NODE_STRING
                    && may_use_root_helper
                    && under_root_helper(&node) =>
            {
                Value::Loc(format!("/{text}"))
            }
            value => value,
        };
        let Value::Loc(text) = value else {
            continue;
        };
        walk.skip_subtree(); // its Leave event still comes
        for inner in node.descendants().skip(1) {
            count_use(&inner, &mut uses);
        }
        let reference = match Place::new(&text) {
            Some(Place::Arg { rest, .. }) if rest.is_empty() => continue, // the argument itself
            Some(place) => classify(&node, place),
            None => continue,
        };
        match binding_site(&node) {
            Some(name) if uses.contains_key(&name) => bound_refs.push((name, reference)),
            _ => refs.push(reference),
        }
    }
    for (name, reference) in bound_refs {
        if uses.get(&name) == Some(&0) {
            refs.push(reference);
        }
    }
    if refs.iter().any(|r| r.option_dir) && !imports_input_module(root) {
        for r in &mut refs {
            r.option_dir = false;
        }
    }
    refs.sort_by_key(|r| r.offset);
    Some(refs)
}

/// Whether the file is a stand-alone entry point by what it does: a flake-compat shim
/// (`import (fetchTarball ".../flake-compat/...") { src = ./.; }`), which `nix-build` and
/// `nix-shell` run without the flake.
pub fn is_stand_alone(file: &str, text: &str, root: &SyntaxNode) -> bool {
    if !text.contains("flake-compat") || file == "flake.nix" || file.ends_with("/flake.nix") {
        return false;
    }
    root.descendants()
        .filter(|n| n.kind() == NODE_STRING)
        .any(|string| {
            crate::nix::syntax::string_parts(&string).iter().any(|part| {
                matches!(part, crate::nix::syntax::StringPart::Text(t) if t.contains("flake-compat/"))
            }) && crate::nix::syntax::binding_path(&string).first().map(String::as_str) != Some("inputs")
        })
}

/// Counts `node` as a use when it is an identifier naming a bound name.
fn count_use(node: &SyntaxNode, uses: &mut HashMap<String, usize>) {
    if node.kind() != NODE_IDENT || uses.is_empty() || !is_expression(node) {
        return;
    }
    let text = node.text();
    if let Some((_, count)) = uses.iter_mut().find(|(name, _)| text == name.as_str()) {
        *count += 1;
    }
}

/// Module arguments the file sets to a place, by name: `_module.args.flakeRoot = ./.;`,
/// `specialArgs = { flake = self; };`. Functions anywhere that take an argument of that name get
/// that place.
pub fn module_args(file: &str, root: &SyntaxNode) -> Vec<(String, String)> {
    let eval = Eval {
        dir: super::graph::parent_dir(file),
    };
    let mut args = Vec::new();
    for node in root.descendants() {
        if node.kind() != NODE_ATTRPATH_VALUE {
            continue;
        }
        let Some(value) = node.children().nth(1) else {
            continue;
        };
        let path = crate::nix::syntax::binding_path(&value);
        let n = path.len();
        // `flake = self;` anywhere: an attribute holding the flake itself is handed on as an
        // argument (specialArgs, haumea's inputs, `_module.args`).
        let is_arg = (n >= 3 && path[n - 3] == "_module" && path[n - 2] == "args")
            || (n >= 2 && matches!(path[n - 2].as_str(), "specialArgs" | "extraSpecialArgs"))
            || (n >= 1 && path[n - 1] != "self" && super::eval::is_self(&unparen(&value)));
        if !is_arg {
            continue;
        }
        if let Value::Loc(text) = eval.value(&value) {
            if let Some(Place::Exact(place)) = Place::new(&text) {
                args.push((path[n - 1].clone(), place));
            }
        }
    }
    args
}

/// The name a `let` / `rec` binding or a function argument with a default binds.
/// Only values that can be (or hold, or compute) a place count: `cfg = config.x.y;` or a list
/// does not.
fn bound_name(node: &SyntaxNode) -> Option<String> {
    let mut children = node.children();
    let (name, value) = match node.kind() {
        NODE_ATTRPATH_VALUE => {
            let scope = node.parent()?;
            let binds = scope.kind() == NODE_LET_IN
                || (scope.kind() == NODE_ATTR_SET && super::eval::is_rec(&scope));
            let path = children.next()?;
            let mut attrs = path.children();
            let (Some(name), None) = (attrs.next(), attrs.next()) else {
                return None;
            };
            if !binds || name.kind() != NODE_IDENT {
                return None;
            }
            (name, children.next()?)
        }
        NODE_PAT_ENTRY => (children.next()?, children.next()?),
        _ => return None,
    };
    let value = unparen(&value);
    let may_be_a_place = match value.kind() {
        NODE_SELECT => super::eval::is_self(&value),
        NODE_LIST | NODE_LITERAL | NODE_IF_ELSE | NODE_ASSERT | NODE_HAS_ATTR | NODE_UNARY_OP => {
            false
        }
        _ => true,
    };
    may_be_a_place.then(|| name.text().to_string())
}

/// Whether an identifier stands for a value (not a binding's name or an attribute name).
fn is_expression(ident: &SyntaxNode) -> bool {
    ident.parent().is_some_and(|parent| match parent.kind() {
        NODE_ATTRPATH | NODE_PAT_ENTRY | NODE_IDENT_PARAM | NODE_PAT_BIND => false,
        // `inherit (x) a;` names an attribute of x; `inherit a;` uses a.
        NODE_INHERIT => !parent.children().any(|c| c.kind() == NODE_INHERIT_FROM),
        _ => true,
    })
}

/// Expressions that can evaluate to a place.
fn is_candidate(node: &SyntaxNode, uses: &HashMap<String, usize>, root_helper: bool) -> bool {
    // Cheap tests first: this runs on every node of every file.
    let bound = |name: &SyntaxNode| {
        !uses.is_empty() && {
            let text = name.text();
            uses.keys().any(|k| text == k.as_str())
        }
    };
    match node.kind() {
        NODE_PATH_REL => true,
        // A string is a place when it embeds one (`"${self}/x"`, `"name=${root}/x"`) or names one
        // from the root (`relativeToRoot "x"`).
        NODE_STRING => root_helper || has_interpolation(node),
        NODE_BIN_OP => super::eval::is_plus(node),
        NODE_IDENT => bound(node) && is_expression(node),
        NODE_SELECT => {
            let mut children = node.children();
            let (Some(base), Some(attrpath)) = (children.next(), children.next()) else {
                return false;
            };
            base.kind() == NODE_IDENT
                && attrpath.children().count() == 1
                && (bound(&base) || (base.text() == "inputs" && attrpath.text() == "self"))
        }
        NODE_APPLY => {
            let Some(function) = node.first_child().map(|f| unparen(&f)) else {
                return false;
            };
            match function.kind() {
                NODE_IDENT => {
                    bound(&function) || function.text() == "toString" || function.text() == "toPath"
                }
                NODE_SELECT | NODE_APPLY => function
                    .last_token()
                    .is_some_and(|t| matches!(t.text(), "toString" | "toPath" | "append")),
                _ => false,
            }
        }
        _ => false,
    }
}

fn has_interpolation(string: &SyntaxNode) -> bool {
    string.children().any(|c| c.kind() == NODE_INTERPOL)
}

/// The name `node` is bound to, when it is the value of a `let` / `rec` binding or a function
/// argument's default.
fn binding_site(node: &SyntaxNode) -> Option<String> {
    let (parent, child) = parent_skipping_parens(node)?;
    match parent.kind() {
        NODE_ATTRPATH_VALUE if parent.first_child().as_ref() != Some(&child) => bound_name(&parent),
        NODE_PAT_ENTRY if parent.first_child().as_ref() != Some(&child) => bound_name(&parent),
        _ => None,
    }
}

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

/// A function a reference is (part of) an argument of.
struct Call {
    /// The application.
    apply: SyntaxNode,
    name: Option<String>,
    /// The function is import-tree (or one of its methods).
    import_tree: bool,
    filtered: bool,
}

/// The functions `node` is (part of) an argument of, innermost first, within the same function
/// body.
fn enclosing_calls(node: &SyntaxNode) -> Vec<Call> {
    let mut calls = Vec::new();
    let mut child = node.clone();
    for ancestor in node.ancestors().skip(1) {
        if ancestor.kind() == NODE_LAMBDA || calls.len() >= 3 {
            break;
        }
        if ancestor.kind() == NODE_APPLY && ancestor.children().nth(1).as_ref() == Some(&child) {
            if let Some((function, _)) = apply_parts(&ancestor) {
                let names: Vec<String> = function
                    .descendants()
                    .filter(|n| n.kind() == NODE_IDENT)
                    .map(|n| n.text().to_string())
                    .collect();
                let import_tree = names.iter().any(|n| n == IMPORT_TREE);
                calls.push(Call {
                    apply: ancestor.clone(),
                    name: callee_name(&function),
                    import_tree,
                    filtered: import_tree
                        && names
                            .iter()
                            .any(|n| IMPORT_TREE_FILTERS.contains(&n.as_str())),
                });
            }
        }
        child = ancestor;
    }
    calls
}

/// How `node`, which names `place`, is used.
fn classify(node: &SyntaxNode, place: Place) -> RawRef {
    let offset = usize::from(node.text_range().start());
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
    let calls = enclosing_calls(node);
    let named = |test: fn(&str) -> bool| calls.iter().any(|c| c.name.as_deref().is_some_and(test));
    let import_tree = calls.iter().find(|c| c.import_tree);
    let kind = if import_call {
        RefKind::Import
    } else if import_tree.is_some() {
        RefKind::ImportTree
    } else if named(discovers_all) {
        RefKind::DiscoverAll
    } else if named(discovers) {
        RefKind::Discover
    } else if module_list && calls.is_empty() {
        RefKind::Import
    } else {
        // Handed to some other function (`mapModulesRec' ./modules import`) or used as a value.
        RefKind::Value
    };
    let callee = calls
        .iter()
        .filter_map(|c| c.name.clone())
        .find(|name| name != "toString");
    RawRef {
        kind,
        place,
        offset,
        import_call,
        applied,
        module_list,
        binding,
        callee,
        filtered: import_tree.is_some_and(|c| c.filtered),
        call_in_imports: calls
            .first()
            .is_some_and(|c| module_binding(&c.apply).is_some()),
        option_dir: kind == RefKind::Value
            && calls
                .first()
                .is_none_or(|c| c.name.as_deref() == Some("mkFlake"))
            && is_directory_option(&crate::nix::syntax::binding_path(node)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs_of(file: &str, text: &str) -> Vec<(RefKind, String)> {
        let root = rnix::Root::parse(text).syntax();
        references(file, text, &root, 2048)
            .unwrap_or_default()
            .into_iter()
            .map(|r| {
                let shown = match &r.place {
                    Place::Exact(p) => p.clone(),
                    Place::Pattern(p) => format!("{}/…", p.fixed_prefix()),
                    Place::Under(p) => format!("{p}/?"),
                    Place::Arg { name, rest } => format!("{name}:{rest}"),
                };
                (r.kind, shown)
            })
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
                (RefKind::Value, "hosts/…".into()),
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

    #[test]
    fn bound_paths_are_followed_where_used() {
        assert_eq!(
            refs_of(
                "m/default.nix",
                "let currentDir = ./.; in { imports = map (n: import (currentDir + \"/${n}\")) (builtins.attrNames (builtins.readDir currentDir)); }"
            ),
            vec![
                (RefKind::Import, "m/…".into()),
                (RefKind::Discover, "m".into())
            ]
        );
        assert_eq!(
            refs_of(
                "flake.nix",
                "{ outputs = { self, ... }: let mod = \"${self}/system\"; in { imports = [ \"${mod}/core/x.nix\" ]; }; }"
            ),
            vec![(RefKind::Import, "system/core/x.nix".into())]
        );
        assert_eq!(
            refs_of("a/b.nix", "{ modulePath = ../modules; }"),
            vec![(RefKind::Value, "modules".into())]
        );
        assert_eq!(
            refs_of("a.nix", "{ imports = [ (inputs.import-tree ./modules) ((inputs.import-tree.filter f) ./more) ]; }"),
            vec![
                (RefKind::ImportTree, "modules".into()),
                (RefKind::ImportTree, "more".into())
            ]
        );
        assert_eq!(
            refs_of("a.nix", "d: { imports = [ (./m + d) ]; }"),
            vec![(RefKind::Import, "m/?".into())]
        );
    }
}
