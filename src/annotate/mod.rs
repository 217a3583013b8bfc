//! The Markdown layer of `brief`: pulldown-cmark's event stream, rewritten.
//!
//! Two passes share one parser configuration. [`scan`] walks a body's events
//! and records every reference (`[text](party:id)`, `![](quote:id)`) with its
//! byte span, the block it stands in and a snippet of that block's text — the raw
//! material of mentions. [`render`] walks the events again and rewrites them:
//! references become links or cards, footnotes become sidenotes plus print
//! endnotes, headings get ids and fenced code is highlighted. Both passes
//! stream: a body's text first, then its notes in the order of their first
//! call, so they meet references in the same order and agree on every anchor.
//!
//! Neither pass looks at other documents: what a reference points at comes from
//! the caller through [`Targets`].

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::Arc;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html, escape_html_body_text};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::highlight::Highlighter;
use crate::model::Kind;
use crate::texts::Tally;

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
    LinkText,
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
    /// Which reference to its `kind:id` in the body this is, from 1: the
    /// number that ends its anchor ([`RawRef::anchor`]).
    pub nth: usize,
    /// Kept with the mention and reused from build to build; cheap to clone.
    pub snippet: Snippet,
}

impl RawRef {
    /// The element id the rendered reference carries (`m-party-openai-2`),
    /// spelled out only where it is shown.
    pub fn anchor(&self) -> String {
        anchor_id("", self.kind, &self.id, self.nth)
    }
}

/// An event with the byte range of the source it came from.
type Located<'a> = (Event<'a>, Range<usize>);

/// The footnotes a body's main text calls, in the order of their first call:
/// the order both passes number them in. Both passes walk the main text first
/// and then the notes in this order, so they meet references in the same
/// order and agree on every anchor.
#[derive(Default)]
struct Calls {
    /// (label, byte offset of its first call), in order of first call.
    first: Vec<(String, usize)>,
    seen: FxHashSet<String>,
}

impl Calls {
    fn note<'a>(&mut self, event: &Event<'a>, at: usize) {
        if let Event::FootnoteReference(label) = event
            && !self.seen.contains(label.as_ref())
        {
            self.seen.insert(label.to_string());
            self.first.push((label.to_string(), at));
        }
    }
}

/// A block being read: its text so far and the references that stand in it,
/// as (index into refs, start byte in text, end byte in text).
#[derive(Default)]
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
    let mut walk = ScanWalk {
        body,
        source,
        name,
        refs: Vec::with_capacity(16),
        blocks: Vec::new(),
        next_block: 0,
        place: Place::Flow,
        open_links: Vec::new(),
        image_depth: 0,
        reading_order: Vec::with_capacity(16),
        spare: Vec::new(),
    };
    let mut definitions = FxHashMap::default();
    let mut calls = Calls::default();
    // The main text streams from the parser; only footnote definitions are
    // held, to be walked after it.
    let events = Parser::new_ext(body, options()).into_offset_iter();
    for (event, range) in without_notes(events, &mut definitions) {
        calls.note(&event, range.start);
        walk.step(event, range, None);
    }
    // A note is read where it is called, so its references take the position
    // of the note's first call when references are put in reading order.
    for (label, called_at) in calls.first {
        for (event, range) in definitions.remove(&label).into_iter().flatten() {
            walk.step(event, range, Some(called_at));
        }
    }
    walk.finish()
}

/// The state of [`scan`]'s walk over one body's events.
struct ScanWalk<'b, 'n> {
    body: &'b str,
    source: Option<(&'b Arc<String>, usize)>,
    name: &'n dyn Fn(Kind, &str) -> Option<String>,
    refs: Vec<RawRef>,
    blocks: Vec<OpenBlock>,
    next_block: usize,
    place: Place,
    /// (index into refs, text length when the link opened) for open reference links.
    open_links: Vec<Option<(usize, usize)>>,
    image_depth: usize,
    /// Where each reference stands in reading order (its note's call, in a note).
    reading_order: Vec<usize>,
    /// Blocks that ended, emptied, for the next blocks to reuse: a body has
    /// hundreds of blocks, and each block's text grows as it is read.
    spare: Vec<OpenBlock>,
}

impl ScanWalk<'_, '_> {
    /// A piece of block text as a slice of the source, by its offset there.
    fn at(&self, piece: &str) -> Option<usize> {
        Some(offset_in(self.body, piece)? + self.source?.1)
    }

