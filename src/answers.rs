//! The answers that shape a repository: what `new` asks, what `.nixscaffold.yaml` records, what
//! `add-*` and `check` read back. The file format mirrors the flags of `new`, so a recorded file can
//! be fed to `new --config` again.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::names::check_attr_name;
use crate::presets::{cache_preset, cache_preset_names, KNOWN_SYSTEMS};

/// The file at a repository's root that records its answers.
pub const ANSWERS_FILE: &str = ".nixscaffold.yaml";

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

impl Platform {
    pub const ALL: [Platform; 3] = [Platform::Nixos, Platform::Darwin, Platform::Home];

    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Nixos => "nixos",
            Platform::Darwin => "darwin",
            Platform::Home => "home",
        }
    }

    pub fn parse(text: &str) -> Option<Platform> {
        Platform::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// Whether a system string (e.g. `aarch64-darwin`) can run this platform's machines.
    pub fn runs_on(self, system: &str) -> bool {
        match self {
            Platform::Nixos => system.ends_with("-linux"),
            Platform::Darwin => system.ends_with("-darwin"),
            Platform::Home => true,
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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

impl OverlaySet {
    pub const ALL: [OverlaySet; 3] = [
        OverlaySet::Custom,
        OverlaySet::CustomDarwin,
        OverlaySet::CustomPypi,
    ];

    /// The overlay's attribute name in `overlays/default.nix`.
    pub fn attr(self) -> &'static str {
        match self {
            OverlaySet::Custom => "custom",
            OverlaySet::CustomDarwin => "customDarwin",
            OverlaySet::CustomPypi => "customPypi",
        }
    }

    /// The directory under `pkgs/` that holds its packages.
    pub fn directory(self) -> &'static str {
        match self {
            OverlaySet::Custom => "custom",
            OverlaySet::CustomDarwin => "darwin",
            OverlaySet::CustomPypi => "pypi",
        }
    }
}

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
        check_attr_name(name)
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
}

impl Answers {
    pub fn has(&self, platform: Platform) -> bool {
        self.platforms.contains(&platform)
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
            check: None,
        }
    }

    /// The text of `.nixscaffold.yaml` for these answers.
    pub fn to_yaml(&self) -> Result<String> {
        let body = serde_saphyr::to_string(&self.to_file())
            .map_err(|e| Error::Internal(format!("cannot write the answers as YAML: {e}")))?;
        Ok(format!(
            "# The answers that made this repository, read by `nixscaffold add-*` and `check`.\n\
             # Edit with care; `nixscaffold new --config {ANSWERS_FILE}` reproduces the repository.\n{body}"
        ))
    }

    /// Reads the answers a repository recorded, with every default filled in.
    pub fn read(repo: &Path) -> Result<Option<Answers>> {
        let path = repo.join(ANSWERS_FILE);
        match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io("inspect", &path, e)),
            Ok(_) => {}
        }
        let file = AnswersFile::read(&path)?;
        if file == AnswersFile::default() {
            return Err(Error::Config {
                path,
                message: "it records nothing (it is empty, or only comments), so the repository's \
                          platforms, package sets and option namespace are unknown and nothing was \
                          changed. Restore it (`git checkout -- .nixscaffold.yaml`; `git log -- \
                          .nixscaffold.yaml` finds older versions), or write at least its `platforms` \
                          and `namespace`"
                    .into(),
            });
        }
        let dir_name = repo
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "config".into());
        file.resolve(&dir_name)
            .map(Some)
            .map_err(|message| Error::Config { path, message })
    }
}

