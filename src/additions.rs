//! What the `add-*` commands can add, as data. Each kind says which word may come before the slash
//! (a platform or an overlay set) and where that puts the new file, which template renders it, which
//! file layouts it may take, whether its path may nest (every intermediate directory then gets an
//! auto-importing `default.nix`), and whether `.nixscaffold.yaml` lists it. `commands/add.rs` is the
//! one implementation over these tables.

use crate::answers::{Answers, OverlaySet, Platform};
use crate::layout::Each;

/// One kind of addition: a module, a host, a user or a package.
pub struct Kind {
    /// The subcommand, for messages: `add-module`.
    pub command: &'static str,
    /// What it adds, for messages: `module`.
    pub noun: &'static str,
    /// The shape of its argument: `PLATFORM/PATH`.
    pub argument: &'static str,
    /// An argument that works in a repository made by `new` with the defaults.
    pub example: &'static str,
    /// What the word before the slash names (`platform`); `None` when the argument is a bare NAME.
    pub scope_word: Option<&'static str>,
    pub scopes: &'static [Scope],
    /// Whether PATH may have several segments (`home/shell/zsh`), each a directory.
    pub nested: bool,
    /// Whether NAME may end in `@SYSTEM` (hosts).
    pub system_suffix: bool,
    /// The layouts an entry may take; the first is the default.
    pub layouts: &'static [Layout],
    /// Which list of `.nixscaffold.yaml` records it.
    pub record: Record,
    /// Printed after a successful add: a template over the same context as the file.
    pub next: &'static str,
}

/// Where one kind's entries go, chosen by the word before the slash.
pub struct Scope {
    /// The word: `darwin`, `custom`; empty for kinds without a scope (users).
    pub word: &'static str,
    /// The directory that holds the entries, relative to the repository.
    pub root: &'static str,
    /// What the repository must have chosen for this scope to exist there.
    pub requires: Requires,
    /// Where the new file's contents come from.
    pub source: Source,
    /// Whether `root` is a module tree whose `default.nix` must exist and auto-import.
    pub tree: bool,
    /// Extra template variables, seen as `scope.KEY`.
    pub vars: &'static [(&'static str, &'static str)],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requires {
    Platform(Platform),
    Overlay(OverlaySet),
}

