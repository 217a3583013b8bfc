//! Verification that lasts from one build to the next, for `brief serve`:
//! each page's ids and links are kept, so a build scans again only the pages
//! whose bytes changed, then checks every link as a full verification does.

use std::collections::{BTreeSet, HashMap};

use rayon::prelude::*;

use super::{Miss, Scan, is_html, scan, verify_scans};

/// The output paths of the last build and the scans of its pages.
#[derive(Default)]
pub struct Pages {
    scans: HashMap<String, Scan>,
    paths: BTreeSet<String>,
}

impl Pages {
    /// Makes `paths` the site's files and scans the pages in `changed`
    /// (path and bytes): every page that is new or whose bytes differ from
    /// the last build's. Pages not in `paths` are forgotten.
    pub fn update<'a>(
        &mut self,
        paths: impl Iterator<Item = &'a str>,
        changed: impl Iterator<Item = (&'a str, &'a [u8])>,
    ) {
        self.paths = paths.map(str::to_string).collect();
        let changed: Vec<(&str, &[u8])> = changed.filter(|(path, _)| is_html(path)).collect();
        let scanned: Vec<(String, Scan)> = changed
            .into_par_iter()
            .map(|(path, bytes)| (path.to_string(), scan(&String::from_utf8_lossy(bytes))))
            .collect();
        self.scans.extend(scanned);
        let paths = &self.paths;
        self.scans.retain(|path, _| paths.contains(path));
    }

    /// Every miss in the site, sorted by page and line: the same list a full
    /// verification of the same files gives.
    pub fn misses(&self) -> Vec<Miss> {
        verify_scans(&self.scans, &self.paths)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::OutFile;

    fn full(files: &[(&str, &str)]) -> Vec<Miss> {
        let files: Vec<OutFile> = files
            .iter()
            .map(|(path, html)| OutFile {
                path: path.to_string(),
                bytes: html.as_bytes().to_vec(),
            })
            .collect();
        super::super::verify(&files, &Default::default())
    }

    #[test]
    fn rescanning_changed_pages_finds_what_a_full_check_finds() {
        let mut pages = Pages::default();
        let first = [
            ("index.html", "<a href=\"a.html#x\">a</a>"),
            ("a.html", "<p id=\"x\">x</p>"),
        ];
        pages.update(
            first.iter().map(|(p, _)| *p),
            first.iter().map(|(p, h)| (*p, h.as_bytes())),
        );
        assert!(pages.misses().is_empty());
        // a.html loses its id: index.html, unchanged, now misses.
        let second = [
            ("index.html", "<a href=\"a.html#x\">a</a>"),
            ("a.html", "<p id=\"y\">x</p>"),
        ];
        pages.update(
            second.iter().map(|(p, _)| *p),
            std::iter::once(("a.html", second[1].1.as_bytes())),
        );
        assert_eq!(pages.misses(), full(&second));
        assert_eq!(pages.misses().len(), 1);
        // a.html is gone.
        let third = [("index.html", "<a href=\"a.html#x\">a</a>")];
        pages.update(third.iter().map(|(p, _)| *p), std::iter::empty());
        assert_eq!(pages.misses(), full(&third));
    }
}
