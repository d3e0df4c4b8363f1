//! "What can I do here": scrolling the access review's answer and copying it.

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
    Action::Copy,
];

pub const FOOTER: &[Hint] = &[
    (Action::Back, "back"),
    (Action::Down, "scroll"),
    (Action::Copy, "copy"),
    (Action::Help, "help"),
];

pub fn on_action(state: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    let height = state.text_height();
    let Some(Overlay::Access(a)) = &mut state.overlay else {
        return None;
    };
    let count = match &a.lines {
        Some(Ok(lines)) => lines.len(),
        _ => 0,
    };
    let page = height as isize;
    match action {
        Action::Up => a.view.scroll_by(-1, count, height),
        Action::Down => a.view.scroll_by(1, count, height),
        Action::PageUp => a.view.scroll_by(-page, count, height),
        Action::PageDown => a.view.scroll_by(page, count, height),
        Action::Top => a.view.scroll_by(isize::MIN / 2, count, height),
        Action::Bottom => a.view.scroll_by(isize::MAX / 2, count, height),
        Action::Copy => {
            let text = match &a.lines {
                Some(Ok(lines)) => lines
                    .iter()
                    .map(|l| l.text.as_str())
                    .collect::<Vec<_>>()
                    .join("\n"),
                _ => return Some(Vec::new()),
            };
            return Some(super::copy(state, "the access review", text));
        }
        _ => return None,
    }
    state.dirty = true;
    Some(Vec::new())
}
