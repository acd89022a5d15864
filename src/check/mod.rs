//! The repository model every rule shares: walked once, each `.nix` file read and parsed once (in
//! parallel), the import graph built once. Nothing in here writes to the repository.

pub mod config;
pub mod conventions;
pub mod eval;
pub mod git_files;
pub mod graph;
pub mod pattern;
pub mod references;
pub mod walk;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::answers::{ProjectFile, ANSWERS_FILE};
use crate::error::{Error, Result};
use crate::layout::expected::{Expected, Shape};
use crate::nix::{LineIndex, Parsed};
use crate::render::Renderer;
use crate::rules::{self, Finding, RuleInfo, Severity};

use self::config::Settings;
use self::conventions::Uses;
use self::graph::{Graph, Tree};
use self::references::RawRef;
use self::walk::Skipped;

/// Files larger than this are not parsed (generated data, not configuration).
const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Syntax trees deeper than this are not checked. The token limits
/// ([`crate::nix::within_parse_limits`]) bound brackets and chains one at a time; a chain inside
/// 1,000 brackets still nests thousands deep, and rules walk trees recursively (dropping a tree
/// recurses too). No hand-written Nix comes near.
const MAX_TREE_DEPTH: usize = 2048;

/// The stack of the threads that parse and run the rules: rnix's 512 nested expressions each take
/// a dozen parser frames, more than a default 2 MiB thread stack holds in a debug build.
const STACK_BYTES: usize = 64 * 1024 * 1024;

/// The thread pool every parallel step of the analysis runs in.
fn pool() -> &'static rayon::ThreadPool {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(STACK_BYTES)
            .thread_name(|i| format!("nixscaffold-check-{i}"))
            .build()
            .unwrap_or_else(|_| {
                // Cannot start threads: one thread, the caller's (still with the bigger stack).
                rayon::ThreadPoolBuilder::new()
                    .num_threads(1)
                    .use_current_thread()
                    .build()
                    .expect("a thread pool of the current thread")
            })
    })
}

/// One `.nix` file: its text, its parse (errors, and the tree again on demand) and its line index.
pub struct SourceFile {
    /// Relative to the repository root, with `/`.
    pub path: String,
    pub text: Arc<str>,
    pub parsed: Parsed,
    pub lines: LineIndex,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> SourceFile {
        let text: Arc<str> = Arc::from(text.into());
        let parse = rnix::Root::parse(&text);
        SourceFile::from_parse(path.into(), text, &parse)
    }

    fn from_parse(path: String, text: Arc<str>, parse: &rnix::Parse<rnix::Root>) -> SourceFile {
        SourceFile {
            path,
            parsed: Parsed::from_parse(text.clone(), parse),
            lines: LineIndex::new(&text),
            text,
        }
    }

    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines.line_col(&self.text, offset)
    }

    /// The directory the file is in (`""` at the root).
    pub fn dir(&self) -> &str {
        graph::parent_dir(&self.path)
    }

    /// A cheap literal pre-filter, as ripgrep does before its regex engine: a file whose text
    /// does not contain `word` cannot hold the construct a rule looks for, so the rule skips its
    /// syntax tree. The decision itself is always made on the tree.
    pub fn mentions(&self, word: &str) -> bool {
        self.text.contains(word)
    }

    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

/// The repository as every rule sees it.
pub struct Repo {
    pub files: Vec<SourceFile>,
    pub index: HashMap<String, usize>,
    /// Every regular file (any extension), relative.
    pub all_files: BTreeSet<String>,
    pub dirs: BTreeSet<String>,
    pub graph: Graph,
    /// What the shape expects here, built once per run (templates rendered once).
    pub expected: Expected,
    /// What the tree's conventions wire without imports (flake frameworks), in words.
    pub conventions: Vec<String>,
    pub settings: Settings,
    /// Files read but not checked (past the parser's limits), and why.
    pub skipped: Vec<Skipped>,
}

