//! What the repository's own files cost: Nix counts calls per function and selections per
//! attribute, by source position (`NIX_COUNT_CALLS=1`); here they are folded by file, and only the
//! files of the repository are kept, by their path in it. Nix names them by the copy it evaluated
//! (`/nix/store/<hash>-source/modules/x.nix`) or, for a flake outside the store, by their own path.

use std::collections::BTreeMap;
use std::path::Path;

use super::stats::{FileCost, Stats};

/// Where the repository's files are, as Nix names them.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    /// The repository's own directory, absolute.
    pub dir: String,
    /// The store copy of the flake's source, when known (`/nix/store/…-source`).
    pub store: Option<String>,
    /// The repository's path inside the store copy: empty, unless the flake is a subdirectory of
    /// a git work tree (Nix copies the whole work tree then).
    pub inside: String,
}

impl Sources {
    /// `dir` (absolute), its store copy and the top of its git work tree, when it has one.
    pub fn new(dir: &Path, store: Option<String>, work_tree: Option<&Path>) -> Sources {
        let inside = work_tree
            .and_then(|top| dir.strip_prefix(top).ok())
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        Sources {
            dir: dir.to_string_lossy().into_owned(),
            store,
            inside,
        }
    }

    /// The repository-relative path of a file Nix named, or `None` when it is not the repository's.
    pub fn relative(&self, file: &str) -> Option<String> {
        let in_store = self
            .store
            .as_deref()
            .and_then(|store| in_copy(file, store))
            .and_then(|rest| {
                if self.inside.is_empty() {
                    Some(rest)
                } else {
                    under(rest, &self.inside)
                }
            });
        in_store
            .or_else(|| under(file, &self.dir))
            .filter(|rest| !rest.is_empty())
            .map(str::to_string)
    }

    /// The cost of each of the repository's files in `stats`.
    pub fn fold(&self, stats: &Stats) -> BTreeMap<String, FileCost> {
        let mut files: BTreeMap<String, FileCost> = BTreeMap::new();
        for (file, cost) in stats.by_file() {
            if let Some(relative) = self.relative(file) {
                let entry = files.entry(relative).or_default();
                entry.function_calls += cost.function_calls;
                entry.attribute_selections += cost.attribute_selections;
            }
        }
        files
    }
}

/// `path` below the store copy `store`, which a store in another root (`--store /tmp/s`) puts
/// below that root: `/tmp/s/nix/store/<hash>-source/rest` gives `rest`. The hash makes it unique.
fn in_copy<'a>(path: &'a str, store: &str) -> Option<&'a str> {
    let store = store.trim_end_matches('/');
    let at = path.find(&format!("{store}/"))?;
    let root = &path[..at];
    (root.is_empty() || root.starts_with('/')).then(|| &path[at + store.len() + 1..])
}

/// `path` below `dir` (`dir/rest` gives `rest`), by whole path components.
fn under<'a>(path: &'a str, dir: &str) -> Option<&'a str> {
    let dir = dir.trim_end_matches('/');
    path.strip_prefix(dir)?.strip_prefix('/')
}

/// One file's change against the baseline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Growth {
    pub file: String,
    pub before: u64,
    pub now: u64,
}

impl Growth {
    pub fn delta(&self) -> i128 {
        i128::from(self.now) - i128::from(self.before)
    }
}

/// The files whose function calls changed from `before` to `now`, the largest change first.
pub fn changes(
    before: &BTreeMap<String, FileCost>,
    now: &BTreeMap<String, FileCost>,
) -> Vec<Growth> {
    let mut files: Vec<&String> = before.keys().chain(now.keys()).collect();
    files.sort();
    files.dedup();
    let mut changed: Vec<Growth> = files
        .into_iter()
        .map(|file| Growth {
            file: file.clone(),
            before: before.get(file).map_or(0, |c| c.function_calls),
            now: now.get(file).map_or(0, |c| c.function_calls),
        })
        .filter(|g| g.delta() != 0)
        .collect();
    changed.sort_by(|a, b| b.delta().cmp(&a.delta()).then_with(|| a.file.cmp(&b.file)));
    changed
}

/// The files that cost the most function calls, the costliest first.
pub fn costliest(files: &BTreeMap<String, FileCost>) -> Vec<(&str, FileCost)> {
    let mut list: Vec<(&str, FileCost)> = files.iter().map(|(f, c)| (f.as_str(), *c)).collect();
    list.sort_by(|a, b| {
        b.1.function_calls
            .cmp(&a.1.function_calls)
            .then_with(|| a.0.cmp(b.0))
    });
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(inside: &str) -> Sources {
        Sources {
            dir: "/home/me/cfg".into(),
            store: Some("/nix/store/abc-source".into()),
            inside: inside.into(),
        }
    }

    #[test]
    fn store_copies_and_the_directory_map_back_to_repository_paths() {
        let s = sources("");
        assert_eq!(
            s.relative("/nix/store/abc-source/modules/home/editors.nix")
                .as_deref(),
            Some("modules/home/editors.nix")
        );
        assert_eq!(
            s.relative("/home/me/cfg/lib/default.nix").as_deref(),
            Some("lib/default.nix")
        );
        assert_eq!(
            s.relative("/nix/store/xyz-source/lib/default.nix"),
            None,
            "an input"
        );
        assert_eq!(s.relative("/nix/store/abc-sourcex/a.nix"), None);
        assert_eq!(s.relative("/home/me/cfg2/a.nix"), None);
        assert_eq!(s.relative("«nix-internal»/call-flake.nix"), None);
        assert_eq!(s.relative("//builtin/derivation.nix"), None);
    }

    #[test]
    fn a_flake_in_a_subdirectory_of_a_work_tree_keeps_only_its_own_files() {
        let s = sources("nix");
        assert_eq!(
            s.relative("/nix/store/abc-source/nix/hosts/a.nix")
                .as_deref(),
            Some("hosts/a.nix")
        );
        assert_eq!(s.relative("/nix/store/abc-source/other/a.nix"), None);
        let s = Sources::new(Path::new("/w/top/nix"), None, Some(Path::new("/w/top")));
        assert_eq!(s.inside, "nix");
    }

    #[test]
    fn changes_put_the_largest_growth_first_and_include_new_and_gone_files() {
        let cost = |n| FileCost {
            function_calls: n,
            attribute_selections: 0,
        };
        let before = BTreeMap::from([
            ("a.nix".to_string(), cost(10)),
            ("gone.nix".to_string(), cost(3)),
        ]);
        let now = BTreeMap::from([
            ("a.nix".to_string(), cost(12)),
            ("new.nix".to_string(), cost(40)),
        ]);
        let changed: Vec<(String, i128)> = changes(&before, &now)
            .into_iter()
            .map(|g| (g.file.clone(), g.delta()))
            .collect();
        assert_eq!(
            changed,
            [
                ("new.nix".into(), 40),
                ("a.nix".into(), 2),
                ("gone.nix".into(), -3)
            ]
        );
    }
}
