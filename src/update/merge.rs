//! The line-by-line three-way merge (with the `diffy` crate): the template's change from *base* to
//! *theirs* applied to *ours*, the user's file. A region both changed is a conflict, written the way
//! git writes one, or (`--reject`) left as the user had it with the template's hunk in a `.rej` file.

use diffy::{ConflictStyle, IncompleteHunkStyle, MergeOptions};

/// How conflicts are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conflicts {
    /// `<<<<<<< ours` / `||||||| base` / `=======` / `>>>>>>> theirs` in the file.
    Markers,
    /// The user's lines kept; the template's hunk goes to a `.rej` file.
    Reject,
}

/// The outcome of one merge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merged {
    pub text: String,
    /// How many regions conflict.
    pub conflicts: usize,
    /// With [`Conflicts::Reject`]: the rejected hunks, as a unified diff from base to theirs.
    pub rejects: String,
}

/// Merges the change from `base` to `theirs` into `ours`.
pub fn merge3(base: &str, ours: &str, theirs: &str, style: Conflicts) -> Merged {
    let width = marker_width(&[base, ours, theirs]);
    let mut options = MergeOptions::new();
    options
        .set_conflict_style(ConflictStyle::Diff3)
        .set_incomplete_hunk_style(IncompleteHunkStyle::Git)
        .set_conflict_marker_length(width);
    let raw = match options.merge(base, ours, theirs) {
        Ok(text) => {
            return Merged {
                text,
                conflicts: 0,
                rejects: String::new(),
            }
        }
        Err(text) => text,
    };
    resolve_markers(&raw, width, style)
}

/// Markers longer than any run of `<`, `|`, `=` or `>` that starts a line of the inputs, so that a
/// file holding such lines is never misread (git's rule too).
fn marker_width(texts: &[&str]) -> usize {
    let longest = texts
        .iter()
        .flat_map(|text| text.lines())
        .map(|line| {
            ['<', '|', '=', '>']
                .iter()
                .map(|c| line.chars().take_while(|x| x == c).count())
                .max()
                .unwrap_or(0)
        })
        .max()
        .unwrap_or(0);
    longest.max(6) + 1
}

/// One conflict block of diffy's output, in its three parts.
#[derive(Default)]
struct Block {
    ours: String,
    base: String,
    theirs: String,
}

/// Rewrites diffy's markers (`original` becomes `base`), or with [`Conflicts::Reject`] keeps ours
/// and collects each block's hunk.
fn resolve_markers(raw: &str, width: usize, style: Conflicts) -> Merged {
    let open = format!("{} ours", "<".repeat(width));
    let middle = format!("{} original", "|".repeat(width));
    let split = "=".repeat(width);
    let close = format!("{} theirs", ">".repeat(width));
    let mut text = String::new();
    let mut rejects = String::new();
    let mut conflicts = 0;
    // 0: outside a block; 1: ours; 2: base; 3: theirs.
    let mut part = 0;
    let mut block = Block::default();
    for line in raw.split_inclusive('\n') {
        let bare = line.trim_end_matches('\n');
        match (part, bare) {
            (0, b) if b == open => part = 1,
            (1, b) if b == middle => part = 2,
            (1 | 2, b) if b == split => part = 3,
            (3, b) if b == close => {
                conflicts += 1;
                let at = text.lines().count() + 1;
                match style {
                    Conflicts::Markers => {
                        text.push_str(&format!("{open}\n{}", block.ours));
                        text.push_str(&format!("{} base\n{}", "|".repeat(width), block.base));
                        text.push_str(&format!("{split}\n{}{close}\n", block.theirs));
                    }
                    Conflicts::Reject => {
                        text.push_str(&block.ours);
                        rejects.push_str(&hunk(at, &block.base, &block.theirs));
                    }
                }
                block = Block::default();
                part = 0;
            }
            (0, _) => text.push_str(line),
            (1, _) => block.ours.push_str(line),
            (2, _) => block.base.push_str(line),
            _ => block.theirs.push_str(line),
        }
    }
    Merged {
        text,
        conflicts,
        rejects,
    }
}

/// A unified-diff hunk that turns `base` into `theirs` at line `at`.
pub fn hunk(at: usize, base: &str, theirs: &str) -> String {
    let count = |text: &str| text.lines().count();
    let mut out = format!("@@ -{at},{} +{at},{} @@\n", count(base), count(theirs));
    for line in base.lines() {
        out.push_str(&format!("-{line}\n"));
    }
    for line in theirs.lines() {
        out.push_str(&format!("+{line}\n"));
    }
    out
}

/// A conflict block for a region the caller merged itself (an input of `flake.nix`).
pub fn conflict_block(ours: &str, base: &str, theirs: &str) -> String {
    let line = |text: &str| {
        if text.is_empty() || text.ends_with('\n') {
            text.to_string()
        } else {
            format!("{text}\n")
        }
    };
    format!(
        "<<<<<<< ours\n{}||||||| base\n{}=======\n{}>>>>>>> theirs\n",
        line(ours),
        line(base),
        line(theirs)
    )
}

/// Whether `text` holds a conflict marker line that this module writes.
pub fn has_markers(text: &str) -> bool {
    text.lines()
        .any(|line| line.starts_with("<<<<<<< ours") || line.starts_with(">>>>>>> theirs"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "a\nb\nc\nd\ne\n";

    #[test]
    fn changes_on_both_sides_in_different_places_both_survive() {
        let ours = "a\nB (mine)\nc\nd\ne\n";
        let theirs = "a\nb\nc\nd\nE (template)\n";
        let merged = merge3(BASE, ours, theirs, Conflicts::Markers);
        assert_eq!(merged.text, "a\nB (mine)\nc\nd\nE (template)\n");
        assert_eq!(merged.conflicts, 0);
    }

    #[test]
    fn a_conflict_is_marked_as_git_marks_it() {
        let ours = "a\nmine\nc\nd\ne\n";
        let theirs = "a\ntemplate\nc\nd\ne\n";
        let merged = merge3(BASE, ours, theirs, Conflicts::Markers);
        assert_eq!(
            merged.text,
            "a\n<<<<<<< ours\nmine\n||||||| base\nb\n=======\ntemplate\n>>>>>>> theirs\nc\nd\ne\n"
        );
        assert_eq!(merged.conflicts, 1);
        assert!(has_markers(&merged.text));
    }

    #[test]
    fn reject_keeps_the_users_lines_and_writes_the_templates_hunk() {
        let ours = "a\nmine\nc\nd\ne\n";
        let theirs = "a\ntemplate\nc\nd\nE\n";
        let merged = merge3(BASE, ours, theirs, Conflicts::Reject);
        assert_eq!(merged.text, "a\nmine\nc\nd\nE\n");
        assert_eq!(merged.conflicts, 1);
        assert_eq!(merged.rejects, "@@ -2,1 +2,1 @@\n-b\n+template\n");
    }

    #[test]
    fn marker_lines_in_the_users_file_are_not_misread() {
        let base = "x\n<<<<<<< ours\ny\n";
        let ours = "x!\n<<<<<<< ours\ny\n";
        let theirs = "x?\n<<<<<<< ours\ny\n";
        let merged = merge3(base, ours, theirs, Conflicts::Reject);
        assert_eq!(merged.text, "x!\n<<<<<<< ours\ny\n");
        assert_eq!(merged.conflicts, 1);
    }

    #[test]
    fn identical_changes_are_no_conflict() {
        let same = "a\nsame\nc\nd\ne\n";
        assert_eq!(merge3(BASE, same, same, Conflicts::Markers).text, same);
    }
}
