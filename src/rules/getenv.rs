//! NS008 getenv: `builtins.getEnv` makes evaluation impure.

use rayon::prelude::*;
use rnix::SyntaxKind::*;

use super::{Finding, Kind, Rule, RuleInfo, Severity};
use crate::check::Repo;
use crate::nix::syntax::{dotted_name, parent_skipping_parens};

pub struct GetEnv;

static INFO: RuleInfo = RuleInfo {
    id: "NS008",
    name: "getenv",
    summary: "builtins.getEnv reads the environment at evaluation time",
    explanation: "`builtins.getEnv` makes the result depend on the shell that runs Nix. In pure \
evaluation (every flake) it always returns \"\", so the code silently takes another path than the \
author tested, and impure evaluations defeat the evaluation cache. Nix evaluation-performance \
guidance: read the environment only when nothing else can carry the value, so that evaluation stays \
pure and its cache stays valid. A file that also uses what only impure evaluation allows \
(`builtins.currentSystem`, `builtins.currentTime`, `builtins.getFlake`, `builtins.storePath`, a \
`<nixpkgs>` lookup path) is written for impure evaluation (nix-shell, nix repl, an editor's \
evaluator) and is not reported.",
    fix:
        "Make the value an option (`options.<namespace>.x = lib.mkOption { ... }`), a flake input, \
or a specialArgs value, and set it in the host's configuration.",
    severity: Severity::Warning,
    kind: Kind::Lint,
};

impl Rule for GetEnv {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, repo: &Repo) -> Vec<Finding> {
        repo.files
            .par_iter()
            .filter(|file| file.mentions("getEnv"))
            .filter(|file| !evaluated_impurely(&file.parsed.syntax()))
            .flat_map_iter(|file| {
                file.parsed
                    .syntax()
                    .descendants()
                    .filter(|node| matches!(node.kind(), NODE_SELECT | NODE_IDENT))
                    .filter(|node| {
                        let name = dotted_name(node);
                        match name.as_deref() {
                            Some([b, g]) => b == "builtins" && g == "getEnv",
                            // A bare `getEnv` (after `with builtins;`) that is called.
                            Some([g]) if g == "getEnv" => {
                                node.parent().is_some_and(|p| p.kind() != NODE_SELECT)
                                    && parent_skipping_parens(node).is_some_and(|(p, c)| {
                                        p.kind() == NODE_APPLY && p.first_child() == Some(c)
                                    })
                            }
                            _ => false,
                        }
                    })
                    .map(|node| {
                        repo.finding(
                            &INFO,
                            file,
                            node.text_range().start().into(),
                            "builtins.getEnv makes evaluation impure (and returns \"\" in a flake)",
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

/// Builtins that fail in pure evaluation: a file that uses one is written for impure evaluation
/// (`nix-shell`, `nix repl`, an editor's evaluator), where getEnv works as its author meant.
const IMPURE_ONLY: &[&str] = &["currentSystem", "currentTime", "getFlake", "storePath"];

/// Whether the file is meant for impure evaluation: it uses a builtin that pure evaluation
/// refuses, or a `<lookup>` path.
fn evaluated_impurely(root: &rnix::SyntaxNode) -> bool {
    root.descendants().any(|node| {
        node.kind() == NODE_PATH_SEARCH
            || (node.kind() == NODE_SELECT
                && dotted_name(&node).is_some_and(|names| {
                    matches!(names.as_slice(), [b, n] if b == "builtins" && IMPURE_ONLY.contains(&n.as_str()))
                }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn finds_getenv() {
        let found = run(
            &GetEnv,
            &[(
                "a.nix",
                "{\n  home = builtins.getEnv \"HOME\";\n  u = with builtins; getEnv \"USER\";\n  ok = x.getEnvironment;\n}",
            )],
        );
        assert_eq!(found, vec!["a.nix:2:10", "a.nix:3:22"]);
    }

    #[test]
    fn a_file_written_for_impure_evaluation_may_read_the_environment() {
        let nixd = "let\n  dir = builtins.getEnv \"PWD\";\nin\n{ local = builtins.getFlake dir; }";
        let shell =
            "{ pkgs ? import <nixpkgs> { } }:\npkgs.mkShell { HOME = builtins.getEnv \"HOME\"; }";
        assert!(run(&GetEnv, &[("nixd.nix", nixd), ("shell.nix", shell)]).is_empty());
        // `x.currentSystem` or an argument of that name is not the builtin.
        let module =
            "{ currentSystem, pkgs, ... }:\n{ a = pkgs.currentSystem; b = builtins.getEnv \"X\"; }";
        assert_eq!(run(&GetEnv, &[("m.nix", module)]), vec!["m.nix:2:31"]);
    }
}
