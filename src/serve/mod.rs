//! `brief serve`: builds the site in memory, serves it on 127.0.0.1, watches
//! the sources, rebuilds on every change and tells open pages to reload.
//!
//! A build that fails leaves the last good site being served; its located
//! diagnostics go to the terminal and, through the live-reload channel, to an
//! overlay in the browser that clears once a build succeeds again. Pages are
//! served from the rendered bytes held in memory, so a request can only ever
//! reach a file of the output, and nothing is written to disk.
//!
//! This module has no build logic of its own: it keeps an
//! [`Incremental`] build, which re-renders
//! only what an edit changed, and serves its result: `routes` says what to
//! answer, `http` is the server.

pub(crate) mod http;
pub(crate) mod routes;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, DebouncedEvent, RecommendedCache, new_debouncer};

use crate::incremental::Incremental;
use crate::output::INPUTS;
use crate::sync::lock;
use crate::{BuildOptions, diagnostics};

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "port {0} on 127.0.0.1 is in use: stop what uses it, or pass --port with another number (0 picks a free one)"
    )]
    PortInUse(u16),
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
    #[error("cannot watch {path} for changes: {source}")]
    Watch {
        path: PathBuf,
        source: notify_debouncer_full::notify::Error,
    },
    #[error("no briefing.toml in {0}: pass --root to a site, or create one with `brief init DIR`")]
    NotASite(PathBuf),
}

/// The site being served: output path → bytes, from the last good build.
type Served = BTreeMap<String, crate::sink::Bytes>;

/// What the browser's live-reload script asks about, as it reads it (JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
struct ReloadState {
    /// Bumped by every finished build, good or not.
    version: u64,
    /// The version of the last good build, the one being served.
    built: u64,
    /// The failed build's diagnostics, until a build succeeds.
    error: Option<String>,
}

/// Shared between the watcher and the request threads: the site being
/// served and its status, with a signal for each change.
#[derive(Default)]
struct State {
    now: Mutex<(Arc<Served>, ReloadState)>,
    changed: Condvar,
}

impl State {
    fn status(&self) -> ReloadState {
        lock(&self.now).1.clone()
    }

    fn files(&self) -> Arc<Served> {
        Arc::clone(&lock(&self.now).0)
    }

    /// Waits until the status version passes `since`, or `timeout`.
    fn wait(&self, since: u64, timeout: Duration) -> ReloadState {
        let now = lock(&self.now);
        let waited = (self.changed).wait_timeout_while(now, timeout, |now| now.1.version <= since);
        let (now, _) = waited.unwrap_or_else(PoisonError::into_inner);
        now.1.clone()
    }

    /// Publishes a finished build: the site it made, which is served from
    /// now on, or its error, served beside the last good build.
    fn publish(&self, build: Result<Arc<Served>, String>) {
        let mut now = lock(&self.now);
        let (served, status) = &mut *now;
        status.version += 1;
        match build {
            Ok(files) => (*served, status.built, status.error) = (files, status.version, None),
            Err(error) => status.error = Some(error),
        }
        self.changed.notify_all();
    }
}

/// Serves the site at `root` on `port` of 127.0.0.1 (0 picks any free
/// port) until the process is stopped; `quiet` prints nothing but errors.
pub fn serve(root: &Path, port: u16, quiet: bool) -> Result<(), ServeError> {
    if !root.join("briefing.toml").is_file() {
        return Err(ServeError::NotASite(root.to_path_buf()));
    }
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let listener = bind(port)?;
    let addr = (listener.local_addr()).map_err(|source| ServeError::Bind { port, source })?;
    let state = Arc::new(State::default());
    let log = Log { quiet };
    let mut site = Incremental::new(&root, BuildOptions::default());
    rebuild(&mut site, &state, &log);
    let (tx, rx) = channel();
    let debouncer = new_debouncer(DEBOUNCE, None, tx).map_err(|source| ServeError::Watch {
        path: root.clone(),
        source,
    })?;
    let mut watcher = Watcher {
        root: root.clone(),
        debouncer,
        folders: BTreeSet::new(),
        rx,
    };
    watcher.refresh()?;
    let root_shown = root.display();
    log.info(&format!(
        "serving {root_shown} at http://{addr}/ (Ctrl-C to stop)\n"
    ));
    let http_state = Arc::clone(&state);
    std::thread::spawn(move || {
        let never = AtomicBool::new(false);
        http::run(listener, &never, move |r| routes::respond(r, &http_state))
    });
    watcher.run(&mut site, &state, &log);
    Ok(())
}

/// How long the watcher waits for a burst of file events to end before
/// rebuilding. Editors save in a few quick steps (write, or write a temporary
/// file and rename it over the old one), which arrive within a millisecond or
/// two; the wait is the floor of every edit's reload time.
const DEBOUNCE: Duration = Duration::from_millis(5);

fn bind(port: u16) -> Result<TcpListener, ServeError> {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    TcpListener::bind(address).map_err(|source| match source.kind() {
        std::io::ErrorKind::AddrInUse => ServeError::PortInUse(port),
        _ => ServeError::Bind { port, source },
    })
}

type Debouncer = notify_debouncer_full::Debouncer<RecommendedWatcher, RecommendedCache>;

