//! `brief pdf` prints nothing but the built site: raw HTML in a section that
//! reaches for files outside it (`file://`) or for servers on this machine
//! (`http://127.0.0.1:…`) gets nothing into the PDF, and those servers are
//! never asked.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{normalise, tool, tools_present};
use crate::support::*;

/// A server on 127.0.0.1 that counts the connections it gets and answers
/// each with a page marked VICTIM-MARKER. Its thread ends with the test binary.
fn counting_server() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            seen.fetch_add(1, Ordering::SeqCst);
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(
                b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\n\r\nVICTIM-MARKER",
            );
        }
    });
    (port, count)
}

#[test]
fn pdf_reads_nothing_but_the_built_site() {
    if !tools_present("pdf_reads_nothing_but_the_built_site") {
        return;
    }
    let secrets = tempfile::tempdir().unwrap();
    copy_dir(&fixture("print/escape-secrets"), secrets.path());
    let (port, asked) = counting_server();
    let site = site("print/escape");
    let section = site.path().join("content/sections/01-escape.md");
    let text = std::fs::read_to_string(&section)
        .unwrap()
        .replace("@SECRET@", secrets.path().to_str().unwrap())
        .replace("@PORT@", &port.to_string());
    std::fs::write(&section, text).unwrap();

    let pdf = site.path().join("escape.pdf");
    let output = brief(
        site.path(),
        &["pdf", "--quiet", "--out", pdf.to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let text = normalise(&tool("pdftotext", &[pdf.to_str().unwrap(), "-"]));
    assert!(
        text.contains("OWN-TEXT-MARKER"),
        "the section itself is printed: {text}"
    );
    assert!(
        !text.contains("SECRET-MARKER"),
        "a file outside the site is printed: {text}"
    );
    assert!(
        !text.contains("VICTIM-MARKER"),
        "another server's page is printed: {text}"
    );
    // The site has no pictures of its own (its maps are drawn in SVG), so any
    // image in the PDF came from outside it.
    let images = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
    assert_eq!(images.lines().count(), 2, "images in the PDF:\n{images}");
    assert_eq!(
        asked.load(Ordering::SeqCst),
        0,
        "the test's server was asked"
    );
}
