use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::{exit, Result};

/// Completions and the man page come from the same definitions as `--help`: `cli.rs`.
pub fn run(shell: clap_complete::Shell) -> Result<i32> {
    clap_complete::generate(
        shell,
        &mut Cli::command(),
        "nixscaffold",
        &mut std::io::stdout(),
    );
    Ok(exit::OK)
}

pub fn manpage() -> Result<i32> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(|e| crate::error::Error::Internal(format!("cannot render the man page: {e}")))?;
    use std::io::Write as _;
    // A closed pipe (`nixscaffold manpage | head`) is not an error worth a message.
    let _ = std::io::stdout().write_all(&page);
    Ok(exit::OK)
}
