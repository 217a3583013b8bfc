//! Reading a site from disk: `briefing.toml` and every Markdown file under
//! `content/`, in a sorted, deterministic order, each owned behind a `FileId`.
//!
//! This is the only module that reads content. It decodes text (refusing invalid
//! UTF-8 with a located diagnostic, dropping a byte-order mark), sorts files into
//! the four kinds by folder, and refuses paths that leave the site root. It does
//! not parse front matter or Markdown.

use std::path::{Path, PathBuf};

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
        let canonical_root = canonical(root)?;
        let walk = WalkDir::new(&content_root)
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
                        "symbolic link loop: this folder links back to one of its parents"
                            .to_string()
                    } else {
                        format!("cannot read: {err}")
                    };
                    let file = files.add(path, String::new());
                    diagnostics.push(
                        Diagnostic::error("unreadable", file, 0..0, message).with_label("here"),
                    );
                    continue;
                }
            };
            let path = entry.path();
            let rel = display_path(root, path);
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if hidden && entry.depth() > 0 {
                continue;
            }
            if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            if path_leaves(&canonical_root, path) {
                let file = files.add(rel, String::new());
                diagnostics.push(
                    Diagnostic::error(
                        "outside-site",
                        file,
                        0..0,
                        "this file links to a place outside the site folder",
                    )
                    .with_label("refused")
                    .with_help("copy the file into content/ instead of linking to it"),
                );
                continue;
            }
            let Some(slot) = slot_of(entry.depth(), path) else {
                let file = files.add(rel, String::new());
                diagnostics.push(
                    Diagnostic::warning(
                        "ignored-file",
                        file,
                        0..0,
                        "this file is not in a content folder and is ignored",
                    )
                    .with_label("ignored")
                    .with_help(
                        "content files go in content/sections, content/parties, content/clauses or content/quotes",
                    ),
                );
                continue;
            };
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            if let Some(file) = read_text(&mut files, &mut diagnostics, path, rel)? {
                content.push(ContentFile { file, slot, stem });
            }
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

/// Reads one file as UTF-8 text without a byte-order mark. Invalid UTF-8 is a
/// diagnostic pointing at the first bad byte; the text is kept lossily decoded so
/// the diagnostic can show the line.
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
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Some(files.add(rel, text.to_string()))),
        Err(err) => {
            let at = err.valid_up_to();
            let text = String::from_utf8_lossy(bytes).into_owned();
            let lossy_at = String::from_utf8_lossy(&bytes[..at]).len();
            let file = files.add(rel, text);
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
            Ok(None)
        }
    }
}
