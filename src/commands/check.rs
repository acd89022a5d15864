//! `nixscaffold check`: reads a repository and reports drift and findings; with `--fix`, applies
//! the fixes the rules attached to their findings (through `fix`) and reports what is left.

use std::path::{Path, PathBuf};

use crate::check::{check_dir, Outcome};
use crate::cli::{CheckArgs, CheckFormat, FixLevel};
use crate::error::{exit, Error, Result};
use crate::fix::{self, FixClass};
use crate::{git, out, report, root, sarif};

pub fn run(args: &CheckArgs) -> Result<i32> {
    let dir = match args.dir.as_ref().or(args.repo.as_ref()) {
        Some(dir) => dir.clone(),
        None => discovered_root()?,
    };
    let outcome = check_dir(&dir)?;
    let Some(level) = args.fix else {
        return print(args, &outcome);
    };
    let mut text = String::new();
    let fixed = fix_outcome(args, &dir, &outcome, level, &mut text)?;
    emit(args, text)?;
    if args.dry_run || !fixed {
        return print(args, &outcome);
    }
    print(args, &check_dir(&dir)?)
}

/// What `--fix` did: on standard output before a human report, on standard error when the
/// report is a document for a program (JSON, annotations).
fn emit(args: &CheckArgs, text: String) -> Result<()> {
    match args.format {
        CheckFormat::Human => out::document(text),
        _ => {
            tell!("{}", text.trim_end());
            Ok(())
        }
    }
}

fn print(args: &CheckArgs, outcome: &Outcome) -> Result<i32> {
    let text = match args.format {
        CheckFormat::Human => report::human(outcome, report::use_color(), args.verbose),
        CheckFormat::Json => {
            let mut text = serde_json::to_string_pretty(&report::json(outcome))
                .map_err(|e| Error::Internal(format!("cannot write JSON: {e}")))?;
            text.push('\n');
            text
        }
        CheckFormat::Github => report::github(outcome),
        CheckFormat::Sarif => sarif::document(outcome)?,
    };
    out::document(text)?;
    Ok(if outcome.findings.is_empty() {
        exit::OK
    } else {
        exit::FINDINGS
    })
}

/// The repository around the current directory (see `root`), shown relative to it; else `.`.
fn discovered_root() -> Result<PathBuf> {
    let here = std::env::current_dir()
        .map_err(|e| Error::io("find", std::path::Path::new("the current directory"), e))?;
    Ok(match root::discover(&here) {
        Some(found) => root::shown_from(&here, &found),
        None => PathBuf::from("."),
    })
}

/// Plans the fixes of `outcome`'s findings, prints the diff (`--dry-run`) or writes them; says
/// what happened into `text`. Whether anything was written.
fn fix_outcome(
    args: &CheckArgs,
    root: &Path,
    outcome: &Outcome,
    level: FixLevel,
    text: &mut String,
) -> Result<bool> {
    let allowed = |class: FixClass| class == FixClass::Safe || level == FixLevel::Managed;
    let fixes: Vec<fix::Fix> = outcome
        .findings
        .iter()
        .filter_map(|finding| finding.autofix.clone())
        .filter(|fix| allowed(fix.class))
        .collect();
    let held_back = outcome
        .findings
        .iter()
        .filter_map(|finding| finding.autofix.as_ref())
        .filter(|fix| !allowed(fix.class))
        .count();
    let plan = fix::plan(root, fixes)?;
    for (file, reason) in &plan.refused {
        text.push_str(&format!("not fixed: {file}: {reason}\n"));
    }
    if held_back > 0 {
        text.push_str(&format!(
            "{held_back} drifted managed file(s) not restored: `--fix=managed` restores them (their edits are lost)\n"
        ));
    }
    if plan.changes.is_empty() {
        text.push_str("fix: nothing to fix mechanically\n\n");
        return Ok(false);
    }
    if args.dry_run {
        for change in &plan.changes {
            text.push_str(&change.diff());
        }
        text.push_str(&format!(
            "(dry run: {} file(s) would change; nothing was written)\n\n",
            plan.changes.len()
        ));
        return Ok(false);
    }
    refuse_dirty(root, &plan.files(), args.allow_dirty)?;
    fix::apply(root, &plan)?;
    for change in &plan.changes {
        text.push_str(&format!(
            "fixed {}: {}\n",
            change.file,
            change.summaries.join("; ")
        ));
    }
    // A flake sees only the files git tracks: a created file is added, as `add-*` does.
    let created: Vec<PathBuf> = plan
        .changes
        .iter()
        .filter(|change| change.before.is_none())
        .map(|change| PathBuf::from(&change.file))
        .collect();
    if !created.is_empty() && git::work_tree(root).is_some() {
        if let Err(why) = git::add(root, &created, true) {
            text.push_str(&format!(
                "warning: {why}: `git add --intent-to-add` the created files\n"
            ));
        }
    }
    if !plan.deferred.is_empty() {
        text.push_str(&format!(
            "{} more fix(es) touch text already changed: run `check --fix` again\n",
            plan.deferred.len()
        ));
    }
    text.push('\n');
    Ok(true)
}

/// In a git work tree, refuses to edit files with uncommitted changes (the user could not tell
/// our edit from theirs, nor undo it with git) unless `allow` (`--allow-dirty`).
fn refuse_dirty(root: &Path, files: &[String], allow: bool) -> Result<()> {
    if allow {
        return Ok(());
    }
    let paths: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
    let dirty = git::dirty(root, &paths).map_err(|why| {
        Error::usage(format!(
            "check --fix cannot tell whether the files it would edit have uncommitted changes \
             ({why}); pass --allow-dirty to edit them anyway; nothing was changed"
        ))
    })?;
    if dirty.is_empty() {
        return Ok(());
    }
    let dirty: Vec<&str> = dirty
        .iter()
        .map(|line| line.get(3..).unwrap_or(line))
        .collect();
    Err(Error::usage(format!(
        "check --fix would edit files with uncommitted changes: {}. Commit or stash them first (so \
         git can show and undo the fix), or pass --allow-dirty; nothing was changed",
        dirty.join(", ")
    )))
}
