//! The HTTP side of `brief serve`: maps a request path to a file of the site
//! held in memory, refuses any path that tries to leave it, injects the
//! live-reload script into HTML responses (never into built files), and
//! answers the script's long poll at `/__brief/events`.
//!
//! It reads only the shared [`State`]; it never builds, watches or touches disk.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tiny_http::{Header, Method, Request, Response, Server};

use super::{State, Status};
use crate::verify::percent_decode;

/// Where the live-reload script asks for news.
const EVENTS: &str = "/__brief/events";

/// How long one long poll waits before answering "nothing new".
const POLL: Duration = Duration::from_secs(25);

/// Answers requests until the server stops, each on its own thread so that
/// long polls never hold up page loads.
pub fn run(server: Server, state: Arc<State>) {
    for request in server.incoming_requests() {
        let state = Arc::clone(&state);
        std::thread::spawn(move || respond(request, &state));
    }
}

fn respond(request: Request, state: &State) {
    let response = match request.method() {
        Method::Get | Method::Head => route(request.url(), state),
        _ => plain(405, "only GET and HEAD are served"),
    };
    let _ = request.respond(response);
}

type Reply = Response<std::io::Cursor<Vec<u8>>>;

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
        let location = format!("{}/", path.trim_end_matches('/'));
        let mut reply = plain(301, "moved");
        if let Ok(header) = Header::from_bytes("Location", location) {
            reply.add_header(header);
        }
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

fn file(status: u16, rel: &str, bytes: &[u8], state: &State) -> Reply {
    let kind = content_type(rel);
    if kind.starts_with("text/html") {
        return html(status, &inject(&String::from_utf8_lossy(bytes), state));
    }
    with_type(
        Response::from_data(bytes.to_vec()).with_status_code(status),
        kind,
    )
}

#[derive(Serialize)]
struct EventsJson<'a> {
    version: u64,
    built: u64,
    error: Option<&'a str>,
}

/// `?since=N` waits for a build after version N; without it, answers at once.
fn events(query: &str, state: &State) -> Reply {
    let since = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("since="))
        .and_then(|v| v.parse::<u64>().ok());
    let status: Status = match since {
        Some(since) => state.wait(since, POLL),
        None => state.status(),
    };
    let json = EventsJson {
        version: status.version,
        built: status.built,
        error: status.error.as_deref(),
    };
    let body = serde_json::to_vec(&json).unwrap_or_default();
    with_type(Response::from_data(body), "application/json")
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

const SCRIPT: &str = r#"<script data-brief-serve>(function () {
  var built = BUILT, since = null;
  function overlay(text) {
    var o = document.getElementById("brief-serve-error");
    if (!o) {
      o = document.createElement("div");
      o.id = "brief-serve-error";
      o.setAttribute("role", "alert");
      o.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
        "background:rgba(24,24,24,.95);color:#f5f5f5;font:14px/1.45 ui-monospace,Menlo,Consolas,monospace";
      var h = document.createElement("p");
      h.textContent = "brief serve: the last change does not build. The page below is the last good build.";
      h.style.cssText = "margin:0 0 1rem;font-weight:bold;color:#ff8a80";
      var pre = document.createElement("pre");
      pre.style.whiteSpace = "pre";
      o.appendChild(h);
      o.appendChild(pre);
      document.body.appendChild(o);
    }
    o.lastChild.textContent = text;
  }
  function clear() {
    var o = document.getElementById("brief-serve-error");
    if (o) o.parentNode.removeChild(o);
  }
  function poll() {
    var url = "EVENTS" + (since === null ? "" : "?since=" + since);
    fetch(url, { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        since = s.version;
        if (s.built > built) { location.reload(); return; }
        if (s.error) overlay(s.error); else clear();
        poll();
      })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();</script>
"#;

fn plain(status: u16, text: &str) -> Reply {
    with_type(
        Response::from_string(format!("{text}\n")).with_status_code(status),
        "text/plain; charset=utf-8",
    )
}

fn html(status: u16, text: &str) -> Reply {
    with_type(
        Response::from_string(text).with_status_code(status),
        "text/html; charset=utf-8",
    )
}

fn with_type(mut reply: Reply, kind: &str) -> Reply {
    for (name, value) in [("Content-Type", kind), ("Cache-Control", "no-store")] {
        if let Ok(header) = Header::from_bytes(name, value) {
            reply.add_header(header);
        }
    }
    reply
}

fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
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
