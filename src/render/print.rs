//! The print edition: `print.html`, the whole briefing as one document, and
//! `print-running.css`, the running heads every printed page carries.
//!
//! `print.html` is a cover, a contents list, the sections in order, then one
//! appendix per kind of entity (parties, the clause table, quotes) in label
//! order, so that every `[P2]` in the text can be looked up on paper. References
//! point at anchors inside the document. The look is `static/print.css`; this
//! module only decides what the document holds.

use pulldown_cmark::{Event, Tag, TagEnd};
use rayon::prelude::*;
use serde::Serialize;

use std::sync::Arc;

use super::views::{EntityView, LinkMode};
use super::{OutFile, Renderer, Sink, SiteError};
use crate::annotate::RenderOptions;
use crate::graph::PageId;
use crate::model::{EntityKey, Kind};

#[derive(Serialize, Hash)]
struct PrintPage<'a> {
    lede: String,
    sections: Vec<PrintEntry<'a>>,
    parties: Vec<PrintEntry<'a>>,
    clauses: Vec<PrintEntry<'a>>,
    quotes: Vec<PrintEntry<'a>>,
    appendices: Vec<Appendix>,
}

#[derive(Serialize, Hash)]
struct PrintEntry<'a> {
    entity: &'a EntityView,
    html: String,
    /// The sections that mention the entity, as `§N`, in reading order.
    sections: Vec<String>,
}

/// One appendix: its anchor, its letter (A, B, … over the appendices that
/// have entries) and its title.
#[derive(Serialize, Hash)]
struct Appendix {
    id: &'static str,
    letter: char,
    title: &'static str,
}

/// `print.html`: every section in order, then appendices of parties, clauses and
/// quotes in label order, with references pointing inside the document.
///
/// The template renders a skeleton with a mark where each body goes; the
/// bodies are then rendered a batch at a time, in parallel, and handed to the
/// sink with the skeleton's text between them, so the document is never held
/// whole: at 10,000 sections its bodies alone are 80 MB, and passing them
/// through the template context would copy each twice more. Which entries
/// have a body is decided from the source, before any is rendered
/// ([`shows_something`]).
pub fn page(r: &Renderer, sink: &dyn Sink) -> Result<(), SiteError> {
    let lede = match r.briefing.front {
        Some(doc) => {
            let options = RenderOptions {
                id_prefix: "front-",
                moved_from: None,
            };
            r.markdown(r.body(doc), "", LinkMode::Print, options)?
                .html
                .clone()
        }
        None => String::new(),
    };
    let mut bodies: Vec<EntityKey> = Vec::new();
    let mut entries = |keys: Vec<EntityKey>| -> Vec<PrintEntry> {
        let made: Vec<(PrintEntry, bool)> = keys
            .par_iter()
            .map(|&key| {
                let entry = PrintEntry {
                    entity: r.view_in(key, LinkMode::Print),
                    html: String::new(),
                    sections: mentioning_sections(r, key),
                };
                (entry, shows_body(r, key))
            })
            .collect();
        keys.into_iter()
            .zip(made)
            .map(|(key, (mut entry, has_body))| {
                if has_body {
                    entry.html = format!("{BODY_MARK}{}-->", bodies.len());
                    bodies.push(key);
                }
                entry
            })
            .collect()
    };
    let sections = (0..r.briefing.len(Kind::Section)).map(|index| EntityKey {
        kind: Kind::Section,
        index,
    });
    let mut page = PrintPage {
        lede,
        sections: entries(sections.collect()),
        parties: entries(r.graph.numbered(Kind::Party).to_vec()),
        clauses: entries(r.graph.numbered(Kind::Clause).to_vec()),
        quotes: entries(r.graph.numbered(Kind::Quote).to_vec()),
        appendices: Vec::new(),
    };
    let candidates = [
        (!page.parties.is_empty(), "appendix-parties", "Parties"),
        (!page.clauses.is_empty(), "appendix-clauses", "What changed"),
        (!page.quotes.is_empty(), "appendix-quotes", "Quotes"),
    ];
    page.appendices = candidates
        .into_iter()
        .filter(|(present, _, _)| *present)
        .zip('A'..)
        .map(|((_, id, title), letter)| Appendix { id, letter, title })
        .collect();
    let title = &r.briefing.config.title;
    // What the skeleton shows beyond the views is its context: a serve build
    // keeps it while that is as it was (the bodies themselves are marks).
    let inputs = r.cache.map(|_| crate::cache::digest(&page));
    let skeleton = crate::timed("print skeleton", || {
        r.kept("print.html", &inputs, || {
            super::pages::page(r, "print.html", "print.html", title, &[], page)
        })
    })?;
    let skeleton = String::from_utf8(Arc::unwrap_or_clone(skeleton.bytes))
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    let mut plan = pieces(&skeleton, bodies.len());
    plan.reverse();
    let mut batch: std::vec::IntoIter<Result<String, SiteError>> = Vec::new().into_iter();
    let mut next = std::iter::from_fn(|| {
        if let Some(piece) = batch.next() {
            return Some(piece);
        }
        // The next batch: pieces up to BATCH bodies, rendered in parallel.
        let mut pieces = Vec::new();
        let mut count = 0;
        while count < BATCH {
            let Some(piece) = plan.pop() else { break };
            count += usize::from(matches!(piece, Piece::Body(_)));
            pieces.push(piece);
        }
        let made: Vec<Result<String, SiteError>> = pieces
            .into_par_iter()
            .map(|piece| match piece {
                Piece::Text(text) => Ok(text.to_string()),
                Piece::Body(n) => body(r, bodies[n]),
            })
            .collect();
        batch = made.into_iter();
        batch.next()
    });
    crate::timed("print bodies", || sink.put_pieces("print.html", &mut next))
}

