//! Binding ids to entities: the ids front matter names (`speaker`, `parties`,
//! `clauses`, `about`, `affiliation`, `source`) and the references a body makes.
//!
//! Resolution never fails: it returns what it could bind together with a
//! diagnostic, with a did-you-mean from ids of the same kind, for everything it
//! could not.

use std::ops::Range;

use toml::Spanned;

use crate::annotate::{Flaw, Place, RawRef};
use crate::diagnostics::{Diagnostic, FileId, NOT_LOADED, suggest};
use crate::model::{Briefing, Doc, EntityKey, Kind, Status};

/// The code of the error for an id that names no entity, by [`Kind`].
pub const UNKNOWN: [&str; 5] = [
    "unknown-section",
    "unknown-party",
    "unknown-clause",
    "unknown-quote",
    "unknown-event",
];

/// The links between entities that front matter declares.
#[derive(Debug, Clone, Default)]
pub struct Relations {
    pub clause_parties: Vec<Vec<usize>>,
    pub quote_speaker: Vec<Option<usize>>,
    pub quote_about: Vec<Vec<EntityKey>>,
    pub party_affiliation: Vec<Option<usize>>,
    pub event_parties: Vec<Vec<usize>>,
    pub event_clauses: Vec<Vec<usize>>,
}

/// Checks every id named in front matter and the clause rules that depend on
/// `status`, returning the relations that could be bound.
pub fn relations(briefing: &Briefing) -> (Relations, Vec<Diagnostic>) {
    let mut relations = Relations::default();
    let out = Vec::new();
    let mut cx = Cx { briefing, out };
    for party in &briefing.parties {
        let affiliation = party.meta.affiliation.as_ref();
        let bound = affiliation.and_then(|a| cx.bind(Kind::Party, a, party.doc, "affiliation"));
        relations.party_affiliation.push(bound);
    }
    for clause in &briefing.clauses {
        let (meta, doc) = (&clause.meta, clause.doc);
        let parties = meta.parties.get_ref().iter();
        let parties = parties.filter_map(|p| cx.bind(Kind::Party, p, doc, "parties"));
        relations.clause_parties.push(parties.collect());
        if meta.parties.get_ref().is_empty() {
            let span = shift(doc, meta.parties.span());
            let message = "a clause needs at least one party";
            let help =
                "name the parties bound by this term, e.g. `parties = [\"microsoft\", \"openai\"]`";
            let error = Diagnostic::error("missing-key", doc.file, span, message);
            cx.out.push(error.with_label("empty list").with_help(help));
        }
        if meta.before.is_none() && meta.status != Status::Added {
            cx.out.push(missing_side(doc, "before", meta.status));
        }
        if meta.after.is_none() && meta.status != Status::Removed {
            cx.out.push(missing_side(doc, "after", meta.status));
        }
        cx.check_source(&meta.source, doc);
    }
    for quote in &briefing.quotes {
        let (meta, doc) = (&quote.meta, quote.doc);
        // A blank speaker is `load`'s to report, as a key left to fill in.
        let speaker = Some(&meta.speaker).filter(|s| !s.get_ref().trim().is_empty());
        let speaker = speaker.and_then(|s| cx.bind(Kind::Party, s, doc, "speaker"));
        relations.quote_speaker.push(speaker);
        let about = (meta.about.iter()).filter_map(|a| cx.bind_about(a, doc));
        relations.quote_about.push(about.collect());
        cx.check_source(&meta.source, doc);
    }
    for event in &briefing.events {
        let (meta, doc) = (&event.meta, event.doc);
        let parties = (meta.parties.iter()).filter_map(|p| cx.bind(Kind::Party, p, doc, "parties"));
        relations.event_parties.push(parties.collect());
        let clauses = meta.clauses.iter();
        let clauses = clauses.filter_map(|c| cx.bind(Kind::Clause, c, doc, "clauses"));
        relations.event_clauses.push(clauses.collect());
        cx.check_source(&meta.source, doc);
    }
    for section in &briefing.sections {
        cx.check_source(&section.meta.source, section.doc);
    }
    (relations, cx.out)
}

