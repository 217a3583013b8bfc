//! The theme: Tera templates and static files. The built-in ones are compiled
//! into the binary; a site's own `templates/` and `static/` override them file
//! by file and may add more.
//!
//! This module reads only the site's `templates/` and `static/` folders (never
//! through a symbolic link that leaves the site) and renders templates; it
//! relies on Tera to refuse templates that would call themselves without end.
//! It knows nothing of what the pages mean.

use std::collections::BTreeMap;
use std::error::Error as _;
use std::path::{MAIN_SEPARATOR, Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use tera::{Context, Tera};
use walkdir::WalkDir;

use crate::cache::{Cache, Digest};

macro_rules! embedded {
    ($dir:literal: $($name:literal),* $(,)?) => {
        [$(($name, include_str!(concat!("../", $dir, "/", $name)))),*]
    };
}

/// The built-in templates, by name.
pub const TEMPLATES: [(&str, &str); 20] = embedded!("templates":
    "base.html", "macros.html", "card.html", "index.html", "section.html", "party.html", "clause.html",
    "quote.html", "parties_index.html", "clauses_index.html", "quotes_index.html", "print.html", "404.html",
    "related.html", "mentions.html", "entity_tail.html", "event.html", "timeline.html",
    "timeline_axis.html", "deal_map.html",
);

/// The built-in static files, by path under the output root.
pub const STATIC: [(&str, &str); 4] =
    embedded!("static": "brief.css", "brief.js", "print.css", "syntax.css");

/// A template failed to render; carries Tera's whole explanation.
#[derive(Debug, Clone, thiserror::Error)]
#[error("template `{template}` failed: {message}")]
pub struct RenderError {
    pub template: String,
    pub message: String,
}

/// Templates ready to render and the static files to copy.
pub struct Theme {
    /// Every template, compiled once and shared by the threads that render
    /// (and by `brief serve`'s builds while the templates are as they were).
    tera: Arc<Tera>,
    /// A digest of every template's name and text: what a page or card
    /// kept from the last build was rendered with.
    pub digest: Digest,
    pub statics: BTreeMap<String, Vec<u8>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Template(String),
    #[error(
        "{0} is a symbolic link to a place outside the site folder, which brief does not read; copy what it points at into the site instead"
    )]
    OutsideSite(PathBuf),
    #[error("{0} is a symbolic link loop (it links back to one of its parents); remove the link")]
    LinkLoop(PathBuf),
}

impl Theme {
    /// The built-in theme with `root/templates` and `root/static` laid over
    /// it; its templates compiled, or taken from `cache` when they are as
    /// they were in the last build.
    pub fn load(root: Option<&Path>, cache: Option<&Cache>) -> Result<Theme, ThemeError> {
        let mut templates = BTreeMap::from(TEMPLATES.map(|(n, t)| (n.to_string(), t.to_string())));
        let mut statics =
            BTreeMap::from(STATIC.map(|(n, t)| (n.to_string(), t.as_bytes().to_vec())));
        if let Some(root) = root {
            for (name, bytes) in read_dir(root, "templates")? {
                let text = String::from_utf8(bytes).map_err(|_| {
                    ThemeError::Template(format!("template `{name}` is not valid UTF-8"))
                })?;
                templates.insert(name, text);
            }
            statics.extend(read_dir(root, "static")?);
        }
        let digest = crate::cache::digest(&templates);
        let compile = || {
            let mut tera = Tera::default();
            tera.set_escape_fn(escape);
            // Tera refuses includes and `extends` that form a cycle as it
            // compiles, and stops a component that calls itself after 20
            // calls deep, so no template can recurse until the stack overflows.
            tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
                .map_err(|e| ThemeError::Template(chain(&e)))?;
            Ok(Arc::new(tera))
        };
        let tera = cache.map_or_else(compile, |cache| cache.themes.get_or_make(digest, compile))?;
        Ok(Theme {
            tera,
            digest,
            statics,
        })
    }

    /// Renders `template` with `context`, which is let go once Tera has its
    /// own copy: a page's view can be megabytes (the front page's, print's).
    pub fn render(&self, template: &str, view: impl Serialize) -> Result<String, RenderError> {
        let context = Context::from_serialize(&view);
        drop(view);
        let rendered = context.and_then(|context| self.tera.render(template, &context));
        rendered.map_err(|e| RenderError {
            template: template.to_string(),
            message: chain(&e),
        })
    }

    /// Renders `component`, defined in `template` (or any template: components
    /// are shared), with `args`' fields as its arguments.
    pub fn render_component(
        &self,
        template: &str,
        component: &str,
        args: &impl Serialize,
    ) -> Result<String, RenderError> {
        let context = Context::from_serialize(args);
        let rendered =
            context.and_then(|context| self.tera.render_component(component, &context, None, true));
        rendered.map_err(|e| RenderError {
            template: template.to_string(),
            message: chain(&e),
        })
    }
}

/// HTML escaping for template output: `&`, `<`, `>`, `"` and `'`, which is all
/// that text and quoted attributes need (Tera's default also escapes `/`, which
/// makes every relative link unreadable in the source).
fn escape(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    pulldown_cmark_escape::escape_html(pulldown_cmark_escape::IoWriter(out), input)
}

/// Tera's error and all its causes on one line each: the causes hold the
/// template name, line and what went wrong. Tera starts a located error with
/// its own `error: `, which brief's report already says.
fn chain(err: &tera::Error) -> String {
    let whole = err.to_string();
    let mut message = whole.strip_prefix("error: ").unwrap_or(&whole).to_string();
    for cause in std::iter::successors(err.source(), |&cause| cause.source()) {
        message.push_str("\n  caused by: ");
        message.push_str(&cause.to_string());
    }
    message
}

/// Every file under `root/folder` by its `/`-separated path relative to it;
/// nothing when the folder does not exist. Symbolic links are followed, as in
/// `content/`, but only while they stay inside the site: a link out of it is
/// refused rather than published or read, and so is a loop.
fn read_dir(root: &Path, folder: &str) -> Result<Vec<(String, Vec<u8>)>, ThemeError> {
    let dir = root.join(folder);
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ThemeError::Io { path, source }
    };
    let site = root.canonicalize().map_err(io(root))?;
    let mut out = Vec::new();
    for entry in WalkDir::new(&dir).follow_links(true).sort_by_file_name() {
        // Walkdir's only error without an I/O error under it is a loop.
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(&dir).to_path_buf();
            match e.into_io_error() {
                Some(source) => ThemeError::Io { path, source },
                None => ThemeError::LinkLoop(path),
            }
        })?;
        // Theme folders are small: every path is resolved, folders included,
        // so a linked folder is refused before anything under it is read.
        let real = entry.path().canonicalize().map_err(io(entry.path()))?;
        if !real.starts_with(&site) {
            return Err(ThemeError::OutsideSite(entry.path().to_path_buf()));
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
        let name = rel.to_string_lossy().replace(MAIN_SEPARATOR, "/");
        let bytes = std::fs::read(entry.path()).map_err(io(entry.path()))?;
        out.push((name, bytes));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sites_own_template_is_compiled_as_it_loads() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir(site.path().join("templates")).unwrap();
        std::fs::write(site.path().join("templates/extra.html"), "{% if %}").unwrap();
        match Theme::load(Some(site.path()), None) {
            Err(ThemeError::Template(message)) => {
                assert!(message.contains("extra.html"), "{message}")
            }
            Err(other) => panic!("{other}"),
            Ok(_) => panic!("a broken template loaded"),
        }
    }
}
