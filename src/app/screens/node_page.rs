//! A node's page: scrolling it, describing the node, copying the page. `Back` returns to the
//! Troubleshoot view with its cursor where it was.

use crate::model::{ObjKey, ResourceKind};

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::nav;
use super::super::node_page::{NodePagePane, lines, node_of_selected, plain};
use super::super::overlay::Overlay;
use super::super::state::AppState;
use super::{Hint, detail};

pub const HANDLES: &[Action] = &[
    Action::Up,
    Action::Down,
    Action::PageUp,
    Action::PageDown,
    Action::Top,
    Action::Bottom,
    Action::Describe,
    Action::Copy,
];

pub const FOOTER: &[Hint] = &[
    (Action::Back, "back"),
    (Action::Describe, "describe node"),
    (Action::Down, "scroll"),
    (Action::Copy, "copy"),
    (Action::Help, "help"),
];

/// Opens the page of the node the selected Nodes-tab finding is about; `false` when it is
/// about no node (the caller describes the finding's object instead).
pub fn open_from_troubleshoot(state: &mut AppState) -> bool {
    let Some(node) = node_of_selected(state) else {
        return false;
    };
    nav::open(state, Overlay::NodePage(Box::new(NodePagePane::new(&node))));
    true
}

pub fn on_action(state: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    let height = state.text_height();
    let count = match &state.overlay {
        Some(Overlay::NodePage(p)) => lines(state, p).len(),
        _ => return None,
    };
    let page = height as isize;
    let Some(Overlay::NodePage(p)) = &mut state.overlay else {
        return None;
    };
    match action {
        Action::Up => p.view.scroll_by(-1, count, height),
        Action::Down => p.view.scroll_by(1, count, height),
        Action::PageUp => p.view.scroll_by(-page, count, height),
        Action::PageDown => p.view.scroll_by(page, count, height),
        Action::Top => p.view.scroll_by(isize::MIN / 2, count, height),
        Action::Bottom => p.view.scroll_by(isize::MAX / 2, count, height),
        Action::Describe => {
            let key = ObjKey::new("", p.node.clone());
            return Some(detail::open(state, ResourceKind::Nodes, key, false));
        }
        Action::Copy => {
            let Some(Overlay::NodePage(p)) = &state.overlay else {
                return Some(Vec::new());
            };
            let text = plain(state, p);
            return Some(super::copy(state, "the node's page", text));
        }
        _ => return None,
    }
    state.dirty = true;
    Some(Vec::new())
}
