//! NS013 cache-keys: a substituter without its trusted public key, or a key without its cache.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rnix::SyntaxKind::*;
use rnix::SyntaxNode;

use super::{Finding, Kind, Rule, RuleInfo, Severity};
use crate::check::{Repo, SourceFile};
use crate::nix::syntax::{apply_parts, binding, binding_path, static_string, unparen};
use crate::presets::CACHE_PRESETS;

pub struct CacheKeys;

static INFO: RuleInfo = RuleInfo {
    id: "NS013",
    name: "cache-keys",
    summary: "a binary cache's substituter and trusted public key do not come in pairs",
    explanation: "A binary cache needs two settings: the substituter (its URL) and the trusted \
public key that signs its paths. A substituter without its key is useless: Nix refuses its \
unsigned-by-a-trusted-key paths and builds locally, slowly and silently. A key without a \
substituter trusts a cache that is never asked, usually the leftover of a removed cache or a typo \
in the URL. In flake.nix, `nixConfig` must hold both (extra-substituters and \
extra-trusted-public-keys); in `nix.settings` the pairs are matched across the whole repository. \
cache.nixos.org is trusted by default and needs no key.",
    fix: "Add the missing half: the cache's public key is on its page (cachix shows it as \
NAME.cachix.org-1:BASE64), or remove the leftover entry. `nixscaffold new --cache` knows the keys \
of common caches.",
    severity: Severity::Error,
    kind: Kind::Lint,
};

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Scope {
    /// `nixConfig` of one flake.nix (index of the file): self-contained.
    NixConfig(usize),
    /// `nix.settings` anywhere: modules add caches in one file and keys in another.
    Settings,
}

struct Entry {
    file: usize,
    offset: usize,
    value: String,
}

#[derive(Default)]
struct Caches {
    substituters: Vec<Entry>,
    keys: Vec<Entry>,
    /// Some value could not be read (a variable, a function call): do not judge.
    unknown_substituters: bool,
    unknown_keys: bool,
}

/// One list a file sets: its scope, whether it holds keys (else substituters), and its entries
/// (`Err` when they cannot be read statically).
type Setting = (Scope, bool, Result<Vec<Entry>, ()>);

const SUBSTITUTERS: &[&str] = &[
    "substituters",
    "extra-substituters",
    "trusted-substituters",
    "extra-trusted-substituters",
];
const KEYS: &[&str] = &["trusted-public-keys", "extra-trusted-public-keys"];

impl Rule for CacheKeys {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, repo: &Repo) -> Vec<Finding> {
        let per_file: Vec<Vec<Setting>> = repo
            .files
            .par_iter()
            .enumerate()
            .filter(|(_, file)| file.mentions("substituters") || file.mentions("public-keys"))
            .map(|(index, file)| collect(index, file))
            .collect();
        let mut scopes: BTreeMap<Scope, Caches> = BTreeMap::new();
        for (scope, is_key, entries) in per_file.into_iter().flatten() {
            let caches = scopes.entry(scope).or_default();
            match (is_key, entries) {
                (false, Ok(e)) => caches.substituters.extend(e),
                (true, Ok(e)) => caches.keys.extend(e),
                (false, Err(())) => caches.unknown_substituters = true,
                (true, Err(())) => caches.unknown_keys = true,
            }
        }
        let mut findings = Vec::new();
        for caches in scopes.values() {
            let only_web = caches
                .substituters
                .iter()
                .all(|s| s.value.starts_with("https://") || s.value.starts_with("http://"));
            if !caches.unknown_keys {
                for sub in &caches.substituters {
                    let web = sub.value.starts_with("https://") || sub.value.starts_with("http://");
                    if !web || host(&sub.value) == "cache.nixos.org" || is_mirror(&sub.value) {
                        continue;
                    }
                    if !caches.keys.iter().any(|k| pairs(&sub.value, &k.value)) {
                        let file = &repo.files[sub.file];
                        findings.push(repo.finding(
                            &INFO,
                            file,
                            sub.offset,
                            format!(
                                "substituter {} has no trusted public key: Nix will not use what it serves",
                                sub.value
                            ),
                        ));
                    }
                }
            }
            if !caches.unknown_substituters && only_web {
                for key in &caches.keys {
                    let default_cache = key_host(&key.value) == "cache.nixos.org";
                    if default_cache
                        || caches
                            .substituters
                            .iter()
                            .any(|s| pairs(&s.value, &key.value))
                    {
                        continue;
                    }
                    let file = &repo.files[key.file];
                    findings.push(repo.finding(
                        &INFO,
                        file,
                        key.offset,
                        format!(
                            "trusted public key {} belongs to no substituter listed with it",
                            key.value.split(':').next().unwrap_or(&key.value)
                        ),
                    ));
                }
            }
        }
        findings
    }
}

