//! The log pane: a status line (stream states, options, dropped and new-line counters) over the
//! buffer's lines, each with an optional coloured pod/container tag and timestamp, ANSI colours
//! (already parsed into runs, never raw escapes) and search matches highlighted. Pure.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthChar;

use crate::app::logs_pane::LogsPane;
use crate::app::state::AppState;
use crate::config::{Theme, Token};
use crate::logs::buffer::{LineKind, Stored};
use crate::logs::sanitize::AnsiColor;
use crate::logs::spec::StreamState;
use crate::logs::view;
use crate::text_safety::visible;

/// Tag colours of a multi-pod tail, by source.
const TAG_COLORS: [Color; 10] = [
    Color::Cyan,
    Color::Magenta,
    Color::Yellow,
    Color::Green,
    Color::Blue,
    Color::LightRed,
    Color::LightCyan,
    Color::LightMagenta,
    Color::LightGreen,
    Color::LightBlue,
];

pub fn render(frame: &mut Frame, area: Rect, _state: &AppState, pane: &LogsPane, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Token::Border))
        .title(Span::styled(
            format!(" Logs {} ", visible(&pane.title())),
            theme.style(Token::Title),
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let status = Rect { height: 1, ..inner };
    frame.render_widget(Paragraph::new(status_line(pane, theme)), status);
    let body = Rect {
        y: inner.y + 1,
        height: inner.height.saturating_sub(1),
        ..inner
    };
    let width = usize::from(body.width).max(1);
    let height = usize::from(body.height);
    let with_container = pane
        .sources
        .iter()
        .any(|s| s.pod == pane.sources[0].pod && s.container != pane.sources[0].container);
    let lines = view::window(&pane.buffer, pane.filter(), pane.bottom, height, |s| {
        if pane.wrap {
            let w = display_width(&prefix(pane, s, with_container)) + display_width(&s.line.text);
            w.div_ceil(width).max(1)
        } else {
            1
        }
    });
    if lines.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(empty_text(pane), theme.style(Token::Muted)))
                .wrap(ratatui::widgets::Wrap { trim: true }),
            body,
        );
        return;
    }
    let mut rows: Vec<Line> = Vec::new();
    for s in lines {
        let line = render_line(pane, s, with_container, theme);
        if pane.wrap {
            rows.extend(wrap(line, width));
        } else {
            rows.push(line);
        }
    }
    let skip = rows.len().saturating_sub(height);
    frame.render_widget(Paragraph::new(rows.split_off(skip)), body);
}

fn empty_text(pane: &LogsPane) -> String {
    if let Some(error) = &pane.error {
        return format!("cannot tail: {error}");
    }
    match pane.sources.first().map(|s| &s.state) {
        None if pane.multi() => "no matching pods yet".to_string(),
        Some(StreamState::Waiting { reason }) => {
            format!("waiting for the container to start: {reason}")
        }
        Some(StreamState::Connecting) | None => "connecting…".to_string(),
        Some(state) if pane.filter.is_some() => {
            format!("no lines match the filter ({})", state.label())
        }
        Some(state) => format!("no log lines ({})", state.label()),
    }
}

fn state_style(state: &StreamState, theme: &Theme) -> Style {
    theme.style(match state {
        StreamState::Streaming => Token::Ok,
        StreamState::Connecting => Token::Progressing,
        StreamState::Reconnecting { .. } | StreamState::Waiting { .. } => Token::Warning,
        StreamState::Ended { .. } => Token::Done,
        StreamState::Failed { .. } => Token::Error,
    })
}

fn status_line(pane: &LogsPane, theme: &Theme) -> Line<'static> {
    let muted = theme.style(Token::Muted);
    let mut spans = Vec::new();
    if let Some(error) = pane.error.as_deref().filter(|_| pane.sources.is_empty()) {
        // Nothing could be tailed: the status says so in the error colour, not "0/0 streaming".
        let first = error.split(". ").next().unwrap_or(error);
        spans.push(Span::styled(
            format!("✗ cannot tail: {}", visible(first)),
            theme.style(Token::Error),
        ));
        return Line::from(spans);
    }
    if pane.multi() {
        let active: Vec<_> = pane.sources.iter().filter(|s| !s.left).collect();
        let streaming = active
            .iter()
            .filter(|s| s.state == StreamState::Streaming)
            .count();
        let pods: std::collections::BTreeSet<&str> =
            active.iter().map(|s| s.pod.as_str()).collect();
        spans.push(Span::styled(
            format!(
                "● {} pods, {streaming}/{} streaming",
                pods.len(),
                active.len()
            ),
            theme.style(if streaming == active.len() {
                Token::Ok
            } else {
                Token::Warning
            }),
        ));
        if let Some(other) = active.iter().find(|s| s.state != StreamState::Streaming) {
            spans.push(Span::styled(
                format!(" ({}: {})", other.tag(true), other.state.label()),
                state_style(&other.state, theme),
            ));
        }
    } else if let Some(source) = pane.sources.first() {
        spans.push(Span::styled(
            format!("● {}", source.state.label()),
            state_style(&source.state, theme),
        ));
    }
    if pane.bottom.is_some() {
        spans.push(Span::styled(
            format!(" │ ⏸ paused, {} new lines (G: live)", pane.unseen),
            theme.style(Token::Highlight),
        ));
    }
    if let Some((from, to)) = crate::app::screens::logs::selection(pane) {
        let lines = pane
            .buffer
            .forward_from(from)
            .take_while(|s| s.seq <= to)
            .filter(|s| view::kept(pane.filter(), s))
            .count();
        spans.push(Span::styled(
            format!(
                " │ selecting {lines} line{}",
                if lines == 1 { "" } else { "s" }
            ),
            theme.style(Token::KeyHint),
        ));
    }
    if pane.buffer.dropped > 0 {
        spans.push(Span::styled(
            format!(" │ {} dropped", pane.buffer.dropped),
            theme.style(Token::Warning),
        ));
    }
    let mut flags = vec![if pane.previous {
        "previous".to_string()
    } else if pane.follow {
        "follow".to_string()
    } else {
        "no follow".to_string()
    }];
    flags.push(pane.range.label());
    if pane.timestamps {
        flags.push("timestamps".into());
    }
    if pane.wrap {
        flags.push("wrap".into());
    }
    if !pane.ansi {
        flags.push("no colour".into());
    }
    if let Some(f) = &pane.filter {
        flags.push(format!(
            "{} /{}/",
            if f.inverse { "hide" } else { "filter" },
            f.pattern.text
        ));
    }
    if let Some(s) = &pane.search {
        flags.push(format!("search /{}/", s.text));
    }
    flags.push(format!("{} lines", pane.buffer.len()));
    spans.push(Span::styled(format!(" │ {}", flags.join(" │ ")), muted));
    Line::from(spans)
}

