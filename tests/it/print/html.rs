//! `print.html`, no browser needed: one document of cover, contents, sections
//! and appendices, whose references stay inside it and whose appendix entries
//! sit under their labels; and the print stylesheet every page links.

use crate::support::*;

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
