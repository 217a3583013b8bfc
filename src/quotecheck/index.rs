//! One source's copy, indexed once: its words in order with their lines and
//! paragraphs, every place each word occurs, and every run of words as long
//! as the copied-run threshold, by hash. A quote is then found from the
//! places of its rarest word, and a copied run by one lookup per word of
//! prose: nothing scans the source once per quote.

use std::ops::Range;

use rustc_hash::FxHashMap;

use super::formats::{self, Format};
use super::words::Word;

/// The multiplier of the rolling hash of a run of words.
const BASE: u64 = 0x0000_0100_0000_01b3;

/// Words so common that a word of a quote occurring more often than this is
/// no help in finding where the quote was taken from.
const COMMON: usize = 1000;

/// At most this many words of a quote vote for where it stands, and are
/// lined up word by word with the source.
pub const ALIGNED: usize = 300;

/// One word of a quote lined up with the source: how they differ, the
/// quote's word and the source's word (where in the source the step
/// stands), by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step(pub Change, pub usize, pub usize);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Same,
    Changed,
    /// A word the source does not have, before the source's word here.
    Added,
    /// A word of the source the quote leaves out, before the quote's word here.
    Left,
}

impl Step {
    /// The quote's word this step is about, if it is about one.
    pub fn quote_word(&self) -> Option<usize> {
        (self.0 != Change::Left).then_some(self.1)
    }

    /// The source's word this step is about, if it is about one.
    pub fn source_word(&self) -> Option<usize> {
        (self.0 != Change::Added).then_some(self.2)
    }
}

pub struct SourceText {
    /// The file as diagnostics name it: `sources/x.txt`.
    pub shown: String,
    text: String,
    format: Format,
    words: Vec<Word>,
    /// The index of the first word of every paragraph but the first.
    paragraphs: Vec<usize>,
    /// Where each line starts.
    lines: Vec<usize>,
    places: FxHashMap<u64, Vec<u32>>,
    /// The first place of every run of `run` words, by its rolling hash.
    runs: FxHashMap<u64, u32>,
    run: usize,
}

impl SourceText {
    /// Indexes `text` for finding quotes, and for finding runs of `run`
    /// words copied from it (none when `run` is 0).
    pub fn new(shown: String, text: String, format: Format, run: usize) -> SourceText {
        let (words, breaks) = formats::read(&text, format);
        // A paragraph starts at the first word after a break (breaks come
        // in order), unless no word comes before it.
        let mut paragraphs: Vec<usize> = (breaks.iter())
            .map(|&b| words.partition_point(|w| w.start <= b))
            .filter(|&i| i > 0 && i < words.len())
            .collect();
        paragraphs.dedup();
        let mut places: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
        for (i, word) in words.iter().enumerate() {
            places.entry(word.hash).or_default().push(i as u32);
        }
        let mut runs = FxHashMap::default();
        for (hash, at) in rolling(&words, run) {
            runs.entry(hash).or_insert(at as u32);
        }
        SourceText {
            shown,
            lines: codespan_reporting::files::line_starts(&text).collect(),
            text,
            format,
            words,
            paragraphs,
            places,
            runs,
            run,
        }
    }

    /// The first place at or after word `from` where `piece` stands word
    /// for word.
    pub fn find(&self, piece: &[Word], from: usize) -> Option<usize> {
        let (k, rarest) =
            (piece.iter().map(|w| self.places(w)).enumerate()).min_by_key(|(_, p)| p.len())?;
        let first = rarest.partition_point(|&p| (p as usize) < from + k);
        rarest[first..]
            .iter()
            .map(|&p| p as usize - k)
            .find(|&start| same_start(&self.words[start..], piece) == piece.len())
    }

    /// Where the word `word` is spelled occurs in the source, in order.
    fn places(&self, word: &Word) -> &[u32] {
        self.places.get(&word.hash).map_or(&[], Vec::as_slice)
    }

    /// Where `piece` would start if it were taken from the source with some
    /// words changed: the alignment that most of its words agree on (the
    /// earliest of equals), or None when no word of it is in the source.
    pub fn closest(&self, piece: &[Word]) -> Option<isize> {
        let piece = &piece[..piece.len().min(ALIGNED)];
        let places: Vec<&[u32]> = piece.iter().map(|w| self.places(w)).collect();
        // Common words vote only when no word of the piece is rare.
        let rare = places.iter().any(|p| !p.is_empty() && p.len() <= COMMON);
        let voters = (places.iter().enumerate()).filter(|(_, p)| !rare || p.len() <= COMMON);
        let mut votes: FxHashMap<isize, u32> = FxHashMap::default();
        for (k, found) in voters {
            for &p in *found {
                *votes.entry(p as isize - k as isize).or_default() += 1;
            }
        }
        votes
            .into_iter()
            .max_by_key(|&(start, n)| (n, -start))
            .map(|(start, _)| start)
    }

