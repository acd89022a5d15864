//! `nixscaffold update`: carries this version's template improvements into a repository an older
//! version made (the plan is `crate::update`'s); `--check` only says whether there are any.

use std::path::{Path, PathBuf};

use serde_json::json;
use similar::TextDiff;

use crate::answers::ANSWERS_FILE;
use crate::cli::{UpdateArgs, UpdateFormat};
use crate::commands::add::find_repo;
use crate::error::{exit, Error, Result};
use crate::generate::PlannedFile;
use crate::layout::Ownership;
use crate::update::merge::Conflicts;
use crate::update::{plan, Action, FileUpdate, Plan};
use crate::{git, out, write};

pub fn run(args: &UpdateArgs) -> Result<i32> {
    let repo = find_repo(args.repo.as_deref().or(args.dir.as_deref()))?;
    // One writer at a time (see `lock`), from reading the answers to staging the result.
    let writes_files = !(args.check || args.dry_run);
    let _lock = writes_files
        .then(|| crate::lock::acquire(&repo))
        .transpose()?;
    let style = if args.reject {
        Conflicts::Reject
    } else {
        Conflicts::Markers
    };
    let plan = plan(&repo, style)?;
    if args.check {
        return check(&plan, args.format);
    }
    if args.dry_run {
        show_diffs(&repo, &plan);
        report(&plan, true);
        return Ok(exit_code(&plan));
    }
    let writes = files_to_write(&plan);
    if writes.is_empty() && plan.answers_text.is_none() {
        report(&plan, false);
        return Ok(exit::OK);
    }
    if !args.allow_dirty {
        refuse_dirty(&repo, &writes, plan.answers_text.is_some())?;
    }
    let created = apply(&repo, &plan, &writes)?;
    report(&plan, false);
    show_kept(&plan);
    if !args.no_git && !created.is_empty() {
        git::report_added(&repo, &created, "the created files");
    }
    Ok(exit_code(&plan))
}

