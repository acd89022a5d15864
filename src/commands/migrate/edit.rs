//! The edits of `migrate` in Nix files, made on the syntax tree: each edit replaces the text of one
//! node, so comments and everything else stay as written. A file that was in the official style is
//! formatted again afterwards.

use std::ops::Range;

use rnix::SyntaxKind::*;
use rnix::SyntaxNode;

use super::model::resolve;
use crate::layout::auto_import::{IMPORT_TREE_COMMENT, IMPORT_TREE_INPUT, IMPORT_TREE_URL};
use crate::nix::syntax::{
    apply_parts, binding, binding_path, callee_name, dotted_name, lambda_params, path_literal,
    unparen, PathLiteral,
};

type Edits = Vec<(Range<usize>, String)>;

fn range(node: &SyntaxNode) -> Range<usize> {
    node.text_range().start().into()..node.text_range().end().into()
}

/// `text` with the edits made (they must not overlap), in the official style when it was.
fn apply(text: &str, mut edits: Edits) -> String {
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut out = text.to_string();
    for (range, new) in edits {
        out.replace_range(range, &new);
    }
    let formatted = |t: &str| nixfmt_rs::format(t).ok();
    if formatted(text).as_deref() == Some(text) {
        if let Some(clean) = formatted(&out) {
            return clean;
        }
    }
    out
}

fn root(text: &str) -> SyntaxNode {
    rnix::Root::parse(text).syntax()
}

/// The top expression of a file (skipping comments).
fn top(text: &str) -> Option<SyntaxNode> {
    root(text).first_child()
}

/// A static relative path literal's text.
fn static_path(node: &SyntaxNode) -> Option<String> {
    match path_literal(node)? {
        PathLiteral::Static(text) => Some(text),
        PathLiteral::Interpolated(_) => None,
    }
}

/// A call of import-tree on one static path (`inputs.import-tree ./nixos`): the node to replace
/// (with its parentheses) and the path's text.
fn import_tree_call(node: &SyntaxNode) -> Option<(SyntaxNode, String)> {
    let (function, args) = apply_parts(node)?;
    if callee_name(&function)? != IMPORT_TREE_INPUT {
        return None;
    }
    let [arg] = args.as_slice() else {
        return None;
    };
    let path = static_path(&unparen(arg))?;
    let mut outer = node.clone();
    while let Some(parent) = outer.parent().filter(|p| p.kind() == NODE_PAREN) {
        outer = parent;
    }
    Some((outer, path))
}

/// The registry loads each tree with import-tree: a value that is a path to one of `trees`
/// (relative to the repository; the registry sits in `dir`) becomes `inputs.import-tree PATH`, and
/// the file takes `inputs` as an argument.
pub fn registry_to_import_tree(text: &str, dir: &str, trees: &[String]) -> Result<String, String> {
    let mut edits = Edits::new();
    for node in root(text).descendants() {
        let Some(path) = static_path(&node) else {
            continue;
        };
        let is_value = node.parent().is_some_and(|p| {
            p.kind() == NODE_ATTRPATH_VALUE && p.first_child() != Some(node.clone())
        });
        let names_tree = resolve(dir, &path).is_some_and(|target| trees.contains(&target));
        if is_value && names_tree {
            edits.push((range(&node), format!("inputs.{IMPORT_TREE_INPUT} {path}")));
        }
    }
    if edits.is_empty() {
        return Err("it names none of the module trees as a path (`all = ./nixos;`)".into());
    }
    edits.extend(take_inputs(text)?);
    Ok(apply(text, edits))
}

/// The edit that makes the file a function taking `inputs` (none when it already is).
fn take_inputs(text: &str) -> Result<Edits, String> {
    let top = top(text).ok_or("it is empty")?;
    if top.kind() != NODE_LAMBDA {
        let at = usize::from(top.text_range().start());
        return Ok(vec![(at..at, "{ inputs, ... }:\n".into())]);
    }
    if lambda_params(&top).iter().any(|p| p == "inputs") {
        return Ok(Vec::new());
    }
    let pattern = top.first_child().filter(|p| p.kind() == NODE_PATTERN);
    let brace = pattern.and_then(|p| {
        p.children_with_tokens()
            .filter_map(|e| e.into_token())
            .find(|t| t.kind() == TOKEN_L_BRACE)
    });
    match brace {
        Some(brace) => {
            let at = usize::from(brace.text_range().end());
            Ok(vec![(at..at, " inputs,".into())])
        }
        None => Err("it is a function of one argument, not of `{ inputs, ... }`".into()),
    }
}

