//! The help page: scrolling through the sections generated from the keymap.

use super::super::action::{Action, Layer};
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
    Action::Back,
];

pub const FOOTER: &[Hint] = &[
    (Action::Back, "close"),
    (Action::Down, "scroll"),
    (Action::PageDown, "page"),
];

pub fn on_action(state: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    let height = state.text_height();
    let count = help_lines(state);
    let Some(Overlay::Help(view)) = &mut state.overlay else {
        return None;
    };
    let page = height as isize;
    match action {
        Action::Up => view.scroll_by(-1, count, height),
        Action::Down => view.scroll_by(1, count, height),
        Action::PageUp => view.scroll_by(-page, count, height),
        Action::PageDown => view.scroll_by(page, count, height),
        Action::Top => view.scroll_by(isize::MIN / 2, count, height),
        Action::Bottom => view.scroll_by(isize::MAX / 2, count, height),
        Action::Back => super::nav::back(state),
        _ => return None,
    }
    state.dirty = true;
    Some(Vec::new())
}

/// Lines of the help page: a title, the bindings and a blank line per layer, then the
/// commands' section.
pub fn help_lines(state: &AppState) -> usize {
    let layers: usize = Layer::ALL
        .iter()
        .map(|l| state.keymap.bindings(*l).len())
        .filter(|n| *n > 0)
        .map(|n| n + 2)
        .sum();
    layers + 1 + super::command_line::COMMANDS.len()
}
