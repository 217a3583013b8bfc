//! Quotes checked against the copies of their sources in `sources/`: the
//! shipped briefing passes, one changed word or one pasted sentence is
//! reported where it was made, readers see which quotes were checked, and
//! nothing of `sources/` is ever published.

use std::path::Path;

use crate::support::*;

const SOURCE: &str = "sources/openai-microsoft-amazon-2026-04-28.txt";

/// The shipped briefing's inputs, copied into a fresh folder to change.
fn shipped_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = repo_root();
    std::fs::copy(root.join("briefing.toml"), tmp.path().join("briefing.toml")).unwrap();
    for dir in ["content", "sources"] {
        copy_dir(&root.join(dir), &tmp.path().join(dir));
    }
    tmp
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{}: no {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Every file under `dir`, as paths relative to it.
fn files(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            rel.to_string_lossy().into_owned()
        })
        .collect()
}

#[test]
fn the_shipped_briefing_checks_every_direct_quote_against_its_source() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_shipped(&out);
    let graph: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("graph.json")).unwrap()).unwrap();
    let quotes: Vec<(String, String, serde_json::Value)> = graph["entities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "quote")
        .map(|e| {
            let kind = e["quote_kind"].as_str().unwrap().to_string();
            (
                e["id"].as_str().unwrap().to_string(),
                kind,
                e["checked"].clone(),
            )
        })
        .collect();
    let direct: Vec<_> = quotes.iter().filter(|q| q.1 == "direct").collect();
    assert_eq!(direct.len(), 2, "{quotes:?}");
    for (id, _, checked) in direct {
        assert!(
            checked["paragraph"].as_u64().unwrap() > 0,
            "{id}: {checked}"
        );
        assert!(checked["line"].as_u64().unwrap() > 0, "{id}: {checked}");
    }
    let sandman = quotes
        .iter()
        .find(|q| q.0 == "sandman-qwen-deepseek")
        .unwrap();
    assert_eq!(sandman.2, serde_json::json!({"paragraph": 21, "line": 42}));
    for (id, kind, checked) in &quotes {
        if kind == "paraphrase" {
            assert!(checked.is_null(), "{id}: {checked}");
        }
    }
}

#[test]
fn one_changed_word_of_a_direct_quote_is_an_error_at_that_word() {
    let site = shipped_copy();
    let quote = site.path().join("content/quotes/sandman-qwen-deepseek.md");
    edit(
        &quote,
        "might have been significant",
        "might have been important",
    );
    let err = build_fails(site.path());
    let expected = format!(
        "error[misquote]: direct quote is not word for word in {SOURCE}\n\
         \x20 ┌─ content/quotes/sandman-qwen-deepseek.md:3:77\n\
         \x20 │\n\
         3 │ text = \"If this news had been announced a few years ago, it might have been important, but the current market focus is truly on Qwen and DeepSeek.\"\n\
         \x20 │                                                                             ^^^^^^^^^ the source has \"significant\" where the quote has \"important\"\n\
         \x20 │\n\
         \x20 = help: closest passage, {SOURCE}:42 (paragraph 21): \
         “…been announced a few years ago, it might have been «significant», but the current market focus is truly on Qwen and DeepSeek…”\n"
    );
    assert!(err.starts_with(&expected), "{err}");
    assert!(
        err.ends_with("build failed: 1 error(s), 0 warning(s)\n"),
        "{err}"
    );
}

