//! Reading a site from disk: `briefing.toml` and every Markdown file under
//! `content/`, in a sorted, deterministic order, each owned behind a `FileId`.
//!
//! This is the only module that reads content. It decodes text (refusing invalid
//! UTF-8 with a located diagnostic, dropping a byte-order mark), sorts files into
//! the four kinds by folder, and refuses paths that leave the site root. It does
//! not parse front matter or Markdown.

use std::path::{Path, PathBuf};
use std::string::FromUtf8Error;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rayon::prelude::*;
// Paths are looked up twice a file on every `serve` build: Fx hashing.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, FileId, Files};
use crate::model::Kind;

/// Where a content file belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Front,
    Entity(Kind),
}

#[derive(Debug, Clone)]
pub struct ContentFile {
    pub file: FileId,
    pub slot: Slot,
    /// File name without `.md`.
    pub stem: String,
}

/// The site's text, ready for parsing.
#[derive(Debug, Clone)]
pub struct Sources {
    pub files: Files,
    pub config_file: FileId,
    pub content: Vec<ContentFile>,
}

/// Failures that are not the author's writing: a missing site, unreadable files.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("no briefing.toml in {0}: is this a brief site? (`brief init DIR` creates one)")]
    NoConfig(PathBuf),
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The content files one read found, for the next read of the same site: a
/// file whose `Stamp` is as it was is not read again. `brief serve` rereads
/// the site on every save, and most files are unchanged.
#[derive(Debug, Default)]
pub struct Known {
    /// When the read that found these began.
    read_at: Option<SystemTime>,
    files: HashMap<PathBuf, (Stamp, Arc<String>)>,
}

/// What tells a file's text changed without reading it: its size and
/// modification time, and on Unix also its inode and its status-change time,
/// which no tool can set back (so a file copied over another with its old
/// time kept is still seen as changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: SystemTime,
    #[cfg(unix)]
    changed: (i64, i64, u64),
}

impl Stamp {
    fn of(metadata: &std::fs::Metadata) -> Option<Stamp> {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        Some(Stamp {
            len: metadata.len(),
            modified: metadata.modified().ok()?,
            #[cfg(unix)]
            changed: (metadata.ctime(), metadata.ctime_nsec(), metadata.ino()),
        })
    }
}

/// How far before a read a file must have been modified for its time to be
/// trusted: a file written during the same tick of a coarse clock as the read
/// (some filesystems keep times to the second or two) is read again.
const TRUST_MODIFIED_BEFORE: Duration = Duration::from_secs(3);

impl Known {
    /// The text kept for `path`, when it still holds: the file has the stamp
    /// it had, and its modification time is old enough to trust.
    fn kept(&self, path: &Path, stamp: Option<Stamp>) -> Option<Arc<String>> {
        let ((kept, text), now) = (self.files.get(path)?, stamp?);
        let trusted_before = self.read_at?.checked_sub(TRUST_MODIFIED_BEFORE)?;
        (now.modified < trusted_before && *kept == now).then(|| Arc::clone(text))
    }
}

