//! A run of `eval` in three forms: a table for a person, JSON (the schema is
//! docs/eval-schema.json), and GitHub workflow annotations on the regressions.

use std::fmt::Write as _;

use serde_json::{json, Value};

use super::attribution::{costliest, Growth};
use super::baseline::BASELINE_FILE;
use super::compare::{Change, Row};
use super::{thousands, Amount, Figure, Outcome};

/// The version of the JSON output's schema; it changes only when a field changes meaning or goes.
pub const JSON_SCHEMA_VERSION: u32 = 1;

/// The figures the table shows (JSON and the changes show every figure).
const TABLE: [Figure; 8] = [
    Figure::Cpu,
    Figure::FunctionCalls,
    Figure::Thunks,
    Figure::Values,
    Figure::Sets,
    Figure::Envs,
    Figure::Bytes,
    Figure::GcHeap,
];

/// How many of a configuration's files the human report and the annotations name.
const TOP_FILES: usize = 5;

/// What the run compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Baseline {
    /// The repository has no baseline file.
    None,
    /// The file has no figures of this evaluator.
    OtherEvaluators,
    /// The file has figures of this evaluator.
    Compared,
}

/// Everything a report shows.
pub struct Run<'a> {
    pub evaluator: &'a str,
    pub baseline: Baseline,
    pub rows: &'a [Row],
    /// Configurations in the baseline that this run did not measure (they are gone, or renamed).
    pub unmeasured: Vec<String>,
    /// Whether the run saved a new baseline.
    pub saved: bool,
}

pub fn human(run: &Run<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Evaluated {} with {}; {}\n",
        plural(run.rows.len(), "configuration", "configurations"),
        run.evaluator,
        match run.baseline {
            Baseline::None => format!("no baseline yet ({BASELINE_FILE})"),
            Baseline::OtherEvaluators =>
                format!("{BASELINE_FILE} has no figures of this evaluator"),
            Baseline::Compared => format!("compared with {BASELINE_FILE}"),
        }
    );
    table(&mut out, run.rows);
    for row in run.rows {
        details(&mut out, row);
    }
    if !run.unmeasured.is_empty() {
        let _ = writeln!(
            out,
            "\nIn the baseline but not measured: {}",
            run.unmeasured.join(", ")
        );
    }
    let _ = writeln!(out, "\n{}", summary(run));
    out
}