    fn step(&mut self, event: Event, range: Range<usize>, note_at: Option<usize>) {
        // Inside an image's alt text there is nothing to link: `render` copies
        // such text verbatim, so references there are not references.
        if self.image_depth > 0 {
            match event {
                Event::Start(Tag::Image { .. }) => self.image_depth += 1,
                Event::End(TagEnd::Image) => self.image_depth -= 1,
                _ => {}
            }
            return;
        }
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = &event
            && parse_reference(dest_url).is_some()
        {
            self.reading_order.push(note_at.unwrap_or(range.start));
        }
        match event {
            Event::Start(tag) => {
                if is_block(&tag) {
                    let mut block = self.spare.pop().unwrap_or_default();
                    block.number = self.next_block;
                    self.blocks.push(block);
                    self.next_block += 1;
                }
                match tag {
                    Tag::Heading { .. } => self.place = Place::Heading,
                    Tag::TableCell => self.place = Place::TableCell,
                    Tag::Image { dest_url, .. } => {
                        self.image_depth += 1;
                        if let Some((kind, id)) = parse_reference(&dest_url) {
                            let block = self.blocks.last().map_or(0, |b| b.number);
                            let text = (self.name)(kind, id).unwrap_or_else(|| id.to_string());
                            if let Some(open) = self.blocks.last_mut() {
                                let start = open.text.len();
                                open.text.push(&text, None);
                                open.refs.push((self.refs.len(), start, open.text.len()));
                            }
                            self.refs.push(RawRef {
                                kind,
                                id: id.to_string(),
                                span: range,
                                embed: true,
                                // A card is a block: no link's text can hold one.
                                place: match self.open_links.is_empty() {
                                    true => self.place,
                                    false => Place::LinkText,
                                },
                                block,
                                nth: 0,
                                snippet: Snippet::default(),
                            });
                        }
                    }
                    Tag::Link { dest_url, .. } => {
                        let reference = parse_reference(&dest_url).map(|(kind, id)| {
                            let block = self.blocks.last().map_or(0, |b| b.number);
                            self.refs.push(RawRef {
                                kind,
                                id: id.to_string(),
                                span: range,
                                embed: false,
                                place: self.place,
                                block,
                                nth: 0,
                                snippet: Snippet::default(),
                            });
                            let open = self.blocks.last().map_or(0, |b| b.text.len());
                            (self.refs.len() - 1, open)
                        });
                        self.open_links.push(reference);
                    }
                    _ => {}
                }
            }
            Event::End(end) => {
                match end {
                    TagEnd::Heading(_) | TagEnd::TableCell => self.place = Place::Flow,
                    TagEnd::Image => self.image_depth = self.image_depth.saturating_sub(1),
                    TagEnd::Link => {
                        if let Some(Some((index, start))) = self.open_links.pop()
                            && let Some(open) = self.blocks.last_mut()
                        {
                            if open.text.len() == start {
                                let r = &self.refs[index];
                                let shown =
                                    (self.name)(r.kind, &r.id).unwrap_or_else(|| r.id.clone());
                                open.text.push(&shown, None);
                            }
                            open.refs.push((index, start, open.text.len()));
                        }
                    }
                    _ => {}
                }
                if is_block_end(&end)
                    && let Some(mut done) = self.blocks.pop()
                {
                    let source = self.source.map(|(source, _)| source);
                    for &(index, start, end) in &done.refs {
                        self.refs[index].snippet = done.text.snippet(start, end, source);
                    }
                    done.text.clear();
                    done.refs.clear();
                    self.spare.push(done);
                }
            }
            Event::Text(text)
            | Event::Code(text)
            | Event::InlineMath(text)
            | Event::DisplayMath(text) => {
                let at = self.at(&text);
                if let Some(open) = self.blocks.last_mut() {
                    open.text.push(&text, at);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(open) = self.blocks.last_mut() {
                    open.text.push(" ", None);
                }
            }
            _ => {}
        }
    }

    /// The references with their anchors, in reading order.
    fn finish(self) -> Vec<RawRef> {
        let mut refs = self.refs;
        let mut counts: FxHashMap<(Kind, &str), usize> = FxHashMap::default();
        let numbers: Vec<usize> = refs
            .iter()
            .map(|r| {
                let n = counts.entry((r.kind, r.id.as_str())).or_insert(0);
                *n += 1;
                *n
            })
            .collect();
        for (r, n) in refs.iter_mut().zip(numbers) {
            r.nth = n;
        }
        // Anchors follow the main-text-then-notes walk that `render` also
        // takes; the list itself is returned in reading order, which
        // numbering and backlinks use.
        let mut ordered: Vec<(usize, RawRef)> = self.reading_order.into_iter().zip(refs).collect();
        ordered.sort_by_key(|(at, _)| *at);
        ordered.into_iter().map(|(_, r)| r).collect()
    }
}

/// The element id of the `n`th reference to `kind:id` in a body.
pub fn anchor_id(prefix: &str, kind: Kind, id: &str, n: usize) -> String {
    let mut anchor = String::with_capacity(prefix.len() + kind.as_str().len() + id.len() + 24);
    push_anchor_id(&mut anchor, prefix, kind, id, n);
    anchor
}

/// [`anchor_id`], appended to `out`.
pub fn push_anchor_id(out: &mut String, prefix: &str, kind: Kind, id: &str, n: usize) {
    out.push_str(prefix);
    out.push_str("m-");
    out.push_str(kind.as_str());
    out.push('-');
    out.push_str(id);
    out.push('-');
    push_decimal(out, n);
}

/// Appends `n` in decimal, without going through `fmt`.
pub fn push_decimal(out: &mut String, n: usize) {
    // The number's digits, most significant first.
    let start = out.len();
    let mut rest = n;
    loop {
        out.insert(start, char::from(b'0' + (rest % 10) as u8));
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
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

    /// Appends the opening `<a>` of a reference to `id`, with `anchor` as
    /// its element id, as [`push_ref_tag_start`] and [`push_ref_tag_end`]
    /// make it from [`Targets::target`]; false, appending nothing, when
    /// nothing has that id. Rendering asks this for every reference, so
    /// targets that can answer from tags made beforehand do.
    fn open_tag(&self, out: &mut String, kind: Kind, id: &str, anchor: &str) -> bool {
        let Some(target) = self.target(kind, id) else {
            return false;
        };
        push_ref_tag(out, kind, id, anchor, &target);
        true
    }

    /// The name a reference to `id` shows when it has no text of its own.
    fn name(&self, kind: Kind, id: &str) -> Option<String> {
        self.target(kind, id).map(|t| t.name)
    }
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
    /// Whether the body holds markup of the author's own that may point into
    /// the site: raw HTML, or a link or image that is not external. Every
    /// other link in it was made from the briefing's references.
    pub authored_links: bool,
}

/// Renders `body` to HTML, rewriting references, footnotes, headings and code.
///
/// The body streams from the parser through the rewrite to the HTML
/// writer. Footnote definitions are held back and rendered after the main
/// text; where each note is called, the place in the HTML is remembered, and
/// its sidenote is put there at the end.
pub fn render(
    body: &str,
    targets: &dyn Targets,
    highlighter: &Highlighter,
    options: RenderOptions,
) -> Rendered {
    render_with(body, RenderState::new(targets, highlighter, options, None))
        .0
        .joined()
}

/// [`render`]'s HTML in the pieces it is made in, for a caller that writes
/// them out as they are instead of joining them: `brief render`, whose one
/// body may run to megabytes.
pub fn render_pieces(
    body: &str,
    targets: &dyn Targets,
    highlighter: &Highlighter,
    options: RenderOptions,
) -> Pieces {
    render_with(body, RenderState::new(targets, highlighter, options, None))
        .0
        .html
}

/// Renders `body` for two places at once, as [`render`] would for each
/// (its own page, and `print.html`, which shows every section again),
/// parsing and rewriting it once. What differs between the two (each
/// reference's link, each embedded card, the prefix of every id) is kept
/// as a hole holding each place's text, filled in for each at the end.
///
/// None when the two must be rendered one by one: the body holds links or
/// raw HTML of the author's (which [`RenderOptions::moved_from`] rebases),
/// or the places differ in more than the holes cover.
pub fn render_pair(
    body: &str,
    targets: [&dyn Targets; 2],
    highlighter: &Highlighter,
    options: [RenderOptions; 2],
) -> Option<[Rendered; 2]> {
    if body.contains('\0') {
        return None;
    }
    let mut prefix = String::new();
    hole(&mut prefix, 0);
    let prefixes = options.map(|o| o.id_prefix.to_string());
    let mut second = Second {
        targets: targets[1],
        holes: Holes {
            text: String::with_capacity(body.len() / 2),
            ..Holes::default()
        },
        prefixes,
        apart: false,
    };
    second
        .holes
        .push(second.prefixes.each_ref().map(String::as_str));
    let shared = RenderOptions {
        id_prefix: &prefix,
        moved_from: None,
    };
    let state = RenderState::new(targets[0], highlighter, shared, Some(second));
    let (shared, second) = render_with(body, state);
    let holes = second.filter(|s| !s.apart && !shared.authored_links)?.holes;
    // Each place is filled from the pieces as they are, not from them
    // joined first: that would move the text after every sidenote.
    let pieces = shared.html.in_order();
    // Room for each hole once, and for the ids' prefix (hole 0) before
    // every id.
    let room = |place: usize| {
        let prefix = holes.get(0, place).len();
        holes.lens[place] + prefix * (8 + 2 * shared.headings.len())
    };
    let filled = |place: usize, headings: &[Heading], referenced| Rendered {
        html: fill(&pieces, &holes, place, room(place)),
        headings: (headings.iter())
            .map(|h| Heading {
                level: h.level,
                id: fill(&[&h.id], &holes, place, holes.get(0, place).len()),
                text: h.text.clone(),
            })
            .collect(),
        referenced,
        authored_links: false,
    };
    let first = filled(0, &shared.headings, shared.referenced.clone());
    let second = filled(1, &shared.headings, shared.referenced);
    Some([first, second])
}

/// The pieces of `html`, joined, with each hole's mark replaced by
/// `place`'s text of it. `room` is what to leave for the holes' texts beyond
/// `html`'s own length.
fn fill(html: &[&str], holes: &Holes, place: usize, room: usize) -> String {
    let len: usize = html.iter().map(|piece| piece.len()).sum();
    let mut out = String::with_capacity(len + room);
    html.iter()
        .for_each(|piece| fill_into(&mut out, piece, holes, place));
    out
}

/// Appends `html` to `out` with each hole's mark replaced by `place`'s text
/// of it. A mark never spans two pieces of a body.
fn fill_into(out: &mut String, html: &str, holes: &Holes, place: usize) {
    let mut rest = html;
    while let Some(at) = memchr::memchr(0, rest.as_bytes()) {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        // The number runs to the next NUL; anything but digits makes no hole.
        let mut number = Some(0usize);
        let mut end = 0;
        for &byte in after.as_bytes() {
            if byte == 0 {
                break;
            }
            number = number
                .filter(|_| byte.is_ascii_digit())
                .and_then(|n| n.checked_mul(10)?.checked_add(usize::from(byte - b'0')));
            end += 1;
        }
        let number = number.filter(|_| end > 0);
        out.push_str(number.map_or("", |n| holes.get(n, place)));
        rest = after.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
}

/// [`render`] with `state`, handing back the second place's holes when there is one.
fn render_with<'a>(body: &str, mut state: RenderState<'a>) -> (Made, Option<Second<'a>>) {
    let options = state.options;
    let mut main = Scope {
        main: true,
        ..Scope::default()
    };
    let mut calls = Calls::default();
    let mut definitions = FxHashMap::default();
    let mut places = Vec::new();
    let html = RefCell::new(String::with_capacity(body.len() * 2));
    let events = Rewrite {
        state: &mut state,
        scope: &mut main,
        calls: Some(&mut calls),
        definitions: Some(&mut definitions),
        places: Some(Places {
            at: &mut places,
            html: &html,
        }),
    }
    .over(Parser::new_ext(body, self::options()));
    // Writing to a `String` cannot fail.
    let _ = pulldown_cmark::html::write_html_fmt(Shared(&html), events);
    let html = html.into_inner();
    if calls.first.is_empty() {
        let made = Made {
            html: Pieces::from(html),
            headings: main.headings,
            referenced: state.referenced,
            authored_links: state.authored_links,
        };
        return (made, state.second);
    }

    // The notes, numbered in the order of their first call.
    let mut notes: Vec<String> = Vec::new();
    let mut numbers: FxHashMap<&str, usize> = FxHashMap::default();
    for (label, _) in &calls.first {
        let Some(mut events) = definitions.remove(label.as_str()) else {
            continue;
        };
        let mut scope = Scope::default();
        let note = Rewrite {
            state: &mut state,
            scope: &mut scope,
            calls: None,
            definitions: None,
            places: None,
        }
        .over(events.drain(..));
        notes.push(inline_note(note));
        numbers.insert(label, notes.len());
    }
    let prefix = options.id_prefix;
    let inserts: Vec<(usize, String)> = places
        .iter()
        .map(|(at, label)| {
            let markup = match numbers.get(label.as_ref()) {
                Some(&n) => sidenote(prefix, n, &notes[n - 1]),
                None => {
                    let mut text = String::from("[^");
                    let _ = escape_html_body_text(&mut text, label);
                    text.push(']');
                    text
                }
            };
            (*at, markup)
        })
        .collect();
    let mut endnotes = String::new();
    if !notes.is_empty() {
        endnotes.push_str("<aside class=\"endnotes\" aria-label=\"Notes\"><ol>\n");
        for (i, note) in notes.iter().enumerate() {
            let number = i + 1;
            // The sidenote already carries the note's anchors; the print copy
            // must not repeat them, so its ids become inert data attributes,
            // in the holes of a pair's rendering too.
            let inert = |note: &str| match note.contains(" id=\"") {
                true => note.replace(" id=\"", " data-note-id=\""),
                false => note.to_string(),
            };
            let note = match &mut state.second {
                Some(second) if note.contains('\0') => {
                    let texts = [0, 1].map(|place| {
                        inert(&fill(
                            &[note],
                            &second.holes,
                            place,
                            second.holes.lens[place],
                        ))
                    });
                    second.hole(texts)
                }
                _ => inert(note),
            };
            let _ = writeln!(
                endnotes,
                "<li id=\"{prefix}note-{number}\" value=\"{number}\">{note}</li>"
            );
        }
        endnotes.push_str("</ol></aside>\n");
    }
    let made = Made {
        html: Pieces {
            main: html,
            inserts,
            tail: endnotes,
        },
        headings: main.headings,
        referenced: state.referenced,
        authored_links: state.authored_links,
    };
    (made, state.second)
}

/// A rendered body as [`render_with`] makes it: [`Rendered`] with its HTML
/// still in pieces.
struct Made {
    html: Pieces,
    headings: Vec<Heading>,
    referenced: Vec<(Kind, String)>,
    authored_links: bool,
}

impl Made {
    fn joined(self) -> Rendered {
        Rendered {
            html: self.html.join(),
            headings: self.headings,
            referenced: self.referenced,
            authored_links: self.authored_links,
        }
    }
}

/// A body's HTML in the pieces it is made in: the main text, the sidenotes
/// that go at places in it, and the endnotes after it.
#[derive(Debug, Default)]
pub struct Pieces {
    main: String,
    /// (byte offset in `main`, text), in order of offset.
    inserts: Vec<(usize, String)>,
    tail: String,
}

impl From<String> for Pieces {
    fn from(html: String) -> Self {
        Pieces {
            main: html,
            ..Pieces::default()
        }
    }
}

impl Pieces {
    /// The HTML as one string.
    pub fn join(self) -> String {
        let mut html = match self.inserts.is_empty() {
            true => self.main,
            false => splice(self.main, &self.inserts),
        };
        html.push_str(&self.tail);
        html
    }

    /// The pieces in the order they are read.
    fn in_order(&self) -> Vec<&str> {
        let mut pieces = Vec::with_capacity(2 * self.inserts.len() + 2);
        let mut from = 0;
        for (at, text) in &self.inserts {
            pieces.push(&self.main[from..*at]);
            pieces.push(text.as_str());
            from = *at;
        }
        pieces.push(&self.main[from..]);
        pieces.push(&self.tail);
        pieces
    }

    /// Writes the HTML to `out` as [`Pieces::join`] would make it, without
    /// making it: the pieces go out as they are, many to a write.
    pub fn write_to(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        let pieces = self.in_order();
        let mut slices: Vec<std::io::IoSlice> = (pieces.iter())
            .filter(|piece| !piece.is_empty())
            .map(|piece| std::io::IoSlice::new(piece.as_bytes()))
            .collect();
        let mut rest = &mut slices[..];
        while !rest.is_empty() {
            match out.write_vectored(rest) {
                Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
                Ok(n) => std::io::IoSlice::advance_slices(&mut rest, n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        out.flush()
    }
}

/// `html` with each insert put at its byte offset (in order, on character
/// boundaries). The text moves up in place, one pass from the end, instead of
/// being copied to a second buffer as large: a body's HTML can run to
/// megabytes.
fn splice(html: String, inserts: &[(usize, String)]) -> String {
    let extra: usize = inserts.iter().map(|(_, text)| text.len()).sum();
    let mut bytes = html.into_bytes();
    let mut end = bytes.len();
    bytes.resize(end + extra, 0);
    let mut shift = extra;
    for (at, text) in inserts.iter().rev() {
        bytes.copy_within(*at..end, at + shift);
        shift -= text.len();
        bytes[at + shift..at + shift + text.len()].copy_from_slice(text.as_bytes());
        end = *at;
    }
    // Whole pieces of text put between whole pieces of text: still UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The HTML being written, where the rewrite can see it and write to it.
struct Shared<'a>(&'a RefCell<String>);

impl std::fmt::Write for Shared<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.borrow_mut().push_str(s);
        Ok(())
    }
}

/// What a stream's rewrite works with, before it is given the stream.
struct Rewrite<'r, 'a, 'e> {
    state: &'r mut RenderState<'a>,
    scope: &'r mut Scope,
    /// The main text's footnote calls, as they are read.
    calls: Option<&'r mut Calls>,
    /// The main text's footnote definitions, set aside by label as they are
    /// read (the first of a label wins), to be rendered after it.
    definitions: Option<&'r mut FxHashMap<String, Vec<Event<'e>>>>,
    /// Where the main text's sidenotes go.
    places: Option<Places<'r, 'e>>,
}

/// The main text's HTML as it is written, and where each footnote call
/// stands in it: (length of the HTML written, label).
struct Places<'r, 'e> {
    at: &'r mut Vec<(usize, CowStr<'e>)>,
    /// Everything handed on is written here before the next event is asked
    /// for, so what the rewrite makes itself can go straight in.
    html: &'r RefCell<String>,
}

impl<'r, 'a, 'e> Rewrite<'r, 'a, 'e> {
    fn over<I: Iterator<Item = Event<'e>>>(self, input: I) -> Rewritten<'r, 'a, 'e, I> {
        Rewritten {
            input: input.peekable(),
            with: self,
            ready: VecDeque::new(),
            again: VecDeque::new(),
            look: Vec::new(),
            links: Vec::new(),
            in_ref: 0,
            in_alt: 0,
            in_paragraph: false,
        }
    }
}

/// A body's events, rewritten as they stream: references become links or
/// cards, footnote calls become sidenotes, headings get ids and code is
/// highlighted. Events are held back only where the rewrite must look ahead:
/// a paragraph that may be nothing but an embed, a heading (its id comes from
/// its text), a code block, and the event after a reference link opens.
struct Rewritten<'r, 'a, 'e, I: Iterator> {
    input: std::iter::Peekable<I>,
    with: Rewrite<'r, 'a, 'e>,
    /// Rewritten events waiting to be handed on.
    ready: VecDeque<Event<'e>>,
    /// Events read ahead and put back, to be rewritten before the input's next.
    again: VecDeque<Event<'e>>,
    /// What a paragraph's start reads ahead, kept for its room.
    look: Vec<Event<'e>>,
    /// What the end of each open link becomes.
    links: Vec<LinkEnd>,
    /// How deep in a reference's link text the stream is: no sidenote there.
    in_ref: usize,
    /// How deep in an image's alt text, which is written as plain text.
    in_alt: usize,
    /// Whether a paragraph is open, which an embed's card must close: a
    /// tight list item's text stands in no paragraph.
    in_paragraph: bool,
}

/// What the end of an open link becomes.
#[derive(Clone, Copy)]
enum LinkEnd {
    /// The author's own link: its end as it is.
    Keep,
    /// A reference written as an `<a>` tag: the tag's close.
    Close,
    /// A reference to nothing, shown as its text: nothing.
    Drop,
}

impl<'e, I: Iterator<Item = Event<'e>>> Iterator for Rewritten<'_, '_, 'e, I> {
    type Item = Event<'e>;

