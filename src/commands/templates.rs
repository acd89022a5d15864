use crate::error::{exit, Result};
use crate::render::builtin_template_names;

pub fn run() -> Result<i32> {
    for name in builtin_template_names() {
        say!("{name}");
    }
    Ok(exit::OK)
}
