//! What Nix tools load without an import naming the file: the vocabulary of loader functions
//! (`scanPaths`, `readDir`, `packagesFromDirectoryRecursive`, import-tree …), the flake frameworks
//! that wire directories by their documented conventions, and the stand-alone entry points.
//!
//! Entry points (evaluation starts there, whatever imports them):
//! - every `flake.nix`, and every `.nix` file directly beside one (the repository's root included):
//!   `default.nix`, `shell.nix`, `release.nix`, `ci.nix` … are what `nix-build` and `nix-shell` run;
//! - `shell.nix`, `release.nix` and agenix's `secrets.nix` anywhere (read by tools, not imported);
//! - beside a flake, `tests/*.nix` and `tests/*/default.nix` (also `test/`): tests run with
//!   `nix-build tests/x.nix` or `nix build --expr`;
//! - everything under a directory named `templates/`: templates are copied, not evaluated.
//!
//! A framework the model does not know: in a flake-parts module that imports an input's flake
//! module (`imports = [ inputs.x.flakeModules.default ];`), a directory given as the value of a
//! directory-like option (`x.root = ./.;`, `x.src`, `x.path`, `x.hostsDir` …, two names or more,
//! outside any function call) is a region that module may load from: nothing below it is called
//! an orphan, and the reference is listed once as not followed. A derivation's `src = ./.;` sits
//! inside a call (`mkDerivation { … }`) and is copied content, not imports: it is left out.

use rnix::SyntaxKind::*;
use rnix::SyntaxNode;

use super::eval::{Eval, Value};
use super::pattern::Place;
use crate::nix::syntax::{binding_path, static_string};

/// Functions that import every module of a directory they are given: its `.nix` files but
/// `default.nix`, and its subdirectories' `default.nix`.
pub fn discovers(name: &str) -> bool {
    name.to_ascii_lowercase().contains("scan")
        || matches!(
            name,
            "readDir"
                | "listDirectory"
                | "importDir"
                | "importDirectory"
                | "importModules"
                | "listModules"
        )
}

/// Functions that reach every `.nix` file under a directory.
pub fn discovers_all(name: &str) -> bool {
    name.starts_with("listFilesRecursive")
        || matches!(
            name,
            "packagesFromDirectoryRecursive"
                | "listFilesRecursive"
                | "rakeLeaves"
                | "flattenTree"
                | "importTree"
                | "load"
                | "loadModules"
                | "callDirectory"
                | "umport"
        )
}

/// import-tree (`inputs.import-tree ./modules`): every `.nix` file under a directory but those
/// whose path below it has a component starting with `_`.
pub const IMPORT_TREE: &str = "import-tree";

/// import-tree's methods that narrow or transform what it imports: the model cannot follow them.
pub const IMPORT_TREE_FILTERS: &[&str] = &[
    "filter",
    "filterNot",
    "match",
    "matchNot",
    "map",
    "mapWith",
    "initFilter",
    "pipeTo",
];

/// Whether import-tree leaves `rest` (a path below the directory it was given) out.
pub fn import_tree_ignores(rest: &str) -> bool {
    rest.split('/').any(|segment| segment.starts_with('_'))
}

/// Functions that take a directory as source code to copy or filter, not as modules to load.
pub const SOURCE_FUNCTIONS: &[&str] = &[
    "cleanSource",
    "cleanSourceWith",
    "filterSource",
    "path",
    "toSource",
    "gitTracked",
    "fileFilter",
    "unions",
    "union",
    "difference",
    "intersection",
    "maybeMissing",
    "sourceByRegex",
    "sourceFilesBySuffices",
    "readFile",
    "readFileType",
    "pathExists",
    "hashFile",
    "copyPathToStore",
    "append",
];

/// Helpers that turn a string into a path from the repository's root.
pub const ROOT_HELPERS: &[&str] = &["relativeToRoot", "fromRoot", "rootPath"];

/// A flake framework that loads files by where they are.
pub struct Framework {
    pub name: &'static str,
    /// Input names that bring it (`inputs.snowfall-lib`).
    inputs: &'static [&'static str],
    /// Parts of the input's URL (`snowfallorg/lib`).
    urls: &'static [&'static str],
    /// The binding (in flake.nix) that moves its root away from the flake's directory.
    root_binding: &'static [&'static str],
    /// The files it loads, as globs from its root: `*` one name (or part of one), `**` any depth.
    pub loads: &'static [&'static str],
    /// It loads through import-tree: paths with a component starting `_` are left out.
    pub skips_underscore: bool,
}

