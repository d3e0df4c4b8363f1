//! The reach answer (hop by hop): scrolling, copying it, and asking again from the same pod to
//! another destination.

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::overlay::Overlay;
use super::super::reach;
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
    Action::Reach,
];

pub const FOOTER: &[Hint] = &[
    (Action::Back, "back"),
    (Action::Reach, "other target"),
    (Action::Down, "scroll"),
    (Action::Copy, "copy"),
    (Action::Help, "help"),
];

pub fn on_action(state: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    let height = state.text_height();
    if action == Action::Reach {
        return Some(reach::open_from_view(state));
    }
    let columns = super::super::layout::text_columns(state.width, state.height);
    let Some(Overlay::Reach(view)) = &mut state.overlay else {
        return None;
    };
    let count = reach::rows(view, columns).len();
    let page = height as isize;
    match action {
        Action::Up => view.view.scroll_by(-1, count, height),
        Action::Down => view.view.scroll_by(1, count, height),
        Action::PageUp => view.view.scroll_by(-page, count, height),
        Action::PageDown => view.view.scroll_by(page, count, height),
        Action::Top => view.view.scroll_by(isize::MIN / 2, count, height),
        Action::Bottom => view.view.scroll_by(isize::MAX / 2, count, height),
        Action::Copy => {
            let text = reach::lines(view)
                .into_iter()
                .map(|l| l.text)
                .collect::<Vec<_>>()
                .join("\n");
            return Some(super::copy(state, "the reach answer", text));
        }
        _ => return None,
    }
    state.dirty = true;
    Some(Vec::new())
}
