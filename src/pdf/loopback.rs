//! The only door between the printing browser and the world: `serve`'s HTTP
//! server on 127.0.0.1, serving the files of one folder (the site built
//! for printing) and acting as the browser's proxy for every other address,
//! which it refuses. So a page of the author's that embeds
//! `http://elsewhere/…` asks this server, and gets nothing; `file://` from an
//! `http://` page is blocked by Chromium itself.
//!
//! It serves only regular files that resolve to inside the folder, for GET and
//! HEAD; it does not list folders, follow links out of the folder, or tunnel
//! (`CONNECT`).

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use url::Url;

use super::PdfError;
use crate::serve::http::{self, Reply, Request, content_type, reply};
use crate::serve::routes::site_path;

/// A running server; dropping it stops the server.
pub struct Loopback {
    origin: Url,
    address: SocketAddr,
    stop: Arc<AtomicBool>,
}

impl Loopback {
    /// Serves `folder` on a free port of 127.0.0.1, on a thread of its own.
    pub fn start(folder: &Path) -> Result<Loopback, PdfError> {
        let failed = |e: std::io::Error| PdfError::Loopback(e.to_string());
        let folder = folder
            .canonicalize()
            .map_err(|e| PdfError::Loopback(format!("cannot open {}: {e}", folder.display())))?;
        let listener = TcpListener::bind("127.0.0.1:0").map_err(failed)?;
        let address = listener.local_addr().map_err(failed)?;
        let origin = Url::parse(&format!("http://{address}/"))
            .map_err(|e| PdfError::Loopback(e.to_string()))?;
        let stop = Arc::new(AtomicBool::new(false));
        let (stopped, served) = (Arc::clone(&stop), origin.clone());
        std::thread::Builder::new()
            .name("brief-pdf-site".to_string())
            .spawn(move || http::run(listener, &stopped, move |r| respond(&folder, &served, r)))
            .map_err(failed)?;
        Ok(Loopback {
            origin,
            address,
            stop,
        })
    }

    /// The address of `page`, a path relative to the folder with `/` between
    /// its parts.
    pub fn url(&self, page: &str) -> String {
        let mut url = self.origin.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.clear().extend(page.split('/'));
        }
        url.into()
    }

    /// The proxy address to give the browser: this server.
    pub fn proxy(&self) -> String {
        self.origin.as_str().trim_end_matches('/').to_string()
    }
}

impl Drop for Loopback {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // A connection wakes the server's `accept`, which then sees `stop`.
        let _ = TcpStream::connect(self.address);
    }
}

/// A file of `folder`, served at `origin`, for GET and HEAD; for anything
/// else, nothing.
fn respond(folder: &Path, origin: &Url, request: &Request) -> Reply {
    let file = file(folder, origin, request);
    match file.and_then(|path| Some((std::fs::read(&path).ok()?, path))) {
        Some((bytes, path)) => reply(200, &content_type(&path.to_string_lossy()), bytes),
        None => reply(403, "text/plain", Vec::new()),
    }
}

/// The file a GET or HEAD request names, when it is one of the folder's. A
/// request comes either straight (`GET /print.html`, with a `Host` header)
/// or as to a proxy (`GET http://host:port/print.html`); either way its
/// scheme, host and port must be this server's.
fn file(folder: &Path, origin: &Url, request: &Request) -> Option<PathBuf> {
    if !matches!(request.method, "GET" | "HEAD") {
        return None;
    }
    let target = request.target;
    let url = match target.starts_with('/') {
        true => Url::parse(&format!("http://{}{target}", request.host?)).ok()?,
        false => Url::parse(target).ok()?,
    };
    if url.origin() != origin.origin() {
        return None;
    }
    // The URL parser has already taken out `.` and `..` segments; a path
    // that decodes to one is refused, as `brief serve` refuses it.
    let path = folder.join(site_path(url.path())?);
    // A symbolic link is followed only if it stays inside the folder.
    let real = path.canonicalize().ok()?;
    (real.starts_with(folder) && real.is_file()).then_some(real)
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpStream;

    use super::*;

    /// The status line and body of a raw HTTP/1.0 request to the server.
    fn ask(server: &Loopback, request: &str) -> (String, String) {
        let address = format!(
            "{}:{}",
            server.origin.host_str().unwrap(),
            server.origin.port().unwrap()
        );
        let mut stream = TcpStream::connect(address).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let status = answer.lines().next().unwrap_or("").to_string();
        let body = answer
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    }

    #[test]
    fn serves_the_folders_files_and_refuses_everything_else() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(site.join("parties")).unwrap();
        std::fs::write(site.join("print.html"), "PRINT").unwrap();
        std::fs::write(site.join("parties/a b.html"), "PARTY").unwrap();
        std::fs::write(tmp.path().join("secret.txt"), "SECRET").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(tmp.path().join("secret.txt"), site.join("link.txt")).unwrap();
        let server = Loopback::start(&site).unwrap();
        let me = server.proxy();
        let host = me.trim_start_matches("http://");
        assert_eq!(
            server.url("parties/a b.html"),
            format!("{me}/parties/a%20b.html")
        );

        let ok = |request: String, body: &str| {
            let (status, got) = ask(&server, &request);
            assert!(status.contains(" 200 "), "{request}: {status}");
            assert_eq!(got, body, "{request}");
        };
        ok(
            format!("GET /print.html HTTP/1.0\r\nHost: {host}\r\n\r\n"),
            "PRINT",
        );
        ok(
            format!("GET {me}/parties/a%20b.html HTTP/1.0\r\n\r\n"),
            "PARTY",
        );

        for request in [
            // Another host, asked of the server as a proxy.
            "GET http://127.0.0.2:80/print.html HTTP/1.0\r\n\r\n".to_string(),
            "GET http://example.org/ HTTP/1.0\r\n\r\n".to_string(),
            "CONNECT example.org:443 HTTP/1.0\r\nHost: example.org:443\r\n\r\n".to_string(),
            // Ways out of the folder.
            format!("GET /../secret.txt HTTP/1.0\r\nHost: {host}\r\n\r\n"),
            format!("GET /%2e%2e/secret.txt HTTP/1.0\r\nHost: {host}\r\n\r\n"),
            format!("GET /parties%2f..%2f..%2fsecret.txt HTTP/1.0\r\nHost: {host}\r\n\r\n"),
            format!("GET /link.txt HTTP/1.0\r\nHost: {host}\r\n\r\n"),
            format!("GET / HTTP/1.0\r\nHost: {host}\r\n\r\n"),
            "GET /print.html HTTP/1.0\r\nHost: example.org\r\n\r\n".to_string(),
            format!("POST /print.html HTTP/1.0\r\nHost: {host}\r\n\r\n"),
        ] {
            let (status, body) = ask(&server, &request);
            assert!(status.contains(" 403 "), "{request}: {status}");
            assert!(!body.contains("SECRET"), "{request}");
        }
    }
}
