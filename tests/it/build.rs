//! Building a contract-following site: every page exists, every link resolves,
//! every mention is listed with a working deep link.

use crate::support::*;

const PAGES: &[&str] = &[
    "index.html",
    "sections/deal.html",
    "sections/reaction.html",
    "parties/index.html",
    "parties/acme.html",
    "parties/globex.html",
    "parties/jane-roe.html",
    "clauses/index.html",
    "clauses/exclusivity.html",
    "clauses/fee.html",
    "quotes/index.html",
    "quotes/roe-direct.html",
    "quotes/roe-reported.html",
    "print.html",
    "graph.json",
    "sitemap.xml",
    "404.html",
];

#[test]
fn every_page_of_the_contract_is_written() {
    let site = site("build/basic");
    let out = build_ok(site.path());
    for path in PAGES {
        assert!(out.join(path).is_file(), "{path} missing");
    }
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let site = site("build/basic");
    let out = build_ok(site.path());
    assert_eq!(broken_links(&out), Vec::<(String, String)>::new());
}

#[test]
fn the_repository_briefing_builds_and_links_resolve() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("public");
    build_shipped(&out_dir);
    assert_eq!(broken_links(&out_dir), Vec::<(String, String)>::new());
}

#[test]
fn references_link_with_anchor_and_label() {
    let site = site("build/basic");
    let out = build_ok(site.path());
    let html = page(&out, "sections/deal.html");
    let refs = select(&html, "main a.ref-party[data-ref=\"party:acme\"]");
    let first = refs.first().expect("a reference to acme");
    assert_eq!(first.value().attr("href"), Some("../parties/acme.html"));
    assert_eq!(first.value().attr("id"), Some("m-party-acme-1"));
    assert_eq!(first.value().attr("data-label"), Some("P1"));
}

#[test]
fn empty_link_text_is_filled_from_the_entity() {
    let site = site("build/basic");
    let out = build_ok(site.path());
    let html = page(&out, "sections/deal.html");
    let clause = select(&html, "main .prose a#m-clause-exclusivity-1");
    assert_eq!(text(&clause[0]), "Exclusive supply");
    let globex = select(&html, "main .prose a#m-party-globex-1");
    assert_eq!(text(&globex[0]), "Globex");
}

#[test]
fn mentioned_in_lists_snippets_linking_to_the_exact_spot() {
    let site = site("build/basic");
    let out = build_ok(site.path());
    let html = page(&out, "parties/acme.html");
    let groups: Vec<String> = select(&html, ".mentions .mention-group h3")
        .iter()
        .map(text)
        .collect();
    assert_eq!(groups, ["Test Briefing", "The deal", "Reaction"]);
    let links = select(&html, ".mentions li a");
    let targets: Vec<&str> = links
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(
        targets,
        [
            "../index.html#m-party-acme-1",
            "../sections/deal.html#m-party-acme-1",
            "../sections/reaction.html#m-party-acme-1"
        ]
    );
    let marked = select(&html, ".mentions li mark");
    assert_eq!(text(&marked[1]), "Acme");
    let snippet = text(&select(&html, ".mentions li")[1]);
    assert!(
        snippet.starts_with("Acme dropped Exclusive supply for Globex."),
        "{snippet}"
    );
}

#[test]
fn related_entities_are_listed() {
    let site = site("build/basic");
    let out = build_ok(site.path());
    let acme = page(&out, "parties/acme.html");
    let related: Vec<String> = select(&acme, ".related li a").iter().map(text).collect();
    assert!(
        related.contains(&"Exclusive supply".to_string()),
        "{related:?}"
    );
    assert!(
        related.contains(&"Jane Roe".to_string()),
        "affiliated people: {related:?}"
    );
    let quote = page(&out, "quotes/roe-direct.html");
    let related: Vec<String> = select(&quote, ".related li a").iter().map(text).collect();
    assert_eq!(related, ["Jane Roe", "Acme", "Exclusive supply"]);
}

#[test]
fn embeds_render_cards_and_paraphrases_have_no_quotation_marks() {
    let site = site("build/basic");
    let out = build_ok(site.path());
    let html = page(&out, "sections/deal.html");
    let card = select(&html, "main #m-quote-roe-direct-1 > aside.card-quote");
    assert!(text(&card[0]).contains("“We are done with exclusivity.”"));
    let clause = select(&html, "main #m-clause-exclusivity-2 > aside.card-clause");
    assert!(text(&clause[0]).contains("Acme supplied only Globex."));
    let reported = page(&out, "quotes/roe-reported.html");
    let body = text(&select(&reported, "main")[0]);
    assert!(body.contains("Roe said she expects more deals to follow."));
    for mark in ['“', '”', '"'] {
        assert!(!body.contains(mark), "paraphrase page shows {mark}: {body}");
    }
}

#[test]
fn sections_have_previous_and_next() {
    let site = site("build/basic");
    let out = build_ok(site.path());
    let first = page(&out, "sections/deal.html");
    assert!(select(&first, "a[rel=prev]").is_empty());
    assert_eq!(
        select(&first, "a[rel=next]")[0].value().attr("href"),
        Some("../sections/reaction.html")
    );
    let second = page(&out, "sections/reaction.html");
    assert_eq!(
        select(&second, "a[rel=prev]")[0].value().attr("href"),
        Some("../sections/deal.html")
    );
}

