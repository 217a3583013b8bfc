//! Sites with mistakes: every error located, suggested, all reported at once,
//! exit 1, and the previous output left untouched. Expected messages live
//! beside each fixture in `expected.txt`; `BLESS=1` rewrites them.

use crate::support::*;

fn check_case(name: &str) {
    let site = site(&format!("errors/{name}"));
    let out = brief(site.path(), &["build"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{name}: exit code\n{}",
        stderr(&out)
    );
    assert!(
        !site.path().join("public").exists(),
        "{name}: a failed build wrote output"
    );
    let actual = stderr(&out);
    let expected_path = fixture(&format!("errors/{name}/expected.txt"));
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&expected_path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    assert!(
        actual == expected,
        "{name}: stderr differs\n--- expected\n{expected}\n--- actual\n{actual}"
    );
}

#[test]
fn unknown_reference_with_suggestion() {
    check_case("unknown-reference");
}

#[test]
fn front_matter_mistakes() {
    check_case("front-matter");
}

#[test]
fn front_matter_ids_must_exist() {
    check_case("front-matter-ids");
}

#[test]
fn bad_file_names_and_duplicates() {
    check_case("ids");
}

#[test]
fn bad_embeds() {
    check_case("embeds");
}

#[test]
fn warnings_fail_only_when_denied() {
    let site = site("errors/warnings");
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
