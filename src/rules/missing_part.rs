//! NS001 missing-part: a part of the shape is missing.

use super::{Finding, Kind, Rule, RuleInfo, Severity};
use crate::check::Repo;
use crate::fix::Fix;
use crate::layout::auto_import::auto_imports_with;
use crate::layout::Role;

pub struct MissingPart;

static INFO: RuleInfo = RuleInfo {
    id: "NS001",
    name: "missing-part",
    summary: "a part of the recommended shape is missing",
    explanation:
        "The shape has parts that other parts rely on: flake.nix; lib/default.nix with the \
scanPaths helper (every auto-imported directory calls it); the central modules/default.nix that \
exposes the module trees as outputs; each platform tree's default.nix (with import-tree: the \
tree's directory, which the registry loads); overlays/default.nix and the pkgs/ directory of each \
overlay set; the flake-parts modules the tool manages. A directory \
that scanPaths imports must have a default.nix too, or the import fails. With .nixscaffold.yaml \
the parts come from its answers; without it, from the platforms and overlay sets check inferred.",
    fix: "Recreate the part as `nixscaffold new` writes it: run `nixscaffold new /tmp/shape \
--config .nixscaffold.yaml --yes --no-git` (or with `--platform` flags when there is no \
.nixscaffold.yaml) and copy the file; a directory that scanPaths imports gets a `default.nix` \
with `imports = lib.custom.scanPaths ./.;`.",
    severity: Severity::Error,
    kind: Kind::Shape,
};

impl Rule for MissingPart {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, repo: &Repo) -> Vec<Finding> {
        let mut findings = missing_parts(repo);
        findings.extend(missing_package_dirs(repo));
        findings.extend(scanned_without_default(repo));
        findings
    }
}

/// The required files of the expected shape that are absent.
fn missing_parts(repo: &Repo) -> Vec<Finding> {
    repo.expected
        .files
        .iter()
        .filter(|file| file.required && !repo.all_files.contains(&file.path))
        .map(|file| {
            let finding = missing(&file.path, file.purpose);
            let auto_import = matches!(file.role, Role::ModuleTree(_) | Role::AutoImport);
            let contents = file.contents.clone().or_else(|| own_auto_import(repo));
            match contents.filter(|_| auto_import) {
                Some(text) => finding.with_autofix(
                    Fix::create(&file.path, text).summary("created: auto-imports its directory"),
                ),
                None => finding,
            }
        })
        .collect()
}

/// The text of the repository's own auto-importing `default.nix` (its helper, called its way),
/// for an adopted repository whose files the templates do not render.
fn own_auto_import(repo: &Repo) -> Option<String> {
    let helper = repo.expected.layout().and_then(|l| l.helper_name());
    repo.files
        .iter()
        .filter(|f| f.name() == "default.nix")
        .find(|f| auto_imports_with(&f.text, helper))
        .map(|f| f.text.to_string())
}

/// The package directory of each overlay set of the shape, when absent.
fn missing_package_dirs(repo: &Repo) -> Vec<Finding> {
    repo.expected
        .dirs
        .iter()
        .filter(|dir| !repo.dirs.contains(&dir.path))
        .map(|dir| missing(&format!("{}/", dir.path), &dir.purpose))
        .collect()
}

fn missing(path: &str, purpose: &str) -> Finding {
    Finding::new(&INFO, path, 1, 1, format!("{path} is missing: {purpose}"))
}

/// Every subdirectory of a scanned directory is imported, so it needs a default.nix.
fn scanned_without_default(repo: &Repo) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (dir, by) in &repo.graph.scanned {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        for sub in repo.dirs.range(prefix.clone()..) {
            let Some(name) = sub.strip_prefix(&prefix) else {
                break;
            };
            // A name starting with `_` is left out by today's scanPaths (and by import-tree).
            if name.contains('/') || name.is_empty() || name.starts_with('_') {
                continue;
            }
            let default = format!("{sub}/default.nix");
            if !repo.all_files.contains(&default) {
                findings.push(
                    Finding::new(
                        &INFO,
                        &default,
                        1,
                        1,
                        format!(
                            "{sub}/ has no default.nix, but scanPaths in {} imports every subdirectory: the import fails",
                            repo.files[*by].path
                        ),
                    )
                    .with_fix(format!(
                        "Add {default} with `imports = lib.custom.scanPaths ./.;`, or move {sub}/ out of the auto-imported tree."
                    ))
                    .with_autofix(scanner_copy(repo, *by, &default)),
                );
            }
        }
    }
    findings
}

/// A missing `default.nix` under a scanned directory: the scanning file's own text, when it
/// auto-imports its own directory (`./.`), so the subdirectory is scanned the same way.
fn scanner_copy(repo: &Repo, by: usize, default: &str) -> Option<Fix> {
    let scanner = &repo.files[by];
    let helper = repo.expected.layout().and_then(|l| l.helper_name());
    (scanner.name() == "default.nix" && auto_imports_with(&scanner.text, helper)).then(|| {
        Fix::create(default, scanner.text.to_string()).summary(format!(
            "created as {} auto-imports its directory",
            scanner.path
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn inferred_parts_and_scanned_subdirectories() {
        let files = [
            ("flake.nix", "{ imports = [ ./modules ]; }"),
            ("lib/default.nix", "{ }"),
            ("modules/default.nix", "{ }"),
            (
                "modules/nixos/default.nix",
                "{ lib, ... }: { imports = lib.custom.scanPaths ./.; }",
            ),
            ("modules/nixos/a/x.nix", "{ }"),
            ("modules/nixos/_data/keys.nix", "{ }"),
            ("modules/home/b.nix", "{ }"),
        ];
        assert_eq!(
            run(&MissingPart, &files),
            vec![
                "modules/home/default.nix:1:1",
                "modules/nixos/a/default.nix:1:1"
            ]
        );
    }
}
