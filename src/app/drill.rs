//! Drill-down: Enter on a row that stands for other objects (a Deployment's pods, a Node's,
//! a Service's…) opens a table of just those, over the one it came from; Back returns with the
//! cursor where it was (the navigation stack keeps the screen beneath untouched). Which rows
//! drill down, and to what, is answered by the engine from its caches (`relations`) and kept
//! up to date while the table is open. Also: which relation queries the open screens need.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::model::{ObjKey, ResourceKind};
use crate::relations::{Answer, Members, Query, Want};

use super::effect::Effect;
use super::nav;
use super::overlay::Overlay;
use super::state::AppState;
use super::table::TableView;

/// A table of the objects another one stands for.
#[derive(Debug, Clone)]
pub struct DrillView {
    /// The object drilled into: its `kind:` name and key.
    pub parent_kind: String,
    pub parent: ObjKey,
    /// The kind of the rows listed.
    pub child: ResourceKind,
    /// The engine's answer: `None` until it comes; `Some(None)` when the object is not in
    /// its caches.
    pub members: Option<Option<Members>>,
    pub table: TableView,
}

impl DrillView {
    pub fn query(&self) -> Query {
        Query {
            want: Want::Members,
            kind: self.parent_kind.clone(),
            key: self.parent.clone(),
        }
    }

    /// Members outside the namespace shown: the engine knows them, the table does not list
    /// them (a Node's pods in other namespaces).
    pub fn outside(&self, scope: &crate::cluster::Scope) -> usize {
        let crate::cluster::Scope::Namespace(ns) = scope else {
            return 0;
        };
        self.table
            .only
            .as_ref()
            .map_or(0, |only| only.iter().filter(|k| k.namespace != *ns).count())
    }

    /// Why this drill-down cannot list what it stands for in the namespace shown, if that is
    /// so: `hint` is how to show every namespace (`press 0`).
    pub fn scope_note(&self, scope: &crate::cluster::Scope, hint: &str) -> Option<String> {
        let crate::cluster::Scope::Namespace(ns) = scope else {
            return None;
        };
        if self.parent_kind == "Namespace" && self.parent.name != *ns {
            return Some(format!(
                "The pods of {} are not listed while namespace {ns} is selected: {hint}, or \
                 :ns {}.",
                self.crumb(),
                self.parent.name
            ));
        }
        match self.outside(scope) {
            0 => None,
            n => Some(format!(
                "{n} {} of {} {} in other namespaces than {ns}: {hint}.",
                if n == 1 { "pod" } else { "pods" },
                self.crumb(),
                if n == 1 { "is" } else { "are" },
            )),
        }
    }

    /// One step of the breadcrumb: `deployment/shop/cart`.
    pub fn crumb(&self) -> String {
        let kind = self.parent_kind.to_ascii_lowercase();
        if self.parent.namespace.is_empty() {
            format!("{kind}/{}", self.parent.name)
        } else {
            format!("{kind}/{}/{}", self.parent.namespace, self.parent.name)
        }
    }
}

/// Opens the drill-down of `kind`/`key` over the current screen.
pub fn open(state: &mut AppState, kind: &str, key: ObjKey) {
    let child = ResourceKind::Pods;
    let mut table = TableView::new(child);
    table.only = Some(Arc::new(BTreeSet::new()));
    nav::open(
        state,
        Overlay::Drill(Box::new(DrillView {
            parent_kind: kind.to_string(),
            parent: key,
            child,
            members: None,
            table,
        })),
    );
    state.refresh_table(child);
}

/// The path of drill-downs to the table on screen: `Deployments › deployment/shop/cart`.
pub fn breadcrumb(state: &AppState) -> Option<String> {
    let shown = state.shown_drill()?;
    // Drilled into from a category's list (`:all`): the way starts there.
    let category = state.stack.iter().rev().find_map(|o| match o {
        Overlay::Category(v) => Some(format!(":{}", v.category)),
        _ => None,
    });
    let first = match (category, state.view, &state.browse) {
        (Some(category), _, _) => category,
        (None, ResourceKind::Browse, Some(b)) => b.title(),
        (None, view, _) => view.title().to_string(),
    };
    let mut parts = vec![first];
    let drills = state.stack.iter().filter_map(|o| match o {
        Overlay::Drill(d) => Some(d.as_ref()),
        _ => None,
    });
    for d in drills.filter(|d| !std::ptr::eq(*d, shown)) {
        parts.push(d.crumb());
    }
    parts.push(shown.crumb());
    Some(parts.join(" › "))
}

/// Every relation query the screens open anywhere in the stack need.
pub fn wanted(state: &AppState) -> Vec<Query> {
    let mut out: Vec<Query> = state
        .stack
        .iter()
        .chain(state.overlay.as_ref())
        .filter_map(|o| match o {
            Overlay::Drill(d) => Some(d.query()),
            Overlay::Tree(t) => Some(t.query()),
            Overlay::NodePage(p) => Some(p.query()),
            _ => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// When the queries the screens need changed, asks the engine to follow the new set.
pub fn sync_follow(state: &mut AppState) -> Option<Effect> {
    let wanted = wanted(state);
    if wanted == state.following {
        return None;
    }
    state.following = wanted.clone();
    Some(Effect::Follow { queries: wanted })
}

/// The engine answered: every open screen that asked takes its answer.
pub fn on_related(state: &mut AppState, generation: u64, answers: Vec<(Query, Answer)>) {
    if generation != state.generation {
        return;
    }
    let mut refresh = BTreeSet::new();
    let mut changed = false;
    for (query, answer) in answers {
        let screens = state.stack.iter_mut().chain(state.overlay.as_mut());
        for screen in screens {
            match (screen, &answer) {
                // An answer equal to the one shown changes nothing (the engine answers after
                // every analysis pass).
                (Overlay::Drill(d), Answer::Members(m))
                    if d.query() == query && d.members.as_ref() != Some(m) =>
                {
                    if let Some(kind) = m.as_ref().and_then(|m| ResourceKind::from_name(&m.kind))
                        && kind != d.child
                    {
                        d.child = kind;
                        d.table = TableView::new(kind);
                    }
                    let keys: BTreeSet<ObjKey> =
                        m.iter().flat_map(|m| m.keys.iter().cloned()).collect();
                    d.table.only = Some(Arc::new(keys));
                    d.members = Some(m.clone());
                    refresh.insert(d.child);
                    changed = true;
                }
                (Overlay::Tree(t), Answer::Tree(tree))
                    if t.query() == query && t.tree.as_ref() != Some(tree) =>
                {
                    t.set_tree(tree.clone());
                    changed = true;
                }
                (Overlay::NodePage(p), Answer::NodePage(facts))
                    if p.query() == query && p.facts.as_ref() != Some(facts) =>
                {
                    p.facts = Some(facts.clone());
                    changed = true;
                }
                _ => {}
            }
        }
    }
    for kind in refresh {
        state.refresh_table(kind);
    }
    if changed {
        state.dirty = true;
    }
}
