//! Reads the outline (bookmarks) of a PDF that Chromium wrote: each entry's
//! title and the page it points to. `brief pdf` uses it to put page numbers in
//! the printed contents list, which Chromium's CSS cannot do on its own.
//!
//! This is not a PDF parser. It understands the uncompressed objects Chromium's
//! PDF backend writes (numbered objects, a page tree, an outline tree) and
//! returns nothing when a file looks otherwise: the contents then simply go
//! without page numbers. It never panics on any input.

use std::collections::{HashMap, HashSet};

/// One outline entry: its title and its 1-based page number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub title: String,
    pub page: usize,
}

/// Every outline entry in document order, or nothing when the file cannot be read.
pub fn read(pdf: &[u8]) -> Vec<Entry> {
    let objects = objects(pdf);
    let Some(catalog) = root(pdf).and_then(|n| objects.get(&n)) else {
        return Vec::new();
    };
    let catalog = tokens(catalog);
    let mut pages = Vec::new();
    if let Some(tree) = reference(&catalog, "Pages") {
        collect_pages(&objects, tree, &mut pages, &mut HashSet::new());
    }
    let page_of: HashMap<u32, usize> = pages.iter().enumerate().map(|(i, &n)| (n, i + 1)).collect();
    let mut entries = Vec::new();
    let first = reference(&catalog, "Outlines")
        .and_then(|n| objects.get(&n))
        .and_then(|o| reference(&tokens(o), "First"));
    let mut seen = HashSet::new();
    walk_outline(&objects, &page_of, first, &mut entries, &mut seen);
    entries
}

/// Outline items from `item` on: the item, its children, then its next sibling.
fn walk_outline(
    objects: &HashMap<u32, &[u8]>,
    page_of: &HashMap<u32, usize>,
    item: Option<u32>,
    out: &mut Vec<Entry>,
    seen: &mut HashSet<u32>,
) {
    let mut next = item;
    while let Some(number) = next {
        // A cycle or an absurd tree ends the walk rather than the program.
        if !seen.insert(number) || seen.len() > 100_000 {
            return;
        }
        let Some(body) = objects.get(&number) else {
            return;
        };
        let dict = tokens(body);
        let title = value(&dict, "Title").and_then(|t| match t {
            Token::Str(bytes) => Some(decode_text(bytes)),
            _ => None,
        });
        let page = destination(&dict).and_then(|p| page_of.get(&p).copied());
        if let (Some(title), Some(page)) = (title, page) {
            out.push(Entry { title, page });
        }
        walk_outline(objects, page_of, reference(&dict, "First"), out, seen);
        next = reference(&dict, "Next");
    }
}

/// The page object an outline item's `/Dest [page /XYZ …]` points at.
fn destination(dict: &[Token]) -> Option<u32> {
    let at = position(dict, "Dest")?;
    match dict.get(at + 1..at + 5)? {
        [Token::ArrayOpen, Token::Int(n), Token::Int(_), Token::R] => u32::try_from(*n).ok(),
        _ => None,
    }
}

/// Page objects in order, walking `/Kids` from `node`.
fn collect_pages(
    objects: &HashMap<u32, &[u8]>,
    node: u32,
    pages: &mut Vec<u32>,
    seen: &mut HashSet<u32>,
) {
    if !seen.insert(node) {
        return;
    }
    let Some(body) = objects.get(&node) else {
        return;
    };
    let dict = tokens(body);
    let is_tree = matches!(value(&dict, "Type"), Some(Token::Name(n)) if n == "Pages");
    if !is_tree {
        pages.push(node);
        return;
    }
    let Some(at) = position(&dict, "Kids") else {
        return;
    };
    let mut kids = Vec::new();
    let mut i = at + 2;
    while let Some([Token::Int(n), Token::Int(_), Token::R]) = dict.get(i..i + 3) {
        kids.extend(u32::try_from(*n).ok());
        i += 3;
    }
    for kid in kids {
        collect_pages(objects, kid, pages, seen);
    }
}

/// The catalog's object number, from the last `/Root n 0 R` in the file.
fn root(pdf: &[u8]) -> Option<u32> {
    let at = find_last(pdf, b"/Root")?;
    let toks = tokens(pdf.get(at..(at + 40).min(pdf.len()))?);
    match toks.get(1..4)? {
        [Token::Int(n), Token::Int(_), Token::R] => u32::try_from(*n).ok(),
        _ => None,
    }
}

/// Every `n g obj … endobj`, by number: the bytes up to any stream.
fn objects(pdf: &[u8]) -> HashMap<u32, &[u8]> {
    let mut objects = HashMap::new();
    let mut at = 0;
    while let Some(found) = pdf.get(at..).and_then(|rest| find(rest, b" obj")) {
        let keyword = at + found;
        let start = keyword + 4;
        let end = find(&pdf[start..], b"endobj").map_or(pdf.len(), |e| start + e);
        let body = &pdf[start..end];
        let stream = stream_start(body);
        if let Some(number) = object_number(&pdf[..keyword]) {
            objects
                .entry(number)
                .or_insert(stream.map_or(body, |s| &body[..s]));
        }
        // A stream's bytes may hold anything, `endobj` included: resume after
        // its `endstream`.
        at = match stream {
            Some(s) => {
                find(&pdf[start + s..], b"endstream").map_or(pdf.len(), |e| start + s + e + 9)
            }
            None => end + 6,
        };
    }
    objects
}

