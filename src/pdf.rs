//! `brief pdf`: the print edition as a PDF, through a local Chromium.
//!
//! The site is built into a temporary folder, then Chromium's headless
//! `--print-to-pdf` prints one page of it (`print.html` unless told otherwise)
//! with the print stylesheet, no browser header or footer, and a document
//! outline built from the page's headings. Chromium comes from `BRIEF_CHROMIUM`
//! when that is set, else the first of [`CANDIDATES`] on `PATH`.
//!
//! This module drives the build and Chromium and checks what Chromium wrote; it
//! renders nothing itself and never talks to the network.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{BuildOptions, Compiled, Error};

mod outline;

/// The environment variable that names the Chromium binary to use.
pub const ENV: &str = "BRIEF_CHROMIUM";

/// Browser commands looked for on `PATH`, in order.
pub const CANDIDATES: [&str; 5] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
];

/// How to get a browser, appended to every "no Chromium" error.
const INSTALL_HINT: &str = "install Chromium (Debian/Ubuntu: `apt-get install chromium`; macOS: `brew install --cask chromium`) \
                            or set BRIEF_CHROMIUM to a Chromium or Chrome binary";

/// How long one print may take before Chromium is stopped.
const TIMEOUT: Duration = Duration::from_secs(120);

/// Paper sizes the print stylesheet is laid out for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

impl Paper {
    /// The CSS `@page` size keyword.
    pub fn css(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::Letter => "letter",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("no Chromium found ({0}); {INSTALL_HINT}")]
    NoChromium(String),
    #[error(
        "Chromium ({chromium}) failed to print {page}: {cause}; run it by hand with --headless --print-to-pdf to see why"
    )]
    Failed {
        chromium: PathBuf,
        page: PathBuf,
        cause: String,
    },
    #[error(
        "the built site has no page {0}; name one relative to the output folder, such as print.html or parties/ID.html"
    )]
    NoPage(String),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What to print and how.
#[derive(Debug, Clone)]
pub struct PdfOptions {
    /// The built page to print, relative to the output root.
    pub page: String,
    pub paper: Paper,
    pub build: BuildOptions,
}

/// What `brief pdf` did.
pub struct Printed {
    pub compiled: Compiled,
    /// The size of the PDF written; None when the build stopped on diagnostics.
    pub bytes: Option<u64>,
}

/// Builds the site at `root` into a temporary folder and prints one of its
/// pages to `out`. Finds Chromium first, so a missing browser fails fast.
pub fn pdf(root: &Path, out: &Path, options: &PdfOptions) -> Result<Printed, Error> {
    // The page is edited in place before printing, so it must be one of the
    // built pages, never a path that leads out of the temporary folder.
    let inside = Path::new(&options.page)
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !inside || !options.page.ends_with(".html") {
        return Err(PdfError::NoPage(options.page.clone()).into());
    }
    let chromium = find_chromium()?;
    let scratch = tempfile::Builder::new()
        .prefix("brief-pdf-")
        .tempdir()
        .map_err(|source| PdfError::Io {
            path: std::env::temp_dir(),
            source,
        })?;
    let site = scratch.path().join("site");
    let built = crate::build(root, &site, &options.build)?;
    if built.written.is_none() {
        return Ok(Printed {
            compiled: built.compiled,
            bytes: None,
        });
    }
    let printed = print_numbered(
        &chromium,
        &site.join(&options.page),
        options,
        scratch.path(),
    )?;
    let bytes = place(&printed, out)?;
    Ok(Printed {
        compiled: built.compiled,
        bytes: Some(bytes),
    })
}

