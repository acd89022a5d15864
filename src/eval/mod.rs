//! `nixscaffold eval`: what evaluating each configuration costs, measured with the user's own `nix`,
//! compared with a committed baseline, and gated by budgets.
//!
//! - [`stats`] reads the statistics file Nix writes (`NIX_SHOW_STATS`), whatever its version.
//! - [`run`] finds `nix`, discovers the configurations, and evaluates them in parallel.
//! - [`attribution`] folds the per-function counts by the repository's own files.
//! - [`budget`] is the `eval:` section of `.nixscaffold.yaml`; [`baseline`] the committed figures.
//! - [`report`] prints it all as a table, JSON or GitHub annotations.

pub mod attribution;
pub mod baseline;
pub mod budget;
pub mod compare;
pub mod report;
pub mod run;
pub mod stats;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

pub use budget::EvalConfig;
pub use stats::FileCost;

/// What one evaluation cost, as Nix counted it. Every figure but `cpu` is a count that the same
/// evaluator reproduces exactly; `cpu` is seconds and noisy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Figures {
    pub cpu: f64,
    pub function_calls: u64,
    pub primop_calls: u64,
    pub thunks: u64,
    pub values: u64,
    pub sets: u64,
    pub envs: u64,
    pub list_elements: u64,
    pub lookups: u64,
    pub bytes: u64,
    pub gc_heap: u64,
}

/// One of the [`Figures`], by the name budgets and reports use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Figure {
    Cpu,
    FunctionCalls,
    PrimopCalls,
    Thunks,
    Values,
    Sets,
    Envs,
    ListElements,
    Lookups,
    Bytes,
    GcHeap,
}

/// A figure's value: a count, or seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Amount {
    Count(u64),
    Seconds(f64),
}

impl Figure {
    /// Every figure, in the order reports show them.
    pub const ALL: [Figure; 11] = [
        Figure::Cpu,
        Figure::FunctionCalls,
        Figure::PrimopCalls,
        Figure::Thunks,
        Figure::Values,
        Figure::Sets,
        Figure::Envs,
        Figure::ListElements,
        Figure::Lookups,
        Figure::Bytes,
        Figure::GcHeap,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Figure::Cpu => "cpu",
            Figure::FunctionCalls => "function-calls",
            Figure::PrimopCalls => "primop-calls",
            Figure::Thunks => "thunks",
            Figure::Values => "values",
            Figure::Sets => "sets",
            Figure::Envs => "envs",
            Figure::ListElements => "list-elements",
            Figure::Lookups => "lookups",
            Figure::Bytes => "bytes",
            Figure::GcHeap => "gc-heap",
        }
    }

    pub fn parse(name: &str) -> Option<Figure> {
        Figure::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Every figure's name, for messages.
    pub fn names() -> String {
        Figure::ALL.map(Figure::name).join(", ")
    }

    pub fn of(self, figures: &Figures) -> Amount {
        Amount::Count(match self {
            Figure::Cpu => return Amount::Seconds(figures.cpu),
            Figure::FunctionCalls => figures.function_calls,
            Figure::PrimopCalls => figures.primop_calls,
            Figure::Thunks => figures.thunks,
            Figure::Values => figures.values,
            Figure::Sets => figures.sets,
            Figure::Envs => figures.envs,
            Figure::ListElements => figures.list_elements,
            Figure::Lookups => figures.lookups,
            Figure::Bytes => figures.bytes,
            Figure::GcHeap => figures.gc_heap,
        })
    }
}

impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Amount {
    pub fn as_f64(self) -> f64 {
        match self {
            Amount::Count(n) => n as f64,
            Amount::Seconds(s) => s,
        }
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Amount::Count(n) => f.write_str(&thousands(*n)),
            Amount::Seconds(s) => write!(f, "{s:.3}s"),
        }
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A configuration to measure: `id` names it in reports, budgets and the baseline
/// (`nixosConfigurations.laptop`); `attr` is the flake attribute `nix eval` evaluates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Configuration {
    pub id: String,
    pub attr: String,
}

/// What measuring one configuration gave.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Measured(Measurement),
    /// Nix could not evaluate it: the last lines of its error.
    Failed(String),
}

/// The figures of one configuration (the median of the repeats for `cpu`), and what the
/// repository's own files cost, by repository-relative path.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Measurement {
    pub figures: Figures,
    pub files: BTreeMap<String, FileCost>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_figure_has_a_name_that_parses_back() {
        for figure in Figure::ALL {
            assert_eq!(Figure::parse(figure.name()), Some(figure));
        }
        assert_eq!(Figure::parse("calls"), None);
    }

    #[test]
    fn counts_are_shown_with_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(Amount::Seconds(0.5).to_string(), "0.500s");
    }
}