/// The registry exposes each tree as a path again: `inputs.import-tree ./nixos` becomes `./nixos`;
/// a `{ inputs, ... }:` header that nothing else uses goes.
pub fn registry_to_scanpaths(text: &str) -> Result<String, String> {
    let edits: Edits = root(text)
        .descendants()
        .filter_map(|node| import_tree_call(&node))
        .map(|(node, path)| (range(&node), path))
        .collect();
    if edits.is_empty() {
        return Err("it loads no tree with import-tree".into());
    }
    let edited = apply(text, edits);
    Ok(drop_unused_inputs(&edited))
}

/// Without its `{ inputs, ... }:` header when the body does not use `inputs`.
fn drop_unused_inputs(text: &str) -> String {
    let Some(top) = top(text).filter(|t| t.kind() == NODE_LAMBDA) else {
        return text.to_string();
    };
    let (Some(param), Some(body)) = (top.first_child(), top.last_child()) else {
        return text.to_string();
    };
    let only_inputs = param.kind() == NODE_PATTERN && lambda_params(&top) == ["inputs"];
    let used = body
        .descendants()
        .filter(|n| n.kind() == NODE_IDENT)
        .filter(|n| n.parent().is_none_or(|p| p.kind() != NODE_ATTRPATH))
        .any(|n| n.text() == "inputs");
    if !only_inputs || used {
        return text.to_string();
    }
    let start = usize::from(top.text_range().start());
    let body_start = usize::from(body.text_range().start());
    apply(text, vec![(start..body_start, String::new())])
}

/// The name the flake's `outputs` function binds its inputs to, and the edit that binds them as
/// `inputs` when it binds no name.
fn outputs_inputs(text: &str) -> Result<(String, Edits), String> {
    let lambda = root(text)
        .descendants()
        .filter_map(|node| binding(&node))
        .find(|(names, value)| names == &["outputs"] && binding_path(value) == ["outputs"])
        .map(|(_, value)| unparen(&value))
        .filter(|value| value.kind() == NODE_LAMBDA)
        .ok_or("its `outputs` is not a function")?;
    let param = lambda
        .first_child()
        .ok_or("its `outputs` has no argument")?;
    match param.kind() {
        NODE_IDENT_PARAM => Ok((param.text().to_string().trim().to_string(), Vec::new())),
        NODE_PATTERN => match param.children().find(|c| c.kind() == NODE_PAT_BIND) {
            Some(bind) => {
                let name = bind
                    .children()
                    .find(|c| c.kind() == NODE_IDENT)
                    .map(|n| n.text().to_string())
                    .ok_or("its `outputs` binds its inputs to no name")?;
                Ok((name, Vec::new()))
            }
            None => {
                let at = usize::from(param.text_range().start());
                Ok(("inputs".into(), vec![(at..at, "inputs@".into())]))
            }
        },
        _ => Err("its `outputs` has an argument nixscaffold does not know".into()),
    }
}

/// The `inputs` attribute set of a flake, when it is one (`inputs = { … };`).
fn inputs_set(text: &str) -> Option<SyntaxNode> {
    root(text)
        .descendants()
        .filter_map(|node| binding(&node))
        .find(|(names, value)| names == &["inputs"] && binding_path(value) == ["inputs"])
        .map(|(_, value)| value)
        .filter(|value| value.kind() == NODE_ATTR_SET)
}

/// Whether `text` calls import-tree on the path `dir` (`(inputs.import-tree ./flake)`).
pub fn loads_with_import_tree(text: &str, dir: &str) -> bool {
    root(text)
        .descendants()
        .filter_map(|node| import_tree_call(&node))
        .any(|(_, path)| path == dir)
}

