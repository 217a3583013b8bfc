use super::*;

const DOC: &str = r##"<html><head></head><body>
<nav><a href="#section-a"><span class="toc-page" data-for="section-a"></span></a></nav>
<section id="section-a"><p>
<a class="ref ref-party" href="#party-x" id="section-a_m-party-x-1" data-ref="party:x" data-label="P1">X</a>,
<a class="ref ref-party" href="#party-x" id="section-a_m-party-x-2" data-ref="party:x" data-label="P1">X again</a>,
<a class="ref ref-section" href="#section-b" id="section-a_m-section-b-1" data-label="&#167;2">there</a>,
<a href="#party-x">a plain link</a>, <a class="ref" href="https://example.org/" id="out" data-label="W">away</a>
</p></section>
<section id="section-b"><p><a class="ref" href="#party-x" id="section-b_m-party-x-1" data-label="P1">X</a></p>
<aside class="endnotes"><ol><li id="section-b_note-1"><a class="ref" href="#party-x" data-note-id="section-b_m-party-x-2" data-label="P1">X</a></li></ol></aside></section>
<article class="appendix-entry" id="party-x"><h3>X</h3><p class="in-sections">Mentioned in §1, §2</p></article>
<article class="other appendix-entry" id="event-y"><h3>Y</h3></article>
<li><a href="#party-x">X</a><span class="index-pages" data-pages-of="party-x"><span class="index-main"></span></span></li>
</body></html>"##;

/// The CSS with its hex escapes (`\2c `) decoded, to read as a reader would.
fn readable(css: &str) -> String {
    let mut out = String::new();
    let mut rest = css;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let hex: String = rest[at + 1..]
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect();
        let code = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
        out.push(code.unwrap_or('?'));
        rest = rest[at + 1 + hex.len()..]
            .strip_prefix(' ')
            .unwrap_or(&rest[at + 1 + hex.len()..]);
    }
    out + rest
}

fn pages(list: &[(&str, u32)]) -> BTreeMap<String, u32> {
    list.iter().map(|&(id, p)| (id.to_string(), p)).collect()
}

#[test]
fn marks_come_from_the_markup_whatever_the_kind() {
    let marks = Marks::scan(DOC);
    let ids: Vec<(&str, &str, &str, &str)> = (marks.references.iter())
        .map(|r| {
            (
                r.by.1.as_str(),
                r.at.as_str(),
                r.target.as_str(),
                r.label.as_str(),
            )
        })
        .collect();
    let id = "section-a_m-party-x-1";
    assert_eq!(
        ids,
        [
            (id, id, "party-x", "P1"),
            (
                "section-a_m-party-x-2",
                "section-a_m-party-x-2",
                "party-x",
                "P1"
            ),
            (
                "section-a_m-section-b-1",
                "section-a_m-section-b-1",
                "section-b",
                "§2"
            ),
            (
                "section-b_m-party-x-1",
                "section-b_m-party-x-1",
                "party-x",
                "P1"
            ),
            // A note's copy of a reference is where its note is.
            ("section-b_m-party-x-2", "section-b_note-1", "party-x", "P1"),
        ]
    );
    assert_eq!(marks.references[4].by.0, "data-note-id");
    assert_eq!(marks.entries, ["party-x", "event-y"]);
    assert_eq!(marks.listed, ["party-x"]);
    let probe = marks.probe();
    assert!(probe.starts_with("<div hidden>"), "{probe}");
    for id in ["party-x", "event-y", "section-b", "section-a_m-party-x-2"] {
        assert!(
            probe.contains(&format!("<a href=\"#{id}\"></a>")),
            "{id}: {probe}"
        );
    }
    assert!(Marks::scan("<p>nothing</p>").is_empty());
    assert_eq!(Marks::scan("<p>nothing</p>").probe(), "");
}

#[test]
fn labels_gain_the_page_of_their_target_once_a_page_and_only_from_elsewhere() {
    let marks = Marks::scan(DOC);
    let at = pages(&[
        ("section-a_m-party-x-1", 2),
        ("section-a_m-party-x-2", 2),
        ("section-a_m-section-b-1", 3),
        ("section-b", 3),
        ("section-b_m-party-x-1", 3),
        ("section-b_note-1", 4),
        ("party-x", 9),
    ]);
    let css = readable(&marks.style(&at));
    let labelled: Vec<&str> = css.lines().filter(|l| l.starts_with("a.ref")).collect();
    // The second reference on page 2 and the one to its own page say no page.
    assert_eq!(
        labelled,
        [
            "a.ref[id=\"section-a_m-party-x-1\"][data-label]::after { content: \"\u{a0}[P1, p.\u{a0}9]\" !important; }",
            "a.ref[id=\"section-b_m-party-x-1\"][data-label]::after { content: \"\u{a0}[P1, p.\u{a0}9]\" !important; }",
            "a.ref[data-note-id=\"section-b_m-party-x-2\"][data-label]::after { content: \"\u{a0}[P1, p.\u{a0}9]\" !important; }",
        ]
    );
    assert!(
        css.contains(
            r#".appendix-entry[id="party-x"]::after { content: "Mentioned on pp. 2–4"; }"#
        )
    );
    // An entry nothing mentions says nothing.
    assert!(!css.contains("event-y"), "{css}");
    assert!(css.contains(r#"[data-pages-of="party-x"] .index-main::after { content: "9"; }"#));
    assert!(css.contains(r#"[data-pages-of="party-x"]::before { content: "2–4, "; }"#));
    assert!(css.contains(r#"[data-pages-of="party-x"]::after { content: ""; }"#));
}

#[test]
fn index_pages_fall_either_side_of_the_entry_which_is_never_repeated() {
    let marks = Marks::scan(DOC);
    let at = pages(&[
        ("section-a_m-party-x-1", 1),
        ("section-b_m-party-x-1", 5),
        ("section-a_m-party-x-2", 7),
        ("party-x", 5),
    ]);
    let css = readable(&marks.style(&at));
    assert!(
        css.contains(r#"[data-pages-of="party-x"]::before { content: "1, "; }"#),
        "{css}"
    );
    assert!(css.contains(r#"[data-pages-of="party-x"] .index-main::after { content: "5"; }"#));
    assert!(css.contains(r#"[data-pages-of="party-x"]::after { content: ", 7"; }"#));
    assert!(
        css.contains(r#"content: "Mentioned on pp. 1, 5, 7""#),
        "{css}"
    );
}

#[test]
fn runs_of_pages_collapse_into_ranges() {
    assert_eq!(ranges(&[]), "");
    assert_eq!(ranges(&[4]), "4");
    assert_eq!(ranges(&[3, 5, 9, 10]), "3, 5, 9–10");
    assert_eq!(ranges(&[1, 2, 3, 7, 8, 20]), "1–3, 7–8, 20");
}
