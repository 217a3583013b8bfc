//! Verifies the rendered site itself, before it replaces the last one: every
//! internal `href`/`src`/`srcset` a page holds must name a file of the
//! output, and every `#fragment` an `id` on the page it points at.
//!
//! One policy for every page of every site: each HTML page the build makes
//! is scanned in full (`html.rs`) as it streams past, and once all are in,
//! every link is checked against the files and ids the site has. Links with
//! a scheme (`https:`, `mailto:`, `data:`) and protocol-relative ones are
//! external and not followed; root-absolute links (`/x.html`) and links to
//! folders are misses, since they break under a subpath and from `file://`.
//!
//! Finding a miss is all this module does. Tracing a miss back to the
//! Markdown link that made it is the job of [`locate`](locate::locate), and
//! what a build does with the misses is the caller's.

pub(crate) mod html;
mod locate;
mod paths;

pub(crate) use html::{decode_references, find_end_tag, reference};
pub use locate::locate;
pub use paths::{percent_decode, resolve};

use std::mem::take;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
// Keys are paths, folders and digests, looked up hundreds of thousands of
// times: Fx hashing, as elsewhere in brief.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::annotate::is_external;
use crate::sync::lock;
use html::{Found, Scanned};

/// One internal link of the output that points at nothing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, thiserror::Error)]
#[error("{page}:{line}: `{target}`: {problem}")]
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
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, thiserror::Error)]
pub enum Problem {
    /// No output file at this path.
    #[error("the site has no file `{0}`")]
    NoFile(String),
    /// The file exists but has no element with this id.
    #[error("`{file}` has no element with id `{anchor}`")]
    NoAnchor { file: String, anchor: String },
    /// A folder, which only a web server turns into its `index.html`.
    #[error("`{0}` is a folder; link to `{0}index.html`")]
    Folder(String),
    /// `..` climbs above the output root.
    #[error("the path climbs out of the site")]
    LeavesSite,
    /// Starts with `/`: right only at a domain root, never from `file://`.
    #[error("a link starting with `/` breaks under a subpath and from file://")]
    RootAbsolute,
}

/// Every output path, with the scan of each HTML page.
type Scans = HashMap<String, Option<Arc<Scanned>>>;

/// Takes in files as a build produces them and keeps only what verification
/// needs — every path, and each page's ids and internal links — so the bytes
/// can be written and dropped at once. Safe to feed from several threads;
/// a file added again under the same path replaces the first.
#[derive(Default)]
pub struct Collector {
    /// The cache handed to [`Collector::new`], shared with its owner.
    cache: Option<ScanCache>,
    files: Mutex<Scans>,
}

/// One page handed to a [`Collector`] in pieces ([`Collector::start`]).
pub struct PageScan {
    path: String,
    /// None for a file that is not a page: it is only noted.
    found: Option<Found>,
    /// Where the scans of pieces seen in earlier builds are kept.
    cache: Option<ScanCache>,
}

impl PageScan {
    /// Scans the next piece of the page: whole markup, cut between tags, in
    /// page order. Line numbers continue from the pieces before it. With a
    /// cache, a piece is scanned on its own and kept, like a whole page:
    /// most of `print.html` is the same from one `serve` build to the next.
    pub fn feed(&mut self, piece: &Arc<Vec<u8>>) {
        match (&mut self.found, &self.cache) {
            (Some(found), Some(cache)) => found.add(&cache.held(piece), piece),
            (Some(found), None) => found.read_bytes(piece),
            (None, _) => {}
        }
    }
}

impl Collector {
    /// A collector that takes the scans of pages it has seen before from
    /// `cache`, when there is one, and leaves its own scans there.
    pub fn new(cache: Option<&ScanCache>) -> Collector {
        Collector {
            cache: cache.cloned(),
            files: Mutex::default(),
        }
    }

