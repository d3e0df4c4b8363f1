//! The describe and YAML views of one object: scrolling, search, switching between the two
//! (in place: `Back` returns to where the object was opened from), and copying the text.

use crate::model::{ObjKey, ResourceKind};

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::input::{InputLine, InputPurpose};
use super::super::nav;
use super::super::overlay::{DetailView, ObjectView, Overlay, YamlView};
use super::super::state::{AppState, say};
use super::super::text_view::TextView;
use super::Hint;

pub const DETAIL_HANDLES: &[Action] = &[
    Action::Up,
    Action::Down,
    Action::PageUp,
    Action::PageDown,
    Action::Top,
    Action::Bottom,
    Action::Search,
    Action::SearchNext,
    Action::SearchPrevious,
    Action::Copy,
    Action::Yaml,
];

pub const YAML_HANDLES: &[Action] = &[
    Action::Up,
    Action::Down,
    Action::PageUp,
    Action::PageDown,
    Action::Top,
    Action::Bottom,
    Action::Search,
    Action::SearchNext,
    Action::SearchPrevious,
    Action::Copy,
    Action::Describe,
];

pub const DETAIL_FOOTER: &[Hint] = &[
    (Action::Back, "back"),
    (Action::Search, "search"),
    (Action::SearchNext, "next"),
    (Action::Yaml, "yaml"),
    (Action::Copy, "copy"),
    (Action::Help, "help"),
];

pub const YAML_FOOTER: &[Hint] = &[
    (Action::Back, "back"),
    (Action::Search, "search"),
    (Action::SearchNext, "next"),
    (Action::Describe, "describe"),
    (Action::Copy, "copy"),
    (Action::Help, "help"),
];

pub fn on_action(state: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    let height = state.text_height();
    let page = height as isize;
    let (view, count) = match &mut state.overlay {
        Some(Overlay::Detail(d)) => (&mut d.target.view, d.lines.len()),
        Some(Overlay::Yaml(y)) => (&mut y.target.view, y.lines.len()),
        _ => return None,
    };
    match action {
        Action::Up => view.scroll_by(-1, count, height),
        Action::Down => view.scroll_by(1, count, height),
        Action::PageUp => view.scroll_by(-page, count, height),
        Action::PageDown => view.scroll_by(page, count, height),
        Action::Top => view.scroll_by(isize::MIN / 2, count, height),
        Action::Bottom => view.scroll_by(isize::MAX / 2, count, height),
        Action::SearchNext | Action::SearchPrevious => {
            view.next_match(action == Action::SearchNext, count, height)
        }
        Action::Search => state.input = Some(InputLine::new(InputPurpose::Search, "")),
        Action::Copy => return Some(copy(state)),
        Action::Yaml | Action::Describe => {
            let yaml = action == Action::Yaml;
            let target = match &state.overlay {
                Some(Overlay::Detail(d)) if yaml => &d.target,
                Some(Overlay::Yaml(y)) if !yaml => &y.target,
                _ => return None,
            };
            let (kind, key, resource) = (target.kind, target.key.clone(), target.resource.clone());
            return Some(show(state, kind, key, resource, yaml, false));
        }
        _ => return None,
    }
    state.dirty = true;
    Some(Vec::new())
}

/// Opens the describe (or YAML) view of one object over the current screen.
pub fn open(state: &mut AppState, kind: ResourceKind, key: ObjKey, yaml: bool) -> Vec<Effect> {
    show(state, kind, key, None, yaml, true)
}

/// Opens the describe (or YAML) view of an object of a served kind kmedic has no view of (a
/// row of a category's combined list), read as that kind.
pub fn open_resource(
    state: &mut AppState,
    resource: crate::model::api::ApiResource,
    key: ObjKey,
    yaml: bool,
) -> Vec<Effect> {
    show(state, ResourceKind::Browse, key, Some(resource), yaml, true)
}

/// The served kind the describe or YAML view waiting for `request` reads its object as.
pub fn resource_of(state: &AppState, request: u64) -> Option<crate::model::api::ApiResource> {
    state
        .stack
        .iter()
        .chain(state.overlay.as_ref())
        .find_map(|o| match o {
            Overlay::Detail(d) if d.target.request == request => d.target.resource.clone(),
            Overlay::Yaml(y) if y.target.request == request => y.target.resource.clone(),
            _ => None,
        })
}

