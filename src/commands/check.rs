//! `nixscaffold check`: reads a repository (never writes) and reports drift and findings.

use std::path::PathBuf;

use crate::check::check_dir;
use crate::cli::{CheckArgs, CheckFormat};
use crate::error::{exit, Error, Result};
use crate::{out, report};

pub fn run(args: &CheckArgs) -> Result<i32> {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
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
    };
    out::document(text)?;
    Ok(if outcome.findings.is_empty() {
        exit::OK
    } else {
        exit::FINDINGS
    })
}
