//! What a page tells machines: the description and Open Graph tags a shared
//! link unfurls from, and the schema.org structured data describing the
//! briefing, its parties, quotes and sources. Checked by parsing the pages.

use std::path::Path;

use scraper::Html;
use serde_json::Value;

use crate::support::*;

/// The `content` of the `<meta>` whose `property` or `name` is `key`.
fn meta(html: &Html, key: &str) -> Option<String> {
    let found = select(
        html,
        &format!("meta[property=\"{key}\"], meta[name=\"{key}\"]"),
    );
    let content = found.first()?.value().attr("content")?;
    Some(content.to_string())
}

/// The page's structured data, parsed.
fn structured(html: &Html) -> Value {
    let scripts = select(html, "script[type=\"application/ld+json\"]");
    assert_eq!(scripts.len(), 1, "one JSON-LD block a page");
    serde_json::from_str(&text(&scripts[0])).expect("JSON-LD parses")
}

/// `key = "value"` from a content file's front matter.
fn front_matter(path: &Path, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{key} = \"")))
        .map(|v| v.trim_end_matches('"').to_string())
}

fn schema_type(kind: &str) -> &'static str {
    match kind {
        "person" => "Person",
        "company" => "Corporation",
        "government" => "GovernmentOrganization",
        "organisation" => "Organization",
        "product" => "Product",
        other => panic!("unknown party kind {other}"),
    }
}

#[test]
fn every_page_of_the_shipped_briefing_unfurls_with_title_description_and_site_name() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_shipped(&out);
    for path in html_pages(&out) {
        let html = page(&out, &path);
        let title = meta(&html, "og:title").unwrap_or_default();
        assert!(!title.is_empty(), "{path}: og:title");
        assert_eq!(
            meta(&html, "og:site_name").as_deref(),
            Some("Unbundled"),
            "{path}"
        );
        assert_eq!(meta(&html, "og:locale").as_deref(), Some("en"), "{path}");
        let kind = meta(&html, "og:type").unwrap_or_default();
        assert!(
            ["website", "article"].contains(&kind.as_str()),
            "{path}: {kind}"
        );
        assert_eq!(
            meta(&html, "article:published_time").as_deref(),
            Some("2026-04-28"),
            "{path}"
        );
        let description = meta(&html, "description").expect("a description");
        assert!(
            !description.is_empty() && description.chars().count() <= 160,
            "{path}: {description}"
        );
        assert_eq!(meta(&html, "og:description"), Some(description), "{path}");
        assert_eq!(
            meta(&html, "twitter:card").as_deref(),
            Some("summary"),
            "{path}"
        );
        // Without a base URL there is no address to give, and none is made up.
        assert!(select(&html, "link[rel=canonical]").is_empty(), "{path}");
        assert_eq!(meta(&html, "og:url"), None, "{path}");
        assert_eq!(meta(&html, "og:image"), None, "{path}");
        assert_eq!(
            structured(&html)["@context"],
            "https://schema.org",
            "{path}"
        );
    }
    // Each description says what its page is about.
    let party = page(&out, "parties/adam-sandman.html");
    let role = front_matter(&repo_root().join("content/parties/adam-sandman.md"), "role");
    assert_eq!(meta(&party, "description"), role);
}

#[test]
fn the_structured_data_describes_every_party_quote_and_source_as_what_it_is() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_shipped(&out);
    let front = structured(&page(&out, "index.html"));
    assert_eq!(front["@type"], "Report");
    assert_eq!(front["headline"], "Unbundled");
    assert_eq!(front["datePublished"], "2026-04-28");
    let sources = front["isBasedOn"].as_array().expect("sources");
    assert!(
        sources
            .iter()
            .any(|s| s["publisher"]["name"] == "Wallstreetcn"),
        "{sources:?}"
    );
    // Each section rests on its source, by name.
    let section = structured(&page(&out, "sections/agi-clause.html"));
    assert_eq!(section["@type"], "Report");
    assert_eq!(section["isBasedOn"][0]["publisher"]["name"], "Wallstreetcn");
    assert_eq!(section["isPartOf"]["headline"], "Unbundled");
    let mentioned = front["mentions"].as_array().expect("parties");
    let parties_dir = repo_root().join("content/parties");
    let mut parties: Vec<_> = std::fs::read_dir(&parties_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    parties.sort();
    for file in &parties {
        let name = front_matter(file, "name").unwrap();
        let kind = schema_type(&front_matter(file, "kind").unwrap());
        let found = mentioned.iter().find(|p| p["name"] == name.as_str());
        let found = found.unwrap_or_else(|| panic!("{name} is not in the front page's mentions"));
        assert_eq!(found["@type"], kind, "{name}");
        let stem = file.file_stem().unwrap().to_str().unwrap();
        let own = structured(&page(&out, &format!("parties/{stem}.html")));
        assert_eq!(own["@type"], kind, "{name}");
        assert_eq!(own["name"], name.as_str());
        if kind == "Person" {
            if let Some(position) = front_matter(file, "position") {
                assert_eq!(own["jobTitle"], position.as_str(), "{name}");
            }
            if front_matter(file, "affiliation").is_some() {
                assert!(own["worksFor"]["name"].is_string(), "{name}: {own}");
            }
        }
    }
    assert_eq!(mentioned.len(), parties.len());
    let quotes_dir = repo_root().join("content/quotes");
    for entry in std::fs::read_dir(&quotes_dir).unwrap() {
        let file = entry.unwrap().path();
        let stem = file.file_stem().unwrap().to_str().unwrap().to_string();
        let quote = structured(&page(&out, &format!("quotes/{stem}.html")));
        assert_eq!(quote["@type"], "Quotation", "{stem}");
        assert_eq!(quote["isPartOf"]["@type"], "Report", "{stem}");
        if let Some(text) = front_matter(&file, "text") {
            assert_eq!(quote["text"], text.as_str(), "{stem}");
        }
        if let Some(speaker) = front_matter(&file, "speaker") {
            let name = front_matter(&parties_dir.join(format!("{speaker}.md")), "name");
            assert_eq!(quote["spokenByCharacter"]["name"], name.unwrap().as_str());
            assert_eq!(quote["creator"], quote["spokenByCharacter"]);
        }
    }
}