/// Whether the flake has the import-tree input.
pub fn has_import_tree_input(text: &str) -> bool {
    crate::layout::Backend::infer(Some(text)) == crate::layout::Backend::ImportTree
}

/// flake.nix with import-tree: the input added after the last one, and the flake-parts modules
/// directory (`flake_dir`, e.g. `./flake`, in an `imports` list) loaded with import-tree.
pub fn flake_to_import_tree(text: &str, flake_dir: Option<&str>) -> Result<String, String> {
    let (name, mut edits) = outputs_inputs(text)?;
    if !has_import_tree_input(text) {
        let set =
            inputs_set(text).ok_or("its `inputs` is not an attribute set `inputs = { … };`")?;
        let last = set
            .children()
            .filter(|c| c.kind() == NODE_ATTRPATH_VALUE)
            .last()
            .ok_or("its `inputs` is empty")?;
        let end = usize::from(last.text_range().end());
        let indent = indentation(text, usize::from(last.text_range().start()));
        let input = format!(
            "\n{indent}{IMPORT_TREE_COMMENT}\n{indent}{IMPORT_TREE_INPUT}.url = \"{IMPORT_TREE_URL}\";"
        );
        edits.push((end..end, input));
    }
    if let Some(dir) = flake_dir {
        let listed: Vec<SyntaxNode> = root(text)
            .descendants()
            .filter(|n| static_path(n).as_deref() == Some(dir))
            .filter(|n| n.parent().is_some_and(|p| p.kind() == NODE_LIST))
            .collect();
        if listed.is_empty() {
            return Err(format!(
                "its flake-parts `imports` list does not name {dir}"
            ));
        }
        for node in listed {
            edits.push((range(&node), format!("({name}.{IMPORT_TREE_INPUT} {dir})")));
        }
    }
    Ok(apply(text, edits))
}

/// flake.nix without import-tree: `(inputs.import-tree ./flake)` is `./flake` again, and the input
/// (with the comment line right above it) goes when `drop_input`.
pub fn flake_to_scanpaths(text: &str, drop_input: bool) -> String {
    let mut edits: Edits = root(text)
        .descendants()
        .filter_map(|node| import_tree_call(&node))
        .map(|(node, path)| (range(&node), path))
        .collect();
    if drop_input {
        for node in root(text).descendants() {
            let Some((names, value)) = binding(&node) else {
                continue;
            };
            let path = binding_path(&value);
            if path.len() >= 2 && path[0] == "inputs" && path[1] == IMPORT_TREE_INPUT {
                // The outermost binding of the input: `import-tree.url = …;` or `import-tree = { … };`.
                let names_input = names.iter().any(|n| n == IMPORT_TREE_INPUT);
                if names_input {
                    edits.push((line_span(text, &node), String::new()));
                }
            }
        }
    }
    apply(text, edits)
}

/// The binding's lines: from the start of its line (and of a comment line right above it) to the
/// end of its line.
fn line_span(text: &str, node: &SyntaxNode) -> Range<usize> {
    let start = usize::from(node.text_range().start());
    let end = usize::from(node.text_range().end());
    let mut line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let above = text[..line_start.saturating_sub(1)]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    if line_start > 0 && text[above..line_start - 1].trim_start().starts_with('#') {
        line_start = above;
    }
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    line_start..line_end
}

fn indentation(text: &str, at: usize) -> String {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..at]
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect()
}

/// Every static path literal in `text` (a file in `dir`) that names `from` or a path below it,
/// rewritten to name `to` instead (`from` and `to` differ in their last segment).
pub fn rename_references(text: &str, dir: &str, from: &str, to: &str) -> Option<String> {
    let new_name = to.rsplit('/').next()?;
    let mut edits = Edits::new();
    for node in root(text).descendants() {
        let Some(literal) = static_path(&node) else {
            continue;
        };
        if let Some(renamed) = rename_in_literal(&literal, dir, from, new_name) {
            edits.push((range(&node), renamed));
        }
    }
    (!edits.is_empty()).then(|| apply(text, edits))
}

