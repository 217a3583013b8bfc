//! Bare pulldown-cmark: Markdown on standard input to HTML on standard output,
//! with the same parser options `brief` uses. The baseline `brief render` is
//! measured against in BENCHMARKS.md.
//!
//! ```text
//! cargo run --release --example markdown < file.md > file.html
//! ```

use std::io::{Read, Write};

use pulldown_cmark::{Options, Parser, html};

fn main() {
    let mut text = String::new();
    if std::io::stdin().read_to_string(&mut text).is_err() {
        eprintln!("standard input is not UTF-8 text");
        std::process::exit(2);
    }
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION;
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, Parser::new_ext(&text, options));
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
}
