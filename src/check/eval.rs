//! A small abstract evaluation of Nix expressions, enough to know which part of the repository a
//! path-valued expression names: a let-bound (or `rec`-bound, or function-default) path or string
//! used later, `+` concatenation, interpolation (`./${name}`, `"${self}/system"`, `"${./x}"`),
//! `toString` and `lib.path.append`. Anything else is unknown: the evaluation never guesses.

use rnix::SyntaxKind::*;
use rnix::{NodeOrToken, SyntaxNode};

use crate::nix::syntax::{apply_parts, attr_name, dotted_name, unparen};

/// Stands for an interpolation whose value is not known, inside a path's text: it names one
/// path segment or part of one (`./hosts/${name}`, `./${name}.nix`).
pub const HOLE: char = '\u{0}';
/// Stands for text of unknown shape appended to a path (`dir + name`): it may hold `/`, so only
/// the directory before it is known.
pub const FREE: char = '\u{1}';

/// What an expression is, as far as paths go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A place in the repository: its text from the root (`""`), not yet normalized, with
    /// [`HOLE`] and [`FREE`] where values are unknown.
    Loc(String),
    /// A string (or an absolute path's text, as in `./${name} + /home.nix`), with holes.
    Text(String),
    Unknown,
}

/// Marks a function argument whose value is not known here, around its name, at the start of a
/// place's text: `"${flake}/home"` in `{ flake, ... }: …` is `ARG flake ARG /home`. A module
/// argument the repository sets to its root (`_module.args.flake = self;`) resolves it later.
pub const ARG: char = '\u{2}';

/// Values of function arguments known while evaluating a function's body (`mk = path: self +
/// path; … mk /modules/x`): the function (`NODE_LAMBDA`) and its argument's value.
type Env<'a> = &'a [(SyntaxNode, Value)];

/// How deep bindings are followed (`a = b; b = c; …`): far past what people write, and the end of
/// any self-reference.
const MAX_DEPTH: usize = 12;

/// The evaluation context: the directory of the file being read.
pub struct Eval<'a> {
    pub dir: &'a str,
}

