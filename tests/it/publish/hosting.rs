//! The output works wherever it is put: every link and anchor resolves when a
//! plain static server serves it under a subpath, and when it is opened from
//! `file://`.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use scraper::Html;
use url::Url;

use super::build_repo_briefing;
use crate::support::*;

const SUBPATH: &str = "/some/sub/path/";

/// A loopback static server that serves `out` under [`SUBPATH`] only, with
/// no index files and no rewriting; stopped on drop.
struct SubpathServer {
    addr: String,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SubpathServer {
    fn start(out: &Path) -> SubpathServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let stop = Arc::new(AtomicBool::new(false));
        let (out, flag) = (out.to_path_buf(), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    answer(stream, &out);
                }
            }
        });
        SubpathServer {
            addr,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for SubpathServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = std::net::TcpStream::connect(&self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn answer(mut stream: std::net::TcpStream, out: &Path) {
    use std::io::{BufRead, BufReader, Write};
    let mut reader = BufReader::new(&stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    // Read the headers out, so closing never resets a client still sending.
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    let target = line.split_whitespace().nth(1).unwrap_or("");
    let path = target.split(['?', '#']).next().unwrap_or("");
    let file = path
        .strip_prefix(SUBPATH)
        .filter(|rel| !rel.split('/').any(|s| s == ".." || s.is_empty()))
        .map(|rel| out.join(percent_decode(rel)))
        .filter(|p| p.is_file());
    let (status, body) = match file {
        Some(p) => ("200 OK", std::fs::read(p).unwrap()),
        None => ("404 Not Found", b"not found".to_vec()),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(&body));
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// The ids of a parsed page.
fn ids(html: &Html) -> BTreeSet<String> {
    let selector = scraper::Selector::parse("[id], a[name]").unwrap();
    html.select(&selector)
        .filter_map(|el| el.value().attr("id").or_else(|| el.value().attr("name")))
        .map(str::to_string)
        .collect()
}

fn anchor_ok(ids: Option<&BTreeSet<String>>, fragment: &str) -> bool {
    fragment.is_empty()
        || fragment.eq_ignore_ascii_case("top")
        || ids.is_some_and(|ids| ids.contains(fragment))
}

type Failures = Vec<(String, String, String)>;

/// Fetches every page of `out` and everything any page links to, over HTTP
/// under the subpath; returns the number fetched and each failure as
/// (page URL, link, why).
fn crawl_subpath(out: &Path) -> (usize, Failures) {
    let server = SubpathServer::start(out);
    let base = Url::parse(&format!("http://{}{SUBPATH}", server.addr)).unwrap();
    let mut queue: VecDeque<Url> = html_pages(out)
        .iter()
        .map(|p| base.join(p).unwrap())
        .collect();
    let mut seen: BTreeSet<String> = queue.iter().map(|u| u.path().to_string()).collect();
    let mut pages: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut anchors: Vec<(String, String, String, String)> = Vec::new();
    let mut failures = Vec::new();
    let mut fetched = 0;
    while let Some(page) = queue.pop_front() {
        let (status, body) = http_get(&server.addr, page.path());
        fetched += 1;
        if status != 200 {
            failures.push((page.to_string(), String::new(), format!("status {status}")));
            continue;
        }
        if !page.path().ends_with(".html") {
            continue;
        }
        let html = Html::parse_document(&body);
        pages.insert(page.path().to_string(), ids(&html));
        for link in page_links(&html) {
            let Ok(target) = page.join(&link) else {
                failures.push((page.to_string(), link, "unparseable".into()));
                continue;
            };
            if target.origin() != base.origin() {
                continue;
            }
            if !target.path().starts_with(SUBPATH) {
                failures.push((
                    page.to_string(),
                    link,
                    format!("leaves the subpath: {}", target.path()),
                ));
                continue;
            }
            let fragment = target.fragment().map(percent_decode).unwrap_or_default();
            anchors.push((
                page.to_string(),
                link.clone(),
                target.path().to_string(),
                fragment,
            ));
            if seen.insert(target.path().to_string()) {
                let mut next = target.clone();
                next.set_fragment(None);
                queue.push_back(next);
            }
        }
    }
    for (page, link, path, fragment) in anchors {
        if path.ends_with(".html") && !anchor_ok(pages.get(&path), &fragment) {
            failures.push((page, link, format!("no anchor #{fragment}")));
        }
    }
    (fetched, failures)
}

/// Resolves every link of every page the way a browser does from `file://`;
/// returns the number of links checked and each failure.
fn crawl_file_urls(out: &Path) -> (usize, Failures) {
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut parsed: HashMap<PathBuf, BTreeSet<String>> = HashMap::new();
    let mut anchors = Vec::new();
    for rel in html_pages(out) {
        let path = out.join(&rel);
        let page = Url::from_file_path(&path).unwrap();
        let html = Html::parse_document(&std::fs::read_to_string(&path).unwrap());
        parsed.insert(path.clone(), ids(&html));
        for link in page_links(&html) {
            let target = page.join(&link).unwrap();
            if target.scheme() != "file" {
                continue;
            }
            checked += 1;
            let file: PathBuf = target.to_file_path().unwrap();
            if !file.starts_with(out) || !file.is_file() {
                failures.push((rel.clone(), link, format!("no file {}", file.display())));
                continue;
            }
            let fragment = target.fragment().map(percent_decode).unwrap_or_default();
            if file.extension().is_some_and(|x| x == "html") {
                anchors.push((rel.clone(), link, file, fragment));
            }
        }
    }
    for (rel, link, file, fragment) in anchors {
        if !anchor_ok(parsed.get(&file), &fragment) {
            failures.push((rel, link, format!("no anchor #{fragment}")));
        }
    }
    (checked, failures)
}

#[test]
fn every_link_resolves_when_served_under_a_subpath() {
    let site = site("build/basic");
    let out = build_ok(site.path());
    let (fetched, failures) = crawl_subpath(&out);
    assert_eq!(failures, Failures::new());
    assert!(
        fetched > html_pages(&out).len(),
        "assets were fetched too ({fetched})"
    );
}

#[test]
fn the_shipped_briefing_works_under_a_subpath_and_from_file_urls() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_repo_briefing(&out, &[]);
    let (_, failures) = crawl_subpath(&out);
    assert_eq!(failures, Failures::new(), "under a subpath");
    let (_, failures) = crawl_file_urls(&out);
    assert_eq!(failures, Failures::new(), "from file://");
}

#[test]
fn every_link_resolves_from_file_urls() {
    let site = site("build/basic");
    let out = build_ok(site.path());
    let (checked, failures) = crawl_file_urls(&out);
    assert_eq!(failures, Failures::new());
    assert!(checked > 100, "only {checked} links checked");
}