/// Where the `stream` keyword after an object's dictionary begins, if any.
fn stream_start(body: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = body.get(from..).and_then(|rest| find(rest, b"stream")) {
        let at = from + found;
        let before = body[..at].trim_ascii_end();
        let after = body.get(at + 6);
        if before.ends_with(b">>") && matches!(after, Some(b'\r') | Some(b'\n')) {
            return Some(at);
        }
        from = at + 6;
    }
    None
}

/// The `n` of `n g` just before an ` obj` keyword. Read byte by byte, since
/// what comes before may be binary.
fn object_number(before: &[u8]) -> Option<u32> {
    let digits_before = |end: usize| -> Option<(usize, &[u8])> {
        let start = before[..end]
            .iter()
            .rposition(|b| !b.is_ascii_digit())
            .map_or(0, |p| p + 1);
        (start < end).then(|| (start, &before[start..end]))
    };
    let (generation_start, _) = digits_before(before.len())?;
    let gap = before[..generation_start]
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |p| p + 1);
    if gap == generation_start {
        return None;
    }
    let (_, number) = digits_before(gap)?;
    std::str::from_utf8(number).ok()?.parse().ok()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// The lexical pieces of PDF syntax this module needs.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Int(i64),
    Str(Vec<u8>),
    R,
    ArrayOpen,
    ArrayClose,
    DictOpen,
    DictClose,
    Other,
}

/// The token right after key `/key` at the top level of the first dictionary.
fn value<'t>(dict: &'t [Token], key: &str) -> Option<&'t Token> {
    dict.get(position(dict, key)? + 1)
}

/// `n` of `/key n g R` at the top level of the first dictionary.
fn reference(dict: &[Token], key: &str) -> Option<u32> {
    let at = position(dict, key)?;
    match dict.get(at + 1..at + 4)? {
        [Token::Int(n), Token::Int(_), Token::R] => u32::try_from(*n).ok(),
        _ => None,
    }
}

/// Where key `/key` stands among the keys of the first dictionary.
fn position(dict: &[Token], key: &str) -> Option<usize> {
    let mut i = dict.iter().position(|t| *t == Token::DictOpen)? + 1;
    while let Some(Token::Name(name)) = dict.get(i) {
        if name == key {
            return Some(i);
        }
        i = skip_value(dict, i + 1)?;
    }
    None
}

/// The index just past the value that starts at `i`.
fn skip_value(tokens: &[Token], i: usize) -> Option<usize> {
    match tokens.get(i)? {
        Token::Int(_) if matches!(tokens.get(i + 1..i + 3), Some([Token::Int(_), Token::R])) => {
            Some(i + 3)
        }
        Token::ArrayOpen | Token::DictOpen => {
            let mut depth = 0usize;
            for (j, token) in tokens.iter().enumerate().skip(i) {
                match token {
                    Token::ArrayOpen | Token::DictOpen => depth += 1,
                    Token::ArrayClose | Token::DictClose => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
            }
            None
        }
        _ => Some(i + 1),
    }
}

/// Splits PDF syntax into tokens; comments and anything unknown become `Other`.
fn tokens(bytes: &[u8]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'\0' => i += 1,
            b'%' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'/' => {
                let start = i + 1;
                i = start;
                while i < bytes.len() && !is_delimiter(bytes[i]) {
                    i += 1;
                }
                out.push(Token::Name(
                    String::from_utf8_lossy(&bytes[start..i]).into_owned(),
                ));
            }
            b'(' => {
                let (text, end) = literal(bytes, i + 1);
                out.push(Token::Str(text));
                i = end;
            }
            b'<' if bytes.get(i + 1) == Some(&b'<') => {
                out.push(Token::DictOpen);
                i += 2;
            }
            b'>' if bytes.get(i + 1) == Some(&b'>') => {
                out.push(Token::DictClose);
                i += 2;
            }
            b'<' => {
                let start = i + 1;
                let end = bytes[start..]
                    .iter()
                    .position(|&b| b == b'>')
                    .map_or(bytes.len(), |p| start + p);
                out.push(Token::Str(hex(&bytes[start..end])));
                i = end + 1;
            }
            b'[' => {
                out.push(Token::ArrayOpen);
                i += 1;
            }
            b']' => {
                out.push(Token::ArrayClose);
                i += 1;
            }
            _ => {
                let start = i;
                while i < bytes.len() && !is_delimiter(bytes[i]) {
                    i += 1;
                }
                let word = &bytes[start..i.max(start + 1).min(bytes.len())];
                i = i.max(start + 1);
                out.push(match word {
                    b"R" => Token::R,
                    _ => std::str::from_utf8(word)
                        .ok()
                        .and_then(|w| w.parse().ok())
                        .map_or(Token::Other, Token::Int),
                });
            }
        }
    }
    out
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\n'
            | b'\r'
            | b'\t'
            | b'\x0c'
            | b'\0'
            | b'/'
            | b'('
            | b')'
            | b'<'
            | b'>'
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'%'
    )
}

