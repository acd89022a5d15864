//! Reading a text file the user wrote: UTF-8, or an error that says where the first bad byte is.

use std::path::Path;

use crate::error::{Error, Result};

/// A file's text; when it is not UTF-8, says where the first bad byte is.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let column = valid.len() - valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1) + 1;
        Error::Config {
            path: path.to_path_buf(),
            message: format!(
                "line {line} column {column}: the file is not UTF-8 text (byte {:#04x}); save it as UTF-8",
                e.as_bytes()[valid.len()]
            ),
        }
    })
}
