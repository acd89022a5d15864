//! The answers that shape a repository: what `new` asks, what `.nixscaffold.yaml` records, what
//! `add-*` and `check` read back. The file format mirrors the flags of `new`, so a recorded file can
//! be fed to `new --config` again.

pub mod check_section;
pub mod layout;
pub mod record;

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::names::{check_attr_name, check_host_name};
use crate::presets::{cache_preset, cache_preset_names, KNOWN_SYSTEMS};
use crate::render::Renderer;
pub use crate::text::read_text;

use self::check_section::CheckSection;
pub use self::layout::LayoutAnswers;

/// The file at a repository's root that records its answers.
pub const ANSWERS_FILE: &str = ".nixscaffold.yaml";

pub use crate::layout::auto_import::Backend;
pub use crate::layout::choices::{Ci, HomeManager, Lint};
pub use crate::layout::overlay::OverlaySet;
pub use crate::layout::platform::Platform;

/// A machine: `hosts/<platform>/<name>/`, built for `system`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Host {
    pub platform: Platform,
    pub name: String,
    pub system: Option<String>,
}

impl Host {
    /// Parses `nixos/NAME` or `nixos/NAME@SYSTEM`.
    pub fn parse(text: &str) -> std::result::Result<Host, String> {
        let (platform, rest) = text.split_once('/').ok_or_else(|| {
            format!("`{text}` is not PLATFORM/NAME, e.g. nixos/laptop or darwin/mac")
        })?;
        let platform = match Platform::parse(platform) {
            Some(p @ (Platform::Nixos | Platform::Darwin)) => p,
            _ => {
                return Err(format!(
                "`{platform}` in `{text}` is not a machine platform: use nixos/NAME or darwin/NAME"
            ))
            }
        };
        let (name, system) = match rest.split_once('@') {
            Some((name, system)) => (name, Some(system.to_string())),
            None => (rest, None),
        };
        check_host_name(name)
            .map_err(|why| format!("`{name}` in `{text}` is not a valid host name: {why}"))?;
        if let Some(system) = &system {
            check_system(system)?;
            if !platform.runs_on(system) {
                return Err(format!(
                    "host `{text}`: {platform} does not run on {system}"
                ));
            }
        }
        Ok(Host {
            platform,
            name: name.to_string(),
            system,
        })
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.platform, self.name)?;
        if let Some(system) = &self.system {
            write!(f, "@{system}")?;
        }
        Ok(())
    }
}

/// A binary cache: a substituter and the public key that signs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cache {
    /// The preset's name, when it came from one.
    pub preset: Option<String>,
    pub url: String,
    pub key: String,
}

impl Cache {
    /// Parses a preset name (`nix-community`) or `URL=KEY`.
    pub fn parse(text: &str) -> std::result::Result<Cache, String> {
        if let Some(preset) = cache_preset(text) {
            return Ok(Cache {
                preset: Some(preset.name.to_string()),
                url: preset.url.to_string(),
                key: preset.key.to_string(),
            });
        }
        let Some((url, key)) = text.split_once('=') else {
            return Err(format!(
                "`{text}` is neither a known cache ({}) nor URL=KEY",
                cache_preset_names()
            ));
        };
        if !(url.starts_with("https://") || url.starts_with("http://") || url.starts_with("s3://"))
        {
            return Err(format!(
                "cache `{text}`: the URL must start with https://, http:// or s3://"
            ));
        }
        let well_formed_key = key
            .split_once(':')
            .is_some_and(|(name, secret)| !name.is_empty() && secret.len() >= 40);
        if !well_formed_key || key.contains(['"', '\\', '$', ' ']) {
            return Err(format!(
                "cache `{text}`: the key must look like NAME:BASE64 (as `nix key convert-secret-to-public` prints it)"
            ));
        }
        if url.contains(['"', '\\', '$', ' ']) {
            return Err(format!(
                "cache `{text}`: the URL contains a character Nix strings would misread"
            ));
        }
        Ok(Cache {
            preset: None,
            url: url.to_string(),
            key: key.to_string(),
        })
    }
}

