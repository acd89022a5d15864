//! Templates: embedded from `templates/` at build time, overridable file by file from a folder the
//! user names with `--template`, rendered with handlebars in strict mode (a missing variable is an
//! error, never an empty string). Rendered `.nix` files are put in the official Nix style.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use handlebars::Handlebars;
use include_dir::{include_dir, Dir};
use serde_json::Value;

use crate::error::{Error, Result};

static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// The variables every template sees, held once for many renders ([`Renderer::render_with`]).
pub struct SharedContext(handlebars::Context);

impl SharedContext {
    pub fn new(base: Value) -> SharedContext {
        SharedContext(handlebars::Context::from(base))
    }
}

pub struct Renderer {
    engine: Handlebars<'static>,
    /// The built-in templates: this version's, or a stored older version's (`history`).
    builtin: &'static Dir<'static>,
    /// What the paths of `builtin`'s files start with (a stored version's folder).
    prefix: String,
    override_dir: Option<PathBuf>,
    /// How many templates this renderer rendered.
    renders: AtomicUsize,
}

/// How many templates every renderer of this process rendered (`NIXSCAFFOLD_TIMINGS` shows it).
static RENDERED: AtomicUsize = AtomicUsize::new(0);

/// How many templates this process rendered so far.
pub fn rendered_in_process() -> usize {
    RENDERED.load(Ordering::Relaxed)
}

impl Renderer {
    /// A renderer over the built-in templates, with `override_dir`'s files taking their place.
    pub fn new(override_dir: Option<&Path>) -> Result<Renderer> {
        let mut renderer = Renderer::builtin();
        if let Some(dir) = override_dir {
            if !dir.is_dir() {
                return Err(Error::usage(format!(
                    "--template {}: not a directory; point it at a copy of the templates folder",
                    dir.display()
                )));
            }
            renderer.override_dir = Some(dir.to_path_buf());
        }
        Ok(renderer)
    }

    /// A renderer over the built-in templates only.
    pub fn builtin() -> Renderer {
        Renderer::over(&TEMPLATES)
    }

    /// A renderer over another version's templates (`history`), with `override_dir`'s files taking
    /// their place as for [`Renderer::new`].
    pub fn of_version(
        templates: &'static Dir<'static>,
        prefix: &str,
        override_dir: Option<&Path>,
    ) -> Result<Renderer> {
        let mut renderer = Renderer::new(override_dir)?;
        renderer.builtin = templates;
        renderer.prefix = prefix.to_string();
        Ok(renderer)
    }

    fn over(templates: &'static Dir<'static>) -> Renderer {
        let mut engine = Handlebars::new();
        engine.set_strict_mode(true);
        engine.register_escape_fn(handlebars::no_escape);
        Renderer {
            engine,
            builtin: templates,
            prefix: String::new(),
            override_dir: None,
            renders: AtomicUsize::new(0),
        }
    }

    /// How many templates this renderer rendered.
    pub fn renders(&self) -> usize {
        self.renders.load(Ordering::Relaxed)
    }

    /// The source of a template: the override folder's file when there is one, else the built-in.
    fn source(&self, name: &str) -> Result<(String, String)> {
        if let Some(dir) = &self.override_dir {
            let path = dir.join(name);
            if path.is_file() {
                let text = crate::text::read_text(&path)?;
                return Ok((text, path.display().to_string()));
            }
        }
        let file = self
            .builtin
            .get_file(format!("{}{name}", self.prefix))
            .ok_or_else(|| Error::Internal(format!("no built-in template `{name}`")))?;
        let text = file
            .contents_utf8()
            .ok_or_else(|| Error::Internal(format!("built-in template `{name}` is not UTF-8")))?;
        Ok((text.to_string(), format!("built-in template {name}")))
    }

    /// Renders template `name` with `context`; `.nix` output is formatted in the official style.
    pub fn render(&self, name: &str, context: &Value) -> Result<String> {
        self.render_by(name, |engine, source| {
            engine.render_template(source, context)
        })
    }

    /// Renders template `name` with the shared context plus `key` set to `value` (for this render
    /// only): one context for every host or user, never a copy of it per host or user.
    pub fn render_with(
        &self,
        name: &str,
        shared: &mut SharedContext,
        key: &str,
        value: Value,
    ) -> Result<String> {
        let slot = |shared: &mut SharedContext, value: Option<Value>| {
            let map = shared.0.data_mut().as_object_mut()?;
            match value {
                Some(value) => map.insert(key.to_string(), value),
                None => map.remove(key),
            }
        };
        let previous = if key.is_empty() {
            None
        } else {
            slot(shared, Some(value))
        };
        let rendered = self.render_by(name, |engine, source| {
            engine.render_template_with_context(source, &shared.0)
        });
        if !key.is_empty() {
            slot(shared, previous);
        }
        rendered
    }

    fn render_by(
        &self,
        name: &str,
        render: impl FnOnce(
            &Handlebars<'static>,
            &str,
        ) -> std::result::Result<String, handlebars::RenderError>,
    ) -> Result<String> {
        self.renders.fetch_add(1, Ordering::Relaxed);
        RENDERED.fetch_add(1, Ordering::Relaxed);
        let (source, origin) = self.source(name)?;
        let rendered = render(&self.engine, &source)
            .map_err(|e| template_error(&origin, &describe(&e), self.override_dir.is_some()))?;
        if name.ends_with(".nix") {
            nixfmt_rs::format(&rendered).map_err(|e| {
                template_error(
                    &origin,
                    &format!("it renders Nix that does not parse: {e:?}"),
                    self.override_dir.is_some(),
                )
            })
        } else {
            Ok(rendered)
        }
    }

    /// Renders a path template such as `hosts/nixos/{{host.name}}/default.nix`.
    pub fn render_path(&self, path: &str, context: &Value) -> Result<String> {
        self.engine
            .render_template(path, context)
            .map_err(|e| Error::Internal(format!("path template `{path}`: {e}")))
    }
}

/// A rendering error in the template writer's words: where, and which variable is unknown.
fn describe(error: &handlebars::RenderError) -> String {
    let at = match (error.line_no, error.column_no) {
        (Some(line), Some(column)) => format!("line {line}, column {column}: "),
        (Some(line), None) => format!("line {line}: "),
        _ => String::new(),
    };
    match error.reason() {
        handlebars::RenderErrorReason::MissingVariable(Some(name)) => format!(
            "{at}there is no template variable `{name}`; `nixscaffold templates --vars` lists them"
        ),
        handlebars::RenderErrorReason::MissingVariable(None) => {
            format!("{at}a template variable is missing; `nixscaffold templates --vars` lists them")
        }
        reason => format!("{at}{reason}"),
    }
}

fn template_error(origin: &str, message: &str, user_templates: bool) -> Error {
    if user_templates && !origin.starts_with("built-in") {
        Error::usage(format!(
            "{origin}: {message}; fix the template or remove it to use the built-in one"
        ))
    } else {
        Error::Internal(format!("{origin}: {message}"))
    }
}

/// This version's built-in templates.
pub fn builtin_templates() -> &'static Dir<'static> {
    &TEMPLATES
}

/// The names of every built-in template, for `--template` users who want a copy to start from.
pub fn builtin_template_names() -> Vec<String> {
    fn walk(dir: &Dir<'_>, out: &mut Vec<String>) {
        for file in dir.files() {
            out.push(file.path().to_string_lossy().into_owned());
        }
        for sub in dir.dirs() {
            walk(sub, out);
        }
    }
    let mut names = Vec::new();
    walk(&TEMPLATES, &mut names);
    names.sort();
    names
}
