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
pure and its cache stays valid.",
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
}