impl fmt::Display for Cache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.preset {
            Some(name) => f.write_str(name),
            None => write!(f, "{}={}", self.url, self.key),
        }
    }
}

pub fn check_system(system: &str) -> std::result::Result<(), String> {
    if KNOWN_SYSTEMS.contains(&system) {
        Ok(())
    } else {
        Err(format!(
            "`{system}` is not a system nixscaffold knows; use one of {}",
            KNOWN_SYSTEMS.join(", ")
        ))
    }
}

/// The complete answers for one repository, every default filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answers {
    pub name: String,
    pub description: String,
    pub platforms: Vec<Platform>,
    pub systems: Vec<String>,
    pub hosts: Vec<Host>,
    pub users: Vec<String>,
    pub caches: Vec<Cache>,
    pub overlays: Vec<OverlaySet>,
    /// The option namespace of generated modules: `options.<namespace>.<path>.enable`.
    pub namespace: String,
    /// How module trees are auto-imported.
    pub auto_import: Backend,
    /// Where an adopted repository keeps its parts (`nixscaffold adopt`); `None`: the shape's places.
    pub layout: Option<Box<LayoutAnswers>>,
    /// The folder whose templates replace the built-in ones (`new --template`), absolute.
    pub templates: Option<PathBuf>,
    /// The NixOS and home-manager release the machines and homes were first installed with: their
    /// `stateVersion`. Set once, never bumped.
    pub state_version: String,
    /// How home-manager configurations are used: standalone, inside the machines, or both.
    pub home_manager: HomeManager,
    /// The machines' account: a normal user in wheel on NixOS, `system.primaryUser` on darwin.
    pub account: String,
    /// The CI workflow.
    pub ci: Ci,
    /// The linters `nix flake check` runs.
    pub lint: Vec<Lint>,
}

impl Answers {
    pub fn has(&self, platform: Platform) -> bool {
        self.platforms.contains(&platform)
    }

    /// What a new repository must not start with, although a recorded one may keep it: a
    /// namespace that collides with a top-level option (`config`, `nix`, `home`, …).
    pub fn check_new(&self) -> std::result::Result<(), String> {
        match crate::layout::namespace::collision(&self.namespace) {
            Some(why) => Err(format!(
                "namespace `{}` cannot be used: {why}",
                self.namespace
            )),
            None => Ok(()),
        }
    }

    pub fn has_overlay(&self, set: OverlaySet) -> bool {
        self.overlays.contains(&set)
    }

    /// The system a host is built for: its own, else the first chosen system that runs it.
    pub fn host_system(&self, host: &Host) -> Option<String> {
        host.system.clone().or_else(|| {
            self.systems
                .iter()
                .find(|system| host.platform.runs_on(system))
                .cloned()
        })
    }

    /// The system standalone home-manager configurations are built for.
    pub fn home_system(&self) -> &str {
        self.systems.first().map_or("x86_64-linux", String::as_str)
    }

    pub fn to_file(&self) -> AnswersFile {
        AnswersFile {
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
            name: Some(self.name.clone()),
            description: Some(self.description.clone()),
            platforms: Some(self.platforms.clone()),
            systems: Some(self.systems.clone()),
            hosts: Some(self.hosts.iter().map(Host::to_string).collect()),
            users: Some(self.users.clone()),
            caches: Some(self.caches.iter().map(Cache::to_string).collect()),
            overlays: Some(self.overlays.clone()),
            namespace: Some(self.namespace.clone()),
            auto_import: Some(self.auto_import),
            layout: self.layout.as_deref().cloned(),
            templates: self.templates.clone(),
            state_version: Some(self.state_version.clone()),
            home_manager: Some(self.home_manager),
            account: Some(self.account.clone()),
            ci: Some(self.ci),
            lint: Some(self.lint.clone()),
            check: None,
            eval: None,
        }
    }