/// The body of `key` as print shows it: its ids prefixed, since it shares
/// the document with every other body, and its author's relative links
/// rebased from its page's folder.
///
/// The prefix ends in `_`, which no id has: with a `-`, a heading "Terms"
/// of section `deal` would get `section-deal-terms`, the id of section
/// `deal-terms`. The template's own ids for an entry, `section-deal` and
/// `section-deal_title`, cannot come out of a body either, since a heading
/// slug is never `title` (see `annotate`'s heading ids).
fn body(r: &Renderer, key: EntityKey) -> Result<String, SiteError> {
    let prefix = format!("{}-{}_", key.kind.as_str(), r.briefing.id(key));
    let folder = format!("{}/", key.kind.dir());
    let options = RenderOptions {
        id_prefix: &prefix,
        moved_from: Some(&folder),
    };
    let text = r.body(r.briefing.doc(key));
    let rendered = r.markdown(text, "", LinkMode::Print, options)?;
    // Only the HTML is wanted: a body kept by `serve` is shared, and
    // copying its headings and references too would be waste.
    Ok(Arc::try_unwrap(rendered).map_or_else(|kept| kept.html.clone(), |own| own.html))
}

/// Whether `print.html` shows `key`'s body: every section's, and those of
/// the entities it lists in its appendices (the ones mentioned), when they
/// render to anything.
fn shows_body(r: &Renderer, key: EntityKey) -> bool {
    let listed = key.kind == Kind::Section || r.graph.label(key).is_some();
    listed && shows_something(r.body(r.briefing.doc(key)), key.kind)
}

/// Whether a body renders to anything, decided before it is rendered: the
/// skeleton puts an appendix entry's body in a container only when it does.
/// A section always has its container, so its text need not be parsed here.
fn shows_something(body: &str, kind: Kind) -> bool {
    if body.trim().is_empty() {
        return false;
    }
    if kind == Kind::Section {
        return true;
    }
    // Link definitions make no events, and a note nobody calls is dropped:
    // anything else is rendered.
    let mut in_note = 0usize;
    for event in pulldown_cmark::Parser::new_ext(body, crate::annotate::options()) {
        match event {
            Event::Start(Tag::FootnoteDefinition(_)) => in_note += 1,
            Event::End(TagEnd::FootnoteDefinition) => in_note = in_note.saturating_sub(1),
            _ if in_note == 0 => return true,
            _ => {}
        }
    }
    false
}

/// How many bodies are rendered together, in parallel, before they are
/// handed on: enough to keep every core busy, few enough that a batch's
/// bodies take little memory and it is reused at once by the next batch
/// rather than given back to the system and taken again.
const BATCH: usize = 64;

/// One piece of `print.html`: text of the rendered skeleton, or the body
/// that stands at a mark.
#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    Text(&'a str),
    Body(usize),
}

/// Stands in a print entry's `html` for its body while the template renders:
/// the bodies are most of print.html, and passing them through the template
/// context would copy every one of them twice.
const BODY_MARK: &str = "<!--brief-body-";

