//! Footnotes: each call gets its sidenote in place and each note an endnote,
//! and a body renders as it would without notes, however many it has.

use super::*;

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
