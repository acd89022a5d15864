//! The walk: the files a flake sees, never following a symbolic link (a link could lead out of the
//! repository). In a git work tree, the files git shows ([`super::git_files`]); elsewhere every file
//! under the root but `.git`, in parallel, as a flake from a plain directory copies them all.
//! Whatever is passed over is reported.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

/// Something the walk did not read, and why.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

#[derive(Default)]
pub struct Listing {
    /// `.nix` files: relative path (with `/`) and absolute path.
    pub nix: Vec<(String, PathBuf)>,
    /// Every regular file, relative.
    pub files: Vec<String>,
    /// Every directory but the root, relative.
    pub dirs: Vec<String>,
    pub skipped: Vec<Skipped>,
    /// Why the root itself could not be read: then there is nothing to check.
    pub root_error: Option<String>,
}

/// The path of `path` relative to `root`, with `/` separators. A byte of a name that is not UTF-8
/// is written `\xNN`, so that two such names stay two paths (a lossy `\u{FFFD}` would merge them).
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| name_text(c.as_os_str()))
        .collect::<Vec<_>>()
        .join("/")
}

/// A file name as text: itself when it is UTF-8 without control characters, else with each byte
/// that is not UTF-8, and each control character, written `\xNN`.
fn name_text(name: &std::ffi::OsStr) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut text = String::new();
    for chunk in name.as_bytes().utf8_chunks() {
        // A control character (a newline in a name) would forge lines of the report.
        for c in chunk.valid().chars() {
            if c.is_control() {
                text.push_str(&format!("\\x{:02x}", u32::from(c)));
            } else {
                text.push(c);
            }
        }
        for byte in chunk.invalid() {
            text.push_str(&format!("\\x{byte:02x}"));
        }
    }
    text
}

pub fn walk(root: &Path) -> Listing {
    let mut listing = match super::git_files::listed(root) {
        Some(paths) => from_git(root, paths),
        None => walk_everything(root),
    };
    // `.nixscaffold.yaml` is read (and a link there reported) on its own, before the walk.
    listing
        .skipped
        .retain(|s| s.path != crate::answers::ANSWERS_FILE);
    listing
}

/// The listing of the files git shows: each inspected (a tracked file may be gone from the disk, a
/// submodule is a directory, a link is not followed), the directories taken from their paths.
fn from_git(root: &Path, paths: Vec<PathBuf>) -> Listing {
    let mut listing = Listing::default();
    let mut dirs = std::collections::BTreeSet::new();
    for path in paths {
        let absolute = root.join(&path);
        let rel = relative(root, &absolute);
        let skip = |listing: &mut Listing, reason: String| {
            listing.skipped.push(Skipped {
                path: rel.clone(),
                reason,
            })
        };
        match std::fs::symlink_metadata(&absolute) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => skip(&mut listing, format!("unreadable: {e}")),
            Ok(meta) if meta.file_type().is_symlink() => {
                skip(&mut listing, "symbolic link, not followed".into())
            }
            // A submodule: a flake does not see into it.
            Ok(meta) if meta.is_dir() => continue,
            Ok(meta) if meta.is_file() => {
                if rel.ends_with(".nix") {
                    listing.nix.push((rel.clone(), absolute.clone()));
                }
                listing.files.push(rel.clone());
            }
            Ok(_) => skip(&mut listing, "not a regular file, not read".into()),
        }
        for parent in path.ancestors().skip(1) {
            if parent.as_os_str().is_empty() || !dirs.insert(parent.to_path_buf()) {
                break;
            }
        }
    }
    listing.dirs = dirs.iter().map(|d| relative(root, &root.join(d))).collect();
    listing.nix.sort();
    listing.files.sort();
    listing.dirs.sort();
    listing.skipped.sort();
    listing
}

/// Every file under `root` but `.git`: no ignore file applies outside git (a flake from a plain
/// directory copies everything), hidden files included.
fn walk_everything(root: &Path) -> Listing {
    let listing = Mutex::new(Listing::default());
    let walker = WalkBuilder::new(root)
        .follow_links(false)
        .standard_filters(false)
        .filter_entry(|entry| entry.depth() == 0 || entry.file_name() != ".git")
        .build_parallel();
    walker.run(|| {
        let listing = &listing;
        Box::new(move |entry| {
            let record = |f: &mut dyn FnMut(&mut Listing)| {
                if let Ok(mut guard) = listing.lock() {
                    f(&mut guard);
                }
            };
            match entry {
                Err(error) => {
                    let at = error_path(&error);
                    let reason = error_reason(&error);
                    if at.as_deref() == Some(root) {
                        record(&mut |l| l.root_error = Some(reason.clone()));
                        return WalkState::Quit;
                    }
                    let path = at.map(|p| relative(root, &p)).unwrap_or_default();
                    record(&mut |l| {
                        l.skipped.push(Skipped {
                            path: path.clone(),
                            reason: format!("unreadable: {reason}"),
                        })
                    });
                }
                Ok(entry) => {
                    let rel = relative(root, entry.path());
                    if rel.is_empty() {
                        return WalkState::Continue;
                    }
                    let Some(kind) = entry.file_type() else {
                        return WalkState::Continue;
                    };
                    if kind.is_symlink() {
                        record(&mut |l| {
                            l.skipped.push(Skipped {
                                path: rel.clone(),
                                reason: "symbolic link, not followed".into(),
                            })
                        });
                    } else if kind.is_dir() {
                        record(&mut |l| l.dirs.push(rel.clone()));
                    } else if kind.is_file() {
                        let is_nix = rel.ends_with(".nix");
                        let absolute = entry.path().to_path_buf();
                        record(&mut |l| {
                            if is_nix {
                                l.nix.push((rel.clone(), absolute.clone()));
                            }
                            l.files.push(rel.clone());
                        });
                    } else {
                        // A FIFO, socket or device: reading it could block or never end.
                        record(&mut |l| {
                            l.skipped.push(Skipped {
                                path: rel.clone(),
                                reason: "not a regular file, not read".into(),
                            })
                        });
                    }
                }
            }
            WalkState::Continue
        })
    });
    let mut listing = listing.into_inner().unwrap_or_else(|e| e.into_inner());
    listing.nix.sort();
    listing.files.sort();
    listing.dirs.sort();
    listing.skipped.sort();
    listing
}

/// The error without the absolute path that `ignore` puts in front (the report names the path).
fn error_reason(error: &ignore::Error) -> String {
    match error {
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => {
            error_reason(err)
        }
        other => other.to_string(),
    }
}

fn error_path(error: &ignore::Error) -> Option<PathBuf> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errors) => errors.iter().find_map(error_path),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_are_not_utf8_stay_apart() {
        use std::os::unix::ffi::OsStrExt;
        let root = Path::new("/r");
        let name = |bytes: &[u8]| root.join(std::ffi::OsStr::from_bytes(bytes));
        assert_eq!(relative(root, &name(b"a/caf\xe9.nix")), "a/caf\\xe9.nix");
        assert_eq!(relative(root, &name(b"a/caf\xff.nix")), "a/caf\\xff.nix");
        assert_eq!(relative(root, &name("a/é.nix".as_bytes())), "a/é.nix");
        assert_eq!(relative(root, &name(b"a/x\ny.nix")), "a/x\\x0ay.nix");
    }
}
