//! The scan: every reference in a body, with its byte span, the block it
//! stands in, its place (flow text, heading, table cell, link text), its
//! anchor number and a snippet of its block's text.
//!
//! The scan walks the main text and then the notes in the order of their
//! first call, as `render` does, so the anchors it numbers are the ones the
//! rendered page carries; the list it returns is in reading order, with a
//! note's references where the note is first called. It renders nothing and
//! resolves nothing: the name it shows for a reference with no text of its
//! own comes from the caller.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use pulldown_cmark::{Event, Tag, TagEnd};

use super::notes::Footnotes;
use super::snippet::BlockText;
use super::{Flaw, Place, RawRef, misspelt_kind, nested, parse_reference, script_scheme};
use crate::model::Kind;

/// Finds every reference in the body that starts at `body_start` of
/// `source`, with snippets that point into `source` wherever they are plain
/// slices of it. `name` gives the text shown for a reference with empty link
/// text (None when the target does not exist).
pub fn scan_source(
    source: &Arc<String>,
    body_start: usize,
    name: &dyn Fn(Kind, &str) -> Option<String>,
) -> Vec<RawRef> {
    let body = source.get(body_start..);
    scan_body(body.unwrap_or(""), body.map(|_| (source, body_start)), name)
}

/// Finds every reference in `body`, whose snippets point into `source` (the
/// text it starts at the given offset of) where they can, and are copied
/// otherwise.
pub(super) fn scan_body(
    body: &str,
    source: Option<(&Arc<String>, usize)>,
    name: &dyn Fn(Kind, &str) -> Option<String>,
) -> Vec<RawRef> {
    let mut walk = ScanWalk {
        body,
        source,
        name,
        refs: Vec::new(),
        blocks: Vec::new(),
        next_block: 0,
        place: Place::Flow,
        open_links: Vec::new(),
        image_depth: 0,
        note_at: None,
    };
    let mut footnotes = Footnotes::default();
    for (event, range) in footnotes.main_text(body) {
        walk.step(event, range);
    }
    // A note is read where it is called, so its references take the position
    // of the note's first call when references are put in reading order.
    for (_, called_at, events) in footnotes.in_call_order() {
        walk.note_at = Some(called_at);
        for (event, range) in events {
            walk.step(event, range);
        }
    }
    walk.finish()
}

/// A block being read: its text so far and the references that stand in it,
/// as (index into refs, start byte in text, end byte in text), and the end
/// tag that closes it.
struct OpenBlock {
    number: usize,
    end: TagEnd,
    text: BlockText,
    refs: Vec<(usize, usize, usize)>,
}

/// The state of [`scan_body`]'s walk over one body's events.
struct ScanWalk<'b, 'n> {
    body: &'b str,
    source: Option<(&'b Arc<String>, usize)>,
    name: &'n dyn Fn(Kind, &str) -> Option<String>,
    /// Each reference with where it stands in reading order (its note's
    /// call, in a note).
    refs: Vec<(usize, RawRef)>,
    blocks: Vec<OpenBlock>,
    next_block: usize,
    place: Place,
    /// (index into refs, text length when the link opened) for open reference links.
    open_links: Vec<Option<(usize, usize)>>,
    image_depth: usize,
    /// Where the note being read is first called; None in the main text.
    note_at: Option<usize>,
}

impl ScanWalk<'_, '_> {
    /// Where in the source the text `piece` lies, when it is a slice of the
    /// body (as the parser's borrowed text is) rather than text made up.
    fn at(&self, piece: &str) -> Option<usize> {
        let at = (piece.as_ptr() as usize).checked_sub(self.body.as_ptr() as usize)?;
        (at.checked_add(piece.len())? <= self.body.len()).then_some(at + self.source?.1)
    }

    /// Records `r`, in reading order.
    fn push(&mut self, r: RawRef) {
        self.refs.push((self.note_at.unwrap_or(r.span.start), r));
    }

    /// A link to `kind:id` at `span`, in the block and place being read;
    /// it is numbered and given its snippet later.
    fn reference(&self, kind: Kind, id: &str, span: Range<usize>) -> RawRef {
        RawRef {
            kind,
            id: id.to_string(),
            span,
            place: self.place,
            block: self.blocks.last().map_or(0, |b| b.number),
            ..RawRef::default()
        }
    }

