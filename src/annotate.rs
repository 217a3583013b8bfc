//! The Markdown layer of `brief`: pulldown-cmark's event stream, rewritten.
//!
//! Two passes share one parser configuration. [`scan`] walks a body's events
//! and records every reference (`[text](party:id)`, `![](quote:id)`) with its
//! byte span, the block it stands in and a snippet of that block's text — the raw
//! material of mentions. [`render`] walks the events again and rewrites them:
//! references become links or cards, footnotes become sidenotes plus print
//! endnotes, headings get ids and fenced code is highlighted. Each rewrite is its
//! own small step over the event list; `render` composes them in one place.
//!
//! Neither pass looks at other documents: what a reference points at comes from
//! the caller through [`Targets`].

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

use crate::highlight::Highlighter;
use crate::model::Kind;

mod snippet;

use snippet::BlockText;
pub use snippet::Snippet;

/// The parser options every body is read with.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
}

/// `party:openai` → `(Party, "openai")`, for the four reserved kinds only.
pub fn parse_reference(dest: &str) -> Option<(Kind, &str)> {
    let (prefix, id) = dest.split_once(':')?;
    Some((Kind::from_prefix(prefix)?, id))
}

/// Where in a document a reference stands, as far as embedding cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Flow,
    Heading,
    TableCell,
}

/// One reference found by [`scan`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRef {
    pub kind: Kind,
    pub id: String,
    /// Byte range of the whole link or image, relative to the scanned text.
    pub span: Range<usize>,
    pub embed: bool,
    pub place: Place,
    /// Sequence number of the innermost block holding the reference.
    pub block: usize,
    /// The element id the rendered reference carries (`m-party-openai-2`).
    pub anchor: String,
    /// Which reference to its `kind:id` in the body this is, from 1: the
    /// number that ends its anchor.
    pub nth: usize,
    /// Kept with the mention and reused from build to build; cheap to clone.
    pub snippet: Snippet,
}

/// A body's events, footnote definitions taken out and put in the order their
/// first reference gives them. Both passes walk the notes first, then the main
/// text, so they meet references in the same order and agree on every anchor.
/// `E` is an event, with its byte range where the pass needs it.
struct Parsed<E> {
    main: Vec<E>,
    /// (label, number, events) in number order; notes never referenced are dropped.
    notes: Vec<(String, usize, Vec<E>)>,
}

/// An event with the byte range of the source it came from.
type Located<'a> = (Event<'a>, Range<usize>);

/// The event of an item of a parsed body.
trait AsEvent<'a> {
    fn event(&self) -> &Event<'a>;
}

impl<'a> AsEvent<'a> for Event<'a> {
    fn event(&self) -> &Event<'a> {
        self
    }
}

impl<'a> AsEvent<'a> for Located<'a> {
    fn event(&self) -> &Event<'a> {
        &self.0
    }
}

/// Splits `events` into the main text and its notes.
fn parse<'a, E: AsEvent<'a>>(events: Vec<E>) -> Parsed<E> {
    let (main, mut definitions) = take_footnotes(events);
    let notes = note_order(main.iter().map(AsEvent::event))
        .into_iter()
        .filter_map(|(label, number)| {
            definitions
                .remove(&label)
                .map(|events| (label, number, events))
        })
        .collect();
    Parsed { main, notes }
}

/// A block being read: its text so far and the references that stand in it,
/// as (index into refs, start byte in text, end byte in text).
struct OpenBlock {
    number: usize,
    text: BlockText,
    refs: Vec<(usize, usize, usize)>,
}

/// Finds every reference in `body`. `name` gives the text shown for a
/// reference with empty link text (None when the target does not exist).
pub fn scan(body: &str, name: &dyn Fn(Kind, &str) -> Option<String>) -> Vec<RawRef> {
    scan_body(body, None, name)
}

/// [`scan`] of the body that starts at `body_start` of `source`, whose
/// snippets point into `source` wherever they are plain slices of it.
pub fn scan_source(
    source: &Arc<String>,
    body_start: usize,
    name: &dyn Fn(Kind, &str) -> Option<String>,
) -> Vec<RawRef> {
    match source.get(body_start..) {
        Some(body) => scan_body(body, Some((source, body_start)), name),
        None => scan_body("", None, name),
    }
}

