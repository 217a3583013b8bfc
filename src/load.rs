//! From source text to a [`Briefing`]: front matter parsed into typed entities,
//! ids checked for syntax and uniqueness, sections put in reading order.
//!
//! Every problem becomes a diagnostic and loading carries on with what it could
//! read, so one build reports every mistake. Cross-entity ids named in front
//! matter (`speaker`, `parties`, …) are checked later, by `resolve`.

use std::any::Any;
use std::collections::BTreeSet;
use std::convert::Infallible;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use rayon::prelude::*;
use serde::de::DeserializeOwned;

use crate::annotate;
use crate::cache::{Cache, digest};
use crate::config::Config;
use crate::date::Date;
use crate::diagnostics::{Diagnostic, FileId, Files};
use crate::frontmatter;
use crate::model::{
    Briefing, ClauseMeta, Doc, Entity, EventMeta, IndexMeta, Kind, PartyMeta, QuoteMeta,
    SectionMeta, Status, is_valid_id, slugify,
};
use crate::source::{ContentFile, Slot, Sources};

/// Builds the briefing from the sources; `None` when `briefing.toml` itself
/// cannot be read, since nothing else can be built without a title.
pub fn load(sources: &Sources, cache: Option<&Cache>) -> (Option<Briefing>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let files = &sources.files;
    let config = parse_config(files, sources.config_file, &mut diagnostics);
    let mut loaded = Briefing::default();
    let front_page = (sources.content.iter()).find(|content| content.slot == Slot::Front);
    loaded.front = front_page.and_then(|content| front(files, content, &mut diagnostics));
    loaded.sections = entities(sources, cache, &mut diagnostics);
    loaded.parties = entities(sources, cache, &mut diagnostics);
    loaded.clauses = entities(sources, cache, &mut diagnostics);
    loaded.quotes = entities(sources, cache, &mut diagnostics);
    loaded.events = entities(sources, cache, &mut diagnostics);
    let briefing = config.map(|config| {
        (loaded.config, loaded.config_file) = (config, sources.config_file);
        let mut briefing = loaded.indexed();
        // A file that did not load keeps its id, when it has one, so that
        // references to it point at its error. An id another file of its
        // kind loaded under is not missing.
        for content in &sources.content {
            let Slot::Entity(kind) = content.slot else {
                continue;
            };
            let (_, id) = number_and_id(kind, &content.stem);
            if is_valid_id(&id) && briefing.lookup(kind, &id).is_none() {
                let path = files.path(content.file).display().to_string();
                briefing.unloaded.insert((kind, id), path);
            }
        }
        briefing
    });
    (briefing, diagnostics)
}

/// The front page's place. Its front matter takes no keys; when it has
/// some, the page is still built.
fn front(files: &Files, content: &ContentFile, diagnostics: &mut Vec<Diagnostic>) -> Option<Doc> {
    let text = files.text(content.file);
    let split = frontmatter::split(content.file, text);
    let split = split.map_err(|d| diagnostics.push(d)).ok()?;
    diagnostics.extend(frontmatter::parse::<IndexMeta>(content.file, text, &split).err());
    Some(doc(content.file, &split))
}

fn doc(file: FileId, split: &frontmatter::Split) -> Doc {
    Doc {
        file,
        meta_start: split.toml.as_ref().map_or(0, |t| t.start),
        body_start: split.body_start,
    }
}

/// The front matter of one kind of entity, and what `load` checks in it
/// that its type cannot make sure of: text a page needs left blank, as
/// `brief new` leaves some for the author to fill (`text = ""`), and a
/// clause that ends before it takes effect. Optional text left blank counts
/// as absent, so that it never shows as an empty heading or line.
trait Meta: DeserializeOwned + Clone + Send + Sync + 'static {
    const KIND: Kind;

    fn check(&mut self, at: &Fill, out: &mut Vec<Diagnostic>);

    /// The place a section's front matter asks for (`weight`).
    fn weight(&self) -> Option<i64> {
        None
    }
}

