//! The HTTP side of `brief serve`: accepts connections on the loopback
//! listener, maps a request path to a file of the site held in memory,
//! refuses any path that tries to leave it and any request addressed to a
//! host other than this machine, injects the live-reload script into HTML
//! responses (never into built files), and answers the script's long poll at
//! `/__brief/events`.
//!
//! Only `GET` and `HEAD` are served, one request per connection, so the
//! server reads no more than a request head. Connections are bounded in
//! number and in how long they may take to send their request, and a failed
//! `accept` (file descriptors run out) is waited out rather than fatal: idle
//! or abusive clients slow the server down at worst, never stop it.
//!
//! It reads only the shared [`State`]; it never builds, watches or touches disk.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use super::State;
use crate::verify::percent_decode;
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// Where the live-reload script asks for news.
const EVENTS: &str = "/__brief/events";

/// How long one long poll waits before answering "nothing new".
const POLL: Duration = Duration::from_secs(25);

/// Connections handled at once. A browser opens a handful per host; beyond
/// this, new connections are closed at once so that idle ones cannot use up
/// the process's file descriptors.
const MAX_CONNECTIONS: usize = 64;

/// How long a client may take to send its request head, and a response to
/// be taken, before the connection is closed.
const HEAD_TIMEOUT: Duration = Duration::from_secs(5);
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest request head read; a longer one is refused.
const MAX_HEAD: usize = 16 * 1024;

/// How long to wait after `accept` fails (typically: no file descriptor is
/// free) before trying again, so the loop does not spin while connections
/// close.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Answers requests until the process stops, each connection on its own
/// thread so that long polls never hold up page loads.
pub fn run(listener: TcpListener, state: Arc<State>) {
    // Each connection's thread holds a clone of `active`, dropped with the
    // thread's closure (even one whose thread could not start), so its
    // count is one more than the connections being handled.
    let active = Arc::new(());
    loop {
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(_) => {
                std::thread::sleep(ACCEPT_BACKOFF);
                continue;
            }
        };
        if Arc::strong_count(&active) > MAX_CONNECTIONS {
            // Dropping the stream closes it: the client may retry.
            continue;
        }
        let slot = Arc::clone(&active);
        let state = Arc::clone(&state);
        let _ = std::thread::Builder::new()
            .name("brief-serve-http".into())
            .spawn(move || {
                let _slot = slot;
                connection(stream, &state);
            });
    }
}

/// Reads one request from `stream`, answers it and closes the connection.
fn connection(mut stream: TcpStream, state: &State) {
    if stream.set_write_timeout(Some(WRITE_TIMEOUT)).is_err() {
        return;
    }
    let Some(head) = read_head(&mut stream) else {
        return;
    };
    let (reply, head_only) = match parse(&head) {
        Some(request) => (respond(&request, state), request.method == "HEAD"),
        None => (plain(400, "a malformed request"), false),
    };
    let _ = stream.write_all(&reply.to_bytes(head_only));
    let _ = stream.flush();
}

/// The request head, up to its blank line; None when the client does not
/// send it whole within [`HEAD_TIMEOUT`] (counted from the first read, so
/// that trickling a byte at a time does not hold the connection), closes
/// early, or sends more than [`MAX_HEAD`].
fn read_head(stream: &mut TcpStream) -> Option<String> {
    let deadline = std::time::Instant::now() + HEAD_TIMEOUT;
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let left = deadline.checked_duration_since(std::time::Instant::now())?;
        // A zero timeout means none at all to the standard library.
        stream
            .set_read_timeout(Some(left.max(Duration::from_millis(1))))
            .ok()?;
        let n = stream.read(&mut buf).ok()?;
        if n == 0 || head.len() + n > MAX_HEAD {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
    }
    String::from_utf8(head).ok()
}

/// What a request asks for.
struct Request<'a> {
    method: &'a str,
    target: &'a str,
    host: Option<&'a str>,
}