    fn next(&mut self) -> Option<Event<'e>> {
        if self.ready.is_empty() && self.again.is_empty() {
            // Most events come straight from the input and pass as they
            // are: they are handed on from where the input put them.
            let read = self.input.next();
            match &read {
                Some(_) if self.in_alt > 0 => {}
                Some(Event::End(TagEnd::Paragraph | TagEnd::Link)) => {
                    return match read.and_then(|event| self.close(event)) {
                        Some(event) => Some(event),
                        None => self.rewrite(None),
                    };
                }
                // A paragraph that cannot be a lone embed opens as it is.
                Some(Event::Start(Tag::Paragraph)) if !self.may_be_embed() => {
                    self.in_paragraph = true;
                    return read;
                }
                Some(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    ..
                })) => {
                    if let Some((kind, id)) = parse_reference(dest_url) {
                        return match self.link(kind, id, *link_type) {
                            Some(event) => Some(event),
                            None => self.rewrite(None),
                        };
                    }
                }
                Some(event) if !passes(event) => {}
                _ => return read,
            }
            return self.rewrite(read);
        }
        self.rewrite(None)
    }
}

impl<'e, I: Iterator<Item = Event<'e>>> Rewritten<'_, '_, 'e, I> {
    /// The next event handed on when it is not one that simply passes:
    /// `read`, just read from the input, is rewritten first.
    #[inline(never)]
    fn rewrite(&mut self, mut read: Option<Event<'e>>) -> Option<Event<'e>> {
        loop {
            let event = match self.ready.pop_front() {
                Some(event) => event,
                None => {
                    let event = match read.take() {
                        Some(event) if self.set_aside(&event) => continue,
                        Some(event) => event,
                        None => self.pull()?,
                    };
                    if self.in_alt == 0 && passes(&event) {
                        return Some(event);
                    }
                    match self.step(event) {
                        Some(event) => event,
                        None => continue,
                    }
                }
            };
            return Some(match event {
                // Everything before the call is written by now: its sidenote
                // goes here. The empty stand-in leaves the writer as inline
                // markup would.
                Event::FootnoteReference(label) => match self.with.places.as_mut() {
                    Some(places) => {
                        places.at.push((places.html.borrow().len(), label));
                        Event::InlineHtml(CowStr::Borrowed(""))
                    }
                    None => note_text(&label),
                },
                event if self.with.state.options.moved_from.is_none() => event,
                event => rebase(event, &self.with.state.options),
            });
        }
    }
}

