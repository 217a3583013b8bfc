//! Front matter: splitting a content file into its TOML header and Markdown body,
//! and deserialising the header into a typed value with located errors.
//!
//! Byte offsets are kept throughout so a TOML error lands on the right line of the
//! original file. This module never touches the file system and knows nothing of
//! what the keys mean beyond what serde's derive tells it.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, FileId, suggest};

/// Where the front matter and the body sit in a file's text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Split {
    /// Byte range of the TOML between the `+++` lines, if the file has front matter.
    pub toml: Option<Range<usize>>,
    /// Byte range of the opening `+++` line (or of the first line when absent).
    pub opening: Range<usize>,
    /// Byte offset where the Markdown body starts.
    pub body_start: usize,
}

/// Finds the `+++` block at the top of `text`. YAML (`---`) and an opening line
/// without its closing line are errors.
pub fn split(file: FileId, text: &str) -> Result<Split, Diagnostic> {
    let mut lines = text.split_inclusive('\n');
    let Some(first) = lines.next() else {
        return Ok(Split::default());
    };
    let opening = 0..first.trim_end_matches(['\n', '\r']).len();
    if first.trim_end() == "---" {
        let message = "front matter must be TOML between `+++` lines, not YAML";
        let help =
            "replace both `---` lines with `+++` and write the keys as TOML (`title = \"...\"`)";
        let error = Diagnostic::error("yaml-front-matter", file, opening, message);
        let label = "YAML front matter starts here";
        return Err(error.with_label(label).with_help(help));
    }
    if first.trim_end() != "+++" {
        return Ok(Split::default());
    }
    let mut at = first.len();
    for line in lines {
        if line.trim_end() == "+++" {
            let (toml, body_start) = (Some(first.len()..at), at + line.len());
            return Ok(Split {
                toml,
                opening,
                body_start,
            });
        }
        at += line.len();
    }
    let message = "front matter is not closed";
    let error = Diagnostic::error("unterminated-front-matter", file, opening, message);
    let label = "this `+++` has no closing `+++` line";
    let help = "end the front matter with a line holding only `+++`";
    Err(error.with_label(label).with_help(help))
}

/// Deserialises the front matter of `text` (as found by [`split`]) into `T`.
/// A file without front matter is parsed as an empty table, so required keys are
/// reported as missing.
pub fn parse<T: DeserializeOwned>(
    file: FileId,
    text: &str,
    split: &Split,
) -> Result<T, Diagnostic> {
    let range = split.toml.clone().unwrap_or(0..0);
    let source = &text[range.clone()];
    toml::from_str(source).map_err(|err| {
        // An error about the table as a whole (a missing key) is shown at
        // the opening line rather than under every line of the block.
        let whole =
            |s: &Range<usize>| s.start == 0 && s.end + 1 >= source.len() && source.len() > 1;
        let span = match err.span().filter(|s| !whole(s)) {
            Some(s) => range.start + s.start..range.start + s.end,
            None => split.opening.clone(),
        };
        toml_diagnostic(file, span, err.message(), split.toml.is_none())
    })
}

/// Where the value of the top-level key `key` of the front matter lies in
/// `text`, if the key is there. Typed front matter keeps no spans for plain
/// text; this reads the block again for it, so only a file with something
/// to report pays for it.
pub fn value_span(text: &str, split: &Split, key: &str) -> Option<Range<usize>> {
    let range = split.toml.clone().unwrap_or(0..0);
    let source = text.get(range.clone()).unwrap_or_default();
    let mut table: BTreeMap<String, toml::Spanned<toml::Value>> =
        toml::from_str(source).unwrap_or_default();
    let span = table.remove(key)?.span();
    Some(range.start + span.start..range.start + span.end)
}

