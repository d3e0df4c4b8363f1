//! Keymaps: keys bound to named actions, per screen layer, with descriptions for the help view.
//!
//! A keymap has one ordered list of bindings per [`Layer`]. A key is looked up in the active
//! layer first and then in `global`. Binding a key that a section already binds takes the key
//! away from the old binding (an old binding left without keys disappears, and the new one takes
//! its place in the help view's order). The file format is described in `keymap_file.rs`.

use std::collections::HashMap;

use crossterm::event::KeyEvent;

use super::ConfigError;
use super::key::KeySpec;
use crate::app::action::{Action, Layer};

/// One binding as the help view lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct BindingInfo {
    /// Keys as written for humans: "j / ↓", "Ctrl-d", ":".
    pub keys: String,
    pub action: Action,
    pub desc: String,
}

/// One binding: the keys, the action they run and the help text.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub keys: Vec<KeySpec>,
    pub action: Action,
    pub desc: String,
}

impl Binding {
    fn info(&self) -> BindingInfo {
        let keys: Vec<String> = self.keys.iter().map(ToString::to_string).collect();
        BindingInfo {
            keys: keys.join(" / "),
            action: self.action,
            desc: self.desc.clone(),
        }
    }
}

/// A complete keymap.
#[derive(Debug, Clone, Default)]
pub struct Keymap {
    sections: HashMap<Layer, Vec<Binding>>,
}

impl PartialEq for Keymap {
    /// Two keymaps are equal when every layer has the same bindings in the same order.
    fn eq(&self, other: &Keymap) -> bool {
        let layers = self.sections.keys().chain(other.sections.keys());
        layers
            .into_iter()
            .all(|l| self.section(*l) == other.section(*l))
    }
}

impl Keymap {
    /// The default keymap shipped in `keymaps/default.toml`.
    pub fn builtin_default() -> Keymap {
        Keymap::shipped("default").unwrap_or_default()
    }

    /// A keymap shipped with kmedic, by name (`default`, `vim`). Shipped files are checked by the
    /// test suite, so their errors are not reported here.
    pub fn shipped(name: &str) -> Option<Keymap> {
        let (file, text) = super::shipped::keymap(name)?;
        let mut keymap = Keymap::default();
        let _ = keymap.overlay_toml(&file, text);
        Some(keymap)
    }

    /// Applies the keymap TOML `text` (named `file` in errors) on top of this keymap. Valid
    /// bindings are applied even if others are not; a file that is not TOML changes nothing.
    pub fn overlay_toml(&mut self, file: &str, text: &str) -> Vec<ConfigError> {
        super::keymap_file::overlay(self, file, text)
    }

    /// The action bound to `key` in `layer`, falling back to the `global` section. Key releases
    /// resolve to nothing.
    pub fn resolve(&self, layer: Layer, key: &KeyEvent) -> Option<Action> {
        let key = KeySpec::from_event(key)?;
        [layer, Layer::Global]
            .into_iter()
            .flat_map(|l| self.section(l))
            .find(|b| b.keys.contains(&key))
            .map(|b| b.action)
    }

    /// Bindings of one layer (not including global), in file order.
    pub fn bindings(&self, layer: Layer) -> Vec<BindingInfo> {
        self.section(layer).iter().map(Binding::info).collect()
    }

    /// The global bindings that still apply under `layer`: keys that `layer` binds itself are
    /// left out, and bindings left without keys are dropped. For the help view's second part.
    pub fn global_beneath(&self, layer: Layer) -> Vec<BindingInfo> {
        if layer == Layer::Global {
            return self.bindings(Layer::Global);
        }
        let own = self.section(layer);
        self.section(Layer::Global)
            .iter()
            .filter_map(|b| {
                let keys: Vec<KeySpec> = b
                    .keys
                    .iter()
                    .copied()
                    .filter(|k| !own.iter().any(|o| o.keys.contains(k)))
                    .collect();
                (!keys.is_empty()).then(|| Binding { keys, ..b.clone() }.info())
            })
            .collect()
    }

    /// The first key bound to `action` in `layer` or global, for footer hints ("?", ":").
    pub fn hint(&self, layer: Layer, action: Action) -> Option<String> {
        [layer, Layer::Global]
            .into_iter()
            .flat_map(|l| self.section(l))
            .filter(|b| b.action == action)
            .flat_map(|b| b.keys.first())
            .next()
            .map(ToString::to_string)
    }

