//! The entity graph: every mention of every entity, backlinks, the relations
//! front matter declares, and print labels (P1, C1, Q1, E1 …) numbered by first
//! mention in reading order.
//!
//! The graph is built once from plain values and read by every renderer. It does
//! no I/O and renders nothing.

use indexmap::{IndexSet, set::Slice};
use rayon::prelude::*;
use rustc_hash::{FxBuildHasher, FxHashMap as HashMap};
use std::fmt::Write as _;
use std::ops::Range;

use crate::annotate::{RawRef, Snippet};
use crate::cache::Digest;
use crate::diagnostics::Diagnostic;
use crate::model::{Briefing, Doc, EntityKey, Kind};
use crate::resolve::Relations;

/// A page that can hold references: the front page or an entity's own page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PageId {
    Front,
    Entity(EntityKey),
}

/// One reference, bound to its entity: what pages and feeds show of it.
/// Where it stands in its source is only for the warnings, made from the
/// page's scan before it is dropped.
#[derive(Debug, Clone)]
pub struct Mention {
    pub page: PageId,
    pub entity: EntityKey,
    /// Which reference to its entity on its page this is, from 1: the
    /// number that ends its element id ([`Mention::anchor`]).
    pub nth: usize,
    pub snippet: Snippet,
    pub embed: bool,
}

impl Mention {
    /// Element id of the reference on its page (`m-party-openai-2`).
    pub fn anchor<'a>(&self, briefing: &'a Briefing) -> Anchor<'a> {
        // A bound reference names its entity's id exactly.
        let (kind, id, nth) = (self.entity.kind, briefing.id(self.entity), self.nth);
        Anchor { kind, id, nth }
    }
}

/// The element id of a mention on its page, `m-party-openai-2`, as its
/// parts: a mention keeps only its number, rather than the id spelled out
/// in a string for each of hundreds of thousands. Equal anchors spell the
/// same id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Anchor<'a> {
    kind: Kind,
    id: &'a str,
    nth: usize,
}

impl Anchor<'_> {
    /// Appends the id to `out`, as `annotate::anchor_id` spells it, which
    /// rendering puts on the page.
    pub fn push_to(&self, out: &mut String) {
        // Writing to a `String` cannot fail.
        let _ = write!(out, "m-{}-{}-{}", self.kind.as_str(), self.id, self.nth);
    }
}

/// The references of one page as scanned and resolved.
#[derive(Debug, Clone)]
pub struct PageRefs {
    pub page: PageId,
    pub doc: Doc,
    pub refs: Vec<RawRef>,
    pub bound: Vec<Option<EntityKey>>,
    /// For `brief serve`'s cache; None without one.
    pub digests: Option<PageDigests>,
}

/// What `brief serve`'s cache keys hold of a page in place of its text and
/// its snippets, which would otherwise be hashed again for every key that
/// holds them: digests made once, when the page is scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageDigests {
    /// The page's text (and the names of every entity, which its scan reads).
    pub text: Digest,
    /// The snippets of its references.
    pub shown: Digest,
}

#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub mentions: Vec<Mention>,
    pub relations: Relations,
    /// The numbers of each entity's mentions, in reading order, by kind and
    /// index.
    by_entity: [Vec<Vec<usize>>; 5],
    /// Each page's mentions, which stand together in `mentions`.
    by_page: HashMap<PageId, Range<usize>>,
    /// Each page's [`PageRefs::digests`], when there is a cache.
    digests: HashMap<PageId, PageDigests>,
    /// Entities of each numbered kind in label order, by kind: an entity's
    /// label is its place in the set, from 1.
    numbered: [IndexSet<EntityKey, FxBuildHasher>; 5],
    /// The relations read the other way, by party or clause index: the
    /// clauses binding a party, the quotes by a party and about it, the
    /// parties affiliated with it, the events it took part in, and the
    /// quotes about a clause and the events that concern it.
    pub party_clauses: Vec<Vec<usize>>,
    pub party_quotes: Vec<Vec<usize>>,
    pub party_quoted_in: Vec<Vec<usize>>,
    pub party_people: Vec<Vec<usize>>,
    pub party_events: Vec<Vec<usize>>,
    pub clause_quotes: Vec<Vec<usize>>,
    pub clause_events: Vec<Vec<usize>>,
}

