//! Rendering: from the briefing and its graph to the bytes of every output file.
//!
//! Page bodies go through `annotate::render`, pages through the templates fed
//! only with the view models of [`views`]: the built-in ones written in Rust
//! (`builtin`), or Tera for whatever the site overrides. `graph.json` and
//! `sitemap.xml` are serialised directly. Pages render in parallel. Nothing
//! here writes files.

mod builtin;
mod feeds;
mod pages;
mod print;
pub mod views;

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::hash::Hash;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use serde::Serialize;

use crate::annotate::{self, RenderOptions, Rendered, Target, Targets};
use crate::diagnostics::Files;
use crate::graph::Graph;
use crate::highlight::Highlighter;
use crate::incremental::{Asked, Body, Kept, Reuse, digest};
use crate::model::{Briefing, Doc, EntityKey, Kind};
use crate::theme::Theme;
use builtin::Base;
use views::{EntityView, LinkMode, SiteView};

/// One file of the built site: its path relative to the output root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Bytes shared between the files of successive incremental builds. A `Vec`
/// behind the `Arc` lets freshly rendered bytes be shared without a copy.
pub type Bytes = Arc<Vec<u8>>;

/// Who wrote the markup of a file or a piece of one. Verification no longer
/// asks: it scans every page in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// brief's own writers made every tag of it, each link from the graph
    /// to a page the build writes.
    Brief,
    /// It may hold markup of the author's (a link or raw HTML in Markdown, a
    /// template of the site's, a source's URL): every link in it is checked.
    Author,
}

/// A file as rendering hands it on: bytes of its own, or bytes shared with
/// the reuse tables of an incremental build (and so perhaps with the build
/// before it).
#[derive(Debug, Clone)]
pub enum Output {
    Owned(OutFile, Origin),
    Shared(String, Bytes),
}

impl Output {
    pub fn path(&self) -> &str {
        match self {
            Output::Owned(file, _) => &file.path,
            Output::Shared(path, _) => path,
        }
    }

    pub fn bytes(&self) -> &[u8] {
        match self {
            Output::Owned(file, _) => &file.bytes,
            Output::Shared(_, bytes) => bytes,
        }
    }

    /// Who made the file's bytes: shared bytes come from the reuse tables of
    /// an incremental build, which verifies whatever changed in full.
    pub fn origin(&self) -> Origin {
        match self {
            Output::Owned(_, origin) => *origin,
            Output::Shared(..) => Origin::Author,
        }
    }

    /// The file with its bytes of its own marked as made by `origin`.
    fn made_by(self, origin: Origin) -> Output {
        match self {
            Output::Owned(file, _) => Output::Owned(file, origin),
            shared => shared,
        }
    }

    pub fn put_into(self, sink: &dyn Sink) -> Result<(), SinkError> {
        match self {
            Output::Owned(file, Origin::Brief) => sink.put_made(file),
            Output::Owned(file, Origin::Author) => sink.put(file),
            Output::Shared(path, bytes) => sink.put_shared(path, bytes),
        }
    }
}

/// A template failed to render; carries Tera's whole explanation.
#[derive(Debug, thiserror::Error)]
#[error("template `{template}` failed: {message}")]
pub struct RenderError {
    pub template: String,
    pub message: String,
}

/// Everything rendering reads, shared by all pages.
pub struct Renderer<'a> {
    pub files: &'a Files,
    pub briefing: &'a Briefing,
    pub graph: &'a Graph,
    pub theme: &'a Theme,
    pub highlighter: Highlighter,
    pub site: SiteView,
    pub views: Vec<EntityView>,
    /// The views with print links, for templates Tera renders (see
    /// [`Renderer::view_in`]).
    print_views: OnceLock<Vec<EntityView>>,
    /// The entity whose file each body comes from.
    doc_pages: HashMap<crate::diagnostics::FileId, EntityKey>,
    /// Each entity's card, rendered at most once per [`CardVariant`] and
    /// reused by every embed and preview: most pages show a dozen cards.
    cards: Vec<[OnceLock<Result<String, String>>; 3]>,
    /// Digests of what references to each entity resolve to, per
    /// [`CardVariant`]: the link target, then the card. Incremental builds
    /// compare them with the answers a kept body was rendered with; a full
    /// build asks for none and leaves this empty.
    answers: Vec<[[OnceLock<crate::incremental::Digest>; 2]; 3]>,
    pub base_url: Option<String>,
    /// What the last build made, when rendering incrementally.
    reuse: Option<&'a Reuse>,
    /// When rendering incrementally: [`Renderer::face`], made once.
    face: OnceLock<crate::incremental::Digest>,
    /// Whether the cards every page shows are the built-in template's and no
    /// source's URL points into the site: what [`Renderer::origin`] asks of
    /// every page, worked out once.
    cards_and_sources_brief: bool,
    /// Every entity's reference tags, by its place among the keys.
    ref_tags: Vec<RefTags>,
}

