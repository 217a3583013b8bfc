//! Rebuilding after an edit without redoing what the edit did not touch, for
//! `brief serve`.
//!
//! An [`Incremental`] runs the same pipeline as a full build, but keeps what
//! each build made so the next one can reuse it: the references scanned from
//! each body, each Markdown body rendered, each card, each page and feed, and
//! the scan of each page for verification ([`verify::ScanCache`]). Reuse is decided by content,
//! never by guessing what an edit affects: a scanned or rendered body is keyed
//! by a digest of its text and options and reused only if every question it
//! asked about other entities (a name, a link target, a card) still gets the
//! same answer; a page or feed is reused only if the digest of everything its
//! template sees is the same. So the output is the output of a full build, byte
//! for byte, and only bodies and pages whose inputs changed are rendered again.
//!
//! It reads the sources afresh on every build (reading is cheap next to
//! rendering) and writes nothing: the files are handed back in memory.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::annotate::{self, RawRef};
use crate::model::Kind;
use crate::render::{self, Bytes, NextBatch, OutFile, Sink, SinkError, SiteError};
use crate::theme::Theme;
use crate::{BuildOptions, Compiled, Error, diagnostics, timed, verify};

/// A 128-bit digest of a value's `Hash`: equal digests stand for equal inputs.
pub type Digest = u128;

/// The xxh3 digest of `value`, fed through its `Hash` implementation.
pub fn digest<T: Hash + ?Sized>(value: &T) -> Digest {
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with_borrow_mut(|buffer| {
        buffer.clear();
        let mut gather = Gather(std::mem::take(buffer));
        value.hash(&mut gather);
        let digest = xxhash_rust::xxh3::xxh3_128(&gather.0);
        *buffer = gather.0;
        digest
    })
}

/// Gathers the bytes a value's `Hash` writes, to digest them in one call:
/// `Hash` writes many small pieces, and xxh3 is several times faster on one
/// buffer than fed piece by piece.
struct Gather(Vec<u8>);

impl std::hash::Hasher for Gather {
    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    fn finish(&self) -> u64 {
        xxhash_rust::xxh3::xxh3_64(&self.0)
    }
}

/// A memo table that lives from one build to the next: what the last build
/// stored, and what this build has stored or reused so far. Only what a build
/// used survives into the next, so the table never grows past one build's worth.
pub struct Table<K, V> {
    previous: HashMap<K, V>,
    next: Mutex<HashMap<K, V>>,
    /// How many entries this build made rather than reused.
    made: AtomicUsize,
}

impl<K, V> Default for Table<K, V> {
    fn default() -> Self {
        Table {
            previous: HashMap::new(),
            next: Mutex::new(HashMap::new()),
            made: AtomicUsize::new(0),
        }
    }
}

impl<K: Eq + Hash + Clone, V: Clone> Table<K, V> {
    /// The value stored under `key` by this build or the last, if `valid`
    /// accepts it; it is then kept for the next build.
    pub fn get(&self, key: &K, valid: impl FnOnce(&V) -> bool) -> Option<V> {
        if let Some(value) = lock(&self.next).get(key) {
            return valid(value).then(|| value.clone());
        }
        let value = self.previous.get(key).filter(|v| valid(v))?;
        lock(&self.next).insert(key.clone(), value.clone());
        Some(value.clone())
    }

    pub fn put(&self, key: K, value: V) {
        self.made.fetch_add(1, Ordering::Relaxed);
        lock(&self.next).insert(key, value);
    }

    /// Makes what this build stored the table the next build starts from,
    /// and returns how many entries it made rather than reused.
    fn advance(&mut self) -> usize {
        let next = std::mem::take(self.next.get_mut().unwrap_or_else(|p| p.into_inner()));
        self.previous = next;
        std::mem::take(self.made.get_mut())
    }

    fn clear(&mut self) {
        self.previous.clear();
        lock(&self.next).clear();
    }
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The references of one body as `annotate::scan` found them, and the names
/// it asked for along the way.
#[derive(Clone)]
pub struct Scanned {
    pub refs: Vec<RawRef>,
    names: Vec<(Kind, String, Option<String>)>,
}

/// A body as `annotate::render` made it, and what it asked of other entities.
pub struct Body {
    pub rendered: Arc<annotate::Rendered>,
    pub asked: Vec<Asked>,
    /// `Renderer::face` when the body was rendered: while it is the same,
    /// every question asked has the same answer.
    pub face: Digest,
}

/// One question a body's rendering asked about another entity, and a digest
/// of the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    Target(Kind, String, Digest),
    Card(Kind, String, Digest),
}

