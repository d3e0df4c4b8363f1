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
            let error = state.table().and_then(|t| t.filter_error.clone());
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
        Err(message) => {
            say(state, message, true);
            Vec::new()
        }
    }
}

fn scope_of(choice: NamespaceChoice) -> Scope {
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
