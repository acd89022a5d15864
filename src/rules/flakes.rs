//! Which flake a file belongs to. Every `flake.nix` is the root of its own flake, with its own
//! inputs, settings and package sets: a template flake under `templates/` is not part of the
//! repository around it. A file belongs to the nearest `flake.nix` in its directory or above.

use crate::check::Repo;

/// The directories that hold a `flake.nix` (`""` for the repository's top), deepest first.
pub fn roots(repo: &Repo) -> Vec<String> {
    let mut roots: Vec<String> = repo
        .files
        .iter()
        .filter(|f| f.name() == "flake.nix")
        .map(|f| f.dir().to_string())
        .collect();
    roots.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    roots
}

/// The root of the flake `path` belongs to (`""`, the repository's top, when no `flake.nix` is
/// above it). `roots` comes from [`roots`].
pub fn owner<'a>(roots: &'a [String], path: &str) -> &'a str {
    roots
        .iter()
        .find(|root| {
            root.is_empty()
                || path
                    .strip_prefix(root.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        })
        .map_or("", String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_belongs_to_the_nearest_flake() {
        let repo = crate::check::test_repo(&[
            ("flake.nix", "{ }"),
            ("templates/go/flake.nix", "{ }"),
            ("templates/go/shell.nix", "{ }"),
            ("templates/gone.nix", "{ }"),
            ("hosts/a.nix", "{ }"),
        ]);
        let roots = roots(&repo);
        assert_eq!(roots, ["templates/go", ""]);
        assert_eq!(owner(&roots, "templates/go/shell.nix"), "templates/go");
        assert_eq!(owner(&roots, "templates/go/flake.nix"), "templates/go");
        assert_eq!(owner(&roots, "templates/gone.nix"), "");
        assert_eq!(owner(&roots, "hosts/a.nix"), "");
        assert_eq!(owner(&roots, "templates/gox/a.nix"), "");
    }
}
