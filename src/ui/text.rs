//! The detail (describe) and YAML views: scrollable text with search matches highlighted.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::overlay::{DetailView, ObjectView, YamlView};
use crate::app::state::AppState;
use crate::app::text_view::TextView;
use crate::config::{Theme, Token};
use crate::text_safety::visible;

pub fn render_detail(
    frame: &mut Frame,
    area: Rect,
    _state: &AppState,
    detail: &DetailView,
    theme: &Theme,
) {
    let lines: Vec<(String, Style)> = detail
        .lines
        .iter()
        .map(|l| {
            let style = match (l.heading, l.health) {
                (true, _) => theme.style(Token::TableHeader),
                (false, Some(h)) => theme.health(h),
                (false, None) => theme.style(Token::Text),
            };
            (visible(&l.text).into_owned(), style)
        })
        .collect();
    // How fresh the text is: it is read again when the object (or what it shows beside it)
    // changes, so the age restarts at every change.
    let as_of = detail.target.fetched_at.map(|at| {
        format!(
            "as of {} ago ",
            crate::model::age::human_duration(at, _state.now)
        )
    });
    render_lines(frame, area, &detail.target, "describe", as_of, lines, theme);
}

pub fn render_yaml(frame: &mut Frame, area: Rect, yaml: &YamlView, theme: &Theme) {
    let lines = yaml
        .lines
        .iter()
        .map(|l| (visible(l).into_owned(), theme.style(Token::Text)))
        .collect();
    render_lines(frame, area, &yaml.target, "yaml", None, lines, theme);
}

fn render_lines(
    frame: &mut Frame,
    area: Rect,
    target: &ObjectView,
    what: &str,
    as_of: Option<String>,
    lines: Vec<(String, Style)>,
    theme: &Theme,
) {
    let name = if target.key.namespace.is_empty() {
        visible(&target.key.name).into_owned()
    } else {
        format!(
            "{}/{}",
            visible(&target.key.namespace),
            visible(&target.key.name)
        )
    };
    // A kind read through discovery (a browsed kind, a row of `:all`) is named as it is.
    let kind = match (&target.resource, &target.object) {
        (Some(r), _) => visible(&r.kind).into_owned(),
        (None, Some(o)) if target.kind == crate::model::ResourceKind::Browse => o
            .get("kind")
            .and_then(serde_json::Value::as_str)
            .map_or_else(|| "Object".to_string(), |k| visible(k).into_owned()),
        _ => target.kind.kind_name().to_string(),
    };
    let mut title = vec![Span::styled(
        format!(" {kind} {name} ({what}) "),
        theme.style(Token::Title),
    )];
    if let Some(as_of) = as_of {
        title.push(Span::styled(as_of, theme.style(Token::Muted)));
    }
    if let Some(search) = &target.view.search {
        let position = if search.matches.is_empty() {
            0
        } else {
            search.current + 1
        };
        title.push(Span::styled(
            format!("/{} [{position}/{}] ", search.pattern, search.matches.len()),
            theme.style(Token::Highlight),
        ));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Token::Border))
        .title(Line::from(title));
    let body: Vec<Line> = match (&target.object, &target.error) {
        (_, Some(error)) => vec![Line::from(Span::styled(
            format!("✗ {}", visible(error)),
            theme.style(Token::Error),
        ))],
        (None, None) => vec![Line::from(Span::styled(
            "Loading…",
            theme.style(Token::Muted),
        ))],
        (Some(_), None) => {
            let height = usize::from(area.height.saturating_sub(2));
            lines
                .into_iter()
                .enumerate()
                .skip(target.view.scroll)
                .take(height)
                .map(|(i, (text, style))| highlight(i, text, style, &target.view, theme))
                .collect()
        }
    };
    frame.render_widget(Paragraph::new(body).block(block), area);
}

fn highlight<'a>(
    index: usize,
    text: String,
    style: Style,
    view: &TextView,
    theme: &Theme,
) -> Line<'a> {
    let Some(search) = &view.search else {
        return Line::from(Span::styled(text, style));
    };
    if !search.matches.contains(&index) {
        return Line::from(Span::styled(text, style));
    }
    let mut spans = Vec::new();
    let mut last = 0;
    for m in search.regex.find_iter(&text) {
        if m.start() > last {
            spans.push(Span::styled(text[last..m.start()].to_string(), style));
        }
        spans.push(Span::styled(
            m.as_str().to_string(),
            theme.style(Token::Highlight),
        ));
        last = m.end();
    }
    spans.push(Span::styled(text[last..].to_string(), style));
    Line::from(spans)
}

/// A bordered box saying the content is loading, or why it failed.
pub fn render_message(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    error: Option<&String>,
    theme: &Theme,
) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Token::Border))
        .title(Span::styled(title.to_string(), theme.style(Token::Title)));
    let line = match error {
        Some(e) => Line::from(Span::styled(format!("✗ {e}"), theme.style(Token::Error))),
        None => Line::from(Span::styled("Loading…", theme.style(Token::Muted))),
    };
    frame.render_widget(Paragraph::new(line).block(block), area);
}