/// Prints `page` on the chosen paper into `scratch`; when the page has a
/// contents list, prints it a second time with page numbers in the contents.
/// Returns the PDF's path.
fn print_numbered(
    chromium: &Path,
    page: &Path,
    options: &PdfOptions,
    scratch: &Path,
) -> Result<PathBuf, PdfError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| PdfError::Io { path, source }
    };
    let html = std::fs::read_to_string(page).map_err(|_| PdfError::NoPage(options.page.clone()))?;
    let sized = html.replacen(
        "</head>",
        &format!("{}\n</head>", paper_style(options.paper)),
        1,
    );
    std::fs::write(page, &sized).map_err(io(page))?;
    let printed = scratch.join("print.pdf");
    print(chromium, page, &printed, &scratch.join("first"))?;
    // Chromium's CSS has no page references, so the contents get their page
    // numbers from the first print's outline, and the page is printed again.
    // The numbers sit in space the first print already reserved, so the pages
    // do not move.
    let first = std::fs::read(&printed).map_err(io(&printed))?;
    if let Some(style) = contents_pages(&sized, &first) {
        let numbered = sized.replacen("</head>", &format!("{style}\n</head>"), 1);
        std::fs::write(page, numbered).map_err(io(page))?;
        print(chromium, page, &printed, &scratch.join("second"))?;
    }
    Ok(printed)
}

/// A `<style>` that writes each contents entry's page number, found by
/// matching the heading text the entry names with the PDF's outline; None when
/// the page has no contents or nothing matches.
fn contents_pages(html: &str, pdf: &[u8]) -> Option<String> {
    let normal = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let outline = outline::read(pdf);
    let rules: Vec<String> = contents_entries(html)
        .into_iter()
        .filter(|(id, _)| id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .filter_map(|(id, heading)| {
            let page = outline
                .iter()
                .find(|o| normal(&o.title) == normal(&heading))?
                .page;
            Some(format!(
                ".toc-page[data-for=\"{id}\"]::after {{ content: \"{page}\"; }}"
            ))
        })
        .collect();
    (!rules.is_empty()).then(|| format!("<style>\n{}\n</style>", rules.join("\n")))
}

/// `(anchor, heading text)` of each `<span class="toc-page" data-for="…"
/// data-heading="…">` that `print.html` writes in its contents list.
fn contents_entries(html: &str) -> Vec<(String, String)> {
    const OPEN: &str = "<span class=\"toc-page\" data-for=\"";
    let mut entries = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(OPEN) {
        rest = &rest[at + OPEN.len()..];
        let Some((id, after)) = rest.split_once('"') else {
            break;
        };
        let Some(heading) = after
            .strip_prefix(" data-heading=\"")
            .and_then(|h| h.split_once('"'))
            .map(|(h, _)| h)
        else {
            continue;
        };
        entries.push((id.to_string(), unescape(heading)));
    }
    entries
}

/// Undoes the escaping templates apply to attribute values.
fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Moves the finished PDF to `out` whole: copied beside it, then renamed.
fn place(pdf: &Path, out: &Path) -> Result<u64, PdfError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| PdfError::Io { path, source }
    };
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    let mut partial = out.as_os_str().to_owned();
    partial.push(format!(".partial-{}", std::process::id()));
    let partial = PathBuf::from(partial);
    let bytes = std::fs::copy(pdf, &partial).map_err(io(&partial))?;
    std::fs::rename(&partial, out).map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        io(out)(e)
    })?;
    Ok(bytes)
}

