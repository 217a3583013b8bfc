//! Page numbers for the paper edition's cross-references, which Chromium's
//! CSS cannot make (it has no `target-counter()`).
//!
//! What takes a page number is read from the document's own markup, never
//! from a list of kinds: every labelled reference (an `a` with `data-label`,
//! an `id` and a link to `#target`), every appendix entry (an element of class
//! `appendix-entry` with an `id`), and every place that lists the pages of a
//! target (`data-pages-of`, the index). So a new kind of entry or reference
//! gets its numbers as soon as the template marks it so.
//!
//! The page of every one of those ids comes from the printed PDF's named
//! destinations. Chromium writes one for each id that some link in the
//! document targets, rendered or not, so the document is printed with a
//! hidden list of links to them ([`Marks::probe`]). From those pages,
//! [`Marks::style`] writes CSS that puts the numbers in as generated content:
//! a reference's label gains the page of what it points at (`[P2, p. 21]`)
//! when that is on another page and it is the first reference to it on its
//! page; an appendix entry ends "Mentioned on pp. 3, 5, 9–10"; an index line
//! lists every page its entity is mentioned on, its entry's page in bold.
//! This module neither prints nor reads a PDF itself.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write;

use super::css_string;
use crate::verify::html::each_attribute;

/// A labelled reference: how to pick it out, where it is, and the anchor it
/// points at.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Reference {
    /// The attribute that tells it from every other reference (`id`, or
    /// `data-note-id` for a note's copy of a reference, which has no id of
    /// its own) and its value.
    by: (&'static str, String),
    /// The anchor whose page is the reference's: its own id, or for a
    /// note's copy the id of the nearest element before it (its note).
    at: String,
    target: String,
    label: String,
}

/// What in a printed document takes page numbers.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Marks {
    /// Every labelled reference, in document order.
    references: Vec<Reference>,
    /// The anchors of the appendix entries, in document order.
    entries: Vec<String>,
    /// The anchors whose pages some place in the document lists.
    listed: Vec<String>,
}

/// The attributes of one start tag that matter here.
#[derive(Default)]
struct Tag {
    start: usize,
    is_a: bool,
    id: Option<String>,
    note_id: Option<String>,
    href: Option<String>,
    label: Option<String>,
    entry: bool,
    pages_of: Option<String>,
}

impl Marks {
    /// Reads the marks out of the document's markup.
    pub fn scan(html: &str) -> Marks {
        let mut marks = Marks::default();
        let mut tag = Tag::default();
        let mut last_id = None;
        each_attribute(html, |start, name, attribute, value| {
            if start != tag.start {
                marks.take(std::mem::take(&mut tag), &mut last_id);
                tag.start = start;
            }
            tag.is_a = name.eq_ignore_ascii_case("a");
            let value = || crate::verify::decode_references(&html[value.clone()]).into_owned();
            match attribute {
                "id" => tag.id = Some(value()),
                "data-note-id" => tag.note_id = Some(value()),
                "href" => tag.href = Some(value()),
                "data-label" => tag.label = Some(value()),
                "data-pages-of" => tag.pages_of = Some(value()),
                "class" => tag.entry = value().split_whitespace().any(|c| c == "appendix-entry"),
                _ => {}
            }
        });
        marks.take(tag, &mut last_id);
        marks
    }

