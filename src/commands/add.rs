//! `nixscaffold add-module`, `add-host`, `add-user` and `add-package`: one implementation over the
//! kinds in `additions.rs`. Everything is checked and rendered before anything is written; then the
//! new files are written all or nothing, never over an existing file.

use std::ffi::OsStr;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use crate::additions::{Kind, Layout, Record, Requires, Scope, Source};
use crate::answers::{check_system, read_text, Answers, Host, Platform, ANSWERS_FILE};
use crate::cli::{AddArgs, LayoutArgs};
use crate::error::{exit, Error, Result};
use crate::generate::{self, PlannedFile};
use crate::layout::{Each, Ownership, AUTO_IMPORT_TEMPLATE, PARTS};
use crate::names::check_attr_name;
use crate::render::Renderer;
use crate::{git, record, write};

/// One `add-*` invocation, whatever its kind.
pub struct Request<'a> {
    pub kind: &'static Kind,
    /// The argument as given: `home/shell/zsh`, `nixos/server@aarch64-linux`, `alice`.
    pub target: &'a OsStr,
    /// `--repo`; else the nearest directory upwards with a `flake.nix`.
    pub repo: Option<&'a Path>,
    pub as_file: bool,
    pub as_dir: bool,
    pub dry_run: bool,
    pub no_git: bool,
}

/// Runs an `add-*` subcommand from its parsed flags; `layout` for the kinds that have a choice.
pub fn from_cli(
    kind: &'static Kind,
    target: &OsStr,
    args: &AddArgs,
    layout: Option<&LayoutArgs>,
) -> Result<i32> {
    run(&Request {
        kind,
        target,
        repo: args.repo.as_deref(),
        as_file: layout.is_some_and(|l| l.as_file),
        as_dir: layout.is_some_and(|l| l.as_dir),
        dry_run: args.dry_run,
        no_git: args.no_git,
    })
}

pub fn run(request: &Request) -> Result<i32> {
    let (repo, what, plan) = prepare(request)?;
    for warning in &plan.warnings {
        tell!("warning: {warning}");
    }
    if request.dry_run {
        say!("Would create {what} in {}:", repo.display());
        print_files(&plan.files);
        match &plan.record {
            Some(edit) => say!(
                "Would add {} to `{}` in {ANSWERS_FILE}.",
                edit.item,
                edit.key
            ),
            None => print_record_note(&plan),
        }
        say!("(dry run: nothing was written)");
        return Ok(exit::OK);
    }

    apply(&repo, &plan)?;

    say!("Created {what} in {}:", repo.display());
    print_files(&plan.files);
    match &plan.record {
        Some(edit) => say!(
            "Recorded {} under `{}` in {ANSWERS_FILE}.",
            edit.item,
            edit.key
        ),
        None => print_record_note(&plan),
    }
    say!("{}", plan.next);
    if !request.no_git {
        report_git(&repo, &plan.files);
    }
    Ok(exit::OK)
}

/// Does what `run` does, printing nothing and touching no git index: for tests and fuzzing.
/// Returns the paths written (with `dry_run`, that would be written), relative to the repository.
pub fn add_quietly(request: &Request) -> Result<Vec<String>> {
    let (repo, _, plan) = prepare(request)?;
    if !request.dry_run {
        apply(&repo, &plan)?;
    }
    Ok(plan.files.into_iter().map(|file| file.path).collect())
}

/// Everything checked and rendered, nothing written: the repository, what is added, the plan.
fn prepare(request: &Request) -> Result<(PathBuf, String, Plan)> {
    let kind = request.kind;
    let target = parse_target(kind, request.target)?;
    let repo = find_repo(request.repo)?;
    let answers = Answers::read(&repo)?.ok_or_else(|| not_adopted(&repo))?;
    let scope = choose_scope(kind, &target, &answers)?;
    let layout = choose_layout(kind, request)?;
    let plan = plan(kind, scope, &target, layout, &answers, &repo)?;
    let what = format!("{} {}", kind.noun, target.text);
    Ok((repo, what, plan))
}

/// Writes the plan's files and its edit of `.nixscaffold.yaml`, all or nothing.
fn apply(repo: &Path, plan: &Plan) -> Result<()> {
    let mut transaction = write::Transaction::new(repo);
    for file in &plan.files {
        transaction.write(file)?;
    }
    if let Some(edit) = &plan.record {
        record::replace_file(&repo.join(ANSWERS_FILE), &edit.text)?;
    }
    transaction.commit();
    Ok(())
}