/// Finds the browser: `BRIEF_CHROMIUM` when set (it must run), else the first
/// candidate on `PATH`.
pub fn find_chromium() -> Result<PathBuf, PdfError> {
    if let Some(named) = std::env::var_os(ENV).filter(|v| !v.is_empty()) {
        let path = PathBuf::from(&named);
        return match Command::new(&path)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
        {
            Ok(status) if status.success() => Ok(path),
            Ok(status) => Err(PdfError::NoChromium(format!(
                "{ENV}={} exits with {status} on --version",
                path.display()
            ))),
            Err(e) => Err(PdfError::NoChromium(format!(
                "{ENV}={} cannot be run: {e}",
                path.display()
            ))),
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    on_path(&path).ok_or_else(|| {
        PdfError::NoChromium(format!("none of {} is on PATH", CANDIDATES.join(", ")))
    })
}

/// The first candidate browser in the folders of `path`.
fn on_path(path: &OsString) -> Option<PathBuf> {
    CANDIDATES.iter().find_map(|name| {
        std::env::split_paths(path)
            .map(|dir| dir.join(name))
            .find(|p| is_executable(p))
    })
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// Prints the HTML file `page` to `out` with `chromium`. `scratch` is an empty
/// folder for the browser profile, which must not be shared between runs.
pub fn print(chromium: &Path, page: &Path, out: &Path, scratch: &Path) -> Result<(), PdfError> {
    let failed = |cause: String| PdfError::Failed {
        chromium: chromium.to_path_buf(),
        page: page.to_path_buf(),
        cause,
    };
    let page_abs = std::path::absolute(page).map_err(|e| failed(e.to_string()))?;
    let out_abs = std::path::absolute(out).map_err(|e| failed(e.to_string()))?;
    let profile = scratch.join("profile");
    std::fs::create_dir_all(&profile).map_err(|source| PdfError::Io {
        path: profile.clone(),
        source,
    })?;
    let _ = std::fs::remove_file(&out_abs);
    let mut print_to = OsString::from("--print-to-pdf=");
    print_to.push(&out_abs);
    let mut user_data = OsString::from("--user-data-dir=");
    user_data.push(&profile);
    let mut child = Command::new(chromium)
        // The page is our own output, offline and without scripts; the sandbox
        // is off because Chromium refuses to start sandboxed as root (CI, containers).
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
        ])
        .args([
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .args([
            "--disable-dev-shm-usage",
            "--no-default-browser-check",
            "--hide-scrollbars",
        ])
        .args(["--no-pdf-header-footer", "--generate-pdf-document-outline"])
        .arg(user_data)
        .arg(print_to)
        .arg(file_url(&page_abs))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| failed(format!("cannot start it: {e}")))?;
    // Read stderr on its own thread so a chatty browser never blocks on a full pipe.
    let stderr = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut s) = stderr {
            let _ = s.read_to_string(&mut text);
        }
        text
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(failed(format!(
                    "no PDF after {} seconds",
                    TIMEOUT.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(failed(e.to_string())),
        }
    };
    let log = reader.join().unwrap_or_default();
    // Chromium exits 0 even when the page fails to load, so the PDF itself is the
    // evidence: it must exist and start like a PDF.
    let written = std::fs::read(&out_abs)
        .map(|b| b.starts_with(b"%PDF-"))
        .unwrap_or(false);
    if !status.success() || log.contains("Page load failed") || !written {
        let last = log
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty() && !l.contains("dbus"))
            .unwrap_or("no PDF was written");
        return Err(failed(format!("{status}, {}", last.trim())));
    }
    Ok(())
}

/// A `file://` URL for an absolute path, percent-encoding what URLs cannot hold.
pub fn file_url(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut url = String::from(if text.starts_with('/') {
        "file://"
    } else {
        "file:///"
    });
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' | b':' => {
                url.push(byte as char)
            }
            _ => url.push_str(&format!("%{byte:02X}")),
        }
    }
    url
}

/// The `@page` size rule that picks the paper, to add to the printed page.
pub fn paper_style(paper: Paper) -> String {
    format!("<style>@page {{ size: {}; }}</style>", paper.css())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contents_entries_are_read_back_unescaped() {
        let html = r#"<li><span class="toc-page" data-for="section-a" data-heading="1. Amazon&#39;s &amp; &quot;AWS&quot;"></span>
            <span class="toc-page" data-for="appendix-parties" data-heading="Appendix A. Parties"></span>"#;
        assert_eq!(
            contents_entries(html),
            [
                ("section-a".to_string(), "1. Amazon's & \"AWS\"".to_string()),
                (
                    "appendix-parties".to_string(),
                    "Appendix A. Parties".to_string()
                )
            ]
        );
        assert_eq!(contents_pages(html, b"not a pdf"), None);
    }

    #[test]
    fn file_urls_escape_spaces_and_keep_slashes() {
        assert_eq!(
            file_url(Path::new("/tmp/a b/print.html")),
            "file:///tmp/a%20b/print.html"
        );
        assert_eq!(
            file_url(Path::new("/tmp/é.html")),
            "file:///tmp/%C3%A9.html"
        );
    }

    #[test]
    fn path_search_takes_the_first_candidate_found() {
        let tmp = tempfile::tempdir().unwrap();
        let empty = OsString::from(tmp.path());
        assert_eq!(on_path(&empty), None);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let chrome = tmp.path().join("google-chrome");
            std::fs::write(&chrome, "#!/bin/sh\n").unwrap();
            std::fs::set_permissions(&chrome, std::fs::Permissions::from_mode(0o755)).unwrap();
            assert_eq!(on_path(&empty), Some(chrome));
        }
    }
}