/// A literal string from just after its `(`: its bytes and where it ends.
fn literal(bytes: &[u8], mut i: usize) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    let mut depth = 1;
    while i < bytes.len() {
        let c = bytes[i];
        i += 1;
        match c {
            b'\\' => {
                let Some(&e) = bytes.get(i) else { break };
                i += 1;
                match e {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'0'..=b'7' => {
                        let mut code = u32::from(e - b'0');
                        for _ in 0..2 {
                            match bytes.get(i) {
                                Some(&d @ b'0'..=b'7') => {
                                    code = code * 8 + u32::from(d - b'0');
                                    i += 1;
                                }
                                _ => break,
                            }
                        }
                        out.push((code & 0xff) as u8);
                    }
                    b'\r' | b'\n' => {
                        if e == b'\r' && bytes.get(i) == Some(&b'\n') {
                            i += 1;
                        }
                    }
                    other => out.push(other),
                }
            }
            b'(' => {
                depth += 1;
                out.push(c);
            }
            b')' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    (out, i)
}

fn hex(digits: &[u8]) -> Vec<u8> {
    let nibbles: Vec<u8> = digits
        .iter()
        .filter_map(|&d| match d {
            b'0'..=b'9' => Some(d - b'0'),
            b'a'..=b'f' => Some(d - b'a' + 10),
            b'A'..=b'F' => Some(d - b'A' + 10),
            _ => None,
        })
        .collect();
    nibbles
        .chunks(2)
        .map(|p| (p[0] << 4) | p.get(1).copied().unwrap_or(0))
        .collect()
}

/// A PDF text string: UTF-16BE after a byte-order mark, else (close enough
/// for titles) Latin-1.
fn decode_text(bytes: &[u8]) -> String {
    match bytes {
        [0xfe, 0xff, rest @ ..] => {
            let units: Vec<u16> = rest
                .chunks(2)
                .map(|p| u16::from_be_bytes([p[0], p.get(1).copied().unwrap_or(0)]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        [0xef, 0xbb, 0xbf, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        _ => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal PDF in the shape Chromium writes: a two-level page tree and a
    /// two-level outline with a literal and a UTF-16 title.
    const SAMPLE: &[u8] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<</Type /Catalog /Pages 2 0 R /Outlines 6 0 R>>\nendobj\n\
        2 0 obj\n<</Type /Pages /Count 3 /Kids [3 0 R 9 0 R]>>\nendobj\n\
        3 0 obj\n<</Type /Page /Parent 2 0 R>>\nendobj\n\
        9 0 obj\n<</Type /Pages /Count 2 /Kids [4 0 R 5 0 R]>>\nendobj\n\
        4 0 obj\n<</Type /Page /Parent 9 0 R /Contents 10 0 R>>\nendobj\n\
        10 0 obj\n<</Length 12>>\nstream\n 0 obj (x) \nendstream\nendobj\n\
        5 0 obj\n<</Type /Page /Parent 9 0 R>>\nendobj\n\
        6 0 obj\n<</Type /Outlines /First 7 0 R /Count 2>>\nendobj\n\
        7 0 obj\n<</Title (1. What \\(changed\\)) /Dest [4 0 R /XYZ 54 780 0] /Parent 6 0 R /First 11 0 R /Next 8 0 R>>\nendobj\n\
        11 0 obj\n<</Title (Nested /Next) /Dest [5 0 R /XYZ 0 0 0] /Parent 7 0 R>>\nendobj\n\
        8 0 obj\n<</Title <FEFF0041006D0061007A006F006E20190073> /Dest [5 0 R /XYZ 54 700 0] /Parent 6 0 R>>\nendobj\n\
        trailer\n<</Size 12 /Root 1 0 R>>\n%%EOF\n";

    #[test]
    fn reads_titles_and_pages_in_document_order() {
        let entries = read(SAMPLE);
        let got: Vec<(&str, usize)> = entries.iter().map(|e| (e.title.as_str(), e.page)).collect();
        assert_eq!(
            got,
            [
                ("1. What (changed)", 2),
                ("Nested /Next", 3),
                ("Amazon\u{2019}s", 3)
            ]
        );
    }

    #[test]
    fn anything_else_reads_as_no_outline() {
        assert_eq!(read(b""), Vec::new());
        assert_eq!(read(b"%PDF-1.4 garbage 0 obj << /Root"), Vec::new());
        assert_eq!(read(&SAMPLE[..SAMPLE.len() / 2]), Vec::new());
        // A cycle in the outline ends the walk.
        let cyclic = String::from_utf8_lossy(SAMPLE)
            .replace("/Parent 6 0 R>>", "/Parent 6 0 R /Next 7 0 R>>");
        assert_eq!(read(cyclic.as_bytes()).len(), 3);
    }
}