/// Binds the references of one body (scanned from `doc`) to entities. Each
/// result lines up with `refs`; None where a diagnostic was produced.
pub fn references(
    briefing: &Briefing,
    doc: Doc,
    refs: &[RawRef],
) -> (Vec<Option<EntityKey>>, Vec<Diagnostic>) {
    let out = Vec::new();
    let mut cx = Cx { briefing, out };
    let bound = refs
        .iter()
        .map(|r| {
            let span = r.span.start + doc.body_start..r.span.end + doc.body_start;
            if let Some(flaw) = &r.flaw {
                cx.out.push(flawed(doc.file, span, r, flaw));
                return None;
            }
            let key = cx.lookup(r.kind, &r.id, doc.file, span.clone(), None)?;
            let (kind, id) = (r.kind.as_str(), &r.id);
            let misplaced = |place: &str| {
                (
                    format!("a card cannot be embedded in {place}"),
                    format!("put `![]({kind}:{id})` on a line of its own, or link with `[]({kind}:{id})`"),
                )
            };
            let (message, help) = match r.place {
                _ if !r.embed => return Some(key),
                _ if !r.kind.can_embed() => (
                    format!("a {kind} cannot be embedded as a card"),
                    format!("only quotes, clauses and events embed; link to it instead: `[]({kind}:{id})`"),
                ),
                Place::Flow => return Some(key),
                Place::Heading => misplaced("a heading"),
                Place::TableCell => misplaced("a table cell"),
                Place::LinkText => misplaced("a link's text"),
            };
            let error = Diagnostic::error("bad-embed", doc.file, span, message);
            cx.out.push(error.with_label("embedded here").with_help(help));
            None
        })
        .collect();
    (bound, cx.out)
}

/// The error for a link that is no reference but must not be published.
fn flawed(file: FileId, span: Range<usize>, r: &RawRef, flaw: &Flaw) -> Diagnostic {
    let (code, message, label, help) = match flaw {
        Flaw::Script(scheme) => (
            "script-link",
            format!("a `{scheme}` link runs script in the reader's browser"),
            "this link",
            "link to a page instead (`https://…`), or remove the link".to_string(),
        ),
        Flaw::Misspelt(written) => (
            "unknown-kind",
            format!("`{written}:` is not a kind of reference"),
            "would be a dead link",
            format!(
                "did you mean `{kind}:`? write `{kind}:{}`; the kinds are `party:`, `clause:`, `quote:`, `event:` and `section:`",
                r.id,
                kind = r.kind.as_str()
            ),
        ),
    };
    let error = Diagnostic::error(code, file, span, message);
    error.with_label(label).with_help(help)
}

/// What binds ids: the briefing, and the diagnostics for ids it cannot bind.
struct Cx<'a> {
    briefing: &'a Briefing,
    out: Vec<Diagnostic>,
}