/// The argument, taken apart: the word before the slash, the path's segments, an `@SYSTEM`.
#[derive(Debug)]
struct Target {
    text: String,
    scope: String,
    segments: Vec<String>,
    system: Option<String>,
}

fn parse_target(kind: &Kind, raw: &OsStr) -> Result<Target> {
    let usage = |why: String| {
        Error::usage(format!(
            "{why}\n  usage: nixscaffold {} {}   e.g. nixscaffold {} {}",
            kind.command, kind.argument, kind.command, kind.example
        ))
    };
    let Some(text) = raw.to_str() else {
        return Err(usage(format!(
            "`{}` is not valid UTF-8; a {} name is ASCII letters, digits, '-' and '_'",
            raw.to_string_lossy(),
            kind.noun
        )));
    };
    if text.is_empty() {
        return Err(usage(format!("the {} is empty", kind.argument)));
    }
    if text.starts_with('/') {
        return Err(usage(format!(
            "`{text}` is an absolute path; give {} inside the repository's shape, not a file path",
            kind.argument
        )));
    }
    let parts: Vec<&str> = text.split('/').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(usage(format!(
            "`{text}` has an empty segment (`//`, or a `/` at the start or end)"
        )));
    }
    if parts.iter().any(|p| *p == ".." || *p == ".") {
        return Err(usage(format!(
            "`{text}` contains `.` or `..`; a {} path stays inside its tree and names each directory",
            kind.noun
        )));
    }
    let (scope, rest) = match kind.scope_word {
        Some(word) => {
            if parts.len() < 2 {
                return Err(usage(format!(
                    "`{text}` is not {}: it needs the {word} before a `/`",
                    kind.argument
                )));
            }
            (parts[0].to_string(), &parts[1..])
        }
        None => (String::new(), &parts[..]),
    };
    if !kind.nested && rest.len() > 1 {
        return Err(usage(format!(
            "`{text}`: a {} is one NAME, not a path",
            kind.noun
        )));
    }
    let mut segments: Vec<String> = rest.iter().map(|s| (*s).to_string()).collect();
    let mut system = None;
    if kind.system_suffix {
        if let Some(last) = segments.last_mut() {
            if let Some((name, sys)) = last.split_once('@') {
                system = Some(sys.to_string());
                *last = name.to_string();
            }
        }
    }
    for segment in &segments {
        if segment.ends_with(".nix") {
            return Err(usage(format!(
                "`{text}`: leave out `.nix`; the {} gets its file name from its layout",
                kind.noun
            )));
        }
        check_attr_name(segment).map_err(|why| {
            usage(format!(
                "`{segment}` in `{text}` is not a valid {} name: {why}",
                kind.noun
            ))
        })?;
    }
    if let Some(system) = &system {
        check_system(system).map_err(usage)?;
    }
    Ok(Target {
        text: text.to_string(),
        scope,
        segments,
        system,
    })
}

/// The repository: `--repo`, or the nearest directory with a `flake.nix` from here upwards.
fn find_repo(given: Option<&Path>) -> Result<PathBuf> {
    let repo = match given {
        Some(dir) => {
            if !dir.is_dir() {
                return Err(Error::usage(format!(
                    "--repo {}: not a directory",
                    dir.display()
                )));
            }
            if !dir.join("flake.nix").is_file() {
                return Err(Error::usage(format!(
                    "--repo {}: there is no flake.nix there; give the repository's top directory",
                    dir.display()
                )));
            }
            dir.to_path_buf()
        }
        None => {
            let here = std::env::current_dir()
                .map_err(|e| Error::io("find", Path::new("the current directory"), e))?;
            here.ancestors()
                .find(|dir| dir.join("flake.nix").is_file())
                .map(Path::to_path_buf)
                .ok_or_else(|| {
                    Error::usage(format!(
                        "no flake.nix in {} or any directory above it; run this inside a repository made by \
                         `nixscaffold new`, or give --repo REPO",
                        here.display()
                    ))
                })?
        }
    };
    std::fs::canonicalize(&repo).map_err(|e| Error::io("resolve", &repo, e))
}

const ADOPT: &str = "To adopt it, give it what `nixscaffold new` writes (`nixscaffold new /tmp/reference --yes` \
makes a copy to compare with): a .nixscaffold.yaml naming its `platforms` and option `namespace`, \
lib/default.nix with scanPaths passed to every module system as lib.custom, and for each platform a \
modules/PLATFORM/default.nix that is only `{ lib, ... }: { imports = lib.custom.scanPaths ./.; }`. \
Then run this command again.";

