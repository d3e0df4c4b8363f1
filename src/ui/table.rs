//! The resource table: title with counts, column titles with the sort marker, and only the rows
//! that fit on screen (so 50,000 rows cost no more to draw than 50).

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Cell as TableCell, Paragraph, Row as TableRow, Table, TableState, Wrap,
};
use unicode_width::UnicodeWidthStr;

use crate::app::state::{AppState, Connection};
use crate::app::table::{TableView, cell_at};
use crate::config::{Theme, Token};
use crate::model::{ResourceKind, Row};
use crate::text_safety::visible;

use super::{column_fit, truncate};

/// Widest a column may grow before its text is cut (the last column takes the rest).
const MAX_COLUMN: usize = 48;

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let kind = state.shown_kind();
    let Some(table) = state.table() else { return };
    let rows = state.rows(kind);
    let drill = state.shown_drill();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Token::Border));
    let data = state.kinds.get(&kind);
    let refused = data.and_then(|d| d.refused.clone());
    let unread = data.and_then(|d| not_read_line(&d.malformed));
    let synced = data.is_some_and(|d| d.synced);
    if rows.is_empty() || (drill.is_some() && table.visible.is_empty()) {
        let (text, token) = match (&refused, synced, drill) {
            (Some(message), _, _) => (format!("✗ {message}"), Token::Error),
            (None, true, Some(d)) => match d.scope_note(&state.scope, &all_namespaces(state)) {
                Some(note) => (note, Token::Warning),
                None => drill_empty(d, table),
            },
            (None, true, None) => match &unread {
                Some(line) => (visible(line).into_owned(), Token::Warning),
                None => (empty_message(state, kind), Token::Muted),
            },
            (None, false, _) => not_loaded(state, kind),
        };
        let paragraph = Paragraph::new(Span::styled(text, theme.style(token)))
            .block(block.title(title(state, table, rows.len(), &[], theme)))
            .wrap(Wrap { trim: true });
        frame.render_widget(paragraph, area);
        return;
    }
    let shown: Vec<usize> = visible_columns(state, table);
    let height = usize::from(area.height.saturating_sub(3));
    let window: Vec<&Row> = table
        .visible
        .iter()
        .skip(table.offset)
        .take(height)
        .filter_map(|&i| rows.get(i).map(|r| r.as_ref()))
        .collect();
    let texts: Vec<Vec<String>> = window
        .iter()
        .map(|row| {
            shown
                .iter()
                .map(|&c| {
                    let text = cell_at(kind, row, c, &state.joins).display(state.now);
                    match visible(&text) {
                        std::borrow::Cow::Borrowed(_) => text,
                        std::borrow::Cow::Owned(shown) => shown,
                    }
                })
                .collect()
        })
        .collect();
    let titles: Vec<&str> = table.titles.iter().map(String::as_str).collect();
    let titles = titles.as_slice();
    let natural = column_widths(&shown, titles, &texts, table);
    // Inside the borders, minus the highlight symbol column ratatui reserves.
    let available = usize::from(area.width.saturating_sub(2));
    let (fitted, widths) = column_fit::fit(kind, titles, &shown, &natural, available);
    let hidden: Vec<&str> = shown
        .iter()
        .filter(|c| !fitted.contains(c))
        .filter_map(|c| titles.get(*c).copied())
        .collect();
    let block = block.title(title(state, table, rows.len(), &hidden, theme));
    let keep: Vec<usize> = fitted
        .iter()
        .filter_map(|c| shown.iter().position(|s| s == c))
        .collect();
    let texts: Vec<Vec<String>> = texts
        .into_iter()
        .map(|row| keep.iter().map(|&i| row[i].clone()).collect())
        .collect();
    let shown = fitted;
    let header = TableRow::new(shown.iter().map(|&c| {
        let marker = if c == table.sort.column {
            if table.sort.descending { "↓" } else { "↑" }
        } else {
            ""
        };
        TableCell::from(format!(
            "{}{marker}",
            titles.get(c).copied().unwrap_or_default()
        ))
    }))
    .style(theme.style(Token::TableHeader));
    let stale = state.stale();
    let body = window.iter().zip(texts).map(|(row, texts)| {
        let cells = shown
            .iter()
            .zip(texts)
            .zip(&widths)
            .map(|((&c, text), &width)| {
                let text = truncate(&text, width);
                let style = match cell_at(kind, row, c, &state.joins).health() {
                    Some(h) => theme.health(h),
                    None => Style::default(),
                };
                TableCell::from(Span::styled(text, style))
            });
        let row_style = if stale {
            theme.style(Token::Stale)
        } else {
            theme.style(Token::Text)
        };
        TableRow::new(cells).style(row_style)
    });
    let constraints: Vec<Constraint> = widths
        .iter()
        .map(|w| Constraint::Length(*w as u16))
        .collect();
    let widget = Table::new(body, constraints)
        .header(header)
        .block(block)
        .column_spacing(column_fit::SPACING as u16)
        .row_highlight_style(theme.style(Token::Selection));
    let mut table_state =
        TableState::default().with_selected(Some(table.selected.saturating_sub(table.offset)));
    frame.render_stateful_widget(widget, area, &mut table_state);
    let status = match (refused, unread) {
        (Some(message), _) => Some((format!("✗ {message}"), Token::Error)),
        (None, Some(line)) => Some((line, Token::Warning)),
        (None, None) => None,
    };
    if let Some((text, token)) = status {
        let y = area.bottom().saturating_sub(1);
        let line = Rect {
            x: area.x + 1,
            y,
            width: area.width.saturating_sub(2),
            height: 1,
        };
        frame.render_widget(
            Paragraph::new(Span::styled(
                truncate(&visible(&text), usize::from(line.width)),
                theme.style(token),
            )),
            line,
        );
    }
}

