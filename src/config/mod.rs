//! Configuration that is data: the theme (semantic colour tokens) and the keymap (keys bound to
//! named actions), each embedded from `themes/` and `keymaps/` and overlaid by the user's files.
//!
//! Loading never fails: problems come back as [`ConfigError`]s (file, line, message) next to a
//! usable result, so the app can show them and carry on.

pub mod color_depth;
pub mod key;
pub mod keymap;
mod keymap_file;
mod paths;
mod shipped;
mod source;
pub mod style_spec;
pub mod theme;

use std::path::Path;

pub use key::KeySpec;
pub use keymap::{Binding, BindingInfo, Keymap};
pub use keymap_file::{action_from_name, action_name};
pub use paths::{default_config_dir, user_keymap_file, user_theme_file};
pub use shipped::{shipped_keymaps, shipped_themes};
pub use theme::{Theme, Token};

/// A problem with a user's configuration file: kmedic reports it and carries on with defaults.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct ConfigError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

/// The theme called `name` (default `dark`; `monochrome` suits `NO_COLOR`), overlaid by
/// `user_file` if given. Any subset of tokens may be set there; each replaces the whole style of
/// that token. A missing or unreadable `user_file` is reported.
pub fn load_theme(name: Option<&str>, user_file: Option<&Path>) -> (Theme, Vec<ConfigError>) {
    let mut errors = Vec::new();
    let name = name.unwrap_or("dark");
    let mut theme = Theme::shipped(name).unwrap_or_else(|| {
        errors.push(unknown_name("theme", name, shipped_themes()));
        Theme::builtin_default()
    });
    if let Some(path) = user_file {
        match read(path) {
            Ok(text) => errors.extend(theme.overlay_toml(&path.display().to_string(), &text)),
            Err(err) => errors.push(err),
        }
    }
    (theme, errors)
}

/// The keymap called `name` (default `default`; also `vim`), overlaid by `user_file` if given.
/// A key the user binds in a section replaces its old binding there. A missing or unreadable
/// `user_file` is reported, and so is one that would leave no way to quit (it is then not
/// applied at all).
pub fn load_keymap(name: Option<&str>, user_file: Option<&Path>) -> (Keymap, Vec<ConfigError>) {
    let mut errors = Vec::new();
    let name = name.unwrap_or("default");
    let mut keymap = Keymap::shipped(name).unwrap_or_else(|| {
        errors.push(unknown_name("keymap", name, shipped_keymaps()));
        Keymap::builtin_default()
    });
    if let Some(path) = user_file {
        let file = path.display().to_string();
        match read(path) {
            Ok(text) => {
                let mut overlaid = keymap.clone();
                errors.extend(overlaid.overlay_toml(&file, &text));
                if overlaid.can_quit() {
                    keymap = overlaid;
                } else {
                    errors.push(ConfigError {
                        file,
                        line: None,
                        message: format!(
                            "this keymap leaves no key to quit: nothing in [table] or [global] runs \
                             'quit' or 'command-line' (for :q); it was not applied and the '{name}' \
                             keymap is used instead"
                        ),
                    });
                }
            }
            Err(err) => errors.push(err),
        }
    }
    (keymap, errors)
}

/// Whether the `NO_COLOR` convention asks for no colour (set and not empty). When it does and
/// the user chose no theme, pass `Some("monochrome")` to [`load_theme`]; a user theme file may
/// still add colours on top, as the convention allows.
pub fn no_color_requested() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

fn read(path: &Path) -> Result<String, ConfigError> {
    let bytes = std::fs::read(path).map_err(|err| ConfigError {
        file: path.display().to_string(),
        line: None,
        message: format!("cannot read: {err}"),
    })?;
    crate::text_file::decode_utf8(bytes).map_err(|err| ConfigError {
        file: path.display().to_string(),
        line: Some(err.line),
        message: format!(
            "column {}: not UTF-8 text (byte 0x{:02X})",
            err.column, err.byte
        ),
    })
}

fn unknown_name(what: &str, name: &str, list: &[(&str, &str)]) -> ConfigError {
    let names: Vec<&str> = list.iter().map(|(n, _)| *n).collect();
    ConfigError {
        file: format!("{what} '{name}'"),
        line: None,
        message: format!("no such {what}; shipped {what}s are {}", names.join(", ")),
    }
}
