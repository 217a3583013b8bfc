//! The briefing's entities as typed values: sections, parties, clauses, quotes,
//! events, their front matter, and the [`Briefing`] that owns them all with id lookup.
//!
//! These are plain data produced by `load`; nothing here parses Markdown, reads
//! files or renders.

use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::config::Config;
use crate::date::Date;
use crate::diagnostics::FileId;

/// The five kinds of things a reference can point at.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    #[default]
    Section,
    Party,
    Clause,
    Quote,
    Event,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Section,
        Kind::Party,
        Kind::Clause,
        Kind::Quote,
        Kind::Event,
    ];

    // The tables below list the kinds in the order they are declared, which
    // is `self as usize`.

    pub fn as_str(self) -> &'static str {
        ["section", "party", "clause", "quote", "event"][self as usize]
    }

    /// The folder of this kind, both under `content/` and in the output.
    pub fn dir(self) -> &'static str {
        ["sections", "parties", "clauses", "quotes", "events"][self as usize]
    }

    pub fn from_prefix(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The letter of print labels (`P2`), for the kinds that are numbered.
    pub fn label_letter(self) -> Option<char> {
        [None, Some('P'), Some('C'), Some('Q'), Some('E')][self as usize]
    }

    pub fn can_embed(self) -> bool {
        matches!(self, Kind::Clause | Kind::Quote | Kind::Event)
    }

    /// Whether the kind has a page listing every entity of it,
    /// `DIR/index.html` (events are listed by `timeline.html` instead).
    pub fn has_index(self) -> bool {
        matches!(self, Kind::Party | Kind::Clause | Kind::Quote)
    }
}

/// An entity: its kind and its index among the briefing's entities of that kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntityKey {
    pub kind: Kind,
    pub index: usize,
}

