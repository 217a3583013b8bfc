//! Quotes checked against the copies of their sources kept in `sources/`:
//! a direct quote must stand in its source word for word, and no prose may
//! repeat a long run of a source's words outside a direct quote.
//!
//! Each source named by a `[[sources]] file` is read and indexed once
//! (`index::SourceText`); every direct quote is then looked up in its own
//! source, and every body and front-matter text in every source. Words are
//! compared as `words` normalises them, so whitespace, quotation marks,
//! apostrophes and dashes of any style, and letter case never make a quote
//! differ; an ellipsis stands for words left out. What is found becomes
//! [`Checked`] places for the quotes' pages and diagnostics for the author.
//! This module reads `sources/` and nothing else, and writes nothing.

mod formats;
mod index;
mod read;
mod words;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use rayon::iter::Either;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::diagnostics::{Diagnostic, Files};
use crate::frontmatter;
use crate::model::{Briefing, Checked, Doc, Entity, EntityKey, Kind, QuoteKind, QuoteMeta};
use index::{Change, SourceText, Step};
use words::Word;

/// How many consecutive words of a source make a copied run, unless
/// `briefing.toml` sets `copied_words`.
pub const COPIED_WORDS: usize = 12;

/// Checks every direct quote against its source's copy and every text of
/// the briefing for runs copied from one. Returns where each quote found
/// stands, by quote index, and the diagnostics.
pub fn check(
    root: &Path,
    files: &Files,
    briefing: &Briefing,
) -> (FxHashMap<usize, Checked>, Vec<Diagnostic>) {
    let config = &briefing.config;
    let named: Vec<(&str, &toml::Spanned<String>)> = (config.sources.iter())
        .filter_map(|s| Some((s.id.get_ref().as_str(), s.file.as_ref()?)))
        .collect();
    if named.is_empty() {
        return Default::default();
    }
    let run = config.copied_words.unwrap_or(COPIED_WORDS);
    // Each source read, and each quote checked, is an error or a value;
    // `Either::from` sends the errors left and the values right.
    let (mut diagnostics, texts): (Vec<_>, BTreeMap<_, _>) = named
        .par_iter()
        .map(|&(id, file)| Ok((id, read::read(root, file, briefing.config_file, run)?)))
        .partition_map(Either::from);
    let ids: Vec<&str> = named.iter().map(|(id, _)| *id).collect();
    let (errors, checked): (Vec<_>, FxHashMap<_, _>) = (briefing.quotes.par_iter())
        .enumerate()
        .filter(|(_, q)| q.meta.kind == QuoteKind::Direct)
        .filter_map(|(index, q)| {
            let place = check_quote(files, q, &texts, &ids).transpose()?;
            Some(place.map(|place| (index, place)))
        })
        .partition_map(Either::from);
    diagnostics.extend(errors);
    if run == 0 {
        return (checked, diagnostics);
    }
    let mut docs: Vec<Option<EntityKey>> = vec![None];
    docs.extend(briefing.keys().map(Some));
    diagnostics.par_extend(
        (docs.par_iter()).flat_map_iter(|&key| check_prose(files, briefing, key, &texts)),
    );
    (checked, diagnostics)
}

/// Where direct quote `quote` stands in its source, if it has a source
/// with a copy; an error if it does not stand there word for word.
fn check_quote(
    files: &Files,
    quote: &Entity<QuoteMeta>,
    texts: &BTreeMap<&str, SourceText>,
    ids: &[&str],
) -> Result<Option<Checked>, Diagnostic> {
    let text = &quote.meta.text;
    let Some(source) = &quote.meta.source else {
        let help = match ids {
            [id] => format!("add `source = \"{id}\"` if the words are from that source"),
            _ => format!("add `source = \"…\"` naming one of `{}`", ids.join("`, `")),
        };
        let at = ValueSpan::value(files, quote.doc, "text", text);
        let message = "direct quote names no `source` to check it against";
        let warning = Diagnostic::warning("unsourced-quote", quote.doc.file, at.whole, message);
        return Err(warning.with_label("not checked").with_help(help));
    };
    let Some(source) = texts.get(source.get_ref().as_str()) else {
        return Ok(None);
    };
    let pieces = (words::pieces(text).into_iter())
        .map(|r| words::words(&text[r.clone()], r.start))
        .filter(|w| !w.is_empty());
    let mut from = 0;
    let mut first = None;
    for piece in pieces {
        let Some(at) = source.find(&piece, from) else {
            return Err(misquote(files, quote, &piece, source, from));
        };
        first.get_or_insert(at);
        from = at + piece.len();
    }
    Ok(first.map(|at| Checked {
        line: source.line(at),
        paragraph: source.paragraph(at),
    }))
}

