//! Incremental rebuilds, as `brief serve` makes them after each save, give
//! the same files byte for byte and the same diagnostics as a full build of
//! the same sources, through every kind of edit.

use std::collections::BTreeMap;
use std::path::Path;

use brief::BuildOptions;
use brief::incremental::Incremental;

use crate::support::*;

/// A build's outcome as text and bytes: its diagnostics as the terminal
/// shows them, and its files when it succeeded.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    diagnostics: String,
    files: Option<BTreeMap<String, Vec<u8>>>,
}

fn full_build(root: &Path) -> Outcome {
    let (compiled, files) =
        brief::check(root, &BuildOptions::default(), None).expect("full build runs");
    Outcome {
        diagnostics: brief::diagnostics::render(&compiled.files, &compiled.diagnostics),
        files: files.map(|files| {
            files
                .into_iter()
                .map(|f| (f.path, f.bytes.to_vec()))
                .collect()
        }),
    }
}

/// Rebuilds incrementally and checks the result against a fresh full build.
/// Returns how many pages and feeds the rebuild rendered, None when it failed.
fn rebuild_and_compare(site: &mut Incremental, root: &Path, step: &str) -> Option<usize> {
    let rebuilt = site.build().expect("incremental build runs");
    let compiled = &rebuilt.compiled;
    let incremental = Outcome {
        diagnostics: brief::diagnostics::render(&compiled.files, &compiled.diagnostics),
        files: rebuilt.files.as_ref().map(|files| {
            (files.iter())
                .map(|(path, bytes)| (path.clone(), bytes.to_vec()))
                .collect()
        }),
    };
    let full = full_build(root);
    assert_eq!(
        incremental.diagnostics, full.diagnostics,
        "{step}: diagnostics"
    );
    match (&incremental.files, &full.files) {
        (Some(ours), Some(theirs)) => {
            let paths = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
            assert_eq!(paths(ours), paths(theirs), "{step}: the same files");
            let differing: Vec<&String> = ours
                .iter()
                .filter(|(path, bytes)| theirs.get(*path) != Some(*bytes))
                .map(|(path, _)| path)
                .collect();
            if let Some(first) = differing.first() {
                let ours = String::from_utf8_lossy(&ours[*first]).into_owned();
                let theirs = String::from_utf8_lossy(&theirs[*first]).into_owned();
                let at = ours
                    .bytes()
                    .zip(theirs.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                eprintln!(
                    "{first} at {at}: ours {:?}\ntheirs {:?}",
                    &ours[at.saturating_sub(80)..(at + 120).min(ours.len())],
                    &theirs[at.saturating_sub(80)..(at + 120).min(theirs.len())]
                );
            }
            assert!(differing.is_empty(), "{step}: files differ: {differing:?}");
        }
        (None, None) => {}
        (ours, theirs) => panic!(
            "{step}: incremental build {} but full build {}",
            if ours.is_some() {
                "succeeded"
            } else {
                "failed"
            },
            if theirs.is_some() {
                "succeeded"
            } else {
                "failed"
            },
        ),
    }
    incremental.files.map(|_| rebuilt.rendered)
}

fn edit(root: &Path, path: &str, from: &str, to: &str) {
    let path = root.join(path);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{} holds {from:?}", path.display());
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn every_kind_of_edit_gives_what_a_full_build_gives() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    std::fs::copy(
        repo_root().join("briefing.toml"),
        root.join("briefing.toml"),
    )
    .expect("copy");
    copy_dir(&repo_root().join("content"), &root.join("content"));
    copy_dir(&repo_root().join("sources"), &root.join("sources"));
    let mut site = Incremental::new(root, BuildOptions::default());
    let all = rebuild_and_compare(&mut site, root, "first build").expect("it builds");

    // A sentence in a section body, away from any reference.
    edit(
        root,
        "content/sections/02-the-money.md",
        "The saving has a price.",
        "The saving, plainly, has a price.",
    );
    let rendered = rebuild_and_compare(&mut site, root, "edit a section body").expect("builds");
    assert!(
        rendered * 4 < all,
        "a body edit re-renders {rendered} of {all} pages and feeds"
    );

    // Words beside a reference: the snippet on the page of the party
    // referenced changes, though nothing that party's page shows otherwise does.
    edit(
        root,
        "content/sections/02-the-money.md",
        "money moved in both directions between",
        "money flowed both ways between",
    );
    assert!(rebuild_and_compare(&mut site, root, "edit beside a reference").is_some());

    // Nothing changed: nothing is rendered again, and the templates are
    // not compiled again.
    assert_eq!(rebuild_and_compare(&mut site, root, "no change"), Some(0));

    // A new first mention: every party's label shifts by one.
    edit(
        root,
        "content/sections/01-what-changed.md",
        "On Monday 27 April 2026,",
        "As [the Xurrent people](party:xurrent) noted, on Monday 27 April 2026,",
    );
    assert!(rebuild_and_compare(&mut site, root, "add a new first mention").is_some());

    // A party's name, shown wherever it is referenced with empty link text
    // and in every card and list that names it.
    edit(
        root,
        "content/parties/amazon.md",
        "name = \"Amazon\"",
        "name = \"Amazon.com, Inc.\"",
    );
    assert!(rebuild_and_compare(&mut site, root, "rename a party").is_some());

    // The source's text, which no page shows but every checked quote's
    // paragraph comes from: a paragraph added above the quotes moves them;
    // a quoted word changed fails the build, and put back, mends it.
    let source = "sources/openai-microsoft-amazon-2026-04-28.txt";
    edit(
        root,
        source,
        "\n\nOpenAI has terminated",
        "\n\nA paragraph added.\n\nOpenAI has terminated",
    );
    assert!(rebuild_and_compare(&mut site, root, "add a paragraph to the source").is_some());
    edit(root, source, "have been significant", "have been important");
    assert_eq!(
        rebuild_and_compare(&mut site, root, "change a quoted word in the source"),
        None
    );
    edit(root, source, "have been important", "have been significant");
    assert!(rebuild_and_compare(&mut site, root, "mend the source").is_some());

    // A new section, then the same file deleted.
    std::fs::write(
        root.join("content/sections/08-extra.md"),
        "+++\ntitle = \"Extra\"\n+++\nMore on [](party:openai) and [the deal](clause:openai-on-aws).[^n]\n\n[^n]: A note.\n",
    )
    .expect("write");
    assert!(rebuild_and_compare(&mut site, root, "add a section").is_some());
    std::fs::remove_file(root.join("content/sections/08-extra.md")).expect("remove");
    assert!(rebuild_and_compare(&mut site, root, "delete a section").is_some());

    // A broken reference fails the build like a full build; fixing it brings
    // back the same site.
    edit(
        root,
        "content/sections/03-agi-clause.md",
        "(party:microsoft)",
        "(party:microsfot)",
    );
    assert_eq!(
        rebuild_and_compare(&mut site, root, "break a reference"),
        None
    );
    edit(
        root,
        "content/sections/03-agi-clause.md",
        "(party:microsfot)",
        "(party:microsoft)",
    );
    assert!(rebuild_and_compare(&mut site, root, "fix the reference").is_some());

    // A link to an anchor that does not exist yet fails the build; adding
    // the heading it names to another page mends it, though the page with
    // the link did not change.
    let linking = root.join("content/sections/05-enterprise-race.md");
    let before = std::fs::read_to_string(&linking).expect("read");
    let with_link = format!("{before}\nSee [the new heading](amazon-deal.html#a-new-heading).\n");
    std::fs::write(&linking, &with_link).expect("write");
    assert_eq!(
        rebuild_and_compare(&mut site, root, "link to a missing anchor"),
        None
    );
    // Taking the link out again brings back pages the failed build replaced.
    std::fs::write(&linking, &before).expect("write");
    assert!(rebuild_and_compare(&mut site, root, "take the link out").is_some());
    std::fs::write(&linking, &with_link).expect("write");
    assert_eq!(
        rebuild_and_compare(&mut site, root, "put the link back"),
        None
    );
    edit(
        root,
        "content/sections/04-amazon-deal.md",
        "+++\nOn the day",
        "+++\n## A new heading\n\nOn the day",
    );
    assert!(rebuild_and_compare(&mut site, root, "add the heading it names").is_some());

    // The site's title, on every page; then a template of the site's own.
    edit(root, "briefing.toml", "title = \"", "title = \"The ");
    assert!(rebuild_and_compare(&mut site, root, "retitle the site").is_some());
    std::fs::create_dir_all(root.join("templates")).expect("mkdir");
    std::fs::write(
        root.join("templates/card.html"),
        "<div class=\"own\">{{ <card e={entity} root anchor /> }}</div>",
    )
    .expect("write");
    assert!(rebuild_and_compare(&mut site, root, "override a template").is_some());
    // The same overrides again: compiled once, then reused.
    assert_eq!(
        rebuild_and_compare(&mut site, root, "templates as they were"),
        Some(0)
    );
    // Overriding base.html changes every page; taking the overrides away
    // brings back the built-in templates' pages.
    let base = std::fs::read_to_string(repo_root().join("templates/base.html")).expect("read");
    std::fs::write(
        root.join("templates/base.html"),
        base.replace("<main id=\"main\"", "<main class=\"own\" id=\"main\""),
    )
    .expect("write");
    assert!(rebuild_and_compare(&mut site, root, "override base.html").is_some());
    std::fs::remove_dir_all(root.join("templates")).expect("remove");
    assert!(rebuild_and_compare(&mut site, root, "remove the overrides").is_some());
}
