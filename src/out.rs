//! The one way nixscaffold writes to standard output and standard error.
//!
//! - A command that produces a document (check's report, completions, the man page, `explain`,
//!   `templates`) renders it whole into memory and hands it to [`document`], which writes it at once.
//! - A command that reports progress (`new`, `add-*`, errors and warnings) writes lines with
//!   [`say!`] (standard output) and [`tell!`] (standard error), which go through [`line`].
//!
//! A reader that went away (`nixscaffold … | head -c0`) is never a panic and never an error exit:
//! what it did not read, it did not want. Only a document that could not be written for another
//! reason (a full disk behind `>`) is an error, because then the output the user asked for is lost.

use std::fmt;
use std::io::{ErrorKind, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// Prints a line to standard output through [`out::line`](crate::out::line): a closed pipe
/// (`nixscaffold new … | head`) never panics halfway, before the files are added to git.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::out::line($crate::out::Stream::Stdout, format_args!($($arg)*))
    };
}

/// Prints a line to standard error through [`out::line`](crate::out::line): an error or a warning
/// never turns into a panic, nor stops the command before it is done.
macro_rules! tell {
    ($($arg:tt)*) => {
        $crate::out::line($crate::out::Stream::Stderr, format_args!($($arg)*))
    };
}

/// Where a line goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Writes one line (a message, not a document) to `stream`. Best effort: a closed pipe or any
/// other failure to write a message is ignored, so that the command still finishes its work.
pub fn line(stream: Stream, args: fmt::Arguments<'_>) {
    let _ = match stream {
        Stream::Stdout => writeln!(std::io::stdout().lock(), "{args}"),
        Stream::Stderr => writeln!(std::io::stderr().lock(), "{args}"),
    };
}

/// Writes a whole document to standard output at once. A reader that went away is not an error;
/// any other failure is an I/O error naming standard output.
pub fn document(bytes: impl AsRef<[u8]>) -> Result<()> {
    write_document(&mut std::io::stdout().lock(), bytes.as_ref())
}

fn write_document(to: &mut impl Write, bytes: &[u8]) -> Result<()> {
    match to.write_all(bytes).and_then(|()| to.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::io("write", Path::new("standard output"), e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that fails every write with `kind`.
    struct Failing(ErrorKind);

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(self.0.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_is_not_an_error() {
        assert!(write_document(&mut Failing(ErrorKind::BrokenPipe), b"report").is_ok());
    }

    #[test]
    fn any_other_write_failure_is_an_io_error_naming_standard_output() {
        let error = write_document(&mut Failing(ErrorKind::StorageFull), b"report").unwrap_err();
        assert!(matches!(error, Error::Io { .. }), "{error:?}");
        assert!(
            error
                .to_string()
                .starts_with("cannot write standard output"),
            "{error}"
        );
    }

    #[test]
    fn a_document_is_written_whole() {
        let mut sink = Vec::new();
        write_document(&mut sink, b"one\ntwo\n").unwrap();
        assert_eq!(sink, b"one\ntwo\n");
    }
}
