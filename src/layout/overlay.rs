//! One row per overlay set: its attribute, its package directory, what `add-package` writes.

use serde::{Deserialize, Serialize};

use super::dirs::PKGS_DIR;
use super::platform::Platform;

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
    schemars::JsonSchema,
)]
pub enum OverlaySet {
    /// Packages for every platform, from pkgs/custom.
    #[serde(rename = "custom")]
    #[value(name = "custom")]
    Custom,
    /// macOS-only packages, from pkgs/darwin; adds nothing elsewhere.
    #[serde(rename = "customDarwin")]
    #[value(name = "customDarwin")]
    CustomDarwin,
    /// Python packages, from pkgs/pypi, added to every Python's package set.
    #[serde(rename = "customPypi")]
    #[value(name = "customPypi")]
    CustomPypi,
}

/// What the shape says about one overlay set.
pub struct OverlayRow {
    pub set: OverlaySet,
    /// The overlay's attribute name in `overlays/default.nix` (and in `.nixscaffold.yaml`).
    pub attr: &'static str,
    /// Its directory under `pkgs/`, also the word of `add-package WORD/NAME`.
    pub word: &'static str,
    /// Where a package lands below `pkgs`: `python3Packages.` for Python packages.
    pub attr_prefix: &'static str,
    /// The `meta.platforms` of a new package.
    pub platforms: &'static str,
    /// The template `add-package` renders.
    pub add_template: &'static str,
    /// The platform without which it is not chosen by default.
    pub default_needs: Option<Platform>,
    /// What its package directory is for, for its README.
    pub summary: &'static str,
}

pub const OVERLAYS: [OverlayRow; 3] = [
    OverlayRow {
        set: OverlaySet::Custom,
        attr: "custom",
        word: "custom",
        attr_prefix: "",
        platforms: "lib.platforms.all",
        add_template: "add/package.nix",
        default_needs: None,
        summary: "Packages for every platform, added to pkgs by the `custom` overlay.",
    },
    OverlayRow {
        set: OverlaySet::CustomDarwin,
        attr: "customDarwin",
        word: "darwin",
        attr_prefix: "",
        platforms: "lib.platforms.darwin",
        add_template: "add/package.nix",
        default_needs: Some(Platform::Darwin),
        summary: "macOS-only packages. The `customDarwin` overlay adds them on Darwin and nothing elsewhere, so Linux evaluations never see them.",
    },
    OverlayRow {
        set: OverlaySet::CustomPypi,
        attr: "customPypi",
        word: "pypi",
        attr_prefix: "python3Packages.",
        platforms: "lib.platforms.all",
        add_template: "add/pypi-package.nix",
        default_needs: None,
        summary: "Python packages, added to every Python's package set through pythonPackagesExtensions: `pkgs.python3Packages.NAME`.",
    },
];

impl OverlaySet {
    pub const ALL: [OverlaySet; 3] = [
        OverlaySet::Custom,
        OverlaySet::CustomDarwin,
        OverlaySet::CustomPypi,
    ];

    pub fn row(self) -> &'static OverlayRow {
        &OVERLAYS[self as usize]
    }

    /// The overlay's attribute name in `overlays/default.nix`.
    pub fn attr(self) -> &'static str {
        self.row().attr
    }

    /// The directory that holds its packages: `pkgs/custom`.
    pub fn package_dir(self) -> String {
        format!("{PKGS_DIR}/{}", self.row().word)
    }

    /// Whether `new` chooses it when no overlay is given, for these platforms.
    pub fn default_for(self, platforms: &[Platform]) -> bool {
        self.row()
            .default_needs
            .is_none_or(|needed| platforms.contains(&needed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_in_the_order_of_the_enum() {
        for set in OverlaySet::ALL {
            assert_eq!(set.row().set, set);
        }
    }
}
