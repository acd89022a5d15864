//! Property tests for `add-*`, in process: any sequence of additions (modules at random paths,
//! hosts, users, packages) to any `new` repository leaves every `.nix` file parsing and in the
//! official style, and gives the same repository whatever the order of the additions. The one
//! order-dependent thing is honest and checked as such: `.nixscaffold.yaml` appends hosts and users
//! in the order they were added (to a block list a line each, to a flow list `[a, b]` within its
//! line), so it is compared as the same answers with those two lists taken as sets. Additions that
//! claim the same place (a module and one nested in it, one name twice) depend on their order by
//! design and are not mixed. Any invalid argument writes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::path::Path;

use nixscaffold::answers::{AnswersFile, Platform};
use nixscaffold::commands::add::{add_quietly, Request};
use nixscaffold::error::Error;
use nixscaffold::generate::plan_new;
use nixscaffold::layout::growth::{Kind, HOST, MODULE, PACKAGE, USER};
use nixscaffold::render::Renderer;
use proptest::prelude::*;

use crate::properties::{answers, valid_host_name, valid_name};
use crate::support::files;

#[derive(Clone, Debug)]
enum Addition {
    Module {
        platform: &'static str,
        path: Vec<String>,
        as_dir: bool,
    },
    Host {
        platform: &'static str,
        name: String,
    },
    User(String),
    Package {
        set: &'static str,
        name: String,
        as_file: bool,
    },
}

impl Addition {
    fn kind(&self) -> &'static Kind {
        match self {
            Addition::Module { .. } => &MODULE,
            Addition::Host { .. } => &HOST,
            Addition::User(_) => &USER,
            Addition::Package { .. } => &PACKAGE,
        }
    }

    fn target(&self) -> String {
        match self {
            Addition::Module { platform, path, .. } => format!("{platform}/{}", path.join("/")),
            Addition::Host { platform, name } => format!("{platform}/{name}"),
            Addition::User(name) => name.clone(),
            Addition::Package { set, name, .. } => format!("{set}/{name}"),
        }
    }

    /// Additions that claim the same place (a module and a module nested in it, the same host)
    /// depend on their order by design; a sequence keeps only the first of them.
    fn conflicts_with(&self, other: &Addition) -> bool {
        match (self, other) {
            (
                Addition::Module {
                    platform: a,
                    path: p,
                    ..
                },
                Addition::Module {
                    platform: b,
                    path: q,
                    ..
                },
            ) => a == b && (p.starts_with(q) || q.starts_with(p)),
            (Addition::Host { name: a, .. }, Addition::Host { name: b, .. }) => a == b,
            (Addition::User(a), Addition::User(b)) => a == b,
            (
                Addition::Package {
                    set: a, name: p, ..
                },
                Addition::Package {
                    set: b, name: q, ..
                },
            ) => a == b && p == q,
            _ => false,
        }
    }

    fn run(&self, repo: &Path) -> Result<Vec<String>, Error> {
        let target = self.target();
        add_quietly(&Request {
            kind: self.kind(),
            target: OsStr::new(&target),
            repo: Some(repo),
            as_file: matches!(self, Addition::Package { as_file: true, .. }),
            as_dir: matches!(self, Addition::Module { as_dir: true, .. }),
            dry_run: false,
            no_git: true,
            state_version: None,
        })
    }
}

fn addition() -> impl Strategy<Value = Addition> {
    let platform = prop::sample::select(vec!["nixos", "darwin", "home"]);
    let machine = prop::sample::select(vec!["nixos", "darwin"]);
    let set = prop::sample::select(vec!["custom", "darwin", "pypi"]);
    prop_oneof![
        3 => (platform, prop::collection::vec(valid_name(), 1..4), any::<bool>())
            .prop_map(|(platform, path, as_dir)| Addition::Module { platform, path, as_dir }),
        1 => (machine, valid_host_name()).prop_map(|(platform, name)| Addition::Host { platform, name }),
        1 => valid_name().prop_map(Addition::User),
        1 => (set, valid_name(), any::<bool>())
            .prop_map(|(set, name, as_file)| Addition::Package { set, name, as_file }),
    ]
}

/// A sequence of additions without conflicts, and the same additions in another order.
fn additions_in_two_orders() -> impl Strategy<Value = (Vec<Addition>, Vec<Addition>)> {
    prop::collection::vec(addition(), 0..8)
        .prop_map(|all| {
            let mut kept: Vec<Addition> = Vec::new();
            for addition in all {
                if !kept.iter().any(|k| k.conflicts_with(&addition)) {
                    kept.push(addition);
                }
            }
            kept
        })
        .prop_flat_map(|kept| (Just(kept.clone()), Just(kept).prop_shuffle()))
}

/// A scratch directory on tmpfs when there is one: each written file is synced.
fn fast_scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    tempfile::Builder::new()
        .prefix("nixscaffold-prop-")
        .tempdir_in(dir)
        .expect("a temporary directory")
}