impl Graph {
    /// Builds the graph, with its warnings. `pages` must come in reading
    /// order (front page, sections, then the other entity pages); labels
    /// follow that order.
    pub fn build(
        briefing: &Briefing,
        relations: Relations,
        pages: Vec<PageRefs>,
    ) -> (Graph, Vec<Diagnostic>) {
        // Where each reference stands is only for the warnings: they are
        // made from the scans, rather than kept with each of hundreds of
        // thousands of mentions for the build.
        let of_page = |page| placement_warnings(briefing, &relations, page);
        let mut warnings: Vec<Diagnostic> = (pages.par_iter()).flat_map_iter(of_page).collect();
        let mut graph = Graph {
            relations,
            ..Graph::default()
        };
        let digests = (pages.iter()).filter_map(|page| Some((page.page, page.digests?)));
        graph.digests = digests.collect();
        // Each page's mentions are taken from its scan in parallel
        // (dropping what the scan kept for itself with the thread that made
        // it), then laid end to end.
        let mentions = (pages.into_par_iter()).flat_map_iter(|page| {
            (page.refs.into_iter().zip(page.bound)).filter_map(move |(r, bound)| {
                Some(Mention {
                    page: page.page,
                    entity: bound?,
                    nth: r.nth,
                    snippet: r.snippet,
                    embed: r.embed,
                })
            })
        });
        graph.mentions = mentions.collect();
        graph.by_entity = Kind::ALL.map(|kind| vec![Vec::new(); briefing.len(kind)]);
        for (n, m) in graph.mentions.iter().enumerate() {
            graph.by_entity[m.entity.kind as usize][m.entity.index].push(n);
            // A page's mentions stand together, as its scan found them.
            graph.by_page.entry(m.page).or_insert(n..n).end = n + 1;
        }
        graph.number(briefing);
        graph.relate(briefing);
        warnings.extend(graph.unreferenced(briefing));
        (graph, warnings)
    }

    /// Numbers the parties, clauses, quotes and events of each kind in the
    /// order of their first mention, then those never mentioned.
    fn number(&mut self, briefing: &Briefing) {
        let mentioned = self.mentions.iter().map(|m| m.entity);
        let numbered = mentioned.chain(briefing.keys());
        for key in numbered.filter(|k| k.kind.label_letter().is_some()) {
            self.numbered[key.kind as usize].insert(key);
        }
    }

    /// The relations read the other way: what names each party or clause.
    fn relate(&mut self, briefing: &Briefing) {
        let (parties, clauses) = (briefing.parties.len(), briefing.clauses.len());
        let r = &self.relations;
        let about = |kind: Kind| {
            let of_kind = move |key: &&EntityKey| key.kind == kind;
            (r.quote_about.iter()).map(move |keys| keys.iter().filter(of_kind).map(|k| &k.index))
        };
        self.party_clauses = invert(parties, &r.clause_parties);
        self.party_quotes = invert(parties, &r.quote_speaker);
        self.party_quoted_in = invert(parties, about(Kind::Party));
        self.party_people = invert(parties, &r.party_affiliation);
        self.clause_quotes = invert(clauses, about(Kind::Clause));
        self.party_events = invert(parties, &r.event_parties);
        self.clause_events = invert(clauses, &r.event_clauses);
    }

    /// For `brief serve`'s cache, the digests of `page`'s text and snippets.
    pub fn digests(&self, page: PageId) -> Option<PageDigests> {
        self.digests.get(&page).copied()
    }

    /// Mentions of `key`, in reading order.
    pub fn mentions_of(&self, key: EntityKey) -> impl Iterator<Item = &Mention> {
        let numbers = self.by_entity[key.kind as usize].get(key.index);
        numbers.into_iter().flatten().map(|&n| &self.mentions[n])
    }

    pub fn mentions_on(&self, page: PageId) -> impl Iterator<Item = &Mention> {
        let range = self.by_page.get(&page).cloned().unwrap_or_default();
        self.mentions[range].iter()
    }

