//! The Troubleshoot view: pane tabs, the findings list (root causes first, symptoms folded under
//! them), and the selected finding's explanation, evidence and next steps (scrollable; the rows
//! are `app::finding_text`'s, wrapped to the box the layout gives).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph, Wrap};

use crate::app::finding_text::{self, Part, object_name, severity_word};
use crate::app::layout;
use crate::app::state::AppState;
use crate::app::troubleshoot::{TabKind, Troubleshoot};
use crate::config::{Theme, Token};
use crate::findings::Severity;
use crate::model::age::human_duration;
use crate::text_safety::visible;

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let t = &state.troubleshoot;
    let [tabs, list, detail] = layout::troubleshoot(area);
    frame.render_widget(
        Paragraph::new(tab_line(t, theme, usize::from(tabs.width))),
        tabs,
    );
    render_list(frame, list, state, theme);
    render_detail(frame, detail, t, theme);
}

pub(super) fn severity_style(severity: Severity, theme: &Theme) -> Style {
    match severity {
        Severity::Critical => theme.style(Token::Error).add_modifier(Modifier::BOLD),
        Severity::Error => theme.style(Token::Error),
        Severity::Warning => theme.style(Token::Warning),
        Severity::Info => theme.style(Token::Muted),
    }
}

/// The tab line, fitted to `width` columns: the full titles with their counts; else the
/// short titles; else (very narrow) a run of short tabs around the selected one, with `‹`/`›`
/// where tabs are hidden. The selected tab is always shown.
fn tab_line<'a>(t: &Troubleshoot, theme: &Theme, width: usize) -> Line<'a> {
    let tabs = t.tabs();
    let selected = t.tab % tabs.len().max(1);
    let full: Vec<String> = tabs
        .iter()
        .map(|tab| format!(" {} ({}) ", tab.title, t.count_in(*tab)))
        .collect();
    let short: Vec<String> = tabs
        .iter()
        .map(|tab| format!(" {} {} ", tab.short, t.count_in(*tab)))
        .collect();
    let cols = |labels: &[String], gap: usize| -> usize {
        1 + labels
            .iter()
            .map(|l| l.chars().count() + gap)
            .sum::<usize>()
    };
    let (labels, gap) = if cols(&full, 1) <= width {
        (full, 1)
    } else if cols(&short, 1) <= width {
        (short, 1)
    } else {
        (short, 0)
    };
    // The widest run of tabs around the selected one that fits with its markers.
    let (mut first, mut last) = (selected, selected);
    let fits = |a: usize, b: usize| {
        let markers = usize::from(a > 0) * 2 + usize::from(b + 1 < labels.len()) * 2;
        cols(&labels[a..=b], gap) + markers <= width
    };
    loop {
        let grown_right = last + 1 < labels.len() && fits(first, last + 1);
        if grown_right {
            last += 1;
        }
        let grown_left = first > 0 && fits(first - 1, last);
        if grown_left {
            first -= 1;
        }
        if !grown_right && !grown_left {
            break;
        }
    }
    let mut spans = vec![Span::raw(" ")];
    if first > 0 {
        spans.push(Span::styled("‹ ", theme.style(Token::Muted)));
    }
    for (i, label) in labels.iter().enumerate().take(last + 1).skip(first) {
        let style = if i == selected {
            theme.style(Token::Selection)
        } else {
            theme.style(Token::Muted)
        };
        spans.push(Span::styled(label.clone(), style));
        if gap > 0 {
            spans.push(Span::raw(" "));
        }
    }
    if last + 1 < labels.len() {
        spans.push(Span::styled(" ›", theme.style(Token::Muted)));
    }
    Line::from(spans)
}

