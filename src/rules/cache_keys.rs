//! NS013 cache-keys: a substituter without its trusted public key, or a key without its cache.
//!
//! Settings are pooled per flake (every `flake.nix` is its own root) and per kind: `nixConfig` of
//! the flake, and `nix.settings` of the modules under it. Which key signs which cache comes from
//! data/caches.yaml (crate::caches); for a cache it does not know, a key named for the same host.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rnix::SyntaxKind::*;
use rnix::SyntaxNode;

use super::{flakes, Finding, Kind, Rule, RuleInfo, Severity};
use crate::caches::{key_name, lookup, signs_a_known_cache, Known};
use crate::check::{Repo, SourceFile};
use crate::fix::Fix;
use crate::nix::syntax::{apply_parts, binding, binding_path, callee_name, static_string, unparen};

pub struct CacheKeys;

static INFO: RuleInfo = RuleInfo {
    id: "NS013",
    name: "cache-keys",
    summary: "a binary cache's substituter and trusted public key do not come in pairs",
    explanation: "A binary cache needs two settings: the substituter (its URL) and the trusted \
public key that signs its paths. A substituter without its key is useless: Nix refuses its \
unsigned-by-a-trusted-key paths and builds locally, slowly and silently. A key of a known cache \
without that cache trusts a cache that is never asked, usually the leftover of a removed cache or \
a typo in the URL. Settings are matched per flake (a template flake under templates/ is its own): \
`nixConfig` in its flake.nix, and `nix.settings` across the modules under it. Which key signs which \
cache comes from a table with the source of every pair (cache.iog.io is signed by hydra.iohk.io, \
install.determinate.systems by cache.flakehub.com-3, every NAME.cachix.org by NAME.cachix.org-1); \
cache.nixos.org and its pull-through mirrors need no key. Lists built with `++`, `lib.optional`, \
`lib.optionals`, `lib.mkForce` or a `let` are read as far as they are literal; where a part cannot \
be read, nothing is said about what it could pair with. A self-hosted cache whose key has another \
name is taken to pair with a key nobody else claims.",
    fix: "Add the missing half: the cache's public key is on its page (cachix shows it as \
NAME.cachix.org-1:BASE64), or remove the leftover entry. `nixscaffold new --cache` knows the keys \
of common caches.",
    severity: Severity::Error,
    kind: Kind::Lint,
};

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Setting {
    /// `nixConfig` of the flake.
    NixConfig,
    /// `nix.settings` in its modules.
    Settings,
}

#[derive(Clone)]
struct Entry {
    file: usize,
    offset: usize,
    value: String,
}

/// A list's entries as far as they are literal; `partial` when some part could not be read.
#[derive(Default)]
struct Entries {
    items: Vec<Entry>,
    partial: bool,
}

#[derive(Default)]
struct Caches {
    substituters: Vec<Entry>,
    keys: Vec<Entry>,
    /// Some substituter or key could not be read (a variable, a function call).
    unknown_substituters: bool,
    unknown_keys: bool,
}

const SUBSTITUTERS: &[&str] = &[
    "substituters",
    "extra-substituters",
    "trusted-substituters",
    "extra-trusted-substituters",
];
const KEYS: &[&str] = &["trusted-public-keys", "extra-trusted-public-keys"];
/// The options' former names (`nix.binaryCaches`, …), still set by older configurations.
const OLD_SUBSTITUTERS: &[&str] = &["binaryCaches", "trustedBinaryCaches"];
const OLD_KEYS: &[&str] = &["binaryCachePublicKeys"];

/// How far a list is followed through `let` bindings.
const MAX_FOLLOW: usize = 8;

impl Rule for CacheKeys {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, repo: &Repo) -> Vec<Finding> {
        let roots = flakes::roots(repo);
        let per_file: Vec<Vec<(Setting, bool, Entries)>> = repo
            .files
            .par_iter()
            .enumerate()
            .map(|(index, file)| {
                if file.mentions("substituters")
                    || file.mentions("public-keys")
                    || file.mentions("inaryCache")
                {
                    collect(index, file)
                } else {
                    Vec::new()
                }
            })
            .collect();
        let mut scopes: BTreeMap<(&str, Setting), Caches> = BTreeMap::new();
        for (index, settings) in per_file.into_iter().enumerate() {
            let root = flakes::owner(&roots, &repo.files[index].path);
            for (setting, is_key, entries) in settings {
                let caches = scopes.entry((root, setting)).or_default();
                if is_key {
                    caches.keys.extend(entries.items);
                    caches.unknown_keys |= entries.partial;
                } else {
                    caches.substituters.extend(entries.items);
                    caches.unknown_substituters |= entries.partial;
                }
            }
        }
        let empty = Caches::default();
        let mut findings = Vec::new();
        for (&(root, setting), caches) in &scopes {
            let other_setting = match setting {
                Setting::NixConfig => Setting::Settings,
                Setting::Settings => Setting::NixConfig,
            };
            let other = scopes.get(&(root, other_setting)).unwrap_or(&empty);
            findings.extend(judge(repo, &View::new(caches, other, setting)));
        }
        findings
    }
}

