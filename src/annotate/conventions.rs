//! Markdown that writers know from GitHub, as brief shows it: an alert
//! (`> [!NOTE]`) gets its kind as a visible title, so it reads the same in
//! print and without colour; a task list item's marker becomes a labelled,
//! read-only checkbox. Definition lists need nothing beyond the parser.

use pulldown_cmark::{BlockQuoteKind, Event, Tag};

/// `event`, followed by what brief adds to it.
pub(super) fn expand(event: Event<'_>) -> impl Iterator<Item = Event<'_>> {
    let (event, after) = match event {
        event @ Event::Start(Tag::BlockQuote(Some(kind))) => {
            let title = format!("<p class=\"markdown-alert-title\">{}</p>\n", title(kind));
            (event, Some(Event::Html(title.into())))
        }
        Event::TaskListMarker(done) => {
            let (checked, label) = match done {
                true => (" checked", "Done"),
                false => ("", "To do"),
            };
            let html = format!(
                "<input type=\"checkbox\" class=\"task\" disabled{checked} aria-label=\"{label}\"> "
            );
            (Event::InlineHtml(html.into()), None)
        }
        event => (event, None),
    };
    std::iter::once(event).chain(after)
}

fn title(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => "Note",
        BlockQuoteKind::Tip => "Tip",
        BlockQuoteKind::Important => "Important",
        BlockQuoteKind::Warning => "Warning",
        BlockQuoteKind::Caution => "Caution",
    }
}
