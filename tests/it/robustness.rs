//! Hostile and unusual input: odd encodings, huge files, deep nesting, broken
//! templates, symlinks, and strings that try to escape their context. Nothing
//! may panic, every failure is located, and no field leaks out of its context.

use crate::support::*;

const CONFIG: &[u8] = b"title = \"T\"\n";
const PARTY: &[u8] = b"+++\nname = \"Acme\"\nkind = \"company\"\n+++\n";

#[test]
fn crlf_and_byte_order_mark_build() {
    let site = write_site(&[
        ("briefing.toml", b"\xEF\xBB\xBFtitle = \"T\"\r\n"),
        (
            "content/parties/acme.md",
            b"\xEF\xBB\xBF+++\r\nname = \"Acme\"\r\nkind = \"company\"\r\n+++\r\nBody\r\n",
        ),
        (
            "content/sections/01-a.md",
            b"+++\r\ntitle = \"A\"\r\n+++\r\nSee [](party:acme).\r\n",
        ),
    ]);
    let out = build_ok(site.path());
    let html = page(&out, "sections/a.html");
    assert_eq!(text(&select(&html, "main .prose a.ref-party")[0]), "Acme");
}

#[test]
fn invalid_utf8_is_located() {
    let site = write_site(&[
        ("briefing.toml", CONFIG),
        (
            "content/sections/01-a.md",
            b"+++\ntitle = \"A\"\n+++\nok\nbad \xFF byte\n",
        ),
    ]);
    let err = build_fails(site.path());
    assert!(
        err.contains("error[not-utf8]: this file is not valid UTF-8 text"),
        "{err}"
    );
    assert!(err.contains("content/sections/01-a.md:5:5"), "{err}");
}

#[test]
fn huge_section_and_many_references_build() {
    let mut body = String::from("+++\ntitle = \"Big\"\n+++\n");
    let paragraph =
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. "
            .repeat(10);
    while body.len() < 10 * 1024 * 1024 {
        body.push_str(&paragraph);
        body.push_str("\n\n");
    }
    let mut many = String::from("+++\ntitle = \"Many\"\n+++\n");
    for i in 0..10_000 {
        many.push_str(&format!("[{i}](party:acme) "));
        if i % 50 == 49 {
            many.push_str("\n\n");
        }
    }
    let site = write_site(&[
        ("briefing.toml", CONFIG),
        ("content/parties/acme.md", PARTY),
        ("content/sections/01-big.md", body.as_bytes()),
        ("content/sections/02-many.md", many.as_bytes()),
    ]);
    let out = build_ok(site.path());
    let html = page(&out, "sections/many.html");
    assert_eq!(select(&html, "main .prose a.ref-party").len(), 10_000);
    assert!(
        std::fs::metadata(out.join("sections/big.html"))
            .unwrap()
            .len()
            > 10 * 1024 * 1024
    );
    let acme = page(&out, "parties/acme.html");
    assert_eq!(select(&acme, ".mentions li").len(), 10_000);
}

#[test]
fn deep_nesting_builds() {
    let mut body = String::from("+++\ntitle = \"Deep\"\n+++\n");
    body.push_str(&">".repeat(2_000));
    body.push_str(" [](party:acme)\n\n");
    for depth in 0..500 {
        body.push_str(&"  ".repeat(depth));
        body.push_str("- item\n");
    }
    let site = write_site(&[
        ("briefing.toml", CONFIG),
        ("content/parties/acme.md", PARTY),
        ("content/sections/01-deep.md", body.as_bytes()),
    ]);
    build_ok(site.path());
}

#[test]
fn references_inside_headings_and_tables_work() {
    let site = write_site(&[
        ("briefing.toml", CONFIG),
        ("content/parties/acme.md", PARTY),
        ("content/sections/01-a.md", b"+++\ntitle = \"A\"\n+++\n## About [](party:acme)\n\n| who |\n|---|\n| [the firm](party:acme) |\n"),
    ]);
    let out = build_ok(site.path());
    let html = page(&out, "sections/a.html");
    assert_eq!(select(&html, "main h2 a.ref-party").len(), 1);
    assert_eq!(select(&html, "main td a.ref-party").len(), 1);
    assert_eq!(broken_links(&out), Vec::<(String, String)>::new());
}

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

