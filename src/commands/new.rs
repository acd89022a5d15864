//! `nixscaffold new`: a repository in the recommended shape, written whole or not at all.

use std::path::{Path, PathBuf};

use crate::answers::record::set_version;
use crate::answers::{Answers, AnswersFile, Platform, ANSWERS_FILE};
use crate::cli::NewArgs;
use crate::error::{exit, Error, Result};
use crate::generate::{context, plan_new, plan_shape, with_fixed, PlannedFile};
use crate::history::{self, Version};
use crate::layout::Ownership;
use crate::render::Renderer;
use crate::{git, lock, prompt, write};

pub fn run(args: &NewArgs) -> Result<i32> {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let (dir_name, dir_name_is_utf8) = directory_name(&dir)?;
    check_target(&dir)?;

    let mut file = match &args.config {
        Some(path) => AnswersFile::read(path)?,
        None => AnswersFile::default(),
    };
    file = file.overlay(flags_as_answers(args));
    if file.name.is_none() && !dir_name_is_utf8 {
        return Err(Error::usage(format!(
            "the name of {} is not UTF-8, so it cannot be the repository's name: give one with --name NAME",
            dir.display()
        )));
    }
    let asking = !args.yes && prompt::can_ask();
    if asking {
        prompt::ask_missing(&mut file, &dir_name)?;
    }
    // The machines' account is the first user, recorded so that a later add-user keeps it.
    if file.account.is_none() {
        let first = file.users.as_ref().and_then(|users| users.first());
        file.account = first.map(|user| crate::answers::split_user(user).0.to_string());
    }
    let mut answers = file
        .resolve(&dir_name)
        .map_err(|message| match &args.config {
            Some(path) => Error::usage(format!("{message} (from the flags or {})", path.display())),
            None => Error::usage(message),
        })?;

    // A recorded repository keeps the namespace it has; a new one never starts with a broken one.
    answers.check_new().map_err(Error::usage)?;

    // The override is recorded (absolute), so that `check` and `add-*` render what `new` rendered.
    let renderer = match &args.template {
        Some(dir) => {
            let renderer = Renderer::new(Some(dir))?;
            answers.templates =
                Some(std::fs::canonicalize(dir).map_err(|e| Error::io("resolve", dir, e))?);
            renderer
        }
        None => answers.renderer(&dir)?,
    };
    let files = match &args.as_version {
        None => plan_new(&answers, &renderer)?,
        Some(version) => plan_as_version(&answers, version)?,
    };

    if args.dry_run {
        say!("Would create {} with {} files:", dir.display(), files.len());
        for file in &files {
            say!("  {}", file.path);
        }
        say!("(dry run: nothing was written)");
        return Ok(exit::OK);
    }

    if asking && !prompt::confirm(&answers, &dir, files.len())? {
        say!("Nothing was written.");
        return Ok(exit::OK);
    }
    let mut transaction = write::Transaction::new(&dir);
    transaction.create_root()?;
    // One writer at a time, until the files are written and added to git; under the lock the
    // directory is checked again, as another run may have filled it meanwhile.
    let _lock = lock::acquire(&dir)?;
    check_target(&dir)?;
    for file in &files {
        transaction.write(file)?;
    }
    let written = transaction.commit();
    say!("Created {} ({} files):", dir.display(), written.len());
    for file in &files {
        say!("  {}", file.path);
    }
    if !args.no_git {
        let relative: Vec<PathBuf> = files.iter().map(|f| PathBuf::from(&f.path)).collect();
        git::report_created(&dir, &relative);
    }
    print_next_steps(&dir, &answers);
    Ok(exit::OK)
}

/// What a stored older version wrote for these answers (`--as-version`, hidden): how the tests
/// make a repository for `update` to update.
fn plan_as_version(answers: &Answers, version: &str) -> Result<Vec<PlannedFile>> {
    let shape = Version::parse(version)
        .map(|v| history::shape(&v))
        .transpose()?
        .flatten()
        .ok_or_else(|| Error::usage(format!("--as-version {version}: no such stored version")))?;
    let renderer = shape.renderer(answers.templates.as_deref())?;
    let context = with_fixed(context(answers), &shape.context);
    let mut files = plan_shape(shape.parts, answers, &context, &renderer)?;
    let yaml = set_version(&answers.to_yaml()?, version)
        .ok_or_else(|| Error::Internal("cannot record the version".into()))?;
    files.push(PlannedFile {
        path: ANSWERS_FILE.into(),
        contents: yaml,
        ownership: Ownership::Starter,
    });
    Ok(files)
}

