//! `brief` turns an annotated briefing — Markdown sections plus parties, clauses
//! and quotes with TOML front matter — into a linked static site and a print
//! edition.
//!
//! The pipeline, one module per stage, data flowing forward only:
//!
//! ```text
//! source::read → load::load → resolve::relations ┐
//!             annotate::scan → resolve::references ┴→ Graph::build → render::site → verify → output::Staging
//! ```
//!
//! `brief check` runs all of it but the write; `brief serve` keeps the verified
//! site in memory.
//!
//! Author mistakes are [`Diagnostic`]s collected along the way; operational
//! failures are [`Error`]s.

pub mod annotate;
pub mod cache;
pub mod config;
pub mod date;
pub mod diagnostics;
pub mod fragment;
pub mod frontmatter;
pub mod graph;
pub mod highlight;
pub mod image;
pub mod incremental;
pub mod load;
pub mod model;
pub mod output;
pub mod pdf;
pub mod quotecheck;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod serve;
pub mod sink;
pub mod source;
pub mod sync;
pub mod theme;
pub mod timing;
pub mod verify;

/// Tiny sites for unit tests of stages that need a whole briefing.
#[cfg(test)]
pub(crate) mod test_site {
    /// Compiles a site whose `content/` holds `(path, text)` pairs.
    pub fn compile(files: &[(&str, &str)]) -> crate::Compiled {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("briefing.toml"), "title = \"T\"\n").unwrap();
        for (path, text) in files {
            let path = dir.path().join("content").join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        crate::compile(dir.path(), None).unwrap()
    }
}

use std::fmt;
use std::path::Path;

use rayon::prelude::*;

use cache::Cache;
pub use diagnostics::{Diagnostic, Files, Severity};
use graph::{Graph, PageId, PageRefs};
use model::{Briefing, Doc, Kind};
use render::Renderer;
use sink::{Collect, OutFile, Pieces, Sink, SiteError, WriteError};
use theme::Theme;
use timing::timed;

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
    Site(#[from] SiteError),
    #[error(transparent)]
    Output(#[from] output::OutputError),
    #[error(transparent)]
    Links(#[from] BrokenLinks),
}

/// Links the templates made that point at nothing (misses traced to content
/// are diagnostics instead).
#[derive(Debug, thiserror::Error)]
pub struct BrokenLinks {
    pub misses: Vec<verify::Miss>,
    /// The diagnostics of the same build, rendered: a broken template must
    /// not hide the content's own mistakes, so they are shown after it.
    pub diagnostics: String,
}

impl fmt::Display for BrokenLinks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the rendered site has {} broken link(s); fix the templates that make them:",
            self.misses.len()
        )?;
        for miss in &self.misses {
            write!(f, "\n  {miss}")?;
        }
        if !self.diagnostics.is_empty() {
            write!(f, "\n\n{}", self.diagnostics.trim_end())?;
        }
        Ok(())
    }
}

impl Error {
    /// 1 for a broken template (the author's to fix), 2 for the environment.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Theme(theme::ThemeError::Template(_))
            | Error::Render(_)
            | Error::Site(SiteError::Render(_))
            | Error::Links(_) => 1,
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
        diagnostics::errors(&self.diagnostics)
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }

    /// Whether a build must stop here.
    pub fn failed(&self, deny_warnings: bool) -> bool {
        self.errors() > 0 || (deny_warnings && self.warnings() > 0) || self.site.is_none()
    }
}

/// Everything `brief check` does before rendering: read, parse, resolve,
/// build the graph; with a `cache`, reusing from it the sources and scans
/// that did not change since the last build.
pub fn compile(root: &Path, cache: Option<&Cache>) -> Result<Compiled, Error> {
    let (sources, mut diagnostics) = timed("read", || {
        source::read(root, cache.map(|c| sync::lock(&c.sources)).as_deref_mut())
    })?;
    let (briefing, found) = timed("load", || load::load(&sources, cache));
    diagnostics.extend(found);
    let site = briefing.map(|mut briefing| {
        let (checked, found) = timed("quotes", || {
            quotecheck::check(root, &sources.files, &briefing)
        });
        briefing.checked = checked;
        diagnostics.extend(found);
        let (image, found) = image::check(root, &briefing);
        briefing.image = image;
        diagnostics.extend(found);
        let (relations, found) = resolve::relations(&briefing);
        diagnostics.extend(found);
        let (pages, found) = timed("scan", || scan_pages(&sources.files, &briefing, cache));
        diagnostics.extend(found);
        let (graph, found) = timed("graph", || Graph::build(&briefing, relations, pages));
        diagnostics.extend(found);
        (briefing, graph)
    });
    diagnostics::normalize(&mut diagnostics);
    Ok(Compiled {
        files: sources.files,
        site,
        diagnostics,
    })
}

