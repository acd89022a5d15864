//! The statistics file Nix writes with `NIX_SHOW_STATS=1` (to `NIX_SHOW_STATS_PATH`), read into
//! typed figures. Nix 2.8 and Nix 2.26 (and Lix) write the same core fields; the differences are
//! tolerated here: 2.26 adds `time`, `gc.cycles` and `nrExprs`, writes `"attributes": null`, and
//! names its internal files `<nix/…>` or `«nix-internal»/…` where 2.8 writes `//builtin/…` or the
//! source text itself. Unknown fields are ignored.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::Figures;

/// The fields of the statistics file that nixscaffold reads.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// Seconds of CPU time the evaluator used (2.26 repeats it as `time.cpu`).
    #[serde(default)]
    pub cpu_time: Option<f64>,
    #[serde(default)]
    pub time: Option<Time>,
    #[serde(default)]
    pub envs: Count,
    #[serde(default)]
    pub list: Count,
    #[serde(default)]
    pub values: Count,
    #[serde(default)]
    pub sets: Count,
    #[serde(default)]
    pub nr_thunks: u64,
    #[serde(default)]
    pub nr_function_calls: u64,
    #[serde(default)]
    pub nr_prim_op_calls: u64,
    #[serde(default)]
    pub nr_lookups: u64,
    #[serde(default)]
    pub gc: Gc,
    /// With `NIX_COUNT_CALLS=1`: how often each function (by the position of its lambda) was called.
    #[serde(default)]
    pub functions: Option<Vec<Position>>,
    /// With `NIX_COUNT_CALLS=1`: how often each attribute selection (by position) ran.
    #[serde(default)]
    pub attributes: Option<Vec<Position>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Time {
    #[serde(default)]
    pub cpu: Option<f64>,
}

/// An allocation counter: how many, and (where Nix says) how many elements and bytes.
#[derive(Debug, Default, Deserialize)]
pub struct Count {
    #[serde(default)]
    pub number: u64,
    #[serde(default)]
    pub elements: u64,
    #[serde(default)]
    pub bytes: u64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Gc {
    #[serde(default)]
    pub heap_size: u64,
    #[serde(default)]
    pub total_bytes: u64,
}

/// One counted source position. `file` is absent for positions Nix cannot name.
#[derive(Debug, Deserialize)]
pub struct Position {
    #[serde(default)]
    pub file: Option<String>,
    #[serde(default)]
    pub count: u64,
}

/// What one source file cost: the calls of functions defined in it, and its attribute selections.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct FileCost {
    pub function_calls: u64,
    pub attribute_selections: u64,
}

impl Stats {
    pub fn parse(text: &str) -> Result<Stats, String> {
        serde_json::from_str(text).map_err(|e| format!("cannot read Nix's statistics: {e}"))
    }

    /// The figures nixscaffold compares.
    pub fn figures(&self) -> Figures {
        let cpu = self
            .cpu_time
            .or_else(|| self.time.as_ref().and_then(|t| t.cpu))
            .unwrap_or(0.0);
        Figures {
            cpu,
            function_calls: self.nr_function_calls,
            primop_calls: self.nr_prim_op_calls,
            thunks: self.nr_thunks,
            values: self.values.number,
            sets: self.sets.number,
            envs: self.envs.number,
            list_elements: self.list.elements,
            lookups: self.nr_lookups,
            bytes: self.gc.total_bytes,
            gc_heap: self.gc.heap_size,
        }
    }

    /// The counted positions folded by file: every file Nix named, as Nix named it.
    pub fn by_file(&self) -> BTreeMap<&str, FileCost> {
        let mut files: BTreeMap<&str, FileCost> = BTreeMap::new();
        for position in self.functions.iter().flatten() {
            if let Some(file) = position.file.as_deref() {
                files.entry(file).or_default().function_calls += position.count;
            }
        }
        for position in self.attributes.iter().flatten() {
            if let Some(file) = position.file.as_deref() {
                files.entry(file).or_default().attribute_selections += position.count;
            }
        }
        files
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NIX_2_8: &str = include_str!("../../tests/fixtures/eval/stats/nix-2.8.0.json");
    const NIX_2_26: &str = include_str!("../../tests/fixtures/eval/stats/nix-2.26.3.json");

    fn own_files(stats: &Stats) -> Vec<(String, FileCost)> {
        stats
            .by_file()
            .into_iter()
            .filter_map(|(file, cost)| {
                let (_, rest) = file.strip_prefix("/nix/store/")?.split_once('/')?;
                Some((rest.to_string(), cost))
            })
            .collect()
    }

    #[test]
    fn nix_2_8_statistics_are_read() {
        let stats = Stats::parse(NIX_2_8).unwrap();
        let figures = stats.figures();
        assert!(figures.cpu > 0.0, "{figures:?}");
        assert_eq!(figures.function_calls, 62);
        assert_eq!(figures.thunks, 84);
        assert_eq!(figures.values, 265);
        assert_eq!(figures.sets, 40);
        assert_eq!(figures.envs, 68);
        assert!(figures.gc_heap > 0 && figures.bytes > 0);
        let files = own_files(&stats);
        assert!(
            files
                .iter()
                .any(|(f, c)| f == "lib/default.nix" && c.function_calls > 0),
            "{files:?}"
        );
    }

    #[test]
    fn nix_2_26_statistics_are_read() {
        let stats = Stats::parse(NIX_2_26).unwrap();
        assert!(stats.attributes.is_none(), "2.26 writes attributes: null");
        let figures = stats.figures();
        assert!(figures.cpu > 0.0, "{figures:?}");
        assert_eq!(figures.function_calls, 62);
        assert_eq!(figures.thunks, 86);
        assert!(figures.values > 0 && figures.sets > 0 && figures.envs > 0);
        assert!(figures.gc_heap > 0 && figures.bytes > 0);
        let files = own_files(&stats);
        assert!(
            files
                .iter()
                .any(|(f, c)| f == "lib/default.nix" && c.function_calls > 0),
            "{files:?}"
        );
    }

    #[test]
    fn cpu_time_falls_back_to_time_cpu_and_unknown_fields_are_ignored() {
        let stats =
            Stats::parse(r#"{"time": {"cpu": 1.5, "gcFraction": 0}, "nrThunks": 3, "new": [1]}"#)
                .unwrap();
        assert_eq!(stats.figures().cpu, 1.5);
        assert_eq!(stats.figures().thunks, 3);
        assert!(stats.by_file().is_empty());
    }

    #[test]
    fn a_file_that_is_not_statistics_is_an_error() {
        assert!(Stats::parse("not json").is_err());
        assert!(Stats::parse(r#"{"nrThunks": "many"}"#).is_err());
    }
}
