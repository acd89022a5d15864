//! NS011 legacy-packages: the memoized `legacyPackages` where overlays or nixpkgs config are declared.

use rayon::prelude::*;
use rnix::SyntaxKind::*;
use rnix::SyntaxNode;

use super::{Finding, Kind, Rule, RuleInfo, Severity};
use crate::check::{Repo, SourceFile};
use crate::nix::syntax::{
    apply_parts, binding, binding_path, dotted_name, is_builtin, parent_skipping_parens,
};

pub struct LegacyPackages;

static INFO: RuleInfo = RuleInfo {
    id: "NS011",
    name: "legacy-packages",
    summary: "legacyPackages is used although the repository declares overlays or nixpkgs config",
    explanation: "`inputs.nixpkgs.legacyPackages.${system}` is nixpkgs evaluated once, with no \
overlays and the default config. Where a repository declares overlays (`overlays`, \
`nixpkgs.overlays`) or nixpkgs config (`nixpkgs.config`, `allowUnfree`), a pkgs taken from \
legacyPackages silently ignores them: the custom packages are missing and unfree packages fail. The \
shape builds its own pkgs (`import inputs.nixpkgs { inherit system; config; overlays; }`) and \
accepts the small evaluation cost.",
    fix: "Use the configured pkgs: in flake-parts, the perSystem `pkgs` argument (set by \
flake/pkgs.nix); elsewhere `import inputs.nixpkgs { inherit system; config = ...; overlays = [ ... ]; }`, \
or `legacyPackages.${system}.extend overlay` for one overlay.",
    severity: Severity::Warning,
    kind: Kind::Lint,
};

