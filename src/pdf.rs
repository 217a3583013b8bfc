//! `brief pdf`: the print edition as a PDF, through a local Chromium.
//!
//! The site is built into a temporary folder, which a server on 127.0.0.1
//! serves to the browser (`loopback`); Chromium's headless `--print-to-pdf`
//! prints one page of it (`print.html` unless told otherwise) with the print
//! stylesheet, no browser header or footer, and a document outline built from
//! the page's headings. The browser can load nothing but that folder: the
//! server is also its proxy for every other address and refuses them, and an
//! `http://` page may not load `file://`. When the page has anything that
//! takes a page number (a contents list, labelled references, appendix
//! entries, an index: `numbers`), the PDF is read back (`outline`) and printed
//! again with the numbers, until a print reads back as the one before.
//! Chromium comes from `BRIEF_CHROMIUM` when that is set, else the first of
//! `browser::CANDIDATES` on `PATH`; every run of it has a time limit
//! (`browser`).
//!
//! This module drives the build and Chromium and checks what Chromium wrote; it
//! renders nothing itself and never talks to the network. It writes only its
//! temporary folder and the PDF, and never into the site's inputs (`place`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::output::{WriteError, io};
use crate::{BuildOptions, Compiled, Error};

mod browser;
mod loopback;
mod numbers;
mod outline;
mod place;

use crate::serve::routes::end_of_body;
use browser::Browser;
use loopback::Loopback;
use numbers::Marks;
use outline::{ReadBack, ReadError};

/// The environment variable that names the Chromium binary to use.
pub const ENV: &str = "BRIEF_CHROMIUM";

/// The environment variable that sets how many seconds one run of the
/// browser (its version check, each print) may take.
pub const TIMEOUT_ENV: &str = "BRIEF_PDF_TIMEOUT";

/// How long one run of the browser may take unless `BRIEF_PDF_TIMEOUT` says
/// otherwise: the shipped briefing prints in a few seconds.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// How many times the page is printed with page numbers before giving up on
/// them settling. The contents' numbers sit in space the first print
/// reserved; a label's page makes its line longer and may push a reference
/// onto the next page, so a second numbered print is sometimes needed.
const NUMBERED_PRINTS: usize = 4;

/// Paper sizes the print stylesheet is laid out for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// Every "no Chromium" error says how to get a browser.
    #[error(
        "no Chromium found ({0}); install Chromium (Debian/Ubuntu: `apt-get install chromium`; macOS: `brew install --cask chromium`) or set BRIEF_CHROMIUM to a Chromium or Chrome binary"
    )]
    NoChromium(String),
    #[error(
        "Chromium ({chromium}) failed to print {page}: {cause}; run it by hand with --headless --print-to-pdf to see why"
    )]
    Failed {
        chromium: PathBuf,
        page: String,
        cause: String,
    },
    #[error(
        "Chromium ({chromium}) did not {step} within {seconds} s and was stopped; set {TIMEOUT_ENV} to a number of seconds to allow more, or check that it runs headless"
    )]
    TimedOut {
        chromium: PathBuf,
        step: &'static str,
        seconds: f64,
    },
    #[error(
        "{TIMEOUT_ENV}={0:?} is not a number of seconds; set it to one such as 60, or unset it"
    )]
    BadTimeout(String),
    #[error("stopped on request; Chromium was stopped too")]
    Stopped,
    #[error(
        "cannot watch for Ctrl-C while Chromium runs: {0}; run brief pdf where it may handle signals"
    )]
    Signals(std::io::Error),
    #[error(
        "the built site has no page {0}; name one relative to the output folder, such as print.html or parties/ID.html"
    )]
    NoPage(String),
    #[error(
        "--out {out} would write into the site's input {input}, which brief pdf never does; write the PDF elsewhere, such as {suggestion}"
    )]
    OutInInputs {
        out: PathBuf,
        input: &'static str,
        suggestion: PathBuf,
    },
    #[error(
        "cannot read back the PDF Chromium printed ({path}): {cause}; this Chromium writes PDFs brief does not understand, so report it with the output of `chromium --version`"
    )]
    Unreadable { path: PathBuf, cause: ReadError },
    #[error(
        "the printed PDF gives no page for the contents entry \"{heading}\" (#{id}): no link destination or outline entry leads there; check that the entry links to #{id} and the heading is printed"
    )]
    NoPageNumber { id: String, heading: String },
    #[error(
        "the page numbers did not settle after {NUMBERED_PRINTS} prints with them (adding them moves the pages they name); make room for them in the print stylesheet (the contents' .toc-page, the labels after references)"
    )]
    Unsettled,
    #[error(
        "cannot serve the built site to Chromium on 127.0.0.1: {0}; check that the loopback interface is up"
    )]
    Loopback(String),
    #[error(transparent)]
    Io(#[from] WriteError),
    /// The build before printing failed.
    #[error(transparent)]
    Build(#[from] Error),
}

impl PdfError {
    /// The build's exit code when the build failed; 2, the environment's,
    /// for everything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            PdfError::Build(err) => err.exit_code(),
            _ => 2,
        }
    }
}

