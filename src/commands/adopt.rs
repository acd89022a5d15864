//! `nixscaffold adopt [DIR]`: writes the answers the repository already holds (see `adopt`).

use std::path::{Path, PathBuf};

use crate::answers::ANSWERS_FILE;
use crate::cli::AdoptArgs;
use crate::error::{exit, Error, Result};
use crate::generate::PlannedFile;
use crate::layout::Ownership;
use crate::{adopt, git, out, write};

pub fn run(args: &AdoptArgs) -> Result<i32> {
    let root = find_root(args.dir.as_deref().or(args.repo.as_deref()))?;
    let exists = write::present(&root, ANSWERS_FILE)?;
    if exists && !args.force && !args.dry_run {
        return Err(Error::usage(format!(
            "{} already exists; adopt never replaces recorded answers. Pass --force to replace it \
             (its `check:` and `eval:` settings are lost), or --dry-run to compare",
            root.join(ANSWERS_FILE).display()
        )));
    }
    let (inferred, text) = adopt::answers_file(&root)?;
    if args.dry_run {
        out::document(text)?;
        tell!("(dry run: {ANSWERS_FILE} was not written)");
        return Ok(exit::OK);
    }
    if exists {
        write::replace(&root, ANSWERS_FILE, &text)?;
    } else {
        write::write_all(
            &root,
            &[PlannedFile {
                path: ANSWERS_FILE.into(),
                contents: text,
                ownership: Ownership::Starter,
            }],
        )?;
    }
    say!(
        "Wrote {} from the repository as it is:",
        root.join(ANSWERS_FILE).display()
    );
    for note in &inferred.notes {
        say!("  inferred: {note}");
    }
    for unknown in &inferred.unknown {
        say!("  not inferred: {unknown}");
    }
    say!("Next: `nixscaffold check` reports drift from these choices; `nixscaffold check --fix` applies the safe fixes.");
    if !args.no_git {
        git::report_added(&root, &[PathBuf::from(ANSWERS_FILE)], ANSWERS_FILE);
    }
    Ok(exit::OK)
}

/// `DIR`, or the repository around the current directory, found as `check` and `add-*` find it.
fn find_root(given: Option<&Path>) -> Result<PathBuf> {
    let here = std::env::current_dir()
        .map_err(|e| Error::io("read", Path::new("the current directory"), e))?;
    let root = match given {
        Some(dir) => {
            let dir = here.join(dir);
            if !dir.join("flake.nix").is_file() {
                return Err(Error::usage(format!(
                    "{}: there is no flake.nix there; give the repository's top directory",
                    dir.display()
                )));
            }
            dir
        }
        None => crate::root::discover(&here).ok_or_else(|| {
            Error::usage(format!(
                "no flake.nix in {} or any directory above it; run adopt inside the repository \
                 or give its directory",
                here.display()
            ))
        })?,
    };
    std::fs::canonicalize(&root).map_err(|e| Error::io("resolve", &root, e))
}
