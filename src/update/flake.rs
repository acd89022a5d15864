//! `flake.nix`, merged where it matters as sets of entries through the syntax tree: the `inputs`
//! attribute set (one entry per input, however many bindings it takes) and each list under
//! `nixConfig` (one entry per item). A user's added input and the template's added input both
//! survive, wherever either sits; an entry the user left as the template wrote it takes the
//! template's change; one the template dropped goes when the user never changed it; one both
//! changed differently is a conflict. Entries are compared by their tokens, so a comment or a
//! reformatting is no change.
//!
//! How: the merged region is built by editing the user's text (so its comments and formatting
//! stay), then put in place of that region in all three versions, and the rest of the file is
//! merged line by line ([`merge3`]); the equal regions pass through unchanged.

use rnix::SyntaxKind::*;
use rnix::{SyntaxNode, TextRange};

use super::merge::{conflict_block, hunk, merge3, Conflicts, Merged};
use crate::nix::syntax::{binding, significant_tokens, unparen};
use crate::nix::{within_parse_limits, Parsed};

/// One set-like region: the value node and its entries.
struct Region {
    /// `inputs`, or `nixConfig.NAME` for a list.
    key: String,
    node: TextRange,
    entries: Vec<Entry>,
}

struct Entry {
    /// The input's name, or the list item's tokens.
    key: String,
    /// Its bindings (an input may take several, `a.url` and `a.inputs…`), or the one list item.
    ranges: Vec<TextRange>,
    /// Its tokens without comments and whitespace: what it means.
    meaning: String,
}

/// Merges `flake.nix`; falls back to the line-by-line merge when a version does not parse or has
/// no region in the form this knows (a flake whose root is not an attribute set).
pub fn merge_flake(base: &str, ours: &str, theirs: &str, style: Conflicts) -> Merged {
    let parsed = [base, ours, theirs].map(|text| {
        // A file built to defeat the parser is merged by lines, never parsed.
        within_parse_limits(text).ok()?;
        let parsed = Parsed::new(text);
        parsed
            .errors()
            .is_empty()
            .then(|| regions(&parsed.syntax()))
    });
    let [Some(base_regions), Some(our_regions), Some(their_regions)] = parsed else {
        return merge3(base, ours, theirs, style);
    };
    let mut replaced = [Vec::new(), Vec::new(), Vec::new()];
    let mut conflicts = 0;
    let mut rejects = String::new();
    for region in &our_regions {
        let find = |all: &[Region]| all.iter().position(|r| r.key == region.key);
        let (Some(b), Some(t)) = (find(&base_regions), find(&their_regions)) else {
            continue;
        };
        let (b, t) = (&base_regions[b], &their_regions[t]);
        let texts = Texts { base, ours, theirs };
        let outcome = merge_region(b, region, t, &texts, style);
        conflicts += outcome.conflicts;
        rejects.push_str(&outcome.rejects);
        for (edits, node) in replaced.iter_mut().zip([b.node, region.node, t.node]) {
            let (start, end) = span(node);
            edits.push(Edit {
                start,
                end,
                text: outcome.text.clone(),
            });
        }
    }
    let [base_edits, our_edits, their_edits] = replaced;
    let merged = merge3(
        &apply(base, base_edits),
        &apply(ours, our_edits),
        &apply(theirs, their_edits),
        style,
    );
    Merged {
        text: merged.text,
        conflicts: conflicts + merged.conflicts,
        rejects: rejects + &merged.rejects,
    }
}

struct Texts<'a> {
    base: &'a str,
    ours: &'a str,
    theirs: &'a str,
}

