//! From source text to a [`Briefing`]: front matter parsed into typed entities,
//! ids checked for syntax and uniqueness, sections put in reading order.
//!
//! Every problem becomes a diagnostic and loading carries on with what it could
//! read, so one build reports every mistake. Cross-entity ids named in front
//! matter (`speaker`, `parties`, …) are checked later, by `resolve`.

use std::collections::BTreeSet;
use std::ops::Range;

use rustc_hash::FxHashMap;

use rayon::prelude::*;
use serde::de::DeserializeOwned;

use crate::annotate;
use crate::config::{Config, SourceRef};
use crate::date::Date;
use crate::diagnostics::{Diagnostic, FileId, Files};
use crate::frontmatter;
use crate::model::{
    Briefing, Clause, Doc, Entity, IndexMeta, Kind, Party, Quote, Section, Status, is_valid_id,
    slugify,
};
use crate::source::{ContentFile, Slot, Sources};

/// Builds the briefing from the sources; `None` when `briefing.toml` itself
/// cannot be read, since nothing else can be built without a title.
pub fn load(sources: &Sources) -> (Option<Briefing>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let files = &sources.files;
    let config = parse_config(files, sources.config_file, &mut diagnostics);

    // Each file's front matter is parsed on its own, in parallel; what
    // they give is gathered in the walk's order.
    let loaded: Vec<(Loaded, Vec<Diagnostic>)> = (sources.content.par_iter())
        .map(|content| {
            let mut diagnostics = Vec::new();
            let loaded = load_one(files, content, &mut diagnostics);
            (loaded, diagnostics)
        })
        .collect();
    let mut front = None;
    let mut sections: Vec<(SectionOrder, Section)> = Vec::new();
    let (mut parties, mut clauses, mut quotes) = (Vec::new(), Vec::new(), Vec::new());
    let mut unloaded = FxHashMap::default();
    for (loaded, found) in loaded {
        diagnostics.extend(found);
        match loaded {
            Loaded::Failed(kind, id, file) => {
                let path = files.path(file).display().to_string();
                unloaded.insert((kind, id), path);
            }
            Loaded::Front(doc) => front = Some(doc),
            Loaded::Section(order, section) => sections.push((order, section)),
            Loaded::Party(party) => parties.push(party),
            Loaded::Clause(clause) => clauses.push(clause),
            Loaded::Quote(quote) => quotes.push(quote),
            Loaded::Nothing => {}
        }
    }
    sections.sort_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.id.cmp(&y.id)));
    let sections: Vec<Section> = sections.into_iter().map(|(_, s)| s).collect();
    check_duplicates(files, Kind::Section, &sections, &mut diagnostics);
    check_duplicates(files, Kind::Party, &parties, &mut diagnostics);
    check_duplicates(files, Kind::Clause, &clauses, &mut diagnostics);
    check_duplicates(files, Kind::Quote, &quotes, &mut diagnostics);
    parties.sort_by(|a, b| a.id.cmp(&b.id));
    clauses.sort_by(|a, b| a.id.cmp(&b.id));
    quotes.sort_by(|a, b| a.id.cmp(&b.id));
    let briefing = config.map(|config| {
        let mut briefing = Briefing::new(
            config,
            sources.config_file,
            front,
            sections,
            parties,
            clauses,
            quotes,
        );
        // A duplicate id is loaded once, so it is not missing.
        unloaded.retain(|(kind, id): &(Kind, String), _| briefing.lookup(*kind, id).is_none());
        briefing.unloaded = unloaded;
        briefing
    });
    (briefing, diagnostics)
}

/// What one content file gives the briefing.
enum Loaded {
    Front(Doc),
    Section(SectionOrder, Section),
    Party(Party),
    Clause(Clause),
    Quote(Quote),
    /// An entity with a valid id whose front matter could not be read: its
    /// diagnostics say why, and references to it are told to look there.
    Failed(Kind, String, FileId),
    /// Nothing usable: its diagnostics say why.
    Nothing,
}