fn not_adopted(repo: &Path) -> Error {
    Error::usage(format!(
        "{} was not made by `nixscaffold new`: it has no {ANSWERS_FILE}, so its platforms, module trees \
         and option namespace are unknown and nothing was added. {ADOPT}",
        repo.display()
    ))
}

fn describe(requires: Requires) -> String {
    match requires {
        Requires::Platform(platform) => format!("the {platform} platform"),
        Requires::Overlay(set) => format!("the {} overlay", set.attr()),
    }
}

fn choose_scope<'k>(kind: &'k Kind, target: &Target, answers: &Answers) -> Result<&'k Scope> {
    let present: Vec<&str> = kind
        .scopes_in(answers)
        .iter()
        .map(|scope| scope.word)
        .collect();
    let listed = if present.is_empty() {
        "none".to_string()
    } else {
        present.join(", ")
    };
    match (kind.scope(&target.scope), kind.scope_word) {
        (Some(scope), _) if scope.requires.met_by(answers) => Ok(scope),
        (Some(scope), Some(word)) => Err(Error::usage(format!(
            "`{}` is not a {word} of this repository: it has {listed} ({ANSWERS_FILE} lists its \
             choices; a repository without {} has nowhere to put the {})",
            target.scope,
            describe(scope.requires),
            kind.noun
        ))),
        (Some(scope), None) => Err(Error::usage(format!(
            "this repository does not have {} ({ANSWERS_FILE}), so it has no {}s",
            describe(scope.requires),
            kind.noun
        ))),
        (None, word) => Err(Error::usage(format!(
            "unknown {} `{}` in `{}`: this repository has {listed}",
            word.unwrap_or("scope"),
            target.scope,
            target.text
        ))),
    }
}

fn choose_layout(kind: &Kind, request: &Request) -> Result<Layout> {
    let wanted = |file: bool| {
        kind.layouts
            .iter()
            .copied()
            .find(|layout| matches!(layout, Layout::File) == file)
            .ok_or_else(|| {
                Error::usage(format!(
                    "{} has no {} layout",
                    kind.command,
                    if file { "--as-file" } else { "--as-dir" }
                ))
            })
    };
    match (request.as_file, request.as_dir) {
        (true, true) => Err(Error::usage("--as-file and --as-dir exclude each other")),
        (true, false) => wanted(true),
        (false, true) => wanted(false),
        (false, false) => Ok(kind.layouts[0]),
    }
}

/// A list item to add to `.nixscaffold.yaml`, with the whole new text of the file.
struct RecordEdit {
    key: &'static str,
    item: String,
    text: String,
}

struct Plan {
    files: Vec<PlannedFile>,
    record: Option<RecordEdit>,
    /// Why nothing is recorded although the kind is recorded, when that is so.
    record_note: Option<String>,
    warnings: Vec<String>,
    /// What to do next, rendered from the kind's `next`.
    next: String,
}

