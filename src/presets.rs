//! Binary caches users can name instead of typing URL=KEY. Keys are the caches' published
//! public keys; a substituter without its key is useless and the reverse is a finding of `check`.

pub struct CachePreset {
    pub name: &'static str,
    pub url: &'static str,
    pub key: &'static str,
}

pub const CACHE_PRESETS: &[CachePreset] = &[
    CachePreset {
        name: "nix-community",
        url: "https://nix-community.cachix.org",
        key: "nix-community.cachix.org-1:mB9FSh9qf2dCimDSUo8Zy7bkq5CX+/rkCWyvRCYg3Fs=",
    },
    CachePreset {
        name: "numtide",
        url: "https://cache.numtide.com",
        key: "niks3.numtide.com-1:DTx8wZduET09hRmMtKdQDxNNthLQETkc/yaX7M4qK0g=",
    },
    CachePreset {
        name: "lix",
        url: "https://cache.lix.systems",
        key: "cache.lix.systems:aBnZUw8zA7H35Cz2RyKFVs3H4PlGTLawyY5KRbvJR8o=",
    },
    CachePreset {
        name: "yazi",
        url: "https://yazi.cachix.org",
        key: "yazi.cachix.org-1:Dcdz63NZKfvUCbDGngQDAZq6kOroIrFoyO064uvLh8k=",
    },
    CachePreset {
        name: "wezterm",
        url: "https://wezterm.cachix.org",
        key: "wezterm.cachix.org-1:kAbhjYUC9qvblTE+s7S+kl5XM1zVa4skO+E/1IDWdH0=",
    },
    CachePreset {
        name: "hyprland",
        url: "https://hyprland.cachix.org",
        key: "hyprland.cachix.org-1:a7pgxzMz7+chwVL3/pzj6jIBMioiJM7ypFP8PwtkuGc=",
    },
    CachePreset {
        name: "garnix",
        url: "https://cache.garnix.io",
        key: "cache.garnix.io:CTFPyKSLcx5RMJKfLo5EEPUObbA78b0YQ2DTCJXqr9g=",
    },
    CachePreset {
        name: "devenv",
        url: "https://devenv.cachix.org",
        key: "devenv.cachix.org-1:w1cLUi8dv3hnoSPGAuibQv+f9TZLr6cv/Hm9XgU50cw=",
    },
];

pub fn cache_preset(name: &str) -> Option<&'static CachePreset> {
    CACHE_PRESETS.iter().find(|preset| preset.name == name)
}

pub fn cache_preset_names() -> String {
    CACHE_PRESETS
        .iter()
        .map(|preset| preset.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The systems we know how to name; anything else is most likely a typo.
pub const KNOWN_SYSTEMS: &[&str] = &[
    "x86_64-linux",
    "aarch64-linux",
    "aarch64-darwin",
    "x86_64-darwin",
    "riscv64-linux",
    "i686-linux",
    "armv7l-linux",
];
