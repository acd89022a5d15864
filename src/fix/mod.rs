//! `check --fix`: the one owner of what a fix is ([`Fix`], attached to a finding by the rule that
//! can fix it) and of applying fixes ([`plan`], [`apply`]). A rule only describes its change; this
//! module groups the changes by file, applies them to the text, refuses a file that would no
//! longer parse, shows the unified diff and writes each file atomically.

pub mod apply;

use serde::Serialize;

pub use self::apply::{apply, plan, Plan, PlannedChange};

/// Which fixes a run applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FixClass {
    /// Mechanical and meaning-preserving: applied by `--fix`.
    Safe,
    /// Discards the user's edits (a drifted managed file restored): only with `--fix=managed`.
    Managed,
}

/// One change to one file: what a rule proposes, applied by [`apply`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// Relative to the repository root, with `/`.
    pub file: String,
    pub change: Change,
    pub class: FixClass,
    /// What the change does, in a few words (`import ./a.nix → ./a.nix`).
    pub summary: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Replace the bytes `start..end` of the file's text (a syntax node's text range) by `text`;
    /// everything else stays byte for byte.
    Edit {
        start: usize,
        end: usize,
        text: String,
    },
    /// Insert `text` at byte `at`.
    Insert { at: usize, text: String },
    /// Create the file, which does not exist.
    Create { contents: String },
    /// Replace the whole file (a drifted managed file restored).
    Replace { contents: String },
}

impl Fix {
    pub fn edit(file: &str, range: rnix::TextRange, text: impl Into<String>) -> Fix {
        Fix {
            file: file.to_string(),
            change: Change::Edit {
                start: range.start().into(),
                end: range.end().into(),
                text: text.into(),
            },
            class: FixClass::Safe,
            summary: String::new(),
        }
    }

    pub fn insert(file: &str, at: usize, text: impl Into<String>) -> Fix {
        Fix {
            file: file.to_string(),
            change: Change::Insert {
                at,
                text: text.into(),
            },
            class: FixClass::Safe,
            summary: String::new(),
        }
    }

    pub fn create(file: &str, contents: impl Into<String>) -> Fix {
        Fix {
            file: file.to_string(),
            change: Change::Create {
                contents: contents.into(),
            },
            class: FixClass::Safe,
            summary: String::new(),
        }
    }

    pub fn replace(file: &str, contents: impl Into<String>) -> Fix {
        Fix {
            file: file.to_string(),
            change: Change::Replace {
                contents: contents.into(),
            },
            class: FixClass::Managed,
            summary: String::new(),
        }
    }

    pub fn summary(mut self, summary: impl Into<String>) -> Fix {
        self.summary = summary.into();
        self
    }

    /// The byte range of the file this change touches (a whole-file change touches all of it).
    fn span(&self) -> (usize, usize) {
        match &self.change {
            Change::Edit { start, end, .. } => (*start, *end),
            Change::Insert { at, .. } => (*at, *at),
            Change::Create { .. } | Change::Replace { .. } => (0, usize::MAX),
        }
    }
}
