//! Running the user's `nix`: its version, the configurations a flake holds, and one `nix eval`
//! process per configuration (in parallel, up to `jobs`), each with its statistics collected.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::error::{Error, Result};

use super::stats::Stats;
use super::Configuration;

/// Flakes and the `nix` command are experimental in the Nix versions that matter (2.8 included).
const FEATURES: [&str; 2] = ["--extra-experimental-features", "nix-command flakes"];

/// How many lines of Nix's error a failed configuration reports.
const ERROR_LINES: usize = 12;

/// The configurations every kind of flake output holds, and the attribute under each that is the
/// whole system: evaluating its `drvPath` evaluates everything the configuration builds from.
pub const KINDS: [(&str, &str); 3] = [
    (
        "nixosConfigurations",
        "config.system.build.toplevel.drvPath",
    ),
    ("darwinConfigurations", "system.drvPath"),
    ("homeConfigurations", "activationPackage.drvPath"),
];

/// The user's `nix`, how to call it, and what it is.
pub struct Nix {
    /// The flake reference of the repository: its absolute path (Nix picks `git+file` or `path`).
    pub flake: String,
    /// Arguments for every `nix` call, given after `--` (e.g. `--override-input`).
    pub extra: Vec<OsString>,
    /// `nix --version`, e.g. `nix (Nix) 2.8.0`: the baseline's key.
    pub version: String,
}

impl Nix {
    /// Finds `nix` and asks its version. `nix` missing is one clear message.
    pub fn find(dir: &Path, extra: Vec<OsString>) -> Result<Nix> {
        let output = Command::new("nix").arg("--version").output().map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::usage(
                    "`nix` is not installed or not on PATH; `nixscaffold eval` measures with your own \
                     Nix: install it (https://nixos.org/download) or add it to PATH",
                )
            } else {
                Error::usage(format!("cannot run `nix --version`: {e}"))
            }
        })?;
        let version = String::from_utf8_lossy(&output.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        if !output.status.success() || version.is_empty() {
            return Err(Error::usage(format!(
                "`nix --version` failed: {}",
                last_lines(&output.stderr)
            )));
        }
        Ok(Nix {
            flake: dir.to_string_lossy().into_owned(),
            extra,
            version,
        })
    }

    fn command(&self) -> Command {
        let mut command = Command::new("nix");
        command.args(FEATURES).stdin(Stdio::null());
        command
    }

    /// `nix eval --json FLAKE#ATTR --apply APPLY` with the user's arguments.
    fn eval_json(&self, attr: &str, apply: &str) -> std::io::Result<Output> {
        self.command()
            .args(["eval", "--json"])
            .arg(format!("{}#{attr}", self.flake))
            .args(["--apply", apply])
            .args(&self.extra)
            .output()
    }

    /// Every configuration the flake holds, by kind, in name order. The kinds are listed at once.
    pub fn discover(&self) -> Result<Vec<Configuration>> {
        let listed: Vec<Result<Vec<String>>> = std::thread::scope(|scope| {
            let handles: Vec<_> = KINDS
                .iter()
                .map(|(kind, _)| scope.spawn(move || self.names(kind)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(Error::Internal("listing configurations stopped".into()))
                    })
                })
                .collect()
        });
        let mut found = Vec::new();
        for ((kind, top), names) in KINDS.iter().zip(listed) {
            for name in names? {
                let id = format!("{kind}.{}", attr_name(&name));
                found.push(Configuration {
                    attr: format!("{id}.{top}"),
                    id,
                });
            }
        }
        Ok(found)
    }

    /// The names in the flake's output `kind` (e.g. `nixosConfigurations`); none when it has none.
    fn names(&self, kind: &str) -> Result<Vec<String>> {
        let output = self
            .eval_json(kind, "builtins.attrNames")
            .map_err(|e| Error::usage(format!("cannot run `nix eval`: {e}")))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            if stderr.contains("does not provide attribute") {
                return Ok(Vec::new());
            }
            return Err(Error::usage(format!(
                "cannot list the flake's {kind}; nix says:\n{}",
                last_lines(&output.stderr)
            )));
        }
        serde_json::from_slice(&output.stdout).map_err(|e| {
            Error::Internal(format!("`nix eval` printed names that are not JSON: {e}"))
        })
    }

    /// The store path the flake's source was copied to (`/nix/store/…-source`), from
    /// `nix flake metadata`; `None` when Nix cannot say.
    pub fn source_path(&self) -> Option<String> {
        let output = self
            .command()
            .args(["flake", "metadata", "--json"])
            .arg(&self.flake)
            .args(&self.extra)
            .output()
            .ok()?;
        let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).ok()?;
        metadata["path"].as_str().map(str::to_string)
    }

    /// Evaluates one configuration once, with statistics and call counts on.
    pub fn measure(&self, configuration: &Configuration) -> std::result::Result<Stats, String> {
        let stats_file = tempfile::Builder::new()
            .prefix("nixscaffold-eval-")
            .suffix(".json")
            .tempfile()
            .map_err(|e| format!("cannot create a temporary file for Nix's statistics: {e}"))?;
        let output = self
            .command()
            .args(["eval", "--json"])
            .arg(format!("{}#{}", self.flake, configuration.attr))
            .args(&self.extra)
            .env("NIX_SHOW_STATS", "1")
            .env("NIX_SHOW_STATS_PATH", stats_file.path())
            .env("NIX_COUNT_CALLS", "1")
            .stdout(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run `nix eval`: {e}"))?;
        if !output.status.success() {
            return Err(last_lines(&output.stderr));
        }
        let text = std::fs::read_to_string(stats_file.path())
            .map_err(|e| format!("cannot read the statistics Nix wrote: {e}"))?;
        if text.trim().is_empty() {
            return Err(format!(
                "{} wrote no statistics to NIX_SHOW_STATS_PATH; nixscaffold eval needs a Nix that does (2.8 and later do)",
                self.version
            ));
        }
        Stats::parse(&text)
    }
}