impl Eval<'_> {
    pub fn value(&self, node: &SyntaxNode) -> Value {
        self.eval(node, 0, &[])
    }

    fn eval(&self, node: &SyntaxNode, depth: usize, env: Env<'_>) -> Value {
        if depth > MAX_DEPTH {
            return Value::Unknown;
        }
        let node = unparen(node);
        match node.kind() {
            NODE_PATH_REL => self.path_literal(&node, depth, env),
            NODE_PATH_ABS => match static_text(&node) {
                Some(text) => Value::Text(text),
                None => Value::Unknown,
            },
            NODE_STRING => self.string(&node, depth, env),
            NODE_BIN_OP if is_plus(&node) => {
                let mut children = node.children();
                let (Some(lhs), Some(rhs)) = (children.next(), children.next()) else {
                    return Value::Unknown;
                };
                concat(
                    self.eval(&lhs, depth + 1, env),
                    self.eval(&rhs, depth + 1, env),
                )
            }
            NODE_IDENT if node.text() == "self" => Value::Loc(String::new()),
            NODE_IDENT => {
                let name = node.text().to_string();
                match lookup(&node, &name) {
                    Binding::Bound(bound) => self.eval(&bound, depth + 1, env),
                    Binding::Param(lambda) => match env.iter().find(|(l, _)| *l == lambda) {
                        Some((_, value)) => value.clone(),
                        None => Value::Loc(format!("{ARG}{name}{ARG}")),
                    },
                    Binding::Free => Value::Unknown,
                }
            }
            NODE_SELECT if is_self(&node) => Value::Loc(String::new()),
            NODE_SELECT => match select_target(&node) {
                Some(bound) => self.eval(&bound, depth + 1, env),
                None => Value::Unknown,
            },
            NODE_APPLY => self.apply(&node, depth, env),
            // `if isPath p then self + p else throw "…"`: the branch that is a place.
            NODE_IF_ELSE => {
                let mut branches = node.children().skip(1);
                let (Some(then), Some(otherwise)) = (branches.next(), branches.next()) else {
                    return Value::Unknown;
                };
                match self.eval(&then, depth + 1, env) {
                    Value::Loc(l) => Value::Loc(l),
                    _ => match self.eval(&otherwise, depth + 1, env) {
                        Value::Loc(l) => Value::Loc(l),
                        _ => Value::Unknown,
                    },
                }
            }
            _ => Value::Unknown,
        }
    }

    /// `./a/${b}/c.nix`: the literal's text joined to the file's directory.
    fn path_literal(&self, node: &SyntaxNode, depth: usize, env: Env<'_>) -> Value {
        let mut text = String::new();
        for element in node.children_with_tokens() {
            match element {
                NodeOrToken::Token(token) => text.push_str(token.text()),
                NodeOrToken::Node(inner) => match self.eval(&inner, depth + 1, env) {
                    Value::Text(t) if !t.contains('/') && !t.is_empty() => text.push_str(&t),
                    _ => text.push(HOLE),
                },
            }
        }
        if text.starts_with('~') {
            return Value::Unknown;
        }
        Value::Loc(format!("{}/{text}", self.dir))
    }

    /// `"${self}/a/${b}"` is a place; `"/a/${b}"` is text.
    fn string(&self, node: &SyntaxNode, depth: usize, env: Env<'_>) -> Value {
        let mut result: Option<Value> = None;
        for element in node.children_with_tokens() {
            let part = match element {
                NodeOrToken::Token(token) if token.kind() == TOKEN_STRING_CONTENT => {
                    let text = token.text();
                    // `'' nix repl --expr 'import ${repl} { }' ''`: an embedded place ends where
                    // a word does; the rest of the string is not part of it.
                    match (&result, text.find(ends_a_place)) {
                        (Some(Value::Loc(l)), Some(end)) => {
                            return Value::Loc(format!("{l}{}", &text[..end]))
                        }
                        _ => Value::Text(text.to_string()),
                    }
                }
                NodeOrToken::Token(_) => continue,
                NodeOrToken::Node(interpolation) => {
                    let inner = interpolation.first_child();
                    match inner.map(|inner| self.eval(&inner, depth + 1, env)) {
                        // `"darwin-config=${root}/lib/darwin"`: the string embeds a place; from
                        // here on, it is that place.
                        Some(Value::Loc(l))
                            if result.is_none()
                                || !l.starts_with(ARG)
                                || starts_a_word(&result) =>
                        {
                            result = None;
                            Value::Loc(l)
                        }
                        Some(Value::Loc(_)) => Value::Text(HOLE.to_string()),
                        Some(Value::Text(t)) => Value::Text(t),
                        _ => Value::Text(HOLE.to_string()),
                    }
                }
            };
            result = Some(match result {
                None => part,
                Some(before) => concat(before, part),
            });
        }
        match result {
            Some(Value::Text(t)) if t.chars().all(|c| c == HOLE) => Value::Unknown,
            Some(value) => value,
            None => Value::Text(String::new()),
        }
    }

    /// `toString P`, `lib.path.append P "x"`, `builtins.toPath P`.
    fn apply(&self, node: &SyntaxNode, depth: usize, env: Env<'_>) -> Value {
        let Some((function, args)) = apply_parts(node) else {
            return Value::Unknown;
        };
        let name = dotted_name(&function).unwrap_or_default();
        let last = name.last().map(String::as_str);
        match (last, args.as_slice()) {
            (Some("toString" | "toPath"), [arg]) => self.eval(arg, depth + 1, env),
            (Some("append"), [base, rest]) if name.iter().any(|n| n == "path") => {
                match (
                    self.eval(base, depth + 1, env),
                    self.eval(rest, depth + 1, env),
                ) {
                    (Value::Loc(l), Value::Text(t)) => Value::Loc(format!("{l}/{t}")),
                    (Value::Loc(l), _) => Value::Loc(format!("{l}/{FREE}")),
                    _ => Value::Unknown,
                }
            }
            _ => self.call(&function, &args, depth, env),
        }
    }

    /// A let-bound function of one argument applied to a place: its body, evaluated with the
    /// argument bound (`mkFlakeModule /modules/x` with `mkFlakeModule = path: self + path;`).
    fn call(
        &self,
        function: &SyntaxNode,
        args: &[SyntaxNode],
        depth: usize,
        env: Env<'_>,
    ) -> Value {
        let ([arg], NODE_IDENT) = (args, function.kind()) else {
            return Value::Unknown;
        };
        let Binding::Bound(lambda) = lookup(function, &function.text().to_string()) else {
            return Value::Unknown;
        };
        let lambda = unparen(&lambda);
        if lambda.kind() != NODE_LAMBDA
            || lambda.first_child().map(|p| p.kind()) != Some(NODE_IDENT_PARAM)
        {
            return Value::Unknown;
        }
        let Some(body) = lambda.children().nth(1) else {
            return Value::Unknown;
        };
        let value = self.eval(arg, depth + 1, env);
        if value == Value::Unknown {
            return Value::Unknown;
        }
        let mut inner: Vec<(SyntaxNode, Value)> = env.to_vec();
        inner.push((lambda, value));
        self.eval(&body, depth + 1, &inner)
    }
}

