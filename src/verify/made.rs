//! The ids of HTML that brief's own writers made (`render::Origin::Brief`),
//! read without scanning its tags.
//!
//! Such HTML has no link of the author's in it: every link was written from
//! the graph, to a page that exists, so it is not checked on every build
//! (the test suite checks it). Its ids are still needed, as the targets of the
//! links the author did write elsewhere, and these writers put each one the
//! same way: ` id="…"`, double-quoted, after whitespace, inside a start tag.
//! They escape `<` and `>` in text and `"` in attribute values, so an
//! `id="` is in a start tag exactly when the last `<` or `>` before it is a
//! `<`, and its value ends at the next `"`. A test holds the built-in
//! templates to this: on the shipped briefing and a generated corpus, these
//! ids are the full scanner's, page by page.

use super::{PieceScan, Scan, decode_references, id_hash};

/// The [`id_hash`]es of the ids in `html`, in page order, repeats and all.
pub fn ids(html: &[u8]) -> Vec<u64> {
    let mut ids = Vec::new();
    for at in memchr::memmem::find_iter(html, b"id=\"") {
        let after_space = at
            .checked_sub(1)
            .is_some_and(|before| html[before].is_ascii_whitespace());
        let in_tag = memchr::memrchr2(b'<', b'>', &html[..at]).is_some_and(|b| html[b] == b'<');
        if !(after_space && in_tag) {
            continue;
        }
        let start = at + 4;
        let end = memchr::memchr(b'"', &html[start..]).map_or(html.len(), |n| start + n);
        let value = &html[start..end];
        let value = match std::str::from_utf8(value) {
            Ok(value) => std::borrow::Cow::Borrowed(value),
            Err(_) => String::from_utf8_lossy(value),
        };
        ids.push(id_hash(&decode_references(&value)));
    }
    ids
}

/// [`super::scan_piece`] for a piece brief made: its ids and its lines.
pub fn scan_piece(text: &str) -> PieceScan {
    let scan = Scan {
        ids: ids(text.as_bytes()).into_iter().collect(),
        ..Scan::default()
    };
    PieceScan(
        scan,
        memchr::memchr_iter(b'\n', text.as_bytes()).count() as u64,
        false,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes(ids: &[&str]) -> Vec<u64> {
        ids.iter().map(|id| id_hash(id)).collect()
    }

    #[test]
    fn reads_ids_in_start_tags_only() {
        let html = r#"<h2 id="a">Use id="b" in text</h2>
<div class="x"
  id="c&amp;d"><span data-id="e" title="f id=&quot;g&quot;">h</span></div>
<p>a > b id="i"</p><p id="">"#;
        assert_eq!(ids(html.as_bytes()), hashes(&["a", "c&d", ""]));
    }

    #[test]
    fn a_piece_counts_its_lines() {
        let PieceScan(scan, lines, _) = scan_piece("<p id=\"a\">x</p>\n<p>y</p>\n");
        assert_eq!(lines, 2);
        assert!(scan.links.is_empty());
        assert_eq!(scan.ids.into_iter().collect::<Vec<_>>(), hashes(&["a"]));
    }
}
