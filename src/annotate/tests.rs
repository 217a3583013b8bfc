//! Spec-style examples of the annotation syntax: Markdown in, HTML out.

use super::*;

impl RawRef {
    /// The element id the rendered reference carries (`m-party-openai-2`).
    fn anchor(&self) -> String {
        anchor_id("", self.kind, &self.id, self.nth)
    }
}

/// Every reference resolves; names are the id in capitals, labels `X1`.
struct Fixed;

impl Targets for Fixed {
    fn target(&self, kind: Kind, id: &str) -> Option<Target> {
        (id != "missing").then(|| Target {
            href: format!("../{}/{id}.html", kind.dir()),
            name: id.to_uppercase(),
            label: kind.label_letter().map(|l| format!("{l}1")),
        })
    }

    fn card(&self, kind: Kind, id: &str, anchor: &str) -> Option<String> {
        Some(format!(
            "<aside id=\"{anchor}\">card {}:{id}</aside>\n",
            kind.as_str()
        ))
    }
}

/// The scan of `body` on its own, its snippets copied.
fn scan(body: &str, name: &dyn Fn(Kind, &str) -> Option<String>) -> Vec<RawRef> {
    scan::scan_body(body, None, name)
}

fn html(markdown: &str) -> String {
    render(
        markdown,
        &Fixed,
        &Highlighter::default(),
        RenderOptions::default(),
    )
    .html
}

fn no_names(_: Kind, id: &str) -> Option<String> {
    Some(id.to_uppercase())
}

#[test]
fn reference_with_text() {
    assert_eq!(
        html("See [the Redmond company](party:microsoft)."),
        "<p>See <a class=\"ref ref-party\" href=\"../parties/microsoft.html\" id=\"m-party-microsoft-1\" \
         data-ref=\"party:microsoft\" data-label=\"P1\">the Redmond company</a>.</p>\n"
    );
}

/// A reference's tag is handed to the writer as inline HTML; the writer's
/// sense of where lines end must come out right: here the tag follows a line
/// break and is followed, once closed, by a nested list.
#[test]
fn a_reference_after_a_line_break_leaves_the_lines_as_they_were() {
    assert_eq!(
        html("- a\n  [x](party:p)\n  - b\n"),
        "<ul>\n<li>a\n<a class=\"ref ref-party\" href=\"../parties/p.html\" id=\"m-party-p-1\" \
         data-ref=\"party:p\" data-label=\"P1\">x</a>\n<ul>\n<li>b</li>\n</ul>\n</li>\n</ul>\n"
    );
    assert_eq!(
        html("a\n[](party:p)\n\n---\n"),
        "<p>a\n<a class=\"ref ref-party\" href=\"../parties/p.html\" id=\"m-party-p-1\" \
         data-ref=\"party:p\" data-label=\"P1\">P</a></p>\n<hr />\n"
    );
}

#[test]
fn empty_text_is_filled_with_the_name() {
    assert_eq!(
        html("[](clause:cap)"),
        "<p><a class=\"ref ref-clause\" href=\"../clauses/cap.html\" id=\"m-clause-cap-1\" \
         data-ref=\"clause:cap\" data-label=\"C1\">CAP</a></p>\n"
    );
}

#[test]
fn anchors_count_per_entity() {
    let out = html("[a](party:x) [b](party:y) [c](party:x)");
    assert!(out.contains("id=\"m-party-x-1\""));
    assert!(out.contains("id=\"m-party-y-1\""));
    assert!(out.contains("id=\"m-party-x-2\""));
}

#[test]
fn other_links_pass_through() {
    assert_eq!(
        html("[w](https://example.org) [m](mailto:a@b.c) [r](x.html) [u](unknown:thing)"),
        "<p><a href=\"https://example.org\">w</a> <a href=\"mailto:a@b.c\">m</a> <a href=\"x.html\">r</a> <a href=\"unknown:thing\">u</a></p>\n"
    );
}

#[test]
fn sole_embed_replaces_its_paragraph() {
    assert_eq!(
        html("![](quote:q)\n"),
        "<aside id=\"m-quote-q-1\">card quote:q</aside>\n"
    );
}

#[test]
fn embed_inside_text_splits_the_paragraph() {
    assert_eq!(
        html("Before ![](clause:c) after"),
        "<p>Before </p>\n<aside id=\"m-clause-c-1\">card clause:c</aside>\n<p> after</p>\n"
    );
}

