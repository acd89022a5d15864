//! The answers a repository already holds, read from its syntax trees and the check model: which
//! configurations it defines (platforms, hosts, users, their systems), its caches, its package
//! sets, its helper library and how its modules call the scanPaths-like helper, its module roots,
//! how it imports them and where it exposes them. Each answer says where it came from; what cannot
//! be read is said too, and left to the shape's default.

use std::collections::{BTreeMap, BTreeSet};

use rnix::SyntaxKind::*;
use rnix::SyntaxNode;

use crate::answers::layout::{Imports, LayoutAnswers, NONE};
use crate::answers::{AnswersFile, Backend, Cache, OverlaySet, Platform};
use crate::check::conventions::frameworks;
use crate::check::graph::{join, parent_dir};
use crate::check::{Repo, SourceFile};
use crate::layout::auto_import::auto_imports_with;
use crate::names::check_attr_name;
use crate::nix::syntax::{
    apply_parts, binding, binding_path, callee_name, dotted_name, is_builtin, path_literal,
    static_string, unparen, PathLiteral,
};
use crate::presets::{cache_presets, KNOWN_SYSTEMS};

/// What was read, and what could not be.
#[derive(Debug, Default)]
pub struct Inferred {
    pub file: AnswersFile,
    /// What was inferred, and from where.
    pub notes: Vec<String>,
    /// What could not be inferred (the shape's default stands, or nothing is recorded).
    pub unknown: Vec<String>,
}

/// The other names a platform's module directory goes by.
fn aliases(platform: Platform) -> &'static [&'static str] {
    match platform {
        Platform::Nixos => &["nixos", "nixosModules"],
        Platform::Darwin => &["darwin", "nix-darwin", "macos", "darwinModules"],
        Platform::Home => &["home", "home-manager", "hm", "homeManagerModules"],
    }
}

/// Each platform with the configurations output that names its machines or users.
const CONFIGURATIONS: [(Platform, &str); 3] = [
    (Platform::Nixos, "nixosConfigurations"),
    (Platform::Darwin, "darwinConfigurations"),
    (Platform::Home, "homeConfigurations"),
];

pub fn infer(repo: &Repo, dir_name: &str) -> Inferred {
    let mut out = Inferred::default();
    let configurations = configurations(repo);
    let platforms = platforms(repo, &configurations, &mut out);
    let (hosts, systems) = hosts(repo, &configurations, &platforms, &mut out);
    let users = users(repo, &configurations, &platforms, &mut out);
    let caches = caches(repo, &mut out);
    let overlays: Vec<OverlaySet> = OverlaySet::ALL
        .into_iter()
        .filter(|set| repo.dirs.contains(&set.package_dir()))
        .collect();
    for set in &overlays {
        out.notes.push(format!(
            "overlay {} (from {}/)",
            set.attr(),
            set.package_dir()
        ));
    }
    let (layout, backend) = layout(repo, &platforms, &mut out);
    let namespace = namespace(repo, &mut out);
    let description = description(repo);
    out.file = AnswersFile {
        name: Some(dir_name.to_string()),
        description,
        platforms: Some(platforms),
        systems: Some(systems),
        hosts: Some(hosts),
        users: Some(users),
        caches: Some(caches.iter().map(Cache::to_string).collect()),
        overlays: Some(overlays),
        namespace,
        // Hand lists or a framework: no backend of the shape to record.
        auto_import: layout.imports.is_none().then_some(backend),
        layout: Some(layout),
        ..AnswersFile::default()
    };
    out
}

/// Every static binding path in the repository, with its value: `nixosConfigurations.laptop`.
fn bindings(file: &SourceFile) -> impl Iterator<Item = (Vec<String>, SyntaxNode)> {
    file.parsed
        .syntax()
        .descendants()
        .filter(|node| node.kind() == NODE_ATTRPATH_VALUE)
        .filter_map(|node| binding(&node))
        .map(|(_, value)| (binding_path(&value), value))
}

/// For each configurations output: the static names it defines (with their values), and whether
/// it exists at all (built by a function, its names are not static).
type Configurations = BTreeMap<Platform, (bool, Vec<(String, SyntaxNode)>)>;

