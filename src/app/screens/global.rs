//! Keys that work on every screen (the `[global]` keymap section): quit, help, the command
//! line, Troubleshoot, Certificates and the table views.

use crate::model::ResourceKind;

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::input::{InputLine, InputPurpose};
use super::super::nav;
use super::super::overlay::{CertsPane, Overlay};
use super::super::state::AppState;
use super::super::text_view::TextView;

pub const HANDLES: &[Action] = &[
    Action::Quit,
    Action::Help,
    Action::Back,
    Action::CommandLine,
    Action::Troubleshoot,
    Action::Certs,
    Action::ContextPicker,
    Action::ViewPods,
    Action::ViewDeployments,
    Action::ViewServices,
    Action::ViewNodes,
    Action::ViewNamespaces,
    Action::ViewEvents,
    Action::NextView,
    Action::PreviousView,
];

pub fn on_action(state: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    match action {
        Action::Quit => state.quit = true,
        Action::Help => help(state),
        Action::Back => back(state),
        Action::CommandLine => state.input = Some(InputLine::new(InputPurpose::Command, "")),
        Action::Troubleshoot => troubleshoot(state),
        Action::Certs => return Some(certs(state)),
        Action::ContextPicker => super::picker::open_contexts(state),
        Action::ViewPods => show_view(state, ResourceKind::Pods),
        Action::ViewDeployments => show_view(state, ResourceKind::Deployments),
        Action::ViewServices => show_view(state, ResourceKind::Services),
        Action::ViewNodes => show_view(state, ResourceKind::Nodes),
        Action::ViewNamespaces => show_view(state, ResourceKind::Namespaces),
        Action::ViewEvents => show_view(state, ResourceKind::Events),
        Action::NextView | Action::PreviousView => cycle_view(state, action == Action::NextView),
        _ => return None,
    }
    state.dirty = true;
    Some(Vec::new())
}

/// Back to the screen beneath; on the table: clear its filter, else ask whether to quit.
pub fn back(state: &mut AppState) {
    if state.overlay.is_some() {
        nav::back(state);
        // A table beneath may have missed changes while covered; its cursor stays on its row.
        let kind = state.shown_kind();
        state.refresh_table(kind);
    } else if state.table().is_some_and(|t| !t.filter_text.is_empty()) {
        super::table::set_filter(state, "");
    } else {
        ask_to_quit(state);
    }
}

/// Asks "quit kmedic?"; the next key answers (only `y` quits; anything else, `q` too, stays).
pub fn ask_to_quit(state: &mut AppState) {
    state.confirm_quit = true;
    state.dirty = true;
}

fn help(state: &mut AppState) {
    if matches!(state.overlay, Some(Overlay::Help(_))) {
        nav::back(state);
    } else {
        nav::open(state, Overlay::Help(TextView::default()));
    }
}

/// `t`: opens Troubleshoot, or returns to it when it is open beneath; from Troubleshoot, back.
fn troubleshoot(state: &mut AppState) {
    if matches!(state.overlay, Some(Overlay::Troubleshoot)) {
        nav::back(state);
        return;
    }
    nav::open_unique(
        state,
        |o| matches!(o, Overlay::Troubleshoot),
        |_| (Overlay::Troubleshoot, Vec::new()),
    );
}

/// Opens the Certificates screen and asks for an inspection.
pub fn certs(state: &mut AppState) -> Vec<Effect> {
    nav::open_unique(
        state,
        |o| matches!(o, Overlay::Certs(_)),
        |state| {
            let request = state.next_request;
            state.next_request += 1;
            (
                Overlay::Certs(Box::new(CertsPane {
                    request,
                    view: None,
                })),
                vec![Effect::InspectCerts { request }],
            )
        },
    )
}

/// Shows a table view: every screen closes, the table has the keyboard.
pub fn show_view(state: &mut AppState, kind: ResourceKind) {
    nav::to_top(state);
    if kind != ResourceKind::Browse && state.browse.take().is_some() {
        // The browsed kind left the screen; the runtime stops its watch.
        state.kinds.remove(&ResourceKind::Browse);
        state.tables.remove(&ResourceKind::Browse);
    }
    state.view = kind;
    state.refresh_table(kind);
}

fn cycle_view(state: &mut AppState, forward: bool) {
    let views = ResourceKind::VIEWS;
    let pos = views.iter().position(|k| *k == state.view).unwrap_or(0);
    let next = if forward {
        (pos + 1) % views.len()
    } else {
        (pos + views.len() - 1) % views.len()
    };
    show_view(state, views[next]);
}