impl Repo {
    /// Builds the model from files already read: `nix` are `.nix` files with their text, `others`
    /// every other regular file, `dirs` the directories. Parses in parallel, reading each file's
    /// facts (references, frameworks) while its tree is at hand, then dropping the tree.
    pub fn from_sources(
        nix: Vec<(String, String)>,
        others: Vec<String>,
        dirs: Vec<String>,
        expected: Expected,
        settings: Settings,
    ) -> Repo {
        let started = std::time::Instant::now();
        let parsed: Vec<std::result::Result<(SourceFile, Facts), Skipped>> =
            pool().install(|| nix.into_par_iter().map(parse_source).collect());
        let mut files = Vec::new();
        let mut facts = Vec::new();
        let mut skipped = Vec::new();
        for item in parsed {
            match item {
                Ok((file, file_facts)) => {
                    files.push(file);
                    facts.push(file_facts);
                }
                Err(skip) => skipped.push(skip),
            }
        }
        timing("parse", started);
        let started = std::time::Instant::now();
        let mut repo = Repo::assemble(files, facts, others, dirs, expected, settings);
        repo.skipped = skipped;
        timing("graph", started);
        repo
    }

    fn assemble(
        files: Vec<SourceFile>,
        facts: Vec<Facts>,
        others: Vec<String>,
        dirs: Vec<String>,
        expected: Expected,
        settings: Settings,
    ) -> Repo {
        let index: HashMap<String, usize> = files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.path.clone(), i))
            .collect();
        let nix_files: BTreeSet<String> = files.iter().map(|f| f.path.clone()).collect();
        let mut dirs: BTreeSet<String> = dirs.into_iter().collect();
        let mut all_files: BTreeSet<String> = others.into_iter().collect();
        all_files.extend(nix_files.iter().cloned());
        for file in &all_files {
            let mut dir = graph::parent_dir(file);
            while !dir.is_empty() && dirs.insert(dir.to_string()) {
                dir = graph::parent_dir(dir);
            }
        }
        let paths: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
        let mut frameworks: Vec<Uses> = Vec::new();
        let mut refs: Vec<Vec<RawRef>> = Vec::with_capacity(facts.len());
        let mut module_args: HashMap<String, String> = HashMap::new();
        let mut stand_alone: Vec<usize> = Vec::new();
        let mut framework_settings: Vec<conventions::Setting> = Vec::new();
        for (i, file_facts) in facts.into_iter().enumerate() {
            framework_settings.extend(file_facts.settings);
            if file_facts.stand_alone {
                stand_alone.push(i);
            }
            frameworks.extend(file_facts.frameworks);
            module_args.extend(file_facts.module_args);
            refs.push(file_facts.references);
        }
        conventions::apply_settings(&framework_settings, &mut frameworks);
        let conventions: Vec<String> = frameworks
            .iter()
            .map(|uses| {
                let at = if uses.root.is_empty() {
                    String::new()
                } else {
                    format!(" under {}/", uses.root)
                };
                format!("{} loads files by convention{at}", uses.framework)
            })
            .collect();
        let graph = Graph::build(
            &paths,
            &refs,
            &Tree {
                index: &index,
                nix_files: &nix_files,
                dirs: &dirs,
            },
            &frameworks,
            &module_args,
            &stand_alone,
        );
        Repo {
            files,
            index,
            all_files,
            dirs,
            graph,
            expected,
            conventions,
            settings,
            skipped: Vec::new(),
        }
    }

    /// References the graph could not follow to files whose directory holds files nothing else
    /// reaches: why those are not orphans. One entry per reference.
    pub fn unresolved(&self) -> Vec<Unresolved> {
        let mut list: Vec<Unresolved> = self
            .graph
            .unresolved()
            .map(|region| {
                let file = &self.files[region.from];
                Unresolved {
                    file: file.path.clone(),
                    line: file.line_col(region.offset).0,
                    reaches: region.dir.clone(),
                }
            })
            .collect();
        list.dedup();
        list
    }

    /// The shape this repository is checked against.
    pub fn shape(&self) -> &Shape {
        &self.expected.shape
    }

    /// Whether this repository adopted the shape: `.nixscaffold.yaml` records its answers (a file
    /// holding only a `check:` section does not count).
    pub fn adopted(&self) -> bool {
        self.expected.recorded_shape()
    }

    pub fn file(&self, path: &str) -> Option<&SourceFile> {
        self.index.get(path).map(|&i| &self.files[i])
    }

    /// A finding of `rule` at byte `offset` of `file`.
    pub fn finding(
        &self,
        rule: &'static RuleInfo,
        file: &SourceFile,
        offset: usize,
        message: impl Into<String>,
    ) -> Finding {
        let (line, column) = file.line_col(offset);
        Finding::new(rule, &file.path, line, column, message)
    }

    /// Runs every rule that is on, in parallel, and returns the findings in a stable order (shape
    /// findings of a repository that did not adopt the shape are left out: see [`Repo::run`]).
    pub fn check(&self) -> Vec<Finding> {
        self.run().findings
    }

    /// Runs every rule that is on, in parallel: the findings, and the shape findings that are not
    /// findings because the repository did not adopt the shape (its distance to the shape). A
    /// shape rule given a severity in `check.rules` reports findings in any repository: an
    /// explicit setting wins.
    pub fn run(&self) -> Checked {
        let all = pool().install(|| self.check_in_pool());
        let (findings, distance) = all.into_iter().partition(|f| {
            f.kind == rules::Kind::Lint || self.adopted() || self.settings.explicit(f.rule)
        });
        Checked { findings, distance }
    }

    /// Whether `finding` is a lint inside a file another tool generated (not the user's code to
    /// fix); a parse error is kept, since Nix cannot read that file either.
    fn in_generated_file(&self, finding: &Finding) -> bool {
        finding.kind == rules::Kind::Lint
            && finding.name != "parse-error"
            && self
                .file(&finding.file)
                .is_some_and(rules::generated::is_generated)
    }

    fn check_in_pool(&self) -> Vec<Finding> {
        let mut findings: Vec<Finding> = rules::registry()
            .par_iter()
            .filter_map(|rule| {
                let info = rule.info();
                let severity = self.settings.severity(info.id, info.severity)?;
                let started = std::time::Instant::now();
                let mut found = rule.check(self);
                timing(info.name, started);
                // A severity set in check.rules applies to every finding of the rule; without one,
                // a rule may rate a finding below its default (a harmless leftover).
                if self.settings.explicit(info.id) {
                    for finding in &mut found {
                        finding.severity = severity;
                    }
                }
                Some(found)
            })
            .flatten()
            .filter(|f| !self.settings.ignored(&f.file))
            .filter(|f| !self.in_generated_file(f))
            .collect();
        findings.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.rule, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.rule, &b.message))
        });
        findings.dedup();
        findings
    }
}

