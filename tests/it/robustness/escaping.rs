//! Strings that try to leave their context: front-matter payloads stay text
//! or data on every page and in every file that carries them, and heading ids
//! never take an id brief or another entry uses.

use super::{CONFIG, PARTY};
use crate::support::*;

const PAYLOADS: [&str; 3] = [
    "</script><script>alert(1)</script>",
    "\"'><img src=x onerror=alert(1)>",
    "]]> & <!-- -->",
];

/// A site where every front-matter string carries `payload`.
fn hostile_site(payload: &str) -> tempfile::TempDir {
    let p = toml::Value::String(payload.to_string()).to_string();
    let config =
        format!("title = {p}\ndek = {p}\n[[sources]]\nid = \"s\"\ntitle = {p}\npublisher = {p}\n");
    let party = format!(
        "+++\nname = {p}\nkind = \"person\"\naliases = [{p}]\nrole = {p}\nposition = {p}\naffiliation = \"org\"\n+++\n"
    );
    let org = format!("+++\nname = {p}\nkind = \"company\"\n+++\n");
    let clause = format!(
        "+++\ntitle = {p}\nagreement = {p}\nstatus = \"changed\"\nparties = [\"acme\"]\nbefore = {p}\nafter = {p}\nsource = \"s\"\n+++\n"
    );
    let quote =
        format!("+++\nspeaker = \"acme\"\ntext = {p}\nkind = \"direct\"\nabout = [\"org\"]\n+++\n");
    let event = format!(
        "+++\ntitle = {p}\ndate = 2026-04-27\nparties = [\"acme\"]\nclauses = [\"c\"]\nsource = \"s\"\n+++\n"
    );
    let section = format!(
        "+++\ntitle = {p}\nsummary = {p}\n+++\n[](party:acme) [](party:org) [](clause:c) [](quote:q) [](event:e)\n\n![](quote:q)\n\n![](clause:c)\n\n![](event:e)\n"
    );
    write_site(&[
        ("briefing.toml", config.as_bytes()),
        ("content/parties/acme.md", party.as_bytes()),
        ("content/parties/org.md", org.as_bytes()),
        ("content/clauses/c.md", clause.as_bytes()),
        ("content/quotes/q.md", quote.as_bytes()),
        ("content/events/e.md", event.as_bytes()),
        ("content/sections/01-s.md", section.as_bytes()),
    ])
}

