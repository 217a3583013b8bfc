//! Tests of the link check as a whole: pages in, misses out, whether pages
//! come whole, in pieces, or through a [`ScanCache`] across builds.

use super::*;
use crate::sink::OutFile;
use std::collections::BTreeMap;

/// Every miss in the rendered files and static files, sorted by page and
/// line.
fn check(files: &[OutFile], statics: &BTreeMap<String, Vec<u8>>) -> Vec<Miss> {
    let collector = Collector::default();
    // A rendered page replaces a static file of the same path, as on disk.
    for (path, bytes) in statics {
        collector.add(path, &Arc::new(bytes.clone()));
    }
    for file in files {
        collector.add(&file.path, &file.bytes);
    }
    collector.finish()
}

fn bytes(html: &str) -> Arc<Vec<u8>> {
    Arc::new(html.as_bytes().to_vec())
}

fn page(path: &str, html: &str) -> OutFile {
    OutFile {
        path: path.into(),
        bytes: html.as_bytes().to_vec().into(),
    }
}

fn problems(files: &[OutFile]) -> Vec<(String, String, Problem)> {
    check(files, &BTreeMap::new())
        .into_iter()
        .map(|m| (m.page, m.target, m.problem))
        .collect()
}

#[test]
fn a_page_in_pieces_is_checked_as_the_whole_page() {
    let parts = [
        "<!DOCTYPE html>\n<p id=\"top\"><a href=\"#top\">up</a>\n",
        "<a href=\"missing.html\">gone</a>\n<a href=\"#nowhere\">x</a>\n",
        "<a href=\"missing.html\">again</a>\n<h2 id=\"nowhere\">late</h2>\n<img src=\"gone.png\">\n",
    ];
    let whole = Collector::default();
    whole.add("print.html", &bytes(&parts.concat()));
    let whole = whole.finish();
    let in_pieces = |cache: Option<&ScanCache>| {
        let pieces = Collector::new(cache);
        let mut scan = pieces.start("print.html");
        parts.iter().for_each(|part| scan.feed(&bytes(part)));
        pieces.end(scan);
        pieces.finish()
    };
    assert_eq!(whole, in_pieces(None));
    // Each piece scanned on its own and kept, then taken from the cache.
    let cache = ScanCache::default();
    assert_eq!(whole, in_pieces(Some(&cache)));
    assert_eq!(lock(&cache.0).last.len(), parts.len());
    assert_eq!(whole, in_pieces(Some(&cache)));
    let lines: Vec<u64> = whole.iter().map(|m| m.line).collect();
    assert_eq!(lines, [3, 7], "{whole:?}");
}

#[test]
fn a_file_in_pieces_that_is_not_a_page_is_only_noted() {
    let collector = Collector::default();
    let mut scan = collector.start("graph.json");
    scan.feed(&bytes("{\"href\": \"<a href='nowhere.html'>\"}"));
    collector.end(scan);
    collector.add("index.html", &bytes("<a href=\"graph.json#x\">"));
    assert_eq!(collector.paths(), ["graph.json", "index.html"]);
    assert_eq!(collector.finish(), []);
}

#[test]
fn a_page_added_again_replaces_the_first() {
    let collector = Collector::default();
    collector.add("index.html", &bytes("<a href=\"gone.html\"><p id=\"old\">"));
    collector.add("index.html", &bytes("<p id=\"new\"><a href=\"#new\">"));
    collector.add("a.html", &bytes("<a href=\"index.html#old\">"));
    let targets: Vec<String> = collector.finish().into_iter().map(|m| m.target).collect();
    assert_eq!(targets, ["index.html#old"]);
}

#[test]
fn good_links_and_anchors_pass() {
    let files = [
        page(
            "index.html",
            "<a href=\"parties/a.html#m-1\">a</a><a href=\"#top\">t</a><a href=\"https://x.org/\">x</a>",
        ),
        page(
            "parties/a.html",
            "<p id=\"m-1\"><a href=\"../index.html\">home</a><img src=\"../b%20c.png\"></p>",
        ),
        page("b c.png", ""),
    ];
    assert_eq!(problems(&files), []);
}

#[test]
fn misses_are_reported_with_their_problem() {
    let files = [
        page(
            "index.html",
            "<a href=\"parties/b.html\">\n<a href=\"parties/a.html#nope\"><a href=\"/abs.html\"><a href=\"parties/\"><a href=\"parties\">",
        ),
        page(
            "parties/a.html",
            "<a href=\"../../up.html\"><a href=\"../\">",
        ),
    ];
    let found = problems(&files);
    let expected = [
        (
            "index.html",
            "parties/b.html",
            Problem::NoFile("parties/b.html".into()),
        ),
        (
            "index.html",
            "parties/a.html#nope",
            Problem::NoAnchor {
                file: "parties/a.html".into(),
                anchor: "nope".into(),
            },
        ),
        ("index.html", "/abs.html", Problem::RootAbsolute),
        ("index.html", "parties/", Problem::Folder("parties/".into())),
        ("index.html", "parties", Problem::Folder("parties/".into())),
        ("parties/a.html", "../../up.html", Problem::LeavesSite),
        ("parties/a.html", "../", Problem::Folder(String::new())),
    ];
    for (page, target, problem) in &expected {
        assert!(
            found.contains(&((*page).into(), (*target).into(), problem.clone())),
            "{page} {target} {problem}: {found:?}"
        );
    }
    assert_eq!(found.len(), expected.len(), "{found:?}");
    assert_eq!(check(&files, &BTreeMap::new())[0].line, 1);
}