    /// Takes any output file: notes that it exists, and scans it in full if
    /// it is an HTML page.
    pub fn add(&self, path: &str, bytes: &Arc<Vec<u8>>) {
        let scanned = is_html(path).then(|| match &self.cache {
            Some(cache) => cache.held(bytes),
            None => Arc::new(Scanned::of(bytes)),
        });
        lock(&self.files).insert(path.to_string(), scanned);
    }

    /// Starts a page handed on in pieces over time, so that it is never held
    /// whole (`print.html` of a large briefing runs to tens of megabytes).
    /// Feed it with [`PageScan::feed`], then give it back to [`Collector::end`].
    pub fn start(&self, path: &str) -> PageScan {
        PageScan {
            path: path.to_string(),
            found: is_html(path).then(Found::default),
            cache: self.cache.clone(),
        }
    }

    /// Takes a page started with [`Collector::start`] once its last piece is in.
    pub fn end(&self, page: PageScan) {
        let scanned = page.found.map(|found| Arc::new(found.done()));
        lock(&self.files).insert(page.path, scanned);
    }

    /// Every output path taken so far, sorted.
    pub fn paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = lock(&self.files).keys().cloned().collect();
        paths.sort_unstable();
        paths
    }

    /// Every miss, sorted by page and line.
    pub fn finish(self) -> Vec<Miss> {
        let files = self.files.into_inner().unwrap_or_else(|p| p.into_inner());
        // The next build finds only the scans this one used.
        if let Some(cache) = &self.cache {
            let mut kept = lock(&cache.0);
            kept.last = take(&mut kept.this);
            kept.last_held = take(&mut kept.held);
        }
        check(&files, self.cache.as_ref())
    }
}

/// What `brief serve` keeps from one build to the next: the scan of each
/// page, and of each piece of a page handed on in pieces, by a digest of its
/// bytes, so that markup an edit left as it was is not scanned again; and
/// the bytes of each page and piece with their scan, since `serve` hands
/// what it kept on as the same bytes, which need no digest. Each [`Collector::finish`]
/// drops the scans its build did not use. The
/// `Arc` lets a collector hold the cache it is given without borrowing it:
/// a clone is the same cache.
#[derive(Default, Clone)]
pub struct ScanCache(Arc<Mutex<Generations>>);

#[derive(Default)]
struct Generations {
    /// The scans the last finished build used, by xxh3-128 of the bytes.
    last: HashMap<u128, Arc<Scanned>>,
    /// The scans the build under way has used so far.
    this: HashMap<u128, Arc<Scanned>>,
    /// The bytes of each page and piece of the last finished build, by
    /// their address, with their scan: holding the bytes keeps their
    /// address from being reused, so the same address is the same bytes.
    last_held: HashMap<usize, (Arc<Vec<u8>>, Arc<Scanned>)>,
    /// The same for the build under way.
    held: HashMap<usize, (Arc<Vec<u8>>, Arc<Scanned>)>,
    /// Where each link points, by its text and its page's folder (its page,
    /// for a link into the page itself): that depends on nothing else, so it
    /// holds for every build.
    destinations: Destinations,
    /// The last build's [`shape`], and each page's scan and misses.
    verdicts: Option<(u128, Verdicts)>,
}

/// The misses of each page, by its path, with the scan they were found in.
type Verdicts = HashMap<String, (Arc<Scanned>, Vec<Miss>)>;

/// Where links point ([`destination`]), by their page's folder (or page) and
/// their text.
type Destinations = HashMap<String, HashMap<String, Destination>>;

impl ScanCache {
    /// The scan of a page or a piece: the last build's when these are the
    /// very bytes it scanned.
    fn held(&self, bytes: &Arc<Vec<u8>>) -> Arc<Scanned> {
        let at = Arc::as_ptr(bytes) as usize;
        let same = (lock(&self.0).last_held.get(&at)).map(|(_, scanned)| Arc::clone(scanned));
        let scanned = same.unwrap_or_else(|| self.scan(bytes));
        let held = (Arc::clone(bytes), Arc::clone(&scanned));
        lock(&self.0).held.insert(at, held);
        scanned
    }