impl Cx<'_> {
    /// Binds the id of a `kind` named under the front-matter `key` (spans
    /// relative to the front matter) to its index.
    fn bind(&mut self, kind: Kind, id: &Spanned<String>, doc: Doc, key: &str) -> Option<usize> {
        let span = shift(doc, id.span());
        let found = self.lookup(kind, id.get_ref(), doc.file, span, Some(key))?;
        Some(found.index)
    }

    /// Binds `id`, written under the front-matter key `key`, or in a body
    /// when that is None. Where it was written decides the label under the
    /// caret and the hint when the id names an entity of another kind (in a
    /// body the kind is the author's to change; under a key, the key decides
    /// it).
    fn lookup(
        &mut self,
        kind: Kind,
        id: &str,
        file: FileId,
        span: Range<usize>,
        key: Option<&str>,
    ) -> Option<EntityKey> {
        if let Some(found) = self.briefing.lookup(kind, id) {
            return Some(found);
        }
        let label = match key {
            None => "referenced here".to_string(),
            Some(key) => format!("named in `{key}`"),
        };
        if let Some(message) = self.not_loaded(kind, id) {
            let error = Diagnostic::error(NOT_LOADED, file, span, message);
            self.out.push(error.with_label(label));
            return None;
        }
        let name = kind.as_str();
        // Without a near miss, an entity of another kind with this id may
        // be the one meant.
        let other = (Kind::ALL.into_iter())
            .find(|&k| k != kind && self.briefing.lookup(k, id).is_some())
            .map(Kind::as_str);
        let help = match (suggest(id, self.briefing.ids(kind)), other, key) {
            (Some(near), _, _) => format!("did you mean `{near}`?"),
            (None, Some(other), None) => format!("`{id}` is a {other}: write `{other}:{id}`"),
            (None, Some(other), Some(_)) => {
                format!("`{id}` is a {other}, but this key takes a {name}")
            }
            (None, None, _) => {
                let dir = kind.dir();
                format!("create content/{dir}/{id}.md (`brief new {name} {id}`)")
            }
        };
        let message = match id.is_empty() {
            true => format!("a {name} reference needs an id after `{name}:`"),
            false => format!("unknown {name} `{id}`"),
        };
        let error = Diagnostic::error(UNKNOWN[kind as usize], file, span, message);
        self.out.push(error.with_label(label).with_help(help));
        None
    }

    /// `about` accepts `party:x`, `clause:x` or a bare id that names exactly one
    /// of a party and a clause.
    fn bind_about(&mut self, item: &Spanned<String>, doc: Doc) -> Option<EntityKey> {
        let span = shift(doc, item.span());
        let value = item.get_ref();
        let named = "named in `about`";
        // Each way `value` can fail gives the code, message, label and help
        // of its error.
        let party = self.briefing.lookup(Kind::Party, value);
        let clause = self.briefing.lookup(Kind::Clause, value);
        let (code, message, label, help) = match (value.split_once(':'), party, clause) {
            (Some((prefix, id)), _, _) => match Kind::from_prefix(prefix) {
                Some(kind @ (Kind::Party | Kind::Clause)) => {
                    return self.lookup(kind, id, doc.file, span, Some("about"));
                }
                _ => (
                    "bad-about",
                    format!("`about` takes parties and clauses, not `{prefix}:`"),
                    "here",
                    Some("write `party:ID`, `clause:ID` or a bare id".to_string()),
                ),
            },
            (None, Some(key), None) | (None, None, Some(key)) => return Some(key),
            (None, Some(_), Some(_)) => (
                "ambiguous-id",
                format!("`{value}` names both a party and a clause"),
                "ambiguous",
                Some(format!("write `party:{value}` or `clause:{value}`")),
            ),
            (None, None, None) => {
                let mut kinds = [Kind::Party, Kind::Clause].into_iter();
                let ids = (self.briefing.ids(Kind::Party)).chain(self.briefing.ids(Kind::Clause));
                match kinds.find_map(|kind| self.not_loaded(kind, value)) {
                    Some(message) => (NOT_LOADED, message, named, None),
                    None => (
                        "unknown-id",
                        format!("no party or clause has the id `{value}`"),
                        named,
                        suggest(value, ids).map(|s| format!("did you mean `{s}`?")),
                    ),
                }
            }
        };
        let error = Diagnostic::error(code, doc.file, span, message).with_label(label);
        self.out.push(error.with_help_opt(help));
        None
    }

    /// The message for an id of an entity whose file exists but has an
    /// error of its own, which is the one to fix (and is reported before
    /// this one). None when `id` is simply unknown.
    fn not_loaded(&self, kind: Kind, id: &str) -> Option<String> {
        let path = self.briefing.unloaded.get(&(kind, id.to_string()))?;
        let kind = kind.as_str();
        let message = format!("{kind} `{id}` could not be loaded: see the error in {path}");
        Some(message)
    }

    fn check_source(&mut self, source: &Option<Spanned<String>>, doc: Doc) {
        let Some(source) = source else { return };
        let id = source.get_ref();
        if self.briefing.config.source(id).is_some() {
            return;
        }
        let sources = &self.briefing.config.sources;
        let ids = sources.iter().map(|s| s.id.get_ref().as_str());
        let help = match suggest(id, ids) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "add it to briefing.toml as `[[sources]]` with this `id`".to_string(),
        };
        let message = format!("unknown source `{id}`");
        let span = shift(doc, source.span());
        let error = Diagnostic::error("unknown-source", doc.file, span, message);
        self.out
            .push(error.with_label("named in `source`").with_help(help));
    }
}