/// The opening tags of references to one entity, on a page one folder down
/// and in print, split where the reference's element id goes: made once for
/// the whole build, in one string, so that rendering a reference reads one
/// place rather than the entity's view, its strings and its label.
struct RefTags {
    text: String,
    /// Where the site tag's halves and the print tag's halves end.
    ends: [usize; 4],
}

impl RefTags {
    fn new(renderer: &Renderer, key: EntityKey) -> RefTags {
        let (kind, id) = (key.kind, renderer.briefing.id(key));
        let mut text = String::with_capacity(256);
        let mut ends = [0; 4];
        for (mode, root, at) in [(LinkMode::Site, "../", 0), (LinkMode::Print, "", 2)] {
            let target = renderer.target(key, root, mode);
            annotate::push_ref_tag_start(&mut text, kind, &target.href);
            ends[at] = text.len();
            annotate::push_ref_tag_end(&mut text, kind, id, target.label.as_deref());
            ends[at + 1] = text.len();
        }
        RefTags { text, ends }
    }

    fn site(&self) -> [&str; 2] {
        let [a, b, ..] = self.ends;
        [&self.text[..a], &self.text[a..b]]
    }

    fn print(&self) -> [&str; 2] {
        let [_, b, c, d] = self.ends;
        [&self.text[b..c], &self.text[c..d]]
    }
}

/// Where a card's links start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardVariant {
    /// On a page one folder down (`../`).
    Nested,
    /// On a page at the site root.
    Top,
    /// Inside `print.html`, linking to its own anchors.
    Print,
}

impl<'a> Renderer<'a> {
    pub fn new(
        files: &'a Files,
        briefing: &'a Briefing,
        graph: &'a Graph,
        theme: &'a Theme,
        base_url: Option<String>,
    ) -> Self {
        let views = views::entity_views(briefing, graph, LinkMode::Site);
        let mut renderer = Renderer {
            files,
            briefing,
            graph,
            theme,
            highlighter: Highlighter::new(),
            site: views::site_view(briefing, LinkMode::Site),
            views,
            print_views: OnceLock::new(),
            cards: briefing.keys().map(|_| Default::default()).collect(),
            answers: Vec::new(),
            doc_pages: briefing.keys().map(|k| (briefing.doc(k).file, k)).collect(),
            base_url,
            reuse: None,
            face: OnceLock::new(),
            cards_and_sources_brief: false,
            ref_tags: Vec::new(),
        };
        let keys: Vec<EntityKey> = briefing.keys().collect();
        renderer.ref_tags = keys
            .par_iter()
            .map(|&k| RefTags::new(&renderer, k))
            .collect();
        let sources_inside = (renderer.site.sources.iter())
            .filter_map(|s| s.url.as_deref())
            .any(|url| !annotate::is_external(url.trim()));
        renderer.cards_and_sources_brief = !sources_inside && renderer.native("card.html");
        renderer
    }

    /// Where a reference to `key` points from a page `root` away from the
    /// site's root, or in print, and what it shows.
    fn target(&self, key: EntityKey, root: &str, mode: LinkMode) -> Target {
        let view = self.view(key);
        let href = match mode {
            LinkMode::Site => [root, &view.href].concat(),
            LinkMode::Print => views::entity_href(self.briefing, key, LinkMode::Print),
        };
        // On paper a section is found by its number, so print references to
        // sections carry `§N` where other kinds carry their label.
        let label = match (mode, view.number) {
            (LinkMode::Print, Some(n)) if key.kind == Kind::Section => {
                let mut label = String::from("§");
                annotate::push_decimal(&mut label, n);
                Some(label)
            }
            _ => view.label.clone(),
        };
        Target {
            href,
            name: view.name.clone(),
            label,
        }
    }

