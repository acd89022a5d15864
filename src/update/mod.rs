//! `nixscaffold update`'s plan: for every file the shape renders, a three-way merge of *base* (what
//! the recorded version rendered for the recorded answers, from [`crate::history`]), *ours* (the
//! file now) and *theirs* (what this version renders for the same answers). Nothing here writes.
//!
//! Who owns a file decides how far the merge goes. Managed files and `flake.nix` (the file the
//! template's improvements most often reach: inputs, caches) are merged, conflicts and all. The
//! other starter files are the user's: replaced only when the user never changed them, otherwise
//! left as they are and listed, with the template's change shown as a diff to copy by hand.

pub mod flake;
pub mod merge;

use std::path::Path;

use serde::Serialize;

use self::merge::{merge3, Conflicts, Merged};
use crate::answers::record::set_version;
use crate::answers::{read_text, Answers, AnswersFile, ANSWERS_FILE};
use crate::error::{Error, Result};
use crate::generate::{context, plan_shape, with_fixed, PlannedFile};
use crate::history::{self, Shape, Version};
use crate::layout::{path_of, Ownership, Role};
use crate::write;

/// What `update` does to one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Nothing to do: the template did not change it, or it already is what this version renders.
    UpToDate,
    /// The user never changed it: replaced with this version's rendering.
    Replaced,
    /// The template's change merged into the user's edits.
    Merged,
    /// The template and the user changed the same lines: marked (or rejected), to resolve.
    Conflict,
    /// A part this version's shape adds.
    Created,
    /// A starter file the user changed and the template changed too: left as the user has it.
    Kept,
    /// A file the user removed, which the template changed: not written again.
    Removed,
    /// A part this version's shape no longer has: kept, never deleted.
    Dropped,
    /// A part this version adds, where the user already has a file of their own: left as it is.
    Occupied,
}

impl Action {
    /// Whether the file is written.
    pub fn writes(self) -> bool {
        matches!(
            self,
            Action::Replaced | Action::Merged | Action::Conflict | Action::Created
        )
    }

    pub fn word(self) -> &'static str {
        match self {
            Action::UpToDate => "up to date",
            Action::Replaced => "replaced",
            Action::Merged => "merged",
            Action::Conflict => "CONFLICT",
            Action::Created => "created",
            Action::Kept => "kept",
            Action::Removed => "removed",
            Action::Dropped => "dropped",
            Action::Occupied => "occupied",
        }
    }
}

/// One file's update.
#[derive(Clone, Debug)]
pub struct FileUpdate {
    pub path: String,
    pub ownership: Ownership,
    pub action: Action,
    /// The file now, when it exists.
    pub current: Option<String>,
    /// What is written, for an action that writes.
    pub new: Option<String>,
    /// What the recorded version rendered and what this one renders (for `--dry-run`'s view of a
    /// change that is not applied).
    pub base: Option<String>,
    pub theirs: Option<String>,
    pub conflicts: usize,
    /// With `--reject`, the template's hunks that conflict, for `PATH.rej`.
    pub rejects: String,
}

impl FileUpdate {
    /// The `.rej` file to write beside it, with its contents.
    pub fn reject_file(&self) -> Option<(String, String)> {
        (!self.rejects.is_empty()).then(|| {
            let header = format!("--- {0} (base)\n+++ {0} (theirs)\n", self.path);
            (format!("{}.rej", self.path), header + &self.rejects)
        })
    }
}

/// Everything `update` would do.
pub struct Plan {
    pub from: Version,
    pub to: Version,
    pub files: Vec<FileUpdate>,
    /// The new text of `.nixscaffold.yaml`, recording this version; `None` when it already does.
    pub answers_text: Option<String>,
    /// Why the version could not be recorded, when it could not.
    pub answers_warning: Option<String>,
}

impl Plan {
    pub fn conflicts(&self) -> usize {
        self.files.iter().map(|file| file.conflicts).sum()
    }

    /// Whether running `update` would change anything.
    pub fn update_available(&self) -> bool {
        self.from != self.to || self.files.iter().any(|file| file.action.writes())
    }
}

/// The plan for the repository at `repo`.
pub fn plan(repo: &Path, style: Conflicts) -> Result<Plan> {
    let answers_path = repo.join(ANSWERS_FILE);
    let Some(answers) = Answers::read(repo)? else {
        return Err(Error::usage(format!(
            "{} has no {ANSWERS_FILE}, so what made it is unknown and there is nothing to update. \
             `nixscaffold check` audits a repository nixscaffold did not make",
            repo.display()
        )));
    };
    let from = recorded_version(&answers_path)?;
    let to = Version::current();
    if from > to {
        return Err(Error::usage(format!(
            "{ANSWERS_FILE} was written by nixscaffold {from}, newer than this one ({to}): install \
             nixscaffold {from} or later to update it"
        )));
    }
    let (base_shape, their_shape) = shapes(&from, &to)?;
    let (base, theirs) = render_both(repo, &answers, &base_shape, &their_shape)?;
    let files = compare(repo, &base, &theirs, style)?;
    let (answers_text, answers_warning) = record_version(&answers_path, &from, &to)?;
    Ok(Plan {
        from,
        to,
        files,
        answers_text,
        answers_warning,
    })
}

