//! The recommended shape, as data, and its one owner: which directories and files make a
//! repository, what each is for (its [`Role`]), which template renders it, whether `check` requires
//! it, and whether the tool keeps owning it. `new` renders it (`generate.rs`), `add-*` extends it
//! ([`growth`]), `check` compares a repository against it ([`expected`]).
//!
//! A directory of the shape is named once, in the constants below; the platform and overlay tables
//! ([`platform`], [`overlay`]) name their words once; every path is built from those.

pub mod auto_import;
pub mod choices;
pub mod dirs;
pub mod expected;
pub mod growth;
pub mod namespace;
pub mod overlay;
pub mod platform;

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

pub use self::auto_import::Backend;
pub use self::dirs::*;
pub use self::overlay::OverlaySet;
pub use self::platform::Platform;
use crate::answers::Answers;

/// The template every auto-imported directory's `default.nix` is rendered from (scanPaths).
pub const AUTO_IMPORT_TEMPLATE: &str = "auto-import.nix";
/// The template of the README in each module tree that import-tree loads.
pub const IMPORT_TREE_README: &str = "modules/import-tree.md";

/// Who owns a file once it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ownership {
    /// The tool: `check` reports any difference from what the template renders.
    Managed,
    /// The user: a starting point that is theirs to change; `check` only wants it to exist.
    Starter,
}

/// What a part is for in the shape: what the rest of the tool asks the shape about. Its serialized
/// form (`flake`, `{ module-tree: nixos }`) is what a stored version's shape records (`history`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// `flake.nix`: inputs and the flake-parts entry point.
    Flake,
    /// `lib/default.nix`: the scanPaths helper.
    Lib,
    /// The `default.nix` that auto-imports the flake-parts modules.
    AutoImport,
    /// One flake-parts module.
    FlakeModule,
    /// The nixpkgs config.
    NixpkgsConfig,
    /// The one file that exposes every module tree as a flake output.
    Registry,
    /// The `default.nix` of a platform's module tree, which auto-imports it.
    ModuleTree(Platform),
    /// The overlays.
    Overlays,
    /// An overlay set's package directory (its README is the part).
    PackageDir(OverlaySet),
    /// One machine's directory.
    HostDir(Platform),
    /// A NixOS machine's `hardware-configuration.nix`, a placeholder until the machine's own.
    HostHardware(Platform),
    /// The CI workflow.
    Workflow,
    /// One home-manager user's directory.
    UserDir,
    /// Documentation and tool files: README, `.gitignore`.
    Other,
}

impl Role {
    /// Whether a repository with these answers has this part.
    pub fn applies(self, answers: &Answers) -> bool {
        match self {
            Role::ModuleTree(platform) | Role::HostDir(platform) | Role::HostHardware(platform) => {
                answers.has(platform)
            }
            Role::Workflow => answers.ci == choices::Ci::Github,
            Role::UserDir => answers.has(Platform::Home),
            Role::PackageDir(set) => answers.has_overlay(set),
            Role::Overlays => !answers.overlays.is_empty(),
            _ => true,
        }
    }

    /// The machine platform of a part in each machine's directory.
    pub fn host_platform(self) -> Option<Platform> {
        match self {
            Role::HostDir(platform) | Role::HostHardware(platform) => Some(platform),
            _ => None,
        }
    }

    /// The skeleton: the parts every repository in the shape has, whatever made it, so `check`
    /// asks for them even when it had to infer the shape (when required).
    pub fn is_skeleton(self) -> bool {
        matches!(
            self,
            Role::Flake | Role::Lib | Role::Registry | Role::ModuleTree(_) | Role::Overlays
        )
    }
}

/// The per-entry part of a path: one directory per host or per user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Slot {
    Host,
    User,
}

/// Where a part goes: `dir/file`, or `dir/NAME/file` with a slot for each host or user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathPattern {
    /// The directory, relative to the repository (`""` at the top).
    pub dir: String,
    pub slot: Option<Slot>,
    pub file: &'static str,
}

