//! NS014 scanpaths-drift: a hand-copied scanPaths helper that differs from the recommended one.

use rayon::prelude::*;
use rnix::SyntaxKind::*;
use similar::TextDiff;

use super::{Finding, Kind, Rule, RuleInfo, Severity};
use crate::check::Repo;
use crate::nix::syntax::{binding, significant_tokens};

pub struct ScanPathsDrift;

static INFO: RuleInfo = RuleInfo {
    id: "NS014",
    name: "scanpaths-drift",
    summary: "a scanPaths helper differs from the recommended one",
    explanation: "scanPaths is copied from repository to repository, and copies drift: one reads \
the directory twice, one uses lib.filterAttrs and lib.hasSuffix (about 3% more function calls over \
a large tree than builtins), one forgets to skip default.nix and makes the calling file import \
itself. The recommended helper reads each directory once, uses builtins only, returns the \
subdirectories and the .nix files but default.nix and names starting with `_`, and lists a \
subdirectory that auto-imports the same way in place (one module per tree, not per directory). check compares every `scanPaths = …` definition \
with it, token by token (layout and comments do not matter).",
    fix:
        "Replace the definition with the recommended one (the diff shows it: `-` recommended, `+` \
this repository), or import this flake's lib instead of keeping a copy.",
    severity: Severity::Warning,
    kind: Kind::Shape,
};

impl Rule for ScanPathsDrift {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, repo: &Repo) -> Vec<Finding> {
        let Some((reference_text, reference)) = repo.expected.lib.as_deref().and_then(recommended)
        else {
            return Vec::new();
        };
        // A managed file is compared whole by managed-drift.
        let managed_here = |path: &str| repo.expected.managed().any(|(file, _)| file.path == path);
        repo.files
            .par_iter()
            .filter(|file| file.mentions("scanPaths") && !managed_here(&file.path))
            .flat_map_iter(|file| {
                let mut found = Vec::new();
                for node in file.parsed.syntax().descendants() {
                    if node.kind() != NODE_ATTRPATH_VALUE {
                        continue;
                    }
                    let Some((names, value)) = binding(&node) else {
                        continue;
                    };
                    if names.last().is_none_or(|n| n != "scanPaths") || value.kind() != NODE_LAMBDA
                    {
                        continue;
                    }
                    if significant_tokens(&value) == reference {
                        continue;
                    }
                    let actual = normalize(&value.text().to_string());
                    let diff = TextDiff::from_lines(&reference_text, &actual)
                        .unified_diff()
                        .context_radius(3)
                        .header(
                            "scanPaths (recommended)",
                            &format!("scanPaths ({})", file.path),
                        )
                        .to_string();
                    found.push(
                        repo.finding(
                            &INFO,
                            file,
                            node.text_range().start().into(),
                            "this scanPaths differs from the recommended helper",
                        )
                        .with_diff(diff),
                    );
                }
                found
            })
            .collect()
    }
}

/// The recommended helper's text (formatted) and tokens, from the rendered lib/default.nix.
fn recommended(lib: &str) -> Option<(String, Vec<(rnix::SyntaxKind, String)>)> {
    let root = rnix::Root::parse(lib).syntax();
    let value = root.descendants().find_map(|node| {
        let (names, value) = binding(&node)?;
        (names.last()? == "scanPaths").then_some(value)
    })?;
    Some((
        normalize(&value.text().to_string()),
        significant_tokens(&value),
    ))
}

/// An expression in the official style, so that the diff shows meaning, not layout.
fn normalize(expression: &str) -> String {
    let mut text = nixfmt_rs::format(expression).unwrap_or_else(|_| expression.to_string());
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn recommended_copy_is_fine_and_drift_is_found() {
        let lib = crate::render::Renderer::builtin()
            .render("lib/default.nix", &serde_json::json!({}))
            .unwrap();
        let (text, _) = recommended(&lib).expect("the template has scanPaths");
        let copy = format!("{{\n  scanPaths = {text};\n}}");
        assert!(run(&ScanPathsDrift, &[("lib/x.nix", &copy)]).is_empty());
        let drifted = "{\n  scanPaths = path: builtins.map (f: path + \"/${f}\") (builtins.attrNames (builtins.readDir path));\n}";
        assert_eq!(
            run(&ScanPathsDrift, &[("lib/x.nix", drifted)]),
            vec!["lib/x.nix:2:3"]
        );
    }
}
