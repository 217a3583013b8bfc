//! Starting points for authors: `brief init` writes a small site that builds
//! and passes `brief check --deny-warnings`; `brief new` writes one content
//! file with its front matter skeleton.
//!
//! Files are created with `create_new`, so nothing an author wrote is ever
//! overwritten. This module only writes new files; it does not load, check or
//! render the site it writes into.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::load::number_and_id;
use crate::model::{Kind, is_valid_id, slugify};
use crate::output::{WriteError, io};

#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    #[error("refusing to write into {0}: the folder is not empty (choose a new or empty folder)")]
    NotEmpty(PathBuf),
    #[error("{0} already exists; choose another id or edit that file")]
    Exists(PathBuf),
    #[error(
        "`{id}` is not a valid id: use lowercase letters, digits and hyphens, starting with a letter or digit (e.g. `{suggestion}`)"
    )]
    InvalidId { id: String, suggestion: String },
    #[error("no briefing.toml in {0}: run `brief init DIR` first, or pass --root to a site")]
    NotASite(PathBuf),
    #[error(transparent)]
    Io(#[from] WriteError),
}

/// Each of `paths` with its text, kept as a real file under `scaffold/init/`
/// in the repository.
macro_rules! starter {
    ($($path:literal),* $(,)?) => {
        [$(($path, include_str!(concat!("../scaffold/init/", $path)))),*]
    };
}

/// The starter site `brief init` writes: each file's path in the site and its
/// text.
const INIT: [(&str, &str); 9] = starter![
    "briefing.toml",
    "sources/source-1.txt",
    "content/_index.md",
    "content/sections/01-overview.md",
    "content/parties/example-co.md",
    "content/clauses/supply-term.md",
    "content/quotes/example-statement.md",
    "content/events/term-changed.md",
    ".gitignore",
];

/// Writes a starter site into `dir`, which must be absent or empty.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, ScaffoldError> {
    if dir.exists() && fs::read_dir(dir).map_err(io(dir))?.next().is_some() {
        return Err(ScaffoldError::NotEmpty(dir.to_path_buf()));
    }
    INIT.iter()
        .map(|(rel, text)| create(&dir.join(rel), text))
        .collect()
}

/// Writes `content/<kind>/<id>.md` under `root` with a front matter skeleton.
/// A new section gets the next `NN-` number.
pub fn new(root: &Path, kind: Kind, id: &str) -> Result<PathBuf, ScaffoldError> {
    if !is_valid_id(id) {
        let valid = Some(slugify(id)).filter(|s| is_valid_id(s));
        return Err(ScaffoldError::InvalidId {
            id: id.to_string(),
            suggestion: valid.unwrap_or_else(|| "my-id".into()),
        });
    }
    if !root.join("briefing.toml").is_file() {
        return Err(ScaffoldError::NotASite(root.to_path_buf()));
    }
    let dir = root.join("content").join(kind.dir());
    let existing = stems(&dir)?;
    let (name, id) = match kind {
        Kind::Section => {
            // `05-annex` asks for section `annex` at number 5: the number
            // is the file's, as the loader reads it, never part of the id.
            let (number, id) = number_and_id(kind, id);
            if let Some(stem) = existing.iter().find(|s| number_and_id(kind, s).1 == id) {
                return Err(ScaffoldError::Exists(dir.join(format!("{stem}.md"))));
            }
            let numbers = existing.iter().filter_map(|s| number_and_id(kind, s).0);
            let next = number.unwrap_or_else(|| numbers.max().map_or(1, |n| n + 1));
            (format!("{next:02}-{id}.md"), id)
        }
        _ => (format!("{id}.md"), id.to_string()),
    };
    create(&dir.join(name), &skeleton(kind, &id))
}

/// The front matter `brief new` writes for `kind`, from `scaffold/new/`, with
/// a title made from the id where the kind has one.
fn skeleton(kind: Kind, id: &str) -> String {
    let name = id.split('-').map(capitalise).collect::<Vec<_>>().join(" ");
    let text = match kind {
        Kind::Section => include_str!("../scaffold/new/section.md"),
        Kind::Party => include_str!("../scaffold/new/party.md"),
        Kind::Clause => include_str!("../scaffold/new/clause.md"),
        Kind::Quote => include_str!("../scaffold/new/quote.md"),
        Kind::Event => include_str!("../scaffold/new/event.md"),
    };
    text.replace("{name}", &name)
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// File stems of the `.md` files directly in `dir`.
fn stems(dir: &Path) -> Result<Vec<String>, ScaffoldError> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut stems = Vec::new();
    for entry in fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        if path.extension().is_some_and(|e| e == "md") {
            stems.extend(path.file_stem().map(|s| s.to_string_lossy().into_owned()));
        }
    }
    Ok(stems)
}

/// Creates `path` with `text`, failing if it exists, and returns it.
fn create(path: &Path, text: &str) -> Result<PathBuf, ScaffoldError> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(io(parent))?;
    }
    let mut file = fs::File::create_new(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::AlreadyExists => ScaffoldError::Exists(path.to_path_buf()),
        _ => io(path)(source).into(),
    })?;
    file.write_all(text.as_bytes()).map_err(io(path))?;
    Ok(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_numbers_sections_and_refuses_duplicates() {
        let tmp = tempfile::tempdir().unwrap();
        init(tmp.path()).unwrap();
        let path = new(tmp.path(), Kind::Section, "next-steps").unwrap();
        assert!(
            path.ends_with("content/sections/02-next-steps.md"),
            "{}",
            path.display()
        );
        assert!(matches!(
            new(tmp.path(), Kind::Section, "overview"),
            Err(ScaffoldError::Exists(_))
        ));
        assert!(matches!(
            new(tmp.path(), Kind::Party, "Bad_Id"),
            Err(ScaffoldError::InvalidId { .. })
        ));
        assert!(matches!(init(tmp.path()), Err(ScaffoldError::NotEmpty(_))));
    }

    #[test]
    fn a_section_id_given_with_its_number_keeps_that_number_once() {
        let tmp = tempfile::tempdir().unwrap();
        init(tmp.path()).unwrap();
        let path = new(tmp.path(), Kind::Section, "05-annex").unwrap();
        assert!(
            path.ends_with("content/sections/05-annex.md"),
            "{}",
            path.display()
        );
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains("title = \"Annex\""), "{text}");
        assert!(matches!(
            new(tmp.path(), Kind::Section, "07-annex"),
            Err(ScaffoldError::Exists(_))
        ));
        assert!(matches!(
            new(tmp.path(), Kind::Section, "03-overview"),
            Err(ScaffoldError::Exists(_))
        ));
    }

    #[test]
    fn init_ignores_the_output_and_the_pdf() {
        let tmp = tempfile::tempdir().unwrap();
        init(tmp.path()).unwrap();
        let ignore = fs::read_to_string(tmp.path().join(".gitignore")).unwrap();
        let lines: Vec<&str> = ignore.lines().collect();
        assert_eq!(lines, ["/public/", "/briefing.pdf"]);
    }
}
