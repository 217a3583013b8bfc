//! Reading a site from disk: `briefing.toml` and every Markdown file under
//! `content/`, in a sorted, deterministic order, each owned behind a `FileId`.
//!
//! This is the only module that reads content. It decodes text (refusing invalid
//! UTF-8 with a located diagnostic, dropping a byte-order mark), sorts files into
//! the four kinds by folder, and refuses paths that leave the site root. It does
//! not parse front matter or Markdown.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::string::FromUtf8Error;

use rayon::prelude::*;

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

/// Reads `root/briefing.toml` and `root/content/**.md`. Problems with individual
/// files (bad encoding, links out of the site, loops) are diagnostics.
pub fn read(root: &Path) -> Result<(Sources, Vec<Diagnostic>), LoadError> {
    let mut files = Files::default();
    let mut diagnostics = Vec::new();
    let config_path = root.join("briefing.toml");
    if !config_path.is_file() {
        return Err(LoadError::NoConfig(root.to_path_buf()));
    }
    let config_file = match read_text(
        &mut files,
        &mut diagnostics,
        &config_path,
        PathBuf::from("briefing.toml"),
    )? {
        Some(file) => file,
        None => files.len() - 1,
    };
    let content_root = root.join("content");
    let mut content = Vec::new();
    if content_root.is_dir() {
        let mut pending = Vec::new();
        for found in walk(root, &content_root)? {
            match found {
                Found::Problem(rel, diagnostic) => {
                    let file = files.add(rel, String::new());
                    diagnostics.push(Diagnostic { file, ..diagnostic });
                }
                Found::Content(entry) => pending.push(entry),
            }
        }
        // Reading is most of this stage's time on a large site: read in
        // parallel, then number the files in the walk's order.
        let read: Vec<std::io::Result<Vec<u8>>> = pending
            .par_iter()
            .map(|entry| std::fs::read(&entry.path))
            .collect();
        for (entry, read) in pending.into_iter().zip(read) {
            let bytes = read.map_err(|source| LoadError::Io {
                path: entry.path.clone(),
                source,
            })?;
            let Some(file) = decode(&mut files, &mut diagnostics, utf8(bytes), entry.rel) else {
                continue;
            };
            content.push(ContentFile {
                file,
                slot: entry.slot,
                stem: entry.stem,
            });
        }
    }
    Ok((
        Sources {
            files,
            config_file,
            content,
        },
        diagnostics,
    ))
}

/// Which kind a file at `depth` under `content/` is, from its folder.
/// One thing the walk of `content/` found.
enum Found {
    /// A path that is refused or ignored, with its diagnostic (whose file is
    /// set once the path has its id).
    Problem(PathBuf, Diagnostic),
    Content(Pending),
}

/// A content file still to be read.
struct Pending {
    path: PathBuf,
    rel: PathBuf,
    slot: Slot,
    stem: String,
}

/// Walks `content/` in sorted order. Only paths reached through a symbolic
/// link are resolved to check that they stay inside the site: resolving every
/// path costs a system call per folder level per file.
fn walk(root: &Path, content_root: &Path) -> Result<Vec<Found>, LoadError> {
    let canonical_root = canonical(root)?;
    // A `content` folder that is itself a link makes every path suspect.
    let content_linked = canonical(content_root)? != canonical_root.join("content");
    let mut linked_dirs: HashSet<PathBuf> = HashSet::new();
    let mut found = Vec::new();
    let walk = WalkDir::new(content_root)
        .follow_links(true)
        .sort_by_file_name();
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| display_path(root, p))
                    .unwrap_or_else(|| "content".into());
                let message = if err.loop_ancestor().is_some() {
                    "symbolic link loop: this folder links back to one of its parents".to_string()
                } else {
                    format!("cannot read: {err}")
                };
                found.push(Found::Problem(
                    path,
                    Diagnostic::error("unreadable", 0, 0..0, message).with_label("here"),
                ));
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
        let rel = display_path(root, path);
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if hidden && entry.depth() > 0 {
            continue;
        }
        if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        if linked && path_leaves(&canonical_root, path) {
            found.push(Found::Problem(
                rel,
                Diagnostic::error(
                    "outside-site",
                    0,
                    0..0,
                    "this file links to a place outside the site folder",
                )
                .with_label("refused")
                .with_help("copy the file into content/ instead of linking to it"),
            ));
            continue;
        }
        let Some(slot) = slot_of(entry.depth(), path) else {
            found.push(Found::Problem(
                rel,
                Diagnostic::warning(
                    "ignored-file",
                    0,
                    0..0,
                    "this file is not in a content folder and is ignored",
                )
                .with_label("ignored")
                .with_help(
                    "content files go in content/sections, content/parties, content/clauses or content/quotes",
                ),
            ));
            continue;
        };
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        found.push(Found::Content(Pending {
            path: path.to_path_buf(),
            rel,
            slot,
            stem,
        }));
    }
    Ok(found)
}

fn slot_of(depth: usize, path: &Path) -> Option<Slot> {
    let name = path.file_name()?.to_str()?;
    match depth {
        1 if name == "_index.md" => Some(Slot::Front),
        2 => {
            let folder = path.parent()?.file_name()?.to_str()?;
            Kind::ALL
                .into_iter()
                .find(|k| k.dir() == folder)
                .map(Slot::Entity)
        }
        _ => None,
    }
}

fn canonical(path: &Path) -> Result<PathBuf, LoadError> {
    path.canonicalize().map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn path_leaves(root: &Path, path: &Path) -> bool {
    path.canonicalize().map_or(true, |p| !p.starts_with(root))
}

fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Reads one file as UTF-8 text.
fn read_text(
    files: &mut Files,
    diagnostics: &mut Vec<Diagnostic>,
    path: &Path,
    rel: PathBuf,
) -> Result<Option<FileId>, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(decode(files, diagnostics, utf8(bytes), rel))
}

/// `bytes` from outside the site (the file or standard input `brief render`
/// reads), kept in `files` under `name` as a content file's would be:
/// without a byte-order mark, and invalid UTF-8 an error at the first bad
/// byte, the text then kept lossily decoded for the error to show.
pub fn add_text(
    files: &mut Files,
    diagnostics: &mut Vec<Diagnostic>,
    bytes: Vec<u8>,
    name: PathBuf,
) -> Option<FileId> {
    decode(files, diagnostics, utf8(bytes), name)
}

/// `bytes` as UTF-8 text without a byte-order mark, or why they are not.
fn utf8(mut bytes: Vec<u8>) -> Result<String, FromUtf8Error> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes)
}

/// Keeps checked text, without a byte-order mark. Invalid UTF-8 is a
/// diagnostic pointing at the first bad byte; the text is kept lossily decoded so
/// the diagnostic can show the line.
fn decode(
    files: &mut Files,
    diagnostics: &mut Vec<Diagnostic>,
    text: Result<String, FromUtf8Error>,
    rel: PathBuf,
) -> Option<FileId> {
    match text {
        Ok(text) => Some(files.add(rel, text)),
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let bytes = err.into_bytes();
            let lossy_at = String::from_utf8_lossy(&bytes[..at]).len();
            let file = files.add(rel, String::from_utf8_lossy(&bytes).into_owned());
            diagnostics.push(
                Diagnostic::error(
                    "not-utf8",
                    file,
                    lossy_at..lossy_at + 1,
                    "this file is not valid UTF-8 text",
                )
                .with_label("first invalid byte")
                .with_help("save the file as UTF-8"),
            );
            None
        }
    }
}