/// Where in `body` the text `piece` lies, when it is a slice of `body`
/// (as the parser's borrowed text is) rather than text made up.
fn offset_in(body: &str, piece: &str) -> Option<usize> {
    let at = (piece.as_ptr() as usize).checked_sub(body.as_ptr() as usize)?;
    (at.checked_add(piece.len())? <= body.len()).then_some(at)
}

fn scan_body(
    body: &str,
    source: Option<(&Arc<String>, usize)>,
    name: &dyn Fn(Kind, &str) -> Option<String>,
) -> Vec<RawRef> {
    // A piece of block text as a slice of the source, by its offset there.
    let at = |piece: &str| Some(offset_in(body, piece)? + source?.1);
    let mut refs: Vec<RawRef> = Vec::new();
    let mut blocks: Vec<OpenBlock> = Vec::new();
    let mut next_block = 0;
    let mut place = Place::Flow;
    // (index into refs, text length when the link opened) for open reference links.
    let mut open_links: Vec<Option<(usize, usize)>> = Vec::new();
    let mut image_depth = 0usize;
    let parsed = parse(
        Parser::new_ext(body, options())
            .into_offset_iter()
            .collect(),
    );
    // A note is read where it is called, so its references take the position of
    // the note's first call when references are put in reading order.
    let called_at: HashMap<String, usize> = parsed
        .main
        .iter()
        .rev()
        .filter_map(|(e, r)| match e {
            Event::FootnoteReference(label) => Some((label.to_string(), r.start)),
            _ => None,
        })
        .collect();
    // The events move through the walk; nothing is copied.
    let events = parsed
        .notes
        .into_iter()
        .flat_map(|(label, _, events)| {
            let at = called_at.get(&label).copied();
            events.into_iter().map(move |e| (e, at))
        })
        .chain(parsed.main.into_iter().map(|e| (e, None)));
    let mut reading_order: Vec<usize> = Vec::new();

    for ((event, range), note_at) in events {
        // Inside an image's alt text there is nothing to link: `render` copies
        // such text verbatim, so references there are not references.
        if image_depth > 0 {
            match event {
                Event::Start(Tag::Image { .. }) => image_depth += 1,
                Event::End(TagEnd::Image) => image_depth -= 1,
                _ => {}
            }
            continue;
        }
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = &event
            && parse_reference(dest_url).is_some()
        {
            reading_order.push(note_at.unwrap_or(range.start));
        }
        match event {
            Event::Start(tag) => {
                if is_block(&tag) {
                    blocks.push(OpenBlock {
                        number: next_block,
                        text: BlockText::default(),
                        refs: Vec::new(),
                    });
                    next_block += 1;
                }
                match tag {
                    Tag::Heading { .. } => place = Place::Heading,
                    Tag::TableCell => place = Place::TableCell,
                    Tag::Image { dest_url, .. } => {
                        image_depth += 1;
                        if let Some((kind, id)) = parse_reference(&dest_url) {
                            let block = blocks.last().map_or(0, |b| b.number);
                            let text = name(kind, id).unwrap_or_else(|| id.to_string());
                            if let Some(open) = blocks.last_mut() {
                                let start = open.text.len();
                                open.text.push(&text, None);
                                open.refs.push((refs.len(), start, open.text.len()));
                            }
                            refs.push(RawRef {
                                kind,
                                id: id.to_string(),
                                span: range,
                                embed: true,
                                place,
                                block,
                                anchor: String::new(),
                                nth: 0,
                                snippet: Snippet::default(),
                            });
                        }
                    }
                    Tag::Link { dest_url, .. } => {
                        let reference = parse_reference(&dest_url).map(|(kind, id)| {
                            let block = blocks.last().map_or(0, |b| b.number);
                            refs.push(RawRef {
                                kind,
                                id: id.to_string(),
                                span: range,
                                embed: false,
                                place,
                                block,
                                anchor: String::new(),
                                nth: 0,
                                snippet: Snippet::default(),
                            });
                            (refs.len() - 1, blocks.last().map_or(0, |b| b.text.len()))
                        });
                        open_links.push(reference);
                    }
                    _ => {}
                }
            }
            Event::End(end) => {
                match end {
                    TagEnd::Heading(_) | TagEnd::TableCell => place = Place::Flow,
                    TagEnd::Image => image_depth = image_depth.saturating_sub(1),
                    TagEnd::Link => {
                        if let Some(Some((index, start))) = open_links.pop()
                            && let Some(open) = blocks.last_mut()
                        {
                            if open.text.len() == start {
                                let r = &refs[index];
                                let shown = name(r.kind, &r.id).unwrap_or_else(|| r.id.clone());
                                open.text.push(&shown, None);
                            }
                            open.refs.push((index, start, open.text.len()));
                        }
                    }
                    _ => {}
                }
                if is_block_end(&end)
                    && let Some(done) = blocks.pop()
                {
                    for (index, start, end) in done.refs {
                        let source = source.map(|(source, _)| source);
                        refs[index].snippet = done.text.snippet(start, end, source);
                    }
                }
            }
            Event::Text(text)
            | Event::Code(text)
            | Event::InlineMath(text)
            | Event::DisplayMath(text) => {
                if image_depth == 0
                    && let Some(open) = blocks.last_mut()
                {
                    open.text.push(&text, at(&text));
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(open) = blocks.last_mut() {
                    open.text.push(" ", None);
                }
            }
            _ => {}
        }
    }
    let mut counts: HashMap<(Kind, &str), usize> = HashMap::new();
    let numbers: Vec<usize> = refs
        .iter()
        .map(|r| {
            let n = counts.entry((r.kind, r.id.as_str())).or_insert(0);
            *n += 1;
            *n
        })
        .collect();
    for (r, n) in refs.iter_mut().zip(numbers) {
        r.anchor = anchor_id("", r.kind, &r.id, n);
        r.nth = n;
    }
    // Anchors follow the notes-first walk that `render` also takes; the list
    // itself is returned in reading order, which numbering and backlinks use.
    let mut ordered: Vec<(usize, RawRef)> = reading_order.into_iter().zip(refs).collect();
    ordered.sort_by_key(|(at, _)| *at);
    ordered.into_iter().map(|(_, r)| r).collect()
}

/// The element id of the `n`th reference to `kind:id` in a body.
pub fn anchor_id(prefix: &str, kind: Kind, id: &str, n: usize) -> String {
    format!("{prefix}m-{}-{id}-{n}", kind.as_str())
}

fn is_block(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::Item
            | Tag::TableCell
            | Tag::DefinitionListDefinition
    )
}

