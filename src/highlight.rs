//! Fenced code blocks to HTML with syntect, marked up with CSS classes (never
//! inline styles) so one light and one dark stylesheet colour them.
//!
//! The syntax set is loaded once per [`Highlighter`], lazily: a briefing without
//! code never pays for it. [`Highlighter::kept`] also keeps every block it
//! highlights, so that `brief serve` highlights again only the code an edit
//! changed. A one-off build keeps nothing: a page's body and its print entry
//! are one rendering, so a block is highlighted twice only in a body that is
//! rendered again for print (one with markup of its own or an embedded card). An unknown or
//! missing language renders as escaped plain text. This module knows nothing
//! of references or pages.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use pulldown_cmark_escape::{escape_html, escape_html_body_text};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::sync::lock;

/// Class prefix for highlighted spans, so they cannot collide with the theme's.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Highlights code; cheap to create, loads syntaxes on first use.
#[derive(Default)]
pub struct Highlighter {
    syntaxes: OnceLock<SyntaxSet>,
    /// Highlighted blocks by their language and code, when they are kept.
    done: Option<Mutex<HashMap<(String, String), String>>>,
}

impl Highlighter {
    /// The highlighter of a one-off build: its syntaxes load once for the
    /// process, and it keeps no block.
    pub fn shared() -> &'static Highlighter {
        static SHARED: OnceLock<Highlighter> = OnceLock::new();
        SHARED.get_or_init(Highlighter::default)
    }

    /// The highlighter `brief serve`'s builds share: it keeps every block,
    /// so a rebuild highlights only the code an edit changed.
    pub fn kept() -> &'static Highlighter {
        static KEPT: OnceLock<Highlighter> = OnceLock::new();
        KEPT.get_or_init(|| Highlighter {
            done: Some(Mutex::default()),
            ..Highlighter::default()
        })
    }

    /// A complete `<pre>` element for `code` in language `info` (the fence's info
    /// string; only its first word counts).
    pub fn block(&self, info: &str, code: &str) -> String {
        let lang = info.split([' ', ',', '{']).next().unwrap_or("").trim();
        if lang.is_empty() {
            return plain("", code);
        }
        let Some(done) = &self.done else {
            return self.highlight(lang, code);
        };
        let key = (lang.to_string(), code.to_string());
        if let Some(html) = lock(done).get(&key) {
            return html.clone();
        }
        let html = self.highlight(lang, code);
        lock(done).insert(key, html.clone());
        html
    }

    /// [`Highlighter::block`] for a language that is named, done afresh.
    fn highlight(&self, lang: &str, code: &str) -> String {
        let syntaxes = self.syntaxes.get_or_init(SyntaxSet::load_defaults_newlines);
        let Some(syntax) = syntaxes.find_syntax_by_token(lang) else {
            return plain(lang, code);
        };
        let mut generator =
            ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes, CLASS_STYLE);
        let parsed = LinesWithEndings::from(code)
            .try_for_each(|line| generator.parse_html_for_line_which_includes_newline(line));
        match parsed {
            Ok(()) => pre("code hl-code", lang, &generator.finalize()),
            Err(_) => plain(lang, code),
        }
    }
}

/// A `<pre>` element of `class` around `html`, naming `lang` when there is
/// one: `class="language-x"` on `<code>` is what client-side tools and
/// diagrams look for, whether syntect knows `x` or not.
fn pre(class: &str, lang: &str, html: &str) -> String {
    if lang.is_empty() {
        return format!("<pre class=\"{class}\"><code>{html}</code></pre>\n");
    }
    let mut lang_html = String::new();
    let _ = escape_html(&mut lang_html, lang);
    format!(
        "<pre class=\"{class}\" data-lang=\"{lang_html}\"><code class=\"language-{lang_html}\">{html}</code></pre>\n"
    )
}

