//! The command line, defined once: help, completions and the README's reference come from here.

use std::ffi::OsString;
use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::answers::{Backend, OverlaySet, Platform};

const EXIT_CODES: &str = "\
Exit codes:
  0  success (for `check`: no findings)
  1  `check` found drift or findings; `eval`: a configuration grew over a budget;
     `update` left conflicts (or, with --check, has an update)
  2  usage or I/O error; nothing was changed";

#[derive(Debug, Parser)]
#[command(
    name = "nixscaffold",
    version,
    about = "Create, grow and audit Nix flake repositories in the recommended flake-parts shape",
    long_about = "Create, grow and audit Nix flake repositories (NixOS, nix-darwin, home-manager) in the \
recommended flake-parts shape: auto-imported module trees, one central module registry, per-platform \
overlays, a configured pkgs and binary caches.\n\nnixscaffold deletes no file but in migrate. new and add-* never overwrite one (their one edit: add-host and \
add-user record the new name in .nixscaffold.yaml); update replaces only the files it merged, and \
refuses files with uncommitted changes; migrate, asked for by name, removes, renames and edits the \
files of one auto-import backend to make the other's, all or nothing, with the same refusal; check --fix replaces only the files it fixed, with the same \
refusal; adopt replaces .nixscaffold.yaml only with --force.",
    after_help = EXIT_CODES,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new flake repository in the recommended shape
    #[command(after_help = NEW_EXAMPLES)]
    New(Box<NewArgs>),
    /// Add a module with an enable option to one of the repository's module trees
    #[command(
        after_help = ADD_MODULE_EXAMPLES,
        mut_arg("as_file", |a| a.help("Write the module as one file, modules/PLATFORM/PATH.nix [default]")),
        mut_arg("as_dir", |a| a.help("Write the module as a directory, modules/PLATFORM/PATH/default.nix, \
            with room for files of its own (nothing imports them unless its default.nix does)"))
    )]
    AddModule(AddModuleArgs),
    /// Add a NixOS or nix-darwin machine: hosts/PLATFORM/NAME/default.nix
    #[command(after_help = ADD_HOST_EXAMPLES)]
    AddHost(AddHostArgs),
    /// Add a home-manager user: home/NAME/default.nix
    #[command(after_help = ADD_USER_EXAMPLES)]
    AddUser(AddUserArgs),
    /// Add a package skeleton to an overlay's package directory: pkgs/SET/NAME/package.nix
    #[command(
        after_help = ADD_PACKAGE_EXAMPLES,
        mut_arg("as_file", |a| a.help("Write the package as one file, pkgs/SET/NAME.nix")),
        mut_arg("as_dir", |a| a.help("Write the package as a directory, pkgs/SET/NAME/package.nix, \
            with room for patches and other files [default]"))
    )]
    AddPackage(AddPackageArgs),
    /// Move a repository from one auto-import backend to the other (scanpaths, import-tree)
    #[command(after_help = MIGRATE_HELP)]
    Migrate(MigrateArgs),
    /// Audit a repository against the recommended shape and the Nix rules; --fix applies the safe fixes
    #[command(after_help = CHECK_HELP)]
    Check(CheckArgs),
    /// Record an existing repository's own answers in .nixscaffold.yaml, so check and add-* follow its layout
    #[command(after_help = ADOPT_HELP)]
    Adopt(AdoptArgs),
    /// Measure what evaluating each configuration costs, and gate it on budgets
    #[command(after_help = EVAL_HELP)]
    Eval(EvalArgs),
    /// Carry this version's template improvements into a repository an older version made
    #[command(after_help = UPDATE_HELP)]
    Update(UpdateArgs),
    /// Explain a rule of `check` (by id or name), or list them all
    Explain {
        /// The rule, e.g. NS004 or orphan-file [default: list every rule]
        rule: Option<String>,
    },
    /// List the built-in templates, the files a `--template` folder can replace, or (with --vars)
    /// the variables they can use
    #[command(after_help = TEMPLATES_HELP)]
    Templates(TemplatesArgs),
    /// Print the JSON Schema of .nixscaffold.yaml, for editors and CI (e.g. `nixscaffold schema >
    /// nixscaffold.schema.json`, then point the YAML language server at it)
    Schema,
    /// Print a shell completion script (e.g. `nixscaffold completions bash > ~/.local/share/bash-completion/completions/nixscaffold`)
    Completions {
        /// The shell to complete for
        shell: clap_complete::Shell,
    },
    /// Print the man page, in roff (e.g. `nixscaffold manpage > ~/.local/share/man/man1/nixscaffold.1`),
    /// or write one page per command into a directory
    Manpage(ManpageArgs),
    /// Print this version's shape as templates-history/VERSION/shape.json records it (scripts/release.sh)
    #[command(hide = true)]
    ReleaseShape,
}