fn is_block_end(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::Item
            | TagEnd::TableCell
            | TagEnd::DefinitionListDefinition
    )
}

/// What a reference resolves to, for rendering.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    /// Link target, already relative to the page being rendered.
    pub href: String,
    /// Text for a reference written with empty link text.
    pub name: String,
    /// Print label such as `P2`, for numbered kinds.
    pub label: Option<String>,
}

/// The caller's view of the rest of the briefing.
pub trait Targets {
    /// Where a reference points, or None if nothing has that id.
    fn target(&self, kind: Kind, id: &str) -> Option<Target>;
    /// The HTML of an embedded card, with `anchor` as its element id.
    fn card(&self, kind: Kind, id: &str, anchor: &str) -> Option<String>;
}

/// How one body is rendered.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions<'a> {
    /// Prepended to every id the body creates (anchors, headings, notes), so
    /// several bodies can share one page, as in `print.html`.
    pub id_prefix: &'a str,
    /// The folder of the page this body belongs to (`sections/`), when it is
    /// shown on a page at the output root instead, as in `print.html`: the
    /// author's relative links are rebased from that folder, and links to
    /// `#fragment`s on the same page gain `id_prefix`, so they still resolve.
    pub moved_from: Option<&'a str>,
}

/// A heading of a rendered body, for contents lists.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A rendered body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    /// Every entity referenced, in order of first reference, as `(kind, id)`.
    pub referenced: Vec<(Kind, String)>,
}

