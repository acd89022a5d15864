//! The recommended shape, as data: which paths make a repository, which template renders each, and
//! whether the tool keeps owning the file afterwards. `new` renders it, `add-*` extends it, `check`
//! compares a repository against it.

use crate::answers::{OverlaySet, Platform};

/// How many times a part is rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Each {
    /// Once per repository.
    Once,
    /// Once per chosen platform: the module trees.
    Platform,
    /// Once per host of this platform.
    Host(Platform),
    /// Once per home-manager user.
    User,
    /// Once per chosen overlay set.
    Overlay,
}

/// Whether a part belongs to the repository at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    Always,
    Platform(Platform),
    AnyOverlay,
}

/// Who owns a file once it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ownership {
    /// The tool: `check` reports any difference from what the template renders.
    Managed,
    /// The user: a starting point that is theirs to change; `check` only wants it to exist.
    Starter,
}

pub struct Part {
    /// Where the file goes, relative to the repository; a template itself (`{{host.name}}`).
    pub path: &'static str,
    /// The template under `templates/` that renders its contents.
    pub template: &'static str,
    pub each: Each,
    pub when: When,
    pub ownership: Ownership,
    /// What the part is for, in a few words: shown by `check` when it is missing.
    pub purpose: &'static str,
}

/// The template every auto-imported directory's `default.nix` is rendered from.
pub const AUTO_IMPORT_TEMPLATE: &str = "auto-import.nix";

/// The shape of a repository made by `new`, in the order files are written.
pub const PARTS: &[Part] = &[
    Part {
        path: "flake.nix",
        template: "flake.nix",
        each: Each::Once,
        when: When::Always,
        ownership: Ownership::Starter,
        purpose: "inputs, binary caches and the flake-parts entry point",
    },
    Part {
        path: "lib/default.nix",
        template: "lib/default.nix",
        each: Each::Once,
        when: When::Always,
        ownership: Ownership::Managed,
        purpose: "the scanPaths helper, reachable as lib.custom.scanPaths",
    },
    Part {
        path: "flake/default.nix",
        template: AUTO_IMPORT_TEMPLATE,
        each: Each::Once,
        when: When::Always,
        ownership: Ownership::Managed,
        purpose: "auto-imports the flake-parts modules",
    },
    Part {
        path: "flake/systems.nix",
        template: "flake/systems.nix",
        each: Each::Once,
        when: When::Always,
        ownership: Ownership::Starter,
        purpose: "the systems perSystem outputs are built for",
    },
    Part {
        path: "flake/pkgs.nix",
        template: "flake/pkgs.nix",
        each: Each::Once,
        when: When::Always,
        ownership: Ownership::Managed,
        purpose: "the non-memoized pkgs with this flake's overlays and config",
    },
    Part {
        path: "flake/overlays.nix",
        template: "flake/overlays.nix",
        each: Each::Once,
        when: When::Always,
        ownership: Ownership::Managed,
        purpose: "exposes the overlays as flake outputs",
    },
    Part {
        path: "flake/lib.nix",
        template: "flake/lib.nix",
        each: Each::Once,
        when: When::Always,
        ownership: Ownership::Managed,
        purpose: "exposes lib.custom as the flake output `lib`",
    },
    Part {
        path: "flake/configurations.nix",
        template: "flake/configurations.nix",
        each: Each::Once,
        when: When::Always,
        ownership: Ownership::Starter,
        purpose: "machines and users, discovered from hosts/ and home/",
    },
    Part {
        path: "flake/formatter.nix",
        template: "flake/formatter.nix",
        each: Each::Once,
        when: When::Always,
        ownership: Ownership::Starter,
        purpose: "`nix fmt` in the official Nix style",
    },
    Part {
        path: "flake/devshell.nix",
        template: "flake/devshell.nix",
        each: Each::Once,
        when: When::Always,
        ownership: Ownership::Starter,
        purpose: "`nix develop` with the Nix tooling",
    },
    Part {
        path: "flake/checks.nix",
        template: "flake/checks.nix",
        each: Each::Once,
        when: When::Always,
        ownership: Ownership::Starter,
        purpose: "`nix flake check` for formatting",
    },
    Part {
        path: "nixpkgs-config.nix",
        template: "nixpkgs-config.nix",
        each: Each::Once,
        when: When::Always,
        ownership: Ownership::Starter,
        purpose: "the nixpkgs config shared by pkgs and every machine",
    },
    Part {
        path: "modules/default.nix",
        template: "modules/default.nix",
        each: Each::Once,
        when: When::Always,
        ownership: Ownership::Managed,
        purpose: "the central registry of module outputs",
    },
    Part {
        path: "modules/{{platform.name}}/default.nix",
        template: AUTO_IMPORT_TEMPLATE,
        each: Each::Platform,
        when: When::Always,
        ownership: Ownership::Managed,
        purpose: "auto-imports the platform's modules",
    },
    Part {
        path: "overlays/default.nix",
        template: "overlays/default.nix",
        each: Each::Once,
        when: When::AnyOverlay,
        ownership: Ownership::Starter,
        purpose: "the per-platform overlays",
    },
    Part {
        path: "pkgs/{{set.directory}}/README.md",
        template: "pkgs/README.md",
        each: Each::Overlay,
        when: When::Always,
        ownership: Ownership::Starter,
        purpose: "the package directory of an overlay",
    },
    Part {
        path: "hosts/nixos/{{host.name}}/default.nix",
        template: "hosts/nixos.nix",
        each: Each::Host(Platform::Nixos),
        when: When::Platform(Platform::Nixos),
        ownership: Ownership::Starter,
        purpose: "a NixOS machine",
    },
    Part {
        path: "hosts/darwin/{{host.name}}/default.nix",
        template: "hosts/darwin.nix",
        each: Each::Host(Platform::Darwin),
        when: When::Platform(Platform::Darwin),
        ownership: Ownership::Starter,
        purpose: "a nix-darwin machine",
    },
    Part {
        path: "home/{{user.name}}/default.nix",
        template: "home/user.nix",
        each: Each::User,
        when: When::Platform(Platform::Home),
        ownership: Ownership::Starter,
        purpose: "a home-manager user",
    },
    Part {
        path: ".gitignore",
        template: "gitignore",
        each: Each::Once,
        when: When::Always,
        ownership: Ownership::Starter,
        purpose: "keeps build results out of git",
    },
    Part {
        path: "README.md",
        template: "README.md",
        each: Each::Once,
        when: When::Always,
        ownership: Ownership::Starter,
        purpose: "explains the repository's shape",
    },
];

/// What each overlay set's package directory is for, for its README.
pub fn overlay_summary(set: OverlaySet) -> &'static str {
    match set {
        OverlaySet::Custom => "Packages for every platform, added to pkgs by the `custom` overlay.",
        OverlaySet::CustomDarwin => {
            "macOS-only packages. The `customDarwin` overlay adds them on Darwin and nothing elsewhere, so Linux evaluations never see them."
        }
        OverlaySet::CustomPypi => {
            "Python packages, added to every Python's package set through pythonPackagesExtensions: `pkgs.python3Packages.NAME`."
        }
    }
}
