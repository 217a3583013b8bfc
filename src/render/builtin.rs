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
//! Each function below is the template or macro of the same name; the
//! template's text is the reference, and the comments note only where Tera's
//! rules (what counts as true, `capitalize`, escaping) decide the output.

use std::fmt::Write as _;

use pulldown_cmark_escape::escape_html;

use super::PageContext;
use super::pages::{EntityPage, FrontPage, IndexPage, SectionPage};
use super::print::{PrintEntry, PrintPage};
use super::views::{EntityView, LinkView, MentionGroup, RelatedGroup, SiteView};
use crate::config::DateView;
use crate::model::{Kind, QuoteKind, Status};

/// Writes `text` escaped as the theme escapes template output.
fn esc(out: &mut String, text: &str) {
    // Writing into a String cannot fail.
    let _ = escape_html(&mut *out, text);
}

/// Tera's truth for an optional string: present and not empty.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|s| !s.is_empty())
}

/// Tera's `capitalize`: the first character upper case, the rest lower.
fn capitalize(out: &mut String, text: &str) {
    let mut chars = text.chars();
    if let Some(first) = chars.next() {
        let head: String = first.to_uppercase().collect();
        let rest = chars.as_str().to_lowercase();
        esc(out, &head);
        esc(out, &rest);
    }
}

fn number(out: &mut String, n: usize) {
    // Writing into a String cannot fail.
    let _ = write!(out, "{n}");
}

fn time(out: &mut String, date: &DateView) {
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
    if let Some(canonical) = given(&ctx.canonical) {
        out.push_str("<link rel=\"canonical\" href=\"");
        esc(out, canonical);
        out.push_str("\">\n");
    }
    out.push_str("<meta name=\"generator\" content=\"brief\">\n<meta name=\"color-scheme\" content=\"light dark\">\n");
    fill(out, HEAD_LINKS, &root);
    if !blocks.print {
        fill(out, SCRIPTS, &root);
    }
    out.push_str("</head>\n<body class=\"");
    out.push_str(blocks.body_class);
    out.push_str("\" data-root=\"");
    out.push_str(&root);
    out.push_str("\">\n<a class=\"skip-link\" href=\"#main\">Skip to content</a>\n");
    if blocks.print {
        out.push_str("<nav class=\"print-back\" aria-label=\"Site\"><a href=\"index.html\">← Back to the online briefing</a></nav>\n");
    } else {
        fill(out, HEADER_START, &root);
        esc(out, &site.title);
        fill(out, HEADER_END, &root);
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

/// Writes `text` with each `{root}` replaced by `root`.
fn fill(out: &mut String, text: &str, root: &str) {
    let mut parts = text.split("{root}");
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for part in parts {
        out.push_str(root);
        out.push_str(part);
    }
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
        if let Some(publisher) = given(&s.publisher) {
            out.push_str(", ");
            esc(out, publisher);
        }
        if let Some(date) = &s.date {
            out.push_str(", ");
            esc(out, &date.human);
        }
    }
    out.push_str("</p>\n</footer>\n");
}

// ---- macros.html ----

/// The fields `link` reads, from a link or an entity view alike.
struct Link<'v> {
    kind: Kind,
    key: &'v str,
    href: &'v str,
    name: &'v str,
    label: &'v Option<String>,
}

impl<'v> From<&'v LinkView> for Link<'v> {
    fn from(l: &'v LinkView) -> Self {
        Link {
            kind: l.kind,
            key: &l.key,
            href: &l.href,
            name: &l.name,
            label: &l.label,
        }
    }
}

impl<'v> From<&'v EntityView> for Link<'v> {
    fn from(e: &'v EntityView) -> Self {
        Link {
            kind: e.kind,
            key: &e.key,
            href: &e.href,
            name: &e.name,
            label: &e.label,
        }
    }
}

fn link<'v>(out: &mut String, l: impl Into<Link<'v>>, root: &str) {
    let l = l.into();
    out.push_str("<a class=\"ref ref-");
    out.push_str(l.kind.as_str());
    out.push_str("\" href=\"");
    esc(out, root);
    esc(out, l.href);
    out.push_str("\" data-ref=\"");
    esc(out, l.key);
    out.push('"');
    if let Some(label) = given(l.label) {
        out.push_str(" data-label=\"");
        esc(out, label);
        out.push('"');
    }
    out.push('>');
    esc(out, l.name);
    out.push_str("</a>");
}

fn status(out: &mut String, s: Option<Status>) {
    let s = s.map_or("", Status::as_str);
    out.push_str("<span class=\"status status-");
    out.push_str(s);
    out.push_str("\">");
    out.push_str(s);
    out.push_str("</span>");
}

fn direct(e: &EntityView) -> bool {
    e.quote_kind == Some(QuoteKind::Direct)
}

fn quote_text(out: &mut String, e: &EntityView) {
    let text = e.text.as_deref().unwrap_or("");
    if direct(e) {
        out.push_str("<blockquote class=\"quote-text quote-direct\"><p>“");
        esc(out, text);
        out.push_str("”</p></blockquote>");
    } else {
        out.push_str(
            "<p class=\"quote-text quote-paraphrase\"><span class=\"reported\">Reported:</span> ",
        );
        esc(out, text);
        out.push_str("</p>");
    }
}

