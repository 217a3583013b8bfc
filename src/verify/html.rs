//! Reads what verification needs out of HTML: the ids a page offers and the
//! internal links it holds, each with its line.
//!
//! Verification only needs start tags and their attributes, so this is a tag
//! scanner rather than a full tokenizer: it skips text, comments, doctypes and
//! end tags, reads attributes in all three quoting styles, decodes character
//! references in values, and treats the content of `<script>`, `<style>` and
//! the other raw-text elements as text, so an `<a href>` inside a script does
//! not count. Measured against html5ever and html5gum on a 10,000-section
//! briefing, it is what makes checking every link on every build affordable.
//!
//! It does not judge links; whether one points anywhere is for the
//! [collector](super::Collector) to say once every page is in.

use std::borrow::Cow;
use std::ops::Range;

// The keys are hashes already: Fx hashing is all they need.
use rustc_hash::FxHashSet as HashSet;

use crate::annotate::is_external;

/// A fixed 64-bit hash of an id or a link. Two different texts on one page
/// colliding is about a one in 10^13 chance even with a million of them, so
/// a set of hashes answers "does this page have that id" (or "has this link
/// been seen on the page") as well as the texts themselves.
fn hash(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

/// What the markup of one page has shown so far, read a piece at a time.
#[derive(Default)]
pub(super) struct Found {
    /// [`hash`]es of the ids, in page order, repeats and all: a list is
    /// smaller than a set, and it is sorted once the page is done.
    ids: Vec<u64>,
    /// The texts of the internal links, each once, in page order, and
    /// for each the line it first appears on and where it ends in `texts`.
    texts: String,
    ends: Vec<(u32, u32)>,
    /// [`hash`]es of the links in `texts`.
    seen: HashSet<u64>,
    /// Line breaks in the pieces read so far.
    lines: u64,
}

impl Found {
    /// Reads the next piece of the page: whole markup, cut between tags.
    /// Line numbers continue from the pieces before it.
    pub fn read(&mut self, html: &str) {
        // The line of each offset asked for, offsets only moving forward.
        let (mut at, mut line) = (0, self.lines + 1);
        let mut line_at = |offset: usize| {
            let text = html.as_bytes().get(at..offset).unwrap_or_default();
            line += memchr::memchr_iter(b'\n', text).count() as u64;
            at = at.max(offset);
            line
        };
        each_attribute(html, |start, tag, attribute, value| {
            // Lines are counted only up to a link that is new to the page.
            let mut line = || line_at(start);
            each_value(tag, attribute, &html[value], |is_id, text| match is_id {
                true => self.ids.push(hash(text)),
                false => self.link(text, &mut line),
            });
        });
        self.lines = line_at(html.len()) - 1;
    }

    /// [`Found::read`] for bytes. Rendered pages are UTF-8; the lossy
    /// decoding is for anything else, and is much slower to check a page with.
    pub fn read_bytes(&mut self, html: &[u8]) {
        match std::str::from_utf8(html) {
            Ok(html) => self.read(html),
            Err(_) => self.read(&String::from_utf8_lossy(html)),
        }
    }

    /// Takes in `piece`, the next piece of the page, from its scan made on
    /// its own (so with its lines counted from 1).
    pub fn add(&mut self, scanned: &Scanned, piece: &[u8]) {
        self.ids.extend_from_slice(&scanned.ids);
        let lines = self.lines;
        for (line, target) in scanned.links() {
            self.link(target, &mut || lines + line);
        }
        self.lines += memchr::memchr_iter(b'\n', piece).count() as u64;
    }

    /// Records an internal link; external ones need no checking, and a link
    /// repeated on the page is checked once, at its first line.
    fn link(&mut self, target: &str, line: &mut impl FnMut() -> u64) {
        if !is_external(target.trim()) && self.seen.insert(hash(target)) {
            self.texts.push_str(target);
            self.ends
                .push((saturate(line()), saturate(self.texts.len())));
        }
    }

    /// What is kept of the page once its last piece is read. Links into the
    /// page itself (`#id`) are kept with the others: they are checked with
    /// them, once every page is in.
    pub fn done(self) -> Scanned {
        let mut ids = self.ids;
        ids.sort_unstable();
        ids.dedup();
        // Copied rather than shrunk: the allocator shrinks a block in place
        // when the new size is over half of it, so a page's lists would be
        // kept with the room they grew into, about a third more in all.
        Scanned {
            ids: Box::from(ids.as_slice()),
            texts: Box::from(self.texts.as_str()),
            ends: Box::from(self.ends.as_slice()),
        }
    }
}

/// What verification keeps of one page once it is scanned; never its bytes.
pub(super) struct Scanned {
    /// [`hash`]es of the page's ids, sorted, each once.
    ids: Box<[u64]>,
    /// The texts of the page's internal links, each once, one after another:
    /// one string a page rather than an allocation a link, since a large
    /// site has hundreds of thousands of them.
    texts: Box<str>,
    /// For each link, the line it first appears on and where its text ends
    /// in `texts`.
    ends: Box<[(u32, u32)]>,
}

impl Scanned {
    /// Scans a whole page.
    pub fn of(bytes: &[u8]) -> Scanned {
        let mut found = Found::default();
        found.read_bytes(bytes);
        found.done()
    }

    /// [`hash`]es of the page's ids, sorted, each once.
    pub fn ids(&self) -> &[u64] {
        &self.ids
    }

    /// Whether `fragment`, of a link into the page, names a place on it:
    /// one of its ids, or the top of the page.
    pub fn lands(&self, fragment: &str) -> bool {
        let anchor = super::percent_decode(fragment);
        anchor.is_empty()
            || anchor.eq_ignore_ascii_case("top")
            || self.ids.binary_search(&hash(&anchor)).is_ok()
    }

    /// Each internal link with the line it first appears on.
    pub fn links(&self) -> impl Iterator<Item = (u64, &str)> {
        let mut start = 0;
        self.ends.iter().map(move |&(line, end)| {
            let end = end as usize;
            let text = self.texts.get(start..end).unwrap_or("");
            start = end;
            (u64::from(line), text)
        })
    }
}

/// `n` as a `u32`, or `u32::MAX` past it: no page runs to four billion
/// lines or bytes of links, and one that did would lose only the lines or
/// links past the limit.
fn saturate(n: impl TryInto<u32>) -> u32 {
    n.try_into().unwrap_or(u32::MAX)
}

/// Calls `attribute(tag start, tag, name, value's range)` for every
/// attribute of every start tag in `html`, skipping comments, end tags,
/// doctypes and the content of raw-text elements.
pub(crate) fn each_attribute(
    html: &str,
    mut attribute: impl FnMut(usize, &str, &str, Range<usize>),
) {
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(offset) = memchr::memchr(b'<', &bytes[i..]) {
        let start = i + offset;
        let rest = &bytes[start + 1..];
        i = start + 1;
        if rest.starts_with(b"!--") {
            i = memchr::memmem::find(&bytes[start + 4..], b"-->")
                .map_or(html.len(), |end| start + 4 + end + 3);
            continue;
        }
        if !rest.first().is_some_and(u8::is_ascii_alphabetic) {
            // `</x>`, `<!DOCTYPE>`, `<?x>` hold nothing to check; a bare `<` is text.
            if matches!(rest.first(), Some(b'/' | b'!' | b'?')) {
                i = memchr::memchr(b'>', &bytes[i..]).map_or(html.len(), |end| i + end + 1);
            }
            continue;
        }
        let (name, end) = read_start_tag(html, start + 1, |tag, name, value| {
            attribute(start, tag, name, value);
        });
        i = end;
        if RAW_TEXT.iter().any(|raw| name.eq_ignore_ascii_case(raw)) {
            i = find_end_tag(html, i, name);
        }
    }
}

/// Calls `found(is_id, text)` with the id or with each link an attribute
/// holds, its value decoded; tag and attribute names in any case.
fn each_value(tag: &str, name: &str, value: &str, mut found: impl FnMut(bool, &str)) {
    let is = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    if is(name, "id") || (is(name, "name") && is(tag, "a")) {
        found(true, &decode_references(value));
    } else if is(name, "srcset") {
        let value = decode_references(value);
        for url in value.split(',').filter_map(|c| c.split_whitespace().next()) {
            found(false, url);
        }
    } else if URL_ATTRS.iter().any(|a| is(name, a)) && !(is(name, "href") && is(tag, "base")) {
        found(false, &decode_references(value));
    }
}

/// The links of a piece of author's HTML (as raw HTML in Markdown holds),
/// each as a page would hold it, with the byte range of its value in
/// `html`: what `locate` looks for when a link on a page misses.
pub(super) fn links(html: &str) -> Vec<(String, Range<usize>)> {
    let mut found = Vec::new();
    each_attribute(html, |_, tag, name, value| {
        each_value(tag, name, &html[value.clone()], |is_id, url| {
            if !is_id {
                found.push((url.to_string(), value.clone()));
            }
        });
    });
    found
}

/// Attributes that hold a URL the browser loads or navigates to.
const URL_ATTRS: [&str; 4] = ["href", "src", "poster", "srcset"];

/// Elements whose content is text, not markup.
const RAW_TEXT: [&str; 8] = [
    "script", "style", "xmp", "iframe", "noembed", "noframes", "textarea", "title",
];

/// Reads the start tag whose name begins at `at` (just after `<`), calling
/// `attribute(tag, name, range of the raw value)` for each attribute, and
/// returns the tag's name and the offset just past its `>`. Nothing is
/// allocated: a build scans every tag of every page.
fn read_start_tag(
    html: &str,
    at: usize,
    mut attribute: impl FnMut(&str, &str, Range<usize>),
) -> (&str, usize) {
    let bytes = html.as_bytes();
    let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c');
    let mut i = past(bytes, at, |b| !is_space(b) && b != b'>' && b != b'/');
    let name = &html[at..i];
    loop {
        i = past(bytes, i, |b| is_space(b) || b == b'/');
        if i >= bytes.len() || bytes[i] == b'>' {
            return (name, (i + 1).min(bytes.len()));
        }
        let name_start = i;
        i = past(bytes, i, |b| {
            !is_space(b) && !matches!(b, b'=' | b'>' | b'/')
        });
        let attribute_name = &html[name_start..i];
        i = past(bytes, i, is_space);
        let mut value = i..i;
        if bytes.get(i) == Some(&b'=') {
            i = past(bytes, i + 1, is_space);
            match bytes.get(i) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let end =
                        memchr::memchr(quote, &bytes[i + 1..]).map_or(html.len(), |e| i + 1 + e);
                    value = i + 1..end;
                    i = (end + 1).min(bytes.len());
                }
                _ => {
                    let start = i;
                    i = past(bytes, i, |b| !is_space(b) && b != b'>');
                    value = start..i;
                }
            }
        }
        attribute(name, attribute_name, value);
    }
}