fn shift(doc: Doc, span: Range<usize>) -> Range<usize> {
    doc.meta_start + span.start..doc.meta_start + span.end
}

fn missing_side(doc: Doc, key: &str, status: Status) -> Diagnostic {
    let tense = if key == "before" { "was" } else { "is" };
    let opening = doc.meta_start.saturating_sub(4);
    let message = format!("a clause with status `{}` needs `{key}`", status.as_str());
    let help = format!("add `{key} = \"...\"` saying what the term {tense} {key} the change");
    let error = Diagnostic::error("missing-key", doc.file, opening..opening + 3, message);
    error.with_label("in this front matter").with_help(help)
}

#[cfg(test)]
mod tests {
    use crate::test_site::compile;

    const PARTY: (&str, &str) = (
        "parties/x.md",
        "+++\nname = \"X\"\nkind = \"company\"\n+++\n",
    );
    const CLAUSE: (&str, &str) = (
        "clauses/x.md",
        "+++\ntitle = \"X\"\nstatus = \"added\"\nparties = [\"x\"]\nafter = \"y\"\n+++\n",
    );

    fn errors(files: &[(&str, &str)]) -> Vec<(&'static str, String)> {
        let c = compile(files);
        c.diagnostics
            .into_iter()
            .filter(|d| d.severity == crate::Severity::Error)
            .map(|d| (d.code, d.message))
            .collect()
    }

    #[test]
    fn a_bare_about_id_naming_a_party_and_a_clause_is_ambiguous() {
        let quote = (
            "quotes/q.md",
            "+++\nspeaker = \"x\"\ntext = \"t\"\nkind = \"direct\"\nabout = [\"x\"]\n+++\n",
        );
        assert_eq!(
            errors(&[PARTY, CLAUSE, quote]),
            [(
                "ambiguous-id",
                "`x` names both a party and a clause".to_string()
            )]
        );
        let prefixed = (
            "quotes/q.md",
            "+++\nspeaker = \"x\"\ntext = \"t\"\nkind = \"direct\"\nabout = [\"clause:x\"]\n+++\n",
        );
        assert_eq!(errors(&[PARTY, CLAUSE, prefixed]), []);
    }

    #[test]
    fn clause_sides_follow_status() {
        let removed = (
            "clauses/r.md",
            "+++\ntitle = \"R\"\nstatus = \"removed\"\nparties = [\"x\"]\n+++\n",
        );
        assert_eq!(
            errors(&[PARTY, removed]),
            [(
                "missing-key",
                "a clause with status `removed` needs `before`".to_string()
            )]
        );
    }

    #[test]
    fn body_references_bind_or_suggest() {
        let section = (
            "sections/01-s.md",
            "+++\ntitle = \"S\"\n+++\n[](party:x) [](party:xx) ![](party:x)\n",
        );
        let found = compile(&[PARTY, section]).diagnostics;
        let codes: Vec<&str> = found.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["unknown-party", "bad-embed"]);
        assert_eq!(found[0].help.as_deref(), Some("did you mean `x`?"));
    }
}
