//! Spec-style examples of the annotation syntax: Markdown in, HTML out.

use super::*;

mod agreement;
mod links;
mod markdown;
mod notes;
mod references;
mod scanning;

impl RawRef {
    /// The element id the rendered reference carries (`m-party-openai-2`).
    fn anchor(&self) -> String {
        anchor_id("", self.kind, &self.id, self.nth)
    }
}

/// Every reference resolves; names are the id in capitals, labels `X1`.
struct Fixed;

impl Targets for Fixed {
    fn target(&self, kind: Kind, id: &str) -> Option<Target> {
        (id != "missing").then(|| Target {
            href: format!("../{}/{id}.html", kind.dir()),
            name: id.to_uppercase(),
            label: kind.label_letter().map(|l| format!("{l}1")),
        })
    }

    fn card(&self, kind: Kind, id: &str, anchor: &str) -> Option<String> {
        Some(format!(
            "<aside id=\"{anchor}\">card {}:{id}</aside>\n",
            kind.as_str()
        ))
    }
}

/// The scan of `body` on its own, its snippets copied.
fn scan(body: &str, name: &dyn Fn(Kind, &str) -> Option<String>) -> Vec<RawRef> {
    scan::scan_body(body, None, name)
}

fn html(markdown: &str) -> String {
    render(
        markdown,
        &Fixed,
        &Highlighter::default(),
        RenderOptions::default(),
    )
    .html
}

fn no_names(_: Kind, id: &str) -> Option<String> {
    Some(id.to_uppercase())
}
