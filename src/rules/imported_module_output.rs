//! NS006 imported-module-output: a `*Modules` flake output built with `import ./x.nix`.

use rayon::prelude::*;
use rnix::SyntaxKind::*;
use rnix::SyntaxNode;

use super::{Finding, Kind, Rule, RuleInfo, Severity};
use crate::check::{Repo, SourceFile};
use crate::fix::Fix;
use crate::nix::syntax::{
    apply_parts, binding, binding_path, is_builtin, parent_skipping_parens, path_literal, unparen,
};

pub struct ImportedModuleOutput;

static INFO: RuleInfo = RuleInfo {
    id: "NS006",
    name: "imported-module-output",
    summary: "a *Modules output is built with `import ./x.nix` instead of a path",
    explanation: "`nixosModules.foo = import ./foo.nix;` exposes the module's value, not its \
file: the module system no longer knows where it came from, so it cannot de-duplicate it, error \
messages lose the file name, and a configuration that receives the module through two outputs \
fails with \"option ... already declared\". A path (`nixosModules.foo = ./foo.nix;`) keeps the \
module's identity. The central modules/default.nix of the shape exposes paths only.",
    fix: "Write the path itself: `nixosModules.foo = ./foo.nix;` (a module that needs flake \
inputs takes them from specialArgs, or use flake-parts' importApply, which keeps the file name).",
    severity: Severity::Error,
    kind: Kind::Lint,
};

impl Rule for ImportedModuleOutput {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, repo: &Repo) -> Vec<Finding> {
        repo.files
            .par_iter()
            .enumerate()
            .filter(|(_, file)| file.mentions("Modules") && file.mentions("import"))
            .flat_map_iter(|(index, file)| {
                let mut found = Vec::new();
                for call in import_calls(file) {
                    let Some(output) = module_output(&binding_path(&call.apply)) else {
                        continue;
                    };
                    match target(repo, index, &call) {
                        Some(target) if is_registry(target) => {
                            // `nixosModules = import ./modules;`: an attrset of modules; its
                            // entries must be paths.
                            for inner in import_calls(target) {
                                if target_is_module(repo, &inner, target) {
                                    let finding = repo.finding(
                                        &INFO,
                                        target,
                                        inner.offset,
                                        format!(
                                            "{output} (through {}) exposes `import {}` instead of the path",
                                            file.path, inner.literal
                                        ),
                                    );
                                    let fix = repo
                                        .file(&target.path)
                                        .and_then(|t| path_fix(repo, t, &inner));
                                    found.push(with_fix(finding, fix));
                                }
                            }
                        }
                        _ => {
                            let finding = repo.finding(
                                &INFO,
                                file,
                                call.offset,
                                format!(
                                    "{output} exposes `import {}`: give the path, `{}`",
                                    call.literal, call.literal
                                ),
                            );
                            // `nixosModules = import ./x.nix;` binds the whole set: only a named
                            // output (`nixosModules.x`) is one module that a path can stand for.
                            let named = output.contains('.');
                            let fix = named.then(|| path_fix(repo, file, &call)).flatten();
                            found.push(with_fix(finding, fix));
                        }
                    }
                }
                found
            })
            .collect()
    }
}

fn with_fix(finding: Finding, fix: Option<Fix>) -> Finding {
    match fix {
        Some(fix) => finding.with_autofix(fix),
        None => finding,
    }
}

/// The fix of one `import ./x.nix`: the path itself in place of the call (and its parentheses),
/// when the call is a binding's whole value or a list element and its target is a module file of
/// the repository (not a set of modules), so the module system loads the same file either way.
fn path_fix(repo: &Repo, file: &SourceFile, call: &ImportCall) -> Option<Fix> {
    let index = *repo.index.get(&file.path)?;
    let target = target(repo, index, call)?;
    if is_registry(target) || !is_module(target) {
        return None;
    }
    let mut outer = call.apply.clone();
    while let Some(parent) = outer.parent().filter(|p| p.kind() == NODE_PAREN) {
        outer = parent;
    }
    let parent = outer.parent()?;
    let whole_value = match parent.kind() {
        NODE_ATTRPATH_VALUE => binding(&parent).is_some_and(|(_, value)| value == outer),
        NODE_LIST => true,
        _ => false,
    };
    whole_value.then(|| {
        Fix::edit(&file.path, outer.text_range(), call.literal.clone())
            .summary(format!("`import {}` → `{}`", call.literal, call.literal))
    })
}

/// A file whose value is a module: a function or an attribute set.
fn is_module(file: &SourceFile) -> bool {
    file.parsed
        .syntax()
        .first_child()
        .is_some_and(|expr| matches!(unparen(&expr).kind(), NODE_LAMBDA | NODE_ATTR_SET))
}

struct ImportCall {
    apply: SyntaxNode,
    literal: String,
    offset: usize,
}

/// `import ./x` calls that are not applied further (`import ./x args` is a function call).
fn import_calls(file: &SourceFile) -> Vec<ImportCall> {
    file.parsed
        .syntax()
        .descendants()
        .filter(|n| n.kind() == NODE_APPLY)
        .filter_map(|apply| {
            let (function, args) = apply_parts(&apply)?;
            if !is_builtin(&function, "import") || args.len() != 1 {
                return None;
            }
            if let Some((parent, child)) = parent_skipping_parens(&apply) {
                if parent.kind() == NODE_APPLY && parent.first_child() == Some(child) {
                    return None;
                }
            }
            let path = unparen(&args[0]);
            let literal = match path_literal(&path)? {
                crate::nix::syntax::PathLiteral::Static(text) => text,
                crate::nix::syntax::PathLiteral::Interpolated(_) => return None,
            };
            Some(ImportCall {
                offset: path.text_range().start().into(),
                apply,
                literal,
            })
        })
        .collect()
}