/// Builds the site at `root` into a temporary folder as `build` says and
/// prints its page `page` (relative to the output root) on `paper` to `out`.
/// Checks the page, `out` and Chromium first, so that those mistakes fail
/// fast. Returns the build's diagnostics and the size of the PDF written
/// (None when the build stopped on diagnostics).
pub fn pdf(
    root: &Path,
    out: &Path,
    page: &str,
    paper: Paper,
    build: &BuildOptions,
) -> Result<(Compiled, Option<u64>), PdfError> {
    // The page is edited in place before printing, so it must be one of the
    // built pages, never a path that leads out of the temporary folder.
    if !crate::output::is_inside(page) || !page.ends_with(".html") {
        return Err(PdfError::NoPage(page.to_string()));
    }
    place::refuse_inputs(root, out)?;
    let browser = Browser::find(timeout(std::env::var_os(TIMEOUT_ENV))?)?;
    let scratch = tempfile::Builder::new()
        .prefix("brief-pdf-")
        .tempdir()
        .map_err(io(&std::env::temp_dir()))?;
    let site = scratch.path().join("site");
    let (compiled, written) = crate::build(root, &site, build, &|_| {})?;
    // A build that stopped on diagnostics wrote nothing to print.
    if written.is_none() {
        return Ok((compiled, None));
    }
    let server = Loopback::start(&site)?;
    let job = PrintJob {
        browser: &browser,
        server: &server,
        page,
        scratch: scratch.path(),
    };
    let printed = job.print_numbered(&site.join(page), paper)?;
    Ok((compiled, Some(place::place(&printed, out)?)))
}

/// The time one run of the browser may take: `BRIEF_PDF_TIMEOUT` seconds
/// when set (`value`), else the default.
fn timeout(value: Option<std::ffi::OsString>) -> Result<Duration, PdfError> {
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return Ok(DEFAULT_TIMEOUT);
    };
    let text = value.to_string_lossy();
    match text.trim().parse().map(Duration::try_from_secs_f64) {
        Ok(Ok(seconds)) if !seconds.is_zero() => Ok(seconds),
        _ => Err(PdfError::BadTimeout(text.into_owned())),
    }
}

/// One page of the built site, printed by one browser from one server.
struct PrintJob<'a> {
    browser: &'a Browser,
    server: &'a Loopback,
    /// The page, relative to the site's folder.
    page: &'a str,
    scratch: &'a Path,
}

