//! The two header lines: where we are (context, server, namespace) and in what state
//! (read-only badge, connection).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::state::{AppState, Connection};
use crate::config::{Theme, Token};
use crate::text_safety::visible;

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let label = theme.style(Token::HeaderLabel);
    let value = theme.style(Token::Header);
    let namespace = match &state.scope {
        crate::cluster::Scope::All => "all namespaces".to_string(),
        crate::cluster::Scope::Namespace(ns) => visible(ns).into_owned(),
    };
    let mut first = Line::from(vec![
        Span::styled(" kmedic ", theme.style(Token::Title)),
        Span::styled(" context: ", label),
        Span::styled(visible(&state.target.context).into_owned(), value),
        Span::styled("  server: ", label),
        Span::styled(visible(&state.target.server).into_owned(), value),
        Span::styled("  namespace: ", label),
        Span::styled(namespace.clone(), value),
    ]);
    if first.width() > usize::from(area.width) {
        // Narrow terminal: the namespace matters more than the server address.
        first = Line::from(vec![
            Span::styled(" kmedic ", theme.style(Token::Title)),
            Span::styled(" ", label),
            Span::styled(visible(&state.target.context).into_owned(), value),
            Span::styled("  ns: ", label),
            Span::styled(namespace, value),
        ]);
    }
    let badge = if state.read_only {
        Span::styled(" READ-ONLY ", theme.style(Token::ReadOnlyBadge))
    } else {
        Span::styled(" WRITES ENABLED ", theme.style(Token::Error))
    };
    let connection = match &state.connection {
        Connection::Connecting => Span::styled("○ connecting…", theme.style(Token::Progressing)),
        Connection::Live => Span::styled("● live", theme.style(Token::Ok)),
        Connection::Failed { error } => {
            Span::styled(format!("✗ {}", visible(error)), theme.style(Token::Error))
        }
        Connection::Rejected { .. } => Span::styled(
            "✗ credentials rejected (401): log in again",
            theme.style(Token::Error),
        ),
        Connection::Reconnecting { error } => Span::styled(
            format!("◌ reconnecting: {} (showing last data)", visible(error)),
            theme.style(Token::Error),
        ),
    };
    let mut spans = vec![Span::raw(" "), badge, Span::raw("  "), connection];
    let (critical, errors) = state.troubleshoot.counts();
    if critical + errors > 0 {
        let key = state
            .keymap
            .hint(
                crate::app::action::Layer::Table,
                crate::app::action::Action::Troubleshoot,
            )
            .map(|k| format!(" (press {k})"))
            .unwrap_or_default();
        let mut text = String::from("  ▲ ");
        if critical > 0 {
            text.push_str(&format!("{critical} critical, "));
        }
        text.push_str(&format!(
            "{errors} error{}{key}",
            if errors == 1 { "" } else { "s" }
        ));
        spans.push(Span::styled(text, theme.style(Token::Error)));
    } else if let Some(analysis) = &state.troubleshoot.analysis {
        if analysis.coverage.complete {
            spans.push(Span::styled("  no errors found", theme.style(Token::Ok)));
        } else {
            let gaps = analysis.coverage.gaps.len() + analysis.coverage.skipped.len();
            spans.push(Span::styled(
                format!("  no errors in what could be read ({gaps} not checked)"),
                theme.style(Token::Warning),
            ));
        }
    }
    let second = Line::from(spans);
    frame.render_widget(Paragraph::new(vec![first, second]), area);
}
