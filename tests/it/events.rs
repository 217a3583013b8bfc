//! Events, the fifth kind, and the timeline: their pages, references,
//! cards and print entries, and the time axis of every dated thing on
//! `timeline.html`, the front page and print's Chronology.

use crate::support::*;

fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    let site = site("events/basic");
    let out = build_ok(site.path());
    (site, out)
}

fn attr<'a>(el: &scraper::ElementRef<'a>, name: &str) -> &'a str {
    el.value().attr(name).unwrap_or_default()
}

#[test]
fn an_event_has_its_page_with_date_parties_clauses_and_label() {
    let (_site, out) = built();
    assert_eq!(broken_links(&out), Vec::<(String, String)>::new());
    let html = page(&out, "events/announced.html");
    assert_eq!(text(&select(&html, "main h1")[0]), "Deal announced");
    assert_eq!(text(&select(&html, "main .kicker .label")[0]), "E1");
    let time = &select(&html, "main .event-line time")[0];
    assert_eq!(
        (attr(time, "datetime"), text(time).as_str()),
        ("2026-04-27", "27 April 2026")
    );
    let parties: Vec<&str> = select(&html, "main .related a.ref-party")
        .iter()
        .map(|a| attr(a, "href"))
        .collect();
    assert_eq!(parties, ["../parties/acme.html", "../parties/globex.html"]);
    let clauses: Vec<&str> = select(&html, "main .related a.ref-clause")
        .iter()
        .map(|a| attr(a, "href"))
        .collect();
    assert_eq!(clauses, ["../clauses/fee.html"]);
    let mentioned: Vec<String> = select(&html, ".mentions h3").iter().map(text).collect();
    assert_eq!(mentioned, ["The deal"]);
    // A year is shown as written, and the party's page lists its events.
    let talks = page(&out, "events/talks.html");
    assert_eq!(text(&select(&talks, "main .event-line time")[0]), "2025");
    let acme = page(&out, "parties/acme.html");
    let related: Vec<String> = select(&acme, ".related-group h3")
        .iter()
        .map(text)
        .collect();
    assert!(
        related.contains(&"Events involving Acme".to_string()),
        "{related:?}"
    );
}

#[test]
fn references_to_events_link_fill_their_title_and_embed_as_cards() {
    let (_site, out) = built();
    let html = page(&out, "sections/deal.html");
    let link = &select(&html, "main .prose a#m-event-talks-1")[0];
    assert_eq!(text(link), "Talks");
    assert_eq!(attr(link, "href"), "../events/talks.html");
    assert_eq!(attr(link, "data-label"), "E2");
    let card = &select(&html, "main .prose aside.card-event")[0];
    assert_eq!(
        text(&select(&html, "main .prose aside.card-event .card-title a")[0]),
        "Deal announced"
    );
    assert_eq!(attr(card, "aria-label"), "Event: Deal announced");
    assert_eq!(
        text(&select(&html, "main .prose aside.card-event time")[0]),
        "27 April 2026"
    );
    // Each event has its hover preview, a card linking to its page from
    // the site root (brief.js starts the link from the page's folder).
    let talks = &previews(&out)["event:talks"];
    let title = &select(talks, "aside.card-event .card-title a")[0];
    assert_eq!(attr(title, "href"), "events/talks.html");
}

/// The marks of the time axis on `path`, as (date, label, href), in order.
fn marks(out: &std::path::Path, path: &str, figure: &str) -> Vec<(String, String, String)> {
    let html = page(out, path);
    let svg = select(&html, &format!("#{figure} svg[role=group]"));
    assert_eq!(svg.len(), 1, "{path}: one drawing");
    assert!(!select(&html, &format!("#{figure} svg > title")).is_empty());
    let marks = select(&html, &format!("#{figure} svg a.timeline-mark"));
    let list = select(&html, &format!("#{figure} ol.timeline-list li"));
    assert_eq!(
        marks.len(),
        list.len(),
        "{path}: a list item for every mark"
    );
    (marks.iter().zip(&list))
        .map(|(mark, item)| {
            let title = text(
                &select(&html, "title")
                    .into_iter()
                    .find(|t| t.parent().and_then(scraper::ElementRef::wrap) == Some(*mark))
                    .expect("a title on every mark"),
            );
            let label = text(
                &mark
                    .select(&scraper::Selector::parse("text").unwrap())
                    .next()
                    .unwrap(),
            );
            let item_time = text(
                &item
                    .select(&scraper::Selector::parse("time").unwrap())
                    .next()
                    .unwrap(),
            );
            assert!(title.starts_with(&item_time), "{title} / {item_time}");
            (item_time, label, attr(mark, "href").to_string())
        })
        .collect()
}

