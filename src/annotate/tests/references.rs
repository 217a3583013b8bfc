//! References and embeds: a reference renders as a link carrying its anchor
//! and its target's label, filled with the name when empty and left as text
//! when its target is missing; an embed puts its card in or in place of its
//! paragraph.

use super::*;

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
fn unknown_target_renders_its_text_only() {
    assert_eq!(html("[gone](party:missing)"), "<p>gone</p>\n");
}