/// Renders `body` to HTML, rewriting references, footnotes, headings and code.
pub fn render(
    body: &str,
    targets: &dyn Targets,
    highlighter: &Highlighter,
    options: RenderOptions,
) -> Rendered {
    let mut state = RenderState {
        targets,
        highlighter,
        options,
        anchors: HashMap::new(),
        referenced: Vec::new(),
    };
    // Without notes the body streams from the parser; with them, the notes
    // must be read (and their references numbered) before the main text.
    let parser = || Parser::new_ext(body, self::options());
    let mut skipped = HashMap::new();
    let (main, parsed_notes): (Box<dyn Iterator<Item = Event>>, _) = if !body.contains("[^") {
        (Box::new(parser()), Vec::new())
    } else if body.len() > PARSE_TWICE_ABOVE {
        let mut definitions = HashMap::new();
        let order = note_order(without_notes(parser(), &mut definitions));
        let notes = order
            .into_iter()
            .filter_map(|(label, n)| definitions.remove(&label).map(|e| (label, n, e)))
            .collect();
        (Box::new(without_notes(parser(), &mut skipped)), notes)
    } else {
        let parsed = parse(parser().collect::<Vec<Event>>());
        (Box::new(parsed.main.into_iter()), parsed.notes)
    };
    let mut notes = Notes::new();
    for (label, number, events) in parsed_notes {
        let events = state.rewrite(events, &mut Vec::new(), &Notes::new(), &mut HashMap::new());
        let events = events.into_iter().map(|e| rebase(e, &options)).collect();
        notes.insert(label, (number, inline_note(events)));
    }
    let mut headings = Vec::new();
    let mut heading_ids = HashMap::new();
    let mut html = String::with_capacity(body.len() * 3 / 2);
    let events = blocks(main)
        .flat_map(|block| state.rewrite(block, &mut headings, &notes, &mut heading_ids));
    pulldown_cmark::html::push_html(&mut html, events.map(|e| rebase(e, &options)));
    if !notes.is_empty() {
        let mut ordered: Vec<&(usize, String)> = notes.values().collect();
        ordered.sort();
        html.push_str("<aside class=\"endnotes\" aria-label=\"Notes\"><ol>\n");
        for (number, note) in ordered {
            // The sidenote already carries the note's anchors; the print copy
            // must not repeat them, so its ids become inert data attributes.
            let note = note.replace(" id=\"", " data-note-id=\"");
            html.push_str(&format!(
                "<li id=\"{}note-{number}\" value=\"{number}\">{note}</li>\n",
                options.id_prefix
            ));
        }
        html.push_str("</ol></aside>\n");
    }
    Rendered {
        html,
        headings,
        referenced: state.referenced,
    }
}

/// Footnotes by label: their number and rendered inline HTML.
type Notes = BTreeMap<String, (usize, String)>;

/// Footnote definitions out of the stream, by label (the first wins).
fn take_footnotes<'a, E: AsEvent<'a>>(events: Vec<E>) -> (Vec<E>, HashMap<String, Vec<E>>) {
    let mut notes = HashMap::new();
    let mut main = Vec::with_capacity(events.len());
    main.extend(without_notes(events.into_iter(), &mut notes));
    (main, notes)
}

/// The events of the main text, as they pass: each footnote definition's
/// events go into `notes` by label instead (the first of a label wins).
fn without_notes<'a, 'n, E: AsEvent<'a> + 'n>(
    mut events: impl Iterator<Item = E> + 'n,
    notes: &'n mut HashMap<String, Vec<E>>,
) -> impl Iterator<Item = E> + 'n {
    let mut current: Option<(String, Vec<E>)> = None;
    let mut depth = 0usize;
    std::iter::from_fn(move || {
        for item in events.by_ref() {
            match item.event() {
                Event::Start(Tag::FootnoteDefinition(label)) if current.is_none() => {
                    current = Some((label.to_string(), Vec::new()));
                    depth = 0;
                }
                Event::End(TagEnd::FootnoteDefinition) if current.is_some() && depth == 0 => {
                    if let Some((label, body)) = current.take() {
                        notes.entry(label).or_insert(body);
                    }
                }
                event => match &mut current {
                    Some((_, body)) => {
                        match event {
                            Event::Start(Tag::FootnoteDefinition(_)) => depth += 1,
                            Event::End(TagEnd::FootnoteDefinition) => depth -= 1,
                            _ => {}
                        }
                        body.push(item);
                    }
                    None => return Some(item),
                },
            }
        }
        None
    })
}

