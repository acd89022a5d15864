//! Names the user gives us (hosts, users, modules, packages) become Nix attribute names and
//! directory names, so they must be both.

/// Nix keywords: valid-looking identifiers that Nix will not accept as a bare attribute name.
pub const NIX_KEYWORDS: &[&str] = &[
    "assert", "else", "if", "in", "inherit", "let", "or", "rec", "then", "with",
];

/// The characters [`check_attr_name`] accepts, as a regular expression (for the answers' JSON
/// Schema); keywords and `default` are excluded there by [`RESERVED_NAMES`].
pub const ATTR_NAME_PATTERN: &str = "^[A-Za-z_][A-Za-z0-9_-]*$";

/// Names [`check_attr_name`] refuses although their characters are fine.
pub fn reserved_names() -> Vec<&'static str> {
    NIX_KEYWORDS.iter().copied().chain(["default"]).collect()
}

/// Checks that `name` can be a bare Nix attribute name and a directory name.
/// Returns the reason when it cannot, phrased to follow "NAME is not a valid name: ".
pub fn check_attr_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Err("it is empty".into());
    };
    if !(first.is_ascii_alphabetic() || first == '_') {
        return Err("it must start with a letter or an underscore".into());
    }
    if let Some(bad) = chars.find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '\'')))
    {
        return Err(format!(
            "it contains {bad:?}; use letters, digits, '-' and '_' only"
        ));
    }
    if name.contains('\'') {
        return Err("it contains \"'\", which would make an awkward file name".into());
    }
    if NIX_KEYWORDS.contains(&name) {
        return Err(format!("`{name}` is a Nix keyword"));
    }
    if name == "default" {
        return Err("`default` is reserved for the file that auto-imports a directory".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{check_attr_name, reserved_names, ATTR_NAME_PATTERN};

    #[test]
    fn the_schema_pattern_agrees_with_the_check() {
        let pattern = regex_lite(ATTR_NAME_PATTERN);
        for name in [
            "web", "my-host", "_private", "zsh2", "", "2fast", "a b", "a/b", "..", "let",
            "default", "é", "a.b", "x'y", "-x",
        ] {
            let by_schema = pattern(name) && !reserved_names().contains(&name);
            assert_eq!(by_schema, check_attr_name(name).is_ok(), "{name:?}");
        }
    }

    /// `^[A-Za-z_][A-Za-z0-9_-]*$`, matched by hand (the library has no regex engine).
    fn regex_lite(pattern: &str) -> impl Fn(&str) -> bool {
        assert_eq!(pattern, "^[A-Za-z_][A-Za-z0-9_-]*$");
        |name: &str| {
            let mut chars = name.chars();
            chars
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        }
    }

    #[test]
    fn accepts_ordinary_names() {
        for name in ["web", "my-host", "_private", "zsh2", "Home_Server"] {
            assert_eq!(check_attr_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn rejects_what_nix_or_the_file_system_would_not_take() {
        for name in [
            "", "2fast", "a b", "a/b", "..", "let", "in", "default", "é", "a.b", "x'y",
        ] {
            assert!(
                check_attr_name(name).is_err(),
                "{name:?} should be rejected"
            );
        }
    }
}