fn table(out: &mut String, rows: &[Row]) {
    let mut lines: Vec<Vec<String>> = vec![std::iter::once("configuration".to_string())
        .chain(TABLE.iter().map(|f| f.name().to_string()))
        .collect()];
    for row in rows {
        let mut line = vec![row.configuration.id.clone()];
        match row.measurement() {
            Some(m) => line.extend(TABLE.iter().map(|f| f.of(&m.figures).to_string())),
            None => line.push("failed to evaluate".into()),
        }
        lines.push(line);
    }
    let columns = lines[0].len();
    // A failed configuration's line has two cells; it does not widen the figures' columns.
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            lines
                .iter()
                .filter(|l| i == 0 || l.len() == columns)
                .filter_map(|l| l.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for line in &lines {
        let cells: Vec<String> = line
            .iter()
            .enumerate()
            .map(|(i, cell)| {
                if i == 0 || line.len() < columns {
                    format!("{cell:<w$}", w = widths[i])
                } else {
                    format!("{cell:>w$}", w = widths[i])
                }
            })
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
    }
}

/// What one configuration's line in the table does not say: its error, its changes, its files.
fn details(out: &mut String, row: &Row) {
    let id = &row.configuration.id;
    if let Outcome::Failed(error) = &row.outcome {
        let _ = writeln!(out, "\n{id}: Nix could not evaluate it:");
        for line in error.lines() {
            let _ = writeln!(out, "    {line}");
        }
        return;
    }
    let Some(measurement) = row.measurement() else {
        return;
    };
    let Some(comparison) = &row.comparison else {
        let files = costliest(&measurement.files);
        if !files.is_empty() {
            let _ = writeln!(
                out,
                "\n{id}: own files that cost the most (function calls):"
            );
            for (file, cost) in files.iter().take(TOP_FILES) {
                let _ = writeln!(out, "    {file}: {}", thousands(cost.function_calls));
            }
        }
        return;
    };
    let changed: Vec<&Change> = comparison
        .changes
        .iter()
        .filter(|c| c.delta() != 0.0 || c.exceeded)
        .collect();
    let counts_changed = changed.iter().any(|c| c.figure != Figure::Cpu);
    let verdict = if row.over_budget() {
        "OVER BUDGET"
    } else if !counts_changed {
        "within budget, the same counts as the baseline"
    } else {
        "within budget"
    };
    let _ = writeln!(out, "\n{id}: {verdict}");
    for change in changed {
        let _ = writeln!(
            out,
            "    {:<15} {} -> {}  {}  (budget {}){}",
            change.figure.name(),
            change.before,
            change.now,
            delta_text(change),
            change.limit,
            if change.exceeded { "  EXCEEDED" } else { "" }
        );
    }
    grown_files(out, &comparison.files);
}

fn grown_files(out: &mut String, files: &[Growth]) {
    if files.is_empty() {
        return;
    }
    let _ = writeln!(out, "    own files that changed (function calls):");
    for growth in files.iter().take(TOP_FILES) {
        let _ = writeln!(out, "      {}", growth_text(growth));
    }
    if files.len() > TOP_FILES {
        let rest: i128 = files[TOP_FILES..].iter().map(Growth::delta).sum();
        let _ = writeln!(
            out,
            "      and {} more {}: {} calls in all",
            files.len() - TOP_FILES,
            if files.len() - TOP_FILES == 1 {
                "file"
            } else {
                "files"
            },
            signed(rest)
        );
    }
}

/// `modules/x.nix: +40,000 calls (new)`.
fn growth_text(growth: &Growth) -> String {
    let note = if growth.before == 0 {
        " (new)"
    } else if growth.now == 0 {
        " (gone)"
    } else {
        ""
    };
    format!("{}: {} calls{note}", growth.file, signed(growth.delta()))
}

fn signed(n: i128) -> String {
    let sign = if n < 0 { "-" } else { "+" };
    format!("{sign}{}", thousands(n.unsigned_abs() as u64))
}

/// `+4,166 (+337.6%)` or `+0.120s (+12.0%)`.
fn delta_text(change: &Change) -> String {
    let delta = match change.now {
        Amount::Seconds(_) => format!("{:+.3}s", change.delta()),
        Amount::Count(_) => signed(change.delta() as i128),
    };
    match change.percent() {
        Some(p) => format!("{delta} ({p:+.1}%)"),
        None => delta,
    }
}

fn summary(run: &Run<'_>) -> String {
    let failed = run
        .rows
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Failed(_)))
        .count();
    let over = run.rows.iter().filter(|r| r.over_budget()).count();
    let mut parts = Vec::new();
    if failed > 0 {
        parts.push(format!(
            "{} failed to evaluate",
            plural(failed, "configuration", "configurations")
        ));
    }
    if over > 0 {
        parts.push(format!(
            "{} over budget",
            plural(over, "configuration", "configurations")
        ));
    }
    let compared = run.baseline == Baseline::Compared;
    if run.saved {
        parts.push(format!("saved the figures to {BASELINE_FILE}"));
    } else if !compared && failed == 0 {
        parts.push(format!(
            "save a baseline with `nixscaffold eval --save-baseline` and commit {BASELINE_FILE}"
        ));
    } else if compared && over == 0 && failed == 0 {
        parts.push("every configuration is within its budgets".into());
    }
    parts.join("; ")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn json(run: &Run<'_>) -> Value {
    json!({
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": { "name": "nixscaffold", "version": env!("CARGO_PKG_VERSION") },
        "evaluator": run.evaluator,
        "baseline": {
            "file": BASELINE_FILE,
            "state": match run.baseline {
                Baseline::None => "none",
                Baseline::OtherEvaluators => "other-evaluators",
                Baseline::Compared => "compared",
            },
            "saved": run.saved,
            "unmeasured": run.unmeasured,
        },
        "configurations": run.rows.iter().map(row_json).collect::<Vec<_>>(),
    })
}

