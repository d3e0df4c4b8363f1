//! The object tree: moving through the nodes, opening and closing them, and going from a node
//! to what it is (its finding in Troubleshoot, its describe or YAML). `Back` returns to where
//! the tree was opened from.

use crate::findings::Finding;
use crate::model::ObjKey;
use crate::relations::TreeNode;

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::nav;
use super::super::overlay::Overlay;
use super::super::state::{AppState, say};
use super::super::tree::TreePane;
use super::{Hint, detail};

pub const HANDLES: &[Action] = &[
    Action::Up,
    Action::Down,
    Action::PageUp,
    Action::PageDown,
    Action::Top,
    Action::Bottom,
    Action::Left,
    Action::Right,
    Action::Open,
    Action::Describe,
    Action::Yaml,
];

pub const FOOTER: &[Hint] = &[
    (Action::Back, "back"),
    (Action::Open, "finding/describe"),
    (Action::Describe, "describe"),
    (Action::Left, "close"),
    (Action::Right, "open"),
    (Action::Help, "help"),
];

/// Opens the tree of `kind`/`key` over the current screen (the engine is asked to follow it).
pub fn open(state: &mut AppState, kind: &str, key: ObjKey) {
    if !crate::relations::has_tree(kind) {
        let article = if kind.starts_with(['A', 'E', 'I', 'O', 'U']) {
            "an"
        } else {
            "a"
        };
        say(state, format!("{article} {kind} has no object tree"), true);
        return;
    }
    nav::open(state, Overlay::Tree(Box::new(TreePane::new(kind, key))));
}

fn pane(state: &mut AppState) -> Option<&mut TreePane> {
    match &mut state.overlay {
        Some(Overlay::Tree(t)) => Some(t),
        _ => None,
    }
}

pub fn on_action(state: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    let page = state.text_height().max(1) as isize;
    let tree = pane(state)?;
    match action {
        Action::Up => tree.move_selection(-1),
        Action::Down => tree.move_selection(1),
        Action::PageUp => tree.move_selection(-page),
        Action::PageDown => tree.move_selection(page),
        Action::Top => tree.move_selection(isize::MIN / 2),
        Action::Bottom => tree.move_selection(isize::MAX / 2),
        Action::Left => tree.left(),
        Action::Right => tree.right(),
        Action::Open => return Some(open_selected(state)),
        Action::Describe | Action::Yaml => {
            let Some(node) = selected(state) else {
                return Some(Vec::new());
            };
            return Some(describe(state, &node, action == Action::Yaml));
        }
        _ => return None,
    }
    state.dirty = true;
    Some(Vec::new())
}

fn selected(state: &AppState) -> Option<TreeNode> {
    match &state.overlay {
        Some(Overlay::Tree(t)) => t.selected_node().cloned(),
        _ => None,
    }
}

/// The kind a node is described as (a container: its pod).
fn object_kind(node: &TreeNode) -> &str {
    if node.container.is_some() {
        "Pod"
    } else {
        &node.kind
    }
}

/// The engine's findings about the object of a node, most severe first.
pub fn findings_of<'a>(state: &'a AppState, node: &TreeNode) -> Vec<&'a Finding> {
    let kind = object_kind(node);
    let mut out: Vec<&Finding> = state
        .troubleshoot
        .analysis
        .iter()
        .flat_map(|a| a.findings.iter())
        .filter(|f| {
            f.object.kind == kind
                && f.object.name == node.key.name
                && f.object.namespace == node.key.namespace
        })
        .collect();
    out.sort_by_key(|f| f.severity);
    out
}

/// Enter: the node's most severe finding in Troubleshoot, else its describe.
fn open_selected(state: &mut AppState) -> Vec<Effect> {
    let Some(node) = selected(state) else {
        return Vec::new();
    };
    let target = findings_of(state, &node)
        .first()
        .map(|f| (f.pane, f.check.clone(), f.object.clone(), f.summary.clone()));
    let Some((pane, check, object, summary)) = target else {
        return describe(state, &node, false);
    };
    let Some(tab) = super::super::troubleshoot::TABS
        .iter()
        .position(|t| t.kind == super::super::troubleshoot::TabKind::Pane(pane))
    else {
        return describe(state, &node, false);
    };
    state.troubleshoot.tab = tab;
    let rows = state.troubleshoot.rows();
    let findings = state
        .troubleshoot
        .analysis
        .as_ref()
        .map(|a| &a.findings[..])
        .unwrap_or(&[]);
    let position = rows.iter().position(|r| {
        findings
            .get(r.finding)
            .is_some_and(|f| f.check == check && f.object == object && f.summary == summary)
    });
    state.troubleshoot.selected = position.unwrap_or(0);
    state.troubleshoot.detail_scroll = 0;
    // Troubleshoot is a screen of which there is one: take it out of the stack beneath, so
    // `Back` from it returns here.
    state.stack.retain(|o| !matches!(o, Overlay::Troubleshoot));
    nav::open(state, Overlay::Troubleshoot);
    Vec::new()
}

/// The describe (or YAML) view of the node's object, when kmedic has one for its kind.
fn describe(state: &mut AppState, node: &TreeNode, yaml: bool) -> Vec<Effect> {
    let kind = object_kind(node);
    match crate::model::ResourceKind::from_name(kind) {
        Some(k) => detail::open(state, k, node.key.clone(), yaml),
        None => {
            let ns = if node.key.namespace.is_empty() {
                String::new()
            } else {
                format!(" -n {}", node.key.namespace)
            };
            say(
                state,
                format!(
                    "kmedic has no describe view for a {kind} yet; try: kubectl describe {}/{}{ns}",
                    kind.to_ascii_lowercase(),
                    node.key.name
                ),
                true,
            );
            Vec::new()
        }
    }
}