/// Every entity of `M::KIND`, each file's front matter parsed on its own,
/// in parallel, then in order: sections with a number first, by number,
/// and the rest by id. Two files with one id are an error at the second.
/// `brief serve` keeps each file's outcome while its front matter is as it was.
fn entities<M: Meta>(
    sources: &Sources,
    cache: Option<&Cache>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Entity<M>> {
    let files = &sources.files;
    let loaded: Vec<_> = (sources.content.par_iter())
        .filter(|content| content.slot == Slot::Entity(M::KIND))
        .map(|content| {
            let (number, id) = number_and_id(M::KIND, &content.stem);
            let (entity, found) = parsed::<M>(cache, files, content, id);
            (number, entity, found)
        })
        .collect();
    let mut entities = Vec::new();
    for (number, entity, found) in loaded {
        diagnostics.extend(found);
        entities.extend(entity.map(|entity| (entity.meta.weight().or(number), entity)));
    }
    // Unnumbered (`None`) after numbered.
    entities.sort_by(|(a, x), (b, y)| (a.is_none(), a, &x.id).cmp(&(b.is_none(), b, &y.id)));
    let entities: Vec<Entity<M>> = entities.into_iter().map(|(_, e)| e).collect();
    let mut first: FxHashMap<&str, FileId> = FxHashMap::default();
    for entity in &entities {
        // Each entity has a file of its own: one that is not the first with
        // its id is a duplicate.
        let other = *first.entry(&entity.id).or_insert(entity.doc.file);
        if other != entity.doc.file {
            let message = format!("two {} have the id `{}`", M::KIND.dir(), entity.id);
            let other = files.path(other).display();
            let help = format!("{other} has the same id; rename one of them");
            let error = Diagnostic::error("duplicate-id", entity.doc.file, 0..0, message);
            diagnostics.push(error.with_label("second file with this id").with_help(help));
        }
    }
    entities
}

/// The entity `content` holds under `id`, if its front matter parsed, and
/// what was found in it; kept by `brief serve` under a digest of the file's
/// place, name and front matter: all that parsing reads.
fn parsed<M: Meta>(
    cache: Option<&Cache>,
    files: &Files,
    content: &ContentFile,
    id: String,
) -> Parsed<M> {
    let parse = || {
        let mut found = Vec::new();
        let entity = entity::<M>(files, content, id.clone(), &mut found);
        (entity.map_err(|d| found.push(d)).ok(), found)
    };
    let Some(cache) = cache else {
        return parse();
    };
    let text = files.text(content.file);
    // Front matter that does not split is kept by the whole text.
    let split = frontmatter::split(content.file, text);
    let head = split.map_or(text, |split| &text[..split.body_start]);
    let key = digest(&(M::KIND, content.file, &content.stem, head));
    let Ok(kept) = cache.fronts.get_or_make(key, || {
        Ok::<_, Infallible>(Arc::new(parse()) as Arc<dyn Any + Send + Sync>)
    });
    // The kind is part of the key, so what is kept under it is a `Parsed<M>`.
    let kept = kept.downcast::<Parsed<M>>();
    kept.map_or_else(|_| parse(), Arc::unwrap_or_clone)
}

/// A file's entity, if its front matter parsed, and what was found in it.
type Parsed<M> = (Option<Entity<M>>, Vec<Diagnostic>);

/// The number and the id a content file's name gives: a section's name
/// may start with its number, which is no part of its id.
/// `03-enterprise` → (Some(3), "enterprise"); `intro` → (None, "intro").
pub(crate) fn number_and_id(kind: Kind, stem: &str) -> (Option<i64>, String) {
    if kind == Kind::Section
        && let Some((number, rest)) = stem.split_once('-')
        && number.bytes().all(|b| b.is_ascii_digit())
        && !rest.is_empty()
        && let Ok(n) = number.parse::<i64>()
    {
        return (Some(n), rest.to_string());
    }
    (None, stem.to_string())
}

/// Parses one content file's front matter into an entity with `id`; the
/// checks of what it says go to `out`, and the error that stops it is
/// returned.
fn entity<M: Meta>(
    files: &Files,
    content: &ContentFile,
    id: String,
    out: &mut Vec<Diagnostic>,
) -> Result<Entity<M>, Diagnostic> {
    let (file, text) = (content.file, files.text(content.file));
    let split = &frontmatter::split(file, text)?;
    check_id(file, M::KIND, &id)?;
    let mut meta: M = frontmatter::parse(file, text, split)?;
    meta.check(&Fill { file, text, split }, out);
    let doc = doc(file, split);
    Ok(Entity { id, meta, doc })
}

/// Where a file's front matter is, for [`Meta::check`]'s diagnostics.
struct Fill<'a> {
    file: FileId,
    text: &'a str,
    split: &'a frontmatter::Split,
}