fn plan(
    kind: &Kind,
    scope: &Scope,
    target: &Target,
    layout: Layout,
    answers: &Answers,
    repo: &Path,
) -> Result<Plan> {
    let renderer = Renderer::new(None)?;
    let mut warnings = Vec::new();
    let (name, dirs) = target
        .segments
        .split_last()
        .ok_or_else(|| Error::Internal("an empty target passed parsing".into()))?;
    let parent = std::iter::once(scope.root.to_string())
        .chain(dirs.iter().cloned())
        .collect::<Vec<_>>()
        .join("/");

    // Nothing is read or written through a link: the tree could be anywhere.
    refuse_links(repo, &parent)?;

    if scope.tree {
        let root_file = format!("{}/default.nix", scope.root);
        match read_if_present(repo, &root_file)? {
            Some(text) => warn_unless_auto_import(&root_file, &text, &mut warnings),
            None => {
                return Err(Error::usage(format!(
                    "{} has no {} {} tree: {root_file} is missing, so nothing was added. {ADOPT}",
                    repo.display(),
                    scope.word,
                    kind.noun
                )))
            }
        }
    }

    // Never over anything: not the file, nor the other layout's file or directory of the same name.
    for other in kind.layouts {
        let claimed = format!("{parent}/{}", other.claims(name));
        if present(repo, &claimed)? {
            return Err(Error::usage(format!(
                "{claimed} already exists in {}; nixscaffold never overwrites (choose another name, or \
                 move it away first)",
                repo.display()
            )));
        }
    }

    let host = match (kind.system_suffix, scope.requires) {
        (true, Requires::Platform(platform)) => Some(host_for(target, platform, name, answers)?),
        _ => None,
    };

    let path = format!("{parent}/{}", layout.file_name(name));
    let mut context = generate::context(answers);
    let mut scope_context = Map::new();
    scope_context.insert("word".into(), json!(scope.word));
    scope_context.insert("root".into(), json!(scope.root));
    for (key, value) in scope.vars {
        scope_context.insert((*key).into(), json!(value));
    }
    let dotted = target.segments.join(".");
    context["scope"] = Value::Object(scope_context);
    context["entry"] = json!({
        "name": name,
        "path": dotted,
        "option": format!("{}.{dotted}", answers.namespace),
        "file": path,
        "identifier": name.replace('-', "_"),
        "system": host.as_ref().and_then(|h| h.system.clone()),
    });

    let mut files = Vec::new();
    // Each new directory between the tree's root and the entry auto-imports its contents.
    let mut dir = scope.root.to_string();
    for segment in dirs {
        // A module file of the same name: `a.nix` and a directory `a/` would both be the module `a`.
        let file_module = format!("{dir}/{segment}.nix");
        if present(repo, &file_module)? {
            return Err(Error::usage(format!(
                "{file_module} already exists in {}: `{segment}` is a module file, so it cannot also be \
                 a directory of modules. To grow it, move it to {dir}/{segment}/default.nix first \
                 (the layout `--as-dir` writes), then run this again",
                repo.display()
            )));
        }
        dir = format!("{dir}/{segment}");
        let default = format!("{dir}/default.nix");
        match read_if_present(repo, &default)? {
            Some(text) => warn_unless_auto_import(&default, &text, &mut warnings),
            None => files.push(PlannedFile {
                path: default,
                contents: renderer.render(AUTO_IMPORT_TEMPLATE, &context)?,
                ownership: Ownership::Managed,
            }),
        }
    }

    files.push(match scope.source {
        Source::Template(template) => PlannedFile {
            path: path.clone(),
            contents: renderer.render(template, &context)?,
            ownership: Ownership::Starter,
        },
        Source::Part(each) => render_part(each, answers, name, host.as_ref(), &renderer, &path)?,
    });

    let (record, record_note) = plan_record(
        kind.record,
        answers,
        name,
        host.as_ref(),
        repo,
        &mut warnings,
    )?;
    let next = renderer.render_path(kind.next, &context)?;
    Ok(Plan {
        files,
        record,
        record_note,
        warnings,
        next,
    })
}

/// Whether `relative` exists (as anything, a dangling link too). A file where a directory on the
/// way should be counts as absent here: writing then stops at that file, with its own message.
fn present(repo: &Path, relative: &str) -> Result<bool> {
    let path = repo.join(relative);
    match std::fs::symlink_metadata(&path) {
        Ok(_) => Ok(true),
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => Ok(false),
        Err(e) => Err(Error::io("inspect", &path, e)),
    }
}

/// The text of `relative`, `None` when it does not exist. Any other failure (not UTF-8, a
/// directory, no permission) is an error: such a file is neither missing nor safe to write over.
fn read_if_present(repo: &Path, relative: &str) -> Result<Option<String>> {
    if !present(repo, relative)? {
        return Ok(None);
    }
    read_text(&repo.join(relative)).map(Some)
}

