//! The input line at the bottom while it has the keyboard: `:` commands, the table's `/`
//! filter, the text views' `/` search, and the log pane's prompts.

use crossterm::event::KeyEvent;

use crate::cluster::Scope;

use super::super::action::{Action, Layer};
use super::super::command::{self, Command, NamespaceChoice};
use super::super::contexts;
use super::super::effect::Effect;
use super::super::input::{Edit, InputPurpose};
use super::super::state::{AppState, say};
use super::{detail, global, logs_input, table};

pub fn on_key(state: &mut AppState, key: &KeyEvent) -> Vec<Effect> {
    if state
        .input
        .as_ref()
        .is_some_and(|i| i.purpose == InputPurpose::Command)
        && command_key(state, key)
    {
        state.dirty = true;
        return Vec::new();
    }
    let Some(input) = state.input.as_mut() else {
        return Vec::new();
    };
    let edit = input.edit(key);
    let (purpose, text) = (input.purpose, input.text.clone());
    if let Some(effects) = logs_input::input_edit(state, &edit, purpose, &text) {
        return effects;
    }
    match (edit, purpose) {
        (Edit::Changed, InputPurpose::Filter) => {
            table::set_filter(state, &text);
            let error = table::filter_error(state);
            if let Some(input) = state.input.as_mut() {
                input.error = error;
            }
            Vec::new()
        }
        (Edit::Cancel, InputPurpose::Filter) => {
            table::set_filter(state, "");
            state.input = None;
            Vec::new()
        }
        (Edit::Submit, InputPurpose::Command) => {
            state.input = None;
            state.history.push(&text);
            run(state, &text)
        }
        (Edit::Submit, InputPurpose::Search) => {
            state.input = None;
            detail::start_search(state, &text);
            Vec::new()
        }
        (Edit::Submit | Edit::Cancel, _) => {
            state.input = None;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Runs a `:` command.
pub fn run(state: &mut AppState, text: &str) -> Vec<Effect> {
    match command::parse(text) {
        Ok(Command::Quit) => {
            state.quit = true;
            Vec::new()
        }
        Ok(Command::Help) => super::on_action(state, Layer::Global, Action::Help),
        Ok(Command::View { kind, namespace }) => {
            global::show_view(state, kind);
            match namespace {
                Some(choice) => contexts::switch_scope(state, scope_of(choice)),
                None => Vec::new(),
            }
        }
        Ok(Command::Namespace(choice)) => contexts::switch_scope(state, scope_of(choice)),
        Ok(Command::Context(Some(name))) => contexts::switch_context(state, &name),
        Ok(Command::Context(None)) => {
            super::picker::open_contexts(state);
            Vec::new()
        }
        Ok(Command::Access) => table::open_access(state),
        Ok(Command::Troubleshoot) => {
            if matches!(
                state.overlay,
                Some(super::super::overlay::Overlay::Troubleshoot)
            ) {
                Vec::new()
            } else {
                super::on_action(state, Layer::Global, Action::Troubleshoot)
            }
        }
        Ok(Command::Certs) => global::certs(state),
        Ok(Command::Logs(what)) => logs_input::open_command(state, what),
        Ok(Command::Resource(query)) => super::super::resources::run(state, query),
        Ok(Command::Reveal(key)) => super::super::resources::reveal(state, &key),
        Err(message) => {
            say(state, message, true);
            Vec::new()
        }
    }
}

/// ↑/↓ walk the history, Tab completes; true when the key was one of those.
fn command_key(state: &mut AppState, key: &KeyEvent) -> bool {
    use crossterm::event::KeyCode;
    let Some(typed) = state.input.as_ref().map(|i| i.text.clone()) else {
        return false;
    };
    let replaced = match key.code {
        KeyCode::Up => state.history.older(&typed),
        KeyCode::Down => state.history.newer(),
        KeyCode::Tab => {
            let candidates = super::super::resources::completions(state, &typed);
            let (line, matches) = super::super::history::complete(&typed, &candidates);
            if let Some(input) = state.input.as_mut() {
                input.error = (matches.len() > 1).then(|| {
                    let mut shown: Vec<String> = matches.iter().take(12).cloned().collect();
                    if matches.len() > 12 {
                        shown.push(format!("… {} more", matches.len() - 12));
                    }
                    shown.join(" ")
                });
            }
            Some(line)
        }
        _ => return false,
    };
    if let (Some(text), Some(input)) = (replaced, state.input.as_mut()) {
        input.text = text;
    }
    true
}

/// API discovery answered: keep it, and run the command that waited for it.
pub fn on_discovered(
    state: &mut AppState,
    result: Result<std::sync::Arc<crate::model::api::ApiRegistry>, String>,
) -> Vec<Effect> {
    match result {
        Ok(api) => {
            state.api = Some(api);
            state.api_error = None;
        }
        Err(e) => state.api_error = Some(e),
    }
    match state.history.pending.take() {
        Some(command) => run(state, &command),
        None => Vec::new(),
    }
}

pub(crate) fn scope_of(choice: NamespaceChoice) -> Scope {
    match choice {
        NamespaceChoice::All => Scope::All,
        NamespaceChoice::Named(ns) => Scope::Namespace(ns),
    }
}

/// The `:` commands, for the help page: (command, what it does).
pub const COMMANDS: &[(&str, &str)] = &[
    (
        ":pods :deploy :svc :no :ns :ev",
        "Show a table (kubectl short names)",
    ),
    (
        ":pods -A  :svc kube-system",
        "Show a table in all / one namespace",
    ),
    (":ns NAME  :ns all", "Switch namespace"),
    (
        ":sts :ds :cm :secrets :pvc :crd …",
        "Any kind the server serves (kubectl names; NAME.GROUP when two groups share one)",
    ),
    (
        ":pods -l app=web  --field-selector F",
        "Label / field selector, as kubectl",
    ),
    (":po @CONTEXT", "The kind in another context"),
    (
        ":reveal KEY",
        "Show one key of the Secret in describe/YAML, decoded",
    ),
    ("Tab  ↑ ↓", "In the command line: complete, history"),
    (":ctx  :ctx NAME", "Context picker / switch context"),
    (":tr", "Troubleshoot"),
    (":certs", "Certificates"),
    (":can-i", "What can I do here"),
    (
        ":logs NAME [CONTAINER] [-p]",
        "Logs of a pod (-p: previous instance)",
    ),
    (
        ":logs deploy/NAME  :logs svc/NAME",
        "Tail every pod of a workload or Service",
    ),
    (":logs -l app=web", "Tail the pods of a label selector"),
    (":help", "This help"),
    (":q", "Quit kmedic"),
];
