//! The bottom line: the input line while typing, else a notice, else key hints from the keymap.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::action::Action;
use crate::app::keys::current_layer;
use crate::app::state::AppState;
use crate::config::{Theme, Token};
use crate::text_safety::visible;

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    if let Some(input) = &state.input {
        let mut spans = vec![
            Span::styled(input.purpose.prompt(), theme.style(Token::KeyHint)),
            Span::styled(input.text.clone(), theme.style(Token::Input)),
        ];
        if let Some(error) = &input.error {
            spans.push(Span::styled(
                format!("   ✗ {}", visible(error)),
                theme.style(Token::Error),
            ));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
        let x = area.x + 1 + unicode_width::UnicodeWidthStr::width(input.text.as_str()) as u16;
        frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
        return;
    }
    if let Some(notice) = &state.notice {
        let style = theme.style(if notice.error {
            Token::Error
        } else {
            Token::Text
        });
        frame.render_widget(
            Paragraph::new(Span::styled(visible(&notice.text).into_owned(), style)),
            area,
        );
        return;
    }
    let layer = current_layer(state);
    let wanted: &[(Action, &str)] = match layer {
        crate::app::action::Layer::Table => &[
            (Action::CommandLine, "command"),
            (Action::Filter, "filter"),
            (Action::Describe, "describe"),
            (Action::Yaml, "yaml"),
            (Action::NamespacePicker, "namespace"),
            (Action::SortNext, "sort"),
            (Action::Help, "help"),
            (Action::Quit, "quit"),
        ],
        crate::app::action::Layer::Detail | crate::app::action::Layer::Yaml => &[
            (Action::Back, "back"),
            (Action::Search, "search"),
            (Action::SearchNext, "next"),
            (Action::Yaml, "yaml"),
            (Action::Describe, "describe"),
            (Action::Help, "help"),
        ],
        crate::app::action::Layer::Logs => &[
            (Action::Back, "close"),
            (Action::ToggleFollow, "follow"),
            (Action::LogsPrevious, "previous"),
            (Action::LogRange, "range"),
            (Action::Search, "search"),
            (Action::Filter, "filter"),
            (Action::JumpLive, "live"),
            (Action::Save, "save"),
            (Action::Help, "help"),
        ],
        _ => &[(Action::Back, "back"), (Action::Help, "help")],
    };
    let mut spans = Vec::new();
    for (action, label) in wanted {
        if let Some(key) = state.keymap.hint(layer, *action) {
            spans.push(Span::styled(
                format!("<{key}>"),
                theme.style(Token::KeyHint),
            ));
            spans.push(Span::styled(
                format!(" {label}  "),
                theme.style(Token::Muted),
            ));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
