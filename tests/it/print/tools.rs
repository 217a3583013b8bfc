//! The PDF tools the print tests drive — pdftotext, pdfinfo, pdftoppm, qpdf —
//! and readers for what they output.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::normalise;
use crate::support::*;

/// Whether every tool the PDF tests drive is here. In CI a missing one fails
/// the test; elsewhere the test says loudly that it skipped.
pub fn tools_present(test: &str) -> bool {
    let browser = std::env::var_os("BRIEF_CHROMIUM").is_some()
        || [
            "chromium",
            "chromium-browser",
            "google-chrome",
            "google-chrome-stable",
            "chrome",
        ]
        .iter()
        .any(|c| runs(c, "--version"));
    let missing: Vec<&str> = [
        ("chromium", browser),
        ("pdftotext", runs("pdftotext", "-v")),
        ("pdfinfo", runs("pdfinfo", "-v")),
        ("pdftoppm", runs("pdftoppm", "-v")),
        ("qpdf", runs("qpdf", "--version")),
    ]
    .into_iter()
    .filter(|(_, ok)| !ok)
    .map(|(name, _)| name)
    .collect();
    if missing.is_empty() {
        return true;
    }
    let message = format!(
        "{test}: missing {} (apt-get install chromium poppler-utils qpdf)",
        missing.join(", ")
    );
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true and {message}"
    );
    // Written to the real stderr, past the test harness's capture, so the
    // skip shows in a normal `cargo test` run.
    let _ = writeln!(std::io::stderr(), "\n*** SKIPPED {message} ***\n");
    false
}

pub fn runs(program: &str, arg: &str) -> bool {
    Command::new(program).arg(arg).output().is_ok()
}

pub fn artifacts() -> PathBuf {
    let dir = repo_root().join("tests/artifacts/print");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn tool(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().unwrap();
    assert!(out.status.success(), "{program} {args:?}: {}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Writes each page of `pdf` as a PNG at 60 dpi, named `prefix-N.png`,
/// for people to look at.
pub fn page_images(pdf: &Path, prefix: &Path) {
    let (pdf, prefix) = (pdf.to_str().unwrap(), prefix.to_str().unwrap());
    tool("pdftoppm", &["-png", "-r", "60", pdf, prefix]);
}

pub fn page_count(pdf: &Path) -> usize {
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap()
}

/// Every outline entry, depth first: (title, 1-based page).
pub fn outline(pdf: &Path) -> Vec<(String, u64)> {
    let json = tool(
        "qpdf",
        &["--json", "--json-key=outlines", pdf.to_str().unwrap()],
    );
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut entries = Vec::new();
    let mut stack: Vec<&serde_json::Value> =
        value["outlines"].as_array().unwrap().iter().rev().collect();
    while let Some(item) = stack.pop() {
        entries.push((
            normalise(item["title"].as_str().unwrap_or("")),
            item["destpageposfrom1"].as_u64().unwrap_or(0),
        ));
        stack.extend(item["kids"].as_array().into_iter().flatten().rev());
    }
    entries
}

/// One word as `pdftotext -bbox` places it, in points from the top left.
pub struct Word {
    pub page: usize,
    pub page_width: f64,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub text: String,
}

/// Every word of the PDF with its box.
pub fn words(pdf: &Path) -> Vec<Word> {
    let xml = tool("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"]);
    let attr = |tag: &str, name: &str| -> f64 {
        let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[start..start + tag[start..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    let mut words = Vec::new();
    let (mut page, mut page_width) = (0, 0.0);
    for line in xml.lines().map(str::trim) {
        if line.starts_with("<page ") {
            page += 1;
            page_width = attr(line, "width");
        } else if line.starts_with("<word ") {
            let text =
                line[line.find('>').unwrap() + 1..line.rfind("</word>").unwrap()].to_string();
            words.push(Word {
                page,
                page_width,
                x0: attr(line, "xMin"),
                y0: attr(line, "yMin"),
                x1: attr(line, "xMax"),
                y1: attr(line, "yMax"),
                text,
            });
        }
    }
    words
}

/// Every word lies between the side margins (19 mm, with a hair for glyph
/// overhang): nothing runs off the page or into the margin.
pub fn assert_words_inside_margins(pdf: &Path) {
    const MARGIN: f64 = 19.0 * 72.0 / 25.4 - 3.0;
    for w in words(pdf) {
        assert!(
            w.x0 >= MARGIN && w.x1 <= w.page_width - MARGIN,
            "page {}: {:?} runs into the margin ({:.1}–{:.1} of {:.1} pt)",
            w.page,
            w.text,
            w.x0,
            w.x1,
            w.page_width
        );
    }
}

/// A grayscale page image read from pdftoppm's binary PGM output.
pub struct Gray {
    width: usize,
    height: usize,
    dpmm: f64,
    pixels: Vec<u8>,
}

impl Gray {
    pub fn read(path: &Path) -> Gray {
        let bytes = std::fs::read(path).unwrap();
        // Header: "P5", width, height, maxval, each followed by whitespace.
        let mut fields = Vec::new();
        let mut at = 0;
        while fields.len() < 4 {
            while bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            let start = at;
            while !bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
        }
        assert_eq!(fields[0], "P5");
        let (width, height): (usize, usize) =
            (fields[1].parse().unwrap(), fields[2].parse().unwrap());
        let pixels = bytes[at + 1..].to_vec();
        assert_eq!(pixels.len(), width * height);
        Gray {
            width,
            height,
            dpmm: 50.0 / 25.4,
            pixels,
        }
    }

    pub fn width_mm(&self) -> f64 {
        self.width as f64 / self.dpmm
    }

    pub fn height_mm(&self) -> f64 {
        self.height as f64 / self.dpmm
    }

    /// Dark pixels inside a rectangle given in millimetres.
    pub fn ink(&self, x0: f64, y0: f64, x1: f64, y1: f64) -> usize {
        let px = |mm: f64, max: usize| ((mm * self.dpmm).round().max(0.0) as usize).min(max);
        let (x0, x1, y0, y1) = (
            px(x0, self.width),
            px(x1, self.width),
            px(y0, self.height),
            px(y1, self.height),
        );
        (y0..y1)
            .map(|y| {
                (x0..x1)
                    .filter(|&x| self.pixels[y * self.width + x] < 160)
                    .count()
            })
            .sum()
    }
}
