//! What `check` expects of one repository, built once per run from the shape: from the answers
//! `.nixscaffold.yaml` records, or, without them, from the platforms and overlay sets the tree
//! suggests. Every rule that asks "what should be here?" reads this model; none restates a path or
//! renders a template itself. Templates are rendered here, once each.

use std::collections::BTreeSet;

use crate::answers::{Answers, LayoutAnswers};
use crate::error::Result;
use crate::generate::{context, instances};
use crate::layout::{parts, Backend, OverlaySet, Ownership, Platform, Role};
use crate::render::{Renderer, SharedContext};

/// One file the shape has.
#[derive(Clone, Debug)]
pub struct ExpectedFile {
    pub path: String,
    pub role: Role,
    pub ownership: Ownership,
    /// Whether its absence is reported.
    pub required: bool,
    pub purpose: &'static str,
    /// What its template renders, for the files whose contents the tool owns and knows: the
    /// managed files of a recorded shape.
    pub contents: Option<String>,
}

/// A directory the shape has (a package set's): reported when absent.
#[derive(Clone, Debug)]
pub struct ExpectedDir {
    pub path: String,
    pub purpose: String,
}

/// Where the expectation came from.
#[derive(Clone, Debug)]
pub enum Shape {
    /// From `.nixscaffold.yaml`.
    Recorded(Box<Answers>),
    /// Guessed from the directories, because `.nixscaffold.yaml` records no answers.
    Inferred {
        platforms: Vec<Platform>,
        overlays: Vec<OverlaySet>,
        /// How the module trees are imported, from `flake.nix`'s inputs.
        auto_import: Backend,
        /// What was inferred and from where, in words.
        notes: Vec<String>,
    },
}

impl Shape {
    /// Infers the platforms and overlay sets from the directories that exist: a platform from its
    /// module tree or its configurations' directory, an overlay set from its package directory.
    pub fn infer(dirs: &BTreeSet<String>) -> Shape {
        let mut platforms = Vec::new();
        let mut notes = Vec::new();
        for platform in Platform::ALL {
            let found: Vec<String> = [platform.module_root(), platform.config_root()]
                .into_iter()
                .filter(|d| dirs.contains(d))
                .collect();
            if !found.is_empty() {
                platforms.push(platform);
                notes.push(format!("platform {platform} (from {}/)", found.join("/, ")));
            }
        }
        if platforms.is_empty() {
            let places: Vec<String> = Platform::ALL
                .iter()
                .map(|p| p.module_root())
                .chain(Platform::ALL.iter().map(|p| p.config_root()))
                .collect();
            notes.push(format!("no platform (none of {}/)", places.join(", ")));
        }
        let mut overlays = Vec::new();
        for set in OverlaySet::ALL {
            let dir = set.package_dir();
            if dirs.contains(&dir) {
                overlays.push(set);
                notes.push(format!("overlay {} (from {dir}/)", set.attr()));
            }
        }
        Shape::Inferred {
            platforms,
            overlays,
            auto_import: Backend::Scanpaths,
            notes,
        }
    }

    /// The same shape with the auto-import backend inferred from `flake.nix` (its text, when it
    /// has one); a recorded shape keeps its answer.
    pub fn with_backend_of(mut self, flake_nix: Option<&str>) -> Shape {
        if let Shape::Inferred {
            auto_import, notes, ..
        } = &mut self
        {
            *auto_import = Backend::infer(flake_nix);
            if *auto_import == Backend::ImportTree {
                notes.push("auto-import by import-tree (from flake.nix's inputs)".into());
            }
        }
        self
    }

    /// How the module trees are imported.
    pub fn auto_import(&self) -> Backend {
        match self {
            Shape::Recorded(answers) => answers.auto_import,
            Shape::Inferred { auto_import, .. } => *auto_import,
        }
    }

    pub fn platforms(&self) -> &[Platform] {
        match self {
            Shape::Recorded(answers) => &answers.platforms,
            Shape::Inferred { platforms, .. } => platforms,
        }
    }

    pub fn overlays(&self) -> &[OverlaySet] {
        match self {
            Shape::Recorded(answers) => &answers.overlays,
            Shape::Inferred { overlays, .. } => overlays,
        }
    }

    pub fn answers(&self) -> Option<&Answers> {
        match self {
            Shape::Recorded(answers) => Some(answers),
            Shape::Inferred { .. } => None,
        }
    }

    /// What was inferred, in words (nothing for a recorded shape).
    pub fn notes(&self) -> &[String] {
        match self {
            Shape::Recorded(_) => &[],
            Shape::Inferred { notes, .. } => notes,
        }
    }

