//! Questions for what the user did not answer with flags or `--config`. Asked only on a terminal
//! and without `--yes`, so scripts and CI never block on a prompt.
//!
//! Every answer is checked as it is given, by the same code that checks flags and answers files
//! (`AnswersFile::resolve`, run on the answers so far plus this one), and a wrong answer is asked
//! again with the reason. At the end, `confirm` shows every answer and asks before writing.

use std::io::IsTerminal;

use dialoguer::console::Term;
use dialoguer::{Confirm, Input, MultiSelect, Select};

use crate::answers::{
    default_overlays, default_systems, Answers, AnswersFile, Backend, Platform, DEFAULT_CACHE,
    DEFAULT_USER,
};
use crate::error::{Error, Result};
use crate::presets::{cache_presets, KNOWN_SYSTEMS};

/// Whether we may ask: standard input and error are both terminals.
pub fn can_ask() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

fn prompt_error(e: dialoguer::Error) -> Error {
    Error::usage(format!(
        "the prompt was interrupted ({e}); nothing was written. Use --yes to take the defaults"
    ))
}

const TOGGLE: &str = "space to toggle, enter to accept";

/// The questions, with the answers so far and the directory's name (the default name).
struct Asker<'a> {
    file: &'a mut AnswersFile,
    dir_name: &'a str,
}

impl Asker<'_> {
    /// Whether the answers so far, plus `change`, pass the checks flags pass; the reason if not.
    fn judge(&self, change: impl FnOnce(&mut AnswersFile)) -> std::result::Result<Answers, String> {
        let mut candidate = self.file.clone();
        change(&mut candidate);
        let answers = candidate.resolve(self.dir_name)?;
        answers.check_new()?;
        Ok(answers)
    }

    /// The answers as they stand, every default filled in.
    fn current(&self) -> Answers {
        self.judge(|_| {}).expect("the answers so far were checked")
    }

    /// A line of text, asked again until `set` makes answers that pass the checks.
    fn text(
        &mut self,
        prompt: &str,
        default: String,
        allow_empty: bool,
        set: impl Fn(&mut AnswersFile, &str) + Clone + 'static,
    ) -> Result<String> {
        let file = self.file.clone();
        let dir_name = self.dir_name.to_string();
        let check = set.clone();
        let mut input = Input::new().with_prompt(prompt).allow_empty(allow_empty);
        if !default.is_empty() {
            input = input.default(default);
        }
        let answer: String = input
            .validate_with(move |input: &String| -> std::result::Result<(), String> {
                let mut candidate = file.clone();
                check(&mut candidate, input);
                candidate.resolve(&dir_name)?.check_new()
            })
            .interact_text()
            .map_err(prompt_error)?;
        set(self.file, &answer);
        Ok(answer)
    }

    /// A choice of several, asked again (with the reason) until `set` makes answers that pass.
    fn choose(
        &mut self,
        prompt: &str,
        labels: &[String],
        defaults: &[bool],
        set: impl Fn(&mut AnswersFile, &[usize]),
    ) -> Result<()> {
        let mut defaults = defaults.to_vec();
        loop {
            let chosen = MultiSelect::new()
                .with_prompt(format!("{prompt} ({TOGGLE})"))
                .items(labels)
                .defaults(&defaults)
                .interact()
                .map_err(prompt_error)?;
            match self.judge(|f| set(f, &chosen)) {
                Ok(_) => {
                    set(self.file, &chosen);
                    return Ok(());
                }
                Err(why) => {
                    let _ = Term::stderr().write_line(&format!("error: {why}; choose again"));
                    defaults = (0..labels.len()).map(|i| chosen.contains(&i)).collect();
                }
            }
        }
    }
}

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(String::from).collect()
}

/// Asks for each unanswered question, leaving answered ones alone. Fails at once, before asking
/// anything, when the answers already given (flags, `--config`) do not pass the checks.
pub fn ask_missing(file: &mut AnswersFile, dir_name: &str) -> Result<()> {
    file.clone()
        .resolve(dir_name)
        .and_then(|answers| answers.check_new())
        .map_err(Error::usage)?;
    let mut asker = Asker { file, dir_name };
    ask_identity(&mut asker)?;
    ask_platforms(&mut asker)?;
    ask_machines(&mut asker)?;
    ask_packages(&mut asker)
}

