//! `nixscaffold schema`: the JSON Schema of `.nixscaffold.yaml`.

use crate::answers_schema;
use crate::error::{exit, Result};
use crate::out;

pub fn run() -> Result<i32> {
    out::document(answers_schema::text())?;
    Ok(exit::OK)
}