    /// The text of `.nixscaffold.yaml` for these answers.
    pub fn to_yaml(&self) -> Result<String> {
        let body = serde_saphyr::to_string(&self.to_file())
            .map_err(|e| Error::Internal(format!("cannot write the answers as YAML: {e}")))?;
        let body = body.replacen(
            "\nstate_version:",
            "\n# The release the machines and homes were first installed with: set once, never bump it\n\
             # (it is not the nixpkgs version; a new machine gets its own with add-host --state-version).\n\
             state_version:",
            1,
        );
        Ok(format!(
            "# The answers that made this repository, read by `nixscaffold add-*` and `check`.\n\
             # Edit with care; `nixscaffold new --config {ANSWERS_FILE}` reproduces the repository.\n{body}"
        ))
    }

    /// Reads the answers a repository recorded, with every default filled in: `None` without
    /// `.nixscaffold.yaml`, an error when the file records no answers (defaults would be a guess).
    pub fn read(repo: &Path) -> Result<Option<Answers>> {
        let Some(file) = ProjectFile::read(repo)? else {
            return Ok(None);
        };
        file.answers.map(Some).ok_or_else(|| Error::Config {
            path: repo.join(ANSWERS_FILE),
            message: RECORDS_NOTHING.into(),
        })
    }

    /// A renderer over the templates these answers were made with: the built-in ones, or those of
    /// the recorded `templates` folder in their place (a relative folder is relative to `repo`).
    pub fn renderer(&self, repo: &Path) -> Result<Renderer> {
        let templates = self.templates.as_ref().map(|dir| repo.join(dir));
        if let Some(dir) = &templates {
            if !dir.is_dir() {
                return Err(Error::usage(format!(
                    "{ANSWERS_FILE}: `templates: {}` is not a directory any more, so the files \
                     `nixscaffold new --template` made cannot be rendered again. Restore that folder, \
                     point `templates` at its new place, or remove the key to use the built-in templates",
                    dir.display()
                )));
            }
        }
        Renderer::new(templates.as_deref())
    }
}

const RECORDS_NOTHING: &str =
    "it records nothing (it is empty, only comments, or only settings such \
as `check:`), so the repository's platforms, package sets and option namespace are unknown and \
nothing was changed. Restore it (`git checkout -- .nixscaffold.yaml`; `git log -- \
.nixscaffold.yaml` finds older versions), or write at least its `platforms` and `namespace`";

/// The directory's own name, the default repository name (`config` when it has none).
pub fn dir_name(repo: &Path) -> String {
    std::path::absolute(repo)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "config".into())
}

/// What `.nixscaffold.yaml` holds, read and checked once: the answers, when it records any, and
/// the settings of `check`.
#[derive(Clone, Debug, Default)]
pub struct ProjectFile {
    pub answers: Option<Answers>,
    pub check: CheckSection,
}

impl ProjectFile {
    /// Reads `repo`'s `.nixscaffold.yaml`; `None` when there is none.
    pub fn read(repo: &Path) -> Result<Option<ProjectFile>> {
        let path = repo.join(ANSWERS_FILE);
        match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io("inspect", &path, e)),
            Ok(_) => {}
        }
        ProjectFile::read_file(&path, &dir_name(repo), "").map(Some)
    }

    /// Reads and validates the file at `path`; `dir_name` is the default name; `hint` ends the
    /// message of an answer that does not resolve (what else the caller can do about it).
    pub fn read_file(path: &Path, dir_name: &str, hint: &str) -> Result<ProjectFile> {
        let mut file = AnswersFile::read(path)?;
        let check = file.check.take().unwrap_or_default();
        let answers = if file.records_answers() {
            let answers = file.resolve(dir_name).map_err(|message| Error::Config {
                path: path.to_path_buf(),
                message: format!("{message}{hint}"),
            })?;
            Some(answers)
        } else {
            None
        };
        Ok(ProjectFile { answers, check })
    }
}

