//! The default theme in a real browser: builds the shipped briefing and runs
//! `tests/browser/check.mjs` on it in headless Chromium (axe-core in light and
//! dark, the Nu HTML checker, layout at 390 and 1280 px with screenshots in
//! `tests/artifacts/`, previews, sidenotes, search, pages without JavaScript,
//! no request leaving the page's origin).
//!
//! Chromium, Java and the Node packages are not Rust dependencies. When one is
//! missing the test says so loudly on stderr and passes, so `cargo test` works
//! on a bare machine; with `CI=true` a missing tool fails it instead.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::support::*;

const INSTALL: &str =
    "apt-get install -y chromium openjdk-17-jre-headless && npm ci --prefix tests/browser";

fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

fn runs(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The tools the checks need that this machine lacks.
fn missing_tools(browser_dir: &Path) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if !runs("node", "--version") {
        missing.push("node");
    }
    if !runs("java", "-version") {
        missing.push("java");
    }
    if !chromium().is_file() {
        missing.push("chromium");
    }
    for package in ["playwright-core", "axe-core", "vnu-jar"] {
        if !browser_dir.join("node_modules").join(package).is_dir() {
            missing.push(package);
        }
    }
    missing
}

/// Whether the browser tools are here; a loud skip when they are not,
/// and a failure in CI.
fn tools_here(browser_dir: &Path) -> bool {
    let missing = missing_tools(browser_dir);
    if !missing.is_empty() {
        let message = format!(
            "browser checks need {} (install: {INSTALL})",
            missing.join(", ")
        );
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(!ci, "{message}; CI=true, so a missing tool is a failure");
        eprintln!("\n=== SKIPPED: {message} ===\n");
    }
    missing.is_empty()
}

/// The markup brief gives alerts, definition lists, task lists and code
/// languages, on a page and in print, is valid HTML to the Nu checker (the
/// shipped briefing, checked in full below, has only an alert).
#[test]
fn markdown_conventions_pass_the_nu_checker() {
    let browser_dir = repo_root().join("tests/browser");
    if !tools_here(&browser_dir) {
        return;
    }
    let site = crate::conventions::site();
    let out = build_ok(site.path());
    let vnu = browser_dir.join("node_modules/vnu-jar/build/dist/vnu.jar");
    let run = Command::new("java")
        .arg("-jar")
        .arg(vnu)
        .args(["--errors-only", "--stdout"])
        .args(["sections/terms.html", "print.html"].map(|p| out.join(p)))
        .output()
        .expect("java runs");
    assert!(
        run.status.success(),
        "Nu checker errors:\n{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
}

#[test]
fn the_shipped_briefing_passes_the_browser_checks() {
    let browser_dir = repo_root().join("tests/browser");
    if !tools_here(&browser_dir) {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let site = tmp.path().join("public");
    build_shipped(&site);
    let run = Command::new("node")
        .arg(browser_dir.join("check.mjs"))
        .arg(&site)
        .current_dir(&browser_dir)
        .env("CHROMIUM", chromium())
        .output()
        .expect("node runs");
    let report = String::from_utf8_lossy(&run.stdout);
    eprintln!(
        "{}",
        report
            .lines()
            .filter(|l| !l.starts_with("ok "))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        run.status.success(),
        "browser checks failed:\n{report}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
}
