//! A flake inside a git repository sees only the files git tracks, so what we create must be added.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Variables that point git at another repository, index or object store than the one in the
/// directory it is run in (exported by a user, or set for a hook). They are removed from every git
/// nixscaffold runs: it writes to one repository, and stages there.
const REDIRECTING: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
];

/// `git -C dir`, for the repository at `dir` whatever the environment says.
pub fn command(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command.arg("-C").arg(dir);
    for variable in REDIRECTING {
        command.env_remove(variable);
    }
    command
}

/// Where `dir` is, for git.
#[derive(Debug, PartialEq, Eq)]
pub enum Place {
    /// Inside the work tree whose top is this.
    WorkTree(PathBuf),
    /// Not inside a work tree.
    Outside,
    /// git could not be run (not installed, or not on PATH).
    NoGit,
}

/// Where `dir` is, for git.
pub fn place(dir: &Path) -> Place {
    let output = match command(dir).args(["rev-parse", "--show-toplevel"]).output() {
        Ok(output) => output,
        Err(_) => return Place::NoGit,
    };
    match String::from_utf8(output.stdout) {
        Ok(top) if output.status.success() => Place::WorkTree(PathBuf::from(top.trim_end())),
        _ => Place::Outside,
    }
}

/// The top of the git work tree that contains `dir`, if any (and if git is installed).
pub fn work_tree(dir: &Path) -> Option<PathBuf> {
    match place(dir) {
        Place::WorkTree(top) => Some(top),
        _ => None,
    }
}

/// Whether `dir` or a directory above it has a `.git`: a repository, seen without git.
fn looks_like_a_repository(dir: &Path) -> bool {
    dir.ancestors().any(|d| d.join(".git").exists())
}

/// Stages `files` (relative to `dir`) with `git add`, as `add-*` do, and says so: the next
/// `git commit` takes them, and `git checkout -- .` cannot empty them. `what` names the files in
/// the message. Outside a work tree nothing is added. Failing git is a warning, never an error.
pub fn report_added(dir: &Path, files: &[PathBuf], what: &str) {
    let top = match place(dir) {
        Place::WorkTree(top) => top,
        Place::Outside => {
            say!("(not in a git work tree: nothing was added to git)");
            return;
        }
        Place::NoGit => {
            tell!("{}", no_git_warning(dir, files, false));
            return;
        }
    };
    match add(dir, files, false) {
        Ok(()) => say!(
            "Staged {what} in the git repository {} (git add; --no-git skips this): a flake sees \
             only tracked files, and `git commit` takes them.",
            top.display()
        ),
        Err(why) => tell!(
            "warning: {why}\n         The files are written, but a flake sees only files git tracks: \
             run `{}`.",
            add_command(dir, files, false)
        ),
    }
}

/// Adds the files of a new repository to git and says what happened: with `git add
/// --intent-to-add` inside an existing work tree, else in a new repository (`git init`) with the
/// files staged. Failing git is a warning, never an error.
pub fn report_created(dir: &Path, files: &[PathBuf]) {
    let outcome = match place(dir) {
        Place::WorkTree(top) => add(dir, files, true).map(|()| {
            format!(
                "Added the files to the git index of {} (git add --intent-to-add): a flake sees only \
                 tracked files.",
                top.display()
            )
        }),
        Place::Outside => init(dir).and_then(|()| add(dir, files, false)).map(|()| {
            "Initialized a git repository and staged the files: a flake sees only tracked files."
                .to_string()
        }),
        Place::NoGit => {
            tell!("{}", no_git_warning(dir, files, true));
            return;
        }
    };
    match outcome {
        Ok(message) => say!("{message}"),
        Err(why) => tell!(
            "warning: {why}\n         The files are written, but a flake sees only files git tracks: \
             run `git init && git add .` in {}.",
            dir.display()
        ),
    }
}

/// The paths among `files` (relative to `dir`) that git reports as changed, staged or untracked:
/// `git status --porcelain`'s lines for them. Empty outside a work tree; `Err` when git fails.
pub fn dirty(dir: &Path, files: &[PathBuf]) -> Result<Vec<String>, String> {
    if files.is_empty() || work_tree(dir).is_none() {
        return Ok(Vec::new());
    }
    let output = command(dir)
        .args(["status", "--porcelain=v1", "--untracked-files=all", "--"])
        .args(files)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "git status failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect())
}

/// The command that stages `files` in `dir`, for the user to run.
fn add_command(dir: &Path, files: &[PathBuf], intent_to_add: bool) -> String {
    let files: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    format!(
        "git -C {} add {}-- {}",
        dir.display(),
        if intent_to_add {
            "--intent-to-add "
        } else {
            ""
        },
        files.join(" ")
    )
}

fn no_git_warning(dir: &Path, files: &[PathBuf], new: bool) -> String {
    let missing =
        "warning: git was not found (it is not installed, or not on PATH), so nothing was \
                   added to git.";
    if looks_like_a_repository(dir) {
        format!(
            "{missing}\n         {} is in a git repository, and a flake there sees only the files git \
             tracks: it will not see the new files until you run `{}`.",
            dir.display(),
            add_command(dir, files, new)
        )
    } else if new {
        format!(
            "{missing}\n         The flake works from this directory as it is; once it is a git \
             repository, a flake sees only the files git tracks: run `git init && git add .` in {}.",
            dir.display()
        )
    } else {
        format!(
            "{missing}\n         If {} becomes a git repository, a flake there sees only the files \
             git tracks: `git add` the new files then.",
            dir.display()
        )
    }
}

pub fn init(dir: &Path) -> Result<(), String> {
    run(dir, &["init", "--quiet"], &[])
}

/// `git add` of `files`, relative to `dir` (or `git add --intent-to-add`, which records the files without staging their content).
pub fn add(dir: &Path, files: &[PathBuf], intent_to_add: bool) -> Result<(), String> {
    let mut args = vec!["add"];
    if intent_to_add {
        args.push("--intent-to-add");
    }
    args.push("--");
    run(dir, &args, files)
}

/// Runs git in `dir`. Another git holding the index (`index.lock`) is waited for briefly (about
/// 3 s in all) before the failure is returned.
fn run(dir: &Path, args: &[&str], files: &[PathBuf]) -> Result<(), String> {
    let mut delay = Duration::from_millis(50);
    let mut attempt = 0;
    loop {
        let output = command(dir)
            .args(args)
            .args(files)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if output.status.success() {
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        if stderr.contains("index.lock") && attempt < 8 {
            std::thread::sleep(delay);
            delay = (delay * 2).min(Duration::from_millis(500));
            attempt += 1;
            continue;
        }
        return Err(format!("git {} failed: {}", args.join(" "), stderr.trim()));
    }
}

/// Stages a change of files in the index: `present` added, `gone` removed from it.
pub fn stage(dir: &Path, present: &[PathBuf], gone: &[PathBuf]) -> Result<(), String> {
    if !gone.is_empty() {
        run(
            dir,
            &["rm", "-r", "--cached", "--quiet", "--ignore-unmatch", "--"],
            gone,
        )?;
    }
    if !present.is_empty() {
        run(dir, &["add", "--"], present)?;
    }
    Ok(())
}
