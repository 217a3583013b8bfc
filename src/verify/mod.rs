//! Verifies the rendered site itself, before anything is written: every
//! internal `href`/`src` the author wrote, as the pages hold it, must name a
//! file of the output, and every `#anchor` an `id` on the page it points at.
//!
//! It works on the bytes a build is about to write (the rendered [`OutFile`]s
//! plus the theme's static files), with a tag scanner and no tree
//! building, pages in parallel. Links with a scheme (`https:`, `mailto:`,
//! `data:`) and protocol-relative ones are external and not followed;
//! root-absolute links (`/x.html`) are misses, since they break under a
//! subpath and from `file://`.
//!
//! What is scanned in full is whatever may hold markup of the author's: a
//! page showing Markdown with a link or raw HTML of their own, a page from a
//! template of the site's, a static page. A page brief's own writers made
//! from the graph alone (`render::Origin::Brief`, most of a site) holds only
//! links to pages the build writes; it is read just for its ids, the targets
//! of the author's links ([`made`]). Its links are checked by the test suite,
//! not on every build: scanning every tag of every page was a quarter of the
//! time of a large build. When the pages are written where they can be read
//! back (a build's staging folder), even its ids are read only if an
//! author's link with a `#fragment` points into it, once all pages are done.
//!
//! Finding a miss is all this module does. Tracing a miss back to the Markdown
//! link that made it is the job of [`locate`](locate::locate).

mod incremental;
mod locate;
pub mod made;
mod packed;

pub use incremental::{Pages, Scanned, scan_page, scan_page_pieces};
pub use locate::{SourceDoc, locate};

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::{Mutex, OnceLock};

use rayon::prelude::*;
// The link check hashes millions of short keys, most already hashes
// themselves (ids are xxh3): Fx hashing is what that needs, not SipHash.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::annotate::is_external;
use crate::render::OutFile;
use crate::texts::Texts;
use packed::PackedLinks;

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

/// A page's internal links, each once, with the line it first appears on.
type Links = Vec<(u64, Box<str>)>;

/// What one page offers and asks for.
#[derive(Default)]
struct Scan {
    /// The ids, as [`id_hash`]es: a large site has hundreds of thousands.
    ids: HashSet<u64>,
    links: Links,
    /// Hashes of the links recorded so far, while the page is scanned.
    seen: HashSet<u64>,
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

/// Takes in pages as a build produces them and keeps only what verification
/// needs — each page's ids and internal links — so the bytes can be written and
/// dropped at once. Safe to feed from several threads.
///
/// What it keeps is compact, since it grows with every page of the site: ids
/// as sorted hashes, and links as their line and a number standing for their
/// text, each text kept once however many pages hold it (every page links to
/// the stylesheet, the indexes and much else that other pages link to).
#[derive(Default)]
pub struct Collector(Mutex<Kept>);

#[derive(Default)]
struct Kept {
    pages: HashMap<String, PageLinks>,
    paths: BTreeSet<String>,
    /// Each link text seen, by its number in [`PageLinks::links`].
    targets: Texts,
}

/// One page as the collector keeps it.
struct PageLinks {
    /// [`id_hash`]es of the ids, sorted; unset for a page of brief's own
    /// whose ids are read back only if a link points into it
    /// ([`Collector::add_unread`]).
    ids: OnceLock<Box<[u64]>>,
    /// (line, number of the link text), each link once, in page order. A
    /// line past `u32::MAX` is kept as `u32::MAX`: no page is that long.
    links: PackedLinks,
}

impl Collector {
    pub fn add(&self, path: &str, bytes: &[u8]) {
        let found = is_html(path).then(|| {
            let scan = scan_bytes(bytes);
            (Some(scan.ids.into_iter().collect()), scan.links)
        });
        self.keep(path, found);
    }

    /// [`Collector::add_made`] for a page whose bytes can be read back when
    /// the links are checked: its ids are read then, and only if a link
    /// points into it.
    pub fn add_unread(&self, path: &str) {
        self.keep(path, is_html(path).then(|| (None, Links::new())));
    }

