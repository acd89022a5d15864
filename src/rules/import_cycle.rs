//! NS009 import-cycle: files that import each other.

use std::collections::{HashMap, HashSet, VecDeque};

use super::{Finding, Kind, Rule, RuleInfo, Severity};
use crate::check::graph::Edge;
use crate::check::Repo;

pub struct ImportCycle;

static INFO: RuleInfo = RuleInfo {
    id: "NS009",
    name: "import-cycle",
    summary: "files import each other in a cycle",
    explanation: "A cycle of module imports (a.nix lists b.nix in `imports`, and b.nix lists \
a.nix, directly or through a scanPaths over a directory that contains the caller) either recurses \
until Nix reports infinite recursion or leans on the module system's de-duplication to stop. It \
is hard to follow, and a file that calls scanPaths on its own directory without being that \
directory's default.nix imports itself. Only `imports` and `modules` lists count: a plain \
`import` elsewhere is an expression Nix evaluates lazily, once per file. Nix evaluation-performance \
guidance: keep imports free of deep recursion, which can overflow Nix's stack and is hard to \
debug.",
    fix: "Break the cycle: import the shared part from both files instead of each other, and call \
scanPaths only from a directory's default.nix (scanPaths skips default.nix, not other files).",
    severity: Severity::Error,
    kind: Kind::Lint,
};

impl Rule for ImportCycle {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, repo: &Repo) -> Vec<Finding> {
        let graph = &repo.graph;
        let mut findings = Vec::new();
        for component in graph.components() {
            let members: HashSet<usize> = component.iter().copied().collect();
            let Some(&start) = component.iter().min_by_key(|&&f| &repo.files[f].path) else {
                continue;
            };
            // Shortest way from `start` back to itself inside the component.
            let mut previous: HashMap<usize, &Edge> = HashMap::new(); // file -> edge that reached it
            let mut queue = VecDeque::from([start]);
            let mut closing = None;
            'search: while let Some(file) = queue.pop_front() {
                for edge in graph.loads_of(file) {
                    if !members.contains(&edge.to) {
                        continue;
                    }
                    if edge.to == start {
                        closing = Some(edge);
                        break 'search;
                    }
                    if let std::collections::hash_map::Entry::Vacant(slot) = previous.entry(edge.to)
                    {
                        slot.insert(edge);
                        queue.push_back(edge.to);
                    }
                }
            }
            let Some(closing) = closing else {
                continue; // a single file without a self-import: no cycle
            };
            let mut chain = vec![closing];
            let mut at = closing.from;
            while at != start {
                let Some(&edge) = previous.get(&at) else {
                    break;
                };
                chain.push(edge);
                at = edge.from;
            }
            chain.reverse();
            let mut names: Vec<&str> = vec![repo.files[start].path.as_str()];
            names.extend(chain.iter().map(|e| repo.files[e.to].path.as_str()));
            let first = chain[0];
            let message = if chain.len() == 1 {
                format!("{} imports itself", repo.files[start].path)
            } else {
                format!("import cycle: {}", names.join(" → "))
            };
            findings.push(repo.finding(&INFO, &repo.files[start], first.offset, message));
        }
        findings
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn cycles_and_self_imports() {
        let files = [
            ("flake.nix", "{ imports = [ ./a.nix ./m/x.nix ]; }"),
            ("a.nix", "{\n  imports = [ ./b.nix ];\n}"),
            ("b.nix", "{ imports = [ ./a.nix ]; }"),
            (
                "m/x.nix",
                "{ lib, ... }: { imports = lib.custom.scanPaths ./.; }",
            ),
            ("m/y.nix", "{ }"),
        ];
        assert_eq!(
            run(&ImportCycle, &files),
            vec!["a.nix:2:15", "m/x.nix:1:48"]
        );
    }
}
