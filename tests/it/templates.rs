//! The built-in templates are written out in Rust for speed, and a site that
//! overrides one goes through Tera: both must give the same bytes. Each site
//! here is built as it is, and again with every built-in template copied into
//! its `templates/` with a Tera comment added, which makes them overrides
//! that only Tera can render.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::support::*;

/// Every file under `dir` by its path relative to `dir`.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk output"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside");
            let rel = rel.to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(e.path()).expect("read output"))
        })
        .collect()
}

/// Copies the built-in templates into `site/templates`, each with a comment
/// at its end that renders as nothing.
fn override_every_template(site: &Path) {
    let templates = site.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    for entry in std::fs::read_dir(repo_root().join("templates")).unwrap() {
        let entry = entry.unwrap();
        let mut text = std::fs::read_to_string(entry.path()).unwrap();
        text.push_str("{# the same template, but not the built-in one #}");
        std::fs::write(templates.join(entry.file_name()), text).unwrap();
    }
}

/// Builds `site` as it is and with every template overridden, and asserts
/// the two outputs are the same file for file, byte for byte.
fn assert_same_as_tera(site: &Path) {
    let tera = tempfile::tempdir().unwrap();
    copy_dir(site, tera.path());
    override_every_template(tera.path());
    let native = files(&build_ok(site));
    let through_tera = files(&build_ok(tera.path()));
    assert_eq!(
        native.keys().collect::<Vec<_>>(),
        through_tera.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &native {
        let other = &through_tera[path];
        if bytes != other {
            let (a, b) = (
                String::from_utf8_lossy(bytes),
                String::from_utf8_lossy(other),
            );
            let line = a.lines().zip(b.lines()).position(|(x, y)| x != y);
            let show = |s: &str, n: Option<usize>| match n {
                Some(n) => s.lines().nth(n).unwrap_or("").to_string(),
                None => format!("(length {})", s.len()),
            };
            panic!(
                "{path} differs at line {}:\n  built-in: {}\n  Tera:     {}",
                line.map_or(0, |n| n + 1),
                show(&a, line),
                show(&b, line)
            );
        }
    }
}

#[test]
fn escaping_and_missing_values_come_out_as_tera_makes_them() {
    assert_same_as_tera(site("templates/tricky").path());
}

#[test]
fn small_sites_come_out_as_tera_makes_them() {
    // Nothing but one section; one section, one party and a date; the basic
    // site; a wide table in print.
    for name in [
        "templates/bare",
        "templates/one",
        "build/basic",
        "print/wide",
    ] {
        assert_same_as_tera(site(name).path());
    }
}

#[test]
fn the_shipped_briefing_comes_out_as_tera_makes_it() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo_root().join("briefing.toml"),
        tmp.path().join("briefing.toml"),
    )
    .unwrap();
    copy_dir(&repo_root().join("content"), &tmp.path().join("content"));
    assert_same_as_tera(tmp.path());
}

#[test]
fn a_generated_corpus_comes_out_as_tera_makes_it() {
    let work = tempfile::tempdir().unwrap();
    let run = Command::new(example("corpus"))
        .arg("40")
        .arg(work.path())
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    assert_same_as_tera(&work.path().join("brief"));
}

#[test]
fn a_site_overriding_one_template_gets_it_and_the_rest_unchanged() {
    let plain = site("build/basic");
    let custom = site("build/basic");
    let templates = custom.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let party = std::fs::read_to_string(repo_root().join("templates/party.html")).unwrap();
    let party = party.replace(
        "<article class=\"entity\">",
        "<article class=\"entity custom\">",
    );
    std::fs::write(templates.join("party.html"), party).unwrap();
    let plain = files(&build_ok(plain.path()));
    let custom_out = build_ok(custom.path());
    let custom = files(&custom_out);
    for (path, bytes) in &plain {
        let changed = bytes != &custom[path];
        let is_party_page = path.starts_with("parties/") && path != "parties/index.html";
        assert_eq!(changed, is_party_page, "{path}");
    }
    let html = page(&custom_out, "parties/acme.html");
    assert_eq!(select(&html, "article.entity.custom").len(), 1);
}
