//! The built-in templates, written out in Rust.
//!
//! Every page of a large briefing goes through a template, and Tera spends
//! most of a build's rendering time turning typed views into JSON and walking
//! them. When a site does not override a template (nor `base.html` or
//! `macros.html`, which every page template builds on), the page is written
//! here instead, straight from the typed views: byte for byte what Tera makes
//! of the same template, which a test checks on whole sites. A site that
//! overrides any of them goes through Tera as before, so `templates/` keeps
//! its meaning.
//!
//! Each function is the template or macro of the same name: `base.html`
//! here, `macros.html` in [`macros`], the page templates in [`site_pages`]
//! and `print.html` in [`print_edition`]. The template's text is the
//! reference; comments note only where Tera's rules (what counts as true,
//! `capitalize`, escaping) decide the output.

mod macros;
mod print_edition;
mod site_pages;

pub use macros::{Base, card};
use print_edition::print;
use site_pages::{
    clause, clauses_index, front, parties_index, party, quote, quotes_index, section,
};

use std::fmt::Write as _;

use pulldown_cmark_escape::escape_html;

use super::PageContext;
use super::pages::{EntityPage, FrontPage, IndexPage, SectionPage};
use super::print::PrintPage;
use super::views::{SiteView, SourceView};
use crate::config::DateView;

/// Writes `text` escaped as the theme escapes template output.
pub(super) fn esc(out: &mut String, text: &str) {
    // Writing into a String cannot fail.
    let _ = escape_html(&mut *out, text);
}

/// Tera's truth for an optional string: present and not empty.
pub(super) fn given<S: AsRef<str>>(value: &Option<S>) -> Option<&str> {
    value.as_ref().map(S::as_ref).filter(|s| !s.is_empty())
}

/// `before`, the escaped value and `after`, when the value is given: the
/// templates' `{% if v %}before{{ v }}after{% endif %}`.
pub(super) fn wrap<S: AsRef<str>>(out: &mut String, before: &str, value: &Option<S>, after: &str) {
    if let Some(value) = given(value) {
        out.push_str(before);
        esc(out, value);
        out.push_str(after);
    }
}

/// ", publisher, date" of a source, as far as it has them.
pub(super) fn publisher_and_date(out: &mut String, s: &SourceView) {
    wrap(out, ", ", &s.publisher, "");
    if let Some(date) = &s.date {
        out.push_str(", ");
        esc(out, &date.human);
    }
}

/// Tera's `capitalize`: the first character upper case, the rest lower.
pub(super) fn capitalize(out: &mut String, text: &str) {
    let mut chars = text.chars();
    if let Some(first) = chars.next() {
        let head: String = first.to_uppercase().collect();
        let rest = chars.as_str().to_lowercase();
        esc(out, &head);
        esc(out, &rest);
    }
}

pub(super) fn number(out: &mut String, n: usize) {
    // Writing into a String cannot fail.
    let _ = write!(out, "{n}");
}

pub(super) fn time(out: &mut String, date: &DateView) {
    out.push_str("<time datetime=\"");
    esc(out, &date.iso);
    out.push_str("\">");
    esc(out, &date.human);
    out.push_str("</time>");
}

/// The templates `template` is made of, itself included: a page template
/// extends `base.html` and imports `macros.html`; a card only imports them.
pub fn made_of(template: &str) -> &'static [&'static str] {
    match template {
        "card.html" => &["card.html", "macros.html"],
        "section.html" => &["section.html", "base.html", "macros.html"],
        "party.html" => &["party.html", "base.html", "macros.html"],
        "clause.html" => &["clause.html", "base.html", "macros.html"],
        "quote.html" => &["quote.html", "base.html", "macros.html"],
        "index.html" => &["index.html", "base.html", "macros.html"],
        "parties_index.html" => &["parties_index.html", "base.html", "macros.html"],
        "clauses_index.html" => &["clauses_index.html", "base.html", "macros.html"],
        "quotes_index.html" => &["quotes_index.html", "base.html", "macros.html"],
        "print.html" => &["print.html", "base.html", "macros.html"],
        "404.html" => &["404.html", "base.html"],
        _ => &[],
    }
}

