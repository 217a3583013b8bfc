//! The HTML pages of the site: front page, sections, entity pages, the three
//! indexes and `404.html`, each from its template (`print.html` is in
//! [`super::print`]).

use std::sync::Arc;

use indexmap::IndexMap;
use rayon::prelude::*;
use serde::Serialize;

use super::dealmap::{self, DealMap};
use super::meta::{self, PageMeta};
use super::timeline::{self, Detail, TimelineView};
use super::views::{
    self, EntityView, Group, LinkMode, LinkView, MentionGroup, MentionView, Neighbours, SiteView,
};
use super::{RenderError, Renderer};
use crate::annotate::{Heading, Rendered};
use crate::graph::{Mention, PageId};
use crate::model::{EntityKey, Kind, PartyKind};
use crate::sink::{OutFile, Sink, SiteError};

/// One page to render; rendering them is independent, so it runs in parallel.
#[derive(Debug, Clone, Copy)]
enum SitePage {
    Front,
    Index(Kind),
    Timeline,
    NotFound,
}

/// Renders the front page, the three lists and `404.html`, in parallel,
/// handing each to `sink` as soon as it is done. Every entity's page is made
/// beside its entry in `print.html`, which holds every section and, since
/// every party, clause and quote gets a label, every other entity.
pub fn all(r: &Renderer, sink: &dyn Sink) -> Result<(), SiteError> {
    let mut jobs = vec![SitePage::Front, SitePage::Timeline, SitePage::NotFound];
    let indexes = Kind::ALL.into_iter().filter(|k| k.has_index());
    jobs.extend(indexes.map(SitePage::Index));
    let lede = r.briefing.front.map(|doc| r.body(doc));
    jobs.par_iter().try_for_each(|&job| {
        let file = match job {
            SitePage::Front => r.kept("index.html", &lede, || front(r)),
            SitePage::Index(kind) => r.kept(&format!("{}/index.html", kind.dir()), &(), || {
                index(r, kind)
            }),
            SitePage::Timeline => r.kept("timeline.html", &(), || timeline(r)),
            SitePage::NotFound => r.kept("404.html", &(), || not_found(r)),
        }?;
        Ok(sink.put(file)?)
    })
}

/// The body of entity `key` as its page shows it.
pub(super) fn body(r: &Renderer, key: EntityKey) -> Result<Arc<Rendered>, RenderError> {
    let text = r.body(r.briefing.doc(key));
    r.markdown(text, "../", LinkMode::Site, Default::default())
}

/// The page of entity `key`, with its body as `body` gives it when the
/// page is made rather than kept from the last build. `brief serve` keeps
/// it, without building its context, while its body, its mentions and the
/// face of the briefing ([`Renderer::face`]) are as they were: most pages
/// are untouched by an edit to one section.
pub(super) fn entity_file(
    r: &Renderer,
    key: EntityKey,
    body: impl FnOnce() -> Result<Arc<Rendered>, RenderError>,
) -> Result<OutFile, RenderError> {
    let make = || entity(r, key, &*body()?);
    if r.cache.is_none() {
        return make();
    }
    let mentions: Vec<_> = r.graph.mentions_of(key).map(|m| r.shown(m)).collect();
    let text = r.graph.digests(PageId::Entity(key));
    r.kept(&r.view(key).href, &(key, text, mentions), make)
}

/// Everything a page's template sees: the site, where the page stands, and
/// the page's own view.
#[derive(Serialize)]
struct PageContext<'a, P: Serialize> {
    site: &'a SiteView,
    /// Prefix from this page to the site root: "" or "../" (or the base URL
    /// on `404.html`).
    root: &'a str,
    path: &'a str,
    title: &'a str,
    canonical: Option<String>,
    /// One line on what the page holds, for search results and shared links.
    description: Option<String>,
    /// `og:type`.
    og_type: &'a str,
    /// The page's schema.org JSON-LD, safe inside a `<script>` element.
    structured: String,
    page: P,
}

