//! Footnotes: set aside from a body's main text, numbered in the order of
//! their first call, and shown twice, as a sidenote where each is called
//! (in the margin on wide screens, behind a toggle on narrow ones) and as an
//! endnote after the text, which print shows instead.
//!
//! Both passes read a body through [`Footnotes`], so they walk the notes in
//! the same order. Rendering a note's own events is the rewrite's job
//! (`rewrite.rs`); this module only decides where each note goes.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;

use indexmap::IndexMap;
use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd};
use pulldown_cmark_escape::escape_html_body_text;

use super::{nested, options};

/// An event with the byte range of the source it came from.
pub(super) type Located<'a> = (Event<'a>, Range<usize>);

/// A body's footnotes as both passes walk them: set aside from the main
/// text, then taken in the order of their first call, so both number and
/// walk them alike.
#[derive(Default)]
pub(super) struct Footnotes<'a> {
    /// Each definition's events by label (the first of a label wins).
    definitions: HashMap<String, Vec<Located<'a>>>,
    /// The byte offset of each label's first call, in order of first call.
    calls: IndexMap<String, usize>,
}

impl<'a> Footnotes<'a> {
    /// The events of `body`'s main text, with each footnote call noted and
    /// each footnote definition's events set aside.
    pub fn main_text(&mut self, body: &'a str) -> impl Iterator<Item = Located<'a>> {
        let mut events = Parser::new_ext(body, options()).into_offset_iter();
        std::iter::from_fn(move || {
            loop {
                let item = events.next()?;
                if let Event::FootnoteReference(label) = &item.0 {
                    self.calls.entry(label.to_string()).or_insert(item.1.start);
                }
                let Event::Start(Tag::FootnoteDefinition(label)) = &item.0 else {
                    return Some(item);
                };
                // Its events up to its end, which is dropped; definitions
                // inside this one are part of it.
                let mut depth = 1;
                let body = (events.by_ref())
                    .take_while(|(event, _)| {
                        depth = nested(depth, event);
                        depth > 0
                    })
                    .collect();
                self.definitions.entry(label.to_string()).or_insert(body);
            }
        })
    }

    /// Each note the main text calls, in the order of its first call: its
    /// label, where that call is, and its events.
    pub fn in_call_order(mut self) -> impl Iterator<Item = (String, usize, Vec<Located<'a>>)> {
        (self.calls.into_iter()).filter_map(move |(label, at)| {
            let events = self.definitions.remove(&label)?;
            Some((label, at, events))
        })
    }
}

/// A footnote call shown as written, where no sidenote can go: in a note, in
/// a reference's link text, in an image's alt text. Any other event passes.
pub(super) fn call_as_text(event: Event) -> Event {
    match event {
        Event::FootnoteReference(label) => Event::Text(format!("[^{label}]").into()),
        event => event,
    }
}

/// Writes the main text's `events` as HTML, taking each footnote call out
/// and noting where it stands in the HTML, with its label, for its sidenote
/// to be put there once the notes are rendered.
///
/// The writer writes each event before it asks for the next, so the HTML's
/// length when a call is handed on is where its sidenote goes. The call is
/// handed on as an empty stand-in, which leaves the writer as it was.
pub(super) fn write_main<'e>(
    events: impl Iterator<Item = Event<'e>>,
    capacity: usize,
) -> (String, Vec<(usize, CowStr<'e>)>) {
    let html = RefCell::new(String::with_capacity(capacity));
    let mut places = Vec::new();
    let events = events.map(|event| match event {
        Event::FootnoteReference(label) => {
            places.push((html.borrow().len(), label));
            Event::InlineHtml(CowStr::Borrowed(""))
        }
        event => event,
    });
    // Writing to a `String` cannot fail.
    let _ = pulldown_cmark::html::write_html_fmt(Written(&html), events);
    (html.into_inner(), places)
}

/// The HTML being written, where [`write_main`] can see how far it has got.
struct Written<'a>(&'a RefCell<String>);

impl std::fmt::Write for Written<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.borrow_mut().push_str(s);
        Ok(())
    }
}

/// The rendered notes of a body, numbered in the order they are added.
#[derive(Default)]
pub(super) struct Notes {
    /// Each note's inline HTML by label, note 1 first.
    html: IndexMap<String, String>,
}

impl Notes {
    /// Renders the note `label` from its rewritten events as the next note,
    /// as inline HTML: paragraphs joined with line breaks, so the note can
    /// sit inside the paragraph that calls it.
    pub fn add<'e>(&mut self, label: &str, events: impl Iterator<Item = Event<'e>>) {
        let mut paragraphs = 0;
        let events = events.filter_map(|e| match e {
            Event::Start(Tag::Paragraph) => {
                paragraphs += 1;
                (paragraphs > 1).then_some(Event::Html("<br>".into()))
            }
            Event::End(TagEnd::Paragraph) => None,
            other => Some(other),
        });
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events);
        self.html.insert(label.to_string(), html.trim().to_string());
    }

    /// `main`, the main text's HTML, with each call's sidenote at its place
    /// (as [`write_main`] noted them, in order) and the endnotes after it. A
    /// call to a note that does not exist is shown as written.
    pub fn place(&self, main: &str, places: &[(usize, CowStr)], prefix: &str) -> String {
        let mut html = String::with_capacity(main.len());
        let mut from = 0;
        for (at, label) in places {
            if let Some(before) = main.get(from..*at) {
                html.push_str(before);
                from = *at;
            }
            match self.html.get_full(label.as_ref()) {
                Some((i, _, note)) => html.push_str(&sidenote(prefix, i + 1, note)),
                None => {
                    html.push_str("[^");
                    let _ = escape_html_body_text(&mut html, label);
                    html.push(']');
                }
            }
        }
        html.push_str(main.get(from..).unwrap_or(""));
        if self.html.is_empty() {
            return html;
        }
        // The notes again as a numbered list after the text, for print.
        html.push_str("<aside class=\"endnotes\" aria-label=\"Notes\"><ol>\n");
        for (number, note) in (1..).zip(self.html.values()) {
            // The sidenote already carries the note's anchors; the print copy
            // must not repeat them, so its ids become inert data attributes.
            let note = note.replace(" id=\"", " data-note-id=\"");
            let _ = writeln!(
                html,
                "<li id=\"{prefix}note-{number}\" value=\"{number}\">{note}</li>"
            );
        }
        html.push_str("</ol></aside>\n");
        html
    }
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