/// Parses one content file's front matter into what it gives.
fn load_one(files: &Files, content: &ContentFile, diagnostics: &mut Vec<Diagnostic>) -> Loaded {
    let text = files.text(content.file);
    // An entity's kind, section number and id; None for the front page.
    let entity = match content.slot {
        Slot::Entity(Kind::Section) => Some((Kind::Section, section_order(&content.stem))),
        Slot::Entity(kind) => Some((kind, (None, content.stem.clone()))),
        Slot::Front => None,
    };
    // What a file that fails to load leaves behind: its id, if it has a
    // valid one, so that references to it point here.
    let failed = || match &entity {
        Some((kind, (_, id))) if is_valid_id(id) => Loaded::Failed(*kind, id.clone(), content.file),
        _ => Loaded::Nothing,
    };
    let split = match frontmatter::split(content.file, text) {
        Ok(split) => split,
        Err(d) => {
            diagnostics.push(d);
            return failed();
        }
    };
    let meta_start = split.toml.as_ref().map_or(0, |t| t.start);
    let doc = Doc {
        file: content.file,
        meta_start,
        body_start: split.body_start,
    };
    let Some((kind, (order, id))) = entity.clone() else {
        if let Err(d) = frontmatter::parse::<IndexMeta>(content.file, text, &split) {
            diagnostics.push(d);
        }
        return Loaded::Front(doc);
    };
    if !check_id(content, &id, diagnostics) {
        return Loaded::Nothing;
    }
    if let Some(d) = reserved_id(content, kind, &id) {
        diagnostics.push(d);
        return failed();
    }
    let fill = Fill {
        file: content.file,
        text,
        split: &split,
    };
    let result = match kind {
        Kind::Section => parse(content, text, &split, id, doc).map(|mut s: Section| {
            let order = match (s.meta.weight, order) {
                (Some(w), _) | (None, Some(w)) => SectionOrder::Ranked(w),
                (None, None) => SectionOrder::Last,
            };
            fill.section(&mut s, diagnostics);
            Loaded::Section(order, s)
        }),
        Kind::Party => parse(content, text, &split, id, doc).map(|mut p: Party| {
            fill.party(&mut p, diagnostics);
            Loaded::Party(p)
        }),
        Kind::Clause => parse(content, text, &split, id, doc).map(|mut c: Clause| {
            fill.clause(&mut c, diagnostics);
            Loaded::Clause(c)
        }),
        Kind::Quote => parse(content, text, &split, id, doc).map(|q: Quote| {
            fill.quote(&q, diagnostics);
            Loaded::Quote(q)
        }),
    };
    result.unwrap_or_else(|d| {
        diagnostics.push(d);
        failed()
    })
}

/// The checks of what front matter says that its types cannot make: text
/// a page needs left blank, as `brief new` leaves some for the author to
/// fill (`text = ""`), and a clause that ends before it takes effect.
/// Optional text left blank counts as absent, so that it never shows as an
/// empty heading or line.
struct Fill<'a> {
    file: FileId,
    text: &'a str,
    split: &'a frontmatter::Split,
}

