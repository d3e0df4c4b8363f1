//! The help page, generated from the active keymap (`app::screens::help::rows`: one section
//! per screen, then the `:` commands, descriptions wrapped to the width): here only styled.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::screens::help::HelpRow;
use crate::app::state::AppState;
use crate::app::text_view::TextView;
use crate::config::{Theme, Token};

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, view: &TextView, theme: &Theme) {
    let height = usize::from(area.height.saturating_sub(2));
    let width = usize::from(area.width.saturating_sub(2));
    let shown: Vec<Line> = lines(state, width, theme)
        .into_iter()
        .skip(view.scroll)
        .take(height)
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Token::Border))
        .title(Span::styled(
            " Help — keys of the active keymap ",
            theme.style(Token::Title),
        ));
    frame.render_widget(Paragraph::new(shown).block(block), area);
}

/// Every line of the help page at `width` columns.
pub fn lines(state: &AppState, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    crate::app::screens::help::rows(state, width)
        .into_iter()
        .map(|row| match row {
            HelpRow::Title(text) => Line::from(Span::styled(text, theme.style(Token::TableHeader))),
            HelpRow::Entry(keys, desc) => Line::from(vec![
                Span::styled(keys, theme.style(Token::KeyHint)),
                Span::styled(desc, theme.style(Token::Text)),
            ]),
            HelpRow::Blank => Line::from(""),
        })
        .collect()
}
