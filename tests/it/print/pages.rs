//! Page numbers in the PDF: on labels, on appendix entries' mentions and in
//! the index. Every number is checked against the text of the page it names
//! (pdftotext, page by page, in the order the page draws it), never against
//! a number written down here, so no font or machine can make them differ.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::tools::*;
use super::{briefing_pdf, normalise, pdf_into};
use crate::support::*;

/// The text of each page of `pdf`, in drawing order, whitespace normalised;
/// page N is at N - 1.
fn page_texts(pdf: &Path) -> Vec<String> {
    let text = tool("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"]);
    let mut pages: Vec<String> = text.split('\x0c').map(normalise).collect();
    // pdftotext ends the last page with a form feed too.
    if pages.last().is_some_and(String::is_empty) {
        pages.pop();
    }
    pages
}

/// The pages written from the start of `text`, as `3, 5, 9–10`, expanded.
fn parse_pages(text: &str) -> Vec<u32> {
    let mut pages = Vec::new();
    let mut rest = text;
    loop {
        let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let n = digits(rest);
        let Ok(start) = rest[..n].parse::<u32>() else {
            break;
        };
        rest = &rest[n..];
        let mut end = start;
        if let Some(after) = rest.strip_prefix('–') {
            let m = digits(after);
            end = after[..m].parse().expect("a range ends in a page");
            rest = &after[m..];
        }
        pages.extend(start..=end);
        match rest.strip_prefix(", ") {
            Some(next) if next.starts_with(|c: char| c.is_ascii_digit()) => rest = next,
            _ => break,
        }
    }
    pages
}

/// Whether `text` holds a reference labelled `label`: `[P1]` or `[P1, p. 4]`.
fn has_reference(text: &str, label: &str) -> bool {
    text.contains(&format!("[{label}]")) || text.contains(&format!("[{label}, p."))
}

/// An appendix entry as the PDF shows it.
#[derive(Debug)]
struct Entry {
    label: String,
    /// The page its "Mentioned on" line is on, which is its own page.
    page: u32,
    /// The pages that line lists.
    mentioned: Vec<u32>,
}

/// Checks every page number in `pdf`, the print of the site whose
/// `print.html` is `html`; returns the entries as the PDF lists them.
fn check_page_numbers(pdf: &Path, html: &scraper::Html) -> Vec<Entry> {
    let pages = page_texts(pdf);
    let text_of = |page: u32| &pages[page as usize - 1];
    // The appendix entries, in order, with their labels.
    let labels: Vec<String> = select(html, "article.appendix-entry h3 .label")
        .iter()
        .map(text)
        .collect();
    assert!(!labels.is_empty());
    // Each entry's line of mentions, in document order.
    let mut entries = Vec::new();
    for (n, page) in pages.iter().enumerate() {
        for (at, _) in page.match_indices("Mentioned on p") {
            let list = page[at..].split_once(' ').unwrap().1;
            let list = list.split_once(' ').unwrap().1.split_once(' ').unwrap().1;
            entries.push((n as u32 + 1, parse_pages(list)));
        }
    }
    assert_eq!(
        entries.len(),
        labels.len(),
        "every appendix entry lists its pages once"
    );
    let entries: Vec<Entry> = (labels.into_iter().zip(entries))
        .map(|(label, (page, mentioned))| Entry {
            label,
            page,
            mentioned,
        })
        .collect();
    // Every page an entry lists holds a reference to it.
    for e in &entries {
        assert!(!e.mentioned.is_empty(), "{e:?}");
        for &page in &e.mentioned {
            assert!(
                has_reference(text_of(page), &e.label),
                "{} is listed as mentioned on page {page}, which has no [{}]: {}",
                e.label,
                e.label,
                text_of(page)
            );
        }
    }
    // A label's page is its entry's; a section reference's is where the
    // section's heading is. Neither names the page it is on.
    let entry_page: BTreeMap<&str, u32> = entries.iter().map(|e| (&*e.label, e.page)).collect();
    let headings: BTreeMap<String, String> = select(html, ".print-section > h2")
        .iter()
        .map(|h| {
            let heading = text(h);
            let number = heading.split_once('.').unwrap().0.to_string();
            (format!("§{number}"), heading)
        })
        .collect();
    let mut labelled = 0;
    for (n, page) in pages.iter().enumerate() {
        for (at, _) in page.match_indices(", p. ") {
            let Some(open) = page[..at].rfind('[') else {
                continue;
            };
            let label = &page[open + 1..at];
            let to = parse_pages(&page[at + 5..]);
            let [to] = to[..] else {
                panic!("one page after {label}: {page}")
            };
            assert_ne!(to, n as u32 + 1, "[{label}] names its own page");
            match headings.get(label) {
                Some(heading) => assert!(
                    text_of(to).contains(heading),
                    "[{label}, p. {to}]: page {to} has no heading {heading}"
                ),
                None => assert_eq!(entry_page.get(label), Some(&to), "[{label}, p. {to}]"),
            }
            labelled += 1;
        }
    }
    assert!(labelled > 0, "no label carries a page");
    // The index gives each entity the pages of its entry's line, and the
    // entry's own page.
    let first = pages
        .iter()
        .position(|p| p.contains("Index Every party"))
        .expect("an index page");
    let index = pages[first..].join(" ");
    for e in &entries {
        let at = index
            .find(&format!(" {} ", e.label))
            .unwrap_or_else(|| panic!("{} is not in the index: {index}", e.label));
        let listed = parse_pages(&index[at + e.label.len() + 2..]);
        let mut expected: BTreeSet<u32> = e.mentioned.iter().copied().collect();
        expected.insert(e.page);
        assert_eq!(
            listed,
            expected.into_iter().collect::<Vec<_>>(),
            "index line of {}",
            e.label
        );
    }
    entries
}

