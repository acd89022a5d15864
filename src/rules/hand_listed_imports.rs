//! NS003 hand-listed-imports: a module directory's `default.nix` lists its siblings by hand.

use rayon::prelude::*;
use rnix::SyntaxKind::*;

use super::{Finding, Kind, Rule, RuleInfo, Severity};
use std::collections::BTreeSet;

use rnix::SyntaxNode;

use crate::check::graph::{join, parent_dir, RefKind};
use crate::check::{Repo, SourceFile};
use crate::fix::Fix;
use crate::layout::{Backend, Role};
use crate::nix::syntax::{binding, path_literal, unparen, PathLiteral};

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
        let layout = repo.expected.layout();
        let own_backend = repo
            .shape()
            .answers()
            .is_some_and(|a| a.auto_import == Backend::Scanpaths);
        if layout.is_some_and(|l| !l.needs_default_nix() || l.scan_helper.is_none() || !own_backend)
        {
            // An adopted repository without a scanPaths-like helper of its own (hand lists, a
            // framework, import-tree): its lists are its choice, and nothing could replace them.
            return Vec::new();
        }
        let roots: Vec<String> = layout
            .map(|l| l.modules.values().cloned().collect())
            .unwrap_or_default();
        let modules = module_dir_name();
        // With import-tree the siblings are imported already; with scanPaths the list replaces it.
        let instead = match repo.expected.shape.auto_import() {
            Backend::ImportTree => ", which import-tree imports already: the list can go",
            Backend::Scanpaths => " instead of `imports = lib.custom.scanPaths ./.;`",
        };
        let in_tree = |path: &str| {
            in_module_tree(&modules, path)
                || roots.iter().any(|root| {
                    path.strip_prefix(root.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
                })
        };
        repo.files
            .par_iter()
            .enumerate()
            .filter(|(_, file)| file.name() == "default.nix" && in_tree(&file.path))
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
                let finding = repo.finding(
                    &INFO,
                    file,
                    list.text_range().start().into(),
                    format!(
                        "{} lists {} of its siblings by hand{instead}",
                        file.path,
                        siblings.len()
                    ),
                );
                Some(finding.with_autofix(auto_import_fix(repo, file, &list)))
            })
            .collect()
    }
}

/// The name of the directory that holds the module trees (the registry's): `modules`.
/// The fix of a hand list: the helper's call in place of the list, only when the list names
/// exactly what the helper imports (every `.nix` file but `default.nix`, every subdirectory, each
/// with its own `default.nix`, nothing else in the directory), so the imported files stay the
/// same; `lib` is added to the function's arguments when the call needs it.
fn auto_import_fix(repo: &Repo, file: &SourceFile, binding_node: &SyntaxNode) -> Option<Fix> {
    if repo.expected.shape.auto_import() != Backend::Scanpaths {
        return None;
    }
    let (_, value) = binding(binding_node)?;
    let list = unparen(&value);
    if list.kind() != NODE_LIST {
        return None;
    }
    let dir = file.dir();
    let mut listed = BTreeSet::new();
    for item in list.children() {
        let Some(PathLiteral::Static(literal)) = path_literal(&unparen(&item)) else {
            return None;
        };
        let target = join(dir, &literal)?;
        if parent_dir(&target) != dir || !listed.insert(target) {
            return None;
        }
    }
    if listed != scanned_entries(repo, dir)? {
        return None;
    }
    // The shape's helper, or an adopted repository's own (the rule is silent without one).
    let call = match repo.expected.layout() {
        Some(layout) => layout.scan_helper.clone()?,
        None => "lib.custom.scanPaths".to_string(),
    };
    let first = call.split('.').next().unwrap_or(&call).to_string();
    let lambda = file.parsed.syntax().first_child().map(|n| unparen(&n))?;
    let pattern = (lambda.kind() == NODE_LAMBDA)
        .then(|| lambda.first_child())
        .flatten()
        .filter(|p| p.kind() == NODE_PATTERN)?;
    let bound: Vec<String> = pattern
        .children()
        .filter(|n| n.kind() == NODE_PAT_ENTRY)
        .filter_map(|n| n.first_child().map(|ident| ident.text().to_string()))
        .collect();
    let list_range = list.text_range();
    let text = &file.text;
    let (start, prefix) = if bound.contains(&first) {
        (usize::from(list_range.start()), String::new())
    } else if first == "lib" {
        // `{ config, ... }:` becomes `{ lib, config, ... }:`, `{ ... }:` becomes `{ lib, ... }:`.
        let at = pattern
            .children_with_tokens()
            .find(|e| matches!(e.kind(), NODE_PAT_ENTRY | TOKEN_ELLIPSIS))
            .map(|e| usize::from(e.text_range().start()))?;
        (at, "lib, ".to_string())
    } else {
        return None;
    };
    let kept = &text[start..usize::from(list_range.start())];
    let replacement = format!("{prefix}{kept}{call} ./.");
    let range = rnix::TextRange::new((start as u32).into(), list_range.end());
    Some(Fix::edit(&file.path, range, replacement).summary(format!(
        "the hand list became `{call} ./.` (the same {} files)",
        listed.len()
    )))
}

