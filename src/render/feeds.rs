//! Machine-readable outputs: `graph.json` (every entity and mention, for other
//! tools; schema in `docs/graph-json.md`), `sitemap.xml`, and the scripts that
//! `brief.js` reads without `fetch`, so that they work from `file://`: the
//! search index and the preview cards. Each is serialised with serde_json,
//! from the views or from the cards `card.html` renders.

use std::fmt::Write as _;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use super::views::{EntityView, LinkMode, page_href};
use super::{RenderError, Renderer, text};
use crate::annotate::Snippet;
use crate::cache::digest;
use crate::graph::PageId;
use crate::model::{EntityKey, Kind};
use crate::sink::{Bytes, Collect, OutFile, Sink, SiteError};

/// Writes every feed, and `print-running.css`, into `sink`.
pub fn all(r: &Renderer, sink: &dyn Sink) -> Result<(), SiteError> {
    // `brief serve` keeps both while the views and the mentions are as
    // they were: an edit inside a paragraph without references leaves them.
    let mentions = r.cache.map(|_| {
        let mentions: Vec<_> = r.graph.mentions.iter().map(|m| r.shown(m)).collect();
        digest(&mentions)
    });
    streamed(r, sink, "graph.json", mentions, graph_json)?;
    streamed(r, sink, "search-index.js", mentions, search_index)?;
    streamed(r, sink, "previews.js", mentions, previews)?;
    sink.put(sitemap(r))?;
    Ok(sink.put(super::print::running_heads(r))?)
}

/// The file at `path` as `write` hands it on, a piece at a time; `brief
/// serve` keeps it whole while the views and `mentions` are as they were.
fn streamed(
    r: &Renderer,
    sink: &dyn Sink,
    path: &str,
    mentions: Option<crate::cache::Digest>,
    write: fn(&Renderer, &dyn Sink) -> Result<(), SiteError>,
) -> Result<(), SiteError> {
    if mentions.is_none() {
        return write(r, sink);
    }
    sink.put(r.kept(path, &mentions, || {
        let whole = Collect::default();
        write(r, &whole)?;
        Ok::<_, SiteError>(whole.into_files().pop().unwrap_or_default())
    })?)?;
    Ok(())
}

/// How many entities or mentions go into one piece of a feed: a large
/// briefing's run to tens of megabytes, handed on a piece at a time.
const PER_PIECE: usize = 4096;

/// The items of a JSON array, a piece of [`PER_PIECE`] at a time, each
/// written by `write` after a comma, but the first.
fn items<'a, T>(
    all: &'a [T],
    write: impl Fn(&mut Vec<u8>, &'a [T]) + 'a,
) -> impl Iterator<Item = Result<Bytes, SiteError>> + 'a {
    all.chunks(PER_PIECE).enumerate().map(move |(n, chunk)| {
        let mut piece = if n > 0 { b",".to_vec() } else { Vec::new() };
        write(&mut piece, chunk);
        Ok(Arc::new(piece))
    })
}

/// A piece of a feed that is the same in every build: its punctuation.
fn fixed(text: &[u8]) -> impl Iterator<Item = Result<Bytes, SiteError>> {
    std::iter::once(Ok(Arc::new(text.to_vec())))
}

/// Appends each of `values` as JSON, a comma between each two.
fn push_all<T: Serialize>(out: &mut Vec<u8>, values: impl IntoIterator<Item = T>) {
    push_separated(out, values, |out, value| push_json(out, &value));
}

