//! NS015 platform-overlay: a platform-specific overlay that applies on every platform.

use rayon::prelude::*;
use rnix::SyntaxKind::*;
use rnix::SyntaxNode;

use super::{Finding, Kind, Rule, RuleInfo, Severity};
use crate::check::Repo;
use crate::nix::syntax::{binding, binding_path, unparen};

pub struct PlatformOverlay;

static INFO: RuleInfo = RuleInfo {
    id: "NS015",
    name: "platform-overlay",
    summary: "a platform-specific overlay is applied on every platform",
    explanation: "An overlay named for one platform (customDarwin, darwinPackages, linuxOnly, ...) \
that does not test the platform adds its packages everywhere: Linux evaluations see macOS-only \
packages (and fail on them, or evaluate them for nothing). The shape's customDarwin overlay wraps \
its packages in `lib.optionalAttrs prev.stdenv.hostPlatform.isDarwin`, so on other platforms it \
adds nothing and evaluates nothing. Nix evaluation-performance guidance: keep \
platform-specific packages apart, so that no platform evaluates another platform's packages.",
    fix: "Guard the overlay's result: `final: prev: lib.optionalAttrs prev.stdenv.hostPlatform.isDarwin (…)` \
(or `isLinux`), or apply it only in the platform's configurations.",
    severity: Severity::Warning,
    kind: Kind::Lint,
};

/// Words in an overlay's name that say which platform it is for.
const PLATFORM_WORDS: &[&str] = &["darwin", "macos", "linux", "nixos"];

/// Names whose mention in an overlay's body means it tests the platform.
const PLATFORM_TESTS: &[&str] = &[
    "isDarwin",
    "isLinux",
    "isx86_64",
    "isAarch64",
    "hostPlatform",
    "buildPlatform",
    "targetPlatform",
    "system",
    "optionalAttrs",
];

impl Rule for PlatformOverlay {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, repo: &Repo) -> Vec<Finding> {
        repo.files
            .par_iter()
            .filter(|file| {
                PLATFORM_WORDS
                    .iter()
                    .any(|w| file.text.to_ascii_lowercase().contains(w))
            })
            .flat_map_iter(|file| {
                let in_overlay_file = file.path.split('/').any(|p| p == "overlays");
                file.parsed
                    .syntax()
                    .descendants()
                    .filter_map(|node| {
                        let (names, value) = binding(&node)?;
                        let name = names.last()?;
                        let lower = name.to_ascii_lowercase();
                        if !PLATFORM_WORDS.iter().any(|w| lower.contains(w)) {
                            return None;
                        }
                        let overlay_context = in_overlay_file
                            || binding_path(&value)
                                .iter()
                                .any(|n| n == "overlays" || n == "overlay");
                        let body = overlay_body(&value)?;
                        if !overlay_context || tests_platform(&body) {
                            return None;
                        }
                        Some(repo.finding(
                            &INFO,
                            file,
                            node.text_range().start().into(),
                            format!("the overlay `{name}` is meant for one platform but never tests the platform: it applies everywhere"),
                        ))
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

/// The body of `final: prev: BODY`.
fn overlay_body(value: &SyntaxNode) -> Option<SyntaxNode> {
    let outer = unparen(value);
    if outer.kind() != NODE_LAMBDA {
        return None;
    }
    let inner = unparen(&outer.children().nth(1)?);
    if inner.kind() != NODE_LAMBDA {
        return None;
    }
    inner.children().nth(1)
}

fn tests_platform(body: &SyntaxNode) -> bool {
    body.descendants()
        .any(|n| n.kind() == NODE_IDENT && PLATFORM_TESTS.iter().any(|t| n.text() == *t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn unguarded_darwin_overlays() {
        let text = "{ lib }:\n{\n  customDarwin = final: prev: { mac-tool = final.callPackage ../pkgs/darwin/mac-tool.nix { }; };\n  guardedDarwin = final: prev: lib.optionalAttrs prev.stdenv.hostPlatform.isDarwin { };\n  custom = final: prev: { };\n}";
        assert_eq!(
            run(&PlatformOverlay, &[("overlays/default.nix", text)]),
            vec!["overlays/default.nix:3:3"]
        );
        assert!(run(&PlatformOverlay, &[("modules/x.nix", text)]).is_empty());
    }
}