/// Answers as a file holds them: every field optional, the same words as the flags of `new`.
/// The doc comments are also the descriptions of `nixscaffold schema`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "nixscaffold answers (.nixscaffold.yaml)",
    description = "The answers that shape a repository made by `nixscaffold new`, read back by `add-*` and `check`; also what `new --config FILE` reads. Every key is optional: a missing one takes the default of the flag of `new` with the same name."
)]
pub struct AnswersFile {
    /// The nixscaffold version that wrote the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Name of the repository [default: the directory's name].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::answers_schema::name")]
    pub name: Option<String>,
    /// The flake's description [default: derived from the name].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::answers_schema::description")]
    pub description: Option<String>,
    /// Platforms to configure [default: nixos, darwin and home].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::answers_schema::platforms")]
    pub platforms: Option<Vec<Platform>>,
    /// Systems to build for, e.g. x86_64-linux [default: from the platforms].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::answers_schema::systems")]
    pub systems: Option<Vec<String>>,
    /// Machines: `nixos/NAME` or `darwin/NAME`, optionally `@SYSTEM` [default: nixos/nixos and
    /// darwin/mac for the chosen platforms].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::answers_schema::hosts")]
    pub hosts: Option<Vec<String>>,
    /// Users: the first is the machines' account (see `account`); with the home platform each
    /// has a home, `NAME@HOST` on the machine HOST only [default: user].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::answers_schema::users")]
    pub users: Option<Vec<String>>,
    /// Binary caches: preset names or `URL=KEY` [default: nix-community].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::answers_schema::caches")]
    pub caches: Option<Vec<String>>,
    /// Overlay sets [default: custom and customPypi, plus customDarwin with darwin].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overlays: Option<Vec<OverlaySet>>,
    /// Option namespace of generated modules: `options.NAMESPACE.PATH.enable` [default: from the name].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::answers_schema::namespace")]
    pub namespace: Option<String>,
    /// `scanpaths` (a `default.nix` per module directory) or `import-tree`.
    #[serde(
        default,
        rename = "auto-import",
        skip_serializing_if = "Option::is_none"
    )]
    pub auto_import: Option<Backend>,
    /// An adopted repository's own places (module roots, lib, registry, how it imports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<LayoutAnswers>,
    /// The folder whose files replaced the built-in templates (`new --template DIR`), absolute:
    /// `check` and `add-*` render with the same templates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub templates: Option<PathBuf>,
    /// The NixOS / home-manager release the machines and homes were first installed with, their
    /// `stateVersion` (`YY.05` or `YY.11`); set once, never bumped [default: 26.11].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::answers_schema::state_version")]
    pub state_version: Option<String>,
    /// How home-manager is used: `standalone`, `module` (inside every machine) or `both`
    /// [default: standalone].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_manager: Option<HomeManager>,
    /// The machines' account [default: `user`; `new` records its first user].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// `github` or `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci: Option<Ci>,
    /// Linters that `nix flake check` runs: `deadnix`, `statix` [default: none].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lint: Option<Vec<Lint>>,
    /// Settings of `nixscaffold check`: rules off or with a severity, ignored paths. Not an answer.
    #[serde(default, skip_serializing)]
    pub check: Option<CheckSection>,
    /// Settings of `nixscaffold eval`: budgets per figure and per configuration. Not an answer.
    #[serde(default, skip_serializing)]
    #[schemars(schema_with = "crate::answers_schema::eval")]
    pub eval: Option<crate::eval::EvalConfig>,
}

impl AnswersFile {
    pub fn read(path: &Path) -> Result<AnswersFile> {
        let text = read_text(path)?;
        serde_saphyr::from_str::<Option<AnswersFile>>(&text)
            .map(Option::unwrap_or_default)
            .map_err(|e| Error::Config {
                path: path.to_path_buf(),
                // The parser's advice is for programmers; the user's fix is to remove the duplicate.
                message: e.to_string().replace(
                    ", set DuplicateKeyPolicy in Options if acceptable",
                    "; keep one of them",
                ),
            })
    }

