//! The object-tree screen's state: the tree the engine built for one object (kept up to date
//! while open), which nodes the user closed (everything starts open), and the selected node,
//! as paths of node ids so they survive the tree being rebuilt.

use std::collections::BTreeSet;

use crate::model::ObjKey;
use crate::relations::{ObjectTree, Query, TreeNode, Want};

/// The object tree of one object.
#[derive(Debug, Clone)]
pub struct TreePane {
    /// The object's `kind:` name and key.
    pub kind: String,
    pub key: ObjKey,
    /// `None` until the engine answers; `Some(None)` when the object is not in its caches.
    pub tree: Option<Option<ObjectTree>>,
    /// Paths of the nodes the user closed.
    pub closed: BTreeSet<Vec<String>>,
    /// Path of the selected node (empty: the root).
    pub selected: Vec<String>,
}

/// A node's id among its siblings.
pub fn node_id(node: &TreeNode) -> String {
    match &node.container {
        Some(c) => format!("Container/{c}"),
        None => format!("{}/{}", node.kind, node.key.name),
    }
}

impl TreePane {
    pub fn new(kind: &str, key: ObjKey) -> Self {
        TreePane {
            kind: kind.to_string(),
            key,
            tree: None,
            closed: BTreeSet::new(),
            selected: Vec::new(),
        }
    }

    pub fn query(&self) -> Query {
        Query {
            want: Want::Tree,
            kind: self.kind.clone(),
            key: self.key.clone(),
        }
    }

    /// A new answer; the selection stays on the same node when it is still there.
    pub fn set_tree(&mut self, tree: Option<ObjectTree>) {
        self.tree = Some(tree);
        let visible = self.visible();
        if !visible.contains(&self.selected) {
            // Keep the deepest ancestor that is still there.
            while !self.selected.is_empty() && !visible.contains(&self.selected) {
                self.selected.pop();
            }
            if self.selected.is_empty() {
                self.selected = visible.first().cloned().unwrap_or_default();
            }
        }
    }

    fn root(&self) -> Option<&TreeNode> {
        self.tree.as_ref()?.as_ref().map(|t| &t.root)
    }

    /// Paths of the visible nodes, top to bottom (children of closed nodes are hidden).
    pub fn visible(&self) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        fn go(
            node: &TreeNode,
            path: Vec<String>,
            closed: &BTreeSet<Vec<String>>,
            out: &mut Vec<Vec<String>>,
        ) {
            let open = !closed.contains(&path);
            out.push(path.clone());
            if open {
                for child in &node.children {
                    let mut p = path.clone();
                    p.push(node_id(child));
                    go(child, p, closed, out);
                }
            }
        }
        if let Some(root) = self.root() {
            go(root, vec![node_id(root)], &self.closed, &mut out);
        }
        out
    }

    /// The node at `path`.
    pub fn node_at(&self, path: &[String]) -> Option<&TreeNode> {
        let root = self.root()?;
        let (first, rest) = path.split_first()?;
        if *first != node_id(root) {
            return None;
        }
        let mut node = root;
        for id in rest {
            node = node.children.iter().find(|c| node_id(c) == *id)?;
        }
        Some(node)
    }

    pub fn selected_node(&self) -> Option<&TreeNode> {
        self.node_at(&self.selected)
    }

    /// Moves the selection `delta` visible rows.
    pub fn move_selection(&mut self, delta: isize) {
        let visible = self.visible();
        let current = visible.iter().position(|p| *p == self.selected);
        let next = match current {
            Some(i) => i
                .saturating_add_signed(delta)
                .min(visible.len().saturating_sub(1)),
            None => 0,
        };
        if let Some(path) = visible.get(next) {
            self.selected = path.clone();
        }
    }

    /// Closes the selected node, or moves to its parent when it is closed or a leaf.
    pub fn left(&mut self) {
        let has_children = self.selected_node().is_some_and(|n| !n.children.is_empty());
        if has_children && self.closed.insert(self.selected.clone()) {
            return;
        }
        if self.selected.len() > 1 {
            self.selected.pop();
        }
    }

    /// Opens the selected node.
    pub fn right(&mut self) {
        self.closed.remove(&self.selected);
    }
}