/// Footnote labels in order of first reference, numbered from 1.
fn note_order<'e, E: Borrow<Event<'e>>>(events: impl Iterator<Item = E>) -> Vec<(String, usize)> {
    let mut order: Vec<(String, usize)> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for event in events {
        if let Event::FootnoteReference(label) = event.borrow()
            && !seen.contains(label.as_ref())
        {
            seen.insert(label.to_string());
            order.push((label.to_string(), order.len() + 1));
        }
    }
    order
}

/// A body longer than this that has notes is parsed twice, once for its
/// notes and once for its text, rather than held as one list of events: for
/// a whole book in one file, fresh memory for the list costs more than a
/// second parse. Section-sized bodies are read once.
const PARSE_TWICE_ABOVE: usize = 256 * 1024;

/// Splits an event stream into its top-level blocks (a start tag at depth 0
/// through its end, or a lone event), so the rewrite can look ahead within a
/// block while the document streams.
fn blocks<'e>(mut events: impl Iterator<Item = Event<'e>>) -> impl Iterator<Item = Vec<Event<'e>>> {
    std::iter::from_fn(move || {
        let mut block = Vec::new();
        let mut depth = 0usize;
        for event in events.by_ref() {
            match &event {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth = depth.saturating_sub(1),
                _ => {}
            }
            block.push(event);
            if depth == 0 {
                return Some(block);
            }
        }
        (!block.is_empty()).then_some(block)
    })
}

/// A footnote's events as inline HTML: paragraphs joined with line breaks, so
/// the note can sit inside the paragraph that calls it.
fn inline_note(events: Vec<Event>) -> String {
    let mut out = String::new();
    let mut paragraphs = 0;
    let events = events.into_iter().filter_map(|e| match e {
        Event::Start(Tag::Paragraph) => {
            paragraphs += 1;
            (paragraphs > 1).then_some(Event::Html("<br>".into()))
        }
        Event::End(TagEnd::Paragraph) => None,
        other => Some(other),
    });
    pulldown_cmark::html::push_html(&mut out, events);
    out.trim().to_string()
}

/// The sidenote markup for note `number`: a numbered toggle that opens the note
/// on narrow screens (a checkbox, so it works without JavaScript) and the note
/// itself, which wide screens float into the margin.
fn sidenote(prefix: &str, number: usize, note: &str) -> String {
    format!(
        "<span class=\"sidenote-wrap\"><label for=\"{prefix}sn-{number}\" class=\"sidenote-ref\" \
         id=\"{prefix}note-ref-{number}\">{number}</label>\
         <input type=\"checkbox\" id=\"{prefix}sn-{number}\" class=\"sidenote-toggle\" aria-label=\"Show note {number}\">\
         <span class=\"sidenote\" role=\"note\"><span class=\"sidenote-number\">{number}</span> {note}</span></span>"
    )
}

struct RenderState<'a> {
    targets: &'a dyn Targets,
    highlighter: &'a Highlighter,
    options: RenderOptions<'a>,
    /// How many references to each `(kind, id)` this body has rendered so far,
    /// for stable anchors `m-party-openai-1`, `-2`, ….
    anchors: HashMap<(Kind, String), usize>,
    referenced: Vec<(Kind, String)>,
}

