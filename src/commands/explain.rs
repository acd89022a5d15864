//! `nixscaffold explain [RULE]`: a rule's explanation, or the list of rules.

use crate::error::{exit, Error, Result};
use crate::rules::{find, registry};

pub fn run(rule: Option<&str>) -> Result<i32> {
    let Some(key) = rule else {
        say!("The rules of `nixscaffold check` (explain one with `nixscaffold explain RULE`):\n");
        for rule in registry() {
            let info = rule.info();
            say!(
                "  {}  {:<24} {:<8} {}",
                info.id,
                info.name,
                info.severity.as_str(),
                info.summary
            );
        }
        say!("\nTurn a rule off or change its severity in .nixscaffold.yaml: check: {{ rules: {{ NAME: off|warning|error }} }}");
        return Ok(exit::OK);
    };
    let info = find(key).ok_or_else(|| {
        Error::usage(format!(
            "there is no rule `{key}`; `nixscaffold explain` lists them"
        ))
    })?;
    say!("{} {}: {}", info.id, info.name, info.summary);
    say!("Default severity: {}\n", info.severity.as_str());
    say!("{}\n", wrap(info.explanation));
    say!("Fix:\n{}", wrap(info.fix));
    Ok(exit::OK)
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
