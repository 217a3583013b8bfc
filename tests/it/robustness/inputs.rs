//! Odd and oversized input: line endings and byte order marks, bytes that
//! are not UTF-8, huge and deeply nested bodies, references in headings and
//! tables, and symbolic links that loop or lead out of the site. Each builds,
//! or fails with a located error.

use super::{CONFIG, PARTY, themed_site};
use crate::support::*;

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
