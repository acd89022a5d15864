//! The answers that choose how a repository runs rather than what it holds: the release its
//! machines were installed with, how home-manager is used, the CI workflow and the linters that
//! `nix flake check` runs. Each word is named once here; the answers file and the flags use them.

use serde::{Deserialize, Serialize};

/// The NixOS and home-manager release `new` records when none is given: the one the generated
/// flake follows today.
pub const DEFAULT_STATE_VERSION: &str = "26.11";
/// nix-darwin's own `system.stateVersion` for a machine first set up today (its maxStateVersion).
pub const DARWIN_STATE_VERSION: u32 = 7;

/// Checks a NixOS / home-manager release: `YY.05` or `YY.11`.
pub fn check_release(text: &str) -> Result<(), String> {
    let valid = text.split_once('.').is_some_and(|(year, month)| {
        year.len() == 2 && year.bytes().all(|b| b.is_ascii_digit()) && matches!(month, "05" | "11")
    });
    if valid {
        Ok(())
    } else {
        Err(format!(
            "state version `{text}` is not a NixOS release such as 24.05 or {DEFAULT_STATE_VERSION}: give the \
             release this machine (or home) was first installed with (`nixos-version` shows it)"
        ))
    }
}

/// Checks nix-darwin's state version: a whole number from 1 to today's newest.
pub fn check_darwin_state_version(text: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(n) if (1..=DARWIN_STATE_VERSION).contains(&n) => Ok(n),
        _ => Err(format!(
            "state version `{text}` is not a nix-darwin state version: a number from 1 to \
             {DARWIN_STATE_VERSION} (`darwin-version --json` or the machine's old configuration shows it)"
        )),
    }
}

/// How home-manager configurations are used.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    clap::ValueEnum,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum HomeManager {
    /// `homeConfigurations.USER`, switched with `home-manager switch`.
    #[default]
    Standalone,
    /// Inside every NixOS and nix-darwin machine: `home-manager.users.USER`.
    Module,
    /// Both.
    Both,
}

impl HomeManager {
    pub fn standalone(self) -> bool {
        matches!(self, HomeManager::Standalone | HomeManager::Both)
    }

    pub fn module(self) -> bool {
        matches!(self, HomeManager::Module | HomeManager::Both)
    }
}

/// The CI workflow `new` writes.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    clap::ValueEnum,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Ci {
    /// `.github/workflows/check.yml`.
    #[default]
    Github,
    /// No workflow.
    None,
}

/// A linter `nix flake check` runs over the repository.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    clap::ValueEnum,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Lint {
    /// Unused bindings and arguments.
    Deadnix,
    /// Anti-patterns.
    Statix,
}

impl Lint {
    pub fn as_str(self) -> &'static str {
        match self {
            Lint::Deadnix => "deadnix",
            Lint::Statix => "statix",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_and_darwin_versions_are_checked() {
        for ok in ["24.05", "26.11", "19.11"] {
            assert_eq!(check_release(ok), Ok(()), "{ok}");
        }
        for bad in ["26.10", "2611", "26.1", "x.05", "", "26.11.1"] {
            assert!(check_release(bad).is_err(), "{bad}");
        }
        assert_eq!(check_darwin_state_version("5"), Ok(5));
        assert!(check_darwin_state_version("0").is_err());
        assert!(check_darwin_state_version("26.11").is_err());
    }
}