    /// Whether the file records any answer (not only its version, its templates, `check:` or
    /// `eval:`): without one, defaults would be a guess.
    pub fn records_answers(&self) -> bool {
        let AnswersFile {
            version: _,
            templates: _,
            check: _,
            eval: _,
            name,
            description,
            platforms,
            systems,
            hosts,
            users,
            caches,
            overlays,
            namespace,
            auto_import,
            layout,
            state_version,
            home_manager,
            account,
            ci,
            lint,
        } = self;
        name.is_some()
            || description.is_some()
            || platforms.is_some()
            || systems.is_some()
            || hosts.is_some()
            || users.is_some()
            || caches.is_some()
            || overlays.is_some()
            || namespace.is_some()
            || auto_import.is_some()
            || layout.is_some()
            || state_version.is_some()
            || home_manager.is_some()
            || account.is_some()
            || ci.is_some()
            || lint.is_some()
    }

    /// Fields of `over` win over ours.
    pub fn overlay(self, over: AnswersFile) -> AnswersFile {
        AnswersFile {
            version: over.version.or(self.version),
            name: over.name.or(self.name),
            description: over.description.or(self.description),
            platforms: over.platforms.or(self.platforms),
            systems: over.systems.or(self.systems),
            hosts: over.hosts.or(self.hosts),
            users: over.users.or(self.users),
            caches: over.caches.or(self.caches),
            overlays: over.overlays.or(self.overlays),
            namespace: over.namespace.or(self.namespace),
            auto_import: over.auto_import.or(self.auto_import),
            layout: over.layout.or(self.layout),
            templates: over.templates.or(self.templates),
            state_version: over.state_version.or(self.state_version),
            home_manager: over.home_manager.or(self.home_manager),
            account: over.account.or(self.account),
            ci: over.ci.or(self.ci),
            lint: over.lint.or(self.lint),
            check: over.check.or(self.check),
            eval: over.eval.or(self.eval),
        }
    }

    /// Fills every default and validates every value. `dir_name` is the default name.
    /// Defaults: all platforms; systems from the platforms; one host per machine platform; the
    /// user `user`; the nix-community cache; every overlay that fits the platforms.
    pub fn resolve(self, dir_name: &str) -> std::result::Result<Answers, String> {
        let (name, description, namespace) =
            resolve_names(self.name, self.description, self.namespace, dir_name)?;
        let platforms = resolve_platforms(self.platforms)?;
        let systems = resolve_systems(self.systems, &platforms)?;
        let hosts = resolve_hosts(self.hosts, &platforms, &systems)?;
        let users = resolve_users(self.users)?;
        let caches = resolve_caches(self.caches)?;
        let overlays = resolve_overlays(self.overlays, &platforms);
        let templates = self.templates;
        let auto_import = self.auto_import.unwrap_or_default();
        if let Some(layout) = &self.layout {
            layout.validate()?;
        }
        let layout = self.layout.map(Box::new);
        let state_version = self
            .state_version
            .unwrap_or_else(|| crate::layout::choices::DEFAULT_STATE_VERSION.to_string());
        crate::layout::choices::check_release(&state_version)?;
        let home_manager = resolve_home_manager(self.home_manager, &platforms)?;
        // Never read from `users` here: adding a user later must not change the machines' account.
        let account = self.account.unwrap_or_else(|| DEFAULT_USER.to_string());
        check_attr_name(&account)
            .map_err(|why| format!("account `{account}` is not a valid user name: {why}"))?;
        let mut lint = self.lint.unwrap_or_default();
        lint.sort();
        lint.dedup();
        Ok(Answers {
            name,
            description,
            platforms,
            systems,
            hosts,
            users,
            caches,
            overlays,
            namespace,
            auto_import,
            layout,
            templates,
            state_version,
            home_manager,
            account,
            ci: self.ci.unwrap_or_default(),
            lint,
        })
    }
}

type Resolved<T> = std::result::Result<T, String>;