fn render_list(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let t = &state.troubleshoot;
    if t.current_tab().kind == TabKind::NodeLocal {
        super::troubleshoot_node::render_list(frame, area, state, theme);
        return;
    }
    let status = match &t.analysis {
        Some(_) if t.cluster_pending() => {
            " Findings — the cluster is not analysed yet ".to_string()
        }
        Some(a) => {
            // The analysis may carry a time a little ahead of the screen's clock.
            let mut text = if a.at > state.now {
                " Findings — analysed just now".to_string()
            } else {
                format!(
                    " Findings — analysed {} ago",
                    human_duration(a.at, state.now)
                )
            };
            let gaps = a.coverage.gaps.len() + a.coverage.skipped.len();
            if gaps > 0 {
                text.push_str(&format!(", {gaps} not checked"));
            }
            text.push(' ');
            text
        }
        None => " Findings ".to_string(),
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
    if rows.is_empty() && t.cluster_pending() {
        let text = match &t.error {
            Some(e) => Span::styled(format!("✗ {}", visible(e)), theme.style(Token::Error)),
            None => Span::styled("Analysing the cluster…", theme.style(Token::Muted)),
        };
        frame.render_widget(
            Paragraph::new(text).block(block).wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    if rows.is_empty() {
        let TabKind::Pane(pane) = t.current_tab().kind else {
            return;
        };
        let title = t.current_tab().title.to_lowercase();
        let gaps: Vec<String> = analysis
            .coverage
            .gaps
            .iter()
            .filter(|g| g.panes.contains(&pane))
            .map(|g| format!("  not checked: {} ({})", g.what, g.reason))
            .collect();
        let mut lines = Vec::new();
        if gaps.is_empty() {
            lines.push(Line::from(Span::styled(
                format!("No {title} findings: nothing wrong found here."),
                theme.style(Token::Ok),
            )));
        } else {
            lines.push(Line::from(Span::styled(
                format!("No {title} findings in what could be read; some checks could not run:"),
                theme.style(Token::Warning),
            )));
            lines.extend(gaps.into_iter().map(|g| Line::from(Span::raw(g))));
        }
        frame.render_widget(
            Paragraph::new(lines)
                .block(block)
                .wrap(Wrap { trim: false }),
            area,
        );
        return;
    }
    let items = list_items(&rows, analysis, true, theme);
    let list = List::new(items)
        .block(block)
        .highlight_style(theme.style(Token::Selection));
    let mut list_state = ListState::default().with_selected(Some(t.selected));
    frame.render_stateful_widget(list, area, &mut list_state);
}

/// One line per row: severity, object, summary; `[node]` before what was read on the node
/// when `mark_local` (the pane tabs, where both kinds meet).
pub(super) fn list_items<'a>(
    rows: &[crate::app::troubleshoot::ListRow],
    analysis: &crate::app::troubleshoot::Analysis,
    mark_local: bool,
    theme: &Theme,
) -> Vec<ListItem<'a>> {
    rows.iter()
        .filter_map(|row| {
            let f = analysis.findings.get(row.finding)?;
            let indent = if row.symptom { "   └ " } else { " " };
            let mut spans = vec![
                Span::raw(indent),
                Span::styled(
                    format!("{:<8} ", severity_word(f.severity)),
                    severity_style(f.severity, theme),
                ),
            ];
            if mark_local && row.local {
                spans.push(Span::styled("[node] ", theme.style(Token::Muted)));
            }
            spans.push(Span::styled(
                format!("{}: ", object_name(f)),
                theme.style(Token::Text),
            ));
            spans.push(Span::styled(
                visible(&f.summary).into_owned(),
                theme.style(Token::Text),
            ));
            Some(ListItem::new(Line::from(spans)))
        })
        .collect()
}

fn part_style(part: Part, theme: &Theme) -> Style {
    match part {
        Part::Severity(s) => severity_style(s, theme),
        Part::Title => theme.style(Token::Text).add_modifier(Modifier::BOLD),
        Part::Muted | Part::Label => theme.style(Token::Muted),
        Part::Heading => theme.style(Token::TableHeader),
        Part::Text => theme.style(Token::Text),
        Part::Command => theme.style(Token::KeyHint),
    }
}

fn render_detail(frame: &mut Frame, area: Rect, t: &Troubleshoot, theme: &Theme) {
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Token::Border));
    let Some(f) = t.selected_finding() else {
        frame.render_widget(block, area);
        return;
    };
    let inner = block.inner(area);
    let rows = finding_text::rows(f, usize::from(inner.width).max(1));
    let height = usize::from(inner.height);
    let scroll = t.detail_scroll.min(rows.len().saturating_sub(height));
    if rows.len() > height {
        // Say where in the details we are, so hidden lines are never a surprise.
        let below = rows.len() - scroll - height.min(rows.len() - scroll);
        let text = if below > 0 {
            format!(
                " lines {}-{} of {}, more below ",
                scroll + 1,
                scroll + height,
                rows.len()
            )
        } else {
            format!(" lines {}-{} of {} ", scroll + 1, rows.len(), rows.len())
        };
        block = block.title_bottom(Line::styled(text, theme.style(Token::Muted)).right_aligned());
    }
    let lines: Vec<Line> = rows
        .into_iter()
        .skip(scroll)
        .take(height)
        .map(|row| {
            Line::from(
                row.into_iter()
                    .map(|(part, text)| Span::styled(text, part_style(part, theme)))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

#[cfg(test)]
mod tests {
    use super::tab_line;
    use crate::app::troubleshoot::Troubleshoot;
    use crate::config::Theme;

    fn text(t: &Troubleshoot, width: usize) -> String {
        let line = tab_line(t, &Theme::default(), width);
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn the_tab_line_degrades_and_always_shows_the_selected_tab() {
        let mut t = Troubleshoot::default();
        assert!(text(&t, 160).contains(" Certificates (0) "));
        let narrow = text(&t, 80);
        assert!(
            narrow.contains(" Certs 0 ") && narrow.chars().count() <= 80,
            "{narrow}"
        );
        // Too narrow even for the short titles: a run around the selected tab, with markers.
        t.tab = 4;
        let tiny = text(&t, 24);
        assert!(tiny.contains(" Certs 0 ") && tiny.contains('‹'), "{tiny}");
        assert!(tiny.chars().count() <= 24, "{tiny}");
        t.tab = 0;
        let tiny = text(&t, 24);
        assert!(tiny.contains(" Apps 0 ") && tiny.contains('›'), "{tiny}");
    }
}
