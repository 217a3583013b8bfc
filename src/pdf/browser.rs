//! Finding Chromium and running it so that it can neither hang `brief pdf`
//! nor outlive it: every run has a time limit, and the browser starts in a
//! process group of its own, which is killed whole when the run ends (on
//! time, late, or because brief was asked to stop), so no helper process it
//! leaves behind keeps running.
//!
//! This module knows how to start and stop the browser and where its messages
//! go; what page it prints, and what it may load, is decided by the caller.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::{ENV, PdfError};

/// Browser commands looked for on `PATH`, in order.
pub const CANDIDATES: [&str; 5] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
];

/// A browser to run, and how long any one run of it may take.
pub struct Browser {
    pub path: PathBuf,
    pub timeout: Duration,
    /// Set when brief is asked to stop (Ctrl-C, `kill`, a closed terminal).
    /// The browser is in a group of its own, which such a signal sent to
    /// brief's group does not reach, so brief ends the run itself.
    stop: Arc<AtomicBool>,
}

impl Browser {
    /// Finds the browser: `BRIEF_CHROMIUM` when set (it must answer
    /// `--version` in time), else the first candidate on `PATH`.
    pub fn find(timeout: Duration) -> Result<Browser, PdfError> {
        let named = std::env::var_os(ENV).filter(|v| !v.is_empty());
        let none = || PdfError::NoChromium(format!("none of {} is on PATH", CANDIDATES.join(", ")));
        let path = match &named {
            Some(named) => PathBuf::from(named),
            None => on_path(&std::env::var_os("PATH").unwrap_or_default()).ok_or_else(none)?,
        };
        // Watched for as long as the process lives: a signal whose last
        // watcher is taken away is ignored from then on.
        let stop = Arc::new(AtomicBool::new(false));
        for watched in crate::output::watch_stop(&stop) {
            watched.map_err(PdfError::Signals)?;
        }
        let browser = Browser {
            path,
            timeout,
            stop,
        };
        // A `BRIEF_CHROMIUM` that names no browser fails before the site is
        // built: it must answer `--version` in time.
        if named.is_some() {
            let shown = browser.path.display();
            let mut command = Command::new(&browser.path);
            command
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            let cannot_run = |e| PdfError::NoChromium(format!("{ENV}={shown} cannot be run: {e}"));
            let status = browser.run(command, "answer --version", cannot_run)?;
            if !status.success() {
                let exits = format!("{ENV}={shown} exits with {status} on --version");
                return Err(PdfError::NoChromium(exits));
            }
        }
        Ok(browser)
    }

    /// Runs `command` (this browser with its arguments, its output sent
    /// where the caller chose, never to a pipe) in a process group of its
    /// own, for at most the timeout; the group is killed when the run ends
    /// either way. Returns its exit status; `step` names what it was doing in
    /// the error for a timeout, and `cannot_run` makes the error for a run
    /// that cannot start.
    pub fn run(
        &self,
        mut command: Command,
        step: &'static str,
        cannot_run: impl Fn(std::io::Error) -> PdfError,
    ) -> Result<ExitStatus, PdfError> {
        if self.stop.load(Ordering::SeqCst) {
            return Err(PdfError::Stopped);
        }
        command.stdin(Stdio::null());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut group = ProcessGroup(command.spawn().map_err(&cannot_run)?);
        // Waits for the browser to exit, at most `timeout` and only until
        // `stop` is set.
        let started = Instant::now();
        loop {
            if let Some(status) = group.0.try_wait().map_err(&cannot_run)? {
                return Ok(status);
            }
            if started.elapsed() >= self.timeout {
                return Err(PdfError::TimedOut {
                    chromium: self.path.clone(),
                    step,
                    seconds: self.timeout.as_secs_f64(),
                });
            }
            if self.stop.load(Ordering::SeqCst) {
                return Err(PdfError::Stopped);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A running browser in a process group of its own (on Unix), which is
/// killed whole when dropped: the browser and every helper it started.
struct ProcessGroup(Child);

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        // The group's id is the leader's process id. Linux and the BSDs do
        // not hand out a process id that is still some group's id, so the
        // group is either this run's or gone (the signal then finds nobody).
        #[cfg(unix)]
        {
            let group = rustix::process::Pid::from_child(&self.0);
            let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The first candidate browser in the folders of `path`: an executable
/// file, as `which` finds one.
fn on_path(path: &OsString) -> Option<PathBuf> {
    let here = std::env::current_dir().unwrap_or_default();
    let found = |name: &&str| which::which_in(name, Some(path), &here).ok();
    CANDIDATES.iter().find_map(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_search_takes_the_first_candidate_found() {
        let tmp = tempfile::tempdir().unwrap();
        let empty = OsString::from(tmp.path());
        assert_eq!(on_path(&empty), None);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let chrome = tmp.path().join("google-chrome");
            std::fs::write(&chrome, "#!/bin/sh\n").unwrap();
            std::fs::set_permissions(&chrome, std::fs::Permissions::from_mode(0o755)).unwrap();
            assert_eq!(on_path(&empty), Some(chrome));
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_run_that_outlasts_its_time_is_stopped_with_its_helpers() {
        let tmp = tempfile::tempdir().unwrap();
        let helper = tmp.path().join("helper.pid");
        let browser = Browser {
            path: PathBuf::from("/bin/sh"),
            timeout: Duration::from_secs(2),
            stop: Arc::new(AtomicBool::new(false)),
        };
        let mut command = Command::new(&browser.path);
        command
            .arg("-c")
            .arg(format!("sleep 30 & echo $! > {}; wait", helper.display()));
        let started = Instant::now();
        let ended = browser.run(command, "sleep", PdfError::Signals);
        assert!(matches!(ended, Err(PdfError::TimedOut { .. })));
        assert!(started.elapsed() < Duration::from_secs(10));
        let pid = std::fs::read_to_string(&helper).unwrap();
        // SIGKILL is delivered at once, but the process may take a moment to
        // be scheduled and die.
        let gone = (0..100).any(|_| {
            std::thread::sleep(Duration::from_millis(10));
            !running(pid.trim())
        });
        assert!(gone, "helper {pid} still runs");
    }

    /// Whether the process `pid` exists and is not a zombie waiting to be reaped.
    #[cfg(target_os = "linux")]
    fn running(pid: &str) -> bool {
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
            !stat
                .rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
    }
}