fn configurations(repo: &Repo) -> Configurations {
    let mut found: Configurations = BTreeMap::new();
    for file in &repo.files {
        if !file.mentions("Configurations") {
            continue;
        }
        for (path, value) in bindings(file) {
            for (platform, output) in CONFIGURATIONS {
                let Some(at) = path.iter().position(|name| name == output) else {
                    continue;
                };
                let entry = found.entry(platform).or_default();
                entry.0 = true;
                if let Some(name) = path.get(at + 1).filter(|_| path.len() == at + 2) {
                    if !entry.1.iter().any(|(n, _)| n == name) {
                        entry.1.push((name.clone(), value.clone()));
                    }
                }
            }
        }
    }
    found
}

fn platforms(repo: &Repo, configurations: &Configurations, out: &mut Inferred) -> Vec<Platform> {
    let mut platforms = Vec::new();
    for platform in Platform::ALL {
        let output = CONFIGURATIONS
            .iter()
            .find(|(p, _)| *p == platform)
            .map(|(_, o)| *o);
        let from_output = configurations.contains_key(&platform);
        let dir = module_root(repo, platform);
        let home_module = platform == Platform::Home && uses_home_manager(repo);
        if from_output || dir.is_some() || home_module {
            platforms.push(platform);
            let why = match (from_output, &dir) {
                (true, _) => format!("{} in the flake", output.unwrap_or_default()),
                (false, Some(dir)) => format!("{dir}/"),
                (false, None) => "home-manager.users in a machine".to_string(),
            };
            out.notes.push(format!("platform {platform} (from {why})"));
        }
    }
    if platforms.is_empty() {
        out.unknown.push(
            "platforms: no nixos/darwin/home configurations or module directories found; \
             recorded nixos"
                .into(),
        );
        platforms.push(Platform::Nixos);
    }
    platforms
}

/// Whether a machine configures home-manager users (`home-manager.users.NAME`).
fn uses_home_manager(repo: &Repo) -> bool {
    repo.files
        .iter()
        .filter(|f| f.mentions("home-manager"))
        .any(|f| bindings(f).any(|(path, _)| home_user(&path).is_some()))
}

fn home_user(path: &[String]) -> Option<&String> {
    let at = path
        .windows(2)
        .position(|w| w[0] == "home-manager" && w[1] == "users")?;
    path.get(at + 2)
}

/// The module root of a platform: `modules/nixos` or one of its other names, under a `modules`
/// directory (or at the top, for the `*Modules` names), or `nixos/modules`.
fn module_root(repo: &Repo, platform: Platform) -> Option<String> {
    let shape = platform.module_root();
    if repo.dirs.contains(&shape) {
        return Some(shape);
    }
    let mut candidates: Vec<&String> = repo
        .dirs
        .iter()
        .filter(|dir| {
            let name = dir.rsplit('/').next().unwrap_or(dir);
            let parent = parent_dir(dir);
            let parent_name = parent.rsplit('/').next().unwrap_or(parent);
            let under_modules = aliases(platform).contains(&name)
                && (parent_name == "modules" || (parent.is_empty() && name.ends_with("Modules")));
            // `home/modules`: the platform's folder holds its modules beside its configurations.
            let beside = name == "modules" && aliases(platform).contains(&parent_name);
            under_modules || beside
        })
        .collect();
    candidates.sort_by_key(|dir| (dir.matches('/').count(), dir.len()));
    candidates.first().map(|dir| dir.to_string())
}

/// The machines: the static names of the configurations outputs, else the directories of a
/// `hosts` (or `machines`) folder; each with the system its configuration names. Also the
/// systems: those the flake names, then one for each platform that none runs.
fn hosts(
    repo: &Repo,
    configurations: &Configurations,
    platforms: &[Platform],
    out: &mut Inferred,
) -> (Vec<String>, Vec<String>) {
    let mut hosts = Vec::new();
    let mut systems: Vec<String> = Vec::new();
    for platform in [Platform::Nixos, Platform::Darwin] {
        if !platforms.contains(&platform) {
            continue;
        }
        let named = configurations
            .get(&platform)
            .map(|(_, n)| n.clone())
            .unwrap_or_default();
        let names: Vec<(String, Option<String>)> = if named.is_empty() {
            host_dirs(repo, platform, platforms)
                .into_iter()
                .map(|name| (name, None))
                .collect()
        } else {
            named
                .iter()
                .map(|(name, value)| (name.clone(), system_of(value)))
                .collect()
        };
        if names.is_empty() {
            out.unknown.push(format!(
                "{platform} hosts: the configurations are not named statically and no hosts/ folder \
                 names them; none recorded"
            ));
        }
        for (name, system) in names {
            if check_attr_name(&name).is_err() {
                out.unknown.push(format!(
                    "host `{name}`: not a plain attribute name; left out"
                ));
                continue;
            }
            let system = system.filter(|s| platform.runs_on(s));
            if let Some(system) = &system {
                if !systems.contains(system) {
                    systems.push(system.clone());
                }
            }
            hosts.push(match system {
                Some(system) => format!("{platform}/{name}@{system}"),
                None => format!("{platform}/{name}"),
            });
        }
    }
    if !hosts.is_empty() {
        out.notes.push(format!("hosts {}", hosts.join(", ")));
    }
    for system in flake_systems(repo) {
        if !systems.contains(&system) {
            systems.push(system);
        }
    }
    for platform in platforms {
        if !systems.iter().any(|s| platform.runs_on(s)) {
            let suggested = platform.row().suggested_system.to_string();
            out.unknown.push(format!(
                "the system {platform} runs on: none named; recorded {suggested}"
            ));
            systems.push(suggested);
        }
    }
    (hosts, systems)
}

