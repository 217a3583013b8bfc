//! `macros.html`: the pieces every page template is built from.

use super::{capitalize, esc, given, number, time, wrap};
use crate::model::{Kind, QuoteKind, Status};
use crate::render::pages::EntityPage;
use crate::render::views::{EntityView, LinkView, MentionGroup, RelatedGroup};

/// Where entity links point: the site's pages, seen from a page `root`
/// away from the site's root (`""` or `"../"`), or the entities' anchors
/// inside `print.html`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base<'a> {
    Site(&'a str),
    Print,
}

/// The link to the entity whose page is `page` and whose key is `key`.
fn href(out: &mut String, base: Base, page: &str, key: &str) {
    match base {
        Base::Site(root) => {
            esc(out, root);
            esc(out, page);
        }
        Base::Print => {
            out.push('#');
            print_anchor(out, key);
        }
    }
}

/// An entity's anchor in `print.html`, `party-openai` for `party:openai`.
pub(super) fn print_anchor(out: &mut String, key: &str) {
    match key.split_once(':') {
        Some((kind, id)) => {
            esc(out, kind);
            out.push('-');
            esc(out, id);
        }
        None => esc(out, key),
    }
}

/// The fields `link` reads, from a link or an entity view alike.
pub(super) struct Link<'v> {
    kind: Kind,
    key: &'v str,
    href: &'v str,
    name: &'v str,
    label: Option<&'v str>,
}

impl<'v> From<&'v LinkView<'_>> for Link<'v> {
    fn from(l: &'v LinkView<'_>) -> Self {
        Link {
            kind: l.kind,
            key: &l.key,
            href: &l.href,
            name: &l.name,
            label: l.label.as_deref(),
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
            label: e.label.as_deref(),
        }
    }
}

pub(super) fn link<'v>(out: &mut String, l: impl Into<Link<'v>>, base: Base) {
    let l = l.into();
    out.push_str("<a class=\"ref ref-");
    out.push_str(l.kind.as_str());
    out.push_str("\" href=\"");
    href(out, base, l.href, l.key);
    out.push_str("\" data-ref=\"");
    esc(out, l.key);
    out.push('"');
    if let Some(label) = l.label.filter(|s| !s.is_empty()) {
        out.push_str(" data-label=\"");
        esc(out, label);
        out.push('"');
    }
    out.push('>');
    esc(out, l.name);
    out.push_str("</a>");
}

pub(super) fn status(out: &mut String, s: Option<Status>) {
    let s = s.map_or("", Status::as_str);
    out.push_str("<span class=\"status status-");
    out.push_str(s);
    out.push_str("\">");
    out.push_str(s);
    out.push_str("</span>");
}

pub(super) fn direct(e: &EntityView) -> bool {
    e.quote_kind == Some(QuoteKind::Direct)
}

pub(super) fn quote_text(out: &mut String, e: &EntityView) {
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

pub(super) fn attribution(out: &mut String, e: &EntityView, base: Base) {
    let Some(speaker) = &e.speaker else { return };
    out.push_str("<p class=\"attribution\">— ");
    link(out, &**speaker, base);
    if let Some(date) = &e.date {
        out.push_str(", ");
        time(out, date);
    }
    if e.quote_kind == Some(QuoteKind::Paraphrase) {
        out.push_str(" <span class=\"paraphrase-note\">(paraphrase)</span>");
    }
    out.push_str("</p>");
}

pub(super) fn change(out: &mut String, e: &EntityView) {
    out.push_str("<dl class=\"change\">");
    wrap(
        out,
        "<div class=\"change-before\"><dt>Before</dt><dd>",
        &e.before,
        "</dd></div>",
    );
    wrap(
        out,
        "<div class=\"change-after\"><dt>After</dt><dd>",
        &e.after,
        "</dd></div>",
    );
    out.push_str("</dl>");
}

pub(super) fn parties(out: &mut String, list: &[LinkView<'_>], base: Base) {
    for (i, p) in list.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        link(out, p, base);
    }
}

pub(super) fn dates(out: &mut String, e: &EntityView) {
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

pub(super) fn party_line(out: &mut String, e: &EntityView, base: Base) {
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
        link(out, &**affiliation, base);
    }
    out.push_str("</p>");
}

/// The `card` macro, and so `card.html`.
pub fn card(out: &mut String, e: &EntityView, base: Base, anchor: &str) {
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
    card_kind(out, e);
    label(out, e);
    out.push_str("</p>\n");
    if e.kind == Kind::Quote {
        quote_text(out, e);
        out.push('\n');
        attribution(out, e, base);
        out.push_str("\n<p class=\"card-more\"><a href=\"");
        href(out, base, &e.href, &e.key);
        out.push_str("\">About this ");
        out.push_str(if direct(e) { "quote" } else { "statement" });
        out.push_str("</a></p>\n");
    } else {
        out.push_str("<p class=\"card-title\"><a href=\"");
        href(out, base, &e.href, &e.key);
        out.push_str("\">");
        esc(out, &e.name);
        out.push_str("</a>");
        if e.status.is_some() {
            out.push(' ');
            status(out, e.status);
        }
        out.push_str("</p>\n");
        card_details(out, e, base);
    }
    out.push_str("</aside>");
}

/// What kind of entity a card shows, for its first line.
fn card_kind(out: &mut String, e: &EntityView) {
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
}

/// A card's lines under its title, for every kind but quotes.
fn card_details(out: &mut String, e: &EntityView, base: Base) {
    match e.kind {
        Kind::Party => {
            party_line(out, e, base);
            wrap(out, "<p class=\"card-role\">", &e.role, "</p>");
            out.push('\n');
        }
        Kind::Clause => {
            change(out, e);
            dates(out, e);
            if !e.parties.is_empty() {
                out.push_str("<p class=\"card-parties\">Parties: ");
                parties(out, &e.parties, base);
                out.push_str("</p>");
            }
            out.push('\n');
        }
        _ => {
            wrap(out, "<p class=\"card-role\">", &e.summary, "</p>\n");
        }
    }
}

pub(super) fn mentions(out: &mut String, groups: &[MentionGroup<'_>]) {
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

pub(super) fn related(out: &mut String, groups: &[RelatedGroup<'_>], root: &str) {
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
            link(out, l, Base::Site(root));
            wrap(out, " <span class=\"label\">", &l.label, "</span>");
            out.push_str("</li>");
        }
        out.push_str("</ul>\n</div>\n");
    }
    out.push_str("</section>\n");
}

pub(super) fn breadcrumb(out: &mut String, root: &str, section: &str, href: &str, name: &str) {
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

pub(super) fn source(out: &mut String, e: &EntityView) {
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

pub(super) fn entity_tail(out: &mut String, page: &EntityPage<'_>, root: &str) {
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

/// ` <span class="label">…</span>` when the entity has a label.
pub(super) fn label(out: &mut String, e: &EntityView) {
    wrap(out, " <span class=\"label\">", &e.label, "</span>");
}

/// "Also called: …" when the party has other names.
pub(super) fn aliases(out: &mut String, e: &EntityView) {
    if !e.aliases.is_empty() {
        out.push_str("<p class=\"aliases\">Also called: ");
        esc(out, &e.aliases.join(", "));
        out.push_str("</p>");
    }
}