/// What the rules found, split by whether it counts.
pub struct Checked {
    pub findings: Vec<Finding>,
    /// Shape findings of a repository that did not adopt the shape: not findings, summed up as
    /// its distance to the shape.
    pub distance: Vec<Finding>,
}

/// What the model keeps of a file's syntax tree: the facts read while parsing.
struct Facts {
    references: Vec<RawRef>,
    /// For a `flake.nix`, the frameworks it uses.
    frameworks: Vec<Uses>,
    /// Module arguments it sets to a place (`_module.args.flakeRoot = ./.;`).
    module_args: Vec<(String, String)>,
    /// A stand-alone entry point by what it does (a flake-compat shim).
    stand_alone: bool,
    /// Framework settings that move its directories (`ezConfigs.root = ./.;`).
    settings: Vec<conventions::Setting>,
}

/// Parses one file and reads its facts, or skips it when its tree is too deep to walk. The tree is
/// dropped here: rules that need it parse the file again (`file.parsed.syntax()`).
fn parse_source(
    (path, text): (String, String),
) -> std::result::Result<(SourceFile, Facts), Skipped> {
    if let Err(reason) = crate::nix::within_parse_limits(&text) {
        return Err(Skipped { path, reason });
    }
    let text: Arc<str> = Arc::from(text);
    let parse = rnix::Root::parse(&text);
    let root = parse.syntax();
    let Some(references) = references::references(&path, &text, &root, MAX_TREE_DEPTH) else {
        let skip = Skipped {
            path,
            reason: format!("syntax nested more than {MAX_TREE_DEPTH} levels deep, not checked"),
        };
        drop(root);
        // Dropping a tree recurses once per level: this one would overflow the stack. The process
        // gives the memory back when it ends.
        std::mem::forget(parse);
        return Err(skip);
    };
    let facts = Facts {
        references,
        frameworks: if path == "flake.nix" || path.ends_with("/flake.nix") {
            conventions::frameworks(&path, &root)
        } else {
            Vec::new()
        },
        stand_alone: references::is_stand_alone(&path, &text, &root),
        settings: conventions::settings(&path, &text, &root),
        module_args: if text.contains("rgs") || text.contains("self") {
            references::module_args(&path, &root)
        } else {
            Vec::new()
        },
    };
    let file = SourceFile::from_parse(path, text, &parse);
    Ok((file, facts))
}

