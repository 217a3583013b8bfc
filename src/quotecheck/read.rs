//! Reading a source's copy from `sources/`: the one place brief reads that
//! folder. A `file` must name a plain-text, Markdown or HTML file inside
//! `sources/` (never out of it, by `..` or by a symbolic link) holding
//! UTF-8 text; anything else is an error at the `file` value in
//! `briefing.toml`. The text is only read: nothing here is ever written to
//! the output.

use std::path::Path;
use std::sync::Arc;

use toml::Spanned;

use super::formats::Format;
use super::index::SourceText;
use crate::diagnostics::{Diagnostic, FileId};

/// The folder beside `content/` that holds the sources' copies.
const FOLDER: &str = "sources";

/// Reads the file `file` names under `root/sources/` and indexes it for
/// runs of `run` words; `config` is `briefing.toml`, where mistakes are
/// reported.
pub fn read(
    root: &Path,
    file: &Spanned<String>,
    config: FileId,
    run: usize,
) -> Result<SourceText, Diagnostic> {
    let name = file.get_ref().trim();
    let shown = format!("{FOLDER}/{name}");
    let error = |message: String| {
        Diagnostic::error("source-file", config, file.span(), message).with_label("this file")
    };
    let refuse = |message: String, help: String| Err(error(message).with_help(help));
    if let Some(inner) = name.strip_prefix("sources/") {
        let message = format!("`file` is a name inside {FOLDER}/, not a path from the site");
        return refuse(message, format!("write `file = \"{inner}\"`"));
    }
    if name.is_empty() || !crate::output::is_inside(name) {
        return refuse(
            format!("`{name}` is not a file inside {FOLDER}/"),
            format!("put the source's copy in {FOLDER}/ and give its name there"),
        );
    }
    let rel = Path::new(name);
    let ext = rel.extension().and_then(|e| e.to_str());
    let Some(format) = ext.and_then(Format::of) else {
        return refuse(
            format!("{shown} is not plain text, Markdown or HTML"),
            "save the source as a `.txt`, `.md` or `.html` file".into(),
        );
    };
    let folder = root.join(FOLDER);
    let path = folder.join(rel);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return refuse(
                format!("{shown} does not exist"),
                format!("copy the source's text to {shown}, or leave `file` out"),
            );
        }
        Err(err) => return Err(error(format!("cannot read {shown}: {err}"))),
    };
    // A name inside the folder may still lead out of it through a link.
    let (real_folder, real_path) = (folder.canonicalize(), path.canonicalize());
    if !real_folder.is_ok_and(|folder| real_path.is_ok_and(|path| path.starts_with(folder))) {
        return refuse(
            format!("{shown} leads out of {FOLDER}/"),
            format!("copy the file into {FOLDER}/ instead of linking to it"),
        );
    }
    // A byte order mark is no part of the text.
    let text = crate::source::utf8(bytes)
        .map(Arc::unwrap_or_clone)
        .map_err(|_| {
            error(format!("{shown} is not valid UTF-8 text")).with_help("save it as UTF-8")
        })?;
    Ok(SourceText::new(shown, text, format, run))
}