/// `system = "x86_64-linux"` or `nixpkgs.hostPlatform = "…"` inside a configuration's value.
fn system_of(value: &SyntaxNode) -> Option<String> {
    value
        .descendants()
        .filter_map(|node| binding(&node))
        .filter(|(names, _)| {
            names
                .last()
                .is_some_and(|n| n == "system" || n == "hostPlatform")
        })
        .find_map(|(_, value)| static_string(&unparen(&value)))
        .filter(|s| KNOWN_SYSTEMS.contains(&s.as_str()))
}

/// The directories under `hosts/PLATFORM/`, or under `hosts/` (or `machines/`) when only one
/// machine platform is chosen.
fn host_dirs(repo: &Repo, platform: Platform, platforms: &[Platform]) -> Vec<String> {
    let per_platform = platform.config_root();
    let machine_platforms = platforms.iter().filter(|p| p.has_machines()).count();
    let parents: Vec<String> = if repo.dirs.contains(&per_platform) {
        vec![per_platform]
    } else if machine_platforms == 1 {
        vec!["hosts".into(), "machines".into()]
    } else {
        Vec::new()
    };
    repo.dirs
        .iter()
        .filter(|dir| parents.iter().any(|p| parent_dir(dir) == p))
        .map(|dir| dir.rsplit('/').next().unwrap_or(dir).to_string())
        .filter(|name| !Platform::ALL.iter().any(|p| p.as_str() == name) && name != "common")
        .collect()
}

/// The known systems the flake names as strings, in order.
fn flake_systems(repo: &Repo) -> Vec<String> {
    let Some(flake) = repo.file("flake.nix") else {
        return Vec::new();
    };
    let mut systems = Vec::new();
    for node in flake.parsed.syntax().descendants() {
        if let Some(text) = static_string(&node) {
            if KNOWN_SYSTEMS.contains(&text.as_str()) && !systems.contains(&text) {
                systems.push(text);
            }
        }
    }
    systems
}

/// The home-manager users: `homeConfigurations.NAME` (or `NAME@host`), `home-manager.users.NAME`.
fn users(
    repo: &Repo,
    configurations: &Configurations,
    platforms: &[Platform],
    out: &mut Inferred,
) -> Vec<String> {
    if !platforms.contains(&Platform::Home) {
        return Vec::new();
    }
    let mut users: BTreeSet<String> = BTreeSet::new();
    if let Some((_, named)) = configurations.get(&Platform::Home) {
        for (name, _) in named {
            users.insert(name.split('@').next().unwrap_or(name).to_string());
        }
    }
    for file in repo.files.iter().filter(|f| f.mentions("home-manager")) {
        for (path, _) in bindings(file) {
            if let Some(user) = home_user(&path) {
                users.insert(user.clone());
            }
        }
    }
    // `home-manager.users.${name}`: chosen by a value, not a name to record.
    users.retain(|u| !u.contains("${"));
    let (valid, invalid): (Vec<String>, Vec<String>) =
        users.into_iter().partition(|u| check_attr_name(u).is_ok());
    for user in invalid {
        out.unknown
            .push(format!("user `{user}`: not a plain name; left out"));
    }
    if valid.is_empty() {
        out.unknown
            .push("home-manager users: none named statically; none recorded".into());
    } else {
        out.notes.push(format!("users {}", valid.join(", ")));
    }
    valid
}

