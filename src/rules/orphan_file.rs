//! NS004 orphan-file: a `.nix` file that nothing imports.

use super::{Finding, Kind, Rule, RuleInfo, Severity};
use crate::check::Repo;

pub struct OrphanFile;

static INFO: RuleInfo = RuleInfo {
    id: "NS004",
    name: "orphan-file",
    summary: "a .nix file that no import reaches",
    explanation: "Starting from flake.nix (and the other .nix files at the root), check follows \
every import: `import ./x.nix`, paths in `imports` and `modules` lists, directories handed to \
scanPaths, readDir or packagesFromDirectoryRecursive, and directories discovered with an \
interpolated path such as `../hosts/${name}`. A file none of these reach is dead: editing it \
changes nothing, which is usually a module that was meant to be auto-imported but sits in a \
directory that is not, or one that was renamed away from its import.",
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
        if repo.graph.roots.is_empty() {
            return Vec::new(); // nothing to start from: not a flake's root
        }
        repo.files
            .iter()
            .enumerate()
            .filter(|(i, _)| !repo.graph.reached[*i])
            .map(|(_, file)| {
                repo.finding(
                    &INFO,
                    file,
                    0,
                    format!(
                        "no import reaches {}: it is not under an auto-imported directory and nothing imports it",
                        file.path
                    ),
                )
            })
            .collect()
    }
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
