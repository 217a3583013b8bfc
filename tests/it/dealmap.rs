//! The deal map, read from the built HTML: on the front page, on each party
//! page that has clauses, and in print after the contents. Its boxes and
//! connections against the clauses' front matter (through `graph.json`),
//! the table beside the picture, and the geometry: boxes that never overlap
//! and stay inside the picture, at every size a briefing can have. That the
//! labels fit their boxes as a browser sets them is checked in Chromium
//! (`tests/browser/check.mjs`, "deal map").

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use scraper::{ElementRef, Html};

use crate::support::*;

/// Each clause's name and the names of the parties it binds, from `graph.json`.
fn clause_parties(out: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let graph: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("graph.json")).unwrap()).unwrap();
    let entities = graph["entities"].as_array().unwrap();
    (entities.iter().filter(|e| e["kind"] == "clause"))
        .map(|c| {
            let parties = c["parties"].as_array().into_iter().flatten();
            let names = parties.map(|p| p["name"].as_str().unwrap().to_string());
            (c["name"].as_str().unwrap().to_string(), names.collect())
        })
        .collect()
}

/// A box of the picture: `(x, y, width, height)`.
type Rect = (i64, i64, i64, i64);

fn sel(css: &str) -> scraper::Selector {
    scraper::Selector::parse(css).unwrap()
}

fn attr(el: &ElementRef, name: &str) -> i64 {
    el.value().attr(name).unwrap().parse().unwrap()
}

/// The picture of `figure`: its size, and each box with the text in it.
fn picture(html: &Html, figure: &str) -> ((i64, i64), Vec<(String, Rect)>) {
    let svg = &select(html, &format!("{figure} svg.map"))[0];
    let size = (attr(svg, "width"), attr(svg, "height"));
    let boxes = select(html, &format!("{figure} svg.map g.map-node"))
        .iter()
        .map(|g| {
            let (rects, names) = (sel("rect"), sel("text.map-name"));
            let rect = g.select(&rects).next().unwrap();
            let name = g
                .select(&names)
                .map(|t| text(&t))
                .collect::<Vec<_>>()
                .join(" ");
            let r = (
                attr(&rect, "x"),
                attr(&rect, "y"),
                attr(&rect, "width"),
                attr(&rect, "height"),
            );
            (name, r)
        })
        .collect();
    (size, boxes)
}

/// Every box inside the picture, and no two boxes touching.
fn assert_laid_out(size: (i64, i64), boxes: &[(String, Rect)]) {
    for (name, (x, y, w, h)) in boxes {
        assert!(
            *x >= 0 && *y >= 0 && x + w <= size.0 && y + h <= size.1,
            "{name} leaves the picture"
        );
    }
    for (n, (a, (ax, ay, aw, ah))) in boxes.iter().enumerate() {
        for (b, (bx, by, bw, bh)) in &boxes[n + 1..] {
            let apart = ax + aw <= *bx || bx + bw <= *ax || ay + ah <= *by || by + bh <= *ay;
            assert!(apart, "{a} overlaps {b}");
        }
    }
}

/// The table beside a picture: each clause with the parties it names.
fn table(html: &Html, figure: &str) -> BTreeMap<String, BTreeSet<String>> {
    select(html, &format!("{figure} .map-facts tbody tr"))
        .iter()
        .map(|row| {
            let (td, a) = (sel("td"), sel("a"));
            let cells: Vec<ElementRef> = row.select(&td).collect();
            let links =
                |cell: &ElementRef| -> Vec<String> { cell.select(&a).map(|a| text(&a)).collect() };
            (
                links(&cells[0])[0].clone(),
                links(&cells[2]).into_iter().collect(),
            )
        })
        .collect()
}

#[test]
fn the_front_page_maps_every_clause_to_the_parties_it_binds() {
    let tmp = tempfile::tempdir().unwrap();
    build_shipped(tmp.path());
    let clauses = clause_parties(tmp.path());
    let front = page(tmp.path(), "index.html");

    let svg = &select(&front, "figure#deal-map svg.map")[0];
    assert_eq!(svg.value().attr("role"), Some("img"));
    let title = svg.value().attr("aria-labelledby").unwrap();
    assert!(!text(&select(&front, &format!("svg.map title#{title}"))[0]).is_empty());
    let facts = svg.value().attr("aria-describedby").unwrap();
    assert_eq!(
        select(&front, &format!("details#{facts}.map-facts")).len(),
        1
    );

    assert_eq!(table(&front, "#deal-map"), clauses);
    let (size, boxes) = picture(&front, "#deal-map");
    let drawn: BTreeSet<&str> = boxes.iter().map(|(name, _)| name.as_str()).collect();
    for (clause, parties) in &clauses {
        assert!(drawn.contains(clause.as_str()), "{clause} is not drawn");
        for party in parties {
            assert!(drawn.contains(party.as_str()), "{party} is not drawn");
        }
    }
    // Products stand under their company even when no clause names it.
    assert!(drawn.contains("Amazon"));
    let edges = select(&front, "#deal-map svg.map path.map-edge").len();
    assert_eq!(edges, clauses.values().map(BTreeSet::len).sum::<usize>());
    assert_laid_out(size, &boxes);

    // Status shows without colour: a sign and a word on each clause, and a
    // line style on each connection but the added ones'.
    for note in select(&front, "#deal-map g.map-clause text.map-note") {
        let note = text(&note);
        assert!(
            [
                "+ added",
                "\u{2212} removed",
                "\u{394} changed",
                "= unchanged"
            ]
            .iter()
            .any(|s| note.ends_with(s)),
            "{note}"
        );
    }
    for edge in select(&front, "#deal-map path.map-edge") {
        let class = edge.value().attr("class").unwrap();
        let dashed = edge.value().attr("stroke-dasharray").is_some();
        assert_eq!(dashed, !class.ends_with("status-added"), "{class}");
    }
}