fn exit_code(plan: &Plan) -> i32 {
    if plan.conflicts() > 0 {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

/// `--check`: 0 when up to date, 1 when an update is available.
fn check(plan: &Plan, format: UpdateFormat) -> Result<i32> {
    let available = plan.update_available();
    match format {
        UpdateFormat::Human if available => {
            say!(
                "An update is available: recorded {}, this nixscaffold is {}.",
                plan.from,
                plan.to
            );
            for file in plan.files.iter().filter(|f| f.action != Action::UpToDate) {
                say!("  {:<9} {}", file.action.word(), file.path);
            }
            say!("Run `nixscaffold update --dry-run` to see the changes, `nixscaffold update` to make them.");
        }
        UpdateFormat::Human => say!("Up to date with nixscaffold {}.", plan.to),
        UpdateFormat::Json => {
            let files: Vec<_> = plan
                .files
                .iter()
                .filter(|f| f.action != Action::UpToDate)
                .map(|f| {
                    json!({
                        "path": f.path,
                        "action": f.action,
                        "ownership": f.ownership,
                        "conflicts": f.conflicts,
                    })
                })
                .collect();
            let document = json!({
                "schema_version": 1,
                "tool": { "name": "nixscaffold", "version": plan.to.to_string() },
                "recorded_version": plan.from.to_string(),
                "update_available": available,
                "conflicts": plan.conflicts(),
                "files": files,
            });
            let mut text = serde_json::to_string_pretty(&document)
                .map_err(|e| Error::Internal(format!("cannot write JSON: {e}")))?;
            text.push('\n');
            out::document(text)?;
        }
    }
    Ok(if available { exit::FINDINGS } else { exit::OK })
}

/// What a run writes: each file's new text, and the `.rej` files.
fn files_to_write(plan: &Plan) -> Vec<(PlannedFile, bool)> {
    let mut writes = Vec::new();
    for file in plan.files.iter().filter(|f| f.action.writes()) {
        if let Some(new) = &file.new {
            let planned = PlannedFile {
                path: file.path.clone(),
                contents: new.clone(),
                ownership: file.ownership,
            };
            writes.push((planned, file.current.is_none()));
        }
        if let Some((path, contents)) = file.reject_file() {
            let planned = PlannedFile {
                path,
                contents,
                ownership: Ownership::Starter,
            };
            writes.push((planned, true));
        }
    }
    writes
}

/// Stops when a file the update writes has changes git does not have committed: the merge would
/// mix the user's unsaved work with the template's, and there would be no clean way back.
fn refuse_dirty(repo: &Path, writes: &[(PlannedFile, bool)], answers: bool) -> Result<()> {
    let mut paths: Vec<PathBuf> = writes.iter().map(|(f, _)| PathBuf::from(&f.path)).collect();
    if answers {
        paths.push(PathBuf::from(ANSWERS_FILE));
    }
    let dirty = git::dirty(repo, &paths).map_err(|why| {
        Error::usage(format!(
            "{why}; cannot tell whether the files update changes have uncommitted changes: \
             give --allow-dirty to update anyway"
        ))
    })?;
    if dirty.is_empty() {
        return Ok(());
    }
    Err(Error::usage(format!(
        "files update would change have uncommitted changes (git status):\n  {}\nCommit or stash \
         them first, so the update can be reviewed and undone with git; or give --allow-dirty. \
         Nothing was written",
        dirty.join("\n  ")
    )))
}

/// Writes everything, all or nothing; returns the created files (relative) for git.
fn apply(repo: &Path, plan: &Plan, writes: &[(PlannedFile, bool)]) -> Result<Vec<PathBuf>> {
    let mut transaction = write::Transaction::new(repo);
    let mut created = Vec::new();
    for (file, new) in writes {
        if *new {
            transaction.write(file)?;
            created.push(PathBuf::from(&file.path));
        } else {
            transaction.replace(file)?;
        }
    }
    if let Some(text) = &plan.answers_text {
        transaction.replace(&PlannedFile {
            path: ANSWERS_FILE.into(),
            contents: text.clone(),
            ownership: Ownership::Starter,
        })?;
    }
    transaction.commit();
    Ok(created)
}

/// After a run: the template's change to each starter file the user kept, since once the new
/// version is recorded no later run shows it.
fn show_kept(plan: &Plan) {
    let kept: Vec<&FileUpdate> = plan
        .files
        .iter()
        .filter(|f| f.action == Action::Kept)
        .collect();
    if kept.is_empty() {
        return;
    }
    say!(
        "\nThe template's changes to the files you kept (from {} to {}):",
        plan.from,
        plan.to
    );
    for file in kept {
        let (base, theirs) = (
            file.base.as_deref().unwrap_or(""),
            file.theirs.as_deref().unwrap_or(""),
        );
        say!(
            "{}",
            diff(base, theirs, &file.path, "recorded version", "this version")
        );
    }
}

/// `--dry-run`: each change as a unified diff, the file now against what would be written; a
/// starter file's change that is not applied, as the template's diff.
fn show_diffs(repo: &Path, plan: &Plan) {
    for file in &plan.files {
        match (file.action, &file.new) {
            (_, Some(new)) => {
                let now = file.current.as_deref().unwrap_or("");
                say!("{}", diff(now, new, &file.path, "repository", "updated"));
            }
            (Action::Kept | Action::Removed | Action::Occupied, None) => {
                let (base, theirs) = (
                    file.base.as_deref().unwrap_or(""),
                    file.theirs.as_deref().unwrap_or(""),
                );
                say!(
                    "{}",
                    diff(base, theirs, &file.path, "recorded version", "this version")
                );
            }
            _ => {}
        }
    }
    if let Some(text) = &plan.answers_text {
        if let Ok(now) = crate::answers::read_text(&repo.join(ANSWERS_FILE)) {
            say!(
                "{}",
                diff(&now, text, ANSWERS_FILE, "repository", "updated")
            );
        }
    }
}

fn diff(old: &str, new: &str, path: &str, old_label: &str, new_label: &str) -> String {
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("{path} ({old_label})"),
            &format!("{path} ({new_label})"),
        )
        .to_string()
}

/// One line per file that is not up to date, then the version and what to do next.
fn report(plan: &Plan, dry_run: bool) {
    let changes: Vec<&FileUpdate> = plan
        .files
        .iter()
        .filter(|f| f.action != Action::UpToDate)
        .collect();
    if !plan.update_available() {
        say!("Up to date with nixscaffold {}: nothing to do.", plan.to);
        return;
    }
    let would = if dry_run { "would " } else { "" };
    say!("Update from nixscaffold {} to {}:", plan.from, plan.to);
    let width = changes.iter().map(|f| f.path.len()).max().unwrap_or(0);
    for file in &changes {
        say!(
            "  {:<9} {:<width$}  {}",
            file.action.word(),
            file.path,
            why(file, would)
        );
    }
    if plan.answers_text.is_some() {
        say!(
            "{ANSWERS_FILE} {would}record{} version {}.",
            if dry_run { "" } else { "s" },
            plan.to
        );
    }
    if let Some(warning) = &plan.answers_warning {
        tell!("warning: {warning}");
    }
    let conflicts = plan.conflicts();
    if dry_run {
        say!("(dry run: nothing was written)");
    } else if conflicts > 0 {
        say!(
            "{conflicts} conflict(s) to resolve in the files marked CONFLICT; then `nixscaffold check`."
        );
    }
}

fn why(file: &FileUpdate, would: &str) -> String {
    match file.action {
        Action::UpToDate => String::new(),
        Action::Replaced => "you never changed it".into(),
        Action::Merged => "your changes kept, the template's merged in".into(),
        Action::Conflict if file.rejects.is_empty() => format!(
            "{} region(s) you and the template both changed: resolve the <<<<<<< markers",
            file.conflicts
        ),
        Action::Conflict => format!(
            "{} region(s) you and the template both changed: yours kept, the template's in {}.rej",
            file.conflicts, file.path
        ),
        Action::Created => "a new part of the shape".into(),
        Action::Kept => format!(
            "yours (a starter file you changed): the template's change to it {} not merged; its \
             diff is shown, to copy by hand",
            if would.is_empty() { "is" } else { "would be" }
        ),
        Action::Removed => {
            "you removed it; the template changed it, but it is not written again".into()
        }
        Action::Dropped => {
            "no longer part of the shape; kept (delete it yourself when nothing uses it)".into()
        }
        Action::Occupied => {
            "a new part of the shape, but your own file is there: left as it is".into()
        }
    }
}
