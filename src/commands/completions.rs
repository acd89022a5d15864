use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::{exit, Result};

pub fn run(shell: clap_complete::Shell) -> Result<i32> {
    clap_complete::generate(
        shell,
        &mut Cli::command(),
        "nixscaffold",
        &mut std::io::stdout(),
    );
    Ok(exit::OK)
}
