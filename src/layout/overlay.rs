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

const WELL_KNOWN: &str = include_str!("../../data/well-known-packages.txt");

/// The names in one section (`[pkgs]`, `[python]`) of `data/well-known-packages.txt`.
fn well_known(section: &str) -> impl Iterator<Item = &'static str> + '_ {
    let header = format!("[{section}]");
    WELL_KNOWN
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .skip_while(move |line| *line != header)
        .skip(1)
        .take_while(|line| !line.starts_with('['))
}

impl OverlaySet {
    /// Whether a package of this set named `name` would replace a well-known nixpkgs attribute
    /// (`pkgs.hello`, `python3Packages.requests`): the attribute it shadows, when it does.
    pub fn shadows(self, name: &str) -> Option<String> {
        let (section, prefix) = match self {
            OverlaySet::CustomPypi => ("python", "python3Packages."),
            _ => ("pkgs", ""),
        };
        well_known(section)
            .any(|known| known == name)
            .then(|| format!("pkgs.{prefix}{name}"))
    }
}

#[cfg(test)]
mod shadow_tests {
    use super::OverlaySet;

    #[test]
    fn well_known_names_are_shadowed_in_their_own_set_only() {
        assert_eq!(
            OverlaySet::Custom.shadows("hello").as_deref(),
            Some("pkgs.hello")
        );
        assert_eq!(
            OverlaySet::CustomPypi.shadows("requests").as_deref(),
            Some("pkgs.python3Packages.requests")
        );
        assert_eq!(OverlaySet::CustomPypi.shadows("hello"), None);
        assert_eq!(OverlaySet::Custom.shadows("requests"), None);
        assert_eq!(OverlaySet::Custom.shadows("my-hello"), None);
        assert!(OverlaySet::CustomDarwin.shadows("git").is_some());
    }
}
