//! The bottom line: the quit question, the input line while typing, else a notice, else the
//! screen's key hints (from its keymap layer; a hint is shown whole or not at all).

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::screens;
use crate::app::state::AppState;
use crate::app::wrap::width_of;
use crate::config::{Theme, Token};
use crate::text_safety::visible;

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    if state.confirm_quit {
        let line = Line::from(vec![
            Span::styled("Quit kmedic? ", theme.style(Token::Warning)),
            Span::styled("<y>", theme.style(Token::KeyHint)),
            Span::styled(" quit  ", theme.style(Token::Muted)),
            Span::styled("<any other key>", theme.style(Token::KeyHint)),
            Span::styled(" stay", theme.style(Token::Muted)),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
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
        let x =
            area.x + width_of(input.purpose.prompt()) as u16 + width_of(input.text.as_str()) as u16;
        frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
        return;
    }
    if let Some(notice) = &state.notice {
        let style = theme.style(if notice.error {
            Token::Error
        } else {
            Token::Text
        });
        let text = super::truncate(&visible(&notice.text), usize::from(area.width));
        frame.render_widget(Paragraph::new(Span::styled(text, style)), area);
        return;
    }
    let mut spans = Vec::new();
    let mut used = 0;
    for (key, label) in hints(state) {
        let key = format!("<{key}>");
        let label = format!(" {label}  ");
        let width = width_of(&key) + width_of(label.trim_end());
        if used + width > usize::from(area.width) {
            break;
        }
        used += width_of(&key) + width_of(&label);
        spans.push(Span::styled(key, theme.style(Token::KeyHint)));
        spans.push(Span::styled(label, theme.style(Token::Muted)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The hints the footer offers now, as (key, label): only actions the keymap binds for the
/// screen on top, with the key it binds first.
pub fn hints(state: &AppState) -> Vec<(String, &'static str)> {
    let layer = screens::layer(state);
    screens::footer(state)
        .into_iter()
        .filter_map(|(action, label)| {
            let key = state.keymap.hint(layer, action)?;
            Some((super::key_text(&key, state.ascii), label))
        })
        .collect()
}
