//! Paths with unknown parts, as the abstract evaluation leaves them (`hosts/${name}/home.nix`),
//! and what they can match in the repository's tree.

use super::eval::{ARG, FREE, HOLE};

/// A path from the repository's root with holes where values are unknown: `../hosts/${name}`
/// written in `flake/x.nix` is `hosts/*`; `./users/${u}/${os}.nix` is `users/*/*.nix`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathPattern {
    segments: Vec<Segment>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Name(String),
    /// Text with one or more holes: `${name}.nix` is prefix `""`, suffix `.nix`.
    Hole {
        prefix: String,
        suffix: String,
    },
}

/// A path-valued expression, normalized.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// One path, known entirely (`""` is the root).
    Exact(String),
    /// A path with holes at known places.
    Pattern(PathPattern),
    /// A directory, then text of unknown shape (`dir + name`): somewhere under the directory.
    Under(String),
    /// A function argument's value (`flake`), then `rest` (`/home/presets`): a place when the
    /// repository sets that argument to a place (`_module.args.flake = self;`).
    Arg { name: String, rest: String },
}

impl Place {
    /// Normalizes the text of a place (`a/./b/../c`, holes marked) from the root. `None` when it
    /// leaves the repository.
    pub fn new(text: &str) -> Option<Place> {
        if let Some((name, rest)) = text.strip_prefix(ARG).and_then(|t| t.split_once(ARG)) {
            return Some(Place::Arg {
                name: name.to_string(),
                rest: rest.to_string(),
            });
        }
        let mut segments: Vec<Segment> = Vec::new();
        for part in text.split('/') {
            if let Some(at) = part.find(FREE) {
                let mut known: Vec<&str> = Vec::new();
                for segment in &segments {
                    match segment {
                        Segment::Name(n) => known.push(n),
                        Segment::Hole { .. } => break,
                    }
                }
                let mut dir = known.join("/");
                // `./modules + name`: the unknown text most likely starts with `/`.
                let glued = &part[..at];
                if !glued.is_empty() && !glued.contains(HOLE) && known.len() == segments.len() {
                    dir = if dir.is_empty() {
                        glued.to_string()
                    } else {
                        format!("{dir}/{glued}")
                    };
                }
                return Some(Place::Under(dir));
            }
            match part {
                "" | "." => {}
                ".." => match segments.pop() {
                    Some(Segment::Name(_)) => {}
                    _ => return None,
                },
                p => match p.split_once(HOLE) {
                    Some((prefix, rest)) => segments.push(Segment::Hole {
                        prefix: prefix.to_string(),
                        suffix: rest.rsplit(HOLE).next().unwrap_or("").to_string(),
                    }),
                    None => segments.push(Segment::Name(p.to_string())),
                },
            }
        }
        if segments.iter().all(|s| matches!(s, Segment::Name(_))) {
            let names: Vec<&str> = segments
                .iter()
                .filter_map(|s| match s {
                    Segment::Name(n) => Some(n.as_str()),
                    Segment::Hole { .. } => None,
                })
                .collect();
            return Some(Place::Exact(names.join("/")));
        }
        Some(Place::Pattern(PathPattern { segments }))
    }
}

impl PathPattern {
    /// The directory before the first hole.
    pub fn fixed_prefix(&self) -> String {
        self.segments
            .iter()
            .map_while(|s| match s {
                Segment::Name(n) => Some(n.as_str()),
                Segment::Hole { .. } => None,
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Whether the last segment is a bare hole: the pattern names entries, files or directories.
    pub fn ends_with_hole(&self) -> bool {
        matches!(self.segments.last(), Some(Segment::Hole { prefix, suffix }) if prefix.is_empty() && suffix.is_empty())
    }

    /// Whether the file `path` is what the pattern names (a directory's `default.nix` included).
    /// A hole that is a whole segment in the middle (`"${self}/${sub}/x.nix"`) stands for one or
    /// more segments; at the end, or with text around it, for one.
    pub fn matches(&self, path: &str) -> bool {
        let parts: Vec<&str> = path.split('/').collect();
        fits(&self.segments, &parts)
            || (parts.last() == Some(&"default.nix")
                && fits(&self.segments, &parts[..parts.len() - 1]))
    }
}

fn fits(segments: &[Segment], parts: &[&str]) -> bool {
    let Some((first, rest)) = segments.split_first() else {
        return parts.is_empty();
    };
    let Some((part, others)) = parts.split_first() else {
        return false;
    };
    match first {
        Segment::Name(n) => n == part && fits(rest, others),
        Segment::Hole { prefix, suffix } => {
            let one = part.len() >= prefix.len() + suffix.len()
                && part.starts_with(prefix.as_str())
                && part.ends_with(suffix.as_str());
            if one && fits(rest, others) {
                return true;
            }
            // A bare hole between segments may span several of them.
            prefix.is_empty()
                && suffix.is_empty()
                && !rest.is_empty()
                && (1..others.len()).any(|skip| fits(rest, &others[skip..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(text: &str) -> PathPattern {
        match Place::new(text) {
            Some(Place::Pattern(p)) => p,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn places_normalize() {
        assert_eq!(
            Place::new("m/./a/../b.nix"),
            Some(Place::Exact("m/b.nix".into()))
        );
        assert_eq!(Place::new("/../x"), None);
        assert_eq!(
            Place::new(&format!("/./m{FREE}")),
            Some(Place::Under("m".into()))
        );
        assert_eq!(
            Place::new(&format!("m/./{FREE}")),
            Some(Place::Under("m".into()))
        );
    }

    #[test]
    fn holes_match_segments() {
        let hosts = pattern(&format!("hosts/{HOLE}"));
        assert!(hosts.matches("hosts/a.nix"));
        assert!(hosts.matches("hosts/a/default.nix"));
        assert!(!hosts.matches("hosts/a/b.nix"));
        let middle = pattern(&format!("/{HOLE}/home.nix"));
        assert!(middle.matches("alice/home.nix"));
        assert!(middle.matches("users/alice/home.nix"));
        assert!(!middle.matches("users/alice/other.nix"));
        let glued = pattern(&format!("presets/{HOLE}.nix"));
        assert!(glued.matches("presets/dark.nix"));
        assert!(!glued.matches("presets/a/dark.nix"));
        assert_eq!(glued.fixed_prefix(), "presets");
    }
}
