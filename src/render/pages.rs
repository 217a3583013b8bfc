//! The HTML pages of the site: front page, sections, entity pages, the three
//! indexes and `404.html`, each from its template (`print.html` is in
//! [`super::print`]).

use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use super::views::{
    self, EntityView, LinkMode, LinkView, MentionGroup, MentionView, Neighbours, RelatedGroup,
};
use super::{Output, RenderError, Renderer, Sink, SiteError};
use crate::annotate::{Heading, Rendered};
use crate::graph::{Mention, PageId};
use crate::model::{EntityKey, Kind, PartyKind};

/// One page to render; rendering them is independent, so it runs in parallel.
#[derive(Debug, Clone, Copy)]
enum Job {
    Front,
    Entity(EntityKey),
    Index(Kind),
    Print,
    NotFound,
}

/// Renders every page, in parallel, handing each to `sink` as soon as it is
/// done. In a full build the pages of entities whose body `print.html`
/// shows are rendered with it, by [`super::print::page`].
pub fn all(r: &Renderer, sink: &dyn Sink) -> Result<(), SiteError> {
    let printed = super::print::Printed::of(r);
    let mut jobs = vec![Job::Front, Job::Print, Job::NotFound];
    jobs.extend(
        (r.briefing
            .keys()
            .filter(|&key| !printed.renders_page(r, key)))
        .map(Job::Entity),
    );
    jobs.extend([Kind::Party, Kind::Clause, Kind::Quote].map(Job::Index));
    jobs.par_iter().try_for_each(|job| {
        let file = match *job {
            // print.html goes to the sink in pieces, by itself.
            Job::Print => {
                return crate::timed("print.html", || super::print::page(r, sink, &printed));
            }
            Job::Front => front(r),
            Job::Entity(key) => entity_page(r, key, || {
                r.markdown(r.briefing.doc(key), "../", LinkMode::Site, "")
            }),
            Job::Index(kind) => index(r, kind),
            Job::NotFound => r.page("404.html", "404.html", "Page not found", &[], false, ()),
        }?;
        file.put_into(sink)?;
        Ok(())
    })
}

/// The page of entity `key`, showing its body as `body` renders it for the
/// page (asked for only when the page is made, not kept from a last build).
pub(super) fn entity_page(
    r: &Renderer,
    key: EntityKey,
    body: impl FnOnce() -> Result<Arc<Rendered>, RenderError>,
) -> Result<Output, RenderError> {
    let path = views::entity_href(r.briefing, key, LinkMode::Site);
    r.entity_page(key, &path, || match key.kind {
        Kind::Section => section(r, key, &*body()?),
        _ => entity(r, key, &*body()?),
    })
}

#[derive(Serialize, Hash)]
pub(super) struct FrontPage<'a> {
    pub(super) lede: String,
    pub(super) changes: Vec<&'a EntityView>,
    pub(super) sections: Vec<&'a EntityView>,
    pub(super) parties: Vec<&'a EntityView>,
    pub(super) quotes: Vec<&'a EntityView>,
}

fn front(r: &Renderer) -> Result<Output, RenderError> {
    let rendered = match r.briefing.front {
        Some(doc) => Some(r.markdown(doc, "", LinkMode::Site, "")?),
        None => None,
    };
    let (lede, referenced, authored) = rendered
        .map(|x| (x.html.clone(), x.referenced.clone(), x.authored_links))
        .unwrap_or_default();
    let page = FrontPage {
        lede,
        changes: numbered(r, Kind::Clause),
        sections: keys(r, Kind::Section).map(|k| r.view(k)).collect(),
        parties: numbered(r, Kind::Party),
        quotes: numbered(r, Kind::Quote),
    };
    let mut previews = referenced;
    previews.extend(page.changes.iter().map(|v| (v.kind, v.id.clone())));
    r.page(
        "index.html",
        "index.html",
        &r.briefing.config.title,
        &previews,
        authored,
        page,
    )
}

fn keys(r: &Renderer, kind: Kind) -> impl Iterator<Item = EntityKey> {
    (0..r.briefing.len(kind)).map(move |index| EntityKey { kind, index })
}

