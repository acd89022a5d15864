//! The templates of every released version, kept so that `update` can render again what an older
//! version rendered for a repository's answers: the base of its three-way merge.
//!
//! `templates-history/<VERSION>/` holds that version's `templates/` folder, whole, and
//! `shape.json`: its parts table (which template renders which path, who owns it) and the context
//! values that came from its code (the version, the pinned state versions). `scripts/release.sh`
//! adds the version in `Cargo.toml`; the version being developed (not stored yet) renders from
//! `templates/` and this code's parts table.

use std::fmt;

use include_dir::{include_dir, Dir};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::generate::fixed_context;
use crate::layout::{parts, Backend, Ownership, Part, PathPattern, Role, Slot};
use crate::render::{builtin_templates, Renderer};

static HISTORY: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates-history");

/// The file in each stored version that records its shape.
pub const SHAPE_FILE: &str = "shape.json";

/// A release number, `MAJOR.MINOR.PATCH`, ordered as numbers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(u64, u64, u64);

impl Version {
    pub fn parse(text: &str) -> Option<Version> {
        let mut numbers = text.trim().split('.').map(|n| n.parse::<u64>().ok());
        let version = Version(numbers.next()??, numbers.next()??, numbers.next()??);
        numbers.next().is_none().then_some(version)
    }

    /// The version of this binary, from `Cargo.toml`.
    pub fn current() -> Version {
        Version::parse(env!("CARGO_PKG_VERSION")).unwrap_or(Version(0, 0, 0))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// What one version renders: its parts, templates and fixed context values.
pub struct Shape {
    pub version: Version,
    pub parts: &'static [Part],
    pub templates: &'static Dir<'static>,
    /// What the paths of `templates`' files start with (`0.1.0/templates/`; empty for this version).
    pub prefix: String,
    /// Set over the context built from the answers ([`crate::generate::with_fixed`]).
    pub context: Value,
}

/// A part as `shape.json` records it.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredPart {
    pub dir: String,
    pub slot: Option<Slot>,
    pub file: String,
    pub template: String,
    pub role: Role,
    pub ownership: Ownership,
    /// The auto-import backend the part belongs to; absent: either (and in versions before there
    /// were two).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend: Option<Backend>,
}

/// `shape.json`.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredShape {
    pub version: String,
    pub context: Value,
    pub parts: Vec<StoredPart>,
}

impl StoredShape {
    /// This version's shape, as the release step stores it.
    pub fn current() -> StoredShape {
        StoredShape {
            version: Version::current().to_string(),
            context: fixed_context(),
            parts: parts()
                .iter()
                .map(|part| StoredPart {
                    dir: part.path.dir.clone(),
                    slot: part.path.slot,
                    file: part.path.file.to_string(),
                    template: part.template.to_string(),
                    role: part.role,
                    ownership: part.ownership,
                    backend: part.backend,
                })
                .collect(),
        }
    }
}

/// The versions whose templates are stored, oldest first.
pub fn stored_versions() -> Vec<Version> {
    let mut versions: Vec<Version> = HISTORY
        .dirs()
        .filter_map(|dir| Version::parse(&dir.path().to_string_lossy()))
        .collect();
    versions.sort();
    versions
}

impl Shape {
    /// A renderer over this version's templates, `override_dir`'s files in their place.
    pub fn renderer(&self, override_dir: Option<&std::path::Path>) -> Result<Renderer> {
        Renderer::of_version(self.templates, &self.prefix, override_dir)
    }
}

/// What `version` rendered: this binary's own templates for the current version, else the stored
/// ones. `None` when `version` is neither.
pub fn shape(version: &Version) -> Result<Option<Shape>> {
    if *version == Version::current() {
        return Ok(Some(Shape {
            version: version.clone(),
            parts: parts(),
            templates: builtin_templates(),
            prefix: String::new(),
            context: fixed_context(),
        }));
    }
    let Some(dir) = HISTORY.get_dir(version.to_string()) else {
        return Ok(None);
    };
    let templates = dir
        .get_dir(format!("{version}/templates"))
        .ok_or_else(|| Error::Internal(format!("stored version {version} has no templates")))?;
    let stored = stored_shape(dir, version)?;
    Ok(Some(Shape {
        version: version.clone(),
        parts: leak_parts(stored.parts),
        templates,
        prefix: format!("{version}/templates/"),
        context: stored.context,
    }))
}