/// Every page with a body, in reading order: front page, sections, then the
/// parties, clauses and quotes.
fn pages(briefing: &Briefing) -> Vec<(PageId, Doc)> {
    let front = briefing.front.map(|doc| (PageId::Front, doc));
    let entities = (briefing.keys()).map(|key| (PageId::Entity(key), briefing.doc(key)));
    front.into_iter().chain(entities).collect()
}

fn scan_pages(
    files: &Files,
    briefing: &Briefing,
    cache: Option<&Cache>,
) -> (Vec<PageRefs>, Vec<Diagnostic>) {
    let name = |kind: Kind, id: &str| briefing.lookup(kind, id).map(|k| briefing.display_name(k));
    // What a scan asks of other entities is their names: a kept scan holds
    // while every name is as it was.
    let names = cache.map(|_| {
        let names: Vec<String> = briefing.keys().map(|k| briefing.key_string(k)).collect();
        let shown: Vec<String> = briefing.keys().map(|k| briefing.display_name(k)).collect();
        cache::digest(&(names, shown))
    });
    let (pages, diagnostics): (Vec<PageRefs>, Vec<Vec<Diagnostic>>) = pages(briefing)
        .into_par_iter()
        .map(|(page, doc)| {
            let source = files.shared(doc.file);
            let scan = || annotate::scan_source(source, doc.body_start, &name);
            // A kept scan comes with the digest of its snippets, made with it.
            let (refs, digests) = match cache.zip(names) {
                Some((cache, names)) => {
                    let text = cache::digest(&(source.get(doc.body_start..), names));
                    let Ok(kept) = cache.scans.get_or_make(text, || {
                        let refs = scan();
                        let snippets: Vec<_> = refs.iter().map(|r| &r.snippet).collect();
                        let shown = cache::digest(&snippets);
                        Ok::<_, std::convert::Infallible>(std::sync::Arc::new((refs, shown)))
                    });
                    let shown = kept.1;
                    (kept.0.clone(), Some(graph::PageDigests { text, shown }))
                }
                None => (scan(), None),
            };
            let (bound, diagnostics) = resolve::references(briefing, doc, &refs);
            let page = PageRefs {
                page,
                doc,
                refs,
                bound,
                digests,
            };
            (page, diagnostics)
        })
        .unzip();
    (pages, diagnostics.into_iter().flatten().collect())
}

/// How to build: the options of `brief build`, as its help shows them.
/// `base_url` overrides the one in `briefing.toml`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct BuildOptions {
    /// Absolute URL the site will live at, starting with http:// or https://
    /// (for sitemap.xml and canonical links).
    #[arg(long, value_parser = web_address)]
    pub base_url: Option<String>,
    /// Fail on warnings too (exit 1), as a publishing pipeline should.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Replace an output folder that brief did not create.
    #[arg(long)]
    pub force: bool,
}

/// `--base-url` names where the site is published, so it must be a web
/// address: anything else would be written into sitemap.xml and canonical
/// links as a broken absolute URL.
fn web_address(url: &str) -> Result<String, String> {
    let lower = url.trim().to_ascii_lowercase();
    match lower.starts_with("https://") || lower.starts_with("http://") {
        true => Ok(url.trim().to_string()),
        false => Err(format!(
            "`{url}` is not a web address: give one starting with https:// or http://, e.g. https://example.org/briefing/"
        )),
    }
}

/// The steps of a build, announced to a progress display as each begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Compiling,
    Rendering,
    Verifying,
    Writing,
}

