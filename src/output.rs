//! The only writer: puts a rendered site on disk all at once.
//!
//! Files are written into a staging folder beside the output folder, which then
//! replaces the old output by rename. A build that fails before this point, is
//! interrupted (SIGINT, SIGTERM, SIGHUP), or fails while writing leaves the
//! previous output untouched and removes its staging folder; what a killed
//! build could not remove, the next build does. A marker file records that
//! `brief` made a folder, so it never replaces or removes a folder it did not
//! make. [`check_target`] keeps every output off the site's inputs. This module
//! does not render or resolve anything.

use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use std::io::Write;

pub use crate::sink::WriteError;
use crate::sink::{OutFile, Pieces, Sink, SiteError};

mod guard;
pub use guard::{INPUTS, Overlap, check_target, overlap};

/// Name of the file that marks an output folder as made by `brief`.
pub const MARKER: &str = ".brief-output";
const MARKER_TEXT: &str = "This folder was written by brief and is replaced on every build.\n";

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error(transparent)]
    Io(#[from] WriteError),
    #[error("refusing to write to {0}: {1}")]
    Refused(PathBuf, String),
    #[error(
        "no content/ folder in {0}: a build would replace the output with an empty site; create content/ or pass --root to the site's folder"
    )]
    NoContent(PathBuf),
    #[error("the build was interrupted; the previous output is as it was")]
    Interrupted,
}

/// The error for an I/O failure at `path`; `?` turns it into the error of
/// whichever command failed.
pub(crate) fn io(path: &Path) -> impl Fn(std::io::Error) -> WriteError + Copy + '_ {
    move |source| WriteError {
        path: path.to_path_buf(),
        source,
    }
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    pub files: usize,
    pub bytes: usize,
    /// The previous output, when the new one is in place but the old one
    /// could not be removed: where it was left and why.
    pub left_behind: Option<LeftBehind>,
}

/// A previous output that stayed on disk after the new one replaced it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the new output is in place, but the previous one could not be removed ({cause}); it is left at {path}: delete it, or the next build will try again"
)]
pub struct LeftBehind {
    pub path: PathBuf,
    pub cause: String,
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
    /// Set when brief is asked to stop: the next file refuses to be written,
    /// so the build ends and the staging folder is removed on the way out.
    stop: Arc<AtomicBool>,
    /// The signal watches that set `stop`, undone when the staging ends.
    watches: Vec<signal_hook::SigId>,
    /// How the previous output is removed (a failing one in tests, since a
    /// folder its owner cannot remove is hard to make when tests run as root).
    remove: fn(&Path) -> std::io::Result<()>,
}

/// Watches the signals that ask brief to stop (SIGINT, SIGTERM, and SIGHUP
/// on Unix) into `stop`: the first sets it; a second, with `stop` already
/// set, has its usual effect at once. Returns each watch, or why it could
/// not be made.
pub(crate) fn watch_stop(stop: &Arc<AtomicBool>) -> Vec<std::io::Result<signal_hook::SigId>> {
    let mut signals = signal_hook::consts::TERM_SIGNALS.to_vec();
    #[cfg(unix)]
    signals.push(signal_hook::consts::SIGHUP);
    use signal_hook::flag::{register, register_conditional_default};
    let watch = |signal| {
        let conditional = register_conditional_default(signal, Arc::clone(stop));
        [conditional, register(signal, Arc::clone(stop))]
    };
    signals.into_iter().flat_map(watch).collect()
}

impl Staging {
    pub fn new(out: &Path) -> Result<Staging, OutputError> {
        // A bare name's parent is empty: the current folder.
        let parent = (out.parent()).filter(|p| !p.as_os_str().is_empty());
        let parent = parent.unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(io(parent))?;
        let name = (out.file_name()).map_or("public".into(), |n| n.to_string_lossy());
        remove_stale(parent, &name, out);
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        // This process's own leftovers, from an earlier build into the same
        // output, are in no one's use.
        for leftover in [&dir, &old] {
            if fs::symlink_metadata(leftover).is_ok() {
                fs::remove_dir_all(leftover).map_err(io(leftover))?;
            }
        }
        let stop = Arc::new(AtomicBool::new(false));
        let staging = Staging {
            // For a build, the first stop signal winds it down, removing its
            // staging folder. A signal that cannot be watched keeps its usual
            // effect, which leaves the staging folder to the next build, so
            // failing to watch is not an error.
            watches: watch_stop(&stop).into_iter().flatten().collect(),
            stop,
            dir,
            out: out.to_path_buf(),
            old,
            files: AtomicUsize::new(0),
            bytes: AtomicUsize::new(0),
            committed: false,
            remove: |path| fs::remove_dir_all(path),
        };
        fs::create_dir_all(&staging.dir).map_err(io(&staging.dir))?;
        let marker = staging.dir.join(MARKER);
        fs::write(&marker, MARKER_TEXT).map_err(io(&marker))?;
        Ok(staging)
    }