fn ask_identity(asker: &mut Asker) -> Result<()> {
    if asker.file.name.is_none() {
        let default = asker.dir_name.to_string();
        asker.text("Repository name", default, false, |f, a| {
            f.name = Some(a.to_string())
        })?;
    }
    if asker.file.description.is_none() {
        let default = asker.current().description;
        asker.text("Description of the flake", default, false, |f, a| {
            f.description = Some(a.to_string())
        })?;
    }
    if asker.file.namespace.is_none() {
        let default = asker.current().namespace;
        asker.text(
            "Option namespace of your modules (options.NAMESPACE.…)",
            default,
            false,
            |f, a| f.namespace = Some(a.to_string()),
        )?;
    }
    Ok(())
}

fn ask_platforms(asker: &mut Asker) -> Result<()> {
    if asker.file.platforms.is_none() {
        let labels = [
            "nixos (NixOS machines)",
            "darwin (macOS with nix-darwin)",
            "home (home-manager users)",
        ]
        .map(String::from);
        asker.choose("Platforms", &labels, &[true; 3], |f, chosen| {
            f.platforms = Some(chosen.iter().map(|i| Platform::ALL[*i]).collect())
        })?;
    }
    if asker.file.systems.is_none() {
        let suggested = default_systems(&asker.current().platforms);
        let labels: Vec<String> = KNOWN_SYSTEMS.iter().map(|s| s.to_string()).collect();
        let defaults: Vec<bool> = KNOWN_SYSTEMS
            .iter()
            .map(|s| suggested.iter().any(|d| d == s))
            .collect();
        asker.choose("Systems to build for", &labels, &defaults, |f, chosen| {
            f.systems = Some(
                chosen
                    .iter()
                    .map(|i| KNOWN_SYSTEMS[*i].to_string())
                    .collect(),
            )
        })?;
    }
    Ok(())
}

fn ask_machines(asker: &mut Asker) -> Result<()> {
    let platforms = asker.current().platforms;
    if asker.file.hosts.is_none() {
        asker.file.hosts = Some(Vec::new());
        for platform in platforms.iter().copied() {
            let Some(default) = platform.row().default_host else {
                continue;
            };
            let before = asker.file.hosts.clone().unwrap_or_default();
            let prompt = format!(
                "{platform} machines (NAME or NAME@SYSTEM, separated by spaces; empty for none)"
            );
            asker.text(&prompt, default.to_string(), true, move |f, a| {
                let mut hosts = before.clone();
                hosts.extend(words(a).into_iter().map(|n| format!("{platform}/{n}")));
                f.hosts = Some(hosts);
            })?;
        }
    }
    if asker.file.users.is_none() {
        let default = std::env::var("USER")
            .ok()
            .filter(|u| crate::names::check_attr_name(u).is_ok())
            .unwrap_or_else(|| DEFAULT_USER.into());
        let prompt = if platforms.contains(&Platform::Home) {
            "Users: the first is each machine's account, each gets a home (NAME or NAME@HOST, separated by spaces)"
        } else {
            "Users: the first is each machine's account (separated by spaces)"
        };
        asker.text(prompt, default, true, |f, a| f.users = Some(words(a)))?;
    }
    ask_day_one(asker, &platforms)
}

/// The release the machines were first installed with, and how home-manager is used.
fn ask_day_one(asker: &mut Asker, platforms: &[Platform]) -> Result<()> {
    use crate::layout::choices::{HomeManager, DEFAULT_STATE_VERSION};
    if asker.file.state_version.is_none() {
        asker.text(
            "NixOS / home-manager release first installed (stateVersion; set once, never bump)",
            DEFAULT_STATE_VERSION.to_string(),
            false,
            |f, a| f.state_version = Some(a.to_string()),
        )?;
    }
    let machines = platforms.iter().any(|p| p.has_machines());
    if asker.file.home_manager.is_none() && machines && platforms.contains(&Platform::Home) {
        let modes = [
            HomeManager::Standalone,
            HomeManager::Module,
            HomeManager::Both,
        ];
        let chosen = dialoguer::Select::new()
            .with_prompt("home-manager: standalone, inside every machine (module), or both")
            .items(["standalone", "module", "both"])
            .default(0)
            .interact()
            .map_err(prompt_error)?;
        asker.file.home_manager = Some(modes[chosen]);
    }
    Ok(())
}