    /// Reuses bodies, cards and pages from `reuse` wherever their inputs did
    /// not change, and stores what it renders there for the next build.
    pub fn reusing(self, reuse: Option<&'a Reuse>) -> Self {
        let answers = match reuse {
            Some(_) => self.briefing.keys().map(|_| Default::default()).collect(),
            None => Vec::new(),
        };
        Renderer {
            reuse,
            answers,
            ..self
        }
    }

    /// Whether `template` can be written by [`builtin`] rather than Tera:
    /// it and every template it builds on are the built-in ones.
    fn native(&self, template: &str) -> bool {
        let parts = builtin::made_of(template);
        !parts.is_empty() && parts.iter().all(|t| self.theme.is_builtin(t))
    }

    /// Who wrote a page of `template` showing Markdown that holds
    /// `authored` links ([`Rendered::authored_links`]): brief, when it,
    /// every template it builds on and the cards it shows are the built-in
    /// ones, its Markdown holds no link of the author's and no source's URL
    /// points into the site.
    fn origin(&self, template: &str, authored: bool) -> Origin {
        match !authored && self.cards_and_sources_brief && self.native(template) {
            true => Origin::Brief,
            false => Origin::Author,
        }
    }

    /// `template` with `context`, written by [`builtin`] where it can be.
    fn render_page<P: Serialize + builtin::Native>(
        &self,
        template: &str,
        context: &PageContext<P>,
    ) -> Result<String, RenderError> {
        if self.native(template) {
            // Room for the frame and the body around the previews, so that
            // most pages are written without growing the buffer.
            let mut out = String::with_capacity(context.previews.len() + 24 * 1024);
            if P::write(context, template, &mut out) {
                return Ok(out);
            }
        }
        self.theme.render(template, context)
    }

    /// `card.html` for `key` in `variant`: written by [`builtin`] from the
    /// site's view of the entity where it can be, else by Tera from the view
    /// of the variant's links.
    fn render_card(&self, key: EntityKey, variant: CardVariant) -> Result<String, String> {
        let base = match variant {
            CardVariant::Nested => Base::Site("../"),
            CardVariant::Top => Base::Site(""),
            CardVariant::Print => Base::Print,
        };
        if self.native("card.html") {
            let mut out = String::with_capacity(1024);
            builtin::card(&mut out, self.view(key), base, "");
            out.push('\n');
            // Cards are kept for the whole build, every entity's in up to
            // three variants: they keep only the room they use.
            out.shrink_to_fit();
            return Ok(out);
        }
        let (mode, root) = match base {
            Base::Site(root) => (LinkMode::Site, root),
            Base::Print => (LinkMode::Print, ""),
        };
        let context = CardContext {
            entity: self.view_in(key, mode),
            root,
            anchor: "",
        };
        (self.theme.render("card.html", &context)).map_err(|e| e.message)
    }

    /// The card of `key` as `card.html` renders it, cached.
    pub fn card(&self, key: EntityKey, variant: CardVariant) -> Result<&str, RenderError> {
        let index = self.briefing.position(key);
        let cached = self.cards[index][variant as usize].get_or_init(|| {
            let Some(reuse) = self.reuse else {
                return self.render_card(key, variant);
            };
            // The views decide every card; the variant decides its links.
            let inputs = digest(&(self.view(key), variant as u8));
            if let Some(card) = reuse.cards.get(&inputs, |_| true) {
                return Ok(card.to_string());
            }
            let card = self.render_card(key, variant)?;
            reuse.cards.put(inputs, Arc::from(card.as_str()));
            Ok(card)
        });
        cached.as_deref().map_err(|message| RenderError {
            template: "card.html".into(),
            message: message.clone(),
        })
    }

    pub fn view(&self, key: EntityKey) -> &EntityView {
        &self.views[self.briefing.position(key)]
    }

    /// A link to `key`'s page, from its view: what `views::link` makes,
    /// without spelling out its name and address again.
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

    /// The view of `key` with links of `mode`. Views with print links are
    /// made only when a template Tera renders needs them: the Rust templates
    /// derive print links from the site's views.
    fn view_in(&self, key: EntityKey, mode: LinkMode) -> &EntityView {
        match mode {
            LinkMode::Site => self.view(key),
            LinkMode::Print => {
                let views = self.print_views.get_or_init(|| {
                    views::entity_views(self.briefing, self.graph, LinkMode::Print)
                });
                &views[self.briefing.position(key)]
            }
        }
    }

