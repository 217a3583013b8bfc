//! What `brief pdf` refuses, with a message and no PDF: running without a
//! working Chromium (exit 2 and a one-line install hint), a page that is not in
//! the site, and a briefing with mistakes.

use std::process::Command;

use super::pdf_into;
use super::tools::tools_present;
use crate::support::*;

fn assert_install_hint(output: &std::process::Output) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(
        err.contains("no Chromium found") && err.contains("apt-get install chromium"),
        "{err}"
    );
}

#[test]
fn pdf_with_a_broken_brief_chromium_exits_2_with_the_install_hint() {
    let tmp = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["pdf", "--root", repo_root().to_str().unwrap(), "--out"])
        .arg(tmp.path().join("x.pdf"))
        .env("BRIEF_CHROMIUM", "/nonexistent/chromium")
        .output()
        .unwrap();
    assert_install_hint(&output);
    assert!(stderr(&output).contains("BRIEF_CHROMIUM=/nonexistent/chromium"));
    assert!(!tmp.path().join("x.pdf").exists());
}

#[test]
fn pdf_without_chromium_on_path_exits_2_with_the_install_hint() {
    let tmp = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["pdf", "--root", repo_root().to_str().unwrap(), "--out"])
        .arg(tmp.path().join("x.pdf"))
        .env_remove("BRIEF_CHROMIUM")
        .env("PATH", tmp.path())
        .output()
        .unwrap();
    assert_install_hint(&output);
    assert!(!tmp.path().join("x.pdf").exists());
}

#[test]
fn pdf_of_a_briefing_with_mistakes_reports_them_and_writes_nothing() {
    if !tools_present("pdf_of_a_briefing_with_mistakes_reports_them_and_writes_nothing") {
        return;
    }
    let site = site("errors/bad-enum");
    let pdf = site.path().join("x.pdf");
    let output = pdf_into(site.path(), &pdf);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("error"), "{}", stderr(&output));
    assert!(!pdf.exists());
}

#[test]
fn pdf_refuses_a_page_outside_the_site() {
    let tmp = tempfile::tempdir().unwrap();
    for page in ["../../etc/passwd", "/etc/hosts.html", "missing.html"] {
        let output = Command::new(env!("CARGO_BIN_EXE_brief"))
            .args([
                "pdf",
                "--root",
                repo_root().to_str().unwrap(),
                "--page",
                page,
                "--out",
            ])
            .arg(tmp.path().join("x.pdf"))
            .env("BRIEF_CHROMIUM", "/nonexistent/chromium")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{page}");
        if page != "missing.html" {
            assert!(
                stderr(&output).contains("has no page"),
                "{page}: {}",
                stderr(&output)
            );
        }
    }
}
