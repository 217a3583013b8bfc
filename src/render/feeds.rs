//! Machine-readable outputs: `graph.json` (every entity and mention, for other
//! tools; schema in `docs/graph-json.md`), `sitemap.xml` and the search index
//! script that the search box reads without `fetch`, so it works from `file://`.

use serde::Serialize;

use super::views::{EntityView, LinkMode, entity_href, front_link};
use super::{OutFile, Renderer};
use crate::annotate::Snippet;
use crate::graph::{Anchor, PageId};
use crate::model::{EntityKey, Kind};

#[derive(Serialize)]
struct GraphJson<'a> {
    version: u32,
    title: &'a str,
    entities: &'a [EntityView],
    mentions: Mentions<'a>,
}

/// Every mention, serialised as it is read from the graph rather than
/// gathered into a list first (a large briefing has hundreds of thousands).
struct Mentions<'a>(&'a Renderer<'a>);

#[derive(Serialize)]
struct MentionJson<'a> {
    entity: &'a str,
    page: String,
    anchor: &'a Anchor,
    url: String,
    embed: bool,
    snippet: &'a Snippet,
}

impl Serialize for Mentions<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        // Mentions come grouped by page: each page's address is made once.
        let mut last: Option<(PageId, String)> = None;
        serializer.collect_seq(r.graph.mentions.iter().map(|m| {
            let page = match &last {
                Some((id, href)) if *id == m.page => href.clone(),
                _ => {
                    let href = match m.page {
                        PageId::Front => front_link(r.briefing).href,
                        PageId::Entity(k) => entity_href(r.briefing, k, LinkMode::Site),
                    };
                    last = Some((m.page, href.clone()));
                    href
                }
            };
            MentionJson {
                entity: &r.view(m.entity).key,
                url: format!("{page}#{}", m.anchor),
                page,
                anchor: &m.anchor,
                embed: m.embed,
                snippet: &m.snippet,
            }
        }))
    }
}

/// Writes `graph.json` to `out` as it is serialised.
pub fn graph_json(r: &Renderer, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let json = GraphJson {
        version: 1,
        title: &r.briefing.config.title,
        entities: &r.views,
        mentions: Mentions(r),
    };
    serde_json::to_writer(&mut *out, &json)?;
    out.write_all(b"\n")
}

/// Every page's URL: absolute under `base_url` when set, else relative.
pub fn sitemap(r: &Renderer) -> OutFile {
    let base = r.base_url.clone().unwrap_or_default();
    let mut paths = vec!["index.html".to_string(), "print.html".to_string()];
    paths.extend(r.views.iter().map(|v| v.href.clone()));
    paths.extend(
        [Kind::Party, Kind::Clause, Kind::Quote].map(|k| format!("{}/index.html", k.dir())),
    );
    paths.sort();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in paths {
        xml.push_str("  <url><loc>");
        xml.push_str(&xml_escape(&format!("{base}{path}")));
        xml.push_str("</loc></url>\n");
    }
    xml.push_str("</urlset>\n");
    OutFile {
        path: "sitemap.xml".into(),
        bytes: xml.into_bytes(),
    }
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Serialize)]
struct SearchEntry<'a> {
    /// Kind, as in references.
    k: Kind,
    /// Title or name.
    t: &'a str,
    /// Other names (a party's aliases), which rank like the name.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    a: &'a [String],
    /// Other words that should find it: role, summary, quote text, and the
    /// names and aliases of the entities its page refers to.
    w: String,
    /// Path from the site root.
    u: &'a str,
    l: Option<&'a str>,
}

/// `search-index.js`: assigns the index to `window.BRIEF_SEARCH`. A script, not
/// JSON fetched at run time, so search works from `file://`.
///
/// Besides its own fields, each entry carries the names (and aliases) of the
/// entities its page references, once each, so that searching for a party also
/// finds the sections that discuss it. That keeps the index linear in the number
/// of mentions rather than in the length of the text.
pub fn search_index(r: &Renderer) -> OutFile {
    let entries: Vec<SearchEntry> = r
        .briefing
        .keys()
        .zip(&r.views)
        .map(|(key, v)| {
            let mut words: Vec<&str> = own_words(v).collect();
            let mut referenced: Vec<EntityKey> = r
                .graph
                .mentions_on(PageId::Entity(key))
                .map(|m| m.entity)
                .filter(|&e| e != key)
                .collect();
            referenced.sort();
            referenced.dedup();
            for other in referenced {
                let other = r.view(other);
                words.push(&other.name);
                words.extend(other.aliases.iter().map(String::as_str));
            }
            SearchEntry {
                k: v.kind,
                t: &v.name,
                a: &v.aliases,
                w: words.join(" \u{b7} "),
                u: &v.href,
                l: v.label.as_deref(),
            }
        })
        .collect();
    let json = serde_json::to_string(&entries).unwrap_or_else(|_| "[]".into());
    // `</` cannot end a script here, but escaping it keeps the file safe to inline.
    let json = json
        .replace("</", "<\\/")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029");
    OutFile {
        path: "search-index.js".into(),
        bytes: format!("window.BRIEF_SEARCH = {json};\n").into_bytes(),
    }
}

/// The words an entity brings to the index itself, besides its names.
fn own_words(v: &EntityView) -> impl Iterator<Item = &str> {
    [
        &v.role,
        &v.position,
        &v.summary,
        &v.agreement,
        &v.before,
        &v.after,
        &v.text,
    ]
    .into_iter()
    .flatten()
    .map(String::as_str)
    .chain(v.speaker.as_ref().map(|s| s.name.as_str()))
}
