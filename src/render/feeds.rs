//! Machine-readable outputs: `graph.json` (every entity and mention, for other
//! tools; schema in `docs/graph-json.md`), `sitemap.xml` and the search index
//! script that the search box reads without `fetch`, so it works from `file://`.

use super::views::{EntityView, LinkMode, entity_href, front_link};
use super::{OutFile, Renderer};
use crate::graph::PageId;
use crate::model::{EntityKey, Kind};

/// Writes `graph.json` to `out` as it is made.
///
/// The entities go through serde; the mentions, which are most of the file
/// (a snippet of text each, hundreds of thousands of them), are written here
/// with [`json_str`], byte for byte as serde_json would write them.
pub fn graph_json(r: &Renderer, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut chunked = Chunked {
        buffer: Vec::with_capacity(CHUNK + 4096),
        out,
    };
    chunked
        .buffer
        .extend_from_slice(b"{\"version\":1,\"title\":");
    serde_json::to_writer(&mut chunked, &r.briefing.config.title)?;
    chunked.buffer.extend_from_slice(b",\"entities\":");
    serde_json::to_writer(&mut chunked, &r.views)?;
    chunked.buffer.extend_from_slice(b",\"mentions\":[");
    // Mentions come grouped by page: each page's address is made once.
    let mut last: Option<(PageId, String)> = None;
    let mut anchor = String::new();
    for (i, m) in r.graph.mentions.iter().enumerate() {
        let page = match &last {
            Some((id, href)) if *id == m.page => href,
            _ => {
                let href = match m.page {
                    PageId::Front => front_link(r.briefing).href.into_owned(),
                    PageId::Entity(k) => entity_href(r.briefing, k, LinkMode::Site),
                };
                &last.insert((m.page, href)).1
            }
        };
        anchor.clear();
        m.anchor(r.briefing).push_to(&mut anchor);
        let [before, text, after] = m.snippet.pieces();
        let json = &mut chunked.buffer;
        json.extend_from_slice(if i == 0 {
            b"{\"entity\":"
        } else {
            b",{\"entity\":"
        });
        json_str(json, &[&r.view(m.entity).key]);
        json.extend_from_slice(b",\"page\":");
        json_str(json, &[page]);
        json.extend_from_slice(b",\"anchor\":");
        json_str(json, &[&anchor]);
        json.extend_from_slice(b",\"url\":");
        json_str(json, &[page, "#", &anchor]);
        json.extend_from_slice(if m.embed {
            b",\"embed\":true,\"snippet\":{\"before\":"
        } else {
            b",\"embed\":false,\"snippet\":{\"before\":"
        });
        json_str(json, &before);
        json.extend_from_slice(b",\"text\":");
        json_str(json, &text);
        json.extend_from_slice(b",\"after\":");
        json_str(json, &after);
        json.extend_from_slice(b"}}");
        chunked.pass_on()?;
    }
    chunked.buffer.extend_from_slice(b"]}\n");
    chunked.out.write_all(&chunked.buffer)
}

/// Appends `pieces`, joined, as one JSON string, escaped exactly as
/// serde_json escapes: `"` and `\\`, the short escapes `\\b \\f \\n \\r \\t`,
/// other control characters as `\\u00xx`, everything else as it is.
fn json_str(out: &mut Vec<u8>, pieces: &[&str]) {
    out.push(b'"');
    for piece in pieces {
        json_str_contents(out, piece);
    }
    out.push(b'"');
}

/// The inside of a JSON string holding `text`, as [`json_str`] writes it.
fn json_str_contents(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    let mut clean = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Skips a block without escapes at once: the compiler makes the
        // fold one vector compare. The last block is padded with spaces.
        let block = match bytes.get(i..i + 16) {
            Some(block) => <[u8; 16]>::try_from(block).unwrap_or([0; 16]),
            None => {
                let mut block = [b' '; 16];
                let rest = &bytes[i..];
                block[..rest.len()].copy_from_slice(rest);
                block
            }
        };
        if !block
            .iter()
            .fold(false, |any, &b| any | needs_json_escape(b))
        {
            i += 16;
            continue;
        }
        let byte = bytes[i];
        if needs_json_escape(byte) {
            out.extend_from_slice(&bytes[clean..i]);
            push_json_escape(out, byte);
            clean = i + 1;
        }
        i += 1;
    }
    out.extend_from_slice(&bytes[clean..]);
}

