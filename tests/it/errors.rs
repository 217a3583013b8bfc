//! Sites with mistakes: every error located, suggested, all reported at once,
//! exit 1, and the previous output left untouched. Expected messages live
//! beside each fixture in `expected.txt`; `BLESS=1` rewrites them.

use crate::support::*;

/// Builds `tests/fixtures/errors/<name>` and compares stderr with its
/// `expected.txt`; the exit code must be 1 and nothing may be written.
fn check_case(name: &str) -> Result<(), String> {
    let site = site(&format!("errors/{name}"));
    let out = brief(site.path(), &["build"]);
    let actual = stderr(&out);
    if out.status.code() != Some(1) {
        return Err(format!("{name}: exit {:?}\n{actual}", out.status.code()));
    }
    if site.path().join("public").exists() {
        return Err(format!("{name}: a failed build wrote output"));
    }
    let expected_path = fixture(&format!("errors/{name}/expected.txt"));
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&expected_path, &actual).map_err(|e| e.to_string())?;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    if actual != expected {
        return Err(format!(
            "{name}: stderr differs\n--- expected\n{expected}\n--- actual\n{actual}"
        ));
    }
    Ok(())
}

/// Every folder under `tests/fixtures/errors/` is a case.
#[test]
fn every_error_fixture_fails_with_its_exact_message() {
    let mut cases: Vec<String> = std::fs::read_dir(fixture("errors"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().join("briefing.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert!(cases.len() >= 15, "{cases:?}");
    let failures: Vec<String> = cases.iter().filter_map(|c| check_case(c).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn warnings_fail_only_when_denied() {
    let site = site("warnings/basic");
    let out = brief(site.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning[unreferenced]: party `lonely` is never referenced"),
        "{}",
        stderr(&out)
    );
    let out = brief(site.path(), &["check", "--deny-warnings"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("warning[speaker-not-linked]"),
        "{}",
        stderr(&out)
    );
}

/// `brief check` on `tests/fixtures/warnings/<name>` prints exactly its
/// `expected.txt` and passes, and fails once warnings are denied.
fn check_warning_case(name: &str) -> Result<(), String> {
    let site = site(&format!("warnings/{name}"));
    let out = brief(site.path(), &["check"]);
    let actual = stderr(&out);
    if out.status.code() != Some(0) {
        return Err(format!("{name}: exit {:?}\n{actual}", out.status.code()));
    }
    let expected_path = fixture(&format!("warnings/{name}/expected.txt"));
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&expected_path, &actual).map_err(|e| e.to_string())?;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    if actual != expected {
        return Err(format!(
            "{name}: stderr differs\n--- expected\n{expected}\n--- actual\n{actual}"
        ));
    }
    let denied = brief(site.path(), &["check", "--deny-warnings"]);
    if denied.status.code() != Some(1) {
        return Err(format!(
            "{name}: denied warnings exit {:?}",
            denied.status.code()
        ));
    }
    Ok(())
}

/// Every folder under `tests/fixtures/warnings/` with an `expected.txt` is a case.
#[test]
fn every_warning_fixture_warns_with_its_exact_message() {
    let mut cases: Vec<String> = std::fs::read_dir(fixture("warnings"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().join("expected.txt").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert!(cases.contains(&"self-reference".to_string()), "{cases:?}");
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| check_warning_case(c).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = site("build/basic");
    let out = build_ok(site.path());
    let before = std::fs::read(out.join("parties/acme.html")).unwrap();
    let section = site.path().join("content/sections/01-deal.md");
    let text = std::fs::read_to_string(&section).unwrap();
    std::fs::write(&section, text.replace("party:acme", "party:acmee")).unwrap();
    let run = brief(site.path(), &["build"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        stderr(&run).contains("did you mean `acme`?"),
        "{}",
        stderr(&run)
    );
    assert_eq!(
        std::fs::read(out.join("parties/acme.html")).unwrap(),
        before
    );
}

#[test]
fn missing_config_is_an_environment_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = brief(tmp.path(), &["build"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: no briefing.toml in ."),
        "{}",
        stderr(&out)
    );
}

/// Links and images a browser would run as script, in a body and as a
/// source's `url`, are errors at the link, not published.
#[test]
fn script_scheme_links_are_errors() {
    check_case("script-links").unwrap();
}

/// `parties:`, `Party:`, `clauses:`, `qoute:` are misspelt reference kinds,
/// reported with the kind meant, not published as dead links.
#[test]
fn misspelt_reference_kinds_are_errors_with_a_suggestion() {
    check_case("misspelt-kinds").unwrap();
}

/// Required text left blank (`title = ""`, `name = "  "`, a `before` the
/// status needs) is an error at the value saying which key to fill.
#[test]
fn empty_required_fields_are_errors_at_the_value() {
    check_case("empty-fields").unwrap();
}

/// What `brief new` writes for a quote, a clause and an event does not build until
/// its blanks are filled, and the errors say which.
#[test]
fn brief_new_skeletons_must_be_filled_before_they_build() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    let run = |args: &[&str]| brief(tmp.path(), args);
    assert_eq!(run(&["init", "site"]).status.code(), Some(0));
    let site = dir.to_str().unwrap();
    for (kind, id) in [
        ("party", "new-co"),
        ("clause", "new-term"),
        ("quote", "new-words"),
        ("event", "new-happening"),
    ] {
        let out = run(&["new", kind, id, "--root", site]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let out = brief(&dir, &["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for key in ["speaker", "text", "before", "after"] {
        assert!(
            err.contains(&format!("`{key}` is empty: fill it in")),
            "{key}: {err}"
        );
    }
    assert!(err.contains("expected a date"), "{err}");
}

/// References to an entity whose own file has an error say so, in one line,
/// after that error, instead of calling it unknown.
#[test]
fn references_to_an_entity_that_failed_to_load_point_at_its_error() {
    check_case("cascade").unwrap();
}

/// A clause whose `until` ends before its `effective` starts is an error at
/// `until`; one that ends within the year it starts is not.
#[test]
fn until_before_effective_is_an_error_at_until() {
    check_case("until-before-effective").unwrap();
}

/// A date in quotes or in another form names the forms accepted (this was
/// already so; the case is kept under its own name).
#[test]
fn a_bad_date_names_the_accepted_forms() {
    check_case("bad-date").unwrap();
}

/// `--base-url` must be a web address: a usage error (exit 2) in one line.
#[test]
fn base_url_must_start_with_http() {
    let site = site("build/basic");
    let out = brief(site.path(), &["build", "--base-url", "example.org/brief/"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let first = stderr(&out).lines().next().unwrap_or_default().to_string();
    assert!(
        first.contains("is not a web address: give one starting with https:// or http://"),
        "{}",
        stderr(&out)
    );
    assert!(!site.path().join("public").exists());
    let out = brief(
        site.path(),
        &["build", "--base-url", "https://example.org/brief/"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// Every command that takes `--root` or `--deny-warnings` says what it does.
#[test]
fn root_and_deny_warnings_have_help() {
    let tmp = tempfile::tempdir().unwrap();
    for command in ["build", "check", "pdf", "serve", "new", "render"] {
        let out = brief(tmp.path(), &[command, "-h"]);
        let help = String::from_utf8_lossy(&out.stdout).into_owned();
        let flags = help.lines().filter(|l| {
            let l = l.trim_start();
            l.starts_with("--root") || l.starts_with("--deny-warnings")
        });
        for line in flags {
            // What is left once the flag, its value's name and its default go.
            let before_default = line.split("[default").next().unwrap_or_default();
            let words = (before_default.split_whitespace())
                .filter(|w| !w.starts_with('-') && !w.starts_with('<'))
                .count();
            assert!(words > 0, "{command}: {line:?} has no help\n{help}");
        }
        assert!(help.contains("--root"), "{command}\n{help}");
    }
}

/// A party, clause or quote with the id `index` would write over its kind's
/// index page: an error at the file, and references to it point there.
#[test]
fn the_id_index_is_refused_where_it_names_an_index_page() {
    check_case("reserved-index").unwrap();
}

/// A static file with the path of a page brief renders (`static/index.html`,
/// `static/parties/acme.html`) is an error at each such file.
#[test]
fn a_static_file_that_shadows_a_page_is_an_error() {
    check_case("static-shadows-page").unwrap();
}

/// Writes `bytes` to `name` in `dir` and runs `brief render name` there.
fn render_file(dir: &std::path::Path, name: &str, bytes: &[u8]) -> std::process::Output {
    std::fs::write(dir.join(name), bytes).unwrap();
    brief(dir, &["render", name])
}

/// With a site, `brief render` reports a reference to nothing as a build
/// does, an error with a suggestion, and prints no HTML.
#[test]
fn render_reports_unknown_references_against_its_site() {
    let site = site("build/basic");
    let out = render_file(
        site.path(),
        "x.md",
        b"+++\ntitle = \"X\"\n+++\nHi [](party:acme) and [](party:acmee).\n",
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty());
    assert!(
        err.contains("error[unknown-party]: unknown party `acmee`"),
        "{err}"
    );
    assert!(err.contains("x.md:4:23"), "{err}");
    assert!(err.contains("did you mean `acme`?"), "{err}");
}

/// Without a site every reference is unknown: a warning each, located,
/// and the fragment is still printed, its front matter and byte-order
/// mark left out.
#[test]
fn render_without_a_site_warns_of_references_and_strips_front_matter() {
    let tmp = tempfile::tempdir().unwrap();
    let out = render_file(
        tmp.path(),
        "x.md",
        b"\xEF\xBB\xBF+++\ntitle = \"X\"\n+++\nHi [](party:acme).\n",
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning[unknown-party]: unknown party `acme`"),
        "{err}"
    );
    assert!(err.contains("x.md:4:4"), "{err}");
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(
        html.starts_with("<p>Hi <a class=\"ref ref-party\" href=\"parties/acme.html\""),
        "{html}"
    );
    assert!(!html.contains("+++") && !html.contains("title"), "{html}");
    assert!(!html.contains('\u{feff}'), "{html}");
}

/// Input that is not UTF-8 is a located error, exit 1, and no output.
#[test]
fn render_locates_invalid_utf8() {
    let tmp = tempfile::tempdir().unwrap();
    let out = render_file(tmp.path(), "x.md", b"ok\nbad \xFF byte\n");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty());
    assert!(
        err.contains("error[not-utf8]: this file is not valid UTF-8 text"),
        "{err}"
    );
    assert!(err.contains("x.md:2:5"), "{err}");
}