/// A tight list item's text stands in no paragraph: its card goes in the
/// item as it is, with no paragraph to close (a stray `</p>` is invalid).
#[test]
fn embed_in_a_tight_list_item_closes_no_paragraph() {
    assert_eq!(
        html("- one\n- Said ![](quote:q) today\n- three\n"),
        "<ul>\n<li>one</li>\n<li>Said <aside id=\"m-quote-q-1\">card quote:q</aside>\n today</li>\n<li>three</li>\n</ul>\n"
    );
    // In a loose list the item's text is a paragraph, which the card splits.
    assert!(
        html("- one\n\n- Said ![](quote:q) today\n").contains(
            "<p>Said </p>\n<aside id=\"m-quote-q-1\">card quote:q</aside>\n<p> today</p>"
        )
    );
}

#[test]
fn footnotes_become_sidenotes_and_endnotes() {
    let out = html("Text.[^a]\n\n[^a]: A *note* on [it](party:x).\n");
    assert!(
        out.contains("<label for=\"sn-1\" class=\"sidenote-ref\" id=\"note-ref-1\">1</label>"),
        "{out}"
    );
    assert!(out.contains("<span class=\"sidenote\" role=\"note\"><span class=\"sidenote-number\">1</span> A <em>note</em> on <a class=\"ref ref-party\""), "{out}");
    assert!(
        out.contains(
            "<aside class=\"endnotes\" aria-label=\"Notes\"><ol>\n<li id=\"note-1\" value=\"1\">A <em>note</em>"
        ),
        "{out}"
    );
}

/// Each call gets its note's sidenote where it stands, a note called twice
/// included; a call to no note is shown as written.
#[test]
fn every_call_gets_its_sidenote_in_place() {
    let body = "[^a]Text.[^b][^a] and [^none]\n\n> Quoted[^b].\n\n[^a]: A *note*.\n[^b]: B.\n";
    let out = html(body);
    assert_eq!(out.matches("class=\"sidenote-ref\"").count(), 4, "{out}");
    assert!(
        out.starts_with("<p><span class=\"sidenote-wrap\"><label for=\"sn-1\""),
        "{out}"
    );
    assert!(out.contains("and [^none]</p>"), "{out}");
    assert!(
        out.contains("<li id=\"note-2\" value=\"2\">B.</li>"),
        "{out}"
    );
}

#[test]
fn headings_get_unique_ids_with_prefix() {
    let out = render(
        "## Money\n\n## Money\n",
        &Fixed,
        &Highlighter::default(),
        RenderOptions {
            id_prefix: "s-",
            moved_from: None,
        },
    );
    assert!(
        out.html.contains("<h2 id=\"s-money\">Money</h2>"),
        "{}",
        out.html
    );
    assert!(
        out.html.contains("<h2 id=\"s-money-2\">Money</h2>"),
        "{}",
        out.html
    );
    assert_eq!(out.headings.len(), 2);
}

/// A heading whose slug is an id brief uses itself, or one a later repeat
/// would count into, still gets an id of its own on the page.
#[test]
fn heading_slugs_never_take_an_id_brief_uses_or_repeat_one() {
    let out = render(
        "## Main\n\n## Mentioned in\n\n## M party acme 1\n\n## Note 1\n\n\
         ## Money\n\n## Money 2\n\n## Money\n\n## H main\n\n## Ref preview\n",
        &Fixed,
        &Highlighter::default(),
        RenderOptions::default(),
    );
    let ids: Vec<&str> = out.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "h-main",
            "h-mentioned-in",
            "h-m-party-acme-1",
            "h-note-1",
            "money",
            "money-2",
            "money-3",
            "h-main-2",
            "h-ref-preview",
        ]
    );
}

#[test]
fn unknown_target_renders_its_text_only() {
    assert_eq!(html("[gone](party:missing)"), "<p>gone</p>\n");
}

#[test]
fn code_is_highlighted_unknown_is_escaped() {
    assert!(html("```rust\nfn x() {}\n```\n").contains("class=\"hl-"));
    assert!(html("```zzz\n<x>\n```\n").contains("&lt;x&gt;"));
}

#[test]
fn scan_records_spans_snippets_and_anchors() {
    let body = "Intro [](party:microsoft) and [OpenAI](party:openai).\n\n![](quote:q)\n";
    let refs = scan(body, &no_names);
    assert_eq!(refs.len(), 3);
    assert_eq!(&body[refs[0].span.clone()], "[](party:microsoft)");
    assert_eq!(
        refs[0].snippet,
        Snippet::copied(["Intro ", "MICROSOFT", " and OpenAI."], [false, false])
    );
    assert_eq!(refs[1].anchor(), "m-party-openai-1");
    assert!(refs[2].embed);
    assert_eq!(refs[2].block, refs[0].block + 1);
}

