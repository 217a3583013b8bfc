//! View models: the typed, `Serialize` values templates see. Built from the
//! briefing and the graph; templates never see the model or graph types.

use std::borrow::Cow;

use serde::Serialize;

use crate::annotate::Snippet;
use crate::config::{Config, DateView};
use crate::graph::{Graph, PageId};
use crate::model::{Briefing, EntityKey, Kind, PartyKind, QuoteKind, Status};

/// Site-wide values every page gets.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct SiteView {
    pub title: String,
    pub dek: Option<String>,
    pub date: Option<DateView>,
    pub language: String,
    pub sources: Vec<SourceView>,
    /// Every section, for navigation menus — but only while the briefing is
    /// small enough that repeating the list on every page stays cheap (see
    /// [`NAV_SECTIONS_MAX`]); otherwise empty, and pages link to the front
    /// page's list instead.
    pub sections: Vec<LinkView<'static>>,
    pub section_count: usize,
    /// `language` as Open Graph writes a locale: `en`, `en_GB`.
    pub locale: String,
    /// The picture shared links show, when `image` is set and the site has
    /// a base URL (a shared link needs its picture's absolute address).
    pub image: Option<ImageView>,
}

/// The share picture as `og:image` gives it.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct ImageView {
    pub url: String,
    pub width: usize,
    pub height: usize,
}

/// Up to this many sections, every page carries the full section list.
pub const NAV_SECTIONS_MAX: usize = 60;

#[derive(Debug, Clone, Hash, Serialize)]
pub struct SourceView {
    pub id: String,
    pub title: String,
    pub publisher: Option<String>,
    pub date: Option<DateView>,
    pub url: Option<String>,
}

/// A link to an entity: enough for a list item or an inline reference.
/// Its text is borrowed from the entity's view where there is one: pages
/// list tens of thousands of links between them.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct LinkView<'a> {
    pub kind: Kind,
    pub key: Cow<'a, str>,
    pub href: Cow<'a, str>,
    pub name: Cow<'a, str>,
    pub label: Option<Cow<'a, str>>,
}

/// Everything a card, preview or entity page header shows about one entity.
/// Fields that do not apply to the entity's kind, or are empty, are left out
/// when serialised: templates test them with `{% if %}`, and `graph.json`
/// (version 2) omits them. Most fields are empty for most kinds, and every
/// view is serialised several times (its page, its card, the lists and
/// `print.html`), so what is left out is most of the work. The larger
/// fields are boxed: a large briefing holds two views of every entity.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Hash, Serialize)]
pub struct EntityView {
    pub kind: Kind,
    pub id: String,
    pub key: String,
    pub href: String,
    pub name: String,
    pub label: Option<String>,
    pub number: Option<usize>,
    pub mention_count: usize,
    pub summary: Option<String>,
    pub party_kind: Option<PartyKind>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    pub role: Option<String>,
    pub position: Option<String>,
    pub affiliation: Option<Box<LinkView<'static>>>,
    pub agreement: Option<String>,
    pub status: Option<Status>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub effective: Option<Box<DateView>>,
    pub until: Option<Box<DateView>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<LinkView<'static>>,
    pub quote_kind: Option<QuoteKind>,
    pub text: Option<String>,
    pub speaker: Option<Box<LinkView<'static>>>,
    pub date: Option<Box<DateView>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub about: Vec<LinkView<'static>>,
    /// The clauses an event concerns.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub clauses: Vec<LinkView<'static>>,
    pub source: Option<Box<SourceView>>,
    /// Where a direct quote stands in its source's copy, once checked
    /// there word for word.
    pub checked: Option<CheckedView>,
}

/// Where a checked quote's first word stands in its source's copy.
#[derive(Debug, Clone, Copy, Hash, Serialize)]
pub struct CheckedView {
    pub paragraph: usize,
    pub line: usize,
}

/// Where entity links point: the site's pages or anchors inside `print.html`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkMode {
    Site,
    Print,
}

/// The path of an entity's page relative to the site root, or its anchor in print.
pub fn entity_href(briefing: &Briefing, key: EntityKey, mode: LinkMode) -> String {
    match mode {
        LinkMode::Site => [key.kind.dir(), "/", briefing.id(key), ".html"].concat(),
        LinkMode::Print => print_anchor(key.kind, briefing.id(key)),
    }
}