    /// Whether brief was asked to stop while this staging folder was filled.
    pub fn interrupted(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Replaces the output folder with the staged one. The build counts as
    /// done once the new output is in place: a previous output that cannot
    /// then be removed is reported in [`Written::left_behind`], not as a
    /// failure.
    pub fn commit(mut self) -> Result<Written, OutputError> {
        if self.interrupted() {
            return Err(OutputError::Interrupted);
        }
        if fs::symlink_metadata(&self.out).is_ok() {
            fs::rename(&self.out, &self.old).map_err(io(&self.out))?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.out) {
            let _ = fs::rename(&self.old, &self.out);
            return Err(io(&self.out)(e).into());
        }
        self.committed = true;
        let removed = fs::symlink_metadata(&self.old).map(|_| (self.remove)(&self.old));
        let left_behind = (removed.ok().and_then(Result::err)).map(|e| LeftBehind {
            path: self.old.clone(),
            cause: e.to_string(),
        });
        Ok(Written {
            files: self.files.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            left_behind,
        })
    }

    /// A new file at `rel` in the staging folder, and the folders it needs.
    /// Once brief is asked to stop, new files are refused.
    fn create(&self, rel: &str) -> std::io::Result<fs::File> {
        let path = self.dir.join(rel);
        if self.interrupted() {
            let stop = std::io::ErrorKind::Interrupted;
            Err(std::io::Error::new(stop, "brief was asked to stop"))
        } else if !is_inside(rel) {
            Err(std::io::Error::other("the path leaves the output folder"))
        } else {
            (path.parent().map_or(Ok(()), fs::create_dir_all))
                .and_then(|()| fs::File::create(&path))
        }
    }

    fn count(&self, bytes: usize) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }
}