/// A page whose template this module can write.
pub(super) trait Native {
    /// Writes the whole page for `template`; false when this module has no
    /// rendering of that template for this kind of page.
    fn write(ctx: &PageContext<'_, Self>, template: &str, out: &mut String) -> bool
    where
        Self: Sized + serde::Serialize;
}

impl Native for () {
    fn write(ctx: &PageContext<'_, Self>, template: &str, out: &mut String) -> bool {
        if template != "404.html" {
            return false;
        }
        frame(ctx, &Blocks::page("page"), out, |out| {
            out.push_str("<article class=\"not-found\">\n<h1>Page not found</h1>\n<p>There is no page at this address. It may have been renamed when the briefing was revised.</p>\n<p><a href=\"");
            esc(out, ctx.root);
            out.push_str("index.html\">Go to the front page of ");
            esc(out, &ctx.site.title);
            out.push_str("</a>, or use the search box above.</p>\n</article>\n");
        });
        true
    }
}

impl Native for PrintPage<'_> {
    fn write(ctx: &PageContext<'_, Self>, template: &str, out: &mut String) -> bool {
        if template != "print.html" {
            return false;
        }
        let blocks = Blocks {
            site_title: true,
            body_class: "print-edition",
            print: true,
        };
        frame(ctx, &blocks, out, |out| print(ctx.site, &ctx.page, out));
        true
    }
}

impl Native for SectionPage<'_> {
    fn write(ctx: &PageContext<'_, Self>, template: &str, out: &mut String) -> bool {
        if template != "section.html" {
            return false;
        }
        frame(ctx, &Blocks::page("page section-page"), out, |out| {
            section(ctx, out)
        });
        true
    }
}

impl Native for EntityPage<'_> {
    fn write(ctx: &PageContext<'_, Self>, template: &str, out: &mut String) -> bool {
        let (body_class, content): (_, fn(&PageContext<'_, Self>, &mut String)) = match template {
            "party.html" => ("page entity-page party-page", party),
            "clause.html" => ("page entity-page clause-page", clause),
            "quote.html" => ("page entity-page quote-page", quote),
            _ => return false,
        };
        frame(ctx, &Blocks::page(body_class), out, |out| content(ctx, out));
        true
    }
}

impl Native for FrontPage<'_> {
    fn write(ctx: &PageContext<'_, Self>, template: &str, out: &mut String) -> bool {
        if template != "index.html" {
            return false;
        }
        let blocks = Blocks {
            site_title: true,
            body_class: "page front",
            print: false,
        };
        frame(ctx, &blocks, out, |out| front(ctx, out));
        true
    }
}

impl Native for IndexPage<'_> {
    fn write(ctx: &PageContext<'_, Self>, template: &str, out: &mut String) -> bool {
        let content = match template {
            "parties_index.html" => parties_index,
            "clauses_index.html" => clauses_index,
            "quotes_index.html" => quotes_index,
            _ => return false,
        };
        frame(ctx, &Blocks::page("page index-page"), out, |out| {
            content(&ctx.page, ctx.root, out)
        });
        true
    }
}

/// The blocks of `base.html` a page template fills.
struct Blocks {
    /// `title` is the site's title alone, not "page · site".
    site_title: bool,
    body_class: &'static str,
    /// The print edition's frame: no scripts, a link back to the site for a
    /// header, and no footer.
    print: bool,
}

impl Blocks {
    fn page(body_class: &'static str) -> Blocks {
        Blocks {
            site_title: false,
            body_class,
            print: false,
        }
    }
}

/// `base.html` around `content`.
fn frame<P: serde::Serialize>(
    ctx: &PageContext<'_, P>,
    blocks: &Blocks,
    out: &mut String,
    content: impl FnOnce(&mut String),
) {
    let site = ctx.site;
    let mut root = String::new();
    esc(&mut root, ctx.root);
    out.push_str("<!DOCTYPE html>\n<html lang=\"");
    esc(out, &site.language);
    out.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    if !blocks.site_title {
        esc(out, ctx.title);
        out.push_str(" · ");
    }
    esc(out, &site.title);
    out.push_str("</title>\n");
    wrap(
        out,
        "<link rel=\"canonical\" href=\"",
        &ctx.canonical,
        "\">\n",
    );
    out.push_str("<meta name=\"generator\" content=\"brief\">\n<meta name=\"color-scheme\" content=\"light dark\">\n");
    fill(out, Fixed::HeadLinks, &root);
    if !blocks.print {
        fill(out, Fixed::Scripts, &root);
    }
    out.push_str("</head>\n<body class=\"");
    out.push_str(blocks.body_class);
    out.push_str("\" data-root=\"");
    out.push_str(&root);
    out.push_str("\">\n<a class=\"skip-link\" href=\"#main\">Skip to content</a>\n");
    if blocks.print {
        out.push_str("<nav class=\"print-back\" aria-label=\"Site\"><a href=\"index.html\">← Back to the online briefing</a></nav>\n");
    } else {
        fill(out, Fixed::HeaderStart, &root);
        esc(out, &site.title);
        fill(out, Fixed::HeaderEnd, &root);
    }
    out.push_str("<main id=\"main\" tabindex=\"-1\">\n");
    content(out);
    out.push_str("\n</main>\n");
    if !blocks.print {
        footer(site, out);
    }
    if !ctx.previews.is_empty() {
        out.push_str("<div class=\"previews\" hidden>\n");
        out.push_str(&ctx.previews);
        out.push_str("</div>\n");
    }
    out.push_str("</body>\n</html>\n");
}