    /// [`Collector::add`] for a page brief's own writers made
    /// (`render::Origin::Brief`): it holds no link of the author's, so only
    /// its ids are read, as targets for the links the author wrote.
    pub fn add_made(&self, path: &str, bytes: &[u8]) {
        let found = is_html(path).then(|| (Some(made::ids(bytes)), Links::new()));
        self.keep(path, found);
    }

    /// [`Collector::add`] for a page given in pieces, from the scans of its
    /// pieces joined as they came ([`Joined`]).
    pub fn add_pieces(&self, path: &str, pieces: Joined) {
        let ids = (!pieces.unread).then_some(pieces.ids);
        self.keep(path, is_html(path).then_some((ids, pieces.links)));
    }

    /// Keeps a page's ids (in any order, perhaps repeated; None when they
    /// are to be read back) and links.
    fn keep(&self, path: &str, found: Option<(Option<Vec<u64>>, Links)>) {
        let found = found.map(|(ids, links)| {
            let kept = OnceLock::new();
            if let Some(ids) = ids {
                let _ = kept.set(sorted(ids));
            }
            (kept, links)
        });
        let mut kept = lock(&self.0);
        kept.paths.insert(path.to_string());
        let Some((ids, links)) = found else {
            return;
        };
        let links: Vec<(u32, u32)> = (links.into_iter())
            .map(|(line, target)| {
                let number = kept.targets.number(&target);
                (u32::try_from(line).unwrap_or(u32::MAX), number)
            })
            .collect();
        let links = PackedLinks::pack(&links);
        kept.pages
            .insert(path.to_string(), PageLinks { ids, links });
    }

    /// Every output path added so far.
    pub fn paths(&self) -> Vec<String> {
        lock(&self.0).paths.iter().cloned().collect()
    }

    /// Every miss, sorted by page and line.
    pub fn finish(self) -> Vec<Miss> {
        self.finish_reading(&|_| None)
    }