    /// The quote's words lined up with the source's around `start` (from
    /// [`SourceText::closest`]) with the fewest changes: each word kept,
    /// changed, added by the quote or left out of it, in order. Only up to
    /// [`ALIGNED`] words are lined up, from a little before the first word
    /// that differs where the quote would start at `start`, so that a long
    /// quote costs no more than a short one.
    pub fn align(&self, quote: &[Word], start: isize) -> Vec<Step> {
        // How many words the quote and the source have in common from `start`.
        let same = (usize::try_from(start).ok())
            .and_then(|start| self.words.get(start..))
            .map_or(0, |words| same_start(quote, words));
        let skip = same.saturating_sub(10);
        let piece = &quote[skip..quote.len().min(skip + ALIGNED)];
        let start = start + skip as isize;
        let slack = (piece.len() / 2 + 3) as isize;
        let clamp = |at: isize| at.clamp(0, self.words.len() as isize) as usize;
        let a = clamp(start - slack);
        let b = clamp(start + piece.len() as isize + slack);
        let source = &self.words[a..b];
        let (n, m) = (piece.len(), source.len());
        // cost[i][j]: the fewest changes that make the quote's first i words
        // of the source's words ending before j; the source's words before
        // and after the passage are free.
        let mut cost = vec![vec![0u32; m + 1]; n + 1];
        for i in 1..=n {
            cost[i][0] = i as u32;
            for j in 1..=m {
                let differs = u32::from(piece[i - 1].hash != source[j - 1].hash);
                cost[i][j] = (cost[i - 1][j - 1] + differs)
                    .min(cost[i - 1][j] + 1)
                    .min(cost[i][j - 1] + 1);
            }
        }
        let mut j = (0..=m).min_by_key(|&j| (cost[n][j], j)).unwrap_or(0);
        let mut i = n;
        let mut steps = Vec::new();
        while i > 0 {
            let differs = u32::from(j > 0 && piece[i - 1].hash != source[j - 1].hash);
            if j > 0 && cost[i][j] == cost[i - 1][j - 1] + differs {
                let change = [Change::Same, Change::Changed][differs as usize];
                steps.push(Step(change, skip + i - 1, a + j - 1));
                (i, j) = (i - 1, j - 1);
            } else if cost[i][j] == cost[i - 1][j] + 1 {
                steps.push(Step(Change::Added, skip + i - 1, a + j));
                i -= 1;
            } else {
                steps.push(Step(Change::Left, skip + i, a + j - 1));
                j -= 1;
            }
        }
        steps.reverse();
        steps
    }

    /// The word at `at` as the source spells it.
    pub fn spelled(&self, at: usize) -> &str {
        (self.words.get(at))
            .and_then(|w| self.text.get(w.start..w.end))
            .unwrap_or_default()
    }

    /// The 1-based line of the word at `at`.
    pub fn line(&self, at: usize) -> usize {
        let offset = self.words.get(at).map_or(self.text.len(), |w| w.start);
        self.lines.partition_point(|&start| start <= offset)
    }

    /// The 1-based paragraph of the word at `at`.
    pub fn paragraph(&self, at: usize) -> usize {
        1 + self.paragraphs.partition_point(|&first| first <= at)
    }

    /// The help that shows the source's words `range` (clamped to the
    /// source) as one line of text, the words `mark` between « and », with …
    /// where it was cut, and where they stand:
    /// "closest passage, sources/x.txt:42 (paragraph 14): “…”".
    pub fn passage(&self, range: Range<usize>, mark: Option<Range<usize>>) -> String {
        let end = range.end.min(self.words.len());
        let start = range.start.min(end);
        let at = (mark.as_ref().map_or(range.start, |m| m.start))
            .min(self.words.len().saturating_sub(1));
        let (shown, line, paragraph) = (&self.shown, self.line(at), self.paragraph(at));
        let cut = if start > 0 { "…" } else { "" };
        let mut out = format!("closest passage, {shown}:{line} (paragraph {paragraph}): “{cut}");
        for at in start..end {
            if at > start {
                // Between words of HTML lie tags: words and spaces only.
                let between = match self.format {
                    Format::Html => None,
                    _ => self.text.get(self.words[at - 1].end..self.words[at].start),
                };
                // Each run of whitespace as one space.
                for c in between.unwrap_or(" ").chars() {
                    match c.is_whitespace() {
                        false => out.push(c),
                        true if !out.ends_with(' ') => out.push(' '),
                        true => {}
                    }
                }
            }
            if mark.as_ref().is_some_and(|m| m.start == at) {
                out.push('«');
            }
            out.push_str(self.spelled(at));
            if mark.as_ref().is_some_and(|m| m.end == at + 1) {
                out.push('»');
            }
        }
        if end < self.words.len() {
            out.push('…');
        }
        out.push('”');
        out
    }