/// Reads `root/briefing.toml` and `root/content/**.md`. Problems with individual
/// files (bad encoding, links out of the site, loops) are diagnostics. With
/// `known`, unchanged files' text is taken from there, and what this read
/// found is left there.
pub fn read(
    root: &Path,
    known: Option<&mut Known>,
) -> Result<(Sources, Vec<Diagnostic>), LoadError> {
    let started = SystemTime::now();
    let mut files = Files::default();
    let mut diagnostics = Vec::new();
    let config_path = root.join("briefing.toml");
    if !config_path.is_file() {
        return Err(LoadError::NoConfig(root.to_path_buf()));
    }
    let config = utf8(std::fs::read(&config_path).map_err(io(&config_path))?);
    let config = decode(&mut files, &mut diagnostics, config, "briefing.toml".into());
    // Text that is not UTF-8 is kept, lossily, for its diagnostic to show.
    let config_file = config.unwrap_or_else(|kept| kept);
    let content_root = root.join("content");
    let mut content = Vec::new();
    if content_root.is_dir() {
        let pending = walk(root, &content_root, &mut files, &mut diagnostics)?;
        // Reading is most of this stage's time on a large site: read in
        // parallel, then number the files in the walk's order.
        let previous = known.as_deref();
        let read: Vec<_> = (pending.par_iter())
            .map(|(path, _)| read_one(path, previous))
            .collect();
        let mut next = HashMap::default();
        for ((path, slot), read) in pending.into_iter().zip(read) {
            let (stamp, text) = read.map_err(io(&path))?;
            let rel = display_path(root, &path);
            let Ok(file) = decode(&mut files, &mut diagnostics, text, rel) else {
                continue;
            };
            let stem = path.file_stem().unwrap_or_default().to_string_lossy();
            let stem = stem.into_owned();
            content.push(ContentFile { file, slot, stem });
            // The text moves on to the next read as it is.
            if let Some(stamp) = stamp {
                next.insert(path, (stamp, Arc::clone(files.shared(file))));
            }
        }
        if let Some(known) = known {
            (known.read_at, known.files) = (Some(started), next);
        }
    }
    let sources = Sources {
        files,
        config_file,
        content,
    };
    Ok((sources, diagnostics))
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> LoadError + '_ {
    move |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Reads the content file at `path`, unless `known` holds its text, checked
/// as UTF-8 here, in parallel; with its stamp when there is a [`Known`].
fn read_one(path: &Path, known: Option<&Known>) -> std::io::Result<(Option<Stamp>, Text)> {
    let stamp = match known {
        Some(_) => Stamp::of(&std::fs::metadata(path)?),
        None => None,
    };
    match known.and_then(|known| known.kept(path, stamp)) {
        Some(text) => Ok((stamp, Ok(text))),
        None => Ok((stamp, utf8(std::fs::read(path)?))),
    }
}

/// Walks `content/` in sorted order. Only paths reached through a symbolic
/// link are resolved to check that they stay inside the site: resolving every
/// path costs a system call per folder level per file.
/// A path that is refused or ignored is kept in `files`, empty, for its
/// diagnostic to name.
fn walk(
    root: &Path,
    content_root: &Path,
    files: &mut Files,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<(PathBuf, Slot)>, LoadError> {
    let mut problem = |path: &Path, diagnostic: Diagnostic| {
        let file = files.add(display_path(root, path), String::new());
        diagnostics.push(Diagnostic { file, ..diagnostic });
    };
    let canonical_root = root.canonicalize().map_err(io(root))?;
    // A `content` folder that is itself a link makes every path suspect.
    let content_linked =
        content_root.canonicalize().map_err(io(content_root))? != canonical_root.join("content");
    let mut linked_dirs: HashSet<PathBuf> = HashSet::default();
    let mut found = Vec::new();
    // By name, as `sort_by_file_name` would: siblings share their folder's
    // path, so their whole paths compare as their names do, and need not be
    // taken apart for every comparison.
    let walk = WalkDir::new(content_root)
        .follow_links(true)
        .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()));
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let message = if err.loop_ancestor().is_some() {
                    "symbolic link loop: this folder links back to one of its parents".to_string()
                } else {
                    format!("cannot read: {err}")
                };
                let unreadable = Diagnostic::error("unreadable", 0, 0..0, message);
                let path = err.path().unwrap_or(content_root);
                problem(path, unreadable.with_label("here"));
                continue;
            }
        };
        let path = entry.path();
        let linked = content_linked
            || entry.path_is_symlink()
            || path.parent().is_some_and(|p| linked_dirs.contains(p));
        if entry.file_type().is_dir() {
            if linked {
                linked_dirs.insert(path.to_path_buf());
            }
            continue;
        }
        // Folders went on above, so this is never the content folder itself.
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if hidden || !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let inside = || (path.canonicalize()).is_ok_and(|p| p.starts_with(&canonical_root));
        if linked && !inside() {
            let message = "this file links to a place outside the site folder";
            let help = "copy the file into content/ instead of linking to it";
            let refused = Diagnostic::error("outside-site", 0, 0..0, message);
            problem(path, refused.with_label("refused").with_help(help));
            continue;
        }
        let Some(slot) = slot_of(entry.depth(), path) else {
            let message = "this file is not in a content folder and is ignored";
            let help = "content files go in content/sections, content/parties, content/clauses, content/quotes or content/events";
            let ignored = Diagnostic::warning("ignored-file", 0, 0..0, message);
            problem(path, ignored.with_label("ignored").with_help(help));
            continue;
        };
        found.push((path.to_path_buf(), slot));
    }
    Ok(found)
}

