//! The walk: every file and directory under the root, in parallel, never following a symbolic link
//! (a link could lead out of the repository). Hidden entries (`.git`, `.direnv`) and what git
//! ignores are left out, like a flake leaves them out; whatever is passed over is reported.

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
}

/// The path of `path` relative to `root`, with `/` separators.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

pub fn walk(root: &Path) -> Listing {
    let listing = Mutex::new(Listing::default());
    let walker = WalkBuilder::new(root)
        .follow_links(false)
        .hidden(true)
        .git_global(false)
        .require_git(false)
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
                    let path = error_path(&error)
                        .map(|p| relative(root, &p))
                        .unwrap_or_default();
                    let reason = error.to_string();
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
