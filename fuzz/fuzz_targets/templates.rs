//! Site templates: any text as a site's `404.html` either renders or is a
//! template error, never a panic in brief or in the template engine.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let root = std::env::temp_dir().join("brief-fuzz-templates");
    let templates = root.join("templates");
    if std::fs::create_dir_all(&templates).is_err()
        || std::fs::write(templates.join("404.html"), text).is_err()
    {
        return;
    }
    if let Ok(theme) = brief::theme::Theme::load(Some(&root)) {
        let context = serde_json::json!({
            "site": {"title": "T", "language": "en", "sources": [], "sections": [], "section_count": 0},
            "root": "", "path": "404.html", "title": "Page not found", "previews": "",
            "page": {"items": [1, 2], "name": "x", "nested": {"a": [{"b": "c"}]}},
        });
        let _ = theme.render("404.html", &context);
    }
});