#[test]
fn a_source_sentence_pasted_into_a_section_is_a_warning_at_it() {
    let site = shipped_copy();
    let section = site.path().join("content/sections/02-the-money.md");
    let text = std::fs::read_to_string(&section).unwrap();
    let line = text.lines().count() + 2;
    std::fs::write(
        &section,
        format!(
            "{text}\nUnder the new terms, Microsoft will no longer pay revenue shares to OpenAI, \
             eliminating a fixed cost expense for Microsoft.\n"
        ),
    )
    .unwrap();
    let out = brief(site.path(), &["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let expected = format!(
        "warning[copied-from-source]: copied from {SOURCE}:22; quote it or say it in your own words\n\
         \x20  ┌─ content/sections/02-the-money.md:{line}:1\n"
    );
    assert!(err.starts_with(&expected), "{err}");
    assert!(err.contains("^ 20 words as the source has them\n"), "{err}");
    let denied = brief(site.path(), &["check", "--deny-warnings"]);
    assert_eq!(denied.status.code(), Some(1), "{}", stderr(&denied));
}

#[test]
fn sources_never_reach_the_output() {
    let site = site("warnings/copied-from-source");
    let out = build_ok(site.path());
    let tmp = tempfile::tempdir().unwrap();
    let shipped = tmp.path().join("public");
    build_shipped(&shipped);
    let source_text = std::fs::read_to_string(repo_root().join(SOURCE)).unwrap();
    // A sentence of the source that the briefing neither quotes nor repeats.
    let sentence = "Microsoft has lost its moat advantage in the AI infrastructure sector";
    assert!(source_text.contains(sentence));
    for (out, secrets) in [
        (&out, ["7Q4-ZX", "memo.md", "private.txt"]),
        (&shipped, [sentence, "openai-microsoft-amazon", ".txt"]),
    ] {
        let written = files(out);
        assert!(written.len() > 10, "{written:?}");
        for path in &written {
            assert!(!path.starts_with("sources"), "{path} was published");
            let bytes = std::fs::read(out.join(path)).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            for secret in secrets {
                assert!(!text.contains(secret), "{path} holds {secret:?}");
            }
        }
    }
}

#[test]
fn a_checked_quote_says_so_on_its_page_its_card_and_in_print() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_shipped(&out);
    let said = "Checked against Wallstreetcn, 28 April 2026, paragraph 21";
    let shown = |path: &str, css: &str| -> Vec<String> {
        let html = page(&out, path);
        select(&html, css).iter().map(text).collect()
    };
    assert_eq!(
        shown(
            "quotes/sandman-qwen-deepseek.html",
            "article.entity > .checked"
        ),
        [said]
    );
    assert_eq!(
        shown("sections/customer-doubts.html", "main .card-quote .checked"),
        [said]
    );
    assert_eq!(
        shown("print.html", "#quote-sandman-qwen-deepseek > .checked"),
        [said]
    );
    assert_eq!(
        shown("quotes/sandman-claude-coding.html", ".checked"),
        Vec::<String>::new()
    );
    // A quote checked against a source with no publisher or date names its
    // title; a direct quote with no source says nothing.
    let site = site("warnings/copied-from-source");
    let out = build_ok(site.path());
    let html = page(&out, "quotes/stunning.html");
    let checked: Vec<String> = select(&html, "article.entity > .checked")
        .iter()
        .map(text)
        .collect();
    assert_eq!(checked, ["Checked against A memo, paragraph 2"]);
    let html = page(&out, "quotes/unsourced.html");
    assert!(select(&html, ".checked").is_empty());
}

#[test]
fn the_threshold_of_copied_words_is_the_briefings_to_set() {
    let site = site("warnings/copied-from-source");
    let config = site.path().join("briefing.toml");
    edit(&config, "copied_words = 10", "copied_words = 16");
    let out = brief(site.path(), &["check"]);
    let err = stderr(&out);
    assert_eq!(
        err.matches("warning[copied-from-source]").count(),
        1,
        "{err}"
    );
    assert!(err.contains("^ 17 words as the source has them"), "{err}");
    edit(&config, "copied_words = 16", "copied_words = 0");
    let err = stderr(&brief(site.path(), &["check"]));
    assert!(!err.contains("copied-from-source"), "{err}");
}

#[test]
fn init_keeps_its_source_in_sources_and_new_quote_names_the_field() {
    let tmp = tempfile::tempdir().unwrap();
    let run = brief(tmp.path(), &["init", "site", "--quiet"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let root = tmp.path().join("site");
    let config = std::fs::read_to_string(root.join("briefing.toml")).unwrap();
    assert!(config.contains("file = \"source-1.txt\""), "{config}");
    assert!(root.join("sources/source-1.txt").is_file());
    let out = build_ok(&root);
    let html = page(&out, "quotes/example-statement.html");
    let checked: Vec<String> = select(&html, ".checked").iter().map(text).collect();
    assert_eq!(
        checked,
        ["Checked against Its publisher, 1 January 2026, paragraph 2"]
    );
    let root_arg = root.to_str().unwrap();
    let run = brief(tmp.path(), &["new", "quote", "said", "--root", root_arg]);
    assert!(run.status.success(), "{}", stderr(&run));
    let skeleton = std::fs::read_to_string(root.join("content/quotes/said.md")).unwrap();
    let source_line = skeleton.lines().find(|l| l.contains("source =")).unwrap();
    assert!(source_line.contains("sources/"), "{skeleton}");
}
