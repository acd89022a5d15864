//! nixscaffold: create, grow and audit Nix flake repositories in the recommended flake-parts shape.

// First, so that `say!` and `tell!` are in scope in every module below.
#[macro_use]
pub mod out;

pub mod adopt;
pub mod answers;
pub mod answers_schema;
pub mod caches;
pub mod check;
pub mod cli;
pub mod commands;
pub mod error;
pub mod eval;
pub mod fix;
pub mod generate;
pub mod git;
pub mod history;
pub mod layout;
pub mod lock;
pub mod names;
pub mod nix;
pub mod presets;
pub mod prompt;
pub mod render;
pub mod report;
pub mod root;
pub mod rules;
pub mod sarif;
pub mod text;
pub mod undo;
pub mod update;
pub mod write;

use std::ffi::OsString;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::commands::add;
use crate::error::exit;
use crate::layout::growth;

/// Runs the command line and returns the process's exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                exit::ERROR
            } else {
                exit::OK
            };
        }
    };
    let result = match cli.command {
        Command::New(args) => commands::new::run(&args),
        Command::Completions { shell } => commands::completions::run(shell),
        Command::Manpage(args) => commands::completions::manpage(args.dir.as_deref()),
        Command::Templates(args) => commands::templates::run(args.vars),
        Command::ReleaseShape => commands::release::shape(),
        Command::AddModule(a) => {
            add::from_cli(&growth::MODULE, &a.target, &a.add, Some(&a.layout), None)
        }
        Command::AddHost(a) => add::from_cli(
            &growth::HOST,
            &a.target,
            &a.add,
            None,
            a.state_version.as_deref(),
        ),
        Command::AddUser(a) => add::from_cli(&growth::USER, &a.target, &a.add, None, None),
        Command::Schema => commands::schema::run(),
        Command::AddPackage(a) => {
            add::from_cli(&growth::PACKAGE, &a.target, &a.add, Some(&a.layout), None)
        }
        Command::Check(args) => commands::check::run(&args),
        Command::Adopt(args) => commands::adopt::run(&args),
        Command::Eval(args) => commands::eval::run(&args),
        Command::Update(args) => commands::update::run(&args),
        Command::Migrate(args) => commands::migrate::run(&args),
        Command::Explain { rule } => commands::explain::run(rule.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            tell!("error: {e}");
            e.exit_code()
        }
    }
}