const TEMPLATES_HELP: &str = "\
Examples:
  nixscaffold templates                 # the files a --template folder can replace
  nixscaffold templates --vars          # the {{variables}} each template can use
  nixscaffold new cfg --template my-templates --yes

A --template folder holds files at the same paths as the built-in ones (e.g. hosts/nixos.nix); each
is a handlebars template rendered in strict mode: an unknown {{variable}} is an error naming the file,
line and variable.";

#[derive(Debug, Args)]
pub struct TemplatesArgs {
    /// List the variables templates can use, with the value each has for `nixscaffold new
    /// my-config --yes`, instead of the templates
    #[arg(long)]
    pub vars: bool,
}

#[derive(Debug, Args)]
pub struct ManpageArgs {
    /// Write nixscaffold.1 and one nixscaffold-COMMAND.1 per command (each with every flag) into
    /// DIR, instead of printing the main page (e.g. `--dir ~/.local/share/man/man1`)
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

const ADOPT_HELP: &str = "\
Examples:
  nixscaffold adopt --dry-run      # print the inferred .nixscaffold.yaml
  nixscaffold adopt ~/nix-config

adopt reads the repository as it is (its configurations, caches, helper library, module roots and
how it imports them) and records those choices; the file says what it inferred and what it could
not. Afterwards `check` reports drift from these choices and `add-module` writes where this
repository's modules go.

Exit codes:
  0  the file was written (or, with --dry-run, printed)
  2  usage or I/O error (an answers file exists: --force replaces it); nothing was changed";

#[derive(Debug, Args)]
pub struct AdoptArgs {
    /// The repository [default: upwards from the current directory, the outermost flake.nix
    /// inside the git work tree, else the nearest flake.nix]
    pub dir: Option<PathBuf>,

    /// The repository, as DIR
    #[arg(long, short = 'C', value_name = "REPO", conflicts_with = "dir")]
    pub repo: Option<PathBuf>,

    /// Print the file that would be written and write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Replace an existing .nixscaffold.yaml (its `check:` and `eval:` settings are lost)
    #[arg(long)]
    pub force: bool,

