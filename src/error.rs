//! One error type for the whole tool. Every error exits with the same code, 2 ([`exit::ERROR`]):
//! the variants differ in their message, not in what a script should do about them.

use std::fmt;
use std::path::{Path, PathBuf};

/// Exit codes, documented in `--help` and the README.
pub mod exit {
    /// Success: the work is done, or `check` found nothing.
    pub const OK: i32 = 0;
    /// `check` found drift or findings.
    pub const FINDINGS: i32 = 1;
    /// A usage mistake or an I/O error: nothing was changed.
    pub const ERROR: i32 = 2;
}

#[derive(Debug)]
pub enum Error {
    /// The user asked for something that cannot be done as asked; the message says what to do.
    Usage(String),
    /// Reading or writing a file failed.
    Io {
        path: PathBuf,
        action: &'static str,
        source: std::io::Error,
    },
    /// A configuration file that does not parse or has the wrong shape.
    Config { path: PathBuf, message: String },
    /// A bug or a broken template: says so plainly instead of panicking.
    Internal(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage(message.into())
    }

    pub fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            action,
            source,
        }
    }

    /// The process's exit code for this error: always [`exit::ERROR`] (2), whatever the variant.
    /// A usage mistake, an I/O failure, a bad configuration file and an internal error all mean
    /// the same to a script: the command stopped and changed nothing. Exit 1 is kept for `check`'s
    /// findings, which are a result, not an error; the codes are documented in `--help` and the
    /// README as 0/1/2 and are not split further.
    pub fn exit_code(&self) -> i32 {
        exit::ERROR
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(message) => write!(f, "{message}"),
            Error::Io {
                path,
                action,
                source,
            } => {
                write!(f, "cannot {action} {}: {source}", path.display())?;
                match io_hint(source) {
                    Some(hint) => write!(f, "; {hint}"),
                    None => Ok(()),
                }
            }
            Error::Config { path, message } => write!(
                f,
                "{}: {}",
                path.display(),
                message.strip_prefix("error: ").unwrap_or(message)
            ),
            Error::Internal(message) => write!(
                f,
                "internal error: {message} (this is a bug in nixscaffold; please report it)"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// What to do about an I/O error, when its kind says: every message names the file and the fix.
fn io_hint(error: &std::io::Error) -> Option<&'static str> {
    use std::io::ErrorKind as K;
    const ELOOP: i32 = 40;
    Some(match error.kind() {
        K::PermissionDenied => "check its permissions and owner (`ls -ld` it), or run as its owner",
        K::NotADirectory => "a part of that path is a file, not a directory: move the file away",
        K::IsADirectory => "it is a directory where a file belongs: move the directory away",
        K::StorageFull | K::QuotaExceeded | K::FileTooLarge => {
            "the disk or quota is full: free some space and run the command again (nothing was kept)"
        }
        K::ReadOnlyFilesystem => "the file system is read-only: remount it writable or choose another place",
        K::InvalidData => "it is not UTF-8 text: save it as UTF-8",
        _ if error.raw_os_error() == Some(ELOOP) => {
            "a symbolic link on that path points back to itself: remove or fix the link"
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_exits_with_2() {
        let errors = [
            Error::usage("no"),
            Error::io("read", Path::new("f"), std::io::ErrorKind::NotFound.into()),
            Error::Config {
                path: PathBuf::from(".nixscaffold.yaml"),
                message: "bad".into(),
            },
            Error::Internal("bug".into()),
        ];
        for error in errors {
            assert_eq!(error.exit_code(), exit::ERROR, "{error:?}");
        }
    }
}
