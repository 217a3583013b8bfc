//! Snippets: the words around a reference, as "Mentioned in" lists and
//! `graph.json` show them.
//!
//! A large briefing has hundreds of thousands of mentions, and their snippets
//! are most of what the graph holds. A part of a snippet that is a plain
//! stretch of its source (no markup, no smart quotes, no line break inside)
//! is kept as a range of the source text, which is held for the whole build
//! anyway; only the others are copied, and then all three parts into one
//! string. Either way a snippet reads, compares, hashes and serialises as
//! the three strings `before`, `text` and `after`.

use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::sync::Arc;

use serde::{Serialize, Serializer};

/// Longest stretch of context kept on either side of a reference in a snippet.
const SNIPPET_CONTEXT: usize = 160;

/// Put before a `before` that was cut short, and after an `after`.
const ELLIPSIS: &str = "\u{2026}";

/// The text of the block around a reference, split at the reference.
#[derive(Clone, Default)]
pub struct Snippet {
    /// The text the three parts are ranges of: the source file, or the
    /// parts copied one after the other when they are not plain stretches
    /// of it.
    text: Arc<String>,
    parts: [(u32, u32); 3],
    /// Whether `before` and `after` were cut short (and so carry an
    /// ellipsis).
    cut: [bool; 2],
}

impl Snippet {
    /// A snippet of the three parts copied, cut short as `cut` says.
    pub(super) fn copied(parts: [&str; 3], cut: [bool; 2]) -> Snippet {
        let mut end = 0;
        let ranges = parts.map(|part| {
            let start = end;
            end += part.len();
            // Past 4 GiB of context nothing is worth showing: the part reads
            // as empty.
            narrow(start..end).unwrap_or((0, 0))
        });
        Snippet {
            text: Arc::new(parts.concat()),
            parts: ranges,
            cut,
        }
    }

    /// The three parts as they read: `before` follows an ellipsis when it
    /// was cut short, `after` is followed by one. A part is copied only
    /// where it has an ellipsis to join.
    fn read(&self) -> Read<'_> {
        let [before, text, after] = (self.parts)
            .map(|(start, end)| self.text.get(start as usize..end as usize).unwrap_or(""));
        let ellipsis = |cut: bool| if cut { ELLIPSIS } else { "" };
        let pairs = [
            [ellipsis(self.cut[0]), before],
            [text, ""],
            [after, ellipsis(self.cut[1])],
        ];
        let [before, text, after] = pairs.map(|pair| match pair {
            ["", part] | [part, ""] => Cow::Borrowed(part),
            pair => Cow::Owned(pair.concat()),
        });
        Read {
            before,
            text,
            after,
        }
    }
}

/// A snippet as it reads, compares, hashes and serialises.
#[derive(Debug, PartialEq, Eq, Hash, Serialize)]
struct Read<'a> {
    before: Cow<'a, str>,
    text: Cow<'a, str>,
    after: Cow<'a, str>,
}

impl PartialEq for Snippet {
    fn eq(&self, other: &Self) -> bool {
        self.read() == other.read()
    }
}

impl Eq for Snippet {}

impl Hash for Snippet {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.read().hash(state);
    }
}

impl fmt::Debug for Snippet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.read().fmt(f)
    }
}

impl Serialize for Snippet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.read().serialize(serializer)
    }
}

/// The text of a block being read, and where each stretch of it came from.
#[derive(Default)]
pub(super) struct BlockText {
    pub text: String,
    /// (offset in `text`, offset in the source when the stretch is a slice
    /// of it), one entry per stretch; a stretch runs to the next entry.
    /// Slices that follow each other in the source make one stretch.
    stretches: Vec<(usize, Option<usize>)>,
}

impl BlockText {
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// Appends `piece`, at `source` offset `at` when it is a slice of the
    /// source.
    pub fn push(&mut self, piece: &str, at: Option<usize>) {
        if piece.is_empty() {
            return;
        }
        let len = self.text.len();
        // Where in the source a slice that continues the last stretch starts.
        let next = (self.stretches.last()).and_then(|&(start, from)| Some(from? + (len - start)));
        if at.is_none() || at != next {
            self.stretches.push((len, at));
        }
        self.text.push_str(piece);
    }

    /// The source range `range` of the text was read from, when it is one
    /// stretch of the source.
    fn source_range(&self, range: Range<usize>) -> Option<(u32, u32)> {
        if range.is_empty() {
            return Some((0, 0));
        }
        let index = self
            .stretches
            .partition_point(|&(start, _)| start <= range.start)
            .checked_sub(1)?;
        let (start, from) = self.stretches[index];
        let end = (self.stretches.get(index + 1)).map_or(self.text.len(), |s| s.0);
        if range.end > end {
            return None;
        }
        let at = from? + (range.start - start);
        narrow(at..at + range.len())
    }