impl PathPattern {
    fn at(dir: impl Into<String>, file: &'static str) -> PathPattern {
        PathPattern {
            dir: dir.into(),
            slot: None,
            file,
        }
    }

    fn each(dir: impl Into<String>, slot: Slot, file: &'static str) -> PathPattern {
        PathPattern {
            dir: dir.into(),
            slot: Some(slot),
            file,
        }
    }

    /// The path for one entry (`name` fills the slot; ignored without one).
    pub fn render(&self, name: Option<&str>) -> String {
        let mut path = self.dir.clone();
        for segment in self.slot.and(name).into_iter().chain([self.file]) {
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(segment);
        }
        path
    }

    /// Whether `path` is this pattern's path for some entry.
    pub fn matches(&self, path: &str) -> bool {
        let rest = if self.dir.is_empty() {
            Some(path)
        } else {
            path.strip_prefix(&self.dir)
                .and_then(|rest| rest.strip_prefix('/'))
        };
        let Some(rest) = rest else {
            return false;
        };
        match self.slot {
            None => rest == self.file,
            Some(_) => rest
                .split_once('/')
                .is_some_and(|(name, file)| !name.is_empty() && file == self.file),
        }
    }
}

pub struct Part {
    pub path: PathPattern,
    /// The template under `templates/` that renders its contents.
    pub template: &'static str,
    pub role: Role,
    pub ownership: Ownership,
    /// Whether `check` reports it when it is missing.
    pub required: bool,
    /// What the part is for, in a few words: shown by `check` when it is missing.
    pub purpose: &'static str,
    /// The auto-import backend a repository needs to have this part; `None`: either.
    pub backend: Option<Backend>,
}

/// The shape of a repository made by `new`, in the order files are written.
pub fn parts() -> &'static [Part] {
    static PARTS: OnceLock<Vec<Part>> = OnceLock::new();
    PARTS.get_or_init(build_parts)
}

impl Part {
    fn new(
        path: PathPattern,
        template: &'static str,
        role: Role,
        ownership: Ownership,
        required: bool,
        purpose: &'static str,
    ) -> Part {
        Part {
            path,
            template,
            role,
            ownership,
            required,
            purpose,
            backend: None,
        }
    }

    /// The same part, only in repositories with this auto-import backend.
    fn only(self, backend: Backend) -> Part {
        Part {
            backend: Some(backend),
            ..self
        }
    }

    /// Whether a repository with these answers has this part.
    pub fn applies(&self, answers: &Answers) -> bool {
        self.role.applies(answers) && self.with_backend(answers.auto_import)
    }

    /// Whether the part belongs to a repository with this auto-import backend.
    pub fn with_backend(&self, backend: Backend) -> bool {
        self.backend.is_none_or(|only| only == backend)
    }

    /// A flake-parts module under `flake/`: required when the tool manages it.
    fn flake_module(
        file: &'static str,
        template: &'static str,
        ownership: Ownership,
        purpose: &'static str,
    ) -> Part {
        let path = PathPattern::at(FLAKE_DIR, file);
        let required = ownership == Ownership::Managed;
        Part::new(
            path,
            template,
            Role::FlakeModule,
            ownership,
            required,
            purpose,
        )
    }
}

fn build_parts() -> Vec<Part> {
    let mut parts = top_parts();
    parts.extend(tree_parts());
    parts.extend(entry_parts());
    parts
}