/// A block of code in language `lang` (or none) as escaped plain text.
fn plain(lang: &str, code: &str) -> String {
    let mut escaped = String::with_capacity(code.len());
    let _ = escape_html_body_text(&mut escaped, code);
    pre("code", lang, &escaped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use syntect::highlighting::ThemeSet;
    use syntect::html::css_for_theme_with_class_style;

    /// The stylesheet for highlighted code: a light theme, and a dark one applied
    /// under `prefers-color-scheme: dark`.
    pub fn stylesheet() -> String {
        let themes = ThemeSet::load_defaults();
        let css = |name: &str| {
            themes
                .themes
                .get(name)
                .and_then(|theme| css_for_theme_with_class_style(theme, CLASS_STYLE).ok())
                .unwrap_or_default()
        };
        let dark = css("base16-ocean.dark");
        let indented: String = dark.lines().map(|l| format!("  {l}\n")).collect();
        format!(
            "/* Code colours, generated from syntect's InspiredGitHub and base16-ocean.dark themes. */\n{}\n@media (prefers-color-scheme: dark) {{\n{}}}\n",
            css("InspiredGitHub"),
            indented
        )
    }

    #[test]
    fn known_language_gets_classes_not_styles() {
        let html = Highlighter::default().block("rust", "fn main() {}\n");
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(!html.contains("style="), "{html}");
    }

    #[test]
    fn unknown_language_is_escaped_plain_text_that_keeps_its_language() {
        let html = Highlighter::default().block("mermaid", "<b>&</b>\n");
        assert_eq!(
            html,
            "<pre class=\"code\" data-lang=\"mermaid\"><code class=\"language-mermaid\">\
             &lt;b&gt;&amp;&lt;/b&gt;\n</code></pre>\n"
        );
        let html = Highlighter::default().block("", "x\n");
        assert_eq!(html, "<pre class=\"code\"><code>x\n</code></pre>\n");
        // A language name cannot leave its attribute.
        let html = Highlighter::default().block("a\"b", "x\n");
        assert!(
            html.contains("<code class=\"language-a&quot;b\">"),
            "{html}"
        );
    }

    #[test]
    fn a_known_language_keeps_its_name_as_a_class_too() {
        let html = Highlighter::default().block("rust", "fn main() {}\n");
        assert!(
            html.starts_with(
                "<pre class=\"code hl-code\" data-lang=\"rust\"><code class=\"language-rust\">"
            ),
            "{html}"
        );
    }

    #[test]
    fn a_kept_block_is_highlighted_once_and_given_again() {
        let h = Highlighter {
            done: Some(Mutex::default()),
            ..Highlighter::default()
        };
        let kept = || h.done.as_ref().unwrap().lock().unwrap().len();
        let first = h.block("rust", "fn main() {}\n");
        assert_eq!(kept(), 1);
        assert_eq!(h.block("rust ignore", "fn main() {}\n"), first);
        assert_eq!(kept(), 1);
        // Another language or other code is another block.
        assert_ne!(h.block("toml", "fn main() {}\n"), first);
        h.block("rust", "fn other() {}\n");
        assert_eq!(kept(), 3);
        // A one-off build's highlighter gives the same and keeps nothing.
        let once = Highlighter::default();
        assert_eq!(once.block("rust", "fn main() {}\n"), first);
        assert!(once.done.is_none());
    }

    /// What syntect's own generator makes of `code`, in the same wrapper.
    fn by_syntect(lang: &str, code: &str) -> String {
        use syntect::html::ClassedHTMLGenerator;
        let syntaxes = SyntaxSet::load_defaults_newlines();
        let syntax = syntaxes.find_syntax_by_token(lang).unwrap();
        let mut generator =
            ClassedHTMLGenerator::new_with_class_style(syntax, &syntaxes, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            generator
                .parse_html_for_line_which_includes_newline(line)
                .unwrap();
        }
        format!(
            "<pre class=\"code hl-code\" data-lang=\"{lang}\"><code class=\"language-{lang}\">{}</code></pre>\n",
            generator.finalize()
        )
    }

    #[test]
    fn blocks_come_out_as_syntect_makes_them() {
        // The same lines inside and outside a comment, a string and a block.
        let blocks = [
            "fn main() {\n    let x = 1;\n}\n",
            "/* open\nfn main() {\n    let x = 1;\n*/\n}\n",
            "let s = \"a\nfn main() {\n    let x = 1;\n\";\n",
            "fn main() {\n    let x = 1;\n}\nfn main() {\n    let x = 1;\n}\n",
            "fn main() {\n    let x = 1;\n",
        ];
        let h = Highlighter::default();
        for code in blocks {
            assert_eq!(h.block("rust", code), by_syntect("rust", code), "{code}");
        }
    }

    #[test]
    fn syntaxes_load_only_when_needed() {
        let h = Highlighter::default();
        h.block("", "plain\n");
        assert!(h.syntaxes.get().is_none());
        h.block("toml", "a = 1\n");
        assert!(h.syntaxes.get().is_some());
    }

    /// `static/syntax.css` is generated; `BRIEF_UPDATE_SYNTAX_CSS=1 cargo test`
    /// rewrites it.
    #[test]
    fn stylesheet_is_in_sync_with_the_shipped_file() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/static/syntax.css");
        if std::env::var_os("BRIEF_UPDATE_SYNTAX_CSS").is_some() {
            std::fs::write(path, stylesheet()).unwrap();
        }
        let shipped = std::fs::read_to_string(path).unwrap();
        assert!(
            shipped == stylesheet(),
            "static/syntax.css is stale: regenerate with BRIEF_UPDATE_SYNTAX_CSS=1 cargo test"
        );
    }
}
