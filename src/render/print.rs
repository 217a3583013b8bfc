//! The print edition: `print.html`, the whole briefing as one document, and
//! `print-running.css`, the running heads every printed page carries.
//!
//! `print.html` is a cover, a contents list, the sections in order, then one
//! appendix per kind of entity (parties, the clause table, quotes) in label
//! order, so that every `[P2]` in the text can be looked up on paper, and
//! the Chronology: the time axis, every dated thing in order, and the
//! events' entries in date order. References
//! point at anchors inside the document. The look is `static/print.css`; this
//! module only decides what the document holds.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::ops::Range;
use std::sync::Arc;

use pulldown_cmark_escape::{escape_href, escape_html};
use rayon::prelude::*;
use serde::Serialize;

use super::timeline::{self, Detail, TimelineView};
use super::views::{self, EntityView, LinkMode, SectionItem};
use super::{RenderError, Renderer, text};
use crate::annotate::{RenderOptions, Rendered};
use crate::graph::PageId;
use crate::model::{EntityKey, Kind};
use crate::sink::{Bytes, OutFile, Sink, SiteError};

mod index;

#[derive(Serialize, Default)]
struct PrintPage<'a> {
    lede: String,
    sections: Vec<Listed<SectionItem<'a>>>,
    parties: Vec<Listed<EntityView>>,
    clauses: Vec<Listed<EntityView>>,
    quotes: Vec<Listed<EntityView>>,
    /// In date order, after the time axis of everything dated.
    events: Vec<Listed<EntityView>>,
    chronology: Option<TimelineView>,
    appendices: Vec<Appendix>,
    index: Vec<index::Letter>,
    deal_map: Option<super::dealmap::DealMap>,
}

/// An entry as the page lists it: what the page itself shows of the
/// entity, and a mark where the entry, rendered on its own, goes.
#[derive(Serialize)]
struct Listed<E> {
    entity: E,
    entry: String,
}

/// One entry as its component (`print_section`, `print_party`, …) sees it.
#[derive(Serialize)]
struct Entry<'a> {
    entity: &'a EntityView,
    html: String,
    /// The sections that mention the entity, as `§N`, in reading order;
    /// left out for a section.
    #[serde(skip_serializing_if = "Option::is_none")]
    sections: Option<Vec<String>>,
}

/// One appendix: its anchor, its letter (A, B, … over the appendices that
/// have entries) and its title.
#[derive(Serialize)]
struct Appendix {
    id: &'static str,
    letter: char,
    title: &'static str,
}

/// `print.html`: every section in order, then appendices of parties, clauses and
/// quotes in label order, with references pointing inside the document.
///
/// The template renders the page with a mark where each entry goes; the
/// entries (each with its body, by its component in the same template) are
/// then rendered a batch at a time, in parallel, and handed to the sink with
/// the page's text between them. So the document is never held whole (at
/// 10,000 sections it is 80 MB), and no template context holds every entry.
pub fn page(r: &Renderer, sink: &dyn Sink) -> Result<(), SiteError> {
    let options = RenderOptions {
        id_prefix: "front-",
        moved_from: None,
    };
    let lede = (r.briefing.front)
        .map(|doc| r.markdown(r.body(doc), "", LinkMode::Print, options))
        .transpose()?;
    // Every entry in the order the page places them: the sections, the
    // appendices in label order, the events by date.
    let numbered = |kind| r.graph.numbered(kind).iter().copied();
    let mut by_date: Vec<EntityKey> = numbered(Kind::Event).collect();
    by_date.sort_by_key(|k| (r.briefing.events[k.index].meta.date, k.index));
    let entries: Vec<EntityKey> = (r.briefing.keys().take_while(|k| k.kind == Kind::Section))
        .chain(numbered(Kind::Party))
        .chain(numbered(Kind::Clause))
        .chain(numbered(Kind::Quote))
        .chain(by_date)
        .collect();
    let lede = lede.map(|x| x.html.clone()).unwrap_or_default();
    // The page beyond its lede is made of the views alone, which a serve
    // build's cache key holds already: it keeps the page while both are as
    // they were, and only then is the page's context made.
    let skeleton = crate::timing::timed("print skeleton", || {
        r.kept("print.html", &lede, || {
            let page = skeleton_page(r, lede.clone(), &entries);
            let meta = super::meta::front(r, "print.html");
            let title = &r.briefing.config.title;
            super::pages::page(r, "print.html", "print.html", title, meta, page)
        })
    })?;
    // The page's text is cut where the entries go; each piece is copied
    // out of it only when its batch is handed on.
    let skeleton = text(skeleton.bytes);
    let plan = pieces(&skeleton, entries.len());
    placed_once(&plan, entries.len())?;
    // A batch at a time, rendered in parallel: the page's text and its
    // entries alternate, so a batch holds about BATCH entries.
    let mut next = plan.chunks(2 * BATCH).flat_map(|batch| {
        (batch.par_iter())
            .map(|piece| match piece {
                Piece::Text(range) => Ok(Arc::new(skeleton.as_bytes()[range.clone()].to_vec())),
                Piece::Entry(n) => entry(r, sink, entries[*n]),
            })
            .collect::<Vec<_>>()
    });
    crate::timing::timed("print entries", || sink.put_pieces("print.html", &mut next))
}