impl<'e, I: Iterator<Item = Event<'e>>> Rewritten<'_, '_, 'e, I> {
    /// The next event to rewrite: one put back, or the input's next.
    fn pull(&mut self) -> Option<Event<'e>> {
        if let Some(event) = self.again.pop_front() {
            return Some(event);
        }
        loop {
            let event = self.input.next()?;
            if !self.set_aside(&event) {
                return Some(event);
            }
        }
    }

    /// Takes in an event just read from the input: a footnote call is noted;
    /// a footnote definition of the main text is read whole and set aside,
    /// and true is returned.
    fn set_aside(&mut self, event: &Event<'e>) -> bool {
        match event {
            Event::FootnoteReference(_) => {
                if let Some(calls) = self.with.calls.as_deref_mut() {
                    calls.note(event, 0);
                }
                false
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let Some(definitions) = self.with.definitions.as_deref_mut() else {
                    return false;
                };
                let mut body = Vec::new();
                let mut depth = 0usize;
                for event in self.input.by_ref() {
                    match &event {
                        Event::Start(Tag::FootnoteDefinition(_)) => depth += 1,
                        Event::End(TagEnd::FootnoteDefinition) if depth == 0 => break,
                        Event::End(TagEnd::FootnoteDefinition) => depth -= 1,
                        _ => {}
                    }
                    body.push(event);
                }
                definitions.entry(label.to_string()).or_insert(body);
                true
            }
            _ => false,
        }
    }

    /// The next event [`Rewritten::pull`] would give, left in place.
    fn peek(&mut self) -> Option<&Event<'e>> {
        match self.again.front() {
            Some(event) => Some(event),
            None => self.input.peek(),
        }
    }

    /// Puts `events` back, to be read again before anything else.
    fn put_back(&mut self, events: impl DoubleEndedIterator<Item = Event<'e>>) {
        for event in events.rev() {
            self.again.push_front(event);
        }
    }

    /// Reads through the end of the tag just opened, keeping what `keep`
    /// says to (its end included).
    fn read_to_end(&mut self, mut keep: impl FnMut(Event<'e>)) {
        let mut depth = 1usize;
        while depth > 0 {
            let Some(event) = self.pull() else {
                return;
            };
            match &event {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth -= 1,
                _ => {}
            }
            keep(event);
        }
    }

    /// Rewrites one event: the event it becomes (None for nothing), with any
    /// that follow it in `ready`.
    #[inline(never)]
    fn step(&mut self, event: Event<'e>) -> Option<Event<'e>> {
        self.with.state.authored_links |= authored(&event);
        if self.in_alt > 0 {
            match &event {
                Event::Start(Tag::Image { .. }) => self.in_alt += 1,
                Event::End(TagEnd::Image) => self.in_alt -= 1,
                _ => {}
            }
            return Some(match event {
                Event::FootnoteReference(label) => note_text(&label),
                event => event,
            });
        }
        match event {
            Event::Start(Tag::Paragraph) => {
                let start = self.paragraph();
                self.in_paragraph = matches!(start, Event::Start(Tag::Paragraph));
                Some(start)
            }
            Event::End(TagEnd::Paragraph | TagEnd::Link) => self.close(event),
            Event::Start(Tag::Image { ref dest_url, .. }) => {
                if let Some((kind, id)) = parse_reference(dest_url) {
                    let shown = self.embed(kind, id, self.in_paragraph);
                    self.read_to_end(drop);
                    Some(shown)
                } else {
                    self.in_alt = 1;
                    Some(event)
                }
            }
            Event::Start(Tag::Link {
                link_type,
                ref dest_url,
                ..
            }) => match parse_reference(dest_url) {
                Some((kind, id)) => self.link(kind, id, link_type),
                None => {
                    self.links.push(LinkEnd::Keep);
                    Some(event)
                }
            },
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                // The id comes from the heading's text, which is read ahead
                // and then rewritten as usual.
                let mut inner = std::mem::take(&mut self.look);
                self.read_to_end(|e| inner.push(e));
                let text = plain_text(&inner);
                let scope = &mut *self.with.scope;
                let prefix = self.with.state.options.id_prefix;
                let full = match id {
                    Some(id) => [prefix, &id].concat(),
                    None if prefix.is_empty() => unique_slug(&text, &mut scope.heading_ids),
                    None => [prefix, &unique_slug(&text, &mut scope.heading_ids)].concat(),
                };
                let start = Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(full.clone())),
                    classes,
                    attrs,
                });
                scope.headings.push(Heading {
                    level: level as u8,
                    id: full,
                    text,
                });
                self.put_back(inner.drain(..));
                self.look = inner;
                Some(start)
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let mut code = String::new();
                self.read_to_end(|e| {
                    if let Event::Text(text) = e {
                        code.push_str(&text);
                    }
                });
                let info = match &kind {
                    CodeBlockKind::Fenced(info) => info.as_ref(),
                    CodeBlockKind::Indented => "",
                };
                Some(Event::Html(
                    self.with.state.highlighter.block(info, &code).into(),
                ))
            }
            Event::FootnoteReference(label) if !self.with.scope.main || self.in_ref > 0 => {
                Some(note_text(&label))
            }
            event => Some(event),
        }
    }

    /// The end of a paragraph or a link: what it becomes, None for nothing.
    fn close(&mut self, event: Event<'e>) -> Option<Event<'e>> {
        match event {
            Event::End(TagEnd::Link) => match self.links.pop() {
                Some(LinkEnd::Close) => {
                    self.in_ref -= 1;
                    Some(Event::InlineHtml("</a>".into()))
                }
                Some(LinkEnd::Drop) => None,
                _ => Some(event),
            },
            event => {
                self.in_paragraph = false;
                Some(event)
            }
        }
    }

    /// Whether the paragraph just opened may hold a lone embed: whether what
    /// comes first may be part of one.
    fn may_be_embed(&mut self) -> bool {
        self.peek().is_some_and(|next| part_of_embed(next, false))
    }

    /// A paragraph just opened. One that holds an embed and nothing else but
    /// whitespace becomes the embed's card; any other opens as usual, and
    /// what was read ahead is rewritten after it.
    fn paragraph(&mut self) -> Event<'e> {
        let mut look = std::mem::take(&mut self.look);
        let mut embed = None;
        // Only what may belong to a lone embed is read; the first event that
        // cannot is left where it is.
        while let Some(next) = self.peek() {
            if !part_of_embed(next, embed.is_some()) {
                break;
            }
            let Some(event) = self.pull() else {
                break;
            };
            match &event {
                Event::End(TagEnd::Paragraph) => {
                    let shown = embed.and_then(|at| match &look[at] {
                        Event::Start(Tag::Image { dest_url, .. }) => {
                            parse_reference(dest_url).map(|(kind, id)| self.embed(kind, id, false))
                        }
                        _ => None,
                    });
                    look.clear();
                    self.look = look;
                    return shown.unwrap_or(Event::Text(CowStr::Borrowed("")));
                }
                Event::Start(Tag::Image { .. }) => {
                    embed = Some(look.len());
                    look.push(event);
                    self.read_to_end(|e| look.push(e));
                }
                _ => look.push(event),
            }
        }
        self.put_back(look.drain(..));
        self.look = look;
        Event::Start(Tag::Paragraph)
    }

    /// A reference link just opened: its `<a>` tag, or nothing when the
    /// reference points nowhere (its text then stands alone). In the main
    /// text, where everything before is written by now, the tag is written
    /// straight into the HTML, and nothing is handed on for it.
    fn link(&mut self, kind: Kind, id: &str, link_type: LinkType) -> Option<Event<'e>> {
        let mut tag = String::new();
        let found = match &self.with.places {
            Some(places) => (self.with.state).open_ref(&mut places.html.borrow_mut(), kind, id),
            None => self.with.state.open_ref(&mut tag, kind, id),
        };
        if !found {
            self.links.push(LinkEnd::Drop);
            return None;
        }
        let empty = matches!(self.peek(), Some(Event::End(TagEnd::Link)));
        if link_type == LinkType::Autolink || empty {
            // Shown by its name: an autolink's text is its address.
            self.read_to_end(drop);
            let name = self.with.state.ref_name(kind, id);
            self.ready.push_back(Event::Text(name.into()));
            self.ready.push_back(Event::InlineHtml("</a>".into()));
        } else {
            self.links.push(LinkEnd::Close);
            self.in_ref += 1;
        }
        (!tag.is_empty()).then(|| Event::InlineHtml(tag.into()))
    }

    /// An embed: its card with the reference's anchor, or its name when there
    /// is no card. Inside a paragraph the card splits it, since a card is a
    /// block.
    fn embed(&mut self, kind: Kind, id: &str, in_paragraph: bool) -> Event<'e> {
        match self.with.state.embed(kind, id) {
            Err(name) => Event::Text(name.into()),
            Ok(card) if in_paragraph => Event::Html(format!("</p>\n{card}<p>").into()),
            Ok(card) => Event::Html(card.into()),
        }
    }
}