/// The frameworks, each by its documentation.
pub const FRAMEWORKS: &[Framework] = &[
    Framework {
        // snowfall-lib: each target's default.nix under systems/, homes/, modules/ …
        name: "snowfall-lib",
        inputs: &["snowfall-lib"],
        urls: &["snowfallorg/lib"],
        root_binding: &["snowfall", "root"],
        loads: &[
            "systems/**/default.nix",
            "homes/**/default.nix",
            "modules/**/default.nix",
            "packages/**/default.nix",
            "overlays/**/default.nix",
            "lib/**/default.nix",
            "shells/**/default.nix",
            "checks/**/default.nix",
            "templates/**",
        ],
        skips_underscore: false,
    },
    Framework {
        // numtide blueprint: the folder structure of its documentation.
        name: "blueprint",
        inputs: &["blueprint"],
        urls: &["numtide/blueprint"],
        root_binding: &["prefix"],
        loads: &[
            "hosts/*/configuration.nix",
            "hosts/*/darwin-configuration.nix",
            "hosts/*/system-configuration.nix",
            "hosts/*/rpi-configuration.nix",
            "hosts/*/default.nix",
            "hosts/*/users/*.nix",
            "hosts/*/users/*/home-configuration.nix",
            "modules/*/*.nix",
            "modules/*/*/default.nix",
            "packages/*.nix",
            "packages/*/default.nix",
            "packages/*/package.nix",
            "devshells/*.nix",
            "devshells/*/default.nix",
            "checks/*.nix",
            "checks/*/default.nix",
            "lib/default.nix",
            "formatter.nix",
            "devshell.nix",
            "package.nix",
            "templates/**",
        ],
        skips_underscore: false,
    },
    Framework {
        // nixos-unified's autowiring.
        name: "nixos-unified",
        inputs: &["nixos-unified", "nixos-flake"],
        urls: &["srid/nixos-unified", "srid/nixos-flake"],
        root_binding: &[],
        loads: &[
            "configurations/*/*.nix",
            "configurations/*/*/default.nix",
            "modules/*/*.nix",
            "modules/*/*/default.nix",
            "overlays/*.nix",
            "overlays/*/default.nix",
            "packages/*.nix",
            "packages/*/default.nix",
        ],
        skips_underscore: false,
    },
    Framework {
        // ez-configs: six directories under `ezConfigs.root`, a file or a directory's default.nix.
        name: "ez-configs",
        inputs: &["ez-configs"],
        urls: &["ehllie/ez-configs"],
        root_binding: &["ezConfigs", "root"],
        loads: &[
            "nixos-configurations/*.nix",
            "nixos-configurations/*/default.nix",
            "darwin-configurations/*.nix",
            "darwin-configurations/*/default.nix",
            "home-configurations/*.nix",
            "home-configurations/*/default.nix",
            "nixos-modules/*.nix",
            "nixos-modules/*/default.nix",
            "darwin-modules/*.nix",
            "darwin-modules/*/default.nix",
            "home-modules/*.nix",
            "home-modules/*/default.nix",
        ],
        skips_underscore: false,
    },
    Framework {
        // ez-configs: a directory an `ezConfigs.<kind>.<x>Directory` option names (see
        // [`settings`]); never named by an input.
        name: EZ_DIRECTORY,
        inputs: &[],
        urls: &[],
        root_binding: &[],
        loads: &["*.nix", "*/default.nix"],
        skips_underscore: false,
    },
    Framework {
        // clan-core: each machines/<name>/ directory, with these files auto-included.
        name: "clan-core",
        inputs: &["clan-core"],
        urls: &["clan/clan-core", "clan-core"],
        root_binding: &["directory"],
        loads: &[
            "machines/*/configuration.nix",
            "machines/*/hardware-configuration.nix",
            "machines/*/disko.nix",
        ],
        skips_underscore: false,
    },
    Framework {
        // den and flake-file: dendritic flakes whose modules/ tree is import-tree's.
        name: "den",
        inputs: &["den"],
        urls: &["vic/den", "denful/den"],
        root_binding: &[],
        loads: &["modules/**"],
        skips_underscore: true,
    },
    Framework {
        name: "flake-file",
        inputs: &["flake-file"],
        urls: &["vic/flake-file", "denful/flake-file"],
        root_binding: &[],
        loads: &["modules/**"],
        skips_underscore: true,
    },
];

