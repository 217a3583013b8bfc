//! The templates are the one description of every page: an edit to any
//! built-in template, made in a copy of the repository's theme, shows in the
//! pages built from it; a site overriding one template gets it and the rest
//! unchanged; and sites with any front matter build the same bytes twice.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::*;

/// Every file under `dir` by its path relative to `dir`.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk output"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside");
            let rel = rel.to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(e.path()).expect("read output"))
        })
        .collect()
}

/// For each built-in template: the text after which an edit goes (a place
/// whose output is shown), and a page of `build/basic` built from it (of
/// `events/basic` for an event's page, which `build/basic` has none of).
const EDITS: [(&str, &str, &str); 20] = [
    (
        "base.html",
        "<main id=\"main\" tabindex=\"-1\">",
        "index.html",
    ),
    (
        "macros.html",
        "{% component status(s) %}",
        "clauses/index.html",
    ),
    (
        "card.html",
        "{{ <card e={entity} root anchor /> }}",
        "sections/deal.html",
    ),
    ("index.html", "{% block content %}", "index.html"),
    ("section.html", "{% block content %}", "sections/deal.html"),
    ("party.html", "{% block content %}", "parties/acme.html"),
    (
        "clause.html",
        "{% block content %}",
        "clauses/exclusivity.html",
    ),
    (
        "quote.html",
        "{% block content %}",
        "quotes/roe-direct.html",
    ),
    (
        "parties_index.html",
        "{% block content %}",
        "parties/index.html",
    ),
    (
        "clauses_index.html",
        "{% block content %}",
        "clauses/index.html",
    ),
    (
        "quotes_index.html",
        "{% block content %}",
        "quotes/index.html",
    ),
    ("print.html", "{% block content %}", "print.html"),
    ("404.html", "{% block content %}", "404.html"),
    (
        "related.html",
        "{% if page.related %}",
        "sections/deal.html",
    ),
    (
        "mentions.html",
        "{% if page.mentioned_in %}",
        "parties/acme.html",
    ),
    ("entity_tail.html", "</div>{% endif %}", "parties/acme.html"),
    (
        "deal_map.html",
        "{% component deal_map(map, id, root, caption, links) %}",
        "index.html",
    ),
    ("event.html", "{% block content %}", "events/announced.html"),
    ("timeline.html", "{% block content %}", "timeline.html"),
    (
        "timeline_axis.html",
        "<div class=\"timeline-scroll\">",
        "timeline.html",
    ),
];

#[test]
fn every_built_in_template_is_the_one_source_of_its_pages() {
    let theme = repo_root().join("templates");
    let names: Vec<String> = std::fs::read_dir(&theme)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names.len(),
        EDITS.len(),
        "every template has an edit: {names:?}"
    );
    for (name, after, shown_on) in EDITS {
        let site = match name {
            "event.html" => site("events/basic"),
            _ => site("build/basic"),
        };
        let text = std::fs::read_to_string(theme.join(name)).unwrap();
        let at = text
            .find(after)
            .unwrap_or_else(|| panic!("{name} holds {after}"))
            + after.len();
        let marker = format!("<!-- edited {name} -->");
        let edited = format!("{}{marker}{}", &text[..at], &text[at..]);
        std::fs::create_dir_all(site.path().join("templates")).unwrap();
        std::fs::write(site.path().join("templates").join(name), edited).unwrap();
        let out = build_ok(site.path());
        let page = std::fs::read_to_string(out.join(shown_on)).unwrap();
        assert!(
            page.contains(&marker),
            "{name}: the edit is not on {shown_on}"
        );
    }
}

#[test]
fn a_site_overriding_one_template_gets_it_and_the_rest_unchanged() {
    let plain = site("build/basic");
    let custom = site("build/basic");
    let templates = custom.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let party = std::fs::read_to_string(repo_root().join("templates/party.html")).unwrap();
    let party = party.replace(
        "<article class=\"entity\">",
        "<article class=\"entity custom\">",
    );
    std::fs::write(templates.join("party.html"), party).unwrap();
    let plain = files(&build_ok(plain.path()));
    let custom_out = build_ok(custom.path());
    let custom = files(&custom_out);
    for (path, bytes) in &plain {
        let changed = bytes != &custom[path];
        let is_party_page = path.starts_with("parties/") && path != "parties/index.html";
        assert_eq!(changed, is_party_page, "{path}");
    }
    let html = page(&custom_out, "parties/acme.html");
    assert_eq!(select(&html, "article.entity.custom").len(), 1);
}

/// Builds `site` twice and asserts the two outputs are the same, file for
/// file, byte for byte, and that every page parses with its one `<main>`.
fn assert_builds_the_same_twice(site: &Path) {
    let first = files(&build_ok(site));
    let second = files(&build_ok(site));
    assert_eq!(first, second, "two builds differ");
    for (path, bytes) in &first {
        if path.ends_with(".html") {
            let html = scraper::Html::parse_document(&String::from_utf8_lossy(bytes));
            assert_eq!(select(&html, "main").len(), 1, "{path}");
        }
    }
}

mod random {
    //! Sites with random front matter: every optional value present, empty
    //! or missing, text full of characters that need escaping.

    use proptest::prelude::*;

    use super::assert_builds_the_same_twice;

    /// A TOML basic string holding text with markup characters in it.
    fn text() -> impl Strategy<Value = String> {
        "[A-Za-z][A-Za-z<>&\"' é/§-]{0,10}".prop_map(|s| format!("\"{}\"", s.replace('"', "\\\"")))
    }