/// Appends each of `values` as `write` writes it, a comma between each two.
fn push_separated<T>(
    out: &mut Vec<u8>,
    values: impl IntoIterator<Item = T>,
    write: impl Fn(&mut Vec<u8>, T),
) {
    for (n, value) in values.into_iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        write(out, value);
    }
}

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
    let mut head = b"{\"version\":2,\"title\":".to_vec();
    push_json(&mut head, &r.briefing.config.title);
    head.extend_from_slice(b",\"entities\":[");
    let entities = items(&r.views, push_all);
    let mentions = items(&r.graph.mentions, |piece, mentions| {
        // A page's path is made once for each run of its mentions.
        let runs = mentions.chunk_by(|a, b| a.page == b.page);
        push_separated(piece, runs, |piece, run| {
            let page = page_href(r.briefing, run[0].page);
            push_separated(piece, run, |piece, m| {
                let mut anchor = String::new();
                m.anchor(r.briefing).push_to(&mut anchor);
                let mention = MentionJson {
                    entity: &r.view(m.entity).key,
                    page: &page,
                    url: format!("{page}#{anchor}"),
                    anchor,
                    embed: m.embed,
                    snippet: &m.snippet,
                };
                push_json(piece, &mention);
            });
        });
    });
    let mut pieces = (fixed(&head).chain(entities))
        .chain(fixed(b"],\"mentions\":["))
        .chain(mentions)
        .chain(fixed(b"]}\n"));
    sink.put_pieces("graph.json", &mut pieces)
}

pub fn sitemap(r: &Renderer) -> OutFile {
    let base = r.base_url.clone().unwrap_or_default();
    let mut paths: Vec<String> = r.views.iter().map(|v| v.href.clone()).collect();
    paths.extend(["index.html", "print.html", "timeline.html"].map(String::from));
    let indexes = Kind::ALL.into_iter().filter(|k| k.has_index());
    paths.extend(indexes.map(|k| format!("{}/index.html", k.dir())));
    paths.sort();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in paths {
        let loc = xml_escape(&format!("{base}{path}"));
        _ = writeln!(xml, "  <url><loc>{loc}</loc></url>");
    }
    xml.push_str("</urlset>\n");
    OutFile {
        path: "sitemap.xml".into(),
        bytes: xml.into_bytes().into(),
    }
}

/// `s` as XML text: HTML's escapes, and `'` too.
fn xml_escape(s: &str) -> String {
    let mut escaped = String::with_capacity(s.len());
    let _ = pulldown_cmark_escape::escape_html(&mut escaped, s);
    escaped.replace('\'', "&apos;")
}

/// One entry of the search index: `{"k": kind, "t": title or name, "a":
/// other names (a party's aliases, left out when there are none), "w": other
/// words that should find it (role, summary, quote text, and the names and
/// aliases of the entities its page refers to), "u": path from the site
/// root, "l": print label or null}`.
///
/// Carrying the names of the entities a page references, once each, lets a
/// search for a party find the sections that discuss it, while the index
/// stays linear in the number of mentions rather than in the length of the
/// text.
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
/// safe inside a script element. A script rather than JSON fetched at run
/// time, so that search works from `file://`.
fn search_index(r: &Renderer, sink: &dyn Sink) -> Result<(), SiteError> {
    let keys: Vec<EntityKey> = r.briefing.keys().collect();
    let entries = items(&keys, |piece, keys| {
        let entry = |&key: &EntityKey| {
            let v = r.view(key);
            let mut words: Vec<&str> = own_words(v).collect();
            let referenced: std::collections::BTreeSet<EntityKey> = (r.graph)
                .mentions_on(PageId::Entity(key))
                .map(|m| m.entity)
                .filter(|&e| e != key)
                .collect();
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
        };
        push_all(piece, keys.iter().map(entry));
        script_safe_piece(piece);
    });
    let mut pieces = fixed(b"window.BRIEF_SEARCH = [")
        .chain(entries)
        .chain(fixed(b"];\n"));
    sink.put_pieces("search-index.js", &mut pieces)
}