/// Whether the text so far ends where a new word starts (`darwin-config=`, `--config `): an
/// argument interpolated there begins a path of its own.
/// A character no path in a command line or expression text continues with.
fn ends_a_place(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\'' | '"' | ';' | ',' | '(' | ')' | '{' | '}' | '`')
}

fn starts_a_word(before: &Option<Value>) -> bool {
    matches!(before, Some(Value::Text(t)) if t.ends_with(['=', ' ', ':']))
}

/// `a + b` over abstract values.
fn concat(lhs: Value, rhs: Value) -> Value {
    // An argument's value is a place only at the start: anywhere else it is unknown text.
    let rhs = match rhs {
        Value::Loc(r) if r.starts_with(ARG) => Value::Unknown,
        other => other,
    };
    match (lhs, rhs) {
        (Value::Loc(l), Value::Text(t)) => Value::Loc(l + &t),
        (Value::Loc(l), Value::Unknown) => Value::Loc(format!("{l}{FREE}")),
        (Value::Text(a), Value::Text(b)) => Value::Text(a + &b),
        (Value::Text(a), Value::Unknown) => Value::Text(format!("{a}{HOLE}")),
        (Value::Unknown, Value::Text(b)) if !b.is_empty() => Value::Text(format!("{HOLE}{b}")),
        _ => Value::Unknown,
    }
}

fn static_text(node: &SyntaxNode) -> Option<String> {
    let mut text = String::new();
    for element in node.children_with_tokens() {
        match element {
            NodeOrToken::Token(token) => text.push_str(token.text()),
            NodeOrToken::Node(_) => return None,
        }
    }
    Some(text)
}

pub fn is_plus(node: &SyntaxNode) -> bool {
    node.children_with_tokens()
        .any(|e| e.as_token().is_some_and(|t| t.kind() == TOKEN_ADD))
}