impl Meta for SectionMeta {
    const KIND: Kind = Kind::Section;

    fn check(&mut self, at: &Fill, out: &mut Vec<Diagnostic>) {
        drop_blank(&mut self.summary);
        let help = "give the section the title its page shows";
        at.required("title", &self.title, help, out);
    }

    fn weight(&self) -> Option<i64> {
        self.weight
    }
}

impl Meta for PartyMeta {
    const KIND: Kind = Kind::Party;

    fn check(&mut self, at: &Fill, out: &mut Vec<Diagnostic>) {
        drop_blank(&mut self.role);
        drop_blank(&mut self.position);
        let help = "write the party's name as readers should see it";
        at.required("name", &self.name, help, out);
    }
}

impl Meta for ClauseMeta {
    const KIND: Kind = Kind::Clause;

    fn check(&mut self, at: &Fill, out: &mut Vec<Diagnostic>) {
        drop_blank(&mut self.agreement);
        // A side the status does not need may be left blank, as `brief new`
        // writes it; one it needs is required, and its absence is `resolve`'s
        // to report.
        match self.status {
            Status::Added => drop_blank(&mut self.before),
            Status::Removed => drop_blank(&mut self.after),
            Status::Changed | Status::Unchanged => {}
        }
        let help = "give the term a short title, e.g. \"Revenue share\"";
        at.required("title", &self.title, help, out);
        if let Some(before) = &self.before {
            let help = "say what the term was before the change (or set `status = \"added\"`)";
            at.required("before", before, help, out);
        }
        if let Some(after) = &self.after {
            let help = "say what the term is after the change (or set `status = \"removed\"`)";
            at.required("after", after, help, out);
        }
        if let (Some(effective), Some(until)) = (&self.effective, &self.until)
            && bound(until, (12, 31)) < bound(effective, (1, 1))
        {
            let message = format!(
                "the clause ends (`until`, {until}) before it takes effect (`effective`, {effective})"
            );
            let help = "check both dates: `until` is when the term stops applying, `effective` when it starts";
            let error = at.error("date-order", "until", message);
            out.push(error.with_label("before `effective`").with_help(help));
        }
    }
}

impl Meta for QuoteMeta {
    const KIND: Kind = Kind::Quote;

    fn check(&mut self, at: &Fill, out: &mut Vec<Diagnostic>) {
        let help = "name who said it by the party's id, e.g. `speaker = \"openai\"`";
        at.required("speaker", self.speaker.get_ref(), help, out);
        let help = "write the words said (with `kind = \"paraphrase\"`, what was said)";
        at.required("text", &self.text, help, out);
    }
}

impl Meta for EventMeta {
    const KIND: Kind = Kind::Event;

    fn check(&mut self, at: &Fill, out: &mut Vec<Diagnostic>) {
        let help = "say what happened in a few words, e.g. \"Revised agreement announced\"";
        at.required("title", &self.title, help, out);
    }
}

impl Fill<'_> {
    /// Reports the required `key` if its `value` is blank, at the value,
    /// with `help` saying what to write there.
    fn required(&self, key: &str, value: &str, help: &str, out: &mut Vec<Diagnostic>) {
        if value.trim().is_empty() {
            let error = self.error("empty-value", key, format!("`{key}` is empty: fill it in"));
            out.push(error.with_label("empty").with_help(help));
        }
    }

    /// An error at the value of `key`, or at the front matter's opening
    /// when it has none.
    fn error(&self, code: &'static str, key: &str, message: String) -> Diagnostic {
        let span = frontmatter::value_span(self.text, self.split, key);
        let span = span.unwrap_or_else(|| self.split.opening.clone());
        Diagnostic::error(code, self.file, span, message)
    }
}

