//! Keys in the namespace and context pickers: typing filters, Enter chooses (a typed namespace
//! when namespaces cannot be listed), and favourites are toggled.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::cluster::Scope;

use super::contexts;
use super::effect::Effect;
use super::keys::switch_scope;
use super::overlay::Overlay;
use super::picker;
use super::state::AppState;

/// The entries the open picker shows, as names.
pub fn picker_entries(state: &AppState) -> Vec<String> {
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
        _ => Vec::new(),
    }
}

/// Typing in a picker filters it; Enter chooses.
pub fn picker_text_key(state: &mut AppState, key: &KeyEvent) -> Option<Vec<Effect>> {
    let entries = picker_entries(state);
    let (picker, is_contexts) = match state.overlay.as_mut() {
        Some(Overlay::Namespaces(p)) => (p, false),
        Some(Overlay::Contexts(p)) => (p, true),
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
            state.overlay = None;
            Some(match (choice.as_deref(), is_contexts) {
                (None, _) => Vec::new(),
                (Some(name), true) => contexts::switch_context(state, name),
                (Some(picker::ALL_NAMESPACES), false) => switch_scope(state, Scope::All),
                (Some(name), false) => switch_scope(state, Scope::Namespace(name.to_string())),
            })
        }
        KeyCode::Backspace => {
            picker.filter.pop();
            picker.selected = 0;
            Some(Vec::new())
        }
        KeyCode::Char(c) if !ctrl && !c.is_control() => {
            picker.filter.push(c);
            picker.selected = 0;
            Some(Vec::new())
        }
        _ => None,
    }
}

/// Marks or unmarks the namespace under the cursor of the namespace picker as a favourite.
pub fn toggle_favourite(state: &mut AppState) {
    let Some(Overlay::Namespaces(picker)) = &state.overlay else {
        return;
    };
    let Some(name) = picker_entries(state).get(picker.selected).cloned() else {
        return;
    };
    if name == picker::ALL_NAMESPACES {
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
    let position = picker_entries(state).iter().position(|e| *e == name);
    if let (Some(Overlay::Namespaces(picker)), Some(position)) = (&mut state.overlay, position) {
        picker.selected = position;
    }
}
