//! Rendering: from the briefing and its graph to the bytes of every output file.
//!
//! Every page is written by the Tera template of its name (the built-in one
//! or the site's own), fed only with the view models of [`views`]. Rust makes
//! what Markdown rendering makes (a body's HTML through `annotate::render`)
//! and the views; it writes no page chrome. `card.html` renders an entity's
//! card for each embed, and once for `previews.js`, which every page's hover
//! previews read. `graph.json`, `sitemap.xml`, the search index and
//! `previews.js` are serialised directly.
//! Pages render in parallel and go to a [`Sink`] as each is done. Nothing here
//! writes files.

mod dealmap;
mod feeds;
mod measure;
mod meta;
mod pages;
mod print;
mod targets;
mod timeline;
pub mod views;

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

use serde::Serialize;

use crate::annotate::{self, RenderOptions, Rendered};
use crate::cache::{Cache, digest};
use crate::diagnostics::Files;
use crate::graph::{Graph, Mention};
use crate::highlight::Highlighter;
use crate::model::{Briefing, Doc, EntityKey};
use crate::sink::{Bytes, OutFile, Sink, SiteError};
use crate::theme::Theme;
use targets::PageTargets;
use views::{EntityView, LinkMode, SiteView};

pub use crate::theme::RenderError;

/// Everything rendering reads, shared by all pages and threads.
pub struct Renderer<'a> {
    pub files: &'a Files,
    pub briefing: &'a Briefing,
    pub graph: &'a Graph,
    pub theme: &'a Theme,
    pub highlighter: &'static Highlighter,
    pub site: SiteView,
    /// Every entity's view with links to the site's pages, indexed like
    /// `Briefing::keys()`. Print's views, which link to anchors inside
    /// `print.html`, are made when needed ([`Renderer::print_view`]).
    pub views: Vec<EntityView>,
    pub base_url: Option<String>,
    /// What `brief serve` keeps between builds; None for a one-off build.
    cache: Option<&'a Cache>,
    /// A digest of everything a body's references and cards can show, for
    /// the cache: made once, when there is a cache.
    face: OnceLock<crate::cache::Digest>,
}

#[derive(Serialize)]
struct CardContext<'a> {
    entity: &'a EntityView,
    root: &'a str,
    anchor: &'a str,
}

impl<'a> Renderer<'a> {
    pub fn new(
        files: &'a Files,
        briefing: &'a Briefing,
        graph: &'a Graph,
        theme: &'a Theme,
        base_url: Option<String>,
        cache: Option<&'a Cache>,
    ) -> Self {
        Renderer {
            files,
            briefing,
            graph,
            theme,
            highlighter: match cache {
                Some(_) => Highlighter::kept(),
                None => Highlighter::shared(),
            },
            site: views::site_view(briefing, base_url.as_deref()),
            views: views::entity_views(briefing, graph),
            base_url,
            cache,
            face: OnceLock::new(),
        }
    }

    pub fn view(&self, key: EntityKey) -> &EntityView {
        &self.views[self.briefing.position(key)]
    }

    /// The view of `key` as print shows it, its links pointing at anchors
    /// inside `print.html`: made when asked for, since each is wanted once
    /// or twice and all of them would take as much memory as the site's.
    pub fn print_view(&self, key: EntityKey) -> EntityView {
        views::entity_view(self.briefing, self.graph, key, LinkMode::Print)
    }

