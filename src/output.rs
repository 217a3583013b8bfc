//! The only writer: puts a rendered site on disk all at once.
//!
//! Files are written into a staging folder beside the output folder, which then
//! replaces the old output by rename. A build that fails before this point, or
//! while writing, leaves the previous output untouched. A marker file records
//! that `brief` made the folder, so it never replaces a folder it did not make.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::render::OutFile;

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

/// Writes `files` and `statics` as the new content of `out`.
pub fn write(
    out: &Path,
    files: &[OutFile],
    statics: &BTreeMap<String, Vec<u8>>,
) -> Result<Written, OutputError> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(io(&parent))?;
    let name = out
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(io(&staging))?;
    }
    fs::create_dir_all(&staging).map_err(io(&staging))?;
    let result = fill(&staging, files, statics);
    let written = match result {
        Ok(w) => w,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    if out.exists() {
        fs::rename(out, &old).map_err(io(out))?;
    }
    if let Err(e) = fs::rename(&staging, out) {
        let _ = fs::rename(&old, out);
        return Err(io(out)(e));
    }
    if old.exists() {
        fs::remove_dir_all(&old).map_err(io(&old))?;
    }
    Ok(written)
}

fn fill(
    dir: &Path,
    files: &[OutFile],
    statics: &BTreeMap<String, Vec<u8>>,
) -> Result<Written, OutputError> {
    let all: Vec<(&str, &[u8])> = statics
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .chain(files.iter().map(|f| (f.path.as_str(), f.bytes.as_slice())))
        .chain([(
            MARKER,
            &b"This folder was written by brief and is replaced on every build.\n"[..],
        )])
        .collect();
    let mut folders: Vec<PathBuf> = all
        .iter()
        .filter_map(|(p, _)| Path::new(p).parent().map(Path::to_path_buf))
        .collect();
    folders.sort();
    folders.dedup();
    for folder in folders {
        let path = dir.join(folder);
        fs::create_dir_all(&path).map_err(io(&path))?;
    }
    all.par_iter().try_for_each(|(rel, bytes)| {
        if !is_inside(rel) {
            return Err(OutputError::Refused(
                PathBuf::from(rel),
                "the path leaves the output folder".into(),
            ));
        }
        let path = dir.join(rel);
        fs::write(&path, bytes).map_err(io(&path))
    })?;
    Ok(Written {
        files: all.len() - 1,
        bytes: all.iter().map(|(_, b)| b.len()).sum(),
    })
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

    #[test]
    fn replaces_previous_output_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let files = vec![OutFile {
            path: "a/b.html".into(),
            bytes: b"one".to_vec(),
        }];
        write(&out, &files, &BTreeMap::new()).unwrap();
        let files = vec![OutFile {
            path: "c.html".into(),
            bytes: b"two".to_vec(),
        }];
        write(&out, &files, &BTreeMap::new()).unwrap();
        assert!(!out.join("a/b.html").exists());
        assert_eq!(fs::read(out.join("c.html")).unwrap(), b"two");
        assert_eq!(
            fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "no staging folders left behind"
        );
    }
}
