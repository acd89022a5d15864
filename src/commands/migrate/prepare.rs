//! Reading a repository and planning its migration: the module trees' files, the repository's
//! `.nix` files (for the paths that name a renamed file), the rendered parts of both backends, and
//! the changes of the chosen direction.

use std::collections::BTreeMap;
use std::path::Path;

use rnix::SyntaxKind;

use super::edit;
use super::model::{is_nix, Files, Model};
use super::plan::{self, Changes};
use crate::answers::record::{edit_is_exact, set_scalar};
use crate::answers::{dir_name, Answers, ANSWERS_FILE};
use crate::error::{Error, Result};
use crate::generate::{context, plan_part};
use crate::layout::auto_import::IMPORT_TREE_INPUT;
use crate::layout::{
    part_for, path_of, Backend, Role, AUTO_IMPORT_TEMPLATE, FLAKE_DIR, LIB_DIR, MODULES_DIR,
};
use crate::nix::syntax::{binding, significant_tokens};
use crate::render::Renderer;
use crate::text::read_text;

/// A planned migration: the trees' files before and after, and the changes between them.
pub struct Migration {
    pub from: Backend,
    pub to: Backend,
    pub trees: Vec<String>,
    pub before: Files,
    pub after: Files,
    pub changes: Changes,
    auto_import: Vec<(SyntaxKind, String)>,
    /// Whether the repository's scanPaths, before and after, leaves out names starting with `_`.
    skips: (bool, bool),
}

/// What both directions read.
struct Inputs<'a> {
    repo: &'a Path,
    answers: &'a Answers,
    target: Answers,
    renderer: Renderer,
    nix_files: BTreeMap<String, String>,
}

impl Inputs<'_> {
    /// The text of a file as the changes so far leave it (`path` before any rename).
    fn current(&self, changes: &Changes, path: &str) -> Option<String> {
        changes
            .edit
            .get(path)
            .map(|(_, after)| after.clone())
            .or_else(|| self.nix_files.get(path).cloned())
    }

    fn lib(&self, answers: &Answers) -> Result<String> {
        self.render(Role::Lib, answers)
    }

    /// What the part with this role renders for these answers.
    fn render(&self, role: Role, answers: &Answers) -> Result<String> {
        let template = part_for(role, answers.auto_import).map_or("", |part| part.template);
        self.renderer.render(template, &context(answers))
    }

    /// The registry as the target renders it when it is the file nixscaffold wrote (unchanged),
    /// else edited on its syntax tree.
    fn registry(
        &self,
        changes: &mut Changes,
        edit: impl Fn(&str) -> std::result::Result<String, String>,
    ) -> Result<()> {
        let path = path_of(Role::Registry);
        let text = self.current(changes, &path).unwrap_or_default();
        if text == self.render(Role::Registry, self.answers)? {
            let target = self.render(Role::Registry, &self.target)?;
            changes.edit(&path, text, target);
            return Ok(());
        }
        match edit(&text) {
            Ok(edited) => changes.edit(&path, text, edited),
            Err(why) => changes.blockers.push(format!("{path}: {why}")),
        }
        Ok(())
    }
}