    fn step(&mut self, event: Event, range: Range<usize>) {
        // Inside an image's alt text there is nothing to link: `render` copies
        // such text verbatim, so references there are not references.
        if self.image_depth > 0 {
            self.image_depth = nested(self.image_depth, &event);
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(end) => self.end(end),
            Event::Text(text)
            | Event::Code(text)
            | Event::InlineMath(text)
            | Event::DisplayMath(text) => self.write(&text, self.at(&text)),
            Event::SoftBreak | Event::HardBreak => self.write(" ", None),
            _ => {}
        }
    }

    /// Adds `piece`, at `at` in the source if it is a slice of it, to the
    /// text of the block being read.
    fn write(&mut self, piece: &str, at: Option<usize>) {
        if let Some(open) = self.blocks.last_mut() {
            open.text.push(piece, at);
        }
    }

    /// Records a link that is no reference, when it must not be published
    /// as it stands: it is reported, never shown, so it takes no anchor and
    /// no snippet.
    fn flawed(&mut self, dest: &str, span: Range<usize>) {
        let (flaw, kind, id) = if let Some(scheme) = script_scheme(dest) {
            (Flaw::Script(scheme), Kind::Section, "")
        } else if let Some((written, kind, id)) = misspelt_kind(dest) {
            (Flaw::Misspelt(written.to_string()), kind, id)
        } else {
            return;
        };
        self.push(RawRef {
            flaw: Some(flaw),
            ..self.reference(kind, id, span)
        });
    }

    fn start(&mut self, tag: Tag, range: Range<usize>) {
        if is_block(&tag) {
            self.blocks.push(OpenBlock {
                number: self.next_block,
                end: tag.to_end(),
                text: BlockText::default(),
                refs: Vec::new(),
            });
            self.next_block += 1;
        }
        match tag {
            Tag::Heading { .. } => self.place = Place::Heading,
            Tag::TableCell => self.place = Place::TableCell,
            _ => {}
        }
        let (Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = &tag else {
            return;
        };
        let embed = matches!(tag, Tag::Image { .. });
        self.image_depth += usize::from(embed);
        let Some((kind, id)) = parse_reference(dest_url) else {
            self.flawed(dest_url, range);
            if !embed {
                self.open_links.push(None);
            }
            return;
        };
        // A card is a block: no link's text can hold one.
        let place = match embed && !self.open_links.is_empty() {
            true => Place::LinkText,
            false => self.place,
        };
        let r = self.reference(kind, id, range);
        self.push(RawRef { embed, place, ..r });
        let start = self.blocks.last().map_or(0, |b| b.text.len());
        // An embed shows its target's name in the block's text at once, as
        // a link with no text of its own does when it closes.
        match embed {
            true => self.close_link(self.refs.len() - 1, start),
            false => self.open_links.push(Some((self.refs.len() - 1, start))),
        }
    }

    fn end(&mut self, end: TagEnd) {
        match end {
            TagEnd::Heading(_) | TagEnd::TableCell => self.place = Place::Flow,
            TagEnd::Link => {
                if let Some(Some((index, start))) = self.open_links.pop() {
                    self.close_link(index, start);
                }
            }
            _ => {}
        }
        if let Some(done) = self.blocks.pop_if(|open| open.end == end) {
            let source = self.source.map(|(source, _)| source);
            for &(index, start, end) in &done.refs {
                if let Some((_, r)) = self.refs.get_mut(index) {
                    r.snippet = done.text.snippet(start, end, source);
                }
            }
        }
    }

    /// The reference `refs[index]` closed, its text having started at
    /// `start` of its block's: an embed, or a link with no text of its own,
    /// shows its target's name there.
    fn close_link(&mut self, index: usize, start: usize) {
        if let Some(open) = self.blocks.last_mut() {
            if open.text.len() == start
                && let Some((_, r)) = self.refs.get(index)
            {
                let name = (self.name)(r.kind, &r.id);
                open.text.push(name.as_deref().unwrap_or(&r.id), None);
            }
            open.refs.push((index, start, open.text.len()));
        }
    }

    /// The references with their anchors, in reading order.
    fn finish(mut self) -> Vec<RawRef> {
        let mut counts: HashMap<(Kind, String), usize> = HashMap::new();
        for (_, r) in self.refs.iter_mut().filter(|(_, r)| r.flaw.is_none()) {
            let n = counts.entry((r.kind, r.id.clone())).or_insert(0);
            *n += 1;
            r.nth = *n;
        }
        // Anchors follow the main-text-then-notes walk that `render` also
        // takes; the list itself is returned in reading order, which
        // numbering and backlinks use.
        self.refs.sort_by_key(|(at, _)| *at);
        self.refs.into_iter().map(|(_, r)| r).collect()
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
