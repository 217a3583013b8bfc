//! Traces a miss found in the rendered output back to the Markdown link that
//! made it, so the author sees the file, line and column to fix. A miss on the
//! link's own page and the same link rebased onto `print.html` are one
//! mistake and become one diagnostic listing both pages.
//!
//! It reads only the source texts it is given; it never renders, and a miss
//! it cannot trace (one a template made) is handed back untouched.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{Miss, Problem, html, percent_decode, resolve};
use crate::annotate::{self, is_external};
use crate::diagnostics::{Diagnostic, FileId, Files, suggest};
use crate::model::Doc;

/// Turns misses into diagnostics at the Markdown link that made them, when one
/// can be found; the misses left over came from templates. `docs` are the
/// content files with a body, each with the page it renders to (its links
/// can also appear on other pages).
pub fn locate(
    mut misses: Vec<Miss>,
    files: &Files,
    docs: &[(String, Doc)],
    outputs: &[&str],
) -> (Vec<Diagnostic>, Vec<Miss>) {
    let mut links: HashMap<FileId, Vec<(String, Range<usize>)>> = HashMap::new();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut left = Vec::new();
    // Every page has its own path, so one body at most is a page's own.
    let by_page: HashMap<&str, &(String, Doc)> =
        docs.iter().map(|doc| (doc.0.as_str(), doc)).collect();
    // A link's own page explains a miss best, so it speaks first.
    misses.sort_by_key(|m| !by_page.contains_key(m.page.as_str()));
    for miss in misses {
        // An author's link stands on its own page, and every body is shown
        // again in print.html; no other page holds one.
        let own = by_page.get(miss.page.as_str()).copied();
        let print = if miss.page == "print.html" { docs } else { &[] };
        let found = own.into_iter().chain(print).find_map(|(page, doc)| {
            let list = links
                .entry(doc.file)
                .or_insert_with(|| markdown_links(files.text(doc.file), doc.body_start));
            list.iter()
                .find(|(dest, _)| same_target(dest, page, &miss))
                .map(|(_, span)| (doc.file, span.clone()))
        });
        let Some((file, span)) = found else {
            left.push(miss);
            continue;
        };
        // One link shown on several pages (its own and print.html) is one mistake.
        match diagnostics
            .iter_mut()
            .find(|d| d.file == file && d.span == span)
        {
            Some(seen) => seen.label = format!("{}, {}", seen.label, miss.page),
            None => diagnostics.push(diagnostic(&miss, file, span, outputs)),
        }
    }
    (diagnostics, left)
}

fn diagnostic(miss: &Miss, file: FileId, span: Range<usize>, outputs: &[&str]) -> Diagnostic {
    let help = match &miss.problem {
        Problem::NoFile(path) => suggest(path, outputs.iter().copied()).map(|s| {
            let depth = miss.page.matches('/').count();
            format!("did you mean `{}{s}`?", "../".repeat(depth))
        }),
        Problem::RootAbsolute => {
            Some("use a path relative to the page, such as `../parties/x.html`".to_string())
        }
        _ => None,
    };
    let message = format!("broken link: {}", miss.problem);
    Diagnostic::error("broken-link", file, span, message)
        .with_label(format!("linked here, on {}", miss.page))
        .with_help_opt(help)
}

/// Whether a Markdown destination written for `doc_page` is the link that
/// missed, either as written or as rebased onto another page (print.html).
fn same_target(dest: &str, doc_page: &str, miss: &Miss) -> bool {
    let (dest, target) = (percent_decode(dest), percent_decode(&miss.target));
    if dest == target {
        return true;
    }
    // On print.html a body's own `#fragment` gains the body's id prefix.
    if let (Some(fragment), Some(moved)) = (dest.strip_prefix('#'), target.strip_prefix('#')) {
        return doc_page != miss.page && moved.ends_with(fragment);
    }
    let (dest_path, dest_fragment) = dest.split_once('#').unwrap_or((&dest, ""));
    let (target_path, target_fragment) = target.split_once('#').unwrap_or((&target, ""));
    if dest_path.is_empty()
        || is_external(&dest)
        || dest.starts_with('/')
        || dest_fragment != target_fragment
    {
        return false;
    }
    // Paths climbing out of the site resolve to nothing; compare what they
    // climb to instead.
    match (
        resolve(doc_page, dest_path),
        resolve(&miss.page, target_path),
    ) {
        (Some(a), Some(b)) => a == b,
        (None, None) => dest_path.ends_with(target_path.trim_start_matches("../")),
        _ => false,
    }
}

/// Every link and image destination in a Markdown body, with its span in the
/// file: those written as Markdown, and the `href`, `src` and `srcset`
/// values of its raw HTML, located at the value.
fn markdown_links(text: &str, body_start: usize) -> Vec<(String, Range<usize>)> {
    let body = text.get(body_start..).unwrap_or("");
    let mut links = Vec::new();
    // An HTML block is read whole, from the source, so that a tag written
    // over several lines is read as one; its lines' events are then skipped.
    let mut in_block = false;
    for (event, range) in Parser::new_ext(body, annotate::options()).into_offset_iter() {
        let at = body_start + range.start;
        let raw_html = match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                links.push((dest_url.to_string(), at..body_start + range.end));
                None
            }
            Event::Start(Tag::HtmlBlock) => {
                in_block = true;
                body.get(range)
            }
            Event::End(TagEnd::HtmlBlock) => {
                in_block = false;
                None
            }
            Event::InlineHtml(_) | Event::Html(_) if !in_block => body.get(range),
            _ => None,
        };
        for (url, value) in raw_html.map(html::links).unwrap_or_default() {
            links.push((url, at + value.start..at + value.end));
        }
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "+++\ntitle = \"x\"\n+++\nSee [the memo](../memo.html) now.\n";

    /// One section, `sections/a.html`, whose body links to `../memo.html`.
    fn one_section() -> (Files, (String, Doc)) {
        let mut files = Files::default();
        let file = files.add("content/sections/01-a.md".into(), TEXT.to_string());
        let doc = Doc {
            file,
            meta_start: 4,
            body_start: 20,
        };
        (files, ("sections/a.html".into(), doc))
    }

    #[test]
    fn locates_a_miss_in_markdown() {
        let (files, doc) = one_section();
        let text = TEXT;
        let miss = Miss {
            page: "sections/a.html".into(),
            line: 3,
            target: "../memo.html".into(),
            problem: Problem::NoFile("memo.html".into()),
        };
        let (diags, left) = locate(vec![miss], &files, &[doc], &["memos.html"]);
        assert!(left.is_empty());
        assert_eq!(&text[diags[0].span.clone()], "[the memo](../memo.html)");
        assert_eq!(
            diags[0].help.as_deref(),
            Some("did you mean `../memos.html`?")
        );
    }

    #[test]
    fn a_miss_is_traced_only_to_bodies_shown_on_its_page() {
        let (files, doc) = one_section();
        let miss_on = |page: &str| Miss {
            page: page.into(),
            line: 3,
            target: "../memo.html".into(),
            problem: Problem::NoFile("memo.html".into()),
        };
        // Another page one folder down makes the same link: a template's.
        let docs = [doc];
        let (found, left) = locate(vec![miss_on("sections/b.html")], &files, &docs, &[]);
        assert!(found.is_empty());
        assert_eq!(left.len(), 1);
        // print.html shows every body, rebased to the root.
        let print = Miss {
            target: "memo.html".into(),
            ..miss_on("print.html")
        };
        let (found, left) = locate(vec![print], &files, &docs, &[]);
        assert_eq!(found.len(), 1, "{left:?}");
    }
}
