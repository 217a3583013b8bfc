//! What rendering hands on, and what takes it: finished files, whole or a
//! piece at a time, into a [`Sink`] (a staging folder, memory, or nowhere).

use std::sync::{Arc, Mutex, PoisonError};

use crate::sync::lock;
use crate::theme::RenderError;

/// One file of the built site: its path relative to the output root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutFile {
    pub path: String,
    pub bytes: Bytes,
}

/// A file's bytes, shared by whoever holds them: `brief serve` hands the
/// same page to its cache, its last build and the server without copying.
pub type Bytes = Arc<Vec<u8>>;

/// Where rendered files go as soon as each is done: a staging folder, memory,
/// or nowhere. Rendering never holds the whole site itself, so a build's
/// memory does not grow with the size of its output.
pub trait Sink: Sync {
    fn put(&self, file: OutFile) -> Result<(), WriteError>;

    /// Takes a file too large to hold whole (`print.html`, `graph.json` of a
    /// large briefing), a piece at a time as `pieces` makes them; each piece
    /// of an HTML file is whole markup. Sinks that keep files in memory take
    /// this default, which joins the pieces.
    fn put_pieces(&self, path: &str, pieces: Pieces) -> Result<(), SiteError> {
        // Joined once all are made, into a buffer of the right size: grown
        // piece by piece, a large file would be copied over and over.
        let pieces = pieces.collect::<Result<Vec<Bytes>, SiteError>>()?;
        let slices: Vec<&[u8]> = pieces.iter().map(|piece| piece.as_slice()).collect();
        Ok(self.put(OutFile {
            path: path.to_string(),
            bytes: Arc::new(slices.concat()),
        })?)
    }
}

/// The pieces of a file handed on in pieces, made as they are asked for: a
/// piece `brief serve` kept from the last build comes as the same bytes.
pub type Pieces<'a> = &'a mut dyn Iterator<Item = Result<Bytes, SiteError>>;

/// A file or folder that could not be made or written where something is
/// written: a sink's file, the output, the PDF, a new content file.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {source}")]
pub struct WriteError {
    pub path: std::path::PathBuf,
    pub source: std::io::Error,
}

#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(transparent)]
    Sink(#[from] WriteError),
}

/// Keeps every file in memory, for `brief serve` and tests.
#[derive(Default)]
pub struct Collect(Mutex<Vec<OutFile>>);

impl Collect {
    /// The files, sorted by path.
    pub fn into_files(self) -> Vec<OutFile> {
        let mut files = self.0.into_inner().unwrap_or_else(PoisonError::into_inner);
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

impl Sink for Collect {
    fn put(&self, file: OutFile) -> Result<(), WriteError> {
        lock(&self.0).push(file);
        Ok(())
    }
}