/// The literal with the segment that reaches `from` replaced by `new_name`.
fn rename_in_literal(literal: &str, dir: &str, from: &str, new_name: &str) -> Option<String> {
    let segments: Vec<&str> = literal.split('/').collect();
    for (i, _) in segments.iter().enumerate() {
        let prefix = segments[..=i].join("/");
        if resolve(dir, &prefix).as_deref() == Some(from) && !matches!(segments[i], "." | "..") {
            let mut out: Vec<&str> = segments.clone();
            out[i] = new_name;
            return Some(out.join("/"));
        }
    }
    None
}

/// Whether `text` uses `name` as a variable or an attribute it selects (`inputs.import-tree …`,
/// `lib.custom.scanPaths`), apart from defining it.
pub fn uses(text: &str, name: &str) -> bool {
    root(text)
        .descendants()
        .filter(|node| matches!(node.kind(), NODE_SELECT | NODE_IDENT))
        .filter(|node| node.parent().is_none_or(|p| p.kind() != NODE_ATTRPATH))
        .any(|node| dotted_name(&node).is_some_and(|names| names.iter().any(|n| n == name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_goes_there_and_back_keeping_comments() {
        let text = "# mine\n{\n  flake = {\n    # the tree\n    nixosModules.all = ./nixos;\n    x = ./other;\n  };\n}\n";
        let trees = vec!["modules/nixos".to_string()];
        let there = registry_to_import_tree(text, "modules", &trees).unwrap();
        assert_eq!(
            there,
            "# mine\n{ inputs, ... }:\n{\n  flake = {\n    # the tree\n    nixosModules.all = inputs.import-tree ./nixos;\n    x = ./other;\n  };\n}\n"
        );
        assert_eq!(registry_to_scanpaths(&there).unwrap(), text);
        let with_args = "{ self, ... }: { flake.homeManagerModules.all = ./home; }";
        let there =
            registry_to_import_tree(with_args, "modules", &["modules/home".into()]).unwrap();
        assert!(there.starts_with("{ inputs, self, ... }:"), "{there}");
        assert!(registry_to_import_tree("x: { a = ./nixos; }", "modules", &trees).is_err());
    }

    #[test]
    fn the_flake_gains_the_input_and_loses_it_again() {
        let text = "{\n  inputs = {\n    nixpkgs.url = \"n\";\n  };\n  outputs =\n    inputs@{ flake-parts, ... }:\n    flake-parts.lib.mkFlake { inherit inputs; } {\n      imports = [\n        ./flake\n        ./modules\n      ];\n    };\n}\n";
        let there = flake_to_import_tree(text, Some("./flake")).unwrap();
        assert!(
            there.contains("    import-tree.url = \"github:vic/import-tree\";\n  };"),
            "{there}"
        );
        assert!(there.contains("(inputs.import-tree ./flake)"), "{there}");
        assert_eq!(flake_to_scanpaths(&there, true), text);
        let bare = "{ inputs.nixpkgs.url = \"n\"; outputs = { self, ... }: { }; }";
        assert!(flake_to_import_tree(bare, None).is_err());
        let named = "{ inputs = { a.url = \"a\"; }; outputs = { self, ... }@ins: { imports = [ ./flake ]; }; }";
        let there = flake_to_import_tree(named, Some("./flake")).unwrap();
        assert!(there.contains("(ins.import-tree ./flake)"), "{there}");
    }

    #[test]
    fn references_follow_a_renamed_file_or_directory() {
        let text = "{ x = import ./lib.nix; y = ./data/a.json; z = ../web/lib.nix; }";
        let out = rename_references(text, "m/web", "m/web/lib.nix", "m/web/_lib.nix").unwrap();
        assert_eq!(
            out,
            "{ x = import ./_lib.nix; y = ./data/a.json; z = ../web/_lib.nix; }"
        );
        let out = rename_references(text, "m/web", "m/web/data", "m/web/_data").unwrap();
        assert!(out.contains("./_data/a.json"), "{out}");
        assert_eq!(
            rename_references(text, "m/web", "m/other.nix", "m/_other.nix"),
            None
        );
    }
}
