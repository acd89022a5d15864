//! Nix source read with rnix: parsing once, positions, and the syntax-tree questions rules ask.
//! Nothing here uses regular expressions: every question is answered from the syntax tree.

pub mod syntax;

use rnix::{Parse, Root, SyntaxNode};

/// One parsed file. The green tree is shared and thread-safe; `syntax()` builds a cheap cursor over it.
#[derive(Clone)]
pub struct Parsed {
    parse: Parse<Root>,
}

impl Parsed {
    pub fn new(text: &str) -> Parsed {
        Parsed {
            parse: Root::parse(text),
        }
    }

    pub fn syntax(&self) -> SyntaxNode {
        self.parse.syntax()
    }

    pub fn errors(&self) -> &[rnix::ParseError] {
        self.parse.errors()
    }
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
    fn lines_and_columns() {
        let text = "a\nbé c\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 0), (1, 1));
        assert_eq!(index.line_col(text, 2), (2, 1));
        assert_eq!(index.line_col(text, 6), (2, 4));
        assert_eq!(index.line_col(text, 999), (3, 1));
    }
}
