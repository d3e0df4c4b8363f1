//! Themes: semantic tokens mapped to ratatui styles.

use ratatui::style::Style;

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

/// A complete theme.
#[derive(Debug, Clone)]
pub struct Theme {}

impl Theme {
    /// The default (dark) theme shipped in `themes/dark.toml`.
    pub fn builtin_default() -> Theme {
        todo!("H4")
    }

    pub fn style(&self, _token: Token) -> Style {
        todo!("H4")
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
