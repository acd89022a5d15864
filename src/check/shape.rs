//! What the repository is meant to look like: the recorded answers, or, without
//! `.nixscaffold.yaml`, what the directories suggest.

use std::collections::BTreeSet;

use crate::answers::{Answers, OverlaySet, Platform};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShapeSource {
    /// From `.nixscaffold.yaml`.
    Recorded,
    /// Guessed from the directories, because `.nixscaffold.yaml` is absent.
    Inferred,
}

#[derive(Clone, Debug)]
pub struct Shape {
    pub source: ShapeSource,
    pub platforms: Vec<Platform>,
    pub overlays: Vec<OverlaySet>,
    /// The full answers when they were recorded.
    pub answers: Option<Answers>,
    /// What was inferred and from where, in words.
    pub notes: Vec<String>,
}

impl Shape {
    pub fn recorded(answers: Answers) -> Shape {
        Shape {
            source: ShapeSource::Recorded,
            platforms: answers.platforms.clone(),
            overlays: answers.overlays.clone(),
            answers: Some(answers),
            notes: Vec::new(),
        }
    }

    /// Infers the platforms and overlay sets from the directories that exist.
    pub fn infer(dirs: &BTreeSet<String>) -> Shape {
        let has = |d: &str| dirs.contains(d);
        let mut platforms = Vec::new();
        let mut notes = Vec::new();
        let evidence: [(Platform, &[&str]); 3] = [
            (Platform::Nixos, &["modules/nixos", "hosts/nixos"]),
            (Platform::Darwin, &["modules/darwin", "hosts/darwin"]),
            (Platform::Home, &["modules/home", "home"]),
        ];
        for (platform, places) in evidence {
            let found: Vec<&str> = places.iter().copied().filter(|d| has(d)).collect();
            if !found.is_empty() {
                platforms.push(platform);
                notes.push(format!("platform {platform} (from {}/)", found.join("/, ")));
            }
        }
        if platforms.is_empty() {
            notes.push(
                "no platform (none of modules/nixos, modules/darwin, modules/home, hosts/nixos, hosts/darwin, home/)"
                    .into(),
            );
        }
        let mut overlays = Vec::new();
        for set in OverlaySet::ALL {
            let dir = format!("pkgs/{}", set.directory());
            if has(&dir) {
                overlays.push(set);
                notes.push(format!("overlay {} (from {dir}/)", set.attr()));
            }
        }
        Shape {
            source: ShapeSource::Inferred,
            platforms,
            overlays,
            answers: None,
            notes,
        }
    }

    /// One line that says where the shape came from.
    pub fn describe(&self) -> String {
        match self.source {
            ShapeSource::Recorded => format!(
                "shape from .nixscaffold.yaml: platforms {}",
                self.platforms
                    .iter()
                    .map(|p| p.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ShapeSource::Inferred => {
                format!("no .nixscaffold.yaml; inferred {}", self.notes.join("; "))
            }
        }
    }
}
