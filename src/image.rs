//! The picture a shared link shows (`image` in `briefing.toml`, a file under
//! `static/`): found, and its size read, while the site compiles, so that a
//! missing or unreadable picture is an error at the `image` value rather
//! than a broken preview wherever the link is pasted.

use std::path::Path;

use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::model::Briefing;

/// The share picture: its path in the output and its size in pixels.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Image {
    pub path: String,
    pub width: usize,
    pub height: usize,
}

/// The picture `image` names under `root/static/`, or why it cannot be used.
pub fn check(root: &Path, briefing: &Briefing) -> (Option<Image>, Vec<Diagnostic>) {
    let Some(image) = &briefing.config.image else {
        return (None, Vec::new());
    };
    let name = image.get_ref().trim();
    let error = |message: String, help: &str| {
        let span = image.span();
        let found = Diagnostic::error("image", briefing.config_file, span, message);
        (None, vec![found.with_label("this file").with_help(help)])
    };
    if let Some(inner) = name.strip_prefix("static/") {
        return error(
            "`image` is a path inside static/, not from the site".into(),
            &format!("write `image = \"{inner}\"`"),
        );
    }
    if name.is_empty() || !crate::output::is_inside(name) {
        return error(
            format!("`{name}` is not a file inside static/"),
            "put the picture in static/ and give its path there",
        );
    }
    let folder = root.join("static");
    let path = folder.join(name);
    // A name inside the folder may still lead out of it through a link.
    let inside = (folder.canonicalize().ok())
        .zip(path.canonicalize().ok())
        .is_some_and(|(folder, path)| path.starts_with(folder));
    if !inside {
        return error(
            format!("static/{name} does not exist"),
            "copy the picture to static/, or leave `image` out",
        );
    }
    match imagesize::size(&path) {
        Ok(size) => {
            let image = Image {
                path: name.replace('\\', "/"),
                width: size.width,
                height: size.height,
            };
            (Some(image), Vec::new())
        }
        Err(err) => error(
            format!("static/{name} is not a picture brief can read: {err}"),
            "use a PNG, JPEG, GIF or WebP file",
        ),
    }
}
