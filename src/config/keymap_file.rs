//! Reading keymap TOML. One table per screen's layer section (`[global]`, `[table]`,
//! `[troubleshoot]`, `[certs]`, `[access]`, `[detail]`, `[yaml]`, `[logs]`, `[picker]`,
//! `[help]`), each with an ordered list of bindings and an optional list of keys to remove from
//! the keymap underneath (applied before the bindings):
//!
//! ```toml
//! [table]
//! unbind = ["s"]
//! bindings = [
//!   { on = ["j", "Down"], run = "down", desc = "Move down" },
//!   { on = "Ctrl-f", run = "page-down" },   # desc defaults to the one already known
//! ]
//! ```

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use serde::Deserialize;
use serde::de::IntoDeserializer;
use serde::de::value::{Error as ValueError, StrDeserializer};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::ConfigError;
use super::key::KeySpec;
use super::keymap::{Binding, Keymap};
use super::source::{Source, entries, suggest, type_name};
use crate::app::action::{Action, Layer};

/// The action with kebab-case name `name`, as keymap files write it.
pub fn action_from_name(name: &str) -> Option<Action> {
    let de: StrDeserializer<'_, ValueError> = name.into_deserializer();
    Action::deserialize(de).ok()
}

/// The kebab-case name of `action`, as keymap files write it.
pub fn action_name(action: Action) -> String {
    let mut out = String::new();
    for (i, c) in format!("{action:?}").chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('-');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// `page-down` → `Page down`, the description of a binding whose file gives none.
fn default_desc(action: Action) -> String {
    let name = action_name(action).replace('-', " ");
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

struct Reader<'a> {
    src: Source<'a>,
    errors: Vec<ConfigError>,
}

/// Applies keymap TOML to `keymap`; see the module documentation for the format.
pub(crate) fn overlay(keymap: &mut Keymap, file: &str, text: &str) -> Vec<ConfigError> {
    let src = Source::new(file, text);
    let doc = match src.parse() {
        Ok(doc) => doc,
        Err(err) => return vec![err],
    };
    let mut reader = Reader {
        src,
        errors: Vec::new(),
    };
    for (name, span, value) in entries(&doc) {
        let Some(layer) = Layer::ALL.iter().copied().find(|l| l.section() == name) else {
            let sections: Vec<&str> = Layer::ALL.iter().map(|l| l.section()).collect();
            let hint = suggest(name, sections.iter().copied());
            let msg = format!(
                "unknown section [{name}]{hint} (expected one of {})",
                sections.join(", ")
            );
            reader.push(span, msg);
            continue;
        };
        match value.get_ref() {
            DeValue::Table(table) => reader.section(keymap, layer, table),
            other => reader.push(
                value.span(),
                format!("[{name}] must be a table, not {}", type_name(other)),
            ),
        }
    }
    let mut errors = reader.errors;
    errors.sort_by_key(|e| e.line);
    errors
}

impl Reader<'_> {
    fn push(&mut self, span: Range<usize>, message: String) {
        self.errors.push(self.src.error(span, message));
    }

    /// One section: its `unbind` list, then its bindings, each applied to `keymap` in one pass
    /// (so a file with many entries loads in time linear in its size).
    fn section(&mut self, keymap: &mut Keymap, layer: Layer, table: &DeTable<'_>) {
        let section = layer.section();
        let mut bindings = None;
        for (key, span, value) in entries(table) {
            match key {
                "unbind" => {
                    let keys: HashSet<KeySpec> = self.keys(section, value).into_iter().collect();
                    keymap.unbind_all(layer, &keys);
                }
                "bindings" => bindings = Some(value),
                _ => self.push(
                    span,
                    format!("unknown key '{key}' in [{section}] (expected bindings, unbind)"),
                ),
            }
        }
        let Some(value) = bindings else { return };
        let DeValue::Array(list) = value.get_ref() else {
            let found = type_name(value.get_ref());
            self.push(
                value.span(),
                format!("'bindings' in [{section}] must be an array, not {found}"),
            );
            return;
        };
        let mut known = known_descs(keymap, layer);
        let mut seen: HashSet<KeySpec> = HashSet::new();
        let mut accepted = Vec::new();
        for item in list.iter() {
            let Some(mut binding) = self.binding(&mut known, layer, item) else {
                continue;
            };
            binding.keys.retain(|k| {
                let fresh = seen.insert(*k);
                if !fresh {
                    let msg =
                        format!("key '{k}' is bound twice in [{section}]; the first binding wins");
                    self.errors.push(self.src.error(item.span(), msg));
                }
                fresh
            });
            if !binding.keys.is_empty() {
                accepted.push(binding);
            }
        }
        keymap.bind_all(layer, accepted);
    }

    /// One `{ on = ..., run = ..., desc = ... }` entry, or `None` when it cannot be used.
    fn binding(
        &mut self,
        known: &mut HashMap<Action, String>,
        layer: Layer,
        item: &Spanned<DeValue<'_>>,
    ) -> Option<Binding> {
        let section = layer.section();
        let DeValue::Table(table) = item.get_ref() else {
            let found = type_name(item.get_ref());
            let msg = format!(
                "a binding in [{section}] must be a table like {{ on = \"j\", run = \"down\" }}, not {found}"
            );
            self.push(item.span(), msg);
            return None;
        };
        let (mut keys, mut action, mut desc, mut ok) = (None, None, None, true);
        for (field, span, value) in entries(table) {
            match (field, value.get_ref()) {
                ("on", _) => keys = Some(self.keys(section, value)),
                ("run", DeValue::String(name)) => match action_from_name(name) {
                    Some(a) => action = Some(a),
                    None => {
                        let names: Vec<String> =
                            Action::ALL.iter().map(|a| action_name(*a)).collect();
                        let hint = suggest(name, names.iter().map(String::as_str));
                        let msg = format!("unknown action '{name}' in [{section}]{hint}");
                        self.push(value.span(), msg);
                        ok = false;
                    }
                },
                ("desc", DeValue::String(text)) => desc = Some(text.to_string()),
                ("run" | "desc", other) => {
                    let found = type_name(other);
                    self.push(
                        value.span(),
                        format!("'{field}' in [{section}] must be a string, not {found}"),
                    );
                    ok = false;
                }
                _ => {
                    let msg = format!(
                        "unknown field '{field}' in a binding in [{section}] (expected on, run, desc)"
                    );
                    self.push(span, msg);
                }
            }
        }
        if !ok {
            return None;
        }
        let Some(action) = action else {
            self.push(
                item.span(),
                format!("a binding in [{section}] has no 'run'"),
            );
            return None;
        };
        let Some(keys) = keys else {
            self.push(item.span(), format!("a binding in [{section}] has no 'on'"));
            return None;
        };
        if keys.is_empty() {
            return None;
        }
        let desc = desc
            .or_else(|| known.get(&action).cloned())
            .unwrap_or_else(|| default_desc(action));
        known.entry(action).or_insert_with(|| desc.clone());
        Some(Binding { keys, action, desc })
    }

    /// A key or list of keys; keys that cannot be parsed are reported and left out.
    fn keys(&mut self, section: &str, value: &Spanned<DeValue<'_>>) -> Vec<KeySpec> {
        let items: Vec<&Spanned<DeValue<'_>>> = match value.get_ref() {
            DeValue::Array(list) => list.iter().collect(),
            _ => vec![value],
        };
        let mut keys = Vec::new();
        let mut listed = HashSet::new();
        for item in items {
            match item.get_ref() {
                DeValue::String(text) => match KeySpec::parse(text) {
                    Some(key) if listed.insert(key) => keys.push(key),
                    Some(_) => {}
                    None => self.push(
                        item.span(),
                        format!("cannot parse key '{text}' in [{section}]"),
                    ),
                },
                other => {
                    let found = type_name(other);
                    self.push(
                        item.span(),
                        format!(
                            "a key in [{section}] must be a string like \"Ctrl-d\", not {found}"
                        ),
                    );
                }
            }
        }
        keys
    }
}