/// Whether a changed path is one of the site's inputs, or in one.
fn is_source(root: &Path, path: &Path) -> bool {
    // `starts_with` compares whole components: `contents/` is no source.
    (path.strip_prefix(root)).is_ok_and(|rel| INPUTS.iter().any(|input| rel.starts_with(input)))
}

/// The file watches of one site: the root itself (not recursively, for
/// `briefing.toml`, since editors often replace a file rather than write into
/// it) and each of `content/`, `templates/`, `static/` and `sources/` that exists, added
/// when such a folder appears after serving began; and the events they send.
struct Watcher {
    root: PathBuf,
    debouncer: Debouncer,
    folders: BTreeSet<PathBuf>,
    rx: Receiver<DebounceEventResult>,
}

impl Watcher {
    /// Watches what exists now and is not watched yet.
    fn refresh(&mut self) -> Result<(), ServeError> {
        self.folders.retain(|f| f.is_dir());
        let root = (self.root.clone(), RecursiveMode::NonRecursive);
        // `briefing.toml` is no folder: it is watched through the root.
        let folders = INPUTS.map(|dir| (self.root.join(dir), RecursiveMode::Recursive));
        for (path, mode) in [root].into_iter().chain(folders) {
            if path.is_dir() && !self.folders.contains(&path) {
                let watched = self.debouncer.watch(&path, mode);
                watched.map_err(|source| ServeError::Watch {
                    path: path.clone(),
                    source,
                })?;
                self.folders.insert(path);
            }
        }
        Ok(())
    }

    /// Rebuilds on every batch of source changes, until the watcher goes away.
    fn run(&mut self, site: &mut Incremental, state: &State, log: &Log) {
        while let Ok(events) = self.rx.recv() {
            let mut relevant = changes_sources(&self.root, &events, log);
            // Coalesce whatever else arrived meanwhile into the same rebuild.
            while let Ok(more) = self.rx.try_recv() {
                relevant |= changes_sources(&self.root, &more, log);
            }
            if let Err(err) = self.refresh() {
                log.error(&format!("{err}\n"));
            }
            if relevant {
                rebuild(site, state, log);
            }
        }
    }
}

/// Whether a batch of events changed a source. Reads are not changes: a
/// build opens every source, and counting that would rebuild forever.
fn changes_sources(root: &Path, events: &DebounceEventResult, log: &Log) -> bool {
    match events {
        Ok(events) => events.iter().any(|e: &DebouncedEvent| {
            !matches!(e.kind, EventKind::Access(_)) && e.paths.iter().any(|p| is_source(root, p))
        }),
        Err(errors) => {
            for err in errors {
                log.error(&format!("watching for changes: {err}\n"));
            }
            false
        }
    }
}

/// Builds in memory and publishes the result: the new site, or the error
/// while the last good site stays up.
fn rebuild(site: &mut Incremental, state: &State, log: &Log) {
    let started = Instant::now();
    let text = match site.build() {
        Ok(built) => {
            let text = diagnostics::render(&built.compiled.files, &built.compiled.diagnostics);
            if let Some(files) = built.files {
                log.info(&text);
                let count = files.len();
                state.publish(Ok(files));
                let (changed, rendered) = (built.changed, built.rendered);
                let ms = started.elapsed().as_millis();
                log.info(&format!(
                    "built {count} files ({changed} changed, {rendered} rendered) in {ms} ms\n"
                ));
                return;
            }
            text + &format!("build failed: {} error(s)", built.compiled.errors())
        }
        Err(err) => format!("error: {err}"),
    };
    log.error(&format!("{}\n", text.trim_end()));
    log.error(match state.status().built {
        0 => "serving the error until a build succeeds\n",
        _ => "still serving the last good build\n",
    });
    state.publish(Err(text));
}

/// The terminal side of serving: what went wrong always, the rest unless
/// quiet. Each text ends its own lines.
struct Log {
    quiet: bool,
}

impl Log {
    fn info(&self, text: &str) {
        if !self.quiet {
            self.error(text);
        }
    }

    fn error(&self, text: &str) {
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_trigger_rebuilds() {
        let root = Path::new("/site");
        assert!(is_source(root, Path::new("/site/content/sections/01-a.md")));
        assert!(is_source(root, Path::new("/site/briefing.toml")));
        assert!(is_source(root, Path::new("/site/static/x.css")));
        assert!(is_source(root, Path::new("/site/sources/article.txt")));
        assert!(!is_source(root, Path::new("/site/public/index.html")));
        assert!(!is_source(root, Path::new("/site/.public.staging-1/x")));
        assert!(!is_source(root, Path::new("/elsewhere/content/a.md")));
    }

    #[test]
    fn waiting_returns_when_a_build_finishes() {
        let state = Arc::new(State::default());
        let other = Arc::clone(&state);
        let waiter = std::thread::spawn(move || other.wait(0, Duration::from_secs(5)));
        std::thread::sleep(Duration::from_millis(20));
        state.publish(Err("boom".into()));
        let seen = waiter.join().unwrap();
        assert_eq!(
            seen,
            ReloadState {
                version: 1,
                built: 0,
                error: Some("boom".into())
            }
        );
    }
}