#[test]
fn scan_and_render_agree_on_anchors_with_footnotes() {
    let body = "A [x](party:p).[^1] B [y](party:p).\n\n[^1]: Note with [z](party:p).\n";
    let scanned: Vec<String> = scan(body, &no_names)
        .into_iter()
        .map(|r| r.anchor())
        .collect();
    let out = html(body);
    for anchor in &scanned {
        assert!(
            out.contains(&format!("id=\"{anchor}\"")),
            "{anchor} missing in {out}"
        );
    }
    assert_eq!(scanned.len(), 3);
}

#[test]
fn scan_notes_places() {
    let refs = scan(
        "# [](party:a)\n\n| h |\n|---|\n| ![](quote:q) |\n",
        &no_names,
    );
    assert_eq!(refs[0].place, Place::Heading);
    assert_eq!(refs[1].place, Place::TableCell);
}

#[test]
fn scan_returns_references_in_reading_order_with_notes_where_called() {
    let body = "First [a](party:a).[^n] Then [b](party:b).\n\n[^n]: Note on [c](party:c).\n";
    let ids: Vec<String> = scan(body, &no_names).into_iter().map(|r| r.id).collect();
    assert_eq!(ids, ["a", "c", "b"]);
}

/// Found by fuzzing: a reference inside an image's alt text. There is nothing to
/// link there, so neither pass treats it as a reference (they used to disagree
/// on anchors).
#[test]
fn references_inside_image_alt_text_are_plain_text() {
    for body in [
        "![[](party:e)]()",
        "![[x](party:e) ![](quote:q)](pic.png) [y](party:e)",
    ] {
        let refs = scan(body, &no_names);
        let out = html(body);
        for r in &refs {
            assert!(
                out.contains(&format!("id=\"{}\"", r.anchor())),
                "{body}: {} missing in {out}",
                r.anchor()
            );
        }
    }
    assert!(scan("![[](party:e)]()", &no_names).is_empty());
    assert_eq!(
        scan("![[x](party:e)](pic.png) [y](party:e)", &no_names)[0].anchor(),
        "m-party-e-1"
    );
}