/// The description an existing binding already gives each action, in `layer` first, then
/// global (the first binding of an action wins).
fn known_descs(keymap: &Keymap, layer: Layer) -> HashMap<Action, String> {
    let mut known = HashMap::new();
    for binding in [layer, Layer::Global]
        .into_iter()
        .flat_map(|l| keymap.section(l))
    {
        known
            .entry(binding.action)
            .or_insert_with(|| binding.desc.clone());
    }
    known
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_names_round_trip() {
        for action in Action::ALL {
            assert_eq!(action_from_name(&action_name(*action)), Some(*action));
        }
        assert_eq!(action_name(Action::SearchPrevious), "search-previous");
        assert_eq!(action_from_name("delete"), None);
    }

    #[test]
    fn bad_entries_are_reported_with_lines_and_good_ones_kept() {
        let text = "\
[table]
bindings = [
  { on = [\"j\", \"Down\"], run = \"down\", desc = \"Move down\" },
  { on = \"Ctrl+\", run = \"up\" },
  { on = \"x\", run = \"lgos-follow\" },
  { on = \"u\", run = \"page-up\", color = 3 },
]
[tabel]
";
        let mut km = Keymap::default();
        let errors: Vec<String> = km
            .overlay_toml("keymap.toml", text)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            errors,
            [
                "keymap.toml:4: cannot parse key 'Ctrl+' in [table]",
                "keymap.toml:5: unknown action 'lgos-follow' in [table]",
                "keymap.toml:6: unknown field 'color' in a binding in [table] (expected on, run, desc)",
                "keymap.toml:8: unknown section [tabel]; did you mean 'table'? \
                 (expected one of global, table, troubleshoot, certs, access, detail, yaml, logs, picker, tree, node-page, help, reach)",
            ]
        );
        let actions: Vec<Action> = km.bindings(Layer::Table).iter().map(|b| b.action).collect();
        assert_eq!(actions, [Action::Down, Action::PageUp]);
        assert_eq!(km.bindings(Layer::Table)[1].desc, "Page up");
    }
}
