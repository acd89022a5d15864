//! NS007 readdir-in-loop: `builtins.readDir` inside a map/fold/filter lambda or a recursive function.

use rayon::prelude::*;
use rnix::SyntaxKind::*;
use rnix::SyntaxNode;

use super::{Finding, Kind, Rule, RuleInfo, Severity};
use crate::check::Repo;
use crate::nix::syntax::{
    apply_parts, binding, callee_name, is_call_of, lambda_params, mentions_any,
    parent_skipping_parens, unparen,
};

pub struct ReadDirInLoop;

static INFO: RuleInfo = RuleInfo {
    id: "NS007",
    name: "readdir-in-loop",
    summary: "builtins.readDir runs once per iteration of a loop or recursion",
    explanation: "On Nix 2.8 `builtins.readDir` is not memoized within an evaluation: 20,000 calls on \
one directory made 40,000 getdents64 system calls and took 0.54 s, against 0.07 s when the result was \
bound once with `let`. A readDir inside a `map`/`filter`/`fold`/`mapAttrs`/`genAttrs` lambda whose \
argument does not change between iterations reads the same directory again and again, and so does \
a recursive function whose readDir does not depend on its arguments, or whose recursive calls \
pass that directory on unchanged. A readDir whose argument is the \
loop's element or a recursion's parameter that every recursive call derives anew (`walk prefix \
(dir + \"/${name}\")`), directly or through a `let` built from it, reads each directory once, as a recursive walk over a tree does, and is fine. Nix evaluation-performance \
guidance: never read the same directory inside a tight loop; read it once.",
    fix: "Bind the directory's entries once (`let entries = builtins.readDir dir; in ...`) outside \
the loop, or walk the tree with a function that reads each directory it is given once, as \
`lib.filesystem.listFilesRecursive` and `lib.packagesFromDirectoryRecursive` do.",
    severity: Severity::Warning,
    kind: Kind::Lint,
};

/// Library functions that call their function argument once per element.
const LOOPS: &[&str] = &[
    "map",
    "filter",
    "foldl",
    "foldl'",
    "foldr",
    "concatMap",
    "mapAttrs",
    "mapAttrs'",
    "mapAttrsToList",
    "filterAttrs",
    "concatMapAttrs",
    "genAttrs",
    "genList",
    "forEach",
    "any",
    "all",
    "imap0",
    "imap1",
    "partition",
    "groupBy",
    "sort",
    "concatMapStrings",
    "concatMapStringsSep",
    "mapAttrsRecursive",
];