/// The error for a part of `quote` (between ellipses) that is not in the
/// source from word `from` on: at the first word that differs from the
/// closest passage, which the help shows.
fn misquote(
    files: &Files,
    quote: &Entity<QuoteMeta>,
    piece: &[Word],
    source: &SourceText,
    from: usize,
) -> Diagnostic {
    let text = &quote.meta.text;
    let at = ValueSpan::value(files, quote.doc, "text", text);
    let said = |k: usize| piece.get(k).map_or("", |w| &text[w.start..w.end]);
    // An error at the words `within` the quote's text.
    let message = format!("direct quote is not word for word in {}", source.shown);
    let error = |within: Range<usize>, label: &str| {
        let error = Diagnostic::error("misquote", quote.doc.file, at.span(within), message.clone());
        error.with_label(label)
    };
    let whole = piece[0].start..piece[piece.len() - 1].end;
    if let Some(earlier) = source.find(piece, 0).filter(|_| from > 0) {
        let label = "the source has these words, but before the words quoted ahead of them";
        return error(whole, label).with_help(source.passage(earlier..earlier + piece.len(), None));
    }
    let Some(start) = source.closest(piece) else {
        return error(whole, "no passage of the source has these words")
            .with_help("check the quote's `source`, or make it `kind = \"paraphrase\"`");
    };
    let steps = source.align(piece, start);
    let Some(at_step) = steps.iter().position(|s| s.0 != Change::Same) else {
        return error(whole, "not word for word in the source");
    };
    // The difference is the run of steps of one kind that starts here.
    let change = steps[at_step].0;
    let run = steps[at_step..].iter().take_while(|s| s.0 == change);
    let quoted: Vec<usize> = run.clone().filter_map(Step::quote_word).collect();
    let left: Vec<usize> = run.clone().filter_map(Step::source_word).collect();
    let shown = |words: Vec<&str>| match words.len() {
        0..=8 => words.join(" "),
        _ => format!("{} …", words[..8].join(" ")),
    };
    let their = shown(left.iter().map(|&s| source.spelled(s)).collect());
    let ours = shown(quoted.iter().map(|&k| said(k)).collect());
    // The quote's words the difference is in; for words left out, the
    // quote's word that follows them (or, at the end, the one before).
    let next = (steps[at_step..].iter().chain(steps[..at_step].iter().rev()))
        .find_map(Step::quote_word)
        .unwrap_or(0);
    let k0 = quoted.first().map_or(next, |&k| k);
    let k1 = quoted.last().map_or(next, |&k| k);
    let label = match change {
        Change::Changed => format!("the source has \"{their}\" where the quote has \"{ours}\""),
        Change::Added => format!("the quote adds \"{ours}\", which the source does not have"),
        _ => format!(
            "the source has \"{their}\" before \"{}\", which the quote leaves out",
            said(next)
        ),
    };
    let place = steps[at_step].2;
    let mark = left.first().zip(left.last()).map(|(&a, &b)| a..b + 1);
    let first = steps[0].2.max(place.saturating_sub(10));
    let end = (steps[steps.len() - 1].2 + 1).min(place + left.len() + 11);
    let passage = source.passage(first..end.max(first + 1), mark);
    error(piece[k0].start..piece[k1].end, &label).with_help(passage)
}

