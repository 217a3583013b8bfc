//! The `brief` command line: parses arguments, calls the library, prints
//! diagnostics and picks the exit code (0 ok, 1 content errors, 2 usage or
//! environment). No pipeline logic lives here.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use brief::{BuildOptions, Compiled, diagnostics};

#[derive(Parser)]
#[command(
    name = "brief",
    version,
    about = "Build annotated briefings into linked static sites"
)]
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
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder [default: ROOT/public].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Absolute URL the site will live at (for sitemap.xml and canonical links).
        #[arg(long)]
        base_url: Option<String>,
        /// Fail on warnings too.
        #[arg(long)]
        deny_warnings: bool,
        /// Replace an output folder that brief did not create.
        #[arg(long)]
        force: bool,
    },
    /// Check everything a build checks; write nothing.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        deny_warnings: bool,
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
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err((code, message)) => {
            eprintln!("error: {message}");
            ExitCode::from(code)
        }
    }
}

type Failure = (u8, String);

fn fail(err: brief::Error) -> Failure {
    (err.exit_code(), err.to_string())
}

fn run(cli: Cli) -> Result<u8, Failure> {
    match cli.command {
        Command::Build {
            root,
            out,
            base_url,
            deny_warnings,
            force,
        } => {
            let started = Instant::now();
            let out = out.unwrap_or_else(|| root.join("public"));
            let options = BuildOptions {
                base_url,
                deny_warnings,
                force,
            };
            let built = brief::build(&root, &out, &options).map_err(fail)?;
            let code = report(&built.compiled, deny_warnings);
            if let Some(written) = built.written
                && !cli.quiet
            {
                eprintln!(
                    "built {} files ({} KB) into {} in {} ms",
                    written.files,
                    written.bytes / 1024,
                    out.display(),
                    started.elapsed().as_millis()
                );
            }
            Ok(code)
        }
        Command::Check {
            root,
            deny_warnings,
        } => {
            let compiled = brief::compile(&root).map_err(fail)?;
            let code = report(&compiled, deny_warnings);
            if code == 0 && !cli.quiet {
                eprintln!("ok: no errors, {} warning(s)", compiled.warnings());
            }
            Ok(code)
        }
        Command::Render { file, root } => {
            let text = read_input(file.as_deref())?;
            let html = brief::render_fragment(&text, Some(&root)).map_err(fail)?;
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(html.as_bytes())
                .map_err(|e| (2, format!("cannot write output: {e}")))?;
            Ok(0)
        }
    }
}

fn read_input(file: Option<&Path>) -> Result<String, Failure> {
    match file {
        Some(path) if path != Path::new("-") => std::fs::read_to_string(path)
            .map_err(|e| (2, format!("cannot read {}: {e}", path.display()))),
        _ => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| (2, format!("cannot read standard input: {e}")))?;
            Ok(text)
        }
    }
}

/// Prints the diagnostics and returns the exit code they call for.
fn report(compiled: &Compiled, deny_warnings: bool) -> u8 {
    let text = diagnostics::render(&compiled.files, &compiled.diagnostics);
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(text.as_bytes());
    let (errors, warnings) = (compiled.errors(), compiled.warnings());
    if errors > 0 || (deny_warnings && warnings > 0) {
        let denied = if deny_warnings && warnings > 0 {
            " (warnings denied)"
        } else {
            ""
        };
        let _ = writeln!(
            stderr,
            "build failed: {errors} error(s), {warnings} warning(s){denied}"
        );
        let _ = std::io::stderr().is_terminal();
        1
    } else if compiled.site.is_none() {
        1
    } else {
        0
    }
}