/// An entity's anchor inside `print.html`: `#party-openai`.
fn print_anchor(kind: Kind, id: &str) -> String {
    ["#", kind.as_str(), "-", id].concat()
}

/// The path of a page with a body (the front page or an entity's)
/// relative to the site root.
pub fn page_href(briefing: &Briefing, page: PageId) -> String {
    match page {
        PageId::Front => front_link(briefing).href.into_owned(),
        PageId::Entity(key) => entity_href(briefing, key, LinkMode::Site),
    }
}

pub fn site_view(briefing: &Briefing, base_url: Option<&str>) -> SiteView {
    let config: &Config = &briefing.config;
    // Every section, while the list is short enough to repeat on every page.
    let count = briefing.sections.len();
    let listed = if count <= NAV_SECTIONS_MAX { count } else { 0 };
    let image = (briefing.image.as_ref())
        .zip(base_url)
        .map(|(image, base)| ImageView {
            url: format!("{base}{}", image.path),
            width: image.width,
            height: image.height,
        });
    SiteView {
        locale: config.language().replace('-', "_"),
        image,
        title: config.title.clone(),
        dek: config.dek.clone(),
        date: config.date.as_ref().map(DateView::new),
        language: config.language().to_string(),
        sources: config.sources.iter().map(source_view).collect(),
        sections: (briefing.keys().take(listed))
            .map(|key| link(briefing, None, key, LinkMode::Site))
            .collect(),
        section_count: briefing.sections.len(),
    }
}

fn source_view(source: &crate::config::SourceRef) -> SourceView {
    SourceView {
        id: source.id.get_ref().clone(),
        title: source.title.clone(),
        publisher: source.publisher.clone(),
        date: source.date.as_ref().map(DateView::new),
        url: source.url.as_ref().map(|url| url.get_ref().clone()),
    }
}

pub fn link(
    briefing: &Briefing,
    graph: Option<&Graph>,
    key: EntityKey,
    mode: LinkMode,
) -> LinkView<'static> {
    LinkView {
        kind: key.kind,
        key: briefing.key_string(key).into(),
        href: entity_href(briefing, key, mode).into(),
        name: briefing.display_name(key).into(),
        label: graph.and_then(|g| g.label(key)).map(Cow::Owned),
    }
}

/// Views of every entity with links to the site's pages, indexed like
/// `Briefing::keys()`.
pub fn entity_views(briefing: &Briefing, graph: &Graph) -> Vec<EntityView> {
    use rayon::prelude::*;
    let keys: Vec<EntityKey> = briefing.keys().collect();
    keys.par_iter()
        .map(|&key| entity_view(briefing, graph, key, LinkMode::Site))
        .collect()
}

