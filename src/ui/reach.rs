//! The reach view: the question, one line per hop coloured by its verdict (allowed green,
//! denied red, unknown yellow), the deciding policies, the overall verdict; and the picker of
//! the question's other end. Every piece of cluster text is made visible first.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, ListItem, Paragraph};

use crate::app::reach::{ReachPick, ReachView, rows};
use crate::config::{Theme, Token};
use crate::text_safety::visible;
use crate::troubleshoot::reach::HopVerdict;

pub fn render(frame: &mut Frame, area: Rect, view: &ReachView, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Token::Border))
        .title(Span::styled(
            " Reach, hop by hop (from the engine's snapshot) ",
            theme.style(Token::Title),
        ));
    let height = usize::from(area.height.saturating_sub(2));
    let columns = usize::from(area.width.saturating_sub(2)).max(1);
    let shown: Vec<Line> = rows(view, columns)
        .into_iter()
        .skip(view.view.scroll)
        .take(height)
        .map(|line| {
            let token = match line.verdict {
                Some(HopVerdict::Allowed) => Token::Ok,
                Some(HopVerdict::Denied) => Token::Error,
                Some(HopVerdict::Unknown) => Token::Warning,
                None => Token::Text,
            };
            Line::from(Span::styled(
                visible(&line.text).into_owned(),
                theme.style(token),
            ))
        })
        .collect();
    frame.render_widget(Paragraph::new(shown).block(block), area);
}

/// The picker popup: the candidates the filter keeps; Enter chooses.
pub fn render_picker(frame: &mut Frame, body: Rect, pick: &ReachPick, theme: &Theme) {
    let items: Vec<ListItem> = pick
        .entries()
        .iter()
        .map(|c| ListItem::new(format!("  {}", visible(c))))
        .collect();
    let title = Line::from(vec![
        Span::styled(
            format!(" {} ", visible(&pick.title())),
            theme.style(Token::Title),
        ),
        Span::styled(
            format!("{}▏", visible(&pick.picker.filter)),
            theme.style(Token::Input),
        ),
        Span::styled(
            " type to filter, :PORT for a port, Enter ",
            theme.style(Token::Muted),
        ),
    ]);
    super::picker::render_popup(frame, body, 90, title, items, pick.picker.selected, theme);
}
