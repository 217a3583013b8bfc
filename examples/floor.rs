//! The floor for build benchmarks: the least work any generator must do for
//! the same corpus — read every Markdown file, parse it with pulldown-cmark,
//! highlight fenced code with syntect (CSS classes), write one HTML file per
//! page — in parallel, with no templates, references or cross-links.
//!
//! ```text
//! cargo run --release --example floor -- CONTENT_DIR OUT_DIR
//! ```

use std::fs;
use std::path::PathBuf;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd, html};
use rayon::prelude::*;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [content, out] = args.as_slice() else {
        eprintln!("usage: floor CONTENT_DIR OUT_DIR");
        std::process::exit(2);
    };
    let files: Vec<PathBuf> = walkdir::WalkDir::new(content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    let _ = fs::remove_dir_all(out);
    let syntaxes = SyntaxSet::load_defaults_newlines();
    files.par_iter().for_each(|path| {
        let text = fs::read_to_string(path).unwrap_or_default();
        let html = render(&text, &syntaxes);
        let rel = path
            .strip_prefix(content)
            .unwrap_or(path)
            .with_extension("html");
        let target = out.join(rel);
        if let Some(parent) = target.parent() {
            let _ = fs::create_dir_all(parent);
        }
        if let Err(err) = fs::write(&target, html) {
            eprintln!("{}: {err}", target.display());
        }
    });
    eprintln!("wrote {} pages into {}", files.len(), out.display());
}

fn render(text: &str, syntaxes: &SyntaxSet) -> String {
    let mut events = Vec::new();
    let mut code: Option<(String, String)> = None;
    for event in Parser::new_ext(text, Options::all()) {
        match (&mut code, event) {
            (None, Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang)))) => {
                code = Some((lang.to_string(), String::new()))
            }
            (Some((_, body)), Event::Text(t)) => body.push_str(&t),
            (Some(_), Event::End(TagEnd::CodeBlock)) => {
                if let Some((lang, body)) = code.take() {
                    events.push(Event::Html(highlight(&lang, &body, syntaxes).into()));
                }
            }
            (_, event) => events.push(event),
        }
    }
    let mut out = String::from("<!DOCTYPE html><html><body><main>");
    html::push_html(&mut out, events.into_iter());
    out.push_str("</main></body></html>\n");
    out
}

fn highlight(lang: &str, code: &str, syntaxes: &SyntaxSet) -> String {
    let syntax = syntaxes
        .find_syntax_by_token(lang)
        .unwrap_or_else(|| syntaxes.find_syntax_plain_text());
    let mut generator = ClassedHTMLGenerator::new_with_class_style(
        syntax,
        syntaxes,
        ClassStyle::SpacedPrefixed { prefix: "hl-" },
    );
    for line in LinesWithEndings::from(code) {
        let _ = generator.parse_html_for_line_which_includes_newline(line);
    }
    format!("<pre><code>{}</code></pre>", generator.finalize())
}
