//! The Markdown layer of `brief`: pulldown-cmark's event stream, read for
//! references and rewritten into HTML.
//!
//! Two passes share one parser configuration. [`scan_source`] walks a body's events
//! and records every reference (`[text](party:id)`, `![](quote:id)`) with its
//! byte span, the block it stands in and a snippet of that block's text — the
//! raw material of mentions (`scan.rs`, `snippet.rs`). [`render`] walks the
//! events again through a chain of adapters composed here: heading ids
//! (`rewrite.rs`), references to links and embeds to cards
//! (`references.rs`), code highlighting and link rebasing (`rewrite.rs`),
//! and footnotes to sidenotes plus print endnotes (`notes.rs`). Both passes take a body's text first, then its notes in the
//! order of their first call, so they meet references in the same order and
//! agree on every anchor.
//!
//! Neither pass looks at other documents: what a reference points at comes
//! from the caller through [`Targets`]. Nor does this module decide whether a
//! reference is allowed where it stands; `resolve` does, from [`Place`].

use std::ops::Range;

use pulldown_cmark::{Event, Options};

use crate::highlight::Highlighter;
use crate::model::Kind;

mod conventions;
mod notes;
mod references;
mod rewrite;
mod scan;
mod snippet;

pub use scan::scan_source;
pub use snippet::Snippet;

/// The parser options every body is read with.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_GFM
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_TASKLISTS
}

/// `party:openai` → `(Party, "openai")`, for the four reserved kinds only.
pub fn parse_reference(dest: &str) -> Option<(Kind, &str)> {
    let (prefix, id) = dest.split_once(':')?;
    Some((Kind::from_prefix(prefix)?, id))
}

/// What is wrong with a link the scan records although it is no reference:
/// `resolve` reports it, and a build never publishes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flaw {
    /// A destination a browser would run as script (`javascript:`,
    /// `vbscript:`, `data:text/html`), named by its scheme as read.
    Script(&'static str),
    /// A reserved kind misspelt, in another case or in the plural
    /// (`parties:x`, `Party:x`, `qoute:x`), as written; the reference's
    /// `kind` is the one meant. As a link it would lead nowhere.
    Misspelt(String),
}

/// The scheme of a URL a browser would run as script, as browsers read it:
/// leading spaces and control characters are dropped, tabs and line breaks
/// anywhere are ignored, and the scheme is not case-sensitive. Only the
/// schemes that run script where a link or image may be followed count;
/// other `data:` types open as data.
pub fn script_scheme(url: &str) -> Option<&'static str> {
    // Browsers strip C0 controls and spaces around a URL and remove ASCII
    // tabs and newlines inside it before reading the scheme, so
    // "\tjava\nscript:" runs as "javascript:". A scheme is short, so only
    // the first bytes so read are looked at, lowercased.
    let head: Vec<u8> = (url.trim_start_matches(|c: char| c <= ' ').bytes())
        .filter(|b| !matches!(b, b'\t' | b'\n' | b'\r'))
        .take(24)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    let scripts = ["javascript:", "vbscript:"];
    let script = scripts.into_iter().find(|s| head.starts_with(s.as_bytes()));
    // A data URL's type may have spaces before it (`data: text/html,`).
    let data = (head.strip_prefix(b"data:"))
        .is_some_and(|kind| kind.trim_ascii_start().starts_with(b"text/html"));
    script.or(data.then_some("data:text/html"))
}

/// `parties:x`, `Party:x`, `qoute:x`: a destination whose scheme is not a
/// reserved kind but close to one (in another case, in the plural, or
/// within two edits) and whose rest reads as an id, so no real URL scheme
/// (`https:`, `mailto:a@b`, `tel:`) is taken for one. Returns the scheme
/// as written, the kind meant and the id.
pub fn misspelt_kind(dest: &str) -> Option<(&str, Kind, &str)> {
    let (scheme, id) = dest.split_once(':')?;
    if Kind::from_prefix(scheme).is_some()
        || scheme.is_empty()
        || !scheme.bytes().all(|b| b.is_ascii_alphabetic())
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
    {
        return None;
    }
    let lower = scheme.to_ascii_lowercase();
    let exact = Kind::ALL
        .into_iter()
        .find(|k| lower == k.as_str() || lower == k.dir() || lower == format!("{}s", k.as_str()));
    // Else the nearest kind, if within two edits; of kinds as near, the first.
    let distance = |k: &Kind| strsim::damerau_levenshtein(&lower, k.as_str());
    let nearest = Kind::ALL.into_iter().min_by_key(distance);
    let kind = exact.or(nearest.filter(|k| distance(k) <= 2))?;
    Some((scheme, kind, id))
}