/// The objects of this kind that could not be read and are not in the table, named: the
/// first with why, and how many more (all are in the Troubleshoot view's "not checked").
fn not_read_line(malformed: &[String]) -> Option<String> {
    let first = malformed.first()?;
    let more = match malformed.len() {
        1 => String::new(),
        n => format!(" (+{} more)", n - 1),
    };
    Some(format!("▲ not shown, could not be read: {first}{more}"))
}

/// Why a table has no rows yet: still loading, or the cluster cannot be reached (with what
/// failed and what to do), so an unreachable context never reads "Loading…" forever.
fn not_loaded(state: &AppState, _kind: ResourceKind) -> (String, Token) {
    let what = visible(&state.view_title().to_lowercase()).into_owned();
    let other = state
        .keymap
        .hint(
            crate::app::action::Layer::Table,
            crate::app::action::Action::ContextPicker,
        )
        .map(|k| format!(" Press {k} to switch to another context."))
        .unwrap_or_default();
    match &state.connection {
        Connection::Failed { error } => (
            format!(
                "Cannot load {what}: no connection to context {} ({error}).{other}",
                state.target.context
            ),
            Token::Error,
        ),
        // A message that already names the server (the request timeout's) is said once.
        Connection::Reconnecting { error } if error.contains(state.target.server.as_str()) => (
            format!(
                "Cannot load {what} yet: {}. kmedic keeps trying.{other}",
                error.trim_end_matches('.')
            ),
            Token::Error,
        ),
        Connection::Reconnecting { error } => (
            format!(
                "Cannot load {what} yet: the API server at {} does not answer ({error}). \
                 kmedic keeps trying.{other}",
                state.target.server
            ),
            Token::Error,
        ),
        Connection::Rejected { error } => (
            format!("Cannot load {what}: the API server rejects the credentials ({error}).{other}"),
            Token::Error,
        ),
        Connection::Connecting | Connection::Live => (format!("Loading {what}…"), Token::Muted),
    }
}

/// How to show every namespace, for a drill-down that needs pods outside the one shown.
fn all_namespaces(state: &AppState) -> String {
    let layer = crate::app::action::Layer::Table;
    match state
        .keymap
        .hint(layer, crate::app::action::Action::AllNamespaces)
    {
        Some(key) => format!(
            "press {} to show all namespaces",
            super::key_text(&key, state.ascii)
        ),
        None => "run :ns all to show all namespaces".into(),
    }
}

/// Why a drill-down lists nothing: the answer is not there yet, the object is gone, or it
/// stands for no objects (with the engine's note when the list may be incomplete).
fn drill_empty(drill: &crate::app::drill::DrillView, table: &TableView) -> (String, Token) {
    let what = drill.child.title().to_lowercase();
    let crumb = visible(&drill.crumb()).into_owned();
    match &drill.members {
        None => (format!("Looking up the {what} of {crumb}…"), Token::Muted),
        Some(None) => (
            format!(
                "{crumb} is not in the watched caches (deleted, or outside the namespace shown)."
            ),
            Token::Warning,
        ),
        Some(Some(m)) => {
            let filtered = table.filter.is_some() || table.faults_only;
            let mut text = if table.only.as_ref().is_some_and(|o| !o.is_empty()) && filtered {
                format!("No {what} of {crumb} match the filter.")
            } else if table.only.as_ref().is_some_and(|o| !o.is_empty()) {
                format!("The {what} of {crumb} are not listed yet.")
            } else {
                format!("{crumb} has no {what}.")
            };
            if let Some(note) = &m.note {
                text.push(' ');
                text.push_str(&visible(note));
            }
            (text, Token::Muted)
        }
    }
}

