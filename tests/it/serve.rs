//! `brief serve` end to end over loopback: edits show up, a broken build is
//! reported while the last good site stays up, paths that try to leave the
//! site are refused, and a port in use is a clear exit 2. Every wait is
//! bounded and every server is killed, even when an assertion fails.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use crate::support::*;

/// A running `brief serve`, killed on drop.
struct Server {
    child: Child,
    addr: String,
    log: Receiver<String>,
}

impl Server {
    fn start(root: &Path) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_brief"));
        command.args(["serve", "--port", "0", "--root"]).arg(root);
        Server::spawn(&mut command)
    }

    fn spawn(command: &mut Command) -> Server {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("brief serve starts");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, log) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            addr: String::new(),
            log,
        };
        let line = server.wait_for_line("serving ", Duration::from_secs(60));
        let addr = line
            .split("http://")
            .nth(1)
            .expect("an address")
            .trim_end_matches(|c| c != '/');
        server.addr = addr.trim_end_matches('/').to_string();
        assert!(
            server.addr.starts_with("127.0.0.1:"),
            "binds loopback only: {line}"
        );
        server
    }

    fn wait_for_line(&self, needle: &str, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        let mut seen = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.log.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(line) => seen.push(line),
                Err(_) => break,
            }
        }
        panic!(
            "no line with {needle:?} within {limit:?}; saw:\n{}",
            seen.join("\n")
        );
    }

    fn get(&self, path: &str) -> (u16, String) {
        http_get(&self.addr, path)
    }

    fn status(&self) -> serde_json::Value {
        let (code, body) = self.get("/__brief/events");
        assert_eq!(code, 200);
        serde_json::from_str(&body).expect("events JSON")
    }
}

