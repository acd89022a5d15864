//! The baseline: figures saved with `--save-baseline` in `.nixscaffold-eval.json`, one entry per
//! evaluator (counts differ between Nix versions and between Nix, Lix and Determinate Nix), then
//! one per configuration. Committed with the repository, so that CI compares against it.
//!
//! ```json
//! { "version": 1,
//!   "evaluators": { "nix (Nix) 2.8.0": { "configurations": {
//!     "nixosConfigurations.laptop": {
//!       "figures": { "cpu": 0.41, "function-calls": 123456, "thunks": 234567, … },
//!       "files": { "modules/home/editors.nix": { "function-calls": 4000, "attribute-selections": 90 } }
//!     } } } } }
//! ```

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

use super::{Figures, FileCost, Measurement};

/// The baseline's file, at the repository's root.
pub const BASELINE_FILE: &str = ".nixscaffold-eval.json";

/// The version of the file's format.
pub const BASELINE_VERSION: u32 = 1;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    /// `nix --version` to what that evaluator measured.
    #[serde(default)]
    pub evaluators: BTreeMap<String, Evaluator>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Evaluator {
    #[serde(default)]
    pub configurations: BTreeMap<String, Saved>,
}

/// One configuration's saved figures and file costs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    pub figures: Figures,
    #[serde(default)]
    pub files: BTreeMap<String, FileCost>,
}

impl From<&Measurement> for Saved {
    fn from(m: &Measurement) -> Saved {
        Saved {
            figures: m.figures,
            files: m.files.clone(),
        }
    }
}

impl Saved {
    pub fn measurement(&self) -> Measurement {
        Measurement {
            figures: self.figures,
            files: self.files.clone(),
        }
    }
}

impl Baseline {
    /// The repository's baseline, or `None` when it has none.
    pub fn read(repo: &Path) -> Result<Option<Baseline>> {
        let path = repo.join(BASELINE_FILE);
        let text = match std::fs::read_to_string(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io("read", &path, e)),
            Ok(text) => text,
        };
        let baseline: Baseline = serde_json::from_str(&text).map_err(|e| Error::Config {
            path: path.clone(),
            message: format!(
                "line {} column {}: {e}; it is written by `nixscaffold eval --save-baseline`: \
                 restore it from git or save it again",
                e.line(),
                e.column()
            ),
        })?;
        if baseline.version != BASELINE_VERSION {
            return Err(Error::Config {
                path,
                message: format!(
                    "it is version {} of the format, and this nixscaffold reads version \
                     {BASELINE_VERSION}: save it again with `nixscaffold eval --save-baseline`",
                    baseline.version
                ),
            });
        }
        Ok(Some(baseline))
    }

    /// The saved configurations of one evaluator.
    pub fn of(&self, evaluator: &str) -> Option<&Evaluator> {
        self.evaluators.get(evaluator)
    }

    /// Records `measured` for `evaluator`. With `replace_all`, the evaluator's other configurations
    /// go (a full run measured them all); otherwise they stay (a run of some `--attr`s).
    pub fn record(
        &mut self,
        evaluator: &str,
        measured: &[(String, &Measurement)],
        replace_all: bool,
    ) {
        self.version = BASELINE_VERSION;
        let entry = self.evaluators.entry(evaluator.to_string()).or_default();
        if replace_all {
            entry.configurations.clear();
        }
        for (id, measurement) in measured {
            entry
                .configurations
                .insert(id.clone(), Saved::from(*measurement));
        }
    }

    /// Writes the baseline at once: to a temporary file beside it, then renamed over it, so that a
    /// reader never sees half a file.
    pub fn write(&self, repo: &Path) -> Result<()> {
        let path = repo.join(BASELINE_FILE);
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|e| Error::Internal(format!("cannot write the baseline as JSON: {e}")))?;
        text.push('\n');
        let mut temporary = tempfile::Builder::new()
            .prefix(".nixscaffold-eval.")
            .tempfile_in(repo)
            .map_err(|e| Error::io("write", &path, e))?;
        temporary
            .write_all(text.as_bytes())
            .and_then(|()| temporary.as_file().sync_all())
            .map_err(|e| Error::io("write", &path, e))?;
        temporary
            .persist(&path)
            .map_err(|e| Error::io("write", &path, e.error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measurement(calls: u64) -> Measurement {
        Measurement {
            figures: Figures {
                cpu: 0.25,
                function_calls: calls,
                thunks: 7,
                ..Figures::default()
            },
            files: BTreeMap::from([(
                "modules/a.nix".to_string(),
                FileCost {
                    function_calls: calls,
                    attribute_selections: 1,
                },
            )]),
        }
    }

    #[test]
    fn a_baseline_round_trips_and_keeps_other_evaluators() {
        let dir = tempfile::tempdir().unwrap();
        let mut baseline = Baseline::default();
        let (one, two) = (measurement(1), measurement(2));
        baseline.record(
            "nix (Nix) 2.8.0",
            &[("a".into(), &one), ("b".into(), &one)],
            true,
        );
        baseline.record("nix (Nix) 2.26.3", &[("a".into(), &two)], true);
        baseline.write(dir.path()).unwrap();
        let read = Baseline::read(dir.path()).unwrap().unwrap();
        assert_eq!(read, baseline);

        let mut some = read.clone();
        some.record("nix (Nix) 2.8.0", &[("a".into(), &two)], false);
        let saved = &some.of("nix (Nix) 2.8.0").unwrap().configurations;
        assert_eq!(saved["a"].figures.function_calls, 2);
        assert_eq!(
            saved["b"].figures.function_calls, 1,
            "--attr runs keep the others"
        );
        some.record("nix (Nix) 2.8.0", &[("a".into(), &two)], true);
        assert_eq!(some.of("nix (Nix) 2.8.0").unwrap().configurations.len(), 1);
        assert_eq!(some.of("nix (Nix) 2.26.3"), read.of("nix (Nix) 2.26.3"));
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
    }

    #[test]
    fn no_file_is_no_baseline_and_a_broken_one_is_an_error_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Baseline::read(dir.path()).unwrap(), None);
        std::fs::write(
            dir.path().join(BASELINE_FILE),
            "{\n  \"version\": 1,\n  oops\n}",
        )
        .unwrap();
        let error = Baseline::read(dir.path()).unwrap_err().to_string();
        assert!(
            error.contains(BASELINE_FILE) && error.contains("line 3"),
            "{error}"
        );
        std::fs::write(dir.path().join(BASELINE_FILE), "{\"version\": 9}").unwrap();
        let error = Baseline::read(dir.path()).unwrap_err().to_string();
        assert!(error.contains("version 9"), "{error}");
    }
}
