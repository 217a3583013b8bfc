//! The print edition: `print.html` as a document that stands on its own, and
//! `brief pdf` printing it through Chromium.
//!
//! PDF tests need Chromium, poppler-utils (pdftotext, pdfinfo, pdftoppm) and
//! qpdf. Without them they print a loud SKIPPED line and pass, except in CI
//! (`CI=true`), where a missing tool fails the test. Page images land in
//! `tests/artifacts/print/` for people to look at.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::support::*;

mod confined;
mod faults;
mod pages;
mod tools;
use tools::*;

// ---------- print.html, no browser needed ----------

#[test]
fn print_html_is_one_document_with_cover_contents_sections_and_appendices() {
    let site = site("build/basic");
    let out = build_ok(site.path());
    let html = page(&out, "print.html");
    assert_eq!(
        select(&html, "title").first().map(text).as_deref(),
        Some("Test Briefing")
    );
    assert_eq!(select(&html, ".cover h1").len(), 1);
    let contents: Vec<String> = select(&html, ".contents li a").iter().map(text).collect();
    assert_eq!(
        contents,
        [
            "1 The deal",
            "2 Reaction",
            "A Parties",
            "B What changed",
            "C Quotes",
            "D Chronology",
            "Index"
        ],
        "contents: numbered sections, then lettered appendices, then the index"
    );
    for id in [
        "section-deal",
        "section-reaction",
        "appendix-parties",
        "appendix-clauses",
        "appendix-quotes",
        "appendix-chronology",
    ] {
        assert_eq!(select(&html, &format!("#{id}")).len(), 1, "{id}");
    }
    let appendix_titles: Vec<String> = select(&html, ".appendix > h2").iter().map(text).collect();
    assert_eq!(
        appendix_titles,
        [
            "Appendix A. Parties",
            "Appendix B. What changed",
            "Appendix C. Quotes",
            "Appendix D. Chronology"
        ]
    );
}

#[test]
fn every_print_reference_points_inside_the_document_and_carries_a_label() {
    let site = site("build/basic");
    let out = build_ok(site.path());
    let html = page(&out, "print.html");
    let refs = select(&html, "main a.ref");
    assert!(!refs.is_empty());
    for r in &refs {
        let href = r.value().attr("href").unwrap_or("");
        assert!(
            href.starts_with('#'),
            "print reference leaves the document: {href}"
        );
        let label = r.value().attr("data-label").unwrap_or("");
        let kind = r
            .value()
            .attr("data-ref")
            .and_then(|k| k.split(':').next())
            .unwrap_or("");
        let prefix = match kind {
            "party" => "P",
            "clause" => "C",
            "quote" => "Q",
            _ => "§",
        };
        assert!(
            label.starts_with(prefix) && label.len() > prefix.len(),
            "{kind} reference labelled {label:?}"
        );
    }
    assert_eq!(broken_links(&out), Vec::<(String, String)>::new());
}

#[test]
fn appendix_entries_sit_under_their_labels_in_order_of_first_mention() {
    let site = site("build/basic");
    let out = build_ok(site.path());
    let html = page(&out, "print.html");
    for (appendix, prefix) in [
        ("appendix-parties", "P"),
        ("appendix-clauses", "C"),
        ("appendix-quotes", "Q"),
    ] {
        let labels: Vec<String> = select(
            &html,
            &format!("#{appendix} article.appendix-entry h3 .label"),
        )
        .iter()
        .map(text)
        .collect();
        let expected: Vec<String> = (1..=labels.len()).map(|n| format!("{prefix}{n}")).collect();
        assert!(!labels.is_empty(), "{appendix} is empty");
        assert_eq!(labels, expected, "{appendix}");
    }
    let rows = select(&html, "#appendix-clauses table.changes tbody tr");
    assert_eq!(
        rows.len(),
        select(&html, "#appendix-clauses article.appendix-entry").len(),
        "one table row per clause"
    );
}

#[test]
fn an_appendix_entry_holds_a_body_only_when_it_renders_to_something() {
    let site = site("build/basic");
    let party = |id: &str| site.path().join(format!("content/parties/{id}.md"));
    // Globex: only a link definition; Jane Roe: only a note nobody calls.
    let add = |id: &str, body: &str| {
        let text = std::fs::read_to_string(party(id)).unwrap();
        std::fs::write(party(id), format!("{text}{body}")).unwrap();
    };
    add("globex", "\n[site]: https://example.org/\n");
    add("jane-roe", "\n[^1]: Never called.\n");
    let html = page(&build_ok(site.path()), "print.html");
    let bodies = |id: &str| select(&html, &format!("#party-{id} .prose")).len();
    assert_eq!(bodies("globex"), 0);
    assert_eq!(bodies("jane-roe"), 0);
    assert_eq!(bodies("acme"), 1);
}

