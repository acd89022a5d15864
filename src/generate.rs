//! Turns answers into the files of a repository, in memory: the plan that `new` writes, `--dry-run`
//! prints and `check` compares against. Nothing here touches the disk.

use serde_json::{json, Value};

use crate::answers::{split_user, Answers, Backend, Host, OverlaySet, Platform, ANSWERS_FILE};
use crate::error::Result;
use crate::layout::choices::DARWIN_STATE_VERSION;
use crate::layout::{auto_import, dirs, parts, Ownership, Part, Role, Slot};
use crate::render::{Renderer, SharedContext};

/// One file to write: a path relative to the repository (always with `/`) and its contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedFile {
    pub path: String,
    pub contents: String,
    pub ownership: Ownership,
}

/// The variables every template sees.
pub fn context(answers: &Answers) -> Value {
    let platform_flags = json!({
        "nixos": answers.has(Platform::Nixos),
        "darwin": answers.has(Platform::Darwin),
        "home": answers.has(Platform::Home),
    });
    let overlay_flags = json!({
        "custom": answers.has_overlay(OverlaySet::Custom),
        "customDarwin": answers.has_overlay(OverlaySet::CustomDarwin),
        "customPypi": answers.has_overlay(OverlaySet::CustomPypi),
    });
    // nix-darwin follows nixpkgs-unstable; NixOS machines want the tested nixos-unstable.
    let nixpkgs_url = if answers.has(Platform::Nixos) {
        "github:NixOS/nixpkgs/nixos-unstable"
    } else {
        "github:NixOS/nixpkgs/nixpkgs-unstable"
    };
    // The import-tree input's words, when the repository uses it (else `false`, for `#if`).
    let import_tree = (answers.auto_import == Backend::ImportTree).then(|| {
        json!({
            "input": auto_import::IMPORT_TREE_INPUT,
            "url": auto_import::IMPORT_TREE_URL,
            "comment": auto_import::IMPORT_TREE_COMMENT,
        })
    });
    let context = json!({
        "name": answers.name,
        "description": answers.description,
        "namespace": answers.namespace,
        "platforms": platform_flags,
        "platform_names": answers.platforms.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
        "module_outputs": answers.platforms.iter().map(|p| p.row().module_output).collect::<Vec<_>>(),
        "registry": crate::layout::path_of(Role::Registry),
        "dirs": {
            "flake": dirs::FLAKE_DIR,
            "lib": dirs::LIB_DIR,
            "modules": dirs::MODULES_DIR,
            "overlays": dirs::OVERLAYS_DIR,
            "pkgs": dirs::PKGS_DIR,
            "hosts": dirs::HOSTS_DIR,
            "home": dirs::HOME_DIR,
        },
        "systems": answers.systems,
        "hosts": answers.hosts.iter().map(|h| host_context(answers, h)).collect::<Vec<_>>(),
        "users": answers.users,
        "account": account(answers),
        "machines": answers.platforms.iter().any(|p| p.has_machines()),
        "home_manager": {
            "standalone": answers.home_manager.standalone() && answers.has(Platform::Home),
            "module": answers.home_manager.module(),
        },
        "ci": answers.ci == crate::layout::choices::Ci::Github,
        "lint": answers.lint.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
        "lints": {
            "deadnix": answers.lint.contains(&crate::layout::choices::Lint::Deadnix),
            "statix": answers.lint.contains(&crate::layout::choices::Lint::Statix),
        },
        "caches": answers.caches.iter().map(|c| json!({
            "name": c.preset.clone().unwrap_or_else(|| c.url.clone()),
            "url": c.url,
            "key": c.key,
        })).collect::<Vec<_>>(),
        "overlays": overlay_flags,
        "overlay_names": answers.overlays.iter().map(|o| o.attr()).collect::<Vec<_>>(),
        "overlay_sets": answers.overlays.iter().map(|o| overlay_context(*o)).collect::<Vec<_>>(),
        "nixpkgs_url": nixpkgs_url,
        "auto_import": answers.auto_import.as_str(),
        "import_tree": import_tree,
        "home_system": answers.home_system(),
        "state_version": answers.state_version,
    });
    with_fixed(context, &fixed_context())
}

/// The context values that come from this version's code rather than from the answers: the
/// version. A stored version records its own (`history`), with the release numbers its starter
/// files pinned, so that what it rendered can be rendered again; this version's come from the
/// answers (`state_version`) and `layout::choices`.
pub fn fixed_context() -> Value {
    json!({
        "version": env!("CARGO_PKG_VERSION"),
    })
}

/// The machines' account, recorded as `account`.
fn account(answers: &Answers) -> String {
    answers.account.clone()
}

/// What a user's template sees as `user`: the entry (`alice@laptop`), the account name (`alice`),
/// its machine; `home_directory` on the repository's home system (the built-in template lets Nix
/// decide it from the platform; kept for `--template` folders that use it).
fn user_context(answers: &Answers, user: &str) -> Value {
    let (name, host) = split_user(user);
    let home_directory = if answers.home_system().ends_with("-darwin") {
        format!("/Users/{name}")
    } else {
        format!("/home/{name}")
    };
    json!({ "entry": user, "name": name, "host": host, "home_directory": home_directory })
}

