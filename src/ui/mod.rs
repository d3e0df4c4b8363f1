//! Pure render functions: `render(frame, &AppState, &Theme)` draws the whole screen and never
//! awaits or mutates state.

mod access;
pub mod ascii;
mod category;
pub mod certs;
mod column_fit;
pub mod footer;
mod header;
mod help;
mod logs;
mod neutralise;
mod node_page;
mod picker;
mod reach;
pub mod svg;
mod table;
mod text;
mod tree;
mod troubleshoot;
mod troubleshoot_node;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::overlay::Overlay;
use crate::app::state::{AppState, MIN_HEIGHT, MIN_WIDTH};
use crate::config::{Theme, Token};

/// Draws one frame.
pub fn render(frame: &mut Frame, state: &AppState, theme: &Theme) {
    let area = frame.area();
    if state.too_small() || area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        render_too_small(frame, area, theme);
        neutralise::neutralise(frame.buffer_mut());
        if state.ascii {
            ascii::asciify(frame.buffer_mut());
        }
        return;
    }
    let [header_area, body, footer_area] = crate::app::layout::frame(area);
    header::render(frame, header_area, state, theme);
    match &state.overlay {
        Some(Overlay::Help(view)) => help::render(frame, body, state, view, theme),
        Some(Overlay::Detail(detail)) => text::render_detail(frame, body, state, detail, theme),
        Some(Overlay::Yaml(yaml)) => text::render_yaml(frame, body, yaml, theme),
        Some(Overlay::Namespaces(p)) => {
            beneath_picker(frame, body, state, theme);
            picker::render(frame, body, state, p, theme);
        }
        Some(Overlay::Access(view)) => access::render(frame, body, state, view, theme),
        Some(Overlay::Troubleshoot) => troubleshoot::render(frame, body, state, theme),
        Some(Overlay::Certs(pane)) => match &pane.view {
            Some(Ok(view)) => certs::render(frame, body, view, theme),
            other => text::render_message(
                frame,
                body,
                " Certificates ",
                other.as_ref().and_then(|r| r.as_ref().err()),
                theme,
            ),
        },
        Some(Overlay::Contexts(p)) => {
            beneath_picker(frame, body, state, theme);
            picker::render_contexts(frame, body, state, p, theme);
        }
        Some(Overlay::Category(view)) => category::render(frame, body, state, view, theme),
        Some(Overlay::Logs(pane)) => logs::render(frame, body, state, pane, theme),
        Some(Overlay::Drill(_)) => table::render(frame, body, state, theme),
        Some(Overlay::Tree(pane)) => tree::render(frame, body, state, pane, theme),
        Some(Overlay::NodePage(pane)) => node_page::render(frame, body, state, pane, theme),
        Some(Overlay::Reach(view)) => reach::render(frame, body, view, theme),
        Some(Overlay::ReachPicker(pick)) => {
            match state.stack.last() {
                Some(Overlay::Troubleshoot) => troubleshoot::render(frame, body, state, theme),
                Some(Overlay::Reach(view)) => reach::render(frame, body, view, theme),
                _ => table::render(frame, body, state, theme),
            }
            reach::render_picker(frame, body, pick, theme);
        }
        None => table::render(frame, body, state, theme),
    }
    footer::render(frame, footer_area, state, theme);
    neutralise::neutralise(frame.buffer_mut());
    if state.ascii {
        ascii::asciify(frame.buffer_mut());
    }
}

/// What a namespace or context picker is drawn over: a category's list, or the table.
fn beneath_picker(frame: &mut Frame, body: Rect, state: &AppState, theme: &Theme) {
    match crate::app::category::beneath_or_shown(state) {
        Some(view) => category::render(frame, body, state, view, theme),
        None => table::render(frame, body, state, theme),
    }
}

fn render_too_small(frame: &mut Frame, area: Rect, theme: &Theme) {
    let text = vec![
        Line::from("Terminal too small"),
        Line::from(format!(
            "need {MIN_WIDTH}x{MIN_HEIGHT}, have {}x{}",
            area.width, area.height
        )),
    ];
    let paragraph = Paragraph::new(text)
        .style(theme.style(Token::Warning))
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true });
    let y = area.height.saturating_sub(2) / 2;
    let inner = Rect {
        y: area.y + y,
        height: area.height.saturating_sub(y),
        ..area
    };
    frame.render_widget(paragraph, inner);
}

pub(crate) use crate::app::screens::key_text;

/// Cuts `text` to at most `width` display columns, marking the cut with an ellipsis.
pub(crate) fn truncate(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            if width > 0 {
                while used + 1 > width {
                    match out.pop() {
                        Some(p) => used -= p.width().unwrap_or(0),
                        None => break,
                    }
                }
                out.push('…');
            }
            return out;
        }
        out.push(c);
        used += w;
    }
    out
}