/// The directory's own name, for the default repository name, even for `.`; and whether it is
/// UTF-8 (when not, the name shown is lossy and must not be used).
fn directory_name(dir: &Path) -> Result<(String, bool)> {
    let absolute = std::path::absolute(dir).map_err(|e| Error::io("resolve", dir, e))?;
    let name = absolute
        .components()
        .next_back()
        .and_then(|c| match c {
            std::path::Component::Normal(name) => Some(name.to_owned()),
            _ => None,
        })
        .unwrap_or_else(|| "nix-config".into());
    Ok(match name.into_string() {
        Ok(name) => (name, true),
        Err(name) => (name.to_string_lossy().into_owned(), false),
    })
}

/// A new directory, or an empty one (a lone `.git` is allowed: a freshly cloned empty repository).
fn check_target(dir: &Path) -> Result<()> {
    let meta = match std::fs::symlink_metadata(dir) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io("inspect", dir, e)),
    };
    if meta.file_type().is_symlink() {
        return Err(Error::usage(format!(
            "{} is a symbolic link; give the real directory instead",
            dir.display()
        )));
    }
    if !meta.is_dir() {
        return Err(Error::usage(format!(
            "{} exists and is not a directory",
            dir.display()
        )));
    }
    let mut entries: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| Error::io("read directory", dir, e))?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name != ".git")
        .collect();
    if entries.is_empty() {
        return Ok(());
    }
    entries.sort();
    let shown: Vec<&str> = entries.iter().take(3).map(String::as_str).collect();
    Err(Error::usage(format!(
        "{} is not empty (it has {}{}); nixscaffold new only writes into a new or empty directory. \
         To grow an existing repository use `nixscaffold add-*`; to audit it, `nixscaffold check`",
        dir.display(),
        shown.join(", "),
        if entries.len() > 3 { ", …" } else { "" }
    )))
}

fn flags_as_answers(args: &NewArgs) -> AnswersFile {
    let some_vec = |v: &Vec<String>| (!v.is_empty()).then(|| v.clone());
    AnswersFile {
        version: None,
        name: args.name.clone(),
        description: args.description.clone(),
        platforms: (!args.platforms.is_empty()).then(|| args.platforms.clone()),
        systems: some_vec(&args.systems),
        hosts: some_vec(&args.hosts),
        users: some_vec(&args.users),
        caches: some_vec(&args.caches),
        overlays: (!args.overlays.is_empty()).then(|| args.overlays.clone()),
        namespace: args.namespace.clone(),
        auto_import: args.auto_import,
        layout: None,
        templates: None,
        state_version: args.state_version.clone(),
        home_manager: args.home_manager,
        account: None,
        ci: args.ci,
        lint: (!args.lint.is_empty()).then(|| args.lint.clone()),
        check: None,
        eval: None,
    }
}

fn print_next_steps(dir: &Path, answers: &Answers) {
    let mut steps: Vec<(String, String)> = Vec::new();
    if dir != Path::new(".") {
        steps.push((format!("cd {}", dir.display()), String::new()));
    }
    steps.push(("nix flake show".into(), "the outputs".into()));
    for host in &answers.hosts {
        let row = host.platform.row();
        if host.platform == Platform::Nixos {
            let hardware = crate::layout::part(crate::layout::Role::HostHardware(Platform::Nixos))
                .map(|part| part.path.render(Some(&host.name)))
                .unwrap_or_default();
            let step = format!("nixos-generate-config --show-hardware-config > {hardware}");
            steps.push((step, format!("on {}, before its first switch", host.name)));
        }
        let step = format!("{} switch --flake .#{}", row.first_switch, host.name);
        steps.push((step, format!("{} {}: first switch", row.label, host.name)));
    }
    if answers.has(Platform::Home) && answers.home_manager.standalone() {
        for user in &answers.users {
            let row = Platform::Home.row();
            let step = format!("{} switch --flake .#{user}", row.first_switch);
            steps.push((step, format!("{} of {user}: first switch", row.label)));
        }
    }
    let module = format!("nixscaffold add-module {}/NAME", answers.platforms[0]);
    steps.push((module, "grow it".into()));
    steps.push(("nixscaffold check".into(), "still in shape?".into()));
    let width = steps.iter().map(|(step, _)| step.len()).max().unwrap_or(0);
    say!("\nNext steps:");
    for (step, why) in steps {
        if why.is_empty() {
            say!("  {step}");
        } else {
            say!("  {step:width$}  # {why}");
        }
    }
}