/// The regions of a flake whose root is an attribute set: `inputs = { … }`, and each list bound
/// in `nixConfig = { … }` or as `nixConfig.NAME = [ … ]`.
fn regions(root: &SyntaxNode) -> Vec<Region> {
    let Some(top) = root.first_child().map(|node| unparen(&node)) else {
        return Vec::new();
    };
    if top.kind() != NODE_ATTR_SET {
        return Vec::new();
    }
    let mut regions = Vec::new();
    for (names, value) in top.children().filter_map(|child| binding(&child)) {
        let value = unparen(&value);
        match (names.as_slice(), value.kind()) {
            ([inputs], NODE_ATTR_SET) if inputs == "inputs" => {
                regions.push(Region {
                    key: "inputs".into(),
                    node: value.text_range(),
                    entries: set_entries(&value),
                });
            }
            ([config], NODE_ATTR_SET) if config == "nixConfig" => {
                for (names, list) in value.children().filter_map(|child| binding(&child)) {
                    let list = unparen(&list);
                    if list.kind() == NODE_LIST {
                        regions.push(list_region(
                            &format!("nixConfig.{}", names.join(".")),
                            &list,
                        ));
                    }
                }
            }
            ([config, rest @ ..], NODE_LIST) if config == "nixConfig" && !rest.is_empty() => {
                regions.push(list_region(
                    &format!("nixConfig.{}", rest.join(".")),
                    &value,
                ));
            }
            _ => {}
        }
    }
    regions
}

fn meaning(node: &SyntaxNode) -> String {
    significant_tokens(node)
        .into_iter()
        .map(|(_, text)| text)
        .collect::<Vec<_>>()
        .join(" ")
}

/// An attribute set's bindings grouped by their first name.
fn set_entries(set: &SyntaxNode) -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::new();
    for child in set.children() {
        let Some((names, _)) = binding(&child) else {
            continue;
        };
        let Some(first) = names.first() else { continue };
        let this = meaning(&child);
        match entries.iter_mut().find(|entry| &entry.key == first) {
            Some(entry) => {
                entry.ranges.push(child.text_range());
                entry.meaning = format!("{} {this}", entry.meaning);
            }
            None => entries.push(Entry {
                key: first.clone(),
                ranges: vec![child.text_range()],
                meaning: this,
            }),
        }
    }
    entries
}

fn list_region(key: &str, list: &SyntaxNode) -> Region {
    let entries = list
        .children()
        .map(|item| Entry {
            key: meaning(&item),
            ranges: vec![item.text_range()],
            meaning: meaning(&item),
        })
        .collect();
    Region {
        key: key.into(),
        node: list.text_range(),
        entries,
    }
}

/// One change to the user's region, at offsets of the user's whole text.
struct Edit {
    start: usize,
    end: usize,
    text: String,
}

fn span(range: TextRange) -> (usize, usize) {
    (range.start().into(), range.end().into())
}

/// The merged text of one region (the value node's text, from `{` or `[` to its end).
fn merge_region(
    base: &Region,
    ours: &Region,
    theirs: &Region,
    texts: &Texts,
    style: Conflicts,
) -> Merged {
    let get = |region: &'_ Region, key: &str| region.entries.iter().position(|e| e.key == key);
    let mut edits = Vec::new();
    let mut conflicts = 0;
    let mut rejects = String::new();
    for entry in &ours.entries {
        let b = get(base, &entry.key).map(|i| &base.entries[i]);
        let t = get(theirs, &entry.key).map(|i| &theirs.entries[i]);
        match (b, t) {
            (Some(b), Some(t)) if entry.meaning == b.meaning && t.meaning != b.meaning => {
                edits.extend(replace(entry, t, texts));
            }
            (Some(b), None) if entry.meaning == b.meaning => {
                edits.extend(remove(entry, texts.ours))
            }
            (b, Some(t))
                if entry.meaning != t.meaning
                    && b.is_none_or(|b| b.meaning != t.meaning && b.meaning != entry.meaning) =>
            {
                conflicts += 1;
                let base_text = b.map(|b| lines_of(b, texts.base)).unwrap_or_default();
                let their_text = lines_of(t, texts.theirs);
                let (start, end) = line_span(entry, texts.ours);
                let line = texts.ours[..start].lines().count() + 1;
                match style {
                    Conflicts::Markers if entry.ranges.len() == 1 => edits.push(Edit {
                        start,
                        end,
                        text: conflict_block(&texts.ours[start..end], &base_text, &their_text),
                    }),
                    _ => rejects.push_str(&hunk(line, &base_text, &their_text)),
                }
            }
            _ => {}
        }
    }
    for (index, added) in theirs.entries.iter().enumerate() {
        if get(base, &added.key).is_none() && get(ours, &added.key).is_none() {
            let anchor = theirs.entries[..index]
                .iter()
                .rev()
                .find_map(|earlier| get(ours, &earlier.key).map(|i| &ours.entries[i]));
            edits.push(insert(ours, anchor, added, texts));
        }
    }
    let (start, end) = span(ours.node);
    for edit in &mut edits {
        edit.start -= start;
        edit.end -= start;
    }
    let before = &texts.ours[start..end];
    let mut text = apply(before, edits);
    if text != before {
        text = one_item_per_line(text, indent_at(texts.ours, start));
    }
    Merged {
        text,
        conflicts,
        rejects,
    }
}

