//! The quote check on whole sites, and on a source and a briefing as large
//! as the check must stay fast for.

use super::index::SourceText;
use super::words::words;
use super::*;

/// Compiles a site made of `(path, text)` files, `briefing.toml` included.
fn compile(files: &[(&str, &str)]) -> crate::Compiled {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    crate::compile(dir.path(), None).unwrap()
}

const CONFIG: &str = "title = \"T\"\n[[sources]]\nid = \"a\"\ntitle = \"A\"\nfile = \"a.txt\"\n";

const PARTY: (&str, &str) = (
    "content/parties/ada.md",
    "+++\nname = \"Ada\"\nkind = \"person\"\n+++\n",
);

fn quote(text: &str) -> String {
    format!("+++\nspeaker = \"ada\"\ntext = {text}\nkind = \"direct\"\nsource = \"a\"\n+++\n")
}

fn codes(compiled: &crate::Compiled) -> Vec<(&'static str, String)> {
    (compiled.diagnostics.iter())
        .map(|d| (d.code, d.label.clone()))
        .collect()
}

#[test]
fn a_quote_is_found_whatever_its_quotation_marks_dashes_and_line_breaks() {
    let source = "Title\n\nFirst paragraph.\n\nShe said: \u{201c}It\u{2019}s a long\u{2014}and\nwinding road, but we\u{2019}ll get there in the end.\u{201d}\n";
    let text = quote("\"\\\"It's a long - and winding road ... we'll get there\\\"\"");
    let compiled = compile(&[
        ("briefing.toml", CONFIG),
        ("sources/a.txt", source),
        PARTY,
        ("content/quotes/road.md", &text),
    ]);
    let (briefing, _) = compiled.site.as_ref().unwrap();
    assert_eq!(
        briefing.checked.get(&0),
        Some(&Checked {
            line: 5,
            paragraph: 3
        })
    );
    assert!(
        !codes(&compiled)
            .iter()
            .any(|(c, _)| c.starts_with("misquote")),
        "{:?}",
        codes(&compiled)
    );
}

#[test]
fn a_quote_with_escapes_is_pointed_at_as_a_whole() {
    let compiled = compile(&[
        ("briefing.toml", CONFIG),
        ("sources/a.txt", "We cannot stop now.\n"),
        PARTY,
        (
            "content/quotes/stop.md",
            &quote("\"We can\\u0027t stop now.\""),
        ),
    ]);
    let misquote = (compiled.diagnostics.iter())
        .find(|d| d.code == "misquote")
        .expect("a misquote");
    let file = compiled.files.text(misquote.file);
    assert_eq!(&file[misquote.span.clone()], "\"We can\\u0027t stop now.\"");
    assert_eq!(
        misquote.label,
        "the source has \"cannot\" where the quote has \"can't\""
    );
}

#[test]
fn without_a_file_a_source_checks_nothing() {
    let compiled = compile(&[
        (
            "briefing.toml",
            "title = \"T\"\n[[sources]]\nid = \"a\"\ntitle = \"A\"\n",
        ),
        PARTY,
        ("content/quotes/any.md", &quote("\"Words found nowhere.\"")),
    ]);
    let (briefing, _) = compiled.site.as_ref().unwrap();
    assert!(briefing.checked.is_empty());
    assert!(
        !codes(&compiled)
            .iter()
            .any(|(c, _)| c.contains("quote") || c.contains("source")),
        "{:?}",
        codes(&compiled)
    );
}

/// A text of `n` words drawn from a vocabulary of 5,000 with a skew like a
/// language's (a few words very common), in sentences and paragraphs.
fn prose(n: usize, seed: u64) -> String {
    let mut state = seed;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut text = String::new();
    for i in 0..n {
        let r = next() % 5000;
        let word = r * r / 5000;
        text.push_str(&format!("w{word}"));
        text.push_str(match i % 97 {
            96 => ".\n\n",
            x if x % 13 == 12 => ". ",
            _ => " ",
        });
    }
    text
}

#[test]
fn a_source_of_100000_words_finds_its_quotes_and_names_each_difference() {
    let text = prose(100_000, 7);
    let all = words(&text, 0);
    assert_eq!(all.len(), 100_000);
    let source = SourceText::new("sources/a.txt".into(), text, formats::Format::Text, 12);
    let changed = words("changed", 0)[0].hash;
    let mut found = 0;
    for q in 0..1000 {
        let start = (q * 997) % (all.len() - 40);
        let mut quote = all[start..start + 25].to_vec();
        if q % 10 == 0 {
            quote[12].hash = changed;
            let at = source.closest(&quote).unwrap();
            assert!(
                source
                    .align(&quote, at)
                    .iter()
                    .any(|s| s.0 == index::Change::Changed && s.1 == 12)
            );
        } else if source.find(&quote, 0).is_some() {
            found += 1;
        }
    }
    assert_eq!(found, 900);
    // A quote of 50,000 words with one changed near its end costs no more.
    let mut long = all[1000..51_000].to_vec();
    long[40_000].hash = changed;
    let at = source.closest(&long).unwrap();
    assert_eq!(at, 1000);
    let steps = source.align(&long, at);
    let first = steps.iter().find(|s| s.0 != index::Change::Same);
    assert_eq!(
        first,
        Some(&index::Step(index::Change::Changed, 40_000, 41_000))
    );
    let other = words(&prose(100_000, 11), 0);
    let copied = source.copied(&other);
    assert!(copied.len() < 10, "{} runs", copied.len());
    // How long this takes is measured in BENCHMARKS.md, not here.
}

mod random {
    use super::*;
    use proptest::prelude::*;

    /// Text of a few words, with the marks the check normalises or treats
    /// specially: quotation marks, dashes, ellipses, line breaks, markup.
    fn text() -> impl Strategy<Value = String> {
        let piece = prop::sample::select(vec![
            "we",
            "can",
            "cannot",
            "can't",
            "it\u{2019}s",
            "\u{201c}",
            "\u{201d}",
            "\"",
            "\u{2014}",
            "-",
            "...",
            "\u{2026}",
            "\n",
            "\n\n",
            " ",
            "<p>",
            "&amp;",
            "\u{e9}t\u{e9}",
            "\u{4e2d}",
            "[",
            "]",
            "*",
        ]);
        prop::collection::vec(piece, 0..40).prop_map(|p| p.join(" "))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Whatever the source and the quote, the check ends in diagnostics,
        /// never a panic, in every format a source may be written in.
        #[test]
        fn any_quote_against_any_source_gives_diagnostics(
            source in text(),
            quoted in text(),
            ext in prop::sample::select(vec!["txt", "md", "html"]),
        ) {
            let config = CONFIG.replace("a.txt", &format!("a.{ext}"));
            let quote = quote(&toml::Value::String(quoted).to_string());
            compile(&[
                ("briefing.toml", config.as_str()),
                (&format!("sources/a.{ext}"), source.as_str()),
                PARTY,
                ("content/quotes/q.md", quote.as_str()),
            ]);
        }
    }
}
