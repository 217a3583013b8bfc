//! Where `brief pdf` may put the PDF, and putting it there whole.
//!
//! The PDF may go anywhere but onto or into the site's inputs
//! (`briefing.toml`, `content/`, `templates/`, `static/`), as the one output
//! guard (`output::overlap`) judges it for every command that writes. This
//! module does not decide what to print and never removes anything but its
//! own partial file.

use std::path::{Path, PathBuf};

use super::PdfError;
use crate::output::{Overlap, io, overlap};

/// Refuses an `out` that is, lies inside or holds one of the inputs of the
/// site at `root`.
pub fn refuse_inputs(root: &Path, out: &Path) -> Result<(), PdfError> {
    let input = match overlap(root, out).map_err(io(out))? {
        None => return Ok(()),
        Some(Overlap::Inside(input) | Overlap::Holds(input)) => input,
        Some(Overlap::Site) => "folder",
    };
    Err(PdfError::OutInInputs {
        out: out.to_path_buf(),
        input,
        suggestion: root.join("briefing.pdf"),
    })
}

/// Moves the finished PDF to `out` whole: copied beside it, then renamed.
pub fn place(pdf: &Path, out: &Path) -> Result<u64, PdfError> {
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    let mut partial = out.as_os_str().to_owned();
    partial.push(format!(".partial-{}", std::process::id()));
    let partial = PathBuf::from(partial);
    let bytes = std::fs::copy(pdf, &partial).map_err(io(&partial))?;
    std::fs::rename(&partial, out).map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        io(out)(e)
    })?;
    Ok(bytes)
}
