//! The `layout:` answers: where an adopted repository keeps what the shape has, when it is not
//! where `new` puts it. `nixscaffold adopt` records them from the repository as it is; the shape's
//! expected model ([`crate::layout::expected`]) and `add-*` read them, so `check` compares the
//! repository with its own choices and a new module goes where that repository's modules go.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::layout::Platform;

/// How a repository's module trees are imported, when it is not by a backend of the shape
/// (`auto-import`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Imports {
    /// Each `default.nix` lists its modules by hand.
    Hand,
    /// A flake framework (snowfall, nixos-unified, …) wires the directories by convention.
    Framework,
}

impl Imports {
    pub fn as_str(self) -> &'static str {
        match self {
            Imports::Hand => "hand",
            Imports::Framework => "framework",
        }
    }
}

/// The repository's own places, each optional: an absent key is the shape's place.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LayoutAnswers {
    /// Where each platform's modules live (`nixos: modules/nixos`), relative to the root.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub modules: BTreeMap<Platform, String>,
    /// The file of the helper library (`lib/custom.nix`); `none` when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lib: Option<String>,
    /// The scanPaths-like helper, as the modules call it (`lib.custom.scanPaths`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan_helper: Option<String>,
    /// The file that exposes the module trees as flake outputs; `none` when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    /// `hand` or `framework` when the trees are not auto-imported by a backend of the shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imports: Option<Imports>,
}

/// The word that records "this repository has none".
pub const NONE: &str = "none";

impl LayoutAnswers {
    /// The module root of `platform`: the recorded one, else the shape's.
    pub fn module_root(&self, platform: Platform) -> String {
        self.modules
            .get(&platform)
            .cloned()
            .unwrap_or_else(|| platform.module_root())
    }

    /// A recorded file path, `None` when recorded as `none`; `shape` when not recorded.
    fn place(value: &Option<String>, shape: String) -> Option<String> {
        match value.as_deref() {
            Some(NONE) => None,
            Some(path) => Some(path.to_string()),
            None => Some(shape),
        }
    }

    /// The helper library's file, if the repository has one.
    pub fn lib_path(&self) -> Option<String> {
        Self::place(&self.lib, crate::layout::path_of(crate::layout::Role::Lib))
    }

    /// The registry file, if the repository has one.
    pub fn registry_path(&self) -> Option<String> {
        Self::place(
            &self.registry,
            crate::layout::path_of(crate::layout::Role::Registry),
        )
    }

    /// The helper's own name (`scanModules` of `lib.my.scanModules`), when recorded.
    pub fn helper_name(&self) -> Option<&str> {
        let call = self.scan_helper.as_deref()?;
        Some(call.rsplit('.').next().unwrap_or(call))
    }

    /// Whether module directories list their modules by hand (a choice, not drift).
    pub fn hand_lists(&self) -> bool {
        self.imports == Some(Imports::Hand)
    }

    /// Whether every module directory needs an auto-importing `default.nix`.
    pub fn needs_default_nix(&self) -> bool {
        self.imports.is_none()
    }

    /// Every recorded path is relative, inside the repository, written with `/`.
    pub fn validate(&self) -> Result<(), String> {
        let paths = self
            .modules
            .values()
            .chain(self.lib.iter())
            .chain(self.registry.iter());
        for path in paths {
            if path != NONE && crate::write::safe_relative(path).is_err() {
                return Err(format!(
                    "layout: `{path}` is not a path inside the repository (relative, with `/`, no `..`)"
                ));
            }
        }
        Ok(())
    }
}