fn ask_packages(asker: &mut Asker) -> Result<()> {
    if asker.file.caches.is_none() {
        let labels: Vec<String> = cache_presets()
            .iter()
            .map(|c| format!("{} ({})", c.name, c.url))
            .collect();
        let defaults: Vec<bool> = cache_presets()
            .iter()
            .map(|c| c.name == DEFAULT_CACHE)
            .collect();
        asker.choose("Binary caches", &labels, &defaults, |f, chosen| {
            f.caches = Some(
                chosen
                    .iter()
                    .map(|i| cache_presets()[*i].name.to_string())
                    .collect(),
            )
        })?;
        let presets = asker.file.caches.clone().unwrap_or_default();
        asker.text(
            "Other binary caches (URL=KEY, separated by spaces; empty for none)",
            String::new(),
            true,
            move |f, a| f.caches = Some(presets.iter().cloned().chain(words(a)).collect()),
        )?;
    }
    if asker.file.overlays.is_none() {
        let sets = default_overlays(&asker.current().platforms);
        let labels: Vec<String> = sets.iter().map(|s| s.attr().to_string()).collect();
        asker.choose("Overlays", &labels, &vec![true; sets.len()], |f, chosen| {
            f.overlays = Some(chosen.iter().map(|i| sets[*i]).collect())
        })?;
    }
    if asker.file.auto_import.is_none() {
        let labels = [
            "scanpaths (a default.nix per module directory, lib.custom.scanPaths)",
            "import-tree (vic/import-tree, no default.nix; `_` files are left out)",
        ];
        let chosen = Select::new()
            .with_prompt("Auto-import of module trees")
            .items(labels)
            .default(0)
            .interact()
            .map_err(prompt_error)?;
        asker.file.auto_import = Some(Backend::ALL[chosen]);
    }
    Ok(())
}

/// Every answer, one a line, as the summary before writing shows them.
pub fn summary(answers: &Answers) -> String {
    let list = |items: Vec<String>| {
        if items.is_empty() {
            "(none)".to_string()
        } else {
            items.join(", ")
        }
    };
    let rows = [
        ("name", answers.name.clone()),
        ("description", answers.description.clone()),
        ("namespace", answers.namespace.clone()),
        (
            "platforms",
            list(answers.platforms.iter().map(|p| p.to_string()).collect()),
        ),
        ("systems", list(answers.systems.clone())),
        (
            "hosts",
            list(answers.hosts.iter().map(|h| h.to_string()).collect()),
        ),
        ("users", list(answers.users.clone())),
        ("account", answers.account.clone()),
        ("state", answers.state_version.clone()),
        (
            "caches",
            list(answers.caches.iter().map(|c| c.to_string()).collect()),
        ),
        (
            "overlays",
            list(
                answers
                    .overlays
                    .iter()
                    .map(|o| o.attr().to_string())
                    .collect(),
            ),
        ),
        ("auto-import", answers.auto_import.to_string()),
    ];
    let mut text = String::from("Summary:\n");
    for (key, value) in rows {
        text.push_str(&format!("  {key:<12} {value}\n"));
    }
    text
}

/// Shows the summary and asks before writing `files` files into `dir`: true to write.
pub fn confirm(answers: &Answers, dir: &std::path::Path, files: usize) -> Result<bool> {
    let term = Term::stderr();
    let _ = term.write_str(&summary(answers));
    Confirm::new()
        .with_prompt(format!("Write these {files} files to {}?", dir.display()))
        .default(true)
        .interact()
        .map_err(prompt_error)
}
