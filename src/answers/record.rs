//! Recording a new host or user in `.nixscaffold.yaml` without rewriting the user's file: the item
//! is inserted as one line into the list, so comments, order and formatting stay as they were. The
//! edit is then proven by parsing the result: the answers must be the old ones plus the new item and
//! nothing else. When that cannot be shown, the file is left alone and the caller says so.

use std::path::Path;

use crate::answers::{dir_name, read_text, Answers, AnswersFile, Host, ANSWERS_FILE};
use crate::error::{Error, Result};
use crate::names::yaml_scalar;

/// Which list of `.nixscaffold.yaml` an addition is recorded in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Record {
    Nothing,
    Hosts,
    Users,
}

impl Record {
    /// The key in `.nixscaffold.yaml`.
    pub fn key(self) -> Option<&'static str> {
        match self {
            Record::Nothing => None,
            Record::Hosts => Some("hosts"),
            Record::Users => Some("users"),
        }
    }
}

/// A list item to add to `.nixscaffold.yaml`, with the whole new text of the file.
pub struct RecordEdit {
    pub key: &'static str,
    pub item: String,
    pub text: String,
}

/// The edit that records a new host or user, proven exact; or why there is none (already listed:
/// the note; a form this does not edit safely: a warning).
pub fn plan_edit(
    kind: Record,
    answers: &Answers,
    name: &str,
    host: Option<&Host>,
    repo: &Path,
    warnings: &mut Vec<String>,
) -> Result<(Option<RecordEdit>, Option<String>)> {
    let Some(key) = kind.key() else {
        return Ok((None, None));
    };
    let mut expected = answers.clone();
    let (item, current, listed) = match (kind, host) {
        (Record::Hosts, Some(host)) => {
            let listed = answers
                .hosts
                .iter()
                .find(|h| h.platform == host.platform && h.name == host.name);
            expected.hosts.push(host.clone());
            let current = answers.hosts.iter().map(Host::to_string).collect();
            if let Some(recorded) = listed {
                if recorded.system != host.system {
                    warnings.push(format!(
                        "{ANSWERS_FILE} records {recorded} under `hosts`, but the new machine is built \
                         for {}: change the entry to {host} by hand so they agree",
                        host.system.as_deref().unwrap_or("another system")
                    ));
                }
            }
            (host.to_string(), current, listed.map(Host::to_string))
        }
        (Record::Users, _) => {
            expected.users.push(name.to_string());
            let listed = answers.users.iter().find(|u| *u == name).cloned();
            (name.to_string(), answers.users.clone(), listed)
        }
        _ => return Err(Error::Internal("a host record without a host".into())),
    };
    if let Some(recorded) = listed {
        let note =
            format!("{ANSWERS_FILE} already lists {recorded} under `{key}`; it was left as it is.");
        return Ok((None, Some(note)));
    }
    let path = repo.join(ANSWERS_FILE);
    let text = read_text(&path)?;
    let edited = append_item(&text, key, &item, &current)
        .filter(|edited| edit_is_exact(edited, &dir_name(repo), &expected));
    let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
    match edited {
        Some(text) if !is_link => Ok((Some(RecordEdit { key, item, text }), None)),
        _ => {
            warnings.push(format!(
                "{ANSWERS_FILE} is left alone: its `{key}` list is written in a form nixscaffold does \
                 not edit safely. Add `{}` to it by hand so `check` knows it.",
                yaml_scalar(&item)
            ));
            Ok((None, None))
        }
    }
}

