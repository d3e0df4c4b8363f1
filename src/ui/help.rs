//! The help page, generated from the active keymap: one section per screen (its keymap layer)
//! in the order of `Layer::ALL`, then the `:` commands.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::action::Layer;
use crate::app::screens;
use crate::app::state::AppState;
use crate::app::text_view::TextView;
use crate::app::wrap::width_of;
use crate::config::{Theme, Token};

/// Widest the key column grows before longer keys push their description to the right.
const MAX_KEY_COLUMN: usize = 18;

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, view: &TextView, theme: &Theme) {
    let height = usize::from(area.height.saturating_sub(2));
    let shown: Vec<Line> = lines(state, theme)
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

/// Every line of the help page (as many as `screens::help::help_lines` counts).
pub fn lines(state: &AppState, theme: &Theme) -> Vec<Line<'static>> {
    let sections: Vec<(Layer, Vec<(String, String)>)> = Layer::ALL
        .iter()
        .map(|layer| {
            let bindings = state
                .keymap
                .bindings(*layer)
                .into_iter()
                .map(|b| (super::key_text(&b.keys, state.ascii), b.desc))
                .collect();
            (*layer, bindings)
        })
        .collect();
    let commands = screens::command_line::COMMANDS;
    // One key column for the whole page, as wide as most keys; longer key lists push their
    // description right, always after two spaces.
    let column = sections
        .iter()
        .flat_map(|(_, b)| b.iter().map(|(k, _)| width_of(k)))
        .max()
        .unwrap_or(0)
        .min(MAX_KEY_COLUMN)
        + 2;
    let entry = |keys: &str, desc: &str| {
        let pad = column.saturating_sub(width_of(keys)).max(2);
        Line::from(vec![
            Span::styled(
                format!("  {keys}{}", " ".repeat(pad)),
                theme.style(Token::KeyHint),
            ),
            Span::styled(desc.to_string(), theme.style(Token::Text)),
        ])
    };
    let mut lines = Vec::new();
    for (layer, bindings) in sections {
        if bindings.is_empty() {
            continue;
        }
        lines.push(Line::from(Span::styled(
            format!("{}:", screens::title(layer)),
            theme.style(Token::TableHeader),
        )));
        for (keys, desc) in &bindings {
            lines.push(entry(keys, desc));
        }
        lines.push(Line::from(""));
    }
    lines.push(Line::from(Span::styled(
        "Commands (press : then type one, Enter runs it):",
        theme.style(Token::TableHeader),
    )));
    for (command, desc) in commands {
        lines.push(entry(command, desc));
    }
    lines
}