fn amount_json(amount: Amount) -> Value {
    match amount {
        Amount::Count(n) => json!(n),
        Amount::Seconds(s) => json!(s),
    }
}

fn row_json(row: &Row) -> Value {
    let mut value = json!({
        "id": row.configuration.id,
        "attr": row.configuration.attr,
        "status": match (&row.outcome, &row.comparison) {
            (Outcome::Failed(_), _) => "failed",
            (_, None) => "measured",
            _ if row.over_budget() => "over-budget",
            _ => "within-budget",
        },
    });
    match &row.outcome {
        Outcome::Failed(error) => value["error"] = json!(error),
        Outcome::Measured(m) => {
            value["figures"] = json!(m.figures);
            value["files"] = costliest(&m.files)
                .into_iter()
                .map(|(file, cost)| {
                    json!({
                        "file": file,
                        "function-calls": cost.function_calls,
                        "attribute-selections": cost.attribute_selections,
                    })
                })
                .collect();
        }
    }
    if let Some(comparison) = &row.comparison {
        value["changes"] = comparison
            .changes
            .iter()
            .map(|c| {
                json!({
                    "figure": c.figure.name(),
                    "before": amount_json(c.before),
                    "now": amount_json(c.now),
                    "budget": c.limit.to_string(),
                    "exceeded": c.exceeded,
                })
            })
            .collect();
        value["file-changes"] = comparison
            .files
            .iter()
            .map(|g| json!({ "file": g.file, "before": g.before, "now": g.now }))
            .collect();
    }
    value
}

/// GitHub workflow annotations: an error for each configuration that failed or is over budget, and
/// a warning on each of its files that grew the most.
pub fn github(run: &Run<'_>) -> String {
    let mut out = String::new();
    for row in run.rows {
        let id = &row.configuration.id;
        if let Outcome::Failed(error) = &row.outcome {
            let _ = writeln!(
                out,
                "::error title={}::{}",
                property(&format!("nixscaffold eval: {id} failed to evaluate")),
                data(error)
            );
        }
        let Some(comparison) = row.comparison.as_ref().filter(|_| row.over_budget()) else {
            continue;
        };
        let figures: Vec<String> = comparison
            .exceeded()
            .map(|c| {
                format!(
                    "{} {} -> {} {} (budget {})",
                    c.figure,
                    c.before,
                    c.now,
                    delta_text(c),
                    c.limit
                )
            })
            .collect();
        let grown: Vec<String> = comparison
            .files
            .iter()
            .filter(|g| g.delta() > 0)
            .take(TOP_FILES)
            .map(growth_text)
            .collect();
        let mut message = format!("{id} is over its evaluation budget: {}", figures.join("; "));
        if !grown.is_empty() {
            message.push_str(&format!("\nFiles that grew: {}", grown.join(", ")));
        }
        let _ = writeln!(
            out,
            "::error title={}::{}",
            property(&format!("nixscaffold eval: {id} over budget")),
            data(&message)
        );
        for growth in comparison
            .files
            .iter()
            .filter(|g| g.delta() > 0)
            .take(TOP_FILES)
        {
            let _ = writeln!(
                out,
                "::warning file={},title={}::{}",
                property(&growth.file),
                property("nixscaffold eval"),
                data(&format!("{id}: {}", growth_text(growth)))
            );
        }
    }
    out
}

/// A workflow command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}