#[test]
fn a_party_page_maps_its_own_clauses_and_a_party_without_any_has_none() {
    let tmp = tempfile::tempdir().unwrap();
    build_shipped(tmp.path());
    let clauses = clause_parties(tmp.path());
    let amazon = page(tmp.path(), "parties/amazon.html");
    let own: BTreeMap<String, BTreeSet<String>> = (clauses.iter())
        .filter(|(_, parties)| parties.contains("Amazon"))
        .map(|(c, p)| (c.clone(), p.clone()))
        .collect();
    assert!(!own.is_empty());
    assert_eq!(table(&amazon, "#party-map"), own);
    let (size, boxes) = picture(&amazon, "#party-map");
    assert_laid_out(size, &boxes);

    let unbound = page(tmp.path(), "parties/adam-sandman.html");
    assert!(select(&unbound, "figure").is_empty());
}

#[test]
fn print_shows_the_map_right_after_the_contents_without_a_link_layer() {
    let tmp = tempfile::tempdir().unwrap();
    build_shipped(tmp.path());
    let print = page(tmp.path(), "print.html");
    let after = select(&print, "nav.contents + section.print-deal figure#deal-map");
    assert_eq!(after.len(), 1);
    assert!(select(&print, "#deal-map svg.map-links, #deal-map svg a").is_empty());
    // Labels name clauses as the appendices number them.
    let notes: Vec<String> = select(&print, "#deal-map g.map-clause text.map-note")
        .iter()
        .map(text)
        .collect();
    assert!(notes.iter().all(|n| n.starts_with('C')), "{notes:?}");
}

/// A briefing of `parties` parties, a third of them products of the
/// company before them, and `clauses` clauses in three agreements, each
/// binding two or three parties.
fn generated(parties: usize, clauses: usize) -> tempfile::TempDir {
    let mut files: Vec<(String, String)> =
        vec![("briefing.toml".into(), "title = \"Generated\"\n".into())];
    let mut body = String::new();
    for p in 0..parties {
        let (kind, affiliation) = match p % 3 {
            2 => ("product", format!("affiliation = \"p{}\"\n", p - 1)),
            _ => ("company", String::new()),
        };
        let name = format!("Party number {p} with a rather long name");
        files.push((
            format!("content/parties/p{p}.md"),
            format!("+++\nname = \"{name}\"\nkind = \"{kind}\"\n{affiliation}+++\n"),
        ));
        body.push_str(&format!("[](party:p{p}) "));
    }
    for c in 0..clauses {
        let bound: Vec<String> = [c, c * 7 + 1, c * 13 + 2]
            .iter()
            .take(2 + c % 2)
            .map(|i| format!("\"p{}\"", i % parties))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let status = ["added", "removed", "changed", "unchanged"][c % 4];
        files.push((
            format!("content/clauses/c{c}.md"),
            format!(
                "+++\ntitle = \"Clause {c} on the terms of a long-running arrangement\"\n\
                 agreement = \"Agreement {}\"\nstatus = \"{status}\"\nparties = [{}]\n\
                 before = \"Before.\"\nafter = \"After.\"\n+++\n",
                c % 3,
                bound.join(", ")
            ),
        ));
        body.push_str(&format!("[](clause:c{c}) "));
    }
    files.push((
        "content/sections/01-all.md".into(),
        format!("+++\ntitle = \"All\"\n+++\n{body}\n"),
    ));
    let files: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_bytes()))
        .collect();
    write_site(&files)
}

#[test]
fn maps_stay_laid_out_from_two_to_forty_parties_and_a_larger_one_says_what_it_shows() {
    for (parties, clauses) in [(2, 1), (12, 8), (40, 30)] {
        let site = generated(parties, clauses);
        let out = build_ok(site.path());
        let front = page(&out, "index.html");
        let (size, boxes) = picture(&front, "#deal-map");
        assert_eq!(select(&front, "#deal-map g.map-clause").len(), clauses);
        assert_laid_out(size, &boxes);
        let caption = text(&select(&front, "#deal-map figcaption")[0]);
        assert!(!caption.contains("most-mentioned"), "{caption}");
        let first = std::fs::read(out.join("index.html")).unwrap();
        let again = build_ok(site.path());
        assert_eq!(std::fs::read(again.join("index.html")).unwrap(), first);
    }
    let site = generated(90, 60);
    let out = build_ok(site.path());
    let front = page(&out, "index.html");
    let (size, boxes) = picture(&front, "#deal-map");
    assert_laid_out(size, &boxes);
    let drawn = select(&front, "#deal-map g.map-party").len();
    let shown = select(&front, "#deal-map g.map-clause").len();
    assert!(
        drawn <= 40 && shown <= 30 && shown > 0,
        "{drawn} parties, {shown} clauses"
    );
    let caption = text(&select(&front, "#deal-map figcaption")[0]);
    assert!(
        caption.contains(&format!("The {shown} most-mentioned of 60 clauses")),
        "{caption}"
    );
}
