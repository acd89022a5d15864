//! `nixscaffold explain [RULE]`: a rule's explanation, or the list of rules.

use std::fmt::Write as _;

use crate::error::{exit, Error, Result};
use crate::out;
use crate::rules::{find, registry};

pub fn run(rule: Option<&str>) -> Result<i32> {
    let text = match rule {
        None => list(),
        Some(key) => explain(key)?,
    };
    out::document(text)?;
    Ok(exit::OK)
}

/// Every rule, one line each.
fn list() -> String {
    let mut text = String::new();
    text.push_str(
        "The rules of `nixscaffold check` (explain one with `nixscaffold explain RULE`):\n\n",
    );
    for rule in registry() {
        let info = rule.info();
        let _ = writeln!(
            text,
            "  {}  {:<24} {:<8} {}",
            info.id,
            info.name,
            info.severity.as_str(),
            info.summary
        );
    }
    text.push_str("\nTurn a rule off or change its severity in .nixscaffold.yaml: check: { rules: { NAME: off|warning|error } }\n");
    text
}

/// One rule's explanation and fix, found by id or name.
fn explain(key: &str) -> Result<String> {
    let info = find(key).ok_or_else(|| {
        Error::usage(format!(
            "there is no rule `{key}`; `nixscaffold explain` lists them"
        ))
    })?;
    let mut text = String::new();
    let _ = writeln!(text, "{} {}: {}", info.id, info.name, info.summary);
    let _ = writeln!(text, "Default severity: {}\n", info.severity.as_str());
    let _ = writeln!(text, "{}\n", wrap(info.explanation));
    let _ = writeln!(text, "Fix:\n{}", wrap(info.fix));
    Ok(text)
}

/// Wraps prose at 100 columns.
fn wrap(text: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for word in text.split_whitespace() {
        if width > 0 && width + 1 + word.chars().count() > 100 {
            out.push('\n');
            width = 0;
        } else if width > 0 {
            out.push(' ');
            width += 1;
        }
        out.push_str(word);
        width += word.chars().count();
    }
    out
}
