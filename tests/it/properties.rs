//! Property tests: for any Markdown built from the pieces authors actually
//! type, rendering never panics, the output parses as HTML, and every
//! reference link points at a page inside the site.

use proptest::prelude::*;
use scraper::{Html, Selector};

use crate::support::*;

/// Fragments that exercise references, embeds, footnotes and block structure.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ]{0,12}",
        Just("[".to_string()),
        Just("](".to_string()),
        Just(")".to_string()),
        Just("![".to_string()),
        prop_oneof![
            Just("party:"),
            Just("clause:"),
            Just("quote:"),
            Just("section:"),
            Just("https:")
        ]
        .prop_map(str::to_string),
        "[a-z0-9./_<>\"'-]{0,10}",
        Just("[^1]".to_string()),
        Just("\n\n[^1]: ".to_string()),
        Just("\n\n".to_string()),
        Just("\n# ".to_string()),
        Just("\n> ".to_string()),
        Just("\n- ".to_string()),
        Just("\n| a | b |\n|---|---|\n| ".to_string()),
        Just("\n```rust\n".to_string()),
        Just("`".to_string()),
        Just("<b>".to_string()),
        "[\\PC]{0,4}",
    ]
}

fn markdown() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..40).prop_map(|pieces| pieces.concat())
}

fn check(html: &str) -> Result<(), TestCaseError> {
    let doc = Html::parse_fragment(html);
    let refs = Selector::parse("a.ref").unwrap();
    for a in doc.select(&refs) {
        let href = a.value().attr("href").unwrap_or("");
        let inside = ["parties/", "clauses/", "quotes/", "sections/"]
            .iter()
            .any(|dir| {
                href.strip_prefix(dir)
                    .and_then(|f| f.strip_suffix(".html"))
                    .is_some_and(brief::model::is_valid_id)
            });
        prop_assert!(inside, "reference {href:?} leaves the site in {html}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn rendering_any_markdown_is_safe(text in markdown()) {
        let fragment = brief::fragment::render_fragment(text.as_bytes(), std::path::Path::new("x.md"), None)
            .expect("render never fails without a site");
        let html = fragment.html;
        check(&html)?;
    }
}

/// The same against a real site, through the command line: references resolve
/// only to existing entities.
#[test]
fn rendering_against_a_site_links_only_existing_pages() {
    let site = site("build/basic");
    let public = build_ok(site.path());
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 16,
        ..ProptestConfig::default()
    });
    runner
        .run(&markdown(), |text| {
            let path = site.path().join("input.md");
            std::fs::write(&path, &text).unwrap();
            let out = brief(site.path(), &["render", "input.md"]);
            // A reference to nothing is an error, as in a build, and then
            // nothing is printed; anything else renders.
            if out.status.code() == Some(1) {
                prop_assert!(stderr(&out).contains("error["), "{}", stderr(&out));
                prop_assert!(out.stdout.is_empty());
                return Ok(());
            }
            prop_assert!(out.status.success(), "{}", stderr(&out));
            let html = String::from_utf8(out.stdout).unwrap();
            check(&html)?;
            for a in Html::parse_fragment(&html).select(&Selector::parse("a.ref").unwrap()) {
                let href = a.value().attr("href").unwrap_or("");
                prop_assert!(
                    public.join(href).is_file(),
                    "{href} is not a page of the site"
                );
            }
            Ok(())
        })
        .unwrap();
}
