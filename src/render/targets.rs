//! What a body's references point at, as seen from one page: the
//! [`crate::annotate::Targets`] that rendering a body asks. It answers from
//! the entity views of the [`Renderer`], and renders nothing itself but the
//! cards a body embeds (with [`Renderer::card`]).

use std::cell::RefCell;

use super::views::{self, LinkMode};
use super::{RenderError, Renderer};
use crate::annotate::{Target, Targets};
use crate::model::Kind;

/// Reference targets as seen from a page `root` away from the site root, or
/// from `print.html`.
pub(super) struct PageTargets<'r, 'a> {
    pub(super) renderer: &'r Renderer<'a>,
    pub(super) root: &'r str,
    pub(super) mode: LinkMode,
    /// The first card that failed to render, reported once the body is done.
    pub(super) error: RefCell<Option<RenderError>>,
}

impl Targets for PageTargets<'_, '_> {
    fn target(&self, kind: Kind, id: &str) -> Option<Target> {
        let key = self.renderer.briefing.lookup(kind, id)?;
        let view = self.renderer.view(key);
        let href = match self.mode {
            LinkMode::Site => [self.root, &view.href].concat(),
            LinkMode::Print => views::entity_href(self.renderer.briefing, key, LinkMode::Print),
        };
        // On paper a section is found by its number, so print references to
        // sections carry `§N` where other kinds carry their label.
        let label = match (self.mode, view.number) {
            (LinkMode::Print, Some(n)) if kind == Kind::Section => Some(format!("§{n}")),
            _ => view.label.clone(),
        };
        Some(Target {
            href,
            name: view.name.clone(),
            label,
        })
    }

    fn card(&self, kind: Kind, id: &str, anchor: &str) -> Option<String> {
        let key = self.renderer.briefing.lookup(kind, id)?;
        match self.renderer.card(key, self.root, self.mode) {
            // The card is shared; the embed's anchor goes on a wrapper.
            Ok(card) => Some(format!(
                "<div class=\"embed\" id=\"{anchor}\">{card}</div>\n"
            )),
            Err(err) => {
                self.error.borrow_mut().get_or_insert(err);
                None
            }
        }
    }
}