fn write_tree(root: &Path, tree: &BTreeMap<String, Vec<u8>>) {
    for (path, bytes) in tree {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// What an addition came to: its files, or its error with the repository's path taken out.
fn outcome(result: Result<Vec<String>, Error>, repo: &Path) -> Result<Vec<String>, String> {
    match result {
        Ok(files) => Ok(files),
        Err(Error::Usage(message)) => Err(message.replace(&repo.display().to_string(), "REPO")),
        Err(other) => panic!("only usage errors are expected here, not: {other}"),
    }
}

/// `.nixscaffold.yaml` as parsed, with its host and user lists as sets.
fn answers_as_sets(text: &[u8]) -> (AnswersFile, BTreeSet<String>, BTreeSet<String>) {
    let mut file: AnswersFile = serde_saphyr::from_str(std::str::from_utf8(text).unwrap()).unwrap();
    let hosts = file.hosts.take().unwrap_or_default().into_iter().collect();
    let users = file.users.take().unwrap_or_default().into_iter().collect();
    (file, hosts, users)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn any_additions_in_any_order_give_one_valid_repository(
        file in answers(),
        (first, second) in additions_in_two_orders(),
    ) {
        let answers = file.resolve("repo").expect("valid answers resolve");
        let renderer = Renderer::new(None).unwrap();
        let scratch = fast_scratch();
        let (a, b) = (scratch.path().join("a/repo"), scratch.path().join("b/repo"));
        nixscaffold::write::write_all(&a, &plan_new(&answers, &renderer).unwrap()).unwrap();
        let fresh = files(&a);
        write_tree(&b, &fresh);

        let mut outcomes = BTreeMap::new();
        for addition in &first {
            outcomes.insert(format!("{addition:?}"), outcome(addition.run(&a), &a));
        }
        for addition in &second {
            let again = outcome(addition.run(&b), &b);
            prop_assert_eq!(&outcomes[&format!("{addition:?}")], &again, "{:?}", addition);
        }
        // Every addition the repository has room for succeeds, the others are refused.
        for addition in &first {
            let fits = match addition {
                // A name starting with `_` is left out of a module tree, so it is refused.
                Addition::Module { platform, path, .. } => answers.has(Platform::parse(platform).unwrap())
                    && !path.iter().any(|segment| segment.starts_with('_')),
                Addition::Host { platform, .. } => answers.has(Platform::parse(platform).unwrap()),
                Addition::User(_) => answers.has(Platform::Home),
                Addition::Package { set, .. } => answers.overlays.iter().any(|o| o.row().word == *set),
            };
            let taken = match addition {
                Addition::Host { platform, name } => answers.hosts.iter().any(|h| h.platform.as_str() == *platform && &h.name == name),
                Addition::User(name) => answers.users.contains(name),
                _ => false,
            };
            prop_assert_eq!(outcomes[&format!("{addition:?}")].is_ok(), fits && !taken, "{:?}: {:?}", addition, outcomes[&format!("{addition:?}")]);
        }

        let (tree_a, tree_b) = (files(&a), files(&b));
        let without_answers = |tree: &BTreeMap<String, Vec<u8>>| {
            tree.iter().filter(|(p, _)| *p != ".nixscaffold.yaml").map(|(p, c)| (p.clone(), c.clone())).collect::<BTreeMap<_, _>>()
        };
        prop_assert_eq!(without_answers(&tree_a), without_answers(&tree_b));
        let (yaml_a, yaml_b) = (&tree_a[".nixscaffold.yaml"], &tree_b[".nixscaffold.yaml"]);
        prop_assert_eq!(answers_as_sets(yaml_a), answers_as_sets(yaml_b));
        let recorded = serde_saphyr::from_str::<AnswersFile>(std::str::from_utf8(yaml_a).unwrap())
            .unwrap()
            .resolve("repo");
        prop_assert!(recorded.is_ok(), "{:?}", recorded);

        for (path, bytes) in &tree_a {
            if !path.ends_with(".nix") || fresh.get(path) == Some(bytes) {
                continue;
            }
            let text = std::str::from_utf8(bytes).unwrap();
            let parsed = rnix::Root::parse(text);
            prop_assert!(parsed.errors().is_empty(), "{}: {:?}", path, parsed.errors());
            prop_assert_eq!(nixfmt_rs::format(text).unwrap(), text, "{}", path);
        }
    }

    #[test]
    fn invalid_add_arguments_write_nothing(
        bad in "[a-z]{0,3}[^a-zA-Z0-9_'/@-][a-z]{0,3}|[0-9-][a-z]{0,4}|\\.\\.?|~|let|in|rec|default|[a-z]{1,3}\\.nix",
        deep in any::<bool>(),
        as_dir in any::<bool>(),
    ) {
        let scratch = fast_scratch();
        let repo = scratch.path().join("repo");
        let answers = AnswersFile::default().resolve("repo").unwrap();
        nixscaffold::write::write_all(&repo, &plan_new(&answers, &Renderer::new(None).unwrap()).unwrap()).unwrap();
        let before = crate::support::tree_hash(scratch.path());
        let name = if deep { format!("ok/{bad}/ok") } else { bad.clone() };
        for (kind, target) in [
            (&MODULE, format!("home/{name}")),
            (&HOST, format!("nixos/{bad}")),
            (&USER, bad.clone()),
            (&PACKAGE, format!("custom/{bad}")),
        ] {
            let result = add_quietly(&Request {
                kind,
                target: OsStr::new(&target),
                repo: Some(&repo),
                as_file: false,
                as_dir,
                dry_run: false,
                no_git: true,
                state_version: None,
            });
            prop_assert!(matches!(result, Err(Error::Usage(_))), "{} {:?}: {:?}", kind.command, target, result.map(|_| ()));
            prop_assert_eq!(&crate::support::tree_hash(scratch.path()), &before, "{} {:?} wrote something", kind.command, target);
        }
    }
}
