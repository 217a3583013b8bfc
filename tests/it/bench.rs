//! Keeps the benchmark from rotting: the corpus generator's site builds with
//! no warnings, and the floor program runs on it. No timings here; those live
//! in `bench/run.sh` and BENCHMARKS.md.

use std::process::Command;

use crate::support::*;

#[test]
fn the_benchmark_corpus_builds_cleanly_and_the_floor_runs() {
    let work = corpus(30);
    for flavour in ["brief", "hugo", "mdbook"] {
        assert!(
            work.path().join(flavour).is_dir(),
            "{flavour} corpus missing"
        );
    }
    let site = work.path().join("brief");
    let out = brief(&site, &["build", "--quiet", "--deny-warnings"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = page(&site.join("public"), "sections/s0.html");
    assert!(!select(&html, "main a.ref").is_empty());
    let floor = Command::new(example("floor"))
        .arg(site.join("content"))
        .arg(work.path().join("floor"))
        .output()
        .unwrap();
    assert!(
        floor.status.success(),
        "{}",
        String::from_utf8_lossy(&floor.stderr)
    );
    assert!(work.path().join("floor/sections/00000-s0.html").is_file());
}

/// The render comparison (`bench/render.sh`) runs on what it measures: the
/// corpus's section bodies one after another, through bare pulldown-cmark
/// and through `brief render` with no site, each footnote label made unique.
#[test]
fn the_render_comparison_renders_the_corpus_text_both_ways() {
    let work = corpus(30);
    let sections = work.path().join("brief/content/sections");
    let mut names: Vec<_> = std::fs::read_dir(&sections)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let text: String = names
        .iter()
        .enumerate()
        .map(|(i, path)| {
            let source = std::fs::read_to_string(path).unwrap();
            let body = source.splitn(3, "+++").nth(2).unwrap().to_string();
            body.replace("[^", &format!("[^s{i}-"))
        })
        .collect::<Vec<_>>()
        .join("\n");
    let input = work.path().join("big.md");
    std::fs::write(&input, &text).unwrap();
    let empty = tempfile::tempdir().unwrap();
    let bare = Command::new(example("markdown"))
        .stdin(std::fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    assert!(bare.status.success());
    let rendered = brief(empty.path(), &["render", input.to_str().unwrap()]);
    assert!(rendered.status.success(), "{}", stderr(&rendered));
    let bare = scraper::Html::parse_fragment(&String::from_utf8(bare.stdout).unwrap());
    let html = scraper::Html::parse_fragment(&String::from_utf8(rendered.stdout).unwrap());
    // Every section's note is numbered, called once and listed for print;
    // every heading is there both ways, with an id in brief's; every
    // section's five section references are links.
    let notes = names.len();
    assert_eq!(select(&html, "label.sidenote-ref").len(), notes);
    assert_eq!(select(&html, "aside.endnotes li").len(), notes);
    assert_eq!(select(&bare, "h2").len(), select(&html, "h2[id]").len());
    assert!(!select(&bare, "h2").is_empty());
    assert!(select(&html, "a.ref.ref-section").len() >= 5 * notes);
}
