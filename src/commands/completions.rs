use std::path::Path;

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

/// The main page on standard output, or with `dir` every command's page written there.
pub fn manpage(dir: Option<&Path>) -> Result<i32> {
    match dir {
        None => {
            out::document(render(Cli::command())?)?;
        }
        Some(dir) => {
            for (name, page) in pages()? {
                let path = dir.join(&name);
                std::fs::write(&path, page).map_err(|e| Error::io("write", &path, e))?;
                say!("{}", path.display());
            }
        }
    }
    Ok(exit::OK)
}

/// `(file name, roff)` of the main page and of one page per command, e.g. `nixscaffold-check.1`.
pub fn pages() -> Result<Vec<(String, Vec<u8>)>> {
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let mut pages = vec![(
        clap_mangen::Man::new(command.clone()).get_filename(),
        render(command.clone())?,
    )];
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let man = clap_mangen::Man::new(sub.clone());
        pages.push((man.get_filename(), render(sub.clone())?));
    }
    Ok(pages)
}

fn render(command: clap::Command) -> Result<Vec<u8>> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut page)
        .map_err(|e| Error::Internal(format!("cannot render the man page: {e}")))?;
    Ok(page)
}
