//! `brief pdf` when things go wrong around it: a browser that hangs or
//! leaves helpers behind (faked by shell scripts named by `BRIEF_CHROMIUM`,
//! so these tests need no Chromium), and an `--out` that would write into
//! the site's inputs.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::support::*;

/// Runs `brief pdf` on the site at `root` writing `out`, with `env` set.
fn pdf_with(root: &Path, out: &Path, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_brief"));
    command
        .args(["pdf", "--quiet", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

/// Asserts exit code 2 and one line on stderr containing each of `words`.
fn assert_one_line_error(output: &Output, words: &[&str]) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    for word in words {
        assert!(err.contains(word), "{word:?} missing from: {err}");
    }
}

#[cfg(target_os = "linux")]
mod browser {
    use super::*;

    /// A fake browser: a shell script that records its own process id and
    /// every helper's in `pids`, then runs `body`.
    fn fake_chromium(dir: &Path, body: &str) -> std::path::PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let pids = dir.join("pids");
        let script = dir.join("chromium");
        std::fs::write(
            &script,
            format!("#!/bin/sh\necho $$ >> '{}'\n{body}\n", pids.display()),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        script
    }

    /// Starts a helper that sleeps and records its process id.
    fn helper(dir: &Path) -> String {
        format!("sleep 600 & echo $! >> '{}'", dir.join("pids").display())
    }

    const ANSWERS_VERSION: &str = "case \"$1\" in --version) echo 'Chromium 1.0'; exit 0;; esac";

    /// Asserts that every process the fake browser recorded is gone.
    fn assert_all_stopped(dir: &Path) {
        let pids = std::fs::read_to_string(dir.join("pids")).unwrap_or_default();
        assert!(!pids.trim().is_empty(), "the fake browser never ran");
        for pid in pids.split_whitespace() {
            // A killed process may take a moment to die; one that nobody
            // reaps stays a zombie, which runs no more.
            let gone = (0..200).any(|_| {
                let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"));
                let dead = stat.is_err()
                    || stat.is_ok_and(|s| {
                        s.rsplit(')')
                            .next()
                            .unwrap_or("")
                            .trim_start()
                            .starts_with('Z')
                    });
                if !dead {
                    std::thread::sleep(Duration::from_millis(10));
                }
                dead
            });
            assert!(gone, "process {pid} still runs:\n{pids}");
        }
    }

    /// `brief pdf` of the basic site into `x.pdf` with a fake browser of
    /// `body` (made in `dir`) and `BRIEF_PDF_TIMEOUT` of `timeout` seconds:
    /// the site, what the command did, and how long it took.
    fn print_with_fake(
        dir: &Path,
        body: &str,
        timeout: &str,
    ) -> (tempfile::TempDir, std::process::Output, Duration) {
        let chromium = fake_chromium(dir, body);
        let site = site("build/basic");
        let out = site.path().join("x.pdf");
        let started = Instant::now();
        let env = [
            ("BRIEF_CHROMIUM", chromium.to_str().unwrap()),
            ("BRIEF_PDF_TIMEOUT", timeout),
        ];
        let output = pdf_with(site.path(), &out, &env);
        (site, output, started.elapsed())
    }

    #[test]
    fn a_browser_that_hangs_at_its_version_check_is_stopped_in_time() {
        let tmp = tempfile::tempdir().unwrap();
        let (site, output, took) =
            print_with_fake(tmp.path(), &format!("{}\nwait", helper(tmp.path())), "2");
        let out = site.path().join("x.pdf");
        assert_one_line_error(
            &output,
            &["did not answer --version within 2 s", "BRIEF_PDF_TIMEOUT"],
        );
        assert!(took < Duration::from_secs(10), "took {took:?}");
        assert!(!out.exists());
        assert_all_stopped(tmp.path());
    }

    #[test]
    fn a_browser_that_hangs_while_printing_is_stopped_in_time() {
        let tmp = tempfile::tempdir().unwrap();
        let body = format!("{ANSWERS_VERSION}\n{}\nwait", helper(tmp.path()));
        let (site, output, took) = print_with_fake(tmp.path(), &body, "2");
        let out = site.path().join("x.pdf");
        assert_one_line_error(&output, &["did not print the page within 2 s"]);
        assert!(took < Duration::from_secs(15), "took {took:?}");
        assert!(!out.exists());
        assert_all_stopped(tmp.path());
    }

    #[test]
    fn brief_asked_to_stop_while_the_browser_prints_stops_the_browser_too() {
        let tmp = tempfile::tempdir().unwrap();
        let body = format!("{ANSWERS_VERSION}\n{}\nwait", helper(tmp.path()));
        let chromium = fake_chromium(tmp.path(), &body);
        let site = site("build/basic");
        let mut brief = Command::new(env!("CARGO_BIN_EXE_brief"))
            .args(["pdf", "--quiet", "--root"])
            .arg(site.path())
            .arg("--out")
            .arg(site.path().join("x.pdf"))
            .env("BRIEF_CHROMIUM", &chromium)
            .env("BRIEF_PDF_TIMEOUT", "60")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The version check's process, then the print's and its helper.
        let printing = (0..1000).any(|_| {
            std::thread::sleep(Duration::from_millis(20));
            let pids = std::fs::read_to_string(tmp.path().join("pids")).unwrap_or_default();
            pids.lines().count() >= 3
        });
        assert!(printing, "the fake browser never started printing");
        let started = Instant::now();
        let pid = rustix::process::Pid::from_child(&brief);
        rustix::process::kill_process(pid, rustix::process::Signal::INT).unwrap();
        while brief.try_wait().unwrap().is_none() && started.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = brief.kill();
        let output = brief.wait_with_output().unwrap();
        assert_one_line_error(&output, &["stopped on request"]);
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
        assert_all_stopped(tmp.path());
    }

    #[test]
    fn a_browser_that_leaves_a_helper_holding_its_output_is_not_waited_for() {
        let tmp = tempfile::tempdir().unwrap();
        // The helper keeps the browser's standard output and error open after
        // the browser itself exits, without having written a PDF.
        let body = format!(
            "{ANSWERS_VERSION}\n{}\necho 'printing…' >&2\nexit 0",
            helper(tmp.path())
        );
        let (site, output, took) = print_with_fake(tmp.path(), &body, "60");
        let out = site.path().join("x.pdf");
        assert_one_line_error(&output, &["failed to print print.html", "printing…"]);
        assert!(
            took < Duration::from_secs(20),
            "waited for the helper: {took:?}"
        );
        assert!(!out.exists());
        assert_all_stopped(tmp.path());
    }
}

#[test]
fn a_timeout_that_is_not_a_number_of_seconds_is_refused() {
    let site = site("build/basic");
    let out = site.path().join("x.pdf");
    let output = pdf_with(site.path(), &out, &[("BRIEF_PDF_TIMEOUT", "soon")]);
    assert_one_line_error(
        &output,
        &["BRIEF_PDF_TIMEOUT=\"soon\" is not a number of seconds"],
    );
}

#[test]
fn out_is_never_written_onto_or_into_the_sites_inputs() {
    let site = site("build/basic");
    let root = site.path();
    for dir in ["templates", "static"] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
    let before = snapshot(root);
    for (out, input) in [
        ("briefing.toml", "briefing.toml"),
        ("content", "content"),
        ("content/sections/01-deal.md", "content"),
        ("content/not/yet/made/x.pdf", "content"),
        ("content/../content/x.pdf", "content"),
        ("public/../templates/print.pdf", "templates"),
        ("static/briefing.pdf", "static"),
    ] {
        // Named from the site's folder and from elsewhere, relative and not.
        for (cwd, path) in [
            (root.to_path_buf(), Path::new(out).to_path_buf()),
            (std::env::temp_dir(), root.join(out)),
        ] {
            let output = Command::new(env!("CARGO_BIN_EXE_brief"))
                .args(["pdf", "--quiet", "--root"])
                .arg(root)
                .arg("--out")
                .arg(&path)
                // Chromium is never reached: the output is checked first.
                .env("BRIEF_CHROMIUM", "/nonexistent/chromium")
                .current_dir(&cwd)
                .output()
                .unwrap();
            assert_one_line_error(
                &output,
                &[&format!("the site's input {input}"), "briefing.pdf"],
            );
        }
    }
    assert!(!root.join("content/not").exists());
    assert_eq!(snapshot(root), before, "an input changed");
}

#[cfg(unix)]
#[test]
fn out_through_a_symbolic_link_into_content_is_refused() {
    let site = site("build/basic");
    let elsewhere = tempfile::tempdir().unwrap();
    let link = elsewhere.path().join("notes");
    std::os::unix::fs::symlink(site.path().join("content"), &link).unwrap();
    let output = pdf_with(
        site.path(),
        &link.join("briefing.pdf"),
        &[("BRIEF_CHROMIUM", "/nonexistent/chromium")],
    );
    assert_one_line_error(&output, &["the site's input content"]);
    assert!(!site.path().join("content/briefing.pdf").exists());
}

/// Every file under `root` with its bytes, sorted.
fn snapshot(root: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let bytes = if e.file_type().is_file() {
                std::fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            (e.path().to_path_buf(), bytes)
        })
        .collect();
    files.sort();
    files
}