/// What a machine's templates see as `host`: its name, system, account and stateVersion (the
/// recorded release on NixOS, nix-darwin's own number on darwin).
pub fn host_context(answers: &Answers, host: &Host) -> Value {
    let state_version = match host.platform {
        Platform::Darwin => json!(DARWIN_STATE_VERSION),
        _ => json!(answers.state_version),
    };
    json!({
        "platform": host.platform.as_str(),
        "name": host.name,
        "system": answers.host_system(host),
        "user": account(answers),
        "state_version": state_version,
    })
}

/// `context` with every value of `fixed` set in it.
pub fn with_fixed(mut context: Value, fixed: &Value) -> Value {
    if let (Some(context), Some(fixed)) = (context.as_object_mut(), fixed.as_object()) {
        for (key, value) in fixed {
            context.insert(key.clone(), value.clone());
        }
    }
    context
}

fn overlay_context(set: OverlaySet) -> Value {
    let row = set.row();
    json!({
        "overlay": row.attr,
        "directory": row.word,
        "kind": row.word,
        "attr_prefix": row.attr_prefix,
        "summary": row.summary,
    })
}

/// One file of a part: its path, and what its template sees besides the shared context: `key`
/// (`host`, `user`, `platform`, `set`, or nothing) set to `value`.
pub struct Instance {
    pub path: String,
    pub key: &'static str,
    pub value: Value,
}

impl Instance {
    /// Renders this instance's file with `shared`, the context of the whole repository.
    pub fn render(
        self,
        part: &Part,
        shared: &mut SharedContext,
        renderer: &Renderer,
    ) -> Result<String> {
        renderer.render_with(part.template, shared, self.key, self.value)
    }
}

/// The instances of a part for these answers: one per host or user for a part with a slot, else
/// one (none when the answers do not have the part). Each is small: the context of the whole
/// repository is shared, so n hosts cost n, not n².
pub fn instances(part: &Part, answers: &Answers) -> Vec<Instance> {
    if !part.applies(answers) {
        return Vec::new();
    }
    let with = |name: Option<&str>, key: &'static str, value: Value| Instance {
        path: part.path.render(name),
        key,
        value,
    };
    if let (Some(Slot::Host), Some(platform)) = (part.path.slot, part.role.host_platform()) {
        return answers
            .hosts
            .iter()
            .filter(|h| h.platform == platform)
            .map(|h| with(Some(&h.name), "host", host_context(answers, h)))
            .collect();
    }
    match (part.path.slot, part.role) {
        (Some(_), _) => answers
            .users
            .iter()
            .map(|user| with(Some(user), "user", user_context(answers, user)))
            .collect(),
        (None, Role::ModuleTree(platform)) => {
            vec![with(None, "platform", json!({ "name": platform.as_str() }))]
        }
        (None, Role::PackageDir(set)) => vec![with(None, "set", overlay_context(set))],
        (None, _) => vec![with(None, "", Value::Null)],
    }
}

/// Every file of a new repository for these answers, `.nixscaffold.yaml` included.
pub fn plan_new(answers: &Answers, renderer: &Renderer) -> Result<Vec<PlannedFile>> {
    let mut files = plan_shape(parts(), answers, &context(answers), renderer)?;
    files.push(PlannedFile {
        path: ANSWERS_FILE.to_string(),
        contents: answers.to_yaml()?,
        ownership: Ownership::Starter,
    });
    Ok(files)
}

/// The files a shape's parts render to for these answers, with this context: this version's parts
/// and context for `new`, a stored version's for `update`'s base.
pub fn plan_shape(
    parts: &[Part],
    answers: &Answers,
    context: &Value,
    renderer: &Renderer,
) -> Result<Vec<PlannedFile>> {
    let mut shared = SharedContext::new(context.clone());
    let mut files = Vec::new();
    for part in parts {
        files.extend(render_instances(part, answers, &mut shared, renderer)?);
    }
    Ok(files)
}

/// The files one part of the shape renders to for these answers (one per host or user): what
/// `add-host` and `add-user` write, so they match what `new` writes.
pub fn plan_part(part: &Part, answers: &Answers, renderer: &Renderer) -> Result<Vec<PlannedFile>> {
    let mut shared = SharedContext::new(context(answers));
    render_instances(part, answers, &mut shared, renderer)
}

/// The files of one machine's directory (its `default.nix` and, on NixOS, its hardware
/// placeholder), as `new` renders them; `state_version` replaces the stateVersion it would get (a
/// machine installed before).
pub fn plan_host(
    answers: &Answers,
    host: &Host,
    state_version: Option<Value>,
    renderer: &Renderer,
) -> Result<Vec<PlannedFile>> {
    let mut one = answers.clone();
    one.hosts = vec![host.clone()];
    let mut shared = SharedContext::new(context(&one));
    let mut files = Vec::new();
    for part in parts()
        .iter()
        .filter(|part| part.role.host_platform() == Some(host.platform))
    {
        for mut instance in instances(part, &one) {
            if let (Some(version), "host") = (&state_version, instance.key) {
                instance.value["state_version"] = version.clone();
            }
            let path = instance.path.clone();
            files.push(PlannedFile {
                contents: instance.render(part, &mut shared, renderer)?,
                path,
                ownership: part.ownership,
            });
        }
    }
    Ok(files)
}

fn render_instances(
    part: &Part,
    answers: &Answers,
    shared: &mut SharedContext,
    renderer: &Renderer,
) -> Result<Vec<PlannedFile>> {
    instances(part, answers)
        .into_iter()
        .map(|instance| {
            let path = instance.path.clone();
            Ok(PlannedFile {
                contents: instance.render(part, shared, renderer)?,
                path,
                ownership: part.ownership,
            })
        })
        .collect()
}