    /// Do not add the new file to git's index
    #[arg(long)]
    pub no_git: bool,
}

const CHECK_HELP: &str = "\
Examples:
  nixscaffold check
  nixscaffold check ~/nix-config --format json
  nixscaffold check --format github      # annotations in a GitHub Actions workflow
  nixscaffold check --format sarif > nixscaffold.sarif   # for GitHub code scanning
  cd hosts/nixos && nixscaffold check    # finds the repository's root upwards

Lints (getenv, cache-keys, ...) apply to every repository. Shape rules (missing-part,
hand-listed-imports, ...) are findings only where .nixscaffold.yaml records answers; elsewhere
check prints the distance to the shape, which does not change the exit code. A shape rule given
a severity in check.rules reports findings in any repository (`nixscaffold explain` lists kinds).

`check --fix` applies the safe, mechanical fixes (`import ./x.nix` outputs become paths, missing
auto-import files and trusted keys are added) and lists the rest; `--fix --dry-run` prints the diff
and writes nothing; files with uncommitted git changes are refused unless --allow-dirty.

Rules can be turned off or given a severity, and paths ignored, in .nixscaffold.yaml:
  check:
    rules: { orphan-file: off, NS008: error }
    ignore: [ \"vendor/**\" ]

Exit codes:
  0  no findings (the distance to the shape is no finding)
  1  findings (errors or warnings)
  2  usage or I/O error (unreadable directory, invalid .nixscaffold.yaml)";

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The repository to check, exactly this directory [default: found upwards from here, as
    /// for --repo]
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// The repository to check, as DIR [default: upwards from the current directory, the nearest
    /// directory with a flake.nix and a .nixscaffold.yaml, else the outermost one with a flake.nix
    /// inside the git work tree, else the nearest flake.nix; else the current directory]
    #[arg(long, short = 'C', value_name = "REPO", conflicts_with = "dir")]
    pub repo: Option<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,

    /// List every skipped path with its reason (by default they are counted, grouped by reason)
    #[arg(long, short)]
    pub verbose: bool,

    /// Apply the safe, mechanical fixes (edits through the syntax tree) and list the rest;
    /// `--fix=managed` also restores drifted managed files, discarding their edits
    #[arg(long, value_enum, num_args = 0..=1, require_equals = true, default_missing_value = "safe", value_name = "WHICH")]
    pub fix: Option<FixLevel>,

    /// With --fix: print the unified diff of every change and write nothing
    #[arg(long, requires = "fix")]
    pub dry_run: bool,

    /// With --fix: edit files that have uncommitted changes in git
    #[arg(long, requires = "fix")]
    pub allow_dirty: bool,
}

/// Which fixes `check --fix` applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FixLevel {
    /// Mechanical fixes that keep the meaning
    Safe,
    /// The safe fixes, and drifted managed files restored (their edits are lost)
    Managed,
}

/// The formats of a report that is not a list of findings at places in files (`eval`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Human,
    Json,
    Github,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Grouped by file, colored on a terminal unless NO_COLOR is set
    Human,
    /// One JSON document (its schema: docs/check-schema.json in nixscaffold's repository)
    Json,
    /// GitHub Actions workflow annotations, one per finding
    Github,
    /// SARIF 2.1.0, for code scanning (e.g. github/codeql-action/upload-sarif)
    Sarif,
}

const UPDATE_HELP: &str = "\
Examples:
  nixscaffold update --check              # is an update available? (exit 1 when it is)
  nixscaffold update --dry-run            # the diffs, nothing written
  nixscaffold update                      # merge, write, record the new version
  nixscaffold update --reject             # conflicts: keep your lines, the template's in FILE.rej

For every file the shape renders, a three-way merge of what the recorded version rendered for the
recorded answers (base), the file now (ours) and what this version renders (theirs). Files you never
changed are replaced; managed files and flake.nix are merged (flake.nix's inputs and nixConfig lists
as sets of entries), conflicts marked the way git marks them; other starter files you changed are
left as they are and listed with the template's diff. New parts are created; dropped ones are listed, never deleted.
.nixscaffold.yaml then records this version.

