//! Themes: semantic tokens mapped to ratatui styles, read from TOML (`themes/*.toml`).
//!
//! A theme file has one table, `[colors]`, whose keys are token names in kebab-case and whose
//! values are a colour (shorthand for the foreground) or a style table:
//!
//! ```toml
//! [colors]
//! ok = "green"
//! error = { fg = "#ff5f5f", bold = true }
//! selection = { fg = "black", bg = "cyan" }
//! ```
//!
//! An overlay replaces the whole style of each token it names and leaves the others alone.

use ratatui::style::Style;
use toml::de::DeValue;

use super::ConfigError;
use super::source::{Source, entries, suggest, type_name};
use super::style_spec::parse_style;
use crate::model::Health;

/// A semantic colour slot. Widgets ask for a token, never for a colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Token {
    Ok,
    Progressing,
    Warning,
    Error,
    Done,
    Muted,
    Text,
    Selection,
    Header,
    HeaderLabel,
    Border,
    Title,
    TableHeader,
    ReadOnlyBadge,
    KeyHint,
    Input,
    Highlight,
    Stale,
}

impl Token {
    /// Every token, in declaration order.
    pub const ALL: [Token; 18] = [
        Token::Ok,
        Token::Progressing,
        Token::Warning,
        Token::Error,
        Token::Done,
        Token::Muted,
        Token::Text,
        Token::Selection,
        Token::Header,
        Token::HeaderLabel,
        Token::Border,
        Token::Title,
        Token::TableHeader,
        Token::ReadOnlyBadge,
        Token::KeyHint,
        Token::Input,
        Token::Highlight,
        Token::Stale,
    ];

    /// The token's key in theme files.
    pub fn name(self) -> &'static str {
        match self {
            Token::Ok => "ok",
            Token::Progressing => "progressing",
            Token::Warning => "warning",
            Token::Error => "error",
            Token::Done => "done",
            Token::Muted => "muted",
            Token::Text => "text",
            Token::Selection => "selection",
            Token::Header => "header",
            Token::HeaderLabel => "header-label",
            Token::Border => "border",
            Token::Title => "title",
            Token::TableHeader => "table-header",
            Token::ReadOnlyBadge => "read-only-badge",
            Token::KeyHint => "key-hint",
            Token::Input => "input",
            Token::Highlight => "highlight",
            Token::Stale => "stale",
        }
    }

    /// The token named `name` in a theme file.
    pub fn from_name(name: &str) -> Option<Token> {
        Token::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// A complete theme: one style per token.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    styles: [Style; Token::ALL.len()],
}

impl Default for Theme {
    /// A theme with no styling at all (every token is `Style::default()`).
    fn default() -> Self {
        Theme {
            styles: [Style::default(); Token::ALL.len()],
        }
    }
}

impl Theme {
    /// The default (dark) theme shipped in `themes/dark.toml`.
    pub fn builtin_default() -> Theme {
        Theme::shipped("dark").unwrap_or_default()
    }

    /// The colourless theme shipped in `themes/monochrome.toml` (modifiers only), for `NO_COLOR`.
    pub fn monochrome() -> Theme {
        Theme::shipped("monochrome").unwrap_or_default()
    }

    /// A theme shipped with kmedic, by name (`dark`, `light`, `high-contrast`, `monochrome`).
    /// Shipped files are checked by the test suite, so their errors are not reported here.
    pub fn shipped(name: &str) -> Option<Theme> {
        let (file, text) = super::shipped::theme(name)?;
        let mut theme = Theme::default();
        let _ = theme.overlay_toml(&file, text);
        Some(theme)
    }

    pub fn style(&self, token: Token) -> Style {
        self.styles[token as usize]
    }

    /// Sets the style of one token.
    pub fn set(&mut self, token: Token, style: Style) {
        self.styles[token as usize] = style;
    }

    /// Applies the theme TOML `text` (named `file` in errors) on top of this theme. Entries that
    /// are valid are applied even if others are not; a file that is not TOML changes nothing.
    pub fn overlay_toml(&mut self, file: &str, text: &str) -> Vec<ConfigError> {
        let src = Source::new(file, text);
        let doc = match src.parse() {
            Ok(doc) => doc,
            Err(err) => return vec![err],
        };
        let mut errors = Vec::new();
        for (key, span, value) in entries(&doc) {
            match (key, value.get_ref()) {
                ("colors", DeValue::Table(colors)) => {
                    for (name, name_span, value) in entries(colors) {
                        let Some(token) = Token::from_name(name) else {
                            let hint = suggest(name, Token::ALL.iter().map(|t| t.name()));
                            errors.push(
                                src.error(name_span, format!("unknown token '{name}'{hint}")),
                            );
                            continue;
                        };
                        match parse_style(&src, name, value) {
                            Ok(style) => self.set(token, style),
                            Err(errs) => errors.extend(errs),
                        }
                    }
                }
                ("colors", other) => errors.push(src.error(
                    value.span(),
                    format!("'colors' must be a table, not {}", type_name(other)),
                )),
                ("name" | "description", DeValue::String(_)) => {}
                ("name" | "description", other) => errors.push(src.error(
                    value.span(),
                    format!("'{key}' must be a string, not {}", type_name(other)),
                )),
                _ => errors.push(src.error(
                    span,
                    format!(
                        "unknown key '{key}' (a theme has name, description and a [colors] table)"
                    ),
                )),
            }
        }
        errors
    }

    /// The style for a status of the given health.
    pub fn health(&self, health: Health) -> Style {
        self.style(match health {
            Health::Ok => Token::Ok,
            Health::Progressing => Token::Progressing,
            Health::Warning => Token::Warning,
            Health::Error => Token::Error,
            Health::Done => Token::Done,
        })
    }
}

#[cfg(test)]
mod tests {
    use ratatui::style::{Color, Modifier};

    use super::*;

    #[test]
    fn tokens_index_their_own_slot() {
        for (i, token) in Token::ALL.into_iter().enumerate() {
            assert_eq!(token as usize, i, "{token:?}");
        }
    }

    #[test]
    fn token_names_round_trip() {
        for token in Token::ALL {
            assert_eq!(Token::from_name(token.name()), Some(token));
        }
        assert_eq!(Token::from_name("tableHeader"), None);
    }

    #[test]
    fn overlay_applies_valid_entries_and_reports_bad_ones() {
        let mut theme = Theme::default();
        let text = "[colors]\nok = \"green\"\nwarnng = \"red\"\nerror = { fg = \"blurple\" }\n\
                    selection = { fg = \"black\", bg = \"#00ffff\", bold = true }\n";
        let errors = theme.overlay_toml("theme.toml", text);
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "theme.toml:3: unknown token 'warnng'; did you mean 'warning'?",
                "theme.toml:4: invalid colour 'blurple' for 'error'",
            ]
        );
        assert_eq!(theme.style(Token::Ok), Style::default().fg(Color::Green));
        assert_eq!(theme.style(Token::Error), Style::default());
        assert_eq!(
            theme.style(Token::Selection),
            Style::default()
                .fg(Color::Black)
                .bg(Color::Rgb(0, 255, 255))
                .add_modifier(Modifier::BOLD)
        );
    }

    #[test]
    fn health_uses_the_matching_token() {
        let mut theme = Theme::default();
        theme.set(Token::Warning, Style::default().fg(Color::Yellow));
        assert_eq!(theme.health(Health::Warning).fg, Some(Color::Yellow));
    }
}