    /// The print label, `P2`, of a party, clause, quote or event.
    pub fn label(&self, key: EntityKey) -> Option<String> {
        let letter = key.kind.label_letter()?;
        let n = self.numbered[key.kind as usize].get_index_of(&key)? + 1;
        Some(format!("{letter}{n}"))
    }

    /// Parties, clauses, quotes or events in label order.
    pub fn numbered(&self, kind: Kind) -> &Slice<EntityKey> {
        self.numbered[kind as usize].as_slice()
    }

    /// Parties, clauses, quotes and events that no other page references.
    fn unreferenced(&self, briefing: &Briefing) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for key in briefing.keys().filter(|k| k.kind != Kind::Section) {
            // A party a clause binds is referenced by that clause: its page
            // lists the clause, and the clause's page links to it.
            let bound = key.kind == Kind::Party && !self.party_clauses[key.index].is_empty();
            if !bound && self.mentions_of(key).all(|m| m.page == PageId::Entity(key)) {
                let (kind, id) = (key.kind.as_str(), briefing.id(key));
                let message = format!("{kind} `{id}` is never referenced");
                let help = format!("mention it somewhere, e.g. `[]({kind}:{id})`");
                let warning =
                    Diagnostic::warning("unreferenced", briefing.doc(key).file, 0..0, message);
                out.push(warning.with_label("defined here").with_help(help));
            }
        }
        out
    }
}

/// The warnings about where a page's references stand: entities whose own
/// page references them, and quotes referenced where their speaker is not
/// named nearby. A reference gets one warning at most.
fn placement_warnings<'a>(
    briefing: &'a Briefing,
    relations: &'a Relations,
    page: &'a PageRefs,
) -> impl Iterator<Item = Diagnostic> + 'a {
    let bound = || (page.refs.iter().zip(&page.bound)).filter_map(|(r, key)| Some((r, (*key)?)));
    let (file, start) = (page.doc.file, page.doc.body_start);
    bound().filter_map(move |(r, key)| {
        let span = r.span.start + start..r.span.end + start;
        // A reference from an entity's own body to itself: on its page it
        // is a link that goes nowhere, and it counts for nothing in
        // "Mentioned in" (which is why the unreferenced check ignores it
        // too).
        if page.page == PageId::Entity(key) {
            let (kind, id) = (key.kind.as_str(), briefing.id(key));
            let message = format!("{kind} `{id}` references itself");
            let help = "write the name as plain text: the page is already about it";
            let label = "a link to the page it is on";
            let warning = Diagnostic::warning("self-reference", file, span, message);
            return Some(warning.with_label(label).with_help(help));
        }
        let speaker = relations.quote_speaker.get(key.index).copied().flatten();
        let index = speaker.filter(|_| key.kind == Kind::Quote)?;
        let kind = Kind::Party;
        let speaker = EntityKey { kind, index };
        // On the speaker's own page, the page names the speaker.
        let nearby = page.page == PageId::Entity(speaker)
            || bound().any(|(other, key)| {
                key == speaker && (other.block == r.block || other.block + 1 == r.block)
            });
        (!nearby).then(|| {
            let quote = briefing.id(key);
            let message = format!("the speaker of quote `{quote}` is not named nearby");
            let help = format!(
                "reference the speaker in this paragraph or the one before, e.g. `[]({})`",
                briefing.key_string(speaker)
            );
            let warning = Diagnostic::warning("speaker-not-linked", file, span, message);
            warning.with_label("quote referenced here").with_help(help)
        })
    })
}