/// The outcome of checking a directory.
pub struct Outcome {
    pub root: PathBuf,
    pub shape: Shape,
    /// What the tree's conventions wire without imports, in words.
    pub conventions: Vec<String>,
    pub files_checked: usize,
    pub findings: Vec<Finding>,
    /// Whether the repository adopted the shape ([`Repo::adopted`]).
    pub adopted: bool,
    /// Shape findings that are not findings, because the repository did not adopt the shape.
    pub distance: Vec<Finding>,
    pub skipped: Vec<Skipped>,
    /// References the model could not follow, each once (see [`Repo::unresolved`]).
    pub unresolved: Vec<Unresolved>,
}

/// A reference not followed to files, and the directory it may load from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Unresolved {
    pub file: String,
    pub line: usize,
    pub reaches: String,
}

impl Outcome {
    /// One line that says where the shape came from.
    pub fn describe_shape(&self) -> String {
        self.shape.describe(&self.conventions)
    }

    /// Every note about the shape: what was inferred, what conventions wire.
    pub fn shape_notes(&self) -> Vec<String> {
        let mut notes = self.shape.notes().to_vec();
        notes.extend(self.conventions.iter().cloned());
        notes
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// Reads and checks the repository at `root`. Never writes.
pub fn check_dir(root: &Path) -> Result<Outcome> {
    let meta = std::fs::metadata(root).map_err(|e| Error::io("read", root, e))?;
    if !meta.is_dir() {
        return Err(Error::usage(format!(
            "{} is not a directory; give the repository's directory",
            root.display()
        )));
    }
    let mut early_skips = Vec::new();
    let (project, settings) = read_project_file(root, &mut early_skips)?;
    let started = std::time::Instant::now();
    let listing = walk::walk(root);
    timing("walk", started);
    if let Some(reason) = listing.root_error {
        return Err(Error::usage(format!(
            "cannot read {}: {reason}",
            root.display()
        )));
    }
    let started = std::time::Instant::now();
    let mut skipped = listing.skipped;
    skipped.extend(early_skips);
    let read: Vec<std::result::Result<(String, String), Skipped>> = listing
        .nix
        .into_par_iter()
        .map(|(rel, absolute)| read_source(rel, &absolute))
        .collect();
    let mut nix = Vec::new();
    for item in read {
        match item {
            Ok(source) => nix.push(source),
            Err(skip) => skipped.push(skip),
        }
    }
    let dirs_set: BTreeSet<String> = listing.dirs.iter().cloned().collect();
    let expected = expect(root, project, &dirs_set)?;
    let others: Vec<String> = listing
        .files
        .into_iter()
        .filter(|f| !f.ends_with(".nix"))
        .collect();
    timing("read", started);
    let repo = Repo::from_sources(nix, others, listing.dirs, expected, settings);
    skipped.extend(repo.skipped.iter().cloned());
    skipped.sort();
    let files_checked = repo.files.len();
    let started = std::time::Instant::now();
    // What could not be read cannot be judged: a skipped directory is not "missing its
    // default.nix". The skipped list already names it.
    let readable = |f: &Finding| !skipped.iter().any(|s| at_or_under(&f.file, &s.path));
    let checked = repo.run();
    let findings: Vec<Finding> = checked.findings.into_iter().filter(readable).collect();
    let distance: Vec<Finding> = checked.distance.into_iter().filter(readable).collect();
    timing("rules", started);
    if std::env::var_os("NIXSCAFFOLD_TIMINGS").is_some() {
        tell!(
            "timing: templates rendered: {}",
            crate::render::rendered_in_process()
        );
    }
    let unresolved = repo.unresolved();
    Ok(Outcome {
        root: root.to_path_buf(),
        unresolved,
        adopted: repo.adopted(),
        conventions: repo.conventions,
        shape: repo.expected.shape,
        files_checked,
        findings,
        distance,
        skipped,
    })
}

/// `.nixscaffold.yaml`, when it is a regular file: what it records and the checked settings. A
/// link or anything else is listed as skipped and the shape inferred.
fn read_project_file(
    root: &Path,
    skipped: &mut Vec<Skipped>,
) -> Result<(Option<ProjectFile>, Settings)> {
    let path = root.join(ANSWERS_FILE);
    match std::fs::symlink_metadata(&path) {
        Ok(meta) if meta.is_file() => {
            let project = ProjectFile::read_file(
                &path,
                &crate::answers::dir_name(root),
                "; fix the file or remove it to let check infer the shape",
            )?;
            let settings = Settings::from_config(&project.check, &path)?;
            Ok((Some(project), settings))
        }
        Ok(meta) => {
            let what = if meta.is_symlink() {
                "symbolic link, not followed"
            } else {
                "not a regular file"
            };
            skipped.push(Skipped {
                path: ANSWERS_FILE.into(),
                reason: format!("{what}; the shape is inferred"),
            });
            Ok((None, Settings::default()))
        }
        Err(_) => Ok((None, Settings::default())),
    }
}

/// The expected model, built once: from the recorded answers (with their templates), else
/// inferred from the directories.
fn expect(root: &Path, project: Option<ProjectFile>, dirs: &BTreeSet<String>) -> Result<Expected> {
    match project.and_then(|project| project.answers) {
        Some(answers) => {
            let renderer = answers.renderer(root)?;
            Expected::recorded(answers, &renderer)
        }
        None => {
            let flake = crate::text::read_text(&root.join("flake.nix")).ok();
            Ok(Expected::inferred(
                Shape::infer(dirs).with_backend_of(flake.as_deref()),
                dirs,
                &Renderer::builtin(),
            ))
        }
    }
}

/// Whether `path` is `dir` or lies under it (`""` holds nothing: it stands for no path).
fn at_or_under(path: &str, dir: &str) -> bool {
    !dir.is_empty()
        && path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// With `NIXSCAFFOLD_TIMINGS` set, how long a phase took, on standard error.
fn timing(phase: &str, started: std::time::Instant) {
    if std::env::var_os("NIXSCAFFOLD_TIMINGS").is_some() {
        tell!("timing: {phase}: {:.1?}", started.elapsed());
    }
}

fn read_source(rel: String, absolute: &Path) -> std::result::Result<(String, String), Skipped> {
    let skip = |reason: String| Skipped {
        path: rel.clone(),
        reason,
    };
    let meta = std::fs::metadata(absolute).map_err(|e| skip(format!("unreadable: {e}")))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(skip(format!(
            "larger than {} MiB, not parsed",
            MAX_FILE_BYTES / 1024 / 1024
        )));
    }
    let bytes = std::fs::read(absolute).map_err(|e| skip(format!("unreadable: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|_| skip("not UTF-8 text, not parsed".into()))?;
    Ok((rel, text))
}

/// Checks `.nix` sources held in memory as a repository of only those files (any other path
/// counts as a non-`.nix` file): the shape inferred from their directories, the default settings,
/// every rule. Reads and writes nothing. This is `check`'s analysis without the walk; the fuzz
/// target `check_file` drives it with arbitrary text.
pub fn check_sources(files: &[(&str, &str)]) -> Vec<Finding> {
    Repo::in_memory(files).check()
}

impl Repo {
    /// A repository model from in-memory files (see [`check_sources`]).
    pub fn in_memory(files: &[(&str, &str)]) -> Repo {
        let nix: Vec<(String, String)> = files
            .iter()
            .filter(|(p, _)| p.ends_with(".nix"))
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        let others: Vec<String> = files
            .iter()
            .filter(|(p, _)| !p.ends_with(".nix"))
            .map(|(p, _)| p.to_string())
            .collect();
        let mut dirs = BTreeSet::new();
        for (path, _) in files {
            let mut dir = graph::parent_dir(path);
            while !dir.is_empty() {
                dirs.insert(dir.to_string());
                dir = graph::parent_dir(dir);
            }
        }
        let expected = Expected::inferred(Shape::infer(&dirs), &dirs, &Renderer::builtin());
        Repo::from_sources(
            nix,
            others,
            dirs.into_iter().collect(),
            expected,
            Settings::default(),
        )
    }
}

/// A repository model from in-memory files, for the rules' unit tests.
#[cfg(test)]
pub fn test_repo(files: &[(&str, &str)]) -> Repo {
    Repo::in_memory(files)
}

/// Like [`test_repo`], with the shape recorded in `answers`.
#[cfg(test)]
pub fn test_repo_recorded(files: &[(&str, &str)], answers: crate::answers::Answers) -> Repo {
    let mut repo = test_repo(files);
    repo.expected =
        Expected::recorded(answers, &Renderer::builtin()).expect("the templates render");
    repo
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule over every prefix of some real-looking Nix: broken input never panics.
    #[test]
    fn paths_at_or_under() {
        assert!(at_or_under("a/b", "a/b"));
        assert!(at_or_under("a/b/default.nix", "a/b"));
        assert!(!at_or_under("a/bc/default.nix", "a/b"));
        assert!(!at_or_under("a/b", ""));
    }

    #[test]
    fn check_sources_runs_every_rule_on_text_in_memory() {
        let found = check_sources(&[("modules/nixos/a.nix", "{ x = builtins.getEnv \"H\"; }")]);
        assert!(found
            .iter()
            .any(|f| f.name == "getenv" && (f.line, f.column) == (1, 7)));
        let broken = check_sources(&[("flake.nix", "{ x = ; ")]);
        assert!(broken.iter().any(|f| f.name == "parse-error"), "{broken:?}");
    }

    #[test]
    fn a_tree_too_deep_to_walk_is_skipped() {
        // Within the token limits (900 brackets, a chain of 3,001 tokens), but 2,400 levels deep.
        let text = "[ ".repeat(900) + "(x" + &" + x".repeat(1_500) + ")" + &" ]".repeat(900);
        assert!(crate::nix::within_parse_limits(&text).is_ok());
        let repo = Repo::in_memory(&[("modules/nixos/deep.nix", &text)]);
        assert!(repo.file("modules/nixos/deep.nix").is_none());
        assert_eq!(repo.skipped.len(), 1);
        assert!(
            repo.skipped[0].reason.contains("2048 levels"),
            "{:?}",
            repo.skipped
        );
        let _ = repo.check();
    }

    #[test]
    fn truncated_sources_never_panic() {
        let sources = [
            include_str!("../../templates/lib/default.nix"),
            include_str!("../../templates/flake/configurations.nix"),
            include_str!("../../templates/overlays/default.nix"),
            include_str!("../../tests/fixtures/check/readdir-in-loop/modules/nixos/motd/default.nix"),
            include_str!("../../tests/fixtures/check/cache-keys/flake.nix"),
            "{ a = ../${x}/${y}.nix; b = \"${self}/${z}\"; c = import ./. { }; d = x: d (builtins.readDir x); }",
        ];
        for source in sources {
            let chars: Vec<(usize, char)> = source.char_indices().collect();
            for &(cut, _) in chars.iter().step_by(5) {
                let text = &source[..cut];
                let repo = test_repo(&[
                    ("flake.nix", text),
                    ("modules/default.nix", text),
                    (
                        "modules/nixos/default.nix",
                        "{ lib, ... }: { imports = lib.custom.scanPaths ./.; }",
                    ),
                ]);
                let _ = repo.check();
            }
        }
    }
}
