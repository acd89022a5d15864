//! How module trees are auto-imported: the two backends a repository chooses between (the answer
//! `auto-import`), the rule both share for files that must not be imported (a name starting with
//! `_`), and whether a directory's `default.nix` auto-imports its directory, decided on the syntax
//! tree: its `imports` is a call of the scanPaths helper (or import-tree) on its own directory,
//! `./.`. What comments say does not count.

use std::fmt;

use rnix::SyntaxKind::*;
use rnix::SyntaxNode;
use serde::{Deserialize, Serialize};

use crate::nix::syntax::{
    apply_parts, binding, binding_path, callee_name, path_literal, unparen, PathLiteral,
};

/// How the module trees (and the flake-parts modules) are imported.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
    clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum Backend {
    /// A `default.nix` in every module directory: `imports = lib.custom.scanPaths ./.;`
    #[default]
    Scanpaths,
    /// vic/import-tree, called on each tree's root from the registry: no `default.nix` files
    ImportTree,
}

impl Backend {
    pub const ALL: [Backend; 2] = [Backend::Scanpaths, Backend::ImportTree];

    /// The word in flags and `.nixscaffold.yaml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Scanpaths => "scanpaths",
            Backend::ImportTree => "import-tree",
        }
    }

    /// The flake input import-tree comes from, when the backend has one.
    pub fn input(self) -> Option<&'static str> {
        match self {
            Backend::Scanpaths => None,
            Backend::ImportTree => Some(IMPORT_TREE_INPUT),
        }
    }

    /// The backend a repository without recorded answers uses: import-tree when `flake.nix` has an
    /// `import-tree` input (decided on its syntax tree), else scanPaths.
    pub fn infer(flake_nix: Option<&str>) -> Backend {
        let Some(text) = flake_nix else {
            return Backend::Scanpaths;
        };
        let root = rnix::Root::parse(text).syntax();
        let has_input = root
            .descendants()
            .filter_map(|node| binding(&node))
            .any(|(_, value)| {
                let path = binding_path(&value);
                path.len() >= 2 && path[0] == "inputs" && path[1] == IMPORT_TREE_INPUT
            });
        if has_input {
            Backend::ImportTree
        } else {
            Backend::Scanpaths
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The flake input of vic/import-tree.
pub const IMPORT_TREE_INPUT: &str = "import-tree";
/// Where import-tree comes from; it has no inputs of its own, so there is nothing to follow.
pub const IMPORT_TREE_URL: &str = "github:vic/import-tree";
/// The comment above the input, in `new`'s flake.nix and where `migrate` adds it.
pub const IMPORT_TREE_COMMENT: &str =
    "# Every .nix file of a directory as modules, but names starting with _ (it has no inputs).";

/// Whether a path below a tree's root is left out of the tree: some component of it starts with
/// `_` (import-tree's rule, which the scanPaths helper follows too).
pub fn left_out(rest: &str) -> bool {
    rest.split('/').any(|segment| segment.starts_with('_'))
}

/// The helper `lib/default.nix` defines, and the names of functions that do its job.
pub const SCAN_HELPERS: &[&str] = &["scanPaths", "import-tree", "importTree"];

/// Whether the Nix `text` auto-imports its own directory.
pub fn auto_imports(text: &str) -> bool {
    auto_imports_by(text, SCAN_HELPERS)
}

/// Whether the Nix `text` auto-imports its own directory with a helper of the shape or with
/// `own`, the name of an adopted repository's own helper.
pub fn auto_imports_with(text: &str, own: Option<&str>) -> bool {
    auto_imports(text) || own.is_some_and(|name| auto_imports_by(text, &[name]))
}

/// Whether the Nix `text` auto-imports its own directory with one of `helpers` (an adopted
/// repository's helper has its own name).
pub fn auto_imports_by(text: &str, helpers: &[&str]) -> bool {
    let root = rnix::Root::parse(text).syntax();
    root.descendants()
        .filter(|node| node.kind() == NODE_ATTRPATH_VALUE)
        .filter_map(|node| binding(&node))
        .filter(|(names, _)| names.last().is_some_and(|name| name == "imports"))
        .any(|(_, value)| scans_own_dir(&value, helpers))
}

/// `scanPaths ./.`, possibly inside parentheses, a list or one side of `++`.
fn scans_own_dir(value: &SyntaxNode, helpers: &[&str]) -> bool {
    let value = unparen(value);
    match value.kind() {
        NODE_APPLY => is_scan_of_own_dir(&value, helpers),
        NODE_BIN_OP | NODE_LIST => value.children().any(|child| scans_own_dir(&child, helpers)),
        _ => false,
    }
}

fn is_scan_of_own_dir(call: &SyntaxNode, helpers: &[&str]) -> bool {
    let Some((function, args)) = apply_parts(call) else {
        return false;
    };
    let helper = callee_name(&function).is_some_and(|name| helpers.contains(&name.as_str()));
    let own_dir = matches!(
        args.as_slice(),
        [arg] if matches!(
            path_literal(&unparen(arg)).as_ref().map(|p| match p {
                PathLiteral::Static(text) => text.as_str(),
                PathLiteral::Interpolated(_) => "",
            }),
            Some("./." | "./")
        )
    );
    helper && own_dir
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backend_is_inferred_from_the_flake_inputs() {
        let with = "{ inputs = { nixpkgs.url = \"x\"; import-tree.url = \"github:vic/import-tree\"; }; outputs = _: { }; }";
        let nested =
            "{ inputs.import-tree = { url = \"github:vic/import-tree\"; }; outputs = _: { }; }";
        assert_eq!(Backend::infer(Some(with)), Backend::ImportTree);
        assert_eq!(Backend::infer(Some(nested)), Backend::ImportTree);
        let without = "# import-tree.url = 1;\n{ inputs.nixpkgs.url = \"x\"; outputs = _: { }; }";
        assert_eq!(Backend::infer(Some(without)), Backend::Scanpaths);
        assert_eq!(Backend::infer(None), Backend::Scanpaths);
        assert!(left_out("_data/x.nix") && left_out("a/_x.nix") && !left_out("a/b_c.nix"));
    }

    #[test]
    fn decided_by_the_imports_binding_not_by_words() {
        let yes = [
            "{ lib, ... }: { imports = lib.custom.scanPaths ./.; }",
            "{ lib, ... }: { imports = (lib.custom.scanPaths ./.) ++ [ ../x.nix ]; }",
            "{ inputs, ... }: { imports = [ (inputs.import-tree ./.) ]; }",
        ];
        for text in yes {
            assert!(auto_imports(text), "{text}");
        }
        let no = [
            "# scanPaths in the default.nix above it imports it\n{ config, lib, ... }: { options.x = { }; }",
            "{ lib, ... }: { imports = lib.custom.scanPaths ../other; }",
            "{ lib, ... }: { imports = [ ./a.nix ]; x = lib.custom.scanPaths ./.; }",
            "{ imports = [ ./a.nix ./b.nix ]; }",
            "{ x = ",
        ];
        for text in no {
            assert!(!auto_imports(text), "{text}");
        }
    }
}
