//! NS017 stale-answers: `.nixscaffold.yaml` records machines or users the tree does not have, or
//! the tree has machines or users it does not record.

use std::collections::BTreeSet;

use super::{Finding, Kind, Rule, RuleInfo, Severity};
use crate::answers::{split_user, Answers, ANSWERS_FILE};
use crate::check::Repo;
use crate::layout::{root, Platform, Role};

pub struct StaleAnswers;

static INFO: RuleInfo = RuleInfo {
    id: "NS017",
    name: "stale-answers",
    summary: ".nixscaffold.yaml and the host and home directories disagree",
    explanation: "`hosts` and `users` in .nixscaffold.yaml record the machines and homes the \
repository has, and `add-*` and `new --config` rely on them: `add-host` refuses or reports a \
machine that is already listed, and `new --config .nixscaffold.yaml` recreates what is listed. \
The configurations themselves come from the directories (hosts/PLATFORM/NAME/, home/USER/), so \
after a machine or user is renamed or removed by hand the two drift apart silently: a recorded \
entry without its directory, or a directory that nothing records. Only checked when \
.nixscaffold.yaml records answers in the nixscaffold layout (not an adopted repository's own \
`layout:`).",
    fix: "Make them agree: remove or rename the entry under `hosts` or `users` in \
.nixscaffold.yaml (a host is PLATFORM/NAME@SYSTEM), or add the missing one; or restore the \
directory.",
    severity: Severity::Warning,
    kind: Kind::Shape,
};

impl Rule for StaleAnswers {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, repo: &Repo) -> Vec<Finding> {
        let Some(answers) = repo.expected.shape.answers() else {
            return Vec::new();
        };
        // An adopted repository records its own layout: its machines and homes may live anywhere.
        if answers.layout.is_some() {
            return Vec::new();
        }
        let mut findings = Vec::new();
        for platform in Platform::ALL {
            let role = if platform.has_machines() {
                Role::HostDir(platform)
            } else {
                Role::UserDir
            };
            if !role.applies(answers) {
                continue;
            }
            let recorded = recorded(answers, platform);
            findings.extend(compare(repo, &root(role), platform, &recorded));
        }
        findings
    }
}

/// The entries `.nixscaffold.yaml` records for a platform: `(directory name, as written)`.
fn recorded(answers: &Answers, platform: Platform) -> Vec<(String, String)> {
    if platform.has_machines() {
        answers
            .hosts
            .iter()
            .filter(|host| host.platform == platform)
            .map(|host| (host.name.clone(), host.to_string()))
            .collect()
    } else {
        answers
            .users
            .iter()
            .map(|user| (user.clone(), user.clone()))
            .collect()
    }
}

fn compare(
    repo: &Repo,
    root: &str,
    platform: Platform,
    recorded: &[(String, String)],
) -> Vec<Finding> {
    let (key, noun) = if platform.has_machines() {
        ("hosts", platform.row().label)
    } else {
        ("users", "home-manager user")
    };
    let present: BTreeSet<&str> = subdirectories(repo, root).collect();
    let mut findings = Vec::new();
    for (name, written) in recorded {
        if !present.contains(name.as_str()) {
            findings.push(Finding::new(
                &INFO,
                ANSWERS_FILE,
                1,
                1,
                format!(
                    "{ANSWERS_FILE} records `{written}` under `{key}`, but {root}/{name}/ does not \
                     exist: the {noun} was removed or renamed by hand"
                ),
            ));
        }
    }
    for name in present {
        if !recorded.iter().any(|(recorded, _)| recorded == name) {
            let (shown, what) = if platform.has_machines() {
                (format!("{platform}/{name}"), noun.to_string())
            } else {
                (name.to_string(), format!("{noun} ({})", split_user(name).0))
            };
            findings.push(Finding::new(
                &INFO,
                &format!("{root}/{name}/"),
                1,
                1,
                format!(
                    "{root}/{name}/ is a {what} that {ANSWERS_FILE} does not record: \
                     add `{shown}` under `{key}`"
                ),
            ));
        }
    }
    findings
}

/// The names of the directories directly below `root`.
fn subdirectories<'r>(repo: &'r Repo, root: &str) -> impl Iterator<Item = &'r str> {
    let prefix = format!("{root}/");
    let names: Vec<&'r str> = repo
        .dirs
        .range(prefix.clone()..)
        .take_while(|dir| dir.starts_with(&prefix))
        .filter_map(|dir| dir.get(prefix.len()..))
        .filter(|name| !name.is_empty() && !name.contains('/'))
        .collect();
    names.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::AnswersFile;
    use crate::check::test_repo_recorded;

    fn answers(yaml: &str) -> Answers {
        serde_saphyr::from_str::<AnswersFile>(yaml)
            .unwrap()
            .resolve("demo")
            .unwrap()
    }

    #[test]
    fn recorded_entries_without_a_directory_and_directories_not_recorded() {
        let answers = answers(
            "platforms: [nixos, home]\nhosts: [nixos/server, nixos/pi@aarch64-linux, nixos/kept]\nusers: [alice, bob@kept]\n",
        );
        let repo = test_repo_recorded(
            &[
                ("hosts/nixos/kept/default.nix", "{ }"),
                ("hosts/nixos/raspberry/default.nix", "{ }"),
                ("hosts/nixos/raspberry/hardware-configuration.nix", "{ }"),
                ("home/alice/default.nix", "{ }"),
                ("home/bob@kept/default.nix", "{ }"),
                ("home/carol/default.nix", "{ }"),
            ],
            answers,
        );
        let mut found: Vec<(String, String)> = StaleAnswers
            .check(&repo)
            .into_iter()
            .map(|f| (f.file, f.message))
            .collect();
        found.sort();
        let files: Vec<&str> = found.iter().map(|(file, _)| file.as_str()).collect();
        assert_eq!(
            files,
            vec![
                ".nixscaffold.yaml",
                ".nixscaffold.yaml",
                "home/carol/",
                "hosts/nixos/raspberry/"
            ]
        );
        assert!(
            found[0].1.contains("`nixos/pi@aarch64-linux`")
                || found[1].1.contains("`nixos/pi@aarch64-linux`")
        );
        assert!(found
            .iter()
            .any(|(_, m)| m.contains("`nixos/server@x86_64-linux` under `hosts`")));
        assert!(
            found[2].1.contains("add `carol` under `users`"),
            "{}",
            found[2].1
        );
        assert!(found[3].1.contains("add `nixos/raspberry` under `hosts`"));
    }

    #[test]
    fn an_inferred_shape_records_nothing_to_compare() {
        let repo = crate::check::test_repo(&[("hosts/nixos/a/default.nix", "{ }")]);
        assert!(StaleAnswers.check(&repo).is_empty());
    }

    #[test]
    fn users_without_the_home_platform_have_no_directories_to_compare() {
        let answers = answers("platforms: [nixos]\nhosts: [nixos/a]\nusers: [alice]\n");
        let repo = test_repo_recorded(&[("hosts/nixos/a/default.nix", "{ }")], answers);
        assert!(StaleAnswers.check(&repo).is_empty());
    }
}