/// Whether `next` may belong to a paragraph that holds a lone embed and
/// nothing else but whitespace, given whether the embed has been met.
fn part_of_embed(next: &Event, embed_met: bool) -> bool {
    match next {
        Event::End(TagEnd::Paragraph) => embed_met,
        Event::SoftBreak => true,
        Event::Text(text) => text.chars().all(char::is_whitespace),
        Event::Start(Tag::Image { dest_url, .. }) => !embed_met && is_embed(dest_url),
        _ => false,
    }
}

/// Whether the rewrite leaves `event` as it is wherever it stands (outside
/// alt text): most of a body's events, which then take no detour.
fn passes(event: &Event) -> bool {
    match event {
        Event::Text(_) | Event::Code(_) | Event::SoftBreak | Event::HardBreak => true,
        Event::Start(tag) => matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Item
                | Tag::List(_)
                | Tag::BlockQuote(_)
                | Tag::Table(_)
                | Tag::TableHead
                | Tag::TableRow
                | Tag::TableCell
        ),
        Event::End(end) => !matches!(end, TagEnd::Link | TagEnd::Paragraph),
        _ => false,
    }
}

/// Whether `event`, as the author wrote it, is raw HTML or a link or image
/// that may point into the site. A reference's destination (`party:x`) reads
/// as a URL scheme, so it counts as external.
#[inline]
fn authored(event: &Event) -> bool {
    match event {
        Event::Html(_) | Event::InlineHtml(_) => true,
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
            !is_external(dest_url.trim())
        }
        _ => false,
    }
}

