//! NS007 readdir-in-loop: `builtins.readDir` inside a map/fold/filter lambda or a recursive function.

use rayon::prelude::*;
use rnix::SyntaxKind::*;
use rnix::SyntaxNode;

use super::{Finding, Kind, Rule, RuleInfo, Severity};
use crate::check::Repo;
use crate::nix::syntax::{
    apply_parts, binding, callee_name, is_call_of, lambda_params, mentions_any,
    parent_skipping_parens,
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
a recursive function whose readDir does not depend on its argument. A readDir whose argument is the \
loop's element or the recursion's argument (directly or through a `let` built from it) reads each \
directory once, as a recursive walk over a tree does, and is fine. Nix evaluation-performance \
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
fn in_loop(call: &SyntaxNode) -> Option<String> {
    let argument = apply_parts(call)?.1.into_iter().next()?;
    for lambda in call.ancestors().filter(|a| a.kind() == NODE_LAMBDA) {
        let loop_name = loop_of(&lambda);
        let recursive = recursive_binding(&lambda);
        if loop_name.is_none() && recursive.is_none() {
            continue;
        }
        if mentions_any(&argument, &varying_names(&lambda, call)) {
            continue;
        }
        if let Some(loop_name) = loop_name {
            return Some(format!(
                "reads the same directory on every iteration of `{loop_name}`; read it once outside the loop"
            ));
        }
        if let Some(name) = recursive {
            return Some(format!(
                "reads the same directory on every call of the recursive function `{name}`; read it once outside it"
            ));
        }
    }
    None
}

/// The names that change from one call of `lambda` to the next, as seen from `call`: its
/// parameters, and the names `let` binds between the lambda and the call to values that mention
/// them (followed until nothing new is found).
fn varying_names(lambda: &SyntaxNode, call: &SyntaxNode) -> Vec<String> {
    let mut names = lambda_params(lambda);
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

/// The name a lambda is bound to, when its own body calls that name.
fn recursive_binding(lambda: &SyntaxNode) -> Option<String> {
    let (parent, _) = parent_skipping_parens(lambda)?;
    let (names, value) = binding(&parent)?;
    let [name] = names.as_slice() else {
        return None;
    };
    mentions_any(&value, std::slice::from_ref(name)).then(|| name.clone())
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
}