/// A framework a flake uses, with the directory its conventions start from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uses {
    pub framework: &'static str,
    pub root: String,
}

/// The frameworks a `flake.nix` (at `path`) uses: named by an input (its name or URL), with the
/// root its settings give.
pub fn frameworks(path: &str, flake: &SyntaxNode) -> Vec<Uses> {
    let dir = super::graph::parent_dir(path);
    let mut found: Vec<Uses> = Vec::new();
    for node in flake.descendants() {
        if node.kind() != NODE_STRING {
            continue;
        }
        let Some(text) = static_string(&node) else {
            continue;
        };
        let at = binding_path(&node);
        let input = match at.as_slice() {
            [inputs, name, ..] if inputs == "inputs" => Some(name.as_str()),
            _ => None,
        };
        for framework in FRAMEWORKS {
            let named = input.is_some_and(|n| framework.inputs.contains(&n));
            let by_url = input.is_some() && framework.urls.iter().any(|u| text.contains(u));
            if (named || by_url) && !found.iter().any(|u| u.framework == framework.name) {
                found.push(Uses {
                    framework: framework.name,
                    root: root_of(framework, dir, flake).unwrap_or_else(|| dir.to_string()),
                });
            }
        }
    }
    found
}

/// Where a framework's conventions start when flake.nix says so (`snowfall.root = ./nix;`,
/// `prefix = "nix/";`).
fn root_of(framework: &Framework, dir: &str, flake: &SyntaxNode) -> Option<String> {
    if framework.root_binding.is_empty() {
        return None;
    }
    let eval = Eval { dir };
    for node in flake.descendants() {
        if node.kind() != NODE_ATTRPATH_VALUE {
            continue;
        }
        let Some(value) = node.children().nth(1) else {
            continue;
        };
        if !binding_path(&value).ends_with(
            &framework
                .root_binding
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>(),
        ) {
            continue;
        }
        let place = match eval.value(&value) {
            Value::Loc(text) => Place::new(&text),
            Value::Text(text) => Place::new(&format!("{dir}/{text}")),
            Value::Unknown => None,
        };
        if let Some(Place::Exact(root)) = place {
            return Some(root);
        }
    }
    None
}

/// Option names (last part of a binding's path) that hand a framework a directory.
const DIRECTORY_OPTIONS: &[&str] = &["root", "src", "path", "dir", "directory", "prefix", "base"];
const DIRECTORY_OPTION_SUFFIXES: &[&str] = &["Dir", "Directory", "Path", "Root", "Src"];

/// Option namespaces of tools that read a directory without loading its Nix files (formatters,
/// hooks): `treefmt.projectRoot = ./.;` is not a framework's root.
const TOOL_NAMESPACES: &[&str] = &["treefmt", "pre-commit", "git-hooks"];

/// Whether a binding at `path` (`someFramework.root`) is a directory-like option of a module:
/// two names or more, not an input's.
pub fn is_directory_option(path: &[String]) -> bool {
    let [first, .., last] = path else {
        return false;
    };
    !matches!(first.as_str(), "inputs" | "templates")
        && !path.iter().any(|p| TOOL_NAMESPACES.contains(&p.as_str()))
        && (DIRECTORY_OPTIONS.contains(&last.as_str())
            || DIRECTORY_OPTION_SUFFIXES.iter().any(|s| last.ends_with(s)))
}

