//! The option namespace of generated modules (`options.NAMESPACE.PATH.enable`): which words it may
//! not be, and the safe word used instead. The words are data, with their sources, in
//! `data/top-level-options.txt`.

use std::sync::OnceLock;

/// The namespace used when the repository's name would make an unsafe one.
pub const SAFE_NAMESPACE: &str = "my";

const TOP_LEVEL_OPTIONS: &str = include_str!("../../data/top-level-options.txt");

/// The top-level option names of NixOS, nix-darwin, home-manager and the module system.
pub fn top_level_options() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        TOP_LEVEL_OPTIONS
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .collect()
    })
}

/// Why `namespace` cannot be the option namespace, when it cannot: it is a top-level option (or
/// section) of a module system the modules are imported into.
pub fn collision(namespace: &str) -> Option<String> {
    if !top_level_options().contains(&namespace) {
        return None;
    }
    let why = match namespace {
        "config" | "options" | "imports" | "_module" | "_file" | "key" | "disabledModules"
        | "freeformType" | "meta" | "lib" => format!(
            "`{namespace}` is a section of every module, so `{namespace}.NAME.enable = true;` \
             would not set the module's option"
        ),
        _ => format!(
            "`{namespace}` is a top-level option of NixOS, nix-darwin or home-manager \
             (`{namespace}.…`), so the modules' options would collide with theirs"
        ),
    };
    Some(format!(
        "{why}; choose another word, e.g. --namespace {SAFE_NAMESPACE}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_words_of_the_issue_collide_and_ordinary_ones_do_not() {
        for word in [
            "config",
            "nix",
            "system",
            "home",
            "services",
            "programs",
            "boot",
            "users",
            "networking",
            "environment",
            "hardware",
            "security",
            "fonts",
            "xdg",
            "launchd",
            "homebrew",
            "options",
        ] {
            assert!(collision(word).is_some(), "{word}");
        }
        for word in ["my", "dotfiles", "nix-config", "alice", SAFE_NAMESPACE] {
            assert_eq!(collision(word), None, "{word}");
        }
        assert!(collision("config")
            .unwrap()
            .contains("section of every module"));
    }

    #[test]
    fn the_data_file_has_each_word_once() {
        let names = top_level_options();
        let mut unique = names.to_vec();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len());
    }
}
