//! The page templates of the site: `section.html`, `party.html`,
//! `clause.html`, `quote.html`, `index.html` and the three indexes.

use super::macros::{
    Base, aliases, attribution, breadcrumb, card, change, dates, direct, entity_tail, label, link,
    mentions, parties, party_line, quote_text, related, source, status,
};
use super::{capitalize, esc, given, number, time, wrap};
use crate::render::PageContext;
use crate::render::pages::{EntityPage, FrontPage, IndexPage, SectionPage};
use crate::render::views::{Neighbours, SiteView};

pub(super) fn section(ctx: &PageContext<'_, SectionPage<'_>>, out: &mut String) {
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
    wrap(out, "<p class=\"dek\">", &s.summary, "</p>");
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
    out.push_str("\n</div>\n");
    pager(&page.neighbours, out);
    section_nav(ctx, out);
    out.push('\n');
    related(out, &page.related, ctx.root);
    out.push('\n');
    mentions(out, &page.mentioned_in);
    out.push_str("\n</article>\n");
}

/// Links to the previous and next sections.
fn pager(neighbours: &Neighbours<'_>, out: &mut String) {
    out.push_str("<nav class=\"pager\" aria-label=\"Sections\">\n");
    if let Some(previous) = &neighbours.previous {
        out.push_str("<a class=\"pager-prev\" rel=\"prev\" href=\"../");
        esc(out, &previous.href);
        out.push_str("\"><span>Previous</span> ");
        esc(out, &previous.name);
        out.push_str("</a>");
    }
    out.push('\n');
    if let Some(next) = &neighbours.next {
        out.push_str("<a class=\"pager-next\" rel=\"next\" href=\"../");
        esc(out, &next.href);
        out.push_str("\"><span>Next</span> ");
        esc(out, &next.name);
        out.push_str("</a>");
    }
    out.push_str("\n</nav>\n");
}

/// Every section, this one marked, while the briefing is small enough to
/// list them on every page.
fn section_nav(ctx: &PageContext<'_, SectionPage<'_>>, out: &mut String) {
    if ctx.site.sections.is_empty() {
        return;
    }
    out.push_str("<nav class=\"section-nav\" aria-labelledby=\"section-nav-title\">\n<h2 id=\"section-nav-title\">All sections</h2>\n<ol>");
    for other in &ctx.site.sections {
        out.push_str("\n<li>");
        if other.key == ctx.page.section.key {
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

/// The start of every entity page: its breadcrumb and `<article>`.
fn entity_start(ctx: &PageContext<'_, EntityPage<'_>>, out: &mut String, section: &str) {
    let e = ctx.page.entity;
    let href = format!("{}/index.html", e.kind.dir());
    breadcrumb(out, ctx.root, section, &href, &e.name);
    out.push_str(
        "\n<article class=\"entity\">\n<header class=\"entity-header\">\n  <p class=\"kicker\">",
    );
}

pub(super) fn party(ctx: &PageContext<'_, EntityPage<'_>>, out: &mut String) {
    let e = ctx.page.entity;
    entity_start(ctx, out, "Parties");
    capitalize(out, e.party_kind.map_or("", |k| k.as_str()));
    label(out, e);
    out.push_str("</p>\n  <h1>");
    esc(out, &e.name);
    out.push_str("</h1>\n  ");
    party_line(out, e, Base::Site(ctx.root));
    out.push_str("\n  ");
    wrap(out, "<p class=\"dek\">", &e.role, "</p>");
    out.push_str("\n  ");
    aliases(out, e);
    out.push_str("\n</header>\n");
    entity_end(ctx, out);
}

pub(super) fn clause(ctx: &PageContext<'_, EntityPage<'_>>, out: &mut String) {
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

pub(super) fn quote(ctx: &PageContext<'_, EntityPage<'_>>, out: &mut String) {
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
    attribution(out, e, Base::Site(ctx.root));
    out.push('\n');
    source(out, e);
    out.push('\n');
    entity_end(ctx, out);
}

fn entity_end(ctx: &PageContext<'_, EntityPage<'_>>, out: &mut String) {
    entity_tail(out, &ctx.page, ctx.root);
    out.push_str("\n</article>\n");
}

pub(super) fn front(ctx: &PageContext<'_, FrontPage<'_>>, out: &mut String) {
    let page = &ctx.page;
    let root = ctx.root;
    front_header(ctx.site, out);
    if !page.lede.is_empty() {
        out.push_str("<div class=\"lede prose\">\n");
        out.push_str(&page.lede);
        out.push_str("\n</div>");
    }
    out.push('\n');
    key_changes(page, root, out);
    out.push_str("\n<section class=\"section-list\" id=\"sections\" aria-labelledby=\"sections-title\">\n<h2 id=\"sections-title\">Sections</h2>\n<ol>");
    for s in &page.sections {
        out.push_str("\n<li><a href=\"");
        esc(out, &s.href);
        out.push_str("\">");
        esc(out, &s.name);
        out.push_str("</a>");
        wrap(out, "<p>", &s.summary, "</p>");
        out.push_str("</li>");
    }
    out.push_str("\n</ol>\n</section>\n");
    if !page.parties.is_empty() {
        out.push_str("<section class=\"party-list\" aria-labelledby=\"parties-title\">\n<h2 id=\"parties-title\">Parties</h2>\n<ul class=\"chips\">");
        for p in &page.parties {
            out.push_str("<li>");
            link(out, *p, Base::Site(root));
            out.push_str("</li>");
        }
        out.push_str("</ul>\n</section>");
    }
    out.push('\n');
    if !page.quotes.is_empty() {
        out.push_str("<section class=\"quote-list\" aria-labelledby=\"quotes-title\">\n<h2 id=\"quotes-title\">Who said what</h2>\n<ul>");
        for q in &page.quotes {
            out.push_str("<li>");
            card(out, q, Base::Site(root), "");
            out.push_str("</li>");
        }
        out.push_str("</ul>\n</section>");
    }
    out.push_str("\n</article>\n");
}

/// The front page's opening: title, dek, date and sources.
fn front_header(site: &SiteView, out: &mut String) {
    out.push_str("<article class=\"front\">\n<header class=\"front-header\">\n  <h1>");
    esc(out, &site.title);
    out.push_str("</h1>\n  ");
    wrap(out, "<p class=\"dek\">", &site.dek, "</p>");
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
}

/// The front page's list of key changes, when there are clauses.
fn key_changes(page: &FrontPage<'_>, root: &str, out: &mut String) {
    if page.changes.is_empty() {
        return;
    }
    out.push_str("<section class=\"key-changes\" aria-labelledby=\"key-changes\">\n<h2 id=\"key-changes\">Key changes</h2>\n<ul class=\"change-list\">");
    for c in &page.changes {
        out.push_str("\n<li>");
        status(out, c.status);
        out.push_str(" <span class=\"change-name\">");
        link(out, *c, Base::Site(root));
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

pub(super) fn parties_index(page: &IndexPage<'_>, root: &str, out: &mut String) {
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
            link(out, *e, Base::Site(root));
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
            wrap(out, "<span class=\"entity-note\">", &e.role, "</span>");
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

pub(super) fn clauses_index(page: &IndexPage<'_>, root: &str, out: &mut String) {
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
            link(out, *c, Base::Site(root));
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
            parties(out, &c.parties, Base::Site(root));
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

pub(super) fn quotes_index(page: &IndexPage<'_>, root: &str, out: &mut String) {
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
            card(out, q, Base::Site(root), "");
            out.push_str("</li>");
        }
        out.push_str("</ul>\n</section>\n");
    }
    out.push_str("</article>\n");
}
