//! `brief render`: one Markdown text, from a file or standard input, to an
//! HTML fragment, with the diagnostics a build would give its references.
//!
//! The text is read as a content file is (no byte-order mark, invalid UTF-8
//! located, `+++` front matter set aside) and its references are checked by
//! `resolve`, as a body's are. With a site that compiles, they resolve
//! against it and what a build calls an error is one here; without one,
//! every reference is unknown, so each is a warning and links to where such
//! an entity's page would be. Whether the HTML is shown is the caller's
//! choice: it is made either way.

use std::path::Path;
use std::sync::Arc;

use crate::annotate;
use crate::diagnostics::{self, Diagnostic, Files, Severity};
use crate::highlight::Highlighter;
use crate::model::{self, Briefing, Doc, Kind};
use crate::render::Renderer;
use crate::render::views::LinkMode;
use crate::theme::Theme;
use crate::{Error, frontmatter, resolve, source};

/// What `brief render` made of its input.
#[derive(Debug, Default)]
pub struct Fragment {
    /// The HTML fragment; empty when the input is not text.
    pub html: String,
    /// The texts the diagnostics point into: the input's, and with a site,
    /// the site's.
    pub files: Files,
    /// Sorted, as a build's are.
    pub diagnostics: Vec<Diagnostic>,
}

/// Renders `input`, shown in diagnostics as `name`. References resolve
/// against the site at `root` when there is one that compiles.
pub fn render_fragment(input: &[u8], name: &Path, root: Option<&Path>) -> Result<Fragment, Error> {
    let site = root.filter(|r| r.join("briefing.toml").is_file());
    let compiled = (site.map(|root| crate::compile(root, None)).transpose()?)
        .filter(|c| c.errors() == 0 && c.site.is_some());
    let mut fragment = Fragment::default();
    if let Some(compiled) = &compiled {
        fragment.files = compiled.files.clone();
    }
    let found = &mut fragment.diagnostics;
    let text = source::utf8(input.to_vec());
    let Ok(file) = source::decode(&mut fragment.files, found, text, name.into()) else {
        return Ok(fragment);
    };
    let text = Arc::clone(fragment.files.shared(file));
    // Only a `+++` block is front matter here: a fragment may be any
    // Markdown, whose first line `---` is a thematic break.
    let body_start = match text.lines().next().map(str::trim_end) {
        Some("+++") => match frontmatter::split(file, &text) {
            Ok(split) => split.body_start,
            Err(d) => {
                fragment.diagnostics.push(d);
                return Ok(fragment);
            }
        },
        _ => 0,
    };
    let doc = Doc {
        file,
        meta_start: 0,
        body_start,
    };
    let body = text.get(body_start..).unwrap_or_default();
    let options = annotate::RenderOptions::default();
    match compiled.as_ref().and_then(|c| c.site.as_ref()) {
        Some((briefing, graph)) => {
            (fragment.diagnostics).extend(check_references(briefing, doc, &text));
            // A site was found, so there is a root.
            let theme = Theme::load(root, None)?;
            let renderer = Renderer::new(&fragment.files, briefing, graph, &theme, None, None);
            let rendered = renderer.markdown(body, "", LinkMode::Site, options)?;
            fragment.html = Arc::unwrap_or_clone(rendered).html;
        }
        None => {
            // Without a site, references are checked against a briefing with
            // nothing in it: every one is unknown.
            let unchecked = check_references(&Briefing::default(), doc, &text);
            (fragment.diagnostics).extend(unchecked.into_iter().map(|d| unresolved(d, root)));
            fragment.html =
                annotate::render(body, &Standalone, Highlighter::shared(), options).html;
        }
    }
    diagnostics::normalize(&mut fragment.diagnostics);
    Ok(fragment)
}

/// The diagnostics of `doc`'s references, as a build gives a body's.
fn check_references(briefing: &Briefing, doc: Doc, text: &Arc<String>) -> Vec<Diagnostic> {
    let name = |kind: Kind, id: &str| briefing.lookup(kind, id).map(|k| briefing.display_name(k));
    let refs = annotate::scan_source(text, doc.body_start, &name);
    resolve::references(briefing, doc, &refs).1
}

/// A reference found unknown for want of a site is a warning that says so;
/// every other diagnostic (a script link, a misspelt kind) is as a build's.
fn unresolved(d: Diagnostic, root: Option<&Path>) -> Diagnostic {
    if !resolve::UNKNOWN.contains(&d.code) {
        return d;
    }
    let root = root.unwrap_or(Path::new(".")).display();
    let help = format!(
        "no briefing in {root} compiles to look it up in (see `brief check --root {root}`); \
         it links to where its page would be"
    );
    Diagnostic {
        severity: Severity::Warning,
        help: Some(help),
        ..d
    }
}

/// Targets when there is no site: a link to where the entity's page would be.
struct Standalone;

impl annotate::Targets for Standalone {
    fn target(&self, kind: Kind, id: &str) -> Option<annotate::Target> {
        // Only ids that could name a file keep their link: anything else could
        // point outside the site.
        model::is_valid_id(id).then(|| annotate::Target {
            href: [kind.dir(), "/", id, ".html"].concat(),
            name: id.to_string(),
            label: None,
        })
    }

    fn card(&self, _: Kind, _: &str, _: &str) -> Option<String> {
        None
    }
}
