//! A node's page: its state, the findings about it, its pods and its recent events, scrolled
//! as one block of lines (`app::node_page::lines`), each cut to the width and sanitised.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::node_page::{LineKind, NodePagePane, lines};
use crate::app::state::AppState;
use crate::config::{Theme, Token};
use crate::text_safety::visible;

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, pane: &NodePagePane, theme: &Theme) {
    let title = format!(" Node {} ", visible(&pane.node));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Token::Border))
        .title(Span::styled(title, theme.style(Token::Title)));
    let height = usize::from(area.height.saturating_sub(2));
    let width = usize::from(area.width.saturating_sub(2));
    let shown: Vec<Line> = lines(state, pane)
        .into_iter()
        .skip(pane.view.scroll)
        .take(height)
        .map(|l| {
            let style = match l.kind {
                LineKind::Heading => theme.style(Token::Title),
                LineKind::Text => theme.style(Token::Text),
                LineKind::Muted => theme.style(Token::Muted),
                LineKind::Finding(s) => super::troubleshoot::severity_style(s, theme),
            };
            Line::from(Span::styled(
                super::truncate(&visible(&l.text), width),
                style,
            ))
        })
        .collect();
    frame.render_widget(Paragraph::new(shown).block(block), area);
}