/// What the page itself shows: the lede, each entry's view beside the mark
/// where it goes, the appendices, the index, the deal map.
fn skeleton_page<'a>(r: &'a Renderer, lede: String, entries: &[EntityKey]) -> PrintPage<'a> {
    let mut page = PrintPage {
        lede,
        ..PrintPage::default()
    };
    for (n, &key) in entries.iter().enumerate() {
        let entry = format!("{ENTRY_MARK}{n}-->");
        let list = match key.kind {
            Kind::Section => {
                let entity = SectionItem::of(r.view(key), LinkMode::Print);
                page.sections.push(Listed { entity, entry });
                continue;
            }
            Kind::Party => &mut page.parties,
            Kind::Clause => &mut page.clauses,
            Kind::Quote => &mut page.quotes,
            Kind::Event => &mut page.events,
        };
        list.push(Listed {
            entity: r.print_view(key),
            entry,
        });
    }
    page.chronology = timeline::timeline(r, Detail::Full, LinkMode::Print);
    let dated = page.chronology.is_some();
    let candidates = [
        (!page.parties.is_empty(), "appendix-parties", "Parties"),
        (!page.clauses.is_empty(), "appendix-clauses", "What changed"),
        (!page.quotes.is_empty(), "appendix-quotes", "Quotes"),
        (dated, "appendix-chronology", "Chronology"),
    ];
    page.appendices = (candidates.into_iter())
        .filter(|(present, _, _)| *present)
        .zip('A'..)
        .map(|((_, id, title), letter)| Appendix { id, letter, title })
        .collect();
    let listed = [&page.parties, &page.clauses, &page.quotes, &page.events];
    page.index = index::index(listed.into_iter().flatten().map(|item| &item.entity));
    page.deal_map = super::dealmap::briefing(r, LinkMode::Print);
    page
}

/// The entry of `key`, with its body, as its component in `print.html`
/// renders it; kept by `brief serve` while its body and the sections that
/// mention it are as they were. The entity's page is made here too, and
/// handed to `sink`: one rendering of the body serves both.
fn entry(r: &Renderer, sink: &dyn Sink, key: EntityKey) -> Result<Bytes, SiteError> {
    let rendered = OnceCell::new();
    let page_body = || {
        let made = rendered.get_or_init(|| super::pages::body(r, key));
        made.as_ref().map(Arc::clone).map_err(RenderError::clone)
    };
    sink.put(super::pages::entity_file(r, key, page_body)?)?;
    let sections = (key.kind != Kind::Section).then(|| mentioning_sections(r, key));
    let inputs = (key, r.graph.digests(PageId::Entity(key)), &sections);
    let made = r.kept("print.html", &inputs, || {
        let entry = Entry {
            entity: &r.print_view(key),
            html: body(r, key, page_body)?,
            sections: sections.clone(),
        };
        // `print_section`, `print_party`, `print_clause`, `print_quote` or
        // `print_event`.
        let component = format!("print_{}", key.kind.as_str());
        let html = r.theme.render_component("print.html", &component, &entry)?;
        Ok::<_, SiteError>(OutFile {
            path: String::new(),
            bytes: html.into_bytes().into(),
        })
    })?;
    Ok(made.bytes)
}