Exit codes:
  0  updated (or up to date; with --check: no update available)
  1  conflicts to resolve (with --check: an update is available)
  2  usage or I/O error, or a changed file in the way (commit it, or --allow-dirty); nothing was written";

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The repository [default: the nearest directory upwards from here with a flake.nix]
    pub dir: Option<PathBuf>,

    /// The repository, as add-* take it (the same as DIR)
    #[arg(long, short = 'C', value_name = "REPO", conflicts_with = "dir")]
    pub repo: Option<PathBuf>,

    /// Print the changes as unified diffs and write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Only say whether an update is available: exit 0 when not, 1 when it is; writes nothing
    #[arg(long, conflicts_with = "dry_run")]
    pub check: bool,

    /// Output of --check: human, or json for bots that open update pull requests
    #[arg(long, value_enum, default_value_t = UpdateFormat::Human, requires = "check")]
    pub format: UpdateFormat,

    /// Leave conflicting lines as you have them and write the template's hunks to FILE.rej,
    /// instead of conflict markers in the file
    #[arg(long)]
    pub reject: bool,

    /// Write even when files it changes have uncommitted changes in git
    #[arg(long)]
    pub allow_dirty: bool,

    /// Do not add created files to git's index
    #[arg(long)]
    pub no_git: bool,
}

const MIGRATE_HELP: &str = "\
Examples:
  nixscaffold migrate --to import-tree --dry-run
  nixscaffold migrate --to scanpaths ~/nix-config
  nixscaffold migrate --to import-tree --accept modules/nixos/_old.nix

To import-tree: removes every module directory's auto-import default.nix (migrate is the explicit
request for that), renames files import-tree would import but scanPaths did not with a `_` prefix
(rewriting the paths that name them), loads each tree with inputs.import-tree in modules/default.nix,
adds the import-tree input. To scanpaths: the reverse, a default.nix in every module directory.

Before it writes, it computes for each module tree (and flake/) the files imported before and after;
if they differ it lists the difference and changes nothing, unless each one is named with --accept.
Every change is made whole or not at all; files with uncommitted changes are refused unless
--allow-dirty. .nixscaffold.yaml records the new backend.

Exit codes:
  0  migrated (or, with --dry-run, would be; or already on that backend)
  2  usage or I/O error, a difference in the imported files, or uncommitted changes; nothing was changed";

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The backend to move to
    #[arg(long, value_name = "BACKEND")]
    pub to: Backend,

    /// The repository [default: the nearest directory upwards from here with a flake.nix]
    pub dir: Option<PathBuf>,

    /// Show what would change, with diffs, and change nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Go ahead although files it touches have uncommitted changes
    #[arg(long)]
    pub allow_dirty: bool,

    /// A file (relative to the repository) whose import may change: imported before and not after,
    /// or the reverse; repeatable
    #[arg(long, value_name = "PATH")]
    pub accept: Vec<String>,

    /// Do not stage the changes in git's index
    #[arg(long)]
    pub no_git: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum UpdateFormat {
    Human,
    Json,
}

const NEW_EXAMPLES: &str = "\
Examples:
  nixscaffold new ~/nix-config --yes
  nixscaffold new cfg --platform darwin --platform home --host darwin/mac --user alice --yes
  nixscaffold new cfg --platform nixos --host nixos/laptop --host nixos/server@aarch64-linux --yes
  nixscaffold new cfg --config answers.yaml --dry-run

