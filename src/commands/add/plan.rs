//! Planning one addition: which part it goes under, where its file lands, what it contains, which
//! directories on the way need an auto-importing `default.nix`, and the edit of `.nixscaffold.yaml`.
//! Everything is checked and rendered here; nothing is written.

use std::path::Path;

use serde_json::{json, Map, Value};

use super::target::Target;
use super::Request;
use crate::answers::record::{self, RecordEdit};
use crate::answers::{Answers, Host, ANSWERS_FILE};
use crate::error::{Error, Result};
use crate::generate::{self, PlannedFile};
use crate::layout::auto_import::{auto_imports, auto_imports_with, left_out, Backend};
use crate::layout::choices::{check_darwin_state_version, check_release};
use crate::layout::growth::{Kind, Layout, Scope, Source};
use crate::layout::{part, path_of, Ownership, Platform, Role, AUTO_IMPORT_TEMPLATE};
use crate::render::Renderer;
use crate::write::{present, read_if_present, refuse_links};

/// How to adopt a repository that `add-*` cannot grow yet.
pub fn adopt() -> String {
    "Run `nixscaffold adopt` first: it records the repository's own answers and layout (its \
     platforms, module roots, helper and how it imports modules) in .nixscaffold.yaml, and \
     `add-*` then grows it in that layout. Then run this command again."
        .to_string()
}

pub struct Plan {
    pub files: Vec<PlannedFile>,
    pub record: Option<RecordEdit>,
    /// Why nothing is recorded although the kind is recorded, when that is so.
    pub record_note: Option<String>,
    pub warnings: Vec<String>,
    /// What to do next, rendered from the kind's `next`.
    pub next: String,
}

/// What the word before the slash needs the repository to have, in words.
fn describe(role: Role) -> String {
    match role {
        Role::PackageDir(set) => format!("the {} overlay", set.attr()),
        Role::ModuleTree(platform) | Role::HostDir(platform) => format!("the {platform} platform"),
        _ => format!("the {} platform", Platform::Home),
    }
}

pub fn choose_scope(kind: &Kind, target: &Target, answers: &Answers) -> Result<Scope> {
    let present = kind.words_in(answers);
    let listed = if present.is_empty() {
        "none".to_string()
    } else {
        present.join(", ")
    };
    match (kind.scope(&target.scope), kind.scope_word) {
        (Some(scope), _) if scope.role.applies(answers) => Ok(scope),
        (Some(scope), Some(word)) => Err(Error::usage(format!(
            "`{}` is not a {word} of this repository: it has {listed} ({ANSWERS_FILE} lists its \
             choices; a repository without {} has nowhere to put the {})",
            target.scope,
            describe(scope.role),
            kind.noun
        ))),
        (Some(scope), None) => Err(Error::usage(format!(
            "this repository does not have {} ({ANSWERS_FILE}), so it has no {}s",
            describe(scope.role),
            kind.noun
        ))),
        (None, word) => Err(Error::usage(format!(
            "unknown {} `{}` in `{}`: this repository has {listed}",
            word.unwrap_or("scope"),
            target.scope,
            target.text
        ))),
    }
}

/// In an adopted repository (`layout:` recorded), a module tree is where that repository keeps its
/// modules of the platform.
pub fn in_own_layout(mut scope: Scope, answers: &Answers) -> Result<Scope> {
    let (Some(layout), Role::ModuleTree(platform)) = (answers.layout.as_deref(), scope.role) else {
        return Ok(scope);
    };
    match layout.modules.get(&platform) {
        Some(root) => {
            scope.root = root.clone();
            Ok(scope)
        }
        None => Err(Error::usage(format!(
            "{ANSWERS_FILE} records no place for this repository's {platform} modules (`adopt` \
             could not tell): add `layout: {{ modules: {{ {platform}: DIR }} }}` to it, then run \
             this again; nothing was added"
        ))),
    }
}

pub fn choose_layout(kind: &Kind, request: &Request) -> Result<Layout> {
    let wanted = |file: bool| {
        kind.layouts
            .iter()
            .copied()
            .find(|layout| matches!(layout, Layout::File) == file)
            .ok_or_else(|| {
                Error::usage(format!(
                    "{} has no {} layout",
                    kind.command,
                    if file { "--as-file" } else { "--as-dir" }
                ))
            })
    };
    match (request.as_file, request.as_dir) {
        (true, true) => Err(Error::usage("--as-file and --as-dir exclude each other")),
        (true, false) => wanted(true),
        (false, true) => wanted(false),
        (false, false) => Ok(kind.layouts[0]),
    }
}