fn attribution(out: &mut String, e: &EntityView, root: &str) {
    let Some(speaker) = &e.speaker else { return };
    out.push_str("<p class=\"attribution\">— ");
    link(out, speaker, root);
    if let Some(date) = &e.date {
        out.push_str(", ");
        time(out, date);
    }
    if e.quote_kind == Some(QuoteKind::Paraphrase) {
        out.push_str(" <span class=\"paraphrase-note\">(paraphrase)</span>");
    }
    out.push_str("</p>");
}

fn change(out: &mut String, e: &EntityView) {
    out.push_str("<dl class=\"change\">");
    if let Some(before) = given(&e.before) {
        out.push_str("<div class=\"change-before\"><dt>Before</dt><dd>");
        esc(out, before);
        out.push_str("</dd></div>");
    }
    if let Some(after) = given(&e.after) {
        out.push_str("<div class=\"change-after\"><dt>After</dt><dd>");
        esc(out, after);
        out.push_str("</dd></div>");
    }
    out.push_str("</dl>");
}

fn parties(out: &mut String, list: &[LinkView], root: &str) {
    for (i, p) in list.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        link(out, p, root);
    }
}

fn dates(out: &mut String, e: &EntityView) {
    if e.effective.is_none() && e.until.is_none() {
        return;
    }
    out.push_str("<p class=\"dates\">");
    if let Some(effective) = &e.effective {
        out.push_str("Effective ");
        time(out, effective);
    }
    if e.effective.is_some() && e.until.is_some() {
        out.push_str("; ");
    }
    if let Some(until) = &e.until {
        out.push_str("until ");
        time(out, until);
    }
    out.push_str("</p>");
}

fn party_line(out: &mut String, e: &EntityView, root: &str) {
    let position = given(&e.position);
    if position.is_none() && e.affiliation.is_none() {
        return;
    }
    out.push_str("<p class=\"party-position\">");
    if let Some(position) = position {
        esc(out, position);
    }
    if position.is_some() && e.affiliation.is_some() {
        out.push_str(", ");
    }
    if let Some(affiliation) = &e.affiliation {
        link(out, affiliation, root);
    }
    out.push_str("</p>");
}

/// The `card` macro, and so `card.html`.
pub fn card(out: &mut String, e: &EntityView, root: &str, anchor: &str) {
    out.push_str("<aside class=\"card card-");
    out.push_str(e.kind.as_str());
    out.push('"');
    if !anchor.is_empty() {
        out.push_str(" id=\"");
        esc(out, anchor);
        out.push('"');
    }
    out.push_str(" aria-label=\"");
    capitalize(out, e.kind.as_str());
    out.push_str(": ");
    esc(out, &e.name);
    out.push_str("\">\n<p class=\"card-kind\">");
    match e.kind {
        Kind::Party => capitalize(out, e.party_kind.map_or("", |k| k.as_str())),
        Kind::Clause => {
            out.push_str("Clause");
            if let Some(agreement) = given(&e.agreement) {
                out.push_str(" · ");
                esc(out, agreement);
            }
        }
        Kind::Quote if direct(e) => out.push_str("Quote"),
        Kind::Quote => out.push_str("Reported statement"),
        Kind::Section => {
            out.push_str("Section ");
            if let Some(n) = e.number {
                number(out, n);
            }
        }
    }
    if let Some(label) = given(&e.label) {
        out.push_str(" <span class=\"label\">");
        esc(out, label);
        out.push_str("</span>");
    }
    out.push_str("</p>\n");
    if e.kind == Kind::Quote {
        quote_text(out, e);
        out.push('\n');
        attribution(out, e, root);
        out.push_str("\n<p class=\"card-more\"><a href=\"");
        esc(out, root);
        esc(out, &e.href);
        out.push_str("\">About this ");
        out.push_str(if direct(e) { "quote" } else { "statement" });
        out.push_str("</a></p>\n");
    } else {
        out.push_str("<p class=\"card-title\"><a href=\"");
        esc(out, root);
        esc(out, &e.href);
        out.push_str("\">");
        esc(out, &e.name);
        out.push_str("</a>");
        if e.status.is_some() {
            out.push(' ');
            status(out, e.status);
        }
        out.push_str("</p>\n");
        match e.kind {
            Kind::Party => {
                party_line(out, e, root);
                if let Some(role) = given(&e.role) {
                    out.push_str("<p class=\"card-role\">");
                    esc(out, role);
                    out.push_str("</p>");
                }
                out.push('\n');
            }
            Kind::Clause => {
                change(out, e);
                dates(out, e);
                if !e.parties.is_empty() {
                    out.push_str("<p class=\"card-parties\">Parties: ");
                    parties(out, &e.parties, root);
                    out.push_str("</p>");
                }
                out.push('\n');
            }
            _ => {
                if let Some(summary) = given(&e.summary) {
                    out.push_str("<p class=\"card-role\">");
                    esc(out, summary);
                    out.push_str("</p>\n");
                }
            }
        }
    }
    out.push_str("</aside>");
}

