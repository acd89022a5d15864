//! `nixscaffold templates`: the built-in templates a `--template` folder can replace, or with
//! `--vars` the variables they see, read from the context the renderer really uses.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use crate::answers::AnswersFile;
use crate::error::{exit, Error, Result};
use crate::generate::{context, instances};
use crate::layout::parts;
use crate::out;
use crate::render::builtin_template_names;

pub fn run(vars: bool) -> Result<i32> {
    let text = if vars {
        variables()?
    } else {
        let mut list = String::new();
        for name in builtin_template_names() {
            list.push_str(&name);
            list.push('\n');
        }
        list
    };
    out::document(text)?;
    Ok(exit::OK)
}

/// The example whose values the list shows: `nixscaffold new my-config --yes`.
const EXAMPLE: &str = "my-config";

/// Every variable, as `path  type  example`: first those every template sees, then those only
/// some templates see (the host, user, platform or overlay set they are rendered for).
pub fn variables() -> Result<String> {
    let answers = AnswersFile::default()
        .resolve(EXAMPLE)
        .map_err(|e| Error::Internal(format!("the example answers: {e}")))?;
    let base = context(&answers);
    let mut text = format!(
        "Variables a template can use, written {{{{name}}}} (handlebars, strict: an unknown one is an \
         error). Values are those of `nixscaffold new {EXAMPLE} --yes`. A list is used as \
         {{{{#each hosts}}}}{{{{this.name}}}}{{{{/each}}}}; a flag as {{{{#if platforms.darwin}}}}…{{{{/if}}}}.\n\n\
         Every template:\n"
    );
    let mut rows = Vec::new();
    flatten("", &base, &mut rows);
    write_rows(&mut text, &rows);

    let mut extra: BTreeMap<String, (Value, Vec<&str>)> = BTreeMap::new();
    for part in parts() {
        let template = part.template;
        // A part's own variable (host, user, platform, set) is the one key its instances add.
        let Some(first) = instances(part, &answers).into_iter().next() else {
            continue;
        };
        if !first.key.is_empty() && base.get(first.key).is_none() {
            let entry = extra
                .entry(first.key.to_string())
                .or_insert((first.value, Vec::new()));
            if !entry.1.contains(&template) {
                entry.1.push(template);
            }
        }
    }
    for (key, (value, templates)) in extra {
        let _ = writeln!(text, "\nOnly in {}:", templates.join(", "));
        let mut rows = Vec::new();
        flatten(&key, &value, &mut rows);
        write_rows(&mut text, &rows);
    }
    Ok(text)
}

fn write_rows(text: &mut String, rows: &[(String, &'static str, String)]) {
    let width = rows
        .iter()
        .map(|(path, _, _)| path.len())
        .max()
        .unwrap_or(0);
    for (path, kind, example) in rows {
        let _ = writeln!(text, "  {path:<width$}  {kind:<8} {example}");
    }
}

/// `(path, type, example)` of every leaf of `value`; a list of objects is shown by its items'
/// fields (`hosts.[].name`), a list of scalars as a whole.
fn flatten(prefix: &str, value: &Value, rows: &mut Vec<(String, &'static str, String)>) {
    let join = |key: &str| {
        if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        }
    };
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                flatten(&join(key), item, rows);
            }
        }
        Value::Array(items) if items.first().is_some_and(Value::is_object) => {
            rows.push((prefix.to_string(), "list", format!("{} items", items.len())));
            flatten(&format!("{prefix}.[]"), &items[0], rows);
        }
        Value::Array(_) => rows.push((prefix.to_string(), "list", value.to_string())),
        Value::String(_) => rows.push((prefix.to_string(), "string", value.to_string())),
        Value::Bool(_) => rows.push((prefix.to_string(), "flag", value.to_string())),
        Value::Number(_) => rows.push((prefix.to_string(), "number", value.to_string())),
        Value::Null => rows.push((prefix.to_string(), "null", "null".into())),
    }
}
