//! Questions for what the user did not answer with flags or `--config`. Asked only on a terminal
//! and without `--yes`, so scripts and CI never block on a prompt.

use std::io::IsTerminal;

use dialoguer::{Input, MultiSelect};

use crate::answers::{
    default_overlays, AnswersFile, OverlaySet, Platform, DEFAULT_CACHE, DEFAULT_USER,
};
use crate::error::{Error, Result};
use crate::presets::cache_presets;

/// Whether we may ask: standard input and error are both terminals.
pub fn can_ask() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

fn prompt_error(e: dialoguer::Error) -> Error {
    Error::usage(format!(
        "the prompt was interrupted ({e}); nothing was written. Use --yes to take the defaults"
    ))
}

/// Asks for each unanswered question, leaving answered ones alone.
pub fn ask_missing(file: &mut AnswersFile, dir_name: &str) -> Result<()> {
    if file.name.is_none() {
        let name: String = Input::new()
            .with_prompt("Repository name")
            .default(dir_name.to_string())
            .interact_text()
            .map_err(prompt_error)?;
        file.name = Some(name);
    }
    if file.platforms.is_none() {
        let labels = [
            "nixos (NixOS machines)",
            "darwin (macOS with nix-darwin)",
            "home (home-manager users)",
        ];
        let chosen = MultiSelect::new()
            .with_prompt("Platforms (space to toggle, enter to accept)")
            .items(labels)
            .defaults(&[true, true, true])
            .interact()
            .map_err(prompt_error)?;
        file.platforms = Some(chosen.into_iter().map(|i| Platform::ALL[i]).collect());
    }
    let platforms = file.platforms.clone().unwrap_or_default();
    if file.hosts.is_none() {
        let mut hosts = Vec::new();
        for platform in &platforms {
            if let Some(default) = platform.row().default_host {
                let names: String = Input::new()
                    .with_prompt(format!("{platform} machines (names separated by spaces)"))
                    .default(default.to_string())
                    .allow_empty(true)
                    .interact_text()
                    .map_err(prompt_error)?;
                hosts.extend(names.split_whitespace().map(|n| format!("{platform}/{n}")));
            }
        }
        file.hosts = Some(hosts);
    }
    if file.users.is_none() && platforms.contains(&Platform::Home) {
        let default = std::env::var("USER").unwrap_or_else(|_| DEFAULT_USER.into());
        let names: String = Input::new()
            .with_prompt("home-manager users (names separated by spaces)")
            .default(default)
            .allow_empty(true)
            .interact_text()
            .map_err(prompt_error)?;
        file.users = Some(names.split_whitespace().map(String::from).collect());
    }
    if file.caches.is_none() {
        let labels: Vec<String> = cache_presets()
            .iter()
            .map(|c| format!("{} ({})", c.name, c.url))
            .collect();
        let defaults: Vec<bool> = cache_presets()
            .iter()
            .map(|c| c.name == DEFAULT_CACHE)
            .collect();
        let chosen = MultiSelect::new()
            .with_prompt("Binary caches")
            .items(&labels)
            .defaults(&defaults)
            .interact()
            .map_err(prompt_error)?;
        file.caches = Some(
            chosen
                .into_iter()
                .map(|i| cache_presets()[i].name.to_string())
                .collect(),
        );
    }
    if file.overlays.is_none() {
        let sets: Vec<OverlaySet> = default_overlays(&platforms);
        let labels: Vec<&str> = sets.iter().map(|s| s.attr()).collect();
        let chosen = MultiSelect::new()
            .with_prompt("Overlays")
            .items(&labels)
            .defaults(&vec![true; sets.len()])
            .interact()
            .map_err(prompt_error)?;
        file.overlays = Some(chosen.into_iter().map(|i| sets[i]).collect());
    }
    Ok(())
}