/// The parts every repository has once: the flake, its lib, its flake-parts modules, the registry.
fn top_parts() -> Vec<Part> {
    use Ownership::{Managed, Starter};
    let part = Part::new;
    let flake = Part::flake_module;
    vec![
        part(
            PathPattern::at("", "flake.nix"),
            "flake.nix",
            Role::Flake,
            Starter,
            true,
            "inputs, binary caches and the flake-parts entry point",
        ),
        part(
            PathPattern::at(LIB_DIR, "default.nix"),
            "lib/default.nix",
            Role::Lib,
            Managed,
            true,
            "this flake's own library as lib.custom (with scanPaths: the helper)",
        ),
        part(
            PathPattern::at(FLAKE_DIR, "default.nix"),
            AUTO_IMPORT_TEMPLATE,
            Role::AutoImport,
            Managed,
            true,
            "auto-imports the flake-parts modules",
        )
        .only(Backend::Scanpaths),
        flake(
            "systems.nix",
            "flake/systems.nix",
            Starter,
            "the systems perSystem outputs are built for",
        ),
        flake(
            "pkgs.nix",
            "flake/pkgs.nix",
            Managed,
            "the non-memoized pkgs with this flake's overlays and config",
        ),
        flake(
            "overlays.nix",
            "flake/overlays.nix",
            Managed,
            "exposes the overlays as flake outputs",
        ),
        flake(
            "lib.nix",
            "flake/lib.nix",
            Managed,
            "exposes lib.custom as the flake output `lib`",
        ),
        flake(
            "configurations.nix",
            "flake/configurations.nix",
            Starter,
            "machines and users, discovered from hosts/ and home/",
        ),
        flake(
            "formatter.nix",
            "flake/formatter.nix",
            Starter,
            "`nix fmt` in the official Nix style",
        ),
        flake(
            "devshell.nix",
            "flake/devshell.nix",
            Starter,
            "`nix develop` with the Nix tooling",
        ),
        flake(
            "checks.nix",
            "flake/checks.nix",
            Starter,
            "`nix flake check` for formatting",
        ),
        part(
            PathPattern::at("", "nixpkgs-config.nix"),
            "nixpkgs-config.nix",
            Role::NixpkgsConfig,
            Starter,
            false,
            "the nixpkgs config shared by pkgs and every machine",
        ),
        part(
            PathPattern::at(MODULES_DIR, "default.nix"),
            "modules/default.nix",
            Role::Registry,
            Managed,
            true,
            "the central registry of module outputs",
        ),
    ]
}

/// One module tree per platform, the overlays, one package directory per overlay set.
fn tree_parts() -> Vec<Part> {
    use Ownership::{Managed, Starter};
    let part = Part::new;
    let mut parts = Vec::new();
    for platform in Platform::ALL {
        parts.push(
            part(
                PathPattern::at(platform.module_root(), "default.nix"),
                AUTO_IMPORT_TEMPLATE,
                Role::ModuleTree(platform),
                Managed,
                true,
                "auto-imports the platform's modules",
            )
            .only(Backend::Scanpaths),
        );
        // import-tree loads the tree from the registry; the README keeps the directory in git.
        parts.push(
            part(
                PathPattern::at(platform.module_root(), "README.md"),
                IMPORT_TREE_README,
                Role::ModuleTree(platform),
                Starter,
                false,
                "says how import-tree loads the platform's modules",
            )
            .only(Backend::ImportTree),
        );
    }
    parts.push(part(
        PathPattern::at(OVERLAYS_DIR, "default.nix"),
        "overlays/default.nix",
        Role::Overlays,
        Starter,
        true,
        "the per-platform overlays",
    ));
    for set in OverlaySet::ALL {
        parts.push(part(
            PathPattern::at(set.package_dir(), "README.md"),
            "pkgs/README.md",
            Role::PackageDir(set),
            Starter,
            false,
            "the package directory of an overlay",
        ));
    }
    parts
}