    /// A link to `key`'s page, from its view.
    pub fn link(&self, key: EntityKey) -> views::LinkView<'_> {
        let view = self.view(key);
        views::LinkView {
            kind: view.kind,
            key: view.key.as_str().into(),
            href: view.href.as_str().into(),
            name: view.name.as_str().into(),
            label: view.label.as_deref().map(Cow::Borrowed),
        }
    }

    /// The card of `key` as `card.html` renders it on a page `root` away
    /// from the site root, or in print.
    pub fn card(&self, key: EntityKey, root: &str, mode: LinkMode) -> Result<String, RenderError> {
        let entity = match mode {
            LinkMode::Site => Cow::Borrowed(self.view(key)),
            LinkMode::Print => Cow::Owned(self.print_view(key)),
        };
        let context = CardContext {
            entity: &entity,
            root,
            anchor: "",
        };
        self.theme.render("card.html", &context)
    }

    /// The Markdown body of a document.
    pub fn body(&self, doc: Doc) -> &'a str {
        let text = self.files.text(doc.file);
        text.get(doc.body_start..).unwrap_or("")
    }

    /// Renders `text` as it stands on a page `root` away from the site root,
    /// or in print; from the cache when the text, the options and everything
    /// its references can show are as they were.
    pub fn markdown(
        &self,
        text: &str,
        root: &str,
        mode: LinkMode,
        options: RenderOptions,
    ) -> Result<Arc<Rendered>, RenderError> {
        let render = || {
            let targets = PageTargets {
                renderer: self,
                root,
                mode,
                error: RefCell::new(None),
            };
            let rendered = annotate::render(text, &targets, self.highlighter, options);
            // The first card that failed to render, if any, fails the body.
            let error = targets.error.into_inner();
            error.map_or(Ok(Arc::new(rendered)), Err)
        };
        let Some(cache) = self.cache else {
            return render();
        };
        let key = digest(&(
            text,
            root,
            mode == LinkMode::Print,
            options.id_prefix,
            options.moved_from,
            self.face(),
        ));
        cache.bodies.get_or_make(key, render)
    }

    /// A digest of everything any page or body can show of the briefing
    /// beyond its own text and mentions: every entity's views (names, labels,
    /// relations, what cards show; print's differ only in links made from
    /// the same ids), the site view, the base URL and the templates. Made
    /// once, for the cache.
    pub(crate) fn face(&self) -> crate::cache::Digest {
        *self.face.get_or_init(|| {
            let views = (&self.views, &self.site);
            digest(&(views, &self.base_url, self.theme.digest))
        })
    }

    /// What a page or feed listing mention `m` shows of it beside the
    /// views, for the cache: where it stands, whether it embeds, and the
    /// snippets of its page.
    pub(crate) fn shown(&self, m: &Mention) -> impl std::hash::Hash + use<'a> {
        let snippets = self.graph.digests(m.page).map(|d| d.shown);
        (m.page, m.entity, m.anchor(self.briefing), m.embed, snippets)
    }

    /// The file at `path` as `make` renders it; from the cache when the face
    /// of the briefing and `inputs`, everything else it shows, are as they
    /// were in the last build. Without a cache, simply made.
    pub fn kept<E: From<RenderError>>(
        &self,
        path: &str,
        inputs: &impl std::hash::Hash,
        make: impl FnOnce() -> Result<OutFile, E>,
    ) -> Result<OutFile, E> {
        let Some(cache) = self.cache else {
            return make();
        };
        let key = digest(&(self.face(), path, inputs));
        let bytes = (cache.pages).get_or_make(key, || make().map(|file| file.bytes))?;
        Ok(OutFile {
            path: path.to_string(),
            bytes,
        })
    }
}

/// The text of rendered bytes (templates and serde_json write only UTF-8),
/// without a copy when nothing else holds them.
fn text(bytes: Bytes) -> String {
    String::from_utf8(Arc::unwrap_or_clone(bytes))
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Renders every output file of the site into `sink`.
///
/// First the pages that are no entity's (the front page, the lists,
/// `404.html`), while little else is held; then
/// `print.html` beside the feeds, each entry made with its entity's page
/// from one rendering of the body (the document by one thread, the entries
/// and pages by all).
pub fn site(r: &Renderer, sink: &dyn Sink) -> Result<(), SiteError> {
    crate::timing::timed("pages", || pages::all(r, sink))?;
    let (print, feeds) = rayon::join(
        || crate::timing::timed("print.html", || print::page(r, sink)),
        || crate::timing::timed("feeds", || feeds::all(r, sink)),
    );
    print?;
    feeds
}
