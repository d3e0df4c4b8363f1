//! The namespace and context pickers: typing filters, Enter chooses (a typed namespace when
//! namespaces cannot be listed), arrows move, and namespaces can be marked as favourites.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::cluster::Scope;

use super::super::action::Action;
use super::super::contexts;
use super::super::effect::Effect;
use super::super::nav;
use super::super::overlay::Overlay;
use super::super::picker::{self, Picker};
use super::super::state::{AppState, say};
use super::Hint;

pub const HANDLES: &[Action] = &[
    Action::Up,
    Action::Down,
    Action::PageUp,
    Action::PageDown,
    Action::Top,
    Action::Bottom,
    Action::ToggleFavourite,
];

pub const NAMESPACES_FOOTER: &[Hint] = &[
    (Action::Back, "cancel"),
    (Action::Down, "next"),
    (Action::ToggleFavourite, "favourite"),
];

pub const CONTEXTS_FOOTER: &[Hint] = &[(Action::Back, "cancel"), (Action::Down, "next")];

/// Opens the namespace picker on the current namespace.
pub fn open_namespaces(state: &mut AppState) {
    let current = picker_entries_for(state, true)
        .iter()
        .position(|n| n == state.scope.label())
        .unwrap_or(0);
    nav::open(
        state,
        Overlay::Namespaces(Picker {
            filter: String::new(),
            selected: current,
        }),
    );
}

/// Opens the context picker on the current context.
pub fn open_contexts(state: &mut AppState) {
    let current = state
        .contexts
        .iter()
        .position(|c| c.name == state.target.context)
        .unwrap_or(0);
    let screen = Overlay::Contexts(Picker {
        filter: String::new(),
        selected: current,
    });
    if matches!(state.overlay, Some(Overlay::Contexts(_))) {
        nav::replace(state, screen);
    } else {
        nav::open(state, screen);
    }
}

fn picker_entries_for(state: &AppState, namespaces: bool) -> Vec<String> {
    if namespaces {
        let names = state.namespace_names();
        let favourites = state.current_favourites();
        picker::entries(&names, &favourites, "")
            .into_iter()
            .map(str::to_string)
            .collect()
    } else {
        Vec::new()
    }
}

/// The entries the open picker shows, as names.
pub fn entries(state: &AppState) -> Vec<String> {
    match &state.overlay {
        Some(Overlay::Namespaces(p)) => {
            let names = state.namespace_names();
            let favourites = state.current_favourites();
            picker::entries(&names, &favourites, &p.filter)
                .into_iter()
                .map(str::to_string)
                .collect()
        }
        Some(Overlay::Contexts(p)) => contexts::entries(&state.contexts, &p.filter)
            .into_iter()
            .map(|c| c.name.clone())
            .collect(),
        Some(Overlay::ReachPicker(r)) => r.entries(),
        _ => Vec::new(),
    }
}

pub fn on_action(state: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    let len = entries(state).len();
    let page = state.text_height() as isize;
    let is_namespaces = matches!(state.overlay, Some(Overlay::Namespaces(_)));
    let p = match &mut state.overlay {
        Some(Overlay::Namespaces(p) | Overlay::Contexts(p)) => p,
        Some(Overlay::ReachPicker(r)) => &mut r.picker,
        _ => return None,
    };
    let delta = match action {
        Action::Up => -1,
        Action::Down => 1,
        Action::PageUp => -page,
        Action::PageDown => page,
        Action::Top => isize::MIN / 2,
        Action::Bottom => isize::MAX / 2,
        Action::ToggleFavourite if is_namespaces => {
            toggle_favourite(state);
            return Some(Vec::new());
        }
        Action::ToggleFavourite => {
            say(state, "favourites are for namespaces", false);
            return Some(Vec::new());
        }
        _ => return None,
    };
    p.selected = (p.selected as isize)
        .saturating_add(delta)
        .clamp(0, len.saturating_sub(1) as isize) as usize;
    state.dirty = true;
    Some(Vec::new())
}

/// Typing in a picker filters it; Enter chooses.
pub fn text_key(state: &mut AppState, key: &KeyEvent) -> Option<Vec<Effect>> {
    if key.code == KeyCode::Enter && matches!(state.overlay, Some(Overlay::ReachPicker(_))) {
        return Some(crate::app::reach::choose(state));
    }
    let entries = entries(state);
    let (picker, is_contexts) = match state.overlay.as_mut() {
        Some(Overlay::Namespaces(p)) => (p, false),
        Some(Overlay::Contexts(p)) => (p, true),
        Some(Overlay::ReachPicker(r)) => (&mut r.picker, false),
        _ => return None,
    };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Enter => {
            // Users who may not list namespaces can type one: when nothing matches, the typed
            // text is the namespace.
            let typed = (!is_contexts && entries.is_empty() && !picker.filter.trim().is_empty())
                .then(|| picker.filter.trim().to_string());
            let choice = typed.or_else(|| entries.get(picker.selected).cloned());
            nav::back(state);
            Some(match (choice.as_deref(), is_contexts) {
                (None, _) => Vec::new(),
                (Some(name), true) => contexts::switch_context(state, name),
                (Some(picker::ALL_NAMESPACES), false) => contexts::switch_scope(state, Scope::All),
                (Some(name), false) => {
                    contexts::switch_scope(state, Scope::Namespace(name.to_string()))
                }
            })
        }
        KeyCode::Backspace => {
            picker.filter.pop();
            picker.selected = 0;
            state.dirty = true;
            Some(Vec::new())
        }
        KeyCode::Char(c) if !ctrl && !c.is_control() => {
            picker.filter.push(c);
            picker.selected = 0;
            state.dirty = true;
            Some(Vec::new())
        }
        _ => None,
    }
}

/// Marks or unmarks the namespace under the cursor as a favourite.
fn toggle_favourite(state: &mut AppState) {
    let Some(Overlay::Namespaces(picker)) = &state.overlay else {
        return;
    };
    let Some(name) = entries(state).get(picker.selected).cloned() else {
        return;
    };
    if name == picker::ALL_NAMESPACES {
        say(state, "move to a namespace to make it a favourite", false);
        return;
    }
    let favourites = state
        .favourites
        .entry(state.target.context.clone())
        .or_default();
    if !favourites.remove(&name) {
        favourites.insert(name.clone());
    }
    // Keep the cursor on the same namespace, which moved up or down the list.
    let position = entries(state).iter().position(|e| *e == name);
    if let (Some(Overlay::Namespaces(picker)), Some(position)) = (&mut state.overlay, position) {
        picker.selected = position;
    }
    state.dirty = true;
}