/// `text` with `item` appended to the top-level list `key`. `current` is the list's effective value,
/// written out when the file leaves the key to its default. `None` when the list is written in a
/// form this does not edit (the caller then leaves the file alone).
pub fn append_item(text: &str, key: &str, item: &str, current: &[String]) -> Option<String> {
    // Written so that any YAML parser reads strings (`null`, `yes`, `off` quoted), with the
    // file's own line endings.
    let item = &yaml_scalar(item);
    let current: Vec<String> = current.iter().map(|c| yaml_scalar(c)).collect();
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let key_line = lines.iter().position(|line| {
        line.strip_prefix(key)
            .and_then(|rest| rest.strip_prefix(':'))
            .is_some()
    });
    let Some(key_line) = key_line else {
        // The key is absent: its default applies. Write the default out, plus the new item.
        let mut out = text.to_string();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(nl);
        }
        out.push_str(&format!("{key}:{nl}"));
        for existing in &current {
            out.push_str(&format!("- {existing}{nl}"));
        }
        out.push_str(&format!("- {item}{nl}"));
        return Some(out);
    };
    let value = lines[key_line][key.len() + 1..].trim_end();
    let value = strip_comment(value).trim();
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_string()).collect();
    if value.is_empty() {
        // A block list follows, or nothing (null: the default applies).
        let mut last_item = None;
        for (index, line) in lines.iter().enumerate().skip(key_line + 1) {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if trimmed == "-" || trimmed.starts_with("- ") {
                last_item = Some(index);
            } else {
                break;
            }
        }
        match last_item {
            Some(index) => {
                let indent: String = lines[index].chars().take_while(|c| *c == ' ').collect();
                if !out[index].ends_with('\n') {
                    out[index].push_str(nl);
                }
                out.insert(index + 1, format!("{indent}- {item}{nl}"));
            }
            None => {
                let mut block = String::new();
                for existing in current.iter().map(String::as_str).chain([item.as_str()]) {
                    block.push_str(&format!("- {existing}{nl}"));
                }
                if !out[key_line].ends_with('\n') {
                    out[key_line].push_str(nl);
                }
                out.insert(key_line + 1, block);
            }
        }
    } else if let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
        // A flow list on one line: `hosts: []` or `hosts: [a, b]`, a comment after it kept.
        let line = lines[key_line];
        let open = key.len() + 1 + line[key.len() + 1..].find('[')?;
        let close = open + value.len() - 1;
        out[key_line] = if inner.trim().is_empty() {
            format!("{}[{item}]{}", &line[..open], &line[close + 1..])
        } else {
            format!("{}, {item}{}", &line[..close], &line[close..])
        };
    } else {
        return None;
    }
    Some(out.concat())
}

/// `text` with its top-level `version:` set to `version` (what `update` records), the rest of the
/// file as it was. Proven like every edit: the file must parse to the same answers with only the
/// version changed. `None` when the version is written in a form this does not edit.
pub fn set_version(text: &str, version: &str) -> Option<String> {
    let before = serde_saphyr::from_str::<Option<AnswersFile>>(text).ok()??;
    let edited = replace_scalar_line(text, "version", version)?;
    let after = serde_saphyr::from_str::<Option<AnswersFile>>(&edited).ok()??;
    let expected = AnswersFile {
        version: Some(version.to_string()),
        ..before
    };
    (after == expected).then_some(edited)
}

/// `text` with the line of the top-level `key` set to `value`, its quotes (`new` writes "0.1.0"; a
/// hand-written file may have 0.1.0), comment and line ending kept; `None` without such a line.
fn replace_scalar_line(text: &str, key: &str, value: &str) -> Option<String> {
    let prefix = format!("{key}:");
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let index = lines.iter().position(|line| line.starts_with(&prefix))?;
    let line = lines[index];
    let old = line[prefix.len()..].trim_end_matches(['\n', '\r']);
    let comment = old.find(" #").map_or("", |at| &old[at..]);
    let ending = &line[line.trim_end_matches(['\n', '\r']).len()..];
    let quote = match old.trim_start().chars().next() {
        Some(q @ ('"' | '\'')) => q.to_string(),
        _ => String::new(),
    };
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_string()).collect();
    out[index] = format!("{prefix} {quote}{value}{quote}{comment}{ending}");
    Some(out.concat())
}

/// A YAML line's value without a trailing ` # comment` (good enough for the values we write).
fn strip_comment(value: &str) -> &str {
    match value.find(" #") {
        Some(index) => &value[..index],
        None => value,
    }
}

/// `text` with the top-level `key` set to the scalar `value`: its line replaced when it has one
/// ([`replace_scalar_line`]), else a line appended.
pub fn set_scalar(text: &str, key: &str, value: &str) -> String {
    replace_scalar_line(text, key, value).unwrap_or_else(|| {
        let mut out = text.to_string();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&format!("{key}: {value}\n"));
        out
    })
}

/// Proves an edit: `edited` must resolve to `expected`, every other answer unchanged.
pub fn edit_is_exact(edited: &str, dir_name: &str, expected: &Answers) -> bool {
    serde_saphyr::from_str::<Option<AnswersFile>>(edited)
        .ok()
        .map(Option::unwrap_or_default)
        .and_then(|file| file.resolve(dir_name).ok())
        .is_some_and(|answers| &answers == expected)
}

