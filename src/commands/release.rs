//! `nixscaffold release-shape` (hidden): this version's shape as `templates-history/VERSION/shape.json`
//! records it, for `scripts/release.sh`.

use crate::error::{exit, Error, Result};
use crate::history::StoredShape;

pub fn shape() -> Result<i32> {
    let json = serde_json::to_string_pretty(&StoredShape::current())
        .map_err(|e| Error::Internal(format!("cannot write the shape as JSON: {e}")))?;
    say!("{json}");
    Ok(exit::OK)
}
