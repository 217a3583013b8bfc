//! The rewrites of what the author wrote besides references, as iterator
//! adapters over a body's events: [`heading_ids`] gives headings ids,
//! [`highlight_code`] highlights code blocks and [`rebase`] moves the
//! author's relative links for a body shown away from its own page.
//!
//! Each adapter does one of these and passes every other event on as it is;
//! `annotate::render` composes them with the reference rewrite
//! (`references.rs`) and the footnotes (`notes.rs`). None of them looks at
//! references.

use std::collections::{HashSet, VecDeque};

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag};

use super::{Heading, RenderOptions};
use crate::highlight::Highlighter;

/// Gives every heading an id: the one the author wrote (`{#terms}`), or a
/// slug of its text, unique within the stream. Both carry the body's id
/// prefix. Each heading is also noted in `headings`, for contents lists.
pub(super) fn heading_ids<'e>(
    mut input: impl Iterator<Item = Event<'e>>,
    prefix: &str,
    headings: &mut Vec<Heading>,
) -> impl Iterator<Item = Event<'e>> {
    // The ids given to headings so far, without the prefix.
    let mut slugs = HashSet::new();
    // The events of the heading just opened, read ahead for its text.
    let mut held = VecDeque::new();
    std::iter::from_fn(move || {
        if let Some(event) = held.pop_front() {
            return Some(event);
        }
        let mut event = input.next()?;
        let Event::Start(Tag::Heading { level, id, .. }) = &mut event else {
            return Some(event);
        };
        super::read_to_end(|| input.next(), |event| held.push_back(event));
        // The heading's text, as its id and contents entry read it.
        let text: String = (held.iter())
            .filter_map(|event| match event {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                Event::SoftBreak | Event::HardBreak => Some(" "),
                _ => None,
            })
            .collect();
        let given = match id {
            Some(id) => [prefix, id].concat(),
            None => [prefix, &unique_slug(&text, &mut slugs)].concat(),
        };
        headings.push(Heading {
            level: *level as u8,
            id: given.clone(),
            text,
        });
        *id = Some(given.into());
        Some(event)
    })
}

/// Ids the built-in templates give elements of the pages a body is shown
/// on (the front page, a section or entity page, `print.html`), and the one
/// `brief.js` gives its preview box.
const TEMPLATE_IDS: &[&str] = &[
    "main",
    "ref-preview",
    "mentioned-in",
    "related",
    "search-input",
    "search-status",
    "search-results",
    "section-nav-title",
    "key-changes",
    "sections",
    "sections-title",
    "parties-title",
    "quotes-title",
    "contents-title",
    "summary-title",
    // `print.html` titles each section `section-ID_title`, and prefixes its
    // body's ids with `section-ID_`.
    "title",
];

/// The beginnings of ids brief makes itself on a page: mention anchors and
/// embeds (`m-party-acme-1`) and footnotes (`note-1`, `note-ref-1`, `sn-1`).
const MADE_ID_PREFIXES: &[&str] = &["m-", "note-", "sn-"];

/// A heading id from its text, unique within the stream and never one brief
/// uses itself: such a slug gains an `h-` in front (a heading "Main" gets
/// `h-main`), since a number after it could still be one of brief's
/// (`m-party-x-1` then `m-party-x-1-2`, the second mention of `x-1`).
/// Repeats get `-2`, `-3`, …, skipping any id already given.
fn unique_slug(text: &str, seen: &mut HashSet<String>) -> String {
    let mut slug = crate::model::slugify(text);
    if slug.is_empty() {
        slug = "section".to_string();
    }
    if TEMPLATE_IDS.contains(&slug.as_str()) || MADE_ID_PREFIXES.iter().any(|p| slug.starts_with(p))
    {
        slug.insert_str(0, "h-");
    }
    let mut id = slug.clone();
    let mut n = 1;
    while !seen.insert(id.clone()) {
        n += 1;
        id = format!("{slug}-{n}");
    }
    id
}

/// Replaces each fenced or indented code block with its highlighted HTML.
pub(super) fn highlight_code<'e>(
    mut events: impl Iterator<Item = Event<'e>>,
    highlighter: &Highlighter,
) -> impl Iterator<Item = Event<'e>> {
    std::iter::from_fn(move || {
        let info = match events.next()? {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => info,
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => CowStr::Borrowed(""),
            event => return Some(event),
        };
        let mut code = String::new();
        super::read_to_end(
            || events.next(),
            |event| {
                if let Event::Text(text) = event {
                    code.push_str(&text);
                }
            },
        );
        Some(Event::Html(highlighter.block(&info, &code).into()))
    })
}

/// A link or image of the author's as seen from the output root, when the
/// body was moved there (see [`RenderOptions::moved_from`]). References are
/// HTML by the time an event gets here, so every `Link` and `Image` left is
/// the author's own.
pub(super) fn rebase<'e>(mut event: Event<'e>, options: &RenderOptions) -> Event<'e> {
    let (Some(folder), Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })) =
        (options.moved_from, &mut event)
    else {
        return event;
    };
    let end = dest_url.find(['/', '?', '#']).unwrap_or(dest_url.len());
    if let Some(fragment) = dest_url.strip_prefix('#') {
        *dest_url = format!("#{}{fragment}", options.id_prefix).into();
    } else if !(dest_url.is_empty() || dest_url.starts_with('/') || dest_url[..end].contains(':')) {
        let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
        let mut rest = &**dest_url;
        // A `../` takes a folder off while there is one left; any more stay.
        while let Some(r) = (rest.strip_prefix("./"))
            .or_else(|| rest.strip_prefix("../").filter(|_| parts.pop().is_some()))
        {
            rest = r;
        }
        parts.push(rest);
        *dest_url = parts.join("/").into();
    }
    event
}