    /// The view `print.html`'s template is given for `key`: the site's view
    /// when the Rust template writes it, else the view with print links.
    fn print_view(&self, key: EntityKey) -> &EntityView {
        let mode = match self.native("print.html") {
            true => LinkMode::Site,
            false => LinkMode::Print,
        };
        self.view_in(key, mode)
    }

    /// The Markdown body of a document.
    pub fn body(&self, doc: Doc) -> &'a str {
        self.files
            .text(doc.file)
            .get(doc.body_start..)
            .unwrap_or("")
    }

    /// Renders one body for a page at `root` ("" or "../").
    pub fn markdown(
        &self,
        doc: Doc,
        root: &str,
        mode: LinkMode,
        id_prefix: &str,
    ) -> Result<Arc<Rendered>, RenderError> {
        // In print, a body leaves its own page for print.html at the root.
        let page = self.doc_pages.get(&doc.file);
        let folder = page
            .map(|k| format!("{}/", k.kind.dir()))
            .filter(|_| mode == LinkMode::Print);
        let options = RenderOptions {
            id_prefix,
            moved_from: folder.as_deref(),
        };
        self.markdown_with(self.body(doc), root, mode, options)
    }

    /// The body of `key` for its own page and for `print.html` (with ids
    /// prefixed by `prefix`), rendered once for both
    /// ([`annotate::render_pair`]); None when each must be rendered on its
    /// own, with [`Renderer::markdown`], as an incremental build always does
    /// (its reuse tables keep each place's rendering).
    pub fn markdown_pair(
        &self,
        key: EntityKey,
        prefix: &str,
    ) -> Result<Option<[Arc<Rendered>; 2]>, RenderError> {
        if self.reuse.is_some() {
            return Ok(None);
        }
        let targets = |root, mode| PageTargets {
            renderer: self,
            root,
            mode,
            error: std::cell::RefCell::new(None),
        };
        let (own, print) = (targets("../", LinkMode::Site), targets("", LinkMode::Print));
        let folder = format!("{}/", key.kind.dir());
        let options = [
            RenderOptions::default(),
            RenderOptions {
                id_prefix: prefix,
                moved_from: Some(&folder),
            },
        ];
        let body = self.body(self.briefing.doc(key));
        let pair = annotate::render_pair(body, [&own, &print], &self.highlighter, options);
        // A card that failed is reported by rendering each place alone.
        let failed = own.error.into_inner().is_some() || print.error.into_inner().is_some();
        Ok(pair.filter(|_| !failed).map(|pair| pair.map(Arc::new)))
    }

    /// Renders Markdown text as if it stood on a page at `root`.
    pub fn markdown_text(
        &self,
        text: &str,
        root: &str,
        mode: LinkMode,
        id_prefix: &str,
    ) -> Result<Rendered, RenderError> {
        let rendered = self.markdown_with(
            text,
            root,
            mode,
            RenderOptions {
                id_prefix,
                moved_from: None,
            },
        )?;
        Ok(Arc::unwrap_or_clone(rendered))
    }

    fn markdown_with(
        &self,
        text: &str,
        root: &str,
        mode: LinkMode,
        options: RenderOptions,
    ) -> Result<Arc<Rendered>, RenderError> {
        let targets = PageTargets {
            renderer: self,
            root,
            mode,
            error: std::cell::RefCell::new(None),
        };
        let Some(reuse) = self.reuse else {
            let rendered = annotate::render(text, &targets, &self.highlighter, options);
            return match targets.error.into_inner() {
                Some(err) => Err(err),
                None => Ok(Arc::new(rendered)),
            };
        };
        let key = digest(&(
            text,
            root,
            mode == LinkMode::Print,
            options.id_prefix,
            options.moved_from,
        ));
        // Whatever a body asked of other entities is answered from the views:
        // when they are all as they were, so are the answers.
        let face = self.face();
        let still = |body: &Arc<Body>| {
            body.face == face || body.asked.iter().all(|q| q.same_answer(&targets))
        };
        if let Some(body) = reuse.bodies.get(&key, still)
            && targets.error.borrow().is_none()
        {
            return Ok(Arc::clone(&body.rendered));
        }
        let asking = Asking {
            inner: &targets,
            asked: std::cell::RefCell::new(Vec::new()),
        };
        let rendered = annotate::render(text, &asking, &self.highlighter, options);
        let mut asked = asking.asked.into_inner();
        if let Some(err) = targets.error.into_inner() {
            return Err(err);
        }
        asked.dedup();
        let rendered = Arc::new(rendered);
        let body = Body {
            rendered: Arc::clone(&rendered),
            asked,
            face,
        };
        reuse.bodies.put(key, Arc::new(body));
        Ok(rendered)
    }

    /// The bytes of the file at `path`: made by `make`, or, when rendering
    /// incrementally, the last build's bytes if the digest of its inputs is
    /// the same.
    pub fn output<E>(
        &self,
        path: &str,
        inputs: impl FnOnce() -> crate::incremental::Digest,
        make: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<Output, E> {
        let Some(reuse) = self.reuse else {
            return Ok(Output::Owned(
                OutFile {
                    path: path.to_string(),
                    bytes: make()?,
                },
                Origin::Author,
            ));
        };
        let inputs = inputs();
        let path = path.to_string();
        if let Some(kept) = reuse.files.get(&path, |k| k.inputs == inputs) {
            return Ok(Output::Shared(path, Arc::clone(&kept.bytes)));
        }
        let bytes: Bytes = Arc::new(make()?);
        let kept = Kept {
            inputs,
            bytes: Arc::clone(&bytes),
        };
        reuse.files.put(path.clone(), Arc::new(kept));
        Ok(Output::Shared(path, bytes))
    }

    /// A digest of everything a body's references and cards can show, and
    /// everything an entity page can show but its own body and mentions:
    /// every entity's view (which also decides its print links), the site
    /// view and the base URL.
    fn face(&self) -> crate::incremental::Digest {
        *self
            .face
            .get_or_init(|| digest(&(&self.views, &self.site, &self.base_url)))
    }

    /// The page of `key` at `path`, from `make`; or, when rendering
    /// incrementally, the last build's bytes without building the page's
    /// context, if none of what such a page can show changed: the views of
    /// every entity (names, labels, relations, what cards show), the site
    /// view, the entity's own body and the mentions of it. Most pages are
    /// untouched by an edit to one section, and building every page's
    /// context to find that out was most of a rebuild.
    pub fn entity_page(
        &self,
        key: EntityKey,
        path: &str,
        make: impl FnOnce() -> Result<Output, RenderError>,
    ) -> Result<Output, RenderError> {
        let Some(reuse) = self.reuse else {
            return make();
        };
        let face = self.face();
        let mentions: Vec<_> = (self.graph.mentions_of(key))
            .map(|m| (m.page, m.anchor(self.briefing), &m.snippet, m.embed))
            .collect();
        let inputs = digest(&(face, self.body(self.briefing.doc(key)), mentions));
        if let Some(kept) = reuse.pages.get(&path.to_string(), |k| k.inputs == inputs) {
            return Ok(Output::Shared(path.to_string(), Arc::clone(&kept.bytes)));
        }
        let output = make()?;
        let bytes = match &output {
            Output::Shared(_, bytes) => Arc::clone(bytes),
            Output::Owned(file, _) => Arc::new(file.bytes.clone()),
        };
        reuse
            .pages
            .put(path.to_string(), Arc::new(Kept { inputs, bytes }));
        Ok(output)
    }

    /// Renders `template` with a page context; `authored` tells whether the
    /// Markdown it shows holds links of the author's
    /// ([`Rendered::authored_links`]).
    fn page<P: Serialize + Hash + builtin::Native>(
        &self,
        template: &str,
        path: &str,
        title: &str,
        referenced: &[(Kind, String)],
        authored: bool,
        page: P,
    ) -> Result<Output, RenderError> {
        // A host serves 404.html at whatever address was missing, where links
        // relative to the top level break; with a base_url it links absolutely.
        let root = match (&self.base_url, path) {
            (Some(base), "404.html") => base.as_str(),
            _ if path.contains('/') => "../",
            _ => "",
        };
        let variant = if path.contains('/') {
            CardVariant::Nested
        } else {
            CardVariant::Top
        };
        // A card is about half a kilobyte.
        let mut previews = String::with_capacity(referenced.len() * 512);
        for key in referenced
            .iter()
            .filter_map(|(kind, id)| self.briefing.lookup(*kind, id))
        {
            let card = self.card(key, variant)?;
            previews.push_str("<div class=\"preview\" id=\"preview-");
            previews.push_str(key.kind.as_str());
            previews.push('-');
            previews.push_str(self.briefing.id(key));
            previews.push_str("\">");
            previews.push_str(card);
            previews.push_str("</div>\n");
        }
        let context = PageContext {
            site: &self.site,
            root,
            path,
            title,
            canonical: self.base_url.as_ref().map(|b| format!("{b}{path}")),
            previews,
            page,
        };
        let output = self.output(
            path,
            || digest(&(template, &context)),
            || Ok(self.render_page(template, &context)?.into_bytes()),
        )?;
        Ok(output.made_by(self.origin(template, authored)))
    }
}

