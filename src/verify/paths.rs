//! Paths within the output as links name them: a relative link seen from the
//! page holding it, and percent-escapes decoded.
//!
//! It is string work only: it never asks whether a file exists, and it takes
//! no view on which links are external (that is `annotate::is_external`).

use std::borrow::Cow;

/// `rel` seen from `page`, as a `/`-separated path from the output root, or
/// None when it climbs out. A trailing `/` is kept: it names a folder.
pub fn resolve(page: &str, rel: &str) -> Option<String> {
    // The page's folders, then each segment of `rel` pushed onto them or
    // popping one. A part may be empty: the trailing one of a folder.
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    let mut segments = rel.split('/').peekable();
    while let Some(segment) = segments.next() {
        let last = segments.peek().is_none();
        match segment {
            "" | "." if !last => {}
            ".." => {
                parts.pop()?;
                if last {
                    parts.push("");
                }
            }
            "." => parts.push(""),
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Decodes `%XX` escapes; anything malformed stays as it is, and bytes that
/// do not make UTF-8 become U+FFFD.
pub fn percent_decode(s: &str) -> Cow<'_, str> {
    // Most links have no escapes; looking for one first is much cheaper
    // than the decoder's own pass.
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    percent_encoding::percent_decode_str(s).decode_utf8_lossy()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            resolve("a/b/c.html", "../../x.html").as_deref(),
            Some("x.html")
        );
        assert_eq!(
            resolve("index.html", "a//b.html").as_deref(),
            Some("a/b.html")
        );
        assert_eq!(resolve("a/b/c.html", "../..").as_deref(), Some(""));
        assert_eq!(resolve("a/b/c.html", "../../..").as_deref(), None);
    }

    /// The definition: the page's folders as a list, each segment of `rel`
    /// pushed onto it or popping it.
    fn by_list(page: &str, rel: &str) -> Option<String> {
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

    proptest::proptest! {
        #[test]
        fn resolving_agrees_with_the_list_of_parts(
            page in "([a-c]{1,2}/){0,3}[a-c]{1,2}\\.html",
            rel in "((\\.\\.|\\.|[a-c]{0,2})/){0,4}(\\.\\.|\\.|[a-c]{0,2}(\\.html)?)",
        ) {
            proptest::prop_assert_eq!(resolve(&page, &rel), by_list(&page, &rel));
        }
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
