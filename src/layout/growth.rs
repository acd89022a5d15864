//! What the `add-*` commands can add: each kind is "a new entry under the part with role R". The
//! word before the slash picks the part (a platform's module tree, a platform's machines, a package
//! set); its directory, its template and its words come from that part and the shape's tables, never
//! restated here. Each kind also says which file layouts it may take, whether its path may nest
//! (every intermediate directory then gets an auto-importing `default.nix`), and whether
//! `.nixscaffold.yaml` lists it. `commands/add` is the one implementation over these tables.

use crate::answers::record::Record;
use crate::answers::Answers;
use crate::layout::{root, OverlaySet, Platform, Role};

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
    /// The parts whose directories take the new entries, one per word before the slash.
    pub roles: &'static [Role],
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

/// Where one kind's entries go, chosen by the word before the slash: derived from a part's role.
pub struct Scope {
    /// The word: `darwin`, `custom`; empty for kinds without a scope (users).
    pub word: &'static str,
    /// The part the entries are added under.
    pub role: Role,
    /// The directory that holds the entries, relative to the repository: the part's directory.
    pub root: String,
    /// Where the new file's contents come from.
    pub source: Source,
    /// Extra template variables, seen as `scope.KEY`.
    pub vars: Vec<(&'static str, String)>,
}

impl Scope {
    /// The scope of the part with this role.
    pub fn of(role: Role) -> Scope {
        let (word, source, vars) = match role {
            Role::ModuleTree(platform) => (
                platform.as_str(),
                Source::Template("add/module.nix"),
                vec![("example", platform.row().module_example.to_string())],
            ),
            Role::HostDir(platform) => (
                platform.as_str(),
                Source::Part,
                vec![
                    ("rebuild", platform.row().rebuild.to_string()),
                    ("outputs", platform.row().configurations.to_string()),
                ],
            ),
            Role::PackageDir(set) => {
                let row = set.row();
                (
                    row.word,
                    Source::Template(row.add_template),
                    vec![
                        ("overlay", row.attr.to_string()),
                        ("attr", format!("pkgs.{}", row.attr_prefix)),
                        ("platforms", row.platforms.to_string()),
                    ],
                )
            }
            _ => ("", Source::Part, Vec::new()),
        };
        Scope {
            word,
            role,
            root: root(role),
            source,
            vars,
        }
    }

    /// Whether the root is a module tree, whose `default.nix` must exist and auto-import.
    pub fn is_tree(&self) -> bool {
        matches!(self.role, Role::ModuleTree(_))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A template under `templates/`, rendered with the entry's context.
    Template(&'static str),
    /// The part itself, as `new` renders it once per host or user, so the file is the same.
    Part,
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

pub static MODULE: Kind = Kind {
    command: "add-module",
    noun: "module",
    argument: "PLATFORM/PATH",
    example: "home/shell/zsh",
    scope_word: Some("platform"),
    roles: &[
        Role::ModuleTree(Platform::Nixos),
        Role::ModuleTree(Platform::Darwin),
        Role::ModuleTree(Platform::Home),
    ],
    nested: true,
    system_suffix: false,
    layouts: &[Layout::File, Layout::Dir("default.nix")],
    record: Record::Nothing,
    next: "Turn it on with `{{entry.option}}.enable = true;` in a {{scope.word}} configuration. \
           {{#if import_tree}}{{registry}} loads the whole {{scope.word}} tree with import-tree\
           {{else}}{{scope.root}}/default.nix imports it through scanPaths, and {{registry}} exposes \
           the whole {{scope.word}} tree as one path{{/if}}, so no other file needed an edit.",
};

pub static HOST: Kind = Kind {
    command: "add-host",
    noun: "host",
    argument: "PLATFORM/NAME[@SYSTEM]",
    example: "nixos/server",
    scope_word: Some("machine platform"),
    roles: &[
        Role::HostDir(Platform::Nixos),
        Role::HostDir(Platform::Darwin),
    ],
    nested: false,
    system_suffix: true,
    layouts: &[Layout::Dir("default.nix")],
    record: Record::Hosts,
    next:
        "It is {{scope.outputs}}.{{entry.name}} ({{entry.system}}), discovered from its directory \
           by {{dirs.flake}}/configurations.nix: `{{scope.rebuild}} switch --flake .#{{entry.name}}`.\
           {{#if (eq scope.word \"nixos\")}} Before its first switch, replace {{scope.root}}/{{entry.name}}/hardware-configuration.nix \
           with the machine's own: `nixos-generate-config --show-hardware-config`.{{/if}}",
};

pub static USER: Kind = Kind {
    command: "add-user",
    noun: "user",
    argument: "NAME",
    example: "alice",
    scope_word: None,
    roles: &[Role::UserDir],
    nested: false,
    system_suffix: false,
    layouts: &[Layout::Dir("default.nix")],
    record: Record::Users,
    next: "It is homeConfigurations.{{entry.name}}, discovered from its directory by \
           {{dirs.flake}}/configurations.nix: `home-manager switch --flake .#{{entry.name}}`.",
};

pub static PACKAGE: Kind = Kind {
    command: "add-package",
    noun: "package",
    argument: "SET/NAME",
    example: "custom/my-hello",
    scope_word: Some("package set"),
    roles: &[
        Role::PackageDir(OverlaySet::Custom),
        Role::PackageDir(OverlaySet::CustomDarwin),
        Role::PackageDir(OverlaySet::CustomPypi),
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
    pub fn scopes(&self) -> Vec<Scope> {
        self.roles.iter().map(|role| Scope::of(*role)).collect()
    }

    /// The words of the scopes this repository has, by its recorded answers.
    pub fn words_in(&self, answers: &Answers) -> Vec<&'static str> {
        self.scopes()
            .into_iter()
            .filter(|scope| scope.role.applies(answers))
            .map(|scope| scope.word)
            .collect()
    }

    pub fn scope(&self, word: &str) -> Option<Scope> {
        self.scopes().into_iter().find(|scope| scope.word == word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::part;

    #[test]
    fn parts_that_additions_reuse_render_where_the_scope_says() {
        for kind in KINDS {
            for scope in kind.scopes() {
                if scope.source == Source::Part {
                    let part = part(scope.role).expect("the part exists");
                    let [Layout::Dir(file)] = kind.layouts else {
                        panic!("{}: a part has one layout", kind.command)
                    };
                    assert_eq!(
                        part.path.render(Some("x")),
                        format!("{}/x/{file}", scope.root)
                    );
                }
            }
        }
    }

    #[test]
    fn every_kind_has_a_default_layout_and_scope() {
        for kind in KINDS {
            let scopes = kind.scopes();
            assert!(!kind.layouts.is_empty() && !scopes.is_empty());
            assert_eq!(kind.scope_word.is_none(), scopes[0].word.is_empty());
            assert!(scopes.iter().all(|scope| !scope.root.is_empty()));
        }
    }
}
