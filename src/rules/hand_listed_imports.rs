//! NS003 hand-listed-imports: a module directory's `default.nix` lists its siblings by hand.

use rayon::prelude::*;
use rnix::SyntaxKind::*;

use super::{Finding, Kind, Rule, RuleInfo, Severity};
use crate::check::graph::{parent_dir, RefKind};
use crate::check::Repo;
use crate::layout::{Backend, Role};
use crate::nix::syntax::binding;

pub struct HandListedImports;

static INFO: RuleInfo = RuleInfo {
    id: "NS003",
    name: "hand-listed-imports",
    summary: "a module directory's default.nix lists its siblings by hand",
    explanation: "In the recommended shape every module directory's default.nix is only \
`imports = lib.custom.scanPaths ./.;`: a new module file or directory is imported by being there. \
A hand-written list of `./a.nix ./b` must be kept in step with the directory, and the file that is \
added but not listed is silently ignored (see orphan-file). Auto-import costs little: about 1% \
more function calls with the builtins-only helper over 1,000 modules.",
    fix:
        "Replace the list with `imports = lib.custom.scanPaths ./.;` (with import-tree: remove it); \
files that must stay out of the tree get a name starting with `_`.",
    severity: Severity::Warning,
    kind: Kind::Shape,
};

impl Rule for HandListedImports {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, repo: &Repo) -> Vec<Finding> {
        let modules = module_dir_name();
        // With import-tree the siblings are imported already; with scanPaths the list replaces it.
        let instead = match repo.expected.shape.auto_import() {
            Backend::ImportTree => ", which import-tree imports already: the list can go",
            Backend::Scanpaths => " instead of `imports = lib.custom.scanPaths ./.;`",
        };
        repo.files
            .par_iter()
            .enumerate()
            .filter(|(_, file)| {
                file.name() == "default.nix" && in_module_tree(&modules, &file.path)
            })
            .filter_map(|(index, file)| {
                let dir = file.dir();
                // Siblings: files of this directory and its direct subdirectories.
                let siblings: Vec<&str> = repo
                    .graph
                    .imports_of(index)
                    .filter(|e| e.kind == RefKind::Import && e.module_list && e.to != index)
                    .map(|e| repo.files[e.to].path.as_str())
                    .filter(|to| {
                        let parent = parent_dir(to);
                        parent == dir || (to.ends_with("/default.nix") && parent_dir(parent) == dir)
                    })
                    .collect();
                if siblings.len() < 2 {
                    return None;
                }
                let list = file.parsed.syntax().descendants().find(|n| {
                    n.kind() == NODE_ATTRPATH_VALUE
                        && binding(n)
                            .is_some_and(|(names, _)| names.last().is_some_and(|l| l == "imports"))
                })?;
                Some(repo.finding(
                    &INFO,
                    file,
                    list.text_range().start().into(),
                    format!(
                        "{} lists {} of its siblings by hand{instead}",
                        file.path,
                        siblings.len()
                    ),
                ))
            })
            .collect()
    }
}

/// The name of the directory that holds the module trees (the registry's): `modules`.
fn module_dir_name() -> String {
    let root = crate::layout::root(Role::Registry);
    root.rsplit('/').next().unwrap_or(&root).to_string()
}

/// Under a directory of that name (anywhere): where the shape auto-imports everything.
fn in_module_tree(modules: &str, path: &str) -> bool {
    path.split('/').rev().skip(1).any(|part| part == modules)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn sibling_lists_in_module_trees() {
        let files = [
            (
                "modules/nixos/default.nix",
                "{\n  imports = [\n    ./a.nix\n    ./b\n  ];\n}\n",
            ),
            ("modules/nixos/a.nix", "{ }"),
            ("modules/nixos/b/default.nix", "{ }"),
            (
                "hosts/x/default.nix",
                "{ imports = [ ./hw.nix ./disks.nix ]; }",
            ),
            ("hosts/x/hw.nix", "{ }"),
            ("hosts/x/disks.nix", "{ }"),
        ];
        assert_eq!(
            run(&HandListedImports, &files),
            vec!["modules/nixos/default.nix:2:3"]
        );
    }
}