impl RenderState<'_> {
    fn anchor(&mut self, kind: Kind, id: &str) -> String {
        let count = self.anchors.entry((kind, id.to_string())).or_insert(0);
        *count += 1;
        if *count == 1 {
            self.referenced.push((kind, id.to_string()));
        }
        anchor_id(self.options.id_prefix, kind, id, *count)
    }

    /// One pass over the events: references, embeds, headings, code, notes.
    fn rewrite<'e>(
        &mut self,
        mut events: Vec<Event<'e>>,
        headings: &mut Vec<Heading>,
        notes: &Notes,
        heading_ids: &mut HashMap<String, usize>,
    ) -> Vec<Event<'e>> {
        let mut out: Vec<Event<'e>> = Vec::with_capacity(events.len());
        let mut i = 0;
        while i < events.len() {
            match &events[i] {
                Event::Start(Tag::Paragraph) => {
                    if let Some((embed_at, close_at)) = sole_embed(&events[i + 1..]) {
                        self.embed(&events, i + 1 + embed_at, &mut out, false);
                        i += close_at + 2;
                    } else {
                        out.push(take(&mut events[i]));
                        i += 1;
                    }
                }
                Event::Start(Tag::Image { dest_url, .. })
                    if parse_reference(dest_url).is_some() =>
                {
                    i = self.embed(&events, i, &mut out, true);
                }
                Event::Start(Tag::Image { .. }) => {
                    let end = find_end(&events, i);
                    out.extend(events[i..=end].iter().cloned());
                    i = end + 1;
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    ..
                }) if parse_reference(dest_url).is_some() => {
                    i = self.link(&events, i, *link_type, &mut out);
                }
                Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }) => {
                    let end = find_end(&events, i);
                    let text = plain_text(&events[i + 1..end]);
                    let id = match id {
                        Some(id) => id.to_string(),
                        None => unique_slug(&text, heading_ids),
                    };
                    let full = format!("{}{}", self.options.id_prefix, id);
                    headings.push(Heading {
                        level: *level as u8,
                        id: full.clone(),
                        text,
                    });
                    out.push(Event::Start(Tag::Heading {
                        level: *level,
                        id: Some(CowStr::from(full)),
                        classes: classes.clone(),
                        attrs: attrs.clone(),
                    }));
                    i += 1;
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    let end = find_end(&events, i);
                    let code: String = events[i + 1..end]
                        .iter()
                        .filter_map(|e| {
                            if let Event::Text(t) = e {
                                Some(t.as_ref())
                            } else {
                                None
                            }
                        })
                        .collect();
                    let info = match kind {
                        CodeBlockKind::Fenced(info) => info.as_ref(),
                        CodeBlockKind::Indented => "",
                    };
                    out.push(Event::Html(self.highlighter.block(info, &code).into()));
                    i = end + 1;
                }
                Event::FootnoteReference(label) => {
                    match notes.get(label.as_ref()) {
                        Some((n, note)) => out.push(Event::InlineHtml(
                            sidenote(self.options.id_prefix, *n, note).into(),
                        )),
                        None => out.push(Event::Text(format!("[^{label}]").into())),
                    }
                    i += 1;
                }
                _ => {
                    out.push(take(&mut events[i]));
                    i += 1;
                }
            }
        }
        out
    }

    /// A reference link at `events[at]`; returns the index after its end.
    fn link<'e>(
        &mut self,
        events: &[Event<'e>],
        at: usize,
        link_type: LinkType,
        out: &mut Vec<Event<'e>>,
    ) -> usize {
        let Some((kind, id, end)) = reference_at(events, at) else {
            return at + 1;
        };
        let anchor = self.anchor(kind, id);
        let Some(target) = self.targets.target(kind, id) else {
            out.extend(events[at + 1..end].iter().cloned());
            return end + 1;
        };
        out.push(Event::InlineHtml(
            open_ref_tag(kind, id, &anchor, &target).into(),
        ));
        if end == at + 1 || link_type == LinkType::Autolink {
            out.push(Event::Text(target.name.into()));
        } else {
            let inner = self.rewrite(
                events[at + 1..end].to_vec(),
                &mut Vec::new(),
                &Notes::new(),
                &mut HashMap::new(),
            );
            out.extend(inner);
        }
        out.push(Event::InlineHtml("</a>".into()));
        end + 1
    }

    /// An embed at `events[at]`; returns the index after its end. Inside a
    /// paragraph the card splits it, since a card is a block.
    fn embed<'e>(
        &mut self,
        events: &[Event<'e>],
        at: usize,
        out: &mut Vec<Event<'e>>,
        in_paragraph: bool,
    ) -> usize {
        let Some((kind, id, end)) = reference_at(events, at) else {
            return at + 1;
        };
        let anchor = self.anchor(kind, id);
        let Some(card) = self.targets.card(kind, id, &anchor) else {
            let name = self
                .targets
                .target(kind, id)
                .map_or_else(|| id.to_string(), |t| t.name);
            out.push(Event::Text(name.into()));
            return end + 1;
        };
        if in_paragraph {
            out.push(Event::Html(format!("</p>\n{card}<p>").into()));
        } else {
            out.push(Event::Html(card.into()));
        }
        end + 1
    }
}