/// Everything a build does but writing: compile, render, verify the output,
/// with `cache` when there is one. Returns the diagnostics and, when nothing
/// failed, every file a build would write (static files included), sorted by
/// path.
pub fn check(
    root: &Path,
    options: &BuildOptions,
    cache: Option<&Cache>,
) -> Result<(Compiled, Option<Vec<OutFile>>), Error> {
    let collect = Collect::default();
    let compiled = run(root, options, cache, &|_| {}, &collect)?;
    let files = (!compiled.failed(options.deny_warnings)).then(|| collect.into_files());
    Ok((compiled, files))
}

/// `brief check`: everything a build does but writing, without keeping the
/// rendered files (memory stays flat however large the briefing).
/// Returns the diagnostics and how many files would be written.
pub fn check_only(
    root: &Path,
    options: &BuildOptions,
    progress: &dyn Fn(Stage),
) -> Result<(Compiled, usize), Error> {
    let discard = Discard::default();
    let compiled = run(root, options, None, progress, &discard)?;
    Ok((compiled, discard.0.into_inner()))
}

/// A sink that counts files and drops them: verification has already seen them.
#[derive(Default)]
struct Discard(std::sync::atomic::AtomicUsize);

impl Sink for Discard {
    fn put(&self, _: OutFile) -> Result<(), WriteError> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    fn put_pieces(&self, _: &str, pieces: Pieces) -> Result<(), SiteError> {
        for piece in pieces {
            piece?;
        }
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }
}

/// The pipeline every command runs: compile the site, render every file
/// into `sink` as it is done, and verify the output on the way. Nothing
/// reaches `sink` when compiling fails; whether what did reach it may be
/// kept is for the caller to decide from the returned diagnostics. `cache`
/// is what `brief serve` keeps between builds.
pub fn run(
    root: &Path,
    options: &BuildOptions,
    cache: Option<&Cache>,
    progress: &dyn Fn(Stage),
    sink: &dyn Sink,
) -> Result<Compiled, Error> {
    progress(Stage::Compiling);
    let mut compiled = timed("compile", || compile(root, cache))?;
    // A failed compile has no site to render, or one that must not be.
    let site = compiled.site.as_ref();
    let Some((briefing, graph)) = site.filter(|_| !compiled.failed(options.deny_warnings)) else {
        return Ok(compiled);
    };
    progress(Stage::Rendering);
    let theme = timed("theme", || Theme::load(Some(root), cache))?;
    let verifying = Verifying {
        inner: sink,
        collector: verify::Collector::new(cache.map(|c| &c.links)),
        statics: &theme.statics,
        shadowed: Default::default(),
    };
    // Static files first: a rendered page of the same path is an error at
    // the static file (see `shadowed`), never a silent replacement.
    for (path, bytes) in &theme.statics {
        let file = OutFile {
            path: path.clone(),
            bytes: bytes.clone().into(),
        };
        verifying.collector.add(path, &file.bytes);
        sink.put(file).map_err(SiteError::from)?;
    }
    let base_url = briefing.config.base_url(options.base_url.as_deref());
    let renderer = timed("views", || {
        Renderer::new(&compiled.files, briefing, graph, &theme, base_url, cache)
    });
    timed("render", || render::site(&renderer, &verifying))?;
    progress(Stage::Verifying);
    let outputs = verifying.collector.paths();
    let misses = timed("verify", || verifying.collector.finish());
    let outputs: Vec<&str> = outputs.iter().map(String::as_str).collect();
    let found = locate_misses(&compiled, misses, &outputs)?;
    compiled.diagnostics.extend(found);
    let twice = verifying.shadowed.into_inner();
    shadowed(&mut compiled, twice.unwrap_or_default());
    diagnostics::normalize(&mut compiled.diagnostics);
    Ok(compiled)
}

/// A sink that shows every rendered file to the link check before passing
/// it on, and notes every one with the path of a static file.
struct Verifying<'a> {
    inner: &'a dyn Sink,
    collector: verify::Collector,
    statics: &'a std::collections::BTreeMap<String, Vec<u8>>,
    shadowed: std::sync::Mutex<std::collections::BTreeSet<String>>,
}