impl PrintJob<'_> {
    /// Prints the page at `file` on the chosen paper; when it has anything
    /// that takes page numbers (a contents list, labelled references,
    /// appendix entries, an index), prints it again with them, until the
    /// numbers name the pages they did in the print before. Returns the
    /// PDF's path.
    fn print_numbered(&self, file: &Path, paper: Paper) -> Result<PathBuf, PdfError> {
        let html =
            std::fs::read_to_string(file).map_err(|_| PdfError::NoPage(self.page.to_string()))?;
        let (entries, marks) = (contents_entries(&html), Marks::scan(&html));
        let printed = self.scratch.join("print.pdf");
        // The CSS `@page` size keyword.
        let size = match paper {
            Paper::A4 => "A4",
            Paper::Letter => "letter",
        };
        let html = end_of_body(&html, &marks.probe());
        // Chromium's CSS has no page references, so the numbers come from
        // the print before, and the page is printed again; a number that is
        // longer or shorter than the one before may move what follows it.
        let mut reading: Option<Reading> = None;
        for attempt in 0..=NUMBERED_PRINTS {
            // The `@page` size rule that picks the paper, and the numbers.
            let mut style = format!("<style>@page {{ size: {size}; }}</style>\n");
            if let Some(reading) = &reading {
                style += &format!("{}\n", numbers_style(&entries, &reading.contents));
                style += &format!("<style>\n{}</style>\n", marks.style(&reading.anchors));
            }
            let page = html.replacen("</head>", &format!("{style}</head>"), 1);
            std::fs::write(file, page).map_err(io(file))?;
            self.print(&printed, &format!("print-{attempt}"))?;
            // A page with nothing to number is done after one print.
            let numbered = !(entries.is_empty() && marks.is_empty());
            let now = (numbered.then(|| read_pages(&entries, &marks, &printed))).transpose()?;
            if now.is_none() || now == reading {
                return Ok(printed);
            }
            reading = now;
        }
        Err(PdfError::Unsettled)
    }

    /// Prints the page to `out`. `run` names a fresh folder in the scratch
    /// space for the browser's profile and log, which runs must not share.
    fn print(&self, out: &Path, run: &str) -> Result<(), PdfError> {
        let chromium = &self.browser.path;
        let failed = |cause: String| PdfError::Failed {
            chromium: chromium.clone(),
            page: self.page.to_string(),
            cause,
        };
        let folder = self.scratch.join(run);
        let profile = folder.join("profile");
        std::fs::create_dir_all(&profile).map_err(io(&profile))?;
        let out = std::path::absolute(out).map_err(|e| failed(e.to_string()))?;
        let _ = std::fs::remove_file(&out);
        // Output goes to a file rather than a pipe: a helper process that
        // keeps a pipe open would keep a reader waiting after the browser
        // is gone.
        let log = folder.join("chromium.log");
        let cannot_run = |e| failed(format!("cannot run it: {e}"));
        let file = std::fs::File::create(&log).map_err(&cannot_run)?;
        let mut command = Command::new(chromium);
        command
            .args(CHROMIUM_FLAGS)
            .arg(format!("--proxy-server={}", self.server.proxy()))
            .arg(flag("--user-data-dir=", &profile))
            .arg(flag("--print-to-pdf=", &out))
            .arg(self.server.url(self.page))
            .stdout(file.try_clone().map_err(&cannot_run)?)
            .stderr(file);
        let status = self.browser.run(command, "print the page", cannot_run)?;
        let log = String::from_utf8_lossy(&std::fs::read(&log).unwrap_or_default()).into_owned();
        // Chromium exits 0 even when the page fails to load, so the PDF itself
        // is the evidence: it must exist and start like a PDF.
        let written = std::fs::read(&out).is_ok_and(|b| b.starts_with(b"%PDF-"));
        if status.success() && !log.contains("Page load failed") && written {
            return Ok(());
        }
        let unwritten = (!written).then_some(" without writing a PDF");
        let last = (log.lines().rev())
            .find(|l| !l.trim().is_empty() && !l.contains("dbus"))
            .map(|l| format!("; its last message: {}", l.trim()));
        let (unwritten, last) = (unwritten.unwrap_or_default(), last.unwrap_or_default());
        Err(failed(format!("{status}{unwritten}{last}")))
    }
}

/// `--name=` and a path, which need not be UTF-8.
fn flag(name: &str, path: &Path) -> std::ffi::OsString {
    [name.as_ref(), path.as_os_str()].into_iter().collect()
}

/// Chromium's flags for printing: headless, with none of its own network
/// traffic, a proxy (the site's server, named apart) for every address
/// including loopback ones, no name lookups, and no WebRTC traffic around
/// the proxy.
const CHROMIUM_FLAGS: [&str; 16] = [
    // The sandbox is off because Chromium refuses to start sandboxed as
    // root (CI, containers); what the page can reach is limited below.
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--no-pdf-header-footer",
    "--generate-pdf-document-outline",
    // Chromium sends loopback addresses past a proxy unless told not to
    // (`<-loopback>`), so without it a page could reach other servers on
    // this machine.
    "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
];

/// The pages a print put things on: what the numbers of the next print are
/// made from, and what must not change for them to be right.
#[derive(Debug, PartialEq, Eq)]
struct Reading {
    /// The page of each contents entry, in the contents' order.
    contents: Vec<u32>,
    /// The page of each of the marks' anchors that was printed.
    anchors: BTreeMap<String, u32>,
}

