//! The shipped briefing's PDF against its sources: every title, direct quote
//! and label is printed, the outline lists every section and appendix, and the
//! contents give the page each section starts on.

use std::path::PathBuf;

use super::tools::{outline, page_count, tool, tools_present};
use super::{briefing_pdf, normalise};
use crate::support::*;

/// `(key, value)` of each content file's front matter in `content/DIR`.
fn front_matter(dir: &str) -> Vec<toml::Table> {
    let mut tables = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(repo_root().join("content").join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let inner = text
            .strip_prefix("+++")
            .and_then(|t| t.split_once("\n+++"))
            .map(|(fm, _)| fm)
            .unwrap();
        tables.push(inner.parse::<toml::Table>().unwrap());
    }
    tables
}

fn field(table: &toml::Table, key: &str) -> String {
    table.get(key).and_then(|v| v.as_str()).unwrap().to_string()
}

#[test]
fn pdf_of_the_shipped_briefing_holds_every_title_quote_and_label() {
    if !tools_present("pdf_of_the_shipped_briefing_holds_every_title_quote_and_label") {
        return;
    }
    let pdf = briefing_pdf();
    let text = normalise(&tool("pdftotext", &[pdf.to_str().unwrap(), "-"]));
    let sections = front_matter("sections");
    let clauses = front_matter("clauses");
    let quotes = front_matter("quotes");
    let parties = front_matter("parties");
    for title in sections.iter().chain(&clauses).map(|t| field(t, "title")) {
        assert!(
            text.contains(&normalise(&title)),
            "title missing from the PDF: {title}"
        );
    }
    for q in quotes.iter().filter(|q| field(q, "kind") == "direct") {
        let quoted = normalise(&field(q, "text"));
        assert!(
            text.contains(&format!("“{quoted}”")),
            "direct quote missing: {quoted}"
        );
    }
    for (prefix, count) in [
        ("P", parties.len()),
        ("C", clauses.len()),
        ("Q", quotes.len()),
    ] {
        for n in 1..=count {
            let label = format!("{prefix}{n}");
            // In the PDF a label may carry its entry's page: `[P2, p. 21]`.
            assert!(
                text.contains(&format!("[{label}]")) || text.contains(&format!("[{label}, p. ")),
                "no reference labelled [{label}]"
            );
            assert!(
                text.contains(&format!("{label} ")),
                "no appendix entry under {label}"
            );
        }
    }
    for heading in [
        "Contents",
        "Appendix A. Parties",
        "Appendix B. What changed",
        "Appendix C. Quotes",
    ] {
        assert!(text.contains(heading), "{heading} missing");
    }
    assert!(!text.contains("http"), "a URL is printed");
    for nav in [
        "Skip to content",
        "Back to the online briefing",
        "Search the briefing",
        "About this quote",
        "About this statement",
        "Print edition",
    ] {
        assert!(!text.contains(nav), "navigation text on paper: {nav}");
    }
    let pages = page_count(pdf);
    assert!((12..=45).contains(&pages), "{pages} pages");
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Title:") && l.trim_end().ends_with(" Unbundled")),
        "{info}"
    );
}

#[test]
fn pdf_outline_lists_every_section_and_appendix() {
    if !tools_present("pdf_outline_lists_every_section_and_appendix") {
        return;
    }
    let entries = outline(briefing_pdf());
    let titles: Vec<&str> = entries.iter().map(|(t, _)| t.as_str()).collect();
    for (n, section) in front_matter("sections").iter().enumerate() {
        let expected = normalise(&format!("{}. {}", n + 1, field(section, "title")));
        assert!(
            titles.contains(&expected.as_str()),
            "outline lacks {expected:?}: {titles:?}"
        );
    }
    for appendix in [
        "Contents",
        "Appendix A. Parties",
        "Appendix B. What changed",
        "Appendix C. Quotes",
    ] {
        assert!(
            titles.contains(&appendix),
            "outline lacks {appendix:?}: {titles:?}"
        );
    }
    let pages: Vec<u64> = entries.iter().map(|(_, p)| *p).collect();
    assert!(
        pages.windows(2).all(|w| w[0] <= w[1]),
        "outline out of page order: {entries:?}"
    );
}

/// The page an outline entry titled `title` points at.
fn page_of(entries: &[(String, u64)], title: &str) -> u64 {
    entries
        .iter()
        .find(|(t, _)| t == title)
        .map(|(_, p)| *p)
        .unwrap_or_else(|| panic!("no outline entry {title:?}"))
}

#[test]
fn pdf_contents_give_the_page_each_section_starts_on() {
    if !tools_present("pdf_contents_give_the_page_each_section_starts_on") {
        return;
    }
    let pdf = briefing_pdf();
    let entries = outline(pdf);
    let contents_page = page_of(&entries, "Contents");
    let page = contents_page.to_string();
    let text = normalise(&tool(
        "pdftotext",
        &["-f", &page, "-l", &page, pdf.to_str().unwrap(), "-"],
    ));
    for (n, section) in front_matter("sections").iter().enumerate() {
        let title = normalise(&field(section, "title"));
        let starts = page_of(&entries, &format!("{}. {title}", n + 1));
        assert!(
            text.contains(&format!("{} {title} {starts}", n + 1)),
            "contents should list {title} on page {starts}: {text}"
        );
    }
    for (letter, title) in [("A", "Parties"), ("B", "What changed"), ("C", "Quotes")] {
        let starts = page_of(&entries, &format!("Appendix {letter}. {title}"));
        assert!(
            text.contains(&format!("{letter} {title} {starts}")),
            "contents should list appendix {letter} on page {starts}: {text}"
        );
    }
}