    /// [`Collector::finish`], reading back with `read` the pages whose ids
    /// were left unread, when a link points into one.
    pub fn finish_reading(self, read: &(dyn Fn(&str) -> Option<Vec<u8>> + Sync)) -> Vec<Miss> {
        let kept = self.0.into_inner().unwrap_or_else(|p| p.into_inner());
        let has_id = |file: &str, id: u64| {
            (kept.pages.get(file)).map(|page| {
                let ids = page.ids.get_or_init(|| {
                    // Read in full: a page read back is rarely read at all.
                    let ids = read(file).map(|bytes| scan_bytes(&bytes).ids);
                    sorted(ids.into_iter().flatten().collect())
                });
                ids.binary_search(&id).is_ok()
            })
        };
        let (paths, texts, has_id) = (&kept.paths, &kept.targets, &has_id);
        let text = |number: u32| texts.get(number);
        let shared = &shared_misses(&kept.pages, texts, &|page, target| {
            check_link(page, target, has_id, paths)
        });
        let mut misses: Vec<Miss> = (kept.pages.par_iter())
            .flat_map_iter(|(page, links)| {
                let folder = shared.get(folder_of(page));
                links.links.iter().filter_map(move |(line, number)| {
                    let target = text(number);
                    let problem = match folder {
                        Some(found) if !points_into_itself(target) => found.get(&number).cloned(),
                        _ => check_link(page, target, has_id, paths),
                    }?;
                    Some(Miss {
                        page: page.to_string(),
                        line: u64::from(line),
                        target: target.to_string(),
                        problem,
                    })
                })
            })
            .collect();
        misses.sort();
        misses
    }
}

fn sorted(mut ids: Vec<u64>) -> Box<[u64]> {
    ids.sort_unstable();
    ids.dedup();
    ids.into_boxed_slice()
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Whether verification reads the file at `path` (its HTML pages), rather
/// than only noting that it exists.
pub fn holds_links(path: &str) -> bool {
    is_html(path)
}

fn is_html(path: &str) -> bool {
    path.ends_with(".html") || path.ends_with(".htm")
}

/// What is wrong with `target` on `page`, if anything. `has_id(file, hash)`
/// tells whether the page `file` has an id of that [`id_hash`] (None when
/// `file` is not a page).
fn check_link(
    page: &str,
    target: &str,
    has_id: &dyn Fn(&str, u64) -> Option<bool>,
    paths: &BTreeSet<String>,
) -> Option<Problem> {
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
    if !paths.contains(file.as_str()) {
        let folder = format!("{}/", file.trim_end_matches('/'));
        if file.is_empty() || file.ends_with('/') || paths.iter().any(|p| p.starts_with(&folder)) {
            return Some(Problem::Folder(if file.is_empty() {
                String::new()
            } else {
                folder
            }));
        }
        return Some(Problem::NoFile(file));
    }
    let anchor = percent_decode(fragment);
    if anchor.is_empty() || anchor.eq_ignore_ascii_case("top") {
        return None;
    }
    if has_id(&file, id_hash(&anchor))? {
        None
    } else {
        Some(Problem::NoAnchor {
            file,
            anchor: anchor.into_owned(),
        })
    }
}

/// What each link found that does not point into its own page, by folder
/// and then by link number, for the links that miss. Such a link finds the
/// same from every page of a folder, and the pages of a folder share most
/// of their links (the indexes, the stylesheet, every entity's page), so
/// each is checked once per folder rather than once per page.
fn shared_misses<'p>(
    pages: &'p HashMap<String, PageLinks>,
    texts: &Texts,
    check: &(dyn Fn(&str, &str) -> Option<Problem> + Sync),
) -> HashMap<&'p str, HashMap<u32, Problem>> {
    let mut folders: HashMap<&str, Vec<&PageLinks>> = HashMap::default();
    let mut seen_from: HashMap<&str, &str> = HashMap::default();
    for (page, links) in pages {
        folders.entry(folder_of(page)).or_default().push(links);
        seen_from.entry(folder_of(page)).or_insert(page);
    }
    let text = |number: u32| texts.get(number);
    let words = texts.len().div_ceil(64);
    folders
        .into_iter()
        .map(|(folder, links)| {
            // The link numbers the folder's pages use, as a bit set.
            let used = (links.par_iter())
                .fold(
                    || vec![0u64; words],
                    |mut used, page| {
                        for (_, number) in page.links.iter() {
                            let n = number as usize;
                            if let Some(word) = used.get_mut(n / 64) {
                                *word |= 1 << (n % 64);
                            }
                        }
                        used
                    },
                )
                .reduce(
                    || vec![0u64; words],
                    |mut a, b| {
                        a.iter_mut().zip(b).for_each(|(x, y)| *x |= y);
                        a
                    },
                );
            let page = seen_from.get(folder).copied().unwrap_or(folder);
            let found = (used.par_iter().enumerate())
                .flat_map_iter(|(at, &word)| {
                    (0..64)
                        .filter(move |bit| word & (1 << bit) != 0)
                        .map(move |bit| (at * 64 + bit) as u32)
                })
                .filter(|&number| !points_into_itself(text(number)))
                .filter_map(|number| Some((number, check(page, text(number))?)))
                .collect();
            (folder, found)
        })
        .collect()
}

/// The folder of an output path: everything before its last `/`.
fn folder_of(page: &str) -> &str {
    page.rfind('/').map_or("", |at| &page[..at])
}

/// Whether `target` names no file, only a place in the page holding it
/// (`#id`, `?q`, or nothing), so that what it finds depends on that page.
fn points_into_itself(target: &str) -> bool {
    let target = target.trim();
    let end = target.find(['#', '?']).unwrap_or(target.len());
    target[..end].is_empty()
}

/// `rel` seen from `page`, as a `/`-separated path from the output root, or
/// None when it climbs out. A trailing `/` is kept: it names a folder.
pub fn resolve(page: &str, rel: &str) -> Option<String> {
    resolve_plain(page, rel).or_else(|| resolve_segments(page, rel))
}

