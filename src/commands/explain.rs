//! `nixscaffold explain [RULE]`: a rule's explanation, or the list of rules.

use std::fmt::Write as _;

use crate::error::{exit, Error, Result};
use crate::out;
use crate::rules::{find, registry, Kind};

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
            "  {}  {:<24} {:<8} {:<6} {}",
            info.id,
            info.name,
            info.severity.as_str(),
            info.kind.as_str(),
            info.summary
        );
    }
    text.push_str("\nA lint applies to every repository. A shape rule measures the repository against the nixscaffold\n");
    text.push_str("shape: its findings count only where .nixscaffold.yaml records answers (the repository adopted the\n");
    text.push_str("shape), or where check.rules sets the rule; elsewhere check sums them up as the distance to the shape.\n");
    text.push_str("Turn a rule off or change its severity in .nixscaffold.yaml: check: { rules: { NAME: off|warning|error } }\n");
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
    let _ = writeln!(text, "Default severity: {}", info.severity.as_str());
    let _ = writeln!(
        text,
        "{}\n",
        wrap(&format!("Kind: {}", kind_text(info.kind)))
    );
    let _ = writeln!(text, "{}\n", wrap(info.explanation));
    let _ = writeln!(text, "Fix:\n{}", wrap(info.fix));
    Ok(text)
}

fn kind_text(kind: Kind) -> &'static str {
    match kind {
        Kind::Lint => "lint (applies to every repository)",
        Kind::Shape => {
            "shape (a finding where .nixscaffold.yaml records answers, or where check.rules sets \
this rule; elsewhere part of the distance to the shape, which fails nothing)"
        }
    }
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
