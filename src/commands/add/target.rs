//! The argument grammar of `add-*`: `PLATFORM/PATH`, `SET/NAME`, `PLATFORM/NAME@SYSTEM`, `NAME`.
//! Reads no file: what the repository has is decided later.

use std::ffi::OsStr;

use crate::answers::check_system;
use crate::answers::record::Record;
use crate::error::{Error, Result};
use crate::layout::growth::Kind;
use crate::names::{check_attr_name, check_host_name};

/// The argument, taken apart: the word before the slash, the path's segments, an `@SYSTEM`.
#[derive(Debug)]
pub struct Target {
    pub text: String,
    pub scope: String,
    pub segments: Vec<String>,
    pub system: Option<String>,
}

impl Target {
    /// The entry's own name and the directories on the way to it.
    pub fn name_and_dirs(&self) -> Result<(&String, &[String])> {
        self.segments
            .split_last()
            .ok_or_else(|| Error::Internal("an empty target passed parsing".into()))
    }
}

pub fn parse(kind: &Kind, raw: &OsStr) -> Result<Target> {
    let usage = |why: String| {
        Error::usage(format!(
            "{why}\n  usage: nixscaffold {} {}   e.g. nixscaffold {} {}",
            kind.command, kind.argument, kind.command, kind.example
        ))
    };
    let Some(text) = raw.to_str() else {
        return Err(usage(format!(
            "`{}` is not valid UTF-8; a {} name is ASCII letters, digits, '-' and '_'",
            raw.to_string_lossy(),
            kind.noun
        )));
    };
    let parts = split(kind, text).map_err(usage)?;
    let (scope, rest) = scope_and_rest(kind, text, &parts).map_err(usage)?;
    let mut segments: Vec<String> = rest.iter().map(|s| (*s).to_string()).collect();
    let system = if kind.system_suffix {
        take_system(&mut segments)
    } else {
        None
    };
    check_segments(kind, text, &segments).map_err(usage)?;
    if kind.system_suffix {
        // A host: its name is also NixOS's networking.hostName.
        if let Some(name) = segments.last() {
            check_host_name(name).map_err(|why| {
                usage(format!(
                    "`{name}` in `{text}` is not a valid host name: {why}"
                ))
            })?;
        }
    }
    if let Some(system) = &system {
        check_system(system).map_err(usage)?;
    }
    Ok(Target {
        text: text.to_string(),
        scope,
        segments,
        system,
    })
}

/// The segments of a relative path that names each directory.
fn split<'t>(kind: &Kind, text: &'t str) -> std::result::Result<Vec<&'t str>, String> {
    if text.is_empty() {
        return Err(format!("the {} is empty", kind.argument));
    }
    if text.starts_with('/') {
        return Err(format!(
            "`{text}` is an absolute path; give {} inside the repository's shape, not a file path",
            kind.argument
        ));
    }
    let parts: Vec<&str> = text.split('/').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(format!(
            "`{text}` has an empty segment (`//`, or a `/` at the start or end)"
        ));
    }
    if parts.iter().any(|p| *p == ".." || *p == ".") {
        return Err(format!(
            "`{text}` contains `.` or `..`; a {} path stays inside its tree and names each directory",
            kind.noun
        ));
    }
    Ok(parts)
}

/// The word before the slash (empty for kinds without one) and the rest.
fn scope_and_rest<'p, 't>(
    kind: &Kind,
    text: &str,
    parts: &'p [&'t str],
) -> std::result::Result<(String, &'p [&'t str]), String> {
    let (scope, rest) = match kind.scope_word {
        Some(word) => {
            if parts.len() < 2 {
                return Err(format!(
                    "`{text}` is not {}: it needs the {word} before a `/`",
                    kind.argument
                ));
            }
            (parts[0].to_string(), &parts[1..])
        }
        None => (String::new(), parts),
    };
    if !kind.nested && rest.len() > 1 {
        return Err(format!("`{text}`: a {} is one NAME, not a path", kind.noun));
    }
    Ok((scope, rest))
}

/// Splits `NAME@SYSTEM` in the last segment.
fn take_system(segments: &mut [String]) -> Option<String> {
    let last = segments.last_mut()?;
    let (name, system) = last.split_once('@')?;
    let (name, system) = (name.to_string(), system.to_string());
    *last = name;
    Some(system)
}

fn check_segments(kind: &Kind, text: &str, segments: &[String]) -> std::result::Result<(), String> {
    for segment in segments {
        if segment.ends_with(".nix") {
            return Err(format!(
                "`{text}`: leave out `.nix`; the {} gets its file name from its layout",
                kind.noun
            ));
        }
        if kind.record == Record::Users {
            // A home may be one machine's: NAME@HOST.
            crate::answers::check_user(segment)?;
            continue;
        }
        check_attr_name(segment).map_err(|why| {
            format!(
                "`{segment}` in `{text}` is not a valid {} name: {why}",
                kind.noun
            )
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::growth::{HOST, MODULE, USER};

    #[test]
    fn targets_are_taken_apart_without_a_filesystem() {
        let t = parse(&MODULE, OsStr::new("home/shell/zsh")).unwrap();
        assert_eq!((t.scope.as_str(), t.segments.len()), ("home", 2));
        let t = parse(&HOST, OsStr::new("nixos/pi@aarch64-linux")).unwrap();
        assert_eq!(t.segments, vec!["pi".to_string()]);
        assert_eq!(t.system.as_deref(), Some("aarch64-linux"));
        for bad in [
            "",
            "/x",
            "home",
            "home//a",
            "home/../a",
            "home/a.nix",
            "nixos/a/b",
        ] {
            let kind = if bad == "nixos/a/b" { &HOST } else { &MODULE };
            assert!(parse(kind, OsStr::new(bad)).is_err(), "{bad}");
        }
        assert!(parse(&USER, OsStr::new("a/b")).is_err());
        assert!(parse(&USER, OsStr::new("alice@laptop")).is_ok());
        assert!(parse(&USER, OsStr::new("alice@")).is_err());
        assert!(parse(&MODULE, OsStr::new("home/a@b")).is_err());
    }
}