/// [`resolve`] segment by segment: every case.
fn resolve_segments(page: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    let segments: Vec<&str> = rel.split('/').collect();
    let last = segments.len() - 1;
    for (i, segment) in segments.iter().enumerate() {
        match *segment {
            "" | "." if i < last => {}
            ".." => {
                parts.pop()?;
                if i == last {
                    parts.push("");
                }
            }
            "." => parts.push(""),
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// [`resolve`] for the shape almost every generated link has — some `../`
/// then plain names — without splitting and joining; None for anything else
/// (including a climb out of the site, which the general case reports).
fn resolve_plain(page: &str, rel: &str) -> Option<String> {
    let mut rest = rel;
    let mut dir = page.rfind('/').map_or("", |at| &page[..at]);
    while let Some(after) = rest.strip_prefix("../") {
        dir = match dir.rfind('/') {
            Some(at) => &dir[..at],
            None if !dir.is_empty() => "",
            None => return None,
        };
        rest = after;
    }
    let plain = !rest.is_empty()
        && rest
            .split('/')
            .all(|segment| !segment.is_empty() && segment != "." && segment != "..");
    if !plain {
        return None;
    }
    Some(if dir.is_empty() {
        rest.to_string()
    } else {
        format!("{dir}/{rest}")
    })
}

/// Decodes `%XX` escapes; anything malformed stays as it is.
pub fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// A fixed 64-bit hash of an id. Two different ids on one page colliding is
/// about a one in 10^13 chance even with a million ids, so a set of hashes
/// answers "does this page have that id" as well as the ids themselves.
fn id_hash(id: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(id.as_bytes())
}

/// The ids a page offers and the links it holds, with their lines.
///
/// Verification only needs start tags and their attributes, so this is a tag
/// scanner rather than a full tokenizer: it skips text, comments, doctypes and
/// end tags, reads attributes in all three quoting styles, decodes character
/// references in values, and treats the content of `<script>`, `<style>` and
/// the other raw-text elements as text, so an `<a href>` inside a script does
/// not count. Measured against html5ever and html5gum on a 10,000-section
/// briefing it is what makes checking every link on every build affordable.
fn scan(html: &str) -> Scan {
    let mut found = Scan::default();
    let mut lines = Lines {
        text: html.as_bytes(),
        at: 0,
        line: 1,
    };
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(offset) = memchr::memchr(b'<', &bytes[i..]) {
        let start = i + offset;
        let rest = &bytes[start + 1..];
        i = start + 1;
        if rest.starts_with(b"!--") {
            i = memchr::memmem::find(&bytes[start + 4..], b"-->")
                .map_or(html.len(), |end| start + 4 + end + 3);
            continue;
        }
        if !rest.first().is_some_and(u8::is_ascii_alphabetic) {
            // `</x>`, `<!DOCTYPE>`, `<?x>` hold nothing to check; a bare `<` is text.
            if matches!(rest.first(), Some(b'/' | b'!' | b'?')) {
                i = memchr::memchr(b'>', &bytes[i..]).map_or(html.len(), |end| i + end + 1);
            }
            continue;
        }
        let line = lines.at(start);
        let (name, end) = read_start_tag(html, start + 1, |tag, attribute, value| {
            found.record(tag, attribute, &decode_references(value), line);
        });
        i = end;
        if RAW_TEXT.iter().any(|raw| name.eq_ignore_ascii_case(raw)) {
            i = find_end_tag(html, i, name);
        }
    }
    found.seen = HashSet::default();
    found.links.shrink_to_fit();
    found
}

/// [`scan`] of a page's bytes: rendered pages are UTF-8; the lossy decoding
/// is for anything else.
fn scan_bytes(bytes: &[u8]) -> Scan {
    match std::str::from_utf8(bytes) {
        Ok(html) => scan(html),
        Err(_) => scan(&String::from_utf8_lossy(bytes)),
    }
}

/// The scan of one piece of a page given in pieces, and how many lines the
/// piece has.
pub struct PieceScan(Scan, u64, bool);

impl PieceScan {
    /// A piece of brief's own whose ids are not read now: its lines, and a
    /// mark that the page's ids are to be read back.
    pub fn unread(text: &str) -> PieceScan {
        let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count() as u64;
        PieceScan(Scan::default(), lines, true)
    }
}

pub fn scan_piece(text: &str) -> PieceScan {
    PieceScan(
        scan(text),
        text.bytes().filter(|&b| b == b'\n').count() as u64,
        false,
    )
}

/// The scans of a page's pieces, in order, as the scan of the whole page.
fn join_pieces<'a>(pieces: impl Iterator<Item = &'a PieceScan>) -> Scan {
    let mut joined = Joined::default();
    pieces.for_each(|piece| joined.push(piece));
    Scan {
        ids: joined.ids.into_iter().collect(),
        links: joined.links,
        seen: HashSet::default(),
    }
}

/// The scans of a page's pieces joined one piece at a time, in order, so
/// that each piece's scan can be dropped as soon as it is joined:
/// `print.html` of a large briefing has hundreds of thousands of ids, and
/// its pieces' scans held until the last was done were most of what
/// verifying it kept.
#[derive(Default)]
pub struct Joined {
    /// The ids as they came, repeats and all: a list is smaller than a set,
    /// and [`Collector`] sorts it anyway.
    ids: Vec<u64>,
    links: Links,
    /// Hashes of the links joined so far.
    seen: HashSet<u64>,
    /// Lines in the pieces joined so far.
    lines: u64,
    /// Whether a piece's ids were left unread ([`PieceScan::unread`]).
    unread: bool,
}

impl Joined {
    /// Joins the scan of the next piece.
    pub fn push(&mut self, PieceScan(scan, lines, unread): &PieceScan) {
        self.unread |= unread;
        self.ids.extend(&scan.ids);
        for (line, target) in &scan.links {
            if self.seen.insert(id_hash(target)) {
                self.links.push((line + self.lines, target.clone()));
            }
        }
        self.lines += lines;
    }
}

/// Elements whose content is text, not markup.
const RAW_TEXT: [&str; 8] = [
    "script", "style", "xmp", "iframe", "noembed", "noframes", "textarea", "title",
];

/// Reads the start tag whose name begins at `at` (just after `<`), calling
/// `attribute(tag, name, raw value)` for each attribute, and returns the tag's
/// name and the offset just past its `>`. Nothing is allocated: a build scans
/// every tag of every page.
fn read_start_tag(
    html: &str,
    at: usize,
    mut attribute: impl FnMut(&str, &str, &str),
) -> (&str, usize) {
    let bytes = html.as_bytes();
    let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c');
    let mut i = at;
    while i < bytes.len() && !is_space(bytes[i]) && bytes[i] != b'>' && bytes[i] != b'/' {
        i += 1;
    }
    let name = &html[at..i];
    loop {
        while i < bytes.len() && (is_space(bytes[i]) || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] == b'>' {
            return (name, (i + 1).min(bytes.len()));
        }
        let name_start = i;
        while i < bytes.len() && !is_space(bytes[i]) && !matches!(bytes[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let attribute_name = &html[name_start..i];
        while i < bytes.len() && is_space(bytes[i]) {
            i += 1;
        }
        let mut value = "";
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            while i < bytes.len() && is_space(bytes[i]) {
                i += 1;
            }
            match bytes.get(i) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let end =
                        memchr::memchr(quote, &bytes[i + 1..]).map_or(html.len(), |e| i + 1 + e);
                    value = &html[i + 1..end];
                    i = (end + 1).min(bytes.len());
                }
                _ => {
                    let start = i;
                    while i < bytes.len() && !is_space(bytes[i]) && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = &html[start..i];
                }
            }
        }
        attribute(name, attribute_name, value);
    }
}

/// Offset of the `</name` that closes a raw-text element opened before `from`.
fn find_end_tag(html: &str, from: usize, name: &str) -> usize {
    let mut i = from;
    while let Some(offset) = html[i..].find("</") {
        let at = i + offset;
        let candidate = html.get(at + 2..at + 2 + name.len());
        if candidate.is_some_and(|c| c.eq_ignore_ascii_case(name)) {
            return at;
        }
        i = at + 2;
    }
    html.len()
}

/// Decodes the character references a URL or id can hold: the five XML ones
/// and numeric ones. Others are left as written.
fn decode_references(value: &str) -> Cow<'_, str> {
    if !value.contains('&') {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let decoded = after.find(';').filter(|&end| end <= 10).and_then(|end| {
            let entity = &after[..end];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => {
                    let number = entity.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Line numbers for byte offsets that only move forward.
struct Lines<'a> {
    text: &'a [u8],
    at: usize,
    line: u64,
}

impl Lines<'_> {
    fn at(&mut self, offset: usize) -> u64 {
        let offset = offset.min(self.text.len());
        if offset > self.at {
            self.line += self.text[self.at..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            self.at = offset;
        }
        self.line
    }
}

/// Attributes that hold a URL the browser loads or navigates to.
const URL_ATTRS: [&str; 4] = ["href", "src", "poster", "srcset"];

impl Scan {
    /// Notes one attribute; tag and attribute names in any case.
    fn record(&mut self, tag: &str, name: &str, value: &str, line: u64) {
        let is = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        if is(name, "id") || (is(name, "name") && is(tag, "a")) {
            self.ids.insert(id_hash(value));
        } else if is(name, "srcset") {
            for url in value.split(',').filter_map(|c| c.split_whitespace().next()) {
                self.link(line, url);
            }
        } else if URL_ATTRS.iter().any(|a| is(name, a)) && !(is(name, "href") && is(tag, "base")) {
            self.link(line, value);
        }
    }

    /// Records an internal link; external ones need no checking, and a link
    /// repeated on the page (navigation, previews) is checked once.
    fn link(&mut self, line: u64, target: &str) {
        if !is_external(target.trim()) && self.seen.insert(id_hash(target)) {
            self.links.push((line, target.into()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, html: &str) -> OutFile {
        OutFile {
            path: path.into(),
            bytes: html.as_bytes().to_vec(),
        }
    }

    #[test]
    fn ids_left_unread_are_read_back_only_for_pages_a_link_points_into() {
        let collector = Collector::default();
        collector.add(
            "a.html",
            br#"<a href="b.html#there">x</a><a href="b.html#gone">y</a><a href="c.html">z</a>"#,
        );
        collector.add_unread("b.html");
        collector.add_unread("c.html");
        let mut joined = Joined::default();
        joined.push(&PieceScan::unread("<p id=\"p1\">\n"));
        joined.push(&scan_piece(
            "<a href=\"#p1\">one</a> <a href=\"#p2\">two</a>\n",
        ));
        collector.add_pieces("print.html", joined);
        let asked = Mutex::new(Vec::new());
        let read = |path: &str| {
            lock(&asked).push(path.to_string());
            match path {
                "b.html" => Some(br#"<h2 id="there">t</h2>"#.to_vec()),
                "print.html" => Some(
                    b"<p id=\"p1\">\n<a href=\"#p1\">one</a> <a href=\"#p2\">two</a>\n".to_vec(),
                ),
                _ => None,
            }
        };
        let misses: Vec<(String, u64, String)> = (collector.finish_reading(&read).into_iter())
            .map(|m| (m.page, m.line, m.target))
            .collect();
        assert_eq!(
            misses,
            [
                ("a.html".to_string(), 1, "b.html#gone".to_string()),
                ("print.html".to_string(), 2, "#p2".to_string()),
            ]
        );
        let mut asked = asked.into_inner().unwrap();
        asked.sort();
        assert_eq!(
            asked,
            ["b.html", "print.html"],
            "c.html is linked without a fragment"
        );
    }

    fn problems(files: &[OutFile]) -> Vec<(String, String, Problem)> {
        verify(files, &BTreeMap::new())
            .into_iter()
            .map(|m| (m.page, m.target, m.problem))
            .collect()
    }

    #[test]
    fn a_page_in_parts_is_checked_as_the_whole_page() {
        let parts = [
            "<!DOCTYPE html>\n<p id=\"top\"><a href=\"#top\">up</a>\n",
            "<a href=\"missing.html\">gone</a>\n<a href=\"#nowhere\">x</a>\n",
            "<a href=\"missing.html\">again</a>\n<h2 id=\"nowhere\">late</h2>\n<img src=\"gone.png\">\n",
        ];
        let misses = |add: &dyn Fn(&Collector)| {
            let collector = Collector::default();
            add(&collector);
            collector.finish()
        };
        let whole = misses(&|c| c.add("print.html", parts.concat().as_bytes()));
        let pieces = misses(&|c| {
            let mut joined = Joined::default();
            parts.iter().for_each(|part| joined.push(&scan_piece(part)));
            c.add_pieces("print.html", joined)
        });
        assert_eq!(whole, pieces);
        let lines: Vec<u64> = whole.iter().map(|m| m.line).collect();
        assert_eq!(lines, [3, 7], "{whole:?}");
    }

    #[test]
    fn the_plain_path_shortcut_agrees_with_the_general_case() {
        let pages = ["index.html", "parties/a.html", "a/b/c.html"];
        let rels = [
            "x.html",
            "../x.html",
            "../../x.html",
            "../../../x.html",
            "../quotes/q.html",
            "q/r/s.html",
            "./x.html",
            "../a/./b.html",
            "a/../b.html",
            "dir/",
            "../",
            "",
            "a//b.html",
            "..",
            "../..",
        ];
        for page in pages {
            for rel in rels {
                if let Some(plain) = resolve_plain(page, rel) {
                    assert_eq!(Some(plain), resolve_segments(page, rel), "{page} {rel}");
                }
            }
        }
        assert_eq!(
            resolve_plain("a/b/c.html", "../../x.html").as_deref(),
            Some("x.html")
        );
        assert_eq!(resolve_plain("index.html", "../x.html"), None);
    }

    #[test]
    fn resolves_relative_paths() {
        assert_eq!(
            resolve("parties/a.html", "../quotes/q.html").as_deref(),
            Some("quotes/q.html")
        );
        assert_eq!(
            resolve("index.html", "parties/a.html").as_deref(),
            Some("parties/a.html")
        );
        assert_eq!(
            resolve("parties/a.html", "./b.html").as_deref(),
            Some("parties/b.html")
        );
        assert_eq!(resolve("parties/a.html", "../").as_deref(), Some(""));
        assert_eq!(resolve("index.html", "../x.html"), None);
    }

    #[test]
    fn good_links_and_anchors_pass() {
        let files = [
            page(
                "index.html",
                "<a href=\"parties/a.html#m-1\">a</a><a href=\"#top\">t</a><a href=\"https://x.org/\">x</a>",
            ),
            page(
                "parties/a.html",
                "<p id=\"m-1\"><a href=\"../index.html\">home</a><img src=\"../b%20c.png\"></p>",
            ),
            page("b c.png", ""),
        ];
        assert_eq!(problems(&files), []);
    }

    #[test]
    fn misses_are_reported_with_their_problem() {
        let files = [
            page(
                "index.html",
                "<a href=\"parties/b.html\">\n<a href=\"parties/a.html#nope\"><a href=\"/abs.html\"><a href=\"parties/\">",
            ),
            page("parties/a.html", "<a href=\"../../up.html\">"),
        ];
        let found = problems(&files);
        assert!(found.contains(&(
            "index.html".into(),
            "parties/b.html".into(),
            Problem::NoFile("parties/b.html".into())
        )));
        assert!(found.contains(&(
            "index.html".into(),
            "parties/a.html#nope".into(),
            Problem::NoAnchor {
                file: "parties/a.html".into(),
                anchor: "nope".into()
            }
        )));
        assert!(found.contains(&(
            "index.html".into(),
            "/abs.html".into(),
            Problem::RootAbsolute
        )));
        assert!(found.contains(&(
            "index.html".into(),
            "parties/".into(),
            Problem::Folder("parties/".into())
        )));
        assert!(found.contains(&(
            "parties/a.html".into(),
            "../../up.html".into(),
            Problem::LeavesSite
        )));
        assert_eq!(verify(&files, &BTreeMap::new())[0].line, 1);
    }

    #[test]
    fn one_link_text_on_several_pages_is_checked_from_each() {
        let files = [
            page("index.html", "<a href=\"a.html#x\">\n<a href=\"a.html\">"),
            page("sub/p.html", "<a href=\"a.html#x\">"),
            page("a.html", "<p id=\"x\">"),
            page("sub/a.html", "<p id=\"y\">"),
        ];
        assert_eq!(
            verify(&files, &BTreeMap::new()),
            [Miss {
                page: "sub/p.html".into(),
                line: 1,
                target: "a.html#x".into(),
                problem: Problem::NoAnchor {
                    file: "sub/a.html".into(),
                    anchor: "x".into()
                },
            }]
        );
    }

    #[test]
    fn links_into_their_own_page_are_checked_on_each_page_of_a_folder() {
        // The same text, `#x` or `?q#x`, finds a different place on each
        // page, while `../gone.html` misses alike from every page of `s/`.
        let files = [
            page("s/a.html", "<p id=\"x\"><a href=\"#x\"><a href=\"?q#x\">"),
            page("s/b.html", "<p id=\"y\"><a href=\"#x\">\n<a href=\"?q#x\">"),
            page("s/c.html", "<a href=\"../gone.html\">"),
            page("s/d.html", "\n\n<a href=\"../gone.html\">"),
        ];
        let found: Vec<(String, u64, String)> = verify(&files, &BTreeMap::new())
            .into_iter()
            .map(|m| (m.page, m.line, m.problem.to_string()))
            .collect();
        let no_x = "`s/b.html` has no element with id `x`".to_string();
        let gone = "the site has no file `gone.html`".to_string();
        assert_eq!(
            found,
            [
                ("s/b.html".to_string(), 1, no_x.clone()),
                ("s/b.html".to_string(), 2, no_x),
                ("s/c.html".to_string(), 1, gone.clone()),
                ("s/d.html".to_string(), 3, gone),
            ]
        );
    }

    #[test]
    fn script_text_is_not_markup() {
        let files = [page(
            "index.html",
            "<script>let s = '<a href=\"nope.html\">';</script>",
        )];
        assert_eq!(problems(&files), []);
    }

    #[test]
    fn schemes_are_external() {
        for t in [
            "https://x",
            "mailto:a@b",
            "data:image/png;base64,xx",
            "//cdn.example/x.js",
            "tel:+1",
        ] {
            assert!(is_external(t), "{t}");
        }
        for t in ["a.html", "a/b:c.html", "#x", "?q"] {
            assert!(!is_external(t), "{t}");
        }
    }

    #[test]
    fn the_scanner_reads_every_quoting_style_and_skips_what_is_not_markup() {
        let html = "<!DOCTYPE html>\n<!-- <a href=\"commented.html\"> -->\n<P ID=Up>a < b</P>\n\
                    <a href='single.html' class=x>s</a><img src=bare.png alt=\"x > y\">\n\
                    <style>a[href=\"style.html\"]{}</style><textarea><a href=\"text.html\"></textarea>\n\
                    <a\nhref = \"spaced.html?a=1&amp;b=2#top\" >x</a><div data-id=\"no\" id=\"&#x61;nchor\"></div>";
        let found = scan(html);
        let links: Vec<(u64, &str)> = found.links.iter().map(|(l, t)| (*l, t.as_ref())).collect();
        assert_eq!(
            links,
            [
                (4, "single.html"),
                (4, "bare.png"),
                (6, "spaced.html?a=1&b=2#top")
            ]
        );
        for id in ["up", "Up", "anchor"] {
            assert_eq!(found.ids.contains(&id_hash(id)), id != "up", "{id}");
        }
        assert!(!found.ids.contains(&id_hash("no")));
    }

    #[test]
    fn references_decode_and_unknown_ones_stay() {
        assert_eq!(
            decode_references("a&amp;b&#39;c&#x2F;d&nbsp;e&f"),
            "a&b'c/d&nbsp;e&f"
        );
    }

    #[test]
    fn an_unclosed_tag_or_comment_ends_the_scan_quietly() {
        assert!(scan("<a href=\"x.html\"").links.len() == 1);
        assert!(
            scan("<!-- never closed <a href=\"y.html\">")
                .links
                .is_empty()
        );
        assert!(
            scan("<script>never closed <a href=\"z.html\">")
                .links
                .is_empty()
        );
    }
}
