//! Applying fixes: grouped by file, applied to the text from the end backwards (so every range
//! stays valid), checked to parse, shown as a unified diff, written atomically.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use similar::TextDiff;

use super::{Change, Fix};
use crate::error::Result;
use crate::generate::PlannedFile;
use crate::layout::Ownership;
use crate::write;

/// One file's new text.
#[derive(Clone, Debug)]
pub struct PlannedChange {
    pub file: String,
    /// The text now; `None` for a file the fix creates.
    pub before: Option<String>,
    pub after: String,
    /// What each applied fix does.
    pub summaries: Vec<String>,
}

impl PlannedChange {
    /// The change as a unified diff, `a/FILE` and `b/FILE` as git writes them.
    pub fn diff(&self) -> String {
        let before = self.before.as_deref().unwrap_or("");
        let old = if self.before.is_some() {
            format!("a/{}", self.file)
        } else {
            "/dev/null".to_string()
        };
        TextDiff::from_lines(before, &self.after)
            .unified_diff()
            .context_radius(3)
            .header(&old, &format!("b/{}", self.file))
            .to_string()
    }
}

/// What a run of fixes would do.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub changes: Vec<PlannedChange>,
    /// Files left as they are, and why (the edit would not parse, the file changed).
    pub refused: Vec<(String, String)>,
    /// Fixes not applied this run because another fix touches the same text: a second run
    /// applies them.
    pub deferred: Vec<Fix>,
}

impl Plan {
    pub fn files(&self) -> Vec<String> {
        self.changes.iter().map(|c| c.file.clone()).collect()
    }
}

/// Groups `fixes` by file and computes each file's new text, reading the files under `root`.
pub fn plan(root: &Path, fixes: Vec<Fix>) -> Result<Plan> {
    let mut by_file: BTreeMap<String, Vec<Fix>> = BTreeMap::new();
    for fix in fixes {
        by_file.entry(fix.file.clone()).or_default().push(fix);
    }
    let mut plan = Plan::default();
    for (file, fixes) in by_file {
        let before = write::read_if_present(root, &file)?;
        match plan_file(&file, before.as_deref(), fixes, &mut plan.deferred) {
            Ok(Some(change)) => plan.changes.push(change),
            Ok(None) => {}
            Err(reason) => plan.refused.push((file, reason)),
        }
    }
    Ok(plan)
}

/// One file's change, `None` when nothing changes; an error says why the file is left alone.
fn plan_file(
    file: &str,
    before: Option<&str>,
    mut fixes: Vec<Fix>,
    deferred: &mut Vec<Fix>,
) -> std::result::Result<Option<PlannedChange>, String> {
    // Later starts first: an edit never moves the ranges of the edits still to apply.
    fixes.sort_by_key(|fix| std::cmp::Reverse(fix.span()));
    let mut text = before.map(str::to_string);
    let mut summaries = Vec::new();
    let mut floor = usize::MAX;
    for fix in fixes {
        let (start, end) = fix.span();
        if end > floor {
            deferred.push(fix);
            continue;
        }
        text = Some(apply_one(file, text, &fix.change)?);
        floor = start;
        summaries.push(fix.summary);
    }
    let Some(after) = text else {
        return Ok(None);
    };
    if before == Some(after.as_str()) {
        return Ok(None);
    }
    if file.ends_with(".nix") && !parses(&after) {
        return Err(match before.is_none_or(parses) {
            true => "the edited file would no longer parse; it was left as it is".into(),
            false => "it does not parse now; fix its syntax first (it was left as it is)".into(),
        });
    }
    summaries.reverse();
    Ok(Some(PlannedChange {
        file: file.to_string(),
        before: before.map(str::to_string),
        after,
        summaries,
    }))
}

fn apply_one(
    file: &str,
    text: Option<String>,
    change: &Change,
) -> std::result::Result<String, String> {
    let in_range = |text: &str, start: usize, end: usize| {
        start <= end
            && end <= text.len()
            && text.is_char_boundary(start)
            && text.is_char_boundary(end)
    };
    match (change, text) {
        (Change::Create { contents }, None) => Ok(contents.clone()),
        (Change::Create { .. }, Some(_)) => Err(format!("{file} exists now; it is not created")),
        (Change::Replace { contents }, Some(_)) => Ok(contents.clone()),
        (
            Change::Edit {
                start,
                end,
                text: new,
            },
            Some(mut text),
        ) if in_range(&text, *start, *end) => {
            text.replace_range(*start..*end, new);
            Ok(text)
        }
        (Change::Insert { at, text: new }, Some(mut text)) if in_range(&text, *at, *at) => {
            text.insert_str(*at, new);
            Ok(text)
        }
        (_, None) => Err(format!("{file} no longer exists")),
        _ => Err(format!("{file} changed since it was read")),
    }
}

/// Whether Nix `text` parses without an error.
pub fn parses(text: &str) -> bool {
    crate::nix::within_parse_limits(text).is_ok() && rnix::Root::parse(text).errors().is_empty()
}

/// Writes every planned change under `root`: a new file with no clobbering, an existing one
/// replaced atomically. Returns the paths written.
pub fn apply(root: &Path, plan: &Plan) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    let mut created = write::Transaction::new(root);
    for change in &plan.changes {
        match &change.before {
            None => written.push(created.write(&PlannedFile {
                path: change.file.clone(),
                contents: change.after.clone(),
                ownership: Ownership::Starter,
            })?),
            Some(_) => written.push(write::replace(root, &change.file, &change.after)?),
        }
    }
    created.commit();
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(file: &str, start: usize, end: usize, text: &str) -> Fix {
        Fix::edit(
            file,
            rnix::TextRange::new((start as u32).into(), (end as u32).into()),
            text,
        )
    }

    #[test]
    fn edits_apply_from_the_end_and_keep_the_rest_byte_for_byte() {
        let text = "{ a = import ./a.nix; # keep\n  b = import ./b.nix; }";
        let fixes = vec![
            edit("x.nix", 6, 20, "./a.nix"),
            edit("x.nix", 35, 49, "./b.nix"),
        ];
        let mut deferred = Vec::new();
        let change = plan_file("x.nix", Some(text), fixes, &mut deferred)
            .unwrap()
            .unwrap();
        assert_eq!(change.after, "{ a = ./a.nix; # keep\n  b = ./b.nix; }");
        assert!(deferred.is_empty());
    }

    #[test]
    fn overlapping_edits_wait_for_a_second_run() {
        let text = "{ a = import ./a.nix; }";
        let fixes = vec![
            edit("x.nix", 6, 20, "./a.nix"),
            edit("x.nix", 2, 21, "b = 1;"),
        ];
        let mut deferred = Vec::new();
        plan_file("x.nix", Some(text), fixes, &mut deferred).unwrap();
        assert_eq!(deferred.len(), 1);
    }

    #[test]
    fn an_edit_that_would_not_parse_is_refused() {
        let text = "{ a = import ./a.nix; }";
        let fixes = vec![edit("x.nix", 6, 20, "./a.nix {")];
        let refused = plan_file("x.nix", Some(text), fixes, &mut Vec::new()).unwrap_err();
        assert!(refused.contains("no longer parse"), "{refused}");
    }
}
