//! Nix source read with rnix: parsing once, positions, and the syntax-tree questions rules ask.
//! Nothing here uses regular expressions: every question is answered from the syntax tree.

pub mod syntax;

use std::sync::Arc;

use rnix::{Parse, Root, SyntaxNode};

/// One file's syntax, kept small: its text and its parse errors, not its tree. A tree takes about
/// ten times the text's memory; `check` reads each file's facts while parsing and drops the tree,
/// and a rule that needs the tree again (after its `mentions` pre-filter) gets it re-parsed from
/// the text by `syntax()`. Parsing is deterministic, so every parse gives the same tree.
#[derive(Clone)]
pub struct Parsed {
    text: Arc<str>,
    errors: Arc<[rnix::ParseError]>,
}

impl Parsed {
    pub fn new(text: &str) -> Parsed {
        let text: Arc<str> = Arc::from(text);
        let parse = Root::parse(&text);
        Parsed::from_parse(text, &parse)
    }

    /// Keeps what `parse` (of `text`) found, without its tree.
    pub fn from_parse(text: Arc<str>, parse: &Parse<Root>) -> Parsed {
        Parsed {
            errors: parse.errors().into(),
            text,
        }
    }

    /// The file's syntax tree, parsed again from its text (the tree is not kept).
    pub fn syntax(&self) -> SyntaxNode {
        Root::parse(&self.text).syntax()
    }

    pub fn errors(&self) -> &[rnix::ParseError] {
        &self.errors
    }
}

/// Brackets (and strings, interpolations) nested deeper than this are not parsed.
pub const MAX_NESTING: usize = 1000;
/// A chain longer than this many tokens (`a + a + …`, `f a a …`, `x.a.a…`) is not parsed.
pub const MAX_CHAIN: usize = 4096;

/// Whether rnix can parse `text` in reasonable time and stack, decided from its tokens in one
/// linear pass: `Err` says why not. rnix's time grows with the square of a structure's depth (and
/// of a chain's length), and its list and bracket parsing recurses without limit, so 100,000 `[`
/// overflow the stack and 20,000 `.a` take half a minute. Hand-written Nix comes nowhere near
/// either limit; a `;`, `,`, `=`, `:`, `in`, `then` or `else` ends a chain, and a list's elements,
/// a string's parts and a closed bracket count as one link each.
pub fn within_parse_limits(text: &str) -> std::result::Result<(), String> {
    use rnix::SyntaxKind::*;
    // Each limit needs more bytes than this: 1,000 brackets, 4,096 chained tokens, or a cost of
    // over 2^24 (at most the square of the length).
    if text.len() <= MAX_NESTING {
        return Ok(());
    }
    #[derive(Clone, Copy, PartialEq)]
    enum Context {
        Code,
        List,
        Str,
    }
    // rnix's tokenizer, at the start of every token, looks ahead through the rest of the run of
    // path characters for a `/`: a run costs its length once per token in it. A name (a letter or
    // `_`, then letters, digits, `_`, `-`) is one token; every other character of a run (`.`, `+`,
    // `-`, a digit) is counted as one, which bounds the lexer's cost from above. Linear.
    let (mut cost, mut run, mut tokens, mut in_name) = (0u64, 0u64, 0u64, false);
    for byte in text.bytes().chain([b' ']) {
        // `<` starts a search path (`<nixpkgs/lib>`), whose lookahead also runs over `<` and `/`.
        if byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-' | b'+' | b'<' | b'/') {
            let continues =
                in_name && (byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-'));
            run += 1;
            tokens += u64::from(!continues);
            in_name = continues || byte.is_ascii_alphabetic() || byte == b'_';
        } else {
            cost = cost.saturating_add(run * tokens);
            (run, tokens, in_name) = (0, 0, false);
        }
    }
    if cost > 64 * text.len() as u64 + (1 << 24) {
        return Err(
            "long runs of operators or `.`-joined names without a space, not parsed".into(),
        );
    }
    let mut stack: Vec<(Context, usize)> = vec![(Context::Code, 0)];
    for (kind, _) in rnix::tokenize(text) {
        let opened = match kind {
            TOKEN_L_BRACE | TOKEN_L_PAREN | TOKEN_INTERPOL_START => Some(Context::Code),
            TOKEN_L_BRACK => Some(Context::List),
            TOKEN_STRING_START => Some(Context::Str),
            _ => None,
        };
        if let Some(context) = opened {
            if stack.len() > MAX_NESTING {
                return Err(format!(
                    "nested more than {MAX_NESTING} levels deep, not parsed"
                ));
            }
            stack.push((context, 0));
            continue;
        }
        let closes = matches!(
            kind,
            TOKEN_R_BRACE | TOKEN_R_PAREN | TOKEN_R_BRACK | TOKEN_INTERPOL_END | TOKEN_STRING_END
        );
        if closes && stack.len() > 1 {
            stack.pop();
        }
        let Some((context, chain)) = stack.last_mut() else {
            break;
        };
        match kind {
            TOKEN_WHITESPACE | TOKEN_COMMENT => {}
            TOKEN_SEMICOLON | TOKEN_COMMA | TOKEN_ASSIGN | TOKEN_COLON | TOKEN_IN | TOKEN_THEN
            | TOKEN_ELSE => *chain = 0,
            _ if *context == Context::Str => {}
            TOKEN_DOT | TOKEN_OR if *context == Context::List => *chain += 1,
            _ if *context == Context::List => {}
            _ => *chain += 1,
        }
        if *chain > MAX_CHAIN {
            return Err(format!(
                "an expression chain of more than {MAX_CHAIN} tokens, not parsed"
            ));
        }
    }
    Ok(())
}

