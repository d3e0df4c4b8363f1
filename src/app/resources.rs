//! `:KIND [flags]` for every kind the server serves: resolving kubectl's names against API
//! discovery, opening kmedic's own table for the kinds it knows well (without selectors) or
//! the Browse table otherwise, a category (`:all`) as one list of its kinds' rows, saying so
//! when the server does not serve a kind, `@context`,
//! Tab completion candidates, and `:reveal KEY` for Secrets.

use crate::model::ResourceKind;
use crate::model::api::Resolved;

use super::browse;
use super::command::{NamespaceChoice, ResourceQuery};
use super::contexts;
use super::effect::Effect;
use super::overlay::Overlay;
use super::screens::command_line::scope_of;
use super::screens::global;
use super::state::{AppState, say};

/// The commands completion offers as first word.
const COMMANDS: &[&str] = &[
    "quit", "help", "ctx", "can-i", "tr", "certs", "logs", "reveal",
];

/// The command again, without `@context` (run once the other context's discovery answered).
fn without_context(q: &ResourceQuery) -> String {
    let mut text = q.name.clone();
    match &q.namespace {
        Some(NamespaceChoice::All) => text.push_str(" -A"),
        Some(NamespaceChoice::Named(ns)) => text.push_str(&format!(" -n {ns}")),
        None => {}
    }
    if let Some(l) = &q.label_selector {
        text.push_str(&format!(" -l {l}"));
    }
    if let Some(f) = &q.field_selector {
        text.push_str(&format!(" --field-selector {f}"));
    }
    text
}

/// Runs `:KIND …`.
pub fn run(state: &mut AppState, q: ResourceQuery) -> Vec<Effect> {
    if let Some(context) = &q.context {
        let before = state.generation;
        let effects = contexts::switch_context(state, context);
        if state.generation == before {
            return effects;
        }
        state.api = None;
        state.history.pending = Some(without_context(&q));
        return effects;
    }
    let selectors = q.label_selector.is_some() || q.field_selector.is_some();
    let Some(api) = state.api.clone() else {
        if let Some(kind) =
            ResourceKind::from_name(&q.name).filter(|k| *k != ResourceKind::Endpoints && !selectors)
        {
            return show_known(state, kind, q.namespace);
        }
        if let Some(error) = state.api_error.clone() {
            say(
                state,
                format!(
                    "cannot resolve '{}': API discovery failed ({error})",
                    q.name
                ),
                true,
            );
            return Vec::new();
        }
        state.history.pending = Some(without_context(&q));
        say(
            state,
            format!("waiting for API discovery to resolve '{}'…", q.name),
            false,
        );
        return Vec::new();
    };
    match api.resolve(&q.name) {
        Resolved::One(resource) => {
            let known = ResourceKind::of_resource(&resource.group, &resource.plural);
            if let Some(kind) = known.filter(|_| !selectors) {
                return show_known(state, kind, q.namespace);
            }
            let mut effects = match q.namespace {
                Some(choice) => contexts::switch_scope(state, scope_of(choice)),
                None => Vec::new(),
            };
            state.reveal = None;
            effects.extend(browse::open(
                state,
                resource,
                q.label_selector,
                q.field_selector,
            ));
            effects
        }
        Resolved::Category(category, members) => {
            // One list of every member kind's rows, as `kubectl get all` prints them.
            if selectors {
                say(
                    state,
                    format!(
                        "selectors are not taken for a category ({category}): open one kind, \
                         e.g. :{} -l …",
                        members.first().map_or("pods".into(), |r| r.full_name())
                    ),
                    true,
                );
                return Vec::new();
            }
            let effects = match q.namespace {
                Some(choice) => contexts::switch_scope(state, scope_of(choice)),
                None => Vec::new(),
            };
            super::category::open(state, category, members);
            effects
        }
        Resolved::NotServed { name, known_as } => {
            say(
                state,
                format!(
                    "the server does not serve {name} (kubectl knows it as {known_as}; this cluster \
                     has that API turned off, or is older or newer)"
                ),
                true,
            );
            Vec::new()
        }
        Resolved::Unknown(name) => {
            say(
                state,
                format!(
                    "unknown command or resource '{name}' (not served by this cluster; Tab lists \
                     the kinds it serves)"
                ),
                true,
            );
            Vec::new()
        }
    }
}

