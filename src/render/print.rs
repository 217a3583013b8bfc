//! The print edition: `print.html`, the whole briefing as one document, and
//! `print-running.css`, the running heads every printed page carries.
//!
//! `print.html` is a cover, a contents list, the sections in order, then one
//! appendix per kind of entity (parties, the clause table, quotes) in label
//! order, so that every `[P2]` in the text can be looked up on paper. References
//! point at anchors inside the document. The look is `static/print.css`; this
//! module only decides what the document holds.

use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use super::views::{EntityView, LinkMode};
use super::{OutFile, RenderError, Renderer, Sink, SiteError};
use crate::annotate::Rendered;
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
pub fn page(r: &Renderer, sink: &dyn Sink) -> Result<(), SiteError> {
    let lede = match r.briefing.front {
        Some(doc) => r.markdown(doc, "", LinkMode::Print, "front-")?.html.clone(),
        None => String::new(),
    };
    // Bodies render in parallel: print.html holds every page's text, and as
    // one job it would be the long pole of a build.
    let bodies = std::sync::Mutex::new(Vec::new());
    let entries = |keys: Vec<EntityKey>| {
        let rendered = keys
            .into_par_iter()
            .map(|k| entry(r, k))
            .collect::<Result<Vec<_>, _>>()?;
        let mut bodies = bodies
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok::<_, RenderError>(
            rendered
                .into_iter()
                .map(|(mut entry, body)| {
                    if !body.html.is_empty() {
                        entry.html = format!("{BODY_MARK}{}-->", bodies.len());
                        bodies.push(body);
                    }
                    entry
                })
                .collect::<Vec<_>>(),
        )
    };
    let sections = (0..r.briefing.len(Kind::Section)).map(|index| EntityKey {
        kind: Kind::Section,
        index,
    });
    let mut page = crate::timed("print bodies", || -> Result<PrintPage, RenderError> {
        Ok(PrintPage {
            lede,
            sections: entries(sections.collect())?,
            parties: entries(r.graph.numbered(Kind::Party).to_vec())?,
            clauses: entries(r.graph.numbered(Kind::Clause).to_vec())?,
            quotes: entries(r.graph.numbered(Kind::Quote).to_vec())?,
            appendices: Vec::new(),
        })
    })?;
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
            page,
        )
    })?;
    let bodies = bodies
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let bodies: Vec<&str> = bodies.iter().map(|b| b.html.as_str()).collect();
    // The document is handed on in pieces, skeleton and bodies in turn, and
    // never copied into one string: at 10,000 sections it is 80 MB.
    let skeleton = String::from_utf8_lossy(skeleton.bytes());
    Ok(sink.put_parts("print.html", &pieces(&skeleton, &bodies))?)
}

/// Stands in a print entry's `html` for its body while the template renders:
/// the bodies are most of print.html, and passing them through the template
/// context would copy every one of them twice.
const BODY_MARK: &str = "<!--brief-body-";

/// The rendered skeleton cut at each body mark, with the body in its place:
/// the pieces that, joined, are the document.
fn pieces<'a>(skeleton: &'a str, bodies: &[&'a str]) -> Vec<&'a str> {
    let mut pieces = Vec::with_capacity(bodies.len() * 2 + 1);
    let mut rest = skeleton;
    while let Some(at) = rest.find(BODY_MARK) {
        let after = &rest[at + BODY_MARK.len()..];
        let body = after
            .find("-->")
            .and_then(|end| Some((after[..end].parse::<usize>().ok()?, end)))
            .and_then(|(n, end)| Some((*bodies.get(n)?, end)));
        match body {
            Some((body, end)) => {
                pieces.push(&rest[..at]);
                pieces.push(body);
                rest = &after[end + 3..];
            }
            None => {
                // Not a mark after all: keep it as text.
                pieces.push(&rest[..at + BODY_MARK.len()]);
                rest = after;
            }
        }
    }
    pieces.push(rest);
    pieces
}

/// A print entry and its rendered body.
fn entry<'a>(
    r: &'a Renderer,
    key: EntityKey,
) -> Result<(PrintEntry<'a>, Arc<Rendered>), RenderError> {
    let prefix = format!("{}-{}-", key.kind.as_str(), r.briefing.id(key));
    let html = r.markdown(r.briefing.doc(key), "", LinkMode::Print, &prefix)?;
    let entry = PrintEntry {
        entity: r.view_in(key, LinkMode::Print),
        html: String::new(),
        sections: mentioning_sections(r, key),
    };
    Ok((entry, html))
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
    use super::{BODY_MARK, css_string, pieces, running_title};

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
    fn pieces_put_each_body_in_place_and_leave_other_text_alone() {
        let bodies = ["<p>one</p>", "<p>two</p>"];
        let skeleton =
            format!("a {BODY_MARK}1--> b {BODY_MARK}0--> c {BODY_MARK}9--> d {BODY_MARK}x");
        assert_eq!(
            pieces(&skeleton, &bodies).concat(),
            format!("a <p>two</p> b <p>one</p> c {BODY_MARK}9--> d {BODY_MARK}x")
        );
    }
}
