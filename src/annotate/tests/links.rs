//! Links that are not references: they pass through as written and are
//! rebased when a body moves; a script scheme is found as browsers find it, and
//! a misspelt kind is told from a real scheme.

use super::*;

#[test]
fn other_links_pass_through() {
    assert_eq!(
        html("[w](https://example.org) [m](mailto:a@b.c) [r](x.html) [u](unknown:thing)"),
        "<p><a href=\"https://example.org\">w</a> <a href=\"mailto:a@b.c\">m</a> <a href=\"x.html\">r</a> <a href=\"unknown:thing\">u</a></p>\n"
    );
}

#[test]
fn moved_bodies_rebase_relative_links() {
    let options = RenderOptions {
        id_prefix: "s-",
        moved_from: Some("sections/"),
    };
    let md = "[a](../parties/x.html) [b](memo.pdf) [c](#terms) [d](https://x.org/) ![e](./img/p.png) [f](/abs)";
    let out = render(md, &Fixed, &Highlighter::default(), options).html;
    for href in [
        "href=\"parties/x.html\"",
        "href=\"sections/memo.pdf\"",
        "href=\"#s-terms\"",
        "href=\"https://x.org/\"",
        "src=\"sections/img/p.png\"",
        "href=\"/abs\"",
    ] {
        assert!(out.contains(href), "{href} in {out}");
    }
}

#[test]
fn script_schemes_are_read_as_browsers_read_them() {
    use super::script_scheme;
    for url in [
        "javascript:alert(1)",
        " \u{1}JavaScript:x",
        "java\tscript:x",
        "jav\nascript:x",
        "VBScript:x",
        "data:text/html,<b>",
        "DATA: text/html;base64,AA==",
    ] {
        assert!(script_scheme(url).is_some(), "{url:?}");
    }
    for url in [
        "https://x.org/javascript:",
        "data:image/png;base64,AA==",
        "mailto:a@b",
        "#javascript:",
    ] {
        assert_eq!(script_scheme(url), None, "{url:?}");
    }
}

#[test]
fn misspelt_kinds_are_near_a_reserved_kind_and_real_schemes_are_not() {
    use super::misspelt_kind;
    for (dest, kind) in [
        ("parties:x", Kind::Party),
        ("Party:x", Kind::Party),
        ("clauses:x", Kind::Clause),
        ("qoute:x", Kind::Quote),
        ("QUOTES:x", Kind::Quote),
        ("sectoin:x", Kind::Section),
        ("events:x", Kind::Event),
        ("Evnet:x", Kind::Event),
    ] {
        assert_eq!(misspelt_kind(dest).map(|(_, k, _)| k), Some(kind), "{dest}");
    }
    for dest in [
        "party:x",
        "event:x",
        "https://x.org",
        "mailto:a@example.org",
        "tel:+1555",
        "data:text/plain,x",
        "ftp://x",
        "news:comp.lang",
    ] {
        assert_eq!(misspelt_kind(dest), None, "{dest}");
    }
}