fn show_known(
    state: &mut AppState,
    kind: ResourceKind,
    namespace: Option<NamespaceChoice>,
) -> Vec<Effect> {
    global::show_view(state, kind);
    match namespace {
        Some(choice) => contexts::switch_scope(state, scope_of(choice)),
        None => Vec::new(),
    }
}

/// `:reveal KEY` in the describe or YAML view of a Secret: read it again with that key shown.
pub fn reveal(state: &mut AppState, key: &str) -> Vec<Effect> {
    let target = match &state.overlay {
        Some(Overlay::Detail(d)) => &d.target,
        Some(Overlay::Yaml(y)) => &y.target,
        _ => {
            say(
                state,
                ":reveal works in the describe or YAML view of a Secret",
                true,
            );
            return Vec::new();
        }
    };
    let Some(object) = target
        .object
        .as_ref()
        .filter(|o| crate::model::secret::is_secret(o))
    else {
        say(
            state,
            ":reveal works in the describe or YAML view of a Secret",
            true,
        );
        return Vec::new();
    };
    let keys = crate::model::secret::keys(object);
    if !keys.iter().any(|k| k == key) {
        let text = format!("the Secret has no key '{key}' (keys: {})", keys.join(", "));
        say(state, text, true);
        return Vec::new();
    }
    let (kind, object_key) = (target.kind, target.key.clone());
    state.reveal = Some((object_key.clone(), key.to_string()));
    let request = state.next_request;
    state.next_request += 1;
    match &mut state.overlay {
        Some(Overlay::Detail(d)) => d.target.request = request,
        Some(Overlay::Yaml(y)) => y.target.request = request,
        _ => {}
    }
    say(state, format!("showing key '{key}' decoded"), false);
    vec![Effect::Fetch {
        request,
        kind,
        key: object_key,
    }]
}

/// What Tab may complete the last word of `typed` to.
pub fn completions(state: &AppState, typed: &str) -> Vec<String> {
    let words: Vec<&str> = typed.split_whitespace().collect();
    let new_word = typed.is_empty() || typed.ends_with(' ');
    let index = if new_word {
        words.len()
    } else {
        words.len().saturating_sub(1)
    };
    let current = if new_word {
        ""
    } else {
        words.last().copied().unwrap_or("")
    };
    let previous = index.checked_sub(1).and_then(|i| words.get(i)).copied();
    if current.starts_with('@') {
        return state.contexts.iter().map(|c| c.name.clone()).collect();
    }
    if index == 0 {
        let mut out: Vec<String> = COMMANDS.iter().map(|c| c.to_string()).collect();
        match &state.api {
            Some(api) => out.extend(api.names()),
            None => out.extend(ResourceKind::VIEWS.iter().map(|k| k.resource().to_string())),
        }
        return out;
    }
    let first = words.first().copied().unwrap_or("");
    if matches!(previous, Some("-n" | "--namespace"))
        || (index == 1 && matches!(first, "ns" | "namespace" | "namespaces"))
    {
        return state.namespace_names();
    }
    if first == "reveal" {
        return match &state.overlay {
            Some(Overlay::Detail(d)) => d.target.object.as_ref(),
            Some(Overlay::Yaml(y)) => y.target.object.as_ref(),
            _ => None,
        }
        .map(crate::model::secret::keys)
        .unwrap_or_default();
    }
    let mut out: Vec<String> = state
        .rows(state.view)
        .iter()
        .map(|r| r.key.name.to_string())
        .collect();
    if first == "logs" || first == "log" {
        out.extend(
            state
                .rows(ResourceKind::Pods)
                .iter()
                .map(|r| r.key.name.to_string()),
        );
    }
    out.extend(state.namespace_names());
    out
}
