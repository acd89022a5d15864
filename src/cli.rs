//! The command line, defined once: help, completions and the README's reference come from here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::answers::{OverlaySet, Platform};

const EXIT_CODES: &str = "\
Exit codes:
  0  success (for `check`: no findings)
  1  `check` found drift or findings
  2  usage or I/O error; nothing was changed";

#[derive(Debug, Parser)]
#[command(
    name = "nixscaffold",
    version,
    about = "Create, grow and audit Nix flake repositories in the recommended flake-parts shape",
    long_about = "Create, grow and audit Nix flake repositories (NixOS, nix-darwin, home-manager) in the \
recommended flake-parts shape: auto-imported module trees, one central module registry, per-platform \
overlays, a configured pkgs and binary caches.\n\nnixscaffold never overwrites or deletes a file.",
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
    /// Print a shell completion script (e.g. `nixscaffold completions bash > ~/.local/share/bash-completion/completions/nixscaffold`)
    Completions {
        /// The shell to complete for
        shell: clap_complete::Shell,
    },
    /// List the built-in templates, the files a `--template` folder can replace
    Templates,
    /// Audit a repository against the recommended shape and the Nix rules; never writes
    #[command(after_help = CHECK_HELP)]
    Check(CheckArgs),
    /// Explain a rule of `check` (by id or name), or list them all
    Explain {
        /// The rule, e.g. NS004 or orphan-file [default: list every rule]
        rule: Option<String>,
    },
}

const CHECK_HELP: &str = "\
Examples:
  nixscaffold check
  nixscaffold check ~/nix-config --format json
  nixscaffold check --format github      # annotations in a GitHub Actions workflow

Rules can be turned off or given a severity, and paths ignored, in .nixscaffold.yaml:
  check:
    rules: { orphan-file: off, NS008: error }
    ignore: [ \"vendor/**\" ]

Exit codes:
  0  no findings
  1  findings (errors or warnings)
  2  usage or I/O error (unreadable directory, invalid .nixscaffold.yaml)";

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The repository to check [default: .]
    pub dir: Option<PathBuf>,

    /// Output format: human (grouped by file, colored on a terminal unless NO_COLOR is set),
    /// json (schema in docs/check-schema.json) or github (workflow annotations)
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
    Github,
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

    /// home-manager user to create; repeatable [default: user]
    #[arg(long = "user", value_name = "NAME")]
    pub users: Vec<String>,

    /// Binary cache: a known one (nix-community, numtide, lix, yazi, wezterm, hyprland, garnix,
    /// devenv) or URL=KEY; repeatable [default: nix-community]
    #[arg(long = "cache", value_name = "NAME|URL=KEY")]
    pub caches: Vec<String>,

    /// Overlay set to create; repeatable [default: custom and customPypi, plus customDarwin with darwin]
    #[arg(long = "overlay", value_name = "SET")]
    pub overlays: Vec<OverlaySet>,

    /// Option namespace of generated modules (options.NAMESPACE.…) [default: from the name]
    #[arg(long, value_name = "NAME")]
    pub namespace: Option<String>,

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
}
