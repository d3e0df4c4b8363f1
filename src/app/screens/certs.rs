//! The Certificates screen: moving through the tree (source → entry → certificate), opening
//! and closing nodes, and copying the selected certificate's fields.

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::overlay::Overlay;
use super::super::state::AppState;
use super::Hint;

pub const HANDLES: &[Action] = &[
    Action::Up,
    Action::Down,
    Action::PageUp,
    Action::PageDown,
    Action::Top,
    Action::Bottom,
    Action::Left,
    Action::Right,
    Action::Describe,
];

pub const FOOTER: &[Hint] = &[
    (Action::Back, "back"),
    (Action::Describe, "open/close"),
    (Action::Left, "collapse"),
    (Action::Right, "expand"),
    (Action::Help, "help"),
];

pub fn on_action(state: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    let page = crate::app::layout::certs_tree_rows(state.width, state.height) as isize;
    let Some(Overlay::Certs(pane)) = &mut state.overlay else {
        return None;
    };
    if !HANDLES.contains(&action) {
        return None;
    }
    // Until the inspection has answered there is nothing to move through.
    let Some(Ok(view)) = &mut pane.view else {
        return Some(Vec::new());
    };
    match action {
        Action::Up => view.move_selection(-1),
        Action::Down => view.move_selection(1),
        Action::PageUp => view.move_selection(-page),
        Action::PageDown => view.move_selection(page),
        Action::Top => view.move_selection(isize::MIN / 2),
        Action::Bottom => view.move_selection(isize::MAX / 2),
        Action::Left => view.left(),
        Action::Right => view.right(),
        Action::Describe => view.toggle(),
        _ => return None,
    }
    state.dirty = true;
    Some(Vec::new())
}
