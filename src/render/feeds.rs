//! Machine-readable outputs: `graph.json` (every entity and mention, for other
//! tools; schema in `docs/graph-json.md`), `sitemap.xml` and the search index
//! script that the search box reads without `fetch`, so it works from `file://`.
//! Each is serialised with serde_json from the views; nothing here renders HTML.

use serde::Serialize;

use super::views::{EntityView, LinkMode, entity_href, front_link};
use super::{Bytes, OutFile, Renderer, Sink, SiteError};
use crate::annotate::Snippet;
use crate::cache::digest;
use crate::graph::{Mention, PageId};
use crate::model::{EntityKey, Kind};

/// Writes every feed, and `print-running.css`, into `sink`.
pub fn all(r: &Renderer, sink: &dyn Sink) -> Result<(), SiteError> {
    match r.cache {
        None => {
            graph_json(r, sink)?;
            sink.put(search_index(r))?;
        }
        // `brief serve` keeps both while the views and the mentions are as
        // they were: an edit inside a paragraph without references leaves them.
        Some(cache) => {
            let mentions: Vec<_> = (r.graph.mentions.iter())
                .map(|m| (m.page, m.entity, m.anchor(r.briefing), m.embed, &m.snippet))
                .collect();
            let inputs = digest(&(r.face(), mentions));
            let kept = |path: &str, make: &dyn Fn() -> Result<Bytes, SiteError>| {
                let bytes = (cache.pages).get_or_make(digest(&(inputs, path)), make)?;
                sink.put(OutFile {
                    path: path.to_string(),
                    bytes,
                })?;
                Ok::<_, SiteError>(())
            };
            kept("graph.json", &|| {
                let whole = super::Collect::default();
                graph_json(r, &whole)?;
                Ok(whole
                    .into_files()
                    .pop()
                    .map(|f| f.bytes)
                    .unwrap_or_default())
            })?;
            kept("search-index.js", &|| Ok(search_index(r).bytes))?;
        }
    }
    sink.put(sitemap(r))?;
    sink.put(super::print::running_heads(r))?;
    Ok(())
}

/// How many mentions go into one piece of `graph.json`: a large briefing's
/// mentions run to tens of megabytes, handed on a piece at a time.
const MENTIONS_PER_PIECE: usize = 4096;

#[derive(Serialize)]
struct MentionJson<'a> {
    entity: &'a str,
    page: &'a str,
    anchor: String,
    url: String,
    embed: bool,
    snippet: &'a Snippet,
}

/// `graph.json`: the title, every entity's view, then every mention.
fn graph_json(r: &Renderer, sink: &dyn Sink) -> Result<(), SiteError> {
    let json = |result: serde_json::Result<String>| {
        // Serialising views and strings into memory cannot fail.
        result.unwrap_or_default()
    };
    let head = format!(
        "{{\"version\":2,\"title\":{},\"entities\":{},\"mentions\":[",
        json(serde_json::to_string(&r.briefing.config.title)),
        json(serde_json::to_string(&r.views)),
    );
    let pages: Vec<String> = r
        .graph
        .mentions
        .chunk_by(|a, b| a.page == b.page)
        .map(|run| page_href(r, run[0].page))
        .collect();
    let mut runs = r
        .graph
        .mentions
        .chunk_by(|a, b| a.page == b.page)
        .zip(&pages);
    let mut mentions = runs
        .by_ref()
        .flat_map(|(run, page)| run.iter().map(move |m| (m, page)));
    let mut first = true;
    let mut done = false;
    let mut pieces = std::iter::once(Ok(head)).chain(std::iter::from_fn(|| {
        if done {
            return None;
        }
        let mut piece = String::new();
        for (m, page) in mentions.by_ref().take(MENTIONS_PER_PIECE) {
            if !first {
                piece.push(',');
            }
            first = false;
            piece.push_str(&json(serde_json::to_string(&mention_json(r, m, page))));
        }
        if piece.is_empty() {
            done = true;
            piece.push_str("]}\n");
        }
        Some(Ok(piece))
    }));
    sink.put_pieces("graph.json", &mut pieces)
}

fn page_href(r: &Renderer, page: PageId) -> String {
    match page {
        PageId::Front => front_link(r.briefing).href.into_owned(),
        PageId::Entity(k) => entity_href(r.briefing, k, LinkMode::Site),
    }
}

fn mention_json<'a>(r: &'a Renderer, m: &'a Mention, page: &'a str) -> MentionJson<'a> {
    let mut anchor = String::new();
    m.anchor(r.briefing).push_to(&mut anchor);
    MentionJson {
        entity: &r.view(m.entity).key,
        page,
        url: format!("{page}#{anchor}"),
        anchor,
        embed: m.embed,
        snippet: &m.snippet,
    }
}

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
        bytes: xml.into_bytes().into(),
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

/// `search-index.js`: assigns the index to `window.BRIEF_SEARCH`. A script, not
/// JSON fetched at run time, so search works from `file://`.
///
/// Besides its own fields, each entry carries the names (and aliases) of the
/// entities its page references, once each, so that searching for a party also
/// finds the sections that discuss it. That keeps the index linear in the number
/// of mentions rather than in the length of the text.
///
/// An entry is `{"k": kind, "t": title or name, "a": other names (a party's
/// aliases, left out when there are none), "w": other words that should find
/// it (role, summary, quote text, and the names and aliases of the entities
/// its page refers to), "u": path from the site root, "l": print label or
/// null}`. The entries are written one at a time, with [`json_str`], made
/// safe for a script on the way, and handed to `out` a chunk at a time: the
/// index of a large briefing runs to megabytes.
/// One entry of the search index: an entity's kind, name, aliases, the
/// words of its own fields and of the entities its body mentions, its page
/// and its label.
#[derive(Serialize)]
struct SearchEntry<'a> {
    k: &'a str,
    t: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    a: &'a [String],
    w: String,
    u: &'a str,
    l: Option<&'a str>,
}

/// `search-index.js`: the index as a script assigning `window.BRIEF_SEARCH`,
/// safe inside a script element.
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
                k: v.kind.as_str(),
                t: &v.name,
                a: &v.aliases,
                w: words.join(" \u{b7} "),
                u: &v.href,
                l: v.label.as_deref(),
            }
        })
        .collect();
    let json = serde_json::to_string(&entries).unwrap_or_else(|_| "[]".into());
    OutFile {
        path: "search-index.js".into(),
        bytes: format!("window.BRIEF_SEARCH = {};\n", script_safe(&json))
            .into_bytes()
            .into(),
    }
}

/// JSON made safe inside a script element: `</` cannot end it, and the line
/// separators JavaScript once rejected in strings are escaped.
fn script_safe(json: &str) -> String {
    json.replace("</", "<\\/")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
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
    .chain(v.speaker.as_ref().map(|s| &*s.name))
}

#[cfg(test)]
mod tests {
    use super::script_safe;

    #[test]
    fn script_escapes_end_tags_and_line_separators() {
        let json = "[\"a</b\",\"<//\",\"x\u{2028}y\u{2029}z\",\"\u{e9}/\"]";
        assert_eq!(
            script_safe(json),
            "[\"a<\\/b\",\"<\\//\",\"x\\u2028y\\u2029z\",\"\u{e9}/\"]"
        );
    }
}
