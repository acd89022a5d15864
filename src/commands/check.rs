//! `nixscaffold check`: reads a repository (never writes) and reports drift and findings.

use std::path::PathBuf;

use crate::check::check_dir;
use crate::cli::{CheckArgs, CheckFormat};
use crate::error::{exit, Error, Result};
use crate::{out, report, root, sarif};

pub fn run(args: &CheckArgs) -> Result<i32> {
    let dir = match args.dir.as_ref().or(args.repo.as_ref()) {
        Some(dir) => dir.clone(),
        None => discovered_root()?,
    };
    let outcome = check_dir(&dir)?;
    let text = match args.format {
        CheckFormat::Human => report::human(&outcome, report::use_color(), args.verbose),
        CheckFormat::Json => {
            let mut text = serde_json::to_string_pretty(&report::json(&outcome))
                .map_err(|e| Error::Internal(format!("cannot write JSON: {e}")))?;
            text.push('\n');
            text
        }
        CheckFormat::Github => report::github(&outcome),
        CheckFormat::Sarif => sarif::document(&outcome)?,
    };
    out::document(text)?;
    Ok(if outcome.findings.is_empty() {
        exit::OK
    } else {
        exit::FINDINGS
    })
}

/// The repository around the current directory (see `root`), shown relative to it; else `.`.
fn discovered_root() -> Result<PathBuf> {
    let here = std::env::current_dir()
        .map_err(|e| Error::io("find", std::path::Path::new("the current directory"), e))?;
    Ok(match root::discover(&here) {
        Some(found) => root::shown_from(&here, &found),
        None => PathBuf::from("."),
    })
}
