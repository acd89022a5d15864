//! Whether a directory's `default.nix` auto-imports its directory, decided on the syntax tree: its
//! `imports` is a call of the scanPaths helper (or import-tree) on its own directory, `./.`. What
//! comments say does not count.

use rnix::SyntaxKind::*;
use rnix::SyntaxNode;

use crate::nix::syntax::{apply_parts, binding, callee_name, path_literal, unparen, PathLiteral};

/// The helper `lib/default.nix` defines, and the names of functions that do its job.
pub const SCAN_HELPERS: &[&str] = &["scanPaths", "import-tree", "importTree"];

/// Whether the Nix `text` auto-imports its own directory.
pub fn auto_imports(text: &str) -> bool {
    let root = rnix::Root::parse(text).syntax();
    root.descendants()
        .filter(|node| node.kind() == NODE_ATTRPATH_VALUE)
        .filter_map(|node| binding(&node))
        .filter(|(names, _)| names.last().is_some_and(|name| name == "imports"))
        .any(|(_, value)| scans_own_dir(&value))
}

/// `scanPaths ./.`, possibly inside parentheses, a list or one side of `++`.
fn scans_own_dir(value: &SyntaxNode) -> bool {
    let value = unparen(value);
    match value.kind() {
        NODE_APPLY => is_scan_of_own_dir(&value),
        NODE_BIN_OP | NODE_LIST => value.children().any(|child| scans_own_dir(&child)),
        _ => false,
    }
}

fn is_scan_of_own_dir(call: &SyntaxNode) -> bool {
    let Some((function, args)) = apply_parts(call) else {
        return false;
    };
    let helper = callee_name(&function).is_some_and(|name| SCAN_HELPERS.contains(&name.as_str()));
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
    use super::auto_imports;

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
