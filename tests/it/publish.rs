//! Publishing: the output works under any subpath and from `file://`, carries
//! no absolute URL of its own unless `base_url` is set, and every build
//! verifies its links; `brief init` and `brief new` start a site that passes.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use scraper::Html;
use url::Url;

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

fn build_repo_briefing(out: &Path, extra: &[&str]) {
    let mut args = vec!["build", "--quiet", "--out", out.to_str().unwrap()];
    args.extend(extra);
    let run = brief(&repo_root(), &args);
    assert!(run.status.success(), "{}", stderr(&run));
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

/// Every `http://` or `https://` URL in `text`.
fn absolute_urls(text: &str) -> Vec<String> {
    let mut urls = Vec::new();
    let mut rest = text;
    while let Some(at) = rest
        .find("http://")
        .into_iter()
        .chain(rest.find("https://"))
        .min()
    {
        let tail = &rest[at..];
        let end = tail
            .find(|c: char| c.is_whitespace() || "\"'<>)`".contains(c))
            .unwrap_or(tail.len());
        urls.push(tail[..end].to_string());
        rest = &tail[end..];
    }
    urls
}

fn all_text(dir: &Path) -> Vec<(String, String)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let text = std::fs::read_to_string(e.path()).ok()?;
            Some((
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                text,
            ))
        })
        .collect()
}

#[test]
fn without_base_url_no_absolute_url_of_the_site_appears() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_repo_briefing(&out, &[]);
    // Absolute URLs may come only from what the author or the theme wrote
    // (a source's link, an SVG namespace); the build must invent none.
    let mut allowed = String::new();
    for dir in ["content", "templates", "static"] {
        for (_, text) in all_text(&repo_root().join(dir)) {
            allowed.push_str(&text);
        }
    }
    allowed.push_str(&std::fs::read_to_string(repo_root().join("briefing.toml")).unwrap());
    allowed.push_str("http://www.sitemaps.org/schemas/sitemap/0.9");
    // The vocabulary the structured data is written in, not an address of the site.
    allowed.push_str("https://schema.org");
    for (path, text) in all_text(&out) {
        for url in absolute_urls(&text) {
            let bare = url.trim_end_matches(['.', ',', ';']).replace("&amp;", "&");
            assert!(
                allowed.contains(&bare),
                "{path} has an absolute URL the sources do not: {url}"
            );
        }
        assert!(
            !text.contains("rel=\"canonical\""),
            "{path} has a canonical link"
        );
    }
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    for loc in doc.descendants().filter(|n| n.has_tag_name("loc")) {
        let loc = loc.text().unwrap_or("");
        assert!(
            !loc.contains("://") && out.join(loc).is_file(),
            "relative sitemap entry {loc}"
        );
    }
}

#[test]
fn with_base_url_the_sitemap_and_canonical_links_are_absolute() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let base = "https://brief.example/deals/unbundled/";
    build_repo_briefing(&out, &["--base-url", base]);
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "urlset");
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        locs.len() >= html_pages(&out).len() - 1,
        "{} entries",
        locs.len()
    );
    for loc in &locs {
        let rel = loc
            .strip_prefix(base)
            .unwrap_or_else(|| panic!("{loc} is not under {base}"));
        assert!(out.join(rel).is_file(), "{loc} names no file");
    }
    for rel in html_pages(&out).iter().filter(|p| *p != "404.html") {
        let html = page(&out, rel);
        let canonical = select(&html, "link[rel=canonical]");
        assert_eq!(canonical.len(), 1, "{rel}");
        assert_eq!(
            canonical[0].value().attr("href"),
            Some(format!("{base}{rel}").as_str()),
            "{rel}"
        );
    }
}

#[test]
fn a_broken_markdown_link_fails_the_build_at_its_source() {
    let site = site("publish/broken-link");
    for command in ["build", "check"] {
        let run = brief(site.path(), &[command]);
        assert_eq!(run.status.code(), Some(1), "{command}\n{}", stderr(&run));
        let text = stderr(&run);
        assert!(
            text.contains("error[broken-link]: broken link: the site has no file `memo.html`"),
            "{text}"
        );
        assert!(text.contains("content/sections/01-links.md:4:26"), "{text}");
        assert!(
            text.contains("linked here, on sections/links.html, print.html"),
            "{text}"
        );
    }
    assert!(
        !site.path().join("public").exists(),
        "a failed build wrote output"
    );
}