/// Refuses a page that does not place every entry exactly once, as a
/// `print.html` written before entries were components would: its sections
/// would print without their text.
fn placed_once(plan: &[Piece], count: usize) -> Result<(), RenderError> {
    let mut placed = vec![0usize; count];
    for piece in plan {
        if let Piece::Entry(n) = piece {
            placed[*n] += 1;
        }
    }
    if placed.iter().all(|&n| n == 1) {
        return Ok(());
    }
    let missing = placed.iter().filter(|&&n| n == 0).count();
    let repeated = placed.iter().filter(|&&n| n > 1).count();
    Err(RenderError {
        template: "print.html".into(),
        message: format!(
            "the page places {} of {count} entries ({missing} missing, {repeated} more than once): \
             write `{{{{ x.entry | safe }}}}` once for each item of `page.sections`, \
             `page.parties`, `page.clauses`, `page.quotes` and `page.events`, and define the components \
             `print_section`, `print_party`, `print_clause`, `print_quote` and `print_event` \
             (see the built-in print.html)",
            count - missing,
        ),
    })
}

/// The body of `key` as print shows it: its ids prefixed, since it shares
/// the document with every other body, and its author's relative links
/// rebased from its page's folder. Empty when it renders to nothing (link
/// definitions, a note nobody calls).
///
/// The prefix ends in `_`, which no id has: with a `-`, a heading "Terms"
/// of section `deal` would get `section-deal-terms`, the id of section
/// `deal-terms`. The template's own ids for an entry, `section-deal` and
/// `section-deal_title`, cannot come out of a body either, since a heading
/// slug is never `title` (see `annotate`'s heading ids).
fn body(
    r: &Renderer,
    key: EntityKey,
    page_body: impl FnOnce() -> Result<Arc<Rendered>, RenderError>,
) -> Result<String, SiteError> {
    let prefix = format!("{}-{}_", key.kind.as_str(), r.briefing.id(key));
    let text = r.body(r.briefing.doc(key));
    if text.trim().is_empty() {
        return Ok(String::new());
    }
    let mut html = match reprint(r, &*page_body()?, &prefix) {
        Some(html) => html,
        None => rendered(r, key, &prefix)?,
    };
    if html.trim().is_empty() {
        html.clear();
    }
    Ok(html)
}

/// The body of `key` rendered for print, ids prefixed with `prefix`.
fn rendered(r: &Renderer, key: EntityKey, prefix: &str) -> Result<String, RenderError> {
    let folder = format!("{}/", key.kind.dir());
    let options = RenderOptions {
        id_prefix: prefix,
        moved_from: Some(&folder),
    };
    let rendered = r.markdown(r.body(r.briefing.doc(key)), "", LinkMode::Print, options)?;
    // Only the HTML is wanted: a body kept by `serve` is shared, and
    // copying its headings and references too would be waste.
    Ok(Arc::try_unwrap(rendered).map_or_else(|kept| kept.html.clone(), |own| own.html))
}

