//! The only writer: puts a rendered site on disk all at once.
//!
//! Files are written into a staging folder beside the output folder, which then
//! replaces the old output by rename. A build that fails before this point, or
//! while writing, leaves the previous output untouched. A marker file records
//! that `brief` made the folder, so it never replaces a folder it did not make.

use std::fs;
use std::path::{Component, Path, PathBuf};

use std::sync::atomic::{AtomicUsize, Ordering};

use std::io::Write;

use crate::render::{OutFile, Pieces, Sink, SinkError, SiteError};

/// Name of the file that marks an output folder as made by `brief`.
pub const MARKER: &str = ".brief-output";

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("refusing to write to {0}: {1}")]
    Refused(PathBuf, String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    pub files: usize,
    pub bytes: usize,
}

/// Checks that `out` may be replaced: not the site root or `content/`, and
/// either absent, empty, or made by `brief` (unless `force`).
pub fn check_target(root: &Path, out: &Path, force: bool) -> Result<(), OutputError> {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let out_c = canonical(out);
    let root_c = canonical(root);
    if out_c == root_c || out_c.starts_with(root_c.join("content")) || root_c.starts_with(&out_c) {
        return Err(OutputError::Refused(
            out.to_path_buf(),
            "it is the site itself or holds its content".into(),
        ));
    }
    if force || !out.exists() || out.join(MARKER).is_file() {
        return Ok(());
    }
    let empty = fs::read_dir(out).map_err(io(out))?.next().is_none();
    if empty {
        Ok(())
    } else {
        Err(OutputError::Refused(
            out.to_path_buf(),
            "the folder is not empty and was not made by brief (pass --force to replace it)".into(),
        ))
    }
}

/// A new output folder being filled beside the real one. Files go straight to
/// disk as they are rendered; [`Staging::commit`] swaps the folder in by
/// rename, and dropping it uncommitted removes it, leaving the previous output
/// as it was.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    old: PathBuf,
    files: AtomicUsize,
    bytes: AtomicUsize,
    committed: bool,
}

impl Staging {
    pub fn new(out: &Path) -> Result<Staging, OutputError> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(io(&parent))?;
        let name = out
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(io(&dir))?;
        }
        fs::create_dir_all(&dir).map_err(io(&dir))?;
        let marker = dir.join(MARKER);
        fs::write(
            &marker,
            b"This folder was written by brief and is replaced on every build.\n",
        )
        .map_err(io(&marker))?;
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
            old,
            files: AtomicUsize::new(0),
            bytes: AtomicUsize::new(0),
            committed: false,
        })
    }

    /// Replaces the output folder with the staged one.
    pub fn commit(mut self) -> Result<Written, OutputError> {
        if self.out.exists() {
            fs::rename(&self.out, &self.old).map_err(io(&self.out))?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.out) {
            let _ = fs::rename(&self.old, &self.out);
            return Err(io(&self.out)(e));
        }
        self.committed = true;
        if self.old.exists() {
            fs::remove_dir_all(&self.old).map_err(io(&self.old))?;
        }
        Ok(Written {
            files: self.files.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
        })
    }
}

impl Sink for Staging {
    fn put(&self, file: OutFile) -> Result<(), SinkError> {
        let fail = |source| SinkError {
            path: file.path.clone(),
            source,
        };
        self.create(&file.path)
            .and_then(|mut made| made.write_all(&file.bytes))
            .map_err(fail)?;
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(file.bytes.len(), Ordering::Relaxed);
        Ok(())
    }

    fn put_pieces(&self, rel: &str, pieces: Pieces) -> Result<(), SiteError> {
        let fail = |source| SinkError {
            path: rel.to_string(),
            source,
        };
        let mut out = std::io::BufWriter::new(self.create(rel).map_err(fail)?);
        let mut bytes = 0;
        for piece in pieces {
            let piece = piece?;
            out.write_all(piece.as_bytes()).map_err(fail)?;
            bytes += piece.len();
        }
        out.flush().map_err(fail)?;
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        Ok(())
    }
}

impl Staging {
    /// A new file at `rel` in the staging folder, and the folders it needs.
    fn create(&self, rel: &str) -> std::io::Result<fs::File> {
        if !is_inside(rel) {
            return Err(std::io::Error::other("the path leaves the output folder"));
        }
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::File::create(path)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Whether a relative output path stays inside the output folder.
fn is_inside(rel: &str) -> bool {
    Path::new(rel)
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_must_stay_inside() {
        assert!(is_inside("parties/openai.html"));
        assert!(!is_inside("../x.html"));
        assert!(!is_inside("/etc/passwd"));
    }

    fn build(out: &Path, path: &str, bytes: &[u8]) -> Written {
        let staging = Staging::new(out).unwrap();
        staging
            .put(OutFile {
                path: path.into(),
                bytes: bytes.to_vec(),
            })
            .unwrap();
        staging.commit().unwrap()
    }

    #[test]
    fn replaces_previous_output_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        build(&out, "a/b.html", b"one");
        let written = build(&out, "c.html", b"two");
        assert_eq!(written, Written { files: 1, bytes: 3 });
        assert!(!out.join("a/b.html").exists());
        assert_eq!(fs::read(out.join("c.html")).unwrap(), b"two");
        assert!(out.join(MARKER).is_file());
        assert_eq!(
            fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "no staging folders left behind"
        );
    }

    #[test]
    fn an_uncommitted_staging_folder_leaves_the_output_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        build(&out, "keep.html", b"old");
        let staging = Staging::new(&out).unwrap();
        staging
            .put(OutFile {
                path: "new.html".into(),
                bytes: b"new".to_vec(),
            })
            .unwrap();
        drop(staging);
        assert_eq!(fs::read(out.join("keep.html")).unwrap(), b"old");
        assert!(!out.join("new.html").exists());
        assert_eq!(
            fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "the staging folder is removed"
        );
    }

    #[test]
    fn pieces_are_written_in_order_and_a_failure_is_returned_as_itself() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let staging = Staging::new(&out).unwrap();
        let mut pieces = ["<p>a</p>", "b", "c"]
            .map(|p| Ok(p.to_string()))
            .into_iter();
        staging.put_pieces("print.html", &mut pieces).unwrap();
        let written = staging.commit().unwrap();
        assert_eq!(
            fs::read_to_string(out.join("print.html")).unwrap(),
            "<p>a</p>bc"
        );
        assert_eq!(written.bytes, 10);

        let staging = Staging::new(&out).unwrap();
        let broken = crate::render::SiteError::Render(crate::render::RenderError {
            template: "card.html".into(),
            message: "broken".into(),
        });
        let mut pieces = [Ok("partial".to_string()), Err(broken)].into_iter();
        let failed = staging.put_pieces("print.html", &mut pieces);
        match failed {
            Err(crate::render::SiteError::Render(err)) => assert_eq!(err.template, "card.html"),
            other => panic!("expected the render error, got {other:?}"),
        }
    }

    #[test]
    fn a_path_leaving_the_folder_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let staging = Staging::new(&tmp.path().join("public")).unwrap();
        assert!(
            staging
                .put(OutFile {
                    path: "../x.html".into(),
                    bytes: Vec::new()
                })
                .is_err()
        );
        assert!(!tmp.path().join("x.html").exists());
    }
}
