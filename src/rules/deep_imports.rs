//! NS010 deep-imports: a chain of imports deeper than the limit.

use super::{Finding, Kind, Rule, RuleInfo, Severity};
use crate::check::graph::Edge;
use crate::check::Repo;

pub struct DeepImports;

static INFO: RuleInfo = RuleInfo {
    id: "NS010",
    name: "deep-imports",
    summary: "a chain of imports is deeper than the limit (12 by default)",
    explanation: "Each level of imports is a level of evaluation that Nix must hold on its stack \
and a person must follow to find where an option is set. Very deep chains (a file importing a \
file importing a file ...) come from directories nested for their own sake or from files that \
re-export each other, and they end in stack overflows and unreadable traces. The shape keeps trees \
shallow: flake.nix, a registry, a platform tree, its modules. The limit is \
`check.max-import-depth` in .nixscaffold.yaml.",
    fix: "Flatten the chain: import the leaf modules from an auto-imported directory instead of \
through intermediate files that only import the next one.",
    severity: Severity::Warning,
    kind: Kind::Lint,
};

impl Rule for DeepImports {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, repo: &Repo) -> Vec<Finding> {
        let graph = &repo.graph;
        let limit = repo.settings.max_import_depth;
        let components = graph.components();
        let mut component_of = vec![0; repo.files.len()];
        for (c, members) in components.iter().enumerate() {
            for &f in members {
                component_of[f] = c;
            }
        }
        // Successors come first, so one pass computes the longest chain from each component.
        let mut depth = vec![1usize; components.len()];
        let mut next: Vec<Option<&Edge>> = vec![None; components.len()]; // best outgoing load
        for (c, members) in components.iter().enumerate() {
            for &f in members {
                for edge in graph.loads_of(f) {
                    let d = component_of[edge.to];
                    if d != c && depth[d] + 1 > depth[c] {
                        depth[c] = depth[d] + 1;
                        next[c] = Some(edge);
                    }
                }
            }
        }
        let mut findings = Vec::new();
        for &root in graph.roots() {
            let c = component_of[root];
            if depth[c] <= limit || graph.is_loaded(root) {
                continue;
            }
            let mut chain = vec![repo.files[root].path.as_str()];
            let mut at = c;
            while let Some(edge) = next[at] {
                chain.push(repo.files[edge.to].path.as_str());
                at = component_of[edge.to];
            }
            let file = &repo.files[root];
            let offset = next[c].filter(|e| e.from == root).map_or(0, |e| e.offset);
            findings.push(repo.finding(
                &INFO,
                file,
                offset,
                format!(
                    "a chain of {} files, deeper than {limit}: {}",
                    chain.len(),
                    chain.join(" → ")
                ),
            ));
        }
        findings
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn deep_chains() {
        let mut files: Vec<(String, String)> = vec![(
            "flake.nix".into(),
            "{\n  imports = [ ./d/f0.nix ];\n}".into(),
        )];
        for i in 0..14 {
            files.push((
                format!("d/f{i}.nix"),
                format!("{{ imports = [ ./f{}.nix ]; }}", i + 1),
            ));
        }
        files.push(("d/f14.nix".into(), "{ }".into()));
        let borrowed: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert_eq!(run(&DeepImports, &borrowed), vec!["flake.nix:2:15"]);
        assert!(run(&DeepImports, &borrowed[..10]).is_empty());
    }
}