impl Fill<'_> {
    fn section(&self, section: &mut Section, out: &mut Vec<Diagnostic>) {
        let meta = &mut section.meta;
        drop_blank(&mut meta.summary);
        let help = "give the section the title its page shows";
        self.required("title", &meta.title, help, out);
    }

    fn party(&self, party: &mut Party, out: &mut Vec<Diagnostic>) {
        let meta = &mut party.meta;
        drop_blank(&mut meta.role);
        drop_blank(&mut meta.position);
        let help = "write the party's name as readers should see it";
        self.required("name", &meta.name, help, out);
    }

    fn clause(&self, clause: &mut Clause, out: &mut Vec<Diagnostic>) {
        let meta = &mut clause.meta;
        drop_blank(&mut meta.agreement);
        // A side the status does not need may be left blank, as `brief new`
        // writes it; one it needs is required, and its absence is `resolve`'s
        // to report.
        if meta.status == Status::Added {
            drop_blank(&mut meta.before);
        }
        if meta.status == Status::Removed {
            drop_blank(&mut meta.after);
        }
        let help = "give the term a short title, e.g. \"Revenue share\"";
        self.required("title", &meta.title, help, out);
        if let Some(before) = &meta.before {
            let help = "say what the term was before the change (or set `status = \"added\"`)";
            self.required("before", before, help, out);
        }
        if let Some(after) = &meta.after {
            let help = "say what the term is after the change (or set `status = \"removed\"`)";
            self.required("after", after, help, out);
        }
        if let (Some(effective), Some(until)) = (&meta.effective, &meta.until)
            && ends(until) < starts(effective)
        {
            let span = self.span("until");
            out.push(
                Diagnostic::error(
                    "date-order",
                    self.file,
                    span,
                    format!("the clause ends (`until`, {until}) before it takes effect (`effective`, {effective})"),
                )
                .with_label("before `effective`")
                .with_help("check both dates: `until` is when the term stops applying, `effective` when it starts"),
            );
        }
    }

    fn quote(&self, quote: &Quote, out: &mut Vec<Diagnostic>) {
        let meta = &quote.meta;
        let help = "name who said it by the party's id, e.g. `speaker = \"openai\"`";
        self.required("speaker", meta.speaker.get_ref(), help, out);
        let help = "write the words said (with `kind = \"paraphrase\"`, what was said)";
        self.required("text", &meta.text, help, out);
    }

    /// Reports the required `key` if its `value` is blank, at the value,
    /// with `help` saying what to write there.
    fn required(&self, key: &str, value: &str, help: &str, out: &mut Vec<Diagnostic>) {
        if !value.trim().is_empty() {
            return;
        }
        out.push(
            Diagnostic::error(
                "empty-value",
                self.file,
                self.span(key),
                format!("`{key}` is empty: fill it in"),
            )
            .with_label("empty")
            .with_help(help),
        );
    }

    /// Where the value of `key` is written, or the front matter's opening.
    fn span(&self, key: &str) -> Range<usize> {
        let spans = frontmatter::value_spans(self.text, self.split);
        spans
            .get(key)
            .cloned()
            .unwrap_or(self.split.opening.clone())
    }
}

fn drop_blank(text: &mut Option<String>) {
    if text.as_deref().is_some_and(|t| t.trim().is_empty()) {
        *text = None;
    }
}

/// The first and last day a date can mean, as (year, month, day): "2030"
/// runs from 1 January to 31 December.
fn starts(date: &Date) -> (u16, u8, u8) {
    (
        date.year(),
        date.month().unwrap_or(1),
        date.day().unwrap_or(1),
    )
}

fn ends(date: &Date) -> (u16, u8, u8) {
    (
        date.year(),
        date.month().unwrap_or(12),
        date.day().unwrap_or(31),
    )
}

/// Sections with a number come first, by number; the rest follow by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum SectionOrder {
    Ranked(i64),
    Last,
}

/// `03-enterprise` → (Some(3), "enterprise"); `intro` → (None, "intro").
pub(crate) fn section_order(stem: &str) -> (Option<i64>, String) {
    if let Some((number, rest)) = stem.split_once('-')
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
        && !rest.is_empty()
        && let Ok(n) = number.parse::<i64>()
    {
        return (Some(n), rest.to_string());
    }
    (None, stem.to_string())
}

fn check_id(content: &ContentFile, id: &str, diagnostics: &mut Vec<Diagnostic>) -> bool {
    if is_valid_id(id) {
        return true;
    }
    let suggestion = slugify(id);
    let help = if suggestion.is_empty() {
        "ids use lowercase letters a-z, digits and hyphens, starting with a letter or digit"
            .to_string()
    } else {
        format!("rename the file so its id reads `{suggestion}`")
    };
    diagnostics.push(
        Diagnostic::error(
            "invalid-id",
            content.file,
            0..0,
            format!("`{id}` is not a valid id"),
        )
        .with_label("in this file's name")
        .with_help(help),
    );
    false
}

/// An id whose page would be written over another: `parties/index.html`
/// is the parties' index, so no party may be called `index` (nor may a
/// clause or a quote). Sections have no index page, so `index` is theirs
/// to use.
fn reserved_id(content: &ContentFile, kind: Kind, id: &str) -> Option<Diagnostic> {
    let (name, dir) = (kind.as_str(), kind.dir());
    (kind != Kind::Section && id == "index").then(|| {
        Diagnostic::error(
            "reserved-id",
            content.file,
            0..0,
            format!("a {name} cannot have the id `index`: `{dir}/index.html` is the list of every {name}"),
        )
        .with_label("in this file's name")
        .with_help(format!("rename the file, e.g. `content/{dir}/{name}-index.md`"))
    })
}

