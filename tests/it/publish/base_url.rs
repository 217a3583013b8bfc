//! Absolute URLs: without `base_url` the build writes none of its own and the
//! sitemap is relative; with it, the sitemap and each page's canonical link are
//! absolute.

use std::path::Path;

use super::build_repo_briefing;
use crate::support::*;

/// Every `http://` or `https://` URL in `text`.
fn absolute_urls(text: &str) -> Vec<String> {
    let mut urls = Vec::new();
    let mut rest = text;
    while let Some(at) = rest
        .find("http://")
        .into_iter()
        .chain(rest.find("https://"))
        .min()
    {
        let tail = &rest[at..];
        let end = tail
            .find(|c: char| c.is_whitespace() || "\"'<>)`".contains(c))
            .unwrap_or(tail.len());
        urls.push(tail[..end].to_string());
        rest = &tail[end..];
    }
    urls
}

fn all_text(dir: &Path) -> Vec<(String, String)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let text = std::fs::read_to_string(e.path()).ok()?;
            Some((
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                text,
            ))
        })
        .collect()
}

#[test]
fn without_base_url_no_absolute_url_of_the_site_appears() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_repo_briefing(&out, &[]);
    // Absolute URLs may come only from what the author or the theme wrote
    // (a source's link, an SVG namespace); the build must invent none.
    let mut allowed = String::new();
    for dir in ["content", "templates", "static"] {
        for (_, text) in all_text(&repo_root().join(dir)) {
            allowed.push_str(&text);
        }
    }
    allowed.push_str(&std::fs::read_to_string(repo_root().join("briefing.toml")).unwrap());
    allowed.push_str("http://www.sitemaps.org/schemas/sitemap/0.9");
    // The vocabulary the structured data is written in, not an address of the site.
    allowed.push_str("https://schema.org");
    for (path, text) in all_text(&out) {
        for url in absolute_urls(&text) {
            let bare = url.trim_end_matches(['.', ',', ';']).replace("&amp;", "&");
            assert!(
                allowed.contains(&bare),
                "{path} has an absolute URL the sources do not: {url}"
            );
        }
        assert!(
            !text.contains("rel=\"canonical\""),
            "{path} has a canonical link"
        );
    }
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    for loc in doc.descendants().filter(|n| n.has_tag_name("loc")) {
        let loc = loc.text().unwrap_or("");
        assert!(
            !loc.contains("://") && out.join(loc).is_file(),
            "relative sitemap entry {loc}"
        );
    }
}

#[test]
fn with_base_url_the_sitemap_and_canonical_links_are_absolute() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let base = "https://brief.example/deals/unbundled/";
    build_repo_briefing(&out, &["--base-url", base]);
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "urlset");
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        locs.len() >= html_pages(&out).len() - 1,
        "{} entries",
        locs.len()
    );
    for loc in &locs {
        let rel = loc
            .strip_prefix(base)
            .unwrap_or_else(|| panic!("{loc} is not under {base}"));
        assert!(out.join(rel).is_file(), "{loc} names no file");
    }
    for rel in html_pages(&out).iter().filter(|p| *p != "404.html") {
        let html = page(&out, rel);
        let canonical = select(&html, "link[rel=canonical]");
        assert_eq!(canonical.len(), 1, "{rel}");
        assert_eq!(
            canonical[0].value().attr("href"),
            Some(format!("{base}{rel}").as_str()),
            "{rel}"
        );
    }
}