fn show(
    state: &mut AppState,
    kind: ResourceKind,
    key: ObjKey,
    resource: Option<crate::model::api::ApiResource>,
    yaml: bool,
    push: bool,
) -> Vec<Effect> {
    // What describe reads besides the object is known for kmedic's kinds and the Browse
    // table's claims, not for another kind read through a category's list.
    let related = resource.is_none() && has_related(state, kind);
    let request = state.next_request;
    state.next_request += 1;
    let target = ObjectView {
        kind,
        key: key.clone(),
        request,
        object: None,
        error: None,
        fetched_at: None,
        view: TextView::default(),
        resource,
    };
    let mut effects = vec![Effect::Fetch {
        request,
        kind,
        key: key.clone(),
    }];
    let screen = if yaml {
        Overlay::Yaml(Box::new(YamlView {
            target,
            lines: Vec::new(),
        }))
    } else {
        let related_request = if related {
            let id = state.next_request;
            state.next_request += 1;
            effects.push(Effect::FetchRelated {
                request: id,
                kind,
                key,
            });
            id
        } else {
            0
        };
        Overlay::Detail(Box::new(DetailView {
            target,
            lines: Vec::new(),
            related: None,
            related_request,
            related_stale: false,
        }))
    };
    if push {
        nav::open(state, screen);
    } else {
        nav::replace(state, screen);
    }
    effects
}

/// Whether `kubectl describe` of this kind reads more than the object (see `fetch_related`;
/// a browsed PersistentVolumeClaim: `fetch_claim_users`).
pub fn has_related(state: &AppState, kind: ResourceKind) -> bool {
    match kind {
        ResourceKind::Nodes
        | ResourceKind::Services
        | ResourceKind::Deployments
        | ResourceKind::Namespaces => true,
        ResourceKind::Browse => browsing_claims(state),
        _ => false,
    }
}

/// Whether the Browse table shows core PersistentVolumeClaims.
pub fn browsing_claims(state: &AppState) -> bool {
    state
        .browse
        .as_ref()
        .is_some_and(|b| b.resource.group.is_empty() && b.resource.kind == "PersistentVolumeClaim")
}

/// Whether a change of `changed` rows may change what the describe of `kind` reads besides
/// the object (a Node's pods, a Service's endpoints, a Deployment's ReplicaSets through its
/// pods, a cluster-scoped object's events, the pods using a browsed PersistentVolumeClaim).
pub fn related_depends(kind: ResourceKind, changed: ResourceKind) -> bool {
    matches!(
        (kind, changed),
        (
            ResourceKind::Nodes | ResourceKind::Browse,
            ResourceKind::Pods
        ) | (ResourceKind::Services, ResourceKind::Endpoints)
            | (ResourceKind::Deployments, ResourceKind::Pods)
            | (
                ResourceKind::Nodes | ResourceKind::Namespaces,
                ResourceKind::Events
            )
    )
}

/// Runs a search typed after `/`.
pub fn start_search(state: &mut AppState, pattern: &str) {
    let height = state.text_height();
    let result = match &mut state.overlay {
        Some(Overlay::Detail(d)) => {
            let lines: Vec<String> = d.lines.iter().map(|l| l.text.clone()).collect();
            d.target.view.search(pattern, &lines, height)
        }
        Some(Overlay::Yaml(y)) => y.target.view.search(pattern, &y.lines, height),
        _ => return,
    };
    match result {
        Ok(0) => say(state, format!("no match for /{pattern}"), true),
        Ok(n) => say(state, format!("{n} matching lines for /{pattern}"), false),
        Err(e) => say(state, format!("invalid regex: {e}"), true),
    }
}

fn copy(state: &mut AppState) -> Vec<Effect> {
    let (what, text) = match &state.overlay {
        Some(Overlay::Detail(d)) => (
            "the describe text",
            d.lines
                .iter()
                .map(|l| l.text.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        Some(Overlay::Yaml(y)) => ("the YAML", y.lines.join("\n")),
        _ => return Vec::new(),
    };
    super::copy(state, what, text)
}