impl Requires {
    pub fn met_by(self, answers: &Answers) -> bool {
        match self {
            Requires::Platform(platform) => answers.has(platform),
            Requires::Overlay(set) => answers.has_overlay(set),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A template under `templates/`, rendered with the entry's context.
    Template(&'static str),
    /// The part of the shape that `new` renders once per host or user, so the file is the same.
    Part(Each),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `NAME.nix`.
    File,
    /// `NAME/<file>`: a directory with this file in it.
    Dir(&'static str),
}

impl Layout {
    /// The entry's file, relative to its parent directory.
    pub fn file_name(self, name: &str) -> String {
        match self {
            Layout::File => format!("{name}.nix"),
            Layout::Dir(file) => format!("{name}/{file}"),
        }
    }

    /// What the entry occupies in its parent directory: the file or the whole directory.
    pub fn claims(self, name: &str) -> String {
        match self {
            Layout::File => format!("{name}.nix"),
            Layout::Dir(_) => name.to_string(),
        }
    }
}

/// Which list of `.nixscaffold.yaml` an addition is recorded in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Record {
    Nothing,
    Hosts,
    Users,
}

impl Record {
    /// The key in `.nixscaffold.yaml`.
    pub fn key(self) -> Option<&'static str> {
        match self {
            Record::Nothing => None,
            Record::Hosts => Some("hosts"),
            Record::Users => Some("users"),
        }
    }
}

const fn module_tree(
    word: &'static str,
    root: &'static str,
    platform: Platform,
    example: &'static [(&'static str, &'static str)],
) -> Scope {
    Scope {
        word,
        root,
        requires: Requires::Platform(platform),
        source: Source::Template("add/module.nix"),
        tree: true,
        vars: example,
    }
}

pub static MODULE: Kind = Kind {
    command: "add-module",
    noun: "module",
    argument: "PLATFORM/PATH",
    example: "home/shell/zsh",
    scope_word: Some("platform"),
    scopes: &[
        module_tree(
            "nixos",
            "modules/nixos",
            Platform::Nixos,
            &[("example", "services.openssh.enable = true;")],
        ),
        module_tree(
            "darwin",
            "modules/darwin",
            Platform::Darwin,
            &[("example", "system.defaults.dock.autohide = true;")],
        ),
        module_tree(
            "home",
            "modules/home",
            Platform::Home,
            &[("example", "programs.git.enable = true;")],
        ),
    ],
    nested: true,
    system_suffix: false,
    layouts: &[Layout::File, Layout::Dir("default.nix")],
    record: Record::Nothing,
    next: "Turn it on with `{{entry.option}}.enable = true;` in a {{scope.word}} configuration. \
           {{scope.root}}/default.nix imports it through scanPaths, and modules/default.nix exposes \
           the whole {{scope.word}} tree as one path, so no other file needed an edit.",
};

pub static HOST: Kind = Kind {
    command: "add-host",
    noun: "host",
    argument: "PLATFORM/NAME[@SYSTEM]",
    example: "nixos/server",
    scope_word: Some("machine platform"),
    scopes: &[
        Scope {
            word: "nixos",
            root: "hosts/nixos",
            requires: Requires::Platform(Platform::Nixos),
            source: Source::Part(Each::Host(Platform::Nixos)),
            tree: false,
            vars: &[
                ("rebuild", "sudo nixos-rebuild"),
                ("outputs", "nixosConfigurations"),
            ],
        },
        Scope {
            word: "darwin",
            root: "hosts/darwin",
            requires: Requires::Platform(Platform::Darwin),
            source: Source::Part(Each::Host(Platform::Darwin)),
            tree: false,
            vars: &[
                ("rebuild", "sudo darwin-rebuild"),
                ("outputs", "darwinConfigurations"),
            ],
        },
    ],
    nested: false,
    system_suffix: true,
    layouts: &[Layout::Dir("default.nix")],
    record: Record::Hosts,
    next:
        "It is {{scope.outputs}}.{{entry.name}} ({{entry.system}}), discovered from its directory \
           by flake/configurations.nix: `{{scope.rebuild}} switch --flake .#{{entry.name}}`.",
};

pub static USER: Kind = Kind {
    command: "add-user",
    noun: "user",
    argument: "NAME",
    example: "alice",
    scope_word: None,
    scopes: &[Scope {
        word: "",
        root: "home",
        requires: Requires::Platform(Platform::Home),
        source: Source::Part(Each::User),
        tree: false,
        vars: &[],
    }],
    nested: false,
    system_suffix: false,
    layouts: &[Layout::Dir("default.nix")],
    record: Record::Users,
    next: "It is homeConfigurations.{{entry.name}}, discovered from its directory by \
           flake/configurations.nix: `home-manager switch --flake .#{{entry.name}}`.",
};

pub static PACKAGE: Kind = Kind {
    command: "add-package",
    noun: "package",
    argument: "SET/NAME",
    example: "custom/hello",
    scope_word: Some("package set"),
    scopes: &[
        Scope {
            word: "custom",
            root: "pkgs/custom",
            requires: Requires::Overlay(OverlaySet::Custom),
            source: Source::Template("add/package.nix"),
            tree: false,
            vars: &[
                ("overlay", "custom"),
                ("attr", "pkgs."),
                ("platforms", "lib.platforms.all"),
            ],
        },
        Scope {
            word: "darwin",
            root: "pkgs/darwin",
            requires: Requires::Overlay(OverlaySet::CustomDarwin),
            source: Source::Template("add/package.nix"),
            tree: false,
            vars: &[
                ("overlay", "customDarwin"),
                ("attr", "pkgs."),
                ("platforms", "lib.platforms.darwin"),
            ],
        },
        Scope {
            word: "pypi",
            root: "pkgs/pypi",
            requires: Requires::Overlay(OverlaySet::CustomPypi),
            source: Source::Template("add/pypi-package.nix"),
            tree: false,
            vars: &[("overlay", "customPypi"), ("attr", "pkgs.python3Packages.")],
        },
    ],
    nested: false,
    system_suffix: false,
    layouts: &[Layout::Dir("package.nix"), Layout::File],
    record: Record::Nothing,
    next: "It is {{scope.attr}}{{entry.name}} through the `{{scope.overlay}}` overlay, found by \
           lib.packagesFromDirectoryRecursive in {{scope.root}}: no other file needed an edit. \
           Fill in its source and hash before you build it.",
};

/// Every kind, for tests and documentation.
pub static KINDS: [&Kind; 4] = [&MODULE, &HOST, &USER, &PACKAGE];

impl Kind {
    /// The scopes this repository has, by its recorded answers.
    pub fn scopes_in<'k>(&'k self, answers: &Answers) -> Vec<&'k Scope> {
        self.scopes
            .iter()
            .filter(|scope| scope.requires.met_by(answers))
            .collect()
    }

    pub fn scope(&self, word: &str) -> Option<&Scope> {
        self.scopes.iter().find(|scope| scope.word == word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::PARTS;

    #[test]
    fn parts_that_additions_reuse_render_where_the_scope_says() {
        for kind in KINDS {
            for scope in kind.scopes {
                if let Source::Part(each) = scope.source {
                    let part = PARTS
                        .iter()
                        .find(|part| part.each == each)
                        .expect("the part exists");
                    let [Layout::Dir(file)] = kind.layouts else {
                        panic!("{}: a part has one layout", kind.command)
                    };
                    assert!(part.path.starts_with(&format!("{}/", scope.root)));
                    assert!(part.path.ends_with(&format!("}}}}/{file}")));
                }
            }
        }
    }

    #[test]
    fn every_kind_has_a_default_layout_and_scope() {
        for kind in KINDS {
            assert!(!kind.layouts.is_empty() && !kind.scopes.is_empty());
            assert_eq!(kind.scope_word.is_none(), kind.scopes[0].word.is_empty());
        }
    }
}
