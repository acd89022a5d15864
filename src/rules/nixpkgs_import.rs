//! NS012 nixpkgs-import: `import nixpkgs { inherit system; }` with neither config nor overlays.

use rayon::prelude::*;

use super::legacy_packages::{attr_keys, is_nixpkgs};
use super::{Finding, Kind, Rule, RuleInfo, Severity};
use crate::check::Repo;
use crate::nix::syntax::{apply_parts, binding, is_builtin, unparen};

pub struct NixpkgsImport;

static INFO: RuleInfo = RuleInfo {
    id: "NS012",
    name: "nixpkgs-import",
    summary: "nixpkgs is imported again without config or overlays",
    explanation: "The reverse of legacy-packages: `import inputs.nixpkgs { inherit system; }` \
evaluates nixpkgs a second time, which costs evaluation time and memory, and gains nothing when it \
passes neither `config` nor `overlays`: the memoized `inputs.nixpkgs.legacyPackages.${system}` is \
the same package set, already evaluated.",
    fix: "Use `inputs.nixpkgs.legacyPackages.${system}`, or pass the repository's config and \
overlays if that is what was meant.",
    severity: Severity::Warning,
    kind: Kind::Lint,
};

/// Arguments that make an import of nixpkgs differ from legacyPackages.
const SETTINGS: &[&str] = &[
    "config",
    "overlays",
    "crossSystem",
    "localSystem",
    "crossOverlays",
    "stdenvStages",
];

impl Rule for NixpkgsImport {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, repo: &Repo) -> Vec<Finding> {
        repo.files
            .par_iter()
            .filter(|file| file.mentions("nixpkgs") && file.mentions("import"))
            .flat_map_iter(|file| {
                file.parsed
                    .syntax()
                    .descendants()
                    .filter(|node| {
                        let Some((function, args)) = apply_parts(node) else {
                            return false;
                        };
                        is_builtin(&function, "import")
                            && args.len() == 2
                            && is_nixpkgs(&args[0])
                            // `<nixpkgs>` (a channel) has no legacyPackages to use instead.
                            && unparen(&args[0]).kind() != rnix::SyntaxKind::NODE_PATH_SEARCH
                            && !bound_to_something_else(&unparen(&args[0]))
                            && attr_keys(&args[1]).is_some_and(|keys| {
                                !keys.iter().any(|k| SETTINGS.contains(&k.as_str()))
                            })
                    })
                    .map(|node| {
                        repo.finding(
                            &INFO,
                            file,
                            node.text_range().start().into(),
                            "nixpkgs is imported again with neither config nor overlays: legacyPackages is the same, already evaluated",
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

/// Whether a bare `nixpkgs` is not the flake input: a parameter with a default (`{ nixpkgs ?
/// <nixpkgs> }:`, a file for nix-shell or nix-build, where there is no legacyPackages), or a `let`
/// that binds it to anything but `inputs.nixpkgs` (a fetched tarball, a channel).
fn bound_to_something_else(node: &rnix::SyntaxNode) -> bool {
    use rnix::SyntaxKind::*;
    if node.kind() != NODE_IDENT {
        return false;
    }
    let name = node.text().to_string();
    node.ancestors().any(|scope| match scope.kind() {
        NODE_LAMBDA => scope.first_child().is_some_and(|param| {
            param.descendants().any(|entry| {
                entry.kind() == NODE_PAT_ENTRY
                    && entry
                        .first_child()
                        .is_some_and(|n| n.text() == name.as_str())
                    && entry.children().nth(1).is_some()
            })
        }),
        NODE_LET_IN => scope.children().any(|entry| {
            binding(&entry)
                .is_some_and(|(names, value)| names == [name.clone()] && !is_nixpkgs(&value))
        }),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn bare_imports_only() {
        let text = "{\n  a = import inputs.nixpkgs { inherit system; };\n  b = import nixpkgs { inherit system; config.allowUnfree = true; };\n  c = import ./x.nix { };\n}";
        assert_eq!(run(&NixpkgsImport, &[("a.nix", text)]), vec!["a.nix:2:7"]);
    }

    #[test]
    fn a_nixpkgs_that_is_not_the_flake_input() {
        // nix-shell's argument with a default, and a pinned tarball: there is no legacyPackages.
        let shell = "{ nixpkgs ? <nixpkgs>, system ? builtins.currentSystem }:\nlet pkgs = import nixpkgs { inherit system; }; in pkgs.mkShell { }";
        let pinned = "let nixpkgs = fetchTarball \"https://example.org/nixpkgs.tar.gz\"; in import nixpkgs { system = \"x86_64-linux\"; }";
        let input = "{ inputs, ... }: let nixpkgs = inputs.nixpkgs; in import nixpkgs { system = \"x86_64-linux\"; }";
        let files = [
            ("shell.nix", shell),
            ("pinned.nix", pinned),
            ("input.nix", input),
        ];
        assert_eq!(run(&NixpkgsImport, &files), vec!["input.nix:1:51"]);
    }
}