fn stored_shape(dir: &'static Dir<'static>, version: &Version) -> Result<StoredShape> {
    let text = dir
        .get_file(format!("{version}/{SHAPE_FILE}"))
        .and_then(|file| file.contents_utf8())
        .ok_or_else(|| Error::Internal(format!("stored version {version} has no {SHAPE_FILE}")))?;
    serde_json::from_str(text).map_err(|e| {
        Error::Internal(format!(
            "templates-history/{version}/{SHAPE_FILE} does not parse: {e}"
        ))
    })
}

/// A stored parts table as parts, kept for the rest of the process (one per stored version read).
fn leak_parts(stored: Vec<StoredPart>) -> &'static [Part] {
    let leak = |text: String| -> &'static str { Box::leak(text.into_boxed_str()) };
    let parts: Vec<Part> = stored
        .into_iter()
        .map(|part| Part {
            path: PathPattern {
                dir: part.dir,
                slot: part.slot,
                file: leak(part.file),
            },
            template: leak(part.template),
            role: part.role,
            ownership: part.ownership,
            required: false,
            purpose: "",
            backend: part.backend,
        })
        .collect();
    Box::leak(parts.into_boxed_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &Dir<'_>, strip: &str, out: &mut Vec<(String, Vec<u8>)>) {
        for file in dir.files() {
            let path = file.path().to_string_lossy();
            let path = path.strip_prefix(strip).unwrap_or(&path).to_string();
            out.push((path, file.contents().to_vec()));
        }
        for sub in dir.dirs() {
            files(sub, strip, out);
        }
    }

    #[test]
    fn the_version_in_cargo_toml_is_major_minor_patch() {
        assert!(
            Version::parse(env!("CARGO_PKG_VERSION")).is_some(),
            "update compares versions as MAJOR.MINOR.PATCH"
        );
    }

    #[test]
    fn versions_parse_and_order_as_numbers() {
        assert!(Version::parse("0.10.0") > Version::parse("0.9.1"));
        assert_eq!(Version::parse("1.2"), None);
        assert_eq!(Version::parse("1.2.3.4"), None);
        assert_eq!(Version::parse("v1.2.3"), None);
        assert_eq!(Version::parse("1.2.3").unwrap().to_string(), "1.2.3");
    }

    #[test]
    fn every_stored_version_is_complete_and_not_newer_than_this_one() {
        let versions = stored_versions();
        assert!(versions.contains(&Version(0, 1, 0)), "{versions:?}");
        for version in versions {
            assert!(
                version <= Version::current(),
                "{version} is newer than Cargo.toml"
            );
            let shape = shape(&version).unwrap().unwrap();
            for part in shape.parts {
                let name = format!("{}{}", shape.prefix, part.template);
                assert!(
                    shape.templates.get_file(name).is_some(),
                    "{version}: no template {}",
                    part.template
                );
            }
        }
    }

    /// A released version's templates never change: a template change after a release belongs to
    /// the next version (`scripts/release.sh NEXT` bumps it).
    #[test]
    fn the_current_version_if_stored_equals_templates_and_the_parts_table() {
        let current = Version::current();
        let Some(dir) = HISTORY.get_dir(current.to_string()) else {
            return; // in development: templates/ is this version's
        };
        let prefix = format!("{current}/templates/");
        let mut stored = Vec::new();
        files(
            dir.get_dir(format!("{current}/templates")).unwrap(),
            &prefix,
            &mut stored,
        );
        let mut live = Vec::new();
        files(builtin_templates(), "", &mut live);
        stored.sort();
        live.sort();
        assert!(
            stored == live,
            "templates/ changed after {current} was released: run scripts/release.sh with the next version"
        );
        assert_eq!(stored_shape(dir, &current).unwrap(), StoredShape::current());
    }
}
