//! Verifies the rendered site itself, before anything is written: every
//! internal `href`/`src`/`srcset` a page holds must name a file of the
//! output, and every `#fragment` an `id` on the page it points at.
//!
//! One policy for every page of every site: each HTML page the build makes
//! is scanned in full ([`html`]) as it streams past, and once all are in,
//! every link is checked against the files and ids the site has. Links with
//! a scheme (`https:`, `mailto:`, `data:`) and protocol-relative ones are
//! external and not followed; root-absolute links (`/x.html`) and links to
//! folders are misses, since they break under a subpath and from `file://`.
//!
//! Finding a miss is all this module does. Tracing a miss back to the
//! Markdown link that made it is the job of [`locate`](locate::locate), and
//! what a build does with the misses is the caller's.

mod html;
mod locate;
mod paths;

pub use locate::{SourceDoc, locate};
pub use paths::{percent_decode, resolve};

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Bound;
use std::sync::{Arc, Mutex, MutexGuard};

use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::annotate::is_external;
use crate::render::OutFile;
use html::{Found, id_hash};
use paths::{folder_of, points_into_itself};

/// One internal link of the output that points at nothing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Miss {
    /// The page holding the link, relative to the output root.
    pub page: String,
    /// 1-based line of the link in the rendered page.
    pub line: u64,
    /// The link exactly as the page has it.
    pub target: String,
    pub problem: Problem,
}

/// Why a link misses.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Problem {
    /// No output file at this path.
    NoFile(String),
    /// The file exists but has no element with this id.
    NoAnchor { file: String, anchor: String },
    /// A folder, which only a web server turns into its `index.html`.
    Folder(String),
    /// `..` climbs above the output root.
    LeavesSite,
    /// Starts with `/`: right only at a domain root, never from `file://`.
    RootAbsolute,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NoFile(path) => write!(f, "the site has no file `{path}`"),
            Problem::NoAnchor { file, anchor } => {
                write!(f, "`{file}` has no element with id `{anchor}`")
            }
            Problem::Folder(path) => write!(f, "`{path}` is a folder; link to `{path}index.html`"),
            Problem::LeavesSite => f.write_str("the path climbs out of the site"),
            Problem::RootAbsolute => {
                f.write_str("a link starting with `/` breaks under a subpath and from file://")
            }
        }
    }
}

impl fmt::Display for Miss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: `{}`: {}",
            self.page, self.line, self.target, self.problem
        )
    }
}

/// Every miss in the site, sorted by page and line.
pub fn verify(files: &[OutFile], statics: &BTreeMap<String, Vec<u8>>) -> Vec<Miss> {
    let collector = Collector::default();
    // A rendered page replaces a static file of the same path, as on disk.
    for (path, bytes) in statics {
        collector.add(path, bytes);
    }
    files
        .par_iter()
        .for_each(|f| collector.add(&f.path, &f.bytes));
    collector.finish()
}

/// What verification keeps of one page once it is scanned: a large site has
/// hundreds of thousands of ids and links, and no page's bytes are kept.
struct Scanned {
    /// [`id_hash`]es of the page's ids, sorted, each once.
    ids: Box<[u64]>,
    /// Each internal link once, with the line it first appears on.
    links: Box<[(u64, Box<str>)]>,
}

impl Scanned {
    fn of(bytes: &[u8]) -> Scanned {
        let mut found = Found::default();
        // Rendered pages are UTF-8; the lossy decoding is for anything else.
        found.read(&String::from_utf8_lossy(bytes));
        Scanned::from(found)
    }

    fn from(found: Found) -> Scanned {
        let mut ids = found.ids;
        ids.sort_unstable();
        ids.dedup();
        let links = (found.links.into_iter())
            .map(|(target, line)| (line, target))
            .collect();
        Scanned {
            ids: ids.into_boxed_slice(),
            links,
        }
    }
}

/// Every output path, with the scan of each HTML page.
type Files = BTreeMap<String, Option<Arc<Scanned>>>;

/// Takes in files as a build produces them and keeps only what verification
/// needs — every path, and each page's ids and internal links — so the bytes
/// can be written and dropped at once. Safe to feed from several threads;
/// a file added again under the same path replaces the first.
#[derive(Default)]
pub struct Collector<'c> {
    cache: Option<&'c ScanCache>,
    files: Mutex<Files>,
}