/// Where in a document a reference stands, as far as embedding cares.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Place {
    #[default]
    Flow,
    Heading,
    TableCell,
    LinkText,
}

/// One reference found by [`scan_source`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
    /// number that ends its anchor ([`anchor_id`]).
    pub nth: usize,
    /// Kept with the mention and reused from build to build; cheap to clone.
    pub snippet: Snippet,
    /// Set on a link that is no reference but must not be published as it
    /// stands; such a link has no anchor (`nth` is 0) and, for a script
    /// link, no meaningful `kind` or `id`.
    pub flaw: Option<Flaw>,
}

/// The element id of the `n`th reference to `kind:id` in a body.
pub fn anchor_id(prefix: &str, kind: Kind, id: &str, n: usize) -> String {
    format!("{prefix}m-{}-{id}-{n}", kind.as_str())
}

/// Whether a link leaves the site: it has a URL scheme (as a reference's
/// `party:x` does) or is protocol-relative.
pub fn is_external(target: &str) -> bool {
    // A scheme: a letter, then letters, digits, `+`, `-` or `.`, up to a
    // colon that comes before any `/`, `?` or `#`.
    let bytes = target.as_bytes();
    let end = (bytes.iter()).position(|&b| matches!(b, b':' | b'/' | b'?' | b'#'));
    let scheme = &bytes[..end.filter(|&at| bytes[at] == b':').unwrap_or(0)];
    bytes.starts_with(b"//")
        || (scheme.first().is_some_and(u8::is_ascii_alphabetic)
            && (scheme.iter())
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
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
    /// Whether the body holds markup of the author's own that may point into
    /// the site: raw HTML, or a link or image that is not external. Every
    /// other link in it was made from the briefing's references.
    pub authored_links: bool,
    /// Whether the body embeds an entity's card (`![](quote:x)`).
    pub embeds: bool,
}

/// Renders `body` to HTML, rewriting references, footnotes, headings and code.
///
/// The main text streams from the parser through the adapters to the HTML
/// writer, with footnote definitions set aside as they are met. The notes
/// are rendered after it, in the order of their first call, and each call's
/// sidenote is then put where the call stands in the HTML.
pub fn render(
    body: &str,
    targets: &dyn Targets,
    highlighter: &Highlighter,
    options: RenderOptions,
) -> Rendered {
    let mut references = references::References::new(targets, options);
    let mut headings = Vec::new();
    let mut footnotes = notes::Footnotes::default();
    let main_text = footnotes.main_text(body).map(|(event, _)| event);
    let events = rewrite(main_text, &mut references, highlighter, &mut headings);
    let (html, places) = notes::write_main(events, body.len() * 2);

    let mut notes = notes::Notes::default();
    for (label, _, events) in footnotes.in_call_order() {
        let events = events.into_iter().map(|(event, _)| event);
        // A note's headings are not the body's, and a call inside a note has
        // no place for a sidenote: it is shown as written.
        let mut headings = Vec::new();
        let events = rewrite(events, &mut references, highlighter, &mut headings);
        notes.add(&label, events.map(notes::call_as_text));
    }
    Rendered {
        html: notes.place(&html, &places, options.id_prefix),
        headings,
        referenced: references.counts.into_keys().collect(),
        ..references.found
    }
}

/// Reads events from `next` through the end of the tag just opened, giving
/// each (its end included) to `keep`.
fn read_to_end<'e>(mut next: impl FnMut() -> Option<Event<'e>>, mut keep: impl FnMut(Event<'e>)) {
    let mut depth = 1;
    while depth > 0
        && let Some(event) = next()
    {
        depth = nested(depth, &event);
        keep(event);
    }
}

/// How many tags are open after `event`, `depth` having been open before it.
fn nested(depth: usize, event: &Event) -> usize {
    match event {
        Event::Start(_) => depth + 1,
        Event::End(_) => depth - 1,
        _ => depth,
    }
}

/// The rewrite of one stream of events, the main text's or a note's: heading
/// ids (from the text as written, before references add names to it), then
/// references, then code highlighting, then rebasing of the author's links.
fn rewrite<'e>(
    events: impl Iterator<Item = Event<'e>>,
    references: &mut references::References,
    highlighter: &Highlighter,
    headings: &mut Vec<Heading>,
) -> impl Iterator<Item = Event<'e>> {
    let options = references.options;
    let events = rewrite::heading_ids(events, options.id_prefix, headings);
    let events = references.rewrite(events);
    let events = rewrite::highlight_code(events, highlighter);
    let events = events.map(move |event| rewrite::rebase(event, &options));
    events.flat_map(conventions::expand)
}

#[cfg(test)]
mod tests;