/// Where a content file's parts live: the file, the offset of its TOML front
/// matter (spans inside front matter are relative to it) and of its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Doc {
    pub file: FileId,
    pub meta_start: usize,
    pub body_start: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexMeta {}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionMeta {
    pub title: String,
    pub summary: Option<String>,
    pub weight: Option<i64>,
    pub source: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PartyKind {
    Company,
    Person,
    Government,
    Organisation,
    Product,
}

impl PartyKind {
    pub const ALL: [PartyKind; 5] = [
        PartyKind::Company,
        PartyKind::Person,
        PartyKind::Government,
        PartyKind::Organisation,
        PartyKind::Product,
    ];

    /// The heading of a list of parties of this kind.
    pub fn plural(self) -> &'static str {
        match self {
            PartyKind::Company => "Companies",
            PartyKind::Person => "People",
            PartyKind::Government => "Governments",
            PartyKind::Organisation => "Organisations",
            PartyKind::Product => "Products",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyMeta {
    pub name: String,
    pub kind: PartyKind,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub role: Option<String>,
    pub affiliation: Option<Spanned<String>>,
    pub position: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Added,
    Removed,
    Changed,
    Unchanged,
}

impl Status {
    /// The name front matter gives the status, as templates see it.
    pub fn as_str(self) -> &'static str {
        ["added", "removed", "changed", "unchanged"][self as usize]
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClauseMeta {
    pub title: String,
    pub agreement: Option<String>,
    pub status: Status,
    pub parties: Spanned<Vec<Spanned<String>>>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub effective: Option<Date>,
    pub until: Option<Date>,
    pub source: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    Direct,
    Paraphrase,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuoteMeta {
    pub speaker: Spanned<String>,
    pub text: String,
    pub kind: QuoteKind,
    pub date: Option<Date>,
    #[serde(default)]
    pub about: Vec<Spanned<String>>,
    pub source: Option<Spanned<String>>,
}

/// A dated happening the briefing tells of (`content/events/ID.md`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventMeta {
    pub title: String,
    pub date: Date,
    #[serde(default)]
    pub parties: Vec<Spanned<String>>,
    #[serde(default)]
    pub clauses: Vec<Spanned<String>>,
    pub source: Option<Spanned<String>>,
}

/// The share picture: its path in the output and its size in pixels.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Image {
    pub path: String,
    pub width: usize,
    pub height: usize,
}

/// Where a direct quote stands in its source's file: the line and the
/// paragraph of its first word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Checked {
    pub line: usize,
    pub paragraph: usize,
}

/// One content file of a given kind after its front matter parsed.
#[derive(Debug, Clone)]
pub struct Entity<M> {
    pub id: String,
    pub meta: M,
    pub doc: Doc,
}

/// Everything loaded from a site: settings, the front page text and the entities,
/// sections in reading order and the other kinds sorted by id.
#[derive(Debug, Clone, Default)]
pub struct Briefing {
    pub config: Config,
    pub config_file: FileId,
    pub front: Option<Doc>,
    pub sections: Vec<Entity<SectionMeta>>,
    pub parties: Vec<Entity<PartyMeta>>,
    pub clauses: Vec<Entity<ClauseMeta>>,
    pub quotes: Vec<Entity<QuoteMeta>>,
    pub events: Vec<Entity<EventMeta>>,
    /// Entities whose file exists but could not be loaded (its front matter
    /// has an error), by kind and id, with the file's path as shown in
    /// diagnostics: a reference to one is reported as such, not as unknown.
    pub unloaded: FxHashMap<(Kind, String), String>,
    /// Direct quotes found word for word in their source's file, by index
    /// (set by `quotecheck`).
    pub checked: FxHashMap<usize, Checked>,
    /// The picture shared links show, once found (set by `image`).
    pub image: Option<Image>,
    ids: [FxHashMap<String, usize>; 5],
}

impl Briefing {
    /// The briefing with its ids indexed for [`Briefing::lookup`], once
    /// `load` has set its entities.
    pub fn indexed(mut self) -> Self {
        let mut ids: [FxHashMap<String, usize>; 5] = Default::default();
        for key in self.keys() {
            ids[key.kind as usize].insert(self.id(key).to_string(), key.index);
        }
        self.ids = ids;
        self
    }

    pub fn lookup(&self, kind: Kind, id: &str) -> Option<EntityKey> {
        let index = *self.ids[kind as usize].get(id)?;
        Some(EntityKey { kind, index })
    }

    /// Every id of `kind`, in no particular order.
    pub fn ids(&self, kind: Kind) -> impl Iterator<Item = &str> {
        self.ids[kind as usize].keys().map(String::as_str)
    }

    /// Every entity, kind by kind, in each kind's order.
    pub fn keys(&self) -> impl Iterator<Item = EntityKey> + '_ {
        let keys = move |kind| (0..self.len(kind)).map(move |index| EntityKey { kind, index });
        Kind::ALL.into_iter().flat_map(keys)
    }

    /// Where `key` comes in [`Briefing::keys`].
    pub fn position(&self, key: EntityKey) -> usize {
        let before = Kind::ALL.into_iter().take_while(|&kind| kind != key.kind);
        before.map(|kind| self.len(kind)).sum::<usize>() + key.index
    }

    pub fn len(&self, kind: Kind) -> usize {
        match kind {
            Kind::Section => self.sections.len(),
            Kind::Party => self.parties.len(),
            Kind::Clause => self.clauses.len(),
            Kind::Quote => self.quotes.len(),
            Kind::Event => self.events.len(),
        }
    }

    pub fn id(&self, key: EntityKey) -> &str {
        self.id_and_doc(key).0
    }

    pub fn doc(&self, key: EntityKey) -> Doc {
        self.id_and_doc(key).1
    }

    fn id_and_doc(&self, key: EntityKey) -> (&str, Doc) {
        let i = key.index;
        match key.kind {
            Kind::Section => (&self.sections[i].id, self.sections[i].doc),
            Kind::Party => (&self.parties[i].id, self.parties[i].doc),
            Kind::Clause => (&self.clauses[i].id, self.clauses[i].doc),
            Kind::Quote => (&self.quotes[i].id, self.quotes[i].doc),
            Kind::Event => (&self.events[i].id, self.events[i].doc),
        }
    }

    /// The name a reference with empty text shows: party name, clause,
    /// section or event title, or a quote's speaker and opening words.
    pub fn display_name(&self, key: EntityKey) -> String {
        match key.kind {
            Kind::Section => self.sections[key.index].meta.title.clone(),
            Kind::Party => self.parties[key.index].meta.name.clone(),
            Kind::Clause => self.clauses[key.index].meta.title.clone(),
            Kind::Event => self.events[key.index].meta.title.clone(),
            Kind::Quote => {
                let quote = &self.quotes[key.index].meta;
                let speaker = quote.speaker.get_ref();
                let party = self.lookup(Kind::Party, speaker);
                let speaker = party.map_or(speaker, |party| &self.parties[party.index].meta.name);
                let words = shorten(&quote.text, 60);
                match quote.kind {
                    QuoteKind::Direct => format!("{speaker}: \u{201c}{words}\u{201d}"),
                    QuoteKind::Paraphrase => format!("{speaker}, reported: {words}"),
                }
            }
        }
    }

    /// `kind:id`, as written in references and used in JSON and HTML data.
    pub fn key_string(&self, key: EntityKey) -> String {
        [key.kind.as_str(), ":", self.id(key)].concat()
    }
}

/// `text` cut at a word boundary to at most about `max` characters, with `…`.
pub fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    let Some((end, _)) = text.char_indices().nth(max) else {
        return text.to_string();
    };
    let cut = &text[..end];
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > max / 2 => &cut[..i],
        _ => cut,
    };
    let cut = cut.trim_end_matches([',', ';', ':', '.', ' ']);
    format!("{cut}\u{2026}")
}