/// The shapes of the recorded version and of this one.
fn shapes(from: &Version, to: &Version) -> Result<(Shape, Shape)> {
    let base_shape = history::shape(from)?.ok_or_else(|| {
        let known: Vec<String> = history::stored_versions()
            .iter()
            .map(Version::to_string)
            .chain([to.to_string()])
            .collect();
        Error::usage(format!(
            "{ANSWERS_FILE} records version {from}, whose templates this nixscaffold does not have \
             (it knows {}), so what that version rendered cannot be rebuilt. Write the version \
             that made the repository, or the nearest one before it, as `version:`",
            known.join(", ")
        ))
    })?;
    let their_shape =
        history::shape(to)?.ok_or_else(|| Error::Internal("no shape for this version".into()))?;
    Ok((base_shape, their_shape))
}

/// What the recorded version rendered for these answers (base) and what this one renders (theirs),
/// both with the recorded `templates` folder when there is one.
fn render_both(
    repo: &Path,
    answers: &Answers,
    base_shape: &Shape,
    their_shape: &Shape,
) -> Result<(Vec<PlannedFile>, Vec<PlannedFile>)> {
    // Validates the recorded `templates` folder; both versions render with it.
    answers.renderer(repo)?;
    let overrides = answers.templates.as_ref().map(|dir| repo.join(dir));
    let base_context = with_fixed(context(answers), &base_shape.context);
    let base_renderer = base_shape.renderer(overrides.as_deref())?;
    let base = plan_shape(base_shape.parts, answers, &base_context, &base_renderer)?;
    let their_renderer = their_shape.renderer(overrides.as_deref())?;
    let theirs = plan_shape(
        their_shape.parts,
        answers,
        &context(answers),
        &their_renderer,
    )?;
    Ok((base, theirs))
}

/// The new text of `.nixscaffold.yaml` with this version recorded, or why it cannot be written.
fn record_version(
    path: &Path,
    from: &Version,
    to: &Version,
) -> Result<(Option<String>, Option<String>)> {
    if from == to {
        return Ok((None, None));
    }
    let text = read_text(path)?;
    Ok(match set_version(&text, &to.to_string()) {
        Some(text) => (Some(text), None),
        None => (
            None,
            Some(format!(
                "{ANSWERS_FILE} is left alone: its `version` is written in a form nixscaffold \
                 does not edit safely. Set it to {to} by hand"
            )),
        ),
    })
}

/// Each path either version renders, with what happens to it: this version's paths first, in
/// the order `new` writes them, then the ones it dropped.
fn compare(
    repo: &Path,
    base: &[PlannedFile],
    theirs: &[PlannedFile],
    style: Conflicts,
) -> Result<Vec<FileUpdate>> {
    let mut files = Vec::new();
    for planned in theirs.iter().chain(base.iter()) {
        if files.iter().any(|f: &FileUpdate| f.path == planned.path) {
            continue;
        }
        let find = |all: &[PlannedFile]| all.iter().find(|f| f.path == planned.path).cloned();
        if let Some(update) = file_update(repo, planned, find(base), find(theirs), style)? {
            files.push(update);
        }
    }
    Ok(files)
}

/// The version `.nixscaffold.yaml` records.
fn recorded_version(path: &Path) -> Result<Version> {
    let file = AnswersFile::read(path)?;
    let text = file.version.ok_or_else(|| Error::Config {
        path: path.to_path_buf(),
        message: "it records no `version`, so which templates made the repository is unknown. \
                  Add `version: 0.1.0` (or the nixscaffold version that made it)"
            .into(),
    })?;
    Version::parse(&text).ok_or_else(|| Error::Config {
        path: path.to_path_buf(),
        message: format!("`version: {text}` is not a version such as 0.1.0"),
    })
}

/// One path's update; `None` when there is nothing to say.
fn file_update(
    repo: &Path,
    planned: &PlannedFile,
    base: Option<PlannedFile>,
    theirs: Option<PlannedFile>,
    style: Conflicts,
) -> Result<Option<FileUpdate>> {
    let path = planned.path.as_str();
    let current = write::read_if_present(repo, path)?;
    let base = base.map(|f| f.contents);
    let theirs = theirs.map(|f| f.contents);
    let mut update = FileUpdate {
        path: path.to_string(),
        ownership: planned.ownership,
        action: Action::UpToDate,
        current: current.clone(),
        new: None,
        base: base.clone(),
        theirs: theirs.clone(),
        conflicts: 0,
        rejects: String::new(),
    };
    let (action, merged) = decide(path, planned.ownership, base, current, theirs, style);
    match (action, merged) {
        (None, _) => return Ok(None),
        (Some(action), merged) => {
            update.action = action;
            if let Some(merged) = merged {
                update.conflicts = merged.conflicts;
                update.rejects = merged.rejects;
                update.new = Some(merged.text);
            }
        }
    }
    Ok(Some(update))
}

