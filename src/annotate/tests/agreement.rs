//! Property tests on random bodies and targets: the scan and the render agree
//! on every anchor, and `is_external` finds a scheme as the URL standard does.

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
