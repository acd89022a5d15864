//! One row per platform: every word, directory, output and command that belongs to it.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::dirs::{HOME_DIR, HOSTS_DIR, MODULES_DIR};

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
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// NixOS machines (nixosConfigurations, nixosModules).
    Nixos,
    /// macOS machines with nix-darwin (darwinConfigurations, darwinModules).
    Darwin,
    /// home-manager users (homeConfigurations, homeManagerModules).
    Home,
}

/// What the shape says about one platform.
pub struct PlatformRow {
    pub platform: Platform,
    /// The word in flags, answers and `add-module WORD/…`; also its directory names.
    pub word: &'static str,
    /// What one of its configurations is, for messages: `NixOS machine`.
    pub label: &'static str,
    /// The flake output that exposes its module tree.
    pub module_output: &'static str,
    /// The flake output that holds its configurations.
    pub configurations: &'static str,
    /// The command that switches to one configuration (before `switch --flake .#NAME`).
    pub rebuild: &'static str,
    /// The same for the first switch, before the tool itself is installed.
    pub first_switch: &'static str,
    /// The machine `new` makes when no host is given; `None` for a platform without machines.
    pub default_host: Option<&'static str>,
    /// The end of the systems that run it (`-linux`); `None`: every system.
    pub system_suffix: Option<&'static str>,
    /// A system to suggest when none of the chosen ones runs it.
    pub suggested_system: &'static str,
    /// A setting shown in a new module's comment.
    pub module_example: &'static str,
}

pub const PLATFORMS: [PlatformRow; 3] = [
    PlatformRow {
        platform: Platform::Nixos,
        word: "nixos",
        label: "NixOS machine",
        module_output: "nixosModules",
        configurations: "nixosConfigurations",
        rebuild: "sudo nixos-rebuild",
        first_switch: "sudo nixos-rebuild",
        default_host: Some("nixos"),
        system_suffix: Some("-linux"),
        suggested_system: "x86_64-linux",
        module_example: "services.openssh.enable = true;",
    },
    PlatformRow {
        platform: Platform::Darwin,
        word: "darwin",
        label: "macOS machine",
        module_output: "darwinModules",
        configurations: "darwinConfigurations",
        rebuild: "sudo darwin-rebuild",
        first_switch: "sudo nix run nix-darwin --",
        default_host: Some("mac"),
        system_suffix: Some("-darwin"),
        suggested_system: "aarch64-darwin",
        module_example: "system.defaults.dock.autohide = true;",
    },
    PlatformRow {
        platform: Platform::Home,
        word: "home",
        label: "home",
        module_output: "homeManagerModules",
        configurations: "homeConfigurations",
        rebuild: "home-manager",
        first_switch: "nix run home-manager --",
        default_host: None,
        system_suffix: None,
        suggested_system: "x86_64-linux",
        module_example: "programs.git.enable = true;",
    },
];

impl Platform {
    pub const ALL: [Platform; 3] = [Platform::Nixos, Platform::Darwin, Platform::Home];

    pub fn row(self) -> &'static PlatformRow {
        &PLATFORMS[self as usize]
    }

    pub fn as_str(self) -> &'static str {
        self.row().word
    }

    pub fn parse(text: &str) -> Option<Platform> {
        Platform::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// Whether a system string (e.g. `aarch64-darwin`) can run this platform's configurations.
    pub fn runs_on(self, system: &str) -> bool {
        self.row()
            .system_suffix
            .is_none_or(|suffix| system.ends_with(suffix))
    }

    /// Whether it has machines (`hosts/<platform>/NAME`), not users.
    pub fn has_machines(self) -> bool {
        self.row().default_host.is_some()
    }

    /// The directory of its module tree: `modules/nixos`.
    pub fn module_root(self) -> String {
        format!("{MODULES_DIR}/{}", self.as_str())
    }

    /// The directory of its configurations: `hosts/nixos`, or `home` for home-manager users.
    pub fn config_root(self) -> String {
        if self.has_machines() {
            format!("{HOSTS_DIR}/{}", self.as_str())
        } else {
            HOME_DIR.to_string()
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_in_the_order_of_the_enum() {
        for platform in Platform::ALL {
            assert_eq!(platform.row().platform, platform);
        }
    }
}