/// Replaces a file atomically; lives with the other writes.
pub use crate::write::replace_file;

#[cfg(test)]
mod tests {
    use super::append_item;

    const FILE: &str = "# mine\nname: x\nhosts:\n- nixos/a@x86_64-linux # first\n\n- nixos/b\nusers: [] # none\ncaches:\n  - lix\n";

    #[test]
    fn appends_after_the_last_block_item_keeping_everything_else() {
        let out = append_item(FILE, "hosts", "nixos/c", &[]).unwrap();
        assert_eq!(out, FILE.replace("- nixos/b\n", "- nixos/b\n- nixos/c\n"));
        let out = append_item(FILE, "caches", "numtide", &[]).unwrap();
        assert!(out.ends_with("caches:\n  - lix\n  - numtide\n"), "{out}");
    }

    #[test]
    fn fills_flow_lists_and_writes_out_defaults() {
        let out = append_item(FILE, "users", "bob", &[]).unwrap();
        assert!(out.contains("users: [bob] # none\n"), "{out}");
        let out = append_item("name: x", "users", "bob", &["user".into()]).unwrap();
        assert_eq!(out, "name: x\nusers:\n- user\n- bob\n");
        let out = append_item("users:\nname: x\n", "users", "bob", &["user".into()]).unwrap();
        assert_eq!(out, "users:\n- user\n- bob\nname: x\n");
        let out = append_item("users: [a, b]", "users", "c", &[]).unwrap();
        assert_eq!(out, "users: [a, b, c]");
    }

    #[test]
    fn sets_the_version_keeping_the_rest_of_the_file() {
        let text = "# mine\nversion: 0.1.0 # made by\nname: x\n";
        assert_eq!(
            super::set_version(text, "0.2.0").unwrap(),
            "# mine\nversion: 0.2.0 # made by\nname: x\n"
        );
        assert_eq!(
            super::set_version("version: \"0.1.0\"\nname: x\n", "0.2.0").unwrap(),
            "version: \"0.2.0\"\nname: x\n"
        );
        assert_eq!(super::set_version("name: x\n", "0.2.0"), None);
        assert_eq!(
            super::set_version("version: &v 0.1.0\nname: *v\n", "0.2.0"),
            None
        );
    }

    #[test]
    fn sets_a_scalar_in_place_or_at_the_end() {
        let text = "name: x\nauto-import: scanpaths # chosen\nusers: []\n";
        assert_eq!(
            super::set_scalar(text, "auto-import", "import-tree"),
            "name: x\nauto-import: import-tree # chosen\nusers: []\n"
        );
        assert_eq!(
            super::set_scalar("name: x", "auto-import", "scanpaths"),
            "name: x\nauto-import: scanpaths\n"
        );
    }

    #[test]
    fn keeps_crlf_line_endings() {
        let file = FILE.replace('\n', "\r\n");
        let out = append_item(&file, "hosts", "nixos/c", &[]).unwrap();
        assert_eq!(
            out,
            file.replace("- nixos/b\r\n", "- nixos/b\r\n- nixos/c\r\n")
        );
        let out = append_item("name: x\r\n", "users", "bob", &["user".into()]).unwrap();
        assert_eq!(out, "name: x\r\nusers:\r\n- user\r\n- bob\r\n");
        assert!(!append_item(&file, "users", "bob", &[])
            .unwrap()
            .replace("\r\n", "")
            .contains('\n'));
    }

    #[test]
    fn quotes_words_other_parsers_read_as_null_or_booleans() {
        let out = append_item("users:\n- a\n", "users", "null", &[]).unwrap();
        assert_eq!(out, "users:\n- a\n- \"null\"\n");
        let out = append_item("users: [a]\n", "users", "yes", &[]).unwrap();
        assert_eq!(out, "users: [a, \"yes\"]\n");
        let out = append_item("name: x\n", "users", "bob", &["off".into()]).unwrap();
        assert_eq!(out, "name: x\nusers:\n- \"off\"\n- bob\n");
    }

    #[test]
    fn leaves_forms_it_does_not_know() {
        assert_eq!(append_item("users: &u [a]\n", "users", "c", &[]), None);
        assert_eq!(append_item("users: !!seq\n", "users", "c", &[]), None);
    }
}