/// The offset of the first byte of `bytes` from `i` on that `skip` does not
/// take.
fn past(bytes: &[u8], mut i: usize, skip: impl Fn(u8) -> bool) -> usize {
    while i < bytes.len() && skip(bytes[i]) {
        i += 1;
    }
    i
}

/// Offset of the `</name` that closes a raw-text element opened before `from`.
pub(crate) fn find_end_tag(html: &str, from: usize, name: &str) -> usize {
    let mut ends = html[from..].match_indices("</").map(|(at, _)| from + at);
    let closes = |&at: &usize| {
        (html.get(at + 2..at + 2 + name.len())).is_some_and(|c| c.eq_ignore_ascii_case(name))
    };
    ends.find(closes).unwrap_or(html.len())
}

/// Decodes the character references a URL or id can hold: the five XML ones
/// and numeric ones. Others are left as written.
pub(crate) fn decode_references(value: &str) -> Cow<'_, str> {
    if !value.contains('&') {
        return Cow::Borrowed(value);
    }
    // Each part but the first follows an `&`; a reference's name holds no
    // `&`, so a reference ends within its part or it is not one.
    let mut parts = value.split('&');
    let mut out = String::with_capacity(value.len());
    out.push_str(parts.next().unwrap_or_default());
    for part in parts {
        let end = part.find(';').filter(|&end| end <= 10);
        match end.and_then(|end| Some((reference(&part[..end])?, end))) {
            Some((c, end)) => {
                out.push(c);
                out.push_str(&part[end + 1..]);
            }
            None => {
                out.push('&');
                out.push_str(part);
            }
        }
    }
    Cow::Owned(out)
}

