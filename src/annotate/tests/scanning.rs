//! The scan of a body: each reference's span, snippet, place and order,
//! anchors that match the render's (cases fuzzing found included), and
//! snippets pointing into the source that read as copied ones do.

use super::*;

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
