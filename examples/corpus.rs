//! Writes a deterministic benchmark corpus: one `brief` site and the same text as
//! plain Markdown sites for Hugo and mdBook, with links in each tool's native
//! form.
//!
//! ```text
//! cargo run --release --example corpus -- N OUTDIR
//! ```
//!
//! N sections of about 700 words (headings, a list, a block quote, a footnote,
//! 5 section references and 5–6 party/clause/quote references each, a fenced code
//! block in every 10th), N/5 parties, N/10 clauses and N/10 quotes.
//! `OUTDIR/brief`, `OUTDIR/hugo` and `OUTDIR/mdbook` are replaced, and so is
//! `OUTDIR/brief-sourced`: the `brief` site with a copy of its source in
//! `sources/` (100 words of it per quote, the quote's words among them), every
//! quote naming it, for timing the quote check.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

const WORDS: &[&str] = &[
    "agreement",
    "cloud",
    "revenue",
    "share",
    "license",
    "exclusive",
    "partner",
    "market",
    "customer",
    "model",
    "enterprise",
    "capacity",
    "compute",
    "investment",
    "stake",
    "board",
    "deal",
    "terms",
    "runtime",
    "platform",
    "growth",
    "contract",
    "analyst",
    "demand",
    "pricing",
    "workload",
    "region",
    "latency",
    "margin",
    "quarter",
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "with",
    "for",
    "on",
    "that",
    "by",
    "as",
    "from",
    "its",
    "under",
    "after",
];

/// A small linear congruential generator: the corpus must be identical on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn words(&mut self, n: usize) -> String {
        let mut out = String::new();
        for i in 0..n {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(WORDS[self.below(WORDS.len())]);
        }
        out
    }
}

/// How a link to another page is written in each flavour.
#[derive(Clone, Copy, PartialEq)]
enum Flavour {
    Brief,
    Hugo,
    MdBook,
}

fn link(flavour: Flavour, kind: &str, dir: &str, id: &str, text: &str) -> String {
    match flavour {
        Flavour::Brief => format!("[{text}]({kind}:{id})"),
        Flavour::Hugo => format!("[{text}](/{dir}/{id}/)"),
        Flavour::MdBook => format!("[{text}](../{dir}/{id}.md)"),
    }
}

struct Counts {
    sections: usize,
    parties: usize,
    clauses: usize,
    quotes: usize,
}

fn section_body(rng: &mut Rng, flavour: Flavour, n: usize, c: &Counts) -> String {
    let mut body = String::new();
    let mut refs = Vec::new();
    for _ in 0..5 {
        // A section never links to itself, as `brief` warns of that; moving
        // to the next section keeps the draws, so the rest of the corpus
        // stays byte for byte what it was.
        let s = match rng.below(c.sections) {
            s if s == n && c.sections > 1 => (s + 1) % c.sections,
            s => s,
        };
        refs.push(link(
            flavour,
            "section",
            "sections",
            &format!("s{s}"),
            &rng.words(2),
        ));
    }
    let entity_refs = [
        ("party", "parties", 'p', c.parties, 1),
        ("party", "parties", 'p', c.parties, 1),
        ("clause", "clauses", 'c', c.clauses, 2),
        ("clause", "clauses", 'c', c.clauses, 2),
    ];
    for (kind, dir, prefix, count, words) in entity_refs {
        let id = format!("{prefix}{}", rng.below(count));
        refs.push(link(flavour, kind, dir, &id, &rng.words(words)));
    }
    // A quote is referenced next to its speaker, as a careful author would.
    let q = rng.below(c.quotes);
    let speaker = link(
        flavour,
        "party",
        "parties",
        &format!("p{}", q % c.parties),
        "the speaker",
    );
    refs.push(format!(
        "{speaker} said {}",
        link(flavour, "quote", "quotes", &format!("q{q}"), &rng.words(2))
    ));
    let mut refs = refs.into_iter();
    for part in 0..4 {
        let _ = writeln!(body, "## {}\n", rng.words(3));
        for _ in 0..2 {
            let _ = write!(body, "{}", rng.words(40));
            if let Some(r) = refs.next() {
                let _ = write!(body, " {r} ");
            }
            let _ = writeln!(body, "{}.\n", rng.words(30));
        }
        if part == 1 {
            for _ in 0..4 {
                let _ = writeln!(body, "- {}", rng.words(8));
            }
            body.push('\n');
        }
        if part == 2 {
            let _ = writeln!(body, "> {}\n", rng.words(25));
            let _ = writeln!(body, "{}.[^1]\n", rng.words(20));
        }
    }
    if n.is_multiple_of(10) {
        // Each block its own code, as in a real briefing: no cache can
        // highlight one block for all.
        let _ = writeln!(
            body,
            "```rust\nfn main() {{\n    let total: u64 = (1..={n}).sum();\n    println!(\"{{total}}\");\n}}\n```\n"
        );
    }
    for r in refs {
        let _ = writeln!(body, "{} {r}.\n", rng.words(12));
    }
    let _ = writeln!(body, "[^1]: {}.", rng.words(15));
    body
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create folder");
    }
    fs::write(path, text).expect("write corpus file");
}

