//! `nixscaffold add-module`, `add-host`, `add-user` and `add-package`: one implementation over the
//! kinds in `layout/growth.rs`. The argument is taken apart in `target`, the addition planned in
//! `plan`; everything is checked and rendered before anything is written; then the new files are
//! written all or nothing, never over an existing file.

mod plan;
mod target;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use crate::answers::{Answers, ANSWERS_FILE};
use crate::cli::{AddArgs, LayoutArgs};
use crate::error::{exit, Error, Result};
use crate::layout::growth::Kind;
use crate::layout::Ownership;
use crate::{git, lock, write};

use self::plan::{adopt, Addition, Plan};

/// One `add-*` invocation, whatever its kind.
pub struct Request<'a> {
    pub kind: &'static Kind,
    /// The argument as given: `home/shell/zsh`, `nixos/server@aarch64-linux`, `alice`.
    pub target: &'a OsStr,
    /// `--repo`; else the nearest directory upwards with a `flake.nix`.
    pub repo: Option<&'a Path>,
    pub as_file: bool,
    pub as_dir: bool,
    pub dry_run: bool,
    pub no_git: bool,
    /// `add-host --state-version`: the stateVersion of a machine installed before.
    pub state_version: Option<&'a str>,
}

/// Runs an `add-*` subcommand from its parsed flags; `layout` for the kinds that have a choice.
pub fn from_cli(
    kind: &'static Kind,
    target: &OsStr,
    args: &AddArgs,
    layout: Option<&LayoutArgs>,
    state_version: Option<&str>,
) -> Result<i32> {
    run(&Request {
        kind,
        target,
        repo: args.repo.as_deref(),
        as_file: layout.is_some_and(|l| l.as_file),
        as_dir: layout.is_some_and(|l| l.as_dir),
        dry_run: args.dry_run,
        no_git: args.no_git,
        state_version,
    })
}

pub fn run(request: &Request) -> Result<i32> {
    let (target, repo) = locate(request)?;
    // Held until the files are written, recorded and added to git: one writer at a time.
    let _lock = hold(&repo, request.dry_run)?;
    let (what, plan) = prepare(request, &target, &repo)?;
    for warning in &plan.warnings {
        tell!("warning: {warning}");
    }
    if request.dry_run {
        say!("Would create {what} in {}:", repo.display());
        print_outcome(&plan, "Would add", "to");
        say!("(dry run: nothing was written)");
        return Ok(exit::OK);
    }

    apply(&repo, &plan)?;

    say!("Created {what} in {}:", repo.display());
    print_outcome(&plan, "Recorded", "under");
    say!("{}", plan.next);
    if !request.no_git {
        let files: Vec<PathBuf> = plan.files.iter().map(|f| PathBuf::from(&f.path)).collect();
        git::report_added(&repo, &files, "the new files");
    }
    Ok(exit::OK)
}

/// Does what `run` does, printing nothing and touching no git index: for tests and fuzzing.
/// Returns the paths written (with `dry_run`, that would be written), relative to the repository.
pub fn add_quietly(request: &Request) -> Result<Vec<String>> {
    let (target, repo) = locate(request)?;
    let _lock = hold(&repo, request.dry_run)?;
    let (_, plan) = prepare(request, &target, &repo)?;
    if !request.dry_run {
        apply(&repo, &plan)?;
    }
    Ok(plan.files.into_iter().map(|file| file.path).collect())
}

/// The argument taken apart and the repository found.
fn locate(request: &Request) -> Result<(target::Target, PathBuf)> {
    let target = target::parse(request.kind, request.target)?;
    let repo = find_repo(request.repo)?;
    Ok((target, repo))
}

/// The repository's lock, for a run that writes (see `lock`); a dry run only reads.
fn hold(repo: &Path, dry_run: bool) -> Result<Option<lock::RepoLock>> {
    (!dry_run).then(|| lock::acquire(repo)).transpose()
}

/// Everything checked and rendered, nothing written: what is added, and the plan.
fn prepare(request: &Request, target: &target::Target, repo: &Path) -> Result<(String, Plan)> {
    let kind = request.kind;
    // A file that records no answers (only `check:`) is refused here: defaults would be a guess.
    let answers = Answers::read(repo)?.ok_or_else(|| not_adopted(repo))?;
    let renderer = answers.renderer(repo)?;
    let scope = plan::in_own_layout(plan::choose_scope(kind, target, &answers)?, &answers)?;
    let layout = plan::choose_layout(kind, request)?;
    let plan = Addition {
        kind,
        scope: &scope,
        target,
        layout,
        answers: &answers,
        repo,
        renderer: &renderer,
        state_version: request.state_version,
    }
    .plan()?;
    let what = format!("{} {}", kind.noun, target.text);
    Ok((what, plan))
}

/// Writes the plan's files and its edit of `.nixscaffold.yaml`, all or nothing.
fn apply(repo: &Path, plan: &Plan) -> Result<()> {
    let mut transaction = write::Transaction::new(repo);
    for file in &plan.files {
        transaction.write(file)?;
    }
    if let Some(edit) = &plan.record {
        transaction.replace_path(&repo.join(ANSWERS_FILE), &edit.text)?;
    }
    transaction.commit();
    Ok(())
}

/// The repository: `--repo`, or the one around the current directory (see `root::discover`).
pub(crate) fn find_repo(given: Option<&Path>) -> Result<PathBuf> {
    let repo = match given {
        Some(dir) => {
            if !dir.is_dir() {
                return Err(Error::usage(format!(
                    "--repo {}: not a directory",
                    dir.display()
                )));
            }
            if !dir.join("flake.nix").is_file() {
                return Err(Error::usage(format!(
                    "--repo {}: there is no flake.nix there; give the repository's top directory",
                    dir.display()
                )));
            }
            dir.to_path_buf()
        }
        None => {
            let here = std::env::current_dir()
                .map_err(|e| Error::io("find", Path::new("the current directory"), e))?;
            crate::root::discover(&here).ok_or_else(|| {
                    Error::usage(format!(
                        "no flake.nix in {} or any directory above it; run this inside a repository made by \
                         `nixscaffold new`, or give --repo REPO",
                        here.display()
                    ))
                })?
        }
    };
    std::fs::canonicalize(&repo).map_err(|e| Error::io("resolve", &repo, e))
}

fn not_adopted(repo: &Path) -> Error {
    Error::usage(format!(
        "{} was not made by `nixscaffold new`: it has no {ANSWERS_FILE}, so its platforms, module trees \
         and option namespace are unknown and nothing was added. {}",
        repo.display(),
        adopt()
    ))
}

/// The files, then what happens to `.nixscaffold.yaml`: `verb` the item `preposition` its list.
fn print_outcome(plan: &Plan, verb: &str, preposition: &str) {
    for file in &plan.files {
        if file.ownership == Ownership::Managed {
            say!("  {}  (auto-imports its directory)", file.path);
        } else {
            say!("  {}", file.path);
        }
    }
    match (&plan.record, &plan.record_note) {
        (Some(edit), _) => say!(
            "{verb} {} {preposition} `{}` in {ANSWERS_FILE}.",
            edit.item,
            edit.key
        ),
        (None, Some(note)) => say!("{note}"),
        (None, None) => {}
    }
}