/// What one addition will write, checked against the repository.
pub struct Addition<'a> {
    pub kind: &'a Kind,
    pub scope: &'a Scope,
    pub target: &'a Target,
    pub layout: Layout,
    pub answers: &'a Answers,
    pub repo: &'a Path,
    pub renderer: &'a Renderer,
    /// `add-host --state-version`.
    pub state_version: Option<&'a str>,
}

impl Addition<'_> {
    pub fn plan(&self) -> Result<Plan> {
        let (name, dirs) = self.target.name_and_dirs()?;
        let parent = std::iter::once(self.scope.root.clone())
            .chain(dirs.iter().cloned())
            .collect::<Vec<_>>()
            .join("/");
        // Nothing is read or written through a link: the tree could be anywhere.
        refuse_links(self.repo, &parent)?;
        let mut warnings = Vec::new();
        self.check_tree(&mut warnings)?;
        self.check_free(&parent, name)?;
        if let Role::PackageDir(set) = self.scope.role {
            if let Some(attr) = set.shadows(name) {
                warnings.push(format!(
                    "`{name}` replaces nixpkgs' {attr} for everything built with this flake's pkgs \
                     (the {} overlay shadows it). If that is not what you want, choose a name \
                     nixpkgs does not use, e.g. my-{name}",
                    set.attr()
                ));
            }
        }
        let host = self.host(name)?;
        let path = format!("{parent}/{}", self.layout.file_name(name));
        let context = self.context(name, &path, host.as_ref());
        let mut files = self.directories_on_the_way(dirs, &context, &mut warnings)?;
        files.extend(self.entry_files(name, host.as_ref(), &path, &context)?);
        let (record, record_note) = record::plan_edit(
            self.kind.record,
            self.answers,
            name,
            host.as_ref(),
            self.repo,
            &mut warnings,
        )?;
        let next = match (self.answers.layout.is_some(), self.scope.is_tree()) {
            (true, true) => self.next_in_own_layout(&context),
            _ => self.renderer.render_path(self.kind.next, &context)?,
        };
        Ok(Plan {
            files,
            record,
            record_note,
            warnings,
            next,
        })
    }

    /// A module tree's root must exist; a warning when it does not auto-import. With import-tree the
    /// root is a directory the registry loads, and a name starting with `_` would not be imported.
    fn check_tree(&self, warnings: &mut Vec<String>) -> Result<()> {
        if !self.scope.is_tree() {
            return Ok(());
        }
        if let Some(segment) = self.target.segments.iter().find(|s| left_out(s)) {
            return Err(Error::usage(format!(
                "`{}`: `{segment}` starts with `_`, and a name starting with `_` is left out of a \
                 module tree ({}), so the module would never be imported. Choose a name without the `_`",
                self.target.text, self.answers.auto_import
            )));
        }
        if self.answers.layout.is_none() && self.answers.auto_import == Backend::ImportTree {
            return match present(self.repo, &self.scope.root)? {
                true => Ok(()),
                false => Err(Error::usage(format!(
                    "{} has no {} {} tree: {}/ is missing, so nothing was added. Create the directory \
                     (import-tree loads it from {}), then run this again",
                    self.repo.display(),
                    self.scope.word,
                    self.kind.noun,
                    self.scope.root,
                    path_of(Role::Registry)
                ))),
            };
        }
        if !self.tree_has_default_nix() {
            // An adopted repository that imports its trees otherwise: the root must exist.
            if !self.repo.join(&self.scope.root).is_dir() {
                return Err(Error::usage(format!(
                    "{}/ does not exist in {} ({ANSWERS_FILE} records it as the {} {} tree); create \
                     it or correct `layout.modules`, then run this again",
                    self.scope.root,
                    self.repo.display(),
                    self.scope.word,
                    self.kind.noun
                )));
            }
            if self
                .answers
                .layout
                .as_deref()
                .is_some_and(|l| l.hand_lists())
            {
                warnings.push(format!(
                    "this repository lists its modules by hand: import the new file from the \
                     list that imports {}/ (nothing imports it yet)",
                    self.scope.root
                ));
            }
            return Ok(());
        }
        let root_file = format!("{}/default.nix", self.scope.root);
        match read_if_present(self.repo, &root_file)? {
            Some(text) if self.auto_imports(&text) => {}
            Some(text) => warn_unless_auto_import(&root_file, &text, warnings),
            None => {
                return Err(Error::usage(format!(
                    "{} has no {} {} tree: {root_file} is missing, so nothing was added. {}",
                    self.repo.display(),
                    self.scope.word,
                    self.kind.noun,
                    adopt()
                )))
            }
        }
        Ok(())
    }

    /// Never over anything: not the file, nor the other layout's file or directory of the same name.
    fn check_free(&self, parent: &str, name: &str) -> Result<()> {
        for other in self.kind.layouts {
            let claimed = format!("{parent}/{}", other.claims(name));
            if present(self.repo, &claimed)? {
                return Err(Error::usage(format!(
                    "{claimed} already exists in {}; nixscaffold never overwrites (choose another name, or \
                     move it away first)",
                    self.repo.display()
                )));
            }
        }
        Ok(())
    }

    /// The host being added, for kinds with a system suffix.
    fn host(&self, name: &str) -> Result<Option<Host>> {
        match (self.kind.system_suffix, self.scope.role) {
            (true, Role::HostDir(platform)) => {
                host_for(self.target, platform, name, self.answers).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// The template context: the repository's, plus `scope` and `entry`.
    fn context(&self, name: &str, path: &str, host: Option<&Host>) -> Value {
        let mut context = generate::context(self.answers);
        let mut scope = Map::new();
        scope.insert("word".into(), json!(self.scope.word));
        scope.insert("root".into(), json!(self.scope.root));
        for (key, value) in &self.scope.vars {
            scope.insert((*key).into(), json!(value));
        }
        let dotted = self.target.segments.join(".");
        context["scope"] = Value::Object(scope);
        context["entry"] = json!({
            "name": name,
            "path": dotted,
            "option": format!("{}.{dotted}", self.answers.namespace),
            "file": path,
            "identifier": name.replace('-', "_"),
            "system": host.and_then(|h| h.system.clone()),
        });
        context
    }

    /// What to do after adding a module to an adopted repository's own tree.
    fn next_in_own_layout(&self, context: &Value) -> String {
        let option = context["entry"]["option"].as_str().unwrap_or_default();
        let imported = if !self.tree_has_default_nix() {
            match self
                .answers
                .layout
                .as_deref()
                .is_some_and(|l| l.hand_lists())
            {
                true => "List it where this tree's modules are imported.".to_string(),
                false => "The repository's auto-import picks it up.".to_string(),
            }
        } else {
            format!(
                "{}/default.nix imports it with the repository's helper.",
                self.scope.root
            )
        };
        format!(
            "Turn it on with `{option}.enable = true;` in a {} configuration. {imported}",
            self.scope.word
        )
    }

    /// Whether the tree's directories each hold an auto-importing `default.nix`: in the shape, and
    /// in an adopted repository whose backend is scanPaths-like.
    fn tree_has_default_nix(&self) -> bool {
        self.answers.auto_import == Backend::Scanpaths
            && self
                .answers
                .layout
                .as_deref()
                .is_none_or(|l| l.needs_default_nix())
    }

    /// The text of a new directory's `default.nix`: in an adopted repository the tree root's own
    /// (its helper, called its way), else the template's.
    fn auto_import_text(&self, context: &Value) -> Result<String> {
        if self.answers.layout.is_some() {
            let root_file = format!("{}/default.nix", self.scope.root);
            if let Some(text) = read_if_present(self.repo, &root_file)? {
                if self.auto_imports(&text) {
                    return Ok(text);
                }
            }
        }
        self.renderer.render(AUTO_IMPORT_TEMPLATE, context)
    }

    /// Whether `text` auto-imports its directory, with this repository's helper too.
    fn auto_imports(&self, text: &str) -> bool {
        let own = self.answers.layout.as_deref().and_then(|l| l.helper_name());
        auto_imports_with(text, own)
    }

    /// Each new directory between the tree's root and the entry auto-imports its contents (with
    /// scanPaths: a `default.nix`; import-tree needs none).
    fn directories_on_the_way(
        &self,
        dirs: &[String],
        context: &Value,
        warnings: &mut Vec<String>,
    ) -> Result<Vec<PlannedFile>> {
        let mut files = Vec::new();
        if self.answers.auto_import == Backend::ImportTree {
            return Ok(files);
        }
        let mut dir = self.scope.root.clone();
        // Every new directory gets the same file: rendered once, however deep the path.
        let mut auto_import = None;
        for segment in dirs {
            // A module file of the same name: `a.nix` and a directory `a/` would both be module `a`.
            let file_module = format!("{dir}/{segment}.nix");
            if present(self.repo, &file_module)? {
                return Err(Error::usage(format!(
                    "{file_module} already exists in {}: `{segment}` is a module file, so it cannot also be \
                     a directory of modules. To grow it, move it to {dir}/{segment}/default.nix first \
                     (the layout `--as-dir` writes), then run this again",
                    self.repo.display()
                )));
            }
            dir = format!("{dir}/{segment}");
            let default = format!("{dir}/default.nix");
            if !self.tree_has_default_nix() {
                continue;
            }
            match read_if_present(self.repo, &default)? {
                Some(text) if self.auto_imports(&text) => {}
                Some(text) => warn_unless_auto_import(&default, &text, warnings),
                None => {
                    let contents = match &auto_import {
                        Some(contents) => String::clone(contents),
                        None => self.auto_import_text(context)?,
                    };
                    auto_import = Some(contents.clone());
                    files.push(PlannedFile {
                        path: default,
                        contents,
                        ownership: Ownership::Managed,
                    });
                }
            }
        }
        Ok(files)
    }

    fn entry_files(
        &self,
        name: &str,
        host: Option<&Host>,
        path: &str,
        context: &Value,
    ) -> Result<Vec<PlannedFile>> {
        match (self.scope.source, host) {
            (Source::Template(template), _) => Ok(vec![PlannedFile {
                path: path.to_string(),
                contents: self.renderer.render(template, context)?,
                ownership: Ownership::Starter,
            }]),
            (Source::Part, Some(host)) => self.render_host(host, path),
            (Source::Part, None) => self.render_part(name, path).map(|file| vec![file]),
        }
    }

    /// A machine's directory as `new` renders it, with the stateVersion given for an existing one.
    fn render_host(&self, host: &Host, path: &str) -> Result<Vec<PlannedFile>> {
        let state_version = self
            .state_version
            .map(|text| state_version_for(host.platform, text))
            .transpose()?;
        let files = generate::plan_host(self.answers, host, state_version, self.renderer)?;
        if files.first().map(|file| file.path.as_str()) != Some(path) {
            return Err(Error::Internal(format!(
                "the shape renders {:?} where {path} was expected",
                files.first().map(|f| &f.path)
            )));
        }
        Ok(files)
    }

    /// Renders the part of the shape that `new` renders for one user, for just this one.
    fn render_part(&self, name: &str, path: &str) -> Result<PlannedFile> {
        let role = self.scope.role;
        let part = part(role)
            .ok_or_else(|| Error::Internal(format!("no part of the shape for {role:?}")))?;
        let mut one = self.answers.clone();
        one.users = vec![name.to_string()];
        let mut files = generate::plan_part(part, &one, self.renderer)?;
        match (files.pop(), files.is_empty()) {
            (Some(file), true) if file.path == path => Ok(file),
            (file, _) => Err(Error::Internal(format!(
                "the shape renders {:?} where {path} was expected",
                file.map(|f| f.path)
            ))),
        }
    }
}

/// `--state-version` for a machine of this platform: a NixOS release, or nix-darwin's number.
fn state_version_for(platform: Platform, text: &str) -> Result<Value> {
    let checked = match platform {
        Platform::Darwin => check_darwin_state_version(text).map(|n| json!(n)),
        _ => check_release(text).map(|()| json!(text)),
    };
    checked.map_err(|why| Error::usage(format!("--state-version: {why}")))
}

/// The README's promise: a directory whose `default.nix` does not auto-import gets a warning, as
/// the new file must then be imported by hand. Decided on the syntax, not on words in comments.
fn warn_unless_auto_import(file: &str, text: &str, warnings: &mut Vec<String>) {
    if !auto_imports(text) {
        warnings.push(format!(
            "{file} does not auto-import its directory (its `imports` is not `lib.custom.scanPaths ./.`): \
             import the new file from it by hand"
        ));
    }
}

/// The host being added, with its system: the one given, else the first the repository builds
/// that runs the platform.
fn host_for(target: &Target, platform: Platform, name: &str, answers: &Answers) -> Result<Host> {
    let mut host = Host {
        platform,
        name: name.to_string(),
        system: target.system.clone(),
    };
    match &host.system {
        Some(system) if !platform.runs_on(system) => Err(Error::usage(format!(
            "`{}`: {platform} does not run on {system}",
            target.text
        ))),
        Some(_) => Ok(host),
        None => {
            // A machine already recorded (its directory removed or renamed) keeps its system.
            host.system = answers
                .hosts
                .iter()
                .find(|h| h.platform == platform && h.name == name)
                .and_then(|h| h.system.clone())
                .or_else(|| answers.host_system(&host));
            if host.system.is_none() {
                return Err(Error::usage(format!(
                    "no system of this repository runs {platform}; give one: {platform}/{name}@SYSTEM"
                )));
            }
            Ok(host)
        }
    }
}