/// The character a reference names, from what stands between `&` and `;`.
pub(crate) fn reference(entity: &str) -> Option<char> {
    match entity {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let number = entity.strip_prefix('#')?;
            let (digits, radix) =
                (number.strip_prefix(['x', 'X'])).map_or((number, 10), |hex| (hex, 16));
            char::from_u32(u32::from_str_radix(digits, radix).ok()?)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(html: &str) -> Scanned {
        Scanned::of(html.as_bytes())
    }

    fn links(scanned: &Scanned) -> Vec<(u64, &str)> {
        let mut links: Vec<(u64, &str)> = scanned.links().collect();
        links.sort();
        links
    }

    #[test]
    fn the_scanner_reads_every_quoting_style_and_skips_what_is_not_markup() {
        let html = "<!DOCTYPE html>\n<!-- <a href=\"commented.html\"> -->\n<P ID=Up>a < b</P>\n\
                    <a href='single.html' class=x>s</a><img src=bare.png alt=\"x > y\">\n\
                    <style>a[href=\"style.html\"]{}</style><textarea><a href=\"text.html\"></textarea>\n\
                    <a\nhref = \"spaced.html?a=1&amp;b=2#top\" >x</a><div data-id=\"no\" id=\"&#x61;nchor\"></div>";
        let found = scan(html);
        assert_eq!(
            links(&found),
            [
                (4, "bare.png"),
                (4, "single.html"),
                (6, "spaced.html?a=1&b=2#top")
            ]
        );
        for id in ["up", "Up", "anchor"] {
            assert_eq!(found.lands(id), id != "up", "{id}");
        }
        assert!(!found.lands("no"));
    }

    #[test]
    fn srcset_candidates_and_posters_are_links_and_a_base_href_is_not() {
        let found = scan(
            "<base href=\"base/\"><img srcset=\"a.png 1x, b.png 2x\">\
             <video poster=\"p.png\"></video><a name=\"named\">",
        );
        assert_eq!(links(&found), [(1, "a.png"), (1, "b.png"), (1, "p.png")]);
        assert!(found.lands("named"));
    }

    #[test]
    fn external_and_repeated_links_are_kept_out() {
        let found = scan(
            "<a href=\"https://x.org/\"><a href=\"//cdn/x.js\">\
             <a href=\"mailto:a@b\"><a href=\"a.html\">\n<a href=\"a.html\">",
        );
        assert_eq!(links(&found), [(1, "a.html")]);
    }

    #[test]
    fn pieces_read_in_order_count_lines_as_the_whole_page() {
        let parts = [
            "<!DOCTYPE html>\n<p id=\"top\"><a href=\"#top\">up</a>\n",
            "<a href=\"missing.html\">gone</a>\n<a href=\"#nowhere\">x</a>\n",
            "no tags here\n\n<a href=\"#gone\">",
            "<a href=\"missing.html\">again</a>\n<h2 id=\"nowhere\">late</h2>\n<img src=\"gone.png\">",
        ];
        let whole = scan(&parts.concat());
        let mut found = Found::default();
        parts.iter().for_each(|part| found.read(part));
        let pieces = found.done();
        assert_eq!(links(&whole), links(&pieces));
        assert_eq!(whole.ids, pieces.ids);
        // Each link is kept once, at its first line, links into the page
        // itself too: they are checked with the others, once all is read.
        assert_eq!(
            links(&pieces),
            [
                (2, "#top"),
                (3, "missing.html"),
                (4, "#nowhere"),
                (7, "#gone"),
                (9, "gone.png")
            ]
        );
    }

    #[test]
    fn any_cuts_between_tags_read_as_the_whole_page() {
        let html = "<!DOCTYPE html>\n<html><head><link href=\"a.css\">\n</head>\n<body id=\"b\">\
                    <a href=\"x.html#1\">x</a>\n\n<p id=\"p\">t\n<img srcset=\"i.png 1x,\nj.png 2x\">\
                    </p>\n<a href=\"x.html#1\">again</a><a\nhref=\"#p\">up</a></body></html>\n";
        let whole = scan(html);
        let cuts: Vec<usize> = html.match_indices('<').map(|(at, _)| at).collect();
        for (n, &first) in cuts.iter().enumerate() {
            for &second in &cuts[n..] {
                let mut found = Found::default();
                for piece in [&html[..first], &html[first..second], &html[second..]] {
                    found.read(piece);
                }
                let pieces = found.done();
                assert_eq!(links(&pieces), links(&whole), "cut at {first} and {second}");
                assert_eq!(pieces.ids, whole.ids, "cut at {first} and {second}");
            }
        }
        assert_eq!(
            links(&whole),
            [
                (2, "a.css"),
                (4, "x.html#1"),
                (7, "i.png"),
                (7, "j.png"),
                (9, "#p")
            ]
        );
    }

    #[test]
    fn references_decode_and_unknown_ones_stay() {
        assert_eq!(
            decode_references("a&amp;b&#39;c&#x2F;d&nbsp;e&f"),
            "a&b'c/d&nbsp;e&f"
        );
    }

    #[test]
    fn an_unclosed_tag_or_comment_ends_the_scan_quietly() {
        assert_eq!(links(&scan("<a href=\"x.html\"")), [(1, "x.html")]);
        assert_eq!(links(&scan("<!-- never closed <a href=\"y.html\">")), []);
        assert_eq!(links(&scan("<script>never closed <a href=\"z.html\">")), []);
    }
}
