//! NS011 legacy-packages: the memoized `legacyPackages` where the same flake configures its own
//! package set (overlays or config given to `import nixpkgs`).

use rayon::prelude::*;
use rnix::SyntaxKind::*;
use rnix::SyntaxNode;

use super::{Finding, Kind, Rule, RuleInfo, Severity};
use crate::check::{Repo, SourceFile};
use std::collections::BTreeMap;

use super::flakes;
use crate::nix::syntax::{
    apply_parts, binding, callee_name, dotted_name, is_builtin, lambda_params,
    parent_skipping_parens, static_string, string_parts, unparen, StringPart,
};

pub struct LegacyPackages;

static INFO: RuleInfo = RuleInfo {
    id: "NS011",
    name: "legacy-packages",
    summary: "legacyPackages is used where the flake configures its own package set",
    explanation: "`inputs.nixpkgs.legacyPackages.${system}` is nixpkgs evaluated once, with no \
overlays and the default config. Where a flake builds its own package set for its outputs \
(`import inputs.nixpkgs { inherit system; config = …; overlays = …; }`, for example as flake-parts' \
perSystem `pkgs`), an output that takes legacyPackages instead silently goes without that flake's \
overlays and config: custom packages are missing and unfree packages fail. Only the same flake \
counts: every flake.nix is its own root (a template flake under templates/ has its own inputs), and \
a machine's or a home's `nixpkgs.config` / `nixpkgs.overlays` configure that machine's package set, \
not the flake's (home-manager and NixOS import nixpkgs again with them). The flake's tool \
outputs (`formatter`, `devShells`, `checks`, `apps`) may take legacyPackages: free tools need no \
overlays. So may a package set of another system than the one in scope, on purpose (a VM host's \
`legacyPackages.\"${arch}-darwin\"`, a literal system the file does not bind as its own).",
    fix: "Use the package set the flake configures: in flake-parts, the perSystem `pkgs` argument; \
elsewhere the `pkgs` bound to that `import inputs.nixpkgs { … }`, or \
`legacyPackages.${system}.extend overlay` for one overlay.",
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
        let roots = flakes::roots(repo);
        // The first package set each flake configures for itself.
        let mut configured: BTreeMap<&str, (&SourceFile, usize, &'static str)> = BTreeMap::new();
        let declarations: Vec<(&SourceFile, usize, &'static str)> = repo
            .files
            .par_iter()
            .filter(|file| file.mentions("nixpkgs") && file.mentions("import"))
            .filter_map(|file| flake_package_set(file).map(|(offset, what)| (file, offset, what)))
            .collect();
        for (file, offset, what) in declarations {
            let root = flakes::owner(&roots, &file.path);
            let first = configured.entry(root).or_insert((file, offset, what));
            if (&file.path, offset) < (&first.0.path, first.1) {
                *first = (file, offset, what);
            }
        }
        repo.files
            .par_iter()
            .filter(|file| file.mentions("legacyPackages"))
            .flat_map_iter(|file| {
                let Some(&(decl_file, decl_offset, what)) =
                    configured.get(flakes::owner(&roots, &file.path))
                else {
                    return Vec::new();
                };
                let (line, _) = decl_file.line_col(decl_offset);
                let place = format!("{what} in {}:{line}", decl_file.path);
                let own_systems = own_systems(&file.parsed.syntax());
                file.parsed
                    .syntax()
                    .descendants()
                    .filter(|node| {
                        is_whole_package_set(node)
                            && !in_configuration(node)
                            && !in_tool_output(node)
                            && !foreign_system(node, &own_systems)
                    })
                    .map(|node| {
                        let name = dotted_name(&node).unwrap_or_default().join(".");
                        repo.finding(
                            &INFO,
                            file,
                            node.text_range().start().into(),
                            format!("`{name}` goes without the package set this flake configures ({place})"),
                        )
                        .with_fix(format!(
                            "Use the package set configured at {}:{line}: in flake-parts, the perSystem \
`pkgs` argument; elsewhere the `pkgs` bound to it. Or `legacyPackages.${{system}}.extend overlay` for \
one overlay.",
                            decl_file.path
                        ))
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

/// Outputs of tools (a formatter, dev shells, checks, apps): mostly free tools that need none of
/// the flake's overlays or config, so legacyPackages serves them.
const TOOL_OUTPUTS: &[&str] = &["formatter", "devShells", "devShell", "checks", "apps"];

/// Whether `node` builds one of the [`TOOL_OUTPUTS`] (`devShells.x86_64-linux.default = …`, or
/// flake-parts' perSystem `formatter = …`).
fn in_tool_output(node: &SyntaxNode) -> bool {
    node.ancestors().any(|a| {
        binding(&a).is_some_and(|(names, _)| {
            names
                .first()
                .is_some_and(|n| TOOL_OUTPUTS.contains(&n.as_str()))
        })
    })
}

/// Names a file binds its own system to (`system = "x86_64-linux";`, `hostPlatform = …`).
const SYSTEM_NAMES: &[&str] = &["system", "hostPlatform", "localSystem"];

/// The literal systems a file binds as its own.
fn own_systems(root: &SyntaxNode) -> Vec<String> {
    root.descendants()
        .filter_map(|n| binding(&n))
        .filter(|(names, _)| {
            names
                .last()
                .is_some_and(|n| SYSTEM_NAMES.contains(&n.as_str()))
        })
        .filter_map(|(_, value)| static_string(&unparen(&value)))
        .collect()
}

/// Whether `legacyPackages.SYSTEM` selects another system than the one in scope, on purpose (a
/// VM host's packages, a builder's): a string built from parts (`"${arch}-darwin"`), or a literal
/// system other than every literal the file binds as its own.
fn foreign_system(node: &SyntaxNode, own: &[String]) -> bool {
    let Some(system) = node
        .children()
        .find(|c| c.kind() == NODE_ATTRPATH)
        .and_then(|path| path.children().last())
    else {
        return false;
    };
    let literal = match system.kind() {
        NODE_STRING => {
            let parts = string_parts(&system);
            let text = parts
                .iter()
                .any(|p| matches!(p, StringPart::Text(t) if !t.is_empty()));
            let interpolated = parts
                .iter()
                .any(|p| matches!(p, StringPart::Interpolation(_)));
            if interpolated {
                return text;
            }
            static_string(&system)
        }
        NODE_IDENT => Some(system.text().to_string()),
        _ => None,
    };
    literal
        .is_some_and(|literal| literal.contains('-') && !own.is_empty() && !own.contains(&literal))
}

/// Functions that build a machine or a home: the package set handed to them is theirs, and their
/// modules' `nixpkgs.config` / `nixpkgs.overlays` apply to it (they import nixpkgs again).
const CONFIGURATIONS: &[&str] = &[
    "nixosSystem",
    "darwinSystem",
    "homeManagerConfiguration",
    "mkSystem",
    "mkHost",
    "mkHome",
];

/// Whether `node` sits in a machine's or a home's configuration: an argument of `nixosSystem` and
/// friends, or the value of a `nixpkgs.*` / `home-manager.*` module option.
fn in_configuration(node: &SyntaxNode) -> bool {
    node.ancestors().any(|a| {
        if let Some((function, _)) = apply_parts(&a) {
            if callee_name(&function).is_some_and(|n| CONFIGURATIONS.contains(&n.as_str())) {
                return true;
            }
        }
        a.kind() == NODE_ATTRPATH_VALUE
            && binding(&a).is_some_and(|(names, _)| {
                names
                    .first()
                    .is_some_and(|n| n == "nixpkgs" || n == "home-manager")
            })
    })
}

/// The first place a file builds a package set for its flake's outputs: `import inputs.nixpkgs {
/// config = …; overlays = …; }` outside any machine's or home's configuration. A set bound by a
/// `let` (`pkgs = import …;`, `pkgsFor = system: import …;`) that only configurations use is
/// theirs, not the outputs'.
fn flake_package_set(file: &SourceFile) -> Option<(usize, &'static str)> {
    let in_flake_nix = file.name() == "flake.nix";
    file.parsed.syntax().descendants().find_map(|node| {
        let found = configured_import(&node)?;
        (!in_configuration(&node)
            && !only_for_configurations(&node)
            && (in_flake_nix || for_each_system(&node)))
        .then_some(found)
    })
}

/// Whether `node` builds a package set per system for the flake's outputs outside flake.nix:
/// under flake-parts' `perSystem`, or in a function of `system` (`mkPkgs = system: import …`) that
/// is not a module (a module takes `config`: a machine's or a home's own package set).
fn for_each_system(node: &SyntaxNode) -> bool {
    node.ancestors().any(|a| {
        binding(&a).is_some_and(|(names, _)| names.iter().any(|n| n == "perSystem"))
            || (a.kind() == NODE_LAMBDA && {
                let params = lambda_params(&a);
                params.iter().any(|p| p == "system") && !params.iter().any(|p| p == "config")
            })
    })
}

/// Whether `node` is the value of a `let` binding (through functions: `pkgsFor = system: …`)
/// whose every use sits in a machine's or a home's configuration, directly or through another
/// such binding (`pkgs = pkgsFor "x86_64-linux";`).
fn only_for_configurations(node: &SyntaxNode) -> bool {
    let mut value = node.clone();
    while let Some((parent, _)) = parent_skipping_parens(&value) {
        if parent.kind() == NODE_LAMBDA {
            value = parent;
            continue;
        }
        return let_binding_only_for_configurations(&parent, 4);
    }
    false
}

fn let_binding_only_for_configurations(binding_node: &SyntaxNode, depth: usize) -> bool {
    let Some(scope) = binding_node.parent().filter(|p| p.kind() == NODE_LET_IN) else {
        return false;
    };
    let Some((names, _)) = binding(binding_node) else {
        return false;
    };
    let [name] = names.as_slice() else {
        return false;
    };
    let uses: Vec<SyntaxNode> = scope
        .descendants()
        .filter(|n| {
            n.kind() == NODE_IDENT
                && n.text() == name.as_str()
                && n.parent().is_some_and(|p| p.kind() != NODE_ATTRPATH)
        })
        .collect();
    !uses.is_empty()
        && uses.iter().all(|u| {
            in_configuration(u)
                || (depth > 0
                    && u.ancestors()
                        .find(|a| {
                            a.kind() == NODE_ATTRPATH_VALUE
                                && a.parent().is_some_and(|p| p.kind() == NODE_LET_IN)
                        })
                        .is_some_and(|b| {
                            b != *binding_node && let_binding_only_for_configurations(&b, depth - 1)
                        }))
        })
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
    fn legacy_packages_beside_the_flakes_own_configured_set() {
        let parts = "{ inputs, ... }: {\n  perSystem = { system, ... }: {\n    _module.args.pkgs = import inputs.nixpkgs { inherit system; overlays = [ inputs.self.overlays.default ]; };\n    packages = import ../pkgs { pkgs = inputs.nixpkgs.legacyPackages.${system}; };\n    formatter = inputs.nixpkgs.legacyPackages.${system}.nixfmt-tree;\n  };\n}";
        let files = [
            ("flake.nix", "{ outputs = _: { }; }"),
            ("parts/pkgs.nix", parts),
        ];
        assert_eq!(run(&LegacyPackages, &files), vec!["parts/pkgs.nix:4:40"]);
    }

    #[test]
    fn what_is_not_the_flakes_own_package_set() {
        // Overlays only as outputs, a host's nixpkgs.config, a dev shell of free tools.
        let flake = "{\n  outputs = { nixpkgs, ... }: {\n    overlays.default = _: _: { };\n    devShells.x86_64-linux.default = import ./shell.nix { pkgs = nixpkgs.legacyPackages.x86_64-linux; };\n    nixosConfigurations.a = nixpkgs.lib.nixosSystem { modules = [ ./host.nix { nixpkgs.pkgs = import nixpkgs { system = \"x86_64-linux\"; config.allowUnfree = true; }; } ]; };\n  };\n}";
        let host = "{ nixpkgs.config.allowUnfree = true; nixpkgs.overlays = [ (_: _: { }) ]; }";
        assert!(run(&LegacyPackages, &[("flake.nix", flake), ("host.nix", host)]).is_empty());
        // Home-manager imports nixpkgs again with the home's own nixpkgs.overlays.
        let home = "{ outputs = { nixpkgs, home-manager, ... }: let pkgs = import nixpkgs { system = \"x86_64-linux\"; overlays = [ ]; }; in {\n  homeConfigurations.me = home-manager.lib.homeManagerConfiguration { pkgs = nixpkgs.legacyPackages.x86_64-linux; modules = [ ./home.nix ]; };\n  packages.x86_64-linux.default = pkgs.hello;\n}; }";
        assert!(run(&LegacyPackages, &[("flake.nix", home)]).is_empty());
    }

    #[test]
    fn a_set_bound_for_the_machines_only_is_theirs() {
        let flake = "{\n  outputs = { nixpkgs, ... }:\n    let\n      pkgsFor = system: import nixpkgs { inherit system; config.allowUnfree = true; };\n      pkgs = pkgsFor \"x86_64-linux\";\n    in {\n      nixosConfigurations.a = nixpkgs.lib.nixosSystem { inherit pkgs; modules = [ ./a.nix ]; };\n      devShells.x86_64-linux.default = import ./shell.nix { pkgs = nixpkgs.legacyPackages.x86_64-linux; };\n    };\n}";
        // pkgsFor is used by pkgs, and pkgs only by nixosSystem: the dev shell is fine.
        let files = [("flake.nix", flake)];
        assert!(run(&LegacyPackages, &files).is_empty());
        // Used for an output too: the flake's own set.
        let also = flake.replace(
            "devShells.x86_64-linux.default = import ./shell.nix",
            "packages.x86_64-linux.tool = pkgs.hello;\n      packages.x86_64-linux.mine = import ./pkgs",
        );
        assert_eq!(
            run(&LegacyPackages, &[("flake.nix", &also)]),
            vec!["flake.nix:9:59"]
        );
    }

    #[test]
    fn a_modules_own_package_set_is_not_the_flakes() {
        // A NixOS module that imports nixpkgs again for itself (it takes `config`).
        let module = "{ config, inputs, system, ... }:\nlet unfree = import inputs.nixpkgs { inherit system; config.allowUnfree = true; };\nin { environment.systemPackages = [ unfree.steam ]; }";
        let flake = "{ outputs = { nixpkgs, ... }: { packages.x86_64-linux = import ./pkgs { pkgs = nixpkgs.legacyPackages.x86_64-linux; }; }; }";
        let files = [("flake.nix", flake), ("hosts/pc/steam.nix", module)];
        assert!(run(&LegacyPackages, &files).is_empty());
        // A helper of `system` that the outputs use is the flake's.
        let helper = "{ inputs }: { mkPkgs = system: import inputs.nixpkgs { inherit system; overlays = [ ]; }; }";
        let files = [("flake.nix", flake), ("lib/pkgs.nix", helper)];
        assert_eq!(run(&LegacyPackages, &files), vec!["flake.nix:1:80"]);
    }

    #[test]
    fn a_template_flake_is_its_own_root() {
        let outer = "{ outputs = { nixpkgs, ... }: { packages.x86_64-linux = import ./pkgs (import nixpkgs { system = \"x86_64-linux\"; overlays = [ ]; }); }; }";
        let template = "{ outputs = { nixpkgs, ... }: { devShells.x86_64-linux.default = import ./shell.nix { pkgs = nixpkgs.legacyPackages.x86_64-linux; }; }; }";
        let files = [("flake.nix", outer), ("templates/go/flake.nix", template)];
        assert!(run(&LegacyPackages, &files).is_empty());
        // The same use in the outer flake's own files is a finding.
        let files = [
            ("flake.nix", outer),
            (
                "shell.nix",
                "{ nixpkgs }: nixpkgs.legacyPackages.x86_64-linux",
            ),
        ];
        assert_eq!(run(&LegacyPackages, &files), vec!["shell.nix:1:14"]);
    }

    #[test]
    fn tool_outputs_may_take_legacy_packages() {
        // The flake's own set is configured; its formatter, dev shells, checks and apps take tools.
        let parts = "{ inputs, ... }: {\n  perSystem = { system, ... }: {\n    _module.args.pkgs = import inputs.nixpkgs { inherit system; overlays = [ inputs.self.overlays.default ]; };\n    formatter = (inputs.nixpkgs.legacyPackages.${system}).nixfmt-tree;\n    devShells.default = import ../shell.nix { pkgs = inputs.nixpkgs.legacyPackages.${system}; };\n    checks = import ../checks { pkgs = inputs.nixpkgs.legacyPackages.${system}; };\n    apps = import ../apps { pkgs = inputs.nixpkgs.legacyPackages.${system}; };\n    packages = import ../pkgs { pkgs = inputs.nixpkgs.legacyPackages.${system}; };\n  };\n}";
        let files = [
            ("flake.nix", "{ outputs = _: { }; }"),
            ("parts/pkgs.nix", parts),
        ];
        // Only the packages output is reported.
        assert_eq!(run(&LegacyPackages, &files), vec!["parts/pkgs.nix:8:40"]);
    }

    #[test]
    fn another_systems_package_set_is_deliberate() {
        let flake = "{\n  outputs = { nixpkgs, ... }: let\n    system = \"x86_64-linux\";\n    pkgs = import nixpkgs { inherit system; overlays = [ ]; };\n  in {\n    packages.${system}.default = pkgs.hello;\n    nixosModules.vm = { arch, ... }: { virtualisation.host.pkgs = nixpkgs.legacyPackages.\"${arch}-darwin\"; };\n    nixosModules.builder = { builder.pkgs = nixpkgs.legacyPackages.aarch64-linux; };\n    lib.same = nixpkgs.legacyPackages.x86_64-linux;\n    lib.scoped = nixpkgs.legacyPackages.${system};\n  };\n}";
        // The foreign systems are fine; the flake's own system, literal or in scope, is not.
        assert_eq!(
            run(&LegacyPackages, &[("flake.nix", flake)]),
            vec!["flake.nix:10:18", "flake.nix:9:16"]
        );
    }
}