pub fn entity_view(
    briefing: &Briefing,
    graph: &Graph,
    key: EntityKey,
    mode: LinkMode,
) -> EntityView {
    let link_to = |key: EntityKey| link(briefing, Some(graph), key, mode);
    let to = |kind, index| link_to(EntityKey { kind, index });
    // The links to the entities of `kind` a relation holds for this one.
    let all = |kind, indexes: Option<&Vec<usize>>| {
        let indexes = indexes.into_iter().flatten();
        indexes.map(|&index| to(kind, index)).collect()
    };
    let party =
        |index: Option<&Option<usize>>| Some(Box::new(to(Kind::Party, index.copied().flatten()?)));
    let date = |date: &Option<crate::date::Date>| date.as_ref().map(|d| Box::new(DateView::new(d)));
    let source_of = |id: &Option<toml::Spanned<String>>| {
        (id.as_ref())
            .and_then(|s| briefing.config.source(s.get_ref()))
            .map(|s| Box::new(source_view(s)))
    };
    let own = PageId::Entity(key);
    let elsewhere = graph.mentions_of(key).filter(|m| m.page != own);
    let view = EntityView {
        kind: key.kind,
        id: briefing.id(key).to_string(),
        key: briefing.key_string(key),
        href: entity_href(briefing, key, mode),
        name: briefing.display_name(key),
        label: graph.label(key),
        mention_count: elsewhere.count(),
        ..EntityView::default()
    };
    let relations = &graph.relations;
    match key.kind {
        Kind::Section => {
            let meta = &briefing.sections[key.index].meta;
            EntityView {
                number: Some(key.index + 1),
                summary: meta.summary.clone(),
                source: source_of(&meta.source),
                ..view
            }
        }
        Kind::Party => {
            let meta = &briefing.parties[key.index].meta;
            EntityView {
                party_kind: Some(meta.kind),
                aliases: meta.aliases.clone(),
                role: meta.role.clone(),
                position: meta.position.clone(),
                affiliation: party(relations.party_affiliation.get(key.index)),
                ..view
            }
        }
        Kind::Clause => {
            let meta = &briefing.clauses[key.index].meta;
            EntityView {
                agreement: meta.agreement.clone(),
                status: Some(meta.status),
                before: meta.before.clone(),
                after: meta.after.clone(),
                effective: date(&meta.effective),
                until: date(&meta.until),
                parties: all(Kind::Party, relations.clause_parties.get(key.index)),
                source: source_of(&meta.source),
                ..view
            }
        }
        Kind::Quote => {
            let meta = &briefing.quotes[key.index].meta;
            let about = relations.quote_about.get(key.index).into_iter().flatten();
            EntityView {
                quote_kind: Some(meta.kind),
                text: Some(meta.text.trim().to_string()),
                speaker: party(relations.quote_speaker.get(key.index)),
                date: date(&meta.date),
                about: about.map(|&k| link_to(k)).collect(),
                source: source_of(&meta.source),
                checked: (briefing.checked.get(&key.index)).map(|c| CheckedView {
                    paragraph: c.paragraph,
                    line: c.line,
                }),
                ..view
            }
        }
        Kind::Event => {
            let meta = &briefing.events[key.index].meta;
            EntityView {
                date: Some(Box::new(DateView::new(&meta.date))),
                parties: all(Kind::Party, relations.event_parties.get(key.index)),
                clauses: all(Kind::Clause, relations.event_clauses.get(key.index)),
                source: source_of(&meta.source),
                ..view
            }
        }
    }
}

/// A mention as listed under "Mentioned in".
#[derive(Debug, Clone, Serialize)]
pub struct MentionView<'a> {
    pub href: String,
    /// Borrowed from the graph: a much-mentioned entity lists hundreds.
    pub snippet: &'a Snippet,
    pub embed: bool,
}

/// The mentions of one entity on one page.
#[derive(Debug, Clone, Serialize)]
pub struct MentionGroup<'a> {
    pub page: LinkView<'a>,
    pub mentions: Vec<MentionView<'a>>,
}

/// A titled list: of related entities, or of a list page's entities.
#[derive(Debug, Clone, Serialize)]
pub struct Group<T> {
    pub title: String,
    pub items: Vec<T>,
}

/// A section as a list of every section shows it (the front page's, print's
/// contents): at 10,000 sections, whole views in one page's context would
/// take more memory than the rest of the build.
#[derive(Debug, Clone, Serialize)]
pub struct SectionItem<'a> {
    pub href: Cow<'a, str>,
    pub number: Option<usize>,
    pub name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<&'a str>,
}

impl<'a> SectionItem<'a> {
    /// `view`, a section's, as a list item: its own link, or print's
    /// anchor (and no summary, which print's contents do not show).
    pub fn of(view: &'a EntityView, mode: LinkMode) -> SectionItem<'a> {
        let (href, summary) = match mode {
            LinkMode::Site => (Cow::Borrowed(view.href.as_str()), view.summary.as_deref()),
            LinkMode::Print => (Cow::Owned(print_anchor(view.kind, &view.id)), None),
        };
        SectionItem {
            href,
            number: view.number,
            name: &view.name,
            summary,
        }
    }
}

/// Previous / next navigation between sections.
#[derive(Debug, Clone, Serialize)]
pub struct Neighbours<'a> {
    pub previous: Option<LinkView<'a>>,
    pub next: Option<LinkView<'a>>,
}

/// A page link for the front page (not an entity).
pub fn front_link(briefing: &Briefing) -> LinkView<'_> {
    LinkView {
        kind: Kind::Section,
        key: "front".into(),
        href: "index.html".into(),
        name: briefing.config.title.as_str().into(),
        label: None,
    }
}