fn numbered<'a>(r: &'a Renderer, kind: Kind) -> Vec<&'a EntityView> {
    r.graph.numbered(kind).iter().map(|&k| r.view(k)).collect()
}

#[derive(Serialize, Hash)]
pub(super) struct SectionPage<'a> {
    pub(super) section: &'a EntityView,
    pub(super) html: &'a str,
    pub(super) headings: &'a [Heading],
    pub(super) neighbours: Neighbours<'a>,
    pub(super) related: Vec<RelatedGroup<'a>>,
    pub(super) mentioned_in: Vec<MentionGroup<'a>>,
}

fn section(r: &Renderer, key: EntityKey, rendered: &Rendered) -> Result<Output, RenderError> {
    let view = r.view(key);
    let neighbour = |index: usize| {
        r.link(EntityKey {
            kind: Kind::Section,
            index,
        })
    };
    let neighbours = Neighbours {
        previous: key.index.checked_sub(1).map(neighbour),
        next: (key.index + 1 < r.briefing.sections.len()).then(|| neighbour(key.index + 1)),
    };
    let mut related = Vec::new();
    for (kind, title) in [
        (Kind::Party, "Parties"),
        (Kind::Clause, "Clauses"),
        (Kind::Quote, "Quotes"),
    ] {
        let items: Vec<LinkView> = rendered
            .referenced
            .iter()
            .filter(|(k, _)| *k == kind)
            .filter_map(|(k, id)| r.briefing.lookup(*k, id))
            .map(|k| r.link(k))
            .collect();
        if !items.is_empty() {
            related.push(RelatedGroup {
                title: format!("{title} in this section"),
                items,
            });
        }
    }
    let page = SectionPage {
        section: view,
        html: &rendered.html,
        headings: &rendered.headings,
        neighbours,
        related,
        mentioned_in: mentioned_in(r, key),
    };
    r.page(
        "section.html",
        &format!("sections/{}.html", view.id),
        &view.name,
        &rendered.referenced,
        rendered.authored_links,
        page,
    )
}

#[derive(Serialize, Hash)]
pub(super) struct EntityPage<'a> {
    pub(super) entity: &'a EntityView,
    pub(super) html: &'a str,
    pub(super) mentioned_in: Vec<MentionGroup<'a>>,
    pub(super) related: Vec<RelatedGroup<'a>>,
}

fn entity(r: &Renderer, key: EntityKey, rendered: &Rendered) -> Result<Output, RenderError> {
    let view = r.view(key);
    let page = EntityPage {
        entity: view,
        html: &rendered.html,
        mentioned_in: mentioned_in(r, key),
        related: related(r, key),
    };
    let template = format!("{}.html", key.kind.as_str());
    let mut previews = rendered.referenced.clone();
    previews.extend(
        page.related
            .iter()
            .flat_map(|g| g.items.iter())
            .filter_map(|l| {
                let (kind, id) = l.key.split_once(':')?;
                Some((Kind::from_prefix(kind)?, id.to_string()))
            }),
    );
    previews.sort();
    previews.dedup();
    r.page(
        &template,
        &format!("{}/{}.html", key.kind.dir(), view.id),
        &view.name,
        &previews,
        rendered.authored_links,
        page,
    )
}

/// "Mentioned in": the entity's mentions on other pages, grouped by page in
/// reading order, each linking to its anchor.
fn mentioned_in<'a>(r: &'a Renderer, key: EntityKey) -> Vec<MentionGroup<'a>> {
    // Each mention's snippet points into the text of another page, and its
    // page's view lies elsewhere again: a large briefing's are far apart in
    // memory. One byte of each is read first, all in one go, so that the
    // processor fetches them side by side rather than one after another.
    let mut touched = 0u8;
    for m in r.graph.mentions_of(key) {
        touched ^= m.snippet.first_byte();
        if let PageId::Entity(page) = m.page {
            touched ^= r.view(page).name.as_bytes().first().map_or(0, |b| *b);
        }
    }
    std::hint::black_box(touched);
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
                    let mut href = String::with_capacity(page.href.len() + 40);
                    href.push_str("../");
                    href.push_str(&page.href);
                    href.push('#');
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

