//! Keymaps: keys bound to named actions, per screen layer, with descriptions for the help view.
//!
//! A keymap has one ordered list of bindings per [`Layer`]. A key is looked up in the active
//! layer first and then in `global`. Binding a key that a section already binds takes the key
//! away from the old binding (an old binding left without keys disappears, and the new one takes
//! its place in the help view's order). The file format is described in `keymap_file.rs`.

use std::collections::{HashMap, HashSet};

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
        self.bind_all(layer, vec![binding]);
    }

    /// Binds each of `bindings` in turn, as many [`Keymap::bind`] calls would, in one pass over
    /// the section (time linear in its size plus the new bindings'). No key may appear in two of
    /// `bindings` (a keymap file keeps the first binding of a key); a later one would not take
    /// it from an earlier one.
    ///
    /// An old binding that loses all its keys disappears; the first new binding that emptied one
    /// (the one that took its last key) takes the place of the first binding it emptied, the
    /// others go to the end in order.
    pub fn bind_all(&mut self, layer: Layer, bindings: Vec<Binding>) {
        let mut owner: HashMap<KeySpec, usize> = HashMap::new();
        for (index, binding) in bindings.iter().enumerate() {
            for key in &binding.keys {
                owner.entry(*key).or_insert(index);
            }
        }
        let old = std::mem::take(self.sections.entry(layer).or_default());
        let mut news: Vec<Option<Binding>> = bindings.into_iter().map(Some).collect();
        let mut out = Vec::with_capacity(old.len() + news.len());
        for mut binding in old {
            let had_keys = !binding.keys.is_empty();
            let mut emptied_by = None;
            binding.keys.retain(|k| match owner.get(k) {
                Some(&j) => {
                    emptied_by = emptied_by.max(Some(j));
                    false
                }
                None => true,
            });
            match emptied_by {
                Some(j) if had_keys && binding.keys.is_empty() => {
                    // Only the first binding emptied by `j` makes room for it.
                    if let Some(new) = news.get_mut(j).and_then(Option::take) {
                        out.push(new);
                    }
                }
                _ => out.push(binding),
            }
        }
        out.extend(news.into_iter().flatten());
        self.sections.insert(layer, out);
    }

    /// Removes `key` from `layer`; a binding left without keys disappears.
    pub fn unbind(&mut self, layer: Layer, key: KeySpec) {
        self.unbind_all(layer, &HashSet::from([key]));
    }

    /// Removes every key of `keys` from `layer` in one pass; bindings left without keys
    /// disappear.
    pub fn unbind_all(&mut self, layer: Layer, keys: &HashSet<KeySpec>) {
        let section = self.sections.entry(layer).or_default();
        for binding in section.iter_mut() {
            binding.keys.retain(|k| !keys.contains(k));
        }
        section.retain(|b| !b.keys.is_empty());
    }

    /// Whether the main screen (the table, with the global bindings beneath it) still has a
    /// key that quits, or that opens the command line (where `:q` quits).
    pub fn can_quit(&self) -> bool {
        let quits = |a: Action| matches!(a, Action::Quit | Action::CommandLine);
        self.section(Layer::Table)
            .iter()
            .any(|b| quits(b.action) && !b.keys.is_empty())
            || self
                .global_beneath(Layer::Table)
                .iter()
                .any(|b| quits(b.action))
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

    /// The one-by-one reference `bind_all` must agree with.
    fn bind_slowly(km: &mut Keymap, layer: Layer, binding: Binding) {
        let section = km.sections.entry(layer).or_default();
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

    #[test]
    fn bind_all_agrees_with_binding_one_by_one() {
        let keys = ["a", "b", "c", "d", "e", "f", "g", "h"];
        let actions = [Action::Up, Action::Down, Action::Top, Action::Bottom];
        // Deterministic pseudo-random cases.
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..300 {
            let mut base = Keymap::default();
            for i in 0..next(5) {
                let ks: Vec<&str> = (0..1 + next(3)).map(|_| keys[next(keys.len())]).collect();
                base.bind(
                    Layer::Table,
                    binding(&ks, actions[i % 4], &format!("old{i}")),
                );
            }
            // New bindings with disjoint keys, as a keymap file gives them.
            let mut free: Vec<&str> = keys.to_vec();
            let mut news = Vec::new();
            for i in 0..next(5) {
                let take = (1 + next(2)).min(free.len());
                if take == 0 {
                    break;
                }
                let ks: Vec<&str> = (0..take).map(|_| free.remove(next(free.len()))).collect();
                news.push(binding(&ks, actions[(i + 1) % 4], &format!("new{i}")));
            }
            let mut slow = base.clone();
            for b in news.clone() {
                bind_slowly(&mut slow, Layer::Table, b);
            }
            let mut fast = base.clone();
            fast.bind_all(Layer::Table, news);
            assert_eq!(fast.section(Layer::Table), slow.section(Layer::Table));
        }
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