/// A page or feed as last made: the digest of its inputs and its bytes.
pub struct Kept {
    pub inputs: Digest,
    pub bytes: Bytes,
}

/// Everything a build may reuse from the build before it.
#[derive(Default)]
pub struct Reuse {
    /// By digest of the body text.
    pub scans: Table<Digest, Arc<Scanned>>,
    /// By digest of the body text, link mode, root and render options.
    pub bodies: Table<Digest, Arc<Body>>,
    /// By digest of the card's template context.
    pub cards: Table<Digest, Arc<str>>,
    /// By output path.
    pub files: Table<String, Arc<Kept>>,
    /// Entity pages by output path, kept by a digest of what such a page
    /// can show, checked before its context is built
    /// (`Renderer::entity_page`).
    pub pages: Table<String, Arc<Kept>>,
    /// The theme the rendered entries were made with.
    theme: Option<Digest>,
    /// The sources the last build read.
    pub sources: Mutex<crate::source::Known>,
}

impl Reuse {
    /// The references in `body`, scanned again only when the body is new or
    /// a name it asked for changed.
    pub fn scan(
        &self,
        source: &Arc<String>,
        body_start: usize,
        name: &dyn Fn(Kind, &str) -> Option<String>,
    ) -> Vec<RawRef> {
        // Snippets kept from the last build point into the text read then,
        // which held this same body.
        let key = digest(source.get(body_start..).unwrap_or(""));
        let still = |s: &Arc<Scanned>| {
            s.names
                .iter()
                .all(|(kind, id, answer)| name(*kind, id) == *answer)
        };
        if let Some(scanned) = self.scans.get(&key, still) {
            return scanned.refs.clone();
        }
        let names = std::cell::RefCell::new(Vec::new());
        let asking = |kind: Kind, id: &str| {
            let answer = name(kind, id);
            names
                .borrow_mut()
                .push((kind, id.to_string(), answer.clone()));
            answer
        };
        let refs = annotate::scan_source(source, body_start, &asking);
        let mut names = names.into_inner();
        names.sort();
        names.dedup();
        self.scans.put(
            key,
            Arc::new(Scanned {
                refs: refs.clone(),
                names,
            }),
        );
        refs
    }

    /// Forgets every rendered entry when the theme changed: templates are not
    /// part of the digests.
    fn use_theme(&mut self, theme: Digest) {
        if self.theme != Some(theme) {
            self.bodies.clear();
            self.cards.clear();
            self.files.clear();
            self.pages.clear();
            self.theme = Some(theme);
        }
    }

    /// Moves every table on to the next build; returns how many pages and
    /// feeds this build rendered.
    fn advance(&mut self) -> usize {
        self.scans.advance();
        self.bodies.advance();
        self.cards.advance();
        self.pages.advance();
        self.files.advance()
    }
}

/// The site at a root, rebuilt on demand, reusing what the last build made.
pub struct Incremental {
    root: PathBuf,
    options: BuildOptions,
    reuse: Reuse,
    theme: Option<Theme>,
    /// Each page's scan for verification, by a digest of its bytes.
    scans: verify::ScanCache,
    /// The files of the last build that got as far as verification, good
    /// or not: the pages verification last saw.
    last: Arc<BTreeMap<String, Bytes>>,
}

/// What one rebuild did.
pub struct Rebuilt {
    pub compiled: Compiled,
    /// Every output file by path, when the build succeeded.
    pub files: Option<Arc<BTreeMap<String, Bytes>>>,
    /// How many files differ from the last build's (added, changed or gone).
    pub changed: usize,
    /// How many pages and feeds went through their templates or serialisers
    /// again; the rest were reused as they were.
    pub rendered: usize,
}

impl Incremental {
    pub fn new(root: &Path, options: BuildOptions) -> Incremental {
        Incremental {
            root: root.to_path_buf(),
            options,
            reuse: Reuse::default(),
            theme: None,
            scans: verify::ScanCache::default(),
            last: Arc::default(),
        }
    }

