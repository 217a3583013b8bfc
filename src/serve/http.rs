//! The small HTTP server of `brief serve` and of `brief pdf`'s loopback:
//! accepts connections on a loopback listener and answers each with what a
//! handler makes of its request.
//!
//! One request per connection, and no body read: only what a request head
//! says (method, target, `Host`) reaches the handler, which is all that
//! `GET` and `HEAD` need. Connections are bounded in number and in how long
//! they may take to send their request, and a failed `accept` (file
//! descriptors run out) is waited out rather than fatal: idle or abusive
//! clients slow the server down at worst, never stop it.
//!
//! It knows nothing of sites: what to answer is the handler's.
//!
//! It is written here rather than taken from a crate because the small
//! synchronous servers fail those two bounds: tiny_http (0.12) ends its
//! accept loop for good at the first failed `accept` and gives a client
//! unlimited time to send its request head; hyper would bring an async
//! runtime for a server that answers one person's browser.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

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

/// Answers requests until `stop` is set (checked as each connection is
/// accepted), each connection on its own thread so that a slow answer (a
/// long poll) never holds up others.
pub fn run<F>(listener: TcpListener, stop: &AtomicBool, answer: F)
where
    F: Fn(&Request) -> Reply + Send + Sync + 'static,
{
    // Each connection's thread holds a clone of `answer`, dropped with the
    // thread's closure (even one whose thread could not start), so its
    // count is one more than the connections being handled.
    let answer = Arc::new(answer);
    loop {
        let Ok((stream, _)) = listener.accept() else {
            std::thread::sleep(ACCEPT_BACKOFF);
            continue;
        };
        if stop.load(Ordering::SeqCst) {
            return;
        }
        if Arc::strong_count(&answer) > MAX_CONNECTIONS {
            // Dropping the stream closes it: the client may retry.
            continue;
        }
        let answer = Arc::clone(&answer);
        let _ = std::thread::Builder::new()
            .name("brief-http".into())
            .spawn(move || connection(stream, &*answer));
    }
}

/// Reads one request from `stream`, answers it and closes the connection;
/// None when the client went away or was too slow.
fn connection(mut stream: TcpStream, answer: &dyn Fn(&Request) -> Reply) -> Option<()> {
    stream.set_write_timeout(Some(WRITE_TIMEOUT)).ok()?;
    let head = read_head(&mut stream)?;
    let (reply, head_only) = match parse(&head) {
        Some(request) => (answer(&request), request.method == "HEAD"),
        None => (plain(400, "a malformed request"), false),
    };
    stream.write_all(&reply.to_bytes(head_only)).ok()
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
        let timeout = left.max(Duration::from_millis(1));
        stream.set_read_timeout(Some(timeout)).ok()?;
        let n = stream.read(&mut buf).ok()?;
        if n == 0 || head.len() + n > MAX_HEAD {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
    }
    String::from_utf8(head).ok()
}

/// What a request asks for: its method, its target as sent, and its `Host`.
pub struct Request<'a> {
    pub method: &'a str,
    pub target: &'a str,
    pub host: Option<&'a str>,
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

/// A response, written whole and followed by closing the connection.
pub struct Reply {
    pub status: u16,
    pub kind: String,
    pub location: Option<String>,
    pub body: Vec<u8>,
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
        let location =
            (self.location.as_ref()).map_or(String::new(), |to| format!("Location: {to}\r\n"));
        let (status, kind, length) = (self.status, &self.kind, self.body.len());
        let head = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: {kind}\r\nContent-Length: {length}\r\nCache-Control: no-store\r\nConnection: close\r\n{location}\r\n"
        );
        let body: &[u8] = if head_only { &[] } else { &self.body };
        [head.as_bytes(), body].concat()
    }
}

pub fn plain(status: u16, text: &str) -> Reply {
    let body = format!("{text}\n").into_bytes();
    reply(status, "text/plain; charset=utf-8", body)
}

pub fn reply(status: u16, kind: &str, body: Vec<u8>) -> Reply {
    Reply {
        status,
        kind: kind.to_string(),
        location: None,
        body,
    }
}

/// The type a file is served as, from its extension; text is UTF-8.
pub fn content_type(path: &str) -> String {
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
    fn request_heads_parse() {
        let request = parse("GET /a HTTP/1.1\r\nhost: localhost:1\r\nX: y\r\n\r\n").unwrap();
        assert_eq!((request.method, request.target), ("GET", "/a"));
        assert_eq!(request.host, Some("localhost:1"));
        assert!(parse("GET /a\r\n\r\n").is_none());
        assert!(parse("GET /a b HTTP/1.1\r\n\r\n").is_none());
    }
}
