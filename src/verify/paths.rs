//! Paths within the output as links name them: a relative link seen from the
//! page holding it, percent-escapes decoded, and the folder a page is in.
//!
//! It is string work only: it never asks whether a file exists, and it takes
//! no view on which links are external (that is `annotate::is_external`).

use std::borrow::Cow;

/// `rel` seen from `page`, as a `/`-separated path from the output root, or
/// None when it climbs out. A trailing `/` is kept: it names a folder.
pub fn resolve(page: &str, rel: &str) -> Option<String> {
    resolve_plain(page, rel).or_else(|| resolve_segments(page, rel))
}

/// [`resolve`] segment by segment: every case.
fn resolve_segments(page: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    let segments: Vec<&str> = rel.split('/').collect();
    let last = segments.len() - 1;
    for (i, segment) in segments.iter().enumerate() {
        match *segment {
            "" | "." if i < last => {}
            ".." => {
                parts.pop()?;
                if i == last {
                    parts.push("");
                }
            }
            "." => parts.push(""),
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// [`resolve`] for the shape almost every generated link has — some `../`
/// then plain names — without splitting and joining; None for anything else
/// (including a climb out of the site, which the general case reports).
fn resolve_plain(page: &str, rel: &str) -> Option<String> {
    let mut rest = rel;
    let mut dir = folder_of(page);
    while let Some(after) = rest.strip_prefix("../") {
        dir = match dir.rfind('/') {
            Some(at) => &dir[..at],
            None if !dir.is_empty() => "",
            None => return None,
        };
        rest = after;
    }
    let plain = !rest.is_empty()
        && rest
            .split('/')
            .all(|segment| !segment.is_empty() && segment != "." && segment != "..");
    if !plain {
        return None;
    }
    Some(if dir.is_empty() {
        rest.to_string()
    } else {
        format!("{dir}/{rest}")
    })
}

/// Decodes `%XX` escapes; anything malformed stays as it is, and bytes that
/// do not make UTF-8 become U+FFFD.
pub fn percent_decode(s: &str) -> Cow<'_, str> {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy()
}

/// The folder of an output path: everything before its last `/`.
fn folder_of(page: &str) -> &str {
    page.rfind('/').map_or("", |at| &page[..at])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plain_path_shortcut_agrees_with_the_general_case() {
        let pages = ["index.html", "parties/a.html", "a/b/c.html"];
        let rels = [
            "x.html",
            "../x.html",
            "../../x.html",
            "../../../x.html",
            "../quotes/q.html",
            "q/r/s.html",
            "./x.html",
            "../a/./b.html",
            "a/../b.html",
            "dir/",
            "../",
            "",
            "a//b.html",
            "..",
            "../..",
        ];
        for page in pages {
            for rel in rels {
                if let Some(plain) = resolve_plain(page, rel) {
                    assert_eq!(Some(plain), resolve_segments(page, rel), "{page} {rel}");
                }
            }
        }
        assert_eq!(
            resolve_plain("a/b/c.html", "../../x.html").as_deref(),
            Some("x.html")
        );
        assert_eq!(resolve_plain("index.html", "../x.html"), None);
    }

    #[test]
    fn resolves_relative_paths() {
        assert_eq!(
            resolve("parties/a.html", "../quotes/q.html").as_deref(),
            Some("quotes/q.html")
        );
        assert_eq!(
            resolve("index.html", "parties/a.html").as_deref(),
            Some("parties/a.html")
        );
        assert_eq!(
            resolve("parties/a.html", "./b.html").as_deref(),
            Some("parties/b.html")
        );
        assert_eq!(resolve("parties/a.html", "../").as_deref(), Some(""));
        assert_eq!(resolve("index.html", "../x.html"), None);
    }

    #[test]
    fn percent_escapes_decode_and_malformed_ones_stay() {
        assert_eq!(percent_decode("b%20c.png"), "b c.png");
        assert_eq!(percent_decode("caf%C3%A9"), "café");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
        assert!(matches!(percent_decode("plain.html"), Cow::Borrowed(_)));
    }
}
