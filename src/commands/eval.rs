//! `nixscaffold eval`: evaluates each configuration with the user's `nix`, reports what it cost,
//! compares with the committed baseline and exits 1 when a figure grew over its budget.

use std::io::IsTerminal;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use crate::answers::{AnswersFile, ANSWERS_FILE};
use crate::cli::{EvalArgs, ReportFormat};
use crate::error::{Error, Result};
use crate::eval::attribution::Sources;
use crate::eval::baseline::{Baseline, BASELINE_FILE};
use crate::eval::compare::{self, Row};
use crate::eval::report::{self, Run};
use crate::eval::run::{self, Nix};
use crate::eval::stats::Stats;
use crate::eval::{Configuration, EvalConfig, Measurement, Outcome};
use crate::{git, out};

pub fn run(args: &EvalArgs) -> Result<i32> {
    let dir = find_repo(args.dir.as_deref().or(args.repo.as_deref()))?;
    let config = read_config(&dir)?;
    let baseline = Baseline::read(&dir)?;
    let nix = Nix::find(&dir, args.nix_args.clone())?;
    // First, alone: `nix flake metadata` writes a missing or outdated flake.lock, which the
    // parallel evaluations below would otherwise all try to write.
    let store_copy = nix.source_path();
    let configurations = configurations(&nix, &args.attrs, &dir)?;
    let sources = Sources::new(&dir, store_copy, git::work_tree(&dir).as_deref());
    let jobs = args
        .jobs
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get);
    if std::io::stderr().is_terminal() {
        tell!(
            "Evaluating {} with {}, {jobs} at a time…",
            plural(configurations.len()),
            nix.version
        );
    }
    let measured = run::parallel(&configurations, jobs, progress_label, |c| {
        measure(&nix, &sources, c, args.repeat.get())
    });

    let saved = baseline.as_ref().and_then(|b| b.of(&nix.version));
    let pairs: Vec<(Configuration, Outcome)> = configurations.into_iter().zip(measured).collect();
    let rows = compare::rows(pairs, saved, &config);
    let unmeasured = match saved {
        // Only a full run knows that a configuration is gone.
        Some(saved) if args.attrs.is_empty() => saved
            .configurations
            .keys()
            .filter(|id| !rows.iter().any(|r| &r.configuration.id == *id))
            .cloned()
            .collect(),
        _ => Vec::new(),
    };
    let state = match (&baseline, saved) {
        (None, _) => report::Baseline::None,
        (Some(_), None) => report::Baseline::OtherEvaluators,
        (Some(_), Some(_)) => report::Baseline::Compared,
    };
    let save = args.save_baseline && save_baseline(&dir, &nix.version, &rows, args)?;
    let run = Run {
        evaluator: &nix.version,
        baseline: state,
        rows: &rows,
        unmeasured,
        saved: save,
    };
    out::document(render(&run, args.format)?)?;
    Ok(compare::exit_code(&rows, save))
}

/// The configurations to measure: those `--attr` names, else every one the flake holds.
fn configurations(nix: &Nix, attrs: &[String], dir: &Path) -> Result<Vec<Configuration>> {
    if !attrs.is_empty() {
        return Ok(attrs.iter().map(|a| run::configuration_of(a)).collect());
    }
    let found = nix.discover()?;
    if found.is_empty() {
        return Err(Error::usage(format!(
            "{} has no nixosConfigurations, darwinConfigurations or homeConfigurations; name what \
             to measure with --attr (e.g. --attr packages.x86_64-linux.default.drvPath)",
            dir.display()
        )));
    }
    Ok(found)
}

fn render(run: &Run<'_>, format: ReportFormat) -> Result<String> {
    Ok(match format {
        ReportFormat::Human => report::human(run),
        ReportFormat::Json => {
            let mut text = serde_json::to_string_pretty(&report::json(run))
                .map_err(|e| Error::Internal(format!("cannot write JSON: {e}")))?;
            text.push('\n');
            text
        }
        ReportFormat::Github => report::github(run),
    })
}

