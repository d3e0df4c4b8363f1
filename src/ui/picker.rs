//! The namespace and context picker popups.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState};

use crate::app::picker::{Picker, entries};
use crate::app::state::AppState;
use crate::config::{Theme, Token};
use crate::text_safety::visible;

pub fn render(frame: &mut Frame, body: Rect, state: &AppState, picker: &Picker, theme: &Theme) {
    let names = state.namespace_names();
    let favourites = state.current_favourites();
    let items: Vec<ListItem> = entries(&names, &favourites, &picker.filter)
        .into_iter()
        .map(|n| {
            let mark = if favourites.contains(n) { "★ " } else { "  " };
            ListItem::new(format!("{mark}{}", visible(n)))
        })
        .collect();
    let title = Line::from(vec![
        Span::styled(" Namespace ", theme.style(Token::Title)),
        Span::styled(format!("{}▏", picker.filter), theme.style(Token::Input)),
    ]);
    render_popup(frame, body, 50, title, items, picker.selected, theme);
}

/// The context picker: name, cluster, server, user and default namespace; the current one marked.
pub fn render_contexts(
    frame: &mut Frame,
    body: Rect,
    state: &AppState,
    picker: &Picker,
    theme: &Theme,
) {
    let shown = crate::app::contexts::entries(&state.contexts, &picker.filter);
    let items: Vec<ListItem> = shown
        .iter()
        .map(|c| {
            let mark = if c.name == state.target.context {
                "*"
            } else {
                " "
            };
            let namespace = if c.namespace.is_empty() {
                "-"
            } else {
                c.namespace.as_str()
            };
            ListItem::new(format!(
                "{mark} {:<24} {:<18} {:<28} {:<14} {}",
                visible(&c.name),
                visible(&c.cluster),
                visible(&c.server),
                visible(&c.user),
                visible(namespace)
            ))
        })
        .collect();
    let title = Line::from(vec![
        Span::styled(" Context ", theme.style(Token::Title)),
        Span::styled(format!("{}▏", picker.filter), theme.style(Token::Input)),
        Span::styled(
            " (name, cluster, server, user, namespace) ",
            theme.style(Token::Muted),
        ),
    ]);
    render_popup(frame, body, 110, title, items, picker.selected, theme);
}

/// A list popup centred over `body`, at most `max_width` wide and as tall as its items.
pub(super) fn render_popup(
    frame: &mut Frame,
    body: Rect,
    max_width: u16,
    title: Line,
    items: Vec<ListItem>,
    selected: usize,
    theme: &Theme,
) {
    let width = body.width.clamp(20, max_width);
    let height = (items.len() as u16 + 2).clamp(4, body.height);
    let area = Rect {
        x: body.x + (body.width.saturating_sub(width)) / 2,
        y: body.y + (body.height.saturating_sub(height)) / 2,
        width,
        height,
    };
    let list = List::new(items)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.style(Token::Border))
                .title(title),
        )
        .highlight_style(theme.style(Token::Selection));
    let mut list_state = ListState::default().with_selected(Some(selected));
    frame.render_widget(Clear, area);
    frame.render_stateful_widget(list, area, &mut list_state);
}