/// The print body made from the page's, where that differs from rendering
/// the Markdown again only in what `print.html` puts in place of the
/// page's: every id gets `prefix` (as do `for`, the endnotes' inert copies
/// of ids in `data-note-id`, and links to a `#fragment`),
/// and each reference points at its entity's anchor in the document, a
/// section's with its `§N`. None when the body holds markup of the author's
/// own (which print rebases from the page's folder) or an embedded card
/// (which print shows in its own variant): those are rendered again.
fn reprint(r: &Renderer, page: &Rendered, prefix: &str) -> Option<String> {
    if page.authored_links || page.embeds {
        return None;
    }
    let html = page.html.as_str();
    let mut prefix_html = String::new();
    let _ = escape_html(&mut prefix_html, prefix);
    // Where each change goes: the range replaced and its replacement.
    let mut edits: Vec<(Range<usize>, Cow<str>)> = Vec::new();
    // The prefix, inserted at `at`.
    let prefix_at = |at: usize| (at..at, Cow::from(&prefix_html));
    let mut href = 0..0;
    let mut missing = false;
    crate::verify::html::each_attribute(html, |_, _, name, value| match name {
        "id" | "for" | "data-note-id" => edits.push(prefix_at(value.start)),
        "href" if html[value.clone()].starts_with('#') => edits.push(prefix_at(value.start + 1)),
        "href" => href = value,
        // A reference's tag: `class`, `href`, `id`, `data-ref`, then any
        // `data-label`, as `annotate` writes it.
        "data-ref" => {
            let key = crate::annotate::parse_reference(&html[value.clone()])
                .and_then(|(kind, id)| r.briefing.lookup(kind, id));
            let Some(key) = key else {
                missing = true;
                return;
            };
            let anchor = views::entity_href(r.briefing, key, LinkMode::Print);
            let mut to = String::new();
            let _ = escape_href(&mut to, &anchor);
            edits.push((href.clone(), Cow::Owned(to)));
            if let (Kind::Section, Some(n)) = (key.kind, r.view(key).number) {
                let end = value.end + 1;
                edits.push((end..end, Cow::Owned(format!(" data-label=\"§{n}\""))));
            }
        }
        _ => {}
    });
    if missing {
        return None;
    }
    edits.sort_by_key(|(range, _)| range.start);
    let mut out = String::with_capacity(html.len() + edits.len() * prefix_html.len());
    let mut at = 0;
    for (range, text) in &edits {
        out.push_str(html.get(at..range.start)?);
        out.push_str(text);
        at = range.end;
    }
    out.push_str(html.get(at..)?);
    Some(out)
}

/// How many entries are rendered together, in parallel, before they are
/// handed on: enough to keep every core busy, few enough that a batch's
/// entries take little memory and it is reused at once by the next batch
/// rather than given back to the system and taken again.
const BATCH: usize = 64;

/// One piece of `print.html`: text of the rendered page, or the entry that
/// stands at a mark.
enum Piece {
    /// Where a stretch of the page's text is in it.
    Text(Range<usize>),
    Entry(usize),
}

/// Stands in the page for an entry while the template renders it.
const ENTRY_MARK: &str = "<!--brief-entry-";

/// The rendered page cut at each entry mark: its text, with the number of
/// the entry at each of the `count` marks in between.
fn pieces(skeleton: &str, count: usize) -> Vec<Piece> {
    let mut pieces = Vec::with_capacity(count * 2 + 1);
    let mut start = 0;
    for (at, _) in skeleton.match_indices(ENTRY_MARK) {
        let after = &skeleton[at + ENTRY_MARK.len()..];
        let entry = after
            .find("-->")
            .and_then(|end| Some((after[..end].parse::<usize>().ok()?, end)))
            .filter(|(n, _)| *n < count);
        // Not a mark after all, it stays text.
        let Some((n, end)) = entry else { continue };
        pieces.push(Piece::Text(start..at));
        pieces.push(Piece::Entry(n));
        start = at + ENTRY_MARK.len() + end + 3;
    }
    pieces.push(Piece::Text(start..skeleton.len()));
    pieces
}

/// `§N` for each section that mentions `key`, once each, in section order.
fn mentioning_sections(r: &Renderer, key: EntityKey) -> Vec<String> {
    let numbers: std::collections::BTreeSet<usize> = (r.graph.mentions_of(key))
        .filter_map(|m| match m.page {
            PageId::Entity(k) if k.kind == Kind::Section && k != key => Some(k.index + 1),
            _ => None,
        })
        .collect();
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
    super::meta::fit(title, 70)
}

