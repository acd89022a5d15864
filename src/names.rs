//! Names the user gives us (hosts, users, modules, packages) become Nix attribute names and
//! directory names, so they must be both.

/// Nix keywords: valid-looking identifiers that Nix will not accept as a bare attribute name.
pub const NIX_KEYWORDS: &[&str] = &[
    "assert", "else", "if", "in", "inherit", "let", "or", "rec", "then", "with",
];

/// The characters [`check_attr_name`] accepts, as a regular expression (for the answers' JSON
/// Schema); keywords and `default` are excluded there by [`RESERVED_NAMES`].
pub const ATTR_NAME_PATTERN: &str = "^[A-Za-z_][A-Za-z0-9_-]*$";

/// A host's name as a JSON Schema pattern: an attribute name NixOS also takes as
/// `networking.hostName` ([`check_host_name`]; Nix keywords are refused by the tool itself).
pub const HOST_NAME_PATTERN: &str = "^[A-Za-z]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$";

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

/// Checks a host's name: a Nix attribute name that NixOS also takes as `networking.hostName`
/// (the flake sets it to the host's name). NixOS's type is
/// `strMatching "^$|^[[:alnum:]]([[:alnum:]_-]{0,61}[[:alnum:]])?$"` (a DNS label, with `_`
/// tolerated inside): at most 63 characters, starting and ending with a letter or a digit.
pub fn check_host_name(name: &str) -> Result<(), String> {
    check_attr_name(name)?;
    let hostname = "NixOS's networking.hostName";
    if name.len() > 63 {
        return Err(format!(
            "it has {} characters; {hostname} takes at most 63 (a DNS label)",
            name.len()
        ));
    }
    let alphanumeric = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !alphanumeric(name.chars().next()) {
        return Err(format!("{hostname} must start with a letter or a digit"));
    }
    if !alphanumeric(name.chars().next_back()) {
        return Err(format!("{hostname} must end with a letter or a digit"));
    }
    Ok(())
}

/// `item` as a YAML list item or flow scalar that every YAML parser reads as this string: quoted
/// when YAML 1.1 (PyYAML, yq, Ruby) or 1.2 would read it as null or a boolean (`null`, `~`, `yes`,
/// `no`, `on`, `off`, `y`, `n`, `true`, `false` in any case), else as it is.
pub fn yaml_scalar(item: &str) -> String {
    const SPECIAL: &[&str] = &[
        "", "~", "null", "y", "n", "yes", "no", "true", "false", "on", "off",
    ];
    if SPECIAL.contains(&item.to_ascii_lowercase().as_str()) {
        format!("\"{item}\"")
    } else {
        item.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::{
        check_attr_name, check_host_name, reserved_names, yaml_scalar, ATTR_NAME_PATTERN,
        HOST_NAME_PATTERN,
    };

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
    fn the_host_schema_pattern_agrees_with_the_check() {
        assert_eq!(
            HOST_NAME_PATTERN,
            "^[A-Za-z]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$"
        );
        let by_pattern = |name: &str| {
            let chars: Vec<char> = name.chars().collect();
            let edge = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
            (1..=63).contains(&chars.len())
                && chars[0].is_ascii_alphabetic()
                && edge(chars.last())
                && chars
                    .iter()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
        };
        for name in [
            "web",
            "a",
            "a-",
            "_a",
            "a_b",
            "2x",
            "x2",
            "é",
            &"a".repeat(63),
            &"a".repeat(64),
        ] {
            assert_eq!(by_pattern(name), check_host_name(name).is_ok(), "{name:?}");
        }
    }

    #[test]
    fn host_names_follow_nixos_hostname_rule() {
        for name in ["web", "a", "web-1", "a_b", "Web2", &"a".repeat(63)] {
            assert_eq!(check_host_name(name), Ok(()), "{name}");
        }
        for name in ["_", "_a", "a-", "a_", &"a".repeat(64), "let", "2fast", ""] {
            assert!(
                check_host_name(name).is_err(),
                "{name:?} should be rejected"
            );
        }
        assert!(check_host_name("a-")
            .unwrap_err()
            .contains("networking.hostName"));
        assert!(check_host_name(&"a".repeat(64)).unwrap_err().contains("63"));
    }

    #[test]
    fn yaml_words_read_as_null_or_booleans_are_quoted() {
        for word in [
            "null", "Null", "NULL", "~", "yes", "No", "ON", "off", "y", "N", "true", "False",
        ] {
            assert_eq!(yaml_scalar(word), format!("\"{word}\""));
        }
        for word in ["nixos/null", "alice", "yesterday", "nothing"] {
            assert_eq!(yaml_scalar(word), word);
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
