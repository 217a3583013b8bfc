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

use super::views::{EntityView, LinkMode};
use super::{OutFile, Part, Renderer, Sink, SiteError};
use crate::graph::PageId;
use crate::model::{EntityKey, Kind};

#[derive(Serialize, Hash)]
pub(super) struct PrintPage<'a> {
    pub(super) lede: String,
    pub(super) sections: Vec<PrintEntry<'a>>,
    pub(super) parties: Vec<PrintEntry<'a>>,
    pub(super) clauses: Vec<PrintEntry<'a>>,
    pub(super) quotes: Vec<PrintEntry<'a>>,
    pub(super) appendices: Vec<Appendix>,
}

#[derive(Serialize, Hash)]
pub(super) struct PrintEntry<'a> {
    pub(super) entity: &'a EntityView,
    pub(super) html: String,
    /// The sections that mention the entity, as `§N`, in reading order.
    pub(super) sections: Vec<String>,
}

/// One appendix: its anchor, its letter (A, B, … over the appendices that
/// have entries) and its title.
#[derive(Serialize, Hash)]
pub(super) struct Appendix {
    pub(super) id: &'static str,
    pub(super) letter: char,
    pub(super) title: &'static str,
}

/// `print.html`: every section in order, then appendices of parties, clauses and
/// quotes in label order, with references pointing inside the document.
///
/// The template renders a skeleton with a mark where each body goes; the
/// bodies are then rendered a batch at a time, in parallel, and handed to the
/// sink with the skeleton's text between them, so the document is never held
/// whole: at 10,000 sections its bodies alone are 80 MB. Which entries have a
/// body is decided from the source, before any is rendered
/// ([`shows_something`]).
///
/// Each entity's own page shows the same body as print does, so the page of
/// every entity `printed` marks is rendered here too, beside its print body,
/// and handed to `sink` at once.
pub fn page(r: &Renderer, sink: &dyn Sink, printed: &Printed) -> Result<(), SiteError> {
    let (lede, authored) = match r.briefing.front {
        Some(doc) => {
            let rendered = r.markdown(doc, "", LinkMode::Print, "front-")?;
            (rendered.html.clone(), rendered.authored_links)
        }
        None => (String::new(), false),
    };
    let mut bodies: Vec<EntityKey> = Vec::new();
    let mut entries = |keys: Vec<EntityKey>| -> Vec<PrintEntry> {
        let made: Vec<(PrintEntry, bool)> = keys
            .par_iter()
            .map(|&key| {
                let entry = PrintEntry {
                    entity: r.print_view(key),
                    html: String::new(),
                    sections: mentioning_sections(r, key),
                };
                (entry, printed.shows(r, key))
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
    // When rendering incrementally, the reuse tables keep this skeleton under
    // print.html; the bodies come from their own table.
    let skeleton = crate::timed("print skeleton", || {
        r.page(
            "print.html",
            "print.html",
            &r.briefing.config.title,
            &[],
            authored,
            page,
        )
    })?;
    // Each piece of the skeleton's text is a string of its own, freed once
    // it is handed on, rather than the whole skeleton (megabytes at 10,000
    // sections) held until the last body.
    let mut plan = {
        // Rendered text is UTF-8: the check's fast path takes it at once,
        // where the lossy decoder would go through it in chunks.
        let text = match std::str::from_utf8(skeleton.bytes()) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(skeleton.bytes()),
        };
        let plan: Vec<Piece<String>> = (pieces(&text, bodies.len()).into_iter())
            .map(|piece| match piece {
                Piece::Text(text) => Piece::Text(text.to_string()),
                Piece::Body(n) => Piece::Body(n),
            })
            .collect();
        plan.into_iter()
    };
    let origin = skeleton.origin();
    drop(skeleton);
    crate::timed("print bodies", || {
        sink.put_batches("print.html", &mut || {
            let mut batch = Vec::new();
            let mut count = 0;
            for piece in plan.by_ref() {
                count += usize::from(matches!(piece, Piece::Body(_)));
                batch.push(piece);
                if count == BATCH {
                    break;
                }
            }
            if batch.is_empty() {
                return Ok(None);
            }
            let parts = batch
                .into_par_iter()
                .map(|piece| match piece {
                    Piece::Text(text) => Ok(Part::Owned(text, origin)),
                    Piece::Body(n) => body(r, sink, printed, bodies[n]),
                })
                .collect::<Result<Vec<Part>, SiteError>>()?;
            Ok(Some(parts))
        })
    })
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
enum Piece<T> {
    Text(T),
    Body(usize),
}

/// The body of `key` as print shows it. The entity's own page shows the
/// same body: when print renders the pages ([`Printed::renders_page`]), it
/// is rendered with it and handed to `sink`.
fn body(
    r: &Renderer,
    sink: &dyn Sink,
    printed: &Printed,
    key: EntityKey,
) -> Result<Part, SiteError> {
    let doc = r.briefing.doc(key);
    let prefix = prefix(r, key);
    let print = r.markdown(doc, "", LinkMode::Print, &prefix)?;
    if printed.renders_page(r, key) {
        let own = || r.markdown(doc, "../", LinkMode::Site, "");
        super::pages::entity_page(r, key, own)?.put_into(sink)?;
    }
    let origin = r.origin("print.html", print.authored_links);
    Ok(Part::Body(print, origin))
}

/// What print puts before every id of `key`'s body: the body shares the
/// document with every other.
fn prefix(r: &Renderer, key: EntityKey) -> String {
    format!("{}-{}-", key.kind.as_str(), r.briefing.id(key))
}

/// Which entities' bodies `print.html` shows, by their position among the
/// briefing's keys: every section's, and those of the entities print lists
/// in its appendices (the ones mentioned), when they render to anything.
pub struct Printed {
    shows: Vec<bool>,
}

impl Printed {
    pub fn of(r: &Renderer) -> Printed {
        let mut listed = vec![false; r.briefing.keys().count()];
        let sections = (0..r.briefing.len(Kind::Section)).map(|index| EntityKey {
            kind: Kind::Section,
            index,
        });
        let numbered = [Kind::Party, Kind::Clause, Kind::Quote]
            .into_iter()
            .flat_map(|kind| r.graph.numbered(kind).iter().copied());
        for key in sections.chain(numbered) {
            listed[r.briefing.position(key)] = true;
        }
        let keys: Vec<EntityKey> = r.briefing.keys().collect();
        Printed {
            shows: (keys.par_iter().zip(listed))
                .map(|(&key, listed)| {
                    listed && shows_something(r.body(r.briefing.doc(key)), key.kind)
                })
                .collect(),
        }
    }

    /// Whether `print.html` shows `key`'s body.
    pub fn shows(&self, r: &Renderer, key: EntityKey) -> bool {
        self.shows[r.briefing.position(key)]
    }

    /// Whether `print.html` renders `key`'s page, with its body: in a full
    /// build. An incremental one keeps each place's rendering apart anyway,
    /// and its pages need not wait for print's batches.
    pub fn renders_page(&self, r: &Renderer, key: EntityKey) -> bool {
        r.reuse.is_none() && self.shows(r, key)
    }
}

/// Stands in a print entry's `html` for its body while the template renders:
/// the bodies are most of print.html, and passing them through the template
/// context would copy every one of them twice.
const BODY_MARK: &str = "<!--brief-body-";

/// The rendered skeleton cut at each body mark: its text, with the number of
/// the body at each of the `count` marks in between.
fn pieces(skeleton: &str, count: usize) -> Vec<Piece<&str>> {
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
        bytes: css.into_bytes(),
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
