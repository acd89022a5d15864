//! Binary caches users can name instead of typing URL=KEY (read from data/caches.yaml, where each
//! pair names its source), and the systems we know.

pub struct CachePreset {
    pub name: &'static str,
    pub url: &'static str,
    pub key: &'static str,
}

/// The caches with a preset name in data/caches.yaml (the one owner of URL and key pairs), in the
/// file's order; the first key of each.
pub fn cache_presets() -> &'static [CachePreset] {
    static PRESETS: std::sync::OnceLock<Vec<CachePreset>> = std::sync::OnceLock::new();
    PRESETS.get_or_init(|| {
        crate::caches::table()
            .caches
            .iter()
            .filter_map(|cache| {
                Some(CachePreset {
                    name: cache.preset.as_deref()?,
                    url: &cache.url,
                    key: cache.keys.first()?,
                })
            })
            .collect()
    })
}

pub fn cache_preset(name: &str) -> Option<&'static CachePreset> {
    cache_presets().iter().find(|preset| preset.name == name)
}

pub fn cache_preset_names() -> String {
    cache_presets()
        .iter()
        .map(|preset| preset.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The systems we know how to name; anything else is most likely a typo.
pub const KNOWN_SYSTEMS: &[&str] = &[
    "x86_64-linux",
    "aarch64-linux",
    "aarch64-darwin",
    "x86_64-darwin",
    "riscv64-linux",
    "i686-linux",
    "armv7l-linux",
];
