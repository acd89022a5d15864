//! The `check:` section of `.nixscaffold.yaml`: rules turned off or given a severity, paths ignored.
//!
//! ```yaml
//! check:
//!   rules:
//!     orphan-file: off        # by name or by id (NS004); off, warning or error
//!     NS008: error
//!   ignore:
//!     - "vendor/**"
//!   max-import-depth: 12
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{Error, Result};
use crate::rules::{self, Severity};

/// How deep a chain of imports may go before `deep-imports` speaks.
pub const DEFAULT_MAX_IMPORT_DEPTH: usize = 12;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CheckConfig {
    /// Rule id or name to `off`, `warning` or `error`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rules: BTreeMap<RuleKey, Level>,
    /// Globs (relative to the repository) whose files are never reported.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_import_depth: Option<usize>,
}

/// A rule's id or name as the `check.rules` map holds it. It is checked while the file is read, so
/// an unknown rule is reported at its line and column.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct RuleKey(pub String);

impl<'de> Deserialize<'de> for RuleKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let key = String::deserialize(deserializer)?;
        if rules::find(&key).is_none() {
            return Err(serde::de::Error::custom(unknown_rule(&key)));
        }
        Ok(RuleKey(key))
    }
}

fn unknown_rule(key: &str) -> String {
    format!("check.rules: there is no rule `{key}`; `nixscaffold explain` lists them")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Off,
    Warning,
    Error,
}

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
    /// Validates `config` (read from `path`): unknown rules and bad globs are errors naming the file.
    pub fn from_config(config: &CheckConfig, path: &Path) -> Result<Settings> {
        let error = |message: String| Error::Config {
            path: path.to_path_buf(),
            message,
        };
        let mut levels = BTreeMap::new();
        for (key, level) in &config.rules {
            let rule = rules::find(&key.0).ok_or_else(|| error(unknown_rule(&key.0)))?;
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

    pub fn ignored(&self, path: &str) -> bool {
        self.ignore.is_match(path)
    }
}