#[derive(Serialize, Hash)]
struct PageContext<'a, P: Serialize> {
    site: &'a SiteView,
    /// Prefix from this page to the site root: "" or "../".
    root: &'a str,
    path: &'a str,
    title: &'a str,
    canonical: Option<String>,
    /// The hidden preview cards of every entity the page references, as HTML.
    previews: String,
    page: P,
}

/// Reference targets as seen from one page.
struct PageTargets<'r, 'a> {
    renderer: &'r Renderer<'a>,
    root: &'r str,
    mode: LinkMode,
    /// The first card template failure, surfaced after rendering.
    error: std::cell::RefCell<Option<RenderError>>,
}

impl Targets for PageTargets<'_, '_> {
    fn target(&self, kind: Kind, id: &str) -> Option<Target> {
        let key = self.renderer.briefing.lookup(kind, id)?;
        Some(self.renderer.target(key, self.root, self.mode))
    }

    fn open_tag(&self, out: &mut String, kind: Kind, id: &str, anchor: &str) -> bool {
        let Some(key) = self.renderer.briefing.lookup(kind, id) else {
            return false;
        };
        let made = self
            .renderer
            .ref_tags
            .get(self.renderer.briefing.position(key));
        let [start, end] = match (made, self.mode, self.root) {
            (Some(tags), LinkMode::Site, "../") => tags.site(),
            (Some(tags), LinkMode::Print, _) => tags.print(),
            _ => {
                let target = self.renderer.target(key, self.root, self.mode);
                annotate::push_ref_tag(out, kind, id, anchor, &target);
                return true;
            }
        };
        out.push_str(start);
        annotate::push_attribute(out, anchor);
        out.push_str(end);
        true
    }

