//! Hostile and unusual input: odd encodings, huge files, deep nesting, broken
//! templates, symlinks, and strings that try to escape their context. Nothing
//! may panic, every failure is located, and no field leaks out of its context.

use crate::support::*;

const CONFIG: &[u8] = b"title = \"T\"\n";
const PARTY: &[u8] = b"+++\nname = \"Acme\"\nkind = \"company\"\n+++\n";

mod escaping;
mod inputs;
mod output;
mod templates;

/// A small site with a section, a party and its own `static/` and
/// `templates/` folders.
fn themed_site() -> tempfile::TempDir {
    write_site(&[
        ("briefing.toml", CONFIG),
        ("content/parties/acme.md", PARTY),
        (
            "content/sections/01-a.md",
            b"+++\ntitle = \"A\"\n+++\n[](party:acme)\n",
        ),
        ("static/extra.css", b"p {}\n"),
        ("templates/404.html", b"<p>{{ 1 }}</p>\n"),
        ("notes.txt", b"mine"),
    ])
}