#[test]
fn pages_are_parsed_as_written() {
    assert_eq!(parse_pages("3, 5, 9–10 P4"), [3, 5, 9, 10]);
    assert_eq!(parse_pages("7"), [7]);
    assert_eq!(parse_pages("2, see"), [2]);
    assert_eq!(parse_pages("none"), [] as [u32; 0]);
    assert!(has_reference("Acme [P1, p. 6] and", "P1"));
    assert!(!has_reference("Acme [P10]", "P1"));
}

#[test]
fn print_html_has_an_index_of_every_label_and_alias_without_numbers() {
    let site = site("print/pages");
    let out = build_ok(site.path());
    let html = page(&out, "print.html");
    let lines: Vec<String> = select(&html, ".book-index .index-entry")
        .iter()
        .map(text)
        .collect();
    assert_eq!(
        lines,
        [
            "Acme P1",
            "Acme Corporation, see Acme",
            "Acme, reported: We will deliver. Q1",
            "Bolt P2",
            "Supply C1"
        ]
    );
    let letters: Vec<String> = select(&html, ".index-letter").iter().map(text).collect();
    assert_eq!(letters, ["A", "B", "S"]);
    // Each line leads to its entry; the numbers are for `brief pdf` to write.
    for line in select(&html, ".book-index .index-entry a") {
        let href = line.value().attr("href").unwrap();
        assert_eq!(select(&html, href).len(), 1, "{href}");
    }
    for slot in select(&html, "[data-pages-of]") {
        assert_eq!(text(&slot), "");
        let of = slot.value().attr("data-pages-of").unwrap();
        assert_eq!(select(&html, &format!("#{of}.appendix-entry")).len(), 1);
    }
    // What speaks of pages is hidden on screen and on paper alike.
    let about_pages = select(&html, ".with-pages");
    assert_eq!(about_pages.len(), 2);
    assert!(
        about_pages
            .iter()
            .all(|e| e.value().attr("hidden").is_some())
    );
    let contents = select(&html, ".contents a[href='#index']");
    assert_eq!(contents.iter().map(text).collect::<Vec<_>>(), ["Index"]);
    // By hand a document cannot know its pages: it says where by section.
    let mentioned: Vec<String> = select(&html, ".appendix-entry .in-sections")
        .iter()
        .map(text)
        .collect();
    assert_eq!(
        mentioned,
        [
            "Mentioned in §1, §2, §3",
            "Mentioned in §1, §2",
            "Mentioned in §1, §3",
            "Mentioned in §3"
        ]
    );
}

