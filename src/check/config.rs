//! The settings of one `check` run, from the `check:` section of `.nixscaffold.yaml` (which
//! `answers::check_section` reads): each rule key validated against the rules, each glob compiled.

use std::collections::BTreeMap;
use std::path::Path;

use globset::{Glob, GlobSet, GlobSetBuilder};

pub use crate::answers::check_section::{CheckSection, Level};
use crate::error::{Error, Result};
use crate::rules::{self, Severity};

/// How deep a chain of imports may go before `deep-imports` speaks.
pub const DEFAULT_MAX_IMPORT_DEPTH: usize = 12;

/// The configuration, checked and ready to apply.
pub struct Settings {
    levels: BTreeMap<&'static str, Level>,
    ignore: GlobSet,
    pub max_import_depth: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            levels: BTreeMap::new(),
            ignore: GlobSet::empty(),
            max_import_depth: DEFAULT_MAX_IMPORT_DEPTH,
        }
    }
}

impl Settings {
    /// Validates `config` (read from `path`): unknown rules (at their line and column) and bad
    /// globs are errors naming the file.
    pub fn from_config(config: &CheckSection, path: &Path) -> Result<Settings> {
        let error = |message: String| Error::Config {
            path: path.to_path_buf(),
            message,
        };
        let mut levels = BTreeMap::new();
        for (key, level) in &config.rules.0 {
            let rule = rules::find(&key.key).ok_or_else(|| {
                error(format!(
                    "line {} column {}: check.rules: there is no rule `{}`; `nixscaffold explain` \
                     lists them",
                    key.line, key.column, key.key
                ))
            })?;
            levels.insert(rule.id, *level);
        }
        let mut builder = GlobSetBuilder::new();
        for pattern in &config.ignore {
            let glob = Glob::new(pattern)
                .map_err(|e| error(format!("check.ignore: `{pattern}` is not a glob: {e}")))?;
            builder.add(glob);
        }
        let ignore = builder
            .build()
            .map_err(|e| error(format!("check.ignore: {e}")))?;
        let max_import_depth = config.max_import_depth.unwrap_or(DEFAULT_MAX_IMPORT_DEPTH);
        if max_import_depth == 0 {
            return Err(error("check.max-import-depth must be at least 1".into()));
        }
        Ok(Settings {
            levels,
            ignore,
            max_import_depth,
        })
    }

    /// The severity a rule reports with, or `None` when it is off.
    pub fn severity(&self, id: &str, default: Severity) -> Option<Severity> {
        match self.levels.get(id) {
            Some(Level::Off) => None,
            Some(Level::Warning) => Some(Severity::Warning),
            Some(Level::Error) => Some(Severity::Error),
            None => Some(default),
        }
    }

    /// Whether `check.rules` sets this rule (by id or name) at all.
    pub fn explicit(&self, id: &str) -> bool {
        self.levels.contains_key(id)
    }

    pub fn ignored(&self, path: &str) -> bool {
        self.ignore.is_match(path)
    }
}
