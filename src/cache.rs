//! What `brief serve` keeps from one build to the next, handed to the
//! pipeline: the sources' stamps, what each file's front matter loaded to,
//! the compiled templates, the references scanned from each body, each body
//! rendered, each page rendered, and each page's link scan and misses. Every
//! entry is keyed by a digest of everything that made it, never by a guess
//! about what an edit touched, so a build with a cache writes what a build
//! without one writes, byte for byte.
//!
//! The stages ask the cache through [`Table::get_or_make`] and keep no state
//! of their own; a one-off build passes no cache at all.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use crate::annotate::{RawRef, Rendered};
use crate::sync::lock;

/// A 128-bit digest of a value's `Hash`: equal digests stand for equal inputs.
pub type Digest = u128;

/// The xxh3 digest of `value`, fed through its `Hash` implementation.
///
/// The bytes `Hash` writes are gathered first and hashed in one pass: a
/// value writes many small pieces (every field, every string's end), and
/// xxh3's streaming state costs more per write than copying the piece.
pub fn digest<T: Hash + ?Sized>(value: &T) -> Digest {
    // Room for what most values write: growing from nothing, a buffer is
    // moved a dozen times before it holds a few kilobytes.
    let mut bytes = Gathered(Vec::with_capacity(4096));
    value.hash(&mut bytes);
    xxhash_rust::xxh3::xxh3_128(&bytes.0)
}

/// What a value's `Hash` writes, in order.
struct Gathered(Vec<u8>);

impl std::hash::Hasher for Gathered {
    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    /// Never asked for: [`digest`] hashes the bytes itself.
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
            next: Mutex::default(),
            made: AtomicUsize::new(0),
        }
    }
}

impl<K: Eq + Hash + Clone, V: Clone> Table<K, V> {
    /// The value stored under `key` by this build or the last; else what
    /// `make` makes, stored for the next build.
    pub fn get_or_make<E>(&self, key: K, make: impl FnOnce() -> Result<V, E>) -> Result<V, E> {
        if let Some(value) = lock(&self.next).get(&key) {
            return Ok(value.clone());
        }
        let value = match self.previous.get(&key) {
            Some(value) => value.clone(),
            None => {
                self.made.fetch_add(1, Ordering::Relaxed);
                make()?
            }
        };
        lock(&self.next).insert(key, value.clone());
        Ok(value)
    }

    /// Makes what this build stored the table the next build starts from,
    /// and returns how many entries it made rather than reused.
    fn advance(&mut self) -> usize {
        self.previous = std::mem::take(self.next.get_mut().unwrap_or_else(PoisonError::into_inner));
        std::mem::take(self.made.get_mut())
    }
}

/// Everything kept between builds.
#[derive(Default)]
pub struct Cache {
    /// The stamps and texts of the sources last read.
    pub sources: Mutex<crate::source::Known>,
    /// The templates compiled, by a digest of every template's name and text.
    pub themes: Table<Digest, Arc<tera::Tera>>,
    /// What a content file's front matter loaded to (see `load`), by a
    /// digest of the file's place, name and front matter.
    pub fronts: Table<Digest, Arc<dyn std::any::Any + Send + Sync>>,
    /// The references of a body, and a digest of their snippets, by a digest
    /// of its text and of the names of every entity.
    pub scans: Table<Digest, Arc<(Vec<RawRef>, Digest)>>,
    /// A rendered body, by a digest of its text, where it stands, and every
    /// entity view its references and cards can show.
    pub bodies: Table<Digest, Arc<Rendered>>,
    /// A rendered page, by a digest of its template's name and its context.
    pub pages: Table<Digest, Arc<Vec<u8>>>,
    /// Each page's links and ids, by a digest of its bytes.
    pub links: crate::verify::ScanCache,
}

impl Cache {
    /// Ends a build: what it used is what the next one starts from.
    /// Returns how many bodies, pages and sets of templates it made rather
    /// than reused.
    pub fn advance(&mut self) -> usize {
        self.fronts.advance();
        self.scans.advance();
        self.themes.advance() + self.bodies.advance() + self.pages.advance()
    }
}
