//! Where a build writes: never over the site, its inputs or a folder brief did
//! not make; a mistyped root creates nothing, and a failed or interrupted build
//! leaves the previous output and no staging folder behind.

use super::{CONFIG, PARTY, themed_site};
use crate::support::*;

#[test]
fn output_never_replaces_the_site_or_a_foreign_folder() {
    let site = write_site(&[
        ("briefing.toml", CONFIG),
        ("content/sections/01-a.md", b"+++\ntitle = \"A\"\n+++\n"),
    ]);
    let out = brief(site.path(), &["build", "--out", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("refusing to write"),
        "{}",
        stderr(&out)
    );
    let out = brief(site.path(), &["build", "--out", "content"]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::create_dir_all(site.path().join("mine")).unwrap();
    std::fs::write(site.path().join("mine/keep.txt"), "precious").unwrap();
    let out = brief(site.path(), &["build", "--out", "mine"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert!(site.path().join("mine/keep.txt").exists());
    let out = brief(site.path(), &["build", "--out", "mine", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A folder brief made is replaced without --force.
    let out = brief(site.path(), &["build", "--out", "mine"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// Every file under `dir` with its bytes, for before/after comparisons.
fn snapshot(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| {
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            (e.path().to_path_buf(), bytes)
        })
        .collect()
}

#[test]
fn outputs_never_overwrite_the_sites_inputs() {
    let site = themed_site();
    let before = snapshot(site.path());
    for (out, force) in [
        ("content/new", false),
        ("content/sections/later/out", false),
        ("static/out", false),
        ("static", true),
        ("templates/out", false),
        ("templates", true),
        ("briefing.toml", true),
        ("notes.txt", true),
        ("..", true),
    ] {
        let mut args = vec!["build", "--out", out];
        if force {
            args.push("--force");
        }
        let run = brief(site.path(), &args);
        let err = stderr(&run);
        assert_eq!(run.status.code(), Some(2), "--out {out}: {err}");
        assert!(err.contains("refusing to write"), "--out {out}: {err}");
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert_eq!(
            snapshot(site.path()),
            before,
            "--out {out} changed the site"
        );
    }
}

#[test]
fn a_mistyped_root_creates_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let run = brief(tmp.path(), &["build", "--root", "no/such/site"]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(err.contains("no briefing.toml in"), "{err}");
    assert!(
        !tmp.path().join("no").exists(),
        "the mistyped root was made"
    );
}

#[test]
fn a_site_without_content_keeps_the_previous_output() {
    let site = themed_site();
    let out = build_ok(site.path());
    std::fs::remove_dir_all(site.path().join("content")).unwrap();
    let run = brief(site.path(), &["build"]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(err.contains("no content/ folder"), "{err}");
    assert!(
        out.join("sections/a.html").is_file(),
        "the output was replaced"
    );
}

#[test]
fn folders_left_by_killed_builds_are_removed_by_the_next() {
    let site = themed_site();
    let make = |name: &str, marked: bool| {
        let dir = site.path().join(name);
        std::fs::create_dir_all(dir.join("sections")).unwrap();
        if marked {
            std::fs::write(dir.join(".brief-output"), "").unwrap();
        }
        dir
    };
    let staging = make(".public.staging-999999999", true);
    let old = make(".public.old-999999999", true);
    let foreign = make(".public.staging-999999998", false);
    build_ok(site.path());
    assert!(!staging.exists() && !old.exists(), "stale folders stayed");
    assert!(foreign.exists(), "a folder brief did not make was removed");
}

#[cfg(unix)]
#[test]
fn an_interrupted_build_removes_its_staging_folder() {
    let mut body = String::from("+++\ntitle = \"Big\"\n+++\n");
    let paragraph = "Lorem ipsum [dolor](party:acme) sit amet, consectetur adipiscing. ".repeat(10);
    while body.len() < 8 * 1024 * 1024 {
        body.push_str(&paragraph);
        body.push_str("\n\n");
    }
    let site = write_site(&[
        ("briefing.toml", CONFIG),
        ("content/parties/acme.md", PARTY),
        ("content/sections/01-big.md", body.as_bytes()),
        ("public/.brief-output", b""),
        ("public/index.html", b"previous"),
    ]);
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["build", "--quiet"])
        .current_dir(site.path())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let staged = || {
        std::fs::read_dir(site.path())
            .unwrap()
            .filter_map(Result::ok)
            .any(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(".public.staging-")
            })
    };
    let started = std::time::Instant::now();
    while !staged() && started.elapsed() < std::time::Duration::from_secs(30) {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(staged(), "the build made no staging folder");
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let run = child.wait_with_output().unwrap();
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(err.contains("interrupted"), "{err}");
    assert!(!staged(), "the staging folder was left behind");
    assert_eq!(
        std::fs::read(site.path().join("public/index.html")).unwrap(),
        b"previous"
    );
}
