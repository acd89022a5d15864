//! What `check` found, in three forms: for a person (grouped by file, colored only on a terminal
//! and never when `NO_COLOR` is set), as JSON (the schema is docs/check-schema.json), and as GitHub
//! workflow annotations.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::IsTerminal;

use serde_json::{json, Value};

use crate::check::Outcome;
use crate::layout::expected::Shape;
use crate::rules::{Finding, Severity};

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

/// How a repository adopts the shape: the one place `check` says it (the distance summary in every
/// format reads it from here).
pub const HOW_TO_ADOPT: &str =
    "run `nixscaffold adopt`, which records this repository's own choices in .nixscaffold.yaml (`--dry-run` shows them first)";

/// The shape findings of a repository that did not adopt the shape, summed up by rule: what
/// differs, in a few words each.
pub fn distance_items(distance: &[Finding]) -> Vec<(&'static str, &'static str, String)> {
    let mut by_rule: BTreeMap<(&'static str, &'static str), Vec<&Finding>> = BTreeMap::new();
    for finding in distance {
        by_rule
            .entry((finding.rule, finding.name))
            .or_default()
            .push(finding);
    }
    by_rule
        .into_iter()
        .map(|((rule, name), found)| (rule, name, distance_text(name, &found)))
        .collect()
}

fn distance_text(name: &str, found: &[&Finding]) -> String {
    let mut files: Vec<&str> = found.iter().map(|f| f.file.as_str()).collect();
    files.dedup();
    let count = found.len();
    let in_files = if files.len() > 1 {
        format!(" in {}", plural(files.len(), "file", "files"))
    } else {
        format!(" in {}", files[0])
    };
    match name {
        "missing-part" => {
            let shown: Vec<&str> = files.iter().copied().take(4).collect();
            let more = files.len() - shown.len();
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!("missing {}{more}", shown.join(", "))
        }
        "hand-listed-imports" => format!(
            "{}{in_files}",
            plural(count, "hand-listed import list", "hand-listed import lists")
        ),
        "managed-drift" => format!(
            "{} unlike its template",
            plural(count, "managed file", "managed files")
        ),
        "scanpaths-drift" => format!(
            "{} unlike the recommended helper{in_files}",
            plural(count, "scanPaths definition", "scanPaths definitions")
        ),
        "scattered-module-outputs" => format!(
            "{} outside modules/default.nix{in_files}",
            plural(count, "module output", "module outputs")
        ),
        other => format!("{}{in_files}", plural(count, other, other)),
    }
}

/// The distance summary in one line, or `None` when the repository adopted the shape.
pub fn distance_line(outcome: &Outcome) -> Option<String> {
    if outcome.adopted {
        return None;
    }
    let items = distance_items(&outcome.distance);
    if items.is_empty() {
        return Some("nothing that check measures differs".into());
    }
    Some(
        items
            .into_iter()
            .map(|(_, _, text)| text)
            .collect::<Vec<_>>()
            .join("; "),
    )
}

/// Skipped paths grouped by reason, most frequent first: `(reason, count)`.
fn skipped_reasons(outcome: &Outcome) -> Vec<(&str, usize)> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &outcome.skipped {
        *counts.entry(s.reason.as_str()).or_default() += 1;
    }
    let mut reasons: Vec<(&str, usize)> = counts.into_iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    reasons
}

/// The human report. `verbose` lists every skipped path (otherwise they are counted by reason) and
/// the files a finding about a directory stands for.
pub fn human(outcome: &Outcome, color: bool, verbose: bool) -> String {
    let p = Paint { on: color };
    let mut out = String::new();
    let shape = outcome.describe_shape();
    let _ = writeln!(out, "Checking {} ({shape})", outcome.root.display());

    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
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
            if verbose {
                // A finding about a directory: the files it stands for.
                for file in &f.files {
                    let _ = writeln!(out, "      {file}");
                }
            }
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
    if !outcome.unresolved.is_empty() {
        let _ = writeln!(
            out,
            "\nNot followed (check cannot tell which files these load; none of the files they may reach is called an orphan):"
        );
        for u in &outcome.unresolved {
            let place = if u.reaches.is_empty() {
                "anywhere in the repository".to_string()
            } else {
                format!("under {}/", u.reaches)
            };
            let _ = writeln!(out, "  {}:{}: may load files {place}", u.file, u.line);
        }
    }
    if verbose && !outcome.skipped.is_empty() {
        let _ = writeln!(out, "\nSkipped:");
        for s in &outcome.skipped {
            let _ = writeln!(out, "  {}: {}", s.path, s.reason);
        }
    } else if !outcome.skipped.is_empty() {
        let reasons: Vec<String> = skipped_reasons(outcome)
            .into_iter()
            .map(|(reason, n)| format!("{reason} ({n})"))
            .collect();
        let _ = writeln!(
            out,
            "\nSkipped {} (`--verbose` lists them): {}",
            plural(outcome.skipped.len(), "path", "paths"),
            reasons.join("; ")
        );
    }
    if let Some(line) = distance_line(outcome) {
        let _ = writeln!(
            out,
            "\n{} {line}.\n  To adopt the shape: {HOW_TO_ADOPT}.",
            p.paint(
                "1",
                "Distance to the shape (not findings: this repository has not adopted it):"
            ),
        );
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
        "distance": distance_json(outcome),
        "skipped": outcome.skipped.iter().map(|s| json!({ "path": s.path, "reason": s.reason })).collect::<Vec<_>>(),
        "unresolved": outcome.unresolved,
    })
}

/// The distance to the shape, or null when the repository adopted it (then shape findings are
/// findings).
fn distance_json(outcome: &Outcome) -> Value {
    let Some(summary) = distance_line(outcome) else {
        return Value::Null;
    };
    let items: Vec<Value> = distance_items(&outcome.distance)
        .into_iter()
        .map(|(rule, name, text)| {
            let found: Vec<&Finding> = outcome.distance.iter().filter(|f| f.rule == rule).collect();
            let mut files: Vec<&str> = found.iter().map(|f| f.file.as_str()).collect();
            files.dedup();
            json!({ "rule": rule, "name": name, "count": found.len(), "files": files, "text": text })
        })
        .collect();
    json!({ "summary": summary, "items": items, "adopt": HOW_TO_ADOPT })
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
    if let Some(line) = distance_line(outcome) {
        let _ = writeln!(
            out,
            "::notice title=distance to the shape::{}",
            escape_data(&format!(
                "{line}. Not findings: this repository has not adopted the shape. To adopt it: {HOW_TO_ADOPT}."
            ))
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
