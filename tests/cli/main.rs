//! The one integration-test binary: each module holds the tests of one command or topic.

mod support;

mod add;
mod check;
mod hostile_check;
mod lifecycle;
mod new;
mod properties;
