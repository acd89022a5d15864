//! One file per command, each with a `run` that returns the exit code.

pub mod add;
pub mod completions;
pub mod new;
pub mod templates;
