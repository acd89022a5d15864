//! Property tests: for any valid answers the generated repository parses and is in the official Nix
//! style; for any invalid name nothing is generated. Bounded case counts keep CI fast.

use nixscaffold::answers::{AnswersFile, Backend, OverlaySet, Platform};
use nixscaffold::generate::plan_new;
use nixscaffold::presets::cache_presets;
use nixscaffold::render::Renderer;
use proptest::prelude::*;

const KEYWORDS: &[&str] = &[
    "assert", "else", "if", "in", "inherit", "let", "or", "rec", "then", "with", "default",
];

pub fn valid_name() -> impl Strategy<Value = String> {
    "[a-z_][a-z0-9_-]{0,10}".prop_filter("not a keyword", |n| !KEYWORDS.contains(&n.as_str()))
}

/// A host name: also NixOS's networking.hostName, so it starts and ends with a letter or digit.
pub fn valid_host_name() -> impl Strategy<Value = String> {
    "[a-z]([a-z0-9_-]{0,9}[a-z0-9])?"
        .prop_filter("not a keyword", |n| !KEYWORDS.contains(&n.as_str()))
}

pub fn answers() -> impl Strategy<Value = AnswersFile> {
    (
        proptest::sample::subsequence(Platform::ALL.to_vec(), 1..=3),
        proptest::collection::btree_set(valid_host_name(), 0..3),
        proptest::collection::btree_set(valid_host_name(), 0..3),
        proptest::collection::btree_set(valid_name(), 0..3),
        proptest::sample::subsequence(
            cache_presets()
                .iter()
                .map(|c| c.name.to_string())
                .collect::<Vec<_>>(),
            0..4,
        ),
        proptest::sample::subsequence(OverlaySet::ALL.to_vec(), 0..=3),
        valid_name(),
        proptest::sample::select(Backend::ALL.to_vec()),
    )
        .prop_map(
            |(platforms, nixos, darwin, users, caches, overlays, name, auto_import)| {
                let mut hosts = Vec::new();
                if platforms.contains(&Platform::Nixos) {
                    hosts.extend(nixos.into_iter().map(|n| format!("nixos/{n}")));
                }
                if platforms.contains(&Platform::Darwin) {
                    hosts.extend(darwin.into_iter().map(|n| format!("darwin/{n}")));
                }
                let users = if platforms.contains(&Platform::Home) {
                    users.into_iter().collect()
                } else {
                    Vec::new()
                };
                AnswersFile {
                    name: Some(name),
                    platforms: Some(platforms),
                    hosts: Some(hosts),
                    users: Some(users),
                    caches: Some(caches),
                    overlays: Some(overlays),
                    auto_import: Some(auto_import),
                    ..AnswersFile::default()
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_valid_answers_give_a_repository_that_parses_and_is_formatted(file in answers()) {
        let answers = file.resolve("repo").expect("valid answers resolve");
        let renderer = Renderer::new(None).unwrap();
        let plan = plan_new(&answers, &renderer).expect("a plan");
        for planned in plan.iter().filter(|f| f.path.ends_with(".nix")) {
            let parsed = rnix::Root::parse(&planned.contents);
            prop_assert!(parsed.errors().is_empty(), "{}: {:?}", planned.path, parsed.errors());
            prop_assert_eq!(nixfmt_rs::format(&planned.contents).unwrap(), planned.contents.clone(), "{}", planned.path);
        }
        // The recorded answers read back to the same answers.
        let yaml = plan.iter().find(|f| f.path == ".nixscaffold.yaml").unwrap();
        let again: AnswersFile = serde_saphyr::from_str(&yaml.contents).unwrap();
        prop_assert_eq!(again.resolve("repo").unwrap(), answers);
    }

    #[test]
    fn invalid_host_and_user_names_are_refused(bad in "[a-z]{0,3}[^a-zA-Z0-9_'-][a-z]{0,3}|[0-9-][a-z]{0,4}") {
        let host = AnswersFile { hosts: Some(vec![format!("nixos/{bad}")]), ..AnswersFile::default() };
        prop_assert!(host.resolve("repo").is_err());
        // `alice@laptop` is a home for one machine: two names around one `@` are valid.
        let user_at_host = bad
            .split_once('@')
            .is_some_and(|(user, host)| !user.is_empty() && !host.is_empty());
        if !user_at_host {
            let user = AnswersFile { users: Some(vec![bad.clone()]), ..AnswersFile::default() };
            prop_assert!(user.resolve("repo").is_err());
        }
    }

    #[test]
    fn any_text_as_answers_file_is_an_error_or_answers_never_a_panic(text in "\\PC{0,200}") {
        if let Ok(Some(file)) = serde_saphyr::from_str::<Option<AnswersFile>>(&text) {
            let _ = file.resolve("repo");
        }
    }
}
