use crate::error::{exit, Result};
use crate::out;
use crate::render::builtin_template_names;

pub fn run() -> Result<i32> {
    let mut list = String::new();
    for name in builtin_template_names() {
        list.push_str(&name);
        list.push('\n');
    }
    out::document(list)?;
    Ok(exit::OK)
}