#[test]
fn one_link_text_on_several_pages_is_checked_from_each() {
    let files = [
        page("index.html", "<a href=\"a.html#x\">\n<a href=\"a.html\">"),
        page("sub/p.html", "<a href=\"a.html#x\">"),
        page("a.html", "<p id=\"x\">"),
        page("sub/a.html", "<p id=\"y\">"),
    ];
    assert_eq!(
        check(&files, &BTreeMap::new()),
        [Miss {
            page: "sub/p.html".into(),
            line: 1,
            target: "a.html#x".into(),
            problem: Problem::NoAnchor {
                file: "sub/a.html".into(),
                anchor: "x".into()
            },
        }]
    );
}

#[test]
fn links_into_their_own_page_are_checked_on_each_page_of_a_folder() {
    // The same text, `#x` or `?q#x`, finds a different place on each
    // page, while `../gone.html` misses alike from every page of `s/`.
    let files = [
        page("s/a.html", "<p id=\"x\"><a href=\"#x\"><a href=\"?q#x\">"),
        page("s/b.html", "<p id=\"y\"><a href=\"#x\">\n<a href=\"?q#x\">"),
        page("s/c.html", "<a href=\"../gone.html\">"),
        page("s/d.html", "\n\n<a href=\"../gone.html\">"),
    ];
    let found: Vec<(String, u64, String)> = check(&files, &BTreeMap::new())
        .into_iter()
        .map(|m| (m.page, m.line, m.problem.to_string()))
        .collect();
    let no_x = "`s/b.html` has no element with id `x`".to_string();
    let gone = "the site has no file `gone.html`".to_string();
    assert_eq!(
        found,
        [
            ("s/b.html".to_string(), 1, no_x.clone()),
            ("s/b.html".to_string(), 2, no_x),
            ("s/c.html".to_string(), 1, gone.clone()),
            ("s/d.html".to_string(), 3, gone),
        ]
    );
}

#[test]
fn a_static_file_is_a_target_and_a_fragment_into_it_is_not_checked() {
    let statics = BTreeMap::from([("logo.svg".to_string(), b"<svg/>".to_vec())]);
    let files = [page("index.html", "<img src=\"logo.svg#part\">")];
    assert_eq!(check(&files, &statics), []);
}

#[test]
fn script_text_is_not_markup() {
    let files = [page(
        "index.html",
        "<script>let s = '<a href=\"nope.html\">';</script>",
    )];
    assert_eq!(problems(&files), []);
}

#[test]
fn schemes_are_external() {
    for t in [
        "https://x",
        "mailto:a@b",
        "data:image/png;base64,xx",
        "//cdn.example/x.js",
        "tel:+1",
    ] {
        assert!(is_external(t), "{t}");
    }
    for t in ["a.html", "a/b:c.html", "#x", "?q"] {
        assert!(!is_external(t), "{t}");
    }
}

/// One build through a collector with `cache`.
fn build(cache: &ScanCache, files: &[(&str, &str)]) -> Vec<Miss> {
    let collector = Collector::new(Some(cache));
    for (path, html) in files {
        collector.add(path, &bytes(html));
    }
    collector.finish()
}

fn full(files: &[(&str, &str)]) -> Vec<Miss> {
    let files: Vec<OutFile> = files.iter().map(|(path, html)| page(path, html)).collect();
    check(&files, &BTreeMap::new())
}

#[test]
fn builds_through_a_scan_cache_find_what_full_checks_find() {
    let cache = ScanCache::default();
    let first = [
        ("index.html", "<a href=\"a.html#x\">a</a>"),
        ("a.html", "<p id=\"x\">x</p>"),
    ];
    assert_eq!(build(&cache, &first), []);
    // a.html loses its id: index.html, unchanged, now misses.
    let second = [first[0], ("a.html", "<p id=\"y\">x</p>")];
    assert_eq!(build(&cache, &second), full(&second));
    assert_eq!(build(&cache, &second).len(), 1);
    // a.html gets its id back.
    assert_eq!(build(&cache, &first), []);
    // a.html is gone.
    let third = [first[0]];
    assert_eq!(build(&cache, &third), full(&third));
}

