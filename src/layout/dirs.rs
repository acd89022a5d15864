//! The directories of the shape, each named once: every path of the shape is built from these.

/// The flake-parts modules, auto-imported.
pub const FLAKE_DIR: &str = "flake";
/// The project's own library (scanPaths).
pub const LIB_DIR: &str = "lib";
/// The central registry and one module tree per platform below it.
pub const MODULES_DIR: &str = "modules";
/// The overlays.
pub const OVERLAYS_DIR: &str = "overlays";
/// One package directory per overlay set.
pub const PKGS_DIR: &str = "pkgs";
/// One directory per machine platform, one per machine below it.
pub const HOSTS_DIR: &str = "hosts";
/// One directory per home-manager user.
pub const HOME_DIR: &str = "home";
/// GitHub Actions workflows.
pub const WORKFLOWS_DIR: &str = ".github/workflows";