/// One scope's entries, and what they pair with. A flake's `nixConfig` substituter may be signed
/// by a key its machines trust (`nix.settings`); a key is a leftover only when no substituter of
/// the flake, in either place, is its cache (machines often trust the key of a cache the flake's
/// `nixConfig` lists).
struct View<'a> {
    substituters: Vec<&'a Entry>,
    keys: Vec<&'a Entry>,
    key_pool: Vec<&'a Entry>,
    substituter_pool: Vec<&'a Entry>,
    unknown_keys: bool,
    unknown_substituters: bool,
}

impl<'a> View<'a> {
    fn new(own: &'a Caches, other: &'a Caches, setting: Setting) -> View<'a> {
        let mut key_pool: Vec<&Entry> = own.keys.iter().collect();
        let mut unknown_keys = own.unknown_keys;
        if setting == Setting::NixConfig {
            key_pool.extend(other.keys.iter());
            unknown_keys |= other.unknown_keys;
        }
        View {
            substituters: own.substituters.iter().collect(),
            keys: own.keys.iter().collect(),
            key_pool,
            substituter_pool: own.substituters.iter().chain(&other.substituters).collect(),
            unknown_keys,
            unknown_substituters: own.unknown_substituters || other.unknown_substituters,
        }
    }
}

/// The findings of one scope: each broken pair once.
fn judge(repo: &Repo, view: &View) -> Vec<Finding> {
    let web = |s: &Entry| s.value.starts_with("https://") || s.value.starts_with("http://");
    let unpaired_subs: Vec<&Entry> = view
        .substituters
        .iter()
        .copied()
        .filter(|s| web(s) && lookup(&s.value) != Known::NixosOrg)
        .filter(|s| !view.key_pool.iter().any(|k| pairs(&s.value, &k.value)))
        .collect();
    let unpaired_keys: Vec<&Entry> = view
        .keys
        .iter()
        .copied()
        .filter(|k| key_name(&k.value) != "cache.nixos.org-1")
        .filter(|k| {
            !view
                .substituter_pool
                .iter()
                .any(|s| pairs(&s.value, &k.value))
        })
        .collect();
    // A cache the table does not know may be signed by a key of any name: it pairs with a key
    // that no cache claims. Keys the table does not know may also sign machines' own paths.
    let unknown_subs: Vec<&Entry> = unpaired_subs
        .iter()
        .copied()
        .filter(|s| lookup(&s.value) == Known::Unknown)
        .collect();
    let unclaimed_keys = view
        .key_pool
        .iter()
        .filter(|k| key_name(&k.value) != "cache.nixos.org-1")
        .filter(|k| {
            !view
                .substituter_pool
                .iter()
                .any(|s| pairs(&s.value, &k.value))
        })
        .filter(|k| !signs_a_known_cache(key_name(&k.value)))
        .count();
    let mut subs: Vec<&Entry> = if view.unknown_keys {
        Vec::new()
    } else {
        unpaired_subs
            .iter()
            .copied()
            .filter(|s| !(unclaimed_keys > 0 && unknown_subs.iter().any(|u| std::ptr::eq(*u, *s))))
            .collect()
    };
    let only_web = view.substituter_pool.iter().all(|s| web(s));
    let mut keys: Vec<&Entry> = if view.unknown_substituters || !only_web {
        Vec::new()
    } else {
        unpaired_keys
            .iter()
            .copied()
            .filter(|k| signs_a_known_cache(key_name(&k.value)))
            .collect()
    };
    let mut findings = Vec::new();
    // One substituter and one key, each without its other half, that name the same cache (a typo)
    // or a cache the table does not know: one broken pair, one finding.
    if subs.len() == 1 && keys.len() == 1 && same_cache(&subs[0].value, &keys[0].value) {
        let (sub, key) = (subs.remove(0), keys.remove(0));
        findings.push(
            finding(
                repo,
                sub,
                format!(
                    "substituter {} and trusted public key {} do not pair: Nix will not use what the cache serves",
                    sub.value,
                    key_name(&key.value)
                ),
            )
            .with_fix(missing_key_fix(&sub.value)),
        );
    }
    for sub in subs {
        let found = finding(
            repo,
            sub,
            format!(
                "substituter {} has no trusted public key: Nix will not use what it serves",
                sub.value
            ),
        )
        .with_fix(missing_key_fix(&sub.value));
        findings.push(match key_fix(repo, sub) {
            Some(fix) => found.with_autofix(fix),
            None => found,
        });
    }
    // A leftover key is harmless (a cache nobody asks): a warning.
    for key in keys {
        findings.push(
            finding(
                repo,
                key,
                format!(
                    "trusted public key {} belongs to no substituter listed with it: a leftover, or a substituter missing",
                    key_name(&key.value)
                ),
            )
            .with_severity(Severity::Warning),
        );
    }
    findings
}