/// The smallest PNG header brief reads a size from: the signature and an
/// IHDR chunk of `width` × `height`.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    bytes.extend(width.to_be_bytes());
    bytes.extend(height.to_be_bytes());
    bytes.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
    bytes
}

fn shared_site(config: &str) -> tempfile::TempDir {
    write_site(&[
        ("briefing.toml", config.as_bytes()),
        (
            "content/sections/01-deal.md",
            b"+++\ntitle = \"The deal\"\nsummary = \"What changed\"\n+++\nText.\n",
        ),
        (
            "content/parties/acme.md",
            b"+++\nname = \"Acme\"\nkind = \"company\"\nrole = \"A maker\"\n+++\n",
        ),
        ("static/cover.png", &png(1200, 630)),
    ])
}

#[test]
fn with_a_base_url_pages_give_their_address_and_the_share_picture() {
    let site = shared_site(
        "title = \"T\"\nimage = \"cover.png\"\narticle_type = \"NewsArticle\"\nbase_url = \"https://example.org/b\"\n",
    );
    let out = build_ok(site.path());
    let section = page(&out, "sections/deal.html");
    let address = "https://example.org/b/sections/deal.html";
    let canonical = select(&section, "link[rel=canonical]");
    assert_eq!(canonical[0].value().attr("href"), Some(address));
    assert_eq!(meta(&section, "og:url").as_deref(), Some(address));
    assert_eq!(
        meta(&section, "og:image").as_deref(),
        Some("https://example.org/b/cover.png")
    );
    assert_eq!(meta(&section, "og:image:width").as_deref(), Some("1200"));
    assert_eq!(meta(&section, "og:image:height").as_deref(), Some("630"));
    assert_eq!(
        meta(&section, "twitter:card").as_deref(),
        Some("summary_large_image")
    );
    assert_eq!(
        meta(&section, "description").as_deref(),
        Some("What changed")
    );
    let data = structured(&section);
    assert_eq!(data["@type"], "NewsArticle");
    assert_eq!(data["url"], address);
    assert_eq!(data["isPartOf"]["url"], "https://example.org/b/index.html");
    // The same site without a base URL names no address and no picture.
    let site = shared_site("title = \"T\"\nimage = \"cover.png\"\n");
    let out = build_ok(site.path());
    let section = page(&out, "sections/deal.html");
    assert_eq!(meta(&section, "og:url"), None);
    assert_eq!(meta(&section, "og:image"), None);
    assert_eq!(structured(&section).get("url"), None);
    assert_eq!(structured(&section)["@type"], "Report");
}

#[test]
fn a_share_picture_that_is_not_there_is_an_error_at_its_name() {
    let site = shared_site("title = \"T\"\nimage = \"missing.png\"\n");
    let err = build_fails(site.path());
    assert!(
        err.contains("error[image]: static/missing.png does not exist")
            && err.contains("briefing.toml:2:9")
            && err.contains("copy the picture to static/, or leave `image` out"),
        "{err}"
    );
    let site = shared_site("title = \"T\"\nimage = \"../briefing.toml\"\n");
    let err = build_fails(site.path());
    assert!(
        err.contains("`../briefing.toml` is not a file inside static/"),
        "{err}"
    );
    std::fs::write(site.path().join("static/notes.png"), "not a picture").unwrap();
    std::fs::write(
        site.path().join("briefing.toml"),
        "title = \"T\"\nimage = \"notes.png\"\n",
    )
    .unwrap();
    let err = build_fails(site.path());
    assert!(
        err.contains("static/notes.png is not a picture brief can read"),
        "{err}"
    );
}