    /// Builds the site in memory, as [`crate::check`] does, with the same
    /// diagnostics and the same files.
    pub fn build(&mut self) -> Result<Rebuilt, Error> {
        let mut compiled = timed("compile", || {
            crate::compile_with(&self.root, Some(&self.reuse))
        })?;
        if compiled.failed(self.options.deny_warnings) {
            return Ok(Rebuilt {
                compiled,
                files: None,
                changed: 0,
                rendered: 0,
            });
        }
        let theme = timed("theme", || {
            Theme::reload(Some(&self.root), self.theme.take())
        })?;
        self.reuse.use_theme(theme.digest());
        let theme = self.theme.insert(theme);
        let keep = Keep {
            previous: Arc::clone(&self.last),
            collector: verify::Collector::new(Some(&self.scans)),
            files: Mutex::default(),
            changed: Mutex::default(),
        };
        for (path, bytes) in &theme.statics {
            let file = OutFile {
                path: path.clone(),
                bytes: bytes.clone(),
            };
            keep.put(file).map_err(render::SiteError::from)?;
        }
        let rendered = timed("render", || {
            crate::render_into(
                &compiled,
                theme,
                self.options.base_url.clone(),
                &keep,
                Some(&self.reuse),
            )
        });
        let files = keep.files.into_inner().unwrap_or_else(|p| p.into_inner());
        let changed = keep.changed.into_inner().unwrap_or_else(|p| p.into_inner());
        rendered?;
        // Everything rendered: what this build made is what the next reuses.
        let rendered = self.reuse.advance();
        let changed = changed.len()
            + (self.last.keys())
                .filter(|path| !files.contains_key(*path))
                .count();
        let misses = timed("verify", || keep.collector.finish());
        let outputs: Vec<&str> = files.keys().map(String::as_str).collect();
        let found = crate::locate_misses(&compiled, misses, &outputs)?;
        compiled.diagnostics.extend(found);
        diagnostics::normalize(&mut compiled.diagnostics);
        let files = Arc::new(files);
        self.last = Arc::clone(&files);
        let good = !compiled.failed(self.options.deny_warnings);
        Ok(Rebuilt {
            changed,
            rendered,
            files: good.then_some(files),
            compiled,
        })
    }
}

/// A sink that keeps every file in memory, sharing the bytes of files that
/// came out of the reuse tables, and hands each to verification as soon as
/// it arrives, while other pages are still rendering.
struct Keep {
    previous: Arc<BTreeMap<String, Bytes>>,
    collector: verify::Collector,
    files: Mutex<BTreeMap<String, Bytes>>,
    /// Every file new or changed since the last build. A later file of the
    /// same path (a page over a static file) decides for that path.
    changed: Mutex<HashSet<String>>,
}

impl Sink for Keep {
    fn put(&self, file: OutFile) -> Result<(), SinkError> {
        self.put_shared(file.path, Arc::new(file.bytes))
    }

    fn put_shared(&self, path: String, bytes: Bytes) -> Result<(), SinkError> {
        self.keep(path, bytes)
    }

    fn put_batches(&self, path: &str, next: NextBatch) -> Result<(), SiteError> {
        let mut parts = Vec::new();
        while let Some(batch) = next()? {
            parts.extend(batch);
        }
        let bytes = Arc::new(parts.concat().into_bytes());
        self.keep(path.to_string(), bytes)?;
        Ok(())
    }
}

impl Keep {
    /// Keeps a file, noting whether it differs from the last build's.
    fn keep(&self, path: String, bytes: Bytes) -> Result<(), SinkError> {
        self.collector.add(&path, &bytes);
        let same =
            (self.previous.get(&path)).is_some_and(|old| Arc::ptr_eq(old, &bytes) || *old == bytes);
        if same {
            lock(&self.changed).remove(&path);
        } else {
            lock(&self.changed).insert(path.clone());
        }
        lock(&self.files).insert(path, bytes);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_keeps_only_what_the_last_build_used() {
        let mut table: Table<u32, &str> = Table::default();
        table.put(1, "one");
        table.put(2, "two");
        assert_eq!(table.advance(), 2);
        assert_eq!(table.get(&1, |_| true), Some("one"));
        assert_eq!(table.get(&2, |_| false), None, "a stale entry is refused");
        assert_eq!(table.advance(), 0, "reused entries are not counted as made");
        assert_eq!(table.get(&1, |_| true), Some("one"));
        assert_eq!(table.get(&2, |_| true), None, "unused entries are dropped");
    }

    #[test]
    fn digests_tell_values_apart() {
        assert_eq!(digest("a"), digest("a"));
        assert_ne!(digest(&("ab", "c")), digest(&("a", "bc")));
    }
}
