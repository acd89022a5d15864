//! The one integration-test binary: each module holds the tests of one command or topic.

mod fixture;
mod support;

mod add;
mod add_properties;
mod adopt;
mod check;
mod day_one;
mod docs;
mod eval;
mod fix;
mod git_staging;
mod hostile;
mod hostile_check;
mod json_schema;
mod lifecycle;
mod migrate;
mod model;
mod new;
mod output;
mod own_flake;
mod prompt;
mod properties;
mod robust;
mod root;
mod sarif;
mod schema;
mod shape_agreement;
mod update;
