//! The binary caches nixscaffold knows (data/caches.yaml, embedded): which key signs which
//! substituter, which caches `new --cache` offers by name, and which URLs mirror cache.nixos.org.
//! The one owner of these facts: presets and the cache-keys rule both read them here.

use std::sync::OnceLock;

use serde::Deserialize;

const TABLE: &str = include_str!("../data/caches.yaml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheTable {
    pub caches: Vec<KnownCache>,
    pub patterns: Vec<CachePattern>,
    pub mirrors: Vec<Mirror>,
}

/// One cache and the keys that sign it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnownCache {
    /// The name `new --cache NAME` knows it by.
    #[serde(default)]
    pub preset: Option<String>,
    pub url: String,
    pub keys: Vec<String>,
    /// Where the pair is documented.
    pub source: String,
}

/// Caches named by a rule: `*` is the same name in the URL's host and in the key's name.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CachePattern {
    pub url: String,
    pub key: String,
    pub source: String,
}

/// A pull-through mirror of cache.nixos.org: no key of its own.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mirror {
    pub url: String,
    pub source: String,
}

/// The table, parsed once. It is part of the program (a test parses it), so a failure is a bug.
pub fn table() -> &'static CacheTable {
    static PARSED: OnceLock<CacheTable> = OnceLock::new();
    PARSED.get_or_init(|| serde_saphyr::from_str(TABLE).expect("data/caches.yaml parses"))
}

/// A substituter URL as compared: without its query (`?priority=40`) and trailing `/`, its
/// scheme and host in lower case.
pub fn normalize(url: &str) -> String {
    let url = url.trim();
    let url = url.split(['?', '#']).next().unwrap_or(url);
    let url = url.trim_end_matches('/');
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (host, path) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
            let mut out = format!(
                "{}://{}",
                scheme.to_ascii_lowercase(),
                host.to_ascii_lowercase()
            );
            if !path.is_empty() {
                out.push('/');
                out.push_str(path);
            }
            out
        }
        None => url.to_string(),
    }
}

/// A key's name: `nix-community.cachix.org-1:…` gives `nix-community.cachix.org-1`.
pub fn key_name(key: &str) -> &str {
    key.split(':').next().unwrap_or(key).trim()
}

/// What the table says about a substituter.
#[derive(Debug, PartialEq, Eq)]
pub enum Known {
    /// cache.nixos.org or a mirror of it: signed by cache.nixos.org-1, trusted by default.
    NixosOrg,
    /// The names of the keys that sign it, and where that is documented.
    Keys(Vec<String>, &'static str),
    /// Not in the table.
    Unknown,
}

pub fn lookup(url: &str) -> Known {
    let url = normalize(url);
    let table = table();
    let host = url.split_once("://").map_or(url.as_str(), |(_, rest)| {
        rest.split('/').next().unwrap_or(rest)
    });
    let mirror_path = url
        .split_once("://")
        .is_some_and(|(_, rest)| rest.contains("/nix-channels/store"));
    if host == "cache.nixos.org"
        || mirror_path
        || table.mirrors.iter().any(|m| normalize(&m.url) == url)
    {
        return Known::NixosOrg;
    }
    if let Some(cache) = table.caches.iter().find(|c| normalize(&c.url) == url) {
        let names = cache.keys.iter().map(|k| key_name(k).to_string()).collect();
        return Known::Keys(names, &cache.source);
    }
    for pattern in &table.patterns {
        if let Some(name) = wildcard(&normalize(&pattern.url), &url) {
            return Known::Keys(vec![pattern.key.replace('*', &name)], &pattern.source);
        }
    }
    Known::Unknown
}

/// Whether a key name is known to sign some cache of the table (so a leftover of it is a cache
/// nobody asks, not a machine's signing key).
pub fn signs_a_known_cache(name: &str) -> bool {
    let table = table();
    table
        .caches
        .iter()
        .any(|c| c.keys.iter().any(|k| key_name(k) == name))
        || table
            .patterns
            .iter()
            .any(|p| wildcard(&p.key, name).is_some_and(|n| !n.is_empty()))
}

/// What `*` stands for when `text` fits `pattern` (one `*`, matching one name without dots or
/// slashes).
fn wildcard(pattern: &str, text: &str) -> Option<String> {
    let (before, after) = pattern.split_once('*')?;
    let middle = text.strip_prefix(before)?.strip_suffix(after)?;
    (!middle.is_empty() && !middle.contains(['.', '/'])).then(|| middle.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_and_every_entry_has_a_source() {
        let table = table();
        assert!(table.caches.len() >= 8);
        for cache in &table.caches {
            assert!(
                !cache.source.is_empty() && !cache.keys.is_empty(),
                "{cache:?}"
            );
            for key in &cache.keys {
                let (name, value) = key.split_once(':').expect("NAME:BASE64");
                assert!(!name.is_empty() && value.ends_with('='), "{key}");
            }
        }
        assert!(table.mirrors.iter().all(|m| !m.source.is_empty()));
        assert!(table.patterns.iter().all(|p| !p.source.is_empty()));
    }

    #[test]
    fn lookups() {
        assert_eq!(lookup("https://cache.nixos.org/"), Known::NixosOrg);
        assert_eq!(
            lookup("https://mirrors.ustc.edu.cn/nix-channels/store?priority=10"),
            Known::NixosOrg
        );
        assert_eq!(lookup("https://hetzner-cache.numtide.com"), Known::NixosOrg);
        assert!(
            matches!(lookup("https://cache.iog.io"), Known::Keys(k, _) if k == ["hydra.iohk.io"])
        );
        assert!(
            matches!(lookup("https://install.determinate.systems"), Known::Keys(k, _) if k == ["cache.flakehub.com-3"])
        );
        assert!(
            matches!(lookup("https://Foo-Bar.cachix.org/"), Known::Keys(k, _) if k == ["foo-bar.cachix.org-1"])
        );
        assert_eq!(lookup("https://a.b.cachix.org"), Known::Unknown);
        assert_eq!(lookup("https://cache.example.org"), Known::Unknown);
        assert!(signs_a_known_cache("hydra.iohk.io"));
        assert!(signs_a_known_cache("notashelf.cachix.org-1"));
        assert!(!signs_a_known_cache("builder-1"));
    }
}