impl Rule for LegacyPackages {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, repo: &Repo) -> Vec<Finding> {
        if !repo.files.par_iter().any(|f| f.mentions("legacyPackages")) {
            return Vec::new();
        }
        let declaration = repo
            .files
            .par_iter()
            .filter(|file| file.mentions("nixpkgs") || file.mentions("overlays"))
            .filter_map(|file| declares(file).map(|(offset, what)| (file, offset, what)))
            .min_by_key(|(file, offset, _)| (file.path.clone(), *offset));
        let Some((decl_file, decl_offset, what)) = declaration else {
            return Vec::new();
        };
        let (line, _) = decl_file.line_col(decl_offset);
        let place = format!("{what} in {}:{line}", decl_file.path);
        repo.files
            .par_iter()
            .filter(|file| file.mentions("legacyPackages"))
            .flat_map_iter(|file| {
                file.parsed
                    .syntax()
                    .descendants()
                    .filter(is_whole_package_set)
                    .map(|node| {
                        let name = dotted_name(&node).unwrap_or_default().join(".");
                        repo.finding(
                            &INFO,
                            file,
                            node.text_range().start().into(),
                            format!("`{name}` ignores the overlays and nixpkgs config this repository declares ({place})"),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

/// `nixpkgs.legacyPackages` or `nixpkgs.legacyPackages.SYSTEM` of the input named `nixpkgs`, used
/// as a whole package set (not one package picked from it, not extended).
fn is_whole_package_set(node: &SyntaxNode) -> bool {
    if node.kind() != NODE_SELECT {
        return false;
    }
    let Some(names) = dotted_name(node) else {
        return false;
    };
    let Some(at) = names.iter().position(|n| n == "legacyPackages") else {
        return false;
    };
    if at == 0 || names[at - 1] != "nixpkgs" || names.len() - at > 2 {
        return false;
    }
    let in_inherit = node
        .ancestors()
        .nth(1)
        .is_some_and(|a| a.kind() == NODE_INHERIT_FROM);
    let extended = parent_skipping_parens(node).is_some_and(|(p, _)| p.kind() == NODE_SELECT);
    !in_inherit && !extended
}

/// The first place a file declares overlays or nixpkgs config, and what it declares.
pub fn declares(file: &SourceFile) -> Option<(usize, &'static str)> {
    for node in file.parsed.syntax().descendants() {
        if node.kind() == NODE_ATTRPATH_VALUE {
            let Some((_, value)) = binding(&node) else {
                continue;
            };
            let path = binding_path(&value);
            if path.first().is_some_and(|n| n == "options") {
                continue; // declaring the option is not setting it
            }
            let ends =
                |pair: &[&str; 2]| path.windows(2).any(|w| w[0] == pair[0] && w[1] == pair[1]);
            let offset = node.text_range().start().into();
            if ends(&["nixpkgs", "overlays"]) {
                return Some((offset, "nixpkgs.overlays"));
            }
            if ends(&["nixpkgs", "config"]) {
                return Some((offset, "nixpkgs.config"));
            }
            if path.first().is_some_and(|n| n == "overlays")
                || path.starts_with(&["flake".to_string(), "overlays".to_string()])
            {
                return Some((offset, "overlays"));
            }
        }
        if let Some((offset, what)) = configured_import(&node) {
            return Some((offset, what));
        }
    }
    None
}

/// `import inputs.nixpkgs { config = …; overlays = …; }`.
fn configured_import(node: &SyntaxNode) -> Option<(usize, &'static str)> {
    let (function, args) = apply_parts(node)?;
    if !is_builtin(&function, "import") || args.len() != 2 || !is_nixpkgs(&args[0]) {
        return None;
    }
    let keys = attr_keys(&args[1])?;
    let offset = node.text_range().start().into();
    if keys.iter().any(|k| k == "overlays") {
        Some((offset, "overlays given to import nixpkgs"))
    } else if keys.iter().any(|k| k == "config") {
        Some((offset, "config given to import nixpkgs"))
    } else {
        None
    }
}

/// `nixpkgs`, `inputs.nixpkgs`, `self.inputs.nixpkgs` or `<nixpkgs>`.
pub fn is_nixpkgs(node: &SyntaxNode) -> bool {
    let node = crate::nix::syntax::unparen(node);
    if node.kind() == NODE_PATH_SEARCH {
        return node.text() == "<nixpkgs>";
    }
    dotted_name(&node).is_some_and(|names| {
        names.last().is_some_and(|n| n == "nixpkgs")
            && names.len() <= 3
            && names[..names.len() - 1]
                .iter()
                .all(|n| n == "inputs" || n == "self")
    })
}

/// The keys a literal attribute set binds (first names, and inherited names).
pub fn attr_keys(node: &SyntaxNode) -> Option<Vec<String>> {
    let node = crate::nix::syntax::unparen(node);
    if node.kind() != NODE_ATTR_SET {
        return None;
    }
    let mut keys = Vec::new();
    for entry in node.children() {
        match entry.kind() {
            NODE_ATTRPATH_VALUE => {
                let (names, _) = binding(&entry)?;
                keys.push(names.first()?.clone());
            }
            NODE_INHERIT => {
                for attr in entry.children().filter(|c| c.kind() != NODE_INHERIT_FROM) {
                    keys.push(crate::nix::syntax::attr_name(&attr)?);
                }
            }
            _ => {}
        }
    }
    Some(keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn legacy_packages_with_overlays() {
        let files = [
            (
                "flake.nix",
                "{\n  outputs = { nixpkgs, ... }: {\n    overlays.default = _: _: { };\n    packages.x86_64-linux = nixpkgs.legacyPackages.x86_64-linux;\n    hello = nixpkgs.legacyPackages.x86_64-linux.hello;\n  };\n}",
            ),
        ];
        assert_eq!(run(&LegacyPackages, &files), vec!["flake.nix:4:29"]);
        let plain = [(
            "flake.nix",
            "{ outputs = { nixpkgs, ... }: { p = nixpkgs.legacyPackages; }; }",
        )];
        assert!(run(&LegacyPackages, &plain).is_empty());
    }
}