#[test]
fn every_page_links_the_print_stylesheet_and_running_heads_carry_the_title() {
    let site = site("build/basic");
    let out = build_ok(site.path());
    for (path, href) in [
        ("index.html", "print.css"),
        ("parties/acme.html", "../print.css"),
        ("print.html", "print.css"),
    ] {
        let html = page(&out, path);
        let links = select(&html, "link[rel=stylesheet][media=print]");
        assert_eq!(
            links
                .iter()
                .filter_map(|l| l.value().attr("href"))
                .collect::<Vec<_>>(),
            [href],
            "{path}"
        );
    }
    let css = std::fs::read_to_string(out.join("print.css")).unwrap();
    assert!(css.contains("@import url(\"print-running.css\")"));
    assert!(css.contains("@page"));
    let running = std::fs::read_to_string(out.join("print-running.css")).unwrap();
    assert!(
        running.contains("@top-left { content: \"Test Briefing\"; }"),
        "{running}"
    );
    assert!(running.is_ascii());
}

// ---------- brief pdf without a browser ----------

fn assert_install_hint(output: &std::process::Output) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(
        err.contains("no Chromium found") && err.contains("apt-get install chromium"),
        "{err}"
    );
}

#[test]
fn pdf_with_a_broken_brief_chromium_exits_2_with_the_install_hint() {
    let tmp = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["pdf", "--root", repo_root().to_str().unwrap(), "--out"])
        .arg(tmp.path().join("x.pdf"))
        .env("BRIEF_CHROMIUM", "/nonexistent/chromium")
        .output()
        .unwrap();
    assert_install_hint(&output);
    assert!(stderr(&output).contains("BRIEF_CHROMIUM=/nonexistent/chromium"));
    assert!(!tmp.path().join("x.pdf").exists());
}

#[test]
fn pdf_without_chromium_on_path_exits_2_with_the_install_hint() {
    let tmp = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["pdf", "--root", repo_root().to_str().unwrap(), "--out"])
        .arg(tmp.path().join("x.pdf"))
        .env_remove("BRIEF_CHROMIUM")
        .env("PATH", tmp.path())
        .output()
        .unwrap();
    assert_install_hint(&output);
    assert!(!tmp.path().join("x.pdf").exists());
}

// ---------- brief pdf with Chromium ----------

/// Prints `page` of the shipped briefing to `tests/artifacts/print/NAME`.
fn print_shipped(name: &str, page: &str) -> PathBuf {
    let pdf = artifacts().join(name);
    let output = brief(
        &repo_root(),
        &[
            "pdf",
            "--quiet",
            "--page",
            page,
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    assert!(
        output.status.success(),
        "brief pdf failed: {}",
        stderr(&output)
    );
    assert!(std::fs::metadata(&pdf).unwrap().len() > 1000);
    pdf
}

/// The shipped briefing's PDF, printed once for all the tests that read it.
fn briefing_pdf() -> &'static Path {
    static PDF: OnceLock<PathBuf> = OnceLock::new();
    PDF.get_or_init(|| print_shipped("briefing.pdf", "print.html"))
}

/// Text with every run of whitespace made one space, and typographic
/// apostrophes made plain, so titles that wrap still match.
fn normalise(text: &str) -> String {
    text.replace(['\u{2019}', '\u{2018}'], "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

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

/// Runs `brief pdf` on the site at `root`, writing `pdf`.
fn pdf_into(root: &std::path::Path, pdf: &std::path::Path) -> std::process::Output {
    brief(root, &["pdf", "--quiet", "--out", pdf.to_str().unwrap()])
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
    tool(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "60",
            pdf.to_str().unwrap(),
            dir.join("briefing").to_str().unwrap(),
        ],
    );
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
    tool(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "60",
            pdf.to_str().unwrap(),
            artifacts().join("party-openai").to_str().unwrap(),
        ],
    );
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
fn pdf_of_a_briefing_with_mistakes_reports_them_and_writes_nothing() {
    if !tools_present("pdf_of_a_briefing_with_mistakes_reports_them_and_writes_nothing") {
        return;
    }
    let site = site("errors/bad-enum");
    let pdf = site.path().join("x.pdf");
    let output = pdf_into(site.path(), &pdf);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("error"), "{}", stderr(&output));
    assert!(!pdf.exists());
}

#[test]
fn pdf_refuses_a_page_outside_the_site() {
    let tmp = tempfile::tempdir().unwrap();
    for page in ["../../etc/passwd", "/etc/hosts.html", "missing.html"] {
        let output = Command::new(env!("CARGO_BIN_EXE_brief"))
            .args([
                "pdf",
                "--root",
                repo_root().to_str().unwrap(),
                "--page",
                page,
                "--out",
            ])
            .arg(tmp.path().join("x.pdf"))
            .env("BRIEF_CHROMIUM", "/nonexistent/chromium")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{page}");
        if page != "missing.html" {
            assert!(
                stderr(&output).contains("has no page"),
                "{page}: {}",
                stderr(&output)
            );
        }
    }
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
