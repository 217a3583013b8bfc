//! `brief` turns an annotated briefing — Markdown sections plus parties, clauses
//! and quotes with TOML front matter — into a linked static site and a print
//! edition.
//!
//! The pipeline, one module per stage, data flowing forward only:
//!
//! ```text
//! source::read → load::load → resolve::relations ┐
//!             annotate::scan → resolve::references ┴→ Graph::build → render::site → output::write
//! ```
//!
//! Author mistakes are [`Diagnostic`]s collected along the way; operational
//! failures are [`Error`]s.

pub mod annotate;
pub mod config;
pub mod diagnostics;
pub mod frontmatter;
pub mod graph;
pub mod highlight;
pub mod load;
pub mod model;
pub mod output;
pub mod render;
pub mod resolve;
pub mod source;
pub mod theme;

use std::path::Path;

use rayon::prelude::*;

pub use diagnostics::{Diagnostic, Files, Severity};
use graph::{Graph, PageId, PageRefs};
use model::{Briefing, Doc, EntityKey, Kind};
use render::Renderer;
use render::views::LinkMode;
use theme::Theme;

/// Failures that are not mistakes in the content.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Load(#[from] source::LoadError),
    #[error(transparent)]
    Theme(#[from] theme::ThemeError),
    #[error(transparent)]
    Render(#[from] render::RenderError),
    #[error(transparent)]
    Output(#[from] output::OutputError),
}

impl Error {
    /// 1 for a broken template (the author's to fix), 2 for the environment.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Theme(theme::ThemeError::Template(_)) | Error::Render(_) => 1,
            _ => 2,
        }
    }
}

/// A checked briefing: the sources, what they mean, and every diagnostic.
pub struct Compiled {
    pub files: Files,
    pub site: Option<(Briefing, Graph)>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Compiled {
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }

    /// Whether a build must stop here.
    pub fn failed(&self, deny_warnings: bool) -> bool {
        self.errors() > 0 || (deny_warnings && self.warnings() > 0) || self.site.is_none()
    }
}

/// Everything `brief check` does: read, parse, resolve, build the graph.
pub fn compile(root: &Path) -> Result<Compiled, Error> {
    let (sources, mut diagnostics) = source::read(root)?;
    let (briefing, found) = load::load(&sources);
    diagnostics.extend(found);
    let Some(briefing) = briefing else {
        diagnostics::normalize(&mut diagnostics);
        return Ok(Compiled {
            files: sources.files,
            site: None,
            diagnostics,
        });
    };
    let (relations, found) = resolve::relations(&briefing);
    diagnostics.extend(found);
    let (pages, found) = scan_pages(&sources.files, &briefing);
    diagnostics.extend(found);
    let graph = Graph::build(&briefing, relations, pages);
    diagnostics.extend(graph.warnings(&briefing));
    diagnostics::normalize(&mut diagnostics);
    Ok(Compiled {
        files: sources.files,
        site: Some((briefing, graph)),
        diagnostics,
    })
}

/// Every page with a body, in reading order: front page, sections, then the
/// parties, clauses and quotes.
fn pages(briefing: &Briefing) -> Vec<(PageId, Doc)> {
    let mut pages: Vec<(PageId, Doc)> = briefing
        .front
        .map(|d| (PageId::Front, d))
        .into_iter()
        .collect();
    for kind in Kind::ALL {
        for index in 0..briefing.len(kind) {
            let key = EntityKey { kind, index };
            pages.push((PageId::Entity(key), briefing.doc(key)));
        }
    }
    pages
}

fn scan_pages(files: &Files, briefing: &Briefing) -> (Vec<PageRefs>, Vec<Diagnostic>) {
    let name = |kind: Kind, id: &str| briefing.lookup(kind, id).map(|k| briefing.display_name(k));
    let scanned: Vec<(PageRefs, Vec<Diagnostic>)> = pages(briefing)
        .into_par_iter()
        .map(|(page, doc)| {
            let body = files.text(doc.file).get(doc.body_start..).unwrap_or("");
            let refs = annotate::scan(body, &name);
            let (bound, diagnostics) = resolve::references(briefing, doc, &refs);
            (
                PageRefs {
                    page,
                    doc,
                    refs,
                    bound,
                },
                diagnostics,
            )
        })
        .collect();
    let mut diagnostics = Vec::new();
    let pages = scanned
        .into_iter()
        .map(|(page, found)| {
            diagnostics.extend(found);
            page
        })
        .collect();
    (pages, diagnostics)
}

/// How to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Overrides `base_url` from `briefing.toml`.
    pub base_url: Option<String>,
    pub deny_warnings: bool,
    /// Replace an output folder that `brief` did not make.
    pub force: bool,
}

/// What a build did.
pub struct Built {
    pub compiled: Compiled,
    /// None when the build stopped on diagnostics and wrote nothing.
    pub written: Option<output::Written>,
}

/// Checks, renders and writes the site at `root` into `out`.
pub fn build(root: &Path, out: &Path, options: &BuildOptions) -> Result<Built, Error> {
    let compiled = compile(root)?;
    if compiled.failed(options.deny_warnings) {
        return Ok(Built {
            compiled,
            written: None,
        });
    }
    output::check_target(root, out, options.force)?;
    let theme = Theme::load(Some(root))?;
    let files = render_site(&compiled, &theme, options.base_url.clone())?;
    let written = output::write(out, &files, &theme.statics)?;
    Ok(Built {
        compiled,
        written: Some(written),
    })
}

/// Renders every output file of a compiled, error-free briefing.
pub fn render_site(
    compiled: &Compiled,
    theme: &Theme,
    base_url: Option<String>,
) -> Result<Vec<render::OutFile>, Error> {
    let Some((briefing, graph)) = &compiled.site else {
        return Ok(Vec::new());
    };
    let base_url = base_url
        .filter(|u| !u.trim().is_empty())
        .map(|u| format!("{}/", u.trim().trim_end_matches('/')));
    let renderer = Renderer::new(
        &compiled.files,
        briefing,
        graph,
        theme,
        base_url.or_else(|| briefing.config.base_url()),
    );
    Ok(render::site(&renderer)?)
}

/// `brief render`: one Markdown text to an HTML fragment. References resolve
/// against the site at `root` when there is one that compiles; otherwise they
/// link to where such entities' pages would be.
pub fn render_fragment(text: &str, root: Option<&Path>) -> Result<String, Error> {
    let highlighter = highlight::Highlighter::new();
    if let Some(root) = root.filter(|r| r.join("briefing.toml").is_file()) {
        let compiled = compile(root)?;
        if let (0, Some((briefing, graph))) = (compiled.errors(), &compiled.site) {
            let theme = Theme::load(Some(root))?;
            let renderer = Renderer::new(&compiled.files, briefing, graph, &theme, None);
            return Ok(renderer.markdown_text(text, "", LinkMode::Site, "")?.html);
        }
    }
    let rendered = annotate::render(
        text,
        &Standalone,
        &highlighter,
        annotate::RenderOptions::default(),
    );
    Ok(rendered.html)
}

/// Targets when there is no site: a link to where the entity's page would be.
struct Standalone;

impl annotate::Targets for Standalone {
    fn target(&self, kind: Kind, id: &str) -> Option<annotate::Target> {
        // Only ids that could name a file keep their link: anything else could
        // point outside the site.
        model::is_valid_id(id).then(|| annotate::Target {
            href: format!("{}/{id}.html", kind.dir()),
            name: id.to_string(),
            label: None,
        })
    }

    fn card(&self, _: Kind, _: &str, _: &str) -> Option<String> {
        None
    }
}