/// The substituter and key lists a file sets, with their scope.
fn collect(index: usize, file: &SourceFile) -> Vec<Setting> {
    let mut out = Vec::new();
    for node in file.parsed.syntax().descendants() {
        if node.kind() != NODE_ATTRPATH_VALUE {
            continue;
        }
        let Some((_, value)) = binding(&node) else {
            continue;
        };
        let path = binding_path(&value);
        let Some(last) = path.last() else {
            continue;
        };
        let is_key = KEYS.contains(&last.as_str());
        if !is_key && !SUBSTITUTERS.contains(&last.as_str()) {
            continue;
        }
        let scope = if path.iter().any(|n| n == "nixConfig") {
            Scope::NixConfig(index)
        } else if path.windows(2).any(|w| w[0] == "nix" && w[1] == "settings")
            || path.first().is_some_and(|n| n == "settings")
        {
            Scope::Settings
        } else {
            continue;
        };
        out.push((scope, is_key, entries(index, &value)));
    }
    out
}

/// The strings of a literal list (also through `lib.mkForce [ … ]` and friends).
fn entries(file: usize, value: &SyntaxNode) -> Result<Vec<Entry>, ()> {
    let mut value = unparen(value);
    if let Some((_, args)) = apply_parts(&value) {
        value = unparen(args.last().ok_or(())?);
    }
    if value.kind() != NODE_LIST {
        return Err(());
    }
    value
        .children()
        .map(|item| {
            let item = unparen(&item);
            let text = static_string(&item).ok_or(())?;
            Ok(Entry {
                file,
                offset: item.text_range().start().into(),
                value: text.trim().to_string(),
            })
        })
        .collect()
}

/// A mirror of cache.nixos.org (`https://mirrors.ustc.edu.cn/nix-channels/store`): signed by
/// cache.nixos.org's key, which Nix trusts by default.
fn is_mirror(url: &str) -> bool {
    url.split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split('/')
        .skip(1)
        .any(|segment| segment == "nix-channels")
}

fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?'])
        .next()
        .unwrap_or(rest)
        .to_ascii_lowercase()
}

/// `nix-community.cachix.org-1:…` gives `nix-community.cachix.org`.
fn key_host(key: &str) -> String {
    let name = key.split(':').next().unwrap_or(key).to_ascii_lowercase();
    match name.rsplit_once('-') {
        Some((base, n)) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => {
            base.to_string()
        }
        _ => name,
    }
}

/// Whether `key` signs the cache at `url`.
fn pairs(url: &str, key: &str) -> bool {
    if CACHE_PRESETS
        .iter()
        .any(|p| p.url.trim_end_matches('/') == url.trim_end_matches('/') && p.key == key)
    {
        return true;
    }
    let (h, k) = (host(url), key_host(key));
    if h == k {
        return true;
    }
    // The same operator's domain (cache.numtide.com and niks3.numtide.com), except shared hosts.
    let parent = |name: &str| name.split_once('.').map(|(_, p)| p.to_string());
    match (parent(&h), parent(&k)) {
        (Some(a), Some(b)) => a == b && a.contains('.') && a != "cachix.org",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn unpaired_caches() {
        let text = r#"{
  nixConfig = {
    extra-substituters = [
      "https://nix-community.cachix.org"
      "https://hyprland.cachix.org"
      "https://cache.nixos.org"
    ];
    extra-trusted-public-keys = [
      "nix-community.cachix.org-1:mB9FSh9qf2dCimDSUo8Zy7bkq5CX+/rkCWyvRCYg3Fs="
      "yazi.cachix.org-1:Dcdz63NZKfvUCbDGngQDAZq6kOroIrFoyO064uvLh8k="
    ];
  };
  outputs = _: { };
}"#;
        assert_eq!(
            run(&CacheKeys, &[("flake.nix", text)]),
            vec!["flake.nix:10:7", "flake.nix:5:7"]
        );
    }

    #[test]
    fn settings_pair_across_files() {
        let a = "{ nix.settings.substituters = [ \"https://cache.numtide.com\" ]; }";
        let b = "{ nix.settings.trusted-public-keys = [ \"niks3.numtide.com-1:DTx8wZduET09hRmMtKdQDxNNthLQETkc/yaX7M4qK0g=\" ]; }";
        assert!(run(&CacheKeys, &[("a.nix", a), ("b.nix", b)]).is_empty());
    }
}