impl Server {
    /// `brief serve` with at most `files` file descriptors open at once.
    #[cfg(unix)]
    fn start_with_few_files(root: &Path, files: u32) -> Server {
        let script = format!("ulimit -n {files} && exec \"$0\" serve --port 0 --root \"$1\"");
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(script)
            .arg(env!("CARGO_BIN_EXE_brief"))
            .arg(root);
        Server::spawn(&mut command)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `check` every 25 ms until it holds or `limit` passes; returns how long it took.
fn within(limit: Duration, what: &str, mut check: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    while started.elapsed() < limit {
        if check() {
            return started.elapsed();
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("{what}: not within {limit:?}");
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

fn new_site() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let run = brief(tmp.path(), &["init", "site", "--quiet"]);
    assert!(run.status.success(), "{}", stderr(&run));
    tmp
}

#[test]
fn serve_rebuilds_on_edits_and_keeps_the_last_good_build_on_errors() {
    let tmp = new_site();
    let root = tmp.path().join("site");
    let section = root.join("content/sections/01-overview.md");
    let server = Server::start(&root);

    let (code, body) = server.get("/sections/overview.html");
    assert_eq!(code, 200);
    assert!(body.contains("changed one of its terms"), "{body}");
    assert!(
        body.contains("<script data-brief-serve>"),
        "served pages get the live-reload script"
    );
    let built = server.status()["built"].as_u64().unwrap();

    edit(
        &section,
        "changed one of its terms",
        "rewrote one of its terms",
    );
    let took = within(Duration::from_secs(20), "the edit to show", || {
        server
            .get("/sections/overview.html")
            .1
            .contains("rewrote one of its terms")
    });
    eprintln!("serve: edit visible after {} ms", took.as_millis());
    assert!(
        server.status()["built"].as_u64().unwrap() > built,
        "pages are told to reload"
    );

    edit(
        &section,
        "(party:example-co) rewrote",
        "(party:example-cx) rewrote",
    );
    within(Duration::from_secs(20), "the error to be reported", || {
        !server.status()["error"].is_null()
    });
    let error = server.status()["error"].as_str().unwrap().to_string();
    assert!(error.contains("unknown party `example-cx`"), "{error}");
    assert!(
        error.contains("content/sections/01-overview.md:6:1"),
        "located: {error}"
    );
    server.wait_for_line("still serving the last good build", Duration::from_secs(10));
    let (code, body) = server.get("/sections/overview.html");
    assert_eq!(code, 200, "the last good build is still served");
    assert!(body.contains("rewrote one of its terms"), "{body}");

    edit(
        &section,
        "(party:example-cx) rewrote",
        "(party:example-co) rewrote again,",
    );
    within(Duration::from_secs(20), "the error to clear", || {
        server.status()["error"].is_null()
    });
    assert!(
        server
            .get("/sections/overview.html")
            .1
            .contains("rewrote again,")
    );
}

#[test]
fn serve_waits_for_news_and_never_writes_the_script_into_built_files() {
    let tmp = new_site();
    let root = tmp.path().join("site");
    let server = Server::start(&root);
    let version = server.status()["version"].as_u64().unwrap();
    let waited = std::thread::spawn({
        let addr = server.addr.clone();
        move || http_get(&addr, &format!("/__brief/events?since={version}"))
    });
    std::thread::sleep(Duration::from_millis(300));
    edit(&root.join("briefing.toml"), "My briefing", "Our briefing");
    let (code, body) = waited.join().unwrap();
    assert_eq!(code, 200);
    let news: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(news["version"].as_u64().unwrap() > version, "{body}");
    assert!(server.get("/").1.contains("Our briefing"));
    drop(server);

    let out = build_ok(&root);
    for page in html_pages(&out) {
        let text = std::fs::read_to_string(out.join(&page)).unwrap();
        assert!(
            !text.contains("data-brief-serve") && !text.contains("__brief"),
            "{page}"
        );
    }
}

#[test]
fn serve_refuses_paths_that_leave_the_site() {
    let tmp = new_site();
    let root = tmp.path().join("site");
    std::fs::write(root.join("secret.txt"), "TOP-SECRET").unwrap();
    std::fs::write(tmp.path().join("secret.txt"), "TOP-SECRET").unwrap();
    let server = Server::start(&root);
    for path in [
        "/../secret.txt",
        "/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/secret.txt",
        "/sections/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/%5c..%5csecret.txt",
        "/sections/%2e%2e/%2e%2e/briefing.toml",
        "/./briefing.toml",
        "/index.html%00.txt",
    ] {
        let (code, body) = server.get(path);
        assert_eq!(code, 400, "{path}: {body}");
        assert!(
            !body.contains("TOP-SECRET") && !body.contains("title ="),
            "{path}: {body}"
        );
    }
    for path in [
        "/secret.txt",
        "/briefing.toml",
        "/content/sections/01-overview.md",
    ] {
        assert_eq!(server.get(path).0, 404, "{path} is not part of the output");
    }
    assert_eq!(server.get("/index.html").0, 200);
    assert_eq!(server.get("/parties/").0, 200);
}

#[test]
fn serve_on_a_port_in_use_exits_2_with_a_clear_message() {
    let tmp = new_site();
    let root = tmp.path().join("site");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["serve", "--port", &port, "--root"])
        .arg(&root)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("brief serve kept running on a taken port");
        }
        std::thread::sleep(Duration::from_millis(25));
    };
    let mut text = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut text).unwrap();
    assert_eq!(status.code(), Some(2), "{text}");
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.contains(&format!("port {port} on 127.0.0.1 is in use")) && text.contains("--port"),
        "{text}"
    );
}

#[test]
fn serve_watches_a_theme_folder_made_while_serving() {
    let tmp = new_site();
    let root = tmp.path().join("site");
    let server = Server::start(&root);
    assert_eq!(server.get("/notes.txt").0, 404);
    std::fs::create_dir(root.join("static")).unwrap();
    std::fs::write(root.join("static/notes.txt"), "first").unwrap();
    within(
        Duration::from_secs(20),
        "the new static file to be served",
        || server.get("/notes.txt").1 == "first",
    );
    std::fs::write(root.join("static/notes.txt"), "second").unwrap();
    within(
        Duration::from_secs(20),
        "an edit inside the new folder to show",
        || server.get("/notes.txt").1 == "second",
    );
}

/// Sends `request` as it is and returns the whole response, or what came
/// before `limit` passed (empty when the server never answered).
fn exchange(addr: &str, request: &str, limit: Duration) -> String {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(addr) else {
        return String::new();
    };
    let _ = stream.set_read_timeout(Some(limit));
    let _ = stream.write_all(request.as_bytes());
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    String::from_utf8_lossy(&raw).into_owned()
}

