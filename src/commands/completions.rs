use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::{exit, Error, Result};
use crate::out;

/// Completions and the man page come from the same definitions as `--help`: `cli.rs`.
pub fn run(shell: clap_complete::Shell) -> Result<i32> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "nixscaffold", &mut script);
    out::document(script)?;
    Ok(exit::OK)
}

pub fn manpage() -> Result<i32> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(|e| Error::Internal(format!("cannot render the man page: {e}")))?;
    out::document(page)?;
    Ok(exit::OK)
}