/// The warnings for runs copied from a source into the body or front
/// matter of `key` (the front page when None); a direct quote's `text` is
/// not prose.
fn check_prose(
    files: &Files,
    briefing: &Briefing,
    key: Option<EntityKey>,
    texts: &BTreeMap<&str, SourceText>,
) -> Vec<Diagnostic> {
    let Some(doc) = key.map_or(briefing.front, |key| Some(briefing.doc(key))) else {
        return Vec::new();
    };
    let text = files.text(doc.file);
    let body = text.get(doc.body_start..).unwrap_or_default();
    // The body, whose words are placed in the file already, then each
    // front-matter text, whose words are placed in its value.
    let mut prose = vec![(None, formats::markdown(body, doc.body_start))];
    for (name, value) in key.map(|k| prose_keys(briefing, k)).unwrap_or_default() {
        prose.extend(value.map(|value| (Some((name, value)), words::words(value, 0))));
    }
    let mut diagnostics = Vec::new();
    for source in texts.values() {
        for (at, words) in &prose {
            for (run, place) in source.copied(words) {
                let within = words[run.start].start..words[run.end - 1].end;
                let at = at.map(|(name, value)| ValueSpan::value(files, doc, name, value));
                let span = at.map_or(within.clone(), |at| at.span(within));
                let (shown, line) = (&source.shown, source.line(place));
                let message =
                    format!("copied from {shown}:{line}; quote it or say it in your own words");
                let warning = Diagnostic::warning("copied-from-source", doc.file, span, message);
                let label = format!("{} words as the source has them", run.len());
                diagnostics.push(warning.with_label(label));
            }
        }
    }
    diagnostics
}

/// The front-matter texts of `key` that are the author's own words, by key
/// (None where not given).
fn prose_keys(briefing: &Briefing, key: EntityKey) -> Vec<(&'static str, Option<&String>)> {
    match key.kind {
        Kind::Section => {
            let meta = &briefing.sections[key.index].meta;
            vec![
                ("title", Some(&meta.title)),
                ("summary", meta.summary.as_ref()),
            ]
        }
        Kind::Party => {
            let meta = &briefing.parties[key.index].meta;
            vec![
                ("role", meta.role.as_ref()),
                ("position", meta.position.as_ref()),
            ]
        }
        Kind::Clause => {
            let meta = &briefing.clauses[key.index].meta;
            vec![
                ("title", Some(&meta.title)),
                ("agreement", meta.agreement.as_ref()),
                ("before", meta.before.as_ref()),
                ("after", meta.after.as_ref()),
            ]
        }
        Kind::Quote => {
            let meta = &briefing.quotes[key.index].meta;
            let paraphrase = meta.kind == QuoteKind::Paraphrase;
            vec![("text", Some(&meta.text).filter(|_| paraphrase))]
        }
        Kind::Event => vec![("title", Some(&briefing.events[key.index].meta.title))],
    }
}

/// Where a front-matter string's characters lie in its file: the whole
/// value, and where its text starts when it is written as it reads (no
/// escapes), so that a word in it can be pointed at.
struct ValueSpan {
    whole: Range<usize>,
    content: Option<usize>,
}

impl ValueSpan {
    /// The string `value` of the top-level key `key` in `doc`'s front matter.
    fn value(files: &Files, doc: Doc, key: &str, value: &str) -> ValueSpan {
        let text = files.text(doc.file);
        let whole = frontmatter::split(doc.file, text)
            .ok()
            .and_then(|split| frontmatter::value_span(text, &split, key))
            .unwrap_or(doc.meta_start..doc.meta_start);
        let raw = text.get(whole.clone()).unwrap_or_default();
        let content = ["\"\"\"", "'''", "\"", "'"].into_iter().find_map(|quote| {
            let mut inner = raw.strip_prefix(quote)?.strip_suffix(quote)?;
            // TOML drops a line break right after a multi-line string opens.
            if quote.len() == 3 {
                inner = (inner
                    .strip_prefix("\r\n")
                    .or_else(|| inner.strip_prefix('\n')))
                .unwrap_or(inner);
            }
            // The text ends where the closing quote starts.
            (inner == value).then_some(whole.end - quote.len() - inner.len())
        });
        ValueSpan { whole, content }
    }

    /// The span in the file of `range` in the value.
    fn span(&self, range: Range<usize>) -> Range<usize> {
        match self.content {
            Some(at) => at + range.start..at + range.end,
            None => self.whole.clone(),
        }
    }
}

#[cfg(test)]
mod tests;
