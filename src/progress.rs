//! Progress for the command line: a spinner naming the build stage, drawn on
//! standard error only when it is a terminal and `--quiet` is not given.
//!
//! It is the binary's, not the library's: the library only announces stages
//! through a callback and never draws anything.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use brief::Stage;

/// Runs `work` with a spinner naming each stage it announces, cleared when
/// it ends so that the summary and diagnostics print cleanly.
pub fn spin<T>(quiet: bool, work: impl FnOnce(&dyn Fn(Stage)) -> T) -> T {
    let bar = if quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(100));
        bar
    };
    let done = work(&|stage| {
        bar.set_message(match stage {
            Stage::Compiling => "reading and checking the sources",
            Stage::Rendering => "rendering pages",
            Stage::Verifying => "verifying every link",
            Stage::Writing => "writing the output",
        })
    });
    bar.finish_and_clear();
    done
}
