//! The words a reader sees in a source's copy, whatever its format: plain
//! text as it is, Markdown without its markup, HTML without its tags and
//! with its character references decoded. Each word keeps its byte range in
//! the file as written, so a line number can be given for it.
//!
//! Besides the words, each reader gives the offsets where a paragraph ends
//! (a blank line; in HTML, a block element). This is not a full HTML parser:
//! a copy of an article needs its text, not its tree.

use pulldown_cmark::{Event, Parser, TagEnd};

use super::words::{Tokenizer, Word, words};

/// How a source's copy is written, from its file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Html,
}

impl Format {
    /// The format of a file with extension `ext`, if it is one of ours.
    pub fn of(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "txt" | "text" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            _ => None,
        }
    }
}

/// The words of `text` and where its paragraphs break.
pub fn read(text: &str, format: Format) -> (Vec<Word>, Vec<usize>) {
    match format {
        Format::Text => (words(text, 0), blank_lines(text)),
        Format::Markdown => (markdown(text, 0), blank_lines(text)),
        Format::Html => html(text),
    }
}

/// The start of every blank line: where a paragraph of plain text or
/// Markdown ends.
fn blank_lines(text: &str) -> Vec<usize> {
    let lines = codespan_reporting::files::line_starts(text).zip(text.split_inclusive('\n'));
    let blank = |(at, line): (usize, &str)| line.trim().is_empty().then_some(at);
    lines.filter_map(blank).collect()
}

/// The words of Markdown as a reader sees them: text and code, not link
/// targets or markup; offsets are `base` plus the position in `text`.
/// A word runs on across inline markup (`[Microsoft](party:microsoft)'s`)
/// but never across the end of a block.
pub fn markdown(text: &str, base: usize) -> Vec<Word> {
    let mut tokenizer = Tokenizer::default();
    let parser = Parser::new_ext(text, crate::annotate::options()).into_offset_iter();
    for (event, range) in parser {
        match event {
            Event::Text(shown) | Event::Code(shown) => {
                let raw = text.get(range.clone()).unwrap_or_default();
                // Where the text shown is the text written, each character
                // keeps its own place; otherwise (escapes, entities) every
                // character is placed on the whole range.
                if raw == &*shown {
                    tokenizer.push_str(&shown, base + range.start);
                } else {
                    for c in shown.chars() {
                        tokenizer.push(base + range.start..base + range.end, c);
                    }
                }
            }
            Event::SoftBreak | Event::HardBreak => tokenizer.push(range, ' '),
            Event::Start(tag) if !inline(tag.to_end()) => tokenizer.close(),
            Event::End(tag) if !inline(tag) => tokenizer.close(),
            _ => {}
        }
    }
    tokenizer.finish()
}

/// Whether the element that `tag` ends lies inside a block of text.
fn inline(tag: TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image
    )
}

/// Elements whose start begins a new paragraph, between spaces.
const BLOCKS: &str =
    "p div li h1 h2 h3 h4 h5 h6 blockquote pre td th tr dd dt figcaption section article br";

/// The words of an HTML page's text and the offsets of its block elements.
fn html(text: &str) -> (Vec<Word>, Vec<usize>) {
    let mut tokenizer = Tokenizer::default();
    let mut breaks = Vec::new();
    let mut i = 0;
    while let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) {
        let rest = &text[i..];
        // How far this step reads: markup, a reference or one character.
        i += if let Some(len) = skipped(rest) {
            len
        } else if let Some((name, len)) = tag(rest) {
            let start = !rest.starts_with("</");
            if BLOCKS.split(' ').any(|block| block == name) {
                tokenizer.close();
                if start {
                    breaks.push(i);
                }
            }
            if start && matches!(name.as_str(), "script" | "style" | "title") {
                // Past the `</name` that closes it, or to the end.
                let end = crate::verify::find_end_tag(text, i + len, &name);
                (end + 2 + name.len()).min(text.len()) - i
            } else {
                len
            }
        } else if let Some((decoded, len)) = reference(rest) {
            tokenizer.push(i..i + len, decoded);
            len
        } else {
            tokenizer.push(i..i + c.len_utf8(), c);
            c.len_utf8()
        };
    }
    (tokenizer.finish(), breaks)
}

