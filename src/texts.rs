//! Distinct texts, each kept once and numbered in the order first seen.
//!
//! A large briefing has hundreds of thousands of distinct link texts, short
//! and alike, and a long body thousands of ids and heading slugs; kept as one
//! string with a table of where each ends, and found again through a hash
//! table of their numbers alone, they take about half of what a map from
//! boxed strings does, and are found without chasing a pointer per key.
//! Rendering counts the references to each id and the headings of each slug
//! with [`Tally`].

use hashbrown::HashTable;

#[derive(Default)]
pub(crate) struct Texts {
    /// The texts one after another.
    joined: String,
    /// Where each text ends in `joined`, by number.
    ends: Vec<usize>,
    /// The numbers, found by the hash of their text.
    numbers: HashTable<u32>,
}

impl Texts {
    /// The number of `text`, given it when it is new. Past `u32::MAX`
    /// texts, every new one is `u32::MAX`, which reads as "".
    pub(crate) fn number(&mut self, text: &str) -> u32 {
        let Texts {
            joined,
            ends,
            numbers,
        } = self;
        let hash = hash(text);
        if let Some(&number) = numbers.find(hash, |&n| get(joined, ends, n) == text) {
            return number;
        }
        let Ok(number) = u32::try_from(ends.len()) else {
            return u32::MAX;
        };
        if number == u32::MAX {
            return number;
        }
        joined.push_str(text);
        ends.push(joined.len());
        numbers.insert_unique(hash, number, |&n| self::hash(get(joined, ends, n)));
        number
    }

    /// The text of `number`, or "" for a number never given.
    #[cfg(test)] // only the link check read texts back; it no longer numbers them
    pub(crate) fn get(&self, number: u32) -> &str {
        get(&self.joined, &self.ends, number)
    }

    /// How many texts there are.
    #[cfg(test)] // only the link check read texts back; it no longer numbers them
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }
}

/// How many times each distinct text has been counted.
#[derive(Default)]
pub(crate) struct Tally {
    texts: Texts,
    /// The count of each text, by its number.
    counts: Vec<usize>,
}

impl Tally {
    /// Counts `text` once more: how many times it has been counted now, 1
    /// the first time.
    pub(crate) fn count(&mut self, text: &str) -> usize {
        let number = self.texts.number(text) as usize;
        match self.counts.get_mut(number) {
            Some(count) => {
                *count += 1;
                *count
            }
            None => {
                self.counts.push(1);
                1
            }
        }
    }
}

fn get<'a>(joined: &'a str, ends: &[usize], number: u32) -> &'a str {
    let at = number as usize;
    let start = match at.checked_sub(1) {
        Some(before) => ends.get(before).copied().unwrap_or(0),
        None => 0,
    };
    let end = ends.get(at).copied().unwrap_or(start);
    joined.get(start..end).unwrap_or("")
}

fn hash(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::{Tally, Texts};

    #[test]
    fn texts_are_numbered_and_tallied_in_the_order_first_seen() {
        let mut texts = Texts::default();
        let numbers: Vec<u32> = ["a.html", "", "b.html#x", "a.html", "", "b.html#x", "ab"]
            .iter()
            .map(|t| texts.number(t))
            .collect();
        assert_eq!(numbers, [0, 1, 2, 0, 1, 2, 3]);
        assert_eq!(texts.len(), 4);
        let back: Vec<&str> = (0..5).map(|n| texts.get(n)).collect();
        assert_eq!(back, ["a.html", "", "b.html#x", "ab", ""]);
        assert_eq!(texts.get(u32::MAX), "");

        // A tally counts each text apart, 1 the first time.
        let mut tally = Tally::default();
        let counts = ["s", "t", "s", "", "s", "t", ""].map(|t| tally.count(t));
        assert_eq!(counts, [1, 1, 2, 1, 3, 2, 2]);
    }
}
