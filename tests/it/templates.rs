//! The built-in templates are written out in Rust for speed, and a site that
//! overrides one goes through Tera: both must give the same bytes. Each site
//! here is built as it is, and again with every built-in template copied into
//! its `templates/` with a Tera comment added, which makes them overrides
//! that only Tera can render.

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

/// Copies the built-in templates into `site/templates`, each with a comment
/// at its end that renders as nothing.
fn override_every_template(site: &Path) {
    let templates = site.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    for entry in std::fs::read_dir(repo_root().join("templates")).unwrap() {
        let entry = entry.unwrap();
        let mut text = std::fs::read_to_string(entry.path()).unwrap();
        text.push_str("{# the same template, but not the built-in one #}");
        std::fs::write(templates.join(entry.file_name()), text).unwrap();
    }
}

/// Builds `site` as it is and with every template overridden, and asserts
/// the two outputs are the same file for file, byte for byte.
fn assert_same_as_tera(site: &Path) {
    let tera = tempfile::tempdir().unwrap();
    copy_dir(site, tera.path());
    override_every_template(tera.path());
    let native = files(&build_ok(site));
    let through_tera = files(&build_ok(tera.path()));
    assert_eq!(
        native.keys().collect::<Vec<_>>(),
        through_tera.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &native {
        let other = &through_tera[path];
        if bytes != other {
            let (a, b) = (
                String::from_utf8_lossy(bytes),
                String::from_utf8_lossy(other),
            );
            let line = a.lines().zip(b.lines()).position(|(x, y)| x != y);
            let show = |s: &str, n: Option<usize>| match n {
                Some(n) => s.lines().nth(n).unwrap_or("").to_string(),
                None => format!("(length {})", s.len()),
            };
            panic!(
                "{path} differs at line {}:\n  built-in: {}\n  Tera:     {}",
                line.map_or(0, |n| n + 1),
                show(&a, line),
                show(&b, line)
            );
        }
    }
}

#[test]
fn escaping_and_missing_values_come_out_as_tera_makes_them() {
    assert_same_as_tera(site("templates/tricky").path());
}

#[test]
fn small_sites_come_out_as_tera_makes_them() {
    // Nothing but one section; one section, one party and a date; the basic
    // site; a wide table in print.
    for name in [
        "templates/bare",
        "templates/one",
        "build/basic",
        "print/wide",
    ] {
        assert_same_as_tera(site(name).path());
    }
}

#[test]
fn the_shipped_briefing_comes_out_as_tera_makes_it() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo_root().join("briefing.toml"),
        tmp.path().join("briefing.toml"),
    )
    .unwrap();
    copy_dir(&repo_root().join("content"), &tmp.path().join("content"));
    assert_same_as_tera(tmp.path());
}

#[test]
fn a_generated_corpus_comes_out_as_tera_makes_it() {
    let work = corpus(40);
    assert_same_as_tera(&work.path().join("brief"));
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

mod random {
    //! Sites with random front matter: every optional value present, empty
    //! or missing, text full of characters that need escaping.

    use proptest::prelude::*;

    use super::assert_same_as_tera;

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
        fn any_front_matter_comes_out_as_tera_makes_it(site in site()) {
            let dir = tempfile::tempdir().unwrap();
            write(dir.path(), &site);
            assert_same_as_tera(dir.path());
        }
    }
}