/// The flake's substituters and keys (`nixConfig`, `nix.settings`), paired: a substituter with
/// a listed key that signs it (by the known pairs, or by its host in the key's name); a known
/// cache whose key is missing gets the known key (and `check --fix` adds it to the flake).
fn caches(repo: &Repo, out: &mut Inferred) -> Vec<Cache> {
    let mut urls: Vec<String> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    for file in &repo.files {
        if !file.mentions("substituters") {
            continue;
        }
        for (path, value) in bindings(file) {
            let Some(last) = path.last() else { continue };
            let target = if last.ends_with("substituters") || last == "binaryCaches" {
                &mut urls
            } else if last.ends_with("trusted-public-keys") || last == "binaryCachePublicKeys" {
                &mut keys
            } else {
                continue;
            };
            for item in unparen(&value).children() {
                if let Some(text) = static_string(&unparen(&item)) {
                    if !target.contains(&text) {
                        target.push(text);
                    }
                }
            }
        }
    }
    let mut caches = Vec::new();
    for url in urls {
        if matches!(crate::caches::lookup(&url), crate::caches::Known::NixosOrg) {
            continue;
        }
        match pair(&url, &keys) {
            Some(cache) => caches.push(cache),
            None => out.unknown.push(format!(
                "cache {url}: no trusted key for it is listed and none is known; not recorded"
            )),
        }
    }
    if !caches.is_empty() {
        let shown: Vec<String> = caches.iter().map(|c| c.url.clone()).collect();
        out.notes.push(format!("caches {}", shown.join(", ")));
    }
    caches
}

fn pair(url: &str, keys: &[String]) -> Option<Cache> {
    let normalized = crate::caches::normalize(url);
    let host = normalized
        .split_once("://")
        .map_or(normalized.as_str(), |(_, rest)| {
            rest.split('/').next().unwrap_or(rest)
        });
    let known = crate::caches::table()
        .caches
        .iter()
        .find(|c| crate::caches::normalize(&c.url) == normalized);
    let listed = keys.iter().find(|key| {
        let name = crate::caches::key_name(key);
        known.is_some_and(|k| k.keys.iter().any(|kk| crate::caches::key_name(kk) == name))
            || name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-') == host
    });
    let key = listed
        .cloned()
        .or_else(|| known.and_then(|k| k.keys.first().cloned()))?;
    let preset = cache_presets()
        .iter()
        .find(|p| crate::caches::normalize(p.url) == normalized && p.key == key);
    match preset {
        Some(preset) => Cache::parse(preset.name).ok(),
        None => Cache::parse(&format!("{url}={key}")).ok(),
    }
}

/// The helper that lists a directory's modules: a function bound to a name that uses
/// `builtins.readDir`; its file and how the modules call it (`lib.custom.scanPaths`).
fn helper(repo: &Repo) -> Option<(String, String, String)> {
    let mut candidates: Vec<(String, String)> = Vec::new();
    for file in repo.files.iter().filter(|f| f.mentions("readDir")) {
        for node in file.parsed.syntax().descendants() {
            let Some((names, value)) = binding(&node) else {
                continue;
            };
            let value = unparen(&value);
            let reads_dirs = value.kind() == NODE_LAMBDA
                && value.descendants().any(|n| is_builtin(&n, "readDir"));
            if let (true, Some(name)) = (reads_dirs, names.last()) {
                candidates.push((file.path.clone(), name.clone()));
            }
        }
    }
    // The module helper is the one a `default.nix` calls on its own directory in `imports`.
    let found = candidates.into_iter().find(|(_, name)| {
        repo.files
            .iter()
            .filter(|f| f.name() == "default.nix" && f.mentions(name))
            .any(|f| auto_imports_with(&f.text, Some(name.as_str())))
    });
    let (lib, name) = found?;
    let mut calls: BTreeMap<String, usize> = BTreeMap::new();
    for file in repo.files.iter().filter(|f| f.mentions(&name)) {
        for node in file.parsed.syntax().descendants() {
            let Some((function, _)) = apply_parts(&node) else {
                continue;
            };
            if callee_name(&function).as_deref() != Some(name.as_str()) {
                continue;
            }
            if let Some(dotted) = dotted_name(&function) {
                *calls.entry(dotted.join(".")).or_default() += 1;
            }
        }
    }
    let call = calls
        .into_iter()
        .max_by_key(|(call, count)| (*count, std::cmp::Reverse(call.len())))
        .map_or(name.clone(), |(call, _)| call);
    Some((lib, name, call))
}