fn related<'a>(r: &'a Renderer, key: EntityKey) -> Vec<RelatedGroup<'a>> {
    let link = |kind: Kind, index: usize| r.link(EntityKey { kind, index });
    let group = |title: String, kind: Kind, items: &[usize]| RelatedGroup {
        title,
        items: items.iter().map(|&i| link(kind, i)).collect(),
    };
    let name = r.briefing.display_name(key);
    let groups = match key.kind {
        Kind::Party => vec![
            group(
                "Clauses binding this party".into(),
                Kind::Clause,
                r.graph.party_clauses(key.index),
            ),
            group(
                format!("Quotes by {name}"),
                Kind::Quote,
                r.graph.party_quotes(key.index),
            ),
            group(
                format!("Quotes about {name}"),
                Kind::Quote,
                r.graph.party_quoted_in(key.index),
            ),
            group(
                "People".into(),
                Kind::Party,
                r.graph.party_people(key.index),
            ),
        ],
        Kind::Clause => vec![
            group(
                "Parties".into(),
                Kind::Party,
                r.graph
                    .relations
                    .clause_parties
                    .get(key.index)
                    .map_or(&[], Vec::as_slice),
            ),
            group(
                "Quotes about this clause".into(),
                Kind::Quote,
                r.graph.clause_quotes(key.index),
            ),
        ],
        Kind::Quote => {
            let speaker: Vec<usize> = r
                .graph
                .relations
                .quote_speaker
                .get(key.index)
                .copied()
                .flatten()
                .into_iter()
                .collect();
            let about = r
                .graph
                .relations
                .quote_about
                .get(key.index)
                .map_or(&[][..], Vec::as_slice);
            vec![
                group("Speaker".into(), Kind::Party, &speaker),
                RelatedGroup {
                    title: "About".into(),
                    items: about.iter().map(|k| r.link(*k)).collect(),
                },
            ]
        }
        Kind::Section => Vec::new(),
    };
    groups.into_iter().filter(|g| !g.items.is_empty()).collect()
}

#[derive(Serialize, Hash)]
pub(super) struct IndexPage<'a> {
    pub(super) kind: Kind,
    pub(super) groups: Vec<IndexGroup<'a>>,
}

#[derive(Serialize, Hash)]
pub(super) struct IndexGroup<'a> {
    pub(super) title: String,
    pub(super) items: Vec<&'a EntityView>,
}

fn index(r: &Renderer, kind: Kind) -> Result<Output, RenderError> {
    let all: Vec<&EntityView> = keys(r, kind).map(|k| r.view(k)).collect();
    let mut groups: Vec<IndexGroup> = Vec::new();
    let mut push = |title: String, view| match groups.iter_mut().find(|g| g.title == title) {
        Some(g) => g.items.push(view),
        None => groups.push(IndexGroup {
            title,
            items: vec![view],
        }),
    };
    let title = match kind {
        Kind::Party => {
            for party_kind in PartyKind::ALL {
                for v in all.iter().filter(|v| v.party_kind == Some(party_kind)) {
                    push(party_kind.plural().to_string(), *v);
                }
            }
            "Parties"
        }
        Kind::Clause => {
            for v in numbered(r, Kind::Clause) {
                push(
                    v.agreement.clone().unwrap_or_else(|| "Other terms".into()),
                    v,
                );
            }
            "What changed"
        }
        _ => {
            for v in numbered(r, Kind::Quote) {
                push(
                    v.speaker
                        .as_ref()
                        .map_or_else(|| "Unattributed".into(), |s| s.name.to_string()),
                    v,
                );
            }
            "Quotes"
        }
    };
    let referenced: Vec<(Kind, String)> = all.iter().map(|v| (v.kind, v.id.clone())).collect();
    r.page(
        &format!("{}_index.html", kind.dir()),
        &format!("{}/index.html", kind.dir()),
        title,
        &referenced,
        false,
        IndexPage { kind, groups },
    )
}
