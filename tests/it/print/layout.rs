//! How the PDF sits on paper: no page blank and no word past the margins, a
//! party page printed short and clean, A4 by default and letter when asked,
//! and content wider than the paper wrapped rather than shrunk.

use std::path::PathBuf;

use super::tools::*;
use super::{briefing_pdf, normalise, pdf_into, print_shipped};
use crate::support::*;

#[test]
fn pdf_pages_are_neither_blank_nor_spill_past_the_margins() {
    if !tools_present("pdf_pages_are_neither_blank_nor_spill_past_the_margins") {
        return;
    }
    let pdf = briefing_pdf();
    let dir = artifacts();
    for old in std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()) {
        if old.extension().is_some_and(|x| x == "png")
            && old
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("briefing-"))
        {
            std::fs::remove_file(old).unwrap();
        }
    }
    page_images(pdf, &dir.join("briefing"));
    let gray = tempfile::tempdir().unwrap();
    tool(
        "pdftoppm",
        &[
            "-gray",
            "-r",
            "50",
            pdf.to_str().unwrap(),
            gray.path().join("p").to_str().unwrap(),
        ],
    );
    let mut pages: Vec<PathBuf> = std::fs::read_dir(gray.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pages.sort();
    assert_eq!(pages.len(), page_count(pdf));
    for (n, path) in pages.iter().enumerate() {
        let image = Gray::read(path);
        let ink = image.ink(0.0, 0.0, image.width_mm(), image.height_mm());
        assert!(ink > 300, "page {} is blank ({ink} dark pixels)", n + 1);
        // Nothing but the running heads and page number may sit in the margins:
        // the side margins must be empty from top to bottom, and the outermost
        // 8 mm of the top and bottom too.
        let (w, h) = (image.width_mm(), image.height_mm());
        for (what, x0, y0, x1, y1) in [
            ("left margin", 0.0, 0.0, 15.0, h),
            ("right margin", w - 15.0, 0.0, w, h),
            ("top edge", 0.0, 0.0, w, 8.0),
            ("bottom edge", 0.0, h - 8.0, w, h),
        ] {
            let spill = image.ink(x0, y0, x1, y1);
            assert_eq!(
                spill,
                0,
                "page {}: {spill} dark pixels in the {what}",
                n + 1
            );
        }
    }
}

#[test]
fn printing_a_party_page_gives_a_clean_short_pdf() {
    if !tools_present("printing_a_party_page_gives_a_clean_short_pdf") {
        return;
    }
    let pdf = print_shipped("party-openai.pdf", "parties/openai.html");
    let pages = page_count(&pdf);
    // The page, its deal map (half a page: OpenAI is bound by every
    // clause) and its mentions.
    assert!((1..=3).contains(&pages), "{pages} pages");
    let text = normalise(&tool("pdftotext", &[pdf.to_str().unwrap(), "-"]));
    assert!(text.contains("OpenAI"));
    assert!(
        text.contains("Deals at a glance"),
        "the party's deal map is printed"
    );
    assert!(
        text.contains("[P1]") || text.contains("[P2]"),
        "references print with their labels"
    );
    assert!(!text.contains("http"), "a URL is printed");
    for nav in [
        "Skip to content",
        "Search the briefing",
        "Print edition",
        "Sections Parties",
    ] {
        assert!(!text.contains(nav), "navigation text on paper: {nav}");
    }
    page_images(&pdf, &artifacts().join("party-openai"));
}

#[test]
fn pdf_prints_on_a4_by_default_and_on_letter_when_asked() {
    if !tools_present("pdf_prints_on_a4_by_default_and_on_letter_when_asked") {
        return;
    }
    let a4 = tool("pdfinfo", &[briefing_pdf().to_str().unwrap()]);
    assert!(a4.contains("(A4)"), "{a4}");
    let site = site("build/basic");
    let pdf = site.path().join("letter.pdf");
    let output = brief(
        site.path(),
        &[
            "pdf",
            "--quiet",
            "--paper",
            "letter",
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let letter = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(letter.contains("612 x 792 pts (letter)"), "{letter}");
    assert!(
        !site.path().join("public").exists(),
        "brief pdf builds into a temporary folder"
    );
}

#[test]
fn pdf_words_stay_inside_the_margins() {
    if !tools_present("pdf_words_stay_inside_the_margins") {
        return;
    }
    assert_words_inside_margins(briefing_pdf());
}

#[test]
fn content_wider_than_paper_wraps_instead_of_shrinking_the_page() {
    if !tools_present("content_wider_than_paper_wraps_instead_of_shrinking_the_page") {
        return;
    }
    // An unbroken 240-letter word, long links, a wide code line and a
    // twelve-column table: any of them, left alone, makes Chromium scale every
    // page down to fit it.
    let site = site("print/wide");
    let pdf = site.path().join("wide.pdf");
    let output = pdf_into(site.path(), &pdf);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_words_inside_margins(&pdf);
    let all = words(&pdf);
    let body = all
        .iter()
        .find(|w| w.text == "Acme")
        .expect("the section's first word");
    assert!(
        body.y1 - body.y0 > 9.5,
        "body text shrunk to {:.1} pt high",
        body.y1 - body.y0
    );
    // Every column is printed: each cell starts with a short word of its
    // own (`v0` … `v11`) that no wrap can split, so where the long words after
    // it break (which depends on the fonts) does not matter. Words outside
    // the margins already failed above.
    for n in 0..12 {
        let cells = all.iter().filter(|w| w.text == format!("v{n}")).count();
        assert_eq!(cells, 2, "table column {n}: cells printed");
    }
    let head = all
        .iter()
        .filter(|w| w.page == 2 && w.y1 < 57.0)
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        head.contains("…") && head.contains("28 April 2026"),
        "running heads: {head}"
    );
    std::fs::copy(&pdf, artifacts().join("wide.pdf")).unwrap();
}