    fn scan(&self, bytes: &[u8]) -> Arc<Scanned> {
        let digest = xxhash_rust::xxh3::xxh3_128(bytes);
        let kept = {
            let mut kept = lock(&self.0);
            let this = kept.this.get(&digest).cloned();
            this.or_else(|| kept.last.remove(&digest))
        };
        // Scanned without the lock, so that other pages are looked up meanwhile.
        let scanned = kept.unwrap_or_else(|| Arc::new(Scanned::of(bytes)));
        lock(&self.0).this.insert(digest, Arc::clone(&scanned));
        scanned
    }
}

fn is_html(path: &str) -> bool {
    path.ends_with(".html") || path.ends_with(".htm")
}

/// Every miss among the links of `files`, sorted by page and line.
///
/// Pages of one folder share most of their links (the stylesheet, the
/// menus, the entities they refer to), and a link means the same from
/// every page of a folder unless it points into its own page: so pages are
/// taken a run at a time in path order, and within a run each link is
/// checked once for its folder (or its page). With a cache, where each link
/// points is worked out once for all builds, and a page that, like the site
/// around it, is as it was in the last build is not checked again.
fn check(files: &Scans, cache: Option<&ScanCache>) -> Vec<Miss> {
    let site = Site::new(files);
    let mut pages: Vec<(&str, &Arc<Scanned>)> = (files.iter())
        .filter_map(|(page, scanned)| Some((page.as_str(), scanned.as_ref()?)))
        .collect();
    pages.sort_unstable_by_key(|&(page, _)| page);
    // Read by every thread without a lock, and added to once all are done.
    let (mut known, last) = match cache.map(|cache| lock(&cache.0)) {
        Some(mut kept) => (take(&mut kept.destinations), take(&mut kept.verdicts)),
        None => Default::default(),
    };
    // A page misses what it missed in the last build when its scan is the
    // one checked then, and every path and every page's ids are as they were.
    let shape = cache.map(|_| shape(files));
    let last = last
        .filter(|(then, _)| Some(*then) == shape)
        .map(|(_, pages)| pages);
    let runs: Vec<_> = (pages.par_chunks(PAGES_PER_RUN))
        .map(|run| {
            let mut checked: HashMap<(&str, &str), Option<Problem>> = HashMap::default();
            let (mut done, mut found) = (Vec::new(), Vec::new());
            for &(page, scanned) in run {
                let then = last.as_ref().and_then(|last| last.get(page));
                if let Some((then, missed)) = then
                    && Arc::ptr_eq(then, scanned)
                {
                    done.push((page, scanned, missed.clone()));
                    continue;
                }
                let folder = page.rsplit_once('/').map_or("", |(folder, _)| folder);
                let mut misses = Vec::new();
                for (line, target) in scanned.links() {
                    // A link with no path points into its own page; any
                    // other means the same from every page of its folder.
                    let first = target.trim_start().bytes().next();
                    let scope = match first {
                        None | Some(b'#' | b'?') => page,
                        _ => folder,
                    };
                    let judge = || match known.get(scope).and_then(|f| f.get(target)) {
                        Some(known) => site.judge(target, known),
                        None => {
                            let to = destination(page, target);
                            let problem = site.judge(target, &to);
                            if cache.is_some() {
                                found.push((scope, target, to));
                            }
                            problem
                        }
                    };
                    let problem = checked.entry((scope, target)).or_insert_with(judge).clone();
                    misses.extend(problem.map(|problem| Miss {
                        problem,
                        page: page.to_string(),
                        line,
                        target: target.to_string(),
                    }));
                }
                done.push((page, scanned, misses));
            }
            (done, found)
        })
        .collect();
    let mut done = Vec::new();
    for (checked, found) in runs {
        done.extend(checked);
        for (folder, target, to) in found {
            let folder = known.entry(folder.to_string()).or_default();
            folder.insert(target.to_string(), to);
        }
    }
    let mut misses: Vec<Miss> = (done.iter())
        .flat_map(|(_, _, missed)| missed.clone())
        .collect();
    misses.sort();
    if let (Some(cache), Some(shape)) = (cache, shape) {
        let mut kept = lock(&cache.0);
        let verdicts = (done.into_iter())
            .map(|(page, scanned, missed)| (page.to_string(), (Arc::clone(scanned), missed)))
            .collect();
        (kept.destinations, kept.verdicts) = (known, Some((shape, verdicts)));
    }
    misses
}

