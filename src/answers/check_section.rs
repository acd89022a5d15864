//! The `check:` section of `.nixscaffold.yaml`, as the file holds it: rules turned off or given a
//! severity, paths ignored, the import depth. Rule keys are kept as written, with their line and
//! column: the checker validates them against its rules (`check/config.rs`), so this file format
//! does not depend on the checker.
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

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

#[derive(Clone, Debug, Default, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CheckSection {
    /// Rule id or name to `off`, `warning` or `error`, in the file's order.
    #[serde(default)]
    #[schemars(schema_with = "crate::answers_schema::check_rules")]
    pub rules: RuleLevels,
    /// Globs (relative to the repository) whose files are never reported.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// How deep a chain of imports may go before `deep-imports` speaks [default: 12].
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub max_import_depth: Option<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Off,
    Warning,
    Error,
}

/// A rule key as written, and where: line and column from 1 (0 when unknown).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleKey {
    pub key: String,
    pub line: u64,
    pub column: u64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleLevels(pub Vec<(RuleKey, Level)>);

impl<'de> Deserialize<'de> for RuleLevels {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Levels;
        impl<'de> Visitor<'de> for Levels {
            type Value = RuleLevels;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of rule ids or names to off, warning or error")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RuleLevels, A::Error> {
                let mut levels = Vec::new();
                while let Some(key) = map.next_key::<serde_saphyr::Spanned<String>>()? {
                    let level = map.next_value::<Level>()?;
                    let at = key.referenced;
                    let rule = RuleKey {
                        key: key.value,
                        line: at.line(),
                        column: at.column(),
                    };
                    levels.push((rule, level));
                }
                Ok(RuleLevels(levels))
            }
        }
        deserializer.deserialize_map(Levels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_keys_keep_their_line_and_column() {
        let text = "rules:\n  NS008: error\n  no-such-rule: off\n";
        let section: CheckSection = serde_saphyr::from_str(text).unwrap();
        let keys: Vec<(&str, u64, u64)> = section
            .rules
            .0
            .iter()
            .map(|(k, _)| (k.key.as_str(), k.line, k.column))
            .collect();
        assert_eq!(keys, vec![("NS008", 2, 3), ("no-such-rule", 3, 3)]);
    }
}
