//! NS004 orphan-file: a `.nix` file that nothing imports.

use std::collections::{BTreeMap, HashSet};

use super::{Finding, Kind, Rule, RuleInfo, Severity};
use crate::check::graph::parent_dir;
use crate::check::{Repo, SourceFile};

pub struct OrphanFile;

static INFO: RuleInfo = RuleInfo {
    id: "NS004",
    name: "orphan-file",
    summary: "a .nix file that no import reaches",
    explanation: "Starting from flake.nix (and the other .nix files at the root), check follows \
every import: `import ./x.nix`, paths in `imports` and `modules` lists, directories handed to \
scanPaths, readDir, import-tree or packagesFromDirectoryRecursive, paths bound to a name and used \
later, and interpolated paths such as `../hosts/${name}` (each file they can name). Stand-alone \
entry points (shell.nix, tests/*.nix, templates/, every nested flake.nix) and what flake frameworks \
load by convention (snowfall-lib, blueprint, nixos-unified, ez-configs, clan-core machines/) are \
starting points too. A file none of these reach is dead: editing it changes nothing, which is \
usually a module that was meant to be auto-imported but sits in a directory that is not, or one \
that was renamed away from its import. Orphans filling one directory are one finding. Where an \
import cannot be followed (a directory handed to an unknown function, `dir + name`), nothing in \
the part of the tree it may reach is called an orphan, and the report lists it under \
\"not followed\".",
    fix: "Move the file into an auto-imported module directory (its default.nix is \
`imports = lib.custom.scanPaths ./.;`), import it where it is needed, or delete it.",
    severity: Severity::Warning,
    kind: Kind::Lint,
};

impl Rule for OrphanFile {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, repo: &Repo) -> Vec<Finding> {
        if repo.graph.roots().is_empty() {
            return Vec::new(); // nothing to start from: not a flake's root
        }
        let orphans: Vec<&SourceFile> = repo
            .files
            .iter()
            .enumerate()
            .filter(|&(i, file)| !repo.graph.is_reached(i) && !repo.settings.ignored(&file.path))
            .map(|(_, file)| file)
            .collect();
        // Directories holding a file that is reached (or ignored): an orphan's group is its
        // highest directory outside them.
        let mut live: HashSet<&str> = HashSet::new();
        for (i, file) in repo.files.iter().enumerate() {
            if repo.graph.is_reached(i) || repo.settings.ignored(&file.path) {
                let mut dir = parent_dir(&file.path);
                while !dir.is_empty() && live.insert(dir) {
                    dir = parent_dir(dir);
                }
            }
        }
        let mut groups: BTreeMap<&str, Vec<&SourceFile>> = BTreeMap::new();
        for file in orphans {
            let mut group = file.path.as_str();
            let mut dir = parent_dir(&file.path);
            while !dir.is_empty() && !live.contains(dir) {
                group = dir;
                dir = parent_dir(dir);
            }
            groups.entry(group).or_default().push(file);
        }
        groups
            .into_iter()
            .map(|(group, files)| match files.as_slice() {
                [file] => repo.finding(
                    &INFO,
                    file,
                    0,
                    format!(
                        "no import reaches {}: it is not under an auto-imported directory and nothing imports it",
                        file.path
                    ),
                ),
                _ => {
                    let names: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
                    Finding::new(
                        &INFO,
                        group,
                        1,
                        1,
                        format!(
                            "no import reaches anything in {group}/: its {} .nix files ({}) are neither imported nor under an auto-imported directory",
                            files.len(),
                            shortened(group, &names)
                        ),
                    )
                    .with_files(names)
                }
            })
            .collect()
    }
}

/// Up to four names below `group`, then how many more.
fn shortened(group: &str, names: &[String]) -> String {
    let mut shown: Vec<&str> = names
        .iter()
        .take(4)
        .map(|n| {
            n.strip_prefix(group)
                .map_or(n.as_str(), |r| r.trim_start_matches('/'))
        })
        .collect();
    let more = names.len().saturating_sub(4);
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    shown.dedup();
    format!("{}{more}", shown.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn unreached_files_are_orphans() {
        let files = [
            (
                "flake.nix",
                "{ outputs = _: { nixosModules.all = ./modules/nixos; }; }",
            ),
            (
                "modules/nixos/default.nix",
                "{ lib, ... }: { imports = lib.custom.scanPaths ./.; }",
            ),
            ("modules/nixos/a.nix", "{ }"),
            ("modules/nixos/b/default.nix", "{ imports = [ ./c.nix ]; }"),
            ("modules/nixos/b/c.nix", "{ }"),
            ("modules/nixos/b/lost.nix", "{ }"),
            ("modules/stray.nix", "{ }"),
        ];
        assert_eq!(
            run(&OrphanFile, &files),
            vec!["modules/nixos/b/lost.nix:1:1", "modules/stray.nix:1:1"]
        );
    }
}