fn prefix(pane: &LogsPane, s: &Stored, with_container: bool) -> String {
    let mut out = String::new();
    if pane.multi()
        && let Some(source) = pane.sources.get(usize::from(s.line.source))
    {
        out.push_str(&format!(
            "[{}] ",
            source.tag(with_container || pane.multi())
        ));
    }
    if pane.timestamps {
        out.push_str(&time_text(s));
    }
    out
}

fn time_text(s: &Stored) -> String {
    match s.line.time {
        Some(t) => format!("{} ", t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ")),
        None => " ".repeat(25),
    }
}

fn ansi_color(c: AnsiColor) -> Color {
    match c {
        AnsiColor::Basic(n) | AnsiColor::Indexed(n) => Color::Indexed(n),
        AnsiColor::Rgb(r, g, b) => Color::Rgb(r, g, b),
    }
}

fn render_line(pane: &LogsPane, s: &Stored, with_container: bool, theme: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    if pane.multi()
        && let Some(source) = pane.sources.get(usize::from(s.line.source))
    {
        let color = TAG_COLORS[usize::from(s.line.source) % TAG_COLORS.len()];
        let mut style = Style::default().fg(color);
        if source.left {
            style = style.add_modifier(Modifier::CROSSED_OUT);
        }
        spans.push(Span::styled(
            format!("[{}] ", source.tag(with_container || pane.multi())),
            style,
        ));
    }
    if pane.timestamps {
        spans.push(Span::styled(time_text(s), theme.style(Token::Muted)));
    }
    let text = &s.line.text;
    let base = if s.line.kind == LineKind::Marker {
        theme.style(Token::Muted).add_modifier(Modifier::ITALIC)
    } else {
        theme.style(Token::Text)
    };
    let mut cuts: Vec<usize> = vec![0, text.len()];
    let runs = if pane.ansi {
        s.line.runs.as_slice()
    } else {
        &[]
    };
    cuts.extend(runs.iter().map(|r| r.start as usize));
    let matches: Vec<(usize, usize)> = match (&pane.search, s.hit) {
        (Some(p), true) => p
            .regex
            .find_iter(text)
            .map(|m| (m.start(), m.end()))
            .collect(),
        _ => Vec::new(),
    };
    cuts.extend(matches.iter().flat_map(|(a, b)| [*a, *b]));
    cuts.retain(|c| *c <= text.len() && text.is_char_boundary(*c));
    cuts.sort_unstable();
    cuts.dedup();
    let current = pane.current_hit == Some(s.seq);
    let selected = crate::app::screens::logs::selection(pane)
        .is_some_and(|(from, to)| (from..=to).contains(&s.seq));
    let base = if selected {
        base.patch(theme.style(Token::Selection))
    } else {
        base
    };
    for pair in cuts.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let mut style = base;
        if let Some(run) = runs.iter().rev().find(|r| r.start as usize <= a) {
            if let Some(fg) = run.fg {
                style = style.fg(ansi_color(fg));
            }
            if run.bold {
                style = style.add_modifier(Modifier::BOLD);
            }
        }
        if matches.iter().any(|(x, y)| *x <= a && a < *y) {
            style = style.patch(theme.style(if current {
                Token::Selection
            } else {
                Token::Highlight
            }));
        }
        spans.push(Span::styled(text[a..b].to_string(), style));
    }
    Line::from(spans)
}

fn display_width(text: &str) -> usize {
    text.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Cuts a line into rows of at most `width` columns.
fn wrap(line: Line<'static>, width: usize) -> Vec<Line<'static>> {
    let mut rows = vec![Vec::new()];
    let mut used = 0;
    for span in line.spans {
        let mut piece = String::new();
        for c in span.content.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > width && used > 0 {
                if let Some(row) = rows.last_mut() {
                    row.push(Span::styled(std::mem::take(&mut piece), span.style));
                }
                rows.push(Vec::new());
                used = 0;
            }
            piece.push(c);
            used += w;
        }
        if let Some(row) = rows.last_mut() {
            row.push(Span::styled(piece, span.style));
        }
    }
    rows.into_iter().map(Line::from).collect()
}
