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
