//! Names the user gives us (hosts, users, modules, packages) become Nix attribute names and
//! directory names, so they must be both.

/// Nix keywords: valid-looking identifiers that Nix will not accept as a bare attribute name.
const NIX_KEYWORDS: &[&str] = &[
    "assert", "else", "if", "in", "inherit", "let", "or", "rec", "then", "with",
];

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
    use super::check_attr_name;

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
