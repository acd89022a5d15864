//! Turns answers into the files of a repository, in memory: the plan that `new` writes, `--dry-run`
//! prints and `check` compares against. Nothing here touches the disk.

use serde_json::{json, Value};

use crate::answers::{Answers, OverlaySet, Platform, ANSWERS_FILE};
use crate::error::Result;
use crate::layout::{overlay_summary, Each, Ownership, Part, When, PARTS};
use crate::render::Renderer;

/// Release numbers the starter files pin, matching the nixpkgs, home-manager and nix-darwin the
/// generated flake locks today.
const NIXOS_STATE_VERSION: &str = "26.11";
const HOME_STATE_VERSION: &str = "26.11";
const DARWIN_STATE_VERSION: u32 = 7;

/// One file to write: a path relative to the repository (always with `/`) and its contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedFile {
    pub path: String,
    pub contents: String,
    pub ownership: Ownership,
}

/// The variables every template sees.
pub fn context(answers: &Answers) -> Value {
    let platform_flags = json!({
        "nixos": answers.has(Platform::Nixos),
        "darwin": answers.has(Platform::Darwin),
        "home": answers.has(Platform::Home),
    });
    let overlay_flags = json!({
        "custom": answers.has_overlay(OverlaySet::Custom),
        "customDarwin": answers.has_overlay(OverlaySet::CustomDarwin),
        "customPypi": answers.has_overlay(OverlaySet::CustomPypi),
    });
    // nix-darwin follows nixpkgs-unstable; NixOS machines want the tested nixos-unstable.
    let nixpkgs_url = if answers.has(Platform::Nixos) {
        "github:NixOS/nixpkgs/nixos-unstable"
    } else {
        "github:NixOS/nixpkgs/nixpkgs-unstable"
    };
    json!({
        "name": answers.name,
        "description": answers.description,
        "namespace": answers.namespace,
        "version": env!("CARGO_PKG_VERSION"),
        "platforms": platform_flags,
        "platform_names": answers.platforms.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
        "module_outputs": answers.platforms.iter().map(|p| module_output(*p)).collect::<Vec<_>>(),
        "systems": answers.systems,
        "hosts": answers.hosts.iter().map(|h| json!({
            "platform": h.platform.as_str(),
            "name": h.name,
            "system": answers.host_system(h),
        })).collect::<Vec<_>>(),
        "users": answers.users,
        "caches": answers.caches.iter().map(|c| json!({
            "name": c.preset.clone().unwrap_or_else(|| c.url.clone()),
            "url": c.url,
            "key": c.key,
        })).collect::<Vec<_>>(),
        "overlays": overlay_flags,
        "overlay_names": answers.overlays.iter().map(|o| o.attr()).collect::<Vec<_>>(),
        "overlay_sets": answers.overlays.iter().map(|o| overlay_context(*o)).collect::<Vec<_>>(),
        "nixpkgs_url": nixpkgs_url,
        "home_system": answers.home_system(),
        "nixos_state_version": NIXOS_STATE_VERSION,
        "home_state_version": HOME_STATE_VERSION,
        "darwin_state_version": DARWIN_STATE_VERSION,
    })
}

/// The flake output that exposes a platform's module tree.
pub fn module_output(platform: Platform) -> &'static str {
    match platform {
        Platform::Nixos => "nixosModules",
        Platform::Darwin => "darwinModules",
        Platform::Home => "homeManagerModules",
    }
}

fn overlay_context(set: OverlaySet) -> Value {
    let (kind, attr_prefix) = match set {
        OverlaySet::Custom => ("custom", ""),
        OverlaySet::CustomDarwin => ("darwin", ""),
        OverlaySet::CustomPypi => ("pypi", "python3Packages."),
    };
    json!({
        "overlay": set.attr(),
        "directory": set.directory(),
        "kind": kind,
        "attr_prefix": attr_prefix,
        "summary": overlay_summary(set),
    })
}

fn applies(part: &Part, answers: &Answers) -> bool {
    match part.when {
        When::Always => true,
        When::Platform(platform) => answers.has(platform),
        When::AnyOverlay => !answers.overlays.is_empty(),
    }
}

/// The contexts a part is rendered with: one per host, user, platform or overlay it repeats over.
fn instances(part: &Part, answers: &Answers, base: &Value) -> Vec<Value> {
    let with = |key: &str, value: Value| {
        let mut context = base.clone();
        context[key] = value;
        context
    };
    match part.each {
        Each::Once => vec![base.clone()],
        Each::Platform => answers
            .platforms
            .iter()
            .map(|p| with("platform", json!({ "name": p.as_str() })))
            .collect(),
        Each::Host(platform) => answers
            .hosts
            .iter()
            .filter(|h| h.platform == platform)
            .map(|h| {
                with(
                    "host",
                    json!({ "name": h.name, "system": answers.host_system(h) }),
                )
            })
            .collect(),
        Each::User => {
            let darwin_home = answers.home_system().ends_with("-darwin");
            answers
                .users
                .iter()
                .map(|user| {
                    let home = if darwin_home {
                        format!("/Users/{user}")
                    } else {
                        format!("/home/{user}")
                    };
                    with("user", json!({ "name": user, "home_directory": home }))
                })
                .collect()
        }
        Each::Overlay => answers
            .overlays
            .iter()
            .map(|o| with("set", overlay_context(*o)))
            .collect(),
    }
}

/// Every file of a new repository for these answers, `.nixscaffold.yaml` included.
pub fn plan_new(answers: &Answers, renderer: &Renderer) -> Result<Vec<PlannedFile>> {
    let base = context(answers);
    let mut files = Vec::new();
    for part in PARTS.iter().filter(|part| applies(part, answers)) {
        for context in instances(part, answers, &base) {
            files.push(PlannedFile {
                path: renderer.render_path(part.path, &context)?,
                contents: renderer.render(part.template, &context)?,
                ownership: part.ownership,
            });
        }
    }
    files.push(PlannedFile {
        path: ANSWERS_FILE.to_string(),
        contents: answers.to_yaml()?,
        ownership: Ownership::Starter,
    });
    Ok(files)
}

/// The files one part of the shape renders to for these answers (one per host, user, platform or
/// overlay): what `add-host` and `add-user` write, so they match what `new` writes.
pub fn plan_part(part: &Part, answers: &Answers, renderer: &Renderer) -> Result<Vec<PlannedFile>> {
    let base = context(answers);
    instances(part, answers, &base)
        .iter()
        .map(|context| {
            Ok(PlannedFile {
                path: renderer.render_path(part.path, context)?,
                contents: renderer.render(part.template, context)?,
                ownership: part.ownership,
            })
        })
        .collect()
}
