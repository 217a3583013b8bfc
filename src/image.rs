//! The picture a shared link shows (`image` in `briefing.toml`, a file under
//! `static/`): found, and its size read, while the site compiles, so that a
//! missing or unreadable picture is an error at the `image` value rather
//! than a broken preview wherever the link is pasted.

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::model::{Briefing, Image};

/// The picture `image` names under `root/static/`, or why it cannot be used.
pub fn check(root: &Path, briefing: &Briefing) -> (Option<Image>, Vec<Diagnostic>) {
    let Some(image) = &briefing.config.image else {
        return (None, Vec::new());
    };
    match find(root, image.get_ref().trim()) {
        Ok(found) => (Some(found), Vec::new()),
        Err((message, help)) => {
            let error = Diagnostic::error("image", briefing.config_file, image.span(), message);
            (None, vec![error.with_label("this file").with_help(help)])
        }
    }
}

/// The picture `name` under `root/static/`, or the message and help of
/// the error that says why it cannot be used.
fn find(root: &Path, name: &str) -> Result<Image, (String, String)> {
    if let Some(inner) = name.strip_prefix("static/") {
        let message = "`image` is a path inside static/, not from the site";
        return Err((message.into(), format!("write `image = \"{inner}\"`")));
    }
    if name.is_empty() || !crate::output::is_inside(name) {
        let help = "put the picture in static/ and give its path there";
        let message = format!("`{name}` is not a file inside static/");
        return Err((message, help.into()));
    }
    let folder = root.join("static");
    let path = folder.join(name);
    // A name inside the folder may still lead out of it through a link.
    let inside = (folder.canonicalize().ok())
        .zip(path.canonicalize().ok())
        .is_some_and(|(folder, path)| path.starts_with(folder));
    if !inside {
        let help = "copy the picture to static/, or leave `image` out";
        return Err((format!("static/{name} does not exist"), help.into()));
    }
    let size = imagesize::size(&path).map_err(|err| {
        let message = format!("static/{name} is not a picture brief can read: {err}");
        (message, "use a PNG, JPEG, GIF or WebP file".into())
    })?;
    Ok(Image {
        path: name.replace('\\', "/"),
        width: size.width,
        height: size.height,
    })
}
