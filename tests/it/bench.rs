//! Keeps the benchmark from rotting: the corpus generator's site builds with
//! no warnings, and the floor program runs on it. No timings here; those live
//! in `bench/run.sh` and BENCHMARKS.md.

use std::process::Command;

use crate::support::*;

#[test]
fn the_benchmark_corpus_builds_cleanly_and_the_floor_runs() {
    let work = tempfile::tempdir().unwrap();
    let corpus = example("corpus");
    assert!(corpus.is_file(), "{} not built", corpus.display());
    let run = Command::new(&corpus)
        .arg("30")
        .arg(work.path())
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
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