/// `name` as a Nix attribute: quoted unless it is a plain identifier.
pub fn attr_name(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '\''));
    if plain {
        name.to_string()
    } else {
        serde_json::to_string(name).unwrap_or_else(|_| format!("\"{name}\""))
    }
}

/// The configuration an `--attr` names: a configuration's own name (`nixosConfigurations.NAME`)
/// measures its whole system, as discovery would; anything else is evaluated as given.
pub fn configuration_of(attr: &str) -> Configuration {
    for (kind, top) in KINDS {
        if let Some(name) = attr.strip_prefix(kind).and_then(|r| r.strip_prefix('.')) {
            let single = if name.starts_with('"') {
                name.len() > 1 && name.ends_with('"') && !name[1..name.len() - 1].contains('"')
            } else {
                !name.contains('.')
            };
            if single && !name.is_empty() {
                return Configuration {
                    id: attr.to_string(),
                    attr: format!("{attr}.{top}"),
                };
            }
        }
    }
    Configuration {
        id: attr.to_string(),
        attr: attr.to_string(),
    }
}

/// The last lines of what Nix wrote to standard error, trimmed.
fn last_lines(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text.trim_end().lines().collect();
    lines[lines.len().saturating_sub(ERROR_LINES)..].join("\n")
}

/// Runs `work` on every item, `jobs` at a time, and returns the results in the items' order. When
/// standard error is a terminal, says which item finished as it happens.
pub fn parallel<T: Sync, R: Send>(
    items: &[T],
    jobs: usize,
    label: impl Fn(&T, &R) -> String + Sync,
    work: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let progress = std::io::stderr().is_terminal();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, items.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(item) = items.get(i) else { break };
                let result = work(item);
                if progress {
                    let n = done.fetch_add(1, Ordering::SeqCst) + 1;
                    tell!("[{n}/{}] {}", items.len(), label(item, &result));
                }
                if let Ok(mut results) = results.lock() {
                    results[i] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_only_when_they_must_be() {
        assert_eq!(attr_name("laptop"), "laptop");
        assert_eq!(attr_name("my-host_2"), "my-host_2");
        assert_eq!(attr_name("alice@work"), "\"alice@work\"");
        assert_eq!(attr_name("1st"), "\"1st\"");
        assert_eq!(attr_name("a.b"), "\"a.b\"");
    }

    #[test]
    fn a_configuration_name_measures_its_whole_system() {
        let c = configuration_of("nixosConfigurations.laptop");
        assert_eq!(c.id, "nixosConfigurations.laptop");
        assert_eq!(
            c.attr,
            "nixosConfigurations.laptop.config.system.build.toplevel.drvPath"
        );
        let c = configuration_of("homeConfigurations.\"alice@work\"");
        assert_eq!(
            c.attr,
            "homeConfigurations.\"alice@work\".activationPackage.drvPath"
        );
        let c = configuration_of("darwinConfigurations.mac.system");
        assert_eq!(c.attr, "darwinConfigurations.mac.system");
        let c = configuration_of("packages.x86_64-linux.hello.drvPath");
        assert_eq!(c.attr, c.id);
    }

    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u32> = (0..20).collect();
        let results = parallel(&items, 3, |_, _| String::new(), |n| n * 2);
        assert_eq!(results, items.iter().map(|n| n * 2).collect::<Vec<_>>());
    }
}