/// The repository's own places and how it imports its modules.
fn layout(repo: &Repo, platforms: &[Platform], out: &mut Inferred) -> (LayoutAnswers, Backend) {
    let mut layout = LayoutAnswers::default();
    for platform in platforms {
        match module_root(repo, *platform) {
            Some(dir) => {
                out.notes.push(format!("{platform} modules in {dir}/"));
                layout.modules.insert(*platform, dir);
            }
            None => out.unknown.push(format!(
                "where {platform} modules live: no modules/{platform}/ or similar; add-module \
                 {platform}/… needs `layout.modules.{platform}`"
            )),
        }
    }
    let helper = helper(repo);
    match &helper {
        Some((lib, name, call)) => {
            out.notes.push(format!(
                "helper library {lib} (`{name}`, called as `{call}`)"
            ));
            layout.lib = Some(lib.clone());
            layout.scan_helper = Some(call.clone());
        }
        None => {
            let lib = crate::layout::path_of(crate::layout::Role::Lib);
            layout.lib = Some(if repo.file(&lib).is_some() {
                lib
            } else {
                NONE.to_string()
            });
        }
    }
    layout.registry = Some(registry(repo).unwrap_or_else(|| NONE.to_string()));
    let flake = repo.file("flake.nix");
    let import_tree = flake.is_some_and(|f| {
        bindings(f).any(|(path, _)| {
            path.first().is_some_and(|n| n == "inputs")
                && path.get(1).is_some_and(|n| n == "import-tree")
        })
    });
    let scans = helper.as_ref().is_some_and(|(_, name, _)| {
        repo.files
            .iter()
            .any(|f| f.name() == "default.nix" && auto_imports_with(&f.text, Some(name.as_str())))
    });
    let framework: Vec<&str> = flake
        .map(|f| frameworks(&f.path, &f.parsed.syntax()))
        .unwrap_or_default()
        .into_iter()
        .map(|uses| uses.framework)
        .collect();
    let backend = if import_tree {
        out.notes
            .push("auto-import: import-tree (a flake input)".into());
        Backend::ImportTree
    } else if scans {
        out.notes
            .push("auto-import: scanpaths (default.nix files call the helper on ./.)".into());
        Backend::Scanpaths
    } else if !framework.is_empty() {
        out.notes.push(format!(
            "imports: {} wires the directories",
            framework.join(", ")
        ));
        layout.imports = Some(Imports::Framework);
        Backend::Scanpaths
    } else {
        out.notes.push("imports: listed by hand".into());
        layout.imports = Some(Imports::Hand);
        Backend::Scanpaths
    };
    (layout, backend)
}

/// The file a `*Modules` output imports as a whole (`nixosModules = import ./modules;`).
fn registry(repo: &Repo) -> Option<String> {
    let flake_files = repo.files.iter().filter(|f| f.mentions("Modules"));
    for file in flake_files {
        for (path, value) in bindings(file) {
            let is_output = path
                .last()
                .is_some_and(|n| n.ends_with("Modules") && n != "Modules");
            let Some((function, args)) = apply_parts(&unparen(&value)) else {
                continue;
            };
            if !is_output || !is_builtin(&function, "import") || args.len() != 1 {
                continue;
            }
            let Some(PathLiteral::Static(literal)) = path_literal(&unparen(&args[0])) else {
                continue;
            };
            let target = join(file.dir(), &literal)?;
            let target = if repo.file(&target).is_some() {
                target
            } else {
                format!("{target}/default.nix")
            };
            if repo.file(&target).is_some() {
                return Some(target);
            }
        }
    }
    None
}

/// Top-level option names of NixOS, nix-darwin and home-manager: a module that extends them
/// (`options.services.nginx.…`) does not name the repository's own namespace.
const SYSTEM_OPTIONS: &[&str] = &[
    "boot",
    "environment",
    "fonts",
    "hardware",
    "home",
    "i18n",
    "launchd",
    "networking",
    "nix",
    "nixpkgs",
    "programs",
    "security",
    "services",
    "system",
    "systemd",
    "time",
    "users",
    "virtualisation",
    "xdg",
    "accounts",
    "wayland",
    "gtk",
    "qt",
    "homebrew",
    "manual",
];