/// Whether a link leaves the site: it has a URL scheme (as a reference's
/// `party:x` does) or is protocol-relative.
pub fn is_external(target: &str) -> bool {
    let bytes = target.as_bytes();
    if bytes.starts_with(b"//") {
        return true;
    }
    // A scheme: a letter, then letters, digits, `+`, `-` or `.`, up to a
    // colon that comes before any `/`, `?` or `#`.
    match bytes
        .iter()
        .position(|&b| matches!(b, b':' | b'/' | b'?' | b'#'))
    {
        Some(colon) if bytes[colon] == b':' => {
            let scheme = &bytes[..colon];
            scheme.first().is_some_and(u8::is_ascii_alphabetic)
                && (scheme.iter())
                    .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        }
        _ => false,
    }
}

/// A footnote call where no sidenote can go, shown as written.
fn note_text<'e>(label: &str) -> Event<'e> {
    Event::Text(format!("[^{label}]").into())
}

/// Where a rewrite is. The main text collects its headings, and its footnote
/// calls become sidenotes; notes keep neither.
#[derive(Default)]
struct Scope {
    main: bool,
    headings: Vec<Heading>,
    heading_ids: Tally,
}

/// The events of the main text, as [`scan`] walks them: each footnote
/// definition's events go into `notes` by label instead (the first of a
/// label wins). [`render`]'s rewrite sets them aside itself
/// ([`Rewritten::set_aside`]).
fn without_notes<'a, 'n>(
    mut events: impl Iterator<Item = Located<'a>> + 'n,
    notes: &'n mut FxHashMap<String, Vec<Located<'a>>>,
) -> impl Iterator<Item = Located<'a>> + 'n {
    let mut current: Option<(String, Vec<Located<'a>>)> = None;
    let mut depth = 0usize;
    std::iter::from_fn(move || {
        for item in events.by_ref() {
            match &item.0 {
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

/// A footnote's events as inline HTML: paragraphs joined with line breaks, so
/// the note can sit inside the paragraph that calls it.
fn inline_note<'e>(events: impl IntoIterator<Item = Event<'e>>) -> String {
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
    out.truncate(out.trim_end().len());
    out.drain(..out.len() - out.trim_start().len());
    out
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
    /// How many references to each id of each kind this body has rendered so
    /// far, for stable anchors `m-party-openai-1`, `-2`, ….
    anchors: [Tally; 4],
    /// Room to spell out the anchor of each reference in.
    anchor: String,
    referenced: Vec<(Kind, String)>,
    /// See [`Rendered::authored_links`].
    authored_links: bool,
    /// The second place the body is rendered for, with [`render_pair`].
    second: Option<Second<'a>>,
}

/// The second place a body is rendered for by [`render_pair`], and what
/// differs between the two.
struct Second<'a> {
    targets: &'a dyn Targets,
    /// Each stretch of HTML that differs: the first place's, the second's.
    /// The HTML holds [`hole`] where each goes; the first is the ids'
    /// prefix, which [`RenderOptions::id_prefix`] then holds.
    holes: Holes,
    /// The ids' prefix in each place: hole 0.
    prefixes: [String; 2],
    /// Set when the two cannot share a rendering after all.
    apart: bool,
}

/// The texts of a pair's holes, each place's in turn, kept end to end in
/// one string: a body has a hole for every reference in it.
#[derive(Debug, Default)]
struct Holes {
    text: String,
    spans: Vec<[Range<usize>; 2]>,
    /// The length of every hole's text in each place, together.
    lens: [usize; 2],
}

impl Holes {
    fn push(&mut self, texts: [&str; 2]) {
        let spans = texts.map(|t| {
            let start = self.text.len();
            self.text.push_str(t);
            start..self.text.len()
        });
        self.keep(spans);
    }

    /// Keeps the texts at `spans` of [`Holes::text`] as the next hole.
    fn keep(&mut self, spans: [Range<usize>; 2]) {
        self.lens[0] += spans[0].len();
        self.lens[1] += spans[1].len();
        self.spans.push(spans);
    }

    /// The text of hole `n` in `place`; empty when there is no such hole.
    fn get(&self, n: usize, place: usize) -> &str {
        (self.spans.get(n))
            .and_then(|spans| self.text.get(spans[place].clone()))
            .unwrap_or("")
    }
}

impl Second<'_> {
    /// Keeps `texts` as a hole and returns its mark.
    fn hole(&mut self, texts: [String; 2]) -> String {
        let start = self.holes.text.len();
        texts.iter().for_each(|t| self.holes.text.push_str(t));
        let middle = start + texts[0].len();
        let mut mark = String::with_capacity(8);
        self.mark(&mut mark, [start..middle, middle..self.holes.text.len()]);
        mark
    }

    /// Keeps the texts at `spans` of [`Holes::text`] as a hole, and appends
    /// its mark to `out`. The HTML writer notes whether what it wrote ends a
    /// line, and writes what follows by it: a closing newline moves out of
    /// the texts into the mark.
    fn mark(&mut self, out: &mut String, mut spans: [Range<usize>; 2]) {
        hole(out, self.holes.spans.len());
        let text = &self.holes.text;
        match spans.each_ref().map(|s| text[s.clone()].ends_with('\n')) {
            [true, true] => {
                spans.iter_mut().for_each(|s| s.end -= 1);
                out.push('\n');
            }
            [false, false] => {}
            _ => self.apart = true,
        }
        self.holes.keep(spans);
    }
}

/// Appends the mark of hole `n` in a rendering shared by two places: a NUL,
/// the number, a NUL. Markdown cannot put a NUL in the HTML (the parser
/// replaces it), and a name that holds one keeps the two places apart.
fn hole(out: &mut String, n: usize) {
    out.push('\0');
    push_decimal(out, n);
    out.push('\0');
}

impl<'a> RenderState<'a> {
    fn new(
        targets: &'a dyn Targets,
        highlighter: &'a Highlighter,
        options: RenderOptions<'a>,
        second: Option<Second<'a>>,
    ) -> Self {
        RenderState {
            targets,
            highlighter,
            options,
            anchors: Default::default(),
            anchor: String::new(),
            referenced: Vec::new(),
            authored_links: false,
            second,
        }
    }

    /// Counts one more reference to `id` of `kind`: its number among them.
    fn count(&mut self, kind: Kind, id: &str) -> usize {
        let n = self.anchors[kind as usize].count(id);
        if n == 1 {
            self.referenced.push((kind, id.to_string()));
        }
        n
    }

    /// Appends the opening `<a>` of the next reference to `id` to `out`;
    /// false, appending nothing, when it points at nothing.
    fn open_ref(&mut self, out: &mut String, kind: Kind, id: &str) -> bool {
        let n = self.count(kind, id);
        let Some(second) = &mut self.second else {
            let anchor = &mut self.anchor;
            anchor.clear();
            push_anchor_id(anchor, self.options.id_prefix, kind, id, n);
            return self.targets.open_tag(out, kind, id, anchor);
        };
        // Both places' tags are written straight into the holes' text.
        let anchor = &mut self.anchor;
        let text = &mut second.holes.text;
        let mut open = |targets: &dyn Targets, prefix: &str| {
            anchor.clear();
            push_anchor_id(anchor, prefix, kind, id, n);
            let start = text.len();
            (targets.open_tag(text, kind, id, anchor), start..text.len())
        };
        let (first, a) = open(self.targets, &second.prefixes[0]);
        let (other, b) = open(second.targets, &second.prefixes[1]);
        match [first, other] {
            [true, true] => {
                second.mark(out, [a, b]);
                true
            }
            found => {
                second.holes.text.truncate(a.start);
                second.apart |= found != [false, false];
                false
            }
        }
    }

    /// The name a reference to `id` shows when it has no text of its own:
    /// the same in both places of a pair, or the pair is kept apart.
    fn ref_name(&mut self, kind: Kind, id: &str) -> String {
        let name = |targets: &dyn Targets| targets.name(kind, id).unwrap_or_else(|| id.to_string());
        let shown = name(self.targets);
        if let Some(second) = &mut self.second {
            second.apart |= shown != name(second.targets) || shown.contains('\0');
        }
        shown
    }

    /// The card the next embed of `id` shows, with its anchor; or, when
    /// there is none, the name it shows instead.
    fn embed(&mut self, kind: Kind, id: &str) -> Result<String, String> {
        let n = self.count(kind, id);
        let name = |targets: &dyn Targets| targets.name(kind, id).unwrap_or_else(|| id.to_string());
        let Some(second) = &mut self.second else {
            let anchor = anchor_id(self.options.id_prefix, kind, id, n);
            return self
                .targets
                .card(kind, id, &anchor)
                .ok_or_else(|| name(self.targets));
        };
        let [p, q] = &second.prefixes;
        let cards = [
            self.targets.card(kind, id, &anchor_id(p, kind, id, n)),
            second.targets.card(kind, id, &anchor_id(q, kind, id, n)),
        ];
        match cards {
            [Some(a), Some(b)] => Ok(second.hole([a, b])),
            [None, None] => {
                let shown = name(self.targets);
                second.apart |= shown != name(second.targets) || shown.contains('\0');
                Err(shown)
            }
            _ => {
                second.apart = true;
                Err(name(self.targets))
            }
        }
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

fn is_embed(dest: &str) -> bool {
    parse_reference(dest).is_some_and(|(kind, _)| kind.can_embed())
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
fn unique_slug(text: &str, seen: &mut Tally) -> String {
    let mut slug = crate::model::slugify(text);
    if slug.is_empty() {
        slug = "section".to_string();
    }
    match seen.count(&slug) {
        1 => slug,
        count => {
            slug.push('-');
            push_decimal(&mut slug, count);
            slug
        }
    }
}

/// Appends `text` escaped for an attribute value, as pulldown-cmark's
/// `escape_html` does it, but without its setup when there is nothing to
/// escape: the anchors of references, which are made of ids, seldom have.
pub fn push_attribute(out: &mut String, text: &str) {
    match text
        .bytes()
        .any(|b| matches!(b, b'<' | b'>' | b'&' | b'"' | b'\''))
    {
        true => drop(escape_html(&mut *out, text)),
        false => out.push_str(text),
    }
}

/// The opening `<a>` of a reference to `target` with element id `anchor`.
pub fn push_ref_tag(out: &mut String, kind: Kind, id: &str, anchor: &str, target: &Target) {
    push_ref_tag_start(out, kind, &target.href);
    push_attribute(out, anchor);
    push_ref_tag_end(out, kind, id, target.label.as_deref());
}

/// The opening `<a>` of a reference up to its element id: the id's escaped
/// text goes next, then [`push_ref_tag_end`].
pub fn push_ref_tag_start(tag: &mut String, kind: Kind, href: &str) {
    tag.push_str("<a class=\"ref ref-");
    tag.push_str(kind.as_str());
    tag.push_str("\" href=\"");
    let _ = escape_href(&mut *tag, href);
    tag.push_str("\" id=\"");
}

/// The rest of the opening `<a>` of a reference after its element id.
pub fn push_ref_tag_end(tag: &mut String, kind: Kind, id: &str, label: Option<&str>) {
    tag.push_str("\" data-ref=\"");
    tag.push_str(kind.as_str());
    tag.push(':');
    let _ = escape_html(&mut *tag, id);
    tag.push('"');
    if let Some(label) = label {
        tag.push_str(" data-label=\"");
        let _ = escape_html(&mut *tag, label);
        tag.push('"');
    }
    tag.push('>');
}

#[cfg(test)]
mod tests;