impl Migration {
    pub fn prepare(repo: &Path, answers: &Answers, to: Backend) -> Result<Migration> {
        let mut target = answers.clone();
        target.auto_import = to;
        let inputs = Inputs {
            repo,
            answers,
            target,
            renderer: answers.renderer(repo)?,
            nix_files: nix_files(repo)?,
        };
        let auto_text = inputs
            .renderer
            .render(AUTO_IMPORT_TEMPLATE, &context(answers))?;
        let auto_import = significant_tokens(&rnix::Root::parse(&auto_text).syntax());
        let trees = trees_of(answers, &inputs.nix_files, &auto_import);
        let before = read_trees(repo, &trees)?;
        let recommended =
            scan_paths_tokens(&inputs.lib(&answers_with(answers, Backend::Scanpaths))?);
        let lib_path = path_of(Role::Lib);
        let lib_now = inputs.nix_files.get(&lib_path).cloned().unwrap_or_default();
        let skips_now =
            scan_paths_tokens(&lib_now).is_some() && scan_paths_tokens(&lib_now) == recommended;
        let mut changes = Changes::default();
        let model = Model {
            files: &before,
            auto_import: &auto_import,
            scan_skips_underscore: skips_now,
        };
        let skips_after = match to {
            Backend::ImportTree => {
                to_import_tree(&inputs, &model, &trees, &mut changes)?;
                skips_now
            }
            Backend::Scanpaths => {
                to_scanpaths(&inputs, &model, &trees, &auto_text, &mut changes)?;
                let lib_after = inputs.current(&changes, &lib_path).unwrap_or_default();
                scan_paths_tokens(&lib_after) == recommended
            }
        };
        if answers.auto_import == Backend::Scanpaths && !skips_now {
            changes.notes.push(format!(
                "{lib_path}'s scanPaths is not today's helper: it is taken to import names starting \
                 with `_` too, as the helper of nixscaffold 0.1.0 did"
            ));
        }
        record_backend(&inputs, &mut changes)?;
        let after = changes.apply(&before);
        Ok(Migration {
            from: answers.auto_import,
            to,
            trees,
            before,
            after,
            changes,
            auto_import,
            skips: (skips_now, skips_after),
        })
    }

    fn model<'a>(&'a self, files: &'a Files, skips: bool) -> Model<'a> {
        Model {
            files,
            auto_import: &self.auto_import,
            scan_skips_underscore: skips,
        }
    }

    /// Per tree, the files imported before and not after, or the reverse: (path, line to show).
    pub fn differences(&self) -> Vec<(String, String)> {
        let before = self.model(&self.before, self.skips.0);
        let after = self.model(&self.after, self.skips.1);
        plan::differences(&before, self.from, &after, self.to, &self.trees)
    }

    /// How many files the trees import now.
    pub fn imported_count(&self) -> usize {
        let model = self.model(&self.before, self.skips.0);
        self.trees
            .iter()
            .map(|root| model.imported(root, self.from).modules.len())
            .sum()
    }
}

/// Per module tree, the files it imports today (the auto-import files not counted).
pub fn imported_files(
    repo: &Path,
    answers: &Answers,
) -> Result<BTreeMap<String, std::collections::BTreeSet<String>>> {
    let renderer = answers.renderer(repo)?;
    let auto_text = renderer.render(AUTO_IMPORT_TEMPLATE, &context(answers))?;
    let auto_import = significant_tokens(&rnix::Root::parse(&auto_text).syntax());
    let trees = trees_of(answers, &nix_files(repo)?, &auto_import);
    let files = read_trees(repo, &trees)?;
    let recommended_lib = renderer.render(
        "lib/default.nix",
        &context(&answers_with(answers, Backend::Scanpaths)),
    )?;
    let lib = read_text(&repo.join(path_of(Role::Lib))).unwrap_or_default();
    let model = Model {
        files: &files,
        auto_import: &auto_import,
        scan_skips_underscore: scan_paths_tokens(&lib).is_some()
            && scan_paths_tokens(&lib) == scan_paths_tokens(&recommended_lib),
    };
    Ok(trees
        .iter()
        .map(|root| {
            let imported = model.imported(root, answers.auto_import);
            (root.clone(), imported.modules)
        })
        .collect())
}

/// The module trees: each platform's, and `flake/` when the backend auto-imports it (its
/// `default.nix` is the auto-import file, or flake.nix loads it with import-tree).
fn trees_of(
    answers: &Answers,
    nix_files: &BTreeMap<String, String>,
    auto_import: &[(SyntaxKind, String)],
) -> Vec<String> {
    let text = |path: &str| nix_files.get(path).map_or("", String::as_str);
    let flake_auto = match answers.auto_import {
        Backend::Scanpaths => {
            let default = text(&format!("{FLAKE_DIR}/default.nix"));
            significant_tokens(&rnix::Root::parse(default).syntax()) == auto_import
        }
        Backend::ImportTree => {
            edit::loads_with_import_tree(text("flake.nix"), &format!("./{FLAKE_DIR}"))
        }
    };
    let roots = answers.platforms.iter().map(|p| p.module_root()).collect();
    plan::trees(roots, flake_auto)
}

