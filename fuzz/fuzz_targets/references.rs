//! The reference adapter: scanning and rendering any Markdown never panics,
//! spans stay inside the text, and both passes agree on anchors.
#![no_main]

use brief::annotate::scan;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let refs = scan(text, &|_, id| Some(id.to_string()));
    for r in &refs {
        assert!(r.span.start <= r.span.end && r.span.end <= text.len());
    }
    let html = brief::render_fragment(text.as_bytes(), std::path::Path::new("fuzz.md"), None)
        .map(|f| f.html)
        .unwrap_or_default();
    // A text opening with `+++` has front matter, which is not rendered.
    if text.trim_start_matches('\u{feff}').starts_with("+++") {
        return;
    }
    for r in refs.iter().filter(|r| brief::model::is_valid_id(&r.id) && !r.embed && r.flaw.is_none()) {
        let anchor = r.anchor();
        assert!(html.contains(&format!("id=\"{anchor}\"")), "anchor {anchor} missing");
    }
});
