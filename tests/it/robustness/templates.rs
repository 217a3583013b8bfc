//! Templates that fail: a syntax error, a card that fails inside a body, a
//! component, include or extends that never ends, and a `print.html` that
//! misplaces entries. Each is a template error, never a panic.

use super::{CONFIG, PARTY, themed_site};
use crate::support::*;

#[test]
fn a_broken_template_override_names_template_and_line() {
    let site = write_site(&[
        ("briefing.toml", CONFIG),
        ("content/parties/acme.md", PARTY),
        (
            "content/sections/01-a.md",
            b"+++\ntitle = \"A\"\n+++\n[](party:acme)\n",
        ),
        ("templates/404.html", b"<p>fine</p>\n<p>{{ broken </p>\n"),
    ]);
    let err = build_fails(site.path());
    assert!(err.contains("404.html"), "{err}");
    assert!(err.contains("2:"), "line number missing: {err}");
}

/// A card template that fails, for an embed in a body (rendered for its page
/// and print at once) as for the previews, fails the build with the
/// template's own error.
#[test]
fn a_card_template_that_fails_inside_a_body_fails_the_build() {
    let site = write_site(&[
        ("briefing.toml", CONFIG),
        ("content/parties/acme.md", PARTY),
        (
            "content/clauses/fee.md",
            b"+++\ntitle = \"Fee\"\nstatus = \"removed\"\nbefore = \"A fee.\"\nparties = [\"acme\"]\n+++\n",
        ),
        (
            "content/sections/01-a.md",
            b"+++\ntitle = \"A\"\n+++\nBefore.\n\n![](clause:fee)\n\nAfter [Acme](party:acme).\n",
        ),
        ("templates/card.html", b"<p>{{ entity.nope.deeper }}</p>\n"),
    ]);
    let err = build_fails(site.path());
    assert!(
        err.contains("template `card.html` failed") && err.contains("entity.nope.deeper"),
        "{err}"
    );
}

/// The error of building [`themed_site`] with `templates` (name, text)
/// written over its own.
fn build_with_templates_fails(templates: &[(&str, &str)]) -> String {
    let site = themed_site();
    for (name, text) in templates {
        std::fs::write(site.path().join("templates").join(name), text).unwrap();
    }
    build_fails(site.path())
}

/// Tera recurses on the thread's stack for a component call or an include;
/// a template that calls itself without end must fail the build with an
/// error, never overflow the stack (which aborts the process).
#[test]
fn a_template_component_that_calls_itself_is_a_template_error() {
    let err = build_with_templates_fails(&[(
        "404.html",
        "{% component again(n) %}{{ <again n={n} /> }}{% endcomponent again %}<p>{{ <again n={1} /> }}</p>\n",
    )]);
    assert!(
        err.contains("template `404.html` failed")
            && err.contains("Maximum render recursion depth for components exceeded"),
        "{err}"
    );
}

#[test]
fn templates_that_include_each_other_are_a_template_error() {
    let err = build_with_templates_fails(&[
        ("404.html", "<p>{% include \"a.html\" %}</p>\n"),
        ("a.html", "{% include \"b.html\" %}"),
        ("b.html", "{% include \"a.html\" %}"),
    ]);
    assert!(
        err.contains("Circular include detected for template 'a.html'")
            && err.contains(r#"["404.html", "a.html", "b.html", "a.html"]"#),
        "{err}"
    );
}

#[test]
fn a_template_that_extends_itself_is_a_template_error() {
    let err = build_with_templates_fails(&[(
        "404.html",
        "{% extends \"404.html\" %}{% block content %}{% endblock content %}\n",
    )]);
    assert!(
        err.contains("Circular extend detected for template '404.html'"),
        "{err}"
    );
}

/// A `print.html` that does not place every entry (one written before
/// entries were components of the template) fails the build, rather than
/// print the sections without their text; so does one placing an entry twice.
#[test]
fn a_print_page_that_does_not_place_each_entry_once_is_a_template_error() {
    let builtin = std::fs::read_to_string(repo_root().join("templates/print.html")).unwrap();
    let without = builtin.replace("{{ s.entry | safe }}", "");
    let err = build_with_templates_fails(&[("print.html", &without)]);
    assert!(
        err.contains("template `print.html` failed: the page places 1 of 2 entries (1 missing, 0 more than once)"),
        "{err}"
    );
    let twice = builtin.replace(
        "{{ s.entry | safe }}",
        "{{ s.entry | safe }}{{ s.entry | safe }}",
    );
    let err = build_with_templates_fails(&[("print.html", &twice)]);
    assert!(err.contains("(0 missing, 1 more than once)"), "{err}");
}
