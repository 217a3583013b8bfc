//! `brief init` starts a site that builds and passes a strict check, and
//! `brief new` writes a skeleton entry without ever overwriting one.

use crate::support::*;

#[test]
fn init_makes_a_site_that_builds_and_passes_a_strict_check() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("briefing");
    let run = brief(tmp.path(), &["init", "briefing"]);
    assert!(run.status.success(), "{}", stderr(&run));
    for kind in ["sections", "parties", "clauses", "quotes"] {
        assert_eq!(
            std::fs::read_dir(dir.join("content").join(kind))
                .unwrap()
                .count(),
            1,
            "{kind}"
        );
    }
    let run = brief(&dir, &["check", "--deny-warnings"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let run = brief(&dir, &["build", "--deny-warnings", "--quiet"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(
        broken_links(&dir.join("public")),
        Vec::<(String, String)>::new()
    );
    let again = brief(tmp.path(), &["init", "briefing"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("not empty"), "{}", stderr(&again));
}

#[test]
fn new_writes_a_skeleton_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(
        brief(tmp.path(), &["init", "s", "--quiet"])
            .status
            .success()
    );
    let root = tmp.path().join("s");
    let root_arg = root.to_str().unwrap();
    let run = brief(tmp.path(), &["new", "party", "globex", "--root", root_arg]);
    assert!(run.status.success(), "{}", stderr(&run));
    let path = root.join("content/parties/globex.md");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("+++\nname = \"Globex\"\nkind = \"company\""),
        "{text}"
    );
    std::fs::write(&path, "+++\nname = \"Mine\"\nkind = \"person\"\n+++\n").unwrap();
    let again = brief(tmp.path(), &["new", "party", "globex", "--root", root_arg]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "+++\nname = \"Mine\"\nkind = \"person\"\n+++\n"
    );
    let section = brief(
        tmp.path(),
        &["new", "section", "outlook", "--root", root_arg],
    );
    assert!(section.status.success(), "{}", stderr(&section));
    assert!(root.join("content/sections/02-outlook.md").is_file());
    let check = brief(&root, &["check"]);
    assert!(
        check.status.success(),
        "new files check with warnings only:\n{}",
        stderr(&check)
    );
    let bad = brief(tmp.path(), &["new", "quote", "Bad_Id", "--root", root_arg]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("`bad-id`"), "{}", stderr(&bad));
    assert!(!root.join("content/quotes/Bad_Id.md").exists());
}