/// Whether `id` follows the id syntax `[a-z0-9][a-z0-9-]*`.
pub fn is_valid_id(id: &str) -> bool {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    !id.is_empty() && !id.starts_with('-') && id.chars().all(allowed)
}

/// A valid id close to `id`, for suggestions: lowercase, runs of other characters
/// turned into single hyphens.
pub fn slugify(id: &str) -> String {
    let lower = id.to_lowercase();
    let words = lower.split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit()));
    let words: Vec<&str> = words.filter(|word| !word.is_empty()).collect();
    words.join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_syntax() {
        assert!(is_valid_id("openai"));
        assert!(is_valid_id("9-to-5"));
        assert!(!is_valid_id("Bad_Name"));
        assert!(!is_valid_id("-x"));
        assert!(!is_valid_id(""));
        assert_eq!(slugify("Bad_Name"), "bad-name");
    }

    proptest::proptest! {
        /// A slug is a valid id (or nothing, when no character can be kept),
        /// keeps every letter and digit in order, and slugs to itself.
        #[test]
        fn slugs_are_valid_ids_of_the_kept_characters(id in "[a-zA-Z0-9 _.:/İÉé-]{0,16}") {
            let slug = slugify(&id);
            proptest::prop_assert!(slug.is_empty() || is_valid_id(&slug), "{slug:?}");
            let kept: String = (id.chars().flat_map(char::to_lowercase))
                .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                .collect();
            proptest::prop_assert_eq!(slug.replace('-', ""), kept);
            proptest::prop_assert_eq!(slugify(&slug), slug);
        }
    }

    #[test]
    fn shorten_cuts_at_words() {
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(shorten("one two three four five", 12), "one two\u{2026}");
    }

    #[test]
    fn names_are_the_ones_serde_gives_templates() {
        let serde_name = |v: serde_json::Value| v.as_str().map(str::to_string);
        for status in [
            Status::Added,
            Status::Removed,
            Status::Changed,
            Status::Unchanged,
        ] {
            let name = serde_name(serde_json::json!(status));
            assert_eq!(name.as_deref(), Some(status.as_str()));
        }
        for kind in Kind::ALL {
            let name = serde_name(serde_json::json!(kind));
            assert_eq!(name.as_deref(), Some(kind.as_str()));
        }
    }
}