/// `previews.js`: every entity's card, as `card.html` renders it for a page
/// at the site root, by the `data-ref` of the references to it
/// (`party:openai`), assigned to `window.BRIEF_PREVIEWS`. The cards are
/// made once for the whole site rather than carried by every page that
/// refers to them; `brief.js` loads them the first time a reference is
/// hovered, focused or tapped, and starts their links from the page's folder.
fn previews(r: &Renderer, sink: &dyn Sink) -> Result<(), SiteError> {
    let cards = (r.briefing.keys().collect::<Vec<_>>().into_par_iter())
        .map(|key| Ok((&r.view(key).key, r.card(key, "", LinkMode::Site)?)))
        .collect::<Result<Vec<_>, RenderError>>()?;
    let cards = items(&cards, |piece, cards| {
        // Each card as a member of the object: `"party:openai":"<aside…"`.
        push_separated(piece, cards, |piece, (key, card)| {
            push_json(piece, key);
            piece.push(b':');
            push_json(piece, card);
        });
        script_safe_piece(piece);
    });
    let mut pieces = fixed(b"window.BRIEF_PREVIEWS = {")
        .chain(cards)
        .chain(fixed(b"};\n"));
    sink.put_pieces("previews.js", &mut pieces)
}

/// [`script_safe`] on a piece of a script's JSON; the escapes stand inside
/// strings only, so a piece can be escaped on its own.
fn script_safe_piece(piece: &mut Vec<u8>) {
    let json = text(Arc::new(std::mem::take(piece)));
    *piece = script_safe(json).into_bytes();
}

/// Appends `value` as JSON. Serialising views and strings into memory
/// cannot fail.
fn push_json(out: &mut Vec<u8>, value: &impl Serialize) {
    let _ = serde_json::to_writer(out, value);
}

/// JSON made safe inside a script element: nothing in any string can end
/// the element or open markup in it, since `<`, `>` and `&` are written as
/// escapes, as are the line separators JavaScript once rejected in strings.
/// Copied only when there is something to escape.
pub(super) fn script_safe(json: String) -> String {
    // Each special character is ASCII or, as U+2028 and U+2029 are in
    // UTF-8, starts with the byte 0xE2: found by byte, at a character's start.
    let starts = |b: &u8| matches!(b, b'<' | b'>' | b'&' | 0xE2);
    if !json.as_bytes().iter().any(starts) {
        return json;
    }
    let mut safe = String::with_capacity(json.len() + 64);
    let mut rest = json.as_str();
    while let Some(at) = rest.as_bytes().iter().position(starts) {
        safe.push_str(&rest[..at]);
        let c = rest[at..].chars().next().unwrap_or_default();
        match c {
            '<' => safe.push_str("\\u003c"),
            '>' => safe.push_str("\\u003e"),
            '&' => safe.push_str("\\u0026"),
            '\u{2028}' => safe.push_str("\\u2028"),
            '\u{2029}' => safe.push_str("\\u2029"),
            c => safe.push(c),
        }
        rest = &rest[at + c.len_utf8()..];
    }
    safe.push_str(rest);
    safe
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
    use super::{PER_PIECE, fixed, items, push_all, script_safe};

    #[test]
    fn an_array_in_pieces_is_the_array_whole() {
        let numbers: Vec<usize> = (0..2 * PER_PIECE + 7).collect();
        let pieces = fixed(b"[")
            .chain(items(&numbers, push_all))
            .chain(fixed(b"]"));
        let joined: Vec<u8> = pieces.flat_map(|piece| piece.unwrap().to_vec()).collect();
        assert_eq!(joined, serde_json::to_vec(&numbers).unwrap());
        // An empty array has no pieces between its brackets.
        let none = items(&numbers[..0], push_all);
        assert_eq!(none.count(), 0);
    }

    #[test]
    fn script_escapes_markup_and_line_separators() {
        assert_eq!(script_safe("[\"a/b\"]".into()), "[\"a/b\"]");
        let json = "[\"a</b\",\"<!--\",\"x\u{2028}y\u{2029}z\",\"\u{e9}&>\"]";
        assert_eq!(
            script_safe(json.to_string()),
            "[\"a\\u003c/b\",\"\\u003c!--\",\"x\\u2028y\\u2029z\",\"\u{e9}\\u0026\\u003e\"]"
        );
    }
}
