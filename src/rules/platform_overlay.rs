//! NS015 platform-overlay: a platform-specific overlay that applies on every platform.

use rayon::prelude::*;
use rnix::SyntaxKind::*;
use rnix::SyntaxNode;

use super::{Finding, Kind, Rule, RuleInfo, Severity};
use crate::check::Repo;
use crate::nix::syntax::{apply_parts, binding, binding_path, callee_name, dotted_name, unparen};

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
                let lower = file.text.to_ascii_lowercase();
                PLATFORM_WORDS.iter().any(|w| lower.contains(w))
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
                        let body = overlay_body(&value)?;
                        let overlay_context = in_overlay_file
                            || binding_path(&value)
                                .iter()
                                .any(|n| n == "overlays" || n == "overlay");
                        if !overlay_context
                            || tests_platform(&body)
                            || !applied_beyond_its_platform(repo, name, &value, family(&lower))
                        {
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

/// Whether the repository applies the overlay `name` somewhere that is not its platform's own: a
/// reference (`overlays.NAME`, or the bare name, e.g. in a composition) outside a context that
/// names a platform (`darwinConfigurations`, `darwinSystem`, a file under `hosts/darwin/`) and
/// outside a platform test (`lib.optionals stdenv.isDarwin [ … ]`). An overlay only exported is
/// applied by whoever uses it, on the platform it is named for.
fn applied_beyond_its_platform(
    repo: &Repo,
    name: &str,
    definition: &SyntaxNode,
    platform: &[&str],
) -> bool {
    repo.files
        .iter()
        .filter(|file| file.mentions(name))
        .any(|file| {
            let platform_file = names_platform(&file.path, platform);
            file.parsed.syntax().descendants().any(|node| {
                is_reference(&node, name)
                    && !node.ancestors().any(|a| a == *definition)
                    && !platform_file
                    && !in_platform_context(&node, platform)
            })
        })
}

/// `…overlays.NAME` or the bare variable `NAME` (not an attribute name, not `inherit NAME`).
fn is_reference(node: &SyntaxNode, name: &str) -> bool {
    match node.kind() {
        NODE_SELECT => dotted_name(node).is_some_and(|names| {
            names.last().is_some_and(|n| n == name)
                && names.iter().any(|n| n == "overlays" || n == "overlay")
        }),
        NODE_IDENT => {
            node.text() == name
                && node.parent().is_some_and(|p| {
                    !matches!(p.kind(), NODE_ATTRPATH | NODE_INHERIT | NODE_SELECT)
                })
        }
        _ => false,
    }
}

/// The words of the platform an overlay's (lower-case) name says it is for.
fn family(name: &str) -> &'static [&'static str] {
    if name.contains("darwin") || name.contains("macos") {
        &["darwin", "macos"]
    } else {
        &["linux", "nixos"]
    }
}

fn names_platform(text: &str, platform: &[&str]) -> bool {
    let lower = text.to_ascii_lowercase();
    platform.iter().any(|w| lower.contains(w))
}

/// Whether `node` sits where only one platform evaluates it: under a binding or a call whose name
/// names a platform, or in a branch that tests the platform.
fn in_platform_context(node: &SyntaxNode, platform: &[&str]) -> bool {
    node.ancestors().any(|a| {
        if let Some((names, _)) = binding(&a) {
            if names.iter().any(|n| names_platform(n, platform)) {
                return true;
            }
        }
        if let Some((function, args)) = apply_parts(&a) {
            let callee = callee_name(&function).unwrap_or_default();
            if names_platform(&callee, platform) {
                return true;
            }
            let conditional = matches!(
                callee.as_str(),
                "optional" | "optionals" | "optionalAttrs" | "mkIf" | "optionalString"
            );
            if conditional && args.first().is_some_and(tests_platform) {
                return true;
            }
        }
        a.kind() == NODE_IF_ELSE && a.first_child().as_ref().is_some_and(tests_platform)
    })
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
        let text = "{ lib }:\nrec {\n  customDarwin = final: prev: { mac-tool = final.callPackage ../pkgs/darwin/mac-tool.nix { }; };\n  guardedDarwin = final: prev: lib.optionalAttrs prev.stdenv.hostPlatform.isDarwin { };\n  custom = final: prev: { };\n  default = lib.composeManyExtensions [ custom customDarwin guardedDarwin ];\n}";
        assert_eq!(
            run(&PlatformOverlay, &[("overlays/default.nix", text)]),
            vec!["overlays/default.nix:3:3"]
        );
        assert!(run(&PlatformOverlay, &[("modules/x.nix", text)]).is_empty());
    }

    #[test]
    fn an_overlay_applied_only_on_its_platform_or_only_exported() {
        let overlays = "{\n  darwinFonts = final: prev: { fonts = prev.hello; };\n}";
        // Only exported: whoever applies it chooses the platform.
        assert!(run(&PlatformOverlay, &[("overlays/default.nix", overlays)]).is_empty());
        let darwin_only = "{ inputs, lib, pkgs, ... }: {\n  darwinConfigurations.mac = inputs.darwin.lib.darwinSystem { modules = [ { nixpkgs.overlays = [ inputs.self.overlays.darwinFonts ]; } ]; };\n  x.nixpkgs.overlays = lib.optionals pkgs.stdenv.isDarwin [ inputs.self.overlays.darwinFonts ];\n}";
        let files = [
            ("overlays/default.nix", overlays),
            ("flake.nix", darwin_only),
        ];
        assert!(run(&PlatformOverlay, &files).is_empty());
        let host = "{ inputs, ... }: { nixpkgs.overlays = [ inputs.self.overlays.darwinFonts ]; }";
        assert!(run(
            &PlatformOverlay,
            &[
                ("overlays/default.nix", overlays),
                ("hosts/darwin/mac/default.nix", host)
            ]
        )
        .is_empty());
        // Applied in a NixOS host: on Linux.
        assert_eq!(
            run(
                &PlatformOverlay,
                &[
                    ("overlays/default.nix", overlays),
                    ("hosts/nixos/pc/default.nix", host)
                ]
            ),
            vec!["overlays/default.nix:2:3"]
        );
    }
}
