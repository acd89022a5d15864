//! NS001 missing-part: a part of the shape is missing.

use super::{Finding, Rule, RuleInfo, Severity};
use crate::answers::OverlaySet;
use crate::check::shape::ShapeSource;
use crate::check::Repo;
use crate::generate::plan_new;
use crate::layout::Ownership;
use crate::render::Renderer;

pub struct MissingPart;

static INFO: RuleInfo = RuleInfo {
    id: "NS001",
    name: "missing-part",
    summary: "a part of the recommended shape is missing",
    explanation:
        "The shape has parts that other parts rely on: flake.nix; lib/default.nix with the \
scanPaths helper (every auto-imported directory calls it); the central modules/default.nix that \
exposes the module trees as outputs; each platform tree's default.nix; overlays/default.nix and \
the pkgs/ directory of each overlay set; the flake-parts modules the tool manages. A directory \
that scanPaths imports must have a default.nix too, or the import fails. With .nixscaffold.yaml \
the parts come from its answers; without it, from the platforms and overlay sets check inferred.",
    fix: "Recreate the part as `nixscaffold new` writes it: run `nixscaffold new /tmp/shape \
--config .nixscaffold.yaml --yes --no-git` (or with `--platform` flags when there is no \
.nixscaffold.yaml) and copy the file; a directory that scanPaths imports gets a `default.nix` \
with `imports = lib.custom.scanPaths ./.;`.",
    severity: Severity::Error,
};

impl Rule for MissingPart {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, repo: &Repo) -> Vec<Finding> {
        let mut missing: Vec<(String, String)> = Vec::new(); // path, what it is for
        let shape = &repo.shape;
        match (&shape.answers, shape.source) {
            (Some(answers), ShapeSource::Recorded) => {
                let planned = Renderer::new(None).and_then(|r| plan_new(answers, &r));
                match planned {
                    Ok(files) => {
                        for file in files {
                            let required = file.ownership == Ownership::Managed
                                || file.path == "flake.nix"
                                || file.path == "overlays/default.nix";
                            if required && !repo.all_files.contains(&file.path) {
                                missing.push((file.path.clone(), purpose(&file.path)));
                            }
                        }
                    }
                    Err(e) => {
                        return vec![Finding::new(
                            &INFO,
                            ".nixscaffold.yaml",
                            1,
                            1,
                            e.to_string(),
                        )]
                    }
                }
            }
            _ => {
                let mut required = vec!["flake.nix", "lib/default.nix", "modules/default.nix"]
                    .into_iter()
                    .map(String::from)
                    .collect::<Vec<_>>();
                // Only the module trees that exist: a repository may keep home modules elsewhere.
                for platform in &shape.platforms {
                    if repo.dirs.contains(&format!("modules/{platform}")) {
                        required.push(format!("modules/{platform}/default.nix"));
                    }
                }
                if !shape.overlays.is_empty() {
                    required.push("overlays/default.nix".into());
                }
                for path in required {
                    if !repo.all_files.contains(&path) {
                        let what = purpose(&path);
                        missing.push((path, what));
                    }
                }
            }
        }
        for set in &shape.overlays {
            let dir = format!("pkgs/{}", set.directory());
            if !repo.dirs.contains(&dir) {
                missing.push((
                    format!("{dir}/"),
                    format!(
                        "the package directory of the {} overlay",
                        overlay_name(*set)
                    ),
                ));
            }
        }
        let mut findings: Vec<Finding> = missing
            .into_iter()
            .map(|(path, what)| {
                Finding::new(&INFO, &path, 1, 1, format!("{path} is missing: {what}"))
            })
            .collect();

        // Every subdirectory of a scanned directory is imported, so it needs a default.nix.
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
                if name.contains('/') || name.is_empty() {
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
                        )),
                    );
                }
            }
        }
        findings
    }
}

fn overlay_name(set: OverlaySet) -> &'static str {
    set.attr()
}

/// What a path is for, from the shape's own description of its parts.
fn purpose(path: &str) -> String {
    let generic = |p: &str| {
        p.split('/')
            .map(|segment| {
                if segment.contains('{') || segment.is_empty() {
                    "*"
                } else {
                    segment
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    };
    crate::layout::PARTS
        .iter()
        .find(|part| {
            let pattern = generic(part.path);
            pattern == path
                || (pattern.contains('*')
                    && pattern.split('/').count() == path.split('/').count()
                    && pattern
                        .split('/')
                        .zip(path.split('/'))
                        .all(|(a, b)| a == "*" || a == b))
        })
        .map_or_else(
            || "part of the recommended shape".into(),
            |p| p.purpose.to_string(),
        )
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