/// `DIR`, or the repository around the current directory (see `root::discover`); absolute.
fn find_repo(given: Option<&Path>) -> Result<PathBuf> {
    let here = std::env::current_dir()
        .map_err(|e| Error::io("read", Path::new("the current directory"), e))?;
    match given {
        Some(dir) => {
            let dir = here.join(dir);
            if !dir.join("flake.nix").is_file() {
                return Err(Error::usage(format!(
                    "{}: there is no flake.nix there; give the flake's top directory",
                    dir.display()
                )));
            }
            // Without `..` or links: Nix names the files by this path when it evaluates in place.
            std::fs::canonicalize(&dir).map_err(|e| Error::io("read", &dir, e))
        }
        None => crate::root::discover(&here).ok_or_else(|| {
            Error::usage(format!(
                "no flake.nix in {} or any directory above it; run this inside a flake or give \
                     its directory",
                here.display()
            ))
        }),
    }
}

/// The `eval:` section of `.nixscaffold.yaml`, or the defaults when there is none.
fn read_config(dir: &Path) -> Result<EvalConfig> {
    let path = dir.join(ANSWERS_FILE);
    if !path.is_file() {
        return Ok(EvalConfig::default());
    }
    Ok(AnswersFile::read(&path)?.eval.unwrap_or_default())
}

/// Evaluates `configuration` `repeat` times: the counts of the first run, the median CPU time.
fn measure(nix: &Nix, sources: &Sources, configuration: &Configuration, repeat: usize) -> Outcome {
    let mut runs: Vec<Stats> = Vec::new();
    for _ in 0..repeat {
        match nix.measure(configuration) {
            Ok(stats) => runs.push(stats),
            Err(error) => return Outcome::Failed(error),
        }
    }
    let mut times: Vec<f64> = runs.iter().map(|s| s.figures().cpu).collect();
    times.sort_by(f64::total_cmp);
    let Some(first) = runs.first() else {
        return Outcome::Failed("nothing was evaluated".into());
    };
    let mut figures = first.figures();
    figures.cpu = median(&times);
    Outcome::Measured(Measurement {
        figures,
        files: sources.fold(first),
    })
}

/// The median of sorted `values`: the middle one, or the mean of the two middle ones.
fn median(values: &[f64]) -> f64 {
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

fn plural(n: usize) -> String {
    format!("{n} configuration{}", if n == 1 { "" } else { "s" })
}

fn progress_label(configuration: &Configuration, outcome: &Outcome) -> String {
    match outcome {
        Outcome::Measured(m) => format!("{} {:.3}s", configuration.id, m.figures.cpu),
        Outcome::Failed(_) => format!("{} failed", configuration.id),
    }
}

/// Saves the measured figures as the baseline of `evaluator`, unless a configuration failed (a
/// baseline with a hole would hide it). Returns whether it saved.
fn save_baseline(dir: &Path, evaluator: &str, rows: &[Row], args: &EvalArgs) -> Result<bool> {
    if rows.iter().any(|r| matches!(r.outcome, Outcome::Failed(_))) {
        tell!(
            "warning: {BASELINE_FILE} was not saved: a configuration failed to evaluate; fix it and \
             run --save-baseline again"
        );
        return Ok(false);
    }
    let measured: Vec<(String, &Measurement)> = rows
        .iter()
        .filter_map(|r| Some((r.configuration.id.clone(), r.measurement()?)))
        .collect();
    // Read, merged and written under the repository's lock, read again there: another run may
    // have saved its evaluator's figures since this one started measuring.
    let _lock = crate::lock::acquire(dir)?;
    let mut baseline = Baseline::read(dir)?.unwrap_or_default();
    baseline.record(evaluator, &measured, args.attrs.is_empty());
    baseline.write(dir)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn the_median_is_the_middle_value() {
        assert_eq!(median(&[]), 0.0);
        assert_eq!(median(&[3.0]), 3.0);
        assert_eq!(median(&[1.0, 2.0, 9.0]), 2.0);
        assert_eq!(median(&[1.0, 2.0, 4.0, 9.0]), 3.0);
    }
}