/// One directory per machine and per user; the repository's README and `.gitignore`.
fn entry_parts() -> Vec<Part> {
    use Ownership::Starter;
    let part = Part::new;
    let mut parts = Vec::new();
    for platform in Platform::ALL.into_iter().filter(|p| p.has_machines()) {
        let (template, purpose) = match platform {
            Platform::Darwin => ("hosts/darwin.nix", "a nix-darwin machine"),
            _ => ("hosts/nixos.nix", "a NixOS machine"),
        };
        parts.push(part(
            PathPattern::each(platform.config_root(), Slot::Host, "default.nix"),
            template,
            Role::HostDir(platform),
            Starter,
            false,
            purpose,
        ));
        if platform == Platform::Nixos {
            parts.push(part(
                PathPattern::each(
                    platform.config_root(),
                    Slot::Host,
                    "hardware-configuration.nix",
                ),
                "hosts/hardware-configuration.nix",
                Role::HostHardware(platform),
                Starter,
                false,
                "the machine's hardware, from nixos-generate-config",
            ));
        }
    }
    parts.push(part(
        PathPattern::each(Platform::Home.config_root(), Slot::User, "default.nix"),
        "home/user.nix",
        Role::UserDir,
        Starter,
        false,
        "a home-manager user",
    ));
    parts.push(part(
        PathPattern::at(WORKFLOWS_DIR, "check.yml"),
        "workflows/check.yml",
        Role::Workflow,
        Starter,
        false,
        "CI: nix flake check and nixscaffold check on every push",
    ));
    parts.push(part(
        PathPattern::at("", ".gitignore"),
        "gitignore",
        Role::Other,
        Starter,
        false,
        "keeps build results out of git",
    ));
    parts.push(part(
        PathPattern::at("", "README.md"),
        "README.md",
        Role::Other,
        Starter,
        false,
        "explains the repository's shape",
    ));
    parts
}

/// The part with this role (the first, for roles several parts share).
pub fn part(role: Role) -> Option<&'static Part> {
    parts().iter().find(|part| part.role == role)
}

/// The part with this role in a repository with this auto-import backend.
pub fn part_for(role: Role, backend: Backend) -> Option<&'static Part> {
    parts()
        .iter()
        .find(|part| part.role == role && part.with_backend(backend))
}

/// The directory that holds the entries or files of the part with this role: `modules/nixos` for
/// a module tree, `hosts/nixos` for machines, `pkgs/custom` for a package set.
pub fn root(role: Role) -> String {
    part(role)
        .map(|part| part.path.dir.clone())
        .unwrap_or_default()
}

/// The path of the part with this role, for a part without a slot: `modules/default.nix`.
pub fn path_of(role: Role) -> String {
    part(role)
        .map(|part| part.path.render(None))
        .unwrap_or_default()
}

/// What a path of the shape is for, from its part.
pub fn purpose(path: &str) -> &'static str {
    parts()
        .iter()
        .find(|part| part.path.matches(path))
        .map_or("part of the recommended shape", |part| part.purpose)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_render_and_match_their_paths() {
        let host = PathPattern::each("hosts/nixos", Slot::Host, "default.nix");
        assert_eq!(host.render(Some("a")), "hosts/nixos/a/default.nix");
        assert!(host.matches("hosts/nixos/a/default.nix"));
        assert!(!host.matches("hosts/nixos/default.nix"));
        assert!(!host.matches("hosts/nixos/a/b/default.nix"));
        let top = PathPattern::at("", "flake.nix");
        assert_eq!(top.render(None), "flake.nix");
        assert!(top.matches("flake.nix") && !top.matches("x/flake.nix"));
    }

    #[test]
    fn every_role_that_grows_has_a_root_in_its_directory() {
        assert_eq!(root(Role::ModuleTree(Platform::Home)), "modules/home");
        assert_eq!(root(Role::HostDir(Platform::Darwin)), "hosts/darwin");
        assert_eq!(root(Role::UserDir), "home");
        assert_eq!(root(Role::PackageDir(OverlaySet::CustomPypi)), "pkgs/pypi");
        assert_eq!(
            purpose("hosts/darwin/mbp/default.nix"),
            "a nix-darwin machine"
        );
        assert_eq!(
            purpose("modules/default.nix"),
            "the central registry of module outputs"
        );
    }
}