/// `template` at `path` with `page` as its view.
pub(super) fn page<P: Serialize>(
    r: &Renderer,
    template: &str,
    path: &str,
    title: &str,
    meta: PageMeta,
    page: P,
) -> Result<OutFile, RenderError> {
    // A host serves 404.html at whatever address was missing, where links
    // relative to the top level break; with a base_url it links absolutely.
    let root = match (&r.base_url, path) {
        (Some(base), "404.html") => base.as_str(),
        _ if path.contains('/') => "../",
        _ => "",
    };
    let context = PageContext {
        site: &r.site,
        root,
        path,
        title,
        canonical: r.base_url.as_ref().map(|b| format!("{b}{path}")),
        description: meta.description,
        og_type: meta.og_type,
        structured: meta.structured,
        page,
    };
    Ok(OutFile {
        path: path.to_string(),
        bytes: r.theme.render(template, context)?.into_bytes().into(),
    })
}

#[derive(Serialize)]
struct FrontPage<'a> {
    lede: &'a str,
    deal_map: Option<DealMap>,
    changes: Vec<&'a EntityView>,
    sections: Vec<views::SectionItem<'a>>,
    parties: Vec<&'a EntityView>,
    quotes: Vec<&'a EntityView>,
    /// The events on a time axis (everything dated, when there are none).
    timeline: Option<TimelineView>,
}

fn front(r: &Renderer) -> Result<OutFile, RenderError> {
    let rendered = (r.briefing.front)
        .map(|doc| r.markdown(r.body(doc), "", LinkMode::Site, Default::default()))
        .transpose()?;
    let page = FrontPage {
        lede: rendered.as_ref().map_or("", |x| &x.html),
        deal_map: dealmap::briefing(r, LinkMode::Site),
        changes: numbered(r, Kind::Clause),
        sections: (r.views.iter().filter(|v| v.kind == Kind::Section))
            .map(|v| views::SectionItem::of(v, LinkMode::Site))
            .collect(),
        parties: numbered(r, Kind::Party),
        quotes: numbered(r, Kind::Quote),
        timeline: timeline::timeline(r, Detail::Compact, LinkMode::Site),
    };
    let title = &r.briefing.config.title;
    let meta = meta::front(r, "index.html");
    self::page(r, "index.html", "index.html", title, meta, page)
}

fn not_found(r: &Renderer) -> Result<OutFile, RenderError> {
    let (title, path) = ("Page not found", "404.html");
    let meta = meta::listing(r, title, path, false);
    self::page(r, path, path, title, meta, ())
}

#[derive(Serialize)]
struct TimelinePage {
    timeline: Option<TimelineView>,
}

/// `timeline.html`: every dated thing in order, on a drawn axis.
fn timeline(r: &Renderer) -> Result<OutFile, RenderError> {
    let page = TimelinePage {
        timeline: timeline::timeline(r, Detail::Full, LinkMode::Site),
    };
    let (title, path) = ("Timeline", "timeline.html");
    let meta = meta::listing(r, title, path, true);
    self::page(r, path, path, title, meta, page)
}

fn numbered<'a>(r: &'a Renderer, kind: Kind) -> Vec<&'a EntityView> {
    r.graph.numbered(kind).iter().map(|&k| r.view(k)).collect()
}

/// An entity's page: its view and body, its mentions elsewhere and its
/// related lists; a section's headings and neighbours, a party's own deal
/// map (its clauses and the parties they bind).
#[serde_with::skip_serializing_none]
#[derive(Serialize)]
struct EntityPage<'a> {
    /// The entity's view: `section.html` names a section's `section`.
    section: Option<&'a EntityView>,
    entity: Option<&'a EntityView>,
    html: &'a str,
    mentioned_in: Vec<MentionGroup<'a>>,
    related: Vec<Group<LinkView<'a>>>,
    headings: Option<&'a [Heading]>,
    neighbours: Option<Neighbours<'a>>,
    map: Option<DealMap>,
}

