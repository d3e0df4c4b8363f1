//! Where kmedic looks: switching kubeconfig contexts (the picker's entries, fuzzy filtered, and
//! the switch itself) and namespaces. A switch starts a new generation so nothing from the old
//! cluster or namespace can land in the new view.

use crate::cluster::Scope;
use crate::model::ResourceKind;

use super::effect::Effect;
use super::state::{AppState, Connection, ContextInfo, Target};

/// Whether `pattern`'s characters appear in `text` in order (case-insensitive).
pub fn fuzzy_match(pattern: &str, text: &str) -> bool {
    let mut chars = text.chars().flat_map(char::to_lowercase);
    pattern
        .chars()
        .flat_map(char::to_lowercase)
        .all(|p| chars.any(|c| c == p))
}

/// Contexts whose name (or cluster) matches `filter`, in kubeconfig order.
pub fn entries<'a>(contexts: &'a [ContextInfo], filter: &str) -> Vec<&'a ContextInfo> {
    contexts
        .iter()
        .filter(|c| {
            filter.is_empty() || fuzzy_match(filter, &c.name) || fuzzy_match(filter, &c.cluster)
        })
        .collect()
}

/// Switches to context `name`: new target, new generation, data of the old cluster dropped.
pub fn switch_context(state: &mut AppState, name: &str) -> Vec<Effect> {
    let Some(info) = state.contexts.iter().find(|c| c.name == name).cloned() else {
        state.notice = Some(super::state::Notice {
            text: format!("no context named '{name}' in the kubeconfig"),
            error: true,
        });
        return Vec::new();
    };
    state.remember();
    let remembered = state.remembered.get(&info.name).cloned();
    let scope = match (&remembered, &state.scope, info.namespace.as_str()) {
        (Some((Some(ns), _)), _, _) => Scope::Namespace(ns.clone()),
        (Some((None, _)), _, _) | (None, Scope::All, _) => Scope::All,
        (None, _, "") => Scope::Namespace("default".to_string()),
        (None, _, ns) => Scope::Namespace(ns.to_string()),
    };
    if let Some((_, view)) = remembered {
        state.view = view;
    }
    state.target = Target {
        context: info.name.clone(),
        cluster: info.cluster.clone(),
        server: info.server.clone(),
        user: info.user.clone(),
    };
    state.generation += 1;
    state.scope = scope.clone();
    state.connection = Connection::Connecting;
    state.disconnected.clear();
    state.kinds.clear();
    state.joins = Default::default();
    super::troubleshoot::reset(state);
    super::nav::to_top(state);
    for kind in ResourceKind::VIEWS {
        state.refresh_table(*kind);
    }
    vec![Effect::SwitchContext {
        context: info.name,
        scope,
        generation: state.generation,
    }]
}

/// Starts watching another scope; data of the old one is dropped, late events are ignored.
pub fn switch_scope(state: &mut AppState, scope: Scope) -> Vec<Effect> {
    if scope == state.scope {
        return Vec::new();
    }
    state.scope = scope.clone();
    state.generation += 1;
    for kind in ResourceKind::WATCHED.iter().filter(|k| k.namespaced()) {
        state.kinds.remove(kind);
    }
    for data in state.kinds.values_mut() {
        data.synced = false;
        data.refused = None;
    }
    state.disconnected.clear();
    super::troubleshoot::reset(state);
    for kind in ResourceKind::VIEWS {
        state.refresh_table(*kind);
    }
    super::category::on_scope_changed(state);
    state.dirty = true;
    vec![Effect::Rewatch {
        scope,
        generation: state.generation,
    }]
}

/// The kubeconfig changed on disk: take its contexts, and reconnect when the current context's
/// server or credentials changed.
pub fn on_kubeconfig_reloaded(
    state: &mut AppState,
    result: Result<(Vec<super::state::ContextInfo>, bool), String>,
) -> Vec<Effect> {
    match result {
        Ok((contexts, reconnect)) => {
            state.contexts = contexts;
            if reconnect {
                let context = state.target.context.clone();
                let effects = switch_context(state, &context);
                super::state::say(
                    state,
                    "kubeconfig changed on disk: reconnecting with the new settings",
                    false,
                );
                effects
            } else {
                super::state::say(
                    state,
                    "kubeconfig changed on disk: context list updated",
                    false,
                );
                Vec::new()
            }
        }
        Err(e) => {
            super::state::say(
                state,
                format!(
                    "kubeconfig changed on disk but cannot be used ({e}); keeping the previous one"
                ),
                true,
            );
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_matches_in_order_only() {
        assert!(fuzzy_match("prd", "prod-eu-1"));
        assert!(fuzzy_match("PEU", "prod-eu-1"));
        assert!(!fuzzy_match("dp", "prod"));
        let contexts = vec![
            ContextInfo {
                name: "prod-eu".into(),
                cluster: "eu".into(),
                ..Default::default()
            },
            ContextInfo {
                name: "staging".into(),
                cluster: "stg".into(),
                ..Default::default()
            },
        ];
        assert_eq!(entries(&contexts, "stg").len(), 1);
        assert_eq!(entries(&contexts, "").len(), 2);
    }
}