/// `brief` with its source's copy: every quote gets `source = "s"`, and
/// `sources/s.txt` holds each quote's text in 85 other words, a paragraph
/// a quote.
fn sourced(brief: &Path, out: &Path) {
    let _ = fs::remove_dir_all(out);
    let mut rng = Rng(7);
    let mut source = String::new();
    for entry in walk(brief) {
        let rel = entry.strip_prefix(brief).expect("inside the corpus");
        let mut text = fs::read_to_string(&entry).expect("read corpus file");
        if rel.starts_with("content/quotes") {
            let quoted = (text.lines())
                .find_map(|l| l.strip_prefix("text = \"")?.strip_suffix('"'))
                .unwrap_or("");
            let _ = write!(source, "{} {quoted} {}\n\n", rng.words(40), rng.words(45));
            text = text.replacen("+++\n", "+++\nsource = \"s\"\n", 1);
        }
        write(&out.join(rel), &text);
    }
    write(
        &out.join("briefing.toml"),
        "title = \"Benchmark corpus\"\n[[sources]]\nid = \"s\"\ntitle = \"Source\"\nfile = \"s.txt\"\n",
    );
    write(&out.join("sources/s.txt"), &source);
}

/// Every file under `dir`, in sorted order.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut entries: Vec<_> = (fs::read_dir(dir).expect("read corpus folder"))
        .map(|e| e.expect("read corpus folder").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(n), Some(out)) = (
        args.get(1).and_then(|n| n.parse::<usize>().ok()),
        args.get(2),
    ) else {
        eprintln!("usage: corpus N OUTDIR");
        std::process::exit(2);
    };
    let out = Path::new(out);
    let c = Counts {
        sections: n,
        parties: (n / 5).max(1),
        clauses: (n / 10).max(1),
        quotes: (n / 10).max(1),
    };
    for flavour in [Flavour::Brief, Flavour::Hugo, Flavour::MdBook] {
        let (root, content) = match flavour {
            Flavour::Brief => (out.join("brief"), out.join("brief/content")),
            Flavour::Hugo => (out.join("hugo"), out.join("hugo/content")),
            Flavour::MdBook => (out.join("mdbook"), out.join("mdbook/src")),
        };
        let _ = fs::remove_dir_all(&root);
        let mut rng = Rng(42);
        let mut summary = String::from("# Summary\n\n");
        let page = |dir: &str,
                    id: &str,
                    front: String,
                    title: &str,
                    body: String,
                    summary: &mut String| {
            let path = content.join(dir).join(format!("{id}.md"));
            match flavour {
                Flavour::Brief => write(&path, &format!("+++\n{front}+++\n{body}")),
                Flavour::Hugo => write(&path, &format!("+++\ntitle = \"{title}\"\n+++\n{body}")),
                Flavour::MdBook => {
                    write(&path, &format!("# {title}\n\n{body}"));
                    let _ = writeln!(summary, "- [{title}]({dir}/{id}.md)");
                }
            }
        };
        for i in 0..c.sections {
            let title = format!("Section {i}: {}", rng.words(3));
            let body = section_body(&mut rng, flavour, i, &c);
            let front = format!("title = \"{title}\"\nsummary = \"{}\"\n", rng.words(12));
            let id = format!("s{i}");
            // Brief orders sections by a numeric prefix; the id stays `s{i}`.
            let stem = if flavour == Flavour::Brief {
                format!("{i:05}-{id}")
            } else {
                id.clone()
            };
            page("sections", &stem, front, &title, body, &mut summary);
        }
        for i in 0..c.parties {
            let name = format!("Party {i}");
            let front = format!(
                "name = \"{name}\"\nkind = \"company\"\nrole = \"{}\"\n",
                rng.words(6)
            );
            let body = format!("{}\n", rng.words(60));
            page(
                "parties",
                &format!("p{i}"),
                front,
                &name,
                body,
                &mut summary,
            );
        }
        for i in 0..c.clauses {
            let title = format!("Clause {i}");
            let front = format!(
                "title = \"{title}\"\nstatus = \"changed\"\nparties = [\"p{}\"]\nbefore = \"{}\"\nafter = \"{}\"\n",
                rng.below(c.parties),
                rng.words(8),
                rng.words(8)
            );
            let body = format!("{}\n", rng.words(60));
            page(
                "clauses",
                &format!("c{i}"),
                front,
                &title,
                body,
                &mut summary,
            );
        }
        for i in 0..c.quotes {
            let title = format!("Quote {i}");
            let front = format!(
                "speaker = \"p{}\"\ntext = \"{}\"\nkind = \"direct\"\n",
                i % c.parties,
                rng.words(15)
            );
            let body = format!("{}\n", rng.words(30));
            page(
                "quotes",
                &format!("q{i}"),
                front,
                &title,
                body,
                &mut summary,
            );
        }
        match flavour {
            Flavour::Brief => {
                write(
                    &root.join("briefing.toml"),
                    "title = \"Benchmark corpus\"\n",
                );
                sourced(&root, &out.join("brief-sourced"));
            }
            Flavour::Hugo => {
                write(
                    &root.join("hugo.toml"),
                    "baseURL = \"https://example.org/\"\ntitle = \"Benchmark corpus\"\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\"]\n[markup.highlight]\nnoClasses = false\n",
                );
                write(
                    &root.join("layouts/_default/single.html"),
                    "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>\n",
                );
                write(
                    &root.join("layouts/_default/list.html"),
                    "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></body></html>\n",
                );
            }
            Flavour::MdBook => {
                write(&content.join("SUMMARY.md"), &summary);
                write(
                    &root.join("book.toml"),
                    "[book]\ntitle = \"Benchmark corpus\"\n[output.html]\nsearch.enable = false\n",
                );
            }
        }
    }
}