Exit codes:
  0  the repository was written (or, with --dry-run, would be)
  2  usage or I/O error; nothing was written";

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Directory to create the repository in: new, or empty but for .git [default: .]
    pub dir: Option<PathBuf>,

    /// Name of the repository [default: the directory's name]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// The flake's description [default: derived from the name]
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,

    /// Platform to configure; repeat for several [default: nixos, darwin and home]
    #[arg(long = "platform", value_name = "PLATFORM")]
    pub platforms: Vec<Platform>,

    /// System to build for, e.g. x86_64-linux; repeat for several [default: from the platforms]
    #[arg(long = "system", value_name = "SYSTEM")]
    pub systems: Vec<String>,

    /// Machine to create, as nixos/NAME or darwin/NAME, optionally @SYSTEM; repeatable
    /// [default: nixos/nixos and darwin/mac for the chosen platforms]
    #[arg(long = "host", value_name = "PLATFORM/NAME[@SYSTEM]")]
    pub hosts: Vec<String>,

    /// User: the first is every machine's account (NixOS: a normal user in wheel; darwin:
    /// system.primaryUser); with home-manager, each gets a home; NAME@HOST is NAME's home on HOST
    /// only; repeatable [default: user]
    #[arg(long = "user", value_name = "NAME[@HOST]")]
    pub users: Vec<String>,

    /// The NixOS / home-manager release the machines and homes were first installed with, their
    /// stateVersion: set once, never bump it [default: 26.11, for a machine installed today]
    #[arg(long, value_name = "YY.MM")]
    pub state_version: Option<String>,

    /// How home-manager is used: standalone (homeConfigurations), module (inside every machine:
    /// home-manager.users.NAME) or both [default: standalone]
    #[arg(long, value_enum, value_name = "MODE")]
    pub home_manager: Option<crate::layout::choices::HomeManager>,

    /// CI workflow to write: github (.github/workflows/check.yml) or none [default: github]
    #[arg(long, value_enum, value_name = "CI")]
    pub ci: Option<crate::layout::choices::Ci>,

    /// Linter that `nix flake check` runs: deadnix, statix; repeatable or comma-separated
    /// [default: none]
    #[arg(long, value_enum, value_delimiter = ',', value_name = "LINTER")]
    pub lint: Vec<crate::layout::choices::Lint>,

    /// Binary cache: a known one (nix-community, numtide, lix, yazi, wezterm, hyprland, garnix,
    /// devenv) or URL=KEY; repeatable [default: nix-community]
    #[arg(long = "cache", value_name = "NAME|URL=KEY")]
    pub caches: Vec<String>,

    /// Overlay set to create; repeatable [default: custom and customPypi, plus customDarwin with darwin]
    #[arg(long = "overlay", value_name = "SET")]
    pub overlays: Vec<OverlaySet>,

    /// Option namespace of generated modules (options.NAMESPACE.…); never a top-level option such
    /// as config, nix or home [default: from the name, or `my` when the name is such an option]
    #[arg(long, value_name = "NAME")]
    pub namespace: Option<String>,

    /// How module trees are imported: scanpaths (a default.nix per directory calling
    /// lib.custom.scanPaths) or import-tree (vic/import-tree from the registry, no default.nix;
    /// files starting with `_` are left out) [default: scanpaths]
    #[arg(long, value_name = "BACKEND")]
    pub auto_import: Option<Backend>,

    /// Read the answers from a YAML file (the format of .nixscaffold.yaml); flags override it
    #[arg(long, value_name = "FILE.yaml")]
    pub config: Option<PathBuf>,

    /// Ask nothing: take the defaults for whatever was not given
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Print what would be written and write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Folder whose files replace the built-in templates of the same name (see `nixscaffold templates`)
    #[arg(long, value_name = "DIR")]
    pub template: Option<PathBuf>,

    /// Do not create a git repository or add the files to git's index
    #[arg(long)]
    pub no_git: bool,

    /// Render with a stored older version's templates and record that version (for testing
    /// `update`; see templates-history/)
    #[arg(long, value_name = "VERSION", hide = true)]
    pub as_version: Option<String>,
}

/// The exit codes of the add-* commands, appended to each one's examples.
macro_rules! add_exit_codes {
    () => {
        "\n\nExit codes:
  0  the files were written (or, with --dry-run, would be)
  2  usage or I/O error, or the target already exists; nothing was written or changed"
    };
}

const ADD_MODULE_EXAMPLES: &str = concat!(
    "\
Examples:
  nixscaffold add-module home/shell/zsh               # modules/home/shell/zsh.nix
  nixscaffold add-module nixos/services/web --as-dir  # modules/nixos/services/web/default.nix
  nixscaffold add-module darwin/dock -C ~/nix-config --dry-run

The module declares options.NS.PATH.enable (NS is `namespace` in .nixscaffold.yaml, e.g.
NS.shell.zsh.enable). New directories on the way get a default.nix that auto-imports them
(scanPaths), so it is imported with no hand edit; modules/default.nix exposes whole trees as
paths, so it needs no edit either.",
    add_exit_codes!()
);