fn status_of(response: &str) -> u16 {
    response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn get_from(addr: &str, path: &str, host: &str) -> String {
    exchange(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        Duration::from_secs(30),
    )
}

#[test]
fn serve_redirects_never_leave_the_server() {
    let tmp = new_site();
    let server = Server::start(&tmp.path().join("site"));
    for (path, expected) in [
        ("//parties", "/parties/"),
        ("///parties", "/parties/"),
        ("/parties", "/parties/"),
        ("//%2Fparties", "/parties/"),
    ] {
        let response = get_from(&server.addr, path, &server.addr);
        assert_eq!(status_of(&response), 301, "{path}: {response}");
        let location = response
            .lines()
            .find_map(|l| l.strip_prefix("Location: "))
            .unwrap_or_else(|| panic!("{path}: no Location in {response}"));
        assert_eq!(location, expected, "{path}");
    }
}

#[test]
fn serve_answers_only_requests_addressed_to_this_machine() {
    let tmp = new_site();
    let server = Server::start(&tmp.path().join("site"));
    let port = server.addr.rsplit(':').next().unwrap().to_string();
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        "127.0.0.2".to_string(),
    ] {
        let response = get_from(&server.addr, "/", &host);
        assert_eq!(status_of(&response), 403, "{host}: {response}");
        assert!(!response.contains("<html"), "{host}: {response}");
    }
    let no_host = exchange(
        &server.addr,
        "GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
        Duration::from_secs(30),
    );
    assert_eq!(status_of(&no_host), 403, "{no_host}");
    for host in [
        server.addr.clone(),
        "127.0.0.1".to_string(),
        "localhost".to_string(),
        format!("localhost:{port}"),
    ] {
        let response = get_from(&server.addr, "/", &host);
        assert_eq!(status_of(&response), 200, "{host}: {response}");
    }
}

#[cfg(unix)]
#[test]
fn serve_recovers_when_idle_connections_exhaust_its_file_descriptors() {
    let tmp = new_site();
    let server = Server::start_with_few_files(&tmp.path().join("site"), 64);
    assert_eq!(server.get("/").0, 200);
    // Far more idle connections than the server may have files open.
    let idle: Vec<std::net::TcpStream> = (0..200)
        .filter_map(|_| std::net::TcpStream::connect(&server.addr).ok())
        .collect();
    assert!(idle.len() > 64, "only {} connections", idle.len());
    std::thread::sleep(Duration::from_millis(500));
    drop(idle);
    within(
        Duration::from_secs(20),
        "the server to answer again",
        || front_page_answers(&server.addr),
    );
    // Idle connections held open are closed by the server in time too.
    let held: Vec<std::net::TcpStream> = (0..200)
        .filter_map(|_| std::net::TcpStream::connect(&server.addr).ok())
        .collect();
    within(
        Duration::from_secs(60),
        "an answer while idle connections are held",
        || front_page_answers(&server.addr),
    );
    drop(held);
}

#[test]
fn serve_survives_a_template_component_that_calls_itself() {
    let tmp = new_site();
    let root = tmp.path().join("site");
    let server = Server::start(&root);
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/404.html"),
        "{% component again() %}{{ <again /> }}{% endcomponent again %}{{ <again /> }}",
    )
    .unwrap();
    within(
        Duration::from_secs(20),
        "the template error to show",
        || !server.status()["error"].is_null(),
    );
    let error = server.status()["error"].as_str().unwrap().to_string();
    assert!(
        error.contains("404.html")
            && error.contains("Maximum render recursion depth for components exceeded"),
        "{error}"
    );
    assert_eq!(
        server.get("/").0,
        200,
        "the last good build is still served"
    );
}

#[test]
fn serve_closes_a_connection_that_trickles_its_request() {
    use std::io::{ErrorKind, Read, Write};
    let tmp = new_site();
    let server = Server::start(&tmp.path().join("site"));
    let mut stream = std::net::TcpStream::connect(&server.addr).unwrap();
    let _ = stream.write_all(b"GET / HTTP/1.1\r\n");
    // A header line a little at a time, never the blank line that ends the
    // head: each read is quick, the whole takes longer than a head may.
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(8) {
        if stream.write_all(b"X").is_err() {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    stream
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut byte = [0u8; 1];
    let closed = match stream.read(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
    };
    assert!(closed, "the server still waits for the request head");
    assert_eq!(server.get("/").0, 200);
}

/// Whether the server at `addr` answers a request for the front page with 200.
fn front_page_answers(addr: &str) -> bool {
    let request = format!("GET / HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    status_of(&exchange(addr, &request, Duration::from_secs(2))) == 200
}