/// Removes what builds into `parent/name` left beside it when they were
/// killed: `.NAME.staging-PID` and `.NAME.old-PID` folders that hold brief's
/// marker and whose process is gone. A folder of a build still running, or
/// one brief did not make, is left alone. Failing to remove one is not this
/// build's failure: it stays for the next. A build killed between moving the
/// output aside and putting the new one in its place left no output at all:
/// its old output is put back rather than removed.
fn remove_stale(parent: &Path, name: &str, out: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let (staging, old) = (format!(".{name}.staging-"), format!(".{name}.old-"));
    for entry in entries.flatten() {
        let (path, file_name) = (entry.path(), entry.file_name());
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let aside = file_name.strip_prefix(&old);
        let pid = (aside.or_else(|| file_name.strip_prefix(&staging))).and_then(|p| p.parse().ok());
        let ours =
            || fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) && path.join(MARKER).is_file();
        if !pid.is_some_and(|pid| pid != std::process::id() && ours() && !alive(pid)) {
            continue;
        }
        let restored =
            aside.is_some() && fs::symlink_metadata(out).is_err() && fs::rename(&path, out).is_ok();
        if !restored {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

/// Whether process `pid` is running. Where this cannot be told, every
/// process counts as running, so no folder of a live build is removed.
fn alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        use rustix::process::{Pid, test_kill_process};
        let pid = i32::try_from(pid).ok().and_then(Pid::from_raw);
        pid.is_some_and(|pid| test_kill_process(pid) != Err(rustix::io::Errno::SRCH))
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

impl Sink for Staging {
    fn put(&self, file: OutFile) -> Result<(), WriteError> {
        let written = (self.create(&file.path)).and_then(|mut out| out.write_all(&file.bytes));
        written.map_err(io(Path::new(&file.path)))?;
        self.count(file.bytes.len());
        Ok(())
    }

    fn put_pieces(&self, rel: &str, pieces: Pieces) -> Result<(), SiteError> {
        let fail = io(Path::new(rel));
        let mut out = std::io::BufWriter::new(self.create(rel).map_err(fail)?);
        let mut bytes = 0;
        for piece in pieces {
            let piece = piece?;
            out.write_all(&piece).map_err(fail)?;
            bytes += piece.len();
        }
        out.flush().map_err(fail)?;
        self.count(bytes);
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // Undone in every case: a later signal must not find this build's
        // flag, and an uncommitted folder is never kept. (signal-hook cannot
        // restore a signal's usual effect: with no other watcher, such as
        // `brief pdf`'s, a stop signal is ignored from here on, which for
        // `brief build` is the moment before it exits.)
        for watch in self.watches.drain(..) {
            signal_hook::low_level::unregister(watch);
        }
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Whether a relative output path stays inside the output folder.
pub(crate) fn is_inside(rel: &str) -> bool {
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
                bytes: bytes.to_vec().into(),
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
        assert_eq!(
            written,
            Written {
                files: 1,
                bytes: 3,
                left_behind: None
            }
        );
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
                bytes: b"new".to_vec().into(),
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
            .map(|p| Ok(p.as_bytes().to_vec().into()))
            .into_iter();
        staging.put_pieces("print.html", &mut pieces).unwrap();
        let written = staging.commit().unwrap();
        assert_eq!(
            fs::read_to_string(out.join("print.html")).unwrap(),
            "<p>a</p>bc"
        );
        assert_eq!(written.bytes, 10);

        let staging = Staging::new(&out).unwrap();
        let broken = crate::sink::SiteError::Render(crate::render::RenderError {
            template: "card.html".into(),
            message: "broken".into(),
        });
        let mut pieces = [Ok(b"partial".to_vec().into()), Err(broken)].into_iter();
        let failed = staging.put_pieces("print.html", &mut pieces);
        match failed {
            Err(crate::sink::SiteError::Render(err)) => assert_eq!(err.template, "card.html"),
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
                    bytes: Default::default()
                })
                .is_err()
        );
        assert!(!tmp.path().join("x.html").exists());
    }

    #[test]
    fn stale_folders_of_dead_builds_are_removed_and_others_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let make = |name: &str, marked: bool| {
            let dir = tmp.path().join(name);
            fs::create_dir_all(dir.join("sections")).unwrap();
            if marked {
                fs::write(dir.join(MARKER), "").unwrap();
            }
            dir
        };
        let dead_staging = make(".public.staging-999999999", true);
        let dead_old = make(".public.old-999999999", true);
        let foreign = make(".public.staging-999999998", false);
        // Process 1 runs as long as the system does.
        let live = make(".public.staging-1", true);
        let other_name = make(".site.staging-999999999", true);
        build(&out, "a.html", b"a");
        assert!(!dead_staging.exists() && !dead_old.exists());
        assert!(live.exists(), "a running build's folder is kept");
        assert!(foreign.exists(), "a folder brief did not make is kept");
        assert!(other_name.exists(), "another output's folders are kept");
    }

    #[test]
    fn an_old_output_that_cannot_be_removed_is_reported_not_hidden() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        build(&out, "old.html", b"old");
        let mut staging = Staging::new(&out).unwrap();
        staging.remove = |_| Err(std::io::Error::other("device busy"));
        staging
            .put(OutFile {
                path: "new.html".into(),
                bytes: b"new".to_vec().into(),
            })
            .unwrap();
        let written = staging.commit().unwrap();
        let left = written.left_behind.expect("the old output is reported");
        assert!(left.cause.contains("device busy"), "{left}");
        assert!(left.path.join("old.html").is_file(), "{left}");
        assert!(out.join("new.html").is_file());
        assert!(left.to_string().contains(&left.path.display().to_string()));
        // The next build removes it.
        build(&out, "newer.html", b"newer");
        assert!(!left.path.exists());
    }

    #[test]
    fn an_interrupted_staging_refuses_files_and_commit() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let staging = Staging::new(&out).unwrap();
        staging.stop.store(true, Ordering::SeqCst);
        let put = staging.put(OutFile {
            path: "a.html".into(),
            bytes: Default::default(),
        });
        assert!(put.is_err());
        assert!(matches!(staging.commit(), Err(OutputError::Interrupted)));
        assert!(!out.exists());
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
    }

    #[test]
    fn an_output_moved_aside_by_a_killed_build_is_put_back() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let old = tmp.path().join(".public.old-999999999");
        fs::create_dir_all(&old).unwrap();
        fs::write(old.join(MARKER), "").unwrap();
        fs::write(old.join("index.html"), "previous").unwrap();
        let staging = Staging::new(&out).unwrap();
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"previous");
        assert!(!old.exists());
        drop(staging);
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"previous");
    }
}