/// The rendered skeleton cut at each body mark: its text, with the number of
/// the body at each of the `count` marks in between.
fn pieces(skeleton: &str, count: usize) -> Vec<Piece<'_>> {
    let mut pieces = Vec::with_capacity(count * 2 + 1);
    let mut rest = skeleton;
    while let Some(at) = rest.find(BODY_MARK) {
        let after = &rest[at + BODY_MARK.len()..];
        let body = after
            .find("-->")
            .and_then(|end| Some((after[..end].parse::<usize>().ok()?, end)))
            .filter(|(n, _)| *n < count);
        match body {
            Some((n, end)) => {
                pieces.push(Piece::Text(&rest[..at]));
                pieces.push(Piece::Body(n));
                rest = &after[end + 3..];
            }
            None => {
                // Not a mark after all: keep it as text.
                pieces.push(Piece::Text(&rest[..at + BODY_MARK.len()]));
                rest = after;
            }
        }
    }
    pieces.push(Piece::Text(rest));
    pieces
}

/// `§N` for each section that mentions `key`, once each, in section order.
fn mentioning_sections(r: &Renderer, key: EntityKey) -> Vec<String> {
    let mut numbers: Vec<usize> = r
        .graph
        .mentions_of(key)
        .filter_map(|m| match m.page {
            PageId::Entity(k) if k.kind == Kind::Section && k != key => Some(k.index + 1),
            _ => None,
        })
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    numbers.into_iter().map(|n| format!("§{n}")).collect()
}

/// `print-running.css`: the briefing's title and date in the margins of every
/// printed page. `print.css` imports it; it is generated because a static
/// stylesheet cannot know the title.
pub fn running_heads(r: &Renderer) -> OutFile {
    let config = &r.briefing.config;
    let date = r.site.date.as_ref().map(|d| d.human.as_str()).unwrap_or("");
    let css = format!(
        "/* Written by brief for this briefing: running heads for print.css. */\n\
         @page {{\n  @top-left {{ content: {}; }}\n  @top-right {{ content: {}; }}\n}}\n",
        css_string(&running_title(&config.title)),
        css_string(date),
    );
    OutFile {
        path: "print-running.css".into(),
        bytes: css.into_bytes().into(),
    }
}

/// The title as it fits a page margin: whole when short, else cut at a word
/// boundary with an ellipsis.
fn running_title(title: &str) -> String {
    const FIT: usize = 70;
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.chars().count() <= FIT {
        return title;
    }
    let mut cut = String::new();
    for word in title.split(' ') {
        if cut.chars().count() + word.chars().count() + 1 > FIT - 1 {
            break;
        }
        if !cut.is_empty() {
            cut.push(' ');
        }
        cut.push_str(word);
    }
    if cut.is_empty() {
        cut = title.chars().take(FIT - 1).collect();
    }
    cut.push('…');
    cut
}

/// A CSS string literal holding `text` exactly: quotes, backslashes and anything
/// outside printable ASCII are written as escapes, so the file is plain ASCII
/// and nothing in a title can end the string or the rule.
fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            _ => out.push_str(&format!("\\{:06X}", u32::from(c))),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::{BODY_MARK, Piece, css_string, pieces, running_title};

    #[test]
    fn running_titles_are_cut_at_a_word_to_fit_the_margin() {
        assert_eq!(running_title("Unbundled"), "Unbundled");
        let long =
            "A briefing with a title long enough to test the running head in the page margin";
        let cut = running_title(long);
        assert!(
            cut.chars().count() <= 70 && !cut.ends_with("margin…") && cut.ends_with('…'),
            "{cut}"
        );
        assert!(long.starts_with(cut.trim_end_matches('…')));
        assert_eq!(running_title(&"x".repeat(100)).chars().count(), 70);
    }

    #[test]
    fn css_strings_escape_quotes_backslashes_and_non_ascii() {
        assert_eq!(css_string("Unbundled"), "\"Unbundled\"");
        assert_eq!(css_string(r#"a "b" \ c"#), r#""a \"b\" \\ c""#);
        assert_eq!(css_string("Ünd\n}"), "\"\\0000DCnd\\00000A}\"");
    }

    #[test]
    fn the_skeleton_is_cut_at_each_mark_and_other_text_is_left_alone() {
        let skeleton =
            format!("a {BODY_MARK}1--> b {BODY_MARK}0--> c {BODY_MARK}9--> d {BODY_MARK}x");
        let cut = pieces(&skeleton, 2);
        assert_eq!(
            cut,
            [
                Piece::Text("a "),
                Piece::Body(1),
                Piece::Text(" b "),
                Piece::Body(0),
                Piece::Text(&format!(" c {BODY_MARK}")),
                Piece::Text(&format!("9--> d {BODY_MARK}")),
                Piece::Text("x"),
            ]
        );
    }
}
