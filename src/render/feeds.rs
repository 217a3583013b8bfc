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
    anchor: Anchor<'a>,
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
            let anchor = m.anchor(r.briefing);
            MentionJson {
                entity: &r.view(m.entity).key,
                url: format!("{page}#{anchor}"),
                page,
                anchor,
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
    let mut chunked = Chunked {
        buffer: Vec::with_capacity(CHUNK + 4096),
        out,
    };
    serde_json::to_writer(&mut chunked, &json)?;
    chunked.buffer.push(b'\n');
    chunked.out.write_all(&chunked.buffer)
}

/// How much of `graph.json` is gathered before it is handed on.
const CHUNK: usize = 1 << 16;

/// Gathers the serialiser's many small writes into chunks, so that each
/// goes to the file's writer (behind a `dyn`) once per [`CHUNK`] rather than
/// once per token.
struct Chunked<'a> {
    buffer: Vec<u8>,
    out: &'a mut dyn std::io::Write,
}

impl std::io::Write for Chunked<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        if self.buffer.len() >= CHUNK {
            self.out.write_all(&self.buffer)?;
            self.buffer.clear();
        }
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.write(buf).map(drop)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
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
///
/// The entries are serialised one at a time straight into the file's bytes,
/// made safe for a script on the way: the index of a large briefing runs to
/// megabytes, and gathering it first, then copying it for each escape, held
/// several copies at once.
pub fn search_index(r: &Renderer) -> OutFile {
    const START: &[u8] = b"window.BRIEF_SEARCH = ";
    let mut bytes = START.to_vec();
    if serde_json::to_writer(ScriptSafe(&mut bytes), &SearchEntries(r)).is_err() {
        bytes.truncate(START.len());
        bytes.extend_from_slice(b"[]");
    }
    bytes.extend_from_slice(b";\n");
    OutFile {
        path: "search-index.js".into(),
        bytes,
    }
}

/// Every entity's search entry, made as it is serialised.
struct SearchEntries<'a>(&'a Renderer<'a>);

impl Serialize for SearchEntries<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        serializer.collect_seq(r.briefing.keys().zip(&r.views).map(|(key, v)| {
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
        }))
    }
}

/// Writes JSON into a script: `</` becomes `<\/` (it cannot end a script
/// here, but escaping it keeps the file safe to inline), and U+2028 and U+2029,
/// which JSON allows raw in strings, become escapes. Each replacement looks
/// back at the bytes already written, so one split across two writes is
/// still found.
struct ScriptSafe<'a>(&'a mut Vec<u8>);

impl std::io::Write for ScriptSafe<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let out = &mut *self.0;
        let mut rest = buf;
        // `/` may end `</`; 0xA8 and 0xA9 end U+2028 and U+2029 (E2 80 A8/A9).
        while let Some(at) = memchr::memchr3(b'/', 0xA8, 0xA9, rest) {
            out.extend_from_slice(&rest[..at]);
            match rest[at] {
                b'/' if out.last() == Some(&b'<') => out.extend_from_slice(b"\\/"),
                last @ (0xA8 | 0xA9) if out.ends_with(&[0xE2, 0x80]) => {
                    out.truncate(out.len() - 2);
                    out.extend_from_slice(if last == 0xA8 { b"\\u2028" } else { b"\\u2029" });
                }
                byte => out.push(byte),
            }
            rest = &rest[at + 1..];
        }
        out.extend_from_slice(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::ScriptSafe;
    use std::io::Write;

    #[test]
    fn script_escapes_are_made_however_the_json_is_split() {
        let json = "[\"a</b\",\"<//\",\"x\u{2028}y\u{2029}z\",\"\u{e9}/\"]";
        let expected = json
            .replace("</", "<\\/")
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029");
        for split in 0..=json.len() {
            let mut out = Vec::new();
            let mut writer = ScriptSafe(&mut out);
            writer.write_all(&json.as_bytes()[..split]).unwrap();
            writer.write_all(&json.as_bytes()[split..]).unwrap();
            assert_eq!(
                String::from_utf8(out).unwrap(),
                expected,
                "split at {split}"
            );
        }
    }
}
