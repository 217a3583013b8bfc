//! Verification that lasts from one build to the next, for `brief serve`:
//! each page's ids and links are kept, so a build scans again only the pages
//! whose bytes changed, then checks every link as a full verification does.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use super::{
    Miss, PieceScan, Scan, check_link, is_external, is_html, join_pieces, percent_decode, resolve,
    scan_bytes,
};

/// The output of the last build as verification saw it: its paths, each
/// page's scan, and each page's misses and the files its links point at.
#[derive(Default)]
pub struct Pages {
    scans: HashMap<String, Scan>,
    paths: BTreeSet<String>,
    checked: HashMap<String, Checked>,
}

/// One page's ids and links, scanned as soon as the page is rendered.
pub struct Scanned(Scan);

impl Scanned {
    /// The [`super::id_hash`]es of the page's ids, sorted, each once.
    pub fn ids(&self) -> Vec<u64> {
        let mut ids: Vec<u64> = self.0.ids.iter().copied().collect();
        ids.sort_unstable();
        ids
    }
}

/// Scans a page's bytes for [`Pages::update`]; None for a file that is not
/// a page.
pub fn scan_page(path: &str, bytes: &[u8]) -> Option<Scanned> {
    is_html(path).then(|| Scanned(scan_bytes(bytes)))
}

/// [`scan_page`] for a page given in pieces (see `Sink::put_batches`), from
/// the scan of each piece ([`super::scan_piece`]).
pub fn scan_page_pieces(path: &str, pieces: &[Arc<PieceScan>]) -> Option<Scanned> {
    is_html(path).then(|| Scanned(join_pieces(pieces.iter().map(Arc::as_ref))))
}

/// What checking one page's links found.
struct Checked {
    misses: Vec<Miss>,
    /// The files the page's links point at, whose ids the result depends on.
    linked: HashSet<String>,
}

impl Pages {
    /// Makes `paths` the site's files and takes the `scanned` pages: every
    /// HTML page that is new or whose bytes differ from the last build's.
    /// Then checks the links again of every page whose result could differ:
    /// all of them when a file came or went, otherwise the changed pages and
    /// those linking to a page whose ids changed.
    pub fn update<'a>(
        &mut self,
        paths: impl Iterator<Item = &'a str>,
        scanned: Vec<(String, Scanned)>,
    ) {
        let paths: BTreeSet<String> = paths.map(str::to_string).collect();
        let same_files = paths == self.paths;
        self.paths = paths;
        let scanned = (scanned.into_iter()).map(|(path, Scanned(scan))| (path, scan));
        let mut recheck: HashSet<String> = HashSet::new();
        let mut new_ids: HashSet<String> = HashSet::new();
        for (path, scan) in scanned {
            if self.scans.get(&path).is_none_or(|old| old.ids != scan.ids) {
                new_ids.insert(path.clone());
            }
            recheck.insert(path.clone());
            self.scans.insert(path, scan);
        }
        let paths = &self.paths;
        self.scans.retain(|path, _| paths.contains(path));
        self.checked.retain(|path, _| paths.contains(path));
        if !same_files {
            recheck.extend(self.scans.keys().cloned());
        } else if !new_ids.is_empty() {
            let linking = self
                .checked
                .iter()
                .filter(|(_, c)| c.linked.iter().any(|f| new_ids.contains(f)))
                .map(|(page, _)| page.clone());
            recheck.extend(linking.collect::<Vec<_>>());
        }
        let (scans, paths) = (&self.scans, &self.paths);
        let checked: Vec<(String, Checked)> = recheck
            .into_par_iter()
            .filter_map(|page| {
                let checked = check_page(&page, scans.get(&page)?, scans, paths);
                Some((page, checked))
            })
            .collect();
        self.checked.extend(checked);
    }

    /// Every miss in the site, sorted by page and line: the same list a full
    /// verification of the same files gives.
    pub fn misses(&self) -> Vec<Miss> {
        let mut misses: Vec<Miss> = (self.checked.values())
            .flat_map(|c| c.misses.iter().cloned())
            .collect();
        misses.sort();
        misses
    }
}

/// Checks every link of one page, as a full verification does.
fn check_page(
    page: &str,
    scan: &Scan,
    scans: &HashMap<String, Scan>,
    paths: &BTreeSet<String>,
) -> Checked {
    let mut checked = Checked {
        misses: Vec::new(),
        linked: HashSet::new(),
    };
    let has_id = |file: &str, id: u64| scans.get(file).map(|scan| scan.ids.contains(&id));
    for (line, target) in &scan.links {
        if let Some(problem) = check_link(page, target, &has_id, paths) {
            checked.misses.push(Miss {
                page: page.to_string(),
                line: *line,
                target: target.to_string(),
                problem,
            });
        }
        if let Some(file) = linked_file(page, target) {
            checked.linked.insert(file);
        }
    }
    checked
}

/// The file whose ids decide whether `target` on `page` resolves, if any:
/// the file part of the link, or the page itself for a bare `#fragment`.
fn linked_file(page: &str, target: &str) -> Option<String> {
    let target = target.trim();
    if is_external(target) || target.starts_with('/') {
        return None;
    }
    let (rest, _) = target.split_once('#')?;
    let path = rest.split_once('?').map_or(rest, |(p, _)| p);
    if path.is_empty() {
        return Some(page.to_string());
    }
    resolve(page, &percent_decode(path))
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

    fn scans(files: &[(&str, &str)]) -> Vec<(String, Scanned)> {
        (files.iter())
            .filter_map(|(path, html)| Some((path.to_string(), scan_page(path, html.as_bytes())?)))
            .collect()
    }

    #[test]
    fn rescanning_changed_pages_finds_what_a_full_check_finds() {
        let mut pages = Pages::default();
        let first = [
            ("index.html", "<a href=\"a.html#x\">a</a>"),
            ("a.html", "<p id=\"x\">x</p>"),
        ];
        pages.update(first.iter().map(|(p, _)| *p), scans(&first));
        assert!(pages.misses().is_empty());
        // a.html loses its id: index.html, unchanged, now misses.
        let second = [
            ("index.html", "<a href=\"a.html#x\">a</a>"),
            ("a.html", "<p id=\"y\">x</p>"),
        ];
        pages.update(second.iter().map(|(p, _)| *p), scans(&second[1..]));
        assert_eq!(pages.misses(), full(&second));
        assert_eq!(pages.misses().len(), 1);
        // a.html gets its id back, and index.html, unchanged, is checked again.
        pages.update(first.iter().map(|(p, _)| *p), scans(&first[1..]));
        assert!(pages.misses().is_empty());
        // a.html is gone.
        let third = [("index.html", "<a href=\"a.html#x\">a</a>")];
        pages.update(third.iter().map(|(p, _)| *p), Vec::new());
        assert_eq!(pages.misses(), full(&third));
    }
}