/// The name (default: the directory's), the description and the option namespace (default: from
/// the name).
fn resolve_names(
    name: Option<String>,
    description: Option<String>,
    namespace: Option<String>,
    dir_name: &str,
) -> Resolved<(String, String, String)> {
    let name = name.unwrap_or_else(|| dir_name.to_string());
    if name.is_empty() || name.contains(['"', '\\', '$', '\n']) {
        return Err(format!(
            "name `{name}` cannot be used: it must be non-empty, without quotes, backslashes, `$` or newlines"
        ));
    }
    let namespace = namespace.unwrap_or_else(|| default_namespace(&name));
    check_attr_name(&namespace).map_err(|why| {
        format!("namespace `{namespace}` is not a valid Nix attribute name: {why}")
    })?;

    let description = description
        .unwrap_or_else(|| format!("{name}: machines and homes, in the nixscaffold shape"));
    if description.contains(['"', '\\', '$', '\n']) {
        return Err("the description must not contain quotes, backslashes, `$` or newlines".into());
    }
    Ok((name, description, namespace))
}

fn resolve_platforms(platforms: Option<Vec<Platform>>) -> Resolved<Vec<Platform>> {
    let mut platforms = platforms.unwrap_or_else(|| Platform::ALL.to_vec());
    platforms.sort();
    platforms.dedup();
    if platforms.is_empty() {
        return Err("choose at least one platform: nixos, darwin or home".into());
    }
    Ok(platforms)
}

/// The systems, each known and given once, and at least one for each platform.
fn resolve_systems(systems: Option<Vec<String>>, platforms: &[Platform]) -> Resolved<Vec<String>> {
    let systems = match systems {
        Some(systems) => {
            let mut unique = Vec::new();
            for system in systems {
                check_system(&system)?;
                if !unique.contains(&system) {
                    unique.push(system);
                }
            }
            unique
        }
        None => default_systems(platforms),
    };
    if systems.is_empty() {
        return Err("choose at least one system, e.g. x86_64-linux".into());
    }
    for platform in platforms {
        if !systems.iter().any(|s| platform.runs_on(s)) {
            return Err(format!(
                "platform {platform} was chosen but no system runs it: add e.g. --system {}",
                platform.row().suggested_system
            ));
        }
    }
    Ok(systems)
}

/// The machines, each with its system (its own, else the first chosen system that runs it).
fn resolve_hosts(
    texts: Option<Vec<String>>,
    platforms: &[Platform],
    systems: &[String],
) -> Resolved<Vec<Host>> {
    let mut hosts = Vec::new();
    match texts {
        Some(texts) => {
            // Indexed, so that 100,000 hosts are checked in linear time.
            let mut seen = HashSet::new();
            for text in texts {
                let host = Host::parse(&text)?;
                if !platforms.contains(&host.platform) {
                    return Err(format!(
                        "host `{text}` needs the {} platform, which was not chosen",
                        host.platform
                    ));
                }
                if !seen.insert((host.platform, host.name.clone())) {
                    return Err(format!("host `{text}` is given twice"));
                }
                hosts.push(host);
            }
        }
        None => {
            for platform in platforms {
                if let Some(name) = platform.row().default_host {
                    hosts.push(Host {
                        platform: *platform,
                        name: name.into(),
                        system: None,
                    });
                }
            }
        }
    }
    for host in &mut hosts {
        if host.system.is_none() {
            host.system = systems.iter().find(|s| host.platform.runs_on(s)).cloned();
        }
    }
    Ok(hosts)
}

/// The users: each one's home-manager configuration (with the home platform), and the first is
/// every machine's account (its `users.users` entry on NixOS, `system.primaryUser` on darwin).
/// `NAME@HOST` is NAME's home on the machine HOST (home-manager looks `USER@HOSTNAME` up first).
fn resolve_users(users: Option<Vec<String>>) -> Resolved<Vec<String>> {
    let users = users.unwrap_or_else(|| vec![DEFAULT_USER.to_string()]);
    let mut seen = HashSet::new();
    for user in &users {
        check_user(user)?;
        if !seen.insert(user.as_str()) {
            return Err(format!("user `{user}` is given twice"));
        }
    }
    Ok(users)
}

/// Checks a user entry, `NAME` or `NAME@HOST`.
pub fn check_user(user: &str) -> Resolved<()> {
    let (name, host) = split_user(user);
    check_attr_name(name).map_err(|why| format!("`{user}` is not a valid user name: {why}"))?;
    if let Some(host) = host {
        check_attr_name(host).map_err(|why| {
            format!("`{user}`: `{host}` is not a valid host name (NAME@HOST): {why}")
        })?;
    }
    Ok(())
}

