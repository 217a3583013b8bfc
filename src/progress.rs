//! Progress for the command line: a spinner naming the build stage, drawn on
//! standard error only when it is a terminal and `--quiet` is not given.
//!
//! It is the binary's, not the library's: the library only announces stages
//! through a callback and never draws anything.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use brief::Stage;

pub struct Spinner {
    bar: ProgressBar,
}

impl Spinner {
    pub fn new(quiet: bool) -> Spinner {
        if quiet || !std::io::stderr().is_terminal() {
            return Spinner {
                bar: ProgressBar::hidden(),
            };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(100));
        Spinner { bar }
    }

    pub fn stage(&self, stage: Stage) {
        self.bar.set_message(match stage {
            Stage::Compiling => "reading and checking the sources",
            Stage::Rendering => "rendering pages",
            Stage::Verifying => "verifying every link",
            Stage::Writing => "writing the output",
        });
    }

    /// Clears the spinner so the summary and diagnostics print cleanly.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
