//! The print edition: `print.html` as a document that stands on its own, and
//! `brief pdf` printing it through Chromium.
//!
//! PDF tests need Chromium, poppler-utils (pdftotext, pdfinfo, pdftoppm) and
//! qpdf. Without them they print a loud SKIPPED line and pass, except in CI
//! (`CI=true`), where a missing tool fails the test. Page images land in
//! `tests/artifacts/print/` for people to look at.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::support::*;

mod confined;
mod contents;
mod faults;
mod html;
mod layout;
mod pages;
mod refusals;
mod tools;
use tools::*;

/// Prints `page` of the shipped briefing to `tests/artifacts/print/NAME`.
fn print_shipped(name: &str, page: &str) -> PathBuf {
    let pdf = artifacts().join(name);
    let output = brief(
        &repo_root(),
        &[
            "pdf",
            "--quiet",
            "--page",
            page,
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    assert!(
        output.status.success(),
        "brief pdf failed: {}",
        stderr(&output)
    );
    assert!(std::fs::metadata(&pdf).unwrap().len() > 1000);
    pdf
}

/// The shipped briefing's PDF, printed once for all the tests that read it.
fn briefing_pdf() -> &'static Path {
    static PDF: OnceLock<PathBuf> = OnceLock::new();
    PDF.get_or_init(|| print_shipped("briefing.pdf", "print.html"))
}

/// Text with every run of whitespace made one space, and typographic
/// apostrophes made plain, so titles that wrap still match.
fn normalise(text: &str) -> String {
    text.replace(['\u{2019}', '\u{2018}'], "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs `brief pdf` on the site at `root`, writing `pdf`.
fn pdf_into(root: &std::path::Path, pdf: &std::path::Path) -> std::process::Output {
    brief(root, &["pdf", "--quiet", "--out", pdf.to_str().unwrap()])
}
