//! Where an output may go: never on, inside or around the site's inputs, and
//! never onto a file.
//!
//! Every command that writes asks this before it makes anything. Paths are
//! compared as the file system resolves them, so a symbolic link, a `..` or a
//! folder not made yet does not hide where an output would land. This module
//! only judges paths; it writes and removes nothing.

use std::fs;
use std::path::{Component, Path, PathBuf};

use super::{MARKER, OutputError, io};

/// The site's inputs, relative to its root, as the contract names them.
pub const INPUTS: [&str; 5] = ["briefing.toml", "content", "templates", "static", "sources"];

/// How an output relates to the site's inputs, when it must not be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Overlap {
    /// The output is the site's folder or holds it.
    #[error("it is the site's folder, or holds it")]
    Site,
    /// The output is this input or lies inside it.
    #[error("it is, or lies inside, {0}, one of the site's inputs")]
    Inside(&'static str),
    /// The output holds this input (a folder elsewhere that an input links
    /// into): replacing it would remove the input.
    #[error("it holds {0}, one of the site's inputs")]
    Holds(&'static str),
}

/// Whether writing `out` would touch an input of the site at `root`
/// (`briefing.toml`, `content/`, `templates/`, `static/`, `sources/`, or the site folder
/// itself). Paths are compared as the file system resolves them, symbolic
/// links and `..` included, and a path whose folders do not exist yet is
/// judged by where it would be made. The last part of `out` is not resolved:
/// outputs are renamed onto it, which replaces a link there rather than what
/// it points at. Any command that writes (a build, a PDF) can ask this.
pub fn overlap(root: &Path, out: &Path) -> std::io::Result<Option<Overlap>> {
    let target = match (out.parent(), out.file_name()) {
        // A bare name's parent is empty: the current folder.
        (Some(parent), Some(name)) => resolve(&Path::new(".").join(parent))?.join(name),
        _ => resolve(out)?,
    };
    let root = resolve(root)?;
    if root.starts_with(&target) {
        return Ok(Some(Overlap::Site));
    }
    for input in INPUTS {
        let path = resolve(&root.join(input))?;
        if target.starts_with(&path) {
            return Ok(Some(Overlap::Inside(input)));
        }
        if path.starts_with(&target) {
            return Ok(Some(Overlap::Holds(input)));
        }
    }
    Ok(None)
}

/// `path` made absolute and resolved as far as it exists (symbolic links
/// followed), the rest, which does not exist yet, appended part by part with
/// `.` dropped and `..` taking off the part before.
fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    // The nearest folder of it that exists (a root always does).
    for existing in absolute.ancestors() {
        let mut resolved = match existing.canonicalize() {
            Ok(real) => real,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        let rest = absolute.strip_prefix(existing).unwrap_or(Path::new(""));
        for part in rest.components() {
            if part == Component::ParentDir {
                resolved.pop();
            } else if let Component::Normal(name) = part {
                resolved.push(name);
            }
        }
        return Ok(resolved);
    }
    Ok(absolute)
}

/// Checks that `out` may be replaced by a build of the site at `root`: never
/// on or inside the site's inputs, never holding them, never a file (not
/// even with `force`); and either absent, empty, or made by `brief` (unless
/// `force`).
pub fn check_target(root: &Path, out: &Path, force: bool) -> Result<(), OutputError> {
    let refuse = |why: &str| Err(OutputError::Refused(out.to_path_buf(), why.to_string()));
    if let Some(overlap) = overlap(root, out).map_err(io(out))? {
        return refuse(&format!(
            "{overlap}; choose an output folder outside briefing.toml, content/, templates/, static/ and sources/ (the default is {})",
            root.join("public").display()
        ));
    }
    match fs::metadata(out) {
        Ok(meta) if !meta.is_dir() => {
            return refuse(
                "it is a file, and the output is a folder; choose a folder that does not exist yet",
            );
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io(out)(e).into()),
    }
    if force || out.join(MARKER).is_file() || fs::read_dir(out).map_err(io(out))?.next().is_none() {
        return Ok(());
    }
    refuse("the folder is not empty and was not made by brief (pass --force to replace it)")
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_on_or_in_the_inputs_or_onto_a_file_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        fs::create_dir_all(root.join("content/sections")).unwrap();
        fs::create_dir_all(root.join("static")).unwrap();
        fs::write(root.join("briefing.toml"), "title = \"x\"\n").unwrap();
        fs::write(root.join("notes.txt"), "mine").unwrap();
        for bad in [
            ".",
            "..",
            "briefing.toml",
            "content",
            "content/new",
            "content/not/yet",
            "elsewhere/../content/x",
            "static/out",
            "sources",
            "sources/out",
            "templates",
            "templates/out",
        ] {
            let err = check_target(root, &root.join(bad), true).unwrap_err();
            assert!(matches!(err, OutputError::Refused(..)), "{bad}: {err}");
        }
        let err = check_target(root, &root.join("notes.txt"), true).unwrap_err();
        assert!(err.to_string().contains("is a file"), "{err}");
        for good in ["public", "out/site", "contents", "../elsewhere"] {
            assert!(
                check_target(root, &root.join(good), false).is_ok(),
                "{good}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_link_into_the_inputs_is_seen_through() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        fs::create_dir_all(root.join("static")).unwrap();
        std::os::unix::fs::symlink(root.join("static"), tmp.path().join("link")).unwrap();
        let err = check_target(&root, &tmp.path().join("link/out"), false).unwrap_err();
        assert!(matches!(err, OutputError::Refused(..)), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn an_output_holding_an_input_linked_from_elsewhere_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        let elsewhere = tmp.path().join("elsewhere");
        fs::create_dir_all(elsewhere.join("real-content")).unwrap();
        fs::create_dir_all(&root).unwrap();
        std::os::unix::fs::symlink(elsewhere.join("real-content"), root.join("content")).unwrap();
        assert_eq!(
            overlap(&root, &elsewhere).unwrap(),
            Some(Overlap::Holds("content"))
        );
        assert_eq!(overlap(&root, tmp.path()).unwrap(), Some(Overlap::Site));
        assert_eq!(overlap(&root, &tmp.path().join("public")).unwrap(), None);
    }
}