#[test]
fn the_timeline_draws_every_dated_thing_in_order_each_a_link() {
    let (_site, out) = built();
    let shown = marks(&out, "timeline.html", "timeline");
    let expected = [
        ("2025", "Talks", "events/talks.html"),
        (
            "April 2026",
            "Takes effect: Licence fee",
            "clauses/fee.html",
        ),
        ("27 April 2026", "Deal announced", "events/announced.html"),
        (
            "28 April 2026",
            "Globex: \u{201c}We are pleased.\u{201d}",
            "quotes/said.html",
        ),
        ("2030", "Runs until: Licence fee", "clauses/fee.html"),
    ];
    let expected: Vec<(String, String, String)> = (expected.iter())
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(shown, expected);
    let html = page(&out, "timeline.html");
    let years: Vec<String> = select(&html, "svg .timeline-year")
        .iter()
        .map(text)
        .collect();
    assert_eq!(years, ["2025", "2026", "2027", "2028", "2029", "2030"]);
    // A day is a dot; a month or a year, a bar over it.
    assert_eq!(select(&html, "a.precision-day circle").len(), 2);
    assert_eq!(select(&html, "a.precision-month rect").len(), 1);
    assert_eq!(select(&html, "a.precision-year rect").len(), 2);
    // The front page draws the events alone.
    let front = marks(&out, "index.html", "front-timeline");
    let front: Vec<&str> = front.iter().map(|(_, label, _)| label.as_str()).collect();
    assert_eq!(front, ["Talks", "Deal announced"]);
}

#[test]
fn print_labels_events_and_ends_with_the_chronology() {
    let (_site, out) = built();
    let html = page(&out, "print.html");
    let appendices: Vec<String> = select(&html, "section.appendix > h2")
        .iter()
        .map(text)
        .collect();
    assert_eq!(
        appendices,
        [
            "Appendix A. Parties",
            "Appendix B. What changed",
            "Appendix C. Quotes",
            "Appendix D. Chronology"
        ]
    );
    let shown = marks(&out, "print.html", "chronology");
    let hrefs: Vec<&str> = shown.iter().map(|(_, _, href)| href.as_str()).collect();
    assert_eq!(
        hrefs,
        [
            "#event-talks",
            "#clause-fee",
            "#event-announced",
            "#quote-said",
            "#clause-fee"
        ]
    );
    // Entries in date order, each with its label, in the Chronology.
    let entries: Vec<String> = select(&html, "#appendix-chronology .appendix-entry h3")
        .iter()
        .map(text)
        .collect();
    assert_eq!(entries, ["E2 Talks", "E1 Deal announced"]);
    let reference = &select(&html, ".print-section a[data-ref=\"event:announced\"]")[0];
    assert_eq!(attr(reference, "data-label"), "E1");
    assert_eq!(attr(reference, "href"), "#event-announced");
}

#[test]
fn graph_json_and_the_sitemap_carry_events_and_the_timeline() {
    let (_site, out) = built();
    let graph: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("graph.json")).unwrap()).unwrap();
    let event = (graph["entities"].as_array().unwrap().iter())
        .find(|e| e["key"] == "event:announced")
        .expect("the event in graph.json");
    assert_eq!(event["kind"], "event");
    assert_eq!(event["href"], "events/announced.html");
    assert_eq!(event["date"]["iso"], "2026-04-27");
    assert_eq!(event["clauses"][0]["key"], "clause:fee");
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>timeline.html</loc>"), "{sitemap}");
    assert!(
        sitemap.contains("<loc>events/talks.html</loc>"),
        "{sitemap}"
    );
}

#[test]
fn the_shipped_briefing_draws_its_events() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_shipped(&out);
    let shown = marks(&out, "timeline.html", "timeline");
    assert!(shown.len() >= 7, "{shown:?}");
    let dates: Vec<&str> = shown.iter().map(|(date, _, _)| date.as_str()).collect();
    assert_eq!(dates.first(), Some(&"2025"));
    assert_eq!(dates.last(), Some(&"2030"));
    assert!(dates.contains(&"27 April 2026") && dates.contains(&"28 April 2026"));
}