fn slot_of(depth: usize, path: &Path) -> Option<Slot> {
    let name = path.file_name()?.to_str()?;
    match depth {
        1 if name == "_index.md" => Some(Slot::Front),
        2 => {
            let folder = path.parent()?.file_name()?.to_str()?;
            let kind = Kind::ALL.into_iter().find(|k| k.dir() == folder);
            kind.map(Slot::Entity)
        }
        _ => None,
    }
}

fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// A file's text, or why it is not UTF-8.
pub type Text = Result<Arc<String>, FromUtf8Error>;

/// `bytes` as UTF-8 text without a byte-order mark, or why they are not.
pub fn utf8(mut bytes: Vec<u8>) -> Text {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map(Arc::new)
}

/// Keeps checked text, without a byte-order mark, in `files` under `rel`,
/// for a content file or for text from outside the site (the file or
/// standard input `brief render` reads). Invalid UTF-8 is a diagnostic
/// pointing at the first bad byte; the text is kept lossily decoded so the
/// diagnostic can show the line, and its id is the error.
pub fn decode(
    files: &mut Files,
    diagnostics: &mut Vec<Diagnostic>,
    text: Text,
    rel: PathBuf,
) -> Result<FileId, FileId> {
    match text {
        Ok(text) => Ok(files.add(rel, text)),
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let file = files.add(rel, String::from_utf8_lossy(err.as_bytes()).into_owned());
            let message = "this file is not valid UTF-8 text";
            let error = Diagnostic::error("not-utf8", file, at..at + 1, message);
            let help = "save the file as UTF-8";
            diagnostics.push(error.with_label("first invalid byte").with_help(help));
            Err(file)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site with one section, `a.md`, whose text is `text` and whose
    /// modification time is `age` before a fixed moment a little in the past.
    fn write(root: &Path, text: &str, age: Duration) {
        static BASE: std::sync::OnceLock<SystemTime> = std::sync::OnceLock::new();
        let base = *BASE.get_or_init(SystemTime::now);
        let dir = root.join("content/sections");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(root.join("briefing.toml"), "title = \"T\"\n").unwrap();
        let path = dir.join("a.md");
        std::fs::write(&path, text).unwrap();
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(base - age).unwrap();
    }

    fn section_text(root: &Path, known: &mut Known) -> String {
        let (sources, _) = read(root, Some(known)).unwrap();
        sources.files.text(sources.content[0].file).to_string()
    }

    #[test]
    fn unchanged_files_are_not_read_again_and_changed_ones_are() {
        let dir = tempfile::tempdir().unwrap();
        let hour = Duration::from_secs(3600);
        let path = dir.path().join("content/sections/a.md");
        let stamp = |path: &Path| Stamp::of(&std::fs::metadata(path).unwrap());
        let mut known = Known::default();
        write(dir.path(), "one", hour);
        assert_eq!(section_text(dir.path(), &mut known), "one");
        // Untouched, the kept text stands in for the file.
        assert!(known.kept(&path, stamp(&path)).is_some());
        assert_eq!(section_text(dir.path(), &mut known), "one");
        // Rewritten with its size and its old time kept: on Unix the
        // status-change time still tells.
        write(dir.path(), "two", hour);
        if cfg!(unix) {
            assert!(known.kept(&path, stamp(&path)).is_none());
            assert_eq!(section_text(dir.path(), &mut known), "two");
        }
        // A new time is a new text.
        write(dir.path(), "six", hour / 2);
        assert_eq!(section_text(dir.path(), &mut known), "six");
        // A new size too.
        write(dir.path(), "three", hour / 2);
        assert_eq!(section_text(dir.path(), &mut known), "three");
    }

    #[test]
    fn recently_modified_files_are_always_read() {
        // A coarse clock can give two writes in a row the same time; a file
        // modified just before the last read is read again whatever its time.
        let dir = tempfile::tempdir().unwrap();
        let mut known = Known::default();
        write(dir.path(), "one", Duration::ZERO);
        assert_eq!(section_text(dir.path(), &mut known), "one");
        write(dir.path(), "two", Duration::ZERO);
        let path = dir.path().join("content/sections/a.md");
        let (stamp, _) = &known.files[&path];
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(stamp.modified).unwrap();
        assert_eq!(section_text(dir.path(), &mut known), "two");
    }
}
