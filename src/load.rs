//! From source text to a [`Briefing`]: front matter parsed into typed entities,
//! ids checked for syntax and uniqueness, sections put in reading order.
//!
//! Every problem becomes a diagnostic and loading carries on with what it could
//! read, so one build reports every mistake. Cross-entity ids named in front
//! matter (`speaker`, `parties`, …) are checked later, by `resolve`.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use rayon::prelude::*;
use serde::de::DeserializeOwned;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, FileId, Files};
use crate::frontmatter;
use crate::model::{
    Briefing, Clause, Doc, Entity, IndexMeta, Kind, Party, Quote, Section, is_valid_id, slugify,
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
    for (loaded, found) in loaded {
        diagnostics.extend(found);
        match loaded {
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
        Briefing::new(
            config,
            sources.config_file,
            front,
            sections,
            parties,
            clauses,
            quotes,
        )
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
    /// Nothing usable: its diagnostics say why.
    Nothing,
}

/// Parses one content file's front matter into what it gives.
fn load_one(files: &Files, content: &ContentFile, diagnostics: &mut Vec<Diagnostic>) -> Loaded {
    let text = files.text(content.file);
    let split = match frontmatter::split(content.file, text) {
        Ok(split) => split,
        Err(d) => {
            diagnostics.push(d);
            return Loaded::Nothing;
        }
    };
    let meta_start = split.toml.as_ref().map_or(0, |t| t.start);
    let doc = Doc {
        file: content.file,
        meta_start,
        body_start: split.body_start,
    };
    let kind = match content.slot {
        Slot::Front => {
            if let Err(d) = frontmatter::parse::<IndexMeta>(content.file, text, &split) {
                diagnostics.push(d);
            }
            return Loaded::Front(doc);
        }
        Slot::Entity(kind) => kind,
    };
    let (order, id) = match kind {
        Kind::Section => section_order(&content.stem),
        _ => (None, content.stem.clone()),
    };
    if !check_id(content, &id, diagnostics) {
        return Loaded::Nothing;
    }
    let result = match kind {
        Kind::Section => parse(content, text, &split, id, doc).map(|s: Section| {
            let order = match (s.meta.weight, order) {
                (Some(w), _) | (None, Some(w)) => SectionOrder::Ranked(w),
                (None, None) => SectionOrder::Last,
            };
            Loaded::Section(order, s)
        }),
        Kind::Party => parse(content, text, &split, id, doc).map(Loaded::Party),
        Kind::Clause => parse(content, text, &split, id, doc).map(Loaded::Clause),
        Kind::Quote => parse(content, text, &split, id, doc).map(Loaded::Quote),
    };
    result.unwrap_or_else(|d| {
        diagnostics.push(d);
        Loaded::Nothing
    })
}

/// Sections with a number come first, by number; the rest follow by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum SectionOrder {
    Ranked(i64),
    Last,
}

/// `03-enterprise` → (Some(3), "enterprise"); `intro` → (None, "intro").
fn section_order(stem: &str) -> (Option<i64>, String) {
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
            let mut seen = BTreeMap::new();
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
                if seen.insert(id.clone(), ()).is_some() {
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