/// A CSS string literal holding `text` exactly: quotes, backslashes and anything
/// outside printable ASCII are written as escapes, so the file is plain ASCII
/// and nothing in a title can end the string or the rule.
fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => out.extend(['\\', c]),
            ' '..='~' => out.push(c),
            _ => out.push_str(&format!("\\{:06X}", u32::from(c))),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::{ENTRY_MARK, Piece, css_string, pieces, running_title};
    use crate::Severity;
    use crate::model::Kind;
    use crate::render::{Renderer, pages};
    use crate::test_site::compile;
    use crate::theme::Theme;

    /// Everything a body without markup of the author's own can hold.
    const RICH: &str = "+++\ntitle = \"Rich\"\n+++\n\
        ## Terms & [](party:a)\n\nSee [the other](section:other), [](clause:fee) and \
        [what was said](quote:q).[^n] Again [](party:a), ~~struck~~ \"quoted\".\n\n\
        ## Terms & [](party:a)\n\n> [!NOTE]\n> A note on [](party:b).\n\n\
        - [x] done\n- [ ] to do [](section:other)\n\nTerm\n: Its definition.\n\n\
        | a | b |\n|---|---|\n| [](party:b) | 2 |\n\n\
        ```rust\nfn main() {}\n```\n\n\
        [out](https://example.com/x#y) ![pic](https://example.com/p.png)\n\n\
        [^n]: A note naming [](party:b) and [](section:other).\n";

    #[test]
    fn a_print_body_made_from_the_page_body_is_the_body_rendered_for_print() {
        let c = compile(&[
            (
                "parties/a.md",
                "+++\nname = \"A & Co\"\nkind = \"company\"\n+++\n",
            ),
            (
                "parties/b.md",
                "+++\nname = \"B\"\nkind = \"person\"\naffiliation = \"a\"\n+++\n[](party:a) hired them.[^x]\n\n[^x]: In [](section:rich).\n",
            ),
            (
                "clauses/fee.md",
                "+++\ntitle = \"Fee\"\nstatus = \"added\"\nparties = [\"a\"]\nafter = \"F\"\n+++\n",
            ),
            (
                "quotes/q.md",
                "+++\nspeaker = \"b\"\ntext = \"x\"\nkind = \"direct\"\nabout = [\"a\"]\n+++\n",
            ),
            ("sections/01-rich.md", RICH),
            (
                "sections/02-other.md",
                "+++\ntitle = \"Other\"\n+++\n[](party:b) and [local](#terms).\n",
            ),
            (
                "sections/03-embed.md",
                "+++\ntitle = \"Embed\"\n+++\n![](quote:q)\n",
            ),
        ]);
        let errors = (c.diagnostics.iter()).filter(|d| d.severity == Severity::Error);
        assert_eq!(errors.count(), 0, "{:?}", c.diagnostics);
        let (briefing, graph) = c.site.as_ref().unwrap();
        let theme = Theme::load(None, None).unwrap();
        let r = Renderer::new(&c.files, briefing, graph, &theme, None, None);
        let mut made = Vec::new();
        for key in briefing.keys() {
            let prefix = format!("{}-{}_", key.kind.as_str(), briefing.id(key));
            let page = pages::body(&r, key).unwrap();
            let reprinted = super::reprint(&r, &page, &prefix);
            if let Some(html) = &reprinted {
                assert_eq!(html, &super::rendered(&r, key, &prefix).unwrap());
            }
            made.push((briefing.id(key).to_string(), reprinted.is_some()));
        }
        // Rendered again: a body with a link of the author's own, and one
        // with an embedded card.
        let again: Vec<&str> = (made.iter().filter(|(_, made)| !made))
            .map(|(id, _)| id.as_str())
            .collect();
        assert_eq!(again, ["other", "embed"]);
        let rich = briefing.lookup(Kind::Section, "rich").unwrap();
        let page = pages::body(&r, rich).unwrap();
        let print = super::reprint(&r, &page, "section-rich_").unwrap();
        for expected in [
            "id=\"section-rich_terms-2\"",
            "href=\"#section-other\"",
            "data-label=\"§2\"",
            "for=\"section-rich_sn-1\"",
            "data-note-id=\"section-rich_m-party-b-3\"",
        ] {
            assert!(print.contains(expected), "{expected} in {print}");
        }
    }

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
            format!("a {ENTRY_MARK}1--> b {ENTRY_MARK}0--> c {ENTRY_MARK}9--> d {ENTRY_MARK}x");
        let cut = pieces(&skeleton, 2).into_iter().map(|piece| match piece {
            Piece::Text(range) => skeleton[range].to_string(),
            Piece::Entry(n) => format!("entry {n}"),
        });
        assert_eq!(
            cut.collect::<Vec<_>>(),
            [
                "a ".to_string(),
                "entry 1".into(),
                " b ".into(),
                "entry 0".into(),
                format!(" c {ENTRY_MARK}9--> d {ENTRY_MARK}x"),
            ]
        );
    }
}
