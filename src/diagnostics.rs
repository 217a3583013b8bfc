//! Author diagnostics: what went wrong in a briefing's sources, where, and what to
//! do about it.
//!
//! A [`Diagnostic`] is plain data carrying a file, a byte span, a message and an
//! optional suggestion. Every pipeline stage collects them instead of stopping,
//! so one build reports every mistake at once. This module owns the did-you-mean
//! search ([`suggest`]) and the rendering of a batch of diagnostics, through
//! codespan-reporting, which turns byte spans into 1-based lines and columns;
//! it depends on no pipeline stage.

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config};

/// Index of a file in [`Files`]. Only the loader hands these out.
pub type FileId = usize;

/// Whether a diagnostic fails the build on its own (`Error`) or not
/// (`Warning`), the two severities brief uses of codespan-reporting's.
pub use codespan_reporting::diagnostic::Severity;

/// One problem in the sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A short stable name such as `unknown-party`, shown as `error[unknown-party]`.
    pub code: &'static str,
    pub file: FileId,
    /// Byte range in the file's text; empty ranges point between two characters.
    pub span: Range<usize>,
    pub message: String,
    /// What to write under the caret, e.g. "referenced here".
    pub label: String,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(
        code: &'static str,
        file: FileId,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            file,
            span,
            message: message.into(),
            label: String::new(),
            help: None,
        }
    }

    pub fn warning(
        code: &'static str,
        file: FileId,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, span, message)
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }
}

/// The texts diagnostics point into, by [`FileId`]: the display path and the
/// (possibly lossily decoded) text.
///
/// Each text is shared rather than owned: snippets of mentions point into
/// the text they were cut from instead of copying it, and `brief serve`
/// keeps the texts of unchanged files for the next read without a copy.
#[derive(Debug, Default, Clone)]
pub struct Files {
    entries: Vec<(PathBuf, Arc<String>)>,
}

impl Files {
    /// Keeps `text`, shared already or not, under `path`.
    pub fn add(&mut self, path: PathBuf, text: impl Into<Arc<String>>) -> FileId {
        self.entries.push((path, text.into()));
        self.entries.len() - 1
    }

    pub fn path(&self, id: FileId) -> &std::path::Path {
        &self.entries[id].0
    }

    pub fn text(&self, id: FileId) -> &str {
        &self.entries[id].1
    }

    /// The text of `id`, to keep beside (or point into) without a copy.
    pub fn shared(&self, id: FileId) -> &Arc<String> {
        &self.entries[id].1
    }
}

/// The candidate closest to `wanted`, if it is close enough to be a plausible typo.
pub fn suggest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (wanted.chars().count() / 3).clamp(1, 4);
    let prefix = |c: &str| c.len() > 3 && (c.starts_with(wanted) || wanted.starts_with(c));
    let scored = (candidates.into_iter()).map(|c| (strsim::damerau_levenshtein(wanted, c), c));
    let near = scored.filter(|&(d, c)| d <= limit || prefix(c));
    near.min().map(|(_, c)| c)
}

/// How many of `diagnostics` are errors; the rest are warnings.
pub fn errors(diagnostics: &[Diagnostic]) -> usize {
    (diagnostics.iter())
        .filter(|d| d.severity == Severity::Error)
        .count()
}

/// Renders diagnostics as plain text in the form
/// `error[code]: message`, `┌─ file:line:col`, the source line, a caret, `= help`.
pub fn render(files: &Files, diagnostics: &[Diagnostic]) -> String {
    // Only the files the diagnostics point at are indexed: finding the line
    // starts of every file would cost a pass over the whole site when there
    // is nothing to say, which is most builds.
    let mut db: HashMap<FileId, SimpleFile<String, &str>> = HashMap::new();
    let config = Config::default();
    let mut out = String::new();
    for d in diagnostics {
        let (path, text) = &files.entries[d.file];
        let new = || SimpleFile::new(path.display().to_string(), text.as_str());
        let file = db.entry(d.file).or_insert_with(new);
        let start = text.floor_char_boundary(d.span.start);
        let end = text.ceil_char_boundary(d.span.end.max(start));
        let report = Report::new(d.severity)
            .with_code(d.code)
            .with_message(&d.message)
            .with_labels(vec![Label::primary((), start..end).with_message(&d.label)])
            .with_notes(d.help.iter().map(|h| format!("help: {h}")).collect());
        let text = term::emit_into_string(&config, &*file, &report);
        out += &text.unwrap_or_else(|_| format!("{}: {}\n", d.code, d.message));
    }
    out
}

/// The code of a reference to an entity whose own file has an error: a
/// consequence of that error, reported after every cause.
pub const NOT_LOADED: &str = "not-loaded";

/// Sorts diagnostics by file and position and drops exact duplicates, so output
/// is deterministic whatever order the stages ran in. Consequences of another
/// error ([`NOT_LOADED`]) come last, so the cause is read first.
pub fn normalize(diagnostics: &mut Vec<Diagnostic>) {
    let order = |d: &Diagnostic| (d.code == NOT_LOADED, d.file, d.span.start, d.span.end);
    diagnostics.sort_by(|a, b| (order(a).cmp(&order(b))).then_with(|| a.message.cmp(&b.message)));
    diagnostics.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        let ids = ["microsoft", "openai", "amazon"];
        assert_eq!(suggest("microsfot", ids), Some("microsoft"));
        assert_eq!(suggest("opnai", ids), Some("openai"));
        assert_eq!(suggest("google", ids), None);
    }

    #[test]
    fn renders_location_caret_and_help() {
        let mut files = Files::default();
        let id = files.add(
            "content/a.md".into(),
            "one\nsee [x](party:microsfot) now\n".to_string(),
        );
        let d = Diagnostic::error("unknown-party", id, 8..28, "no party with id `microsfot`")
            .with_label("referenced here")
            .with_help("did you mean `microsoft`?");
        let text = render(&files, &[d]);
        assert!(
            text.starts_with("error[unknown-party]: no party with id `microsfot`\n"),
            "{text}"
        );
        assert!(text.contains("content/a.md:2:5"), "{text}");
        assert!(
            text.contains("^^^^^^^^^^^^^^^^^^^^ referenced here"),
            "{text}"
        );
        assert!(text.contains("= help: did you mean `microsoft`?"), "{text}");
    }
}
