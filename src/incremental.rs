//! The build `brief serve` runs after each edit: the one pipeline
//! ([`crate::check`]) with a [`Cache`] kept from the build before, the rendered
//! files kept in memory. Whatever the cache hands back was made from inputs
//! with the same digest, so the files are a full build's, byte for byte.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::cache::Cache;
use crate::sink::Bytes;
use crate::{BuildOptions, Compiled, Error};

/// Builds of one site, each reusing what the last one made.
pub struct Incremental {
    root: PathBuf,
    options: BuildOptions,
    cache: Cache,
    last: Arc<BTreeMap<String, Bytes>>,
}

/// What one build made.
pub struct Rebuilt {
    pub compiled: Compiled,
    /// Every file of the site, when the build succeeded.
    pub files: Option<Arc<BTreeMap<String, Bytes>>>,
    /// How many files differ from the last build's (added, changed or gone).
    pub changed: usize,
    /// How many bodies and pages were rendered (and templates compiled)
    /// rather than reused.
    pub rendered: usize,
}

impl Incremental {
    pub fn new(root: &Path, options: BuildOptions) -> Incremental {
        Incremental {
            root: root.to_path_buf(),
            options,
            cache: Cache::default(),
            last: Arc::default(),
        }
    }

    pub fn build(&mut self) -> Result<Rebuilt, Error> {
        let built = crate::check(&self.root, &self.options, Some(&self.cache));
        let rendered = self.cache.advance();
        let (compiled, files) = built?;
        let mut changed = 0;
        let files = files.map(|files| {
            let mut files: BTreeMap<String, Bytes> = (files.into_iter())
                .map(|file| (file.path, file.bytes))
                .collect();
            // Bytes equal to the last build's are shared with it.
            changed = (self.last.keys())
                .filter(|path| !files.contains_key(*path))
                .count();
            for (path, bytes) in files.iter_mut() {
                match self.last.get(path) {
                    Some(last) if last == bytes => *bytes = Arc::clone(last),
                    _ => changed += 1,
                }
            }
            self.last = Arc::new(files);
            Arc::clone(&self.last)
        });
        Ok(Rebuilt {
            compiled,
            files,
            changed,
            rendered,
        })
    }
}