/// Whether an unpaired substituter and an unpaired key look like one cache: its host and the
/// key's name differ by a typo (two edits at most), or the table knows neither.
fn same_cache(url: &str, key: &str) -> bool {
    let name = key_name(key);
    (lookup(url) == Known::Unknown && !signs_a_known_cache(name))
        || edit_distance(&host(url), &key_host(name)) <= 2
}

/// Levenshtein distance, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

fn finding(repo: &Repo, entry: &Entry, message: String) -> Finding {
    repo.finding(&INFO, &repo.files[entry.file], entry.offset, message)
}

/// The fix for a substituter without its key: the key itself when the table knows it.
fn missing_key_fix(url: &str) -> String {
    match lookup(url) {
        Known::Keys(names, source) => format!(
            "Add its key to the trusted public keys beside it: {} (documented at {source}); or remove \
the substituter.",
            names.join(" or ")
        ),
        _ => INFO.fix.to_string(),
    }
}

/// The fix for a substituter of the known-pairs table without its key: the table's key added to
/// the literal list of keys bound beside the substituters (same set, the matching name), keeping
/// the list's layout. `None` when there is no such list or the table has no whole key.
fn key_fix(repo: &Repo, sub: &Entry) -> Option<Fix> {
    let normalized = crate::caches::normalize(&sub.value);
    let key = crate::caches::table()
        .caches
        .iter()
        .find(|c| crate::caches::normalize(&c.url) == normalized)?
        .keys
        .first()
        .filter(|k| k.contains(':') && !k.contains(['"', '\\', '$']))?;
    let file = &repo.files[sub.file];
    let root = file.parsed.syntax();
    let token = root
        .token_at_offset((sub.offset as u32).into())
        .right_biased()?;
    let binding_node = token
        .parent_ancestors()
        .find(|n| n.kind() == NODE_ATTRPATH_VALUE)?;
    let (names, _) = binding(&binding_node)?;
    let last = names.last()?;
    let wanted: &[&str] = match last.as_str() {
        "substituters" | "trusted-substituters" => {
            &["trusted-public-keys", "extra-trusted-public-keys"]
        }
        "extra-substituters" | "extra-trusted-substituters" => {
            &["extra-trusted-public-keys", "trusted-public-keys"]
        }
        "binaryCaches" | "trustedBinaryCaches" => OLD_KEYS,
        _ => return None,
    };
    let set = binding_node.parent()?;
    let prefix = &names[..names.len() - 1];
    let list = wanted.iter().find_map(|name| {
        set.children()
            .filter_map(|n| binding(&n))
            .find_map(|(other, value)| {
                let same_place = other.len() == names.len() && other[..prefix.len()] == *prefix;
                (same_place && other.last().is_some_and(|l| l == name)).then_some(value)
            })
    })?;
    let list = unparen(&list);
    if list.kind() != NODE_LIST {
        return None;
    }
    let items: Vec<SyntaxNode> = list.children().collect();
    let quoted = format!("\"{key}\"");
    let fix = match items.as_slice() {
        [] => Fix::edit(&file.path, list.text_range(), format!("[ {quoted} ]")),
        [.., last_item] => {
            // The separator before the last item (after `[` for a single item): the list's layout.
            let before = last_item.prev_sibling_or_token()?;
            let separator = match before.kind() {
                rnix::SyntaxKind::TOKEN_WHITESPACE => before.to_string(),
                _ => " ".to_string(),
            };
            Fix::insert(
                &file.path,
                last_item.text_range().end().into(),
                format!("{separator}{quoted}"),
            )
        }
    };
    Some(fix.summary(format!(
        "trusted key {} added for {}",
        key_name(key),
        sub.value
    )))
}