fn drop_blank(text: &mut Option<String>) {
    if text.as_deref().is_some_and(|t| t.trim().is_empty()) {
        *text = None;
    }
}

/// The first or the last day `date` can mean, as (year, month, day), with
/// `(month, day)` where it names none: "2030" runs from (1, 1) to (12, 31).
fn bound(date: &Date, (month, day): (u8, u8)) -> (u16, u8, u8) {
    let (month, day) = (date.month().unwrap_or(month), date.day().unwrap_or(day));
    (date.year(), month, day)
}

/// Refuses an id that is not one, and one whose page would be written over
/// another: `parties/index.html` is the parties' index, so no party may be
/// called `index` (nor may a clause or a quote). Sections and events have
/// no index page, so `index` is theirs to use.
fn check_id(file: FileId, kind: Kind, id: &str) -> Result<(), Diagnostic> {
    let error = |code, message: String, help: String| {
        let error = Diagnostic::error(code, file, 0..0, message);
        Err(error.with_label("in this file's name").with_help(help))
    };
    if !is_valid_id(id) {
        let suggestion = slugify(id);
        let help = if suggestion.is_empty() {
            "ids use lowercase letters a-z, digits and hyphens, starting with a letter or digit"
                .to_string()
        } else {
            format!("rename the file so its id reads `{suggestion}`")
        };
        return error("invalid-id", format!("`{id}` is not a valid id"), help);
    }
    if kind.has_index() && id == "index" {
        let (name, dir) = (kind.as_str(), kind.dir());
        let message = format!(
            "a {name} cannot have the id `index`: `{dir}/index.html` is the list of every {name}"
        );
        let help = format!("rename the file, e.g. `content/{dir}/{name}-index.md`");
        return error("reserved-id", message, help);
    }
    Ok(())
}

fn parse_config(files: &Files, file: FileId, diagnostics: &mut Vec<Diagnostic>) -> Option<Config> {
    let config = toml::from_str::<Config>(files.text(file)).map_err(|err| {
        let span = err.span().unwrap_or(0..0);
        let error = frontmatter::toml_diagnostic(file, span, err.message(), false);
        diagnostics.push(error);
    });
    let config = config.ok()?;
    let error = |code, span, message: String| Diagnostic::error(code, file, span, message);
    let mut seen = BTreeSet::new();
    for source in &config.sources {
        let (id, span) = (source.id.get_ref(), source.id.span());
        if !is_valid_id(id) {
            let slug = slugify(id);
            let help = format!("ids use lowercase letters, digits and hyphens, e.g. `{slug}`");
            let message = format!("`{id}` is not a valid source id");
            let invalid = error("invalid-id", span.clone(), message);
            diagnostics.push(invalid.with_label("here").with_help(help));
        }
        if !seen.insert(id) {
            let message = format!("two sources have the id `{id}`");
            diagnostics.push(error("duplicate-id", span, message).with_label("second use"));
        }
        if let Some(url) = &source.url
            && let Some(scheme) = annotate::script_scheme(url.get_ref())
        {
            let message = format!("a `{scheme}` url runs script in the reader's browser");
            let help = "give the source's web address (`https://…`), or leave `url` out";
            let error = error("script-link", url.span(), message);
            diagnostics.push(error.with_label("this url").with_help(help));
        }
    }
    Some(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_numbers_are_stripped() {
        assert_eq!(
            number_and_id(Kind::Section, "03-enterprise"),
            (Some(3), "enterprise".into())
        );
        assert_eq!(
            number_and_id(Kind::Section, "intro"),
            (None, "intro".into())
        );
        assert_eq!(number_and_id(Kind::Section, "03"), (None, "03".into()));
        assert_eq!(
            number_and_id(Kind::Section, "9-to-5"),
            (Some(9), "to-5".into())
        );
        assert_eq!(number_and_id(Kind::Party, "03-x"), (None, "03-x".into()));
        assert_eq!(
            number_and_id(Kind::Section, "2026-plan"),
            (Some(2026), "plan".into())
        );
    }
}