/// `fee.md` gives only a month and a year, as a source might: they are shown as
/// written, never padded out to a day nobody wrote.
#[test]
fn partial_dates_are_shown_as_written() {
    let site = site("build/basic");
    let out = build_ok(site.path());
    let html = page(&out, "clauses/fee.html");
    let times: Vec<(Option<&str>, String)> = select(&html, "main .dates time")
        .iter()
        .map(|t| (t.value().attr("datetime"), text(t)))
        .collect();
    assert_eq!(
        times,
        [
            (Some("2026-05"), "May 2026".to_string()),
            (Some("2030"), "2030".to_string())
        ]
    );
}

#[test]
fn footnotes_are_sidenotes_with_print_endnotes() {
    let site = site("build/basic");
    let out = build_ok(site.path());
    let html = page(&out, "sections/deal.html");
    let note = select(&html, "main .sidenote[role=note]");
    assert_eq!(text(&note[0]), "1 The note explains the fee.");
    assert_eq!(select(&html, "main .endnotes li").len(), 1);
}

#[test]
fn code_is_highlighted_with_classes() {
    let site = site("build/basic");
    let out = build_ok(site.path());
    let html = page(&out, "sections/reaction.html");
    let pre = select(&html, "main pre.hl-code");
    assert_eq!(pre.len(), 1);
    assert!(select(&html, "main pre [style]").is_empty());
    assert!(text(&pre[0]).contains("println!(\"<ok>\")"));
}

#[test]
fn clauses_index_is_the_change_table_by_agreement() {
    let site = site("build/basic");
    let out = build_ok(site.path());
    let html = page(&out, "clauses/index.html");
    assert_eq!(text(&select(&html, "main h2")[0]), "Acme–Globex agreement");
    let rows = select(&html, "main table.changes tbody tr");
    assert_eq!(rows.len(), 2);
    let first = text(&rows[0]);
    assert!(
        first.contains("Exclusive supply")
            && first.contains("removed")
            && first.contains("Acme supplied only Globex."),
        "{first}"
    );
}

#[test]
fn print_holds_every_section_and_appendix_with_labels() {
    let site = site("build/basic");
    let out = build_ok(site.path());
    let html = page(&out, "print.html");
    assert_eq!(select(&html, "section.print-section").len(), 2);
    let labels: Vec<String> = select(&html, "#appendix-parties h3 .label")
        .iter()
        .map(text)
        .collect();
    assert_eq!(labels, ["P1", "P2", "P3"]);
    assert_eq!(select(&html, "#appendix-clauses table tbody tr").len(), 2);
    assert_eq!(select(&html, "#appendix-quotes article").len(), 2);
    let reference = select(&html, "#section-deal a.ref-party")[0];
    assert_eq!(reference.value().attr("href"), Some("#party-acme"));
}

#[test]
fn graph_json_lists_entities_and_mentions() {
    let site = site("build/basic");
    let out = build_ok(site.path());
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("graph.json")).unwrap()).unwrap();
    assert_eq!(json["version"], 2);
    let entities = json["entities"].as_array().unwrap();
    assert_eq!(entities.len(), 9);
    let mentions = json["mentions"].as_array().unwrap();
    assert!(mentions.iter().any(|m| m["entity"] == "party:acme" && m["url"] == "sections/deal.html#m-party-acme-1"));
}

#[test]
fn output_is_deterministic() {
    let site = site("build/basic");
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for dir in [&a, &b] {
        let out = dir.path().join("out");
        let run = brief(
            site.path(),
            &["build", "--quiet", "--out", out.to_str().unwrap()],
        );
        assert!(run.status.success());
    }
    let files = |root: &std::path::Path| -> Vec<(String, Vec<u8>)> {
        let mut all: Vec<_> = walkdir::WalkDir::new(root)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path().strip_prefix(root).unwrap().display().to_string(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        all.sort();
        all
    };
    assert!(
        files(&a.path().join("out")) == files(&b.path().join("out")),
        "two builds differ"
    );
}

#[test]
fn sitemap_is_relative_without_base_url_and_absolute_with_it() {
    let site = site("build/basic");
    let out = build_ok(site.path());
    let xml = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(
        xml.contains("<loc>index.html</loc>") && !xml.contains("http://example"),
        "{xml}"
    );
    let run = brief(
        site.path(),
        &["build", "--quiet", "--base-url", "https://example.org/b"],
    );
    assert!(run.status.success());
    let xml = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(
        xml.contains("<loc>https://example.org/b/parties/acme.html</loc>"),
        "{xml}"
    );
    let html = page(&out, "parties/acme.html");
    assert_eq!(
        select(&html, "link[rel=canonical]")[0].value().attr("href"),
        Some("https://example.org/b/parties/acme.html")
    );
}

#[test]
fn a_site_template_overrides_the_builtin_one() {
    let site = site("build/basic");
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/404.html"),
        "<!DOCTYPE html><title>x</title><p>Custom {{ site.title }}</p>",
    )
    .unwrap();
    let out = build_ok(site.path());
    assert_eq!(
        std::fs::read_to_string(out.join("404.html")).unwrap(),
        "<!DOCTYPE html><title>x</title><p>Custom Test Briefing</p>"
    );
}

#[test]
fn render_turns_stdin_into_a_fragment() {
    use std::io::Write;
    let site = site("build/basic");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["render", "-"])
        .current_dir(site.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"Hi [](party:acme)")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(
        html.contains(">Acme</a>") && html.contains("href=\"parties/acme.html\""),
        "{html}"
    );
}
