//! The help view, generated from the active keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::action::Layer;
use crate::app::state::AppState;
use crate::app::text_view::TextView;
use crate::config::{Theme, Token};

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, view: &TextView, theme: &Theme) {
    let mut lines = Vec::new();
    for layer in Layer::ALL {
        let bindings = state.keymap.bindings(*layer);
        if bindings.is_empty() {
            continue;
        }
        lines.push(Line::from(Span::styled(
            format!("{}:", section_title(*layer)),
            theme.style(Token::TableHeader),
        )));
        for binding in bindings {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {:<16}", binding.keys),
                    theme.style(Token::KeyHint),
                ),
                Span::styled(binding.desc, theme.style(Token::Text)),
            ]));
        }
        lines.push(Line::from(""));
    }
    lines.push(Line::from(Span::styled(
        "Commands: :pods :deploy :svc :no :ns :ev (kubectl short names), :ns NAME, :pods -A, :q",
        theme.style(Token::Muted),
    )));
    let height = usize::from(area.height.saturating_sub(2));
    let shown: Vec<Line> = lines.into_iter().skip(view.scroll).take(height).collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Token::Border))
        .title(Span::styled(
            " Help — keys of the active keymap ",
            theme.style(Token::Title),
        ));
    frame.render_widget(Paragraph::new(shown).block(block), area);
}

fn section_title(layer: Layer) -> &'static str {
    match layer {
        Layer::Global => "Everywhere",
        Layer::Table => "Tables",
        Layer::Detail => "Describe view",
        Layer::Yaml => "YAML view",
        Layer::Help => "Help",
        Layer::Picker => "Namespace picker (type to filter, Enter to choose)",
        Layer::Logs => "Log pane",
    }
}