/// The frame's fixed pieces that hold the way to the site's root.
#[derive(Clone, Copy)]
enum Fixed {
    HeadLinks,
    Scripts,
    HeaderStart,
    HeaderEnd,
}

impl Fixed {
    const ALL: [Fixed; 4] = [
        Fixed::HeadLinks,
        Fixed::Scripts,
        Fixed::HeaderStart,
        Fixed::HeaderEnd,
    ];

    fn text(self) -> &'static str {
        match self {
            Fixed::HeadLinks => HEAD_LINKS,
            Fixed::Scripts => SCRIPTS,
            Fixed::HeaderStart => HEADER_START,
            Fixed::HeaderEnd => HEADER_END,
        }
    }
}

/// Writes `piece` with each `{root}` replaced by `root`. Pages one folder
/// down and at the top, nearly all of them, take it filled in already.
fn fill(out: &mut String, piece: Fixed, root: &str) {
    static FILLED: std::sync::LazyLock<[[String; 4]; 2]> = std::sync::LazyLock::new(|| {
        ["../", ""].map(|root| {
            Fixed::ALL.map(|piece| {
                let mut filled = String::new();
                fill_slots(&mut filled, piece.text(), root);
                filled
            })
        })
    });
    match root {
        "../" => out.push_str(&FILLED[0][piece as usize]),
        "" => out.push_str(&FILLED[1][piece as usize]),
        _ => fill_slots(out, piece.text(), root),
    }
}

/// Writes `text` with each `{root}` replaced by `root`.
fn fill_slots(out: &mut String, text: &str, root: &str) {
    const SLOT: &str = "{root}";
    let mut written = 0;
    for at in memchr::memmem::find_iter(text.as_bytes(), SLOT) {
        out.push_str(&text[written..at]);
        out.push_str(root);
        written = at + SLOT.len();
    }
    out.push_str(&text[written..]);
}

const HEAD_LINKS: &str = r#"<link rel="stylesheet" href="{root}brief.css">
<link rel="stylesheet" href="{root}syntax.css">
<link rel="stylesheet" href="{root}print.css" media="print">
"#;

const SCRIPTS: &str = r#"<script src="{root}search-index.js" defer></script>
<script src="{root}brief.js" defer></script>
"#;

const HEADER_START: &str = r#"<header class="site-header">
  <div class="site-header-inner">
    <a class="site-title" href="{root}index.html">"#;

const HEADER_END: &str = r#"</a>
    <nav class="site-nav" aria-label="Briefing">
      <ul>
        <li><a href="{root}index.html#sections">Sections</a></li>
        <li><a href="{root}parties/index.html">Parties</a></li>
        <li><a href="{root}clauses/index.html">What changed</a></li>
        <li><a href="{root}quotes/index.html">Quotes</a></li>
        <li><a href="{root}print.html">Print edition</a></li>
      </ul>
    </nav>
    <div class="search" role="search">
      <label class="visually-hidden" for="search-input">Search the briefing</label>
      <input type="search" id="search-input" class="search-input" placeholder="Search the briefing…" autocomplete="off" aria-controls="search-results" aria-describedby="search-status">
      <p id="search-status" class="visually-hidden" aria-live="polite"></p>
      <ul id="search-results" class="search-results" hidden></ul>
    </div>
  </div>
</header>
"#;

fn footer(site: &SiteView, out: &mut String) {
    out.push_str("<footer class=\"site-footer\">\n  <p>");
    esc(out, &site.title);
    if let Some(date) = &site.date {
        out.push_str(" · ");
        time(out, date);
    }
    for s in &site.sources {
        out.push_str(" · Source: ");
        esc(out, &s.title);
        publisher_and_date(out, s);
    }
    out.push_str("</p>\n</footer>\n");
}
