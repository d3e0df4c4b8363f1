//! Navigation is a stack: a screen opened from another goes on top of it, and `Back` returns to
//! the one beneath, with its cursor where it was. Switching the table's view goes to the top.

use crate::logs::spec::LogEffect;

use super::effect::Effect;
use super::overlay::Overlay;
use super::state::AppState;

/// Opens `screen` over the current one.
pub fn open(state: &mut AppState, screen: Overlay) {
    if let Some(current) = state.overlay.take() {
        state.stack.push(current);
    }
    state.overlay = Some(screen);
    state.dirty = true;
}

/// Puts `screen` in the place of the current one (describe ↔ YAML of the same object).
pub fn replace(state: &mut AppState, screen: Overlay) {
    state.overlay = Some(screen);
    state.dirty = true;
}

/// Returns to the screen beneath (the table when there is none).
pub fn back(state: &mut AppState) {
    state.overlay = state.stack.pop();
    state.dirty = true;
}

/// Closes every screen: the table has the keyboard.
pub fn to_top(state: &mut AppState) {
    state.overlay = None;
    state.stack.clear();
    state.dirty = true;
}

/// Opens a screen of which there is only one: when it is open beneath, returns to it (closing
/// what was opened from it); when it is on top, does nothing.
pub fn open_unique(
    state: &mut AppState,
    is_it: impl Fn(&Overlay) -> bool,
    make: impl FnOnce(&mut AppState) -> (Overlay, Vec<Effect>),
) -> Vec<Effect> {
    if state.overlay.as_ref().is_some_and(&is_it) {
        return Vec::new();
    }
    if let Some(at) = state.stack.iter().rposition(&is_it) {
        state.stack.truncate(at + 1);
        back(state);
        return Vec::new();
    }
    let (screen, effects) = make(state);
    open(state, screen);
    effects
}

/// Ids of the log panes open anywhere in the stack.
pub fn log_panes(state: &AppState) -> Vec<u64> {
    state
        .stack
        .iter()
        .chain(state.overlay.as_ref())
        .filter_map(|o| match o {
            Overlay::Logs(p) => Some(p.id),
            _ => None,
        })
        .collect()
}

/// Stops the streams of panes that were open `before` and are gone now.
pub fn stop_closed_panes(state: &AppState, before: &[u64], effects: &mut Vec<Effect>) {
    let now = log_panes(state);
    for id in before.iter().filter(|id| !now.contains(id)) {
        let stop = Effect::Logs(LogEffect::StopPane { pane: *id });
        if !effects.contains(&stop) {
            effects.push(stop);
        }
    }
}
