//! The "what can I do here" view: allowed lists in green, refused ones in red.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::app::overlay::AccessView;
use crate::app::state::AppState;
use crate::config::{Theme, Token};
use crate::text_safety::visible;

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, view: &AccessView, theme: &Theme) {
    let title = format!(
        " Access of {} in {} ",
        state.target.user,
        state.scope.label()
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Token::Border))
        .title(Span::styled(title, theme.style(Token::Title)));
    let height = usize::from(area.height.saturating_sub(2));
    let lines: Vec<Line> = match &view.lines {
        None => vec![Line::from(Span::styled(
            "Asking the API server…",
            theme.style(Token::Muted),
        ))],
        Some(Err(e)) if e.starts_with("access reviews are turned off") => vec![Line::from(
            Span::styled(format!("○ {}", visible(e)), theme.style(Token::Muted)),
        )],
        Some(Err(e)) => vec![Line::from(Span::styled(
            format!("✗ access review failed: {}", visible(e)),
            theme.style(Token::Error),
        ))],
        Some(Ok(lines)) => lines
            .iter()
            .skip(view.view.scroll)
            .take(height)
            .map(|line| {
                let token = match line.allowed {
                    Some(true) => Token::Ok,
                    Some(false) => Token::Error,
                    None => Token::Text,
                };
                Line::from(Span::styled(line.text.clone(), theme.style(token)))
            })
            .collect(),
    };
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}