fn answers_with(answers: &Answers, backend: Backend) -> Answers {
    let mut out = answers.clone();
    out.auto_import = backend;
    out
}

/// The significant tokens of the `scanPaths` definition in a lib file, if it has one.
fn scan_paths_tokens(lib: &str) -> Option<Vec<(SyntaxKind, String)>> {
    let root = rnix::Root::parse(lib).syntax();
    root.descendants()
        .filter_map(|node| binding(&node))
        .find(|(names, _)| names.last().is_some_and(|n| n == "scanPaths"))
        .map(|(_, value)| significant_tokens(&value))
}

fn to_import_tree(
    inputs: &Inputs,
    model: &Model,
    trees: &[String],
    changes: &mut Changes,
) -> Result<()> {
    plan::remove_and_rename(model, trees, changes);
    plan::rewrite_references(&inputs.nix_files, changes);
    let platform_trees: Vec<String> = trees.iter().filter(|t| *t != FLAKE_DIR).cloned().collect();
    inputs.registry(changes, |text| {
        edit::registry_to_import_tree(text, MODULES_DIR, &platform_trees)
    })?;
    let flake_default = format!("{FLAKE_DIR}/default.nix");
    let flake_dir = format!("./{FLAKE_DIR}");
    let loads_flake_dir = changes.remove.contains(&flake_default);
    let text = inputs.current(changes, "flake.nix").unwrap_or_default();
    match edit::flake_to_import_tree(&text, loads_flake_dir.then_some(flake_dir.as_str())) {
        Ok(edited) => changes.edit("flake.nix", text, edited),
        Err(why) => changes.blockers.push(format!("flake.nix: {why}")),
    }
    swap_lib(inputs, changes, |others| {
        others.iter().any(|text| edit::uses(text, "scanPaths"))
    })?;
    create_readmes(inputs, changes)
}

fn to_scanpaths(
    inputs: &Inputs,
    model: &Model,
    trees: &[String],
    auto_import: &str,
    changes: &mut Changes,
) -> Result<()> {
    plan::create_defaults(model, trees, auto_import, changes);
    plan::rewrite_references(&inputs.nix_files, changes);
    inputs.registry(changes, edit::registry_to_scanpaths)?;
    let registry = path_of(Role::Registry);
    let others_use_it = inputs
        .nix_files
        .iter()
        .filter(|(path, _)| *path != "flake.nix" && **path != registry)
        .any(|(_, text)| edit::uses(text, IMPORT_TREE_INPUT));
    let text = inputs.current(changes, "flake.nix").unwrap_or_default();
    let edited = edit::flake_to_scanpaths(&text, !others_use_it);
    changes.edit("flake.nix", text, edited);
    if others_use_it {
        changes
            .notes
            .push("the import-tree input stays: other files use it".into());
    }
    swap_lib(inputs, changes, |_| false)?;
    let lib_path = path_of(Role::Lib);
    let lib = inputs.current(changes, &lib_path).unwrap_or_default();
    if scan_paths_tokens(&lib).is_none() {
        changes.blockers.push(format!(
            "{lib_path} has no scanPaths helper, and it is not the file nixscaffold wrote, so it is \
             left to you: add `scanPaths` to it (`nixscaffold new /tmp/x --yes --no-git` writes \
             one in /tmp/x/{lib_path}), then run this again"
        ));
    }
    Ok(())
}

