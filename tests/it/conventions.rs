//! Markdown conventions writers know from GitHub and elsewhere, built into a
//! whole site: alerts, definition lists, task lists and code blocks keep what
//! they are on their page and in the print edition, references included.

use crate::support::*;

const SECTION: &str = "+++\ntitle = \"Terms\"\n+++\n\
> [!CAUTION]\n> The [cap](clause:cap) is not public.\n\n\
Cap\n: A limit on [Acme](party:acme)'s share.\n\n\
- [x] Signed\n- [ ] Closed\n\n\
```mermaid\ngraph TD\n```\n";

/// A site with a section holding an alert, a definition list, a task list
/// and a code block in a language syntect does not know.
pub fn site() -> tempfile::TempDir {
    write_site(&[
        ("briefing.toml", b"title = \"T\"\n"),
        ("content/sections/01-terms.md", SECTION.as_bytes()),
        (
            "content/parties/acme.md",
            b"+++\nname = \"Acme\"\nkind = \"company\"\n+++\n",
        ),
        (
            "content/clauses/cap.md",
            b"+++\ntitle = \"Cap\"\nstatus = \"added\"\nafter = \"A cap\"\nparties = [\"acme\"]\n+++\n",
        ),
    ])
}

#[test]
fn alerts_definition_lists_and_task_lists_show_on_the_page_and_in_print() {
    let site = site();
    let out = build_ok(site.path());
    for (path, scope) in [
        ("sections/terms.html", ".prose"),
        ("print.html", "#section-terms"),
    ] {
        let html = page(&out, path);
        let alert = select(&html, &format!("{scope} blockquote.markdown-alert-caution"));
        assert_eq!(alert.len(), 1, "{path}");
        let title = select(
            &html,
            &format!("{scope} .markdown-alert-caution > .markdown-alert-title"),
        );
        assert_eq!(text(&title[0]), "Caution", "{path}");
        let inside = select(
            &html,
            &format!("{scope} .markdown-alert-caution a.ref-clause"),
        );
        assert_eq!(inside.len(), 1, "{path}: the reference inside the alert");
        let terms = select(&html, &format!("{scope} dl > dt"));
        assert_eq!(text(&terms[0]), "Cap", "{path}");
        let defined = select(&html, &format!("{scope} dl > dd a.ref-party"));
        assert_eq!(defined.len(), 1, "{path}: the reference in the definition");
        let tasks = select(
            &html,
            &format!("{scope} li > input.task[type=checkbox][disabled]"),
        );
        let states: Vec<_> = (tasks.iter())
            .map(|t| {
                (
                    t.value().attr("checked").is_some(),
                    t.value().attr("aria-label"),
                )
            })
            .collect();
        assert_eq!(
            states,
            [(true, Some("Done")), (false, Some("To do"))],
            "{path}"
        );
        let code = select(&html, &format!("{scope} pre > code.language-mermaid"));
        assert_eq!(code.len(), 1, "{path}");
    }
}