/// Whether `key` signs the cache at `url`: from the table, or, for a cache it does not know, a key
/// named for the same host or the same operator's domain (cache.example.org and
/// keys.example.org), except shared hosts.
fn pairs(url: &str, key: &str) -> bool {
    let name = key_name(key);
    match lookup(url) {
        Known::NixosOrg => name == "cache.nixos.org-1",
        Known::Keys(names, _) => names.iter().any(|n| n == name),
        Known::Unknown => {
            let (h, k) = (host(url), key_host(name));
            if h == k {
                return true;
            }
            let parent = |name: &str| name.split_once('.').map(|(_, p)| p.to_string());
            match (parent(&h), parent(&k)) {
                (Some(a), Some(b)) => a == b && a.contains('.') && a != "cachix.org",
                _ => false,
            }
        }
    }
}

fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?'])
        .next()
        .unwrap_or(rest)
        .to_ascii_lowercase()
}

/// `cache.example.org-1` gives `cache.example.org`.
fn key_host(name: &str) -> String {
    let name = name.to_ascii_lowercase();
    match name.rsplit_once('-') {
        Some((base, n)) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => {
            base.to_string()
        }
        _ => name,
    }
}

/// The substituter and key lists a file sets, with their setting.
fn collect(index: usize, file: &SourceFile) -> Vec<(Setting, bool, Entries)> {
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
        let under_nix = |names: &[&str]| {
            path.len() >= 2 && path[path.len() - 2] == "nix" && names.contains(&last.as_str())
        };
        // Settings written as nix.conf text: their side cannot be read, so it is not judged.
        if under_nix(&["extraOptions"]) {
            let text = value.text().to_string();
            for (is_key, word) in [(false, "substituters"), (true, "public-keys")] {
                if text.contains(word) {
                    let entries = Entries {
                        items: Vec::new(),
                        partial: true,
                    };
                    out.push((Setting::Settings, is_key, entries));
                }
            }
            continue;
        }
        let old_name = under_nix(OLD_SUBSTITUTERS) || under_nix(OLD_KEYS);
        let is_key = KEYS.contains(&last.as_str()) || OLD_KEYS.contains(&last.as_str());
        if !is_key && !SUBSTITUTERS.contains(&last.as_str()) && !old_name {
            continue;
        }
        let setting = if path.iter().any(|n| n == "nixConfig") {
            Setting::NixConfig
        } else if old_name
            || path.windows(2).any(|w| w[0] == "nix" && w[1] == "settings")
            || path.first().is_some_and(|n| n == "settings")
        {
            Setting::Settings
        } else {
            continue;
        };
        let mut entries = Entries::default();
        read_list(index, &value, MAX_FOLLOW, &mut entries);
        out.push((setting, is_key, entries));
    }
    out
}

/// Reads the strings of a list value as far as they are literal: a list, `a ++ b`, a
/// whitespace-separated string, `lib.optional c x` / `lib.optionals c [ … ]` (what they may add),
/// `lib.mkForce [ … ]` and friends, and a name bound by an enclosing `let`.
fn read_list(file: usize, value: &SyntaxNode, follow: usize, out: &mut Entries) {
    let value = unparen(value);
    match value.kind() {
        NODE_LIST => {
            for item in value.children() {
                read_item(file, &item, follow, out);
            }
        }
        NODE_STRING => read_item(file, &value, follow, out),
        NODE_BIN_OP if is_concat(&value) => {
            for side in value.children() {
                read_list(file, &side, follow, out);
            }
        }
        NODE_APPLY => {
            let Some((function, args)) = apply_parts(&value) else {
                out.partial = true;
                return;
            };
            match callee_name(&function).as_deref() {
                Some("optional") if args.len() == 2 => read_item(file, &args[1], follow, out),
                Some(
                    "optionals" | "mkIf" | "mkForce" | "mkDefault" | "mkBefore" | "mkAfter"
                    | "mkOverride" | "mkOrder",
                ) => match args.last() {
                    Some(last) => read_list(file, last, follow, out),
                    None => out.partial = true,
                },
                _ => out.partial = true,
            }
        }
        NODE_IDENT if follow > 0 => match let_bound(&value) {
            Some(bound) => read_list(file, &bound, follow - 1, out),
            None => out.partial = true,
        },
        _ => out.partial = true,
    }
}