/// `nixosModules.x` when the binding path is a flake output of modules: a `*Modules` attribute
/// at the top of the outputs (or of a registry file), or under flake-parts' `flake`. A `*Modules`
/// deeper down is an option or a helper's argument (`home-manager.sharedModules`,
/// `extraModules` of `nixosSystem`), not an output.
fn module_output(path: &[String]) -> Option<String> {
    let is_modules = |n: &String| n.ends_with("Modules") && n != "Modules";
    let at = match path {
        [first, ..] if is_modules(first) => 0,
        [flake, second, ..] if flake == "flake" && is_modules(second) => 1,
        _ => return None,
    };
    Some(path[at..].join("."))
}

fn target<'a>(repo: &'a Repo, from: usize, call: &ImportCall) -> Option<&'a SourceFile> {
    repo.graph
        .imports_of(from)
        .find(|e| e.offset == call.offset && e.import_call)
        .map(|e| &repo.files[e.to])
}

fn target_is_module(repo: &Repo, call: &ImportCall, file: &SourceFile) -> bool {
    let Some(&index) = repo.index.get(&file.path) else {
        return false;
    };
    target(repo, index, call).is_none_or(|t| !is_registry(t))
}

/// A file whose value is an attribute set of paths and imports: a list of modules, not a module.
fn is_registry(file: &SourceFile) -> bool {
    let Some(expr) = file.parsed.syntax().first_child() else {
        return false;
    };
    registry_set(&unparen(&expr))
}

fn registry_set(node: &SyntaxNode) -> bool {
    if node.kind() != NODE_ATTR_SET {
        return false;
    }
    let mut any = false;
    for entry in node.children() {
        let Some((_, value)) = binding(&entry) else {
            return false;
        };
        let value = unparen(&value);
        let ok = value.kind() == NODE_PATH_REL
            || registry_set(&value)
            || apply_parts(&value).is_some_and(|(f, _)| is_builtin(&f, "import"));
        if !ok {
            return false;
        }
        any = true;
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn a_modules_option_or_argument_is_not_an_output() {
        let flake = "{\n  outputs = { nixpkgs, ... }: {\n    nixosConfigurations.a = nixpkgs.lib.nixosSystem {\n      modules = [ { home-manager.sharedModules = [ (import ./x.nix) ]; } ];\n      extraModules = [ (import ./x.nix) ];\n    };\n    lib.mkModules = { specialModules = import ./x.nix; };\n    nixosModules.x = import ./x.nix;\n  };\n}";
        let files = [("flake.nix", flake), ("x.nix", "{ ... }: { }")];
        assert_eq!(run(&ImportedModuleOutput, &files), vec!["flake.nix:8:29"]);
        let parts = "{ flake.homeManagerModules.x = import ./x.nix; }";
        assert_eq!(
            run(
                &ImportedModuleOutput,
                &[("parts.nix", parts), ("x.nix", "{ }")]
            ),
            vec!["parts.nix:1:39"]
        );
    }

    #[test]
    fn imports_in_module_outputs() {
        let files = [
            (
                "flake.nix",
                "{\n  outputs = _: {\n    nixosModules.a = import ./a.nix;\n    nixosModules.b = ./b.nix;\n    homeManagerModules = import ./home;\n  };\n}",
            ),
            ("a.nix", "{ config, ... }: { }"),
            ("b.nix", "{ }"),
            ("home/default.nix", "{\n  x = import ./x.nix;\n  y = ./y.nix;\n}"),
            ("home/x.nix", "{ ... }: { }"),
            ("home/y.nix", "{ }"),
        ];
        assert_eq!(
            run(&ImportedModuleOutput, &files),
            vec!["flake.nix:3:29", "home/default.nix:2:14"]
        );
    }

    #[test]
    fn a_named_output_gets_the_path_a_whole_set_or_a_non_module_does_not() {
        let flake = "{\n  outputs = _: {\n    nixosModules.a = (import ./a.nix); # a\n    nixosModules.b = import ./b.nix;\n    homeModules = import ./c.nix;\n  };\n}";
        let repo = crate::check::test_repo(&[
            ("flake.nix", flake),
            ("a.nix", "{ config, ... }: { }"),
            ("b.nix", "[ ./x.nix ]"),
            ("c.nix", "{ config, ... }: { }"),
        ]);
        let fixes: Vec<(String, Option<crate::fix::Change>)> = ImportedModuleOutput
            .check(&repo)
            .into_iter()
            .map(|f| {
                (
                    format!("{}:{}", f.file, f.line),
                    f.autofix.map(|fix| fix.change),
                )
            })
            .collect();
        let edit = crate::fix::Change::Edit {
            // `(import ./a.nix)`, its parentheses included.
            start: 40,
            end: 56,
            text: "./a.nix".into(),
        };
        assert_eq!(
            fixes,
            vec![
                ("flake.nix:3".to_string(), Some(edit)),
                ("flake.nix:4".to_string(), None),
                ("flake.nix:5".to_string(), None),
            ]
        );
    }
}