/// What happens to a file, from its three versions; with the text to write when it is written.
fn decide(
    path: &str,
    ownership: Ownership,
    base: Option<String>,
    ours: Option<String>,
    theirs: Option<String>,
    style: Conflicts,
) -> (Option<Action>, Option<Merged>) {
    let written = |text: String| Merged {
        text,
        conflicts: 0,
        rejects: String::new(),
    };
    match (base, ours, theirs) {
        (Some(b), Some(o), Some(t)) => {
            if o == t || b == t {
                (Some(Action::UpToDate), None)
            } else if o == b {
                (Some(Action::Replaced), Some(written(t)))
            } else if ownership == Ownership::Managed || path == path_of(Role::Flake) {
                let merged = if path == path_of(Role::Flake) {
                    flake::merge_flake(&b, &o, &t, style)
                } else {
                    merge3(&b, &o, &t, style)
                };
                let action = if merged.conflicts > 0 {
                    Action::Conflict
                } else {
                    Action::Merged
                };
                (Some(action), Some(merged))
            } else {
                (Some(Action::Kept), None)
            }
        }
        (Some(b), None, Some(t)) if b != t => (Some(Action::Removed), None),
        (None, None, Some(t)) => (Some(Action::Created), Some(written(t))),
        (None, Some(o), Some(t)) if o != t => (Some(Action::Occupied), None),
        (None, Some(_), Some(_)) => (Some(Action::UpToDate), None),
        (Some(_), Some(_), None) => (Some(Action::Dropped), None),
        _ => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(
        base: Option<&str>,
        ours: Option<&str>,
        theirs: Option<&str>,
        ownership: Ownership,
    ) -> Option<Action> {
        let own = |s: Option<&str>| s.map(String::from);
        decide(
            "x.nix",
            ownership,
            own(base),
            own(ours),
            own(theirs),
            Conflicts::Markers,
        )
        .0
    }

    /// A part an older shape lacked is created; a part this shape lacks is listed and kept.
    #[test]
    fn added_parts_are_created_and_dropped_parts_kept() {
        use crate::answers::AnswersFile;
        use crate::render::Renderer;
        let scratch = tempfile::tempdir().unwrap();
        let answers = AnswersFile::default().resolve("repo").unwrap();
        let rendered = crate::generate::plan_new(&answers, &Renderer::builtin()).unwrap();
        crate::write::write_all(scratch.path(), &rendered).unwrap();
        let added = "nixpkgs-config.nix";
        let dropped = "flake/devshell.nix";
        std::fs::remove_file(scratch.path().join(added)).unwrap();
        let without = |path: &str| -> Vec<PlannedFile> {
            rendered
                .iter()
                .filter(|f| f.path != path)
                .cloned()
                .collect()
        };
        let (base, theirs) = (without(added), without(dropped));
        let files = compare(scratch.path(), &base, &theirs, Conflicts::Markers).unwrap();
        let changed: Vec<(&str, Action)> = files
            .iter()
            .filter(|f| f.action != Action::UpToDate)
            .map(|f| (f.path.as_str(), f.action))
            .collect();
        assert_eq!(
            changed,
            vec![(added, Action::Created), (dropped, Action::Dropped)]
        );
        assert_eq!(
            files.last().unwrap().new,
            None,
            "a dropped part is not written"
        );
        assert!(scratch.path().join(dropped).is_file());
        let created = files.iter().find(|f| f.path == added).unwrap();
        let expected = rendered.iter().find(|f| f.path == added).unwrap();
        assert_eq!(created.new.as_deref(), Some(expected.contents.as_str()));
    }

    #[test]
    fn who_owns_a_file_decides_how_far_the_merge_goes() {
        use Ownership::{Managed, Starter};
        let (b, t) = (Some("a\nb\nc\n"), Some("a\nb\nC\n"));
        assert_eq!(action(b, b, t, Starter), Some(Action::Replaced));
        assert_eq!(action(b, t, t, Starter), Some(Action::UpToDate));
        assert_eq!(
            action(b, Some("A\nb\nc\n"), b, Managed),
            Some(Action::UpToDate)
        );
        assert_eq!(
            action(b, Some("A\nb\nc\n"), t, Managed),
            Some(Action::Merged)
        );
        assert_eq!(action(b, Some("A\nb\nc\n"), t, Starter), Some(Action::Kept));
        assert_eq!(
            action(b, Some("a\nb\nX\n"), t, Managed),
            Some(Action::Conflict)
        );
        assert_eq!(action(None, None, t, Starter), Some(Action::Created));
        assert_eq!(
            action(None, Some("mine\n"), t, Starter),
            Some(Action::Occupied)
        );
        assert_eq!(
            action(b, Some("mine\n"), None, Managed),
            Some(Action::Dropped)
        );
        assert_eq!(action(b, None, t, Managed), Some(Action::Removed));
        assert_eq!(action(b, None, b, Managed), None);
    }
}