/// One page handed to a [`Collector`] in pieces ([`Collector::start`]).
pub struct PageScan {
    path: String,
    /// None for a file that is not a page: it is only noted.
    found: Option<Found>,
}

impl PageScan {
    /// Scans the next piece of the page: whole markup, cut between tags, in
    /// page order. Line numbers continue from the pieces before it.
    pub fn feed(&mut self, piece: &str) {
        if let Some(found) = &mut self.found {
            found.read(piece);
        }
    }
}

impl<'c> Collector<'c> {
    /// A collector that takes the scans of pages it has seen before from
    /// `cache`, when there is one.
    pub fn new(cache: Option<&'c ScanCache>) -> Collector<'c> {
        Collector {
            cache,
            files: Mutex::default(),
        }
    }

    /// Takes any output file: notes that it exists, and scans it in full if
    /// it is an HTML page.
    pub fn add(&self, path: &str, bytes: &[u8]) {
        let scanned = is_html(path).then(|| match self.cache {
            Some(cache) => cache.scan(bytes),
            None => Arc::new(Scanned::of(bytes)),
        });
        self.keep(path, scanned);
    }

    /// Starts a page handed on in pieces over time, so that it is never held
    /// whole (`print.html` of a large briefing runs to tens of megabytes).
    /// Feed it with [`PageScan::feed`], then give it back to [`Collector::end`].
    pub fn start(&self, path: &str) -> PageScan {
        PageScan {
            path: path.to_string(),
            found: is_html(path).then(Found::default),
        }
    }

    /// Takes a page started with [`Collector::start`] once its last piece is in.
    pub fn end(&self, page: PageScan) {
        let scanned = page.found.map(|found| Arc::new(Scanned::from(found)));
        self.keep(&page.path, scanned);
    }

    fn keep(&self, path: &str, scanned: Option<Arc<Scanned>>) {
        lock(&self.files).insert(path.to_string(), scanned);
    }

    /// Every output path taken so far, sorted.
    pub fn paths(&self) -> Vec<String> {
        lock(&self.files).keys().cloned().collect()
    }

    /// Every miss, sorted by page and line.
    pub fn finish(self) -> Vec<Miss> {
        let files = self.files.into_inner().unwrap_or_else(|p| p.into_inner());
        if let Some(cache) = self.cache {
            cache.advance();
        }
        check(&files)
    }
}

/// What `brief serve` keeps from one build to the next: the scan of each
/// page by a digest of its bytes, so that a page an edit left as it was is
/// not scanned again. Only whole pages ([`Collector::add`]) are looked up;
/// each [`Collector::finish`] drops the scans its build did not use.
#[derive(Default)]
pub struct ScanCache(Mutex<Generations>);

#[derive(Default)]
struct Generations {
    /// The scans the last finished build used, by xxh3-128 of the bytes.
    last: HashMap<u128, Arc<Scanned>>,
    /// The scans the build under way has used so far.
    this: HashMap<u128, Arc<Scanned>>,
}

impl ScanCache {
    fn scan(&self, bytes: &[u8]) -> Arc<Scanned> {
        let digest = xxhash_rust::xxh3::xxh3_128(bytes);
        {
            let mut kept = lock(&self.0);
            let kept = &mut *kept;
            if let Some(scanned) = kept.this.get(&digest) {
                return Arc::clone(scanned);
            }
            if let Some(scanned) = kept.last.remove(&digest) {
                kept.this.insert(digest, Arc::clone(&scanned));
                return scanned;
            }
        }
        // Scanned without the lock, so that other pages are looked up meanwhile.
        let scanned = Arc::new(Scanned::of(bytes));
        lock(&self.0).this.insert(digest, Arc::clone(&scanned));
        scanned
    }

