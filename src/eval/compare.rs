//! One run's results against the baseline: the change of every figure, whether it stays within its
//! budget, and which of the repository's files grew. Decides the exit code.

use super::attribution::{self, Growth};
use super::baseline::Evaluator;
use super::budget::{EvalConfig, Limit};
use super::{Amount, Configuration, Figure, Measurement, Outcome};
use crate::error::exit;

/// One figure of one configuration, before and now.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub figure: Figure,
    pub before: Amount,
    pub now: Amount,
    pub limit: Limit,
    pub exceeded: bool,
}

impl Change {
    /// `now - before`, in the figure's unit.
    pub fn delta(&self) -> f64 {
        self.now.as_f64() - self.before.as_f64()
    }

    /// The change in percent of `before`; `None` when `before` is zero.
    pub fn percent(&self) -> Option<f64> {
        let before = self.before.as_f64();
        (before != 0.0).then(|| self.delta() / before * 100.0)
    }
}

/// A configuration measured against its saved figures.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// Every figure, in [`Figure::ALL`]'s order.
    pub changes: Vec<Change>,
    /// The repository's files whose function calls changed, the largest growth first.
    pub files: Vec<Growth>,
}

impl Comparison {
    pub fn exceeded(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.exceeded)
    }
}

/// One configuration's line in the report.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub configuration: Configuration,
    pub outcome: Outcome,
    /// Against the baseline, when it holds this configuration (and the run measured it).
    pub comparison: Option<Comparison>,
}

impl Row {
    pub fn measurement(&self) -> Option<&Measurement> {
        match &self.outcome {
            Outcome::Measured(m) => Some(m),
            Outcome::Failed(_) => None,
        }
    }

    pub fn over_budget(&self) -> bool {
        self.comparison
            .as_ref()
            .is_some_and(|c| c.exceeded().next().is_some())
    }
}

/// Compares `now` with `before` under the budgets of configuration `id`.
pub fn compare(
    id: &str,
    before: &Measurement,
    now: &Measurement,
    config: &EvalConfig,
) -> Comparison {
    let changes = Figure::ALL
        .into_iter()
        .map(|figure| {
            let (before, now) = (figure.of(&before.figures), figure.of(&now.figures));
            let limit = config.limit(id, figure);
            Change {
                figure,
                before,
                now,
                limit,
                exceeded: !limit.allows(before, now),
            }
        })
        .collect();
    Comparison {
        changes,
        files: attribution::changes(&before.files, &now.files),
    }
}

/// The rows of a run: each configuration's outcome, compared when the baseline has it.
pub fn rows(
    measured: Vec<(Configuration, Outcome)>,
    saved: Option<&Evaluator>,
    config: &EvalConfig,
) -> Vec<Row> {
    measured
        .into_iter()
        .map(|(configuration, outcome)| {
            let comparison = match (
                &outcome,
                saved.and_then(|s| s.configurations.get(&configuration.id)),
            ) {
                (Outcome::Measured(now), Some(before)) => Some(compare(
                    &configuration.id,
                    &before.measurement(),
                    now,
                    config,
                )),
                _ => None,
            };
            Row {
                configuration,
                outcome,
                comparison,
            }
        })
        .collect()
}

/// 2 when a configuration failed to evaluate, else 1 when one is over budget (unless the run saved
/// a new baseline, which accepts the figures), else 0.
pub fn exit_code(rows: &[Row], saving: bool) -> i32 {
    if rows.iter().any(|r| matches!(r.outcome, Outcome::Failed(_))) {
        exit::ERROR
    } else if !saving && rows.iter().any(Row::over_budget) {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::Figures;

    fn measured(thunks: u64, cpu: f64) -> Measurement {
        Measurement {
            figures: Figures {
                thunks,
                cpu,
                function_calls: 100,
                ..Figures::default()
            },
            ..Measurement::default()
        }
    }

    #[test]
    fn a_count_over_its_budget_is_exceeded_and_time_is_not_gated_by_default() {
        let config = EvalConfig::default();
        let c = compare("x", &measured(100, 1.0), &measured(106, 9.0), &config);
        let exceeded: Vec<Figure> = c.exceeded().map(|c| c.figure).collect();
        assert_eq!(exceeded, [Figure::Thunks]);
        let thunks = c
            .changes
            .iter()
            .find(|c| c.figure == Figure::Thunks)
            .unwrap();
        assert_eq!(thunks.delta(), 6.0);
        assert_eq!(thunks.percent(), Some(6.0));
        let c = compare("x", &measured(100, 1.0), &measured(105, 1.0), &config);
        assert_eq!(c.exceeded().count(), 0);
    }

    #[test]
    fn failures_win_over_budgets_and_saving_accepts_the_figures() {
        let config = EvalConfig::default();
        let configuration = |id: &str| Configuration {
            id: id.into(),
            attr: id.into(),
        };
        let over = Row {
            configuration: configuration("a"),
            outcome: Outcome::Measured(measured(200, 1.0)),
            comparison: Some(compare(
                "a",
                &measured(100, 1.0),
                &measured(200, 1.0),
                &config,
            )),
        };
        let failed = Row {
            configuration: configuration("b"),
            outcome: Outcome::Failed("error: boom".into()),
            comparison: None,
        };
        assert_eq!(
            exit_code(std::slice::from_ref(&over), false),
            exit::FINDINGS
        );
        assert_eq!(exit_code(std::slice::from_ref(&over), true), exit::OK);
        assert_eq!(exit_code(&[over, failed], false), exit::ERROR);
    }
}
