//! The same sources build to the same bytes, and `brief check` renders and
//! verifies a site without writing to its folder.

use std::path::Path;

use super::build_repo_briefing;
use crate::support::*;

fn tree(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect();
    all.sort();
    all
}

#[test]
fn the_shipped_briefing_builds_byte_identically_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    build_repo_briefing(&a, &[]);
    build_repo_briefing(&b, &[]);
    let (a, b) = (tree(&a), tree(&b));
    assert!(a.len() > 50, "{} files", a.len());
    assert!(a == b, "two builds of the same sources differ");
}

#[test]
fn check_renders_and_verifies_but_writes_nothing() {
    let site = site("build/basic");
    let before = tree(site.path());
    let run = brief(site.path(), &["check", "--deny-warnings"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("every link resolves"),
        "{}",
        stderr(&run)
    );
    assert!(tree(site.path()) == before, "check changed the site folder");
}
