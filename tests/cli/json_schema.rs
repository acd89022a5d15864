//! The one JSON Schema validator of the tests: the keywords that docs/check-schema.json, the
//! answers schema (schemars) and SARIF 2.1.0's schema use. `format` and `default` are annotations
//! here, as JSON Schema allows. Returns every violation, so a test can also assert a rejection.

use regex::Regex;
use serde_json::Value;

/// Every violation of `schema` by `value`, each as `PATH: what`; empty when it validates.
pub fn violations(schema: &Value, value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    check(schema, schema, value, "$", &mut found);
    found
}

/// Panics, listing the violations, unless `value` validates against `schema`.
pub fn assert_valid(schema: &Value, value: &Value, what: &str) {
    let found = violations(schema, value);
    assert!(
        found.is_empty(),
        "{what} does not validate:\n{}",
        found.join("\n")
    );
}

fn resolve<'a>(root: &'a Value, reference: &str) -> &'a Value {
    let pointer = reference
        .strip_prefix('#')
        .unwrap_or_else(|| panic!("only local $ref are supported: {reference}"));
    root.pointer(pointer)
        .unwrap_or_else(|| panic!("$ref {reference} points nowhere"))
}

fn check(root: &Value, schema: &Value, value: &Value, at: &str, found: &mut Vec<String>) {
    let Value::Object(keywords) = schema else {
        if schema == &Value::Bool(false) {
            found.push(format!("{at}: nothing is allowed here"));
        }
        return;
    };
    if let Some(Value::String(reference)) = keywords.get("$ref") {
        check(root, resolve(root, reference), value, at, found);
    }
    check_type(schema, value, at, found);
    if let Some(Value::Array(allowed)) = keywords.get("enum") {
        if !allowed.contains(value) {
            found.push(format!("{at}: {value} is not one of {allowed:?}"));
        }
    }
    if let Some(constant) = keywords.get("const") {
        if constant != value {
            found.push(format!("{at}: {value} is not {constant}"));
        }
    }
    check_combinators(root, schema, value, at, found);
    match value {
        Value::Object(map) => check_object(root, schema, map, at, found),
        Value::Array(items) => check_array(root, schema, items, at, found),
        Value::Number(n) => {
            if let (Some(min), Some(n)) =
                (keywords.get("minimum").and_then(Value::as_f64), n.as_f64())
            {
                if n < min {
                    found.push(format!("{at}: {n} < minimum {min}"));
                }
            }
        }
        Value::String(text) => {
            if let Some(pattern) = keywords.get("pattern").and_then(Value::as_str) {
                let re = Regex::new(pattern).expect("a valid pattern");
                if !re.is_match(text) {
                    found.push(format!("{at}: {text:?} does not match {pattern}"));
                }
            }
            if let Some(min) = keywords.get("minLength").and_then(Value::as_u64) {
                if (text.chars().count() as u64) < min {
                    found.push(format!("{at}: {text:?} is shorter than {min}"));
                }
            }
        }
        _ => {}
    }
}

fn check_type(schema: &Value, value: &Value, at: &str, found: &mut Vec<String>) {
    let Some(types) = schema.get("type") else {
        return;
    };
    let names: Vec<&str> = match types {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => panic!("{at}: bad type in schema"),
    };
    let fits = names.iter().any(|t| match *t {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_u64() || value.is_i64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        other => panic!("{at}: unknown type {other}"),
    });
    if !fits {
        found.push(format!("{at}: {value} is not {names:?}"));
    }
}

fn check_combinators(
    root: &Value,
    schema: &Value,
    value: &Value,
    at: &str,
    found: &mut Vec<String>,
) {
    let passes = |sub: &Value| {
        let mut errors = Vec::new();
        check(root, sub, value, at, &mut errors);
        errors.is_empty()
    };
    if let Some(Value::Array(all)) = schema.get("allOf") {
        for sub in all {
            check(root, sub, value, at, found);
        }
    }
    if let Some(Value::Array(any)) = schema.get("anyOf") {
        if !any.iter().any(passes) {
            found.push(format!("{at}: {value} fits none of anyOf"));
        }
    }
    if let Some(Value::Array(one)) = schema.get("oneOf") {
        let fitting = one.iter().filter(|sub| passes(sub)).count();
        if fitting != 1 {
            found.push(format!(
                "{at}: {value} fits {fitting} of oneOf, not exactly one"
            ));
        }
    }
    if let Some(not) = schema.get("not") {
        if passes(not) {
            found.push(format!("{at}: {value} fits what `not` forbids"));
        }
    }
}

fn check_object(
    root: &Value,
    schema: &Value,
    map: &serde_json::Map<String, Value>,
    at: &str,
    found: &mut Vec<String>,
) {
    if let Some(Value::Array(required)) = schema.get("required") {
        for key in required.iter().filter_map(Value::as_str) {
            if !map.contains_key(key) {
                found.push(format!("{at}: missing {key}"));
            }
        }
    }
    if let Some(names) = schema.get("propertyNames") {
        for key in map.keys() {
            check(
                root,
                names,
                &Value::String(key.clone()),
                &format!("{at}.{key} (name)"),
                found,
            );
        }
    }
    let properties = schema.get("properties").and_then(Value::as_object);
    for (key, item) in map {
        let path = format!("{at}.{key}");
        match (
            properties.and_then(|p| p.get(key)),
            schema.get("additionalProperties"),
        ) {
            (Some(sub), _) => check(root, sub, item, &path, found),
            (None, Some(Value::Bool(false))) => found.push(format!("{at}: unexpected field {key}")),
            (None, Some(extra @ Value::Object(_))) => check(root, extra, item, &path, found),
            (None, _) => {}
        }
    }
}

fn check_array(root: &Value, schema: &Value, items: &[Value], at: &str, found: &mut Vec<String>) {
    if let Some(min) = schema.get("minItems").and_then(Value::as_u64) {
        if (items.len() as u64) < min {
            found.push(format!("{at}: fewer than {min} items"));
        }
    }
    if let Some(max) = schema.get("maxItems").and_then(Value::as_u64) {
        if (items.len() as u64) > max {
            found.push(format!("{at}: more than {max} items"));
        }
    }
    if schema.get("uniqueItems") == Some(&Value::Bool(true)) {
        for (i, item) in items.iter().enumerate() {
            if items[..i].contains(item) {
                found.push(format!("{at}[{i}]: a duplicate item"));
            }
        }
    }
    if let Some(sub) = schema.get("items") {
        for (i, item) in items.iter().enumerate() {
            check(root, sub, item, &format!("{at}[{i}]"), found);
        }
    }
}

#[test]
fn the_validator_rejects_what_each_keyword_forbids() {
    let schema = serde_json::json!({
        "type": "object",
        "required": ["a"],
        "additionalProperties": false,
        "properties": {
            "a": { "$ref": "#/$defs/level" },
            "b": { "type": "array", "minItems": 1, "uniqueItems": true, "items": { "type": "integer", "minimum": 1 } },
            "c": { "oneOf": [{ "const": "x" }, { "type": "string", "pattern": "^y" }] }
        },
        "$defs": { "level": { "enum": ["error", "warning"] } }
    });
    assert!(violations(
        &schema,
        &serde_json::json!({ "a": "error", "b": [1, 2], "c": "x" })
    )
    .is_empty());
    let bad = serde_json::json!({ "a": "fatal", "b": [0, 0], "c": "z", "d": 1 });
    let found = violations(&schema, &bad);
    assert_eq!(found.len(), 6, "{found:#?}");
    assert!(!violations(&schema, &serde_json::json!({})).is_empty());
}