/// What the helper imports from `dir`: its subdirectories and `.nix` files but `default.nix`;
/// `None` when a subdirectory has no `default.nix` (a data folder) or the directory holds any
/// other file (something deliberately kept out of a list may be among them).
fn scanned_entries(repo: &Repo, dir: &str) -> Option<BTreeSet<String>> {
    let prefix = format!("{dir}/");
    let mut entries = BTreeSet::new();
    for sub in repo
        .dirs
        .iter()
        .filter(|d| parent_dir(d) == dir && d.starts_with(&prefix))
    {
        if !repo.all_files.contains(&format!("{sub}/default.nix")) {
            return None;
        }
        entries.insert(sub.clone());
    }
    for path in repo
        .all_files
        .iter()
        .filter(|f| parent_dir(f) == dir && f.starts_with(&prefix))
    {
        let name = &path[prefix.len()..];
        if name == "default.nix" {
            continue;
        }
        if !name.ends_with(".nix") {
            return None;
        }
        entries.insert(path.clone());
    }
    Some(entries)
}

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

    #[test]
    fn an_adopted_repository_without_its_own_helper_keeps_its_lists_and_gets_no_fix() {
        let files = [
            (
                "modules/nixos/default.nix",
                "{ config, ... }:\n{\n  imports = [\n    ./a.nix\n    ./b.nix\n  ];\n}\n",
            ),
            ("modules/nixos/a.nix", "{ }"),
            ("modules/nixos/b.nix", "{ }"),
        ];
        let layout = |yaml: &str| {
            let file: crate::answers::AnswersFile =
                serde_saphyr::from_str(&format!("platforms: [nixos]\n{yaml}")).unwrap();
            file.resolve("t").unwrap()
        };
        let framework = layout("layout: { modules: { nixos: modules/nixos }, imports: framework }");
        let repo = crate::check::test_repo_recorded(&files, framework);
        assert!(HandListedImports.check(&repo).is_empty());
        let no_helper = layout("layout: { modules: { nixos: modules/nixos } }");
        let repo = crate::check::test_repo_recorded(&files, no_helper);
        assert!(HandListedImports.check(&repo).is_empty());

        let own = layout("layout: { modules: { nixos: modules/nixos }, scan-helper: lib.my.scan }");
        let repo = crate::check::test_repo_recorded(&files, own);
        let found = HandListedImports.check(&repo);
        let fix = found[0]
            .autofix
            .clone()
            .expect("a fix with the repository's helper");
        let crate::fix::Change::Edit { start, end, text } = fix.change else {
            panic!("{fix:?}")
        };
        let mut fixed = files[0].1.to_string();
        fixed.replace_range(start..end, &text);
        assert_eq!(
            fixed,
            "{ lib, config, ... }:\n{\n  imports = lib.my.scan ./.;\n}\n"
        );
    }
}
