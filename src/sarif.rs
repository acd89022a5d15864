//! `check --format sarif`: the findings as a SARIF 2.1.0 log, which GitHub code scanning (and other
//! SARIF viewers) read. The rules come from the registry, so every rule is described once.

use serde_json::{json, Value};

use crate::check::Outcome;
use crate::error::{Error, Result};
use crate::rules::{registry, Finding, RuleInfo, Severity};

/// The `$schema` and `version` a SARIF 2.1.0 log declares.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const VERSION: &str = "2.1.0";

/// The base every artifact URI is relative to: the checked repository's root.
const SRCROOT: &str = "%SRCROOT%";

/// The SARIF log of `outcome`, as pretty-printed JSON with a final newline.
pub fn document(outcome: &Outcome) -> Result<String> {
    let mut text = serde_json::to_string_pretty(&log(outcome))
        .map_err(|e| Error::Internal(format!("cannot write SARIF: {e}")))?;
    text.push('\n');
    Ok(text)
}

/// The SARIF log: one run of nixscaffold, its rules and its results.
pub fn log(outcome: &Outcome) -> Value {
    let rules: Vec<&RuleInfo> = registry().iter().map(|rule| rule.info()).collect();
    let mut run = json!({
        "tool": { "driver": driver(&rules) },
        "columnKind": "unicodeCodePoints",
        "results": outcome.findings.iter().map(|f| result(f, &rules)).collect::<Vec<_>>(),
        "invocations": [{
            "executionSuccessful": true,
            "toolExecutionNotifications": outcome.skipped.iter().map(|s| json!({
                "level": "note",
                "message": { "text": format!("skipped: {}", s.reason) },
                "locations": [location(&s.path, None)],
            })).collect::<Vec<_>>(),
        }],
    });
    if let Some(root) = root_uri(outcome) {
        run["originalUriBaseIds"] = json!({ SRCROOT: { "uri": root } });
    }
    json!({ "$schema": SCHEMA, "version": VERSION, "runs": [run] })
}

fn driver(rules: &[&RuleInfo]) -> Value {
    json!({
        "name": "nixscaffold",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "rules": rules.iter().map(|info| json!({
            "id": info.id,
            "name": info.name,
            "shortDescription": { "text": info.summary },
            "fullDescription": { "text": info.explanation },
            "help": { "text": format!("Fix: {}\nMore: nixscaffold explain {}", info.fix, info.id) },
            "defaultConfiguration": { "level": level(info.severity) },
            "properties": { "tags": [info.kind.as_str()] },
        })).collect::<Vec<_>>(),
    })
}

fn result(finding: &Finding, rules: &[&RuleInfo]) -> Value {
    let mut text = format!("{}\nfix: {}", finding.message, finding.fix);
    if let Some(diff) = &finding.diff {
        text.push('\n');
        text.push_str(diff);
    }
    let mut result = json!({
        "ruleId": finding.rule,
        "level": level(finding.severity),
        "message": { "text": text },
        "locations": [location(&finding.file, Some((finding.line, finding.column)))],
        "properties": { "kind": finding.kind.as_str() },
    });
    if let Some(index) = rules.iter().position(|info| info.id == finding.rule) {
        result["ruleIndex"] = json!(index);
    }
    result
}

fn location(file: &str, at: Option<(usize, usize)>) -> Value {
    let mut physical = json!({
        "artifactLocation": { "uri": encode_path(file), "uriBaseId": SRCROOT },
    });
    if let Some((line, column)) = at {
        physical["region"] = json!({ "startLine": line.max(1), "startColumn": column.max(1) });
    }
    json!({ "physicalLocation": physical })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// `file://` URI of the checked root, ending in `/` as SARIF requires of a base; none when the
/// path cannot be made absolute.
fn root_uri(outcome: &Outcome) -> Option<String> {
    let absolute = std::fs::canonicalize(&outcome.root).ok()?;
    let path = absolute.to_string_lossy().replace('\\', "/");
    let path = encode_path(path.trim_end_matches('/'));
    let slash = if path.starts_with('/') { "" } else { "/" };
    Some(format!("file://{slash}{path}/"))
}

/// A relative path as a URI reference: `/` kept, everything but unreserved characters
/// percent-encoded (so a space or `#` in a file name cannot change the URI's meaning).
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::encode_path;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(
            encode_path("modules/nixos/web.nix"),
            "modules/nixos/web.nix"
        );
        assert_eq!(encode_path("a b/#c%.nix"), "a%20b/%23c%25.nix");
        assert_eq!(encode_path("é.nix"), "%C3%A9.nix");
    }
}