    fn name(&self, kind: Kind, id: &str) -> Option<String> {
        let key = self.renderer.briefing.lookup(kind, id)?;
        Some(self.renderer.view(key).name.clone())
    }

    fn card(&self, kind: Kind, id: &str, anchor: &str) -> Option<String> {
        let key = self.renderer.briefing.lookup(kind, id)?;
        match self.renderer.card(key, self.card_variant()) {
            // The card is shared; the embed's anchor goes on a wrapper.
            Ok(card) => Some(format!(
                "<div class=\"embed\" id=\"{anchor}\">{card}</div>\n"
            )),
            Err(err) => {
                self.error.borrow_mut().get_or_insert(err);
                None
            }
        }
    }
}

impl PageTargets<'_, '_> {
    /// The cards embeds show.
    fn card_variant(&self) -> CardVariant {
        match (self.mode, self.root) {
            (LinkMode::Print, _) => CardVariant::Print,
            (LinkMode::Site, "") => CardVariant::Top,
            (LinkMode::Site, _) => CardVariant::Nested,
        }
    }

    /// Which set of links and cards these targets give, when it is one of
    /// the three every page uses.
    fn variant(&self) -> Option<CardVariant> {
        match (self.mode, self.root) {
            (LinkMode::Print, _) => Some(CardVariant::Print),
            (LinkMode::Site, "") => Some(CardVariant::Top),
            (LinkMode::Site, "../") => Some(CardVariant::Nested),
            (LinkMode::Site, _) => None,
        }
    }

    /// A digest of the answer to `target(kind, id)` or, with `card`, of the
    /// card an embed of it shows, worked out once per entity and variant.
    fn answer(&self, kind: Kind, id: &str, card: bool) -> crate::incremental::Digest {
        let compute = || match card {
            false => digest(&self.target(kind, id)),
            true => {
                let key = self.renderer.briefing.lookup(kind, id);
                let card = key.map(|k| self.renderer.card(k, self.card_variant()));
                digest(&card.map(|c| c.ok()))
            }
        };
        let (Some(key), Some(variant)) = (self.renderer.briefing.lookup(kind, id), self.variant())
        else {
            return compute();
        };
        let Some(answers) = self
            .renderer
            .answers
            .get(self.renderer.briefing.position(key))
        else {
            return compute();
        };
        *answers[variant as usize][usize::from(card)].get_or_init(compute)
    }
}