/// A digest of every output path and of the ids of each page: beside a
/// link itself, all that decides whether it lands.
fn shape(files: &Scans) -> u128 {
    let mut all: Vec<_> = files.iter().collect();
    all.sort_unstable_by_key(|&(path, _)| path);
    let mut bytes = Vec::new();
    for (path, scanned) in all {
        bytes.extend_from_slice(path.as_bytes());
        // 0xff is no byte of UTF-8: the path ends here.
        bytes.push(0xff);
        let ids = scanned.as_deref().map(Scanned::ids);
        bytes.push(u8::from(ids.is_some()));
        let ids = ids.unwrap_or_default();
        bytes.extend(ids.len().to_le_bytes());
        bytes.extend(ids.iter().flat_map(|id| id.to_le_bytes()));
    }
    xxhash_rust::xxh3::xxh3_128(&bytes)
}

/// Where a link points, as [`destination`] works it out: the output file and
/// where the fragment starts in the link (trimmed); None for an external
/// link; or why it cannot point anywhere.
type Destination = Result<Option<(String, usize)>, Problem>;

/// Where `target`, a link on `page`, points. Only `page`'s folder counts,
/// unless the link has no path.
fn destination(page: &str, target: &str) -> Destination {
    let target = target.trim();
    if is_external(target) {
        return Ok(None);
    }
    if target.starts_with('/') {
        return Err(Problem::RootAbsolute);
    }
    let (rest, at) = match target.split_once('#') {
        Some((rest, fragment)) => (rest, target.len() - fragment.len()),
        None => (target, target.len()),
    };
    let path = rest.split_once('?').map_or(rest, |(p, _)| p);
    let file = match path.is_empty() {
        true => page.to_string(),
        false => resolve(page, &percent_decode(path)).ok_or(Problem::LeavesSite)?,
    };
    Ok(Some((file, at)))
}

/// How many pages share one table of links already checked: enough for
/// the shared links to be checked rarely, few enough to spread the pages
/// over every core.
const PAGES_PER_RUN: usize = 256;

/// The output as links are checked against it.
struct Site<'a> {
    files: &'a Scans,
    /// Every folder holding a file: `a` and `a/b` for `a/b/c.html`.
    folders: HashSet<&'a str>,
}

impl<'a> Site<'a> {
    fn new(files: &'a Scans) -> Site<'a> {
        let folders = (files.keys())
            .flat_map(|path| path.match_indices('/').map(|(at, _)| &path[..at]))
            .collect();
        Site { files, folders }
    }

    /// What is wrong with `target`, a link going to `destination`, if
    /// anything.
    fn judge(&self, target: &str, destination: &Destination) -> Option<Problem> {
        let (file, fragment) = match destination {
            Ok(Some((file, at))) => (file, target.trim().get(*at..).unwrap_or("")),
            Ok(None) => return None,
            Err(problem) => return Some(problem.clone()),
        };
        let Some(scanned) = self.files.get(file) else {
            // The site's root or another of its folders, or nothing at all.
            let folder = file.trim_end_matches('/');
            let problem = if file.is_empty() {
                Problem::Folder(String::new())
            } else if file.ends_with('/') || self.folders.contains(folder) {
                Problem::Folder(format!("{folder}/"))
            } else {
                Problem::NoFile(file.clone())
            };
            return Some(problem);
        };
        // A fragment into a file that is not a page (an image, a PDF) is the
        // browser's business, not an id to look for.
        let found = scanned.as_ref()?.lands(fragment);
        (!found).then(|| Problem::NoAnchor {
            file: file.clone(),
            anchor: percent_decode(fragment).into_owned(),
        })
    }
}

#[cfg(test)]
mod tests;
