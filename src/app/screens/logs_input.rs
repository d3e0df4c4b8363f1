//! Opening the log pane (from a table row, `:logs …`, a typed label selector) and what typed
//! text does to it (search, filters, range).

use crate::cluster::Scope;
use crate::logs::command::LogsCommand;
use crate::logs::spec::{PodSet, Range};
use crate::logs::view::{self, Filter, Pattern};
use crate::model::ResourceKind;

use super::super::effect::Effect;
use super::super::input::{Edit, InputPurpose};
use super::super::logs_pane::{self, pane, restart};
use super::super::state::AppState;
use super::logs::{jump_to_hit, live, notice};

/// Opens logs for the selected row (`previous`: the previous container instance).
pub fn open_from_table(state: &mut AppState, previous: bool) -> Vec<Effect> {
    let Some(row) = state.selected_row().cloned() else {
        return Vec::new();
    };
    let (ns, name) = (row.key.namespace.to_string(), row.key.name.to_string());
    match state.shown_kind() {
        ResourceKind::Pods => logs_pane::open_pod(state, &ns, &name, None, previous),
        ResourceKind::Deployments => logs_pane::open_pods(
            state,
            Some(ns),
            PodSet::Workload {
                kind: "Deployment".into(),
                name,
            },
        ),
        ResourceKind::Services => logs_pane::open_pods(state, Some(ns), PodSet::Service { name }),
        _ => {
            notice(
                state,
                "logs: select a pod, a deployment or a service (this row has no logs)",
                true,
            );
            Vec::new()
        }
    }
}

/// Opens the pane `:logs …` asked for, in the current namespace.
pub fn open_command(state: &mut AppState, what: LogsCommand) -> Vec<Effect> {
    let namespace = match &state.scope {
        Scope::Namespace(ns) => Some(ns.clone()),
        Scope::All => None,
    };
    match (what, namespace) {
        (LogsCommand::Pods(PodSet::Labels(selector)), ns) => {
            logs_pane::open_pods(state, ns, PodSet::Labels(selector))
        }
        (LogsCommand::Pods(set), Some(ns)) => logs_pane::open_pods(state, Some(ns), set),
        (
            LogsCommand::Pod {
                name,
                container,
                previous,
            },
            Some(ns),
        ) => logs_pane::open_pod(state, &ns, &name, container, previous),
        (_, None) => {
            notice(state, "logs: choose a namespace first (:ns NAME)", true);
            Vec::new()
        }
    }
}

/// Handles an edit of the input line when it is one of the log pane's; `None` otherwise.
pub fn input_edit(
    state: &mut AppState,
    edit: &Edit,
    purpose: InputPurpose,
    text: &str,
) -> Option<Vec<Effect>> {
    if !matches!(
        purpose,
        InputPurpose::LogSearch
            | InputPurpose::LogFilter
            | InputPurpose::LogFilterOut
            | InputPurpose::LogRange
            | InputPurpose::LogSelector
    ) {
        return None;
    }
    Some(match edit {
        Edit::Submit => {
            state.input = None;
            input(state, purpose, text)
        }
        Edit::Cancel => {
            state.input = None;
            Vec::new()
        }
        _ => Vec::new(),
    })
}

/// Typed text for the pane (search, filters, range, label selector).
pub fn input(state: &mut AppState, purpose: InputPurpose, text: &str) -> Vec<Effect> {
    if purpose == InputPurpose::LogSelector {
        let namespace = match &state.scope {
            Scope::Namespace(ns) => Some(ns.clone()),
            Scope::All => None,
        };
        let selector = text.trim().to_string();
        if selector.is_empty() {
            return Vec::new();
        }
        return logs_pane::open_pods(state, namespace, PodSet::Labels(selector));
    }
    let height = state.log_rows();
    let Some(p) = pane(state) else {
        return Vec::new();
    };
    let result: Result<Option<String>, String> = match purpose {
        InputPurpose::LogRange => match Range::parse(text) {
            Ok(range) => {
                p.range = range;
                return restart(state);
            }
            Err(e) => Err(e),
        },
        InputPurpose::LogFilter | InputPurpose::LogFilterOut if text.is_empty() => {
            p.filter = None;
            Ok(None)
        }
        InputPurpose::LogFilter | InputPurpose::LogFilterOut => Pattern::new(text).map(|pattern| {
            p.filter = Some(Filter {
                pattern,
                inverse: purpose == InputPurpose::LogFilterOut,
            });
            live(p);
            None
        }),
        _ => Pattern::new(text).map(|pattern| {
            let count = {
                p.buffer.rehit(|l| pattern.matches(l));
                p.buffer
                    .iter()
                    .filter(|s| s.hit && view::kept(p.filter.as_ref(), s))
                    .count()
            };
            p.search = Some(pattern);
            p.current_hit = None;
            let from = p.bottom.map(|b| b + 1).or(Some(u64::MAX));
            jump_to_hit(p, from, false, height);
            Some(if count == 0 {
                format!("no match for /{text}")
            } else {
                format!("{count} matching lines for /{text}")
            })
        }),
    };
    match result {
        Ok(Some(text)) => notice(state, text, false),
        Ok(None) => {}
        Err(e) => notice(state, format!("invalid: {e}"), true),
    }
    state.dirty = true;
    Vec::new()
}
