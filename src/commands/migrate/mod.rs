//! `nixscaffold migrate --to scanpaths|import-tree`: moves a repository from one auto-import backend
//! to the other. It plans every change in memory (`plan`), proves on the plan that each module tree
//! imports the same files before and after (`model`), shows it (`--dry-run`: with diffs), refuses
//! uncommitted changes in the files it touches, and then makes the changes all or nothing (`apply`).
//!
//! The project's rule is that nixscaffold never deletes or overwrites a file; `migrate` is the one
//! command that does, because the user asks for exactly that by name. It removes only the
//! auto-import `default.nix` files its model followed, and edits files through their syntax tree.

mod apply;
mod edit;
mod model;
mod plan;
mod prepare;

use std::path::{Path, PathBuf};

use similar::TextDiff;

use crate::answers::{Answers, ANSWERS_FILE};
use crate::cli::MigrateArgs;
use crate::error::{exit, Error, Result};
use crate::git;

use self::plan::Changes;
pub use self::prepare::imported_files;
use self::prepare::Migration;

pub fn run(args: &MigrateArgs) -> Result<i32> {
    let repo = super::add::find_repo(args.dir.as_deref())?;
    // One writer at a time (see `lock`), from reading the answers to staging the result.
    let _lock = (!args.dry_run)
        .then(|| crate::lock::acquire(&repo))
        .transpose()?;
    let answers = Answers::read(&repo)?.ok_or_else(|| {
        Error::usage(format!(
            "{} has no {ANSWERS_FILE}, so its module trees and backend are unknown and nothing was \
             changed: migrate moves a repository made by `nixscaffold new` (or adopted: give it a \
             {ANSWERS_FILE} naming its `platforms` and `namespace`)",
            repo.display()
        ))
    })?;
    let (from, to) = (answers.auto_import, args.to);
    if from == to {
        say!("{} already uses {to}: nothing to do.", repo.display());
        return Ok(exit::OK);
    }
    let migration = Migration::prepare(&repo, &answers, to)?;
    let changes = &migration.changes;
    if !changes.blockers.is_empty() {
        return Err(Error::usage(format!(
            "cannot migrate {} to {to}; nothing was changed:\n  {}",
            repo.display(),
            changes.blockers.join("\n  ")
        )));
    }
    say!("Migrating {} from {from} to {to}:", repo.display());
    print_changes(changes, args.dry_run);
    for note in &changes.notes {
        say!("note: {note}");
    }
    check_differences(&migration, &args.accept)?;
    if args.dry_run {
        say!("(dry run: nothing was changed)");
        return Ok(exit::OK);
    }
    if !args.allow_dirty {
        refuse_uncommitted(&repo, changes)?;
    }
    apply::apply(&repo, changes)?;
    say!(
        "Done: {ANSWERS_FILE} records `auto-import: {to}`. `nixscaffold check` audits the result."
    );
    if !args.no_git {
        stage(&repo, changes);
    }
    Ok(exit::OK)
}

fn print_changes(changes: &Changes, diffs: bool) {
    for path in &changes.remove {
        say!("  remove  {path}  (auto-import)");
    }
    for (from, to) in &changes.rename {
        say!("  rename  {from} -> {to}  (must not be imported)");
    }
    for (path, _) in &changes.create {
        say!("  create  {path}");
    }
    for (path, (before, after)) in &changes.edit {
        say!("  edit    {path}");
        if diffs {
            let diff = TextDiff::from_lines(before.as_str(), after.as_str())
                .unified_diff()
                .context_radius(2)
                .header(&format!("a/{path}"), &format!("b/{path}"))
                .to_string();
            for line in diff.lines() {
                say!("    {line}");
            }
        }
    }
}

/// Stops (exit 2) when some tree's imported files differ and the difference is not accepted.
fn check_differences(migration: &Migration, accepted: &[String]) -> Result<()> {
    let differences = migration.differences();
    let open: Vec<&String> = differences
        .iter()
        .filter(|(path, _)| !accepted.iter().any(|a| a.trim_end_matches('/') == path))
        .map(|(_, line)| line)
        .collect();
    for path in accepted {
        if !differences
            .iter()
            .any(|(p, _)| p == path.trim_end_matches('/'))
        {
            tell!("warning: --accept {path}: its import does not change; nothing to accept there");
        }
    }
    let imported = migration.imported_count();
    if differences.is_empty() {
        say!("Imported files: the same before and after ({imported} files in the module trees).");
        return Ok(());
    }
    for (_, line) in differences.iter().filter(|(_, l)| !open.contains(&l)) {
        say!("accepted: {line}");
    }
    if open.is_empty() {
        return Ok(());
    }
    Err(Error::usage(format!(
        "the module trees would import different files, so nothing was changed:\n  {}\n\
         Fix the tree first (rename a file that must not be imported with a `_` prefix, import a \
         file by hand), or, when the change is what you want, name each path with --accept PATH",
        open.iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join("\n  ")
    )))
}

fn refuse_uncommitted(repo: &Path, changes: &Changes) -> Result<()> {
    if git::work_tree(repo).is_none() {
        say!(
            "(not a git work tree: nothing can tell uncommitted changes; --dry-run shows the plan)"
        );
        return Ok(());
    }
    let touched: Vec<PathBuf> = changes.touched().into_iter().map(PathBuf::from).collect();
    let dirty = git::dirty(repo, &touched).map_err(Error::usage)?;
    if dirty.is_empty() {
        return Ok(());
    }
    Err(Error::usage(format!(
        "files it would change have uncommitted changes, so nothing was changed:\n  {}\n\
         Commit or stash them first (git can then undo the migration), or give --allow-dirty",
        dirty.join("\n  ")
    )))
}

fn stage(repo: &Path, changes: &Changes) {
    if git::work_tree(repo).is_none() {
        return;
    }
    let mut gone: Vec<PathBuf> = changes.remove.iter().map(PathBuf::from).collect();
    gone.extend(changes.rename.iter().map(|(from, _)| PathBuf::from(from)));
    let mut present: Vec<PathBuf> = changes.rename.iter().map(|(_, to)| to.into()).collect();
    present.extend(changes.create.iter().map(|(path, _)| PathBuf::from(path)));
    present.extend(changes.edit.keys().map(PathBuf::from));
    match git::stage(repo, &present, &gone) {
        Ok(()) => say!("Staged the changes in git's index: a flake sees only tracked files."),
        Err(why) => tell!("warning: {why}\n         Stage the changes with `git add -A` yourself."),
    }
}