/// Answers as a file holds them: every field optional, the same words as the flags of `new`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswersFile {
    /// The nixscaffold version that wrote the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platforms: Option<Vec<Platform>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub systems: Option<Vec<String>>,
    /// `nixos/NAME` or `darwin/NAME`, optionally `@SYSTEM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosts: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<Vec<String>>,
    /// Preset names or `URL=KEY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caches: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overlays: Option<Vec<OverlaySet>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Settings of `nixscaffold check`: rules off or with a severity, ignored paths.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<crate::check::config::CheckConfig>,
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
            check: over.check.or(self.check),
        }
    }

    /// Fills every default and validates every value. `dir_name` is the default name.
    /// Defaults: all platforms; systems from the platforms; one host per machine platform; the
    /// user `user`; the nix-community cache; every overlay that fits the platforms.
    pub fn resolve(self, dir_name: &str) -> std::result::Result<Answers, String> {
        let name = self.name.unwrap_or_else(|| dir_name.to_string());
        if name.is_empty() || name.contains(['"', '\\', '$', '\n']) {
            return Err(format!(
                "name `{name}` cannot be used: it must be non-empty, without quotes, backslashes, `$` or newlines"
            ));
        }
        let namespace = self.namespace.unwrap_or_else(|| default_namespace(&name));
        check_attr_name(&namespace).map_err(|why| {
            format!("namespace `{namespace}` is not a valid Nix attribute name: {why}")
        })?;
        let description = self
            .description
            .unwrap_or_else(|| format!("{name}: machines and homes, in the nixscaffold shape"));
        if description.contains(['"', '\\', '$', '\n']) {
            return Err(
                "the description must not contain quotes, backslashes, `$` or newlines".into(),
            );
        }

        let mut platforms = self.platforms.unwrap_or_else(|| Platform::ALL.to_vec());
        platforms.sort();
        platforms.dedup();
        if platforms.is_empty() {
            return Err("choose at least one platform: nixos, darwin or home".into());
        }

        let systems = match self.systems {
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
            None => default_systems(&platforms),
        };
        if systems.is_empty() {
            return Err("choose at least one system, e.g. x86_64-linux".into());
        }
        for platform in &platforms {
            if !systems.iter().any(|s| platform.runs_on(s)) {
                return Err(format!(
                    "platform {platform} was chosen but no system runs it: add e.g. --system {}",
                    if *platform == Platform::Darwin {
                        "aarch64-darwin"
                    } else {
                        "x86_64-linux"
                    }
                ));
            }
        }

        let mut hosts = Vec::new();
        match self.hosts {
            Some(texts) => {
                for text in texts {
                    let host = Host::parse(&text)?;
                    if !platforms.contains(&host.platform) {
                        return Err(format!(
                            "host `{text}` needs the {} platform, which was not chosen",
                            host.platform
                        ));
                    }
                    if hosts
                        .iter()
                        .any(|h: &Host| h.platform == host.platform && h.name == host.name)
                    {
                        return Err(format!("host `{text}` is given twice"));
                    }
                    hosts.push(host);
                }
            }
            None => {
                for (platform, name) in [(Platform::Nixos, "nixos"), (Platform::Darwin, "mac")] {
                    if platforms.contains(&platform) {
                        hosts.push(Host {
                            platform,
                            name: name.into(),
                            system: None,
                        });
                    }
                }
            }
        }
        for host in &mut hosts {
            let system = host
                .system
                .clone()
                .or_else(|| systems.iter().find(|s| host.platform.runs_on(s)).cloned());
            host.system = system;
        }

        let users = match self.users {
            Some(users) if platforms.contains(&Platform::Home) => users,
            Some(users) if !users.is_empty() => {
                return Err(
                    "users are home-manager configurations: add the home platform to have them"
                        .into(),
                )
            }
            Some(_) => Vec::new(),
            None if platforms.contains(&Platform::Home) => vec!["user".to_string()],
            None => Vec::new(),
        };
        let mut seen = Vec::new();
        for user in &users {
            check_attr_name(user)
                .map_err(|why| format!("`{user}` is not a valid user name: {why}"))?;
            if seen.contains(&user) {
                return Err(format!("user `{user}` is given twice"));
            }
            seen.push(user);
        }

        let mut caches = Vec::new();
        for text in self.caches.unwrap_or_else(|| vec!["nix-community".into()]) {
            let cache = Cache::parse(&text)?;
            if !caches.contains(&cache) {
                caches.push(cache);
            }
        }

        let mut overlays = self.overlays.unwrap_or_else(|| {
            OverlaySet::ALL
                .into_iter()
                .filter(|set| {
                    *set != OverlaySet::CustomDarwin || platforms.contains(&Platform::Darwin)
                })
                .collect()
        });
        overlays.sort();
        overlays.dedup();

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
        })
    }
}

/// A file's text; when it is not UTF-8, says where the first bad byte is.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let column = valid.len() - valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1) + 1;
        Error::Config {
            path: path.to_path_buf(),
            message: format!(
                "line {line} column {column}: the file is not UTF-8 text (byte {:#04x}); save it as UTF-8",
                e.as_bytes()[valid.len()]
            ),
        }
    })
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

/// A namespace from a repository name: `my.config` becomes `my-config`, `2024` becomes `my`.
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
    if check_attr_name(&cleaned).is_ok() {
        cleaned
    } else {
        "my".to_string()
    }
}
