//! The combined list of a category (`:all`), drawn like `kubectl get all`: a section per kind
//! with a header line (its name and count, or why it shows nothing: loading, none, a refusal
//! named as a gap) and its own column titles, each row's NAME as kubectl prints it
//! (`deployment.apps/web`). Only the lines on screen are built; each section's columns are as
//! wide as its titles and the rows shown.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line as TextLine, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

use crate::app::category::{CategoryView, Line, Section};
use crate::app::state::AppState;
use crate::app::table::cell_at;
use crate::config::{Theme, Token};
use crate::text_safety::visible;

use super::truncate;

/// Widest a column may grow before its text is cut (the last column takes the rest).
const MAX_COLUMN: usize = 48;

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, view: &CategoryView, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Token::Border))
        .title(title(state, view, theme));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = usize::from(inner.height);
    let width = usize::from(inner.width);
    let lines = view.lines(view.offset, height);
    let selected = view.locate(view.selected);
    // Each section's cell texts and column widths, over its lines on screen.
    let mut cache: Vec<Option<Columns>> = vec![None; view.sections.len()];
    for line in &lines {
        let s = match line {
            Line::Header(s) | Line::Titles(s) | Line::Row(s, _) => *s,
        };
        if cache[s].is_none() {
            let positions: Vec<usize> = lines
                .iter()
                .filter_map(|l| match l {
                    Line::Row(x, pos) if *x == s => Some(*pos),
                    _ => None,
                })
                .collect();
            cache[s] = Some(columns(state, &view.sections[s], &positions, width));
        }
    }
    let out: Vec<TextLine> = lines
        .iter()
        .map(|line| match *line {
            Line::Header(s) => {
                let hidden = cache[s].as_ref().map_or(&[][..], |c| c.hidden.as_slice());
                header(state, view, &view.sections[s], hidden, theme)
            }
            Line::Titles(s) => match &cache[s] {
                Some(c) => TextLine::styled(
                    truncate(&c.join(&c.titles), width),
                    theme.style(Token::TableHeader),
                ),
                None => TextLine::default(),
            },
            Line::Row(s, pos) => {
                let Some(c) = &cache[s] else {
                    return TextLine::default();
                };
                let cells = c.rows.get(&pos).cloned().unwrap_or_default();
                let section = &view.sections[s];
                let health = row_health(state, section, pos);
                let text = truncate(&c.join(&cells), width);
                let style = if selected == Some((s, pos)) {
                    theme.style(Token::Selection)
                } else if state.stale() {
                    theme.style(Token::Stale)
                } else {
                    match health {
                        Some(h) if crate::model::api::table::is_fault(h) => theme.health(h),
                        _ => theme.style(Token::Text),
                    }
                };
                TextLine::styled(text, style)
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(out), inner);
}

/// A section's shown columns, their widths and the texts of its rows on screen.
#[derive(Clone)]
struct Columns {
    titles: Vec<String>,
    /// Titles of the columns that did not fit, named on the section's header.
    hidden: Vec<String>,
    widths: Vec<usize>,
    rows: std::collections::HashMap<usize, Vec<String>>,
}

impl Columns {
    fn join(&self, cells: &[String]) -> String {
        let mut out = String::new();
        for (i, (cell, width)) in cells.iter().zip(&self.widths).enumerate() {
            let last = i + 1 == self.widths.len();
            let cell = if last {
                cell.clone()
            } else {
                truncate(cell, *width)
            };
            out.push_str(&cell);
            if !last {
                let pad = width.saturating_sub(cell.width()) + super::column_fit::SPACING;
                out.push_str(&" ".repeat(pad));
            }
        }
        out
    }
}

fn columns(state: &AppState, section: &Section, positions: &[usize], available: usize) -> Columns {
    let table = &section.table;
    let hidden = if state.hide_namespace() {
        table.namespace_column()
    } else {
        None
    };
    let name = table.titles.iter().position(|t| t == "NAME");
    let shown: Vec<usize> = (0..table.titles.len())
        .filter(|c| Some(*c) != hidden)
        .collect();
    let titles: Vec<String> = shown
        .iter()
        .map(|&c| visible(&table.titles[c]).into_owned())
        .collect();
    let rows = section.rows(state);
    let kind = section.cell_kind();
    let prefix = section.prefix();
    let mut texts = std::collections::HashMap::new();
    for &pos in positions {
        let Some(row) = table.visible.get(pos).and_then(|&i| rows.get(i)) else {
            continue;
        };
        let cells: Vec<String> = shown
            .iter()
            .map(|&c| {
                let text = if Some(c) == name {
                    format!("{prefix}/{}", row.key.name)
                } else {
                    cell_at(kind, row, c, &state.joins).display(state.now)
                };
                visible(&text).into_owned()
            })
            .collect();
        texts.insert(pos, cells);
    }
    let natural: Vec<usize> = (0..shown.len())
        .map(|i| {
            let content = texts
                .values()
                .map(|t: &Vec<String>| t.get(i).map_or(0, |s| s.width()))
                .max()
                .unwrap_or(0);
            // NAME carries the kind (`replicaset.apps/…`): it may grow further.
            let max = if Some(shown[i]) == name {
                2 * MAX_COLUMN
            } else {
                MAX_COLUMN
            };
            titles[i].width().max(content).min(max)
        })
        .collect();
    // Less important columns go first when the section is too wide, as in the kind's table.
    let all_titles: Vec<&str> = table.titles.iter().map(String::as_str).collect();
    // A kind kmedic has no view of gives up AGE, then NAMESPACE (as its Browse table does),
    // then its rightmost columns; NAME stays. Then the kinds' common rules apply.
    let mut candidates: Vec<usize> = (0..shown.len()).collect();
    if section.known.is_none() {
        let spacing = super::column_fit::SPACING;
        let needed = |c: &[usize]| {
            c.iter().map(|&i| natural[i]).sum::<usize>() + spacing * c.len().saturating_sub(1)
        };
        while needed(&candidates) > available {
            let titled = |t: &str| candidates.iter().position(|&i| titles[i] == t);
            let droppable = titled("AGE")
                .or_else(|| titled("NAMESPACE"))
                .or_else(|| candidates.iter().rposition(|&i| Some(shown[i]) != name));
            match droppable {
                Some(at) => {
                    candidates.remove(at);
                }
                None => break,
            }
        }
    }
    let sub_shown: Vec<usize> = candidates.iter().map(|&i| shown[i]).collect();
    let sub_natural: Vec<usize> = candidates.iter().map(|&i| natural[i]).collect();
    let (fitted, widths) =
        super::column_fit::fit(kind, &all_titles, &sub_shown, &sub_natural, available);
    let hidden: Vec<String> = shown
        .iter()
        .enumerate()
        .filter(|(_, c)| !fitted.contains(c))
        .map(|(i, _)| titles[i].to_lowercase())
        .collect();
    let keep: Vec<usize> = fitted
        .iter()
        .filter_map(|c| shown.iter().position(|s| s == c))
        .collect();
    let pick = |cells: &Vec<String>| -> Vec<String> {
        keep.iter()
            .map(|&i| cells.get(i).cloned().unwrap_or_default())
            .collect()
    };
    Columns {
        titles: pick(&titles),
        hidden,
        widths,
        rows: texts.iter().map(|(k, v)| (*k, pick(v))).collect(),
    }
}

/// The health of a section's `pos`th shown row.
fn row_health(state: &AppState, section: &Section, pos: usize) -> Option<crate::model::Health> {
    let i = *section.table.visible.get(pos)?;
    Some(section.rows(state).get(i)?.health)
}

/// A section's header: `deployment.apps  3`, or why it shows no rows.
fn header<'a>(
    state: &AppState,
    view: &CategoryView,
    section: &Section,
    hidden: &[String],
    theme: &Theme,
) -> TextLine<'a> {
    let name = visible(&section.resource.full_name()).into_owned();
    let (synced, error) = section.status(state);
    let total = section.rows(state).len();
    let shown = section.table.visible.len();
    let filtered = !view.filter_text.is_empty() || view.faults_only;
    let (note, token) = match (&error, synced) {
        (Some(e), _) => (
            format!(
                "✗ cannot list {name} ({}): {}",
                section.resource.api_version(),
                visible(e)
            ),
            Token::Error,
        ),
        (None, false) => (format!("{name}: loading…"), Token::Muted),
        (None, true) if total == 0 => (format!("{name}: none"), Token::Muted),
        (None, true) if filtered && shown == 0 => {
            (format!("{name}: none of {total} match"), Token::Muted)
        }
        (None, true) if filtered => (format!("{name} {shown}/{total}"), Token::Title),
        (None, true) => (format!("{name} {total}"), Token::Title),
    };
    let style: Style = theme.style(token);
    let mut spans = vec![Span::styled(format!("▸ {note}"), style)];
    if !hidden.is_empty() && shown > 0 {
        // Columns that did not fit are named, so a narrow terminal never hides them silently.
        spans.push(Span::styled(
            format!("  [hidden: {}]", hidden.join(" ")),
            theme.style(Token::Muted),
        ));
    }
    TextLine::from(spans)
}

fn title<'a>(state: &AppState, view: &CategoryView, theme: &Theme) -> TextLine<'a> {
    let kinds = view.sections.len();
    let rows: usize = view.row_count();
    let mut spans = vec![Span::styled(
        format!(
            " {} · {kinds} kinds · {rows} rows ",
            visible(&view.category)
        ),
        theme.style(Token::Title),
    )];
    if view.faults_only {
        spans.push(Span::styled("[faults only] ", theme.style(Token::Warning)));
    }
    spans.push(Span::styled(
        format!("[{}] ", state.scope.label()),
        theme.style(Token::Muted),
    ));
    if !view.filter_text.is_empty() {
        let token = if view.filter_error.is_some() {
            Token::Error
        } else {
            Token::Highlight
        };
        spans.push(Span::styled(
            format!("/{} ", truncate(&view.filter_text, 30)),
            theme.style(token),
        ));
    }
    if state.stale() {
        spans.push(Span::styled("[stale] ", theme.style(Token::Warning)));
    }
    TextLine::from(spans)
}
