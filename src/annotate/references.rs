//! References rewritten as a body's events stream to the HTML writer: a
//! reference link becomes an `<a>` tag carrying the reference's anchor, a
//! reference with no text of its own shows its target's name, and an embed
//! becomes its card. [`References`] holds what a whole body's rendering
//! knows of its references (their anchor numbers, which entities it names);
//! [`ReferenceRewrite`] is the adapter over one stream of its events.
//!
//! What a reference points at, and the card it shows, come from
//! [`Targets`]; whether a reference or embed is allowed where it stands is
//! `resolve`'s business. Anything that is not a reference passes as it is.

use std::collections::VecDeque;

use indexmap::IndexMap;
use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

use super::notes::call_as_text;
use super::{
    RenderOptions, Rendered, Targets, anchor_id, is_external, nested, parse_reference, read_to_end,
};
use crate::model::Kind;

/// The references of one body as rendering meets them, in its main text and
/// then in its notes: what each points at, the number that ends its anchor
/// (`m-party-openai-1`, `-2`, …), which entities the body references, and
/// whether the author wrote markup of their own.
pub(super) struct References<'a> {
    targets: &'a dyn Targets,
    pub(super) options: RenderOptions<'a>,
    /// How many references to each entity have been met so far, in order
    /// of each entity's first: the entities the body references.
    pub(super) counts: IndexMap<(Kind, String), usize>,
    /// What the body's rendering tells of its references besides: whether
    /// the author wrote links, whether it embeds a card.
    pub(super) found: Rendered,
}

impl<'a> References<'a> {
    pub(super) fn new(targets: &'a dyn Targets, options: RenderOptions<'a>) -> Self {
        References {
            targets,
            options,
            counts: IndexMap::new(),
            found: Rendered::default(),
        }
    }

    /// Rewrites the references in `events`, one stream of the body's.
    pub(super) fn rewrite<'r, 'e, I: Iterator<Item = Event<'e>>>(
        &'r mut self,
        events: I,
    ) -> ReferenceRewrite<'r, 'a, 'e, I> {
        ReferenceRewrite {
            references: self,
            input: events,
            again: VecDeque::new(),
            links: Vec::new(),
            in_alt: 0,
            in_paragraph: false,
        }
    }

    /// Counts one more reference to `id` of `kind`: the anchor its number
    /// among them gives it.
    fn anchor(&mut self, kind: Kind, id: &str) -> String {
        let n = self.counts.entry((kind, id.to_string())).or_insert(0);
        *n += 1;
        anchor_id(self.options.id_prefix, kind, id, *n)
    }

    /// The opening `<a>` of the next reference to `id`, and the name it shows
    /// when it has no text of its own; None when it points at nothing.
    fn open(&mut self, kind: Kind, id: &str) -> Option<(String, String)> {
        let anchor = self.anchor(kind, id);
        let target = self.targets.target(kind, id)?;
        let kind = kind.as_str();
        let mut tag = format!("<a class=\"ref ref-{kind}\" href=\"");
        // Writing to a `String` cannot fail.
        let _ = escape_href(&mut tag, &target.href);
        tag.push_str("\" id=\"");
        let _ = escape_html(&mut tag, &anchor);
        tag.extend(["\" data-ref=\"", kind, ":"]);
        let _ = escape_html(&mut tag, id);
        if let Some(label) = &target.label {
            tag.push_str("\" data-label=\"");
            let _ = escape_html(&mut tag, label);
        }
        tag.push_str("\">");
        Some((tag, target.name))
    }

    /// The next embed of `id`: its card with the embed's anchor, or its name
    /// when there is no card. Inside a paragraph the card splits it, since a
    /// card is a block.
    fn embed<'e>(&mut self, kind: Kind, id: &str, in_paragraph: bool) -> Event<'e> {
        self.found.embeds = true;
        let anchor = self.anchor(kind, id);
        match self.targets.card(kind, id, &anchor) {
            Some(card) if in_paragraph => Event::Html(format!("</p>\n{card}<p>").into()),
            Some(card) => Event::Html(card.into()),
            None => {
                let target = self.targets.target(kind, id);
                Event::Text(target.map_or_else(|| id.to_string(), |t| t.name).into())
            }
        }
    }
}

/// One stream's events with references rewritten: a reference link becomes
/// an `<a>` tag (or its bare text, when it points at nothing), a reference
/// with no text of its own shows its target's name, and an embed becomes a
/// card. A paragraph that holds nothing but an embed becomes the card; an
/// embed inside a paragraph splits it, since a card is a block.
///
/// Events are read ahead only where the rewrite must look: after a
/// paragraph opens (is it a lone embed?) and after a reference link opens
/// (has it text of its own?).
pub(super) struct ReferenceRewrite<'r, 'a, 'e, I: Iterator<Item = Event<'e>>> {
    references: &'r mut References<'a>,
    input: I,
    /// Events read ahead, to be rewritten before the input's next.
    again: VecDeque<Event<'e>>,
    /// What the end of each open link becomes: itself for the author's own
    /// link, [`CLOSE`] for a reference written as an `<a>` tag, nothing for
    /// a reference to nothing, shown as its text.
    links: Vec<Option<Event<'e>>>,
    /// How deep in an image's alt text, which the writer writes as plain
    /// text: nothing there is rewritten.
    in_alt: usize,
    /// Whether a paragraph is open, which an embed's card must close: a
    /// tight list item's text stands in no paragraph.
    in_paragraph: bool,
}

/// The end of a reference link written as an `<a>` tag.
const CLOSE: Event = Event::InlineHtml(CowStr::Borrowed("</a>"));