#[test]
fn front_matter_strings_never_escape_their_context() {
    for payload in PAYLOADS {
        let site = hostile_site(payload);
        let out = brief(
            site.path(),
            &["build", "--quiet", "--base-url", "https://example.org/a&b/"],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let out = site.path().join("public");
        for entry in walkdir::WalkDir::new(&out)
            .into_iter()
            .filter_map(Result::ok)
        {
            if entry.path().extension().is_none_or(|e| e != "html") {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(&out)
                .unwrap()
                .display()
                .to_string();
            let html = page(&out, &rel);
            // The one inline script is the page's structured data: JSON
            // that holds the payload as data, with no markup in its text.
            for script in select(&html, "script[type=\"application/ld+json\"]") {
                let json = text(&script);
                assert!(!json.contains(['<', '>', '&']), "{rel}: {json}");
                let data: serde_json::Value = serde_json::from_str(&json)
                    .unwrap_or_else(|e| panic!("{rel}: structured data does not parse: {e}"));
                assert_eq!(data["@context"], "https://schema.org", "{rel}");
            }
            for script in select(&html, "script:not([type=\"application/ld+json\"])") {
                let src = script.value().attr("src").unwrap_or("");
                assert!(
                    src.ends_with("brief.js") || src.ends_with("search-index.js"),
                    "{rel}: injected script {src:?}"
                );
                assert_eq!(text(&script), "", "{rel}: inline script");
            }
            assert!(select(&html, "img").is_empty(), "{rel}: injected img");
            assert!(
                select(&html, "[onerror]").is_empty(),
                "{rel}: injected handler"
            );
        }
        let html = page(&out, "parties/acme.html");
        assert_eq!(
            text(&select(&html, "h1")[0]),
            payload.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        // The time axis holds it as text, in its label and its title.
        let timeline = page(&out, "timeline.html");
        let words = payload.split_whitespace().collect::<Vec<_>>().join(" ");
        let label = select(&timeline, "svg a.mark-event text");
        assert_eq!(label.iter().map(text).collect::<Vec<_>>(), [words.as_str()]);
        let title = text(&select(&timeline, "svg a.mark-event title")[0]);
        assert!(title.contains(&words), "{title}");
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("graph.json")).unwrap()).unwrap();
        assert_eq!(json["title"], payload);
        assert!(
            json["entities"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["before"] == payload)
        );
        let entries = script_json(&out, "search-index.js", "BRIEF_SEARCH");
        assert!(
            entries
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["t"] == payload)
        );
        for e in entries.as_array().unwrap() {
            let e = e.as_object().unwrap();
            let keys: Vec<&str> = e.keys().map(String::as_str).collect();
            assert!(
                ["k", "t", "w", "u", "l"].iter().all(|k| keys.contains(k)),
                "{e:?}"
            );
            assert!(
                e.get("a").is_none_or(|a| !a.as_array().unwrap().is_empty()),
                "{e:?}"
            );
            assert!(e["l"].is_null() || e["l"].is_string(), "{e:?}");
        }
        // The preview cards, which brief.js puts into pages, show the
        // payload as text, never as markup.
        let cards = previews(&out);
        let acme = &cards["party:acme"];
        assert_eq!(
            text(&select(acme, ".card-title")[0]),
            payload.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        for (key, card) in &cards {
            assert!(
                select(card, "script, img, [onerror]").is_empty(),
                "{key}: {}",
                card.html()
            );
        }
        let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
        assert!(
            sitemap.contains("<loc>https://example.org/a&amp;b/index.html</loc>"),
            "{sitemap}"
        );
    }
}

/// Headings whose slugs are ids brief gives its own elements (`main`,
/// `mentioned-in`, a mention anchor) get ids of their own: no page holds an
/// id twice, and links to `#main` still reach the page's main text.
#[test]
fn heading_slugs_never_collide_with_ids_brief_uses() {
    let site = write_site(&[
        ("briefing.toml", CONFIG),
        ("content/parties/acme.md", PARTY),
        (
            "content/sections/01-a.md",
            b"+++\ntitle = \"A\"\n+++\n## Main\n\nSee [](party:acme).\n\n\
              ## Mentioned in\n\n## M party acme 1\n\n## Related\n",
        ),
        (
            "content/sections/02-b.md",
            b"+++\ntitle = \"B\"\n+++\nBack to [](section:a).\n",
        ),
    ]);
    let out = build_ok(site.path());
    let html = page(&out, "sections/a.html");
    let mut ids: Vec<&str> = select(&html, "[id]")
        .iter()
        .filter_map(|e| e.value().attr("id"))
        .collect();
    ids.sort_unstable();
    let mut repeated = ids.clone();
    repeated.dedup();
    assert_eq!(ids.len(), repeated.len(), "{ids:?}");
    for id in [
        "main",
        "mentioned-in",
        "m-party-acme-1",
        "h-main",
        "h-mentioned-in",
    ] {
        assert!(ids.contains(&id), "{id}: {ids:?}");
    }
    assert_eq!(text(&select(&html, "h2#h-mentioned-in")[0]), "Mentioned in");
}

/// Every id on `path` of the output, in order.
fn ids_on(out: &std::path::Path, path: &str) -> Vec<String> {
    let html = page(out, path);
    select(&html, "[id]")
        .iter()
        .filter_map(|e| e.value().attr("id").map(str::to_string))
        .collect()
}

/// In `print.html` every body shares the page: a heading of section `a`
/// must not take the id of section `a-terms`, nor of its own title, nor a
/// party's body the id of another party's entry.
#[test]
fn print_ids_of_one_body_never_meet_another_entrys() {
    let site = write_site(&[
        ("briefing.toml", CONFIG),
        (
            "content/parties/acme.md",
            b"+++\nname = \"Acme\"\nkind = \"company\"\n+++\n## Corp\n\nText.\n",
        ),
        (
            "content/parties/acme-corp.md",
            b"+++\nname = \"Acme Corp\"\nkind = \"company\"\n+++\n",
        ),
        (
            "content/sections/01-a.md",
            b"+++\ntitle = \"A\"\n+++\n## Terms\n\n## Title\n\nSee [](party:acme), [](party:acme-corp).\n",
        ),
        (
            "content/sections/02-a-terms.md",
            b"+++\ntitle = \"A terms\"\n+++\nMore.\n",
        ),
    ]);
    let out = build_ok(site.path());
    let mut ids = ids_on(&out, "print.html");
    for id in [
        "section-a-terms",
        "section-a_terms",
        "section-a_title",
        "party-acme-corp",
    ] {
        assert!(ids.iter().any(|i| i == id), "{id}: {ids:?}");
    }
    ids.sort_unstable();
    let all = ids.len();
    ids.dedup();
    assert_eq!(all, ids.len(), "an id repeats in print.html: {ids:?}");
}