#[test]
fn pdf_of_a_few_pages_numbers_every_reference_and_indexes_it() {
    if !tools_present("pdf_of_a_few_pages_numbers_every_reference_and_indexes_it") {
        return;
    }
    let site = site("print/pages");
    let out = build_ok(site.path());
    let pdf = artifacts().join("pages.pdf");
    let run = pdf_into(site.path(), &pdf);
    assert!(run.status.success(), "{}", stderr(&run));
    let entries = check_page_numbers(&pdf, &page(&out, "print.html"));
    // Each section is one short page (3 to 5), each appendix another: these
    // pages do not depend on any font.
    let found: Vec<(&str, u32, &[u32])> = (entries.iter())
        .map(|e| (&*e.label, e.page, &e.mentioned[..]))
        .collect();
    assert_eq!(
        found,
        [
            // Page 4 names Acme only in a note.
            ("P1", 6, &[3, 4, 5, 6][..]),
            ("P2", 6, &[3, 4][..]),
            ("C1", 7, &[3, 5][..]),
            ("Q1", 8, &[5][..]),
        ]
    );
    let pages = page_texts(&pdf);
    // The second label on a page says no page again; a § label gives the
    // section's page.
    assert!(
        pages[2].contains("Acme [P1, p. 6] signs a supply term [C1, p. 7] with Bolt [P2, p. 6]. Acme [P1] is named twice"),
        "{}",
        pages[2]
    );
    assert!(pages[3].contains("the start [§1, p. 3]"), "{}", pages[3]);
    assert!(
        pages[3].contains("The note names Acme [P1, p. 6]"),
        "{}",
        pages[3]
    );
    assert!(
        pages[5].contains("A supplier to Acme [P1]."),
        "{}",
        pages[5]
    );
    assert!(!pages.iter().any(|p| p.contains("Mentioned in §")));
    assert!(
        pages[0].contains("A page number beside a label is the page of its appendix entry"),
        "{}",
        pages[0]
    );
    assert!(pages[8].contains("its appendix entry's page is in bold"));
    page_images(&pdf, &artifacts().join("pages"));
}

#[test]
fn pdf_of_the_shipped_briefing_numbers_every_reference_and_indexes_it() {
    if !tools_present("pdf_of_the_shipped_briefing_numbers_every_reference_and_indexes_it") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    build_shipped(tmp.path());
    let entries = check_page_numbers(briefing_pdf(), &page(tmp.path(), "print.html"));
    assert!(entries.len() > 20, "{entries:?}");
    let pages = page_texts(briefing_pdf());
    let index = pages.len().to_string();
    tool(
        "pdftoppm",
        &[
            "-r",
            "60",
            "-png",
            "-f",
            &index,
            "-l",
            &index,
            briefing_pdf().to_str().unwrap(),
            artifacts().join("briefing-index").to_str().unwrap(),
        ],
    );
}

#[test]
fn print_html_printed_by_hand_has_labels_without_pages() {
    if !tools_present("print_html_printed_by_hand_has_labels_without_pages") {
        return;
    }
    let site = site("print/pages");
    let out = build_ok(site.path());
    let pdf = site.path().join("by-hand.pdf");
    let chromium = std::env::var("BRIEF_CHROMIUM").unwrap_or_else(|_| {
        let candidates = ["chromium", "chromium-browser", "google-chrome", "chrome"];
        let found = candidates.into_iter().find(|c| runs(c, "--version"));
        found.unwrap_or("chromium").to_string()
    });
    let printed = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", out.join("print.html").display()))
        .output()
        .unwrap();
    assert!(pdf.exists(), "{}", stderr(&printed));
    let text = page_texts(&pdf).join(" ");
    assert!(
        text.contains("Acme [P1] signs a supply term [C1] with Bolt [P2]."),
        "{text}"
    );
    assert!(text.contains("Mentioned in §1, §3"), "{text}");
    assert!(
        text.contains("Acme P1 Acme Corporation, see Acme"),
        "{text}"
    );
    for never in [
        ", p. ",
        "Mentioned on",
        "A page number beside",
        "appendix entry's page",
    ] {
        assert!(!text.contains(never), "{never}: {text}");
    }
}
