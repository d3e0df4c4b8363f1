//! Configuration that is data: the theme (semantic colour tokens) and the keymap (keys bound to
//! named actions), each embedded from `themes/` and `keymaps/` and overlaid by the user's files.

pub mod keymap;
pub mod theme;

pub use keymap::Keymap;
pub use theme::{Theme, Token};

/// A problem with a user's configuration file: kmedic reports it and carries on with defaults.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct ConfigError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}