    fn advance(&self) {
        let mut kept = lock(&self.0);
        kept.last = std::mem::take(&mut kept.this);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn is_html(path: &str) -> bool {
    path.ends_with(".html") || path.ends_with(".htm")
}

/// Every miss among the links of `files`, sorted by page and line.
fn check(files: &Files) -> Vec<Miss> {
    let pages: Vec<(&str, &Scanned)> = (files.iter())
        .filter_map(|(path, scanned)| Some((path.as_str(), scanned.as_deref()?)))
        .collect();
    let shared = shared_misses(files, &pages);
    let mut misses: Vec<Miss> = (pages.par_iter())
        .flat_map_iter(|&(page, scanned)| {
            let shared = &shared;
            scanned.links.iter().filter_map(move |(line, target)| {
                let problem = if points_into_itself(target) {
                    check_link(files, page, target)
                } else {
                    shared.get(&(folder_of(page), &**target)).cloned()
                }?;
                Some(Miss {
                    page: page.to_string(),
                    line: *line,
                    target: target.to_string(),
                    problem,
                })
            })
        })
        .collect();
    misses.sort();
    misses
}

/// The misses of the links that name a file, by the folder of the page
/// holding them and their text. Such a link finds the same from every page
/// of a folder, and the pages of a folder share most of their links (the
/// indexes, the stylesheet, every entity's page), so each is checked once
/// per folder rather than once per page.
fn shared_misses<'a>(
    files: &Files,
    pages: &[(&'a str, &'a Scanned)],
) -> HashMap<(&'a str, &'a str), Problem> {
    type Distinct<'a> = HashMap<&'a str, (&'a str, HashSet<&'a str>)>;
    // Each folder's distinct links, with a page of the folder to check them from.
    let distinct: Distinct = (pages.par_iter())
        .fold(Distinct::default, |mut folders, &(page, scanned)| {
            let (_, links) =
                (folders.entry(folder_of(page))).or_insert_with(|| (page, HashSet::default()));
            let named = scanned.links.iter().map(|(_, target)| &**target);
            links.extend(named.filter(|target| !points_into_itself(target)));
            folders
        })
        .reduce(Distinct::default, |mut all, some| {
            for (folder, (page, links)) in some {
                let (_, kept) = all
                    .entry(folder)
                    .or_insert_with(|| (page, HashSet::default()));
                kept.extend(links);
            }
            all
        });
    (distinct.into_par_iter())
        .flat_map(|(folder, (page, links))| {
            (links.into_par_iter()).filter_map(move |target| {
                Some(((folder, target), check_link(files, page, target)?))
            })
        })
        .collect()
}

/// What is wrong with `target`, a link on `page`, if anything.
fn check_link(files: &Files, page: &str, target: &str) -> Option<Problem> {
    let target = target.trim();
    if is_external(target) {
        return None;
    }
    if target.starts_with('/') {
        return Some(Problem::RootAbsolute);
    }
    let (rest, fragment) = target.split_once('#').unwrap_or((target, ""));
    let path = rest.split_once('?').map_or(rest, |(p, _)| p);
    let file = if path.is_empty() {
        page.to_string()
    } else {
        let Some(file) = resolve(page, &percent_decode(path)) else {
            return Some(Problem::LeavesSite);
        };
        file
    };
    let Some(scanned) = files.get(file.as_str()) else {
        return Some(missing(files, file));
    };
    let anchor = percent_decode(fragment);
    if anchor.is_empty() || anchor.eq_ignore_ascii_case("top") {
        return None;
    }
    // A fragment into a file that is not a page (an image, a PDF) is the
    // browser's business, not an id to look for.
    let ids = &scanned.as_ref()?.ids;
    match ids.binary_search(&id_hash(&anchor)) {
        Ok(_) => None,
        Err(_) => Some(Problem::NoAnchor {
            file,
            anchor: anchor.into_owned(),
        }),
    }
}

/// Why `file`, which the site does not have, misses: a folder of the site
/// is [`Problem::Folder`], anything else [`Problem::NoFile`].
fn missing(files: &Files, file: String) -> Problem {
    if file.is_empty() {
        return Problem::Folder(String::new());
    }
    let folder = format!("{}/", file.trim_end_matches('/'));
    let first_after = files.range::<str, _>((Bound::Included(folder.as_str()), Bound::Unbounded));
    let has_files = first_after.into_iter().next();
    if file.ends_with('/') || has_files.is_some_and(|(path, _)| path.starts_with(&folder)) {
        Problem::Folder(folder)
    } else {
        Problem::NoFile(file)
    }
}

#[cfg(test)]
mod tests;