    /// The raw bindings of one layer, in order.
    pub fn section(&self, layer: Layer) -> &[Binding] {
        self.sections.get(&layer).map_or(&[], Vec::as_slice)
    }

    /// Binds `binding.keys` in `layer`, taking each key away from any binding that had it.
    pub fn bind(&mut self, layer: Layer, binding: Binding) {
        let section = self.sections.entry(layer).or_default();
        let mut slot = None;
        let mut i = 0;
        while i < section.len() {
            let old = &mut section[i];
            let had_keys = !old.keys.is_empty();
            old.keys.retain(|k| !binding.keys.contains(k));
            if had_keys && old.keys.is_empty() {
                section.remove(i);
                slot.get_or_insert(i);
            } else {
                i += 1;
            }
        }
        match slot {
            Some(i) => section.insert(i, binding),
            None => section.push(binding),
        }
    }

    /// Removes `key` from `layer`; a binding left without keys disappears.
    pub fn unbind(&mut self, layer: Layer, key: KeySpec) {
        let section = self.sections.entry(layer).or_default();
        for binding in section.iter_mut() {
            binding.keys.retain(|k| *k != key);
        }
        section.retain(|b| !b.keys.is_empty());
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyModifiers};

    use super::*;

    fn key(s: &str) -> KeySpec {
        KeySpec::parse(s).unwrap_or(KeySpec::new(KeyCode::Null, KeyModifiers::NONE))
    }

    fn binding(keys: &[&str], action: Action, desc: &str) -> Binding {
        Binding {
            keys: keys.iter().map(|k| key(k)).collect(),
            action,
            desc: desc.to_string(),
        }
    }

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn layer_first_then_global() {
        let mut km = Keymap::default();
        km.bind(
            Layer::Global,
            binding(&["q", "Ctrl-c"], Action::Quit, "Quit"),
        );
        km.bind(Layer::Global, binding(&["?"], Action::Help, "Help"));
        km.bind(Layer::Detail, binding(&["q", "Esc"], Action::Back, "Back"));
        let q = press(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(km.resolve(Layer::Table, &q), Some(Action::Quit));
        assert_eq!(km.resolve(Layer::Detail, &q), Some(Action::Back));
        let help = press(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(km.resolve(Layer::Detail, &help), Some(Action::Help));
        let x = press(KeyCode::Char('x'), KeyModifiers::NONE);
        assert_eq!(km.resolve(Layer::Detail, &x), None);
        assert_eq!(km.hint(Layer::Detail, Action::Back).as_deref(), Some("q"));
        assert_eq!(km.hint(Layer::Detail, Action::Quit).as_deref(), Some("q"));
        assert_eq!(km.hint(Layer::Detail, Action::Yaml), None);
        assert!(
            km.bindings(Layer::Detail)
                .iter()
                .all(|b| b.action == Action::Back)
        );
        let beneath: Vec<(String, Action)> = km
            .global_beneath(Layer::Detail)
            .into_iter()
            .map(|b| (b.keys, b.action))
            .collect();
        assert_eq!(
            beneath,
            [
                ("Ctrl-c".to_string(), Action::Quit),
                ("?".to_string(), Action::Help)
            ]
        );
    }

    #[test]
    fn rebinding_a_key_replaces_it_in_place() {
        let mut km = Keymap::default();
        km.bind(Layer::Table, binding(&["j", "Down"], Action::Down, "Down"));
        km.bind(Layer::Table, binding(&["k"], Action::Up, "Up"));
        km.bind(Layer::Table, binding(&["G"], Action::Bottom, "Bottom"));
        km.bind(Layer::Table, binding(&["k"], Action::Top, "Top"));
        km.bind(Layer::Table, binding(&["j"], Action::PageDown, "Page"));
        let shown: Vec<(String, Action)> = km
            .bindings(Layer::Table)
            .into_iter()
            .map(|b| (b.keys, b.action))
            .collect();
        assert_eq!(
            shown,
            [
                ("↓".to_string(), Action::Down),
                ("k".to_string(), Action::Top),
                ("G".to_string(), Action::Bottom),
                ("j".to_string(), Action::PageDown),
            ]
        );
        km.unbind(Layer::Table, key("G"));
        assert_eq!(km.bindings(Layer::Table).len(), 3);
    }
}
