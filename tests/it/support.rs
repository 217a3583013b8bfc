//! Shared helpers: running the `brief` binary, copying fixtures, parsing output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{Html, Selector};

pub fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the shipped briefing, warnings denied, into `out`, asserting success.
pub fn build_shipped(out: &Path) {
    let run = brief(
        &repo_root(),
        &[
            "build",
            "--quiet",
            "--deny-warnings",
            "--out",
            out.to_str().expect("utf-8 path"),
        ],
    );
    assert!(
        run.status.success(),
        "building the shipped briefing failed:\n{}",
        stderr(&run)
    );
}

/// Runs `brief` with `args` in `dir`.
pub fn brief(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(args)
        .current_dir(dir)
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("brief runs")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Copies a fixture site into a fresh temporary folder, so builds never write
/// into the source tree.
pub fn site(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&fixture(name), tmp.path());
    tmp
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk fixture");
        let rel = entry.path().strip_prefix(from).expect("inside");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Builds the site in `dir` into `dir/public`, asserting success.
pub fn build_ok(dir: &Path) -> PathBuf {
    let out = brief(dir, &["build", "--quiet"]);
    assert!(out.status.success(), "build failed:\n{}", stderr(&out));
    dir.join("public")
}

/// Builds the site in `dir`, asserting that the build fails with exit 1 and
/// writes nothing; returns what it printed on standard error.
pub fn build_fails(dir: &Path) -> String {
    let out = brief(dir, &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!dir.join("public").exists(), "a failed build wrote output");
    err
}

pub fn page(out: &Path, path: &str) -> Html {
    let text = std::fs::read_to_string(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    Html::parse_document(&text)
}

pub fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"));
    html.select(&selector).collect()
}

pub fn text(el: &scraper::ElementRef) -> String {
    el.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What `file`, a script brief writes (`window.NAME = …;`), assigns, as JSON.
pub fn script_json(out: &Path, file: &str, name: &str) -> serde_json::Value {
    let script = std::fs::read_to_string(out.join(file)).unwrap();
    assert!(!script.contains("</script"), "{file} can close a script");
    let json = (script.trim())
        .strip_prefix(&format!("window.{name} = "))
        .and_then(|rest| rest.strip_suffix(';'))
        .unwrap_or_else(|| panic!("{file} does not assign window.{name}"));
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The hover preview card of each entity, by `kind:id`, from `previews.js`.
pub fn previews(out: &Path) -> std::collections::BTreeMap<String, Html> {
    let cards = script_json(out, "previews.js", "BRIEF_PREVIEWS");
    let cards = cards.as_object().expect("previews.js assigns an object");
    (cards.iter())
        .map(|(key, card)| (key.clone(), Html::parse_fragment(card.as_str().unwrap())))
        .collect()
}

/// Every internal `href`/`src` of every HTML page under `out`, as
/// (page, target) where target is missing or has a missing `#fragment`.
pub fn broken_links(out: &Path) -> Vec<(String, String)> {
    let mut broken = Vec::new();
    let pages: Vec<PathBuf> = walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.path().to_path_buf())
        .collect();
    let links = Selector::parse("[href], [src]").expect("selector");
    for page_path in &pages {
        let html = Html::parse_document(&std::fs::read_to_string(page_path).expect("read page"));
        for el in html.select(&links) {
            let Some(target) = el.value().attr("href").or_else(|| el.value().attr("src")) else {
                continue;
            };
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (file, fragment) = target.split_once('#').unwrap_or((target, ""));
            let resolved = if file.is_empty() {
                page_path.clone()
            } else {
                page_path.parent().expect("parent").join(file)
            };
            let ok = resolved.is_file()
                && (fragment.is_empty() || {
                    let doc = Html::parse_document(
                        &std::fs::read_to_string(&resolved).expect("read target"),
                    );
                    let sel =
                        Selector::parse(&format!("[id=\"{fragment}\"]")).expect("id selector");
                    doc.select(&sel).next().is_some()
                });
            if !ok {
                broken.push((
                    page_path
                        .strip_prefix(out)
                        .expect("inside")
                        .display()
                        .to_string(),
                    target.to_string(),
                ));
            }
        }
    }
    broken
}

/// A minimal HTTP/1.1 GET over loopback: (status, body). `path` is sent
/// exactly as given, so tests can send paths no client library would.
pub fn http_get(addr: &str, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream =
        std::net::TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("send request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, body.to_string())
}

/// Every HTML page under `out`, as paths relative to it with `/` separators.
pub fn html_pages(out: &Path) -> Vec<String> {
    let mut pages: Vec<String> = walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            e.path()
                .strip_prefix(out)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    pages.sort();
    pages
}

/// Every URL-valued attribute of a page: `href`, `src`, `poster`, and each
/// candidate of `srcset`.
pub fn page_links(html: &Html) -> Vec<String> {
    let mut links = Vec::new();
    let selector = Selector::parse("[href], [src], [poster], [srcset]").expect("selector");
    for el in html.select(&selector) {
        for name in ["href", "src", "poster"] {
            links.extend(el.value().attr(name).map(str::to_string));
        }
        if let Some(set) = el.value().attr("srcset") {
            links.extend(
                set.split(',')
                    .filter_map(|c| c.split_whitespace().next())
                    .map(str::to_string),
            );
        }
    }
    links
}

/// An example program next to the binary under test. A full `cargo test`
/// builds examples; a filtered run (`--test it`) may not, so build it then.
pub fn example(name: &str) -> PathBuf {
    let brief = PathBuf::from(env!("CARGO_BIN_EXE_brief"));
    let path = brief
        .parent()
        .expect("target folder")
        .join("examples")
        .join(name);
    if !path.is_file() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let built = Command::new(cargo)
            .args(["build", "--example", name])
            .current_dir(repo_root())
            .status()
            .unwrap();
        assert!(built.success(), "cannot build example {name}");
    }
    path
}

/// A benchmark corpus of `sections` sections (`examples/corpus`) in a new
/// temporary folder: `brief/`, `hugo/` and `mdbook/` inside it.
pub fn corpus(sections: usize) -> tempfile::TempDir {
    let work = tempfile::tempdir().unwrap();
    let run = Command::new(example("corpus"))
        .arg(sections.to_string())
        .arg(work.path())
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    work
}

/// Writes a site from `(path, text)` pairs into a fresh temporary folder.
pub fn write_site(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for (path, bytes) in files {
        let path = tmp.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    tmp
}