/// For each of `len` targets, the positions of the lists in `lists` that
/// name it, in order.
fn invert<'a, T: IntoIterator<Item = &'a usize>>(
    len: usize,
    lists: impl IntoIterator<Item = T>,
) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); len];
    for (from, targets) in lists.into_iter().enumerate() {
        for &to in targets {
            out[to].push(from);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EntityKey;

    use crate::test_site::compile;

    #[test]
    fn a_party_named_only_in_a_clause_is_not_unreferenced() {
        let clause = (
            "clauses/fee.md",
            "+++\ntitle = \"Fee\"\nstatus = \"added\"\nparties = [\"a\"]\nafter = \"F\"\n+++\n",
        );
        let section = (
            "sections/01-s.md",
            "+++\ntitle = \"S\"\n+++\n[](clause:fee)\n",
        );
        let lonely = (
            "parties/c.md",
            "+++\nname = \"C\"\nkind = \"company\"\n+++\n",
        );
        let found = compile(&[PARTY_A, lonely, clause, section]).diagnostics;
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages, ["party `c` is never referenced"]);
    }

    const PARTY_A: (&str, &str) = (
        "parties/a.md",
        "+++\nname = \"A\"\nkind = \"company\"\n+++\n",
    );
    const PARTY_B: (&str, &str) = (
        "parties/b.md",
        "+++\nname = \"B\"\nkind = \"person\"\naffiliation = \"a\"\n+++\n",
    );
    const QUOTE: (&str, &str) = (
        "quotes/q.md",
        "+++\nspeaker = \"b\"\ntext = \"x\"\nkind = \"direct\"\nabout = [\"a\"]\n+++\n",
    );

    fn party(c: &crate::Compiled, id: &str) -> EntityKey {
        c.site.as_ref().unwrap().0.lookup(Kind::Party, id).unwrap()
    }

    #[test]
    fn labels_follow_the_first_mention_in_reading_order() {
        let c = compile(&[
            PARTY_A,
            PARTY_B,
            QUOTE,
            (
                "sections/01-one.md",
                "+++\ntitle = \"One\"\n+++\n[](party:b) said [](quote:q).\n",
            ),
            (
                "sections/02-two.md",
                "+++\ntitle = \"Two\"\n+++\n[](party:a)\n",
            ),
        ]);
        let graph = &c.site.as_ref().unwrap().1;
        assert_eq!(graph.label(party(&c, "b")).as_deref(), Some("P1"));
        assert_eq!(graph.label(party(&c, "a")).as_deref(), Some("P2"));
        assert_eq!(
            *graph.numbered(Kind::Party),
            [party(&c, "b"), party(&c, "a")]
        );
    }

    #[test]
    fn relations_come_from_front_matter() {
        let c = compile(&[
            PARTY_A,
            PARTY_B,
            QUOTE,
            (
                "sections/01-one.md",
                "+++\ntitle = \"One\"\n+++\n[](party:a) [](party:b) [](quote:q)\n",
            ),
        ]);
        let graph = &c.site.as_ref().unwrap().1;
        let (a, b) = (party(&c, "a"), party(&c, "b"));
        assert_eq!(graph.party_people[a.index], [b.index]);
        assert_eq!(graph.party_quotes[b.index], [0]);
        assert_eq!(graph.party_quoted_in[a.index], [0]);
        assert_eq!(graph.mentions_of(a).count(), 1);
        assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    }

    #[test]
    fn warns_about_an_entity_that_references_itself() {
        let c = compile(&[
            (
                "parties/a.md",
                "+++\nname = \"A\"\nkind = \"company\"\n+++\nAbout [A](party:a).\n",
            ),
            (
                "sections/01-one.md",
                "+++\ntitle = \"One\"\n+++\n[](party:a), see [](section:one).\n",
            ),
        ]);
        let found: Vec<(&str, &str)> = c
            .diagnostics
            .iter()
            .map(|d| (d.code, d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("self-reference", "party `a` references itself"),
                ("self-reference", "section `one` references itself"),
            ]
        );
    }

    #[test]
    fn warns_about_unreferenced_entities_and_far_away_speakers() {
        let c = compile(&[
            PARTY_A,
            PARTY_B,
            QUOTE,
            (
                "sections/01-one.md",
                "+++\ntitle = \"One\"\n+++\n[](party:b)\n\nText.\n\n[](quote:q)\n",
            ),
        ]);
        let codes: Vec<&str> = c.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["unreferenced", "speaker-not-linked"]);
        assert!(
            c.diagnostics
                .iter()
                .all(|d| d.severity == crate::Severity::Warning)
        );
    }
}
