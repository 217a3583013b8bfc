//! Where `brief pdf` may put the PDF, and putting it there whole.
//!
//! The PDF may go anywhere but onto or into the site's inputs
//! (`briefing.toml`, `content/`, `templates/`, `static/`): a PDF there would
//! overwrite a source or become one. Paths are compared as the file system
//! resolves them, symbolic links and `..` included, and a path whose folders
//! do not exist yet is judged by where it would be made. This module does not
//! decide what to print and never removes anything but its own partial file.

use std::path::{Component, Path, PathBuf};

use super::PdfError;

/// The site's inputs, relative to its root, as the contract names them.
const INPUTS: [&str; 4] = ["briefing.toml", "content/", "templates/", "static/"];

/// Refuses an `out` that is, or lies inside, one of the inputs of the site
/// at `root`.
pub fn refuse_inputs(root: &Path, out: &Path) -> Result<(), PdfError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| PdfError::Io { path, source }
    };
    // The last part of `out` is not resolved: the PDF is renamed onto it,
    // which replaces a symbolic link there rather than what it points at.
    let target = match (out.parent(), out.file_name()) {
        (Some(parent), Some(name)) if parent.as_os_str().is_empty() => {
            resolve(Path::new(".")).map_err(io(out))?.join(name)
        }
        (Some(parent), Some(name)) => resolve(parent).map_err(io(out))?.join(name),
        _ => resolve(out).map_err(io(out))?,
    };
    for input in INPUTS {
        let path = root.join(input);
        if target.starts_with(resolve(&path).map_err(io(&path))?) {
            return Err(PdfError::OutInInputs {
                out: out.to_path_buf(),
                input,
                suggestion: root.join("briefing.pdf"),
            });
        }
    }
    Ok(())
}

/// `path` made absolute and resolved as far as it exists (symbolic links
/// followed), the rest, which does not exist yet, appended part by part with
/// `.` dropped and `..` taking off the part before.
fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    let mut resolved = loop {
        match existing.canonicalize() {
            Ok(real) => break real,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        match (existing.components().next_back(), existing.parent()) {
            (Some(last), Some(parent)) => {
                rest.push(last);
                existing = parent;
            }
            // Only a root lacks a parent, and a root exists; this ends the loop
            // should one not.
            _ => break existing.to_path_buf(),
        }
    };
    for part in rest.into_iter().rev() {
        match part {
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => resolved.push(name),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    Ok(resolved)
}

/// Moves the finished PDF to `out` whole: copied beside it, then renamed.
pub fn place(pdf: &Path, out: &Path) -> Result<u64, PdfError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| PdfError::Io { path, source }
    };
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    let mut partial = out.as_os_str().to_owned();
    partial.push(format!(".partial-{}", std::process::id()));
    let partial = PathBuf::from(partial);
    let bytes = std::fs::copy(pdf, &partial).map_err(io(&partial))?;
    std::fs::rename(&partial, out).map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        io(out)(e)
    })?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_do_not_exist_resolve_where_they_would_be_made() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().canonicalize().unwrap();
        std::fs::create_dir(real.join("content")).unwrap();
        assert_eq!(
            resolve(&real.join("content/new/./deeper/../x.pdf")).unwrap(),
            real.join("content/new/x.pdf")
        );
        assert_eq!(
            resolve(&real.join("elsewhere/../content/x.pdf")).unwrap(),
            real.join("content/x.pdf")
        );
    }

    #[test]
    fn out_is_refused_on_or_in_every_input_and_allowed_beside_them() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("content/sections")).unwrap();
        std::fs::write(root.join("briefing.toml"), "title = \"x\"\n").unwrap();
        for bad in [
            "briefing.toml",
            "content",
            "content/sections/x.pdf",
            "content/not/yet/x.pdf",
            "content/../content/x.pdf",
            "elsewhere/../templates/x.pdf",
            "static",
            "./static/a/b.pdf",
        ] {
            let err = refuse_inputs(root, &root.join(bad)).unwrap_err();
            assert!(matches!(err, PdfError::OutInInputs { .. }), "{bad}: {err}");
        }
        let here = std::env::current_dir().unwrap();
        assert!(refuse_inputs(&here, Path::new("a.pdf")).is_ok());
        assert!(refuse_inputs(Path::new("."), Path::new("briefing.toml")).is_err());
        for good in [
            "briefing.pdf",
            "public/briefing.pdf",
            "contents.pdf",
            "content.pdf",
        ] {
            assert!(refuse_inputs(root, &root.join(good)).is_ok(), "{good}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_into_the_inputs_is_seen_through() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::os::unix::fs::symlink(root.join("content"), tmp.path().join("link")).unwrap();
        let err = refuse_inputs(&root, &tmp.path().join("link/new/x.pdf")).unwrap_err();
        assert!(matches!(err, PdfError::OutInInputs { .. }), "{err}");
    }
}
