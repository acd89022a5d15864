//! NS016 scattered-module-outputs: a `*Modules` flake output defined outside modules/default.nix.

use rayon::prelude::*;
use rnix::SyntaxKind::*;
use rnix::{SyntaxNode, TextSize};

use super::{Finding, Kind, Rule, RuleInfo, Severity};
use crate::check::{Repo, SourceFile};
use crate::layout::Role;
use crate::nix::syntax::{attr_name, binding_path};

pub struct ScatteredModuleOutputs;

static INFO: RuleInfo = RuleInfo {
    id: "NS016",
    name: "scattered-module-outputs",
    summary: "module outputs are defined outside the central modules/default.nix",
    explanation: "The shape keeps every module output (`nixosModules`, `darwinModules`, \
`homeManagerModules`, `flakeModules`, any `*Modules`) in one file, modules/default.nix: a reader \
(or a flake that consumes this one) finds every exposed module tree there, and that file keeps \
them as paths. An output defined in another file, next to the registry, is easy to miss, can \
shadow or merge with the registry's entries without anyone noticing, and escapes the review the \
registry gets. Only reported when modules/default.nix exists and defines a module output itself; \
references such as `inputs.self.nixosModules.all` are not definitions.",
    fix: "Move the definition into modules/default.nix, as a path \
(`flake.nixosModules.foo = ./foo;`), and delete it here.",
    severity: Severity::Warning,
    kind: Kind::Shape,
};

impl Rule for ScatteredModuleOutputs {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, repo: &Repo) -> Vec<Finding> {
        // The central registry of module outputs, where the shape has it.
        let Some(registry_path) = repo.expected.path_of(Role::Registry) else {
            return Vec::new();
        };
        let Some(registry) = repo.file(registry_path) else {
            return Vec::new();
        };
        if definitions(registry).is_empty() {
            return Vec::new();
        }
        repo.files
            .par_iter()
            .filter(|file| file.path != registry_path && file.mentions("Modules"))
            .flat_map_iter(|file| {
                definitions(file)
                    .into_iter()
                    .map(|(offset, output)| {
                        repo.finding(
                            &INFO,
                            file,
                            offset,
                            format!(
                                "{output} is defined here, outside {registry_path}, which registers the module outputs"
                            ),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

/// The module outputs a file defines: the offset of the `*Modules` attribute and the binding's
/// whole path (`flake.nixosModules.x`). A binding nested in one already reported is not reported
/// again.
fn definitions(file: &SourceFile) -> Vec<(usize, String)> {
    if !file.mentions("Modules") {
        return Vec::new();
    }
    file.parsed
        .syntax()
        .descendants()
        .filter(|n| n.kind() == NODE_ATTRPATH_VALUE)
        .filter_map(|entry| definition(&entry))
        .collect()
}

fn definition(entry: &SyntaxNode) -> Option<(usize, String)> {
    let attrpath = entry.first_child().filter(|a| a.kind() == NODE_ATTRPATH)?;
    let attrs: Vec<SyntaxNode> = attrpath.children().collect();
    let own: Vec<Option<String>> = attrs.iter().map(attr_name).collect();
    if !own.iter().flatten().any(|n| is_module_output(n)) {
        return None;
    }
    let outer = binding_path(entry);
    if outer.iter().any(|n| is_module_output(n)) || in_let(entry) {
        return None;
    }
    let mut path = outer;
    let start = path.len();
    path.extend(own.into_iter().map(|n| n.unwrap_or_else(|| "${}".into())));
    let at = path.iter().position(|n| is_module_output(n))?;
    // Only where a flake output sits: at the top (`nixosModules = …` in a flake's outputs), or
    // under flake-parts' `flake` (`flake.nixosModules`, `config.flake.nixosModules`). Anything
    // deeper is an option of some module (`boot.initrd.kernelModules`,
    // `home-manager.sharedModules`), not an output.
    let prefix: Vec<&str> = path[..at].iter().map(String::as_str).collect();
    if !matches!(prefix.as_slice(), [] | ["flake"] | ["config", "flake"]) {
        return None;
    }
    let offset: TextSize = attrs[at - start].text_range().start();
    Some((offset.into(), path.join(".")))
}

/// `nixosModules`, `homeManagerModules`, `flakeModules`, …: any name ending in `Modules`.
fn is_module_output(name: &str) -> bool {
    name.len() > "Modules".len() && name.ends_with("Modules")
}

/// Whether the binding is (inside) a `let` binding of its function: a local value, not an output.
fn in_let(entry: &SyntaxNode) -> bool {
    let mut current = entry.clone();
    while let Some(parent) = current.parent() {
        match parent.kind() {
            NODE_LAMBDA => return false,
            NODE_LET_IN | NODE_LEGACY_LET if current.kind() == NODE_ATTRPATH_VALUE => return true,
            _ => current = parent,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    const REGISTRY_TEXT: &str = "{\n  flake.nixosModules = {\n    all = ./nixos;\n  };\n}";

    #[test]
    fn definitions_outside_the_registry() {
        let files = [
            ("modules/default.nix", REGISTRY_TEXT),
            (
                "flake/extra.nix",
                "{ ... }:\n{\n  flake.darwinModules.x = ./x.nix;\n  config.flake.homeModules = { };\n}",
            ),
            (
                "flake.nix",
                "{\n  outputs = inputs: {\n    nixosModules = {\n      a = ./a;\n      b = ./b;\n    };\n    flake = { flakeModules.y = ./y.nix; };\n  };\n}",
            ),
        ];
        assert_eq!(
            run(&ScatteredModuleOutputs, &files),
            vec![
                "flake.nix:3:5",
                "flake.nix:7:15",
                "flake/extra.nix:3:9",
                "flake/extra.nix:4:16"
            ]
        );
    }

    #[test]
    fn references_lets_and_options_are_not_definitions() {
        let files = [
            ("modules/default.nix", REGISTRY_TEXT),
            (
                "flake/configurations.nix",
                "{ inputs, config, ... }:\n{\n  flake.nixosConfigurations.a = inputs.nixpkgs.lib.nixosSystem {\n    modules = [ inputs.self.nixosModules.all config.flake.nixosModules.default ];\n    extraModules = [ ];\n  };\n}",
            ),
            (
                "hosts/nixos/a/hardware.nix",
                "{ ... }:\n{\n  boot.initrd.availableKernelModules = [ \"xhci_pci\" ];\n  home-manager.sharedModules = [ ];\n  imports = [ { boot.kernelModules = [ ]; } ];\n  options.flake.nixosModules = { };\n}",
            ),
            (
                "flake/local.nix",
                "{ ... }:\nlet\n  nixosModules = { a = ./a; };\n  x = { flake.nixosModules.b = ./b; };\nin\n{ }",
            ),
        ];
        assert!(run(&ScatteredModuleOutputs, &files).is_empty());
    }

    #[test]
    fn only_with_a_registry_that_defines_outputs() {
        let elsewhere = ("flake.nix", "{ outputs = _: { nixosModules.a = ./a; }; }");
        assert!(run(&ScatteredModuleOutputs, &[elsewhere]).is_empty());
        let empty_registry = ("modules/default.nix", "{ flake = { }; }");
        assert!(run(&ScatteredModuleOutputs, &[elsewhere, empty_registry]).is_empty());
        let registry = ("modules/default.nix", REGISTRY_TEXT);
        assert_eq!(
            run(&ScatteredModuleOutputs, &[elsewhere, registry]),
            vec!["flake.nix:1:18"]
        );
        // The registry's own definitions are never findings.
        assert!(run(&ScatteredModuleOutputs, &[registry]).is_empty());
    }
}
