//! Rendering: from the briefing and its graph to the bytes of every output file.
//!
//! Page bodies go through `annotate::render`, pages through Tera templates fed
//! only with the view models of [`views`]; `graph.json` and `sitemap.xml` are
//! serialised directly. Pages render in parallel. Nothing here writes files.

mod feeds;
mod pages;
pub mod views;

use std::collections::HashMap;

use serde::Serialize;

use crate::annotate::{self, RenderOptions, Rendered, Target, Targets};
use crate::diagnostics::Files;
use crate::graph::Graph;
use crate::highlight::Highlighter;
use crate::model::{Briefing, Doc, EntityKey, Kind};
use crate::theme::Theme;
use views::{EntityView, LinkMode, SiteView};

/// One file of the built site: its path relative to the output root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    pub path: String,
    pub bytes: Vec<u8>,
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
    pub print_views: Vec<EntityView>,
    view_index: HashMap<EntityKey, usize>,
    pub base_url: Option<String>,
}

impl<'a> Renderer<'a> {
    pub fn new(
        files: &'a Files,
        briefing: &'a Briefing,
        graph: &'a Graph,
        theme: &'a Theme,
        base_url: Option<String>,
    ) -> Self {
        let view_index = briefing.keys().enumerate().map(|(i, k)| (k, i)).collect();
        Renderer {
            files,
            briefing,
            graph,
            theme,
            highlighter: Highlighter::new(),
            site: views::site_view(briefing, LinkMode::Site),
            views: views::entity_views(briefing, graph, LinkMode::Site),
            print_views: views::entity_views(briefing, graph, LinkMode::Print),
            view_index,
            base_url,
        }
    }

    pub fn view(&self, key: EntityKey) -> &EntityView {
        &self.views[self.view_index[&key]]
    }

    pub fn view_in(&self, key: EntityKey, mode: LinkMode) -> &EntityView {
        match mode {
            LinkMode::Site => self.view(key),
            LinkMode::Print => &self.print_views[self.view_index[&key]],
        }
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
    ) -> Result<Rendered, RenderError> {
        self.markdown_text(self.body(doc), root, mode, id_prefix)
    }

    /// Renders Markdown text as if it stood on a page at `root`.
    pub fn markdown_text(
        &self,
        text: &str,
        root: &str,
        mode: LinkMode,
        id_prefix: &str,
    ) -> Result<Rendered, RenderError> {
        let targets = PageTargets {
            renderer: self,
            root,
            mode,
            error: std::cell::RefCell::new(None),
        };
        let rendered = annotate::render(
            text,
            &targets,
            &self.highlighter,
            RenderOptions { id_prefix },
        );
        match targets.error.into_inner() {
            Some(err) => Err(err),
            None => Ok(rendered),
        }
    }

    /// Renders `template` with a page context.
    pub fn page<P: Serialize>(
        &self,
        template: &str,
        path: &str,
        title: &str,
        referenced: &[(Kind, String)],
        page: P,
    ) -> Result<OutFile, RenderError> {
        let root = if path.contains('/') { "../" } else { "" };
        let previews: Vec<&EntityView> = referenced
            .iter()
            .filter_map(|(kind, id)| self.briefing.lookup(*kind, id))
            .map(|k| self.view(k))
            .collect();
        let context = PageContext {
            site: &self.site,
            root,
            path,
            title,
            canonical: self.base_url.as_ref().map(|b| format!("{b}{path}")),
            previews,
            page,
        };
        let html = self.theme.render(template, &context)?;
        Ok(OutFile {
            path: path.to_string(),
            bytes: html.into_bytes(),
        })
    }
}

#[derive(Serialize)]
struct PageContext<'a, P: Serialize> {
    site: &'a SiteView,
    /// Prefix from this page to the site root: "" or "../".
    root: &'a str,
    path: &'a str,
    title: &'a str,
    canonical: Option<String>,
    previews: Vec<&'a EntityView>,
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
        let view = self.renderer.view_in(key, self.mode);
        let href = match self.mode {
            LinkMode::Site => format!("{}{}", self.root, view.href),
            LinkMode::Print => view.href.clone(),
        };
        Some(Target {
            href,
            name: view.name.clone(),
            label: view.label.clone(),
        })
    }

    fn card(&self, kind: Kind, id: &str, anchor: &str) -> Option<String> {
        let key = self.renderer.briefing.lookup(kind, id)?;
        let view = self.renderer.view_in(key, self.mode);
        let root = if self.mode == LinkMode::Print {
            ""
        } else {
            self.root
        };
        let context = CardContext {
            entity: view,
            root,
            anchor,
        };
        match self.renderer.theme.render("card.html", &context) {
            Ok(html) => Some(html),
            Err(err) => {
                self.error.borrow_mut().get_or_insert(err);
                None
            }
        }
    }
}

#[derive(Serialize)]
struct CardContext<'a> {
    entity: &'a EntityView,
    root: &'a str,
    anchor: &'a str,
}

/// Renders every output file of the site.
pub fn site(renderer: &Renderer) -> Result<Vec<OutFile>, RenderError> {
    let mut files = pages::all(renderer)?;
    files.push(feeds::graph_json(renderer));
    files.push(feeds::sitemap(renderer));
    files.push(feeds::search_index(renderer));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