/// `self` or `inputs.self`: the flake's own source, the repository's root.
pub fn is_self(node: &SyntaxNode) -> bool {
    match node.kind() {
        NODE_IDENT => node.text() == "self",
        NODE_SELECT => {
            let mut children = node.children();
            match (children.next(), children.next(), children.next()) {
                (Some(base), Some(attrpath), None) => {
                    base.kind() == NODE_IDENT
                        && base.text() == "inputs"
                        && attrpath.kind() == NODE_ATTRPATH
                        && attrpath.text() == "self"
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// What a name stands for where it is used.
#[derive(Debug)]
pub enum Binding {
    /// A `let` binding, a binding of a `rec` set, or a function argument's default.
    Bound(SyntaxNode),
    /// An argument of this function (`NODE_LAMBDA`), without default.
    Param(SyntaxNode),
    /// Nothing visible binds it (`with`, builtins, a typo).
    Free,
}

/// What `name` stands for where `at` uses it. `self` is not looked up: it is the repository's root.
pub fn lookup(at: &SyntaxNode, name: &str) -> Binding {
    let mut child = at.clone();
    for scope in at.ancestors().skip(1) {
        match scope.kind() {
            NODE_LET_IN => {
                if let Some(value) = bound_in(&scope, name) {
                    return Binding::Bound(value);
                }
            }
            NODE_ATTR_SET if is_rec(&scope) => {
                if let Some(value) = bound_in(&scope, name) {
                    return Binding::Bound(value);
                }
            }
            NODE_LAMBDA if scope.first_child().as_ref() != Some(&child) => {
                let Some(param) = scope.first_child() else {
                    return Binding::Free;
                };
                match param.kind() {
                    NODE_IDENT_PARAM if param.text() == name => return Binding::Param(scope),
                    NODE_PATTERN => match pattern_default(&param, name) {
                        Some(Some(default)) => return Binding::Bound(default),
                        Some(None) => return Binding::Param(scope),
                        None => {}
                    },
                    _ => {}
                }
            }
            _ => {}
        }
        child = scope;
    }
    Binding::Free
}

/// In a `{ a ? ./x, b, ... }@args` pattern: `Some(Some(default))`, `Some(None)` for an argument
/// without default (or the `@` name), `None` when the pattern does not bind `name`.
fn pattern_default(pattern: &SyntaxNode, name: &str) -> Option<Option<SyntaxNode>> {
    for child in pattern.children() {
        match child.kind() {
            NODE_PAT_ENTRY => {
                let mut parts = child.children();
                let ident = parts.next()?;
                if ident.text() == name {
                    return Some(parts.next());
                }
            }
            NODE_PAT_BIND if child.children().any(|c| c.text() == name) => return Some(None),
            _ => {}
        }
    }
    None
}

/// `rec { … }`: `rec` is the set's first token.
pub fn is_rec(set: &SyntaxNode) -> bool {
    set.first_token().is_some_and(|t| t.kind() == TOKEN_REC)
}

/// The value bound to `name` directly in a `let` or attribute set.
fn bound_in(scope: &SyntaxNode, name: &str) -> Option<SyntaxNode> {
    scope.children().find_map(|binding| {
        if binding.kind() != NODE_ATTRPATH_VALUE {
            return None;
        }
        let mut parts = binding.children();
        let attrpath = parts.next()?;
        let mut names = attrpath.children();
        let first = names.next()?;
        let named = match first.kind() {
            NODE_IDENT => first.text() == name,
            _ => attr_name(&first).as_deref() == Some(name),
        };
        if names.next().is_some() || !named {
            return None;
        }
        parts.next()
    })
}

/// `paths.modules` where `paths = { modules = ./m; }` is bound: the bound value.
fn select_target(node: &SyntaxNode) -> Option<SyntaxNode> {
    let mut children = node.children();
    let base = children.next()?;
    let attrpath = children.next()?;
    if attrpath.kind() != NODE_ATTRPATH || children.next().is_some() {
        return None;
    }
    let base = unparen(&base);
    let mut current = match base.kind() {
        NODE_IDENT => match lookup(&base, &base.text().to_string()) {
            Binding::Bound(value) => unparen(&value),
            _ => return None,
        },
        _ => return None,
    };
    for attr in attrpath.children() {
        if current.kind() != NODE_ATTR_SET {
            return None;
        }
        let name = attr_name(&attr)?;
        current = unparen(&bound_in(&current, &name)?);
    }
    Some(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of the last binding's expression (`result = …;`) in `text`, read in `dir`.
    fn value_of(dir: &str, text: &str) -> Value {
        let root = rnix::Root::parse(text).syntax();
        let binding = root
            .descendants()
            .filter(|n| n.kind() == NODE_ATTRPATH_VALUE)
            .find(|n| n.first_child().is_some_and(|a| a.text() == "result"))
            .expect("a result binding");
        Eval { dir }.value(&binding.children().nth(1).unwrap())
    }

    #[test]
    fn let_bound_paths_and_strings() {
        assert_eq!(
            value_of("m", "let d = ./.; in { result = d + \"/${name}\"; }"),
            Value::Loc(format!("m/././{HOLE}"))
        );
        assert_eq!(
            value_of(
                "",
                "{ self, ... }: let mod = \"${self}/system\"; in { result = \"${mod}/core/x.nix\"; }"
            ),
            Value::Loc("/system/core/x.nix".into())
        );
        assert_eq!(
            value_of("h", "{ result = ./${name} + /home.nix; }"),
            Value::Loc(format!("h/./{HOLE}/home.nix"))
        );
        assert_eq!(
            value_of("", "{ dir ? ./mods }: { result = toString dir; }"),
            Value::Loc("/./mods".into())
        );
        assert_eq!(
            value_of("", "{ dir }: { result = dir; }"),
            Value::Loc(format!("{ARG}dir{ARG}"))
        );
        assert_eq!(
            value_of("", "let mk = p: self + p; in { result = mk /modules/x; }"),
            Value::Loc("/modules/x".into())
        );
        assert_eq!(
            value_of(
                "",
                "let mk = p: if builtins.isPath p then self + p else throw \"no\"; in { result = mk /m; }"
            ),
            Value::Loc("/m".into())
        );
        assert_eq!(
            value_of("", "rec { d = ./a; result = lib.path.append d \"b.nix\"; }"),
            Value::Loc("/./a/b.nix".into())
        );
        assert_eq!(
            value_of("", "let p = { m = ./m; }; in { result = p.m + name; }"),
            Value::Loc(format!("/./m{FREE}"))
        );
        assert_eq!(
            value_of("", "let a = b; b = a; in { result = a; }"),
            Value::Unknown
        );
    }
}