fn empty_message(state: &AppState, _kind: ResourceKind) -> String {
    let what = visible(&state.view_title().to_lowercase()).into_owned();
    let what = match state.table() {
        Some(t) if t.faults_only => format!("{what} with a fault"),
        _ => what,
    };
    match (&state.scope, state.view_namespaced()) {
        (crate::cluster::Scope::Namespace(ns), true) => {
            let all = state.keymap.hint(
                crate::app::action::Layer::Table,
                crate::app::action::Action::AllNamespaces,
            );
            let pick = state.keymap.hint(
                crate::app::action::Layer::Table,
                crate::app::action::Action::NamespacePicker,
            );
            let mut text = format!("No {what} in namespace {ns}.");
            if let (Some(all), Some(pick)) = (all, pick) {
                text.push_str(&format!(
                    " Press {all} for all namespaces or {pick} to choose one."
                ));
            }
            text
        }
        _ => format!("No {what} found."),
    }
}

fn visible_columns(state: &AppState, table: &TableView) -> Vec<usize> {
    let hidden = if state.hide_namespace() {
        table.namespace_column()
    } else {
        None
    };
    // Columns scrolled out on the left go, except NAME.
    let name = table.titles.iter().position(|t| t == "NAME").unwrap_or(0);
    let offset = table.column_offset;
    let mut skipped = 0;
    (0..table.titles.len())
        .filter(|c| Some(*c) != hidden)
        .filter(|&c| {
            if c == name || skipped >= offset {
                true
            } else {
                skipped += 1;
                false
            }
        })
        .collect()
}

fn column_widths(
    shown: &[usize],
    titles: &[&str],
    texts: &[Vec<String>],
    table: &TableView,
) -> Vec<usize> {
    shown
        .iter()
        .enumerate()
        .map(|(pos, &c)| {
            let title =
                titles.get(c).map(|t| t.width()).unwrap_or(0) + usize::from(c == table.sort.column);
            let content = texts
                .iter()
                .map(|t| t.get(pos).map(|s| s.width()).unwrap_or(0))
                .max()
                .unwrap_or(0);
            let limit = if pos + 1 == shown.len() {
                usize::MAX
            } else {
                MAX_COLUMN
            };
            title.max(content).min(limit)
        })
        .collect()
}

fn title<'a>(
    state: &AppState,
    table: &TableView,
    total: usize,
    hidden: &[&str],
    theme: &Theme,
) -> Line<'a> {
    // A drill-down counts its members, and names the way it came (the breadcrumb).
    let drill = state.shown_drill();
    let outside = drill.map_or(0, |d| d.outside(&state.scope));
    let total = match &table.only {
        Some(only) => only.len().saturating_sub(outside),
        None => total,
    };
    let mut count = if table.filter.is_some() || table.faults_only {
        format!("{}/{}", table.visible.len(), total)
    } else {
        total.to_string()
    };
    if outside > 0 {
        count.push_str(&format!(" (+{outside} in other namespaces)"));
    }
    let mut spans = Vec::new();
    if let Some(path) = crate::app::drill::breadcrumb(state) {
        spans.push(Span::styled(
            format!(" {} ›", visible(&path)),
            theme.style(Token::Muted),
        ));
    }
    spans.push(Span::styled(
        format!(" {} {count} ", visible(&state.view_title())),
        theme.style(Token::Title),
    ));
    if table.faults_only {
        spans.push(Span::styled("[faults only] ", theme.style(Token::Warning)));
    }
    if state.view_namespaced() && state.shown_drill().is_none() {
        spans.push(Span::styled(
            format!("[{}] ", state.scope.label()),
            theme.style(Token::Muted),
        ));
    }
    if !table.filter_text.is_empty() {
        let token = if table.filter_error.is_some() {
            Token::Error
        } else {
            Token::Highlight
        };
        spans.push(Span::styled(
            format!("/{} ", truncate(&table.filter_text, 30)),
            theme.style(token),
        ));
    }
    if table.column_offset > 0 {
        spans.push(Span::styled(
            format!("[←{}] ", table.column_offset),
            theme.style(Token::Muted),
        ));
    }
    if !hidden.is_empty() {
        // Columns that did not fit are named, so a narrow terminal never hides them silently.
        spans.push(Span::styled(
            format!("[hidden: {}] ", hidden.join(" ").to_lowercase()),
            theme.style(Token::Muted),
        ));
    }
    if state.stale() {
        spans.push(Span::styled("[stale] ", theme.style(Token::Warning)));
    }
    Line::from(spans)
}
