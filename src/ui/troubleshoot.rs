//! The Troubleshoot view: pane tabs, the findings list (root causes first, symptoms folded under
//! them), and the selected finding's explanation, evidence and next steps.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph, Wrap};

use crate::app::state::AppState;
use crate::app::troubleshoot::{PANES, Troubleshoot};
use crate::config::{Theme, Token};
use crate::findings::{Finding, Pane, Severity};
use crate::model::age::human_duration;
use crate::text_safety::visible;

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let t = &state.troubleshoot;
    let [tabs, list, detail] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Percentage(45),
        Constraint::Min(3),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(tab_line(t, theme)), tabs);
    render_list(frame, list, state, theme);
    render_detail(frame, detail, t, theme);
}

fn pane_title(pane: Pane) -> &'static str {
    match pane {
        Pane::App => "Applications",
        Pane::ControlPlane => "Control plane",
        Pane::Node => "Nodes",
        Pane::Network => "Network",
        Pane::Certs => "Certificates",
    }
}

fn severity_style(severity: Severity, theme: &Theme) -> Style {
    match severity {
        Severity::Critical => theme.style(Token::Error).add_modifier(Modifier::BOLD),
        Severity::Error => theme.style(Token::Error),
        Severity::Warning => theme.style(Token::Warning),
        Severity::Info => theme.style(Token::Muted),
    }
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "CRITICAL",
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
        Severity::Info => "INFO",
    }
}

fn tab_line<'a>(t: &Troubleshoot, theme: &Theme) -> Line<'a> {
    let mut spans = vec![Span::raw(" ")];
    for (i, pane) in PANES.iter().enumerate() {
        let label = format!(" {} ({}) ", pane_title(*pane), t.count_in(*pane));
        let style = if i == t.tab % PANES.len() {
            theme.style(Token::Selection)
        } else {
            theme.style(Token::Muted)
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(
        "←/→ pane  Enter describe  y yaml  L logs  P previous logs",
        theme.style(Token::Muted),
    ));
    Line::from(spans)
}

fn object_name(f: &Finding) -> String {
    if f.object.namespace.is_empty() {
        format!("{}/{}", visible(&f.object.kind), visible(&f.object.name))
    } else {
        format!(
            "{}/{}/{}",
            visible(&f.object.kind),
            visible(&f.object.namespace),
            visible(&f.object.name)
        )
    }
}

fn render_list(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let t = &state.troubleshoot;
    let status = match (&t.analysis, t.pending.is_some()) {
        (Some(a), busy) => {
            let mut text = format!(
                " Findings — analysed {} ago",
                human_duration(a.at, state.now)
            );
            if busy {
                text.push_str(", updating…");
            }
            if !a.skipped.is_empty() {
                text.push_str(&format!(", {} lists refused", a.skipped.len()));
            }
            text.push(' ');
            text
        }
        (None, _) => " Findings ".to_string(),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Token::Border))
        .title(Span::styled(status, theme.style(Token::Title)));
    let rows = t.rows();
    let Some(analysis) = &t.analysis else {
        let text = match &t.error {
            Some(e) => Span::styled(format!("✗ {}", visible(e)), theme.style(Token::Error)),
            None => Span::styled("Analysing the cluster…", theme.style(Token::Muted)),
        };
        frame.render_widget(
            Paragraph::new(text).block(block).wrap(Wrap { trim: true }),
            area,
        );
        return;
    };
    if rows.is_empty() {
        let text = format!(
            "No {} findings: nothing wrong found here.",
            pane_title(t.pane()).to_lowercase()
        );
        frame.render_widget(
            Paragraph::new(Span::styled(text, theme.style(Token::Ok))).block(block),
            area,
        );
        return;
    }
    let items: Vec<ListItem> = rows
        .iter()
        .filter_map(|row| {
            let f = analysis.findings.get(row.finding)?;
            let indent = if row.symptom { "   └ " } else { " " };
            Some(ListItem::new(Line::from(vec![
                Span::raw(indent),
                Span::styled(
                    format!("{:<8} ", severity_word(f.severity)),
                    severity_style(f.severity, theme),
                ),
                Span::styled(format!("{}: ", object_name(f)), theme.style(Token::Text)),
                Span::styled(visible(&f.summary).into_owned(), theme.style(Token::Text)),
            ])))
        })
        .collect();
    let list = List::new(items)
        .block(block)
        .highlight_style(theme.style(Token::Selection));
    let mut list_state = ListState::default().with_selected(Some(t.selected));
    frame.render_stateful_widget(list, area, &mut list_state);
}

fn render_detail(frame: &mut Frame, area: Rect, t: &Troubleshoot, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Token::Border));
    let Some(f) = t.selected_finding() else {
        frame.render_widget(block, area);
        return;
    };
    let heading = theme.style(Token::TableHeader);
    let mut lines = vec![
        Line::from(vec![
            Span::styled(
                format!("{} ", severity_word(f.severity)),
                severity_style(f.severity, theme),
            ),
            Span::styled(
                format!("{} — {}", object_name(f), visible(&f.summary)),
                theme.style(Token::Text).add_modifier(Modifier::BOLD),
            ),
        ]),
        Line::from(Span::styled(
            format!("check: {}", visible(&f.check)),
            theme.style(Token::Muted),
        )),
        Line::from(""),
        Line::from(Span::styled("Why:", heading)),
        Line::from(Span::styled(
            format!("  {}", visible(&f.explanation)),
            theme.style(Token::Text),
        )),
    ];
    lines.push(Line::from(Span::styled("Next steps:", heading)));
    for step in &f.next_steps {
        lines.push(Line::from(Span::styled(
            format!("  $ {}", visible(step)),
            theme.style(Token::KeyHint),
        )));
    }
    if !f.caused_by.is_empty() {
        lines.push(Line::from(Span::styled("Caused by:", heading)));
        for cause in &f.caused_by {
            let o = &cause.object;
            lines.push(Line::from(format!(
                "  {} on {}/{}/{}",
                visible(&cause.check),
                visible(&o.kind),
                visible(&o.namespace),
                visible(&o.name)
            )));
        }
    }
    lines.push(Line::from(Span::styled("Evidence:", heading)));
    for e in &f.evidence {
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {}: ", visible(&e.label)),
                theme.style(Token::Muted),
            ),
            Span::styled(visible(&e.value).into_owned(), theme.style(Token::Text)),
        ]));
    }
    let paragraph = Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .scroll((t.detail_scroll as u16, 0));
    frame.render_widget(paragraph, area);
}