/// Whether a file names an input's flake module (`inputs.x.flakeModule`,
/// `inputs.x.flakeModules.default`, `inputs.x.modules.flake.default`).
pub fn imports_input_module(root: &SyntaxNode) -> bool {
    root.descendants()
        .filter(|n| n.kind() == NODE_SELECT)
        .filter_map(|n| crate::nix::syntax::dotted_name(&n))
        .any(|name| {
            // flake-parts' own modules (`partitions`) are modelled, not unknown.
            let rest = match (name.first().map(String::as_str), name.get(1)) {
                (Some("inputs"), Some(input)) if input != "flake-parts" => name.get(2..),
                _ => None,
            };
            rest.is_some_and(|rest| match rest {
                [first, ..] if first.starts_with("flakeModule") => true,
                [modules, flake, ..] => modules == "modules" && flake == "flake",
                _ => false,
            })
        })
}

/// The framework (see [`FRAMEWORKS`]) standing for one directory ez-configs' options name.
pub const EZ_DIRECTORY: &str = "ez-configs directory";

/// ez-configs' options that move one kind's directory: `ezConfigs.<kind>.<option>`.
const EZ_KINDS: &[&str] = &["nixos", "darwin", "home"];
const EZ_DIRECTORY_OPTIONS: &[&str] = &["configurationsDirectory", "modulesDirectory"];

/// A framework setting, in any `.nix` file (a flake-parts module), that moves where its
/// conventions apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Setting {
    /// `ezConfigs.root = ./.;`
    EzRoot(String),
    /// `ezConfigs.nixos.configurationsDirectory = …`: a directory, known entirely
    /// (`from_root` false) or below `ezConfigs.root` (`config.ezConfigs.root + "/nixos"`).
    EzDirectory { place: String, from_root: bool },
}