fn needs_json_escape(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

fn push_json_escape(out: &mut Vec<u8>, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match byte {
        b'"' => out.extend_from_slice(b"\\\""),
        b'\\' => out.extend_from_slice(b"\\\\"),
        0x08 => out.extend_from_slice(b"\\b"),
        0x0C => out.extend_from_slice(b"\\f"),
        b'\n' => out.extend_from_slice(b"\\n"),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\t' => out.extend_from_slice(b"\\t"),
        _ => out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[usize::from(byte >> 4)],
            HEX[usize::from(byte & 0xF)],
        ]),
    }
}

/// How much of `graph.json` or the search index is gathered before it is
/// handed on.
const CHUNK: usize = 1 << 16;

/// Gathers many small writes into chunks, so that each goes to the file's
/// writer (behind a `dyn`) once per [`CHUNK`] rather than once per token.
struct Chunked<'a> {
    buffer: Vec<u8>,
    out: &'a mut dyn std::io::Write,
}

impl Chunked<'_> {
    /// Hands the buffer on once it holds a chunk.
    fn pass_on(&mut self) -> std::io::Result<()> {
        if self.buffer.len() >= CHUNK {
            self.out.write_all(&self.buffer)?;
            self.buffer.clear();
        }
        Ok(())
    }
}

impl std::io::Write for Chunked<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        self.pass_on()?;
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
pub fn search_index(r: &Renderer, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    use std::io::Write;
    let mut chunked = Chunked {
        buffer: Vec::with_capacity(CHUNK + 4096),
        out,
    };
    chunked.buffer.extend_from_slice(b"window.BRIEF_SEARCH = ");
    let mut entry = Vec::with_capacity(4096);
    for (i, (key, v)) in r.briefing.keys().zip(&r.views).enumerate() {
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
        entry.clear();
        entry.extend_from_slice(if i == 0 { b"[{\"k\":" } else { b",{\"k\":" });
        json_str(&mut entry, &[v.kind.as_str()]);
        entry.extend_from_slice(b",\"t\":");
        json_str(&mut entry, &[&v.name]);
        if !v.aliases.is_empty() {
            entry.extend_from_slice(b",\"a\":[");
            for (n, alias) in v.aliases.iter().enumerate() {
                if n > 0 {
                    entry.push(b',');
                }
                json_str(&mut entry, &[alias]);
            }
            entry.push(b']');
        }
        entry.extend_from_slice(b",\"w\":\"");
        for (n, word) in words.iter().enumerate() {
            json_str_contents(&mut entry, if n > 0 { " \u{b7} " } else { "" });
            json_str_contents(&mut entry, word);
        }
        entry.extend_from_slice(b"\",\"u\":");
        json_str(&mut entry, &[&v.href]);
        entry.extend_from_slice(b",\"l\":");
        match &v.label {
            Some(label) => json_str(&mut entry, &[label]),
            None => entry.extend_from_slice(b"null"),
        }
        entry.push(b'}');
        ScriptSafe(&mut chunked.buffer).write_all(&entry)?;
        // An entry ends in `}`, so no escape looks back across a chunk.
        chunked.pass_on()?;
    }
    chunked.buffer.extend_from_slice(if r.views.is_empty() {
        b"[];\n"
    } else {
        b"];\n"
    });
    chunked.out.write_all(&chunked.buffer)
}

/// `search-index.js` whole, for builds that keep the bytes.
pub fn search_index_file(r: &Renderer) -> OutFile {
    let mut bytes = Vec::new();
    // Writing into memory cannot fail.
    let _ = search_index(r, &mut bytes);
    OutFile {
        path: "search-index.js".into(),
        bytes,
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
    .chain(v.speaker.as_ref().map(|s| &*s.name))
}

#[cfg(test)]
mod tests {
    use super::{ScriptSafe, json_str};
    use proptest::prelude::*;
    use std::io::Write;

    proptest! {
        #[test]
        fn a_json_string_is_written_as_serde_json_writes_it(
            text in "(\\PC|[\\x00-\\x1f\"\\\\\\x7f\u{2028}])*",
            split in any::<prop::sample::Index>(),
        ) {
            let at = split.index(text.len() + 1);
            let at = (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            let mut out = Vec::new();
            json_str(&mut out, &[&text[..at], &text[at..]]);
            prop_assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&text).unwrap());
        }
    }

    #[test]
    fn every_escape_is_serde_jsons() {
        let all: String = (0u8..0x80)
            .map(char::from)
            .chain(['é', '\u{2028}'])
            .collect();
        let mut out = Vec::new();
        json_str(&mut out, &[&all, &all]);
        let twice = format!("{all}{all}");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            serde_json::to_string(&twice).unwrap()
        );
    }

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