/// One item of a list: a literal string (or several, separated by whitespace), or a name bound to
/// one.
fn read_item(file: usize, item: &SyntaxNode, follow: usize, out: &mut Entries) {
    let item = unparen(item);
    if item.kind() == NODE_IDENT && follow > 0 {
        if let Some(bound) = let_bound(&item) {
            return read_item(file, &bound, follow - 1, out);
        }
    }
    if item.kind() == NODE_LIST || item.kind() == NODE_BIN_OP || item.kind() == NODE_APPLY {
        return read_list(file, &item, follow, out);
    }
    let Some(text) = static_string(&item) else {
        out.partial = true;
        return;
    };
    let offset: usize = item.text_range().start().into();
    for value in text.split_whitespace() {
        out.items.push(Entry {
            file,
            offset,
            value: value.to_string(),
        });
    }
}

fn is_concat(node: &SyntaxNode) -> bool {
    node.children_with_tokens()
        .any(|t| t.kind() == TOKEN_CONCAT)
}

/// The value a `let` around `ident` binds to its name.
fn let_bound(ident: &SyntaxNode) -> Option<SyntaxNode> {
    let name = ident.text().to_string();
    ident
        .ancestors()
        .filter(|a| a.kind() == NODE_LET_IN)
        .find_map(|let_in| {
            let_in.children().find_map(|entry| {
                let (names, value) = binding(&entry)?;
                (names.len() == 1 && names[0] == name).then_some(value)
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    const COMMUNITY: &str =
        "nix-community.cachix.org-1:mB9FSh9qf2dCimDSUo8Zy7bkq5CX+/rkCWyvRCYg3Fs=";

    fn messages(files: &[(&str, &str)]) -> Vec<String> {
        let repo = crate::check::test_repo(files);
        let mut out: Vec<String> = CacheKeys
            .check(&repo)
            .into_iter()
            .map(|f| format!("{}:{}:{} {}", f.file, f.line, f.column, f.message))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn a_broken_pair_is_one_finding() {
        let text = r#"{
  nixConfig = {
    extra-substituters = [
      "https://nix-community.cachix.org"
      "https://hyprland.cachix.org"
      "https://cache.nixos.org"
    ];
    extra-trusted-public-keys = [
      "nix-community.cachix.org-1:mB9FSh9qf2dCimDSUo8Zy7bkq5CX+/rkCWyvRCYg3Fs="
      "hyprlnd.cachix.org-1:a7pgxzMz7+chwVL3/pzj6jIBMioiJM7ypFP8PwtkuGc="
    ];
  };
  outputs = _: { };
}"#;
        assert_eq!(
            messages(&[("flake.nix", text)]),
            ["flake.nix:5:7 substituter https://hyprland.cachix.org and trusted public key hyprlnd.cachix.org-1 do not pair: Nix will not use what the cache serves"]
        );
        // Two different caches, each without its other half: two facts, two findings.
        let two = text.replace("hyprlnd", "yazi");
        assert_eq!(
            messages(&[("flake.nix", &two)]),
            [
                "flake.nix:10:7 trusted public key yazi.cachix.org-1 belongs to no substituter listed with it: a leftover, or a substituter missing",
                "flake.nix:5:7 substituter https://hyprland.cachix.org has no trusted public key: Nix will not use what it serves",
            ]
        );
    }

    #[test]
    fn settings_pair_across_files() {
        let a = "{ nix.settings.substituters = [ \"https://cache.numtide.com\" ]; }";
        let b = "{ nix.settings.trusted-public-keys = [ \"niks3.numtide.com-1:DTx8wZduET09hRmMtKdQDxNNthLQETkc/yaX7M4qK0g=\" ]; }";
        assert!(run(&CacheKeys, &[("a.nix", a), ("b.nix", b)]).is_empty());
    }

    #[test]
    fn pairs_whose_names_differ_and_mirrors() {
        let text = r#"{ nix.settings = {
  substituters = [ "https://cache.iog.io" "https://install.determinate.systems/" "https://hetzner-cache.numtide.com" "https://mirrors.tuna.tsinghua.edu.cn/nix-channels/store?priority=5" ];
  trusted-public-keys = [ "hydra.iohk.io:f/Ea+s+dFdN+3Y/G+FDgSq+a5NEWhJGzdjvKNGv0/EQ=" "cache.flakehub.com-3:hJuILl5sVK4iKm86JzgdXW12Y2Hwd5G07qKtHTOcDCM=" ];
}; }"#;
        assert!(run(&CacheKeys, &[("nix.nix", text)]).is_empty());
    }

    #[test]
    fn a_self_hosted_cache_pairs_with_a_key_nobody_claims() {
        let paired = r#"{ nixConfig = { extra-substituters = [ "https://cache.example.camp/tilde" ]; extra-trusted-public-keys = [ "tilde:Urwh7kyCsSsNmV1gu4sMYFVZCI0ZPwEXjxxtNH06G8U=" ]; }; }"#;
        assert!(run(&CacheKeys, &[("flake.nix", paired)]).is_empty());
        let alone = format!(
            r#"{{ nixConfig = {{ extra-substituters = [ "https://cache.example.camp/tilde" ]; extra-trusted-public-keys = [ "{COMMUNITY}" ]; }}; }}"#
        );
        assert_eq!(
            messages(&[("flake.nix", &alone)]),
            [
                "flake.nix:1:108 trusted public key nix-community.cachix.org-1 belongs to no substituter listed with it: a leftover, or a substituter missing",
                "flake.nix:1:40 substituter https://cache.example.camp/tilde has no trusted public key: Nix will not use what it serves",
            ]
        );
    }

    #[test]
    fn a_leftover_key_of_a_known_cache_is_reported_a_machine_key_is_not() {
        let text = r#"{ nix.settings = {
  substituters = [ "https://nix-community.cachix.org" ];
  trusted-public-keys = [
    "nix-community.cachix.org-1:mB9FSh9qf2dCimDSUo8Zy7bkq5CX+/rkCWyvRCYg3Fs="
    "notashelf.cachix.org-1:VTTBFNQWbfyLuRzgm2I7AWSDJdqAa11ytLXHBhrprZk="
    "builder-1:DhlmJBtURj+XS3j4F8SFFukT8dYgSjtFcd3egH8rE6U="
  ];
}; }"#;
        assert_eq!(
            messages(&[("nix.nix", text)]),
            ["nix.nix:5:5 trusted public key notashelf.cachix.org-1 belongs to no substituter listed with it: a leftover, or a substituter missing"]
        );
    }

    #[test]
    fn lists_are_followed_through_concatenation_optional_and_let() {
        let text = r#"{ lib, config, ... }:
let
  keys = [ "nix-community.cachix.org-1:mB9FSh9qf2dCimDSUo8Zy7bkq5CX+/rkCWyvRCYg3Fs=" ];
in
{ nix.settings = {
  substituters = [ "https://nix-community.cachix.org" ]
    ++ lib.optional (config.networking.hostName != "eve") "https://cache.example.io"
    ++ lib.optionals config.x.enable [ "https://devenv.cachix.org" ];
  trusted-public-keys = keys ++ [ "cache.example.io-1:R7msbosLEZKrxk/lKxf9BTjOOH7Ax3H0Qj0/6wiHOgc=" ];
}; }"#;
        assert_eq!(
            messages(&[("nix.nix", text)]),
            ["nix.nix:8:40 substituter https://devenv.cachix.org has no trusted public key: Nix will not use what it serves"]
        );
    }

    #[test]
    fn a_part_that_cannot_be_read_leaves_its_side_unjudged() {
        let text = r#"{ lib, extraKeys, names, ... }: { nix.settings = {
  substituters = [ "https://devenv.cachix.org" ] ++ map (n: "https://${n}.cachix.org") names;
  trusted-public-keys = [ "yazi.cachix.org-1:Dcdz63NZKfvUCbDGngQDAZq6kOroIrFoyO064uvLh8k=" ] ++ extraKeys;
}; }"#;
        // The devenv key may be among extraKeys; the yazi cache may be among the mapped names.
        assert!(run(&CacheKeys, &[("nix.nix", text)]).is_empty());
    }

    #[test]
    fn every_flake_is_checked_on_its_own() {
        let outer = format!(
            r#"{{ nixConfig = {{ extra-substituters = [ "https://nix-community.cachix.org" ]; extra-trusted-public-keys = [ "{COMMUNITY}" "devenv.cachix.org-1:w1cLUi8dv3hnoSPGAuibQv+f9TZLr6cv/Hm9XgU50cw=" ]; }}; }}"#
        );
        let template = r#"{ nixConfig = { extra-substituters = [ "https://devenv.cachix.org" ]; }; outputs = _: { }; }"#;
        assert_eq!(
            messages(&[("flake.nix", &outer), ("templates/dev/flake.nix", template)]),
            [
                "flake.nix:1:182 trusted public key devenv.cachix.org-1 belongs to no substituter listed with it: a leftover, or a substituter missing",
                "templates/dev/flake.nix:1:40 substituter https://devenv.cachix.org has no trusted public key: Nix will not use what it serves",
            ]
        );
    }

    #[test]
    fn former_option_names_and_nix_conf_text() {
        let old = r#"{ nix.binaryCaches = [ "https://devenv.cachix.org" ]; nix.binaryCachePublicKeys = [ "devenv.cachix.org-1:w1cLUi8dv3hnoSPGAuibQv+f9TZLr6cv/Hm9XgU50cw=" ]; }"#;
        let new = r#"{ nix.settings.substituters = [ "https://yazi.cachix.org" ]; }"#;
        assert_eq!(
            messages(&[("old.nix", old), ("new.nix", new)]),
            ["new.nix:1:33 substituter https://yazi.cachix.org has no trusted public key: Nix will not use what it serves"]
        );
        let text = "{ nix.extraOptions = ''\n  extra-trusted-public-keys = yazi.cachix.org-1:Dcdz63NZKfvUCbDGngQDAZq6kOroIrFoyO064uvLh8k=\n''; }";
        assert!(run(&CacheKeys, &[("new.nix", new), ("conf.nix", text)]).is_empty());
    }

    #[test]
    fn a_flake_and_its_machines_share_their_keys_one_way() {
        // nixConfig lists the cache, the machines trust its key: the flake's machines use it.
        let flake = r#"{ nixConfig.extra-substituters = [ "https://devenv.cachix.org" ]; outputs = _: { }; }"#;
        let nix = r#"{ nix.settings.trusted-public-keys = [ "devenv.cachix.org-1:w1cLUi8dv3hnoSPGAuibQv+f9TZLr6cv/Hm9XgU50cw=" ]; }"#;
        assert!(run(&CacheKeys, &[("flake.nix", flake), ("nix.nix", nix)]).is_empty());
        // A machine's substituter is not signed by a key only the flake's nixConfig lists.
        let flake = r#"{ nixConfig.extra-trusted-public-keys = [ "devenv.cachix.org-1:w1cLUi8dv3hnoSPGAuibQv+f9TZLr6cv/Hm9XgU50cw=" ]; outputs = _: { }; }"#;
        let nix = r#"{ nix.settings.substituters = [ "https://devenv.cachix.org" ]; }"#;
        assert_eq!(
            messages(&[("flake.nix", flake), ("nix.nix", nix)]),
            ["nix.nix:1:33 substituter https://devenv.cachix.org has no trusted public key: Nix will not use what it serves"]
        );
    }

    #[test]
    fn a_known_caches_missing_key_is_added_to_the_list_beside_it_in_its_layout() {
        let flake = "{\n  nixConfig = {\n    extra-substituters = [ \"https://nix-community.cachix.org\" ];\n    extra-trusted-public-keys = [\n      \"cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=\"\n    ];\n  };\n  outputs = _: { };\n}";
        let repo = crate::check::test_repo(&[("flake.nix", flake)]);
        let fix = CacheKeys
            .check(&repo)
            .into_iter()
            .find_map(|f| f.autofix)
            .expect("a fix");
        let crate::fix::Change::Insert { at, text } = fix.change else {
            panic!("{fix:?}")
        };
        let mut fixed = flake.to_string();
        fixed.insert_str(at, &text);
        assert!(
            fixed.contains("jY=\"\n      \"nix-community.cachix.org-1:"),
            "{fixed}"
        );
        assert!(crate::fix::apply::parses(&fixed));
        let again = crate::check::test_repo(&[("flake.nix", &fixed)]);
        assert!(CacheKeys.check(&again).is_empty());
    }
}