const ADD_HOST_EXAMPLES: &str = concat!(
    "\
Examples:
  nixscaffold add-host nixos/server
  nixscaffold add-host nixos/pi@aarch64-linux
  nixscaffold add-host nixos/old-box --state-version 23.11   # a machine installed before
  nixscaffold add-host darwin/mbp --dry-run

flake/configurations.nix discovers the machine from its directory; it is also recorded under
`hosts` in .nixscaffold.yaml.",
    add_exit_codes!()
);

const ADD_USER_EXAMPLES: &str = concat!(
    "\
Examples:
  nixscaffold add-user alice
  nixscaffold add-user alice@laptop   # alice's home on the machine laptop only
  nixscaffold add-user bob -C ~/nix-config

flake/configurations.nix discovers the user from its directory; it is also recorded under
`users` in .nixscaffold.yaml.",
    add_exit_codes!()
);

const ADD_PACKAGE_EXAMPLES: &str = concat!(
    "\
Examples:
  nixscaffold add-package custom/my-hello       # pkgs/custom/my-hello/package.nix: pkgs.my-hello
  nixscaffold add-package darwin/mac-tool       # pkgs/darwin/mac-tool/package.nix: Darwin only
  nixscaffold add-package pypi/fancy-lib        # pkgs.python3Packages.fancy-lib
  nixscaffold add-package custom/tiny --as-file # pkgs/custom/tiny.nix

lib.packagesFromDirectoryRecursive finds the package; no other file needs an edit.",
    add_exit_codes!()
);

/// What every add-* command takes besides its target.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// The repository [default: upwards from the current directory, the nearest directory with a
    /// flake.nix and a .nixscaffold.yaml, else the outermost flake.nix inside the git work tree]
    #[arg(long, short = 'C', value_name = "REPO")]
    pub repo: Option<PathBuf>,

    /// Print what would be written and write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Do not stage the new files in git (by default they are `git add`ed, as a flake sees only
    /// tracked files)
    #[arg(long)]
    pub no_git: bool,
}

/// The file layout of a module or package.
#[derive(Debug, Args)]
pub struct LayoutArgs {
    /// Write one file (each command says which)
    #[arg(long, conflicts_with = "as_dir")]
    pub as_file: bool,

    /// Write a directory (each command says which)
    #[arg(long)]
    pub as_dir: bool,
}

#[derive(Debug, Args)]
pub struct AddModuleArgs {
    /// The platform's module tree and the module's path in it: nixos/…, darwin/… or home/…
    /// [default layout: --as-file]
    #[arg(value_name = "PLATFORM/PATH")]
    pub target: OsString,
    #[command(flatten)]
    pub layout: LayoutArgs,
    #[command(flatten)]
    pub add: AddArgs,
}

#[derive(Debug, Args)]
pub struct AddHostArgs {
    /// nixos/NAME or darwin/NAME, optionally @SYSTEM [default system: the first of the
    /// repository's systems that runs the platform]
    #[arg(value_name = "PLATFORM/NAME[@SYSTEM]")]
    pub target: OsString,
    /// The machine's stateVersion, for a machine installed before: the NixOS release it was
    /// first installed with (e.g. 24.05), or nix-darwin's number (1-7) [default: the repository's
    /// `state_version` for NixOS, 7 for darwin]
    #[arg(long, value_name = "VERSION")]
    pub state_version: Option<String>,
    #[command(flatten)]
    pub add: AddArgs,
}

#[derive(Debug, Args)]
pub struct AddUserArgs {
    /// The user's name, also the homeConfigurations attribute; NAME@HOST for NAME's home on the
    /// machine HOST only
    #[arg(value_name = "NAME")]
    pub target: OsString,
    #[command(flatten)]
    pub add: AddArgs,
}

