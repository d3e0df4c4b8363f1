//! Keymaps: keys bound to named actions, per screen layer, with descriptions for the help view.

use crossterm::event::KeyEvent;

use crate::app::action::{Action, Layer};

/// One binding as the help view lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct BindingInfo {
    /// Keys as written for humans: "j / ↓", "Ctrl-d", ":".
    pub keys: String,
    pub action: Action,
    pub desc: String,
}

/// A complete keymap.
#[derive(Debug, Clone)]
pub struct Keymap {}

impl Keymap {
    /// The default keymap shipped in `keymaps/default.toml`.
    pub fn builtin_default() -> Keymap {
        todo!("H4")
    }

    /// The action bound to `key` in `layer`, falling back to the `global` section.
    pub fn resolve(&self, _layer: Layer, _key: &KeyEvent) -> Option<Action> {
        todo!("H4")
    }

    /// Bindings of one layer (not including global), in file order.
    pub fn bindings(&self, _layer: Layer) -> Vec<BindingInfo> {
        todo!("H4")
    }

    /// The first key bound to `action` in `layer` or global, for footer hints ("?", ":").
    pub fn hint(&self, _layer: Layer, _action: Action) -> Option<String> {
        todo!("H4")
    }
}
