//! One file per command, each with a `run` that returns the exit code.

pub mod add;
pub mod adopt;
pub mod check;
pub mod completions;
pub mod eval;
pub mod explain;
pub mod migrate;
pub mod new;
pub mod release;
pub mod schema;
pub mod templates;
pub mod update;