    /// Runs of at least `run` words of `prose` that stand in the source
    /// word for word: each as the range of prose words and the place in the
    /// source where it starts. Runs do not overlap.
    pub fn copied(&self, prose: &[Word]) -> Vec<(Range<usize>, usize)> {
        let mut found = Vec::new();
        let mut clear_from = 0;
        for (hash, at) in rolling(prose, self.run) {
            // A run's words are not looked up again within a longer run.
            let Some(&place) = self.runs.get(&hash).filter(|_| at >= clear_from) else {
                continue;
            };
            let place = place as usize;
            let same = same_start(&prose[at..], &self.words[place..]);
            if same >= self.run {
                found.push((at..at + same, place));
                clear_from = at + same;
            }
        }
        found
    }
}

/// How many words `a` and `b` have in common from their starts.
fn same_start(a: &[Word], b: &[Word]) -> usize {
    let pairs = a.iter().zip(b);
    pairs.take_while(|(a, b)| a.hash == b.hash).count()
}

/// The rolling hash of every run of `n` consecutive words, with where it
/// starts; none when `n` is 0.
fn rolling(words: &[Word], n: usize) -> impl Iterator<Item = (u64, usize)> + '_ {
    let top = (1..n).fold(1u64, |p, _| p.wrapping_mul(BASE));
    let mut hash = 0u64;
    words.iter().enumerate().filter_map(move |(i, word)| {
        if i >= n {
            hash = hash.wrapping_sub(words[i - n].hash.wrapping_mul(top));
        }
        hash = hash.wrapping_mul(BASE).wrapping_add(word.hash);
        (n > 0 && i + 1 >= n).then(|| (hash, i + 1 - n))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quotecheck::words::words;

    fn source(text: &str, run: usize) -> SourceText {
        SourceText::new("sources/s.txt".into(), text.into(), Format::Text, run)
    }

    #[test]
    fn quotes_are_found_from_a_place_on() {
        let s = source("a b c\n\nd a b c e\n", 0);
        assert_eq!(s.find(&words("A B, c", 0), 0), Some(0));
        assert_eq!(s.find(&words("a b c", 0), 1), Some(4));
        assert_eq!(s.find(&words("a c", 0), 0), None);
        assert_eq!((s.line(4), s.paragraph(4), s.paragraph(2)), (3, 2, 1));
    }

    #[test]
    fn the_closest_passage_is_the_alignment_most_words_agree_on() {
        let s = source("x y the cat sat on the mat z", 0);
        assert_eq!(s.closest(&words("the dog sat on the mat", 0)), Some(2));
        assert_eq!(s.closest(&words("nothing here", 0)), None);
        let shown = "closest passage, sources/s.txt:1 (paragraph 1): ";
        assert_eq!(
            s.passage(3..6, Some(4..5)),
            format!("{shown}“…cat «sat» on…”")
        );
        assert_eq!(
            s.passage(3..7, Some(4..6)),
            format!("{shown}“…cat «sat on» the…”")
        );
        use Change::*;
        let steps = |quote: &str| s.align(&words(quote, 0), 2);
        assert_eq!(
            steps("the dog sat")[..2],
            [Step(Same, 0, 2), Step(Changed, 1, 3)]
        );
        assert_eq!(steps("the cat sat on the red mat")[5], Step(Added, 5, 7));
        assert_eq!(steps("cat sat the mat")[2], Step(Left, 2, 5));
    }

    #[test]
    fn copied_runs_are_found_by_their_hash_and_extended() {
        let s = source("one two three four five six seven", 3);
        let prose = words("I say two three four five and six seven", 0);
        assert_eq!(s.copied(&prose), [(2..6, 1)]);
    }
}