/// Turns one of toml/serde's messages into a diagnostic with a plain message and,
/// for unknown keys and values, a suggestion taken from the expected list.
pub fn toml_diagnostic(
    file: FileId,
    span: Range<usize>,
    message: &str,
    no_front_matter: bool,
) -> Diagnostic {
    let message = message.trim();
    let error = |code, message: String| Diagnostic::error(code, file, span.clone(), message);
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let (field, expected) = split_expected(rest);
        let help = match suggest(field, expected.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if expected.is_empty() => {
                "this file takes no keys: leave its `+++` block empty".to_string()
            }
            None => format!("allowed keys: {}", quoted(&expected)),
        };
        return error("unknown-key", format!("unknown key `{field}`"))
            .with_label("not a key of this file")
            .with_help(help);
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let (value, expected) = split_expected(rest);
        let help = match suggest(value, expected.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? allowed: {}", quoted(&expected)),
            None => format!("allowed values: {}", quoted(&expected)),
        };
        return error("bad-value", format!("`{value}` is not an allowed value"))
            .with_label("not allowed here")
            .with_help(help);
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        let field = rest.trim_matches('`');
        let help = if no_front_matter {
            format!("start the file with a `+++` block, e.g. `+++` / `{field} = \"...\"` / `+++`")
        } else {
            format!("add `{field} = ...` to the front matter")
        };
        return error("missing-key", format!("required key `{field}` is missing"))
            .with_label("in this front matter")
            .with_help(help);
    }
    if let Some(rest) = message.strip_prefix(crate::date::EXPECTED) {
        // `Date` words its own refusals: the forms, then any hint after "; ".
        let hint = rest.strip_prefix("; ").map(str::to_string);
        return error("bad-date", crate::date::EXPECTED.into())
            .with_label("not a date in one of these forms")
            .with_help_opt(hint);
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        return error("wrong-type", format!("wrong type: {rest}")).with_label("this value");
    }
    error("bad-toml", format!("invalid TOML: {message}")).with_label("here")
}

/// Splits "`x`, expected one of `a`, `b`" into `x` and `[a, b]`.
fn split_expected(rest: &str) -> (&str, Vec<&str>) {
    let (head, tail) = rest.split_once(", expected").unwrap_or((rest, ""));
    // The value is the first quoted word: serde follows it with the expected
    // list, or with "there are no fields" for a file that takes no keys.
    let head = head.trim();
    let value = match head.strip_prefix('`') {
        Some(quoted) => quoted.split('`').next().unwrap_or(quoted),
        None => head,
    };
    (value, tail.split('`').skip(1).step_by(2).collect())
}

fn quoted(items: &[&str]) -> String {
    let items: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    items.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Meta {
        title: String,
        #[allow(dead_code)]
        weight: Option<i64>,
    }

    #[test]
    fn splits_toml_and_body() {
        let text = "+++\ntitle = \"A\"\n+++\nBody\n";
        let s = split(0, text).unwrap();
        assert_eq!(&text[s.toml.clone().unwrap()], "title = \"A\"\n");
        assert_eq!(&text[s.body_start..], "Body\n");
    }

    #[test]
    fn splits_crlf() {
        let text = "+++\r\ntitle = \"A\"\r\n+++\r\nBody\r\n";
        let s = split(0, text).unwrap();
        assert_eq!(&text[s.body_start..], "Body\r\n");
        let meta: Meta = parse(0, text, &s).unwrap();
        assert_eq!(meta.title, "A");
    }

    #[test]
    fn closing_line_at_end_of_file() {
        let text = "+++\ntitle = \"A\"\n+++";
        let s = split(0, text).unwrap();
        assert_eq!(s.body_start, text.len());
    }

    #[test]
    fn no_front_matter_is_all_body() {
        let s = split(0, "# Hi\n").unwrap();
        assert_eq!((s.toml, s.body_start), (None, 0));
    }

    #[test]
    fn yaml_and_unterminated_are_errors() {
        assert_eq!(
            split(0, "---\ntitle: x\n---\n").unwrap_err().code,
            "yaml-front-matter"
        );
        assert_eq!(
            split(0, "+++\ntitle = \"x\"\n").unwrap_err().code,
            "unterminated-front-matter"
        );
    }

    #[test]
    fn unknown_key_is_located_with_suggestion() {
        let text = "+++\ntitle = \"A\"\nwieght = 3\n+++\n";
        let s = split(0, text).unwrap();
        let d = parse::<Meta>(0, text, &s).unwrap_err();
        assert_eq!(d.message, "unknown key `wieght`");
        assert_eq!(&text[d.span.clone()], "wieght");
        assert_eq!(d.help.as_deref(), Some("did you mean `weight`?"));
    }

    #[test]
    fn an_unknown_key_where_no_keys_are_allowed_names_only_the_key() {
        let d = toml_diagnostic(0, 0..1, "unknown field `title`, there are no fields", false);
        assert_eq!(d.message, "unknown key `title`");
        assert_eq!(
            d.help.as_deref(),
            Some("this file takes no keys: leave its `+++` block empty")
        );
    }

    #[test]
    fn missing_key_points_at_opening_line() {
        let text = "+++\nweight = 3\n+++\n";
        let s = split(0, text).unwrap();
        let d = parse::<Meta>(0, text, &s).unwrap_err();
        assert_eq!(d.message, "required key `title` is missing");
    }
}