/// Found by fuzzing: an embed of a kind that cannot be embedded still takes
/// its anchor, so later anchors line up with the scan.
#[test]
fn a_non_embeddable_embed_keeps_anchors_in_step() {
    let body = "+![](party:acme)[](party:acme)";
    let out = html(body);
    for r in scan(body, &no_names).iter().filter(|r| !r.embed) {
        assert!(
            out.contains(&format!("id=\"{}\"", r.anchor())),
            "{} missing in {out}",
            r.anchor()
        );
    }
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
fn bodies_with_and_without_notes_render_alike() {
    // Notes are rendered after the text and put in place at the end. The
    // text before the note must come out as it does with no notes at all.
    let plain = "## Money\n\nSee [OpenAI](party:openai) and ![](clause:ip).\n\n> ## Money\n\n```rust\nfn x() {}\n```\n";
    let noted = format!("{plain}\nA note[^1].\n\n[^1]: The note.\n");
    let options = || RenderOptions {
        id_prefix: "",
        moved_from: None,
    };
    let a = render(plain, &Fixed, &Highlighter::default(), options());
    let b = render(&noted, &Fixed, &Highlighter::default(), options());
    assert!(b.html.starts_with(&a.html), "{}\n---\n{}", a.html, b.html);
    assert!(a.html.contains("id=\"money-2\""), "{}", a.html);
    assert_eq!(a.headings, b.headings);
}

#[test]
fn a_long_body_with_notes_renders_as_a_short_one_does() {
    // Thousands of notes, each called once: note numbers and anchors must be
    // the ones `scan` gives, and each sidenote must sit in its paragraph.
    let count = 4000;
    let body: String = (0..count)
        .map(|i| {
            format!("Para {i} names [x](party:p)[^n{i}].\n\n[^n{i}]: Note {i} on [z](party:p).\n\n")
        })
        .collect();
    assert!(body.len() > 256 * 1024);
    let out = html(&body);
    let refs = scan(&body, &no_names);
    assert_eq!(refs.len(), 2 * count);
    for i in [0, 1, 2, count / 2, count - 1] {
        // The note is numbered by its place, and sits in its paragraph.
        let para = out.find(&format!("Para {i} names")).unwrap();
        let rest = &out[para..];
        let end = rest.find("</p>").unwrap();
        assert!(
            rest[..end].contains(&format!("Show note {}\"", i + 1)),
            "{}",
            &rest[..end]
        );
        // Its reference carries the anchor the scan gave it.
        let note = format!("Note {i} on ");
        let scanned = refs
            .iter()
            .find(|r| body[..r.span.start].ends_with(&note))
            .unwrap();
        let at = out.find(&note).unwrap() + note.len();
        let tag = &out[at..at + out[at..].find('>').unwrap()];
        assert!(
            tag.contains(&format!("id=\"{}\"", scanned.anchor())),
            "{tag}"
        );
    }
}

#[test]
fn snippets_pointing_into_the_source_read_as_copied_ones_do() {
    let long = "wörd ".repeat(50);
    let bodies = [
        "Intro [](party:microsoft) and [OpenAI](party:openai).\n".to_string(),
        format!("{long}[x](party:a) {long}\n"),
        format!("{long}\"quoted\" [x](party:a) it's *so* {long}\n"),
        "A line\nbroken [x](party:a) `code` and **strong** [](party:b)\n\n- item [y](party:a)\n"
            .to_string(),
        format!("| a | b |\n|---|---|\n| {long} [x](party:a) | z |\n"),
        "See [a [nested](party:b) link](party:a).[^1]\n\n[^1]: Note [n](party:a).\n".to_string(),
    ];
    for body in &bodies {
        let source = std::sync::Arc::new(format!("+++\ntitle = \"x\"\n+++\n{body}"));
        let copied = scan(body, &no_names);
        let pointing = scan_source(&source, source.len() - body.len(), &no_names);
        assert_eq!(copied, pointing, "{body}");
        for (a, b) in copied.iter().zip(&pointing) {
            assert_eq!(
                serde_json::to_string(&a.snippet).unwrap(),
                serde_json::to_string(&b.snippet).unwrap()
            );
            assert_eq!(format!("{:?}", a.snippet), format!("{:?}", b.snippet));
        }
    }
}

mod agreement {
    use std::collections::HashSet;

    use proptest::prelude::*;

    use super::*;

    /// Fragments that put references in link text, images, notes, headings
    /// and tables.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("word ".to_string()),
            Just("[x](party:p)".to_string()),
            Just("[](party:q)".to_string()),
            Just("<party:p>".to_string()),
            Just("![](quote:c)".to_string()),
            Just("[a ![](quote:c) b](clause:k)".to_string()),
            Just("![alt [x](party:p)](pic.png)".to_string()),
            Just("[y](party:missing)".to_string()),
            Just("[^1]".to_string()),
            Just("[^2]".to_string()),
            Just("\n\n[^1]: Note on [z](party:p). ".to_string()),
            Just("\n\n[^2]: Other [w](party:p)[^1]. ".to_string()),
            Just("\n\n".to_string()),
            Just("\n# ".to_string()),
            Just("\n> ".to_string()),
            Just("\n- ".to_string()),
            Just("\n| a | b |\n|---|---|\n| ".to_string()),
            Just(" | ".to_string()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// Both passes number a body's references alike: every reference
        /// the scan finds carries, in the rendered body, the anchor the scan
        /// gave it, and the rendered body has no reference anchor the scan
        /// does not know.
        #[test]
        fn scan_and_render_agree_on_every_anchor(pieces in prop::collection::vec(piece(), 0..24)) {
            let body = pieces.concat();
            let out = html(&body);
            let refs: Vec<RawRef> = scan(&body, &no_names)
                .into_iter()
                .filter(|r| !r.embed && r.id != "missing")
                .collect();
            for r in &refs {
                let tag = format!("id=\"{}\"", r.anchor());
                let at = out.find(&tag);
                prop_assert!(at.is_some(), "{} missing in {}", r.anchor(), out);
                // The anchor sits on this very reference: its link text.
                let text = body[r.span.clone()]
                    .strip_prefix('[')
                    .and_then(|s| s.split_once("]("))
                    .map(|(text, _)| text)
                    .filter(|t| !t.is_empty() && t.chars().all(char::is_alphabetic));
                if let (Some(text), Some(at)) = (text, at) {
                    let rest = &out[at..];
                    let shown = rest[rest.find('>').unwrap_or(0) + 1..].split('<').next();
                    prop_assert_eq!(shown, Some(text), "{} in {}", r.anchor(), out);
                }
            }
            let scanned: HashSet<String> = refs.into_iter().map(|r| r.anchor()).collect();
            let rendered = out
                .split(" id=\"m-")
                .skip(1)
                .filter_map(|rest| rest.split('"').next())
                .map(|anchor| format!("m-{anchor}"));
            for anchor in rendered {
                prop_assert!(scanned.contains(&anchor) || anchor.starts_with("m-quote-c-"), "{anchor} not scanned, in {out}");
            }
        }
    }

    /// `is_external` as the URL standard words it, one character at a time.
    fn has_scheme(target: &str) -> bool {
        if target.starts_with("//") {
            return true;
        }
        let end = target.find(['/', '?', '#']).unwrap_or(target.len());
        target[..end].split_once(':').is_some_and(|(scheme, _)| {
            let mut chars = scheme.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

        #[test]
        fn is_external_finds_a_scheme_as_the_standard_does(target in "[a-zA-Z0-9+.:/?#é-]{0,12}") {
            prop_assert_eq!(is_external(&target), has_scheme(&target), "{}", target);
        }
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

/// GitHub's alerts carry their kind as a title, so they read without colour
/// and in print; references and notes work inside them.
#[test]
fn alerts_get_their_kind_as_a_title_and_keep_references_and_notes() {
    assert_eq!(
        html("> [!WARNING]\n> Terms [change](clause:cap) soon.[^1]\n\n[^1]: A note.\n"),
        "<blockquote class=\"markdown-alert-warning\">\n\
         <p class=\"markdown-alert-title\">Warning</p>\n\
         <p>Terms <a class=\"ref ref-clause\" href=\"../clauses/cap.html\" id=\"m-clause-cap-1\" \
         data-ref=\"clause:cap\" data-label=\"C1\">change</a> soon.<span class=\"sidenote-wrap\">\
         <label for=\"sn-1\" class=\"sidenote-ref\" id=\"note-ref-1\">1</label>\
         <input type=\"checkbox\" id=\"sn-1\" class=\"sidenote-toggle\" aria-label=\"Show note 1\">\
         <span class=\"sidenote\" role=\"note\"><span class=\"sidenote-number\">1</span> A note.</span></span></p>\n\
         </blockquote>\n\
         <aside class=\"endnotes\" aria-label=\"Notes\"><ol>\n<li id=\"note-1\" value=\"1\">A note.</li>\n</ol></aside>\n"
    );
    for (marker, title) in [
        ("NOTE", "Note"),
        ("TIP", "Tip"),
        ("IMPORTANT", "Important"),
        ("CAUTION", "Caution"),
    ] {
        let out = html(&format!("> [!{marker}]\n> Text.\n"));
        let kind = marker.to_lowercase();
        assert_eq!(
            out,
            format!(
                "<blockquote class=\"markdown-alert-{kind}\">\n\
                 <p class=\"markdown-alert-title\">{title}</p>\n<p>Text.</p>\n</blockquote>\n"
            )
        );
    }
    // A plain block quote stays one.
    assert_eq!(
        html("> Said.\n"),
        "<blockquote>\n<p>Said.</p>\n</blockquote>\n"
    );
}

#[test]
fn definition_lists_hold_references() {
    assert_eq!(
        html("Cap\n: The [limit](clause:cap) on revenue share.\n"),
        "<dl>\n<dt>Cap</dt>\n<dd>The <a class=\"ref ref-clause\" href=\"../clauses/cap.html\" \
         id=\"m-clause-cap-1\" data-ref=\"clause:cap\" data-label=\"C1\">limit</a> on revenue share.</dd>\n</dl>\n"
    );
}

/// A task's marker is a read-only checkbox that says whether it is done.
#[test]
fn task_list_items_are_labelled_read_only_checkboxes() {
    assert_eq!(
        html("- [x] Sign [it](party:acme)\n- [ ] Close\n"),
        "<ul>\n<li><input type=\"checkbox\" class=\"task\" disabled checked aria-label=\"Done\"> Sign \
         <a class=\"ref ref-party\" href=\"../parties/acme.html\" id=\"m-party-acme-1\" \
         data-ref=\"party:acme\" data-label=\"P1\">it</a></li>\n\
         <li><input type=\"checkbox\" class=\"task\" disabled aria-label=\"To do\"> Close</li>\n</ul>\n"
    );
}

#[test]
fn code_blocks_keep_their_language_as_a_class() {
    assert_eq!(
        html("```mermaid\ngraph TD\n```\n"),
        "<pre class=\"code\" data-lang=\"mermaid\"><code class=\"language-mermaid\">graph TD\n</code></pre>\n"
    );
}
