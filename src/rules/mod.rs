//! The rules of `nixscaffold check`, one file each. Every rule carries a stable id, a name, a
//! one-line summary, a longer explanation and a fix: `nixscaffold explain` prints them, and the
//! README points there. A rule reads the shared [`Repo`] model and never touches the disk.

use serde::Serialize;

use crate::check::Repo;

pub mod cache_keys;
pub mod deep_imports;
pub mod duplicate_import;
pub mod flakes;
pub mod generated;
pub mod getenv;
pub mod hand_listed_imports;
pub mod import_cycle;
pub mod imported_module_output;
pub mod legacy_packages;
pub mod managed_drift;
pub mod missing_part;
pub mod nixpkgs_import;
pub mod orphan_file;
pub mod parse_error;
pub mod platform_overlay;
pub mod readdir_in_loop;
pub mod scanpaths_drift;
pub mod scattered_module_outputs;
pub mod stale_answers;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// The two kinds of finding. A *lint* is a mistake or a cost in any Nix repository (it must be
/// right everywhere); a *shape* finding measures the repository against the nixscaffold shape, so
/// it is a finding only where the repository adopted that shape ([`Repo::adopted`]). Elsewhere
/// shape findings are summed up as the distance to the shape, which fails nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Lint,
    Shape,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Lint => "lint",
            Kind::Shape => "shape",
        }
    }
}

/// What `explain` prints about a rule.
pub struct RuleInfo {
    /// Stable id, e.g. `NS004`.
    pub id: &'static str,
    /// Stable kebab-case name, e.g. `orphan-file`; usable wherever the id is.
    pub name: &'static str,
    pub summary: &'static str,
    pub explanation: &'static str,
    pub fix: &'static str,
    /// The severity when `.nixscaffold.yaml` does not set one.
    pub severity: Severity,
    pub kind: Kind,
}

pub trait Rule: Sync {
    fn info(&self) -> &'static RuleInfo;
    fn check(&self, repo: &Repo) -> Vec<Finding>;
}

/// One thing `check` found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub kind: Kind,
    /// Relative to the checked directory, with `/`.
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub fix: String,
    /// A unified diff, for content that departs from what the template renders.
    pub diff: Option<String>,
    /// The files a finding about a directory stands for (orphans filling it), else empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// The change `check --fix` makes, when the rule knows a safe, mechanical one.
    #[serde(skip)]
    pub autofix: Option<crate::fix::Fix>,
}

impl Finding {
    pub fn new(
        rule: &'static RuleInfo,
        file: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            rule: rule.id,
            name: rule.name,
            severity: rule.severity,
            kind: rule.kind,
            file: file.to_string(),
            line,
            column,
            message: message.into(),
            fix: rule.fix.to_string(),
            diff: None,
            files: Vec::new(),
            autofix: None,
        }
    }

    pub fn with_fix(mut self, fix: impl Into<String>) -> Finding {
        self.fix = fix.into();
        self
    }

    /// Rates this finding below the rule's default (a setting in `check.rules` still wins).
    pub fn with_severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }

    pub fn with_files(mut self, files: Vec<String>) -> Finding {
        self.files = files;
        self
    }

    /// Attaches the change `check --fix` makes for this finding (none: `None`).
    pub fn with_autofix(mut self, fix: impl Into<Option<crate::fix::Fix>>) -> Finding {
        self.autofix = fix.into();
        self
    }

    pub fn with_diff(mut self, diff: String) -> Finding {
        self.diff = Some(diff);
        self
    }
}

/// Every rule, in id order.
pub fn registry() -> &'static [&'static dyn Rule] {
    &[
        &parse_error::ParseError,
        &missing_part::MissingPart,
        &managed_drift::ManagedDrift,
        &hand_listed_imports::HandListedImports,
        &orphan_file::OrphanFile,
        &duplicate_import::DuplicateImport,
        &imported_module_output::ImportedModuleOutput,
        &readdir_in_loop::ReadDirInLoop,
        &getenv::GetEnv,
        &import_cycle::ImportCycle,
        &deep_imports::DeepImports,
        &legacy_packages::LegacyPackages,
        &nixpkgs_import::NixpkgsImport,
        &cache_keys::CacheKeys,
        &scanpaths_drift::ScanPathsDrift,
        &platform_overlay::PlatformOverlay,
        &scattered_module_outputs::ScatteredModuleOutputs,
        &stale_answers::StaleAnswers,
    ]
}

/// A rule by id or name, ignoring case.
pub fn find(key: &str) -> Option<&'static RuleInfo> {
    registry()
        .iter()
        .map(|rule| rule.info())
        .find(|info| info.id.eq_ignore_ascii_case(key) || info.name.eq_ignore_ascii_case(key))
}

#[cfg(test)]
pub mod testing {
    //! Helpers for the rules' unit tests: a repository from strings, findings as short lines.
    use super::*;

    /// Findings of one rule over in-memory files, as `file:line:column`.
    pub fn run(rule: &dyn Rule, files: &[(&str, &str)]) -> Vec<String> {
        let repo = crate::check::test_repo(files);
        let mut out: Vec<String> = rule
            .check(&repo)
            .into_iter()
            .map(|f| format!("{}:{}:{}", f.file, f.line, f.column))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn ids_and_names_are_unique_and_documented() {
        let infos: Vec<_> = registry().iter().map(|r| r.info()).collect();
        for (i, a) in infos.iter().enumerate() {
            assert!(!a.summary.is_empty() && !a.explanation.is_empty() && !a.fix.is_empty());
            assert_eq!(a.id, format!("NS{i:03}"), "registry in id order");
            for b in &infos[i + 1..] {
                assert_ne!(a.id, b.id);
                assert_ne!(a.name, b.name);
            }
        }
    }
}
