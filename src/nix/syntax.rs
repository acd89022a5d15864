//! Questions about the syntax tree that several rules ask: names of functions, static attribute
//! paths, path and string literals, enclosing attribute paths, list contexts.

use rnix::SyntaxKind::{self, *};
use rnix::{NodeOrToken, SyntaxNode};

/// The node without the parentheses around it.
pub fn unparen(node: &SyntaxNode) -> SyntaxNode {
    let mut node = node.clone();
    while node.kind() == NODE_PAREN {
        match node.first_child() {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// The parent, skipping the parentheses around `node`; returns the child that sits in that parent.
pub fn parent_skipping_parens(node: &SyntaxNode) -> Option<(SyntaxNode, SyntaxNode)> {
    let mut child = node.clone();
    let mut parent = node.parent()?;
    while parent.kind() == NODE_PAREN {
        child = parent;
        parent = child.parent()?;
    }
    Some((parent, child))
}

/// The text of a static attribute name: `a`, `"a"`, `${"a"}`.
pub fn attr_name(node: &SyntaxNode) -> Option<String> {
    match node.kind() {
        NODE_IDENT => Some(node.text().to_string()),
        NODE_STRING => static_string(node),
        NODE_DYNAMIC => node.first_child().and_then(|inner| static_string(&inner)),
        _ => None,
    }
}

/// The names of an attribute path; a dynamic part is `None`.
pub fn attrpath_names(attrpath: &SyntaxNode) -> Vec<Option<String>> {
    attrpath.children().map(|attr| attr_name(&attr)).collect()
}

/// `a.b.c` (identifiers and selects with static names) as its names, e.g. `builtins.readDir`.
/// A dynamic part is kept as written (`${system}`) so the shape stays visible.
pub fn dotted_name(node: &SyntaxNode) -> Option<Vec<String>> {
    let node = unparen(node);
    match node.kind() {
        NODE_IDENT => Some(vec![node.text().to_string()]),
        NODE_SELECT => {
            let mut children = node.children();
            let base = children.next()?;
            let attrpath = children.next()?;
            if attrpath.kind() != NODE_ATTRPATH || children.next().is_some() {
                return None; // `a.b or c`: not a plain name
            }
            let mut names = dotted_name(&base)?;
            for attr in attrpath.children() {
                names.push(attr_name(&attr).unwrap_or_else(|| attr.text().to_string()));
            }
            Some(names)
        }
        _ => None,
    }
}

/// The last name of a function expression: `lib.custom.scanPaths` gives `scanPaths`.
pub fn callee_name(function: &SyntaxNode) -> Option<String> {
    dotted_name(function).and_then(|names| names.last().cloned())
}

/// A curried application `f a b` as `(f, [a, b])`.
pub fn apply_parts(node: &SyntaxNode) -> Option<(SyntaxNode, Vec<SyntaxNode>)> {
    if node.kind() != NODE_APPLY {
        return None;
    }
    let mut args = Vec::new();
    let mut current = node.clone();
    while current.kind() == NODE_APPLY {
        let mut children = current.children();
        let function = children.next()?;
        let argument = children.next()?;
        args.push(argument);
        current = unparen(&function);
    }
    args.reverse();
    Some((current, args))
}

/// Whether `node` names the builtin `name`: `builtins.name`, or `name` alone (after
/// `with builtins;` or `inherit (builtins) name;`).
pub fn is_builtin(node: &SyntaxNode, name: &str) -> bool {
    match dotted_name(node).as_deref() {
        Some([builtins, n]) => builtins == "builtins" && n == name,
        Some([n]) => n == name,
        _ => false,
    }
}

/// Whether `node` is a call of the builtin `name` (the node is the outermost application).
pub fn is_call_of(node: &SyntaxNode, name: &str) -> bool {
    apply_parts(node).is_some_and(|(function, _)| is_builtin(&function, name))
}

/// A path literal such as `./a/b.nix`: its static text, or the static prefix before the first
/// interpolation (`../hosts/${name}` gives `Interpolated("../hosts/")`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathLiteral {
    Static(String),
    Interpolated(String),
}

pub fn path_literal(node: &SyntaxNode) -> Option<PathLiteral> {
    if node.kind() != NODE_PATH_REL {
        return None;
    }
    let mut text = String::new();
    for element in node.children_with_tokens() {
        match element {
            NodeOrToken::Token(token) => text.push_str(token.text()),
            NodeOrToken::Node(_) => return Some(PathLiteral::Interpolated(text)),
        }
    }
    Some(PathLiteral::Static(text))
}

/// The contents of a string without interpolation (escapes left as written: the rules only compare).
pub fn static_string(node: &SyntaxNode) -> Option<String> {
    if node.kind() != NODE_STRING {
        return None;
    }
    let mut text = String::new();
    for element in node.children_with_tokens() {
        match element {
            NodeOrToken::Token(token) if token.kind() == TOKEN_STRING_CONTENT => {
                text.push_str(token.text())
            }
            NodeOrToken::Token(_) => {}
            NodeOrToken::Node(_) => return None,
        }
    }
    Some(text)
}

/// The parts of a string: literal text, or an interpolated expression.
pub enum StringPart {
    Text(String),
    Interpolation(SyntaxNode),
}

pub fn string_parts(node: &SyntaxNode) -> Vec<StringPart> {
    let mut parts = Vec::new();
    for element in node.children_with_tokens() {
        match element {
            NodeOrToken::Token(token) if token.kind() == TOKEN_STRING_CONTENT => {
                parts.push(StringPart::Text(token.text().to_string()))
            }
            NodeOrToken::Token(_) => {}
            NodeOrToken::Node(inner) => {
                if let Some(expr) = inner.first_child() {
                    parts.push(StringPart::Interpolation(expr));
                }
            }
        }
    }
    parts
}

/// The attribute path a value is bound to, enclosing sets included: in
/// `{ nixpkgs = { config.x = 1; }; }`, the `1` sits at `nixpkgs.config.x`. `let` bindings count too.
pub fn binding_path(node: &SyntaxNode) -> Vec<String> {
    let mut path = Vec::new();
    let mut current = node.clone();
    while let Some(parent) = current.parent() {
        if parent.kind() == NODE_ATTRPATH_VALUE {
            if let Some(attrpath) = parent.first_child() {
                if attrpath != current {
                    let names: Vec<String> = attrpath_names(&attrpath)
                        .into_iter()
                        .map(|n| n.unwrap_or_else(|| "${}".into()))
                        .collect();
                    path.splice(0..0, names);
                }
            }
        }
        if parent.kind() == NODE_LAMBDA {
            break; // a function body starts a new scope of meaning
        }
        current = parent;
    }
    path
}

/// Whether `node` is (part of) the value of an `imports` or `modules` binding: what the module
/// system loads (`imports = [ ./a.nix ];`, `imports = lib.custom.scanPaths ./.;`).
pub fn in_module_binding(node: &SyntaxNode) -> bool {
    module_binding(node).is_some()
}

/// The `imports = …` / `modules = …` binding `node` belongs to, if any (within its function).
pub fn module_binding(node: &SyntaxNode) -> Option<SyntaxNode> {
    let mut current = node.clone();
    while let Some(parent) = current.parent() {
        match parent.kind() {
            NODE_LAMBDA => return None,
            NODE_ATTRPATH_VALUE if parent.first_child().as_ref() != Some(&current) => {
                let (names, _) = binding(&parent)?;
                let last = names.last()?;
                return (last == "imports" || last == "modules").then_some(parent);
            }
            _ => current = parent,
        }
    }
    None
}

/// For a binding `a.b = value;`, the names `a.b` and the value.
pub fn binding(node: &SyntaxNode) -> Option<(Vec<String>, SyntaxNode)> {
    if node.kind() != NODE_ATTRPATH_VALUE {
        return None;
    }
    let mut children = node.children();
    let attrpath = children.next()?;
    let value = children.next()?;
    let names = attrpath_names(&attrpath)
        .into_iter()
        .map(|n| n.unwrap_or_else(|| "${}".into()))
        .collect();
    Some((names, value))
}

/// If `node` is an element of a list bound to an attribute named one of `names` (possibly
/// through `++` or parentheses), the binding's name.
pub fn list_binding_name(node: &SyntaxNode, names: &[&str]) -> Option<String> {
    let (parent, _) = parent_skipping_parens(node)?;
    if parent.kind() != NODE_LIST {
        return None;
    }
    let mut current = parent;
    loop {
        let (up, _) = parent_skipping_parens(&current)?;
        match up.kind() {
            NODE_BIN_OP => current = up,
            NODE_ATTRPATH_VALUE => {
                let (path, _) = binding(&up)?;
                let last = path.last()?;
                return names.contains(&last.as_str()).then(|| last.clone());
            }
            _ => return None,
        }
    }
}

/// The significant tokens of a node (no whitespace, no comments): its meaning, for comparison.
pub fn significant_tokens(node: &SyntaxNode) -> Vec<(SyntaxKind, String)> {
    node.descendants_with_tokens()
        .filter_map(|element| element.into_token())
        .filter(|token| !matches!(token.kind(), TOKEN_WHITESPACE | TOKEN_COMMENT))
        .map(|token| (token.kind(), token.text().to_string()))
        .collect()
}

/// The names a lambda binds: `x: …` binds `x`, `{ a, b ? 1, ... }@args: …` binds a, b and args.
pub fn lambda_params(lambda: &SyntaxNode) -> Vec<String> {
    let mut names = Vec::new();
    let Some(param) = lambda.first_child() else {
        return names;
    };
    for node in param.descendants() {
        if node.kind() == NODE_IDENT {
            let in_default = node
                .ancestors()
                .take_while(|a| *a != param)
                .any(|a| a.kind() == NODE_PAT_ENTRY && a.first_child().as_ref() != Some(&node));
            if !in_default {
                names.push(node.text().to_string());
            }
        }
    }
    names
}

/// Whether any variable under `node` is one of `names` (a cheap free-variable test: attribute
/// names in `a.b` and `b = …` are not variables).
pub fn mentions_any(node: &SyntaxNode, names: &[String]) -> bool {
    node.descendants()
        .filter(|n| n.kind() == NODE_IDENT)
        .filter(|n| n.parent().is_none_or(|p| p.kind() != NODE_ATTRPATH))
        .any(|n| names.iter().any(|name| n.text() == name.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> SyntaxNode {
        rnix::Root::parse(text).syntax()
    }

    fn first(root: &SyntaxNode, kind: SyntaxKind) -> SyntaxNode {
        root.descendants().find(|n| n.kind() == kind).expect("node")
    }

    #[test]
    fn names_and_calls() {
        let root = parse("lib.custom.scanPaths ./. x");
        let apply = first(&root, NODE_APPLY);
        let (function, args) = apply_parts(&apply).expect("apply");
        assert_eq!(callee_name(&function).as_deref(), Some("scanPaths"));
        assert_eq!(args.len(), 2);
        assert_eq!(
            path_literal(&args[0]),
            Some(PathLiteral::Static("./.".into()))
        );
    }

    #[test]
    fn interpolated_paths_and_bindings() {
        let root = parse("{ a.b = [ ../hosts/${name} ]; }");
        let path = first(&root, NODE_PATH_REL);
        assert_eq!(
            path_literal(&path),
            Some(PathLiteral::Interpolated("../hosts/".into()))
        );
        assert_eq!(binding_path(&path), vec!["a", "b"]);
        assert_eq!(list_binding_name(&path, &["b"]).as_deref(), Some("b"));
    }

    #[test]
    fn builtins_are_recognized() {
        let root = parse("builtins.readDir ./x");
        assert!(is_call_of(&first(&root, NODE_APPLY), "readDir"));
    }
}