impl Rule for ReadDirInLoop {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, repo: &Repo) -> Vec<Finding> {
        repo.files
            .par_iter()
            .filter(|file| file.mentions("readDir"))
            .flat_map_iter(|file| {
                file.parsed
                    .syntax()
                    .descendants()
                    .filter(|node| is_call_of(node, "readDir"))
                    .filter_map(|call| {
                        let why = in_loop(&call)?;
                        Some(repo.finding(
                            &INFO,
                            file,
                            call.text_range().start().into(),
                            format!("builtins.readDir {why}"),
                        ))
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

/// Why this readDir call runs repeatedly on the same directory, if it does. A call whose argument
/// changes with the loop's element or the recursion's argument (directly or through a `let`
/// inside the function) reads each directory once: a recursive walk, or a map over directories.
/// Names that vary in an inner loop or recursion vary in the outer ones too.
fn in_loop(call: &SyntaxNode) -> Option<String> {
    let argument = apply_parts(call)?.1.into_iter().next()?;
    let mut varying: Vec<String> = Vec::new();
    let mut lambdas = call.ancestors().filter(|a| a.kind() == NODE_LAMBDA);
    while let Some(lambda) = lambdas.next() {
        if let Some(loop_name) = loop_of(&lambda) {
            // `mapAttrsToList (name: type: …)`: every curried parameter is the element's.
            let mut inner = Some(lambda.clone());
            while let Some(l) = inner {
                varying.extend(lambda_params(&l));
                inner = l
                    .children()
                    .nth(1)
                    .map(|b| unparen(&b))
                    .filter(|b| b.kind() == NODE_LAMBDA);
            }
            varying = varying_names(&lambda, call, varying);
            if !mentions_any(&argument, &varying) {
                return Some(format!(
                    "reads the same directory on every iteration of `{loop_name}`; read it once outside the loop"
                ));
            }
        } else if let Some(function) = recursive_function(&lambda) {
            varying.extend(function.derived_params());
            let outermost = function.lambdas.last().cloned().unwrap_or(lambda);
            varying = varying_names(&outermost, call, varying);
            if !mentions_any(&argument, &varying) {
                let name = function.name;
                return Some(format!(
                    "reads the same directory on every call of the recursive function `{name}`; read it once outside it"
                ));
            }
            // The curried function's outer lambdas are part of the same function.
            for _ in 1..function.lambdas.len() {
                lambdas.next();
            }
        }
    }
    None
}

/// The names that change from one call of `lambda` to the next, as seen from `call`: `names`
/// (its varying parameters and those of inner loops), and the names `let` binds between the
/// lambda and the call to values that mention them (followed until nothing new is found).
fn varying_names(lambda: &SyntaxNode, call: &SyntaxNode, mut names: Vec<String>) -> Vec<String> {
    let bindings: Vec<(String, SyntaxNode)> = call
        .ancestors()
        .take_while(|a| a != lambda)
        .filter(|a| a.kind() == NODE_LET_IN)
        .flat_map(|let_in| let_in.children().filter_map(|c| binding(&c)))
        .filter_map(|(path, value)| match path.as_slice() {
            [name] => Some((name.clone(), value)),
            _ => None,
        })
        .collect();
    loop {
        let before = names.len();
        for (name, value) in &bindings {
            if !names.contains(name) && mentions_any(value, &names) {
                names.push(name.clone());
            }
        }
        if names.len() == before {
            return names;
        }
    }
}

/// A function bound to a name that its own body calls: `walk = prefix: dir: … walk a b …`.
struct RecursiveFunction {
    name: String,
    /// The curried lambdas, innermost first (`dir:` then `prefix:`).
    lambdas: Vec<SyntaxNode>,
    /// The recursive calls' arguments, each call's in order.
    calls: Vec<Vec<SyntaxNode>>,
}

impl RecursiveFunction {
    /// The parameters that every recursive call passes something other than themselves: a
    /// derived value (`dir + "/${n}"`), or nothing yet (a partial application the loop completes).
    fn derived_params(&self) -> Vec<String> {
        let params: Vec<Option<String>> = self.lambdas.iter().rev().map(simple_param).collect();
        let mut names = Vec::new();
        for (position, lambda) in self.lambdas.iter().rev().enumerate() {
            let same = |args: &Vec<SyntaxNode>| {
                args.get(position).is_some_and(|arg| {
                    let arg = unparen(arg);
                    arg.kind() == NODE_IDENT
                        && params[position].as_deref() == Some(&arg.text().to_string())
                })
            };
            if params[position].is_none() || !self.calls.iter().any(same) {
                names.extend(lambda_params(lambda));
            }
        }
        names
    }
}

/// The name of a lambda's plain parameter (`x:`), none for a pattern.
fn simple_param(lambda: &SyntaxNode) -> Option<String> {
    let param = lambda.first_child()?;
    let ident = param.first_child().filter(|i| i.kind() == NODE_IDENT)?;
    (param.kind() == NODE_IDENT_PARAM).then(|| ident.text().to_string())
}

/// The recursive function whose innermost lambda is `lambda`: the curried chain above it up to a
/// binding `name = …;` whose value calls `name`.
fn recursive_function(lambda: &SyntaxNode) -> Option<RecursiveFunction> {
    if lambda
        .children()
        .nth(1)
        .is_some_and(|body| unparen(&body).kind() == NODE_LAMBDA)
    {
        return None; // not the innermost lambda of its chain
    }
    let mut lambdas = vec![lambda.clone()];
    let mut top = lambda.clone();
    loop {
        let (parent, _) = parent_skipping_parens(&top)?;
        if parent.kind() == NODE_LAMBDA {
            lambdas.push(parent.clone());
            top = parent;
            continue;
        }
        let (names, value) = binding(&parent)?;
        let [name] = names.as_slice() else {
            return None;
        };
        let calls: Vec<Vec<SyntaxNode>> = value
            .descendants()
            .filter(|node| node.kind() == NODE_APPLY)
            .filter(|node| {
                parent_skipping_parens(node).is_none_or(|(up, child)| {
                    up.kind() != NODE_APPLY || up.first_child() != Some(child)
                })
            })
            .filter_map(|node| apply_parts(&node))
            .filter(|(function, _)| {
                function.kind() == NODE_IDENT && function.text() == name.as_str()
            })
            .map(|(_, args)| args)
            .collect();
        return mentions_any(&value, std::slice::from_ref(name)).then(|| RecursiveFunction {
            name: name.clone(),
            lambdas,
            calls,
        });
    }
}

/// The loop function a lambda is handed to: `map (x: …) xs` gives `map`.
fn loop_of(lambda: &SyntaxNode) -> Option<String> {
    let (apply, child) = parent_skipping_parens(lambda)?;
    if apply.kind() != NODE_APPLY || apply.children().nth(1).as_ref() != Some(&child) {
        return None;
    }
    // The lambda may be the first or a later argument: walk to the outermost application.
    let mut outer = apply;
    while let Some((up, _)) = parent_skipping_parens(&outer) {
        if up.kind() == NODE_APPLY && up.first_child().is_some_and(|f| f == outer) {
            outer = up;
        } else {
            break;
        }
    }
    let (function, _) = apply_parts(&outer)?;
    let name = callee_name(&function)?;
    LOOPS.contains(&name.as_str()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn loop_invariant_read_in_map() {
        let text = "let\n  names = builtins.attrNames (builtins.readDir ./m);\nin\nmap (n: (builtins.readDir ./m).${n}) names\n";
        assert_eq!(run(&ReadDirInLoop, &[("a.nix", text)]), vec!["a.nix:4:10"]);
    }

    #[test]
    fn reading_each_directory_once_is_fine() {
        let text = "dirs: map (d: builtins.readDir d) dirs";
        assert!(run(&ReadDirInLoop, &[("a.nix", text)]).is_empty());
        let helper = "let\n  dirsIn = p: builtins.attrNames (builtins.readDir p);\nin\nlib.genAttrs (dirsIn ./h) (n: n)";
        assert!(run(&ReadDirInLoop, &[("b.nix", helper)]).is_empty());
    }

    #[test]
    fn a_recursive_walk_reads_each_directory_once() {
        // The argument is the function's own parameter, or a `let` built from it: fine.
        let walk = "let\n  walk = dir: lib.concatMap (n: walk (dir + \"/${n}\")) (builtins.attrNames (builtins.readDir dir));\nin\nwalk ./.\n";
        assert!(run(&ReadDirInLoop, &[("a.nix", walk)]).is_empty());
        let up = "let\n  find = parts: let dir = \"/\" + builtins.concatStringsSep \"/\" parts; files = builtins.readDir dir; in if parts == [ ] then null else find (lib.init parts);\nin\nfind [ ]\n";
        assert!(run(&ReadDirInLoop, &[("b.nix", up)]).is_empty());
        let each = "root: map (n: let d = root + \"/${n}\"; in builtins.readDir d) [ \"a\" ]";
        assert!(run(&ReadDirInLoop, &[("c.nix", each)]).is_empty());
    }

    #[test]
    fn a_recursion_that_reads_one_directory_every_call() {
        let text = "let\n  count = n: if n == 0 then [ ] else [ (builtins.readDir ./m) ] ++ count (n - 1);\nin\ncount 3\n";
        assert_eq!(run(&ReadDirInLoop, &[("a.nix", text)]), vec!["a.nix:2:41"]);
        // A loop inside a recursive walk that reads the walked directory again per entry.
        let walk = "let\n  walk = dir: map (n: (builtins.readDir dir).${n}) (builtins.attrNames (builtins.readDir dir));\nin\nwalk ./.\n";
        assert_eq!(run(&ReadDirInLoop, &[("b.nix", walk)]), vec!["b.nix:2:24"]);
    }

    #[test]
    fn recursive_walks_that_pass_a_derived_directory() {
        // The directory is read through a `let`, and the recursion is inside the loop's lambda.
        let collect = "{ lib, ... }:\nlet\n  collect = path: let entries = builtins.readDir path; in lib.concatLists (lib.mapAttrsToList (name: type: if type == \"directory\" then collect (path + \"/${name}\") else [ name ]) entries);\nin\ncollect ./.\n";
        // Two parameters, the directory second.
        let walk = "{ lib, ... }:\nlet\n  walk = prefix: dir: lib.concatLists (lib.mapAttrsToList (entryName: type: if type == \"directory\" then walk (prefix + entryName) (dir + \"/${entryName}\") else [ entryName ]) (builtins.readDir dir));\nin\nwalk \"\" ./.\n";
        // Bound in a `rec` set, called through `concatMapAttrs` and `builtins.map`.
        let tree = "{ lib, ... }:\nrec {\n  tree = dir: lib.concatMapAttrs (n: t: if t == \"directory\" then { ${n} = tree (dir + \"/${n}\"); } else { ${n} = t; }) (builtins.readDir dir);\n  x = builtins.map (d: tree d) [ ./a ];\n}\n";
        // A walk defined inside a loop's lambda: its parameter varies there too.
        let inside = "{ lib, ... }:\nlib.mapAttrsToList (n: _: let go = dir: builtins.map (e: go (dir + \"/${e}\")) (builtins.attrNames (builtins.readDir dir)); in go (./. + \"/${n}\")) (builtins.readDir ./.)\n";
        for text in [collect, walk, tree, inside] {
            assert!(run(&ReadDirInLoop, &[("a.nix", text)]).is_empty(), "{text}");
        }
    }

    #[test]
    fn a_recursion_that_passes_the_same_directory_again() {
        // `dir` is passed on unchanged: every call reads the same directory.
        let same = "let\n  walk = prefix: dir: lib.concatMap (n: walk (prefix + n) dir) (builtins.attrNames (builtins.readDir dir));\nin\nwalk \"\" ./.\n";
        assert_eq!(run(&ReadDirInLoop, &[("a.nix", same)]), vec!["a.nix:2:85"]);
        // Inside an unrelated loop, the same directory on every iteration.
        let loop_ = "{ lib, ... }:\nlet\n  go = dir: builtins.map (e: go (dir + \"/${e}\")) (builtins.attrNames (builtins.readDir dir));\nin\nmap (n: builtins.readDir ./m) [ 1 2 ]\n";
        assert_eq!(run(&ReadDirInLoop, &[("b.nix", loop_)]), vec!["b.nix:5:9"]);
    }
}