/// Byte offsets to 1-based lines and columns (columns count characters, as editors do).
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                starts.push(i + 1);
            }
        }
        LineIndex { starts }
    }

    /// `(line, column)`, both from 1, of byte `offset` in `text`.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts.get(line).copied().unwrap_or(0);
        let column = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, column + 1)
    }
}

/// A parse error in words, with where it starts.
pub fn describe_error(error: &rnix::ParseError) -> (Option<usize>, String) {
    use rnix::ParseError as E;
    let kinds = |kinds: &[rnix::SyntaxKind]| {
        kinds
            .iter()
            .map(|k| token_name(*k))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match error {
        E::Unexpected(range) => (Some(range.start().into()), "unexpected input".into()),
        E::UnexpectedExtra(range) => (
            Some(range.start().into()),
            "unexpected input after the end of the expression".into(),
        ),
        E::UnexpectedWanted(got, range, wanted) => (
            Some(range.start().into()),
            format!(
                "unexpected {}, expected one of: {}",
                token_name(*got),
                kinds(wanted)
            ),
        ),
        E::UnexpectedDoubleBind(range) => (
            Some(range.start().into()),
            "a pattern is bound twice".into(),
        ),
        E::UnexpectedEOF => (None, "unexpected end of file".into()),
        E::UnexpectedEOFWanted(wanted) => (
            None,
            format!("unexpected end of file, expected one of: {}", kinds(wanted)),
        ),
        E::DuplicatedArgs(range, name) => (
            Some(range.start().into()),
            format!("the argument `{name}` is declared twice"),
        ),
        E::RecursionLimitExceeded => (None, "nested too deeply to parse".into()),
        _ => (None, "syntax error".into()),
    }
}

fn token_name(kind: rnix::SyntaxKind) -> String {
    use rnix::SyntaxKind::*;
    let text = match kind {
        TOKEN_ASSIGN => "`=`",
        TOKEN_SEMICOLON => "`;`",
        TOKEN_COLON => "`:`",
        TOKEN_COMMA => "`,`",
        TOKEN_DOT => "`.`",
        TOKEN_L_BRACE => "`{`",
        TOKEN_R_BRACE => "`}`",
        TOKEN_L_BRACK => "`[`",
        TOKEN_R_BRACK => "`]`",
        TOKEN_L_PAREN => "`(`",
        TOKEN_R_PAREN => "`)`",
        TOKEN_IN => "`in`",
        TOKEN_THEN => "`then`",
        TOKEN_ELSE => "`else`",
        TOKEN_IDENT => "an identifier",
        TOKEN_STRING_END => "the end of the string",
        other => return format!("{other:?}").to_lowercase().replace('_', " "),
    };
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_limits() {
        assert!(within_parse_limits("").is_ok());
        let list = format!("[ {} ]", "\"x\" ".repeat(50_000));
        assert!(within_parse_limits(&list).is_ok(), "a long list is flat");
        let attrs = format!("{{ {} }}", "a = x + y; ".repeat(20_000));
        assert!(within_parse_limits(&attrs).is_ok(), "bindings end chains");
        let string = format!("''{}''", "${a} b ".repeat(20_000));
        assert!(
            within_parse_limits(&string).is_ok(),
            "a string's parts are one link"
        );
        let nested = "[".repeat(1_001) + &"]".repeat(1_001);
        assert!(within_parse_limits(&nested)
            .unwrap_err()
            .contains("1000 levels"));
        let ok_nested = "[".repeat(900) + &"]".repeat(900);
        assert!(within_parse_limits(&ok_nested).is_ok());
        for chain in [
            format!("x: x{}", " .a".repeat(3_000)),
            format!("f: f{}", " f".repeat(5_000)),
            format!("x{}", " + x".repeat(3_000)),
            format!("[ x {} ]", " .a".repeat(5_000)),
        ] {
            assert!(
                within_parse_limits(&chain).unwrap_err().contains("chain"),
                "{}",
                &chain[..20]
            );
        }
    }

    #[test]
    fn lexer_limits() {
        let dotted = format!("x: x{}", ".a".repeat(20_000));
        assert!(within_parse_limits(&dotted).unwrap_err().contains("runs"));
        // Each of these is one token per character, each looking ahead through the whole run.
        for c in ['-', '.', '+', '1', '<'] {
            let run = c.to_string().repeat(8_000_000);
            let started = std::time::Instant::now();
            assert!(
                within_parse_limits(&run).unwrap_err().contains("runs"),
                "{c}"
            );
            assert!(
                started.elapsed().as_secs() < 5,
                "{c}: {:?}",
                started.elapsed()
            );
        }
        for c in ['a', ' ', '[', '"', '#'] {
            let run = c.to_string().repeat(8_000_000);
            let started = std::time::Instant::now();
            let _ = within_parse_limits(&run);
            assert!(
                started.elapsed().as_secs() < 5,
                "{c}: {:?}",
                started.elapsed()
            );
        }
        let long_name = format!("{{ {} = 1; }}", "a".repeat(100_000));
        assert!(
            within_parse_limits(&long_name).is_ok(),
            "one name is one token"
        );
        let paths = format!(
            "{{\n{}}}\n",
            "  a = inputs.nixpkgs.legacyPackages.x86_64-linux.hello;\n".repeat(50_000)
        );
        assert!(
            within_parse_limits(&paths).is_ok(),
            "ordinary text, however long"
        );
    }

    #[test]
    fn lines_and_columns() {
        let text = "a\nbé c\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 0), (1, 1));
        assert_eq!(index.line_col(text, 2), (2, 1));
        assert_eq!(index.line_col(text, 6), (2, 4));
        assert_eq!(index.line_col(text, 999), (3, 1));
    }
}
