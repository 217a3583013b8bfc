//! Keeps the benchmark from rotting: the corpus generator's site builds with
//! no warnings, and the floor program runs on it. No timings here; those live
//! in `bench/run.sh` and BENCHMARKS.md.

use std::path::PathBuf;
use std::process::Command;

use crate::support::*;

/// An example program next to the binary under test. A full `cargo test`
/// builds examples; a filtered run (`--test it`) may not, so build it then.
fn example(name: &str) -> PathBuf {
    let brief = PathBuf::from(env!("CARGO_BIN_EXE_brief"));
    let path = brief
        .parent()
        .expect("target folder")
        .join("examples")
        .join(name);
    if !path.is_file() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let built = Command::new(cargo)
            .args(["build", "--example", name])
            .current_dir(repo_root())
            .status()
            .unwrap();
        assert!(built.success(), "cannot build example {name}");
    }
    path
}

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