    /// Takes in one start tag; `last_id` is the id of the nearest element
    /// before it that has one.
    fn take(&mut self, tag: Tag, last_id: &mut Option<String>) {
        self.listed.extend(tag.pages_of);
        let target = tag.href.as_deref().and_then(|h| h.strip_prefix('#'));
        let by = match (&tag.id, tag.note_id) {
            (Some(id), _) => Some(("id", id.clone(), id.clone())),
            (None, Some(note)) => last_id.clone().map(|at| ("data-note-id", note, at)),
            (None, None) => None,
        };
        match (tag.is_a, target, tag.label, by) {
            (true, Some(target), Some(label), Some((attribute, value, at)))
                if !target.is_empty() =>
            {
                self.references.push(Reference {
                    by: (attribute, value),
                    at,
                    target: target.to_string(),
                    label,
                })
            }
            _ if tag.entry => self.entries.extend(tag.id.clone()),
            _ => {}
        }
        if tag.id.is_some() {
            *last_id = tag.id;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.references.is_empty() && self.entries.is_empty() && self.listed.is_empty()
    }

    /// Every anchor whose page the numbers need, each once, sorted.
    pub fn anchors(&self) -> BTreeSet<&str> {
        let references = self.references.iter();
        (references.flat_map(|r| [r.at.as_str(), r.target.as_str()]))
            .chain(self.entries.iter().map(String::as_str))
            .chain(self.listed.iter().map(String::as_str))
            .collect()
    }

    /// A hidden list of links to every [anchor](Self::anchors), for the end
    /// of the document's body: Chromium then writes a named destination, with
    /// its page, for each of them. It takes no room on any page; with no
    /// anchors it is empty.
    pub fn probe(&self) -> String {
        if self.is_empty() {
            return String::new();
        }
        let mut probe = String::from("<div hidden>");
        for id in self.anchors() {
            probe += "<a href=\"#";
            let _ = pulldown_cmark_escape::escape_html(&mut probe, id);
            probe += "\"></a>";
        }
        probe + "</div>\n"
    }

    /// CSS that writes page numbers into the document, given the page of
    /// each anchor; anchors without a page (not printed) get none.
    pub fn style(&self, pages: &BTreeMap<String, u32>) -> String {
        let mut css = String::from(
            "/* Page numbers, from the print before. */\n\
             .appendix-entry .in-sections { display: none !important; }\n\
             .with-pages[hidden] { display: inline !important; }\n",
        );
        let mentions = self.mentions(pages);
        let mut seen: HashSet<(u32, &str)> = HashSet::new();
        for r in &self.references {
            let (Some(&at), Some(&to)) = (pages.get(&r.at), pages.get(&r.target)) else {
                continue;
            };
            // Once a page has shown where something is, it need not again.
            if to == at || !seen.insert((at, &r.target)) {
                continue;
            }
            let _ = writeln!(
                css,
                "a.ref[{}=\"{}\"][data-label]::after {{ content: \"{}\" !important; }}",
                r.by.0,
                css_string(&r.by.1),
                css_string(&format!("\u{a0}[{}, p.\u{a0}{to}]", r.label)),
            );
        }
        for id in &self.entries {
            let Some(on) = mentions.get(id.as_str()).filter(|on| !on.is_empty()) else {
                continue;
            };
            let pp = if on.len() == 1 { "p." } else { "pp." };
            let _ = writeln!(
                css,
                ".appendix-entry[id=\"{}\"]::after {{ content: \"{}\"; }}",
                css_string(id),
                css_string(&format!("Mentioned on {pp} {}", ranges(on))),
            );
        }
        for id in self.listed.iter().collect::<BTreeSet<_>>() {
            let Some(&main) = pages.get(id) else { continue };
            let on = mentions.get(id.as_str());
            let (before, after): (Vec<u32>, Vec<u32>) = (on.into_iter().flatten())
                .filter(|&&p| p != main)
                .partition(|&&p| p < main);
            let selector = format!("[data-pages-of=\"{}\"]", css_string(id));
            // The entry's own page sits between the others, with commas.
            let comma = |pages: &[u32]| if pages.is_empty() { "" } else { ", " };
            let before = ranges(&before) + comma(&before);
            let after = comma(&after).to_string() + &ranges(&after);
            let _ = writeln!(
                css,
                "{selector}::before {{ content: \"{}\"; }}\n\
                 {selector} .index-main::after {{ content: \"{main}\"; }}\n\
                 {selector}::after {{ content: \"{}\"; }}",
                css_string(&before),
                css_string(&after),
            );
        }
        css
    }

    /// The pages each target is referenced on, sorted, each once.
    fn mentions(&self, pages: &BTreeMap<String, u32>) -> BTreeMap<&str, BTreeSet<u32>> {
        let mut on: BTreeMap<&str, BTreeSet<u32>> = BTreeMap::new();
        for r in &self.references {
            if let Some(&page) = pages.get(&r.at) {
                on.entry(&r.target).or_default().insert(page);
            }
        }
        on
    }
}

/// Sorted pages as a reader expects them: runs of consecutive pages
/// collapsed into ranges, `3, 5, 9–10`.
fn ranges<'a>(pages: impl IntoIterator<Item = &'a u32>) -> String {
    let pages: Vec<u32> = pages.into_iter().copied().collect();
    let run = |run: &[u32]| match run {
        [start, .., end] => format!("{start}–{end}"),
        [page] => page.to_string(),
        [] => String::new(),
    };
    let runs: Vec<String> = pages
        .chunk_by(|&page, &next| page + 1 == next)
        .map(run)
        .collect();
    runs.join(", ")
}

#[cfg(test)]
mod tests;