impl<'e, I: Iterator<Item = Event<'e>>> Iterator for ReferenceRewrite<'_, '_, 'e, I> {
    type Item = Event<'e>;

    fn next(&mut self) -> Option<Event<'e>> {
        loop {
            let event = self.pull()?;
            if let Some(event) = self.step(event) {
                return Some(event);
            }
        }
    }
}

impl<'e, I: Iterator<Item = Event<'e>>> ReferenceRewrite<'_, '_, 'e, I> {
    /// Rewrites one event: the event it becomes (None for nothing).
    fn step(&mut self, event: Event<'e>) -> Option<Event<'e>> {
        self.references.found.authored_links |= authored(&event);
        if self.in_alt > 0 {
            self.in_alt = nested(self.in_alt, &event);
            return Some(call_as_text(event));
        }
        match event {
            Event::Start(Tag::Paragraph) => Some(self.paragraph()),
            Event::End(TagEnd::Paragraph) => {
                self.in_paragraph = false;
                Some(event)
            }
            Event::End(TagEnd::Link) => self.links.pop().unwrap_or(Some(event)),
            Event::Start(Tag::Image { ref dest_url, .. }) => match parse_reference(dest_url) {
                Some((kind, id)) => {
                    let shown = self.references.embed(kind, id, self.in_paragraph);
                    read_to_end(|| self.pull(), drop);
                    Some(shown)
                }
                None => {
                    self.in_alt = 1;
                    Some(event)
                }
            },
            Event::Start(Tag::Link {
                link_type,
                ref dest_url,
                ..
            }) => match parse_reference(dest_url) {
                Some((kind, id)) => self.link(kind, id, link_type),
                None => {
                    self.links.push(Some(Event::End(TagEnd::Link)));
                    Some(event)
                }
            },
            // No sidenote can stand inside a reference's link text.
            Event::FootnoteReference(_) if self.links.contains(&Some(CLOSE)) => {
                Some(call_as_text(event))
            }
            event => Some(event),
        }
    }

    /// The next event to rewrite: one put back, or the input's next.
    fn pull(&mut self) -> Option<Event<'e>> {
        self.again.pop_front().or_else(|| self.input.next())
    }

    /// The next event [`ReferenceRewrite::pull`] would give, left in place.
    fn peek(&mut self) -> Option<&Event<'e>> {
        if self.again.is_empty() {
            self.again.extend(self.input.next());
        }
        self.again.front()
    }

    /// A paragraph just opened. One that holds an embed and nothing else but
    /// whitespace becomes the embed's card; any other opens as usual, and
    /// what was read ahead is rewritten after it.
    fn paragraph(&mut self) -> Event<'e> {
        let mut look = Vec::new();
        let mut embed: Option<CowStr<'e>> = None;
        // Only what may belong to a lone embed is read; the first event that
        // cannot is left where it is.
        while let Some(next) = self.peek()
            && part_of_embed(next, embed.is_some())
            && let Some(event) = self.pull()
        {
            match event {
                Event::End(TagEnd::Paragraph) => {
                    let shown = (embed.as_deref())
                        .and_then(parse_reference)
                        .map(|(kind, id)| self.references.embed(kind, id, false));
                    return shown.unwrap_or(Event::Text(CowStr::Borrowed("")));
                }
                Event::Start(Tag::Image { ref dest_url, .. }) => {
                    embed = Some(dest_url.clone());
                    look.push(event);
                    read_to_end(|| self.pull(), |e| look.push(e));
                }
                event => look.push(event),
            }
        }
        for event in look.into_iter().rev() {
            self.again.push_front(event);
        }
        self.in_paragraph = true;
        Event::Start(Tag::Paragraph)
    }

    /// A reference link just opened: its `<a>` tag, or nothing when the
    /// reference points nowhere (its text then stands alone).
    fn link(&mut self, kind: Kind, id: &str, link_type: LinkType) -> Option<Event<'e>> {
        let opened = self.references.open(kind, id);
        // Its end closes the `<a>` tag, or goes with it when there is none.
        self.links.push(opened.as_ref().map(|_| CLOSE));
        let (tag, name) = opened?;
        // Shown by its name when it has no text of its own: an autolink's
        // text is its address, so it goes.
        if link_type == LinkType::Autolink {
            read_to_end(|| self.pull(), drop);
            self.again.push_front(Event::End(TagEnd::Link));
        }
        if matches!(self.peek(), Some(Event::End(TagEnd::Link))) {
            self.again.push_front(Event::Text(name.into()));
        }
        Some(Event::InlineHtml(tag.into()))
    }
}

/// Whether `next` may belong to a paragraph that holds a lone embed and
/// nothing else but whitespace, given whether the embed has been met.
fn part_of_embed(next: &Event, embed_met: bool) -> bool {
    match next {
        Event::End(TagEnd::Paragraph) => embed_met,
        Event::SoftBreak => true,
        Event::Text(text) => text.chars().all(char::is_whitespace),
        Event::Start(Tag::Image { dest_url, .. }) => {
            !embed_met && parse_reference(dest_url).is_some_and(|(kind, _)| kind.can_embed())
        }
        _ => false,
    }
}

/// Whether `event`, as the author wrote it, is raw HTML or a link or image
/// that may point into the site. A reference's destination (`party:x`) reads
/// as a URL scheme, so it counts as external.
fn authored(event: &Event) -> bool {
    match event {
        Event::Html(_) | Event::InlineHtml(_) => true,
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
            !is_external(dest_url.trim())
        }
        _ => false,
    }
}