/// `lib/default.nix` as the target backend renders it, when it is the file the current backend
/// rendered (unchanged) and `keep` does not hold for the repository's other `.nix` files.
fn swap_lib(
    inputs: &Inputs,
    changes: &mut Changes,
    keep: impl Fn(&[&String]) -> bool,
) -> Result<()> {
    let lib_path = format!("{LIB_DIR}/default.nix");
    let Some(now) = inputs.current(changes, &lib_path) else {
        return Ok(());
    };
    let removed = |path: &String| changes.remove.contains(path);
    let others: Vec<&String> = inputs
        .nix_files
        .iter()
        .filter(|(path, _)| **path != lib_path && !removed(path))
        .map(|(_, text)| text)
        .collect();
    if now == inputs.lib(inputs.answers)? && !keep(&others) {
        changes.edit(&lib_path, now, inputs.lib(&inputs.target)?);
    } else if inputs.target.auto_import == Backend::ImportTree {
        changes.notes.push(format!(
            "{lib_path} is kept as it is (your own, or still used): `check` will show how it differs"
        ));
    }
    Ok(())
}

/// The README that import-tree trees have, where a tree has none.
fn create_readmes(inputs: &Inputs, changes: &mut Changes) -> Result<()> {
    for platform in &inputs.target.platforms {
        let Some(part) = part_for(Role::ModuleTree(*platform), Backend::ImportTree) else {
            continue;
        };
        for file in plan_part(part, &inputs.target, &inputs.renderer)? {
            if !inputs.repo.join(&file.path).exists() {
                changes.create.push((file.path, file.contents));
            }
        }
    }
    Ok(())
}

/// `.nixscaffold.yaml` records the new backend; the edit is proven to change nothing else.
fn record_backend(inputs: &Inputs, changes: &mut Changes) -> Result<()> {
    let path = inputs.repo.join(ANSWERS_FILE);
    let text = read_text(&path)?;
    let edited = set_scalar(&text, "auto-import", inputs.target.auto_import.as_str());
    if !edit_is_exact(&edited, &dir_name(inputs.repo), &inputs.target) {
        changes.blockers.push(format!(
            "{ANSWERS_FILE}: setting `auto-import: {}` would change other answers (is the key written \
             in a form nixscaffold does not edit?): fix it by hand",
            inputs.target.auto_import
        ));
    }
    changes.edit(ANSWERS_FILE, text, edited);
    Ok(())
}

/// Every file below the trees (text for UTF-8 files); a link in a tree stops the migration.
fn read_trees(repo: &Path, trees: &[String]) -> Result<Files> {
    let mut files = Files::default();
    for tree in trees {
        walk(repo, tree, true, &mut |path, text| {
            files.0.insert(path, text);
        })?;
    }
    Ok(files)
}

/// The repository's `.nix` files that are UTF-8, by path.
fn nix_files(repo: &Path) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    walk(repo, "", false, &mut |path, text| {
        if let (true, Some(text)) = (is_nix(&path), text) {
            out.insert(path, text);
        }
    })?;
    Ok(out)
}

/// Calls `found` with every file below `dir` (relative to `repo`), skipping `.git`. A symbolic link
/// is skipped, or with `refuse_links` stops the walk (a module tree's links are not followed).
fn walk(
    repo: &Path,
    dir: &str,
    refuse_links: bool,
    found: &mut dyn FnMut(String, Option<String>),
) -> Result<()> {
    let at = repo.join(dir);
    let entries = match std::fs::read_dir(&at) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io("read directory", &at, e)),
    };
    let mut names: Vec<(String, std::fs::FileType)> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("read directory", &at, e))?;
        let kind = entry
            .file_type()
            .map_err(|e| Error::io("inspect", &entry.path(), e))?;
        names.push((entry.file_name().to_string_lossy().into_owned(), kind));
    }
    names.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, kind) in names {
        let path = if dir.is_empty() {
            name.clone()
        } else {
            format!("{dir}/{name}")
        };
        if kind.is_symlink() {
            if !refuse_links {
                continue; // `result` and other links are not the repository's own files
            }
            return Err(Error::usage(format!(
                "{path} is a symbolic link; migrate does not follow links: replace it with what it \
                 points to, or move it out of the module trees, then run this again"
            )));
        } else if kind.is_dir() {
            if name != ".git" {
                walk(repo, &path, refuse_links, found)?;
            }
        } else {
            let text = std::fs::read(repo.join(&path))
                .map_err(|e| Error::io("read", &repo.join(&path), e))?;
            found(path, String::from_utf8(text).ok());
        }
    }
    Ok(())
}