/// Refuses when `relative` (a directory path inside `repo`) or any directory above it inside the
/// repository is a symbolic link: a tree behind a link may be outside the repository.
fn refuse_links(repo: &Path, relative: &str) -> Result<()> {
    let mut path = repo.to_path_buf();
    for segment in relative.split('/') {
        path.push(segment);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let points_to = std::fs::read_link(&path)
                    .map(|target| format!(" (it points to {})", target.display()))
                    .unwrap_or_default();
                return Err(Error::usage(format!(
                    "{} is a symbolic link{points_to}; nixscaffold does not read or write through links, \
                     as the files could land outside the repository. Replace the link with the directory \
                     itself, or add the file by hand",
                    path.display()
                )));
            }
            Ok(_) => {}
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

fn warn_unless_auto_import(file: &str, text: &str, warnings: &mut Vec<String>) {
    if !text.contains("scanPaths") {
        warnings.push(format!(
            "{file} does not auto-import its directory (no scanPaths): import the new file from it by hand"
        ));
    }
}

/// The host being added, with its system: the one given, else the first the repository builds
/// that runs the platform.
fn host_for(target: &Target, platform: Platform, name: &str, answers: &Answers) -> Result<Host> {
    let mut host = Host {
        platform,
        name: name.to_string(),
        system: target.system.clone(),
    };
    match &host.system {
        Some(system) if !platform.runs_on(system) => Err(Error::usage(format!(
            "`{}`: {platform} does not run on {system}",
            target.text
        ))),
        Some(_) => Ok(host),
        None => {
            host.system = answers.host_system(&host);
            if host.system.is_none() {
                return Err(Error::usage(format!(
                    "no system of this repository runs {platform}; give one: {platform}/{name}@SYSTEM"
                )));
            }
            Ok(host)
        }
    }
}

/// Renders the part of the shape that `new` renders for one host or user, for just this one.
fn render_part(
    each: Each,
    answers: &Answers,
    name: &str,
    host: Option<&Host>,
    renderer: &Renderer,
    path: &str,
) -> Result<PlannedFile> {
    let part = PARTS
        .iter()
        .find(|part| part.each == each)
        .ok_or_else(|| Error::Internal(format!("no part of the shape for {each:?}")))?;
    let mut one = answers.clone();
    match each {
        Each::Host(_) => {
            one.hosts = host.cloned().into_iter().collect();
        }
        Each::User => one.users = vec![name.to_string()],
        _ => {}
    }
    let mut files = generate::plan_part(part, &one, renderer)?;
    match (files.pop(), files.is_empty()) {
        (Some(file), true) if file.path == path => Ok(file),
        (file, _) => Err(Error::Internal(format!(
            "the shape renders {:?} where {path} was expected",
            file.map(|f| f.path)
        ))),
    }
}

fn plan_record(
    kind: Record,
    answers: &Answers,
    name: &str,
    host: Option<&Host>,
    repo: &Path,
    warnings: &mut Vec<String>,
) -> Result<(Option<RecordEdit>, Option<String>)> {
    let Some(key) = kind.key() else {
        return Ok((None, None));
    };
    let mut expected = answers.clone();
    let (item, current, listed) = match (kind, host) {
        (Record::Hosts, Some(host)) => {
            let listed = answers
                .hosts
                .iter()
                .any(|h| h.platform == host.platform && h.name == host.name);
            expected.hosts.push(host.clone());
            let current = answers.hosts.iter().map(Host::to_string).collect();
            (host.to_string(), current, listed)
        }
        (Record::Users, _) => {
            expected.users.push(name.to_string());
            let listed = answers.users.iter().any(|u| u == name);
            (name.to_string(), answers.users.clone(), listed)
        }
        _ => return Err(Error::Internal("a host record without a host".into())),
    };
    if listed {
        return Ok((
            None,
            Some(format!(
                "{ANSWERS_FILE} already lists {item} under `{key}`."
            )),
        ));
    }
    let path = repo.join(ANSWERS_FILE);
    let text = read_text(&path)?;
    let dir_name = repo
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config".into());
    let edited = record::append_item(&text, key, &item, &current)
        .filter(|edited| record::edit_is_exact(edited, &dir_name, &expected));
    let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
    match edited {
        Some(text) if !is_link => Ok((Some(RecordEdit { key, item, text }), None)),
        _ => {
            warnings.push(format!(
                "{ANSWERS_FILE} is left alone: its `{key}` list is written in a form nixscaffold does \
                 not edit safely. Add `{item}` to it by hand so `check` knows it."
            ));
            Ok((None, None))
        }
    }
}

fn print_files(files: &[PlannedFile]) {
    for file in files {
        if file.ownership == Ownership::Managed {
            say!("  {}  (auto-imports its directory)", file.path);
        } else {
            say!("  {}", file.path);
        }
    }
}

fn print_record_note(plan: &Plan) {
    if let Some(note) = &plan.record_note {
        say!("{note}");
    }
}

/// A flake sees only tracked files: add the new ones to the index, leaving everything else alone.
fn report_git(repo: &Path, files: &[PlannedFile]) {
    let Some(top) = git::work_tree(repo) else {
        say!("(not in a git work tree: nothing was added to git)");
        return;
    };
    let relative: Vec<PathBuf> = files.iter().map(|f| PathBuf::from(&f.path)).collect();
    match git::add(repo, &relative, true) {
        Ok(()) => say!(
            "Added the new files to the git index of {} (git add --intent-to-add): a flake sees only \
             tracked files.",
            top.display()
        ),
        Err(why) => tell!(
            "warning: {why}\n         The files are written, but a flake sees only files git tracks: \
             `git add --intent-to-add` them."
        ),
    }
}
