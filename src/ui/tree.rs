//! The object tree: each node an object (or a pod's container) with its state, coloured by
//! its health and by the engine's findings about it, and below, the selected node's findings.
//! A pure function of the [`TreePane`] and the findings in the state.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use tui_tree_widget::{Tree, TreeItem, TreeState};

use crate::app::screens::tree::findings_of;
use crate::app::state::AppState;
use crate::app::tree::{TreePane, node_id};
use crate::config::{Theme, Token};
use crate::findings::Severity;
use crate::model::Health;
use crate::relations::TreeNode;
use crate::text_safety::visible;

/// Lines under the tree for the selected node's findings.
const DETAIL_LINES: u16 = 6;

/// The colour of a node: its most severe finding, else its own health.
fn token(state: &AppState, node: &TreeNode) -> Token {
    let worst = findings_of(state, node).first().map(|f| f.severity);
    match worst {
        Some(Severity::Critical | Severity::Error) => Token::Error,
        Some(Severity::Warning) => Token::Warning,
        _ => match node.health {
            Health::Ok => Token::Ok,
            Health::Progressing => Token::Progressing,
            Health::Warning => Token::Warning,
            Health::Error => Token::Error,
            Health::Done => Token::Done,
        },
    }
}

/// A node's one line: `uses ConfigMap settings  missing (not found)  [2 findings]`.
pub fn label(state: &AppState, node: &TreeNode) -> String {
    let name = match &node.container {
        Some(c) => c.clone(),
        None => node.key.name.to_string(),
    };
    let relation = if node.relation.is_empty() {
        String::new()
    } else {
        format!("{} ", node.relation)
    };
    let findings = findings_of(state, node).len();
    let badge = match findings {
        0 => String::new(),
        1 => "  [1 finding]".to_string(),
        n => format!("  [{n} findings]"),
    };
    format!(
        "{relation}{} {}  {}{badge}",
        node.kind,
        visible(&name),
        visible(&node.status)
    )
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, pane: &TreePane, theme: &Theme) {
    let title = format!(
        " Object tree: {} {} ",
        pane.kind.to_ascii_lowercase(),
        visible(&if pane.key.namespace.is_empty() {
            pane.key.name.to_string()
        } else {
            format!("{}/{}", pane.key.namespace, pane.key.name)
        })
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Token::Border))
        .title(Span::styled(title, theme.style(Token::Title)));
    let root = match &pane.tree {
        Some(Some(tree)) => &tree.root,
        other => {
            let text = if other.is_none() {
                "Building the tree…"
            } else {
                "This object is not in the watched caches (deleted, or outside the namespace shown)."
            };
            frame.render_widget(
                Paragraph::new(Span::styled(text, theme.style(Token::Muted)))
                    .block(block)
                    .wrap(Wrap { trim: true }),
                area,
            );
            return;
        }
    };
    let [top, bottom] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(DETAIL_LINES)]).areas(area);
    let item = styled(state, root, theme);
    let mut tree_state = TreeState::default();
    for path in pane.visible() {
        if !pane.closed.contains(&path) {
            tree_state.open(path);
        }
    }
    tree_state.select(pane.selected.clone());
    let items = [item];
    match Tree::new(&items) {
        Ok(tree) => {
            let tree = tree
                .block(block)
                .highlight_style(theme.style(Token::Selection).patch(Style::default()));
            frame.render_stateful_widget(tree, top, &mut tree_state);
        }
        Err(_) => frame.render_widget(Paragraph::new("(empty tree)").block(block), top),
    }
    frame.render_widget(details(state, pane, theme), bottom);
}

fn styled(state: &AppState, node: &TreeNode, theme: &Theme) -> TreeItem<'static, String> {
    let line = Line::styled(label(state, node), theme.style(token(state, node)));
    let children: Vec<TreeItem<'static, String>> = node
        .children
        .iter()
        .map(|c| styled(state, c, theme))
        .collect();
    let id = node_id(node);
    if children.is_empty() {
        return TreeItem::new_leaf(id, line);
    }
    TreeItem::new(id.clone(), line.clone(), children)
        .unwrap_or_else(|_| TreeItem::new_leaf(id, line))
}

/// The selected node's findings, most severe first.
fn details<'a>(state: &AppState, pane: &TreePane, theme: &Theme) -> Paragraph<'a> {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Token::Border))
        .title(Span::styled(" Findings ", theme.style(Token::Title)));
    let Some(node) = pane.selected_node() else {
        return Paragraph::new("").block(block);
    };
    let findings = findings_of(state, node);
    let lines: Vec<Line> = if findings.is_empty() {
        vec![Line::styled(
            format!(
                "No findings about {} {}.",
                node.kind,
                visible(&node.key.name)
            ),
            theme.style(Token::Muted),
        )]
    } else {
        findings
            .iter()
            .map(|f| {
                let token = match f.severity {
                    Severity::Critical | Severity::Error => Token::Error,
                    Severity::Warning => Token::Warning,
                    _ => Token::Text,
                };
                Line::from(vec![
                    Span::styled(format!("{:?} ", f.severity), theme.style(token)),
                    Span::raw(visible(&f.summary).into_owned()),
                ])
            })
            .collect()
    };
    Paragraph::new(lines).block(block).wrap(Wrap { trim: true })
}