/// The framework settings a file makes, read through the abstract evaluation.
pub fn settings(path: &str, text: &str, root: &SyntaxNode) -> Vec<Setting> {
    if !text.contains("ezConfigs") {
        return Vec::new();
    }
    let eval = Eval {
        dir: super::graph::parent_dir(path),
    };
    let mut found = Vec::new();
    for node in root.descendants() {
        if node.kind() != NODE_ATTRPATH_VALUE {
            continue;
        }
        let Some(value) = node.children().nth(1) else {
            continue;
        };
        let at = binding_path(&value);
        let setting = match at.as_slice() {
            [.., ez, r] if ez == "ezConfigs" && r == "root" => Some(true),
            [.., ez, kind, option]
                if ez == "ezConfigs"
                    && EZ_KINDS.contains(&kind.as_str())
                    && EZ_DIRECTORY_OPTIONS.contains(&option.as_str()) =>
            {
                Some(false)
            }
            _ => None,
        };
        let Some(is_root) = setting else {
            continue;
        };
        match (eval.value(&value), is_root) {
            (Value::Loc(loc), _) => {
                if let Some(Place::Exact(place)) = Place::new(&loc) {
                    found.push(if is_root {
                        Setting::EzRoot(place)
                    } else {
                        Setting::EzDirectory {
                            place,
                            from_root: false,
                        }
                    });
                }
            }
            // `config.ezConfigs.root + "/configurations/nixos"`: the option's value is unknown
            // here, its text below it is not (the file reads `ezConfigs.root`).
            (Value::Text(rest), false) if text.contains("ezConfigs.root") => {
                if let Some(rest) = rest.strip_prefix(super::eval::HOLE) {
                    if rest.starts_with('/') && !rest.contains([super::eval::HOLE]) {
                        found.push(Setting::EzDirectory {
                            place: rest.to_string(),
                            from_root: true,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// Applies the settings to the frameworks the flakes use: ez-configs' root moves, and each
/// directory its options name is loaded as one of its kinds.
pub fn apply_settings(settings: &[Setting], frameworks: &mut Vec<Uses>) {
    let ez_root = settings.iter().find_map(|s| match s {
        Setting::EzRoot(root) => Some(root.clone()),
        _ => None,
    });
    if let Some(root) = &ez_root {
        frameworks.retain(|u| u.framework != "ez-configs");
        frameworks.push(Uses {
            framework: "ez-configs",
            root: root.clone(),
        });
    }
    let ez_root = ez_root
        .or_else(|| {
            frameworks
                .iter()
                .find(|u| u.framework == "ez-configs")
                .map(|u| u.root.clone())
        })
        .unwrap_or_default();
    for setting in settings {
        let Setting::EzDirectory { place, from_root } = setting else {
            continue;
        };
        let dir = if *from_root {
            match Place::new(&format!("{ez_root}{place}")) {
                Some(Place::Exact(dir)) => dir,
                _ => continue,
            }
        } else {
            place.clone()
        };
        let uses = Uses {
            framework: EZ_DIRECTORY,
            root: dir,
        };
        if !frameworks.contains(&uses) {
            frameworks.push(uses);
        }
    }
}

/// Whether a framework's glob (see [`Framework::loads`]) names `rest`, a path below its root.
pub fn glob_matches(glob: &str, rest: &str) -> bool {
    let globs: Vec<&str> = glob.split('/').collect();
    let parts: Vec<&str> = rest.split('/').collect();
    glob_fits(&globs, &parts)
}

fn glob_fits(globs: &[&str], parts: &[&str]) -> bool {
    match globs.split_first() {
        None => parts.is_empty(),
        Some((&"**", others)) => (0..=parts.len()).any(|skip| glob_fits(others, &parts[skip..])),
        Some((glob, others)) => parts
            .split_first()
            .is_some_and(|(part, rest)| segment_matches(glob, part) && glob_fits(others, rest)),
    }
}

fn segment_matches(glob: &str, name: &str) -> bool {
    match glob.split_once('*') {
        None => glob == name,
        Some((prefix, suffix)) => {
            name.len() >= prefix.len() + suffix.len()
                && name.starts_with(prefix)
                && name.ends_with(suffix)
        }
    }
}

/// Whether `path` is an entry point (see the module's documentation); `flake_dirs` are the
/// directories holding a `flake.nix` (the root, `""`, always counts).
pub fn is_entry_point(path: &str, flake_dirs: &[&str]) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    if matches!(
        name,
        "flake.nix" | "shell.nix" | "release.nix" | "secrets.nix"
    ) || glob_matches("**/templates/**", path)
    {
        return true;
    }
    std::iter::once("")
        .chain(flake_dirs.iter().copied())
        .any(|dir| {
            let rest = if dir.is_empty() {
                Some(path)
            } else {
                path.strip_prefix(dir).and_then(|r| r.strip_prefix('/'))
            };
            rest.is_some_and(|rest| ENTRY_GLOBS.iter().any(|glob| glob_matches(glob, rest)))
        })
}

/// Entry points beside a flake (see the module's documentation).
const ENTRY_GLOBS: &[&str] = &[
    "*.nix",
    "tests/*.nix",
    "tests/*/default.nix",
    "test/*.nix",
    "test/*/default.nix",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_matches(
            "systems/**/default.nix",
            "systems/x86_64-linux/a/default.nix"
        ));
        assert!(glob_matches("modules/*/*.nix", "modules/nixos/a.nix"));
        assert!(!glob_matches("modules/*/*.nix", "modules/nixos/a/b.nix"));
        assert!(glob_matches("templates/**", "templates/a/b/c.nix"));
    }

    #[test]
    fn entry_points() {
        assert!(is_entry_point("shell.nix", &[]));
        assert!(is_entry_point("pkgs/x/shell.nix", &[]));
        assert!(is_entry_point("tests/boot.nix", &[]));
        assert!(is_entry_point("templates/t/flake.nix", &[]));
        assert!(is_entry_point("templates/t/home.nix", &["templates/t"]));
        assert!(is_entry_point("templates/basic/modules/extra.nix", &[]));
        assert!(is_entry_point("parts/templates/go/x.nix", &[]));
        assert!(!is_entry_point("modules/a.nix", &[]));
        assert!(!is_entry_point("hosts/tests/a/b.nix", &[]));
    }

    #[test]
    fn frameworks_from_inputs() {
        let text = r#"{
  inputs.snowfall-lib.url = "github:snowfallorg/lib";
  inputs.clan.url = "https://git.clan.lol/clan/clan-core/archive/main.tar.gz";
  outputs = inputs: inputs.snowfall-lib.mkFlake { inherit inputs; src = ./.; snowfall.root = ./nix; };
}"#;
        let root = rnix::Root::parse(text).syntax();
        assert_eq!(
            frameworks("flake.nix", &root),
            vec![
                Uses {
                    framework: "snowfall-lib",
                    root: "nix".into()
                },
                Uses {
                    framework: "clan-core",
                    root: "".into()
                },
            ]
        );
    }
}