/// The option namespace the repository's own modules declare most (`options.my.…`).
fn namespace(repo: &Repo, out: &mut Inferred) -> Option<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for file in repo.files.iter().filter(|f| f.mentions("options")) {
        for (path, _) in bindings(file) {
            if path.first().is_some_and(|n| n == "options") {
                let own = |n: &&String| {
                    check_attr_name(n).is_ok() && !SYSTEM_OPTIONS.contains(&n.as_str())
                };
                if let Some(ns) = path.get(1).filter(own) {
                    *counts.entry(ns.clone()).or_default() += 1;
                }
            }
        }
    }
    let (namespace, _) = counts.into_iter().max_by_key(|(_, count)| *count)?;
    out.notes.push(format!(
        "namespace {namespace} (the options its modules declare)"
    ));
    Some(namespace)
}

/// The flake's own description, when it is a plain string the answers can hold.
fn description(repo: &Repo) -> Option<String> {
    let flake = repo.file("flake.nix")?;
    let root = flake.parsed.syntax();
    let set = root.first_child().map(|n| unparen(&n))?;
    set.children()
        .filter_map(|n| binding(&n))
        .find(|(names, _)| names.len() == 1 && names[0] == "description")
        .and_then(|(_, value)| static_string(&unparen(&value)))
        .filter(|d| !d.is_empty() && !d.contains(['"', '\\', '$', '\n']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_come_from_the_syntax_trees_and_the_directories() {
        let flake = r#"{
  nixConfig.extra-substituters = [ "https://nix-community.cachix.org" "https://cache.nixos.org" ];
  outputs = { nixpkgs, ... }: {
    nixosConfigurations.laptop = nixpkgs.lib.nixosSystem { system = "aarch64-linux"; modules = [ ]; };
    homeConfigurations."alice@laptop" = { };
  };
}"#;
        let repo = Repo::in_memory(&[
            ("flake.nix", flake),
            ("lib/my.nix", "{ scanAll = path: builtins.readDir path; }"),
            (
                "home/modules/default.nix",
                "{ lib, ... }: { imports = lib.my.scanAll ./.; }",
            ),
            ("home/modules/git.nix", "{ options.me.git = { }; }"),
            (
                "modules/nixos/default.nix",
                "{ lib, ... }: { imports = lib.my.scanAll ./.; }",
            ),
        ]);
        let inferred = infer(&repo, "cfg");
        let file = &inferred.file;
        assert_eq!(file.platforms, Some(vec![Platform::Nixos, Platform::Home]));
        assert_eq!(
            file.hosts,
            Some(vec!["nixos/laptop@aarch64-linux".to_string()])
        );
        assert_eq!(file.users, Some(vec!["alice".to_string()]));
        assert_eq!(file.caches, Some(vec!["nix-community".to_string()]));
        assert_eq!(file.namespace.as_deref(), Some("me"));
        assert_eq!(file.auto_import, Some(Backend::Scanpaths));
        let layout = file.layout.as_ref().unwrap();
        assert_eq!(layout.modules[&Platform::Home], "home/modules");
        assert_eq!(layout.modules[&Platform::Nixos], "modules/nixos");
        assert_eq!(layout.lib.as_deref(), Some("lib/my.nix"));
        assert_eq!(layout.scan_helper.as_deref(), Some("lib.my.scanAll"));
        assert_eq!(layout.registry.as_deref(), Some(NONE));
        assert!(file.clone().resolve("cfg").is_ok(), "{inferred:?}");
    }

    #[test]
    fn what_cannot_be_read_is_said_and_hand_lists_are_a_choice() {
        let flake = "{ outputs = { self, ... }: { nixosConfigurations = builtins.mapAttrs (n: _: n) { }; }; }";
        let repo = Repo::in_memory(&[
            ("flake.nix", flake),
            ("modules/nixos/default.nix", "{ imports = [ ./a.nix ]; }"),
            ("modules/nixos/a.nix", "{ }"),
        ]);
        let inferred = infer(&repo, "cfg");
        assert!(
            inferred
                .unknown
                .iter()
                .any(|u| u.starts_with("nixos hosts")),
            "{inferred:?}"
        );
        let layout = inferred.file.layout.as_ref().unwrap();
        assert_eq!(layout.imports, Some(Imports::Hand));
        assert_eq!(inferred.file.auto_import, None);
    }
}