#[cfg(unix)]
#[test]
fn symlink_loops_and_links_out_of_the_site_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), PARTY).unwrap();
    let site = write_site(&[
        ("briefing.toml", CONFIG),
        ("content/sections/01-a.md", b"+++\ntitle = \"A\"\n+++\n"),
    ]);
    std::os::unix::fs::symlink(
        site.path().join("content"),
        site.path().join("content/sections/loop"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        site.path().join("content/parties/secret.md"),
    )
    .or_else(|_| {
        std::fs::create_dir_all(site.path().join("content/parties"))?;
        std::os::unix::fs::symlink(
            outside.path().join("secret.md"),
            site.path().join("content/parties/secret.md"),
        )
    })
    .unwrap();
    let err = build_fails(site.path());
    assert!(err.contains("symbolic link loop"), "{err}");
    assert!(err.contains("error[outside-site]"), "{err}");
}

#[test]
fn output_never_replaces_the_site_or_a_foreign_folder() {
    let site = write_site(&[
        ("briefing.toml", CONFIG),
        ("content/sections/01-a.md", b"+++\ntitle = \"A\"\n+++\n"),
    ]);
    let out = brief(site.path(), &["build", "--out", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("refusing to write"),
        "{}",
        stderr(&out)
    );
    let out = brief(site.path(), &["build", "--out", "content"]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::create_dir_all(site.path().join("mine")).unwrap();
    std::fs::write(site.path().join("mine/keep.txt"), "precious").unwrap();
    let out = brief(site.path(), &["build", "--out", "mine"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert!(site.path().join("mine/keep.txt").exists());
    let out = brief(site.path(), &["build", "--out", "mine", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A folder brief made is replaced without --force.
    let out = brief(site.path(), &["build", "--out", "mine"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

const PAYLOADS: [&str; 3] = [
    "</script><script>alert(1)</script>",
    "\"'><img src=x onerror=alert(1)>",
    "]]> & <!-- -->",
];

/// A site where every front-matter string carries `payload`.
fn hostile_site(payload: &str) -> tempfile::TempDir {
    let p = toml::Value::String(payload.to_string()).to_string();
    let config =
        format!("title = {p}\ndek = {p}\n[[sources]]\nid = \"s\"\ntitle = {p}\npublisher = {p}\n");
    let party = format!(
        "+++\nname = {p}\nkind = \"person\"\naliases = [{p}]\nrole = {p}\nposition = {p}\naffiliation = \"org\"\n+++\n"
    );
    let org = format!("+++\nname = {p}\nkind = \"company\"\n+++\n");
    let clause = format!(
        "+++\ntitle = {p}\nagreement = {p}\nstatus = \"changed\"\nparties = [\"acme\"]\nbefore = {p}\nafter = {p}\nsource = \"s\"\n+++\n"
    );
    let quote =
        format!("+++\nspeaker = \"acme\"\ntext = {p}\nkind = \"direct\"\nabout = [\"org\"]\n+++\n");
    let event = format!(
        "+++\ntitle = {p}\ndate = 2026-04-27\nparties = [\"acme\"]\nclauses = [\"c\"]\nsource = \"s\"\n+++\n"
    );
    let section = format!(
        "+++\ntitle = {p}\nsummary = {p}\n+++\n[](party:acme) [](party:org) [](clause:c) [](quote:q) [](event:e)\n\n![](quote:q)\n\n![](clause:c)\n\n![](event:e)\n"
    );
    write_site(&[
        ("briefing.toml", config.as_bytes()),
        ("content/parties/acme.md", party.as_bytes()),
        ("content/parties/org.md", org.as_bytes()),
        ("content/clauses/c.md", clause.as_bytes()),
        ("content/quotes/q.md", quote.as_bytes()),
        ("content/events/e.md", event.as_bytes()),
        ("content/sections/01-s.md", section.as_bytes()),
    ])
}

#[test]
fn front_matter_strings_never_escape_their_context() {
    for payload in PAYLOADS {
        let site = hostile_site(payload);
        let out = brief(
            site.path(),
            &["build", "--quiet", "--base-url", "https://example.org/a&b/"],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let out = site.path().join("public");
        for entry in walkdir::WalkDir::new(&out)
            .into_iter()
            .filter_map(Result::ok)
        {
            if entry.path().extension().is_none_or(|e| e != "html") {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(&out)
                .unwrap()
                .display()
                .to_string();
            let html = page(&out, &rel);
            // The one inline script is the page's structured data: JSON
            // that holds the payload as data, with no markup in its text.
            for script in select(&html, "script[type=\"application/ld+json\"]") {
                let json = text(&script);
                assert!(!json.contains(['<', '>', '&']), "{rel}: {json}");
                let data: serde_json::Value = serde_json::from_str(&json)
                    .unwrap_or_else(|e| panic!("{rel}: structured data does not parse: {e}"));
                assert_eq!(data["@context"], "https://schema.org", "{rel}");
            }
            for script in select(&html, "script:not([type=\"application/ld+json\"])") {
                let src = script.value().attr("src").unwrap_or("");
                assert!(
                    src.ends_with("brief.js") || src.ends_with("search-index.js"),
                    "{rel}: injected script {src:?}"
                );
                assert_eq!(text(&script), "", "{rel}: inline script");
            }
            assert!(select(&html, "img").is_empty(), "{rel}: injected img");
            assert!(
                select(&html, "[onerror]").is_empty(),
                "{rel}: injected handler"
            );
        }
        let html = page(&out, "parties/acme.html");
        assert_eq!(
            text(&select(&html, "h1")[0]),
            payload.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        // The time axis holds it as text, in its label and its title.
        let timeline = page(&out, "timeline.html");
        let words = payload.split_whitespace().collect::<Vec<_>>().join(" ");
        let label = select(&timeline, "svg a.mark-event text");
        assert_eq!(label.iter().map(text).collect::<Vec<_>>(), [words.as_str()]);
        let title = text(&select(&timeline, "svg a.mark-event title")[0]);
        assert!(title.contains(&words), "{title}");
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("graph.json")).unwrap()).unwrap();
        assert_eq!(json["title"], payload);
        assert!(
            json["entities"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["before"] == payload)
        );
        let entries = script_json(&out, "search-index.js", "BRIEF_SEARCH");
        assert!(
            entries
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["t"] == payload)
        );
        for e in entries.as_array().unwrap() {
            let e = e.as_object().unwrap();
            let keys: Vec<&str> = e.keys().map(String::as_str).collect();
            assert!(
                ["k", "t", "w", "u", "l"].iter().all(|k| keys.contains(k)),
                "{e:?}"
            );
            assert!(
                e.get("a").is_none_or(|a| !a.as_array().unwrap().is_empty()),
                "{e:?}"
            );
            assert!(e["l"].is_null() || e["l"].is_string(), "{e:?}");
        }
        // The preview cards, which brief.js puts into pages, show the
        // payload as text, never as markup.
        let cards = previews(&out);
        let acme = &cards["party:acme"];
        assert_eq!(
            text(&select(acme, ".card-title")[0]),
            payload.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        for (key, card) in &cards {
            assert!(
                select(card, "script, img, [onerror]").is_empty(),
                "{key}: {}",
                card.html()
            );
        }
        let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
        assert!(
            sitemap.contains("<loc>https://example.org/a&amp;b/index.html</loc>"),
            "{sitemap}"
        );
    }
}

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

/// The error of building [`themed_site`] with `templates` (name, text)
/// written over its own.
fn build_with_templates_fails(templates: &[(&str, &str)]) -> String {
    let site = themed_site();
    for (name, text) in templates {
        std::fs::write(site.path().join("templates").join(name), text).unwrap();
    }
    build_fails(site.path())
}

/// Every file under `dir` with its bytes, for before/after comparisons.
fn snapshot(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| {
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            (e.path().to_path_buf(), bytes)
        })
        .collect()
}

#[test]
fn outputs_never_overwrite_the_sites_inputs() {
    let site = themed_site();
    let before = snapshot(site.path());
    for (out, force) in [
        ("content/new", false),
        ("content/sections/later/out", false),
        ("static/out", false),
        ("static", true),
        ("templates/out", false),
        ("templates", true),
        ("briefing.toml", true),
        ("notes.txt", true),
        ("..", true),
    ] {
        let mut args = vec!["build", "--out", out];
        if force {
            args.push("--force");
        }
        let run = brief(site.path(), &args);
        let err = stderr(&run);
        assert_eq!(run.status.code(), Some(2), "--out {out}: {err}");
        assert!(err.contains("refusing to write"), "--out {out}: {err}");
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert_eq!(
            snapshot(site.path()),
            before,
            "--out {out} changed the site"
        );
    }
}

#[cfg(unix)]
#[test]
fn theme_folders_linked_out_of_the_site_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.css"), "TOP-SECRET").unwrap();
    std::fs::write(outside.path().join("404.html"), "TOP-SECRET").unwrap();
    // A file linked out of static/, and all of templates/ linked away.
    let site = themed_site();
    std::os::unix::fs::symlink(
        outside.path().join("secret.css"),
        site.path().join("static/secret.css"),
    )
    .unwrap();
    let run = brief(site.path(), &["build"]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(
        err.contains("static/secret.css") && err.contains("outside the site"),
        "{err}"
    );
    assert!(!site.path().join("public").exists());
    std::fs::remove_file(site.path().join("static/secret.css")).unwrap();
    std::fs::remove_dir_all(site.path().join("templates")).unwrap();
    std::os::unix::fs::symlink(outside.path(), site.path().join("templates")).unwrap();
    let run = brief(site.path(), &["build"]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(
        err.contains("templates") && err.contains("outside the site"),
        "{err}"
    );
    // A link that stays inside the site is read as usual.
    std::fs::remove_file(site.path().join("templates")).unwrap();
    std::fs::write(site.path().join("shared.css"), "q {}").unwrap();
    std::os::unix::fs::symlink(
        site.path().join("shared.css"),
        site.path().join("static/shared.css"),
    )
    .unwrap();
    let out = build_ok(site.path());
    assert_eq!(std::fs::read(out.join("shared.css")).unwrap(), b"q {}");
}

#[test]
fn a_mistyped_root_creates_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let run = brief(tmp.path(), &["build", "--root", "no/such/site"]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(err.contains("no briefing.toml in"), "{err}");
    assert!(
        !tmp.path().join("no").exists(),
        "the mistyped root was made"
    );
}

#[test]
fn a_site_without_content_keeps_the_previous_output() {
    let site = themed_site();
    let out = build_ok(site.path());
    std::fs::remove_dir_all(site.path().join("content")).unwrap();
    let run = brief(site.path(), &["build"]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(err.contains("no content/ folder"), "{err}");
    assert!(
        out.join("sections/a.html").is_file(),
        "the output was replaced"
    );
}

#[test]
fn folders_left_by_killed_builds_are_removed_by_the_next() {
    let site = themed_site();
    let make = |name: &str, marked: bool| {
        let dir = site.path().join(name);
        std::fs::create_dir_all(dir.join("sections")).unwrap();
        if marked {
            std::fs::write(dir.join(".brief-output"), "").unwrap();
        }
        dir
    };
    let staging = make(".public.staging-999999999", true);
    let old = make(".public.old-999999999", true);
    let foreign = make(".public.staging-999999998", false);
    build_ok(site.path());
    assert!(!staging.exists() && !old.exists(), "stale folders stayed");
    assert!(foreign.exists(), "a folder brief did not make was removed");
}

#[cfg(unix)]
#[test]
fn an_interrupted_build_removes_its_staging_folder() {
    let mut body = String::from("+++\ntitle = \"Big\"\n+++\n");
    let paragraph = "Lorem ipsum [dolor](party:acme) sit amet, consectetur adipiscing. ".repeat(10);
    while body.len() < 8 * 1024 * 1024 {
        body.push_str(&paragraph);
        body.push_str("\n\n");
    }
    let site = write_site(&[
        ("briefing.toml", CONFIG),
        ("content/parties/acme.md", PARTY),
        ("content/sections/01-big.md", body.as_bytes()),
        ("public/.brief-output", b""),
        ("public/index.html", b"previous"),
    ]);
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["build", "--quiet"])
        .current_dir(site.path())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let staged = || {
        std::fs::read_dir(site.path())
            .unwrap()
            .filter_map(Result::ok)
            .any(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(".public.staging-")
            })
    };
    let started = std::time::Instant::now();
    while !staged() && started.elapsed() < std::time::Duration::from_secs(30) {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(staged(), "the build made no staging folder");
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let run = child.wait_with_output().unwrap();
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(err.contains("interrupted"), "{err}");
    assert!(!staged(), "the staging folder was left behind");
    assert_eq!(
        std::fs::read(site.path().join("public/index.html")).unwrap(),
        b"previous"
    );
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

/// Headings whose slugs are ids brief gives its own elements (`main`,
/// `mentioned-in`, a mention anchor) get ids of their own: no page holds an
/// id twice, and links to `#main` still reach the page's main text.
#[test]
fn heading_slugs_never_collide_with_ids_brief_uses() {
    let site = write_site(&[
        ("briefing.toml", CONFIG),
        ("content/parties/acme.md", PARTY),
        (
            "content/sections/01-a.md",
            b"+++\ntitle = \"A\"\n+++\n## Main\n\nSee [](party:acme).\n\n\
              ## Mentioned in\n\n## M party acme 1\n\n## Related\n",
        ),
        (
            "content/sections/02-b.md",
            b"+++\ntitle = \"B\"\n+++\nBack to [](section:a).\n",
        ),
    ]);
    let out = build_ok(site.path());
    let html = page(&out, "sections/a.html");
    let mut ids: Vec<&str> = select(&html, "[id]")
        .iter()
        .filter_map(|e| e.value().attr("id"))
        .collect();
    ids.sort_unstable();
    let mut repeated = ids.clone();
    repeated.dedup();
    assert_eq!(ids.len(), repeated.len(), "{ids:?}");
    for id in [
        "main",
        "mentioned-in",
        "m-party-acme-1",
        "h-main",
        "h-mentioned-in",
    ] {
        assert!(ids.contains(&id), "{id}: {ids:?}");
    }
    assert_eq!(text(&select(&html, "h2#h-mentioned-in")[0]), "Mentioned in");
}

/// Every id on `path` of the output, in order.
fn ids_on(out: &std::path::Path, path: &str) -> Vec<String> {
    let html = page(out, path);
    select(&html, "[id]")
        .iter()
        .filter_map(|e| e.value().attr("id").map(str::to_string))
        .collect()
}

/// In `print.html` every body shares the page: a heading of section `a`
/// must not take the id of section `a-terms`, nor of its own title, nor a
/// party's body the id of another party's entry.
#[test]
fn print_ids_of_one_body_never_meet_another_entrys() {
    let site = write_site(&[
        ("briefing.toml", CONFIG),
        (
            "content/parties/acme.md",
            b"+++\nname = \"Acme\"\nkind = \"company\"\n+++\n## Corp\n\nText.\n",
        ),
        (
            "content/parties/acme-corp.md",
            b"+++\nname = \"Acme Corp\"\nkind = \"company\"\n+++\n",
        ),
        (
            "content/sections/01-a.md",
            b"+++\ntitle = \"A\"\n+++\n## Terms\n\n## Title\n\nSee [](party:acme), [](party:acme-corp).\n",
        ),
        (
            "content/sections/02-a-terms.md",
            b"+++\ntitle = \"A terms\"\n+++\nMore.\n",
        ),
    ]);
    let out = build_ok(site.path());
    let mut ids = ids_on(&out, "print.html");
    for id in [
        "section-a-terms",
        "section-a_terms",
        "section-a_title",
        "party-acme-corp",
    ] {
        assert!(ids.iter().any(|i| i == id), "{id}: {ids:?}");
    }
    ids.sort_unstable();
    let all = ids.len();
    ids.dedup();
    assert_eq!(all, ids.len(), "an id repeats in print.html: {ids:?}");
}