/// A one-line list that now holds two items or more, written one item per line at `outer`'s
/// indentation plus two, as the official style has it (the template's files are in it).
fn one_item_per_line(text: String, outer: &str) -> String {
    if text.contains('\n') || !text.starts_with('[') {
        return text;
    }
    let parsed = Parsed::new(&text);
    let Some(list) = parsed
        .syntax()
        .first_child()
        .filter(|n| n.kind() == NODE_LIST)
    else {
        return text;
    };
    let items: Vec<String> = list
        .children()
        .map(|item| item.text().to_string())
        .collect();
    if items.len() < 2 || !parsed.errors().is_empty() {
        return text;
    }
    let mut out = String::from("[\n");
    for item in items {
        out.push_str(&format!("{outer}  {item}\n"));
    }
    out + outer + "]"
}

/// The whitespace that starts the line `offset` is on.
fn indent_at(text: &str, offset: usize) -> &str {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// An entry's text as written, its bindings joined one per line at `indent`.
fn entry_text(entry: &Entry, text: &str, indent: &str) -> String {
    let from = indent_at(text, span(entry.ranges[0]).0).to_string();
    entry
        .ranges
        .iter()
        .map(|range| {
            let (start, end) = span(*range);
            text[start..end].replace(&format!("\n{from}"), &format!("\n{indent}"))
        })
        .collect::<Vec<_>>()
        .join(&format!("\n{indent}"))
}

/// The whole lines an entry takes, with their indentation and final newline.
fn lines_of(entry: &Entry, text: &str) -> String {
    entry
        .ranges
        .iter()
        .map(|range| {
            let (start, end) = span(*range);
            let from = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let to = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
            text[from..to].to_string()
        })
        .collect()
}

/// From the start of an entry's first line to the end of its last (one binding).
fn line_span(entry: &Entry, text: &str) -> (usize, usize) {
    let (start, _) = span(entry.ranges[0]);
    let (_, end) = span(entry.ranges[entry.ranges.len() - 1]);
    let from = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let to = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    (from, to)
}

/// The template's version of an entry the user left alone, at the user's indentation.
fn replace(ours: &Entry, theirs: &Entry, texts: &Texts) -> Vec<Edit> {
    let (start, end) = span(ours.ranges[0]);
    let indent = indent_at(texts.ours, start);
    let mut edits = vec![Edit {
        start,
        end,
        text: entry_text(theirs, texts.theirs, indent),
    }];
    for range in &ours.ranges[1..] {
        edits.extend(remove_range(*range, texts.ours));
    }
    edits
}

fn remove(entry: &Entry, text: &str) -> Vec<Edit> {
    entry
        .ranges
        .iter()
        .flat_map(|range| remove_range(*range, text))
        .collect()
}

/// Removes a binding or item: its whole line when it is alone on it, else it and the space before.
fn remove_range(range: TextRange, text: &str) -> Option<Edit> {
    let (start, end) = span(range);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    let alone = text[line_start..start].trim().is_empty() && text[end..line_end].trim().is_empty();
    let (start, end) = if alone {
        (line_start, line_end)
    } else {
        (text[..start].trim_end_matches(' ').len(), end)
    };
    Some(Edit {
        start,
        end,
        text: String::new(),
    })
}

/// The template's new entry, after `anchor` (the entry before it in the template that the user
/// has), else first; on its own line when the region is written one entry per line.
fn insert(ours: &Region, anchor: Option<&Entry>, added: &Entry, texts: &Texts) -> Edit {
    let (node_start, node_end) = span(ours.node);
    let node_text = &texts.ours[node_start..node_end];
    let one_per_line = node_text.contains('\n');
    let outer = indent_at(texts.ours, node_start).to_string();
    let indent = match ours.entries.first() {
        Some(first) => indent_at(texts.ours, span(first.ranges[0]).0).to_string(),
        None => format!("{outer}  "),
    };
    let body = entry_text(added, texts.theirs, &indent);
    match (anchor, ours.entries.first()) {
        (Some(anchor), _) => {
            let (_, end) = span(anchor.ranges[anchor.ranges.len() - 1]);
            let text = if one_per_line {
                format!("\n{indent}{body}")
            } else {
                format!(" {body}")
            };
            Edit {
                start: end,
                end,
                text,
            }
        }
        (None, Some(first)) => {
            let (start, _) = span(first.ranges[0]);
            let text = if one_per_line {
                format!("{body}\n{indent}")
            } else {
                format!("{body} ")
            };
            Edit {
                start,
                end: start,
                text,
            }
        }
        (None, None) => {
            // An empty `{ }` or `[ ]`: write it whole.
            let (open, close) = (&node_text[..1], &node_text[node_text.len() - 1..]);
            let text = if open == "[" {
                format!("[ {body} ]")
            } else {
                format!("{open}\n{indent}{body}\n{outer}{close}")
            };
            Edit {
                start: node_start,
                end: node_end,
                text,
            }
        }
    }
}

/// `text` with each edit made, last first so earlier offsets hold.
fn apply(text: &str, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|edit| std::cmp::Reverse((edit.start, edit.end)));
    let mut out = text.to_string();
    for edit in edits {
        out.replace_range(edit.start..edit.end, &edit.text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"{
  description = "x";

  # Binary caches.
  nixConfig = {
    extra-substituters = [ "https://a.example" ];
  };

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    flake-parts = {
      url = "github:hercules-ci/flake-parts";
      inputs.nixpkgs-lib.follows = "nixpkgs";
    };
    old.url = "github:o/old";
  };

  outputs = inputs: { };
}
"#;

    /// Parses, and is in the official style (as every file the templates render is).
    fn parses(text: &str) {
        assert!(
            Parsed::new(text).errors().is_empty(),
            "does not parse:\n{text}"
        );
        assert_eq!(nixfmt_rs::format(text).unwrap(), text, "not nixfmt-clean");
    }

    #[test]
    fn the_test_flake_is_in_the_official_style() {
        parses(BASE);
    }

    #[test]
    fn a_users_input_and_the_templates_input_both_survive() {
        let ours = BASE.replace(
            "    old.url",
            "    # my own input\n    agenix.url = \"github:ryantm/agenix\";\n    old.url",
        );
        let theirs = BASE.replace(
            "    flake-parts = {",
            "    systems.url = \"github:nix-systems/default\";\n    flake-parts = {",
        );
        let merged = merge_flake(BASE, &ours, &theirs, Conflicts::Markers);
        assert_eq!(merged.conflicts, 0);
        assert_eq!(
            merged.text,
            ours.replace(
                "    flake-parts = {",
                "    systems.url = \"github:nix-systems/default\";\n    flake-parts = {"
            )
        );
        parses(&merged.text);
    }

    #[test]
    fn inputs_added_at_the_same_place_are_no_line_conflict() {
        let ours = BASE.replace(
            "    old.url",
            "    mine.url = \"github:me/mine\";\n    old.url",
        );
        let theirs = BASE.replace(
            "    old.url",
            "    new.url = \"github:t/new\";\n    old.url",
        );
        let merged = merge_flake(BASE, &ours, &theirs, Conflicts::Markers);
        assert_eq!(merged.conflicts, 0, "{}", merged.text);
        assert!(merged.text.contains("    mine.url = \"github:me/mine\";\n"));
        assert!(merged.text.contains("    new.url = \"github:t/new\";\n"));
        parses(&merged.text);
        // The same merge by lines conflicts.
        assert_eq!(
            merge3(BASE, &ours, &theirs, Conflicts::Markers).conflicts,
            1
        );
    }

    #[test]
    fn the_templates_change_to_an_untouched_input_applies_and_a_dropped_one_goes() {
        let ours = BASE.replace("description = \"x\"", "description = \"mine\"");
        let theirs = BASE
            .replace("nixos-unstable", "nixos-26.11")
            .replace("    old.url = \"github:o/old\";\n", "");
        let merged = merge_flake(BASE, &ours, &theirs, Conflicts::Markers);
        assert_eq!(merged.conflicts, 0);
        assert_eq!(
            merged.text,
            theirs.replace("description = \"x\"", "description = \"mine\"")
        );
        parses(&merged.text);
    }

    #[test]
    fn an_input_both_changed_differently_is_a_marked_conflict_and_a_reformat_is_no_change() {
        let ours = BASE.replace("nixos-unstable", "nixos-25.05").replace(
            "    old.url = \"github:o/old\";",
            "    old.url = \"github:o/old\"; # mine",
        );
        let theirs = BASE
            .replace("nixos-unstable", "nixos-26.11")
            .replace("github:o/old", "github:o/older");
        let merged = merge_flake(BASE, &ours, &theirs, Conflicts::Markers);
        assert_eq!(merged.conflicts, 1, "{}", merged.text);
        assert!(merged.text.contains(
            "<<<<<<< ours\n    nixpkgs.url = \"github:NixOS/nixpkgs/nixos-25.05\";\n||||||| base\n    nixpkgs.url = \"github:NixOS/nixpkgs/nixos-unstable\";\n=======\n    nixpkgs.url = \"github:NixOS/nixpkgs/nixos-26.11\";\n>>>>>>> theirs\n"
        ), "{}", merged.text);
        // The comment is no change of `old`: the template's new URL applies.
        assert!(
            merged.text.contains("old.url = \"github:o/older\";"),
            "{}",
            merged.text
        );
        let rejected = merge_flake(BASE, &ours, &theirs, Conflicts::Reject);
        assert_eq!(rejected.conflicts, 1);
        assert!(rejected.text.contains("nixos-25.05") && !rejected.text.contains("<<<<<<<"));
        assert!(rejected
            .rejects
            .contains("+    nixpkgs.url = \"github:NixOS/nixpkgs/nixos-26.11\";"));
    }

    #[test]
    fn nix_config_lists_merge_as_sets() {
        let ours = BASE.replace(
            "[ \"https://a.example\" ]",
            "[\n      \"https://a.example\"\n      \"https://mine.example\"\n    ]",
        );
        let theirs = BASE.replace(
            "\"https://a.example\"",
            "\"https://a.example\" \"https://t.example\"",
        );
        let merged = merge_flake(BASE, &ours, &theirs, Conflicts::Markers);
        assert_eq!(merged.conflicts, 0);
        assert!(merged.text.contains(
            "[\n      \"https://a.example\"\n      \"https://t.example\"\n      \"https://mine.example\"\n    ]"
        ), "{}", merged.text);
        parses(&merged.text);
    }

    #[test]
    fn an_item_added_to_a_one_line_list_makes_it_one_item_per_line() {
        let theirs = BASE.replace(
            "[ \"https://a.example\" ]",
            "[\n      \"https://a.example\"\n      \"https://t.example\"\n    ]",
        );
        let ours = BASE.replace("description = \"x\"", "description = \"mine\"");
        let merged = merge_flake(BASE, &ours, &theirs, Conflicts::Markers);
        assert_eq!(
            merged.text,
            theirs.replace("description = \"x\"", "description = \"mine\"")
        );
        parses(&merged.text);
    }

    #[test]
    fn the_same_input_added_on_both_sides_is_one_entry_or_a_conflict() {
        let same = with_input(BASE, "agenix", 2);
        let merged = merge_flake(BASE, &same, &same, Conflicts::Markers);
        assert_eq!((merged.conflicts, merged.text.as_str()), (0, same.as_str()));
        let theirs = same.replace("github:x/agenix", "github:ryantm/agenix");
        let merged = merge_flake(BASE, &same, &theirs, Conflicts::Markers);
        assert_eq!(merged.conflicts, 1, "{}", merged.text);
        assert!(merged.text.contains(
            "<<<<<<< ours\n    agenix.url = \"github:x/agenix\";\n||||||| base\n=======\n    agenix.url = \"github:ryantm/agenix\";\n>>>>>>> theirs\n"
        ), "{}", merged.text);
    }

    /// `BASE` with an input named `name` added before the input at `at` (0..3).
    fn with_input(text: &str, name: &str, at: usize) -> String {
        let anchor = ["    nixpkgs.url", "    flake-parts = {", "    old.url"][at % 3];
        text.replacen(
            anchor,
            &format!("    {name}.url = \"github:x/{name}\";\n{anchor}"),
            1,
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(64))]
        /// Whatever inputs each side adds, wherever: all survive, nothing conflicts, the result
        /// parses and is in the official style.
        #[test]
        fn every_added_input_survives(
            mine in proptest::collection::btree_map("[a-z]{2,6}", 0usize..3, 0..4),
            template in proptest::collection::btree_map("[a-z]{2,6}", 0usize..3, 0..4),
        ) {
            let mut ours = BASE.to_string();
            for (name, at) in &mine {
                ours = with_input(&ours, &format!("u{name}"), *at);
            }
            let mut theirs = BASE.to_string();
            for (name, at) in &template {
                theirs = with_input(&theirs, &format!("t{name}"), *at);
            }
            let merged = merge_flake(BASE, &ours, &theirs, Conflicts::Markers);
            proptest::prop_assert_eq!(merged.conflicts, 0, "{}", merged.text);
            for name in mine.keys().map(|n| format!("u{n}")).chain(template.keys().map(|n| format!("t{n}"))) {
                let line = format!("    {name}.url = \"github:x/{name}\";\n");
                proptest::prop_assert!(merged.text.matches(&line).count() == 1, "{name}: {}", merged.text);
            }
            parses(&merged.text);
        }
    }

    #[test]
    fn a_file_built_to_defeat_the_parser_is_merged_by_lines_without_parsing() {
        let deep = format!(
            "{BASE}# {}\n{}{}",
            "x",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let merged = merge_flake(BASE, &deep, BASE, Conflicts::Markers);
        assert_eq!(merged.text, deep);
    }

    #[test]
    fn a_file_that_does_not_parse_is_merged_by_lines() {
        let ours = format!("{BASE}\n# trailing\n{{");
        let merged = merge_flake(BASE, &ours, BASE, Conflicts::Markers);
        assert_eq!(merged.text, ours);
    }
}
