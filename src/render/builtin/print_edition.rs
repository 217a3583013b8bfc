//! `print.html`: the cover, the contents, the sections and the appendices.

use super::macros::{Base, aliases, dates, direct, party_line, print_anchor, quote_text, status};
use super::{capitalize, esc, given, number, publisher_and_date, time, wrap};
use crate::render::print::{PrintEntry, PrintPage};
use crate::render::views::{EntityView, LinkView, SiteView};

/// Writes `n` followed by `one` when it is 1 and `many` otherwise: Tera's
/// `pluralize`.
fn counted(out: &mut String, n: usize, one: &str, many: &str) {
    number(out, n);
    out.push_str(if n == 1 { one } else { many });
}

pub(super) fn print(site: &SiteView, page: &PrintPage<'_>, out: &mut String) {
    out.push_str("<article class=\"print\">\n");
    cover(site, page, out);
    contents(page, out);
    if !page.lede.is_empty() {
        out.push_str("<section class=\"print-lede prose\" aria-labelledby=\"summary-title\">\n<h2 id=\"summary-title\">Summary</h2>\n");
        out.push_str(&page.lede);
        out.push_str("\n</section>");
    }
    out.push('\n');
    for s in &page.sections {
        section(s, out);
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

/// The cover: title, dek, date, sources and how to read the edition.
fn cover(site: &SiteView, page: &PrintPage<'_>, out: &mut String) {
    out.push_str("<header class=\"cover\">\n  <p class=\"kicker\">Briefing</p>\n  <h1>");
    esc(out, &site.title);
    out.push_str("</h1>\n  ");
    wrap(out, "<p class=\"dek\">", &site.dek, "</p>");
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
            publisher_and_date(out, s);
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
    out.push_str("\n  <div class=\"cover-key\"><p class=\"cover-heading\">How to read this edition</p>\n  <p>");
    how_to_read(page, out);
    out.push_str("</p></div>\n  </div>\n</header>\n");
}

/// One section of the edition, its body where the template puts it.
fn section(s: &PrintEntry<'_>, out: &mut String) {
    let e = s.entity;
    out.push_str("<section class=\"print-section\" id=\"");
    print_anchor(out, &e.key);
    out.push_str("\" aria-labelledby=\"");
    print_anchor(out, &e.key);
    out.push_str("-title\">\n<h2 id=\"");
    print_anchor(out, &e.key);
    out.push_str("-title\"><span class=\"section-number\">");
    if let Some(n) = e.number {
        number(out, n);
    }
    out.push_str(".</span> ");
    esc(out, &e.name);
    out.push_str("</h2>\n");
    wrap(out, "<p class=\"dek\">", &e.summary, "</p>");
    out.push_str("\n<div class=\"prose\">\n");
    out.push_str(&s.html);
    out.push_str("\n</div>\n</section>\n");
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
        out.push('#');
        print_anchor(out, &e.key);
        out.push_str("\"><span class=\"toc-number\">");
        if let Some(n) = e.number {
            number(out, n);
        }
        out.push_str("</span> <span class=\"toc-title\">");
        esc(out, &e.name);
        out.push_str("</span> <span class=\"toc-page\" data-for=\"");
        print_anchor(out, &e.key);
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
    print_anchor(out, &e.key);
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
fn labelled(out: &mut String, links: &[LinkView<'_>]) {
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
        party_line(out, e, Base::Print);
        out.push('\n');
        wrap(out, "<p class=\"role\">", &e.role, "</p>");
        out.push('\n');
        aliases(out, e);
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
        wrap(out, "<span class=\"entity-note\">", &e.agreement, "</span>");
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
        wrap(
            out,
            " <span class=\"entity-note\">",
            &e.agreement,
            "</span>",
        );
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