/// The length of a comment, doctype or processing instruction at the start
/// of `rest`.
fn skipped(rest: &str) -> Option<usize> {
    let (open, close) = [("<!--", "-->"), ("<!", ">"), ("<?", ">")]
        .into_iter()
        .find(|(open, _)| rest.starts_with(open))?;
    let body = &rest[open.len()..];
    Some(open.len() + body.find(close).map_or(body.len(), |e| e + close.len()))
}

/// The lower-cased name of the start or end tag at the start of `rest`, and
/// its length; None when no tag starts there.
fn tag(rest: &str) -> Option<(String, usize)> {
    let after = (rest.strip_prefix("</")).or_else(|| rest.strip_prefix('<'))?;
    if !after.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let end = after.find(|c: char| !c.is_ascii_alphanumeric());
    let name = after[..end.unwrap_or(after.len())].to_ascii_lowercase();
    // The tag ends at the first `>` outside a quoted attribute value.
    let mut quote = None;
    for (i, c) in rest.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some((name, i + 1)),
            _ => {}
        }
    }
    Some((name, rest.len()))
}

/// The character a reference such as `&rsquo;` or `&#8217;` at the start of
/// `rest` stands for, and the reference's length.
fn reference(rest: &str) -> Option<(char, usize)> {
    let after = rest.strip_prefix('&')?;
    let end = after.char_indices().take(11).find(|&(_, c)| c == ';')?.0;
    let name = &after[..end];
    // Besides the XML and numeric references, the typographic ones a
    // copied article is full of, each as the character words read it as.
    let c = match name {
        "rsquo" | "lsquo" => '\'',
        "nbsp" | "thinsp" | "ensp" | "emsp" => ' ',
        "ldquo" | "rdquo" | "laquo" | "raquo" => '"',
        "ndash" | "mdash" | "hellip" => '-',
        _ => crate::verify::reference(name)?,
    };
    Some((c, end + 2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quotecheck::words::words;

    fn hashes(words: &[Word]) -> Vec<u64> {
        words.iter().map(|w| w.hash).collect()
    }

    #[test]
    fn html_text_is_what_a_reader_sees() {
        let page = "<html><head><title>T</title><style>p{x:1}</style></head>\n\
                    <body><p class=\"a>b\">Microsoft&rsquo;s <em>stock</em> fell&nbsp;4%</p>\n\
                    <!-- note --><p>Next&#8212;one</p><script>var x = 1;</script></body></html>";
        let (found, breaks) = read(page, Format::Html);
        assert_eq!(
            hashes(&found),
            hashes(&words("Microsoft's stock fell 4 Next one", 0))
        );
        let spelled: Vec<&str> = found.iter().map(|w| &page[w.start..w.end]).collect();
        assert_eq!(spelled[0], "Microsoft&rsquo;s");
        assert_eq!(breaks.len(), 2);
    }

    #[test]
    fn markdown_text_leaves_out_link_targets() {
        let text = "# Head\n\nThe [Redmond company](https://x.org/a)'s *share* fell.\n";
        let found = markdown(text, 0);
        assert_eq!(
            hashes(&found),
            hashes(&words("Head The Redmond company's share fell", 0))
        );
        assert_eq!(&text[found[2].start..found[2].end], "Redmond");
    }

    proptest::proptest! {
        /// Whatever a copy holds, reading it never panics and every word
        /// lies in the text, on character boundaries, in order.
        #[test]
        fn words_lie_in_any_text(text in "([<>&;#x/!\\-\"'a-z0-9 \n…’.]|<p>|&amp;|&#x2019;|<script>|\\*|\\[|\\]|\\(|\\)){0,40}") {
            for format in [Format::Text, Format::Markdown, Format::Html] {
                let (found, breaks) = read(&text, format);
                let mut last = 0;
                for word in &found {
                    proptest::prop_assert!(last <= word.start && word.start < word.end);
                    proptest::prop_assert!(text.get(word.start..word.end).is_some());
                    last = word.end;
                }
                proptest::prop_assert!(breaks.iter().all(|&b| b <= text.len()));
            }
            for piece in crate::quotecheck::words::pieces(&text) {
                proptest::prop_assert!(text.get(piece).is_some());
            }
        }
    }

    #[test]
    fn paragraphs_of_text_end_at_blank_lines() {
        assert_eq!(blank_lines("a\nb\n\nc\n  \nd"), [4, 7]);
    }
}
