//! What `check` found, in three forms: for a person (grouped by file, colored only on a terminal
//! and never when `NO_COLOR` is set), as JSON (the schema is docs/check-schema.json), and as GitHub
//! workflow annotations.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::IsTerminal;

use serde_json::{json, Value};

use crate::check::Outcome;
use crate::layout::expected::Shape;
use crate::rules::Severity;

/// The version of the JSON output's schema; it changes only when a field changes meaning or goes.
pub const JSON_SCHEMA_VERSION: u32 = 1;

/// Whether to color the human output: standard output is a terminal and NO_COLOR is unset.
pub fn use_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

struct Paint {
    on: bool,
}

impl Paint {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn human(outcome: &Outcome, color: bool) -> String {
    let p = Paint { on: color };
    let mut out = String::new();
    let shape = outcome.describe_shape();
    let _ = writeln!(out, "Checking {} ({shape})", outcome.root.display());

    let mut by_file: BTreeMap<&str, Vec<&crate::rules::Finding>> = BTreeMap::new();
    for finding in &outcome.findings {
        by_file.entry(&finding.file).or_default().push(finding);
    }
    // A rule's fix is printed the first time it applies, not under every finding.
    let mut fixes_shown: std::collections::HashSet<(&str, &str)> = std::collections::HashSet::new();
    for (file, findings) in &by_file {
        let _ = writeln!(out, "\n{}", p.paint("1", file));
        for f in findings {
            let severity = match f.severity {
                Severity::Error => p.paint("1;31", "error"),
                Severity::Warning => p.paint("1;33", "warning"),
            };
            let _ = writeln!(
                out,
                "  {}:{}  {severity}  {}  {}",
                f.line,
                f.column,
                p.paint("2", &format!("{} {}", f.rule, f.name)),
                f.message
            );
            if fixes_shown.insert((f.rule, f.fix.as_str())) {
                let _ = writeln!(out, "      {} {}", p.paint("36", "fix:"), f.fix);
            }
            if let Some(diff) = &f.diff {
                for line in diff.lines() {
                    let painted = if line.starts_with("+++") || line.starts_with("---") {
                        p.paint("1", line)
                    } else if line.starts_with('+') {
                        p.paint("32", line)
                    } else if line.starts_with('-') {
                        p.paint("31", line)
                    } else if line.starts_with("@@") {
                        p.paint("36", line)
                    } else {
                        line.to_string()
                    };
                    let _ = writeln!(out, "      {painted}");
                }
            }
        }
    }
    if !outcome.skipped.is_empty() {
        let _ = writeln!(out, "\nSkipped:");
        for s in &outcome.skipped {
            let _ = writeln!(out, "  {}: {}", s.path, s.reason);
        }
    }
    let checked = plural(outcome.files_checked, ".nix file", ".nix files");
    if outcome.findings.is_empty() {
        let _ = writeln!(
            out,
            "\n{checked} checked: {}",
            p.paint("32", "no findings.")
        );
    } else {
        let _ = writeln!(
            out,
            "\n{checked} checked: {} ({}, {}) in {}.\nRun `nixscaffold explain RULE` for the reasons behind a rule.",
            plural(outcome.findings.len(), "finding", "findings"),
            plural(outcome.count(Severity::Error), "error", "errors"),
            plural(outcome.count(Severity::Warning), "warning", "warnings"),
            plural(by_file.len(), "file", "files"),
        );
    }
    out
}

/// The JSON document; see docs/check-schema.json.
pub fn json(outcome: &Outcome) -> Value {
    let shape = &outcome.shape;
    json!({
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": { "name": "nixscaffold", "version": env!("CARGO_PKG_VERSION") },
        "root": outcome.root.display().to_string(),
        "shape": {
            "source": match shape {
                Shape::Recorded(_) => "recorded",
                Shape::Inferred { .. } => "inferred",
            },
            "platforms": shape.platforms().iter().map(|p| p.as_str()).collect::<Vec<_>>(),
            "overlays": shape.overlays().iter().map(|o| o.attr()).collect::<Vec<_>>(),
            "notes": outcome.shape_notes(),
        },
        "summary": {
            "files_checked": outcome.files_checked,
            "findings": outcome.findings.len(),
            "errors": outcome.count(Severity::Error),
            "warnings": outcome.count(Severity::Warning),
            "skipped": outcome.skipped.len(),
        },
        "findings": outcome.findings,
        "skipped": outcome.skipped.iter().map(|s| json!({ "path": s.path, "reason": s.reason })).collect::<Vec<_>>(),
    })
}

/// GitHub Actions workflow commands: one annotation per finding, then a plain summary line.
pub fn github(outcome: &Outcome) -> String {
    let mut out = String::new();
    let base = outcome.root.to_string_lossy().replace('\\', "/");
    let base = base.trim_end_matches('/');
    for f in &outcome.findings {
        let file = if base.is_empty() || base == "." {
            f.file.clone()
        } else {
            format!("{base}/{}", f.file)
        };
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = format!("{}\nfix: {}", f.message, f.fix);
        if let Some(diff) = &f.diff {
            message.push('\n');
            message.push_str(diff);
        }
        let _ = writeln!(
            out,
            "::{level} file={},line={},col={},title={}::{}",
            escape_property(&file),
            f.line,
            f.column,
            escape_property(&format!("{} {}", f.rule, f.name)),
            escape_data(&message)
        );
    }
    let _ = writeln!(
        out,
        "nixscaffold check: {} ({}, {}) in {}",
        plural(outcome.findings.len(), "finding", "findings"),
        plural(outcome.count(Severity::Error), "error", "errors"),
        plural(outcome.count(Severity::Warning), "warning", "warnings"),
        plural(outcome.files_checked, ".nix file", ".nix files")
    );
    out
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn color_only_when_asked() {
        let paint = Paint { on: true };
        assert_eq!(paint.paint("31", "x"), "\x1b[31mx\x1b[0m");
        assert_eq!(Paint { on: false }.paint("31", "x"), "x");
    }

    #[test]
    fn annotations_escape_what_github_reads() {
        assert_eq!(escape_data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
