//! The `brief` command line: parses arguments, calls the library, prints
//! diagnostics and picks the exit code (0 ok, 1 content errors, 2 usage or
//! environment). No pipeline logic lives here.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use brief::{BuildOptions, Compiled, Diagnostic, Files, diagnostics};

mod progress;

/// Rendering allocates many short-lived strings on every core; mimalloc
/// handles that pattern far better than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
// The command's name is the package's, `brief`.
#[command(version, about = "Build annotated briefings into linked static sites")]
struct Cli {
    /// Print nothing but errors.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder.
    Build {
        /// The briefing's folder (holding briefing.toml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder [default: ROOT/public].
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        options: BuildOptions,
    },
    /// Check everything a build checks; write nothing.
    Check {
        /// The briefing's folder (holding briefing.toml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Fail on warnings too (exit 1), as a publishing pipeline should.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Print the briefing to PDF through a local Chromium (BRIEF_CHROMIUM, or
    /// chromium / chromium-browser / google-chrome on PATH).
    ///
    /// Builds the site into a temporary folder, then prints its print.html: a
    /// cover, contents, the sections and the appendices, with a PDF outline.
    /// The browser loads nothing but the built site, and each run of it may
    /// take BRIEF_PDF_TIMEOUT seconds (default 60).
    Pdf {
        /// The briefing's folder (holding briefing.toml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The PDF to write [default: ROOT/briefing.pdf].
        #[arg(long)]
        out: Option<PathBuf>,
        /// The built page to print, relative to the output root.
        #[arg(long, default_value = "print.html")]
        page: String,
        /// Paper size.
        #[arg(long, value_enum, default_value_t)]
        paper: brief::pdf::Paper,
        /// Fail on warnings too (exit 1), as a publishing pipeline should.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Build in memory, serve on 127.0.0.1, rebuild and live-reload on edits.
    Serve {
        /// The briefing's folder (holding briefing.toml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port on 127.0.0.1; 0 picks a free one.
        #[arg(long, default_value_t = 4040)]
        port: u16,
    },
    /// Write a small working site into DIR (which must be absent or empty).
    Init { dir: PathBuf },
    /// Write a new content file with its front matter skeleton.
    New {
        kind: brief::model::Kind,
        /// The id: lowercase letters, digits and hyphens.
        id: String,
        /// The briefing's folder (holding briefing.toml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Render one Markdown file (or `-` for standard input) to an HTML fragment.
    Render {
        /// The file; standard input when absent or `-`.
        file: Option<PathBuf>,
        /// Site whose entities references resolve against.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

fn main() -> ExitCode {
    let code = run(Cli::parse()).unwrap_or_else(|(code, message)| {
        eprintln!("error: {message}");
        code
    });
    ExitCode::from(code)
}

type Failure = (u8, String);

fn fail(err: brief::Error) -> Failure {
    (err.exit_code(), err.to_string())
}

/// A failure of the environment rather than of the content: exit 2.
fn environment(err: impl std::fmt::Display) -> Failure {
    (2, err.to_string())
}

fn run(cli: Cli) -> Result<u8, Failure> {
    let started = Instant::now();
    let ms = || started.elapsed().as_millis();
    // Check and pdf build with the default options but for warnings.
    let denying = |deny_warnings| BuildOptions {
        deny_warnings,
        ..BuildOptions::default()
    };
    // Each command's exit code, and what it did, told unless `--quiet`.
    let (code, done) = match cli.command {
        Command::Build { root, out, options } => {
            let out = out.unwrap_or_else(|| root.join("public"));
            let built = progress::spin(cli.quiet, |stage| {
                brief::build(&root, &out, &options, stage)
            });
            let (compiled, written) = built.map_err(fail)?;
            let code = report(&compiled, options.deny_warnings);
            if let Some(left) = written.as_ref().and_then(|w| w.left_behind.as_ref()) {
                eprintln!("warning: {left}");
            }
            let done = written.map(|written| {
                let (files, kb, out) = (written.files, written.bytes / 1024, out.display());
                format!("built {files} files ({kb} KB) into {out} in {} ms", ms())
            });
            (code, done)
        }
        Command::Check {
            root,
            deny_warnings,
        } => {
            let options = denying(deny_warnings);
            let checked =
                progress::spin(cli.quiet, |stage| brief::check_only(&root, &options, stage));
            let (compiled, pages) = checked.map_err(fail)?;
            let code = report(&compiled, deny_warnings);
            let warnings = compiled.warnings();
            let done =
                format!("ok: {pages} files render and every link resolves; {warnings} warning(s)");
            (code, (code == 0).then_some(done))
        }
        Command::Pdf {
            root,
            out,
            page,
            paper,
            deny_warnings,
        } => {
            let out = out.unwrap_or_else(|| root.join("briefing.pdf"));
            if !cli.quiet && std::io::stderr().is_terminal() {
                eprintln!("building {} and printing it with Chromium…", root.display());
            }
            let printed = brief::pdf::pdf(&root, &out, &page, paper, &denying(deny_warnings));
            let (compiled, bytes) = printed.map_err(|e| (e.exit_code(), e.to_string()))?;
            let code = report(&compiled, deny_warnings);
            let kb = bytes.map(|bytes| bytes / 1024);
            let done = kb.map(|kb| format!("wrote {} ({kb} KB) in {} ms", out.display(), ms()));
            (code, done)
        }
        Command::Serve { root, port } => {
            brief::serve::serve(&root, port, cli.quiet).map_err(environment)?;
            (0, None)
        }
        Command::Init { dir } => {
            let written = brief::scaffold::init(&dir).map_err(environment)?;
            let (count, dir) = (written.len(), dir.display());
            let next = format!("next: brief serve --root {dir}   (or: brief build --root {dir})");
            (0, Some(format!("wrote {count} files into {dir}\n{next}")))
        }
        Command::New { kind, id, root } => {
            let path = brief::scaffold::new(&root, kind, &id).map_err(environment)?;
            (0, Some(format!("wrote {}", path.display())))
        }
        Command::Render { file, root } => {
            let (bytes, name) = read_input(file.as_deref())?;
            let fragment =
                brief::fragment::render_fragment(&bytes, &name, Some(&root)).map_err(fail)?;
            // As a build writes nothing when it has errors, a fragment with
            // errors is not printed.
            if print_diagnostics(&fragment.files, &fragment.diagnostics, "render", false) {
                return Ok(1);
            }
            let mut out = std::io::stdout().lock();
            let written = (out.write_all(fragment.html.as_bytes())).and_then(|()| out.flush());
            written.map_err(|e| (2, format!("cannot write output: {e}")))?;
            (0, None)
        }
    };
    if let Some(done) = done.filter(|_| !cli.quiet) {
        eprintln!("{done}");
    }
    Ok(code)
}

/// The bytes `brief render` reads, and the name its diagnostics show them
/// under. They are checked as text by the library, which locates a bad byte.
fn read_input(file: Option<&Path>) -> Result<(Vec<u8>, PathBuf), Failure> {
    match file {
        Some(path) if path != Path::new("-") => std::fs::read(path)
            .map(|bytes| (bytes, path.to_path_buf()))
            .map_err(|e| (2, format!("cannot read {}: {e}", path.display()))),
        _ => {
            let mut bytes = Vec::new();
            let read = std::io::stdin().read_to_end(&mut bytes);
            read.map_err(|e| (2, format!("cannot read standard input: {e}")))?;
            Ok((bytes, PathBuf::from("<stdin>")))
        }
    }
}

/// Prints a build's diagnostics and returns the exit code they call for. A
/// build that stopped before it had a site (no briefing.toml to read) fails
/// too.
fn report(compiled: &Compiled, deny: bool) -> u8 {
    let failed = print_diagnostics(&compiled.files, &compiled.diagnostics, "build", deny);
    u8::from(failed || compiled.site.is_none())
}

/// Prints the diagnostics, then, when they fail `what` (a build, a
/// render), a line saying so; returns whether they do.
fn print_diagnostics(files: &Files, diagnostics: &[Diagnostic], what: &str, deny: bool) -> bool {
    let text = diagnostics::render(files, diagnostics);
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(text.as_bytes());
    let errors = diagnostics::errors(diagnostics);
    let warnings = diagnostics.len() - errors;
    let denied = deny && warnings > 0;
    if errors > 0 || denied {
        let denied = if denied { " (warnings denied)" } else { "" };
        let _ = writeln!(
            stderr,
            "{what} failed: {errors} error(s), {warnings} warning(s){denied}"
        );
    }
    errors > 0 || denied
}