/// Targets that note every question asked of them, with a digest of the
/// answer, so a body kept from the last build can be checked against this
/// build's answers.
struct Asking<'t, 'r, 'a> {
    inner: &'t PageTargets<'r, 'a>,
    asked: std::cell::RefCell<Vec<Asked>>,
}

impl Targets for Asking<'_, '_, '_> {
    fn target(&self, kind: Kind, id: &str) -> Option<Target> {
        let asked = Asked::Target(kind, id.to_string(), self.inner.answer(kind, id, false));
        self.asked.borrow_mut().push(asked);
        self.inner.target(kind, id)
    }

    fn card(&self, kind: Kind, id: &str, anchor: &str) -> Option<String> {
        // The anchor is part of the body's text, so only the card can change.
        let asked = Asked::Card(kind, id.to_string(), self.inner.answer(kind, id, true));
        self.asked.borrow_mut().push(asked);
        self.inner.card(kind, id, anchor)
    }
}

impl Asked {
    /// Whether `targets` answers this question as it was answered before.
    fn same_answer(&self, targets: &PageTargets) -> bool {
        match self {
            Asked::Target(kind, id, answer) => targets.answer(*kind, id, false) == *answer,
            Asked::Card(kind, id, answer) => targets.answer(*kind, id, true) == *answer,
        }
    }
}

#[derive(Serialize, Hash)]
struct CardContext<'a> {
    entity: &'a EntityView,
    root: &'a str,
    anchor: &'a str,
}

/// Where rendered files go as soon as each is done: a staging folder, memory,
/// or nowhere. Rendering never holds the whole site itself, so a build's
/// memory does not grow with the size of its output.
pub trait Sink: Sync {
    fn put(&self, file: OutFile) -> Result<(), SinkError>;

    /// Takes a page brief's own writers made ([`Origin::Brief`]). Sinks that
    /// do not verify take it as any other.
    fn put_made(&self, file: OutFile) -> Result<(), SinkError> {
        self.put(file)
    }

    /// Whether [`Sink::read_back`] gives back what was put. Nothing asks
    /// since verification scans every page as it passes.
    fn reads_back(&self) -> bool {
        false
    }

    /// The bytes put at `path`, read back.
    fn read_back(&self, _path: &str) -> Option<Vec<u8>> {
        None
    }

    /// Takes a large file as `produce` writes it, so that it need not be held
    /// whole: `graph.json` of a large briefing runs to tens of megabytes.
    /// Sinks that keep files in memory take this default.
    fn put_stream(&self, path: &str, produce: Produce) -> Result<(), SinkError> {
        let mut bytes = Vec::new();
        produce(&mut bytes).map_err(|source| SinkError {
            path: path.to_string(),
            source,
        })?;
        self.put(OutFile {
            path: path.to_string(),
            bytes,
        })
    }

    /// Takes a file made a batch of pieces at a time by `next` (None when it
    /// is done), each piece whole markup: `print.html`, whose bodies are
    /// rendered as they are written rather than all held at once. Sinks that
    /// keep files in memory take this default, which joins the pieces.
    fn put_batches(&self, path: &str, next: NextBatch) -> Result<(), SiteError> {
        let mut bytes = Vec::new();
        while let Some(batch) = next()? {
            batch
                .iter()
                .for_each(|part| bytes.extend_from_slice(part.as_bytes()));
        }
        Ok(self.put(OutFile {
            path: path.to_string(),
            bytes,
        })?)
    }

    /// Takes a file whose bytes are shared with an incremental build's reuse
    /// tables. Sinks that keep files in memory can keep the bytes as they are.
    fn put_shared(&self, path: String, bytes: Bytes) -> Result<(), SinkError> {
        self.put(OutFile {
            path,
            bytes: bytes.to_vec(),
        })
    }
}

/// The next batch of a file's pieces, for [`Sink::put_batches`].
pub type NextBatch<'a> = &'a mut dyn FnMut() -> Result<Option<Vec<Part>>, SiteError>;