/// A user entry's account name and, for `NAME@HOST`, its machine.
pub fn split_user(user: &str) -> (&str, Option<&str>) {
    match user.split_once('@') {
        Some((name, host)) => (name, Some(host)),
        None => (user, None),
    }
}

/// home-manager inside the machines needs the home platform and a machine platform.
fn resolve_home_manager(
    chosen: Option<HomeManager>,
    platforms: &[Platform],
) -> Resolved<HomeManager> {
    let mode = chosen.unwrap_or_default();
    let machines = platforms.iter().any(|p| p.has_machines());
    if mode != HomeManager::Standalone && !(machines && platforms.contains(&Platform::Home)) {
        return Err(format!(
            "home-manager `{}` puts the users into NixOS or nix-darwin machines: choose the home \
             platform and a machine platform (nixos or darwin), or --home-manager standalone",
            if mode == HomeManager::Module {
                "module"
            } else {
                "both"
            }
        ));
    }
    Ok(mode)
}

fn resolve_caches(texts: Option<Vec<String>>) -> Resolved<Vec<Cache>> {
    let mut caches = Vec::new();
    for text in texts.unwrap_or_else(|| vec![DEFAULT_CACHE.into()]) {
        let cache = Cache::parse(&text)?;
        if !caches.contains(&cache) {
            caches.push(cache);
        }
    }
    Ok(caches)
}

fn resolve_overlays(overlays: Option<Vec<OverlaySet>>, platforms: &[Platform]) -> Vec<OverlaySet> {
    let mut overlays = overlays.unwrap_or_else(|| default_overlays(platforms));
    overlays.sort();
    overlays.dedup();
    overlays
}

/// The home-manager user `new` makes when none is given.
pub const DEFAULT_USER: &str = "user";
/// The binary cache `new` adds when none is given.
pub const DEFAULT_CACHE: &str = "nix-community";

/// The overlay sets `new` chooses when none is given: every one that fits the platforms.
pub fn default_overlays(platforms: &[Platform]) -> Vec<OverlaySet> {
    OverlaySet::ALL
        .into_iter()
        .filter(|set| set.default_for(platforms))
        .collect()
}

/// The systems to build for when none are given: what the chosen platforms run on.
pub fn default_systems(platforms: &[Platform]) -> Vec<String> {
    let machines = platforms.contains(&Platform::Nixos) || platforms.contains(&Platform::Darwin);
    let mut systems = Vec::new();
    if platforms.contains(&Platform::Nixos) || !machines {
        systems.extend(["x86_64-linux", "aarch64-linux"]);
    }
    if platforms.contains(&Platform::Darwin) || !machines {
        systems.push("aarch64-darwin");
    }
    systems.into_iter().map(String::from).collect()
}

/// A namespace from a repository name: `my.config` becomes `my-config`; `2024`, and a name that is
/// a top-level option (`config`, `nix`, `home`), become the safe word `my`.
pub fn default_namespace(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect::<String>()
        .trim_matches('-')
        .to_string();
    use crate::layout::namespace::{collision, SAFE_NAMESPACE};
    if check_attr_name(&cleaned).is_ok() && collision(&cleaned).is_none() {
        cleaned
    } else {
        SAFE_NAMESPACE.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_words_other_parsers_read_as_null_or_booleans_are_quoted() {
        let file = AnswersFile {
            platforms: Some(vec![Platform::Home]),
            users: Some(
                ["null", "yes", "Off", "y", "true", "alice"]
                    .map(String::from)
                    .to_vec(),
            ),
            ..AnswersFile::default()
        };
        let yaml = file.resolve("repo").unwrap().to_yaml().unwrap();
        for word in ["null", "yes", "Off", "y", "true"] {
            assert!(
                yaml.contains(&format!("- \"{word}\"")) || yaml.contains(&format!("- '{word}'")),
                "{word}: {yaml}"
            );
        }
        assert!(yaml.contains("- alice"), "{yaml}");
    }
}
