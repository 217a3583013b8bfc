//! What `brief serve` answers: maps a request path to a file of the site
//! held in memory, refuses any path that tries to leave it and any request
//! addressed to a host other than this machine, injects the live-reload
//! script into HTML responses (never into built files), and answers the
//! script's long poll at `/__brief/events`. Only `GET` and `HEAD` are served.
//!
//! It reads only the shared [`State`]; it never builds, watches or touches disk.

use std::time::Duration;

use url::Url;

use super::State;
use super::http::{Reply, Request, content_type, plain, reply};
use crate::verify::percent_decode;

/// Where the live-reload script asks for news.
const EVENTS: &str = "/__brief/events";

/// How long one long poll waits before answering "nothing new".
const POLL: Duration = Duration::from_secs(25);

/// The answer to one request.
pub(super) fn respond(request: &Request, state: &State) -> Reply {
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
        let mut reply = plain(301, "moved");
        reply.location = folder(&rel);
        return reply;
    }
    if files.is_empty() {
        let text = "<!doctype html><title>brief serve</title><body><p>No build has succeeded yet.</p></body>";
        return page(503, text, state);
    }
    match files.get("404.html") {
        Some(bytes) => file(404, "404.html", bytes, state),
        None => {
            let text = "<!doctype html><title>Not found</title><body><p>Not found.</p></body>";
            page(404, text, state)
        }
    }
}

/// The output path a request path names (for `serve` and for `pdf`'s
/// loopback), or None when it must be refused:
/// `..` or `.` segments, backslashes or NUL, before or after decoding.
pub fn site_path(path: &str) -> Option<String> {
    let decoded = percent_decode(path);
    if !decoded.starts_with('/') || decoded.contains(['\\', '\0']) || decoded.contains('\u{FFFD}') {
        return None;
    }
    let mut segments: Vec<&str> = decoded.split('/').filter(|s| !s.is_empty()).collect();
    if segments.iter().any(|s| matches!(*s, "." | "..")) {
        return None;
    }
    if decoded.ends_with('/') {
        segments.push("index.html");
    }
    Some(segments.join("/"))
}

/// Where a request for the folder `rel` is sent: its path with a `/` at the
/// end. Made from the folder's own segments, each percent-encoded, so it
/// always starts with a single `/`: a request for `//host/x` is not sent to
/// that host.
fn folder(rel: &str) -> Option<String> {
    let mut url = Url::parse("http://127.0.0.1/").ok()?;
    url.path_segments_mut()
        .ok()?
        .extend(rel.split('/'))
        .push("");
    Some(url.path().to_string())
}

fn file(status: u16, rel: &str, bytes: &[u8], state: &State) -> Reply {
    let kind = content_type(rel);
    if kind.starts_with("text/html") {
        return page(status, &String::from_utf8_lossy(bytes), state);
    }
    reply(status, &kind, bytes.to_vec())
}

/// `?since=N` waits for a build after version N; without it, answers at once.
fn events(query: &str, state: &State) -> Reply {
    let since = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("since="))
        .and_then(|v| v.parse::<u64>().ok());
    let status = since.map_or_else(|| state.status(), |since| state.wait(since, POLL));
    let body = serde_json::to_vec(&status).unwrap_or_default();
    reply(200, "application/json", body)
}

/// An HTML answer: `text` with the live-reload script before `</body>` (or
/// at the end).
fn page(status: u16, text: &str, state: &State) -> Reply {
    let built = state.status().built.to_string();
    let script = SCRIPT.replace("BUILT", &built).replace("EVENTS", EVENTS);
    let page = end_of_body(text, &script);
    reply(status, "text/html; charset=utf-8", page.into_bytes())
}

/// `html` with `insert` just before its `</body>`, or at its end when it has
/// none.
pub(crate) fn end_of_body(html: &str, insert: &str) -> String {
    let at = html.rfind("</body>").unwrap_or(html.len());
    [&html[..at], insert, &html[at..]].concat()
}

/// The live-reload script: it long-polls [`EVENTS`], reloads the page after
/// a newer good build, and shows a failed build's diagnostics over the page.
const SCRIPT: &str = include_str!("reload.html");

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
