//! NS002 managed-drift: a file the tool manages departs from what its template renders.

use rayon::prelude::*;
use similar::TextDiff;

use crate::fix::Fix;

use super::{Finding, Kind, Rule, RuleInfo, Severity};
use crate::check::Repo;

pub struct ManagedDrift;

static INFO: RuleInfo = RuleInfo {
    id: "NS002",
    name: "managed-drift",
    summary: "a file the tool manages differs from what its template renders",
    explanation: "Some files of the shape belong to the tool, not to the user: lib/default.nix \
(the scanPaths helper), the auto-importing default.nix files, flake/pkgs.nix, flake/overlays.nix, \
flake/lib.nix and modules/default.nix. Their content follows from .nixscaffold.yaml; a hand edit \
meets every later improvement of the template as a merge to make (`nixscaffold update` keeps the \
edit and marks where both changed the same lines) and often breaks an assumption of another part (a \
module registry that lists modules by hand, a pkgs without overlays). check renders each one for \
this repository's answers and shows the difference as a unified diff (`-` the template, `+` the \
repository). Only checked when .nixscaffold.yaml records the answers.",
    fix: "Put the template's content back (the diff shows it), and move the change where it \
belongs: a new module file, nixpkgs-config.nix, an overlay, or the answers in .nixscaffold.yaml.",
    severity: Severity::Warning,
    kind: Kind::Shape,
};

impl Rule for ManagedDrift {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, repo: &Repo) -> Vec<Finding> {
        let managed: Vec<(&str, &str)> = repo
            .expected
            .managed()
            .map(|(file, contents)| (file.path.as_str(), contents))
            .collect();
        managed
            .par_iter()
            .filter_map(|&(path, contents)| {
                let file = repo.file(path)?;
                if *file.text == *contents {
                    return None;
                }
                let line = contents
                    .lines()
                    .zip(file.text.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or_else(|| contents.lines().count().min(file.text.lines().count()))
                    + 1;
                let diff = TextDiff::from_lines(contents, &*file.text)
                    .unified_diff()
                    .context_radius(3)
                    .header(
                        &format!("{path} (template)"),
                        &format!("{path} (repository)"),
                    )
                    .to_string();
                Some(
                    Finding::new(
                        &INFO,
                        path,
                        line,
                        1,
                        format!(
                            "{path} departs from what its template renders for this repository's answers"
                        ),
                    )
                    .with_diff(diff)
                    .with_autofix(
                        Fix::replace(path, contents)
                            .summary("restored from its template (the edits in it are discarded)"),
                    ),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::AnswersFile;
    use crate::check::test_repo_recorded;
    use crate::generate::plan_new;
    use crate::render::Renderer;

    #[test]
    fn only_edited_managed_files_drift() {
        let answers = AnswersFile::default()
            .resolve("demo")
            .expect("defaults resolve");
        let renderer = Renderer::new(None).expect("templates");
        let mut files = plan_new(&answers, &renderer).expect("a plan");
        for file in &mut files {
            match file.path.as_str() {
                "flake/lib.nix" => file.contents.push_str("# edited\n"),
                "flake/systems.nix" => file.contents.push_str("# a starter file: the user's\n"),
                _ => {}
            }
        }
        let borrowed: Vec<(&str, &str)> = files
            .iter()
            .map(|f| (f.path.as_str(), f.contents.as_str()))
            .collect();
        let repo = test_repo_recorded(&borrowed, answers);
        let found = ManagedDrift.check(&repo);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].file, "flake/lib.nix");
        assert!(found[0]
            .diff
            .as_deref()
            .is_some_and(|d| d.contains("+# edited")));
    }
}
