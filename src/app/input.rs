//! The one-line text input at the bottom: `:` commands, `/` filters and searches.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What the typed text is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputPurpose {
    Command,
    Filter,
    Search,
    LogSearch,
    LogFilter,
    LogFilterOut,
    LogRange,
    LogSelector,
}

impl InputPurpose {
    pub fn prompt(self) -> &'static str {
        match self {
            InputPurpose::Command => ":",
            InputPurpose::Filter | InputPurpose::Search | InputPurpose::LogSearch => "/",
            InputPurpose::LogFilter => "filter: ",
            InputPurpose::LogFilterOut => "hide: ",
            InputPurpose::LogRange => "tail lines or since (200, 5m, 1h, all): ",
            InputPurpose::LogSelector => "label selector: ",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct InputLine {
    pub purpose: InputPurpose,
    pub text: String,
    /// Shown inline, e.g. an invalid regex.
    pub error: Option<String>,
}

/// What a key did to the input line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    Changed,
    Submit,
    Cancel,
    Ignored,
}

impl InputLine {
    pub fn new(purpose: InputPurpose, text: impl Into<String>) -> Self {
        InputLine {
            purpose,
            text: text.into(),
            error: None,
        }
    }

    /// Applies a key as text editing.
    pub fn edit(&mut self, key: &KeyEvent) -> Edit {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Enter => Edit::Submit,
            KeyCode::Esc => Edit::Cancel,
            KeyCode::Char('c') if ctrl => Edit::Cancel,
            KeyCode::Char('u') if ctrl => {
                self.text.clear();
                Edit::Changed
            }
            KeyCode::Char('w') if ctrl => {
                let trimmed = self.text.trim_end();
                let cut = trimmed.rfind(' ').map(|i| i + 1).unwrap_or(0);
                self.text.truncate(cut);
                Edit::Changed
            }
            KeyCode::Backspace => {
                self.text.pop();
                Edit::Changed
            }
            KeyCode::Char(c) if !ctrl && !c.is_control() => {
                self.text.push(c);
                Edit::Changed
            }
            _ => Edit::Ignored,
        }
    }
}
