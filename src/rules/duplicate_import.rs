//! NS005 duplicate-import: the same module imported twice.

use std::collections::HashMap;

use super::{Finding, Kind, Rule, RuleInfo, Severity};
use crate::check::graph::{Edge, RefKind};
use crate::check::Repo;

pub struct DuplicateImport;

static INFO: RuleInfo = RuleInfo {
    id: "NS005",
    name: "duplicate-import",
    summary: "the same module is imported twice",
    explanation: "A module that is listed twice in one file, imported by hand although scanPaths \
already imports its directory, or loaded with `import ./x.nix` from two places, is evaluated more \
than once. With a path the module system removes the duplicate, but the list is misleading; with \
`import` the module becomes an anonymous value the module system cannot recognize, and the second \
copy fails with \"option ... already declared\". Nix evaluation-performance guidance: \
import each module once (through the flake's outputs or the module system's `imports`), so that no \
module is evaluated twice.",
    fix: "Import each module once: rely on the auto-imported tree (or the flake output, \
`inputs.self.nixosModules.all`) instead of a second hand-written import, and give paths, not \
`import ./x.nix`.",
    severity: Severity::Warning,
    kind: Kind::Lint,
};

impl Rule for DuplicateImport {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, repo: &Repo) -> Vec<Finding> {
        let graph = &repo.graph;
        let explicit = |e: &Edge| e.kind == RefKind::Import && (e.module_list || e.import_call);
        let mut edges: Vec<&Edge> = graph.edges().iter().filter(|e| explicit(e)).collect();
        edges.sort_by_key(|e| (&repo.files[e.from].path, e.offset));

        let mut findings = Vec::new();
        let mut first_in_binding: HashMap<(usize, usize, usize), &Edge> = HashMap::new();
        let mut first_value_import: HashMap<usize, &Edge> = HashMap::new();
        for edge in edges {
            let from = &repo.files[edge.from];
            let target = &repo.files[edge.to].path;
            if edge.to == edge.from {
                continue; // a cycle, not a duplicate
            }
            if let Some(binding) = edge.binding {
                if let Some(first) = first_in_binding.get(&(edge.from, binding, edge.to)) {
                    let (line, _) = from.line_col(first.offset);
                    findings.push(repo.finding(
                        &INFO,
                        from,
                        edge.offset,
                        format!("{target} is imported again here (already on line {line})"),
                    ));
                    continue;
                }
                first_in_binding.insert((edge.from, binding, edge.to), edge);
            }

            // Imported by hand, and auto-imported by a scanPaths that the same evaluation loads.
            if let Some(scanner) = graph.importers_of(edge.to).find(|e| {
                e.kind == RefKind::Discover
                    && e.module_list
                    && e.from != edge.from
                    && (graph.loads(edge.from, e.from) || graph.loads(e.from, edge.from))
            }) {
                findings.push(repo.finding(
                    &INFO,
                    from,
                    edge.offset,
                    format!(
                        "{target} is imported by hand, but {} (loaded in the same evaluation) already auto-imports it",
                        repo.files[scanner.from].path
                    ),
                ));
                continue;
            }
            if edge.import_call && !edge.applied && edge.module_list {
                match first_value_import.get(&edge.to) {
                    Some(first) => {
                        let (line, _) = repo.files[first.from].line_col(first.offset);
                        findings.push(repo.finding(
                            &INFO,
                            from,
                            edge.offset,
                            format!(
                                "`import {target}` is evaluated a second time (first in {}:{line}); the module system cannot de-duplicate imported values",
                                repo.files[first.from].path
                            ),
                        ));
                    }
                    None => {
                        first_value_import.insert(edge.to, edge);
                    }
                }
            }
        }
        findings
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn twice_in_one_list_and_hand_plus_auto() {
        let files = [
            ("flake.nix", "{ imports = [ ./hosts/a.nix ]; }"),
            (
                "modules/default.nix",
                "{ lib, ... }: { imports = lib.custom.scanPaths ./.; }",
            ),
            ("modules/x.nix", "{ }"),
            (
                "hosts/a.nix",
                "{\n  imports = [\n    ../modules/x.nix\n    ./b.nix\n    ./b.nix\n    ../modules\n  ];\n  other.modules = [ ./b.nix ];\n}",
            ),
            ("hosts/b.nix", "{ }"),
        ];
        assert_eq!(
            run(&DuplicateImport, &files),
            vec!["hosts/a.nix:3:5", "hosts/a.nix:5:5"]
        );
    }

    #[test]
    fn value_imports_from_two_places() {
        let files = [
            ("flake.nix", "{ imports = [ ./a.nix ./b.nix ]; }"),
            ("a.nix", "{ imports = [ (import ./m.nix) ]; }"),
            ("b.nix", "{ imports = [ (import ./m.nix) ]; }"),
            ("m.nix", "{ }"),
        ];
        assert_eq!(run(&DuplicateImport, &files), vec!["b.nix:1:23"]);
    }
}