/// Reads the pages of the contents `entries` and of the `marks`' anchors
/// out of the PDF at `path`.
fn read_pages(
    entries: &[(String, String)],
    marks: &Marks,
    path: &Path,
) -> Result<Reading, PdfError> {
    let unreadable = |cause| PdfError::Unreadable {
        path: path.to_path_buf(),
        cause,
    };
    let bytes = std::fs::read(path).map_err(io(path))?;
    let pdf = ReadBack::parse(&bytes).map_err(unreadable)?;
    let destinations = pdf.destinations().map_err(unreadable)?;
    let anchors = (marks.anchors().into_iter())
        .filter_map(|id| Some((id.to_string(), *destinations.get(id)?)))
        .collect();
    let mut outline = Vec::new();
    if !entries.is_empty() {
        outline = pdf.outline(&destinations).map_err(unreadable)?;
    }
    // The page of each contents entry: the page of the named destination its
    // link makes (Chromium writes one for each id a link targets), else of
    // the outline entry with its heading's text.
    let normal = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let page = |(id, heading): &(String, String)| {
        let by_heading = || outline.iter().find(|(t, _)| normal(t) == normal(heading));
        (destinations.get(id).copied())
            .or_else(|| by_heading().map(|&(_, p)| p))
            .ok_or_else(|| PdfError::NoPageNumber {
                id: id.clone(),
                heading: heading.clone(),
            })
    };
    let contents = entries.iter().map(page).collect::<Result<_, _>>()?;
    Ok(Reading { contents, anchors })
}

/// A `<style>` that writes each contents entry's page number after it.
fn numbers_style(entries: &[(String, String)], pages: &[u32]) -> String {
    let rule = |((id, _), page): (&(String, String), _)| {
        let id = css_string(id);
        format!(".toc-page[data-for=\"{id}\"]::after {{ content: \"{page}\"; }}")
    };
    let rules: Vec<String> = entries.iter().zip(pages).map(rule).collect();
    format!("<style>\n{}\n</style>", rules.join("\n"))
}

/// `text` escaped to sit inside a CSS string in a `<style>` element: anything
/// but letters, digits, `-` and `_` as a hex escape, so no quote ends the
/// string and no `</style>` ends the element.
fn css_string(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '_' => c.to_string(),
            _ => format!("\\{:x} ", u32::from(c)),
        })
        .collect()
}

/// `(anchor, heading text)` of each `<span class="toc-page" data-for="…"
/// data-heading="…">` that `print.html` writes in its contents list, with
/// the escaping templates apply to attribute values undone.
fn contents_entries(html: &str) -> Vec<(String, String)> {
    const OPEN: &str = "<span class=\"toc-page\" data-for=\"";
    let entry = |rest: &str| {
        let (id, after) = rest.split_once('"')?;
        let (heading, _) = after.strip_prefix(" data-heading=\"")?.split_once('"')?;
        let unescape = |text| crate::verify::decode_references(text).into_owned();
        Some((unescape(id), unescape(heading)))
    };
    html.split(OPEN).skip(1).filter_map(entry).collect()
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
    }

    #[test]
    fn contents_pages_come_from_destinations_then_the_outline_and_never_silently_miss() {
        let sample =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/print/outline/sample.pdf");
        let entry = |id: &str, heading: &str| (id.to_string(), heading.to_string());
        // `section-deal` is a link's destination; `contents` is only a heading.
        let entries = [
            entry("section-deal", "ignored"),
            entry("contents", " Contents "),
        ];
        let none = Marks::default();
        assert_eq!(
            read_pages(&entries, &none, &sample).unwrap().contents,
            [2, 1]
        );
        let err = read_pages(&[entry("gone", "Gone")], &none, &sample).unwrap_err();
        assert!(matches!(err, PdfError::NoPageNumber { .. }), "{err}");
        let tmp = tempfile::tempdir().unwrap();
        let broken = tmp.path().join("broken.pdf");
        std::fs::write(&broken, b"%PDF-1.4 not really").unwrap();
        let err = read_pages(&entries, &none, &broken).unwrap_err();
        assert!(matches!(err, PdfError::Unreadable { .. }), "{err}");
        assert_eq!(err.to_string().lines().count(), 1);
    }

    #[test]
    fn page_numbers_are_css_that_no_id_can_break_out_of() {
        let style = numbers_style(&[("a\"</style>é".to_string(), String::new())], &[7]);
        assert_eq!(
            style,
            "<style>\n.toc-page[data-for=\"a\\22 \\3c \\2f style\\3e \\e9 \"]::after { content: \"7\"; }\n</style>"
        );
    }

    #[test]
    fn timeouts_are_positive_seconds() {
        let seconds = |v: &str| timeout(Some(v.into())).map(|d| d.as_secs_f64()).ok();
        assert_eq!(seconds("2"), Some(2.0));
        assert_eq!(seconds(" 0.5 "), Some(0.5));
        assert_eq!(seconds(""), Some(DEFAULT_TIMEOUT.as_secs_f64()));
        assert_eq!(timeout(None).ok(), Some(DEFAULT_TIMEOUT));
        for bad in ["0", "-1", "soon", "inf", "NaN"] {
            assert_eq!(seconds(bad), None, "{bad}");
        }
    }
}