/// A pass-through link or image as seen from the output root, when the body
/// was moved there (see [`RenderOptions::moved_from`]). References are already
/// HTML by now, so every `Link` and `Image` left is the author's own.
fn rebase<'e>(event: Event<'e>, options: &RenderOptions) -> Event<'e> {
    let Some(folder) = options.moved_from else {
        return event;
    };
    let moved = |dest: CowStr<'e>| -> CowStr<'e> {
        let end = dest.find(['/', '?', '#']).unwrap_or(dest.len());
        if dest.is_empty() || dest.starts_with('/') || dest[..end].contains(':') {
            return dest;
        }
        if let Some(fragment) = dest.strip_prefix('#') {
            return format!("#{}{fragment}", options.id_prefix).into();
        }
        let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
        let mut rest = &*dest;
        loop {
            if let Some(r) = rest.strip_prefix("./") {
                rest = r;
            } else if let (Some(r), Some(_)) = (rest.strip_prefix("../"), parts.last()) {
                parts.pop();
                rest = r;
            } else {
                break;
            }
        }
        parts.push(rest);
        parts.join("/").into()
    };
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: moved(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: moved(dest_url),
            title,
            id,
        }),
        other => other,
    }
}

/// The reference a link or image opened at `events[at]` makes, and the index
/// of the event that closes it.
fn reference_at<'a>(events: &'a [Event], at: usize) -> Option<(Kind, &'a str, usize)> {
    let (Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. })) =
        &events[at]
    else {
        return None;
    };
    let (kind, id) = parse_reference(dest_url)?;
    Some((kind, id, find_end(events, at)))
}

/// Moves an event out of the list; the rewrite never looks back at it.
fn take<'e>(event: &mut Event<'e>) -> Event<'e> {
    std::mem::replace(event, Event::SoftBreak)
}

fn is_embed(dest: &str) -> bool {
    parse_reference(dest).is_some_and(|(kind, _)| kind.can_embed())
}

/// If a paragraph (whose events start at `rest[0]`) holds one embed and nothing
/// but whitespace, the embed's offset in `rest` and the offset of the paragraph's end.
fn sole_embed(rest: &[Event]) -> Option<(usize, usize)> {
    let mut embed = None;
    let mut i = 0;
    while i < rest.len() {
        match &rest[i] {
            Event::End(TagEnd::Paragraph) => return embed.map(|e| (e, i)),
            Event::Start(Tag::Image { dest_url, .. }) if is_embed(dest_url) && embed.is_none() => {
                embed = Some(i);
                i = find_end(rest, i) + 1;
            }
            Event::SoftBreak => i += 1,
            Event::Text(t) if t.trim().is_empty() => i += 1,
            _ => return None,
        }
    }
    None
}

/// Index of the event closing the tag opened at `events[at]`.
fn find_end(events: &[Event], at: usize) -> usize {
    let mut depth = 0usize;
    for (i, event) in events.iter().enumerate().skip(at) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1).max(at)
}

fn plain_text(events: &[Event]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text
}

/// A heading id from its text, unique within the body.
fn unique_slug(text: &str, seen: &mut HashMap<String, usize>) -> String {
    let mut slug = crate::model::slugify(text);
    if slug.is_empty() {
        slug = "section".to_string();
    }
    let count = seen.entry(slug.clone()).or_insert(0);
    *count += 1;
    if *count > 1 {
        format!("{slug}-{count}")
    } else {
        slug
    }
}

fn open_ref_tag(kind: Kind, id: &str, anchor: &str, target: &Target) -> String {
    let mut tag = String::from("<a class=\"ref ref-");
    tag.push_str(kind.as_str());
    tag.push_str("\" href=\"");
    let _ = escape_href(&mut tag, &target.href);
    tag.push_str("\" id=\"");
    let _ = escape_html(&mut tag, anchor);
    tag.push_str("\" data-ref=\"");
    tag.push_str(kind.as_str());
    tag.push(':');
    let _ = escape_html(&mut tag, id);
    tag.push('"');
    if let Some(label) = &target.label {
        tag.push_str(" data-label=\"");
        let _ = escape_html(&mut tag, label);
        tag.push('"');
    }
    tag.push('>');
    tag
}

#[cfg(test)]
mod tests;
