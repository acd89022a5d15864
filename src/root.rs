//! Where the repository is when none is given: found upwards from the current directory, the same
//! way for `check` and every `add-*` command.
//!
//! The rule, in order:
//! 1. Walk up from the current directory to the top of its git work tree (the first directory
//!    holding `.git`), or to `/` outside git.
//! 2. The nearest directory on the way with both a `flake.nix` and a `.nixscaffold.yaml`: a
//!    repository nixscaffold made says where it is, even inside a larger one.
//! 3. Else, inside a git work tree, the outermost directory on the way with a `flake.nix`: a flake
//!    nested in a repository (a flake template, a test fixture) belongs to the repository around it.
//! 4. Else, outside git, the nearest directory with a `flake.nix` (there is no boundary to trust).

use std::path::{Path, PathBuf};

use crate::answers::ANSWERS_FILE;

/// The repository's root for a command run in `here`, or `None` when no flake.nix is on the way.
pub fn discover(here: &Path) -> Option<PathBuf> {
    let mut walked = Vec::new();
    let mut in_git = false;
    for dir in here.ancestors() {
        walked.push(dir);
        if dir.join(".git").exists() {
            in_git = true;
            break;
        }
    }
    let flakes: Vec<&Path> = walked
        .into_iter()
        .filter(|dir| dir.join("flake.nix").is_file())
        .collect();
    let adopted = flakes.iter().find(|dir| dir.join(ANSWERS_FILE).is_file());
    let chosen = match adopted {
        Some(dir) => Some(dir),
        None if in_git => flakes.last(),
        None => flakes.first(),
    };
    chosen.map(|dir| dir.to_path_buf())
}

/// `root` as the user would type it from `here`: `.` or `../..` when it is above, else as is.
pub fn shown_from(here: &Path, root: &Path) -> PathBuf {
    match here.strip_prefix(root) {
        Ok(below) => {
            let ups = below.components().count();
            if ups == 0 {
                PathBuf::from(".")
            } else {
                (0..ups).map(|_| "..").collect()
            }
        }
        Err(_) => root.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "").unwrap();
    }

    #[test]
    fn a_nested_flake_in_a_git_work_tree_belongs_to_the_outer_one() {
        let tmp = tempfile::tempdir().unwrap();
        let top = tmp.path();
        std::fs::create_dir(top.join(".git")).unwrap();
        touch(&top.join("flake.nix"));
        touch(&top.join("templates/default/flake.nix"));
        std::fs::create_dir_all(top.join("templates/default/modules")).unwrap();
        let here = top.join("templates/default/modules");
        assert_eq!(discover(&here).as_deref(), Some(top));
    }

    #[test]
    fn an_answers_file_marks_the_repository_even_when_nested() {
        let tmp = tempfile::tempdir().unwrap();
        let top = tmp.path();
        std::fs::create_dir(top.join(".git")).unwrap();
        touch(&top.join("flake.nix"));
        touch(&top.join("nix/flake.nix"));
        touch(&top.join("nix/.nixscaffold.yaml"));
        std::fs::create_dir_all(top.join("nix/hosts/nixos")).unwrap();
        assert_eq!(
            discover(&top.join("nix/hosts/nixos")),
            Some(top.join("nix"))
        );
    }

    #[test]
    fn outside_git_the_nearest_flake_wins_and_nothing_is_found_without_one() {
        let tmp = tempfile::tempdir().unwrap();
        let top = tmp.path().join("a");
        touch(&top.join("flake.nix"));
        touch(&top.join("b/flake.nix"));
        std::fs::create_dir_all(top.join("b/c")).unwrap();
        assert_eq!(discover(&top.join("b/c")), Some(top.join("b")));
        let bare = tmp.path().join("bare/x");
        std::fs::create_dir_all(&bare).unwrap();
        // The temporary directory may itself sit under a flake; only assert when it does not.
        if tmp
            .path()
            .ancestors()
            .all(|d| !d.join("flake.nix").is_file())
        {
            assert_eq!(discover(&bare), None);
        }
    }

    #[test]
    fn the_root_is_shown_relative_to_where_the_command_runs() {
        let root = Path::new("/r");
        assert_eq!(shown_from(Path::new("/r"), root), PathBuf::from("."));
        assert_eq!(
            shown_from(Path::new("/r/a/b"), root),
            PathBuf::from("../..")
        );
        assert_eq!(
            shown_from(Path::new("/elsewhere"), root),
            PathBuf::from("/r")
        );
    }
}
