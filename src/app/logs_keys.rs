//! What actions and typed text do while the log pane has the keyboard, and opening a pane from
//! the table (a pod, a Deployment's or Service's pods, or a typed label selector).

use crate::cluster::Scope;
use crate::logs::clipboard::save_name;
use crate::logs::command::LogsCommand;
use crate::logs::spec::{LogEffect, PodSet, Range, StreamState};
use crate::logs::view::{self, Filter, Pattern};
use crate::model::ResourceKind;

use super::action::Action;
use super::effect::Effect;
use super::input::{Edit, InputLine, InputPurpose};
use super::logs_pane::{self, LogsPane, export, pane, restart};
use super::overlay::Overlay;
use super::state::{AppState, Notice};
use super::text_view::TextView;

/// Opens logs for the selected row (`previous`: the previous container instance).
pub fn open_from_table(state: &mut AppState, previous: bool) -> Vec<Effect> {
    let Some(row) = state.selected_row().cloned() else {
        return Vec::new();
    };
    let (ns, name) = (row.key.namespace.clone(), row.key.name.clone());
    match state.view {
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
            notice(state, "logs: select a pod, a deployment or a service", true);
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

fn notice(state: &mut AppState, text: impl Into<String>, error: bool) {
    state.notice = Some(Notice {
        text: text.into(),
        error,
    });
}

/// Handles `action` in the log pane; `None` leaves it to the general keys (quit, views, …).
pub fn apply(state: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    let height = state.text_height().saturating_sub(1).max(1);
    let now = state.now;
    let save_dir = state.log_settings.save_dir.clone();
    let p = pane(state)?;
    let mut effects = Vec::new();
    match action {
        Action::Back => return Some(logs_pane::close(state)),
        Action::Help => {
            // Help goes over the pane; leaving help brings the pane back.
            if let Some(Overlay::Logs(p)) = state.overlay.take() {
                state.parked_logs = Some(p);
            }
            state.overlay = Some(Overlay::Help(TextView::default()));
            state.dirty = true;
            return Some(Vec::new());
        }
        Action::Up => scroll(p, -1, height),
        Action::Down => scroll(p, 1, height),
        Action::PageUp => scroll(p, -(height as isize), height),
        Action::PageDown => scroll(p, height as isize, height),
        Action::Top => p.bottom = floor(p, height),
        Action::Bottom | Action::JumpLive => live(p),
        Action::ToggleTimestamps => p.timestamps = !p.timestamps,
        Action::ToggleWrap => p.wrap = !p.wrap,
        Action::ToggleAnsi => p.ansi = !p.ansi,
        Action::ToggleFollow => {
            p.follow = !p.follow;
            if p.follow {
                p.previous = false;
                return Some(restart(state));
            }
            for s in p.sources.iter_mut().filter(|s| !s.left) {
                effects.push(Effect::Logs(LogEffect::StopStream { stream: s.stream }));
                s.state = StreamState::Ended {
                    reason: "stopped (follow off)".into(),
                };
            }
        }
        Action::LogsPrevious => {
            p.previous = !p.previous;
            p.follow = !p.previous;
            return Some(restart(state));
        }
        Action::NextContainer => {
            if p.multi() || p.containers.len() < 2 {
                notice(state, "no other container", false);
                return Some(Vec::new());
            }
            let current = p
                .sources
                .first()
                .map(|s| s.container.clone())
                .unwrap_or_default();
            let at = p
                .containers
                .iter()
                .position(|c| c.name == current)
                .map_or(0, |i| i + 1);
            let next = p.containers[at % p.containers.len()].name.clone();
            p.container = Some(next.clone());
            if let Some(s) = p.sources.first_mut() {
                s.container = next;
            }
            return Some(restart(state));
        }
        Action::Search => state.input = Some(InputLine::new(InputPurpose::LogSearch, "")),
        Action::Filter => state.input = Some(InputLine::new(InputPurpose::LogFilter, "")),
        Action::FilterOut => state.input = Some(InputLine::new(InputPurpose::LogFilterOut, "")),
        Action::LogRange => state.input = Some(InputLine::new(InputPurpose::LogRange, "")),
        Action::ClearFilter => {
            p.filter = None;
            p.search = None;
            p.current_hit = None;
            p.buffer.rehit(|_| false);
            live(p);
        }
        Action::SearchNext | Action::SearchPrevious => {
            let from = p.current_hit.or(p.bottom);
            jump_to_hit(p, from, action == Action::SearchNext, height);
        }
        Action::Mark => {
            p.mark = match p.mark {
                Some(_) => None,
                None => p.bottom.or_else(|| view::newest(&p.buffer, p.filter())),
            };
        }
        Action::Copy => {
            let (from, to) = selection(p, height);
            let (text, lines) = export(p, from, to, p.timestamps);
            p.mark = None;
            effects.push(Effect::Logs(LogEffect::Copy { text }));
            notice(
                state,
                format!("copied {lines} lines to the clipboard (OSC 52)"),
                false,
            );
        }
        Action::Save => {
            let (text, lines) = export(p, 0, u64::MAX, true);
            let path = save_dir.join(save_name(&p.title(), now));
            effects.push(Effect::Logs(LogEffect::Save {
                path: path.to_string_lossy().into_owned(),
                text,
                lines,
            }));
        }
        _ => return None,
    }
    state.dirty = true;
    Some(effects)
}

/// The lines to copy: from the mark to the bottom line, else the lines on screen.
fn selection(p: &LogsPane, height: usize) -> (u64, u64) {
    let bottom = p
        .bottom
        .or_else(|| view::newest(&p.buffer, p.filter()))
        .unwrap_or(0);
    match p.mark {
        Some(mark) => (mark.min(bottom), mark.max(bottom)),
        None => {
            let shown = view::window(&p.buffer, p.filter(), p.bottom, height, |_| 1);
            (shown.first().map_or(0, |s| s.seq), bottom)
        }
    }
}

fn live(p: &mut LogsPane) {
    p.bottom = None;
    p.unseen = 0;
}

/// The lowest bottom line that still fills the screen; `None` if everything fits (stay live).
fn floor(p: &LogsPane, height: usize) -> Option<u64> {
    p.buffer
        .iter()
        .filter(|s| view::kept(p.filter(), s))
        .nth(height.saturating_sub(1))
        .map(|s| s.seq)
        .filter(|seq| Some(*seq) != view::newest(&p.buffer, p.filter()))
}

fn scroll(p: &mut LogsPane, delta: isize, height: usize) {
    let Some(current) = p.bottom.or_else(|| view::newest(&p.buffer, p.filter())) else {
        return;
    };
    let Some(lowest) = floor(p, height) else {
        return;
    };
    if delta < 0 {
        let to = view::back(&p.buffer, p.filter(), current, delta.unsigned_abs());
        p.bottom = to.map(|t| t.max(lowest));
    } else if p.bottom.is_some() {
        p.bottom = view::forward(&p.buffer, p.filter(), current, delta as usize);
        if p.bottom.is_none() {
            p.unseen = 0;
        }
    }
}

fn jump_to_hit(p: &mut LogsPane, from: Option<u64>, forward: bool, height: usize) {
    let Some(hit) = view::next_hit(&p.buffer, p.filter(), from, forward) else {
        return;
    };
    p.current_hit = Some(hit);
    let below = view::forward(&p.buffer, p.filter(), hit, height / 2);
    match below {
        Some(bottom) => p.bottom = Some(bottom.max(floor(p, height).unwrap_or(0))),
        None if p.bottom.is_some() => {
            let newest = view::newest(&p.buffer, p.filter());
            p.bottom = newest.map(|n| n.max(floor(p, height).unwrap_or(0)));
        }
        None => {}
    }
}

/// Runs `f` (a general action) and, if it replaced or closed the log pane, stops the pane's
/// streams too.
pub fn stop_if_replaced(
    state: &mut AppState,
    f: impl FnOnce(&mut AppState) -> Vec<Effect>,
) -> Vec<Effect> {
    let before = pane(state).map(|p| p.id);
    let screen = (state.view, state.generation);
    let mut effects = f(state);
    // Help was left: the parked pane comes back, unless something else took the screen.
    if state.parked_logs.is_some() && !matches!(state.overlay, Some(Overlay::Help(_))) {
        let back = state.overlay.is_none() && screen == (state.view, state.generation);
        match (back, state.parked_logs.take()) {
            (true, Some(parked)) => state.overlay = Some(Overlay::Logs(parked)),
            (_, Some(parked)) => {
                effects.push(Effect::Logs(LogEffect::StopPane { pane: parked.id }))
            }
            (_, None) => {}
        }
    }
    if let Some(id) = before
        && pane(state).is_none_or(|p| p.id != id)
        && !effects.contains(&Effect::Logs(LogEffect::StopPane { pane: id }))
    {
        effects.push(Effect::Logs(LogEffect::StopPane { pane: id }));
    }
    effects
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
    let height = state.text_height().saturating_sub(1).max(1);
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
