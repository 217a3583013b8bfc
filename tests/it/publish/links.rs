//! Every build verifies its links: a broken one in Markdown, raw HTML or a
//! template is reported at its source, and relative links in content resolve on
//! their page and in `print.html`.

use crate::support::*;

#[test]
fn a_broken_markdown_link_fails_the_build_at_its_source() {
    let site = site("publish/broken-link");
    for command in ["build", "check"] {
        let run = brief(site.path(), &[command]);
        assert_eq!(run.status.code(), Some(1), "{command}\n{}", stderr(&run));
        let text = stderr(&run);
        assert!(
            text.contains("error[broken-link]: broken link: the site has no file `memo.html`"),
            "{text}"
        );
        assert!(text.contains("content/sections/01-links.md:4:26"), "{text}");
        assert!(
            text.contains("linked here, on sections/links.html, print.html"),
            "{text}"
        );
    }
    assert!(
        !site.path().join("public").exists(),
        "a failed build wrote output"
    );
}

/// Every link of every page of the shipped briefing and of a generated
/// corpus resolves: verification, which scans every page in full, finds no
/// miss in what `brief check` renders.
#[test]
fn the_shipped_briefing_and_a_corpus_link_soundly() {
    let corpus = corpus(60);
    for root in [repo_root(), corpus.path().join("brief")] {
        let (_, files) = brief::check(&root, &brief::BuildOptions::default(), None).unwrap();
        let files = files.expect("the site builds");
        let collector = brief::verify::Collector::default();
        for file in &files {
            collector.add(&file.path, &file.bytes);
        }
        let misses = collector.finish();
        assert_eq!(misses, vec![], "{}", root.display());
        let pages = files.iter().filter(|f| f.path.ends_with(".html")).count();
        assert!(pages > 50, "{pages} pages in {}", root.display());
    }
}

/// The broken-link fixture with its memo link written as `link` instead,
/// and what `brief check` says of it, having failed with exit code 1.
fn check_with_memo_link(link: &str) -> String {
    let site = site("publish/broken-link");
    let section = site.path().join("content/sections/01-links.md");
    let text = std::fs::read_to_string(&section).unwrap();
    std::fs::write(&section, text.replace("[the memo](../memo.html)", link)).unwrap();
    let run = brief(site.path(), &["check"]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    stderr(&run)
}

#[test]
fn a_markdown_link_into_a_page_brief_made_is_checked_against_its_ids() {
    let site = site("publish/broken-link");
    let section = site.path().join("content/sections/01-links.md");
    let text = std::fs::read_to_string(&section).unwrap();
    let fixed = "[the memo](../parties/acme.html#main), [the list](../parties/index.html#main)";
    std::fs::write(&section, text.replace("[the memo](../memo.html)", fixed)).unwrap();
    build_ok(site.path());
    let err = check_with_memo_link("[the memo](../parties/acme.html#memo)");
    assert!(
        err.contains(
            "error[broken-link]: broken link: `parties/acme.html` has no element with id `memo`"
        ),
        "{err}"
    );
}

/// A link written as raw HTML is located at its value in the Markdown, like
/// a Markdown link, on its own page and on print.html.
#[test]
fn a_link_in_raw_html_is_checked_like_a_markdown_link() {
    let err = check_with_memo_link("<a href=\"../memo.html\">the memo</a>");
    assert!(
        err.contains("error[broken-link]: broken link: the site has no file `memo.html`"),
        "{err}"
    );
    assert!(err.contains("content/sections/01-links.md:4:35"), "{err}");
    assert!(
        err.contains("linked here, on sections/links.html, print.html"),
        "{err}"
    );
    assert!(!err.contains("fix the templates"), "{err}");
}

/// An image in inline HTML and a link in an HTML block whose tag spans two
/// lines are located at their values too.
#[test]
fn images_and_html_blocks_are_located_at_their_values() {
    let err = check_with_memo_link(
        "<img src=\"../img/nope.png\" alt=\"\"> the memo\n\n<div>\n<a class=\"x\"\nhref=\"../gone.html\">gone</a>\n</div>",
    );
    assert!(err.contains("the site has no file `img/nope.png`"), "{err}");
    assert!(err.contains("content/sections/01-links.md:4:36"), "{err}");
    assert!(err.contains("the site has no file `gone.html`"), "{err}");
    assert!(err.contains("content/sections/01-links.md:8:7"), "{err}");
    assert!(!err.contains("fix the templates"), "{err}");
}

/// A template's broken link and a content's broken link in one build: both
/// are reported, the content's at its source.
#[test]
fn a_template_miss_does_not_hide_a_located_content_error() {
    let site = site("publish/broken-link");
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/404.html"),
        "<!DOCTYPE html><title>x</title>\n<a href=\"gone.html#x\">x</a>",
    )
    .unwrap();
    let run = brief(site.path(), &["check"]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("404.html:2: `gone.html#x`: the site has no file `gone.html`"),
        "{err}"
    );
    assert!(
        err.contains("error[broken-link]: broken link: the site has no file `memo.html`"),
        "{err}"
    );
    assert!(err.contains("content/sections/01-links.md:4:26"), "{err}");
}

#[test]
fn a_broken_template_link_is_listed_with_page_and_target() {
    let site = site("publish/broken-link");
    let section = site.path().join("content/sections/01-links.md");
    let text = std::fs::read_to_string(&section)
        .unwrap()
        .replace("[the memo](../memo.html)", "the memo");
    std::fs::write(&section, text).unwrap();
    build_ok(site.path());
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/404.html"),
        "<!DOCTYPE html><title>x</title>\n<a href=\"gone.html#x\">x</a>",
    )
    .unwrap();
    let run = brief(site.path(), &["build"]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("404.html:2: `gone.html#x`: the site has no file `gone.html`"),
        "{}",
        stderr(&run)
    );
    assert!(
        site.path().join("public/index.html").is_file(),
        "the previous output stays"
    );
    assert!(
        !std::fs::read_to_string(site.path().join("public/404.html"))
            .unwrap()
            .contains("gone.html")
    );
}

#[test]
fn relative_links_in_content_resolve_on_their_page_and_in_print() {
    let site = site("publish/relative-links");
    let out = build_ok(site.path());
    assert_eq!(broken_links(&out), Vec::<(String, String)>::new());
    let section: Vec<String> = page_links(&page(&out, "sections/links.html"));
    for href in [
        "../parties/index.html",
        "../graph.json",
        "#terms",
        "../logo.svg",
        "links.html",
        "../index.html",
    ] {
        assert!(section.contains(&href.to_string()), "{href} in {section:?}");
    }
    let print: Vec<String> = page_links(&page(&out, "print.html"));
    for href in [
        "parties/index.html",
        "graph.json",
        "logo.svg",
        "sections/links.html",
        "index.html",
    ] {
        assert!(
            print.contains(&href.to_string()),
            "{href} in print: {print:?}"
        );
    }
    assert!(
        print
            .iter()
            .any(|h| h.starts_with('#') && h.ends_with("terms")),
        "{print:?}"
    );
}
