//! The back-of-book index of `print.html`: every labelled entity (and each
//! party's aliases, as "see" entries) filed alphabetically under its letter.
//!
//! It is a list of names, labels and anchors; the pages each name is found on
//! are known only once the document is printed, and `brief pdf` writes them
//! in (`pdf::numbers`). Opened in a browser, the index leads by label to the
//! appendices. It is made of the print views the appendices list, so a kind
//! that gets an appendix joins it without a change here.

use indexmap::IndexMap;
use serde::Serialize;

use crate::model::Kind;
use crate::render::views::EntityView;

/// One letter of the index and the entries filed under it.
#[derive(Serialize)]
pub struct Letter {
    pub letter: String,
    pub entries: Vec<IndexEntry>,
}

/// One line of the index.
#[derive(Serialize)]
pub struct IndexEntry {
    /// What the line is filed under: the entity's name, or one of its aliases.
    pub name: String,
    /// The entity's anchor inside `print.html`, `#party-openai`.
    pub href: String,
    pub label: Option<String>,
    pub kind: Kind,
    /// For an alias, the name it stands for: the line reads "see" that name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub see: Option<String>,
}

/// The index of `views` (print's, of every entity an appendix lists),
/// grouped by initial letter, in alphabetical order.
pub fn index<'v>(views: impl IntoIterator<Item = &'v EntityView>) -> Vec<Letter> {
    let mut entries: Vec<(String, IndexEntry)> = views.into_iter().flat_map(lines).collect();
    entries.sort_by(|(a, x), (b, y)| (a, &x.name, &x.href).cmp(&(b, &y.name, &y.href)));
    let mut letters: IndexMap<String, Vec<IndexEntry>> = IndexMap::new();
    for (key, entry) in entries {
        letters.entry(initial(&key)).or_default().push(entry);
    }
    let letters = letters.into_iter();
    letters
        .map(|(letter, entries)| Letter { letter, entries })
        .collect()
}

/// The lines `view`'s entity gets, each with the text it is sorted by: its
/// name, and a "see" line for each alias.
fn lines(view: &EntityView) -> Vec<(String, IndexEntry)> {
    let line = |name: &str, see: Option<String>| {
        let entry = IndexEntry {
            name: name.to_string(),
            href: view.href.clone(),
            label: view.label.clone(),
            kind: view.kind,
            see,
        };
        (sort_key(name), entry)
    };
    let aliases = view.aliases.iter().filter(|a| **a != view.name);
    let see = aliases.map(|alias| line(alias, Some(view.name.clone())));
    std::iter::once(line(&view.name, None)).chain(see).collect()
}

/// What a name is sorted by: lower case, without the quotation marks or
/// other punctuation it may open with.
fn sort_key(name: &str) -> String {
    name.trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// The heading a sort key is filed under: its first letter, capitalised;
/// names that start with a digit share one heading.
fn initial(key: &str) -> String {
    match key.chars().next() {
        Some(c) if c.is_numeric() => "0–9".to_string(),
        Some(c) => c.to_uppercase().collect(),
        None => "—".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_without_case_or_opening_punctuation() {
        let mut names = ["“Zeta”", "alpha", "Beta", "42 Labs"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(names, ["42 Labs", "alpha", "Beta", "“Zeta”"]);
        assert_eq!(initial(&sort_key("“Zeta”")), "Z");
        assert_eq!(initial(&sort_key("42 Labs")), "0–9");
        assert_eq!(initial(&sort_key("éclair")), "É");
    }
}
