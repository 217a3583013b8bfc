//! Words as the quote check compares them: each a hash of its normalised
//! spelling with the byte range it was read from.
//!
//! Normalising keeps only what makes a word: letters and digits, lower-cased,
//! with an apostrophe inside a word (straight or curly) kept as `'`. Every
//! other character separates words, so whitespace, line breaks, quotation
//! marks and dashes of any style never make two texts differ. Chinese and
//! Japanese characters, written without spaces, are a word each. This module
//! knows nothing of sources or quotes; it turns text into words.

use std::ops::Range;

/// One word: the hash of its normalised spelling and where it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    pub hash: u64,
    pub start: usize,
    pub end: usize,
}

/// Reads characters one at a time, with their byte ranges, into [`Word`]s.
/// Readers of other formats (HTML, Markdown) feed it only the characters a
/// reader of the page sees.
#[derive(Default)]
pub struct Tokenizer {
    words: Vec<Word>,
    /// Where the word being read starts and ends.
    open: Option<(usize, usize)>,
    /// The word being read, normalised.
    spelling: String,
    /// An apostrophe just read inside a word: kept if a letter follows.
    apostrophe: bool,
}

/// Whether `c` is written without spaces around it, so that it is a word
/// on its own (CJK ideographs, kana).
fn stands_alone(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}'
        | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2fa1f}')
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02bc}')
}

impl Tokenizer {
    /// Reads `c`, found at `at` in the text.
    pub fn push(&mut self, at: Range<usize>, c: char) {
        if c.is_ascii_alphanumeric() {
            self.letter(at, c.to_ascii_lowercase());
        } else if c.is_ascii() && !is_apostrophe(c) {
            self.close();
        } else if stands_alone(c) {
            self.close();
            self.letter(at, c);
            self.close();
        } else if c.is_alphanumeric() {
            for lower in c.to_lowercase() {
                self.letter(at.clone(), lower);
            }
        } else if is_apostrophe(c) && self.open.is_some() && !self.apostrophe {
            self.apostrophe = true;
        } else {
            self.close();
        }
    }

    fn letter(&mut self, at: Range<usize>, c: char) {
        if std::mem::take(&mut self.apostrophe) {
            self.spelling.push('\'');
        }
        let (_, end) = self.open.get_or_insert((at.start, at.end));
        *end = at.end;
        self.spelling.push(c);
    }

    /// Ends the word being read: at a character that is no part of a word,
    /// or at a break no word continues across (the end of a block).
    pub fn close(&mut self) {
        self.apostrophe = false;
        if let Some((start, end)) = self.open.take() {
            let hash = xxhash_rust::xxh3::xxh3_64(self.spelling.as_bytes());
            self.spelling.clear();
            self.words.push(Word { hash, start, end });
        }
    }

    /// Reads every character of `text`, found at `base` in the file.
    pub fn push_str(&mut self, text: &str, base: usize) {
        for (i, c) in text.char_indices() {
            self.push(base + i..base + i + c.len_utf8(), c);
        }
    }

    pub fn finish(mut self) -> Vec<Word> {
        self.close();
        self.words
    }
}

/// The words of plain text, with ranges offset by `base`.
pub fn words(text: &str, base: usize) -> Vec<Word> {
    let mut tokenizer = Tokenizer::default();
    tokenizer.push_str(text, base);
    tokenizer.finish()
}

/// The byte ranges of the parts of a quote between its ellipses (`…`,
/// or three or more dots), which stand for words left out.
pub fn pieces(text: &str) -> Vec<Range<usize>> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut dots = 0;
    for (i, c) in text.char_indices() {
        // `…` is three dots in one character; a run of dots ends the piece
        // at its third and moves the next piece's start past each further one.
        dots = match c {
            '.' => dots + 1,
            '\u{2026}' => 3,
            _ => 0,
        };
        let after = i + c.len_utf8();
        if dots == 3 {
            pieces.push(start..after - 3);
        }
        if dots >= 3 {
            start = after;
        }
    }
    pieces.push(start..text.len());
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes(text: &str) -> Vec<u64> {
        words(text, 0).iter().map(|w| w.hash).collect()
    }

    fn spelled(text: &str) -> Vec<&str> {
        words(text, 0)
            .iter()
            .map(|w| &text[w.start..w.end])
            .collect()
    }

    #[test]
    fn only_words_count() {
        assert_eq!(
            hashes("Microsoft’s stock—fell  “nearly”\n4%"),
            hashes("microsoft's STOCK - fell \"nearly\" 4")
        );
        assert_ne!(hashes("cannot"), hashes("can't"));
        assert_eq!(
            spelled("‘It’s long-standing,’ he said"),
            ["It’s", "long", "standing", "he", "said"]
        );
    }

    #[test]
    fn ideographs_are_words_of_their_own() {
        assert_eq!(spelled("微软和OpenAI"), ["微", "软", "和", "OpenAI"]);
    }

    #[test]
    fn ellipses_split_a_quote() {
        let text = "one two … three... four.";
        let parts: Vec<&str> = pieces(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(parts, ["one two ", " three", " four."]);
        let text = "a....b";
        let parts: Vec<&str> = pieces(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(parts, ["a", "b"]);
    }
}
