//! `nixscaffold adopt`: records the answers a repository already holds in `.nixscaffold.yaml`, so
//! that `check` measures it against its own choices (and reports drift from them from then on) and
//! `add-*` grows it in its own layout. The inference reads the check model ([`infer`]); this file
//! loads the model, renders the file with what was and was not inferred, and writes it.

pub mod infer;

use std::collections::BTreeSet;
use std::path::Path;

use crate::answers::{dir_name, AnswersFile, ANSWERS_FILE};
use crate::check::config::Settings;
use crate::check::{walk, Repo};
use crate::error::{Error, Result};
use crate::layout::expected::{Expected, Shape};
use crate::render::Renderer;

pub use self::infer::Inferred;

/// The repository at `root` as the check model reads it (the shape inferred, default settings).
pub fn load(root: &Path) -> Result<Repo> {
    let listing = walk::walk(root);
    if let Some(reason) = listing.root_error {
        return Err(Error::usage(format!(
            "cannot read {}: {reason}",
            root.display()
        )));
    }
    let mut nix = Vec::new();
    for (relative, absolute) in listing.nix {
        if let Ok(text) = std::fs::read_to_string(&absolute) {
            nix.push((relative, text));
        }
    }
    let others: Vec<String> = listing
        .files
        .into_iter()
        .filter(|f| !f.ends_with(".nix"))
        .collect();
    let dirs: BTreeSet<String> = listing.dirs.iter().cloned().collect();
    let expected = Expected::inferred(Shape::infer(&dirs), &dirs, &Renderer::builtin());
    Ok(Repo::from_sources(
        nix,
        others,
        listing.dirs,
        expected,
        Settings::default(),
    ))
}

/// The answers of the repository at `root`, and the text of its `.nixscaffold.yaml`: what was
/// inferred and what could not be, as comments, then the answers. The text is proved to read
/// back to the same answers.
pub fn answers_file(root: &Path) -> Result<(Inferred, String)> {
    let repo = load(root)?;
    let name = dir_name(root);
    let inferred = infer::infer(&repo, &name);
    let body = serde_saphyr::to_string(&inferred.file)
        .map_err(|e| Error::Internal(format!("cannot write the answers as YAML: {e}")))?;
    let mut text = String::from(
        "# The answers this repository already held, recorded by `nixscaffold adopt`: `check`\n\
         # compares the repository with its own choices, `add-*` grows it in its own layout.\n",
    );
    text.push_str("# Inferred:\n");
    for note in &inferred.notes {
        text.push_str(&format!("#   {note}\n"));
    }
    if !inferred.unknown.is_empty() {
        text.push_str("# Not inferred (edit below if the default is wrong):\n");
        for unknown in &inferred.unknown {
            text.push_str(&format!("#   {unknown}\n"));
        }
    }
    text.push_str(&body);
    let read_back: AnswersFile = serde_saphyr::from_str::<Option<AnswersFile>>(&text)
        .map_err(|e| Error::Internal(format!("the inferred answers do not read back: {e}")))?
        .unwrap_or_default();
    read_back.clone().resolve(&name).map_err(|why| {
        Error::usage(format!(
            "the answers inferred from {} do not hold together: {why}. Write {ANSWERS_FILE} by \
             hand (`adopt --dry-run` prints the inferred one to start from)",
            root.display()
        ))
    })?;
    if read_back != inferred.file {
        return Err(Error::Internal(
            "the inferred answers read back differently".into(),
        ));
    }
    Ok((inferred, text))
}