    /// The snippet of the reference at `start..end` of this block: at most
    /// [`SNIPPET_CONTEXT`] characters a side, cut at word boundaries. It
    /// points into `source` where it can.
    pub fn snippet(&self, start: usize, end: usize, source: Option<&Arc<String>>) -> Snippet {
        let text = self.text.as_str();
        let (before, lead) = before_range(text, start);
        let (after, trail) = after_range(text, end);
        let ranges = [before, start..end, after];
        let in_source = ranges.clone().map(|range| self.source_range(range));
        match (source, in_source) {
            (Some(source), [Some(before), Some(text), Some(after)]) => Snippet {
                text: Arc::clone(source),
                parts: [before, text, after],
                cut: [lead, trail],
            },
            _ => Snippet::copied(ranges.map(|range| &text[range]), [lead, trail]),
        }
    }
}

/// `range` as a snippet keeps it, when it fits.
fn narrow(range: Range<usize>) -> Option<(u32, u32)> {
    Some((
        u32::try_from(range.start).ok()?,
        u32::try_from(range.end).ok()?,
    ))
}

/// The context kept before a reference starting at `start`, and whether it
/// was cut short: the last [`SNIPPET_CONTEXT`] characters from the first
/// word boundary among them, or all of it without leading white space.
fn before_range(text: &str, start: usize) -> (Range<usize>, bool) {
    let before = &text[..start];
    // Read from the reference back, never the whole block: the character
    // that starts the kept stretch, when there is one more before it.
    let mut back = before.char_indices().rev().skip(SNIPPET_CONTEXT - 1);
    let (Some((at, _)), Some(_)) = (back.next(), back.next()) else {
        return (start - before.trim_start().len()..start, false);
    };
    let space = before[at..].match_indices(char::is_whitespace).next();
    let from = space.map_or(at, |(i, space)| at + i + space.len());
    (from..start, true)
}

/// The context kept after a reference ending at `end`, and whether it was cut
/// short: the first [`SNIPPET_CONTEXT`] characters up to the last word
/// boundary among them, or all of it without trailing white space.
fn after_range(text: &str, end: usize) -> (Range<usize>, bool) {
    let after = &text[end..];
    let Some((cut, _)) = after.char_indices().nth(SNIPPET_CONTEXT) else {
        return (end..end + after.trim_end().len(), false);
    };
    let head = &after[..cut];
    let keep = head.rfind(char::is_whitespace).unwrap_or(head.len());
    (end..end + keep, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_snippet_hashes_as_the_three_strings_it_reads_as() {
        use std::hash::{BuildHasher, RandomState};
        let hasher = RandomState::new();
        for cut in [[false, false], [true, false], [false, true], [true, true]] {
            let snippet = Snippet::copied(["before ", "text", " after"], cut);
            let read = snippet.read();
            let strings = (&*read.before, &*read.text, &*read.after);
            assert_eq!(
                hasher.hash_one(&snippet),
                hasher.hash_one(strings),
                "{cut:?}"
            );
        }
    }

    /// The context by its definition: counted in characters from the ends.
    fn by_counting(text: &str, start: usize, end: usize) -> (String, String, bool, bool) {
        let before: Vec<char> = text[..start].chars().collect();
        let after: Vec<char> = text[end..].chars().collect();
        let lead = before.len() > SNIPPET_CONTEXT;
        let trail = after.len() > SNIPPET_CONTEXT;
        let mut before: String = before[before.len().saturating_sub(SNIPPET_CONTEXT)..]
            .iter()
            .collect();
        if lead {
            before = match before.find(char::is_whitespace) {
                Some(i) => before[i..].chars().skip(1).collect(),
                None => before,
            };
        }
        let mut after: String = after.iter().take(SNIPPET_CONTEXT).collect();
        if trail {
            after.truncate(after.rfind(char::is_whitespace).unwrap_or(after.len()));
        }
        let before = if lead {
            before
        } else {
            before.trim_start().to_string()
        };
        let after = if trail {
            after
        } else {
            after.trim_end().to_string()
        };
        (before, after, lead, trail)
    }

    /// The context at the character `at` of `text`, against [`by_counting`].
    fn cut_as_counted(text: &str, at: prop::sample::Index) -> Result<(), TestCaseError> {
        let starts: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let start = starts[at.index(starts.len())];
        let (before, lead) = before_range(text, start);
        let (after, trail) = after_range(text, start);
        let (want_before, want_after, want_lead, want_trail) = by_counting(text, start, start);
        prop_assert_eq!((&text[before], lead), (want_before.as_str(), want_lead));
        prop_assert_eq!((&text[after], trail), (want_after.as_str(), want_trail));
        Ok(())
    }

    proptest! {
        #[test]
        fn context_is_cut_where_counting_characters_cuts_it(
            text in "[a é\u{2003}語]{0,400}",
            at in any::<prop::sample::Index>(),
        ) {
            cut_as_counted(&text, at)?;
        }

        /// Mostly ASCII: words of up to 170 letters, every ASCII space
        /// `char::is_whitespace` knows, now and then a character that is not
        /// ASCII.
        #[test]
        fn ascii_context_is_cut_where_counting_characters_cuts_it(
            text in "(([ab]{1,170}|[ \t\n\u{b}\u{c}\r]){0,6}[é\u{2003}]?){0,4}",
            at in any::<prop::sample::Index>(),
        ) {
            cut_as_counted(&text, at)?;
        }
    }
}
