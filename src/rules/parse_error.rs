//! NS000 parse-error: a `.nix` file that does not parse.

use rayon::prelude::*;

use super::{Finding, Kind, Rule, RuleInfo, Severity};
use crate::check::Repo;
use crate::nix::describe_error;

pub struct ParseError;

static INFO: RuleInfo = RuleInfo {
    id: "NS000",
    name: "parse-error",
    summary: "a .nix file does not parse",
    explanation:
        "The file is not valid Nix, so nothing that imports it can evaluate. The position \
is the first syntax error rnix found; later errors often follow from it. The rest of the \
repository is still checked, but rules learn nothing from this file.",
    fix:
        "Correct the syntax at the position shown (`nix-instantiate --parse FILE` shows Nix's own \
message), then run check again.",
    severity: Severity::Error,
    kind: Kind::Lint,
};

impl Rule for ParseError {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, repo: &Repo) -> Vec<Finding> {
        repo.files
            .par_iter()
            .filter_map(|file| {
                let errors = file.parsed.errors();
                let first = errors.first()?;
                let (offset, message) = describe_error(first);
                let offset = offset.unwrap_or(file.text.len());
                let more = match errors.len() {
                    1 => String::new(),
                    n => format!(" ({} more errors follow)", n - 1),
                };
                Some(repo.finding(
                    &INFO,
                    file,
                    offset,
                    format!("syntax error: {message}{more}"),
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    #[test]
    fn reports_the_first_error_with_its_position() {
        let found = run(
            &ParseError,
            &[("a.nix", "{\n  x = ;\n}\n"), ("b.nix", "{ }")],
        );
        assert_eq!(found, vec!["a.nix:2:7"]);
    }
}