fn entity(r: &Renderer, key: EntityKey, rendered: &Rendered) -> Result<OutFile, RenderError> {
    let view = r.view(key);
    let section = key.kind == Kind::Section;
    let page = EntityPage {
        section: section.then_some(view),
        entity: (!section).then_some(view),
        html: &rendered.html,
        mentioned_in: mentioned_in(r, key),
        related: related_groups(r, related(r, key, &rendered.referenced)),
        headings: section.then_some(&rendered.headings),
        neighbours: section.then(|| neighbours(r, key)),
        map: (key.kind == Kind::Party)
            .then(|| dealmap::party(r, key.index, LinkMode::Site))
            .flatten(),
    };
    // `section.html`, `party.html`, and so on.
    let template = format!("{}.html", key.kind.as_str());
    let meta = meta::entity(r, key, &rendered.referenced);
    self::page(r, &template, &view.href, &view.name, meta, page)
}

/// The sections before and after section `key`.
fn neighbours<'a>(r: &'a Renderer, key: EntityKey) -> Neighbours<'a> {
    let neighbour = |index| r.link(EntityKey { index, ..key });
    Neighbours {
        previous: key.index.checked_sub(1).map(neighbour),
        next: (key.index + 1 < r.briefing.sections.len()).then(|| neighbour(key.index + 1)),
    }
}

/// "Mentioned in": the entity's mentions on other pages, grouped by page in
/// reading order, each linking to its anchor.
fn mentioned_in<'a>(r: &'a Renderer, key: EntityKey) -> Vec<MentionGroup<'a>> {
    let mentions: Vec<&Mention> = (r.graph.mentions_of(key))
        .filter(|m| m.page != PageId::Entity(key))
        .collect();
    // A page's mentions stand together: each run makes a group, whose page
    // link is made once.
    (mentions.chunk_by(|a, b| a.page == b.page))
        .filter_map(|run| {
            let page = match run.first()?.page {
                PageId::Front => views::front_link(r.briefing),
                PageId::Entity(k) => r.link(k),
            };
            let mentions = (run.iter())
                .map(|m| {
                    let mut href = ["../", &page.href, "#"].concat();
                    m.anchor(r.briefing).push_to(&mut href);
                    MentionView {
                        href,
                        snippet: &m.snippet,
                        embed: m.embed,
                    }
                })
                .collect();
            Some(MentionGroup { page, mentions })
        })
        .collect()
}

