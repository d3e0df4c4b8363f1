//! The themes and keymaps compiled into the binary from `themes/` and `keymaps/`.

/// Shipped themes as `(name, TOML text)`; the first is the default.
pub fn shipped_themes() -> &'static [(&'static str, &'static str)] {
    &[
        ("dark", include_str!("../../themes/dark.toml")),
        ("light", include_str!("../../themes/light.toml")),
        (
            "high-contrast",
            include_str!("../../themes/high-contrast.toml"),
        ),
        ("monochrome", include_str!("../../themes/monochrome.toml")),
    ]
}

/// Shipped keymaps as `(name, TOML text)`; the first is the default.
pub fn shipped_keymaps() -> &'static [(&'static str, &'static str)] {
    &[
        ("default", include_str!("../../keymaps/default.toml")),
        ("vim", include_str!("../../keymaps/vim.toml")),
    ]
}

/// `(file name for errors, text)` of the shipped theme called `name`.
pub(crate) fn theme(name: &str) -> Option<(String, &'static str)> {
    find(shipped_themes(), name).map(|text| (format!("themes/{name}.toml"), text))
}

/// `(file name for errors, text)` of the shipped keymap called `name`.
pub(crate) fn keymap(name: &str) -> Option<(String, &'static str)> {
    find(shipped_keymaps(), name).map(|text| (format!("keymaps/{name}.toml"), text))
}

fn find(list: &'static [(&'static str, &'static str)], name: &str) -> Option<&'static str> {
    list.iter().find(|(n, _)| *n == name).map(|(_, text)| *text)
}