fn mentions(out: &mut String, groups: &[MentionGroup<'_>]) {
    if groups.is_empty() {
        return;
    }
    out.push_str("<section class=\"mentions\" aria-labelledby=\"mentioned-in\">\n<h2 id=\"mentioned-in\">Mentioned in</h2>\n");
    for g in groups {
        out.push_str("<div class=\"mention-group\">\n<h3><a href=\"../");
        esc(out, &g.page.href);
        out.push_str("\">");
        esc(out, &g.page.name);
        out.push_str("</a></h3>\n<ul>");
        for x in &g.mentions {
            let [before, text, after] = x.snippet.pieces();
            out.push_str("\n<li class=\"snippet\">");
            before.iter().for_each(|piece| esc(out, piece));
            out.push_str("<a href=\"");
            esc(out, &x.href);
            out.push_str("\"><mark>");
            text.iter().for_each(|piece| esc(out, piece));
            out.push_str("</mark></a>");
            after.iter().for_each(|piece| esc(out, piece));
            if x.embed {
                out.push_str(" <span class=\"embed-note\">(card)</span>");
            }
            out.push_str("</li>");
        }
        out.push_str("\n</ul>\n</div>\n");
    }
    out.push_str("</section>\n");
}

fn related(out: &mut String, groups: &[RelatedGroup], root: &str) {
    if groups.is_empty() {
        return;
    }
    out.push_str(
        "<section class=\"related\" aria-labelledby=\"related\">\n<h2 id=\"related\">Related</h2>\n",
    );
    for g in groups {
        out.push_str("<div class=\"related-group\">\n<h3>");
        esc(out, &g.title);
        out.push_str("</h3>\n<ul>");
        for l in &g.items {
            out.push_str("<li>");
            link(out, l, root);
            if let Some(label) = given(&l.label) {
                out.push_str(" <span class=\"label\">");
                esc(out, label);
                out.push_str("</span>");
            }
            out.push_str("</li>");
        }
        out.push_str("</ul>\n</div>\n");
    }
    out.push_str("</section>\n");
}

fn breadcrumb(out: &mut String, root: &str, section: &str, href: &str, name: &str) {
    out.push_str("<nav class=\"breadcrumb\" aria-label=\"Breadcrumb\"><ol>\n<li><a href=\"");
    esc(out, root);
    out.push_str("index.html\">Briefing</a></li>\n<li><a href=\"");
    esc(out, root);
    esc(out, href);
    out.push_str("\">");
    esc(out, section);
    out.push_str("</a></li>\n<li><span aria-current=\"page\">");
    esc(out, name);
    out.push_str("</span></li>\n</ol></nav>");
}

fn source(out: &mut String, e: &EntityView) {
    let Some(source) = &e.source else { return };
    out.push_str("<p class=\"source\">Source: <cite>");
    esc(out, &source.title);
    out.push_str("</cite>");
    if let Some(publisher) = given(&source.publisher) {
        out.push_str(", ");
        esc(out, publisher);
    }
    out.push_str("</p>");
}

fn entity_tail(out: &mut String, page: &EntityPage<'_>, root: &str) {
    if !page.html.is_empty() {
        out.push_str("<div class=\"prose\">\n");
        out.push_str(page.html);
        out.push_str("\n</div>");
    }
    out.push('\n');
    related(out, &page.related, root);
    out.push('\n');
    mentions(out, &page.mentioned_in);
}

// ---- page templates ----

fn section(ctx: &PageContext<'_, SectionPage<'_>>, out: &mut String) {
    let page = &ctx.page;
    let s = page.section;
    out.push_str(
        "<article class=\"section\">\n<header class=\"section-header\">\n  <p class=\"kicker\">Section ",
    );
    if let Some(n) = s.number {
        number(out, n);
    }
    out.push_str(" of ");
    number(out, ctx.site.section_count);
    out.push_str("</p>\n  <h1>");
    esc(out, &s.name);
    out.push_str("</h1>\n  ");
    if let Some(summary) = given(&s.summary) {
        out.push_str("<p class=\"dek\">");
        esc(out, summary);
        out.push_str("</p>");
    }
    out.push_str("\n</header>\n");
    if page.headings.len() > 1 {
        out.push_str("<nav class=\"toc\" aria-label=\"On this page\"><ul>");
        for h in page.headings.iter().filter(|h| h.level == 2) {
            out.push_str("<li><a href=\"#");
            esc(out, &h.id);
            out.push_str("\">");
            esc(out, &h.text);
            out.push_str("</a></li>");
        }
        out.push_str("</ul></nav>");
    }
    out.push_str("\n<div class=\"prose\">\n");
    out.push_str(page.html);
    out.push_str("\n</div>\n<nav class=\"pager\" aria-label=\"Sections\">\n");
    if let Some(previous) = &page.neighbours.previous {
        out.push_str("<a class=\"pager-prev\" rel=\"prev\" href=\"../");
        esc(out, &previous.href);
        out.push_str("\"><span>Previous</span> ");
        esc(out, &previous.name);
        out.push_str("</a>");
    }
    out.push('\n');
    if let Some(next) = &page.neighbours.next {
        out.push_str("<a class=\"pager-next\" rel=\"next\" href=\"../");
        esc(out, &next.href);
        out.push_str("\"><span>Next</span> ");
        esc(out, &next.name);
        out.push_str("</a>");
    }
    out.push_str("\n</nav>\n");
    if !ctx.site.sections.is_empty() {
        out.push_str("<nav class=\"section-nav\" aria-labelledby=\"section-nav-title\">\n<h2 id=\"section-nav-title\">All sections</h2>\n<ol>");
        for other in &ctx.site.sections {
            out.push_str("\n<li>");
            if other.key == s.key {
                out.push_str("<span aria-current=\"page\">");
                esc(out, &other.name);
                out.push_str("</span>");
            } else {
                out.push_str("<a href=\"");
                esc(out, ctx.root);
                esc(out, &other.href);
                out.push_str("\">");
                esc(out, &other.name);
                out.push_str("</a>");
            }
            out.push_str("</li>");
        }
        out.push_str("\n</ol>\n</nav>");
    }
    out.push('\n');
    related(out, &page.related, ctx.root);
    out.push('\n');
    mentions(out, &page.mentioned_in);
    out.push_str("\n</article>\n");
}

/// The start of every entity page: its breadcrumb and `<article>`.
fn entity_start(ctx: &PageContext<'_, EntityPage<'_>>, out: &mut String, section: &str) {
    let e = ctx.page.entity;
    let href = format!("{}/index.html", e.kind.dir());
    breadcrumb(out, ctx.root, section, &href, &e.name);
    out.push_str(
        "\n<article class=\"entity\">\n<header class=\"entity-header\">\n  <p class=\"kicker\">",
    );
}

/// ` <span class="label">…</span>` when the entity has a label.
fn label(out: &mut String, e: &EntityView) {
    if let Some(label) = given(&e.label) {
        out.push_str(" <span class=\"label\">");
        esc(out, label);
        out.push_str("</span>");
    }
}

fn party(ctx: &PageContext<'_, EntityPage<'_>>, out: &mut String) {
    let e = ctx.page.entity;
    entity_start(ctx, out, "Parties");
    capitalize(out, e.party_kind.map_or("", |k| k.as_str()));
    label(out, e);
    out.push_str("</p>\n  <h1>");
    esc(out, &e.name);
    out.push_str("</h1>\n  ");
    party_line(out, e, ctx.root);
    out.push_str("\n  ");
    if let Some(role) = given(&e.role) {
        out.push_str("<p class=\"dek\">");
        esc(out, role);
        out.push_str("</p>");
    }
    out.push_str("\n  ");
    if !e.aliases.is_empty() {
        out.push_str("<p class=\"aliases\">Also called: ");
        esc(out, &e.aliases.join(", "));
        out.push_str("</p>");
    }
    out.push_str("\n</header>\n");
    entity_end(ctx, out);
}

fn clause(ctx: &PageContext<'_, EntityPage<'_>>, out: &mut String) {
    let e = ctx.page.entity;
    entity_start(ctx, out, "What changed");
    out.push_str("Clause");
    if let Some(agreement) = given(&e.agreement) {
        out.push_str(" · ");
        esc(out, agreement);
    }
    label(out, e);
    out.push_str("</p>\n  <h1>");
    esc(out, &e.name);
    out.push_str("</h1>\n  <p>");
    status(out, e.status);
    out.push_str("</p>\n</header>\n");
    change(out, e);
    out.push('\n');
    dates(out, e);
    out.push('\n');
    source(out, e);
    out.push('\n');
    entity_end(ctx, out);
}

fn quote(ctx: &PageContext<'_, EntityPage<'_>>, out: &mut String) {
    let e = ctx.page.entity;
    entity_start(ctx, out, "Quotes");
    out.push_str(if direct(e) {
        "Quote"
    } else {
        "Reported statement"
    });
    label(out, e);
    out.push_str("</p>\n  <h1>");
    match &e.speaker {
        Some(speaker) => esc(out, &speaker.name),
        None => out.push_str("Unattributed"),
    }
    out.push_str(if direct(e) {
        ", in their words"
    } else {
        ", as reported"
    });
    out.push_str("</h1>\n</header>\n");
    quote_text(out, e);
    out.push('\n');
    attribution(out, e, ctx.root);
    out.push('\n');
    source(out, e);
    out.push('\n');
    entity_end(ctx, out);
}

fn entity_end(ctx: &PageContext<'_, EntityPage<'_>>, out: &mut String) {
    entity_tail(out, &ctx.page, ctx.root);
    out.push_str("\n</article>\n");
}

fn front(ctx: &PageContext<'_, FrontPage<'_>>, out: &mut String) {
    let site = ctx.site;
    let page = &ctx.page;
    let root = ctx.root;
    out.push_str("<article class=\"front\">\n<header class=\"front-header\">\n  <h1>");
    esc(out, &site.title);
    out.push_str("</h1>\n  ");
    if let Some(dek) = given(&site.dek) {
        out.push_str("<p class=\"dek\">");
        esc(out, dek);
        out.push_str("</p>");
    }
    out.push_str("\n  <p class=\"meta\">");
    if let Some(date) = &site.date {
        time(out, date);
    }
    for (i, s) in site.sources.iter().enumerate() {
        if i == 0 {
            if site.date.is_some() {
                out.push_str(" · ");
            }
            out.push_str("Based on ");
        } else {
            out.push_str("; ");
        }
        out.push_str("<cite>");
        match given(&s.url) {
            Some(url) => {
                out.push_str("<a href=\"");
                esc(out, url);
                out.push_str("\">");
                esc(out, &s.title);
                out.push_str("</a>");
            }
            None => esc(out, &s.title),
        }
        out.push_str("</cite>");
        if let Some(publisher) = given(&s.publisher) {
            out.push_str(", ");
            esc(out, publisher);
        }
        if let Some(date) = &s.date {
            out.push_str(", ");
            time(out, date);
        }
    }
    out.push_str("</p>\n</header>\n");
    if !page.lede.is_empty() {
        out.push_str("<div class=\"lede prose\">\n");
        out.push_str(&page.lede);
        out.push_str("\n</div>");
    }
    out.push('\n');
    if !page.changes.is_empty() {
        out.push_str("<section class=\"key-changes\" aria-labelledby=\"key-changes\">\n<h2 id=\"key-changes\">Key changes</h2>\n<ul class=\"change-list\">");
        for c in &page.changes {
            out.push_str("\n<li>");
            status(out, c.status);
            out.push_str(" <span class=\"change-name\">");
            link(out, *c, root);
            out.push_str("</span>");
            if let Some(after) = given(&c.after) {
                out.push_str("<span class=\"change-after-text\">");
                esc(out, after);
                out.push_str("</span>");
            } else if let Some(before) = given(&c.before) {
                out.push_str("<span class=\"change-after-text\">Was: ");
                esc(out, before);
                out.push_str("</span>");
            }
            out.push_str("</li>");
        }
        out.push_str("\n</ul>\n<p class=\"more\"><a href=\"clauses/index.html\">The full what-changed table</a></p>\n</section>");
    }
    out.push_str("\n<section class=\"section-list\" id=\"sections\" aria-labelledby=\"sections-title\">\n<h2 id=\"sections-title\">Sections</h2>\n<ol>");
    for s in &page.sections {
        out.push_str("\n<li><a href=\"");
        esc(out, &s.href);
        out.push_str("\">");
        esc(out, &s.name);
        out.push_str("</a>");
        if let Some(summary) = given(&s.summary) {
            out.push_str("<p>");
            esc(out, summary);
            out.push_str("</p>");
        }
        out.push_str("</li>");
    }
    out.push_str("\n</ol>\n</section>\n");
    if !page.parties.is_empty() {
        out.push_str("<section class=\"party-list\" aria-labelledby=\"parties-title\">\n<h2 id=\"parties-title\">Parties</h2>\n<ul class=\"chips\">");
        for p in &page.parties {
            out.push_str("<li>");
            link(out, *p, root);
            out.push_str("</li>");
        }
        out.push_str("</ul>\n</section>");
    }
    out.push('\n');
    if !page.quotes.is_empty() {
        out.push_str("<section class=\"quote-list\" aria-labelledby=\"quotes-title\">\n<h2 id=\"quotes-title\">Who said what</h2>\n<ul>");
        for q in &page.quotes {
            out.push_str("<li>");
            card(out, q, root, "");
            out.push_str("</li>");
        }
        out.push_str("</ul>\n</section>");
    }
    out.push_str("\n</article>\n");
}

/// The start of every index page, up to its groups.
fn index_start(out: &mut String, title: &str, dek: &str) {
    out.push_str("<article class=\"index\">\n<h1>");
    out.push_str(title);
    out.push_str("</h1>\n<p class=\"dek\">");
    out.push_str(dek);
    out.push_str("</p>\n");
}

/// The opening of group `n` (from 1) of an index page.
fn group_start(out: &mut String, n: usize, title: &str) {
    out.push_str("<section aria-labelledby=\"group-");
    number(out, n);
    out.push_str("\">\n<h2 id=\"group-");
    number(out, n);
    out.push_str("\">");
    esc(out, title);
    out.push_str("</h2>\n");
}

fn parties_index(page: &IndexPage<'_>, root: &str, out: &mut String) {
    index_start(
        out,
        "Parties",
        "Everyone the briefing names, by kind, with how often each is mentioned.",
    );
    for (n, g) in page.groups.iter().enumerate() {
        group_start(out, n + 1, &g.title);
        out.push_str("<ul class=\"entity-list\">");
        for e in &g.items {
            out.push_str("\n<li><span class=\"entity-name\">");
            link(out, *e, root);
            label(out, e);
            out.push_str("</span>");
            let position = given(&e.position);
            if position.is_some() || e.affiliation.is_some() {
                out.push_str("<span class=\"entity-note\">");
                if let Some(position) = &e.position {
                    esc(out, position);
                }
                if position.is_some() && e.affiliation.is_some() {
                    out.push_str(", ");
                }
                if let Some(affiliation) = &e.affiliation {
                    esc(out, &affiliation.name);
                }
                out.push_str("</span>");
            }
            if let Some(role) = given(&e.role) {
                out.push_str("<span class=\"entity-note\">");
                esc(out, role);
                out.push_str("</span>");
            }
            out.push_str("<span class=\"count\">");
            number(out, e.mention_count);
            out.push_str(" mention");
            if e.mention_count != 1 {
                out.push('s');
            }
            out.push_str("</span></li>");
        }
        out.push_str("\n</ul>\n</section>\n");
    }
    out.push_str("</article>\n");
}

fn clauses_index(page: &IndexPage<'_>, root: &str, out: &mut String) {
    index_start(
        out,
        "What changed",
        "Every term, grouped by agreement: its status, what it was and what it is now.",
    );
    for (n, g) in page.groups.iter().enumerate() {
        group_start(out, n + 1, &g.title);
        out.push_str("<div class=\"table-wrap\"><table class=\"changes\">\n<thead><tr><th scope=\"col\">Term</th><th scope=\"col\">Status</th><th scope=\"col\">Before</th><th scope=\"col\">After</th><th scope=\"col\">Parties</th></tr></thead>\n<tbody>");
        for c in &g.items {
            out.push_str("\n<tr><th scope=\"row\">");
            link(out, *c, root);
            label(out, c);
            out.push_str("</th><td data-label=\"Status\">");
            status(out, c.status);
            out.push_str("</td><td data-label=\"Before\">");
            or_none(out, &c.before);
            out.push_str("</td><td data-label=\"After\">");
            or_none(out, &c.after);
            if let Some(until) = &c.until {
                out.push_str(" <span class=\"until\">(until ");
                esc(out, &until.human);
                out.push_str(")</span>");
            }
            out.push_str("</td><td data-label=\"Parties\">");
            parties(out, &c.parties, root);
            out.push_str("</td></tr>");
        }
        out.push_str("\n</tbody>\n</table></div>\n</section>\n");
    }
    out.push_str("</article>\n");
}

/// The text, or a dash marked as nothing.
fn or_none(out: &mut String, text: &Option<String>) {
    match given(text) {
        Some(text) => esc(out, text),
        None => out.push_str("<span class=\"none\">—</span>"),
    }
}

fn quotes_index(page: &IndexPage<'_>, root: &str, out: &mut String) {
    index_start(
        out,
        "Quotes",
        "Who said what, by speaker. Direct quotes carry quotation marks; reported statements never do.",
    );
    for (n, g) in page.groups.iter().enumerate() {
        group_start(out, n + 1, &g.title);
        out.push_str("<ul class=\"card-list\">");
        for q in &g.items {
            out.push_str("<li>");
            card(out, q, root, "");
            out.push_str("</li>");
        }
        out.push_str("</ul>\n</section>\n");
    }
    out.push_str("</article>\n");
}

// ---- print.html ----

/// Writes `n` followed by `one` when it is 1 and `many` otherwise: Tera's
/// `pluralize`.
fn counted(out: &mut String, n: usize, one: &str, many: &str) {
    number(out, n);
    out.push_str(if n == 1 { one } else { many });
}

/// The anchor of a print entry: its print link without the `#`.
fn anchor(e: &EntityView) -> &str {
    e.href.trim_start_matches('#')
}

fn print(site: &SiteView, page: &PrintPage<'_>, out: &mut String) {
    out.push_str("<article class=\"print\">\n<header class=\"cover\">\n  <p class=\"kicker\">Briefing</p>\n  <h1>");
    esc(out, &site.title);
    out.push_str("</h1>\n  ");
    if let Some(dek) = given(&site.dek) {
        out.push_str("<p class=\"dek\">");
        esc(out, dek);
        out.push_str("</p>");
    }
    out.push_str("\n  ");
    if let Some(date) = &site.date {
        out.push_str("<p class=\"cover-date\">");
        time(out, date);
        out.push_str("</p>");
    }
    out.push_str("\n  <div class=\"cover-sources\">\n  ");
    if !site.sources.is_empty() {
        out.push_str("<p class=\"cover-heading\">Based on</p><ul>");
        for s in &site.sources {
            out.push_str("<li><cite>");
            esc(out, &s.title);
            out.push_str("</cite>");
            if let Some(publisher) = given(&s.publisher) {
                out.push_str(", ");
                esc(out, publisher);
            }
            if let Some(date) = &s.date {
                out.push_str(", ");
                esc(out, &date.human);
            }
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
    out.push_str("\n  <div class=\"cover-key\"><p class=\"cover-heading\">How to read this edition</p>\n  <p>");
    how_to_read(page, out);
    out.push_str("</p></div>\n  </div>\n</header>\n");
    contents(page, out);
    if !page.lede.is_empty() {
        out.push_str("<section class=\"print-lede prose\" aria-labelledby=\"summary-title\">\n<h2 id=\"summary-title\">Summary</h2>\n");
        out.push_str(&page.lede);
        out.push_str("\n</section>");
    }
    out.push('\n');
    for s in &page.sections {
        let e = s.entity;
        out.push_str("<section class=\"print-section\" id=\"");
        esc(out, anchor(e));
        out.push_str("\" aria-labelledby=\"");
        esc(out, anchor(e));
        out.push_str("-title\">\n<h2 id=\"");
        esc(out, anchor(e));
        out.push_str("-title\"><span class=\"section-number\">");
        if let Some(n) = e.number {
            number(out, n);
        }
        out.push_str(".</span> ");
        esc(out, &e.name);
        out.push_str("</h2>\n");
        if let Some(summary) = given(&e.summary) {
            out.push_str("<p class=\"dek\">");
            esc(out, summary);
            out.push_str("</p>");
        }
        out.push_str("\n<div class=\"prose\">\n");
        out.push_str(&s.html);
        out.push_str("\n</div>\n</section>\n");
    }
    out.push('\n');
    for a in &page.appendices {
        out.push_str("<section class=\"appendix\" id=\"");
        esc(out, a.id);
        out.push_str("\" aria-labelledby=\"");
        esc(out, a.id);
        out.push_str("-title\">\n<h2 id=\"");
        esc(out, a.id);
        out.push_str("-title\">Appendix ");
        out.push(a.letter);
        out.push_str(". ");
        esc(out, a.title);
        out.push_str("</h2>\n");
        match a.id {
            "appendix-parties" => party_appendix(page, out),
            "appendix-clauses" => clause_appendix(page, out),
            _ => quote_appendix(page, out),
        }
        out.push_str("</section>\n");
    }
    out.push_str("\n</article>\n");
}

/// The cover's note on how the edition is laid out.
fn how_to_read(page: &PrintPage<'_>, out: &mut String) {
    let n = page.sections.len();
    let a = page.appendices.len();
    counted(out, n, " section", " sections");
    if a > 0 {
        out.push_str(", then ");
        counted(out, a, " appendix", " appendices");
    }
    out.push('.');
    let (p, c, q) = (
        !page.parties.is_empty(),
        !page.clauses.is_empty(),
        !page.quotes.is_empty(),
    );
    if p || c || q {
        out.push_str(" Labels in brackets point to an appendix:");
        if p {
            out.push_str(" P for parties (");
            number(out, page.parties.len());
            out.push(')');
        }
        if c {
            if p {
                out.push(',');
            }
            out.push_str(" C for clauses (");
            number(out, page.clauses.len());
            out.push(')');
        }
        if q {
            if p || c {
                out.push(',');
            }
            out.push_str(" Q for quotes (");
            number(out, page.quotes.len());
            out.push(')');
        }
        out.push_str(", numbered in order of first mention.");
    }
    if n > 0 {
        out.push_str(" § numbers point to sections.");
    }
    out.push_str(" Raised numbers are notes, printed at the end of their section.");
}

fn contents(page: &PrintPage<'_>, out: &mut String) {
    out.push_str("<nav class=\"contents\" aria-labelledby=\"contents-title\">\n<h2 id=\"contents-title\">Contents</h2>\n<ol>");
    for s in &page.sections {
        let e = s.entity;
        out.push_str("\n<li><a href=\"");
        esc(out, &e.href);
        out.push_str("\"><span class=\"toc-number\">");
        if let Some(n) = e.number {
            number(out, n);
        }
        out.push_str("</span> <span class=\"toc-title\">");
        esc(out, &e.name);
        out.push_str("</span> <span class=\"toc-page\" data-for=\"");
        esc(out, anchor(e));
        out.push_str("\" data-heading=\"");
        if let Some(n) = e.number {
            number(out, n);
        }
        out.push_str(". ");
        esc(out, &e.name);
        out.push_str("\"></span></a></li>");
    }
    out.push('\n');
    if !page.appendices.is_empty() {
        out.push_str("<li class=\"toc-group\" aria-hidden=\"true\">Appendices</li>\n");
    }
    for a in &page.appendices {
        out.push_str("<li class=\"toc-appendix\"><a href=\"#");
        esc(out, a.id);
        out.push_str("\"><span class=\"toc-number\">");
        out.push(a.letter);
        out.push_str("</span> <span class=\"toc-title\">");
        esc(out, a.title);
        out.push_str("</span> <span class=\"toc-page\" data-for=\"");
        esc(out, a.id);
        out.push_str("\" data-heading=\"Appendix ");
        out.push(a.letter);
        out.push_str(". ");
        esc(out, a.title);
        out.push_str("\"></span></a></li>\n");
    }
    out.push_str("</ol>\n</nav>\n");
}

/// An appendix entry's opening, up to its heading's text.
fn entry_start(out: &mut String, e: &EntityView) {
    out.push_str("<article class=\"appendix-entry\" id=\"");
    esc(out, anchor(e));
    out.push_str("\">\n<h3><span class=\"label-slot\"><span class=\"label\">");
    if let Some(label) = &e.label {
        esc(out, label);
    }
    out.push_str("</span> </span>");
}

/// An appendix entry's body and the sections that mention it, to its end.
fn entry_end(out: &mut String, entry: &PrintEntry<'_>) {
    if !entry.html.is_empty() {
        out.push_str("<div class=\"prose\">");
        out.push_str(&entry.html);
        out.push_str("</div>");
    }
    out.push('\n');
    if !entry.sections.is_empty() {
        out.push_str("<p class=\"in-sections\">Mentioned in ");
        esc(out, &entry.sections.join(", "));
        out.push_str("</p>");
    }
    out.push_str("\n</article>\n");
}

/// Names with their labels in brackets, comma-separated.
fn labelled(out: &mut String, links: &[LinkView]) {
    for (i, l) in links.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        esc(out, &l.name);
        if let Some(label) = given(&l.label) {
            out.push_str(" [");
            esc(out, label);
            out.push(']');
        }
    }
}

fn party_appendix(page: &PrintPage<'_>, out: &mut String) {
    out.push_str("<p class=\"appendix-intro\">Everyone and everything the briefing names, in order of first mention, with the sections that mention them.</p>\n");
    for p in &page.parties {
        let e = p.entity;
        entry_start(out, e);
        esc(out, &e.name);
        out.push_str("</h3>\n<p class=\"kicker\">");
        capitalize(out, e.party_kind.map_or("", |k| k.as_str()));
        out.push_str("</p>\n");
        party_line(out, e, "");
        out.push('\n');
        if let Some(role) = given(&e.role) {
            out.push_str("<p class=\"role\">");
            esc(out, role);
            out.push_str("</p>");
        }
        out.push('\n');
        if !e.aliases.is_empty() {
            out.push_str("<p class=\"aliases\">Also called: ");
            esc(out, &e.aliases.join(", "));
            out.push_str("</p>");
        }
        out.push('\n');
        entry_end(out, p);
    }
}

fn clause_appendix(page: &PrintPage<'_>, out: &mut String) {
    out.push_str("<p class=\"appendix-intro\">Every term, in order of first mention: its status, what it was and what it is now. Notes on each term follow the table.</p>\n<table class=\"changes\">\n<thead><tr><th scope=\"col\">Label</th><th scope=\"col\">Term</th><th scope=\"col\">Status</th><th scope=\"col\">Before</th><th scope=\"col\">After</th></tr></thead>\n<tbody>");
    for c in &page.clauses {
        let e = c.entity;
        out.push_str("\n<tr><td><span class=\"label\">");
        if let Some(label) = &e.label {
            esc(out, label);
        }
        out.push_str("</span></td><th scope=\"row\">");
        esc(out, &e.name);
        if let Some(agreement) = given(&e.agreement) {
            out.push_str("<span class=\"entity-note\">");
            esc(out, agreement);
            out.push_str("</span>");
        }
        out.push_str("</th><td>");
        status(out, e.status);
        out.push_str("</td><td>");
        esc(out, given(&e.before).unwrap_or("—"));
        out.push_str("</td><td>");
        esc(out, given(&e.after).unwrap_or("—"));
        out.push_str("</td></tr>");
    }
    out.push_str("\n</tbody>\n</table>\n");
    for c in &page.clauses {
        let e = c.entity;
        entry_start(out, e);
        esc(out, &e.name);
        out.push_str("</h3>\n<p class=\"clause-line\">");
        status(out, e.status);
        if let Some(agreement) = given(&e.agreement) {
            out.push_str(" <span class=\"entity-note\">");
            esc(out, agreement);
            out.push_str("</span>");
        }
        if !e.parties.is_empty() {
            out.push_str(" · ");
            labelled(out, &e.parties);
        }
        out.push_str("</p>\n");
        dates(out, e);
        out.push('\n');
        entry_end(out, c);
    }
}

fn quote_appendix(page: &PrintPage<'_>, out: &mut String) {
    out.push_str("<p class=\"appendix-intro\">Statements by the parties, in order of first mention. Direct quotes are in quotation marks; reported statements are not.</p>\n");
    for q in &page.quotes {
        let e = q.entity;
        entry_start(out, e);
        match &e.speaker {
            Some(speaker) => labelled(out, std::slice::from_ref(speaker)),
            None => out.push_str("Unattributed"),
        }
        out.push_str("</h3>\n");
        quote_text(out, e);
        out.push_str("\n<p class=\"dates\">");
        out.push_str(if direct(e) {
            "Direct quote"
        } else {
            "Reported statement"
        });
        if let Some(date) = &e.date {
            out.push_str(", ");
            time(out, date);
        }
        if !e.about.is_empty() {
            out.push_str(" · About ");
            labelled(out, &e.about);
        }
        out.push_str("</p>\n");
        entry_end(out, q);
    }
}