#[derive(Debug, Args)]
pub struct AddPackageArgs {
    /// The package set and the package's name: custom/NAME, darwin/NAME or pypi/NAME
    /// [default layout: --as-dir]
    #[arg(value_name = "SET/NAME")]
    pub target: OsString,
    #[command(flatten)]
    pub layout: LayoutArgs,
    #[command(flatten)]
    pub add: AddArgs,
}

pub const EVAL_HELP: &str = "\
What it measures:
  Each configuration's whole system is evaluated with your own `nix`, one `nix eval` process per
  configuration: nixosConfigurations.*.config.system.build.toplevel.drvPath, darwinConfigurations.*
  .system.drvPath and homeConfigurations.*.activationPackage.drvPath. Nix's own statistics
  (NIX_SHOW_STATS) give the figures: cpu (seconds), function-calls, primop-calls, thunks, values,
  sets, envs, list-elements, lookups, bytes (allocated) and gc-heap. Call counts per source position
  (NIX_COUNT_CALLS) are folded by file: the report names the repository's own files that cost the
  most, and which of them grew.

Baseline and budgets:
  --save-baseline writes the figures to .nixscaffold-eval.json (commit it), one entry per Nix
  version (`nix --version`), since counts differ between evaluators. A later run with the same
  Nix compares with it and exits 1 when a figure grew over its budget. Budgets, in .nixscaffold.yaml:
    eval:
      budgets: { thunks: \"+5%\", function-calls: \"+5%\", cpu: \"+20%\" }
      configurations:
        nixosConfigurations.big: { thunks: \"+10%\", bytes: off }
  A budget is +N%, +N (in the figure's unit; seconds for cpu) or off. Defaults: +5% for every
  count, +10% for bytes; cpu and gc-heap are off (time is noisy: gate it with --repeat 5; the
  heap grows in steps). Counts are deterministic and compared exactly.

Examples:
  nixscaffold eval                                   # measure, compare with the baseline
  nixscaffold eval --save-baseline                   # accept today's figures
  nixscaffold eval --attr nixosConfigurations.laptop --repeat 5
  nixscaffold eval --format github -- --override-input nixpkgs github:NixOS/nixpkgs/nixos-unstable

Exit codes:
  0  measured; every configuration within its budgets (or no baseline yet, or --save-baseline)
  1  a configuration grew over a budget
  2  a configuration failed to evaluate (the others are still measured), `nix` is missing, or a
     usage or I/O error";

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The repository [default: found upwards from here, as for --repo]
    pub dir: Option<PathBuf>,

    /// The repository, as DIR [default: upwards from the current directory, the nearest directory
    /// with a flake.nix and a .nixscaffold.yaml, else the outermost one with a flake.nix inside the
    /// git work tree, else the nearest flake.nix]
    #[arg(long, short = 'C', value_name = "REPO", conflicts_with = "dir")]
    pub repo: Option<PathBuf>,

    /// Measure this flake attribute instead of every configuration; repeatable. A configuration's
    /// name (e.g. nixosConfigurations.laptop) measures its whole system
    #[arg(long = "attr", value_name = "ATTR")]
    pub attrs: Vec<String>,

    /// How many `nix eval` processes run at once [default: the number of cores]
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<NonZeroUsize>,

    /// Evaluate each configuration N times and take the median CPU time (counts do not vary)
    #[arg(long, value_name = "N", default_value = "1")]
    pub repeat: NonZeroUsize,

    /// Save the figures as the baseline of this Nix version in .nixscaffold-eval.json
    #[arg(long)]
    pub save_baseline: bool,

    /// Output format: human (a table), json (schema in docs/eval-schema.json) or github
    /// (workflow annotations on the configurations over budget)
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,

    /// Arguments for every `nix` call, after `--` (e.g. -- --override-input nixpkgs ../nixpkgs)
    #[arg(last = true, value_name = "NIX ARGS")]
    pub nix_args: Vec<OsString>,
}