/// One piece of a file given in batches: text of its own, or a rendered body
/// as the reuse tables of an incremental build hold it, which is not copied
/// to be handed on (`print.html` at 1,000 sections is 8 MB of them).
#[derive(Debug, Clone)]
pub enum Part {
    Owned(String, Origin),
    Body(Arc<Rendered>, Origin),
}

impl Part {
    pub fn origin(&self) -> Origin {
        match self {
            Part::Owned(_, origin) | Part::Body(_, origin) => *origin,
        }
    }
}

impl std::ops::Deref for Part {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Part::Owned(text, _) => text,
            Part::Body(rendered, _) => &rendered.html,
        }
    }
}

impl std::borrow::Borrow<str> for Part {
    fn borrow(&self) -> &str {
        self
    }
}

impl From<String> for Part {
    fn from(text: String) -> Part {
        Part::Owned(text, Origin::Author)
    }
}

impl From<&str> for Part {
    fn from(text: &str) -> Part {
        Part::Owned(text.to_string(), Origin::Author)
    }
}

/// Writes a file's bytes, for [`Sink::put_stream`].
pub type Produce<'a> = &'a mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>;

/// A sink could not take a file.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {source}")]
pub struct SinkError {
    pub path: String,
    pub source: std::io::Error,
}

#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(transparent)]
    Sink(#[from] SinkError),
}

/// Keeps every file in memory, for `brief serve` and tests.
#[derive(Default)]
pub struct Collect(std::sync::Mutex<Vec<OutFile>>);

impl Collect {
    /// The files, sorted by path.
    pub fn into_files(self) -> Vec<OutFile> {
        let mut files = self
            .0
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

impl Sink for Collect {
    fn put(&self, file: OutFile) -> Result<(), SinkError> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(file);
        Ok(())
    }
}

/// Renders every output file of the site into `sink`.
pub fn site(renderer: &Renderer, sink: &dyn Sink) -> Result<(), SiteError> {
    use crate::timed;
    // The feeds are single files made by one thread each: they run beside
    // the pages rather than after them.
    let (pages, feeds) = rayon::join(
        || timed("pages", || pages::all(renderer, sink)),
        || -> Result<(), SiteError> {
            let inputs = std::cell::OnceCell::new();
            let inputs = || *inputs.get_or_init(|| feed_inputs(renderer));
            timed("graph.json", || match renderer.reuse {
                // A full build streams graph.json to its file; an incremental
                // one keeps its bytes for the next build.
                None => sink.put_stream("graph.json", &mut |w| feeds::graph_json(renderer, w)),
                Some(_) => feed(renderer, "graph.json", inputs, |r| {
                    let mut bytes = Vec::new();
                    // Writing into memory cannot fail.
                    let _ = feeds::graph_json(r, &mut bytes);
                    OutFile {
                        path: "graph.json".into(),
                        bytes,
                    }
                })
                .put_into(sink),
            })?;
            timed("search index", || match renderer.reuse {
                None => {
                    sink.put_stream("search-index.js", &mut |w| feeds::search_index(renderer, w))
                }
                Some(_) => feed(
                    renderer,
                    "search-index.js",
                    inputs,
                    feeds::search_index_file,
                )
                .put_into(sink),
            })?;
            sink.put(feeds::sitemap(renderer))?;
            sink.put(print::running_heads(renderer))?;
            Ok(())
        },
    );
    pages?;
    feeds?;
    Ok(())
}

/// A digest of what `graph.json` and the search index are made of: the title,
/// the entity views (which also fix each entity's id and page) and the
/// mentions. An edit that changes none of them leaves both files as they were.
fn feed_inputs(r: &Renderer) -> crate::incremental::Digest {
    let mentions: Vec<_> = (r.graph.mentions.iter())
        .map(|m| (m.page, m.entity, m.anchor(r.briefing), m.embed, &m.snippet))
        .collect();
    digest(&(&r.briefing.config.title, &r.views, mentions))
}

/// A feed from `make`, or the last build's bytes when rendering incrementally
/// and `inputs` did not change.
fn feed(
    r: &Renderer,
    path: &str,
    inputs: impl FnOnce() -> crate::incremental::Digest,
    make: fn(&Renderer) -> OutFile,
) -> Output {
    let made = r.output(path, inputs, || {
        Ok::<_, std::convert::Infallible>(make(r).bytes)
    });
    match made {
        Ok(output) => output,
        Err(never) => match never {},
    }
}