fn parse<M: DeserializeOwned>(
    content: &ContentFile,
    text: &str,
    split: &frontmatter::Split,
    id: String,
    doc: Doc,
) -> Result<Entity<M>, Diagnostic> {
    let meta = frontmatter::parse(content.file, text, split)?;
    Ok(Entity { id, meta, doc })
}

fn parse_config(files: &Files, file: FileId, diagnostics: &mut Vec<Diagnostic>) -> Option<Config> {
    let text = files.text(file);
    match toml::from_str::<Config>(text) {
        Ok(config) => {
            let mut seen = BTreeSet::new();
            for source in &config.sources {
                let id = source.id.get_ref();
                if !is_valid_id(id) {
                    diagnostics.push(
                        Diagnostic::error(
                            "invalid-id",
                            file,
                            source.id.span(),
                            format!("`{id}` is not a valid source id"),
                        )
                        .with_label("here")
                        .with_help(format!(
                            "ids use lowercase letters, digits and hyphens, e.g. `{}`",
                            slugify(id)
                        )),
                    );
                }
                if !seen.insert(id) {
                    diagnostics.push(
                        Diagnostic::error(
                            "duplicate-id",
                            file,
                            source.id.span(),
                            format!("two sources have the id `{id}`"),
                        )
                        .with_label("second use"),
                    );
                }
            }
            let script = |s: &SourceRef| s.url.as_deref().and_then(annotate::script_scheme);
            if config.sources.iter().any(|s| script(s).is_some()) {
                script_urls(text, file, diagnostics);
            }
            Some(config)
        }
        Err(err) => {
            let span = err.span().unwrap_or(0..0);
            diagnostics.push(frontmatter::toml_diagnostic(
                file,
                span,
                err.message(),
                false,
            ));
            None
        }
    }
}

/// Reports each `[[sources]] url` that would run script. The urls are read
/// again with their spans, which only a briefing.toml with such a url pays for.
fn script_urls(text: &str, file: FileId, diagnostics: &mut Vec<Diagnostic>) {
    #[derive(serde::Deserialize)]
    struct Urls {
        #[serde(default)]
        sources: Vec<Url>,
    }
    #[derive(serde::Deserialize)]
    struct Url {
        url: Option<toml::Spanned<String>>,
    }
    let Ok(urls) = toml::from_str::<Urls>(text) else {
        return;
    };
    for url in urls.sources.iter().filter_map(|s| s.url.as_ref()) {
        if let Some(scheme) = annotate::script_scheme(url.get_ref()) {
            diagnostics.push(
                Diagnostic::error(
                    "script-link",
                    file,
                    url.span(),
                    format!("a `{scheme}` url runs script in the reader's browser"),
                )
                .with_label("this url")
                .with_help("give the source's web address (`https://…`), or leave `url` out"),
            );
        }
    }
}

fn check_duplicates<M>(
    files: &Files,
    kind: Kind,
    items: &[Entity<M>],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut first: FxHashMap<&str, FileId> = FxHashMap::default();
    first.reserve(items.len());
    for item in items {
        if let Some(&other) = first.get(item.id.as_str()) {
            diagnostics.push(
                Diagnostic::error(
                    "duplicate-id",
                    item.doc.file,
                    0..0,
                    format!("two {} have the id `{}`", kind.dir(), item.id),
                )
                .with_label("second file with this id")
                .with_help(format!(
                    "{} has the same id; rename one of them",
                    files.path(other).display()
                )),
            );
        } else {
            first.insert(&item.id, item.doc.file);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_numbers_are_stripped() {
        assert_eq!(
            section_order("03-enterprise"),
            (Some(3), "enterprise".into())
        );
        assert_eq!(section_order("intro"), (None, "intro".into()));
        assert_eq!(section_order("03"), (None, "03".into()));
        assert_eq!(section_order("2026-plan"), (Some(2026), "plan".into()));
    }
}