impl Verifying<'_> {
    fn note(&self, path: &str) {
        if self.statics.contains_key(path) {
            sync::lock(&self.shadowed).insert(path.to_string());
        }
    }
}

impl Sink for Verifying<'_> {
    fn put(&self, file: OutFile) -> Result<(), WriteError> {
        self.note(&file.path);
        self.collector.add(&file.path, &file.bytes);
        self.inner.put(file)
    }

    fn put_pieces(&self, path: &str, pieces: Pieces) -> Result<(), SiteError> {
        self.note(path);
        let mut page = self.collector.start(path);
        let mut seen = pieces.inspect(|piece| {
            if let Ok(piece) = piece {
                page.feed(piece);
            }
        });
        self.inner.put_pieces(path, &mut seen)?;
        self.collector.end(page);
        Ok(())
    }
}

/// Rendered pages with the path of a static file: static files come first
/// and the rendered pages after, so the page would replace the static file;
/// which one a reader gets must not depend on that order, so each is an
/// error at the static file. (Pages have distinct paths by construction:
/// ids are unique within a kind, and `index` is no entity's id.)
fn shadowed(compiled: &mut Compiled, twice: std::collections::BTreeSet<String>) {
    for path in twice {
        let shown = std::path::Path::new("static").join(&path);
        let file = compiled.files.add(shown, String::new());
        let message = format!("static file `static/{path}` has the path of a page brief writes");
        let help = format!("rename or move it: the page `{path}` would replace it in the output");
        let error = Diagnostic::error("shadowed-page", file, 0..0, message);
        let error = error.with_label("this file").with_help(help);
        compiled.diagnostics.push(error);
    }
}

/// Misses traced to a Markdown link become diagnostics there; any other miss
/// is a template's and fails with [`BrokenLinks`].
fn locate_misses(
    compiled: &Compiled,
    misses: Vec<verify::Miss>,
    outputs: &[&str],
) -> Result<Vec<Diagnostic>, Error> {
    let Some((briefing, _)) = compiled.site.as_ref().filter(|_| !misses.is_empty()) else {
        return Ok(Vec::new());
    };
    let docs: Vec<(String, Doc)> = (pages(briefing).into_iter())
        .map(|(page, doc)| (render::views::page_href(briefing, page), doc))
        .collect();
    let (found, left) = verify::locate(misses, &compiled.files, &docs, outputs);
    if left.is_empty() {
        return Ok(found);
    }
    let mut all: Vec<Diagnostic> = compiled.diagnostics.iter().cloned().chain(found).collect();
    diagnostics::normalize(&mut all);
    Err(BrokenLinks {
        misses: left,
        diagnostics: diagnostics::render(&compiled.files, &all),
    }
    .into())
}

/// Checks, renders, verifies and writes the site at `root` into `out`,
/// announcing each stage to `progress`. Returns the diagnostics, and what
/// was written (None when the build stopped on diagnostics and wrote nothing).
pub fn build(
    root: &Path,
    out: &Path,
    options: &BuildOptions,
    progress: &dyn Fn(Stage),
) -> Result<(Compiled, Option<output::Written>), Error> {
    // Checked before anything is made: a mistyped --root must not become a
    // folder, and a site without content/ must not replace the output with
    // an empty one.
    if !root.join("briefing.toml").is_file() {
        return Err(source::LoadError::NoConfig(root.to_path_buf()).into());
    }
    if !root.join("content").is_dir() {
        return Err(output::OutputError::NoContent(root.to_path_buf()).into());
    }
    output::check_target(root, out, options.force)?;
    // Pages go to disk as they are rendered, into a staging folder that only
    // replaces the output once everything rendered and verified.
    let staging = output::Staging::new(out)?;
    let ran = run(root, options, None, progress, &staging);
    if staging.interrupted() {
        return Err(output::OutputError::Interrupted.into());
    }
    let compiled = ran?;
    if compiled.failed(options.deny_warnings) {
        return Ok((compiled, None));
    }
    progress(Stage::Writing);
    let written = timed("commit", || staging.commit())?;
    Ok((compiled, Some(written)))
}
