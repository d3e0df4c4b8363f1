//! Where the user's configuration lives: `<config dir>/kmedic/theme.toml` and `keymap.toml`.

use std::path::PathBuf;

/// kmedic's configuration directory (`~/.config/kmedic` on Linux), if the platform has one.
pub fn default_config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "kmedic").map(|dirs| dirs.config_dir().to_path_buf())
}

/// The user's `theme.toml` in the configuration directory, if it exists.
pub fn user_theme_file() -> Option<PathBuf> {
    existing("theme.toml")
}

/// The user's `keymap.toml` in the configuration directory, if it exists.
pub fn user_keymap_file() -> Option<PathBuf> {
    existing("keymap.toml")
}

fn existing(name: &str) -> Option<PathBuf> {
    default_config_dir()
        .map(|dir| dir.join(name))
        .filter(|path| path.is_file())
}