/// Every link of every page of the shipped briefing and of a generated
/// corpus resolves: verification, which scans every page in full, finds no
/// miss in what `brief check` renders.
#[test]
fn the_shipped_briefing_and_a_corpus_link_soundly() {
    let corpus = corpus(60);
    for root in [repo_root(), corpus.path().join("brief")] {
        let (_, files) = brief::check(&root, &brief::BuildOptions::default(), None).unwrap();
        let files = files.expect("the site builds");
        let collector = brief::verify::Collector::default();
        for file in &files {
            collector.add(&file.path, &file.bytes);
        }
        let misses = collector.finish();
        assert_eq!(misses, vec![], "{}", root.display());
        let pages = files.iter().filter(|f| f.path.ends_with(".html")).count();
        assert!(pages > 50, "{pages} pages in {}", root.display());
    }
}

/// The broken-link fixture with its memo link written as `link` instead,
/// and what `brief check` says of it, having failed with exit code 1.
fn check_with_memo_link(link: &str) -> String {
    let site = site("publish/broken-link");
    let section = site.path().join("content/sections/01-links.md");
    let text = std::fs::read_to_string(&section).unwrap();
    std::fs::write(&section, text.replace("[the memo](../memo.html)", link)).unwrap();
    let run = brief(site.path(), &["check"]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    stderr(&run)
}

#[test]
fn a_markdown_link_into_a_page_brief_made_is_checked_against_its_ids() {
    let site = site("publish/broken-link");
    let section = site.path().join("content/sections/01-links.md");
    let text = std::fs::read_to_string(&section).unwrap();
    let fixed = "[the memo](../parties/acme.html#main), [the list](../parties/index.html#main)";
    std::fs::write(&section, text.replace("[the memo](../memo.html)", fixed)).unwrap();
    build_ok(site.path());
    let err = check_with_memo_link("[the memo](../parties/acme.html#memo)");
    assert!(
        err.contains(
            "error[broken-link]: broken link: `parties/acme.html` has no element with id `memo`"
        ),
        "{err}"
    );
}

/// A link written as raw HTML is located at its value in the Markdown, like
/// a Markdown link, on its own page and on print.html.
#[test]
fn a_link_in_raw_html_is_checked_like_a_markdown_link() {
    let err = check_with_memo_link("<a href=\"../memo.html\">the memo</a>");
    assert!(
        err.contains("error[broken-link]: broken link: the site has no file `memo.html`"),
        "{err}"
    );
    assert!(err.contains("content/sections/01-links.md:4:35"), "{err}");
    assert!(
        err.contains("linked here, on sections/links.html, print.html"),
        "{err}"
    );
    assert!(!err.contains("fix the templates"), "{err}");
}

/// An image in inline HTML and a link in an HTML block whose tag spans two
/// lines are located at their values too.
#[test]
fn images_and_html_blocks_are_located_at_their_values() {
    let err = check_with_memo_link(
        "<img src=\"../img/nope.png\" alt=\"\"> the memo\n\n<div>\n<a class=\"x\"\nhref=\"../gone.html\">gone</a>\n</div>",
    );
    assert!(err.contains("the site has no file `img/nope.png`"), "{err}");
    assert!(err.contains("content/sections/01-links.md:4:36"), "{err}");
    assert!(err.contains("the site has no file `gone.html`"), "{err}");
    assert!(err.contains("content/sections/01-links.md:8:7"), "{err}");
    assert!(!err.contains("fix the templates"), "{err}");
}

/// A template's broken link and a content's broken link in one build: both
/// are reported, the content's at its source.
#[test]
fn a_template_miss_does_not_hide_a_located_content_error() {
    let site = site("publish/broken-link");
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/404.html"),
        "<!DOCTYPE html><title>x</title>\n<a href=\"gone.html#x\">x</a>",
    )
    .unwrap();
    let run = brief(site.path(), &["check"]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("404.html:2: `gone.html#x`: the site has no file `gone.html`"),
        "{err}"
    );
    assert!(
        err.contains("error[broken-link]: broken link: the site has no file `memo.html`"),
        "{err}"
    );
    assert!(err.contains("content/sections/01-links.md:4:26"), "{err}");
}