    /// `key = value`, `key = ""` or nothing.
    fn optional(key: &'static str) -> impl Strategy<Value = String> {
        prop_oneof![
            text().prop_map(move |v| format!("{key} = {v}\n")),
            Just(format!("{key} = \"\"\n")),
            Just(String::new()),
        ]
    }

    /// A day, a month, a year or nothing: every precision a date may have.
    fn date(key: &'static str) -> impl Strategy<Value = String> {
        prop_oneof![
            Just(format!("{key} = 2026-04-28\n")),
            Just(format!("{key} = \"2026-04\"\n")),
            Just(format!("{key} = \"2030\"\n")),
            Just(String::new()),
        ]
    }

    #[derive(Debug, Clone)]
    struct Site {
        config: String,
        party: String,
        person: String,
        clause: String,
        quote: String,
        section: String,
    }

    fn site() -> impl Strategy<Value = Site> {
        let config = (text(), optional("dek"), date("date"), 0..3usize, any::<bool>()).prop_map(
            |(title, dek, date, sources, base)| {
                let mut config = format!("title = {title}\n{dek}{date}");
                if base {
                    config.push_str("base_url = \"https://example.org/b&c/\"\n");
                }
                for n in 0..sources {
                    config.push_str(&format!(
                        "[[sources]]\nid = \"s{n}\"\ntitle = \"Source <{n}> & co\"\n"
                    ));
                    if n == 1 {
                        config.push_str("publisher = \"P & P\"\ndate = 2026-01-01\nurl = \"https://example.org/?a&b\"\n");
                    }
                }
                config
            },
        );
        let party = (
            text(),
            prop_oneof![Just("company"), Just("organisation"), Just("product")],
            optional("role"),
            prop_oneof![Just("aliases = [\"A&B\", \"<c>\"]\n"), Just("")],
        )
            .prop_map(|(name, kind, role, aliases)| {
                format!("name = {name}\nkind = \"{kind}\"\n{role}{aliases}")
            });
        let person = (text(), optional("position"), any::<bool>()).prop_map(
            |(name, position, affiliated)| {
                let affiliation = if affiliated {
                    "affiliation = \"org\"\n"
                } else {
                    ""
                };
                format!("name = {name}\nkind = \"person\"\n{position}{affiliation}")
            },
        );
        let clause = (
            text(),
            optional("agreement"),
            0..4usize,
            text(),
            text(),
            date("effective"),
            date("until"),
        )
            .prop_map(|(title, agreement, status, before, after, effective, until)| {
                let (status, before, after) = match status {
                    0 => ("added", String::new(), format!("after = {after}\n")),
                    1 => ("removed", format!("before = {before}\n"), String::new()),
                    2 => ("changed", format!("before = {before}\n"), format!("after = {after}\n")),
                    _ => ("unchanged", format!("before = {before}\n"), format!("after = {before}\n")),
                };
                // A clause may not end before it takes effect (an error of
                // its own): after an effective 2030, it ends in 2030.
                let until = match effective.contains("2030") && !until.is_empty() {
                    true => "until = \"2030\"\n".to_string(),
                    false => until,
                };
                format!(
                    "title = {title}\n{agreement}status = \"{status}\"\nparties = [\"org\", \"ann\"]\n{before}{after}{effective}{until}"
                )
            });
        let quote = (text(), any::<bool>(), date("date"), any::<bool>()).prop_map(
            |(words, direct, date, about)| {
                let kind = if direct { "direct" } else { "paraphrase" };
                let about = if about {
                    "about = [\"org\", \"clause:term\"]\n"
                } else {
                    ""
                };
                format!("speaker = \"ann\"\ntext = {words}\nkind = \"{kind}\"\n{date}{about}")
            },
        );
        let section = (text(), optional("summary"))
            .prop_map(|(title, summary)| format!("title = {title}\n{summary}"));
        (config, party, person, clause, quote, section).prop_map(
            |(config, party, person, clause, quote, section)| Site {
                config,
                party,
                person,
                clause,
                quote,
                section,
            },
        )
    }

    fn write(dir: &std::path::Path, site: &Site) {
        let file = |path: &str, text: String| {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        let with_body = |meta: &str, body: &str| format!("+++\n{meta}+++\n{body}\n");
        file("briefing.toml", site.config.clone());
        file("content/_index.md", "About [](party:org).\n".into());
        file(
            "content/parties/org.md",
            with_body(&site.party, "On [](clause:term)."),
        );
        file("content/parties/ann.md", with_body(&site.person, ""));
        file("content/clauses/term.md", with_body(&site.clause, ""));
        file("content/quotes/said.md", with_body(&site.quote, ""));
        file(
            "content/sections/01-one.md",
            with_body(
                &site.section,
                "## A & B\n\n[](party:ann) on [](party:org)[^1]:\n\n![](quote:said)\n\n\
                 ![](clause:term)\n\n## C\n\nSee [](section:two).\n\n[^1]: A note on [](clause:term).",
            ),
        );
        file(
            "content/sections/02-two.md",
            with_body("title = \"Two\"\n", "Back to [](section:one)."),
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        #[test]
        fn any_front_matter_builds_the_same_twice(site in site()) {
            let dir = tempfile::tempdir().unwrap();
            write(dir.path(), &site);
            assert_builds_the_same_twice(dir.path());
        }
    }
}
