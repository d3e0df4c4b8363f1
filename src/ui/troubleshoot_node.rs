//! The Node-local tab of the Troubleshoot view: what kmedic read on the node itself (or in a
//! bundle), root causes first, and after them what it could not look at on the node.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph, Wrap};

use crate::app::state::AppState;
use crate::config::{Theme, Token};
use crate::model::age::human_duration;
use crate::text_safety::visible;

pub fn render_list(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let t = &state.troubleshoot;
    let Some(node) = &t.node else { return };
    let mut title = format!(" Node-local — {}", visible(&node.source));
    if let Some(name) = node.report.as_ref().and_then(|r| r.node.as_deref()) {
        title.push_str(&format!(" ({})", visible(name)));
    }
    match node.at {
        _ if node.running.is_some() && node.at.is_none() => {}
        Some(at) if at > state.now => title.push_str(", read just now"),
        Some(at) => title.push_str(&format!(", read {} ago", human_duration(at, state.now))),
        None => {}
    }
    if node.running.is_some() {
        title.push_str(", reading…");
    }
    title.push(' ');
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Token::Border))
        .title(Span::styled(title, theme.style(Token::Title)));
    let (Some(report), Some(analysis)) = (&node.report, &t.analysis) else {
        let text = match &node.error {
            Some(e) => Span::styled(
                format!("✗ could not read the node: {}", visible(e)),
                theme.style(Token::Error),
            ),
            None => Span::styled("Reading the node…", theme.style(Token::Muted)),
        };
        frame.render_widget(
            Paragraph::new(text).block(block).wrap(Wrap { trim: true }),
            area,
        );
        return;
    };
    let mut notes: Vec<ListItem> = Vec::new();
    if let Some(e) = &node.error {
        notes.push(ListItem::new(Span::styled(
            format!(
                " ✗ the last reading failed (older findings shown): {}",
                visible(e)
            ),
            theme.style(Token::Error),
        )));
    }
    if !report.coverage.is_empty() {
        notes.push(ListItem::new(Span::styled(
            " Not looked at on the node:",
            theme.style(Token::Warning),
        )));
        notes.extend(report.coverage.iter().map(|c| {
            ListItem::new(Line::from(Span::styled(
                format!("   {}: {}", visible(&c.what), visible(&c.why)),
                theme.style(Token::Muted),
            )))
        }));
    }
    let rows = t.rows();
    if rows.is_empty() {
        let node_name = report.node.as_deref().unwrap_or("the node");
        let mut items = vec![ListItem::new(Span::styled(
            format!(
                " No node-local findings: nothing wrong found on {}.",
                visible(node_name)
            ),
            theme.style(Token::Ok),
        ))];
        items.extend(notes);
        frame.render_widget(List::new(items).block(block), area);
        return;
    }
    let mut items = super::troubleshoot::list_items(&rows, analysis, false, theme);
    items.extend(notes);
    let list = List::new(items)
        .block(block)
        .highlight_style(theme.style(Token::Selection));
    let mut list_state = ListState::default().with_selected(Some(t.selected));
    frame.render_stateful_widget(list, area, &mut list_state);
}