/// The related lists of entity `key`'s page, each with its title; a
/// section's are the entities its body refers to, `referenced`.
fn related(
    r: &Renderer,
    key: EntityKey,
    referenced: &[(Kind, String)],
) -> Vec<(String, Vec<EntityKey>)> {
    fn of<'i>(kind: Kind, items: impl IntoIterator<Item = &'i usize>) -> Vec<EntityKey> {
        let items = items.into_iter();
        items.map(|&index| EntityKey { kind, index }).collect()
    }
    let name = r.briefing.display_name(key);
    let (graph, i) = (r.graph, key.index);
    let relations = &graph.relations;
    match key.kind {
        Kind::Party => {
            let clauses = of(Kind::Clause, &graph.party_clauses[i]);
            let by = of(Kind::Quote, &graph.party_quotes[i]);
            let about = of(Kind::Quote, &graph.party_quoted_in[i]);
            let events = of(Kind::Event, &graph.party_events[i]);
            let mut groups = vec![
                ("Clauses binding this party".into(), clauses),
                (format!("Quotes by {name}"), by),
                (format!("Quotes about {name}"), about),
                (format!("Events involving {name}"), events),
            ];
            // Its affiliated parties, a group for each kind: "People",
            // "Products", and so on.
            for kind in PartyKind::ALL {
                let members = (graph.party_people[i].iter())
                    .filter(|&&m| r.briefing.parties[m].meta.kind == kind);
                groups.push((kind.plural().to_string(), of(Kind::Party, members)));
            }
            groups
        }
        Kind::Clause => {
            let parties = relations.clause_parties.get(i).into_iter().flatten();
            let quotes = of(Kind::Quote, &graph.clause_quotes[i]);
            let events = of(Kind::Event, &graph.clause_events[i]);
            vec![
                ("Parties".into(), of(Kind::Party, parties)),
                ("Quotes about this clause".into(), quotes),
                ("Events".into(), events),
            ]
        }
        Kind::Quote => {
            let speaker = relations.quote_speaker.get(i).into_iter().flatten();
            let about = relations.quote_about.get(i).cloned().unwrap_or_default();
            vec![
                ("Speaker".into(), of(Kind::Party, speaker)),
                ("About".into(), about),
            ]
        }
        Kind::Event => {
            let parties = relations.event_parties.get(i).into_iter().flatten();
            let clauses = relations.event_clauses.get(i).into_iter().flatten();
            vec![
                ("Parties".into(), of(Kind::Party, parties)),
                ("Clauses".into(), of(Kind::Clause, clauses)),
            ]
        }
        Kind::Section => {
            let titles = [
                (Kind::Party, "Parties"),
                (Kind::Clause, "Clauses"),
                (Kind::Quote, "Quotes"),
                (Kind::Event, "Events"),
            ];
            let group = |(kind, title)| {
                let ids = referenced.iter().filter(move |(k, _)| *k == kind);
                let keys = ids.filter_map(|(_, id)| r.briefing.lookup(kind, id));
                (format!("{title} in this section"), keys.collect())
            };
            titles.into_iter().map(group).collect()
        }
    }
}

/// Related lists made of their titles and entities, the empty ones left out.
fn related_groups<'a>(
    r: &'a Renderer,
    groups: impl IntoIterator<Item = (String, Vec<EntityKey>)>,
) -> Vec<Group<LinkView<'a>>> {
    (groups.into_iter())
        .filter(|(_, items)| !items.is_empty())
        .map(|(title, items)| Group {
            title,
            items: items.into_iter().map(|k| r.link(k)).collect(),
        })
        .collect()
}

#[derive(Serialize)]
struct IndexPage<'a> {
    kind: Kind,
    groups: Vec<Group<&'a EntityView>>,
}

fn index(r: &Renderer, kind: Kind) -> Result<OutFile, RenderError> {
    let (title, entries) = match kind {
        Kind::Party => {
            // Parties by kind, in the order of `PartyKind::ALL`.
            let mut parties: Vec<&EntityView> = r.views.iter().filter(|v| v.kind == kind).collect();
            parties.sort_by_key(|v| PartyKind::ALL.iter().position(|&k| v.party_kind == Some(k)));
            ("Parties", parties)
        }
        Kind::Clause => ("What changed", numbered(r, kind)),
        _ => ("Quotes", numbered(r, kind)),
    };
    let group_of = |v: &EntityView| match kind {
        Kind::Party => v.party_kind.map_or("", PartyKind::plural).to_string(),
        Kind::Clause => v.agreement.clone().unwrap_or_else(|| "Other terms".into()),
        _ => (v.speaker.as_ref()).map_or_else(|| "Unattributed".into(), |s| s.name.to_string()),
    };
    // Each group where its first entity comes.
    let mut groups: IndexMap<String, Vec<&EntityView>> = IndexMap::new();
    for view in entries {
        groups.entry(group_of(view)).or_default().push(view);
    }
    let groups = groups
        .into_iter()
        .map(|(title, items)| Group { title, items })
        .collect();
    let template = format!("{}_index.html", kind.dir());
    let path = format!("{}/index.html", kind.dir());
    let page = IndexPage { kind, groups };
    let meta = meta::listing(r, title, &path, true);
    self::page(r, &template, &path, title, meta, page)
}