fn parse(head: &str) -> Option<Request<'_>> {
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, target, version) = (first.next()?, first.next()?, first.next()?);
    if first.next().is_some() || !version.starts_with("HTTP/1.") {
        return None;
    }
    let host = lines
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("host"))
        .map(|(_, value)| value.trim());
    Some(Request {
        method,
        target,
        host,
    })
}

fn respond(request: &Request, state: &State) -> Reply {
    if !is_local_host(request.host) {
        return plain(
            403,
            "refused: brief serve answers only requests addressed to 127.0.0.1 or localhost",
        );
    }
    match request.method {
        "GET" | "HEAD" => route(request.target, state),
        _ => plain(405, "only GET and HEAD are served"),
    }
}

/// Whether a `Host` header names this machine: `127.0.0.1` or `localhost`,
/// with or without a port. Anything else is a page elsewhere reaching the
/// server through a name made to point here (DNS rebinding), or a request
/// meant for another server.
fn is_local_host(host: Option<&str>) -> bool {
    let Some(host) = host else {
        return false;
    };
    let name = match host.rsplit_once(':') {
        Some((name, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => name,
        Some(_) => return false,
        None => host,
    };
    name == "127.0.0.1" || name.eq_ignore_ascii_case("localhost")
}

/// A path segment as it may stand in a `Location` header.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'`')
    .add(b'{')
    .add(b'}');

fn route(url: &str, state: &State) -> Reply {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    if path == EVENTS {
        return events(query, state);
    }
    let Some(rel) = site_path(path) else {
        return plain(400, "refused: the path leaves the site");
    };
    let files = state.files();
    if let Some(bytes) = files.get(&rel) {
        return file(200, &rel, bytes, state);
    }
    if files.contains_key(&format!("{rel}/index.html")) {
        // Made from the folder's own segments, so it always starts with a
        // single `/`: a request for `//host/x` is not sent to that host.
        let segments: Vec<String> = rel
            .split('/')
            .map(|s| utf8_percent_encode(s, SEGMENT).to_string())
            .collect();
        let mut reply = plain(301, "moved");
        reply.location = Some(format!("/{}/", segments.join("/")));
        return reply;
    }
    if files.is_empty() {
        let page = "<!doctype html><title>brief serve</title><body><p>No build has succeeded yet.</p></body>";
        return html(503, &inject(page, state));
    }
    match files.get("404.html") {
        Some(bytes) => file(404, "404.html", bytes, state),
        None => html(
            404,
            &inject(
                "<!doctype html><title>Not found</title><body><p>Not found.</p></body>",
                state,
            ),
        ),
    }
}

/// The output path a request path names, or None when it must be refused:
/// `..` or `.` segments, backslashes or NUL, before or after decoding.
pub fn site_path(path: &str) -> Option<String> {
    let decoded = percent_decode(path);
    if !decoded.starts_with('/') || decoded.contains(['\\', '\0']) || decoded.contains('\u{FFFD}') {
        return None;
    }
    let segments: Vec<&str> = decoded[1..].split('/').collect();
    if segments.iter().any(|s| *s == ".." || *s == ".") {
        return None;
    }
    let mut rel = segments
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("/");
    if decoded.ends_with('/') {
        rel = if rel.is_empty() {
            "index.html".to_string()
        } else {
            format!("{rel}/index.html")
        };
    }
    Some(rel)
}

/// A response, written whole and followed by closing the connection.
struct Reply {
    status: u16,
    kind: String,
    location: Option<String>,
    body: Vec<u8>,
}

impl Reply {
    fn to_bytes(&self, head_only: bool) -> Vec<u8> {
        let reason = match self.status {
            200 => "OK",
            301 => "Moved Permanently",
            400 => "Bad Request",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            _ => "Service Unavailable",
        };
        let mut out = format!(
            "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n",
            self.status,
            self.kind,
            self.body.len()
        );
        if let Some(location) = &self.location {
            out.push_str(&format!("Location: {location}\r\n"));
        }
        out.push_str("\r\n");
        let mut bytes = out.into_bytes();
        if !head_only {
            bytes.extend_from_slice(&self.body);
        }
        bytes
    }
}

fn file(status: u16, rel: &str, bytes: &[u8], state: &State) -> Reply {
    let kind = content_type(rel);
    if kind.starts_with("text/html") {
        return html(status, &inject(&String::from_utf8_lossy(bytes), state));
    }
    reply(status, &kind, bytes.to_vec())
}

/// `?since=N` waits for a build after version N; without it, answers at once.
fn events(query: &str, state: &State) -> Reply {
    let since = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("since="))
        .and_then(|v| v.parse::<u64>().ok());
    let status = match since {
        Some(since) => state.wait(since, POLL),
        None => state.status(),
    };
    let body = serde_json::to_vec(&status).unwrap_or_default();
    reply(200, "application/json", body)
}

/// The page with the live-reload script before `</body>` (or at the end).
fn inject(page: &str, state: &State) -> String {
    let built = state.status().built;
    let script = SCRIPT
        .replace("BUILT", &built.to_string())
        .replace("EVENTS", EVENTS);
    match page.rfind("</body>") {
        Some(at) => format!("{}{script}{}", &page[..at], &page[at..]),
        None => format!("{page}{script}"),
    }
}

/// The live-reload script: it long-polls [`EVENTS`], reloads the page after
/// a newer good build, and shows a failed build's diagnostics over the page.
const SCRIPT: &str = include_str!("reload.html");

fn plain(status: u16, text: &str) -> Reply {
    reply(
        status,
        "text/plain; charset=utf-8",
        format!("{text}\n").into_bytes(),
    )
}

fn html(status: u16, text: &str) -> Reply {
    reply(status, "text/html; charset=utf-8", text.as_bytes().to_vec())
}

fn reply(status: u16, kind: &str, body: Vec<u8>) -> Reply {
    Reply {
        status,
        kind: kind.to_string(),
        location: None,
        body,
    }
}

/// The type a file is served as, from its extension; text is UTF-8.
fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    match mime.type_() == mime_guess::mime::TEXT {
        true => format!("{mime}; charset=utf-8"),
        false => mime.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_into_the_site() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(
            site_path("/parties/").as_deref(),
            Some("parties/index.html")
        );
        assert_eq!(
            site_path("/parties/a%20b.html").as_deref(),
            Some("parties/a b.html")
        );
        assert_eq!(site_path("//x.html").as_deref(), Some("x.html"));
    }

    #[test]
    fn only_this_machine_is_a_host() {
        for good in ["127.0.0.1", "127.0.0.1:4040", "localhost", "LocalHost:80"] {
            assert!(is_local_host(Some(good)), "{good}");
        }
        for bad in [
            None,
            Some(""),
            Some("evil.example"),
            Some("evil.example:4040"),
            Some("localhost.evil.example"),
            Some("127.0.0.1.evil.example"),
            Some("localhost:"),
            Some("localhost:x"),
            Some("[::1]:4040"),
        ] {
            assert!(!is_local_host(bad), "{bad:?}");
        }
    }

    #[test]
    fn request_heads_parse() {
        let request = parse("GET /a HTTP/1.1\r\nhost: localhost:1\r\nX: y\r\n\r\n").unwrap();
        assert_eq!((request.method, request.target), ("GET", "/a"));
        assert_eq!(request.host, Some("localhost:1"));
        assert!(parse("GET /a\r\n\r\n").is_none());
        assert!(parse("GET /a b HTTP/1.1\r\n\r\n").is_none());
    }

    #[test]
    fn escapes_are_refused() {
        for bad in [
            "/../Cargo.toml",
            "/%2e%2e/Cargo.toml",
            "/%2E%2E/x",
            "/a/..%2fCargo.toml",
            "/..%5cCargo.toml",
            "/a\\b",
            "/./x",
            "/%00",
            "x",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }
}
