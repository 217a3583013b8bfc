//! The rest of Markdown as brief renders it: heading ids that are unique and
//! never take one of brief's own, highlighted code, alerts, definition lists
//! and task lists.

use super::*;

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
fn code_is_highlighted_unknown_is_escaped() {
    assert!(html("```rust\nfn x() {}\n```\n").contains("class=\"hl-"));
    assert!(html("```zzz\n<x>\n```\n").contains("&lt;x&gt;"));
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