    /// One line that says where the shape came from; `more` are notes about the tree.
    pub fn describe(&self, more: &[String]) -> String {
        match self {
            Shape::Recorded(answers) => format!(
                "shape from .nixscaffold.yaml: platforms {}",
                answers
                    .platforms
                    .iter()
                    .map(|p| p.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Shape::Inferred { notes, .. } => {
                let all: Vec<&str> = notes.iter().chain(more).map(String::as_str).collect();
                format!("no .nixscaffold.yaml; inferred {}", all.join("; "))
            }
        }
    }
}

/// The repository as the shape would have it.
#[derive(Clone, Debug)]
pub struct Expected {
    pub shape: Shape,
    pub files: Vec<ExpectedFile>,
    pub dirs: Vec<ExpectedDir>,
    /// The recommended `lib/default.nix`, as its template renders it (the scanPaths helper).
    pub lib: Option<String>,
}

impl Expected {
    /// From recorded answers: every part that applies, each managed file rendered once.
    pub fn recorded(answers: Answers, renderer: &Renderer) -> Result<Expected> {
        if let Some(layout) = answers.layout.clone() {
            return Ok(Expected::own_layout(answers, &layout));
        }
        let mut shared = SharedContext::new(context(&answers));
        let mut files = Vec::new();
        for part in parts() {
            for instance in instances(part, &answers) {
                let path = instance.path.clone();
                let contents = match part.ownership {
                    Ownership::Managed => Some(instance.render(part, &mut shared, renderer)?),
                    Ownership::Starter => None,
                };
                files.push(ExpectedFile {
                    path,
                    role: part.role,
                    ownership: part.ownership,
                    required: part.required,
                    purpose: part.purpose,
                    contents,
                });
            }
        }
        let lib = files
            .iter()
            .find(|file| file.role == Role::Lib)
            .and_then(|file| file.contents.clone());
        let dirs = shape_dirs(&answers.platforms, &answers.overlays, answers.auto_import);
        Ok(Expected {
            shape: Shape::Recorded(Box::new(answers)),
            files,
            dirs,
            lib,
        })
    }

    /// An adopted repository in its own places (`layout:`): its flake, its helper library, its
    /// registry, and each module root's `default.nix` where its backend needs one. Nothing is
    /// managed: the files are the repository's own, so none drifts from a template.
    fn own_layout(answers: Answers, layout: &LayoutAnswers) -> Expected {
        let needs_default = layout.needs_default_nix() && answers.auto_import == Backend::Scanpaths;
        let files = parts()
            .iter()
            .filter_map(|part| {
                let path = match part.role {
                    Role::Flake => Some(part.path.render(None)),
                    Role::Lib => layout.lib_path(),
                    Role::Registry => layout.registry_path(),
                    Role::ModuleTree(platform)
                        if needs_default
                            && answers.has(platform)
                            && layout.modules.contains_key(&platform) =>
                    {
                        Some(format!("{}/default.nix", layout.module_root(platform)))
                    }
                    _ => None,
                }?;
                Some(ExpectedFile {
                    path,
                    role: part.role,
                    ownership: Ownership::Starter,
                    required: true,
                    purpose: part.purpose,
                    contents: None,
                })
            })
            .collect();
        // Its package directories; its module trees are where it keeps them.
        let dirs = shape_dirs(&[], &answers.overlays, Backend::Scanpaths);
        Expected {
            shape: Shape::Recorded(Box::new(answers)),
            files,
            dirs,
            lib: None,
        }
    }

    /// The adopted repository's own places, when `.nixscaffold.yaml` records them.
    pub fn layout(&self) -> Option<&LayoutAnswers> {
        self.shape.answers()?.layout.as_deref()
    }

    /// From an inferred shape: the skeleton every repository in the shape has, a module tree's
    /// `default.nix` only where the tree exists (a repository may keep its modules elsewhere).
    pub fn inferred(shape: Shape, tree_dirs: &BTreeSet<String>, renderer: &Renderer) -> Expected {
        let platforms = shape.platforms();
        let overlays = shape.overlays();
        let backend = shape.auto_import();
        let wanted = |role: Role| match role {
            Role::ModuleTree(platform) => {
                platforms.contains(&platform) && tree_dirs.contains(&platform.module_root())
            }
            Role::Overlays => !overlays.is_empty(),
            role => role.is_skeleton(),
        };
        let files = parts()
            .iter()
            .filter(|part| part.required && part.role.is_skeleton() && wanted(part.role))
            .filter(|part| part.with_backend(backend))
            .map(|part| ExpectedFile {
                path: part.path.render(None),
                role: part.role,
                ownership: part.ownership,
                required: true,
                purpose: part.purpose,
                contents: None,
            })
            .collect();
        // The helper's template takes no answers but the backend.
        let import_tree = backend == Backend::ImportTree;
        let lib = crate::layout::part(Role::Lib).and_then(|part| {
            let context = serde_json::json!({
                "import_tree": import_tree,
                "dirs": { "modules": crate::layout::MODULES_DIR },
            });
            renderer.render(part.template, &context).ok()
        });
        // An inferred import-tree repository keeps its module trees where it likes.
        let dirs = shape_dirs(&[], overlays, backend);
        Expected {
            shape,
            files,
            dirs,
            lib,
        }
    }

    /// Whether the answers are recorded (`.nixscaffold.yaml` records them).
    pub fn recorded_shape(&self) -> bool {
        matches!(self.shape, Shape::Recorded(_))
    }

    /// The path of the file with this role, when the shape has one.
    pub fn path_of(&self, role: Role) -> Option<&str> {
        self.files
            .iter()
            .find(|file| file.role == role)
            .map(|file| file.path.as_str())
    }

    /// The managed files with what their templates render.
    pub fn managed(&self) -> impl Iterator<Item = (&ExpectedFile, &str)> {
        self.files
            .iter()
            .filter(|file| file.ownership == Ownership::Managed)
            .filter_map(|file| Some((file, file.contents.as_deref()?)))
    }
}

/// The directories the shape needs: each overlay set's package directory, and with import-tree each
/// platform's module tree, which the registry loads (it fails on a missing directory).
fn shape_dirs(
    platforms: &[Platform],
    overlays: &[OverlaySet],
    backend: Backend,
) -> Vec<ExpectedDir> {
    let trees = platforms
        .iter()
        .filter(|_| backend == Backend::ImportTree)
        .map(|platform| ExpectedDir {
            path: platform.module_root(),
            purpose: format!(
                "the {platform} module tree, which {} loads with import-tree",
                crate::layout::path_of(Role::Registry)
            ),
        });
    let packages = overlays.iter().map(|set| ExpectedDir {
        path: set.package_dir(),
        purpose: format!("the package directory of the {} overlay", set.attr()),
    });
    trees.chain(packages).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::AnswersFile;

    #[test]
    fn a_recorded_shape_renders_each_managed_file_once() {
        let answers = AnswersFile::default().resolve("demo").unwrap();
        let renderer = Renderer::new(None).unwrap();
        let expected = Expected::recorded(answers, &renderer).unwrap();
        let managed = expected.managed().count();
        assert_eq!(renderer.renders(), managed);
        assert!(managed > 5 && expected.lib.is_some());
    }

    #[test]
    fn with_import_tree_no_default_nix_is_expected_but_the_tree_directories_are() {
        let file = AnswersFile {
            auto_import: Some(Backend::ImportTree),
            ..AnswersFile::default()
        };
        let answers = file.resolve("demo").unwrap();
        let expected = Expected::recorded(answers, &Renderer::new(None).unwrap()).unwrap();
        let defaults: Vec<&str> = expected
            .files
            .iter()
            .map(|f| f.path.as_str())
            .filter(|p| {
                p.ends_with("default.nix") && (p.starts_with("modules/") || p.starts_with("flake/"))
            })
            .collect();
        assert_eq!(defaults, vec!["modules/default.nix"]);
        let dirs: Vec<&str> = expected.dirs.iter().map(|d| d.path.as_str()).collect();
        assert!(
            dirs.starts_with(&["modules/nixos", "modules/darwin", "modules/home"]),
            "{dirs:?}"
        );
        let lib = expected.lib.as_deref().unwrap();
        assert!(!lib.contains("scanPaths"), "{lib}");

        let dirs: BTreeSet<String> = ["modules", "modules/nixos"]
            .into_iter()
            .map(String::from)
            .collect();
        let flake = "{ inputs.import-tree.url = \"github:vic/import-tree\"; outputs = _: { }; }";
        let shape = Shape::infer(&dirs).with_backend_of(Some(flake));
        assert_eq!(shape.auto_import(), Backend::ImportTree);
        let expected = Expected::inferred(shape, &dirs, &Renderer::new(None).unwrap());
        let paths: Vec<&str> = expected.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            vec!["flake.nix", "lib/default.nix", "modules/default.nix"]
        );
    }

    #[test]
    fn an_inferred_shape_wants_the_skeleton_only() {
        let dirs: BTreeSet<String> = ["modules", "modules/nixos", "hosts", "hosts/darwin"]
            .into_iter()
            .map(String::from)
            .collect();
        let shape = Shape::infer(&dirs);
        assert_eq!(shape.platforms(), &[Platform::Nixos, Platform::Darwin]);
        let expected = Expected::inferred(shape, &dirs, &Renderer::new(None).unwrap());
        let paths: Vec<&str> = expected.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "flake.nix",
                "lib/default.nix",
                "modules/default.nix",
                "modules/nixos/default.nix"
            ]
        );
    }
}