#[test]
fn a_broken_template_link_is_listed_with_page_and_target() {
    let site = site("publish/broken-link");
    let section = site.path().join("content/sections/01-links.md");
    let text = std::fs::read_to_string(&section)
        .unwrap()
        .replace("[the memo](../memo.html)", "the memo");
    std::fs::write(&section, text).unwrap();
    build_ok(site.path());
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/404.html"),
        "<!DOCTYPE html><title>x</title>\n<a href=\"gone.html#x\">x</a>",
    )
    .unwrap();
    let run = brief(site.path(), &["build"]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("404.html:2: `gone.html#x`: the site has no file `gone.html`"),
        "{}",
        stderr(&run)
    );
    assert!(
        site.path().join("public/index.html").is_file(),
        "the previous output stays"
    );
    assert!(
        !std::fs::read_to_string(site.path().join("public/404.html"))
            .unwrap()
            .contains("gone.html")
    );
}

#[test]
fn init_makes_a_site_that_builds_and_passes_a_strict_check() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("briefing");
    let run = brief(tmp.path(), &["init", "briefing"]);
    assert!(run.status.success(), "{}", stderr(&run));
    for kind in ["sections", "parties", "clauses", "quotes"] {
        assert_eq!(
            std::fs::read_dir(dir.join("content").join(kind))
                .unwrap()
                .count(),
            1,
            "{kind}"
        );
    }
    let run = brief(&dir, &["check", "--deny-warnings"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let run = brief(&dir, &["build", "--deny-warnings", "--quiet"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(
        broken_links(&dir.join("public")),
        Vec::<(String, String)>::new()
    );
    let again = brief(tmp.path(), &["init", "briefing"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("not empty"), "{}", stderr(&again));
}

#[test]
fn new_writes_a_skeleton_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(
        brief(tmp.path(), &["init", "s", "--quiet"])
            .status
            .success()
    );
    let root = tmp.path().join("s");
    let root_arg = root.to_str().unwrap();
    let run = brief(tmp.path(), &["new", "party", "globex", "--root", root_arg]);
    assert!(run.status.success(), "{}", stderr(&run));
    let path = root.join("content/parties/globex.md");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("+++\nname = \"Globex\"\nkind = \"company\""),
        "{text}"
    );
    std::fs::write(&path, "+++\nname = \"Mine\"\nkind = \"person\"\n+++\n").unwrap();
    let again = brief(tmp.path(), &["new", "party", "globex", "--root", root_arg]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "+++\nname = \"Mine\"\nkind = \"person\"\n+++\n"
    );
    let section = brief(
        tmp.path(),
        &["new", "section", "outlook", "--root", root_arg],
    );
    assert!(section.status.success(), "{}", stderr(&section));
    assert!(root.join("content/sections/02-outlook.md").is_file());
    let check = brief(&root, &["check"]);
    assert!(
        check.status.success(),
        "new files check with warnings only:\n{}",
        stderr(&check)
    );
    let bad = brief(tmp.path(), &["new", "quote", "Bad_Id", "--root", root_arg]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("`bad-id`"), "{}", stderr(&bad));
    assert!(!root.join("content/quotes/Bad_Id.md").exists());
}

#[test]
fn relative_links_in_content_resolve_on_their_page_and_in_print() {
    let site = site("publish/relative-links");
    let out = build_ok(site.path());
    assert_eq!(broken_links(&out), Vec::<(String, String)>::new());
    let section: Vec<String> = page_links(&page(&out, "sections/links.html"));
    for href in [
        "../parties/index.html",
        "../graph.json",
        "#terms",
        "../logo.svg",
        "links.html",
        "../index.html",
    ] {
        assert!(section.contains(&href.to_string()), "{href} in {section:?}");
    }
    let print: Vec<String> = page_links(&page(&out, "print.html"));
    for href in [
        "parties/index.html",
        "graph.json",
        "logo.svg",
        "sections/links.html",
        "index.html",
    ] {
        assert!(
            print.contains(&href.to_string()),
            "{href} in print: {print:?}"
        );
    }
    assert!(
        print
            .iter()
            .any(|h| h.starts_with('#') && h.ends_with("terms")),
        "{print:?}"
    );
}

fn tree(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect();
    all.sort();
    all
}

#[test]
fn the_shipped_briefing_builds_byte_identically_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    build_repo_briefing(&a, &[]);
    build_repo_briefing(&b, &[]);
    let (a, b) = (tree(&a), tree(&b));
    assert!(a.len() > 50, "{} files", a.len());
    assert!(a == b, "two builds of the same sources differ");
}

#[test]
fn check_renders_and_verifies_but_writes_nothing() {
    let site = site("build/basic");
    let before = tree(site.path());
    let run = brief(site.path(), &["check", "--deny-warnings"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("every link resolves"),
        "{}",
        stderr(&run)
    );
    assert!(tree(site.path()) == before, "check changed the site folder");
}