#[test]
fn where_a_link_points_is_kept_by_its_folder_and_text() {
    let cache = ScanCache::default();
    let files = [
        ("index.html", "<a href=\"a.html\">a</a>"),
        (
            "sub/b.html",
            "<a href=\"a.html\">a</a><a href=\"../a.html\">a</a>",
        ),
        ("a.html", "<p>a</p>"),
    ];
    // The same text points at a.html from the root and at sub/a.html from sub/.
    let misses = build(&cache, &files);
    assert_eq!(misses, full(&files));
    assert_eq!(misses.len(), 1);
    assert_eq!(misses[0].problem, Problem::NoFile("sub/a.html".into()));
    let kept = |folder: &str, target: &str| {
        let generations = lock(&cache.0);
        let destination = generations.destinations.get(folder)?.get(target)?.clone();
        destination.ok()?.map(|(file, _)| file)
    };
    assert_eq!(kept("", "a.html").as_deref(), Some("a.html"));
    assert_eq!(kept("sub", "a.html").as_deref(), Some("sub/a.html"));
    assert_eq!(kept("sub", "../a.html").as_deref(), Some("a.html"));
    // Taken from the cache, the destinations still meet the files as they are now.
    let without_a = &files[..2];
    assert_eq!(build(&cache, without_a), full(without_a));
    assert_eq!(build(&cache, without_a).len(), 3);
}

#[test]
fn a_scan_cache_keeps_what_the_last_build_used_and_nothing_else() {
    let cache = ScanCache::default();
    let kept = |cache: &ScanCache| lock(&cache.0).last.len();
    build(
        &cache,
        &[("a.html", "<p id=\"a\">"), ("b.html", "<p id=\"b\">")],
    );
    assert_eq!(kept(&cache), 2);
    let scan_of_a = |cache: &ScanCache| {
        let digest = xxhash_rust::xxh3::xxh3_128(b"<p id=\"a\">");
        lock(&cache.0).last.get(&digest).cloned()
    };
    let before = scan_of_a(&cache).expect("a.html was scanned");
    build(
        &cache,
        &[("a.html", "<p id=\"a\">"), ("c.html", "<p id=\"c\">")],
    );
    let after = scan_of_a(&cache).expect("a.html is kept");
    assert!(
        Arc::ptr_eq(&before, &after),
        "an unchanged page is not scanned again"
    );
    assert_eq!(kept(&cache), 2, "b.html's scan is dropped");
    // Identical pages share one scan.
    build(&cache, &[("a.html", "<p>"), ("b.html", "<p>")]);
    assert_eq!(kept(&cache), 1);
}

#[test]
fn a_page_handed_on_as_the_same_bytes_keeps_its_scan() {
    let cache = ScanCache::default();
    let index = bytes("<a href=\"a.html#x\">a</a>");
    let build = |files: &[(&str, &Arc<Vec<u8>>)]| {
        let collector = Collector::new(Some(&cache));
        for (path, bytes) in files {
            collector.add(path, bytes);
        }
        collector.finish()
    };
    let a = bytes("<p id=\"x\">x</p>");
    assert_eq!(build(&[("index.html", &index), ("a.html", &a)]), []);
    let kept = |bytes: &Arc<Vec<u8>>| {
        lock(&cache.0)
            .last_held
            .get(&(Arc::as_ptr(bytes) as usize))
            .map(|(b, s)| (b.clone(), s.clone()))
    };
    let (first_bytes, first_scan) = kept(&index).expect("index.html is kept");
    assert!(Arc::ptr_eq(&first_bytes, &index));
    // The same bytes again: the same scan. New bytes for a.html: scanned.
    let a = bytes("<p id=\"y\">x</p>");
    let misses = build(&[("index.html", &index), ("a.html", &a)]);
    assert_eq!(
        misses,
        full(&[
            ("index.html", "<a href=\"a.html#x\">a</a>"),
            ("a.html", "<p id=\"y\">x</p>")
        ])
    );
    assert_eq!(misses.len(), 1);
    let (_, second_scan) = kept(&index).expect("index.html is kept");
    assert!(Arc::ptr_eq(&first_scan, &second_scan));
    assert!(Arc::ptr_eq(&kept(&a).expect("a.html is kept").0, &a));
}

#[test]
fn a_piece_handed_on_as_the_same_bytes_keeps_its_scan() {
    let cache = ScanCache::default();
    let pieces = [bytes("<p id=\"x\">\n"), bytes("<a href=\"#y\">y</a>")];
    let build = || {
        let collector = Collector::new(Some(&cache));
        let mut page = collector.start("print.html");
        pieces.iter().for_each(|piece| page.feed(piece));
        collector.end(page);
        collector.finish()
    };
    let first = build();
    assert_eq!(first.len(), 1, "#y misses: {first:?}");
    assert_eq!(first[0].line, 2);
    let held = |piece: &Arc<Vec<u8>>| {
        let generations = lock(&cache.0);
        let (_, scanned) = generations.last_held.get(&(Arc::as_ptr(piece) as usize))?;
        Some(Arc::clone(scanned))
    };
    let before = held(&pieces[1]).expect("the piece is kept with its scan");
    assert_eq!(build(), first);
    let after = held(&pieces[1]).expect("the piece is kept again");
    assert!(
        Arc::ptr_eq(&before, &after),
        "the same bytes are not scanned again"
    );
    // Found by their address, not by a digest of their bytes.
    assert!(lock(&cache.0).last.is_empty());
}
